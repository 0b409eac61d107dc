/* pv_heap.c -- heap blocks, as seen at the allocator's functions.
 *
 * pv_heapfn.c sees the program's own malloc & friends called and return
 * (pervert.h's client requests can report blocks of custom allocators
 * too), and tells this file about every block handed out and taken back.
 * Here each live block is remembered (address -> size,
 * allocation stack), and PV_REC_ALLOC / PV_REC_FREE records are sent.
 * A free of a block that is not known live is ignored: glibc frees its own
 * thread caches at thread exit, which the program never allocated through
 * the functions we follow.  Like DHAT's dh_main.c, the live table is a
 * VgHashTable keyed by the block's address.
 */
#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_poolalloc.h"
#include "pv_tool.h"

typedef struct _Block {
   struct _Block* next;
   UWord  key;      /* address */
   SizeT  size;
   UInt   stack;
} Block;

static VgHashTable* live;
static PoolAlloc*   blocks;    /* Block nodes: one malloc per block is too slow */
static ULong n_allocs, n_frees, bytes_alloc, bytes_live, max_live;

void pv_heap_init(void)
{
   live = VG_(HT_construct)("pv.heap");
   blocks = VG_(newPA)(sizeof(Block), 1000, VG_(malloc), "pv.blocks", VG_(free));
}

static void send(UInt type, UInt kind, ThreadId tid, Addr a, SizeT size, UInt stack)
{
   UChar* p = pv_emit_begin(32);
   ULong* w = (ULong*)p;
   w[0] = PV_HDR(type, kind, 4, tid);
   w[1] = a;
   w[2] = size;
   w[3] = stack;
   pv_emit_done(p + 32);
}

void pv_heap_free(ThreadId tid, Addr a, UInt kind)
{
   Block* b = VG_(HT_remove)(live, a);
   if (!b) return;
   n_frees++;
   bytes_live -= b->size;
   send(PV_REC_FREE, kind, tid, a, b->size, b->stack);
   VG_(freeEltPA)(blocks, b);
}

void pv_heap_alloc(ThreadId tid, Addr a, SizeT size, UInt kind, UInt stack)
{
   if (a == 0) return;
   if (VG_(HT_lookup)(live, a))       /* lost a free somewhere: keep the table true */
      pv_heap_free(tid, a, PV_ALLOC_FREE);
   Block* b = VG_(allocEltPA)(blocks);
   b->key = a;
   b->size = size;
   b->stack = stack;
   VG_(HT_add_node)(live, b);
   n_allocs++;
   bytes_alloc += size;
   bytes_live += size;
   if (bytes_live > max_live) max_live = bytes_live;
   send(PV_REC_ALLOC, kind, tid, a, size, b->stack);
   pv_control_event(PV_REC_ALLOC);     /* "step to the next allocation" */
}

void pv_heap_summary(void)
{
   if (!pv_clo_track_heap) {
      VG_(umsg)("pervert: heap: not tracked (--track-heap=no)\n");
      return;
   }
   if (!pv_heapfn_enabled) {
      VG_(umsg)("pervert: heap: not tracked (statically linked program)\n");
      return;
   }
   if (!pv_heapfn_any_found()) {
      VG_(umsg)("pervert: heap: no events (no allocator functions were found)\n");
      return;
   }
   VG_(umsg)("pervert: heap: %'llu allocs, %'llu frees, %'llu bytes allocated, "
             "%'llu bytes in %'u blocks live at exit, peak %'llu bytes\n",
             n_allocs, n_frees, bytes_alloc, bytes_live,
             VG_(HT_count_nodes)(live), max_live);
}
