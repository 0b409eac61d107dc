/* pv_symtab.h -- code sites and call stacks of a pervert stream.
 *
 * The tool describes code locations once, in PV_REC_SITE records (site id ->
 * code address, function, file, directory, object, line), and call stacks
 * once, in PV_REC_STACK records (stack id -> site ids, innermost first); the
 * other records refer to them by id.  A consumer feeds those two record
 * kinds into a struct pv_symtab as they arrive and looks ids up afterwards.
 * (The protocol guarantees that a SITE/STACK record comes before any record
 * that refers to its id.)
 *
 *     struct pv_symtab t;
 *     pv_symtab_init(&t);
 *     ... for each record REC of LEN bytes:
 *        case PV_REC_SITE:  pv_symtab_add_site(&t, rec, len);  break;
 *        case PV_REC_STACK: pv_symtab_add_stack(&t, rec, len); break;
 *     ...
 *     const struct pv_site *s = pv_symtab_site(&t, site_id);
 *     char buf[512];
 *     pv_site_format(s, buf, sizeof buf);     // "main (demo.c:12)"
 *     pv_symtab_free(&t);
 *
 * Ids start at 1; 0 means unknown and is never stored.  Storage is a dense
 * growable array indexed by id (the tool hands ids out in order), so a
 * lookup is an array access.  All strings are copied into the table and live
 * until pv_symtab_free: the ring memory the records came from may be reused.
 * No globals, no locking: one table per thread of use.
 */
#ifndef PV_SYMTAB_H
#define PV_SYMTAB_H

#include <stddef.h>
#include "pv_proto.h"

/* Largest id accepted (larger ids are taken as corruption). */
#define PV_SYMTAB_MAX_ID  (1u << 26)

struct pv_site {
   pv_u64      addr;    /* code address */
   const char *fn;      /* function name; "" if unknown; never NULL */
   const char *file;    /* source file name as in the debug info; "" if unknown */
   const char *dir;     /* directory of the source file; "" if unknown */
   const char *obj;     /* object (executable or shared library) path; "" if unknown */
   pv_u32      line;    /* source line; 0 if unknown */
   pv_u32      known;   /* 1 for a site that was defined */
};

struct pv_stack {
   const pv_u32 *ids;   /* site ids, innermost frame first */
   pv_u32        depth; /* number of ids */
   pv_u32        known; /* 1 for a stack that was defined */
};

struct pv_symtab_chunk;  /* string / id storage, private */

struct pv_symtab {
   struct pv_site  *sites;       /* indexed by site id, cap_sites entries */
   pv_u32           cap_sites;
   pv_u32           nsites;      /* number of distinct sites defined */
   pv_u32           max_site;    /* largest site id defined */
   struct pv_stack *stacks;      /* indexed by stack id, cap_stacks entries */
   pv_u32           cap_stacks;
   pv_u32           nstacks;
   pv_u32           max_stack;
   struct pv_symtab_chunk *chunks;  /* private: owned storage */
};

/* An empty table. */
void pv_symtab_init(struct pv_symtab *t);

/* Free everything the table owns; it is empty (re-usable) afterwards.
 * Pointers returned by the lookups below become invalid. */
void pv_symtab_free(struct pv_symtab *t);

/* Add the PV_REC_SITE record REC of LEN bytes (header included).
 * A site id defined again replaces the earlier definition.
 * Missing or unterminated strings are taken as "" (unknown).
 * 0 on success; -1 if the record is not a SITE record, is shorter than its
 * fixed part, has id 0 or an id above PV_SYMTAB_MAX_ID, or memory ran out. */
int pv_symtab_add_site(struct pv_symtab *t, const void *rec, size_t len);

/* Add the PV_REC_STACK record REC of LEN bytes.  0 on success; -1 if it is
 * not a STACK record, its ids do not fit in LEN, its id is 0 or too big, or
 * memory ran out. */
int pv_symtab_add_stack(struct pv_symtab *t, const void *rec, size_t len);

/* Define a site directly (for consumers that learn sites otherwise, and
 * tests).  NULL strings are taken as "".  Same return as add_site. */
int pv_symtab_set_site(struct pv_symtab *t, pv_u32 id, pv_u64 addr,
                       const char *fn, const char *file, const char *dir,
                       const char *obj, pv_u32 line);

/* Define a stack directly: DEPTH site ids, innermost first. */
int pv_symtab_set_stack(struct pv_symtab *t, pv_u32 id,
                        const pv_u32 *ids, pv_u32 depth);

/* The site with id ID, or NULL if it was never defined (or ID is 0). */
const struct pv_site *pv_symtab_site(const struct pv_symtab *t, pv_u32 id);

/* The site ids of stack ID, innermost first, with *DEPTH set to their
 * number; NULL with *DEPTH = 0 if the stack was never defined.  A defined
 * stack of depth 0 returns a non-NULL pointer with *DEPTH = 0.  DEPTH may be
 * NULL. */
const pv_u32 *pv_symtab_stack(const struct pv_symtab *t, pv_u32 id, pv_u32 *depth);

/* Describe SITE the way Valgrind's describe_IP does (without the leading
 * "0xADDR: "):
 *     "fn (file:line)"    function and source line known
 *     "fn (file)"         line unknown
 *     "fn (in obj)"       no source information
 *     "fn"                nothing but the function
 *     "0x4005F4 (in obj)" only the object known
 *     "0x4005F4"          only the address
 *     "???"               SITE is NULL
 * Writes at most LEN bytes including the terminating NUL into BUF (which is
 * always terminated when LEN > 0) and returns the length the full text
 * would have, like snprintf. */
size_t pv_site_format(const struct pv_site *site, char *buf, size_t len);

#endif /* PV_SYMTAB_H */
