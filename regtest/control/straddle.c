#include <stdio.h>
static long src[4096], dst[4096];
int main(void) {
   long s = 0;
   for (int r = 0; r < 200; r++) {
      for (int i = 0; i < 4096; i++) src[i] = i + r;
      /* rep movsq: one instruction, a load and a store per iteration */
      long *d = dst, *sp = src; long n = 4096;
      __asm__ volatile("rep movsq" : "+D"(d), "+S"(sp), "+c"(n) :: "memory");
      /* push from memory, pop to memory: two records each */
      for (int i = 0; i < 64; i++)
         __asm__ volatile("pushq (%0)\n\tpopq (%1)" :: "r"(&src[i]), "r"(&dst[i]) : "memory");
      for (int i = 0; i < 4096; i++) s += dst[i];
   }
   printf("straddle sum=%ld\n", s);
   return 0;
}
