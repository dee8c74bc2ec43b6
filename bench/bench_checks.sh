# SPDX-License-Identifier: Apache-2.0
# bench_checks.sh: what the bench scripts check before they measure. Sourced:
#
#   . "$(dirname "$0")/bench_checks.sh"
#   require_built "$build" "crashpoint minikv" "$crashpoint" "$minikv"
#   require_timing "$build"
#
# Each exits 2 with the reason, naming the script.

# The files BUILD must hold, and the targets that make them (for the hint).
require_built() {
  _build=$1 _targets=$2
  shift 2
  for _bin in "$@"; do
    if [ ! -x "$_bin" ]; then
      echo "$(basename "$0"): $_bin not found; build it first:" >&2
      echo "  cmake --build $_build --target $_targets" >&2
      exit 2
    fi
  done
}

# A warning unless BUILD is optimised; /usr/bin/time must be there.
require_timing() {
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$1/CMakeCache.txt" 2>/dev/null || true)
  case $build_type in
    Release | RelWithDebInfo) ;;
    *) echo "$(basename "$0"): warning: build type '$build_type' is not optimised" >&2 ;;
  esac
  if [ ! -x /usr/bin/time ]; then
    echo "$(basename "$0"): /usr/bin/time not found (apt-get install time)" >&2
    exit 2
  fi
}
