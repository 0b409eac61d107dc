/* stats.h -- per-line access counters and last-access times: for the hover
 * card, for re-creating heat (seed.c) and for follow mode (view.c).
 *
 * Lines are 64 bytes.  Counters live in chunks of 4096 lines (256 KiB of
 * address space, 80 KiB of counters), allocated when the chunk is first
 * touched, found through a hash table and a small direct-mapped cache.
 * Memory is bounded: past PV_STATS_MAX_CHUNKS chunks, new chunks share one
 * scratch chunk (their counters are then meaningless, and counted in
 * `overflow`).  Unmapping frees chunks. */
#ifndef PV_VIEW_STATS_H
#define PV_VIEW_STATS_H

#include "pv_proto.h"

#define PV_LINE_SHIFT   6
#define PV_CHUNK_SHIFT  18
#define PV_CHUNK_LINES  (1u << (PV_CHUNK_SHIFT - PV_LINE_SHIFT))
#define PV_STATS_MAX_CHUNKS 4096          /* 320 MiB of counters at most */
#define PV_STATS_CACHE  64

enum pv_last_kind { PV_LK_NONE = 0, PV_LK_READ, PV_LK_WRITE, PV_LK_MODIFY,
                    PV_LK_KREAD, PV_LK_KWRITE };

struct pv_line {
   pv_u32 reads, writes;   /* saturating */
   pv_u32 site;            /* last access: code site (or syscall number for kernel) */
   pv_u32 t_ms;            /* last access: viewer clock in ms (pv_model.now_ms) */
   pv_u16 tid;             /* last access: thread */
   pv_u8  kk;              /* bits 0-2: last access kind (enum pv_last_kind);
                              bits 3-5: kinds of the latest burst (PV_KM_*) */
   pv_u8  size;            /* last access: size in bytes (255: larger) */
};

/* kinds seen in a line's latest burst of accesses (for re-creating heat) */
#define PV_KM_READ   1u
#define PV_KM_WRITE  2u
#define PV_KM_KERNEL 4u
#define PV_BURST_MS  64u     /* accesses this close together form one burst */
#define PV_LINE_KIND(l)  ((l)->kk & 7u)
#define PV_LINE_KMASK(l) (((l)->kk >> 3) & 7u)

struct pv_chunk {
   pv_u64 key;             /* address >> PV_CHUNK_SHIFT */
   pv_u32 last_ms;         /* last access to any line (pv_model.now_ms) */
   struct pv_line line[PV_CHUNK_LINES];
};

struct pv_stats_slot { pv_u64 key; struct pv_chunk *c; };

struct pv_stats {
   struct pv_chunk **tab;  /* open addressing, linear probing */
   pv_u32 cap, n;
   pv_u32 max_chunks;
   struct pv_stats_slot cache[PV_STATS_CACHE];
   pv_u64 overflow;
   struct pv_chunk *scratch;
};

int  pv_stats_init(struct pv_stats *s, pv_u32 max_chunks);
void pv_stats_free(struct pv_stats *s);
/* The chunk for KEY, created on first use (never NULL). */
struct pv_chunk *pv_stats_chunk_slow(struct pv_stats *s, pv_u64 key);
/* The chunk for KEY if it exists, else NULL (no creation). */
struct pv_chunk *pv_stats_lookup(const struct pv_stats *s, pv_u64 key);
/* Forget counters in [lo, hi) (the memory was unmapped). */
void pv_stats_clear(struct pv_stats *s, pv_u64 lo, pv_u64 hi);
/* The counters of line ADDR >> 6, or NULL if never touched. */
const struct pv_line *pv_stats_line(const struct pv_stats *s, pv_u64 addr);

static inline struct pv_chunk *pv_stats_chunk(struct pv_stats *s, pv_u64 addr)
{
   pv_u64 key = addr >> PV_CHUNK_SHIFT;
   struct pv_stats_slot *sl = &s->cache[key & (PV_STATS_CACHE - 1)];
   if (__builtin_expect(sl->key == key && sl->c != 0, 1))
      return sl->c;
   struct pv_chunk *c = pv_stats_chunk_slow(s, key);
   sl->key = key;
   sl->c = c;
   return c;
}

#endif
