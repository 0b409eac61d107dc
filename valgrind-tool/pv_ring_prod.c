/* pv_ring_prod.c -- the producer side of the pervert ring, and the launch
 * of its consumer.
 *
 * The ring is one file in /dev/shm (O_CREAT|O_EXCL, mode 0600, a name made
 * of the pid and a random number), mapped with the core's
 * VG_(am_shared_mmap_file_float_valgrind), laid out as shared/pv_proto.h
 * describes.  The file is unlinked as soon as the consumer has it mapped, so
 * a killed run leaves nothing behind.
 *
 * Writing.  pv_cur and pv_lim delimit the room the generated code may fill
 * without asking: each instrumented superblock checks once that its worst
 * case fits (pv_cur + need <= pv_lim) and otherwise calls pv_room_sb, then
 * stores its access records with plain stores.  pv_lim is never more than
 * PV_BATCH bytes ahead, so pv_room_sb also runs every few thousand events:
 * that is where records are published (one release store of head), where a
 * TIME record is added, and where the control page is looked at.  There is
 * no system call per event or per superblock.
 *
 * Modes:
 *   RING     pv_cur points into the shared data area.
 *   DROP     --when-full=drop and the ring was full: accesses go to a
 *            scratch buffer and are counted; records written by C code
 *            (sites, heap, maps) always wait for room, so the stream stays
 *            consistent; a DROPPED record marks the gap.
 *   DISCARD  no consumer (--viewer=no, the consumer left, or a forked
 *            child): everything goes to scratch buffers.
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_libcsignal.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"
#include "pub_tool_xarray.h"
#include "pv_tool.h"
#include "pv_core.h"

#define PV_BATCH        (64 * 1024)       /* publish at least this often (bytes) */
#define PV_SCRATCH      (512 * 1024)      /* > the largest superblock's records */
#define PV_C_SCRATCH    (600 * 1024)      /* > the largest C record */

enum { MODE_RING, MODE_DROP, MODE_DISCARD };

static Int    mode = MODE_DISCARD;   /* until pv_ring_start: nothing is sent */
static struct pv_ctrl* ctrl;
static UChar* data;
static ULong  size, mask;
static ULong  lap_base;          /* counter value of data[0] in the current lap */
static ULong  published;         /* last head stored */
static UChar  scratch[PV_SCRATCH + 64] __attribute__((aligned(64)));     /* accesses not sent */
static UChar  c_scratch[PV_C_SCRATCH + 64] __attribute__((aligned(64))); /* C records not sent */

UChar* pv_cur = scratch;
UChar* pv_lim = scratch + PV_SCRATCH;
static ULong  dropped, dropped_sent, discarded, total_bytes;
static ULong  start_ns, last_time_ns;
static Int    consumer_pid;
static Bool   consumer_left;
static HChar  ring_path[128];
static ULong  final_counts[PV_REC_LAST + 1];
static Bool   have_final_counts;

ULong pv_now_ns(void)
{
   struct vki_timespec ts;
   VG_(clock_gettime)(&ts, VKI_CLOCK_MONOTONIC);
   return (ULong)ts.tv_sec * 1000000000ULL + (ULong)ts.tv_nsec;
}

static ULong wall_ns(void)
{
   struct vki_timespec ts;
   VG_(clock_gettime)(&ts, VKI_CLOCK_REALTIME);
   return (ULong)ts.tv_sec * 1000000000ULL + (ULong)ts.tv_nsec;
}

static void sleep_us(UInt us)
{
   struct vki_timespec ts;
   ts.tv_sec = us / 1000000;
   ts.tv_nsec = (us % 1000000) * 1000;
   (void)VG_(do_syscall2)(__NR_nanosleep, (UWord)&ts, 0);
}

static Bool pid_alive(Int pid)
{
   if (pid <= 0) return False;
   return VG_(kill)(pid, 0) == 0;
}

UInt pv_strbytes(const HChar* s) { return (UInt)VG_(strlen)(s ? s : "") + 1; }

UChar* pv_put_str(UChar* p, const HChar* s)
{
   UInt n = pv_strbytes(s);
   VG_(memcpy)(p, s ? s : "", n);
   return p + n;
}

UChar* pv_pad8(UChar* start, UChar* p)
{
   while ((p - start) & 7) *p++ = 0;
   return p;
}

static inline ULong counter_of(UChar* p) { return lap_base + (ULong)(p - data); }

Bool pv_ring_hold;               /* pv_control.c: the program is held, publish nothing */

static void publish_now(void)
{
   if (pv_ring_hold) return;
   ULong h = counter_of(pv_cur);
   if (h != published) {
      total_bytes += h - published;
      published = h;
      __atomic_store_n(&ctrl->head, h, __ATOMIC_RELEASE);
   }
}

void pv_ring_publish(void)
{
   if (mode == MODE_RING)
      publish_now();
}

static Bool consumer_gone(void)
{
   UInt st = __atomic_load_n(&ctrl->consumer_state, __ATOMIC_ACQUIRE);
   if (st == PV_CONS_GONE || st == PV_CONS_REJECTED || st == PV_CONS_EXECFAIL)
      return True;
   return !pid_alive(consumer_pid);
}

static void to_discard(void)
{
   mode = MODE_DISCARD;
   pv_cur = scratch;
   pv_lim = scratch + PV_SCRATCH;
}

static void consumer_went_away(void)
{
   if (!consumer_left && ctrl) {
      consumer_left = True;
      VG_(umsg)("pervert: the viewer/consumer (pid %d) went away%s\n", consumer_pid,
                pv_clo_viewer_exit_kill ? ""
                : "; the program continues, events are discarded");
   }
   to_discard();
}

/* Free bytes in the ring as the consumer last said. */
static ULong ring_free(void)
{
   ULong tail = __atomic_load_n(&ctrl->tail, __ATOMIC_ACQUIRE);
   return size - (counter_of(pv_cur) - tail);
}

/* Wait until the ring has FREE_NEEDED free bytes; False if the consumer left. */
static ULong wait_ns, attach_ns;   /* time blocked on a full ring; waiting for the attach */

ULong pv_ring_wait_ns(void)   { return wait_ns; }
ULong pv_ring_attach_ns(void) { return attach_ns; }

static Bool wait_for_free(ULong free_needed)
{
   UInt spins = 0;
   if (ring_free() >= free_needed)
      return True;
   ULong t0 = pv_now_ns();
   while (ring_free() < free_needed) {
      publish_now();
      if ((++spins & 63) == 0 && consumer_gone()) {
         consumer_went_away();
         wait_ns += pv_now_ns() - t0;
         return False;
      }
      sleep_us(spins < 100 ? 20 : 200);
   }
   wait_ns += pv_now_ns() - t0;
   /* the consumer reads it to see that it holds the program up */
   __atomic_store_n(&ctrl->waited_ns, wait_ns, __ATOMIC_RELAXED);
   return True;
}

/* Ensure NEED contiguous bytes at pv_cur in the ring.  WAIT: block until
 * there is room (else return False when full).  Handles wrapping. */
static Bool ring_reserve(ULong need, Bool wait)
{
   ULong pos = (ULong)(pv_cur - data);
   if (pos + need > size) {
      ULong pad = size - pos;
      if (ring_free() < pad + need) {
         if (!wait) return False;
         if (!wait_for_free(pad + need)) return False;
      }
      if (pad > 0)       /* pos == size: the lap is exactly full, no padding */
         *(ULong*)pv_cur = PV_HDR(PV_REC_PAD, 1, 1, 0);
      lap_base += size;
      pv_cur = data;
      return True;
   }
   if (ring_free() < need) {
      if (!wait) return False;
      if (!wait_for_free(need)) return False;
   }
   return True;
}

static void set_limit(void)
{
   ULong pos  = (ULong)(pv_cur - data);
   ULong room = ring_free();
   if (room > size - pos) room = size - pos;
   if (room > PV_BATCH) room = PV_BATCH;
   pv_lim = pv_cur + room;
}

static void put_time_record(void)
{
   ULong now = pv_now_ns();
   if (now - last_time_ns < 1000000ULL)
      return;
   last_time_ns = now;
   ULong* w = (ULong*)pv_cur;
   w[0] = PV_HDR(PV_REC_TIME, 0, 2, 0);
   w[1] = now - start_ns;
   pv_cur += 16;
}

static Bool muted;               /* access records go nowhere (after exit_group) */

static void leave_drop_mode_if_possible(void)
{
   if (muted) {
      pv_cur = scratch;
      pv_lim = scratch + PV_SCRATCH;
      return;
   }
   dropped += (ULong)(pv_cur - scratch) / 16;
   mode = MODE_RING;
   pv_cur = data + (published - lap_base);
   if (ring_reserve(32, False)) {
      ULong* w = (ULong*)pv_cur;
      w[0] = PV_HDR(PV_REC_DROPPED, 0, 2, 0);
      w[1] = dropped - dropped_sent;   /* since the previous DROPPED */
      dropped_sent = dropped;
      pv_cur += 16;
      __atomic_store_n(&ctrl->dropped, dropped, __ATOMIC_RELEASE);
      return;
   }
   mode = MODE_DROP;
   pv_cur = scratch;
   pv_lim = scratch + PV_SCRATCH;
}

/* From now on access records are not sent (the program called exit_group:
 * what runs next is Valgrind's clean-up).  Other records still are. */
void pv_ring_mute_accesses(void)
{
   if (mode == MODE_DISCARD || muted) return;
   if (mode == MODE_DROP) leave_drop_mode_if_possible();
   if (mode == MODE_RING) publish_now();
   muted = True;
   mode = MODE_DROP;
   pv_cur = scratch;
   pv_lim = scratch + PV_SCRATCH;
}

/* Called by the generated code (guarded: only when pv_cur + need > pv_lim). */
VG_REGPARM(1) void pv_room_sb(UWord need)
{
   tl_assert(need <= PV_SCRATCH);
   if (mode == MODE_DISCARD) {
      discarded += (ULong)(pv_cur - scratch) / 16;
      pv_cur = scratch;
      pv_lim = scratch + PV_SCRATCH;
      return;
   }
   if (mode == MODE_DROP) {
      leave_drop_mode_if_possible();
      if (mode == MODE_DROP) return;
   }
   pv_control_room();             /* a command waiting? (pv_control.c) */
   publish_now();
   if (!ring_reserve(need + 16, !pv_clo_drop)) {
      if (mode == MODE_DISCARD) { pv_room_sb(need); return; }
      /* --when-full=drop */
      mode = MODE_DROP;
      pv_cur = scratch;
      pv_lim = scratch + PV_SCRATCH;
      return;
   }
   if (mode != MODE_RING) { pv_room_sb(need); return; }
   put_time_record();
   set_limit();
}

UChar* pv_emit_begin(UInt n)
{
   tl_assert(n <= PV_C_SCRATCH);
   if (mode == MODE_DROP) {
      /* A structural record must not be lost: back to the ring, waiting
       * for room if need be, with a DROPPED record for the gap. */
      if (!muted) dropped += (ULong)(pv_cur - scratch) / 16;
      mode = MODE_RING;
      pv_cur = data + (published - lap_base);
      if (!muted && ring_reserve(n + 16, True) && mode == MODE_RING) {
         ULong* w = (ULong*)pv_cur;
         w[0] = PV_HDR(PV_REC_DROPPED, 0, 2, 0);
         w[1] = dropped - dropped_sent;
         dropped_sent = dropped;
         pv_cur += 16;
         __atomic_store_n(&ctrl->dropped, dropped, __ATOMIC_RELEASE);
      }
   }
   if (mode == MODE_RING && !ring_reserve(n, True))
      tl_assert(mode == MODE_DISCARD);
   if (mode == MODE_DISCARD)
      return c_scratch;
   return pv_cur;
}

void pv_emit_done(UChar* end)
{
   if (mode == MODE_DISCARD) {
      /* the generated code's room is unaffected */
      return;
   }
   pv_cur = end;
   if (muted) {
      publish_now();
      mode = MODE_DROP;
      pv_cur = scratch;
      pv_lim = scratch + PV_SCRATCH;
      return;
   }
   set_limit();
   if (pv_lim < pv_cur) pv_lim = pv_cur;
}

/* ---- the consumer ---------------------------------------------------- */

/* Split CMD on spaces into argv (plus the ring path at the end). */
static const HChar** split_command(const HChar* cmd, const HChar* last)
{
   HChar* copy = VG_(strdup)("pv.cmd", cmd);
   Int n = 0, cap = 8;
   const HChar** argv = VG_(malloc)("pv.argv", cap * sizeof(HChar*));
   HChar* p = copy;
   for (;;) {
      while (*p == ' ') p++;
      if (!*p) break;
      if (n + 2 >= cap) { cap *= 2; argv = VG_(realloc)("pv.argv", argv, cap * sizeof(HChar*)); }
      argv[n++] = p;
      while (*p && *p != ' ') p++;
      if (*p) *p++ = 0;
   }
   argv[n++] = last;
   argv[n] = NULL;
   return argv;
}

static Bool is_executable(const HChar* path)
{
   return VG_(access)(path, True, False, True) == 0;
}

/* Find PROG: as given if it has a '/', else in $PERVERT_BINDIR, the
 * directory pervert was installed to, then $PATH. */
static HChar* find_program(const HChar* prog)
{
   static HChar buf[4096];
   if (VG_(strchr)(prog, '/'))
      return is_executable(prog) ? VG_(strdup)("pv.prog", prog) : NULL;
   const HChar* dirs[3];
   dirs[0] = VG_(getenv)("PERVERT_BINDIR");
#ifdef PV_BINDIR
   dirs[1] = PV_BINDIR;
#else
   dirs[1] = NULL;
#endif
   dirs[2] = VG_(getenv)("PATH");
   for (Int d = 0; d < 3; d++) {
      const HChar* s = dirs[d];
      if (!s) continue;
      while (*s) {
         const HChar* e = VG_(strchr)(s, ':');
         Int len = e ? (Int)(e - s) : (Int)VG_(strlen)(s);
         if (len > 0 && len < 3000) {
            VG_(snprintf)(buf, sizeof buf, "%.*s/%s", len, s, prog);
            if (is_executable(buf))
               return VG_(strdup)("pv.prog", buf);
         }
         s += len;
         if (*s == ':') s++;
      }
   }
   return NULL;
}

static void fatal(const HChar* msg)
{
   VG_(umsg)("pervert: %s\n", msg);
   if (ring_path[0]) VG_(unlink)(ring_path);
   VG_(exit)(1);
}

static void make_ring(void)
{
   UInt seed = (UInt)(wall_ns() ^ ((ULong)VG_(getpid)() << 20));
   Int fd = -1;
   for (Int tries = 0; tries < 50 && fd < 0; tries++) {
      VG_(snprintf)(ring_path, sizeof ring_path, "/dev/shm/pervert-%d-%08x",
                    VG_(getpid)(), VG_(random)(&seed));
      SysRes r = VG_(open)(ring_path, VKI_O_CREAT | VKI_O_EXCL | VKI_O_RDWR, 0600);
      if (!sr_isError(r)) fd = (Int)sr_Res(r);
   }
   if (fd < 0) { ring_path[0] = 0; fatal("cannot create a ring file in /dev/shm"); }
   ULong total = PV_CTRL_SIZE + pv_clo_ring_size;
   SysRes r = VG_(do_syscall2)(__NR_ftruncate, fd, total);
   if (sr_isError(r)) { VG_(close)(fd); fatal("cannot size the ring file in /dev/shm (out of space?)"); }
   r = VG_(am_shared_mmap_file_float_valgrind)(total, VKI_PROT_READ | VKI_PROT_WRITE, fd, 0);
   VG_(close)(fd);
   if (sr_isError(r)) fatal("cannot map the ring file");
   ctrl = (struct pv_ctrl*)sr_Res(r);
   data = (UChar*)ctrl + PV_CTRL_SIZE;
   size = pv_clo_ring_size;
   mask = size - 1;
   ctrl->magic = PV_MAGIC;
   ctrl->version = PV_PROTO_VERSION;
   ctrl->ctrl_size = PV_CTRL_SIZE;
   ctrl->data_size = size;
   ctrl->producer_pid = (pv_u32)VG_(getpid)();
   ctrl->flags = pv_info_flags();
   ctrl->producer_state = PV_PROD_STARTING;
}

static void spawn_consumer(const HChar* cmd)
{
   const HChar** argv = split_command(cmd, ring_path);
   if (!argv[0] || argv[0] == ring_path) fatal("--viewer needs a command");
   HChar* prog = find_program(argv[0]);
   if (!prog) {
      HChar msg[512];
      if (VG_(strchr)(argv[0], '/'))
         VG_(snprintf)(msg, sizeof msg, "cannot run the viewer program '%s' "
                       "(no such executable)", argv[0]);
      else
         VG_(snprintf)(msg, sizeof msg, "cannot find the viewer program '%s' "
                       "(looked in $PERVERT_BINDIR, the install directory and $PATH)", argv[0]);
      fatal(msg);
   }
   /* VG_(fork) leaves a pipe open in the program's file descriptor range
    * (seen with 3.19): remember which low descriptors are open now, and
    * close whatever is new after the fork, so the program sees the same
    * descriptors as without pervert. */
   enum { LOW_FDS = 256 };
   Bool was_open[LOW_FDS];
   for (Int fd = 0; fd < LOW_FDS; fd++)
      was_open[fd] = !sr_isError(VG_(do_syscall2)(__NR_fcntl, fd, VKI_F_GETFD));
   Int pid = VG_(fork)();
   if (pid < 0) fatal("cannot fork the viewer");
   if (pid == 0) {
      /* Intermediate child: fork again and leave, so that the consumer is
       * not the program's child (the program may wait for any child). */
      Int pid2 = VG_(fork)();
      if (pid2 != 0) VG_(exit)(pid2 < 0 ? 1 : 0);
      vki_sigset_t none;
      VG_(memset)(&none, 0, sizeof none);
      VG_(sigprocmask)(VKI_SIG_SETMASK, &none, NULL);
      /* Own session: Ctrl-C in the program's terminal is for the program. */
      (void)VG_(do_syscall0)(__NR_setsid);
      /* Do not hold the program's files (pipes!) open. */
      for (Int fd = 3; fd < 1024; fd++)
         (void)VG_(do_syscall1)(__NR_close, fd);
      ctrl->consumer_pid = (pv_u32)VG_(getpid)();
      VG_(execv)(prog, argv);
      __atomic_store_n(&ctrl->consumer_state, PV_CONS_EXECFAIL, __ATOMIC_RELEASE);
      VG_(exit)(127);
   }
   Int status = 0;
   VG_(waitpid)(pid, &status, 0);
   for (Int fd = 0; fd < LOW_FDS; fd++)
      if (!was_open[fd] && !sr_isError(VG_(do_syscall2)(__NR_fcntl, fd, VKI_F_GETFD)))
         (void)VG_(do_syscall1)(__NR_close, fd);
   /* Wait for the consumer to attach (an SDL window may take a while). */
   ULong t0 = pv_now_ns();
   for (;;) {
      UInt st = __atomic_load_n(&ctrl->consumer_state, __ATOMIC_ACQUIRE);
      consumer_pid = (Int)ctrl->consumer_pid;
      if (st == PV_CONS_ATTACHED || st == PV_CONS_FINISHED) break;
      /* Attached and already gone (e.g. no display): the program runs on
       * without a consumer; the first room check notices and says so. */
      if (st == PV_CONS_GONE) break;
      if (st == PV_CONS_REJECTED) { ring_path[0] = 0; fatal("the viewer refused the ring: protocol version mismatch (see its message above)"); }
      if (st == PV_CONS_EXECFAIL) {
         HChar msg[512];
         VG_(snprintf)(msg, sizeof msg, "cannot start the viewer '%s'", prog);
         fatal(msg);
      }
      if (consumer_pid > 0 && !pid_alive(consumer_pid)) {
         HChar msg[512];
         VG_(snprintf)(msg, sizeof msg, "the viewer '%s' exited before attaching to the ring", cmd);
         fatal(msg);
      }
      if (pv_now_ns() - t0 > 60ULL * 1000000000ULL)
         fatal("the viewer did not attach to the ring within 60 s");
      sleep_us(1000);
   }
   attach_ns = pv_now_ns() - t0;
   VG_(unlink)(ring_path);   /* the consumer has it mapped: nothing to leave behind */
}

/* INFO: the first record. */
static void put_info(void)
{
   UInt sbytes = 0;
   const HChar* exe = VG_(args_the_exename) ? VG_(args_the_exename) : "";
   sbytes += pv_strbytes(exe);
   Word nargs = VG_(args_for_client) ? VG_(sizeXA)(VG_(args_for_client)) : 0;
   for (Word i = 0; i < nargs; i++)
      sbytes += pv_strbytes(*(HChar**)VG_(indexXA)(VG_(args_for_client), i));
   sbytes += 1;
   UInt n = 32 + PV_ALIGN8(sbytes);
   UChar* p = pv_emit_begin(n);
   ULong* w = (ULong*)p;
   w[0] = PV_HDR(PV_REC_INFO, 0, n / 8, VG_(getpid)());
   w[1] = wall_ns();
   w[2] = pv_info_flags();
   w[3] = pv_clo_stack_depth;
   UChar* s = p + 32;
   s = pv_put_str(s, exe);
   for (Word i = 0; i < nargs; i++)
      s = pv_put_str(s, *(HChar**)VG_(indexXA)(VG_(args_for_client), i));
   *s++ = 0;
   s = pv_pad8(p, s);
   pv_emit_done(s);
}

void pv_ring_start(const HChar* viewer_cmd)
{
   start_ns = last_time_ns = pv_now_ns();
   to_discard();
   if (VG_(strcmp)(viewer_cmd, "no") == 0)
      return;
   make_ring();
   spawn_consumer(viewer_cmd);
   mode = MODE_RING;
   pv_cur = data;
   lap_base = 0;
   published = 0;
   __atomic_store_n(&ctrl->producer_state, PV_PROD_RUNNING, __ATOMIC_RELEASE);
   put_info();
   set_limit();
   publish_now();
}

Bool pv_ring_has_consumer(void) { return mode != MODE_DISCARD; }

void pv_ring_exec(const HChar* path)
{
   pv_ring_hold = False;
   if (mode == MODE_DISCARD) return;
   UInt n = 8 + PV_ALIGN8(pv_strbytes(path));
   UChar* p = pv_emit_begin(n);
   *(ULong*)p = PV_HDR(PV_REC_EXEC, 0, n / 8, 0);
   UChar* s = pv_put_str(p + 8, path);
   pv_emit_done(pv_pad8(p, s));
   if (mode != MODE_RING) return;
   publish_now();
   /* If the exec succeeds nothing of this process will be left to wait
    * for the consumer: let it take everything now. */
   for (UInt spins = 1; __atomic_load_n(&ctrl->tail, __ATOMIC_ACQUIRE) != published; spins++) {
      if ((spins & 63) == 0 && consumer_gone()) { consumer_went_away(); return; }
      sleep_us(spins < 100 ? 50 : 1000);
   }
}

static Bool fork_child;

Bool pv_ring_is_fork_child(void) { return fork_child; }

void pv_ring_forget_in_child(void)
{
   fork_child = True;
   pv_ring_hold = False;
   /* The ring belongs to the parent: never touch it again. */
   ctrl = NULL;
   data = NULL;
   consumer_pid = 0;
   to_discard();
}

void pv_ring_finish(Bool by_signal, Int status)
{
   pv_ring_hold = False;
   if (mode == MODE_DISCARD || !ctrl) {
      discarded += (ULong)(pv_cur - scratch) / 16;
      pv_cur = scratch;
      return;
   }
   UChar* p = pv_emit_begin(8);
   *(ULong*)p = PV_HDR(PV_REC_EXIT, by_signal ? 1 : 0, 1, (UInt)status);
   pv_emit_done(p + 8);
   if (mode == MODE_DISCARD) return;
   if (mode == MODE_RING) publish_now();
   ctrl->exit_status = status;
   __atomic_store_n(&ctrl->dropped, dropped, __ATOMIC_RELEASE);
   __atomic_store_n(&ctrl->producer_state, PV_PROD_EXITED, __ATOMIC_RELEASE);
   /* Wait until the consumer has everything (its output is then complete). */
   for (UInt spins = 0;; spins++) {
      UInt st = __atomic_load_n(&ctrl->consumer_state, __ATOMIC_ACQUIRE);
      if (st == PV_CONS_FINISHED) break;
      if (st != PV_CONS_ATTACHED || ((spins & 63) == 0 && !pid_alive(consumer_pid))) {
         consumer_left = True;
         break;
      }
      sleep_us(spins < 200 ? 100 : 2000);
   }
   for (Int i = 0; i <= PV_REC_LAST; i++)
      final_counts[i] = ctrl->counts[i];
   have_final_counts = !consumer_left;
}

ULong pv_ring_bytes(void)     { return total_bytes; }
ULong pv_ring_dropped(void)   { return dropped; }
ULong pv_ring_discarded(void) { return discarded; }
Bool  pv_ring_consumer_left(void) { return consumer_left; }
ULong pv_ring_start_ns(void)  { return start_ns; }
const volatile ULong* pv_ring_consumer_counts(void)
{
   return have_final_counts ? final_counts : NULL;
}

/* ---- for the control channel (pv_control.c) -------------------------- */

struct pv_ctrl* pv_ring_ctrl(void)
{
   return mode != MODE_DISCARD ? ctrl : NULL;
}

/* A killed consumer stays a zombie until init reaps it; kill(pid, 0)
 * still succeeds then.  /proc/PID/stat says "Z". */
static Bool consumer_zombie(void)
{
   HChar path[64], buf[256];
   if (consumer_pid <= 0) return False;
   VG_(snprintf)(path, sizeof path, "/proc/%d/stat", consumer_pid);
   SysRes r = VG_(open)(path, VKI_O_RDONLY, 0);
   if (sr_isError(r)) return False;
   Int fd = (Int)sr_Res(r);
   Int n = VG_(read)(fd, buf, sizeof buf - 1);
   VG_(close)(fd);
   if (n <= 0) return False;
   buf[n] = 0;
   const HChar* p = VG_(strrchr)(buf, ')');     /* "pid (comm) S ..." */
   return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

Bool pv_ring_consumer_check(void)
{
   if (mode == MODE_DISCARD || !ctrl) return False;
   if (consumer_gone() || consumer_zombie()) {
      consumer_went_away();
      return False;
   }
   return True;
}

/* Walk the records written but not published, in MODE_RING: count the
 * access records, stopping at the (stop+1)-th; *end = where it stopped. */
static ULong walk_unpublished(ULong stop, ULong* end)
{
   ULong c = published, n = 0;
   *end = c;
   if (mode != MODE_RING) return 0;
   ULong last = counter_of(pv_cur);
   while (c < last) {
      ULong pos = c & mask;
      ULong h = *(ULong*)(data + pos);
      UInt t = PV_HDR_TYPE(h);
      if (PV_IS_ACCESS(t)) {
         if (n == stop) break;
         n++;
         c += 16;
      } else if (t == PV_REC_PAD && PV_HDR_SUB(h) == 1) {
         c += size - pos;
      } else {
         ULong len = (ULong)PV_HDR_N16(h) * 8;
         if (len == 0) break;      /* cannot happen: our own records */
         c += len;
      }
   }
   *end = c > last ? last : c;
   return n;
}

ULong pv_ring_unpublished_accesses(void)
{
   ULong end;
   return walk_unpublished(~0ULL, &end);
}

/* Publish the next N unpublished access records and the other records up
 * to the one after them, even while held. */
void pv_ring_publish_accesses(ULong n)
{
   ULong end;
   walk_unpublished(n, &end);
   if (mode == MODE_RING && end > published) {
      total_bytes += end - published;
      published = end;
      __atomic_store_n(&ctrl->head, end, __ATOMIC_RELEASE);
   }
}
