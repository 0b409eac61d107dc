/* layout.c -- compact layout of mapped memory in rows (see layout.h). */
#include "layout.h"

#include <stdlib.h>
#include <string.h>

void pv_layout_init(struct pv_layout *L)
{
   memset(L, 0, sizeof *L);
}

void pv_layout_free(struct pv_layout *L)
{
   free(L->s);
   memset(L, 0, sizeof *L);
}

static int push(struct pv_layout *L, const struct pv_seg *g)
{
   if (L->n == L->cap) {
      unsigned nc = L->cap ? L->cap * 2 : 64;
      struct pv_seg *q = realloc(L->s, nc * sizeof *q);
      if (!q)
         return -1;
      L->s = q;
      L->cap = nc;
   }
   L->s[L->n++] = *g;
   return 0;
}

int pv_layout_build(struct pv_layout *L, const struct pv_regions *rs, int row_shift,
                    int hide_code)
{
   L->n = 0;
   L->row_shift = row_shift;
   L->regions_gen = rs->gen;
   L->hide_code = hide_code;
   long long row = 0;
   struct pv_seg cur;
   int have = 0;
   for (unsigned i = 0; i < rs->n; i++) {
      const struct pv_region *g = &rs->r[i];
      if (g->prot == 0 || g->end <= g->start)
         continue;                       /* reservations, guard pages: holes */
      if (hide_code && g->kind == PV_MAP_CODE)
         continue;
      if (have && g->start == cur.end) {
         cur.end = g->end;
         cur.nregions = i - cur.first_region + 1;
         continue;
      }
      if (have) {
         cur.nrows = (long long)(((cur.end - 1) >> row_shift) - (cur.start >> row_shift)) + 1;
         if (push(L, &cur))
            return -1;
         row = cur.row0 + cur.nrows + PV_GAP_ROWS;
      }
      memset(&cur, 0, sizeof cur);
      cur.start = g->start;
      cur.end = g->end;
      cur.row0 = row;
      cur.first_region = i;
      cur.nregions = 1;
      have = 1;
   }
   if (have) {
      cur.nrows = (long long)(((cur.end - 1) >> row_shift) - (cur.start >> row_shift)) + 1;
      if (push(L, &cur))
         return -1;
      row = cur.row0 + cur.nrows;
   }
   L->total_rows = row;
   return 0;
}

int pv_layout_copy(struct pv_layout *dst, const struct pv_layout *src)
{
   struct pv_seg *keep = dst->s;
   unsigned cap = dst->cap;
   if (cap < src->n) {
      keep = realloc(keep, (src->n ? src->n : 1) * sizeof *keep);
      if (!keep)
         return -1;
      cap = src->n ? src->n : 1;
   }
   *dst = *src;
   dst->s = keep;
   dst->cap = cap;
   if (src->n)
      memcpy(dst->s, src->s, src->n * sizeof *src->s);
   return 0;
}

int pv_layout_seg_of_addr(const struct pv_layout *L, pv_u64 addr)
{
   unsigned lo = 0, hi = L->n;
   while (lo < hi) {
      unsigned mid = (lo + hi) / 2;
      if (L->s[mid].end <= addr)
         lo = mid + 1;
      else
         hi = mid;
   }
   if (lo < L->n && L->s[lo].start <= addr)
      return (int)lo;
   return -1;
}

unsigned pv_layout_first_seg_from_row(const struct pv_layout *L, long long row)
{
   unsigned lo = 0, hi = L->n;
   while (lo < hi) {
      unsigned mid = (lo + hi) / 2;
      if (L->s[mid].row0 + L->s[mid].nrows <= row)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo;
}

int pv_layout_seg_of_row(const struct pv_layout *L, long long row)
{
   unsigned i = pv_layout_first_seg_from_row(L, row);
   if (i < L->n && L->s[i].row0 <= row)
      return (int)i;
   return -1;
}

long long pv_layout_row_of(const struct pv_layout *L, pv_u64 addr)
{
   int k = pv_layout_seg_of_addr(L, addr);
   if (k < 0)
      return -1;
   return pv_layout_row_in(L, &L->s[k], addr);
}
