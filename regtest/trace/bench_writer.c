/* bench_writer.c -- what the trace writer (shared/pv_trace_write.c) costs per
 * event, offline: reads a trace file chunk by chunk and re-records it with
 * pv_trace_append + pv_trace_finish, timing only those calls (the reading
 * is not counted), then reads the new file back and checks that it holds
 * the same records.
 *
 *   bench_writer [-c CODEC,LEVEL] [-n RUNS] [-t] [-o OUT] IN.pvt
 *
 * -t: with the writer's compression thread (default: without, so that the
 * parts add up on one core).  Prints ns/event of CPU time: the encoder (the
 * caller's time minus the zstd, CRC and write calls made in it), zstd, CRC,
 * write, the total, and bytes/event of the file; best of RUNS (default 3).
 * With -t "total" is the CPU of both threads (the caller's appends + the
 * worker's zstd/CRC/write), "wall" the appends' wall time.
 *
 * Built by regtest/trace/run.sh (test "bench-writer", which also checks the
 * round trip for every codec):
 *   cc -O2 -Ishared -o bench_writer regtest/trace/bench_writer.c \
 *      shared/pv_trace_read.c -lzstd -lpthread
 * The writer's source is included here so that its zstd, CRC and write
 * calls can be timed through the macros below.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "pv_trace.h"

static double ns_now(clockid_t c)
{
   struct timespec ts;
   clock_gettime(c, &ts);
   return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* time spent in the writer's calls (in whichever thread made them) */
static double t_zstd, t_crc, t_write;
static pthread_mutex_t t_mu = PTHREAD_MUTEX_INITIALIZER;
static void add_time(double *acc, double t)
{
   pthread_mutex_lock(&t_mu);
   *acc += t;
   pthread_mutex_unlock(&t_mu);
}

static size_t bench_zstd_compress2(ZSTD_CCtx *c, void *d, size_t dc, const void *s, size_t sn)
{
   double t0 = ns_now(CLOCK_THREAD_CPUTIME_ID);
   size_t r = ZSTD_compress2(c, d, dc, s, sn);
   add_time(&t_zstd, ns_now(CLOCK_THREAD_CPUTIME_ID) - t0);
   return r;
}

static pv_u32 bench_crc32(pv_u32 crc, const void *p, size_t n)
{
   double t0 = ns_now(CLOCK_THREAD_CPUTIME_ID);
   pv_u32 r = pv_trace_crc32(crc, p, n);
   add_time(&t_crc, ns_now(CLOCK_THREAD_CPUTIME_ID) - t0);
   return r;
}

static ssize_t bench_write(int fd, const void *p, size_t n)
{
   double t0 = ns_now(CLOCK_THREAD_CPUTIME_ID);
   ssize_t r = write(fd, p, n);
   add_time(&t_write, ns_now(CLOCK_THREAD_CPUTIME_ID) - t0);
   return r;
}

#define ZSTD_compress2 bench_zstd_compress2
#define pv_trace_crc32 bench_crc32
#define write bench_write
#include "../../shared/pv_trace_write.c"
#undef ZSTD_compress2
#undef pv_trace_crc32
#undef write

static void die(const char *m, const char *e)
{
   fprintf(stderr, "bench_writer: %s%s%s\n", m, e ? ": " : "", e ? e : "");
   exit(2);
}

struct run_result { double enc, zstd, crc, wr, total, wall; pv_u64 events, bytes; };

static void one_run(const char *in, const char *out, int codec, int level,
                    struct run_result *r)
{
   struct pv_trace_reader t;
   char err[256];
   if (pv_trace_open(&t, in, err, sizeof err) != PV_TRACE_OK)
      die(err, NULL);
   struct pv_trace_writer *w = pv_trace_create(out, err, sizeof err);
   if (!w)
      die(err, NULL);
   if (codec >= 0)
      pv_trace_set_codec(w, codec, level);
   t_zstd = t_crc = t_write = 0;
   double app = 0, wall = 0;
   const pv_u8 *p;
   size_t n;
   int rc;
   while ((rc = pv_trace_next(&t, &p, &n, err, sizeof err)) == PV_TRACE_CHUNK) {
      double c0 = ns_now(CLOCK_THREAD_CPUTIME_ID), w0 = ns_now(CLOCK_MONOTONIC);
      if (pv_trace_append(w, p, n) != 0)
         die("append failed", strerror(errno));
      app += ns_now(CLOCK_THREAD_CPUTIME_ID) - c0;
      wall += ns_now(CLOCK_MONOTONIC) - w0;
   }
   if (rc != PV_TRACE_END && rc != PV_TRACE_INCOMPLETE)
      die(err, NULL);
   int threaded = w->threaded;
   double c0 = ns_now(CLOCK_THREAD_CPUTIME_ID), w0 = ns_now(CLOCK_MONOTONIC);
   pv_u64 events, bytes;
   pv_trace_stats(w, &events, NULL, NULL);
   if (pv_trace_finish(w, t.info.flags, 0) != 0)
      die("finish failed", strerror(errno));
   app += ns_now(CLOCK_THREAD_CPUTIME_ID) - c0;
   wall += ns_now(CLOCK_MONOTONIC) - w0;
   pv_trace_close(&t);
   FILE *f = fopen(out, "rb");
   if (!f)
      die("cannot open", out);
   fseek(f, 0, SEEK_END);
   bytes = (pv_u64)ftell(f);
   fclose(f);
   double ev = events ? (double)events : 1;
   r->events = events;
   r->bytes = bytes;
   r->zstd = t_zstd / ev;
   r->crc = t_crc / ev;
   r->wr = t_write / ev;
   r->wall = wall / ev;
   if (threaded) {
      /* the caller's time is all encoding; zstd, CRC and write ran in the
       * worker (the few header CRCs and writes of the caller are counted
       * twice: negligible) */
      r->enc = app / ev;
      r->total = (app + t_zstd + t_crc + t_write) / ev;
   } else {
      r->enc = (app - t_zstd - t_crc - t_write) / ev;
      r->total = app / ev;
   }
}

/* the records of A and B are the same */
static int same_records(const char *a, const char *b)
{
   struct pv_trace_reader ta, tb;
   char err[256];
   if (pv_trace_open(&ta, a, err, sizeof err) != PV_TRACE_OK ||
       pv_trace_open(&tb, b, err, sizeof err) != PV_TRACE_OK)
      die(err, NULL);
   const pv_u8 *pa = NULL, *pb = NULL;
   size_t na = 0, nb = 0, ia = 0, ib = 0;
   int ea = 0, eb = 0, same = 1;
   pv_u64 k = 0;
   for (;;) {
      if (ia == na && !ea) {
         ia = 0;
         if (pv_trace_next(&ta, &pa, &na, err, sizeof err) != PV_TRACE_CHUNK)
            ea = 1, na = 0;
      }
      if (ib == nb && !eb) {
         ib = 0;
         if (pv_trace_next(&tb, &pb, &nb, err, sizeof err) != PV_TRACE_CHUNK) {
            if (!ea || ia < na)
               fprintf(stderr, "bench_writer: %s: %s\n", b, err);
            eb = 1, nb = 0;
         }
      }
      if ((ia == na) != (ib == nb)) {
         if (ia == na && !ea)
            continue;
         if (ib == nb && !eb)
            continue;
         fprintf(stderr, "bench_writer: %s ends at record %llu, the other does not\n",
                 ia == na ? a : b, (unsigned long long)k);
         same = 0;
         break;
      }
      if (ia == na)
         break;
      size_t la = PV_REC_BYTES(pv_rec_hdr(pa + ia)), lb = PV_REC_BYTES(pv_rec_hdr(pb + ib));
      if (la != lb || la > na - ia || lb > nb - ib || memcmp(pa + ia, pb + ib, la) != 0) {
         fprintf(stderr, "bench_writer: record %llu differs\n", (unsigned long long)k);
         same = 0;
         break;
      }
      ia += la;
      ib += lb;
      k++;
   }
   pv_trace_close(&ta);
   pv_trace_close(&tb);
   return same;
}

int main(int argc, char **argv)
{
   int codec = -1, level = 0, runs = 3, thread = 0, opt;
   const char *out = NULL;
   while ((opt = getopt(argc, argv, "c:n:to:")) != -1) {
      switch (opt) {
      case 'c':
         codec = atoi(optarg);
         if (strchr(optarg, ','))
            level = atoi(strchr(optarg, ',') + 1);
         break;
      case 'n': runs = atoi(optarg); break;
      case 't': thread = 1; break;
      case 'o': out = optarg; break;
      default:
         fprintf(stderr, "usage: bench_writer [-c CODEC,LEVEL] [-n RUNS] [-t] [-o OUT] IN.pvt\n");
         return 2;
      }
   }
   if (optind != argc - 1) {
      fprintf(stderr, "usage: bench_writer [-c CODEC,LEVEL] [-n RUNS] [-t] [-o OUT] IN.pvt\n");
      return 2;
   }
   const char *in = argv[optind];
   char tmpout[] = "/tmp/bench_writer.XXXXXX";
   if (!out) {
      int fd = mkstemp(tmpout);
      if (fd < 0)
         die("mkstemp", strerror(errno));
      close(fd);
      out = tmpout;
   }
   setenv("PV_TRACE_THREAD", thread ? "1" : "0", 1);
   struct run_result best = { .total = 1e30 }, r;
   for (int k = 0; k < runs; k++) {
      one_run(in, out, codec, level, &r);
      if (r.total < best.total)
         best = r;
   }
   int same = same_records(in, out);
   printf("%s codec %d level %d%s: %llu events, %.3f bytes/event; ns/event: encode %.2f "
          "zstd %.2f crc %.2f write %.2f total %.2f%s",
          in, codec < 0 ? PV_TRACE_DEFAULT_CODEC : codec,
          level ? level : PV_TRACE_DEFAULT_LEVEL, thread ? " threaded" : "",
          (unsigned long long)best.events, (double)best.bytes / (best.events ? best.events : 1),
          best.enc, best.zstd, best.crc, best.wr, best.total, thread ? "" : "\n");
   if (thread)
      printf(" wall %.2f\n", best.wall);
   if (out == tmpout)
      unlink(tmpout);
   if (!same) {
      printf("DIFFERENT records after the round trip\n");
      return 1;
   }
   return 0;
}
