/* replay.c -- trace file playback with snapshots and seeks (see replay.h). */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_stream.h"
#include "util.h"

#define SNAP_EVERY_START 8        /* chunks (each ~64K records) between snapshots */

/* Length of the record at P (AVAIL bytes left), 0 if it does not fit. */
static size_t rec_len(const pv_u8 *p, size_t avail)
{
   if (avail < 8)
      return 0;
   pv_u64 h;
   memcpy(&h, p, 8);
   unsigned t = PV_HDR_TYPE(h);
   size_t len = t < PV_REC_FIRST_VAR ? 16 : (size_t)PV_HDR_N16(h) * 8;
   return len >= 8 && len <= avail ? len : 0;
}


int pv_replay_open(struct pv_replay *rp, const char *path, size_t snap_budget,
                   char *err, size_t errlen)
{
   memset(rp, 0, sizeof *rp);
   rp->path = path;
   rp->cur = -1;
   rp->snap_every = SNAP_EVERY_START;
   rp->snap_budget = snap_budget;
   if (pv_trace_open(&rp->scan_r, path, err, errlen) != PV_TRACE_OK) {
      if (!strstr(err, path)) {            /* name the file */
         char why[512];
         snprintf(why, sizeof why, "%s", err);
         snprintf(err, errlen, "%s: %s", path, why);
      }
      return -1;
   }
   if (pv_trace_open(&rp->play_r, path, err, errlen) != PV_TRACE_OK) {
      pv_trace_close(&rp->scan_r);
      return -1;
   }
   if (pv_model_init(&rp->scan) != 0) {
      snprintf(err, errlen, "out of memory");
      pv_replay_close(rp);
      return -1;
   }
   rp->scan.now_ms = 1;
   rp->scan_in.trace_clock = 1;
   rp->play_in.trace_clock = 1;
   rp->play_in.skip_symbols = 1;    /* the displayed model uses the scanner's */
   return 0;
}

void pv_replay_close(struct pv_replay *rp)
{
   for (size_t i = 0; i < rp->nsnaps; i++)
      pv_snapshot_free(&rp->snaps[i]);
   free(rp->snaps);
   free(rp->ch);
   free(rp->marks);
   pv_model_free(&rp->scan);
   pv_trace_close(&rp->scan_r);
   pv_trace_close(&rp->play_r);
   memset(rp, 0, sizeof *rp);
}

/* Over budget: keep every other snapshot, twice as far apart. */
static void thin_snapshots(struct pv_replay *rp)
{
   size_t k = 0;
   rp->snap_bytes = 0;
   for (size_t i = 0; i < rp->nsnaps; i++) {
      if (i % 2 == 0) {
         rp->snaps[k] = rp->snaps[i];
         rp->snap_bytes += rp->snaps[k].bytes;
         k++;
      } else {
         pv_snapshot_free(&rp->snaps[i]);
      }
   }
   rp->nsnaps = k;
   rp->snap_every *= 2;
}

static int take_snapshot(struct pv_replay *rp)
{
   if (pv_grow((void **)&rp->snaps, &rp->capsnaps, rp->nsnaps + 1, sizeof *rp->snaps))
      return -1;
   const struct pv_snapshot *prev = rp->nsnaps ? &rp->snaps[rp->nsnaps - 1] : NULL;
   struct pv_snapshot *s = &rp->snaps[rp->nsnaps];
   if (pv_snapshot_take(s, &rp->scan, rp->scanned, prev) != 0)
      return -1;
   rp->nsnaps++;
   rp->snap_bytes += s->bytes;
   if (rp->snap_budget && rp->snap_bytes > rp->snap_budget && rp->nsnaps > 2)
      thin_snapshots(rp);
   return 0;
}

/* Note the MARK records of a chunk of records P[0..N), first record FIRST. */
static int note_marks(struct pv_replay *rp, const pv_u8 *p, size_t n, pv_u64 first)
{
   pv_u64 ev = first, t_ns = rp->scan.time_ns;
   for (size_t off = 0; off < n; ev++) {
      size_t len = rec_len(p + off, n - off);
      if (!len)
         return -1;
      pv_u64 h;
      memcpy(&h, p + off, 8);
      unsigned t = PV_HDR_TYPE(h);
      if (t == PV_REC_TIME && len >= 16) {
         t_ns = pv_rec_word(p + off, 1);
      } else if (t == PV_REC_MARK && pv_rec_check(p + off, n - off, 0, n) == len) {
         if (pv_grow((void **)&rp->marks, &rp->capmarks, rp->nmarks + 1, sizeof *rp->marks))
            return -1;
         struct pv_replay_mark *mk = &rp->marks[rp->nmarks++];
         mk->event = ev;
         mk->time_ns = t_ns;
         snprintf(mk->text, sizeof mk->text, "%s", pv_rec_string(p + off, len, 8));
      }
      off += len;
   }
   return 0;
}

int pv_replay_scan(struct pv_replay *rp, double deadline)
{
   char err[512];
   while (rp->scan_state == PV_SCAN_RUNNING) {
      if (deadline > 0 && pv_now() >= deadline)
         break;
      if (rp->nch % rp->snap_every == 0 && take_snapshot(rp) != 0) {
         snprintf(rp->msg, sizeof rp->msg, "out of memory for replay snapshots");
         rp->scan_state = PV_SCAN_ERROR;
         break;
      }
      struct pv_trace_pos pos;
      pv_trace_tell(&rp->scan_r, &pos);
      const pv_u8 *p;
      size_t n;
      int st = pv_trace_next(&rp->scan_r, &p, &n, err, sizeof err);
      if (st != PV_TRACE_CHUNK) {
         if (st == PV_TRACE_END) {
            rp->scan_state = PV_SCAN_DONE;
         } else {
            snprintf(rp->msg, sizeof rp->msg, "%s: %s", rp->path, err);
            rp->scan_state = st == PV_TRACE_INCOMPLETE ? PV_SCAN_INCOMPLETE : PV_SCAN_ERROR;
         }
         break;
      }
      if (pv_grow((void **)&rp->ch, &rp->capch, rp->nch + 1, sizeof *rp->ch)) {
         snprintf(rp->msg, sizeof rp->msg, "out of memory");
         rp->scan_state = PV_SCAN_ERROR;
         break;
      }
      struct pv_replay_chunk *c = &rp->ch[rp->nch];
      c->pos = pos;
      c->nrec = (pv_u32)(rp->scan_r.events - pos.first_event);
      int bad = 0;
      if (note_marks(rp, p, n, pos.first_event) != 0)
         bad = 1;
      else if (pv_ingest_span(&rp->scan_in, &rp->scan, p, n, 0, n, &bad) != n)
         bad = 1;
      if (bad) {
         snprintf(rp->msg, sizeof rp->msg, "%s: corrupt record in chunk %llu", rp->path,
                  (unsigned long long)pos.chunk);
         rp->scan_state = PV_SCAN_ERROR;
         break;
      }
      rp->nch++;
      rp->scanned = rp->scan_r.events;
      rp->scan_bytes = rp->scan_r.pos;
   }
   return rp->scan_state;
}

/* the scanned chunk holding record EV (the last one if EV is past them) */
static long chunk_of(const struct pv_replay *rp, pv_u64 ev)
{
   if (rp->nch == 0)
      return -1;
   size_t lo = 0, hi = rp->nch;
   while (hi - lo > 1) {
      size_t mid = lo + (hi - lo) / 2;
      if (rp->ch[mid].pos.first_event <= ev)
         lo = mid;
      else
         hi = mid;
   }
   return (long)lo;
}

/* Make the player's buffer hold the chunk of record rp->pos, buf_off at it. */
static int load_chunk_for_pos(struct pv_replay *rp)
{
   long k = chunk_of(rp, rp->pos);
   if (k < 0)
      return -1;
   const struct pv_replay_chunk *c = &rp->ch[k];
   if (rp->cur != k) {
      char err[512];
      const pv_u8 *p;
      size_t n;
      int st = pv_trace_seek(&rp->play_r, &c->pos);
      if (st == 0)
         st = pv_trace_next(&rp->play_r, &p, &n, err, sizeof err);
      else
         snprintf(err, sizeof err, "cannot seek to chunk %llu", (unsigned long long)c->pos.chunk);
      if (st != PV_TRACE_CHUNK) {
         snprintf(rp->play_err, sizeof rp->play_err, "%s: %s", rp->path, err);
         rp->cur = -1;
         return -1;
      }
      rp->buf = p;
      rp->buf_n = n;
      rp->cur = k;
   }
   size_t off = 0;
   for (pv_u64 ev = c->pos.first_event; ev < rp->pos && off < rp->buf_n; ev++) {
      size_t len = rec_len(rp->buf + off, rp->buf_n - off);
      if (!len)
         return -1;
      off += len;
   }
   rp->buf_off = off;
   return 0;
}

long long pv_replay_feed(struct pv_replay *rp, struct pv_model *m, const struct pv_replay_stop *stop)
{
   long long fed = 0;
   pv_u64 limit = stop->event < rp->scanned ? stop->event : rp->scanned;
   rp->play_in.access_limit = stop->accesses;
   while (rp->pos < limit) {
      long k = chunk_of(rp, rp->pos);
      if (k != rp->cur || rp->buf_off >= rp->buf_n
          || rp->pos < rp->ch[k].pos.first_event) {
         if (load_chunk_for_pos(rp) != 0) {
            if (!rp->play_err[0])
               snprintf(rp->play_err, sizeof rp->play_err, "%s: corrupt chunk", rp->path);
            return -1;
         }
      }
      /* how far: the stop record, the chunk's end, or before a TIME record
       * past the stop time */
      size_t off = rp->buf_off;
      pv_u64 ev = rp->pos;
      int time_hit = 0;
      while (off < rp->buf_n && ev < limit) {
         size_t len = rec_len(rp->buf + off, rp->buf_n - off);
         if (!len)
            break;
         pv_u64 h;
         memcpy(&h, rp->buf + off, 8);
         if (PV_HDR_TYPE(h) == PV_REC_TIME && len >= 16
             && pv_rec_word(rp->buf + off, 1) > stop->time_ns) {
            time_hit = 1;
            break;
         }
         off += len;
         ev++;
      }
      size_t want = off - rp->buf_off;
      if (want == 0)
         break;
      int bad = 0;
      size_t used = pv_ingest_span(&rp->play_in, m, rp->buf + rp->buf_off, want, 0, want, &bad);
      if (bad) {
         snprintf(rp->play_err, sizeof rp->play_err, "%s: corrupt record near event %llu",
                  rp->path, (unsigned long long)rp->pos);
         return -1;
      }
      /* count the records used (fewer than planned when the access limit hit) */
      pv_u64 nrec = ev - rp->pos;
      if (used < want) {
         nrec = 0;
         for (size_t o = 0; o < used; nrec++)
            o += rec_len(rp->buf + rp->buf_off + o, used - o);
      }
      rp->pos += nrec;
      rp->buf_off += used;
      fed += (long long)nrec;
      if (used < want || time_hit)
         break;
   }
   rp->play_in.access_limit = 0;
   return fed;
}

int pv_replay_seek(struct pv_replay *rp, struct pv_model *m, const struct pv_replay_stop *stop)
{
   /* the last snapshot at or before the target */
   long best = -1;
   for (size_t i = 0; i < rp->nsnaps; i++) {
      const struct pv_snapshot *s = &rp->snaps[i];
      int ok = s->event <= stop->event && s->time_ns <= stop->time_ns
               && (!stop->accesses || s->scalars.n_access <= stop->accesses);
      if (!ok)
         break;
      best = (long)i;
   }
   /* already between that snapshot and the target: just go on */
   int ahead_ok = rp->pos <= stop->event && m->time_ns <= stop->time_ns
                  && (!stop->accesses || m->n_access <= stop->accesses)
                  && (best < 0 || rp->snaps[best].event <= rp->pos);
   /* the stop may lie just before pos (time or access stops end before
    * a record): restore anyway when any part of it is behind */
   if (!ahead_ok) {
      if (best < 0) {
         snprintf(rp->play_err, sizeof rp->play_err, "no snapshot to seek from");
         return -1;
      }
      if (pv_snapshot_restore(&rp->snaps[best], m) != 0) {
         snprintf(rp->play_err, sizeof rp->play_err, "out of memory restoring a snapshot");
         return -1;
      }
      rp->pos = rp->snaps[best].event;
   }
   return pv_replay_feed(rp, m, stop) < 0 ? -1 : 0;
}

long pv_replay_next_mark(const struct pv_replay *rp, pv_u64 ev)
{
   for (size_t i = 0; i < rp->nmarks; i++)
      if (rp->marks[i].event >= ev)
         return (long)i;
   return -1;
}

long pv_replay_prev_mark(const struct pv_replay *rp, pv_u64 ev)
{
   for (size_t i = rp->nmarks; i-- > 0;)
      if (rp->marks[i].event < ev)
         return (long)i;
   return -1;
}
