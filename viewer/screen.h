/* screen.h -- where things are in the window: bars, label gutter, map,
 * scrollbar, timeline; and cell <-> pixel conversion for the map.
 * Rows are PV_ROW_PX pixels tall; the map is cols cells wide (cells are an
 * integer number of pixels wide when they can be). */
#ifndef PV_VIEW_SCREEN_H
#define PV_VIEW_SCREEN_H

#include <SDL2/SDL.h>

#define PV_ROW_PX 4

struct pv_screen {
   int      W, H;
   SDL_Rect top, status;       /* bars */
   SDL_Rect map_head, tl_head; /* captions over map and timeline */
   SDL_Rect gutter, map, scroll, tl;
   int      rows;              /* visible rows */
   unsigned cols;
};

/* Lay out a W x H window for COLS cells per row; FONT_H and CHAR_W are the
 * normal font's line height and advance, SMALL_H the small font's height. */
void pv_screen_layout(struct pv_screen *s, int W, int H, unsigned cols,
                      int font_h, int char_w, int small_h);

static inline int pv_screen_col_x(const struct pv_screen *s, long col)
{
   return s->map.x + (int)(col * s->map.w / (long)s->cols);
}
static inline int pv_screen_row_y(const struct pv_screen *s, long row)
{
   return s->map.y + (int)row * PV_ROW_PX;
}
/* Row and column of map pixel (X, Y); 0 if outside the map. */
int pv_screen_hit_map(const struct pv_screen *s, int x, int y, int *row, int *col);

#endif
