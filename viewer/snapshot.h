/* snapshot.h -- copies of the viewer's model state (regions, named ranges,
 * heap blocks, per-line counters, totals and clocks) for replay: a seek
 * restores the nearest earlier snapshot and replays the trace forward
 * from there (replay.c).  The heat is not stored: it is re-created from the
 * line counters (seed.c), which hold each line's last access time.
 *
 * Per-line counters are stored per 256 KiB chunk, heap blocks per page of
 * PV_SNAP_PAGE treap nodes; a chunk or page that did not change since the
 * previous snapshot is shared with it (reference counted), so a long run
 * that works in one place, or keeps a big heap, costs little per snapshot.
 *
 * Also here: a hash of the model state, the same whether it was reached by
 * playing from the start or by seeking (regtest/replay checks this). */
#ifndef PV_VIEW_SNAPSHOT_H
#define PV_VIEW_SNAPSHOT_H

#include <stddef.h>
#include "model.h"

struct pv_snap_chunk;
struct pv_snap_page;

#define PV_SNAP_PAGE 2048              /* heap nodes per page (96 KiB) */

struct pv_snapshot {
   pv_u64 event;                  /* records of the trace read before it */
   pv_u64 time_ns;                /* model clock then */
   struct pv_model scalars;       /* the model with its pointers cleared */
   struct pv_region *r;           /* regions.n of them */
   struct pv_named  *nm;          /* regions.nn */
   struct pv_snap_page **pages;   /* heap.nb treap nodes, PV_SNAP_PAGE a page */
   pv_u32 npages;
   struct pv_snap_chunk **chunks; /* sorted by key */
   pv_u32 nchunks;
   size_t bytes;                  /* memory it holds (shared chunks: once) */
};

/* Take a snapshot of M (at trace record EVENT).  PREV, the previous
 * snapshot or NULL, lends the chunks that did not change.  0, or -1 when
 * out of memory (S is then empty). */
int  pv_snapshot_take(struct pv_snapshot *s, const struct pv_model *m, pv_u64 event,
                      const struct pv_snapshot *prev);
/* Put M in the state of S.  M keeps its view and increments (cleared), and
 * its symbol table.  0, or -1 when out of memory (M is then empty). */
int  pv_snapshot_restore(const struct pv_snapshot *s, struct pv_model *m);
void pv_snapshot_free(struct pv_snapshot *s);

/* 64-bit hash of the model state; never of the view, the increments or
 * the symbols.  Always: regions, named ranges, live heap blocks.  WHAT:
 *   PV_HASH_LINES  also per-line read/write counts, last site, thread and
 *                  size, and the access totals
 *   PV_HASH_TIMES  also the clocks: per-line last access times and burst
 *                  kinds, record counts, run time (everything a snapshot
 *                  holds: seek vs play)
 * LINES without TIMES compares a replay with a live run (whose clock is
 * the viewer's); neither compares the layout and heap only (a recording
 * started mid-run, whose lines start empty). */
#define PV_HASH_LINES 1
#define PV_HASH_TIMES 2
#define PV_HASH_ALL   (PV_HASH_LINES | PV_HASH_TIMES)
pv_u64 pv_model_hash(const struct pv_model *m, int what);

#endif
