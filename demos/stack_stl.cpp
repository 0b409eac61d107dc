// stack_stl.cpp -- stack.c with std::stack<int> (on std::deque): push N,
// pop them all summing.
// Usage: stack_stl [N]   (default 100000)
// Prints: stack_stl n=N sum=S
#include <cstdio>
#include <cstdlib>
#include <stack>

int main(int argc, char **argv)
{
   long n = argc > 1 ? std::atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   std::stack<int> s;
   for (long i = 0; i < n; i++)
      s.push((int)(i % 1000));
   unsigned long long sum = 0;
   long popped = 0;
   while (!s.empty()) {
      sum += (unsigned)s.top();
      s.pop();
      popped++;
   }
   std::printf("stack_stl n=%ld sum=%llu\n", popped, sum);
   return 0;
}
