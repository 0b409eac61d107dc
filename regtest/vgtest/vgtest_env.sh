# shellcheck shell=bash
# vgtest_env.sh -- sourced by vg_regtest and the helper scripts.
#
# clean_exec [NAME=VALUE...] COMMAND [ARG...]
#   exec COMMAND with a clean, fixed environment: PATH, HOME, LC_ALL=C,
#   TMPDIR=$T, then the NAME=VALUE pairs.  Everything a test compares
#   between two runs (pervert's trace and lackey's) depends on the client's
#   stack layout, which depends on the environment's size and order: both
#   runs go through here so that only what the test chooses differs.
clean_exec() {
   exec env -i PATH="${VGTEST_PATH:-$PATH}" HOME="${VGTEST_HOME:-/root}" LC_ALL=C \
        TMPDIR="${T:-/tmp}" "$@"
}

# pervert_preload_pad: as many spaces as the path of pervert's preload that
# Valgrind puts into the client's LD_PRELOAD (vg-in-place: build/vglib).
# With --track-heap=no the tool blanks that path out with spaces; running
# lackey with LD_PRELOAD="$(pervert_preload_pad):" gives it the very same
# LD_PRELOAD string ("core.so:" + the spaces + ":"), as long as the pervert
# run had LD_PRELOAD set (empty) too, at the same place in the environment.
pervert_preload_pad() {
   local lib
   lib="$(cd "$(dirname "$VG")" && pwd)/build/vglib/vgpreload_pervert-${PLATFORM:-amd64-linux}.so"
   printf '%*s' "${#lib}" ''
}
