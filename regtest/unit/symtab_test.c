/* symtab_test.c -- unit test of shared/pv_symtab.{h,c}: SITE and STACK
 * records in, lookups and describe_IP-like text out.
 *
 * build: gcc -O2 -std=gnu11 -Wall -Wextra -Ishared -o symtab_test \
 *            regtest/unit/symtab_test.c shared/pv_symtab.c
 * Exit status 0 when every check passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_proto.h"
#include "pv_symtab.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); \
                                  failures++; } } while (0)

/* a SITE record in BUF (8-aligned), returns its length in bytes */
static size_t site_rec(pv_u64 *buf, pv_u32 id, pv_u64 addr, pv_u32 line, const char *fn,
                       const char *file, const char *dir, const char *obj, int declare_len)
{
   char *s = (char *)(buf + 3);
   size_t n = 0;
   const char *str[4] = { fn, file, dir, obj };
   for (int i = 0; i < 4; i++) {
      if (!str[i])
         break;                       /* fewer strings: test leniency */
      size_t l = strlen(str[i]) + 1;
      memcpy(s + n, str[i], l);
      n += l;
   }
   size_t words = 3 + PV_ALIGN8(n) / 8;
   memset(s + n, 0, PV_ALIGN8(n) - n);
   buf[0] = PV_HDR(PV_REC_SITE, 0, words, id);
   buf[1] = addr;
   buf[2] = line | ((pv_u64)(declare_len ? n : 0) << 32);
   return words * 8;
}

static size_t stack_rec(pv_u64 *buf, pv_u32 id, unsigned depth, const pv_u32 *ids)
{
   size_t words = 1 + PV_ALIGN8(depth * 4) / 8;
   memset(buf, 0, words * 8);
   buf[0] = PV_HDR(PV_REC_STACK, depth, words, id);
   memcpy(buf + 1, ids, depth * 4);
   return words * 8;
}

static const char *fmt(const struct pv_site *s)
{
   static char b[512];
   size_t n = pv_site_format(s, b, sizeof b);
   if (n != strlen(b)) {
      fprintf(stderr, "FAIL pv_site_format returned %zu for \"%s\"\n", n, b);
      failures++;
   }
   return b;
}

int main(void)
{
   struct pv_symtab t;
   pv_u64 buf[1024];
   size_t len;
   pv_symtab_init(&t);

   CHECK(pv_symtab_site(&t, 0) == NULL);
   CHECK(pv_symtab_site(&t, 1) == NULL);
   CHECK(pv_symtab_site(&t, 4000000000u) == NULL);

   len = site_rec(buf, 1, 0x401136, 12, "main", "demo.c", "/src", "/bin/demo", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 2, 0x4a0000, 0, "", "", "", "/lib/libc.so.6", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 3, 0x401300, 0, "helper", "", "", "/bin/demo", 0);   /* no declared len */
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 4, 0x401400, 0, "", "", "", "", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 5, 0x401500, 0, "lonely", "", "", "", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 6, 0x401600, 0, "nol", "x.c", "", "/bin/demo", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 7, 0x401700, 3, "trunc", "t.c", NULL, NULL, 1);   /* 2 strings only */
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   len = site_rec(buf, 1000, 0x401800, 9, "far", "f.c", "/d", "/o", 1);   /* sparse id */
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);

   const struct pv_site *s = pv_symtab_site(&t, 1);
   CHECK(s && s->addr == 0x401136 && s->line == 12 && !strcmp(s->fn, "main")
         && !strcmp(s->file, "demo.c") && !strcmp(s->dir, "/src") && !strcmp(s->obj, "/bin/demo"));
   CHECK(!strcmp(fmt(s), "main (demo.c:12)"));
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 2)), "0x4A0000 (in /lib/libc.so.6)"));
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 3)), "helper (in /bin/demo)"));
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 4)), "0x401400"));
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 5)), "lonely"));
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 6)), "nol (x.c)"));
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 7)), "trunc (t.c:3)"));
   CHECK(!strcmp(pv_symtab_site(&t, 7)->obj, "") && !strcmp(pv_symtab_site(&t, 7)->dir, ""));
   CHECK(!strcmp(fmt(NULL), "???"));
   CHECK(pv_symtab_site(&t, 8) == NULL && pv_symtab_site(&t, 999) == NULL);
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 1000)), "far (f.c:9)"));
   CHECK(t.nsites == 8 && t.max_site == 1000);

   /* small buffer: truncated but terminated, returns the full length */
   char small[8];
   CHECK(pv_site_format(pv_symtab_site(&t, 1), small, sizeof small) == strlen("main (demo.c:12)"));
   CHECK(!strcmp(small, "main (d"));

   /* strings are copied: clobbering the record does not matter */
   len = site_rec(buf, 9, 0x1, 1, "copied", "c.c", "", "", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   memset(buf, 0xAA, len);
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 9)), "copied (c.c:1)"));

   /* redefinition replaces */
   len = site_rec(buf, 1, 0x401137, 13, "main2", "demo.c", "/src", "/bin/demo", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == 0);
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 1)), "main2 (demo.c:13)"));
   CHECK(t.nsites == 9);

   /* unterminated strings: lenient, "" */
   len = site_rec(buf, 10, 0x2, 1, "abcdefg", "", "", "", 0);
   buf[0] = PV_HDR(PV_REC_SITE, 0, 4, 10);       /* cut to 4 words: "abcdefg\0" only */
   CHECK(pv_symtab_add_site(&t, buf, 32) == 0);
   CHECK(!strcmp(pv_symtab_site(&t, 10)->fn, "abcdefg") && !strcmp(pv_symtab_site(&t, 10)->file, ""));
   memcpy(buf + 3, "abcdefgh", 8);               /* no NUL at all */
   CHECK(pv_symtab_add_site(&t, buf, 32) == 0);
   CHECK(!strcmp(pv_symtab_site(&t, 10)->fn, ""));

   /* bad records */
   len = site_rec(buf, 0, 0x1, 1, "zero", "", "", "", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == -1);                 /* id 0 */
   len = site_rec(buf, PV_SYMTAB_MAX_ID + 1, 0x1, 1, "big", "", "", "", 1);
   CHECK(pv_symtab_add_site(&t, buf, len) == -1);                 /* id too big */
   CHECK(pv_symtab_add_site(&t, buf, 16) == -1);                  /* too short */
   buf[0] = PV_HDR(PV_REC_STACK, 0, 3, 5);
   CHECK(pv_symtab_add_site(&t, buf, 24) == -1);                  /* not a SITE */

   /* stacks */
   pv_u32 ids[5] = { 1, 2, 3, 4, 5 }, depth = 99;
   CHECK(pv_symtab_stack(&t, 1, &depth) == NULL && depth == 0);
   len = stack_rec(buf, 1, 3, ids);
   CHECK(pv_symtab_add_stack(&t, buf, len) == 0);
   len = stack_rec(buf, 2, 0, ids);
   CHECK(pv_symtab_add_stack(&t, buf, len) == 0);
   len = stack_rec(buf, 3, 5, ids);
   CHECK(pv_symtab_add_stack(&t, buf, len) == 0);
   const pv_u32 *st = pv_symtab_stack(&t, 1, &depth);
   CHECK(st && depth == 3 && st[0] == 1 && st[1] == 2 && st[2] == 3);
   st = pv_symtab_stack(&t, 2, &depth);
   CHECK(st != NULL && depth == 0);
   st = pv_symtab_stack(&t, 3, NULL);
   CHECK(st && st[4] == 5);
   CHECK(pv_symtab_stack(&t, 0, &depth) == NULL);
   CHECK(t.nstacks == 3 && t.max_stack == 3);
   buf[0] = PV_HDR(PV_REC_STACK, 5, 2, 4);     /* 5 ids need 28 bytes, record has 16 */
   CHECK(pv_symtab_add_stack(&t, buf, 16) == -1);
   len = stack_rec(buf, 0, 1, ids);
   CHECK(pv_symtab_add_stack(&t, buf, len) == -1);

   /* many: growth, arena chunks, big strings */
   static char big[100000];
   memset(big, 'x', sizeof big - 1);
   CHECK(pv_symtab_set_site(&t, 5000, 0x5, big, "b.c", NULL, NULL, 1) == 0);
   for (pv_u32 i = 11; i < 200000; i++) {
      char fn[32];
      snprintf(fn, sizeof fn, "f%u", i);
      if (i == 5000)
         continue;
      if (pv_symtab_set_site(&t, i, i, fn, "g.c", "/d", "/o", i) != 0) {
         CHECK(0);
         break;
      }
      pv_u32 sid[2] = { i, i - 1 };
      if (pv_symtab_set_stack(&t, i, sid, 2) != 0) {
         CHECK(0);
         break;
      }
   }
   CHECK(strlen(pv_symtab_site(&t, 5000)->fn) == sizeof big - 1);
   {
      char b[64];
      snprintf(b, sizeof b, "f%u (g.c:%u)", 123456u, 123456u);
      CHECK(!strcmp(fmt(pv_symtab_site(&t, 123456)), b));
      st = pv_symtab_stack(&t, 199999, &depth);
      CHECK(st && depth == 2 && st[0] == 199999 && st[1] == 199998);
   }

   pv_symtab_free(&t);
   CHECK(pv_symtab_site(&t, 1) == NULL && t.nsites == 0);
   /* reusable after free */
   CHECK(pv_symtab_set_site(&t, 1, 1, "again", NULL, NULL, NULL, 0) == 0);
   CHECK(!strcmp(fmt(pv_symtab_site(&t, 1)), "again"));
   pv_symtab_free(&t);

   printf("%s symtab\n", failures ? "FAIL" : "PASS");
   return failures != 0;
}
