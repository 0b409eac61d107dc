/* execer.c -- does some heap work, then execs: by default /bin/echo hello,
 * with "self" its own executable in "child" mode (which computes and prints).
 * Usage: execer [N] [echo|self|child]   (default N=1000, echo)
 * Prints: execer n=N sum=S: exec /bin/echo      then: hello
 *    or:  execer n=N sum=S: exec self           then: execer child n=N sum=S */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long long work(long n, int mul)
{
   int *a = malloc(n * sizeof *a);
   if (!a) { perror("malloc"); exit(1); }
   for (long i = 0; i < n; i++)
      a[i] = (int)((i * mul) % 1000);
   unsigned long long sum = 0;
   for (long i = 0; i < n; i++)
      sum += (unsigned)a[i];
   free(a);
   return sum;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 1000;
   const char *mode = argc > 2 ? argv[2] : "echo";
   if (n < 1) n = 1;

   if (strcmp(mode, "child") == 0) {
      printf("execer child n=%ld sum=%llu\n", n, work(n, 3));
      return 0;
   }
   unsigned long long sum = work(n, 1);
   if (strcmp(mode, "self") == 0) {
      char self[4096];
      ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
      if (len <= 0) { perror("readlink /proc/self/exe"); return 1; }
      self[len] = '\0';
      char nbuf[32];
      snprintf(nbuf, sizeof nbuf, "%ld", n);
      printf("execer n=%ld sum=%llu: exec self\n", n, sum);
      fflush(stdout);
      execl(self, argv[0], nbuf, "child", (char *)NULL);
      perror("execl self");
      return 127;
   }
   if (strcmp(mode, "echo") != 0) {
      fprintf(stderr, "usage: execer [N] [echo|self|child]\n");
      return 2;
   }
   printf("execer n=%ld sum=%llu: exec /bin/echo\n", n, sum);
   fflush(stdout);
   execl("/bin/echo", "echo", "hello", (char *)NULL);
   perror("execl /bin/echo");
   return 127;
}
