/* sitepanel.c -- lays out and draws the sites panel, its code context and
 * the block card (see sitepanel.h; charts in sitecharts.c, keys in
 * sitekeys.c).  Layout, top to bottom: title and filters; the site
 * list; the selected site's numbers; its stride histogram (one bar per
 * signed power-of-two bin, bars within a cache line green, longer jumps
 * orange, the line boundary dashed); stride over time (a column per slice
 * of the site's accesses, a row per bin); reuse distance; code context. */
#include "sitepanel.h"
#include "draw.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "blockcard.h"
#include "card.h"
#include "colors.h"
#include "sitecharts.h"
#include "source.h"
#include "util.h"

#define C_SELROW ((struct pv_rgb){ 70, 60, 30 })
#define C_PANEL  ((struct pv_rgb){ 26, 29, 38 })



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

void pv_panel_refresh(struct pv_app *a, int force)
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

int pv_panel_sel_index(const struct pv_app *a)
{
   for (int i = 0; i < a->panel.n; i++)
      if (a->panel.ids[i] == a->sites.sel)
         return i;
   return -1;
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
         pv_fill(a->ren, &hl, C_SELROW, 255);
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
   int tw = pv_text_w(&a->font, (int)strlen(c.l[0].text)) + 24 + 140;   /* title and bar */
   if (w < tw) w = tw;
   /* at the bottom of the map, or at the top when the block is down there */
   int x = a->scr.map.x + 12, y = a->scr.map.y + a->scr.map.h - h - 12;
   int row, col;
   if (b && pv_view_locate(&a->view, &a->lay_applied, b->addr, &row, &col)
       && pv_screen_row_y(&a->scr, row) > a->scr.map.y + a->scr.map.h / 2)
      y = a->scr.map.y + 12;
   if (y < a->scr.map.y) y = a->scr.map.y;
   int right = a->panel.open && a->panel.rect.w > 0 ? a->panel.rect.x : a->scr.W;
   if (w > right - x - 8) w = right - x - 8;
   SDL_Rect box = { x, y, w, h };
   pv_fill(a->ren, &box, PV_C_CARD, 240);
   pv_frame(a->ren, &box, PV_C_ACCENT);
   for (int i = 0; i < c.n; i++)
      pv_text_n(i == 0 ? &a->font : f, x + 12, y + 8 + i * f->height - (i == 0 ? 2 : 0),
                i == 0 ? PV_C_ACCENT : style_color(c.l[i].style), c.l[i].text, (w - 20) / f->advance);
   /* the touched fraction as a bar */
   if (b && b->touched_known && b->size && w >= tw) {
      SDL_Rect bar = { x + w - 132, y + 10, 120, 8 };
      pv_fill(a->ren, &bar, PV_C_UNTOUCHED, 255);
      SDL_Rect in = bar;
      in.w = (int)(120.0 * (double)b->touched / (double)b->size + 0.5);
      pv_fill(a->ren, &in, PV_C_ACCENT, 255);
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
   if (a->sites.nsel_tid > 1 && st->site == a->sites.sel) {
      /* who ran it, since it was selected */
      size_t k = (size_t)snprintf(buf, sizeof buf, "by thread:");
      for (int i = 0; i < a->sites.nsel_tid && k < sizeof buf - 40; i++)
         k += (size_t)snprintf(buf + k, sizeof buf - k, "  %u: %s", a->sites.sel_tid[i],
                               pv_fmt_count(b1, sizeof b1, (double)a->sites.sel_tid_n[i]));
      y += f->height;
      pv_text_n(f, x, y, PV_C_DIM, buf, room);
   }
   return y + f->height + 6;
}

static void panel(struct pv_app *a);

void pv_panel_draw(struct pv_app *a)
{
   struct pv_panel *p = &a->panel;
   if (p->open && p->rect.w > 0)
      panel(a);
   if (p->block_open || p->block_what)
      block_card(a);                      /* over the map, next to the panel */
}

static void panel(struct pv_app *a)
{
   struct pv_panel *p = &a->panel;
   SDL_Rect R = p->rect;
   pv_fill(a->ren, &R, C_PANEL, 255);
   struct pv_font *f = &a->small;
   int x = R.x + 10, w = R.w - 20, y = R.y + 4;
   int ymax = R.y + R.h - 4;
   char buf[320], name[256], b1[32], b2[32], b3[32];
   if (!a->sites.an) {
      pv_text(f, x, y, PV_C_DIM, "no per-site analysis (--analysis=no)");
      return;
   }
   pv_panel_refresh(a, a->headless);          /* headless: the shot shows the list now */
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
   if (a->sites.shed_blocks) {
      snprintf(buf, sizeof buf, "%s heap blocks allocated while behind: no block card",
               pv_fmt_count(b1, sizeof b1, (double)a->sites.shed_blocks));
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
   int si = pv_panel_sel_index(a);
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
         pv_fill(a->ren, &hl, C_SELROW, 255);
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
      y = pv_chart_strides(a, st, x, y, w, ch);
      y = pv_chart_stride_time(a, st, x, y, w, ch * 2 / 3);
      y = pv_chart_reuse(a, st, x, y, w, ch / 2);
   }
   code_context(a, x, y, w, ymax);
}
