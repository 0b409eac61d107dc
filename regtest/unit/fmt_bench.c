/* fmt_bench.c -- micro-benchmark of pervert-dump's record walkers and
 * formatters alone (no ring, no page faults): one in-memory span of access
 * records, walked again and again with the output going to /dev/null.
 *
 * build: gcc -O2 -std=gnu11 -Ishared -Idump regtest/unit/fmt_bench.c \
 *            dump/dump_walk.c dump/dump_out.c shared/pv_ring.c shared/pv_symtab.c
 * usage: fmt_bench [count|lackey|text] [MRECORDS]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "dump.h"

int main(int argc, char **argv)
{
   const char *mode = argc > 1 ? argv[1] : "lackey";
   long total = (argc > 2 ? atol(argv[2]) : 200) * 1000000L;
   size_t span = 1u << 20;             /* 1 MiB spans: 65536 records */
   pv_u64 *buf = aligned_alloc(64, span);
   unsigned seed = 42;
   for (size_t i = 0; i < span / 16; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 8;
      unsigned type = r % 10 < 6 ? PV_REC_LOAD : r % 10 < 9 ? PV_REC_STORE : PV_REC_MODIFY;
      pv_u64 addr = (r & 1) ? 0x1ffefff000ULL + (r & 0xff8) : 0x4a4a000ULL + ((pv_u64)r & 0xffff8);
      buf[2 * i] = PV_HDR(type, 0, 1u << (r % 4), 1 + r % 5000);
      buf[2 * i + 1] = addr;
   }
   static struct dump d;
   dump_init(&d);
   d.mode = strcmp(mode, "count") == 0 ? MODE_COUNT : strcmp(mode, "text") == 0 ? MODE_TEXT
                                                                             : MODE_LACKEY;
   if (out_open(&d.out, "/dev/null") != 0) { perror("out"); return 1; }
   struct timespec a, b, ca, cb;
   clock_gettime(CLOCK_MONOTONIC, &a);
   clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
   long done = 0;
   int stop;
   while (done < total) {
      size_t used = dump_span(&d, (const pv_u8 *)buf, span, 0, 1ull << 30, &stop);
      done += (long)(used / 16);
   }
   out_close(&d.out, 0);
   clock_gettime(CLOCK_MONOTONIC, &b);
   clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
   double w = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
   double t = (double)(cb.tv_sec - ca.tv_sec) + (cb.tv_nsec - ca.tv_nsec) * 1e-9;
   /* CPU time: the machine may be shared */
   printf("%s: %ld records in %.3f s CPU (%.3f s wall) = %.1f M records/s per CPU second "
          "(%.2f ns/record), %.0f MB output\n",
          mode, done, t, w, done / t / 1e6, t * 1e9 / done, d.out.written / 1e6);
   dump_fini(&d);
   return 0;
}
