/* heat.h -- the heat layer: one texel per visible cell, ARGB8888.
 *
 * Every frame the increments (model.h) are turned into texels and added to
 * the heat (saturating ADD); heat decays exponentially with a half-life.
 * GPU path: the heat is a render-target texture; only the rows touched this
 * frame are uploaded into a small streaming texture and ADDed into it; decay
 * is a MOD fill, and on every 4th step also a subtract-1 fill (a custom
 * REV_SUBTRACT blend), so that 8-bit rounding cannot leave a residue
 * (PLATFORM.md: rounding to nearest makes plain MOD decay stick at ~25);
 * subtracting on every step would shorten the half-life visibly at low
 * values, every 4th step keeps within ~15% of exponential and reaches black
 * after about 7 half-lives.  The renderer scales the heat onto
 * the window.  CPU path (software renderer, or no custom blend modes): the
 * same arithmetic on an array -- including the GPU's rounding -- composed
 * with the background and uploaded whole (it is small).  Both give the same
 * pixels (regtest/viewer/test_heat.c).
 *
 * Decay steps are applied when the accumulated factor reaches 240/255 (or
 * every frame if that is smaller), so 8-bit factors stay accurate for long
 * half-lives; the quantisation error is carried to the next step. */
#ifndef PV_VIEW_HEAT_H
#define PV_VIEW_HEAT_H

#include <SDL2/SDL.h>
#include "model.h"
#include "remap.h"

struct pv_heat {
   SDL_Renderer *ren;
   int           gpu;            /* 1: render targets + blending; 0: CPU array */
   int           w, h;           /* cells: cols x rows */
   SDL_Texture  *tex[2];         /* GPU: ping-pong targets (CPU path: unused) */
   int           cur;
   SDL_Texture  *inc;            /* GPU: streaming increments */
   SDL_Texture  *comp;           /* background + heat, w x h (target, or streaming on CPU) */
   pv_u32       *compbuf;        /* CPU: background + heat */
   pv_u32       *cpu, *cpu2;     /* CPU: the heat */
   pv_u32       *stage;          /* increments staging, w*h */
   int           cpu_dirty;
   SDL_BlendMode sub;            /* dst - src, colour only */
   double        half_life_ms;
   double        pending_ms;     /* decay time not applied yet */
   pv_u64        steps;          /* decay steps applied */
};

/* Sets up the heat for REN; FORCE_CPU selects the CPU path.  0 on success. */
int  pv_heat_init(struct pv_heat *h, SDL_Renderer *ren, int force_cpu, double half_life_ms);
void pv_heat_destroy(struct pv_heat *h);
/* Resize to W x H cells (contents cleared). */
int  pv_heat_resize(struct pv_heat *h, int w, int hgt);
/* Add the model's increments of this frame. */
void pv_heat_add(struct pv_heat *h, const struct pv_model *m);
/* Let DT_MS milliseconds of decay pass. */
void pv_heat_decay(struct pv_heat *h, double dt_ms);
/* Apply one decay step with 8-bit factor F (1..255) now (exposed for tests). */
void pv_heat_decay_step(struct pv_heat *h, unsigned f);
/* Move the heat to a new view of W x H cells following PLAN. */
int  pv_heat_remap(struct pv_heat *h, const struct pv_plan *plan, int w, int hgt);
/* Add a whole w x h array of texels (heat re-created for cells that came
 * into view, seed.h). */
void pv_heat_add_texels(struct pv_heat *h, const pv_u32 *texels);
/* Draw the map: background texels BG (w x h ARGB: mapped, unmapped,
 * untouched colours; BG_TEX is the same uploaded) plus the heat, composed
 * at cell resolution, then one unblended scaled copy into DST on the current
 * render target.  (Blending at window resolution costs llvmpipe several ms
 * per pass at 1920x1080; at cell resolution it is free.) */
void pv_heat_compose(struct pv_heat *h, SDL_Texture *bg_tex, const pv_u32 *bg,
                     const SDL_Rect *dst);
/* Copy the heat texels into OUT (w*h ARGB8888), for tests.  0 on success. */
int  pv_heat_read(struct pv_heat *h, pv_u32 *out);

/* Decay steps that also subtract 1: every PV_HEAT_SUB_EVERY-th. */
#define PV_HEAT_SUB_EVERY 4

/* The CPU path's decay of one 8-bit channel value X by factor F/255: the
 * GPU's rounding (llvmpipe: (t + (t >> 8) + 128) >> 8, t = x * f), then
 * minus SUB (0 or 1). */
static inline unsigned pv_heat_decay8(unsigned x, unsigned f, unsigned sub)
{
   unsigned t = x * f;
   unsigned v = (t + (t >> 8) + 128u) >> 8;
   return v > sub ? v - sub : 0;
}

#endif
