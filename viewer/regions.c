/* regions.c -- mapped regions and named ranges of the target (see regions.h). */
#include "regions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void pv_regions_init(struct pv_regions *rs)
{
   memset(rs, 0, sizeof *rs);
}

void pv_regions_free(struct pv_regions *rs)
{
   free(rs->r);
   free(rs->nm);
   memset(rs, 0, sizeof *rs);
}

static int grow(void **p, unsigned *cap, unsigned need, size_t elem)
{
   size_t c = *cap;
   int rc = pv_grow(p, &c, need, elem);
   *cap = (unsigned)c;
   return rc;
}

/* First region whose end is > ADDR. */
static unsigned lower(const struct pv_regions *rs, pv_u64 addr)
{
   unsigned lo = 0, hi = rs->n;
   while (lo < hi) {
      unsigned mid = (lo + hi) / 2;
      if (rs->r[mid].end <= addr)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo;
}

static int insert_at(struct pv_regions *rs, unsigned i, const struct pv_region *reg)
{
   if (rs->n >= PV_MAX_REGIONS)
      return -1;
   if (grow((void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r))
      return -1;
   memmove(&rs->r[i + 1], &rs->r[i], (rs->n - i) * sizeof *rs->r);
   rs->r[i] = *reg;
   rs->n++;
   return 0;
}

static void delete_at(struct pv_regions *rs, unsigned i)
{
   memmove(&rs->r[i], &rs->r[i + 1], (rs->n - i - 1) * sizeof *rs->r);
   rs->n--;
}

/* Make START and END region boundaries (split regions that straddle them). */
static void split_at(struct pv_regions *rs, pv_u64 a)
{
   unsigned i = lower(rs, a);
   if (i < rs->n && rs->r[i].start < a && a < rs->r[i].end) {
      struct pv_region right = rs->r[i];
      right.start = a;
      rs->r[i].end = a;
      insert_at(rs, i + 1, &right);
   }
}

static void cut(struct pv_regions *rs, pv_u64 start, pv_u64 end)
{
   if (end <= start)
      return;
   split_at(rs, start);
   split_at(rs, end);
   unsigned i = lower(rs, start);
   unsigned j = i;
   while (j < rs->n && rs->r[j].start < end)
      j++;
   if (j > i) {
      memmove(&rs->r[i], &rs->r[j], (rs->n - j) * sizeof *rs->r);
      rs->n -= j - i;
   }
}

static void drop_named_in(struct pv_regions *rs, pv_u64 start, pv_u64 end)
{
   unsigned k = 0;
   for (unsigned i = 0; i < rs->nn; i++) {
      const struct pv_named *m = &rs->nm[i];
      if (!m->is_stack && m->start >= start && m->end <= end)
         continue;
      rs->nm[k++] = *m;
   }
   if (k != rs->nn) {
      rs->nn = k;
      rs->name_gen++;
   }
}

void pv_regions_map(struct pv_regions *rs, pv_u64 start, pv_u64 len,
                    unsigned kind, unsigned prot, const char *name)
{
   if (len == 0 || start + len < start)
      return;
   pv_u64 end = start + len;
   cut(rs, start, end);
   struct pv_region reg;
   memset(&reg, 0, sizeof reg);
   reg.start = start;
   reg.end = end;
   reg.kind = (pv_u8)kind;
   reg.prot = (pv_u8)prot;
   snprintf(reg.name, sizeof reg.name, "%s", name ? name : "");
   insert_at(rs, lower(rs, start), &reg);
   /* brk growth arrives as a new piece right after the heap: merge */
   unsigned i = lower(rs, start);
   if (i > 0) {
      struct pv_region *p = &rs->r[i - 1], *c = &rs->r[i];
      if (p->end == c->start && p->kind == c->kind && p->prot == c->prot
          && strcmp(p->name, c->name) == 0 && kind != PV_MAP_CODE) {
         p->end = c->end;
         delete_at(rs, i);
      }
   }
   rs->gen++;
}

void pv_regions_unmap(struct pv_regions *rs, pv_u64 start, pv_u64 len)
{
   if (len == 0 || start + len < start)
      return;
   cut(rs, start, start + len);
   drop_named_in(rs, start, start + len);
   rs->gen++;
}

void pv_regions_protect(struct pv_regions *rs, pv_u64 start, pv_u64 len, unsigned prot)
{
   if (len == 0 || start + len < start)
      return;
   pv_u64 end = start + len;
   split_at(rs, start);
   split_at(rs, end);
   for (unsigned i = lower(rs, start); i < rs->n && rs->r[i].start < end; i++)
      rs->r[i].prot = (pv_u8)prot;
   rs->gen++;
}

void pv_regions_remap(struct pv_regions *rs, pv_u64 from, pv_u64 to, pv_u64 len)
{
   if (len == 0 || from + len < from || to + len < to)
      return;
   /* collect the moved pieces */
   unsigned cnt = 0;
   split_at(rs, from);
   split_at(rs, from + len);
   unsigned i0 = lower(rs, from);
   for (unsigned i = i0; i < rs->n && rs->r[i].start < from + len; i++)
      cnt++;
   struct pv_region *moved = cnt ? malloc(cnt * sizeof *moved) : NULL;
   if (cnt && !moved)
      return;
   if (cnt)
      memcpy(moved, &rs->r[i0], cnt * sizeof *moved);
   cut(rs, from, from + len);
   cut(rs, to, to + len);
   for (unsigned k = 0; k < cnt; k++) {
      moved[k].start = moved[k].start - from + to;
      moved[k].end = moved[k].end - from + to;
      insert_at(rs, lower(rs, moved[k].start), &moved[k]);
   }
   free(moved);
   rs->gen++;
}

static int add_named(struct pv_regions *rs, const struct pv_named *m)
{
   if (rs->nn >= PV_MAX_NAMED) {
      /* keep memory bounded: forget the oldest non-stack name */
      unsigned k;
      for (k = 0; k < rs->nn && rs->nm[k].is_stack; k++)
         ;
      if (k == rs->nn)
         return -1;
      memmove(&rs->nm[k], &rs->nm[k + 1], (rs->nn - k - 1) * sizeof *rs->nm);
      rs->nn--;
   }
   if (grow((void **)&rs->nm, &rs->ncap, rs->nn + 1, sizeof *rs->nm))
      return -1;
   rs->nm[rs->nn++] = *m;
   rs->name_gen++;
   return 0;
}

void pv_regions_name(struct pv_regions *rs, pv_u64 start, pv_u64 len,
                     const char *name, pv_u32 tid)
{
   if (len == 0) {
      unsigned k = 0;
      for (unsigned i = 0; i < rs->nn; i++)
         if (rs->nm[i].is_stack || rs->nm[i].start != start)
            rs->nm[k++] = rs->nm[i];
      rs->nn = k;
      rs->name_gen++;
      return;
   }
   if (start + len < start)
      return;
   /* renaming the same range replaces the name */
   for (unsigned i = 0; i < rs->nn; i++) {
      struct pv_named *m = &rs->nm[i];
      if (!m->is_stack && m->start == start && m->end == start + len) {
         snprintf(m->name, sizeof m->name, "%s", name ? name : "");
         m->tid = tid;
         rs->name_gen++;
         return;
      }
   }
   struct pv_named m;
   memset(&m, 0, sizeof m);
   m.start = start;
   m.end = start + len;
   m.tid = tid;
   snprintf(m.name, sizeof m.name, "%s", name ? name : "");
   add_named(rs, &m);
}

void pv_regions_thread_stack(struct pv_regions *rs, pv_u32 tid, pv_u64 lo, pv_u64 hi)
{
   if (hi <= lo)
      return;
   for (unsigned i = 0; i < rs->nn; i++) {
      struct pv_named *m = &rs->nm[i];
      if (m->is_stack && m->tid == tid) {
         m->start = lo;
         m->end = hi;
         rs->name_gen++;
         return;
      }
   }
   struct pv_named m;
   memset(&m, 0, sizeof m);
   m.start = lo;
   m.end = hi;
   m.tid = tid;
   m.is_stack = 1;
   snprintf(m.name, sizeof m.name, "[stack thread %u]", tid);
   add_named(rs, &m);
}

int pv_regions_find(struct pv_regions *rs, pv_u64 addr)
{
   unsigned h = rs->hint;
   if (h < rs->n && addr >= rs->r[h].start && addr < rs->r[h].end)
      return (int)h;
   unsigned i = lower(rs, addr);
   if (i < rs->n && rs->r[i].start <= addr) {
      rs->hint = i;
      return (int)i;
   }
   return -1;
}

const struct pv_named *pv_regions_named_at(const struct pv_regions *rs, pv_u64 addr)
{
   const struct pv_named *best = NULL;
   for (unsigned i = 0; i < rs->nn; i++) {
      const struct pv_named *m = &rs->nm[i];
      if (addr >= m->start && addr < m->end
          && (!best || m->end - m->start < best->end - best->start))
         best = m;
   }
   return best;
}

const char *pv_region_label(const struct pv_regions *rs, unsigned idx, char *buf, size_t n)
{
   const struct pv_region *g = &rs->r[idx];
   const char *base = pv_basename(g->name);
   switch (g->kind) {
   case PV_MAP_CODE:   snprintf(buf, n, "%s .text", *base ? base : "code"); break;
   case PV_MAP_DATA:   snprintf(buf, n, "%s .data", *base ? base : "data"); break;
   case PV_MAP_RODATA: snprintf(buf, n, "%s .rodata", *base ? base : "rodata"); break;
   case PV_MAP_BSS:
      if (g->name[0])
         snprintf(buf, n, "%s", g->name);
      else if (idx > 0 && rs->r[idx - 1].end == g->start && rs->r[idx - 1].name[0])
         snprintf(buf, n, "%s .bss", pv_basename(rs->r[idx - 1].name));
      else
         snprintf(buf, n, ".bss");
      break;
   case PV_MAP_HEAP:   snprintf(buf, n, "heap"); break;
   case PV_MAP_STACK:  snprintf(buf, n, "[stack]"); break;
   case PV_MAP_ANON:
      if (g->name[0] && strcmp(g->name, "anonymous") != 0)
         snprintf(buf, n, "%s", g->name);
      else
         snprintf(buf, n, "anonymous mmap");
      break;
   case PV_MAP_FILE:   snprintf(buf, n, "%s", *base ? base : "file mapping"); break;
   case PV_MAP_SHM:    snprintf(buf, n, "shm %s", g->name); break;
   default:            snprintf(buf, n, "%s", g->name[0] ? g->name : "mapping"); break;
   }
   return buf;
}
