/* pervert_dump.c -- pervert-dump: print (or count) the records of a pervert
 * ring.  Normally started by the tool:
 *
 *     valgrind --tool=pervert --viewer='pervert-dump --lackey --output=t.txt' ./prog
 *
 * runs `pervert-dump --lackey --output=t.txt /dev/shm/pervert-...`: the ring
 * path is always the last argument.  The text format is documented in
 * shared/PROTOCOL.txt ("pervert-dump's text format").
 *
 * Exit status: 0 the whole stream was read and written; 1 an error or an
 * incomplete stream (write error, corrupt record, traced program killed,
 * interrupted); 2 bad usage or a ring that cannot be attached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "dump_ctl.h"
#include "pv_ring.h"
#include "pv_stream.h"
#include "pv_trace.h"

#define PROG "pervert-dump"

static const char usage_text[] =
   "usage: " PROG " [options] RING|TRACE.pvt\n"
   "Reads the records of a pervert ring and prints them.  The pervert tool starts\n"
   "it itself: valgrind --tool=pervert --viewer='" PROG " [options]' PROGRAM\n"
   "(the tool appends the ring's path as the last argument).\n"
   "\n"
   "  (default)       every record as one line of text (see shared/PROTOCOL.txt)\n"
   "  --lackey        only the memory accesses, as lackey --trace-mem=yes prints\n"
   "                  them (\" L 1ffefff8,8\"), nothing else\n"
   "  --count         read and count the records; print one line per record\n"
   "                  type at the end\n"
   "  --analyze       access-pattern report at the end: the busiest code sites\n"
   "                  (accesses, bytes, cache lines, stride histogram) and heap\n"
   "                  blocks (size, bytes touched, allocation stack); --top=N:\n"
   "                  how many of each (default 10)\n"
   "  --reuse[=LINES] with --analyze: also each site's reuse distance histogram\n"
   "                  (distinct cache lines between two uses of a line), over\n"
   "                  at most LINES lines (default 1048576: 64 MiB)\n"
   "  --summary       print totals (events, heap, mappings, threads, dropped;\n"
   "                  live: how long the program waited for room)\n"
   "                  to standard error at the end\n"
   "  --symbols       text mode: append the code location to access lines and\n"
   "                  the innermost frame to alloc/free lines\n"
   "  --output=FILE   write to FILE instead of standard output\n"
   "  --fsync         fsync FILE before telling the tool the output is complete\n"
   "  --record=FILE   write the stream to the trace file FILE (zstd-compressed,\n"
   "                  indexed); alone it prints nothing, with --output, --lackey\n"
   "                  or --count it also writes that output (one run, both)\n"
   "  TRACE.pvt       a trace file written by --record instead of a RING: read it\n"
   "                  as if it were the live stream (any mode above)\n"
   "control (pause, step, slow motion; reports on standard error):\n"
   "  --pause-after=N pause the program when N access records have been read\n"
   "  --pause-delay=MS  ... and not before MS ms into the run (or the cycle)\n"
   "  --pause-for=MS  stay paused MS ms (and after each step)\n"
   "  --cycles=C      pause, hold and step C times, resuming in between\n"
   "  --step=LIST     then step by each item of LIST: N accesses, 'alloc' (to\n"
   "                  the next allocation) or 'mark' (to the next pervert.h mark)\n"
   "  --rate=K[,K..]  then slow motion: K accesses per second (from the start\n"
   "                  without --pause-after); --rate-for=MS: measure MS ms of it,\n"
   "                  then back to full speed\n"
   "                  (at the end of the script the program is resumed)\n"
   "  --help          print this help;  --version: print the protocol version\n"
   "\n"
   "Exit status: 0 complete; 1 error or incomplete trace; 2 bad usage or ring.\n";

static void usage_error(const char *fmt, const char *arg)
{
   fprintf(stderr, PROG ": ");
   fprintf(stderr, fmt, arg);
   fprintf(stderr, "\nusage: " PROG " [--lackey|--count] [--summary] [--symbols] "
           "[--output=FILE] [--fsync] RING   (--help for more)\n");
   exit(2);
}

/* ---- signals: stop cleanly ---------------------------------------------- */

static volatile sig_atomic_t sig_count, sig_last;

static void on_signal(int s)
{
   sig_last = s;
   sig_count++;
}

static double now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the tool's summary counts in the control page ---------------------- */

static void publish_counts(struct pv_reader *r, const struct dump *d, pv_u64 *pub)
{
   if (!r->ctrl)
      return;
   for (unsigned t = 1; t <= PV_REC_LAST; t++)
      if (d->count[t] != pub[t]) {
         r->ctrl->counts[t] += d->count[t] - pub[t];
         pub[t] = d->count[t];
      }
}

/* ---- end-of-run output -------------------------------------------------- */

static void write_counts(struct dump *d)
{
   pv_u64 total = 0;
   for (unsigned t = 1; t <= PV_REC_LAST; t++) {
      const char *name = pv_rec_type_name(t);
      if (!name || t == PV_REC_PAD)
         continue;
      out_room(&d->out, 64);
      d->out.p += snprintf(d->out.p, 64, "%-14s %llu\n", name,
                           (unsigned long long)d->count[t]);
      total += d->count[t];
   }
   out_room(&d->out, 128);
   d->out.p += snprintf(d->out.p, 64, "%-14s %llu\n", "total", (unsigned long long)total);
   d->out.p += snprintf(d->out.p, 64, "%-14s %llu\n", "bytes", (unsigned long long)d->bytes);
}

/* WAITED_S: what the tool says the program waited for room (live; < 0 for
 * a trace file). */
static void print_summary(const struct dump *d, pv_u64 ctrl_dropped, double waited_s, double secs)
{
   const pv_u64 *c = d->count;
   pv_u64 total = 0, acc = c[PV_REC_LOAD] + c[PV_REC_STORE] + c[PV_REC_MODIFY];
   for (unsigned t = 1; t <= PV_REC_LAST; t++)
      total += c[t];
   pv_u64 dropped = d->dropped > ctrl_dropped ? d->dropped : ctrl_dropped;
   FILE *e = stderr;
   fprintf(e, PROG ": summary of pid %u (%s): %llu records, %llu bytes, %.3f s",
           d->pid, d->prog[0] ? d->prog : "?", (unsigned long long)total,
           (unsigned long long)d->bytes, secs);
   if (secs > 0)
      fprintf(e, ", %.1f M records/s", (double)total / secs / 1e6);
   fprintf(e, "\n");
   fprintf(e, PROG ":   accesses: %llu (%llu loads, %llu stores, %llu modifies)\n",
           (unsigned long long)acc, (unsigned long long)c[PV_REC_LOAD],
           (unsigned long long)c[PV_REC_STORE], (unsigned long long)c[PV_REC_MODIFY]);
   fprintf(e, PROG ":   kernel:   %llu reads (%llu bytes), %llu writes (%llu bytes)\n",
           (unsigned long long)c[PV_REC_KREAD], (unsigned long long)d->kread_bytes,
           (unsigned long long)c[PV_REC_KWRITE], (unsigned long long)d->kwrite_bytes);
   fprintf(e, PROG ":   heap:     %llu allocs (%llu bytes), %llu frees (%llu bytes); "
           "%llu blocks (%llu bytes) live at the end, peak %llu bytes\n",
           (unsigned long long)c[PV_REC_ALLOC], (unsigned long long)d->alloc_bytes,
           (unsigned long long)c[PV_REC_FREE], (unsigned long long)d->free_bytes,
           (unsigned long long)d->live_blocks, (unsigned long long)d->live_bytes,
           (unsigned long long)d->peak_bytes);
   fprintf(e, PROG ":   mappings: %llu maps (%llu bytes), %llu unmaps, %llu protects, "
           "%llu remaps\n",
           (unsigned long long)c[PV_REC_MAP], (unsigned long long)d->map_bytes,
           (unsigned long long)c[PV_REC_UNMAP], (unsigned long long)c[PV_REC_PROTECT],
           (unsigned long long)c[PV_REC_REMAP]);
   fprintf(e, PROG ":   threads:  %u (highest id), %llu created, %llu exited\n",
           d->max_thread, (unsigned long long)c[PV_REC_THREAD_CREATE],
           (unsigned long long)c[PV_REC_THREAD_EXIT]);
   fprintf(e, PROG ":   other:    %llu sites, %llu stacks, %llu names, %llu marks, "
           "%llu forks, %llu execs\n",
           (unsigned long long)c[PV_REC_SITE], (unsigned long long)c[PV_REC_STACK],
           (unsigned long long)c[PV_REC_NAME], (unsigned long long)c[PV_REC_MARK],
           (unsigned long long)c[PV_REC_FORK], (unsigned long long)c[PV_REC_EXEC]);
   fprintf(e, PROG ":   dropped:  %llu access records\n", (unsigned long long)dropped);
   if (waited_s >= 0)
      fprintf(e, PROG ":   waited:   %.3f s, the program for room in the ring\n", waited_s);
   if (d->saw_exit)
      fprintf(e, PROG ":   exit:     %s %d\n", d->exit_sub ? "signal" : "status",
              d->exit_sub ? (int)d->exit_value : (int)(pv_s32)d->exit_value);
   else
      fprintf(e, PROG ":   exit:     none seen\n");
}

/* ---- trace files (--record=FILE, reading FILE.pvt) ------------------------ */

/* Finish the recording (index, footer); report a write error.  0 or -1. */
static int finish_record(struct pv_trace_writer *rec, const struct dump *d, int rec_err,
                         int want_fsync, const char *path)
{
   unsigned flags = (d->saw_exit ? PV_TRACE_F_EXIT : 0) |
                    (!d->saw_exit && d->saw_exec ? PV_TRACE_F_EXEC : 0);
   if (rec_err) {
      pv_trace_abandon(rec);
      errno = rec_err;
   } else if (pv_trace_finish(rec, flags, want_fsync) == 0) {
      return 0;
   }
   fprintf(stderr, PROG ": error: cannot write to trace file %s: %s\n", path,
           strerror(errno));
   return -1;
}

/* pervert-dump [options] FILE.pvt: the records of a trace file, written as
 * they would be from the live ring.  Exit status as for a ring: 0 complete;
 * 1 an incomplete or corrupt file, or a write error; 2 cannot open it, not
 * a trace file, another version. */
static int dump_trace_file(struct dump *d, const char *path, const char *output,
                           int want_fsync, struct pv_trace_writer *rec, const char *rec_path,
                           int record_only)
{
   struct pv_trace_reader t;
   char err[512];
   int orc = pv_trace_open(&t, path, err, sizeof err);
   if (orc != PV_TRACE_OK) {
      fprintf(stderr, PROG ": error: %s: %s\n", path, err);
      if (rec)
         pv_trace_abandon(rec);
      return orc == PV_TRACE_ERR_CORRUPT ? 1 : 2;
   }
   if (out_open(&d->out, output) != 0) {
      fprintf(stderr, PROG ": error: cannot open %s: %s\n", output ? output : "output",
              strerror(errno));
      pv_trace_close(&t);
      if (rec)
         pv_trace_abandon(rec);
      return 1;
   }
   double t0 = now_s();
   int stop = SPAN_MORE, st, incomplete = 0, rc = 0, rec_err = 0;
   pv_u64 base = 0;                  /* stream offset of the chunk */
   const pv_u8 *p;
   size_t n;
   while ((st = pv_trace_next(&t, &p, &n, err, sizeof err)) == PV_TRACE_CHUNK) {
      size_t used = dump_span(d, p, n, 0, n, &stop);
      if (rec && !rec_err && pv_trace_append(rec, p, used) != 0)
         rec_err = errno;
      if (d->out.err || stop != SPAN_MORE || sig_count) {
         base += used;
         break;
      }
      base += n;
   }
   if (d->out.err) {
      /* reported below */
   } else if (sig_count) {
      fprintf(stderr, PROG ": warning: stopped by signal %d before the end of the trace\n",
              (int)sig_last);
      incomplete = 1;
   } else if (stop == SPAN_CORRUPT) {
      out_flush(&d->out);
      fprintf(stderr, PROG ": error: %s: corrupt record at offset %llu\n", path,
              (unsigned long long)base);
      incomplete = 1;
   } else if (stop == SPAN_EXIT) {
      /* the end of the stream: anything after EXIT is not read (as live);
       * but a file without its footer is damaged: say so */
      if (!t.info.complete) {
         while ((st = pv_trace_next(&t, &p, &n, err, sizeof err)) == PV_TRACE_CHUNK)
            ;
         fprintf(stderr, PROG ": warning: %s: %s (the stream itself is whole: it ends "
                 "with its exit record)\n", path, err);
         rc = 1;
      }
   } else if (st == PV_TRACE_INCOMPLETE) {
      out_flush(&d->out);
      fprintf(stderr, PROG ": warning: %s: %s\n", path, err);
      incomplete = 1;
   } else if (st != PV_TRACE_END) {
      out_flush(&d->out);
      fprintf(stderr, PROG ": error: %s: %s\n", path, err);
      incomplete = 1;
   } else if (!d->saw_exit && !d->saw_exec) {
      fprintf(stderr, PROG ": warning: the traced program ended without an exit record "
              "(killed?)\n");
      incomplete = 1;
   }
   if (incomplete) {
      rc = 1;
      if (d->mode == MODE_TEXT && !record_only) {
         out_room(&d->out, 16);
         d->out.p = put_str(d->out.p, "incomplete\n");
      }
   }
   if (d->mode == MODE_COUNT && !d->out.err && !record_only)
      write_counts(d);
   if (out_close(&d->out, want_fsync) != 0 || d->out.err) {
      fprintf(stderr, PROG ": error: cannot write to %s: %s\n", d->out.name,
              strerror(d->out.err ? d->out.err : EIO));
      rc = 1;
   }
   if (rec && finish_record(rec, d, rec_err, want_fsync, rec_path) != 0)
      rc = 1;
   if (d->summary)
      print_summary(d, 0, -1, now_s() - t0);
   pv_trace_close(&t);
   dump_fini(d);
   return rc;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
   static struct dump d;
   static struct dump_ctl ctl;
   const char *ring = NULL, *output = NULL, *record = NULL;
   int want_fsync = 0, mode_set = 0, rec_codec = -1, rec_level = 0;

   dump_init(&d);
   ctl_init(&ctl);
   for (int i = 1; i < argc; i++) {
      const char *a = argv[i];
      int copt = ctl_option(&ctl, a);
      if (copt < 0)
         usage_error("bad option '%s'", a);
      if (copt > 0)
         continue;
      if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
         fputs(usage_text, stdout);
         return 0;
      } else if (strcmp(a, "--version") == 0) {
         printf(PROG " (pervert) protocol version %u\n", PV_PROTO_VERSION);
         return 0;
      } else if (strcmp(a, "--lackey") == 0 || strcmp(a, "--count") == 0 ||
                 strcmp(a, "--analyze") == 0) {
         enum dump_mode m = a[2] == 'l' ? MODE_LACKEY : a[2] == 'c' ? MODE_COUNT : MODE_ANALYZE;
         if (mode_set && d.mode != m)
            usage_error("--lackey, --count and --analyze cannot be used together%s", "");
         d.mode = m;
         mode_set = 1;
      } else if (strcmp(a, "--reuse") == 0) {
         d.reuse_lines = 1u << 20;
      } else if (strncmp(a, "--reuse=", 8) == 0) {
         char *e;
         long long v = strtoll(a + 8, &e, 10);
         if (e == a + 8 || *e || v < 16 || v > (1ll << 30))
            usage_error("bad option '%s' (a number of lines from 16 to 2^30)", a);
         d.reuse_lines = (pv_u64)v;
      } else if (strncmp(a, "--top=", 6) == 0) {
         char *e;
         long v = strtol(a + 6, &e, 10);
         if (e == a + 6 || *e || v < 1 || v > 1000000)
            usage_error("bad option '%s' (a number from 1 to 1000000)", a);
         d.analyze_top = (unsigned)v;
      } else if (strcmp(a, "--summary") == 0) {
         d.summary = 1;
      } else if (strcmp(a, "--symbols") == 0) {
         d.symbols = 1;
      } else if (strcmp(a, "--fsync") == 0) {
         want_fsync = 1;
      } else if (strncmp(a, "--record=", 9) == 0) {
         record = a + 9;
         if (!*record)
            usage_error("bad option '%s' (empty file name)", a);
      } else if (strncmp(a, "--record-codec=", 15) == 0) {
         /* for measurements: --record-codec=CODEC[,ZSTD_LEVEL] (pv_trace.h) */
         char *e;
         rec_codec = (int)strtol(a + 15, &e, 10);
         if (*e == ',')
            rec_level = (int)strtol(e + 1, &e, 10);
         if (*e || rec_codec < 0 || rec_codec >= PV_CODEC_COUNT)
            usage_error("bad option '%s'", a);
      } else if (strncmp(a, "--output=", 9) == 0) {
         output = a + 9;
         if (!*output)
            usage_error("bad option '%s' (empty file name)", a);
      } else if (a[0] == '-' && a[1] != 0) {
         usage_error("bad option '%s'", a);
      } else if (i == argc - 1) {
         ring = a;
      } else {
         usage_error("bad option '%s' (the ring must be the last argument)", a);
      }
   }
   if (!ring)
      usage_error("missing RING argument%s", "");
   if (d.reuse_lines && d.mode != MODE_ANALYZE)
      usage_error("--reuse needs --analyze%s", "");
   if (d.symbols && d.mode != MODE_TEXT)
      d.symbols = 0;             /* only the text format has room for it */
   d.keep_syms = d.symbols;
   /* --record alone: record, print nothing (the fast counting walker) */
   int record_only = record && !mode_set && !output;
   if (record_only)
      d.mode = MODE_COUNT;

   signal(SIGPIPE, SIG_IGN);
   struct sigaction sa;
   memset(&sa, 0, sizeof sa);
   sa.sa_handler = on_signal;
   sigemptyset(&sa.sa_mask);
   sigaction(SIGINT, &sa, NULL);
   sigaction(SIGTERM, &sa, NULL);
   sigaction(SIGHUP, &sa, NULL);

   struct pv_reader r;
   char err[512];
   struct pv_trace_writer *rec = NULL;
   if (record) {
      rec = pv_trace_create(record, err, sizeof err);
      if (!rec) {
         fprintf(stderr, PROG ": error: %s\n", err);
         return 2;
      }
      if (rec_codec >= 0)
         pv_trace_set_codec(rec, rec_codec, rec_level);
   }
   if (pv_trace_probe(ring)) {
      if (ctl.active)
         usage_error("the control options need a live ring, not a trace file%s", "");
      return dump_trace_file(&d, ring, output, want_fsync, rec, record, record_only);
   }
   if (pv_reader_attach(&r, ring, err, sizeof err) != 0) {
      fprintf(stderr, PROG ": error: %s%s\n", err,
              strstr(err, "is not a pervert ring") ? " nor a pervert trace file" : "");
      if (rec)
         pv_trace_abandon(rec);
      return 2;
   }
   if (out_open(&d.out, output) != 0) {
      fprintf(stderr, PROG ": error: cannot open %s: %s\n", output ? output : "output",
              strerror(errno));
      pv_reader_detach(&r, PV_CONS_GONE);
      return 1;
   }

   pv_u64 pub[PV_REC_LAST + 1];
   memset(pub, 0, sizeof pub);
   double t0 = now_s(), sig_deadline = 0;
   int stop = SPAN_MORE, interrupted = 0, rec_err = 0;
   pv_u64 corrupt_at = 0;
   double rec_flushed = t0;

   for (;;) {
      if (sig_count) {
         double t = now_s();
         if (sig_deadline == 0)
            sig_deadline = t + 1.0;
         /* SIGINT: the traced program got it too and is probably ending:
          * give it a second to write its EXIT record.  Others: stop now. */
         if (sig_last != SIGINT || sig_count > 1 || t > sig_deadline) {
            interrupted = sig_last;
            break;
         }
      }
      const pv_u8 *p;
      size_t n;
      int st = pv_reader_batch(&r, &p, &n);
      if (st == PV_BATCH_DATA) {
         /* recording: compressing a whole ring's worth before giving it
          * back would leave the program waiting for room, then this side
          * waiting for data, in turns; slices of 1/16 of the ring are given
          * back (published) one by one, so both run at once.  The counting
          * walker stops there itself; the others get a cut span. */
         d.span_budget = rec && !ctl.active && d.mode == MODE_COUNT ? r.size / 16 : 0;
         if (ctl.active)
            n = ctl_chunk(p, n, CTL_CHUNK);
         else if (rec && d.mode != MODE_COUNT && n > r.size / 16)
            n = ctl_chunk(p, n, r.size / 16);
         size_t used = dump_span(&d, p, n, (pv_u64)(p - r.data), r.size, &stop);
         if (rec && !rec_err && pv_trace_append(rec, p, used) != 0)
            rec_err = errno;
         pv_reader_consume(&r, used);
         publish_counts(&r, &d, pub);
         if (d.out.err || stop != SPAN_MORE || (rec_err && record_only)) {
            corrupt_at = r.tail;
            break;
         }
         if (ctl.active)
            ctl_poll(&ctl, &r, &d, now_s());
      } else if (st == PV_BATCH_END) {
         break;
      } else {
         if (d.out.p != d.out.buf)     /* idle: let a reader of the file see it */
            out_flush(&d.out);
         if (rec && !rec_err && now_s() - rec_flushed > 1.0) {
            /* idle: what came so far goes to the trace as a chunk, at most
             * once a second, so that a killed recording keeps it */
            if (pv_trace_flush(rec) != 0)
               rec_err = errno;
            rec_flushed = now_s();
         }
         if (ctl.active)
            ctl_poll(&ctl, &r, &d, now_s());
         pv_reader_wait(&r, 10);
      }
   }
   ctl_end(&ctl, &d);
   double secs = now_s() - t0;

   int rc = 0, incomplete = 0;
   enum pv_consumer_state why = PV_CONS_FINISHED;
   unsigned pstate = r.ctrl ? __atomic_load_n(&r.ctrl->producer_state, __ATOMIC_ACQUIRE) : 0;
   pv_u64 ctrl_dropped = r.ctrl ? r.ctrl->dropped : 0;
   double waited_s = r.ctrl ? (double)__atomic_load_n(&r.ctrl->waited_ns, __ATOMIC_RELAXED) / 1e9 : 0;

   if (d.out.err) {
      /* reported below */
   } else if (interrupted) {
      fprintf(stderr, PROG ": warning: stopped by signal %d before the end of the trace\n",
              interrupted);
      incomplete = 1;
      why = PV_CONS_GONE;
   } else if (stop == SPAN_CORRUPT) {
      out_flush(&d.out);
      fprintf(stderr, PROG ": error: corrupt record at offset %llu\n",
              (unsigned long long)corrupt_at);
      incomplete = 1;
      why = PV_CONS_GONE;
   } else if (rec_err && record_only) {
      why = PV_CONS_GONE;       /* the recording failed: reported below */
   } else if (!d.saw_exit && !(d.saw_exec && (pstate == PV_PROD_EXECED || r.lost))) {
      fprintf(stderr, PROG ": warning: the traced program ended without an exit record "
              "(killed?)\n");
      incomplete = 1;
   }
   if (incomplete) {
      rc = 1;
      if (d.mode == MODE_TEXT && !record_only) {
         out_room(&d.out, 16);
         d.out.p = put_str(d.out.p, "incomplete\n");
      }
   }
   if (d.mode == MODE_COUNT && !d.out.err && !record_only)
      write_counts(&d);

   /* the output and the trace must be complete before the tool hears FINISHED */
   if (rec && finish_record(rec, &d, rec_err, want_fsync, record) != 0) {
      why = PV_CONS_GONE;
      rc = 1;
   }
   if (out_close(&d.out, want_fsync) != 0 || d.out.err) {
      fprintf(stderr, PROG ": error: cannot write to %s: %s\n", d.out.name,
              strerror(d.out.err ? d.out.err : EIO));
      why = PV_CONS_GONE;
      rc = 1;
   }
   if (d.summary)
      print_summary(&d, ctrl_dropped, waited_s, secs);
   fflush(stderr);
   publish_counts(&r, &d, pub);
   pv_reader_detach(&r, why);
   dump_fini(&d);
   return rc;
}
