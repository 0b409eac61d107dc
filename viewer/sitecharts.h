/* sitecharts.h -- the charts of the sites panel (sitepanel.c) for the
 * selected site S, each drawn with its title at (X, Y), W pixels wide, the
 * chart H pixels high; each returns the y below it.
 *   pv_chart_strides      stride histogram: a bar per signed power-of-two
 *                         bin, green within a cache line, orange for jumps
 *                         to another line, zero and the line boundary dashed
 *   pv_chart_stride_time  stride over time: a column per slice of the site's
 *                         accesses since it was selected, a row per bin (the
 *                         fullest that fit)
 *   pv_chart_reuse        reuse distance histogram (with --reuse) */
#ifndef PV_VIEW_SITECHARTS_H
#define PV_VIEW_SITECHARTS_H

#include "pv_analysis.h"

struct pv_app;

int pv_chart_strides(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h);
int pv_chart_stride_time(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h);
int pv_chart_reuse(struct pv_app *a, const struct pv_site_stats *st, int x, int y, int w, int h);

#endif
