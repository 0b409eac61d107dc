/* matrix_rowcol.c -- the same N x N matrix of doubles summed twice: row by
 * row (row-major, the order C stores it) and column by column.
 *
 * What to look for in the viewer: in sum_row_major the reads sweep the
 * block in address order, 8 bytes apart (one new cache line every 8
 * reads); in sum_col_major they jump a whole row (N * 8 bytes) every read
 * and every read lands on another cache line.  pervert-dump --analyze shows
 * it as the dominant stride of each function's load: +8..15 for the
 * row-major site, the bin of N*8 (2048..4095 for N = 256) for the
 * column-major one; the matrix's block card (allocated in make_matrix) is
 * fully touched.
 *
 * Usage: matrix_rowcol [N]   (default 256)
 * Prints: matrix_rowcol n=N row=S col=S */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static double *make_matrix(long n)
{
   double *m = malloc((size_t)(n * n) * sizeof *m);
   if (!m) { perror("malloc"); exit(1); }
   for (long i = 0; i < n * n; i++)
      m[i] = (double)(i % 7);
   return m;
}

__attribute__((noinline)) static double sum_row_major(const double *m, long n)
{
   double s = 0;
   for (long i = 0; i < n; i++)
      for (long j = 0; j < n; j++)
         s += m[i * n + j];          /* next element: +8 bytes */
   return s;
}

__attribute__((noinline)) static double sum_col_major(const double *m, long n)
{
   double s = 0;
   for (long j = 0; j < n; j++)
      for (long i = 0; i < n; i++)
         s += m[i * n + j];          /* next element: +N*8 bytes */
   return s;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 256;
   if (n < 1) n = 1;
   double *m = make_matrix(n);
   double r = sum_row_major(m, n);
   double c = sum_col_major(m, n);
   printf("matrix_rowcol n=%ld row=%.0f col=%.0f\n", n, r, c);
   free(m);
   return 0;
}
