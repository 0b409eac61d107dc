// vector_stl.cpp -- vector.c with std::vector<int>::push_back.
// Usage: vector_stl [N]   (default 100000)
// Prints: vector_stl n=N sum=S
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv)
{
   long n = argc > 1 ? std::atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   std::vector<int> v;
   for (long i = 0; i < n; i++)
      v.push_back((int)(i % 1000));
   unsigned long long sum = 0;
   for (int x : v)
      sum += (unsigned)x;
   std::printf("vector_stl n=%ld sum=%llu\n", (long)v.size(), sum);
   return 0;
}
