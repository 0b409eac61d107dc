/* pv_heapfn.c -- heap events from the program's own allocator functions,
 * seen at their entries and returns by the instrumentation (no preload).
 *
 * WHY NOT VALGRIND'S FUNCTION WRAPPING
 *   pervert keeps the program's own allocator, so that the map shows the
 *   heap layout the program really gets.  The first version did this the
 *   way helgrind wraps pthreads: a preload with function wrappers calling
 *   the original through CALL_FN_* -- a "no-redirection" jump that
 *   Valgrind's scheduler handles outside the translated code, at the price
 *   of two trips out of and back into the dispatcher per call (~200 ns;
 *   the list demo, two heap calls per node, ran 2.3x slower than with
 *   --track-heap=no).  Here nothing is redirected: the program calls its
 *   allocator as natively, and the instrumentation adds
 *     - at the first instruction of every allocator function (recognised
 *       by its symbol name when its code is translated: malloc, calloc,
 *       realloc, reallocarray, memalign, aligned_alloc, valloc, pvalloc,
 *       posix_memalign, free, cfree, free_sized, free_aligned_sized, their
 *       glibc aliases, and every C++ operator new/new[]/delete/delete[]) a
 *       helper call that notes the call -- arguments, stack pointer,
 *       return address -- on a per-thread shadow stack (and reports a free
 *       at once: after the original ran, the address could already belong
 *       to another thread's block);
 *     - at the end of every superblock that ends in a return, a guarded
 *       helper call, taken only while some call is open (one load and a
 *       compare otherwise), that recognises the return of an open call by
 *       its stack pointer and return address and reports what the call
 *       did, with the return value.
 *   Entries are found at the start of a superblock and wherever the
 *   instruction addresses inside one jump (VEX followed a call or jump
 *   into the function), so a call is seen however it is reached.
 *
 * NESTING (same rules as the wrappers had)
 *   glibc's and libstdc++'s functions call each other: operator new calls
 *   malloc, sized delete tail-calls delete which tail-calls free, realloc
 *   may call malloc or free.  Only the outermost call of a thread reports
 *   its own block; events of nested calls that are not about the outer
 *   call's block (operator new throwing bad_alloc allocates the exception
 *   object, a new_handler may allocate) are kept and reported when the
 *   outermost call returns.  Calls that end without returning (an
 *   exception, a longjmp) are noticed when the stack pointer passes above
 *   their frame, and dropped; their nested events are still reported.
 *
 * The allocation stack is taken at the outermost call's entry, where the
 * guest state is exact, minus the allocator's own frame.
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_machine.h"
#include "pub_tool_tooliface.h"
#include "libvex_guest_amd64.h"
#include "pv_tool.h"

/* ---- which functions ---- */

enum { SH_ALLOC_N,        /* void* f(size_t n, ...): malloc, valloc, new  */
       SH_CALLOC,         /* void* calloc(size_t nmemb, size_t size)      */
       SH_REALLOC,        /* void* realloc(void* p, size_t n)             */
       SH_REALLOCARRAY,   /* void* reallocarray(void* p, size_t m, size_t n) */
       SH_MEMALIGN,       /* void* memalign(size_t al, size_t n)          */
       SH_POSIX_MEMALIGN, /* int posix_memalign(void** r, size_t al, size_t n) */
       SH_FREE };         /* void f(void* p, ...): free, delete            */

typedef struct {
   const HChar* name;   /* as Valgrind names the entry (C++: demangled) */
   UChar shape;
   UChar kind;          /* PV_ALLOC_* */
} FnSpec;

static const FnSpec fns[] = {
   { "malloc",               SH_ALLOC_N,        PV_ALLOC_MALLOC },
   { "__libc_malloc",        SH_ALLOC_N,        PV_ALLOC_MALLOC },
   { "__malloc",             SH_ALLOC_N,        PV_ALLOC_MALLOC },
   { "calloc",               SH_CALLOC,         PV_ALLOC_CALLOC },
   { "__libc_calloc",        SH_CALLOC,         PV_ALLOC_CALLOC },
   { "__calloc",             SH_CALLOC,         PV_ALLOC_CALLOC },
   { "realloc",              SH_REALLOC,        PV_ALLOC_REALLOC },
   { "__libc_realloc",       SH_REALLOC,        PV_ALLOC_REALLOC },
   { "__realloc",            SH_REALLOC,        PV_ALLOC_REALLOC },
   { "reallocarray",         SH_REALLOCARRAY,   PV_ALLOC_REALLOC },
   { "__libc_reallocarray",  SH_REALLOCARRAY,   PV_ALLOC_REALLOC },
   { "memalign",             SH_MEMALIGN,       PV_ALLOC_MEMALIGN },
   { "__libc_memalign",      SH_MEMALIGN,       PV_ALLOC_MEMALIGN },
   { "__memalign",           SH_MEMALIGN,       PV_ALLOC_MEMALIGN },
   { "aligned_alloc",        SH_MEMALIGN,       PV_ALLOC_MEMALIGN },
   { "valloc",               SH_ALLOC_N,        PV_ALLOC_MEMALIGN },
   { "__libc_valloc",        SH_ALLOC_N,        PV_ALLOC_MEMALIGN },
   { "__valloc",             SH_ALLOC_N,        PV_ALLOC_MEMALIGN },
   { "pvalloc",              SH_ALLOC_N,        PV_ALLOC_MEMALIGN },
   { "__libc_pvalloc",       SH_ALLOC_N,        PV_ALLOC_MEMALIGN },
   { "__pvalloc",            SH_ALLOC_N,        PV_ALLOC_MEMALIGN },
   { "posix_memalign",       SH_POSIX_MEMALIGN, PV_ALLOC_MEMALIGN },
   { "__posix_memalign",     SH_POSIX_MEMALIGN, PV_ALLOC_MEMALIGN },
   { "free",                 SH_FREE,           PV_ALLOC_FREE },
   { "__libc_free",          SH_FREE,           PV_ALLOC_FREE },
   { "__free",               SH_FREE,           PV_ALLOC_FREE },
   { "cfree",                SH_FREE,           PV_ALLOC_FREE },
   { "free_sized",           SH_FREE,           PV_ALLOC_FREE },
   { "free_aligned_sized",   SH_FREE,           PV_ALLOC_FREE },
   /* C++ (amd64: size_t is unsigned long), as Valgrind demangles them */
   { "operator new(unsigned long)",                                         SH_ALLOC_N, PV_ALLOC_NEW },
   { "operator new(unsigned long, std::nothrow_t const&)",                  SH_ALLOC_N, PV_ALLOC_NEW },
   { "operator new(unsigned long, std::align_val_t)",                       SH_ALLOC_N, PV_ALLOC_NEW },
   { "operator new(unsigned long, std::align_val_t, std::nothrow_t const&)", SH_ALLOC_N, PV_ALLOC_NEW },
   { "operator new[](unsigned long)",                                       SH_ALLOC_N, PV_ALLOC_NEW_ARRAY },
   { "operator new[](unsigned long, std::nothrow_t const&)",                SH_ALLOC_N, PV_ALLOC_NEW_ARRAY },
   { "operator new[](unsigned long, std::align_val_t)",                     SH_ALLOC_N, PV_ALLOC_NEW_ARRAY },
   { "operator new[](unsigned long, std::align_val_t, std::nothrow_t const&)", SH_ALLOC_N, PV_ALLOC_NEW_ARRAY },
   { "operator delete(void*)",                                              SH_FREE, PV_ALLOC_DELETE },
   { "operator delete(void*, unsigned long)",                               SH_FREE, PV_ALLOC_DELETE },
   { "operator delete(void*, std::nothrow_t const&)",                       SH_FREE, PV_ALLOC_DELETE },
   { "operator delete(void*, std::align_val_t)",                            SH_FREE, PV_ALLOC_DELETE },
   { "operator delete(void*, unsigned long, std::align_val_t)",             SH_FREE, PV_ALLOC_DELETE },
   { "operator delete(void*, std::align_val_t, std::nothrow_t const&)",     SH_FREE, PV_ALLOC_DELETE },
   { "operator delete[](void*)",                                            SH_FREE, PV_ALLOC_DELETE_ARRAY },
   { "operator delete[](void*, unsigned long)",                             SH_FREE, PV_ALLOC_DELETE_ARRAY },
   { "operator delete[](void*, std::nothrow_t const&)",                     SH_FREE, PV_ALLOC_DELETE_ARRAY },
   { "operator delete[](void*, std::align_val_t)",                          SH_FREE, PV_ALLOC_DELETE_ARRAY },
   { "operator delete[](void*, unsigned long, std::align_val_t)",           SH_FREE, PV_ALLOC_DELETE_ARRAY },
   { "operator delete[](void*, std::align_val_t, std::nothrow_t const&)",   SH_FREE, PV_ALLOC_DELETE_ARRAY },
};
#define N_FNS ((Int)(sizeof fns / sizeof fns[0]))

Bool pv_heapfn_enabled;     /* heap tracking on, dynamically linked program */
UInt pv_heapfn_open;        /* calls open in all threads: read at every return */
static ULong n_entries_found;

Int pv_heapfn_at(Addr a)
{
   const HChar* name;
   if (!pv_heapfn_enabled)
      return -1;
   if (!VG_(get_fnname_if_entry)(VG_(current_DiEpoch)(), a, &name))
      return -1;
   /* cheap first-character filter: every name starts with _, a, c, f,
      m, o, p, r or v */
   switch (name[0]) {
      case '_': case 'a': case 'c': case 'f': case 'm': case 'o':
      case 'p': case 'r': case 'v': break;
      default: return -1;
   }
   for (Int i = 0; i < N_FNS; i++)
      if (VG_(strcmp)(name, fns[i].name) == 0) {
         n_entries_found++;
         return i;
      }
   return -1;
}

Bool pv_heapfn_any_found(void) { return n_entries_found > 0; }

/* ---- per-thread shadow stacks ---- */

#define FN_DEPTH 32     /* open calls per thread (deeper ones are not seen) */
#define NPEND    8      /* nested events kept until the outermost returns */

typedef struct {
   Addr  sp;            /* stack pointer at entry (points at the return address) */
   Addr  ret;           /* the return address */
   UWord a0, a1, a2;    /* arguments */
   UInt  stack;         /* allocation stack (outermost allocating calls) */
   UChar fn;            /* index into fns[] */
} Frame;

typedef struct { Addr addr; SizeT size; UChar kind; Bool is_free; } Pend;

typedef struct {
   UInt  depth;
   UInt  npend;
   Frame f[FN_DEPTH];
   Pend  pend[NPEND];
} Shadow;

static Shadow** shadows;       /* per thread id, made on first use */

static Shadow* shadow_of(ThreadId tid)
{
   tl_assert(tid > 0 && tid <= VG_N_THREADS);
   if (!shadows)
      shadows = VG_(calloc)("pv.heapfn", VG_N_THREADS + 1, sizeof *shadows);
   Shadow* s = shadows[tid];
   if (!s) {
      s = VG_(calloc)("pv.heapfn", 1, sizeof *s);
      shadows[tid] = s;
   }
   return s;
}

static void flush_pending(ThreadId tid, Shadow* s, Addr keep_alloc, Addr keep_free)
{
   UInt n = s->npend;
   s->npend = 0;
   for (UInt i = 0; i < n; i++) {
      Pend* e = &s->pend[i];
      if (e->is_free) {
         if (keep_free == 0 || e->addr != keep_free)
            pv_heap_free(tid, e->addr, e->kind);
      } else {
         if (keep_alloc == 0 || e->addr != keep_alloc)
            pv_heap_alloc(tid, e->addr, e->size, e->kind, s->f[0].stack);
      }
   }
}

static void event(ThreadId tid, Shadow* s, Bool outer, Bool is_free,
                  Addr a, SizeT size, UInt kind, UInt stack)
{
   if (!outer) {
      if (s->npend < NPEND) {
         Pend* e = &s->pend[s->npend++];
         e->addr = a; e->size = size; e->kind = (UChar)kind; e->is_free = is_free;
         return;
      }
      /* full (a new_handler gone wild): report now */
   }
   if (is_free) pv_heap_free(tid, a, kind);
   else         pv_heap_alloc(tid, a, size, kind, stack);
}

/* Frames whose stack has been unwound without a return (exception,
   longjmp): SP is now above them. */
static void drop_stale(ThreadId tid, Shadow* s, Addr sp)
{
   while (s->depth > 0 && s->f[s->depth - 1].sp < sp) {
      s->depth--;
      pv_heapfn_open--;
      if (s->depth == 0 && s->npend)
         flush_pending(tid, s, 0, 0);
   }
}

static void realloc_events(ThreadId tid, Shadow* s, Bool outer, Addr p, Addr r,
                           SizeT n, UInt stack)
{
   /* glibc semantics: realloc(NULL, n) is a malloc; a moved or resized
      block is a free of p and an allocation of r; realloc(p, 0) returning
      NULL freed p; any other NULL is a failure that left p alone. */
   if (p == 0) {
      if (r != 0) event(tid, s, outer, False, r, n, PV_ALLOC_REALLOC, stack);
   } else if (r != 0) {
      event(tid, s, outer, True, p, 0, PV_ALLOC_REALLOC, 0);
      event(tid, s, outer, False, r, n, PV_ALLOC_REALLOC, stack);
   } else if (n == 0) {
      event(tid, s, outer, True, p, 0, PV_ALLOC_REALLOC, 0);
   }
}

static void returned(ThreadId tid, Shadow* s, const Frame* f, UWord rax)
{
   const FnSpec* fs = &fns[f->fn];
   Bool outer = s->depth == 0;
   Addr r = rax, own_free = 0;
   UWord total;
   switch (fs->shape) {
      case SH_POSIX_MEMALIGN:
         r = ((Int)rax == 0 && f->a0) ? *(Addr*)f->a0 : 0;
         break;
      case SH_REALLOC: case SH_REALLOCARRAY:
         own_free = f->a0;
         break;
      case SH_FREE:
         r = 0;
         own_free = f->a0;
         break;
   }
   if (outer && s->npend)
      flush_pending(tid, s, r, own_free);
   switch (fs->shape) {
      case SH_ALLOC_N:
         if (r) event(tid, s, outer, False, r, f->a0, fs->kind, f->stack);
         break;
      case SH_CALLOC:
         if (r && !__builtin_mul_overflow(f->a0, f->a1, &total))
            event(tid, s, outer, False, r, total, fs->kind, f->stack);
         break;
      case SH_MEMALIGN:
         if (r) event(tid, s, outer, False, r, f->a1, fs->kind, f->stack);
         break;
      case SH_POSIX_MEMALIGN:
         if (r) event(tid, s, outer, False, r, f->a2, fs->kind, f->stack);
         break;
      case SH_REALLOC:
         realloc_events(tid, s, outer, f->a0, r, f->a1, f->stack);
         break;
      case SH_REALLOCARRAY:
         if (!__builtin_mul_overflow(f->a1, f->a2, &total))
            realloc_events(tid, s, outer, f->a0, r, total, f->stack);
         break;
      case SH_FREE:
         break;
   }
}

/* ---- the helpers the instrumentation calls ---- */

static void entry_helper(UWord fn, UWord a0, UWord a1, UWord a2, UWord sp)
{
   ThreadId tid = VG_(get_running_tid)();
   Shadow* s = shadow_of(tid);
   drop_stale(tid, s, sp);
   const FnSpec* fs = &fns[fn];
   Bool outer = s->depth == 0;
   if (s->depth >= FN_DEPTH)
      return;                          /* not followed; its events are lost */
   if (outer)
      s->npend = 0;
   Frame* f = &s->f[s->depth++];
   pv_heapfn_open++;
   f->sp = sp;
   f->ret = *(Addr*)sp;
   f->a0 = a0; f->a1 = a1; f->a2 = a2;
   f->fn = (UChar)fn;
   f->stack = 0;
   if (fs->shape == SH_FREE) {
      if (a0) event(tid, s, outer, True, a0, 0, fs->kind, 0);
   } else if (outer) {
      f->stack = pv_stack_for_thread(tid, 1);   /* minus the allocator's frame */
   }
}

static VG_REGPARM(3) void return_helper(UWord sp, UWord target, UWord rax)
{
   ThreadId tid = VG_(get_running_tid)();
   Shadow* s = shadows ? shadows[tid] : NULL;
   if (!s) return;
   while (s->depth > 0) {
      Frame* f = &s->f[s->depth - 1];
      if (f->sp + 8 == sp && f->ret == target) {
         Frame done = *f;
         s->depth--;
         pv_heapfn_open--;
         returned(tid, s, &done, rax);      /* tail calls: the next may match too */
      } else if (f->sp < sp) {
         s->depth--;                        /* left without returning */
         pv_heapfn_open--;
         if (s->depth == 0 && s->npend)
            flush_pending(tid, s, 0, 0);
      } else {
         break;                             /* a return inside the call */
      }
   }
}

void pv_heapfn_thread_exit(ThreadId tid)
{
   Shadow* s = (shadows && tid > 0 && tid <= VG_N_THREADS) ? shadows[tid] : NULL;
   if (!s) return;
   pv_heapfn_open -= s->depth;
   s->depth = 0;
   s->npend = 0;
}

/* ---- IR ---- */

static IRExpr* get_reg(IRSB* sb, Int offset)
{
   IRTemp t = newIRTemp(sb->tyenv, Ity_I64);
   addStmtToIRSB(sb, IRStmt_WrTmp(t, IRExpr_Get(offset, Ity_I64)));
   return IRExpr_RdTmp(t);
}

#define OFF(r) ((Int)offsetof(VexGuestAMD64State, guest_##r))

/* At the first instruction of fns[fn], before its own statements. */
void pv_heapfn_add_entry(IRSB* sb, Int fn, Addr entry)
{
   /* The allocation stack is taken from the guest state: make the
    * instruction pointer exact (the entry may have been reached inside a
    * superblock), and have SP and FP written back. */
   addStmtToIRSB(sb, IRStmt_Put(OFF(RIP), IRExpr_Const(IRConst_U64(entry))));
   IRExpr* a0 = get_reg(sb, OFF(RDI));
   IRExpr* a1 = get_reg(sb, OFF(RSI));
   IRExpr* a2 = get_reg(sb, OFF(RDX));
   IRExpr* sp = get_reg(sb, OFF(RSP));
   IRDirty* di = unsafeIRDirty_0_N(0, "pv_heapfn_entry",
                                   VG_(fnptr_to_fnentry)(&entry_helper),
                                   mkIRExprVec_5(IRExpr_Const(IRConst_U64(fn)),
                                                 a0, a1, a2, sp));
   di->nFxState = 3;
   Int offs[3] = { OFF(RSP), OFF(RBP), OFF(RIP) };
   for (Int k = 0; k < 3; k++) {
      di->fxState[k].fx = Ifx_Read;
      di->fxState[k].offset = offs[k];
      di->fxState[k].size = 8;
      di->fxState[k].nRepeats = 0;
      di->fxState[k].repeatLen = 0;
   }
   addStmtToIRSB(sb, IRStmt_Dirty(di));
}

/* At the end of a block that ends in a return: one load and compare;
 * the helper runs only while some allocator call is open. */
void pv_heapfn_add_return(IRSB* sb)
{
   if (!pv_heapfn_enabled || sb->jumpkind != Ijk_Ret)
      return;
   IRTemp n = newIRTemp(sb->tyenv, Ity_I32);
   addStmtToIRSB(sb, IRStmt_WrTmp(n, IRExpr_Load(Iend_LE, Ity_I32,
      IRExpr_Const(IRConst_U64((ULong)(HWord)&pv_heapfn_open)))));
   IRTemp open = newIRTemp(sb->tyenv, Ity_I1);
   addStmtToIRSB(sb, IRStmt_WrTmp(open, IRExpr_Binop(Iop_CmpNE32, IRExpr_RdTmp(n),
                                                     IRExpr_Const(IRConst_U32(0)))));
   IRExpr* sp  = get_reg(sb, OFF(RSP));
   IRExpr* rax = get_reg(sb, OFF(RAX));
   IRExpr* target = sb->next;
   if (target->tag != Iex_RdTmp && target->tag != Iex_Const) {
      IRTemp t = newIRTemp(sb->tyenv, Ity_I64);
      addStmtToIRSB(sb, IRStmt_WrTmp(t, target));
      target = IRExpr_RdTmp(t);
      sb->next = target;
   }
   IRDirty* di = unsafeIRDirty_0_N(3, "pv_heapfn_return",
                                   VG_(fnptr_to_fnentry)(&return_helper),
                                   mkIRExprVec_3(sp, target, rax));
   di->guard = IRExpr_RdTmp(open);
   addStmtToIRSB(sb, IRStmt_Dirty(di));
}
