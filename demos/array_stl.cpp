// array_stl.cpp -- array.c with a fixed-size std::vector<int>: fill N ints,
// read them back summing.
// Usage: array_stl [N]   (default 100000)
// Prints: array_stl n=N sum=S
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv)
{
   long n = argc > 1 ? std::atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   std::vector<int> a(n);
   for (long i = 0; i < n; i++)
      a[i] = (int)(i % 1000);
   unsigned long long sum = 0;
   for (long i = 0; i < n; i++)
      sum += (unsigned)a[i];
   std::printf("array_stl n=%ld sum=%llu\n", (long)a.size(), sum);
   return 0;
}
