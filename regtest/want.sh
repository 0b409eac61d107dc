# regtest/want.sh -- sourced by the sub-suites (regtest/*/run.sh): which of
# their tests to run.  A suite's arguments are name patterns, kept in the
# array "patterns"; pv_want NAME is true when there are none or NAME
# contains one of them (regtest/run-tests passes none: every test runs).
pv_want() {
   [ ${#patterns[@]} -eq 0 ] && return 0
   local p
   for p in "${patterns[@]}"; do
      case $1 in *"$p"*) return 0 ;; esac
   done
   return 1
}
