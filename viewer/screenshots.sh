#!/bin/sh
# viewer/screenshots.sh -- remake the README's screenshots of the demos with
# pervert-view's headless path (no display needed):
#   valgrind --tool=pervert --viewer='pervert-view --screenshot=FILE
#            --screenshot-after=N' PROGRAM
# Run from the top of the tree after ./configure && make.  Writes
# viewer/screenshots/*.png.  The --screenshot-after counts (accesses) pick a
# moment in each program's run; they may need adjusting when the demos change.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/viewer/screenshots
vg=$top/vg-in-place
view="$top/build/pervert-view --size=1600x900"
demos=$top/build/demos
mkdir -p "$out"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
shot() {   # shot NAME "VIEWER OPTIONS" PROGRAM ARGS...
   name=$1 vopts=$2
   shift 2
   echo "== $name: $*"
   "$vg" --tool=pervert --viewer="$view --screenshot=$out/$name.png $vopts" "$@" \
      > /dev/null 2>&1 || true
   test -s "$out/$name.png" || { echo "no $out/$name.png" >&2; exit 1; }
}
# a binary search tree: inserting (yellow, written and read) then looking up (green)
shot bst "--screenshot-after=60000000 --timeline-slice=10" "$demos/bst" 400000
# 8 MiB written in address order (red), then read back (green over red: yellow)
shot seqwrite "--screenshot-after=1200000 --timeline-slice=5" "$demos/seqwrite"
# a growing vector: each realloc copies into a bigger block, the old one fades out
shot vector "--screenshot-after=9000000 --timeline-slice=5" "$demos/vector" 3000000
# three threads, each on its own array; [stack thread N] labels
shot threads "--screenshot-after=1300000 --timeline-slice=5" "$demos/threads" 300000 3
# write() from a buffer the program filled (the kernel reads it: red + azure),
# read() into another (the kernel writes it: azure)
shot syscalls "--screenshot-after=834000 --zoom=64 --timeline-slice=5" "$demos/syscalls" 262144
# the hover card of a tree node: block, allocation stack, last access, counts
shot hover "--screenshot-after=1500000 --zoom=16 --goto=0x4035a00 --hover=0x4035a48" "$demos/bst" 20000
# the key overlay
shot help "--screenshot-after=2000000 --show-help" "$demos/bst" 20000
# the sites panel (p): a site selected lights the map alone; its stride
# histogram, stride over time, reuse distance and source line
line_of() { grep -n -F -m1 "$2" "$top/demos/$1" | cut -d: -f1; }
shot sites-matrix "--screenshot-after=800000 --timeline-slice=2 --reuse --select-site=matrix_rowcol.c:$(line_of matrix_rowcol.c 'next element: +N*8')" \
   "$demos/matrix_rowcol" 512
shot sites-listwalk "--reuse --select-site=listwalk.c:$(line_of listwalk.c 's += p->value;')" \
   "$demos/listwalk" 20000
# the heap block card (b): 1000 of 4096 bytes touched
shot block-leak "--sites --block-card=make_buffer --select-site=leak.c:$(line_of leak.c 'r->value[k] = id * k;')" \
   "$demos/leak" 100
ls -la "$out"
# a replay of a recording: the slider at the bottom with the pervert.h marks
# as ticks, paused just after the second mark
echo "== replay: annotate"
"$vg" -q --tool=pervert --viewer="$top/build/pervert-dump --record=$out/annotate.pvt" \
   "$demos/annotate" > /dev/null 2>&1
mark2=$($top/build/pervert-view --list-marks "$out/annotate.pvt" | awk 'NR == 2 { print $2 + 1 }')
acc=$($top/build/pervert-view --model-hash-at="$mark2" "$out/annotate.pvt" | awk '{ print $5 }')
$view --screenshot="$out/replay.png" --screenshot-after="$acc" "$out/annotate.pvt"
rm -f "$out/annotate.pvt"
test -s "$out/replay.png"
