/* seed.c -- re-create heat of newly visible cells from line counters (see seed.h). */
#include "seed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"

static unsigned level(pv_u32 now_ms, pv_u32 t, double hl)
{
   if (!t)
      return 0;
   double age = (double)(pv_u32)(now_ms - t);
   double v = 255.0 * exp2(-age / hl);
   return v < 1.0 ? 0u : (unsigned)(v + 0.5);
}

void pv_seed_heat(const struct pv_model *m, const struct pv_layout *L,
                  const struct pv_geom *g, const struct pv_plan *covered,
                  pv_u32 now_ms, double half_life_ms, pv_u32 *out)
{
   size_t n = (size_t)g->cols * g->rows;
   for (size_t i = 0; i < n; i++)
      out[i] = 0xFF000000u;
   pv_u8 *cov = NULL;
   if (covered && covered->n) {
      cov = calloc(n, 1);
      if (!cov)
         return;
      for (int i = 0; i < covered->n; i++) {
         const struct pv_piece *p = &covered->p[i];
         if (p->dy < 0 || p->dy >= g->rows)
            continue;
         for (int x = p->dx; x < p->dx + p->dw; x++)
            if (x >= 0 && x < (int)g->cols)
               cov[(size_t)p->dy * g->cols + x] = 1;
      }
   }
   int cs = g->cell_shift;
   int rs = L->row_shift;
   long long top = g->top, bottom = g->top + g->rows;
   for (unsigned si = pv_layout_first_seg_from_row(L, top); si < L->n; si++) {
      const struct pv_seg *sg = &L->s[si];
      if (sg->row0 >= bottom)
         break;
      long long r0 = sg->row0 > top ? sg->row0 : top;
      long long r1 = sg->row0 + sg->nrows < bottom ? sg->row0 + sg->nrows : bottom;
      pv_u64 a0 = pv_layout_row_addr(L, sg, r0), a1 = pv_layout_row_addr(L, sg, r1);
      if (a0 < sg->start) a0 = sg->start;
      if (a1 > sg->end) a1 = sg->end;
      /* walk the cells of [a0, a1); lines inside each cell */
      pv_u64 c = a0 >> cs;
      const struct pv_chunk *ch = NULL;
      pv_u64 ch_key = ~0ull;
      while ((c << cs) < a1) {
         pv_u64 clo = c << cs, chi = (c + 1) << cs;
         if (clo < a0) clo = a0;
         if (chi > a1) chi = a1;
         long long row = (long long)(clo >> rs) - (long long)(sg->start >> rs) + sg->row0 - top;
         size_t idx = (size_t)row * g->cols + (size_t)(c & (g->cols - 1));
         if (cov && cov[idx]) {
            c++;
            continue;
         }
         pv_u32 tr = 0, tw = 0, tk = 0;
         for (pv_u64 l = clo >> PV_LINE_SHIFT; (l << PV_LINE_SHIFT) < chi; l++) {
            pv_u64 key = (l << PV_LINE_SHIFT) >> PV_CHUNK_SHIFT;
            if (m->sel_line) {
               /* a selected site: its own lines only */
               pv_u32 t;
               unsigned km;
               if (!m->sel_line(m->sel_ctx, l, &t, &km))
                  continue;
               if ((km & PV_KM_READ) && (!tr || (pv_s32)(t - tr) > 0)) tr = t;
               if ((km & PV_KM_WRITE) && (!tw || (pv_s32)(t - tw) > 0)) tw = t;
               continue;
            }
            if (key != ch_key) {
               ch = pv_stats_lookup(&m->stats, key);
               ch_key = key;
            }
            if (!ch) {
               /* skip the rest of this absent chunk */
               l = ((key + 1) << (PV_CHUNK_SHIFT - PV_LINE_SHIFT)) - 1;
               continue;
            }
            const struct pv_line *ln = &ch->line[l & (PV_CHUNK_LINES - 1)];
            if (!ln->t_ms)
               continue;
            unsigned km = PV_LINE_KMASK(ln);
            /* t_ms is the newest; compare with wrap-around in mind */
            if ((km & PV_KM_READ) && (!tr || (pv_s32)(ln->t_ms - tr) > 0)) tr = ln->t_ms;
            if ((km & PV_KM_WRITE) && (!tw || (pv_s32)(ln->t_ms - tw) > 0)) tw = ln->t_ms;
            if ((km & PV_KM_KERNEL) && (!tk || (pv_s32)(ln->t_ms - tk) > 0)) tk = ln->t_ms;
         }
         if (tr | tw | tk)
            out[idx] = pv_heat_mix(level(now_ms, tr, half_life_ms), level(now_ms, tw, half_life_ms),
                                   level(now_ms, tk, half_life_ms));
         c++;
      }
   }
   free(cov);
}
