/* mapdraw.h -- draws the memory map: the background layer (one texel per
 * cell: unmapped, mapped, allocated-but-untouched) composed with the heat,
 * segment separators, heap block outlines (live blocks
 * outlined, freed ones fading), named ranges, gutter labels, scrollbar. */
#ifndef PV_VIEW_MAPDRAW_H
#define PV_VIEW_MAPDRAW_H

#include "app.h"

void pv_mapdraw(struct pv_app *a);
/* Recompute the background layer (when dirty, at most ~15 times a second;
 * FORCE: now). */
void pv_mapdraw_base(struct pv_app *a, int force);

/* The scrollbar thumb's rectangle (for input.c's hit tests). */
void pv_mapdraw_scrollbar_thumb(const struct pv_app *a, SDL_Rect *thumb);

#endif
