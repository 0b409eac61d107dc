/* pv_core.h -- the few Valgrind core functions the tool needs that are not
 * in the pub_tool_*.h headers.  They are real symbols of libcoregrind
 * (vgPlain_*), but not a stable interface: configure checks the Valgrind
 * version this was written against (3.19). Keep every such declaration here. */
#ifndef PV_CORE_H
#define PV_CORE_H

#include "pub_tool_basics.h"

/* coregrind/pub_core_aspacemgr.h */
extern SysRes VG_(am_shared_mmap_file_float_valgrind)
   ( SizeT length, UInt prot, Int fd, Off64T offset );

/* coregrind/pub_core_syscall.h */
extern SysRes VG_(do_syscall) ( UWord sysno,
                                RegWord, RegWord, RegWord,
                                RegWord, RegWord, RegWord,
                                RegWord, RegWord );
#define VG_do_syscall_(s,a,b,c) VG_(do_syscall)((s),(a),(b),(c),0,0,0,0,0)
#define vgPlain_do_syscall0(s)        VG_do_syscall_((s),0,0,0)
#define vgPlain_do_syscall1(s,a)      VG_do_syscall_((s),(a),0,0)
#define vgPlain_do_syscall2(s,a,b)    VG_do_syscall_((s),(a),(b),0)
#define vgPlain_do_syscall3(s,a,b,c)  VG_do_syscall_((s),(a),(b),(c))

/* coregrind/pub_core_libcfile.h */
extern Int VG_(access) ( const HChar* path, Bool irusr, Bool iwusr, Bool ixusr );

/* coregrind/pub_core_libcsignal.h */
extern Int VG_(kill) ( Int pid, Int signo );

/* ---- used by pv_control.c (pause, step, slow motion) ---- */

/* coregrind/pub_core_transtab.h: VG_(discard_translations_safely) asserts
 * outside client requests; pv_control.c calls this one between two runs of
 * generated code, when no translation is executing either. */
extern void VG_(discard_translations) ( Addr start, ULong range, const HChar* who );

/* coregrind/pub_core_scheduler.h.  The second argument of release_BigLock
 * is a ThreadStatus (pub_core_threadstate.h); VgTs_Yielding is 4 there. */
extern void VG_(acquire_BigLock) ( ThreadId tid, const HChar* who );
extern void VG_(release_BigLock) ( ThreadId tid, Int sleepstate, const HChar* who );
#define PV_VgTs_Yielding 4

/* coregrind/pub_core_threadstate.h */
extern Bool VG_(is_exiting) ( ThreadId tid );

/* VEX/priv/main_globals.h: the VexControl LibVEX_Init was given.  Each
 * translation takes its iropt_register_updates_default; fine mode sets it
 * to VexRegUpdAllregsAtEachInsn, because the first iropt pass (before the
 * tool's instrumentation) drops register writes that only a later
 * instruction's exit would have needed (gdbserver's breakpoints need the
 * same). */
#include "libvex.h"
extern VexControl vex_control;

#endif
