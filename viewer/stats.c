/* stats.c -- per-line counters in hashed chunks (see stats.h). */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

int pv_stats_init(struct pv_stats *s, pv_u32 max_chunks)
{
   memset(s, 0, sizeof *s);
   s->max_chunks = max_chunks ? max_chunks : PV_STATS_MAX_CHUNKS;
   s->cap = 256;
   s->tab = calloc(s->cap, sizeof *s->tab);
   s->scratch = calloc(1, sizeof *s->scratch);
   if (!s->tab || !s->scratch)
      return -1;
   s->scratch->key = ~0ull;
   return 0;
}

void pv_stats_free(struct pv_stats *s)
{
   for (pv_u32 i = 0; i < s->cap; i++)
      free(s->tab[i]);
   free(s->tab);
   free(s->scratch);
   memset(s, 0, sizeof *s);
}

static pv_u32 hash(pv_u64 key)
{
   key *= 0x9E3779B97F4A7C15ull;
   return (pv_u32)(key >> 32);
}

struct pv_chunk *pv_stats_lookup(const struct pv_stats *s, pv_u64 key)
{
   pv_u32 m = s->cap - 1;
   for (pv_u32 i = hash(key) & m;; i = (i + 1) & m) {
      struct pv_chunk *c = s->tab[i];
      if (!c)
         return NULL;
      if (c->key == key)
         return c;
   }
}

static void place(struct pv_chunk **tab, pv_u32 cap, struct pv_chunk *c)
{
   pv_u32 m = cap - 1;
   pv_u32 i = hash(c->key) & m;
   while (tab[i])
      i = (i + 1) & m;
   tab[i] = c;
}

struct pv_chunk *pv_stats_chunk_slow(struct pv_stats *s, pv_u64 key)
{
   struct pv_chunk *c = pv_stats_lookup(s, key);
   if (c)
      return c;
   if (s->n >= s->max_chunks) {
      s->overflow++;
      return s->scratch;
   }
   if ((s->n + 1) * 2 > s->cap) {
      pv_u32 nc = s->cap * 2;
      struct pv_chunk **t = calloc(nc, sizeof *t);
      if (!t)
         return s->scratch;
      for (pv_u32 i = 0; i < s->cap; i++)
         if (s->tab[i])
            place(t, nc, s->tab[i]);
      free(s->tab);
      s->tab = t;
      s->cap = nc;
   }
   c = calloc(1, sizeof *c);
   if (!c) {
      s->overflow++;
      return s->scratch;
   }
   c->key = key;
   place(s->tab, s->cap, c);
   s->n++;
   return c;
}

static void remove_chunk(struct pv_stats *s, struct pv_chunk *c)
{
   pv_u32 m = s->cap - 1;
   pv_u32 i = hash(c->key) & m;
   while (s->tab[i] != c)
      i = (i + 1) & m;
   s->tab[i] = NULL;
   /* backward-shift the cluster after the hole */
   for (pv_u32 j = (i + 1) & m; s->tab[j]; j = (j + 1) & m) {
      struct pv_chunk *x = s->tab[j];
      s->tab[j] = NULL;
      place(s->tab, s->cap, x);
   }
   s->n--;
   for (int k = 0; k < PV_STATS_CACHE; k++)
      if (s->cache[k].c == c)
         s->cache[k].c = NULL;
   free(c);
}

static void clear_chunk(struct pv_stats *s, pv_u64 k, pv_u64 lo, pv_u64 hi)
{
   struct pv_chunk *c = pv_stats_lookup(s, k);
   if (!c)
      return;
   pv_u64 cs = k << PV_CHUNK_SHIFT, ce = (k + 1) << PV_CHUNK_SHIFT;
   if (lo <= cs && hi >= ce) {
      remove_chunk(s, c);
      return;
   }
   pv_u64 a = lo > cs ? lo : cs, b = hi < ce ? hi : ce;
   /* only whole lines inside the range */
   pv_u32 l0 = (pv_u32)((a - cs + (1u << PV_LINE_SHIFT) - 1) >> PV_LINE_SHIFT);
   pv_u32 l1 = (pv_u32)((b - cs) >> PV_LINE_SHIFT);
   if (l1 > l0)
      memset(&c->line[l0], 0, (l1 - l0) * sizeof c->line[0]);
}

void pv_stats_clear(struct pv_stats *s, pv_u64 lo, pv_u64 hi)
{
   if (hi <= lo)
      return;
   pv_u64 k0 = lo >> PV_CHUNK_SHIFT, k1 = (hi - 1) >> PV_CHUNK_SHIFT;
   if (k1 - k0 <= 4 * (pv_u64)s->cap) {
      for (pv_u64 k = k0; k <= k1; k++)
         clear_chunk(s, k, lo, hi);
      return;
   }
   /* a huge range: find the chunks through the table */
   pv_u64 *keys = malloc((s->n + 1) * sizeof *keys);
   pv_u32 n = 0;
   if (!keys)
      return;
   for (pv_u32 i = 0; i < s->cap; i++) {
      struct pv_chunk *c = s->tab[i];
      if (c && c->key >= k0 && c->key <= k1)
         keys[n++] = c->key;
   }
   for (pv_u32 i = 0; i < n; i++)
      clear_chunk(s, keys[i], lo, hi);
   free(keys);
}

const struct pv_line *pv_stats_line(const struct pv_stats *s, pv_u64 addr)
{
   struct pv_chunk *c = pv_stats_lookup(s, addr >> PV_CHUNK_SHIFT);
   if (!c)
      return NULL;
   return &c->line[(addr >> PV_LINE_SHIFT) & (PV_CHUNK_LINES - 1)];
}
