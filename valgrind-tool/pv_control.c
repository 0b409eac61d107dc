/* pv_control.c -- the control channel: pause, step, slow motion.
 *
 * The consumer posts commands in the control page (shared/pv_proto.h,
 * struct pv_ctrl: cmd, cmd_arg, then cmd_seq + 1); the tool acts on them and
 * copies cmd_seq to cmd_ack.  shared/PROTOCOL.txt section 5a describes the
 * commands as a consumer sees them; this comment says how the tool does it.
 *
 * Where the program is held.  Every wait (pause, slow motion) happens in
 * the core's stop_client_code hook, i.e. between two runs of generated
 * code, when no thread is inside a translation and the scheduler will look
 * the next translation up afresh.  There the tool can:
 *   - let go of Valgrind's big lock while it sleeps (VG_(release_BigLock)):
 *     a thread that received a signal in a blocking system call (a main
 *     thread in pthread_join gets the Ctrl-C) needs the lock to act on it;
 *     every other thread that wants to run client code comes through
 *     start_client_code, sees the pause and waits too, so no client code
 *     runs while paused;
 *   - discard all translations (to switch between the fast and the fine
 *     instrumentation, below) with the core's VG_(discard_translations):
 *     VG_(discard_translations_safely) may only be called from a client
 *     request, but here nothing is executing a translation either.
 * To get to such a point the tool ends the current run early: it sets the
 * thread's event counter (host_EvC_COUNTER) to 0, so that the next block
 * entered through its slow entry point bails out before executing
 * (VG_TRC_INNER_COUNTERZERO).  That is done in start_client_code (the run
 * then executes nothing), in pv_room_sb when a command is waiting (the run
 * ends within a block or so), and in fine mode by the gates (below).  A
 * run that ended any other way (system call, client request) is not held:
 * the next run is ended at once instead.  The one run that must not be
 * touched is the one that executes a no-redirection translation (function
 * wrappers made with valgrind.h's CALL_FN_* macros call the original that
 * way; the scheduler asserts that it runs): the block that jumps there calls pv_control_noredir, and the
 * next start_client_code of that thread leaves its run alone.
 *
 * Fine mode.  The normal instrumentation checks for room once per
 * superblock, so it cannot stop after exactly N accesses.  While stepping
 * or slowed down the tool translates in fine mode (pv_fine): each guest
 * instruction that accesses memory starts with a gate
 *
 *     if (pv_acc + k > pv_acc_lim) pv_gate(k)           k = its records
 *     if (pv_acc >= pv_acc_lim) exit (yield) to this instruction
 *
 * and its records add to pv_acc, the count of access records written.  The
 * exit leaves the instruction not executed, the guest state exact, and the
 * scheduler comes back to stop_client_code, where the program is held.  An
 * instruction with two records (movs, push [mem]) may straddle the end of
 * a step: it is let through, and the records past the step are written
 * but not published (pv_ring_hold) until the next step, so the consumer
 * still sees exactly N.  No-redirection translations get no gates (their
 * first instruction cannot be re-entered); they only count.  The normal
 * translations pay nothing for any of this: switching modes discards all
 * translations.
 *
 * Slow motion: a token bucket of K accesses per second, at most K/50 (20
 * ms) saved up; the gates let accesses through while there are tokens,
 * and the program waits in stop_client_code for the next one.
 *
 * While paused nothing is published: records that other threads make in
 * the meantime (a system call that returns) come after the resume.
 * Signals: the wait loop watches rt_sigpending; a newly pending signal
 * ends the wait for one run that executes nothing, so that the scheduler
 * polls and delivers it (a fatal one ends the program; a handler runs when
 * the program is resumed, as with SIGSTOP).  The consumer's death ends the
 * pause: the program runs on at full speed, or with --viewer-exit=kill is
 * sent SIGTERM (SIGKILL 2 s later if that did not end it).
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_libcsignal.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"
#include "libvex_guest_amd64.h"
#include "pv_tool.h"
#include "pv_core.h"

/* ---- shared with the generated code ---- */
ULong pv_acc;                  /* access records written by fine-mode code */
ULong pv_acc_lim = ~0ULL;      /* fine-mode gates call pv_gate past this */
Bool  pv_fine;                 /* new translations are made in fine mode */

/* ---- options ---- */
Bool pv_clo_start_paused = False;
Bool pv_clo_viewer_exit_kill = False;

enum { ST_RUN, ST_PAUSED, ST_STEP, ST_STEP_TO };

static Int   state = ST_RUN;
static UInt  step_to;          /* ST_STEP_TO: PV_REC_ALLOC or PV_REC_MARK */
static ULong step_target;      /* ST_STEP: pv_acc value that ends the step */
static ULong rate;             /* accesses per second, 0 = full speed */
static Long  bucket;           /* slow motion tokens, in 1e-9 token units */
static ULong bucket_ns, bucket_acc;
static UInt  last_seq;         /* last command taken */
static Bool  want_stop;        /* end the next run: stop_client_code has work */
static Bool  shown_paused;     /* ctrl->paused is 1 */
static Bool  cut_at_target;    /* the pause ends a step: publish exactly up to it */
static Bool  gone;             /* the consumer left (or never was): controls are off */
static Bool  exiting;          /* exit_group: nothing is held any more */
static UInt  runs;
static ULong checked_ns;       /* last full check that the consumer lives */
static ULong kill_at_ns;       /* --viewer-exit=kill: SIGKILL after this */

/* per thread */
static Bool*  noredir_next;    /* the thread's next run is a no-redir translation */
static Bool*  gate_stopped;    /* its last run ended at a gate's exit */
static Bool*  poll_next;       /* its next run only lets the scheduler poll signals */
static ULong* sig_passed;      /* pending signals already let through */

#define TOKEN 1000000000LL

static const Int evc_offset = __builtin_offsetof(VexGuestAMD64State, host_EvC_COUNTER);

static struct pv_ctrl* live_ctrl(void)
{
   return gone ? NULL : pv_ring_ctrl();
}

static void sleep_us(UInt us)
{
   struct vki_timespec ts;
   ts.tv_sec = us / 1000000;
   ts.tv_nsec = (us % 1000000) * 1000L;
   (void)VG_(do_syscall2)(__NR_nanosleep, (UWord)&ts, 0);
}

static ULong sigpending_mask(void)
{
   ULong set = 0;
   SysRes r = VG_(do_syscall2)(__NR_rt_sigpending, (UWord)&set, sizeof set);
   return sr_isError(r) ? 0 : set;
}

/* Make TID's current (or next) run end at the next block entry. */
static void end_run(ThreadId tid)
{
   UInt zero = 0;
   VG_(set_shadow_regs_area)(tid, 0, evc_offset, sizeof zero, (const UChar*)&zero);
}

static Int evc_of(ThreadId tid)
{
   Int c = 0;
   VG_(get_shadow_regs_area)(tid, (UChar*)&c, 0, evc_offset, sizeof c);
   return c;
}

/* ---- slow motion ---- */

static void bucket_reset(void)
{
   bucket = TOKEN;                  /* one access may go at once */
   bucket_ns = pv_now_ns();
   bucket_acc = pv_acc;
}

static void bucket_refill(void)
{
   ULong now = pv_now_ns();
   ULong dt = now - bucket_ns;
   if (dt > 1000000000ULL) dt = 1000000000ULL;
   /* at most 20 ms saved up; 2 tokens at least, so that the part of a
    * token accrued while waiting for the next one is not lost */
   Long cap = (Long)(rate / 50 > 2 ? rate / 50 : 2) * TOKEN;
   Long b = bucket + (Long)(rate * dt);
   if (b > cap) b = cap;
   b -= (Long)(pv_acc - bucket_acc) * TOKEN;
   bucket = b;
   bucket_ns = now;
   bucket_acc = pv_acc;
}

static ULong tokens(void)
{
   return bucket > 0 ? (ULong)(bucket / TOKEN) : 0;
}

/* ---- the gate limit ---- */

static ULong compute_lim(Bool refill)
{
   ULong lim = ~0ULL;
   if (gone || exiting)
      return lim;
   if (want_stop || state == ST_PAUSED)
      return 0;
   if (state == ST_STEP)
      lim = step_target;
   if (rate) {
      if (refill) bucket_refill();
      ULong l = pv_acc + tokens();
      if (l < lim) lim = l;
   }
   return lim;
}

/* Called by fine-mode code when an instruction with K records would pass
 * pv_acc_lim.  Either lets it through (and raises pv_acc_lim) or leaves
 * pv_acc_lim <= pv_acc, so that the gate's exit is taken. */
VG_REGPARM(1) void pv_gate(UWord k)
{
   ULong lim = compute_lim(True);
   if (pv_acc >= lim) {
      ThreadId tid = VG_(get_running_tid)();
      if (tid > 0 && tid <= VG_N_THREADS) gate_stopped[tid] = True;
      pv_acc_lim = lim;
      return;
   }
   /* Everything written so far is within the step: show it. */
   pv_ring_hold = False;
   pv_ring_publish();
   /* This instruction may write records past the end of the step. */
   if (state == ST_STEP && pv_acc + k > step_target)
      pv_ring_hold = True;
   pv_acc_lim = lim;
}

void pv_control_noredir(void)
{
   ThreadId tid = VG_(get_running_tid)();
   if (tid > 0 && tid <= VG_N_THREADS) noredir_next[tid] = True;
}

Bool pv_control_noredir_pending(void)
{
   ThreadId tid = VG_(get_running_tid)();
   return tid > 0 && tid <= VG_N_THREADS && noredir_next[tid];
}

/* ---- options ---- */

Bool pv_control_option(const HChar* arg)
{
   const HChar* str;
   if (pv_bool_option(arg, "--start-paused", &pv_clo_start_paused)) {}
   else if VG_STR_CLO(arg, "--viewer-exit", str) {
      if (VG_(strcmp)(str, "resume") == 0) pv_clo_viewer_exit_kill = False;
      else if (VG_(strcmp)(str, "kill") == 0) pv_clo_viewer_exit_kill = True;
      else pv_bad_value(arg, "it takes resume or kill");
   }
   else
      return False;
   return True;
}

void pv_control_usage(void)
{
   VG_(printf)(
"    --start-paused=yes|no     hold the program before its first instruction\n"
"                              until the viewer resumes or steps it [no]\n"
"    --viewer-exit=resume|kill when the viewer goes away: let the program run\n"
"                              on at full speed, or end it (SIGTERM) [resume]\n"
   );
}

/* ---- state changes ---- */

static void show_paused(struct pv_ctrl* c, Bool on)
{
   if (shown_paused == on) return;
   shown_paused = on;
   if (c) __atomic_store_n(&c->paused, on ? 1u : 0u, __ATOMIC_RELEASE);
}

/* Leave the held state: publish normally again. */
static void unhold(struct pv_ctrl* c)
{
   pv_ring_hold = False;
   show_paused(c, False);
}

/* The consumer left: everything back to full speed (the next safe stop
 * switches back to fast translations), or end the program. */
static void consumer_left(void)
{
   if (gone) return;
   gone = True;
   pv_ring_hold = False;
   state = ST_RUN;
   rate = 0;
   pv_acc_lim = ~0ULL;
   want_stop = pv_fine;
   if (pv_clo_viewer_exit_kill && !exiting) {
      VG_(umsg)("pervert: the viewer left: ending the program (--viewer-exit=kill)\n");
      VG_(kill)(VG_(getpid)(), VKI_SIGTERM);
      kill_at_ns = pv_now_ns() + 2000000000ULL;
      want_stop = True;          /* let the scheduler deliver it soon */
   }
}

static Bool check_consumer(void)
{
   if (gone) return False;
   checked_ns = pv_now_ns();
   if (!pv_ring_ctrl() || !pv_ring_consumer_check()) {
      consumer_left();
      return False;
   }
   return True;
}

/* Take the command in the slot, if there is a new one. */
static void take_command(struct pv_ctrl* c)
{
   UInt seq = __atomic_load_n(&c->cmd_seq, __ATOMIC_ACQUIRE);
   if (seq == last_seq) return;
   UInt cmd;
   ULong arg;
   for (;;) {
      cmd = c->cmd;
      arg = c->cmd_arg;
      UInt again = __atomic_load_n(&c->cmd_seq, __ATOMIC_ACQUIRE);
      if (again == seq) break;
      seq = again;               /* a consumer that did not wait for the ack */
   }
   last_seq = seq;
   switch (cmd) {
      case PV_CMD_PAUSE:
         if (state != ST_PAUSED) { state = ST_PAUSED; cut_at_target = False; }
         break;
      case PV_CMD_RESUME:
         state = ST_RUN;
         unhold(c);
         break;
      case PV_CMD_STEP: {
         if (arg == 0) break;
         /* A step counts from what the consumer has seen: records held
          * back after the last step come first. */
         ULong held = pv_ring_unpublished_accesses();
         if (state != ST_PAUSED) { held = 0; pv_ring_hold = False; pv_ring_publish(); }
         if (held > pv_acc) held = pv_acc;
         ULong base = pv_acc - held;
         if (held >= arg) {
            /* Already written: show them, stay paused. */
            pv_ring_publish_accesses(arg);
            state = ST_PAUSED;
            cut_at_target = False;
            break;
         }
         step_target = base + arg;
         state = ST_STEP;
         unhold(c);
         break;
      }
      case PV_CMD_STEP_ALLOC:
      case PV_CMD_STEP_MARK:
         state = ST_STEP_TO;
         step_to = cmd == PV_CMD_STEP_ALLOC ? PV_REC_ALLOC : PV_REC_MARK;
         unhold(c);
         break;
      case PV_CMD_RATE:
         rate = arg > 1000000000ULL ? 1000000000ULL : arg;
         if (rate) bucket_reset();
         break;
      default:
         break;                 /* unknown (newer consumer): ignored, acknowledged */
   }
   __atomic_store_n(&c->cmd_ack, seq, __ATOMIC_RELEASE);
}

/* Switch the instrumentation to what the state needs (at a safe stop). */
static void set_mode(void)
{
   Bool fine = !gone && !exiting && (state == ST_STEP || rate != 0);
   if (state == ST_PAUSED) fine = pv_fine;          /* decide when it runs again */
   if (fine != pv_fine) {
      static VexRegisterUpdates saved_px = VexRegUpd_INVALID;
      if (fine) {
         saved_px = vex_control.iropt_register_updates_default;
         vex_control.iropt_register_updates_default = VexRegUpdAllregsAtEachInsn;
      } else if (saved_px != VexRegUpd_INVALID) {
         vex_control.iropt_register_updates_default = saved_px;
      }
      pv_fine = fine;
      VG_(discard_translations)((Addr)0x1000, ~(ULong)0xfff, "pervert control");
   }
}

/* Hold the program: publish (up to the end of the step), show it paused. */
static void enter_pause(struct pv_ctrl* c)
{
   if (shown_paused) return;
   pv_ring_hold = False;
   if (cut_at_target) {
      ULong held = pv_ring_unpublished_accesses();
      ULong over = pv_acc > step_target ? pv_acc - step_target : 0;
      pv_ring_publish_accesses(held > over ? held - over : 0);
   } else {
      pv_ring_publish();
   }
   cut_at_target = False;
   pv_ring_hold = True;
   show_paused(c, True);
}

/* Sleep MS without the big lock, so that other threads can take signals;
 * True if the thread is being killed meanwhile. */
static Bool nap(ThreadId tid, UInt us)
{
   VG_(release_BigLock)(tid, PV_VgTs_Yielding, "pervert: paused");
   sleep_us(us);
   VG_(acquire_BigLock)(tid, "pervert: paused");
   return VG_(is_exiting)(tid);
}

/* A newly pending signal: let the scheduler see it (True: return now). */
static Bool signal_waiting(ThreadId tid, Bool counter_zero)
{
   ULong pend = sigpending_mask();
   sig_passed[tid] &= pend;
   if ((pend & ~sig_passed[tid]) == 0)
      return False;
   sig_passed[tid] |= pend;
   if (!counter_zero) {
      /* The scheduler polls signals when a run used up its counter: make
       * the next run such a run, doing nothing else. */
      poll_next[tid] = True;
      want_stop = True;
   }
   return True;
}

/* ---- the hooks ---- */

/* start_client_code: cheap unless something is to be done. */
void pv_control_start(ThreadId tid)
{
   if (tid == 0 || tid > VG_N_THREADS) return;
   if (noredir_next[tid]) { noredir_next[tid] = False; return; }
   if (kill_at_ns && pv_now_ns() > kill_at_ns) {
      VG_(umsg)("pervert: the program did not end on SIGTERM: SIGKILL\n");
      VG_(kill)(VG_(getpid)(), VKI_SIGKILL);
   }
   struct pv_ctrl* c = live_ctrl();
   if (c) {
      if (__atomic_load_n(&c->cmd_seq, __ATOMIC_RELAXED) != last_seq)
         want_stop = True;
      /* the consumer's own word is cheap to read; its process now and then */
      if ((__atomic_load_n(&c->consumer_state, __ATOMIC_RELAXED) != PV_CONS_ATTACHED
           || (++runs & 255) == 0) && !check_consumer())
         c = NULL;
   } else if (!gone && pv_ring_ctrl() == NULL) {
      consumer_left();           /* the ring code saw the consumer go */
   }
   if (want_stop || (c && state == ST_PAUSED) || poll_next[tid])
      end_run(tid);
}

/* pv_room_sb (fast and fine mode, every few thousand records): a command
 * waiting ends the run soon. */
void pv_control_room(void)
{
   struct pv_ctrl* c = live_ctrl();
   if (!c || want_stop) return;
   if (__atomic_load_n(&c->cmd_seq, __ATOMIC_RELAXED) != last_seq) {
      want_stop = True;
      pv_acc_lim = 0;
      ThreadId tid = VG_(get_running_tid)();
      if (tid > 0 && tid <= VG_N_THREADS) end_run(tid);
   }
}

/* stop_client_code: where the program is held. */
static void control_stop(ThreadId tid, ULong bbs_done)
{
   if (tid == 0 || tid > VG_N_THREADS) return;
   if (!want_stop && state == ST_RUN && rate == 0 && !pv_fine && !gate_stopped[tid])
      return;                            /* the usual case: nothing to do */
   if (noredir_next[tid]) return;        /* the no-redir block runs next */
   Bool counter_zero = evc_of(tid) == -1;
   Bool safe = counter_zero || gate_stopped[tid];
   gate_stopped[tid] = False;
   if (!safe)
      return;                            /* want_stop makes the next run stop */
   if (poll_next[tid]) {                 /* this run was only for the signal poll */
      poll_next[tid] = False;
      return;
   }
   want_stop = False;

   for (;;) {
      struct pv_ctrl* c = live_ctrl();
      if (c && pv_now_ns() - checked_ns > 100000000ULL && !check_consumer())
         c = NULL;
      if (!c || exiting) {
         if (!gone && pv_ring_ctrl() == NULL) consumer_left();
         state = ST_RUN;
         rate = 0;
         pv_ring_hold = False;
         break;
      }
      /* Show a pause (or the end of a step) before taking a command, so
       * that a STEP counts from what the consumer has seen. */
      if (state == ST_STEP && pv_acc >= step_target) {
         state = ST_PAUSED;
         cut_at_target = True;
      }
      if (state == ST_PAUSED)
         enter_pause(c);
      take_command(c);
      if (state == ST_PAUSED) {
         enter_pause(c);
         if (signal_waiting(tid, counter_zero)) {
            want_stop = True;
            break;
         }
         if (nap(tid, 2000)) break;
         continue;
      }
      unhold(c);
      if (rate) {
         bucket_refill();
         if (tokens() == 0) {
            pv_ring_publish();         /* show the accesses so far while waiting */
            if (signal_waiting(tid, counter_zero))
               break;
            ULong wait_us = (ULong)(TOKEN - bucket) / rate / 1000ULL + 1;
            if (wait_us > 10000) wait_us = 10000;
            if (nap(tid, (UInt)wait_us)) break;
            continue;
         }
      }
      break;
   }
   set_mode();
   pv_acc_lim = compute_lim(False);
}

/* The tool sent an ALLOC or MARK record: "step to the next" ends here. */
void pv_control_event(UInt type)
{
   if (state == ST_STEP_TO && type == step_to && live_ctrl()) {
      state = ST_PAUSED;
      cut_at_target = False;
      want_stop = True;
      pv_acc_lim = 0;
      /* From a heap helper inside generated code: end this run now. */
      ThreadId tid = VG_(get_running_tid)();
      if (tid > 0 && tid <= VG_N_THREADS) end_run(tid);
   }
}

/* After fork: the child has no consumer; it runs on at full speed. */
void pv_control_forget_in_child(void)
{
   gone = True;
   state = ST_RUN;
   rate = 0;
   kill_at_ns = 0;
   pv_acc_lim = ~0ULL;
   want_stop = pv_fine;          /* back to fast translations */
   shown_paused = False;
}

void pv_control_pre_syscall(ThreadId tid, UInt sysno)
{
   if (sysno == __NR_exit_group) {
      /* The program is ending: hold nothing any more. */
      exiting = True;
      state = ST_RUN;
      rate = 0;
      pv_acc_lim = ~0ULL;
      pv_ring_hold = False;
      show_paused(live_ctrl(), False);
   }
}

void pv_control_init(void)
{
   noredir_next = VG_(calloc)("pv.ctl", VG_N_THREADS + 1, sizeof(Bool));
   gate_stopped = VG_(calloc)("pv.ctl", VG_N_THREADS + 1, sizeof(Bool));
   poll_next    = VG_(calloc)("pv.ctl", VG_N_THREADS + 1, sizeof(Bool));
   sig_passed   = VG_(calloc)("pv.ctl", VG_N_THREADS + 1, sizeof(ULong));
   VG_(track_stop_client_code)(control_stop);
   if (pv_clo_start_paused) {
      if (pv_ring_ctrl()) {
         state = ST_PAUSED;
         want_stop = True;
      } else {
         VG_(umsg)("pervert: --start-paused=yes ignored: no viewer\n");
      }
   }
   if (!pv_ring_ctrl())
      gone = True;
}
