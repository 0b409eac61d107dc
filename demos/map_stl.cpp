// map_stl.cpp -- bst.c with std::map<unsigned, unsigned>: insert N
// pseudo-random keys (same LCG and seed as bst.c), look up N keys, destroy.
// Usage: map_stl [N]   (default 100000)
// Prints: map_stl n=N size=S found=F sum=V   (same numbers as bst)
#include <cstdio>
#include <cstdlib>
#include <map>

static unsigned long long lcg_state;
static unsigned lcg()
{
   lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
   return (unsigned)(lcg_state >> 33);
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? std::atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   long found = 0;
   unsigned long long sum = 0;
   long size;
   {
      std::map<unsigned, unsigned> m;
      lcg_state = 42;
      for (long i = 0; i < n; i++) {
         unsigned key = lcg() % (unsigned)(4 * n);
         m[key] = (unsigned)i;
      }
      size = (long)m.size();
      unsigned long long replay = 42, fresh = 4242;
      for (long i = 0; i < n; i++) {
         lcg_state = (i & 1) ? fresh : replay;
         unsigned key = lcg() % (unsigned)(4 * n);
         if (i & 1) fresh = lcg_state; else replay = lcg_state;
         auto it = m.find(key);
         if (it != m.end()) { found++; sum += it->second; }
      }
   }
   std::printf("map_stl n=%ld size=%ld found=%ld sum=%llu\n", n, size, found, sum);
   return 0;
}
