/* malloc, calloc, realloc in all its cases, reallocarray, the aligned
   allocators, free(NULL), malloc(0), realloc(p, 0).  Counts must equal memcheck's
   "total heap usage". */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

int main(void)
{
   char *a = malloc(100);
   char *b = calloc(10, 24);
   memset(a, 1, 100);
   a = realloc(a, 5000);            /* moves: free + alloc */
   a = realloc(a, 10);              /* shrinks in place: free + alloc */
   char *c = realloc(NULL, 33);     /* = malloc(33) */
   c = reallocarray(c, 7, 9);

   void *m1 = memalign(64, 200);
   void *m2 = memalign(8, 24);      /* glibc: small alignment -> malloc inside */
   void *m3 = aligned_alloc(128, 256);
   void *m4 = valloc(300);
   void *m5 = NULL;
   int rc = posix_memalign(&m5, 256, 1000);
   void *m6 = (void *)1;
   int rc2 = posix_memalign(&m6, 3, 10);  /* EINVAL: no allocation */
   if (rc != 0 || rc2 != EINVAL || m6 != (void *)1) printf("posix_memalign: unexpected\n");

   void *z = malloc(0);             /* glibc returns a block */
   free(NULL);
   free(z);
   free(m1); free(m2); free(m3); free(m4); free(m5);

   char *d = malloc(64);
   d = realloc(d, 0);               /* glibc frees, returns NULL */
   /* NO-DHAT: DHAT's own allocator counts realloc(p, 0) as a 1-byte block,
      where glibc (and memcheck, and pervert) free p and return NULL. */
   sink = d;

   for (int i = 0; i < 1000; i++) {  /* tcache / fastbin reuse */
      void *p = malloc(16 + (i % 7) * 16);
      sink = p;
      free(p);
   }
   free(a); free(b); free(c);
   printf("c_basic done\n");
   return 0;
}
