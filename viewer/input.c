/* input.c -- keyboard and mouse handling (see input.h). */
#include "input.h"

#include <stdio.h>

#include "capture.h"
#include "control.h"
#include "player.h"
#include "mapdraw.h"
#include "shot.h"
#include "util.h"

static void toast(struct pv_app *a, const char *msg)
{
   snprintf(a->toast, sizeof a->toast, "%s", msg);
   a->toast_until = a->t_frame + 3.0;
}

static void zoom_at_row(struct pv_app *a, int dz, int row)
{
   if (row < 0) row = 0;
   if (row >= a->view.rows) row = a->view.rows - 1;
   pv_u64 addr = pv_view_addr_at_row(&a->view, &a->lay, row);
   pv_view_zoom(&a->view, dz, addr, row);
}

/* Zoom around the row under the mouse when it is over the map, else the middle. */
static int anchor_row(const struct pv_app *a)
{
   if (a->mouse_in_map)
      return (a->mouse_y - a->scr.map.y) / PV_ROW_PX;
   return a->view.rows / 2;
}

void pv_input_fit_all(struct pv_app *a)
{
   const struct pv_layout *L = &a->lay;
   int s;
   for (s = 0; s < PV_MAX_CELL_SHIFT; s++) {
      int rs = a->view.col_shift + s;
      long long rows = 0;
      for (unsigned i = 0; i < L->n; i++)
         rows += (long long)(((L->s[i].end - 1) >> rs) - (L->s[i].start >> rs)) + 1 + PV_GAP_ROWS;
      if (rows <= a->view.rows)
         break;
   }
   a->view.cell_shift = s;
   a->view.autozoom = 0;
   a->view.follow = 0;
   a->view.top = 0;
   a->view.anchor_pending = 0;
}

static void set_half_life(struct pv_app *a, double ms)
{
   if (ms < 16) ms = 16;
   if (ms > 60000) ms = 60000;
   a->heat.half_life_ms = ms;
   char buf[64];
   snprintf(buf, sizeof buf, "heat half-life %g ms", ms);
   toast(a, buf);
}

static void set_slice(struct pv_app *a, double s)
{
   if (s < 0.005) s = 0.005;
   if (s > 60) s = 60;
   a->tl.slice_s = s;
   char buf[64];
   snprintf(buf, sizeof buf, "timeline: %g ms per column", s * 1000);
   toast(a, buf);
}

static void key(struct pv_app *a, const SDL_KeyboardEvent *k)
{
   SDL_Keycode c = k->keysym.sym;
   int shift = (k->keysym.mod & KMOD_SHIFT) != 0;
   if (a->show_help) {
      a->show_help = 0;
      if (c == SDLK_h || c == SDLK_F1 || c == SDLK_ESCAPE)
         return;
   }
   if (pv_panel_key(a, c, shift))
      return;
   int page = a->view.rows > 8 ? a->view.rows - 4 : 1;
   if (a->pl && pv_player_key(a, k))
      return;                          /* replay: play, steps, slider, marks */
   switch (c) {
   case SDLK_v:
      a->video_request = 1;
      break;
   case SDLK_t:
      if (a->pl)
         toast(a, "this is a replay: the trace file is already recorded");
      else
         pv_capture_record_toggle(a);
      break;
   case SDLK_q:
   case SDLK_ESCAPE:
      a->quit = 1;
      break;
   case SDLK_h:
   case SDLK_F1:
      a->show_help = 1;
      break;
   case SDLK_f:
      pv_view_set_follow(&a->view, !a->view.follow);
      toast(a, a->view.follow ? "follow mode on" : "follow mode off");
      break;
   case SDLK_PLUS:
   case SDLK_KP_PLUS:
   case SDLK_EQUALS:
      zoom_at_row(a, -1, anchor_row(a));
      break;
   case SDLK_MINUS:
   case SDLK_KP_MINUS:
      zoom_at_row(a, +1, anchor_row(a));
      break;
   case SDLK_0:
   case SDLK_KP_0:
      pv_input_fit_all(a);
      break;
   case SDLK_UP:      pv_view_scroll(&a->view, -4); break;
   case SDLK_DOWN:    pv_view_scroll(&a->view, 4); break;
   case SDLK_PAGEUP:  pv_view_scroll(&a->view, -page); break;
   case SDLK_PAGEDOWN: pv_view_scroll(&a->view, page); break;
   case SDLK_HOME:    pv_view_scroll_to(&a->view, 0); break;
   case SDLK_END:     pv_view_scroll_to(&a->view, a->lay.total_rows); break;
   case SDLK_LEFTBRACKET:  set_half_life(a, a->heat.half_life_ms / 2); break;
   case SDLK_RIGHTBRACKET: set_half_life(a, a->heat.half_life_ms * 2); break;
   case SDLK_LESS:
      set_slice(a, a->tl.slice_s / 2);
      break;
   case SDLK_GREATER:
      set_slice(a, a->tl.slice_s * 2);
      break;
   case SDLK_COMMA:
      if (shift) set_slice(a, a->tl.slice_s / 2);
      break;
   case SDLK_PERIOD:
      if (shift) set_slice(a, a->tl.slice_s * 2);
      break;
   case SDLK_c:
      a->view.hide_code = !a->view.hide_code;
      toast(a, a->view.hide_code ? "code regions hidden" : "code regions shown");
      break;
   case SDLK_s:
   case SDLK_F12:
      a->shot_request = 1;
      break;
   case SDLK_SPACE:
      pv_control_toggle(a);
      break;
   case SDLK_1: case SDLK_KP_1: pv_control_step(a, PV_CMD_STEP, 1); break;
   case SDLK_2: case SDLK_KP_2: pv_control_step(a, PV_CMD_STEP, 10); break;
   case SDLK_3: case SDLK_KP_3: pv_control_step(a, PV_CMD_STEP, 100); break;
   case SDLK_4: case SDLK_KP_4: pv_control_step(a, PV_CMD_STEP, 1000); break;
   case SDLK_a:
      pv_control_step(a, PV_CMD_STEP_ALLOC, 0);
      break;
   case SDLK_m:
      pv_control_step(a, PV_CMD_STEP_MARK, 0);
      break;
   case SDLK_r:
      if (shift)
         pv_control_full_speed(a);
      else
         pv_control_slower(a);
      break;
   case SDLK_BACKSPACE:
      pv_control_full_speed(a);
      break;
   default:
      break;
   }
}

static void scrollbar_to(struct pv_app *a, int mouse_y)
{
   SDL_Rect th;
   pv_mapdraw_scrollbar_thumb(a, &th);
   long long total = a->lay.total_rows;
   int track = a->scr.scroll.h - th.h;
   if (track <= 0 || total <= a->view.rows)
      return;
   double f = (double)(mouse_y - a->sb_grab - a->scr.scroll.y) / track;
   if (f < 0) f = 0;
   if (f > 1) f = 1;
   pv_view_scroll_to(&a->view, (long long)(f * (double)(total - a->view.rows)));
}

static int in_rect(const SDL_Rect *r, int x, int y)
{
   return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

void pv_input_event(struct pv_app *a, const SDL_Event *e)
{
   switch (e->type) {
   case SDL_QUIT:
      a->quit = 1;
      break;
   case SDL_WINDOWEVENT:
      if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
         a->resized = 1;
      else if (e->window.event == SDL_WINDOWEVENT_LEAVE)
         a->mouse_in_map = 0;
      break;
   case SDL_KEYDOWN:
      key(a, &e->key);
      break;
   case SDL_MOUSEWHEEL: {
      int dy = e->wheel.y;
      if (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
         dy = -dy;
      if (dy == 0)
         break;
      if (SDL_GetModState() & KMOD_CTRL) {
         int row = (a->mouse_y - a->scr.map.y) / PV_ROW_PX;
         zoom_at_row(a, dy > 0 ? -1 : +1, row);
      } else {
         int step = a->view.rows / 12 > 3 ? a->view.rows / 12 : 3;
         pv_view_scroll(&a->view, -(long long)dy * step);
      }
      break;
   }
   case SDL_MOUSEBUTTONDOWN:
      if (e->button.button == SDL_BUTTON_RIGHT)
         pv_panel_pick_at(a, e->button.x, e->button.y);
      if (e->button.button != SDL_BUTTON_LEFT)
         break;
      if (a->show_help) {
         a->show_help = 0;
         break;
      }
      if (pv_panel_click(a, e->button.x, e->button.y))
         break;
      if (in_rect(&a->scr.scroll, e->button.x, e->button.y)
          || (e->button.x >= a->scr.scroll.x - 3 && e->button.x < a->scr.scroll.x + a->scr.scroll.w + 3
              && e->button.y >= a->scr.scroll.y && e->button.y < a->scr.scroll.y + a->scr.scroll.h)) {
         SDL_Rect th;
         pv_mapdraw_scrollbar_thumb(a, &th);
         if (e->button.y >= th.y && e->button.y < th.y + th.h) {
            a->sb_drag = 1;
            a->sb_grab = e->button.y - th.y;
         } else {
            int page = a->view.rows > 8 ? a->view.rows - 4 : 1;
            pv_view_scroll(&a->view, e->button.y < th.y ? -page : page);
         }
      } else if (in_rect(&a->scr.map, e->button.x, e->button.y)
                 || in_rect(&a->scr.tl, e->button.x, e->button.y)) {
         a->dragging = 1;
         a->drag_y0 = e->button.y;
         a->drag_top0 = a->view.top;
      }
      break;
   case SDL_MOUSEBUTTONUP:
      if (e->button.button == SDL_BUTTON_LEFT) {
         a->dragging = 0;
         a->sb_drag = 0;
      }
      break;
   case SDL_MOUSEMOTION:
      a->mouse_x = e->motion.x;
      a->mouse_y = e->motion.y;
      a->mouse_in_map = in_rect(&a->scr.map, a->mouse_x, a->mouse_y);
      if (a->dragging) {
         long long rows = (long long)(a->drag_y0 - e->motion.y) / PV_ROW_PX;
         pv_view_scroll_to(&a->view, a->drag_top0 + rows);
      } else if (a->sb_drag) {
         scrollbar_to(a, e->motion.y);
      }
      break;
   default:
      break;
   }
}
