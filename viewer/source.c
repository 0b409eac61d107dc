/* source.c -- reads source files for the code context (see source.h).
 * A file is read once (up to 4 MiB) and split into lines; the last few
 * files are kept, as are the names that could not be read (so the renderer
 * does not retry them every frame). */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE 8
#define MAX_FILE (4u << 20)

struct file {
   char  path[512];
   int   ok;
   char *data;
   char **line;               /* line[k]: start of line k+1 */
   unsigned n;
   unsigned long used;        /* for LRU */
};

static struct file cache[CACHE];
static unsigned long tick;

static void drop(struct file *f)
{
   free(f->data);
   free(f->line);
   memset(f, 0, sizeof *f);
}

void pv_source_flush(void)
{
   for (int i = 0; i < CACHE; i++)
      drop(&cache[i]);
}

static void load(struct file *f)
{
   FILE *fp = fopen(f->path, "rb");
   if (!fp)
      return;
   f->data = malloc(MAX_FILE + 1);
   size_t n = f->data ? fread(f->data, 1, MAX_FILE, fp) : 0;
   fclose(fp);
   if (!f->data)
      return;
   f->data[n] = 0;
   unsigned cap = 1;
   for (size_t i = 0; i < n; i++)
      cap += f->data[i] == '\n';
   f->line = malloc(cap * sizeof *f->line);
   if (!f->line)
      return;
   f->n = 0;
   char *p = f->data;
   while (*p && f->n < cap) {
      f->line[f->n++] = p;
      char *e = strchr(p, '\n');
      if (!e)
         break;
      *e = 0;
      p = e + 1;
   }
   f->ok = 1;
}

static struct file *get(const char *path)
{
   struct file *lru = &cache[0];
   for (int i = 0; i < CACHE; i++) {
      if (cache[i].path[0] && !strcmp(cache[i].path, path)) {
         cache[i].used = ++tick;
         return &cache[i];
      }
      if (cache[i].used < lru->used)
         lru = &cache[i];
   }
   drop(lru);
   snprintf(lru->path, sizeof lru->path, "%s", path);
   lru->used = ++tick;
   load(lru);
   return lru;
}

int pv_source_lines(const struct pv_site *s, unsigned ctx, struct pv_src_line *out, int max)
{
   if (!s || !s->known || !s->file[0] || !s->line)
      return 0;
   char path[512];
   if (s->file[0] == '/' || !s->dir[0])
      snprintf(path, sizeof path, "%s", s->file);
   else
      snprintf(path, sizeof path, "%s/%s", s->dir, s->file);
   struct file *f = get(path);
   if (!f->ok || s->line > f->n)
      return 0;
   unsigned lo = s->line > ctx ? s->line - ctx : 1, hi = s->line + ctx;
   if (hi > f->n)
      hi = f->n;
   int k = 0;
   for (unsigned no = lo; no <= hi && k < max; no++, k++) {
      const char *src = f->line[no - 1];
      size_t o = 0;
      for (size_t j = 0; src[j] && o + 1 < PV_SRC_WIDTH; j++) {
         if (src[j] == '\t') {
            do out[k].text[o++] = ' '; while (o % 4 && o + 1 < PV_SRC_WIDTH);
         } else if (src[j] != '\r') {
            out[k].text[o++] = src[j];
         }
      }
      out[k].text[o] = 0;
      out[k].no = no;
      out[k].is_target = no == s->line;
   }
   return k;
}
