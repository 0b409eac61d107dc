/* source.h -- source lines for the code context: reads the file of a code
 * site (its directory from the debug info + its name) when it is readable,
 * and keeps a few files' lines in a small cache. */
#ifndef PV_VIEW_SOURCE_H
#define PV_VIEW_SOURCE_H

#include <stddef.h>
#include "pv_symtab.h"

#define PV_SRC_WIDTH 160

struct pv_src_line { unsigned no; int is_target; char text[PV_SRC_WIDTH]; };

/* Lines LINE-CTX .. LINE+CTX of site S's source file into OUT (at most MAX);
 * returns how many, 0 when the file cannot be read or has no such line.
 * Tabs become spaces. */
int pv_source_lines(const struct pv_site *s, unsigned ctx, struct pv_src_line *out, int max);

/* Forget the cached files. */
void pv_source_flush(void);

#endif
