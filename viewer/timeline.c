/* timeline.c -- address (compact rows) against time (see timeline.h). */
#include "timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "util.h"

static SDL_Texture *make_target(SDL_Renderer *ren, int w, int h)
{
   SDL_Texture *t = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888,
                                      SDL_TEXTUREACCESS_TARGET, w, h);
   if (!t)
      return NULL;
   SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
   SDL_Texture *prev = SDL_GetRenderTarget(ren);
   SDL_SetRenderTarget(ren, t);
   SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
   SDL_RenderClear(ren);
   SDL_SetRenderTarget(ren, prev);
   return t;
}

int pv_timeline_init(struct pv_timeline *t, SDL_Renderer *ren, double slice_ms)
{
   memset(t, 0, sizeof *t);
   t->ren = ren;
   t->slice_s = slice_ms / 1000.0;
   return 0;
}

static void release(struct pv_timeline *t)
{
   if (t->tex) SDL_DestroyTexture(t->tex);
   if (t->spare) SDL_DestroyTexture(t->spare);
   if (t->col) SDL_DestroyTexture(t->col);
   t->tex = t->spare = t->col = NULL;
   free(t->acc);
   free(t->colbuf);
   t->acc = t->colbuf = NULL;
}

void pv_timeline_destroy(struct pv_timeline *t)
{
   release(t);
}

int pv_timeline_resize(struct pv_timeline *t, int w, int h)
{
   release(t);
   t->w = w > 1 ? w : 1;
   t->h = h > 1 ? h : 1;
   t->head = 0;
   t->tex = make_target(t->ren, t->w, t->h);
   t->spare = make_target(t->ren, t->w, t->h);
   t->col = SDL_CreateTexture(t->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                              1, t->h);
   t->acc = calloc((size_t)t->h * 3, sizeof *t->acc);
   t->colbuf = calloc((size_t)t->h, sizeof *t->colbuf);
   if (!t->tex || !t->spare || !t->col || !t->acc || !t->colbuf)
      return -1;
   return 0;
}

void pv_timeline_accumulate(struct pv_timeline *t, const struct pv_model *m)
{
   if (m->mark_seq != t->mark_seen) {
      /* a mark came in with this frame's records: it belongs to the slice
       * being collected (the next column written) */
      t->mark_seen = m->mark_seq;
      if (t->nmarks == PV_TL_MARKS) {
         memmove(&t->marks[0], &t->marks[1], (PV_TL_MARKS - 1) * sizeof t->marks[0]);
         t->nmarks--;
      }
      t->marks[t->nmarks].column = t->columns;
      snprintf(t->marks[t->nmarks].text, sizeof t->marks[0].text, "%.39s", m->mark);
      t->nmarks++;
   }
   if (m->inc_min > m->inc_max || !t->acc || (int)m->rows != t->h)
      return;
   long cols = (long)m->cols;
   long r0 = m->inc_min / cols, r1 = m->inc_max / cols;
   for (long r = r0; r <= r1 && r < t->h; r++) {
      const struct pv_cellinc *c = &m->inc[r * cols];
      pv_u32 sr = 0, sw = 0, sk = 0;
      for (long i = 0; i < cols; i++) {
         sr += c[i].r;
         sw += c[i].w;
         sk += c[i].k;
      }
      pv_u32 *a = &t->acc[r * 3];
      a[0] += sr;
      a[1] += sw;
      a[2] += sk;
   }
}

/* Write the current slice's column (KEEP: leave the counts, for the next
 * column too). */
static void push_column_keep(struct pv_timeline *t, int keep)
{
   for (int r = 0; r < t->h; r++) {
      pv_u32 *a = &t->acc[r * 3];
      t->colbuf[r] = pv_heat_texel(a[0], a[1], a[2]);
      if (!keep)
         a[0] = a[1] = a[2] = 0;
   }
   SDL_UpdateTexture(t->col, NULL, t->colbuf, 4);
   SDL_Texture *prev = SDL_GetRenderTarget(t->ren);
   SDL_SetRenderTarget(t->ren, t->tex);
   SDL_SetTextureBlendMode(t->col, SDL_BLENDMODE_NONE);
   SDL_Rect d = { t->head, 0, 1, t->h };
   SDL_RenderCopy(t->ren, t->col, NULL, &d);
   SDL_SetRenderTarget(t->ren, prev);
   t->head = (t->head + 1) % t->w;
   t->columns++;
}

static void push_column(struct pv_timeline *t)
{
   push_column_keep(t, 0);
}

void pv_timeline_tick(struct pv_timeline *t, double now)
{
   if (!t->tex)
      return;
   if (t->t_next == 0)
      t->t_next = now + t->slice_s;
   if (t->frozen) {
      /* flush what the last slice collected, then stand still */
      int any = 0;
      for (int i = 0; i < t->h * 3 && !any; i++)
         any = t->acc[i] != 0;
      if (any)
         push_column(t);
      t->t_next = now + t->slice_s;
      return;
   }
   /* slices that ended since the last frame; when frames come slower than
    * slices (the viewer catching up with a fast program), the frame's
    * accesses fill all of them rather than leaving black gaps */
   int n = 0;
   while (now >= t->t_next + n * t->slice_s)
      n++;
   for (int i = 0; i < n && i < t->w; i++)
      push_column_keep(t, i + 1 < n && i + 1 < t->w);
   t->t_next += n * t->slice_s;
}

int pv_timeline_remap(struct pv_timeline *t, const struct pv_plan *plan, int h)
{
   if (!t->tex)
      return -1;
   h = h > 1 ? h : 1;
   SDL_Texture *src = t->tex, *dst;
   SDL_Texture *old_spare = NULL, *old_col = NULL;
   if (h != t->h) {
      SDL_Texture *nt = make_target(t->ren, t->w, h), *ns = make_target(t->ren, t->w, h);
      SDL_Texture *nc = SDL_CreateTexture(t->ren, SDL_PIXELFORMAT_ARGB8888,
                                          SDL_TEXTUREACCESS_STREAMING, 1, h);
      pv_u32 *na = calloc((size_t)h * 3, sizeof *na), *nb = calloc((size_t)h, sizeof *nb);
      if (!nt || !ns || !nc || !na || !nb) {
         if (nt) SDL_DestroyTexture(nt);
         if (ns) SDL_DestroyTexture(ns);
         if (nc) SDL_DestroyTexture(nc);
         free(na);
         free(nb);
         return -1;
      }
      old_spare = t->spare;
      old_col = t->col;
      free(t->acc);
      free(t->colbuf);
      t->acc = na;
      t->colbuf = nb;
      t->col = nc;
      t->spare = ns;
      dst = nt;
   } else {
      dst = t->spare;
   }
   SDL_Texture *prev = SDL_GetRenderTarget(t->ren);
   SDL_SetRenderTarget(t->ren, dst);
   SDL_SetRenderDrawBlendMode(t->ren, SDL_BLENDMODE_NONE);
   SDL_SetRenderDrawColor(t->ren, 0, 0, 0, 255);
   SDL_RenderClear(t->ren);
   SDL_SetTextureBlendMode(src, SDL_BLENDMODE_ADD);
   int last_sy = -1, last_dy = -1;
   for (int i = 0; plan && i < plan->n; i++) {
      const struct pv_piece *p = &plan->p[i];
      if (p->sy == last_sy && p->dy == last_dy)
         continue;                  /* the same strip again */
      last_sy = p->sy;
      last_dy = p->dy;
      SDL_Rect s = { 0, p->sy, t->w, 1 }, d = { 0, p->dy, t->w, 1 };
      SDL_RenderCopy(t->ren, src, &s, &d);
   }
   SDL_SetRenderTarget(t->ren, prev);
   t->tex = dst;
   if (h != t->h) {
      SDL_DestroyTexture(src);
      SDL_DestroyTexture(old_spare);
      SDL_DestroyTexture(old_col);
      t->h = h;
   } else {
      t->spare = src;
      /* the slice being collected restarts (its rows moved) */
      memset(t->acc, 0, (size_t)t->h * 3 * sizeof *t->acc);
   }
   return 0;
}

void pv_timeline_draw(struct pv_timeline *t, const SDL_Rect *dst)
{
   if (!t->tex || dst->w <= 0)
      return;
   SDL_SetTextureBlendMode(t->tex, SDL_BLENDMODE_NONE);
   /* columns [head, w) are the oldest, then [0, head) */
   int older = t->w - t->head;
   int x_split = dst->x + (int)((long)dst->w * older / t->w);
   if (older > 0) {
      SDL_Rect s = { t->head, 0, older, t->h };
      SDL_Rect d = { dst->x, dst->y, x_split - dst->x, dst->h };
      SDL_RenderCopy(t->ren, t->tex, &s, &d);
   }
   if (t->head > 0) {
      SDL_Rect s = { 0, 0, t->head, t->h };
      SDL_Rect d = { x_split, dst->y, dst->x + dst->w - x_split, dst->h };
      SDL_RenderCopy(t->ren, t->tex, &s, &d);
   }
   SDL_SetRenderDrawBlendMode(t->ren, SDL_BLENDMODE_BLEND);
   SDL_SetRenderDrawColor(t->ren, PV_C_ACCENT.r, PV_C_ACCENT.g, PV_C_ACCENT.b, 255);
   for (unsigned k = 0; k < t->nmarks; k++) {
      const char *text;
      int x = pv_timeline_mark_x(t, dst, k, &text);
      if (x >= 0)
         SDL_RenderDrawLine(t->ren, x, dst->y, x, dst->y + dst->h - 1);
   }
}

int pv_timeline_mark_x(const struct pv_timeline *t, const SDL_Rect *dst, unsigned k,
                       const char **text)
{
   if (k >= t->nmarks || t->w <= 0)
      return -1;
   *text = t->marks[k].text;
   /* column c is drawn (columns - c) places from the right edge; the one
    * being collected sits just right of the newest */
   long long back = (long long)t->columns - (long long)t->marks[k].column;
   if (back < 0 || back >= t->w)
      return -1;
   long long v = t->w - back;              /* 0 = leftmost */
   if (v >= t->w)
      v = t->w - 1;
   return dst->x + (int)(v * dst->w / t->w);
}
