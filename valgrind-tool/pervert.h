/* pervert.h -- annotate a program for pervert, the memory-access visualiser.
 *
 *    #include <pervert.h>
 *
 * Every macro here is a Valgrind client request: under
 * `valgrind --tool=pervert` it tells the tool something; run normally (or
 * under another Valgrind tool) it does nothing and costs a handful of
 * instructions.  No library to link, no pervert installation needed to
 * build: only Valgrind's <valgrind/valgrind.h> (Debian: package valgrind,
 * /usr/include/valgrind/valgrind.h).  Works from C (C99 and later) and C++.
 * Define NVALGRIND before including it to compile every request away.
 *
 * Strings passed to the macros are copied by the tool during the call; they
 * need not outlive it.
 *
 *    PERVERT_NAME_RANGE(addr, len, name)   label a memory range on the map
 *    PERVERT_NAME_OBJECT(obj, name)        the same for an object: &obj, sizeof obj
 *    PERVERT_UNNAME_RANGE(addr)            remove the labels starting at addr
 *    PERVERT_MARK(text)                    a moment on the timeline
 *    PERVERT_MARKF(fmt, ...)               the same, printf-formatted
 *    PERVERT_START_TRACING                 record memory accesses from here on
 *    PERVERT_STOP_TRACING                  stop recording memory accesses
 */
#ifndef PERVERT_H
#define PERVERT_H

/* valgrind.h is Valgrind's public, freestanding header; inside a Valgrind
   tool (which includes it through pub_tool_clreq.h) it is already there. */
#ifndef __VALGRIND_H
#  if defined(__has_include)
#    if __has_include(<valgrind/valgrind.h>)
#      include <valgrind/valgrind.h>
#    else
#      include "valgrind.h"
#    endif
#  else
#    include <valgrind/valgrind.h>
#  endif
#endif

/* The request codes.  They equal PV_CLREQ_* in pervert's shared/pv_proto.h
   (the tool checks that at compile time); this header is installed alone,
   so it repeats the numbers instead of including pv_proto.h.
   VG_USERREQ_TOOL_BASE('P','V') == 0x50560000. */
typedef enum {
   PERVERT_REQ_NAME_RANGE = VG_USERREQ_TOOL_BASE('P', 'V') + 1,
   PERVERT_REQ_MARK,                                  /* + 2 */
   PERVERT_REQ_TRACE_ON,                              /* + 3 */
   PERVERT_REQ_TRACE_OFF,                             /* + 4 */
   /* A block of a custom allocator: (addr, size, kind) and (addr, kind),
      kind as PV_ALLOC_* in shared/pv_proto.h.  The program's malloc &
      friends and C++ new/delete need nothing: the tool follows them. */
   PERVERT_REQ_ALLOC = VG_USERREQ_TOOL_BASE('P', 'V') + 0x100,
   PERVERT_REQ_FREE                                   /* + 0x101 */
} PervertClientRequest;

/* PERVERT_NAME_RANGE(addr, len, name)
 *
 *   Gives the `len` bytes at `addr` a name.  The viewer draws the name as a
 *   label over that range of the memory map, and the dump lists it, so
 *   accesses can be told apart by data structure rather than by address.
 *   A later name for the same start address replaces the earlier one.
 *   Names are not removed when the memory is freed: unname it yourself
 *   (PERVERT_UNNAME_RANGE) if the address will be reused for other data.
 *
 *      double *a = malloc(n * n * sizeof *a);
 *      PERVERT_NAME_RANGE(a, n * n * sizeof *a, "matrix A");
 */
#define PERVERT_NAME_RANGE(addr, len, name)                              \
   VALGRIND_DO_CLIENT_REQUEST_STMT(PERVERT_REQ_NAME_RANGE,               \
                                   (addr), (len), (name), 0, 0)

/* PERVERT_NAME_OBJECT(obj, name)
 *
 *   PERVERT_NAME_RANGE for a whole object (a variable, an array, a struct):
 *
 *      static int histogram[256];
 *      PERVERT_NAME_OBJECT(histogram, "histogram");
 */
#define PERVERT_NAME_OBJECT(obj, name)                                   \
   PERVERT_NAME_RANGE(&(obj), sizeof(obj), (name))

/* PERVERT_UNNAME_RANGE(addr)
 *
 *   Removes the names of ranges that start at `addr` (a name request with
 *   length 0).  The label disappears from the map from this moment on.
 *
 *      PERVERT_UNNAME_RANGE(a);
 *      free(a);
 */
#define PERVERT_UNNAME_RANGE(addr)                                       \
   VALGRIND_DO_CLIENT_REQUEST_STMT(PERVERT_REQ_NAME_RANGE,               \
                                   (addr), 0, 0, 0, 0)

/* PERVERT_MARK(text)
 *
 *   Marks the current moment with `text`.  The viewer shows marks on its
 *   timeline (and can jump to them); the dump prints them in order with the
 *   other events, so the accesses of each phase of a program are easy to
 *   find.
 *
 *      PERVERT_MARK("phase 2: transpose");
 */
#define PERVERT_MARK(text)                                               \
   VALGRIND_DO_CLIENT_REQUEST_STMT(PERVERT_REQ_MARK, (text), 0, 0, 0, 0)

/* PERVERT_MARKF(fmt, ...)
 *
 *   PERVERT_MARK with printf formatting (snprintf into a 256-byte buffer on
 *   the stack, longer text is cut).  Formats only when running under
 *   Valgrind.  Needs <stdio.h>, which this header includes unless
 *   PERVERT_NO_STDIO is defined (then PERVERT_MARKF is not available).
 *
 *      for (int it = 0; it < iterations; it++) {
 *         PERVERT_MARKF("iteration %d", it);
 *         ...
 *      }
 */
#ifndef PERVERT_NO_STDIO
#include <stdio.h>
#define PERVERT_MARKF(...)                                               \
   do {                                                                  \
      if (RUNNING_ON_VALGRIND) {                                         \
         char pervert_markf_buf_[256];                                   \
         snprintf(pervert_markf_buf_, sizeof pervert_markf_buf_,         \
                  __VA_ARGS__);                                          \
         PERVERT_MARK(pervert_markf_buf_);                               \
      }                                                                  \
   } while (0)
#endif

/* PERVERT_START_TRACING, PERVERT_STOP_TRACING
 *
 *   Turn the recording of memory accesses (loads, stores) on and off, for
 *   the whole program, all threads.  While tracing is stopped no access
 *   events are produced; heap, mapping, thread, name and mark events still
 *   are.  Run with `--trace-at-start=no` to start with tracing stopped and
 *   record only the part of the program between the two:
 *
 *      setup();                   // not recorded
 *      PERVERT_START_TRACING;
 *      compute();                 // recorded
 *      PERVERT_STOP_TRACING;
 *      report();                  // not recorded
 */
#define PERVERT_START_TRACING                                            \
   VALGRIND_DO_CLIENT_REQUEST_STMT(PERVERT_REQ_TRACE_ON, 0, 0, 0, 0, 0)

#define PERVERT_STOP_TRACING                                             \
   VALGRIND_DO_CLIENT_REQUEST_STMT(PERVERT_REQ_TRACE_OFF, 0, 0, 0, 0, 0)

#endif /* PERVERT_H */
