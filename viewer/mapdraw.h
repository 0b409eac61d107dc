/* mapdraw.h -- draws the memory map: mapped cells, the untouched-allocation
 * layer, the heat, segment separators, heap block outlines (live blocks
 * outlined, freed ones fading), named ranges, gutter labels, scrollbar. */
#ifndef PV_VIEW_MAPDRAW_H
#define PV_VIEW_MAPDRAW_H

#include "app.h"

void pv_mapdraw(struct pv_app *a);
/* Recompute the untouched-allocation layer now (when dirty). */
void pv_mapdraw_base(struct pv_app *a, int force);

/* The scrollbar thumb's rectangle (for input.c's hit tests). */
void pv_mapdraw_scrollbar_thumb(const struct pv_app *a, SDL_Rect *thumb);

#endif
