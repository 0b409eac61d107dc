/* pv_trace_read.c -- reading pervert trace files (see pv_trace.h and
 * PROTOCOL.txt section 14): CRC-32, the column transform's decoder, the
 * chunk reader.  The input may be anything: every length and offset is
 * checked before it is used. */
#define _GNU_SOURCE
#include "pv_trace.h"
#include "pv_trace_codec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "pv_stream.h"

/* ---- CRC-32 (IEEE 802.3, reflected, as zlib), slicing by 8 ------------- */

int pv_trace_ignore_crc;

static pv_u32 crc_tab[8][256];
static int crc_ready;

static void crc_init(void)
{
   for (pv_u32 i = 0; i < 256; i++) {
      pv_u32 c = i;
      for (int k = 0; k < 8; k++)
         c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_tab[0][i] = c;
   }
   for (pv_u32 i = 0; i < 256; i++)
      for (int t = 1; t < 8; t++)
         crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
   __atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

pv_u32 pv_trace_crc32(pv_u32 crc, const void *p, size_t n)
{
   const pv_u8 *b = p;
   if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
      crc_init();
   crc = ~crc;
   while (n >= 8) {
      pv_u32 lo, hi;
      memcpy(&lo, b, 4);
      memcpy(&hi, b + 4, 4);
      lo ^= crc;
      crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
            crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
            crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
            crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
      b += 8;
      n -= 8;
   }
   while (n--)
      crc = crc_tab[0][(crc ^ *b++) & 0xff] ^ (crc >> 8);
   return ~crc;
}

/* ---- the column transform: decoder ------------------------------------ */

/* an access record (16 bytes) encodes to at most 1 + 5 + 3 + 10 bytes, any
 * other record to 1 + its length */
size_t pv_trace_encode_bound(size_t n)
{
   return 24 + 2 * n;
}


static pv_u32 get32(const pv_u8 *p) { pv_u32 v; memcpy(&v, p, 4); return v; }
static pv_u64 get64(const pv_u8 *p) { pv_u64 v; memcpy(&v, p, 8); return v; }

/* a varint from *P (before END): 0, or -1 when it runs past END or is
 * longer than 10 bytes */
static inline int get_varint(const pv_u8 **p, const pv_u8 *end, pv_u64 *v)
{
   const pv_u8 *q = *p;
   pv_u64 x = 0;
   for (unsigned shift = 0; shift < 70; shift += 7) {
      if (q >= end)
         return -1;
      pv_u8 b = *q++;
      x |= (pv_u64)(b & 0x7f) << shift;
      if (!(b & 0x80)) {
         *p = q;
         *v = x;
         return 0;
      }
   }
   return -1;
}

/* a record that is not an access, from *VQ (before VE) to *O (before OE):
 * 0, or -1 if it is not a valid one or does not fit */
static inline int dec_other(const pv_u8 **vq, const pv_u8 *ve, pv_u8 **o, pv_u8 *oe)
{
   if (ve - *vq < 8)
      return -1;
   pv_u64 h = get64(*vq);
   unsigned type = PV_HDR_TYPE(h);
   size_t len = PV_HDR_N16(h) * 8u;
   unsigned min = pv_rec_min_bytes(type);
   if (PV_IS_ACCESS(type) || type == PV_REC_PAD || min == 0 || len < min ||
       len > (size_t)(ve - *vq) || len > (size_t)(oe - *o))
      return -1;
   memcpy(*o, *vq, len);
   *o += len;
   *vq += len;
   return 0;
}

/* codec PREDICT (PROTOCOL.txt section 14, pv_trace_write.c's
 * enc_accesses_predict) */
static int decode_predict(const pv_u8 *x, size_t xn, pv_u8 *out, size_t rawn, pv_u64 nrec)
{
   if (xn < 24)
      return -1;
   pv_u64 n = get32(x), fl = get32(x + 4), sl = get32(x + 8), ol = get32(x + 12),
          al = get32(x + 16), vl = get32(x + 20);
   if (n != nrec || 24 + (n + 7) / 8 + fl + sl + ol + al + vl != xn)
      return -1;
   const pv_u8 *bits = x + 24, *fq = bits + (n + 7) / 8, *fe = fq + fl, *sq = fe,
               *se = sq + sl, *oq = se, *oqe = oq + ol, *aq = oqe, *ae = aq + al,
               *vq = ae, *ve = vq + vl;
   struct site_slot *slot = calloc(SITE_SLOTS, sizeof *slot);
   if (!slot)
      return -1;
   pv_u8 *o = out, *oe = out + rawn;
   pv_u32 prev = 0;
   pv_u64 prev_addr = 0;
   int rc = -1;
   for (pv_u64 k = 0; k < n; k++) {
      unsigned f;
      struct site_slot *ps = &slot[prev & (SITE_SLOTS - 1)], *s;
      pv_u32 site = ps->succ;
      if (bits[k >> 3] >> (k & 7) & 1) {
         /* repeat: the predicted site, with its last flag byte */
         s = &slot[site & (SITE_SLOTS - 1)];
         f = s->flag;
      } else {
         if (fq >= fe)
            goto out;
         f = *fq++;
         if (f == PV_PREDICT_OTHER) {
            if (dec_other(&vq, ve, &o, oe) != 0)
               goto out;
            continue;
         }
         unsigned sst = f & 3;
         if (sst == 3)
            goto out;
         if (sst) {
            if ((size_t)(se - sq) < 2 * sst)
               goto out;
            site = sst == 1 ? (pv_u32)(sq[0] | sq[1] << 8) : get32(sq);
            sq += 2 * sst;
            ps->succ = site;
         }
         s = &slot[site & (SITE_SLOTS - 1)];
      }
      unsigned len = f >> PV_PREDICT_LEN_SHIFT;
      if (len > 8 || (len && (f & PV_PREDICT_OTHERADDR)) || oe - o < 16)
         goto out;
      pv_u32 kp = s->key;
      if (f & PV_PREDICT_OP) {
         if (oq >= oqe)
            goto out;
         unsigned op = *oq++, type = op & 3, sc = op >> 2;
         pv_u64 sz;
         if (type == 0 || sc > 16)
            goto out;
         if (sc)
            sz = 1u << (sc - 1);
         else if (get_varint(&oq, oqe, &sz) || sz > 0xFFFF)
            goto out;
         kp = (pv_u32)PV_HDR(type, 0, sz, 0) | (kp & PREF_BIT);
      } else if ((kp & KEY_MASK) == 0) {
         goto out;                          /* no access of this slot yet */
      }
      pv_u64 last = s->last, p1 = last + s->stride,
             p2 = prev_addr + (pv_u64)(pv_s64)s->rel, addr;
      int pref = (kp & PREF_BIT) != 0;
      if (f & PV_PREDICT_OTHERADDR) {
         addr = pref ? p1 : p2;
         kp ^= PREF_BIT;
      } else {
         addr = pref ? p2 : p1;
         if (len) {
            if ((size_t)(ae - aq) < len)
               goto out;
            pv_u64 z = 0;
            memcpy(&z, aq, len);             /* little-endian */
            aq += len;
            addr += (z >> 1) ^ (pv_u64)-(pv_s64)(z & 1);   /* un-zigzag */
         }
      }
      pv_slot_learn(s, kp, f, addr, last, prev_addr);
      prev_addr = addr;
      pv_u64 h = (pv_u64)(kp & KEY_MASK) | (pv_u64)site << 32;
      memcpy(o, &h, 8);
      memcpy(o + 8, &addr, 8);
      o += 16;
      prev = site;
   }
   if (o == oe && fq == fe && sq == se && oq == oqe && aq == ae && vq == ve)
      rc = 0;
out:
   free(slot);
   return rc;
}

int pv_trace_decode(int codec, const pv_u8 *x, size_t xn, pv_u8 *out,
                    size_t rawn, pv_u64 nrec)
{
   if (codec == PV_CODEC_PREDICT)
      return decode_predict(x, xn, out, rawn, nrec);
   if (codec == PV_CODEC_RAW) {
      if (xn != rawn)
         return -1;
      memcpy(out, x, xn);
      /* the records must be whole and as many as announced */
      size_t i = 0;
      pv_u64 k = 0;
      while (i < rawn) {
         if (rawn - i < 8)
            return -1;
         size_t len = PV_REC_BYTES(pv_rec_hdr(out + i));
         if (len == 0 || len > rawn - i)
            return -1;
         i += len;
         k++;
      }
      return k == nrec ? 0 : -1;
   }
   if (codec <= PV_CODEC_RAW || codec >= PV_CODEC_COUNT || xn < 16)
      return -1;
   pv_u64 n = get32(x), sl = get32(x + 4), al = get32(x + 8), vl = get32(x + 12);
   if (n != nrec || 16 + n + sl + al + vl != xn)
      return -1;
   const pv_u8 *ops = x + 16, *sq = ops + n, *se = sq + sl, *aq = se, *ae = aq + al,
               *vq = ae, *ve = vq + vl;
   struct site_slot *slot = NULL;
   if (codec != PV_CODEC_COLS) {
      slot = calloc(SITE_SLOTS, sizeof *slot);
      if (!slot)
         return -1;
   }
   pv_u8 *o = out, *oe = out + rawn;
   pv_u64 prev = 0;
   int rc = -1;
   for (pv_u64 k = 0; k < n; k++) {
      unsigned op = ops[k];
      if (op == 0) {
         if (dec_other(&vq, ve, &o, oe) != 0)
            goto out;
         continue;
      }
      unsigned type = op & 3, sc = op >> 2;
      pv_u64 site, sz, z, addr;
      if (type == 0 || oe - o < 16 || sc > 16)
         goto out;
      if (get_varint(&sq, se, &site) || site > 0xFFFFFFFFu)
         goto out;
      if (sc)
         sz = 1u << (sc - 1);
      else if (get_varint(&aq, ae, &sz) || sz > 0xFFFF)
         goto out;
      if (get_varint(&aq, ae, &z))
         goto out;
      z = (z >> 1) ^ (pv_u64)-(pv_s64)(z & 1);   /* un-zigzag */
      if (codec == PV_CODEC_COLS) {
         addr = prev + z;
         prev = addr;
      } else {
         struct site_slot *s = &slot[site & (SITE_SLOTS - 1)];
         addr = (codec == PV_CODEC_STRIDE ? s->last + s->stride : s->last) + z;
         s->stride = addr - s->last;
         s->last = addr;
      }
      pv_u64 h = PV_HDR(type, 0, sz, site);
      memcpy(o, &h, 8);
      memcpy(o + 8, &addr, 8);
      o += 16;
   }
   if (o == oe && sq == se && aq == ae && vq == ve)
      rc = 0;
out:
   free(slot);
   return rc;
}

/* ---- the reader ------------------------------------------------------- */

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
   va_list ap;
   va_start(ap, fmt);
   if (err && errlen)
      vsnprintf(err, errlen, fmt, ap);
   va_end(ap);
   return code;
}

/* read N bytes at OFF (within the file: the caller checks) */
static int read_at(struct pv_trace_reader *t, pv_u64 off, void *buf, size_t n)
{
   if (off > t->size || n > t->size - off)
      return -1;
   if (t->mem) {
      memcpy(buf, t->mem + off, n);
      return 0;
   }
   pv_u8 *b = buf;
   while (n) {
      ssize_t k = pread(t->fd, b, n, (off_t)off);
      if (k < 0 && errno == EINTR)
         continue;
      if (k <= 0)
         return -1;
      b += k;
      n -= (size_t)k;
      off += (pv_u64)k;
   }
   return 0;
}

static int grow(pv_u8 **p, size_t *cap, size_t need)
{
   if (*cap >= need)
      return 0;
   pv_u8 *n = realloc(*p, need ? need : 1);
   if (!n)
      return -1;
   *p = n;
   *cap = need;
   return 0;
}

int pv_trace_probe(const char *path)
{
   char m[8];
   int fd = open(path, O_RDONLY | O_CLOEXEC);
   if (fd < 0)
      return 0;
   ssize_t k = pread(fd, m, 8, 0);
   close(fd);
   return k == 8 && memcmp(m, PV_TRACE_MAGIC, 8) == 0;
}

static int open_common(struct pv_trace_reader *t, char *err, size_t errlen)
{
   pv_u8 h[PV_TRACE_HDR_FIXED];
   if (t->size < 16 || read_at(t, 0, h, 16) != 0 || memcmp(h, PV_TRACE_MAGIC, 8) != 0)
      return fail(err, errlen, PV_TRACE_ERR_MAGIC, "not a pervert trace file (bad magic)");
   pv_u32 fv = get32(h + 8), pv = get32(h + 12);
   if (fv != PV_TRACE_FORMAT_VERSION)
      return fail(err, errlen, PV_TRACE_ERR_VERSION,
                  "trace format version mismatch: the file has version %u, this "
                  "program reads version %u", fv, PV_TRACE_FORMAT_VERSION);
   if (pv != PV_PROTO_VERSION)
      return fail(err, errlen, PV_TRACE_ERR_VERSION,
                  "protocol version mismatch: the trace holds version %u records, "
                  "this program reads version %u", pv, PV_PROTO_VERSION);
   if (t->size < PV_TRACE_HDR_FIXED || read_at(t, 0, h, sizeof h) != 0)
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "truncated file header");
   pv_u32 hlen = get32(h + 16), nstr = get32(h + 32);
   if (hlen < PV_TRACE_HDR_FIXED || hlen > PV_TRACE_HDR_MAX || hlen % 8)
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt file header (length %u)", hlen);
   if (hlen > t->size)
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "truncated file header");
   pv_u8 *hb = malloc(hlen + 1);
   if (!hb)
      return fail(err, errlen, PV_TRACE_ERR_IO, "out of memory");
   if (read_at(t, 0, hb, hlen) != 0) {
      free(hb);
      return fail(err, errlen, PV_TRACE_ERR_IO, "cannot read the file header");
   }
   hb[hlen] = 0;
   pv_u32 crc = get32(hb + 36);
   memset(hb + 36, 0, 4);
   if (!pv_trace_ignore_crc && pv_trace_crc32(0, hb, hlen) != crc) {
      free(hb);
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt file header (bad checksum)");
   }
   /* strings: nstr NUL-terminated strings from byte 40 */
   size_t off = PV_TRACE_HDR_FIXED;
   if (nstr > hlen - PV_TRACE_HDR_FIXED) {
      free(hb);
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt file header (strings)");
   }
   t->argv = calloc((size_t)nstr + 1, sizeof *t->argv);
   if (!t->argv) {
      free(hb);
      return fail(err, errlen, PV_TRACE_ERR_IO, "out of memory");
   }
   for (pv_u32 k = 0; k < nstr; k++) {
      if (off >= hlen) {
         free(hb);
         return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt file header (strings)");
      }
      t->argv[k] = (const char *)hb + off;
      off += strlen((const char *)hb + off) + 1;   /* hb[hlen] is NUL */
   }
   if (off > hlen) {
      free(hb);
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt file header (strings)");
   }
   t->hdr_strings = (char *)hb;
   t->info.format_version = fv;
   t->info.proto_version = pv;
   t->info.pid = get32(hb + 20);
   t->info.start_ns = get64(hb + 24);
   t->info.prog = nstr ? t->argv[0] : "";
   t->info.args = nstr ? t->argv + 1 : t->argv;
   t->info.nargs = nstr ? nstr - 1 : 0;
   t->info.file_size = t->size;
   t->pos = hlen;
   t->last_good = hlen;
   t->end = t->size;

   /* the footer and the index */
   pv_u8 f[PV_TRACE_FOOTER_SIZE];
   if (t->size >= (pv_u64)hlen + PV_TRACE_FOOTER_SIZE &&
       read_at(t, t->size - PV_TRACE_FOOTER_SIZE, f, sizeof f) == 0 &&
       memcmp(f, PV_TRACE_FOOTER_MAGIC, 8) == 0) {
      if (!pv_trace_ignore_crc && pv_trace_crc32(0, f, 28) != get32(f + 28))
         return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt footer (bad checksum)");
      pv_u64 ioff = get64(f + 8), iend = t->size - PV_TRACE_FOOTER_SIZE;
      if (ioff < hlen || ioff > iend || iend - ioff < 24)
         return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt footer (index offset)");
      pv_u64 isz = iend - ioff;
      pv_u8 ih[16];
      if (read_at(t, ioff, ih, 16) != 0)
         return fail(err, errlen, PV_TRACE_ERR_IO, "cannot read the index");
      pv_u64 nch = get64(ih + 8);
      if (get32(ih) != PV_TRACE_INDEX_MAGIC || nch > (isz - 24) / 16 ||
          isz != 24 + 16 * nch)
         return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt index");
      pv_u8 *ix = malloc(isz);
      if (!ix)
         return fail(err, errlen, PV_TRACE_ERR_IO, "out of memory");
      if (read_at(t, ioff, ix, isz) != 0) {
         free(ix);
         return fail(err, errlen, PV_TRACE_ERR_IO, "cannot read the index");
      }
      if (!pv_trace_ignore_crc && pv_trace_crc32(0, ix, isz - 8) != get32(ix + isz - 8)) {
         free(ix);
         return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt index (bad checksum)");
      }
      t->index = malloc((nch ? nch : 1) * sizeof *t->index);
      t->index_first = malloc((nch ? nch : 1) * sizeof *t->index_first);
      if (!t->index || !t->index_first) {
         free(ix);
         return fail(err, errlen, PV_TRACE_ERR_IO, "out of memory");
      }
      for (pv_u64 k = 0; k < nch; k++) {
         t->index[k] = get64(ix + 16 + 16 * k);
         t->index_first[k] = get64(ix + 24 + 16 * k);
      }
      free(ix);
      t->info.complete = 1;
      t->info.flags = get32(f + 24);
      t->info.events = get64(f + 16);
      t->info.nchunks = nch;
      t->end = ioff;
   }
   return PV_TRACE_OK;
}

static void reader_init(struct pv_trace_reader *t)
{
   memset(t, 0, sizeof *t);
   t->fd = -1;
}

int pv_trace_open(struct pv_trace_reader *t, const char *path, char *err, size_t errlen)
{
   struct stat st;
   reader_init(t);
   t->fd = open(path, O_RDONLY | O_CLOEXEC);
   if (t->fd < 0)
      return fail(err, errlen, PV_TRACE_ERR_IO, "cannot open %s: %s", path, strerror(errno));
   if (fstat(t->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      int rc = fail(err, errlen, PV_TRACE_ERR_MAGIC, "%s is not a pervert trace file "
                    "(not a regular file)", path);
      pv_trace_close(t);
      return rc;
   }
   t->size = (pv_u64)st.st_size;
   int rc = open_common(t, err, errlen);
   if (rc != PV_TRACE_OK)
      pv_trace_close(t);
   return rc;
}

int pv_trace_open_mem(struct pv_trace_reader *t, const void *mem, size_t len,
                      char *err, size_t errlen)
{
   reader_init(t);
   t->mem = mem ? mem : (const pv_u8 *)"";
   t->size = len;
   int rc = open_common(t, err, errlen);
   if (rc != PV_TRACE_OK)
      pv_trace_close(t);
   return rc;
}

/* the end of an incomplete file */
static int cut_short(struct pv_trace_reader *t, char *err, size_t errlen)
{
   pv_u64 extra = t->size - t->last_good;
   pv_u8 m[4];
   if (extra >= 4 && read_at(t, t->last_good, m, 4) == 0 && get32(m) == PV_TRACE_INDEX_MAGIC)
      return fail(err, errlen, PV_TRACE_INCOMPLETE,
                  "incomplete trace file (the index and footer are cut short): read "
                  "%llu whole chunks (%llu events)", (unsigned long long)t->chunks,
                  (unsigned long long)t->events);
   if (extra)
      return fail(err, errlen, PV_TRACE_INCOMPLETE,
                  "incomplete trace file (no footer: the recording was cut short): "
                  "read %llu whole chunks (%llu events), ignored %llu bytes of a "
                  "partial chunk", (unsigned long long)t->chunks,
                  (unsigned long long)t->events, (unsigned long long)extra);
   return fail(err, errlen, PV_TRACE_INCOMPLETE,
               "incomplete trace file (no footer: the recording was cut short): "
               "read %llu whole chunks (%llu events)", (unsigned long long)t->chunks,
               (unsigned long long)t->events);
}

int pv_trace_next(struct pv_trace_reader *t, const pv_u8 **p, size_t *n,
                  char *err, size_t errlen)
{
   pv_u8 h[PV_TRACE_CHUNK_HDR];
   int complete = t->info.complete;
   pv_u64 at = t->pos;
   *p = NULL;
   *n = 0;
   if (at == t->end) {
      if (!complete)
         return cut_short(t, err, errlen);
      if (t->chunks != t->info.nchunks || t->events != t->info.events)
         return fail(err, errlen, PV_TRACE_ERR_CORRUPT,
                     "corrupt index: it lists %llu chunks (%llu events), the file "
                     "holds %llu (%llu)", (unsigned long long)t->info.nchunks,
                     (unsigned long long)t->info.events, (unsigned long long)t->chunks,
                     (unsigned long long)t->events);
      return PV_TRACE_END;
   }
   if (t->end - at < PV_TRACE_CHUNK_HDR) {
      if (!complete)
         return cut_short(t, err, errlen);
      return fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt chunk %llu at offset %llu "
                  "(truncated header)", (unsigned long long)t->chunks,
                  (unsigned long long)at);
   }
   if (read_at(t, at, h, sizeof h) != 0)
      return fail(err, errlen, PV_TRACE_ERR_IO, "cannot read chunk %llu",
                  (unsigned long long)t->chunks);
#define BAD(what) fail(err, errlen, PV_TRACE_ERR_CORRUPT, "corrupt chunk %llu at offset " \
                       "%llu (%s)", (unsigned long long)t->chunks, (unsigned long long)at, what)
   if (!complete && get32(h) == PV_TRACE_INDEX_MAGIC)
      return cut_short(t, err, errlen);  /* all chunks, the index cut short */
   if (get32(h) != PV_TRACE_CHUNK_MAGIC)
      return BAD("bad magic");
   if (!pv_trace_ignore_crc && pv_trace_crc32(0, h, 36) != get32(h + 36))
      return BAD("bad header checksum");
   pv_u32 codec = get32(h + 4), raw = get32(h + 8), cn = get32(h + 12),
          nrec = get32(h + 24), xn = get32(h + 28);
   pv_u64 first = get64(h + 16);
   if (codec >= PV_CODEC_COUNT)
      return BAD("unknown codec");
   if (raw == 0 || raw > PV_TRACE_MAX_RAW || raw % 8 || nrec == 0 || nrec > raw / 8 ||
       xn > pv_trace_encode_bound(raw) || cn == 0 || cn > ZSTD_compressBound(xn) + 64)
      return BAD("bad sizes");
   if (first != t->events)
      return BAD("event index out of sequence");
   if (complete && (t->chunks >= t->info.nchunks || t->index[t->chunks] != at))
      return BAD("not where the index says");
   if (t->end - at - PV_TRACE_CHUNK_HDR < cn) {
      if (!complete)
         return cut_short(t, err, errlen);
      return BAD("runs past the index");
   }
   if (grow(&t->comp, &t->comp_cap, cn) || grow(&t->xbuf, &t->xbuf_cap, xn) ||
       grow(&t->raw, &t->raw_cap, raw))
      return fail(err, errlen, PV_TRACE_ERR_IO, "out of memory");
   if (read_at(t, at + PV_TRACE_CHUNK_HDR, t->comp, cn) != 0)
      return fail(err, errlen, PV_TRACE_ERR_IO, "cannot read chunk %llu",
                  (unsigned long long)t->chunks);
   if (!pv_trace_ignore_crc && pv_trace_crc32(0, t->comp, cn) != get32(h + 32))
      return BAD("bad data checksum");
   if (!t->dctx && !(t->dctx = ZSTD_createDCtx()))
      return fail(err, errlen, PV_TRACE_ERR_IO, "out of memory");
   size_t got = ZSTD_decompressDCtx(t->dctx, t->xbuf, xn, t->comp, cn);
   if (ZSTD_isError(got) || got != xn)
      return BAD(ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong decompressed size");
   if (pv_trace_decode((int)codec, t->xbuf, xn, t->raw, raw, nrec) != 0)
      return BAD("bad record encoding");
#undef BAD
   t->pos = at + PV_TRACE_CHUNK_HDR + cn;
   t->last_good = t->pos;
   t->chunks++;
   t->events += nrec;
   *p = t->raw;
   *n = raw;
   return PV_TRACE_CHUNK;
}

void pv_trace_close(struct pv_trace_reader *t)
{
   if (t->fd >= 0)
      close(t->fd);
   t->fd = -1;
   free(t->hdr_strings);
   free(t->argv);
   free(t->index);
   free(t->index_first);
   free(t->comp);
   free(t->xbuf);
   free(t->raw);
   ZSTD_freeDCtx(t->dctx);
   memset(t, 0, sizeof *t);
   t->fd = -1;
}

void pv_trace_tell(const struct pv_trace_reader *t, struct pv_trace_pos *pos)
{
   pos->offset = t->pos;
   pos->chunk = t->chunks;
   pos->first_event = t->events;
}

int pv_trace_seek(struct pv_trace_reader *t, const struct pv_trace_pos *pos)
{
   if (pos->offset < PV_TRACE_HDR_FIXED || pos->offset > t->end)
      return -1;
   if (t->info.complete && pos->chunk > t->info.nchunks)
      return -1;
   t->pos = pos->offset;
   t->chunks = pos->chunk;
   t->events = pos->first_event;
   return 0;
}

int pv_trace_locate(const struct pv_trace_reader *t, pv_u64 event, struct pv_trace_pos *pos)
{
   if (!t->info.complete || t->info.nchunks == 0 || !t->index_first)
      return -1;
   pv_u64 lo = 0, hi = t->info.nchunks;    /* last chunk with first <= event */
   while (hi - lo > 1) {
      pv_u64 mid = lo + (hi - lo) / 2;
      if (t->index_first[mid] <= event)
         lo = mid;
      else
         hi = mid;
   }
   pos->offset = t->index[lo];
   pos->chunk = lo;
   pos->first_event = t->index_first[lo];
   return 0;
}
