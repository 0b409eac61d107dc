/* pv_analysis.h -- access-pattern analysis of a pervert stream (issue 6):
 * per code site and per heap block statistics, fed record by record.
 *
 *     struct pv_analysis *a = pv_analysis_new(NULL);     // default limits
 *     ... for each record of the stream:
 *        access:  pv_analysis_access(a, site, addr, size, kind, tid);
 *        ALLOC:   pv_analysis_alloc(a, addr, size, stack, alloc_kind, tid);
 *        FREE:    pv_analysis_free(a, addr, free_stack);
 *     ...
 *     const struct pv_site_stats *top[10];
 *     size_t n = pv_analysis_sites(a, PV_SORT_ACCESSES, top, 10);
 *     int bin = pv_site_dominant_bin(top[0], NULL);
 *     char label[32]; pv_stride_bin_label(bin, label, sizeof label);  // "+8..15"
 *     const struct pv_block_stats *blk[10];
 *     n = pv_analysis_blocks(a, PV_SORT_ACCESSES, blk, 10);
 *     pv_analysis_delete(a);
 *
 * Per site (the a32 of an access record): accesses, bytes, loads / stores /
 * modifies, distinct cache lines (exact up to PV_LINES_EXACT lines, then a
 * HyperLogLog estimate, about 3 % error), accesses that straddle a line, and
 * a signed stride histogram: the distance between the site's consecutive
 * accesses by the same thread (an access by another thread restarts the
 * chain).  Stride bins (pv_stride_bin):
 *
 *     bin  PV_STRIDE_ZERO            stride 0
 *     bin  PV_STRIDE_ZERO + 1 + k    +2^k .. +2^(k+1)-1   (k = 0..40)
 *     bin  PV_STRIDE_ZERO - 1 - k    -2^k .. -(2^(k+1)-1)
 *
 * the last bins (k = 40) also take every larger distance.  The cache line
 * boundary is explicit: with a line of 2^L bytes (64: L = 6) the bins with
 * k < L are strides shorter than a line (pv_stride_bin_lo(bin) < line),
 * bins with k >= L jump to another line on every access.
 *
 * Per heap block (ALLOC .. FREE): address, size, allocation and free stack
 * ids, kind, thread, accesses / loads / stores, bytes accessed, and the
 * bytes touched (DHAT's idea): a bitmap over the block, one bit per byte for
 * blocks up to exact_block_max (default 1 MiB), coarser above (one bit per
 * 64 bytes, or more so that a bitmap never exceeds 2 MiB); touched_exact
 * says which.  An access that only partly falls in a block counts the part
 * inside.  Freed blocks are kept for the report only if they are among the
 * keep_freed busiest (a min-heap); the totals count all blocks.
 *
 * Memory is bounded: sites above max_sites are folded into site 0; at most
 * max_blocks live blocks are tracked (others are counted as untracked);
 * bitmaps stop being made once bitmap_budget bytes are in use (those blocks
 * report touched bytes as unknown, touched_known = 0).  Everything is
 * allocated on the heap of the struct; no globals, not thread-safe (one
 * analysis per thread of use).
 *
 * Reuse distance (when config.reuse_lines is not 0): for each access, the
 * number of distinct cache lines any site touched since the previous access
 * to the same line (its first line), as in an LRU stack of lines: a fully
 * associative LRU cache of C lines hits exactly the accesses with distance
 * < C.  Per site, a histogram: PV_REUSE_COLD (first touch of the line, or
 * more lines in play than reuse_lines) and bins 0, 1, 2..3, 4..7 ...
 * (pv_reuse_bin).  Olken's method: a hash of line -> time of last use and
 * a Fenwick tree over times, renumbered when it fills; memory about 40
 * bytes per line, at most reuse_lines lines (then new lines count as cold).
 *
 * Not here yet: stride over time (the viewer's panel will need a time
 * series per site).
 */
#ifndef PV_ANALYSIS_H
#define PV_ANALYSIS_H

#include <stddef.h>
#include "pv_proto.h"

#define PV_STRIDE_MAXK   40                        /* largest k: 2^40 */
#define PV_STRIDE_ZERO   (PV_STRIDE_MAXK + 1)      /* index of the 0 bin */
#define PV_STRIDE_BINS   (2 * PV_STRIDE_MAXK + 3)  /* 83 */
#define PV_LINES_EXACT   1024   /* distinct lines counted exactly per site */
#define PV_HLL_BITS      10
#define PV_HLL_REGS      (1u << PV_HLL_BITS) /* HyperLogLog registers above that */

#define PV_REUSE_COLD    0                         /* reuse bin: never seen */
#define PV_REUSE_BINS    34                        /* cold, 0, 1, 2..3 ... 2^31.. */

enum pv_access_kind { PV_ACC_LOAD = 1, PV_ACC_STORE = 2, PV_ACC_MODIFY = 3 };

struct pv_analysis_config {
   unsigned line_size;       /* cache line bytes, a power of two (64) */
   pv_u32   max_sites;       /* site ids above are folded into 0 (1 << 22) */
   pv_u64   max_blocks;      /* live blocks tracked (4 M) */
   pv_u64   exact_block_max; /* blocks up to this get one bit per byte (1 MiB) */
   pv_u64   bitmap_budget;   /* bytes of touched-bitmaps in use at most (512 MiB) */
   pv_u32   keep_freed;      /* freed blocks kept for the report (4096) */
   pv_u64   reuse_lines;     /* reuse distance over at most this many lines;
                                0: no reuse distance (the default) */
};

struct pv_site_stats {
   /* the fields used by every access first: two cache lines, then the
    * histogram bin */
   pv_u32 site;                  /* site id (0: unknown / folded) */
   pv_u32 last_tid;
   pv_u64 accesses, bytes;
   pv_u64 loads, stores, modifies;
   pv_u64 straddles;             /* accesses that cover two or more lines */
   pv_u64 strides;               /* samples in hist (accesses - chain starts) */
   pv_u64 last_addr;
   pv_u64 heap_accesses;         /* accesses that fell in a tracked heap block */
   pv_u64 tid_mask;              /* bit (tid % 64) for each thread that ran it */
   /* distinct lines: private, use pv_site_lines() */
   pv_u64 last_line;             /* the line of the previous access (~0: none) */
   pv_u32 nlines, cap_lines;
   pv_u64 *lineset;              /* open addressing, line number + 1 (0 empty) */
   pv_u8  *hll;                  /* PV_HLL_REGS registers once the set overflowed */
   pv_u64 hist[PV_STRIDE_BINS];  /* signed stride histogram */
   pv_u64 reuse[PV_REUSE_BINS];  /* reuse distance histogram (if enabled) */
};

struct pv_block_stats {
   pv_u64 addr, size;
   pv_u32 alloc_stack, free_stack;
   pv_u32 tid;                   /* allocating thread */
   pv_u8  kind;                  /* enum pv_alloc_kind of the allocation */
   pv_u8  freed;                 /* 1 after its FREE */
   pv_u8  touched_known;         /* 0: no bitmap (budget used up) */
   pv_u8  touched_exact;         /* 1: one bit per byte */
   pv_u64 seq;                   /* allocation number, 1, 2 ... */
   pv_u64 accesses, loads, stores, modifies;
   pv_u64 bytes;                 /* bytes accessed (sum of the parts inside) */
   pv_u64 touched;               /* distinct bytes touched (see touched_exact) */
   pv_u64 tid_mask;              /* bit (tid % 64) for each thread that accessed it */
   /* private */
   pv_u64 gran;                  /* bytes per bitmap bit */
   pv_u8 *bitmap;                /* NULL, inl, or its own allocation */
   pv_u32 idx;                   /* position in the live array / freed heap */
   pv_u8  inl[32];               /* the bitmap of a block of up to 256 units:
                                    no malloc/free for most blocks */
};

struct pv_analysis_totals {
   pv_u64 accesses, bytes;
   pv_u64 heap_accesses;         /* accesses inside a tracked block */
   pv_u64 sites;                 /* sites with accesses */
   pv_u64 allocs, frees, alloc_bytes;
   pv_u64 live_blocks, live_bytes;
   pv_u64 untracked_blocks;      /* over max_blocks */
   pv_u64 unknown_frees;         /* FREE of an address with no tracked block */
   pv_u64 folded_sites;          /* accesses whose site went to 0 (over max_sites) */
   pv_u64 bitmap_bytes;          /* in use now */
};

enum pv_sort_key { PV_SORT_ACCESSES = 0, PV_SORT_BYTES, PV_SORT_LINES, PV_SORT_TOUCHED };

struct pv_analysis;

/* Defaults for every field of CFG. */
void pv_analysis_config_default(struct pv_analysis_config *cfg);

/* A new, empty analysis (CFG NULL: defaults; zero fields: defaults too).
 * NULL when memory runs out. */
struct pv_analysis *pv_analysis_new(const struct pv_analysis_config *cfg);
void pv_analysis_delete(struct pv_analysis *a);

/* One access record: KIND is enum pv_access_kind (the record type). */
void pv_analysis_access(struct pv_analysis *a, pv_u32 site, pv_u64 addr,
                        unsigned size, unsigned kind, pv_u32 tid);

/* ALLOC record: KIND is its enum pv_alloc_kind.  An allocation over a live
 * block (a FREE was missed) retires the old block first. */
/* ALLOC returns the new block's allocation number (its seq), FREE the freed
 * block's; 0 when the block is not tracked (limits) or not known. */
pv_u64 pv_analysis_alloc(struct pv_analysis *a, pv_u64 addr, pv_u64 size,
                       pv_u32 stack, unsigned kind, pv_u32 tid);

/* FREE record (of the block starting at ADDR). */
pv_u64 pv_analysis_free(struct pv_analysis *a, pv_u64 addr, pv_u32 stack);

/* Statistics of SITE, NULL if it had no access. */
const struct pv_site_stats *pv_analysis_site(const struct pv_analysis *a, pv_u32 site);

/* The live block containing ADDR, NULL if none. */
const struct pv_block_stats *pv_analysis_block_at(struct pv_analysis *a, pv_u64 addr);

/* Up to MAX sites with accesses, busiest first by KEY (PV_SORT_TOUCHED is
 * taken as PV_SORT_LINES), into OUT; returns how many.  Ties: lower id
 * first.  The pointers stay valid until the next feed call. */
size_t pv_analysis_sites(const struct pv_analysis *a, enum pv_sort_key key,
                         const struct pv_site_stats **out, size_t max);

/* Up to MAX blocks (live, and the freed ones kept), busiest first by KEY
 * (PV_SORT_LINES is taken as PV_SORT_TOUCHED); ties: earlier allocation
 * first.  Valid until the next feed call. */
size_t pv_analysis_blocks(const struct pv_analysis *a, enum pv_sort_key key,
                          const struct pv_block_stats **out, size_t max);

void pv_analysis_get_totals(const struct pv_analysis *a, struct pv_analysis_totals *t);
unsigned pv_analysis_line_size(const struct pv_analysis *a);

/* Distinct cache lines the site touched (exact up to PV_LINES_EXACT, then
 * estimated); *EXACT (may be NULL) says which. */
pv_u64 pv_site_lines(const struct pv_site_stats *s, int *exact);

/* Number of threads in a tid_mask (exact up to 64 threads; ids 1..64).
 * Valgrind gives the id of a thread that ended to the next one created, so
 * this counts thread ids, not threads. */
unsigned pv_threads_in_mask(pv_u64 mask);

/* The fullest stride bin of S (lowest index on ties), -1 with no stride
 * sample; *SHARE (may be NULL) gets its fraction of the samples, 0..1. */
int pv_site_dominant_bin(const struct pv_site_stats *s, double *share);

/* ---- reuse distance bins ---------------------------------------------- */
/* The bin of a distance in lines. */
int pv_reuse_bin(pv_u64 distance);
/* Smallest and largest distance of bin B (1 <= B < PV_REUSE_BINS; the last
 * bin's hi is ~0). */
pv_u64 pv_reuse_bin_lo(int bin);
pv_u64 pv_reuse_bin_hi(int bin);
/* "cold", "0", "1", "2..3", "1024..2047", "2^31.." ; snprintf-like. */
size_t pv_reuse_bin_label(int bin, char *buf, size_t len);
/* The distance below which FRACTION (0..1) of S's accesses fall, as the hi
 * of the bin where the cumulative share reaches it (cold counts as
 * infinite: ~0); 0 with no access. */
pv_u64 pv_site_reuse_quantile(const struct pv_site_stats *s, double fraction);

/* ---- stride bins ------------------------------------------------------ */
/* The bin of a signed distance. */
int pv_stride_bin(pv_s64 delta);
/* Smallest and largest |distance| of a bin, and its sign (-1, 0, +1).  The
 * last bins' hi is 2^63 - 1 (they take everything above 2^40). */
pv_u64 pv_stride_bin_lo(int bin);
pv_u64 pv_stride_bin_hi(int bin);
int    pv_stride_bin_sign(int bin);
/* "0", "+1", "+2..3", "+64..127", "-8..15", "+2^40.." ; snprintf-like. */
size_t pv_stride_bin_label(int bin, char *buf, size_t len);

#endif /* PV_ANALYSIS_H */
