/* control.h -- pause, step and slow motion from the window (the control
 * channel, shared/PROTOCOL.txt 5a).  Keys ask for a command; the command is
 * posted as soon as the slot is free (the latest wish wins; a rate change
 * waits in its own slot so that it does not cancel a pause or a step). */
#ifndef PV_VIEW_CONTROL_H
#define PV_VIEW_CONTROL_H

#include "app.h"

/* 1 while commands can be sent (attached, the program not over). */
int  pv_control_usable(const struct pv_app *a);
/* space: pause, or resume when held (or about to be). */
void pv_control_toggle(struct pv_app *a);
/* PV_CMD_STEP (N accesses), PV_CMD_STEP_ALLOC, PV_CMD_STEP_MARK. */
void pv_control_step(struct pv_app *a, int cmd, pv_u64 n);
/* r: the next slower rate (after the slowest: full speed); R: full speed. */
void pv_control_slower(struct pv_app *a);
void pv_control_full_speed(struct pv_app *a);
/* Each turn of the main loop, after ingesting: post what waits, notice the
 * effects (--log-control prints them). */
void pv_control_tick(struct pv_app *a);
/* The status bar's word for it: "pausing...", "stepping...", "paused",
 * "slow: K acc/s" ...; NULL when there is nothing to say (running at full
 * speed, or no control). */
const char *pv_control_state(const struct pv_app *a, char *buf, size_t n, int *busy);

#endif
