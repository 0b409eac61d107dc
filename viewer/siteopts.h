/* siteopts.h -- the command-line options of the sites panel, the block
 * card and the code context (issue 6), parsed apart from options.c so that
 * the panel's options live with the panel. */
#ifndef PV_VIEW_SITEOPTS_H
#define PV_VIEW_SITEOPTS_H

#include <stddef.h>
#include "pv_proto.h"

struct pv_site_opts {
   int         panel;          /* --sites: start with the sites panel open */
   const char *select;         /* --select-site=FN[:LINE] | FILE:LINE | #RANK */
   int         sort;           /* --sites-sort=accesses|bytes|lines (enum pv_sort_key) */
   pv_u32      f_tid;          /* --sites-thread=N (0: all) */
   int         f_kind;         /* --sites-kind=load|store|modify (0: all) */
   int         f_region;       /* --sites-region=heap|stack|data|other (0: all) */
   int         dump;           /* --dump-sites: print the panel's numbers at the screenshot */
   const char *block;          /* --block-card=ADDR | FN | #RANK */
   pv_u64      reuse_lines;    /* --reuse[=LINES] (0: off) */
   int         no_analysis;    /* --analysis=no: no per-site analysis at all */
   int         full_analysis;  /* --analysis=full: never shed load (sites.h) */
   pv_u32      source_ctx;     /* --source-lines=N: lines of context each side (2) */
};

/* Try ARG (with its value V after '=' or NULL) as one of the options above.
 * Returns 1 when taken, 0 when not one of ours, -1 on a bad value (ERR). */
int  pv_siteopts_parse(struct pv_site_opts *o, const char *arg, const char *v,
                       char *err, size_t errlen);
void pv_siteopts_defaults(struct pv_site_opts *o);
void pv_siteopts_usage(void);

/* Names of the filter values: "all", "load" ...; "all", "heap" ... */
const char *pv_siteopts_kind_name(int kind);
const char *pv_siteopts_region_name(int region);
const char *pv_siteopts_sort_name(int sort);

enum { PV_RF_HEAP = 1, PV_RF_STACK, PV_RF_DATA, PV_RF_OTHER, PV_RF_COUNT };

#endif
