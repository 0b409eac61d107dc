/* list.c -- singly linked list: append N nodes, walk it summing, free it.
 * Usage: list [N]   (default 100000)
 * Prints: list n=N sum=S */
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *next; int value; };

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   struct node *head = NULL, **tailp = &head;
   for (long i = 0; i < n; i++) {
      struct node *nd = malloc(sizeof *nd);
      if (!nd) { perror("malloc"); return 1; }
      nd->value = (int)(i % 1000);
      nd->next = NULL;
      *tailp = nd;
      tailp = &nd->next;
   }
   unsigned long long sum = 0;
   long count = 0;
   for (struct node *p = head; p; p = p->next) {
      sum += (unsigned)p->value;
      count++;
   }
   while (head) {
      struct node *next = head->next;
      free(head);
      head = next;
   }
   printf("list n=%ld sum=%llu\n", count, sum);
   return 0;
}
