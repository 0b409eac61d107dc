/* colors.h -- the viewer's palette (dark background, projector-friendly) and
 * the mapping from per-frame access counts to heat increments. */
#ifndef PV_VIEW_COLORS_H
#define PV_VIEW_COLORS_H

#include "pv_proto.h"

struct pv_rgb { pv_u8 r, g, b; };

#define PV_C_BG        ((struct pv_rgb){ 20, 23, 30 })    /* window background */
#define PV_C_BAR       ((struct pv_rgb){ 32, 36, 46 })    /* top and status bars */
#define PV_C_MAPPED    ((struct pv_rgb){ 0, 0, 0 })       /* mapped memory, no heat */
#define PV_C_GAP       ((struct pv_rgb){ 70, 78, 96 })    /* separator between segments */
#define PV_C_TEXT      ((struct pv_rgb){ 232, 234, 240 })
#define PV_C_DIM       ((struct pv_rgb){ 150, 158, 176 })
#define PV_C_ACCENT    ((struct pv_rgb){ 255, 196, 64 })
#define PV_C_READ      ((struct pv_rgb){ 0, 255, 0 })
#define PV_C_WRITE     ((struct pv_rgb){ 255, 0, 0 })
#define PV_C_BOTH      ((struct pv_rgb){ 255, 255, 0 })
#define PV_C_KERNEL    ((struct pv_rgb){ 64, 144, 255 })
#define PV_C_UNTOUCHED ((struct pv_rgb){ 52, 50, 86 })    /* allocated, never accessed */
#define PV_C_OUTLINE   ((struct pv_rgb){ 215, 220, 232 }) /* live heap block */
#define PV_C_FREED     ((struct pv_rgb){ 255, 140, 40 })  /* freed block, fading */
#define PV_C_NAMED     ((struct pv_rgb){ 200, 120, 255 }) /* pervert.h named range */
#define PV_C_SCROLL    ((struct pv_rgb){ 40, 45, 58 })
#define PV_C_THUMB     ((struct pv_rgb){ 110, 122, 150 })
#define PV_C_CARD      ((struct pv_rgb){ 12, 14, 20 })
#define PV_C_HOVER     ((struct pv_rgb){ 255, 255, 255 })

/* seconds a freed block's outline takes to fade out */
#define PV_FREED_FADE_S 1.5

/* Heat added to a cell for COUNT accesses in one frame: one access is
 * plainly visible, every doubling adds a step, 16 or more saturate. */
static inline unsigned pv_heat_level(pv_u32 count)
{
   if (count == 0)
      return 0;
   unsigned lg = 31u - (unsigned)__builtin_clz(count);
   unsigned v = 200u + 14u * lg;
   return v > 255u ? 255u : v;
}

/* ARGB8888 texel for heat levels (0..255) of reads, writes and kernel
 * accesses: writes paint the red channel, reads the green one (both: yellow),
 * kernel accesses azure. */
static inline pv_u32 pv_heat_mix(unsigned vr, unsigned vw, unsigned vk)
{
   unsigned R = vw + (vk * PV_C_KERNEL.r) / 255u;
   unsigned G = vr + (vk * PV_C_KERNEL.g) / 255u;
   unsigned B = (vk * PV_C_KERNEL.b) / 255u;
   if (R > 255) R = 255;
   if (G > 255) G = 255;
   return 0xFF000000u | (R << 16) | (G << 8) | B;
}

/* ARGB8888 increment texel for one frame's read / write / kernel counts. */
static inline pv_u32 pv_heat_texel(pv_u32 r, pv_u32 w, pv_u32 k)
{
   return pv_heat_mix(pv_heat_level(r), pv_heat_level(w), pv_heat_level(k));
}

#endif
