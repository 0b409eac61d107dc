/* sigdemo.c -- installs a SIGUSR1 handler (which writes to memory), raise()s
 * SIGUSR1 N times and prints how many it caught; optionally then dies by a
 * real SIGSEGV (a store through a null pointer) or by abort(), for
 * exit-status tests.
 * Usage: sigdemo [N] [segv|abort]   (default N=3)
 * Prints: sigdemo n=N caught=N sum=S
 *         and with segv/abort: sigdemo: dying by SIGSEGV|SIGABRT  (exit status 139/134 in a shell) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t caught;
static int seen[64];
static int *volatile null_ptr;      /* volatile: the compiler cannot see it is NULL */

static void on_usr1(int sig)
{
   seen[caught % 64] += sig;
   caught++;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 3;
   const char *die = argc > 2 ? argv[2] : "";
   if (n < 0) n = 0;

   struct sigaction sa;
   memset(&sa, 0, sizeof sa);
   sa.sa_handler = on_usr1;
   sigemptyset(&sa.sa_mask);
   if (sigaction(SIGUSR1, &sa, NULL) != 0) { perror("sigaction"); return 1; }
   for (long i = 0; i < n; i++)
      raise(SIGUSR1);
   long sum = 0;
   for (int i = 0; i < 64; i++)
      sum += seen[i];
   printf("sigdemo n=%ld caught=%ld sum=%ld\n", n, (long)caught, sum);

   if (strcmp(die, "segv") == 0) {
      printf("sigdemo: dying by SIGSEGV\n");
      fflush(stdout);
      *null_ptr = 1;
   } else if (strcmp(die, "abort") == 0) {
      printf("sigdemo: dying by SIGABRT\n");
      fflush(stdout);
      abort();
   } else if (*die) {
      fprintf(stderr, "usage: sigdemo [N] [segv|abort]\n");
      return 2;
   }
   return 0;
}
