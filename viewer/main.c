/* main.c -- pervert-view: options, SDL setup, and the main loop.
 *
 * Each turn of the loop: handle input; drain the ring into the model until
 * the frame is due (longer when the ring is filling up: the producer must
 * never wait for the viewer) -- in a window the ingest thread of pump.c
 * does the draining, also while the frame is presented, and the loop just
 * waits; then one frame: decay and add heat, feed the
 * timeline, let follow mode move the view, follow view/layout changes with
 * the textures, draw map + timeline + text, take a screenshot if one is due,
 * present.  Headless (--screenshot) runs the same loop on SDL's offscreen
 * (or dummy) video driver and exits after the screenshot. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <SDL2/SDL_ttf.h>

#include "app.h"
#include "cpushare.h"
#include "control.h"
#include "hud.h"
#include "input.h"
#include "mapdraw.h"
#include "player.h"
#include "pump.h"
#include "playback.h"
#include "snapshot.h"
#include "capture.h"
#include "seed.h"
#include "shot.h"
#include "util.h"

#define TL_PX_PER_COLUMN 2

static int video_init(struct pv_app *a, char *err, size_t n)
{
   const char *drv = getenv("SDL_VIDEODRIVER");
   int chose = 0;
   if (a->opts.software)
      SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
   if (a->headless) {
      if (!drv || !*drv) {
         setenv("SDL_VIDEODRIVER", "offscreen", 1);
         chose = 1;
      }
   } else if ((!drv || !*drv) && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
      snprintf(err, n, "DISPLAY is not set");
      return -1;
   }
   if (SDL_Init(SDL_INIT_VIDEO) != 0) {
      if (!chose) {
         snprintf(err, n, "%s", SDL_GetError());
         return -1;
      }
      setenv("SDL_VIDEODRIVER", "dummy", 1);
      if (SDL_Init(SDL_INIT_VIDEO) != 0) {
         snprintf(err, n, "%s", SDL_GetError());
         return -1;
      }
   }
   char title[300];
   snprintf(title, sizeof title, "pervert");
   Uint32 flags = a->headless ? SDL_WINDOW_HIDDEN : SDL_WINDOW_RESIZABLE;
   a->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                             a->opts.width, a->opts.height, flags);
   if (!a->win) {
      snprintf(err, n, "%s", SDL_GetError());
      return -1;
   }
   a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_TARGETTEXTURE);
   if (!a->ren && !a->opts.software) {
      SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
      a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_TARGETTEXTURE);
   }
   if (!a->ren) {
      snprintf(err, n, "%s", SDL_GetError());
      return -1;
   }
   SDL_RendererInfo info;
   if (SDL_GetRendererInfo(a->ren, &info) == 0)
      snprintf(a->renderer_name, sizeof a->renderer_name, "%s", info.name);
   return 0;
}

static void fonts_open(struct pv_app *a)
{
   int h = a->scr.H ? a->scr.H : a->opts.height;
   int px = h / 58;
   if (px < 12) px = 12;
   if (px > 22) px = 22;
   const char *path = pv_font_default_path();
   pv_font_close(&a->font);
   pv_font_close(&a->small);
   pv_font_close(&a->big);
   if (pv_font_open(&a->font, a->ren, path, px) != 0)
      fprintf(stderr, "pervert-view: cannot open the font %s (%s): no text\n", path, TTF_GetError());
   pv_font_open(&a->small, a->ren, path, px * 7 / 8 > 11 ? px * 7 / 8 : 11);
   char bold[512];
   snprintf(bold, sizeof bold, "%s", path);
   char *dot = strstr(bold, ".ttf");
   if (dot && (size_t)(dot - bold) + 10 < sizeof bold) {
      strcpy(dot, "-Bold.ttf");
      if (access(bold, R_OK) != 0)
         snprintf(bold, sizeof bold, "%s", path);
   }
   pv_font_open(&a->big, a->ren, bold, px * 5 / 4);
}

void pv_app_screen_layout(struct pv_app *a)
{
   int w, h;
   SDL_GetRendererOutputSize(a->ren, &w, &h);
   pv_screen_layout(&a->scr, w - pv_panel_width(a, w), h, a->view.cols ? a->view.cols : a->opts.cols,
                    a->font.height ? a->font.height : 16, a->font.advance ? a->font.advance : 8,
                    a->small.height ? a->small.height : 14);
   pv_panel_place(a, w, h);
   if (a->pl)
      pv_player_layout(a);
}

static int tl_columns(const struct pv_app *a)
{
   int c = a->scr.tl.w / TL_PX_PER_COLUMN;
   return c > 1 ? c : 1;
}

/* Make the textures and the model's increments follow the view. */
static void apply_view(struct pv_app *a)
{
   struct pv_geom g = { a->view.cell_shift, a->view.cols, a->view.top, a->view.rows };
   int same = a->applied_ok && g.cell_shift == a->applied.cell_shift
              && g.cols == a->applied.cols && g.top == a->applied.top
              && g.rows == a->applied.rows
              && a->lay.regions_gen == a->lay_applied.regions_gen
              && a->lay.row_shift == a->lay_applied.row_shift
              && a->lay.hide_code == a->lay_applied.hide_code;
   if (same)
      return;
   int exact = 0;
   if (a->applied_ok) {
      pv_remap_plan(&a->plan, &a->lay_applied, &a->applied, &a->lay, &g);
      pv_timeline_remap(&a->tl, &a->plan, g.rows);
      /* same zoom: move the heat exactly; else start from the line counters */
      exact = g.cell_shift == a->applied.cell_shift;
      pv_heat_remap(&a->heat, exact ? &a->plan : NULL, (int)g.cols, g.rows);
   } else {
      pv_heat_resize(&a->heat, (int)g.cols, g.rows);
      pv_timeline_resize(&a->tl, tl_columns(a), g.rows);
   }
   /* cells that were not in view: heat from the line counters */
   size_t n = (size_t)g.cols * g.rows;
   if (n > a->seed_n) {
      free(a->seed);
      a->seed = malloc(n * sizeof *a->seed);
      a->seed_n = a->seed ? n : 0;
   }
   if (a->seed) {
      pv_seed_heat(&a->model, &a->lay, &g, exact ? &a->plan : NULL, a->model.now_ms,
                   a->heat.half_life_ms, a->seed);
      pv_heat_add_texels(&a->heat, a->seed);
   }
   pv_model_set_view(&a->model, &a->lay, g.cell_shift, g.cols, g.top, g.rows);
   pv_layout_copy(&a->lay_applied, &a->lay);
   a->applied = g;
   a->applied_ok = 1;
}

static void update_layout(struct pv_app *a)
{
   int rs = pv_view_row_shift(&a->view);
   if (a->lay.regions_gen != a->model.regions.gen || a->lay.row_shift != rs
       || a->lay.hide_code != a->view.hide_code || (a->lay.n == 0 && a->model.regions.n))
      pv_layout_build(&a->lay, &a->model.regions, rs, a->view.hide_code);
}

void pv_app_handle_resize(struct pv_app *a)
{
   a->resized = 0;
   int old_tl = a->scr.tl.w;
   fonts_open(a);
   pv_app_screen_layout(a);
   a->view.rows = a->scr.rows;
   if (a->scr.tl.w != old_tl && a->applied_ok)
      pv_timeline_resize(&a->tl, tl_columns(a), a->applied.rows);
}

/* --probe=@FILE, --hover=@FILE: the program wrote its addresses there */
static void read_addr_files(struct pv_app *a)
{
   if (a->opts.probe_file) {
      int n = pv_opts_read_addrs(a->opts.probe_file, a->opts.probes, PV_MAX_PROBES);
      if (n < 0)
         fprintf(stderr, "pervert-view: cannot read %s\n", a->opts.probe_file);
      a->opts.nprobes = n > 0 ? n : 0;
   }
   if (a->opts.hover_file) {
      pv_u64 h;
      if (pv_opts_read_addrs(a->opts.hover_file, &h, 1) == 1)
         a->opts.hover_addr = h;
      else
         fprintf(stderr, "pervert-view: no address in %s\n", a->opts.hover_file);
   }
}

static void print_probes(struct pv_app *a)
{
   const struct pv_screen *s = &a->scr;
   printf("geometry map %d %d %d %d rows %d cols %u cell %llu timeline %d %d %d %d renderer %s heat %s\n",
          s->map.x, s->map.y, s->map.w, s->map.h, a->applied.rows, a->applied.cols,
          1ull << a->applied.cell_shift, s->tl.x, s->tl.y, s->tl.w, s->tl.h,
          a->renderer_name, a->heat.gpu ? "gpu" : "cpu");
   for (int i = 0; i < a->opts.nprobes; i++) {
      int row, col;
      pv_u64 ad = a->opts.probes[i];
      if (pv_view_locate(&a->view, &a->lay_applied, ad, &row, &col)) {
         int x0 = pv_screen_col_x(s, col), x1 = pv_screen_col_x(s, col + 1);
         printf("probe 0x%llx %d %d %d %d\n", (unsigned long long)ad, x0, pv_screen_row_y(s, row),
                x1 - x0, PV_ROW_PX);
      } else {
         printf("probe 0x%llx offscreen\n", (unsigned long long)ad);
      }
   }
   if (a->opts.have_hover) {
      struct pv_card c;
      int row, col;
      if (pv_hud_hover_card(a, &c, &row, &col))
         for (int i = 0; i < c.n; i++)
            printf("hover: %s\n", c.l[i].text);
   }
   fflush(stdout);
}

/* What the tool says the program has waited for room so far. */
static double waited_ms(const struct pv_app *a)
{
   if (!a->in.attached || !a->in.r.ctrl)
      return 0;
   return (double)__atomic_load_n(&a->in.r.ctrl->waited_ns, __ATOMIC_RELAXED) / 1e6;
}

static void rates(struct pv_app *a, double now)
{
   if (a->last_frame_t > 0 && now - a->last_frame_t > a->worst_frame)
      a->worst_frame = now - a->last_frame_t;
   a->last_frame_t = now;
   a->sec_frames++;
   if (a->sec_t0 == 0) {
      a->sec_t0 = now;
      a->sec_acc = a->model.n_access;
      return;
   }
   double el = now - a->sec_t0;
   if (a->in.state != PV_IN_RUNNING && a->t_end == 0)
      a->t_end = now;
   if (el < (a->frames < 120 ? 0.1 : 1.0))
      return;                         /* quick first estimates, then per second */
   a->fps = a->sec_frames / el;
   a->eps = (double)(a->model.n_access - a->sec_acc) / el;
   if (a->t_end > 0) {                /* the program is over: its average */
      double t0 = a->t_first > 0 ? a->t_first : a->t_start;
      a->eps = a->t_end > t0 ? (double)a->model.n_access / (a->t_end - t0) : 0;
   }
   if (a->opts.stats) {
      fprintf(stderr, "pervert-view: %.1f fps (worst frame %.0f ms)  %.2f M acc/s  ring %.0f%%  "
              "ingest %.0f%%  draw %.0f%%  sampling 1/%u  analysis 1/%u  frames 1/%u  "
              "program waited %.0f ms  [%s %s, %dx%d]",
              a->fps, a->worst_frame * 1000, a->eps / 1e6, pv_ingest_fill(&a->in) * 100,
              a->ingest_acc / el * 100, a->draw_acc / el * 100,
              1u << __atomic_load_n(&a->in.sample_shift, __ATOMIC_RELAXED),
              1u << a->sites.shed, a->pace, waited_ms(a), a->renderer_name,
              a->heat.gpu ? "gpu heat" : "cpu heat", a->scr.W, a->scr.H);
      if (a->pump.on)                 /* the ring is not read while the main thread holds it */
         fprintf(stderr, "  main thread held the lock %.0f%% (longest %.0f ms)",
                 a->pump.held_acc / el * 100, a->pump.held_max * 1000);
      fputc('\n', stderr);
      a->pump.held_acc = a->pump.held_max = 0;
   a->worst_frame = 0;
   }
   a->ingest_s = a->ingest_acc;
   a->draw_s = a->draw_acc;
   a->ingest_acc = a->draw_acc = 0;
   a->sec_frames = 0;
   a->sec_t0 = now;
   a->sec_acc = a->model.n_access;
}

static void detach(struct pv_app *a)
{
   if (a->detached || !a->in.attached)
      return;
   pv_ingest_publish_counts(&a->in, &a->model);
   int finished = a->in.state == PV_IN_ENDED && a->model.exited;
   /* the trace file is complete before the tool hears from us */
   if (a->in.rec && pv_capture_record_stop(a, (a->model.exited ? PV_TRACE_F_EXIT : 0)
                                             | (a->model.execed ? PV_TRACE_F_EXEC : 0)) != 0)
      a->rec_failed_exit = 1;
   pv_reader_detach(&a->in.r, finished ? PV_CONS_FINISHED : PV_CONS_GONE);
   a->in.attached = 0;
   a->detached = 1;
}

/* The single-threaded loop's ingest: read the ring into the model until
 * DUE (FILL0: how full it was when this turn began). */
static void ingest_until(struct pv_app *a, double due, double fill0)
{
   for (;;) {
      a->model.now = pv_now();
      a->model.now_ms = (pv_u32)((a->model.now - a->t_start) * 1000.0) + 1;
      pv_u64 got = pv_ingest_run(&a->in, &a->model, due);
      double t = pv_now();
      if (t >= due || a->in.state != PV_IN_RUNNING || !a->in.attached)
         break;
      if (a->in.access_limit && a->model.n_access >= a->in.access_limit)
         break;
      if (got == 0) {
         /* nothing there: nap, but not past the frame */
         if (due - t > 0.0015)
            pv_reader_wait(&a->in.r, 1);
         else
            break;
      }
   }
   /* behind?  spend more time ingesting, less drawing: at least 3 (ring
    * half full) or 6 (three quarters) times as long as the last frame
    * took to draw, so that a frame that is slow to draw (a million heap
    * blocks in view) cannot hold the program back; at most half a
    * second, so that the window still answers */
   double fill = a->in.attached && a->in.state == PV_IN_RUNNING ? pv_ingest_fill(&a->in) : 0;
   if (fill > 0.5) {
      double span = fill > 0.75 ? 0.13 : 0.06;
      double by_draw = a->last_draw * (fill > 0.75 ? 6 : 3);
      if (by_draw > span)
         span = by_draw > 0.5 ? 0.5 : by_draw;
      double until = pv_now() + span;
      while (pv_ingest_fill(&a->in) > 0.2 && pv_now() < until
             && !(a->in.access_limit && a->model.n_access >= a->in.access_limit)) {
         a->model.now = pv_now();
         a->model.now_ms = (pv_u32)((a->model.now - a->t_start) * 1000.0) + 1;
         if (pv_ingest_run(&a->in, &a->model, until) == 0)
            break;
      }
   }
   if (a->may_sample && a->in.attached && a->in.state == PV_IN_RUNNING)
      pv_pump_adjust_sampling(a, fill0, pv_now());
}

/* Draw one frame; returns 1 when a headless run is done. */
int pv_app_frame(struct pv_app *a)
{
   double now = pv_now();
   /* the clock of heat, timeline and follow mode: the viewer's, or in a
    * replay the run time being shown */
   double clock = a->pl ? a->vclock : now;
   double dt = a->t_clock > 0 && clock > a->t_clock ? clock - a->t_clock : 0;
   a->t_clock = clock;
   if (a->t_frame > 0) {
      double gap = now - a->t_frame;
      a->frame_gap = a->frame_gap > 0 ? 0.9 * a->frame_gap + 0.1 * gap : gap;
      if (a->opts.fps > 0 && a->frame_gap > 1.03 * a->pace / a->opts.fps)
         __atomic_store(&a->late_at, &now, __ATOMIC_RELAXED);   /* (pv_pump_adjust_sampling) */
   }
   a->t_frame = now;
   int ended = a->pl ? 0 : a->in.state != PV_IN_RUNNING;
   if (ended && a->t_end == 0) {
      a->t_end = now;
      double t0 = a->t_first > 0 ? a->t_first : a->t_start;
      a->eps = a->t_end > t0 ? (double)a->model.n_access / (a->t_end - t0) : 0;
   }

   /* heat: the time that passed, then this frame's accesses */
   if (a->model.inc_min <= a->model.inc_max)
      a->last_paint = now;
   pv_pump_release(a);                 /* the decay pass reads no model */
   pv_heat_decay(&a->heat, dt * 1000.0);
   pv_pump_take(a);
   pv_sites_take_inc(&a->sites, &a->model);   /* a selected site: its accesses alone */
   pv_heat_add(&a->heat, &a->model);
   pv_timeline_accumulate(&a->tl, &a->model);
   pv_model_clear_inc(&a->model);
   a->tl.frozen = ended;
   pv_timeline_tick(&a->tl, clock);

   /* headless: is the screenshot due? */
   int shoot = 0;
   if (a->pl) {
      shoot = a->shoot_now && !a->shot_taken;
   } else if (a->headless && !a->shot_taken) {
      if (ended)
         shoot = 1;
      else if (a->opts.after_accesses && a->model.n_access >= a->opts.after_accesses)
         shoot = 1;
      else if (a->opts.after_is_time && now - a->t_start >= a->opts.after_seconds)
         shoot = 1;
   }

   /* --goto=@FILE: go there once the program has written the address */
   if (a->opts.goto_file && now >= a->goto_poll) {
      pv_u64 g;
      a->goto_poll = now + 0.05;
      if (pv_opts_read_addrs(a->opts.goto_file, &g, 1) == 1) {
         pv_view_goto(&a->view, g);
         a->opts.goto_file = NULL;
      }
   }

   /* where to look (for the screenshot: decide on the latest activity now;
    * the heat of a new place is re-created from the line counters) */
   if (shoot) {
      /* follow mode decides on the heat as it is now (the heat of a new
       * place is re-created from the line counters) */
      a->view.next_follow = 0;
      read_addr_files(a);
      pv_sites_resolve(&a->sites, &a->model);   /* --select-site=NAME or #RANK: now */
      if ((a->sites.want && !a->sites.ncand) || a->sites.want_rank)
         fprintf(stderr, "pervert-view: no site matches --select-site=%s\n", a->opts.site.select);
   }
   if (!pv_panel_follow(a, clock))            /* a selected site: follow it */
      pv_view_follow_tick(&a->view, &a->model, clock, a->heat.half_life_ms);
   update_layout(a);
   pv_view_settle(&a->view, &a->lay);
   apply_view(a);

   SDL_SetRenderTarget(a->ren, NULL);
   SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(a->ren, PV_C_BG.r, PV_C_BG.g, PV_C_BG.b, 255);
   SDL_RenderClear(a->ren);
   if (a->applied_ok && a->scr.tl.w > 0)
      pv_timeline_draw(&a->tl, &a->scr.tl);
   if (shoot)
      pv_mapdraw_base(a, 1);          /* the untouched layer exactly as it is now */
   pv_mapdraw(a);
   pv_panel_draw(a);
   if (a->pl)
      pv_player_draw(a);
   pv_hud_draw(a);

   int done = 0;
   if (shoot) {
      char err[256];
      if (a->opts.nprobes || a->opts.have_hover || a->opts.probe_file)
         print_probes(a);
      if (a->opts.site.dump)
         pv_panel_dump(a, stdout);
      if (a->opts.site.block)
         pv_panel_dump_block(a, stdout);
      fflush(stdout);
      /* grab now; main writes it, then lets go of the ring */
      a->shot = pv_shot_grab(a->ren, err, sizeof err);
      if (!a->shot) {
         fprintf(stderr, "pervert-view: %s\n", err);
         done = 2;
      } else {
         done = 1;
      }
      a->shot_taken = 1;
   }
   if (a->shot_request) {
      char name[300], err[256];
      a->shot_request = 0;
      pv_shot_name(name, sizeof name, a->model.prog);
      SDL_Surface *sf = pv_shot_grab(a->ren, err, sizeof err);
      if (sf) {
         pv_shot_write_async(sf, name);
         snprintf(a->toast, sizeof a->toast, "saving %s ...", name);
      } else {
         snprintf(a->toast, sizeof a->toast, "screenshot failed: %s", err);
      }
      a->toast_until = now + 3.0;
   }
   {
      char msg[sizeof a->toast];
      if (pv_shot_poll(msg, sizeof msg)) {
         snprintf(a->toast, sizeof a->toast, "%s", msg);
         a->toast_until = now + 4.0;
      }
   }
   pv_capture_frame(a, now);
   pv_pump_release(a);                 /* llvmpipe rasterises: read meanwhile */
   SDL_RenderPresent(a->ren);
   pv_pump_take(a);
   a->frames++;
   rates(a, pv_now());
   return done;
}

static void sites_span(void *ctx, struct pv_model *m, const pv_u8 *p, size_t n, pv_u64 pos,
                       pv_u64 data_size)
{
   struct pv_app *a = ctx;
   pv_sites_span_others(&a->sites, m, p, n, pos, data_size, pv_ingest_fill(&a->in),
                        a->in.other_overflow ? NULL : a->in.other, a->in.n_other,
                        a->in.span_filtered);
}

static void set_title(struct pv_app *a)
{
   static int done;
   if (done || !a->model.have_info || a->headless)
      return;
   char t[600];
   snprintf(t, sizeof t, "pervert - %s", a->model.cmdline);
   SDL_SetWindowTitle(a->win, t);
   done = 1;
}

/* The run's clock starts now (the model's time: 1 ms). */
static void start_clock(struct pv_app *a)
{
   a->t_start = pv_now();
   a->model.now = a->t_start;
   a->model.now_ms = 1;
}

/* Attach to the ring (and keep off the program's CPU, and start the
 * recording, before a record is read).  0, or the exit status. */
static int attach_ring(struct pv_app *a)
{
   char err[512];
   if (pv_reader_attach(&a->in.r, a->opts.ring, err, sizeof err) != 0) {
      fprintf(stderr, "pervert-view: %s\n", err);
      return 2;
   }
   a->in.attached = 1;
   if (a->opts.yield_cpu) {
      int cpu = pv_cpushare_leave_cpu_of((pid_t)a->in.r.ctrl->producer_pid);
      if (a->opts.stats && cpu >= 0)
         fprintf(stderr, "pervert-view: threads kept off CPU %d, where the program runs\n", cpu);
   }
   if (a->opts.record && !a->opts.record_from
       && pv_capture_record_start(a, a->opts.record) != 0) {
      detach(a);
      return 2;
   }
   return 0;
}

/* Start the ingest thread (the main thread then holds the lock); with
 * --yield-cpu, every other thread below it (cpushare.h). */
static void start_pump(struct pv_app *a)
{
   if (pv_pump_start(a) != 0) {
      fprintf(stderr, "pervert-view: warning: no ingest thread; reading between frames\n");
      return;
   }
   int pump_tid = a->opts.yield_cpu ? pv_pump_tid(a) : 0;
   if (pump_tid > 0) {
      int idle = a->opts.yield_cpu == 2;
      int n = pv_cpushare_lower_others(pump_tid, PV_DRAW_NICE, idle);
      if (a->opts.stats && n > 0)
         fprintf(stderr, "pervert-view: %d threads at nice +%d%s, the ingest thread not\n", n,
                 PV_DRAW_NICE, idle ? " in SCHED_IDLE" : "");
   }
}

int main(int argc, char **argv)
{
   static struct pv_app app;
   struct pv_app *a = &app;
   char err[512];
   int rc = pv_opts_parse(&a->opts, argc, argv, err, sizeof err);
   if (rc == 1)
      return 0;
   if (rc < 0) {
      fprintf(stderr, "pervert-view: %s\n", err);
      return 2;
   }
   signal(SIGPIPE, SIG_IGN);
   if (pv_model_init(&a->model) != 0) {
      fprintf(stderr, "pervert-view: out of memory\n");
      return 2;
   }
   if (pv_sites_init(&a->sites, &a->opts.site) != 0) {
      fprintf(stderr, "pervert-view: out of memory\n");
      return 2;
   }
   a->in.on_span = sites_span;
   a->in.on_span_ctx = a;
   a->panel.open = a->opts.site.panel;
   a->panel.block_what = a->opts.site.block;
   a->in.access_limit = a->opts.after_accesses;
   if (a->opts.record_from && (!a->in.access_limit || a->opts.record_from < a->in.access_limit))
      a->in.access_limit = a->opts.record_from;   /* stop there to start recording */
   a->headless = a->opts.screenshot != NULL || a->opts.render != NULL;
   /* sampling when behind: in a window by default; headless pictures are
    * for tests and documentation, exact unless asked */
   a->may_sample = a->opts.sample == 1 || (a->opts.sample == -1 && !a->headless);
   if (a->opts.replay) {
      a->in.access_limit = 0;
      int st = pv_playback_open(a);
      if (st != 0)
         return st;
      st = pv_playback_checks(a);
      if (st >= 0)
         return st;
   }
   a->pace = 1;                       /* every frame (pv_pump_frame_pace) */
   a->hover_forced = a->opts.have_hover;
   a->show_help = a->opts.show_help;

   /* A live window (or --sample=yes) attaches first and its ingest thread
    * reads the ring while SDL starts: opening a window with OpenGL takes
    * 50-60 ms, and the program used to wait for it.  Headless pictures
    * keep the exact order: the window first, then the ring (the program
    * waits meanwhile; their ingest stops at the same record every time). */
   int early = a->may_sample && !a->opts.replay;
   if (early) {
      int st = attach_ring(a);
      if (st != 0)
         return st;
      start_clock(a);
      start_pump(a);
      pv_pump_release(a);              /* SDL's start touches no model */
   }
   char verr[512];
   int video = video_init(a, verr, sizeof verr);
   if (early && video != 0)
      pv_pump_take(a);
   if (video == 0) {
      TTF_Init();
      IMG_Init(IMG_INIT_PNG);
      a->scr.H = a->opts.height;
      fonts_open(a);
      int force_cpu = a->opts.software || strcmp(a->renderer_name, "software") == 0;
      pv_heat_init(&a->heat, a->ren, force_cpu, a->opts.half_life_ms);
      pv_timeline_init(&a->tl, a->ren, a->opts.slice_ms);
      pv_app_screen_layout(a);
      pv_view_init(&a->view, a->opts.cols, a->opts.zoom_shift, a->scr.rows);
      if (a->opts.have_goto)
         pv_view_goto(&a->view, a->opts.goto_addr);
      if (a->opts.no_follow)
         a->view.follow = 0;
      pv_layout_init(&a->lay);
      pv_layout_init(&a->lay_applied);
      if (early) {
         pv_pump_take(a);             /* the model from here on */
      } else {
         start_clock(a);
      }
      update_layout(a);
      apply_view(a);
      /* draw once with every operation the frames use: llvmpipe compiles
       * its shaders on first use, which takes tens of milliseconds */
      for (int i = 0; i < PV_HEAT_SUB_EVERY; i++)
         pv_heat_decay_step(&a->heat, 255);
      if (a->seed) {
         memset(a->seed, 0, a->seed_n * sizeof *a->seed);
         pv_heat_add_texels(&a->heat, a->seed);
      }
      pv_app_frame(a);
      a->frames = 0;
      a->t_frame = 0;
      a->t_clock = 0;
      a->sec_t0 = 0;
   }
   if (a->opts.replay) {
      if (video != 0) {
         fprintf(stderr, "pervert-view: no display (%s): use --screenshot=FILE or --render=FILE "
                 "for headless use\n", verr);
         return 1;
      }
      int st = pv_playback_run(a);
      fflush(stdout);
      return st;
   }
   if (!early) {
      int st = attach_ring(a);
      if (st != 0)
         return st;
   }
   if (video != 0) {
      pv_pump_stop(a);
      fprintf(stderr, "pervert-view: no display (%s): run with --screenshot=FILE for headless use\n",
              verr);
      detach(a);
      return 1;
   }
   if (!early) {
      start_clock(a);
   }
   update_layout(a);
   apply_view(a);
   double frame_s = a->opts.fps > 0 ? 1.0 / a->opts.fps : 0.0;
   double next_frame = a->t_start;
   int done = 0;
   while (!a->quit && !done) {
      double t0 = pv_now();
      double fill0 = a->in.attached && a->in.state == PV_IN_RUNNING ? pv_ingest_fill(&a->in) : 0;
      SDL_Event e;
      while (SDL_PollEvent(&e))
         pv_input_event(a, &e);
      if (a->quit)
         break;
      if (a->resized)
         pv_app_handle_resize(a);

      /* ingest until the frame is due; later when the ring filled up while
       * the last frame was drawn (the program may have waited): at least 3
       * (half full) or 6 (three quarters) times as long as the last frame
       * took to draw, at most half a second so that the window still
       * answers */
      double due = frame_s > 0 ? next_frame : t0 + 0.004;
      if (fill0 > 0.5) {
         double span = a->last_draw * (fill0 > 0.75 ? 6 : 3);
         if (span > 0.5)
            span = 0.5;
         if (t0 + span > due)
            due = t0 + span;
      }
      if (due < t0)
         due = t0 + 0.002;
      if (a->pump.on) {
         /* the pump reads the ring meanwhile */
         pv_pump_release(a);
         double t = pv_now();
         if (due > t) {
            struct timespec ts = { (time_t)(due - t), (long)((due - t - (double)(time_t)(due - t)) * 1e9) };
            nanosleep(&ts, NULL);
         }
         pv_pump_take(a);
      } else {
         ingest_until(a, due, fill0);
      }
      pv_ingest_publish_counts(&a->in, &a->model);
      if (a->opts.record_from && !a->rec_started && a->model.n_access >= a->opts.record_from) {
         a->rec_started = 1;          /* --record-from=N: from here on */
         a->in.access_limit = a->opts.after_accesses;
         if (pv_capture_record_start(a, a->opts.record) != 0)
            a->rec_failed_exit = 1;
      }
      double t1 = pv_now();
      if (a->t_first == 0 && a->model.n_access)
         a->t_first = t1;
      if (!a->pump.on)
         a->ingest_acc += t1 - t0;
      set_title(a);
      pv_control_tick(a);
      if (a->in.state == PV_IN_CORRUPT && !a->detached) {
         fprintf(stderr, "pervert-view: %s\n", a->in.error);
         detach(a);
      }
      if (a->in.state == PV_IN_ENDED && !a->detached && !a->headless)
         detach(a);

      done = pv_app_frame(a);
      a->last_draw = pv_now() - t1;
      a->draw_acc += a->last_draw;
      if (frame_s > 0) {
         double now = pv_now();
         next_frame += frame_s * pv_pump_frame_pace(a, now);
         if (next_frame < now - frame_s)
            next_frame = now;          /* fell behind: do not try to catch up */
      }
      if (!a->headless && a->detached && frame_s > 0) {
         /* the program is over: idle politely until the user quits */
         double now = pv_now();
         if (next_frame > now)
            SDL_Delay((Uint32)((next_frame - now) * 1000));
      }
   }
   pv_pump_stop(a);
   /* the file is complete before the tool hears from us: it (and a script
    * waiting for valgrind) may exit as soon as we let go */
   if (a->opts.print_hash) {
      printf("model-hash %016llx\n", (unsigned long long)pv_model_hash(&a->model, a->opts.print_hash));
      fflush(stdout);
   }
   if (a->shot) {
      char err[1100];
      if (pv_shot_write(a->shot, a->opts.screenshot, err, sizeof err) != 0) {
         fprintf(stderr, "pervert-view: %s\n", err);
         done = 2;
      }
      a->shot = NULL;
   }
   detach(a);
   pv_ingest_free_stage(&a->in);
   pv_capture_video_stop(a);
   if (a->rec_failed_exit)
      done = 2;
   if (a->opts.stats) {
      fprintf(stderr, "pervert-view: %llu frames, %llu accesses (%llu sampled, %llu not "
              "analysed, %llu blocks not analysed), %llu live heap blocks, %llu records "
              "bytes %llu\n",
              (unsigned long long)a->frames, (unsigned long long)a->model.n_access,
              (unsigned long long)a->model.n_sampled, (unsigned long long)a->sites.skipped,
              (unsigned long long)a->sites.shed_blocks,
              (unsigned long long)a->model.heap.live_count,
              (unsigned long long)(a->in.bytes / 16), (unsigned long long)a->in.bytes);
      if (a->in.staged_total)
         fprintf(stderr, "pervert-view: %llu bytes read while the model was busy with a frame"
                 " (%llu of them filtered)\n", (unsigned long long)a->in.staged_total,
                 (unsigned long long)a->in.filtered_total);
   }
   pv_heat_destroy(&a->heat);
   pv_timeline_destroy(&a->tl);
   pv_sites_free(&a->sites);
   pv_font_close(&a->font);
   pv_font_close(&a->small);
   pv_font_close(&a->big);
   SDL_DestroyRenderer(a->ren);
   SDL_DestroyWindow(a->win);
   IMG_Quit();
   TTF_Quit();
   SDL_Quit();
   return done == 2 ? 1 : 0;
}
