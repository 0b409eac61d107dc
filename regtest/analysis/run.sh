#!/bin/bash
# regtest/analysis/run.sh -- pervert-dump --analyze and shared/pv_analysis.c
# (issue 6, the non-GUI part):
#   unit        analysis_test.c: synthetic accesses and heap events
#   matrix      matrix_rowcol under pervert: the column-major load's dominant
#               stride bin holds the row stride (N*8), the row-major one's is
#               +8..15; the matrix block (make_matrix) has the right size and
#               is fully touched
#   listwalk    the shuffled list walk's sites have scattered strides (no bin
#               with half of them); the array walk's is +4..7
#   leak        the 4096-byte buffer of make_buffer: live, 1000 bytes touched;
#               50 live 256-byte records of make_record, 64 bytes touched each
#   aos_soa     dominant strides +64..127 (AoS) and +8..15 (SoA)
#   false_sharing  the counters' sites have stride 0; the adjacent pair's
#               16-byte block (make_counters) is accessed by more than one
#               thread (main and the workers: 3, or 2 when Valgrind gave the
#               second worker the id of the first, which had ended)
#   reuse       matrix_rowcol with --reuse: the row-major load reuses its
#               line at once (distance 0), the column-major one after a
#               column of N lines (the bin of N-1)
#   trace file  --analyze of a --record'ed trace = the live report
#   options     bad --top, --analyze with --count
# Uses the build tree (./configure && make first).  Environment:
# PERVERT_TOP, PERVERT_BUILD (set by regtest/run-tests), CC.
# Prints "N passed, N failed"; exit status 0 when all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$top/build}
vg=$top/vg-in-place
dump=$build/pervert-dump
demos=$build/demos
CC=${CC:-gcc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-analysis.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/     /' "$2" | head -n 40; }

# ---- unit test of pv_analysis.c (ASan/UBSan when the compiler has them)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
echo 'int main(void){return 0;}' > "$tmp/t.c"
$CC $san -o "$tmp/t" "$tmp/t.c" 2>/dev/null && "$tmp/t" 2>/dev/null || san=
if $CC -O1 -g -Wall -Wextra -Werror -std=gnu11 $san -I"$top/shared" -o "$tmp/analysis_test" \
      "$here/analysis_test.c" "$top/shared/pv_analysis.c" 2>"$tmp/cc.log"; then
   if "$tmp/analysis_test" >"$tmp/unit.log" 2>&1; then
      ok "unit: $(tail -n 1 "$tmp/unit.log")"
   else
      bad "unit" "$tmp/unit.log"
   fi
else
   bad "unit: does not compile" "$tmp/cc.log"
fi

if [ ! -x "$dump" ] || [ ! -d "$build/vglib" ]; then
   bad "pervert-dump or the tool is not built: ./configure && make"
   echo "$pass passed, $fail failed"
   exit 1
fi

# analyze NAME PROGRAM ARGS...: the report in $tmp/NAME.txt
analyze() {
   local name=$1; shift
   rm -f "$tmp/$name.txt"
   if ! timeout -k 5 300 "$vg" -q --tool=pervert \
         "--viewer=pervert-dump --analyze --top=200 --output=$tmp/$name.txt" "$@" \
         >"$tmp/$name.out" 2>"$tmp/$name.err" || [ ! -s "$tmp/$name.txt" ]; then
      cat "$tmp/$name.err" >> "$tmp/$name.txt" 2>/dev/null
      return 1
   fi
}

# the site line of the busiest site in function FN: "site ... at FN (FILE:"
site_of() {   # site_of NAME FN FILE
   grep -m1 "^site .* at $2 ($3:" "$tmp/$1.txt"
}
field() {     # field LINE NAME -> value of NAME=VALUE
   sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1" | tr -d '~'
}
dominant() {  # dominant LINE -> "LABEL PERCENT"
   sed -n 's/.* dominant=\([^ ]*\) \([0-9.]*\)%.*/\1 \2/p' <<< "$1"
}
# the stride bin label holding the positive distance D: +LO..HI
bin_of() {
   local d=$1 lo=1
   while [ $((lo * 2)) -le "$d" ]; do lo=$((lo * 2)); done
   if [ $lo = 1 ]; then echo "+1"; else echo "+$lo..$((lo * 2 - 1))"; fi
}

# ---- matrix_rowcol
N=200
if analyze matrix "$demos/matrix_rowcol" $N; then
   col=$(site_of matrix sum_col_major matrix_rowcol.c)
   row=$(site_of matrix sum_row_major matrix_rowcol.c)
   want=$(bin_of $((N * 8)))
   read -r cl cp <<< "$(dominant "$col")"
   read -r rl rp <<< "$(dominant "$row")"
   if [ "$cl" = "$want" ] && [ "${cp%.*}" -ge 90 ] && [ "$(field "$col" accesses)" = $((N * N)) ]; then
      ok "matrix: column-major dominant stride $cl ($cp%), row stride $((N * 8))"
   else
      bad "matrix: column-major dominant '$cl $cp%', want $want" "$tmp/matrix.txt"
   fi
   if [ "$rl" = "+8..15" ] && [ "${rp%.*}" -ge 90 ] && [ "$(field "$row" accesses)" = $((N * N)) ]; then
      ok "matrix: row-major dominant stride $rl ($rp%)"
   else
      bad "matrix: row-major dominant '$rl $rp%', want +8..15" "$tmp/matrix.txt"
   fi
   # every access of the column-major site starts a new cache line: N*N/8 lines
   lines=$(field "$col" lines)
   if [ -n "$lines" ] && [ "$lines" -ge $((N * N / 8 * 90 / 100)) ] && [ "$lines" -le $((N * N / 8 * 110 / 100)) ]; then
      ok "matrix: column-major site touched ~$((N * N / 8)) lines ($lines)"
   else
      bad "matrix: column-major lines=$lines, want ~$((N * N / 8))" "$tmp/matrix.txt"
   fi
   blk=$(grep -m1 "^block .* at make_matrix (matrix_rowcol.c:" "$tmp/matrix.txt")
   size=$((N * N * 8))
   if [ "$(field "$blk" size)" = $size ] && [ "$(field "$blk" touched)" = $size ] &&
      [ "$(field "$blk" accesses)" = $((3 * N * N)) ] && grep -q ' freed ' <<< "$blk"; then
      ok "matrix: block of make_matrix: size $size, all touched, 3*N*N accesses, freed"
   else
      bad "matrix: block of make_matrix: '$blk'" "$tmp/matrix.txt"
   fi
else
   bad "matrix: pervert-dump --analyze failed" "$tmp/matrix.txt"
fi

# ---- listwalk
N=5000
if analyze listwalk "$demos/listwalk" $N; then
   # the list walk's sites with at least N/2 accesses (the loads of value and next)
   worst=0 nsites=0
   while read -r line; do
      [ -n "$line" ] || continue
      acc=$(field "$line" accesses)
      [ "$acc" -ge $((N / 2)) ] || continue
      nsites=$((nsites + 1))
      read -r _ p <<< "$(dominant "$line")"
      [ "${p%.*}" -gt "$worst" ] && worst=${p%.*}
   done <<< "$(grep "^site .* at walk_list (listwalk.c:" "$tmp/listwalk.txt")"
   if [ $nsites -ge 1 ] && [ "$worst" -lt 50 ]; then
      ok "listwalk: $nsites list-walk site(s), strides scattered (largest bin $worst% < 50%)"
   else
      bad "listwalk: $nsites sites, largest stride bin $worst%" "$tmp/listwalk.txt"
   fi
   arr=$(site_of listwalk walk_array listwalk.c)
   read -r al ap <<< "$(dominant "$arr")"
   if [ "$al" = "+4..7" ] && [ "${ap%.*}" -ge 90 ]; then
      ok "listwalk: array walk dominant stride $al ($ap%)"
   else
      bad "listwalk: array walk dominant '$al $ap%'" "$tmp/listwalk.txt"
   fi
else
   bad "listwalk: pervert-dump --analyze failed" "$tmp/listwalk.txt"
fi

# ---- leak
if analyze leak "$demos/leak" 100; then
   buf=$(grep -m1 "^block .* at make_buffer (leak.c:" "$tmp/leak.txt")
   if [ "$(field "$buf" size)" = 4096 ] && [ "$(field "$buf" touched)" = 1000 ] &&
      grep -q ' live ' <<< "$buf"; then
      ok "leak: make_buffer block: size 4096, 1000 bytes touched, live"
   else
      bad "leak: make_buffer block: '$buf'" "$tmp/leak.txt"
   fi
   nrec=$(grep -c "^block .* size=256 touched=64 .* live .* at make_record (leak.c:" "$tmp/leak.txt")
   nfreed=$(grep -c "^block .* size=256 touched=64 .* freed .* at make_record (leak.c:" "$tmp/leak.txt")
   if [ "$nrec" = 50 ] && [ "$nfreed" = 50 ]; then
      ok "leak: 50 live and 50 freed records of make_record, 64 of 256 bytes touched"
   else
      bad "leak: $nrec live, $nfreed freed records (want 50, 50)" "$tmp/leak.txt"
   fi
else
   bad "leak: pervert-dump --analyze failed" "$tmp/leak.txt"
fi

# ---- aos_soa
if analyze aos "$demos/aos_soa" 2000; then
   read -r l1 _ <<< "$(dominant "$(site_of aos sum_x_aos aos_soa.c)")"
   read -r l2 _ <<< "$(dominant "$(site_of aos sum_x_soa aos_soa.c)")"
   if [ "$l1" = "+64..127" ] && [ "$l2" = "+8..15" ]; then
      ok "aos_soa: dominant strides $l1 (AoS) and $l2 (SoA)"
   else
      bad "aos_soa: dominant strides '$l1' and '$l2'" "$tmp/aos.txt"
   fi
else
   bad "aos_soa: pervert-dump --analyze failed" "$tmp/aos.txt"
fi

# ---- false_sharing
if analyze fs "$demos/false_sharing" 2000; then
   read -r l1 _ <<< "$(dominant "$(site_of fs bump_adjacent false_sharing.c)")"
   read -r l2 _ <<< "$(dominant "$(site_of fs bump_padded false_sharing.c)")"
   if [ "$l1" = 0 ] && [ "$l2" = 0 ]; then
      ok "false_sharing: the counters' sites have stride 0"
   else
      bad "false_sharing: dominant strides '$l1' and '$l2'" "$tmp/fs.txt"
   fi
   blk=$(grep -m1 "^block .* size=16 .* at make_counters (false_sharing.c:" "$tmp/fs.txt")
   thr=$(field "$blk" threads)
   if [ "$(field "$blk" touched)" = 16 ] && [ -n "$thr" ] && [ "$thr" -ge 2 ]; then
      ok "false_sharing: the adjacent counters' block: 16 bytes touched by $thr threads"
   else
      bad "false_sharing: adjacent counters' block: '$blk'" "$tmp/fs.txt"
   fi
else
   bad "false_sharing: pervert-dump --analyze failed" "$tmp/fs.txt"
fi

# ---- reuse distance
# the fullest reuse bin of the site line's following "  reuse" line
reuse_top() {   # reuse_top NAME FN FILE -> LABEL
   grep -A1 -m1 "^site .* at $2 ($3:" "$tmp/$1.txt" | sed -n 's/^  reuse //p' |
      tr ' ' '\n' | paste - - | grep -v '^p[59]0' |
      sort -t"$(printf '\t')" -k2,2 -rn | head -n 1 | cut -f1
}
N=200
rm -f "$tmp/reuse.txt"
if timeout -k 5 300 "$vg" -q --tool=pervert \
      "--viewer=pervert-dump --analyze --reuse --top=20 --output=$tmp/reuse.txt" \
      "$demos/matrix_rowcol" $N >"$tmp/reuse.out" 2>"$tmp/reuse.err" && [ -s "$tmp/reuse.txt" ]; then
   rr=$(reuse_top reuse sum_row_major matrix_rowcol.c)
   rc=$(reuse_top reuse sum_col_major matrix_rowcol.c)
   want=$(bin_of $((N - 1))); want=${want#+}
   if [ "$rr" = 0 ] && [ "$rc" = "$want" ]; then
      ok "reuse: row-major reuses at distance 0, column-major at $rc lines"
   else
      bad "reuse: row-major '$rr' (want 0), column-major '$rc' (want $want)" "$tmp/reuse.txt"
   fi
else
   cat "$tmp/reuse.err" >> "$tmp/reuse.txt" 2>/dev/null
   bad "reuse: pervert-dump --analyze --reuse failed" "$tmp/reuse.txt"
fi

# ---- a recorded trace file (pervert-dump --record) analyzed afterwards
# gives the report of the live run
if "$dump" --help | grep -q -- --record=; then
   if timeout -k 5 300 "$vg" -q --tool=pervert \
         "--viewer=pervert-dump --analyze --reuse --record=$tmp/t.pvt --output=$tmp/live.txt" \
         "$demos/matrix_rowcol" 60 >"$tmp/rec.out" 2>"$tmp/rec.err" &&
      "$dump" --analyze --reuse --output="$tmp/off.txt" "$tmp/t.pvt" 2>>"$tmp/rec.err" &&
      [ -s "$tmp/live.txt" ] && cmp -s "$tmp/live.txt" "$tmp/off.txt"; then
      ok "trace file: --analyze of the recording = the live report ($(wc -l < "$tmp/live.txt") lines)"
   else
      { cat "$tmp/rec.err"; diff "$tmp/live.txt" "$tmp/off.txt"; } > "$tmp/rec.log" 2>&1
      bad "trace file: offline report differs from the live one" "$tmp/rec.log"
   fi
fi

# ---- options
"$dump" --analyze --top=0 /nonexistent >"$tmp/o1" 2>&1; rc1=$?
"$dump" --analyze --count /nonexistent >"$tmp/o2" 2>&1; rc2=$?
"$dump" --reuse --count /nonexistent >"$tmp/o3" 2>&1; rc3=$?
"$dump" --analyze --reuse=8 /nonexistent >"$tmp/o4" 2>&1; rc4=$?
if [ $rc1 = 2 ] && [ $rc2 = 2 ] && [ $rc3 = 2 ] && [ $rc4 = 2 ] &&
   grep -q -- --top=0 "$tmp/o1" && grep -q "cannot be used together" "$tmp/o2" &&
   grep -q -- "--reuse needs --analyze" "$tmp/o3" && grep -q -- --reuse=8 "$tmp/o4"; then
   ok "options: --top=0, --analyze --count, --reuse alone, --reuse=8 are usage errors"
else
   cat "$tmp/o1" "$tmp/o2" "$tmp/o3" "$tmp/o4" > "$tmp/o.log"
   bad "options: exit $rc1, $rc2, $rc3, $rc4" "$tmp/o.log"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
