/* Two threads allocating and freeing at the same time, blocks freed by the
   other thread, and thread exit (glibc frees its per-thread cache then,
   a block that was never reported: the tool must ignore that free).
   Counts must equal memcheck's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 2000, KEEP = 64 };
static void *handoff[2][KEEP];

static void *worker(void *arg)
{
   int id = (int)(long)arg;
   void *keep[KEEP] = { 0 };
   for (int i = 0; i < ROUNDS; i++) {
      size_t n = 8 + (size_t)((i * 37 + id * 11) % 500);
      void *p = (i & 1) ? malloc(n) : calloc(1, n);
      memset(p, id, n);
      int k = i % KEEP;
      free(keep[k]);
      keep[k] = p;
      if (i % 5 == 0) keep[k] = realloc(keep[k], n * 2);
   }
   for (int k = 0; k < KEEP; k++)
      handoff[id][k] = keep[k];                 /* freed by main */
   return NULL;
}

int main(void)
{
   pthread_t t[2];
   for (long i = 0; i < 2; i++)
      if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) return 1;
   for (int i = 0; i < 2; i++)
      pthread_join(t[i], NULL);
   for (int i = 0; i < 2; i++)
      for (int k = 0; k < KEEP; k++)
         free(handoff[i][k]);
   printf("c_threads done\n");
   return 0;
}
