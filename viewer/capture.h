/* capture.h -- what the viewer writes while it shows: a video of the window
 * (v key; --render in replay) at a fixed frame rate whatever the drawing
 * speed, and a trace file of the stream it reads from the ring (t key;
 * --record=FILE), written with shared/pv_trace_write.c. */
#ifndef PV_VIEW_CAPTURE_H
#define PV_VIEW_CAPTURE_H

struct pv_app;

#define PV_VIDEO_FPS_DEFAULT 30

/* After drawing a frame, before presenting it: start/stop a video if asked,
 * and write this frame as many times as the video's clock wants (live:
 * wall clock NOW; --render: exactly once). */
void pv_capture_frame(struct pv_app *a, double now);
/* Stop the video (at exit).  0, or -1 (message printed). */
int  pv_capture_video_stop(struct pv_app *a);

/* Start recording the stream to PATH (NULL: a name after the program and
 * the time).  0, or -1 with the reason in the toast / on stderr. */
int  pv_capture_record_start(struct pv_app *a, const char *path);
/* Finish the trace file (FLAGS: PV_TRACE_F_*).  0, or -1 (printed). */
int  pv_capture_record_stop(struct pv_app *a, unsigned flags);
/* t key: start or stop */
void pv_capture_record_toggle(struct pv_app *a);

#endif
