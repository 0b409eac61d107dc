/* remap.c -- plan the texture copies that follow a view change (see remap.h). */
#include "remap.h"

#include <stdlib.h>

static int emit(struct pv_plan *pl, int sx, int sy, int sw, int dx, int dy, int dw)
{
   if (pl->n == pl->cap) {
      int nc = pl->cap ? pl->cap * 2 : 1024;
      struct pv_piece *q = realloc(pl->p, (size_t)nc * sizeof *q);
      if (!q)
         return -1;
      pl->p = q;
      pl->cap = nc;
   }
   struct pv_piece *p = &pl->p[pl->n];
   /* merge with the previous piece when it continues it on the same rows */
   if (pl->n > 0) {
      struct pv_piece *q = p - 1;
      if (q->sy == sy && q->dy == dy && q->sx + q->sw == sx && q->dx + q->dw == dx
          && (long)q->sw * dw == (long)sw * q->dw) {
         q->sw += sw;
         q->dw += dw;
         return 0;
      }
   }
   p->sx = sx; p->sy = sy; p->sw = sw;
   p->dx = dx; p->dy = dy; p->dw = dw;
   pl->n++;
   return 0;
}

int pv_remap_plan(struct pv_plan *pl,
                  const struct pv_layout *Lo, const struct pv_geom *go,
                  const struct pv_layout *Ln, const struct pv_geom *gn)
{
   pl->n = 0;
   if (!Lo->n || !Ln->n)
      return 0;
   int cso = go->cell_shift, csn = gn->cell_shift;
   int rsn = Ln->row_shift;
   pv_u64 colmask_n = gn->cols - 1;
   for (int r = 0; r < go->rows; r++) {
      long long R = go->top + r;
      int k = pv_layout_seg_of_row(Lo, R);
      if (k < 0)
         continue;
      const struct pv_seg *g = &Lo->s[k];
      pv_u64 ra = pv_layout_row_addr(Lo, g, R);
      pv_u64 rb = ra + (1ull << Lo->row_shift);
      pv_u64 a = ra > g->start ? ra : g->start;
      pv_u64 b = rb < g->end ? rb : g->end;
      while (a < b) {
         int kn = pv_layout_seg_of_addr(Ln, a);
         if (kn < 0) {
            /* not in the new layout: jump to the next new segment */
            unsigned lo = 0, hi = Ln->n;
            while (lo < hi) {
               unsigned mid = (lo + hi) / 2;
               if (Ln->s[mid].start <= a)
                  lo = mid + 1;
               else
                  hi = mid;
            }
            if (lo >= Ln->n || Ln->s[lo].start >= b)
               break;
            a = Ln->s[lo].start;
            continue;
         }
         const struct pv_seg *h = &Ln->s[kn];
         long long rowN = pv_layout_row_in(Ln, h, a);
         pv_u64 row_end = ((a >> rsn) + 1) << rsn;
         pv_u64 e = b;
         if (row_end < e) e = row_end;
         if (h->end < e) e = h->end;
         if (rowN >= gn->top + gn->rows)
            break;                      /* rows only grow from here */
         if (rowN < gn->top) {
            /* skip the rows above the new view in one step */
            pv_u64 t = pv_layout_row_addr(Ln, h, gn->top);
            if (h->row0 + h->nrows <= gn->top || t >= b) {
               a = h->end < b ? h->end : b;
               continue;
            }
            a = t;
            continue;
         }
         if (rowN >= gn->top) {
            int sx0 = (int)((a - ra) >> cso);
            int sx1 = (int)(((e - 1 - ra) >> cso) + 1);
            int dx0 = (int)((a >> csn) & colmask_n);
            int dx1 = (int)((((e - 1) >> csn) & colmask_n) + 1);
            if (emit(pl, sx0, r, sx1 - sx0, dx0, (int)(rowN - gn->top), dx1 - dx0))
               return -1;
         }
         a = e;
      }
   }
   return pl->n;
}

void pv_plan_free(struct pv_plan *pl)
{
   free(pl->p);
   pl->p = NULL;
   pl->n = pl->cap = 0;
}
