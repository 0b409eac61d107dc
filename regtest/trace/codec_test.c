/* codec_test.c -- unit test of the trace column codecs (shared/pv_trace_write.c,
 * pv_trace_read.c; PROTOCOL.txt section 14), above all codec 4 (PREDICT)'s
 * corner cases:
 *   - site ids that share a predictor slot (id & 16383), ids >= 65536 and
 *     2^32-1, a site that follows itself;
 *   - records that are not accesses between accesses;
 *   - sizes with a size code and sizes without one (0, 3, 12, 65535);
 *   - addresses: strides, the offset from the previous access, deltas of
 *     every length up to 8 bytes, offsets wider than 32 bits, wrap-around;
 *     both predictions hitting for a while, then one of them (a list's
 *     nodes one after the other, then elsewhere; arrays that move
 *     together): what the encoder's common case leaves out of its
 *     predictors' state must not matter;
 *   - an access's header with a sub byte: left out (encoded as without);
 *   - a header 0 after accesses (not a record: the writer says so);
 *   - chunk boundaries: the writer fed one record at a time and in large
 *     pieces; every chunk read alone (pv_trace_seek) gives its records, and
 *     its encoding is the one pv_trace_encode makes of them (the writer's
 *     predictors restart at each chunk).
 * Every codec must give back the records byte for byte; a decoder given a
 * cut or altered encoding must fail or give records, never crash (run under
 * ASan by regtest/trace/run.sh, test "codec-unit").
 *
 *   codec_test TMPDIR      prints "ok: ..." lines; exit 1 at the first failure
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_stream.h"
#include "pv_trace.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { printf("FAIL: " __VA_ARGS__); printf("\n"); \
                              failures++; return; } } while (0)

/* a growing buffer of records */
struct recs { pv_u8 *p; size_t n, cap; };

static void put_rec(struct recs *r, const void *rec, size_t len)
{
   if (r->n + len > r->cap) {
      r->cap = (r->n + len) * 2;
      r->p = realloc(r->p, r->cap);
      if (!r->p)
         abort();
   }
   memcpy(r->p + r->n, rec, len);
   r->n += len;
}

static void access_rec(struct recs *r, unsigned type, unsigned size, pv_u32 site, pv_u64 addr)
{
   pv_u64 w[2] = { PV_HDR(type, 0, size, site), addr };
   put_rec(r, w, 16);
}

/* a THREAD record (8 bytes) or a FREE-sized one (32 bytes) */
static void other_rec(struct recs *r, int big, pv_u32 a)
{
   pv_u64 w[4] = { 0, 0x1111, 0x2222, 0x3333 };
   if (big)
      w[0] = PV_HDR(PV_REC_FREE, 0, 4, a);
   else
      w[0] = PV_HDR(PV_REC_THREAD, 0, 1, a);
   put_rec(r, w, big ? 32 : 8);
}

static pv_u64 rng = 88172645463325252ull;
static pv_u64 rnd(void)
{
   rng ^= rng << 13;
   rng ^= rng >> 7;
   rng ^= rng << 17;
   return rng;
}

/* the corner cases, ROUNDS times over (more rounds: more chunks) */
static void make_records(struct recs *r, int rounds)
{
   static const pv_u32 sites[] = { 0, 1, 5, 5 + 16384, 5 + 2 * 16384, 16383, 65535, 65536,
                                   0x12345678, 0xFFFFFFFFu, 127, 128 };
   static const unsigned sizes[] = { 1, 2, 4, 8, 16, 32768, 0, 3, 12, 65535 };
   for (int k = 0; k < rounds; k++) {
      /* a loop: three sites, strided */
      for (int j = 0; j < 50; j++) {
         access_rec(r, PV_REC_LOAD, 8, 10, 0x1000 + 8 * j);
         access_rec(r, PV_REC_STORE, 4, 11, 0x800000 + 4 * j);
         access_rec(r, PV_REC_MODIFY, 8, 12, 0x7ff000000000ull - 16 * j);
         if (j % 17 == 3)
            other_rec(r, j & 1, (pv_u32)j);
      }
      /* pointer chasing: fields of one object at random addresses */
      for (int j = 0; j < 50; j++) {
         pv_u64 obj = 0x4000000 + (rnd() % 100000) * 48;
         access_rec(r, PV_REC_LOAD, 8, 20, obj);
         access_rec(r, PV_REC_LOAD, 8, 21, obj + 8);
         access_rec(r, PV_REC_LOAD, 8, 22 + (rnd() & 1), obj + 16 + 8 * (rnd() & 1));
      }
      /* shared slots, big ids, sizes without a code, odd addresses */
      for (size_t j = 0; j < 200; j++) {
         pv_u32 site = sites[rnd() % (sizeof sites / sizeof sites[0])];
         unsigned size = sizes[rnd() % (sizeof sizes / sizeof sizes[0])];
         unsigned type = 1 + (unsigned)(rnd() % 3);
         pv_u64 addr;
         switch (rnd() % 6) {
         case 0: addr = rnd(); break;                                 /* 8-byte deltas */
         case 1: addr = 0xFFFFFFFFFFFFFFF0ull + (rnd() & 31); break;  /* wraps */
         case 2: addr = (rnd() & 0xFF) << (rnd() % 56); break;         /* every length */
         case 3: addr = 0x10000 + (j << 36); break;                   /* offsets > 32 bits */
         default: addr = 0x5000 + 8 * j; break;
         }
         access_rec(r, type, size, site, addr);
         if (rnd() % 8 == 0)
            access_rec(r, type, size, site, addr);                    /* follows itself */
         if (rnd() % 10 == 0)
            other_rec(r, (int)(rnd() & 1), (pv_u32)j);
      }
      /* a list: fields of nodes mostly one after the other (both
       * predictions hit), now and then elsewhere (the offset alone) */
      pv_u64 node = 0x6000000;
      for (int j = 0; j < 150; j++) {
         node = rnd() % 8 ? node + 48 : 0x6000000 + (rnd() % 100000) * 48;
         access_rec(r, PV_REC_LOAD, 8, 40, node + 8);
         access_rec(r, PV_REC_LOAD, 4, 41, node + 16);
         if (j % 4 == 1)
            access_rec(r, PV_REC_STORE, 8, 42, node);
      }
      /* two arrays that move together now and then (the offset from the
       * previous access hits, the stride does not), of different strides,
       * then of one stride (both hit), and then the first one alone moves
       * now and then (the second's stride hits, its offset does not) */
      pv_u64 a0 = 0x7000000, a1 = 0x7100000;
      for (int j = 0; j < 300; j++) {
         pv_u64 s0 = 8, s1 = j < 100 ? 24 : 8, d = rnd() % 4096 * 64;
         if (rnd() % 8 == 0) {
            a0 += d - s0;
            a1 += d - s1;
         } else if (j >= 200 && rnd() % 8 == 0) {
            a0 += d;
         }
         access_rec(r, PV_REC_LOAD, 8, 50, a0);
         access_rec(r, PV_REC_STORE, 8, 51, a1);
         a0 += s0;
         a1 += s1;
      }
      /* the same site with another type or size */
      access_rec(r, PV_REC_LOAD, 4, 30, 0x9000);
      access_rec(r, PV_REC_STORE, 4, 30, 0x9004);
      access_rec(r, PV_REC_STORE, 3, 30, 0x9008);
      access_rec(r, PV_REC_STORE, 3, 30, 0x900b);
      other_rec(r, 0, 1);
      other_rec(r, 1, 2);
   }
}

/* encode + decode with every codec (X, OUT: freed by main, also after a
 * failure) */
static pv_u8 *x, *out;
static void test_encode_decode(const struct recs *r)
{
   size_t nrec = 0;
   for (size_t i = 0; i < r->n; i += PV_REC_BYTES(pv_rec_hdr(r->p + i)))
      nrec++;
   x = malloc(pv_trace_encode_bound(r->n));
   out = malloc(r->n);
   if (!x || !out)
      abort();
   for (int codec = 0; codec < PV_CODEC_COUNT; codec++) {
      size_t xn = pv_trace_encode(codec, r->p, r->n, x);
      CHECK(xn > 0 && xn <= pv_trace_encode_bound(r->n), "codec %d: encoded size %zu", codec, xn);
      memset(out, 0xAA, r->n);
      CHECK(pv_trace_decode(codec, x, xn, out, r->n, nrec) == 0, "codec %d: decode failed", codec);
      CHECK(memcmp(out, r->p, r->n) == 0, "codec %d: records differ after decoding", codec);
      /* cut or altered encodings: an error or some records, no crash (ASan) */
      int bad = 0;
      for (size_t cut = 0; cut < xn; cut += 1 + xn / 97)
         bad += pv_trace_decode(codec, x, cut, out, r->n, nrec) != 0;
      CHECK(bad > 0, "codec %d: cut encodings all decoded", codec);
      for (int k = 0; k < 300; k++) {
         size_t at = (size_t)(rnd() % xn);
         pv_u8 old = x[at];
         x[at] ^= (pv_u8)(1u << (rnd() % 8));
         pv_trace_decode(codec, x, xn, out, r->n, nrec);
         x[at] = old;
      }
      printf("ok: codec %d: %zu records, %zu bytes -> %zu encoded, back the same\n",
             codec, nrec, r->n, xn);
   }
}

/* an access's sub byte is left out: its records encode as they would
 * with sub 0 (the encoder's common case compares the whole header) */
static void test_sub(const struct recs *r)
{
   struct recs z = { 0 };
   put_rec(&z, r->p, r->n);
   int n = 0;
   for (size_t i = 0; i < r->n; i += PV_REC_BYTES(pv_rec_hdr(r->p + i))) {
      pv_u64 h = pv_rec_hdr(r->p + i);
      if (PV_IS_ACCESS(PV_HDR_TYPE(h)) && rnd() % 4 == 0) {
         h |= (pv_u64)(1 + rnd() % 255) << 8;
         memcpy(r->p + i, &h, 8);
         n++;
      }
   }
   pv_u8 *xa = malloc(pv_trace_encode_bound(r->n)), *xb = malloc(pv_trace_encode_bound(r->n));
   if (!xa || !xb)
      abort();
   for (int codec = 1; codec < PV_CODEC_COUNT; codec++) {
      size_t na = pv_trace_encode(codec, r->p, r->n, xa), nb = pv_trace_encode(codec, z.p, z.n, xb);
      if (na != nb || memcmp(xa, xb, na) != 0) {
         free(xa);
         free(xb);
         free(z.p);
         CHECK(0, "codec %d: accesses with a sub byte encode otherwise than without", codec);
      }
   }
   memcpy(r->p, z.p, r->n);
   free(xa);
   free(xb);
   free(z.p);
   printf("ok: %d accesses with a sub byte encode as without\n", n);
}

/* a header 0 (length 0: not a record) after an access, where it would
 * meet the predictions if it were one (site 0 follows a site that had no
 * successor yet, address 0 is slot 0's) */
static void test_zero_header(const char *dir)
{
   char path[4096], err[256];
   snprintf(path, sizeof path, "%s/codec_test.pvt", dir);
   struct pv_trace_writer *w = pv_trace_create(path, err, sizeof err);
   CHECK(w, "create: %s", err);
   struct recs r = { 0 };
   other_rec(&r, 0, 1);
   access_rec(&r, PV_REC_LOAD, 8, 5, 0);
   pv_u64 zero[2] = { 0, 0 };
   put_rec(&r, zero, 16);
   errno = 0;
   int rc = pv_trace_append(w, r.p, r.n), e = errno;
   pv_trace_abandon(w);
   free(r.p);
   CHECK(rc == -1 && e == EINVAL, "a header 0 after an access: append gave %d (errno %d)", rc, e);
   printf("ok: a header 0 after an access is refused\n");
}

/* the writer, fed in pieces of PIECE records (0: all at once), read back */
static void test_writer(const struct recs *r, const char *dir, int codec, size_t piece)
{
   char path[4096], err[256];
   snprintf(path, sizeof path, "%s/codec_test.pvt", dir);
   struct pv_trace_writer *w = pv_trace_create(path, err, sizeof err);
   CHECK(w, "create: %s", err);
   pv_trace_set_codec(w, codec, 0);
   size_t i = 0;
   while (i < r->n) {
      size_t j = i, k = 0;
      while (j < r->n && (piece == 0 || k < piece)) {
         j += PV_REC_BYTES(pv_rec_hdr(r->p + j));
         k++;
      }
      CHECK(pv_trace_append(w, r->p + i, j - i) == 0, "append failed");
      i = j;
   }
   CHECK(pv_trace_finish(w, 0, 0) == 0, "finish failed");

   struct pv_trace_reader t;
   CHECK(pv_trace_open(&t, path, err, sizeof err) == PV_TRACE_OK, "open: %s", err);
   const pv_u8 *p;
   size_t n, got = 0, nchunks = 0;
   int rc;
   struct pv_trace_pos pos[64];
   pv_u8 *x = malloc(pv_trace_encode_bound(PV_TRACE_MAX_RAW));
   if (!x)
      abort();
   for (;;) {
      struct pv_trace_pos here;
      pv_trace_tell(&t, &here);
      rc = pv_trace_next(&t, &p, &n, err, sizeof err);
      if (rc != PV_TRACE_CHUNK)
         break;
      if (nchunks < 64)
         pos[nchunks] = here;
      nchunks++;
      if (got + n > r->n || memcmp(p, r->p + got, n) != 0) {
         pv_trace_close(&t);
         free(x);
         CHECK(0, "codec %d, pieces of %zu: chunk %zu differs", codec, piece, nchunks - 1);
      }
      /* the chunk's encoding is pv_trace_encode's of its records */
      if (codec != PV_CODEC_RAW) {
         size_t xn = pv_trace_encode(codec, p, n, x);
         if (memcmp(x, t.xbuf, xn) != 0) {
            pv_trace_close(&t);
            free(x);
            CHECK(0, "codec %d, pieces of %zu: chunk %zu is not encoded as "
                  "pv_trace_encode encodes its records", codec, piece, nchunks - 1);
         }
      }
      got += n;
   }
   free(x);
   if (rc != PV_TRACE_END || got != r->n) {
      pv_trace_close(&t);
      CHECK(0, "codec %d, pieces of %zu: read %zu of %zu bytes (%d: %s)", codec, piece,
            got, r->n, rc, err);
   }
   /* every chunk alone, last to first */
   for (size_t c = nchunks < 64 ? nchunks : 64; c-- > 0;) {
      CHECK(pv_trace_seek(&t, &pos[c]) == 0, "seek to chunk %zu", c);
      rc = pv_trace_next(&t, &p, &n, err, sizeof err);
      if (rc != PV_TRACE_CHUNK) {
         pv_trace_close(&t);
         CHECK(0, "codec %d: chunk %zu alone: %s", codec, c, err);
      }
      /* its records are where the first record index says */
      size_t at = 0;
      pv_u64 ev = 0;
      while (ev < pos[c].first_event && at < r->n) {
         at += PV_REC_BYTES(pv_rec_hdr(r->p + at));
         ev++;
      }
      if (at + n > r->n || memcmp(p, r->p + at, n) != 0) {
         pv_trace_close(&t);
         CHECK(0, "codec %d: chunk %zu read alone differs", codec, c);
      }
   }
   pv_trace_close(&t);
   CHECK(nchunks >= 2, "codec %d: only %zu chunk(s): no chunk boundary tested", codec, nchunks);
   printf("ok: writer, codec %d, pieces of %zu records: %zu chunks, each also read alone\n",
          codec, piece, nchunks);
}

int main(int argc, char **argv)
{
   if (argc != 2) {
      fprintf(stderr, "usage: codec_test TMPDIR\n");
      return 2;
   }
   setvbuf(stdout, NULL, _IOLBF, 0);
   struct recs small = { 0 }, big = { 0 };
   make_records(&small, 3);
   test_encode_decode(&small);
   test_sub(&small);
   test_zero_header(argv[1]);
   free(x);
   free(out);
   /* enough for a few chunks (1 MiB of records each) */
   while (big.n < 3 * PV_TRACE_CHUNK_RAW + 12345)
      make_records(&big, 10);
   for (int codec = 0; codec < PV_CODEC_COUNT; codec++)
      test_writer(&big, argv[1], codec, 0);
   test_writer(&big, argv[1], PV_CODEC_PREDICT, 1);
   test_writer(&big, argv[1], PV_CODEC_PREDICT, 777);
   free(small.p);
   free(big.p);
   printf("%s\n", failures ? "FAILED" : "all ok");
   return failures ? 1 : 0;
}
