/* view.c -- zoom, scroll and follow mode (see view.h). */
#include "view.h"

#include <math.h>
#include <string.h>

void pv_view_init(struct pv_view *v, unsigned cols, int zoom_shift, int rows)
{
   memset(v, 0, sizeof *v);
   v->cols = cols;
   v->col_shift = __builtin_ctz(cols);
   v->rows = rows;
   v->follow = 1;
   v->autozoom = zoom_shift < 0;
   v->cell_shift = zoom_shift < 0 ? 0 : zoom_shift;
}

void pv_view_scroll(struct pv_view *v, long long drows)
{
   v->top += drows;
   v->follow = 0;
   v->show_pending = 0;
}

void pv_view_scroll_to(struct pv_view *v, long long top)
{
   v->top = top;
   v->follow = 0;
   v->show_pending = 0;
}

void pv_view_zoom(struct pv_view *v, int dz, pv_u64 anchor_addr, int anchor_row)
{
   int s = v->cell_shift + dz;
   if (s < 0) s = 0;
   if (s > PV_MAX_CELL_SHIFT) s = PV_MAX_CELL_SHIFT;
   v->autozoom = 0;
   if (s == v->cell_shift)
      return;
   v->cell_shift = s;
   v->anchor_pending = 1;
   v->anchor_addr = anchor_addr;
   v->anchor_row = anchor_row;
}

void pv_view_goto(struct pv_view *v, pv_u64 addr)
{
   v->goto_pending = 1;
   v->goto_addr = addr;
   v->follow = 0;
}

void pv_view_set_follow(struct pv_view *v, int on)
{
   v->follow = on;
   if (on) {
      v->autozoom = 1;
      v->next_follow = 0;
   }
}

/* Heat of a line accessed AGE ms ago, from a table in steps of 1/16 half-life. */
struct weights { double hl; float w[129]; };

static void weights_init(struct weights *W, double hl)
{
   W->hl = hl;
   for (int i = 0; i <= 128; i++)
      W->w[i] = (float)exp2(-(double)i / 16.0);
}

void pv_view_follow_tick(struct pv_view *v, struct pv_model *m, double now, double half_life_ms)
{
   if (now < v->next_follow)
      return;
   v->next_follow = now + PV_FOLLOW_PERIOD;
   static struct weights W;
   if (W.hl != half_life_ms)
      weights_init(&W, half_life_ms);
   /* lines count while their heat is above 1/256: 8 half-lives */
   pv_u32 horizon = (pv_u32)(half_life_ms * 8.0);
   pv_u32 now_ms = m->now_ms;
   double step = half_life_ms / 16.0;
   struct agg { int region; double score; pv_u64 lo, hi; } a[64];
   int na = 0;
   const struct pv_stats *st = &m->stats;
   /* bound the work: with many hot chunks, sample every STRIDE-th line */
   pv_u32 hot = 0;
   for (pv_u32 slot = 0; slot < st->cap; slot++)
      hot += st->tab[slot] && now_ms - st->tab[slot]->last_ms <= horizon;
   pv_u32 stride = 1;
   while (stride < 64 && (pv_u64)hot * PV_CHUNK_LINES / stride > 65536)
      stride *= 2;
   for (pv_u32 slot = 0; slot < st->cap; slot++) {
      const struct pv_chunk *c = st->tab[slot];
      if (!c || now_ms - c->last_ms > horizon)
         continue;
      pv_u64 base = c->key << PV_CHUNK_SHIFT;
      int r = -1, k = -1;
      pv_u64 r_end = 0;
      for (pv_u32 l = 0; l < PV_CHUNK_LINES; l += stride) {
         const struct pv_line *ln = &c->line[l];
         pv_u32 age = now_ms - ln->t_ms;
         if (!ln->t_ms || age > horizon)
            continue;
         pv_u64 addr = base + ((pv_u64)l << PV_LINE_SHIFT);
         if (r < 0 || addr >= r_end || addr < m->regions.r[r].start) {
            r = pv_regions_find(&m->regions, addr);
            k = -1;
            if (r < 0)
               continue;
            const struct pv_region *g = &m->regions.r[r];
            r_end = g->end;
            if (g->prot == 0 || (v->hide_code && g->kind == PV_MAP_CODE)) {
               r = -1;
               continue;
            }
            for (k = 0; k < na && a[k].region != r; k++)
               ;
            if (k == na) {
               if (na == 64) {
                  k = -1;
                  continue;
               }
               a[na].region = r;
               a[na].score = 0;
               a[na].lo = ~0ull;
               a[na].hi = 0;
               na++;
            }
         }
         if (k < 0)
            continue;
         unsigned idx = (unsigned)(age / step);
         float w = W.w[idx > 128 ? 128 : idx];
         a[k].score += w;
         if (idx <= 48) {                   /* hotter than 1/8 */
            if (addr < a[k].lo) a[k].lo = addr;
            if (addr + 64 * (pv_u64)stride > a[k].hi) a[k].hi = addr + 64 * (pv_u64)stride;
         }
      }
   }
   if (!v->follow || na == 0)
      return;
   int best = 0;
   for (int k = 1; k < na; k++)
      if (a[k].score > a[best].score)
         best = k;
   /* hysteresis: stay with the region followed while it is still hot */
   for (int k = 0; k < na; k++)
      if (m->regions.r[a[k].region].start == v->follow_region
          && a[k].score >= 0.6 * a[best].score && a[k].hi > a[k].lo)
         best = k;
   if (a[best].hi <= a[best].lo)
      return;                               /* nothing hot enough */
   const struct pv_region *g = &m->regions.r[a[best].region];
   v->follow_region = g->start;
   pv_u64 lo = a[best].lo, hi = a[best].hi;
   if (lo < g->start) lo = g->start;
   if (hi > g->end) hi = g->end;
   pv_view_follow_range(v, m, lo, hi);
}

void pv_view_follow_range(struct pv_view *v, const struct pv_model *m, pv_u64 lo, pv_u64 hi)
{
   /* heap blocks are the natural unit: show the whole blocks the range touches */
   const struct pv_block *b0 = pv_heap_find(&m->heap, lo);
   const struct pv_block *b1 = pv_heap_find(&m->heap, hi - 1);
   if (b0 && b0->addr < lo)
      lo = b0->addr;
   if (b1 && b1->addr + b1->size > hi)
      hi = b1->addr + b1->size;
   v->follow_lo = lo;
   v->follow_hi = hi;
   v->show_pending = 1;
   if (v->autozoom) {
      int s = v->cell_shift;
      while (s < PV_MAX_CELL_SHIFT
             && (long long)(((hi - 1) >> (v->col_shift + s)) - (lo >> (v->col_shift + s))) + 1
                   > (long long)v->rows * 3 / 4)
         s++;
      v->cell_shift = s;              /* only ever zooms out */
   }
}

static void clamp(struct pv_view *v, const struct pv_layout *L)
{
   long long max_top = L->total_rows - v->rows / 2;
   if (v->top > max_top)
      v->top = max_top;
   if (v->top < 0)
      v->top = 0;
}

void pv_view_settle(struct pv_view *v, const struct pv_layout *L)
{
   if (v->anchor_pending) {
      long long r = pv_layout_row_of(L, v->anchor_addr);
      if (r >= 0)
         v->top = r - v->anchor_row;
      v->anchor_pending = 0;
   }
   if (v->goto_pending) {
      long long r = pv_layout_row_of(L, v->goto_addr);
      if (r >= 0) {
         v->top = r - v->rows / 2;
         v->goto_pending = 0;
      }
   }
   if (v->show_pending && v->follow) {
      long long r0 = pv_layout_row_of(L, v->follow_lo);
      long long r1 = pv_layout_row_of(L, v->follow_hi - 1);
      if (r0 >= 0 && r1 >= r0) {
         long long n = r1 - r0 + 1;
         if (r0 < v->top || r1 >= v->top + v->rows) {
            if (n <= v->rows)
               v->top = r0 - (v->rows - n) / 2;
            else
               v->top = r0 - v->rows / 16;
         }
      }
      v->show_pending = 0;
   }
   clamp(v, L);
}

pv_u64 pv_view_addr_at_row(const struct pv_view *v, const struct pv_layout *L, int row)
{
   if (!L->n)
      return 0;
   long long R = v->top + row;
   int k = pv_layout_seg_of_row(L, R);
   if (k >= 0) {
      pv_u64 a = pv_layout_row_addr(L, &L->s[k], R);
      return a < L->s[k].start ? L->s[k].start : a;
   }
   unsigned i = pv_layout_first_seg_from_row(L, R);
   if (i >= L->n)
      i = L->n - 1;
   return L->s[i].start;
}

int pv_view_cell_range(const struct pv_view *v, const struct pv_layout *L, int row, int col,
                       pv_u64 *lo, pv_u64 *hi)
{
   long long R = v->top + row;
   int k = pv_layout_seg_of_row(L, R);
   if (k < 0)
      return 0;
   const struct pv_seg *g = &L->s[k];
   pv_u64 a = pv_layout_row_addr(L, g, R) + ((pv_u64)col << v->cell_shift);
   pv_u64 b = a + (1ull << v->cell_shift);
   if (b <= g->start || a >= g->end)
      return 0;
   *lo = a;
   *hi = b;
   return 1;
}

int pv_view_locate(const struct pv_view *v, const struct pv_layout *L, pv_u64 addr,
                   int *row, int *col)
{
   long long r = pv_layout_row_of(L, addr);
   if (r < 0 || r < v->top || r >= v->top + v->rows)
      return 0;
   *row = (int)(r - v->top);
   *col = (int)((addr >> v->cell_shift) & (v->cols - 1));
   return 1;
}
