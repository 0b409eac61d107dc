#!/bin/bash
# regtest/trace/run.sh [PATTERN...] -- trace files (pervert-dump --record=FILE,
# pervert-dump FILE.pvt; format in shared/PROTOCOL.txt section 14):
#
#   roundtrip-*   one run writes both the live text (--output, or --lackey,
#                 --count) and the recording (--record); pervert-dump of the
#                 recording must give the same bytes.  (One run, not two: a
#                 second run differs in pid, start time and TIME records.)
#   transcode     every codec reads back to the same text (the round trips
#                 above use the default codec, 4; this one also 0..3)
#   codec-unit    regtest/trace/codec_test.c (ASan): every codec's encoder and
#                 decoder on corner cases (shared predictor slots, big site
#                 ids, sizes without a size code, other records between
#                 accesses), the writer's chunk boundaries, chunks read alone
#   bench-writer  regtest/trace/bench_writer.c re-records the multi-chunk
#                 recording with codecs 2 and 4 and checks the records read
#                 back; prints the writer's CPU per event
#   truncated-*   the file cut at several offsets: exit 1, a clear message,
#                 the text up to the last whole chunk (a prefix of the full
#                 text) then "incomplete"
#   killed        the recorder SIGKILLed mid-run: the file reads up to its
#                 last whole chunk, exit 1
#   corrupt-*     bytes flipped in the header, a chunk, the index, the
#                 footer: exit 1 or 2 with "corrupt"/"mismatch", no crash
#   version-*     another format / protocol version: exit 2, "version mismatch"
#   nontrace-*    text, empty and random files: exit 2, a one-line error
#   size-*        at most 2 bytes per event (file bytes / records) on demos
#   fuzz          regtest/trace/fuzz_reader.c for PV_FUZZ_SECONDS (20) s:
#                 libFuzzer + ASan with clang, else a mutation loop + ASan
#
# Prints PASS/FAIL lines and "N passed, N failed"; exit 1 if any failed.
# Environment: PERVERT_TOP, PERVERT_BUILD (set by regtest/run-tests),
# PV_FUZZ_SECONDS, PV_FUZZ_NO_LIBFUZZER=1 (use the fallback loop).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$top/build}
dump=$build/pervert-dump
demos=$build/demos
vg=$top/vg-in-place
fuzz_s=${PV_FUZZ_SECONDS:-20}
patterns=("$@")

if [ ! -x "$dump" ] || [ ! -x "$demos/list" ]; then
   echo "FAIL: $dump or $demos/list is missing: ./configure && make" >&2
   echo "0 passed, 1 failed"
   exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-trace-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
. "$here/../want.sh"
selected() { pv_want "$1"; }
ok()  { pass=$((pass + 1)); printf 'PASS  %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf 'FAIL  %s: %s\n' "$1" "$2"; }

# record PVT OPTS PROGRAM...: run PROGRAM under pervert with the recorder
record() {
   local pvt=$1 opts=$2
   shift 2
   # (in a subshell: no "Aborted" from bash for a program that dies by a signal)
   ( timeout 300 "$vg" -q --tool=pervert --viewer="pervert-dump --record=$pvt $opts" "$@" \
      > "$tmp/prog.out" 2> "$tmp/prog.err"; exit $? ) 2> /dev/null
   local rc=$? k
   # after an exec the tool cannot wait for its consumer: let the recorder
   # finish (it writes the last chunk, the index and the footer)
   for k in $(seq 100); do
      pgrep -f -- "--record=$pvt" > /dev/null || break
      sleep 0.1
   done
   return $rc
}

# ---- round trips ---------------------------------------------------------
roundtrip() {   # NAME MODEOPT PROGRAM...
   local base=$1 name=roundtrip-$1 mode=$2
   shift 2
   selected "$name" || return
   local pvt=$tmp/$base.pvt live=$tmp/$base.live back=$tmp/$base.back
   record "$pvt" "$mode --output=$live" "$@"
   if [ ! -s "$pvt" ] || [ ! -e "$live" ]; then
      bad "$name" "no recording or no live output ($(head -c 300 "$tmp/prog.err"))"
      return
   fi
   "$dump" $mode "$pvt" > "$back" 2> "$tmp/back.err"
   local rc=$?
   # exit status: 0, or 1 for a stream without EXIT (e.g. exec'd away); the
   # bytes must be the same either way
   if ! cmp -s "$live" "$back"; then
      bad "$name" "the dump of the recording differs from the live dump ($(cmp "$live" "$back" 2>&1 | head -1))"
   elif [ $rc -ne 0 ] && ! grep -q 'exit record' "$tmp/back.err"; then
      bad "$name" "exit status $rc: $(head -c 300 "$tmp/back.err")"
   elif [ "$(stat -c %a "$pvt")" != 600 ]; then
      bad "$name" "the trace file has mode $(stat -c %a "$pvt"), not 600 (private)"
   else
      ok "$name ($(wc -l < "$live") lines, $(stat -c %s "$pvt") bytes)"
   fi
}
roundtrip text-list     ""          "$demos/list" 20000
roundtrip text-threads  ""          "$demos/threads" 1000 3
roundtrip text-sigabrt  ""          "$demos/sigdemo" 2 abort
roundtrip text-execer   ""          "$demos/execer" 1000
roundtrip symbols-bst   "--symbols" "$demos/bst" 5000
roundtrip lackey-bst    "--lackey"  "$demos/bst" 20000
roundtrip count-vector  "--count"   "$demos/vector" 300000

# a multi-chunk recording for the next tests
big=$tmp/big.pvt
record "$big" "--output=$tmp/big.txt" "$demos/list" 20000
"$dump" "$big" > "$tmp/big.back" 2>/dev/null
size=$(stat -c %s "$big" 2>/dev/null || echo 0)

if selected transcode; then
   msg=
   for c in 0 1 2 3 4 0,19 2,1 4,1 4,-7; do
      "$dump" --record="$tmp/tc.pvt" --record-codec=$c "$big" 2> "$tmp/tc.err" ||
         msg="$msg codec $c: recording failed ($(head -c 200 "$tmp/tc.err"));"
      "$dump" "$tmp/tc.pvt" 2>/dev/null | cmp -s - "$tmp/big.txt" ||
         msg="$msg codec $c: different text;"
   done
   [ -z "$msg" ] && ok "transcode (codecs 0..4, zstd levels -7..19)" || bad transcode "$msg"
fi

# ---- codec unit test, writer benchmark -----------------------------------
zl=$(pkg-config --libs libzstd 2>/dev/null || echo -lzstd)
zc=$(pkg-config --cflags libzstd 2>/dev/null)
if selected codec-unit; then
   if ${CC:-gcc} -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -I"$top/shared" \
         $zc -o "$tmp/codec_test" "$here/codec_test.c" "$top/shared/pv_trace_write.c" \
         "$top/shared/pv_trace_read.c" $zl -lpthread 2> "$tmp/ct.err"; then
      "$tmp/codec_test" "$tmp" > "$tmp/ct.out" 2>&1
      rc=$?
      if [ $rc -eq 0 ] && [ "$(tail -1 "$tmp/ct.out")" = "all ok" ]; then
         ok "codec-unit ($(grep -c '^ok:' "$tmp/ct.out") checks)"
      else
         bad codec-unit "exit $rc: $(grep -m3 -E 'FAIL|ERROR|SUMMARY' "$tmp/ct.out" | head -c 600)"
      fi
   else
      bad codec-unit "cannot build: $(head -c 300 "$tmp/ct.err")"
   fi
fi
if selected bench-writer; then
   if ${CC:-gcc} -O2 -I"$top/shared" $zc -o "$tmp/bench_writer" "$here/bench_writer.c" \
         "$top/shared/pv_trace_read.c" $zl -lpthread 2> "$tmp/bw.err"; then
      msg= res=
      for c in 2,1 4; do
         if "$tmp/bench_writer" -n 1 -c $c -o "$tmp/bw.pvt" "$big" > "$tmp/bw.out" 2>&1; then
            res="$res $(sed -n 's|.*codec \([0-9]* level -*[0-9]*\).*events, \([0-9.]*\) bytes.*total \([0-9.]*\).*|codec \1: \2 bytes, \3 ns/event;|p' "$tmp/bw.out")"
         else
            msg="$msg codec $c: $(head -c 300 "$tmp/bw.out");"
         fi
      done
      [ -z "$msg" ] && ok "bench-writer (the records read back;$res)" || bad bench-writer "$msg"
   else
      bad bench-writer "cannot build: $(head -c 300 "$tmp/bw.err")"
   fi
fi

# ---- truncated files -----------------------------------------------------
hdr_end=$(python3 - "$big" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read(40)
print(struct.unpack_from('<I', b, 16)[0])
EOF
)
for cut in 5 39 hdr $((size / 5)) $((size / 2)) $((size - 100)) $((size - 33)) $((size - 1)); do
   [ "$cut" = hdr ] && cut=$hdr_end
   name=truncated-$cut
   selected "$name" || continue
   head -c "$cut" "$big" > "$tmp/cut.pvt"
   "$dump" "$tmp/cut.pvt" > "$tmp/cut.txt" 2> "$tmp/cut.err"
   rc=$?
   lines=$(($(wc -l < "$tmp/cut.txt") - 1))
   if [ "$cut" -lt 40 ]; then
      # not even a whole file header: an error, no output
      if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q 'truncated file header\|not a pervert' "$tmp/cut.err"; then
         ok "$name (exit $rc: $(head -1 "$tmp/cut.err"))"
      else
         bad "$name" "exit $rc, $(head -c 300 "$tmp/cut.err")"
      fi
   elif [ $rc -ne 1 ]; then
      bad "$name" "exit $rc (want 1): $(head -c 300 "$tmp/cut.err")"
   elif ! grep -q 'incomplete trace file' "$tmp/cut.err"; then
      bad "$name" "no clear message: $(head -c 300 "$tmp/cut.err")"
   elif [ "$cut" -gt $((size - 200)) ]; then
      # every chunk is there, only the index or the footer is cut: the
      # whole stream, up to its EXIT, no "incomplete" line
      if cmp -s "$tmp/cut.txt" "$tmp/big.txt"; then
         ok "$name (all chunks, the whole text: $(head -1 "$tmp/cut.err" | cut -c1-150))"
      else
         bad "$name" "the text differs from the full text"
      fi
      continue
   elif [ "$(tail -n 1 "$tmp/cut.txt")" != incomplete ]; then
      bad "$name" "the text does not end with 'incomplete'"
   elif ! head -n "$lines" "$tmp/cut.txt" | cmp -s - <(head -n "$lines" "$tmp/big.txt"); then
      bad "$name" "the text read is not a prefix of the full text"
   else
      ok "$name ($lines of $(wc -l < "$tmp/big.txt") lines: $(head -1 "$tmp/cut.err" | cut -c1-150))"
   fi
done

# ---- the recorder killed mid-run -----------------------------------------
if selected killed; then
   kp=$tmp/killed.pvt
   timeout 300 "$vg" -q --tool=pervert --viewer-exit=kill --viewer="pervert-dump --record=$kp" \
      "$demos/list" 2000000 > /dev/null 2>&1 &
   vgpid=$!
   rpid=
   for _ in $(seq 100); do          # the recorder: the child of Valgrind reading $kp
      rpid=$(pgrep -P "$vgpid" -f "record=$kp" 2>/dev/null | head -1)
      [ -z "$rpid" ] && rpid=$(pgrep -f "^[^ ]*pervert-dump --record=$kp" | head -1)
      [ -n "$rpid" ] && [ "$(stat -c %s "$kp" 2>/dev/null || echo 0)" -gt 300000 ] && break
      sleep 0.1
   done
   if [ -n "$rpid" ]; then
      kill -KILL "$rpid"
   fi
   wait "$vgpid" 2>/dev/null
   "$dump" --count "$kp" > "$tmp/killed.txt" 2> "$tmp/killed.err"
   rc=$?
   ev=$(awk '$1=="total"{print $2}' "$tmp/killed.txt")
   if [ -z "$rpid" ]; then
      bad killed "could not find the recorder's pid"
   elif [ $rc -eq 1 ] && grep -q 'incomplete trace file' "$tmp/killed.err" && [ "${ev:-0}" -gt 0 ]; then
      ok "killed ($ev events read: $(head -1 "$tmp/killed.err" | cut -c1-160))"
   else
      bad killed "exit $rc, events ${ev:-none}: $(head -c 300 "$tmp/killed.err")"
   fi
fi

# ---- a write error: the recorder says so and leaves; the program runs on
if selected write-error; then
   ( timeout 300 "$vg" -q --tool=pervert --viewer="pervert-dump --record=/dev/full" \
      "$demos/list" 20000 > "$tmp/we.out" 2> "$tmp/we.err" ) 2> /dev/null
   rc=$?
   if [ $rc -eq 0 ] && grep -q 'list n=20000' "$tmp/we.out" &&
      grep -q 'cannot write to trace file /dev/full: No space left' "$tmp/we.err"; then
      ok "write-error ($(grep -m1 'cannot write' "$tmp/we.err" | cut -c1-120))"
   else
      bad write-error "exit $rc: $(head -c 300 "$tmp/we.err")"
   fi
fi

# ---- corrupt files -------------------------------------------------------
# flip OFFSET: the big file with the byte at OFFSET inverted
flip() {
   cp "$big" "$tmp/flip.pvt"
   python3 - "$tmp/flip.pvt" "$1" <<'EOF'
import sys
p, off = sys.argv[1], int(sys.argv[2])
with open(p, 'r+b') as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 0xff]))
EOF
}
for spec in header:20 header-strings:$((hdr_end - 3)) chunk-header:$((hdr_end + 9)) \
            chunk-data:$((hdr_end + 200)) chunk-data-mid:$((size / 2)) \
            index:$((size - 50)) footer:$((size - 20)); do
   what=${spec%%:*} off=${spec#*:}
   name=corrupt-$what
   selected "$name" || continue
   flip "$off"
   "$dump" "$tmp/flip.pvt" > "$tmp/flip.txt" 2> "$tmp/flip.err"
   rc=$?
   if [ $rc -eq 1 ] && grep -q 'corrupt' "$tmp/flip.err" && [ "$(wc -l < "$tmp/flip.err")" -le 2 ]; then
      ok "$name (offset $off: $(head -1 "$tmp/flip.err" | cut -c1-150))"
   else
      bad "$name" "offset $off: exit $rc: $(head -c 300 "$tmp/flip.err")"
   fi
done

# ---- versions ------------------------------------------------------------
# patch OFFSET VALUE: the big file with the u32 at OFFSET set to VALUE
for spec in format:8:2 protocol:12:99; do
   IFS=: read -r what off val <<< "$spec"
   name=version-$what
   selected "$name" || continue
   cp "$big" "$tmp/ver.pvt"
   python3 - "$tmp/ver.pvt" "$off" "$val" <<'EOF'
import struct, sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(int(sys.argv[2])); f.write(struct.pack('<I', int(sys.argv[3])))
EOF
   "$dump" "$tmp/ver.pvt" > /dev/null 2> "$tmp/ver.err"
   rc=$?
   if [ $rc -eq 2 ] && grep -q "$what version mismatch" "$tmp/ver.err"; then
      ok "$name ($(head -1 "$tmp/ver.err" | cut -c1-150))"
   else
      bad "$name" "exit $rc: $(head -c 300 "$tmp/ver.err")"
   fi
done

# ---- not trace files -----------------------------------------------------
printf 'hello, this is not a trace\n' > "$tmp/text.txt"
: > "$tmp/empty"
head -c 100000 /dev/urandom > "$tmp/random"
printf 'PVTRAC' > "$tmp/short"
for f in text.txt empty random short; do
   name=nontrace-$f
   selected "$name" || continue
   "$dump" "$tmp/$f" > /dev/null 2> "$tmp/nt.err"
   rc=$?
   if [ $rc -eq 2 ] && grep -q 'not a pervert ring.*nor a pervert trace file' "$tmp/nt.err" &&
      [ -e "$tmp/$f" ]; then
      ok "$name ($(head -1 "$tmp/nt.err" | cut -c1-150))"
   else
      bad "$name" "exit $rc: $(head -c 300 "$tmp/nt.err")"
   fi
done

# ---- size: at most 2 bytes per event -------------------------------------
sizetest() {   # NAME PROGRAM...
   local name=size-$1
   shift
   selected "$name" || return
   local pvt=$tmp/size.pvt
   record "$pvt" "" "$@"
   local ev bytes
   ev=$("$dump" --count "$pvt" 2>/dev/null | awk '$1=="total"{print $2}')
   bytes=$(stat -c %s "$pvt" 2>/dev/null || echo 0)
   if [ -z "$ev" ] || [ "$ev" -eq 0 ]; then
      bad "$name" "no events read"
      return
   fi
   local bpe
   bpe=$(awk -v b="$bytes" -v e="$ev" 'BEGIN { printf "%.3f", b / e }')
   if awk -v b="$bytes" -v e="$ev" 'BEGIN { exit !(b <= 2 * e) }'; then
      ok "$name ($ev events, $bytes bytes, $bpe bytes/event)"
   else
      bad "$name" "$ev events, $bytes bytes, $bpe bytes/event > 2"
   fi
}
sizetest bst    "$demos/bst" 100000
sizetest list   "$demos/list" 100000
sizetest vector "$demos/vector" 1000000
sizetest map    "$demos/map_stl"

# ---- fuzz ----------------------------------------------------------------
if selected fuzz; then
   fz=$tmp/fuzz
   mkdir -p "$fz/corpus"
   record "$fz/corpus/list10.pvt" "" "$demos/list" 10
   "$dump" --record="$fz/corpus/raw.pvt" --record-codec=0 "$fz/corpus/list10.pvt" 2>/dev/null
   "$dump" --record="$fz/corpus/stride.pvt" --record-codec=3 "$fz/corpus/list10.pvt" 2>/dev/null
   "$dump" --record="$fz/corpus/site.pvt" --record-codec=2 "$fz/corpus/list10.pvt" 2>/dev/null
   # (list10.pvt has the default codec, 4; one with more of its cases too)
   record "$fz/corpus/bst.pvt" "" "$demos/bst" 30
   head -c 5000 "$fz/corpus/list10.pvt" > "$fz/corpus/cut.pvt"
   srcs=("$here/fuzz_reader.c" "$top/shared/pv_trace_read.c")
   cc=$(command -v clang || command -v clang-14 || true)
   [ -n "${PV_FUZZ_NO_LIBFUZZER:-}" ] && cc=     # to test the fallback
   kind=
   if [ -n "$cc" ] && "$cc" -g -O1 -fsanitize=fuzzer,address,undefined -DPV_LIBFUZZER \
         -I"$top/shared" $zc -o "$fz/fuzz" "${srcs[@]}" $zl 2> "$fz/build.err"; then
      kind=libFuzzer
      "$fz/fuzz" -max_total_time="$fuzz_s" -max_len=200000 -rss_limit_mb=2048 \
         -timeout=10 -artifact_prefix="$fz/" "$fz/corpus" > "$fz/out" 2>&1
      rc=$?
      summary=$(grep -E '^Done [0-9]+ runs' "$fz/out" | tail -1)
   elif ${CC:-gcc} -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
         -I"$top/shared" $zc -o "$fz/fuzz" "${srcs[@]}" $zl 2> "$fz/build.err"; then
      kind="mutation loop (no libFuzzer)"
      timeout $((fuzz_s + 60)) "$fz/fuzz" "$fuzz_s" "$fz"/corpus/*.pvt > "$fz/out" 2>&1
      rc=$?
      summary=$(tail -1 "$fz/out")
   else
      kind=none
      rc=1
      summary="cannot build the fuzz target: $(head -c 300 "$fz/build.err")"
   fi
   if [ $rc -eq 0 ]; then
      ok "fuzz ($kind, $fuzz_s s: $summary)"
   else
      bad fuzz "$kind: exit $rc: $(grep -m3 -E 'ERROR|SUMMARY|crash|leak' "$fz/out" | head -c 600) $summary"
      ls "$fz"/crash-* "$fz"/leak-* "$fz"/timeout-* 2>/dev/null | head -3
   fi
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
