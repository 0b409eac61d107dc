/* test_pump.c -- unit tests of how the live viewer shares the CPU with the
 * program (pump.c, cpushare.c):
 *   - frame pacing: frames every 2nd, then 4th interval while the tool's
 *     waited_ns grows, back after calm seconds (time passed in, no clock);
 *   - the ingest thread, napping on an empty ring when the main thread
 *     takes the model for a frame, stages the ring meanwhile instead of
 *     waiting for the frame to end (it used to block on the lock);
 *   - the threads' priorities and CPU mask.
 * Prints one line per failed check; exit status 0 when all passed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "capture.h"
#include "cpushare.h"
#include "pump.h"
#include "util.h"

#include "check.h"
#include "testring.h"

static struct pv_app app;

static void sleep_ms(int ms)
{
   struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
   nanosleep(&ts, NULL);
}

/* ---- frame pacing ------------------------------------------------------ */

/* Frames at FPS for SECS seconds from *T while the program waits FRAC of
 * the time; returns the last pace. */
static unsigned frames(struct pv_app *a, struct pv_ctrl *c, double *t, double secs, double frac)
{
   unsigned pace = 1;
   double step = 1.0 / a->opts.fps;
   for (double end = *t + secs; *t < end; *t += step) {
      c->waited_ns += (pv_u64)(frac * step * 1e9);
      pace = pv_pump_frame_pace(a, *t);
   }
   return pace;
}

static void test_pace(void)
{
   static struct pv_ctrl c;
   struct pv_app *a = &app;
   memset(a, 0, sizeof *a);
   a->opts.fps = 60;
   a->pump.on = 1;
   a->in.attached = 1;
   a->in.r.ctrl = &c;
   double t = 100;
   check(frames(a, &c, &t, 2, 0) == 1, "no waits: every frame");
   check(frames(a, &c, &t, 0.6, 0.05) >= 2, "waits 5 %%: fewer frames (%u)", a->pace);
   check(frames(a, &c, &t, 2, 0.05) == 4, "still waiting: every 4th, never below 15 fps (%u)",
         a->pace);
   check(frames(a, &c, &t, 1, 0.01) == 4, "waits 1 %%: no change (%u)", a->pace);
   /* windows of a quarter of a second: the first calm second ends 1 to
    * 1.5 s in, the second 2 to 2.5 s in */
   check(frames(a, &c, &t, 1.6, 0) == 2, "a calm second: one step back (%u)", a->pace);
   check(frames(a, &c, &t, 1.5, 0) == 1, "another: every frame (%u)", a->pace);
   a->opts.fps = 30;
   check(frames(a, &c, &t, 2, 0.5) == 2, "at 30 fps: every 2nd frame at most (%u)", a->pace);
   a->opts.fps = 20;
   check(frames(a, &c, &t, 2, 0.5) == 1, "at 20 fps: every frame (%u)", a->pace);
   a->opts.fps = 60;
   frames(a, &c, &t, 1, 0.5);
   a->video = (struct pv_video *)&c;            /* (only compared with NULL) */
   check(frames(a, &c, &t, 0.1, 0.5) == 1, "recording a video: every frame (%u)", a->pace);
   a->video = NULL;
   a->pump.on = 0;
   check(frames(a, &c, &t, 1, 0.5) == 1, "no ingest thread: every frame (%u)", a->pace);
}

/* ---- staging while the main thread draws -------------------------------- */

/* The app with a ring G and its ingest thread started (the model sampling
 * 1 in 2^SHIFT); 0 when the thread cannot start. */
static int start_app(struct ring *g, unsigned shift)
{
   struct pv_app *a = &app;
   memset(a, 0, sizeof *a);
   ring_reader(g, &a->in);
   pv_model_init(&a->model);
   a->opts.fps = 60;
   a->headless = 1;
   a->in.sample_shift = shift;                  /* (no may_sample: it stays) */
   check(pv_pump_start(a) == 0, "the ingest thread starts");
   return a->pump.on;
}

/* The program writes stores until its stream reaches UPTO bytes; N counts
 * them.  Returns the new N. */
static int put_stores(struct ring *g, pv_u64 upto, int n)
{
   pv_u64 rec[2] = { PV_HDR(PV_REC_STORE, 0, 8, 1), 0x500000 };
   while (g->head + 16 <= upto) {
      rec[1] = 0x500000 + 8 * (pv_u64)(n++ % 512);
      if (ring_put(g, (const pv_u8 *)rec, 16) != 0)
         break;
   }
   __atomic_store_n(&g->ctrl.head, g->head, __ATOMIC_RELEASE);
   return n;
}

/* The main thread lets go until the ingest thread has taken everything. */
static void drain(struct ring *g)
{
   struct pv_app *a = &app;
   pv_pump_release(a);
   for (int i = 0; i < 10000 && (a->in.r.tail != g->head || pv_ingest_staged(&a->in)); i++)
      sleep_ms(1);
   pv_pump_take(a);
}

static void end_app(void)
{
   pv_pump_stop(&app);
   pv_ingest_free_stage(&app.in);
   pv_model_free(&app.model);
}

static void test_stage_during_frame(void)
{
   static struct ring g;
   struct pv_app *a = &app;
   if (!start_app(&g, 0))
      return;
   /* the ring is empty: the thread naps, again and again */
   pv_pump_release(a);
   sleep_ms(50);
   /* a frame: the main thread has the model, the program writes 3/4 of
    * the ring meanwhile */
   pv_pump_take(a);
   int n = put_stores(&g, 3 * RING / 4, 0);
   /* the thread woke up from its nap while the main thread held the lock:
    * it copies the ring into its stage rather than wait for the frame */
   for (int i = 0; i < 10000 && pv_ingest_staged(&a->in) == 0; i++)
      sleep_ms(1);
   size_t staged = pv_ingest_staged(&a->in);
   check(staged > 0 && __atomic_load_n(&g.ctrl.tail, __ATOMIC_ACQUIRE) > 0,
         "staged %zu bytes while the main thread held the model", staged);
   check(a->model.n_access == 0, "the model untouched while the main thread held it");
   /* the frame is over: everything is taken, staged records first */
   drain(&g);
   check(a->model.n_access == (pv_u64)n && a->in.r.tail == g.head && pv_ingest_staged(&a->in) == 0,
         "all %d accesses taken (%llu)", n, (unsigned long long)a->model.n_access);
   end_app();
}

/* ---- a recording begins while the stage holds filtered spans ------------- */

/* Filtered spans (ingest.c) have no bytes left to record: a recording that
 * begins while the stage holds some first lets the ingest thread take them
 * into the model (its prologue is then the state just before the first
 * byte recorded), and nothing is filtered while it records. */
static void test_record_settles_stage(void)
{
   static struct ring g;
   struct pv_app *a = &app;
   if (!start_app(&g, 3))
      return;
   pv_pump_release(a);
   sleep_ms(20);
   pv_pump_take(a);                             /* a frame */
   pv_u64 alloc[4] = { PV_HDR(PV_REC_ALLOC, PV_ALLOC_MALLOC, 4, 1), 0x500000, 4096, 7 };
   ring_put(&g, (const pv_u8 *)alloc, sizeof alloc);
   int n = put_stores(&g, 3 * RING / 4, 0);
   for (int i = 0; i < 10000 && !pv_ingest_filtered_pending(&a->in); i++)
      sleep_ms(1);
   check(pv_ingest_filtered_pending(&a->in) && a->model.n_access == 0
         && a->model.heap.live_count == 0, "filtered while the main thread held the model");
   char path[] = "/tmp/pv-test-settle-XXXXXX";
   int fd = mkstemp(path);
   check(fd >= 0, "a file for the recording");
   if (fd >= 0)
      close(fd);
   check(pv_capture_record_start(a, path) == 0 && a->in.rec, "the recording begins");
   check(!pv_ingest_filtered_pending(&a->in) && a->model.heap.live_count == 1
         && a->model.n_access > 0, "filtered spans taken before it (%llu accesses, %llu blocks)",
         (unsigned long long)a->model.n_access, (unsigned long long)a->model.heap.live_count);
   /* while it records: staged spans are copies */
   pv_u64 before = a->in.filtered_total;
   n = put_stores(&g, __atomic_load_n(&g.ctrl.tail, __ATOMIC_ACQUIRE) + RING - 64, n);
   for (int i = 0; i < 10000 && pv_ingest_staged(&a->in) == 0; i++)
      sleep_ms(1);
   check(pv_ingest_staged(&a->in) > 0 && a->in.filtered_total == before,
         "recording: staged %zu bytes, none filtered", pv_ingest_staged(&a->in));
   drain(&g);
   check(a->model.n_access == (pv_u64)n, "all %d accesses counted (%llu)", n,
         (unsigned long long)a->model.n_access);
   check(pv_capture_record_stop(a, 0) == 0, "the recording is saved");
   unlink(path);
   end_app();
}

/* ---- priorities and CPUs ------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int quit;
static int tids[2];

static void *idle_thread(void *arg)
{
   int *tid = arg;
   pthread_mutex_lock(&mu);
   *tid = (int)pv_cpushare_tid();
   pthread_cond_broadcast(&cv);
   while (!quit)
      pthread_cond_wait(&cv, &mu);
   pthread_mutex_unlock(&mu);
   return NULL;
}

static int nice_of(int tid)
{
   return getpriority(PRIO_PROCESS, (id_t)tid);
}

static void test_cpushare(void)
{
   pthread_t th[2];
   for (int i = 0; i < 2; i++)
      pthread_create(&th[i], NULL, idle_thread, &tids[i]);
   pthread_mutex_lock(&mu);
   while (!tids[0] || !tids[1])
      pthread_cond_wait(&cv, &mu);
   pthread_mutex_unlock(&mu);
   int me = (int)pv_cpushare_tid();
   pthread_setname_np(th[1], "pv-record");     /* pervert's own: left alone */
   int n0 = nice_of(me), k0 = nice_of(tids[0]), k1 = nice_of(tids[1]);
   int changed = pv_cpushare_lower_others(tids[0], 5, 0);
   int want = n0 + 5 > 19 ? 19 : n0 + 5;
   check(changed == 1, "one thread lowered (%d)", changed);
   check(nice_of(me) == want, "the main thread at nice %d (%d)", want, nice_of(me));
   check(nice_of(tids[0]) == k0, "the one kept at nice %d (%d)", k0, nice_of(tids[0]));
   check(nice_of(tids[1]) == k1, "the pv-* thread kept at nice %d (%d)", k1, nice_of(tids[1]));

   cpu_set_t all;
   sched_getaffinity(0, sizeof all, &all);
   int cpu = pv_cpushare_leave_cpu_of(getpid());
   if (CPU_COUNT(&all) < 2) {
      check(cpu == -1, "one CPU: nothing changed (%d)", cpu);
   } else {
      check(cpu >= 0 && CPU_ISSET(cpu, &all), "a CPU left (%d)", cpu);
      int tid3[3] = { me, tids[0], tids[1] };
      for (int i = 0; i < 3 && cpu >= 0; i++) {
         cpu_set_t s;
         sched_getaffinity(tid3[i], sizeof s, &s);
         check(!CPU_ISSET(cpu, &s) && CPU_COUNT(&s) == CPU_COUNT(&all) - 1,
               "thread %d kept off CPU %d (on %d CPUs)", i, cpu, CPU_COUNT(&s));
      }
   }
   check(pv_cpushare_leave_cpu_of(0) == -1, "no process: nothing changed");

   /* the time slice: where the kernel keeps it (6.12 and later), it is the
    * one asked for */
   struct { unsigned size, policy; unsigned long long flags; int nice; unsigned prio;
            unsigned long long runtime, deadline, period; } at;
   int rc = pv_cpushare_short_slice(300);
   memset(&at, 0, sizeof at);
   long g = syscall(SYS_sched_getattr, 0, &at, sizeof at, 0);
   check(rc == 0 || g != 0, "the slice is set (%d)", rc);
   check(g != 0 || at.runtime == 0 || at.runtime == 300000, "a slice of 300 us (%llu ns)",
         at.runtime);
   check(g != 0 || at.nice == nice_of(me), "the nice value kept (%d, %d)", at.nice, nice_of(me));
   pthread_mutex_lock(&mu);
   quit = 1;
   pthread_cond_broadcast(&cv);
   pthread_mutex_unlock(&mu);
   for (int i = 0; i < 2; i++)
      pthread_join(th[i], NULL);

   /* --yield-cpu=idle: SCHED_IDLE, the nice value raised as well (last:
    * this thread stays there) */
   int n1 = nice_of(me);
   changed = pv_cpushare_lower_others(0, 2, 1);
   check(changed == 1 && sched_getscheduler(0) == SCHED_IDLE,
         "the main thread in SCHED_IDLE (%d changed, policy %d)", changed, sched_getscheduler(0));
   check(nice_of(me) == (n1 + 2 > 19 ? 19 : n1 + 2), "at nice %d", nice_of(me));
}

int main(void)
{
   test_pace();
   test_stage_during_frame();
   test_record_settles_stage();
   test_cpushare();                  /* last: it lowers this process */
   printf("test_pump: %d checks, %d failed\n", checks, fails);
   return fails != 0;
}
