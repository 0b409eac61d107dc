/* hud.c -- status bar, legend, captions, hover card, help (see hud.h). */
#include "hud.h"
#include "draw.h"

#include <stdio.h>
#include <string.h>

#include "colors.h"
#include "control.h"
#include "player.h"
#include "util.h"



const char *pv_hud_state(const struct pv_app *a, char *buf, size_t n, struct pv_rgb *color)
{
   const struct pv_model *m = &a->model;
   int busy;
   *color = PV_C_TEXT;
   if (a->pl) {
      pv_player_status(a, buf, n);
      *color = a->pl->playing ? PV_C_READ : PV_C_ACCENT;
   } else if (a->in.state == PV_IN_CORRUPT) {
      *color = PV_C_WRITE;
      snprintf(buf, n, "stream error");
   } else if (m->exited) {
      if (m->exit_signal)
         snprintf(buf, n, "killed (signal %u)", m->exit_status);
      else
         snprintf(buf, n, "exited (status %u)", m->exit_status);
   } else if (m->execed) {
      snprintf(buf, n, "exec'd %s", pv_basename(m->exec_path));
   } else if (a->in.state == PV_IN_ENDED) {
      *color = PV_C_FREED;
      snprintf(buf, n, "tool gone (no exit record)");
   } else if (a->detached) {
      snprintf(buf, n, "detached");
   } else if (pv_control_state(a, buf, n, &busy)) {
      *color = busy ? PV_C_TEXT : PV_C_ACCENT;
   } else if (!m->have_info) {
      *color = PV_C_DIM;
      snprintf(buf, n, "waiting for the program");
   } else {
      *color = PV_C_READ;
      snprintf(buf, n, "running");
   }
   return buf;
}

/* ---- top bar: program and legend ------------------------------------- */

static int legend_item(struct pv_app *a, int x, int y, int sz, struct pv_rgb c, int outline,
                       const char *label, int draw)
{
   int w = sz + 6 + pv_text_w(&a->small, (int)strlen(label)) + 16;
   if (!draw)
      return w;
   SDL_Rect sw = { x, y, sz, sz };
   if (outline) {
      pv_fill(a->ren, &sw, PV_C_MAPPED, 255);
      pv_frame(a->ren, &sw, c);
   } else {
      pv_fill(a->ren, &sw, c, 255);
   }
   pv_text(&a->small, x + sz + 6, y + (sz - a->small.height) / 2, PV_C_TEXT, label);
   return w;
}

static int legend(struct pv_app *a, int x, int y, int sz, int draw)
{
   static const struct { struct pv_rgb c; int outline; const char *label; } it[] = {
      { PV_C_READ, 0, "read" }, { PV_C_WRITE, 0, "write" }, { PV_C_BOTH, 0, "read+write" },
      { PV_C_KERNEL, 0, "kernel" }, { PV_C_UNTOUCHED, 0, "untouched heap" },
      { PV_C_OUTLINE, 1, "heap block" }, { PV_C_FREED, 1, "freed" },
   };
   int x0 = x;
   for (size_t i = 0; i < sizeof it / sizeof it[0]; i++)
      x += legend_item(a, x, y, sz, it[i].c, it[i].outline, it[i].label, draw);
   return x - x0;
}

static void top_bar(struct pv_app *a)
{
   const struct pv_screen *s = &a->scr;
   pv_fill(a->ren, &s->top, PV_C_BAR, 255);
   int y = s->top.y + (s->top.h - a->font.height) / 2;
   int x = 10;
   x += pv_text(&a->big, x, s->top.y + (s->top.h - a->big.height) / 2, PV_C_ACCENT, "pervert");
   x += a->font.advance * 2;
   int sz = a->small.height - 4;
   int lw = legend(a, 0, 0, sz, 0);
   int lx = s->W - lw - 4;
   char buf[640];
   const struct pv_model *m = &a->model;
   if (m->have_info)
      snprintf(buf, sizeof buf, "%s   [pid %u]", m->cmdline, m->pid);
   else
      snprintf(buf, sizeof buf, "(waiting for the program)");
   int room = (lx - x - 20) / (a->font.advance ? a->font.advance : 8);
   pv_text_n(&a->font, x, y, PV_C_TEXT, buf, room > 0 ? room : 0);
   legend(a, lx, s->top.y + (s->top.h - sz) / 2, sz, 1);
}

static void captions(struct pv_app *a)
{
   const struct pv_screen *s = &a->scr;
   char b1[32], b2[32], buf[160];
   pv_fmt_bytes(b1, sizeof b1, 1ull << a->view.cell_shift);
   pv_fmt_bytes(b2, sizeof b2, (pv_u64)a->view.cols << a->view.cell_shift);
   snprintf(buf, sizeof buf, "memory  %s per cell, %s per row", b1, b2);
   int y = s->map_head.y;
   int cw = pv_text(&a->small, s->map_head.x, y, PV_C_DIM, buf);
   const char *mode = a->view.follow ? (a->view.autozoom ? "follow + auto zoom" : "follow") : "";
   int mx = s->map_head.x + s->map_head.w - pv_text_w(&a->small, (int)strlen(mode));
   if (mx > s->map_head.x + cw + 8)              /* a narrow map: no room */
      pv_text(&a->small, mx, y, PV_C_ACCENT, mode);
   if (s->tl.w > 40) {
      snprintf(buf, sizeof buf, "timeline  %g ms per column", a->tl.slice_s * 1000.0);
      pv_text(&a->small, s->tl_head.x, y, PV_C_DIM, buf);
      const char *now = a->tl.frozen ? "end" : "now >";
      pv_text(&a->small, s->tl_head.x + s->tl_head.w - pv_text_w(&a->small, (int)strlen(now)),
              y, PV_C_DIM, now);
      /* the marks' texts, at their lines, stepping down so they do not overlap */
      for (unsigned k = 0; k < a->tl.nmarks; k++) {
         const char *text;
         int x = pv_timeline_mark_x(&a->tl, &s->tl, k, &text);
         if (x < 0)
            continue;
         int ty = s->tl.y + 2 + (int)(k % 4) * (a->small.height + 1);
         int adv = a->small.advance ? a->small.advance : 7;
         int len = (int)strlen(text);
         int right = (s->tl.x + s->tl.w - x - 3) / adv;
         if (right >= len || right >= 12)
            pv_text_n(&a->small, x + 3, ty, PV_C_ACCENT, text, right);
         else {                            /* no room on the right: end at the line */
            int left = (x - 3 - s->tl.x) / adv;
            int n = len < left ? len : left;
            if (n > 2)
               pv_text_n(&a->small, x - 3 - n * adv, ty, PV_C_ACCENT, text, n);
         }
      }
   }
   const char *g = "regions";
   pv_text(&a->small, s->gutter.x, y, PV_C_DIM, g);
}

/* ---- status bar ------------------------------------------------------ */

static void status_bar(struct pv_app *a)
{
   const struct pv_screen *s = &a->scr;
   const struct pv_model *m = &a->model;
   pv_fill(a->ren, &s->status, PV_C_BAR, 255);
   int y = s->status.y + (s->status.h - a->font.height) / 2;
   int x = 10;
   char st[128], b1[32], b2[32], b3[32], b4[32], buf[512];
   struct pv_rgb sc;
   pv_hud_state(a, st, sizeof st, &sc);
   x += pv_text(&a->font, x, y, sc, st) + a->font.advance * 3;
   if ((a->video && !a->video_fixed) || a->in.rec) {
      const char *rec = a->video && !a->video_fixed && a->in.rec ? "REC video+trace" : a->video && !a->video_fixed ? "REC video" : "REC trace";
      x += pv_text(&a->font, x, y, PV_C_WRITE, rec) + a->font.advance * 3;
   }
   unsigned shift = __atomic_load_n(&a->in.sample_shift, __ATOMIC_RELAXED);
   if (shift) {
      /* the viewer is behind: one access in 2^k updates the picture */
      char sb[48];
      snprintf(sb, sizeof sb, "sampling 1/%u", 1u << shift);
      x += pv_text(&a->font, x, y, PV_C_ACCENT, sb) + a->font.advance * 3;
   }
   pv_u64 dropped = m->dropped;
   if (a->in.attached && a->in.r.ctrl && a->in.r.ctrl->dropped > dropped)
      dropped = a->in.r.ctrl->dropped;
   char zb[32];
   pv_fmt_bytes(zb, sizeof zb, 1ull << a->view.cell_shift);
   if (a->pl)
      snprintf(buf, sizeof buf, "%s accesses   heap %s in %s blocks   %.0f fps   zoom %s/cell   "
               "half-life %g ms", pv_fmt_count(b2, sizeof b2, (double)m->n_access),
               pv_fmt_bytes(b3, sizeof b3, m->heap.live_bytes),
               pv_fmt_count(b4, sizeof b4, (double)m->heap.live_count), a->fps, zb,
               a->heat.half_life_ms);
   else
   snprintf(buf, sizeof buf, "%s acc/s%s   %s accesses   heap %s in %s blocks   dropped %s   "
            "%.0f fps   zoom %s/cell   half-life %g ms",
            pv_fmt_count(b1, sizeof b1, a->eps), a->t_end > 0 ? " (average)" : "",
            pv_fmt_count(b2, sizeof b2, (double)m->n_access),
            pv_fmt_bytes(b3, sizeof b3, m->heap.live_bytes),
            pv_fmt_count(b4, sizeof b4, (double)m->heap.live_count),
            pv_fmt_count(st, sizeof st, (double)dropped), a->fps, zb, a->heat.half_life_ms);
   const char *help = "h: help";
   int right = s->W - 10 - pv_text_w(&a->font, (int)strlen(help));
   if (a->toast[0] && a->t_frame < a->toast_until) {
      pv_text_n(&a->font, x, y, PV_C_ACCENT, a->toast, (right - x) / a->font.advance - 2);
   } else {
      pv_text_n(&a->font, x, y, PV_C_TEXT, buf, (right - x) / (a->font.advance ? a->font.advance : 8) - 2);
   }
   pv_text(&a->font, right, y, PV_C_DIM, help);
}

/* ---- hover card ------------------------------------------------------ */

int pv_hud_hover_card(struct pv_app *a, struct pv_card *c, int *row, int *col)
{
   pv_u64 addr, lo, hi;
   *row = *col = -1;
   if (!a->applied_ok)
      return 0;
   if (a->hover_forced) {
      addr = a->opts.hover_addr;
      int r, cl;
      if (pv_view_locate(&a->view, &a->lay_applied, addr, &r, &cl)) {
         *row = r;
         *col = cl;
      }
      lo = addr >> a->view.cell_shift << a->view.cell_shift;
      hi = lo + (1ull << a->view.cell_shift);
   } else {
      int r, cl;
      if (!a->mouse_in_map || !pv_screen_hit_map(&a->scr, a->mouse_x, a->mouse_y, &r, &cl))
         return 0;
      if (!pv_view_cell_range(&a->view, &a->lay_applied, r, cl, &lo, &hi))
         return 0;
      *row = r;
      *col = cl;
      addr = lo;
      /* in a big cell, point at the block or line that is there */
      const struct pv_block *b = NULL;
      for (pv_u64 x = lo; x < hi && !b; x += (hi - lo) / 16 ? (hi - lo) / 16 : 1)
         b = pv_heap_find(&a->model.heap, x);
      if (b && b->addr >= lo && b->addr < hi)
         addr = b->addr;
   }
   /* replay: ages in run time, the clock of the FREE records */
   pv_card_build(c, &a->model, addr, lo, hi, a->pl ? a->model.now : a->t_frame);
   return 1;
}

static struct pv_rgb style_color(int st)
{
   switch (st) {
   case PV_CS_TITLE:  return PV_C_TEXT;
   case PV_CS_DIM:    return PV_C_DIM;
   case PV_CS_ACCENT: return PV_C_ACCENT;
   case PV_CS_WARN:   return PV_C_FREED;
   default:           return PV_C_TEXT;
   }
}

static void hover(struct pv_app *a)
{
   struct pv_card c;
   int row, col;
   if (!pv_hud_hover_card(a, &c, &row, &col))
      return;
   const struct pv_screen *s = &a->scr;
   int ax, ay;
   if (row >= 0) {
      SDL_Rect cell = { pv_screen_col_x(s, col), pv_screen_row_y(s, row),
                        pv_screen_col_x(s, col + 1) - pv_screen_col_x(s, col), PV_ROW_PX };
      SDL_Rect hl = { cell.x - 1, cell.y - 1, cell.w + 2, cell.h + 2 };
      pv_frame(a->ren, &hl, PV_C_HOVER);
      ax = cell.x + cell.w;
      ay = cell.y + cell.h;
   } else {
      ax = s->map.x + 20;
      ay = s->map.y + 20;
   }
   int maxlen = 0;
   for (int i = 0; i < c.n; i++) {
      int l = (int)strlen(c.l[i].text);
      if (l > maxlen) maxlen = l;
   }
   struct pv_font *f = &a->small;
   int w = pv_text_w(f, maxlen) + 20, h = c.n * f->height + 14;
   int x = ax + 14, y = ay + 10;
   if (x + w > s->W - 4) x = ax - w - 24;
   if (x < 4) x = 4;
   if (y + h > s->H - 4) y = s->H - 4 - h;
   if (y < 4) y = 4;
   SDL_Rect box = { x, y, w, h };
   pv_fill(a->ren, &box, PV_C_CARD, 238);
   pv_frame(a->ren, &box, PV_C_GAP);
   for (int i = 0; i < c.n; i++)
      pv_text(i == 0 ? &a->font : f, x + 10, y + 7 + i * f->height - (i == 0 ? 2 : 0),
              style_color(c.l[i].style), c.l[i].text);
}

/* ---- help ------------------------------------------------------------ */

static void help(struct pv_app *a)
{
   static const char *replay_lines[] = {
      "Keys (replay of a trace file)",
      "",
      "h  F1            this help (any key closes it)",
      "q  Esc           close the viewer",
      "space            play / pause (at the end: from the start)",
      "r  R  Backspace  playback speed slower / faster / 1x (1/256x .. 64x)",
      "1  2  3  4       step 1 / 10 / 100 / 1000 events forward",
      "Shift+1 .. 4     the same backward",
      ".  ,             one event forward / backward",
      "Left Right       back / forward 1% of the run (Shift: 10%)",
      "m  M             jump to the next / previous pervert.h mark",
      "slider (bottom)  click or drag to go anywhere; ticks are the marks",
      "v                start / stop a video of the window (MP4, or APNG)",
      "f                follow mode: keep the busiest region in view",
      "+  -  0          zoom in / out / see everything (Ctrl+wheel: at the mouse)",
      "wheel  drag      scroll (also the scrollbar; Up Down PgUp PgDn Home End)",
      "[  ]             heat half-life shorter / longer",
      "<  >             timeline: time per column shorter / longer",
      "c                show / hide code regions",
      "s  F12           save a screenshot",
      "",
      "Time is the program's run time (its TIME records); heat decays with it.",
      "After a jump the heat is re-created from each line's last access.",
   };
   static const char *lines[] = {
      "Keys",
      "",
      "h  F1            this help (any key closes it)",
      "q  Esc           close the viewer (the program runs on, unwatched)",
      "space            pause / resume the program",
      "1  2  3  4       step 1 / 10 / 100 / 1000 accesses, then hold",
      "a  m             run to the next heap allocation / pervert.h mark, hold",
      "r                slow motion: 1M 100k 10k 1k 100 10 5 accesses/s, then full speed",
      "R  Backspace     full speed",
      "f                follow mode: keep the busiest region in view",
      "+  -             zoom in / out (bytes per cell x2, 1 B .. 4 KiB)",
      "Ctrl+wheel       zoom around the mouse",
      "0                zoom out to see everything",
      "wheel  drag      scroll (also the scrollbar)",
      "Up Down          scroll a few rows",
      "PgUp PgDn        scroll a page",
      "Home End         lowest / highest addresses",
      "[  ]             heat half-life shorter / longer",
      "<  >             timeline: time per column shorter / longer",
      "c                show / hide code regions",
      "s  F12           save a screenshot (PNG named after the program and time)",
      "p                sites panel: code sites, strides, reuse, source",
      "Tab n / S-Tab N  select the next / previous site (or click it; x: none)",
      "right click      select the site of the last access in that cell",
      "o  i  k  g       sites: sort (accesses/bytes/lines); filter thread, kind, region",
      "b                heap block card of the block under the mouse (or busiest)",
      "v                start / stop a video of the window (MP4 via ffmpeg, or APNG)",
      "t                start / stop recording the stream to a trace file (.pvt)",
      "",
      "Mouse over a cell: address, region, heap block with allocation stack,",
      "last access with code site and thread, read/write counts.",
      "",
      "Colours: reads green, writes red, both yellow, kernel (system calls) azure;",
      "allocated but untouched heap is dim violet.  Live heap blocks are outlined,",
      "freed blocks fade out in orange.  Heat halves every half-life.",
   };
   const char **L = (const char **)lines;
   int n = (int)(sizeof lines / sizeof lines[0]);
   if (a->pl) {
      L = (const char **)replay_lines;
      n = (int)(sizeof replay_lines / sizeof replay_lines[0]);
   }
   struct pv_font *f = &a->font;
   int maxlen = 0;
   for (int i = 0; i < n; i++)
      if ((int)strlen(L[i]) > maxlen)
         maxlen = (int)strlen(L[i]);
   int w = pv_text_w(f, maxlen) + 48, h = n * f->height + 40;
   SDL_Rect box = { (a->scr.W - w) / 2, (a->scr.H - h) / 2, w, h };
   SDL_Rect all = { 0, 0, a->scr.W, a->scr.H };
   pv_fill(a->ren, &all, PV_C_BG, 150);
   pv_fill(a->ren, &box, PV_C_CARD, 245);
   pv_frame(a->ren, &box, PV_C_ACCENT);
   for (int i = 0; i < n; i++)
      pv_text(i == 0 ? &a->big : f, box.x + 24, box.y + 20 + i * f->height,
              i == 0 ? PV_C_ACCENT : (L[i][0] && L[i][1] == ' ' ? PV_C_TEXT : PV_C_TEXT),
              L[i]);
}

void pv_hud_draw(struct pv_app *a)
{
   top_bar(a);
   captions(a);
   status_bar(a);
   hover(a);
   if (a->show_help)
      help(a);
}
