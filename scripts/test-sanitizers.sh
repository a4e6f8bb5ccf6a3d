#!/usr/bin/env bash
# Sanitizer runs, with Debian's clang:
#   build-asan/  everything with AddressSanitizer + UndefinedBehaviorSanitizer (scripts/lib/asan-tree.sh,
#                shared with scripts/fuzz.sh); the whole test suite runs there (the sanfang binary
#                the CLI tests start is instrumented too).
#   build-tsan/  everything with ThreadSanitizer; the tests that run threads against each other
#                run there: the render pool and the verification recorder (jobs), the store's
#                concurrent connections (8 threads signing, concurrent claims of jobs and of
#                parts, lease take-over), and print jobs on the print runner's and render pool's
#                threads (`sanfang batch`, itself built with TSan: one file, and parts drawn side
#                by side on two render threads). The HTTP tests are not run under TSan: libpistache is
#                not instrumented and frees its peers and promise cores on whichever thread drops
#                the last reference, which TSan reports on every request (README "Fuzzing and
#                sanitizers").
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
. "$here/scripts/lib/asan-tree.sh"

for phase in "${phases[@]}"; do
  start=$SECONDS
  case "$phase" in
    asan)
      asan_tree_configure
      cmake --build "$asan_tree" -j"$jobs"
      ( asan_tree_environment; "$here/scripts/with-postgres.sh" ctest --test-dir "$asan_tree" --output-on-failure -j"$jobs" )
      ;;
    tsan)
      CC=clang CXX=clang++ cmake -S "$here" -B "$here/build-tsan" -G Ninja "${sanitizer_flags[@]}" \
        -DSANFANG_SANITIZE=thread >/dev/null
      cmake --build "$here/build-tsan" -j"$jobs" --target jobs_tests store_contract_tests cli_tests
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tests/sanitizers/tsan.supp"
      # GLib 2.74's slice allocator hands blocks between threads' magazines under GMutex (a futex
      # TSan cannot see); plain malloc, which TSan intercepts, keeps Pango's allocations visible.
      export G_SLICE=always-malloc
      ctest --test-dir "$here/build-tsan" --output-on-failure -j"$jobs" \
        -R '^jobs\.|^store\.contract\.(8 threads|8 idle runners|two concurrent|runners on their own)|^cli\.bench-seed makes signed agreements and batch prints|^cli\.batch into a folder|^cli\.bench draws distinct agreements'
      ;;
    *)
      echo "test-sanitizers: unknown phase $phase (asan or tsan)" >&2
      exit 2
      ;;
  esac
  echo "test-sanitizers: $phase passed in $((SECONDS - start))s"
done
