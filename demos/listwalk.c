/* listwalk.c -- the same N values summed through a linked list whose nodes
 * are linked in shuffled order, and through an array.
 *
 * What to look for in the viewer: walk_list jumps all over the nodes (each
 * node was malloc'd separately, in address order, but the list visits them
 * in random order): the reads light up scattered cells everywhere at
 * once; walk_array sweeps one block in order.  pervert-dump --analyze: the
 * list site's stride histogram is spread over many bins of both signs
 * (no bin near half of it), the array site's is +4..7.
 *
 * Usage: listwalk [N]   (default 20000)
 * Prints: listwalk n=N list=S array=S */
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *next; long value; };

__attribute__((noinline)) static long walk_list(const struct node *p)
{
   long s = 0;
   for (; p; p = p->next)
      s += p->value;
   return s;
}

__attribute__((noinline)) static long walk_array(const int *a, long n)
{
   long s = 0;
   for (long i = 0; i < n; i++)
      s += a[i];
   return s;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 20000;
   if (n < 1) n = 1;
   struct node **nodes = malloc((size_t)n * sizeof *nodes);
   int *arr = malloc((size_t)n * sizeof *arr);
   if (!nodes || !arr) { perror("malloc"); return 1; }
   for (long i = 0; i < n; i++) {
      nodes[i] = malloc(sizeof **nodes);
      if (!nodes[i]) { perror("malloc"); return 1; }
      nodes[i]->value = i % 1000;
      arr[i] = (int)(i % 1000);
   }
   /* shuffle the visiting order (Fisher-Yates, fixed seed) */
   unsigned x = 2024;
   for (long i = n - 1; i > 0; i--) {
      x = x * 1103515245u + 12345u;
      long j = (long)((x >> 4) % (unsigned long)(i + 1));
      struct node *t = nodes[i]; nodes[i] = nodes[j]; nodes[j] = t;
   }
   for (long i = 0; i < n; i++)
      nodes[i]->next = i + 1 < n ? nodes[i + 1] : NULL;
   long ls = walk_list(nodes[0]), as = walk_array(arr, n);
   printf("listwalk n=%ld list=%ld array=%ld\n", n, ls, as);
   for (long i = 0; i < n; i++)
      free(nodes[i]);
   free(nodes);
   free(arr);
   return 0;
}
