/* pv_space.c -- the program's address space, its threads, and the memory
 * the kernel reads and writes for it.
 *
 * Mappings: the initial map is sent just before the first client
 * instruction runs (so the main thread's stack is known), then every
 * mmap/munmap/mremap/mprotect/brk/shmat through the core's track_* hooks.
 * Each MAP record says what the range is (code, data, bss, heap, stack,
 * anonymous, file, shm) and names it.
 *
 * Threads: PV_REC_THREAD whenever another thread starts running (Valgrind
 * runs one at a time, so access records need no thread id), plus create,
 * exit and each thread's stack range.
 *
 * Kernel accesses: pre_mem_read (the kernel will read client memory, e.g.
 * write(2)'s buffer) and post_mem_write (it wrote it, e.g. read(2)'s
 * buffer) become KREAD/KWRITE records with the system call number.
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_machine.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"
#include "pv_tool.h"

static ThreadId running = VG_INVALID_THREADID;
static Bool     first_run_done;
static Bool*    stack_sent;     /* per thread id, VG_N_THREADS + 1 of each */
static UInt*    cur_sysno;
static Bool*    in_syscall;
static ULong    n_maps, n_unmaps, n_protects, n_remaps, n_brk, n_threads;
static ULong    n_kread, n_kwrite, b_kread, b_kwrite;
Bool pv_exit_seen;
Int  pv_exit_status;
Int  pv_fatal_signal;

static UInt prot_of(Bool r, Bool w, Bool x)
{
   return (r ? PV_PROT_READ : 0) | (w ? PV_PROT_WRITE : 0) | (x ? PV_PROT_EXEC : 0);
}

static const HChar* basename_of(const HChar* p)
{
   const HChar* s = VG_(strrchr)(p, '/');
   return s ? s + 1 : p;
}

static void send_map(UInt kind, UInt prot, Addr a, SizeT len, ULong off, const HChar* name)
{
   if (len == 0) return;
   UInt n = 32 + PV_ALIGN8(pv_strbytes(name));
   UChar* p = pv_emit_begin(n);
   ULong* w = (ULong*)p;
   w[0] = PV_HDR(PV_REC_MAP, kind, n / 8, prot);
   w[1] = a;
   w[2] = len;
   w[3] = off;
   pv_emit_done(pv_pad8(p, pv_put_str(p + 32, name)));
   n_maps++;
}

static void send3(UInt type, UInt a32, ULong w1, ULong w2, ULong w3, UInt words)
{
   UChar* p = pv_emit_begin(words * 8);
   ULong* w = (ULong*)p;
   w[0] = PV_HDR(type, 0, words, a32);
   if (words > 1) w[1] = w1;
   if (words > 2) w[2] = w2;
   if (words > 3) w[3] = w3;
   pv_emit_done(p + words * 8);
}

/* Classify the client segment at A and send it. */
static void send_segment(Addr a, SizeT len, Bool r, Bool w, Bool x, Addr main_sp)
{
   NSegment const* seg = VG_(am_find_nsegment)(a);
   const HChar* name = seg ? VG_(am_get_filename)(seg) : NULL;
   UInt prot = prot_of(r, w, x);
   ULong off = 0;
   UInt kind;
   HChar label[256];
   if (seg && seg->kind == SkFileC && name && VG_(strstr)(name, "/pervert-amd64-linux")) {
      /* the page of Valgrind's own code the client runs (signal return) */
      kind = PV_MAP_CODE;
      name = "[valgrind trampoline]";
   } else if (seg && seg->kind == SkFileC && name) {
      off = (ULong)seg->offset + (a - seg->start);
      kind = x ? PV_MAP_CODE : (w ? PV_MAP_DATA : PV_MAP_RODATA);
   } else if (seg && seg->kind == SkShmC) {
      kind = PV_MAP_SHM;
      name = "shared memory";
   } else if (main_sp && seg && main_sp >= seg->start && main_sp <= seg->end) {
      kind = PV_MAP_STACK;
      name = "[stack]";
   } else if (seg && seg->isCH) {
      kind = PV_MAP_HEAP;
      name = "[heap]";
   } else {
      /* Anonymous memory right after a file's writable mapping is its bss. */
      NSegment const* prev = a > 0 ? VG_(am_find_nsegment)(a - 1) : NULL;
      const HChar* pname = prev ? VG_(am_get_filename)(prev) : NULL;
      if (prev && prev->kind == SkFileC && prev->hasW && pname) {
         VG_(snprintf)(label, sizeof label, "%s .bss", basename_of(pname));
         name = label;
         kind = PV_MAP_BSS;
      } else {
         kind = PV_MAP_ANON;
         name = "anonymous";
      }
   }
   send_map(kind, prot, a, len, off, name ? name : "");
}

void pv_space_first_run(void)
{
   Addr starts[4096];
   Int n = VG_(am_get_segment_starts)(SkFileC | SkAnonC | SkShmC, starts, 4096);
   Addr sp = VG_(get_SP)(1);
   for (Int i = 0; i < n; i++) {
      NSegment const* seg = VG_(am_find_nsegment)(starts[i]);
      if (!seg) continue;
      if (!seg->hasR && !seg->hasW && !seg->hasX) continue;   /* guard pages */
      send_segment(seg->start, seg->end - seg->start + 1,
                   seg->hasR, seg->hasW, seg->hasX, sp);
   }
}

static void new_mem_mmap(Addr a, SizeT len, Bool r, Bool w, Bool x, ULong di_handle)
{
   send_segment(a, len, r, w, x, 0);
}

static void die_mem_munmap(Addr a, SizeT len)
{
   send3(PV_REC_UNMAP, 0, a, len, 0, 3);
   n_unmaps++;
   pv_sites_forget_range(a, len);
}

static void new_mem_brk(Addr a, SizeT len, ThreadId tid)
{
   send_map(PV_MAP_HEAP, PV_PROT_READ | PV_PROT_WRITE, a, len, 0, "[heap]");
   n_brk++;
}

static void die_mem_brk(Addr a, SizeT len)
{
   send3(PV_REC_UNMAP, 0, a, len, 0, 3);
   n_unmaps++;
}

static void copy_mem_remap(Addr from, Addr to, SizeT len)
{
   send3(PV_REC_REMAP, 0, from, to, len, 4);
   n_remaps++;
}

static void change_mem_mprotect(Addr a, SizeT len, Bool r, Bool w, Bool x)
{
   send3(PV_REC_PROTECT, prot_of(r, w, x), a, len, 0, 3);
   n_protects++;
}

/* ---- threads ---- */

static void send_thread_stack(ThreadId tid)
{
   Addr hi = VG_(thread_get_stack_max)(tid);
   SizeT sz = VG_(thread_get_stack_size)(tid);
   stack_sent[tid] = True;
   if (hi == 0 || sz == 0) {
      /* Not registered by the core: the mapping holding the stack pointer. */
      NSegment const* seg = VG_(am_find_nsegment)(VG_(get_SP)(tid));
      if (!seg || seg->kind == SkResvn) return;
      hi = seg->end;
      sz = seg->end - seg->start + 1;
   }
   send3(PV_REC_THREAD_STACK, tid, hi - sz + 1, hi + 1, 0, 3);
}

static void start_client_code(ThreadId tid, ULong blocks_done)
{
   if (!first_run_done) {
      first_run_done = True;
      pv_space_first_run();
   }
   if (tid != running) {
      running = tid;
      send3(PV_REC_THREAD, tid, 0, 0, 0, 1);
   }
   if (tid < VG_N_THREADS && !stack_sent[tid])
      send_thread_stack(tid);
   /* The scheduler comes here every time slice: publish. */
   pv_ring_publish();
   pv_control_start(tid);        /* pause, step, slow motion (pv_control.c) */
}

static void thread_create(ThreadId parent, ThreadId child)
{
   send3(PV_REC_THREAD_CREATE, child, parent, 0, 0, 2);
   if (child <= VG_N_THREADS) stack_sent[child] = False;
   n_threads++;
}

static void thread_exit(ThreadId tid)
{
   send3(PV_REC_THREAD_EXIT, tid, 0, 0, 0, 1);
   pv_heapfn_thread_exit(tid);
   pv_stacks_forget_thread(tid);
   if (running == tid) running = VG_INVALID_THREADID;
}

/* ---- kernel accesses ---- */

static void kernel_access(UInt type, CorePart part, ThreadId tid, Addr a, SizeT size)
{
   if (size == 0 || !pv_tracing) return;
   UInt sysno;
   if (part == Vg_CoreSysCall || part == Vg_CoreSysCallArgInMem)
      sysno = (tid <= VG_N_THREADS && in_syscall[tid]) ? cur_sysno[tid] : 0xFFFFFFFFu;
   else if (part == Vg_CoreSignal)
      sysno = 0xFFFFFFFEu;    /* a signal frame */
   else
      return;                 /* client requests, translations: not the kernel */
   if (tid != running && tid != VG_INVALID_THREADID) {
      running = tid;
      send3(PV_REC_THREAD, tid, 0, 0, 0, 1);
   }
   send3(type, sysno, a, size, 0, 3);
   if (type == PV_REC_KREAD) { n_kread++; b_kread += size; }
   else                      { n_kwrite++; b_kwrite += size; }
}

static void pre_mem_read(CorePart part, ThreadId tid, const HChar* s, Addr a, SizeT size)
{
   kernel_access(PV_REC_KREAD, part, tid, a, size);
}

static void pre_mem_read_asciiz(CorePart part, ThreadId tid, const HChar* s, Addr a)
{
   /* The core has checked the string is addressable before calling. */
   if (!VG_(am_is_valid_for_client)(a, 1, VKI_PROT_READ)) return;
   SizeT n = 0;
   while (n < 65536 && VG_(am_is_valid_for_client)(a + n, 1, VKI_PROT_READ)
          && ((const HChar*)a)[n]) {
      n++;
      if (((a + n) & 4095) == 0 && !VG_(am_is_valid_for_client)(a + n, 1, VKI_PROT_READ))
         break;
   }
   kernel_access(PV_REC_KREAD, part, tid, a, n + 1);
}

static void post_mem_write(CorePart part, ThreadId tid, Addr a, SizeT size)
{
   kernel_access(PV_REC_KWRITE, part, tid, a, size);
}

void pv_space_pre_syscall(ThreadId tid, UInt sysno, UWord* args, UInt nargs)
{
   if (tid <= VG_N_THREADS) { cur_sysno[tid] = sysno; in_syscall[tid] = True; }
   if (sysno == __NR_exit_group || sysno == __NR_exit) {
      pv_exit_seen = True;
      pv_exit_status = (Int)(args[0] & 0xFF);
   }
   /* The program's own work ends here; what runs after exit_group is
    * Valgrind's clean-up (libc's freeres), whose accesses are not the
    * program's.  Its frees are still reported, so heap totals match. */
   if (sysno == __NR_exit_group)
      pv_ring_mute_accesses();
   /* A signal the program sends itself (abort, raise): remember it, in
    * case it is the one that ends the program. */
   Int me = VG_(getpid)();
   pv_fatal_signal = 0;     /* the program went on after any earlier one */
   if ((sysno == __NR_kill && (Int)args[0] == me)
       || (sysno == __NR_tgkill && (Int)args[0] == me)
       || (sysno == __NR_tkill))
      pv_fatal_signal = (Int)(sysno == __NR_tgkill ? args[2] : args[1]);
   if (sysno == __NR_execve || sysno == __NR_execveat) {
      const HChar* path = (const HChar*)(sysno == __NR_execve ? args[0] : args[1]);
      if (path && VG_(am_is_valid_for_client)((Addr)path, 1, VKI_PROT_READ))
         pv_ring_exec(path);
      else
         pv_ring_exec("");
   }
   /* A system call may block: let the consumer see everything so far. */
   pv_ring_publish();
}

void pv_space_post_syscall(ThreadId tid, UInt sysno)
{
   if (tid <= VG_N_THREADS) in_syscall[tid] = False;
}

void pv_space_init(void)
{
   stack_sent = VG_(calloc)("pv.threads", VG_N_THREADS + 1, sizeof(Bool));
   cur_sysno  = VG_(calloc)("pv.threads", VG_N_THREADS + 1, sizeof(UInt));
   in_syscall = VG_(calloc)("pv.threads", VG_N_THREADS + 1, sizeof(Bool));
   VG_(track_new_mem_mmap)(new_mem_mmap);
   VG_(track_die_mem_munmap)(die_mem_munmap);
   VG_(track_new_mem_brk)(new_mem_brk);
   VG_(track_die_mem_brk)(die_mem_brk);
   VG_(track_copy_mem_remap)(copy_mem_remap);
   VG_(track_change_mem_mprotect)(change_mem_mprotect);
   VG_(track_start_client_code)(start_client_code);
   VG_(track_pre_thread_ll_create)(thread_create);
   VG_(track_pre_thread_ll_exit)(thread_exit);
   VG_(track_pre_mem_read)(pre_mem_read);
   VG_(track_pre_mem_read_asciiz)(pre_mem_read_asciiz);
   VG_(track_post_mem_write)(post_mem_write);
}

void pv_space_summary(void)
{
   VG_(umsg)("pervert: kernel: %'llu reads (%'llu bytes), %'llu writes (%'llu bytes)\n",
             n_kread, b_kread, n_kwrite, b_kwrite);
   VG_(umsg)("pervert: address space: %'llu maps, %'llu unmaps, %'llu mprotects, "
             "%'llu remaps, %'llu brk growths; threads: %'llu\n",
             n_maps, n_unmaps, n_protects, n_remaps, n_brk, n_threads);
}
