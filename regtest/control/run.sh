#!/bin/bash
# regtest/control/run.sh [NAME...] -- the control channel (pause, step, slow
# motion; shared/PROTOCOL.txt section 5a), driven by pervert-dump's script
# options without a window.  Each test prints PASS or FAIL; the last line is
# "N passed, N failed"; the exit status is 0 when all passed.
#
# Timing assertions use only the bounds of the issue: a pause takes effect
# within 50 ms, slow motion holds its rate within 10 %; the other waits are
# generous (a busy machine only makes them slower, never wrong).
#
# Environment: PERVERT_TOP, PERVERT_BUILD (set by regtest/run-tests; default
# this repository and its build/), VALGRIND (default: the build's launcher
# or valgrind), CC, PV_KEEP=1 (keep the temporary directory).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$repo/build}
vg=${VALGRIND:-}
[ -z "$vg" ] && [ -x "$build/valgrind" ] && vg=$build/valgrind
[ -z "$vg" ] && vg=valgrind
if [ ! -e "$build/vglib/pervert-amd64-linux" ] || [ ! -x "$build/pervert-dump" ]; then
   echo "FAIL: $build has no pervert tool or pervert-dump: ./configure && make" >&2
   echo "0 passed, 1 failed"
   exit 1
fi
# Not a function: a background job must be Valgrind itself, to be signalled.
export VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build
# A small ring: the program cannot run far ahead of pervert-dump, so that a
# pause requested after N accesses lands near N even on a busy machine.
vgip=("$vg" --tool=pervert --ring-size=1M)
CC=${CC:-gcc}
demos=$build/demos

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-control-test.XXXXXX") || exit 2
if [ "${PV_KEEP:-0}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "PASS  $1"; }
bad() {   # bad NAME REASON [FILE...]: the tail of each file for the log
   local name=$1 why=$2; shift 2
   fail=$((fail + 1)); echo "FAIL  $name: $why"
   local f
   for f in "$@"; do [ -f "$f" ] && tail -n 12 "$f" | sed "s|^|      ${f##*/}: |"; done
}
names=("$@")
selected() {
   [ ${#names[@]} -eq 0 ] && return 0
   local n
   for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done
   return 1
}

busy=$tmp/busy
if ! "$CC" -O1 -g -fno-builtin -pthread -Wall -o "$busy" "$here/busy.c" 2>"$tmp/busy.cc"; then
   bad build "busy.c does not compile" "$tmp/busy.cc"
   echo "$pass passed, $fail failed"; exit 1
fi
# the same work natively: the expected standard output
"$busy" mem 3 3000 >"$tmp/busy-mem.native"
"$busy" mem 3 600 >"$tmp/busy-mem-small.native"

# Wait (up to $3 s) until file $1 has a line matching $2.
wait_for() {
   local i
   for ((i = 0; i < $3 * 20; i++)); do
      grep -q -- "$2" "$1" 2>/dev/null && return 0
      sleep 0.05
   done
   return 1
}

# Trace $2 (made with steps or slow motion) against $1 (full speed): nothing
# missing or changed; fine-mode translations may add a few loads that normal
# translations optimise away (PROTOCOL.txt 5a, "Exactness").  Prints the
# number of extra loads; fails otherwise.
# Equal but for at most 10 extra loads in the second (see PROTOCOL 5a) and at
# most 4 one-byte loads at other addresses: ld.so's string functions look up
# bytes that depend on the AT_RANDOM bytes the kernel puts on the stack, so
# two runs of one program differ there (two plain runs do too, and lackey's).
same_but_dead_loads() {
   local d
   d=$(diff "$1" "$2" | grep '^[<>]')
   [ -z "$d" ] && { echo 0; return 0; }
   if echo "$d" | grep -qv '^[<>]  L '; then return 1; fi
   local nold nnew
   nold=$(echo "$d" | grep -c '^<') nnew=$(echo "$d" | grep -c '^>')
   if echo "$d" | grep '^<' | grep -qv ',1$'; then return 1; fi
   echo "$((nnew - nold))"
   [ "$nold" -le 4 ] && [ $((nnew - nold)) -le 10 ] && [ "$nnew" -ge "$nold" ]
}

# Numbers from "(X ms after the request)" lines, all <= 50?
latencies_ok() {   # FILE EXPECTED_COUNT
   local n
   n=$(grep -c "paused after .* ms after the request" "$1")
   [ "$n" -eq "$2" ] || { echo "$n pauses, expected $2"; return 1; }
   awk '/paused after .* ms after the request/ {
           v = $0; sub(/.*\(/, "", v); sub(/ ms.*/, "", v);
           if (v + 0 > 50) { print "a pause took " v " ms"; bad = 1 } }
        END { exit bad }' "$1"
}

# ---------------------------------------------------------------- tests

# A pause stops the event flow within 50 ms while the threads are busy with
# memory, nothing arrives while paused, and the program ends as natively.
if selected pause-mem; then
   t=pause-mem
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --count --output=$tmp/$t.count \
         --pause-after=300000 --cycles=5 --pause-for=300" \
         "$busy" mem 3 3000 >"$tmp/$t.out" 2>"$tmp/$t.err"
   rc=$?
   why=$(latencies_ok "$tmp/$t.err" 5)
   held=$(grep -c "held 300 ms: 0 record bytes arrived, paused=1" "$tmp/$t.err")
   if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
   elif [ -n "$why" ]; then bad $t "$why" "$tmp/$t.err"
   elif [ "$held" -ne 5 ]; then bad $t "records arrived while paused ($held/5 holds clean)" "$tmp/$t.err"
   elif ! cmp -s "$tmp/$t.out" "$tmp/busy-mem.native"; then bad $t "output differs from the native run" "$tmp/$t.out"
   else ok "$t (5 pauses, $(grep -o '([0-9.]* ms' "$tmp/$t.err" | tr -d '(' | sort -n | tail -1) at most; nothing while held)"
   fi
fi

# The same with threads that never touch memory (no event, no room check):
# the time slice is the only check point.
if selected pause-spin; then
   t=pause-spin
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --count --output=$tmp/$t.count \
         --pause-delay=300 --cycles=4 --pause-for=200" \
         "$busy" spin 3 2000000000 >"$tmp/$t.out" 2>"$tmp/$t.err" &
   pid=$!
   # 4 pauses are enough: end the long spin then
   # wait for the 4 holds themselves (not a fixed time: a loaded machine
   # may take longer), then end the spin
   for _ in $(seq 600); do
      [ "$(grep -c 'held 200 ms' "$tmp/$t.err" 2>/dev/null)" -ge 4 ] && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.1
   done
   kill -TERM $pid 2>/dev/null
   wait $pid
   why=$(latencies_ok "$tmp/$t.err" 4)
   held=$(grep -c "held 200 ms: 0 record bytes arrived, paused=1" "$tmp/$t.err")
   if [ -n "$why" ]; then bad $t "$why" "$tmp/$t.err"
   elif [ "$held" -ne 4 ]; then bad $t "records arrived while paused ($held/4 holds clean)" "$tmp/$t.err"
   else ok "$t (4 pauses, $(grep -o '([0-9.]* ms' "$tmp/$t.err" | tr -d '(' | sort -n | tail -1) at most)"
   fi
fi

# Stepping N yields exactly N access records: by pervert-dump's count and by
# counting the access lines between the "paused" marks of the text output.
if selected step-exact; then
   t=step-exact
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --output=$tmp/$t.txt \
         --pause-after=200000 --pause-for=100 --step=1,10,100,1000,7,1" \
         "$busy" mem 3 600 >"$tmp/$t.out" 2>"$tmp/$t.err"
   rc=$?
   want="1 10 100 1000 7 1"
   got=$(sed -n 's/.*stepped \([0-9]*\) accesses (asked \([0-9]*\))/\1/p' "$tmp/$t.err" | tr '\n' ' ')
   lines=$(awk '/^paused$/ { if (seen) printf "%d ", n; seen = 1; n = 0; next }
                /^[LSM] / { n++ }' "$tmp/$t.txt")
   held=$(grep -c "held 100 ms: 0 record bytes arrived, paused=1" "$tmp/$t.err")
   if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
   elif [ "$got" != "$want " ]; then bad $t "pervert-dump counted [$got], asked [$want]" "$tmp/$t.err"
   elif [ "$lines" != "$want " ]; then bad $t "access lines between pauses [$lines], asked [$want]" "$tmp/$t.err"
   elif [ "$held" -ne 7 ]; then bad $t "records arrived while paused" "$tmp/$t.err"
   elif ! cmp -s "$tmp/$t.out" "$tmp/busy-mem-small.native"; then bad $t "output differs from the native run" "$tmp/$t.out"
   else ok "$t (steps of $want: exact, 3 threads)"
   fi
fi

# Resuming delivers every event: a deterministic program's whole access
# trace (lackey format) is the same with 10 pauses as without; with steps in
# between nothing is lost either.
if selected no-event-lost; then
   t=no-event-lost
   prog=("$demos/bst" 20000)
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --lackey --output=$tmp/$t.plain" \
        "${prog[@]}" >"$tmp/$t.out1" 2>"$tmp/$t.err1"
   rc1=$?
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --lackey --output=$tmp/$t.paused \
        --pause-after=200000 --cycles=10 --pause-for=30" \
        "${prog[@]}" >"$tmp/$t.out2" 2>"$tmp/$t.err2"
   rc2=$?
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --lackey --output=$tmp/$t.stepped \
        --pause-after=300000 --cycles=3 --step=1,10,100,1000" \
        "${prog[@]}" >"$tmp/$t.out3" 2>"$tmp/$t.err3"
   rc3=$?
   n=$(wc -l <"$tmp/$t.plain")
   if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] || [ $rc3 -ne 0 ]; then
      bad $t "exit status $rc1/$rc2/$rc3" "$tmp/$t.err2" "$tmp/$t.err3"
   elif [ "$(grep -c 'paused after' "$tmp/$t.err2")" -ne 10 ]; then
      bad $t "not paused 10 times" "$tmp/$t.err2"
   elif ! pext=$(same_but_dead_loads "$tmp/$t.plain" "$tmp/$t.paused") || [ "$pext" != 0 ]; then
      bad $t "the trace with pauses differs ($(wc -l <"$tmp/$t.paused") accesses, $n without)" "$tmp/$t.err2"
   elif ! extra=$(same_but_dead_loads "$tmp/$t.plain" "$tmp/$t.stepped"); then
      bad $t "the trace with steps lost or changed events ($(wc -l <"$tmp/$t.stepped") accesses, $n without)" "$tmp/$t.err3"
   elif ! cmp -s "$tmp/$t.out1" "$tmp/$t.out2" || ! cmp -s "$tmp/$t.out1" "$tmp/$t.out3"; then
      bad $t "program output differs" "$tmp/$t.out2"
   else ok "$t ($n accesses: identical with 10 pauses; with 12 steps complete, $extra dead loads added)"
   fi
fi

# Slow motion holds K accesses/s within 10 %, changed live down to single
# digits, then full speed again.
if selected rate; then
   t=rate
   "${vgip[@]}" --track-heap=no --viewer="pervert-dump --count --output=$tmp/$t.count \
        --pause-after=200000 --rate=2000,50,5 --rate-for=3000" \
        "$busy" mem 3 3000 >"$tmp/$t.out" 2>"$tmp/$t.err"
   rc=$?
   res=$(awk '/pervert-dump: rate .* accesses\/s over/ {
                 r = $3; k = $NF; sub(/\)/, "", k); n++;
                 d = (r - k) / k; if (d < 0) d = -d;
                 printf "%s/s (asked %s) ", r, k;
                 if (d > 0.10) bad = 1 }
              END { if (n != 3) bad = 1; exit bad }' "$tmp/$t.err")
   st=$?
   if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
   elif [ $st -ne 0 ]; then bad $t "rates: $res" "$tmp/$t.err"
   elif ! cmp -s "$tmp/$t.out" "$tmp/busy-mem.native"; then bad $t "output differs from the native run" "$tmp/$t.out"
   else ok "$t ($res)"
   fi
fi

# A signal sent during a pause ends the program: SIGINT as from Ctrl-C, while
# the main thread waits in pthread_join (it gets the signal, and needs
# Valgrind's lock to act on it) and the workers are held.
if selected sigint-paused; then
   t=sigint-paused
   # (a background job of a script ignores SIGINT: give the program the default)
   env --default-signal=INT "${vgip[@]}" --track-heap=no \
      --viewer="pervert-dump --count --output=$tmp/$t.count --pause-after=200000 --pause-for=60000" \
      "$busy" mem 3 3000 >"$tmp/$t.out" 2>"$tmp/$t.err" &
   pid=$!
   if ! wait_for "$tmp/$t.err" "paused after" 60; then
      kill -KILL $pid 2>/dev/null; wait $pid
      bad $t "never paused" "$tmp/$t.err"
   else
      t0=$(date +%s%N)
      kill -INT $pid
      wait $pid
      rc=$?
      ms=$(( ($(date +%s%N) - t0) / 1000000 ))
      if [ $rc -ne 130 ]; then bad $t "exit status $rc, expected 130 (SIGINT)" "$tmp/$t.err"
      elif ! grep -q "default action of signal 2 (SIGINT)" "$tmp/$t.err"; then bad $t "no SIGINT report" "$tmp/$t.err"
      elif [ $ms -gt 10000 ]; then bad $t "took $ms ms" "$tmp/$t.err"
      else ok "$t (ended by SIGINT $ms ms after it was sent)"
      fi
   fi
fi

# A signal the program handles, sent during a pause: nothing runs until the
# program is resumed, then the handler runs once.
if selected sigusr1-paused; then
   t=sigusr1-paused
   "${vgip[@]}" --track-heap=no \
      --viewer="pervert-dump --count --output=$tmp/$t.count --pause-after=200000 --pause-for=1500" \
      "$busy" mem 3 3000 >"$tmp/$t.out" 2>"$tmp/$t.err" &
   pid=$!
   if wait_for "$tmp/$t.err" "paused after" 60; then
      sleep 0.3
      kill -USR1 $pid
   fi
   wait $pid
   rc=$?
   if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
   elif ! grep -q "held 1500 ms: 0 record bytes arrived, paused=1" "$tmp/$t.err"; then
      bad $t "the program ran while paused" "$tmp/$t.err"
   elif ! grep -q "usr1=1$" "$tmp/$t.out"; then bad $t "the handler did not run once" "$tmp/$t.out"
   else ok "$t (held through the signal, handler ran after the resume)"
   fi
fi

# Killing the viewer while paused: the program runs on at full speed and ends
# with its normal output and status; the tool's summary says the viewer left.
# With --viewer-exit=kill the program is ended (SIGTERM) instead.  The same
# in slow motion (5 accesses/s): full speed again at once.
for mode in resume kill slow; do
   t=viewer-killed-$mode
   selected $t || continue
   script="--pause-after=200000 --pause-for=60000"
   [ $mode = slow ] && script="--pause-after=200000 --rate=5 --rate-for=60000"
   "${vgip[@]}" --track-heap=no --viewer-exit=${mode/slow/resume} \
      --viewer="pervert-dump --count --output=$tmp/$t.count $script" \
      "$busy" mem 3 3000 >"$tmp/$t.out" 2>"$tmp/$t.err" &
   pid=$!
   if ! wait_for "$tmp/$t.err" "paused after" 60; then
      kill -KILL $pid 2>/dev/null; wait $pid
      bad $t "never paused" "$tmp/$t.err"; continue
   fi
   [ $mode = slow ] && sleep 1       # in slow motion by now
   dpid=$(pgrep -f "^[^ ]*pervert-dump .*--output=$tmp/$t.count")
   if [ -z "$dpid" ]; then
      kill -KILL $pid; wait $pid; bad $t "cannot find pervert-dump"; continue
   fi
   t0=$(date +%s%N)
   kill -KILL $dpid
   wait $pid
   rc=$?
   ms=$(( ($(date +%s%N) - t0) / 1000000 ))
   if [ $mode != kill ]; then
      if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
      elif ! cmp -s "$tmp/$t.out" "$tmp/busy-mem.native"; then bad $t "output differs from the native run" "$tmp/$t.out"
      elif ! grep -q "the viewer left before the end" "$tmp/$t.err"; then bad $t "the summary does not say the viewer left" "$tmp/$t.err"
      elif [ $ms -gt 30000 ]; then bad $t "took $ms ms to end" "$tmp/$t.err"
      else ok "$t (ran on and ended normally, $ms ms after the viewer died)"
      fi
   else
      if [ $rc -ne 143 ]; then bad $t "exit status $rc, expected 143 (SIGTERM)" "$tmp/$t.err"
      elif ! grep -q "ending the program (--viewer-exit=kill)" "$tmp/$t.err"; then bad $t "no message" "$tmp/$t.err"
      else ok "$t (ended by SIGTERM $ms ms after the viewer died)"
      fi
   fi
done

# --start-paused=yes: held before the first instruction, the initial map
# already sent; a step of 5 then shows exactly 5 accesses.
if selected start-paused; then
   t=start-paused
   "${vgip[@]}" --track-heap=no --start-paused=yes \
      --viewer="pervert-dump --output=$tmp/$t.txt --pause-after=0 --pause-for=300 --step=5" \
      "$demos/array" 1000 >"$tmp/$t.out" 2>"$tmp/$t.err"
   rc=$?
   before=$(awk '/^paused$/ { exit } /^[LSM] / { n++ } END { print n + 0 }' "$tmp/$t.txt")
   maps=$(awk '/^paused$/ { exit } /^map / { n++ } END { print n + 0 }' "$tmp/$t.txt")
   step=$(awk '/^paused$/ { p++; next } p == 1 && /^[LSM] / { n++ } END { print n + 0 }' "$tmp/$t.txt")
   if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
   elif ! grep -q "paused after 0 accesses" "$tmp/$t.err"; then bad $t "not paused before the first access" "$tmp/$t.err"
   elif [ "$before" -ne 0 ] || [ "$maps" -lt 3 ]; then bad $t "$before accesses and $maps maps before the pause" "$tmp/$t.err"
   elif [ "$step" -ne 5 ]; then bad $t "the first step showed $step accesses" "$tmp/$t.err"
   elif [ "$(cat "$tmp/$t.out")" != "array n=1000 sum=499500" ]; then bad $t "wrong output" "$tmp/$t.out"
   else ok "$t ($maps maps, no access before the pause; step 5 = 5)"
   fi
fi

# Step to the next allocation / mark: held right after the ALLOC / MARK
# record (only SITE records of the next translation may follow it).
if selected step-alloc-mark && [ -x "$demos/annotate" ]; then
   t=step-alloc-mark
   "${vgip[@]}" --viewer="pervert-dump --output=$tmp/$t.txt --pause-after=1000 --step=alloc,alloc,mark,mark,5" \
      "$demos/annotate" >"$tmp/$t.out" 2>"$tmp/$t.err"
   rc=$?
   lasts=$(awk '/^paused$/ { printf "%s ", last; next } /^site / { next } { last = $1 }' "$tmp/$t.txt")
   if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
   elif [ "$(echo "$lasts" | cut -d' ' -f2-5)" != "alloc alloc mark mark" ] \
        || ! echo "$lasts" | cut -d' ' -f6 | grep -q '^[LSM]$'; then
      bad $t "records before the pauses: [$lasts]" "$tmp/$t.err"
   elif ! grep -q "stepped 5 accesses (asked 5)" "$tmp/$t.err"; then bad $t "step 5" "$tmp/$t.err"
   else ok "$t (held right after: $(echo "$lasts" | cut -d' ' -f2-5))"
   fi
fi

# Steps that end between the two records of one instruction (rep movsq,
# push/pop from and to memory): the second record is held back and opens the
# next step; every count stays exact and the trace is the same as at full
# speed.  Started paused, so the place of every step is deterministic.
if selected step-straddle; then
   t=step-straddle
   if ! "$CC" -O1 -o "$tmp/straddle" "$here/straddle.c" 2>"$tmp/straddle.cc"; then
      bad $t "straddle.c does not compile" "$tmp/straddle.cc"
   else
      steps=44000
      for i in $(seq 1 60); do steps+=",1,2,3"; done
      steps+=",5000"
      for i in $(seq 1 40); do steps+=",3,1"; done
      want=$(echo "$steps" | tr ',' ' ')
      "${vgip[@]}" --track-heap=no --start-paused=yes \
         --viewer="pervert-dump --output=$tmp/$t.txt --pause-after=0 --step=$steps" \
         "$tmp/straddle" >"$tmp/$t.out" 2>"$tmp/$t.err"
      rc=$?
      "${vgip[@]}" --track-heap=no --viewer="pervert-dump --lackey --output=$tmp/$t.plain" \
         "$tmp/straddle" >"$tmp/$t.out2" 2>"$tmp/$t.err2"
      "${vgip[@]}" --track-heap=no --start-paused=yes \
         --viewer="pervert-dump --lackey --output=$tmp/$t.stepped --pause-after=0 --step=$steps" \
         "$tmp/straddle" >"$tmp/$t.out3" 2>"$tmp/$t.err3"
      got=$(sed -n 's/.*stepped \([0-9]*\) accesses (asked [0-9]*)/\1/p' "$tmp/$t.err" | tr '\n' ' ')
      lines=$(awk '/^paused$/ { if (seen) printf "%d ", n; seen = 1; n = 0; next }
                   /^[LSM] / { n++ }' "$tmp/$t.txt")
      splits=$(awk '/^[LSM] / { if (p && $5 == last && lt == "L" && $1 == "S") n++; p = 0; last = $5; lt = $1; next }
                    /^paused$/ { p = 1 } END { print n + 0 }' "$tmp/$t.txt")
      if [ $rc -ne 0 ]; then bad $t "exit status $rc" "$tmp/$t.err"
      elif [ "$got" != "$want " ]; then bad $t "pervert-dump counted other numbers than asked" "$tmp/$t.err"
      elif [ "$lines" != "$want " ]; then bad $t "access lines between pauses differ from the steps" "$tmp/$t.err"
      elif [ "$splits" -lt 10 ]; then bad $t "only $splits steps ended inside an instruction" "$tmp/$t.err"
      elif ! extra=$(same_but_dead_loads "$tmp/$t.plain" "$tmp/$t.stepped"); then
         bad $t "the stepped trace lost or changed events" "$tmp/$t.err3"
      elif ! cmp -s "$tmp/$t.out" "$tmp/$t.out2"; then bad $t "program output differs" "$tmp/$t.out"
      else ok "$t ($(echo "$want" | wc -w) exact steps, $splits of them inside an instruction; trace complete, $extra dead loads added)"
      fi
   fi
fi

# Bad options are refused.
if selected options; then
   t=options
   "$build/pervert-dump" --step=0 /nonexistent >/dev/null 2>&1; r1=$?
   "$build/pervert-dump" --rate=x /nonexistent >/dev/null 2>&1; r2=$?
   "${vgip[@]}" --viewer-exit=sometimes "$demos/array" 10 >/dev/null 2>"$tmp/$t.err"; r3=$?
   if [ $r1 -ne 2 ] || [ $r2 -ne 2 ]; then bad $t "pervert-dump accepted a bad option ($r1, $r2)"
   elif [ $r3 -eq 0 ] || ! grep -q "viewer-exit" "$tmp/$t.err"; then bad $t "--viewer-exit=sometimes accepted" "$tmp/$t.err"
   else ok "$t"
   fi
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
