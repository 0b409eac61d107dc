/* ingest.c -- drains the ring into the model (see ingest.h).
 *
 * Access records (16 bytes) take a tight path with no allocation; the other
 * record types are checked with pv_rec_check and decoded field by field. */
#include "ingest.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_stream.h"
#include "util.h"

static void do_info(struct pv_model *m, const pv_u8 *rec, size_t len, pv_u64 h)
{
   m->have_info = 1;
   m->pid = PV_HDR_A32(h);
   m->start_ns = pv_rec_word(rec, 1);
   m->info_flags = (pv_u32)pv_rec_word(rec, 2);
   size_t off = 32;
   size_t cl = 0;
   m->cmdline[0] = 0;
   m->prog[0] = 0;
   for (int i = 0; off < len; i++) {
      const char *s = pv_rec_string(rec, len, off);
      if (!*s)
         break;
      if (i == 0)
         snprintf(m->prog, sizeof m->prog, "%s", s);
      int w = snprintf(m->cmdline + cl, sizeof m->cmdline - cl, "%s%s", i ? " " : "", s);
      if (w > 0)
         cl += (size_t)w;
      if (cl >= sizeof m->cmdline)
         cl = sizeof m->cmdline - 1;
      off += strlen(s) + 1;
   }
}

/* A record other than an access (checked: LEN bytes), into the model. */
static void apply_other(struct pv_ingest *in, struct pv_model *m, const pv_u8 *rec, size_t len,
                        pv_u64 h, unsigned t)
{
   switch (t) {
   case PV_REC_PAD:
      break;
   case PV_REC_KREAD:
   case PV_REC_KWRITE:
      pv_model_kaccess(m, t == PV_REC_KWRITE, pv_rec_word(rec, 1), pv_rec_word(rec, 2),
                       PV_HDR_A32(h));
      break;
   case PV_REC_THREAD:
      m->tid = PV_HDR_A32(h);
      break;
   case PV_REC_SITE:
      if (!in->skip_symbols)
         pv_symtab_add_site(&m->sym, rec, len);
      break;
   case PV_REC_STACK:
      if (!in->skip_symbols)
         pv_symtab_add_stack(&m->sym, rec, len);
      break;
   case PV_REC_ALLOC:
      pv_model_alloc(m, pv_rec_word(rec, 1), pv_rec_word(rec, 2),
                     (pv_u32)pv_rec_word(rec, 3), PV_HDR_A32(h), PV_HDR_SUB(h));
      break;
   case PV_REC_FREE:
      pv_model_free_block(m, pv_rec_word(rec, 1), (pv_u32)pv_rec_word(rec, 3), PV_HDR_A32(h));
      break;
   case PV_REC_MAP:
      pv_model_map(m, pv_rec_word(rec, 1), pv_rec_word(rec, 2), PV_HDR_SUB(h),
                   PV_HDR_A32(h), pv_rec_string(rec, len, 32));
      break;
   case PV_REC_UNMAP:
      pv_model_unmap(m, pv_rec_word(rec, 1), pv_rec_word(rec, 2));
      break;
   case PV_REC_PROTECT:
      pv_model_protect(m, pv_rec_word(rec, 1), pv_rec_word(rec, 2), PV_HDR_A32(h));
      break;
   case PV_REC_REMAP:
      pv_model_remap(m, pv_rec_word(rec, 1), pv_rec_word(rec, 2), pv_rec_word(rec, 3));
      break;
   case PV_REC_THREAD_CREATE:
      m->threads_live++;
      break;
   case PV_REC_THREAD_EXIT:
      if (m->threads_live)
         m->threads_live--;
      break;
   case PV_REC_THREAD_STACK:
      pv_regions_thread_stack(&m->regions, PV_HDR_A32(h), pv_rec_word(rec, 1),
                              pv_rec_word(rec, 2));
      break;
   case PV_REC_NAME:
      pv_regions_name(&m->regions, pv_rec_word(rec, 1), pv_rec_word(rec, 2),
                      pv_rec_string(rec, len, 24), PV_HDR_A32(h));
      break;
   case PV_REC_MARK:
      snprintf(m->mark, sizeof m->mark, "%s", pv_rec_string(rec, len, 8));
      m->mark_seq++;
      break;
   case PV_REC_EXEC:
      m->execed = 1;
      snprintf(m->exec_path, sizeof m->exec_path, "%s", pv_rec_string(rec, len, 8));
      break;
   case PV_REC_INFO:
      do_info(m, rec, len, h);
      break;
   case PV_REC_EXIT:
      m->exited = 1;
      m->exit_signal = PV_HDR_SUB(h);
      m->exit_status = PV_HDR_A32(h);
      break;
   case PV_REC_TIME:
      m->time_ns = pv_rec_word(rec, 1);
      if (in->trace_clock) {
         m->now = (double)m->time_ns / 1e9;
         m->now_ms = (pv_u32)(m->time_ns / 1000000u) + 1;
      }
      break;
   case PV_REC_DROPPED:
      m->dropped += pv_rec_word(rec, 1);
      break;
   default:
      break;                     /* TRACE, FORK: nothing to draw */
   }
}

/* A span's loads, stores and modifies into M, which has seen NACC
 * accesses in all now. */
static void add_counts(struct pv_model *m, pv_u64 cl, pv_u64 cs, pv_u64 cm, pv_u64 nacc)
{
   m->n_load += cl;
   m->n_store += cs;
   m->n_modify += cm;
   m->counts[PV_REC_LOAD] += cl;
   m->counts[PV_REC_STORE] += cs;
   m->counts[PV_REC_MODIFY] += cm;
   m->n_access = nacc;
}

/* Access record kind T into a span's counts of loads, stores, modifies. */
static inline void count_kind(unsigned t, pv_u64 *cl, pv_u64 *cs, pv_u64 *cm)
{
   *cl += t == PV_REC_LOAD;
   *cs += t == PV_REC_STORE;
   *cm += t == PV_REC_MODIFY;
}

/* A sampled access (header H) into M, standing for WEIGHT accesses in the
 * counters and the heat. */
static inline void take_sample(struct pv_model *m, unsigned t, pv_u64 addr, pv_u64 h,
                               pv_u64 weight)
{
   pv_model_access(m, t, addr, PV_HDR_N16(h), PV_HDR_A32(h), weight);
   m->n_sampled += weight;
}

/* Sampling: the number of accesses from one sampled access to the next,
 * uniform in 1 .. 2W-1 (mean W, the weight of a sample).  Random gaps, not
 * every W-th access: a loop whose period divides W would always be sampled
 * at the same place. */
static pv_u64 next_gap(struct pv_ingest *in, pv_u64 w)
{
   pv_u32 x = in->gap_rng ? in->gap_rng : 0x9E3779B9u;
   x ^= x << 13;
   x ^= x >> 17;
   x ^= x << 5;
   in->gap_rng = x;
   return 1 + x % (2 * w - 1);
}

/* (see ingest.h) What lets a viewer that is behind read the ring at the
 * speed of a plain counter. */
pv_u64 pv_ingest_pass_accesses(const pv_u8 *p, size_t *i, size_t stop, pv_u64 pass,
                                pv_u64 *cs, pv_u64 *cm)
{
   size_t j = *i;
   pv_u64 s = 0, mo = 0;
   while (pass >= 4 && stop - j >= 64) {
      unsigned t0 = p[j], t1 = p[j + 16], t2 = p[j + 32], t3 = p[j + 48];
      if ((t0 | t1 | t2 | t3) > 3u || !t0 || !t1 || !t2 || !t3)
         break;
      __builtin_prefetch(p + j + 4096);
      s += (t0 == PV_REC_STORE) + (t1 == PV_REC_STORE) + (t2 == PV_REC_STORE) + (t3 == PV_REC_STORE);
      mo += (t0 == PV_REC_MODIFY) + (t1 == PV_REC_MODIFY) + (t2 == PV_REC_MODIFY)
            + (t3 == PV_REC_MODIFY);
      pass -= 4;
      j += 64;
   }
   pv_u64 k = (j - *i) / 16;
   *i = j;
   *cs += s;
   *cm += mo;
   return k;
}

size_t pv_ingest_span(struct pv_ingest *in, struct pv_model *m, const pv_u8 *p, size_t n,
                      pv_u64 pos, pv_u64 data_size, int *bad)
{
   size_t i = 0;
   pv_u64 nacc = m->n_access, limit = in->access_limit;
   pv_u64 cl = 0, cs = 0, cm = 0;
   size_t stop = in->span_budget && in->span_budget < n ? in->span_budget : n;
   const pv_u64 smask = (1ull << in->sample_shift) - 1, weight = smask + 1;
   m->sample_shift = in->sample_shift;
   if (smask && (in->gap_left == 0 || in->gap_left >= 2 * weight))
      in->gap_left = next_gap(in, weight);
   *bad = 0;
   in->n_other = 0;
   in->other_overflow = 0;
   while (i < stop) {
      if (smask && in->gap_left > 4) {
         pv_u64 pass = in->gap_left - 1;
         if (limit && limit - nacc < pass)
            pass = nacc < limit ? limit - nacc : 0;
         pv_u64 s0 = cs, m0 = cm;
         pv_u64 k = pv_ingest_pass_accesses(p, &i, stop, pass, &cs, &cm);
         nacc += k;
         cl += k - (cs - s0) - (cm - m0);
         in->gap_left -= k;
         if (i >= stop)
            break;
      }
      const pv_u8 *rec = p + i;
      pv_u64 h;
      memcpy(&h, rec, 8);
      unsigned t = PV_HDR_TYPE(h);
      if (__builtin_expect(t - 1u < 3u, 1)) {
         if (i + 16 > n) {
            *bad = 1;
            break;
         }
         if (limit && nacc >= limit)
            break;
         /* the producer just wrote these lines on another core: ask for
          * them well before they are needed */
         if ((i & 63) == 0)
            __builtin_prefetch(rec + 1024);
         pv_u64 addr;
         memcpy(&addr, rec + 8, 8);
         if (__builtin_expect(smask == 0, 1)) {
            pv_model_access(m, t, addr, PV_HDR_N16(h), PV_HDR_A32(h), 1);
         } else if (--in->gap_left == 0) {
            /* sampling (the viewer is behind): this access stands for
             * 2^k in the counters and the heat */
            take_sample(m, t, addr, h, weight);
            in->gap_left = next_gap(in, weight);
         }
         nacc++;
         count_kind(t, &cl, &cs, &cm);
         i += 16;
         continue;
      }
      size_t len = pv_rec_check(rec, n - i, pos + i, data_size);
      if (len == 0) {
         *bad = 1;
         break;
      }
      m->counts[t]++;
      if (in->n_other < PV_INGEST_OTHERS)
         in->other[in->n_other++] = (pv_u32)i;
      else
         in->other_overflow = 1;
      apply_other(in, m, rec, len, h, t);
      i += len;
   }
   add_counts(m, cl, cs, cm, nacc);
   return i;
}

/* Take the span P[0..N) at ring position POS: into the model, the second
 * reader (sites), the recording.  Returns the bytes used (less than N at
 * the span budget or the access limit); *BAD on a corrupt record. */
static size_t take(struct pv_ingest *in, struct pv_model *m, const pv_u8 *p, size_t n,
                   pv_u64 pos, int *bad)
{
   /* up to ~256 KiB at a time, so that the deadline is checked often */
   in->span_budget = 256u << 10;
   size_t used = pv_ingest_span(in, m, p, n, pos, in->r.size, bad);
   in->span_budget = 0;
   if (in->on_span && used)
      in->on_span(in->on_span_ctx, m, p, used, pos, in->r.size);
   if (in->rec && !in->rec_failed && used && pv_trace_append(in->rec, p, used) != 0) {
      in->rec_failed = 1;
      in->rec_errno = errno;
   }
   in->bytes += used;
   return used;
}

static void corrupt(struct pv_ingest *in, pv_u64 at)
{
   in->state = PV_IN_CORRUPT;
   snprintf(in->error, sizeof in->error, "corrupt record at stream offset %llu",
            (unsigned long long)at);
}

size_t pv_ingest_staged(const struct pv_ingest *in)
{
   /* (also asked by the main thread) */
   const struct pv_stage *st = __atomic_load_n(&in->stage, __ATOMIC_ACQUIRE);
   return st ? pv_stage_pending(st) : 0;
}

int pv_ingest_may_stage(const struct pv_ingest *in, pv_u64 n_access)
{
   /* an access limit (--screenshot-after, --record-from) is never passed:
    * everything staged is taken before it (the stage holds fewer records
    * than 8 rings) */
   pv_u64 ahead = n_access + __atomic_load_n(&in->filter_acc, __ATOMIC_RELAXED);
   return in->attached && in->state == PV_IN_RUNNING
          && (!in->access_limit || (in->access_limit > ahead
                                    && in->access_limit - ahead > in->r.size * 8 / 16));
}

int pv_ingest_should_stage(const struct pv_ingest *in)
{
   /* only when the ring is half full (copying costs as much as reading
    * accesses), and only by a thread that has time to spare (xz -9: busy
    * a third of the time).  One that is busy most of the time (list or
    * map_stl while recording: 85-95 %) is behind anyway: it would copy
    * nearly every record and take it again, which only adds to its work */
   double fill = pv_ingest_ring_fill(in);
   /* filtering costs no more than reading the accesses would: from an
    * eighth of the ring on (the model samples, so it was behind lately) */
   if (in->sample_shift >= 3 && __atomic_load_n(&in->filter_ok, __ATOMIC_RELAXED))
      return fill > 0.125;
   return fill > 0.5 && in->busy < 0.75;
}

double pv_ingest_ring_fill(const struct pv_ingest *in)
{
   pv_u64 head = __atomic_load_n(&in->r.ctrl->head, __ATOMIC_ACQUIRE);
   return (double)(head - in->r.tail) / (double)in->r.size;
}

/* The whole records at the start of the span P[0..SPAN) that fit in N
 * bytes (what the stage has room for). */
static size_t whole_records(const pv_u8 *p, size_t span, size_t n)
{
   size_t i = 0;
   while (i < n) {
      pv_u64 h = pv_rec_hdr(p + i);
      unsigned t = PV_HDR_TYPE(h);
      size_t len = t - 1u < 3u ? 16
                   : t == PV_REC_PAD && PV_HDR_SUB(h) == 1 ? span - i   /* to the area's end */
                   : (size_t)PV_HDR_N16(h) * 8u;
      if (len == 0 || len > n - i)
         break;                  /* (corrupt, or no room: pv_ingest_run will see) */
      i += len;
      while (i + 16 <= n && p[i] - 1u < 3u)
         i += 16;                /* a run of accesses */
   }
   return i;
}

#define PV_STAGE_CHUNK (256u << 10)

/* ---- filtered staging ------------------------------------------------------
 *
 * While the model samples one access in 8 or fewer, the stage need not hold
 * the accesses it would pass over: the ingest thread counts them as it
 * stages (reading one byte in 16, at the speed of pv_ingest_pass_accesses)
 * and copies only the sampled accesses and the other records.  A copy of
 * every byte (7 GB/s here) and taking it again from memory (5-6 GB/s) were
 * slower than what xz -9 writes at its fastest; this reads at 13 GB/s and
 * the stage holds a few per cent of it.
 *
 * Each filtered chunk starts with a PASS record (a PAD with sub 2 that
 * never leaves the viewer): the weight of the sampled accesses after it
 * (2^A32) and what it passed over.  Its words: */
#define PASS_SUB     2
#define PASS_WORDS   7
enum { PASS_LOADS = 1, PASS_STORES, PASS_MODIFIES, PASS_ACCESSES, PASS_PADS, PASS_BYTES };

int pv_ingest_filtered_pending(const struct pv_ingest *in)
{
   const struct pv_stage *st = __atomic_load_n(&in->stage, __ATOMIC_ACQUIRE);
   return st && pv_stage_filtered(st) != 0;
}

void pv_ingest_allow_filter(struct pv_ingest *in, int ok)
{
   int was = __atomic_exchange_n(&in->filter_ok, ok, __ATOMIC_SEQ_CST);
   /* a chunk that began to be filtered before: let it finish (tens of
    * microseconds; the ingest thread may share this CPU) */
   while (was && !ok && __atomic_load_n(&in->filtering, __ATOMIC_SEQ_CST))
      sched_yield();
}

pv_u64 pv_ingest_passed(const pv_u8 *rec, size_t len)
{
   pv_u64 h = pv_rec_hdr(rec);
   if (PV_HDR_TYPE(h) != PV_REC_PAD || PV_HDR_SUB(h) != PASS_SUB || len != PASS_WORDS * 8)
      return 0;
   return pv_rec_word(rec, PASS_LOADS) + pv_rec_word(rec, PASS_STORES)
          + pv_rec_word(rec, PASS_MODIFIES);
}

static void put_word(pv_u8 *rec, unsigned w, pv_u64 v)
{
   memcpy(rec + 8u * w, &v, sizeof v);
}

/* Filter the ring span P[0..N) (whole records, at ring offset POS) into
 * OUT (ROOM bytes): up to PV_STAGE_CHUNK bytes of it and at most BUDGET
 * accesses.  Returns the bytes of P used (0: nothing fits, or a record
 * that pv_ingest_run must see first, corrupt or not), *WROTE those of
 * OUT. */
static size_t filter_span(struct pv_ingest *in, const pv_u8 *p, size_t n, pv_u64 pos,
                          pv_u8 *out, size_t room, pv_u64 budget, size_t *wrote)
{
   const size_t head = PASS_WORDS * 8;
   *wrote = 0;
   if (room < head + 16 || budget == 0)
      return 0;
   const pv_u64 weight = 1ull << in->sample_shift;
   if (in->gap_left == 0 || in->gap_left >= 2 * weight)
      in->gap_left = next_gap(in, weight);
   size_t stop = n < PV_STAGE_CHUNK ? n : PV_STAGE_CHUNK;
   size_t i = 0, o = head;
   pv_u64 cl = 0, cs = 0, cm = 0, nacc = 0, pads = 0;
   while (i < stop) {
      if (in->gap_left > 4) {
         pv_u64 pass = in->gap_left - 1;
         if (pass > budget - nacc)
            pass = budget - nacc;
         pv_u64 s0 = cs, m0 = cm;
         pv_u64 k = pv_ingest_pass_accesses(p, &i, n, pass, &cs, &cm);
         cl += k - (cs - s0) - (cm - m0);
         nacc += k;
         in->gap_left -= k;
         if (i >= stop || nacc >= budget)
            break;
      }
      const pv_u8 *rec = p + i;
      pv_u64 h = pv_rec_hdr(rec);
      unsigned t = PV_HDR_TYPE(h);
      if (t - 1u < 3u) {
         if (i + 16 > n || nacc >= budget)
            break;
         if (--in->gap_left == 0) {
            if (o + 16 > room) {
               in->gap_left = 1;
               break;
            }
            memcpy(out + o, rec, 16);            /* sampled: counted when taken */
            o += 16;
            in->gap_left = next_gap(in, weight);
         } else {
            count_kind(t, &cl, &cs, &cm);
         }
         nacc++;
         i += 16;
         continue;
      }
      size_t len = pv_rec_check(rec, n - i, pos + i, in->r.size);
      if (len == 0)
         break;                                  /* (pv_ingest_run reports it) */
      if (t == PV_REC_PAD) {
         pads++;
      } else {
         if (o + len > room)
            break;
         memcpy(out + o, rec, len);
         o += len;
      }
      i += len;
   }
   if (i == 0)
      return 0;
   put_word(out, 0, PV_HDR(PV_REC_PAD, PASS_SUB, PASS_WORDS, in->sample_shift));
   put_word(out, PASS_LOADS, cl);
   put_word(out, PASS_STORES, cs);
   put_word(out, PASS_MODIFIES, cm);
   put_word(out, PASS_ACCESSES, nacc);
   put_word(out, PASS_PADS, pads);
   put_word(out, PASS_BYTES, i);
   __atomic_store_n(&in->filter_acc, in->filter_acc + nacc, __ATOMIC_RELAXED);
   *wrote = o;
   return i;
}

/* How many accesses a filtered chunk may stand for now: everything, or
 * what is left before the access limit once all that is staged is taken
 * (bytes / 16 counts a raw span's accesses generously). */
static pv_u64 filter_budget(const struct pv_ingest *in, pv_u64 n_access)
{
   if (!in->access_limit)
      return ~0ull;
   pv_u64 ahead = n_access + in->filter_acc + pv_stage_pending(in->stage) / 16;
   return in->access_limit > ahead ? in->access_limit - ahead : 0;
}

/* Filtered staging of the reader's span P[0..N): returns the bytes used. */
static size_t stage_filtered(struct pv_ingest *in, const pv_u8 *p, size_t n, pv_u64 n_access)
{
   size_t used = 0;
   __atomic_store_n(&in->filtering, 1, __ATOMIC_SEQ_CST);
   if (__atomic_load_n(&in->filter_ok, __ATOMIC_SEQ_CST) && in->sample_shift >= 3) {
      size_t room, wrote;
      pv_u8 *out = pv_stage_reserve(in->stage, &room);
      used = filter_span(in, p, n, (pv_u64)(p - in->r.data), out, room,
                         filter_budget(in, n_access), &wrote);
      if (used) {
         pv_stage_commit(in->stage, wrote, 0, 1, 1);
         in->filtered_total += used;
      }
   }
   __atomic_store_n(&in->filtering, 0, __ATOMIC_RELEASE);
   return used;
}

size_t pv_ingest_stage(struct pv_ingest *in, pv_u64 n_access)
{
   if (!in->attached || in->state != PV_IN_RUNNING)
      return 0;
   if (!in->stage) {
      /* 8 rings: a frame of 20 ms at 4 GB/s of records */
      struct pv_stage *st = malloc(sizeof *st);
      if (!st)
         return 0;
      if (pv_stage_init(st, (size_t)in->r.size * 8) != 0) {
         free(st);
         return 0;
      }
      __atomic_store_n(&in->stage, st, __ATOMIC_RELEASE);   /* (pv_ingest_staged) */
   }
   size_t moved = 0;
   for (;;) {
      const pv_u8 *p;
      size_t n;
      if (pv_reader_batch(&in->r, &p, &n) != PV_BATCH_DATA)
         break;                  /* (the end of the stream is seen by pv_ingest_run) */
      size_t whole = stage_filtered(in, p, n, n_access);
      int full = 0;
      if (whole == 0) {
         /* a span from the reader is whole records; cut, it must be looked
          * at.  256 KiB at a time, each given back to the program as soon
          * as it is copied (a whole 4 MiB span takes half a millisecond to
          * copy, in which a fast program fills the rest of the ring) */
         size_t room = pv_stage_room(in->stage, n);
         full = room < n;
         if (room > PV_STAGE_CHUNK)
            room = PV_STAGE_CHUNK;
         whole = room == n ? n : whole_records(p, n, room);
         if (whole == 0 && room < n && !full)
            whole = whole_records(p, n, n);    /* a record longer than the chunk */
         if (whole == 0)
            break;
         pv_stage_put(in->stage, p, whole, in->r.tail, (in->r.tail & in->r.mask) != 0);
      }
      pv_reader_consume(&in->r, whole);
      in->staged_total += whole;
      moved += whole;
      if (whole < n && full)
         break;
   }
   return moved;
}

void pv_ingest_free_stage(struct pv_ingest *in)
{
   if (in->stage)
      pv_stage_free(in->stage);
   free(in->stage);
   in->stage = NULL;
}

/* Take the filtered span P[0..N) (see stage_filtered) into the model and
 * the second reader: whole chunks (each starts with its PASS record), up
 * to about 256 KiB, so that the deadline is checked often.  Returns the
 * bytes used. */
static size_t take_filtered(struct pv_ingest *in, struct pv_model *m, const pv_u8 *p, size_t n)
{
   pv_u64 nacc = m->n_access, cl = 0, cs = 0, cm = 0, weight = 1;
   size_t i = 0;
   while (i < n) {
      const pv_u8 *rec = p + i;
      pv_u64 h = pv_rec_hdr(rec);
      unsigned t = PV_HDR_TYPE(h);
      if (t - 1u < 3u) {
         take_sample(m, t, pv_rec_word(rec, 1), h, weight);
         nacc++;
         count_kind(t, &cl, &cs, &cm);
         i += 16;
         continue;
      }
      size_t len = (size_t)PV_HDR_N16(h) * 8u;    /* (checked when staged) */
      if (t == PV_REC_PAD && PV_HDR_SUB(h) == PASS_SUB) {
         if (i >= PV_STAGE_CHUNK)
            break;                              /* (the next chunk next time) */
         weight = 1ull << PV_HDR_A32(h);
         m->sample_shift = PV_HDR_A32(h);
         cl += pv_rec_word(rec, PASS_LOADS);
         cs += pv_rec_word(rec, PASS_STORES);
         cm += pv_rec_word(rec, PASS_MODIFIES);
         nacc += pv_ingest_passed(rec, len);
         m->counts[PV_REC_PAD] += pv_rec_word(rec, PASS_PADS);
         in->bytes += pv_rec_word(rec, PASS_BYTES);
         __atomic_store_n(&in->filter_acc, in->filter_acc - pv_rec_word(rec, PASS_ACCESSES),
                          __ATOMIC_RELAXED);
      } else {
         m->counts[t]++;
         apply_other(in, m, rec, len, h, t);
      }
      i += len;
   }
   add_counts(m, cl, cs, cm, nacc);
   if (in->on_span && i) {
      /* the second reader sees the records other than accesses */
      in->n_other = 0;
      in->other_overflow = 1;
      in->span_filtered = 1;
      in->on_span(in->on_span_ctx, m, p, i, 0, ~0ull);
      in->span_filtered = 0;
   }
   return i;
}

/* Take staged spans until DEADLINE, staging more meanwhile when the ring
 * fills (pv_ingest_should_stage); 1 when all are taken. */
static int take_staged(struct pv_ingest *in, struct pv_model *m, double deadline, pv_u64 *recs)
{
   const pv_u8 *p;
   pv_u64 pos;
   size_t n;
   int filtered;
   while ((n = pv_stage_front(in->stage, &p, &pos, &filtered)) != 0) {
      if (in->access_limit && m->n_access >= in->access_limit)
         return 0;
      int bad = 0;
      size_t used;
      if (filtered) {
         /* (whole chunks: each starts with its PASS record) */
         used = take_filtered(in, m, p, n);
      } else {
         used = take(in, m, p, n, pos & in->r.mask, &bad);
      }
      *recs += used / 16;
      if (bad) {
         corrupt(in, pos + used);
         return 0;
      }
      pv_stage_taken(in->stage, used);
      if (pv_ingest_should_stage(in))
         pv_ingest_stage(in, m->n_access);
      if (pv_now() >= deadline)
         return 0;
   }
   return 1;
}

pv_u64 pv_ingest_run(struct pv_ingest *in, struct pv_model *m, double deadline)
{
   pv_u64 recs = 0;
   if (!in->attached || in->state != PV_IN_RUNNING)
      return 0;
   if (in->stage && pv_stage_pending(in->stage) && !take_staged(in, m, deadline, &recs))
      return recs;
   for (;;) {
      if (in->access_limit && m->n_access >= in->access_limit)
         break;
      const pv_u8 *p;
      size_t n;
      int st = pv_reader_batch(&in->r, &p, &n);
      if (st == PV_BATCH_END) {
         in->state = PV_IN_ENDED;
         break;
      }
      if (st == PV_BATCH_NONE)
         break;
      int bad = 0;
      size_t used = take(in, m, p, n, (pv_u64)(p - in->r.data), &bad);
      pv_reader_consume(&in->r, used);
      recs += used / 16;
      if (bad) {
         corrupt(in, in->r.tail);
         break;
      }
      if (used < n && in->access_limit && m->n_access >= in->access_limit)
         break;
      if (pv_now() >= deadline)
         break;
   }
   return recs;
}

double pv_ingest_fill(const struct pv_ingest *in)
{
   if (!in->attached || !in->r.ctrl)
      return 0;
   return pv_ingest_ring_fill(in) + (double)pv_ingest_staged(in) / (double)in->r.size;
}

void pv_ingest_publish_counts(struct pv_ingest *in, const struct pv_model *m)
{
   if (!in->attached || !in->r.ctrl)
      return;
   for (int t = 0; t <= PV_REC_LAST; t++)
      in->r.ctrl->counts[t] = m->counts[t];
}
