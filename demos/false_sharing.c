/* false_sharing.c -- two threads each increment their own counter N
 * times, first with the two counters next to each other (one cache line),
 * then with each counter on its own line.
 *
 * What to look for in the viewer: in the adjacent round both threads'
 * writes land on the same 64-byte row (one line of cells, read and written
 * by two threads: on real hardware that line ping-pongs between the two
 * cores although the threads share no data); in the padded round the two
 * counters sit one row apart.  pervert-dump --analyze: the two bump_*
 * sites each have stride 0 (one address), and the block card of the
 * adjacent pair (make_counters) is 16 bytes touched by several threads
 * (threads=3: main and both workers).
 *
 * Usage: false_sharing [N]   (default 100000)
 * Prints: false_sharing n=N adjacent=A,B padded=A,B */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct adjacent { volatile long a, b; };                    /* same line */
struct padded   { volatile long a; char pad[56]; volatile long b; }; /* a line apart */

static long n_iter;

__attribute__((noinline)) static void *bump_adjacent(void *p)
{
   volatile long *c = p;
   for (long i = 0; i < n_iter; i++)
      (*c)++;
   return NULL;
}

__attribute__((noinline)) static void *bump_padded(void *p)
{
   volatile long *c = p;
   for (long i = 0; i < n_iter; i++)
      (*c)++;
   return NULL;
}

__attribute__((noinline)) static void *make_counters(size_t size)
{
   void *p = NULL;
   if (posix_memalign(&p, 64, size) != 0) { perror("posix_memalign"); exit(1); }
   for (size_t i = 0; i < size; i++)
      ((volatile char *)p)[i] = 0;
   return p;
}

static void round_of(void *(*fn)(void *), volatile long *a, volatile long *b)
{
   pthread_t t1, t2;
   pthread_create(&t1, NULL, fn, (void *)a);
   pthread_create(&t2, NULL, fn, (void *)b);
   pthread_join(t1, NULL);
   pthread_join(t2, NULL);
}

int main(int argc, char **argv)
{
   n_iter = argc > 1 ? atol(argv[1]) : 100000;
   if (n_iter < 1) n_iter = 1;
   struct adjacent *adj = make_counters(sizeof *adj);
   struct padded *pad = make_counters(sizeof *pad);
   round_of(bump_adjacent, &adj->a, &adj->b);
   round_of(bump_padded, &pad->a, &pad->b);
   printf("false_sharing n=%ld adjacent=%ld,%ld padded=%ld,%ld\n", n_iter,
          adj->a, adj->b, pad->a, pad->b);
   free(adj);
   free(pad);
   return 0;
}
