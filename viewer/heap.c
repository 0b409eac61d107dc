/* heap.c -- live heap blocks in a treap, recently freed blocks in a ring
 * (see heap.h).  Nodes live in one array addressed by index; freed nodes go
 * to a free list, so steady alloc/free traffic allocates nothing. */
#include "heap.h"

#include <stdlib.h>
#include <string.h>

void pv_heap_init(struct pv_heap *h)
{
   memset(h, 0, sizeof *h);
   h->rng = 0x9E3779B9u;
}

void pv_heap_free_all(struct pv_heap *h)
{
   free(h->b);
   free(h->hs);
   pv_heap_init(h);
}

static pv_u32 rnd(struct pv_heap *h)
{
   pv_u32 x = h->rng;
   x ^= x << 13;
   x ^= x >> 17;
   x ^= x << 5;
   return h->rng = x;
}

static pv_u32 new_node(struct pv_heap *h)
{
   if (h->free_head) {
      pv_u32 i = h->free_head;
      h->free_head = h->b[i].l;
      return i;
   }
   if (h->nb == 0) {
      h->cap = 1024;
      h->b = calloc(h->cap, sizeof *h->b);
      if (!h->b)
         return 0;
      h->nb = 1;                 /* node 0 is nil */
   }
   if (h->nb == h->cap) {
      if (h->cap >= PV_MAX_BLOCKS)
         return 0;
      pv_u32 nc = h->cap * 2;
      struct pv_block *q = realloc(h->b, nc * sizeof *q);
      if (!q)
         return 0;
      h->b = q;
      h->cap = nc;
   }
   return h->nb++;
}

static pv_u64 span(const struct pv_block *b)
{
   return b->size ? b->size : 1;
}

/* ---- the address hash ------------------------------------------------
 *
 * Slots are looked at in the order the program allocates and frees, which
 * is mostly in address order, or near a block freed a moment ago.  A slot
 * chosen at random from the whole address (a plain hash) costs a cache
 * miss per ALLOC and per FREE on a big heap, and those misses were most of
 * the heap's time (list 1000000 while recording: 210 ns an ALLOC, 220 ns a
 * FREE).  So the home slot keeps the order of the addresses within each
 * 256-byte window: the window's 16 granules of 16 bytes get 16 slots in a
 * row (two cache lines), at a place chosen by hashing the window's number.
 * Neighbours in memory share cache lines in the table, while windows still
 * land at random, so regions far apart do not pile up on the same slots.
 * (Whole 4 KiB pages per window were tried: dense pages overlap in the
 * table and make long runs to probe and to shift on delete.) */

#define WINDOW_BITS 4                 /* 16 granules of 16 bytes */

static inline pv_u32 key_of(pv_u64 addr)
{
   return (pv_u32)(addr >> 4);
}

static inline pv_u32 home(const struct pv_heap *h, pv_u32 key)
{
   pv_u32 w = (pv_u32)(((pv_u64)(key >> WINDOW_BITS) * 0x9E3779B97F4A7C15ULL) >> 32);
   return (w + (key & ((1u << WINDOW_BITS) - 1))) & (h->hcap - 1);
}

static void hash_put(struct pv_heap *h, pv_u32 n, pv_u32 key)
{
   pv_u32 m = h->hcap - 1, i = home(h, key);
   while (h->hs[i].node)
      i = (i + 1) & m;
   h->hs[i].node = n;
   h->hs[i].key = key;
}

/* Room for one more live block; -1 when memory runs out. */
static int hash_room(struct pv_heap *h)
{
   if ((h->live_count + 1) * 2 <= h->hcap)
      return 0;
   pv_u32 ncap = h->hcap ? h->hcap * 2 : 1024;
   struct pv_hslot *n = calloc(ncap, sizeof *n);
   if (!n)
      return -1;
   struct pv_hslot *old = h->hs;
   pv_u32 ocap = h->hcap;
   h->hs = n;
   h->hcap = ncap;
   for (pv_u32 i = 0; i < ocap; i++)
      if (old[i].node)
         hash_put(h, old[i].node, old[i].key);
   free(old);
   return 0;
}

/* The slot of the live block starting at ADDR, or -1. */
static long hash_find(const struct pv_heap *h, pv_u64 addr)
{
   if (!h->hcap)
      return -1;
   pv_u32 m = h->hcap - 1, key = key_of(addr), i = home(h, key), n;
   while ((n = h->hs[i].node) != 0) {
      if (h->hs[i].key == key && h->b[n].addr == addr)
         return (long)i;
      i = (i + 1) & m;
   }
   return -1;
}

static void hash_del(struct pv_heap *h, pv_u32 i)
{
   /* backward-shift deletion (linear probing) */
   pv_u32 m = h->hcap - 1, j = i;
   for (;;) {
      h->hs[i].node = 0;
      for (;;) {
         j = (j + 1) & m;
         if (!h->hs[j].node)
            return;
         pv_u32 k = home(h, h->hs[j].key);
         /* can entry j move to i?  yes unless k lies cyclically in (i, j] */
         if (i <= j ? (k <= i || k > j) : (k <= i && k > j))
            break;
      }
      h->hs[i] = h->hs[j];
      i = j;
   }
}

int pv_heap_reindex(struct pv_heap *h)
{
   free(h->hs);
   h->hs = NULL;
   h->hcap = 0;
   pv_u32 need = 1024;
   while (need < h->live_count * 2 + 2)
      need *= 2;
   h->hs = calloc(need, sizeof *h->hs);
   if (!h->hs)
      return -1;
   h->hcap = need;
   /* every node in the treap, found from the root (free nodes are not in it) */
   pv_u32 t = h->root, prev = 0;
   while (t) {                       /* in-order walk by parent links */
      pv_u32 next;
      const struct pv_block *b = &h->b[t];
      if (prev == b->p) {
         hash_put(h, t, key_of(b->addr));
         next = b->l ? b->l : b->r ? b->r : b->p;
      } else if (prev == b->l) {
         next = b->r ? b->r : b->p;
      } else {
         next = b->p;
      }
      prev = t;
      t = next;
   }
   return 0;
}

/* ---- the treap --------------------------------------------------------- */

/* Make X's child C take X's place (C = 0: X's slot empties). */
static void replace_child(struct pv_heap *h, pv_u32 x, pv_u32 c)
{
   struct pv_block *B = h->b;
   pv_u32 p = B[x].p;
   if (!p)
      h->root = c;
   else if (B[p].l == x)
      B[p].l = c;
   else
      B[p].r = c;
   if (c)
      B[c].p = p;
}

/* Rotate X's child C above X. */
static void rotate_up(struct pv_heap *h, pv_u32 c)
{
   struct pv_block *B = h->b;
   pv_u32 x = B[c].p;
   replace_child(h, x, c);
   if (B[x].l == c) {
      B[x].l = B[c].r;
      if (B[c].r)
         B[B[c].r].p = x;
      B[c].r = x;
   } else {
      B[x].r = B[c].l;
      if (B[c].l)
         B[B[c].l].p = x;
      B[c].l = x;
   }
   B[x].p = c;
}

/* Put node N in; *PRED and *SUCC get its neighbours in address order. */
static void insert(struct pv_heap *h, pv_u32 n, pv_u32 *pred, pv_u32 *succ)
{
   struct pv_block *B = h->b;
   pv_u32 t = h->root, parent = 0;
   int left = 0;
   *pred = *succ = 0;
   if (t && !h->maxn) {
      h->maxn = t;                   /* the rightmost node */
      while (B[h->maxn].r)
         h->maxn = B[h->maxn].r;
   }
   if (t && B[n].addr >= B[h->maxn].addr) {
      /* above every block: the right child of the highest, which has
       * none (no walk down from the root) */
      *pred = parent = h->maxn;
      t = 0;
   }
   while (t) {
      parent = t;
      left = B[n].addr < B[t].addr;
      if (left) {
         *succ = t;
         t = B[t].l;
      } else {
         *pred = t;
         t = B[t].r;
      }
   }
   B[n].l = B[n].r = 0;
   B[n].p = parent;
   if (!parent)
      h->root = n;
   else if (left)
      B[parent].l = n;
   else
      B[parent].r = n;
   if (!*succ)
      h->maxn = n;
   while (B[n].p && B[B[n].p].prio < B[n].prio)
      rotate_up(h, n);
}

/* Take node N out of the treap: rotate it down until it has at most one
 * child (a treap needs fewer than two rotations on average), then splice. */
static void cut(struct pv_heap *h, pv_u32 n)
{
   struct pv_block *B = h->b;
   while (B[n].l && B[n].r)
      rotate_up(h, B[B[n].l].prio > B[B[n].r].prio ? B[n].l : B[n].r);
   replace_child(h, n, B[n].l ? B[n].l : B[n].r);
}

/* Live block with the largest address <= ADDR (0 if none). */
static pv_u32 pred(const struct pv_heap *h, pv_u64 addr)
{
   pv_u32 t = h->root, best = 0;
   while (t) {
      if (h->b[t].addr <= addr) {
         best = t;
         t = h->b[t].r;
      } else
         t = h->b[t].l;
   }
   return best;
}

/* Live block with the smallest address > ADDR (0 if none). */
static pv_u32 succ(const struct pv_heap *h, pv_u64 addr)
{
   pv_u32 t = h->root, best = 0;
   while (t) {
      if (h->b[t].addr > addr) {
         best = t;
         t = h->b[t].l;
      } else
         t = h->b[t].r;
   }
   return best;
}

/* Node N, live, out of the treap, the hash and the totals. */
static void drop(struct pv_heap *h, pv_u32 n, long slot)
{
   if (slot < 0)
      slot = hash_find(h, h->b[n].addr);
   if (slot >= 0)
      hash_del(h, (pv_u32)slot);
   cut(h, n);
   if (h->maxn == n)
      h->maxn = 0;
   h->live_bytes -= h->b[n].size;
   h->live_count--;
   h->b[n].l = h->free_head;
   h->free_head = n;
}

void pv_heap_alloc(struct pv_heap *h, pv_u64 addr, pv_u64 size, pv_u32 stack,
                   pv_u32 tid, unsigned kind)
{
   h->allocs++;
   h->gen++;
   pv_u32 n;
   if (hash_room(h) != 0 || (n = new_node(h)) == 0) {
      h->untracked++;
      return;
   }
   struct pv_block *b = &h->b[n];
   memset(b, 0, sizeof *b);
   b->addr = addr;
   b->size = size;
   b->stack = stack;
   b->tid = tid;
   b->kind = (pv_u8)kind;
   b->seq = (pv_u32)h->allocs;
   b->prio = rnd(h);
   pv_u32 before, after;
   insert(h, n, &before, &after);
   /* blocks whose FREE we missed, overlapping this one, are gone now */
   pv_u64 end = addr + span(b);
   while (before && h->b[before].addr + span(&h->b[before]) > addr) {
      pv_u32 gone = before;
      before = h->b[gone].addr ? pred(h, h->b[gone].addr - 1) : 0;
      drop(h, gone, -1);
   }
   while (after && h->b[after].addr < end) {
      pv_u32 gone = after;
      after = succ(h, h->b[gone].addr);
      drop(h, gone, -1);
   }
   hash_put(h, n, key_of(addr));
   h->live_bytes += size;
   h->live_count++;
}

int pv_heap_free(struct pv_heap *h, pv_u64 addr, pv_u32 free_stack, pv_u32 tid, double now)
{
   h->frees++;
   long slot = hash_find(h, addr);
   if (slot < 0)
      return 0;
   pv_u32 gone = h->hs[slot].node;
   h->gen++;
   struct pv_freed *f = &h->freed[h->freed_head];
   h->freed_head = (h->freed_head + 1) % PV_FREED_CAP;
   if (h->freed_n < PV_FREED_CAP)
      h->freed_n++;
   f->addr = h->b[gone].addr;
   f->size = h->b[gone].size;
   f->stack = h->b[gone].stack;
   f->free_stack = free_stack;
   f->tid = tid;
   f->kind = h->b[gone].kind;
   f->when = now;
   drop(h, gone, slot);
   return 1;
}

const struct pv_block *pv_heap_find(const struct pv_heap *h, pv_u64 addr)
{
   pv_u32 p = pred(h, addr);
   if (p && addr < h->b[p].addr + span(&h->b[p]))
      return &h->b[p];
   return NULL;
}

const struct pv_freed *pv_heap_find_freed(const struct pv_heap *h, pv_u64 addr)
{
   for (unsigned k = 1; k <= h->freed_n; k++) {
      const struct pv_freed *f = &h->freed[(h->freed_head + PV_FREED_CAP - k) % PV_FREED_CAP];
      if (addr >= f->addr && addr < f->addr + (f->size ? f->size : 1))
         return f;
   }
   return NULL;
}

struct visit_ctx {
   void  (*fn)(void *, const struct pv_block *);
   void   *ctx;
   pv_u64  left;                     /* blocks still to visit */
   pv_u64  resume;                   /* where to go on from, when stopped */
};

/* Returns 1 when it stopped (the budget ran out) before the end. */
static int visit(const struct pv_heap *h, pv_u32 t, pv_u64 lo, pv_u64 hi, struct visit_ctx *v)
{
   while (t) {
      const struct pv_block *b = &h->b[t];
      if (b->addr >= hi) {            /* everything here and right is beyond */
         t = b->l;
         continue;
      }
      if (b->addr + span(b) <= lo) {  /* everything here and left ends before */
         t = b->r;
         continue;
      }
      if (b->addr > lo && visit(h, b->l, lo, hi, v))
         return 1;
      if (v->left == 0) {
         v->resume = b->addr;         /* B is the next; nothing before it overlaps it */
         return 1;
      }
      v->left--;
      v->fn(v->ctx, b);
      t = b->r;
   }
   return 0;
}

void pv_heap_visit(const struct pv_heap *h, pv_u64 lo, pv_u64 hi,
                   void (*fn)(void *ctx, const struct pv_block *b), void *ctx)
{
   struct visit_ctx v = { fn, ctx, ~0ull, hi };
   visit(h, h->root, lo, hi, &v);
}

pv_u64 pv_heap_visit_some(const struct pv_heap *h, pv_u64 lo, pv_u64 hi, pv_u64 max,
                          void (*fn)(void *ctx, const struct pv_block *b), void *ctx)
{
   struct visit_ctx v = { fn, ctx, max, hi };
   if (max == 0)
      return lo;
   return visit(h, h->root, lo, hi, &v) ? v.resume : hi;
}
