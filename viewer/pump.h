/* pump.h -- the live viewer's ingest thread.
 *
 * A frame takes a few milliseconds to draw (more with llvmpipe at full HD)
 * and a 4 MiB ring holds about two milliseconds of a fast program's
 * records: a viewer that reads the ring only between frames makes the
 * program wait at every frame.  The pump reads the ring into the model on
 * a thread of its own whenever the main thread lets go of the model.
 *
 * One lock guards the whole application state (struct pv_app).  The main
 * thread holds it all the time except while SDL presents a frame (llvmpipe
 * rasterises then, on its own threads) and while it waits for the next
 * frame; the pump holds it while it reads a slice of records (at most half
 * a millisecond) and lets go in between, at once when the main thread
 * asks.  So the code of the main thread runs exactly as in a viewer with
 * no thread at all: nothing else changes the model while it looks.
 *
 * Used for live windows and --sample=yes (where the picture may differ
 * from run to run anyway); exact headless pictures keep the single thread,
 * whose ingest stops at the same record every time. */
#ifndef PV_VIEW_PUMP_H
#define PV_VIEW_PUMP_H

struct pv_app;

/* Start the thread (the caller holds nothing; from then on the main thread
 * holds the lock).  -1 if it cannot start: then the caller ingests itself. */
int  pv_pump_start(struct pv_app *a);
/* The ingest thread's id (cpushare.h), 0 if it has not started. */
int  pv_pump_tid(struct pv_app *a);
/* How much nicer than the ingest thread the other threads run (a frame
 * can wait; the program should not), and the ingest thread's time slice
 * (Linux 6.12 and later): cpushare.h.  xz -9 waited 0.10-0.12 s with
 * these, 0.13-0.17 with +5 and the default slice. */
#define PV_DRAW_NICE 10
#define PV_INGEST_SLICE_US 300
/* Main thread: let go of the application state / take it back. */
void pv_pump_release(struct pv_app *a);
void pv_pump_take(struct pv_app *a);
/* Main thread, in the middle of a long walk over the model: if the ring is
 * filling up, let the pump read a slice (the model may change meanwhile). */
void pv_pump_yield(struct pv_app *a);
/* Main thread, holding the lock: stop the thread and wait for it.  The
 * main thread keeps the lock (and needs it no more). */
void pv_pump_stop(struct pv_app *a);

/* Sampling when behind (both loops): FILL is how full the ring was before
 * the last ingest; see pump.c. */
void pv_pump_adjust_sampling(struct pv_app *a, double fill, double now);

/* Main thread, once a frame: how many frame intervals (of --fps) until the
 * next frame, 1, 2 or 4.  More than 1 while the program waits for room in
 * the ring (the tool's waited_ns grows): then frames give the core to the
 * ingest; see pump.c. */
unsigned pv_pump_frame_pace(struct pv_app *a, double now);

#endif
