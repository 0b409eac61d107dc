/* text.c -- SDL2_ttf text through a glyph atlas (see text.h). */
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <SDL2/SDL_ttf.h>

#ifndef PV_FONT_PATH
#define PV_FONT_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#endif

const char *pv_font_default_path(void)
{
   static const char *cands[] = {
      PV_FONT_PATH,
      "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
      "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
      "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
      "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
   };
   for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
      if (access(cands[i], R_OK) == 0)
         return cands[i];
   return PV_FONT_PATH;
}

int pv_font_open(struct pv_font *f, SDL_Renderer *ren, const char *path, int px)
{
   memset(f, 0, sizeof *f);
   f->ren = ren;
   if (!TTF_WasInit() && TTF_Init() != 0)
      return -1;
   TTF_Font *tf = TTF_OpenFont(path ? path : pv_font_default_path(), px);
   if (!tf)
      return -1;
   TTF_SetFontHinting(tf, TTF_HINTING_LIGHT);
   f->height = TTF_FontLineSkip(tf);
   f->ascent = TTF_FontAscent(tf);
   int adv = 0;
   TTF_GlyphMetrics(tf, 'M', NULL, NULL, NULL, NULL, &adv);
   f->advance = adv > 0 ? adv : px / 2;
   int cell_w = f->advance + 2, cell_h = TTF_FontHeight(tf) + 2;
   int per_row = 16;
   SDL_Surface *atlas = SDL_CreateRGBSurfaceWithFormat(0, per_row * cell_w,
                                                       6 * cell_h, 32, SDL_PIXELFORMAT_ARGB8888);
   if (!atlas) {
      TTF_CloseFont(tf);
      return -1;
   }
   SDL_FillRect(atlas, NULL, 0);
   SDL_Color white = { 255, 255, 255, 255 };
   for (int i = 0; i < 95; i++) {
      int ch = 32 + i;
      SDL_Rect *g = &f->glyph[i];
      g->x = (i % per_row) * cell_w;
      g->y = (i / per_row) * cell_h;
      g->w = f->advance;
      g->h = TTF_FontHeight(tf);
      if (ch == ' ' || ch == '_')
         continue;
      /* render the glyph in a one-character string so it sits on the baseline */
      char s[2] = { (char)ch, 0 };
      SDL_Surface *gs = TTF_RenderText_Blended(tf, s, white);
      if (!gs)
         continue;
      SDL_SetSurfaceBlendMode(gs, SDL_BLENDMODE_NONE);
      SDL_Rect d = { g->x, g->y, gs->w < cell_w ? gs->w : cell_w, gs->h < cell_h ? gs->h : cell_h };
      SDL_Rect sr = { 0, 0, d.w, d.h };
      SDL_BlitSurface(gs, &sr, atlas, &d);
      if (gs->w > g->w)
         g->w = gs->w < cell_w ? gs->w : cell_w;
      SDL_FreeSurface(gs);
   }
   /* At some sizes DejaVu's underscore lies below the font's descent and
    * SDL_ttf clips it away: draw it ourselves on the last row. */
   {
      const SDL_Rect *u = &f->glyph['_' - 32];
      SDL_Rect line = { u->x, u->y + TTF_FontHeight(tf) - 1, f->advance, 1 };
      SDL_FillRect(atlas, &line, 0xFFFFFFFFu);
   }
   f->glyph[95] = f->glyph['?' - 32];
   TTF_CloseFont(tf);
   f->atlas = SDL_CreateTextureFromSurface(ren, atlas);
   SDL_FreeSurface(atlas);
   if (!f->atlas)
      return -1;
   SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
   SDL_SetTextureScaleMode(f->atlas, SDL_ScaleModeNearest);
   f->ok = 1;
   return 0;
}

void pv_font_close(struct pv_font *f)
{
   if (f->atlas)
      SDL_DestroyTexture(f->atlas);
   f->atlas = NULL;
   f->ok = 0;
}

int pv_text_n(struct pv_font *f, int x, int y, struct pv_rgb c, const char *s, int maxch)
{
   if (!f->ok || !s)
      return 0;
   int len = (int)strlen(s);
   int cut = 0;
   if (maxch >= 0 && len > maxch) {
      len = maxch > 0 ? maxch - 1 : 0;
      cut = maxch > 0;
   }
   SDL_SetTextureColorMod(f->atlas, c.r, c.g, c.b);
   int x0 = x;
   for (int i = 0; i < len + cut; i++) {
      unsigned ch = i < len ? (unsigned char)s[i] : '~';
      if (ch != ' ') {
         const SDL_Rect *g = (ch >= 32 && ch < 127) ? &f->glyph[ch - 32] : &f->glyph[95];
         SDL_Rect d = { x, y, g->w, g->h };
         SDL_RenderCopy(f->ren, f->atlas, g, &d);
      }
      x += f->advance;
   }
   return x - x0;
}

int pv_text(struct pv_font *f, int x, int y, struct pv_rgb c, const char *s)
{
   return pv_text_n(f, x, y, c, s, -1);
}
