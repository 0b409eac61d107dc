/* pv_preload.c -- pervert's heap-event preload, built as
 * vgpreload_pervert-amd64-linux.so and loaded into the client by Valgrind.
 *
 * WHY WRAPPING, NOT REPLACING
 *   memcheck, DHAT and massif *replace* malloc & friends: the program then
 *   allocates from Valgrind's own allocator, and every heap address, chunk
 *   spacing and reuse pattern differs from a native run.  pervert exists to
 *   show where a program's data really lives, so it keeps the program's own
 *   allocator.  Every function below is a Valgrind function *wrapper* (the
 *   _vgw prefix, made by VG_WRAP_FUNCTION_EZU): Valgrind redirects calls of
 *   the named function to the wrapper, the wrapper gets the original with
 *   VALGRIND_GET_ORIG_FN, calls it with a CALL_FN_* macro (a call exempt
 *   from redirection), and tells the tool what happened by calling
 *   pervert_heap_event_alloc/free, whose entry points the tool instruments
 *   with a direct helper call (much cheaper than a client request; the
 *   tool still accepts PV_CLREQ_ALLOC / PV_CLREQ_FREE requests).  This is
 *   how helgrind's hg_intercepts.c wraps pthreads.  Natively (no Valgrind)
 *   the _vgw symbols are never called and the library is inert.
 *
 * FOLDING NESTED CALLS (the depth guard)
 *   Valgrind redirects by code address, so glibc's internal calls are
 *   wrapped too: realloc(NULL, n) calls __libc_malloc, realloc(p, 0) calls
 *   __libc_free, memalign with a small alignment calls malloc, reallocarray
 *   calls realloc, operator new calls malloc (aligned new: aligned_alloc),
 *   operator delete calls free.  Only the outermost wrapper of a thread may
 *   report, or blocks would be counted twice, with the wrong kind.  Two
 *   things make a plain "static __thread int depth" counter wrong here:
 *   - C++ exceptions.  libstdc++'s nothrow operator new calls the throwing
 *     one and catches bad_alloc, so a failing new(std::nothrow) unwinds
 *     through the wrapper of the throwing new, past its "depth--"; a
 *     bad_alloc caught by the program unwinds the outermost wrapper too.
 *     A counter stays raised and the thread never reports again.  So each
 *     thread records the *frame* of its outermost active wrapper (frame
 *     address and the return address saved in it): a wrapper is nested when
 *     that frame lies above its own on the same stack (at most PV_NEST_MAX
 *     bytes away) and still holds the recorded return address; otherwise
 *     the record is stale (an exception or longjmp left that wrapper) and
 *     this wrapper becomes the outermost one.
 *     Nested calls are not all the outer call's own work: throwing bad_alloc
 *     allocates the exception object (malloc inside operator new), a
 *     new_handler may allocate or free.  Nested events are therefore kept
 *     (up to PV_NPEND) and reported when the outermost wrapper returns,
 *     except the outer call's own block (the one it returns or releases);
 *     if an exception left the outermost wrapper, the thread's next wrapper
 *     reports them.
 *   - TLS.  A __thread variable in this library adds a TLS module to the
 *     process: every thread's DTV (calloc'ed by pthread_create) grows by 16
 *     bytes and every thread's static TLS block, so the layout of thread
 *     stacks, shifts -- the heap would no longer be the native one.  So the
 *     per-thread records live in a small static table keyed by the thread
 *     pointer (%fs:0, the TCB's self pointer on amd64; glibc's malloc uses
 *     TLS itself, so %fs is set whenever a wrapped function runs).  A thread
 *     owns a slot only while it is inside a wrapper: the outermost wrapper
 *     claims one (compare-and-swap, as another thread may run between any
 *     two instructions) and frees it when it returns.  With no free slot
 *     (PV_NSLOTS threads inside allocators at once) a call reports at once,
 *     unguarded.
 *
 * TAGS
 *   glibc gives some functions one address (memalign = aligned_alloc =
 *   __libc_memalign, free = cfree = __libc_free), and the SO_SYN_MALLOC
 *   specs below match every global malloc-named symbol in every object,
 *   libc's included, so several wrappers ask for one address.  Valgrind
 *   binds one address to one wrapper only; two different wrappers for one
 *   address are a "conflicting redirection" (one is dropped, with a warning
 *   at -v) unless they carry the same non-zero equivalence tag, which
 *   declares them interchangeable.  So each group of wrappers that behaves
 *   identically (same arguments, same report) shares a tag (31xxx below,
 *   the last digit is the priority, 0), and wrappers that behave
 *   differently have different tags.  memalign and aligned_alloc share one
 *   wrapper body, free and cfree another, for exactly this reason: whichever
 *   of the two Valgrind binds, the report is the same.
 *
 * SONAMES
 *   C allocator: libc.so* (VG_Z_LIBC_SONAME) and SO_SYN_MALLOC
 *   (VgSoSynsomalloc: with no --soname-synonyms it matches the global symbol
 *   in any object, so a malloc defined in the executable or in an allocator
 *   library is wrapped too; --soname-synonyms=somalloc=PATTERN narrows it).
 *   C++ operators: libstdc++*, libc++* (libc++abi too), libc.so* and
 *   SO_SYN_MALLOC, with the amd64 manglings (size_t = unsigned long, 'm').
 *
 * REPORTS (from the outermost wrapper, while the tool wants them)
 *   ALLOC(addr, requested size, kind) after a successful allocation;
 *   FREE(addr, kind) *before* the original free/delete runs (after it, the
 *   address could already be handed out again to another thread), never for
 *   NULL; realloc/reallocarray report after the call: see pv_realloc_events.
 *   PV_CLREQ_PRELOAD_HELLO(version, an address in this library's code) is
 *   sent once, from the constructor or from the first wrapper that runs
 *   before it (ld.so may allocate before constructors run); the tool
 *   answers 1 when it wants heap events.  Unhandled or native client
 *   requests return the default 0: then the wrappers only forward calls.
 *
 * BUILD (no libc at all: only valgrind.h macros, compiler builtins, no TLS)
 *   cc -fpic -fno-builtin -fno-ipa-icf -fno-stack-protector
 *      -fno-omit-frame-pointer -O2 -g -DVGA_amd64=1 -DVGO_linux=1
 *      -DVGP_amd64_linux=1 -DVGPV_amd64_linux_vanilla=1
 *      -I/usr/include/valgrind -Ishared -Ivalgrind-tool
 *   ld: -shared -nodefaultlibs -Wl,-z,interpose,-z,initfirst
 *   -fno-omit-frame-pointer is required: the guard reads the wrappers'
 *   frames.  `nm -D` must show no undefined symbols but the weak ones of the
 *   C runtime's crt files.
 */

#include "pub_tool_basics.h"     /* SizeT, UWord, for pub_tool_redir.h */
#include "pub_tool_redir.h"      /* VG_WRAP_FUNCTION_EZU, VG_Z_*, SO_SYN_MALLOC */
#include "valgrind.h"            /* OrigFn, CALL_FN_*, client requests */
#include "pv_proto.h"

#if !defined(VGP_amd64_linux)
#  error "pv_preload.c is written for amd64-linux (%fs, manglings with 'm')"
#endif

/* ------------------------------------------------------------------ */
/* Heap tracking on/off, as answered by the tool                       */
/* ------------------------------------------------------------------ */

#define PV_STATE_UNKNOWN 0
#define PV_STATE_ON      1
#define PV_STATE_OFF     2

static int pv_state = PV_STATE_UNKNOWN;

/* Sent with HELLO as arg1.  arg2 is an address inside this library's
   code, so the tool can find its r-x mapping (to leave the wrappers
   uninstrumented, say). */
#define PV_PRELOAD_VERSION 1

static void pv_constructor(void);

static __attribute__((noinline)) int pv_hello(void)
{
   unsigned long on = VALGRIND_DO_CLIENT_REQUEST_EXPR(
      0, PV_CLREQ_PRELOAD_HELLO, PV_PRELOAD_VERSION,
      (unsigned long)&pv_constructor, 0, 0, 0);
   int s = on ? PV_STATE_ON : PV_STATE_OFF;
   /* Until the constructor has run there is only one thread, so the
      question is asked once. */
   __atomic_store_n(&pv_state, s, __ATOMIC_RELAXED);
   return s;
}

static inline __attribute__((always_inline)) int pv_tracking(void)
{
   int s = __atomic_load_n(&pv_state, __ATOMIC_RELAXED);
   if (__builtin_expect(s == PV_STATE_UNKNOWN, 0))
      s = pv_hello();
   return s == PV_STATE_ON;
}

static __attribute__((constructor, used)) void pv_constructor(void)
{
   if (__atomic_load_n(&pv_state, __ATOMIC_RELAXED) == PV_STATE_UNKNOWN)
      (void)pv_hello();
}

/* The reports.  These two functions do nothing themselves: the tool
 * recognises their entry points when it translates this library's code and
 * calls its own handler there with the arguments from the registers (a
 * helper call costs a few nanoseconds; a client request, which returns to
 * Valgrind's scheduler, costs hundreds).  Their names are part of the
 * protocol between this preload and the tool (valgrind-tool/pv_instrument.c). */
__attribute__((noinline, used, visibility("default")))
void pervert_heap_event_alloc(unsigned long p, unsigned long size, unsigned long kind)
{
   __asm__ __volatile__("" : : "r"(p), "r"(size), "r"(kind) : "memory");
}

__attribute__((noinline, used, visibility("default")))
void pervert_heap_event_free(unsigned long p, unsigned long kind)
{
   __asm__ __volatile__("" : : "r"(p), "r"(kind) : "memory");
}

static inline __attribute__((always_inline))
void pv_send_alloc(unsigned long p, unsigned long size, unsigned int kind)
{
   pervert_heap_event_alloc(p, size, kind);
}

static inline __attribute__((always_inline))
void pv_send_free(unsigned long p, unsigned int kind)
{
   pervert_heap_event_free(p, kind);
}

/* ------------------------------------------------------------------ */
/* The nesting guard (see the top of the file)                         */
/* ------------------------------------------------------------------ */

/* Threads inside a wrapper at the same moment (a power of two), and how
   many slots from its hash a thread looks at. */
#define PV_NSLOTS   128
#define PV_PROBE    8
/* Nested events kept per thread until its outermost wrapper returns. */
#define PV_NPEND    8
/* A nested wrapper's frame lies a few hundred bytes below the outer one
   (the original allocator's frames in between); anything farther away is
   not nested (and is not read). */
#define PV_NEST_MAX (64ul * 1024)

struct pv_pend {
   unsigned long addr;
   unsigned long size;
   unsigned int  kind;
   unsigned int  is_free;
};

struct pv_slot {
   unsigned long  outer_fa;     /* frame of the outermost active wrapper */
   unsigned long  outer_ret;    /* the return address saved in it */
   unsigned int   npend;
   struct pv_pend pend[PV_NPEND];
};

/* pv_owner[i]: thread pointer of the thread owning pv_slots[i], 0: free.
   Kept apart so that a lookup reads one cache line. */
static unsigned long  pv_owner[PV_NSLOTS];
static struct pv_slot pv_slots[PV_NSLOTS];

static inline __attribute__((always_inline)) unsigned long pv_self(void)
{
   unsigned long tp;
   __asm__ ("movq %%fs:0, %0" : "=r" (tp));
   return tp;
}

/* Report a slot's pending nested events, except an allocation of
   keep_alloc and a free of keep_free (the outer call's own blocks). */
static __attribute__((noinline))
void pv_flush(struct pv_slot *sl, unsigned long keep_alloc,
              unsigned long keep_free)
{
   unsigned int i, n = sl->npend;
   sl->npend = 0;
   if (!pv_tracking())
      return;
   for (i = 0; i < n && i < PV_NPEND; i++) {
      const struct pv_pend *e = &sl->pend[i];
      if (e->is_free) {
         if (keep_free == 0 || e->addr != keep_free)
            pv_send_free(e->addr, e->kind);
      } else {
         if (keep_alloc == 0 || e->addr != keep_alloc)
            pv_send_alloc(e->addr, e->size, e->kind);
      }
   }
}

static __attribute__((noinline))
void pv_pend_add(struct pv_slot *sl, unsigned long p, unsigned long size,
                 unsigned int kind, unsigned int is_free)
{
   unsigned int i = sl->npend;
   if (!pv_tracking())
      return;
   if (i >= PV_NPEND) {
      /* Full (a new_handler gone wild): report now. */
      if (is_free)
         pv_send_free(p, kind);
      else
         pv_send_alloc(p, size, kind);
      return;
   }
   sl->pend[i].addr    = p;
   sl->pend[i].size    = size;
   sl->pend[i].kind    = kind;
   sl->pend[i].is_free = is_free;
   sl->npend = i + 1;
}

/* Called first by every wrapper, with the wrapper's frame address and
   return address.  Returns 1 when the wrapper is the thread's outermost
   (*slp: the slot it now owns, NULL if none was free), 0 when it is nested
   in another wrapper (*slp: that wrapper's slot). */
static __attribute__((noinline))
int pv_enter(unsigned long fa, unsigned long ret, struct pv_slot **slp)
{
   unsigned long tp = pv_self();
   unsigned int h = (unsigned int)((tp * 0x9E3779B97F4A7C15ull) >> 40);
   unsigned int i;

   for (i = 0; i < PV_PROBE; i++) {
      unsigned int k = (h + i) & (PV_NSLOTS - 1);
      if (__atomic_load_n(&pv_owner[k], __ATOMIC_RELAXED) == tp) {
         struct pv_slot *sl = &pv_slots[k];
         unsigned long o = sl->outer_fa;
         *slp = sl;
         if (o != 0 && fa < o && o - fa < PV_NEST_MAX
             && ((volatile unsigned long *)o)[1] == sl->outer_ret)
            return 0;
         /* A record left behind by an exception or a longjmp out of the
            outermost wrapper: its nested events did happen, report them;
            this wrapper is the outermost one now. */
         if (sl->npend != 0)
            pv_flush(sl, 0, 0);
         sl->outer_fa  = fa;
         sl->outer_ret = ret;
         return 1;
      }
   }
   for (i = 0; i < PV_PROBE; i++) {
      unsigned int k = (h + i) & (PV_NSLOTS - 1);
      unsigned long expected = 0;
      if (__atomic_load_n(&pv_owner[k], __ATOMIC_RELAXED) == 0
          && __atomic_compare_exchange_n(&pv_owner[k], &expected, tp, 0,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
         struct pv_slot *sl = &pv_slots[k];
         sl->outer_fa  = fa;
         sl->outer_ret = ret;
         sl->npend     = 0;
         *slp = sl;
         return 1;
      }
   }
   *slp = 0;
   return 1;
}

/* Must be expanded in the wrapper itself (frame of the wrapper). */
#define PV_ENTER(slp) \
   pv_enter((unsigned long)__builtin_frame_address(0),                    \
            (unsigned long)__builtin_return_address(0), (slp))

/* After the original returned.  own_alloc/own_free: the block the call
   returned / released (NULL: none).  The outermost wrapper reports the
   nested events that were not about its own blocks and gives its slot
   back. */
static __attribute__((noinline))
void pv_leave_outer(struct pv_slot *sl, void *own_alloc, void *own_free)
{
   sl->outer_fa = 0;
   if (sl->npend != 0)
      pv_flush(sl, (unsigned long)own_alloc, (unsigned long)own_free);
   __atomic_store_n(&pv_owner[sl - pv_slots], 0, __ATOMIC_RELEASE);
}

static inline __attribute__((always_inline))
void pv_finish(int outer, struct pv_slot *sl, void *own_alloc, void *own_free)
{
   if (outer && sl != 0)
      pv_leave_outer(sl, own_alloc, own_free);
}

/* An allocation or a free done by this wrapper (p != NULL): told to the
   tool by the outermost wrapper, kept in the slot by a nested one. */
static inline __attribute__((always_inline))
void pv_alloc_event(int outer, struct pv_slot *sl, void *p,
                    unsigned long size, unsigned int kind)
{
   if (outer) {
      if (pv_tracking())
         pv_send_alloc((unsigned long)p, size, kind);
   } else {
      pv_pend_add(sl, (unsigned long)p, size, kind, 0);
   }
}

static inline __attribute__((always_inline))
void pv_free_event(int outer, struct pv_slot *sl, void *p, unsigned int kind)
{
   if (outer) {
      if (pv_tracking())
         pv_send_free((unsigned long)p, kind);
   } else {
      pv_pend_add(sl, (unsigned long)p, 0, kind, 1);
   }
}

/* ------------------------------------------------------------------ */
/* realloc's report                                                    */
/* ------------------------------------------------------------------ */

/* After r = realloc(p, n) returned (glibc semantics):
     p == NULL            -> a malloc:          ALLOC(r, n) if r != NULL
     r != NULL            -> moved or resized:  FREE(p), ALLOC(r, n)
     r == NULL, n == 0    -> glibc freed p:     FREE(p)
     r == NULL, n != 0    -> failed, p intact:  nothing
   The FREE comes after the call here; the tool only needs the address. */
static inline __attribute__((always_inline))
void pv_realloc_events(int outer, struct pv_slot *sl, void *p, void *r,
                       unsigned long n)
{
   if (p == 0) {
      if (r != 0)
         pv_alloc_event(outer, sl, r, n, PV_ALLOC_REALLOC);
   } else if (r != 0) {
      pv_free_event(outer, sl, p, PV_ALLOC_REALLOC);
      pv_alloc_event(outer, sl, r, n, PV_ALLOC_REALLOC);
   } else if (n == 0) {
      pv_free_event(outer, sl, p, PV_ALLOC_REALLOC);
   }
}

/* ------------------------------------------------------------------ */
/* Wrapper generators, one per shape                                   */
/* ------------------------------------------------------------------ */

#define PV_W(tag, soname, fn) VG_WRAP_FUNCTION_EZU(tag, soname, fn)

/* void *fn(size_t n): malloc, valloc, pvalloc, operator new(size_t) */
#define PV_ALLOC_N(tag, soname, fn, kind)                                 \
   void *PV_W(tag, soname, fn)(SizeT n);                                  \
   void *PV_W(tag, soname, fn)(SizeT n)                                   \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_W(r, orig, n);                                            \
      pv_finish(outer, sl, r, 0);                                         \
      if (r != 0)                                                         \
         pv_alloc_event(outer, sl, r, n, kind);                           \
      return r;                                                           \
   }

/* void *fn(size_t n, X x): operator new(size_t, nothrow_t const&),
   operator new(size_t, align_val_t) */
#define PV_ALLOC_N_X(tag, soname, fn, kind)                               \
   void *PV_W(tag, soname, fn)(SizeT n, UWord x);                         \
   void *PV_W(tag, soname, fn)(SizeT n, UWord x)                          \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WW(r, orig, n, x);                                        \
      pv_finish(outer, sl, r, 0);                                         \
      if (r != 0)                                                         \
         pv_alloc_event(outer, sl, r, n, kind);                           \
      return r;                                                           \
   }

/* void *fn(size_t n, align_val_t a, nothrow_t const&) */
#define PV_ALLOC_N_X_Y(tag, soname, fn, kind)                             \
   void *PV_W(tag, soname, fn)(SizeT n, UWord x, UWord y);                \
   void *PV_W(tag, soname, fn)(SizeT n, UWord x, UWord y)                 \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WWW(r, orig, n, x, y);                                    \
      pv_finish(outer, sl, r, 0);                                         \
      if (r != 0)                                                         \
         pv_alloc_event(outer, sl, r, n, kind);                           \
      return r;                                                           \
   }

/* void *fn(size_t alignment, size_t n): memalign, aligned_alloc */
#define PV_MEMALIGN(tag, soname, fn)                                      \
   void *PV_W(tag, soname, fn)(SizeT al, SizeT n);                        \
   void *PV_W(tag, soname, fn)(SizeT al, SizeT n)                         \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WW(r, orig, al, n);                                       \
      pv_finish(outer, sl, r, 0);                                         \
      if (r != 0)                                                         \
         pv_alloc_event(outer, sl, r, n, PV_ALLOC_MEMALIGN);              \
      return r;                                                           \
   }

/* int posix_memalign(void **memptr, size_t alignment, size_t n):
   *memptr is set (and reported) only when it returns 0 */
#define PV_POSIX_MEMALIGN(tag, soname, fn)                                \
   int PV_W(tag, soname, fn)(void **memptr, SizeT al, SizeT n);           \
   int PV_W(tag, soname, fn)(void **memptr, SizeT al, SizeT n)            \
   {                                                                      \
      OrigFn orig;                                                        \
      int ret;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      void *r;                                                            \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WWW(ret, orig, memptr, al, n);                            \
      r = ret == 0 ? *memptr : 0;                                         \
      pv_finish(outer, sl, r, 0);                                         \
      if (r != 0)                                                         \
         pv_alloc_event(outer, sl, r, n, PV_ALLOC_MEMALIGN);              \
      return ret;                                                         \
   }

/* void *calloc(size_t nmemb, size_t size); glibc fails (NULL) when the
   product overflows */
#define PV_CALLOC(tag, soname, fn)                                        \
   void *PV_W(tag, soname, fn)(SizeT nmemb, SizeT size);                  \
   void *PV_W(tag, soname, fn)(SizeT nmemb, SizeT size)                   \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      unsigned long total;                                                \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WW(r, orig, nmemb, size);                                 \
      pv_finish(outer, sl, r, 0);                                         \
      if (r != 0 && !__builtin_mul_overflow(nmemb, size, &total))         \
         pv_alloc_event(outer, sl, r, total, PV_ALLOC_CALLOC);            \
      return r;                                                           \
   }

/* void *realloc(void *p, size_t n) */
#define PV_REALLOC(tag, soname, fn)                                       \
   void *PV_W(tag, soname, fn)(void *p, SizeT n);                         \
   void *PV_W(tag, soname, fn)(void *p, SizeT n)                          \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WW(r, orig, p, n);                                        \
      pv_finish(outer, sl, r, p);                                         \
      pv_realloc_events(outer, sl, p, r, n);                              \
      return r;                                                           \
   }

/* void *reallocarray(void *p, size_t nmemb, size_t size): an overflowing
   product fails with ENOMEM and leaves p alone: nothing to report */
#define PV_REALLOCARRAY(tag, soname, fn)                                  \
   void *PV_W(tag, soname, fn)(void *p, SizeT nmemb, SizeT size);         \
   void *PV_W(tag, soname, fn)(void *p, SizeT nmemb, SizeT size)          \
   {                                                                      \
      OrigFn orig;                                                        \
      void *r;                                                            \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      unsigned long total;                                                \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      CALL_FN_W_WWW(r, orig, p, nmemb, size);                             \
      pv_finish(outer, sl, r, p);                                         \
      if (!__builtin_mul_overflow(nmemb, size, &total))                   \
         pv_realloc_events(outer, sl, p, r, total);                       \
      return r;                                                           \
   }

/* void fn(void *p): free, cfree, operator delete(void*), delete[].
   The free is told before the original runs. */
#define PV_FREE_P(tag, soname, fn, kind)                                  \
   void PV_W(tag, soname, fn)(void *p);                                   \
   void PV_W(tag, soname, fn)(void *p)                                    \
   {                                                                      \
      OrigFn orig;                                                        \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      if (p != 0)                                                         \
         pv_free_event(outer, sl, p, kind);                               \
      CALL_FN_v_W(orig, p);                                               \
      pv_finish(outer, sl, 0, p);                                         \
   }

/* void fn(void *p, X x): sized, aligned or nothrow delete, free_sized */
#define PV_FREE_P_X(tag, soname, fn, kind)                                \
   void PV_W(tag, soname, fn)(void *p, UWord x);                          \
   void PV_W(tag, soname, fn)(void *p, UWord x)                           \
   {                                                                      \
      OrigFn orig;                                                        \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      if (p != 0)                                                         \
         pv_free_event(outer, sl, p, kind);                               \
      CALL_FN_v_WW(orig, p, x);                                           \
      pv_finish(outer, sl, 0, p);                                         \
   }

/* void fn(void *p, X x, Y y): sized+aligned, aligned+nothrow delete,
   free_aligned_sized */
#define PV_FREE_P_X_Y(tag, soname, fn, kind)                              \
   void PV_W(tag, soname, fn)(void *p, UWord x, UWord y);                 \
   void PV_W(tag, soname, fn)(void *p, UWord x, UWord y)                  \
   {                                                                      \
      OrigFn orig;                                                        \
      int outer;                                                          \
      struct pv_slot *sl;                                                 \
      VALGRIND_GET_ORIG_FN(orig);                                         \
      outer = PV_ENTER(&sl);                                              \
      if (p != 0)                                                         \
         pv_free_event(outer, sl, p, kind);                               \
      CALL_FN_v_WWW(orig, p, x, y);                                       \
      pv_finish(outer, sl, 0, p);                                         \
   }

/* ------------------------------------------------------------------ */
/* The C allocator: libc.so* and the somalloc synonym                  */
/* ------------------------------------------------------------------ */

#define PV_C_FUNCS(so)                                                    \
   PV_ALLOC_N        (31010, so, malloc,        PV_ALLOC_MALLOC)          \
   PV_CALLOC         (31020, so, calloc)                                  \
   PV_REALLOC        (31030, so, realloc)                                 \
   PV_REALLOCARRAY   (31040, so, reallocarray)                            \
   PV_MEMALIGN       (31050, so, memalign)                                \
   PV_MEMALIGN       (31050, so, aligned_alloc)                           \
   PV_ALLOC_N        (31060, so, valloc,        PV_ALLOC_MEMALIGN)        \
   PV_ALLOC_N        (31070, so, pvalloc,       PV_ALLOC_MEMALIGN)        \
   PV_POSIX_MEMALIGN (31080, so, posix_memalign)                          \
   PV_FREE_P         (31090, so, free,          PV_ALLOC_FREE)            \
   PV_FREE_P         (31090, so, cfree,         PV_ALLOC_FREE)            \
   PV_FREE_P_X       (31100, so, free_sized,    PV_ALLOC_FREE)            \
   PV_FREE_P_X_Y     (31110, so, free_aligned_sized, PV_ALLOC_FREE)

PV_C_FUNCS(VG_Z_LIBC_SONAME)
PV_C_FUNCS(SO_SYN_MALLOC)

/* ------------------------------------------------------------------ */
/* C++ operators new and delete (amd64: size_t is 'm')                 */
/* ------------------------------------------------------------------ */

#define PV_CXX_FUNCS(so)                                                  \
   /* operator new */                                                     \
   PV_ALLOC_N      (31200, so, _Znwm,                 PV_ALLOC_NEW)       \
   PV_ALLOC_N_X    (31210, so, _ZnwmRKSt9nothrow_t,   PV_ALLOC_NEW)       \
   PV_ALLOC_N_X    (31220, so, _ZnwmSt11align_val_t,  PV_ALLOC_NEW)       \
   PV_ALLOC_N_X_Y  (31230, so, _ZnwmSt11align_val_tRKSt9nothrow_t,        \
                                                      PV_ALLOC_NEW)       \
   /* operator new[] */                                                   \
   PV_ALLOC_N      (31240, so, _Znam,                 PV_ALLOC_NEW_ARRAY) \
   PV_ALLOC_N_X    (31250, so, _ZnamRKSt9nothrow_t,   PV_ALLOC_NEW_ARRAY) \
   PV_ALLOC_N_X    (31260, so, _ZnamSt11align_val_t,  PV_ALLOC_NEW_ARRAY) \
   PV_ALLOC_N_X_Y  (31270, so, _ZnamSt11align_val_tRKSt9nothrow_t,        \
                                                      PV_ALLOC_NEW_ARRAY) \
   /* operator delete */                                                  \
   PV_FREE_P       (31300, so, _ZdlPv,                PV_ALLOC_DELETE)    \
   PV_FREE_P_X     (31310, so, _ZdlPvm,               PV_ALLOC_DELETE)    \
   PV_FREE_P_X     (31320, so, _ZdlPvRKSt9nothrow_t,  PV_ALLOC_DELETE)    \
   PV_FREE_P_X     (31330, so, _ZdlPvSt11align_val_t, PV_ALLOC_DELETE)    \
   PV_FREE_P_X_Y   (31340, so, _ZdlPvmSt11align_val_t, PV_ALLOC_DELETE)   \
   PV_FREE_P_X_Y   (31350, so, _ZdlPvSt11align_val_tRKSt9nothrow_t,       \
                                                      PV_ALLOC_DELETE)    \
   /* operator delete[] */                                                \
   PV_FREE_P       (31400, so, _ZdaPv,                PV_ALLOC_DELETE_ARRAY) \
   PV_FREE_P_X     (31410, so, _ZdaPvm,               PV_ALLOC_DELETE_ARRAY) \
   PV_FREE_P_X     (31420, so, _ZdaPvRKSt9nothrow_t,  PV_ALLOC_DELETE_ARRAY) \
   PV_FREE_P_X     (31430, so, _ZdaPvSt11align_val_t, PV_ALLOC_DELETE_ARRAY) \
   PV_FREE_P_X_Y   (31440, so, _ZdaPvmSt11align_val_t, PV_ALLOC_DELETE_ARRAY) \
   PV_FREE_P_X_Y   (31450, so, _ZdaPvSt11align_val_tRKSt9nothrow_t,       \
                                                      PV_ALLOC_DELETE_ARRAY)

PV_CXX_FUNCS(VG_Z_LIBSTDCXX_SONAME)
PV_CXX_FUNCS(VG_Z_LIBCXX_SONAME)
PV_CXX_FUNCS(VG_Z_LIBC_SONAME)
PV_CXX_FUNCS(SO_SYN_MALLOC)

/* malloc_usable_size, malloc_trim, mallopt, mallinfo: not wrapped (they
   neither create nor end a block). */
