/* analysis_test.c -- unit test of shared/pv_analysis.{h,c}: synthetic
 * accesses and heap events in, statistics out.
 *
 * build: gcc -O2 -std=gnu11 -Wall -Wextra -Ishared -o analysis_test \
 *            regtest/analysis/analysis_test.c shared/pv_analysis.c
 * Prints one line per failed check and "analysis_test: N passed, M failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_analysis.h"

static int passed, failures;

#define CHECK(c) do { if (c) passed++; else { \
   fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static const char *label(int bin)
{
   static char b[4][32];
   static int k;
   k = (k + 1) & 3;
   pv_stride_bin_label(bin, b[k], sizeof b[k]);
   return b[k];
}

static void test_bins(void)
{
   CHECK(pv_stride_bin(0) == PV_STRIDE_ZERO);
   CHECK(pv_stride_bin(1) == PV_STRIDE_ZERO + 1);
   CHECK(pv_stride_bin(-1) == PV_STRIDE_ZERO - 1);
   CHECK(pv_stride_bin(8) == PV_STRIDE_ZERO + 4);
   CHECK(pv_stride_bin(15) == PV_STRIDE_ZERO + 4);
   CHECK(pv_stride_bin(16) == PV_STRIDE_ZERO + 5);
   CHECK(pv_stride_bin(-8) == PV_STRIDE_ZERO - 4);
   CHECK(pv_stride_bin(1ll << 40) == PV_STRIDE_BINS - 1);
   CHECK(pv_stride_bin(1ll << 50) == PV_STRIDE_BINS - 1);
   CHECK(pv_stride_bin(-(1ll << 62)) == 0);
   CHECK(pv_stride_bin((pv_s64)0x8000000000000000ull) == 0);
   CHECK(strcmp(label(PV_STRIDE_ZERO), "0") == 0);
   CHECK(strcmp(label(pv_stride_bin(1)), "+1") == 0);
   CHECK(strcmp(label(pv_stride_bin(-3)), "-2..3") == 0);
   CHECK(strcmp(label(pv_stride_bin(8)), "+8..15") == 0);
   CHECK(strcmp(label(pv_stride_bin(100)), "+64..127") == 0);
   CHECK(strcmp(label(pv_stride_bin(-100)), "-64..127") == 0);
   CHECK(strcmp(label(pv_stride_bin(1ll << 45)), "+2^40..") == 0);
   /* the cache line boundary is a bin boundary */
   CHECK(pv_stride_bin_hi(pv_stride_bin(63)) == 63);
   CHECK(pv_stride_bin_lo(pv_stride_bin(64)) == 64);
   CHECK(pv_stride_bin_sign(pv_stride_bin(-64)) == -1);
   CHECK(pv_stride_bin_sign(PV_STRIDE_ZERO) == 0);
   /* every distance lands in a bin whose range holds it */
   for (pv_s64 d = -70000; d <= 70000; d += 7) {
      int b = pv_stride_bin(d);
      pv_u64 m = d < 0 ? (pv_u64)-d : (pv_u64)d;
      if (!(b >= 0 && b < PV_STRIDE_BINS && pv_stride_bin_lo(b) <= m && m <= pv_stride_bin_hi(b)
            && pv_stride_bin_sign(b) == (d > 0) - (d < 0))) {
         CHECK(!"bin range");
         break;
      }
   }
   char small[4];
   size_t n = pv_stride_bin_label(pv_stride_bin(4096), small, sizeof small);
   CHECK(n == strlen("+4096..8191") && strcmp(small, "+40") == 0);
}

static void test_sites(void)
{
   struct pv_analysis *a = pv_analysis_new(NULL);
   CHECK(a != NULL);
   /* site 1: row-major, 8-byte elements; site 2: column-major, row 2048
    * bytes; both over the same 64x... matrix */
   const int N = 256;
   pv_u64 base = 0x10000000;
   for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
         pv_analysis_access(a, 1, base + (pv_u64)(i * N + j) * 8, 8, PV_ACC_LOAD, 1);
   for (int j = 0; j < N; j++)
      for (int i = 0; i < N; i++)
         pv_analysis_access(a, 2, base + (pv_u64)(i * N + j) * 8, 8, PV_ACC_STORE, 1);
   const struct pv_site_stats *s1 = pv_analysis_site(a, 1), *s2 = pv_analysis_site(a, 2);
   CHECK(s1 && s2);
   if (!s1 || !s2)
      return;
   CHECK(s1->accesses == (pv_u64)N * N && s1->bytes == (pv_u64)N * N * 8);
   CHECK(s1->loads == s1->accesses && s1->stores == 0);
   CHECK(s2->stores == s2->accesses);
   CHECK(s1->strides == (pv_u64)N * N - 1);
   double share;
   int b1 = pv_site_dominant_bin(s1, &share);
   CHECK(b1 == pv_stride_bin(8));
   CHECK(share > 0.99);
   int b2 = pv_site_dominant_bin(s2, &share);
   CHECK(b2 == pv_stride_bin(N * 8));
   CHECK(share > 0.99);
   CHECK(s2->hist[pv_stride_bin(-(pv_s64)(N - 1) * N * 8 + 8)] == (pv_u64)N - 1);
   /* N*N*8 bytes = 8192 lines: estimated (over PV_LINES_EXACT) within 10% */
   int exact;
   pv_u64 l1 = pv_site_lines(s1, &exact);
   CHECK(!exact);
   CHECK(l1 > 8192 * 9 / 10 && l1 < 8192 * 11 / 10);
   pv_u64 l2 = pv_site_lines(s2, &exact);
   CHECK(l2 > 8192 * 9 / 10 && l2 < 8192 * 11 / 10);

   /* exact line counts, straddling accesses */
   pv_analysis_access(a, 3, 0x1000, 8, PV_ACC_LOAD, 1);
   pv_analysis_access(a, 3, 0x1008, 8, PV_ACC_LOAD, 1);
   pv_analysis_access(a, 3, 0x103c, 8, PV_ACC_MODIFY, 1);    /* straddles 0x1000/0x1040 */
   pv_analysis_access(a, 3, 0x2000, 4, PV_ACC_LOAD, 1);
   const struct pv_site_stats *s3 = pv_analysis_site(a, 3);
   CHECK(s3 && pv_site_lines(s3, &exact) == 3 && exact);
   CHECK(s3 && s3->straddles == 1 && s3->modifies == 1);
   /* exactly PV_LINES_EXACT lines stay exact */
   for (int i = 0; i < PV_LINES_EXACT; i++)
      pv_analysis_access(a, 4, 0x50000000 + (pv_u64)i * 64, 4, PV_ACC_LOAD, 1);
   for (int i = 0; i < PV_LINES_EXACT; i++)
      pv_analysis_access(a, 4, 0x50000000 + (pv_u64)i * 64 + 8, 4, PV_ACC_LOAD, 1);
   const struct pv_site_stats *s4 = pv_analysis_site(a, 4);
   CHECK(s4 && pv_site_lines(s4, &exact) == PV_LINES_EXACT && exact);

   /* strides restart when the thread changes */
   pv_analysis_access(a, 5, 0x100, 4, PV_ACC_LOAD, 1);
   pv_analysis_access(a, 5, 0x9000, 4, PV_ACC_LOAD, 2);
   pv_analysis_access(a, 5, 0x9004, 4, PV_ACC_LOAD, 2);
   const struct pv_site_stats *s5 = pv_analysis_site(a, 5);
   CHECK(s5 && s5->strides == 1 && s5->hist[pv_stride_bin(4)] == 1);
   CHECK(s5 && pv_threads_in_mask(s5->tid_mask) == 2 && pv_threads_in_mask(s1->tid_mask) == 1);

   /* sorting */
   const struct pv_site_stats *top[8];
   size_t n = pv_analysis_sites(a, PV_SORT_ACCESSES, top, 8);
   CHECK(n == 5);
   CHECK(n >= 3 && top[0]->site == 1 && top[1]->site == 2 && top[2]->site == 4);
   n = pv_analysis_sites(a, PV_SORT_LINES, top, 2);
   CHECK(n == 2);
   n = pv_analysis_sites(a, PV_SORT_BYTES, top, 1);
   CHECK(n == 1 && top[0]->site == 1);   /* tie with 2 broken by id */
   struct pv_analysis_totals t;
   pv_analysis_get_totals(a, &t);
   CHECK(t.sites == 5);
   CHECK(t.accesses == 2ull * N * N + 4 + 2 * PV_LINES_EXACT + 3);
   pv_analysis_delete(a);
}

static void test_blocks(void)
{
   struct pv_analysis_config cfg;
   pv_analysis_config_default(&cfg);
   cfg.keep_freed = 4;
   struct pv_analysis *a = pv_analysis_new(&cfg);
   CHECK(a != NULL);
   /* a 100-byte block, first 40 bytes written twice */
   pv_analysis_alloc(a, 0x4a00040, 100, 7, 0, 1);
   for (int r = 0; r < 2; r++)
      for (int i = 0; i < 5; i++)
         pv_analysis_access(a, 10, 0x4a00040 + i * 8, 8, PV_ACC_STORE, 1);
   /* an access outside any block */
   pv_analysis_access(a, 10, 0x4a00040 + 100, 8, PV_ACC_LOAD, 1);
   const struct pv_block_stats *b = pv_analysis_block_at(a, 0x4a00050);
   CHECK(b && b->addr == 0x4a00040 && b->size == 100 && b->alloc_stack == 7);
   CHECK(b && b->accesses == 10 && b->stores == 10 && b->bytes == 80 && b->touched == 40);
   CHECK(b && b->touched_exact && b->touched_known && !b->freed);
   CHECK(pv_analysis_block_at(a, 0x4a00040 + 100) == NULL);
   /* an access straddling the end counts the part inside */
   pv_analysis_access(a, 10, 0x4a00040 + 96, 8, PV_ACC_LOAD, 1);
   CHECK(b && b->touched == 44 && b->bytes == 84 && b->loads == 1);

   /* a large block: 64-byte granules */
   pv_u64 big = 0x7f0000000000, bsz = (4u << 20) + 10;
   pv_analysis_alloc(a, big, bsz, 8, 0, 1);
   pv_analysis_access(a, 11, big + 1, 1, PV_ACC_LOAD, 1);
   pv_analysis_access(a, 11, big + 2, 1, PV_ACC_LOAD, 1);
   pv_analysis_access(a, 11, big + bsz - 1, 1, PV_ACC_LOAD, 1);
   const struct pv_block_stats *bb = pv_analysis_block_at(a, big + 4096);
   CHECK(bb && bb->size == bsz && !bb->touched_exact && bb->accesses == 3);
   CHECK(bb && bb->touched == 64 + 10);

   /* many small blocks: lookups through the granule map, frees, reuse */
   pv_u64 base = 0x5000000;
   for (int i = 0; i < 3000; i++)
      pv_analysis_alloc(a, base + (pv_u64)i * 48, 40, 9, 0, 1);
   int okfind = 1;
   for (int i = 0; i < 3000; i++) {
      const struct pv_block_stats *x = pv_analysis_block_at(a, base + (pv_u64)i * 48 + 39);
      if (!x || x->addr != base + (pv_u64)i * 48)
         okfind = 0;
      if (pv_analysis_block_at(a, base + (pv_u64)i * 48 + 44))
         okfind = 0;
   }
   CHECK(okfind);
   for (int i = 0; i < 3000; i++)
      pv_analysis_access(a, 12, base + (pv_u64)i * 48, 4, PV_ACC_LOAD, 1);
   for (int i = 0; i < 3000; i += 2)      /* free every other one */
      pv_analysis_free(a, base + (pv_u64)i * 48, 3);
   okfind = 1;
   for (int i = 0; i < 3000; i++) {
      const struct pv_block_stats *x = pv_analysis_block_at(a, base + (pv_u64)i * 48 + 8);
      if ((i & 1) ? !x || x->addr != base + (pv_u64)i * 48 : x != NULL)
         okfind = 0;
   }
   CHECK(okfind);
   /* busier freed block: kept */
   pv_analysis_alloc(a, 0x6000000, 16, 5, 0, 2);
   for (int i = 0; i < 50; i++)
      pv_analysis_access(a, 13, 0x6000000, 4, PV_ACC_LOAD, 2);
   pv_analysis_free(a, 0x6000000, 6);
   pv_analysis_free(a, 0x1234, 6);   /* unknown */
   const struct pv_block_stats *top[4];
   size_t n = pv_analysis_blocks(a, PV_SORT_ACCESSES, top, 4);
   CHECK(n == 4);
   CHECK(n >= 2 && top[0]->addr == 0x6000000 && top[0]->freed && top[0]->accesses == 50
         && top[0]->free_stack == 6 && top[0]->touched == 4 && top[0]->tid == 2
         && top[0]->tid_mask == 4);
   CHECK(n >= 2 && top[1]->addr == 0x4a00040);
   n = pv_analysis_blocks(a, PV_SORT_TOUCHED, top, 1);
   CHECK(n == 1 && top[0]->addr == big);          /* 74 bytes touched */
   struct pv_analysis_totals t;
   pv_analysis_get_totals(a, &t);
   CHECK(t.allocs == 3003 && t.frees == 1502 && t.unknown_frees == 1);
   CHECK(t.live_blocks == 2 + 1500);
   CHECK(t.live_bytes == 100 + bsz + 1500 * 40);
   CHECK(t.heap_accesses == 11 + 3 + 3000 + 50);
   /* realloc-style reuse of an address after free */
   pv_analysis_alloc(a, base, 24, 4, 2, 1);
   pv_analysis_access(a, 14, base + 20, 4, PV_ACC_STORE, 1);
   const struct pv_block_stats *r = pv_analysis_block_at(a, base + 20);
   CHECK(r && r->size == 24 && r->accesses == 1 && r->touched == 4 && r->kind == 2);
   /* an alloc over a live block (missed free) retires the old one */
   pv_analysis_alloc(a, base + 48, 40, 4, 0, 1);
   r = pv_analysis_block_at(a, base + 48);
   CHECK(r && r->accesses == 0 && r->alloc_stack == 4);
   /* free everything, including the big one */
   pv_analysis_free(a, big, 0);
   CHECK(pv_analysis_block_at(a, big + 4096) == NULL);
   pv_analysis_delete(a);

   /* bitmap budget: the second block gets no bitmap */
   pv_analysis_config_default(&cfg);
   cfg.bitmap_budget = 200;
   a = pv_analysis_new(&cfg);
   pv_analysis_alloc(a, 0x1000, 1000, 1, 0, 1);
   pv_analysis_alloc(a, 0x2000, 1000, 1, 0, 1);
   pv_analysis_access(a, 1, 0x1000, 8, PV_ACC_STORE, 1);
   pv_analysis_access(a, 1, 0x2000, 8, PV_ACC_STORE, 1);
   const struct pv_block_stats *k1 = pv_analysis_block_at(a, 0x1000);
   const struct pv_block_stats *k2 = pv_analysis_block_at(a, 0x2000);
   CHECK(k1 && k1->touched_known && k1->touched == 8);
   CHECK(k2 && !k2->touched_known && k2->accesses == 1);
   /* max_sites folding */
   pv_analysis_delete(a);
   pv_analysis_config_default(&cfg);
   cfg.max_sites = 10;
   a = pv_analysis_new(&cfg);
   pv_analysis_access(a, 11, 0x1000, 8, PV_ACC_LOAD, 1);
   pv_analysis_get_totals(a, &t);
   CHECK(pv_analysis_site(a, 0) && pv_analysis_site(a, 0)->accesses == 1 && t.folded_sites == 1);
   pv_analysis_delete(a);
}

/* random alloc/free against a brute-force model */
static void test_random(void)
{
   struct pv_analysis *a = pv_analysis_new(NULL);
   enum { SLOTS = 400 };
   pv_u64 addr[SLOTS], size[SLOTS];
   int live[SLOTS];
   memset(live, 0, sizeof live);
   unsigned x = 12345;
   int bad = 0;
   for (int step = 0; step < 20000 && !bad; step++) {
      x = x * 1103515245u + 12345u;
      int s = (int)((x >> 8) % SLOTS);
      if (live[s]) {
         pv_analysis_free(a, addr[s], 0);
         live[s] = 0;
      } else {
         /* slot s owns [base + s*16384, +16384) */
         x = x * 1103515245u + 12345u;
         size[s] = (x >> 4) % ((x & 1) ? 16000 : 200);
         addr[s] = 0x10000000 + (pv_u64)s * 16384 + ((x >> 20) & 0xff) * 16 % (16384 - size[s]);
         pv_analysis_alloc(a, addr[s], size[s], 1, 0, 1);
         live[s] = 1;
      }
      x = x * 1103515245u + 12345u;
      int q = (int)((x >> 8) % SLOTS);
      pv_u64 probe = 0x10000000 + (pv_u64)q * 16384 + (x >> 3) % 16384;
      const struct pv_block_stats *b = pv_analysis_block_at(a, probe);
      int want = live[q] && probe >= addr[q] && probe < addr[q] + (size[q] ? size[q] : 1);
      if (want ? !b || b->addr != addr[q] : b != NULL)
         bad = 1;
   }
   CHECK(!bad);
   pv_analysis_delete(a);
}

/* reuse distance against a brute-force LRU stack */
static void test_reuse(void)
{
   char lab[32];
   CHECK(pv_reuse_bin(0) == 1 && pv_reuse_bin(1) == 2 && pv_reuse_bin(3) == 3);
   CHECK(pv_reuse_bin(99) == 8 && pv_reuse_bin_lo(8) == 64 && pv_reuse_bin_hi(8) == 127);
   CHECK(pv_reuse_bin(~0ull) == PV_REUSE_BINS - 1);
   pv_reuse_bin_label(PV_REUSE_COLD, lab, sizeof lab);
   CHECK(strcmp(lab, "cold") == 0);
   pv_reuse_bin_label(1, lab, sizeof lab);
   CHECK(strcmp(lab, "0") == 0);
   pv_reuse_bin_label(2, lab, sizeof lab);
   CHECK(strcmp(lab, "1") == 0);
   pv_reuse_bin_label(8, lab, sizeof lab);
   CHECK(strcmp(lab, "64..127") == 0);
   pv_reuse_bin_label(PV_REUSE_BINS - 1, lab, sizeof lab);
   CHECK(strcmp(lab, "2^31..") == 0);

   /* cycles over 100 lines: 100 cold, then distance 99 every time */
   struct pv_analysis_config cfg;
   pv_analysis_config_default(&cfg);
   cfg.reuse_lines = 1000;
   struct pv_analysis *a = pv_analysis_new(&cfg);
   for (int r = 0; r < 30; r++)
      for (int i = 0; i < 100; i++)
         pv_analysis_access(a, 1, 0x10000 + (pv_u64)i * 64 + 8, 8, PV_ACC_LOAD, 1);
   for (int i = 0; i < 10; i++)
      pv_analysis_access(a, 2, 0x10000, 4, PV_ACC_LOAD, 1);   /* line 0 again */
   const struct pv_site_stats *s1 = pv_analysis_site(a, 1), *s2 = pv_analysis_site(a, 2);
   CHECK(s1 && s1->reuse[PV_REUSE_COLD] == 100 && s1->reuse[pv_reuse_bin(99)] == 2900);
   CHECK(s2 && s2->reuse[pv_reuse_bin(99)] == 1 && s2->reuse[1] == 9);
   CHECK(s1 && pv_site_reuse_quantile(s1, 0.5) == 127);
   pv_analysis_delete(a);

   /* without reuse_lines: nothing counted */
   a = pv_analysis_new(NULL);
   pv_analysis_access(a, 1, 0x1000, 4, PV_ACC_LOAD, 1);
   pv_analysis_access(a, 1, 0x1000, 4, PV_ACC_LOAD, 1);
   CHECK(pv_analysis_site(a, 1)->reuse[1] == 0 && pv_analysis_site(a, 1)->reuse[0] == 0);
   pv_analysis_delete(a);

   /* random accesses over 300 lines, 100000 times: renumbering many times
    * (at most 512 lines: 1024 slots); histogram equal to an LRU stack's */
   cfg.reuse_lines = 512;
   a = pv_analysis_new(&cfg);
   enum { L = 300 };
   pv_u64 stack[L], want[PV_REUSE_BINS];
   int depth = 0;
   memset(want, 0, sizeof want);
   unsigned x = 99;
   for (int k = 0; k < 100000; k++) {
      x = x * 1103515245u + 12345u;
      /* skewed: small lines more often */
      pv_u64 line = ((x >> 8) % L) * ((x >> 30) & 1 ? 1 : 0) + ((x >> 8) % 17);
      line %= L;
      int pos = -1;
      for (int j = 0; j < depth; j++)
         if (stack[j] == line) { pos = j; break; }
      if (pos < 0) {
         want[PV_REUSE_COLD]++;
         pos = depth++;
      } else {
         want[pv_reuse_bin((pv_u64)pos)]++;
      }
      memmove(stack + 1, stack, (size_t)pos * sizeof *stack);
      stack[0] = line;
      pv_analysis_access(a, 7, 0x40000000 + line * 64 + (x & 31), 4, PV_ACC_LOAD, 1);
   }
   const struct pv_site_stats *s7 = pv_analysis_site(a, 7);
   CHECK(s7 && memcmp(s7->reuse, want, sizeof want) == 0);
   pv_analysis_delete(a);

   /* more lines than reuse_lines: the extra ones count as cold, no crash */
   cfg.reuse_lines = 16;
   a = pv_analysis_new(&cfg);
   for (int r = 0; r < 3; r++)
      for (int i = 0; i < 40; i++)
         pv_analysis_access(a, 1, (pv_u64)i * 64, 4, PV_ACC_LOAD, 1);
   s1 = pv_analysis_site(a, 1);
   CHECK(s1 && s1->reuse[PV_REUSE_COLD] == 40 + 2 * 24 && s1->reuse[pv_reuse_bin(15)] == 32);
   pv_analysis_delete(a);
}

int main(void)
{
   test_reuse();
   test_bins();
   test_sites();
   test_blocks();
   test_random();
   printf("analysis_test: %d passed, %d failed\n", passed, failures);
   return failures != 0;
}
