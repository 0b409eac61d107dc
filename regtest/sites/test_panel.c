/* test_panel.c -- the sites panel's keys and clicks, and its data side,
 * without a window: synthetic records go through pv_sites_span, SDL key and
 * mouse events through pv_input_event (input.c -> sitepanel.c), and the
 * test checks the selection, order, filters, lifetimes and the selection's
 * own increments and line table.
 *
 * Sites: 1 loads 400 doubles in order (stride +8), 2 stores every 256th
 * byte (stride +256) 100 times, 3 modifies one address 10 times (stride
 * 0) in thread 2; a 4096-byte block is allocated and freed around them. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "input.h"
#include "sitepanel.h"
#include "blockcard.h"
#include "check.h"          /* regtest/viewer/check.h */

static struct pv_app app;
static pv_u64 buf[4096];
static size_t nw;

static void rec_access(unsigned type, pv_u32 site, pv_u64 addr)
{
   buf[nw++] = PV_HDR(type, 0, 8, site);
   buf[nw++] = addr;
}

static void rec_words(unsigned type, unsigned sub, pv_u32 a32, pv_u64 w1, pv_u64 w2, pv_u64 w3)
{
   buf[nw++] = PV_HDR(type, sub, 4, a32);
   buf[nw++] = w1;
   buf[nw++] = w2;
   buf[nw++] = w3;
}

static void key(SDL_Keycode k, int shift)
{
   SDL_Event e;
   memset(&e, 0, sizeof e);
   e.type = SDL_KEYDOWN;
   e.key.keysym.sym = k;
   e.key.keysym.mod = shift ? KMOD_LSHIFT : KMOD_NONE;
   pv_input_event(&app, &e);
}

static void click(int x, int y)
{
   SDL_Event e;
   memset(&e, 0, sizeof e);
   e.type = SDL_MOUSEBUTTONDOWN;
   e.button.button = SDL_BUTTON_LEFT;
   e.button.x = x;
   e.button.y = y;
   pv_input_event(&app, &e);
}

int main(void)
{
   struct pv_app *a = &app;
   struct pv_model *m = &a->model;
   check(pv_model_init(m) == 0, "model");
   pv_opts_parse(&a->opts, 2, (char *[]){ "pervert-view", "ring", NULL }, (char[64]){ 0 }, 64);
   check(pv_sites_init(&a->sites, &a->opts.site) == 0 && a->sites.an, "analysis on by default");
   m->now_ms = 1;

   const pv_u64 heap = 0x100000;
   rec_words(PV_REC_THREAD, 0, 1, 0, 0, 0);
   rec_words(PV_REC_ALLOC, PV_ALLOC_MALLOC, 1, heap, 4096, 7);
   for (int i = 0; i < 400; i++)
      rec_access(PV_REC_LOAD, 1, heap + 8 * (pv_u64)i);
   for (int i = 0; i < 100; i++)
      rec_access(PV_REC_STORE, 2, 0x200000 + 256 * (pv_u64)i);
   rec_words(PV_REC_THREAD, 0, 2, 0, 0, 0);
   for (int i = 0; i < 10; i++)
      rec_access(PV_REC_MODIFY, 3, heap + 4000);
   rec_words(PV_REC_FREE, 0, 2, heap, 0, 9);
   /* the records' own lengths: PV_HDR n16 is in 8-byte words for the
    * fixed-size records written above */
   struct pv_ingest in;
   int bad;
   memset(&in, 0, sizeof in);
   pv_ingest_span(&in, m, (const pv_u8 *)buf, nw * 8, 0, 1ull << 30, &bad);
   check(!bad, "the records decode");
   pv_sites_span(&a->sites, m, (const pv_u8 *)buf, nw * 8, 0, 1ull << 30, 0.0);

   /* data side: counts, strides, block, lifetime */
   const struct pv_site_stats *s1 = pv_analysis_site(a->sites.an, 1);
   const struct pv_site_stats *s3 = pv_analysis_site(a->sites.an, 3);
   check(s1 && s1->accesses == 400 && s1->hist[pv_stride_bin(8)] == 399, "site 1: 399 strides of +8");
   check(s3 && s3->hist[pv_stride_bin(0)] == 9 && s3->tid_mask == 1u << 2, "site 3: stride 0, thread 2");
   check(a->sites.n_access == 510 && a->sites.skipped == 0, "510 accesses, none skipped");
   const struct pv_block_stats *b = pv_blockcard_at(&a->sites, heap + 10);
   check(b && b->freed && b->size == 4096 && b->touched == 3200 + 8, "the block: freed, 3208 bytes touched");
   const struct pv_life *lf = b ? pv_sites_life(&a->sites, b->seq) : NULL;
   check(lf && lf->acc_alloc == 0 && lf->acc_free == 510, "lifetime: from access 0 to 510");

   /* keys: p opens, Tab selects the busiest, then the next; Shift+Tab back */
   a->t_frame = 1.0;
   key(SDLK_p, 0);
   check(a->panel.open == 1 && a->resized == 1, "p opens the panel (and re-lays out)");
   key(SDLK_TAB, 0);
   check(a->sites.sel == 1, "Tab selects the busiest site (1)");
   key(SDLK_TAB, 0);
   check(a->sites.sel == 2, "Tab again: the next (2)");
   key(SDLK_TAB, 1);
   check(a->sites.sel == 1, "Shift+Tab: back to 1");
   check(a->sites.lines_n > 0 && a->applied_ok == 0,
         "a selection fills its line table from the counters and restarts the heat");
   key(SDLK_n, 0);
   check(a->sites.sel == 2, "n: next");
   /* o: sort by bytes (1: 3200, 2: 800, 3: 80), then lines (2: 100, 1: 50, 3: 1) */
   key(SDLK_o, 0);
   check(a->sites.sort == PV_SORT_BYTES && a->panel.ids[0] == 1, "o: by bytes, site 1 first");
   key(SDLK_o, 0);
   check(a->sites.sort == PV_SORT_LINES && a->panel.ids[0] == 2 && a->panel.ids[1] == 1,
         "o: by lines, site 2 (100 lines) before site 1 (50)");
   key(SDLK_o, 0);
   check(a->sites.sort == PV_SORT_ACCESSES, "o: back to accesses");
   /* filters */
   key(SDLK_k, 0);
   check(a->sites.f_kind == 1 && a->panel.n == 1 && a->panel.ids[0] == 1, "k: loads only: site 1");
   key(SDLK_k, 0);
   check(a->sites.f_kind == 2 && a->panel.n == 1 && a->panel.ids[0] == 2, "k: stores only: site 2");
   key(SDLK_k, 0);
   key(SDLK_k, 0);
   check(a->sites.f_kind == 0 && a->panel.n == 3, "k: all kinds again");
   key(SDLK_i, 0);
   check(a->sites.f_tid == 1 && a->panel.n == 2, "t: thread 1: sites 1 and 2");
   key(SDLK_i, 0);
   check(a->sites.f_tid == 2 && a->panel.n == 1 && a->panel.ids[0] == 3, "t: thread 2: site 3");
   key(SDLK_i, 0);
   check(a->sites.f_tid == 0 && a->panel.n == 3, "t: all threads again");
   key(SDLK_g, 0);
   check(a->sites.f_region == PV_RF_HEAP, "g: region heap");
   key(SDLK_g, 0);
   key(SDLK_g, 0);
   key(SDLK_g, 0);
   key(SDLK_g, 0);
   check(a->sites.f_region == 0, "g: all regions after a full turn");
   key(SDLK_x, 0);
   check(a->sites.sel == 0, "x: no selection");
   /* a click on the list's second row selects its site, again: none */
   a->panel.rect = (SDL_Rect){ 1000, 40, 500, 700 };
   a->panel.list = (SDL_Rect){ 1000, 100, 500, 3 * 16 };
   a->panel.row_h = 16;
   a->panel.first = 0;
   click(1100, 100 + 16 + 5);
   check(a->sites.sel == a->panel.ids[1] && a->sites.sel == 2, "click on row 2 selects site 2");
   click(1100, 100 + 16 + 5);
   check(a->sites.sel == 0, "a second click on it: none");
   key(SDLK_b, 0);
   check(a->panel.block_open == 1, "b shows the block card");
   key(SDLK_b, 0);
   check(a->panel.block_open == 0, "b again hides it");
   key(SDLK_p, 0);
   check(a->panel.open == 0, "p closes the panel");
   key(SDLK_TAB, 0);
   check(a->sites.sel == 0, "Tab does nothing with the panel closed");

   /* the selection's increments replace the model's */
   pv_sites_user_select(&a->sites, 1);
   nw = 0;
   rec_access(PV_REC_LOAD, 1, heap + 64);
   rec_access(PV_REC_STORE, 2, heap + 128);
   struct pv_layout L;
   pv_layout_init(&L);
   pv_model_map(m, heap, 0x10000, PV_MAP_ANON, 3, "anon");
   pv_layout_build(&L, &m->regions, 6, 0);
   pv_model_set_view(m, &L, 0, 64, 0, 64);
   pv_ingest_span(&in, m, (const pv_u8 *)buf, nw * 8, 0, 1ull << 30, &bad);
   pv_sites_span(&a->sites, m, (const pv_u8 *)buf, nw * 8, 0, 1ull << 30, 0.0);
   check(m->inc_min <= m->inc_max && m->inc_max > m->inc_min, "the model saw both accesses");
   pv_sites_take_inc(&a->sites, m);
   pv_u32 r = 0, w = 0;
   for (long i = m->inc_min; i <= m->inc_max; i++) {
      r += m->inc[i].r;
      w += m->inc[i].w;
   }
   /* one byte per cell: the 8-byte load is 8 cells of one read */
   check(r == 8 && w == 0, "after take_inc: the selected load alone (8 cells read, none written)");
   check(m->sel_line != NULL, "seeding uses the selection's lines");
   pv_u32 t;
   unsigned km;
   check(m->sel_line(m->sel_ctx, (heap + 64) >> 6, &t, &km) && km == PV_KM_READ
         && !m->sel_line(m->sel_ctx, (heap + 128) >> 6, &t, &km),
         "the selection's line table has its line, not the other site's");
   printf("test_panel: %d checks, %d failed\n", checks, fails);
   return fails != 0;
}
