/* ingest.h -- drains the ring into the model with a time budget. */
#ifndef PV_VIEW_INGEST_H
#define PV_VIEW_INGEST_H

#include "pv_ring.h"
#include "model.h"
#include "pv_trace.h"
#include "stage.h"

enum pv_ingest_state {
   PV_IN_RUNNING = 0,   /* more may come */
   PV_IN_ENDED,         /* the producer finished and everything was read */
   PV_IN_CORRUPT        /* a bad record: stopped reading */
};

struct pv_ingest {
   struct pv_reader r;
   int      attached;
   int      state;
   pv_u64   bytes;              /* consumed so far */
   pv_u64   access_limit;       /* stop after this many accesses (0: none) */
   size_t   span_budget;        /* pv_ingest_span stops after this many bytes (0: none) */
   unsigned sample_shift;       /* 0: every access updates the model; k: one in 2^k
                                   on average, weighted 2^k (set by the caller when
                                   behind) */
   /* the last span's records other than accesses: their offsets, for the
      span's second reader (sites.c), which can then jump from one to the
      next instead of walking every access again (0 ... n_other; complete
      unless other_overflow: more than PV_INGEST_OTHERS) */
#define PV_INGEST_OTHERS 4096
   pv_u32   other[PV_INGEST_OTHERS];
   unsigned n_other;
   int      other_overflow;
   pv_u64   gap_left;           /* sampling: accesses up to the next sampled one */
   pv_u32   gap_rng;            /* sampling: xorshift state of the gaps */
   /* called by pv_ingest_run with every span of records consumed (sites.c) */
   void   (*on_span)(void *ctx, struct pv_model *m, const pv_u8 *p, size_t n,
                     pv_u64 pos, pv_u64 data_size);
   void    *on_span_ctx;
   int      trace_clock;        /* replay: the model's clock follows the TIME records */
   int      skip_symbols;       /* replay: SITE/STACK records are not kept (the
                                   model shares another model's symbols) */
   struct pv_stage *stage;      /* read from the ring while the model was busy
                                   (pv_ingest_stage; NULL until first used) */
   pv_u64   staged_total;       /* bytes staged so far (--stats) */
   pv_u64   filtered_total;     /* of which filtered (ingest.c: filtered staging) */
   int      filter_ok;          /* filtered staging allowed (pv_ingest_allow_filter) */
   int      filtering;          /* the ingest thread is filtering a chunk now */
   pv_u64   filter_acc;         /* accesses in filtered spans not taken yet */
   int      span_filtered;      /* the span on_span is given is a filtered one:
                                   its accesses are samples, its other records
                                   whole, and it has no ring position */
   double   busy;               /* share of the last 50 ms the ingest thread worked */
   struct pv_trace_writer *rec; /* recording: what is read is also written here */
   int      rec_failed;         /* the recording hit a write error (errno in rec_errno) */
   int      rec_errno;
   char     error[160];
};

/* Pass over up to PASS access records at P + *I (whole groups of four,
 * while all four are accesses and within STOP), looking at nothing but
 * their type; returns how many (*I moves past them) and adds the stores
 * and modifies among them to *CS and *CM. */
pv_u64 pv_ingest_pass_accesses(const pv_u8 *p, size_t *i, size_t stop, pv_u64 pass,
                               pv_u64 *cs, pv_u64 *cm);

/* Read records into M until the ring is empty, DEADLINE (pv_now() clock)
 * passes or the access limit is reached.  Returns the number of records
 * handled. */
pv_u64 pv_ingest_run(struct pv_ingest *in, struct pv_model *m, double deadline);

/* Move what the ring holds to the stage, touching nothing but the reader
 * and the stage (so with the model in another thread's hands): the
 * program need not wait while the viewer draws (N_ACCESS: the model's
 * accesses so far, read, never written).  Returns the ring bytes moved;
 * 0 when the ring is empty, the stage full or the stream at its end. */
size_t pv_ingest_stage(struct pv_ingest *in, pv_u64 n_access);
/* May the ingest stage now (N_ACCESS: the model's accesses so far)? */
int    pv_ingest_may_stage(const struct pv_ingest *in, pv_u64 n_access);
/* Is staging worth it now (the ring half full, the stage not behind)? */
int    pv_ingest_should_stage(const struct pv_ingest *in);
/* May the stage filter (when the model samples 1/8 or less: the accesses
 * sampling passes over are counted, not copied)?  Not while anything needs
 * every byte: a recording, a selected site.  The thread that owns the
 * model says so; OK = 0 returns once no chunk is being filtered. */
void   pv_ingest_allow_filter(struct pv_ingest *in, int ok);
/* In a filtered span, the accesses that the LEN-byte PAD record REC says
 * were passed over (0 for any other PAD). */
pv_u64 pv_ingest_passed(const pv_u8 *rec, size_t len);
/* Filtered spans staged and not wholly taken yet? */
int    pv_ingest_filtered_pending(const struct pv_ingest *in);
/* Bytes staged and not taken yet. */
size_t pv_ingest_staged(const struct pv_ingest *in);
void   pv_ingest_free_stage(struct pv_ingest *in);

/* Decode the records in P[0..N) into M; stop early (returning the bytes
 * used, always whole records) when the access limit is hit or, with a
 * span_budget, at the first record boundary past it.  POS is P's offset in the data area
 * (for padding), DATA_SIZE the data area's size.  *BAD is set on a corrupt
 * record.  Exposed for tests. */
size_t pv_ingest_span(struct pv_ingest *in, struct pv_model *m, const pv_u8 *p, size_t n,
                      pv_u64 pos, pv_u64 data_size, int *bad);

/* Fraction of the ring in use, staged records included (can exceed 1). */
double pv_ingest_fill(const struct pv_ingest *in);
/* The same for the ring alone (0..1). */
double pv_ingest_ring_fill(const struct pv_ingest *in);

/* Publish the model's record counts into the control page. */
void pv_ingest_publish_counts(struct pv_ingest *in, const struct pv_model *m);

#endif
