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

/* 8 lower-case hex digits of X as a little-endian word to store: the most
 * significant digit in the lowest byte.  Branch-free nibble spreading. */
static inline pv_u64 hex8_word(pv_u32 x32)
{
   pv_u64 x = x32;
   x = (x | (x << 16)) & 0x0000ffff0000ffffULL;
   x = (x | (x << 8))  & 0x00ff00ff00ff00ffULL;
   x = (x | (x << 4))  & 0x0f0f0f0f0f0f0f0fULL;
   /* byte i holds nibble i (least significant first); 10..15 -> letters */
   pv_u64 letters = ((x + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
   x += 0x3030303030303030ULL + letters * 0x27;
   return __builtin_bswap64(x);
}

static inline void store8(char *p, pv_u64 w)
{
   memcpy(p, &w, 8);
}

/* Hex digits of V without leading zeros but at least MIN digits (1..16).
 * Stores up to 16 bytes at P (the buffer has slack); returns P + digits. */
static inline char *put_hex_min(char *p, pv_u64 v, int min)
{
   int nd = v ? (67 - __builtin_clzll(v)) >> 2 : 1;
   if (nd < min)
      nd = min;
   pv_u64 lo = hex8_word((pv_u32)v);
   if (nd <= 8) {
      store8(p, lo >> (8 * (8 - nd)));      /* drop the leading zero digits */
   } else {
      store8(p, hex8_word((pv_u32)(v >> 32)) >> (8 * (16 - nd)));
      store8(p + nd - 8, lo);
   }
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

/* number of decimal digits of V */
static inline int dec_len(pv_u64 v)
{
   static const pv_u64 p10[20] = {
      1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
      100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
      10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
      100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL };
   /* (v | 1): 0 has one digit; the odd value compares the same against the
    * (even) powers of ten >= 10 */
   int t = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;
   return t + 1 - ((v | 1) < p10[t]);
}

/* Decimal V, written from the end directly into the output. */
static inline char *put_dec(char *p, pv_u64 v)
{
   char *e = p + dec_len(v), *q = e;
   while (v >= 0x100000000ULL) {          /* rare: 64-bit division */
      q -= 2;
      memcpy(q, dump_digits2 + 2 * (v % 100), 2);
      v /= 100;
   }
   pv_u32 x = (pv_u32)v;
   while (x >= 100) {
      q -= 2;
      memcpy(q, dump_digits2 + 2 * (x % 100), 2);
      x /= 100;
   }
   if (x >= 10)
      memcpy(q - 2, dump_digits2 + 2 * x, 2);
   else
      q[-1] = (char)('0' + x);
   return e;
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
