/* pv_trace_write.c -- writing pervert trace files (see pv_trace.h and
 * PROTOCOL.txt section 14): the column transform's encoder, the streaming
 * writer. */
#define _GNU_SOURCE
#include "pv_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include <pthread.h>

#include "pv_stream.h"

/* ---- the column transform: encoder ------------------------------------ */

#define SITE_SLOTS 16384u          /* per-site predictor slots (site & mask) */

struct site_slot { pv_u64 last; pv_u64 stride; };

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

size_t pv_trace_encode(int codec, const pv_u8 *r, size_t n, pv_u8 *out)
{
   if (codec == PV_CODEC_RAW) {
      memcpy(out, r, n);
      return n;
   }
   /* pass 1: count the records and the bytes of non-access records, to
    * place the columns */
   size_t nrec = 0, nvar = 0, i = 0;
   while (i < n) {
      pv_u64 h = pv_rec_hdr(r + i);
      size_t len = PV_REC_BYTES(h);
      if (!PV_IS_ACCESS(PV_HDR_TYPE(h)))
         nvar += len;
      nrec++;
      i += len;
   }
   /* the site and address columns go into a scratch area after the ops, then
    * are moved together; their sizes are at most 5 and 13 bytes a record */
   pv_u8 *ops = out + 16;
   pv_u8 *sites = malloc(nrec * 5 + 1), *addrs = malloc(nrec * 13 + 1);
   if (!sites || !addrs) {
      free(sites);
      free(addrs);
      return 0;
   }
   pv_u8 *var = ops + nrec;                 /* var bytes go last: placed later */
   pv_u8 *vtmp = malloc(nvar + 1);
   if (!vtmp) {
      free(sites);
      free(addrs);
      return 0;
   }
   struct site_slot *slot = NULL;
   if (codec != PV_CODEC_COLS) {
      slot = calloc(SITE_SLOTS, sizeof *slot);
      if (!slot) {
         free(sites);
         free(addrs);
         free(vtmp);
         return 0;
      }
   }
   pv_u8 *sq = sites, *aq = addrs, *vq = vtmp, *oq = ops;
   pv_u64 prev = 0;
   for (i = 0; i < n;) {
      pv_u64 h = pv_rec_hdr(r + i);
      unsigned type = PV_HDR_TYPE(h);
      if (!PV_IS_ACCESS(type)) {
         size_t len = PV_HDR_N16(h) * 8u;
         *oq++ = 0;
         memcpy(vq, r + i, len);
         vq += len;
         i += len;
         continue;
      }
      unsigned sz = PV_HDR_N16(h), sc = size_code(sz);
      pv_u32 site = PV_HDR_A32(h);
      pv_u64 addr = pv_rec_word(r + i, 1), pred;
      *oq++ = (pv_u8)(type | sc << 2);
      sq = put_varint(sq, site);
      if (!sc)
         aq = put_varint(aq, sz);
      if (codec == PV_CODEC_COLS) {
         pred = prev;
         prev = addr;
      } else {
         struct site_slot *s = &slot[site & (SITE_SLOTS - 1)];
         pred = codec == PV_CODEC_STRIDE ? s->last + s->stride : s->last;
         s->stride = addr - s->last;
         s->last = addr;
      }
      aq = put_varint(aq, zigzag(addr - pred));
      i += 16;
   }
   size_t sl = (size_t)(sq - sites), al = (size_t)(aq - addrs), vl = (size_t)(vq - vtmp);
   put32(out, (pv_u32)nrec);
   put32(out + 4, (pv_u32)sl);
   put32(out + 8, (pv_u32)al);
   put32(out + 12, (pv_u32)vl);
   var = ops + nrec;
   memcpy(var, sites, sl);
   memcpy(var + sl, addrs, al);
   memcpy(var + sl + al, vtmp, vl);
   free(sites);
   free(addrs);
   free(vtmp);
   free(slot);
   return 16 + nrec + sl + al + vl;
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
   pv_u8   *ops, *sites, *addrs, *var;
   size_t   sl, al, vl;
   struct site_slot *slot;
   pv_u64   prev;                /* codec COLS: the previous address */
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
   free(w->ops);
   free(w->sites);
   free(w->addrs);
   free(w->var);
   free(w->slot);
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
   /* columns: at most raw/8 records, raw/16 accesses of at most 5 bytes of
    * site and 3 + 10 of size and address */
   w->ops = malloc(w->raw_cap / 8 + 1);
   w->sites = malloc(w->raw_cap / 16 * 5 + 1);
   w->addrs = malloc(w->raw_cap / 16 * 13 + 1);
   w->var = malloc(w->raw_cap);
   w->slot = calloc(SITE_SLOTS, sizeof *w->slot);
   w->cctx = ZSTD_createCCtx();
   w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
   if (w->fd < 0 || !w->raw || !w->cctx || !w->ops || !w->sites || !w->addrs || !w->var
       || !w->slot) {
      snprintf(err, errlen, "cannot create trace file %s: %s", path,
               w->fd < 0 ? strerror(errno) : "out of memory");
      free_writer(w);
      return NULL;
   }
   snprintf(w->path, sizeof w->path, "%s", path);
   start_worker(w);
   return w;
}

void pv_trace_set_codec(struct pv_trace_writer *w, int codec, int level)
{
   if (codec >= 0 && codec < PV_CODEC_COUNT)
      w->codec = codec;
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
      size_t nrec = (size_t)w->chunk_nrec;
      xn = 16 + nrec + w->sl + w->al + w->vl;
      if (grow(&w->xbuf, &w->xbuf_cap, xn) != 0) {
         errno = ENOMEM;
         return -1;
      }
      pv_u8 *x = w->xbuf;
      put32(x, (pv_u32)nrec);
      put32(x + 4, (pv_u32)w->sl);
      put32(x + 8, (pv_u32)w->al);
      put32(x + 12, (pv_u32)w->vl);
      x += 16;
      memcpy(x, w->ops, nrec);
      x += nrec;
      memcpy(x, w->sites, w->sl);
      x += w->sl;
      memcpy(x, w->addrs, w->al);
      x += w->al;
      memcpy(x, w->var, w->vl);
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
   w->sl = w->al = w->vl = 0;
   w->prev = 0;
   if (w->codec == PV_CODEC_SITE || w->codec == PV_CODEC_STRIDE)
      memset(w->slot, 0, SITE_SLOTS * sizeof *w->slot);   /* each chunk starts afresh */
   return 0;
}

/* Encode one record REC (LEN bytes, not PAD) into the chunk's columns: the
 * loop body of pv_trace_encode. */
static inline void encode_one(struct pv_trace_writer *w, const pv_u8 *rec, size_t len,
                              pv_u64 h, unsigned type)
{
   pv_u8 *op = w->ops + w->chunk_nrec;
   if (!PV_IS_ACCESS(type)) {
      *op = 0;
      memcpy(w->var + w->vl, rec, len);
      w->vl += len;
      return;
   }
   unsigned sz = PV_HDR_N16(h), sc = size_code(sz);
   pv_u32 site = PV_HDR_A32(h);
   pv_u64 addr = pv_rec_word(rec, 1), pred;
   *op = (pv_u8)(type | sc << 2);
   w->sl = (size_t)(put_varint(w->sites + w->sl, site) - w->sites);
   pv_u8 *aq = w->addrs + w->al;
   if (!sc)
      aq = put_varint(aq, sz);
   if (w->codec == PV_CODEC_COLS) {
      pred = w->prev;
      w->prev = addr;
   } else {
      struct site_slot *sl = &w->slot[site & (SITE_SLOTS - 1)];
      pred = w->codec == PV_CODEC_STRIDE ? sl->last + sl->stride : sl->last;
      sl->stride = addr - sl->last;
      sl->last = addr;
   }
   aq = put_varint(aq, zigzag(addr - pred));
   w->al = (size_t)(aq - w->addrs);
}

/* The fast path of pv_trace_append: encode the run of access records at
 * P (N bytes) up to the first other record or the chunk's size; returns
 * the bytes used (whole records).  Locals instead of the writer's fields in
 * the loop: this is the recorder's busiest code. */
static size_t encode_accesses(struct pv_trace_writer *w, const pv_u8 *p, size_t n)
{
   size_t room = PV_TRACE_CHUNK_RAW - w->raw_len;       /* raw_len < CHUNK_RAW here */
   size_t lim = (room + 15) & ~(size_t)15;              /* the record reaching it too */
   if (lim > n)
      lim = n;
   pv_u8 *op = w->ops + w->chunk_nrec, *sq = w->sites + w->sl, *aq = w->addrs + w->al;
   struct site_slot *slot = w->slot;
   const int codec = w->codec;
   pv_u64 prev = w->prev;
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
         struct site_slot *s = &slot[site & (SITE_SLOTS - 1)];
         pred = s->last;               /* (the stride is only the STRIDE codec's) */
         s->last = addr;
      } else if (codec == PV_CODEC_COLS) {
         pred = prev;
         prev = addr;
      } else {
         struct site_slot *s = &slot[site & (SITE_SLOTS - 1)];
         pred = s->last + s->stride;
         s->stride = addr - s->last;
         s->last = addr;
      }
      pv_u64 z = zigzag(addr - pred);
      if (z < 0x80)
         *aq++ = (pv_u8)z;
      else
         aq = put_varint(aq, z);
      i += 16;
   }
   size_t nrec = i / 16;
   w->sl = (size_t)(sq - w->sites);
   w->al = (size_t)(aq - w->addrs);
   w->prev = prev;
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
         else
            encode_one(w, p + i, len, h, type);
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
