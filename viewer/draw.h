/* draw.h -- the two rectangle primitives every panel of the viewer uses
 * (hud, sites panel, charts, replay player): a filled rectangle, opaque or
 * blended, and a one-pixel frame. */
#ifndef PV_VIEW_DRAW_H
#define PV_VIEW_DRAW_H

#include <SDL2/SDL.h>
#include "colors.h"

static inline void pv_fill(SDL_Renderer *r, const SDL_Rect *rc, struct pv_rgb c, Uint8 alpha)
{
   SDL_SetRenderDrawBlendMode(r, alpha == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
   SDL_SetRenderDrawColor(r, c.r, c.g, c.b, alpha);
   SDL_RenderFillRect(r, rc);
}

static inline void pv_frame(SDL_Renderer *r, const SDL_Rect *rc, struct pv_rgb c)
{
   SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(r, c.r, c.g, c.b, 255);
   SDL_RenderDrawRect(r, rc);
}

#endif
