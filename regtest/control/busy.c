/* busy.c -- a target for the control-channel tests (regtest/control/run.sh).
 *
 *   busy MODE T N
 *
 * T threads (1..16) work while the main thread waits for them in
 * pthread_join (blocked in a system call: a process signal is delivered to
 * it).  MODE:
 *   mem    each thread makes N passes over its own 1024-int array (loads
 *          and stores)
 *   spin   each thread runs N rounds of arithmetic in registers only (no
 *          memory access at all, so the tool sees no event from it)
 * A SIGUSR1 handler counts the signals it gets.  Prints one line:
 *   busy MODE t=T n=N sum=S usr1=K
 * S does not depend on the scheduling. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 16
#define LEN 1024

static volatile sig_atomic_t usr1;
static int spin_mode;
static long rounds;

static void on_usr1(int sig)
{
   (void)sig;
   usr1++;
}

static void *worker(void *arg)
{
   unsigned long id = (unsigned long)arg, sum = 0;
   if (spin_mode) {
      unsigned long x = id + 1;
      for (long i = 0; i < rounds; i++) {
         x = x * 6364136223846793005UL + 1442695040888963407UL;
         __asm__ volatile("" : "+r"(x));      /* keep it in a register */
      }
      sum = x >> 40;
   } else {
      int *a = calloc(LEN, sizeof *a);
      if (!a) { perror("calloc"); exit(1); }
      for (long r = 0; r < rounds; r++)
         for (int i = 0; i < LEN; i++)
            a[i] += (int)((i * (id + 1) + r) & 7);
      for (int i = 0; i < LEN; i++)
         sum += (unsigned)a[i];
      free(a);
   }
   return (void *)sum;
}

int main(int argc, char **argv)
{
   if (argc != 4 || (strcmp(argv[1], "mem") && strcmp(argv[1], "spin"))) {
      fprintf(stderr, "usage: busy mem|spin T N\n");
      return 2;
   }
   spin_mode = strcmp(argv[1], "spin") == 0;
   int t = atoi(argv[2]);
   rounds = atol(argv[3]);
   if (t < 1) t = 1;
   if (t > MAXT) t = MAXT;
   struct sigaction sa;
   memset(&sa, 0, sizeof sa);
   sa.sa_handler = on_usr1;
   sigemptyset(&sa.sa_mask);
   sigaction(SIGUSR1, &sa, NULL);

   pthread_t th[MAXT];
   for (int i = 0; i < t; i++)
      if (pthread_create(&th[i], NULL, worker, (void *)(unsigned long)i) != 0) {
         fprintf(stderr, "busy: pthread_create failed\n");
         return 1;
      }
   unsigned long total = 0;
   for (int i = 0; i < t; i++) {
      void *r;
      pthread_join(th[i], &r);
      total += (unsigned long)r;
   }
   printf("busy %s t=%d n=%ld sum=%lu usr1=%d\n", argv[1], t, rounds, total, (int)usr1);
   return 0;
}
