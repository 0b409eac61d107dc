/* pv_trace_write.c -- writing pervert trace files (see pv_trace.h and
 * PROTOCOL.txt section 14): the column transform's encoder, the streaming
 * writer. */
#define _GNU_SOURCE
#include "pv_trace.h"
#include "pv_trace_codec.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include <pthread.h>
#include <sys/prctl.h>

#include "pv_stream.h"

/* ---- the column transform: encoder ------------------------------------ */

static inline pv_u8 *put_varint(pv_u8 *q, pv_u64 v)
{
   while (v >= 0x80) {
      *q++ = (pv_u8)(v | 0x80);
      v >>= 7;
   }
   *q++ = (pv_u8)v;
   return q;
}

static inline pv_u64 zigzag(pv_u64 v)
{
   return (v << 1) ^ (pv_u64)((pv_s64)v >> 63);
}

/* size code: 1 + k for a size of 2^k (k <= 15), 0 for any other size (then
 * the size follows as a varint in the address column) */
static inline unsigned size_code(unsigned sz)
{
   if (sz && (sz & (sz - 1)) == 0)
      return 1u + (unsigned)__builtin_ctz(sz);
   return 0;
}

static void put32(pv_u8 *p, pv_u32 v) { memcpy(p, &v, 4); }
static void put64(pv_u8 *p, pv_u64 v) { memcpy(p, &v, 8); }

#define FLAG_REPEAT 0xFFu          /* PREDICT: in ops, a repeat bit 1 */

/* The encoder's site slot: the predictor state of pv_trace_codec.h's
 * struct site_slot (the decoder's), packed so that codec PREDICT's common
 * case -- every prediction hit, as last time -- costs two compares (one
 * with the record's header) and two stores.  last, stride, succ and rel
 * are site_slot's; x holds its key, flag and PREF_BIT:
 *   bits  0..31  key: the type and size of the slot's last access (a
 *                header's bits, sub 0)
 *   bits 32..63  the site of that access ^ the slot's code: bit 0
 *                PREF_BIT (X_OFFSET), bits 1..6 flag >> 1 (flag's bits
 *                0..1 are 0)
 * So x is the header of an access of that site, type and size exactly
 * when the slot prefers the stride and its flag is 0 (code 0), and x ^
 * X_OFFSET is when it prefers the offset (code 1).  The sites of a slot
 * agree in their low 14 bits (the slot number), so no header of a site of
 * the slot matches it in another state: x's bits 32..45 are the code ^
 * the slot number.  A fresh slot is all 0: no key, and the code stands for
 * nothing (pv_slot_learn's state at the start of a chunk: flag 0, the
 * stride preferred); but slots 0 and 1 would match headers 0 and X_OFFSET
 * (not records: type 0, length 0), so their x is another slot's number.
 * (Last and stride apart: gcc makes a vector of the two otherwise.) */
struct enc_slot { pv_u64 last; pv_u32 succ; pv_s32 rel; pv_u64 stride, x; };

#define X_OFFSET (1ull << 32)

/* slots 0..M fresh */
static void enc_clear_slots(struct enc_slot *slot, pv_u32 m)
{
   memset(slot, 0, ((size_t)m + 1) * sizeof *slot);
   slot[0].x = 2ull << 32;               /* (see struct enc_slot) */
   slot[1].x = 3ull << 32;
}

/* One chunk's columns as they are built, record by record (the writer's
 * and pv_trace_encode's).  Codecs 1..3: ops, sites, addrs (sizes and
 * addresses), var; PREDICT: ops FLAG_REPEAT or 0 (enc_put makes them the
 * repeat bits), flags the flag bytes not repeated, opc the missed ops (and
 * sizes). */
struct enc {
   int      codec;
   pv_u8   *ops, *flags, *sites, *opc, *addrs, *var;
   size_t   nrec, fl, sl, ol, al, vl;
   struct enc_slot *slot;
   pv_u64   prev;                /* COLS, PREDICT: the previous address */
   pv_u32   prev_site;           /* PREDICT: the previous access's slot */
   pv_u32   used;                /* codecs 2, 3: the slots touched are <= the
                                    next 2^k - 1 */
   pv_u16  *fresh;               /* PREDICT: the slots touched (each once:
                                    when fresh), nfresh of them */
   pv_u32   nfresh;
};

/* Room for the columns of up to RAW bytes of records; 0 or -1. */
static int enc_alloc(struct enc *e, size_t raw)
{
   /* at most raw/8 records, raw/16 accesses of at most 5 bytes of site,
    * 1 + 3 of op and size, 3 + 10 of size and address */
   e->ops = malloc(raw / 8 + 1);
   e->flags = malloc(raw / 8 + 1);
   e->sites = malloc(raw / 16 * 5 + 8);     /* + 8: PREDICT writes 4 and 8 */
   e->opc = malloc(raw / 16 * 4 + 1);       /* bytes at the end of the column */
   e->addrs = malloc(raw / 16 * 13 + 8);
   e->var = malloc(raw + 1);
   e->slot = malloc(SITE_SLOTS * sizeof *e->slot);
   e->fresh = malloc(SITE_SLOTS * sizeof *e->fresh);
   if (e->slot)
      enc_clear_slots(e->slot, SITE_SLOTS - 1);
   if (e->ops)
      memset(e->ops, FLAG_REPEAT, raw / 8 + 1);    /* see enc_reset */
   return e->ops && e->flags && e->sites && e->opc && e->addrs && e->var && e->slot &&
          e->fresh ? 0 : -1;
}

static void enc_free(struct enc *e)
{
   free(e->ops);
   free(e->flags);
   free(e->sites);
   free(e->opc);
   free(e->addrs);
   free(e->var);
   free(e->slot);
   free(e->fresh);
}

/* empty columns, predictors as at the start of a chunk */
static void enc_reset(struct enc *e)
{
   /* the slots touched: codecs 2 and 3 0..m, at most; PREDICT the ones it
    * noted, and slot 0 (the first record's predecessor) */
   pv_u32 m = e->used;
   m |= m >> 1;
   m |= m >> 2;
   m |= m >> 4;
   m |= m >> 8;
   for (pv_u32 k = 0; k < e->nfresh; k++)
      e->slot[e->fresh[k]] = (struct enc_slot){ 0 };
   enc_clear_slots(e->slot, m);
   /* PREDICT: the ops not written are repeats (the encoder's common case
    * writes none) */
   memset(e->ops, FLAG_REPEAT, e->nrec);
   e->nrec = e->fl = e->sl = e->ol = e->al = e->vl = 0;
   e->prev = 0;
   e->prev_site = 0;
   e->used = 0;
   e->nfresh = 0;
}

/* the encoded size */
static size_t enc_size(const struct enc *e)
{
   if (e->codec == PV_CODEC_PREDICT)
      return 24 + (e->nrec + 7) / 8 + e->fl + e->sl + e->ol + e->al + e->vl;
   return 16 + e->nrec + e->sl + e->al + e->vl;
}

/* the encoding (pv_trace_encode's output) at X; its size */
static size_t enc_put(const struct enc *e, pv_u8 *x)
{
   pv_u8 *x0 = x;
   put32(x, (pv_u32)e->nrec);
   if (e->codec == PV_CODEC_PREDICT) {
      /* the repeat bits (record k: bit k % 8 of byte k / 8), then the
       * flags not repeated */
      size_t nb = (e->nrec + 7) / 8, k;
      pv_u8 *bits = x + 24;
      const pv_u8 *t = e->ops;
      for (k = 0; k < e->nrec / 8; k++) {
         /* 8 at a time, without a branch (pointer chasing): bit 7 of
          * each byte of d is 1 where ops is not FLAG_REPEAT; then those
          * bits gathered (they land apart: no carries) */
         pv_u64 w, d;
         memcpy(&w, t + 8 * k, 8);
         w = ~w;
         d = (((w & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | w)
             & 0x8080808080808080ull;
         bits[k] = (pv_u8)~(((d >> 7) * 0x0102040810204080ull) >> 56);
      }
      if (k < nb) {
         unsigned b = 0;
         for (unsigned j = 0; j < e->nrec % 8; j++)
            b |= (unsigned)(t[8 * k + j] == FLAG_REPEAT) << j;
         bits[k] = (pv_u8)b;
      }
      memcpy(bits + nb, e->flags, e->fl);
      put32(x + 4, (pv_u32)e->fl);
      put32(x + 8, (pv_u32)e->sl);
      put32(x + 12, (pv_u32)e->ol);
      put32(x + 16, (pv_u32)e->al);
      put32(x + 20, (pv_u32)e->vl);
      x = bits + nb + e->fl;
   } else {
      put32(x + 4, (pv_u32)e->sl);
      put32(x + 8, (pv_u32)e->al);
      put32(x + 12, (pv_u32)e->vl);
      x += 16;
      memcpy(x, e->ops, e->nrec);
      x += e->nrec;
   }
   memcpy(x, e->sites, e->sl);
   x += e->sl;
   memcpy(x, e->opc, e->ol);
   x += e->ol;
   memcpy(x, e->addrs, e->al);
   x += e->al;
   memcpy(x, e->var, e->vl);
   return (size_t)(x - x0) + e->vl;
}

/* a record that is not an access (LEN bytes): whole, in the V column */
static void enc_other(struct enc *e, const pv_u8 *rec, size_t len)
{
   e->ops[e->nrec++] = 0;
   if (e->codec == PV_CODEC_PREDICT)
      e->flags[e->fl++] = PV_PREDICT_OTHER;
   memcpy(e->var + e->vl, rec, len);
   e->vl += len;
}

/* Codecs 1..3: the run of access records at P, up to the first other
 * record or LIM bytes; returns the bytes used (whole records).  Locals
 * instead of the fields in the loop: this is the recorder's busiest code. */
static size_t enc_accesses_cols(struct enc *e, const pv_u8 *p, size_t lim)
{
   pv_u8 *op = e->ops + e->nrec, *sq = e->sites + e->sl, *aq = e->addrs + e->al;
   struct enc_slot *slot = e->slot;
   const int codec = e->codec;
   pv_u64 prev = e->prev;
   pv_u32 used = e->used;
   size_t i = 0;
   while (i + 16 <= lim) {
      pv_u64 h, addr, pred;
      memcpy(&h, p + i, 8);
      unsigned type = PV_HDR_TYPE(h);
      if (!PV_IS_ACCESS(type))
         break;
      memcpy(&addr, p + i + 8, 8);
      unsigned sz = PV_HDR_N16(h), sc = size_code(sz);
      pv_u32 site = PV_HDR_A32(h);
      *op++ = (pv_u8)(type | sc << 2);
      if (site < 0x80)
         *sq++ = (pv_u8)site;
      else
         sq = put_varint(sq, site);
      if (!sc)
         aq = put_varint(aq, sz);
      if (codec == PV_CODEC_SITE) {
         struct enc_slot *s = &slot[site & (SITE_SLOTS - 1)];
         pred = s->last;               /* (the stride is only the STRIDE codec's) */
         s->last = addr;
         used |= site;
      } else if (codec == PV_CODEC_COLS) {
         pred = prev;
         prev = addr;
      } else {
         struct enc_slot *s = &slot[site & (SITE_SLOTS - 1)];
         pred = s->last + s->stride;
         s->stride = addr - s->last;
         s->last = addr;
         used |= site;
      }
      pv_u64 z = zigzag(addr - pred);
      if (z < 0x80)
         *aq++ = (pv_u8)z;
      else
         aq = put_varint(aq, z);
      i += 16;
   }
   e->nrec = (size_t)(op - e->ops);
   e->sl = (size_t)(sq - e->sites);
   e->al = (size_t)(aq - e->addrs);
   e->prev = prev;
   e->used = used & (SITE_SLOTS - 1);
   return i;
}

/* Codec PREDICT: the same.  Per access a flag byte says which
 * predictions missed; only the misses are written to the other columns:
 *   site     the successor of the previous access's site (its slot's succ)
 *   op       the type and size of the site's last access (its slot's key)
 *   address  one of two: the site's last address + its last stride, or
 *            the previous access's address + the site's offset from its
 *            previous access last time (fields of one object); the slot
 *            prefers the one that hit last (PREF_BIT).
 * and a repeat bit says that the site was predicted and its flag byte is
 * the one it had last time (then the flag byte is left out).
 * Nearly every record of a loop is all predicted, as last time: that case
 * is tried first, in a loop of its own.  The general case is written
 * without branches on the predictions' outcomes (they are random in
 * pointer chasing): a missed site and address are stored always, their
 * column advanced by their length, 0 when predicted; the lengths are in
 * the flag byte (pv_trace.h). */
static size_t enc_accesses_predict(struct enc *e, const pv_u8 *p, size_t lim)
{
   /* few variables carried from one record to the next: the compiler
    * keeps some of the others on the stack, which costs little unless they
    * change (then each record waits for the last one's store).  The
    * records are at pe + j, j from -n up to 0 (one register less). */
   size_t n = lim & ~(size_t)15;
   const pv_u8 *pe = p + n;
   pv_u8 *fe = e->ops + e->nrec + n / 16, *fq = e->flags + e->fl, *sq = e->sites + e->sl,
         *aq = e->addrs + e->al;
   struct enc_slot *slot = e->slot, *ps = &slot[e->prev_site & (SITE_SLOTS - 1)];
   pv_u64 prev_addr = e->prev;
   ptrdiff_t j = -(ptrdiff_t)n;
   while (j != 0) {
      pv_u64 h, addr;
      pv_u32 site;
      struct enc_slot *s;
      /* All three predicted, as last time: a repeat bit (in ops already:
       * enc_reset), and of the predictors' new state what changes.  h ==
       * x: an access (x holds an access's type), its op predicted, flag
       * 0, the stride preferred; if that hits, the stride stays.  If the
       * offset is preferred and hits, rel stays.  (A loop of its own: the
       * compiler keeps its variables in registers.) */
      for (;;) {
         memcpy(&h, pe + j, 8);
         memcpy(&site, pe + j + 4, 4);              /* PV_HDR_A32(h) */
         memcpy(&addr, pe + j + 8, 8);
         s = &slot[site & (SITE_SLOTS - 1)];
         if (ps->succ != site)
            break;
         if (h == s->x) {
            if (addr != s->last + s->stride)
               break;
            s->last = addr;
            s->rel = (pv_s32)(addr - prev_addr);
         } else {
            if ((h ^ X_OFFSET) != s->x || addr != prev_addr + (pv_u64)(pv_s64)s->rel)
               break;
            s->stride = addr - s->last;
            s->last = addr;
         }
         prev_addr = addr;
         ps = s;
         j += 16;
         if (j == 0)
            goto done;
      }
      /* the general case (also the above with a header's sub byte not 0,
       * which is left out) */
      unsigned type = PV_HDR_TYPE(h);
      if (!PV_IS_ACCESS(type))
         break;
      pv_u32 key = (pv_u32)(h & KEY_MASK);
      /* site: 0 predicted, 1 two bytes, 2 four bytes */
      unsigned f = (ps->succ != site) * (1u + (site > 0xFFFF));
      ps->succ = site;
      memcpy(sq, &site, 4);
      sq += 2 * f;
      pv_u64 x = s->x;
      unsigned code = (pv_u32)(x >> 32) ^ site;
      unsigned pref = code & 1, flag = code << 1 & 0xFC;
      if (__builtin_expect((pv_u32)x != key, 0)) {
         /* (always at a slot's first access in the chunk) */
         unsigned sz = PV_HDR_N16(h), sc = size_code(sz);
         f |= PV_PREDICT_OP;
         if (!(pv_u32)x) {                       /* a fresh slot */
            pref = flag = 0;
            e->fresh[e->nfresh++] = (pv_u16)(site & (SITE_SLOTS - 1));
         }
         pv_u8 *oq = e->opc + e->ol;
         *oq++ = (pv_u8)(type | sc << 2);
         if (!sc)
            oq = put_varint(oq, sz);
         e->ol = (size_t)(oq - e->opc);
      }
      pv_u64 last = s->last, p1 = last + s->stride, p2 = prev_addr + (pv_u64)(pv_s64)s->rel;
      /* pv_slot_learn but for x (below); early: fewer values live at once */
      s->stride = addr - last;
      s->last = addr;
      s->rel = (pv_s32)(addr - prev_addr);
      pv_u64 pa = pref ? p2 : p1, pb = pref ? p1 : p2;
      unsigned miss_a = addr != pa, other = miss_a & (addr == pb);
      unsigned miss = miss_a & !other;
      pref ^= other;
      pv_u64 z = zigzag(addr - pa);
      unsigned len = ((71u - (unsigned)__builtin_clzll(z | 1)) >> 3) * miss;   /* 0..8 */
      memcpy(aq, &z, 8);
      aq += len;
      f |= other * PV_PREDICT_OTHERADDR | len << PV_PREDICT_LEN_SHIFT;
      /* a repeat bit, or the flag byte (flag: no site bits); fe[j / 16],
       * without a signed division */
      unsigned r = f == flag;
      fe[-(ptrdiff_t)((size_t)-j / 16)] = r ? FLAG_REPEAT : 0;
      *fq = (pv_u8)f;
      fq += !r;
      s->x = key | (pv_u64)(site ^ pref ^ (f & ~3u) >> 1) << 32;
      prev_addr = addr;
      ps = s;
      j += 16;
   }
done:;
   size_t i = (size_t)((ptrdiff_t)n + j);
   e->nrec += i / 16;
   e->fl = (size_t)(fq - e->flags);
   e->sl = (size_t)(sq - e->sites);
   e->al = (size_t)(aq - e->addrs);
   e->prev_site = (pv_u32)(ps - slot);
   e->prev = prev_addr;
   return i;
}

static inline size_t enc_accesses(struct enc *e, const pv_u8 *p, size_t lim)
{
   return e->codec == PV_CODEC_PREDICT ? enc_accesses_predict(e, p, lim)
                                       : enc_accesses_cols(e, p, lim);
}

size_t pv_trace_encode(int codec, const pv_u8 *r, size_t n, pv_u8 *out)
{
   if (codec == PV_CODEC_RAW) {
      memcpy(out, r, n);
      return n;
   }
   struct enc e;
   memset(&e, 0, sizeof e);
   e.codec = codec;
   if (enc_alloc(&e, n) != 0) {
      enc_free(&e);
      return 0;
   }
   size_t i = 0;
   while (i < n) {
      size_t used = enc_accesses(&e, r + i, n - i);
      i += used;
      if (!used) {
         size_t len = PV_REC_BYTES(pv_rec_hdr(r + i));
         enc_other(&e, r + i, len);
         i += len;
      }
   }
   size_t xn = enc_put(&e, out);
   enc_free(&e);
   return xn;
}

/* ---- the writer ------------------------------------------------------- */

struct pv_trace_index_ent { pv_u64 off, first; };

struct pv_trace_writer {
   int      fd;
   int      codec, level;
   int      header_done;
   pv_u64   off;                 /* file bytes written */
   pv_u64   events;              /* records written or held */
   pv_u64   chunk_first;         /* index of the first record held */
   pv_u64   chunk_nrec;
   pv_u64   raw_total;
   pv_u8   *raw;                 /* codec RAW: records held for the next chunk */
   size_t   raw_len, raw_cap;     /* bytes of records held (any codec), room */
   /* the other codecs encode each record as it comes (one pass, no copy
    * of the records): the chunk's columns so far, as pv_trace_encode
    * would make them */
   struct enc e;
   pv_u8   *xbuf, *comp;
   size_t   xbuf_cap, comp_cap;
   struct pv_trace_index_ent *idx;
   size_t   nidx, idx_cap;
   ZSTD_CCtx *cctx;
   char     path[512];

   /* compression thread (see start_worker): while it compresses and writes
    * chunk k, the caller encodes chunk k+1.  The job's buffer is swapped
    * with xbuf when a chunk is handed over; the worker alone touches cctx,
    * comp, idx and off while a job runs. */
   int      threaded;
   int      worker_due;   /* start it at the first chunk (see pv_trace_create) */
   pthread_t th;
   pthread_mutex_t mu;
   pthread_cond_t cv;
   int      busy, stop, async_errno;
   pv_u8   *job_x;
   size_t   job_cap, job_xn;
   pv_u32   job_raw;
   pv_u64   job_first, job_nrec;
};

static void start_worker(struct pv_trace_writer *w);

static int write_all(struct pv_trace_writer *w, const void *p, size_t n)
{
   const pv_u8 *b = p;
   while (n) {
      ssize_t k = write(w->fd, b, n);
      if (k < 0) {
         if (errno == EINTR)
            continue;
         return -1;
      }
      b += k;
      n -= (size_t)k;
      w->off += (pv_u64)k;
   }
   return 0;
}

/* Close the file and free W and all it holds (the worker stopped or never
   started). */
static void free_writer(struct pv_trace_writer *w)
{
   if (w->fd >= 0)
      close(w->fd);
   free(w->raw);
   enc_free(&w->e);
   free(w->xbuf);
   free(w->job_x);
   free(w->comp);
   free(w->idx);
   ZSTD_freeCCtx(w->cctx);
   free(w);
}

struct pv_trace_writer *pv_trace_create(const char *path, char *err, size_t errlen)
{
   struct pv_trace_writer *w = calloc(1, sizeof *w);
   if (!w) {
      snprintf(err, errlen, "out of memory");
      return NULL;
   }
   w->codec = PV_TRACE_DEFAULT_CODEC;
   w->level = PV_TRACE_DEFAULT_LEVEL;
   w->raw_cap = PV_TRACE_CHUNK_RAW + 8u * 65536u;    /* + the longest record */
   w->raw = malloc(w->raw_cap);
   w->e.codec = w->codec;
   int enc_ok = enc_alloc(&w->e, w->raw_cap) == 0;
   w->cctx = ZSTD_createCCtx();
   /* mode 0600, as Valgrind's tools write theirs: a trace holds the
    * program's command line and every address it touched */
   w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
   if (w->fd < 0 || !w->raw || !w->cctx || !enc_ok) {
      snprintf(err, errlen, "cannot create trace file %s: %s", path,
               w->fd < 0 ? strerror(errno) : "out of memory");
      free_writer(w);
      return NULL;
   }
   snprintf(w->path, sizeof w->path, "%s", path);
   /* the compression thread is started by the thread that hands it the
    * first chunk, the one that reads the stream: a new thread inherits its
    * creator's priority, and pervert-view runs its drawing (which may open
    * a recording: the t key) at a lower one than its reading */
   w->worker_due = 1;
   return w;
}

void pv_trace_set_codec(struct pv_trace_writer *w, int codec, int level)
{
   if (codec >= 0 && codec < PV_CODEC_COUNT)
      w->codec = w->e.codec = codec;
   if (level != 0 && level >= ZSTD_minCLevel() && level <= ZSTD_maxCLevel())
      w->level = level;              /* negative: zstd's fast levels */
}

/* the file header, from the INFO record REC (LEN bytes) or none */
static int write_header(struct pv_trace_writer *w, const pv_u8 *rec, size_t len)
{
   pv_u32 pid = 0, nstr = 0;
   pv_u64 start = 0;
   size_t slen = 0;
   const char *strs = "";
   if (rec) {
      pid = PV_HDR_A32(pv_rec_hdr(rec));
      start = pv_rec_word(rec, 1);
      /* program and arguments: strings from byte 32 up to an empty one */
      strs = (const char *)rec + 32;
      size_t off = 32;
      while (off < len && rec[off]) {
         size_t l = strnlen((const char *)rec + off, len - off);
         if (off + l >= len)
            break;                       /* unterminated: leave it out */
         off += l + 1;
         nstr++;
      }
      slen = off - 32;
   }
   size_t total = PV_ALIGN8(PV_TRACE_HDR_FIXED + slen);
   pv_u8 *h = calloc(1, total);
   if (!h)
      return -1;
   memcpy(h, PV_TRACE_MAGIC, 8);
   put32(h + 8, PV_TRACE_FORMAT_VERSION);
   put32(h + 12, PV_PROTO_VERSION);
   put32(h + 16, (pv_u32)total);
   put32(h + 20, pid);
   put64(h + 24, start);
   put32(h + 32, nstr);
   memcpy(h + 40, strs, slen);
   put32(h + 36, pv_trace_crc32(0, h, total));
   int rc = write_all(w, h, total);
   free(h);
   w->header_done = 1;
   return rc;
}

static int grow(pv_u8 **p, size_t *cap, size_t need)
{
   if (*cap >= need)
      return 0;
   pv_u8 *n = realloc(*p, need);
   if (!n)
      return -1;
   *p = n;
   *cap = need;
   return 0;
}

/* Compress the encoded chunk SRC[0..XN) (RAW bytes of records, NREC of
 * them from record FIRST) and write it with its header; note it in the
 * index.  0, or -1 with errno set. */
static int compress_write(struct pv_trace_writer *w, const pv_u8 *src, size_t xn, pv_u32 raw,
                          pv_u64 first, pv_u64 nrec)
{
   size_t cb = ZSTD_compressBound(xn) + PV_TRACE_CHUNK_HDR;
   if (grow(&w->comp, &w->comp_cap, cb) != 0) {
      errno = ENOMEM;
      return -1;
   }
   ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_and_parameters);
   ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level);
   ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
   size_t cn = ZSTD_compress2(w->cctx, w->comp + PV_TRACE_CHUNK_HDR, cb - PV_TRACE_CHUNK_HDR,
                              src, xn);
   if (ZSTD_isError(cn)) {
      errno = EIO;
      return -1;
   }
   pv_u8 *h = w->comp;
   put32(h, PV_TRACE_CHUNK_MAGIC);
   put32(h + 4, (pv_u32)w->codec);
   put32(h + 8, raw);
   put32(h + 12, (pv_u32)cn);
   put64(h + 16, first);
   put32(h + 24, (pv_u32)nrec);
   put32(h + 28, (pv_u32)xn);
   put32(h + 32, pv_trace_crc32(0, h + PV_TRACE_CHUNK_HDR, cn));
   put32(h + 36, pv_trace_crc32(0, h, 36));
   if (w->nidx == w->idx_cap) {
      size_t nc = w->idx_cap ? 2 * w->idx_cap : 256;
      struct pv_trace_index_ent *ni = realloc(w->idx, nc * sizeof *ni);
      if (!ni) {
         errno = ENOMEM;
         return -1;
      }
      w->idx = ni;
      w->idx_cap = nc;
   }
   w->idx[w->nidx].off = w->off;
   w->idx[w->nidx].first = first;
   if (write_all(w, h, PV_TRACE_CHUNK_HDR + cn) != 0)
      return -1;
   w->nidx++;
   return 0;
}

static void *worker(void *arg)
{
   struct pv_trace_writer *w = arg;
   /* its name says what it is in top and perf, and pervert-view's
    * cpushare.c leaves threads named pv-* at their priority */
   prctl(PR_SET_NAME, "pv-record", 0, 0, 0);
   pthread_mutex_lock(&w->mu);
   for (;;) {
      while (!w->busy && !w->stop)
         pthread_cond_wait(&w->cv, &w->mu);
      if (!w->busy)
         break;                           /* stop, nothing left */
      pthread_mutex_unlock(&w->mu);
      int rc = compress_write(w, w->job_x, w->job_xn, w->job_raw, w->job_first, w->job_nrec);
      int e = errno;
      pthread_mutex_lock(&w->mu);
      if (rc != 0 && !w->async_errno)
         w->async_errno = e ? e : EIO;
      w->busy = 0;
      pthread_cond_broadcast(&w->cv);
   }
   pthread_mutex_unlock(&w->mu);
   return NULL;
}

/* Wait until the worker is idle; its error, if it had one (0: none). */
static int worker_wait(struct pv_trace_writer *w)
{
   pthread_mutex_lock(&w->mu);
   while (w->busy)
      pthread_cond_wait(&w->cv, &w->mu);
   int e = w->async_errno;
   pthread_mutex_unlock(&w->mu);
   return e;
}

static void worker_stop(struct pv_trace_writer *w)
{
   if (!w->threaded)
      return;
   pthread_mutex_lock(&w->mu);
   w->stop = 1;
   pthread_cond_broadcast(&w->cv);
   pthread_mutex_unlock(&w->mu);
   pthread_join(w->th, NULL);
   pthread_mutex_destroy(&w->mu);
   pthread_cond_destroy(&w->cv);
   w->threaded = 0;
}

/* The compression thread: with a second CPU, zstd runs beside the caller
 * (who reads the ring and encodes).  PV_TRACE_THREAD=0 turns it off. */
static void start_worker(struct pv_trace_writer *w)
{
   const char *e = getenv("PV_TRACE_THREAD");
   if ((e && strcmp(e, "0") == 0) || sysconf(_SC_NPROCESSORS_ONLN) < 2)
      return;
   if (pthread_mutex_init(&w->mu, NULL) != 0)
      return;
   if (pthread_cond_init(&w->cv, NULL) != 0) {
      pthread_mutex_destroy(&w->mu);
      return;
   }
   if (pthread_create(&w->th, NULL, worker, w) != 0) {
      pthread_cond_destroy(&w->cv);
      pthread_mutex_destroy(&w->mu);
      return;
   }
   w->threaded = 1;
}

int pv_trace_flush(struct pv_trace_writer *w)
{
   if (!w->raw_len)
      return 0;
   if (!w->header_done && write_header(w, NULL, 0) != 0)
      return -1;
   size_t xn;
   if (w->codec == PV_CODEC_RAW) {
      /* the records as they are: compressed straight from the buffer */
      xn = w->raw_len;
   } else {
      /* the columns, one after the other (pv_trace_encode's layout) */
      xn = enc_size(&w->e);
      if (grow(&w->xbuf, &w->xbuf_cap, xn) != 0) {
         errno = ENOMEM;
         return -1;
      }
      xn = enc_put(&w->e, w->xbuf);
   }
   if (w->worker_due) {
      w->worker_due = 0;
      start_worker(w);
   }
   if (w->threaded && w->codec != PV_CODEC_RAW) {
      /* hand the chunk to the worker: its buffer becomes ours */
      int e = worker_wait(w);
      if (e) {
         errno = e;
         return -1;
      }
      pv_u8 *x = w->job_x;
      size_t cap = w->job_cap;
      w->job_x = w->xbuf;
      w->job_cap = w->xbuf_cap;
      w->xbuf = x;
      w->xbuf_cap = cap;
      w->job_xn = xn;
      w->job_raw = (pv_u32)w->raw_len;
      w->job_first = w->chunk_first;
      w->job_nrec = w->chunk_nrec;
      pthread_mutex_lock(&w->mu);
      w->busy = 1;
      pthread_cond_broadcast(&w->cv);
      pthread_mutex_unlock(&w->mu);
   } else if (compress_write(w, w->codec == PV_CODEC_RAW ? w->raw : w->xbuf, xn,
                             (pv_u32)w->raw_len, w->chunk_first, w->chunk_nrec) != 0) {
      return -1;
   }
   w->chunk_first += w->chunk_nrec;
   w->chunk_nrec = 0;
   w->raw_len = 0;
   enc_reset(&w->e);                     /* each chunk starts afresh */
   return 0;
}

/* The fast path of pv_trace_append: encode the run of access records at
 * P (N bytes) up to the first other record or the chunk's size; returns
 * the bytes used (whole records). */
static size_t encode_accesses(struct pv_trace_writer *w, const pv_u8 *p, size_t n)
{
   size_t room = PV_TRACE_CHUNK_RAW - w->raw_len;       /* raw_len < CHUNK_RAW here */
   size_t lim = (room + 15) & ~(size_t)15;              /* the record reaching it too */
   if (lim > n)
      lim = n;
   size_t i = enc_accesses(&w->e, p, lim);
   size_t nrec = i / 16;
   w->chunk_nrec += nrec;
   w->events += nrec;
   w->raw_len += i;
   w->raw_total += i;
   return i;
}

int pv_trace_append(struct pv_trace_writer *w, const pv_u8 *p, size_t n)
{
   size_t i = 0;
   while (i < n) {
      if (w->header_done && w->codec != PV_CODEC_RAW && n - i >= 16
          && PV_IS_ACCESS(PV_HDR_TYPE(pv_rec_hdr(p + i)))) {
         size_t used = encode_accesses(w, p + i, n - i);
         i += used;
         if (w->raw_len >= PV_TRACE_CHUNK_RAW && pv_trace_flush(w) != 0)
            return -1;
         if (used)
            continue;
      }
      pv_u64 h = pv_rec_hdr(p + i);
      unsigned type = PV_HDR_TYPE(h);
      size_t len;
      if (type == PV_REC_PAD && PV_HDR_SUB(h) == 1)
         break;                          /* to the end of the data area */
      len = PV_REC_BYTES(h);
      if (len == 0 || len > n - i) {
         errno = EINVAL;
         return -1;
      }
      if (!w->header_done) {
         if (write_header(w, type == PV_REC_INFO ? p + i : NULL, len) != 0)
            return -1;
      }
      if (type != PV_REC_PAD) {
         if (w->raw_len + len > w->raw_cap && pv_trace_flush(w) != 0)
            return -1;
         if (w->codec == PV_CODEC_RAW)
            memcpy(w->raw + w->raw_len, p + i, len);
         else if (PV_IS_ACCESS(type))
            enc_accesses(&w->e, p + i, 16);
         else
            enc_other(&w->e, p + i, len);
         w->raw_len += len;
         w->raw_total += len;
         w->chunk_nrec++;
         w->events++;
         if (w->raw_len >= PV_TRACE_CHUNK_RAW && pv_trace_flush(w) != 0)
            return -1;
      }
      i += len;
   }
   return 0;
}

int pv_trace_finish(struct pv_trace_writer *w, unsigned flags, int do_fsync)
{
   int rc = 0;
   if (!w->header_done && write_header(w, NULL, 0) != 0)
      rc = -1;
   if (rc == 0 && pv_trace_flush(w) != 0)
      rc = -1;
   if (w->threaded) {
      int e = worker_wait(w);            /* the last chunk is written */
      if (e && rc == 0) {
         errno = e;
         rc = -1;
      }
      worker_stop(w);
   }
   if (rc == 0) {
      /* index: "PVIX", 0, nchunks, {offset, first event} * n, crc, 0 */
      size_t isz = 16 + 16 * w->nidx + 8;
      pv_u8 *ix = calloc(1, isz);
      if (!ix) {
         errno = ENOMEM;
         rc = -1;
      } else {
         pv_u64 ioff = w->off;
         put32(ix, PV_TRACE_INDEX_MAGIC);
         put64(ix + 8, w->nidx);
         for (size_t k = 0; k < w->nidx; k++) {
            put64(ix + 16 + 16 * k, w->idx[k].off);
            put64(ix + 24 + 16 * k, w->idx[k].first);
         }
         put32(ix + isz - 8, pv_trace_crc32(0, ix, isz - 8));
         pv_u8 f[PV_TRACE_FOOTER_SIZE];
         memset(f, 0, sizeof f);
         memcpy(f, PV_TRACE_FOOTER_MAGIC, 8);
         put64(f + 8, ioff);
         put64(f + 16, w->events);
         put32(f + 24, flags);
         put32(f + 28, pv_trace_crc32(0, f, 28));
         if (write_all(w, ix, isz) != 0 || write_all(w, f, sizeof f) != 0)
            rc = -1;
         free(ix);
      }
   }
   int e = errno;
   if (rc == 0 && do_fsync && fsync(w->fd) != 0) {
      rc = -1;
      e = errno;
   }
   if (close(w->fd) != 0 && rc == 0) {
      rc = -1;
      e = errno;
   }
   w->fd = -1;
   pv_trace_abandon(w);
   errno = e;
   return rc;
}

void pv_trace_abandon(struct pv_trace_writer *w)
{
   if (!w)
      return;
   worker_stop(w);
   free_writer(w);
}

void pv_trace_stats(const struct pv_trace_writer *w, pv_u64 *events,
                    pv_u64 *raw_bytes, pv_u64 *file_bytes)
{
   if (events)
      *events = w->events;
   if (raw_bytes)
      *raw_bytes = w->raw_total;
   if (file_bytes)
      *file_bytes = w->off;
}
