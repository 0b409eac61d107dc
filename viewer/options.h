/* options.h -- pervert-view's command line. */
#ifndef PV_VIEW_OPTIONS_H
#define PV_VIEW_OPTIONS_H

#include <stddef.h>
#include "pv_proto.h"
#include "siteopts.h"

#define PV_MAX_PROBES 64

struct pv_opts {
   unsigned    cols;           /* --line-size: cells per row (power of two) */
   int         zoom_shift;     /* --zoom: log2 bytes per cell; -1 = automatic */
   double      half_life_ms;   /* --half-life */
   int         width, height;  /* --size */
   const char *screenshot;     /* --screenshot=FILE, or NULL */
   int         after_is_time;  /* --screenshot-after=Ns */
   pv_u64      after_accesses; /* --screenshot-after=N (0: at the end) */
   double      after_seconds;
   int         software;       /* --software */
   int         fps;            /* --fps (0: unlimited) */
   double      slice_ms;       /* --timeline-slice */
   int         have_goto;      /* --goto=ADDR */
   pv_u64      goto_addr;
   const char *goto_file;      /* --goto=@FILE: polled until the program wrote it */
   int         no_follow;      /* --follow=no */
   int         have_hover;     /* --hover=ADDR */
   pv_u64      hover_addr;
   int         nprobes;        /* --probe=ADDR,... */
   pv_u64      probes[PV_MAX_PROBES];
   const char *probe_file;     /* --probe=@FILE: addresses read at screenshot time */
   const char *hover_file;     /* --hover=@FILE: the first address in FILE */
   int         stats;          /* --stats */
   int         yield_cpu;      /* --yield-cpu: 0 no, 1 yes (default), 2 idle (cpushare.h) */
   int         sample;         /* --sample=auto|no: -1 auto (window: yes, headless: no) */
   int         show_help;      /* --show-help: start with the key overlay */
   int         log_control;    /* --log-control: a stderr line per control state change */
   struct pv_site_opts site;   /* the sites panel's options (siteopts.h) */
   int         fps_given;      /* --fps was on the command line */
   const char *record;         /* --record=FILE: write the stream read to a trace file */
   pv_u64      record_from;    /* --record-from=N: start recording after N accesses */
   /* replay (the argument is a trace file) */
   int         replay;
   double      speed;          /* --speed (default 1) */
   const char *render;         /* --render=FILE: headless video of [from, to] */
   const char *from, *to;      /* --from, --to: positions (see pv_opts_parse_pos) */
   const char *hash_at;        /* --model-hash-at=POS,POS...: print model hashes */
   int         seek_test;      /* --seek-test=N: seek vs play at N positions */
   int         print_hash;     /* --print-model-hash: with --screenshot */
   const char *video;          /* --video=FILE: where the v key's video goes */
   int         start_paused;   /* --paused: a replay starts paused */
   int         list_marks;     /* --list-marks: print the pervert.h marks */
   size_t      snap_budget;    /* --snapshot-memory=MB */
   const char *ring;           /* the last argument */
};

/* Read up to MAX addresses (hex or decimal, separated by commas or white
 * space; '#' starts a comment) from PATH; returns how many, -1 on error. */
int  pv_opts_read_addrs(const char *path, pv_u64 *out, int max);

/* Parse ARGV into O.  Returns 0 to run, 1 when --help was printed, -1 with a
 * one-line message in ERR on a bad command line. */
int  pv_opts_parse(struct pv_opts *o, int argc, char **argv, char *err, size_t errlen);
void pv_opts_usage(void);

/* A position in a replay: N events (records of the trace), Ns seconds of
 * run time, Na accesses.  0, or -1 if S is not one. */
enum pv_pos_unit { PV_POS_EVENTS, PV_POS_SECONDS, PV_POS_ACCESSES };
int  pv_opts_parse_pos(const char *s, int *unit, pv_u64 *events_or_accesses, double *seconds);

#endif
