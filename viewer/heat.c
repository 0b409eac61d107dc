/* heat.c -- the heat layer on the GPU (render targets) or the CPU, with the
 * same pixel results (see heat.h). */
#include "heat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"

static void clear_target(SDL_Renderer *ren, SDL_Texture *t)
{
   SDL_Texture *prev = SDL_GetRenderTarget(ren);
   SDL_SetRenderTarget(ren, t);
   SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
   SDL_RenderClear(ren);
   SDL_SetRenderTarget(ren, prev);
}

static SDL_Texture *make_tex(SDL_Renderer *ren, int access, int w, int h)
{
   SDL_Texture *t = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, access, w, h);
   if (t) {
      SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
      SDL_SetTextureBlendMode(t, SDL_BLENDMODE_ADD);
   }
   return t;
}

int pv_heat_init(struct pv_heat *h, SDL_Renderer *ren, int force_cpu, double half_life_ms)
{
   memset(h, 0, sizeof *h);
   h->ren = ren;
   h->half_life_ms = half_life_ms;
   h->sub = SDL_ComposeCustomBlendMode(SDL_BLENDFACTOR_ONE, SDL_BLENDFACTOR_ONE,
                                       SDL_BLENDOPERATION_REV_SUBTRACT,
                                       SDL_BLENDFACTOR_ZERO, SDL_BLENDFACTOR_ONE,
                                       SDL_BLENDOPERATION_REV_SUBTRACT);
   h->gpu = 0;
   if (!force_cpu && SDL_RenderTargetSupported(ren)) {
      /* The renderer refuses blend modes it cannot do (the software one). */
      SDL_BlendMode keep;
      SDL_GetRenderDrawBlendMode(ren, &keep);
      if (SDL_SetRenderDrawBlendMode(ren, h->sub) == 0
          && SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_MOD) == 0)
         h->gpu = 1;
      SDL_SetRenderDrawBlendMode(ren, keep);
   }
   return 0;
}

static void release(struct pv_heat *h)
{
   for (int i = 0; i < 2; i++)
      if (h->tex[i])
         SDL_DestroyTexture(h->tex[i]);
   if (h->inc)
      SDL_DestroyTexture(h->inc);
   if (h->comp)
      SDL_DestroyTexture(h->comp);
   h->tex[0] = h->tex[1] = h->inc = h->comp = NULL;
   free(h->cpu);
   free(h->cpu2);
   free(h->stage);
   free(h->compbuf);
   h->cpu = h->cpu2 = h->stage = h->compbuf = NULL;
}

void pv_heat_destroy(struct pv_heat *h)
{
   release(h);
}

/* Make textures and buffers for W x H into the fields (old ones must have
 * been taken away by the caller). */
static int alloc_size(struct pv_heat *h, int w, int hgt)
{
   size_t n = (size_t)w * (size_t)hgt;
   h->w = w;
   h->h = hgt;
   h->stage = calloc(n, sizeof *h->stage);
   if (!h->stage)
      return -1;
   if (h->comp)
      SDL_DestroyTexture(h->comp);
   h->comp = make_tex(h->ren, h->gpu ? SDL_TEXTUREACCESS_TARGET : SDL_TEXTUREACCESS_STREAMING, w, hgt);
   free(h->compbuf);
   h->compbuf = h->gpu ? NULL : malloc(n * sizeof *h->compbuf);
   if (!h->comp || (!h->gpu && !h->compbuf))
      return -1;
   SDL_SetTextureBlendMode(h->comp, SDL_BLENDMODE_NONE);
   if (h->gpu) {
      h->tex[0] = make_tex(h->ren, SDL_TEXTUREACCESS_TARGET, w, hgt);
      h->tex[1] = make_tex(h->ren, SDL_TEXTUREACCESS_TARGET, w, hgt);
      h->inc = make_tex(h->ren, SDL_TEXTUREACCESS_STREAMING, w, hgt);
      if (!h->tex[0] || !h->tex[1] || !h->inc)
         return -1;
      clear_target(h->ren, h->tex[0]);
      clear_target(h->ren, h->tex[1]);
      h->cur = 0;
   } else {
      h->cpu = malloc(n * sizeof *h->cpu);
      h->cpu2 = malloc(n * sizeof *h->cpu2);
      if (!h->cpu || !h->cpu2)
         return -1;
      for (size_t i = 0; i < n; i++)
         h->cpu[i] = 0xFF000000u;
      h->cpu_dirty = 1;
   }
   return 0;
}

int pv_heat_resize(struct pv_heat *h, int w, int hgt)
{
   release(h);
   return alloc_size(h, w, hgt);
}

static inline pv_u32 sat_add(pv_u32 a, pv_u32 b)
{
   unsigned r = ((a >> 16) & 255) + ((b >> 16) & 255);
   unsigned g = ((a >> 8) & 255) + ((b >> 8) & 255);
   unsigned c = (a & 255) + (b & 255);
   if (r > 255) r = 255;
   if (g > 255) g = 255;
   if (c > 255) c = 255;
   return 0xFF000000u | (r << 16) | (g << 8) | c;
}

void pv_heat_add(struct pv_heat *h, const struct pv_model *m)
{
   if (m->inc_min > m->inc_max || !h->stage || (size_t)h->w != m->cols || h->h != m->rows)
      return;
   int r0 = (int)(m->inc_min / h->w), r1 = (int)(m->inc_max / h->w);
   if (r1 >= h->h)
      r1 = h->h - 1;
   if (h->gpu) {
      const struct pv_cellinc *in = &m->inc[(size_t)r0 * h->w];
      size_t n = (size_t)(r1 - r0 + 1) * h->w;
      for (size_t i = 0; i < n; i++)
         h->stage[i] = (in[i].r | in[i].w | in[i].k) ? pv_heat_texel(in[i].r, in[i].w, in[i].k)
                                                     : 0xFF000000u;
      SDL_Rect rc = { 0, r0, h->w, r1 - r0 + 1 };
      SDL_UpdateTexture(h->inc, &rc, h->stage, h->w * 4);
      SDL_Texture *prev = SDL_GetRenderTarget(h->ren);
      SDL_SetRenderTarget(h->ren, h->tex[h->cur]);
      SDL_SetTextureBlendMode(h->inc, SDL_BLENDMODE_ADD);
      SDL_RenderCopy(h->ren, h->inc, &rc, &rc);
      SDL_SetRenderTarget(h->ren, prev);
   } else {
      for (long i = m->inc_min; i <= m->inc_max && i < (long)h->w * h->h; i++) {
         const struct pv_cellinc *c = &m->inc[i];
         if (c->r | c->w | c->k)
            h->cpu[i] = sat_add(h->cpu[i], pv_heat_texel(c->r, c->w, c->k));
      }
      h->cpu_dirty = 1;
   }
}

void pv_heat_add_texels(struct pv_heat *h, const pv_u32 *texels)
{
   if (!h->stage)
      return;
   if (h->gpu) {
      SDL_UpdateTexture(h->inc, NULL, texels, h->w * 4);
      SDL_Texture *prev = SDL_GetRenderTarget(h->ren);
      SDL_SetRenderTarget(h->ren, h->tex[h->cur]);
      SDL_SetTextureBlendMode(h->inc, SDL_BLENDMODE_ADD);
      SDL_RenderCopy(h->ren, h->inc, NULL, NULL);
      SDL_SetRenderTarget(h->ren, prev);
   } else {
      size_t n = (size_t)h->w * h->h;
      for (size_t i = 0; i < n; i++)
         if (texels[i] & 0xFFFFFF)
            h->cpu[i] = sat_add(h->cpu[i], texels[i]);
      h->cpu_dirty = 1;
   }
}

void pv_heat_decay_step(struct pv_heat *h, unsigned f)
{
   h->steps++;
   unsigned sub = (h->steps % PV_HEAT_SUB_EVERY) == 0;
   if (h->gpu) {
      SDL_Texture *prev = SDL_GetRenderTarget(h->ren);
      SDL_SetRenderTarget(h->ren, h->tex[h->cur]);
      SDL_SetRenderDrawBlendMode(h->ren, SDL_BLENDMODE_MOD);
      SDL_SetRenderDrawColor(h->ren, (Uint8)f, (Uint8)f, (Uint8)f, 255);
      SDL_RenderFillRect(h->ren, NULL);
      if (sub) {
         SDL_SetRenderDrawBlendMode(h->ren, h->sub);
         SDL_SetRenderDrawColor(h->ren, 1, 1, 1, 0);
         SDL_RenderFillRect(h->ren, NULL);
      }
      SDL_SetRenderDrawBlendMode(h->ren, SDL_BLENDMODE_NONE);
      SDL_SetRenderTarget(h->ren, prev);
   } else {
      /* table for speed: the same arithmetic for every channel value */
      pv_u8 tab[256];
      for (unsigned x = 0; x < 256; x++)
         tab[x] = (pv_u8)pv_heat_decay8(x, f, sub);
      size_t n = (size_t)h->w * h->h;
      for (size_t i = 0; i < n; i++) {
         pv_u32 v = h->cpu[i];
         if ((v & 0xFFFFFF) == 0)
            continue;
         h->cpu[i] = 0xFF000000u | ((pv_u32)tab[(v >> 16) & 255] << 16)
                     | ((pv_u32)tab[(v >> 8) & 255] << 8) | tab[v & 255];
      }
      h->cpu_dirty = 1;
   }
}

void pv_heat_decay(struct pv_heat *h, double dt_ms)
{
   if (dt_ms <= 0 || h->half_life_ms <= 0)
      return;
   h->pending_ms += dt_ms;
   double F = pow(0.5, h->pending_ms / h->half_life_ms);
   if (F > 240.0 / 255.0)
      return;
   long f = lround(F * 255.0);
   if (f <= 0) {
      pv_heat_decay_step(h, 0);
      h->pending_ms = 0;
      return;
   }
   pv_heat_decay_step(h, (unsigned)f);
   /* the time this factor stood for; the rest carries over */
   h->pending_ms -= h->half_life_ms * log2(255.0 / (double)f);
   if (h->pending_ms < 0)
      h->pending_ms = 0;
}

int pv_heat_remap(struct pv_heat *h, const struct pv_plan *plan, int w, int hgt)
{
   if (h->gpu) {
      SDL_Texture *src = h->tex[h->cur], *dst;
      SDL_Texture *other = h->tex[1 - h->cur], *oinc = h->inc;
      pv_u32 *ostage = h->stage;
      int resized = (w != h->w || hgt != h->h);
      if (resized) {
         h->tex[0] = h->tex[1] = h->inc = NULL;
         h->stage = NULL;
         if (alloc_size(h, w, hgt)) {
            SDL_DestroyTexture(src);
            SDL_DestroyTexture(other);
            SDL_DestroyTexture(oinc);
            free(ostage);
            return -1;
         }
         dst = h->tex[0];
         h->cur = 0;
      } else {
         dst = other;
         clear_target(h->ren, dst);
         h->cur = 1 - h->cur;
      }
      SDL_Texture *prev = SDL_GetRenderTarget(h->ren);
      SDL_SetRenderTarget(h->ren, dst);
      SDL_SetTextureBlendMode(src, SDL_BLENDMODE_ADD);
      for (int i = 0; plan && i < plan->n; i++) {
         const struct pv_piece *p = &plan->p[i];
         SDL_Rect s = { p->sx, p->sy, p->sw, 1 }, d = { p->dx, p->dy, p->dw, 1 };
         SDL_RenderCopy(h->ren, src, &s, &d);
      }
      SDL_SetRenderTarget(h->ren, prev);
      if (resized) {
         SDL_DestroyTexture(src);
         SDL_DestroyTexture(other);
         SDL_DestroyTexture(oinc);
         free(ostage);
      }
      return 0;
   }
   /* CPU: the same copies with nearest sampling, saturating add */
   int ow = h->w, oh = h->h;
   pv_u32 *old = h->cpu;
   pv_u32 *spare = h->cpu2;
   size_t n = (size_t)w * hgt;
   pv_u32 *nw;
   if (w != ow || hgt != oh) {
      h->cpu = NULL;
      h->cpu2 = NULL;
      free(h->stage);
      h->stage = NULL;
      if (alloc_size(h, w, hgt)) {
         free(old);
         free(spare);
         return -1;
      }
      nw = h->cpu;
      free(spare);
      spare = NULL;
   } else {
      nw = spare;
      for (size_t i = 0; i < n; i++)
         nw[i] = 0xFF000000u;
   }
   for (int i = 0; plan && i < plan->n; i++) {
      const struct pv_piece *p = &plan->p[i];
      if (p->sy < 0 || p->sy >= oh || p->dy < 0 || p->dy >= hgt)
         continue;
      for (int x = 0; x < p->dw; x++) {
         int sx = p->sx + (int)(((long)x * 2 + 1) * p->sw / (2L * p->dw));
         int dx = p->dx + x;
         if (sx < 0 || sx >= ow || dx < 0 || dx >= w)
            continue;
         pv_u32 *d = &nw[(size_t)p->dy * w + dx];
         *d = sat_add(*d, old[(size_t)p->sy * ow + sx]);
      }
   }
   if (w != ow || hgt != oh) {
      free(old);
   } else {
      h->cpu2 = old;
      h->cpu = nw;
   }
   h->cpu_dirty = 1;
   return 0;
}

void pv_heat_compose(struct pv_heat *h, SDL_Texture *bg_tex, const pv_u32 *bg,
                     const SDL_Rect *dst)
{
   if (!h->comp || !h->stage)
      return;
   if (h->gpu) {
      SDL_Texture *prev = SDL_GetRenderTarget(h->ren);
      SDL_SetRenderTarget(h->ren, h->comp);
      if (bg_tex) {
         SDL_SetTextureBlendMode(bg_tex, SDL_BLENDMODE_NONE);
         SDL_RenderCopy(h->ren, bg_tex, NULL, NULL);
      } else {
         SDL_SetRenderDrawBlendMode(h->ren, SDL_BLENDMODE_NONE);
         SDL_SetRenderDrawColor(h->ren, 0, 0, 0, 255);
         SDL_RenderClear(h->ren);
      }
      SDL_SetTextureBlendMode(h->tex[h->cur], SDL_BLENDMODE_ADD);
      SDL_RenderCopy(h->ren, h->tex[h->cur], NULL, NULL);
      SDL_SetRenderTarget(h->ren, prev);
   } else {
      size_t n = (size_t)h->w * h->h;
      for (size_t i = 0; i < n; i++)
         h->compbuf[i] = bg ? sat_add(bg[i], h->cpu[i]) : h->cpu[i];
      SDL_UpdateTexture(h->comp, NULL, h->compbuf, h->w * 4);
   }
   SDL_SetTextureBlendMode(h->comp, SDL_BLENDMODE_NONE);
   SDL_RenderCopy(h->ren, h->comp, NULL, dst);
}

int pv_heat_read(struct pv_heat *h, pv_u32 *out)
{
   if (!h->gpu) {
      memcpy(out, h->cpu, (size_t)h->w * h->h * sizeof *out);
      return 0;
   }
   SDL_Texture *prev = SDL_GetRenderTarget(h->ren);
   SDL_SetRenderTarget(h->ren, h->tex[h->cur]);
   int rc = SDL_RenderReadPixels(h->ren, NULL, SDL_PIXELFORMAT_ARGB8888, out, h->w * 4);
   SDL_SetRenderTarget(h->ren, prev);
   return rc;
}
