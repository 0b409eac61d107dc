/* app.h -- the viewer's whole state, shared by main.c (loop), input.c
 * (events), mapdraw.c (the map), hud.c (text overlays). */
#ifndef PV_VIEW_APP_H
#define PV_VIEW_APP_H

#include <pthread.h>
#include <SDL2/SDL.h>

#include "options.h"
#include "model.h"
#include "ingest.h"
#include "layout.h"
#include "view.h"
#include "remap.h"
#include "screen.h"
#include "heat.h"
#include "timeline.h"
#include "text.h"
#include "sites.h"
#include "sitepanel.h"

/* the ingest thread (pump.c) */
struct pv_pump {
   int             on;
   pthread_t       th;
   pthread_mutex_t mu;            /* the whole struct pv_app */
   pthread_cond_t  cv;
   int             want;          /* the main thread waits for the lock */
   int             stop;
   double          taken_at;      /* when the main thread took the lock */
   double          held_acc;      /* seconds it held it (--stats) */
   double          held_max;      /* ... the longest, since the last stats line */
   double          busy_from, busy_acc;   /* the window of in.busy, its work so far */
   int             tid;           /* the thread's id, once it runs */
};

struct pv_app {
   struct pv_opts   opts;
   struct pv_pump   pump;
   struct pv_model  model;
   struct pv_ingest in;
   struct pv_view   view;
   struct pv_layout lay;          /* current layout */
   struct pv_layout lay_applied;  /* the layout the textures and increments use */
   struct pv_geom   applied;      /* ... and their geometry */
   int              applied_ok;
   struct pv_plan   plan;
   pv_u32          *seed;         /* texels re-created for cells new in view */
   size_t           seed_n;
   struct pv_screen scr;

   SDL_Window      *win;
   SDL_Renderer    *ren;
   char             renderer_name[32];
   int              headless;
   struct pv_heat   heat;
   struct pv_timeline tl;
   SDL_Texture     *base;         /* untouched-allocation layer, cols x rows */
   pv_u32          *basebuf;
   int              base_w, base_h;
   double           base_next;
   /* outlines of the live blocks in view, as [addr, end) pairs: finding
      them walks the heap blocks in view (a million, zoomed out on a big
      heap), so it is redone only when the heap or the view changed, and
      never more often than keeps it under ~1/8 of the time */
   pv_u64          *ol;
   int              ol_n;
   unsigned         ol_heap_gen, ol_view_gen;
   double           ol_next;
   struct pv_font   font, small, big;
   struct pv_sites  sites;        /* per-site analysis (sites.c) */
   struct pv_panel  panel;        /* the sites panel (sitepanel.c) */

   /* input */
   int    mouse_x, mouse_y, mouse_in_map;
   int    dragging, drag_y0;
   long long drag_top0;
   int    sb_drag, sb_grab;
   int    show_help;
   int    shot_request;           /* save a screenshot of the next frame */
   int    resized;                /* the window changed size */
   int    hover_forced;           /* --hover */
   double goto_poll;              /* next look at --goto=@FILE */

   /* rates */
   double t_start, t_frame, fps, eps;
   double t_end;                  /* when the stream ended */
   double t_first;                /* when the first access came */
   double last_paint;             /* last frame with accesses in view */
   double sec_t0;
   int    sec_frames;
   pv_u64 sec_acc;
   double ingest_s, draw_s;       /* time spent in the last second */
   double ingest_acc, draw_acc;
   double last_draw;              /* seconds the last frame took to draw */
   int    may_sample;             /* --sample: sample accesses when behind */
   double sample_at, calm_since;  /* last change of in.sample_shift; ring calm since */
   double frame_gap;              /* time from one frame to the next, averaged (s) */
   double late_at;                /* when frames last came slower than --fps asks */
   unsigned pace;                 /* frames every PACE intervals of --fps (pump.c) */
   double pace_t0, pace_calm;     /* its window's start; time with few waits */
   pv_u64 pace_w0;                /* the tool's waited_ns at pace_t0 */
   pv_u64 frames;
   double last_frame_t, worst_frame;

   /* control channel (control.c): what the user asked for, posted when
    * the slot is free; the last posted command and whether its effect has
    * been seen */
   int    ctl_flow;               /* queued PAUSE, RESUME or a STEP (0: none) */
   pv_u64 ctl_flow_arg;
   int    ctl_rate_queued;        /* a RATE of ctl_rate waits to be posted */
   int    ctl_rate_i;             /* index in the rate list (0: full speed) */
   pv_u64 ctl_rate;               /* accesses/s wanted (0: full speed) */
   int    ctl_last;               /* the last flow command posted */
   pv_u64 ctl_last_arg;
   int    ctl_wait;               /* ... its effect not seen yet */
   pv_u64 ctl_acc0;               /* accesses when it was posted */
   int    ctl_rate_wait;          /* the last RATE posted, not taken yet */
   int    ctl_held;               /* the program is known held (all read) */

   /* replay (pervert-view FILE.pvt): the player, and the run time shown */
   struct pv_player *pl;
   double vclock;                 /* replay: run time in s that frame() uses */
   double t_clock;                /* clock at the last frame (decay step) */
   int    shoot_now;              /* replay, headless: grab this frame */

   /* video of the window (v key, --render) */
   struct pv_video *video;
   double video_t0;               /* wall clock of its first frame (live) */
   int    video_fixed;            /* --render: one video frame per frame drawn */
   char   video_path[512];
   int    video_request;          /* v pressed: start or stop */

   /* recording the stream to a trace file (t key, --record) */
   int    rec_request;
   char   rec_path[512];
   int    rec_failed_exit;        /* the recording failed: exit status 1 */
   int    rec_started;            /* --record-from: the recording began */
   int    rec_starting;           /* a recording is about to begin: the stage
                                     must not filter (pv_capture_record_start) */

   /* life */
   int    quit;
   int    detached;               /* ring let go (FINISHED or GONE) */
   int    shot_taken;
   SDL_Surface *shot;             /* headless: the frame grabbed, written at exit */
   char   toast[640];             /* a short message in the status bar */
   double toast_until;
};

struct pv_player;
struct pv_video;

/* main.c: one frame (heat, timeline, map, text, screenshot, video); 1 when
 * a headless run is done, 2 on a screenshot error */
int  pv_app_frame(struct pv_app *a);
void pv_app_screen_layout(struct pv_app *a);
void pv_app_handle_resize(struct pv_app *a);

#endif
