#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets of tests/fuzz in the clang ASan + UBSan tree build-asan/
# (coverage instrumented; scripts/lib/asan-tree.sh) and runs each for SECONDS (default 60),
# starting from its seed corpus in tests/fuzz/corpus/<target>/. Inputs that find new coverage
# collect in build-asan/corpus/<target>/ (the committed seeds are never changed). A crash, a
# sanitizer report, a broken promise (fuzz::require) or a hang fails the run; the input that caused
# it is saved as build-asan/findings/<target>-crash-… (replay: build-asan/tests/fuzz/<target> FILE).
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true

"$here/scripts/setup.sh"
. "$here/scripts/lib/asan-tree.sh"

build="$asan_tree"
asan_tree_configure

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$here/tests/fuzz" && ls fuzz_*.cpp | grep -v '^fuzz_support' | sed 's/\.cpp$//')
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

mkdir -p "$build/findings"
asan_tree_environment

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
