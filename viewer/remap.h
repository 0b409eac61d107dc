/* remap.h -- when the view scrolls, zooms or the layout changes, the heat
 * and timeline textures (one texel per visible cell / row) must follow their
 * addresses.  pv_remap_plan lists the copies that move every still-visible
 * piece of the old view to its place in the new one: row strips, each a
 * contiguous address range, source cells -> destination cells (scaled when
 * the zoom changed). */
#ifndef PV_VIEW_REMAP_H
#define PV_VIEW_REMAP_H

#include "layout.h"

/* A view: rows [top, top+rows) of a layout, cols cells of 2^cell_shift bytes. */
struct pv_geom {
   int       cell_shift;
   unsigned  cols;
   long long top;
   int       rows;
};

struct pv_piece { int sx, sy, sw, dx, dy, dw; };   /* heights are 1 row */

struct pv_plan {
   struct pv_piece *p;
   int n, cap;
};

/* Fill PLAN; returns the number of pieces (or -1 on allocation failure). */
int  pv_remap_plan(struct pv_plan *plan,
                   const struct pv_layout *Lo, const struct pv_geom *go,
                   const struct pv_layout *Ln, const struct pv_geom *gn);
void pv_plan_free(struct pv_plan *plan);

#endif
