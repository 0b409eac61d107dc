#!/bin/bash
# regtest/heap/run.sh [NAME...] -- heap totals under pervert must equal
# memcheck's "total heap usage: N allocs, M frees, B bytes allocated" (or,
# for a test with an "EXPECT: N allocs, M frees, B bytes allocated" line,
# those numbers).  Uses the build tree (./configure && make first).
# Environment: PERVERT_TOP, PERVERT_BUILD (set by regtest/run-tests;
# default: this repository and its build/), PV_VG_IN_PLACE (a command that
# runs Valgrind with pervert; default: the build's vglib), VALGRIND
# (default: valgrind), CC, CXX.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$repo/build}
vg=${VALGRIND:-valgrind}
if [ -n "${PV_VG_IN_PLACE:-}" ]; then
   vgip() { "$PV_VG_IN_PLACE" "$@"; }
else
   if [ ! -e "$build/vglib/pervert-amd64-linux" ]; then
      echo "FAIL: $build/vglib with pervert is missing: ./configure && make" >&2
      exit 1
   fi
   vgip() { VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" "$@"; }
fi
CC=${CC:-gcc}
CXX=${CXX:-g++}
# -fno-builtin: gcc deletes unused malloc/free pairs otherwise
CFLAGS="-O1 -g -fno-builtin -pthread -Wall"
CXXFLAGS="-std=c++17 $CFLAGS"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-heap-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# "… 1,014 allocs, 1,014 frees, 75,338 bytes allocated …" -> "1014 1014 75338"
totals() {
   sed -n 's/.* \([0-9,]*\) allocs, \([0-9,]*\) frees, \([0-9,]*\) bytes allocated.*/\1 \2 \3/p' |
      tr -d , | head -n 1
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
   for f in "$here"/*.c "$here"/*.cpp; do
      [ -e "$f" ] || continue
      b=${f##*/}; names+=("${b%.*}")
   done
fi

fail=0
for name in "${names[@]}"; do
   if [ -f "$here/$name.c" ]; then
      src=$here/$name.c; compile=("$CC" $CFLAGS)
   elif [ -f "$here/$name.cpp" ]; then
      src=$here/$name.cpp; compile=("$CXX" $CXXFLAGS)
   else
      echo "FAIL $name: no $name.c or $name.cpp"; fail=1; continue
   fi
   prog=$tmp/$name
   if ! "${compile[@]}" -o "$prog" "$src" 2>"$tmp/$name.cc"; then
      echo "FAIL $name: does not compile"; cat "$tmp/$name.cc"; fail=1; continue
   fi
   (cd "$tmp" && vgip --tool=pervert --viewer=no "$prog" \
         >"$tmp/$name.pv.out" 2>"$tmp/$name.pv.err")
   pv_rc=$?
   got=$(grep 'pervert: heap:' "$tmp/$name.pv.err" | totals)
   exp_line=$(grep -m1 'EXPECT: ' "$src")
   if [ -n "$exp_line" ]; then
      want=$(printf '%s\n' "$exp_line" | totals); from=EXPECT
   else
      (cd "$tmp" && "$vg" --tool=memcheck "$prog" \
            >"$tmp/$name.mc.out" 2>"$tmp/$name.mc.err")
      want=$(grep 'total heap usage:' "$tmp/$name.mc.err" | totals); from=memcheck
   fi
   if [ $pv_rc -ne 0 ] || [ -z "$got" ] || [ "$got" != "$want" ]; then
      echo "FAIL $name: pervert [${got:-none}] (exit $pv_rc), $from [${want:-none}]"
      tail -n 5 "$tmp/$name.pv.err"
      fail=1
   else
      echo "ok   $name: $got (allocs frees bytes) = $from"
   fi
   # DHAT's totals too ("Total: B bytes in N blocks"), unless the program
   # sets its own expectation (memcheck/DHAT cannot run it)
   if [ -z "$exp_line" ] && ! grep -q 'NO-DHAT:' "$src"; then
      (cd "$tmp" && "$vg" --tool=dhat --dhat-out-file=/dev/null "$prog" \
            >"$tmp/$name.dh.out" 2>"$tmp/$name.dh.err")
      dh=$(sed -n 's/.*Total: *\([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\2 \1/p' "$tmp/$name.dh.err" | tr -d ,)
      set -- $got
      if [ -z "$dh" ] || [ "$dh" != "$1 $3" ]; then
         echo "FAIL $name: pervert [$1 allocs, $3 bytes], DHAT [${dh:-none} (blocks bytes)]"
         fail=1
      else
         echo "ok   $name: $1 blocks $3 bytes = DHAT"
      fi
   fi
done
exit $fail
