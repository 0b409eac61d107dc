/* model.c -- the viewer's model of the target (see model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

int pv_model_init(struct pv_model *m)
{
   memset(m, 0, sizeof *m);
   pv_regions_init(&m->regions);
   pv_heap_init(&m->heap);
   pv_symtab_init(&m->sym);
   if (pv_stats_init(&m->stats, 0))
      return -1;
   m->inc_min = 1;
   m->inc_max = 0;
   m->vspan = 0;
   return 0;
}

void pv_model_free(struct pv_model *m)
{
   pv_regions_free(&m->regions);
   pv_heap_free_all(&m->heap);
   pv_stats_free(&m->stats);
   pv_symtab_free(&m->sym);
   free(m->inc);
   m->inc = NULL;
}

int pv_model_set_view(struct pv_model *m, const struct pv_layout *L, int cell_shift,
                      pv_u32 cols, long long top, int rows)
{
   size_t need = (size_t)cols * (size_t)(rows > 0 ? rows : 1);
   if (need > m->inc_n || !m->inc) {
      struct pv_cellinc *q = realloc(m->inc, need * sizeof *q);
      if (!q)
         return -1;
      m->inc = q;
      m->inc_n = need;
   }
   memset(m->inc, 0, need * sizeof *m->inc);
   m->inc_min = 1;
   m->inc_max = 0;
   m->cell_shift = cell_shift;
   m->cols = cols;
   m->col_shift = __builtin_ctz(cols);
   m->row_shift = m->col_shift + cell_shift;
   m->top = top;
   m->rows = rows;
   m->nvis = 0;
   m->vis_hint = 0;
   pv_u64 lo = ~0ull, hi = 0;
   long long bottom = top + rows;
   for (unsigned i = pv_layout_first_seg_from_row(L, top); i < L->n; i++) {
      const struct pv_seg *g = &L->s[i];
      if (g->row0 >= bottom)
         break;
      if (m->nvis == PV_MAX_VIS)
         break;
      long long r0 = g->row0 > top ? g->row0 : top;
      long long r1 = g->row0 + g->nrows < bottom ? g->row0 + g->nrows : bottom;
      pv_u64 a0 = pv_layout_row_addr(L, g, r0), a1 = pv_layout_row_addr(L, g, r1);
      struct pv_vis *v = &m->vis[m->nvis++];
      v->lo = a0 > g->start ? a0 : g->start;
      v->hi = a1 < g->end ? a1 : g->end;
      v->base = g->row0 - top - (long long)(g->start >> L->row_shift);
      if (v->lo < lo) lo = v->lo;
      if (v->hi > hi) hi = v->hi;
   }
   m->vlo = lo;
   m->vspan = hi > lo ? hi - lo : 0;
   m->base_dirty = 1;
   m->view_gen++;
   return 0;
}

void pv_model_clear_inc(struct pv_model *m)
{
   if (m->inc_min <= m->inc_max)
      memset(&m->inc[m->inc_min], 0, (size_t)(m->inc_max - m->inc_min + 1) * sizeof *m->inc);
   m->inc_min = 1;
   m->inc_max = 0;
}

static const struct pv_vis *find_vis(struct pv_model *m, pv_u64 addr)
{
   const struct pv_vis *v = &m->vis[m->vis_hint];
   if (m->vis_hint < m->nvis && addr >= v->lo && addr < v->hi)
      return v;
   unsigned lo = 0, hi = m->nvis;
   while (lo < hi) {
      unsigned mid = (lo + hi) / 2;
      if (m->vis[mid].hi <= addr)
         lo = mid + 1;
      else
         hi = mid;
   }
   if (lo < m->nvis && m->vis[lo].lo <= addr) {
      m->vis_hint = lo;
      return &m->vis[lo];
   }
   return NULL;
}

/* Add RD/WR/K counts to every visible cell of [addr, addr + size). */
void pv_model_paint(struct pv_model *m, unsigned rd, unsigned wr, unsigned k,
                    pv_u64 addr, pv_u64 size)
{
   pv_u64 end = addr + size;
   if (end < addr)
      end = ~0ull;
   while (addr < end) {
      const struct pv_vis *v = find_vis(m, addr);
      if (!v) {
         /* skip to the next interval that starts inside the range */
         unsigned i;
         for (i = 0; i < m->nvis && m->vis[i].lo <= addr; i++)
            ;
         if (i == m->nvis || m->vis[i].lo >= end)
            return;
         addr = m->vis[i].lo;
         continue;
      }
      pv_u64 stop = end < v->hi ? end : v->hi;
      long idx = (long)((long long)((addr >> m->row_shift) + v->base) * m->cols
                        + ((addr >> m->cell_shift) & (m->cols - 1)));
      long last = idx + (long)(((stop - 1) >> m->cell_shift) - (addr >> m->cell_shift));
      if (idx < m->inc_min) m->inc_min = idx;
      if (last > m->inc_max) m->inc_max = last;
      for (long i = idx; i <= last; i++) {
         struct pv_cellinc *c = &m->inc[i];
         c->r += rd;
         c->w += wr;
         c->k += k;
      }
      addr = stop;
   }
}

void pv_model_kaccess(struct pv_model *m, int is_write, pv_u64 addr, pv_u64 size, pv_u32 sysno)
{
   if (size == 0)
      return;
   if (is_write) m->n_kwrite++; else m->n_kread++;
   pv_u64 end = addr + size < addr ? ~0ull : addr + size;
   pv_u64 nlines = ((end - 1) >> PV_LINE_SHIFT) - (addr >> PV_LINE_SHIFT) + 1;
   if (nlines > (1u << 20))
      nlines = 1u << 20;             /* bound the work for absurd sizes */
   pv_u64 a = addr;
   for (pv_u64 i = 0; i < nlines; i++, a = ((a >> PV_LINE_SHIFT) + 1) << PV_LINE_SHIFT) {
      struct pv_chunk *c = pv_stats_chunk(&m->stats, a);
      pv_u32 li = (pv_u32)(a >> PV_LINE_SHIFT) & (PV_CHUNK_LINES - 1);
      struct pv_line *l = &c->line[li];
      if ((l->reads | l->writes) == 0)
         m->base_dirty = 1;
      if (is_write)
         l->writes += l->writes != 0xFFFFFFFFu;
      else
         l->reads += l->reads != 0xFFFFFFFFu;
      l->site = sysno;
      l->tid = (pv_u16)m->tid;
      unsigned km = (m->now_ms - l->t_ms > PV_BURST_MS) ? 0 : (l->kk & 0x38u);
      l->kk = (pv_u8)((is_write ? PV_LK_KWRITE : PV_LK_KREAD) | km | (PV_KM_KERNEL << 3));
      l->t_ms = m->now_ms;
      l->size = (pv_u8)(size > 255 ? 255 : size);
      c->last_ms = m->now_ms;
   }
   if (m->vspan && end > m->vlo && addr < m->vlo + m->vspan) {
      pv_u64 a0 = addr > m->vlo ? addr : m->vlo;
      pv_u64 a1 = end < m->vlo + m->vspan ? end : m->vlo + m->vspan;
      pv_model_paint(m, 0, 0, 1, a0, a1 - a0);
   }
}

void pv_model_alloc(struct pv_model *m, pv_u64 addr, pv_u64 size, pv_u32 stack,
                    pv_u32 tid, unsigned kind)
{
   pv_heap_alloc(&m->heap, addr, size, stack, tid, kind);
   m->base_dirty = 1;
}

void pv_model_free_block(struct pv_model *m, pv_u64 addr, pv_u32 stack, pv_u32 tid)
{
   pv_heap_free(&m->heap, addr, stack, tid, m->now);
   m->base_dirty = 1;
}

void pv_model_map(struct pv_model *m, pv_u64 start, pv_u64 len, unsigned kind,
                  unsigned prot, const char *name)
{
   pv_regions_map(&m->regions, start, len, kind, prot, name);
}

void pv_model_unmap(struct pv_model *m, pv_u64 start, pv_u64 len)
{
   pv_regions_unmap(&m->regions, start, len);
   if (start + len > start)
      pv_stats_clear(&m->stats, start, start + len);
}

void pv_model_protect(struct pv_model *m, pv_u64 start, pv_u64 len, unsigned prot)
{
   pv_regions_protect(&m->regions, start, len, prot);
}

void pv_model_remap(struct pv_model *m, pv_u64 from, pv_u64 to, pv_u64 len)
{
   pv_regions_remap(&m->regions, from, to, len);
   if (from + len > from)
      pv_stats_clear(&m->stats, from, from + len);
}
