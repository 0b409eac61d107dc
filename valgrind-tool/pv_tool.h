/* pv_tool.h -- declarations shared by the files of the pervert tool.
 *
 * The tool is split by job:
 *   pv_main.c        registration, options, client requests, start and exit
 *   pv_ring_prod.c   the producer side of the shared-memory ring, the consumer launch
 *   pv_instrument.c  VEX IR instrumentation: access records written inline
 *   pv_sites.c       code sites and allocation stacks, symbolised once
 *   pv_heapfn.c      the allocator's functions: entries and returns seen by the instrumentation
 *   pv_heap.c        live heap blocks, ALLOC/FREE records
 *   pv_space.c       the address space, threads and kernel accesses
 *   pv_control.c     the control channel: pause, step, slow motion
 * Records are laid out as shared/pv_proto.h says.
 */
#ifndef PV_TOOL_H
#define PV_TOOL_H

#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pv_proto.h"

/* ---- options (pv_main.c) ---- */
extern Bool         pv_clo_track_heap;      /* --track-heap */
extern UInt         pv_clo_stack_depth;     /* --alloc-stack-depth */
extern Bool         pv_clo_drop;            /* --when-full=drop */
extern ULong        pv_clo_ring_size;       /* --ring-size */
extern Bool         pv_clo_trace_at_start;  /* --trace-at-start */
extern const HChar* pv_clo_viewer;          /* --viewer */
extern Bool         pv_tracing;             /* access events are being instrumented */

void pv_bad_value(const HChar* arg, const HChar* why);   /* one line, exit 1 */
Bool pv_bool_option(const HChar* arg, const HChar* name, Bool* out);

/* ---- the ring (pv_ring_prod.c) ---- */
/* The generated code appends access records at pv_cur and calls
 * pv_room_sb when pv_cur + need would pass pv_lim. */
extern UChar* pv_cur;
extern UChar* pv_lim;
VG_REGPARM(1) void pv_room_sb(UWord need);

/* Start the consumer (or discard events with --viewer=no).  Returns only on
 * success; a consumer that cannot start is a fatal one-line error. */
void   pv_ring_start(const HChar* viewer_cmd);
/* Room for a record of N bytes written by C code: returns where to write;
 * then pv_emit_done(p + N).  Never drops. */
UChar* pv_emit_begin(UInt n);
void   pv_emit_done(UChar* end);
/* Make everything written so far visible to the consumer. */
void   pv_ring_publish(void);
/* The program is ending: write EXIT and wait for the consumer to finish. */
void   pv_ring_finish(Bool by_signal, Int status);
/* Stop sending access records (the program called exit_group). */
void   pv_ring_mute_accesses(void);
/* The program is about to exec another: publish everything. */
void   pv_ring_exec(const HChar* path);
/* After fork: the child leaves the parent's ring alone. */
void   pv_ring_forget_in_child(void);
Bool   pv_ring_has_consumer(void);
Bool   pv_ring_is_fork_child(void);     /* a forked child: sends nothing */
UInt   pv_info_flags(void);             /* PV_INFO_* for this run (pv_main.c) */
extern Int pv_fatal_signal;             /* a signal the program sent itself */
/* Statistics for the summary. */
ULong  pv_ring_bytes(void);
ULong  pv_ring_dropped(void);
ULong  pv_ring_discarded(void);
const volatile ULong* pv_ring_consumer_counts(void);
Bool   pv_ring_consumer_left(void);     /* the consumer went away early */
ULong  pv_ring_start_ns(void);
ULong  pv_ring_wait_ns(void);          /* time the program waited for room */
ULong  pv_ring_attach_ns(void);        /* time waiting for the consumer to attach */
ULong  pv_now_ns(void);

/* Small helpers to write a record: header + words + optional strings. */
UInt   pv_strbytes(const HChar* s);             /* strlen + 1 */
UChar* pv_put_str(UChar* p, const HChar* s);   /* copies with NUL, returns end */
UChar* pv_pad8(UChar* start, UChar* p);        /* zero-pads p to 8-alignment from start */

/* ---- instrumentation (pv_instrument.c) ---- */
IRSB*  pv_instrument(VgCallbackClosure* closure, IRSB* sbIn,
                     const VexGuestLayout* layout, const VexGuestExtents* vge,
                     const VexArchInfo* archinfo_host,
                     IRType gWordTy, IRType hWordTy);
void   pv_set_tracing(Bool on);

/* ---- sites and stacks (pv_sites.c) ---- */
void   pv_sites_init(void);
UInt   pv_site_for_ip(Addr ip);           /* id, emitting a SITE record if new */
UInt   pv_stack_for_thread(ThreadId tid, UInt skip); /* allocation stack id (minus SKIP
                                                        innermost frames), emitting if new */
void   pv_sites_forget_range(Addr a, SizeT len);
void   pv_stacks_forget_thread(ThreadId tid);  /* thread exit: drop its memo entries */
void   pv_stacks_memo_counts(ULong* hits, ULong* misses);
ULong  pv_sites_count(void);
ULong  pv_stacks_count(void);

/* ---- heap (pv_heap.c) ---- */
void   pv_heap_init(void);
void   pv_heap_alloc(ThreadId tid, Addr a, SizeT size, UInt kind, UInt stack);
void   pv_heap_free(ThreadId tid, Addr a, UInt kind);
void   pv_heap_summary(void);

/* ---- the allocator's functions, seen by the instrumentation (pv_heapfn.c) ---- */
extern Bool pv_heapfn_enabled;          /* set at start: heap tracked */
extern UInt pv_heapfn_open;             /* allocator calls open, all threads */
Int    pv_heapfn_at(Addr a);            /* index of the allocator function entered at A, or -1 */
void   pv_heapfn_add_entry(IRSB* sb, Int fn, Addr entry);
void   pv_heapfn_add_return(IRSB* sb);  /* if SB ends in a return */
void   pv_heapfn_thread_exit(ThreadId tid);
Bool   pv_heapfn_any_found(void);

/* ---- address space, threads, kernel accesses (pv_space.c) ---- */
void   pv_space_init(void);               /* registers the track_* hooks */
void   pv_space_first_run(void);          /* initial map, at the first client code */
void   pv_space_pre_syscall(ThreadId tid, UInt sysno, UWord* args, UInt nargs);
void   pv_space_post_syscall(ThreadId tid, UInt sysno);
void   pv_space_summary(void);
extern Bool pv_exit_seen;
extern Int  pv_exit_status;

/* ---- the control channel (pv_control.c) ---- */
extern Bool  pv_clo_start_paused;       /* --start-paused */
extern Bool  pv_clo_viewer_exit_kill;   /* --viewer-exit=kill */
/* Fine-mode instrumentation (while stepping or slowed down): every
 * instruction with K access records starts with
 *    if (pv_acc + K > pv_acc_lim) pv_gate(K);
 *    if (pv_acc >= pv_acc_lim) exit (yield) to the instruction
 * and adds its records to pv_acc. */
extern Bool  pv_fine;
extern ULong pv_acc, pv_acc_lim;
VG_REGPARM(1) void pv_gate(UWord k);
void   pv_control_noredir(void);          /* called by a block that jumps no-redir */
Bool   pv_control_noredir_pending(void);  /* translating the no-redir block? */
Bool   pv_control_option(const HChar* arg);
void   pv_control_usage(void);
void   pv_control_init(void);             /* after pv_ring_start */
void   pv_control_start(ThreadId tid);    /* from start_client_code */
void   pv_control_room(void);             /* from pv_room_sb */
void   pv_control_event(UInt type);       /* an ALLOC or MARK record was sent */
void   pv_control_pre_syscall(ThreadId tid, UInt sysno);
void   pv_control_forget_in_child(void);
/* In pv_ring_prod.c, for the control channel: */
extern Bool pv_ring_hold;                 /* publish nothing (the program is held) */
struct pv_ctrl* pv_ring_ctrl(void);       /* the control page, NULL without a consumer */
Bool   pv_ring_consumer_check(void);      /* False (and discarding) if the consumer left */
ULong  pv_ring_unpublished_accesses(void);/* access records written, not published */
void   pv_ring_publish_accesses(ULong n); /* publish up to the (n+1)-th of those */

#endif
