/* fmt_test.c -- unit test of pervert-dump's hand-written number and string
 * formatting (dump/dump_out.h) against snprintf: every power of two and of
 * ten +-2, and a few million random values.
 *
 * build: gcc -O2 -std=gnu11 -Wall -Wextra -Ishared -Idump -o fmt_test \
 *            regtest/unit/fmt_test.c dump/dump_out.c
 * Exit status 0 when every check passed. */
#include <stdio.h>
#include <string.h>

#include "dump_out.h"

static int bad;

static void one(unsigned long long x)
{
   char a[80], b[80];
   a[0] = '=';
   *put_dec(a + 1, x) = 0;                 /* must not write before its start */
   snprintf(b, sizeof b, "=%llu", x);
   if (strcmp(a, b) && bad++ < 10)
      printf("FAIL put_dec: %s, want %s\n", a, b);
   *put_hex_min(a, x, 1) = 0;
   snprintf(b, sizeof b, "%llx", x);
   if (strcmp(a, b) && bad++ < 10)
      printf("FAIL put_hex_min(1): %s, want %s\n", a, b);
   *put_hex_min(a, x, 8) = 0;
   snprintf(b, sizeof b, "%08llx", x);
   if (strcmp(a, b) && bad++ < 10)
      printf("FAIL put_hex_min(8): %s, want %s\n", a, b);
   *put_0x(a, x) = 0;
   snprintf(b, sizeof b, "0x%llx", x);
   if (strcmp(a, b) && bad++ < 10)
      printf("FAIL put_0x: %s, want %s\n", a, b);
   *put_sdec(a, (long long)x) = 0;
   snprintf(b, sizeof b, "%lld", (long long)x);
   if (strcmp(a, b) && bad++ < 10)
      printf("FAIL put_sdec: %s, want %s\n", a, b);
}

int main(void)
{
   for (int s = -2; s <= 2; s++) {
      for (unsigned long long x = 1; x; x <<= 1)
         one(x + (unsigned long long)s);
      unsigned long long p = 1;
      for (int i = 0; i < 20; i++, p *= 10)
         one(p + (unsigned long long)s);
   }
   unsigned long long r = 88172645463325252ULL;
   for (int i = 0; i < 3000000; i++) {
      r ^= r << 13; r ^= r >> 7; r ^= r << 17;     /* xorshift64 */
      one(r >> (i % 64));
   }
   char q[64];
   *put_quoted(q, "a\"b\\c\n\t\r\x01\x7f\xc3\xa9 d") = 0;
   if (strcmp(q, "\"a\\\"b\\\\c\\n\\t\\r\\x01\\x7f\xc3\xa9 d\"") && bad++ < 10)
      printf("FAIL put_quoted: %s\n", q);
   *put_quoted_n(q, "x\0y", 3) = 0;
   if (strcmp(q, "\"x\\x00y\"") && bad++ < 10)
      printf("FAIL put_quoted_n: %s\n", q);
   printf("%s fmt\n", bad ? "FAIL" : "PASS");
   return bad != 0;
}
