# xkeys.sh -- sourced by the tests that drive a real window under Xvfb
# (regtest/viewer, regtest/replay, regtest/sites).
#   build_xpoke OUT      build xpoke.c (synthetic X key presses) to OUT, once;
#                        fails when libX11/libXtst are missing
#   wait_log N PATTERN   wait until the file $log has N lines matching
#                        PATTERN (at most ${wait_s:-60} s); on a timeout it
#                        says so in $timeout_out and fails
xkeys_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

build_xpoke() {
   [ -x "$1" ] || ${CC:-gcc} -O1 -Wall -o "$1" "$xkeys_dir/xpoke.c" -lX11 -l:libXtst.so.6 \
      > "$1.log" 2>&1
}

wait_log() {
   local i
   for i in $(seq $(( ${wait_s:-60} * 10 ))); do
      [ "$(grep -c -- "$2" "$log")" -ge "$1" ] && return 0
      sleep 0.1
   done
   echo "timed out waiting for $1 x '$2'" >> "$timeout_out"
   return 1
}
