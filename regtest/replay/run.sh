#!/bin/bash
# regtest/replay/run.sh [PATTERN...] -- pervert-view FILE.pvt: replaying,
# seeking and exporting trace files (headless).
#
#   reader-seek   test_seek.c: pv_trace_locate/pv_trace_seek give every
#                 record's chunk with the bytes of an in-order read
#   seek-*        --seek-test=N: the model (regions, heap blocks, per-line
#                 counters and times, totals) after seeking to N positions in
#                 a shuffled order hashes the same as after playing from the
#                 start to each; also on a cut-short (incomplete) file
#   hash-order    --model-hash-at=A,B,C,D in two orders and one position per
#                 process give the same hash per position; different
#                 positions give different hashes; s / a / event positions
#   marks         --list-marks: the pervert.h marks of annotate, at the
#                 record index pervert-dump shows them
#   live-replay   the tool's --record=FILE with pervert-view as the viewer
#                 (pervert-view --record): the live viewer's model at N
#                 accesses hashes the same as the replay's at N accesses;
#                 the recording reads back with pervert-dump
#   record-mid    pervert-view --record-from=N: the file starts with the
#                 state so far (INFO, sites, stacks, maps, live blocks): the
#                 replay's regions and heap hash as live; the accesses after N
#   record-error  --record=/dev/full: one error line, the viewer and the
#                 program go on
#   shot          a headless replay screenshot is a PNG of --size
#   render-mp4    --render=FILE.mp4 --from --to --fps --speed --size: ffprobe
#                 counts (to - from) / speed * fps frames of that size
#                 (skipped without ffmpeg/ffprobe)
#   render-apng   the same with no ffmpeg in PATH: an animated PNG, a
#                 warning; frames counted in its acTL chunk and by ffprobe
#   window-keys   Xvfb: keys 4 3 , step, m jumps to the marks, a click on
#                 the slider's middle goes to about half the events, v
#                 records a video while playing (its frames counted)
#   tool-record-window  Xvfb: the tool's --record=FILE with no --viewer and
#                 a display records through the window (pervert-view
#                 --record): a complete file that ends with EXIT
#   bad-*         missing, non-trace, corrupt and other-version files: one
#                 line on stderr, non-zero exit status
#
# Prints PASS/FAIL/SKIP lines and "N passed, N failed"; exit 1 if any
# failed.  Environment: PERVERT_TOP, PERVERT_BUILD.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$top/build}
view=$build/pervert-view
dump=$build/pervert-dump
demos=$build/demos
vg=$top/vg-in-place
patterns=("$@")
export SDL_VIDEODRIVER=offscreen
unset DISPLAY WAYLAND_DISPLAY

if [ ! -x "$view" ] || [ ! -x "$dump" ] || [ ! -x "$demos/annotate" ]; then
   echo "FAIL: $view, $dump or the demos are missing: ./configure && make" >&2
   echo "0 passed, 1 failed"
   exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-replay-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0 skip=0
. "$here/../want.sh"
selected() { pv_want "$1"; }
ok()   { pass=$((pass + 1)); printf 'PASS  %s\n' "$1"; }
bad()  { fail=$((fail + 1)); printf 'FAIL  %s: %s\n' "$1" "$2"; }
skipped() { skip=$((skip + 1)); printf 'SKIP  %s (%s)\n' "$1" "$2"; }

# record PVT PROGRAM...: a recording made by pervert-dump --record
record() {
   local pvt=$1
   shift
   timeout 300 "$vg" -q --tool=pervert --viewer="pervert-dump --record=$pvt" "$@" \
      > "$tmp/prog.out" 2> "$tmp/prog.err"
}

ann=$tmp/annotate.pvt
lst=$tmp/list.pvt
bst=$tmp/bst.pvt
record "$ann" "$demos/annotate"
record "$lst" "$demos/list" 200000
record "$bst" "$demos/bst" 30000
for f in "$ann" "$lst" "$bst"; do
   [ -s "$f" ] || { bad setup "no recording $f ($(head -c 300 "$tmp/prog.err"))"; }
done

# ---- the trace reader's seek API ------------------------------------------------
if selected reader-seek; then
   cc=${CC:-gcc}
   if ! $cc -O1 -g -Wall -std=gnu11 -I"$top/shared" -o "$tmp/test_seek" "$here/test_seek.c" \
          "$top/shared/pv_trace_read.c" $(pkg-config --libs libzstd) > "$tmp/ts.log" 2>&1; then
      bad reader-seek "cannot build test_seek.c: $(head -c 300 "$tmp/ts.log")"
   else
      for f in "$lst" "$bst"; do
         if "$tmp/test_seek" "$f" > "$tmp/ts.out" 2>&1; then
            ok "reader-seek $(basename "$f") ($(tail -n 1 "$tmp/ts.out" | sed 's/^test_seek: //'))"
         else
            bad "reader-seek $(basename "$f")" "$(head -c 400 "$tmp/ts.out")"
         fi
      done
   fi
fi

# ---- seeking equals playing ---------------------------------------------
seek_case() {   # NAME FILE N
   local name=seek-$1
   selected "$name" || return
   "$view" --seek-test="$3" "$2" > "$tmp/seek.out" 2> "$tmp/seek.err"
   local rc=$?
   if [ $rc -ne 0 ] || ! grep -q 'seeking gives the same model as playing' "$tmp/seek.out"; then
      bad "$name" "exit $rc: $(head -c 400 "$tmp/seek.out") $(head -c 300 "$tmp/seek.err")"
   else
      ok "$name ($(sed -n 's/^seek-test: \([0-9]* positions in [0-9]* events\).*/\1/p' "$tmp/seek.out"); $(head -1 "$tmp/seek.err" | sed 's/^seek-test: //'))"
   fi
}
seek_case annotate "$ann" 40
seek_case list     "$lst" 60
seek_case bst      "$bst" 60
# small snapshot budget: snapshots thinned out, seeks replay further
if selected seek-thinned; then
   "$view" --seek-test=40 --snapshot-memory=16 "$bst" > "$tmp/seek.out" 2>&1
   if grep -q 'same model as playing' "$tmp/seek.out"; then
      ok "seek-thinned ($(grep -o '([0-9]* snapshots, every [0-9]* chunks)' "$tmp/seek.out"))"
   else
      bad seek-thinned "$(head -c 400 "$tmp/seek.out")"
   fi
fi
# cut short: the chunks before the cut still seek right, with a warning
if selected seek-incomplete; then
   size=$(stat -c %s "$lst")
   head -c $((size * 2 / 3)) "$lst" > "$tmp/cut.pvt"
   "$view" --seek-test=30 "$tmp/cut.pvt" > "$tmp/seek.out" 2> "$tmp/seek.err"
   rc=$?
   if [ $rc -eq 0 ] && grep -q 'same model as playing' "$tmp/seek.out" \
      && grep -q 'incomplete trace file' "$tmp/seek.err"; then
      ok "seek-incomplete"
   else
      bad seek-incomplete "exit $rc: $(head -c 300 "$tmp/seek.out") $(head -c 300 "$tmp/seek.err")"
   fi
fi

# ---- hashes at positions --------------------------------------------------
if selected hash-order; then
   pos="1000,250000,0.2s,150000a,777777,3"
   rev="3,777777,150000a,0.2s,250000,1000"
   "$view" --model-hash-at=$pos "$lst" > "$tmp/h1" 2>&1
   "$view" --model-hash-at=$rev "$lst" > "$tmp/h2" 2>&1
   : > "$tmp/h3"
   for p in ${pos//,/ }; do "$view" --model-hash-at=$p "$lst" >> "$tmp/h3" 2>&1; done
   ndiff=$(sort -u "$tmp/h1" | wc -l)
   if [ "$(wc -l < "$tmp/h1")" -ne 6 ] || grep -v '^[0-9.sa]* event' "$tmp/h1" > /dev/null; then
      bad hash-order "unexpected output: $(head -c 300 "$tmp/h1")"
   elif ! diff <(sort "$tmp/h1") <(sort "$tmp/h2") > /dev/null; then
      bad hash-order "forward and backward orders differ: $(diff <(sort "$tmp/h1") <(sort "$tmp/h2") | head -4)"
   elif ! diff "$tmp/h1" "$tmp/h3" > /dev/null; then
      bad hash-order "one position per process differs: $(diff "$tmp/h1" "$tmp/h3" | head -4)"
   elif [ "$(awk '{print $NF}' "$tmp/h1" | sort -u | wc -l)" -ne 6 ]; then
      bad hash-order "different positions gave the same hash"
   elif ! grep -q '^150000a event [0-9]* accesses 150000 ' "$tmp/h1" \
        || ! grep -q '^777777 event 777777 ' "$tmp/h1"; then
      bad hash-order "positions not reached: $(cat "$tmp/h1")"
   else
      ok "hash-order ($ndiff positions)"
   fi
fi

# ---- marks ------------------------------------------------------------------
if selected marks; then
   "$view" --list-marks "$ann" > "$tmp/marks" 2>&1
   # pervert-dump prints one line per record: line L is record L-1
   "$dump" "$ann" 2>/dev/null | grep -n '^mark ' \
      | sed 's/^\([0-9]*\):mark t[0-9]* "\(.*\)"$/\1 \2/' \
      | awk '{ $1 = $1 - 1; print }' > "$tmp/marks.want"
   got=$(awk '{ e = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); print e, $0 }' "$tmp/marks")
   if [ "$(wc -l < "$tmp/marks.want")" -ne 3 ]; then
      bad marks "pervert-dump shows $(wc -l < "$tmp/marks.want") marks, expected 3"
   elif [ "$got" != "$(cat "$tmp/marks.want")" ]; then
      bad marks "got [$got], want [$(cat "$tmp/marks.want")]"
   else
      ok "marks (3 at the records pervert-dump shows)"
   fi
fi

# ---- live viewer recording vs replay ------------------------------------------
if selected live-replay; then
   if [ ! -d "$build/vglib" ]; then
      skipped live-replay "no build/vglib"
   else
      n=150000
      timeout 300 "$vg" -q --tool=pervert --record="$tmp/live.pvt" \
         --viewer="pervert-view --screenshot=$tmp/live.png --screenshot-after=$n --print-model-hash" \
         "$demos/list" 100000 > "$tmp/live.out" 2> "$tmp/live.err"
      rc=$?
      live=$(sed -n 's/^model-hash //p' "$tmp/live.out")
      "$view" --screenshot="$tmp/replay.png" --screenshot-after=$n --print-model-hash \
         "$tmp/live.pvt" > "$tmp/replay.out" 2> "$tmp/replay.err"
      rrc=$?
      replay=$(sed -n 's/^model-hash //p' "$tmp/replay.out")
      acc=$("$dump" --count "$tmp/live.pvt" 2>/dev/null | awk '$1 == "load" || $1 == "store" || $1 == "modify" { s += $2 } END { print s + 0 }')
      if [ $rc -ne 0 ] || [ -z "$live" ] || [ ! -s "$tmp/live.pvt" ]; then
         bad live-replay "live run: exit $rc, hash '$live': $(head -c 300 "$tmp/live.err")"
      elif [ $rrc -ne 0 ] || [ "$live" != "$replay" ]; then
         bad live-replay "replay exit $rrc, hash $replay, live $live: $(head -c 300 "$tmp/replay.err")"
      elif [ "$acc" -lt $n ]; then
         bad live-replay "pervert-dump reads $acc accesses from the recording, want >= $n"
      else
         ok "live-replay (model hash $live at $n accesses; $acc accesses recorded)"
      fi
   fi
fi

# a recording started mid-run begins with the state so far (prologue.c)
if selected record-mid; then
   if [ ! -d "$build/vglib" ]; then
      skipped record-mid "no build/vglib"
   else
      timeout 300 "$vg" -q --tool=pervert --viewer="pervert-view --record=$tmp/mid.pvt \
--record-from=60000 --screenshot=$tmp/mid-live.png --screenshot-after=150000 \
--print-model-hash=layout" "$demos/annotate" > "$tmp/mid.out" 2> "$tmp/mid.err"
      rc=$?
      live=$(sed -n 's/^model-hash //p' "$tmp/mid.out")
      "$view" --screenshot="$tmp/mid-replay.png" --print-model-hash=layout "$tmp/mid.pvt" \
         > "$tmp/mid-r.out" 2> "$tmp/mid-r.err"
      rrc=$?
      replay=$(sed -n 's/^model-hash //p' "$tmp/mid-r.out")
      "$dump" --count "$tmp/mid.pvt" > "$tmp/mid.count" 2>/dev/null
      acc=$(awk '$1 == "load" || $1 == "store" || $1 == "modify" { s += $2 } END { print s + 0 }' "$tmp/mid.count")
      maps=$(awk '$1 == "map" { print $2 }' "$tmp/mid.count")
      info=$(awk '$1 == "info" { print $2 }' "$tmp/mid.count")
      if [ $rc -ne 0 ] || [ -z "$live" ]; then
         bad record-mid "live run: exit $rc: $(head -c 300 "$tmp/mid.err")"
      elif [ $rrc -ne 0 ] || [ "$live" != "$replay" ]; then
         bad record-mid "regions+heap hash: replay $replay (exit $rrc), live $live"
      elif [ "$acc" -ne 90000 ] || [ "${info:-0}" -ne 1 ] || [ "${maps:-0}" -lt 5 ]; then
         bad record-mid "recorded $acc accesses (want 90000), $info INFO, $maps MAP records"
      else
         ok "record-mid (regions+heap as live; 90000 accesses after the prologue, $maps maps)"
      fi
   fi
fi

# a write error ends the recording with one line; the program runs on
if selected record-error; then
   if [ ! -d "$build/vglib" ]; then
      skipped record-error "no build/vglib"
   else
      timeout 300 "$vg" -q --tool=pervert \
         --viewer="pervert-view --record=/dev/full --screenshot=$tmp/full.png" \
         "$demos/list" 100000 > "$tmp/full.out" 2> "$tmp/full.err"
      rc=$?
      if [ $rc -ne 0 ] || ! grep -q '^list n=100000 sum=49950000$' "$tmp/full.out"; then
         bad record-error "the program: exit $rc, output '$(head -c 200 "$tmp/full.out")'"
      elif [ "$(grep -c 'pervert-view: error: cannot write to trace file /dev/full: No space left on device' "$tmp/full.err")" -ne 1 ]; then
         bad record-error "stderr: $(head -c 300 "$tmp/full.err")"
      elif [ ! -s "$tmp/full.png" ]; then
         bad record-error "no screenshot: the viewer did not go on"
      else
         ok "record-error (one line, the viewer and the program go on)"
      fi
   fi
fi

# ---- headless screenshot ----------------------------------------------------
if selected shot; then
   "$view" --screenshot="$tmp/shot.png" --screenshot-after=0.25s --size=900x600 "$bst" \
      > "$tmp/shot.out" 2> "$tmp/shot.err"
   rc=$?
   dims=$(od -An -tu1 -j16 -N8 "$tmp/shot.png" 2>/dev/null | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }')
   if [ $rc -ne 0 ] || [ "$dims" != 900x600 ]; then
      bad shot "exit $rc, size '$dims': $(head -c 300 "$tmp/shot.err")"
   else
      ok "shot (900x600 PNG)"
   fi
fi

# ---- video ---------------------------------------------------------------------
count_frames() {   # FILE -> frames ffprobe decodes, and WxH
   ffprobe -v error -count_frames -select_streams v:0 \
      -show_entries stream=nb_read_frames,width,height -of csv=p=0 "$1" 2>/dev/null \
      | awk -F, '{ print $3, $1 "x" $2 }'
}
if selected render-mp4; then
   if ! command -v ffmpeg > /dev/null || ! command -v ffprobe > /dev/null; then
      skipped render-mp4 "no ffmpeg/ffprobe (apt-get install ffmpeg)"
   else
      # 0.05 s of run time at speed 0.1 = 0.5 s of video: 12 frames at 24 fps
      "$view" --render="$tmp/clip.mp4" --from=0.20s --to=0.25s --speed=0.1 --fps=24 \
         --size=800x500 "$lst" > "$tmp/r.out" 2> "$tmp/r.err"
      rc=$?
      got=$(count_frames "$tmp/clip.mp4")
      if [ $rc -ne 0 ] || [ "$got" != "12 800x500" ]; then
         bad render-mp4 "exit $rc, ffprobe '$got', want '12 800x500': $(head -c 300 "$tmp/r.err")"
      else
         ok "render-mp4 (12 frames, 800x500: 0.05 s / 0.1 x 24 fps)"
      fi
      # events: from 0 to the end, one frame per 10 ms of run time
      "$view" --render="$tmp/clip2.mp4" --fps=100 --size=640x400 "$ann" > "$tmp/r.out" 2> "$tmp/r.err"
      rc=$?
      want=$(sed -n 's/.*: \([0-9]*\) frames at 100 fps, \([0-9.]*\) s to \([0-9.]*\) s.*/\1 \2 \3/p' "$tmp/r.out")
      set -- $want
      calc=$(awk -v a="${2:-0}" -v b="${3:-0}" 'BEGIN { n = int((b - a) * 100 + 0.5); if (n < 1) n = 1; print n }')
      got=$(count_frames "$tmp/clip2.mp4")
      # the viewer rounds the exact duration (ns); the seconds it prints are
      # rounded to 1 ms, so the count computed from them may be 1 off
      if [ $rc -ne 0 ] || [ -z "$want" ] || [ $(( ${1:-0} - calc )) -gt 1 ] || [ $(( calc - ${1:-0} )) -gt 1 ] \
         || [ "$got" != "${1:-x} 640x400" ]; then
         bad render-mp4-whole "exit $rc, said '$want', computed $calc, ffprobe '$got'"
      else
         ok "render-mp4-whole ($1 frames for $2 s .. $3 s at 100 fps; ffprobe agrees)"
      fi
   fi
fi
if selected render-apng; then
   mkdir -p "$tmp/nopath"
   PATH=$tmp/nopath "$view" --render="$tmp/anim.mp4" --from=0.20s --to=0.22s --fps=50 \
      --size=640x400 "$lst" > "$tmp/a.out" 2> "$tmp/a.err"
   rc=$?
   # acTL: 4-byte frame count right after the IHDR chunk (offset 33 + 8)
   actl=$(od -An -c -j37 -N4 "$tmp/anim.png" 2>/dev/null | tr -d ' ')
   frames=$(od -An -tu1 -j41 -N4 "$tmp/anim.png" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
   if [ $rc -ne 0 ] || [ ! -s "$tmp/anim.png" ] || [ -e "$tmp/anim.mp4" ]; then
      bad render-apng "exit $rc, no anim.png (or an mp4 anyway): $(head -c 300 "$tmp/a.err")"
   elif ! grep -q 'ffmpeg not found' "$tmp/a.err"; then
      bad render-apng "no warning about ffmpeg: $(head -c 300 "$tmp/a.err")"
   elif [ "$actl" != acTL ] || [ "$frames" != 1 ]; then
      bad render-apng "acTL '$actl' says $frames frames, want 1 (0.02 s at 50 fps)"
   else
      if command -v ffprobe > /dev/null; then
         got=$(count_frames "$tmp/anim.png")
         [ "$got" = "1 640x400" ] || { bad render-apng "ffprobe: '$got'"; got=; }
      else
         got="(no ffprobe)"
      fi
      [ -n "$got" ] && ok "render-apng (acTL 1 frame; ffprobe: $got)"
   fi
   PATH=$tmp/nopath "$view" --render="$tmp/anim2.png" --from=0.20s --to=0.30s --speed=0.5 \
      --fps=30 --size=640x400 "$lst" > "$tmp/a.out" 2> "$tmp/a.err"
   rc=$?
   frames=$(od -An -tu1 -j41 -N4 "$tmp/anim2.png" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
   fctl=$(grep -ao fcTL "$tmp/anim2.png" | wc -l)
   if [ $rc -ne 0 ] || [ "$frames" != 6 ] || [ "$fctl" != 6 ]; then
      bad render-apng-count "exit $rc, acTL $frames, fcTL chunks $fctl, want 6 (0.1 s / 0.5 x 30 fps)"
   else
      ok "render-apng-count (6 frames)"
   fi
fi

# ---- the window, driven by keys and the mouse (Xvfb) ----------------------------
if selected window-keys; then
   . "$top/regtest/viewer/xkeys.sh"
   if ! command -v xvfb-run > /dev/null; then
      skipped window-keys "no xvfb-run"
   elif ! build_xpoke "$tmp/xpoke"; then
      skipped window-keys "cannot build xpoke (libX11, libXtst)"
   else
      have_ff=0
      command -v ffmpeg > /dev/null && command -v ffprobe > /dev/null && have_ff=1
      vid=$tmp/win.mp4
      [ $have_ff = 1 ] || vid=$tmp/win.png
      cat > "$tmp/wk.sh" <<WK
#!/bin/bash
unset SDL_VIDEODRIVER
log=$tmp/wk.err
timeout_out=$tmp/wk.out
wait_s=30
. "$top/regtest/viewer/xkeys.sh"
"$view" --paused --log-control --size=1280x800 --video="$vid" "$ann" > "$tmp/wk.out" 2> "\$log" &
vp=\$!
wait_log 1 "replay: slider .* paused" &&
"$tmp/xpoke" key 4 && wait_log 1 "replay: at event 1000," &&
"$tmp/xpoke" key 3 && wait_log 1 "replay: at event 1100," &&
"$tmp/xpoke" key comma && wait_log 1 "replay: at event 1099," &&
"$tmp/xpoke" key m && wait_log 1 "replay: mark 'phase 1" &&
"$tmp/xpoke" key m && wait_log 1 "replay: mark 'phase 2" &&
sl=\$(sed -n 's/.*replay: slider \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\),.*/\1 \2 \3 \4/p' "\$log") &&
set -- \$sl &&
"$tmp/xpoke" move \$((\$1 + \$3 / 2)) \$((\$2 + \$4 / 2)) sleep 100 click sleep 300 &&
"$tmp/xpoke" key v && wait_log 1 "video: recording to" &&
"$tmp/xpoke" key space && wait_log 1 "replay: playing at" &&
"$tmp/xpoke" sleep 1500 key v && wait_log 1 "video: saved" &&
"$tmp/xpoke" key q
wait \$vp
echo "status \$?" >> "$tmp/wk.out"
WK
      chmod +x "$tmp/wk.sh"
      timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/wk.sh" > "$tmp/wk.log" 2>&1
      e=$tmp/wk.err msg=
      total=$("$view" --model-hash-at=999999999 "$ann" 2>/dev/null | awk '{ print $3 }')
      marks=$("$view" --list-marks "$ann" | awk '{ print $2 + 1 }' | tr '\n' ' ')
      jumps=$(grep -A1 "replay: mark" "$e" | sed -n 's/.*replay: at event \([0-9]*\),.*/\1/p' | tr '\n' ' ')
      click=$(grep -A2 "replay: mark 'phase 2" "$e" | sed -n 's/.*replay: at event \([0-9]*\),.*/\1/p' | sed -n 2p)
      frames=$(sed -n 's/.*video: saved .*, \([0-9]*\) frames$/\1/p' "$e")
      grep -q "^timed out" "$tmp/wk.out" && msg=$(grep "^timed out" "$tmp/wk.out" | head -n 1)
      [ -z "$msg" ] && { grep -q "^status 0$" "$tmp/wk.out" || msg="exit: $(tail -n 1 "$tmp/wk.out")"; }
      [ -z "$msg" ] && [ "$jumps" != "$(echo "$marks" | cut -d' ' -f1-2) " ] &&
         msg="m jumped to '$jumps', marks are at '$marks' (+1)"
      # a click in the middle of the slider: about half of the events
      [ -z "$msg" ] && { [ -n "$click" ] && awk -v c="$click" -v t="$total" \
         'BEGIN { exit !(c > t * 0.45 && c < t * 0.55) }' ||
         msg="slider click went to event '$click' of $total"; }
      [ -z "$msg" ] && { [ -n "$frames" ] && [ "$frames" -ge 20 ] || msg="video: '$frames' frames"; }
      if [ -z "$msg" ] && [ $have_ff = 1 ]; then
         got=$(count_frames "$vid")
         [ "$got" = "$frames 1280x800" ] || msg="ffprobe says '$got', the viewer '$frames' frames"
      fi
      if [ -z "$msg" ]; then
         ok "window-keys (steps, marks, slider click at $click/$total, video $frames frames)"
      else
         bad window-keys "$msg; log: $(tail -n 5 "$e" | tr '\n' '|')"
      fi
   fi
fi

# the tool's --record with no --viewer and a display: pervert-view records
if selected tool-record-window; then
   . "$top/regtest/viewer/xkeys.sh"
   if ! command -v xvfb-run > /dev/null || [ ! -d "$build/vglib" ]; then
      skipped tool-record-window "no xvfb-run or build/vglib"
   elif ! build_xpoke "$tmp/xpoke"; then
      skipped tool-record-window "cannot build xpoke (libX11, libXtst)"
   else
      # the tool finds its consumers in PERVERT_BINDIR (vg-in-place sets it
      # to build/, so the launcher is run directly): a pervert-view there
      # that notes how it was started
      vgbin=$build/valgrind
      [ -x "$vgbin" ] || vgbin=valgrind
      mkdir -p "$tmp/twbin"
      printf '#!/bin/sh\necho "$*" > "%s"\nexec "%s" "$@"\n' "$tmp/tw.viewer" "$view" > "$tmp/twbin/pervert-view"
      ln -sf "$dump" "$tmp/twbin/pervert-dump"
      chmod +x "$tmp/twbin/pervert-view"
      cat > "$tmp/tw.sh" <<TW
#!/bin/bash
unset SDL_VIDEODRIVER
export PERVERT_BINDIR=$tmp/twbin VALGRIND_LIB=$build/vglib
"$vgbin" -q --tool=pervert --record="$tmp/tw.pvt" "$demos/list" 100000 > "$tmp/tw.out" 2> "$tmp/tw.err"
echo "status \$?" >> "$tmp/tw.out"
sleep 0.5
"$tmp/xpoke" key q
TW
      chmod +x "$tmp/tw.sh"
      timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/tw.sh" > "$tmp/tw.log" 2>&1
      "$dump" --count "$tmp/tw.pvt" > "$tmp/tw.count" 2> "$tmp/tw.cerr"
      drc=$?
      if ! grep -q -- "--record=$tmp/tw.pvt" "$tmp/tw.viewer" 2>/dev/null; then
         bad tool-record-window "pervert-view was not started with --record ($(cat "$tmp/tw.viewer" 2>/dev/null))"
      elif ! grep -q '^list n=100000 sum=49950000$' "$tmp/tw.out" || ! grep -q '^status 0$' "$tmp/tw.out"; then
         bad tool-record-window "the program: $(head -c 300 "$tmp/tw.out") $(head -c 300 "$tmp/tw.err")"
      elif [ $drc -ne 0 ] || [ "$(awk '$1 == "exit" { print $2 }' "$tmp/tw.count")" != 1 ]; then
         bad tool-record-window "the recording: exit $drc, $(head -c 300 "$tmp/tw.cerr")"
      else
         ok "tool-record-window ($(awk '$1 == "total" { print $2 }' "$tmp/tw.count") records, complete, to EXIT)"
      fi
   fi
fi

# ---- bad files ---------------------------------------------------------------
bad_file() {   # NAME FILE WANT_IN_MESSAGE
   local name=bad-$1
   selected "$name" || return
   "$view" --screenshot="$tmp/x.png" "$2" > "$tmp/b.out" 2> "$tmp/b.err"
   local rc=$?
   local lines
   lines=$(wc -l < "$tmp/b.err")
   if [ $rc -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -q "^pervert-view: .*$3" "$tmp/b.err"; then
      bad "$name" "exit $rc, $lines lines: $(head -c 300 "$tmp/b.err")"
   else
      ok "$name (exit $rc: $(cat "$tmp/b.err"))"
   fi
}
bad_file missing "$tmp/nothere.pvt" "nothere.pvt"
echo "not a trace file at all" > "$tmp/text.pvt"
bad_file nontrace "$tmp/text.pvt" "text.pvt: not a pervert trace file"
# a flipped byte in the middle of a chunk's data
cp "$lst" "$tmp/corrupt.pvt"
printf '\xff\xfe\xfd\xfc' | dd of="$tmp/corrupt.pvt" bs=1 seek=$(( $(stat -c %s "$lst") / 2 )) conv=notrunc 2>/dev/null
bad_file corrupt "$tmp/corrupt.pvt" "corrupt"
# another format version (the header's CRC is then wrong too: either message)
cp "$lst" "$tmp/version.pvt"
printf '\x09' | dd of="$tmp/version.pvt" bs=1 seek=8 conv=notrunc 2>/dev/null
bad_file version "$tmp/version.pvt" "version\|corrupt"
: > "$tmp/empty.pvt"
bad_file empty "$tmp/empty.pvt" "."

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
