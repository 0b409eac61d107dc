/* replay.h -- plays a trace file (shared/pv_trace.h) into the viewer's model
 * the way ingest.c plays the live ring, and seeks anywhere in it.
 *
 * Two readers of the same file.  The scanner reads the file once, in order,
 * a time budget at a time (pv_replay_scan), into a model of its own; on the
 * way it notes every chunk (where it is, its first record), every MARK
 * record (jump targets), and takes a snapshot of its model (snapshot.h)
 * every few chunks.  The player feeds the
 * displayed model up to a record, an access count or a run time
 * (pv_replay_feed); a seek restores the nearest snapshot at or before the
 * target and feeds forward from there.  Both feed records through
 * pv_ingest_span, so a replayed model is built exactly as a live one is.
 *
 * Positions: "events" are the trace's records (what pervert-dump counts);
 * run time is the TIME records' clock (ns since the program started). */
#ifndef PV_VIEW_REPLAY_H
#define PV_VIEW_REPLAY_H

#include "ingest.h"
#include "model.h"
#include "pv_trace.h"
#include "snapshot.h"

struct pv_replay_chunk {
   struct pv_trace_pos pos;    /* where it is, its number and first record */
   pv_u32 nrec;
};

struct pv_replay_mark {
   pv_u64 event;           /* the MARK record's index */
   pv_u64 time_ns;
   char   text[80];
};

/* what to stop at (pv_replay_feed); ~0 (or 0 for accesses) means no limit */
struct pv_replay_stop {
   pv_u64 event;           /* feed records [pos, event) */
   pv_u64 time_ns;         /* ... stop before a TIME record later than this */
   pv_u64 accesses;        /* ... stop before access number accesses + 1 (0: none) */
};

enum pv_replay_scan_state { PV_SCAN_RUNNING = 0, PV_SCAN_DONE, PV_SCAN_INCOMPLETE,
                            PV_SCAN_ERROR };

struct pv_replay {
   const char *path;
   struct pv_trace_reader scan_r, play_r;
   struct pv_model scan;          /* the scanner's model */
   struct pv_ingest scan_in;
   int    scan_state;
   char   msg[600];               /* scanner's warning or error */
   pv_u64 scanned;                /* records read by the scanner */
   pv_u64 scan_bytes;             /* file offset reached (progress) */

   struct pv_replay_chunk *ch;    /* chunks seen by the scanner */
   size_t nch, capch;
   struct pv_replay_mark *marks;
   size_t nmarks, capmarks;
   struct pv_snapshot *snaps;     /* snapshot i at chunk i * snap_every */
   size_t nsnaps, capsnaps;
   unsigned snap_every;           /* chunks between snapshots (doubles to fit the budget) */
   size_t snap_bytes, snap_budget;

   /* the player: records [0, pos) are in the displayed model */
   struct pv_ingest play_in;
   pv_u64 pos;
   long   cur;                    /* chunk decoded in play_r (-1: none) */
   const pv_u8 *buf;              /* its records */
   size_t buf_n, buf_off;         /* bytes, and the offset of record pos */
   char   play_err[600];          /* a read error while playing */
};

/* Open PATH (both readers).  0, or -1 with a one-line reason in ERR. */
int  pv_replay_open(struct pv_replay *rp, const char *path, size_t snap_budget,
                    char *err, size_t errlen);
void pv_replay_close(struct pv_replay *rp);
/* Scan until DEADLINE (pv_now clock; 0: to the end).  Returns scan_state. */
int  pv_replay_scan(struct pv_replay *rp, double deadline);

/* Feed M (the displayed model, fed only by the player) from pos until STOP
 * or the end of what was scanned.  Returns the records fed; -1 on a read
 * error (play_err). */
long long pv_replay_feed(struct pv_replay *rp, struct pv_model *m, const struct pv_replay_stop *stop);
/* Put M in the state at STOP (only one of its fields set): restore the
 * snapshot at or before it, then feed.  0, or -1 (play_err). */
int  pv_replay_seek(struct pv_replay *rp, struct pv_model *m, const struct pv_replay_stop *stop);

/* The first mark after / last mark before event EV; -1 if none. */
long pv_replay_next_mark(const struct pv_replay *rp, pv_u64 ev);
long pv_replay_prev_mark(const struct pv_replay *rp, pv_u64 ev);

#endif
