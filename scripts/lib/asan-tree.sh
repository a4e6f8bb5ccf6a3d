# Sourced by scripts/test-sanitizers.sh and scripts/fuzz.sh (which set $here).
# build-asan/ is the one tree for AddressSanitizer + UndefinedBehaviorSanitizer: Debian's clang,
# every library, test and the sanfang binary built with ASan and UBSan and instrumented for
# coverage (-DSANFANG_FUZZ=ON), so the whole test suite and the libFuzzer targets share their
# objects and the sanitizer run and the fuzzing cost one build, not two.
asan_tree="$here/build-asan"

# Sanitizer trees are built at -O1 with line tables only: reports still name file and line, and
# the build takes about half the time of -O2 with full debug information.
sanitizer_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only")

asan_tree_configure() {
  CC=clang CXX=clang++ cmake -S "$here" -B "$asan_tree" -G Ninja "${sanitizer_flags[@]}" \
    -DSANFANG_FUZZ=ON >/dev/null
}

# Leaks are findings, except the caches fontconfig, glib and Pango keep for the whole process.
asan_tree_environment() {
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=0:allocator_may_return_null=1"
  export LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
}
