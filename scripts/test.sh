#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (Catch2 through CTest).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
"$here/scripts/build.sh"
# Everything runs with a PostgreSQL available (a throwaway cluster: scripts/with-postgres.sh).
"$here/scripts/with-postgres.sh" ctest --test-dir "$here/build" --output-on-failure -j"$(nproc)"
