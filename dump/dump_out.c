/* dump_out.c -- pervert-dump's output buffer (see dump_out.h). */
#define _GNU_SOURCE
#include "dump_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const char dump_digits2[200] =
   "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
   "8081828384858687888990919293949596979899";

int out_open(struct out *o, const char *path)
{
   struct stat st;
   memset(o, 0, sizeof *o);
   if (path) {
      o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (o->fd < 0)
         return -1;
      o->name = path;
   } else {
      o->fd = 1;
      o->name = "standard output";
   }
   o->is_file = fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode);
   o->buf = malloc(OUT_BUF_SIZE);
   if (!o->buf) {
      if (path)
         close(o->fd);
      o->fd = -1;
      errno = ENOMEM;
      return -1;
   }
   o->p = o->buf;
   o->end = o->buf + OUT_BUF_SIZE;
   o->lim = o->end - OUT_SLACK;
   return 0;
}

int out_flush(struct out *o)
{
   const char *s = o->buf;
   size_t n = (size_t)(o->p - o->buf);
   o->p = o->buf;
   if (o->err)
      return -1;
   while (n > 0) {
      ssize_t w = write(o->fd, s, n);
      if (w < 0) {
         if (errno == EINTR)
            continue;
         o->err = errno;
         return -1;
      }
      if (w == 0) {               /* should not happen for files and pipes */
         o->err = EIO;
         return -1;
      }
      s += w;
      n -= (size_t)w;
      o->written += (pv_u64)w;
   }
   return 0;
}

int out_close(struct out *o, int do_fsync)
{
   int rc = 0;
   if (!o->buf)
      return 0;
   if (out_flush(o) != 0)
      rc = -1;
   if (rc == 0 && do_fsync && o->is_file && fsync(o->fd) != 0
       && errno != EINVAL && errno != EROFS) {
      o->err = errno;
      rc = -1;
   }
   if (o->fd > 2) {
      if (close(o->fd) != 0 && rc == 0 && errno != EINTR) {
         o->err = errno;    /* NFS & co report write errors here */
         rc = -1;
      }
   }
   o->fd = -1;
   free(o->buf);
   o->buf = o->p = o->lim = o->end = NULL;
   return rc;
}

char *put_quoted(char *p, const char *s)
{
   return put_quoted_n(p, s, strlen(s));
}

char *put_quoted_n(char *p, const char *s, size_t n)
{
   static const char hexd[] = "0123456789abcdef";
   const char *e = s + n;
   *p++ = '"';
   for (; s < e; s++) {
      unsigned char c = (unsigned char)*s;
      if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
         *p++ = (char)c;
         continue;
      }
      *p++ = '\\';
      switch (c) {
      case '"':  *p++ = '"';  break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n';  break;
      case '\t': *p++ = 't';  break;
      case '\r': *p++ = 'r';  break;
      default:
         *p++ = 'x';
         *p++ = hexd[c >> 4];
         *p++ = hexd[c & 15];
      }
   }
   *p++ = '"';
   return p;
}
