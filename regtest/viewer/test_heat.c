/* test_heat.c -- the heat layer's GPU path (render targets, MOD + subtract
 * decay, ADD accumulation) against its CPU path, on SDL's offscreen video
 * driver: the same increments and decay steps must give the same texels,
 * and heat must decay all the way to black (PLATFORM.md's 8-bit rounding
 * trap: plain MOD decay on GL sticks at ~25).  Also checks that the trap is
 * real on this renderer, so the test would notice if the fix were lost.
 * usage: test_heat [RENDER_DRIVER]   (default: the platform default)
 * Exit status 0 when all passed; 77 when no renderer can be made. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>

#include "heat.h"
#include "model.h"
#include "colors.h"

#include "check.h"

enum { W = 64, H = 48 };

/* A model whose increments we fill by hand. */
static void fill_inc(struct pv_model *m, unsigned seed)
{
   memset(m->inc, 0, (size_t)W * H * sizeof *m->inc);
   m->inc_min = 0;
   m->inc_max = W * H - 1;
   unsigned x = seed * 2654435761u + 1;
   for (int i = 0; i < W * H; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      if ((x & 7) == 0) m->inc[i].r = (x >> 8) & 63;
      if ((x & 7) == 1) m->inc[i].w = (x >> 8) & 3;
      if ((x & 7) == 2) { m->inc[i].r = 1; m->inc[i].w = 1; }
      if ((x & 15) == 3) m->inc[i].k = 1;
   }
}

static int count_nonzero(const pv_u32 *t)
{
   int n = 0;
   for (int i = 0; i < W * H; i++)
      n += (t[i] & 0xFFFFFF) != 0;
   return n;
}

int main(int argc, char **argv)
{
   if (!getenv("SDL_VIDEODRIVER"))
      setenv("SDL_VIDEODRIVER", "offscreen", 1);
   if (argc > 1)
      SDL_SetHint(SDL_HINT_RENDER_DRIVER, argv[1]);
   if (SDL_Init(SDL_INIT_VIDEO) != 0) {
      printf("test_heat: SKIP: %s\n", SDL_GetError());
      return 77;
   }
   SDL_Window *win = SDL_CreateWindow("t", 0, 0, 320, 200, SDL_WINDOW_HIDDEN);
   SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_TARGETTEXTURE) : NULL;
   if (!ren) {
      printf("test_heat: SKIP: %s\n", SDL_GetError());
      return 77;
   }
   SDL_RendererInfo info;
   SDL_GetRendererInfo(ren, &info);

   struct pv_heat gpu, cpu;
   pv_heat_init(&gpu, ren, 0, 500);
   pv_heat_init(&cpu, ren, 1, 500);
   pv_heat_resize(&gpu, W, H);
   pv_heat_resize(&cpu, W, H);
   printf("test_heat: renderer %s, GPU path %s\n", info.name, gpu.gpu ? "available" : "not available");

   struct pv_model m;
   pv_model_init(&m);
   m.cols = W;
   m.rows = H;
   m.inc = calloc((size_t)W * H, sizeof *m.inc);
   m.inc_n = (size_t)W * H;

   static pv_u32 a[W * H], b[W * H];
   static const unsigned factors[] = { 240, 202, 128, 250, 230, 17, 239 };
   int mism = 0, first = -1;
   for (int frame = 0; frame < 40; frame++) {
      if (frame < 12) {
         fill_inc(&m, (unsigned)frame);
         pv_heat_add(&gpu, &m);
         pv_heat_add(&cpu, &m);
      }
      unsigned f = factors[frame % 7];
      pv_heat_decay_step(&gpu, f);
      pv_heat_decay_step(&cpu, f);
      pv_heat_read(&gpu, a);
      pv_heat_read(&cpu, b);
      for (int i = 0; i < W * H; i++)
         if ((a[i] & 0xFFFFFF) != (b[i] & 0xFFFFFF)) {
            mism++;
            if (first < 0)
               first = frame;
         }
   }
   check(mism == 0, "GPU and CPU paths differ in %d texels (first at frame %d)", mism, first);

   /* decay to black: saturate, then the slowest factor the decay uses */
   fill_inc(&m, 99);
   for (int i = 0; i < W * H; i++)
      m.inc[i].r = m.inc[i].w = m.inc[i].k = 1000;
   pv_heat_add(&gpu, &m);
   pv_heat_add(&cpu, &m);
   int steps = 0;
   for (; steps < 1000; steps++) {
      pv_heat_decay_step(&gpu, 240);
      pv_heat_decay_step(&cpu, 240);
      pv_heat_read(&gpu, a);
      if (count_nonzero(a) == 0)
         break;
   }
   pv_heat_read(&cpu, b);
   check(count_nonzero(a) == 0 && count_nonzero(b) == 0,
         "heat did not reach black after %d steps of 240/255", steps);
   printf("test_heat: 255 -> black in %d decay steps of 240/255\n", steps + 1);

   /* pv_heat_decay with a half-life: 30 half-lives of time leave nothing */
   fill_inc(&m, 5);
   pv_heat_add(&gpu, &m);
   for (int i = 0; i < 60; i++)
      pv_heat_decay(&gpu, 25.0);        /* 60 frames of 25 ms = 3 half-lives of 500 ms */
   pv_heat_read(&gpu, a);
   int maxv = 0;
   for (int i = 0; i < W * H; i++) {
      int v = (int)((a[i] >> 16) & 255);
      if ((int)((a[i] >> 8) & 255) > v) v = (int)((a[i] >> 8) & 255);
      if (v > maxv) maxv = v;
   }
   check(maxv <= 36 && maxv >= 20, "after 3 half-lives the hottest texel is %d (want 20..36; exactly 32 would be pure exponential)", maxv);
   printf("test_heat: 255 after 3 half-lives: %d (pure exponential: 32)\n", maxv);
   for (int i = 0; i < 600; i++)
      pv_heat_decay(&gpu, 25.0);
   pv_heat_read(&gpu, a);
   check(count_nonzero(a) == 0, "30 half-lives later the heat is not black (%d texels)", count_nonzero(a));

   /* the trap itself: plain MOD on this renderer (GPU path only) */
   if (gpu.gpu) {
      SDL_Texture *t = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, 4, 4);
      SDL_SetRenderTarget(ren, t);
      SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_NONE);
      SDL_SetRenderDrawColor(ren, 200, 200, 200, 255);
      SDL_RenderClear(ren);
      SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_MOD);
      SDL_SetRenderDrawColor(ren, 250, 250, 250, 255);
      for (int i = 0; i < 300; i++)
         SDL_RenderFillRect(ren, NULL);
      Uint32 px[16];
      SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, 16);
      SDL_SetRenderTarget(ren, NULL);
      printf("test_heat: plain MOD 250/255 x300 from 200 leaves %u on this renderer%s\n",
             (px[0] >> 16) & 255, ((px[0] >> 16) & 255) ? " (the trap the subtract step avoids)" : "");
      SDL_DestroyTexture(t);
   }

   /* texel colours */
   pv_u32 t = pv_heat_texel(1, 0, 0);
   check(((t >> 8) & 255) >= 200 && ((t >> 16) & 255) == 0 && (t & 255) == 0, "reads are green");
   t = pv_heat_texel(0, 1, 0);
   check(((t >> 16) & 255) >= 200 && ((t >> 8) & 255) == 0, "writes are red");
   t = pv_heat_texel(1, 1, 0);
   check(((t >> 16) & 255) >= 200 && ((t >> 8) & 255) >= 200 && (t & 255) == 0, "both are yellow");
   t = pv_heat_texel(0, 0, 1);
   check((t & 255) >= 200 && ((t >> 16) & 255) < 100, "kernel is azure");

   pv_heat_destroy(&gpu);
   pv_heat_destroy(&cpu);
   SDL_DestroyRenderer(ren);
   SDL_DestroyWindow(win);
   SDL_Quit();
   printf("test_heat: %d checks, %d failed\n", checks, fails);
   return fails != 0;
}
