/* blockcard.h -- the heap block card (issue 6): allocation stack, lifetime,
 * accesses, bytes touched versus bytes allocated (DHAT's idea), and the code
 * sites that touched it.  Pure text from the analysis and the model (like
 * card.h), so tests can print it; sitepanel.c draws it. */
#ifndef PV_VIEW_BLOCKCARD_H
#define PV_VIEW_BLOCKCARD_H

#include "card.h"
#include "sites.h"

/* The block WHAT names: "0xADDR" (the live block containing it, or a freed
 * one the analysis kept), "#RANK" (by accesses), or a function name that
 * appears in the block's allocation stack (the busiest such block).  NULL
 * if none. */
const struct pv_block_stats *pv_blockcard_find(struct pv_sites *s, struct pv_model *m,
                                               const char *what);

/* The block containing ADDR (live, else a kept freed one), NULL if none. */
const struct pv_block_stats *pv_blockcard_at(struct pv_sites *s, pv_u64 addr);

/* Fill C with the card of block B. */
void pv_blockcard_build(struct pv_card *c, struct pv_sites *s, struct pv_model *m,
                        const struct pv_block_stats *b);

#endif
