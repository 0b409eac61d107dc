/* player.c -- replay controls and the time slider (see player.h). */
#include "player.h"
#include "draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "colors.h"
#include "util.h"

#define SLIDER_H 22

static const double speeds[] = { 1.0 / 256, 1.0 / 64, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2,
                                 1, 2, 4, 8, 16, 64 };
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))
#define SPEED_1X 6

double pv_player_speed(const struct pv_player *p)
{
   return speeds[p->speed_i];
}

void pv_player_set_speed(struct pv_player *p, double s)
{
   int best = SPEED_1X;
   for (int i = 0; i < NSPEEDS; i++)
      if (s > 0 && (best < 0 || __builtin_fabs(__builtin_log(speeds[i] / s))
                                  < __builtin_fabs(__builtin_log(speeds[best] / s))))
         best = i;
   p->speed_i = best;
}

void pv_player_layout(struct pv_app *a)
{
   struct pv_screen *s = &a->scr;
   int rows_off = (SLIDER_H + 8 + PV_ROW_PX - 1) / PV_ROW_PX;
   if (s->rows > rows_off + 8)
      s->rows -= rows_off;
   int h = s->rows * PV_ROW_PX;
   s->map.h = s->gutter.h = s->scroll.h = s->tl.h = h;
   a->pl->slider = (SDL_Rect){ 8, s->status.y - SLIDER_H - 4, s->W - 16, SLIDER_H };
}

/* --log-control: one stderr line per thing the player did (for tests) */
static void plog(const struct pv_app *a, const char *fmt, ...)
{
   if (!a->opts.log_control)
      return;
   va_list ap;
   va_start(ap, fmt);
   fputs("pervert-view: replay: ", stderr);
   vfprintf(stderr, fmt, ap);
   fputc('\n', stderr);
   va_end(ap);
}

void pv_player_log_start(const struct pv_app *a)
{
   const struct pv_player *p = a->pl;
   plog(a, "slider %d %d %d %d, %s", p->slider.x, p->slider.y, p->slider.w, p->slider.h,
        p->playing ? "playing" : "paused");
}

static void after_jump(struct pv_app *a)
{
   struct pv_player *p = a->pl;
   p->vt_ns = (double)a->model.time_ns;
   p->jumped = 1;
}

static void report(struct pv_app *a, const char *what)
{
   struct pv_player *p = a->pl;
   snprintf(p->err, sizeof p->err, "%s: %.500s", what, p->rp.play_err);
   snprintf(a->toast, sizeof a->toast, "%s", p->err);
   a->toast_until = a->t_frame + 6.0;
   p->playing = 0;
}

void pv_player_seek_event(struct pv_app *a, pv_u64 ev)
{
   struct pv_player *p = a->pl;
   struct pv_replay_stop st = { ev, ~0ull, 0 };
   if (ev > p->rp.scanned)
      st.event = p->rp.scanned;
   if (pv_replay_seek(&p->rp, &a->model, &st) != 0)
      report(a, "seek");
   after_jump(a);
   plog(a, "at event %llu, %llu accesses", (unsigned long long)p->rp.pos,
        (unsigned long long)a->model.n_access);
}

static void step(struct pv_app *a, long long n)
{
   struct pv_player *p = a->pl;
   p->playing = 0;
   if (n < 0) {
      pv_u64 back = (pv_u64)-n;
      pv_player_seek_event(a, p->rp.pos > back ? p->rp.pos - back : 0);
      return;
   }
   struct pv_replay_stop st = { p->rp.pos + (pv_u64)n, ~0ull, 0 };
   if (pv_replay_feed(&p->rp, &a->model, &st) < 0)
      report(a, "read");
   p->vt_ns = (double)a->model.time_ns;
   plog(a, "at event %llu, %llu accesses", (unsigned long long)p->rp.pos,
        (unsigned long long)a->model.n_access);
}

void pv_player_tick(struct pv_app *a, double wall_dt, double scan_budget_s)
{
   struct pv_player *p = a->pl;
   struct pv_replay *rp = &p->rp;
   if (rp->scan_state == PV_SCAN_RUNNING) {
      int before = rp->scan_state;
      pv_replay_scan(rp, scan_budget_s > 0 ? pv_now() + scan_budget_s : 0);
      if (before == PV_SCAN_RUNNING && rp->scan_state >= PV_SCAN_INCOMPLETE) {
         snprintf(a->toast, sizeof a->toast, "%s", rp->msg);
         a->toast_until = a->t_frame + 8.0;
      }
   }
   a->model.sym = rp->scan.sym;       /* symbols: the scanner's (a superset) */
   if (p->drag_pending) {
      p->drag_pending = 0;
      pv_player_seek_event(a, p->drag_to);
   }
   if (!p->playing)
      return;
   double target = p->vt_ns + wall_dt * pv_player_speed(p) * 1e9;
   struct pv_replay_stop st = { ~0ull, (pv_u64)target, 0 };
   if (pv_replay_feed(rp, &a->model, &st) < 0) {
      report(a, "read");
      return;
   }
   p->vt_ns = target;
   if (rp->pos >= rp->scanned && rp->scan_state != PV_SCAN_RUNNING) {
      p->playing = 0;                 /* the end */
      p->vt_ns = (double)a->model.time_ns;
      plog(a, "end at event %llu", (unsigned long long)rp->pos);
   } else if (rp->pos >= rp->scanned && p->vt_ns > (double)rp->scan.time_ns) {
      p->vt_ns = (double)rp->scan.time_ns;  /* wait for the scanner */
   }
}

/* ---- slider ---------------------------------------------------------- */

static int x_of(const struct pv_player *p, pv_u64 ev)
{
   pv_u64 n = p->rp.scanned ? p->rp.scanned : 1;
   return p->slider.x + (int)((double)ev / (double)n * (p->slider.w - 1));
}

static pv_u64 ev_of(const struct pv_player *p, int x)
{
   double f = (double)(x - p->slider.x) / (p->slider.w - 1);
   if (f < 0) f = 0;
   if (f > 1) f = 1;
   return (pv_u64)(f * (double)p->rp.scanned + 0.5);
}

static void fill(SDL_Renderer *r, int x, int y, int w, int h, struct pv_rgb c)
{
   SDL_Rect rc = { x, y, w, h };
   pv_fill(r, &rc, c, 255);
}

void pv_player_draw(struct pv_app *a)
{
   struct pv_player *p = a->pl;
   const SDL_Rect *s = &p->slider;
   SDL_Renderer *r = a->ren;
   int ty = s->y + s->h / 2 - 3;
   fill(r, s->x, ty, s->w, 6, PV_C_BAR);
   fill(r, s->x, ty, x_of(p, p->rp.pos) - s->x, 6, PV_C_ACCENT);
   for (size_t i = 0; i < p->rp.nmarks; i++)
      fill(r, x_of(p, p->rp.marks[i].event), s->y + 2, 2, s->h - 4, PV_C_FREED);
   int hx = x_of(p, p->rp.pos);
   fill(r, hx - 3, s->y, 7, s->h, PV_C_TEXT);
   if (p->rp.scan_state == PV_SCAN_RUNNING && p->rp.scan_r.size) {
      char buf[64];
      snprintf(buf, sizeof buf, "loading %.0f%%",
               100.0 * (double)p->rp.scan_bytes / (double)p->rp.scan_r.size);
      pv_text(&a->small, s->x + s->w - pv_text_w(&a->small, (int)strlen(buf)) - 4,
              s->y - a->small.height, PV_C_DIM, buf);
   }
}

void pv_player_status(const struct pv_app *a, char *buf, size_t n)
{
   const struct pv_player *p = a->pl;
   char b1[32], b2[32], sp[32];
   double s = p->speed_shown > 0 ? p->speed_shown : pv_player_speed(p);
   if (s >= 1)
      snprintf(sp, sizeof sp, "%gx", s);
   else
      snprintf(sp, sizeof sp, "%gx", s);
   const char *st = p->playing ? "playing" : (p->rp.pos >= p->rp.scanned
                                              && p->rp.scan_state != PV_SCAN_RUNNING ? "end" : "paused");
   snprintf(buf, n, "%s %s   event %s / %s   %.3f s / %.3f s", st, sp,
            pv_fmt_count(b1, sizeof b1, (double)p->rp.pos),
            pv_fmt_count(b2, sizeof b2, (double)p->rp.scanned), p->vt_ns / 1e9,
            (double)p->rp.scan.time_ns / 1e9);
}

/* ---- input ----------------------------------------------------------- */

static void toast(struct pv_app *a, const char *msg)
{
   snprintf(a->toast, sizeof a->toast, "%s", msg);
   a->toast_until = a->t_frame + 2.5;
}

static void jump_mark(struct pv_app *a, int fwd)
{
   struct pv_player *p = a->pl;
   pv_u64 cur = p->rp.pos;
   long i = fwd ? pv_replay_next_mark(&p->rp, cur) : pv_replay_prev_mark(&p->rp, cur ? cur - 1 : 0);
   if (i < 0) {
      toast(a, fwd ? "no mark after this point" : "no mark before this point");
      return;
   }
   p->playing = 0;
   plog(a, "mark '%s'", p->rp.marks[i].text);
   pv_player_seek_event(a, p->rp.marks[i].event + 1);    /* just after the MARK record */
   char buf[160];
   snprintf(buf, sizeof buf, "mark: %s", p->rp.marks[i].text);
   toast(a, buf);
}

int pv_player_key(struct pv_app *a, const SDL_KeyboardEvent *k)
{
   struct pv_player *p = a->pl;
   SDL_Keycode c = k->keysym.sym;
   int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
   pv_u64 n = p->rp.scanned;
   switch (c) {
   case SDLK_SPACE:
      if (!p->playing && p->rp.pos >= n && p->rp.scan_state != PV_SCAN_RUNNING)
         pv_player_seek_event(a, 0);            /* at the end: from the start */
      p->playing = !p->playing;
      plog(a, "%s at event %llu", p->playing ? "playing" : "paused",
           (unsigned long long)p->rp.pos);
      return 1;
   case SDLK_r:
      if (shift) {
         if (p->speed_i + 1 < NSPEEDS) p->speed_i++;
      } else if (p->speed_i > 0) {
         p->speed_i--;
      }
      plog(a, "speed %g", pv_player_speed(p));
      return 1;
   case SDLK_BACKSPACE:
      p->speed_i = SPEED_1X;
      plog(a, "speed %g", pv_player_speed(p));
      return 1;
   case SDLK_1: case SDLK_KP_1: step(a, shift ? -1 : 1); return 1;
   case SDLK_2: case SDLK_KP_2: step(a, shift ? -10 : 10); return 1;
   case SDLK_3: case SDLK_KP_3: step(a, shift ? -100 : 100); return 1;
   case SDLK_4: case SDLK_KP_4: step(a, shift ? -1000 : 1000); return 1;
   case SDLK_PERIOD:
      if (shift) return 0;                      /* '>' : timeline */
      step(a, 1);
      return 1;
   case SDLK_COMMA:
      if (shift) return 0;
      step(a, -1);
      return 1;
   case SDLK_LEFT:
   case SDLK_RIGHT: {
      pv_u64 d = n / (shift ? 10 : 100);
      if (d == 0) d = 1;
      pv_u64 to = c == SDLK_RIGHT ? p->rp.pos + d : (p->rp.pos > d ? p->rp.pos - d : 0);
      pv_player_seek_event(a, to);
      return 1;
   }
   case SDLK_m:
      jump_mark(a, !shift);
      return 1;
   default:
      return 0;
   }
}

int pv_player_mouse(struct pv_app *a, const SDL_Event *e)
{
   struct pv_player *p = a->pl;
   const SDL_Rect *s = &p->slider;
   switch (e->type) {
   case SDL_MOUSEBUTTONDOWN:
      if (e->button.button != SDL_BUTTON_LEFT || e->button.y < s->y - 4
          || e->button.y >= s->y + s->h + 4 || e->button.x < s->x - 4
          || e->button.x >= s->x + s->w + 4)
         return 0;
      p->dragging = 1;
      pv_player_seek_event(a, ev_of(p, e->button.x));
      return 1;
   case SDL_MOUSEMOTION:
      if (!p->dragging)
         return 0;
      p->drag_to = ev_of(p, e->motion.x);   /* seek once per frame */
      p->drag_pending = 1;
      return 1;
   case SDL_MOUSEBUTTONUP:
      if (!p->dragging)
         return 0;
      p->dragging = 0;
      return 1;
   default:
      return 0;
   }
}
