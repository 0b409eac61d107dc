/* bench_ingest.c -- how fast pervert-view's ingest path (record decoding,
 * line counters, per-cell increments) digests access records, without a
 * ring or a window: a buffer of realistic records (sweeps, a random hot set,
 * stack traffic, 16-byte access records) goes through pv_ingest_span again
 * and again.  Prints ns per record and records per second.
 * usage: bench_ingest [MILLION_RECORDS]   (default 200)
 *        bench_ingest --trace=FILE.pvt      a recorded run's access records
 *          (after one untimed pass over the whole trace for the regions
 *          and heap, the view on the region with the most accesses) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "ingest.h"
#include "layout.h"
#include "pv_trace.h"

static double now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Every record of the trace at PATH in one buffer (*N bytes); the access
 * records alone in *ACC (*NACC bytes). */
static pv_u8 *load_trace(const char *path, size_t *n, pv_u8 **acc, size_t *nacc)
{
   struct pv_trace_reader t;
   char err[512];
   if (pv_trace_open(&t, path, err, sizeof err) != PV_TRACE_OK) {
      fprintf(stderr, "bench_ingest: %s\n", err);
      exit(1);
   }
   size_t cap = 1 << 24, len = 0, acap = 1 << 24, alen = 0;
   pv_u8 *buf = malloc(cap), *a = malloc(acap);
   const pv_u8 *p;
   size_t k;
   while (pv_trace_next(&t, &p, &k, err, sizeof err) == PV_TRACE_CHUNK) {
      while (len + k > cap) buf = realloc(buf, cap *= 2);
      memcpy(buf + len, p, k);
      len += k;
   }
   pv_trace_close(&t);
   for (size_t i = 0; i + 8 <= len;) {
      pv_u64 h;
      memcpy(&h, buf + i, 8);
      size_t rl = (size_t)PV_HDR_TYPE(h) - 1u < 3u ? 16 : (size_t)PV_HDR_N16(h) * 8;
      if (rl == 0) break;
      if (rl == 16 && PV_HDR_TYPE(h) - 1u < 3u) {
         while (alen + 16 > acap) a = realloc(a, acap *= 2);
         memcpy(a + alen, buf + i, 16);
         alen += 16;
      }
      i += rl;
   }
   *n = len;
   *acc = a;
   *nacc = alen;
   return buf;
}

static void setup(struct pv_model *m, struct pv_layout *L, struct pv_ingest *in)
{
   memset(in, 0, sizeof *in);
   pv_model_init(m);
   pv_layout_init(L);
}

static int trace_bench(const char *path)
{
   struct pv_model m;
   struct pv_layout L;
   struct pv_ingest in;
   setup(&m, &L, &in);
   size_t n, nacc;
   pv_u8 *acc;
   pv_u8 *all = load_trace(path, &n, &acc, &nacc);
   int bad;
   m.now_ms = 1;
   pv_ingest_span(&in, &m, all, n, 0, 1ull << 40, &bad);
   /* the view: 64 cells of 64 bytes, 250 rows, where the busiest heap block is */
   pv_layout_build(&L, &m.regions, 12, 0);
   pv_u64 hot = 0;
   memcpy(&hot, acc + (nacc / 32) * 16 + 8, 8);      /* an address from the middle */
   long long row = 0;
   for (unsigned i = 0; i < L.n; i++)
      if (hot >= L.s[i].start && hot < L.s[i].end)
         row = L.s[i].row0 + (long long)((hot - L.s[i].start) >> L.row_shift);
   pv_model_set_view(&m, &L, 6, 64, row > 125 ? row - 125 : 0, 250);
   double t0 = now_s();
   for (int pass = 0; pass < 3; pass++) {
      m.now_ms = (pv_u32)((now_s() - t0) * 1000) + 2;
      pv_ingest_span(&in, &m, acc, nacc, 0, 1ull << 40, &bad);
      pv_model_clear_inc(&m);
   }
   double el = now_s() - t0;
   double recs = 3.0 * nacc / 16;
   printf("bench_ingest: %s: %.1f M access records x 3 in %.2f s: %.2f ns/record, %.1f M records/s\n",
          path, recs / 3e6, el, el * 1e9 / recs, recs / el / 1e6);
   return 0;
}

int main(int argc, char **argv)
{
   if (argc > 1 && strncmp(argv[1], "--trace=", 8) == 0)
      return trace_bench(argv[1] + 8);
   double millions = argc > 1 ? atof(argv[1]) : 200;
   struct pv_model m;
   struct pv_layout L;
   struct pv_ingest in;
   setup(&m, &L, &in);
   const pv_u64 big = 0x10000000ull, big_len = 64ull << 20, stack = 0x7ffffffde000ull;
   pv_model_map(&m, big, big_len, PV_MAP_ANON, 3, "anonymous");
   pv_model_map(&m, stack, 0x21000, PV_MAP_STACK, 3, "[stack]");
   pv_model_alloc(&m, big, big_len - 4096, 1, 1, 0);
   /* a view like the window's: 64 cells of 64 bytes, 250 rows, on the big block */
   pv_layout_build(&L, &m.regions, 12, 0);
   pv_model_set_view(&m, &L, 6, 64, 100, 250);

   enum { N = 1 << 20 };                 /* records per buffer (16 MiB) */
   pv_u64 *buf = malloc((size_t)N * 16);
   pv_u64 rng = 88172645463325252ull, sweep = 0;
   for (int i = 0; i < N; i++) {
      rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
      unsigned k = (unsigned)(rng & 15);
      pv_u64 addr;
      unsigned type;
      if (k < 10) {
         type = k < 6 ? PV_REC_LOAD : PV_REC_STORE;
         addr = big + sweep;
         sweep = (sweep + 8) & (big_len - 8);
      } else if (k < 14) {
         type = (rng >> 8) & 1 ? PV_REC_LOAD : PV_REC_MODIFY;
         addr = big + ((rng >> 16) & 0xFFFF8);
      } else {
         type = PV_REC_STORE;
         addr = stack + 0x21000 - 256 + ((rng >> 20) & 0xF8);
      }
      buf[2 * i] = PV_HDR(type, 0, 8, 1 + (i & 255));
      buf[2 * i + 1] = addr;
   }
   pv_u64 total = (pv_u64)(millions * 1e6);
   pv_u64 done = 0;
   double t0 = now_s();
   while (done < total) {
      int bad;
      m.now_ms = (pv_u32)((now_s() - t0) * 1000) + 1;
      pv_ingest_span(&in, &m, (const pv_u8 *)buf, (size_t)N * 16, 0, 1ull << 30, &bad);
      pv_model_clear_inc(&m);
      done += N;
   }
   double el = now_s() - t0;
   printf("bench_ingest: %.0f M records in %.2f s: %.2f ns/record, %.1f M records/s\n",
          done / 1e6, el, el * 1e9 / done, done / el / 1e6);
   return 0;
}
