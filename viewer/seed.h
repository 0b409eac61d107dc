/* seed.h -- heat for cells that come into view.  The heat textures only
 * collect accesses to visible cells; when the view scrolls, zooms or the
 * layout moves, cells that were not in view get their heat re-created from
 * the line counters: each line remembers when it was last accessed and
 * which kinds of access its latest burst had, so its heat now is
 * 255 * 0.5^(age / half-life) in those colours. */
#ifndef PV_VIEW_SEED_H
#define PV_VIEW_SEED_H

#include "model.h"
#include "layout.h"
#include "remap.h"

/* Fill OUT (g->cols x g->rows ARGB8888 texels) with the heat of the cells of
 * view G of layout L that the pieces of COVERED (may be NULL) do not cover;
 * covered cells get black.  NOW_MS is the model's clock. */
void pv_seed_heat(const struct pv_model *m, const struct pv_layout *L,
                  const struct pv_geom *g, const struct pv_plan *covered,
                  pv_u32 now_ms, double half_life_ms, pv_u32 *out);

#endif
