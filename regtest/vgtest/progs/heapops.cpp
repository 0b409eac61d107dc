// heapops.cpp -- known heap operations for heap_records.vgtest.  Each one
// is on a line tagged "// @TAG": the test maps the dump's "heapops.cpp:N"
// back to the tag, so the lines may move.
// Prints: heapops ok
#include <cstdio>
#include <cstdlib>
#include <cstring>

void *volatile keep[8];   // volatile: the compiler may not drop any call

int main()
{
   char *a = (char *)malloc(24);                  // @malloc24
   char *b = (char *)calloc(10, 8);               // @calloc80
   memset(a, 1, 24);
   a = (char *)realloc(a, 100);                   // @realloc100
   int *c = new int[10];                          // @new40
   long *d = new long;                            // @new8
   keep[0] = a; keep[1] = b; keep[2] = c; keep[3] = d;
   c[3] = 7; *d = 9;
   delete d;                                      // @delete8
   delete[] c;                                    // @delete40
   free(b);                                       // @free80
   free(a);                                       // @free100
   printf("heapops ok\n");
   return 0;
}
