/* hud.h -- text overlays: top bar (program, colour legend), captions over
 * the map and the timeline, status bar, hover card, help overlay. */
#ifndef PV_VIEW_HUD_H
#define PV_VIEW_HUD_H

#include "app.h"
#include "card.h"

void pv_hud_draw(struct pv_app *a);
/* The card for the cell under the mouse (or --hover); 0 when there is none.
  * ROW and COL get the cell's screen row and column (-1 when not in view). */
int  pv_hud_hover_card(struct pv_app *a, struct pv_card *c, int *row, int *col);
/* The program state in a few words: "running", "exited (status 0)" ... */
const char *pv_hud_state(const struct pv_app *a, char *buf, size_t n, struct pv_rgb *color);

#endif
