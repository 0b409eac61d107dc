/* playback.c -- replay loops and headless checks (see playback.h). */
#include "playback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "capture.h"
#include "input.h"
#include "player.h"
#include "shot.h"
#include "snapshot.h"
#include "util.h"
#include "video.h"

static struct pv_player the_player;

int pv_playback_open(struct pv_app *a)
{
   char err[600];
   a->pl = &the_player;
   if (pv_replay_open(&a->pl->rp, a->opts.ring, a->opts.snap_budget, err, sizeof err) != 0) {
      fprintf(stderr, "pervert-view: %s\n", err);
      return 2;
   }
   a->model.now_ms = 1;
   pv_player_set_speed(a->pl, a->opts.speed);
   return 0;
}

/* Read the whole file; an error (not a cut-short file) ends the run. */
static int scan_all(struct pv_app *a)
{
   struct pv_replay *rp = &a->pl->rp;
   int st = pv_replay_scan(rp, 0);
   if (st == PV_SCAN_ERROR) {
      fprintf(stderr, "pervert-view: error: %s\n", rp->msg);
      return 1;
   }
   if (st == PV_SCAN_INCOMPLETE)
      fprintf(stderr, "pervert-view: warning: %s\n", rp->msg);
   a->model.sym = rp->scan.sym;
   return 0;
}

/* Seek the displayed model to the position text S. */
static int seek_pos(struct pv_app *a, const char *s)
{
   int unit;
   pv_u64 n;
   double sec;
   if (pv_opts_parse_pos(s, &unit, &n, &sec) != 0)
      return -1;
   struct pv_replay_stop st = { ~0ull, ~0ull, 0 };
   if (unit == PV_POS_EVENTS)
      st.event = n;
   else if (unit == PV_POS_SECONDS)
      st.time_ns = (pv_u64)(sec * 1e9 + 0.5);
   else
      st.accesses = n;
   if (pv_replay_seek(&a->pl->rp, &a->model, &st) != 0) {
      fprintf(stderr, "pervert-view: %s\n", a->pl->rp.play_err);
      return -1;
   }
   a->pl->vt_ns = unit == PV_POS_SECONDS ? sec * 1e9 : (double)a->model.time_ns;
   a->pl->jumped = 1;
   return 0;
}

static void print_hash(struct pv_app *a, const char *label)
{
   printf("%s event %llu accesses %llu time %llu hash %016llx\n", label,
          (unsigned long long)a->pl->rp.pos, (unsigned long long)a->model.n_access,
          (unsigned long long)a->model.time_ns,
          (unsigned long long)pv_model_hash(&a->model, PV_HASH_ALL));
}

static int seek_test(struct pv_app *a)
{
   struct pv_replay *rp = &a->pl->rp;
   int n = a->opts.seek_test;
   pv_u64 total = rp->scanned;
   pv_u64 *pos = malloc((size_t)n * sizeof *pos), *want = calloc((size_t)n, sizeof *want);
   int *order = malloc((size_t)n * sizeof *order);
   if (!pos || !want || !order) {
      fprintf(stderr, "pervert-view: out of memory\n");
      return 2;
   }
   /* positions: the start, the end, and pseudo-random ones, ascending */
   pv_u64 x = 0x2545F4914F6CDD1Dull;
   for (int i = 0; i < n; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      pos[i] = i == 0 ? 0 : i == 1 ? total : x % (total + 1);
   }
   for (int i = 1; i < n; i++)          /* insertion sort: n is small */
      for (int j = i; j > 0 && pos[j] < pos[j - 1]; j--) {
         pv_u64 t = pos[j]; pos[j] = pos[j - 1]; pos[j - 1] = t;
      }
   /* play from the start, no snapshots */
   struct pv_replay_stop st = { 0, ~0ull, 0 };
   if (pv_replay_seek(rp, &a->model, &st) != 0)
      goto fail;
   for (int i = 0; i < n; i++) {
      st.event = pos[i];
      if (pv_replay_feed(rp, &a->model, &st) < 0)
         goto fail;
      want[i] = pv_model_hash(&a->model, PV_HASH_ALL);
   }
   int bad = 0;
   if (pv_model_hash(&rp->scan, PV_HASH_ALL) != want[n - 1]) {
      printf("seek-test: MISMATCH: the scanner's model at the end differs from playing\n");
      bad++;
   }
   /* seek to them in a shuffled order */
   for (int i = 0; i < n; i++)
      order[i] = i;
   for (int i = n - 1; i > 0; i--) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      int j = (int)(x % (pv_u64)(i + 1)), t = order[i];
      order[i] = order[j];
      order[j] = t;
   }
   double worst = 0, sum = 0;
   for (int k = 0; k < n; k++) {
      int i = order[k];
      st.event = pos[i];
      double t = pv_now();
      if (pv_replay_seek(rp, &a->model, &st) != 0)
         goto fail;
      t = pv_now() - t;
      sum += t;
      if (t > worst)
         worst = t;
      pv_u64 h = pv_model_hash(&a->model, PV_HASH_ALL);
      if (h != want[i] || rp->pos != pos[i]) {
         printf("seek-test: MISMATCH at event %llu: seek %016llx, play %016llx\n",
                (unsigned long long)pos[i], (unsigned long long)h, (unsigned long long)want[i]);
         bad++;
      }
   }
   printf("seek-test: %d positions in %llu events (%zu snapshots, every %u chunks): %s\n", n,
          (unsigned long long)total, rp->nsnaps, rp->snap_every,
          bad ? "MISMATCHES" : "seeking gives the same model as playing");
   fprintf(stderr, "seek-test: seek time mean %.1f ms, worst %.1f ms; snapshots %.1f MB\n",
           sum / n * 1000, worst * 1000, rp->snap_bytes / 1048576.0);
   free(pos); free(want); free(order);
   return bad ? 1 : 0;
fail:
   fprintf(stderr, "pervert-view: %s\n", rp->play_err);
   return 1;
}

int pv_playback_checks(struct pv_app *a)
{
   if (!a->opts.hash_at && !a->opts.seek_test && !a->opts.list_marks)
      return -1;
   if (scan_all(a) != 0)
      return 1;
   if (a->opts.list_marks) {
      const struct pv_replay *rp = &a->pl->rp;
      for (size_t i = 0; i < rp->nmarks; i++)
         printf("mark %llu %llu %s\n", (unsigned long long)rp->marks[i].event,
                (unsigned long long)rp->marks[i].time_ns, rp->marks[i].text);
      if (!a->opts.hash_at && !a->opts.seek_test)
         return 0;
   }
   if (a->opts.seek_test)
      return seek_test(a);
   const char *q = a->opts.hash_at;
   char one[64];
   do {
      size_t l = strcspn(q, ",");
      snprintf(one, sizeof one, "%.*s", (int)(l < 63 ? l : 63), q);
      if (seek_pos(a, one) != 0)
         return 1;
      print_hash(a, one);
      q += l + (q[l] == ',');
   } while (*q);
   return 0;
}

/* after a jump: heat from the line counters, an empty timeline */
static void follow_jump(struct pv_app *a)
{
   if (!a->pl->jumped)
      return;
   a->pl->jumped = 0;
   a->applied_ok = 0;
   a->tl.t_next = 0;
   a->tl.nmarks = 0;                   /* marks are drawn from here on */
   a->tl.mark_seen = a->model.mark_seq;
   a->t_clock = 0;
}

static int screenshot(struct pv_app *a)
{
   if (scan_all(a) != 0)
      return 1;
   char pos[64];
   if (a->opts.after_is_time)
      snprintf(pos, sizeof pos, "%.9fs", a->opts.after_seconds);
   else if (a->opts.after_accesses)
      snprintf(pos, sizeof pos, "%llua", (unsigned long long)a->opts.after_accesses);
   else
      snprintf(pos, sizeof pos, "%llu", (unsigned long long)a->pl->rp.scanned);
   if (seek_pos(a, pos) != 0)
      return 1;
   follow_jump(a);
   a->vclock = a->pl->vt_ns / 1e9;
   a->shoot_now = 1;
   int done = pv_app_frame(a);
   if (a->opts.print_hash)
      printf("model-hash %016llx\n", (unsigned long long)pv_model_hash(&a->model, a->opts.print_hash));
   if (done == 2 || !a->shot)
      return 1;
   char err[1100];
   if (pv_shot_write(a->shot, a->opts.screenshot, err, sizeof err) != 0) {
      fprintf(stderr, "pervert-view: %s\n", err);
      return 1;
   }
   a->shot = NULL;
   return 0;
}

/* the run time at position text S (seeks there) */
static int time_of(struct pv_app *a, const char *s, double *t_ns)
{
   if (seek_pos(a, s) != 0)
      return -1;
   *t_ns = a->pl->vt_ns;
   return 0;
}

static int render(struct pv_app *a)
{
   if (scan_all(a) != 0)
      return 1;
   struct pv_player *p = a->pl;
   double t0 = 0, t1 = (double)p->rp.scan.time_ns;
   if (a->opts.to && time_of(a, a->opts.to, &t1) != 0)
      return 1;
   if (a->opts.from && time_of(a, a->opts.from, &t0) != 0)
      return 1;
   if (!a->opts.from && seek_pos(a, "0") != 0)
      return 1;
   if (t1 < t0) {
      fprintf(stderr, "pervert-view: --render: --to is before --from\n");
      return 2;
   }
   int fps = a->opts.fps_given && a->opts.fps > 0 ? a->opts.fps : PV_VIDEO_FPS_DEFAULT;
   a->opts.fps = fps;
   double speed = pv_player_speed(p) > 0 ? a->opts.speed : 1;
   /* frames: the clip's run time / speed, at fps; frame k shows the run
    * at t0 + k * speed / fps */
   long frames = (long)((t1 - t0) / 1e9 / speed * fps + 0.5);
   if (frames < 1)
      frames = 1;
   double step_ns = speed * 1e9 / fps;
   a->video_fixed = 1;
   p->playing = 1;                     /* the status bar says so */
   p->speed_shown = speed;
   snprintf(a->video_path, sizeof a->video_path, "%s", a->opts.render);
   a->video_request = 1;
   follow_jump(a);
   for (long k = 0; k < frames; k++) {
      double target = t0 + (double)k * step_ns;
      struct pv_replay_stop st = { ~0ull, (pv_u64)target, 0 };
      if (k > 0 && pv_replay_feed(&p->rp, &a->model, &st) < 0) {
         fprintf(stderr, "pervert-view: %s\n", p->rp.play_err);
         pv_capture_video_stop(a);
         return 1;
      }
      a->vclock = target / 1e9;
      p->vt_ns = target;
      pv_app_frame(a);
      if (!a->video)
         return 1;                     /* could not start or write (printed) */
   }
   long n = pv_video_frames(a->video);
   char path[512];
   snprintf(path, sizeof path, "%s", a->video_path);
   if (pv_capture_video_stop(a) != 0)
      return 1;
   printf("pervert-view: wrote %s: %ld frames at %d fps, %.3f s to %.3f s of run time\n", path,
          n, fps, t0 / 1e9, t1 / 1e9);
   return 0;
}

static int window(struct pv_app *a)
{
   struct pv_player *p = a->pl;
   pv_replay_scan(&p->rp, pv_now() + 0.05);
   if (p->rp.scan_state == PV_SCAN_ERROR && p->rp.scanned == 0) {
      fprintf(stderr, "pervert-view: error: %s\n", p->rp.msg);
      return 1;
   }
   p->playing = !a->opts.start_paused;
   pv_player_log_start(a);
   char title[700];
   snprintf(title, sizeof title, "pervert - replay of %s (%s)", pv_basename(a->opts.ring),
            p->rp.scan.cmdline[0] ? p->rp.scan.cmdline : "?");
   SDL_SetWindowTitle(a->win, title);
   double last = pv_now();
   double frame_s = a->opts.fps > 0 ? 1.0 / a->opts.fps : 0;
   while (!a->quit) {
      SDL_Event e;
      while (SDL_PollEvent(&e))
         if (!pv_player_mouse(a, &e))
            pv_input_event(a, &e);
      if (a->quit)
         break;
      if (a->resized)
         pv_app_handle_resize(a);
      double now = pv_now();
      pv_player_tick(a, now - last, 0.008);
      last = now;
      follow_jump(a);
      a->vclock = p->vt_ns / 1e9;
      pv_app_frame(a);
      double spent = pv_now() - now;
      if (frame_s > spent)
         SDL_Delay((Uint32)((frame_s - spent) * 1000));
   }
   pv_capture_video_stop(a);
   return 0;
}

int pv_playback_run(struct pv_app *a)
{
   a->t_start = pv_now();
   if (a->opts.screenshot)
      return screenshot(a);
   if (a->opts.render)
      return render(a);
   return window(a);
}
