/* shot.c -- PNG screenshots of the rendered frame (see shot.h). */
#include "shot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL2/SDL_image.h>

#include "util.h"

SDL_Surface *pv_shot_grab(SDL_Renderer *ren, char *err, size_t errlen)
{
   int w, h;
   if (SDL_GetRendererOutputSize(ren, &w, &h) != 0) {
      snprintf(err, errlen, "%s", SDL_GetError());
      return NULL;
   }
   SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
   if (!s) {
      snprintf(err, errlen, "%s", SDL_GetError());
      return NULL;
   }
   if (SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0) {
      snprintf(err, errlen, "cannot read the frame back: %s", SDL_GetError());
      SDL_FreeSurface(s);
      return NULL;
   }
   /* the window has no meaningful alpha: make it opaque */
   for (int y = 0; y < h; y++) {
      Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * s->pitch);
      for (int x = 0; x < w; x++)
         row[x] |= 0xFF000000u;
   }
   return s;
}

int pv_shot_write(SDL_Surface *s, const char *path, char *err, size_t errlen)
{
   int rc = IMG_SavePNG(s, path);
   if (rc != 0)
      snprintf(err, errlen, "cannot save %s: %s", path, SDL_GetError());
   SDL_FreeSurface(s);
   return rc == 0 ? 0 : -1;
}

int pv_shot_save(SDL_Renderer *ren, const char *path, char *err, size_t errlen)
{
   SDL_Surface *s = pv_shot_grab(ren, err, errlen);
   return s ? pv_shot_write(s, path, err, errlen) : -1;
}

/* ---- background writing ---------------------------------------------- */

struct job { SDL_Surface *s; char path[512]; };
static SDL_atomic_t result;            /* 0 none, 1 ok, 2 failed */
static char result_msg[1200];

static int writer(void *arg)
{
   struct job *j = arg;
   char err[1100];
   if (pv_shot_write(j->s, j->path, err, sizeof err) == 0) {
      snprintf(result_msg, sizeof result_msg, "saved %s", j->path);
      SDL_AtomicSet(&result, 1);
   } else {
      snprintf(result_msg, sizeof result_msg, "screenshot failed: %s", err);
      SDL_AtomicSet(&result, 2);
   }
   free(j);
   return 0;
}

void pv_shot_write_async(SDL_Surface *s, const char *path)
{
   struct job *j = malloc(sizeof *j);
   if (!j) {
      SDL_FreeSurface(s);
      return;
   }
   j->s = s;
   snprintf(j->path, sizeof j->path, "%s", path);
   SDL_Thread *t = SDL_CreateThread(writer, "pv-shot", j);
   if (t)
      SDL_DetachThread(t);
   else
      writer(j);
}

int pv_shot_poll(char *msg, size_t n)
{
   int r = SDL_AtomicSet(&result, 0);
   if (r == 0)
      return 0;
   snprintf(msg, n, "%s", result_msg);
   return r == 1 ? 1 : -1;
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
