/* util.c -- small helpers: clock, number formatting, parsing (see util.h). */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double pv_now(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *pv_fmt_bytes(char *buf, size_t n, pv_u64 b)
{
   static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
   double v = (double)b;
   int u = 0;
   while (v >= 1024.0 && u < 4) { v /= 1024.0; u++; }
   if (u == 0)
      snprintf(buf, n, "%llu B", (unsigned long long)b);
   else if (v < 10.0)
      snprintf(buf, n, "%.2f %s", v, unit[u]);
   else if (v < 100.0)
      snprintf(buf, n, "%.1f %s", v, unit[u]);
   else
      snprintf(buf, n, "%.0f %s", v, unit[u]);
   return buf;
}

const char *pv_fmt_count(char *buf, size_t n, double v)
{
   static const char *unit[] = { "", " k", " M", " G", " T" };
   int u = 0;
   while (v >= 1000.0 && u < 4) { v /= 1000.0; u++; }
   if (u == 0)
      snprintf(buf, n, "%.0f", v);
   else if (v < 10.0)
      snprintf(buf, n, "%.2f%s", v, unit[u]);
   else if (v < 100.0)
      snprintf(buf, n, "%.1f%s", v, unit[u]);
   else
      snprintf(buf, n, "%.0f%s", v, unit[u]);
   return buf;
}

int pv_parse_u64(const char *s, pv_u64 *out)
{
   char *end;
   if (!s || !*s || *s == '-')
      return -1;
   errno = 0;
   unsigned long long v = strtoull(s, &end, 0);
   if (errno || *end)
      return -1;
   *out = v;
   return 0;
}

int pv_log2_exact(pv_u64 v)
{
   if (v == 0 || (v & (v - 1)))
      return -1;
   return __builtin_ctzll(v);
}

const char *pv_basename(const char *path)
{
   const char *s = strrchr(path, '/');
   return s ? s + 1 : path;
}

int pv_grow(void **p, size_t *cap, size_t need, size_t elem)
{
   if (need <= *cap)
      return 0;
   size_t nc = *cap ? *cap * 2 : 64;
   while (nc < need)
      nc *= 2;
   void *q = realloc(*p, nc * elem);
   if (!q)
      return -1;
   *p = q;
   *cap = nc;
   return 0;
}
