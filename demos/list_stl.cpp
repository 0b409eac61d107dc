// list_stl.cpp -- list.c with std::list<int>: append N, walk summing, destroy.
// Usage: list_stl [N]   (default 100000)
// Prints: list_stl n=N sum=S
#include <cstdio>
#include <cstdlib>
#include <list>

int main(int argc, char **argv)
{
   long n = argc > 1 ? std::atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   unsigned long long sum = 0;
   long count = 0;
   {
      std::list<int> l;
      for (long i = 0; i < n; i++)
         l.push_back((int)(i % 1000));
      for (int x : l) {
         sum += (unsigned)x;
         count++;
      }
   }
   std::printf("list_stl n=%ld sum=%llu\n", count, sum);
   return 0;
}
