/* test_seek.c -- the trace reader's seek API (shared/pv_trace.h):
 * pv_trace_locate + pv_trace_seek + pv_trace_next give, for any record, the
 * chunk that holds it, with the same bytes as reading in order; a seek
 * after the end of the chunks reads the end; pv_trace_tell positions taken
 * while reading in order seek back to the same chunks (the way a reader of
 * an incomplete file seeks).  usage: test_seek FILE.pvt; exit 0 if all is
 * well, 1 with a line per problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_trace.h"

struct ch { struct pv_trace_pos pos; pv_u64 nrec; pv_u32 crc; size_t n; };

int main(int argc, char **argv)
{
   struct pv_trace_reader t;
   char err[512];
   if (argc != 2 || pv_trace_open(&t, argv[1], err, sizeof err) != PV_TRACE_OK) {
      fprintf(stderr, "test_seek: %s\n", argc == 2 ? err : "usage: test_seek FILE.pvt");
      return 2;
   }
   struct ch *c = NULL;
   size_t nc = 0, cap = 0;
   const pv_u8 *p;
   size_t n;
   for (;;) {
      struct pv_trace_pos pos;
      pv_trace_tell(&t, &pos);
      pv_u64 before = t.events;
      if (pv_trace_next(&t, &p, &n, err, sizeof err) != PV_TRACE_CHUNK)
         break;
      if (nc == cap) {
         cap = cap ? cap * 2 : 256;
         c = realloc(c, cap * sizeof *c);
      }
      c[nc].pos = pos;
      c[nc].nrec = t.events - before;
      c[nc].crc = pv_trace_crc32(0, p, n);
      c[nc].n = n;
      nc++;
   }
   pv_u64 total = t.events;
   int bad = 0, checked = 0;
   if (!t.info.complete || nc == 0) {
      printf("test_seek: want a complete file with chunks\n");
      return 1;
   }
   pv_u64 x = 88172645463325252ull;
   for (int k = 0; k < 2000; k++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      pv_u64 ev = k == 0 ? 0 : k == 1 ? total - 1 : k == 2 ? total + 5 : x % total;
      struct pv_trace_pos pos;
      if (pv_trace_locate(&t, ev, &pos) != 0) {
         printf("locate(%llu) failed\n", (unsigned long long)ev);
         bad++;
         continue;
      }
      size_t i = (size_t)pos.chunk;
      int hit = i < nc && c[i].pos.offset == pos.offset && c[i].pos.first_event == pos.first_event
                && ev >= pos.first_event && (ev < pos.first_event + c[i].nrec || ev >= total);
      if (!hit) {
         printf("locate(%llu): chunk %llu offset %llu first %llu is not the one holding it\n",
                (unsigned long long)ev, (unsigned long long)pos.chunk,
                (unsigned long long)pos.offset, (unsigned long long)pos.first_event);
         bad++;
         continue;
      }
      /* every 2nd: the position noted while reading in order instead */
      if (pv_trace_seek(&t, k % 2 ? &c[i].pos : &pos) != 0
          || pv_trace_next(&t, &p, &n, err, sizeof err) != PV_TRACE_CHUNK) {
         printf("seek to chunk %zu: %s\n", i, err);
         bad++;
         continue;
      }
      if (n != c[i].n || pv_trace_crc32(0, p, n) != c[i].crc) {
         printf("chunk %zu read after a seek differs from reading in order\n", i);
         bad++;
      }
      checked++;
   }
   /* after a seek to the last chunk, reading on reaches the end cleanly */
   struct pv_trace_pos last = c[nc - 1].pos;
   if (pv_trace_seek(&t, &last) != 0 || pv_trace_next(&t, &p, &n, err, sizeof err) != PV_TRACE_CHUNK
       || pv_trace_next(&t, &p, &n, err, sizeof err) != PV_TRACE_END) {
      printf("reading on from the last chunk does not end cleanly: %s\n", err);
      bad++;
   }
   /* a bad position is refused or reported corrupt, never read as data */
   struct pv_trace_pos wrong = c[nc / 2].pos;
   wrong.first_event += 1;
   int st = pv_trace_seek(&t, &wrong) == 0 ? pv_trace_next(&t, &p, &n, err, sizeof err) : -99;
   if (st == PV_TRACE_CHUNK) {
      printf("a chunk with the wrong first record was read as data\n");
      bad++;
   }
   printf("test_seek: %zu chunks, %llu records, %d seeks checked, %d problems\n", nc,
          (unsigned long long)total, checked, bad);
   pv_trace_close(&t);
   free(c);
   return bad ? 1 : 0;
}
