/* syscalls.c -- memory the kernel touches: write()s an N-byte buffer to a
 * temporary file (the kernel reads it), read()s it back into a second buffer
 * (the kernel writes it), compares, and write()s its result line to stdout.
 * Usage: syscalls [N]   (N bytes, default 65536)
 * Prints: syscalls n=N written=N read=N equal=1 sum=S */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 65536;
   if (n < 1) n = 1;
   unsigned char *out = malloc(n), *in = malloc(n);
   if (!out || !in) { perror("malloc"); return 1; }
   for (long i = 0; i < n; i++) {
      out[i] = (unsigned char)(i * 7 + 3);
      in[i] = 0;
   }

   const char *dir = getenv("TMPDIR");
   char path[4096];
   snprintf(path, sizeof path, "%s/pervert-syscalls.XXXXXX", dir && *dir ? dir : "/tmp");
   int fd = mkstemp(path);
   if (fd < 0) { perror("mkstemp"); return 1; }
   unlink(path);

   long written = 0, got = 0;
   while (written < n) {
      ssize_t w = write(fd, out + written, n - written);
      if (w <= 0) { perror("write"); return 1; }
      written += w;
   }
   if (lseek(fd, 0, SEEK_SET) != 0) { perror("lseek"); return 1; }
   while (got < n) {
      ssize_t r = read(fd, in + got, n - got);
      if (r < 0) { perror("read"); return 1; }
      if (r == 0) break;
      got += r;
   }
   close(fd);

   int equal = 1;
   unsigned long long sum = 0;
   for (long i = 0; i < n; i++) {
      if (in[i] != out[i]) equal = 0;
      sum += in[i];
   }
   free(out);
   free(in);

   char line[200];
   int len = snprintf(line, sizeof line, "syscalls n=%ld written=%ld read=%ld equal=%d sum=%llu\n",
                      n, written, got, equal, sum);
   if (write(1, line, len) != len) return 1;
   return equal ? 0 : 1;
}
