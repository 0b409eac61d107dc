/* shot.h -- screenshots: read the frame back before it is presented and
 * save it as PNG (SDL_RenderReadPixels + IMG_SavePNG). */
#ifndef PV_VIEW_SHOT_H
#define PV_VIEW_SHOT_H

#include <stddef.h>
#include <SDL2/SDL.h>

/* Save what REN has drawn so far (its whole output) to PATH.  0 on success,
 * else -1 with a reason in ERR. */
int  pv_shot_save(SDL_Renderer *ren, const char *path, char *err, size_t errlen);
/* "PROG-20261125-174502.png" from the program's path and the local time. */
void pv_shot_name(char *buf, size_t n, const char *prog);

#endif
