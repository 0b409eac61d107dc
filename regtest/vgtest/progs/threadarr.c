/* threadarr.c -- thread ids: the main thread writes arr0, three threads
 * write arr1, arr2, arr3 (thread k writes arr<k>), each with its own
 * pattern.  All three threads are alive together (a barrier), so under
 * Valgrind they are threads 2, 3 and 4 (main is 1) and no id is reused.
 * The threads yield every 500 elements, so their stores interleave.
 * Usage: threadarr [N] [FILE]   (N ints per array, default 1000; FILE: where
 * to write the arrays' addresses and sizes, "arr0 0x... 4000" per line)
 * Prints: threadarr n=N sums=S0,S1,S2,S3 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXN 100000
static int arr0[MAXN], arr1[MAXN], arr2[MAXN], arr3[MAXN];
static int *const arrs[4] = { arr0, arr1, arr2, arr3 };
static long n = 1000;
static pthread_barrier_t all_started;

static void fill(int k)
{
   volatile int *a = arrs[k];          /* one 4-byte store per element */
   for (long i = 0; i < n; i++) {
      a[i] = (int)(i * (k + 1) + 1000 * k);
      if (i % 500 == 499)
         sched_yield();                  /* let the others run: interleave */
   }
}

static void *worker(void *arg)
{
   int k = (int)(long)arg;
   pthread_barrier_wait(&all_started);
   fill(k);
   return NULL;
}

int main(int argc, char **argv)
{
   if (argc > 1) n = atol(argv[1]);
   if (n < 1) n = 1;
   if (n > MAXN) n = MAXN;
   if (argc > 2) {
      FILE *f = fopen(argv[2], "w");
      if (!f) { perror(argv[2]); return 1; }
      for (int k = 0; k < 4; k++)
         fprintf(f, "arr%d %p %ld\n", k, (void *)arrs[k], n * (long)sizeof(int));
      fclose(f);
   }
   pthread_barrier_init(&all_started, NULL, 4);
   pthread_t t[4];
   for (long k = 1; k <= 3; k++)
      if (pthread_create(&t[k], NULL, worker, (void *)k) != 0) { perror("pthread_create"); return 1; }
   pthread_barrier_wait(&all_started);
   fill(0);
   for (int k = 1; k <= 3; k++)
      pthread_join(t[k], NULL);
   long long s[4] = { 0 };
   for (int k = 0; k < 4; k++)
      for (long i = 0; i < n; i++)
         s[k] += arrs[k][i];
   printf("threadarr n=%ld sums=%lld,%lld,%lld,%lld\n", n, s[0], s[1], s[2], s[3]);
   return 0;
}
