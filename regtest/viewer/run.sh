#!/bin/bash
# regtest/viewer/run.sh [PATTERN...] -- pervert-view's tests (headless).
#
# Unit tests (model, heat GPU vs CPU) and pixel tests: a test producer
# (fakeprog.c, plays `valgrind --tool=pervert PROGRAM`) or the real tool with
# small programs (vtarget.c) feeds build/pervert-view --screenshot=FILE; the
# viewer prints the window rectangles of chosen addresses' cells (--probe)
# and pngprobe.c reads the pixels there:
#   a sequential write leaves a red band in address order; a read-only pass
#   paints green; kernel accesses azure; allocated-untouched memory dim; a
#   freed block loses its outline (orange while fading, gone after); heat
#   returns to exactly black after enough half-lives; the hover card of a
#   known address names the right block, allocation stack and source lines;
#   without a display the viewer says so in one line and the program still
#   finishes; under Xvfb a real window is captured with `import` and is not
#   blank, and closing the viewer mid-run lets the program finish with the
#   right output; the mouse (XTest, xpoke.c) brings up the hover card, h the
#   key overlay, s saves a PNG, q closes the viewer; with the tool's
#   control channel, keys hold the program (space), step exactly 10, 100,
#   1000 accesses (2 3 4), set and clear slow motion (r, Backspace) and let
#   it run to its normal end (--log-control reports what the viewer saw).
#   GPU (OpenGL on llvmpipe) and --software paths both.
#
# Environment: PERVERT_TOP, PERVERT_BUILD (default: this repository and its
# build/); tests needing the tool (build/vglib) or xvfb-run are skipped
# without them.  Exit status 0 when nothing failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/xkeys.sh"
repo=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$repo/build}
view=$build/pervert-view
CC=${CC:-gcc}
patterns=("$@")

if [ ! -x "$view" ]; then
   echo "FAIL: $view is missing: ./configure && make" >&2
   exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-view-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0 skip=0
ok()   { pass=$((pass + 1)); printf 'PASS  viewer/%s\n' "$1"; }
bad()  { fail=$((fail + 1)); printf 'FAIL  viewer/%s: %s\n' "$1" "$2"
         [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 20 "$3" | sed 's/^/      /'; }
skp()  { skip=$((skip + 1)); printf 'SKIP  viewer/%s (%s)\n' "$1" "$2"; }
. "$here/../want.sh"
want() { pv_want "$1"; }

# ---- build the helpers ---------------------------------------------------
sdl_cflags=$(pkg-config --cflags sdl2 SDL2_image SDL2_ttf)
sdl_libs=$(pkg-config --libs sdl2 SDL2_image SDL2_ttf)
cflags="-O1 -g -Wall -std=gnu11 -I$repo/shared -I$repo/viewer $sdl_cflags"
# every viewer file but the ones that need main.c's frame loop
model_srcs=$(ls "$repo"/viewer/*.c | grep -v '/main\.c$\|/playback\.c$')
shared_srcs="$repo/shared/pv_ring.c $repo/shared/pv_symtab.c $repo/shared/pv_analysis.c $repo/shared/pv_trace_read.c $repo/shared/pv_trace_write.c"
sdl_libs="$sdl_libs $(pkg-config --libs libzstd) -lz"
build_log=$tmp/build.log
if ! { $CC $cflags -o "$tmp/fakeprog" "$here/fakeprog.c" &&
       $CC $cflags -o "$tmp/pngprobe" "$here/pngprobe.c" $sdl_libs &&
       $CC $cflags -o "$tmp/test_model" "$here/test_model.c" $model_srcs $shared_srcs $sdl_libs -lm &&
       $CC $cflags -o "$tmp/test_heat" "$here/test_heat.c" $model_srcs $shared_srcs $sdl_libs -lm &&
       $CC $cflags -o "$tmp/test_pump" "$here/test_pump.c" $model_srcs $shared_srcs $sdl_libs -lm -lpthread &&
       $CC -O1 -g -fno-builtin -fno-omit-frame-pointer -Wall -o "$tmp/vtarget" "$here/vtarget.c"; } \
       > "$build_log" 2>&1; then
   bad build "cannot build the test helpers" "$build_log"
   exit 1
fi
fake=$tmp/fakeprog
probe=$tmp/pngprobe
export SDL_VIDEODRIVER=offscreen

# ---- helpers ---------------------------------------------------------------
# rect ADDR OUT: the "x y w h" of ADDR's cell from the viewer's output OUT
rect() { awk -v a="$1" '$1 == "probe" && $2 == a && NF == 6 { print $3, $4, $5, $6 }' "$2"; }
# inner FILE X Y W H: mean colour of a cell without its 1-pixel border
inner() {
   local f=$1 x=$2 y=$3 w=$4 h=$5
   if [ "$w" -gt 2 ] && [ "$h" -gt 2 ]; then "$probe" "$f" mean $((x + 1)) $((y + 1)) $((w - 2)) $((h - 2))
   else "$probe" "$f" mean "$x" "$y" "$w" "$h"; fi
}
# is COLOR-TEST "R G B": red / green / black ...
# (each takes "R G B"; an empty or short string is no colour at all)
rgb3()      { [ $# -eq 3 ]; }
is_red()    { rgb3 $1 || return 1; set -- $1; [ "$1" -ge 120 ] && [ "$2" -le 50 ] && [ "$3" -le 50 ]; }
is_green()  { rgb3 $1 || return 1; set -- $1; [ "$2" -ge 120 ] && [ "$1" -le 50 ] && [ "$3" -le 50 ]; }
is_black()  { rgb3 $1 || return 1; set -- $1; [ "$1" -eq 0 ] && [ "$2" -eq 0 ] && [ "$3" -eq 0 ]; }
is_kernel() { rgb3 $1 || return 1; set -- $1; [ "$3" -ge 150 ] && [ "$1" -le 100 ] && [ "$3" -gt "$1" ]; }
near()      { rgb3 $1 || return 1; set -- $1 $2; local d=${3:-12}
              [ $(( ($1-$4)*($1-$4) )) -le $((d*d)) ] && [ $(( ($2-$5)*($2-$5) )) -le $((d*d)) ] &&
              [ $(( ($3-$6)*($3-$6) )) -le $((d*d)) ]; }

# ---- unit tests -------------------------------------------------------------
if want unit-model; then
   if "$tmp/test_model" > "$tmp/um.log" 2>&1; then ok unit-model; else bad unit-model "see log" "$tmp/um.log"; fi
fi
if want unit-pump; then
   if "$tmp/test_pump" > "$tmp/up.log" 2>&1; then ok unit-pump; else bad unit-pump "see log" "$tmp/up.log"; fi
fi
for r in default software; do
   want "unit-heat-$r" || continue
   arg=; [ $r = software ] && arg=software
   "$tmp/test_heat" $arg > "$tmp/uh.log" 2>&1; rc=$?
   if [ $rc = 0 ]; then ok "unit-heat-$r"; elif [ $rc = 77 ]; then skp "unit-heat-$r" "no renderer"
   else bad "unit-heat-$r" "see log" "$tmp/uh.log"; fi
done

# ---- pixel tests with the test producer ---------------------------------------
BLOCK=0x1000010
# run_fake NAME SCENARIO "FAKE OPTIONS" VIEWER-OPTIONS...: shot in $tmp/NAME.png, output in $tmp/NAME.out
run_fake() {
   local name=$1 sc=$2 fo=$3; shift 3
   timeout 60 "$fake" "$sc" $fo -- "$view" --screenshot="$tmp/$name.png" "$@" \
      > "$tmp/$name.out" 2> "$tmp/$name.err"
}

seq_probes=$(for k in $(seq 0 15); do printf '0x%x,' $((0x1000010 + k * 4096 + 64)); done)
seq_probes=${seq_probes%,}

for mode in gpu software; do
   sw=; [ $mode = software ] && sw=--software
   t=seqwrite-band-$mode
   if want "$t"; then
      run_fake "$t" seqwrite "--seconds=0.8" --half-life=100000 --zoom=16 $sw --probe="$seq_probes"
      msg= ; prev_y=-1 prev_x=-1
      for a in ${seq_probes//,/ }; do
         r=$(rect "$a" "$tmp/$t.out")
         [ -z "$r" ] && { msg="cell of $a not in view"; break; }
         set -- $r
         c=$(inner "$tmp/$t.png" $r)
         is_red "$c" || { msg="cell of $a is $c, not red"; break; }
         # address order: each cell lower, or on the same row further right
         if [ "$2" -lt "$prev_y" ] || { [ "$2" -eq "$prev_y" ] && [ "$1" -le "$prev_x" ]; }; then
            msg="cell of $a at ($1,$2) comes before the previous one ($prev_x,$prev_y)"; break
         fi
         prev_x=$1 prev_y=$2
      done
      if [ -z "$msg" ]; then
         # the timeline shows the writes too
         tl=$(awk '$1 == "geometry" { print $14, $15, $16, $17 }' "$tmp/$t.out")
         n=$("$probe" "$tmp/$t.png" count $tl 200 0 0 60 | awk '{ print $2 }')
         [ "${n:-0}" -gt 20 ] || msg="no red in the timeline ($n pixels)"
      fi
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi

   t=seqwrite-order-$mode
   if want "$t"; then
      # a short half-life: the older the write, the darker its red
      run_fake "$t" seqwrite "--seconds=1.2 --tail=0.1" --half-life=400 --zoom=16 $sw --probe="$seq_probes"
      msg= ; first= ; last= ; prevr=-1 inv=0
      for a in ${seq_probes//,/ }; do
         r=$(rect "$a" "$tmp/$t.out"); [ -z "$r" ] && { msg="cell of $a not in view"; break; }
         c=$(inner "$tmp/$t.png" $r)
         rgb3 $c || { msg="cannot read cell of $a"; break; }
         set -- $c
         [ "$2" -le 40 ] && [ "$3" -le 40 ] || { msg="cell of $a is $c, not a red"; break; }
         [ -z "$first" ] && first=$1
         last=$1
         [ "$1" -lt $((prevr - 12)) ] && inv=$((inv + 1))
         prevr=$1
      done
      [ -z "$msg" ] && [ "$last" -lt $((first + 60)) ] && msg="red does not brighten along the band ($first .. $last)"
      [ -z "$msg" ] && [ $inv -gt 1 ] && msg="$inv cells darker than the one before"
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi

   t=readpass-green-$mode
   if want "$t"; then
      run_fake "$t" readpass "--seconds=0.6" --half-life=100000 --zoom=16 $sw --probe="$seq_probes"
      msg=
      for a in ${seq_probes//,/ }; do
         r=$(rect "$a" "$tmp/$t.out"); [ -z "$r" ] && { msg="cell of $a not in view"; break; }
         c=$(inner "$tmp/$t.png" $r)
         is_green "$c" || { msg="cell of $a is $c, not green"; break; }
      done
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi

   t=decay-black-$mode
   if want "$t"; then
      # 1.5 s of silence with a 50 ms half-life: 30 half-lives
      pr=0x1000010,0x1001000,0x1002008,0x1003ff0
      run_fake "$t" decay "--tail=1.5" --half-life=50 --zoom=16 $sw --probe=$pr
      msg=
      for a in ${pr//,/ }; do
         r=$(rect "$a" "$tmp/$t.out"); [ -z "$r" ] && { msg="cell of $a not in view"; break; }
         set -- $r
         c=$("$probe" "$tmp/$t.png" max $(($1 + 1)) $(($2 + 1)) $(($3 - 2)) $(($4 - 2)))
         is_black "$c" || { msg="cell of $a is $c, not black"; break; }
      done
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi

   t=free-outline-$mode
   if want "$t"; then
      # block A (freed) and B (live), 2 s after the free: A's outline is gone
      run_fake "$t" free "--tail=2.0" --half-life=100000 --zoom=64 $sw --probe=0x1000010,0x1008010
      ra=$(rect 0x1000010 "$tmp/$t.out"); rb=$(rect 0x1008010 "$tmp/$t.out")
      msg=
      if [ -z "$ra" ] || [ -z "$rb" ]; then msg="blocks not in view"; else
         pa=$("$probe" "$tmp/$t.png" pixel ${ra% * *})
         pb=$("$probe" "$tmp/$t.png" pixel ${rb% * *})
         near "$pb" "215 220 232" 16 || msg="live block's corner is $pb, not the outline colour"
         [ -z "$msg" ] && near "$pa" "215 220 232" 60 && msg="freed block still outlined ($pa)"
         [ -z "$msg" ] && near "$pa" "255 140 40" 60 && msg="freed block still fading ($pa)"
      fi
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi
done

t=free-fading
if want "$t"; then
   # right after the free the block is outlined in orange, fading
   run_fake "$t" free "--tail=0.15" --half-life=100000 --zoom=64 --probe=0x1000010
   ra=$(rect 0x1000010 "$tmp/$t.out")
   pa=$([ -n "$ra" ] && "$probe" "$tmp/$t.png" pixel ${ra% * *})
   set -- $pa 0 0 0
   if rgb3 $pa && [ "$1" -ge 150 ] && [ "$2" -ge 60 ] && [ "$2" -le 190 ] && [ "$3" -le 120 ]; then ok "$t"
   else bad "$t" "freed block's corner is '$pa', not orange" "$tmp/$t.err"; fi
fi

t=untouched-dim
if want "$t"; then
   # the hover scenario's second block (0x1000200, 512 bytes) is never accessed
   run_fake "$t" hover "" --zoom=4 --probe=0x1000280
   r=$(rect 0x1000280 "$tmp/$t.out")
   c=$([ -n "$r" ] && inner "$tmp/$t.png" $r)
   if [ -n "$c" ] && near "$c" "52 50 86" 3; then ok "$t"; else bad "$t" "untouched block cell is '$c'" "$tmp/$t.err"; fi
fi

t=kernel-hue
if want "$t"; then
   run_fake "$t" kernel "" --zoom=16 --half-life=100000 --probe=0x1000110,0x1001110
   msg=
   for a in 0x1000110 0x1001110; do
      r=$(rect $a "$tmp/$t.out"); [ -z "$r" ] && { msg="cell of $a not in view"; break; }
      c=$(inner "$tmp/$t.png" $r)
      is_kernel "$c" || { msg="cell of $a is $c, not the kernel hue"; break; }
   done
   if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
fi

t=hover-card
if want "$t"; then
   run_fake "$t" hover "" --hover=0x1000088
   msg=
   for w in "hover: 0x1000088" "block   0x1000040  256 bytes  malloc  thread 1" \
            "allocated at make_buffer (hover.c:21)" "by main (hover.c:40)" \
            "last    write, 4 bytes, thread 2" "at    fill_buffer (hover.c:27)" \
            "counts  1 reads, 3 writes" "region  heap  rw-"; do
      grep -qF -- "$w" "$tmp/$t.out" || { msg="card lacks '$w'"; break; }
   done
   if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.out"; fi
fi

t=shot-after-n
if want "$t"; then
   # the screenshot after exactly 2000 accesses: 16000 bytes written, no more;
   # then the viewer leaves (GONE) and the program runs on to the end
   run_fake "$t" seqwrite "--seconds=0.5" --half-life=100000 --zoom=16 --screenshot-after=2000 \
      --probe=0x1000110,0x1003e00,0x1008010
   c1=$(inner "$tmp/$t.png" $(rect 0x1000110 "$tmp/$t.out"))
   c2=$(inner "$tmp/$t.png" $(rect 0x1003e00 "$tmp/$t.out"))
   c3=$(inner "$tmp/$t.png" $(rect 0x1008010 "$tmp/$t.out"))
   msg=
   is_red "$c1" || msg="written cell is $c1"
   [ -z "$msg" ] && { is_red "$c2" || msg="last written cell is $c2"; }
   [ -z "$msg" ] && { rgb3 $c3 && set -- $c3 && [ "$1" -lt 60 ] || msg="cell written after the shot is '$c3'"; }
   [ -z "$msg" ] && { grep -q "fakeprog seqwrite done accesses=8192" "$tmp/$t.out" || msg="program did not finish"; }
   [ -z "$msg" ] && { grep -q "consumer state 3" "$tmp/$t.err" || msg="viewer did not leave with GONE"; }
   if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
fi

# ---- options and no display ----------------------------------------------------
t=options
if want "$t"; then
   msg=
   "$view" --bogus x > "$tmp/o1" 2>&1; rc=$?
   [ $rc = 2 ] && [ "$(wc -l < "$tmp/o1")" = 1 ] || msg="bad option: status $rc, $(wc -l < "$tmp/o1") lines"
   "$view" --line-size=7 x > "$tmp/o2" 2>&1; rc=$?
   [ -z "$msg" ] && { [ $rc = 2 ] && [ "$(wc -l < "$tmp/o2")" = 1 ] || msg="bad --line-size: status $rc"; }
   "$view" --yield-cpu=maybe x > "$tmp/o5" 2>&1; rc=$?
   [ -z "$msg" ] && { [ $rc = 2 ] && grep -q "^pervert-view: --yield-cpu: want yes, idle or no, not 'maybe'$" "$tmp/o5" \
                      || msg="bad --yield-cpu: status $rc"; }
   "$view" > "$tmp/o3" 2>&1; rc=$?
   [ -z "$msg" ] && { [ $rc = 2 ] || msg="no ring: status $rc"; }
   "$view" --help > "$tmp/o4" 2>&1; rc=$?
   [ -z "$msg" ] && { [ $rc = 0 ] && grep -q -- --screenshot-after "$tmp/o4" || msg="--help: status $rc"; }
   if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg"; fi
fi

t=no-display
if want "$t"; then
   env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER timeout 60 "$fake" seqwrite --seconds=0.3 \
      -- "$view" > "$tmp/$t.out" 2> "$tmp/$t.err"
   lines=$(grep -c '^pervert-view' "$tmp/$t.err")
   msg=
   grep -q '^pervert-view: no display (.*): run with --screenshot=FILE for headless use$' "$tmp/$t.err" \
      || msg="no 'no display' line"
   [ -z "$msg" ] && [ "$lines" != 1 ] && msg="$lines lines from the viewer"
   [ -z "$msg" ] && { grep -q "fakeprog seqwrite done accesses=8192" "$tmp/$t.out" || msg="program did not finish"; }
   [ -z "$msg" ] && { grep -q "viewer status 1" "$tmp/$t.err" || msg="viewer status not 1"; }
   if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
fi

# ---- a real window under Xvfb ------------------------------------------------------
# viewwrap: records the viewer's pid so the test can close it (SIGTERM is
# what the window manager's close turns into for SDL: SDL_QUIT)
cat > "$tmp/viewwrap" <<WRAP
#!/bin/sh
echo \$\$ > "$tmp/viewer.pid"
exec "$view" "\$@"
WRAP
chmod +x "$tmp/viewwrap"

xvfb_ok=0
command -v xvfb-run > /dev/null && command -v import > /dev/null && xvfb_ok=1

t=xvfb-window
if want "$t"; then
   if [ $xvfb_ok = 0 ]; then skp "$t" "no xvfb-run or import"; else
      rm -f "$tmp/viewer.pid"
      cat > "$tmp/xv.sh" <<XV
#!/bin/bash
unset SDL_VIDEODRIVER
"$fake" bench --rate=3000000 --seconds=5 --tail=0 -- "$tmp/viewwrap" --size=1280x800 \
   > "$tmp/$t.out" 2> "$tmp/$t.err" &
fp=\$!
sleep 3
import -window root "$tmp/$t.png"
kill -TERM "\$(cat "$tmp/viewer.pid")"
wait \$fp
XV
      chmod +x "$tmp/xv.sh"
      timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/xv.sh" > "$tmp/xv.log" 2>&1
      msg=
      [ -f "$tmp/$t.png" ] || msg="no screenshot"
      if [ -z "$msg" ]; then
         d=$("$probe" "$tmp/$t.png" colors 0 0 1280 800 | awk '{ print $2 }')
         txt=$("$probe" "$tmp/$t.png" count 0 0 1280 800 232 234 240 30 | awk '{ print $2 }')
         hot=$("$probe" "$tmp/$t.png" count 0 0 1280 800 255 255 0 80 | awk '{ print $2 }')
         [ "${d:-0}" -ge 20 ] || msg="window capture looks blank ($d colours)"
         [ -z "$msg" ] && [ "${txt:-0}" -lt 200 ] && msg="no text in the capture ($txt pixels)"
         [ -z "$msg" ] && [ "${hot:-0}" -lt 200 ] && msg="no heat in the capture ($hot pixels)"
      fi
      # closing the viewer mid-run: the program goes on and ends normally
      [ -z "$msg" ] && { grep -q "fakeprog bench done accesses=15000000 " "$tmp/$t.out" ||
                         msg="program output wrong after the viewer closed"; }
      [ -z "$msg" ] && { grep -q "consumer state 3" "$tmp/$t.err" || msg="viewer did not detach with GONE"; }
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi
fi

t=xvfb-keys
if want "$t"; then
   if [ $xvfb_ok = 0 ]; then skp "$t" "no xvfb-run or import"; else
   if ! build_xpoke "$tmp/xpoke"; then
      skp "$t" "cannot build xpoke (libX11, libXtst)"
   else
      # where the cell of 0x1000088 is: the same view headless, with --probe
      vopts="--size=1280x800 --zoom=4 --goto=0x1000088"
      "$fake" hover --tail=0.1 -- "$view" $vopts --screenshot="$tmp/keys-ref.png" \
         --probe=0x1000088 > "$tmp/keys-ref.out" 2>/dev/null
      cell=$(awk '$1 == "probe" && NF == 6 { print $3 + int($5 / 2), $4 + 2 }' "$tmp/keys-ref.out")
      mkdir -p "$tmp/keys"
      cat > "$tmp/keys.sh" <<KS
#!/bin/bash
cd "$tmp/keys"
unset SDL_VIDEODRIVER
"$fake" hover --tail=10 -- "$view" $vopts > fp.out 2> fp.err &
fp=\$!
sleep 2.5
"$tmp/xpoke" move 300 300 sleep 200 move $cell sleep 700
import -window root hover.png
"$tmp/xpoke" key h sleep 600
import -window root help.png
"$tmp/xpoke" key h sleep 300 key s sleep 1500 key q
wait \$fp
KS
      chmod +x "$tmp/keys.sh"
      timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/keys.sh" > "$tmp/keys.log" 2>&1
      msg=
      [ -n "$cell" ] || msg="no reference geometry"
      k=$tmp/keys
      if [ -z "$msg" ]; then
         # the hover card: its dark box next to the cell, with its text
         set -- $cell
         card=$("$probe" "$k/hover.png" count "$1" "$2" 360 180 12 14 20 3 | awk '{ print $2 }')
         [ "${card:-0}" -gt 20000 ] || msg="no hover card under the mouse ($card pixels)"
      fi
      if [ -z "$msg" ]; then
         acc=$("$probe" "$k/help.png" count 0 0 1280 800 255 196 64 12 | awk '{ print $2 }')
         [ "${acc:-0}" -gt 1000 ] || msg="no help overlay after h ($acc accent pixels)"
      fi
      if [ -z "$msg" ]; then
         shot=$(ls "$k"/hover-*.png 2>/dev/null | head -n 1)
         [ -n "$shot" ] && [ "$("$probe" "$shot" size)" = "1280 800" ] || msg="no screenshot after s"
      fi
      [ -z "$msg" ] && { grep -q "fakeprog hover done accesses=4" "$k/fp.out" || msg="program did not finish"; }
      [ -z "$msg" ] && { grep -q "consumer state 3, viewer status 0" "$k/fp.err" || msg="q did not close the viewer cleanly"; }
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$k/fp.err"; fi
   fi
   fi
fi

# ---- with the real tool ------------------------------------------------------------
have_tool=0
[ -e "$build/vglib/pervert-amd64-linux" ] || [ -e "$build/vglib/pervert-$(uname -m | sed 's/x86_64/amd64/')-linux" ] && have_tool=1
vg=${VALGRIND:-valgrind}
[ -x "$build/valgrind" ] && vg=$build/valgrind
vgip() { VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert "$@"; }
vt=$tmp/vtarget
native() { "$vt" "$@" 2>/dev/null; }

# run_vg NAME MODE VIEWER-OPTIONS...
run_vg() {
   local name=$1 mode=$2; shift 2
   rm -f "$tmp/$name.addr"
   timeout 120 env VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert \
      --viewer="$view --screenshot=$tmp/$name.png --probe=@$tmp/$name.addr $*" \
      "$vt" "$mode" "$tmp/$name.addr" > "$tmp/$name.out" 2> "$tmp/$name.err"
}

for t in vg-seqwrite vg-readpass vg-decay vg-free vg-hover vg-close-midrun vg-control-keys \
         vg-control-marks vg-no-display vg-pump-counts; do
   want "$t" || continue
   if [ $have_tool = 0 ]; then skp "$t" "the tool is not built"; continue; fi
   msg=
   case $t in
   vg-seqwrite|vg-readpass)
      mode=${t#vg-}
      run_vg "$t" "$mode" --half-life=100000
      grep -q "vtarget $mode ok" "$tmp/$t.out" || msg="program output wrong"
      n=0
      while read -r a; do
         [ -n "$msg" ] && break
         r=$(rect "$a" "$tmp/$t.out"); [ -z "$r" ] && { msg="cell of $a not in view"; break; }
         c=$(inner "$tmp/$t.png" $r)
         if [ $mode = seqwrite ]; then is_red "$c" || msg="cell of $a is $c, not red"
         else is_green "$c" || msg="cell of $a is $c, not green"; fi
         n=$((n + 1))
      done < <(awk '$1 == "probe" && NF == 6 { print $2 }' "$tmp/$t.out")
      [ -z "$msg" ] && [ $n -lt 16 ] && msg="only $n cells probed"
      ;;
   vg-decay)
      # the view goes to the buffer as soon as it is written (--goto=@FILE),
      # so the heat decays on screen during the 2 s pause
      run_vg "$t" decay --half-life=50 --zoom=64 --goto=@$tmp/$t.addr
      n=0
      while read -r a; do
         r=$(rect "$a" "$tmp/$t.out"); [ -z "$r" ] && { msg="cell of $a not in view"; break; }
         set -- $r
         c=$("$probe" "$tmp/$t.png" max $(($1 + 1)) $(($2 + 1)) $(($3 - 2)) $(($4 - 2)))
         is_black "$c" || { msg="cell of $a is $c, not black"; break; }
         n=$((n + 1))
      done < <(awk '$1 == "probe" && NF == 6 { print $2 }' "$tmp/$t.out")
      [ -z "$msg" ] && [ $n -lt 16 ] && msg="only $n cells probed"
      ;;
   vg-free)
      run_vg "$t" free --half-life=100000 --zoom=64
      a=$(awk '$1 == "probe" { print $2; exit }' "$tmp/$t.out")
      b=$(awk '$1 == "probe" { n++; if (n == 2) print $2 }' "$tmp/$t.out")
      ra=$(rect "$a" "$tmp/$t.out"); rb=$(rect "$b" "$tmp/$t.out")
      if [ -z "$ra" ] || [ -z "$rb" ]; then msg="blocks not in view"; else
         pa=$("$probe" "$tmp/$t.png" pixel ${ra% * *})
         pb=$("$probe" "$tmp/$t.png" pixel ${rb% * *})
         near "$pb" "215 220 232" 16 || msg="live block's corner is $pb, not the outline colour"
         [ -z "$msg" ] && near "$pa" "215 220 232" 60 && msg="freed block still outlined ($pa)"
         [ -z "$msg" ] && near "$pa" "255 140 40" 60 && msg="freed block still fading ($pa)"
      fi
      ;;
   vg-pump-counts)
      # the window's way of reading (--sample=yes: the ingest thread, sampling
      # when behind) still counts every access and follows every block: the
      # viewer's totals at the end are the tool's
      timeout 120 env VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert \
         --viewer="$view --sample=yes --stats --dump-sites --screenshot=$tmp/$t.png --screenshot-after=1000000000000" \
         "$build/demos/leak" 300000 > "$tmp/$t.out" 2> "$tmp/$t.err"
      grep -q "^leak n=300000 leaked=150000 " "$tmp/$t.out" || msg="program output wrong"
      tool_acc=$(awk '/pervert: accesses:/ { gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /^(loads|stores|modifies)$/) s += $(i - 1); print s }' "$tmp/$t.err")
      tool_live=$(awk '/pervert: heap:/ { gsub(",", ""); for (i = 1; i <= NF; i++) if ($i == "blocks" && $(i + 1) == "live") print $(i - 1) }' "$tmp/$t.err")
      view_acc=$(sed -n 's/^pervert-view: [0-9]* frames, \([0-9]*\) accesses .*/\1/p' "$tmp/$t.err")
      view_live=$(sed -n 's/.* \([0-9]*\) live heap blocks.*/\1/p' "$tmp/$t.err")
      [ -z "$msg" ] && ! grep -q "main thread held the lock" "$tmp/$t.err" && msg="the ingest thread did not run"
      [ -z "$msg" ] && { [ -n "$tool_acc" ] && [ "$tool_acc" = "$view_acc" ]; } ||
         msg=${msg:-"viewer counted '$view_acc' accesses, the tool '$tool_acc'"}
      [ -z "$msg" ] && { [ -n "$tool_live" ] && [ "$tool_live" = "$view_live" ] && [ "$tool_live" -gt 150000 ]; } ||
         msg=${msg:-"viewer has '$view_live' live blocks, the tool '$tool_live'"}
      # the analysis (which skips spans when behind) counted them all too
      site_acc=$(sed -n 's/^sites: .* accesses=\([0-9]*\) .*/\1/p' "$tmp/$t.out")
      [ -z "$msg" ] && [ "$site_acc" != "$tool_acc" ] && msg="the sites panel counted '$site_acc' accesses, the tool '$tool_acc'"
      ;;
   vg-hover)
      rm -f "$tmp/$t.addr"
      timeout 120 env VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert \
         --viewer="$view --screenshot=$tmp/$t.png --hover=@$tmp/$t.addr" \
         "$vt" hover "$tmp/$t.addr" > "$tmp/$t.out" 2> "$tmp/$t.err"
      la=$(grep -n VTARGET_ALLOC_LINE "$here/vtarget.c" | cut -d: -f1)
      ls=$(grep -n VTARGET_STORE_LINE "$here/vtarget.c" | cut -d: -f1)
      addr=$(cat "$tmp/$t.addr" 2>/dev/null)
      for w in "hover: $addr" "256 bytes  malloc" "allocated at make_buffer (vtarget.c:$la)" \
               "last    write, 8 bytes, thread 1" "at    fill_buffer (vtarget.c:$ls)" "offset +72"; do
         grep -qF -- "$w" "$tmp/$t.out" || { msg="card lacks '$w'"; break; }
      done
      ;;
   vg-close-midrun)
      if [ $xvfb_ok = 0 ]; then skp "$t" "no xvfb-run"; continue; fi
      want_out=$(native spin 2000)
      rm -f "$tmp/viewer.pid"
      cat > "$tmp/cm.sh" <<CM
#!/bin/bash
unset SDL_VIDEODRIVER
rm -f "$tmp/cm.go"
VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert --viewer="$tmp/viewwrap" \
   "$vt" spin 2000 "$tmp/cm.go" > "$tmp/$t.out" 2> "$tmp/$t.err" &
vp=\$!
for i in \$(seq 100); do [ -s "$tmp/viewer.pid" ] && break; sleep 0.1; done
sleep 1.5
kill -TERM "\$(cat "$tmp/viewer.pid")"
sleep 0.5
touch "$tmp/cm.go"                 # (the program runs until the viewer is gone)
wait \$vp
echo "status \$?" >> "$tmp/$t.out"
CM
      chmod +x "$tmp/cm.sh"
      timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/cm.sh" > "$tmp/cm.log" 2>&1
      grep -qxF "$want_out" "$tmp/$t.out" || msg="output '$(head -n 1 "$tmp/$t.out")' not '$want_out'"
      [ -z "$msg" ] && { grep -q "^status 0$" "$tmp/$t.out" || msg="exit status: $(tail -n 1 "$tmp/$t.out")"; }
      [ -z "$msg" ] && { grep -q "viewer left before the end" "$tmp/$t.err" || msg="the viewer was not closed mid-run"; }
      ;;
   vg-control-keys)
      # pause, step, slow motion from the keyboard (xpoke), with the real
      # tool: the program starts held (--start-paused=yes); 2 and 3 step
      # exactly 10 and 100 accesses; space runs it, space holds it again;
      # 4 steps 1000 more and the total is then exactly the held total +
      # 1000 (nothing arrived while it was held); r and Backspace set and
      # clear slow motion; space again: it runs to the end with the native
      # output.  --log-control makes the viewer say what it saw.
      if [ $xvfb_ok = 0 ]; then skp "$t" "no xvfb-run"; continue; fi
      if ! build_xpoke "$tmp/xpoke"; then
         skp "$t" "cannot build xpoke (libX11, libXtst)"; continue
      fi
      want_out=$(native spin 1500)
      rm -f "$tmp/viewer.pid"
      cat > "$tmp/ck.sh" <<CK
#!/bin/bash
unset SDL_VIDEODRIVER
log=$tmp/$t.err
timeout_out=$tmp/$t.out
. "$here/xkeys.sh"
VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert --start-paused=yes \
   --viewer="$tmp/viewwrap --log-control" "$vt" spin 1500 > "$tmp/$t.out" 2> "\$log" &
vp=\$!
wait_log 1 "control: paused at" &&
"$tmp/xpoke" key 2 && wait_log 1 "control: stepped .* (asked 10)," &&
"$tmp/xpoke" key 3 && wait_log 1 "control: stepped .* (asked 100)," &&
"$tmp/xpoke" key space && wait_log 1 "control: running" &&
"$tmp/xpoke" sleep 300 key space && wait_log 2 "control: paused at" &&
"$tmp/xpoke" sleep 1000 key 4 && wait_log 1 "control: stepped .* (asked 1000)," &&
"$tmp/xpoke" key r && wait_log 1 "control: rate 1000000" &&
"$tmp/xpoke" key BackSpace && wait_log 1 "control: full speed" &&
"$tmp/xpoke" key space
wait \$vp
echo "status \$?" >> "$tmp/$t.out"
"$tmp/xpoke" key q
for i in \$(seq 100); do kill -0 "\$(cat "$tmp/viewer.pid")" 2>/dev/null || break; sleep 0.1; done
CK
      chmod +x "$tmp/ck.sh"
      timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/ck.sh" > "$tmp/ck.log" 2>&1
      e=$tmp/$t.err
      # the access counts the viewer reported
      held1=$(sed -n 's/.*control: paused at \([0-9]*\) accesses$/\1/p' "$e" | sed -n 1p)
      held2=$(sed -n 's/.*control: paused at \([0-9]*\) accesses$/\1/p' "$e" | sed -n 2p)
      steps=$(sed -n 's/.*control: stepped \([0-9]*\) accesses (asked \([0-9]*\)), \([0-9]*\) in all$/\1\/\2/p' \
              "$e" | tr '\n' ' ')
      total4=$(sed -n 's/.*control: stepped [0-9]* accesses (asked 1000), \([0-9]*\) in all$/\1/p' "$e")
      grep -q "^timed out" "$tmp/$t.out" && msg=$(grep "^timed out" "$tmp/$t.out" | head -n 1)
      [ -z "$msg" ] && [ "$steps" != "10/10 100/100 1000/1000 " ] && msg="steps: '$steps', not exact"
      [ -z "$msg" ] && { [ -n "$held2" ] && [ -n "$total4" ] &&
                         [ "$total4" -eq $((held2 + 1000)) ] ||
                         msg="held at '$held2', then 1000 steps gave '$total4' in all: something arrived while held"; }
      [ -z "$msg" ] && { [ -n "$held1" ] && [ "$held2" -gt $((held1 + 110)) ] ||
                         msg="space did not run the program ($held1 -> $held2 accesses)"; }
      [ -z "$msg" ] && { grep -qxF "$want_out" "$tmp/$t.out" ||
                         msg="output '$(head -n 1 "$tmp/$t.out")' not '$want_out'"; }
      [ -z "$msg" ] && { grep -q "^status 0$" "$tmp/$t.out" || msg="exit status: $(tail -n 1 "$tmp/$t.out")"; }
      [ -z "$msg" ] && grep -q "viewer left before the end" "$e" && msg="the viewer left before the end"
      ;;
   vg-control-marks)
      # a and m: the annotate demo held from its start runs to its first
      # heap allocation (a), then to its first and second pervert.h marks
      # (m m), each time held right after it; space: it ends normally
      if [ $xvfb_ok = 0 ]; then skp "$t" "no xvfb-run"; continue; fi
      if ! build_xpoke "$tmp/xpoke"; then
         skp "$t" "cannot build xpoke (libX11, libXtst)"; continue
      fi
      ann=$build/demos/annotate
      if [ ! -x "$ann" ]; then skp "$t" "no $ann"; continue; fi
      want_sum=$("$ann" 64 | sed -n 's/.* \(checksum=[0-9]*\)$/\1/p')
      rm -f "$tmp/viewer.pid"
      cat > "$tmp/cm2.sh" <<CK
#!/bin/bash
unset SDL_VIDEODRIVER
log=$tmp/$t.err
timeout_out=$tmp/$t.out
. "$here/xkeys.sh"
VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert --start-paused=yes \
   --viewer="$tmp/viewwrap --log-control" "$ann" 64 > "$tmp/$t.out" 2> "\$log" &
vp=\$!
wait_log 1 "control: paused at" &&
"$tmp/xpoke" key a && wait_log 1 "control: stepped to the next alloc" &&
"$tmp/xpoke" key m && wait_log 1 "control: stepped to the next mark" &&
"$tmp/xpoke" key m && wait_log 2 "control: stepped to the next mark" &&
"$tmp/xpoke" key space
wait \$vp
echo "status \$?" >> "$tmp/$t.out"
"$tmp/xpoke" key q
for i in \$(seq 100); do kill -0 "\$(cat "$tmp/viewer.pid")" 2>/dev/null || break; sleep 0.1; done
CK
      chmod +x "$tmp/cm2.sh"
      timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/cm2.sh" > "$tmp/cm2.log" 2>&1
      e=$tmp/$t.err
      grep -q "^timed out" "$tmp/$t.out" && msg=$(grep "^timed out" "$tmp/$t.out" | head -n 1)
      live=$(sed -n 's/.*control: stepped to the next alloc: .* \([0-9]*\) live blocks$/\1/p' "$e")
      marks=$(sed -n "s/.*control: stepped to the next mark: [1-9][0-9]* accesses, .*, mark '\\(.*\\)'\$/\\1/p" \
              "$e" | tr '\n' '|')
      [ -z "$msg" ] && { [ "${live:-0}" -ge 1 ] || msg="no live block after a ('$live')"; }
      [ -z "$msg" ] && [ "$marks" != "phase 1: fill A and B|phase 2|" ] && msg="marks after m m: '$marks'"
      [ -z "$msg" ] && { [ -n "$want_sum" ] && grep -q " $want_sum\$" "$tmp/$t.out" ||
                         msg="output '$(head -n 1 "$tmp/$t.out")' lacks '$want_sum'"; }
      [ -z "$msg" ] && { grep -q "^status 0$" "$tmp/$t.out" || msg="exit status: $(tail -n 1 "$tmp/$t.out")"; }
      [ -z "$msg" ] && grep -q "viewer left before the end" "$e" && msg="the viewer left before the end"
      ;;
   vg-no-display)
      want_out=$(native spin 2)
      env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER VALGRIND_LIB=$build/vglib \
         PERVERT_BINDIR=$build timeout 120 "$vg" --tool=pervert "$vt" spin 2 \
         > "$tmp/$t.out" 2> "$tmp/$t.err"
      rc=$?
      grep -qxF "$want_out" "$tmp/$t.out" || msg="output '$(cat "$tmp/$t.out")' not '$want_out'"
      [ -z "$msg" ] && [ $rc != 0 ] && msg="exit status $rc"
      lines=$(grep -c '^pervert-view' "$tmp/$t.err")
      [ -z "$msg" ] && [ "$lines" != 1 ] && msg="$lines lines from the viewer"
      [ -z "$msg" ] && { grep -q '^pervert-view: no display' "$tmp/$t.err" || msg="no 'no display' line"; }
      ;;
   esac
   if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
done

# pervert.h marks: a line across the timeline with the mark's text (accent
# colour, 255 196 64) for demos/annotate; nothing of that colour in the
# timeline of a program without marks (demos/array).  1280x720: the
# timeline strip is x 864..1271, y 49..684.
t=vg-timeline-marks
if want "$t"; then
   if [ $have_tool = 0 ]; then skp "$t" "the tool is not built"; else
      msg=
      for prog in annotate array; do
         timeout 120 env VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build SDL_VIDEODRIVER=offscreen \
            "$vg" --tool=pervert -q --viewer="$view --size=1280x720 --screenshot=$tmp/$t.$prog.png \
            --screenshot-after=1000000000000" "$build/demos/$prog" 1000 > "$tmp/$t.$prog.out" 2> "$tmp/$t.err"
         n=$([ -f "$tmp/$t.$prog.png" ] && "$probe" "$tmp/$t.$prog.png" count 864 49 408 636 255 196 64 12 | awk '{ print $2 }')
         case $prog in
            annotate) [ "${n:-0}" -ge 300 ] || msg="annotate: ${n:-no} mark pixels in the timeline" ;;
            array)    [ -z "$msg" ] && [ "${n:-1}" != 0 ] && msg="array: ${n:-no screenshot} mark-coloured pixels in the timeline" ;;
         esac
      done
      if [ -z "$msg" ]; then ok "$t"; else bad "$t" "$msg" "$tmp/$t.err"; fi
   fi
fi

echo "viewer: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
