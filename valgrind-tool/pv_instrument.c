/* pv_instrument.c -- VEX IR instrumentation: every data access becomes a
 * 16-byte record written inline into the ring.
 *
 * Which accesses, and how they are split, follows lackey's --trace-mem=yes
 * exactly, so that pervert-dump --lackey can be checked against lackey:
 *   Ist_WrTmp of a Load -> load; Ist_Store -> store; Ist_LoadG/StoreG ->
 *   guarded load/store; Ist_CAS -> load + store of the (double) width;
 *   Ist_LLSC -> load (LL) / store (SC); Ist_Dirty with memory effects ->
 *   load and/or store of mSize bytes at mAddr.
 *   A store that immediately follows an unguarded load of the same size
 *   and address expression within one instruction becomes one "modify".
 *
 * Code per superblock (cf. cachegrind's batching of events, but with no
 * helper call per event):
 *
 *     cur = *&pv_cur; lim = *&pv_lim
 *     if (lim < cur + 16*N) pv_room_sb(16*N)     // N = worst-case records
 *     base = *&pv_cur
 *     ... per access:   *(base+off)   = header constant (kind|size|site)
 *                       *(base+off+8) = address
 *     ... before every exit and at the end: *&pv_cur = base + off
 *
 * A guarded access writes its record unconditionally but advances the
 * cursor by ITE(guard, 16, 0).  The site (code address) of every access is
 * a constant in its header, so sites cost nothing at run time.
 * Records are queued per instruction (the merge needs to see a load and the
 * store that follows) and written out at the next instruction mark, exit or
 * the end of the block -- after the accesses themselves, so a faulting
 * instruction leaves no record.
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_transtab.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_threadstate.h"
#include "libvex_guest_amd64.h"
#include "pv_tool.h"

typedef IRExpr IRAtom;

typedef struct {
   UInt    type;    /* PV_REC_LOAD/STORE/MODIFY */
   UInt    size;
   IRAtom* addr;
   IRAtom* guard;   /* NULL: always */
} PvEvent;

#define MAX_QUEUE 64

typedef struct {
   IRSB*   sb;
   IRTemp  base;        /* pointer the next record goes at, plus off */
   ULong   off;
   UInt    site;        /* site id of the current instruction */
   PvEvent q[MAX_QUEUE];
   Int     nq;
   Bool    fine;        /* fine mode (pv_control.c): count records in pv_acc */
} PvState;

static IRExpr* ptr_plus(PvState* s, ULong k)
{
   if (k == 0) return IRExpr_RdTmp(s->base);
   return IRExpr_Binop(Iop_Add64, IRExpr_RdTmp(s->base), IRExpr_Const(IRConst_U64(k)));
}

static IRAtom* atomise(PvState* s, IRExpr* e, IRType ty)
{
   IRTemp t = newIRTemp(s->sb->tyenv, ty);
   addStmtToIRSB(s->sb, IRStmt_WrTmp(t, e));
   return IRExpr_RdTmp(t);
}

static void write_record(PvState* s, PvEvent* ev)
{
   ULong hdr = PV_HDR(ev->type, 0, ev->size, s->site);
   IRAtom* a0 = atomise(s, ptr_plus(s, s->off), Ity_I64);
   IRAtom* a1 = atomise(s, ptr_plus(s, s->off + 8), Ity_I64);
   addStmtToIRSB(s->sb, IRStmt_Store(Iend_LE, a0, IRExpr_Const(IRConst_U64(hdr))));
   addStmtToIRSB(s->sb, IRStmt_Store(Iend_LE, a1, ev->addr));
   if (!ev->guard) {
      s->off += 16;
   } else {
      IRAtom* inc = atomise(s, IRExpr_ITE(ev->guard, IRExpr_Const(IRConst_U64(16)),
                                          IRExpr_Const(IRConst_U64(0))), Ity_I64);
      IRTemp nb = newIRTemp(s->sb->tyenv, Ity_I64);
      addStmtToIRSB(s->sb, IRStmt_WrTmp(nb,
         IRExpr_Binop(Iop_Add64, atomise(s, ptr_plus(s, s->off), Ity_I64), inc)));
      s->base = nb;
      s->off = 0;
   }
}

static void store_cursor(PvState* s)
{
   IRAtom* v = atomise(s, ptr_plus(s, s->off), Ity_I64);
   addStmtToIRSB(s->sb, IRStmt_Store(Iend_LE,
      IRExpr_Const(IRConst_U64((ULong)(HWord)&pv_cur)), v));
}

static void flush(PvState* s)
{
   if (s->nq == 0) return;
   IRAtom* start = s->fine ? atomise(s, ptr_plus(s, s->off), Ity_I64) : NULL;
   for (Int i = 0; i < s->nq; i++)
      write_record(s, &s->q[i]);
   s->nq = 0;
   store_cursor(s);
   if (s->fine) {
      /* pv_acc += records written = cursor advance / 16 */
      IRExpr* pacc = IRExpr_Const(IRConst_U64((ULong)(HWord)&pv_acc));
      IRAtom* now = atomise(s, ptr_plus(s, s->off), Ity_I64);
      IRAtom* adv = atomise(s, IRExpr_Binop(Iop_Sub64, now, start), Ity_I64);
      IRAtom* n = atomise(s, IRExpr_Binop(Iop_Shr64, adv, IRExpr_Const(IRConst_U8(4))), Ity_I64);
      IRAtom* acc = atomise(s, IRExpr_Load(Iend_LE, Ity_I64, pacc), Ity_I64);
      IRAtom* sum = atomise(s, IRExpr_Binop(Iop_Add64, acc, n), Ity_I64);
      addStmtToIRSB(s->sb, IRStmt_Store(Iend_LE, pacc, sum));
   }
}

/* ---- fine mode and no-redir blocks (pv_control.c) ------------------ */

/* The gate at the start of an instruction with K records.  Its exit
 * re-runs the instruction later, from the scheduler, where the program is
 * held. */
/* if (*pcount + k > *plimit) helper(k): the shape of both checks below */
static void call_if_over(PvState* s, const void* pcount, const void* plimit, ULong k,
                         const HChar* name, void* helper)
{
   IRExpr* pc = IRExpr_Const(IRConst_U64((ULong)(HWord)pcount));
   IRExpr* pl = IRExpr_Const(IRConst_U64((ULong)(HWord)plimit));
   IRAtom* cnt = atomise(s, IRExpr_Load(Iend_LE, Ity_I64, pc), Ity_I64);
   IRAtom* lim = atomise(s, IRExpr_Load(Iend_LE, Ity_I64, pl), Ity_I64);
   IRAtom* end = atomise(s, IRExpr_Binop(Iop_Add64, cnt, IRExpr_Const(IRConst_U64(k))), Ity_I64);
   IRAtom* over = atomise(s, IRExpr_Binop(Iop_CmpLT64U, lim, end), Ity_I1);
   IRDirty* di = unsafeIRDirty_0_N(1, name, VG_(fnptr_to_fnentry)(helper),
                                   mkIRExprVec_1(IRExpr_Const(IRConst_U64(k))));
   di->guard = over;
   addStmtToIRSB(s->sb, IRStmt_Dirty(di));
}

static void fine_gate(PvState* s, UInt k, Addr ip, Int offIP, Bool may_exit)
{
   IRExpr* pacc = IRExpr_Const(IRConst_U64((ULong)(HWord)&pv_acc));
   IRExpr* plim = IRExpr_Const(IRConst_U64((ULong)(HWord)&pv_acc_lim));
   call_if_over(s, &pv_acc, &pv_acc_lim, k, "pv_gate", (void*)&pv_gate);
   if (!may_exit) return;
   IRAtom* acc2 = atomise(s, IRExpr_Load(Iend_LE, Ity_I64, pacc), Ity_I64);
   IRAtom* lim2 = atomise(s, IRExpr_Load(Iend_LE, Ity_I64, plim), Ity_I64);
   IRAtom* stop = atomise(s, IRExpr_Binop(Iop_CmpLE64U, lim2, acc2), Ity_I1);
   addStmtToIRSB(s->sb, IRStmt_Exit(stop, Ijk_Yield, IRConst_U64((ULong)ip), offIP));
}

/* A block that jumps to a no-redirection translation (a valgrind.h
 * function wrapper calling its original) tells pv_control.c, which must leave the next
 * run of this thread alone. */
static IRSB* mark_noredir(IRSB* sb)
{
   if (sb->jumpkind == Ijk_NoRedir) {
      IRDirty* di = unsafeIRDirty_0_N(0, "pv_control_noredir",
                                      VG_(fnptr_to_fnentry)(&pv_control_noredir),
                                      mkIRExprVec_0());
      addStmtToIRSB(sb, IRStmt_Dirty(di));
   }
   return sb;
}

static void add_event(PvState* s, UInt type, IRAtom* addr, UInt size, IRAtom* guard)
{
   tl_assert(isIRAtom(addr));
   if (type == PV_REC_STORE && s->nq > 0) {
      PvEvent* last = &s->q[s->nq - 1];
      if (last->type == PV_REC_LOAD && last->size == size && !last->guard && !guard
          && eqIRAtom(last->addr, addr)) {
         last->type = PV_REC_MODIFY;
         return;
      }
   }
   if (s->nq == MAX_QUEUE) flush(s);
   PvEvent* ev = &s->q[s->nq++];
   ev->type = type;
   ev->addr = addr;
   ev->size = size;
   ev->guard = guard;
}

/* Worst-case number of records a statement makes. */
static UInt records_of(IRStmt* st)
{
   switch (st->tag) {
      case Ist_WrTmp:  return st->Ist.WrTmp.data->tag == Iex_Load ? 1 : 0;
      case Ist_Store:  case Ist_StoreG: case Ist_LoadG: case Ist_LLSC: return 1;
      case Ist_CAS:    return 2;
      case Ist_Dirty:  return st->Ist.Dirty.details->mFx == Ifx_None ? 0
                          : (st->Ist.Dirty.details->mFx == Ifx_Modify ? 2 : 1);
      default:         return 0;
   }
}

/* ---- the allocator's functions (pv_heapfn.c) ----------------------- */

/* Is the instruction at IMark STMT an allocator function's entry?  Only
 * asked where a superblock starts and where VEX followed a jump or call
 * inside one (the instruction addresses are not contiguous there). */
static Int entry_at(IRStmt* st, Addr* prev_end)
{
   Addr a = (Addr)st->Ist.IMark.addr;
   Bool jumped = a != *prev_end;
   *prev_end = a + st->Ist.IMark.len;
   return jumped ? pv_heapfn_at(a) : -1;
}

/* A block with no access records: only the allocator's entries and
 * returns, if any. */
static IRSB* heap_only(IRSB* sbIn)
{
   if (!pv_heapfn_enabled)
      return sbIn;
   Addr prev_end = 0;
   Bool any = sbIn->jumpkind == Ijk_Ret;
   for (Int i = 0; i < sbIn->stmts_used && !any; i++)
      if (sbIn->stmts[i]->tag == Ist_IMark && entry_at(sbIn->stmts[i], &prev_end) >= 0)
         any = True;
   if (!any)
      return sbIn;
   IRSB* sb = deepCopyIRSBExceptStmts(sbIn);
   prev_end = 0;
   for (Int i = 0; i < sbIn->stmts_used; i++) {
      IRStmt* st = sbIn->stmts[i];
      addStmtToIRSB(sb, st);
      if (st->tag == Ist_IMark) {
         Int fn = entry_at(st, &prev_end);
         if (fn >= 0)
            pv_heapfn_add_entry(sb, fn, (Addr)st->Ist.IMark.addr);
      }
   }
   pv_heapfn_add_return(sb);
   return sb;
}

/* Reserve room for N records and (re)load the record pointer. */
static void room_check(PvState* s, UInt n)
{
   call_if_over(s, &pv_cur, &pv_lim, 16ULL * n, "pv_room_sb", (void*)&pv_room_sb);
   IRExpr* pcur = IRExpr_Const(IRConst_U64((ULong)(HWord)&pv_cur));
   s->base = newIRTemp(s->sb->tyenv, Ity_I64);
   addStmtToIRSB(s->sb, IRStmt_WrTmp(s->base, IRExpr_Load(Iend_LE, Ity_I64, pcur)));
   s->off = 0;
}

IRSB* pv_instrument(VgCallbackClosure* closure, IRSB* sbIn,
                    const VexGuestLayout* layout, const VexGuestExtents* vge,
                    const VexArchInfo* archinfo_host,
                    IRType gWordTy, IRType hWordTy)
{
   if (gWordTy != hWordTy)
      VG_(tool_panic)("host/guest word size mismatch");
   if (!pv_tracing)
      return mark_noredir(heap_only(sbIn));

   UInt n = 0;
   for (Int i = 0; i < sbIn->stmts_used; i++)
      if (sbIn->stmts[i]) n += records_of(sbIn->stmts[i]);
   if (n == 0)
      return mark_noredir(heap_only(sbIn));

   PvState s;
   s.sb = deepCopyIRSBExceptStmts(sbIn);
   s.nq = 0;
   s.off = 0;
   s.site = 0;
   s.fine = pv_fine;
   /* The no-redir block's first instruction cannot be re-entered later
    * (it would be redirected again): no gate exits there. */
   Bool may_exit = !pv_control_noredir_pending();
   IRTypeEnv* tyenv = sbIn->tyenv;

   Int i = 0;
   while (i < sbIn->stmts_used && sbIn->stmts[i]->tag != Ist_IMark) {
      addStmtToIRSB(s.sb, sbIn->stmts[i]);
      i++;
   }

   /* The room check. */
   room_check(&s, n);
   Addr prev_end = 0;

   for (; i < sbIn->stmts_used; i++) {
      IRStmt* st = sbIn->stmts[i];
      if (!st || st->tag == Ist_NoOp) continue;
      switch (st->tag) {
         case Ist_IMark:
            flush(&s);
            s.site = 0;
            /* a site id is made lazily, only for instructions that access memory */
            {
               UInt k = 0;      /* records of this instruction, at most */
               for (Int j = i + 1; j < sbIn->stmts_used && sbIn->stmts[j]->tag != Ist_IMark; j++)
                  k += records_of(sbIn->stmts[j]);
               if (k) s.site = pv_site_for_ip((Addr)st->Ist.IMark.addr);
               addStmtToIRSB(s.sb, st);
               if (k && s.fine)
                  fine_gate(&s, k, (Addr)st->Ist.IMark.addr, layout->offset_IP, may_exit);
               Int fn = entry_at(st, &prev_end);
               if (fn >= 0) {
                  /* The helper may send records: reserve room again for
                   * the rest of the block, after them. */
                  pv_heapfn_add_entry(s.sb, fn, (Addr)st->Ist.IMark.addr);
                  UInt rest = 0;
                  for (Int j = i + 1; j < sbIn->stmts_used; j++)
                     rest += records_of(sbIn->stmts[j]);
                  if (rest) room_check(&s, rest);
               }
            }
            break;
         case Ist_WrTmp: {
            IRExpr* e = st->Ist.WrTmp.data;
            addStmtToIRSB(s.sb, st);
            if (e->tag == Iex_Load)
               add_event(&s, PV_REC_LOAD, e->Iex.Load.addr, sizeofIRType(e->Iex.Load.ty), NULL);
            break;
         }
         case Ist_Store: {
            IRType ty = typeOfIRExpr(tyenv, st->Ist.Store.data);
            addStmtToIRSB(s.sb, st);
            add_event(&s, PV_REC_STORE, st->Ist.Store.addr, sizeofIRType(ty), NULL);
            break;
         }
         case Ist_StoreG: {
            IRStoreG* sg = st->Ist.StoreG.details;
            IRType ty = typeOfIRExpr(tyenv, sg->data);
            addStmtToIRSB(s.sb, st);
            add_event(&s, PV_REC_STORE, sg->addr, sizeofIRType(ty), sg->guard);
            break;
         }
         case Ist_LoadG: {
            IRLoadG* lg = st->Ist.LoadG.details;
            IRType ty = Ity_INVALID, wide = Ity_INVALID;
            typeOfIRLoadGOp(lg->cvt, &wide, &ty);
            addStmtToIRSB(s.sb, st);
            add_event(&s, PV_REC_LOAD, lg->addr, sizeofIRType(ty), lg->guard);
            break;
         }
         case Ist_Dirty: {
            IRDirty* d = st->Ist.Dirty.details;
            addStmtToIRSB(s.sb, st);
            if (d->mFx != Ifx_None) {
               tl_assert(d->mAddr && d->mSize > 0);
               if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify)
                  add_event(&s, PV_REC_LOAD, d->mAddr, d->mSize, NULL);
               if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
                  add_event(&s, PV_REC_STORE, d->mAddr, d->mSize, NULL);
            }
            break;
         }
         case Ist_CAS: {
            IRCAS* cas = st->Ist.CAS.details;
            UInt sz = sizeofIRType(typeOfIRExpr(tyenv, cas->dataLo));
            if (cas->dataHi) sz *= 2;
            addStmtToIRSB(s.sb, st);
            add_event(&s, PV_REC_LOAD, cas->addr, sz, NULL);
            add_event(&s, PV_REC_STORE, cas->addr, sz, NULL);
            break;
         }
         case Ist_LLSC: {
            addStmtToIRSB(s.sb, st);
            if (st->Ist.LLSC.storedata == NULL) {
               add_event(&s, PV_REC_LOAD, st->Ist.LLSC.addr,
                         sizeofIRType(typeOfIRTemp(tyenv, st->Ist.LLSC.result)), NULL);
               flush(&s);
            } else {
               add_event(&s, PV_REC_STORE, st->Ist.LLSC.addr,
                         sizeofIRType(typeOfIRExpr(tyenv, st->Ist.LLSC.storedata)), NULL);
            }
            break;
         }
         case Ist_Exit:
            flush(&s);
            addStmtToIRSB(s.sb, st);
            break;
         default:
            addStmtToIRSB(s.sb, st);
            break;
      }
   }
   flush(&s);
   pv_heapfn_add_return(s.sb);
   return mark_noredir(s.sb);
}

void pv_set_tracing(Bool on)
{
   if (on == pv_tracing) return;
   pv_tracing = on;
   /* Translations were made with (or without) records: make them again. */
   VG_(discard_translations_safely)((Addr)0x1000, ~(SizeT)0xfff, "pervert");
   UChar* p = pv_emit_begin(8);
   *(ULong*)p = PV_HDR(PV_REC_TRACE, on ? 1 : 0, 1, 0);
   pv_emit_done(p + 8);
}
