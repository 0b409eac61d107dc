/* pv_trace.h -- pervert trace files: the event stream of one run, as the
 * ring carried it, written to a compact, zstd-compressed, indexed file
 * (pervert-dump --record=FILE) and read back (pervert-dump FILE).
 *
 * The format is described in shared/PROTOCOL.txt, section 14.  In short
 * (all numbers little-endian):
 *
 *   file header   "PVTRACE\0", format version, protocol version, pid,
 *                 start time, program and arguments (from the INFO record)
 *   chunks        each: a 40-byte chunk header (raw size, compressed size,
 *                 first event index, record count, CRC-32s) and one zstd
 *                 frame holding whole records, column-transformed; every
 *                 chunk decodes on its own
 *   index         offset and first event of every chunk
 *   footer        32 bytes: "PVTREND\0", index offset, events, CRC-32
 *
 * A file without a valid footer (the recorder was killed) is "incomplete":
 * it reads up to its last whole chunk.
 *
 * Writer: streams; it holds at most two chunks (about PV_TRACE_CHUNK_RAW
 * bytes of records each) in memory: the one it encodes each record into
 * as it arrives, and the one a compression thread compresses and writes
 * meanwhile (when there are two CPUs or more; PV_TRACE_THREAD=0: none).
 * A write error of that thread is returned by the next call.  Reader: one chunk at a time, every length
 * checked before use (the file may be anything: see regtest/trace's fuzz
 * target).  Both are in libpvshared.a; the program links with libzstd.
 */
#ifndef PV_TRACE_H
#define PV_TRACE_H

#include <stddef.h>
#include "pv_proto.h"

#define PV_TRACE_MAGIC          "PVTRACE"     /* 8 bytes with its NUL */
#define PV_TRACE_FOOTER_MAGIC   "PVTREND"     /* 8 bytes with its NUL */
#define PV_TRACE_CHUNK_MAGIC    0x4B435650u   /* "PVCK" */
#define PV_TRACE_INDEX_MAGIC    0x58495650u   /* "PVIX" */
#define PV_TRACE_FORMAT_VERSION 1u

#define PV_TRACE_HDR_FIXED      40u           /* file header without strings */
#define PV_TRACE_HDR_MAX        (1u << 20)    /* largest file header accepted */
#define PV_TRACE_CHUNK_HDR      40u
#define PV_TRACE_FOOTER_SIZE    32u
#define PV_TRACE_CHUNK_RAW      (1u << 20)    /* a chunk is closed at >= 1 MiB of records */
#define PV_TRACE_MAX_RAW        (16u << 20)   /* largest raw chunk a reader accepts */

/* chunk codecs (how the records are laid out before zstd) */
enum pv_trace_codec {
   PV_CODEC_RAW     = 0,   /* the records as they are */
   PV_CODEC_COLS    = 1,   /* columns; addresses as deltas from the previous access */
   PV_CODEC_SITE    = 2,   /* columns; addresses as deltas per code site */
   PV_CODEC_STRIDE  = 3,   /* columns; per site: address - (last + last stride) */
   PV_CODEC_PREDICT = 4,   /* a flag byte per record: which of the predicted
                              site, op and address missed; only the misses */
   PV_CODEC_COUNT
};
/* codec PREDICT's flag byte, one per record: OTHER for a record that is
 * not an access; for an access
 *   bits 0..1  the site: 0 predicted, 1 in 2 bytes, 2 in 4 bytes (S column)
 *   bit 2      OP: the op was not predicted (O column)
 *   bit 3      OTHERADDR: the address is the other prediction (bits 4..7 0)
 *   bits 4..7  0: the address is the preferred prediction (or the other
 *              one); 1..8: that many bytes of its difference from the
 *              preferred one, zigzag, little-endian (A column) */
#define PV_PREDICT_OTHER     3u
#define PV_PREDICT_OP        4u
#define PV_PREDICT_OTHERADDR 8u
#define PV_PREDICT_LEN_SHIFT 4
#define PV_TRACE_DEFAULT_CODEC PV_CODEC_PREDICT
/* zstd level: 1 costs a recording program about half what level 3 did
 * (bench/record-overhead) for ~7 % more bytes; negative: zstd's fast levels */
#define PV_TRACE_DEFAULT_LEVEL (-2)

/* footer flags */
#define PV_TRACE_F_EXIT   1u      /* the stream ended with its EXIT record */
#define PV_TRACE_F_EXEC   2u      /* ... with a successful EXEC */

/* ---- writing -------------------------------------------------------- */

struct pv_trace_writer;

/* Create (truncate) PATH.  NULL with a one-line reason in ERR. */
struct pv_trace_writer *pv_trace_create(const char *path, char *err, size_t errlen);
/* Choose the codec (PV_CODEC_*) and zstd level (default 1) before the
 * first append; for measurements. */
void pv_trace_set_codec(struct pv_trace_writer *w, int codec, int level);
/* Append the whole, already checked records P[0..N) (PAD records are left
 * out).  The file header is written at the first call, from the INFO record
 * if it comes first.  0, or -1 with errno set (a write error). */
int  pv_trace_append(struct pv_trace_writer *w, const pv_u8 *p, size_t n);
/* Write the records held so far as a chunk (nothing if none): a reader of
 * the file, or of what is left of it after a crash, then sees them. */
int  pv_trace_flush(struct pv_trace_writer *w);
/* Last chunk, index, footer (FLAGS: PV_TRACE_F_*), optional fsync, close,
 * free.  0, or -1 with errno set. */
int  pv_trace_finish(struct pv_trace_writer *w, unsigned flags, int do_fsync);
/* Close and free without an index or footer (the file is incomplete). */
void pv_trace_abandon(struct pv_trace_writer *w);
/* totals so far: records written (PAD left out), their bytes, file bytes
 * (with the compression thread: as of the last chunk it finished) */
void pv_trace_stats(const struct pv_trace_writer *w, pv_u64 *events,
                    pv_u64 *raw_bytes, pv_u64 *file_bytes);

/* ---- reading -------------------------------------------------------- */

struct pv_trace_info {
   pv_u32 format_version, proto_version, pid;
   pv_u64 start_ns;
   const char *prog;            /* "" if unknown */
   const char *const *args;     /* nargs strings after prog */
   unsigned nargs;
   int     complete;            /* the footer and the index are there */
   pv_u32  flags;               /* footer flags (complete files) */
   pv_u64  events;              /* footer's event count (complete files) */
   pv_u64  nchunks;             /* chunks in the index (complete files) */
   pv_u64  file_size;
};

/* what pv_trace_open and pv_trace_next return */
enum {
   PV_TRACE_OK        = 0,
   PV_TRACE_CHUNK     = 1,   /* next: a chunk of records */
   PV_TRACE_END       = 0,   /* next: no more chunks, the file is complete */
   PV_TRACE_ERR_IO    = -1,  /* cannot open / read */
   PV_TRACE_ERR_MAGIC = -2,  /* open: not a pervert trace file */
   PV_TRACE_ERR_VERSION = -3,/* open: another format or protocol version */
   PV_TRACE_ERR_CORRUPT = -4,/* a bad header, chunk, index or footer */
   PV_TRACE_INCOMPLETE  = -5 /* next: the file ends without its footer
                                (cut short); everything before was read */
};

struct pv_trace_reader {
   int           fd;           /* -1 when reading from memory */
   const pv_u8  *mem;
   pv_u64        size;         /* file size */
   pv_u64        pos;          /* offset of the next chunk */
   pv_u64        end;          /* where chunks end: the index, or size */
   pv_u64        events;       /* records returned so far */
   pv_u64        chunks;       /* chunks returned so far */
   pv_u64        last_good;    /* offset just after the last whole chunk */
   struct pv_trace_info info;
   char         *hdr_strings;  /* storage for prog/args */
   const char  **argv;
   pv_u64       *index;        /* complete files: chunk offsets (nchunks) */
   pv_u64       *index_first;  /* ... and the first record of each */
   pv_u8        *comp, *xbuf, *raw;   /* buffers for one chunk */
   size_t        comp_cap, xbuf_cap, raw_cap;
   void         *dctx;         /* ZSTD_DCtx */
};

/* Is PATH a trace file (its first 8 bytes are the magic)?  1 yes, 0 no
 * (or unreadable). */
int  pv_trace_probe(const char *path);
/* Open PATH (or the LEN bytes at MEM), read and check the header and the
 * footer.  PV_TRACE_OK or a PV_TRACE_ERR_* with a one-line reason in ERR. */
int  pv_trace_open(struct pv_trace_reader *t, const char *path, char *err, size_t errlen);
int  pv_trace_open_mem(struct pv_trace_reader *t, const void *mem, size_t len,
                       char *err, size_t errlen);
/* The next chunk: PV_TRACE_CHUNK with *P, *N = its records (valid until the
 * next call); PV_TRACE_END after the last chunk of a complete file;
 * PV_TRACE_INCOMPLETE at the end of an incomplete one; PV_TRACE_ERR_CORRUPT
 * or PV_TRACE_ERR_IO (reason in ERR).  After anything but CHUNK, stop. */
int  pv_trace_next(struct pv_trace_reader *t, const pv_u8 **p, size_t *n,
                   char *err, size_t errlen);
void pv_trace_close(struct pv_trace_reader *t);

/* Seeking.  A chunk is named by its offset in the file, its number (from
 * 0) and the index of its first record; pv_trace_next then reads that chunk
 * next, with every check it makes when reading in order (a chunk that is
 * not what the caller said is reported corrupt).  Complete files: the
 * index gives the chunk holding any record (pv_trace_locate); incomplete
 * ones: remember pv_trace_tell before each pv_trace_next while reading in
 * order.  0, or -1 if the place is outside the file's chunks. */
struct pv_trace_pos { pv_u64 offset, chunk, first_event; };
void pv_trace_tell(const struct pv_trace_reader *t, struct pv_trace_pos *pos);
int  pv_trace_seek(struct pv_trace_reader *t, const struct pv_trace_pos *pos);
/* Complete files: the chunk holding record EVENT (the last chunk if EVENT
 * is past the end).  0, or -1 (incomplete file, or no chunks). */
int  pv_trace_locate(const struct pv_trace_reader *t, pv_u64 event, struct pv_trace_pos *pos);

/* Fuzz targets only: when set, checksums are not checked (so that mutated
 * input reaches zstd and the decoder).  0 by default. */
extern int pv_trace_ignore_crc;

/* CRC-32 (IEEE, as zlib's crc32) of P[0..N), continuing from CRC (0 to start). */
pv_u32 pv_trace_crc32(pv_u32 crc, const void *p, size_t n);

/* ---- the column transform (pv_trace_write.c / pv_trace_read.c) ----- */
/* Encode the records R[0..N) (no PAD) with CODEC into OUT (capacity at
 * least pv_trace_encode_bound(N)); returns the bytes written. */
size_t pv_trace_encode(int codec, const pv_u8 *r, size_t n, pv_u8 *out);
size_t pv_trace_encode_bound(size_t n);
/* Decode X[0..XN) with CODEC into exactly RAWN bytes at OUT, NREC records.
 * 0 on success, -1 if X is not a valid encoding of that many. */
int    pv_trace_decode(int codec, const pv_u8 *x, size_t xn, pv_u8 *out,
                       size_t rawn, pv_u64 nrec);

#endif
