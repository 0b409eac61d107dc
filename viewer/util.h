/* util.h -- small helpers shared by the viewer's modules: a monotonic clock,
 * human-readable numbers and byte counts, and hex address parsing. */
#ifndef PV_VIEW_UTIL_H
#define PV_VIEW_UTIL_H

#include <stddef.h>
#include "pv_proto.h"

/* Seconds on a monotonic clock. */
double pv_now(void);

/* "1.2 KiB", "3.0 MiB", "512 B" */
const char *pv_fmt_bytes(char *buf, size_t n, pv_u64 bytes);

/* "950", "12.3 k", "4.56 M", "1.20 G" */
const char *pv_fmt_count(char *buf, size_t n, double v);

/* Parse an unsigned number (decimal, or hex with 0x); 0 on success. */
int pv_parse_u64(const char *s, pv_u64 *out);

/* log2 of a power of two, or -1. */
int pv_log2_exact(pv_u64 v);

/* Last path component. */
const char *pv_basename(const char *path);
/* Make the array *P (capacity *CAP elements of ELEM bytes) hold at least
 * NEED elements, doubling; 0, or -1 (out of memory, *P unchanged). */
int pv_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
