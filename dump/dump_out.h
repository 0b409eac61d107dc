/* dump_out.h -- pervert-dump's output buffer and hand-written number
 * formatting (no printf per event).
 *
 * The buffer is big (OUT_BUF_SIZE) and written out with write(2) in large
 * chunks.  Formatting code reserves room first: out_room(o, n) guarantees n
 * free bytes at o->p (flushing if needed); the fast paths check o->p against
 * o->lim, which leaves OUT_SLACK bytes for any access line. */
#ifndef DUMP_OUT_H
#define DUMP_OUT_H

#include <stddef.h>
#include <string.h>
#include "pv_proto.h"

#define OUT_BUF_SIZE  (4u << 20)
#define OUT_SLACK     4096u        /* >= the longest line of the fast paths */

struct out {
   int         fd;
   int         is_file;     /* a regular file: fsync it on --fsync */
   int         err;         /* errno of the first failed write, 0 if none */
   const char *name;        /* "stdout" or the --output path, for messages */
   char       *buf, *p, *lim, *end;
   pv_u64      written;     /* bytes written out so far */
};

/* Open the output: PATH NULL = standard output.  0 or -1 (errno set). */
int  out_open(struct out *o, const char *path);
/* Write the buffer out.  0 or -1 (o->err set; the buffer is then dropped). */
int  out_flush(struct out *o);
/* Flush, optionally fsync, and close (stdout: flush only).  0 or -1. */
int  out_close(struct out *o, int do_fsync);
/* Make room for N more bytes at o->p (N <= OUT_BUF_SIZE - OUT_SLACK). */
static inline void out_room(struct out *o, size_t n)
{
   if ((size_t)(o->end - o->p) < n + OUT_SLACK)
      out_flush(o);
}

static inline char *put_str(char *p, const char *s)
{
   size_t n = strlen(s);
   memcpy(p, s, n);
   return p + n;
}

static inline char *put_mem(char *p, const void *s, size_t n)
{
   memcpy(p, s, n);
   return p + n;
}

/* 16 lower-case hex digits of V into a 16-byte block, most significant
 * first; branch-free nibble spreading (SWAR). */
static inline void hex16(char out[16], pv_u64 v)
{
   pv_u64 w[2];
   for (int k = 0; k < 2; k++) {
      pv_u64 x = k == 0 ? v >> 32 : v & 0xffffffffu;
      x = (x | (x << 16)) & 0x0000ffff0000ffffULL;
      x = (x | (x << 8))  & 0x00ff00ff00ff00ffULL;
      x = (x | (x << 4))  & 0x0f0f0f0f0f0f0f0fULL;
      /* byte i now holds nibble i (least significant first); letters */
      pv_u64 letters = ((x + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
      x += 0x3030303030303030ULL + letters * 0x27;
      w[k] = __builtin_bswap64(x);
   }
   memcpy(out, w, 16);
}

/* Hex digits of V without leading zeros but at least MIN digits (1..16). */
static inline char *put_hex_min(char *p, pv_u64 v, int min)
{
   char t[16];
   int nd = v ? (67 - __builtin_clzll(v)) >> 2 : 1;
   if (nd < min)
      nd = min;
   hex16(t, v);
   /* copy 16 bytes (the buffer has slack), advance by nd */
   memcpy(p, t + 16 - nd, 16);
   return p + nd;
}

/* "0x" + hex without leading zeros */
static inline char *put_0x(char *p, pv_u64 v)
{
   p[0] = '0';
   p[1] = 'x';
   return put_hex_min(p + 2, v, 1);
}

extern const char dump_digits2[200];

/* Decimal V. */
static inline char *put_dec(char *p, pv_u64 v)
{
   char t[20];
   char *e = t + 20, *s = e;
   while (v >= 100) {
      unsigned r = (unsigned)(v % 100);
      v /= 100;
      s -= 2;
      memcpy(s, dump_digits2 + 2 * r, 2);
   }
   if (v >= 10) {
      s -= 2;
      memcpy(s, dump_digits2 + 2 * v, 2);
   } else {
      *--s = (char)('0' + v);
   }
   size_t n = (size_t)(e - s);
   memcpy(p, s, n);
   return p + n;
}

static inline char *put_sdec(char *p, pv_s64 v)
{
   if (v < 0) {
      *p++ = '-';
      return put_dec(p, (pv_u64)0 - (pv_u64)v);
   }
   return put_dec(p, (pv_u64)v);
}

/* A C-style quoted string: "...", with \" \\ \n \t \r and \xNN for other
 * control bytes and DEL; bytes >= 0x80 (UTF-8) are copied.  At most
 * 4 * strlen(s) + 2 bytes. */
char *put_quoted(char *p, const char *s);
/* The same for the N bytes at S (NUL bytes inside are written as \x00). */
char *put_quoted_n(char *p, const char *s, size_t n);

#endif
