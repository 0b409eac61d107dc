/* pump.c -- the live viewer's ingest thread (see pump.h). */
#define _GNU_SOURCE
#include "pump.h"

#include <sys/prctl.h>
#include <time.h>

#include "app.h"
#include "cpushare.h"
#include "util.h"

/* The thread worked since T0: keep in.busy, its share of the time over
 * windows of 50 ms (pv_ingest_should_stage). */
static void busy(struct pv_app *a, double t0)
{
   struct pv_pump *p = &a->pump;
   double now = pv_now();
   p->busy_acc += now - t0;
   if (p->busy_from == 0)
      p->busy_from = t0;
   if (now - p->busy_from >= 0.05) {
      a->in.busy = p->busy_acc / (now - p->busy_from);
      p->busy_acc = 0;
      p->busy_from = now;
   }
}

/* Take the lock back.  The main thread may hold it for a frame (5 to 20
 * ms): meanwhile go on reading the ring into the ingest's stage (when
 * MAY_STAGE), so that a fast program (a 4 MiB ring holds about a
 * millisecond of it) does not wait for the frame.  Returns with the lock. */
static void relock(struct pv_app *a, int may_stage)
{
   struct pv_pump *p = &a->pump;
   if (!may_stage) {
      pthread_mutex_lock(&p->mu);
      return;
   }
   long nap_us = 20;
   for (;;) {
      /* want is cleared once the main thread has the lock: from then on
       * the lock is free again when it is done */
      if (!__atomic_load_n(&p->want, __ATOMIC_ACQUIRE) && pthread_mutex_trylock(&p->mu) == 0)
         return;
      if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
         pthread_mutex_lock(&p->mu);
         return;
      }
      double t = pv_now();
      if (a->may_sample)
         pv_pump_adjust_sampling(a, pv_ingest_fill(&a->in), t);   /* (a frame can be long) */
      if (pv_ingest_should_stage(&a->in) && pv_ingest_stage(&a->in, a->model.n_access)) {
         busy(a, t);
         nap_us = 20;
         continue;
      }
      struct timespec ts = { 0, nap_us * 1000L };
      nanosleep(&ts, NULL);
      nap_us = nap_us * 2 < 100 ? nap_us * 2 : 100;
   }
}

/* Sleep US microseconds without the lock.  (Taking it back with a plain
 * lock would wait out a frame that began meanwhile: xz -9 waited 3-4 ms
 * for room at nearly every frame that way.) */
static void nap(struct pv_app *a, long us)
{
   int may_stage = pv_ingest_may_stage(&a->in, a->model.n_access);
   pthread_mutex_unlock(&a->pump.mu);
   struct timespec ts = { 0, us * 1000L };
   nanosleep(&ts, NULL);
   relock(a, may_stage);
}

static void *run(void *arg)
{
   struct pv_app *a = arg;
   struct pv_pump *p = &a->pump;
   long nap_us = 50, idle_us = 0;
   __atomic_store_n(&p->tid, (int)pv_cpushare_tid(), __ATOMIC_RELEASE);
   prctl(PR_SET_NAME, "pv-ingest", 0, 0, 0);
   /* picked soon when it wakes up (not an error where the kernel cannot) */
   if (a->opts.yield_cpu)
      (void)pv_cpushare_short_slice(PV_INGEST_SLICE_US);
   pthread_mutex_lock(&p->mu);
   while (!p->stop) {
      if (__atomic_load_n(&p->want, __ATOMIC_ACQUIRE)) {
         /* the main thread's turn */
         if (pv_ingest_may_stage(&a->in, a->model.n_access)) {
            pthread_mutex_unlock(&p->mu);
            relock(a, 1);
         } else {
            pthread_cond_wait(&p->cv, &p->mu);
         }
         continue;
      }
      if (!a->in.attached || a->in.state != PV_IN_RUNNING
          || (a->in.access_limit && a->model.n_access >= a->in.access_limit)) {
         nap(a, 1000);
         continue;
      }
      double now = pv_now();
      if (a->may_sample)
         pv_pump_adjust_sampling(a, pv_ingest_fill(&a->in), now);
      a->model.now = now;
      a->model.now_ms = (pv_u32)((now - a->t_start) * 1000.0) + 1;
      /* a short slice, so that the main thread never waits long */
      pv_u64 got = pv_ingest_run(&a->in, &a->model, now + 0.0005);
      a->ingest_acc += pv_now() - now;
      busy(a, now);
      if (got) {
         nap_us = 50;
         idle_us = 0;
         continue;
      }
      /* the ring is empty: give its room back, then nap a little longer
       * each time it stays empty: 300 us at most for the first 50 ms (a
       * fast program fills a 4 MiB ring in 1-2 ms), then 1 ms */
      pv_ingest_publish_counts(&a->in, &a->model);
      if (a->in.attached)
         pv_reader_publish(&a->in.r);
      nap(a, nap_us);
      idle_us += nap_us;
      long cap = idle_us < 50000 ? 300 : 1000;
      nap_us = nap_us * 2 < cap ? nap_us * 2 : cap;
   }
   pthread_mutex_unlock(&p->mu);
   return NULL;
}

int pv_pump_start(struct pv_app *a)
{
   struct pv_pump *p = &a->pump;
   if (pthread_mutex_init(&p->mu, NULL) != 0)
      return -1;
   if (pthread_cond_init(&p->cv, NULL) != 0) {
      pthread_mutex_destroy(&p->mu);
      return -1;
   }
   p->stop = 0;
   p->want = 1;                       /* the main thread first */
   if (pthread_create(&p->th, NULL, run, a) != 0) {
      pthread_cond_destroy(&p->cv);
      pthread_mutex_destroy(&p->mu);
      return -1;
   }
   pthread_mutex_lock(&p->mu);
   __atomic_store_n(&p->want, 0, __ATOMIC_RELEASE);
   p->taken_at = pv_now();
   p->on = 1;
   return 0;
}

int pv_pump_tid(struct pv_app *a)
{
   /* it sets it before it does anything else: wait a little for it */
   for (int i = 0; a->pump.on && i < 1000; i++) {
      int t = __atomic_load_n(&a->pump.tid, __ATOMIC_ACQUIRE);
      if (t)
         return t;
      struct timespec ts = { 0, 100 * 1000L };
      nanosleep(&ts, NULL);
   }
   return 0;
}

void pv_pump_release(struct pv_app *a)
{
   struct pv_pump *p = &a->pump;
   if (!p->on)
      return;
   /* the model is the ingest thread's now: may it filter while staging
    * (nothing needs every byte)? */
   pv_ingest_allow_filter(&a->in, !a->in.rec && !a->rec_starting && !a->sites.sel
                                  && !a->sites.ncand && !a->sites.want);
   double held = pv_now() - p->taken_at;
   p->held_acc += held;
   if (held > p->held_max)
      p->held_max = held;
   pthread_cond_broadcast(&p->cv);
   pthread_mutex_unlock(&p->mu);
}

void pv_pump_take(struct pv_app *a)
{
   struct pv_pump *p = &a->pump;
   if (!p->on)
      return;
   __atomic_store_n(&p->want, 1, __ATOMIC_RELEASE);
   pthread_mutex_lock(&p->mu);
   __atomic_store_n(&p->want, 0, __ATOMIC_RELEASE);
   p->taken_at = pv_now();
}

void pv_pump_yield(struct pv_app *a)
{
   if (!a->pump.on || !a->in.attached || pv_ingest_fill(&a->in) < 0.25)
      return;
   pv_pump_release(a);
   struct timespec ts = { 0, 200 * 1000L };
   nanosleep(&ts, NULL);
   pv_pump_take(a);
}

void pv_pump_stop(struct pv_app *a)
{
   struct pv_pump *p = &a->pump;
   if (!p->on)
      return;
   p->stop = 1;
   pthread_cond_broadcast(&p->cv);
   pthread_mutex_unlock(&p->mu);
   pthread_join(p->th, NULL);
   pthread_cond_destroy(&p->cv);
   pthread_mutex_destroy(&p->mu);
   p->on = 0;
}

/* FILL is how full the ring was before the last ingest began: what the
 * program wrote while the viewer was drawing (or, with the pump, while it
 * was behind).  Over 3/4 (the program may have waited)?  Then update the
 * model from one access in 8, 16 ... 256 on average (each weighted to stand
 * for the others; every access is still counted) so that reading gets
 * cheaper; back towards every access once the ring has stayed nearly
 * empty for half a second.  (The fill after an ingest says little: the
 * ingest drains the ring before it stops.) */
void pv_pump_adjust_sampling(struct pv_app *a, double fill, double now)
{
   /* (the ingest thread's own, read by the main thread for the status) */
   unsigned k = a->in.sample_shift;
   double late_at;                     /* (the main thread writes it) */
   __atomic_load(&a->late_at, &late_at, __ATOMIC_RELAXED);
   int late = late_at > 0 && now - late_at < 2.0;
   if (fill > 0.75) {
      a->calm_since = 0;
      if (k < 8 && now - a->sample_at > 0.005) {
         /* start at 1/8: a full ring is far behind; two steps at a time
          * while the stage holds more than another half ring */
         k = k == 0 ? 3 : k + (fill > 1.5 && k < 7 ? 2 : 1);
         a->sample_at = now;
      }
   } else if (late && late_at > a->sample_at + 0.1 && k < 3) {
      /* frames come later than --fps asks: the drawing shares a core with
       * this thread (the program has the other), so read cheaper, down
       * to 1 in 8 for this; back once frames have been on time for 2 s */
      k++;
      a->sample_at = now;
      a->calm_since = 0;
   } else if (fill < 0.1) {
      if (a->calm_since == 0)
         a->calm_since = now;
      else if (k > 0 && now - a->calm_since > 0.5 && !late) {
         k--;
         a->sample_at = a->calm_since = now;
      }
   } else {
      a->calm_since = 0;
   }
   __atomic_store_n(&a->in.sample_shift, k, __ATOMIC_RELAXED);
}

/* Frames yield to the program.  The drawing (the main thread and
 * llvmpipe's threads) shares a core with the ingest thread while the
 * program has the other; a frame lasts 5 to 20 ms and a 4 MiB ring holds
 * a millisecond or two of a fast program, so a program at hundreds of
 * millions of records a second waits for room during frames.  The tool
 * says how long it has waited (waited_ns in the control page): when that
 * grew by more than 2 % of the last quarter of a second, draw every second
 * frame, then every fourth (never below 15 fps); back one step after a
 * second in which it waited less than 0.5 %.  Frames are what the viewer
 * can give up without changing what the program does or any count; not
 * while a video is being recorded (it wants every frame). */
unsigned pv_pump_frame_pace(struct pv_app *a, double now)
{
   unsigned max = a->opts.fps >= 60 ? 4 : a->opts.fps >= 30 ? 2 : 1;
   if (!a->pump.on || !a->in.attached || !a->in.r.ctrl || a->video || max == 1) {
      a->pace = 1;
      a->pace_t0 = 0;
      return 1;
   }
   pv_u64 w = __atomic_load_n(&a->in.r.ctrl->waited_ns, __ATOMIC_RELAXED);
   if (a->pace == 0)
      a->pace = 1;
   if (a->pace_t0 == 0 || w < a->pace_w0) {
      a->pace_t0 = now;
      a->pace_w0 = w;
      return a->pace;
   }
   double el = now - a->pace_t0;
   if (el < 0.25)
      return a->pace;
   double frac = (double)(w - a->pace_w0) * 1e-9 / el;
   a->pace_t0 = now;
   a->pace_w0 = w;
   if (frac > 0.02) {
      a->pace_calm = 0;
      if (a->pace < max) {
         a->pace *= 2;
         a->frame_gap = 0;             /* (late frames: against the new pace) */
      }
   } else if (frac < 0.005) {
      a->pace_calm += el;
      if (a->pace > 1 && a->pace_calm >= 1.0) {
         a->pace /= 2;
         a->pace_calm = 0;
         a->frame_gap = 0;
      }
   } else {
      a->pace_calm = 0;
   }
   return a->pace;
}
