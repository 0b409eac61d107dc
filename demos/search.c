/* search.c -- linear vs binary search: a sorted array of N ints, then
 * N/8 + 1 lookups (hits and misses) by each method.
 *
 * What to look for in the viewer: linear_search sweeps the array from the
 * start on every lookup (stride +4, a wide band of reads growing from the
 * bottom of the block); binary_search probes the middle, then a quarter,
 * an eighth ... (strides halving, both signs: a fan of a few lines per
 * lookup, and the middle lines stay hot).  pervert-dump --analyze: the
 * linear site's accesses dwarf the binary one's, its dominant stride is
 * +4..7; the binary site's strides spread over many bins.
 *
 * Usage: search [N]   (default 20000)
 * Prints: search n=N lookups=K linear=FOUND binary=FOUND sum=S */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static long linear_search(const int *a, long n, int key)
{
   for (long i = 0; i < n; i++)
      if (a[i] >= key)
         return a[i] == key ? i : -1;
   return -1;
}

__attribute__((noinline)) static long binary_search(const int *a, long n, int key)
{
   long lo = 0, hi = n;
   while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (a[mid] < key)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo < n && a[lo] == key ? lo : -1;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 20000;
   if (n < 1) n = 1;
   int *a = malloc((size_t)n * sizeof *a);
   if (!a) { perror("malloc"); return 1; }
   for (long i = 0; i < n; i++)
      a[i] = (int)(3 * i);            /* keys 0, 3, 6 ...: 1 in 3 hits */
   long lookups = n / 8 + 1, lin = 0, bin = 0, sum = 0;
   unsigned x = 12345;
   for (long k = 0; k < lookups; k++) {
      x = x * 1103515245u + 12345u;
      int key = (int)((x >> 8) % (unsigned long)(3 * n));
      long l = linear_search(a, n, key), b = binary_search(a, n, key);
      lin += l >= 0;
      bin += b >= 0;
      sum += l + b;
   }
   printf("search n=%ld lookups=%ld linear=%ld binary=%ld sum=%ld\n", n, lookups, lin, bin, sum);
   free(a);
   return 0;
}
