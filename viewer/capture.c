/* capture.c -- video of the window and recording of the stream (see
 * capture.h). */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "prologue.h"
#include "pump.h"
#include "pv_trace.h"
#include "util.h"
#include "video.h"

/* a message in the status bar; headless runs print warnings and errors
 * (SECS >= 5) on stderr instead */
static void toast(struct pv_app *a, double secs, const char *fmt, const char *s1, const char *s2)
{
   snprintf(a->toast, sizeof a->toast, fmt, s1, s2);
   a->toast_until = a->t_frame + secs;
   if (a->headless && secs >= 5)
      fprintf(stderr, "pervert-view: %s\n", a->toast);
}

/* NAME-YYYYmmdd-HHMMSS.EXT, NAME the program's base name */
static void file_name(struct pv_app *a, char *buf, size_t n, const char *ext)
{
   char ts[32];
   time_t t = time(NULL);
   strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", localtime(&t));
   const char *base = a->model.prog[0] ? pv_basename(a->model.prog) : "pervert";
   snprintf(buf, n, "%s-%s.%s", base, ts, ext);
}

static void video_start(struct pv_app *a, double now)
{
   char err[600], note[600], path[512];
   if (!a->video_path[0] && a->opts.video)
      snprintf(a->video_path, sizeof a->video_path, "%s", a->opts.video);
   if (!a->video_path[0]) {
      file_name(a, path, sizeof path, pv_video_have_ffmpeg() ? "mp4" : "png");
      snprintf(a->video_path, sizeof a->video_path, "%s", path);
   }
   int w, h;
   SDL_GetRendererOutputSize(a->ren, &w, &h);
   int fps = a->video_fixed && a->opts.fps > 0 ? a->opts.fps : PV_VIDEO_FPS_DEFAULT;
   a->video = pv_video_open(a->video_path, w, h, fps, path, sizeof path, note, sizeof note,
                            err, sizeof err);
   if (!a->video) {
      toast(a, 5, "video: %s%s", err, "");
      a->video_path[0] = 0;
      return;
   }
   snprintf(a->video_path, sizeof a->video_path, "%s", path);
   a->video_t0 = now;
   if (note[0])
      toast(a, 5, "%s%s", note, "");
   else if (!a->video_fixed)
      toast(a, 3, "recording video to %s%s", a->video_path, "");
   if (a->opts.log_control && !a->video_fixed)
      fprintf(stderr, "pervert-view: video: recording to %s\n", a->video_path);
}

int pv_capture_video_stop(struct pv_app *a)
{
   if (!a->video)
      return 0;
   char err[600];
   long n = pv_video_frames(a->video);
   int rc = pv_video_close(a->video, err, sizeof err);
   a->video = NULL;
   if (rc != 0) {
      toast(a, 6, "video %.200s: %.400s", a->video_path, err);
      if (!a->headless)
         fprintf(stderr, "pervert-view: video %s: %s\n", a->video_path, err);
   } else if (!a->video_fixed) {
      char frames[32];
      snprintf(frames, sizeof frames, "%ld", n);
      toast(a, 4, "saved %s (%s frames)", a->video_path, frames);
      if (a->opts.log_control)
         fprintf(stderr, "pervert-view: video: saved %s, %ld frames\n", a->video_path, n);
   }
   a->video_path[0] = 0;
   return rc;
}

void pv_capture_frame(struct pv_app *a, double now)
{
   if (a->in.rec && a->in.rec_failed) {
      /* a write error: the recording ends now (said on stderr and in the
       * status bar); the viewer goes on showing, and exits with status 1 */
      pv_capture_record_stop(a, 0);
      a->rec_failed_exit = 1;
      snprintf(a->toast, sizeof a->toast, "recording stopped: cannot write to %.400s", a->rec_path);
      a->toast_until = a->t_frame + 8.0;
   }
   if (a->video_request) {
      a->video_request = 0;
      if (a->video)
         pv_capture_video_stop(a);
      else
         video_start(a, now);
   }
   if (!a->video)
      return;
   int copies = 1;
   if (!a->video_fixed) {
      /* fixed rate in wall time: repeat this frame for every video frame
       * that fell due since the last one, none if it is early */
      int fps = PV_VIDEO_FPS_DEFAULT;
      long due = (long)((now - a->video_t0) * fps) + 1;
      copies = (int)(due - pv_video_frames(a->video));
      if (copies > fps * 2)
         copies = fps * 2;           /* a long stall: do not write minutes of it */
   }
   char err[600];
   if (pv_video_frame(a->video, a->ren, copies, err, sizeof err) != 0) {
      toast(a, 6, "video: %s%s", err, "");
      pv_capture_video_stop(a);
   }
}

/* The stage may hold filtered spans (ingest.c), whose bytes are gone:
 * stop filtering and let the ingest thread take them into the model, so
 * that the prologue is the state just before the first byte recorded. */
static void settle_stage(struct pv_app *a)
{
   a->rec_starting = 1;
   pv_ingest_allow_filter(&a->in, 0);
   for (int i = 0; i < 2000 && a->pump.on && pv_ingest_filtered_pending(&a->in)
                   && a->in.state == PV_IN_RUNNING
                   && (!a->in.access_limit || a->model.n_access < a->in.access_limit); i++) {
      pv_pump_release(a);
      struct timespec ts = { 0, 500 * 1000L };
      nanosleep(&ts, NULL);
      pv_pump_take(a);
   }
   a->rec_starting = 0;
}

int pv_capture_record_start(struct pv_app *a, const char *path)
{
   char err[600], name[512];
   if (!path) {
      file_name(a, name, sizeof name, "pvt");
      path = name;
   }
   struct pv_trace_writer *w = pv_trace_create(path, err, sizeof err);
   if (!w) {
      toast(a, 6, "record: %s%s", err, "");
      if (!a->headless)
         fprintf(stderr, "pervert-view: %s\n", err);
      return -1;
   }
   snprintf(a->rec_path, sizeof a->rec_path, "%s", path);
   settle_stage(a);
   /* mid-run: first the state so far (mappings, heap, symbols) */
   int mid = a->model.have_info || a->model.n_access;
   if (mid && pv_prologue_write(w, &a->model) != 0) {
      snprintf(err, sizeof err, "cannot write to trace file %s: %s", path, strerror(errno));
      pv_trace_abandon(w);
      toast(a, 6, "record: %s%s", err, "");
      return -1;
   }
   a->in.rec = w;
   a->in.rec_failed = 0;
   toast(a, 3, mid ? "recording to %s (from now on, with the state so far)%s"
                   : "recording to %s%s", a->rec_path, "");
   return 0;
}

int pv_capture_record_stop(struct pv_app *a, unsigned flags)
{
   struct pv_trace_writer *w = a->in.rec;
   if (!w)
      return 0;
   a->in.rec = NULL;
   int rc = 0;
   if (a->in.rec_failed) {
      pv_trace_abandon(w);
      fprintf(stderr, "pervert-view: error: cannot write to trace file %s: %s\n", a->rec_path,
              strerror(a->in.rec_errno));
      rc = -1;
   } else if (pv_trace_finish(w, flags, 0) != 0) {
      fprintf(stderr, "pervert-view: error: cannot write to trace file %s: %s\n", a->rec_path,
              strerror(errno));
      rc = -1;
   } else {
      toast(a, 4, "saved %s%s", a->rec_path, "");
   }
   return rc;
}

void pv_capture_record_toggle(struct pv_app *a)
{
   if (a->in.rec)
      pv_capture_record_stop(a, 0);
   else if (!a->pl)
      pv_capture_record_start(a, NULL);
}
