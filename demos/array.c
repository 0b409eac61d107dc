/* array.c -- fill a C array of N ints, then read it back summing.
 * Usage: array [N]   (default 100000)
 * Prints: array n=N sum=S */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   int *a = malloc(n * sizeof *a);
   if (!a) { perror("malloc"); return 1; }
   for (long i = 0; i < n; i++)
      a[i] = (int)(i % 1000);
   unsigned long long sum = 0;
   for (long i = 0; i < n; i++)
      sum += (unsigned)a[i];
   free(a);
   printf("array n=%ld sum=%llu\n", n, sum);
   return 0;
}
