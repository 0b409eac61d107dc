/* regions.h -- the target's mapped regions (from MAP, UNMAP, PROTECT, REMAP)
 * and named ranges (pervert.h NAME records, THREAD_STACK), as sorted,
 * non-overlapping arrays.  Knows nothing about drawing. */
#ifndef PV_VIEW_REGIONS_H
#define PV_VIEW_REGIONS_H

#include <stddef.h>
#include "pv_proto.h"

#define PV_REGION_NAME 112
#define PV_NAMED_NAME  64
#define PV_MAX_REGIONS 65536
#define PV_MAX_NAMED   4096

struct pv_region {
   pv_u64 start, end;          /* [start, end) */
   pv_u8  kind;                /* enum pv_map_kind */
   pv_u8  prot;                /* PV_PROT_* */
   char   name[PV_REGION_NAME];/* path or label from the MAP record */
};

struct pv_named {
   pv_u64 start, end;
   pv_u32 tid;
   int    is_stack;            /* from THREAD_STACK */
   char   name[PV_NAMED_NAME];
};

struct pv_regions {
   struct pv_region *r;
   unsigned          n, cap;
   struct pv_named  *nm;
   unsigned          nn, ncap;
   unsigned          gen;      /* bumped when the set of regions changes */
   unsigned          name_gen; /* bumped when named ranges change */
   unsigned          hint;     /* last region found */
};

void pv_regions_init(struct pv_regions *rs);
void pv_regions_free(struct pv_regions *rs);

void pv_regions_map(struct pv_regions *rs, pv_u64 start, pv_u64 len,
                    unsigned kind, unsigned prot, const char *name);
void pv_regions_unmap(struct pv_regions *rs, pv_u64 start, pv_u64 len);
void pv_regions_protect(struct pv_regions *rs, pv_u64 start, pv_u64 len, unsigned prot);
void pv_regions_remap(struct pv_regions *rs, pv_u64 from, pv_u64 to, pv_u64 len);
/* LEN 0 removes the names that start at START. */
void pv_regions_name(struct pv_regions *rs, pv_u64 start, pv_u64 len,
                     const char *name, pv_u32 tid);
void pv_regions_thread_stack(struct pv_regions *rs, pv_u32 tid, pv_u64 lo, pv_u64 hi);

/* Index of the region containing ADDR, or -1. */
int  pv_regions_find(struct pv_regions *rs, pv_u64 addr);
/* The innermost named range containing ADDR, or NULL. */
const struct pv_named *pv_regions_named_at(const struct pv_regions *rs, pv_u64 addr);

/* "heap", "[stack]", "libc.so.6 .data", "anonymous mmap" ... */
const char *pv_region_label(const struct pv_regions *rs, unsigned idx, char *buf, size_t n);

#endif
