#!/bin/bash
# regtest/sites/run.sh [PATTERN...] -- pervert-view's sites panel, block card
# and code context (issue 6, the viewer half), headless with the real tool
# and the teaching demos.  The viewer prints the panel's numbers
# (--dump-sites) and the block card (--block-card=WHAT) when it takes its
# screenshot; litprobe.c counts the lit heat pixels of the map:
#   unit-panel     test_panel.c, no window: the data side (strides, block,
#                  lifetime) and the keys and clicks (p, Tab, Shift+Tab, n,
#                  o, k, t, g, x, b, a click on a row) through pv_input_event;
#                  a selection's increments replace the model's
#   matrix-col     the column-major load's stride histogram peaks at the row
#                  stride (N*8 = 1024: bin +1024..2047), in every column of
#                  the stride over time too
#   matrix-row     the row-major load's peaks at the element size (+8..15)
#   *-histogram    ... and the panel draws it so: orange bars only (jumps
#                  to other lines) for the column-major load, green only
#                  (within a line) for the row-major one (pngprobe counts)
#   listwalk       the shuffled list's load: strides scattered (no bin with
#                  half of them, both signs, 10+ bins); the array walk: +4..7
#   lit-col        with the column-major load selected, the only lit map
#                  pixels are green (reads) and lie in the matrix's rows
#   lit-store      with make_matrix's store selected: red only, same rows
#   lit-none       with nothing selected, the same run lights the matrix
#                  yellow (read + write) or other places too
#   lit-timeline   the same for the timeline (view held on the matrix)
#   threads        false_sharing's adjacent counter: stride 0, 100000
#                  accesses by each of two threads (or 200000 by one id
#                  when Valgrind gave the second worker the first's id, which
#                  had ended); thread 2's list has no site of main
#   filters        --sites-kind=store lists only storing sites (make_matrix
#                  first); --sites-region=heap puts the three matrix sites on
#                  top; --sites-sort=lines is ordered by lines
#   rank           --select-site=#1 with the heap filter: a matrix site
#   block-leak     the card of make_buffer's block: 4096 bytes, 1000 touched,
#                  stack make_buffer < main, live
#   block-matrix   the card of make_matrix's block: 131072 bytes, all
#                  touched, freed, sum_col_major among its sites
#   context        --hover on the matrix: access at sum_col_major with its
#                  source line, allocated at make_matrix (malloc line)
#   reuse          --reuse: row-major load reuses its line at distance 0,
#                  column-major at 64..127 lines (N = 128)
#   xvfb-keys      a real window (Xvfb, XTest): p opens the panel, Tab
#                  selects the busiest site, its row and histogram appear
#   options        bad values are refused with a message; a --select-site
#                  that matches nothing is reported
# The runs use --analysis=full (no load shedding: exact counts on a busy
# machine).  Environment: PERVERT_TOP, PERVERT_BUILD.  Exit status 0 when
# nothing failed.  bench_sites.c (not run here) measures the analysis cost.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$top/build}
view=$build/pervert-view
vg=$top/vg-in-place
demos=$build/demos
CC=${CC:-gcc}
patterns=("$@")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-sites.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0 skip=0
ok()  { pass=$((pass + 1)); printf 'PASS  sites/%s\n' "$1"; }
bad() { fail=$((fail + 1)); printf 'FAIL  sites/%s: %s\n' "$1" "$2"
        [ -n "${3:-}" ] && [ -f "$3" ] && grep -v '^site \|^stride-time-col' "$3" | head -n 30 | sed 's/^/      /'; }
. "$here/../want.sh"
want() { pv_want "$1"; }

if [ ! -x "$view" ] || [ ! -d "$build/vglib" ] || [ ! -x "$demos/matrix_rowcol" ]; then
   echo "FAIL: the viewer, the tool or the demos are not built: ./configure && make" >&2
   exit 1
fi
if ! { $CC -O1 -Wall -o "$tmp/litprobe" "$here/litprobe.c" $(pkg-config --cflags --libs sdl2 SDL2_image) &&
        $CC -O1 -Wall -o "$tmp/pngprobe" "$top/regtest/viewer/pngprobe.c" \
           $(pkg-config --cflags --libs sdl2 SDL2_image); } 2> "$tmp/cc.log"; then
   bad build "cannot build litprobe, pngprobe" "$tmp/cc.log"
   exit 1
fi
export SDL_VIDEODRIVER=offscreen

if want unit-panel; then
   t=unit-panel
   # every viewer file but the ones that need main.c's frame loop
   srcs=$(ls "$top"/viewer/*.c | grep -v '/main\.c$\|/playback\.c$')
   if $CC -O1 -g -Wall -std=gnu11 -I"$top/shared" -I"$top/viewer" -I"$top/regtest/viewer" \
         $(pkg-config --cflags sdl2 SDL2_ttf SDL2_image libzstd) -o "$tmp/test_panel" "$here/test_panel.c" \
         $srcs "$top/shared/pv_ring.c" "$top/shared/pv_symtab.c" "$top/shared/pv_analysis.c" \
         "$top/shared/pv_trace_read.c" "$top/shared/pv_trace_write.c" \
         $(pkg-config --libs sdl2 SDL2_ttf SDL2_image libzstd) -lz -lpthread -lm > "$tmp/tp.log" 2>&1 &&
      "$tmp/test_panel" >> "$tmp/tp.log" 2>&1; then
      ok "$t ($(tail -n 1 "$tmp/tp.log"))"
   else
      bad $t "see the log" "$tmp/tp.log"
   fi
fi

# view NAME "VIEWER OPTIONS" PROGRAM ARGS...: $tmp/NAME.out, $tmp/NAME.png
view() {
   local name=$1 vo=$2; shift 2
   rm -f "$tmp/$name.png"
   timeout -k 5 300 "$vg" -q --tool=pervert \
      --viewer="$view --screenshot=$tmp/$name.png --size=1600x900 --analysis=full $vo" "$@" \
      > "$tmp/$name.out" 2> "$tmp/$name.err"
   cat "$tmp/$name.err" >> "$tmp/$name.out"
   [ -s "$tmp/$name.png" ]
}
# field LINE NAME: the value of NAME=VALUE (without a ~)
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1" | tr -d '~'; }
# the line number of the demo source line containing TEXT
line_of() { grep -n -F -m1 "$2" "$top/demos/$1" | cut -d: -f1; }

# hist_colours NAME short|long: the drawn histogram has bars of that colour
# only (green: strides within a line, orange: jumps to another line)
hist_colours() {
   local name=$1 want=$2 r sh lg
   r=$(awk '$1 == "hist" { print $2, $3, $4, $5 }' "$tmp/$name.out")
   if [ -z "$r" ]; then bad "$name-histogram" "no histogram drawn" "$tmp/$name.out"; return; fi
   sh=$("$tmp/pngprobe" "$tmp/$name.png" count $r 80 220 110 6 | awk '{ print $2 }')
   lg=$("$tmp/pngprobe" "$tmp/$name.png" count $r 255 150 60 6 | awk '{ print $2 }')
   if { [ $want = short ] && [ "$sh" -gt 200 ] && [ "$lg" = 0 ]; } ||
      { [ $want = long ] && [ "$lg" -gt 200 ] && [ "$sh" = 0 ]; }; then
      ok "$name-histogram (drawn: $sh green, $lg orange bar pixels)"
   else
      bad "$name-histogram" "$sh green, $lg orange bar pixels; want $want only" "$tmp/$name.out"
   fi
}

mr=$top/demos/matrix_rowcol.c
COL=$(line_of matrix_rowcol.c 'next element: +N*8')
ROW=$(line_of matrix_rowcol.c 'next element: +8 bytes')
STORE=$(line_of matrix_rowcol.c 'm[i] = (double)(i % 7);')
LIST=$(line_of listwalk.c 's += p->value;')
ARR=$(line_of listwalk.c 's += a[i];')
N=128

# ---- stride histograms ---------------------------------------------------------
if want matrix-col; then
   t=matrix-col
   if view $t "--select-site=matrix_rowcol.c:$COL --dump-sites" "$demos/matrix_rowcol" $N; then
      sel=$(grep -m1 '^selected ' "$tmp/$t.out")
      dom=$(sed -n 's/.* dominant=\([^ ]*\) \([0-9.]*\)%.*/\1 \2/p' <<< "$sel")
      acc=$(field "$sel" accesses)
      cnt=$(awk '$1 == "stride" && $2 == "+1024..2047" { print $3 }' "$tmp/$t.out")
      cols=$(grep -c '^stride-time-col ' "$tmp/$t.out")
      other=$(grep '^stride-time-col ' "$tmp/$t.out" | grep -vc 'dominant=+1024..2047 ')
      if [[ $sel == *"at sum_col_major (matrix_rowcol.c:$COL)"* ]] && [ "${dom% *}" = "+1024..2047" ] &&
         awk -v p="${dom#* }" 'BEGIN { exit !(p >= 95) }' && [ "$acc" = $((N * N)) ] &&
         [ "${cnt:-0}" -ge $((N * N * 95 / 100)) ] && [ "$cols" -ge 16 ] && [ "$other" = 0 ] &&
         grep -q '>=line$' <<< "$(grep '^stride +1024..2047 ' "$tmp/$t.out")"; then
         ok "$t (dominant $dom, $cnt of $acc strides; $cols stride-time columns all +1024..2047)"
         hist_colours $t long
      else
         bad $t "selected '$sel' dominant '$dom' count '$cnt' columns $cols (other $other)" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

if want matrix-row; then
   t=matrix-row
   if view $t "--select-site=matrix_rowcol.c:$ROW --dump-sites" "$demos/matrix_rowcol" $N; then
      sel=$(grep -m1 '^selected ' "$tmp/$t.out")
      dom=$(sed -n 's/.* dominant=\([^ ]*\) \([0-9.]*\)%.*/\1 \2/p' <<< "$sel")
      line=$(grep '^stride +8..15 ' "$tmp/$t.out")
      if [[ $sel == *"at sum_row_major (matrix_rowcol.c:$ROW)"* ]] && [ "${dom% *}" = "+8..15" ] &&
         awk -v p="${dom#* }" 'BEGIN { exit !(p >= 99) }' && [[ $line == *"<line" ]] &&
         [ "$(awk '{ print $3 }' <<< "$line")" = $((N * N - 1)) ]; then
         ok "$t (dominant $dom: '$line')"
         hist_colours $t short
      else
         bad $t "selected '$sel' stride line '$line'" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

if want listwalk; then
   t=listwalk
   if view $t "--select-site=listwalk.c:$LIST --dump-sites" "$demos/listwalk" 20000 &&
      view $t-array "--select-site=listwalk.c:$ARR --dump-sites" "$demos/listwalk" 20000; then
      sel=$(grep -m1 '^selected ' "$tmp/$t.out")
      share=$(sed -n 's/.* dominant=[^ ]* \([0-9.]*\)%.*/\1/p' <<< "$sel")
      bins=$(grep -c '^stride ' "$tmp/$t.out")
      neg=$(awk '$1 == "stride" && $2 ~ /^-/ { s += $4 } END { printf "%d", s }' "$tmp/$t.out")
      pos=$(awk '$1 == "stride" && $2 ~ /^\+/ { s += $4 } END { printf "%d", s }' "$tmp/$t.out")
      asel=$(grep -m1 '^selected ' "$tmp/$t-array.out")
      if [[ $sel == *"at walk_list (listwalk.c:$LIST)"* ]] && [ "$(field "$sel" accesses)" = 20000 ] &&
         awk -v p="$share" 'BEGIN { exit !(p < 50) }' && [ "$bins" -ge 10 ] &&
         [ "$neg" -ge 20 ] && [ "$pos" -ge 20 ] &&
         [[ $asel == *"dominant=+4..7 "* ]] && [[ $asel == *"at walk_array (listwalk.c:$ARR)"* ]]; then
         ok "$t (list: fullest bin $share%, $bins bins, $neg% negative, $pos% positive; array +4..7)"
      else
         bad $t "list '$sel' ($bins bins, -$neg% +$pos%), array '$asel'" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

# ---- only the selected site lights the map ------------------------------------
# lit NAME: "lit N green G red R yellow Y ymin A ymax B" over the map, and the
# rows of the selection's lowest and highest address (BAND_LO, BAND_HI)
lit() {
   local name=$1 map lo hi
   map=$(awk '$1 == "map" { print $2, $3, $4, $5 }' "$tmp/$name.out")
   lo=$(awk '$1 == "rect" && $2 == "lo" && NF == 6 { print $4 }' "$tmp/$name.out")
   hi=$(awk '$1 == "rect" && $2 == "hi" && NF == 6 { print $4 + $6 - 1 }' "$tmp/$name.out")
   BAND_LO=${lo:--1} BAND_HI=${hi:--1}
   [ -n "$map" ] || return 1
   LIT=$("$tmp/litprobe" "$tmp/$name.png" $map)
}
num() { sed -n "s/.* $2 \([-0-9]*\).*/\1/p; s/^$2 \([-0-9]*\).*/\1/p" <<< " $1" | head -n 1; }

for sel in col store; do
   t=lit-$sel
   want $t || continue
   case $sel in col) L=$COL colour=green ;; store) L=$STORE colour=red ;; esac
   if view $t "--select-site=matrix_rowcol.c:$L --dump-sites" "$demos/matrix_rowcol" $N && lit $t; then
      n=$(num "$LIT" lit) g=$(num "$LIT" green) r=$(num "$LIT" red) y=$(num "$LIT" yellow)
      ymin=$(num "$LIT" ymin) ymax=$(num "$LIT" ymax)
      c=$g; [ $colour = red ] && c=$r
      if [ "$BAND_LO" -ge 0 ] && [ "$BAND_HI" -ge 0 ] && [ "$n" -ge 1000 ] && [ "$c" = "$n" ] &&
         [ "$ymin" -ge "$BAND_LO" ] && [ "$ymax" -le "$BAND_HI" ]; then
         ok "$t ($n lit pixels, all $colour, rows $ymin..$ymax inside the matrix's $BAND_LO..$BAND_HI)"
      else
         bad $t "$LIT; matrix rows $BAND_LO..$BAND_HI; want only $colour inside" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot or no map" "$tmp/$t.out"
   fi
done

if want lit-none; then
   t=lit-none
   # same run with no selection: the map is lit by every site
   if view $t "--dump-sites" "$demos/matrix_rowcol" $N && lit $t; then
      n=$(num "$LIT" lit) g=$(num "$LIT" green) r=$(num "$LIT" red) y=$(num "$LIT" yellow)
      if [ "$n" -gt 0 ] && { [ "$y" -gt 0 ] || [ "$r" -gt 0 ]; }; then
         ok "$t (no selection: $LIT)"
      else
         bad $t "$LIT: want reads and writes of several sites" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

# the timeline too: with the view held on the matrix (--follow=no --goto),
# the selected store lights only red, the column-major load only green, both
# in the matrix's rows; with no selection other rows and colours light up
if want lit-timeline; then
   t=lit-timeline
   view $t-where "--select-site=matrix_rowcol.c:$COL --dump-sites" "$demos/matrix_rowcol" $N
   lo=$(sed -n 's/^selected .* span=\(0x[0-9a-f]*\)-.*/\1/p' "$tmp/$t-where.out")
   res= miss=
   for sel in store col none; do
      case $sel in store) o="--select-site=matrix_rowcol.c:$STORE" ;;
                   col) o="--select-site=matrix_rowcol.c:$COL" ;; none) o= ;; esac
      view $t-$sel "--follow=no --zoom=64 --goto=$lo --timeline-slice=1 --dump-sites $o" \
         "$demos/matrix_rowcol" $N || { miss="$miss $sel:no-screenshot"; continue; }
      tl=$(awk '$1 == "timeline" { print $2, $3, $4, $5 }' "$tmp/$t-$sel.out")
      L=$("$tmp/litprobe" "$tmp/$t-$sel.png" $tl)
      n=$(num "$L" lit) g=$(num "$L" green) r=$(num "$L" red) ymin=$(num "$L" ymin) ymax=$(num "$L" ymax)
      band=$sel; [ $sel = none ] && band=store
      blo=$(awk '$1 == "rect" && $2 == "lo" && NF == 6 { print $4 }' "$tmp/$t-$band.out")
      bhi=$(awk '$1 == "rect" && $2 == "hi" && NF == 6 { print $4 + $6 - 1 }' "$tmp/$t-$band.out")
      res="$res $sel: $n lit ($g green, $r red) rows $ymin..$ymax of ${blo:-?}..${bhi:-?};"
      case $sel in
      store) [ "$n" -gt 0 ] && [ "$r" = "$n" ] && [ "$ymin" -ge "${blo:-99999}" ] && [ "$ymax" -le "${bhi:--1}" ] || miss="$miss store" ;;
      col)   [ "$n" -gt 0 ] && [ "$g" = "$n" ] && [ "$ymin" -ge "${blo:-99999}" ] && [ "$ymax" -le "${bhi:--1}" ] || miss="$miss col" ;;
      none)  [ "$n" -gt 0 ] && { [ "$ymin" -lt "${blo:-0}" ] || [ "$ymax" -gt "${bhi:-99999}" ]; } &&
             [ "$g" -gt 0 ] && [ "$g" != "$n" ] || miss="$miss none" ;;
      esac
   done
   if [ -z "$miss" ]; then ok "$t ($res)"; else bad $t "failed:$miss;$res" "$tmp/$t-col.out"; fi
fi

# ---- threads: false_sharing's adjacent counter, run by both workers --------------
if want threads; then
   t=threads
   FS=$(line_of false_sharing.c '(*c)++;')
   if view $t "--select-site=false_sharing.c:$FS --sites-thread=2 --dump-sites" "$demos/false_sharing" 100000; then
      sel=$(grep -m1 '^selected ' "$tmp/$t.out")
      thr=$(grep -m1 '^selected-threads ' "$tmp/$t.out")
      hdr=$(grep -m1 '^sites: ' "$tmp/$t.out")
      other=$(grep '^site ' "$tmp/$t.out" | grep -c 'at main (')
      if [[ $sel == *"dominant=0 100.0%"* ]] && [[ $sel == *"at bump_adjacent (false_sharing.c:$FS)"* ]] &&
         { [[ $thr =~ ^selected-threads\ [0-9]+:100000\ [0-9]+:100000$ ]] ||
           [[ $thr =~ ^selected-threads\ [0-9]+:200000$ ]]; } && [[ $hdr == *"thread=2"* ]] &&
         [ "$other" = 0 ]; then
         ok "$t (stride 0; '$thr'; thread 2's list has no main)"
      else
         bad $t "'$sel' '$thr' '$hdr' ($other main sites in thread 2's list)" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

# ---- filters and ranks -----------------------------------------------------------
if want filters; then
   t=filters
   view $t-kind "--sites-kind=store --dump-sites" "$demos/matrix_rowcol" $N
   view $t-region "--sites-region=heap --dump-sites" "$demos/matrix_rowcol" $N
   view $t-lines "--sites-sort=lines --dump-sites" "$demos/matrix_rowcol" $N
   nk=$(grep -c '^site ' "$tmp/$t-kind.out")
   nostore=$(grep '^site ' "$tmp/$t-kind.out" | grep -c ' stores=0 ')
   first=$(grep -m1 '^site ' "$tmp/$t-kind.out")
   top3=$(grep '^site ' "$tmp/$t-region.out" | head -n 3 | sed 's/.* at \([a-z_]*\) .*/\1/' | sort | tr '\n' ' ')
   hdr=$(grep -m1 '^sites: ' "$tmp/$t-region.out")
   order=$(grep '^site ' "$tmp/$t-lines.out" | while read -r l; do field "$l" lines; done |
           awk 'NR > 1 && $1 > prev { bad = 1 } { prev = $1 } END { print bad ? "unsorted" : "sorted" }')
   if [ "$nk" -ge 5 ] && [ "$nostore" = 0 ] && [[ $first == *"at make_matrix (matrix_rowcol.c:$STORE)"* ]] &&
      [ "$top3" = "make_matrix sum_col_major sum_row_major " ] && [[ $hdr == *"region=heap"* ]] &&
      [ "$order" = sorted ] && grep -q '^sites: sort=lines' "$tmp/$t-lines.out"; then
      ok "$t (kind=store: $nk sites, all storing, make_matrix first; region=heap: $top3; sort=lines ordered)"
   else
      bad $t "kind: $nk sites, $nostore without stores, first '$first'; heap top 3 '$top3'; lines $order" "$tmp/$t-region.out"
   fi
fi

if want rank; then
   t=rank
   if view $t "--sites-region=heap --select-site=#1 --dump-sites" "$demos/matrix_rowcol" $N; then
      sel=$(grep -m1 '^selected ' "$tmp/$t.out")
      if [[ $sel == *" accesses=$((N * N)) "* ]] && [[ $sel =~ at\ (make_matrix|sum_row_major|sum_col_major)\  ]]; then
         ok "$t ('${sel##* at }')"
      else
         bad $t "selected '$sel'" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

# ---- block cards -----------------------------------------------------------------
if want block-leak; then
   t=block-leak
   if view $t "--block-card=make_buffer" "$demos/leak" 100; then
      B=$(line_of leak.c 'char *buf = make_buffer();')
      miss=
      for w in "block: heap block 0x" "4096 bytes  malloc  thread 1" \
               "block: allocated at make_buffer (leak.c:" "block:         by main (leak.c:$B)" \
               "block: touched   1000 of 4096 bytes (24.4%)" "live for" \
               "block: sites     make_buffer (leak.c:"; do
         grep -qF -- "$w" "$tmp/$t.out" || miss="$miss '$w'"
      done
      if [ -z "$miss" ]; then ok "$t (make_buffer: 4096 bytes, 1000 touched, live, stack and sites)"
      else bad $t "missing:$miss" "$tmp/$t.out"; fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

if want block-matrix; then
   t=block-matrix
   if view $t "--block-card=make_matrix" "$demos/matrix_rowcol" $N; then
      MM=$(line_of matrix_rowcol.c 'double *m = malloc(')
      miss=
      for w in "$((N * N * 8)) bytes  malloc" "block: allocated at make_matrix (matrix_rowcol.c:$MM)" \
               "by main (matrix_rowcol.c:" "block: touched   $((N * N * 8)) of $((N * N * 8)) bytes (100.0%)" \
               "block: accesses  $((3 * N * N)): $((2 * N * N)) loads, $((N * N)) stores" \
               "lifetime  allocation #1 after" "sum_col_major (matrix_rowcol.c:$COL)"; do
         grep -qF -- "$w" "$tmp/$t.out" || miss="$miss '$w'"
      done
      if [ -z "$miss" ] && grep -q '^block: lifetime .* freed .* later' "$tmp/$t.out"; then
         ok "$t (make_matrix: $((N * N * 8)) bytes, all touched, 3 x $((N * N)) accesses, freed)"
      else
         bad $t "missing:$miss" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t.out"
   fi
fi

# ---- code context ----------------------------------------------------------------
if want context; then
   t=context
   # the matrix's address from a first run (the tool's addresses repeat)
   if view $t-where "--select-site=matrix_rowcol.c:$COL --dump-sites" "$demos/matrix_rowcol" $N; then
      lo=$(sed -n 's/^selected .* span=\(0x[0-9a-f]*\)-.*/\1/p' "$tmp/$t-where.out")
      h=$(printf '0x%x' $((lo + 64 * 40 + 8)))
      view $t "--sites --hover=$h --dump-sites" "$demos/matrix_rowcol" $N
      MM=$(line_of matrix_rowcol.c 'double *m = malloc(')
      a1=$(grep -m1 '^context access at ' "$tmp/$t.out")
      a2=$(grep -m1 '^context allocated at ' "$tmp/$t.out")
      s1=$(grep -m1 "^context-source $COL > " "$tmp/$t.out")
      s2=$(grep -m1 "^context-source $MM > " "$tmp/$t.out")
      if [[ $a1 == *"sum_col_major (matrix_rowcol.c:$COL)" ]] && [[ $s1 == *"s += m[i * n + j];"* ]] &&
         [[ $a2 == *"make_matrix (matrix_rowcol.c:$MM)" ]] && [[ $s2 == *"malloc("* ]] &&
         [ "$(grep -c '^context-source ' "$tmp/$t.out")" -ge 6 ]; then
         ok "$t ($h: '$s1' / '$s2')"
      else
         bad $t "hover $h: '$a1' '$s1' '$a2' '$s2'" "$tmp/$t.out"
      fi
   else
      bad $t "no screenshot" "$tmp/$t-where.out"
   fi
fi

# ---- reuse distance --------------------------------------------------------------
if want reuse; then
   t=reuse
   view $t-row "--reuse --select-site=matrix_rowcol.c:$ROW --dump-sites" "$demos/matrix_rowcol" $N
   view $t-col "--reuse --select-site=matrix_rowcol.c:$COL --dump-sites" "$demos/matrix_rowcol" $N
   r0=$(awk '$1 == "reuse" && $2 == "0" { print $4 }' "$tmp/$t-row.out" | tr -d %)
   cmax=$(awk '$1 == "reuse" { v = $3 + 0; if (v > m) { m = v; b = $2 } } END { print b }' "$tmp/$t-col.out")
   if [ -n "$r0" ] && awk -v p="$r0" 'BEGIN { exit !(p >= 80) }' && [ "$cmax" = "64..127" ]; then
      ok "$t (row-major: distance 0 for $r0%; column-major: fullest bin $cmax lines)"
   else
      bad $t "row-major distance 0: '$r0'%, column-major fullest bin '$cmax'" "$tmp/$t-col.out"
   fi
fi

# ---- the real window under Xvfb: keys -----------------------------------------------
# p opens the panel (the map and the timeline make room), Tab selects the
# busiest site (make_matrix's store: stride +8..15, a green histogram bar),
# o re-sorts, q closes; checked on `import` captures of the window
if want xvfb-keys; then
   t=xvfb-keys
   if ! command -v xvfb-run > /dev/null || ! command -v import > /dev/null; then
      printf 'SKIP  sites/%s (no xvfb-run or import)\n' $t; skip=$((skip + 1))
   elif ! { . "$top/regtest/viewer/xkeys.sh" && build_xpoke "$tmp/xpoke"; }; then
      printf 'SKIP  sites/%s (cannot build xpoke)\n' $t; skip=$((skip + 1))
   else
      mkdir -p "$tmp/x"
      cat > "$tmp/x/keys.sh" <<KS
#!/bin/bash
cd "$tmp/x"
unset SDL_VIDEODRIVER
"$vg" -q --tool=pervert --viewer="$view --size=1280x800 --analysis=full" \
   "$demos/matrix_rowcol" $N > vg.out 2> vg.err &
sleep 4
import -window root before.png
"$tmp/xpoke" key p sleep 800
import -window root panel.png
"$tmp/xpoke" key Tab sleep 800
import -window root selected.png
"$tmp/xpoke" key o sleep 600 key q sleep 500
wait
KS
      chmod +x "$tmp/x/keys.sh"
      timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$tmp/x/keys.sh" > "$tmp/x/log" 2>&1
      x=$tmp/x
      # panel background (26,29,38) on the right, selected row (70,60,30), green bars (80,220,110)
      pb=$("$tmp/pngprobe" "$x/before.png" count 820 60 440 600 26 29 38 2 | awk '{ print $2 }')
      pp=$("$tmp/pngprobe" "$x/panel.png" count 820 60 440 600 26 29 38 2 | awk '{ print $2 }')
      sr=$("$tmp/pngprobe" "$x/selected.png" count 820 60 440 700 70 60 30 2 | awk '{ print $2 }')
      gb=$("$tmp/pngprobe" "$x/selected.png" count 820 60 440 700 80 220 110 4 | awk '{ print $2 }')
      if [ "${pb:-0}" -lt 20000 ] && [ "${pp:-0}" -gt 100000 ] && [ "${sr:-0}" -gt 2000 ] &&
         [ "${gb:-0}" -gt 200 ] && grep -q "matrix_rowcol n=$N" "$x/vg.out"; then
         ok "$t (p: $pp panel pixels, $pb before; Tab: $sr selected-row and $gb green bar pixels)"
      else
         bad $t "panel pixels before $pb after p $pp; after Tab: selected row $sr, green bars $gb" "$x/vg.err"
      fi
   fi
fi

# ---- options ---------------------------------------------------------------------
if want options; then
   t=options
   miss=
   for o in --sites-sort=size --sites-kind=read --sites-region=bss --reuse=3 --source-lines=99 \
            --analysis=maybe --select-site= --block-card=; do
      "$view" "$o" /nonexistent > "$tmp/o.out" 2> "$tmp/o.err"; rc=$?
      if [ $rc != 2 ] || ! grep -q "pervert-view: ${o%%=*}" "$tmp/o.err"; then miss="$miss $o(rc $rc)"; fi
   done
   "$view" --help > "$tmp/help.out" 2>&1
   for o in --sites --select-site --dump-sites --block-card --reuse --sites-sort; do
      grep -q -- "$o" "$tmp/help.out" || miss="$miss help:$o"
   done
   view $t-nomatch "--select-site=no_such_function --dump-sites" "$demos/matrix_rowcol" 16
   grep -q "pervert-view: no site matches --select-site=no_such_function" "$tmp/$t-nomatch.out" ||
      miss="$miss no-match-message"
   grep -q "^selected none" "$tmp/$t-nomatch.out" || miss="$miss no-match-selected"
   if [ -z "$miss" ]; then ok "$t (bad values refused, --help lists the options, a name that matches nothing is reported)"
   else bad $t "not refused or not listed:$miss" "$tmp/o.err"; fi
fi

echo "sites: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
