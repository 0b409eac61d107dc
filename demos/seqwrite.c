/* seqwrite.c -- writes a big buffer sequentially (8-byte stores), then reads
 * it back sequentially; P passes.  A clear sweep for the viewer.
 * Usage: seqwrite [N] [P]   (N bytes, default 8388608 = 8 MiB; P default 1)
 * Prints: seqwrite n=N passes=P sum=S */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 8L << 20;
   int passes = argc > 2 ? atoi(argv[2]) : 1;
   if (n < 8) n = 8;
   if (passes < 1) passes = 1;
   long words = n / 8;
   unsigned long long *buf = malloc(words * sizeof *buf);
   if (!buf) { perror("malloc"); return 1; }
   unsigned long long sum = 0;
   for (int p = 0; p < passes; p++) {
      for (long i = 0; i < words; i++)
         buf[i] = (unsigned long long)i * 2654435761u + p;
      for (long i = 0; i < words; i++)
         sum += buf[i] & 0xffff;
   }
   free(buf);
   printf("seqwrite n=%ld passes=%d sum=%llu\n", words * 8, passes, sum);
   return 0;
}
