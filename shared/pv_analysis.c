/* pv_analysis.c -- per-site and per-heap-block access statistics (see
 * pv_analysis.h).  Plain C, no globals, no libm.
 *
 * Live heap blocks are found by address in two structures:
 *   - small blocks (up to SMALL_MAX bytes) in an open-addressing multimap
 *     keyed by 64-byte granule, one entry per granule the block covers;
 *   - larger blocks in an array sorted by address (there are few).
 * A one-entry cache of the last block hit comes first. */
#include "pv_analysis.h"

#include <stdlib.h>
#include <string.h>

#define GRAN_SHIFT 6
#define SMALL_MAX  4096u
#define MAX_BITMAP_BITS (1ull << 24)      /* 2 MiB of bitmap per block at most */

struct gslot { pv_u64 key; struct pv_block_stats *b; };

/* reuse distance (Olken): line -> time slot of its last use; a Fenwick tree
 * with a 1 at every live slot; slots 1..w, renumbered 1..n when they run out */
struct reuse {
   pv_u64  max_lines;
   pv_u64 *keys;       /* line + 1; 0 = empty */
   pv_u32 *slot;       /* its slot */
   pv_u64  cap, n;     /* hash capacity (power of two, >= 2 max_lines), lines */
   pv_s32 *bit;        /* Fenwick tree, 1..w */
   pv_u32 *owner;      /* renumbering scratch: slot -> entry + 1 */
   pv_u64  w, next;    /* slots, next slot to hand out */
};

struct pv_analysis {
   struct pv_analysis_config cfg;
   unsigned line_shift;

   struct pv_site_stats **sites;  /* by id, cap_sites entries */
   pv_u32 cap_sites;

   /* block records no longer needed, for the next allocations (linked
      through their bitmap pointer): a program that allocates and frees
      millions of blocks costs no malloc/free per block here */
   struct pv_block_stats *pool;
   pv_u32 npool;

   /* live blocks */
   struct pv_block_stats **live;  /* all of them, unordered (b->idx) */
   pv_u64 nlive, cap_live;
   struct gslot *gh;              /* granule multimap of small blocks */
   pv_u64 gh_cap, gh_n;           /* cap: power of two */
   unsigned gh_shift;             /* 64 - log2(gh_cap) */
   struct pv_block_stats **big;   /* sorted by addr */
   pv_u64 nbig, cap_big;
   struct pv_block_stats *last;   /* last block hit */
   pv_u64 heap_lo, heap_hi;       /* span of every block ever: a quick filter */

   /* freed blocks kept: min-heap by accesses */
   struct pv_block_stats **kept;
   pv_u32 nkept;

   pv_u64 seq;
   struct pv_analysis_totals tot;
   struct reuse *ru;              /* NULL: no reuse distance */
};

/* ---- small helpers --------------------------------------------------- */

static inline pv_u64 mix64(pv_u64 x)
{
   x ^= x >> 30;
   x *= 0xbf58476d1ce4e5b9ULL;
   x ^= x >> 27;
   x *= 0x94d049bb133111ebULL;
   x ^= x >> 31;
   return x;
}

/* natural logarithm for x > 0, without libm (used once per estimate) */
static double ln_(double x)
{
   if (x <= 0)
      return -1e300;
   int e = 0;
   while (x >= 2.0) { x *= 0.5; e++; }
   while (x < 1.0)  { x *= 2.0; e--; }
   /* ln(x) = 2 atanh((x-1)/(x+1)), |z| <= 1/3 */
   double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0;
   for (int k = 1; k < 60; k += 2) {
      sum += term / k;
      term *= z2;
   }
   return 2.0 * sum + e * 0.69314718055994530942;
}

void pv_analysis_config_default(struct pv_analysis_config *cfg)
{
   cfg->line_size = 64;
   cfg->max_sites = 1u << 22;
   cfg->max_blocks = 4u << 20;
   cfg->exact_block_max = 1u << 20;
   cfg->bitmap_budget = 512ull << 20;
   cfg->keep_freed = 4096;
   cfg->reuse_lines = 0;
}

struct pv_analysis *pv_analysis_new(const struct pv_analysis_config *cfg)
{
   struct pv_analysis *a = calloc(1, sizeof *a);
   if (!a)
      return NULL;
   struct pv_analysis_config d;
   pv_analysis_config_default(&d);
   if (cfg) {
      if (cfg->line_size && !(cfg->line_size & (cfg->line_size - 1)))
         d.line_size = cfg->line_size;
      if (cfg->max_sites) d.max_sites = cfg->max_sites;
      if (cfg->max_blocks) d.max_blocks = cfg->max_blocks;
      if (cfg->exact_block_max) d.exact_block_max = cfg->exact_block_max;
      if (cfg->bitmap_budget) d.bitmap_budget = cfg->bitmap_budget;
      if (cfg->keep_freed) d.keep_freed = cfg->keep_freed;
   }
   if (cfg)
      d.reuse_lines = cfg->reuse_lines;
   a->cfg = d;
   while ((1u << a->line_shift) < d.line_size)
      a->line_shift++;
   a->kept = calloc(d.keep_freed, sizeof *a->kept);
   if (!a->kept) {
      free(a);
      return NULL;
   }
   a->heap_lo = ~0ull;
   if (d.reuse_lines) {
      struct reuse *r = calloc(1, sizeof *r);
      if (r) {
         pv_u64 ml = d.reuse_lines < (1ull << 30) ? d.reuse_lines : (1ull << 30);
         r->max_lines = ml;
         r->cap = 16;
         while (r->cap < 2 * ml)
            r->cap *= 2;
         r->w = r->cap;               /* >= 2 max_lines: renumber at most every w/2 */
         r->next = 1;
         r->keys = calloc(r->cap, sizeof *r->keys);
         r->slot = calloc(r->cap, sizeof *r->slot);
         r->bit = calloc(r->w + 1, sizeof *r->bit);
         r->owner = calloc(r->w + 1, sizeof *r->owner);
      }
      if (!r || !r->keys || !r->slot || !r->bit || !r->owner) {
         if (r) {
            free(r->keys); free(r->slot); free(r->bit); free(r->owner);
            free(r);
         }
         free(a->kept);
         free(a);
         return NULL;
      }
      a->ru = r;
   }
   return a;
}

#define POOL_MAX 65536              /* block records kept for reuse */

/* Give back B's touched-bytes bitmap (if it has one). */
static void drop_bitmap(struct pv_analysis *a, struct pv_block_stats *b)
{
   if (!b->bitmap)
      return;
   pv_u64 bits = (b->size + b->gran - 1) / b->gran;
   a->tot.bitmap_bytes -= (bits + 7) / 8;
   if (b->bitmap != b->inl)
      free(b->bitmap);
   b->bitmap = NULL;
}

static void free_block(struct pv_analysis *a, struct pv_block_stats *b)
{
   drop_bitmap(a, b);
   if (a->npool < POOL_MAX) {
      b->bitmap = (pv_u8 *)a->pool;
      a->pool = b;
      a->npool++;
   } else {
      free(b);
   }
}

/* A zeroed block record, from the pool when it has one. */
static struct pv_block_stats *new_block(struct pv_analysis *a)
{
   struct pv_block_stats *b = a->pool;
   if (!b)
      return calloc(1, sizeof *b);
   a->pool = (struct pv_block_stats *)b->bitmap;
   a->npool--;
   memset(b, 0, sizeof *b);
   return b;
}

void pv_analysis_delete(struct pv_analysis *a)
{
   if (!a)
      return;
   for (pv_u32 i = 0; i < a->cap_sites; i++)
      if (a->sites[i]) {
         free(a->sites[i]->lineset);
         free(a->sites[i]->hll);
         free(a->sites[i]);
      }
   free(a->sites);
   for (pv_u64 i = 0; i < a->nlive; i++)
      free_block(a, a->live[i]);
   for (pv_u32 i = 0; i < a->nkept; i++)
      free_block(a, a->kept[i]);
   while (a->pool) {
      struct pv_block_stats *b = a->pool;
      a->pool = (struct pv_block_stats *)b->bitmap;
      free(b);
   }
   free(a->live);
   free(a->gh);
   free(a->big);
   free(a->kept);
   if (a->ru) {
      free(a->ru->keys);
      free(a->ru->slot);
      free(a->ru->bit);
      free(a->ru->owner);
      free(a->ru);
   }
   free(a);
}

unsigned pv_analysis_line_size(const struct pv_analysis *a)
{
   return a->cfg.line_size;
}

void pv_analysis_get_totals(const struct pv_analysis *a, struct pv_analysis_totals *t)
{
   *t = a->tot;
   t->live_blocks = a->nlive;
}

/* ---- stride bins ----------------------------------------------------- */

int pv_stride_bin(pv_s64 delta)
{
   if (delta == 0)
      return PV_STRIDE_ZERO;
   pv_u64 m = delta < 0 ? (pv_u64)0 - (pv_u64)delta : (pv_u64)delta;
   int k = 63 - __builtin_clzll(m);
   if (k > PV_STRIDE_MAXK)
      k = PV_STRIDE_MAXK;
   return delta < 0 ? PV_STRIDE_ZERO - 1 - k : PV_STRIDE_ZERO + 1 + k;
}

int pv_stride_bin_sign(int bin)
{
   return bin < PV_STRIDE_ZERO ? -1 : bin > PV_STRIDE_ZERO;
}

static int bin_k(int bin)
{
   return bin < PV_STRIDE_ZERO ? PV_STRIDE_ZERO - 1 - bin : bin - PV_STRIDE_ZERO - 1;
}

pv_u64 pv_stride_bin_lo(int bin)
{
   if (bin == PV_STRIDE_ZERO || bin < 0 || bin >= PV_STRIDE_BINS)
      return 0;
   return 1ull << bin_k(bin);
}

pv_u64 pv_stride_bin_hi(int bin)
{
   if (bin == PV_STRIDE_ZERO || bin < 0 || bin >= PV_STRIDE_BINS)
      return 0;
   int k = bin_k(bin);
   if (k == PV_STRIDE_MAXK)
      return 0x7fffffffffffffffull;
   return (2ull << k) - 1;
}

static char *put_u(char *q, pv_u64 v)
{
   char t[24];
   int n = 0;
   do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
   while (n)
      *q++ = t[--n];
   return q;
}

/* "LO..HI" at q */
static char *put_range(char *q, pv_u64 lo, pv_u64 hi)
{
   q = put_u(q, lo);
   *q++ = '.';
   *q++ = '.';
   return put_u(q, hi);
}

/* Copy the label [t, q) to BUF (LEN bytes, truncated, NUL-terminated);
   returns its full length, as snprintf does. */
static size_t give_label(const char *t, const char *q, char *buf, size_t len)
{
   size_t n = (size_t)(q - t);
   if (len) {
      size_t c = n < len - 1 ? n : len - 1;
      memcpy(buf, t, c);
      buf[c] = 0;
   }
   return n;
}

size_t pv_stride_bin_label(int bin, char *buf, size_t len)
{
   char t[64], *q = t;
   if (bin < 0 || bin >= PV_STRIDE_BINS) {
      memcpy(q, "?", 1);
      q++;
   } else if (bin == PV_STRIDE_ZERO) {
      *q++ = '0';
   } else {
      *q++ = bin < PV_STRIDE_ZERO ? '-' : '+';
      int k = bin_k(bin);
      if (k == PV_STRIDE_MAXK) {
         memcpy(q, "2^40..", 6);
         q += 6;
      } else if (k == 0) {
         *q++ = '1';
      } else {
         q = put_range(q, pv_stride_bin_lo(bin), pv_stride_bin_hi(bin));
      }
   }
   return give_label(t, q, buf, len);
}

/* ---- reuse distance --------------------------------------------------- */

int pv_reuse_bin(pv_u64 d)
{
   if (d == 0)
      return 1;
   int b = 2 + 63 - __builtin_clzll(d);
   return b < PV_REUSE_BINS ? b : PV_REUSE_BINS - 1;
}

pv_u64 pv_reuse_bin_lo(int bin)
{
   return bin <= 1 || bin >= PV_REUSE_BINS ? 0 : 1ull << (bin - 2);
}

pv_u64 pv_reuse_bin_hi(int bin)
{
   if (bin <= 1 || bin >= PV_REUSE_BINS)
      return bin == PV_REUSE_COLD ? ~0ull : 0;
   if (bin == PV_REUSE_BINS - 1)
      return ~0ull;
   return (2ull << (bin - 2)) - 1;
}

size_t pv_reuse_bin_label(int bin, char *buf, size_t len)
{
   char t[64], *q = t;
   if (bin == PV_REUSE_COLD) {
      memcpy(q, "cold", 4);
      q += 4;
   } else if (bin < 0 || bin >= PV_REUSE_BINS) {
      *q++ = '?';
   } else if (bin == PV_REUSE_BINS - 1) {
      memcpy(q, "2^31..", 6);
      q += 6;
   } else if (bin <= 2) {
      *q++ = (char)('0' + bin - 1);
   } else {
      q = put_range(q, pv_reuse_bin_lo(bin), pv_reuse_bin_hi(bin));
   }
   return give_label(t, q, buf, len);
}

pv_u64 pv_site_reuse_quantile(const struct pv_site_stats *s, double fraction)
{
   pv_u64 total = 0, acc = 0;
   for (int b = 0; b < PV_REUSE_BINS; b++)
      total += s->reuse[b];
   if (!total)
      return 0;
   for (int b = 1; b < PV_REUSE_BINS; b++) {
      acc += s->reuse[b];
      if ((double)acc >= fraction * (double)total)
         return pv_reuse_bin_hi(b);
   }
   return ~0ull;
}

static inline void bit_add(struct reuse *r, pv_u64 i, pv_s32 v)
{
   for (; i <= r->w; i += i & (0 - i))
      r->bit[i] += v;
}

static inline pv_u64 bit_sum(const struct reuse *r, pv_u64 i)
{
   pv_s64 sum = 0;
   for (; i; i -= i & (0 - i))
      sum += r->bit[i];
   return (pv_u64)sum;
}

/* the slots ran out: number the live lines 1..n in the order of their slots */
static void reuse_renumber(struct reuse *r)
{
   memset(r->owner, 0, (r->w + 1) * sizeof *r->owner);
   for (pv_u64 i = 0; i < r->cap; i++)
      if (r->keys[i])
         r->owner[r->slot[i]] = (pv_u32)(i + 1);
   pv_u64 k = 0;
   for (pv_u64 t = 1; t <= r->w; t++)
      if (r->owner[t])
         r->slot[r->owner[t] - 1] = (pv_u32)++k;
   memset(r->bit, 0, (r->w + 1) * sizeof *r->bit);
   for (pv_u64 i = 1; i <= k; i++)
      r->bit[i] = 1;
   for (pv_u64 i = 1; i <= r->w; i++) {      /* linear-time Fenwick build */
      pv_u64 j = i + (i & (0 - i));
      if (j <= r->w)
         r->bit[j] += r->bit[i];
   }
   r->next = k + 1;
}

/* the reuse bin of an access to LINE, and note the use */
static int reuse_access(struct reuse *r, pv_u64 line)
{
   if (r->next > r->w)
      reuse_renumber(r);
   pv_u64 key = line + 1, i = mix64(line) & (r->cap - 1);
   while (r->keys[i] && r->keys[i] != key)
      i = (i + 1) & (r->cap - 1);
   int bin;
   if (r->keys[i]) {
      pv_u64 p = r->slot[i];
      bin = pv_reuse_bin(bit_sum(r, r->next - 1) - bit_sum(r, p));
      bit_add(r, p, -1);
   } else {
      if (r->n >= r->max_lines)
         return PV_REUSE_COLD;        /* too many lines: not followed */
      r->keys[i] = key;
      r->n++;
      bin = PV_REUSE_COLD;
   }
   r->slot[i] = (pv_u32)r->next;
   bit_add(r, r->next, 1);
   r->next++;
   return bin;
}

/* ---- sites ----------------------------------------------------------- */

static struct pv_site_stats *get_site(struct pv_analysis *a, pv_u32 id)
{
   if (id > a->cfg.max_sites) {
      a->tot.folded_sites++;
      id = 0;
   }
   if (id >= a->cap_sites) {
      pv_u32 ncap = a->cap_sites ? a->cap_sites : 1024;
      while (ncap <= id)
         ncap *= 2;
      struct pv_site_stats **n = realloc(a->sites, (size_t)ncap * sizeof *n);
      if (!n)
         return NULL;
      memset(n + a->cap_sites, 0, (size_t)(ncap - a->cap_sites) * sizeof *n);
      a->sites = n;
      a->cap_sites = ncap;
   }
   struct pv_site_stats *s = a->sites[id];
   if (!s) {
      s = calloc(1, sizeof *s);
      if (!s)
         return NULL;
      s->site = id;
      s->last_line = ~0ull;
      a->sites[id] = s;
      a->tot.sites++;
   }
   return s;
}

static void hll_add(pv_u8 *hll, pv_u64 line)
{
   pv_u64 h = mix64(line + 0x9e3779b97f4a7c15ULL);
   unsigned idx = (unsigned)(h & (PV_HLL_REGS - 1));
   pv_u64 w = h >> PV_HLL_BITS;             /* 64 - PV_HLL_BITS bits left */
   unsigned rho = w ? (unsigned)__builtin_clzll(w) - PV_HLL_BITS + 1 : 65 - PV_HLL_BITS;
   if (rho > hll[idx])
      hll[idx] = (pv_u8)rho;
}

static int set_insert(pv_u64 *set, pv_u32 cap, pv_u64 line)
{
   pv_u64 key = line + 1;
   pv_u32 i = (pv_u32)mix64(line) & (cap - 1);
   for (;;) {
      if (set[i] == key)
         return 0;
      if (set[i] == 0) {
         set[i] = key;
         return 1;
      }
      i = (i + 1) & (cap - 1);
   }
}

static void add_line(struct pv_site_stats *s, pv_u64 line)
{
   if (s->hll) {
      hll_add(s->hll, line);
      return;
   }
   if (s->cap_lines == 0 || (s->nlines + 1) * 2 > s->cap_lines) {
      if (s->nlines >= PV_LINES_EXACT) {
         /* is it new?  then switch to the estimate */
         pv_u64 key = line + 1;
         pv_u32 i = (pv_u32)mix64(line) & (s->cap_lines - 1);
         while (s->lineset[i]) {
            if (s->lineset[i] == key)
               return;
            i = (i + 1) & (s->cap_lines - 1);
         }
         pv_u8 *h = calloc(PV_HLL_REGS, 1);
         if (!h)
            return;
         for (pv_u32 j = 0; j < s->cap_lines; j++)
            if (s->lineset[j])
               hll_add(h, s->lineset[j] - 1);
         hll_add(h, line);
         free(s->lineset);
         s->lineset = NULL;
         s->cap_lines = 0;
         s->hll = h;
         return;
      }
      pv_u32 ncap = s->cap_lines ? s->cap_lines * 2 : 16;
      pv_u64 *n = calloc(ncap, sizeof *n);
      if (!n)
         return;
      for (pv_u32 j = 0; j < s->cap_lines; j++)
         if (s->lineset[j])
            set_insert(n, ncap, s->lineset[j] - 1);
      free(s->lineset);
      s->lineset = n;
      s->cap_lines = ncap;
   }
   s->nlines += (pv_u32)set_insert(s->lineset, s->cap_lines, line);
}

pv_u64 pv_site_lines(const struct pv_site_stats *s, int *exact)
{
   if (!s->hll) {
      if (exact)
         *exact = 1;
      return s->nlines;
   }
   if (exact)
      *exact = 0;
   const double m = PV_HLL_REGS;
   double sum = 0;
   unsigned zeros = 0;
   for (unsigned i = 0; i < PV_HLL_REGS; i++) {
      sum += 1.0 / (double)(1ull << s->hll[i]);
      zeros += s->hll[i] == 0;
   }
   double e = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
   if (e <= 2.5 * m && zeros)
      e = m * ln_(m / zeros);
   pv_u64 r = (pv_u64)(e + 0.5);
   return r > PV_LINES_EXACT ? r : PV_LINES_EXACT + 1;   /* it overflowed the set */
}

unsigned pv_threads_in_mask(pv_u64 mask)
{
   return (unsigned)__builtin_popcountll(mask);
}

int pv_site_dominant_bin(const struct pv_site_stats *s, double *share)
{
   int best = -1;
   pv_u64 bc = 0;
   for (int i = 0; i < PV_STRIDE_BINS; i++)
      if (s->hist[i] > bc) {
         bc = s->hist[i];
         best = i;
      }
   if (share)
      *share = s->strides ? (double)bc / (double)s->strides : 0.0;
   return best;
}

const struct pv_site_stats *pv_analysis_site(const struct pv_analysis *a, pv_u32 site)
{
   if (site >= a->cap_sites)
      return NULL;
   return a->sites[site];
}

/* ---- live blocks: lookup structures ---------------------------------- */

static inline pv_u64 gh_home(const struct pv_analysis *a, pv_u64 key)
{
   return (key * 0x9E3779B97F4A7C15ULL) >> a->gh_shift;   /* Fibonacci hashing */
}

static void gh_put(struct pv_analysis *a, pv_u64 key, struct pv_block_stats *b)
{
   pv_u64 i = gh_home(a, key);
   while (a->gh[i].b)
      i = (i + 1) & (a->gh_cap - 1);
   a->gh[i].key = key;
   a->gh[i].b = b;
   a->gh_n++;
}

static int gh_grow(struct pv_analysis *a, pv_u64 need)
{
   if ((a->gh_n + need) * 2 <= a->gh_cap)
      return 0;
   pv_u64 ncap = a->gh_cap ? a->gh_cap : 1024;
   while ((a->gh_n + need) * 2 > ncap)
      ncap *= 2;
   struct gslot *old = a->gh;
   pv_u64 ocap = a->gh_cap;
   a->gh = calloc(ncap, sizeof *a->gh);
   if (!a->gh) {
      a->gh = old;
      return -1;
   }
   a->gh_cap = ncap;
   a->gh_n = 0;
   a->gh_shift = 64 - (unsigned)__builtin_ctzll(ncap);
   for (pv_u64 i = 0; i < ocap; i++)
      if (old[i].b)
         gh_put(a, old[i].key, old[i].b);
   free(old);
   return 0;
}

static void gh_del(struct pv_analysis *a, pv_u64 key, const struct pv_block_stats *b)
{
   pv_u64 mask = a->gh_cap - 1, i = gh_home(a, key);
   while (a->gh[i].b && !(a->gh[i].key == key && a->gh[i].b == b))
      i = (i + 1) & mask;
   if (!a->gh[i].b)
      return;
   /* backward-shift deletion (linear probing) */
   pv_u64 j = i;
   for (;;) {
      a->gh[i].b = NULL;
      for (;;) {
         j = (j + 1) & mask;
         if (!a->gh[j].b) {
            a->gh_n--;
            return;
         }
         pv_u64 k = gh_home(a, a->gh[j].key);
         /* can entry j move to i?  yes unless k lies cyclically in (i, j] */
         if (i <= j ? (k <= i || k > j) : (k <= i && k > j))
            break;
      }
      a->gh[i] = a->gh[j];
      i = j;
   }
}

static inline pv_u64 span_end(const struct pv_block_stats *b)
{
   return b->addr + (b->size ? b->size : 1);
}

static struct pv_block_stats *find_block(struct pv_analysis *a, pv_u64 addr)
{
   struct pv_block_stats *b = a->last;
   if (b && addr >= b->addr && addr < span_end(b))
      return b;
   if (addr < a->heap_lo || addr >= a->heap_hi || a->nlive == 0)
      return NULL;
   if (a->gh_n) {
      pv_u64 key = addr >> GRAN_SHIFT, i = gh_home(a, key);
      while ((b = a->gh[i].b) != NULL) {
         if (a->gh[i].key == key && addr >= b->addr && addr < span_end(b))
            return a->last = b;
         i = (i + 1) & (a->gh_cap - 1);
      }
   }
   if (a->nbig) {
      /* the last big block starting at or below addr */
      pv_u64 lo = 0, hi = a->nbig;
      while (lo < hi) {
         pv_u64 mid = (lo + hi) / 2;
         if (a->big[mid]->addr <= addr)
            lo = mid + 1;
         else
            hi = mid;
      }
      if (lo) {
         b = a->big[lo - 1];
         if (addr < span_end(b))
            return a->last = b;
      }
   }
   return NULL;
}

const struct pv_block_stats *pv_analysis_block_at(struct pv_analysis *a, pv_u64 addr)
{
   return find_block(a, addr);
}

static int is_small(const struct pv_block_stats *b)
{
   return b->size <= SMALL_MAX;
}

static int index_block(struct pv_analysis *a, struct pv_block_stats *b)
{
   if (is_small(b)) {
      pv_u64 g0 = b->addr >> GRAN_SHIFT, g1 = (span_end(b) - 1) >> GRAN_SHIFT;
      if (gh_grow(a, g1 - g0 + 1) != 0)
         return -1;
      for (pv_u64 g = g0; g <= g1; g++)
         gh_put(a, g, b);
   } else {
      if (a->nbig == a->cap_big) {
         pv_u64 ncap = a->cap_big ? a->cap_big * 2 : 64;
         struct pv_block_stats **n = realloc(a->big, ncap * sizeof *n);
         if (!n)
            return -1;
         a->big = n;
         a->cap_big = ncap;
      }
      pv_u64 lo = 0, hi = a->nbig;
      while (lo < hi) {
         pv_u64 mid = (lo + hi) / 2;
         if (a->big[mid]->addr < b->addr)
            lo = mid + 1;
         else
            hi = mid;
      }
      memmove(a->big + lo + 1, a->big + lo, (a->nbig - lo) * sizeof *a->big);
      a->big[lo] = b;
      a->nbig++;
   }
   return 0;
}

static void unindex_block(struct pv_analysis *a, struct pv_block_stats *b)
{
   if (a->last == b)
      a->last = NULL;
   if (is_small(b)) {
      pv_u64 g0 = b->addr >> GRAN_SHIFT, g1 = (span_end(b) - 1) >> GRAN_SHIFT;
      for (pv_u64 g = g0; g <= g1; g++)
         gh_del(a, g, b);
   } else {
      pv_u64 lo = 0, hi = a->nbig;
      while (lo < hi) {
         pv_u64 mid = (lo + hi) / 2;
         if (a->big[mid]->addr < b->addr)
            lo = mid + 1;
         else
            hi = mid;
      }
      while (lo < a->nbig && a->big[lo] != b)
         lo++;
      if (lo < a->nbig) {
         memmove(a->big + lo, a->big + lo + 1, (a->nbig - lo - 1) * sizeof *a->big);
         a->nbig--;
      }
   }
}

/* ---- freed blocks kept: min-heap by accesses (then by seq: older first
 * out, so the kept set is deterministic) -------------------------------- */

static inline int kept_less(const struct pv_block_stats *x, const struct pv_block_stats *y)
{
   return x->accesses != y->accesses ? x->accesses < y->accesses : x->seq < y->seq;
}

static void kept_swap(struct pv_analysis *a, pv_u32 i, pv_u32 j)
{
   struct pv_block_stats *t = a->kept[i];
   a->kept[i] = a->kept[j];
   a->kept[j] = t;
   a->kept[i]->idx = i;
   a->kept[j]->idx = j;
}

static void kept_down(struct pv_analysis *a, pv_u32 i)
{
   for (;;) {
      pv_u32 l = 2 * i + 1, r = l + 1, m = i;
      if (l < a->nkept && kept_less(a->kept[l], a->kept[m]))
         m = l;
      if (r < a->nkept && kept_less(a->kept[r], a->kept[m]))
         m = r;
      if (m == i)
         return;
      kept_swap(a, i, m);
      i = m;
   }
}

static void keep_freed(struct pv_analysis *a, struct pv_block_stats *b)
{
   if (a->nkept < a->cfg.keep_freed) {
      pv_u32 i = a->nkept++;
      a->kept[i] = b;
      b->idx = i;
      while (i && kept_less(a->kept[i], a->kept[(i - 1) / 2])) {
         kept_swap(a, i, (i - 1) / 2);
         i = (i - 1) / 2;
      }
      return;
   }
   if (kept_less(a->kept[0], b)) {
      free_block(a, a->kept[0]);
      a->kept[0] = b;
      b->idx = 0;
      kept_down(a, 0);
   } else {
      free_block(a, b);
   }
}

/* ---- heap events ------------------------------------------------------ */

static void retire(struct pv_analysis *a, struct pv_block_stats *b, pv_u32 stack)
{
   unindex_block(a, b);
   pv_u64 i = b->idx;
   a->live[i] = a->live[--a->nlive];
   a->live[i]->idx = (pv_u32)i;
   a->tot.live_bytes -= b->size;
   b->freed = 1;
   b->free_stack = stack;
   drop_bitmap(a, b);
   keep_freed(a, b);
}

pv_u64 pv_analysis_alloc(struct pv_analysis *a, pv_u64 addr, pv_u64 size,
                       pv_u32 stack, unsigned kind, pv_u32 tid)
{
   a->tot.allocs++;
   a->tot.alloc_bytes += size;
   struct pv_block_stats *old = find_block(a, addr);
   if (old && old->addr == addr)
      retire(a, old, 0);
   if (a->nlive >= a->cfg.max_blocks || addr + size < addr) {
      a->tot.untracked_blocks++;
      return 0;
   }
   struct pv_block_stats *b = new_block(a);
   if (!b) {
      a->tot.untracked_blocks++;
      return 0;
   }
   b->addr = addr;
   b->size = size;
   b->alloc_stack = stack;
   b->tid = tid;
   b->kind = (pv_u8)kind;
   b->seq = ++a->seq;
   b->gran = 1;
   if (size > a->cfg.exact_block_max) {
      b->gran = 64;
      while ((size + b->gran - 1) / b->gran > MAX_BITMAP_BITS)
         b->gran *= 2;
   }
   b->touched_exact = b->gran == 1;
   b->touched_known = 1;
   if (a->nlive == a->cap_live) {
      pv_u64 ncap = a->cap_live ? a->cap_live * 2 : 1024;
      struct pv_block_stats **n = realloc(a->live, ncap * sizeof *n);
      if (!n) {
         free_block(a, b);
         a->tot.untracked_blocks++;
         return 0;
      }
      a->live = n;
      a->cap_live = ncap;
   }
   if (index_block(a, b) != 0) {
      free_block(a, b);
      a->tot.untracked_blocks++;
      return 0;
   }
   b->idx = (pv_u32)a->nlive;
   a->live[a->nlive++] = b;
   a->tot.live_bytes += size;
   if (addr < a->heap_lo)
      a->heap_lo = addr;
   if (span_end(b) > a->heap_hi)
      a->heap_hi = span_end(b);
   a->last = b;                       /* the program is about to use it */
   return b->seq;
}

pv_u64 pv_analysis_free(struct pv_analysis *a, pv_u64 addr, pv_u32 stack)
{
   a->tot.frees++;
   struct pv_block_stats *b = find_block(a, addr);
   if (!b || b->addr != addr) {
      a->tot.unknown_frees++;
      return 0;
   }
   pv_u64 seq = b->seq;
   retire(a, b, stack);
   return seq;
}

/* mark [off, off+len) of B touched */
static void touch(struct pv_analysis *a, struct pv_block_stats *b, pv_u64 off, pv_u64 len)
{
   if (!b->touched_known || len == 0)
      return;
   if (!b->bitmap) {
      pv_u64 bits = (b->size + b->gran - 1) / b->gran, bytes = (bits + 7) / 8;
      if (bytes <= sizeof b->inl) {
         b->bitmap = b->inl;        /* zeroed with the record */
      } else if (a->tot.bitmap_bytes + bytes > a->cfg.bitmap_budget ||
          !(b->bitmap = calloc(bytes, 1))) {
         b->touched_known = 0;
         return;
      }
      a->tot.bitmap_bytes += bytes;
   }
   unsigned gs = (unsigned)__builtin_ctzll(b->gran);     /* gran is a power of two */
   pv_u64 u0 = off >> gs, u1 = (off + len - 1) >> gs;
   if ((u0 >> 3) == (u1 >> 3) && ((u1 + 1) << gs) <= b->size) {
      /* the usual case: whole units within one bitmap byte */
      unsigned mask = ((2u << (u1 - u0)) - 1u) << (u0 & 7);
      unsigned fresh = mask & ~(unsigned)b->bitmap[u0 >> 3];
      if (fresh) {
         b->bitmap[u0 >> 3] |= (pv_u8)fresh;
         b->touched += (pv_u64)__builtin_popcount(fresh) * b->gran;
      }
      return;
   }
   for (pv_u64 u = u0; u <= u1; u++) {
      pv_u8 bit = (pv_u8)(1u << (u & 7));
      if (!(b->bitmap[u >> 3] & bit)) {
         b->bitmap[u >> 3] |= bit;
         pv_u64 ub = b->gran, start = u * b->gran;
         if (start + ub > b->size)
            ub = b->size - start;
         b->touched += ub;
      }
   }
}

void pv_analysis_access(struct pv_analysis *a, pv_u32 site, pv_u64 addr,
                        unsigned size, unsigned kind, pv_u32 tid)
{
   if (size == 0)
      size = 1;
   a->tot.accesses++;
   a->tot.bytes += size;
   struct pv_site_stats *s = get_site(a, site);
   if (s) {
      if (s->accesses && s->last_tid == tid) {
         s->hist[pv_stride_bin((pv_s64)(addr - s->last_addr))]++;
         s->strides++;
      }
      s->last_addr = addr;
      s->last_tid = tid;
      s->accesses++;
      s->bytes += size;
      s->tid_mask |= 1ull << (tid & 63);
      s->loads += kind == PV_ACC_LOAD;
      s->stores += kind == PV_ACC_STORE;
      s->modifies += kind == PV_ACC_MODIFY;
      pv_u64 l0 = addr >> a->line_shift, l1 = (addr + size - 1) >> a->line_shift;
      if (l1 < l0)
         l1 = l0;                     /* wrapped at the top of the address space */
      if (l1 != l0)
         s->straddles++;
      if (l1 - l0 > 1024)
         l1 = l0 + 1024;
      if (l0 != s->last_line || l1 != l0)     /* same line again: nothing new */
         for (pv_u64 l = l0; l <= l1; l++)
            add_line(s, l);
      s->last_line = l1;
      if (a->ru)
         s->reuse[reuse_access(a->ru, l0)]++;
   } else if (a->ru) {
      reuse_access(a->ru, addr >> a->line_shift);
   }
   struct pv_block_stats *b = find_block(a, addr);
   if (!b)
      return;
   a->tot.heap_accesses++;
   if (s)
      s->heap_accesses++;
   b->accesses++;
   b->tid_mask |= 1ull << (tid & 63);
   b->loads += kind == PV_ACC_LOAD;
   b->stores += kind == PV_ACC_STORE;
   b->modifies += kind == PV_ACC_MODIFY;
   pv_u64 off = addr - b->addr, len = size;
   if (off >= b->size)
      return;                          /* a 0-byte block */
   if (len > b->size - off)
      len = b->size - off;
   b->bytes += len;
   touch(a, b, off, len);
}

/* ---- queries ---------------------------------------------------------- */

struct site_key { const struct pv_site_stats *s; pv_u64 k; };
struct block_key { const struct pv_block_stats *b; pv_u64 k; };

static int cmp_site(const void *x, const void *y)
{
   const struct site_key *p = x, *q = y;
   if (p->k != q->k)
      return p->k > q->k ? -1 : 1;
   return p->s->site < q->s->site ? -1 : p->s->site > q->s->site;
}

static int cmp_block(const void *x, const void *y)
{
   const struct block_key *p = x, *q = y;
   if (p->k != q->k)
      return p->k > q->k ? -1 : 1;
   return p->b->seq < q->b->seq ? -1 : p->b->seq > q->b->seq;
}

size_t pv_analysis_sites(const struct pv_analysis *a, enum pv_sort_key key,
                         const struct pv_site_stats **out, size_t max)
{
   size_t n = 0;
   for (pv_u32 i = 0; i < a->cap_sites; i++)
      n += a->sites[i] && a->sites[i]->accesses;
   if (n == 0 || max == 0)
      return 0;
   struct site_key *v = malloc(n * sizeof *v);
   if (!v)
      return 0;
   n = 0;
   for (pv_u32 i = 0; i < a->cap_sites; i++) {
      const struct pv_site_stats *s = a->sites[i];
      if (!s || !s->accesses)
         continue;
      v[n].s = s;
      v[n].k = key == PV_SORT_BYTES ? s->bytes
             : key == PV_SORT_ACCESSES ? s->accesses : pv_site_lines(s, NULL);
      n++;
   }
   qsort(v, n, sizeof *v, cmp_site);
   if (n > max)
      n = max;
   for (size_t i = 0; i < n; i++)
      out[i] = v[i].s;
   free(v);
   return n;
}

size_t pv_analysis_blocks(const struct pv_analysis *a, enum pv_sort_key key,
                          const struct pv_block_stats **out, size_t max)
{
   size_t n = a->nlive + a->nkept;
   if (n == 0 || max == 0)
      return 0;
   struct block_key *v = malloc(n * sizeof *v);
   if (!v)
      return 0;
   for (size_t i = 0; i < n; i++) {
      const struct pv_block_stats *b = i < a->nlive ? a->live[i] : a->kept[i - a->nlive];
      v[i].b = b;
      v[i].k = key == PV_SORT_BYTES ? b->bytes
             : key == PV_SORT_ACCESSES ? b->accesses : b->touched;
   }
   qsort(v, n, sizeof *v, cmp_block);
   if (n > max)
      n = max;
   for (size_t i = 0; i < n; i++)
      out[i] = v[i].b;
   free(v);
   return n;
}
