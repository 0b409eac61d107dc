// Failing C++ allocations.  libstdc++ implements new(std::nothrow) by
// calling the throwing new and catching bad_alloc, so a failing nothrow new
// unwinds through the wrapper of the throwing new; a bad_alloc caught by
// the program unwinds the outermost wrapper.  Afterwards allocations must
// still be counted, from a shallower and from a deeper stack, and the
// exception objects (malloc'ed inside the failing operator new) must be
// reported with their frees.  memcheck cannot run this (it aborts on a
// failing new), so the expected totals are written below for Debian 12
// (glibc 2.36, libstdc++ 12): libstdc++'s emergency pool (72704 bytes),
// 4 exception objects (136 bytes), 7 ints.  No output unless it fails
// (stdout's buffer would be one more block, of a size that depends on
// where stdout goes).
// EXPECT: 12 allocs, 12 frees, 73276 bytes allocated
#include <cstdio>
#include <cstdlib>
#include <new>

static void *volatile sink;
template <class T> static T *keep(T *p) { sink = p; return p; }

__attribute__((noinline)) static void deep(int n)
{
   if (n > 0) { char pad[256]; sink = pad; deep(n - 1); return; }
   delete keep(new int(7));
}

int main()
{
   char *huge = keep(new (std::nothrow) char[(size_t)1 << 62]);
   if (huge) std::printf("huge nothrow new succeeded?\n");
   delete keep(new int(5));

   for (int i = 0; i < 3; i++) {
      try {
         keep(new char[(size_t)1 << 62]);
         std::printf("huge new succeeded?\n");
      } catch (const std::bad_alloc &) {
      }
      delete keep(new int(6));                      // same depth as the throw
      deep(4);                                      // deeper than the throw
   }
   return 0;
}
