/* screen.c -- window layout (see screen.h). */
#include "screen.h"

void pv_screen_layout(struct pv_screen *s, int W, int H, unsigned cols,
                      int font_h, int char_w, int small_h)
{
   const int pad = 8;
   s->W = W;
   s->H = H;
   s->cols = cols;
   int bar_h = font_h + 10;
   s->top = (SDL_Rect){ 0, 0, W, bar_h };
   s->status = (SDL_Rect){ 0, H - bar_h, W, bar_h };
   int y0 = bar_h + pad, head_h = small_h + 4;
   int body_y = y0 + head_h;
   int body_h = (H - bar_h - pad) - body_y;
   s->rows = body_h / PV_ROW_PX;
   if (s->rows < 1)
      s->rows = 1;
   int map_h = s->rows * PV_ROW_PX;
   int gutter_w = 26 * char_w;
   s->gutter = (SDL_Rect){ pad, body_y, gutter_w, map_h };
   int x = pad + gutter_w + pad;
   int scroll_w = 12, gap = 14;
   int avail = W - x - pad - scroll_w - gap;      /* map + timeline */
   int want = (int)(avail * 0.62);
   int cell_w = want / (int)cols;
   int map_w = cell_w >= 1 ? cell_w * (int)cols : want;
   if (map_w < (int)cols && (int)cols <= avail - 100)
      map_w = (int)cols;
   s->map = (SDL_Rect){ x, body_y, map_w, map_h };
   s->scroll = (SDL_Rect){ x + map_w + 3, body_y, scroll_w - 3, map_h };
   int tx = x + map_w + scroll_w + gap;
   s->tl = (SDL_Rect){ tx, body_y, W - pad - tx, map_h };
   if (s->tl.w < 0)
      s->tl.w = 0;
   s->map_head = (SDL_Rect){ x, y0, map_w, head_h };
   s->tl_head = (SDL_Rect){ tx, y0, s->tl.w, head_h };
}

int pv_screen_hit_map(const struct pv_screen *s, int x, int y, int *row, int *col)
{
   if (x < s->map.x || x >= s->map.x + s->map.w || y < s->map.y || y >= s->map.y + s->map.h)
      return 0;
   *row = (y - s->map.y) / PV_ROW_PX;
   long c = (long)(x - s->map.x) * (long)s->cols / s->map.w;
   /* pv_screen_col_x rounds down: make the hit agree with it */
   while (c + 1 < (long)s->cols && pv_screen_col_x(s, c + 1) <= x)
      c++;
   while (c > 0 && pv_screen_col_x(s, c) > x)
      c--;
   *col = (int)c;
   return 1;
}
