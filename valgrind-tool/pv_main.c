/*--------------------------------------------------------------------*/
/*--- pervert: watch a program use memory.               pv_main.c ---*/
/*--------------------------------------------------------------------*/

/* pervert revives PerVERT (Stanford's performance visualization toolkit,
   whose Pin tool logged every heap read, write, malloc and free) as a
   Valgrind tool feeding a live viewer.

   What the tool sees, and how each thing is sent (shared/pv_proto.h has
   the record layouts, shared/PROTOCOL.txt the prose):

   - every data load, store and modify, split exactly as lackey's
     --trace-mem=yes splits them (pv_instrument.c).  Each is a 16-byte
     record, written by the instrumented code itself with plain stores
     into a shared-memory ring: a header word (kind, size, code site) and
     the address.  One room check per superblock; no helper call per
     access.
   - the memory the kernel reads or writes for the program in system
     calls (pv_space.c), from the core's pre_mem_read/post_mem_write
     hooks: lackey cannot see those.
   - every heap block, seen at the entries and returns of the program's
     own allocator functions (malloc, calloc, realloc, memalign & co.,
     every C++ new/delete), which the instrumentation recognises by name
     (pv_heapfn.c, pv_heap.c), with its allocation stack.  Nothing is
     replaced or redirected: the program keeps its own allocator, so the
     map shows the heap layout it really gets.
   - every change of the address space and every thread (pv_space.c).
   - code sites: each memory-touching instruction gets a small id, sent
     once with its function, file, line and object (pv_sites.c).
   - annotations from the public header pervert.h: named ranges, marks,
     tracing on/off.

   The ring (pv_ring_prod.c) is one file in /dev/shm, 0600 and O_EXCL,
   unlinked as soon as the consumer has mapped it.  The tool starts the
   consumer itself (--viewer=COMMAND; the ring path is its last
   argument), double-forked so that the program can never wait for it.
   When the ring is full the tool waits (lossless) or, with
   --when-full=drop, drops access records and counts them.  A consumer
   that goes away leaves the program running on; its events are
   discarded.  At exit the tool waits until the consumer has taken
   everything, then prints a summary.
*/

#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_options.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_vkiscnums.h"
#include "pub_tool_vki.h"
#include "pv_tool.h"
#include "valgrind.h"
#define PERVERT_NO_STDIO 1
#include "pervert.h"

/* The public header and the protocol must agree on every request code. */
#define PV_SAME(a, b) typedef char pv_same_##a[(UInt)(a) == (UInt)(b) ? 1 : -1]
PV_SAME(PERVERT_REQ_NAME_RANGE, PV_CLREQ_NAME_RANGE);
PV_SAME(PERVERT_REQ_MARK, PV_CLREQ_MARK);
PV_SAME(PERVERT_REQ_TRACE_ON, PV_CLREQ_TRACE_ON);
PV_SAME(PERVERT_REQ_TRACE_OFF, PV_CLREQ_TRACE_OFF);
PV_SAME(PERVERT_REQ_ALLOC, PV_CLREQ_ALLOC);
PV_SAME(PERVERT_REQ_FREE, PV_CLREQ_FREE);


#ifndef PV_VERSION
#define PV_VERSION "0.1"
#endif

/* ---- options ---- */
Bool         pv_clo_track_heap     = True;
UInt         pv_clo_stack_depth    = 12;
Bool         pv_clo_drop           = False;
/* 4 MiB: a ring that stays in the caches costs the program much less than
 * a large one (xz -9: 3.4 s with 2-4M, 4.9 s with 64M; none: 2.0 s) */
ULong        pv_clo_ring_size      = 4ULL << 20;
Bool         pv_clo_trace_at_start = True;
const HChar* pv_clo_viewer         = "pervert-view";
static const HChar* clo_record     = NULL;     /* --record=FILE */
static Bool         viewer_given   = False;
Bool         pv_tracing            = True;

/* "64M", "1g", "65536" -> bytes; False if malformed. */
static Bool parse_size(const HChar* s, ULong* out)
{
   ULong v = 0;
   if (!*s) return False;
   while (*s >= '0' && *s <= '9') {
      if (v > (~0ULL) / 10) return False;
      v = v * 10 + (ULong)(*s++ - '0');
   }
   switch (*s) {
      case 'k': case 'K': v <<= 10; s++; break;
      case 'm': case 'M': v <<= 20; s++; break;
      case 'g': case 'G': v <<= 30; s++; break;
      default: break;
   }
   if (*s == 'B' || *s == 'b') s++;
   if (*s) return False;
   *out = v;
   return True;
}

/* A bad value of one of our options: one line, then exit like the core. */
void pv_bad_value(const HChar* arg, const HChar* why)
{
   VG_(fmsg)("Bad option: %s (%s)\n", arg, why);
   VG_(exit)(1);
}

/* NAME=yes|no: True if ARG is that option (*OUT set); a bad value exits. */
Bool pv_bool_option(const HChar* arg, const HChar* name, Bool* out)
{
   SizeT n = VG_(strlen)(name);
   if (VG_(strncmp)(arg, name, n) != 0 || arg[n] != '=')
      return False;
   const HChar* v = arg + n + 1;
   if (VG_(strcmp)(v, "yes") == 0)      *out = True;
   else if (VG_(strcmp)(v, "no") == 0)  *out = False;
   else pv_bad_value(arg, "it takes yes or no");
   return True;
}

static Bool pv_process_cmd_line_option(const HChar* arg)
{
   const HChar* str;
   if (pv_bool_option(arg, "--track-heap", &pv_clo_track_heap)) {}
   else if VG_STR_CLO(arg, "--alloc-stack-depth", str) {
      HChar* end;
      Long depth = VG_(strtoll10)(str, &end);
      if (str[0] == 0 || *end != 0 || depth < 0 || depth > 255)
         pv_bad_value(arg, "it takes a number of frames from 0 to 255");
      pv_clo_stack_depth = (UInt)depth;
   }
   else if (pv_bool_option(arg, "--trace-at-start", &pv_clo_trace_at_start)) {}
   else if (pv_control_option(arg)) {}       /* --start-paused, --viewer-exit */
   else if VG_STR_CLO(arg, "--viewer", str) {
      if (str[0] == 0)
         pv_bad_value(arg, "it needs a command, or 'no'");
      pv_clo_viewer = str;
      viewer_given = True;
   }
   else if VG_STR_CLO(arg, "--record", str) {
      if (str[0] == 0 || VG_(strchr)(str, ' '))
         pv_bad_value(arg, "it needs a file name without spaces");
      clo_record = str;
   }
   else if VG_STR_CLO(arg, "--when-full", str) {
      if (VG_(strcmp)(str, "wait") == 0) pv_clo_drop = False;
      else if (VG_(strcmp)(str, "drop") == 0) pv_clo_drop = True;
      else pv_bad_value(arg, "it takes wait or drop");
   }
   else if VG_STR_CLO(arg, "--ring-size", str) {
      ULong v = 0;
      if (!parse_size(str, &v) || v < (1ULL << 20) || v > (1ULL << 32) || (v & (v - 1)))
         pv_bad_value(arg, "it takes a power of two from 1M to 4G, e.g. 64M");
      pv_clo_ring_size = v;
   }
   else
      return False;
   return True;
}

static void pv_print_usage(void)
{
   VG_(printf)(
"    --viewer=COMMAND|no       consumer of the event stream [pervert-view]; the\n"
"                              command is split on spaces and gets the ring as\n"
"                              its last argument, e.g. --viewer='pervert-dump\n"
"                              --lackey --output=trace.txt'; 'no' discards events\n"
"    --track-heap=yes|no       report heap blocks (malloc & co., C++ new) [yes]\n"
"    --alloc-stack-depth=N     frames kept per allocation stack, 0..255 [12]\n"
"    --when-full=wait|drop     ring full: wait for the consumer, or drop and\n"
"                              count access events [wait]\n"
"    --ring-size=SIZE          ring data size, a power of two, e.g. 16M [4M]\n"
"    --record=FILE             write the event stream to the trace file FILE\n"
"                              (zstd-compressed; read it with pervert-dump FILE);\n"
"                              pervert-view records what it shows; with --viewer=no\n"
"                              (or no --viewer and no DISPLAY) pervert-dump records\n"
"    --trace-at-start=yes|no   trace accesses from the start; else wait for\n"
"                              PERVERT_START_TRACING from pervert.h [yes]\n"
   );
   pv_control_usage();
}

static void pv_print_debug_usage(void)
{
   VG_(printf)("    (none)\n");
}

/* ---- client requests ---- */

static HChar* client_string(Addr a, HChar* buf, Int cap)
{
   Int n = 0;
   if (a) {
      while (n < cap - 1 && VG_(am_is_valid_for_client)(a + n, 1, VKI_PROT_READ)
             && ((const HChar*)a)[n]) {
         buf[n] = ((const HChar*)a)[n];
         n++;
      }
   }
   buf[n] = 0;
   return buf;
}

static void send_text(UInt type, UInt a32, ULong w1, ULong w2, UInt words, const HChar* text)
{
   UInt n = words * 8 + PV_ALIGN8(pv_strbytes(text));
   UChar* p = pv_emit_begin(n);
   ULong* w = (ULong*)p;
   w[0] = PV_HDR(type, 0, n / 8, a32);
   if (words > 1) w[1] = w1;
   if (words > 2) w[2] = w2;
   pv_emit_done(pv_pad8(p, pv_put_str(p + words * 8, text)));
}

static Bool pv_handle_client_request(ThreadId tid, UWord* arg, UWord* ret)
{
   HChar buf[1024];
   if (!VG_IS_TOOL_USERREQ('P', 'V', arg[0]))
      return False;
   switch (arg[0]) {
      case PV_CLREQ_ALLOC:
         if (pv_clo_track_heap) pv_heap_alloc(tid, arg[1], arg[2], (UInt)arg[3],
                                              pv_stack_for_thread(tid, 0));
         *ret = 0;
         return True;
      case PV_CLREQ_FREE:
         if (pv_clo_track_heap) pv_heap_free(tid, arg[1], (UInt)arg[2]);
         *ret = 0;
         return True;
      case PV_CLREQ_NAME_RANGE:
         send_text(PV_REC_NAME, tid, arg[1], arg[2], 3, client_string(arg[3], buf, sizeof buf));
         *ret = 0;
         return True;
      case PV_CLREQ_MARK:
         send_text(PV_REC_MARK, tid, 0, 0, 1, client_string(arg[1], buf, sizeof buf));
         pv_control_event(PV_REC_MARK);      /* "step to the next mark" */
         *ret = 0;
         return True;
      case PV_CLREQ_TRACE_ON:
         pv_set_tracing(True);
         *ret = 0;
         return True;
      case PV_CLREQ_TRACE_OFF:
         pv_set_tracing(False);
         *ret = 0;
         return True;
      default:
         VG_(umsg)("pervert: warning: unknown client request 0x%lx (pervert.h from "
                   "another version?)\n", arg[0]);
         *ret = 0;
         return True;
   }
}

/* ---- syscalls, fork ---- */

static void pv_pre_syscall(ThreadId tid, UInt sysno, UWord* args, UInt nargs)
{
   pv_space_pre_syscall(tid, sysno, args, nargs);
   pv_control_pre_syscall(tid, sysno);
}

static void pv_post_syscall(ThreadId tid, UInt sysno, UWord* args, UInt nargs, SysRes res)
{
   pv_space_post_syscall(tid, sysno);
   Bool is_fork = sysno == __NR_fork || sysno == __NR_vfork
               || (sysno == __NR_clone && !(args[0] & VKI_CLONE_THREAD));
   if (is_fork && !sr_isError(res) && sr_Res(res) > 0) {
      UChar* p = pv_emit_begin(8);
      *(ULong*)p = PV_HDR(PV_REC_FORK, 0, 1, (UInt)sr_Res(res));
      pv_emit_done(p + 8);
   }
}

static void pv_atfork_pre(ThreadId tid)    { pv_ring_publish(); }
static void pv_atfork_parent(ThreadId tid) { }
static void pv_atfork_child(ThreadId tid)  { pv_ring_forget_in_child(); pv_control_forget_in_child(); }

/* ---- start and end ---- */

static Bool is_static_client(void)
{
   Addr starts[4096];
   Int n = VG_(am_get_segment_starts)(SkFileC, starts, 4096);
   for (Int i = 0; i < n; i++) {
      NSegment const* seg = VG_(am_find_nsegment)(starts[i]);
      const HChar* name = seg ? VG_(am_get_filename)(seg) : NULL;
      if (name && (VG_(strstr)(name, "/ld-linux") || VG_(strstr)(name, "/ld64.so")
                   || VG_(strstr)(name, "/ld-musl")))
         return False;
   }
   return n > 0;
}

static Bool static_client;

UInt pv_info_flags(void)
{
   return (pv_clo_track_heap && !static_client ? PV_INFO_TRACK_HEAP : 0)
        | (static_client ? PV_INFO_STATIC : 0)
        | (pv_clo_trace_at_start ? PV_INFO_TRACING : 0)
        | (pv_clo_drop ? PV_INFO_DROP : 0);
}

static void pv_post_clo_init(void)
{
   pv_tracing = pv_clo_trace_at_start;
   static_client = is_static_client();
   pv_heapfn_enabled = pv_clo_track_heap && !static_client;
   pv_sites_init();
   pv_heap_init();
   if (clo_record) {
      /* The ring has one consumer, so the consumer records: pervert-view
       * (--record=FILE: it writes what it reads) when it is the viewer,
       * else pervert-dump --record.  With no --viewer the window is used
       * when there is a display to open it on. */
      Bool has_display = VG_(getenv)("DISPLAY") || VG_(getenv)("WAYLAND_DISPLAY");
      /* the command's first word, by its last path component */
      const HChar* w0 = pv_clo_viewer;
      const HChar* w1 = w0;
      while (*w1 && *w1 != ' ') w1++;
      for (const HChar* q = w0; q < w1; q++)
         if (*q == '/') w0 = q + 1;
      Bool is_view = w1 - w0 == 12 && VG_(strncmp)(w0, "pervert-view", 12) == 0;
      HChar* cmd = VG_(malloc)("pv.record", VG_(strlen)(pv_clo_viewer) + VG_(strlen)(clo_record) + 64);
      if (viewer_given && is_view) {
         VG_(sprintf)(cmd, "%s --record=%s", pv_clo_viewer, clo_record);
      } else if (viewer_given && VG_(strcmp)(pv_clo_viewer, "no") != 0) {
         VG_(umsg)("pervert: --record works with pervert-view or --viewer=no (the recorder is "
                   "then pervert-dump); with another viewer use pervert-dump --record=FILE "
                   "as the viewer\n");
         VG_(exit)(1);
      } else if (!viewer_given && has_display) {
         VG_(sprintf)(cmd, "pervert-view --record=%s", clo_record);
      } else {
         VG_(sprintf)(cmd, "pervert-dump --record=%s", clo_record);
      }
      pv_clo_viewer = cmd;
   }
   pv_ring_start(pv_clo_viewer);
   pv_control_init();
   if (pv_clo_track_heap && static_client)
      VG_(umsg)("pervert: warning: %s is statically linked: heap events are unavailable "
                "(only a dynamically linked allocator is followed); accesses are still traced\n",
                VG_(args_the_exename) ? VG_(args_the_exename) : "the program");
}

static void pv_fini(Int exitcode)
{
   /* Killed by a signal: the tool sees its number only when the program
    * sent it to itself (abort, raise, kill); a fault's signal (SIGSEGV ...)
    * is not shown to tools, and is sent as 0, "unknown". */
   Bool by_signal = !pv_exit_seen;
   Int status = pv_exit_seen ? pv_exit_status : pv_fatal_signal;
   ULong t_end = pv_now_ns();
   pv_ring_finish(by_signal, status);
   if (VG_(clo_verbosity) == 0)
      return;
   if (pv_ring_is_fork_child()) {
      VG_(umsg)("pervert: a forked child: its events were not sent "
                "(the ring belongs to the parent)\n");
      return;
   }

   const volatile ULong* c = pv_ring_consumer_counts();
   if (c) {
      VG_(umsg)("pervert: accesses: %'llu loads, %'llu stores, %'llu modifies\n",
                c[PV_REC_LOAD], c[PV_REC_STORE], c[PV_REC_MODIFY]);
   }
   pv_heap_summary();
   pv_space_summary();
   VG_(umsg)("pervert: sites: %'llu code sites, %'llu allocation stacks\n",
             pv_sites_count(), pv_stacks_count());
   if (VG_(clo_verbosity) > 1) {
      ULong hits, misses;
      pv_stacks_memo_counts(&hits, &misses);
      VG_(umsg)("pervert: allocation stacks: %'llu unwound, %'llu reused from the memo\n",
                misses, hits);
   }
   ULong ns = t_end - pv_ring_start_ns();
   ULong bytes = pv_ring_bytes();
   if (pv_ring_has_consumer() || pv_ring_consumer_left() || bytes > 0) {
      ULong secs10 = ns / 100000000ULL;      /* tenths of a second */
      ULong evps = ns ? (bytes / 16) * 1000000000ULL / ns : 0;
      ULong w = pv_ring_wait_ns() / 1000000ULL, a = pv_ring_attach_ns() / 1000000ULL;
      VG_(umsg)("pervert: ring: %'llu bytes in %llu.%llu s (about %'llu events/s), "
                "%'llu dropped%s\n", bytes, secs10 / 10, secs10 % 10, evps,
                pv_ring_dropped(),
                pv_ring_consumer_left() ? "; the viewer left before the end" : "");
      VG_(umsg)("pervert: ring: waited %llu.%03llu s for room, %llu.%03llu s for the "
                "consumer to start\n", w / 1000, w % 1000, a / 1000, a % 1000);
   } else {
      VG_(umsg)("pervert: no consumer (--viewer=no): %'llu access events discarded\n",
                pv_ring_discarded());
   }
}

static void pv_pre_clo_init(void)
{
   VG_(details_name)            ("pervert");
   VG_(details_version)         (PV_VERSION);
   VG_(details_description)     ("watch a program use memory");
   VG_(details_copyright_author)("Copyright (C) 2026, the pervert developers.");
   VG_(details_bug_reports_to)  ("the pervert issue tracker");
   VG_(details_avg_translation_sizeB)(400);

   VG_(basic_tool_funcs)        (pv_post_clo_init, pv_instrument, pv_fini);
   VG_(needs_command_line_options)(pv_process_cmd_line_option,
                                   pv_print_usage, pv_print_debug_usage);
   VG_(needs_client_requests)   (pv_handle_client_request);
   VG_(needs_syscall_wrapper)   (pv_pre_syscall, pv_post_syscall);
   VG_(needs_libc_freeres)      ();
   VG_(needs_cxx_freeres)       ();
   VG_(atfork)(pv_atfork_pre, pv_atfork_parent, pv_atfork_child);
   pv_space_init();
}

VG_DETERMINE_INTERFACE_VERSION(pv_pre_clo_init)

/*--------------------------------------------------------------------*/
/*--- end                                                pv_main.c ---*/
/*--------------------------------------------------------------------*/
