/* view.h -- what part of the compact layout is on screen and how: bytes per
 * cell (zoom), first visible row (scroll), follow mode (keep the busiest
 * region in view, zooming out to fit while automatic zoom is on). */
#ifndef PV_VIEW_VIEW_H
#define PV_VIEW_VIEW_H

#include "layout.h"
#include "model.h"

#define PV_MAX_CELL_SHIFT 12          /* a page per cell */
#define PV_FOLLOW_PERIOD  0.1         /* seconds between follow decisions */

struct pv_view {
   int       cell_shift;              /* log2 bytes per cell */
   unsigned  cols;
   int       col_shift;
   long long top;                     /* first visible row */
   int       rows;                    /* visible rows */
   int       follow, autozoom, hide_code;

   int       anchor_pending;          /* after a zoom: keep anchor_addr at anchor_row */
   pv_u64    anchor_addr;
   int       anchor_row;
   int       goto_pending;
   pv_u64    goto_addr;

   int       show_pending;            /* follow: bring [follow_lo, follow_hi) into view */
   pv_u64    follow_lo, follow_hi;
   pv_u64    follow_region;           /* start of the region followed */
   double    next_follow;
};

void pv_view_init(struct pv_view *v, unsigned cols, int zoom_shift, int rows);
static inline int pv_view_row_shift(const struct pv_view *v)
{
   return v->col_shift + v->cell_shift;
}
/* User actions: they turn follow mode (scrolling) / automatic zoom off. */
void pv_view_scroll(struct pv_view *v, long long drows);
void pv_view_scroll_to(struct pv_view *v, long long top);
void pv_view_zoom(struct pv_view *v, int dz, pv_u64 anchor_addr, int anchor_row);
void pv_view_goto(struct pv_view *v, pv_u64 addr);
void pv_view_set_follow(struct pv_view *v, int on);

/* Follow mode's periodic decision (call every frame; acts every
 * PV_FOLLOW_PERIOD): the busiest region is the one with the most heat, i.e.
 * the most lines accessed recently, weighted by 0.5^(age / half-life); the
 * view shows its hot part, widened to whole heap blocks.  May change
 * cell_shift: rebuild the layout before pv_view_settle. */
void pv_view_follow_tick(struct pv_view *v, struct pv_model *m, double now,
                         double half_life_ms);
/* Show [LO, HI) (widened to whole heap blocks) as follow mode does; may
 * zoom out. */
void pv_view_follow_range(struct pv_view *v, const struct pv_model *m, pv_u64 lo, pv_u64 hi);
/* Apply pending anchors, follow and goto against the current layout L and
 * clamp the scroll position. */
void pv_view_settle(struct pv_view *v, const struct pv_layout *L);

/* Address shown at the start of visible row ROW (0-based on screen), or the
 * nearest segment's when ROW is in a gap; 0 when the layout is empty. */
pv_u64 pv_view_addr_at_row(const struct pv_view *v, const struct pv_layout *L, int row);
/* The address range of the cell at screen ROW, COL; 0 if it is not mapped. */
int pv_view_cell_range(const struct pv_view *v, const struct pv_layout *L, int row, int col,
                       pv_u64 *lo, pv_u64 *hi);
/* Screen row and column of ADDR; 0 if it is not in view. */
int pv_view_locate(const struct pv_view *v, const struct pv_layout *L, pv_u64 addr,
                   int *row, int *col);

#endif
