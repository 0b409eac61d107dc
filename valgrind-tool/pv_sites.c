/* pv_sites.c -- code sites and allocation stacks.
 *
 * A site is a code address that touches memory (or a frame of an
 * allocation stack).  Each gets a small id the first time it is seen, at
 * translation time, and one PV_REC_SITE record carries its function, file,
 * line and object, symbolised once.  Access records then only carry the id.
 *
 * An allocation stack is the list of site ids of its frames, interned: a
 * PV_REC_STACK record is sent the first time a stack is seen, and heap
 * records carry the stack id.
 *
 * Sites of code that is unmapped (dlclose) are forgotten, so code loaded
 * later at the same address gets new ids with the right names.
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_machine.h"
#include "libvex_guest_amd64.h"
#include "pv_tool.h"

static WordFM* sites;          /* ip -> site id */
static UInt    next_site = 1;
static ULong   n_stacks;

typedef struct _StackNode {
   struct _StackNode* next;
   UWord  key;                 /* hash */
   UInt   id;
   UInt   depth;
   Addr   ips[0];
} StackNode;
static VgHashTable* stacks;
static UInt next_stack = 1;


void pv_sites_init(void)
{
   sites = VG_(newFM)(VG_(malloc), "pv.sites", VG_(free), NULL);
   stacks = VG_(HT_construct)("pv.stacks");
}

static void copy_str(HChar* dst, Int cap, const HChar* src)
{
   if (!src) src = "";
   VG_(strncpy)(dst, src, cap - 1);
   dst[cap - 1] = 0;
}

/* Symbolise IP and send its SITE record with id ID. */
static void send_site(UInt id, Addr ip, Addr lookup)
{
   static HChar fn[512], file[512], dir[512], obj[512];
   DiEpoch ep = VG_(current_DiEpoch)();
   const HChar* s;
   UInt line = 0;
   fn[0] = file[0] = dir[0] = obj[0] = 0;
   if (VG_(get_fnname)(ep, lookup, &s)) copy_str(fn, sizeof fn, s);
   const HChar *f = NULL, *d = NULL;
   if (VG_(get_filename_linenum)(ep, lookup, &f, &d, &line)) {
      copy_str(file, sizeof file, f);
      copy_str(dir, sizeof dir, d);
   } else {
      line = 0;
   }
   if (VG_(get_objname)(ep, lookup, &s)) copy_str(obj, sizeof obj, s);
   else {
      NSegment const* seg = VG_(am_find_nsegment)(lookup);
      const HChar* name = seg ? VG_(am_get_filename)(seg) : NULL;
      if (name) copy_str(obj, sizeof obj, name);
   }
   UInt sb = pv_strbytes(fn) + pv_strbytes(file) + pv_strbytes(dir) + pv_strbytes(obj);
   UInt n = 24 + PV_ALIGN8(sb);
   UChar* p = pv_emit_begin(n);
   ULong* w = (ULong*)p;
   w[0] = PV_HDR(PV_REC_SITE, 0, n / 8, id);
   w[1] = ip;
   w[2] = (ULong)line | ((ULong)sb << 32);
   UChar* q = p + 24;
   q = pv_put_str(q, fn);
   q = pv_put_str(q, file);
   q = pv_put_str(q, dir);
   q = pv_put_str(q, obj);
   pv_emit_done(pv_pad8(p, q));
}

static UInt site_lookup(Addr ip, Addr lookup)
{
   UWord k, v;
   if (VG_(lookupFM)(sites, &k, &v, ip))
      return (UInt)v;
   UInt id = next_site++;
   VG_(addToFM)(sites, ip, id);
   send_site(id, ip, lookup);
   return id;
}

UInt pv_site_for_ip(Addr ip) { return site_lookup(ip, ip); }

static void memo_forget_range(Addr a, SizeT len);

void pv_sites_forget_range(Addr a, SizeT len)
{
   memo_forget_range(a, len);
   if (!sites || len == 0) return;
   Addr doomed[64];
   for (;;) {
      Int n = 0;
      UWord k, v;
      VG_(initIterAtFM)(sites, a);
      while (n < 64 && VG_(nextIterFM)(sites, &k, &v) && k < a + len)
         doomed[n++] = k;
      VG_(doneIterFM)(sites);
      for (Int i = 0; i < n; i++)
         VG_(delFromFM)(sites, NULL, NULL, doomed[i]);
      if (n < 64) break;
   }
}

ULong pv_sites_count(void)  { return next_site - 1; }
ULong pv_stacks_count(void) { return n_stacks; }

static UWord hash_ips(const Addr* ips, UInt n)
{
   UWord h = 0x9E3779B97F4A7C15ULL ^ n;
   for (UInt i = 0; i < n; i++) {
      h ^= ips[i];
      h *= 0x100000001B3ULL;
      h ^= h >> 29;
   }
   return h;
}

/* The id of the stack IPS[0..GOT-1] minus its SKIP innermost frames. */
static UInt intern_stack(const Addr* ips, UInt got, UInt skip)
{
   UInt first = skip < got ? skip : got;
   UInt depth = got - first;
   if (depth > pv_clo_stack_depth) depth = pv_clo_stack_depth;
   if (depth == 0) return 0;
   const Addr* fr = ips + first;
   UWord h = hash_ips(fr, depth);
   for (StackNode* n = VG_(HT_lookup)(stacks, h); n; n = n->next)
      if (n->key == h && n->depth == depth
          && VG_(memcmp)(n->ips, fr, depth * sizeof(Addr)) == 0)
         return n->id;
   /* New stack: its frames become sites (return addresses are looked up
    * one byte back, inside the call instruction). */
   UInt ids[256];
   for (UInt i = 0; i < depth; i++) {
      Addr ip = fr[i];
      Bool is_ret = (first + i) > 0;
      ids[i] = site_lookup(is_ret ? ip - 1 : ip, is_ret ? ip - 1 : ip);
   }
   StackNode* node = VG_(malloc)("pv.stack", sizeof(StackNode) + depth * sizeof(Addr));
   node->key = h;
   node->id = next_stack++;
   node->depth = depth;
   VG_(memcpy)(node->ips, fr, depth * sizeof(Addr));
   VG_(HT_add_node)(stacks, node);
   n_stacks++;
   UInt n = 8 + PV_ALIGN8(depth * 4);
   UChar* p = pv_emit_begin(n);
   *(ULong*)p = PV_HDR(PV_REC_STACK, depth, n / 8, node->id);
   UInt* s = (UInt*)(p + 8);
   for (UInt i = 0; i < depth; i++) s[i] = ids[i];
   pv_emit_done(pv_pad8(p, (UChar*)(s + depth)));
   return node->id;
}

/* ---- the stack memo ----
 *
 * Unwinding (CFI) is most of what an allocation costs, and programs
 * allocate from the same few places again and again.  A memo entry keeps
 * a trace with the registers it started from (thread, IP, SP, FP) and,
 * for every outer frame, the stack slot its return address was read
 * from: frame i's return address lies just below frame i's stack pointer
 * (its caller's SP after the return), where the CFI of amd64 code, or a
 * frame-pointer chain, puts it.  A later trace from the same registers
 * whose slots all still hold the same return addresses is the same trace:
 * the slots are re-read (a dozen loads) instead of unwinding again.
 * A trace ends at the first frame whose return address is not found that
 * way: past _start, the unwinder's frame-pointer guesses find garbage on
 * the stack (and a signal frame, whose return address is in the signal
 * context, ends an allocation stack too).  Entries of a thread are dropped
 * when it exits, and entries whose slots lie in unmapped memory when
 * it is unmapped. */

#define MEMO_N    256           /* entries, a power of two */
#define MEMO_MAXD 257           /* frames of a trace at most (256 + frame 0) */

typedef struct {
   ThreadId tid;                /* 0: empty */
   UInt  got, id, skip;
   Addr  ip, sp, fp;
   Addr  lo, hi;                /* range of the slots */
   Addr  slot[MEMO_MAXD];       /* where ips[i] + 1 was read, i >= 1 */
   Addr  ra[MEMO_MAXD];
} StackMemo;

static StackMemo* memo;
static ULong memo_hits, memo_misses;

static UWord memo_index(ThreadId tid, Addr ip, Addr sp, Addr fp, UInt skip)
{
   UWord h = (ip * 0x9E3779B97F4A7C15ULL) ^ (sp * 0xC2B2AE3D27D4EB4FULL) ^ fp ^ tid ^ skip;
   h ^= h >> 29;
   return h & (MEMO_N - 1);
}

UInt pv_stack_for_thread(ThreadId tid, UInt skip)
{
   Addr ips[260], sps[260];
   if (pv_clo_stack_depth == 0) return 0;
   UInt want = pv_clo_stack_depth + skip;
   if (want > 256) want = 256;
   if (!memo)
      memo = VG_(calloc)("pv.stackmemo", MEMO_N, sizeof(StackMemo));

   Addr ip = VG_(get_IP)(tid), sp = VG_(get_SP)(tid), fp = 0;
   VG_(get_shadow_regs_area)(tid, (UChar*)&fp, 0,
                             offsetof(VexGuestAMD64State, guest_RBP), sizeof fp);
   StackMemo* m = &memo[memo_index(tid, ip, sp, fp, skip)];
   if (m->tid == tid && m->ip == ip && m->sp == sp && m->fp == fp && m->skip == skip
       && m->got <= want) {
      UInt i;
      for (i = 1; i < m->got; i++)
         if (*(const Addr*)m->slot[i] != m->ra[i])
            break;
      if (i == m->got) {
         memo_hits++;
         return m->id;
      }
   }
   memo_misses++;

   UInt got = VG_(get_StackTrace)(tid, ips, want, sps, NULL, 0);
   /* Keep the frames whose return addresses are where the slots say; the
    * first that is not ends the trace: past the program's first frame
    * (_start) the unwinder's frame-pointer guesses find stack garbage. */
   Addr lo = ~(Addr)0, hi = 0;
   UInt i;
   for (i = 1; i < got && i < MEMO_MAXD; i++) {
      Addr slot = sps[i] - sizeof(Addr);
      if (sps[i] < sp + sizeof(Addr) || *(const Addr*)slot != ips[i] + 1)
         break;
      m->slot[i] = slot;
      m->ra[i] = ips[i] + 1;
      if (slot < lo) lo = slot;
      if (slot > hi) hi = slot;
   }
   got = i;
   UInt id = intern_stack(ips, got, skip);
   m->tid = tid; m->ip = ip; m->sp = sp; m->fp = fp; m->skip = skip;
   m->got = got; m->id = id; m->lo = lo; m->hi = hi;
   return id;
}

void pv_stacks_forget_thread(ThreadId tid)
{
   if (!memo) return;
   for (UInt i = 0; i < MEMO_N; i++)
      if (memo[i].tid == tid) memo[i].tid = 0;
}

static void memo_forget_range(Addr a, SizeT len)
{
   if (!memo) return;
   for (UInt i = 0; i < MEMO_N; i++)
      if (memo[i].tid && memo[i].hi >= a && memo[i].lo < a + len)
         memo[i].tid = 0;
}

void pv_stacks_memo_counts(ULong* hits, ULong* misses) { *hits = memo_hits; *misses = memo_misses; }
