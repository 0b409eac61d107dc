/* video.c -- window frames to MP4 (ffmpeg through a pipe) or APNG (zlib)
 * (see video.h). */
#define _GNU_SOURCE
#include "video.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

struct pv_video {
   int      w, h, fps;
   long     frames;
   uint8_t *pix;               /* one frame, BGRA as read back */
   /* ffmpeg */
   pid_t    pid;
   int      fd;                /* pipe to its stdin (-1 for APNG) */
   /* APNG */
   FILE    *f;
   long     actl_off;          /* where acTL's data starts (patched at the end) */
   uint32_t seq;               /* fcTL / fdAT sequence number */
   uint8_t *raw, *z;           /* filtered rows, deflated frame */
   size_t   raw_n, z_cap;
};

int pv_video_have_ffmpeg(void)
{
   const char *path = getenv("PATH");
   if (!path)
      path = "/usr/bin:/bin";
   char buf[4096];
   while (*path) {
      const char *e = strchr(path, ':');
      size_t l = e ? (size_t)(e - path) : strlen(path);
      snprintf(buf, sizeof buf, "%.*s/ffmpeg", (int)l, path);
      if (l && access(buf, X_OK) == 0)
         return 1;
      path += l + (e != NULL);
   }
   return 0;
}

static int ends_with(const char *s, const char *suf)
{
   size_t a = strlen(s), b = strlen(suf);
   return a >= b && strcasecmp(s + a - b, suf) == 0;
}

/* ---- ffmpeg ---------------------------------------------------------- */

static int ffmpeg_start(struct pv_video *v, const char *path, char *err, size_t errlen)
{
   int p[2];
   if (pipe2(p, O_CLOEXEC) != 0) {
      snprintf(err, errlen, "cannot make a pipe to ffmpeg: %s", strerror(errno));
      return -1;
   }
   char size[32], rate[16];
   snprintf(size, sizeof size, "%dx%d", v->w, v->h);
   snprintf(rate, sizeof rate, "%d", v->fps);
   const char *argv[40];
   int n = 0;
   argv[n++] = "ffmpeg";
   argv[n++] = "-hide_banner";
   argv[n++] = "-loglevel";
   argv[n++] = "error";
   argv[n++] = "-nostdin";
   argv[n++] = "-y";
   argv[n++] = "-f";
   argv[n++] = "rawvideo";
   argv[n++] = "-pix_fmt";
   argv[n++] = "bgra";
   argv[n++] = "-s";
   argv[n++] = size;
   argv[n++] = "-framerate";
   argv[n++] = rate;
   argv[n++] = "-i";
   argv[n++] = "pipe:0";
   if (ends_with(path, ".mp4") || ends_with(path, ".mov") || ends_with(path, ".mkv")) {
      /* H.264 in yuv420p plays everywhere (talk laptops, browsers) */
      argv[n++] = "-c:v";
      argv[n++] = "libx264";
      argv[n++] = "-preset";
      argv[n++] = "veryfast";
      argv[n++] = "-crf";
      argv[n++] = "18";
      argv[n++] = "-vf";
      argv[n++] = "pad=ceil(iw/2)*2:ceil(ih/2)*2";
      argv[n++] = "-pix_fmt";
      argv[n++] = "yuv420p";
      argv[n++] = "-movflags";
      argv[n++] = "+faststart";
   }
   argv[n++] = "-r";
   argv[n++] = rate;
   argv[n++] = path;
   argv[n] = NULL;
   pid_t pid = fork();
   if (pid < 0) {
      snprintf(err, errlen, "cannot start ffmpeg: %s", strerror(errno));
      close(p[0]);
      close(p[1]);
      return -1;
   }
   if (pid == 0) {
      dup2(p[0], 0);
      execvp("ffmpeg", (char *const *)argv);
      fprintf(stderr, "pervert-view: cannot run ffmpeg: %s\n", strerror(errno));
      _exit(127);
   }
   close(p[0]);
   v->pid = pid;
   v->fd = p[1];
   return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
   const char *c = p;
   while (n) {
      ssize_t w = write(fd, c, n);
      if (w < 0 && errno == EINTR)
         continue;
      if (w <= 0)
         return -1;
      c += w;
      n -= (size_t)w;
   }
   return 0;
}

static int ffmpeg_finish(struct pv_video *v, char *err, size_t errlen)
{
   close(v->fd);
   v->fd = -1;
   int st = 0;
   while (waitpid(v->pid, &st, 0) < 0 && errno == EINTR)
      ;
   if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      snprintf(err, errlen, "ffmpeg failed (%s %d)", WIFEXITED(st) ? "exit status" : "signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
      return -1;
   }
   return 0;
}

/* ---- APNG ------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
   p[0] = (uint8_t)(v >> 24);
   p[1] = (uint8_t)(v >> 16);
   p[2] = (uint8_t)(v >> 8);
   p[3] = (uint8_t)v;
}

/* one PNG chunk: length, type, DATA (and PRE before it, e.g. a sequence
 * number), CRC */
static int png_chunk(FILE *f, const char *type, const uint8_t *pre, size_t pn,
                     const uint8_t *data, size_t n)
{
   uint8_t hdr[8];
   put32(hdr, (uint32_t)(pn + n));
   memcpy(hdr + 4, type, 4);
   uLong crc = crc32(0, hdr + 4, 4);
   if (pn)
      crc = crc32(crc, pre, (uInt)pn);
   if (n)
      crc = crc32(crc, data, (uInt)n);
   uint8_t c[4];
   put32(c, (uint32_t)crc);
   if (fwrite(hdr, 8, 1, f) != 1 || (pn && fwrite(pre, pn, 1, f) != 1)
       || (n && fwrite(data, n, 1, f) != 1) || fwrite(c, 4, 1, f) != 1)
      return -1;
   return 0;
}

static int apng_start(struct pv_video *v, const char *path, char *err, size_t errlen)
{
   v->f = fopen(path, "wb");
   if (!v->f) {
      snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
      return -1;
   }
   static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
   uint8_t ihdr[13] = { 0 };
   put32(ihdr, (uint32_t)v->w);
   put32(ihdr + 4, (uint32_t)v->h);
   ihdr[8] = 8;                           /* bit depth */
   ihdr[9] = 2;                           /* RGB */
   uint8_t actl[8] = { 0 };               /* frames (patched), plays: 0 = loop */
   if (fwrite(sig, 8, 1, v->f) != 1 || png_chunk(v->f, "IHDR", NULL, 0, ihdr, 13))
      goto bad;
   v->actl_off = ftell(v->f) + 8;
   if (png_chunk(v->f, "acTL", NULL, 0, actl, 8))
      goto bad;
   v->raw_n = (size_t)v->h * (1 + 3 * (size_t)v->w);
   v->raw = malloc(v->raw_n);
   v->z_cap = compressBound((uLong)v->raw_n);
   v->z = malloc(v->z_cap);
   if (!v->raw || !v->z) {
      snprintf(err, errlen, "out of memory");
      return -1;
   }
   return 0;
bad:
   snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
   return -1;
}

static int apng_frame(struct pv_video *v, int copies)
{
   /* rows with filter 0 (none), RGB */
   uint8_t *o = v->raw;
   for (int y = 0; y < v->h; y++) {
      const uint8_t *s = v->pix + (size_t)y * v->w * 4;
      *o++ = 0;
      for (int x = 0; x < v->w; x++, s += 4) {
         *o++ = s[2];
         *o++ = s[1];
         *o++ = s[0];
      }
   }
   uLongf zn = (uLongf)v->z_cap;
   if (compress2(v->z, &zn, v->raw, (uLong)v->raw_n, 1) != Z_OK)
      return -1;
   for (int c = 0; c < copies; c++) {
      uint8_t fc[26] = { 0 };
      put32(fc, v->seq++);
      put32(fc + 4, (uint32_t)v->w);
      put32(fc + 8, (uint32_t)v->h);
      fc[20] = 0;
      fc[21] = 1;                          /* delay 1 / fps s */
      fc[22] = (uint8_t)(v->fps >> 8);
      fc[23] = (uint8_t)v->fps;
      if (png_chunk(v->f, "fcTL", NULL, 0, fc, sizeof fc))
         return -1;
      if (v->frames + c == 0) {
         if (png_chunk(v->f, "IDAT", NULL, 0, v->z, zn))
            return -1;
      } else {
         uint8_t sq[4];
         put32(sq, v->seq++);
         if (png_chunk(v->f, "fdAT", sq, 4, v->z, zn))
            return -1;
      }
   }
   return 0;
}

static int apng_finish(struct pv_video *v)
{
   int bad = png_chunk(v->f, "IEND", NULL, 0, NULL, 0) != 0;
   uint8_t actl[8] = { 0 };
   put32(actl, (uint32_t)v->frames);
   uint8_t crc[4];
   put32(crc, (uint32_t)crc32(crc32(0, (const Bytef *)"acTL", 4), actl, 8));
   if (fseek(v->f, v->actl_off, SEEK_SET) != 0 || fwrite(actl, 8, 1, v->f) != 1
       || fwrite(crc, 4, 1, v->f) != 1)
      bad = 1;
   if (fclose(v->f) != 0)
      bad = 1;
   v->f = NULL;
   return bad ? -1 : 0;
}

/* ---- both ------------------------------------------------------------ */

struct pv_video *pv_video_open(const char *path, int w, int h, int fps,
                               char *path_out, size_t path_len, char *note, size_t note_len,
                               char *err, size_t errlen)
{
   struct pv_video *v = calloc(1, sizeof *v);
   if (!v) {
      snprintf(err, errlen, "out of memory");
      return NULL;
   }
   v->w = w;
   v->h = h;
   v->fps = fps;
   v->fd = -1;
   note[0] = 0;
   v->pix = malloc((size_t)w * h * 4);
   if (!v->pix) {
      free(v);
      snprintf(err, errlen, "out of memory");
      return NULL;
   }
   int apng = ends_with(path, ".png") || ends_with(path, ".apng");
   snprintf(path_out, path_len, "%s", path);
   if (!apng && !pv_video_have_ffmpeg()) {
      /* no ffmpeg: an animated PNG next to the name asked for */
      const char *dot = strrchr(path, '.');
      const char *slash = strrchr(path, '/');
      size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
      snprintf(path_out, path_len, "%.*s.png", (int)stem, path);
      snprintf(note, note_len, "ffmpeg not found: writing an animated PNG, %s", path_out);
      apng = 1;
   }
   int rc = apng ? apng_start(v, path_out, err, errlen) : ffmpeg_start(v, path_out, err, errlen);
   if (rc != 0) {
      if (v->f)
         fclose(v->f);
      free(v->raw);
      free(v->z);
      free(v->pix);
      free(v);
      return NULL;
   }
   return v;
}

int pv_video_frame(struct pv_video *v, SDL_Renderer *ren, int copies, char *err, size_t errlen)
{
   if (copies <= 0)
      return 0;
   SDL_Rect r = { 0, 0, v->w, v->h };
   if (SDL_RenderReadPixels(ren, &r, SDL_PIXELFORMAT_ARGB8888, v->pix, v->w * 4) != 0) {
      snprintf(err, errlen, "cannot read the frame: %s", SDL_GetError());
      return -1;
   }
   if (v->fd >= 0) {
      for (int c = 0; c < copies; c++)
         if (write_all(v->fd, v->pix, (size_t)v->w * v->h * 4) != 0) {
            snprintf(err, errlen, "ffmpeg stopped taking frames: %s", strerror(errno));
            return -1;
         }
   } else if (apng_frame(v, copies) != 0) {
      snprintf(err, errlen, "cannot write the animated PNG: %s", strerror(errno));
      return -1;
   }
   v->frames += copies;
   return 0;
}

int pv_video_close(struct pv_video *v, char *err, size_t errlen)
{
   int rc = 0;
   if (v->fd >= 0)
      rc = ffmpeg_finish(v, err, errlen);
   else if (v->f && apng_finish(v) != 0) {
      snprintf(err, errlen, "cannot finish the animated PNG: %s", strerror(errno));
      rc = -1;
   }
   free(v->raw);
   free(v->z);
   free(v->pix);
   free(v);
   return rc;
}

long pv_video_frames(const struct pv_video *v)
{
   return v->frames;
}
