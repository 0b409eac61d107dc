/* litprobe.c -- counts the lit heat cells of a pervert-view screenshot in a
 * rectangle, for the sites panel's pixel tests.
 *
 *   litprobe FILE X Y W H
 *     -> "lit N green G red R yellow Y ymin A ymax B"
 *
 * A pixel is lit when it has a heat colour: green (reads), red (writes) or
 * yellow (both), at any brightness from 90 up; the block outlines (white,
 * orange), the untouched-heap violet and the background are not.  ymin and
 * ymax are the rows of the lit pixels (-1 when none).  Exit status 2 on
 * errors. */
#include <stdio.h>
#include <stdlib.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>

int main(int argc, char **argv)
{
   if (argc != 6) {
      fprintf(stderr, "usage: litprobe FILE X Y W H\n");
      return 2;
   }
   SDL_Surface *raw = IMG_Load(argv[1]);
   if (!raw) {
      fprintf(stderr, "litprobe: %s: %s\n", argv[1], IMG_GetError());
      return 2;
   }
   SDL_Surface *img = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
   if (!img)
      return 2;
   int x0 = atoi(argv[2]), y0 = atoi(argv[3]), w = atoi(argv[4]), h = atoi(argv[5]);
   long lit = 0, green = 0, red = 0, yellow = 0;
   int ymin = -1, ymax = -1;
   for (int y = y0 < 0 ? 0 : y0; y < y0 + h && y < img->h; y++)
      for (int x = x0 < 0 ? 0 : x0; x < x0 + w && x < img->w; x++) {
         Uint32 v = ((Uint32 *)((Uint8 *)img->pixels + (size_t)y * img->pitch))[x];
         int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
         int kind = 0;
         if (g >= 90 && r * 3 < g && b * 3 < g)
            kind = 1;
         else if (r >= 90 && g * 3 < r && b * 3 < r)
            kind = 2;
         else if (r >= 90 && g >= 90 && abs(r - g) < 40 && b * 3 < (r < g ? r : g))
            kind = 3;
         if (!kind)
            continue;
         lit++;
         green += kind == 1;
         red += kind == 2;
         yellow += kind == 3;
         if (ymin < 0 || y < ymin) ymin = y;
         if (y > ymax) ymax = y;
      }
   printf("lit %ld green %ld red %ld yellow %ld ymin %d ymax %d\n", lit, green, red, yellow,
          ymin, ymax);
   return 0;
}
