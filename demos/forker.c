/* forker.c -- fork: the child and the parent each compute over their own
 * copy of an N-int array and print; the parent waits for the child first,
 * so the output order is fixed, and exits with the child's status:
 * its exit code, or 128 + the signal that killed it.
 * Usage: forker [N] [CHILD-EXIT-CODE | abort]   (default N=100000, code 0)
 * Prints: forker child: n=N sum=S
 *         forker parent: n=N sum=S child=exit CODE   (or child=signal SIG) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   const char *how = argc > 2 ? argv[2] : "0";
   if (n < 1) n = 1;
   int *a = malloc(n * sizeof *a);
   if (!a) { perror("malloc"); return 1; }
   for (long i = 0; i < n; i++)
      a[i] = (int)(i % 1000);

   fflush(stdout);
   pid_t pid = fork();
   if (pid < 0) { perror("fork"); return 1; }
   if (pid == 0) {
      /* child: sum of squares, in a fresh buffer */
      long long *sq = malloc(n * sizeof *sq);
      if (!sq) { perror("malloc"); _exit(1); }
      unsigned long long sum = 0;
      for (long i = 0; i < n; i++) {
         sq[i] = (long long)a[i] * a[i];
         sum += (unsigned long long)sq[i];
      }
      free(sq);
      printf("forker child: n=%ld sum=%llu\n", n, sum);
      fflush(stdout);
      if (strcmp(how, "abort") == 0)
         abort();
      exit(atoi(how));
   }

   int status;
   if (waitpid(pid, &status, 0) != pid) { perror("waitpid"); return 1; }
   unsigned long long sum = 0;
   for (long i = 0; i < n; i++)
      sum += (unsigned)a[i];
   free(a);
   if (WIFEXITED(status)) {
      printf("forker parent: n=%ld sum=%llu child=exit %d\n", n, sum, WEXITSTATUS(status));
      return WEXITSTATUS(status);
   }
   if (WIFSIGNALED(status)) {
      printf("forker parent: n=%ld sum=%llu child=signal %d\n", n, sum, WTERMSIG(status));
      return 128 + WTERMSIG(status);
   }
   printf("forker parent: n=%ld sum=%llu child=status %d\n", n, sum, status);
   return 1;
}
