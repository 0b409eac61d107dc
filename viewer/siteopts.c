/* siteopts.c -- parses the sites panel's options (see siteopts.h). */
#include "siteopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_analysis.h"
#include "util.h"

void pv_siteopts_defaults(struct pv_site_opts *o)
{
   memset(o, 0, sizeof *o);
   o->sort = PV_SORT_ACCESSES;
   o->source_ctx = 2;
}

void pv_siteopts_usage(void)
{
   printf(
"Sites panel, block card, code context (keys: see h in the window):\n"
"  --sites                start with the sites panel open\n"
"  --select-site=SPEC     select a site: FN, FN:LINE, FILE:LINE (the busiest\n"
"                         matching site) or #RANK in the panel's order; a\n"
"                         selected site alone lights the map and the timeline\n"
"  --sites-sort=KEY       accesses (default), bytes or lines\n"
"  --sites-thread=N       only sites run by thread N\n"
"  --sites-kind=K         only sites that load, store or modify\n"
"  --sites-region=R       only sites touching heap, stack, data or other\n"
"  --dump-sites           headless: print the panel's numbers (sites, the\n"
"                         selected site's stride and reuse histograms,\n"
"                         stride over time) when the screenshot is taken\n"
"  --block-card=WHAT      show (headless: also print) the card of a heap\n"
"                         block: ADDR, a function of its allocation stack,\n"
"                         or #RANK by accesses\n"
"  --reuse[=LINES]        reuse distance per site over at most LINES cache\n"
"                         lines (default 1M; costs ingest speed)\n"
"  --analysis=yes|full|no per-site analysis: yes (default) analyses only a\n"
"                         sample of the stream while the viewer is behind\n"
"                         the program, full analyses everything (the\n"
"                         program may have to wait), no: none (no panel)\n"
"  --source-lines=N       lines of source around a code line (default 2)\n");
}

static const char *kinds[] = { "all", "load", "store", "modify" };
static const char *regions[] = { "all", "heap", "stack", "data", "other" };
static const char *sorts[] = { "accesses", "bytes", "lines" };

const char *pv_siteopts_kind_name(int k)   { return k >= 0 && k < 4 ? kinds[k] : "?"; }
const char *pv_siteopts_region_name(int r) { return r >= 0 && r < PV_RF_COUNT ? regions[r] : "?"; }
const char *pv_siteopts_sort_name(int s)   { return s >= 0 && s < 3 ? sorts[s] : "?"; }

static int pick(const char *v, const char **names, int n)
{
   for (int i = 0; v && i < n; i++)
      if (!strcmp(v, names[i]))
         return i;
   return -1;
}

int pv_siteopts_parse(struct pv_site_opts *o, const char *a, const char *v,
                      char *err, size_t errlen)
{
#define IS(name) (strncmp(a, name "=", sizeof(name)) == 0)
   if (!strcmp(a, "--sites")) {
      o->panel = 1;
   } else if (!strcmp(a, "--dump-sites")) {
      o->dump = 1;
   } else if (!strcmp(a, "--reuse")) {
      o->reuse_lines = 1u << 20;
   } else if (IS("--reuse")) {
      if (pv_parse_u64(v, &o->reuse_lines) || o->reuse_lines < 16) {
         snprintf(err, errlen, "--reuse: want a number of lines (>= 16), not '%s'", v);
         return -1;
      }
   } else if (IS("--analysis")) {
      if (strcmp(v, "no") && strcmp(v, "yes") && strcmp(v, "full")) {
         snprintf(err, errlen, "--analysis: want yes, full or no, not '%s'", v);
         return -1;
      }
      o->no_analysis = !strcmp(v, "no");
      o->full_analysis = !strcmp(v, "full");
   } else if (IS("--select-site")) {
      if (!*v) {
         snprintf(err, errlen, "--select-site: want FN, FN:LINE, FILE:LINE or #RANK");
         return -1;
      }
      o->select = v;
      o->panel = 1;
   } else if (IS("--block-card")) {
      if (!*v) {
         snprintf(err, errlen, "--block-card: want ADDR, FN or #RANK");
         return -1;
      }
      o->block = v;
   } else if (IS("--sites-sort")) {
      int k = pick(v, sorts, 3);
      if (k < 0) {
         snprintf(err, errlen, "--sites-sort: want accesses, bytes or lines, not '%s'", v);
         return -1;
      }
      o->sort = k;
   } else if (IS("--sites-kind")) {
      int k = pick(v, kinds, 4);
      if (k < 0) {
         snprintf(err, errlen, "--sites-kind: want all, load, store or modify, not '%s'", v);
         return -1;
      }
      o->f_kind = k;
   } else if (IS("--sites-region")) {
      int k = pick(v, regions, PV_RF_COUNT);
      if (k < 0) {
         snprintf(err, errlen, "--sites-region: want all, heap, stack, data or other, not '%s'", v);
         return -1;
      }
      o->f_region = k;
   } else if (IS("--sites-thread")) {
      pv_u64 n;
      if (pv_parse_u64(v, &n) || n > 0xFFFFFFFFu) {
         snprintf(err, errlen, "--sites-thread: want a thread id, not '%s'", v);
         return -1;
      }
      o->f_tid = (pv_u32)n;
   } else if (IS("--source-lines")) {
      pv_u64 n;
      if (pv_parse_u64(v, &n) || n > 10) {
         snprintf(err, errlen, "--source-lines: want 0 .. 10, not '%s'", v);
         return -1;
      }
      o->source_ctx = (pv_u32)n;
   } else {
      return 0;
   }
#undef IS
   return 1;
}
