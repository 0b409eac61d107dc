/* dump_walk.c -- pervert-dump's record walkers and text formatter.
 *
 * Access records (16 bytes, by far the most numerous) are handled inline in
 * one tight loop per output mode; every other record goes through
 * var_record(), which validates, keeps statistics and, in text mode, prints
 * it with dump_text_record(). */
#include "dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_analysis.h"
#include "pv_ring.h"
#include "pv_stream.h"

void dump_init(struct dump *d)
{
   memset(d, 0, sizeof *d);
   pv_symtab_init(&d->sym);
   memcpy(d->tsfx, " t0 s", 5);
   d->tsfx_len = 5;
}

void dump_fini(struct dump *d)
{
   if (d->symcache) {
      for (pv_u32 i = 0; i < d->symcache_cap; i++)
         free(d->symcache[i]);
      free(d->symcache);
   }
   d->symcache = NULL;
   pv_symtab_free(&d->sym);
   pv_analysis_delete(d->an);
   d->an = NULL;
}

static void set_thread(struct dump *d, pv_u32 tid)
{
   char *q = d->tsfx;
   d->thread = tid;
   *q++ = ' ';
   *q++ = 't';
   q = put_dec(q, tid);
   *q++ = ' ';
   *q++ = 's';
   d->tsfx_len = (unsigned)(q - d->tsfx);
   if (tid > d->max_thread)
      d->max_thread = tid;
}

/* --symbols: " fn (file:line)" for site ID, cached; "" for id 0 / unknown */
static const char *site_text(struct dump *d, pv_u32 id)
{
   const struct pv_site *s = pv_symtab_site(&d->sym, id);
   if (!s)
      return "";
   if (id >= d->symcache_cap) {
      pv_u32 ncap = d->symcache_cap ? d->symcache_cap : 1024;
      while (ncap <= id)
         ncap *= 2;
      char **n = realloc(d->symcache, ncap * sizeof *n);
      if (!n)
         return "";
      memset(n + d->symcache_cap, 0, (ncap - d->symcache_cap) * sizeof *n);
      d->symcache = n;
      d->symcache_cap = ncap;
   }
   if (!d->symcache[id]) {
      size_t need = pv_site_format(s, NULL, 0) + 2;
      char *t = malloc(need);
      if (!t)
         return "";
      t[0] = ' ';
      pv_site_format(s, t + 1, need - 1);
      d->symcache[id] = t;
   }
   return d->symcache[id];
}

static void forget_site_text(struct dump *d, pv_u32 id)
{
   if (id < d->symcache_cap && d->symcache[id]) {
      free(d->symcache[id]);
      d->symcache[id] = NULL;
   }
}

/* ---- text lines for the non-access records ----------------------------- */

static char *put_flags(char *q, pv_u64 flags)
{
   static const struct { pv_u64 bit; const char *name; } names[] = {
      { PV_INFO_TRACK_HEAP, "heap" }, { PV_INFO_STATIC, "static" },
      { PV_INFO_TRACING, "tracing" }, { PV_INFO_DROP, "drop" },
   };
   int any = 0;
   for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
      if (flags & names[k].bit) {
         if (any++)
            *q++ = ',';
         q = put_str(q, names[k].name);
         flags &= ~names[k].bit;
      }
   if (flags) {
      if (any++)
         *q++ = ',';
      q = put_0x(q, flags);
   }
   if (!any)
      q = put_str(q, "none");
   return q;
}

static char *put_thread(char *q, pv_u32 tid)
{
   *q++ = ' ';
   *q++ = 't';
   return put_dec(q, tid);
}

static char *put_kind(char *q, const char *name, unsigned kind)
{
   if (name)
      return put_str(q, name);
   q = put_str(q, "kind");
   return put_dec(q, kind);
}

void dump_text_record(struct dump *d, const pv_u8 *rec, size_t len)
{
   pv_u64 h = pv_rec_hdr(rec);
   unsigned type = PV_HDR_TYPE(h), sub = PV_HDR_SUB(h);
   pv_u32 a32 = PV_HDR_A32(h);
   char prot[4];
   /* strings are at most len bytes; quoting at most quadruples them */
   out_room(&d->out, 4 * len + 512);
   char *q = d->out.p;

   switch (type) {
   case PV_REC_KREAD:
   case PV_REC_KWRITE:
      q = put_str(q, type == PV_REC_KREAD ? "KR " : "KW ");
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 2));
      q = put_thread(q, d->thread);
      q = put_str(q, " sys=");
      if (a32 == 0xFFFFFFFFu)
         q = put_str(q, "none");
      else
         q = put_dec(q, a32);
      break;
   case PV_REC_THREAD:
      q = put_str(q, "thread ");
      q = put_dec(q, a32);
      break;
   case PV_REC_SITE: {
      const char *s[4];
      size_t l[4];
      pv_u64 w2 = pv_rec_word(rec, 2);
      static const char *const keys[4] = { " fn=", " file=", " dir=", " obj=" };
      pv_site_strings(rec, len, s, l);
      q = put_str(q, "site ");
      q = put_dec(q, a32);
      *q++ = ' ';
      q = put_0x(q, pv_rec_word(rec, 1));
      for (int k = 0; k < 4; k++) {
         q = put_str(q, keys[k]);
         q = put_quoted_n(q, s[k], l[k]);
         if (k == 1) {
            q = put_str(q, " line=");
            q = put_dec(q, (pv_u32)w2);
         }
      }
      break;
   }
   case PV_REC_STACK: {
      q = put_str(q, "stack ");
      q = put_dec(q, a32);
      for (unsigned k = 0; k < sub; k++) {
         pv_u32 id;
         memcpy(&id, rec + 8 + 4 * k, 4);
         *q++ = ' ';
         q = put_dec(q, id);
      }
      break;
   }
   case PV_REC_ALLOC:
   case PV_REC_FREE: {
      pv_u32 stack = (pv_u32)pv_rec_word(rec, 3);
      q = put_str(q, type == PV_REC_ALLOC ? "alloc " : "free ");
      q = put_kind(q, pv_alloc_kind_name(sub), sub);
      *q++ = ' ';
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 2));
      q = put_thread(q, a32);
      q = put_str(q, " stack=");
      q = put_dec(q, stack);
      if (d->symbols) {
         pv_u32 depth;
         const pv_u32 *ids = pv_symtab_stack(&d->sym, stack, &depth);
         if (ids && depth) {
            d->out.p = q;                  /* site_text does not write output */
            const char *t = site_text(d, ids[0]);
            out_room(&d->out, strlen(t) + 16);
            q = put_str(d->out.p, t);
         }
      }
      break;
   }
   case PV_REC_MAP:
      q = put_str(q, "map ");
      q = put_kind(q, pv_map_kind_name(sub), sub);
      *q++ = ' ';
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 2));
      *q++ = ' ';
      q = put_str(q, pv_prot_string(a32, prot));
      q = put_str(q, " off=");
      q = put_dec(q, pv_rec_word(rec, 3));
      *q++ = ' ';
      q = put_quoted(q, pv_rec_string(rec, len, 32));
      break;
   case PV_REC_UNMAP:
      q = put_str(q, "unmap ");
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 2));
      break;
   case PV_REC_PROTECT:
      q = put_str(q, "protect ");
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 2));
      *q++ = ' ';
      q = put_str(q, pv_prot_string(a32, prot));
      break;
   case PV_REC_REMAP:
      q = put_str(q, "remap ");
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_0x(q, pv_rec_word(rec, 2));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 3));
      break;
   case PV_REC_THREAD_CREATE:
      q = put_str(q, "thread-create ");
      q = put_dec(q, a32);
      q = put_str(q, " parent=");
      q = put_dec(q, pv_rec_word(rec, 1));
      break;
   case PV_REC_THREAD_EXIT:
      q = put_str(q, "thread-exit ");
      q = put_dec(q, a32);
      break;
   case PV_REC_THREAD_STACK:
      q = put_str(q, "thread-stack ");
      q = put_dec(q, a32);
      *q++ = ' ';
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_0x(q, pv_rec_word(rec, 2));
      break;
   case PV_REC_NAME:
      q = put_str(q, "name ");
      q = put_0x(q, pv_rec_word(rec, 1));
      *q++ = ' ';
      q = put_dec(q, pv_rec_word(rec, 2));
      q = put_thread(q, a32);
      *q++ = ' ';
      q = put_quoted(q, pv_rec_string(rec, len, 24));
      break;
   case PV_REC_MARK:
      q = put_str(q, "mark");
      q = put_thread(q, a32);
      *q++ = ' ';
      q = put_quoted(q, pv_rec_string(rec, len, 8));
      break;
   case PV_REC_TRACE:
      q = put_str(q, sub ? "trace on" : "trace off");
      break;
   case PV_REC_EXEC:
      q = put_str(q, "exec ");
      q = put_quoted(q, pv_rec_string(rec, len, 8));
      break;
   case PV_REC_FORK:
      q = put_str(q, "fork ");
      q = put_dec(q, a32);
      break;
   case PV_REC_INFO: {
      pv_u64 t0 = pv_rec_word(rec, 1);
      q = put_str(q, "info pid=");
      q = put_dec(q, a32);
      q = put_str(q, " start=");
      q = put_dec(q, t0 / 1000000000u);
      *q++ = '.';
      {
         char ns[10];
         pv_u64 f = t0 % 1000000000u;
         for (int k = 8; k >= 0; k--, f /= 10)
            ns[k] = (char)('0' + f % 10);
         q = put_mem(q, ns, 9);
      }
      q = put_str(q, " flags=");
      q = put_flags(q, pv_rec_word(rec, 2));
      q = put_str(q, " depth=");
      q = put_dec(q, pv_rec_word(rec, 3));
      /* the program, then its arguments, each NUL-terminated, "" ends */
      size_t off = 32;
      int k = 0;
      for (;;) {
         const char *s = pv_rec_string(rec, len, off);
         if (!*s)
            break;
         q = put_str(q, k == 0 ? " prog=" : k == 1 ? " args=" : " ");
         q = put_quoted(q, s);
         off += strlen(s) + 1;
         k++;
      }
      if (k == 0)
         q = put_str(q, " prog=\"\"");
      if (k <= 1)
         q = put_str(q, " args=");
      break;
   }
   case PV_REC_EXIT:
      q = put_str(q, sub ? "exit signal " : "exit status ");
      q = put_sdec(q, sub ? (pv_s64)a32 : (pv_s64)(pv_s32)a32);
      break;
   case PV_REC_TIME:
      q = put_str(q, "time ");
      q = put_dec(q, pv_rec_word(rec, 1));
      q = put_str(q, "ns");
      break;
   case PV_REC_DROPPED:
      q = put_str(q, "dropped ");
      q = put_dec(q, pv_rec_word(rec, 1));
      break;
   default:
      return;                   /* PAD, accesses: not here */
   }
   *q++ = '\n';
   d->out.p = q;
}

/* ---- every non-access record: state, statistics, text ------------------ */

static void var_record(struct dump *d, const pv_u8 *rec, size_t len, unsigned type)
{
   pv_u64 h = pv_rec_hdr(rec);
   d->count[type]++;
   d->bytes += len;
   switch (type) {
   case PV_REC_THREAD:
      set_thread(d, PV_HDR_A32(h));
      break;
   case PV_REC_KREAD:
      d->kread_bytes += pv_rec_word(rec, 2);
      break;
   case PV_REC_KWRITE:
      d->kwrite_bytes += pv_rec_word(rec, 2);
      break;
   case PV_REC_SITE:
      if (d->keep_syms) {
         pv_symtab_add_site(&d->sym, rec, len);
         forget_site_text(d, PV_HDR_A32(h));
      }
      break;
   case PV_REC_STACK:
      if (d->keep_syms)
         pv_symtab_add_stack(&d->sym, rec, len);
      break;
   case PV_REC_ALLOC: {
      pv_u64 sz = pv_rec_word(rec, 2);
      if (d->an)
         pv_analysis_alloc(d->an, pv_rec_word(rec, 1), sz, (pv_u32)pv_rec_word(rec, 3),
                           PV_HDR_SUB(h), PV_HDR_A32(h));
      d->alloc_bytes += sz;
      d->live_blocks++;
      d->live_bytes += sz;
      if (d->live_bytes > d->peak_bytes)
         d->peak_bytes = d->live_bytes;
      break;
   }
   case PV_REC_FREE: {
      pv_u64 sz = pv_rec_word(rec, 2);
      if (d->an)
         pv_analysis_free(d->an, pv_rec_word(rec, 1), (pv_u32)pv_rec_word(rec, 3));
      d->free_bytes += sz;
      d->live_blocks -= d->live_blocks ? 1 : 0;
      d->live_bytes -= sz < d->live_bytes ? sz : d->live_bytes;
      break;
   }
   case PV_REC_MAP:
      d->map_bytes += pv_rec_word(rec, 2);
      break;
   case PV_REC_THREAD_CREATE:
      if (PV_HDR_A32(h) > d->max_thread)
         d->max_thread = PV_HDR_A32(h);
      break;
   case PV_REC_INFO: {
      d->pid = PV_HDR_A32(h);
      snprintf(d->prog, sizeof d->prog, "%s", pv_rec_string(rec, len, 32));
      break;
   }
   case PV_REC_EXEC:
      d->saw_exec = 1;
      break;
   case PV_REC_EXIT:
      d->saw_exit = 1;
      d->exit_sub = (int)PV_HDR_SUB(h);
      d->exit_value = PV_HDR_A32(h);
      break;
   case PV_REC_DROPPED:
      d->dropped += pv_rec_word(rec, 1);
      break;
   default:
      break;
   }
   if (d->mode == MODE_TEXT)
      dump_text_record(d, rec, len);
}

/* The record at P+I is not an access (or is shorter than one): check it,
 * handle it, return its length; 0 if corrupt.  Sets *STOP on EXIT. */
static inline size_t slow_record(struct dump *d, const pv_u8 *p, size_t i, size_t n,
                                 pv_u64 pos0, pv_u64 size, int *stop)
{
   size_t len = pv_rec_check(p + i, n - i, pos0 + i, size);
   if (len == 0) {
      *stop = SPAN_CORRUPT;
      return 0;
   }
   unsigned type = PV_HDR_TYPE(pv_rec_hdr(p + i));
   if (type == PV_REC_PAD)
      return len;
   if (PV_IS_ACCESS(type)) {     /* only when the caller has no fast path */
      d->count[type]++;
      d->bytes += 16;
      return 16;
   }
   var_record(d, p + i, len, type);
   if (type == PV_REC_EXIT)
      *stop = SPAN_EXIT;
   return len;
}

/* ---- the three walkers -------------------------------------------------- */

static size_t span_count(struct dump *d, const pv_u8 *p, size_t n, pv_u64 pos0,
                         pv_u64 size, int *stop)
{
   /* counters in registers: all accesses, stores, modifies (loads = rest) */
   pv_u64 acc = 0, st = 0, mo = 0;
   size_t i = 0;
   size_t lim = d->span_budget && d->span_budget < n ? d->span_budget : n;
   while (i < lim) {
      /* unrolled: most spans are long runs of access records */
      while (lim - i >= 64) {
         unsigned t0 = p[i], t1 = p[i + 16], t2 = p[i + 32], t3 = p[i + 48];
         /* all four in 1..3 (LOAD, STORE, MODIFY)? */
         if ((t0 | t1 | t2 | t3) > 3u || !t0 || !t1 || !t2 || !t3)
            break;
         acc += 4;
         st += (t0 == 2) + (t1 == 2) + (t2 == 2) + (t3 == 2);
         mo += (t0 == 3) + (t1 == 3) + (t2 == 3) + (t3 == 3);
         i += 64;
      }
      if (i >= lim)
         break;
      if (n - i >= 16) {
         unsigned t = p[i];
         if (t - 1u < 3u) {
            acc++;
            st += t == 2;
            mo += t == 3;
            i += 16;
            continue;
         }
      }
      size_t len = slow_record(d, p, i, n, pos0, size, stop);
      i += len;
      if (len == 0 || *stop)
         break;
   }
   d->count[PV_REC_LOAD] += acc - st - mo;
   d->count[PV_REC_STORE] += st;
   d->count[PV_REC_MODIFY] += mo;
   d->bytes += 16 * acc;
   return i;
}

static size_t span_lackey(struct dump *d, const pv_u8 *p, size_t n, pv_u64 pos0,
                          pv_u64 size, int *stop)
{
   pv_u64 c[4] = { 0, 0, 0, 0 };
   size_t i = 0;
   char *q = d->out.p, *lim = d->out.lim;
   while (i < n) {
      if (q > lim) {
         d->out.p = q;
         out_flush(&d->out);
         q = d->out.p;
      }
      if (n - i >= 16) {
         pv_u64 h = pv_rec_hdr(p + i);
         unsigned t = (unsigned)(h & 0xff);
         if (t - 1u < 3u) {
            pv_u64 addr = pv_rec_word(p + i, 1);
            unsigned sz = PV_HDR_N16(h);
            q[0] = ' ';
            q[1] = "?LSM"[t];
            q[2] = ' ';
            q = put_hex_min(q + 3, addr, 8);
            *q++ = ',';
            if (sz < 10) {
               q[0] = (char)('0' + sz);
               q[1] = '\n';
               q += 2;
            } else if (sz < 100) {
               memcpy(q, dump_digits2 + 2 * sz, 2);
               q[2] = '\n';
               q += 3;
            } else {
               q = put_dec(q, sz);
               *q++ = '\n';
            }
            c[t]++;
            i += 16;
            continue;
         }
      }
      d->out.p = q;
      size_t len = slow_record(d, p, i, n, pos0, size, stop);
      q = d->out.p;
      i += len;
      if (len == 0 || *stop)
         break;
   }
   d->out.p = q;
   d->count[1] += c[1];
   d->count[2] += c[2];
   d->count[3] += c[3];
   d->bytes += 16 * (c[1] + c[2] + c[3]);
   return i;
}

static size_t span_text(struct dump *d, const pv_u8 *p, size_t n, pv_u64 pos0,
                        pv_u64 size, int *stop)
{
   pv_u64 c[4] = { 0, 0, 0, 0 };
   size_t i = 0;
   char *q = d->out.p, *lim = d->out.lim;
   while (i < n) {
      if (q > lim) {
         d->out.p = q;
         out_flush(&d->out);
         q = d->out.p;
      }
      if (n - i >= 16) {
         pv_u64 h = pv_rec_hdr(p + i);
         unsigned t = (unsigned)(h & 0xff);
         if (t - 1u < 3u) {
            pv_u64 addr = pv_rec_word(p + i, 1);
            unsigned sz = PV_HDR_N16(h);
            pv_u32 site = PV_HDR_A32(h);
            q[0] = "?LSM"[t];
            q[1] = ' ';
            q[2] = '0';
            q[3] = 'x';
            q = put_hex_min(q + 4, addr, 1);
            *q++ = ' ';
            if (sz < 10) {
               *q++ = (char)('0' + sz);
            } else if (sz < 100) {
               memcpy(q, dump_digits2 + 2 * sz, 2);
               q += 2;
            } else {
               q = put_dec(q, sz);
            }
            memcpy(q, d->tsfx, sizeof d->tsfx);   /* fixed size: fast */
            q += d->tsfx_len;
            q = put_dec(q, site);
            if (d->symbols && site) {
               d->out.p = q;
               const char *s = site_text(d, site);
               size_t sl = strlen(s);
               out_room(&d->out, sl + 16);
               q = put_mem(d->out.p, s, sl);
            }
            *q++ = '\n';
            c[t]++;
            i += 16;
            continue;
         }
      }
      d->out.p = q;
      size_t len = slow_record(d, p, i, n, pos0, size, stop);
      q = d->out.p;
      i += len;
      if (len == 0 || *stop)
         break;
   }
   d->out.p = q;
   d->count[1] += c[1];
   d->count[2] += c[2];
   d->count[3] += c[3];
   d->bytes += 16 * (c[1] + c[2] + c[3]);
   return i;
}

/* --analyze: every access into the analysis; the report is written at
 * the EXIT record (dump_analyze.c) */
static size_t span_analyze(struct dump *d, const pv_u8 *p, size_t n, pv_u64 pos0,
                           pv_u64 size, int *stop)
{
   pv_u64 c[4] = { 0, 0, 0, 0 };
   size_t i = 0;
   if (!d->an) {
      d->keep_syms = 1;
      struct pv_analysis_config cfg;
      pv_analysis_config_default(&cfg);
      cfg.reuse_lines = d->reuse_lines;
      if (!(d->an = pv_analysis_new(&cfg))) {
         *stop = SPAN_CORRUPT;
         return 0;
      }
   }
   while (i < n) {
      if (n - i >= 16) {
         pv_u64 h = pv_rec_hdr(p + i);
         unsigned t = (unsigned)(h & 0xff);
         if (t - 1u < 3u) {
            pv_analysis_access(d->an, PV_HDR_A32(h), pv_rec_word(p + i, 1),
                               PV_HDR_N16(h), t, d->thread);
            c[t]++;
            i += 16;
            continue;
         }
      }
      size_t len = slow_record(d, p, i, n, pos0, size, stop);
      i += len;
      if (len == 0 || *stop)
         break;
   }
   d->count[1] += c[1];
   d->count[2] += c[2];
   d->count[3] += c[3];
   d->bytes += 16 * (c[1] + c[2] + c[3]);
   if (*stop == SPAN_EXIT)
      dump_analyze_report(d);
   return i;
}

size_t dump_span(struct dump *d, const pv_u8 *p, size_t n, pv_u64 pos0,
                 pv_u64 data_size, int *stop)
{
   *stop = SPAN_MORE;
   switch (d->mode) {
   case MODE_COUNT:  return span_count(d, p, n, pos0, data_size, stop);
   case MODE_ANALYZE: return span_analyze(d, p, n, pos0, data_size, stop);
   case MODE_LACKEY: return span_lackey(d, p, n, pos0, data_size, stop);
   default:          return span_text(d, p, n, pos0, data_size, stop);
   }
}
