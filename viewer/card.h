/* card.h -- the hover card's content: what the viewer knows about one
 * address (and the cell around it): region, named range, heap block with its
 * allocation stack, last access with its code site and thread, read/write
 * counts.  Pure text from the model, so tests can check it directly; hud.c
 * draws it. */
#ifndef PV_VIEW_CARD_H
#define PV_VIEW_CARD_H

#include "model.h"

#define PV_CARD_LINES 24
#define PV_CARD_WIDTH 120

enum pv_card_style { PV_CS_TITLE, PV_CS_TEXT, PV_CS_DIM, PV_CS_ACCENT, PV_CS_WARN };

struct pv_card {
   int n;
   struct { char text[PV_CARD_WIDTH]; int style; } l[PV_CARD_LINES];
};

/* Describe ADDR, whose cell covers [CELL_LO, CELL_HI).  NOW is the viewer
 * clock (for "freed 0.4 s ago"). */
void pv_card_build(struct pv_card *c, struct pv_model *m, pv_u64 addr,
                   pv_u64 cell_lo, pv_u64 cell_hi, double now);

/* Append a line (printf-style; dropped when the card is full). */
void pv_card_add(struct pv_card *c, int style, const char *fmt, ...)
   __attribute__((format(printf, 3, 4)));

/* "read", "write", "modify", "kernel read", "kernel write" */
const char *pv_card_kind_name(unsigned kind);
/* Name of an x86-64 Linux system call, or NULL. */
const char *pv_card_syscall_name(pv_u32 nr);

#endif
