/* stage.c -- a FIFO of spans of ring records (see stage.h). */
#include "stage.h"

#include <stdlib.h>
#include <string.h>

int pv_stage_init(struct pv_stage *st, size_t cap)
{
   memset(st, 0, sizeof *st);
   st->buf = malloc(cap);
   if (!st->buf)
      return -1;
   st->cap = cap;
   return 0;
}

void pv_stage_free(struct pv_stage *st)
{
   free(st->buf);
   memset(st, 0, sizeof *st);
}

static unsigned last_span(const struct pv_stage *st)
{
   return (st->first + st->count - 1) % PV_STAGE_SPANS;
}

/* Where the next span goes and how many bytes fit there. */
static size_t place(const struct pv_stage *st, size_t *off)
{
   if (st->count == 0) {
      *off = 0;
      return st->cap;
   }
   if (st->count == PV_STAGE_SPANS) {
      *off = 0;
      return 0;
   }
   const struct pv_staged *a = &st->span[st->first];
   const struct pv_staged *z = &st->span[last_span(st)];
   size_t head = a->off, end = z->off + z->n;
   if (end > head) {
      /* [head, end) in use: after it, or before it from the start */
      size_t after = st->cap - end;
      *off = after >= head ? end : 0;
      return after >= head ? after : head;
   }
   *off = end;                          /* wrapped: [head, cap) and [0, end) in use */
   return head - end;
}

size_t pv_stage_room(const struct pv_stage *st, size_t n)
{
   size_t off, room = place(st, &off);
   return room < n ? room : n;
}

pv_u8 *pv_stage_reserve(struct pv_stage *st, size_t *room)
{
   size_t off;
   *room = place(st, &off);
   return st->buf + off;
}

void pv_stage_commit(struct pv_stage *st, size_t n, pv_u64 pos, int join, int filtered)
{
   size_t off;
   place(st, &off);
   struct pv_staged *z = st->count ? &st->span[last_span(st)] : NULL;
   if (join && z && z->off + z->n == off && z->filtered == filtered
       && (filtered || z->pos + z->n == pos)) {
      z->n += n;
   } else {
      st->count++;
      z = &st->span[last_span(st)];
      z->off = off;
      z->n = n;
      z->pos = pos;
      z->filtered = filtered;
      if (filtered)
         __atomic_store_n(&st->n_filtered, st->n_filtered + 1, __ATOMIC_RELAXED);
   }
   __atomic_store_n(&st->pending, st->pending + n, __ATOMIC_RELAXED);
}

void pv_stage_put(struct pv_stage *st, const pv_u8 *p, size_t n, pv_u64 pos, int join)
{
   size_t room;
   memcpy(pv_stage_reserve(st, &room), p, n);
   pv_stage_commit(st, n, pos, join, 0);
}

size_t pv_stage_front(const struct pv_stage *st, const pv_u8 **p, pv_u64 *pos, int *filtered)
{
   if (!st->count)
      return 0;
   const struct pv_staged *a = &st->span[st->first];
   *p = st->buf + a->off + st->used;
   *pos = a->pos + st->used;
   *filtered = a->filtered;
   return a->n - st->used;
}

void pv_stage_taken(struct pv_stage *st, size_t n)
{
   st->used += n;
   __atomic_store_n(&st->pending, st->pending - n, __ATOMIC_RELAXED);
   if (st->count && st->used == st->span[st->first].n) {
      if (st->span[st->first].filtered)
         __atomic_store_n(&st->n_filtered, st->n_filtered - 1, __ATOMIC_RELAXED);
      st->first = (st->first + 1) % PV_STAGE_SPANS;
      st->count--;
      st->used = 0;
   }
}

size_t pv_stage_pending(const struct pv_stage *st)
{
   return __atomic_load_n(&st->pending, __ATOMIC_RELAXED);
}

unsigned pv_stage_filtered(const struct pv_stage *st)
{
   return __atomic_load_n(&st->n_filtered, __ATOMIC_RELAXED);
}
