/* bench_sites.c -- what the per-site analysis (viewer/sites.c) costs the
 * viewer's ingest: a buffer of access records (a sequential sweep over a
 * heap block by a few sites, random reads of a hot set, stack stores; 64
 * sites) is decoded by pv_ingest_span alone, then also by pv_sites_span
 * (analysis on, as in pervert-view), then with a site selected, then with
 * reuse distance (--reuse).  Prints ns per record and records per second for
 * each.  Not a test (no timing is asserted anywhere).
 * usage: bench_sites [MILLION_RECORDS]   (default 50 per mode) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "ingest.h"
#include "layout.h"
#include "sites.h"

static double now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum { NREC = 1 << 20 };

static void fill(pv_u64 *buf, pv_u64 heap, pv_u64 heap_len, pv_u64 stack)
{
   pv_u64 x = 0x2545F4914F6CDD1Dull, pos = 0;
   for (int i = 0; i < NREC; i++) {
      x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
      pv_u64 r = x * 0x2545F4914F6CDD1Dull;
      unsigned pick = (unsigned)(r >> 60), type, site;
      pv_u64 addr;
      if (pick < 10) {                        /* the sweep: 4 sites in turn */
         site = 1 + (i & 3);
         type = site == 4 ? PV_REC_STORE : PV_REC_LOAD;
         addr = heap + pos;
         pos = (pos + 8) % heap_len;
      } else if (pick < 14) {                 /* hot set: 32 sites */
         site = 8 + (unsigned)(r & 31);
         type = PV_REC_LOAD;
         addr = heap + ((r >> 8) % (1u << 20)) / 8 * 8;
      } else {                                /* stack: 28 sites */
         site = 40 + (unsigned)((r >> 8) % 28);
         type = PV_REC_STORE;
         addr = stack - 512 + ((r >> 16) & 0x1F8);
      }
      buf[2 * i] = PV_HDR(type, 0, 8, site);
      buf[2 * i + 1] = addr;
   }
}

static double run(struct pv_model *m, struct pv_sites *s, const pv_u64 *buf, double millions)
{
   struct pv_ingest in;
   memset(&in, 0, sizeof in);
   pv_u64 total = (pv_u64)(millions * 1e6), done = 0;
   double t0 = now_s();
   while (done < total) {
      int bad;
      m->now_ms = (pv_u32)((now_s() - t0) * 1000) + 1;
      size_t used = pv_ingest_span(&in, m, (const pv_u8 *)buf, (size_t)NREC * 16, 0, 1ull << 30, &bad);
      if (s)
         pv_sites_span(s, m, (const pv_u8 *)buf, used, 0, 1ull << 30, 0.0);
      if (s)
         pv_sites_take_inc(s, m);
      pv_model_clear_inc(m);
      done += NREC;
   }
   double el = now_s() - t0;
   return el * 1e9 / (double)done;
}

int main(int argc, char **argv)
{
   double millions = argc > 1 ? atof(argv[1]) : 50;
   const pv_u64 heap = 0x10000000ull, heap_len = 32ull << 20, stack = 0x7ffffffde000ull;
   pv_u64 *buf = malloc((size_t)NREC * 16);
   if (!buf)
      return 1;
   fill(buf, heap, heap_len, stack);
   const char *mode[] = { "ingest alone", "+ analysis", "+ analysis, site 2 selected",
                          "+ analysis and --reuse" };
   double base = 0;
   for (int k = 0; k < 4; k++) {
      struct pv_model m;
      struct pv_layout L;
      struct pv_sites s;
      struct pv_site_opts o;
      pv_model_init(&m);
      pv_layout_init(&L);
      pv_model_map(&m, heap, heap_len, PV_MAP_ANON, 3, "anonymous");
      pv_model_map(&m, stack - 0x21000, 0x21000, PV_MAP_STACK, 3, "[stack]");
      pv_model_alloc(&m, heap, heap_len, 1, 1, 0);
      pv_layout_build(&L, &m.regions, 12, 0);
      pv_model_set_view(&m, &L, 6, 64, 100, 250);
      pv_siteopts_defaults(&o);
      if (k == 3)
         o.reuse_lines = 1u << 20;
      pv_sites_init(&s, &o);
      /* the block, as the ALLOC record would have told the analysis */
      pv_analysis_alloc(s.an, heap, heap_len, 1, 0, 1);
      if (k == 2)
         pv_sites_user_select(&s, 2);
      double ns = run(&m, k ? &s : NULL, buf, millions);
      if (k == 0)
         base = ns;
      printf("bench_sites: %-30s %6.2f ns/record  %6.1f M records/s%s\n", mode[k], ns, 1e3 / ns,
             k ? "" : "  (the reference)");
      if (k)
         printf("bench_sites: %-30s %6.2f ns/record more\n", "", ns - base);
      pv_sites_free(&s);
      pv_model_free(&m);
   }
   free(buf);
   return 0;
}
