/* dump_ctl.c -- pervert-dump's control script (see dump_ctl.h). */
#include "dump_ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "pervert-dump"

enum {
   P_WAIT_N, P_PAUSE_POST, P_PAUSING, P_HOLD, P_STEP_POST, P_STEPPING,
   P_CYCLE_RESUME, P_RATE_POST, P_RATE_ACK, P_RESUME_POST, P_MEASURE,
   P_RATE0_POST, P_DONE
};

void ctl_init(struct dump_ctl *c)
{
   memset(c, 0, sizeof *c);
   c->pause_after = -1;
   c->rate = -1;
   c->cycles = 1;
}

size_t ctl_chunk(const pv_u8 *p, size_t n, size_t max)
{
   if (n <= max)
      return n;
   size_t i = 0;
   while (i < max) {
      pv_u64 h = *(const pv_u64 *)(p + i);
      if (PV_HDR_TYPE(h) == PV_REC_PAD && PV_HDR_SUB(h) == 1)
         return n;          /* padding to the end of the data area: all of it */
      size_t len = PV_REC_BYTES(h);
      if (len == 0 || i + len > max)
         break;
      i += len;
   }
   return i ? i : n;        /* a bad or huge first record: let dump_span judge */
}

static int parse_num(const char *s, long long *v)
{
   char *e;
   if (!*s) return -1;
   *v = strtoll(s, &e, 10);
   return (*e || *v < 0) ? -1 : 0;
}

int ctl_option(struct dump_ctl *c, const char *a)
{
   long long v;
   if (strncmp(a, "--pause-after=", 14) == 0) {
      if (parse_num(a + 14, &v)) return -1;
      c->pause_after = v;
   } else if (strncmp(a, "--pause-delay=", 14) == 0) {
      if (parse_num(a + 14, &v)) return -1;
      c->pause_delay_ms = (long)v;
      if (c->pause_after < 0) c->pause_after = 0;
   } else if (strncmp(a, "--pause-for=", 12) == 0) {
      if (parse_num(a + 12, &v)) return -1;
      c->pause_for_ms = (long)v;
   } else if (strncmp(a, "--step=", 7) == 0) {
      char *buf = strdup(a + 7), *save = NULL;
      int badstep = !buf;
      c->nsteps = 0;
      for (char *tok = buf ? strtok_r(buf, ",", &save) : NULL; tok && !badstep;
           tok = strtok_r(NULL, ",", &save)) {
         if (c->nsteps == CTL_MAX_STEPS) badstep = 1;
         else if (strcmp(tok, "alloc") == 0) c->steps[c->nsteps++] = -1;
         else if (strcmp(tok, "mark") == 0) c->steps[c->nsteps++] = -2;
         else if (parse_num(tok, &v) || v == 0) badstep = 1;
         else c->steps[c->nsteps++] = v;
      }
      free(buf);
      if (badstep || c->nsteps == 0) return -1;
   } else if (strncmp(a, "--rate=", 7) == 0) {
      char buf[1024];
      snprintf(buf, sizeof buf, "%s", a + 7);
      c->nrates = 0;
      for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
         if (c->nrates == CTL_MAX_RATES || parse_num(tok, &v) || v == 0) return -1;
         c->rates[c->nrates++] = v;
      }
      if (c->nrates == 0) return -1;
      c->rate = c->rates[0];
   } else if (strncmp(a, "--cycles=", 9) == 0) {
      if (parse_num(a + 9, &v) || v == 0) return -1;
      c->cycles = (int)v;
   } else if (strncmp(a, "--rate-for=", 11) == 0) {
      if (parse_num(a + 11, &v)) return -1;
      c->rate_for_ms = (long)v;
   } else {
      return 0;
   }
   c->active = 1;
   return 1;
}

static pv_u64 accesses(const struct dump *d)
{
   return d->count[PV_REC_LOAD] + d->count[PV_REC_STORE] + d->count[PV_REC_MODIFY];
}

/* Everything published has been read and the producer is holding. */
static int held_and_read(struct pv_reader *r)
{
   if (pv_reader_command_pending(r) || !pv_reader_paused(r))
      return 0;
   return __atomic_load_n(&r->ctrl->head, __ATOMIC_ACQUIRE) == r->tail;
}

/* text mode: mark the place in the output */
static void mark_paused(struct dump *d)
{
   if (d->mode != MODE_TEXT)
      return;
   out_room(&d->out, 16);
   d->out.p = put_str(d->out.p, "paused\n");
}

static void after_hold(struct dump_ctl *c)
{
   if (c->step_i < c->nsteps)
      c->phase = P_STEP_POST;
   else if (c->cycle_i + 1 < c->cycles)
      c->phase = P_CYCLE_RESUME;
   else
      c->phase = c->rate >= 0 ? P_RATE_POST : P_RESUME_POST;
}

static void report_rate(struct dump_ctl *c)
{
   double t = c->t_last - c->t_first;
   pv_u64 n = c->acc_last - c->acc_first;
   if (c->measuring && t > 0)
      fprintf(stderr, PROG ": rate %.1f accesses/s over %.3f s (asked %lld)\n",
              (double)n / t, t, c->rate);
   else
      fprintf(stderr, PROG ": rate not measured (too few accesses)\n");
   c->measuring = 0;
}

void ctl_poll(struct dump_ctl *c, struct pv_reader *r, struct dump *d, double now)
{
   if (!c->active || !r->ctrl)
      return;
   pv_u64 acc = accesses(d);
   switch (c->phase) {
   case P_WAIT_N:
      if (c->pause_after < 0) {
         c->phase = c->rate >= 0 ? P_RATE_POST : P_DONE;
         break;
      }
      if (c->t_cycle == 0)
         c->t_cycle = now;
      if (acc < c->wait_base + (pv_u64)c->pause_after
          || (now - c->t_cycle) * 1e3 < (double)c->pause_delay_ms)
         break;
      c->phase = P_PAUSE_POST;
      /* fall through */
   case P_PAUSE_POST:
      if (pv_reader_command(r, PV_CMD_PAUSE, 0) == 0) {
         c->t_req = now;
         c->phase = P_PAUSING;
      }
      break;
   case P_PAUSING:
      if (!held_and_read(r))
         break;
      fprintf(stderr, PROG ": paused after %llu accesses (%.1f ms after the request)\n",
              (unsigned long long)acc, (now - c->t_req) * 1e3);
      mark_paused(d);
      c->t_hold = now;
      c->head_hold = r->tail;
      c->arrived = 0;
      c->phase = P_HOLD;
      break;
   case P_HOLD: {
      pv_u64 h = __atomic_load_n(&r->ctrl->head, __ATOMIC_ACQUIRE);
      if (h != c->head_hold) {
         c->arrived += h - c->head_hold;
         c->head_hold = h;
      }
      if ((now - c->t_hold) * 1e3 < (double)c->pause_for_ms)
         break;
      if (c->pause_for_ms > 0)
         fprintf(stderr, PROG ": held %ld ms: %llu record bytes arrived, paused=%d\n",
                 c->pause_for_ms, (unsigned long long)c->arrived, pv_reader_paused(r));
      after_hold(c);
      break;
   }
   case P_STEP_POST: {
      long long s = c->steps[c->step_i];
      enum pv_ctl_cmd cmd = s == -1 ? PV_CMD_STEP_ALLOC : s == -2 ? PV_CMD_STEP_MARK
                                    : PV_CMD_STEP;
      if (pv_reader_command(r, cmd, s > 0 ? (pv_u64)s : 0) == 0) {
         c->acc0 = acc;
         c->alloc0 = d->count[PV_REC_ALLOC];
         c->mark0 = d->count[PV_REC_MARK];
         c->t_req = now;
         c->phase = P_STEPPING;
      }
      break;
   }
   case P_STEPPING: {
      if (!held_and_read(r))
         break;
      long long s = c->steps[c->step_i];
      if (s > 0)
         fprintf(stderr, PROG ": stepped %llu accesses (asked %lld)\n",
                 (unsigned long long)(acc - c->acc0), s);
      else
         fprintf(stderr, PROG ": stepped to the next %s: %llu accesses, %llu allocs, "
                 "%llu marks\n", s == -1 ? "alloc" : "mark",
                 (unsigned long long)(acc - c->acc0),
                 (unsigned long long)(d->count[PV_REC_ALLOC] - c->alloc0),
                 (unsigned long long)(d->count[PV_REC_MARK] - c->mark0));
      mark_paused(d);
      c->step_i++;
      /* hold between steps too, so that "nothing arrives while paused"
       * is checked after steps as well */
      c->t_hold = now;
      c->head_hold = r->tail;
      c->arrived = 0;
      c->phase = P_HOLD;
      break;
   }
   case P_CYCLE_RESUME:
      if (pv_reader_command(r, PV_CMD_RESUME, 0) == 0) {
         c->cycle_i++;
         c->step_i = 0;
         c->wait_base = acc;
         c->t_cycle = now;
         c->phase = P_WAIT_N;
      }
      break;
   case P_RATE_POST:
      if (pv_reader_command(r, PV_CMD_RATE, (pv_u64)c->rate) == 0)
         c->phase = c->rate_i == 0 ? P_RESUME_POST : P_RATE_ACK;
      break;
   case P_RATE_ACK:              /* a live change: measure from its ack */
      if (pv_reader_command_pending(r))
         break;
      c->phase = P_MEASURE;
      c->measuring = 0;
      c->acc_first = acc;
      break;
   case P_RESUME_POST:
      if (pv_reader_command(r, PV_CMD_RESUME, 0) == 0) {
         if (c->rate >= 0) {
            c->phase = P_MEASURE;
            c->measuring = 0;
            c->acc_first = acc;
         } else {
            c->phase = P_DONE;
         }
      }
      break;
   case P_MEASURE:
      if (!c->measuring) {
         if (acc > c->acc_first) {       /* the first access after the resume */
            c->measuring = 1;
            c->t_first = c->t_last = now;
            c->acc_first = c->acc_last = acc;
         }
         break;
      }
      if (c->rate_for_ms > 0 && (now - c->t_first) * 1e3 >= (double)c->rate_for_ms) {
         report_rate(c);
         if (++c->rate_i < c->nrates) {
            c->rate = c->rates[c->rate_i];
            c->phase = P_RATE_POST;
         } else {
            c->phase = P_RATE0_POST;
         }
         break;
      }
      if (acc != c->acc_last) {
         c->acc_last = acc;
         c->t_last = now;
      }
      break;
   case P_RATE0_POST:
      if (pv_reader_command(r, PV_CMD_RATE, 0) == 0)
         c->phase = P_DONE;
      break;
   default:
      c->active = 0;
      break;
   }
}

void ctl_end(struct dump_ctl *c, const struct dump *d)
{
   (void)d;
   if (!c->active)
      return;
   switch (c->phase) {
   case P_WAIT_N: case P_PAUSE_POST: case P_PAUSING:
      if (c->pause_after >= 0)
         fprintf(stderr, PROG ": the program ended before it was paused\n");
      break;
   case P_STEP_POST: case P_STEPPING:
      fprintf(stderr, PROG ": the program ended during step %d\n", c->step_i + 1);
      break;
   case P_MEASURE:
      report_rate(c);
      break;
   default:
      break;
   }
   c->active = 0;
}
