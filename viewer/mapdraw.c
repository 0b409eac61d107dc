/* mapdraw.c -- draws the memory map and its gutter (see mapdraw.h). */
#include "mapdraw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "pump.h"
#include "util.h"

#define MAX_OUTLINES 6000

static void color(SDL_Renderer *r, struct pv_rgb c, Uint8 alpha)
{
   SDL_SetRenderDrawColor(r, c.r, c.g, c.b, alpha);
}

/* ---- the background layer, one texel per cell: unmapped, mapped, and
 *      allocated-but-untouched ------------------------------------------- */

/* Visit the live blocks in [LO, HI) a few thousand at a time; in between,
 * the ingest thread may read the ring (a view of a million blocks takes
 * milliseconds to walk, in which a fast program fills the ring). */
static void visit_yielding(struct pv_app *a, pv_u64 lo, pv_u64 hi,
                           void (*fn)(void *, const struct pv_block *), void *ctx)
{
   while (lo < hi) {
      lo = pv_heap_visit_some(&a->model.heap, lo, hi, 4096, fn, ctx);
      if (lo < hi)
         pv_pump_yield(a);
   }
}

struct base_ctx {
   struct pv_app   *a;
   const struct pv_vis *v;
   int              dirty;
};

static int line_touched(const struct pv_stats *st, pv_u64 a)
{
   /* consecutive lookups mostly hit the same chunk */
   static const struct pv_stats *cst;
   static pv_u64 ckey = ~0ull;
   static const struct pv_chunk *cc;
   if (!st) {
      cst = NULL;
      cc = NULL;
      return 0;
   }
   pv_u64 key = a >> PV_CHUNK_SHIFT;
   if (st != cst || key != ckey) {
      cst = st;
      ckey = key;
      cc = pv_stats_lookup(st, key);
   }
   if (!cc)
      return 0;
   const struct pv_line *l = &cc->line[(a >> PV_LINE_SHIFT) & (PV_CHUNK_LINES - 1)];
   return (l->reads | l->writes) != 0;
}

/* Has any line of [lo, hi) been accessed?  (At most 5 lines are sampled in
 * big cells.) */
static int range_touched(const struct pv_stats *st, pv_u64 lo, pv_u64 hi)
{
   pv_u64 l0 = lo >> PV_LINE_SHIFT, l1 = (hi - 1) >> PV_LINE_SHIFT;
   if (l1 - l0 < 5) {
      for (pv_u64 l = l0; l <= l1; l++)
         if (line_touched(st, l << PV_LINE_SHIFT))
            return 1;
      return 0;
   }
   for (int k = 0; k < 5; k++) {
      pv_u64 l = l0 + (l1 - l0) * (pv_u64)k / 4;
      if (line_touched(st, l << PV_LINE_SHIFT))
         return 1;
   }
   return 0;
}

static void base_block(void *ctx, const struct pv_block *b)
{
   struct base_ctx *bc = ctx;
   struct pv_app *a = bc->a;
   const struct pv_model *m = &a->model;
   const struct pv_vis *v = bc->v;
   pv_u64 lo = b->addr > v->lo ? b->addr : v->lo;
   pv_u64 end = b->addr + (b->size ? b->size : 1);
   pv_u64 hi = end < v->hi ? end : v->hi;
   if (hi <= lo)
      return;
   int cs = m->cell_shift;
   pv_u64 c0 = lo >> cs, c1 = (hi - 1) >> cs;
   long base_idx = (long)((long long)((lo >> m->row_shift) + v->base) * m->cols
                          + (c0 & (m->cols - 1)));
   for (pv_u64 c = c0; c <= c1; c++) {
      long idx = base_idx + (long)(c - c0);
      if (idx < 0 || idx >= (long)a->base_w * a->base_h)
         break;
      pv_u64 clo = c << cs, chi = (c + 1) << cs;
      if (clo < lo) clo = lo;
      if (chi > hi) chi = hi;
      if (!range_touched(&m->stats, clo, chi))
         a->basebuf[idx] = 0xFF000000u | ((pv_u32)PV_C_UNTOUCHED.r << 16)
                           | ((pv_u32)PV_C_UNTOUCHED.g << 8) | PV_C_UNTOUCHED.b;
   }
}

void pv_mapdraw_base(struct pv_app *a, int force)
{
   struct pv_model *m = &a->model;
   int w = (int)a->applied.cols, h = a->applied.rows;
   if (!a->base || a->base_w != w || a->base_h != h) {
      if (a->base)
         SDL_DestroyTexture(a->base);
      free(a->basebuf);
      a->base = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888,
                                  SDL_TEXTUREACCESS_STREAMING, w, h);
      a->basebuf = malloc((size_t)w * h * sizeof *a->basebuf);
      a->base_w = w;
      a->base_h = h;
      if (!a->base || !a->basebuf)
         return;
      SDL_SetTextureBlendMode(a->base, SDL_BLENDMODE_NONE);
      SDL_SetTextureScaleMode(a->base, SDL_ScaleModeNearest);
      force = 1;
   }
   if (!force && !m->base_dirty)
      return;
   line_touched(NULL, ~0ull);        /* forget the cached chunk: chunks come and go */
   if (!force && a->t_frame < a->base_next)
      return;                        /* at most ~15 times a second */
   double t0 = pv_now();
   m->base_dirty = 0;
   /* unmapped (gaps, the ends of partial rows): the window background;
    * mapped: black */
   const pv_u32 bgc = 0xFF000000u | ((pv_u32)PV_C_BG.r << 16) | ((pv_u32)PV_C_BG.g << 8) | PV_C_BG.b;
   const pv_u32 mapped = 0xFF000000u | ((pv_u32)PV_C_MAPPED.r << 16)
                         | ((pv_u32)PV_C_MAPPED.g << 8) | PV_C_MAPPED.b;
   size_t ncell = (size_t)w * h;
   for (size_t i = 0; i < ncell; i++)
      a->basebuf[i] = bgc;
   for (unsigned i = 0; i < m->nvis; i++) {
      const struct pv_vis *v = &m->vis[i];
      long i0 = (long)((long long)((v->lo >> m->row_shift) + v->base) * m->cols
                       + ((v->lo >> m->cell_shift) & (m->cols - 1)));
      long i1 = (long)((long long)(((v->hi - 1) >> m->row_shift) + v->base) * m->cols
                       + (((v->hi - 1) >> m->cell_shift) & (m->cols - 1)));
      if (i0 < 0) i0 = 0;
      if (i1 >= (long)ncell) i1 = (long)ncell - 1;
      for (long k = i0; k <= i1; k++)
         a->basebuf[k] = mapped;
   }
   struct base_ctx bc = { a, NULL, 0 };
   for (unsigned i = 0; i < m->nvis; i++) {
      bc.v = &m->vis[i];
      visit_yielding(a, m->vis[i].lo, m->vis[i].hi, base_block, &bc);
   }
   SDL_UpdateTexture(a->base, NULL, a->basebuf, w * 4);
   /* next time: after 1/15 s, or 8 times what this took (a zoomed-out
    * view of a million heap blocks), whichever is later */
   double took = pv_now() - t0;
   a->base_next = a->t_frame + (took * 8 > 0.066 ? (took * 8 > 1.0 ? 1.0 : took * 8) : 0.066);
}

/* ---- outlines --------------------------------------------------------- */

struct outline_ctx {
   struct pv_app *a;
   const struct pv_vis *v;
   int count;
   struct pv_rgb c;
   Uint8 alpha;
};

/* Outline the cells of [addr, end) (clipped to the interval).  Blocks
 * within a single cell are not outlined: at that zoom, with several blocks
 * to a cell, outlines would only be noise (zoom in to see them). */
static void outline_range(struct pv_app *a, const struct pv_vis *v, pv_u64 addr, pv_u64 end)
{
   const struct pv_model *m = &a->model;
   const struct pv_screen *s = &a->scr;
   pv_u64 lo = addr > v->lo ? addr : v->lo;
   pv_u64 hi = end < v->hi ? end : v->hi;
   if (hi <= lo)
      return;
   if ((addr >> m->cell_shift) == ((end - 1) >> m->cell_shift))
      return;
   long r0 = (long)((long long)(lo >> m->row_shift) + v->base);
   long r1 = (long)((long long)((hi - 1) >> m->row_shift) + v->base);
   long c0 = (long)((lo >> m->cell_shift) & (m->cols - 1));
   long c1 = (long)(((hi - 1) >> m->cell_shift) & (m->cols - 1));
   if (addr < v->lo) { r0 = -1; c0 = 0; }          /* continues above the view */
   if (end > v->hi && r1 >= m->rows - 1) { r1 = m->rows; c1 = (long)m->cols - 1; }
   int L = s->map.x, R = s->map.x + s->map.w - 1;
   int xa = pv_screen_col_x(s, c0), xb = pv_screen_col_x(s, c1 + 1) - 1;
   int ya = pv_screen_row_y(s, r0), yb = pv_screen_row_y(s, r1 + 1) - 1;
   if (r0 == r1) {
      SDL_Rect rc = { xa, ya, xb - xa + 1, yb - ya + 1 };
      SDL_RenderDrawRect(a->ren, &rc);
      return;
   }
   int y0b = pv_screen_row_y(s, r0 + 1), y1a = pv_screen_row_y(s, r1);
   SDL_Point p[9] = {
      { xa, ya }, { R, ya }, { R, y1a - 1 }, { xb, y1a - 1 }, { xb, yb },
      { L, yb }, { L, y0b }, { xa, y0b }, { xa, ya },
   };
   SDL_RenderDrawLines(a->ren, p, 9);
}

static void outline_block(void *ctx, const struct pv_block *b)
{
   struct outline_ctx *oc = ctx;
   pv_u64 end = b->addr + (b->size ? b->size : 1);
   const struct pv_model *m = &oc->a->model;
   if ((b->addr >> m->cell_shift) == ((end - 1) >> m->cell_shift))
      return;                        /* within one cell: not outlined */
   if (oc->count >= MAX_OUTLINES)
      return;
   oc->a->ol[2 * oc->count] = b->addr;
   oc->a->ol[2 * oc->count + 1] = end;
   oc->count++;
}

static void draw_outlines(struct pv_app *a)
{
   struct pv_model *m = &a->model;
   SDL_Rect clip = a->scr.map;
   clip.x -= 1; clip.y -= 1; clip.w += 2; clip.h += 2;
   SDL_RenderSetClipRect(a->ren, &clip);
   SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND);
   /* freed blocks fade out */
   struct pv_heap *h = &m->heap;
   double now = a->pl ? a->vclock : a->t_frame;    /* replay: run time, as FREE's */
   for (unsigned k = 1; k <= h->freed_n; k++) {
      const struct pv_freed *f = &h->freed[(h->freed_head + PV_FREED_CAP - k) % PV_FREED_CAP];
      double age = now - f->when;
      if (age >= PV_FREED_FADE_S)
         break;                       /* older ones are older still */
      if (age < 0)
         age = 0;
      Uint8 alpha = (Uint8)(255.0 * (1.0 - age / PV_FREED_FADE_S));
      color(a->ren, PV_C_FREED, alpha);
      for (unsigned i = 0; i < m->nvis; i++)
         outline_range(a, &m->vis[i], f->addr, f->addr + (f->size ? f->size : 1));
   }
   /* live blocks: the set is found again only when the heap or the view
    * changed, and not more often than keeps it under ~1/8 of the time (in
    * between, the blocks found last are drawn where the view puts them) */
   if (!a->ol)
      a->ol = malloc(2 * MAX_OUTLINES * sizeof *a->ol);
   if (a->ol && (h->gen != a->ol_heap_gen || m->view_gen != a->ol_view_gen)
       && a->t_frame >= a->ol_next) {
      double t0 = pv_now();
      struct outline_ctx oc = { a, NULL, 0, PV_C_OUTLINE, 255 };
      for (unsigned i = 0; i < m->nvis; i++) {
         oc.v = &m->vis[i];
         visit_yielding(a, m->vis[i].lo, m->vis[i].hi, outline_block, &oc);
      }
      a->ol_n = oc.count;
      a->ol_heap_gen = h->gen;
      a->ol_view_gen = m->view_gen;
      double took = pv_now() - t0;
      a->ol_next = a->t_frame + (took * 8 > 1.0 ? 1.0 : took * 8);
   }
   color(a->ren, PV_C_OUTLINE, 255);
   for (int k = 0; a->ol && k < a->ol_n; k++)
      for (unsigned i = 0; i < m->nvis; i++)
         outline_range(a, &m->vis[i], a->ol[2 * k], a->ol[2 * k + 1]);
   SDL_RenderSetClipRect(a->ren, NULL);
}

/* ---- mapped cells, separators ---------------------------------------- */

static void draw_separators(struct pv_app *a)
{
   const struct pv_layout *L = &a->lay_applied;
   const struct pv_geom *g = &a->applied;
   const struct pv_screen *s = &a->scr;
   SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
   color(a->ren, PV_C_GAP, 255);
   unsigned i = pv_layout_first_seg_from_row(L, g->top);
   if (i > 0)
      i--;
   for (; i + 1 < L->n; i++) {
      long long gap0 = L->s[i].row0 + L->s[i].nrows;
      if (gap0 >= g->top + g->rows)
         break;
      if (gap0 + PV_GAP_ROWS <= g->top)
         continue;
      int y = pv_screen_row_y(s, (long)(gap0 - g->top)) + PV_GAP_ROWS * PV_ROW_PX / 2;
      if (y < s->map.y || y >= s->map.y + s->map.h)
         continue;
      for (int x = s->map.x; x < s->map.x + s->map.w; x += 6)
         SDL_RenderDrawLine(a->ren, x, y, x + 2 < s->map.x + s->map.w ? x + 2 : s->map.x + s->map.w - 1, y);
      if (s->tl.w > 0)
         for (int x = s->tl.x; x < s->tl.x + s->tl.w; x += 6)
            SDL_RenderDrawLine(a->ren, x, y, x + 2 < s->tl.x + s->tl.w ? x + 2 : s->tl.x + s->tl.w - 1, y);
   }
}

/* ---- gutter labels --------------------------------------------------- */

struct label {
   int  y, ymax;          /* wanted position; lowest acceptable one */
   long prio;             /* visible pixels of what it names */
   int  named;
   char text[96];
   char sub[48];
};

static int cmp_prio(const void *x, const void *y)
{
   const struct label *p = x, *q = y;
   if (p->prio != q->prio)
      return p->prio > q->prio ? -1 : 1;
   return p->y - q->y;
}

/* Is [y0, y1) free of the placed intervals? */
static int free_at(const int (*occ)[2], int nocc, int y0, int y1)
{
   for (int i = 0; i < nocc; i++)
      if (y0 < occ[i][1] && occ[i][0] < y1)
         return 0;
   return 1;
}

static void draw_labels(struct pv_app *a)
{
   const struct pv_layout *L = &a->lay_applied;
   const struct pv_geom *g = &a->applied;
   const struct pv_screen *s = &a->scr;
   struct pv_regions *rs = &a->model.regions;
   static struct label lab[512];
   int n = 0;
   long long top = g->top, bottom = g->top + g->rows;
   char b1[32];
   for (unsigned i = pv_layout_first_seg_from_row(L, top); i < L->n && n < 500; i++) {
      const struct pv_seg *sg = &L->s[i];
      if (sg->row0 >= bottom)
         break;
      for (unsigned k = sg->first_region; k < sg->first_region + sg->nregions && n < 500; k++) {
         if (k >= rs->n)
            break;
         const struct pv_region *r = &rs->r[k];
         long long ra = pv_layout_row_in(L, sg, r->start), rb = pv_layout_row_in(L, sg, r->end - 1);
         if (rb < top || ra >= bottom)
            continue;
         struct label *l = &lab[n++];
         long long va = ra > top ? ra : top, vb = rb < bottom - 1 ? rb : bottom - 1;
         l->y = pv_screen_row_y(s, (long)(va - top));
         l->ymax = pv_screen_row_y(s, (long)(vb - top + 1));
         l->prio = (long)(vb - va + 1);
         l->named = 0;
         pv_region_label(rs, k, l->text, sizeof l->text);
         snprintf(l->sub, sizeof l->sub, "0x%llx %s", (unsigned long long)r->start,
                  pv_fmt_bytes(b1, sizeof b1, r->end - r->start));
      }
   }
   /* named ranges and thread stacks, where mapped and in view */
   for (unsigned i = 0; i < rs->nn && n < 512; i++) {
      const struct pv_named *nm = &rs->nm[i];
      int k = pv_layout_seg_of_addr(L, nm->start);
      pv_u64 st = nm->start;
      if (k < 0) {
         /* a thread stack's range usually begins in unmapped reserve */
         int k2 = pv_layout_seg_of_addr(L, nm->end - 1);
         if (k2 < 0)
            continue;
         k = k2;
         st = L->s[k].start > nm->start ? L->s[k].start : nm->start;
      }
      long long ra = pv_layout_row_in(L, &L->s[k], st);
      long long rb = pv_layout_row_in(L, &L->s[k], nm->end - 1 < L->s[k].end ? nm->end - 1 : L->s[k].end - 1);
      if (rb < top || ra >= bottom)
         continue;
      struct label *l = &lab[n++];
      long long va = ra > top ? ra : top, vb = rb < bottom - 1 ? rb : bottom - 1;
      l->y = pv_screen_row_y(s, (long)(va - top));
      l->ymax = pv_screen_row_y(s, (long)(vb - top + 1));
      l->prio = (long)(vb - va + 1) + 1000000;    /* names the program gave win */
      l->named = 1;
      snprintf(l->text, sizeof l->text, "%s", nm->name);
      snprintf(l->sub, sizeof l->sub, "0x%llx %s", (unsigned long long)nm->start,
               pv_fmt_bytes(b1, sizeof b1, nm->end - nm->start));
      /* bracket at the gutter's right edge */
      int y0 = pv_screen_row_y(s, (long)((ra > top ? ra : top) - top));
      int y1 = pv_screen_row_y(s, (long)((rb < bottom - 1 ? rb : bottom - 1) - top + 1)) - 1;
      SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
      color(a->ren, PV_C_NAMED, 255);
      SDL_Rect br = { s->gutter.x + s->gutter.w - 3, y0, 3, y1 - y0 + 1 };
      SDL_RenderFillRect(a->ren, &br);
   }
   /* place the labels of the biggest things first, each as near its row as
    * it can go (at most two lines lower, or anywhere beside its own rows) */
   qsort(lab, (size_t)n, sizeof lab[0], cmp_prio);
   int fh = a->small.height, maxch = (s->gutter.w - 8) / (a->small.advance ? a->small.advance : 8);
   static int occ[1024][2];
   int nocc = 0;
   int gy0 = s->gutter.y, gy1 = s->gutter.y + s->gutter.h;
   for (int i = 0; i < n && nocc < 1022; i++) {
      int lim = lab[i].y + 2 * fh;
      if (lab[i].ymax - fh > lim)
         lim = lab[i].ymax - fh;
      int y = -1;
      for (int t = lab[i].y; t <= lim && t + fh <= gy1; t++)
         if (t >= gy0 && free_at(occ, nocc, t, t + fh)) {
            y = t;
            break;
         }
      if (y < 0)
         continue;
      pv_text_n(&a->small, s->gutter.x, y, lab[i].named ? PV_C_NAMED : PV_C_TEXT, lab[i].text, maxch);
      occ[nocc][0] = y;
      occ[nocc][1] = y + fh;
      nocc++;
      if (y + 2 * fh <= gy1 && free_at(occ, nocc, y + fh, y + 2 * fh)) {
         pv_text_n(&a->small, s->gutter.x, y + fh, PV_C_DIM, lab[i].sub, maxch);
         occ[nocc - 1][1] = y + 2 * fh;
      }
   }
}

/* ---- scrollbar ------------------------------------------------------- */

void pv_mapdraw_scrollbar_thumb(const struct pv_app *a, SDL_Rect *thumb)
{
   const struct pv_screen *s = &a->scr;
   long long total = a->lay_applied.total_rows;
   if (total < a->applied.rows)
      total = a->applied.rows;
   int h = (int)((long long)s->scroll.h * a->applied.rows / total);
   if (h < 16)
      h = 16;
   if (h > s->scroll.h)
      h = s->scroll.h;
   int y = s->scroll.y + (int)((double)(s->scroll.h - h) * (double)a->applied.top
                               / (double)(total - a->applied.rows > 0 ? total - a->applied.rows : 1));
   if (y + h > s->scroll.y + s->scroll.h)
      y = s->scroll.y + s->scroll.h - h;
   *thumb = (SDL_Rect){ s->scroll.x, y, s->scroll.w, h };
}

static void draw_scrollbar(struct pv_app *a)
{
   SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
   color(a->ren, PV_C_SCROLL, 255);
   SDL_RenderFillRect(a->ren, &a->scr.scroll);
   SDL_Rect th;
   pv_mapdraw_scrollbar_thumb(a, &th);
   color(a->ren, a->sb_drag ? PV_C_TEXT : PV_C_THUMB, 255);
   SDL_RenderFillRect(a->ren, &th);
}

/* ---- all -------------------------------------------------------------- */

void pv_mapdraw(struct pv_app *a)
{
   if (!a->applied_ok)
      return;
   pv_mapdraw_base(a, 0);
   pv_pump_release(a);        /* composing reads no model: the ingest may run */
   pv_heat_compose(&a->heat, a->base, a->basebuf, &a->scr.map);
   pv_pump_take(a);
   draw_separators(a);
   draw_outlines(a);
   draw_labels(a);
   draw_scrollbar(a);
}
