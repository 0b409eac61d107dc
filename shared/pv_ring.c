/* pv_ring.c -- consumer side of the pervert shared-memory ring.
 * See pv_ring.h for the API and pv_proto.h for the layout. */
#define _GNU_SOURCE
#include "pv_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pv_u64 load_acquire(volatile pv_u64 *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

int pv_reader_attach(struct pv_reader *r, const char *path, char *err, size_t errlen)
{
   struct stat st;
   memset(r, 0, sizeof *r);
   r->fd = -1;
   snprintf(r->path, sizeof r->path, "%s", path);
   r->fd = open(path, O_RDWR | O_CLOEXEC);
   if (r->fd < 0) {
      snprintf(err, errlen, "cannot open ring %s: %s", path, strerror(errno));
      return -1;
   }
   if (fstat(r->fd, &st) != 0 || (size_t)st.st_size < PV_CTRL_SIZE + PV_MIN_DATA_SIZE) {
      snprintf(err, errlen, "%s is not a pervert ring (too small)", path);
      goto fail;
   }
   r->map_len = (size_t)st.st_size;
   void *m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
   if (m == MAP_FAILED) {
      snprintf(err, errlen, "cannot map ring %s: %s", path, strerror(errno));
      goto fail;
   }
   r->ctrl = m;
   if (r->ctrl->magic != PV_MAGIC) {
      snprintf(err, errlen, "%s is not a pervert ring (bad magic)", path);
      munmap(m, r->map_len); r->ctrl = NULL;
      goto fail;
   }
   if (r->ctrl->version != PV_PROTO_VERSION) {
      snprintf(err, errlen, "protocol version mismatch: the tool speaks version %u, "
               "this program version %u; install matching pervert tool and viewer",
               r->ctrl->version, PV_PROTO_VERSION);
      r->ctrl->consumer_pid = (pv_u32)getpid();
      __atomic_store_n(&r->ctrl->consumer_state, PV_CONS_REJECTED, __ATOMIC_RELEASE);
      munmap(m, r->map_len); r->ctrl = NULL;
      unlink(path);
      goto fail;
   }
   r->size = r->ctrl->data_size;
   if (r->size == 0 || (r->size & (r->size - 1)) != 0
       || r->ctrl->ctrl_size != PV_CTRL_SIZE
       || PV_CTRL_SIZE + r->size > r->map_len) {
      snprintf(err, errlen, "%s: corrupt ring control page", path);
      munmap(m, r->map_len); r->ctrl = NULL;
      goto fail;
   }
   r->mask = r->size - 1;
   r->data = (const pv_u8 *)m + PV_CTRL_SIZE;
   r->producer = (pid_t)r->ctrl->producer_pid;
   r->tail = r->published_tail = __atomic_load_n(&r->ctrl->tail, __ATOMIC_ACQUIRE);
   r->ctrl->consumer_pid = (pv_u32)getpid();
   __atomic_store_n(&r->ctrl->consumer_state, PV_CONS_ATTACHED, __ATOMIC_RELEASE);
   /* Both sides have it mapped now: nothing is left behind if either is killed. */
   unlink(path);
   return 0;
fail:
   close(r->fd);
   r->fd = -1;
   return -1;
}

int pv_reader_producer_alive(struct pv_reader *r)
{
   if (r->producer <= 0)
      return 0;
   if (kill(r->producer, 0) != 0 && errno == ESRCH)
      return 0;
   /* Same pid, but has it exec'd a program that no longer maps the ring?
    * Also catches a zombie: its maps are empty. */
   char maps[64], line[512];
   snprintf(maps, sizeof maps, "/proc/%d/maps", (int)r->producer);
   FILE *f = fopen(maps, "re");
   if (!f)   /* gone, or not ours to read (hidepid, ptrace policy): trust kill() */
      return errno == EACCES || errno == EPERM;
   const char *base = strrchr(r->path, '/');
   base = base ? base + 1 : r->path;
   int found = 0;
   while (!found && fgets(line, sizeof line, f))
      found = strstr(line, base) != NULL;
   fclose(f);
   return found;
}

int pv_reader_batch(struct pv_reader *r, const pv_u8 **p, size_t *n)
{
   for (;;) {
      pv_u64 head = load_acquire(&r->ctrl->head);
      if (head == r->tail) {
         unsigned st = __atomic_load_n(&r->ctrl->producer_state, __ATOMIC_ACQUIRE);
         if (st == PV_PROD_EXITED || st == PV_PROD_EXECED) {
            /* head may have moved between the two loads */
            if (load_acquire(&r->ctrl->head) == r->tail)
               return PV_BATCH_END;
            continue;
         }
         /* Check now and then that the producer is still alive. */
         if (++r->idle_polls >= 64) {
            r->idle_polls = 0;
            if (!pv_reader_producer_alive(r)) {
               if (load_acquire(&r->ctrl->head) != r->tail)
                  continue;
               r->lost = 1;
               return PV_BATCH_END;
            }
         }
         return PV_BATCH_NONE;
      }
      r->idle_polls = 0;
      r->backoff_us = 0;
      r->idle_us = 0;
      if (head - r->tail > r->size) {   /* corrupt: cannot happen with a sane producer */
         r->lost = 1;
         return PV_BATCH_END;
      }
      pv_u64 pos = r->tail & r->mask;
      pv_u64 avail = head - r->tail;
      if (avail > r->size - pos)
         avail = r->size - pos;
      const pv_u8 *s = r->data + pos;
      /* Skip padding: sub=1 runs to the end of the data area, otherwise it
       * is n16 words long.  Only a PAD that is whole and published is
       * skipped here; anything odd (n16 = 0, past head or the area's end)
       * is handed to the caller, whose record check reports it corrupt. */
      pv_u64 h = *(const pv_u64 *)s;
      if (PV_HDR_TYPE(h) == PV_REC_PAD) {
         pv_u64 skip = PV_HDR_SUB(h) == 1 ? r->size - pos : (pv_u64)PV_HDR_N16(h) * 8u;
         if (skip != 0 && skip <= avail) {
            r->tail += skip;
            continue;
         }
      }
      *p = s;
      *n = (size_t)avail;
      return PV_BATCH_DATA;
   }
}

void pv_reader_consume(struct pv_reader *r, size_t n)
{
   r->tail += n;
   /* publish eagerly enough that a waiting producer gets room */
   if (r->tail - r->published_tail >= (r->size >> 4) || n == 0
       || load_acquire(&r->ctrl->head) == r->tail) {
      __atomic_store_n(&r->ctrl->tail, r->tail, __ATOMIC_RELEASE);
      r->published_tail = r->tail;
   }
}

void pv_reader_wait(struct pv_reader *r, int ms)
{
   /* The producer publishes every few thousand events or at each syscall:
    * a short sleep is enough and costs no CPU.  Back off exponentially from
    * 50 us after data to the cap: 300 us for the first 50 ms without data
    * (a program between two bursts: a fast one fills a 4 MiB ring in 1-2
    * ms), then at most 2.2 ms (an idle program costs no CPU). */
   long cap_us = r->idle_us < 50000 ? 300
                 : (long)(ms > 0 ? (ms < 2 ? ms : 2) : 0) * 1000L + 200L;
   long us = r->backoff_us ? (long)r->backoff_us * 2 : 50;
   if (us > cap_us)
      us = cap_us;
   r->backoff_us = (unsigned)us;
   if (r->idle_us < 50000)
      r->idle_us += (unsigned)us;
   struct timespec ts = { 0, us * 1000L };
   pv_reader_publish(r);
   nanosleep(&ts, NULL);
}

void pv_reader_publish(struct pv_reader *r)
{
   if (r->tail != r->published_tail) {
      __atomic_store_n(&r->ctrl->tail, r->tail, __ATOMIC_RELEASE);
      r->published_tail = r->tail;
   }
}

int pv_reader_command(struct pv_reader *r, enum pv_ctl_cmd cmd, pv_u64 arg)
{
   if (!r->ctrl || pv_reader_command_pending(r))
      return -1;
   r->ctrl->cmd = (pv_u32)cmd;
   r->ctrl->cmd_arg = arg;
   __atomic_add_fetch(&r->ctrl->cmd_seq, 1, __ATOMIC_RELEASE);
   return 0;
}

int pv_reader_command_pending(const struct pv_reader *r)
{
   if (!r->ctrl)
      return 0;
   return __atomic_load_n(&r->ctrl->cmd_ack, __ATOMIC_ACQUIRE)
          != __atomic_load_n(&r->ctrl->cmd_seq, __ATOMIC_RELAXED);
}

int pv_reader_paused(const struct pv_reader *r)
{
   return r->ctrl && __atomic_load_n(&r->ctrl->paused, __ATOMIC_ACQUIRE) != 0;
}

void pv_reader_detach(struct pv_reader *r, enum pv_consumer_state why)
{
   if (r->ctrl) {
      __atomic_store_n(&r->ctrl->tail, r->tail, __ATOMIC_RELEASE);
      __atomic_store_n(&r->ctrl->consumer_state, (pv_u32)why, __ATOMIC_RELEASE);
      munmap((void *)r->ctrl, r->map_len);
      r->ctrl = NULL;
   }
   if (r->fd >= 0)
      close(r->fd);
   r->fd = -1;
}

const char *pv_rec_string(const pv_u8 *rec, size_t len, size_t off)
{
   if (off >= len)
      return "";
   const char *s = (const char *)rec + off;
   if (memchr(s, 0, len - off) == NULL)
      return "";
   return s;
}
