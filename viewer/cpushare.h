/* cpushare.h -- where and how urgently the live viewer's threads run.
 *
 * Valgrind runs a program's threads one at a time, on one CPU, and a fast
 * program fills the 4 MiB ring in about a millisecond.  The viewer has
 * three or four busy threads (the main thread, the ingest thread,
 * llvmpipe's rasterisers).  Left to the scheduler:
 *   - they share every CPU with the program: a rasteriser preempts it;
 *   - the ingest thread, back from a 50 us nap, waits behind a frame that
 *     is being drawn on its CPU for several milliseconds, and the program
 *     waits for room all that time.
 * So the viewer keeps its threads off the CPU the program runs on (when
 * there are two or more), runs every thread but the ingest thread at a
 * lower priority (a higher nice value, which needs no privilege), and
 * gives the ingest thread a short time slice, so that it is picked soon
 * when it wakes up: a frame can wait, the program should not.  Measured
 * in viewer/BENCHMARKS.md, session 5. */
#ifndef PV_VIEW_CPUSHARE_H
#define PV_VIEW_CPUSHARE_H

#include <sys/types.h>

/* Move every thread of this process (and so the threads it makes later)
 * off the CPU that process PID last ran on, when this process may run on
 * at least two CPUs.  Returns the CPU left to the program, or -1 when
 * nothing was changed (one CPU, PID unknown, or the kernel refused). */
int pv_cpushare_leave_cpu_of(pid_t pid);

/* Raise the nice value of every thread of this process but thread KEEP and
 * threads named pv-* (the recording's compression thread) by BY (threads
 * made later by them inherit it); IDLE: put them in SCHED_IDLE as well
 * (they then run only when nothing else wants their CPU, and a thread
 * that wakes up takes the CPU from them at once; an unprivileged process
 * cannot take them out of it again).  Returns how many threads were
 * changed. */
int pv_cpushare_lower_others(pid_t keep, int by, int idle);

/* Ask for a time slice of US microseconds for the calling thread (Linux
 * 6.12 and later: a thread with a shorter slice is picked sooner when it
 * wakes up).  0 on success, -1 (errno) where the kernel has no such thing. */
int pv_cpushare_short_slice(unsigned us);

/* The calling thread's id (for KEEP). */
pid_t pv_cpushare_tid(void);

#endif
