/* sitedump.c -- the sites panel and the block card as text (--dump-sites,
 * --block-card in headless runs): the same numbers the panel draws, for
 * tests.  Format, one item per line, NAME=VALUE fields, locations last:
 *
 *   map X Y W H                                       (the map's rectangle)
 *   timeline X Y W H                                  (the timeline's)
 *   sites: sort=KEY thread=T kind=K region=R total=N shown=N accesses=N
 *          skipped=N                       (skipped: not analysed, load shedding)
 *   site RANK id=ID accesses=N bytes=N lines=N lines/access=F loads=N
 *        stores=N modifies=N at LOCATION              (the list, up to 64)
 *   selected id=ID accesses=N strides=N dominant=BIN P% line=64
 *        lit=N span=0xLO-0xHI at LOCATION             (lit: accesses of the
 *                                                     selection since selected)
 *   selected-threads TID:N ...                         (its accesses by thread since
 *                                                     it was selected, 8 threads at most)
 *   stride BIN N P% <line|>=line                       (non-empty bins)
 *   reuse BIN N P%                                     (with --reuse)
 *   stride-time span=N columns=N
 *   stride-time-col C dominant=BIN P%                  (every column)
 *   source NO [>] TEXT                                 (the selected site's code)
 *   context access at|allocated at LOCATION          (with --hover=ADDR: the code
 *   context-source NO [>] TEXT                        context of ADDR)
 *   hist X Y W H                                      (the stride histogram's chart)
 *   rect lo|hi X Y W H | offscreen                     (the cells of span's ends)
 *   block: LINE                                        (--block-card: the card)
 */
#include "sitepanel.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "blockcard.h"
#include "source.h"

static const char *where(struct pv_app *a, pv_u32 id, char *buf, size_t n)
{
   const struct pv_site *s = pv_symtab_site(&a->model.sym, id);
   if (!s)
      snprintf(buf, n, id ? "site #%u" : "(unknown site)", id);
   else
      pv_site_format(s, buf, n);
   return buf;
}

static double pct(pv_u64 a, pv_u64 b)
{
   return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void rect_of(struct pv_app *a, FILE *out, const char *name, pv_u64 addr)
{
   int row, col;
   const struct pv_screen *s = &a->scr;
   if (pv_view_locate(&a->view, &a->lay_applied, addr, &row, &col)) {
      int x0 = pv_screen_col_x(s, col), x1 = pv_screen_col_x(s, col + 1);
      fprintf(out, "rect %s %d %d %d %d\n", name, x0, pv_screen_row_y(s, row), x1 - x0, PV_ROW_PX);
   } else {
      fprintf(out, "rect %s offscreen\n", name);
   }
}

static void context(struct pv_app *a, FILE *out, const char *what, pv_u32 id)
{
   char loc[1024];
   fprintf(out, "context %s %s\n", what, where(a, id, loc, sizeof loc));
   struct pv_src_line sl[21];
   int ns = pv_source_lines(pv_symtab_site(&a->model.sym, id), a->opts.site.source_ctx, sl, 21);
   for (int i = 0; i < ns; i++)
      fprintf(out, "context-source %u %s %s\n", sl[i].no, sl[i].is_target ? ">" : " ", sl[i].text);
}

void pv_panel_dump(struct pv_app *a, FILE *out)
{
   struct pv_sites *S = &a->sites;
   char loc[1024], lab[32];
   if (!S->an) {
      fprintf(out, "sites: analysis off\n");
      return;
   }
   pv_sites_resolve(S, &a->model);
   if (a->opts.have_hover) {
      pv_u32 site, stack, depth = 0;
      pv_panel_context(a, &site, &stack);
      if (site)
         context(a, out, "access at", site);
      const pv_u32 *ids = stack ? pv_symtab_stack(&a->model.sym, stack, &depth) : NULL;
      if (ids && depth)
         context(a, out, "allocated at", ids[0]);
   }
   struct pv_analysis_totals t;
   pv_analysis_get_totals(S->an, &t);
   const struct pv_site_stats *l[PV_PANEL_LIST];
   int rank[PV_PANEL_LIST];
   size_t n = pv_sites_list(S, l, rank, 20);
   char th[16];
   snprintf(th, sizeof th, S->f_tid ? "%u" : "all", S->f_tid);
   fprintf(out, "map %d %d %d %d\n", a->scr.map.x, a->scr.map.y, a->scr.map.w, a->scr.map.h);
   fprintf(out, "timeline %d %d %d %d\n", a->scr.tl.x, a->scr.tl.y, a->scr.tl.w, a->scr.tl.h);
   fprintf(out, "sites: sort=%s thread=%s kind=%s region=%s total=%llu shown=%zu "
           "accesses=%llu skipped=%llu\n",
           pv_siteopts_sort_name(S->sort), th, pv_siteopts_kind_name(S->f_kind),
           pv_siteopts_region_name(S->f_region), (unsigned long long)t.sites, n,
           (unsigned long long)S->n_access, (unsigned long long)S->skipped);
   for (size_t i = 0; i < n; i++) {
      pv_u64 lines = pv_site_lines(l[i], NULL);
      int exact;
      pv_site_lines(l[i], &exact);
      fprintf(out, "site %d id=%u accesses=%llu bytes=%llu lines=%s%llu lines/access=%.3f "
              "loads=%llu stores=%llu modifies=%llu at %s\n", rank[i], l[i]->site,
              (unsigned long long)l[i]->accesses, (unsigned long long)l[i]->bytes,
              exact ? "" : "~", (unsigned long long)lines,
              l[i]->accesses ? (double)lines / (double)l[i]->accesses : 0.0,
              (unsigned long long)l[i]->loads, (unsigned long long)l[i]->stores,
              (unsigned long long)l[i]->modifies, where(a, l[i]->site, loc, sizeof loc));
   }
   const struct pv_site_stats *st = S->sel ? pv_analysis_site(S->an, S->sel) : NULL;
   if (!st) {
      fprintf(out, "selected none\n");
      return;
   }
   unsigned line = pv_analysis_line_size(S->an);
   double share = 0;
   int dom = pv_site_dominant_bin(st, &share);
   snprintf(lab, sizeof lab, "none");
   if (dom >= 0)
      pv_stride_bin_label(dom, lab, sizeof lab);
   fprintf(out, "selected id=%u accesses=%llu strides=%llu dominant=%s %.1f%% line=%u lit=%llu "
           "span=0x%llx-0x%llx at %s\n", st->site, (unsigned long long)st->accesses,
           (unsigned long long)st->strides, lab, 100.0 * share, line,
           (unsigned long long)S->sel_acc, (unsigned long long)(S->sel_acc ? S->sel_lo : 0),
           (unsigned long long)(S->sel_acc ? S->sel_hi : 0), where(a, st->site, loc, sizeof loc));
   if (S->nsel_tid) {
      fprintf(out, "selected-threads");
      for (int i = 0; i < S->nsel_tid; i++)
         fprintf(out, " %u:%llu", S->sel_tid[i], (unsigned long long)S->sel_tid_n[i]);
      fprintf(out, "\n");
   }
   for (int b = 0; b < PV_STRIDE_BINS; b++) {
      if (!st->hist[b])
         continue;
      pv_stride_bin_label(b, lab, sizeof lab);
      fprintf(out, "stride %s %llu %.1f%% %s\n", lab, (unsigned long long)st->hist[b],
              pct(st->hist[b], st->strides), pv_stride_bin_lo(b) < line ? "<line" : ">=line");
   }
   if (a->opts.site.reuse_lines) {
      pv_u64 tot = 0;
      for (int b = 0; b < PV_REUSE_BINS; b++)
         tot += st->reuse[b];
      for (int b = 0; b < PV_REUSE_BINS; b++) {
         if (!st->reuse[b])
            continue;
         pv_reuse_bin_label(b, lab, sizeof lab);
         fprintf(out, "reuse %s %llu %.1f%%\n", lab, (unsigned long long)st->reuse[b],
                 pct(st->reuse[b], tot));
      }
   }
   const struct pv_stt *T = pv_sites_stt(S);
   fprintf(out, "stride-time span=%llu columns=%d\n", (unsigned long long)(T ? T->span : 0),
           T ? T->cols : 0);
   for (int c = 0; T && c < T->cols; c++) {
      pv_u64 tot = 0, mx = 0;
      int best = -1;
      for (int b = 0; b < PV_STRIDE_BINS; b++) {
         tot += T->col[c][b];
         if (T->col[c][b] > mx) {
            mx = T->col[c][b];
            best = b;
         }
      }
      snprintf(lab, sizeof lab, "none");
      if (best >= 0)
         pv_stride_bin_label(best, lab, sizeof lab);
      fprintf(out, "stride-time-col %d dominant=%s %.1f%%\n", c, lab, pct(mx, tot));
   }
   struct pv_src_line sl[21];
   int ns = pv_source_lines(pv_symtab_site(&a->model.sym, st->site), a->opts.site.source_ctx, sl, 21);
   for (int i = 0; i < ns; i++)
      fprintf(out, "source %u %s %s\n", sl[i].no, sl[i].is_target ? ">" : " ", sl[i].text);
   if (a->panel.hist.w > 0)
      fprintf(out, "hist %d %d %d %d\n", a->panel.hist.x, a->panel.hist.y, a->panel.hist.w,
              a->panel.hist.h);
   if (S->sel_acc) {
      rect_of(a, out, "lo", S->sel_lo);
      rect_of(a, out, "hi", S->sel_hi);
   }
}

void pv_panel_dump_block(struct pv_app *a, FILE *out)
{
   const char *what = a->panel.block_what;
   const struct pv_block_stats *b = a->sites.an ? pv_blockcard_find(&a->sites, &a->model, what) : NULL;
   if (!b) {
      fprintf(out, "block: none %s\n", what ? what : "");
      return;
   }
   struct pv_card c;
   pv_blockcard_build(&c, &a->sites, &a->model, b);
   for (int i = 0; i < c.n; i++)
      fprintf(out, "block: %s\n", c.l[i].text);
}
