/* timeline.h -- the timeline strip: the visible rows of the map (same
 * compact layout, same vertical position) against time.  Each column is one
 * time slice; the newest is at the right and the strip scrolls left as the
 * program runs.  Kept in a render-target texture used as a ring of columns
 * (one texel per row and slice); a finished slice uploads one column.
 * pervert.h marks are lines across the strip at the slice they came in. */
#ifndef PV_VIEW_TIMELINE_H
#define PV_VIEW_TIMELINE_H

#include <SDL2/SDL.h>
#include "model.h"
#include "remap.h"

#define PV_TL_MARKS 8

struct pv_timeline {
   SDL_Renderer *ren;
   SDL_Texture  *tex, *spare;  /* w x h targets (ping-pong for remaps) */
   SDL_Texture  *col;          /* 1 x h streaming: the column being added */
   int           w, h;         /* columns (slices), rows */
   int           head;         /* next column to write */
   pv_u32       *acc;          /* per row: reads, writes, kernel (3 * h) */
   pv_u32       *colbuf;       /* h texels */
   double        slice_s;
   double        t_next;       /* end of the current slice (pv_now clock) */
   int           frozen;       /* the program ended: stop scrolling */
   pv_u64        columns;      /* columns written in total */
   /* the latest pervert.h marks: a line across the strip at their column */
   struct { pv_u64 column; char text[40]; } marks[PV_TL_MARKS];
   unsigned      nmarks, mark_seen;
};

int  pv_timeline_init(struct pv_timeline *t, SDL_Renderer *ren, double slice_ms);
void pv_timeline_destroy(struct pv_timeline *t);
/* Resize to W columns x H rows (cleared). */
int  pv_timeline_resize(struct pv_timeline *t, int w, int h);
/* Add this frame's increments to the current slice. */
void pv_timeline_accumulate(struct pv_timeline *t, const struct pv_model *m);
/* Close the slices that ended by NOW. */
void pv_timeline_tick(struct pv_timeline *t, double now);
/* Follow a view change (rows move; W stays). */
int  pv_timeline_remap(struct pv_timeline *t, const struct pv_plan *plan, int h);
/* Draw into DST, oldest column at the left, marks as lines. */
void pv_timeline_draw(struct pv_timeline *t, const SDL_Rect *dst);
/* Where mark K (0: the oldest kept) is drawn in DST: its x, or -1 when it
 * has scrolled out; *TEXT its text. */
int  pv_timeline_mark_x(const struct pv_timeline *t, const SDL_Rect *dst, unsigned k,
                        const char **text);

#endif
