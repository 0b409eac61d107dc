/* layout.h -- the compact address layout: mapped memory as rows of
 * 2^row_shift bytes, the holes between mappings collapsed to a few gap rows.
 *
 * A segment is a maximal run of contiguous, accessible (prot != 0) regions.
 * Segment k covers rows [row0, row0 + nrows); its first row starts at
 * start rounded down to the row size, so a given offset within a row is the
 * same column everywhere (strides line up).  Between segments lie
 * PV_GAP_ROWS empty rows.  Rows are numbered from 0 at the lowest address. */
#ifndef PV_VIEW_LAYOUT_H
#define PV_VIEW_LAYOUT_H

#include "pv_proto.h"
#include "regions.h"

#define PV_GAP_ROWS 3

struct pv_seg {
   pv_u64    start, end;       /* addresses [start, end) */
   long long row0, nrows;
   unsigned  first_region, nregions;
};

struct pv_layout {
   struct pv_seg *s;
   unsigned       n, cap;
   int            row_shift;
   long long      total_rows;
   unsigned       regions_gen;
   int            hide_code;
};

void pv_layout_init(struct pv_layout *L);
void pv_layout_free(struct pv_layout *L);
/* (Re)build from RS for rows of 2^ROW_SHIFT bytes; code regions are left out
 * when HIDE_CODE.  0 on success. */
int  pv_layout_build(struct pv_layout *L, const struct pv_regions *rs, int row_shift,
                     int hide_code);
/* A deep copy (for comparing an old layout with a new one). */
int  pv_layout_copy(struct pv_layout *dst, const struct pv_layout *src);

/* Segment index containing ADDR / row ROW, or -1 (ROW in a gap). */
int  pv_layout_seg_of_addr(const struct pv_layout *L, pv_u64 addr);
int  pv_layout_seg_of_row(const struct pv_layout *L, long long row);
/* First segment whose rows end after ROW (for iterating the visible ones). */
unsigned pv_layout_first_seg_from_row(const struct pv_layout *L, long long row);

static inline long long pv_layout_row_in(const struct pv_layout *L, const struct pv_seg *g,
                                         pv_u64 addr)
{
   return g->row0 + (long long)((addr >> L->row_shift) - (g->start >> L->row_shift));
}
/* Address of the first byte of row ROW of segment G (row-aligned). */
static inline pv_u64 pv_layout_row_addr(const struct pv_layout *L, const struct pv_seg *g,
                                        long long row)
{
   return ((g->start >> L->row_shift) + (pv_u64)(row - g->row0)) << L->row_shift;
}
/* Row of ADDR or -1 when it is not in the layout. */
long long pv_layout_row_of(const struct pv_layout *L, pv_u64 addr);

#endif
