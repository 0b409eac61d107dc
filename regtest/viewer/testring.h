/* testring.h -- a ring of 16 KiB in this process's memory, written by the
 * test the way the tool writes the real one (records, PAD at the end of a
 * lap), read by a struct pv_ingest attached to it as to the real one.
 * For the viewer's unit tests (test_model.c, test_pump.c). */
#ifndef PV_TEST_RING_H
#define PV_TEST_RING_H

#include <string.h>
#include <unistd.h>

#include "ingest.h"

enum { RING = 1 << 14 };
struct ring { struct pv_ctrl ctrl; pv_u8 data[RING]; pv_u64 head; };

/* Put the LEN-byte record REC (padding first when it does not fit before
 * the end of the data area); -1 when the ring has no room.  Published by
 * setting g->ctrl.head = g->head. */
static int ring_put(struct ring *g, const pv_u8 *rec, size_t len)
{
   size_t pos = g->head & (RING - 1), pad = pos + len > RING ? RING - pos : 0;
   if (g->head + pad + len - g->ctrl.tail > RING)
      return -1;                                   /* full */
   if (pad) {
      pv_u64 h = PV_HDR(PV_REC_PAD, 1, 1, 0);
      memcpy(g->data + pos, &h, 8);
      g->head += pad;
      pos = 0;
   }
   memcpy(g->data + pos, rec, len);
   g->head += len;
   return 0;
}

/* Clear G and attach IN to it. */
static void ring_reader(struct ring *g, struct pv_ingest *in)
{
   memset(g, 0, sizeof *g);
   memset(in, 0, sizeof *in);
   in->r.fd = -1;
   in->r.ctrl = &g->ctrl;
   in->r.data = g->data;
   in->r.size = RING;
   in->r.mask = RING - 1;
   in->r.producer = getpid();
   in->attached = 1;
}

#endif
