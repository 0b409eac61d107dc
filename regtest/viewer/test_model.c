/* test_model.c -- unit tests of pervert-view's model side, without SDL:
 * regions, compact layout, heap blocks, line counters, record decoding
 * (ingest), increments for the visible view, remap plans, heat seeding,
 * follow mode and the hover card.  Records are fed straight into the real
 * model code.  Prints one line per failed check; exit status 0 when all
 * passed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "ingest.h"
#include "layout.h"
#include "remap.h"
#include "seed.h"
#include "card.h"
#include "view.h"
#include "colors.h"
#include "snapshot.h"
#include "util.h"

#include "check.h"
#include "testring.h"

/* ---- regions ---------------------------------------------------------- */

static void test_regions(void)
{
   struct pv_regions rs;
   char b[160];
   pv_regions_init(&rs);
   pv_regions_map(&rs, 0x1000, 0x3000, PV_MAP_ANON, 3, "anonymous");
   pv_regions_unmap(&rs, 0x2000, 0x1000);
   check(rs.n == 2 && rs.r[0].end == 0x2000 && rs.r[1].start == 0x3000, "unmap splits a region");
   pv_regions_protect(&rs, 0x3800, 0x100, 1);
   check(rs.n == 4 && rs.r[2].prot == 1 && rs.r[2].start == 0x3800 && rs.r[2].end == 0x3900,
         "protect splits and sets prot (n=%u)", rs.n);
   pv_regions_remap(&rs, 0x1000, 0x10000, 0x1000);
   int i = pv_regions_find(&rs, 0x10800);
   check(i >= 0 && rs.r[i].start == 0x10000 && pv_regions_find(&rs, 0x1800) < 0, "remap moves");
   pv_regions_map(&rs, 0x20000, 0x1000, PV_MAP_DATA, 3, "/lib/libc.so.6");
   pv_regions_map(&rs, 0x21000, 0x2000, PV_MAP_BSS, 3, "");
   i = pv_regions_find(&rs, 0x21000);
   check(!strcmp(pv_region_label(&rs, (unsigned)i, b, sizeof b), "libc.so.6 .bss"), "bss label: %s", b);
   i = pv_regions_find(&rs, 0x20000);
   check(!strcmp(pv_region_label(&rs, (unsigned)i, b, sizeof b), "libc.so.6 .data"), "data label: %s", b);
   pv_regions_map(&rs, 0x40000, 0x1000, PV_MAP_HEAP, 3, "[heap]");
   pv_regions_map(&rs, 0x41000, 0x1000, PV_MAP_HEAP, 3, "[heap]");
   i = pv_regions_find(&rs, 0x41800);
   check(i >= 0 && rs.r[i].start == 0x40000 && rs.r[i].end == 0x42000, "brk growth merges");
   check(!strcmp(pv_region_label(&rs, (unsigned)i, b, sizeof b), "heap"), "heap label");
   pv_regions_thread_stack(&rs, 2, 0x50000, 0x60000);
   pv_regions_name(&rs, 0x41000, 0x100, "my_table", 1);
   const struct pv_named *nm = pv_regions_named_at(&rs, 0x41010);
   check(nm && !strcmp(nm->name, "my_table"), "named range");
   nm = pv_regions_named_at(&rs, 0x58000);
   check(nm && !strcmp(nm->name, "[stack thread 2]"), "thread stack name");
   pv_regions_name(&rs, 0x41000, 0, NULL, 1);
   nm = pv_regions_named_at(&rs, 0x41010);
   check(!nm, "name removed");
   pv_regions_free(&rs);
}

/* ---- layout ------------------------------------------------------------ */

static void test_layout(void)
{
   struct pv_regions rs;
   struct pv_layout L;
   pv_regions_init(&rs);
   pv_layout_init(&L);
   pv_regions_map(&rs, 0x400000, 0x1000, PV_MAP_CODE, 5, "/bin/x");
   pv_regions_map(&rs, 0x401000, 0x1000, PV_MAP_DATA, 3, "/bin/x");
   pv_regions_map(&rs, 0x500000, 0x100, PV_MAP_ANON, 0, "anonymous");   /* PROT_NONE: hole */
   pv_regions_map(&rs, 0x1000010, 0x10000, PV_MAP_HEAP, 3, "[heap]");
   pv_layout_build(&L, &rs, 8, 0);                 /* 256-byte rows */
   check(L.n == 2, "contiguous regions form one segment, PROT_NONE is a hole (n=%u)", L.n);
   check(L.s[0].nrows == 32 && L.s[1].row0 == 32 + PV_GAP_ROWS, "rows and gap");
   check(L.s[1].nrows == 0x10000 / 256 + 1, "unaligned segment gets a partial row");
   check(pv_layout_row_of(&L, 0x401010) == 16, "row of an address");
   check(pv_layout_row_of(&L, 0x500010) == -1, "hole has no row");
   check(pv_layout_seg_of_row(&L, 33) == -1 && pv_layout_seg_of_row(&L, 32 + PV_GAP_ROWS) == 1,
         "gap rows belong to no segment");
   check(pv_layout_row_addr(&L, &L.s[1], L.s[1].row0) == 0x1000000, "row addresses are aligned");
   pv_layout_build(&L, &rs, 8, 1);
   check(L.n == 2 && L.s[0].start == 0x401000, "hide code");
   pv_layout_free(&L);
   pv_regions_free(&rs);
}

/* ---- heap -------------------------------------------------------------- */

static pv_u64 rng = 12345;
static pv_u64 rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

struct visit { pv_u64 last; int n, ordered; };
static void on_block(void *ctx, const struct pv_block *b)
{
   struct visit *v = ctx;
   if (v->n && b->addr <= v->last)
      v->ordered = 0;
   v->last = b->addr;
   v->n++;
}

static void test_heap(void)
{
   struct pv_heap h;
   pv_heap_init(&h);
   enum { SLOTS = 4096 };
   static pv_u64 live[SLOTS];          /* slot i: block at 0x100000 + i * 0x100, size in live[] */
   for (int it = 0; it < 200000; it++) {
      int i = (int)(rnd() % SLOTS);
      pv_u64 a = 0x100000 + (pv_u64)i * 0x100;
      if (live[i]) {
         check(pv_heap_free(&h, a, 0, 1, 1.0) == 1, "free of a live block");
         live[i] = 0;
      } else {
         live[i] = 1 + rnd() % 0x100;
         pv_heap_alloc(&h, a, live[i], 7, 1, PV_ALLOC_MALLOC);
      }
   }
   pv_u64 n = 0, bytes = 0;
   int bad = 0;
   for (int i = 0; i < SLOTS; i++) {
      pv_u64 a = 0x100000 + (pv_u64)i * 0x100;
      const struct pv_block *b = pv_heap_find(&h, a + (live[i] ? live[i] - 1 : 0));
      if (live[i]) {
         n++;
         bytes += live[i];
         if (!b || b->addr != a || b->size != live[i])
            bad++;
      } else if (b && b->addr == a) {
         bad++;
      }
   }
   check(!bad, "find agrees with a brute-force list (%d bad)", bad);
   check(h.live_count == n && h.live_bytes == bytes, "live counts");
   struct visit v = { 0, 0, 1 };
   pv_heap_visit(&h, 0x100000 + 0x100 * 100, 0x100000 + 0x100 * 200, on_block, &v);
   int want = 0;
   for (int i = 100; i < 200; i++)
      want += live[i] != 0;
   check(v.ordered && v.n == want, "visit in order (%d of %d)", v.n, want);
   /* the address hash rebuilt from the treap (as after a snapshot) finds
    * the same blocks */
   check(pv_heap_reindex(&h) == 0, "reindex");
   int freed_ok = 1;
   for (int i = 0; i < SLOTS; i += 7)
      if (live[i]) {
         freed_ok &= pv_heap_free(&h, 0x100000 + (pv_u64)i * 0x100, 0, 1, 1.0) == 1;
         live[i] = 0;
      }
   check(freed_ok, "frees after a reindex");
   check(pv_heap_free(&h, 0x12345, 0, 1, 1.0) == 0, "free of an unknown address");
   /* freed ring */
   pv_heap_alloc(&h, 0x900000, 4096, 9, 3, PV_ALLOC_CALLOC);
   pv_heap_free(&h, 0x900000, 0, 3, 5.0);
   const struct pv_freed *f = pv_heap_find_freed(&h, 0x900100);
   check(f && f->addr == 0x900000 && f->size == 4096 && f->stack == 9 && f->when == 5.0, "freed ring");
   /* an allocation over a block whose free we missed replaces it */
   pv_heap_alloc(&h, 0xA00000, 100, 1, 1, 0);
   pv_heap_alloc(&h, 0xA00020, 100, 2, 1, 0);
   const struct pv_block *b = pv_heap_find(&h, 0xA00010);
   check(!b, "overlapped block dropped");
   pv_heap_free_all(&h);

   /* random blocks at random places, missed frees included, against a
    * brute-force byte map: an allocation drops every block it overlaps */
   enum { SPAN = 1 << 14 };
   static pv_u32 owner[SPAN];          /* byte -> allocation number + 1, 0 none */
   static pv_u64 at[40001], len[40001];
   pv_heap_init(&h);
   memset(owner, 0, sizeof owner);
   int nalloc = 0, mism = 0;
   for (int it = 0; it < 40000; it++) {
      pv_u64 a = rnd() % (SPAN - 512), sz = 1 + rnd() % 300;
      if (rnd() % 3 == 0) {          /* free the block at a live start, if any */
         pv_u32 o = owner[a];
         int starts = o && at[o] == a;
         check(pv_heap_free(&h, 0x200000 + a, 0, 1, 1.0) == starts, "free iff a block starts there");
         if (starts)
            for (pv_u64 k = a; k < a + len[o]; k++)
               owner[k] = 0;
         continue;
      }
      pv_u32 o = (pv_u32)++nalloc;
      at[o] = a;
      len[o] = sz;
      for (pv_u64 k = 0; k < SPAN; k++)      /* blocks it overlaps are gone */
         if (owner[k] && at[owner[k]] < a + sz && at[owner[k]] + len[owner[k]] > a)
            owner[k] = 0;
      for (pv_u64 k = a; k < a + sz; k++)
         owner[k] = o;
      pv_heap_alloc(&h, 0x200000 + a, sz, o, 1, PV_ALLOC_MALLOC);
      if (it % 97 == 0)
         for (pv_u64 k = 0; k < SPAN; k += 13) {
            const struct pv_block *fb = pv_heap_find(&h, 0x200000 + k);
            pv_u32 w = owner[k];
            if (w ? !fb || fb->stack != w : fb != NULL)
               mism++;
         }
   }
   check(!mism, "overlapping allocations agree with a byte map (%d mismatches)", mism);
   pv_u64 nlive = 0;
   for (pv_u64 k = 0; k < SPAN; k++)
      nlive += owner[k] && at[owner[k]] == k;
   check(h.live_count == nlive, "live blocks %llu, byte map %llu",
         (unsigned long long)h.live_count, (unsigned long long)nlive);
   pv_heap_free_all(&h);
}

/* ---- stats --------------------------------------------------------------- */

static void test_stats(void)
{
   struct pv_stats s;
   pv_stats_init(&s, 4);
   for (int i = 0; i < 6; i++) {
      struct pv_chunk *c = pv_stats_chunk(&s, (pv_u64)i << PV_CHUNK_SHIFT);
      c->line[0].reads++;
   }
   check(s.n == 4 && s.overflow == 2, "chunk cap: %u chunks, %llu overflow", s.n,
         (unsigned long long)s.overflow);
   pv_stats_clear(&s, 0, 1ull << PV_CHUNK_SHIFT);
   check(s.n == 3 && !pv_stats_line(&s, 0), "clear frees a whole chunk");
   struct pv_chunk *c = pv_stats_chunk(&s, 1ull << PV_CHUNK_SHIFT);
   c->line[1].writes = 5;
   c->line[2].writes = 5;
   pv_stats_clear(&s, (1ull << PV_CHUNK_SHIFT) + 64, (1ull << PV_CHUNK_SHIFT) + 128);
   check(c->line[1].writes == 0 && c->line[2].writes == 5, "partial clear");
   pv_stats_clear(&s, 0, ~0ull);
   check(s.n == 0, "huge clear");
   pv_stats_free(&s);
}

/* ---- ingest + model ------------------------------------------------------ */

static pv_u8 buf[1 << 16];
static size_t blen;

static void put_words(const pv_u64 *w, size_t n) { memcpy(buf + blen, w, n * 8); blen += n * 8; }
static void put_var(unsigned type, unsigned sub, pv_u32 a32, const pv_u64 *w, int nw,
                    const char *s, size_t slen)
{
   size_t n = PV_ALIGN8(8 + 8 * (size_t)nw + slen);
   pv_u8 tmp[1024];
   memset(tmp, 0, sizeof tmp);
   pv_u64 h = PV_HDR(type, sub, n / 8, a32);
   memcpy(tmp, &h, 8);
   memcpy(tmp + 8, w, 8 * (size_t)nw);
   if (slen)
      memcpy(tmp + 8 + 8 * nw, s, slen);
   memcpy(buf + blen, tmp, n);
   blen += n;
}

static void build_stream(void)
{
   blen = 0;
   pv_u64 w[4];
   w[0] = 1; w[1] = PV_INFO_TRACK_HEAP; w[2] = 8;
   put_var(PV_REC_INFO, 0, 4242, w, 3, "./prog\0arg1\0\0", 13);
   w[0] = 0x600000; w[1] = 0x10000; w[2] = 0;
   put_var(PV_REC_MAP, PV_MAP_HEAP, 3, w, 3, "[heap]", 7);
   w[0] = 0x401000; w[1] = 12 | (30ull << 32);
   put_var(PV_REC_SITE, 0, 1, w, 2, "fill\0prog.c\0/src\0/bin/prog\0", 28);
   w[0] = 0x401100; w[1] = 40 | (30ull << 32);
   put_var(PV_REC_SITE, 0, 2, w, 2, "main\0prog.c\0/src\0/bin/prog\0", 28);
   pv_u32 ids[2] = { 2, 0 };
   put_var(PV_REC_STACK, 1, 7, NULL, 0, (const char *)ids, 4);
   w[0] = 0x600100; w[1] = 1000; w[2] = 7;
   put_var(PV_REC_ALLOC, PV_ALLOC_MALLOC, 1, w, 3, NULL, 0);
   put_var(PV_REC_THREAD, 0, 3, NULL, 0, NULL, 0);
   for (int i = 0; i < 10; i++) {
      pv_u64 a[2] = { PV_HDR(PV_REC_STORE, 0, 8, 1), 0x600100 + 8 * (pv_u64)i };
      put_words(a, 2);
   }
   pv_u64 l[2] = { PV_HDR(PV_REC_LOAD, 0, 4, 2), 0x600100 };
   put_words(l, 2);
   w[0] = 0x600200; w[1] = 0x100;
   put_var(PV_REC_KWRITE, 0, 0, w, 2, NULL, 0);
   w[0] = 0x600100; w[1] = 1000; w[2] = 7;
   put_var(PV_REC_FREE, PV_ALLOC_FREE, 1, w, 3, NULL, 0);
   w[0] = 5;
   put_var(PV_REC_DROPPED, 0, 0, w, 1, NULL, 0);
   put_var(PV_REC_EXIT, 0, 3, NULL, 0, NULL, 0);
}

static void test_ingest(void)
{
   struct pv_model m;
   struct pv_ingest in;
   memset(&in, 0, sizeof in);
   pv_model_init(&m);
   m.now_ms = 100;
   build_stream();
   int bad = 0;
   size_t used = pv_ingest_span(&in, &m, buf, blen, 0, 1 << 20, &bad);
   check(!bad && used == blen, "whole stream decoded (%zu of %zu, bad %d)", used, blen);
   check(m.have_info && m.pid == 4242 && !strcmp(m.cmdline, "./prog arg1"), "info: %s", m.cmdline);
   check(m.n_access == 11 && m.n_store == 10 && m.n_load == 1, "access counts");
   check(m.counts[PV_REC_STORE] == 10 && m.counts[PV_REC_ALLOC] == 1, "record counts");
   check(m.exited && m.exit_status == 3, "exit");
   check(m.dropped == 5, "dropped");
   check(m.heap.live_count == 0 && m.heap.frees == 1, "alloc + free");
   const struct pv_line *ln = pv_stats_line(&m.stats, 0x600100);
   check(ln && ln->writes == 8 && ln->reads == 1 && ln->tid == 3 && PV_LINE_KIND(ln) == PV_LK_READ
         && ln->site == 2, "line counters");
   ln = pv_stats_line(&m.stats, 0x600240);
   check(ln && ln->writes == 1 && PV_LINE_KIND(ln) == PV_LK_KWRITE, "kernel write counters");
   /* access limit */
   struct pv_model m2;
   pv_model_init(&m2);
   in.access_limit = 4;
   used = pv_ingest_span(&in, &m2, buf, blen, 0, 1 << 20, &bad);
   check(m2.n_access == 4 && used < blen, "access limit stops the decoding");
   /* corrupt record */
   pv_u64 junk = PV_HDR(99, 0, 1, 0);
   int bad2 = 0;
   struct pv_model m3;
   pv_model_init(&m3);
   in.access_limit = 0;
   pv_ingest_span(&in, &m3, (const pv_u8 *)&junk, 8, 0, 1 << 20, &bad2);
   check(bad2, "unknown record type is corrupt");
   pv_model_free(&m);
   pv_model_free(&m2);
   pv_model_free(&m3);
}

/* Sampling (the viewer behind): every access is counted, about one in 2^k
 * updates the line counters, weighted 2^k, and a loop with a period of 2^k
 * is not always sampled at the same place. */
static void test_sampling(void)
{
   struct pv_model m;
   struct pv_ingest in;
   memset(&in, 0, sizeof in);
   pv_model_init(&m);
   m.now_ms = 100;
   enum { N = 4096 };
   static pv_u64 recs[2 * N];
   for (int i = 0; i < N; i++) {
      recs[2 * i] = PV_HDR(i & 1 ? PV_REC_STORE : PV_REC_LOAD, 0, 8, 1);
      recs[2 * i + 1] = 0x700000 + 64 * (pv_u64)(i & 15);   /* 16 lines, 256 each */
   }
   in.sample_shift = 3;
   int bad = 0;
   size_t used = pv_ingest_span(&in, &m, (const pv_u8 *)recs, sizeof recs, 0, 1 << 20, &bad);
   check(!bad && used == sizeof recs, "sampled stream decoded");
   check(m.n_access == N && m.n_load == N / 2 && m.n_store == N / 2, "sampling counts every access");
   check(m.n_sampled > N * 3 / 4 && m.n_sampled < N * 5 / 4 && m.sample_shift == 3,
         "about N accesses sampled: %llu", (unsigned long long)m.n_sampled);
   pv_u64 sum = 0;
   int lines_hit = 0, lo = 1 << 30, hi = 0;
   for (int k = 0; k < 16; k++) {
      const struct pv_line *l = pv_stats_line(&m.stats, 0x700000 + 64 * (pv_u64)k);
      int c = l ? (int)(l->reads + l->writes) : 0;
      sum += (pv_u64)c;
      lines_hit += c > 0;
      if (c < lo) lo = c;
      if (c > hi) hi = c;
      check(c % 8 == 0, "line %d: weight 8 per sample (%d)", k, c);
      check(!l || (k & 1 ? l->reads == 0 : l->writes == 0), "line %d: kinds kept", k);
   }
   check(sum == m.n_sampled, "weighted counts add up to n_sampled");
   check(lines_hit == 16 && lo >= 256 / 4 && hi <= 256 * 2, "every line sampled, %d..%d (true 256)", lo, hi);
   pv_model_free(&m);
}

/* The stage (ingest.h): what the ingest thread reads from the ring while
 * the main thread has the model is taken later exactly as if it were read
 * then.  Two ingests of the same stream through a small ring that wraps
 * (padding at its end), one staging every other turn, one not, must end
 * with the same model, counts and heap. */
/* Record K of the test stream (into buf, blen bytes): a block allocated,
 * written, read and freed now and then, and a thread switch. */
static void stage_record(int k)
{
   blen = 0;
   pv_u64 w[4];
   pv_u64 base = 0x600000 + 0x100 * (pv_u64)(k / 40 % 200);
   switch (k % 40) {
   case 0:
      w[0] = base; w[1] = 0x80; w[2] = 7;
      put_var(PV_REC_ALLOC, PV_ALLOC_MALLOC, 1, w, 3, NULL, 0);
      break;
   case 39:
      if (k / 40 % 3) {
         w[0] = base; w[1] = 0x80; w[2] = 7;
         put_var(PV_REC_FREE, PV_ALLOC_FREE, 1, w, 3, NULL, 0);
         break;
      }
      put_var(PV_REC_THREAD, 0, 1 + (pv_u32)(k & 3), NULL, 0, NULL, 0);
      break;
   default: {
      pv_u64 a[2] = { PV_HDR(k % 5 ? PV_REC_STORE : PV_REC_LOAD, 0, 8, 1 + (pv_u32)(k % 2)),
                      base + 8 * (pv_u64)(k % 16) };
      put_words(a, 2);
   }
   }
}

static void stage_run(int staging, struct pv_model *m, pv_u64 *staged, pv_u64 *bytes)
{
   static struct ring g;
   struct pv_ingest in;
   ring_reader(&g, &in);
   pv_model_init(m);
   m->now_ms = 100;
   build_stream();
   blen -= 8;                                     /* (not its EXIT record) */
   ring_put(&g, buf, blen);
   int k = 0, turn = 0;
   while (k < 40000 && in.state == PV_IN_RUNNING) {
      /* the producer fills about a third of the ring, then a turn of the
       * consumer: with STAGING, 30 turns in 40 only stage, more than the
       * stage holds (8 rings): it fills, and spans are cut to fit */
      for (size_t put = 0; put < RING / 3 && k < 40000; put += blen, k++) {
         stage_record(k);
         if (ring_put(&g, buf, blen) != 0)
            break;
      }
      g.ctrl.head = g.head;
      if (staging && turn++ % 40 < 30 && pv_ingest_may_stage(&in, m->n_access))
         pv_ingest_stage(&in, m->n_access);
      else
         pv_ingest_run(&in, m, pv_now() + 60);
   }
   pv_ingest_run(&in, m, pv_now() + 60);
   check(in.r.tail == g.head && in.state == PV_IN_RUNNING && pv_ingest_staged(&in) == 0,
         "staging %d: everything read (%llu of %llu)", staging,
         (unsigned long long)in.r.tail, (unsigned long long)g.head);
   *staged = in.staged_total;
   *bytes = in.bytes;
   /* an access limit within reach of the stage: no staging */
   in.access_limit = m->n_access + 100;
   check(!pv_ingest_may_stage(&in, m->n_access), "no staging near the access limit");
   pv_ingest_free_stage(&in);
}

static void test_stage(void)
{
   struct pv_model a, b;
   pv_u64 staged_a, staged_b, bytes_a, bytes_b;
   stage_run(1, &a, &staged_a, &bytes_a);
   stage_run(0, &b, &staged_b, &bytes_b);
   check(staged_a > 4 * RING && staged_b == 0, "staged %llu bytes", (unsigned long long)staged_a);
   (void)bytes_a;
   (void)bytes_b;   /* (differ by the padding, skipped or not depending on where spans end) */
   check(a.n_access == b.n_access && a.n_access > 30000,
         "same records taken (%llu, %llu accesses)", (unsigned long long)a.n_access,
         (unsigned long long)b.n_access);
   check(a.heap.live_count == b.heap.live_count && a.heap.frees == b.heap.frees
         && a.heap.live_count > 50, "same heap (%llu live)", (unsigned long long)a.heap.live_count);
   check(a.tid == b.tid && a.n_store == b.n_store, "same thread and counts");
   check(pv_model_hash(&a, PV_HASH_LINES) == pv_model_hash(&b, PV_HASH_LINES), "same model hash");
   pv_model_free(&a);
   pv_model_free(&b);

   /* a stage with room for all of a span but part of the padding at its
    * end: the padding stays in the ring (a cut one would be corrupt) */
   static struct ring g;
   struct pv_ingest in;
   struct pv_model m;
   ring_reader(&g, &in);
   pv_model_init(&m);
   int k;
   for (k = 0; k < RING / 16 - 1; k++) {
      pv_u64 acc[2] = { PV_HDR(PV_REC_STORE, 0, 8, 1), 0x600000 + 8 * (pv_u64)k };
      ring_put(&g, (const pv_u8 *)acc, 16);
   }
   g.ctrl.head = g.head;
   in.access_limit = 100;
   pv_ingest_run(&in, &m, pv_now() + 60);       /* the first 100: room at the start */
   in.access_limit = 0;
   pv_u64 w[3] = { 0x700000, 64, 7 };
   blen = 0;
   put_var(PV_REC_ALLOC, PV_ALLOC_MALLOC, 1, w, 3, NULL, 0);
   check(ring_put(&g, buf, blen) == 0 && (g.head & (RING - 1)) == blen, "the ALLOC after padding");
   g.ctrl.head = g.head;
   size_t span = RING - (size_t)(in.r.tail & (RING - 1));      /* to the end, padding too */
   in.stage = malloc(sizeof *in.stage);
   check(in.stage && pv_stage_init(in.stage, span - 8) == 0, "a small stage");
   size_t moved = pv_ingest_stage(&in, m.n_access);
   check(moved == span - 16, "staged up to the padding (%zu of %zu)", moved, span);
   pv_ingest_run(&in, &m, pv_now() + 60);
   check(in.state == PV_IN_RUNNING && m.n_access == RING / 16 - 1 && m.heap.live_count == 1,
         "then the ALLOC: state %d, %llu accesses", in.state, (unsigned long long)m.n_access);
   pv_ingest_free_stage(&in);
   pv_model_free(&m);
}

/* Filtered staging (ingest.c): while the model samples 1 access in 8 the
 * stage keeps only the samples and the other records, with counts of what
 * it passed over.  Taken later, the counts, heap and thread must be
 * exactly those of an ingest that read everything from the ring at the
 * same sampling; an access limit must be met exactly; and nothing is
 * filtered while it is not allowed (a recording needs every byte). */
struct seen { struct pv_ingest *in; int filtered, raw; };

static void seen_span(void *ctx, struct pv_model *m, const pv_u8 *p, size_t n, pv_u64 pos,
                      pv_u64 data_size)
{
   struct seen *s = ctx;
   (void)m; (void)p; (void)n; (void)pos; (void)data_size;
   if (s->in->span_filtered)
      s->filtered++;
   else
      s->raw++;
}

static void filter_run(int staging, int allow, pv_u64 limit, struct pv_model *m,
                       struct seen *sn, pv_u64 *filtered, size_t *peak)
{
   static struct ring g;
   struct pv_ingest in;
   ring_reader(&g, &in);
   pv_model_init(m);
   m->now_ms = 100;
   in.sample_shift = 3;
   in.access_limit = limit;
   in.on_span = seen_span;
   sn->in = &in;
   sn->filtered = sn->raw = 0;
   in.on_span_ctx = sn;
   pv_ingest_allow_filter(&in, allow);
   *peak = 0;
   int k = 0, turn = 0;
   while (k < 40000 && in.state == PV_IN_RUNNING && !(limit && m->n_access >= limit)) {
      for (size_t put = 0; put < RING / 3 && k < 40000; put += blen, k++) {
         stage_record(k);
         if (ring_put(&g, buf, blen) != 0)
            break;
      }
      g.ctrl.head = g.head;
      if (staging && turn++ % 40 < 30 && pv_ingest_may_stage(&in, m->n_access)) {
         pv_ingest_stage(&in, m->n_access);
         if (pv_ingest_staged(&in) > *peak)
            *peak = pv_ingest_staged(&in);
      } else {
         pv_ingest_run(&in, m, pv_now() + 60);
      }
   }
   /* the rest, as the ingest thread would when the ring stops filling */
   for (int i = 0; i < 100 && (in.r.tail != g.head || pv_ingest_staged(&in)); i++) {
      if (limit && m->n_access >= limit)
         break;
      pv_ingest_run(&in, m, pv_now() + 60);
   }
   if (!limit)
      check(in.r.tail == g.head && in.state == PV_IN_RUNNING && pv_ingest_staged(&in) == 0
            && in.filter_acc == 0, "filter %d/%d: everything read", staging, allow);
   *filtered = in.filtered_total;
   pv_ingest_free_stage(&in);
}

static void test_stage_filtered(void)
{
   struct pv_model a, b, c;
   struct seen sa, sb, sc;
   pv_u64 fa, fb, fc;
   size_t peak_a, peak_b, peak_c;
   filter_run(1, 1, 0, &a, &sa, &fa, &peak_a);
   filter_run(0, 1, 0, &b, &sb, &fb, &peak_b);
   filter_run(1, 0, 0, &c, &sc, &fc, &peak_c);
   check(fa > 4 * RING && fb == 0 && fc == 0, "filtered %llu bytes (and none when not staging "
         "or not allowed: %llu, %llu)", (unsigned long long)fa, (unsigned long long)fb,
         (unsigned long long)fc);
   check(sa.filtered > 0 && sb.filtered == 0 && sc.filtered == 0 && sa.raw > 0,
         "the second reader told which spans are filtered (%d of %d)", sa.filtered,
         sa.filtered + sa.raw);
   /* all but 1 in 8 accesses and the padding are left out: the stage
    * holds far less than a copy does */
   check(peak_a * 3 < peak_c, "filtered stage at most %zu bytes, copied %zu", peak_a, peak_c);
   check(a.n_access == b.n_access && a.n_access == c.n_access && a.n_access > 30000,
         "same accesses (%llu, %llu, %llu)", (unsigned long long)a.n_access,
         (unsigned long long)b.n_access, (unsigned long long)c.n_access);
   check(a.n_load == b.n_load && a.n_store == b.n_store && a.n_modify == b.n_modify,
         "same loads, stores, modifies");
   int same = 1;
   for (int t = 0; t <= PV_REC_LAST; t++)
      if (t != PV_REC_PAD && a.counts[t] != b.counts[t])
         same = 0;
   check(same, "same count of every record type");
   check(a.heap.live_count == b.heap.live_count && a.heap.frees == b.heap.frees
         && a.heap.live_count > 50 && a.tid == b.tid, "same heap (%llu live) and thread",
         (unsigned long long)a.heap.live_count);
   check(a.n_sampled > a.n_access * 8 / 10 && a.n_sampled < a.n_access * 12 / 10
         && a.sample_shift == 3, "samples weighted 8: %llu for %llu accesses",
         (unsigned long long)a.n_sampled, (unsigned long long)a.n_access);
   pv_model_free(&a);
   pv_model_free(&b);
   pv_model_free(&c);

   /* an access limit in the middle: met exactly, filtered or not */
   filter_run(1, 1, 20011, &a, &sa, &fa, &peak_a);
   check(a.n_access == 20011 && fa > 0, "filtered up to the limit: %llu accesses",
         (unsigned long long)a.n_access);
   pv_model_free(&a);
}

static void test_view_increments(void)
{
   struct pv_model m;
   struct pv_layout L;
   pv_model_init(&m);
   pv_layout_init(&L);
   pv_model_map(&m, 0x10000, 0x4000, PV_MAP_ANON, 3, "anonymous");
   pv_model_map(&m, 0x80000, 0x4000, PV_MAP_ANON, 3, "anonymous");
   /* 64 cells of 4 bytes: rows of 256 bytes */
   pv_layout_build(&L, &m.regions, 8 + 0, 0);
   L.row_shift = 8;
   pv_layout_build(&L, &m.regions, 8, 0);
   pv_model_set_view(&m, &L, 2, 64, 10, 80);
   /* 0x10000 + 10 rows * 256 = 0x10a00 is the first visible address */
   pv_model_access(&m, PV_REC_STORE, 0x10a04, 8, 1, 1);     /* cells 1, 2 of row 0 */
   pv_model_access(&m, PV_REC_LOAD, 0x109fc, 4, 1, 1);      /* above the view */
   pv_model_access(&m, PV_REC_LOAD, 0x80000, 4, 1, 1);      /* second segment, row 64+3-10 */
   check(m.inc[1].w == 1 && m.inc[2].w == 1 && m.inc[0].w == 0 && m.inc[3].w == 0,
         "store of 8 bytes paints two 4-byte cells");
   long idx = (long)(64 + PV_GAP_ROWS - 10) * 64;
   check(m.inc[idx].r == 1, "second segment cell");
   check(m.inc_min == 1 && m.inc_max == idx, "touched range %ld..%ld", m.inc_min, m.inc_max);
   pv_model_kaccess(&m, 1, 0x10a00 + 256, 16, 0);
   check(m.inc[64].k == 1 && m.inc[67].k == 1 && m.inc[68].k == 0, "kernel range");
   pv_model_clear_inc(&m);
   check(m.inc[1].w == 0 && m.inc_min > m.inc_max, "clear");
   /* remap: scroll down by 5 rows, same zoom */
   struct pv_geom go = { 2, 64, 10, 80 }, gn = { 2, 64, 15, 80 };
   struct pv_plan plan = { 0 };
   pv_remap_plan(&plan, &L, &go, &L, &gn);
   int ok = plan.n > 0;
   for (int i = 0; i < plan.n; i++)
      if (plan.p[i].dy != plan.p[i].sy - 5 || plan.p[i].sw != plan.p[i].dw || plan.p[i].sx != plan.p[i].dx)
         ok = 0;
   check(ok, "scroll plan moves rows up by 5 (%d pieces)", plan.n);
   /* zoom out: 8-byte cells, 512-byte rows */
   struct pv_layout L2;
   pv_layout_init(&L2);
   pv_layout_build(&L2, &m.regions, 9, 0);
   struct pv_geom gz = { 3, 64, 0, 80 };
   pv_remap_plan(&plan, &L, &go, &L2, &gz);
   ok = plan.n > 0;
   for (int i = 0; i < plan.n; i++)
      if (plan.p[i].dw * 2 != plan.p[i].sw && plan.p[i].dw * 2 != plan.p[i].sw + 1)
         ok = 0;
   check(ok, "zoom-out plan halves widths");
   /* seeding from line timestamps */
   m.now_ms = 1000;
   pv_model_access(&m, PV_REC_STORE, 0x10a40, 8, 1, 1);
   m.now_ms = 1500;
   static pv_u32 tex[64 * 80];
   pv_seed_heat(&m, &L, &go, NULL, m.now_ms, 500, tex);
   /* line 0x10a40 covers cells 16..31 of row 0; age 500 ms = 1 half-life */
   unsigned R = (tex[16] >> 16) & 255, G = (tex[16] >> 8) & 255;
   check(R >= 126 && R <= 129 && G == 0, "seeded heat after one half-life: R=%u G=%u", R, G);
   check((tex[32] & 0xFFFFFF) == 0, "untouched line is black");
   /* covered cells are left alone */
   struct pv_plan cov = { 0 };
   pv_remap_plan(&cov, &L, &go, &L, &go);
   pv_seed_heat(&m, &L, &go, &cov, m.now_ms, 500, tex);
   check((tex[16] & 0xFFFFFF) == 0, "covered cells are not seeded");
   pv_plan_free(&plan);
   pv_plan_free(&cov);
   pv_layout_free(&L);
   pv_layout_free(&L2);
   pv_model_free(&m);
}

static void test_follow(void)
{
   struct pv_model m;
   struct pv_layout L;
   struct pv_view v;
   pv_model_init(&m);
   pv_layout_init(&L);
   pv_model_map(&m, 0x10000, 0x1000, PV_MAP_STACK, 3, "[stack]");
   pv_model_map(&m, 0x100000, 0x100000, PV_MAP_HEAP, 3, "[heap]");
   pv_model_alloc(&m, 0x100010, 0x40000, 1, 1, 0);
   pv_view_init(&v, 64, -1, 100);
   pv_layout_build(&L, &m.regions, pv_view_row_shift(&v), 0);
   pv_model_set_view(&m, &L, v.cell_shift, 64, 0, 100);
   m.now_ms = 1000;
   for (int i = 0; i < 100; i++)
      pv_model_access(&m, PV_REC_STORE, 0x100010 + 0x1000 + 64 * (pv_u64)i, 8, 1, 1);
   for (int i = 0; i < 10000; i++)                 /* many accesses, few lines */
      pv_model_access(&m, PV_REC_LOAD, 0x10000 + 8 * (pv_u64)(i & 7), 8, 1, 1);
   m.now_ms = 1100;
   pv_view_follow_tick(&v, &m, 1.0, 500);
   check(v.follow_lo == 0x100010 && v.follow_hi == 0x140010, "follow shows the whole busy block");
   check((0x40000ull >> pv_view_row_shift(&v)) <= 75, "auto zoom fits it (cell %d)", v.cell_shift);
   pv_layout_build(&L, &m.regions, pv_view_row_shift(&v), 0);
   pv_view_settle(&v, &L);
   long long r0 = pv_layout_row_of(&L, 0x100010), r1 = pv_layout_row_of(&L, 0x14000f);
   check(r0 >= v.top && r1 < v.top + v.rows, "the block is in view after settling");
   pv_layout_free(&L);
   pv_model_free(&m);
}

static void test_card(void)
{
   struct pv_model m;
   pv_model_init(&m);
   m.now_ms = 10;
   build_stream();
   /* drop the FREE and EXIT so the block stays live */
   struct pv_ingest in;
   memset(&in, 0, sizeof in);
   int bad;
   pv_model_map(&m, 0x600000, 0x10000, PV_MAP_HEAP, 3, "[heap]");
   pv_symtab_set_site(&m.sym, 1, 0x401000, "fill", "prog.c", "/src", "/bin/prog", 12);
   pv_symtab_set_site(&m.sym, 2, 0x401100, "main", "prog.c", "/src", "/bin/prog", 40);
   pv_u32 ids[1] = { 2 };
   pv_symtab_set_stack(&m.sym, 7, ids, 1);
   pv_model_alloc(&m, 0x600100, 1000, 7, 1, PV_ALLOC_MALLOC);
   m.tid = 3;
   pv_model_access(&m, PV_REC_STORE, 0x600140, 8, 1, 1);
   (void)bad;
   struct pv_card c;
   pv_card_build(&c, &m, 0x600140, 0x600140, 0x600144, 1.0);
   char all[4096] = "";
   for (int i = 0; i < c.n; i++) {
      strcat(all, c.l[i].text);
      strcat(all, "\n");
   }
   check(strstr(all, "block   0x600100  1000 bytes  malloc") != NULL, "card block:\n%s", all);
   check(strstr(all, "allocated at main (prog.c:40)") != NULL, "card stack");
   check(strstr(all, "last    write, 8 bytes, thread 3") != NULL, "card last access");
   check(strstr(all, "at    fill (prog.c:12)") != NULL, "card site");
   check(strstr(all, "counts  0 reads, 1 writes") != NULL, "card counts");
   check(strstr(all, "region  heap") != NULL, "card region");
   pv_model_free(&m);
}

int main(void)
{
   test_regions();
   test_layout();
   test_heap();
   test_stats();
   test_ingest();
   test_sampling();
   test_stage();
   test_stage_filtered();
   test_view_increments();
   test_follow();
   test_card();
   printf("test_model: %d checks, %d failed\n", checks, fails);
   return fails != 0;
}
