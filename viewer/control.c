/* control.c -- pause, step, slow motion (see control.h). */
#include "control.h"

#include <stdio.h>


static const pv_u64 rates[] = { 0, 1000000, 100000, 10000, 1000, 100, 10, 5 };
#define NRATES ((int)(sizeof rates / sizeof rates[0]))

/* 1000000 -> "1M", 10000 -> "10k", 5 -> "5" */
static const char *fmt_rate(char *b, size_t n, pv_u64 k)
{
   if (k >= 1000000 && k % 1000000 == 0)
      snprintf(b, n, "%lluM", (unsigned long long)(k / 1000000));
   else if (k >= 1000 && k % 1000 == 0)
      snprintf(b, n, "%lluk", (unsigned long long)(k / 1000));
   else
      snprintf(b, n, "%llu", (unsigned long long)k);
   return b;
}

static void toast(struct pv_app *a, const char *msg)
{
   snprintf(a->toast, sizeof a->toast, "%s", msg);
   a->toast_until = a->t_frame + 3.0;
}

int pv_control_usable(const struct pv_app *a)
{
   return a->in.attached && !a->detached && a->in.r.ctrl && a->in.state == PV_IN_RUNNING
          && !a->model.exited;
}

static int usable_or_say(struct pv_app *a)
{
   if (pv_control_usable(a))
      return 1;
   toast(a, a->model.exited ? "the program has ended" : "not connected to the program");
   return 0;
}

/* Held, or about to be, as far as the user is concerned. */
static int wants_held(const struct pv_app *a)
{
   if (a->ctl_flow)
      return a->ctl_flow != PV_CMD_RESUME;
   if (a->ctl_wait && pv_reader_command_pending(&a->in.r) && !a->ctl_rate_wait)
      return a->ctl_last != PV_CMD_RESUME;
   return pv_reader_paused(&a->in.r);
}

void pv_control_toggle(struct pv_app *a)
{
   if (!usable_or_say(a))
      return;
   if (wants_held(a)) {
      a->ctl_flow = PV_CMD_RESUME;
      toast(a, "resume");
   } else {
      a->ctl_flow = PV_CMD_PAUSE;
      toast(a, "pause");
   }
   a->ctl_flow_arg = 0;
}

void pv_control_step(struct pv_app *a, int cmd, pv_u64 n)
{
   if (!usable_or_say(a))
      return;
   a->ctl_flow = cmd;
   a->ctl_flow_arg = cmd == PV_CMD_STEP ? n : 0;
   char buf[80];
   if (cmd == PV_CMD_STEP)
      snprintf(buf, sizeof buf, "step %llu access%s", (unsigned long long)n, n == 1 ? "" : "es");
   else
      snprintf(buf, sizeof buf, "run to the next %s",
               cmd == PV_CMD_STEP_ALLOC ? "heap allocation" : "mark");
   toast(a, buf);
}

static void set_rate(struct pv_app *a, int i)
{
   a->ctl_rate_i = i;
   a->ctl_rate = rates[i];
   a->ctl_rate_queued = 1;
   char buf[80], b[32];
   if (rates[i])
      snprintf(buf, sizeof buf, "slow motion: %s accesses/s (r: slower, R: full speed)",
               fmt_rate(b, sizeof b, rates[i]));
   else
      snprintf(buf, sizeof buf, "full speed");
   toast(a, buf);
}

void pv_control_slower(struct pv_app *a)
{
   if (usable_or_say(a))
      set_rate(a, (a->ctl_rate_i + 1) % NRATES);
}

void pv_control_full_speed(struct pv_app *a)
{
   if (usable_or_say(a))
      set_rate(a, 0);
}

static void logf_(const struct pv_app *a, const char *what)
{
   if (a->opts.log_control) {
      fprintf(stderr, "pervert-view: control: %s\n", what);
      fflush(stderr);
   }
}

void pv_control_tick(struct pv_app *a)
{
   if (!pv_control_usable(a)) {
      a->ctl_flow = 0;
      a->ctl_rate_queued = 0;
      a->ctl_wait = 0;
      a->ctl_rate_wait = 0;
      return;
   }
   struct pv_reader *r = &a->in.r;
   char buf[160];
   if (a->ctl_rate_wait && !pv_reader_command_pending(r)) {
      a->ctl_rate_wait = 0;
      if (a->ctl_rate)
         snprintf(buf, sizeof buf, "rate %llu", (unsigned long long)a->ctl_rate);
      else
         snprintf(buf, sizeof buf, "full speed");
      logf_(a, buf);
   }
   /* post what waits: a pause or step first, then a rate */
   if (a->ctl_flow && pv_reader_command(r, a->ctl_flow, a->ctl_flow_arg) == 0) {
      a->ctl_last = a->ctl_flow;
      a->ctl_last_arg = a->ctl_flow_arg;
      a->ctl_acc0 = a->model.n_access;
      a->ctl_wait = 1;
      a->ctl_flow = 0;
   }
   if (!a->ctl_flow && a->ctl_rate_queued && pv_reader_command(r, PV_CMD_RATE, a->ctl_rate) == 0) {
      a->ctl_rate_queued = 0;
      a->ctl_rate_wait = 1;
   }
   int pending = pv_reader_command_pending(r);
   if (pending || a->ctl_flow)
      return;
   /* everything up to the pause point is published once paused reads 1
    * after the ack; held when we have read it all */
   int paused = pv_reader_paused(r);
   int drained = paused && __atomic_load_n(&r->ctrl->head, __ATOMIC_ACQUIRE) == r->tail;
   pv_u64 acc = a->model.n_access;
   if (a->ctl_wait) {
      if (a->ctl_last == PV_CMD_RESUME) {
         a->ctl_wait = 0;
         a->ctl_held = 0;
         logf_(a, "running");
      } else if (drained) {
         a->ctl_wait = 0;
         a->ctl_held = 1;
         if (a->ctl_last == PV_CMD_PAUSE)
            snprintf(buf, sizeof buf, "paused at %llu accesses", (unsigned long long)acc);
         else if (a->ctl_last == PV_CMD_STEP)
            snprintf(buf, sizeof buf, "stepped %llu accesses (asked %llu), %llu in all",
                     (unsigned long long)(acc - a->ctl_acc0), (unsigned long long)a->ctl_last_arg,
                     (unsigned long long)acc);
         else if (a->ctl_last == PV_CMD_STEP_ALLOC)
            snprintf(buf, sizeof buf, "stepped to the next alloc: %llu accesses, %llu in all, "
                     "%llu live blocks", (unsigned long long)(acc - a->ctl_acc0),
                     (unsigned long long)acc, (unsigned long long)a->model.heap.live_count);
         else
            snprintf(buf, sizeof buf, "stepped to the next mark: %llu accesses, %llu in all, "
                     "mark '%.60s'", (unsigned long long)(acc - a->ctl_acc0),
                     (unsigned long long)acc, a->model.mark);
         logf_(a, buf);
      }
   } else if (drained && !a->ctl_held) {      /* e.g. --start-paused=yes */
      a->ctl_held = 1;
      snprintf(buf, sizeof buf, "paused at %llu accesses", (unsigned long long)acc);
      logf_(a, buf);
   } else if (!paused && a->ctl_held) {
      a->ctl_held = 0;
      logf_(a, "running");
   }
}

const char *pv_control_state(const struct pv_app *a, char *buf, size_t n, int *busy)
{
   *busy = 0;
   if (!pv_control_usable(a))
      return NULL;
   const struct pv_reader *r = &a->in.r;
   int cmd = a->ctl_flow ? a->ctl_flow : a->ctl_wait ? a->ctl_last : 0;
   char slow[64] = "", b[32];
   if (a->ctl_rate)
      snprintf(slow, sizeof slow, "slow: %s acc/s", fmt_rate(b, sizeof b, a->ctl_rate));
   if (cmd) {
      *busy = 1;
      snprintf(buf, n, "%s%s%s", cmd == PV_CMD_PAUSE ? "pausing..." : cmd == PV_CMD_RESUME
                                  ? "resuming..." : "stepping...",
               slow[0] && cmd != PV_CMD_PAUSE ? "  " : "", cmd != PV_CMD_PAUSE ? slow : "");
      return buf;
   }
   if (pv_reader_paused(r)) {
      snprintf(buf, n, "paused%s%s", slow[0] ? ", " : "", slow);
      return buf;
   }
   if (slow[0]) {
      snprintf(buf, n, "%s", slow);
      return buf;
   }
   return NULL;
}
