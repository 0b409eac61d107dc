// Every operator new / delete variant: plain, [], nothrow, align_val_t,
// align_val_t + nothrow, sized delete, delete of nullptr.  Nothing fails
// here (memcheck aborts on a failing new; see cxx_badalloc.cpp).  Counts
// must equal memcheck's.
#include <cstdio>
#include <new>

struct alignas(64) Line { char b[64]; };
struct alignas(256) Page { char b[256]; };
struct Small { int x; ~Small() {} };   // non-trivial destructor: array cookie

static void *volatile sink;
template <class T> static T *keep(T *p) { sink = p; return p; }

int main()
{
   int *a = keep(new int(1));                           // _Znwm
   int *b = keep(new int[10]);                          // _Znam
   Small *s = keep(new Small[5]);                       // _Znam, with cookie
   int *c = keep(new (std::nothrow) int(3));            // _ZnwmRKSt9nothrow_t
   int *d = keep(new (std::nothrow) int[4]);            // _ZnamRKSt9nothrow_t
   Line *l = keep(new Line);                            // _ZnwmSt11align_val_t
   Line *la = keep(new Line[3]);                        // _ZnamSt11align_val_t
   Page *p = keep(new (std::nothrow) Page);             // ..align_val_tRKSt9nothrow_t
   Page *pa = keep(new (std::nothrow) Page[2]);         // [] aligned + nothrow
   delete a;                                            // _ZdlPvm (sized)
   delete[] b;                                          // _ZdaPv
   delete[] s;                                          // _ZdaPvm (sized)
   ::operator delete(c, std::nothrow);                  // _ZdlPvRKSt9nothrow_t
   ::operator delete[](d, std::nothrow);                // _ZdaPvRKSt9nothrow_t
   delete l;                                            // _ZdlPvmSt11align_val_t
   delete[] la;                                         // _ZdaPvSt11align_val_t
   ::operator delete(p, std::align_val_t(256), std::nothrow);
   ::operator delete[](pa, std::align_val_t(256), std::nothrow);
   void *r1 = keep(::operator new(100));
   ::operator delete(r1);                               // _ZdlPv
   void *r2 = keep(::operator new(100, std::align_val_t(128)));
   ::operator delete(r2, std::align_val_t(128));        // _ZdlPvSt11align_val_t
   void *r3 = keep(::operator new[](48, std::align_val_t(64)));
   ::operator delete[](r3, 48, std::align_val_t(64));   // _ZdaPvmSt11align_val_t
   void *r4 = keep(::operator new[](40));
   ::operator delete[](r4, 40);                         // _ZdaPvm
   delete keep(static_cast<int *>(nullptr));            // no report
   delete[] keep(static_cast<int *>(nullptr));          // no report
   for (int i = 0; i < 100; i++)
      delete keep(new long(i));
   std::printf("cxx_new done\n");
   return 0;
}
