/* dump_ctl.h -- pervert-dump's use of the control channel: a small script
 * of pause / hold / step / slow motion, given on the command line, so that
 * the channel can be tested without a window (PROTOCOL.txt section 5a).
 *
 *   --pause-after=N   when N access records have been read, pause; report
 *                     "pervert-dump: paused after A accesses (T ms after the
 *                     request)"
 *   --pause-delay=MS  and not before MS ms from the start (of the cycle)
 *   --pause-for=MS    stay paused MS ms, watching that nothing arrives;
 *                     report "pervert-dump: held MS ms: R records arrived"
 *   --step=LIST       then, while paused, step by each item of the comma-
 *                     separated LIST: a number N (N access records), "alloc"
 *                     (to the next allocation) or "mark" (to the next
 *                     pervert.h mark); report each "pervert-dump: stepped A
 *                     accesses (asked N)" or "pervert-dump: stepped to the
 *                     next alloc: A accesses, B allocs, C marks"
 *   --cycles=C        do the above C times: resume, pause again after another
 *                     N accesses, hold, step ... (default 1)
 *   --rate=K[,K2...]  slow motion, K access records per second (at the start,
 *                     or after the pause and steps); then resume.  With a list,
 *                     change the rate live every --rate-for ms
 *   --rate-for=MS     measure MS ms of each rate, report "pervert-dump: rate
 *                     R accesses/s over T s (asked K)"; then full speed
 *   (after all that: resume)
 * In text mode a line "paused" marks where the program was held (after the
 * pause and after each step); it is not a record.
 */
#ifndef DUMP_CTL_H
#define DUMP_CTL_H

#include "dump.h"
#include "pv_ring.h"

#define CTL_MAX_STEPS 1024
#define CTL_MAX_RATES 16

struct dump_ctl {
   int    active;          /* a script was given and is not finished */
   /* the script */
   long long pause_after;  /* -1: none */
   long   pause_for_ms;
   long   pause_delay_ms;
   double t_cycle;         /* when the current cycle began (0: not yet) */
   int    nsteps;
   long long steps[CTL_MAX_STEPS];   /* >0: count; -1: alloc; -2: mark */
   long long rate;         /* the rate being measured; -1: none */
   int    nrates, rate_i;
   long long rates[CTL_MAX_RATES];
   long   rate_for_ms;     /* 0: until the end */
   int    cycles, cycle_i;
   pv_u64 wait_base;       /* accesses read when the current cycle began */
   /* where it is */
   int    phase, step_i;
   double t_req, t_hold;
   pv_u64 head_hold, arrived;
   pv_u64 acc0, alloc0, mark0;
   /* slow motion measurement */
   int    measuring;
   double t_first, t_last;
   pv_u64 acc_first, acc_last;
};

/* While a script runs, spans are handled in pieces of at most this many
 * bytes, so that --pause-after is seen in time. */
#define CTL_CHUNK (64 * 1024)
/* The end of the last whole record within the first MAX bytes of the span
 * P[0..N) (N itself if it is shorter). */
size_t ctl_chunk(const pv_u8 *p, size_t n, size_t max);

/* Parse one option; 1 if it was a control option, 0 if not, -1 if bad. */
int  ctl_option(struct dump_ctl *c, const char *arg);
void ctl_init(struct dump_ctl *c);
/* Call after each span and while idle.  NOW in seconds. */
void ctl_poll(struct dump_ctl *c, struct pv_reader *r, struct dump *d, double now);
/* The stream ended: say what did not happen. */
void ctl_end(struct dump_ctl *c, const struct dump *d);

#endif
