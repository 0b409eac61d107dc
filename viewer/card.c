/* card.c -- the hover card's text (see card.h). */
#include "card.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pv_stream.h"
#include "util.h"

void pv_card_add(struct pv_card *c, int style, const char *fmt, ...)
{
   if (c->n >= PV_CARD_LINES)
      return;
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(c->l[c->n].text, sizeof c->l[c->n].text, fmt, ap);
   va_end(ap);
   c->l[c->n].style = style;
   c->n++;
}

const char *pv_card_kind_name(unsigned kind)
{
   switch (kind) {
   case PV_LK_READ:   return "read";
   case PV_LK_WRITE:  return "write";
   case PV_LK_MODIFY: return "modify";
   case PV_LK_KREAD:  return "kernel read";
   case PV_LK_KWRITE: return "kernel write";
   default:           return "none";
   }
}

const char *pv_card_syscall_name(pv_u32 nr)
{
   static const struct { pv_u32 nr; const char *name; } tab[] = {
      { 0, "read" }, { 1, "write" }, { 2, "open" }, { 4, "stat" }, { 5, "fstat" },
      { 7, "poll" }, { 9, "mmap" }, { 13, "rt_sigaction" }, { 14, "rt_sigprocmask" },
      { 16, "ioctl" }, { 17, "pread64" }, { 18, "pwrite64" }, { 19, "readv" },
      { 20, "writev" }, { 23, "select" }, { 35, "nanosleep" }, { 38, "setitimer" },
      { 41, "socket" }, { 42, "connect" }, { 44, "sendto" }, { 45, "recvfrom" },
      { 46, "sendmsg" }, { 47, "recvmsg" }, { 56, "clone" }, { 59, "execve" },
      { 61, "wait4" }, { 63, "uname" }, { 72, "fcntl" }, { 78, "getdents" },
      { 79, "getcwd" }, { 89, "readlink" }, { 96, "gettimeofday" }, { 97, "getrlimit" },
      { 202, "futex" }, { 217, "getdents64" }, { 228, "clock_gettime" },
      { 230, "clock_nanosleep" }, { 257, "openat" }, { 262, "newfstatat" },
      { 270, "pselect6" }, { 271, "ppoll" }, { 281, "epoll_pwait" },
      { 293, "pipe2" }, { 302, "prlimit64" }, { 318, "getrandom" }, { 332, "statx" },
      { 334, "rseq" }, { 435, "clone3" },
   };
   for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
      if (tab[i].nr == nr)
         return tab[i].name;
   return NULL;
}

static const char *site_text(struct pv_model *m, pv_u32 id, char *buf, size_t n)
{
   const struct pv_site *s = pv_symtab_site(&m->sym, id);
   if (!s) {
      if (id)
         snprintf(buf, n, "site #%u (not described)", id);
      else
         snprintf(buf, n, "unknown site");
      return buf;
   }
   pv_site_format(s, buf, n);
   return buf;
}

static void stack_lines(struct pv_card *c, struct pv_model *m, pv_u32 stack, const char *what)
{
   pv_u32 depth = 0;
   const pv_u32 *ids = pv_symtab_stack(&m->sym, stack, &depth);
   char buf[256];
   if (!ids || depth == 0) {
      pv_card_add(c, PV_CS_DIM, "  %s: %s", what, stack ? "stack not described" : "no stack");
      return;
   }
   /* innermost first, up to main: the frames below main are libc's start-up */
   unsigned shown = 0;
   for (pv_u32 i = 0; i < depth && shown < 8; i++, shown++) {
      pv_card_add(c, i == 0 ? PV_CS_TEXT : PV_CS_DIM, "  %s %s", i == 0 ? what : "    by",
          site_text(m, ids[i], buf, sizeof buf));
      const struct pv_site *s = pv_symtab_site(&m->sym, ids[i]);
      if (s && !strcmp(s->fn, "main")) {
         shown = depth;
         break;
      }
   }
   if (depth > shown)
      pv_card_add(c, PV_CS_DIM, "     ... %u more frames", depth - shown);
}

void pv_card_build(struct pv_card *c, struct pv_model *m, pv_u64 addr,
                   pv_u64 cell_lo, pv_u64 cell_hi, double now)
{
   char b1[64], b2[64], lbl[160], buf[256], prot[4];
   memset(c, 0, sizeof *c);
   pv_u64 cell = cell_hi - cell_lo;
   pv_card_add(c, PV_CS_TITLE, "0x%llx", (unsigned long long)addr);
   if (cell > 1)
      pv_card_add(c, PV_CS_DIM, "cell 0x%llx-0x%llx (%s)", (unsigned long long)cell_lo,
          (unsigned long long)cell_hi, pv_fmt_bytes(b1, sizeof b1, cell));

   int r = pv_regions_find(&m->regions, addr);
   if (r >= 0) {
      const struct pv_region *g = &m->regions.r[r];
      pv_card_add(c, PV_CS_TEXT, "region  %s  %s  %s", pv_region_label(&m->regions, (unsigned)r, lbl, sizeof lbl),
          pv_prot_string(g->prot, prot), pv_fmt_bytes(b1, sizeof b1, g->end - g->start));
      pv_card_add(c, PV_CS_DIM, "        0x%llx-0x%llx  +0x%llx", (unsigned long long)g->start,
          (unsigned long long)g->end, (unsigned long long)(addr - g->start));
   } else {
      pv_card_add(c, PV_CS_DIM, "region  (not mapped)");
   }
   const struct pv_named *nm = pv_regions_named_at(&m->regions, addr);
   if (nm)
      pv_card_add(c, PV_CS_ACCENT, "name    %s  (+0x%llx of %s)", nm->name,
          (unsigned long long)(addr - nm->start), pv_fmt_bytes(b1, sizeof b1, nm->end - nm->start));

   /* heap block: the one containing ADDR, else the first one in the cell */
   const struct pv_block *blk = pv_heap_find(&m->heap, addr);
   if (!blk && cell > 1) {
      for (pv_u64 a = cell_lo; a < cell_hi && !blk; a += 16)
         blk = pv_heap_find(&m->heap, a);
   }
   if (blk) {
      const char *kind = pv_alloc_kind_name(blk->kind);
      pv_card_add(c, PV_CS_ACCENT, "block   0x%llx  %llu bytes  %s  thread %u",
          (unsigned long long)blk->addr, (unsigned long long)blk->size, kind ? kind : "?",
          blk->tid);
      if (addr >= blk->addr)
         pv_card_add(c, PV_CS_DIM, "        offset +%llu, allocation #%u",
             (unsigned long long)(addr - blk->addr), blk->seq);
      stack_lines(c, m, blk->stack, "allocated at");
   } else {
      const struct pv_freed *f = pv_heap_find_freed(&m->heap, addr);
      if (f) {
         pv_card_add(c, PV_CS_WARN, "freed   0x%llx  %llu bytes  %.1f s ago",
             (unsigned long long)f->addr, (unsigned long long)f->size,
             now - f->when > 0 ? now - f->when : 0.0);
         stack_lines(c, m, f->stack, "allocated at");
      } else if (r >= 0 && m->regions.r[r].kind == PV_MAP_HEAP) {
         pv_card_add(c, PV_CS_DIM, "block   (no live heap block here)");
      }
   }

   /* last access and counts over the lines of the cell: the line of ADDR,
    * or in a cell of several lines the one accessed last */
   pv_u64 l0 = cell_lo >> PV_LINE_SHIFT, l1 = (cell_hi - 1) >> PV_LINE_SHIFT;
   if (cell <= 1)
      l0 = l1 = addr >> PV_LINE_SHIFT;
   pv_u64 reads = 0, writes = 0;
   const struct pv_line *last = NULL;
   pv_u64 last_line = addr >> PV_LINE_SHIFT;
   if (l0 == l1) {
      last = pv_stats_line(&m->stats, l0 << PV_LINE_SHIFT);
      last_line = l0;
   }
   for (pv_u64 l = l0; l <= l1 && l - l0 < 4096; l++) {
      const struct pv_line *x = pv_stats_line(&m->stats, l << PV_LINE_SHIFT);
      if (!x)
         continue;
      reads += x->reads;
      writes += x->writes;
      if (l0 != l1 && x->t_ms && (!last || (pv_s32)(x->t_ms - last->t_ms) > 0)) {
         last = x;
         last_line = l;
      }
   }
   if (last && !(last->reads | last->writes))
      last = NULL;
   if (last) {
      double ago = (double)(pv_u32)(m->now_ms - last->t_ms) / 1000.0;
      pv_card_add(c, PV_CS_TEXT, "last    %s, %u%s bytes, thread %u, %.1f s ago",
          pv_card_kind_name(PV_LINE_KIND(last)), last->size, last->size == 255 ? "+" : "",
          last->tid, ago < 0 ? 0.0 : ago);
      if (l0 != l1)
         pv_card_add(c, PV_CS_DIM, "        in line 0x%llx", (unsigned long long)(last_line << PV_LINE_SHIFT));
      if (PV_LINE_KIND(last) == PV_LK_KREAD || PV_LINE_KIND(last) == PV_LK_KWRITE) {
         const char *sc = pv_card_syscall_name(last->site);
         if (last->site == 0xFFFFFFFFu)
            pv_card_add(c, PV_CS_TEXT, "  by    the kernel (not a system call)");
         else
            pv_card_add(c, PV_CS_TEXT, "  by    system call %u%s%s%s", last->site, sc ? " (" : "",
                sc ? sc : "", sc ? ")" : "");
      } else {
         pv_card_add(c, PV_CS_TEXT, "  at    %s", site_text(m, last->site, buf, sizeof buf));
      }
   } else {
      pv_card_add(c, PV_CS_DIM, "last    never accessed");
   }
   pv_card_add(c, PV_CS_TEXT, "counts  %s%s reads, %s writes%s", m->n_sampled ? "~" : "",
       pv_fmt_count(b1, sizeof b1, (double)reads),
       pv_fmt_count(b2, sizeof b2, (double)writes),
       l1 > l0 ? "  (whole cell)" : "  (64-byte line)");
}
