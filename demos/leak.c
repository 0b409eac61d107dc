/* leak.c -- a memory leak: N records are made, only the even ones are
 * freed; and a 4096-byte buffer of which only the first 1000 bytes are
 * ever written is never freed either.
 *
 * What to look for in the viewer: at exit the odd records (allocated in
 * make_record) and the buffer (make_buffer) are still there: heap blocks
 * that stay lit (allocated) after the program has stopped using them.
 * Each record is 256 bytes of which 64 are used, the buffer 4096 of which
 * 1000: the block cards show "touched" far below the size (DHAT's point).
 * pervert-dump --analyze lists them as "live" blocks at the end, with their
 * allocation stacks.
 *
 * Usage: leak [N]   (default 100)
 * Prints: leak n=N leaked=K bytes=B sum=S */
#include <stdio.h>
#include <stdlib.h>

struct record { long id; long value[7]; char spare[192]; };   /* 256 bytes */

__attribute__((noinline)) static struct record *make_record(long id)
{
   struct record *r = malloc(sizeof *r);
   if (!r) { perror("malloc"); exit(1); }
   r->id = id;
   for (int k = 0; k < 7; k++)
      r->value[k] = id * k;
   return r;
}

__attribute__((noinline)) static char *make_buffer(void)
{
   char *b = malloc(4096);
   if (!b) { perror("malloc"); exit(1); }
   for (int i = 0; i < 1000; i++)
      b[i] = (char)i;
   return b;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100;
   if (n < 1) n = 1;
   struct record **all = malloc((size_t)n * sizeof *all);
   if (!all) { perror("malloc"); return 1; }
   long sum = 0, leaked = 0;
   for (long i = 0; i < n; i++)
      all[i] = make_record(i);
   char *buf = make_buffer();
   for (long i = 0; i < n; i++) {
      sum += all[i]->value[6];
      if (i % 2 == 0)
         free(all[i]);
      else
         leaked++;                    /* forgotten: never freed */
   }
   sum += buf[999];
   free(all);
   printf("leak n=%ld leaked=%ld bytes=%ld sum=%ld\n", n, leaked,
          leaked * (long)sizeof(struct record) + 4096, sum);
   return 0;
}
