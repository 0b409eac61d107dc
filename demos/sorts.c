/* sorts.c -- quicksort vs merge sort of the same N random ints.
 *
 * What to look for in the viewer: quicksort works in place, two fronts
 * closing in on each other inside ever smaller ranges (the reads and
 * writes stay inside one block, in shrinking stripes); merge sort reads
 * two runs and writes a third, alternating between the array and a
 * temporary block of the same size (allocated in merge_sort), so two
 * blocks light up in turn, in long sequential sweeps.  pervert-dump
 * --analyze: both sorts' busiest sites have small positive strides
 * (+4..7) most of the time; quicksort's right-hand scan is the one with
 * -4..7; merge sort's block card shows the temporary buffer fully touched.
 *
 * Usage: sorts [N]   (default 20000)
 * Prints: sorts n=N sorted=1 sum=S */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void quick_sort(int *a, long lo, long hi)
{
   while (lo < hi) {
      int pivot = a[lo + (hi - lo) / 2];
      long i = lo, j = hi;
      while (i <= j) {
         while (a[i] < pivot) i++;          /* left front: +4 */
         while (a[j] > pivot) j--;          /* right front: -4 */
         if (i <= j) {
            int t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
         }
      }
      /* recurse into the smaller side, loop on the larger */
      if (j - lo < hi - i) { quick_sort(a, lo, j); lo = i; }
      else                 { quick_sort(a, i, hi); hi = j; }
   }
}

static void merge_pass(const int *src, int *dst, long n, long width)
{
   for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
         dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi)  dst[k++] = src[j++];
   }
}

__attribute__((noinline)) static void merge_sort(int *a, long n)
{
   int *tmp = malloc((size_t)n * sizeof *tmp);
   if (!tmp) { perror("malloc"); exit(1); }
   int *src = a, *dst = tmp;
   for (long width = 1; width < n; width *= 2) {
      merge_pass(src, dst, n, width);
      int *t = src; src = dst; dst = t;
   }
   if (src != a)
      for (long i = 0; i < n; i++)
         a[i] = src[i];
   free(tmp);
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 20000;
   if (n < 1) n = 1;
   int *q = malloc((size_t)n * sizeof *q), *m = malloc((size_t)n * sizeof *m);
   if (!q || !m) { perror("malloc"); return 1; }
   unsigned x = 7;
   for (long i = 0; i < n; i++) {
      x = x * 1103515245u + 12345u;
      q[i] = m[i] = (int)((x >> 8) % 1000000);
   }
   quick_sort(q, 0, n - 1);
   merge_sort(m, n);
   int sorted = 1;
   long long sum = 0;
   for (long i = 0; i < n; i++) {
      if (q[i] != m[i] || (i && q[i - 1] > q[i]))
         sorted = 0;
      sum += (long long)q[i] * (i % 7 + 1);
   }
   printf("sorts n=%ld sorted=%d sum=%lld\n", n, sorted, sum);
   free(q);
   free(m);
   return 0;
}
