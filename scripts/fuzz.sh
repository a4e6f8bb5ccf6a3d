#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, coverage
# instrumented) into build-fuzz/ and runs each for SECONDS (default 60), starting from its seed
# corpus in tests/fuzz/corpus/<target>/. Inputs that find new coverage collect in
# build-fuzz/corpus/<target>/ (the committed seeds are never changed). A crash, a sanitizer report,
# a broken promise (fuzz::require) or a hang fails the run; the input that caused it is saved as
# build-fuzz/findings/<target>-crash-… (replay: build-fuzz/tests/fuzz/<target> FILE).
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true

"$here/scripts/setup.sh"

build="$here/build-fuzz"
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSANFANG_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$here/tests/fuzz" && ls fuzz_*.cpp | grep -v '^fuzz_support' | sed 's/\.cpp$//')
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

mkdir -p "$build/findings"
# Leaks are findings too, except the caches that fontconfig, glib and Pango keep for the process.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

failed=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  # -timeout: one input taking this long is a hang. An import creates an account per line, with an
  # Argon2id password hash each, so its inputs are kept short.
  if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=3072 \
      -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
      "$corpus" "$here/tests/fuzz/corpus/$target" >"$build/findings/$target.log" 2>&1; then
    failed+=("$target")
    tail -n 60 "$build/findings/$target.log" >&2
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$build/findings/$target.log" || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no findings"
