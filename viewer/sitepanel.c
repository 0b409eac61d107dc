/* sitepanel.c -- draws the sites panel and handles its keys and clicks
 * (see sitepanel.h).  Layout, top to bottom: title and filters; the site
 * list; the selected site's numbers; its stride histogram (one bar per
 * signed power-of-two bin, bars within a cache line green, longer jumps
 * orange, the line boundary dashed); stride over time (a column per slice
 * of the site's accesses, a row per bin); reuse distance; code context. */
#include "sitepanel.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "blockcard.h"
#include "card.h"
#include "colors.h"
#include "source.h"
#include "util.h"

#define C_SHORT  ((struct pv_rgb){ 80, 220, 110 })   /* stride within a line */
#define C_LONG   ((struct pv_rgb){ 255, 150, 60 })   /* jumps to another line */
#define C_SELROW ((struct pv_rgb){ 70, 60, 30 })
#define C_PANEL  ((struct pv_rgb){ 26, 29, 38 })
#define C_CHART  ((struct pv_rgb){ 14, 16, 22 })

static void fill(SDL_Renderer *r, const SDL_Rect *rc, struct pv_rgb c, Uint8 alpha)
{
   SDL_SetRenderDrawBlendMode(r, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
   SDL_SetRenderDrawColor(r, c.r, c.g, c.b, alpha);
   SDL_RenderFillRect(r, rc);
}

static void outline(SDL_Renderer *r, const SDL_Rect *rc, struct pv_rgb c)
{
   SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
   SDL_RenderDrawRect(r, rc);
}

static const char *site_name(struct pv_app *a, pv_u32 id, char *buf, size_t n)
{
   const struct pv_site *s = pv_symtab_site(&a->model.sym, id);
   if (!s) {
      snprintf(buf, n, id ? "site #%u" : "(unknown site)", id);
      return buf;
   }
   pv_site_format(s, buf, n);
   return buf;
}

/* ---- layout -------------------------------------------------------------- */

int pv_panel_width(const struct pv_app *a, int W)
{
   if (!a->panel.open)
      return 0;
   int w = W * 36 / 100;
   if (w < 440) w = 440;
   if (w > 760) w = 760;
   if (w > W / 2) w = W / 2;
   return w;
}

void pv_panel_place(struct pv_app *a, int W, int H)
{
   struct pv_screen *s = &a->scr;
   (void)H;
   int pw = pv_panel_width(a, W);
   s->W = W;
   s->top.w = W;
   s->status.w = W;
   if (!pw) {
      a->panel.rect = (SDL_Rect){ 0, 0, 0, 0 };
      return;
   }
   int x = W - pw;
   a->panel.rect = (SDL_Rect){ x, s->map_head.y, pw - 8, s->map.y + s->map.h - s->map_head.y };
}

/* ---- the list ------------------------------------------------------------ */

static void refresh_list(struct pv_app *a, int force)
{
   struct pv_panel *p = &a->panel;
   int ended = a->in.state != PV_IN_RUNNING;
   if (!force && a->t_frame < p->next && !(ended && !p->final))
      return;
   if (ended && !p->final)
      pv_sites_resolve(&a->sites, &a->model);   /* a name's busiest site, a rank */
   p->final = ended;
   p->next = a->t_frame + 0.25;
   const struct pv_site_stats *l[PV_PANEL_LIST];
   p->n = (int)pv_sites_list(&a->sites, l, p->rank, PV_PANEL_LIST);
   for (int i = 0; i < p->n; i++)
      p->ids[i] = l[i]->site;
}

static int sel_index(const struct pv_app *a)
{
   for (int i = 0; i < a->panel.n; i++)
      if (a->panel.ids[i] == a->sites.sel)
         return i;
   return -1;
}

/* ---- charts ---------------------------------------------------------------- */

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

static int stride_hist(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h)
{
   struct pv_font *f = &a->small;
   unsigned line = pv_analysis_line_size(a->sites.an);
   int lb = 0;
   while ((1u << lb) < line) lb++;
   pv_text(f, x, y, PV_C_DIM, "stride: bytes from this site's previous access");
   y += f->height + 2;
   SDL_Rect chart = { x, y, w, h };
   fill(a->ren, &chart, C_CHART, 255);
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
      fill(a->ren, &bar, pv_stride_bin_lo(b) < line ? C_SHORT : C_LONG, 255);
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

static int stride_time(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h)
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
   fill(a->ren, &chart, C_CHART, 255);
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

static int reuse_chart(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h)
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
   fill(a->ren, &chart, C_CHART, 255);
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
      fill(a->ren, &bar, b == PV_REUSE_COLD ? PV_C_KERNEL : ((struct pv_rgb){ 190, 140, 255 }), 255);
   }
   y += h + 2;
   pv_text(f, x, y, PV_C_DIM, "0");
   pv_text(f, x + w - pv_text_w(f, 4), y, PV_C_KERNEL, "cold");
   return y + f->height + 6;
}

/* ---- code context ----------------------------------------------------------- */

static int source_block(struct pv_app *a, const char *what, pv_u32 id, int x, int y, int w,
                        int ymax, unsigned ctx)
{
   struct pv_font *f = &a->small;
   char buf[300], name[256];
   snprintf(buf, sizeof buf, "%s %s", what, site_name(a, id, name, sizeof name));
   int room = w / f->advance;
   pv_text_n(f, x, y, PV_C_TEXT, buf, room);
   y += f->height;
   struct pv_src_line l[21];
   int n = pv_source_lines(pv_symtab_site(&a->model.sym, id), ctx, l, 21);
   for (int i = 0; i < n && y + f->height <= ymax; i++) {
      snprintf(buf, sizeof buf, "%5u %s %s", l[i].no, l[i].is_target ? ">" : " ", l[i].text);
      if (l[i].is_target) {
         SDL_Rect hl = { x, y, w, f->height };
         fill(a->ren, &hl, C_SELROW, 255);
      }
      pv_text_n(f, x, y, l[i].is_target ? PV_C_ACCENT : PV_C_DIM, buf, room);
      y += f->height;
   }
   return y + 4;
}

int pv_panel_context(struct pv_app *a, pv_u32 *site, pv_u32 *stack)
{
   pv_u64 lo, hi;
   *site = *stack = 0;
   if (a->hover_forced) {
      lo = a->opts.hover_addr;
      hi = lo + 1;
   } else {
      int r, c;
      if (!a->mouse_in_map || !pv_screen_hit_map(&a->scr, a->mouse_x, a->mouse_y, &r, &c)
          || !pv_view_cell_range(&a->view, &a->lay_applied, r, c, &lo, &hi))
         return 0;
   }
   /* the line accessed last in the cell */
   const struct pv_line *best = NULL;
   for (pv_u64 l = lo >> PV_LINE_SHIFT; (l << PV_LINE_SHIFT) < hi && l - (lo >> PV_LINE_SHIFT) < 4096; l++) {
      const struct pv_line *x = pv_stats_line(&a->model.stats, l << PV_LINE_SHIFT);
      if (x && x->t_ms && PV_LINE_KIND(x) < PV_LK_KREAD
          && (!best || (pv_s32)(x->t_ms - best->t_ms) > 0))
         best = x;
   }
   if (best)
      *site = best->site;
   /* the heap block there: live, else one the analysis kept */
   const struct pv_block *b = NULL;
   for (pv_u64 q = lo; q < hi && !b; q += (hi - lo) / 16 ? (hi - lo) / 16 : 1)
      b = pv_heap_find(&a->model.heap, q);
   if (b) {
      *stack = b->stack;
   } else {
      const struct pv_block_stats *bs = pv_blockcard_at(&a->sites, lo);
      if (bs)
         *stack = bs->alloc_stack;
   }
   return *site || *stack;
}

static void code_context(struct pv_app *a, int x, int y, int w, int ymax)
{
   struct pv_font *f = &a->small;
   unsigned ctx = a->opts.site.source_ctx;
   if (y + f->height * 3 > ymax)
      return;
   pv_text(f, x, y, PV_C_DIM, "code");
   y += f->height + 2;
   pv_u32 site = 0, stack = 0;
   if (!pv_panel_context(a, &site, &stack) && a->sites.sel)
      site = a->sites.sel;
   if (!site && !stack) {
      pv_text(f, x, y, PV_C_DIM, "(point at the map: the access and allocation there)");
      return;
   }
   if (site)
      y = source_block(a, "access at", site, x, y, w, ymax, ctx);
   pv_u32 depth = 0;
   const pv_u32 *ids = stack ? pv_symtab_stack(&a->model.sym, stack, &depth) : NULL;
   if (ids && depth) {
      y = source_block(a, "allocated at", ids[0], x, y, w, ymax, ctx > 1 ? 1 : ctx);
      char buf[300], name[256];
      for (pv_u32 k = 1; k < depth && k < 4 && y + f->height <= ymax; k++) {
         const struct pv_site *st = pv_symtab_site(&a->model.sym, ids[k]);
         snprintf(buf, sizeof buf, "   by %s", site_name(a, ids[k], name, sizeof name));
         pv_text_n(f, x, y, PV_C_DIM, buf, w / f->advance);
         y += f->height;
         if (st && !strcmp(st->fn, "main"))
            break;
      }
   }
}

/* ---- the block card ------------------------------------------------------------ */

static const struct pv_block_stats *card_block(struct pv_app *a)
{
   struct pv_panel *p = &a->panel;
   if (p->block_what)
      return pv_blockcard_find(&a->sites, &a->model, p->block_what);
   if (p->block_addr)
      return pv_blockcard_at(&a->sites, p->block_addr);
   return pv_blockcard_find(&a->sites, &a->model, "#1");
}

static struct pv_rgb style_color(int st)
{
   switch (st) {
   case PV_CS_DIM:    return PV_C_DIM;
   case PV_CS_ACCENT: return PV_C_ACCENT;
   case PV_CS_WARN:   return PV_C_FREED;
   default:           return PV_C_TEXT;
   }
}

static void block_card(struct pv_app *a)
{
   const struct pv_block_stats *b = card_block(a);
   struct pv_card c;
   if (!b) {
      memset(&c, 0, sizeof c);
      c.n = 1;
      snprintf(c.l[0].text, sizeof c.l[0].text, "no heap block %s",
               a->panel.block_what ? a->panel.block_what : "yet");
   } else {
      pv_blockcard_build(&c, &a->sites, &a->model, b);
   }
   struct pv_font *f = &a->small;
   int maxlen = 0;
   for (int i = 0; i < c.n; i++)
      if ((int)strlen(c.l[i].text) > maxlen) maxlen = (int)strlen(c.l[i].text);
   int w = pv_text_w(f, maxlen) + 24, h = c.n * f->height + 16;
   /* at the bottom of the map, or at the top when the block is down there */
   int x = a->scr.map.x + 12, y = a->scr.map.y + a->scr.map.h - h - 12;
   int row, col;
   if (b && pv_view_locate(&a->view, &a->lay_applied, b->addr, &row, &col)
       && pv_screen_row_y(&a->scr, row) > a->scr.map.y + a->scr.map.h / 2)
      y = a->scr.map.y + 12;
   if (y < a->scr.map.y) y = a->scr.map.y;
   if (w > a->scr.W - x - 8) w = a->scr.W - x - 8;
   SDL_Rect box = { x, y, w, h };
   fill(a->ren, &box, PV_C_CARD, 240);
   outline(a->ren, &box, PV_C_ACCENT);
   for (int i = 0; i < c.n; i++)
      pv_text_n(i == 0 ? &a->font : f, x + 12, y + 8 + i * f->height - (i == 0 ? 2 : 0),
                i == 0 ? PV_C_ACCENT : style_color(c.l[i].style), c.l[i].text, (w - 20) / f->advance);
   /* the touched fraction as a bar */
   if (b && b->touched_known && b->size) {
      SDL_Rect bar = { x + w - 132, y + 10, 120, 8 };
      fill(a->ren, &bar, PV_C_UNTOUCHED, 255);
      SDL_Rect in = bar;
      in.w = (int)(120.0 * (double)b->touched / (double)b->size + 0.5);
      fill(a->ren, &in, PV_C_ACCENT, 255);
   }
}

/* ---- the panel ----------------------------------------------------------------- */

static int details(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w)
{
   struct pv_font *f = &a->small;
   char buf[320], name[256], b1[32], b2[32], b3[32];
   int room = w / f->advance;
   int exact;
   pv_u64 lines = pv_site_lines(st, &exact);
   snprintf(buf, sizeof buf, "%s", site_name(a, st->site, name, sizeof name));
   pv_text_n(&a->font, x, y, PV_C_ACCENT, buf, (w - 4) / (a->font.advance ? a->font.advance : 8));
   y += a->font.height + 2;
   snprintf(buf, sizeof buf, "%s accesses  %s bytes  %s%s lines  %.3f lines/access",
            pv_fmt_count(b1, sizeof b1, (double)st->accesses),
            pv_fmt_bytes(b2, sizeof b2, st->bytes), exact ? "" : "~",
            pv_fmt_count(b3, sizeof b3, (double)lines),
            st->accesses ? (double)lines / (double)st->accesses : 0.0);
   pv_text_n(f, x, y, PV_C_TEXT, buf, room);
   y += f->height;
   snprintf(buf, sizeof buf, "%llu loads  %llu stores  %llu modifies  %llu straddle  "
            "heap %.0f%%  %u thread%s",
            (unsigned long long)st->loads, (unsigned long long)st->stores,
            (unsigned long long)st->modifies, (unsigned long long)st->straddles,
            st->accesses ? 100.0 * (double)st->heap_accesses / (double)st->accesses : 0.0,
            pv_threads_in_mask(st->tid_mask), pv_threads_in_mask(st->tid_mask) == 1 ? "" : "s");
   pv_text_n(f, x, y, PV_C_DIM, buf, room);
   return y + f->height + 6;
}

void pv_panel_draw(struct pv_app *a)
{
   struct pv_panel *p = &a->panel;
   if (p->block_open || p->block_what)
      block_card(a);
   if (!p->open || p->rect.w <= 0)
      return;
   SDL_Rect R = p->rect;
   fill(a->ren, &R, C_PANEL, 255);
   struct pv_font *f = &a->small;
   int x = R.x + 10, w = R.w - 20, y = R.y + 4;
   int ymax = R.y + R.h - 4;
   char buf[320], name[256], b1[32], b2[32], b3[32];
   if (!a->sites.an) {
      pv_text(f, x, y, PV_C_DIM, "no per-site analysis (--analysis=no)");
      return;
   }
   refresh_list(a, a->headless);          /* headless: the shot shows the list now */
   snprintf(buf, sizeof buf, "sites by %s", pv_siteopts_sort_name(a->sites.sort));
   pv_text(&a->font, x, y, PV_C_ACCENT, buf);
   char th[32];
   if (a->sites.f_tid) snprintf(th, sizeof th, "%u", a->sites.f_tid);
   else snprintf(th, sizeof th, "all");
   snprintf(buf, sizeof buf, "thread %s  kind %s  region %s", th,
            pv_siteopts_kind_name(a->sites.f_kind), pv_siteopts_region_name(a->sites.f_region));
   pv_text(f, x + w - pv_text_w(f, (int)strlen(buf)), y + (a->font.height - f->height) / 2,
           PV_C_DIM, buf);
   y += a->font.height + 4;
   if (a->sites.skipped) {
      snprintf(buf, sizeof buf, "sampled: %.0f%% of %s accesses analysed%s",
               100.0 * (double)(a->sites.n_access - a->sites.skipped) / (double)a->sites.n_access,
               pv_fmt_count(b1, sizeof b1, (double)a->sites.n_access),
               a->sites.shed ? " (viewer behind the program)" : "");
      pv_text_n(f, x, y, PV_C_FREED, buf, w / f->advance);
      y += f->height;
   }
   snprintf(buf, sizeof buf, "%-3s %8s %9s %7s  %s", "#", "accesses", "bytes", "lines", "site");
   pv_text(f, x, y, PV_C_DIM, buf);
   y += f->height;
   /* the list: about a third of the panel */
   int rows = (R.h / 4) / f->height;
   if (rows > PV_PANEL_LIST) rows = PV_PANEL_LIST;
   if (rows < 3) rows = 3;
   int si = sel_index(a);
   p->first = si >= rows ? si - rows + 1 : 0;   /* from the top, the selection in view */
   p->list = (SDL_Rect){ R.x, y, R.w, rows * f->height };
   p->row_h = f->height;
   p->rows = rows;
   int room = w / f->advance;
   for (int i = p->first; i < p->n && i < p->first + rows; i++) {
      const struct pv_site_stats *st = pv_analysis_site(a->sites.an, p->ids[i]);
      if (!st)
         continue;
      int yy = y + (i - p->first) * f->height;
      if (p->ids[i] == a->sites.sel) {
         SDL_Rect hl = { R.x + 4, yy, R.w - 8, f->height };
         fill(a->ren, &hl, C_SELROW, 255);
      }
      snprintf(buf, sizeof buf, "%-3d %8s %9s %7s  %s", p->rank[i],
               pv_fmt_count(b1, sizeof b1, (double)st->accesses),
               pv_fmt_bytes(b2, sizeof b2, st->bytes),
               pv_fmt_count(b3, sizeof b3, (double)pv_site_lines(st, NULL)),
               site_name(a, st->site, name, sizeof name));
      pv_text_n(f, x, yy, p->ids[i] == a->sites.sel ? PV_C_ACCENT : PV_C_TEXT, buf, room);
   }
   if (p->n == 0)
      pv_text(f, x, y, PV_C_DIM, "(no site passes the filters yet)");
   y += rows * f->height + 6;
   SDL_SetRenderDrawColor(a->ren, PV_C_GAP.r, PV_C_GAP.g, PV_C_GAP.b, 255);
   SDL_RenderDrawLine(a->ren, R.x + 6, y, R.x + R.w - 6, y);
   y += 6;

   const struct pv_site_stats *st = a->sites.sel ? pv_analysis_site(a->sites.an, a->sites.sel) : NULL;
   if (!st) {
      pv_text(f, x, y, PV_C_DIM, "Tab / click: select a site; its accesses alone light the map");
      y += f->height + 6;
   } else {
      y = details(a, st, x, y, w);
      int ch = R.h / 7;
      if (ch < 60) ch = 60;
      y = stride_hist(a, st, x, y, w, ch);
      y = stride_time(a, st, x, y, w, ch * 2 / 3);
      y = reuse_chart(a, st, x, y, w, ch / 2);
   }
   code_context(a, x, y, w, ymax);
}

/* ---- follow mode ------------------------------------------------------------------ */

int pv_panel_follow(struct pv_app *a, double now)
{
   struct pv_view *v = &a->view;
   struct pv_sites *s = &a->sites;
   if (!v->follow || !s->sel_acc || !(s->sel || s->ncand))
      return 0;
   if (now < v->next_follow)
      return 1;
   v->next_follow = now + PV_FOLLOW_PERIOD;
   pv_u64 lo = s->sel_lo, hi = s->sel_hi + 1;
   int r = pv_regions_find(&a->model.regions, lo);
   if (r >= 0 && hi > a->model.regions.r[r].end)
      hi = a->model.regions.r[r].end;
   const struct pv_block *b0 = pv_heap_find(&a->model.heap, lo);
   const struct pv_block *b1 = pv_heap_find(&a->model.heap, hi - 1);
   if (b0 && b0->addr < lo)
      lo = b0->addr;
   if (b1 && b1->addr + b1->size > hi)
      hi = b1->addr + b1->size;
   v->follow_lo = lo;
   v->follow_hi = hi;
   v->show_pending = 1;
   if (v->autozoom) {
      int sh = v->cell_shift;
      while (sh < PV_MAX_CELL_SHIFT
             && (long long)(((hi - 1) >> (v->col_shift + sh)) - (lo >> (v->col_shift + sh))) + 1
                   > (long long)v->rows * 3 / 4)
         sh++;
      v->cell_shift = sh;
   }
   return 1;
}

/* ---- keys and clicks --------------------------------------------------------------- */

static void toast(struct pv_app *a, const char *msg)
{
   snprintf(a->toast, sizeof a->toast, "%s", msg);
   a->toast_until = a->t_frame + 3.0;
}

static void toggle_open(struct pv_app *a)
{
   a->panel.open = !a->panel.open;
   a->resized = 1;                     /* the map and the timeline make room */
   refresh_list(a, 1);
}

/* the user picked SITE (0: none): its own lines re-create the heat */
static void user_select(struct pv_app *a, pv_u32 site)
{
   pv_sites_user_select(&a->sites, site);
   pv_sites_backfill(&a->sites, &a->model);
   a->applied_ok = 0;                  /* heat and timeline start again */
   refresh_list(a, 1);
}

static void move_sel(struct pv_app *a, int d)
{
   struct pv_panel *p = &a->panel;
   refresh_list(a, 1);
   if (!p->n)
      return;
   int i = sel_index(a);
   i = i < 0 ? (d > 0 ? 0 : p->n - 1) : i + d;
   if (i < 0) i = 0;
   if (i >= p->n) i = p->n - 1;
   user_select(a, p->ids[i]);
}

static void cycle_thread(struct pv_app *a)
{
   pv_u64 m = a->sites.an ? 0 : 0;
   for (int i = 0; i < a->panel.n; i++) {
      const struct pv_site_stats *st = pv_analysis_site(a->sites.an, a->panel.ids[i]);
      if (st) m |= st->tid_mask;
   }
   a->panel.tids_seen |= m;
   m = a->panel.tids_seen;
   pv_u32 t = a->sites.f_tid;
   for (pv_u32 k = t + 1; k < 64; k++)
      if (m & (1ull << k)) {
         a->sites.f_tid = k;
         return;
      }
   a->sites.f_tid = 0;
}

int pv_panel_key(struct pv_app *a, SDL_Keycode c, int shift)
{
   struct pv_panel *p = &a->panel;
   char buf[160];
   switch (c) {
   case SDLK_p:
      toggle_open(a);
      return 1;
   case SDLK_b:
      p->block_open = !p->block_open;
      p->block_what = NULL;
      p->block_addr = 0;
      if (p->block_open && a->mouse_in_map) {
         int r, cl;
         pv_u64 lo, hi;
         if (pv_screen_hit_map(&a->scr, a->mouse_x, a->mouse_y, &r, &cl)
             && pv_view_cell_range(&a->view, &a->lay_applied, r, cl, &lo, &hi)) {
            for (pv_u64 q = lo; q < hi && !p->block_addr; q += (hi - lo) / 16 ? (hi - lo) / 16 : 1)
               if (pv_blockcard_at(&a->sites, q))
                  p->block_addr = q;
         }
      }
      return 1;
   default:
      break;
   }
   if (!p->open)
      return 0;
   switch (c) {
   case SDLK_TAB:
      move_sel(a, shift ? -1 : 1);
      return 1;
   case SDLK_n:
      move_sel(a, shift ? -1 : 1);
      return 1;
   case SDLK_k:
      a->sites.f_kind = (a->sites.f_kind + 1) % 4;
      snprintf(buf, sizeof buf, "sites: kind %s", pv_siteopts_kind_name(a->sites.f_kind));
      toast(a, buf);
      refresh_list(a, 1);
      return 1;
   case SDLK_x:
      user_select(a, 0);
      toast(a, "no site selected: every access lights the map");
      return 1;
   case SDLK_o:
      a->sites.sort = (a->sites.sort + 1) % 3;
      snprintf(buf, sizeof buf, "sites sorted by %s", pv_siteopts_sort_name(a->sites.sort));
      toast(a, buf);
      refresh_list(a, 1);
      return 1;
   case SDLK_t:
      cycle_thread(a);
      if (a->sites.f_tid)
         snprintf(buf, sizeof buf, "sites: thread %u", a->sites.f_tid);
      else
         snprintf(buf, sizeof buf, "sites: all threads");
      toast(a, buf);
      refresh_list(a, 1);
      return 1;
   case SDLK_g:
      a->sites.f_region = (a->sites.f_region + 1) % PV_RF_COUNT;
      snprintf(buf, sizeof buf, "sites: region %s", pv_siteopts_region_name(a->sites.f_region));
      toast(a, buf);
      refresh_list(a, 1);
      return 1;
   default:
      return 0;
   }
}

int pv_panel_click(struct pv_app *a, int x, int y)
{
   struct pv_panel *p = &a->panel;
   if (!p->open || x < p->rect.x || x >= p->rect.x + p->rect.w || y < p->rect.y
       || y >= p->rect.y + p->rect.h)
      return 0;
   if (y >= p->list.y && y < p->list.y + p->list.h && p->row_h > 0) {
      int i = p->first + (y - p->list.y) / p->row_h;
      if (i >= 0 && i < p->n)
         user_select(a, p->ids[i] == a->sites.sel ? 0 : p->ids[i]);
   }
   return 1;
}

int pv_panel_pick_at(struct pv_app *a, int x, int y)
{
   int r, c;
   pv_u64 lo, hi;
   if (!pv_screen_hit_map(&a->scr, x, y, &r, &c)
       || !pv_view_cell_range(&a->view, &a->lay_applied, r, c, &lo, &hi))
      return 0;
   const struct pv_line *best = NULL;
   for (pv_u64 l = lo >> PV_LINE_SHIFT; (l << PV_LINE_SHIFT) < hi && l - (lo >> PV_LINE_SHIFT) < 4096; l++) {
      const struct pv_line *x2 = pv_stats_line(&a->model.stats, l << PV_LINE_SHIFT);
      if (x2 && x2->t_ms && PV_LINE_KIND(x2) < PV_LK_KREAD
          && (!best || (pv_s32)(x2->t_ms - best->t_ms) > 0))
         best = x2;
   }
   if (!best)
      return 0;
   if (!a->panel.open)
      toggle_open(a);
   user_select(a, best->site);
   return 1;
}
