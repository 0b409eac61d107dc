/* fakeprog.c -- a TEST PRODUCER for pervert-view: it plays the part of
 * `valgrind --tool=pervert PROGRAM`.  It creates a ring in /dev/shm exactly
 * as pv_proto.h describes (O_CREAT|O_EXCL 0600, control page, power-of-two
 * data area), starts the viewer command with the ring path as its last
 * argument, waits for it to attach, writes a scripted stream of records
 * (scenario) with known addresses, sites and stacks, writes EXIT, and waits
 * for the viewer.  When the viewer leaves early (PV_CONS_GONE) it goes on
 * discarding, as the tool does, and still prints its "program output".
 *
 * usage: fakeprog SCENARIO [--seconds=S] [--tail=S] [--rate=N] [--ring=BYTES]
 *                 [--busy] [--no-wait] -- VIEWER [ARGS...]
 *   --busy: bench/churn spin between batches instead of sleeping, keeping a
 *           whole core busy the way a program under Valgrind does
 *
 * scenarios (addresses are fixed; see the code):
 *   seqwrite   8-byte stores sweeping a 64 KiB heap block in address order
 *   readpass   8-byte loads over a 64 KiB heap block (no writes)
 *   free       two 16 KiB blocks written, the first one freed
 *   decay      a block written, then silence (--tail) so the heat dies
 *   hover      a 256-byte block with a two-frame allocation stack, one store
 *              and one load with known sites
 *   kernel     read() into a buffer (kernel write), write() from it (kernel read)
 *   bench      --rate accesses per second for --seconds (sweeps, random hot
 *              set, stack; some malloc/free); reports the achieved rate and
 *              how long the producer waited for room in the ring
 *   churn      like bench, plus mmap/munmap and malloc/free churn at moving
 *              addresses; reports the viewer's resident memory every second
 *   demo       a realistic address space (exe, libc, ld.so, heap, stack,
 *              a thread stack, anonymous mmap, a named range) with phases
 *
 * Prints "fakeprog: ..." lines on stderr and the scenario's result line on
 * stdout ("fakeprog SCENARIO done accesses=N checksum=X").  Exit status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pv_proto.h"

/* ---- the ring ---------------------------------------------------------- */

static struct pv_ctrl *ctrl;
static pv_u8 *data;
static pv_u64 dsize, head;
static char ring_path[128];
static pid_t viewer = -1;
static int discard;                 /* consumer gone: drop everything */
static double waited_s;             /* time spent waiting for room */
static pv_u64 n_access, checksum;

static double now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *fmt, ...)
{
   va_list ap;
   va_start(ap, fmt);
   fprintf(stderr, "fakeprog: ");
   vfprintf(stderr, fmt, ap);
   fprintf(stderr, "\n");
   va_end(ap);
   if (ring_path[0])
      unlink(ring_path);
   exit(3);
}

static void ring_create(pv_u64 size)
{
   snprintf(ring_path, sizeof ring_path, "/dev/shm/pervert-fake-%d", (int)getpid());
   int fd = open(ring_path, O_CREAT | O_EXCL | O_RDWR, 0600);
   if (fd < 0)
      die("open %s: %s", ring_path, strerror(errno));
   if (ftruncate(fd, PV_CTRL_SIZE + size) != 0)
      die("ftruncate: %s", strerror(errno));
   void *m = mmap(NULL, PV_CTRL_SIZE + size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
   if (m == MAP_FAILED)
      die("mmap: %s", strerror(errno));
   close(fd);
   ctrl = m;
   data = (pv_u8 *)m + PV_CTRL_SIZE;
   dsize = size;
   ctrl->version = PV_PROTO_VERSION;
   ctrl->ctrl_size = PV_CTRL_SIZE;
   ctrl->data_size = size;
   ctrl->producer_pid = (pv_u32)getpid();
   ctrl->flags = PV_INFO_TRACK_HEAP | PV_INFO_TRACING;
   __atomic_store_n(&ctrl->magic, PV_MAGIC, __ATOMIC_RELEASE);
}

static unsigned cons_state(void)
{
   return __atomic_load_n(&ctrl->consumer_state, __ATOMIC_ACQUIRE);
}

static void check_consumer(void)
{
   unsigned st = cons_state();
   if (st == PV_CONS_GONE || st == PV_CONS_FINISHED || st == PV_CONS_REJECTED) {
      if (!discard)
         fprintf(stderr, "fakeprog: consumer left (state %u): discarding from now on\n", st);
      discard = 1;
      return;
   }
   if (viewer > 0) {
      int status;
      if (waitpid(viewer, &status, WNOHANG) == viewer) {
         fprintf(stderr, "fakeprog: viewer exited (status 0x%x) without detaching\n", status);
         viewer = -1;
         discard = 1;
      }
   }
}

static void publish(void)
{
   __atomic_store_n(&ctrl->head, head, __ATOMIC_RELEASE);
}

/* Room for N bytes at head without wrapping (pads the end when needed). */
static int room(pv_u64 n)
{
   for (;;) {
      if (discard)
         return 0;
      pv_u64 tail = __atomic_load_n(&ctrl->tail, __ATOMIC_ACQUIRE);
      pv_u64 pos = head & (dsize - 1);
      pv_u64 need = n;
      if (pos + n > dsize)
         need = (dsize - pos) + n;
      if (head + need - tail <= dsize) {
         if (pos + n > dsize) {
            pv_u64 h = PV_HDR(PV_REC_PAD, 1, 0, 0);
            memcpy(data + pos, &h, 8);
            head += dsize - pos;
         }
         return 1;
      }
      publish();
      double t0 = now_s();
      struct timespec ts = { 0, 50000 };
      nanosleep(&ts, NULL);
      waited_s += now_s() - t0;
      check_consumer();
   }
}

static void put(const void *rec, size_t n)
{
   if (discard || !room(n))
      return;
   memcpy(data + (head & (dsize - 1)), rec, n);
   head += n;
}

/* ---- records ----------------------------------------------------------- */

static pv_u64 pending;                 /* accesses since the last publish */

static void acc(unsigned type, pv_u64 addr, unsigned size, pv_u32 site)
{
   pv_u64 r[2] = { PV_HDR(type, 0, size, site), addr };
   n_access++;
   checksum = checksum * 31 + addr + type;
   put(r, 16);
   if (++pending >= 4096) {
      pending = 0;
      publish();
      if ((n_access & 0xFFFF) == 0)
         check_consumer();
   }
}

static void var(unsigned type, unsigned sub, pv_u32 a32, const pv_u64 *w, int nw,
                const char *const *strs, int ns)
{
   pv_u8 buf[4096];
   memset(buf, 0, sizeof buf);
   size_t off = 8 + 8 * (size_t)nw;
   memcpy(buf + 8, w, 8 * (size_t)nw);
   for (int i = 0; i < ns; i++) {
      size_t l = strlen(strs[i]) + 1;
      if (off + l > sizeof buf - 8)
         break;
      memcpy(buf + off, strs[i], l);
      off += l;
   }
   off = PV_ALIGN8(off);
   pv_u64 h = PV_HDR(type, sub, off / 8, a32);
   memcpy(buf, &h, 8);
   put(buf, off);
}

static void rec_info(const char *prog, const char *arg)
{
   pv_u64 w[3] = { (pv_u64)time(NULL) * 1000000000ull, PV_INFO_TRACK_HEAP | PV_INFO_TRACING, 8 };
   const char *s[3] = { prog, arg ? arg : "", "" };
   var(PV_REC_INFO, 0, (pv_u32)getpid(), w, 3, s, arg ? 3 : 2);
}

static void rec_map(unsigned kind, unsigned prot, pv_u64 start, pv_u64 len, const char *name)
{
   pv_u64 w[3] = { start, len, 0 };
   const char *s[1] = { name };
   var(PV_REC_MAP, kind, prot, w, 3, s, 1);
}

static void rec_unmap(pv_u64 start, pv_u64 len)
{
   pv_u64 w[2] = { start, len };
   var(PV_REC_UNMAP, 0, 0, w, 2, NULL, 0);
}

static void rec_site(pv_u32 id, pv_u64 addr, pv_u32 line, const char *fn, const char *file,
                     const char *obj)
{
   size_t sb = strlen(fn) + strlen(file) + strlen(obj) + 4;
   pv_u64 w[2] = { addr, (pv_u64)line | ((pv_u64)sb << 32) };
   const char *s[4] = { fn, file, "/src", obj };
   var(PV_REC_SITE, 0, id, w, 2, s, 4);
}

static void rec_stack(pv_u32 id, int depth, const pv_u32 *ids)
{
   pv_u8 buf[512];
   memset(buf, 0, sizeof buf);
   size_t n = PV_ALIGN8(8 + 4 * (size_t)depth);
   pv_u64 h = PV_HDR(PV_REC_STACK, depth, n / 8, id);
   memcpy(buf, &h, 8);
   memcpy(buf + 8, ids, 4 * (size_t)depth);
   put(buf, n);
}

static void rec_alloc(pv_u64 addr, pv_u64 size, pv_u32 stack)
{
   pv_u64 w[3] = { addr, size, stack };
   var(PV_REC_ALLOC, PV_ALLOC_MALLOC, 1, w, 3, NULL, 0);
}

static void rec_free(pv_u64 addr, pv_u64 size, pv_u32 stack)
{
   pv_u64 w[3] = { addr, size, stack };
   var(PV_REC_FREE, PV_ALLOC_FREE, 1, w, 3, NULL, 0);
}

static void rec_simple(unsigned type, pv_u32 a32, pv_u64 w1, pv_u64 w2, int nw)
{
   pv_u64 w[2] = { w1, w2 };
   var(type, 0, a32, w, nw, NULL, 0);
}

static void rec_name(pv_u64 start, pv_u64 len, const char *name)
{
   pv_u64 w[2] = { start, len };
   const char *s[1] = { name };
   var(PV_REC_NAME, 0, 1, w, 2, s, 1);
}

static void rec_kaccess(int write, pv_u64 addr, pv_u64 size, pv_u32 sysno)
{
   pv_u64 w[2] = { addr, size };
   var(write ? PV_REC_KWRITE : PV_REC_KREAD, 0, sysno, w, 2, NULL, 0);
}

static void sleep_s(double s)
{
   publish();
   double end = now_s() + s;
   while (now_s() < end) {
      struct timespec ts = { 0, 2000000 };
      nanosleep(&ts, NULL);
      check_consumer();
   }
}

/* ---- a standard address space ------------------------------------------ */

#define EXE      0x400000ull
#define HEAP     0x1000000ull
#define HEAP_LEN 0x100000ull
#define LIBC     0x7f0000000000ull
#define STACK    0x7ffffffde000ull
#define STACK_LEN 0x21000ull
#define BLOCK    (HEAP + 0x10)

static void space(const char *prog)
{
   rec_info(prog, NULL);
   rec_map(PV_MAP_CODE, PV_PROT_READ | PV_PROT_EXEC, EXE, 0x1000, "/usr/bin/fake");
   rec_map(PV_MAP_DATA, PV_PROT_READ | PV_PROT_WRITE, EXE + 0x1000, 0x1000, "/usr/bin/fake");
   rec_map(PV_MAP_HEAP, PV_PROT_READ | PV_PROT_WRITE, HEAP, HEAP_LEN, "[heap]");
   rec_map(PV_MAP_STACK, PV_PROT_READ | PV_PROT_WRITE, STACK, STACK_LEN, "[stack]");
   rec_simple(PV_REC_THREAD, 1, 0, 0, 0);
   rec_site(1, EXE + 0x100, 12, "fill", "fake.c", "/usr/bin/fake");
   rec_site(2, EXE + 0x200, 30, "main", "fake.c", "/usr/bin/fake");
   rec_site(3, EXE + 0x180, 18, "sum", "fake.c", "/usr/bin/fake");
   pv_u32 st[2] = { 2, 0 };
   rec_stack(1, 1, st);
   publish();
}

/* Spread N accesses over S seconds, in ticks of 2 ms. */
struct pace { double t0, s; pv_u64 n, done; };

static void pace_wait(struct pace *p)
{
   publish();
   double target = p->t0 + p->s * (double)p->done / (double)(p->n ? p->n : 1);
   while (now_s() < target) {
      struct timespec ts = { 0, 500000 };
      nanosleep(&ts, NULL);
   }
   check_consumer();
}

/* ---- scenarios ---------------------------------------------------------- */

static double opt_seconds = 1.0, opt_tail = 0.3, opt_rate = 20e6;
static int opt_busy;

static void sc_sweep(unsigned type, const char *name)
{
   space(name);
   rec_alloc(BLOCK, 65536, 1);
   sleep_s(0.3);                               /* let the viewer settle */
   struct pace p = { now_s(), opt_seconds, 65536 / 8, 0 };
   for (pv_u64 off = 0; off < 65536; off += 8) {
      acc(type, BLOCK + off, 8, type == PV_REC_LOAD ? 3 : 1);
      if ((++p.done & 63) == 0)
         pace_wait(&p);
   }
   sleep_s(opt_tail);
}

static void sc_free(void)
{
   space("free");
   rec_alloc(BLOCK, 16384, 1);
   rec_alloc(BLOCK + 0x8000, 16384, 1);
   sleep_s(0.3);
   for (pv_u64 off = 0; off < 16384; off += 64) {
      acc(PV_REC_STORE, BLOCK + off, 8, 1);
      acc(PV_REC_STORE, BLOCK + 0x8000 + off, 8, 1);
   }
   sleep_s(0.2);
   rec_free(BLOCK, 16384, 1);
   sleep_s(opt_tail);
}

static void sc_decay(void)
{
   space("decay");
   rec_alloc(BLOCK, 16384, 1);
   sleep_s(0.3);
   for (int pass = 0; pass < 4; pass++)
      for (pv_u64 off = 0; off < 16384; off += 8)
         acc(PV_REC_STORE, BLOCK + off, 8, 1);
   sleep_s(opt_tail);
}

static void sc_hover(void)
{
   space("hover");
   rec_site(10, EXE + 0x300, 21, "make_buffer", "hover.c", "/usr/bin/fake");
   rec_site(11, EXE + 0x380, 40, "main", "hover.c", "/usr/bin/fake");
   rec_site(12, EXE + 0x400, 27, "fill_buffer", "hover.c", "/usr/bin/fake");
   rec_site(13, EXE + 0x480, 33, "sum_buffer", "hover.c", "/usr/bin/fake");
   pv_u32 st[2] = { 10, 11 };
   rec_stack(5, 2, st);
   rec_alloc(HEAP + 0x40, 256, 5);
   rec_alloc(HEAP + 0x200, 512, 1);
   sleep_s(0.2);
   rec_simple(PV_REC_THREAD, 2, 0, 0, 0);
   acc(PV_REC_LOAD, HEAP + 0x80, 8, 13);
   acc(PV_REC_STORE, HEAP + 0x88, 8, 12);
   acc(PV_REC_STORE, HEAP + 0x90, 8, 12);
   acc(PV_REC_STORE, HEAP + 0x98, 4, 12);
   rec_simple(PV_REC_THREAD, 1, 0, 0, 0);
   sleep_s(opt_tail);
}

static void sc_kernel(void)
{
   space("kernel");
   rec_alloc(BLOCK, 8192, 1);
   sleep_s(0.3);
   rec_kaccess(1, BLOCK, 4096, 0);             /* read(fd, buf, 4096) */
   rec_kaccess(0, BLOCK + 4096, 4096, 1);      /* write(fd, buf + 4096, 4096) */
   sleep_s(opt_tail);
}

static pv_u64 rng = 88172645463325252ull;
static pv_u64 xrand(void)
{
   rng ^= rng << 13;
   rng ^= rng >> 7;
   rng ^= rng << 17;
   return rng;
}

static long rss_kib(pid_t pid)
{
   char p[64], line[256];
   snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
   FILE *f = fopen(p, "r");
   long v = -1;
   if (!f)
      return -1;
   while (fgets(line, sizeof line, f))
      if (sscanf(line, "VmRSS: %ld", &v) == 1)
         break;
   fclose(f);
   return v;
}

static void sc_bench(int churn)
{
   space(churn ? "churn" : "bench");
   const pv_u64 big = 0x10000000ull, big_len = 64ull << 20;
   rec_map(PV_MAP_ANON, PV_PROT_READ | PV_PROT_WRITE, big, big_len, "anonymous");
   rec_alloc(big, big_len - 4096, 1);
   sleep_s(0.3);
   double t0 = now_s(), next_report = t0 + 1;
   pv_u64 target_total = (pv_u64)(opt_rate * opt_seconds);
   pv_u64 sweep = 0, done = 0, mmap_at = 0x20000000ull;
   pv_u64 tick = (pv_u64)(opt_rate / 1000);  /* per millisecond */
   if (tick < 64) tick = 64;
   double waited0 = waited_s;
   while (done < target_total) {          /* like the real program: on to the end */
      for (pv_u64 i = 0; i < tick; i++) {
         pv_u64 r = xrand();
         unsigned k = (unsigned)(r & 15);
         if (k < 10) {
            acc(k < 6 ? PV_REC_LOAD : PV_REC_STORE, big + sweep, 8, 1);
            sweep = (sweep + 8) & (big_len - 8);
         } else if (k < 14) {
            acc((r >> 8) & 1 ? PV_REC_LOAD : PV_REC_MODIFY, big + ((r >> 16) & 0xFFFF8), 8, 3);
         } else {
            acc(PV_REC_STORE, STACK + STACK_LEN - 256 + ((r >> 20) & 0xF8), 8, 2);
         }
      }
      done += tick;
      if (churn && (done / tick) % 8 == 0) {
         /* heap churn at moving addresses, mmap churn */
         pv_u64 a = HEAP + ((xrand() >> 20) & (HEAP_LEN - 1) & ~0xFull);
         rec_alloc(a, 48, 1);
         acc(PV_REC_STORE, a, 8, 1);
         rec_free(a, 48, 1);
         rec_map(PV_MAP_ANON, PV_PROT_READ | PV_PROT_WRITE, mmap_at, 1 << 20, "anonymous");
         acc(PV_REC_STORE, mmap_at + 4096, 8, 1);
         rec_unmap(mmap_at, 1 << 20);
         mmap_at += 1 << 20;
         if (mmap_at > 0x60000000ull)
            mmap_at = 0x20000000ull;
      }
      publish();
      /* keep to the rate (--busy: spinning, as a program under Valgrind
       * keeps its core busy) */
      double want = t0 + (double)done / opt_rate;
      while (now_s() < want) {
         if (opt_busy)
            continue;
         struct timespec ts = { 0, 200000 };
         nanosleep(&ts, NULL);
      }
      if (now_s() >= next_report) {
         next_report += 1;
         check_consumer();
         if (churn && viewer > 0)
            fprintf(stderr, "fakeprog: t=%.0fs viewer rss %ld KiB\n", now_s() - t0, rss_kib(viewer));
      }
   }
   double el = now_s() - t0;
   fprintf(stderr, "fakeprog: %s: %.2f M accesses/s for %.1f s (wanted %.2f M/s); "
           "waited for room %.3f s (%.1f%%)\n", churn ? "churn" : "bench",
           (double)done / el / 1e6, el, opt_rate / 1e6, waited_s - waited0,
           100.0 * (waited_s - waited0) / el);
   sleep_s(opt_tail);
}

static void sc_demo(void)
{
   rec_info("./demo", "--phases");
   rec_map(PV_MAP_CODE, PV_PROT_READ | PV_PROT_EXEC, EXE, 0x2000, "/home/user/demo");
   rec_map(PV_MAP_RODATA, PV_PROT_READ, EXE + 0x2000, 0x1000, "/home/user/demo");
   rec_map(PV_MAP_DATA, PV_PROT_READ | PV_PROT_WRITE, EXE + 0x3000, 0x1000, "/home/user/demo");
   rec_map(PV_MAP_BSS, PV_PROT_READ | PV_PROT_WRITE, EXE + 0x4000, 0x3000, "demo .bss");
   rec_map(PV_MAP_HEAP, PV_PROT_READ | PV_PROT_WRITE, HEAP, 0x40000, "[heap]");
   rec_map(PV_MAP_CODE, PV_PROT_READ | PV_PROT_EXEC, LIBC, 0x20000, "/usr/lib/x86_64-linux-gnu/libc.so.6");
   rec_map(PV_MAP_RODATA, PV_PROT_READ, LIBC + 0x20000, 0x4000, "/usr/lib/x86_64-linux-gnu/libc.so.6");
   rec_map(PV_MAP_DATA, PV_PROT_READ | PV_PROT_WRITE, LIBC + 0x24000, 0x2000, "/usr/lib/x86_64-linux-gnu/libc.so.6");
   rec_map(PV_MAP_BSS, PV_PROT_READ | PV_PROT_WRITE, LIBC + 0x26000, 0x3000, "libc.so.6 .bss");
   rec_map(PV_MAP_ANON, PV_PROT_READ | PV_PROT_WRITE, 0x7f0000100000ull, 0x21000, "anonymous");
   rec_map(PV_MAP_ANON, 0, 0x7f0000200000ull, 0x1000, "anonymous");   /* guard page */
   rec_map(PV_MAP_ANON, PV_PROT_READ | PV_PROT_WRITE, 0x7f0000201000ull, 0x10000, "anonymous");
   rec_map(PV_MAP_STACK, PV_PROT_READ | PV_PROT_WRITE, STACK, STACK_LEN, "[stack]");
   rec_simple(PV_REC_THREAD_STACK, 2, 0x7f0000201000ull, 0x7f0000211000ull, 2);
   rec_simple(PV_REC_THREAD, 1, 0, 0, 0);
   rec_site(1, EXE + 0x100, 14, "fill_table", "demo.c", "/home/user/demo");
   rec_site(2, EXE + 0x200, 61, "main", "demo.c", "/home/user/demo");
   rec_site(3, EXE + 0x180, 27, "lookup", "demo.c", "/home/user/demo");
   rec_site(4, EXE + 0x1a0, 40, "new_node", "demo.c", "/home/user/demo");
   rec_site(5, EXE + 0x1c0, 48, "worker", "demo.c", "/home/user/demo");
   pv_u32 s1[2] = { 1, 2 }, s2[2] = { 4, 2 };
   rec_stack(1, 2, s1);
   rec_stack(2, 2, s2);
   rec_name(EXE + 0x4000, 0x1000, "lookup_cache");
   publish();
   const pv_u64 table = HEAP + 0x2010;
   rec_alloc(table, 0x18000, 1);
   sleep_s(0.2);
   double t0 = now_s();
   /* each phase takes --seconds */
   /* phase 1: sequential fill of the table */
   struct pace p = { now_s(), opt_seconds, 0x18000 / 8, 0 };
   for (pv_u64 off = 0; off < 0x18000; off += 8) {
      acc(PV_REC_STORE, table + off, 8, 1);
      if ((++p.done & 63) == 0)
         pace_wait(&p);
   }
   /* phase 2: strided lookups (reads) over the table, a cache in .bss, the stack */
   p = (struct pace){ now_s(), opt_seconds, 60000, 0 };
   for (int i = 0; i < 60000; i++) {
      pv_u64 r = xrand();
      acc(PV_REC_LOAD, table + ((pv_u64)i * 200) % 0x18000, 8, 3);
      acc(PV_REC_MODIFY, EXE + 0x4000 + ((r >> 8) & 0x3F8), 8, 3);
      acc(PV_REC_LOAD, STACK + STACK_LEN - 0x200 + ((r >> 30) & 0x78), 8, 3);
      if ((++p.done & 255) == 0)
         pace_wait(&p);
   }
   /* phase 3: a linked structure: many small blocks, some freed */
   pv_u64 node = HEAP + 0x1c000;
   p = (struct pace){ now_s(), opt_seconds, 300, 0 };
   for (int i = 0; i < 300; i++) {
      pv_u64 a = node + (pv_u64)i * 0x60;
      rec_alloc(a, 0x50, 2);
      acc(PV_REC_STORE, a, 8, 4);
      acc(PV_REC_STORE, a + 8, 8, 4);
      acc(PV_REC_LOAD, table + (pv_u64)i * 64, 8, 4);
      if (i % 3 == 1)
         rec_free(a - 0x60, 0x50, 2);
      if ((++p.done & 7) == 0)
         pace_wait(&p);
   }
   /* a thread works on its stack and reads a file into the heap */
   rec_simple(PV_REC_THREAD, 2, 0, 0, 0);
   p = (struct pace){ now_s(), opt_seconds / 2, 20000, 0 };
   for (int i = 0; i < 20000; i++) {
      acc(i & 1 ? PV_REC_STORE : PV_REC_LOAD, 0x7f0000211000ull - 0x400 + (pv_u64)(i & 0x7F) * 8, 8, 5);
      if ((++p.done & 255) == 0)
         pace_wait(&p);
   }
   rec_kaccess(1, HEAP + 0x30000, 0x4000, 0);
   rec_simple(PV_REC_THREAD, 1, 0, 0, 0);
   fprintf(stderr, "fakeprog: demo phases took %.2f s\n", now_s() - t0);
   sleep_s(opt_tail);
}

int main(int argc, char **argv)
{
   int i = 1, nowait = 0;
   pv_u64 ring_size = 16u << 20;
   if (argc < 2)
      die("usage: fakeprog SCENARIO [options] -- VIEWER [ARGS...]");
   const char *sc = argv[i++];
   for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
      if (strncmp(argv[i], "--seconds=", 10) == 0) opt_seconds = atof(argv[i] + 10);
      else if (strncmp(argv[i], "--tail=", 7) == 0) opt_tail = atof(argv[i] + 7);
      else if (strncmp(argv[i], "--rate=", 7) == 0) opt_rate = atof(argv[i] + 7);
      else if (strncmp(argv[i], "--ring=", 7) == 0) ring_size = strtoull(argv[i] + 7, NULL, 0);
      else if (strcmp(argv[i], "--no-wait") == 0) nowait = 1;
      else if (strcmp(argv[i], "--busy") == 0) opt_busy = 1;
      else die("unknown option %s", argv[i]);
   }
   if (i >= argc - 1)
      die("no viewer command after --");
   i++;
   signal(SIGPIPE, SIG_IGN);
   ring_create(ring_size);
   /* the viewer: its arguments, then the ring path */
   int vargc = argc - i;
   char **vargv = calloc((size_t)vargc + 2, sizeof *vargv);
   for (int k = 0; k < vargc; k++)
      vargv[k] = argv[i + k];
   vargv[vargc] = ring_path;
   viewer = fork();
   if (viewer < 0)
      die("fork: %s", strerror(errno));
   if (viewer == 0) {
      execvp(vargv[0], vargv);
      fprintf(stderr, "fakeprog: cannot run %s: %s\n", vargv[0], strerror(errno));
      _exit(127);
   }
   /* wait for the consumer */
   double t0 = now_s();
   while (cons_state() == PV_CONS_NONE) {
      int status;
      if (waitpid(viewer, &status, WNOHANG) == viewer) {
         viewer = -1;
         fprintf(stderr, "fakeprog: viewer exited before attaching\n");
         discard = 1;
         break;
      }
      if (now_s() - t0 > 30) {
         fprintf(stderr, "fakeprog: no consumer after 30 s\n");
         discard = 1;
         break;
      }
      usleep(1000);
   }
   unlink(ring_path);                    /* the viewer does it too */
   ring_path[0] = 0;
   __atomic_store_n(&ctrl->producer_state, PV_PROD_RUNNING, __ATOMIC_RELEASE);
   check_consumer();

   if (!strcmp(sc, "seqwrite")) sc_sweep(PV_REC_STORE, "seqwrite");
   else if (!strcmp(sc, "readpass")) sc_sweep(PV_REC_LOAD, "readpass");
   else if (!strcmp(sc, "free")) sc_free();
   else if (!strcmp(sc, "decay")) sc_decay();
   else if (!strcmp(sc, "hover")) sc_hover();
   else if (!strcmp(sc, "kernel")) sc_kernel();
   else if (!strcmp(sc, "bench")) sc_bench(0);
   else if (!strcmp(sc, "churn")) sc_bench(1);
   else if (!strcmp(sc, "demo")) sc_demo();
   else die("unknown scenario %s", sc);

   /* the end: EXIT record, producer state */
   pv_u64 ex = PV_HDR(PV_REC_EXIT, 0, 1, 0);
   put(&ex, 8);
   publish();
   ctrl->exit_status = 0;
   __atomic_store_n(&ctrl->producer_state, PV_PROD_EXITED, __ATOMIC_RELEASE);
   printf("fakeprog %s done accesses=%llu checksum=%llx\n", sc, (unsigned long long)n_access,
          (unsigned long long)checksum);
   fflush(stdout);
   int vstatus = -1;
   if (viewer > 0 && !nowait) {
      double t1 = now_s();
      while (now_s() - t1 < 60) {
         if (waitpid(viewer, &vstatus, WNOHANG) == viewer) {
            viewer = -1;
            break;
         }
         usleep(2000);
      }
      if (viewer > 0) {
         fprintf(stderr, "fakeprog: viewer still running after 60 s: killing it\n");
         kill(viewer, SIGKILL);
         waitpid(viewer, &vstatus, 0);
      }
   }
   fprintf(stderr, "fakeprog: %s: %llu accesses, waited %.3f s for room, consumer state %u, "
           "viewer status %d\n", sc, (unsigned long long)n_access, waited_s, cons_state(),
           vstatus >= 0 && WIFEXITED(vstatus) ? WEXITSTATUS(vstatus) : -1);
   return 0;
}
