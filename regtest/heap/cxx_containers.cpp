// Standard containers and library types that allocate through operator new
// (std::allocator), strings, streams, shared_ptr, a thrown and caught
// exception (__cxa_allocate_exception mallocs).  Counts must equal
// memcheck's.
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

int main()
{
   std::vector<int> v;
   for (int i = 0; i < 1000; i++) v.push_back(i);      // grows by doubling
   v.shrink_to_fit();

   std::map<int, std::string> m;
   for (int i = 0; i < 200; i++)
      m[i] = "value number " + std::to_string(i) + " (long enough for the heap)";
   m.erase(m.begin(), m.find(100));

   std::unordered_map<std::string, int> h;
   for (int i = 0; i < 300; i++) h["key" + std::to_string(i * 7)] = i;
   h.rehash(2048);

   auto sp = std::make_shared<std::vector<double>>(500, 1.5);
   std::shared_ptr<int> sp2(new int(3));
   std::unique_ptr<long[]> up(new long[64]());

   std::ostringstream os;
   for (int i = 0; i < 100; i++) os << "item " << i << ' ';
   std::string s = os.str();

   long caught = 0;
   try {
      throw std::runtime_error("a message that does not fit in the small-string buffer");
   } catch (const std::exception &e) {
      caught = (long)std::string(e.what()).size();
   }

   std::printf("%zu %zu %zu %zu %d %ld %zu %ld\n", v.size(), m.size(), h.size(),
               sp->size(), *sp2, (long)up[0], s.size(), caught);
   return 0;
}
