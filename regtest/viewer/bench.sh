#!/bin/bash
# regtest/viewer/bench.sh -- pervert-view's speed, measured (not a test):
#   1. ingest alone: bench_ingest (ns per access record, no ring, no window);
#   2. frames per second at 1920x1080 while a producer writes 20 M access
#      records per second and keeps its core busy as Valgrind does
#      (fakeprog bench --busy): OpenGL (llvmpipe) and --software, with the
#      60 fps cap and uncapped; how long the producer waited for room (the
#      ring full because of the viewer);
#   3. memory over a long run with mmap/munmap and malloc/free churn;
#   4. with the real tool: a program's run time with --viewer=no, with
#      pervert-dump --count and with pervert-view (headless).
# Environment: PERVERT_TOP, PERVERT_BUILD; BENCH_SECONDS (default 10),
# CHURN_SECONDS (default 60).  SDL_VIDEODRIVER=offscreen unless set.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=${PERVERT_TOP:-$(cd "$here/../.." && pwd)}
build=${PERVERT_BUILD:-$repo/build}
view=$build/pervert-view
secs=${BENCH_SECONDS:-10}
churn=${CHURN_SECONDS:-60}
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pv-view-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
CC=${CC:-gcc}
cflags="-O2 -g -std=gnu11 -I$repo/shared -I$repo/viewer"
model="$repo/viewer/regions.c $repo/viewer/layout.c $repo/viewer/heap.c $repo/viewer/stats.c
       $repo/viewer/model.c $repo/viewer/ingest.c $repo/viewer/stage.c $repo/viewer/util.c $repo/shared/pv_ring.c
       $repo/shared/pv_symtab.c $repo/shared/pv_trace_read.c $repo/shared/pv_trace_write.c"
$CC $cflags -o "$tmp/bench_ingest" "$here/bench_ingest.c" $model -lzstd -lz -lpthread -lm || exit 2
$CC $cflags -o "$tmp/fakeprog" "$here/fakeprog.c" || exit 2

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== 1. ingest alone"
"$tmp/bench_ingest" 300

echo "== 2. 1920x1080, 20 M accesses/s from a busy producer, ${secs} s each"
for args in "" "--fps=0" "--software" "--software --fps=0"; do
   "$tmp/fakeprog" bench --busy --rate=20e6 --seconds="$secs" --tail=0 -- "$view" --size=1920x1080 \
      --stats $args --screenshot="$tmp/b.png" --screenshot-after=$((secs - 1))s > /dev/null 2> "$tmp/b.err"
   awk -v a="${args:-(opengl, 60 fps cap)}" '
      # "pervert-view: 60.0 fps (worst frame 19 ms)  20.02 M acc/s  ring 13% ..."
      /pervert-view: .* fps/ { n++; if (n > 1) { f = $2; s += f; c++; if (min == "" || f < min) min = f;
                               if ($6 + 0 > worst) worst = $6 + 0; r += $8 } }
      /waited for room/ && /bench:/ { match($0, /waited for room [0-9.]+ s \([0-9.]+%\)/); wt = substr($0, RSTART + 16, RLENGTH - 16) }
      END { printf "   %-22s %5.1f fps mean, %5.1f min, worst frame %d ms; %.1f M acc/s ingested; producer waited %s\n",
                   a, c ? s / c : 0, min, worst, c ? r / c : 0, wt }' "$tmp/b.err"
done

echo "== 3. memory: ${churn} s of 10 M accesses/s with mmap/munmap and malloc/free churn"
"$tmp/fakeprog" churn --busy --rate=10e6 --seconds="$churn" --tail=0 -- "$view" --size=1920x1080 \
   --screenshot="$tmp/c.png" --screenshot-after=$((churn - 1))s > /dev/null 2> "$tmp/c.err"
awk '/viewer rss/ && $5 > 0 { n++; v[n] = $5 } END { if (n) printf "   viewer RSS: %d KiB after 2 s, %d KiB after %d s, %d KiB after %d s\n", v[2], v[int(n / 2)], int(n / 2), v[n], n }' "$tmp/c.err"

echo "== 4. the real tool: seqwrite 8 MiB x 10 passes (21 M accesses)"
if [ -d "$build/vglib" ]; then
   vg=${VALGRIND:-valgrind}; [ -x "$build/valgrind" ] && vg=$build/valgrind
   for v in no "$build/pervert-dump --count" "$view --size=1920x1080 --screenshot=$tmp/s.png"; do
      t0=$(date +%s.%N)
      VALGRIND_LIB=$build/vglib PERVERT_BINDIR=$build "$vg" --tool=pervert --viewer="$v" \
         "$build/demos/seqwrite" 8388608 10 > /dev/null 2> "$tmp/vg.err"
      t1=$(date +%s.%N)
      printf "   --viewer=%-40s %.2f s   %s\n" "$(echo "$v" | sed "s|$build/||; s| --screenshot.*| (headless)|")" \
         "$(echo "$t1 - $t0" | bc)" "$(grep -o 'ring: .*dropped' "$tmp/vg.err")"
   done
else
   echo "   (the tool is not built)"
fi
