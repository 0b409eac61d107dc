/* prologue.h -- the records that describe the state of a run so far,
 * written at the start of a recording that starts mid-run (the t key): the
 * program (INFO), its code sites and allocation stacks (SITE, STACK), its
 * mappings (MAP), named ranges and thread stacks (NAME, THREAD_STACK), its
 * live heap blocks (ALLOC) and the running thread (THREAD), all rebuilt
 * from the viewer's model.  A replay of the file then starts from the
 * picture the viewer had, not from an empty address space.  (What the
 * model does not keep -- per-line access history, freed blocks, the exact
 * argument boundaries of the command line -- is not in it.) */
#ifndef PV_VIEW_PROLOGUE_H
#define PV_VIEW_PROLOGUE_H

#include "model.h"
#include "pv_trace.h"

/* Append the prologue of M to W.  0, or -1 with errno set. */
int pv_prologue_write(struct pv_trace_writer *w, const struct pv_model *m);

#endif
