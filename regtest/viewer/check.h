/* check.h -- the tiny assertion helper shared by the viewer's unit tests
 * (test_model.c, test_heat.c): count checks, print each failure, and let
 * main() report "N checks, N failed" from the two counters. */
#ifndef PV_TEST_CHECK_H
#define PV_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int fails, checks;

static void check(int ok, const char *fmt, ...)
{
   checks++;
   if (ok)
      return;
   fails++;
   va_list ap;
   va_start(ap, fmt);
   printf("FAIL: ");
   vprintf(fmt, ap);
   printf("\n");
   va_end(ap);
}

#endif
