/* fuzz_reader.c -- fuzz target for the trace file reader (shared/pv_trace_read.c).
 *
 * Built by regtest/trace/run.sh:
 *   with clang's libFuzzer:  clang -fsanitize=fuzzer,address -DPV_LIBFUZZER ...
 *   without it:              gcc -fsanitize=address,undefined ... (the main()
 *                            below: a small mutation loop over the seed files)
 *
 * Every input goes through three paths:
 *   1. the whole reader (pv_trace_open_mem, pv_trace_next to the end, every
 *      record of every chunk checked with pv_rec_check, as pervert-dump does);
 *   2. the same with checksums ignored, so that mutations reach zstd and the
 *      column decoder instead of stopping at a CRC;
 *   3. the column decoder alone: byte 0 = codec, bytes 1..4 = raw size,
 *      5..8 = record count, the rest = encoded columns.
 * The reader must never crash, hang, read out of bounds or leak; any result
 * code is fine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_stream.h"
#include "pv_trace.h"

static void read_all(const uint8_t *data, size_t size)
{
   struct pv_trace_reader t;
   char err[256];
   if (pv_trace_open_mem(&t, data, size, err, sizeof err) != PV_TRACE_OK)
      return;
   const pv_u8 *p;
   size_t n;
   /* bounded: at most a chunk per 40 bytes of input */
   while (pv_trace_next(&t, &p, &n, err, sizeof err) == PV_TRACE_CHUNK) {
      size_t i = 0;
      while (i < n) {
         size_t len = pv_rec_check(p + i, n - i, i, n);
         if (len == 0)
            break;
         i += len;
      }
   }
   pv_trace_close(&t);
}

static void decode_only(const uint8_t *data, size_t size)
{
   if (size < 9)
      return;
   pv_u32 rawn, nrec;
   memcpy(&rawn, data + 1, 4);
   memcpy(&nrec, data + 5, 4);
   rawn &= (1u << 20) - 1;
   rawn &= ~7u;
   pv_u8 *out = malloc(rawn ? rawn : 1);
   if (!out)
      return;
   pv_trace_decode(data[0] % PV_CODEC_COUNT, data + 9, size - 9, out, rawn, nrec);
   free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
   pv_trace_ignore_crc = 0;
   read_all(data, size);
   pv_trace_ignore_crc = 1;
   read_all(data, size);
   pv_trace_ignore_crc = 0;
   decode_only(data, size);
   return 0;
}

#ifndef PV_LIBFUZZER
/* usage: fuzz_reader SECONDS SEED...  A simple mutation fuzzer: flips,
 * overwrites, truncations, insertions and 32-bit "interesting" values on
 * the seeds, for SECONDS seconds. */
#include <time.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
   rng ^= rng << 13;
   rng ^= rng >> 7;
   rng ^= rng << 17;
   return rng;
}

int main(int argc, char **argv)
{
   if (argc < 3) {
      fprintf(stderr, "usage: %s SECONDS SEED...\n", argv[0]);
      return 2;
   }
   double secs = atof(argv[1]);
   int nseeds = argc - 2;
   uint8_t **seed = calloc(nseeds, sizeof *seed);
   size_t *seedn = calloc(nseeds, sizeof *seedn);
   for (int k = 0; k < nseeds; k++) {
      FILE *f = fopen(argv[k + 2], "rb");
      if (!f) {
         perror(argv[k + 2]);
         return 2;
      }
      fseek(f, 0, SEEK_END);
      seedn[k] = (size_t)ftell(f);
      rewind(f);
      seed[k] = malloc(seedn[k] + 1);
      if (fread(seed[k], 1, seedn[k], f) != seedn[k])
         return 2;
      fclose(f);
   }
   struct timespec t0, t;
   clock_gettime(CLOCK_MONOTONIC, &t0);
   unsigned long runs = 0;
   static const uint32_t interesting[] = { 0, 1, 7, 8, 16, 40, 0x7f, 0x80, 0xff, 0xffff,
                                           0x10000, 0x7fffffff, 0x80000000u, 0xffffffffu };
   for (;;) {
      clock_gettime(CLOCK_MONOTONIC, &t);
      if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9 >= secs)
         break;
      int k = (int)(rnd() % (uint64_t)nseeds);
      size_t n = seedn[k];
      uint8_t *b = malloc(n + 64);
      memcpy(b, seed[k], n);
      int muts = 1 + (int)(rnd() % 8);
      for (int m = 0; m < muts && n; m++) {
         size_t at = (size_t)(rnd() % n);
         switch (rnd() % 6) {
         case 0: b[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
         case 1: b[at] = (uint8_t)rnd(); break;
         case 2: n = at; break;                                   /* truncate */
         case 3:
            if (at + 4 <= n) {
               uint32_t v = interesting[rnd() % (sizeof interesting / sizeof interesting[0])];
               memcpy(b + at, &v, 4);
            }
            break;
         case 4:                                                  /* insert */
            memmove(b + at + 1, b + at, n - at);
            b[at] = (uint8_t)rnd();
            n++;
            b = realloc(b, n + 64);
            break;
         default:                                                 /* delete */
            memmove(b + at, b + at + 1, n - at - 1);
            n--;
            break;
         }
      }
      LLVMFuzzerTestOneInput(b, n);
      free(b);
      runs++;
   }
   printf("fuzz_reader: %lu runs in %.0f s, no crash\n", runs, secs);
   for (int k = 0; k < nseeds; k++)
      free(seed[k]);
   free(seed);
   free(seedn);
   return 0;
}
#endif
