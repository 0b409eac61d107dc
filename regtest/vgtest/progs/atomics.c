/* atomics.c -- atomic read-modify-write instructions for the lackey
 * comparison: lock cmpxchg (successful and failing CAS, 1/2/4/8 bytes),
 * lock xadd, xchg, lock add/or/and without a result, lock cmpxchg16b.
 * Usage: atomics [N]   (iterations, default 1000)
 * Prints one deterministic line: atomics n=N counter=C cas=K ... */
#include <stdio.h>
#include <stdlib.h>

static long counter;
static long cas_word;
static int cas_int;
static short cas_short;
static char cas_char;
static unsigned long flags;
static long swapped;
static unsigned long long pair[2] __attribute__((aligned(16)));

/* lock cmpxchg16b on pair: if pair == {lo, hi} store {lo+1, hi+1}; returns ZF */
__attribute__((noinline)) static int cas16(unsigned long long lo, unsigned long long hi)
{
   unsigned char ok;
   unsigned long long nlo = lo + 1, nhi = hi + 1;
   __asm__ volatile("lock cmpxchg16b %1\n\tsete %0"
                    : "=q"(ok), "+m"(pair[0]), "+a"(lo), "+d"(hi)
                    : "b"(nlo), "c"(nhi)
                    : "memory", "cc");
   return ok;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 1000;
   long cas_ok = 0, cas_fail = 0, old_sum = 0;
   for (long i = 0; i < n; i++) {
      old_sum += __atomic_fetch_add(&counter, i, __ATOMIC_SEQ_CST);     /* lock xadd */
      long expected = i;                                                  /* succeeds */
      if (__atomic_compare_exchange_n(&cas_word, &expected, i + 1, 0,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
         cas_ok++;
      expected = -1;                                                      /* fails */
      if (!__atomic_compare_exchange_n(&cas_word, &expected, 0, 0,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
         cas_fail++;
      int ei = (int)i;
      cas_ok += __atomic_compare_exchange_n(&cas_int, &ei, (int)i + 1, 0,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
      short es = (short)i;
      cas_ok += __atomic_compare_exchange_n(&cas_short, &es, (short)(i + 1), 0,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
      char ec = (char)i;
      cas_ok += __atomic_compare_exchange_n(&cas_char, &ec, (char)(i + 1), 0,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
      swapped += __atomic_exchange_n(&cas_word, i + 1, __ATOMIC_SEQ_CST); /* xchg */
      __atomic_fetch_or(&flags, 1UL << (i & 63), __ATOMIC_SEQ_CST);      /* lock or */
      __atomic_fetch_and(&flags, ~(1UL << ((i + 7) & 63)), __ATOMIC_SEQ_CST);
      __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);                  /* lock add */
      __atomic_sub_fetch(&counter, 1, __ATOMIC_RELAXED);
      cas_ok += cas16(pair[0], pair[1]);
   }
   printf("atomics n=%ld counter=%ld old_sum=%ld cas_ok=%ld cas_fail=%ld swapped=%ld pair=%llu,%llu\n",
          n, counter, old_sum, cas_ok, cas_fail, swapped, pair[0], pair[1]);
   return 0;
}
