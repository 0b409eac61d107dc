/* blockcard.c -- the heap block card's text (see blockcard.h). */
#include "blockcard.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_stream.h"
#include "util.h"

#define SCAN_LINES (1u << 20)   /* lines of a block scanned for its sites */
#define TOP_SITES  4


/* every block the analysis knows (live and kept freed ones), busiest first */
static size_t all_blocks(struct pv_sites *s, const struct pv_block_stats ***out)
{
   struct pv_analysis_totals t;
   pv_analysis_get_totals(s->an, &t);
   size_t max = (size_t)t.live_blocks + 4096 + 1;
   *out = malloc(max * sizeof **out);
   if (!*out)
      return 0;
   return pv_analysis_blocks(s->an, PV_SORT_ACCESSES, *out, max);
}

const struct pv_block_stats *pv_blockcard_at(struct pv_sites *s, pv_u64 addr)
{
   if (!s->an)
      return NULL;
   const struct pv_block_stats *b = pv_analysis_block_at(s->an, addr);
   if (b)
      return b;
   const struct pv_block_stats **l;
   size_t n = all_blocks(s, &l);
   for (size_t i = 0; i < n && !b; i++)
      if (addr >= l[i]->addr && addr - l[i]->addr < (l[i]->size ? l[i]->size : 1))
         b = l[i];
   free(l);
   return b;
}

static int stack_has(struct pv_model *m, pv_u32 stack, const char *fn)
{
   pv_u32 depth = 0;
   const pv_u32 *ids = pv_symtab_stack(&m->sym, stack, &depth);
   for (pv_u32 k = 0; ids && k < depth; k++) {
      const struct pv_site *st = pv_symtab_site(&m->sym, ids[k]);
      if (st && !strcmp(st->fn, fn))
         return 1;
   }
   return 0;
}

const struct pv_block_stats *pv_blockcard_find(struct pv_sites *s, struct pv_model *m,
                                               const char *what)
{
   if (!s->an || !what || !*what)
      return NULL;
   pv_u64 addr;
   if (what[0] == '0' && (what[1] == 'x' || what[1] == 'X') && !pv_parse_u64(what, &addr))
      return pv_blockcard_at(s, addr);
   const struct pv_block_stats **l, *b = NULL;
   size_t n = all_blocks(s, &l);
   if (what[0] == '#') {
      long r = atol(what + 1);
      if (r >= 1 && (size_t)r <= n)
         b = l[r - 1];
   } else {
      for (size_t i = 0; i < n && !b; i++)
         if (stack_has(m, l[i]->alloc_stack, what))
            b = l[i];
   }
   free(l);
   return b;
}

static const char *site_text(struct pv_model *m, pv_u32 id, char *buf, size_t n)
{
   const struct pv_site *st = pv_symtab_site(&m->sym, id);
   if (!st) {
      snprintf(buf, n, id ? "site #%u" : "unknown site", id);
      return buf;
   }
   pv_site_format(st, buf, n);
   return buf;
}

struct sc { pv_u32 site; pv_u64 lines; };

/* the allocator's own code (chunk headers, free lists): not the program's
 * use of the block */
static int allocator_site(struct pv_model *m, pv_u32 id)
{
   static const char *files[] = { "malloc.c", "arena.c", "hooks.c", "morecore.c" };
   const struct pv_site *st = pv_symtab_site(&m->sym, id);
   if (!st)
      return 0;
   for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
      if (!strcmp(pv_basename(st->file), files[i]))
         return 1;
   return strstr(st->obj, "vgpreload_") != NULL;
}

static int cmp_sc(const void *x, const void *y)
{
   const struct sc *p = x, *q = y;
   if (p->lines != q->lines)
      return p->lines > q->lines ? -1 : 1;
   return p->site < q->site ? -1 : p->site > q->site;
}

/* the sites that accessed the block's lines last, with their line counts */
static int block_sites(struct pv_model *m, const struct pv_block_stats *b, struct sc *out,
                       int max, pv_u64 *scanned)
{
   struct sc tab[64];
   int n = 0;
   pv_u64 l0 = b->addr >> PV_LINE_SHIFT, l1 = (b->addr + (b->size ? b->size : 1) - 1) >> PV_LINE_SHIFT;
   *scanned = 0;
   for (pv_u64 l = l0; l <= l1 && l - l0 < SCAN_LINES; l++) {
      const struct pv_line *x = pv_stats_line(&m->stats, l << PV_LINE_SHIFT);
      (*scanned)++;
      if (!x || !(x->reads | x->writes) || PV_LINE_KIND(x) >= PV_LK_KREAD
          || allocator_site(m, x->site))
         continue;
      int k;
      for (k = 0; k < n && tab[k].site != x->site; k++)
         ;
      if (k == n) {
         if (n == 64)
            continue;
         tab[n].site = x->site;
         tab[n].lines = 0;
         n++;
      }
      tab[k].lines++;
   }
   qsort(tab, (size_t)n, sizeof tab[0], cmp_sc);
   if (n > max)
      n = max;
   memcpy(out, tab, (size_t)n * sizeof *out);
   return n;
}

void pv_blockcard_build(struct pv_card *c, struct pv_sites *s, struct pv_model *m,
                        const struct pv_block_stats *b)
{
   char b1[64], b2[64], buf[256];
   memset(c, 0, sizeof *c);
   const char *kind = pv_alloc_kind_name(b->kind);
   pv_card_add(c, PV_CS_TITLE, "heap block 0x%llx  %llu bytes  %s  thread %u",
       (unsigned long long)b->addr, (unsigned long long)b->size, kind ? kind : "?", b->tid);
   /* allocation stack, innermost first, down to main */
   pv_u32 depth = 0;
   const pv_u32 *ids = pv_symtab_stack(&m->sym, b->alloc_stack, &depth);
   if (!ids || !depth)
      pv_card_add(c, PV_CS_DIM, "allocated at (stack not described)");
   for (pv_u32 k = 0; ids && k < depth && k < 6; k++) {
      pv_card_add(c, k ? PV_CS_DIM : PV_CS_TEXT, "%s %s", k ? "        by" : "allocated at",
          site_text(m, ids[k], buf, sizeof buf));
      const struct pv_site *st = pv_symtab_site(&m->sym, ids[k]);
      if (st && !strcmp(st->fn, "main"))
         break;
   }
   /* lifetime */
   const struct pv_life *lf = pv_sites_life(s, b->seq);
   if (lf && b->freed && lf->ms_free)
      pv_card_add(c, PV_CS_TEXT, "lifetime  allocation #%llu after %s accesses; freed %s accesses "
          "(%.2f s) later", (unsigned long long)b->seq,
          pv_fmt_count(b1, sizeof b1, (double)lf->acc_alloc),
          pv_fmt_count(b2, sizeof b2, (double)(lf->acc_free - lf->acc_alloc)),
          (double)(pv_u32)(lf->ms_free - lf->ms_alloc) / 1000.0);
   else if (lf)
      pv_card_add(c, PV_CS_TEXT, "lifetime  allocation #%llu after %s accesses; live for %s accesses "
          "(%.2f s) so far", (unsigned long long)b->seq,
          pv_fmt_count(b1, sizeof b1, (double)lf->acc_alloc),
          pv_fmt_count(b2, sizeof b2, (double)(s->n_access - lf->acc_alloc)),
          (double)(pv_u32)(s->now_ms - lf->ms_alloc) / 1000.0);
   else
      pv_card_add(c, PV_CS_TEXT, "lifetime  allocation #%llu, %s", (unsigned long long)b->seq,
          b->freed ? "freed" : "live");
   /* accesses and bytes touched */
   pv_card_add(c, PV_CS_TEXT, "accesses  %llu: %llu loads, %llu stores, %llu modifies; %llu bytes",
       (unsigned long long)b->accesses, (unsigned long long)b->loads,
       (unsigned long long)b->stores, (unsigned long long)b->modifies,
       (unsigned long long)b->bytes);
   if (!b->touched_known)
      pv_card_add(c, PV_CS_WARN, "touched   ? of %llu bytes (bitmap budget used up)",
          (unsigned long long)b->size);
   else
      pv_card_add(c, b->touched < b->size ? PV_CS_WARN : PV_CS_ACCENT,
          "touched   %s%llu of %llu bytes (%.1f%%)%s", b->touched_exact ? "" : "~",
          (unsigned long long)b->touched, (unsigned long long)b->size,
          b->size ? 100.0 * (double)b->touched / (double)b->size : 0.0,
          b->touched_exact ? "" : " (64-byte granules)");
   pv_card_add(c, PV_CS_DIM, "threads   %u", pv_threads_in_mask(b->tid_mask));
   /* sites, from the lines' last accesses */
   struct sc top[TOP_SITES];
   pv_u64 scanned;
   int n = block_sites(m, b, top, TOP_SITES, &scanned);
   if (n == 0) {
      pv_card_add(c, PV_CS_DIM, "sites     none seen");
   }
   for (int k = 0; k < n; k++)
      pv_card_add(c, PV_CS_TEXT, "%s %s  (%llu of %llu lines)", k ? "         " : "sites    ",
          site_text(m, top[k].site, buf, sizeof buf), (unsigned long long)top[k].lines,
          (unsigned long long)scanned);
   if (n)
      pv_card_add(c, PV_CS_DIM, "          (the site of each line's last access, the allocator's left out)");
}
