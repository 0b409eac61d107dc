/* strops.c -- string and block operations for the lackey comparison:
 * glibc's SSE2/AVX2 string functions (strlen, strchr, memchr, memcmp,
 * strcmp, strcpy), large memcpy/memset (glibc switches to rep movsb /
 * rep stosb above a few KiB), explicit rep movsb / rep movsq / rep stosb,
 * SSE4.2 pcmpistri and AVX2 256-bit loads (when the CPU, as Valgrind
 * presents it, has them).
 * Usage: strops [N]   (block size in bytes, default 20000)
 * Prints one deterministic line: strops n=N check=C */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

static unsigned char src[1 << 17], dst[1 << 17];
static char text[4096], copy[4096];

__attribute__((noinline)) static void rep_movsb(void *d, const void *s, size_t n)
{
   __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

__attribute__((noinline)) static void rep_movsq(void *d, const void *s, size_t words)
{
   __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
}

__attribute__((noinline)) static void rep_stosb(void *d, int c, size_t n)
{
   __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
}

/* index of the first byte of s (16 bytes) equal to c, 16 if none */
__attribute__((noinline, target("sse4.2"))) static int sse42_find(const char *s, char c)
{
   __m128i needle = _mm_set1_epi8(c);
   __m128i hay = _mm_loadu_si128((const __m128i *)s);
   return _mm_cmpistri(needle, hay, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_LEAST_SIGNIFICANT);
}

__attribute__((noinline)) static unsigned long long sse2_sum(const unsigned char *p, size_t n)
{
   __m128i acc = _mm_setzero_si128();
   for (size_t i = 0; i + 16 <= n; i += 16)
      acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(p + i)),
                                            _mm_setzero_si128()));
   unsigned long long out[2];
   _mm_storeu_si128((__m128i *)out, acc);
   return out[0] + out[1];
}

__attribute__((noinline, target("avx2"))) static unsigned long long avx2_sum(const unsigned char *p, size_t n)
{
   __m256i acc = _mm256_setzero_si256();
   for (size_t i = 0; i + 32 <= n; i += 32)
      acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_loadu_si256((const __m256i *)(p + i)),
                                                  _mm256_setzero_si256()));
   unsigned long long out[4];
   _mm256_storeu_si256((__m256i *)out, acc);
   return out[0] + out[1] + out[2] + out[3];
}

int main(int argc, char **argv)
{
   size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
   if (n < 64) n = 64;
   if (n > sizeof src / 2) n = sizeof src / 2;
   unsigned long long check = 0;

   for (size_t i = 0; i < n; i++)
      src[i] = (unsigned char)(i * 13 + 7);
   for (size_t i = 0; i + 1 < sizeof text; i++)
      text[i] = (char)('a' + i % 23);
   text[sizeof text - 1] = 0;

   /* glibc string functions (vectorised, chosen by CPUID at start-up) */
   check += strlen(text);
   check += (size_t)(strchr(text, 'w') - text);
   check += (size_t)((char *)memchr(text, 'q', sizeof text) - text);
   strcpy(copy, text);
   check += strcmp(copy, text) == 0;
   check += memcmp(copy, text, sizeof text) == 0;

   /* big memcpy / memset: rep movsb / rep stosb inside glibc */
   memcpy(dst, src, n);
   check += memcmp(dst, src, n) == 0;
   memset(dst + n, 0x5a, n);
   check += dst[n + n / 2];

   /* explicit string instructions */
   rep_movsb(dst, src + 1, n / 2);
   rep_movsq(dst + n, src, n / 16);
   rep_stosb(dst + n / 2, 0x11, 100);
   for (size_t i = 0; i < n; i += 97) check += dst[i];

   /* SSE2 / SSE4.2 / AVX2 */
   check += sse2_sum(src, n);
   check += (unsigned)sse42_find(text + 3, 'k');
   if (__builtin_cpu_supports("avx2"))
      check += avx2_sum(src, n);
   else
      check += sse2_sum(src, n);   /* the same value */

   printf("strops n=%zu check=%llu\n", n, check);
   return 0;
}
