/* pngprobe.c -- reads pixels of a PNG for the viewer's pixel tests.
 *
 *   pngprobe FILE size                  -> "W H"
 *   pngprobe FILE pixel X Y             -> "R G B"
 *   pngprobe FILE mean X Y W H          -> "R G B" (integer means)
 *   pngprobe FILE max X Y W H           -> "R G B" (per-channel maxima)
 *   pngprobe FILE colors X Y W H        -> "distinct N" (distinct RGB values)
 *   pngprobe FILE count X Y W H R G B T -> "count N" (pixels within T of RGB
 *                                          in every channel)
 * Exit status 2 on errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>

static SDL_Surface *img;

static void px(int x, int y, int *r, int *g, int *b)
{
   Uint32 v = ((Uint32 *)((Uint8 *)img->pixels + (size_t)y * img->pitch))[x];
   *r = (v >> 16) & 255;
   *g = (v >> 8) & 255;
   *b = v & 255;
}

static void clip(int *x, int *y, int *w, int *h)
{
   if (*x < 0) { *w += *x; *x = 0; }
   if (*y < 0) { *h += *y; *y = 0; }
   if (*x + *w > img->w) *w = img->w - *x;
   if (*y + *h > img->h) *h = img->h - *y;
   if (*w < 0) *w = 0;
   if (*h < 0) *h = 0;
}

int main(int argc, char **argv)
{
   if (argc < 3) {
      fprintf(stderr, "usage: pngprobe FILE size|pixel|mean|max|colors|count ...\n");
      return 2;
   }
   SDL_Surface *raw = IMG_Load(argv[1]);
   if (!raw) {
      fprintf(stderr, "pngprobe: %s: %s\n", argv[1], IMG_GetError());
      return 2;
   }
   img = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
   if (!img)
      return 2;
   const char *cmd = argv[2];
   int a[8] = { 0 };
   for (int i = 3; i < argc && i < 11; i++)
      a[i - 3] = atoi(argv[i]);
   if (!strcmp(cmd, "size")) {
      printf("%d %d\n", img->w, img->h);
   } else if (!strcmp(cmd, "pixel") && argc >= 5) {
      int r, g, b;
      if (a[0] < 0 || a[1] < 0 || a[0] >= img->w || a[1] >= img->h)
         return 2;
      px(a[0], a[1], &r, &g, &b);
      printf("%d %d %d\n", r, g, b);
   } else if ((!strcmp(cmd, "mean") || !strcmp(cmd, "max") || !strcmp(cmd, "colors")
               || !strcmp(cmd, "count")) && argc >= 7) {
      int x = a[0], y = a[1], w = a[2], h = a[3];
      clip(&x, &y, &w, &h);
      long sr = 0, sg = 0, sb = 0, n = 0, cnt = 0;
      int mr = 0, mg = 0, mb = 0;
      static unsigned char seen[1 << 21];       /* 2^24 bits */
      long distinct = 0;
      for (int j = y; j < y + h; j++)
         for (int i = x; i < x + w; i++) {
            int r, g, b;
            px(i, j, &r, &g, &b);
            sr += r; sg += g; sb += b; n++;
            if (r > mr) mr = r;
            if (g > mg) mg = g;
            if (b > mb) mb = b;
            unsigned k = (unsigned)(r << 16 | g << 8 | b);
            if (!(seen[k >> 3] & (1 << (k & 7)))) {
               seen[k >> 3] |= (unsigned char)(1 << (k & 7));
               distinct++;
            }
            if (argc >= 11 && abs(r - a[4]) <= a[7] && abs(g - a[5]) <= a[7] && abs(b - a[6]) <= a[7])
               cnt++;
         }
      if (!strcmp(cmd, "mean"))
         printf("%ld %ld %ld\n", n ? sr / n : 0, n ? sg / n : 0, n ? sb / n : 0);
      else if (!strcmp(cmd, "max"))
         printf("%d %d %d\n", mr, mg, mb);
      else if (!strcmp(cmd, "colors"))
         printf("distinct %ld\n", distinct);
      else
         printf("count %ld\n", cnt);
   } else {
      fprintf(stderr, "pngprobe: bad command\n");
      return 2;
   }
   return 0;
}
