/* pv_symtab.c -- code sites and call stacks of a pervert stream.
 * See pv_symtab.h for the API, pv_proto.h for the SITE and STACK records. */
#include "pv_symtab.h"
#include "pv_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- owned storage: a list of bump-allocated chunks ------------------ */

struct pv_symtab_chunk {
   struct pv_symtab_chunk *next;
   size_t used, cap;
   /* 8-aligned payload follows */
};

#define CHUNK_PAYLOAD  (64u * 1024u - sizeof(struct pv_symtab_chunk))

static void *arena_alloc(struct pv_symtab *t, size_t n, size_t align)
{
   struct pv_symtab_chunk *c = t->chunks;
   if (c) {
      size_t off = (c->used + (align - 1)) & ~(align - 1);
      if (off + n <= c->cap) {
         c->used = off + n;
         return (char *)(c + 1) + off;
      }
   }
   size_t cap = n > CHUNK_PAYLOAD ? n : CHUNK_PAYLOAD;
   struct pv_symtab_chunk *nc = malloc(sizeof *nc + cap);
   if (!nc)
      return NULL;
   nc->cap = cap;
   nc->used = n;
   if (c && n > CHUNK_PAYLOAD) {
      /* a big object: keep filling the current chunk afterwards */
      nc->next = c->next;
      c->next = nc;
   } else {
      nc->next = c;
      t->chunks = nc;
   }
   return nc + 1;
}

/* ---- growable id-indexed arrays --------------------------------------- */

static int grow(void **arr, pv_u32 *cap, pv_u32 id, size_t elem)
{
   if (id < *cap)
      return 0;
   size_t ncap = *cap ? *cap : 256;
   while (ncap <= id)
      ncap *= 2;
   if (ncap > (size_t)PV_SYMTAB_MAX_ID + 1)
      ncap = (size_t)PV_SYMTAB_MAX_ID + 1;
   void *n = realloc(*arr, ncap * elem);
   if (!n)
      return -1;
   memset((char *)n + (size_t)*cap * elem, 0, (ncap - *cap) * elem);
   *arr = n;
   *cap = (pv_u32)ncap;
   return 0;
}

void pv_symtab_init(struct pv_symtab *t)
{
   memset(t, 0, sizeof *t);
}

void pv_symtab_free(struct pv_symtab *t)
{
   struct pv_symtab_chunk *c = t->chunks;
   while (c) {
      struct pv_symtab_chunk *n = c->next;
      free(c);
      c = n;
   }
   free(t->sites);
   free(t->stacks);
   memset(t, 0, sizeof *t);
}

/* ---- sites ------------------------------------------------------------- */

/* Define site ID with the four strings S[i] of lengths L[i] (not terminated). */
static int set_site(struct pv_symtab *t, pv_u32 id, pv_u64 addr, pv_u32 line,
                    const char *const s[4], const size_t l[4])
{
   if (id == 0 || id > PV_SYMTAB_MAX_ID)
      return -1;
   if (grow((void **)&t->sites, &t->cap_sites, id, sizeof *t->sites) != 0)
      return -1;
   size_t total = l[0] + l[1] + l[2] + l[3] + 4;
   char *p = arena_alloc(t, total, 1);
   if (!p)
      return -1;
   const char *d[4];
   for (int i = 0; i < 4; i++) {
      memcpy(p, s[i], l[i]);
      p[l[i]] = 0;
      d[i] = p;
      p += l[i] + 1;
   }
   struct pv_site *e = &t->sites[id];
   if (!e->known) {
      t->nsites++;
      if (id > t->max_site)
         t->max_site = id;
   }
   e->addr = addr;
   e->fn = d[0];
   e->file = d[1];
   e->dir = d[2];
   e->obj = d[3];
   e->line = line;
   e->known = 1;
   return 0;
}

int pv_symtab_add_site(struct pv_symtab *t, const void *rec, size_t len)
{
   const unsigned char *r = rec;
   pv_u64 h, w1, w2;
   if (len < 24)
      return -1;
   memcpy(&h, r, 8);
   memcpy(&w1, r + 8, 8);
   memcpy(&w2, r + 16, 8);
   if (PV_HDR_TYPE(h) != PV_REC_SITE)
      return -1;
   const char *s[4];
   size_t l[4];
   pv_site_strings(r, len, s, l);
   return set_site(t, PV_HDR_A32(h), w1, (pv_u32)w2, s, l);
}

int pv_symtab_set_site(struct pv_symtab *t, pv_u32 id, pv_u64 addr,
                       const char *fn, const char *file, const char *dir,
                       const char *obj, pv_u32 line)
{
   const char *s[4] = { fn ? fn : "", file ? file : "", dir ? dir : "", obj ? obj : "" };
   size_t l[4];
   for (int i = 0; i < 4; i++)
      l[i] = strlen(s[i]);
   return set_site(t, id, addr, line, s, l);
}

const struct pv_site *pv_symtab_site(const struct pv_symtab *t, pv_u32 id)
{
   if (id == 0 || id >= t->cap_sites || !t->sites[id].known)
      return NULL;
   return &t->sites[id];
}

/* ---- stacks ------------------------------------------------------------ */

int pv_symtab_set_stack(struct pv_symtab *t, pv_u32 id, const pv_u32 *ids, pv_u32 depth)
{
   if (id == 0 || id > PV_SYMTAB_MAX_ID)
      return -1;
   if (grow((void **)&t->stacks, &t->cap_stacks, id, sizeof *t->stacks) != 0)
      return -1;
   pv_u32 *d = arena_alloc(t, (size_t)depth * 4 + 4, 4);   /* +4: never NULL for depth 0 */
   if (!d)
      return -1;
   if (depth)
      memcpy(d, ids, (size_t)depth * 4);
   struct pv_stack *e = &t->stacks[id];
   if (!e->known) {
      t->nstacks++;
      if (id > t->max_stack)
         t->max_stack = id;
   }
   e->ids = d;
   e->depth = depth;
   e->known = 1;
   return 0;
}

int pv_symtab_add_stack(struct pv_symtab *t, const void *rec, size_t len)
{
   const unsigned char *r = rec;
   pv_u64 h;
   if (len < 8)
      return -1;
   memcpy(&h, r, 8);
   if (PV_HDR_TYPE(h) != PV_REC_STACK)
      return -1;
   pv_u32 depth = PV_HDR_SUB(h);
   if (8 + (size_t)depth * 4 > len)
      return -1;
   /* the ids may not be 4-aligned for a caller's copy: go through memcpy */
   pv_u32 ids[256];
   memcpy(ids, r + 8, (size_t)depth * 4);
   return pv_symtab_set_stack(t, PV_HDR_A32(h), ids, depth);
}

const pv_u32 *pv_symtab_stack(const struct pv_symtab *t, pv_u32 id, pv_u32 *depth)
{
   if (id == 0 || id >= t->cap_stacks || !t->stacks[id].known) {
      if (depth)
         *depth = 0;
      return NULL;
   }
   if (depth)
      *depth = t->stacks[id].depth;
   return t->stacks[id].ids;
}

/* ---- describe_IP-like text --------------------------------------------- */

size_t pv_site_format(const struct pv_site *s, char *buf, size_t len)
{
   int n;
   if (!s)
      n = snprintf(buf, len, "???");
   else if (s->fn[0] && s->file[0] && s->line)
      n = snprintf(buf, len, "%s (%s:%u)", s->fn, s->file, (unsigned)s->line);
   else if (s->fn[0] && s->file[0])
      n = snprintf(buf, len, "%s (%s)", s->fn, s->file);
   else if (s->fn[0] && s->obj[0])
      n = snprintf(buf, len, "%s (in %s)", s->fn, s->obj);
   else if (s->fn[0])
      n = snprintf(buf, len, "%s", s->fn);
   else if (s->obj[0])
      n = snprintf(buf, len, "0x%llX (in %s)", (unsigned long long)s->addr, s->obj);
   else
      n = snprintf(buf, len, "0x%llX", (unsigned long long)s->addr);
   return n < 0 ? 0 : (size_t)n;
}
