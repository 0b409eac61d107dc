/* Blocks that glibc allocates for the program: strdup, strndup, asprintf,
   fopen/fclose (FILE and its buffer), getline's growing buffer, qsort's
   temporary array (glibc 2.36 mallocs it above 1 KiB), opendir, and
   printf's stdout buffer (freed by __libc_freeres at exit).  Counts must
   equal memcheck's. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
   long x = *(const long *)a, y = *(const long *)b;
   return (x > y) - (x < y);
}

int main(void)
{
   char *s = strdup("hello, heap");
   char *t = strndup("abcdefghijklmnop", 5);
   char *u = NULL;
   if (asprintf(&u, "%s-%s-%d", s, t, 42) < 0) return 1;

   const char *path = "/tmp/pv_regtest_heap_c_glibc.txt";
   FILE *f = fopen(path, "w");
   if (!f) return 1;
   for (int i = 0; i < 100; i++)
      fprintf(f, "line %d: %s\n", i, i % 3 ? "short" :
              "a much longer line that makes getline grow its buffer more than once ......................................................................................................................");
   fclose(f);

   f = fopen(path, "r");
   char *line = NULL;
   size_t cap = 0;
   long total = 0;
   while (getline(&line, &cap, f) > 0)
      total += (long)strlen(line);
   free(line);
   fclose(f);
   remove(path);

   enum { N = 5000 };
   long *v = malloc(N * sizeof *v);
   for (int i = 0; i < N; i++) v[i] = (i * 7919L) % N;
   qsort(v, N, sizeof *v, cmp);

   DIR *d = opendir("/");
   if (d) {
      while (readdir(d)) {}
      closedir(d);
   }

   printf("%s %s %s %ld %ld\n", s, t, u, total, v[N - 1]);
   free(s); free(t); free(u); free(v);
   return 0;
}
