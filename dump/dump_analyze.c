/* dump_analyze.c -- pervert-dump --analyze: the access-pattern report
 * (shared/pv_analysis.h does the counting; span_analyze in dump_walk.c
 * feeds it).  The report is written when the EXIT record arrives.
 *
 * Format (one item per line, fields NAME=VALUE, the code location last
 * because function names may contain spaces):
 *
 *   analyze: prog="P" accesses=N bytes=N heap_accesses=N sites=N allocs=N
 *            frees=N alloc_bytes=N line=64                     (one line)
 *   site ID accesses=N bytes=N loads=N stores=N modifies=N lines=N
 *        lines/access=F straddles=N heap=F% threads=N strides=N dominant=BIN P%
 *        at LOCATION
 *     reuse BIN P% BIN P% ... p50=N p90=N      with --reuse: the reuse distance
 *                                              histogram (bins pv_reuse_bin_label:
 *                                              cold, 0, 1, 2..3 ...; distinct lines)
 *     stride BIN N P% <line|>=line ####        one per non-empty bin, in order
 *   block ADDR size=N touched=N P% accesses=N loads=N stores=N modifies=N
 *         bytes=N kind=K live|freed tid=T threads=N alloc=SEQ stack=ID at LOCATION
 *     by LOCATION                              more frames of the stack
 *
 * lines=~N: an estimate (more than PV_LINES_EXACT lines); touched=~N: the
 * block is counted at a coarser granularity; touched=? unknown.  threads:
 * how many threads ran the site / accessed the block (ids modulo 64).
 * BIN is a stride bin label (pv_stride_bin_label): 0, +1, +2..3, -64..127 ...
 */
#include "dump.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_analysis.h"
#include "pv_stream.h"

#define BLOCK_FRAMES 4

static void emit(struct dump *d, const char *fmt, ...)
{
   char line[2048];
   va_list ap;
   va_start(ap, fmt);
   int n = vsnprintf(line, sizeof line, fmt, ap);
   va_end(ap);
   if (n < 0)
      return;
   if ((size_t)n >= sizeof line)
      n = sizeof line - 1;
   out_room(&d->out, (size_t)n + 1);
   d->out.p = put_mem(d->out.p, line, (size_t)n);
}

static const char *where(struct dump *d, pv_u32 site, char *buf, size_t len)
{
   const struct pv_site *s = pv_symtab_site(&d->sym, site);
   if (!s) {
      snprintf(buf, len, site ? "site %u (not described)" : "??? (unknown site)", site);
      return buf;
   }
   pv_site_format(s, buf, len);
   return buf;
}

static double pct(pv_u64 a, pv_u64 b)
{
   return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void report_site(struct dump *d, const struct pv_site_stats *s, unsigned line)
{
   char loc[1024], dom[32] = "none";
   int exact;
   pv_u64 lines = pv_site_lines(s, &exact);
   double share = 0;
   int db = pv_site_dominant_bin(s, &share);
   if (db >= 0)
      pv_stride_bin_label(db, dom, sizeof dom);
   emit(d, "site %u accesses=%llu bytes=%llu loads=%llu stores=%llu modifies=%llu "
        "lines=%s%llu lines/access=%.3f straddles=%llu heap=%.1f%% threads=%u strides=%llu "
        "dominant=%s %.1f%% at %s\n",
        s->site, (unsigned long long)s->accesses, (unsigned long long)s->bytes,
        (unsigned long long)s->loads, (unsigned long long)s->stores,
        (unsigned long long)s->modifies, exact ? "" : "~", (unsigned long long)lines,
        s->accesses ? (double)lines / (double)s->accesses : 0.0,
        (unsigned long long)s->straddles, pct(s->heap_accesses, s->accesses),
        pv_threads_in_mask(s->tid_mask), (unsigned long long)s->strides, dom, 100.0 * share,
        where(d, s->site, loc, sizeof loc));
   if (d->reuse_lines) {
      char buf[1536], lab[32];
      size_t k = 0;
      pv_u64 total = 0;
      for (int b = 0; b < PV_REUSE_BINS; b++)
         total += s->reuse[b];
      for (int b = 1; b <= PV_REUSE_BINS; b++) {      /* cold last */
         int bb = b == PV_REUSE_BINS ? PV_REUSE_COLD : b;
         if (!s->reuse[bb] || k > sizeof buf - 64)
            continue;
         pv_reuse_bin_label(bb, lab, sizeof lab);
         k += (size_t)snprintf(buf + k, sizeof buf - k, " %s %.1f%%", lab,
                               pct(s->reuse[bb], total));
      }
      buf[k] = 0;
      pv_u64 p50 = pv_site_reuse_quantile(s, 0.5), p90 = pv_site_reuse_quantile(s, 0.9);
      char q50[24], q90[24];
      snprintf(q50, sizeof q50, p50 == ~0ull ? "cold" : "%llu", (unsigned long long)p50);
      snprintf(q90, sizeof q90, p90 == ~0ull ? "cold" : "%llu", (unsigned long long)p90);
      emit(d, "  reuse%s p50<=%s p90<=%s\n", buf, q50, q90);
   }
   for (int b = 0; b < PV_STRIDE_BINS; b++) {
      if (!s->hist[b])
         continue;
      char lab[32], bar[41];
      pv_stride_bin_label(b, lab, sizeof lab);
      int w = (int)((40 * s->hist[b] + s->strides - 1) / s->strides);
      if (w > 40)
         w = 40;
      memset(bar, '#', (size_t)w);
      bar[w] = 0;
      emit(d, "  stride %-16s %12llu %5.1f%% %-6s %s\n", lab,
           (unsigned long long)s->hist[b], pct(s->hist[b], s->strides),
           pv_stride_bin_lo(b) < line ? "<line" : ">=line", bar);
   }
}

static void report_block(struct dump *d, const struct pv_block_stats *b)
{
   char loc[1024], touched[48];
   const char *kind = pv_alloc_kind_name(b->kind);
   if (!b->touched_known)
      snprintf(touched, sizeof touched, "touched=? ?%%");
   else
      snprintf(touched, sizeof touched, "touched=%s%llu %.1f%%", b->touched_exact ? "" : "~",
               (unsigned long long)b->touched, pct(b->touched, b->size));
   pv_u32 depth = 0;
   const pv_u32 *ids = pv_symtab_stack(&d->sym, b->alloc_stack, &depth);
   emit(d, "block 0x%llx size=%llu %s accesses=%llu loads=%llu stores=%llu modifies=%llu "
        "bytes=%llu kind=%s %s tid=%u threads=%u alloc=%llu stack=%u at %s\n",
        (unsigned long long)b->addr, (unsigned long long)b->size, touched,
        (unsigned long long)b->accesses, (unsigned long long)b->loads,
        (unsigned long long)b->stores, (unsigned long long)b->modifies,
        (unsigned long long)b->bytes, kind ? kind : "?", b->freed ? "freed" : "live",
        b->tid, pv_threads_in_mask(b->tid_mask), (unsigned long long)b->seq, b->alloc_stack,
        ids && depth ? where(d, ids[0], loc, sizeof loc) : "??? (unknown stack)");
   for (pv_u32 k = 1; ids && k < depth && k < BLOCK_FRAMES; k++)
      emit(d, "  by %s\n", where(d, ids[k], loc, sizeof loc));
}

void dump_analyze_report(struct dump *d)
{
   if (!d->an)
      return;
   unsigned top = d->analyze_top ? d->analyze_top : 10;
   unsigned line = pv_analysis_line_size(d->an);
   struct pv_analysis_totals t;
   pv_analysis_get_totals(d->an, &t);
   emit(d, "analyze: prog=\"%s\" accesses=%llu bytes=%llu heap_accesses=%llu sites=%llu "
        "allocs=%llu frees=%llu alloc_bytes=%llu live_blocks=%llu line=%u\n",
        d->prog, (unsigned long long)t.accesses, (unsigned long long)t.bytes,
        (unsigned long long)t.heap_accesses, (unsigned long long)t.sites,
        (unsigned long long)t.allocs, (unsigned long long)t.frees,
        (unsigned long long)t.alloc_bytes, (unsigned long long)t.live_blocks, line);
   if (t.untracked_blocks || t.folded_sites)
      emit(d, "analyze: limits: %llu blocks not tracked, %llu accesses of sites over the "
           "limit counted as site 0\n", (unsigned long long)t.untracked_blocks,
           (unsigned long long)t.folded_sites);

   const struct pv_site_stats **sites = calloc(top, sizeof *sites);
   const struct pv_block_stats **blocks = calloc(top, sizeof *blocks);
   if (!sites || !blocks) {
      free(sites);
      free(blocks);
      return;
   }
   size_t n = pv_analysis_sites(d->an, PV_SORT_ACCESSES, sites, top);
   emit(d, "\n== top %zu sites by accesses (stride: distance from the same site's "
        "previous access in the same thread)\n", n);
   for (size_t i = 0; i < n; i++)
      report_site(d, sites[i], line);
   n = pv_analysis_blocks(d->an, PV_SORT_ACCESSES, blocks, top);
   emit(d, "\n== top %zu heap blocks by accesses (touched: distinct bytes accessed)\n", n);
   for (size_t i = 0; i < n; i++)
      report_block(d, blocks[i]);
   if (d->reuse_lines)
      emit(d, "\n(reuse: distinct %u-byte lines used between two uses of a line, over "
           "at most %llu lines: an LRU cache of C lines hits the uses below C; "
           "32 KiB = %u lines)\n", line, (unsigned long long)d->reuse_lines, 32768u / line);
   emit(d, "\n(not computed yet: stride over time)\n");
   free(sites);
   free(blocks);
}
