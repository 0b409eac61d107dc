/* vtarget.c -- programs for the viewer's tests under the real tool
 * (valgrind --tool=pervert).  Each mode writes the addresses the test needs
 * into ADDRFILE (one per line, hex) before its last pause, so the viewer can
 * read them with --probe=@ADDRFILE / --hover=@ADDRFILE when it takes the
 * screenshot.  Prints "vtarget MODE ok sum=N" at the end.
 *
 *   vtarget seqwrite ADDRFILE   8-byte stores over a 256 KiB buffer in order;
 *                               ADDRFILE: 16 addresses spread over it
 *   vtarget readpass ADDRFILE   8-byte loads over a fresh 256 KiB mapping
 *   vtarget free ADDRFILE       two 8 KiB blocks written, the first freed, then
 *                               a 2 s pause; ADDRFILE: first, second block
 *   vtarget decay ADDRFILE      a buffer written, then 2 s of silence
 *   vtarget hover ADDRFILE      make_buffer() allocates 256 bytes, fill_buffer()
 *                               stores at offset 72; ADDRFILE: that address
 *   vtarget spin N [UNTIL]      N passes of writes and reads over 1 MiB (for
 *                               tests that need a long-running program);
 *                               with UNTIL, more passes (not in the sum)
 *                               until the file UNTIL exists
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(int ms)
{
   struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
   nanosleep(&ts, NULL);
}

static void write_addrs(const char *path, void *const *a, int n)
{
   FILE *f = fopen(path, "w");
   if (!f) {
      perror(path);
      exit(2);
   }
   for (int i = 0; i < n; i++)
      fprintf(f, "%p\n", a[i]);
   fclose(f);
}

__attribute__((noinline)) static char *make_buffer(size_t n)
{
   return malloc(n);                              /* VTARGET_ALLOC_LINE */
}

__attribute__((noinline)) static void fill_buffer(char *p)
{
   *(volatile long *)(p + 72) = 42;               /* VTARGET_STORE_LINE */
}

int main(int argc, char **argv)
{
   if (argc < 3) {
      fprintf(stderr, "usage: vtarget MODE ADDRFILE|N\n");
      return 2;
   }
   const char *mode = argv[1], *file = argv[2];
   /* stdout's buffer from malloc would come and go at the end, at addresses
    * the tests look at: give it a static one */
   static char outbuf[4096];
   setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
   unsigned long sum = 0;
   if (!strcmp(mode, "seqwrite") || !strcmp(mode, "decay")) {
      size_t n = 256 << 10;
      volatile unsigned long *b = malloc(n);
      for (size_t i = 0; i < n / 8; i++)
         b[i] = i;
      void *a[16];
      for (int k = 0; k < 16; k++)
         a[k] = (char *)b + (n / 16) * (size_t)k + 64;
      write_addrs(file, a, 16);
      pause_ms(!strcmp(mode, "decay") ? 2000 : 300);
      sum = b[100];
   } else if (!strcmp(mode, "readpass")) {
      size_t n = 256 << 10;
      volatile unsigned long *b = mmap(NULL, n, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      for (size_t i = 0; i < n / 8; i++)
         sum += b[i];
      void *a[16];
      for (int k = 0; k < 16; k++)
         a[k] = (char *)b + (n / 16) * (size_t)k + 64;
      write_addrs(file, a, 16);
      pause_ms(300);
   } else if (!strcmp(mode, "free")) {
      volatile char *p = malloc(8192), *q = malloc(8192);
      for (int i = 0; i < 8192; i += 8) {
         *(volatile long *)(p + i) = i;
         *(volatile long *)(q + i) = i;
      }
      void *a[2] = { (void *)p, (void *)q };
      write_addrs(file, a, 2);
      free((void *)p);
      pause_ms(2000);
      sum = (unsigned long)q[8];
   } else if (!strcmp(mode, "hover")) {
      char *p = make_buffer(256);
      fill_buffer(p);
      void *a[1] = { p + 72 };
      write_addrs(file, a, 1);
      pause_ms(300);
      sum = 1;
   } else if (!strcmp(mode, "spin")) {
      int passes = atoi(file);
      size_t n = 1 << 20;
      volatile unsigned long *b = malloc(n);
      for (int p = 0; p < passes; p++) {
         for (size_t i = 0; i < n / 8; i++)
            b[i] = i + (unsigned long)p;
         for (size_t i = 0; i < n / 8; i++)
            sum += b[i];
      }
      /* (after the sum: the output does not depend on how long it took) */
      unsigned long more = 0;
      while (argc > 3 && access(argv[3], F_OK) != 0)
         for (size_t i = 0; i < n / 8; i++)
            b[i] = more++;
      free((void *)b);
   } else {
      fprintf(stderr, "vtarget: unknown mode %s\n", mode);
      return 2;
   }
   printf("vtarget %s ok sum=%lu\n", mode, sum);
   return 0;
}
