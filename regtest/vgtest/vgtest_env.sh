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
