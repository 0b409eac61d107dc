/* annotate.c -- a program annotated with pervert.h: names its matrices
 * (PERVERT_NAME_RANGE), marks its phases (PERVERT_MARK), and does not record
 * its checksum loop (PERVERT_STOP_TRACING / PERVERT_START_TRACING).  Run
 * natively the macros do nothing.
 * Usage: annotate [N]   (N x N matrices of doubles, default 64)
 * Prints: annotate n=N trace=0|1 checksum=S   (trace=1 under valgrind) */
#include <stdio.h>
#include <stdlib.h>
#include "pervert.h"

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 64;
   if (n < 1) n = 1;
   size_t bytes = (size_t)n * n * sizeof(double);
   double *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
   if (!a || !b || !c) { perror("malloc"); return 1; }
   PERVERT_NAME_RANGE(a, bytes, "matrix A");
   PERVERT_NAME_RANGE(b, bytes, "matrix B");
   PERVERT_NAME_RANGE(c, bytes, "matrix C = A x B");

   PERVERT_MARK("phase 1: fill A and B");
   for (long i = 0; i < n; i++)
      for (long j = 0; j < n; j++) {
         a[i * n + j] = (double)((i + j) % 10);
         b[i * n + j] = (double)((i * j) % 10);
      }

   PERVERT_MARK("phase 2");
   for (long i = 0; i < n; i++)
      for (long j = 0; j < n; j++) {
         double s = 0;
         for (long k = 0; k < n; k++)
            s += a[i * n + k] * b[k * n + j];
         c[i * n + j] = s;
      }

   PERVERT_STOP_TRACING;                 /* the checksum is not recorded */
   long long checksum = 0;
   for (long i = 0; i < n * n; i++)
      checksum += (long long)c[i] * (i % 7 + 1);
   PERVERT_START_TRACING;

   PERVERT_MARK("phase 3: free");
   PERVERT_UNNAME_RANGE(a);
   PERVERT_UNNAME_RANGE(b);
   PERVERT_UNNAME_RANGE(c);
   free(a);
   free(b);
   free(c);
   printf("annotate n=%ld trace=%d checksum=%lld\n", n, RUNNING_ON_VALGRIND ? 1 : 0, checksum);
   return 0;
}
