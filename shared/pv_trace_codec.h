/* pv_trace_codec.h -- what the trace writer's encoder (pv_trace_write.c)
 * and the reader's decoder (pv_trace_read.c) must agree on for the column
 * codecs: the per-site predictor slots and how a slot learns from an
 * access (PROTOCOL.txt section 14).  Internal to those two files. */
#ifndef PV_TRACE_CODEC_H
#define PV_TRACE_CODEC_H

#include "pv_proto.h"

#define SITE_SLOTS 16384u          /* per-site predictor slots (site & mask) */

/* A site slot: codecs SITE and STRIDE use last (and stride); PREDICT all:
 * succ is the site that followed this slot's site last time; key the
 * type and size (header bits 0..7 and 16..31) of its last access, and
 * PREF_BIT; rel its address's offset from the previous access's (32 bits,
 * sign-extended); flag its flag byte without the site bits.  (The decoder's
 * slot; the encoder keeps the same state packed for its common case,
 * pv_trace_write.c's struct enc_slot, and learns as pv_slot_learn.) */
struct site_slot { pv_u64 last, stride; pv_u32 succ, key; pv_s32 rel; pv_u8 flag; };

#define KEY_MASK 0xFFFF00FFu       /* type and size of an access header */
#define PREF_BIT 0x100u            /* in key: PREDICT prefers the offset */

/* Codec PREDICT: slot S after an access at ADDR with key KP and flag byte
 * F; LAST was the slot's last address, PREV the previous access's. */
static inline void pv_slot_learn(struct site_slot *s, pv_u32 kp, unsigned f, pv_u64 addr,
                                 pv_u64 last, pv_u64 prev)
{
   s->key = kp;
   s->flag = (pv_u8)(f & ~3u);
   s->stride = addr - last;
   s->last = addr;
   s->rel = (pv_s32)(addr - prev);
}

#endif
