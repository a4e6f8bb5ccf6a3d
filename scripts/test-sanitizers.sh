#!/usr/bin/env bash
# Sanitizer runs, with g++:
#   build-asan/  everything with AddressSanitizer + UndefinedBehaviorSanitizer; the whole test
#                suite runs there (the sanfang binary the CLI tests start is instrumented too).
#   build-tsan/  everything with ThreadSanitizer; the tests that run threads against each other
#                run there: the render pool and the verification recorder (jobs), the store's
#                concurrent connections, concurrent approvals over HTTP, and print jobs on the
#                print runner's threads.
# Any report stops the test that made it, so it fails. Leaks are reported except the caches
# fontconfig, glib and Pango keep for the whole process (tests/sanitizers/lsan.supp);
# tests/sanitizers/tsan.supp only silences races inside uninstrumented system libraries.
#
#   scripts/test-sanitizers.sh [asan|tsan]...   (default: both)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(asan tsan)
jobs=$(nproc)

"$here/scripts/setup.sh"

configure_and_build() {
  local dir=$1 sanitizers=$2
  shift 2
  cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANFANG_SANITIZE="$sanitizers" >/dev/null
  cmake --build "$dir" -j"$jobs" "$@"
}

for phase in "${phases[@]}"; do
  start=$SECONDS
  case "$phase" in
    asan)
      configure_and_build "$here/build-asan" address,undefined
      ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1" \
      LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0" \
      UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
        ctest --test-dir "$here/build-asan" --output-on-failure -j"$jobs"
      ;;
    tsan)
      configure_and_build "$here/build-tsan" thread --target jobs_tests store_tests api_tests api_print_tests
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tests/sanitizers/tsan.supp"
      ctest --test-dir "$here/build-tsan" --output-on-failure -j"$jobs" \
        -R '^jobs\.|^store\.(8 threads|two concurrent|a stale version)|^api\..*concurrent|^api\..*print job'
      ;;
    *)
      echo "test-sanitizers: unknown phase $phase (asan or tsan)" >&2
      exit 2
      ;;
  esac
  echo "test-sanitizers: $phase passed in $((SECONDS - start))s"
done
