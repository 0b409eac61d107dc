/* threads.c -- T pthreads (default 4), each filling and summing its own
 * malloc'd array of N ints.
 * Usage: threads [N] [T]   (default N=100000 per thread, T=4, 1 <= T <= 16)
 * Prints: threads t=T n=N sums=S1,S2,... total=S */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 16

struct job { long n; int id; unsigned long long sum; };

static void *worker(void *arg)
{
   struct job *j = arg;
   int *a = malloc(j->n * sizeof *a);
   if (!a) { perror("malloc"); exit(1); }
   for (long i = 0; i < j->n; i++)
      a[i] = (int)((i * (j->id + 1)) % 1000);
   unsigned long long sum = 0;
   for (long i = 0; i < j->n; i++)
      sum += (unsigned)a[i];
   free(a);
   j->sum = sum;
   return NULL;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   int t = argc > 2 ? atoi(argv[2]) : 4;
   if (n < 1) n = 1;
   if (t < 1) t = 1;
   if (t > MAX_THREADS) t = MAX_THREADS;
   pthread_t tid[MAX_THREADS];
   struct job jobs[MAX_THREADS];
   for (int i = 0; i < t; i++) {
      jobs[i] = (struct job){ n, i, 0 };
      if (pthread_create(&tid[i], NULL, worker, &jobs[i]) != 0) {
         fprintf(stderr, "threads: pthread_create failed\n");
         return 1;
      }
   }
   unsigned long long total = 0;
   printf("threads t=%d n=%ld sums=", t, n);
   for (int i = 0; i < t; i++) {
      pthread_join(tid[i], NULL);
      total += jobs[i].sum;
      printf("%s%llu", i ? "," : "", jobs[i].sum);
   }
   printf(" total=%llu\n", total);
   return 0;
}
