/* sitecharts.c -- the sites panel's charts of the selected site (see
 * sitecharts.h): signed stride histogram, stride over time, reuse distance. */
#include "sitecharts.h"
#include "draw.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "colors.h"
#include "util.h"

#define C_SHORT  ((struct pv_rgb){ 80, 220, 110 })   /* stride within a line */
#define C_LONG   ((struct pv_rgb){ 255, 150, 60 })   /* jumps to another line */
#define C_CHART  ((struct pv_rgb){ 14, 16, 22 })


/* the bins shown: from the lowest to the highest non-empty one, always
 * including -line .. +line so that the boundary is visible */
static void bin_range(const pv_u64 *hist, int line_bin, int *lo, int *hi)
{
   *lo = PV_STRIDE_ZERO - line_bin - 1;
   *hi = PV_STRIDE_ZERO + line_bin + 1;
   for (int b = 0; b < PV_STRIDE_BINS; b++)
      if (hist[b]) {
         if (b < *lo) *lo = b;
         if (b > *hi) *hi = b;
      }
   if (*lo < 0) *lo = 0;
   if (*hi >= PV_STRIDE_BINS) *hi = PV_STRIDE_BINS - 1;
}

static void dashed_v(SDL_Renderer *r, int x, int y0, int y1, struct pv_rgb c)
{
   SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
   for (int y = y0; y < y1; y += 6)
      SDL_RenderDrawLine(r, x, y, x, y + 2 < y1 ? y + 2 : y1);
}

int pv_chart_strides(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h)
{
   struct pv_font *f = &a->small;
   unsigned line = pv_analysis_line_size(a->sites.an);
   int lb = 0;
   while ((1u << lb) < line) lb++;
   pv_text(f, x, y, PV_C_DIM, "stride: bytes from this site's previous access");
   y += f->height + 2;
   SDL_Rect chart = { x, y, w, h };
   pv_fill(a->ren, &chart, C_CHART, 255);
   a->panel.hist = chart;
   int lo, hi;
   bin_range(st->hist, lb, &lo, &hi);
   int nb = hi - lo + 1;
   int bw = (w - 8) / nb;
   if (bw < 2) bw = 2;
   int x0 = x + (w - bw * nb) / 2;
   pv_u64 mx = 0;
   for (int b = lo; b <= hi; b++)
      if (st->hist[b] > mx) mx = st->hist[b];
   int bottom = y + h - 4, top = y + f->height + 4;
   int dom = pv_site_dominant_bin(st, NULL);
   for (int b = lo; b <= hi; b++) {
      int bx = x0 + (b - lo) * bw;
      if (b == PV_STRIDE_ZERO)
         dashed_v(a->ren, bx + bw / 2, y + 2, y + h - 2, PV_C_GAP);
      if (!st->hist[b] || !mx)
         continue;
      int bh = (int)((double)st->hist[b] / (double)mx * (bottom - top));
      if (bh < 2) bh = 2;
      SDL_Rect bar = { bx + 1, bottom - bh, bw > 3 ? bw - 2 : bw - 1, bh };
      pv_fill(a->ren, &bar, pv_stride_bin_lo(b) < line ? C_SHORT : C_LONG, 255);
   }
   /* the cache line boundary, both signs */
   for (int sgn = -1; sgn <= 1; sgn += 2) {
      int b = PV_STRIDE_ZERO + sgn * (lb + 1);
      if (b >= lo && b <= hi) {
         int bx = x0 + (b - lo) * bw + (sgn > 0 ? 0 : bw);
         dashed_v(a->ren, bx, y + 2, y + h - 2, PV_C_ACCENT);
      }
   }
   char lab[32], buf[96];
   if (dom >= 0) {
      double share = 0;
      pv_site_dominant_bin(st, &share);
      pv_stride_bin_label(dom, lab, sizeof lab);
      snprintf(buf, sizeof buf, "%s B  %.0f%%", lab, share * 100);
      int tx = x0 + (dom - lo) * bw + bw / 2 - pv_text_w(f, (int)strlen(buf)) / 2;
      if (tx < x + 2) tx = x + 2;
      if (tx + pv_text_w(f, (int)strlen(buf)) > x + w - 2) tx = x + w - 2 - pv_text_w(f, (int)strlen(buf));
      pv_text(f, tx, y + 2, PV_C_TEXT, buf);
   } else {
      pv_text(f, x + 8, y + 2, PV_C_DIM, "no strides yet");
   }
   y += h + 2;
   /* axis labels: the ends and the line */
   pv_stride_bin_label(lo, lab, sizeof lab);
   pv_text(f, x, y, PV_C_DIM, lab);
   pv_stride_bin_label(hi, lab, sizeof lab);
   pv_text(f, x + w - pv_text_w(f, (int)strlen(lab)), y, PV_C_DIM, lab);
   snprintf(buf, sizeof buf, "| %u B line", line);
   pv_text(f, x + w / 2 - pv_text_w(f, (int)strlen(buf)) / 2, y, PV_C_ACCENT, buf);
   return y + f->height + 6;
}

int pv_chart_stride_time(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h)
{
   struct pv_font *f = &a->small;
   struct pv_sites *s = &a->sites;
   const struct pv_stt *T = pv_sites_stt(s);
   char buf[128], b1[32];
   snprintf(buf, sizeof buf, "stride over time (%s accesses per column)",
            pv_fmt_count(b1, sizeof b1, (double)(T ? T->span : 1)));
   pv_text(f, x, y, PV_C_DIM, buf);
   y += f->height + 2;
   SDL_Rect chart = { x, y, w, h };
   pv_fill(a->ren, &chart, C_CHART, 255);
   unsigned line = pv_analysis_line_size(s->an);
   (void)st;
   /* rows: the bins the columns use (the 12 fullest), in stride order */
   pv_u64 tot[PV_STRIDE_BINS];
   memset(tot, 0, sizeof tot);
   int ncols = T ? T->cols : 0;
   for (int c = 0; c < ncols; c++)
      for (int b = 0; b < PV_STRIDE_BINS; b++)
         tot[b] += T->col[c][b];
   int rows[12], nr = 0, maxr = (h - 4) / f->height;
   if (maxr > 12) maxr = 12;
   if (maxr < 2) maxr = 2;
   for (int b = PV_STRIDE_BINS - 1; b >= 0; b--) {
      if (!tot[b])
         continue;
      if (nr < maxr) {
         rows[nr++] = b;
         continue;
      }
      int mi = 0;                      /* replace the emptiest row */
      for (int k = 1; k < nr; k++)
         if (tot[rows[k]] < tot[rows[mi]]) mi = k;
      if (tot[b] > tot[rows[mi]]) {
         for (int k = mi; k + 1 < nr; k++)
            rows[k] = rows[k + 1];
         rows[nr - 1] = b;
      }
   }
   if (ncols > 0 && nr > 0) {
      int labw = pv_text_w(f, 13);
      int cw0 = w - labw - 6;
      double cw = (double)(cw0 - 2) / ncols;
      int rh = (h - 4) / nr;
      if (rh > f->height + 4) rh = f->height + 4;
      int y0 = y + 2 + ((h - 4) - rh * nr) / 2;
      SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
      for (int k = 0; k < nr; k++) {
         int b = rows[k], yy = y0 + k * rh;
         for (int c = 0; c < ncols; c++) {
            pv_u32 mx = 0, v = T->col[c][b];
            if (!v)
               continue;
            for (int q = 0; q < PV_STRIDE_BINS; q++)
               if (T->col[c][q] > mx) mx = T->col[c][q];
            double kk = 0.25 + 0.75 * (double)v / mx;
            struct pv_rgb col = pv_stride_bin_lo(b) < line ? C_SHORT : C_LONG;
            SDL_SetRenderDrawColor(a->ren, (Uint8)(col.r * kk), (Uint8)(col.g * kk),
                                   (Uint8)(col.b * kk), 255);
            int cx0 = x + 1 + (int)(c * cw), cx1 = x + 1 + (int)((c + 1) * cw);
            SDL_Rect r = { cx0, yy + 1, cx1 - cx0 > 1 ? cx1 - cx0 : 1, rh > 3 ? rh - 2 : 1 };
            SDL_RenderFillRect(a->ren, &r);
         }
         if (rh >= f->height - 2) {
            char lab[32];
            pv_stride_bin_label(b, lab, sizeof lab);
            pv_text(f, x + w - labw, yy + (rh - f->height) / 2, PV_C_DIM, lab);
         }
      }
   } else {
      pv_text(f, x + 8, y + 4, PV_C_DIM, "(strides of the selected site from its selection on)");
   }
   return y + h + 6;
}

int pv_chart_reuse(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h)
{
   struct pv_font *f = &a->small;
   if (!a->opts.site.reuse_lines) {
      pv_text(f, x, y, PV_C_DIM, "reuse distance: off (pervert-view --reuse)");
      return y + f->height + 6;
   }
   pv_u64 total = 0, mx = 0;
   int last = 1;
   for (int b = 0; b < PV_REUSE_BINS; b++) {
      total += st->reuse[b];
      if (st->reuse[b] > mx) mx = st->reuse[b];
      if (b && st->reuse[b]) last = b;
   }
   char buf[128], q[32];
   pv_u64 p50 = pv_site_reuse_quantile(st, 0.5);
   if (p50 == ~0ull) snprintf(q, sizeof q, "cold");
   else snprintf(q, sizeof q, "%llu", (unsigned long long)p50);
   snprintf(buf, sizeof buf, "reuse distance (distinct lines between uses; median <= %s)", q);
   pv_text(f, x, y, PV_C_DIM, buf);
   y += f->height + 2;
   SDL_Rect chart = { x, y, w, h };
   pv_fill(a->ren, &chart, C_CHART, 255);
   int nb = last + 2;                       /* bins 1..last, then cold */
   if (nb < 12) nb = 12;
   int bw = (w - 8) / nb;
   if (bw < 2) bw = 2;
   for (int i = 0; i < nb && total; i++) {
      int b = i == nb - 1 ? PV_REUSE_COLD : i + 1;
      if (b >= PV_REUSE_BINS || !st->reuse[b])
         continue;
      int bh = (int)((double)st->reuse[b] / (double)mx * (h - 6));
      if (bh < 2) bh = 2;
      SDL_Rect bar = { x + 4 + i * bw + 1, y + h - 3 - bh, bw - 2 > 0 ? bw - 2 : 1, bh };
      pv_fill(a->ren, &bar, b == PV_REUSE_COLD ? PV_C_KERNEL : ((struct pv_rgb){ 190, 140, 255 }), 255);
   }
   y += h + 2;
   pv_text(f, x, y, PV_C_DIM, "0");
   pv_text(f, x + w - pv_text_w(f, 4), y, PV_C_KERNEL, "cold");
   return y + f->height + 6;
}
