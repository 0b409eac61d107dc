/* player.h -- replay controls for pervert-view FILE.pvt: play/pause,
 * playback speed, steps of N events forwards and backwards, jumps to
 * pervert.h marks, and the time slider at the bottom of the window (drawn
 * here, dragged with the mouse).  Positions move through replay.c; after a
 * jump the heat is re-created from the line counters. */
#ifndef PV_VIEW_PLAYER_H
#define PV_VIEW_PLAYER_H

#include <SDL2/SDL.h>
#include "replay.h"

struct pv_app;

struct pv_player {
   struct pv_replay rp;
   int    playing;
   int    speed_i;                /* index in the speed list */
   double vt_ns;                  /* play clock: run time shown */
   double speed_shown;            /* --render: the exact --speed (0: the list's) */
   int    jumped;                 /* a seek happened: rebuild heat and timeline */
   int    dragging;               /* the slider */
   int    drag_pending;
   pv_u64 drag_to;
   SDL_Rect slider;
   char   err[600];               /* a seek or read error (shown, stops playing) */
};

double pv_player_speed(const struct pv_player *p);
/* Speed from --speed (nearest in the list). */
void pv_player_set_speed(struct pv_player *p, double s);
/* Carve the slider out of the bottom of the body of a->scr. */
void pv_player_layout(struct pv_app *a);
/* Scan some more of the file and, when playing, advance the play clock by
 * WALL_DT seconds times the speed.  Call once per frame. */
void pv_player_tick(struct pv_app *a, double wall_dt, double scan_budget_s);
/* Move to record EV (all records before it in the model). */
void pv_player_seek_event(struct pv_app *a, pv_u64 ev);
void pv_player_draw(struct pv_app *a);
/* --log-control: say where the slider is and whether it plays */
void pv_player_log_start(const struct pv_app *a);
/* Key and mouse handling; 1 when the event was the player's. */
int  pv_player_key(struct pv_app *a, const SDL_KeyboardEvent *k);
int  pv_player_mouse(struct pv_app *a, const SDL_Event *e);
/* status text: "paused  2x  event 1.2M / 27M  0.512 s / 1.030 s" */
void pv_player_status(const struct pv_app *a, char *buf, size_t n);

#endif
