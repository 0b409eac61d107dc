/* text.h -- text with SDL2_ttf through a glyph cache: the printable ASCII
 * glyphs of a monospaced font are rendered once into an atlas texture;
 * drawing a string is one texture copy per character (batched by SDL).
 * Other bytes are drawn as '?'. */
#ifndef PV_VIEW_TEXT_H
#define PV_VIEW_TEXT_H

#include <SDL2/SDL.h>
#include "colors.h"

struct pv_font {
   SDL_Renderer *ren;
   SDL_Texture  *atlas;
   SDL_Rect      glyph[96];     /* ' ' .. '~' and '?' fallback */
   int           advance;       /* pixels per character */
   int           height;        /* line height */
   int           ascent;
   int           ok;
};

/* Open the font at PATH (or a fallback) at PX pixels.  On failure the font
 * draws nothing and ok is 0. */
int  pv_font_open(struct pv_font *f, SDL_Renderer *ren, const char *path, int px);
void pv_font_close(struct pv_font *f);
/* Draw S at (X, Y) (top-left) in colour C; returns the width in pixels. */
int  pv_text(struct pv_font *f, int x, int y, struct pv_rgb c, const char *s);
/* ... at most MAXCH characters (ending in '~' when cut). */
int  pv_text_n(struct pv_font *f, int x, int y, struct pv_rgb c, const char *s, int maxch);
static inline int pv_text_w(const struct pv_font *f, int nchars) { return nchars * f->advance; }

/* The font file used when none is configured. */
const char *pv_font_default_path(void);

#endif
