/* playback.h -- pervert-view FILE.pvt: the replay's main loops (the
 * window; a headless screenshot; a headless video, --render) and its
 * headless checks (--model-hash-at, --seek-test).  Records flow trace file
 * -> replay.c -> ingest -> model -> the same renderer as live. */
#ifndef PV_VIEW_PLAYBACK_H
#define PV_VIEW_PLAYBACK_H

struct pv_app;

/* Open the trace (before SDL starts).  0, or an exit status (message printed). */
int pv_playback_open(struct pv_app *a);
/* --model-hash-at / --seek-test (no window needed): -1 if neither was
 * asked for, else the exit status. */
int pv_playback_checks(struct pv_app *a);
/* The window, --screenshot or --render, once SDL is up.  Exit status. */
int pv_playback_run(struct pv_app *a);

#endif
