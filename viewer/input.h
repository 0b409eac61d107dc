/* input.h -- keyboard and mouse: scrolling, zooming, follow mode, half-life,
 * help, screenshots, pause / step / slow motion (control.c), quit. */
#ifndef PV_VIEW_INPUT_H
#define PV_VIEW_INPUT_H

#include "app.h"

void pv_input_event(struct pv_app *a, const SDL_Event *e);
/* Zoom out until all mapped regions fit on the screen. */
void pv_input_fit_all(struct pv_app *a);

#endif
