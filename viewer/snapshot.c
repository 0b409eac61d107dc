/* snapshot.c -- copies of the model state for replay seeks, and the model
 * hash (see snapshot.h). */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

struct pv_snap_chunk {
   unsigned refs;
   struct pv_chunk c;
};

struct pv_snap_page {
   unsigned refs;
   pv_u32   n;                        /* nodes in it (the last page: fewer) */
   struct pv_block b[];
};

static void page_unref(struct pv_snap_page *p)
{
   if (p && --p->refs == 0)
      free(p);
}

static void chunk_unref(struct pv_snap_chunk *c)
{
   if (c && --c->refs == 0)
      free(c);
}

void pv_snapshot_free(struct pv_snapshot *s)
{
   free(s->r);
   free(s->nm);
   for (pv_u32 i = 0; i < s->npages; i++)
      page_unref(s->pages[i]);
   free(s->pages);
   for (pv_u32 i = 0; i < s->nchunks; i++)
      chunk_unref(s->chunks[i]);
   free(s->chunks);
   memset(s, 0, sizeof *s);
}

static int by_key(const void *x, const void *y)
{
   const struct pv_snap_chunk *a = *(struct pv_snap_chunk *const *)x;
   const struct pv_snap_chunk *b = *(struct pv_snap_chunk *const *)y;
   return a->c.key < b->c.key ? -1 : a->c.key > b->c.key;
}

static struct pv_snap_chunk *find_chunk(const struct pv_snapshot *s, pv_u64 key)
{
   pv_u32 lo = 0, hi = s ? s->nchunks : 0;
   while (lo < hi) {
      pv_u32 mid = (lo + hi) / 2;
      if (s->chunks[mid]->c.key < key)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo < (s ? s->nchunks : 0) && s->chunks[lo]->c.key == key ? s->chunks[lo] : NULL;
}

static void *dup_mem(const void *p, size_t n)
{
   if (n == 0)
      return NULL;
   void *q = malloc(n);
   if (q)
      memcpy(q, p, n);
   return q;
}

int pv_snapshot_take(struct pv_snapshot *s, const struct pv_model *m, pv_u64 event,
                     const struct pv_snapshot *prev)
{
   memset(s, 0, sizeof *s);
   s->event = event;
   s->time_ns = m->time_ns;
   s->scalars = *m;
   struct pv_model *z = &s->scalars;
   memset(&z->sym, 0, sizeof z->sym);
   z->regions.r = NULL;
   z->regions.nm = NULL;
   z->heap.b = NULL;
   z->heap.hs = NULL;                  /* rebuilt on restore */
   z->heap.hcap = 0;
   memset(&z->stats, 0, sizeof z->stats);
   z->inc = NULL;
   z->inc_n = 0;

   const struct pv_regions *rs = &m->regions;
   s->r = dup_mem(rs->r, rs->n * sizeof *rs->r);
   s->nm = dup_mem(rs->nm, rs->nn * sizeof *rs->nm);
   if ((rs->n && !s->r) || (rs->nn && !s->nm))
      goto oom;
   s->bytes = sizeof *s + rs->n * sizeof *rs->r + rs->nn * sizeof *rs->nm;

   /* heap nodes by pages, shared with PREV where unchanged */
   pv_u32 nb = m->heap.nb;
   s->npages = (nb + PV_SNAP_PAGE - 1) / PV_SNAP_PAGE;
   s->pages = calloc(s->npages ? s->npages : 1, sizeof *s->pages);
   if (!s->pages)
      goto oom;
   for (pv_u32 k = 0; k < s->npages; k++) {
      const struct pv_block *src = m->heap.b + (size_t)k * PV_SNAP_PAGE;
      pv_u32 cnt = nb - k * PV_SNAP_PAGE < PV_SNAP_PAGE ? nb - k * PV_SNAP_PAGE : PV_SNAP_PAGE;
      struct pv_snap_page *old = prev && k < prev->npages ? prev->pages[k] : NULL;
      if (old && old->n == cnt && memcmp(old->b, src, cnt * sizeof *src) == 0) {
         old->refs++;
         s->pages[k] = old;
         continue;
      }
      struct pv_snap_page *pg = malloc(sizeof *pg + cnt * sizeof *src);
      if (!pg)
         goto oom;
      pg->refs = 1;
      pg->n = cnt;
      memcpy(pg->b, src, cnt * sizeof *src);
      s->pages[k] = pg;
      s->bytes += sizeof *pg + cnt * sizeof *src;
   }

   const struct pv_stats *st = &m->stats;
   s->chunks = malloc((st->n ? st->n : 1) * sizeof *s->chunks);
   if (!s->chunks)
      goto oom;
   for (pv_u32 i = 0; i < st->cap; i++) {
      const struct pv_chunk *c = st->tab[i];
      if (!c)
         continue;
      struct pv_snap_chunk *old = find_chunk(prev, c->key);
      if (old && old->c.last_ms == c->last_ms && memcmp(&old->c, c, sizeof *c) == 0) {
         old->refs++;
         s->chunks[s->nchunks++] = old;
         continue;
      }
      struct pv_snap_chunk *n = malloc(sizeof *n);
      if (!n)
         goto oom;
      n->refs = 1;
      memcpy(&n->c, c, sizeof *c);
      s->chunks[s->nchunks++] = n;
      s->bytes += sizeof *n;
   }
   qsort(s->chunks, s->nchunks, sizeof *s->chunks, by_key);
   return 0;
oom:
   pv_snapshot_free(s);
   return -1;
}

int pv_snapshot_restore(const struct pv_snapshot *s, struct pv_model *m)
{
   /* what the model keeps: its view, increments and symbols */
   struct pv_model keep = *m;

   pv_regions_free(&m->regions);
   pv_heap_free_all(&m->heap);
   pv_stats_free(&m->stats);

   *m = s->scalars;
   m->sym = keep.sym;
   m->cell_shift = keep.cell_shift;
   m->row_shift = keep.row_shift;
   m->col_shift = keep.col_shift;
   m->cols = keep.cols;
   m->rows = keep.rows;
   m->top = keep.top;
   m->vlo = keep.vlo;
   m->vspan = keep.vspan;
   m->nvis = keep.nvis;
   m->vis_hint = keep.vis_hint;
   memcpy(m->vis, keep.vis, sizeof m->vis);
   m->inc = keep.inc;
   m->inc_n = keep.inc_n;
   m->inc_min = keep.inc_min;
   m->inc_max = keep.inc_max;
   pv_model_clear_inc(m);
   m->base_dirty = 1;

   int bad = 0;
   struct pv_regions *rs = &m->regions;
   rs->r = dup_mem(s->r, rs->n * sizeof *rs->r);
   rs->cap = rs->n;
   rs->nm = dup_mem(s->nm, rs->nn * sizeof *rs->nm);
   rs->ncap = rs->nn;
   rs->gen++;                          /* the layout is rebuilt */
   rs->name_gen++;
   rs->hint = 0;
   if ((rs->n && !rs->r) || (rs->nn && !rs->nm))
      bad = 1;
   struct pv_heap *h = &m->heap;
   h->b = h->nb ? malloc((size_t)h->nb * sizeof *h->b) : NULL;
   h->cap = h->nb;
   if (h->nb && !h->b)
      bad = 1;
   for (pv_u32 k = 0; h->b && k < s->npages; k++)
      memcpy(h->b + (size_t)k * PV_SNAP_PAGE, s->pages[k]->b, s->pages[k]->n * sizeof *h->b);
   if (h->b && pv_heap_reindex(h) != 0)
      bad = 1;
   h->gen++;

   if (pv_stats_init(&m->stats, s->scalars.stats.max_chunks) != 0)
      bad = 1;
   else {
      m->stats.overflow = s->scalars.stats.overflow;
      for (pv_u32 i = 0; i < s->nchunks; i++) {
         const struct pv_chunk *src = &s->chunks[i]->c;
         struct pv_chunk *c = pv_stats_chunk_slow(&m->stats, src->key);
         if (c == m->stats.scratch) {
            bad = 1;
            break;
         }
         memcpy(c, src, sizeof *c);
      }
   }
   if (bad) {
      pv_regions_free(&m->regions);
      pv_heap_free_all(&m->heap);
      return -1;
   }
   return 0;
}

/* ---- hash (FNV-1a, 64 bit) --------------------------------------------- */

struct hasher { pv_u64 h; };

static void hmix(struct hasher *x, const void *p, size_t n)
{
   const unsigned char *b = p;
   pv_u64 h = x->h;
   for (size_t i = 0; i < n; i++) {
      h ^= b[i];
      h *= 0x100000001B3ull;
   }
   x->h = h;
}

static void h64(struct hasher *x, pv_u64 v)
{
   hmix(x, &v, sizeof v);
}

static void hash_block(void *ctx, const struct pv_block *b)
{
   struct hasher *x = ctx;
   h64(x, b->addr);
   h64(x, b->size);
   h64(x, b->stack);
   h64(x, b->tid);
   h64(x, b->seq);
   h64(x, b->kind);
}

static int key_cmp(const void *x, const void *y)
{
   pv_u64 a = (*(struct pv_chunk *const *)x)->key, b = (*(struct pv_chunk *const *)y)->key;
   return a < b ? -1 : a > b;
}

pv_u64 pv_model_hash(const struct pv_model *m, int what)
{
   int with_times = (what & PV_HASH_TIMES) != 0;
   struct hasher x = { 0xCBF29CE484222325ull };
   const struct pv_regions *rs = &m->regions;
   h64(&x, rs->n);
   for (unsigned i = 0; i < rs->n; i++) {
      const struct pv_region *r = &rs->r[i];
      h64(&x, r->start);
      h64(&x, r->end);
      h64(&x, r->kind);
      h64(&x, r->prot);
      hmix(&x, r->name, strnlen(r->name, sizeof r->name));
   }
   h64(&x, rs->nn);
   for (unsigned i = 0; i < rs->nn; i++) {
      const struct pv_named *n = &rs->nm[i];
      h64(&x, n->start);
      h64(&x, n->end);
      h64(&x, n->tid);
      h64(&x, (pv_u64)n->is_stack);
      hmix(&x, n->name, strnlen(n->name, sizeof n->name));
   }
   const struct pv_heap *h = &m->heap;
   h64(&x, h->live_bytes);
   h64(&x, h->live_count);
   h64(&x, h->allocs);
   h64(&x, h->frees);
   pv_heap_visit(h, 0, ~0ull, hash_block, &x);

   if (!(what & (PV_HASH_LINES | PV_HASH_TIMES)))
      return x.h;
   const struct pv_stats *st = &m->stats;
   struct pv_chunk **cs = malloc((st->n ? st->n : 1) * sizeof *cs);
   pv_u32 n = 0;
   if (cs) {
      for (pv_u32 i = 0; i < st->cap; i++)
         if (st->tab[i])
            cs[n++] = st->tab[i];
      qsort(cs, n, sizeof *cs, key_cmp);
      h64(&x, n);
      for (pv_u32 i = 0; i < n; i++) {
         h64(&x, cs[i]->key);
         if (with_times) {
            h64(&x, cs[i]->last_ms);
            hmix(&x, cs[i]->line, sizeof cs[i]->line);
            continue;
         }
         for (pv_u32 k = 0; k < PV_CHUNK_LINES; k++) {
            const struct pv_line *l = &cs[i]->line[k];
            if ((l->reads | l->writes) == 0)
               continue;
            pv_u32 v[6] = { k, l->reads, l->writes, l->site, l->tid, l->size };
            hmix(&x, v, sizeof v);
         }
      }
      free(cs);
   }
   h64(&x, m->n_access);
   h64(&x, m->n_load);
   h64(&x, m->n_store);
   h64(&x, m->n_modify);
   if (with_times) {
      for (int t = 0; t <= PV_REC_LAST; t++)
         h64(&x, m->counts[t]);
      h64(&x, m->time_ns);
      h64(&x, m->now_ms);
      h64(&x, m->threads_live);
      h64(&x, (pv_u64)m->exited);
   }
   return x.h;
}
