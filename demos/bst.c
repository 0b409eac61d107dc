/* bst.c -- binary search tree map (unbalanced): insert N pseudo-random keys
 * (fixed-seed LCG) with values, look up N keys (half of them present), free.
 * Usage: bst [N]   (default 100000)
 * Prints: bst n=N size=S found=F sum=V */
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *left, *right; unsigned key; unsigned value; };

static unsigned long long lcg_state;
static unsigned lcg(void)
{
   lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
   return (unsigned)(lcg_state >> 33);
}

/* insert or update; returns 1 when a node was added */
static int insert(struct node **root, unsigned key, unsigned value)
{
   struct node **p = root;
   while (*p) {
      if (key == (*p)->key) { (*p)->value = value; return 0; }
      p = key < (*p)->key ? &(*p)->left : &(*p)->right;
   }
   struct node *nd = malloc(sizeof *nd);
   if (!nd) { perror("malloc"); exit(1); }
   nd->left = nd->right = NULL;
   nd->key = key;
   nd->value = value;
   *p = nd;
   return 1;
}

static struct node *find(struct node *t, unsigned key)
{
   while (t && t->key != key)
      t = key < t->key ? t->left : t->right;
   return t;
}

/* iterative post-order free (no deep recursion on degenerate trees) */
static void free_tree(struct node *t)
{
   while (t) {
      if (t->left) {               /* rotate the left child up */
         struct node *l = t->left;
         t->left = l->right;
         l->right = t;
         t = l;
      } else {
         struct node *r = t->right;
         free(t);
         t = r;
      }
   }
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   struct node *root = NULL;
   long size = 0;
   lcg_state = 42;
   for (long i = 0; i < n; i++) {
      unsigned key = lcg() % (unsigned)(4 * n);
      size += insert(&root, key, (unsigned)i);
   }
   /* look up: replay the same keys for even i, fresh random keys for odd i */
   long found = 0;
   unsigned long long sum = 0;
   unsigned long long replay = 42, fresh = 4242;
   for (long i = 0; i < n; i++) {
      unsigned key;
      lcg_state = (i & 1) ? fresh : replay;
      key = lcg() % (unsigned)(4 * n);
      if (i & 1) fresh = lcg_state; else replay = lcg_state;
      struct node *nd = find(root, key);
      if (nd) { found++; sum += nd->value; }
   }
   free_tree(root);
   printf("bst n=%ld size=%ld found=%ld sum=%llu\n", n, size, found, sum);
   return 0;
}
