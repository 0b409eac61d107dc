/* sleeper.c -- a long-running program that is mostly asleep: N rounds of
 * writing a small array and sleeping 20 ms.  For tests that kill a process
 * mid-run without producing gigabytes of trace.
 * Usage: sleeper [N]   (rounds, default 100 = about 2 s)
 * Prints: sleeper rounds=N sum=S */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int data[256];

int main(int argc, char **argv)
{
   long rounds = argc > 1 ? atol(argv[1]) : 100;
   long long sum = 0;
   for (long r = 0; r < rounds; r++) {
      for (int i = 0; i < 256; i++)
         data[i] = (int)(r * i);
      for (int i = 0; i < 256; i++)
         sum += data[i];
      struct timespec ts = { 0, 20 * 1000 * 1000 };
      nanosleep(&ts, NULL);
   }
   printf("sleeper rounds=%ld sum=%lld\n", rounds, sum);
   return 0;
}
