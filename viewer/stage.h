/* stage.h -- a FIFO of spans of ring records, copied out of the ring.
 *
 * The live viewer's ingest thread cannot update the model while the main
 * thread draws a frame (5 to 20 ms), and a 4 MiB ring holds about a
 * millisecond of a fast program's records.  So meanwhile it copies what
 * the ring holds to the stage and gives the room back; it takes the
 * staged spans first when it has the model again, each with its place in
 * the ring (padding and record checks depend on it), exactly as if it
 * read them from the ring then, and goes on staging between them while
 * the ring fills (ingest.c).
 *
 * A span may also be "filtered" (ingest.c writes it in place, through
 * pv_stage_reserve and pv_stage_commit): not the ring's bytes but what is
 * left of them once the accesses that sampling passes over are counted.
 *
 * The buffer is used circularly; a span is never split, so one that does
 * not fit before the end goes to the start.  Spans that follow one another
 * in the ring and in the buffer are merged, filtered ones with filtered
 * ones (they have no ring position). */
#ifndef PV_VIEW_STAGE_H
#define PV_VIEW_STAGE_H

#include <stddef.h>

#include "pv_proto.h"

#define PV_STAGE_SPANS 4096

struct pv_stage {
   pv_u8  *buf;
   size_t  cap;
   struct pv_staged { size_t off, n; pv_u64 pos; int filtered; } span[PV_STAGE_SPANS];
   unsigned first, count;       /* the FIFO of spans */
   size_t  used;                /* bytes of the first span already taken */
   size_t  pending;             /* bytes staged, not taken (read by other threads) */
   unsigned n_filtered;         /* filtered spans among them (read by other threads) */
};

/* An empty stage of CAP bytes; -1 when memory runs out. */
int  pv_stage_init(struct pv_stage *st, size_t cap);
void pv_stage_free(struct pv_stage *st);
/* Room for a span of N bytes now (the largest that fits: up to N)? */
size_t pv_stage_room(const struct pv_stage *st, size_t n);
/* Copy the N bytes at P (ring position POS: the stream's byte counter,
 * as tail) to the end; N must be at most pv_stage_room(st, N).  JOIN: it
 * may be merged with the span before it when it follows it (not when it
 * starts a lap of the ring: records are checked against the data area's
 * end). */
void pv_stage_put(struct pv_stage *st, const pv_u8 *p, size_t n, pv_u64 pos, int join);
/* Where the next span goes, and in *ROOM how many bytes fit there. */
pv_u8 *pv_stage_reserve(struct pv_stage *st, size_t *room);
/* The N bytes written at pv_stage_reserve's address are the next span
 * (POS, JOIN: as for pv_stage_put; FILTERED: see above). */
void pv_stage_commit(struct pv_stage *st, size_t n, pv_u64 pos, int join, int filtered);
/* The rest of the first span: its bytes and ring position, *FILTERED
 * whether it is a filtered one; 0 when empty. */
size_t pv_stage_front(const struct pv_stage *st, const pv_u8 **p, pv_u64 *pos, int *filtered);
/* N bytes of the first span are taken. */
void pv_stage_taken(struct pv_stage *st, size_t n);
/* Bytes staged and not taken (any thread may ask). */
size_t pv_stage_pending(const struct pv_stage *st);
/* Filtered spans not wholly taken (any thread may ask). */
unsigned pv_stage_filtered(const struct pv_stage *st);

#endif
