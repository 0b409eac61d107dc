/* sitekeys.c -- the sites panel's keys and clicks, and follow mode for a
 * selected site (see sitepanel.h). */
#include "sitepanel.h"

#include <stdio.h>

#include "app.h"
#include "blockcard.h"

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
   pv_view_follow_range(v, &a->model, lo, hi);
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
   pv_panel_refresh(a, 1);
}

/* the user picked SITE (0: none): its own lines re-create the heat */
static void user_select(struct pv_app *a, pv_u32 site)
{
   pv_sites_user_select(&a->sites, site);
   pv_sites_backfill(&a->sites, &a->model);
   a->applied_ok = 0;                  /* heat and timeline start again */
   pv_panel_refresh(a, 1);
}

static void move_sel(struct pv_app *a, int d)
{
   struct pv_panel *p = &a->panel;
   pv_panel_refresh(a, 1);
   if (!p->n)
      return;
   int i = pv_panel_sel_index(a);
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
   case SDLK_n:
      move_sel(a, shift ? -1 : 1);
      return 1;
   case SDLK_k:
      a->sites.f_kind = (a->sites.f_kind + 1) % 4;
      snprintf(buf, sizeof buf, "sites: kind %s", pv_siteopts_kind_name(a->sites.f_kind));
      toast(a, buf);
      pv_panel_refresh(a, 1);
      return 1;
   case SDLK_x:
      user_select(a, 0);
      toast(a, "no site selected: every access lights the map");
      return 1;
   case SDLK_o:
      a->sites.sort = (a->sites.sort + 1) % 3;
      snprintf(buf, sizeof buf, "sites sorted by %s", pv_siteopts_sort_name(a->sites.sort));
      toast(a, buf);
      pv_panel_refresh(a, 1);
      return 1;
   case SDLK_i:                       /* thread id ('t' records a trace) */
      cycle_thread(a);
      if (a->sites.f_tid)
         snprintf(buf, sizeof buf, "sites: thread %u", a->sites.f_tid);
      else
         snprintf(buf, sizeof buf, "sites: all threads");
      toast(a, buf);
      pv_panel_refresh(a, 1);
      return 1;
   case SDLK_g:
      a->sites.f_region = (a->sites.f_region + 1) % PV_RF_COUNT;
      snprintf(buf, sizeof buf, "sites: region %s", pv_siteopts_region_name(a->sites.f_region));
      toast(a, buf);
      pv_panel_refresh(a, 1);
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
