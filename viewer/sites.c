/* sites.c -- feeds the per-site analysis from the ingest path, keeps the
 * selection, its increments and its stride over time (see sites.h). */
#include "sites.h"

#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "pv_stream.h"
#include "util.h"

#define LIFE_MAX (1u << 20)     /* allocations whose lifetime is kept */
#define SEL_LINES_MAX (1u << 22) /* lines of the selection remembered (64 MiB) */

int pv_sites_init(struct pv_sites *s, const struct pv_site_opts *o)
{
   memset(s, 0, sizeof *s);
   s->sort = o->sort;
   s->f_tid = o->f_tid;
   s->f_kind = o->f_kind;
   s->f_region = o->f_region;
   s->inc_min = 1;
   s->inc_max = 0;
   s->sel_lo = ~0ull;
   s->no_shed = o->full_analysis;
   if (o->select) {
      if (o->select[0] == '#')
         s->want_rank = atoi(o->select + 1) > 0 ? atoi(o->select + 1) : 1;
      else
         s->want = o->select;
   }
   if (o->no_analysis)
      return 0;
   struct pv_analysis_config cfg;
   pv_analysis_config_default(&cfg);
   cfg.reuse_lines = o->reuse_lines;
   s->an = pv_analysis_new(&cfg);
   return s->an ? 0 : -1;
}

void pv_sites_free(struct pv_sites *s)
{
   if (s->an)
      pv_analysis_delete(s->an);
   free(s->rmask);
   free(s->inc);
   free(s->life);
   free(s->lines);
   memset(s, 0, sizeof *s);
}

/* ---- name specs: FN, FN:LINE, FILE:LINE --------------------------------- */

int pv_sites_spec_match(const char *spec, const struct pv_site *st)
{
   if (!st || !st->known)
      return 0;
   const char *colon = strrchr(spec, ':');
   size_t nl = colon ? (size_t)(colon - spec) : strlen(spec);
   if (colon && (unsigned)atoi(colon + 1) != st->line)
      return 0;
   if (strlen(st->fn) == nl && !strncmp(st->fn, spec, nl))
      return 1;
   if (!colon)
      return 0;
   /* FILE:LINE: the file's name or a path ending in it */
   size_t fl = strlen(st->file);
   if (fl >= nl && !strncmp(st->file + fl - nl, spec, nl)
       && (fl == nl || st->file[fl - nl - 1] == '/'))
      return 1;
   return 0;
}

static void add_candidate(struct pv_sites *s, pv_u32 id)
{
   if (s->ncand >= PV_SEL_CAND)
      return;
   s->cand[s->ncand++] = id;
   if (!s->sel)
      pv_sites_select(s, id);
}

static int is_candidate(const struct pv_sites *s, pv_u32 id)
{
   for (int i = 0; i < s->ncand; i++)
      if (s->cand[i] == id)
         return 1;
   return 0;
}

/* ---- per access ------------------------------------------------------------ */

static int region_class(struct pv_model *m, pv_u64 addr)
{
   if (pv_heap_find(&m->heap, addr))
      return PV_RF_HEAP;
   int i = pv_regions_find(&m->regions, addr);
   if (i < 0)
      return PV_RF_OTHER;
   switch (m->regions.r[i].kind) {
   case PV_MAP_HEAP:   return PV_RF_HEAP;
   case PV_MAP_STACK:  return PV_RF_STACK;
   case PV_MAP_CODE: case PV_MAP_DATA: case PV_MAP_RODATA: case PV_MAP_BSS:
      return PV_RF_DATA;
   default: {
      const struct pv_named *nm = pv_regions_named_at(&m->regions, addr);
      return nm && nm->is_stack ? PV_RF_STACK : PV_RF_OTHER;
   }
   }
}

static void sample_region(struct pv_sites *s, struct pv_model *m, pv_u32 site, pv_u64 addr)
{
   if (site >= s->rmask_cap) {
      pv_u32 cap = s->rmask_cap ? s->rmask_cap : 4096;
      while (cap <= site)
         cap *= 2;
      pv_u8 *n = realloc(s->rmask, cap);
      if (!n)
         return;
      memset(n + s->rmask_cap, 0, cap - s->rmask_cap);
      s->rmask = n;
      s->rmask_cap = cap;
   }
   s->rmask[site] |= (pv_u8)(1u << region_class(m, addr));
}

/* ---- the selection's lines --------------------------------------------------- */

static pv_u64 line_home(const struct pv_sites *s, pv_u64 key)
{
   return (key * 0x9E3779B97F4A7C15ull) >> 20 & (s->lines_cap - 1);
}

static struct pv_sel_line *line_get(struct pv_sites *s, pv_u64 line, int add)
{
   pv_u64 key = line + 1;
   if (s->lines_cap) {
      for (pv_u64 i = line_home(s, key);; i = (i + 1) & (s->lines_cap - 1)) {
         if (s->lines[i].key == key)
            return &s->lines[i];
         if (!s->lines[i].key)
            break;
      }
   }
   if (!add || s->lines_n >= SEL_LINES_MAX)
      return NULL;
   if ((s->lines_n + 1) * 2 > s->lines_cap) {
      pv_u64 cap = s->lines_cap ? s->lines_cap * 2 : 4096;
      struct pv_sel_line *n = calloc(cap, sizeof *n), *old = s->lines;
      if (!n)
         return NULL;
      pv_u64 oc = s->lines_cap;
      s->lines = n;
      s->lines_cap = cap;
      for (pv_u64 j = 0; j < oc; j++) {
         if (!old[j].key)
            continue;
         pv_u64 i = line_home(s, old[j].key);
         while (n[i].key)
            i = (i + 1) & (cap - 1);
         n[i] = old[j];
      }
      free(old);
   }
   pv_u64 i = line_home(s, key);
   while (s->lines[i].key)
      i = (i + 1) & (s->lines_cap - 1);
   s->lines[i].key = key;
   s->lines_n++;
   return &s->lines[i];
}

static void line_touch(struct pv_sites *s, pv_u64 line, unsigned km)
{
   struct pv_sel_line *l = line_get(s, line, 1);
   if (!l)
      return;
   if (s->now_ms - l->t_ms > PV_BURST_MS)
      l->km = 0;
   l->km |= km;
   l->t_ms = s->now_ms;
}

static int sel_line_cb(const void *ctx, pv_u64 line, pv_u32 *t_ms, unsigned *km)
{
   struct pv_sites *s = (struct pv_sites *)ctx;
   const struct pv_sel_line *l = line_get(s, line, 0);
   if (!l)
      return 0;
   *t_ms = l->t_ms;
   *km = l->km;
   return 1;
}

void pv_sites_backfill(struct pv_sites *s, const struct pv_model *m)
{
   if (!s->sel)
      return;
   const struct pv_stats *st = &m->stats;
   for (pv_u32 i = 0; i < st->cap; i++) {
      const struct pv_chunk *c = st->tab[i];
      if (!c)
         continue;
      for (pv_u32 k = 0; k < PV_CHUNK_LINES; k++) {
         const struct pv_line *l = &c->line[k];
         if (!l->t_ms || l->site != s->sel || PV_LINE_KIND(l) >= PV_LK_KREAD)
            continue;
         struct pv_sel_line *x = line_get(s, (c->key << (PV_CHUNK_SHIFT - PV_LINE_SHIFT)) + k, 1);
         if (x && !x->t_ms) {
            x->t_ms = l->t_ms;
            x->km = PV_LINE_KIND(l);       /* read 1, write 2, modify 3 */
         }
      }
   }
}

static void stt_reset(struct pv_sites *s)
{
   memset(s->stt, 0, sizeof s->stt);
   s->nstt = 0;
}

static struct pv_stt *stt_for(struct pv_sites *s, pv_u32 site)
{
   for (int k = 0; k < s->nstt; k++)
      if (s->stt[k].site == site)
         return &s->stt[k];
   struct pv_stt *t;
   if (s->nstt == PV_STT_SLOTS) {
      /* all in use (a name with many sites): a much busier site takes the
       * quietest slot */
      int q = 0;
      for (int k = 1; k < s->nstt; k++)
         if (s->stt[k].n < s->stt[q].n)
            q = k;
      const struct pv_site_stats *st = pv_analysis_site(s->an, site);
      if (!st || st->accesses <= 2 * s->stt[q].n + 64)
         return NULL;
      t = &s->stt[q];
      memset(t, 0, sizeof *t);
   } else {
      t = &s->stt[s->nstt++];
   }
   t->site = site;
   t->span = 1;
   return t;
}

const struct pv_stt *pv_sites_stt(const struct pv_sites *s)
{
   for (int k = 0; k < s->nstt; k++)
      if (s->stt[k].site == s->sel)
         return &s->stt[k];
   return NULL;
}

static void stt_add(struct pv_stt *t, pv_u32 tid, pv_u64 addr)
{
   if (t->have && t->tid == tid) {
      pv_u64 col = t->n / t->span;
      if (col >= PV_STT_COLS) {
         for (int c = 0; c < PV_STT_COLS / 2; c++)
            for (int b = 0; b < PV_STRIDE_BINS; b++)
               t->col[c][b] = t->col[2 * c][b] + t->col[2 * c + 1][b];
         memset(t->col[PV_STT_COLS / 2], 0, sizeof t->col[0] * (PV_STT_COLS / 2));
         t->span *= 2;
         t->cols = PV_STT_COLS / 2;
         col = t->n / t->span;
      }
      t->col[col][pv_stride_bin((pv_s64)(addr - t->last))]++;
      if ((int)col + 1 > t->cols)
         t->cols = (int)col + 1;
      t->n++;
   }
   t->last = addr;
   t->tid = tid;
   t->have = 1;
}

static void selected_access(struct pv_sites *s, struct pv_model *m, unsigned t, pv_u32 site,
                            pv_u64 addr, unsigned size)
{
   if (site == s->sel) {
      int k;
      for (k = 0; k < s->nsel_tid && s->sel_tid[k] != s->tid; k++)
         ;
      if (k == s->nsel_tid && k < 8)
         s->sel_tid[s->nsel_tid++] = s->tid;
      if (k < 8)
         s->sel_tid_n[k]++;
   }
   if (s->f_tid && s->tid != s->f_tid)
      return;
   if (s->f_kind && (int)t != s->f_kind)
      return;
   if (addr < s->sel_lo) s->sel_lo = addr;
   if (addr + (size ? size : 1) - 1 > s->sel_hi) s->sel_hi = addr + (size ? size : 1) - 1;
   s->sel_acc++;
   {
      pv_u64 l0 = addr >> PV_LINE_SHIFT, l1 = (addr + (size ? size : 1) - 1) >> PV_LINE_SHIFT;
      unsigned km = t == PV_REC_LOAD ? PV_KM_READ : t == PV_REC_STORE ? PV_KM_WRITE
                                                     : PV_KM_READ | PV_KM_WRITE;
      for (pv_u64 l = l0; l <= l1 && l - l0 < 64; l++)
         line_touch(s, l, km);
   }
   struct pv_stt *st = stt_for(s, site);
   if (st)
      stt_add(st, s->tid, addr);
   if (!s->inc_live || addr - m->vlo >= m->vspan)
      return;
   struct pv_cellinc *mi = m->inc;
   long mn = m->inc_min, mx = m->inc_max;
   m->inc = s->inc;
   m->inc_min = s->inc_min;
   m->inc_max = s->inc_max;
   pv_model_paint(m, t != PV_REC_STORE, t != PV_REC_LOAD, 0, addr, size ? size : 1);
   s->inc_min = m->inc_min;
   s->inc_max = m->inc_max;
   m->inc = mi;
   m->inc_min = mn;
   m->inc_max = mx;
}

static void life_set(struct pv_sites *s, pv_u64 seq, int is_free)
{
   if (seq == 0 || seq >= LIFE_MAX)
      return;
   if (seq >= s->life_cap) {
      pv_u64 cap = s->life_cap ? s->life_cap : 1024;
      while (cap <= seq)
         cap *= 2;
      struct pv_life *n = realloc(s->life, cap * sizeof *n);
      if (!n)
         return;
      memset(n + s->life_cap, 0, (cap - s->life_cap) * sizeof *n);
      s->life = n;
      s->life_cap = cap;
   }
   struct pv_life *l = &s->life[seq];
   if (is_free) {
      l->acc_free = s->n_access;
      l->ms_free = s->now_ms;
   } else {
      l->acc_alloc = s->n_access;
      l->ms_alloc = s->now_ms;
   }
}

const struct pv_life *pv_sites_life(const struct pv_sites *s, pv_u64 seq)
{
   return seq && seq < s->life_cap && s->life[seq].ms_alloc ? &s->life[seq] : NULL;
}

void pv_sites_span(struct pv_sites *s, struct pv_model *m, const pv_u8 *p, size_t n,
                   pv_u64 pos, pv_u64 data_size, double fill)
{
   pv_sites_span_others(s, m, p, n, pos, data_size, fill, NULL, 0, 0);
}

void pv_sites_span_others(struct pv_sites *s, struct pv_model *m, const pv_u8 *p, size_t n,
                          pv_u64 pos, pv_u64 data_size, double fill,
                          const pv_u32 *others, unsigned n_others, int filtered)
{
   struct pv_analysis *an = s->an;
   if (!an)
      return;
   s->now_ms = m->now_ms;
   /* load shedding, decided every 25 ms: shed more (analyse one span in
    * 2, 4 ... 64) after 2 windows in a row in which the analysis took over
    * 30 % of the time and the ring was over half full: the program must not
    * wait for the viewer's analysis; less when the ring is nearly empty */
   double t0 = pv_now();
   if (!s->no_shed && m->now_ms - s->shed_ms >= 25) {
      double share = s->busy_s / ((m->now_ms - s->shed_ms) / 1000.0);
      s->behind = fill > 0.5 && share > 0.3 ? s->behind + 1 : 0;
      if (s->behind >= 2 && s->shed < 6) {
         s->shed++;
         s->behind = 0;
      } else if (fill < 0.1 && s->shed > 0) {
         s->shed--;
      }
      s->shed_ms = m->now_ms;
      s->busy_s = 0;
   }
   /* when the ingest samples (the viewer is behind), shed at least as much */
   unsigned shed = (unsigned)s->shed > m->sample_shift ? (unsigned)s->shed : m->sample_shift;
   int light = filtered || (shed && (s->span_no & ((1u << shed) - 1)) != 0);
   s->span_no++;
   /* the selection's increments follow the model's geometry */
   s->inc_live = 0;
   if (s->sel || s->ncand || s->want) {
      if (s->inc_n != m->inc_n) {
         free(s->inc);
         s->inc = calloc(m->inc_n ? m->inc_n : 1, sizeof *s->inc);
         s->inc_n = s->inc ? m->inc_n : 0;
         s->inc_min = 1;
         s->inc_max = 0;
      } else if (s->view_gen != m->view_gen && s->inc && s->inc_min <= s->inc_max) {
         /* the view changed under increments not taken yet: they are stale */
         memset(&s->inc[s->inc_min], 0, (size_t)(s->inc_max - s->inc_min + 1) * sizeof *s->inc);
         s->inc_min = 1;
         s->inc_max = 0;
      }
      s->view_gen = m->view_gen;
      s->inc_live = s->inc && s->inc_n == m->inc_n && m->inc_n;
   }
   pv_u32 sel = s->sel, tid = s->tid;
   int multi = s->ncand > 1;
   /* a span not analysed, with no site to light: only the other records
    * matter, the accesses are counted a line at a time */
   size_t i = 0;
   unsigned oi = 0;
   while (i < n) {
      if (light && !sel && !multi) {
         pv_u64 k;
         if (others) {
            /* straight to the next record that is not an access */
            while (oi < n_others && others[oi] < i)
               oi++;
            size_t next = oi < n_others ? others[oi] : n;
            k = (next - i) / 16;
            i = next;
         } else {
            pv_u64 cs = 0, cm = 0;
            k = pv_ingest_pass_accesses(p, &i, n, ~0ull, &cs, &cm);
         }
         s->n_access += k;
         s->skipped += k;
         if (i >= n)
            break;
      }
      const pv_u8 *rec = p + i;
      pv_u64 h;
      memcpy(&h, rec, 8);
      unsigned t = PV_HDR_TYPE(h);
      if (__builtin_expect(t - 1u < 3u, 1)) {
         pv_u64 addr;
         memcpy(&addr, rec + 8, 8);
         pv_u32 site = PV_HDR_A32(h);
         unsigned size = PV_HDR_N16(h);
         s->n_access++;
         if (__builtin_expect(light, 0)) {
            s->skipped++;
         } else {
            pv_analysis_access(an, site, addr, size, t, tid);
            if (__builtin_expect((s->n_access & 1023) == 1, 0)
                || site >= s->rmask_cap || !s->rmask[site])
               sample_region(s, m, site, addr);
         }
         if (__builtin_expect(site == sel, 0) || (multi && is_candidate(s, site)))
            selected_access(s, m, t, site, addr, size);
         i += 16;
         continue;
      }
      size_t len = pv_rec_check(rec, n - i, pos + i, data_size);
      if (len == 0)
         break;
      switch (t) {
      case PV_REC_PAD: {
         /* a filtered span's count of the accesses it passed over */
         pv_u64 k = filtered ? pv_ingest_passed(rec, len) : 0;
         s->n_access += k;
         s->skipped += k;
         break;
      }
      case PV_REC_THREAD:
         tid = s->tid = PV_HDR_A32(h);
         break;
      case PV_REC_ALLOC: {
         /* shedding: a block allocated now is not analysed (its FREE is
          * then an unknown one); the block bookkeeping is a cache miss or
          * two in a big hash, as much as dozens of sampled accesses */
         if (__builtin_expect(light, 0)) {
            s->shed_blocks++;
            break;
         }
         pv_u64 seq = pv_analysis_alloc(an, pv_rec_word(rec, 1), pv_rec_word(rec, 2),
                                        (pv_u32)pv_rec_word(rec, 3), PV_HDR_SUB(h),
                                        PV_HDR_A32(h));
         if (seq)
            life_set(s, seq, 0);
         break;
      }
      case PV_REC_FREE: {
         pv_u64 seq = pv_analysis_free(an, pv_rec_word(rec, 1), (pv_u32)pv_rec_word(rec, 3));
         if (seq)
            life_set(s, seq, 1);
         break;
      }
      case PV_REC_SITE:
         if (s->want && pv_sites_spec_match(s->want, pv_symtab_site(&m->sym, PV_HDR_A32(h)))) {
            add_candidate(s, PV_HDR_A32(h));
            sel = s->sel;
            multi = s->ncand > 1;
            if (!s->inc_live && s->inc_n != m->inc_n) {
               /* first match: start collecting from the next span on */
            }
         }
         break;
      default:
         break;
      }
      i += len;
   }
   s->busy_s += pv_now() - t0;
}

/* ---- selection and lists ---------------------------------------------------- */

void pv_sites_select(struct pv_sites *s, pv_u32 site)
{
   if (site == s->sel)
      return;
   s->sel = site;
   s->sel_lo = ~0ull;
   s->sel_hi = 0;
   s->sel_acc = 0;
   s->nsel_tid = 0;
   memset(s->sel_tid_n, 0, sizeof s->sel_tid_n);
   if (s->lines)
      memset(s->lines, 0, s->lines_cap * sizeof *s->lines);
   s->lines_n = 0;
   stt_reset(s);
   if (s->inc_min <= s->inc_max && s->inc)
      memset(&s->inc[s->inc_min], 0, (size_t)(s->inc_max - s->inc_min + 1) * sizeof *s->inc);
   s->inc_min = 1;
   s->inc_max = 0;
}

void pv_sites_user_select(struct pv_sites *s, pv_u32 site)
{
   s->want = NULL;
   s->want_rank = 0;
   s->ncand = 0;
   pv_sites_select(s, site);
}

static int passes(const struct pv_sites *s, const struct pv_site_stats *st)
{
   if (s->f_tid && !(st->tid_mask & (1ull << (s->f_tid & 63))))
      return 0;
   if (s->f_kind == PV_ACC_LOAD && !st->loads) return 0;
   if (s->f_kind == PV_ACC_STORE && !st->stores) return 0;
   if (s->f_kind == PV_ACC_MODIFY && !st->modifies) return 0;
   if (s->f_region && !(st->site < s->rmask_cap && (s->rmask[st->site] & (1u << s->f_region))))
      return 0;
   return 1;
}

size_t pv_sites_list(struct pv_sites *s, const struct pv_site_stats **out, int *rank,
                     size_t max)
{
   if (!s->an || !max)
      return 0;
   struct pv_analysis_totals t;
   pv_analysis_get_totals(s->an, &t);
   size_t all = (size_t)t.sites + 1;
   const struct pv_site_stats **tmp = malloc(all * sizeof *tmp);
   if (!tmp)
      return 0;
   size_t n = pv_analysis_sites(s->an, (enum pv_sort_key)s->sort, tmp, all), k = 0;
   int seen = 0, r = 0;
   for (size_t i = 0; i < n; i++) {
      if (!passes(s, tmp[i]))
         continue;
      r++;
      if (k < max) {
         seen |= tmp[i]->site == s->sel;
         if (rank)
            rank[k] = r;
         out[k++] = tmp[i];
      } else if (!s->sel || seen) {
         break;
      } else if (tmp[i]->site == s->sel) {
         if (rank)
            rank[max - 1] = r;
         out[max - 1] = tmp[i];
         break;
      }
   }
   free(tmp);
   return k;
}

void pv_sites_resolve(struct pv_sites *s, struct pv_model *m)
{
   (void)m;
   if (!s->an)
      return;
   if (s->want_rank) {
      const struct pv_site_stats *l[256];
      pv_u32 keep = s->sel;
      s->sel = 0;
      size_t n = pv_sites_list(s, l, NULL, s->want_rank < 256 ? (size_t)s->want_rank : 256);
      s->sel = keep;
      if (n >= (size_t)s->want_rank) {
         pv_sites_select(s, l[s->want_rank - 1]->site);
         s->want_rank = 0;
      }
   } else if (s->ncand > 1) {
      /* several sites matched the name: the busiest */
      pv_u32 best = s->sel;
      pv_u64 most = 0;
      for (int i = 0; i < s->ncand; i++) {
         const struct pv_site_stats *st = pv_analysis_site(s->an, s->cand[i]);
         if (st && st->accesses > most) {
            most = st->accesses;
            best = s->cand[i];
         }
      }
      if (best != s->sel) {
         /* keep the candidates lit; the panel shows the busiest */
         s->sel = best;                /* its stride over time is kept */
      }
   }
}

void pv_sites_take_inc(struct pv_sites *s, struct pv_model *m)
{
   int on = s->sel || s->ncand || s->want;     /* a name not seen yet: nothing lit */
   m->sel_line = on ? sel_line_cb : NULL;
   m->sel_ctx = s;
   if (!on)
      return;
   pv_model_clear_inc(m);
   if (!s->inc || s->inc_n != m->inc_n)
      return;
   struct pv_cellinc *mi = m->inc;
   m->inc = s->inc;
   m->inc_min = s->inc_min;
   m->inc_max = s->inc_max;
   s->inc = mi;
   s->inc_min = 1;
   s->inc_max = 0;
}
