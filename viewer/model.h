/* model.h -- everything the viewer knows about the target, updated record by
 * record: regions, heap blocks, per-line counters, symbols, totals; plus the
 * per-frame increments: access counts per cell of the visible view, which
 * the renderer turns into heat (heat.c) and timeline columns (timeline.c).
 *
 * Data flows one way: ingest.c calls the pv_model_* updaters; the renderer
 * reads the model and takes the increments once per frame. */
#ifndef PV_VIEW_MODEL_H
#define PV_VIEW_MODEL_H

#include "pv_proto.h"
#include "pv_symtab.h"
#include "regions.h"
#include "heap.h"
#include "stats.h"
#include "layout.h"

#define PV_MAX_VIS 512

/* An address interval of the visible view: the cell of ADDR in [lo, hi) is
 * ((addr >> row_shift) + base) * cols + ((addr >> cell_shift) & (cols-1)). */
struct pv_vis { pv_u64 lo, hi; long long base; };

/* Counts for one visible cell during one frame. */
struct pv_cellinc { pv_u32 r, w, k; };

struct pv_model {
   struct pv_regions regions;
   struct pv_heap    heap;
   struct pv_stats   stats;
   struct pv_symtab  sym;

   /* the view the increments are collected for (pv_model_set_view) */
   int         cell_shift, row_shift, col_shift;
   pv_u32      cols;
   int         rows;
   long long   top;
   pv_u64      vlo, vspan;          /* bounds of all intervals */
   unsigned    nvis, vis_hint;
   struct pv_vis vis[PV_MAX_VIS];
   struct pv_cellinc *inc;          /* cols * rows */
   size_t      inc_n;
   long        inc_min, inc_max;    /* touched cell range; min > max: none */
   int         base_dirty;          /* allocation or first touch: redo the base layer */
   unsigned    view_gen;            /* bumped by every pv_model_set_view */
   /* sites.c, with a site selected: seed.c re-creates heat from the lines
    * that site accessed (last access time and kinds, PV_KM_*) only */
   int       (*sel_line)(const void *ctx, pv_u64 line, pv_u32 *t_ms, unsigned *kmask);
   const void *sel_ctx;

   /* stream state */
   pv_u32 tid;
   pv_u64 n_access;                 /* loads + stores + modifies */
   pv_u64 n_sampled;                /* accesses counted by samples (the viewer was behind) */
   unsigned sample_shift;           /* the ingest's current sampling: one access in 2^k */
   pv_u64 n_load, n_store, n_modify, n_kread, n_kwrite;
   pv_u64 counts[PV_REC_LAST + 1];  /* records by type (accesses included) */
   pv_u64 dropped;
   pv_u64 time_ns;                  /* last TIME record */
   pv_u32 threads_live;

   int    have_info;
   pv_u32 pid, info_flags;
   pv_u64 start_ns;
   char   prog[256];                /* argv[0] */
   char   cmdline[512];             /* argv joined by spaces */

   int    exited;                   /* EXIT record seen */
   unsigned exit_signal;            /* 1: killed by signal */
   pv_u32 exit_status;
   int    execed;
   char   exec_path[256];
   char   mark[128];                /* last PERVERT_MARK text */
   unsigned mark_seq;               /* MARK records seen */

   double now;                      /* viewer clock, set by the caller */
   pv_u32 now_ms;                   /* the same in ms since the viewer started (never 0) */
};

int  pv_model_init(struct pv_model *m);
void pv_model_free(struct pv_model *m);

/* Collect increments for the view: rows [TOP, TOP+ROWS) of layout L, COLS
 * cells per row, 2^CELL_SHIFT bytes per cell.  Clears the increments. */
int  pv_model_set_view(struct pv_model *m, const struct pv_layout *L, int cell_shift,
                       pv_u32 cols, long long top, int rows);
/* Zero the increments (after the renderer took them). */
void pv_model_clear_inc(struct pv_model *m);

/* record updaters (the decoded fields of pv_proto.h records) */
void pv_model_paint(struct pv_model *m, unsigned rd, unsigned wr, unsigned k,
                    pv_u64 addr, pv_u64 size);
void pv_model_kaccess(struct pv_model *m, int is_write, pv_u64 addr, pv_u64 size, pv_u32 sysno);
void pv_model_alloc(struct pv_model *m, pv_u64 addr, pv_u64 size, pv_u32 stack,
                    pv_u32 tid, unsigned kind);
void pv_model_free_block(struct pv_model *m, pv_u64 addr, pv_u32 stack, pv_u32 tid);
void pv_model_map(struct pv_model *m, pv_u64 start, pv_u64 len, unsigned kind,
                  unsigned prot, const char *name);
void pv_model_unmap(struct pv_model *m, pv_u64 start, pv_u64 len);
void pv_model_protect(struct pv_model *m, pv_u64 start, pv_u64 len, unsigned prot);
void pv_model_remap(struct pv_model *m, pv_u64 from, pv_u64 to, pv_u64 len);

/* LOAD (type 1), STORE (2), MODIFY (3) of SIZE bytes at ADDR by code SITE,
 * counted W times (W > 1: a sample standing for W accesses). */
static inline pv_u32 pv_sat_add(pv_u32 a, pv_u32 b)
{
   pv_u32 s = a + b;
   return s < a ? 0xFFFFFFFFu : s;
}

static inline void pv_model_access(struct pv_model *m, unsigned type, pv_u64 addr,
                                   unsigned size, pv_u32 site, pv_u32 w)
{
   struct pv_chunk *c = pv_stats_chunk(&m->stats, addr);
   pv_u32 li = (pv_u32)(addr >> PV_LINE_SHIFT) & (PV_CHUNK_LINES - 1);
   struct pv_line *l = &c->line[li];
   unsigned rd = type != PV_REC_STORE, wr = type != PV_REC_LOAD;
   if (__builtin_expect((l->reads | l->writes) == 0, 0))
      m->base_dirty = 1;
   l->reads = pv_sat_add(l->reads, rd * w);
   l->writes = pv_sat_add(l->writes, wr * w);
   l->site = site;
   l->tid = (pv_u16)m->tid;
   /* LOAD/STORE/MODIFY = PV_LK_READ/WRITE/MODIFY = PV_KM_READ/WRITE/both */
   unsigned km = (m->now_ms - l->t_ms > PV_BURST_MS) ? 0 : (l->kk & 0x38u);
   l->kk = (pv_u8)(type | km | (type << 3));
   l->t_ms = m->now_ms;
   l->size = (pv_u8)(size > 255 ? 255 : size);
   c->last_ms = m->now_ms;
   if (addr - m->vlo < m->vspan) {
      /* fast path: the whole access in one cell of the interval last hit */
      const struct pv_vis *v = &m->vis[m->vis_hint];
      pv_u64 last = addr + (size ? size : 1) - 1;
      if (addr >= v->lo && last < v->hi && (addr >> m->cell_shift) == (last >> m->cell_shift)) {
         long idx = (long)((long long)((addr >> m->row_shift) + v->base) * m->cols
                           + ((addr >> m->cell_shift) & (m->cols - 1)));
         struct pv_cellinc *ci = &m->inc[idx];
         ci->r += rd * w;
         ci->w += wr * w;
         if (idx < m->inc_min) m->inc_min = idx;
         if (idx > m->inc_max) m->inc_max = idx;
      } else {
         pv_model_paint(m, rd * w, wr * w, 0, addr, size ? size : 1);
      }
   }
}

#endif
