/* ring_writer.c -- TEST PRODUCER for the pervert ring consumers.
 *
 * This is a unit test of the consumer side (shared/pv_ring.c,
 * shared/pv_symtab.c, pervert-dump), NOT the pervert tool: it creates ring
 * files the way the tool does (O_CREAT|O_EXCL 0600 in /dev/shm, ftruncate,
 * mmap, control page per pv_proto.h), writes hand-made records, publishes
 * head, sets producer_state, and checks what pervert-dump prints against
 * text it formats itself (with snprintf, independently of pervert-dump's
 * hand-written formatter).
 *
 * usage:
 *   ring_writer DUMP                    run all the tests against the
 *                                       pervert-dump binary DUMP
 *   ring_writer DUMP TEST...            run only the named tests
 *   ring_writer --bench DUMP N [RINGSIZE [DUMPARGS...]]
 *        a producer writes N access records as fast as it can into a ring
 *        of RINGSIZE bytes (default 16M, suffix K/M/G allowed) while
 *        pervert-dump DUMPARGS (default --count) consumes them with its
 *        output to /dev/null; prints records/s.
 *   ring_writer --bench-prefill DUMP N [DUMPARGS...]
 *        the ring holds all N records before pervert-dump starts: measures
 *        the consumer alone.
 *
 * Exit status 0 when every test passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pv_proto.h"

static const char *dump_path;
static char workdir[256];
static int failures, verbose;

/* ---- growable text buffer ---------------------------------------------- */

struct sbuf { char *p; size_t n, cap; };

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
   if (b->n + n + 1 > b->cap) {
      b->cap = (b->n + n + 1) * 2;
      b->p = realloc(b->p, b->cap);
      if (!b->p) { perror("realloc"); exit(3); }
   }
   memcpy(b->p + b->n, s, n);
   b->n += n;
   b->p[b->n] = 0;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
   char tmp[8192];
   va_list ap;
   va_start(ap, fmt);
   int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
   va_end(ap);
   if (n >= (int)sizeof tmp) {
      char *big = malloc((size_t)n + 1);
      va_start(ap, fmt);
      vsnprintf(big, (size_t)n + 1, fmt, ap);
      va_end(ap);
      sb_add(b, big, (size_t)n);
      free(big);
   } else {
      sb_add(b, tmp, (size_t)n);
   }
}

/* the quoting pervert-dump documents: "..." with \" \\ \n \t \r \xNN */
static void sb_quoted(struct sbuf *b, const char *s)
{
   sb_add(b, "\"", 1);
   for (; *s; s++) {
      unsigned char c = (unsigned char)*s;
      if (c == '"') sb_add(b, "\\\"", 2);
      else if (c == '\\') sb_add(b, "\\\\", 2);
      else if (c == '\n') sb_add(b, "\\n", 2);
      else if (c == '\t') sb_add(b, "\\t", 2);
      else if (c == '\r') sb_add(b, "\\r", 2);
      else if (c < 0x20 || c == 0x7f) sb_printf(b, "\\x%02x", c);
      else sb_add(b, (const char *)&c, 1);
   }
   sb_add(b, "\"", 1);
}

/* ---- the ring, producer side ------------------------------------------- */

struct ring {
   char            path[128];
   int             fd;
   struct pv_ctrl *ctrl;
   pv_u8          *data;
   pv_u64          size, head;
   size_t          map_len;
   pid_t           consumer;        /* to notice a consumer that died */
   int             consumer_gone;
};

static int ring_seq;

static void ring_create(struct ring *R, pv_u64 size, pv_u32 version)
{
   memset(R, 0, sizeof *R);
   snprintf(R->path, sizeof R->path, "/dev/shm/pervert-test-%d-%d", (int)getpid(), ring_seq++);
   R->fd = open(R->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
   if (R->fd < 0) { perror(R->path); exit(3); }
   R->map_len = PV_CTRL_SIZE + size;
   if (ftruncate(R->fd, (off_t)R->map_len) != 0) { perror("ftruncate"); exit(3); }
   void *m = mmap(NULL, R->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, R->fd, 0);
   if (m == MAP_FAILED) { perror("mmap"); exit(3); }
   R->ctrl = m;
   R->data = (pv_u8 *)m + PV_CTRL_SIZE;
   R->size = size;
   R->ctrl->magic = PV_MAGIC;
   R->ctrl->version = version;
   R->ctrl->ctrl_size = PV_CTRL_SIZE;
   R->ctrl->data_size = size;
   R->ctrl->producer_pid = (pv_u32)getpid();
   R->ctrl->flags = PV_INFO_TRACK_HEAP | PV_INFO_TRACING;
   __atomic_store_n(&R->ctrl->producer_state, PV_PROD_RUNNING, __ATOMIC_RELEASE);
}

static void ring_destroy(struct ring *R)
{
   if (R->ctrl)
      munmap(R->ctrl, R->map_len);
   if (R->fd >= 0)
      close(R->fd);
   unlink(R->path);           /* normally done by the consumer already */
   R->ctrl = NULL;
   R->fd = -1;
}

static void ring_publish(struct ring *R)
{
   __atomic_store_n(&R->ctrl->head, R->head, __ATOMIC_RELEASE);
}

static int consumer_alive(struct ring *R)
{
   if (R->consumer_gone)
      return 0;
   unsigned cs = __atomic_load_n(&R->ctrl->consumer_state, __ATOMIC_ACQUIRE);
   if (cs >= PV_CONS_GONE) {
      R->consumer_gone = 1;
      return 0;
   }
   if (R->consumer > 0 && kill(R->consumer, 0) != 0) {
      R->consumer_gone = 1;
      return 0;
   }
   return 1;
}

/* wait until NEED bytes are free; 0, or -1 when the consumer is gone */
static int ring_wait_room(struct ring *R, pv_u64 need)
{
   unsigned spins = 0;
   while (R->head + need - __atomic_load_n(&R->ctrl->tail, __ATOMIC_ACQUIRE) > R->size) {
      ring_publish(R);
      if (++spins < 64) {
         __builtin_ia32_pause();
         continue;
      }
      if ((spins & 1023) == 0 && !consumer_alive(R))
         return -1;
      if (spins < 4096) {
         sched_yield();
      } else {
         struct timespec ts = { 0, 50000 };
         nanosleep(&ts, NULL);
      }
   }
   return 0;
}

/* pad to the end of the data area: PAD sub=1 (pad_sub0: PAD sub=0 with n16) */
static int pad_sub0;

/* Append a record; pads at the end of the area when it does not fit. */
static int ring_put(struct ring *R, const void *rec, size_t bytes)
{
   pv_u64 pos = R->head & (R->size - 1);
   pv_u64 pad = pos + bytes > R->size ? R->size - pos : 0;
   if (ring_wait_room(R, pad + bytes) != 0)
      return -1;
   if (pad) {
      pv_u64 h = pad_sub0 && pad / 8 <= 0xFFFF ? PV_HDR(PV_REC_PAD, 0, pad / 8, 0)
                                               : PV_HDR(PV_REC_PAD, 1, 0, 0);
      memcpy(R->data + pos, &h, 8);
      R->head += pad;
      pos = 0;
   }
   memcpy(R->data + pos, rec, bytes);
   R->head += bytes;
   return 0;
}

/* ---- record builders + expected output ---------------------------------- */

struct tw {
   struct ring R;
   struct sbuf text, lackey;  /* expected output of the default and --lackey modes */
   pv_u32      thread;
   pv_u64      count[PV_REC_LAST + 1];
   pv_u64      bytes;
   int         publish_each;  /* publish head after every record */
};

static void tw_rec(struct tw *w, const pv_u64 *words, size_t nw)
{
   unsigned t = PV_HDR_TYPE(words[0]);
   if (t <= PV_REC_LAST && t != PV_REC_PAD) {
      w->count[t]++;
      w->bytes += nw * 8;
   }
   if (ring_put(&w->R, words, nw * 8) != 0 && verbose)
      fprintf(stderr, "ring_writer: consumer gone\n");
   if (w->publish_each)
      ring_publish(&w->R);
}

/* a variable record: fixed words W[0..nfix) (W[0] = header without n16),
 * then the bytes S[0..slen) padded with NULs to 8 */
static void tw_var(struct tw *w, pv_u64 *wd, size_t nfix, const void *s, size_t slen)
{
   size_t nw = nfix + PV_ALIGN8(slen) / 8;
   pv_u64 *rec = calloc(nw, 8);
   memcpy(rec, wd, nfix * 8);
   if (slen)
      memcpy(rec + nfix, s, slen);
   rec[0] = (rec[0] & ~0xFFFF0000ULL) | ((pv_u64)(nw & 0xFFFF) << 16);
   tw_rec(w, rec, nw);
   free(rec);
}

static void w_access(struct tw *w, unsigned type, pv_u64 addr, unsigned size, pv_u32 site)
{
   pv_u64 r[2] = { PV_HDR(type, 0, size, site), addr };
   tw_rec(w, r, 2);
   static const char c[] = "?LSM";
   sb_printf(&w->text, "%c 0x%llx %u t%u s%u\n", c[type], (unsigned long long)addr, size,
             w->thread, site);
   sb_printf(&w->lackey, " %c %08llx,%u\n", c[type], (unsigned long long)addr, size);
}

static void w_kaccess(struct tw *w, int write, pv_u64 addr, pv_u64 size, pv_u32 sys)
{
   pv_u64 r[3] = { PV_HDR(write ? PV_REC_KWRITE : PV_REC_KREAD, 0, 0, sys), addr, size };
   tw_var(w, r, 3, NULL, 0);
   if (sys == 0xFFFFFFFFu)
      sb_printf(&w->text, "%s 0x%llx %llu t%u sys=none\n", write ? "KW" : "KR",
                (unsigned long long)addr, (unsigned long long)size, w->thread);
   else
      sb_printf(&w->text, "%s 0x%llx %llu t%u sys=%u\n", write ? "KW" : "KR",
                (unsigned long long)addr, (unsigned long long)size, w->thread, sys);
}

static void w_thread(struct tw *w, pv_u32 tid)
{
   pv_u64 r[1] = { PV_HDR(PV_REC_THREAD, 0, 0, tid) };
   tw_var(w, r, 1, NULL, 0);
   w->thread = tid;
   sb_printf(&w->text, "thread %u\n", tid);
}

static void w_site(struct tw *w, pv_u32 id, pv_u64 addr, pv_u32 line, const char *fn,
                   const char *file, const char *dir, const char *obj)
{
   struct sbuf s = { 0 };
   sb_add(&s, fn, strlen(fn) + 1);
   sb_add(&s, file, strlen(file) + 1);
   sb_add(&s, dir, strlen(dir) + 1);
   sb_add(&s, obj, strlen(obj) + 1);
   pv_u64 r[3] = { PV_HDR(PV_REC_SITE, 0, 0, id), addr, line | ((pv_u64)s.n << 32) };
   tw_var(w, r, 3, s.p, s.n);
   free(s.p);
   sb_printf(&w->text, "site %u 0x%llx fn=", id, (unsigned long long)addr);
   sb_quoted(&w->text, fn);
   sb_printf(&w->text, " file=");
   sb_quoted(&w->text, file);
   sb_printf(&w->text, " line=%u dir=", line);
   sb_quoted(&w->text, dir);
   sb_printf(&w->text, " obj=");
   sb_quoted(&w->text, obj);
   sb_printf(&w->text, "\n");
}

static void w_stack(struct tw *w, pv_u32 id, unsigned depth, const pv_u32 *ids)
{
   pv_u64 r[1] = { PV_HDR(PV_REC_STACK, depth, 0, id) };
   tw_var(w, r, 1, ids, depth * 4);
   sb_printf(&w->text, "stack %u", id);
   for (unsigned k = 0; k < depth; k++)
      sb_printf(&w->text, " %u", ids[k]);
   sb_printf(&w->text, "\n");
}

static const char *const alloc_names[] = { "malloc", "calloc", "realloc", "memalign", "new",
                                           "new[]", "free", "delete", "delete[]" };

static void w_heap(struct tw *w, int is_free, unsigned kind, pv_u32 tid, pv_u64 addr,
                   pv_u64 size, pv_u32 stack)
{
   pv_u64 r[4] = { PV_HDR(is_free ? PV_REC_FREE : PV_REC_ALLOC, kind, 0, tid), addr, size, stack };
   tw_var(w, r, 4, NULL, 0);
   sb_printf(&w->text, "%s %s 0x%llx %llu t%u stack=%u\n", is_free ? "free" : "alloc",
             alloc_names[kind], (unsigned long long)addr, (unsigned long long)size, tid, stack);
}

static const char *const map_names[] = { "code", "data", "rodata", "bss", "heap", "stack",
                                         "anon", "file", "shm" };

static void prot_str(char b[4], unsigned prot)
{
   b[0] = prot & 1 ? 'r' : '-';
   b[1] = prot & 2 ? 'w' : '-';
   b[2] = prot & 4 ? 'x' : '-';
   b[3] = 0;
}

static void w_map(struct tw *w, unsigned kind, unsigned prot, pv_u64 start, pv_u64 len,
                  pv_u64 off, const char *name)
{
   char pb[4];
   pv_u64 r[4] = { PV_HDR(PV_REC_MAP, kind, 0, prot), start, len, off };
   tw_var(w, r, 4, name, strlen(name) + 1);
   prot_str(pb, prot);
   sb_printf(&w->text, "map %s 0x%llx %llu %s off=%llu ", map_names[kind],
             (unsigned long long)start, (unsigned long long)len, pb, (unsigned long long)off);
   sb_quoted(&w->text, name);
   sb_printf(&w->text, "\n");
}

static void w_range(struct tw *w, unsigned type, pv_u32 a32, pv_u64 w1, pv_u64 w2, pv_u64 w3)
{
   pv_u64 r[4] = { PV_HDR(type, 0, 0, a32), w1, w2, w3 };
   char pb[4];
   switch (type) {
   case PV_REC_UNMAP:
      tw_var(w, r, 3, NULL, 0);
      sb_printf(&w->text, "unmap 0x%llx %llu\n", (unsigned long long)w1, (unsigned long long)w2);
      break;
   case PV_REC_PROTECT:
      tw_var(w, r, 3, NULL, 0);
      prot_str(pb, a32);
      sb_printf(&w->text, "protect 0x%llx %llu %s\n", (unsigned long long)w1,
                (unsigned long long)w2, pb);
      break;
   case PV_REC_REMAP:
      tw_var(w, r, 4, NULL, 0);
      sb_printf(&w->text, "remap 0x%llx 0x%llx %llu\n", (unsigned long long)w1,
                (unsigned long long)w2, (unsigned long long)w3);
      break;
   case PV_REC_THREAD_CREATE:
      tw_var(w, r, 2, NULL, 0);
      sb_printf(&w->text, "thread-create %u parent=%llu\n", a32, (unsigned long long)w1);
      break;
   case PV_REC_THREAD_EXIT:
      tw_var(w, r, 1, NULL, 0);
      sb_printf(&w->text, "thread-exit %u\n", a32);
      break;
   case PV_REC_THREAD_STACK:
      tw_var(w, r, 3, NULL, 0);
      sb_printf(&w->text, "thread-stack %u 0x%llx 0x%llx\n", a32, (unsigned long long)w1,
                (unsigned long long)w2);
      break;
   case PV_REC_FORK:
      tw_var(w, r, 1, NULL, 0);
      sb_printf(&w->text, "fork %u\n", a32);
      break;
   case PV_REC_TIME:
      tw_var(w, r, 2, NULL, 0);
      sb_printf(&w->text, "time %lluns\n", (unsigned long long)w1);
      break;
   case PV_REC_DROPPED:
      tw_var(w, r, 2, NULL, 0);
      sb_printf(&w->text, "dropped %llu\n", (unsigned long long)w1);
      break;
   default:
      abort();
   }
}

static void w_name(struct tw *w, pv_u32 tid, pv_u64 start, pv_u64 len, const char *name)
{
   pv_u64 r[3] = { PV_HDR(PV_REC_NAME, 0, 0, tid), start, len };
   tw_var(w, r, 3, name, strlen(name) + 1);
   sb_printf(&w->text, "name 0x%llx %llu t%u ", (unsigned long long)start,
             (unsigned long long)len, tid);
   sb_quoted(&w->text, name);
   sb_printf(&w->text, "\n");
}

static void w_mark(struct tw *w, pv_u32 tid, const char *text)
{
   pv_u64 r[1] = { PV_HDR(PV_REC_MARK, 0, 0, tid) };
   tw_var(w, r, 1, text, strlen(text) + 1);
   sb_printf(&w->text, "mark t%u ", tid);
   sb_quoted(&w->text, text);
   sb_printf(&w->text, "\n");
}

static void w_trace(struct tw *w, int on)
{
   pv_u64 r[1] = { PV_HDR(PV_REC_TRACE, on, 0, 0) };
   tw_var(w, r, 1, NULL, 0);
   sb_printf(&w->text, "trace %s\n", on ? "on" : "off");
}

static void w_exec(struct tw *w, const char *path)
{
   pv_u64 r[1] = { PV_HDR(PV_REC_EXEC, 0, 0, 0) };
   tw_var(w, r, 1, path, strlen(path) + 1);
   sb_printf(&w->text, "exec ");
   sb_quoted(&w->text, path);
   sb_printf(&w->text, "\n");
}

static void w_info(struct tw *w, pv_u32 pid, pv_u64 t0, pv_u64 flags, pv_u64 depth,
                   const char *const *argv)
{
   struct sbuf s = { 0 };
   for (int k = 0; argv[k]; k++)
      sb_add(&s, argv[k], strlen(argv[k]) + 1);
   sb_add(&s, "", 1);
   pv_u64 r[4] = { PV_HDR(PV_REC_INFO, 0, 0, pid), t0, flags, depth };
   tw_var(w, r, 4, s.p, s.n);
   free(s.p);
   static const char *const fl[] = { "heap", "static", "tracing", "drop" };
   sb_printf(&w->text, "info pid=%u start=%llu.%09llu flags=", pid,
             (unsigned long long)(t0 / 1000000000u), (unsigned long long)(t0 % 1000000000u));
   int any = 0;
   for (int k = 0; k < 4; k++)
      if (flags & (1u << k))
         sb_printf(&w->text, "%s%s", any++ ? "," : "", fl[k]);
   if (flags & ~15ULL)
      sb_printf(&w->text, "%s0x%llx", any++ ? "," : "", (unsigned long long)(flags & ~15ULL));
   if (!any)
      sb_printf(&w->text, "none");
   sb_printf(&w->text, " depth=%llu prog=", (unsigned long long)depth);
   sb_quoted(&w->text, argv[0] ? argv[0] : "");
   sb_printf(&w->text, " args=");
   for (int k = 1; argv[0] && argv[k]; k++) {
      if (k > 1)
         sb_printf(&w->text, " ");
      sb_quoted(&w->text, argv[k]);
   }
   sb_printf(&w->text, "\n");
}

static void w_exit(struct tw *w, int signal, pv_u32 value)
{
   pv_u64 r[1] = { PV_HDR(PV_REC_EXIT, signal, 0, value) };
   tw_var(w, r, 1, NULL, 0);
   sb_printf(&w->text, "exit %s %d\n", signal ? "signal" : "status", (int)value);
}

/* raw words, no expectation (corrupt records) */
static void w_raw(struct tw *w, const pv_u64 *words, size_t nw)
{
   if (ring_put(&w->R, words, nw * 8) != 0 && verbose)
      fprintf(stderr, "ring_writer: consumer gone\n");
}

/* ---- running pervert-dump ----------------------------------------------- */

struct run {
   pid_t pid;
   char  out[320], err[320];
   int   status;           /* exit code, or 128+signal */
   double cpu;             /* user + system seconds of pervert-dump */
};

/* start DUMP ARGS... RING with stdout/stderr to files (or STDOUT_FD >= 0) */
static void run_start(struct run *x, struct tw *w, const char *const *args, int stdout_fd)
{
   static int n;
   snprintf(x->out, sizeof x->out, "%s/out.%d", workdir, n);
   snprintf(x->err, sizeof x->err, "%s/err.%d", workdir, n);
   n++;
   x->pid = fork();
   if (x->pid < 0) { perror("fork"); exit(3); }
   if (x->pid == 0) {
      int o = stdout_fd >= 0 ? stdout_fd : open(x->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(x->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      const char *argv[32];
      int k = 0;
      argv[k++] = dump_path;
      for (int i = 0; args && args[i]; i++)
         argv[k++] = args[i];
      argv[k++] = w->R.path;
      argv[k] = NULL;
      execv(dump_path, (char **)argv);
      perror(dump_path);
      _exit(127);
   }
   w->R.consumer = x->pid;
}

static void run_wait(struct run *x)
{
   int st;
   struct rusage ru;
   memset(&ru, 0, sizeof ru);
   while (wait4(x->pid, &st, 0, &ru) < 0 && errno == EINTR)
      ;
   x->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
   x->cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6
          + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static char *read_file(const char *path, size_t *len)
{
   struct sbuf b = { 0 };
   char tmp[65536];
   int fd = open(path, O_RDONLY);
   sb_add(&b, "", 0);
   if (fd >= 0) {
      ssize_t r;
      while ((r = read(fd, tmp, sizeof tmp)) > 0)
         sb_add(&b, tmp, (size_t)r);
      close(fd);
   }
   if (len)
      *len = b.n;
   return b.p;
}

/* wait for the consumer to reach one of the final states; returns it */
static unsigned wait_consumer_done(struct ring *R, double timeout)
{
   struct timespec ts = { 0, 1000000 };
   for (int i = 0; i < timeout * 1000; i++) {
      unsigned cs = __atomic_load_n(&R->ctrl->consumer_state, __ATOMIC_ACQUIRE);
      if (cs >= PV_CONS_FINISHED)
         return cs;
      if (R->consumer > 0 && waitpid(R->consumer, NULL, WNOHANG) == R->consumer) {
         R->consumer = -1;          /* reaped: the caller must not wait again */
         return __atomic_load_n(&R->ctrl->consumer_state, __ATOMIC_ACQUIRE);
      }
      nanosleep(&ts, NULL);
   }
   return __atomic_load_n(&R->ctrl->consumer_state, __ATOMIC_ACQUIRE);
}

/* finish the stream like the tool: EXIT record, publish, EXITED */
static void tw_finish(struct tw *w, int signal, pv_u32 value)
{
   w_exit(w, signal, value);
   ring_publish(&w->R);
   __atomic_store_n(&w->R.ctrl->producer_state, PV_PROD_EXITED, __ATOMIC_RELEASE);
}

/* ---- checking ------------------------------------------------------------ */

static int check(int ok, const char *test, const char *fmt, ...)
{
   if (!ok) {
      va_list ap;
      fprintf(stderr, "FAIL %s: ", test);
      va_start(ap, fmt);
      vfprintf(stderr, fmt, ap);
      va_end(ap);
      fprintf(stderr, "\n");
      failures++;
   }
   return ok;
}

static int same_text(const char *test, const char *what, const char *got, const char *want)
{
   if (strcmp(got, want) == 0)
      return 1;
   /* first differing line */
   int line = 1;
   const char *g = got, *x = want;
   while (*g && *g == *x) {
      if (*g == '\n')
         line++;
      g++, x++;
   }
   while (g > got && g[-1] != '\n') g--, x--;
   const char *ge = strchr(g, '\n'), *xe = strchr(x, '\n');
   fprintf(stderr, "FAIL %s: %s differs at line %d:\n  got:  %.*s\n  want: %.*s\n", test, what,
           line, ge ? (int)(ge - g) : (int)strlen(g), g, xe ? (int)(xe - x) : (int)strlen(x), x);
   char path[400];
   snprintf(path, sizeof path, "%s/%s.want", workdir, test);
   FILE *f = fopen(path, "w");
   if (f) { fputs(want, f); fclose(f); }
   snprintf(path, sizeof path, "%s/%s.got", workdir, test);
   f = fopen(path, "w");
   if (f) { fputs(got, f); fclose(f); }
   fprintf(stderr, "  (both kept in %s/%s.{got,want})\n", workdir, test);
   failures++;
   return 0;
}

static int contains(const char *hay, const char *needle)
{
   return strstr(hay, needle) != NULL;
}

static void tw_init(struct tw *w, pv_u64 size)
{
   memset(w, 0, sizeof *w);
   ring_create(&w->R, size, PV_PROTO_VERSION);
   sb_add(&w->text, "", 0);
   sb_add(&w->lackey, "", 0);
}

static void tw_free(struct tw *w)
{
   ring_destroy(&w->R);
   free(w->text.p);
   free(w->lackey.p);
}

/* ---- the streams ----------------------------------------------------------- */

/* one of everything, small */
static void stream_all(struct tw *w)
{
   static const char *const argv[] = { "./demo", "one", "two words", "q\"uote", NULL };
   w_info(w, 4242, 1732555000123456789ULL, PV_INFO_TRACK_HEAP | PV_INFO_TRACING, 12, argv);
   w_map(w, PV_MAP_CODE, 5, 0x400000, 0x1000, 0, "/home/u/demo");
   w_map(w, PV_MAP_HEAP, 3, 0x4a4a000, 135168, 0, "[heap]");
   w_map(w, PV_MAP_ANON, 3, 0x7f0000000000ULL, 8192, 4096, "");
   w_thread(w, 1);
   w_site(w, 1, 0x401136, 12, "main", "demo.c", "/home/u/src", "/home/u/demo");
   w_site(w, 2, 0x401200, 0, "", "", "", "/lib/libc.so.6");
   w_site(w, 3, 0x401300, 0, "std::vector<int, std::allocator<int> >::push_back(int const&)",
          "", "", "/home/u/demo");
   w_site(w, 4, 0x401400, 7, "weird\tname\n\\", "dir with space/x.c", "", "");
   pv_u32 ids[3] = { 1, 2, 3 };
   w_stack(w, 1, 3, ids);
   w_stack(w, 2, 0, ids);
   w_access(w, PV_REC_LOAD, 0x1ffefff8, 8, 1);
   w_access(w, PV_REC_STORE, 0x4a4a040, 4, 1);
   w_access(w, PV_REC_MODIFY, 0xffffffffffffffffULL, 16, 0);
   w_access(w, PV_REC_LOAD, 0, 1, 4294967295u);
   w_access(w, PV_REC_LOAD, 0x10, 65535, 3);
   w_access(w, PV_REC_STORE, 0x123456789abcULL, 100, 2);
   w_kaccess(w, 0, 0x1ffeff00, 4096, 1);
   w_kaccess(w, 1, 0x1ffeff00, 12, 0xFFFFFFFFu);
   w_heap(w, 0, PV_ALLOC_MALLOC, 1, 0x4a4a040, 24, 1);
   w_heap(w, 0, PV_ALLOC_NEW_ARRAY, 1, 0x4a4a080, 40, 2);
   w_heap(w, 1, PV_ALLOC_FREE, 1, 0x4a4a040, 24, 2);
   w_range(w, PV_REC_THREAD_CREATE, 2, 1, 0, 0);
   w_range(w, PV_REC_THREAD_STACK, 2, 0x7f0000001000ULL, 0x7f0000801000ULL, 0);
   w_thread(w, 2);
   w_access(w, PV_REC_STORE, 0x7f0000800ff8ULL, 8, 1);
   w_name(w, 2, 0x4a4a080, 40, "matrix A");
   w_name(w, 2, 0x4a4a080, 0, "");
   w_mark(w, 2, "phase 2");
   w_trace(w, 0);
   w_trace(w, 1);
   w_range(w, PV_REC_PROTECT, 1, 0x7f0000000000ULL, 4096, 0);
   w_range(w, PV_REC_REMAP, 0, 0x7f0000000000ULL, 0x7f1000000000ULL, 8192);
   w_range(w, PV_REC_UNMAP, 0, 0x7f1000000000ULL, 8192, 0);
   w_range(w, PV_REC_THREAD_EXIT, 2, 0, 0, 0);
   w_thread(w, 1);
   w_range(w, PV_REC_FORK, 4243, 0, 0, 0);
   w_exec(w, "/bin/does-not-exist");
   w_range(w, PV_REC_TIME, 0, 123456, 0, 0);
   w_range(w, PV_REC_DROPPED, 0, 77, 0, 0);
   w_access(w, PV_REC_LOAD, 0x4a4a080, 2, 1);
}

/* the exact text of stream_all + exit 0, written out by hand: pins the format */
static const char golden_all[] =
   "info pid=4242 start=1732555000.123456789 flags=heap,tracing depth=12 prog=\"./demo\" "
      "args=\"one\" \"two words\" \"q\\\"uote\"\n"
   "map code 0x400000 4096 r-x off=0 \"/home/u/demo\"\n"
   "map heap 0x4a4a000 135168 rw- off=0 \"[heap]\"\n"
   "map anon 0x7f0000000000 8192 rw- off=4096 \"\"\n"
   "thread 1\n"
   "site 1 0x401136 fn=\"main\" file=\"demo.c\" line=12 dir=\"/home/u/src\" obj=\"/home/u/demo\"\n"
   "site 2 0x401200 fn=\"\" file=\"\" line=0 dir=\"\" obj=\"/lib/libc.so.6\"\n"
   "site 3 0x401300 fn=\"std::vector<int, std::allocator<int> >::push_back(int const&)\" "
      "file=\"\" line=0 dir=\"\" obj=\"/home/u/demo\"\n"
   "site 4 0x401400 fn=\"weird\\tname\\n\\\\\" file=\"dir with space/x.c\" line=7 dir=\"\" obj=\"\"\n"
   "stack 1 1 2 3\n"
   "stack 2\n"
   "L 0x1ffefff8 8 t1 s1\n"
   "S 0x4a4a040 4 t1 s1\n"
   "M 0xffffffffffffffff 16 t1 s0\n"
   "L 0x0 1 t1 s4294967295\n"
   "L 0x10 65535 t1 s3\n"
   "S 0x123456789abc 100 t1 s2\n"
   "KR 0x1ffeff00 4096 t1 sys=1\n"
   "KW 0x1ffeff00 12 t1 sys=none\n"
   "alloc malloc 0x4a4a040 24 t1 stack=1\n"
   "alloc new[] 0x4a4a080 40 t1 stack=2\n"
   "free free 0x4a4a040 24 t1 stack=2\n"
   "thread-create 2 parent=1\n"
   "thread-stack 2 0x7f0000001000 0x7f0000801000\n"
   "thread 2\n"
   "S 0x7f0000800ff8 8 t2 s1\n"
   "name 0x4a4a080 40 t2 \"matrix A\"\n"
   "name 0x4a4a080 0 t2 \"\"\n"
   "mark t2 \"phase 2\"\n"
   "trace off\n"
   "trace on\n"
   "protect 0x7f0000000000 4096 r--\n"
   "remap 0x7f0000000000 0x7f1000000000 8192\n"
   "unmap 0x7f1000000000 8192\n"
   "thread-exit 2\n"
   "thread 1\n"
   "fork 4243\n"
   "exec \"/bin/does-not-exist\"\n"
   "time 123456ns\n"
   "dropped 77\n"
   "L 0x4a4a080 2 t1 s1\n"
   "exit status 0\n";

static const char golden_all_lackey[] =
   " L 1ffefff8,8\n"
   " S 04a4a040,4\n"
   " M ffffffffffffffff,16\n"
   " L 00000000,1\n"
   " L 00000010,65535\n"
   " S 123456789abc,100\n"
   " S 7f0000800ff8,8\n"
   " L 04a4a080,2\n";

/* ---- tests ---------------------------------------------------------------------- */

/* all record types, prefilled ring, text mode: golden + generated + counts */
static void test_text(void)
{
   const char *T = "text";
   struct tw w;
   tw_init(&w, PV_MIN_DATA_SIZE);
   stream_all(&w);
   tw_finish(&w, 0, 0);
   struct run x;
   run_start(&x, &w, NULL, -1);
   unsigned cs = wait_consumer_done(&w.R, 10);
   if (w.R.consumer > 0)
      run_wait(&x);
   else
      x.status = 0;
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(cs == PV_CONS_FINISHED, T, "consumer state %u, want FINISHED", cs);
   same_text(T, "output vs golden", out, golden_all);
   same_text(T, "output vs generated", out, w.text.p);
   check(*err == 0, T, "stderr not empty: %s", err);
   for (unsigned t = 1; t <= PV_REC_LAST; t++)
      check(w.R.ctrl->counts[t] == w.count[t], T, "ctrl counts[%u] = %llu, want %llu", t,
            (unsigned long long)w.R.ctrl->counts[t], (unsigned long long)w.count[t]);
   check(access(w.R.path, F_OK) != 0, T, "ring file not unlinked");
   free(out); free(err);
   tw_free(&w);
}

static void run_simple(struct tw *w, const char *const *args, struct run *x, unsigned *cs)
{
   run_start(x, w, args, -1);
   *cs = wait_consumer_done(&w->R, 10);
   if (w->R.consumer > 0)
      run_wait(x);
}

static void test_lackey(void)
{
   const char *T = "lackey";
   struct tw w;
   struct run x;
   unsigned cs;
   static const char *const args[] = { "--lackey", NULL };
   tw_init(&w, PV_MIN_DATA_SIZE);
   stream_all(&w);
   tw_finish(&w, 0, 0);
   run_simple(&w, args, &x, &cs);
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(cs == PV_CONS_FINISHED, T, "consumer state %u", cs);
   check(x.status == 0, T, "exit status %d", x.status);
   same_text(T, "output vs golden", out, golden_all_lackey);
   same_text(T, "output vs generated", out, w.lackey.p);
   check(*err == 0, T, "stderr not empty: %s", err);
   free(out); free(err);
   tw_free(&w);
}

static void test_count_summary(void)
{
   const char *T = "count";
   struct tw w;
   struct run x;
   unsigned cs;
   static const char *const args[] = { "--count", "--summary", NULL };
   tw_init(&w, PV_MIN_DATA_SIZE);
   stream_all(&w);
   tw_finish(&w, 1, 11);
   run_simple(&w, args, &x, &cs);
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(cs == PV_CONS_FINISHED, T, "consumer state %u", cs);
   check(x.status == 0, T, "exit status %d", x.status);
   struct sbuf want = { 0 };
   static const char *const names[] = { NULL, "load", "store", "modify" };
   pv_u64 total = 0;
   sb_add(&want, "", 0);
   for (unsigned t = 1; t <= PV_REC_LAST; t++) {
      static const char *const vnames[] = { "kread", "kwrite", "thread", "site", "stack",
         "alloc", "free", "map", "unmap", "protect", "remap", "thread-create", "thread-exit",
         "thread-stack", "name", "mark", "trace", "exec", "fork", "info", "exit", "time",
         "dropped" };
      const char *nm = t <= 3 ? names[t] : t > PV_REC_PAD ? vnames[t - PV_REC_KREAD] : NULL;
      if (!nm)
         continue;
      sb_printf(&want, "%-14s %llu\n", nm, (unsigned long long)w.count[t]);
      total += w.count[t];
   }
   sb_printf(&want, "%-14s %llu\n%-14s %llu\n", "total", (unsigned long long)total, "bytes",
             (unsigned long long)w.bytes);
   same_text(T, "counts", out, want.p);
   check(contains(err, "pervert-dump:   accesses: 8 (4 loads, 3 stores, 1 modifies)\n"), T,
         "summary accesses line missing:\n%s", err);
   check(contains(err, "heap:     2 allocs (64 bytes), 1 frees (24 bytes); "
                       "1 blocks (40 bytes) live at the end, peak 64 bytes\n"), T,
         "summary heap line missing:\n%s", err);
   check(contains(err, "threads:  2 (highest id), 1 created, 1 exited"), T, "threads:\n%s", err);
   check(contains(err, "dropped:  77 access records"), T, "dropped:\n%s", err);
   check(contains(err, "exit:     signal 11"), T, "exit:\n%s", err);
   check(contains(err, "summary of pid 4242 (./demo)"), T, "pid/prog:\n%s", err);
   free(want.p); free(out); free(err);
   tw_free(&w);
}

/* --symbols */
static void test_symbols(void)
{
   const char *T = "symbols";
   struct tw w;
   struct run x;
   unsigned cs;
   static const char *const args[] = { "--symbols", NULL };
   tw_init(&w, PV_MIN_DATA_SIZE);
   w_thread(&w, 1);
   w_site(&w, 1, 0x401136, 12, "main", "demo.c", "/src", "/bin/demo");
   w_site(&w, 2, 0x401200, 0, "", "", "", "/lib/libc.so.6");
   w_site(&w, 3, 0x401300, 0, "helper", "", "", "/bin/demo");
   w_site(&w, 4, 0x401400, 0, "", "", "", "");
   w_site(&w, 5, 0x401500, 0, "nofile", "", "", "");
   w_site(&w, 6, 0x401600, 0, "noline", "x.c", "", "/bin/demo");
   pv_u32 ids[2] = { 3, 1 };
   w_stack(&w, 1, 2, ids);
   for (pv_u32 s = 0; s <= 7; s++)
      w_access(&w, PV_REC_LOAD, 0x1000 + s, 4, s);
   w_heap(&w, 0, PV_ALLOC_MALLOC, 1, 0x5000, 8, 1);
   w_heap(&w, 1, PV_ALLOC_FREE, 1, 0x5000, 8, 9);
   w_site(&w, 1, 0x401137, 13, "main2", "demo.c", "/src", "/bin/demo");  /* redefined */
   w_access(&w, PV_REC_LOAD, 0x2000, 4, 1);
   tw_finish(&w, 0, 0);
   run_simple(&w, args, &x, &cs);
   char *out = read_file(x.out, NULL);
   static const char *const want[] = {
      "L 0x1000 4 t1 s0\n",
      "L 0x1001 4 t1 s1 main (demo.c:12)\n",
      "L 0x1002 4 t1 s2 0x401200 (in /lib/libc.so.6)\n",
      "L 0x1003 4 t1 s3 helper (in /bin/demo)\n",
      "L 0x1004 4 t1 s4 0x401400\n",
      "L 0x1005 4 t1 s5 nofile\n",
      "L 0x1006 4 t1 s6 noline (x.c)\n",
      "L 0x1007 4 t1 s7\n",
      "alloc malloc 0x5000 8 t1 stack=1 helper (in /bin/demo)\n",
      "free free 0x5000 8 t1 stack=9\n",
      "L 0x2000 4 t1 s1 main2 (demo.c:13)\n",
   };
   for (unsigned k = 0; k < sizeof want / sizeof want[0]; k++)
      check(contains(out, want[k]), T, "missing line %s", want[k]);
   check(x.status == 0 && cs == PV_CONS_FINISHED, T, "status %d state %u", x.status, cs);
   free(out);
   tw_free(&w);
}

/* a small ring, much more data than it holds, written while pervert-dump
 * reads: wrap-around, PAD records (sub=1 and sub=0), records of every size */
static void test_wrap(int pad0, const char *mode)
{
   char T[64];
   snprintf(T, sizeof T, "wrap%s%s", pad0 ? "-pad0" : "", mode ? mode : "");
   struct tw w;
   struct run x;
   unsigned cs;
   const char *args[3] = { mode, "--output=FILE", NULL };
   char outarg[400];
   tw_init(&w, PV_MIN_DATA_SIZE);
   pad_sub0 = pad0;
   unsigned seed = 12345;
   snprintf(outarg, sizeof outarg, "--output=%s/%s.txt", workdir, T);
   args[1] = outarg;
   if (!mode)
      args[0] = outarg, args[1] = NULL;
   run_start(&x, &w, args, -1);
   static const char *const argv[] = { "./wrap", NULL };
   w_info(&w, 1, 0, 0, 0, argv);
   w_thread(&w, 1);
   char text[3000];
   for (int i = 0; i < 400000; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 8;
      if (pad0 && r % 71 == 0) {
         /* a PAD sub=0 in the middle of the data area, 1 to 4 words; half
          * of them at the start of a published span */
         pv_u64 pad[4] = { PV_HDR(PV_REC_PAD, 0, 1 + r % 4, 0), 0, 0, 0 };
         if (r & 1)
            ring_publish(&w.R);
         w_raw(&w, pad, 1 + r % 4);
         if (r & 2)
            ring_publish(&w.R);
      } else if (r % 97 == 0) {
         size_t len = r % 1500;           /* marks of 8 to 1500+ bytes */
         for (size_t k = 0; k < len; k++)
            text[k] = (char)(' ' + (k * 7 + r) % 90);
         text[len] = 0;
         w_mark(&w, 1, text);
      } else if (r % 89 == 0) {
         w_thread(&w, 1 + r % 5);
      } else if (r % 83 == 0) {
         w_site(&w, 1 + r % 1000, 0x400000 + r, r % 500, "fn", "f.c", "/d", "/o");
      } else if (r % 79 == 0) {
         w_heap(&w, r & 1, (r & 1) ? PV_ALLOC_FREE : PV_ALLOC_MALLOC, w.thread,
                0x4a40000 + (r & 0xfff0), r % 200, r % 17);
      } else {
         w_access(&w, 1 + r % 3, ((pv_u64)seed << (r % 24)) ^ r, 1u << (r % 5), r % 3000);
      }
      if (i % 64 == 0)
         ring_publish(&w.R);
   }
   tw_finish(&w, 0, 3);
   cs = wait_consumer_done(&w.R, 60);
   /* FINISHED means the output file is complete: check it before the
    * consumer process has exited */
   char path[400];
   snprintf(path, sizeof path, "%s/%s.txt", workdir, T);
   size_t len;
   char *out = read_file(path, &len);
   if (w.R.consumer > 0)
      run_wait(&x);
   char *err = read_file(x.err, NULL);
   check(cs == PV_CONS_FINISHED, T, "consumer state %u", cs);
   check(x.status == 0, T, "exit status %d", x.status);
   check(w.R.head > 8 * w.R.size, T, "did not wrap enough (%llu bytes)",
         (unsigned long long)w.R.head);
   same_text(T, "output", out, mode ? w.lackey.p : w.text.p);
   check(*err == 0, T, "stderr: %s", err);
   for (unsigned t = 1; t <= PV_REC_LAST; t++)
      check(w.R.ctrl->counts[t] == w.count[t], T, "ctrl counts[%u] = %llu, want %llu", t,
            (unsigned long long)w.R.ctrl->counts[t], (unsigned long long)w.count[t]);
   pad_sub0 = 0;
   free(out); free(err);
   tw_free(&w);
}

/* corrupt records: each must give the error line, exit 1, GONE, and the
 * records before it in the output followed by "incomplete" */
static void test_corrupt(void)
{
   static const struct { const char *name; pv_u64 w[4]; size_t nw; } cases[] = {
      { "len0",     { PV_HDR(PV_REC_MARK, 0, 0, 1), 0 }, 2 },
      { "type0",    { 0, 0 }, 2 },
      { "type9",    { PV_HDR(9, 0, 2, 0), 0 }, 2 },
      { "type99",   { PV_HDR(99, 0, 2, 0), 0 }, 2 },
      { "pastend",  { PV_HDR(PV_REC_MARK, 0, 500, 1), 0 }, 2 },
      { "short",    { PV_HDR(PV_REC_ALLOC, 0, 2, 1), 0 }, 2 },
      { "stack",    { PV_HDR(PV_REC_STACK, 9, 2, 1), 0 }, 2 },
      { "pad0",     { PV_HDR(PV_REC_PAD, 0, 0, 0), 0 }, 2 },
   };
   for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
      char T[64];
      snprintf(T, sizeof T, "corrupt-%s", cases[c].name);
      struct tw w;
      struct run x;
      unsigned cs;
      tw_init(&w, PV_MIN_DATA_SIZE);
      w_thread(&w, 1);
      w_access(&w, PV_REC_LOAD, 0x1000, 4, 0);
      pv_u64 off = w.R.head;
      w_raw(&w, cases[c].w, cases[c].nw);
      w_access(&w, PV_REC_LOAD, 0x2000, 4, 0);    /* must not be printed */
      ring_publish(&w.R);
      __atomic_store_n(&w.R.ctrl->producer_state, PV_PROD_EXITED, __ATOMIC_RELEASE);
      run_simple(&w, NULL, &x, &cs);
      char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
      char want_err[128];
      snprintf(want_err, sizeof want_err, "pervert-dump: error: corrupt record at offset %llu\n",
               (unsigned long long)off);
      check(x.status == 1, T, "exit status %d, want 1", x.status);
      check(cs == PV_CONS_GONE, T, "consumer state %u, want GONE", cs);
      same_text(T, "stderr", err, want_err);
      same_text(T, "output", out, "thread 1\nL 0x1000 4 t1 s0\nincomplete\n");
      free(out); free(err);
      tw_free(&w);
   }
}

static void test_version(void)
{
   const char *T = "version";
   struct tw w;
   struct run x;
   unsigned cs;
   memset(&w, 0, sizeof w);
   ring_create(&w.R, PV_MIN_DATA_SIZE, PV_PROTO_VERSION + 1);
   run_simple(&w, NULL, &x, &cs);
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(x.status == 2, T, "exit status %d, want 2", x.status);
   check(cs == PV_CONS_REJECTED, T, "consumer state %u, want REJECTED", cs);
   check(contains(err, "pervert-dump: error: protocol version mismatch: the tool speaks version 2, "
                       "this program version 1"), T, "stderr: %s", err);
   check(strchr(err, '\n') == err + strlen(err) - 1, T, "more than one line: %s", err);
   check(*out == 0, T, "output not empty");
   free(out); free(err);
   ring_destroy(&w.R);
}

static void test_bad_ring(void)
{
   const char *T = "badring";
   char path[400];
   snprintf(path, sizeof path, "%s/no-such-ring", workdir);
   pid_t p = fork();
   if (p == 0) {
      int e = open("/dev/null", O_WRONLY);
      dup2(e, 1);
      char ep[400];
      snprintf(ep, sizeof ep, "%s/badring.err", workdir);
      int f = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(f, 2);
      execl(dump_path, dump_path, "--lackey", path, (char *)NULL);
      _exit(127);
   }
   int st;
   waitpid(p, &st, 0);
   snprintf(path, sizeof path, "%s/badring.err", workdir);
   char *err = read_file(path, NULL);
   check(WIFEXITED(st) && WEXITSTATUS(st) == 2, T, "exit status %d", WEXITSTATUS(st));
   check(contains(err, "pervert-dump: error: cannot open ring ") &&
         contains(err, "No such file or directory\n"), T, "stderr: %s", err);
   free(err);
   /* a file that is not a ring */
   snprintf(path, sizeof path, "%s/notaring", workdir);
   int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
   if (ftruncate(fd, PV_CTRL_SIZE + PV_MIN_DATA_SIZE) != 0) perror("ftruncate");
   close(fd);
   p = fork();
   if (p == 0) {
      int e = open("/dev/null", O_WRONLY);
      dup2(e, 2);
      execl(dump_path, dump_path, path, (char *)NULL);
      _exit(127);
   }
   waitpid(p, &st, 0);
   check(WIFEXITED(st) && WEXITSTATUS(st) == 2, T, "not-a-ring: exit status %d", WEXITSTATUS(st));
}

static int run_args(const char *const *args, char **out, char **err)
{
   char op[400], ep[400];
   snprintf(op, sizeof op, "%s/args.out", workdir);
   snprintf(ep, sizeof ep, "%s/args.err", workdir);
   pid_t p = fork();
   if (p == 0) {
      int o = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      const char *argv[16];
      int k = 0;
      argv[k++] = dump_path;
      for (int i = 0; args[i]; i++)
         argv[k++] = args[i];
      argv[k] = NULL;
      execv(dump_path, (char **)argv);
      _exit(127);
   }
   int st;
   waitpid(p, &st, 0);
   *out = read_file(op, NULL);
   *err = read_file(ep, NULL);
   return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_options(void)
{
   const char *T = "options";
   char *out, *err;
   static const char *const a1[] = { "--foo", "/dev/shm/x", NULL };
   int st = run_args(a1, &out, &err);
   check(st == 2, T, "--foo: status %d", st);
   check(strncmp(err, "pervert-dump: bad option '--foo'\n", 33) == 0, T, "--foo: %s", err);
   check(*out == 0, T, "--foo: output");
   free(out); free(err);
   static const char *const a2[] = { "--help", NULL };
   st = run_args(a2, &out, &err);
   check(st == 0 && contains(out, "usage: pervert-dump [options] RING") && *err == 0, T,
         "--help: %d %s", st, out);
   free(out); free(err);
   static const char *const a3[] = { NULL };
   st = run_args(a3, &out, &err);
   check(st == 2 && contains(err, "missing RING"), T, "no args: %d %s", st, err);
   free(out); free(err);
   static const char *const a4[] = { "--lackey", "--count", "/dev/shm/x", NULL };
   st = run_args(a4, &out, &err);
   check(st == 2 && contains(err, "cannot be used together"), T, "conflict: %d %s", st, err);
   free(out); free(err);
   static const char *const a5[] = { "stray", "/dev/shm/x", NULL };
   st = run_args(a5, &out, &err);
   check(st == 2 && contains(err, "bad option 'stray'"), T, "stray: %d %s", st, err);
   free(out); free(err);
}

/* the producer dies (SIGKILL) without EXIT: warning, "incomplete", exit 1 */
static void test_lost(void)
{
   const char *T = "lost";
   struct tw w;
   struct run x;
   tw_init(&w, PV_MIN_DATA_SIZE);
   pid_t holder = fork();          /* inherits the mapping: stands for the tool */
   if (holder == 0) {
      pause();
      _exit(0);
   }
   w.R.ctrl->producer_pid = (pv_u32)holder;
   w_thread(&w, 1);
   w_access(&w, PV_REC_STORE, 0xabc, 8, 5);
   ring_publish(&w.R);
   run_start(&x, &w, NULL, -1);
   for (int i = 0; i < 5000 && __atomic_load_n(&w.R.ctrl->tail, __ATOMIC_ACQUIRE) != w.R.head; i++)
      usleep(1000);
   kill(holder, SIGKILL);
   waitpid(holder, NULL, 0);
   unsigned cs = wait_consumer_done(&w.R, 10);
   if (w.R.consumer > 0)
      run_wait(&x);
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(x.status == 1, T, "exit status %d, want 1", x.status);
   same_text(T, "stderr", err, "pervert-dump: warning: the traced program ended without an "
             "exit record (killed?)\n");
   same_text(T, "output", out, "thread 1\nS 0xabc 8 t1 s5\nincomplete\n");
   (void)cs;
   free(out); free(err);
   tw_free(&w);
}

/* the stream ends with a successful exec: complete, exit 0 */
static void test_exec(void)
{
   const char *T = "exec";
   struct tw w;
   struct run x;
   unsigned cs;
   tw_init(&w, PV_MIN_DATA_SIZE);
   w_thread(&w, 1);
   w_exec(&w, "/bin/echo");
   ring_publish(&w.R);
   __atomic_store_n(&w.R.ctrl->producer_state, PV_PROD_EXECED, __ATOMIC_RELEASE);
   run_simple(&w, NULL, &x, &cs);
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(x.status == 0 && cs == PV_CONS_FINISHED, T, "status %d state %u", x.status, cs);
   same_text(T, "output", out, w.text.p);
   check(*err == 0, T, "stderr: %s", err);
   free(out); free(err);
   tw_free(&w);
}

/* stdout is a pipe nobody reads: EPIPE -> one error line, GONE, exit 1 */
static void test_epipe(void)
{
   const char *T = "epipe";
   struct tw w;
   struct run x;
   int pfd[2];
   tw_init(&w, 1 << 20);
   if (pipe(pfd) != 0) { perror("pipe"); exit(3); }
   w_thread(&w, 1);
   for (int i = 0; i < 20000; i++)
      w_access(&w, PV_REC_LOAD, 0x1000 + i, 4, 1);
   ring_publish(&w.R);
   close(pfd[0]);
   run_start(&x, &w, NULL, pfd[1]);
   close(pfd[1]);
   for (int i = 0; i < 20000; i++)
      w_access(&w, PV_REC_LOAD, 0x1000 + i, 4, 1);
   tw_finish(&w, 0, 0);
   unsigned cs = wait_consumer_done(&w.R, 10);
   if (w.R.consumer > 0)
      run_wait(&x);
   char *err = read_file(x.err, NULL);
   check(x.status == 1, T, "exit status %d, want 1", x.status);
   check(cs == PV_CONS_GONE, T, "state %u, want GONE", cs);
   same_text(T, "stderr", err, "pervert-dump: error: cannot write to standard output: "
             "Broken pipe\n");
   free(err);
   tw_free(&w);
}

/* --output to a file that cannot be written (disk full): /dev/full */
static void test_full(void)
{
   const char *T = "full";
   struct tw w;
   struct run x;
   unsigned cs;
   static const char *const args[] = { "--output=/dev/full", NULL };
   tw_init(&w, PV_MIN_DATA_SIZE);
   w_thread(&w, 1);
   w_access(&w, PV_REC_LOAD, 0x1000, 4, 1);
   tw_finish(&w, 0, 0);
   run_simple(&w, args, &x, &cs);
   char *err = read_file(x.err, NULL);
   check(x.status == 1, T, "exit status %d, want 1", x.status);
   check(cs == PV_CONS_GONE, T, "state %u, want GONE", cs);
   same_text(T, "stderr", err, "pervert-dump: error: cannot write to /dev/full: "
             "No space left on device\n");
   free(err);
   tw_free(&w);
}

/* while the program runs and the ring is empty, the output is flushed:
 * `tail -f trace.txt` follows along */
static void test_idle_flush(void)
{
   const char *T = "idleflush";
   struct tw w;
   struct run x;
   char arg[420], path[400];
   snprintf(path, sizeof path, "%s/idle.txt", workdir);
   snprintf(arg, sizeof arg, "--output=%s", path);
   const char *args[] = { arg, NULL };
   tw_init(&w, PV_MIN_DATA_SIZE);
   w_thread(&w, 1);
   w_access(&w, PV_REC_LOAD, 0x1234, 4, 7);
   ring_publish(&w.R);
   run_start(&x, &w, args, -1);
   size_t len = 0;
   char *out = NULL;
   for (int i = 0; i < 200; i++) {
      usleep(10000);
      free(out);
      out = read_file(path, &len);
      if (len == w.text.n)
         break;
   }
   same_text(T, "output while running", out, w.text.p);
   free(out);
   tw_finish(&w, 0, 0);
   unsigned cs = wait_consumer_done(&w.R, 10);
   if (w.R.consumer > 0)
      run_wait(&x);
   out = read_file(path, NULL);
   check(cs == PV_CONS_FINISHED && x.status == 0, T, "state %u status %d", cs, x.status);
   same_text(T, "final output", out, w.text.p);
   free(out);
   tw_free(&w);
}

/* SIGTERM: stop, "incomplete", GONE, exit 1 */
static void test_sigterm(void)
{
   const char *T = "sigterm";
   struct tw w;
   struct run x;
   tw_init(&w, PV_MIN_DATA_SIZE);
   w_thread(&w, 1);
   w_access(&w, PV_REC_STORE, 0x42, 1, 1);
   ring_publish(&w.R);
   run_start(&x, &w, NULL, -1);
   for (int i = 0; i < 5000 && __atomic_load_n(&w.R.ctrl->tail, __ATOMIC_ACQUIRE) != w.R.head; i++)
      usleep(1000);
   kill(x.pid, SIGTERM);
   unsigned cs = wait_consumer_done(&w.R, 10);
   if (w.R.consumer > 0)
      run_wait(&x);
   else
      x.status = 1;
   char *out = read_file(x.out, NULL), *err = read_file(x.err, NULL);
   check(x.status == 1, T, "exit status %d", x.status);
   check(cs == PV_CONS_GONE, T, "state %u, want GONE", cs);
   same_text(T, "stderr", err, "pervert-dump: warning: stopped by signal 15 before the end "
             "of the trace\n");
   same_text(T, "output", out, "thread 1\nS 0x42 1 t1 s1\nincomplete\n");
   free(out); free(err);
   tw_free(&w);
}

/* ---- benchmarks -------------------------------------------------------------------- */

static double now(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static pv_u64 parse_size(const char *s)
{
   char *e;
   pv_u64 v = strtoull(s, &e, 0);
   if (*e == 'K' || *e == 'k') v <<= 10;
   else if (*e == 'M' || *e == 'm') v <<= 20;
   else if (*e == 'G' || *e == 'g') v <<= 30;
   return v;
}

/* a block of CHUNK access records resembling a real program's */
#define CHUNK 4096
static void fill_chunk(pv_u64 *blk, unsigned salt)
{
   unsigned seed = 42 + salt;
   for (int i = 0; i < CHUNK; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 8;
      unsigned type = r % 10 < 6 ? PV_REC_LOAD : r % 10 < 9 ? PV_REC_STORE : PV_REC_MODIFY;
      pv_u64 addr = (r & 1) ? 0x1ffefff000ULL + (r & 0xff8) : 0x4a4a000ULL + ((pv_u64)r & 0xffff8);
      blk[2 * i] = PV_HDR(type, 0, 1u << (r % 4), 1 + r % 5000);
      blk[2 * i + 1] = addr;
   }
}

static int bench(int prefill, const char *dump, pv_u64 nrec, pv_u64 ringsize,
                 const char *const *dargs)
{
   struct tw w;
   struct run x;
   static pv_u64 blk[2 * CHUNK];
   fill_chunk(blk, 0);
   if (prefill) {
      ringsize = 1;
      while (ringsize < nrec * 16 + 4096)
         ringsize <<= 1;
   }
   memset(&w, 0, sizeof w);
   ring_create(&w.R, ringsize, PV_PROTO_VERSION);
   dump_path = dump;
   pv_u64 hdr[2] = { PV_HDR(PV_REC_THREAD, 0, 1, 1), 0 };
   memcpy(w.R.data, hdr, 8);
   w.R.head = 8;
   /* aligned chunks from here: fill to the end of the first chunk with an access */
   int devnull = open("/dev/null", O_WRONLY);
   double t0 = 0;
   if (!prefill) {
      t0 = now();
      run_start(&x, &w, dargs, devnull);
   }
   pv_u64 done = 0;
   while (done < nrec) {
      pv_u64 n = nrec - done < CHUNK ? nrec - done : CHUNK;
      if (ring_put(&w.R, blk, n * 16) != 0) {
         fprintf(stderr, "bench: consumer gone\n");
         break;
      }
      done += n;
      if (!prefill)
         ring_publish(&w.R);
   }
   pv_u64 ex = PV_HDR(PV_REC_EXIT, 0, 1, 0);
   ring_put(&w.R, &ex, 8);
   ring_publish(&w.R);
   __atomic_store_n(&w.R.ctrl->producer_state, PV_PROD_EXITED, __ATOMIC_RELEASE);
   if (prefill) {
      t0 = now();
      run_start(&x, &w, dargs, devnull);
   }
   unsigned cs = wait_consumer_done(&w.R, 600);
   double t = now() - t0;
   if (w.R.consumer > 0) {
      run_wait(&x);
   } else {
      /* reaped by wait_consumer_done: no rusage */
      x.cpu = 0;
   }
   char *err = read_file(x.err, NULL);
   printf("%s: %llu records (%.0f MiB) in %.3f s wall = %.1f M records/s, %.2f GB/s; "
          "consumer CPU %.3f s = %.1f M records per CPU second  "
          "[ring %llu KiB; consumer state %u, exit %d]\n",
          prefill ? "prefilled" : "streaming", (unsigned long long)nrec, nrec * 16 / 1048576.0,
          t, nrec / t / 1e6, nrec * 16 / t / 1e9, x.cpu, x.cpu > 0 ? nrec / x.cpu / 1e6 : 0.0,
          (unsigned long long)(w.R.size >> 10), cs, x.status);
   if (*err)
      printf("consumer stderr:\n%s", err);
   if (w.R.ctrl->counts[1] + w.R.ctrl->counts[2] + w.R.ctrl->counts[3] != done)
      printf("MISMATCH: consumer counted %llu accesses, %llu written\n",
             (unsigned long long)(w.R.ctrl->counts[1] + w.R.ctrl->counts[2] + w.R.ctrl->counts[3]),
             (unsigned long long)done);
   free(err);
   close(devnull);
   ring_destroy(&w.R);
   return x.status;
}

/* ---- main ------------------------------------------------------------------------ */

static const struct { const char *name; void (*fn)(void); } tests[] = {
   { "text", test_text },
   { "lackey", test_lackey },
   { "count", test_count_summary },
   { "symbols", test_symbols },
   { "corrupt", test_corrupt },
   { "version", test_version },
   { "badring", test_bad_ring },
   { "options", test_options },
   { "lost", test_lost },
   { "exec", test_exec },
   { "epipe", test_epipe },
   { "full", test_full },
   { "idleflush", test_idle_flush },
   { "sigterm", test_sigterm },
};

static void t_wrap_text(void) { test_wrap(0, NULL); }
static void t_wrap_lackey(void) { test_wrap(0, "--lackey"); }
static void t_wrap_pad0(void) { test_wrap(1, NULL); }

static const struct { const char *name; void (*fn)(void); } wrap_tests[] = {
   { "wrap", t_wrap_text }, { "wrap-lackey", t_wrap_lackey }, { "wrap-pad0", t_wrap_pad0 },
};

int main(int argc, char **argv)
{
   signal(SIGPIPE, SIG_IGN);
   if (argc >= 4 && (strcmp(argv[1], "--bench") == 0 || strcmp(argv[1], "--bench-prefill") == 0)) {
      int prefill = strcmp(argv[1], "--bench-prefill") == 0;
      pv_u64 nrec = parse_size(argv[3]);
      pv_u64 ringsize = 16u << 20;
      int a = 4;
      if (!prefill && argc > 4 && argv[4][0] != '-')
         ringsize = parse_size(argv[a++]);
      static const char *const def[] = { "--count", NULL };
      const char *const *dargs = argc > a ? (const char *const *)argv + a : def;
      snprintf(workdir, sizeof workdir, "/tmp");
      return bench(prefill, argv[2], nrec, ringsize, dargs) != 0;
   }
   if (argc < 2) {
      fprintf(stderr, "usage: ring_writer PERVERT-DUMP [TEST...]\n"
                      "       ring_writer --bench[-prefill] PERVERT-DUMP NRECORDS [RINGSIZE] [ARGS]\n");
      return 2;
   }
   dump_path = argv[1];
   verbose = getenv("RING_WRITER_VERBOSE") != NULL;
   snprintf(workdir, sizeof workdir, "/tmp/ring_writer.XXXXXX");
   if (!mkdtemp(workdir)) { perror("mkdtemp"); return 3; }
   int ran = 0;
   for (unsigned k = 0; k < sizeof tests / sizeof tests[0]; k++) {
      int want = argc == 2;
      for (int i = 2; i < argc; i++)
         want |= strcmp(argv[i], tests[k].name) == 0;
      if (!want)
         continue;
      int before = failures;
      tests[k].fn();
      printf("%s %s\n", failures == before ? "PASS" : "FAIL", tests[k].name);
      ran++;
   }
   for (unsigned k = 0; k < sizeof wrap_tests / sizeof wrap_tests[0]; k++) {
      int want = argc == 2;
      for (int i = 2; i < argc; i++)
         want |= strcmp(argv[i], wrap_tests[k].name) == 0;
      if (!want)
         continue;
      int before = failures;
      wrap_tests[k].fn();
      printf("%s %s\n", failures == before ? "PASS" : "FAIL", wrap_tests[k].name);
      ran++;
   }
   if (!ran) {
      fprintf(stderr, "ring_writer: no such test\n");
      return 2;
   }
   if (failures == 0) {
      char cmd[400];
      snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
      if (system(cmd) != 0) { /* leave it */ }
   } else {
      printf("%d check(s) failed; files in %s\n", failures, workdir);
   }
   return failures != 0;
}
