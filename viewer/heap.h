/* heap.h -- live heap blocks (ALLOC/FREE records) in an address-ordered
 * treap, and a bounded ring of recently freed blocks (drawn fading out).
 * A hash from start address to node finds the block a FREE names without
 * walking down the treap (a walk costs a cache miss a level on a big
 * heap); parent links let it be cut out from where it is. */
#ifndef PV_VIEW_HEAP_H
#define PV_VIEW_HEAP_H

#include "pv_proto.h"

#define PV_FREED_CAP   8192
#define PV_MAX_BLOCKS  (16u << 20)   /* live blocks tracked at most */

struct pv_block {
   pv_u64 addr, size;
   pv_u32 stack;          /* allocation stack id */
   pv_u32 tid;
   pv_u32 seq;            /* allocation number */
   pv_u8  kind;           /* enum pv_alloc_kind */
   /* treap links (indices; 0 = none) */
   pv_u32 l, r, p, prio;
};

struct pv_freed {
   pv_u64 addr, size;
   pv_u32 stack, free_stack, tid;
   pv_u8  kind;
   double when;           /* viewer clock at the FREE record */
};

/* A slot of the address hash: the node and the low 32 bits of its
 * start address / 16, so that probing and moving entries need not read
 * the nodes. */
struct pv_hslot { pv_u32 node, key; };

struct pv_heap {
   struct pv_block *b;    /* b[0] is the nil node */
   pv_u32  nb, cap, free_head, root, rng;
   pv_u32  maxn;          /* the block with the highest address (0: unknown):
                             allocators mostly hand out rising addresses */
   struct pv_hslot *hs;   /* start address -> node (node 0 = empty), linear probing */
   pv_u32  hcap;          /* its size (a power of two, >= 2 x live) */
   pv_u64  live_bytes, live_count, allocs, frees, untracked;
   struct pv_freed freed[PV_FREED_CAP];
   unsigned freed_head, freed_n;
   unsigned gen;          /* bumped at every change */
};

void pv_heap_init(struct pv_heap *h);
void pv_heap_free_all(struct pv_heap *h);
/* Rebuild the address hash from the treap (after the nodes were restored
 * from a snapshot); -1 when memory runs out. */
int  pv_heap_reindex(struct pv_heap *h);
void pv_heap_alloc(struct pv_heap *h, pv_u64 addr, pv_u64 size, pv_u32 stack,
                   pv_u32 tid, unsigned kind);
/* Returns 1 when a live block started at ADDR. */
int  pv_heap_free(struct pv_heap *h, pv_u64 addr, pv_u32 free_stack, pv_u32 tid, double now);
/* The live block containing ADDR, or NULL. */
const struct pv_block *pv_heap_find(const struct pv_heap *h, pv_u64 addr);
/* The most recently freed block containing ADDR (kept in the ring), or NULL. */
const struct pv_freed *pv_heap_find_freed(const struct pv_heap *h, pv_u64 addr);
/* Call FN for every live block overlapping [lo, hi), in address order. */
void pv_heap_visit(const struct pv_heap *h, pv_u64 lo, pv_u64 hi,
                   void (*fn)(void *ctx, const struct pv_block *b), void *ctx);
/* The same for the first MAX of them; returns HI when that was all, else
 * the address to go on from (a later call with [that, HI) visits the rest
 * of the blocks, as they are then). */
pv_u64 pv_heap_visit_some(const struct pv_heap *h, pv_u64 lo, pv_u64 hi, pv_u64 max,
                          void (*fn)(void *ctx, const struct pv_block *b), void *ctx);

#endif
