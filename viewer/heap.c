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

static pv_u32 insert(struct pv_heap *h, pv_u32 t, pv_u32 n)
{
   if (!t)
      return n;
   struct pv_block *B = h->b;
   if (B[n].addr < B[t].addr) {
      B[t].l = insert(h, B[t].l, n);
      if (B[B[t].l].prio > B[t].prio) {      /* rotate right */
         pv_u32 l = B[t].l;
         B[t].l = B[l].r;
         B[l].r = t;
         return l;
      }
   } else {
      B[t].r = insert(h, B[t].r, n);
      if (B[B[t].r].prio > B[t].prio) {      /* rotate left */
         pv_u32 r = B[t].r;
         B[t].r = B[r].l;
         B[r].l = t;
         return r;
      }
   }
   return t;
}

static pv_u32 merge(struct pv_block *B, pv_u32 a, pv_u32 b)
{
   if (!a)
      return b;
   if (!b)
      return a;
   if (B[a].prio > B[b].prio) {
      B[a].r = merge(B, B[a].r, b);
      return a;
   }
   B[b].l = merge(B, a, B[b].l);
   return b;
}

/* Remove the node with address ADDR from subtree T; *OUT gets its index. */
static pv_u32 erase(struct pv_heap *h, pv_u32 t, pv_u64 addr, pv_u32 *out)
{
   if (!t)
      return 0;
   struct pv_block *B = h->b;
   if (addr < B[t].addr)
      B[t].l = erase(h, B[t].l, addr, out);
   else if (addr > B[t].addr)
      B[t].r = erase(h, B[t].r, addr, out);
   else {
      *out = t;
      return merge(B, B[t].l, B[t].r);
   }
   return t;
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

static void release(struct pv_heap *h, pv_u32 n)
{
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
   pv_u64 end = addr + (size ? size : 1);
   /* blocks whose FREE we missed are gone now */
   for (;;) {
      pv_u32 p = pred(h, end - 1);
      if (!p || h->b[p].addr + span(&h->b[p]) <= addr)
         break;
      pv_u32 gone = 0;
      h->root = erase(h, h->root, h->b[p].addr, &gone);
      if (!gone)
         break;
      release(h, gone);
   }
   pv_u32 n = new_node(h);
   if (!n) {
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
   h->root = insert(h, h->root, n);
   h->live_bytes += size;
   h->live_count++;
}

int pv_heap_free(struct pv_heap *h, pv_u64 addr, pv_u32 free_stack, pv_u32 tid, double now)
{
   h->frees++;
   pv_u32 gone = 0;
   h->root = erase(h, h->root, addr, &gone);
   if (!gone)
      return 0;
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
   release(h, gone);
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

static void visit(const struct pv_heap *h, pv_u32 t, pv_u64 lo, pv_u64 hi,
                  void (*fn)(void *, const struct pv_block *), void *ctx)
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
      if (b->addr > lo)
         visit(h, b->l, lo, hi, fn, ctx);
      fn(ctx, b);
      t = b->r;
   }
}

void pv_heap_visit(const struct pv_heap *h, pv_u64 lo, pv_u64 hi,
                   void (*fn)(void *ctx, const struct pv_block *b), void *ctx)
{
   visit(h, h->root, lo, hi, fn, ctx);
}
