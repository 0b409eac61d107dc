/* pv_ring.h -- the consumer side of the pervert ring (see pv_proto.h).
 *
 * Used by every native consumer (pervert-dump, pervert-view).  The producer
 * side lives inside the Valgrind tool (valgrind-tool/pv_ring_prod.c), which
 * has no libc and so cannot share this code.
 *
 * Typical loop:
 *
 *     struct pv_reader r;
 *     if (pv_reader_attach(&r, path, err, sizeof err) != 0) { print err; exit 2; }
 *     for (;;) {
 *        const pv_u8 *p; size_t n;
 *        int st = pv_reader_batch(&r, &p, &n);   // a span of whole records
 *        if (st == PV_BATCH_DATA) { walk records in p[0..n); pv_reader_consume(&r, n); }
 *        else if (st == PV_BATCH_END) break;     // producer finished, all read
 *        else pv_reader_wait(&r, 10);            // nothing yet: sleep a little
 *     }
 *     pv_reader_detach(&r, PV_CONS_FINISHED);
 */
#ifndef PV_RING_H
#define PV_RING_H

#include <stddef.h>
#include <sys/types.h>
#include "pv_proto.h"

struct pv_reader {
   int                fd;
   struct pv_ctrl    *ctrl;
   const pv_u8       *data;
   size_t             map_len;
   pv_u64             size, mask;
   pv_u64             tail;          /* local copy; published by pv_reader_consume */
   pv_u64             published_tail;
   pid_t              producer;
   char               path[256];
   int                lost;          /* producer died without an EXIT record */
   unsigned           idle_polls;
   unsigned           backoff_us;    /* next pv_reader_wait sleep; 0 after data */
   unsigned           idle_us;       /* slept since the last data (up to 50 ms) */
};

enum { PV_BATCH_NONE = 0, PV_BATCH_DATA = 1, PV_BATCH_END = 2 };

/* Open and map the ring at PATH, check magic and version, announce this
 * process as the consumer and unlink the file.  0 on success; -1 with a
 * one-line reason in ERR. */
int  pv_reader_attach(struct pv_reader *r, const char *path, char *err, size_t errlen);

/* A span of whole records ready to read: PV_BATCH_DATA with *P, *N set;
 * PV_BATCH_NONE when nothing is published yet; PV_BATCH_END when the producer
 * has finished (exited, exec'd or died) and everything was read.
 * Padding at the end of the data area is skipped inside. */
int  pv_reader_batch(struct pv_reader *r, const pv_u8 **p, size_t *n);

/* Mark N bytes of the last span as read, freeing room for the producer. */
void pv_reader_consume(struct pv_reader *r, size_t n);

/* Sleep up to MS milliseconds (less when data may come sooner): right after
 * data the sleeps are short (50 us) and double while the ring stays empty,
 * so that a small ring does not fill up while the consumer sleeps. */
void pv_reader_wait(struct pv_reader *r, int ms);
/* Give the room of every record consumed so far back to the producer now
 * (before sleeping elsewhere). */
void pv_reader_publish(struct pv_reader *r);

/* Is the producer process still there?  (It can die by SIGKILL without
 * writing anything, or exec another program.) */
int  pv_reader_producer_alive(struct pv_reader *r);

/* The control channel (PROTOCOL.txt section 5a).
 *
 * Post a command to the producer: 0 when posted; -1 when the previous one
 * has not been taken yet (the slot is busy: try again a little later, e.g.
 * next frame; a program blocked in a system call takes commands when the
 * call returns).  Commands: PV_CMD_PAUSE, PV_CMD_RESUME, PV_CMD_STEP (arg =
 * number of access records), PV_CMD_STEP_ALLOC, PV_CMD_STEP_MARK,
 * PV_CMD_RATE (arg = access records per second, 0 = full speed). */
int  pv_reader_command(struct pv_reader *r, enum pv_ctl_cmd cmd, pv_u64 arg);
/* 1 while the last posted command has not been taken. */
int  pv_reader_command_pending(const struct pv_reader *r);
/* 1 while the program is held (paused, or a step is done).  After a
 * command was taken, paused == 1 also means: nothing more will be
 * published until the next command, and all of it up to the pause point
 * already is. */
int  pv_reader_paused(const struct pv_reader *r);

/* Tell the producer we are done (PV_CONS_FINISHED or PV_CONS_GONE), unmap. */
void pv_reader_detach(struct pv_reader *r, enum pv_consumer_state why);

/* Strings inside a record: the NUL-terminated string starting at byte OFF
 * of record REC whose total length is LEN bytes; "" when out of bounds. */
const char *pv_rec_string(const pv_u8 *rec, size_t len, size_t off);

#endif
