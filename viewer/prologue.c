/* prologue.c -- state-of-the-run records for a recording started mid-run
 * (see prologue.h). */
#include "prologue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct recbuf {
   pv_u8 *p;
   size_t n, cap;
   int    oom;
};

/* Append a record: header (TYPE, SUB, A32), NW words W, then the bytes S
 * (SN of them), padded to 8. */
static void rec(struct recbuf *b, unsigned type, unsigned sub, pv_u32 a32,
                const pv_u64 *w, unsigned nw, const void *s, size_t sn)
{
   size_t len = (8 + 8 * (size_t)nw + sn + 7) & ~(size_t)7;
   if (len / 8 > 0xFFFF || b->oom)
      return;
   if (b->n + len > b->cap) {
      size_t nc = b->cap ? b->cap * 2 : 65536;
      while (nc < b->n + len)
         nc *= 2;
      pv_u8 *q = realloc(b->p, nc);
      if (!q) {
         b->oom = 1;
         return;
      }
      b->p = q;
      b->cap = nc;
   }
   pv_u8 *r = b->p + b->n;
   memset(r, 0, len);
   pv_u64 h = PV_HDR(type, sub, len / 8, a32);
   memcpy(r, &h, 8);
   if (nw)
      memcpy(r + 8, w, 8 * (size_t)nw);
   if (sn)
      memcpy(r + 8 + 8 * (size_t)nw, s, sn);
   b->n += len;
}

/* "a\0b\0" into BUF (at most N bytes); returns the length */
static size_t strs(char *buf, size_t n, const char *const *v, int k)
{
   size_t o = 0;
   for (int i = 0; i < k; i++) {
      size_t l = strlen(v[i]);
      if (o + l + 1 > n)
         break;
      memcpy(buf + o, v[i], l + 1);
      o += l + 1;
   }
   return o;
}

static void info(struct recbuf *b, const struct pv_model *m)
{
   /* the command line was joined with spaces: split it again */
   char cmd[sizeof m->cmdline + 2];
   size_t l = strlen(m->cmdline);
   memcpy(cmd, m->cmdline, l + 1);
   for (size_t i = 0; i < l; i++)
      if (cmd[i] == ' ')
         cmd[i] = 0;
   cmd[l + 1] = 0;                      /* the empty string that ends the list */
   pv_u64 w[3] = { m->start_ns, m->info_flags, 0 };
   rec(b, PV_REC_INFO, 0, m->pid, w, 3, cmd, l + 2);
}

static void alloc_one(void *ctx, const struct pv_block *blk)
{
   pv_u64 w[3] = { blk->addr, blk->size, blk->stack };
   rec(ctx, PV_REC_ALLOC, blk->kind, blk->tid, w, 3, NULL, 0);
}

int pv_prologue_write(struct pv_trace_writer *wr, const struct pv_model *m)
{
   struct recbuf b = { 0 };
   if (m->have_info)
      info(&b, m);
   const struct pv_symtab *t = &m->sym;
   for (pv_u32 id = 1; id <= t->max_site && id < t->cap_sites; id++) {
      const struct pv_site *s = &t->sites[id];
      if (!s->known)
         continue;
      char buf[4096];
      const char *v[4] = { s->fn, s->file, s->dir, s->obj };
      size_t sn = strs(buf, sizeof buf, v, 4);
      pv_u64 w[2] = { s->addr, (pv_u64)s->line | ((pv_u64)sn << 32) };
      rec(&b, PV_REC_SITE, 0, id, w, 2, buf, sn);
   }
   for (pv_u32 id = 1; id <= t->max_stack && id < t->cap_stacks; id++) {
      pv_u32 depth;
      const pv_u32 *ids = pv_symtab_stack(t, id, &depth);
      if (!ids || depth > 255)
         continue;
      rec(&b, PV_REC_STACK, depth, id, NULL, 0, ids, depth * sizeof *ids);
   }
   const struct pv_regions *rs = &m->regions;
   for (unsigned i = 0; i < rs->n; i++) {
      const struct pv_region *r = &rs->r[i];
      pv_u64 w[3] = { r->start, r->end - r->start, 0 };
      rec(&b, PV_REC_MAP, r->kind, r->prot, w, 3, r->name, strnlen(r->name, sizeof r->name) + 1);
   }
   for (unsigned i = 0; i < rs->nn; i++) {
      const struct pv_named *nm = &rs->nm[i];
      if (nm->is_stack) {
         pv_u64 w[2] = { nm->start, nm->end };
         rec(&b, PV_REC_THREAD_STACK, 0, nm->tid, w, 2, NULL, 0);
      } else {
         pv_u64 w[2] = { nm->start, nm->end - nm->start };
         rec(&b, PV_REC_NAME, 0, nm->tid, w, 2, nm->name, strnlen(nm->name, sizeof nm->name) + 1);
      }
   }
   pv_heap_visit(&m->heap, 0, ~0ull, alloc_one, &b);
   rec(&b, PV_REC_THREAD, 0, m->tid, NULL, 0, NULL, 0);
   int rc = 0;
   if (b.oom) {
      errno = ENOMEM;
      rc = -1;
   } else if (pv_trace_append(wr, b.p, b.n) != 0) {
      rc = -1;
   }
   free(b.p);
   return rc;
}
