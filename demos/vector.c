/* vector.c -- a growable vector of ints: when full, malloc a block twice as
 * big, copy the elements over one by one, free the old block (no realloc).
 * Usage: vector [N]   (default 100000)
 * Prints: vector n=N capacity=C grows=G sum=S */
#include <stdio.h>
#include <stdlib.h>

struct vector { int *data; long len, cap; long grows; };

static void push(struct vector *v, int x)
{
   if (v->len == v->cap) {
      long ncap = v->cap ? 2 * v->cap : 4;
      int *nd = malloc(ncap * sizeof *nd);
      if (!nd) { perror("malloc"); exit(1); }
      for (long i = 0; i < v->len; i++)
         nd[i] = v->data[i];
      free(v->data);
      v->data = nd;
      v->cap = ncap;
      v->grows++;
   }
   v->data[v->len++] = x;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   struct vector v = { NULL, 0, 0, 0 };
   for (long i = 0; i < n; i++)
      push(&v, (int)(i % 1000));
   unsigned long long sum = 0;
   for (long i = 0; i < v.len; i++)
      sum += (unsigned)v.data[i];
   printf("vector n=%ld capacity=%ld grows=%ld sum=%llu\n", v.len, v.cap, v.grows, sum);
   free(v.data);
   return 0;
}
