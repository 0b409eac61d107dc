/* video.h -- writes the window's frames to a video file: MP4 (H.264)
 * through the ffmpeg program, fed raw BGRA frames on a pipe, or an animated
 * PNG (APNG) written here with zlib when ffmpeg is not installed or the
 * file name ends in .png/.apng.
 *
 * Why the ffmpeg program and not libavcodec: it is optional at run time
 * (pervert builds and runs without it), its command line is stable across
 * FFmpeg versions where the libav* API is not, and the encoder runs in its
 * own process, on the other core, so encoding does not slow the viewer's
 * loop.  The frame rate is fixed; the caller decides which frame to write
 * when (pv_video_frame may repeat a frame). */
#ifndef PV_VIEW_VIDEO_H
#define PV_VIEW_VIDEO_H

#include <stddef.h>
#include <SDL2/SDL.h>

struct pv_video;

/* Is the ffmpeg program in PATH? */
int  pv_video_have_ffmpeg(void);
/* Start a video of W x H frames at FPS in PATH.  *PATH_OUT gets the file
 * actually written (PATH, or PATH with .png when ffmpeg is missing and PATH
 * asked for another format), NOTE a warning to show ("" if none).  NULL
 * with a one-line reason in ERR. */
struct pv_video *pv_video_open(const char *path, int w, int h, int fps,
                               char *path_out, size_t path_len, char *note, size_t note_len,
                               char *err, size_t errlen);
/* Read the current frame of REN (before SDL_RenderPresent) and write it
 * COPIES times (0: only read nothing).  0, or -1 (reason in ERR). */
int  pv_video_frame(struct pv_video *v, SDL_Renderer *ren, int copies, char *err, size_t errlen);
/* Finish the file (ffmpeg: close the pipe and wait).  0, or -1 (ERR). */
int  pv_video_close(struct pv_video *v, char *err, size_t errlen);
/* frames written so far */
long pv_video_frames(const struct pv_video *v);

#endif
