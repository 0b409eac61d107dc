/* sitepanel.h -- the sites panel on the right of the window (issue 6): code
 * sites sorted by accesses, bytes or distinct cache lines, with filters;
 * for the selected site its numbers, signed stride histogram, stride over
 * time and reuse distance; the code context (source lines) of the access
 * under the mouse; and the heap block card.  Reads struct pv_sites
 * (sites.c) and the model; keys and clicks change the selection and the
 * filters. */
#ifndef PV_VIEW_SITEPANEL_H
#define PV_VIEW_SITEPANEL_H

#include <stdio.h>
#include <SDL2/SDL.h>
#include "pv_proto.h"

#define PV_PANEL_LIST 64

struct pv_app;

struct pv_panel {
   int      open;
   int      block_open;        /* the block card is shown */
   pv_u64   block_addr;        /* the block it shows (0: the busiest) */
   const char *block_what;     /* --block-card=WHAT, resolved at draw time */
   pv_u32   ids[PV_PANEL_LIST];/* the list as last drawn */
   int      rank[PV_PANEL_LIST];
   int      n, first;          /* entries, first one shown */
   double   next;              /* when to re-sort */
   SDL_Rect rect;              /* the panel */
   SDL_Rect list;              /* its list rows */
   int      row_h, rows;       /* list row height, rows shown */
   pv_u64   tids_seen;         /* thread ids seen (bit tid % 64) */
   int      final;             /* the list was made after the stream ended */
   SDL_Rect hist;              /* where the stride histogram was drawn (tests) */
};

/* Re-sort the list (at most every 0.25 s unless FORCE); the index of the
 * selected site in it (-1: not there). */
void pv_panel_refresh(struct pv_app *a, int force);
int  pv_panel_sel_index(const struct pv_app *a);

/* Width the panel takes in a W-pixel window (0 when closed). */
int  pv_panel_width(const struct pv_app *a, int W);
/* After the screen layout (made W - width wide): full-width bars, the panel's rect. */
void pv_panel_place(struct pv_app *a, int W, int H);
void pv_panel_draw(struct pv_app *a);
/* A key; returns 1 when the panel used it. */
int  pv_panel_key(struct pv_app *a, SDL_Keycode c, int shift);
/* A left click at (X, Y); returns 1 when it was on the panel. */
int  pv_panel_click(struct pv_app *a, int x, int y);
/* Right click on the map: select the site of the last access there, and
 * show the card of the block there.  Returns 1 when something was there. */
int  pv_panel_pick_at(struct pv_app *a, int x, int y);

/* Follow mode with a site selected: keep what it accessed in view (the
 * region of its lowest address, widened to whole heap blocks).  Returns 1
 * when it decided (then the usual follow mode must not). */
int  pv_panel_follow(struct pv_app *a, double now);

/* The access site and the allocation stack of the cell under the mouse (or
 * of --hover=ADDR); returns 0 when neither is known. */
int  pv_panel_context(struct pv_app *a, pv_u32 *site, pv_u32 *stack);

/* --dump-sites, --block-card: print the panel's numbers / the card. */
void pv_panel_dump(struct pv_app *a, FILE *out);
void pv_panel_dump_block(struct pv_app *a, FILE *out);

#endif
