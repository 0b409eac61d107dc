/* shot.c -- PNG screenshots of the rendered frame (see shot.h). */
#include "shot.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <SDL2/SDL_image.h>

#include "util.h"

int pv_shot_save(SDL_Renderer *ren, const char *path, char *err, size_t errlen)
{
   int w, h;
   if (SDL_GetRendererOutputSize(ren, &w, &h) != 0) {
      snprintf(err, errlen, "%s", SDL_GetError());
      return -1;
   }
   SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
   if (!s) {
      snprintf(err, errlen, "%s", SDL_GetError());
      return -1;
   }
   int rc = SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
   if (rc == 0) {
      /* the window has no meaningful alpha: make it opaque */
      for (int y = 0; y < h; y++) {
         Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * s->pitch);
         for (int x = 0; x < w; x++)
            row[x] |= 0xFF000000u;
      }
      rc = IMG_SavePNG(s, path);
   }
   if (rc != 0)
      snprintf(err, errlen, "cannot save %s: %s", path, SDL_GetError());
   SDL_FreeSurface(s);
   return rc == 0 ? 0 : -1;
}

void pv_shot_name(char *buf, size_t n, const char *prog)
{
   char base[64];
   const char *b = prog && *prog ? pv_basename(prog) : "pervert";
   size_t k = 0;
   for (; *b && k + 1 < sizeof base; b++)
      base[k++] = (*b == ' ' || *b == '/' || *b < 32) ? '_' : *b;
   base[k] = 0;
   time_t t = time(NULL);
   struct tm tm;
   localtime_r(&t, &tm);
   char ts[32];
   strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", &tm);
   snprintf(buf, n, "%s-%s.png", base, ts);
}
