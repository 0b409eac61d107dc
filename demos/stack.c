/* stack.c -- array-based stack: push N ints, pop them all summing.
 * Usage: stack [N]   (default 100000)
 * Prints: stack n=N sum=S */
#include <stdio.h>
#include <stdlib.h>

struct stack { int *items; long top, cap; };

static void push(struct stack *s, int x) { s->items[s->top++] = x; }
static int pop(struct stack *s) { return s->items[--s->top]; }

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   struct stack s = { malloc(n * sizeof(int)), 0, n };
   if (!s.items) { perror("malloc"); return 1; }
   for (long i = 0; i < n; i++)
      push(&s, (int)(i % 1000));
   unsigned long long sum = 0;
   long popped = 0;
   while (s.top > 0) {
      sum += (unsigned)pop(&s);
      popped++;
   }
   free(s.items);
   printf("stack n=%ld sum=%llu\n", popped, sum);
   return 0;
}
