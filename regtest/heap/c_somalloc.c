/* The program brings its own allocator: malloc, free, calloc, realloc (and
   the aligned ones) defined in the executable interpose glibc's for the
   whole process, glibc's strdup and stdio included.  The SO_SYN_MALLOC
   wrappers (soname synonym somalloc, which matches every object when no
   --soname-synonyms is given) must catch them.  A bump allocator over a
   static arena; free only counts.  Counts must equal memcheck's (memcheck
   replaces these functions too). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static _Alignas(64) unsigned char arena[1 << 22];
static size_t used;
static long nfree;

static void *bump(size_t align, size_t n)
{
   size_t at = (used + align - 1) & ~(align - 1);
   if (n > sizeof arena || at > sizeof arena - n - 16) { errno = ENOMEM; return NULL; }
   *(size_t *)(arena + at) = n;                   /* size header */
   used = at + 16 + n;
   return arena + at + 16;
}
void *malloc(size_t n) { return bump(16, n); }
void free(void *p) { if (p) nfree++; }
void *calloc(size_t a, size_t b)
{
   size_t n;
   if (__builtin_mul_overflow(a, b, &n)) { errno = ENOMEM; return NULL; }
   void *p = bump(16, n);
   if (p) memset(p, 0, n);
   return p;
}
void *realloc(void *p, size_t n)
{
   if (!p) return malloc(n);
   if (n == 0) { free(p); return NULL; }
   size_t old = *(size_t *)((unsigned char *)p - 16);
   void *q = malloc(n);
   if (q) { memcpy(q, p, old < n ? old : n); free(p); }
   return q;
}
void *memalign(size_t al, size_t n) { return bump(al < 16 ? 16 : al, n); }
void *aligned_alloc(size_t al, size_t n) { return memalign(al, n); }
int posix_memalign(void **pp, size_t al, size_t n)
{
   void *p = memalign(al, n);
   if (!p) return ENOMEM;
   *pp = p;
   return 0;
}
size_t malloc_usable_size(void *p) { return p ? *(size_t *)((unsigned char *)p - 16) : 0; }

int main(void)
{
   char *a = malloc(100);
   char *b = calloc(4, 25);
   a = realloc(a, 300);
   char *s = strdup("interposed");                /* libc calls our malloc */
   void *m = NULL;
   posix_memalign(&m, 64, 128);
   FILE *f = fopen("/dev/null", "w");
   fprintf(f, "%s %p %p\n", s, (void *)b, m);
   fclose(f);
   free(a); free(b); free(s); free(m);
   printf("c_somalloc: %ld frees seen by the program's own free\n", nfree);
   return 0;
}
