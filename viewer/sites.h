/* sites.h -- the viewer's access-pattern analysis (issue 6): feeds
 * shared/pv_analysis.c from the ingest path, keeps the selected site and
 * the panel's filters, the selected site's stride over time, each heap
 * block's lifetime, and collects the selected site's own per-cell
 * increments so that the map and the timeline can show it alone.
 *
 * Data flow: ingest.c hands every span of records it consumed to
 * pv_sites_span (a second, cheap walk over bytes that are still in the
 * cache); the renderer asks for sorted lists (pv_sites_list) and swaps the
 * selection's increments in once per frame (pv_sites_take_inc).
 *
 * Cost per access: one pv_analysis_access call (stride bin, distinct lines,
 * heap block lookup with a last-block cache, touched bitmap) plus a region
 * sample every 1024th access; with --reuse, the reuse distance (a hash and a
 * Fenwick tree) on top.  Only the selected site pays for increments, its
 * line table and the stride-over-time columns.  Measured (bench_sites.c):
 * ~15-25 ns per access on this machine, several times the ingest's own
 * cost.  So the analysis sheds load: when it has taken over half the time
 * with the ring over 3/4 full for 100 ms (the viewer is behind the program),
 * only one span of records (up to 256 KiB) in 2, 4 ... 64 is analysed; the others only keep threads, heap blocks and
 * the selection's highlight exact.  Counts are then of the analysed part
 * (the panel says how much), and a stride across a skipped span is one
 * bogus sample per site.  --analysis=full never sheds. */
#ifndef PV_VIEW_SITES_H
#define PV_VIEW_SITES_H

#include "pv_analysis.h"
#include "model.h"
#include "siteopts.h"

#define PV_STT_COLS  192       /* stride-over-time columns */
#define PV_SEL_CAND  16        /* sites a name spec may match */
#define PV_STT_SLOTS 4         /* ... of which this many get a stride-over-time series */

/* stride over time of one site: column c holds the strides of its accesses
 * [c * span, (c+1) * span) since it was selected; when the columns are all
 * used, pairs merge and span doubles */
struct pv_stt {
   pv_u32  site;
   pv_u32  col[PV_STT_COLS][PV_STRIDE_BINS];
   pv_u64  span, n;            /* accesses per column, accesses seen */
   int     cols;               /* columns in use */
   pv_u64  last;               /* previous address (stride chain) */
   pv_u32  tid;
   int     have;
};

/* lifetime of a heap block, by allocation number */
struct pv_life { pv_u64 acc_alloc, acc_free; pv_u32 ms_alloc, ms_free; };

struct pv_sites {
   struct pv_analysis *an;     /* NULL: analysis off */
   pv_u32  tid;                /* current thread (THREAD records) */
   pv_u64  n_access;           /* accesses seen */
   pv_u64  skipped;            /* ... not analysed (load shedding) */
   pv_u64  shed_blocks;        /* heap blocks not analysed (load shedding) */
   int     shed;               /* analyse 1 span in 2^shed */
   int     no_shed;            /* --analysis=full */
   pv_u64  span_no;
   pv_u32  shed_ms;            /* last look at shed */
   double  busy_s;             /* seconds spent here since */
   int     behind;             /* windows in a row the viewer was behind */

   /* filters and order (the panel) */
   int     sort;               /* enum pv_sort_key (ACCESSES, BYTES, LINES) */
   pv_u32  f_tid;              /* 0: all threads */
   int     f_kind;             /* 0 all, 1 load, 2 store, 3 modify */
   int     f_region;           /* 0 all, PV_RF_* */
   pv_u8  *rmask;              /* per site: 1 << PV_RF_* of the regions seen */
   pv_u32  rmask_cap;

   /* selection */
   pv_u32  sel;                /* selected site id (0: none) */
   const char *want;           /* a name spec still to resolve (FN[:LINE], FILE:LINE) */
   pv_u32  cand[PV_SEL_CAND];  /* sites matching WANT so far */
   int     ncand;
   int     want_rank;          /* #RANK: resolved by pv_sites_resolve */
   pv_u64  sel_lo, sel_hi;     /* lowest and highest address the selection
                                  accessed since it was selected (lo > hi: none) */
   pv_u64  sel_acc;            /* ... and its accesses (filters applied) */
   pv_u32  sel_tid[8];         /* the selected site's accesses by thread since */
   pv_u64  sel_tid_n[8];       /* it was selected (the first 8 threads) */
   int     nsel_tid;

   /* the selection's increments (same geometry as the model's) */
   struct pv_cellinc *inc;
   size_t  inc_n;
   long    inc_min, inc_max;
   int     inc_live;           /* increments are being collected */
   unsigned view_gen;          /* the model's view they were collected for */

   /* stride over time of the selected site (or of the first candidates of
    * a name) */
   struct pv_stt stt[PV_STT_SLOTS];
   int     nstt;

   /* the lines the selection accessed: open addressing on line + 1, with
    * the last access time (ms) and the kinds of its latest burst */
   struct pv_sel_line { pv_u64 key; pv_u32 t_ms; pv_u32 km; } *lines;
   pv_u64  lines_cap, lines_n;

   /* block lifetimes, by allocation number (bounded) */
   struct pv_life *life;
   pv_u64  life_cap, nallocs;
   pv_u32  now_ms;
};

int  pv_sites_init(struct pv_sites *s, const struct pv_site_opts *o);
void pv_sites_free(struct pv_sites *s);

/* The records in P[0..N) (whole records, already checked and decoded into
 * M by the ingest): feed the analysis.  POS, DATA_SIZE as pv_ingest_span;
 * FILL the ring's fill (0..1), for load shedding. */
void pv_sites_span(struct pv_sites *s, struct pv_model *m, const pv_u8 *p, size_t n,
                   pv_u64 pos, pv_u64 data_size, double fill);
/* The same, told where the records other than accesses are (OTHERS[0 ..
 * N_OTHERS), offsets in P, all of them: the ingest lists them): a span that
 * is not analysed is then not walked again.  FILTERED: the span's accesses
 * are only the samples of filtered staging (ingest.c), it is not analysed
 * (its other records are taken as in any span not analysed). */
void pv_sites_span_others(struct pv_sites *s, struct pv_model *m, const pv_u8 *p, size_t n,
                          pv_u64 pos, pv_u64 data_size, double fill,
                          const pv_u32 *others, unsigned n_others, int filtered);

/* Select SITE (0: none); restarts the stride-over-time series. */
void pv_sites_select(struct pv_sites *s, pv_u32 site);

/* Up to MAX sites passing the filters, in the panel's order, with their
 * ranks (1, 2 ...) in RANK (may be NULL); the selected site, when it passes
 * the filters but ranks lower, takes the last place.  Returns how many.
 * Valid until the next pv_sites_span. */
size_t pv_sites_list(struct pv_sites *s, const struct pv_site_stats **out, int *rank,
                     size_t max);

/* A selection made by the user (keys, mouse): forgets a name spec. */
void pv_sites_user_select(struct pv_sites *s, pv_u32 site);

/* Resolve a pending #RANK or name selection now (at the end of a run). */
void pv_sites_resolve(struct pv_sites *s, struct pv_model *m);

/* With a selection: replace the model's increments by the selection's (the
 * map and the timeline then show the selected site alone). */
void pv_sites_take_inc(struct pv_sites *s, struct pv_model *m);

/* Fill the selection's line table from the model's line counters (lines
 * whose last access was by the selected site): for a selection made after
 * the accesses happened. */
void pv_sites_backfill(struct pv_sites *s, const struct pv_model *m);

/* The selected site's stride over time, NULL if none. */
const struct pv_stt *pv_sites_stt(const struct pv_sites *s);

/* Lifetime of allocation SEQ, NULL if not recorded. */
const struct pv_life *pv_sites_life(const struct pv_sites *s, pv_u64 seq);

/* Does site description S match the spec "FN", "FN:LINE" or "FILE:LINE"? */
int  pv_sites_spec_match(const char *spec, const struct pv_site *st);

#endif
