/* shot.h -- screenshots: read the frame back before it is presented and
 * save it as PNG (SDL_RenderReadPixels + IMG_SavePNG).  Encoding a
 * 1920x1080 PNG takes tens of milliseconds, so the viewer grabs the pixels
 * in the frame and writes the file afterwards (headless: at the end, before
 * telling the tool it is done) or on a background thread (the screenshot
 * key). */
#ifndef PV_VIEW_SHOT_H
#define PV_VIEW_SHOT_H

#include <stddef.h>
#include <SDL2/SDL.h>

/* What REN has drawn so far (its whole output) as a new surface; NULL with
 * a reason in ERR. */
SDL_Surface *pv_shot_grab(SDL_Renderer *ren, char *err, size_t errlen);
/* Write S to PATH as PNG and free S.  0 on success, else -1 with ERR. */
int  pv_shot_write(SDL_Surface *s, const char *path, char *err, size_t errlen);
/* The same on a background thread; pv_shot_poll then reports the result
 * once: 1 saved, -1 failed (message in MSG), 0 nothing new. */
void pv_shot_write_async(SDL_Surface *s, const char *path);
int  pv_shot_poll(char *msg, size_t n);
/* grab + write */
int  pv_shot_save(SDL_Renderer *ren, const char *path, char *err, size_t errlen);
/* "PROG-20261125-174502.png" from the program's path and the local time. */
void pv_shot_name(char *buf, size_t n, const char *prog);

#endif
