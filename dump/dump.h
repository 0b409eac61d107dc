/* dump.h -- pervert-dump internals: the state shared by the record walkers
 * (dump_walk.c) and the driver (pervert_dump.c). */
#ifndef DUMP_H
#define DUMP_H

#include <stddef.h>
#include "pv_proto.h"
#include "pv_symtab.h"
#include "dump_out.h"

enum dump_mode { MODE_TEXT = 0, MODE_LACKEY, MODE_COUNT, MODE_ANALYZE };

/* what dump_span stopped on */
enum { SPAN_MORE = 0, SPAN_EXIT = 1, SPAN_CORRUPT = 2 };

struct dump {
   enum dump_mode mode;
   int            symbols;      /* --symbols: describe sites on text lines */
   int            summary;      /* --summary: keep heap/map statistics */
   int            keep_syms;    /* feed SITE/STACK records into sym */
   struct pv_analysis *an;      /* --analyze: statistics (dump_analyze.c) */
   unsigned       analyze_top;  /* --top=N: sites and blocks in the report */
   pv_u64         reuse_lines;  /* --reuse[=LINES]: reuse distance (0: off) */
   struct out     out;
   struct pv_symtab sym;
   char         **symcache;     /* --symbols: formatted site per id (lazy) */
   pv_u32         symcache_cap;

   size_t         span_budget;   /* count mode: dump_span stops at the first record
                                    boundary past this many bytes (0: none) */
   pv_u64         count[PV_REC_LAST + 1];  /* records seen, by type */
   pv_u64         bytes;                   /* record bytes seen (no PAD) */

   pv_u32         thread;        /* from the last PV_REC_THREAD, 0 before */
   char           tsfx[24];      /* " t<thread> s" for access lines */
   unsigned       tsfx_len;

   /* statistics for --summary */
   pv_u64 kread_bytes, kwrite_bytes;
   pv_u64 alloc_bytes, free_bytes, live_blocks, live_bytes, peak_bytes;
   pv_u64 map_bytes, dropped;
   pv_u32 max_thread, pid;
   char   prog[256];

   /* the end of the stream */
   int    saw_exit, exit_sub;
   pv_u32 exit_value;
   int    saw_exec;
};

void   dump_init(struct dump *d);
void   dump_fini(struct dump *d);

/* Walk the span P[0..N) of whole records, POS0 being P's position in the
 * data area of DATA_SIZE bytes.  Returns the bytes handled (the caller
 * consumes them) and sets *STOP: SPAN_MORE (all N handled), SPAN_EXIT (the
 * EXIT record was handled, last one), SPAN_CORRUPT (the record at the
 * returned offset is corrupt). */
size_t dump_span(struct dump *d, const pv_u8 *p, size_t n, pv_u64 pos0,
                 pv_u64 data_size, int *stop);

/* Format one record (not an access) as a text line into the output.  Also
 * used for every non-access record in text mode by dump_span. */
void   dump_text_record(struct dump *d, const pv_u8 *rec, size_t len);

/* --analyze (dump_analyze.c): write the report into the output. */
void   dump_analyze_report(struct dump *d);

#endif
