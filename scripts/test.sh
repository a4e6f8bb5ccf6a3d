#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (Catch2 through CTest).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
"$here/scripts/build.sh"
# Everything runs with a PostgreSQL available: Debian's pg_virtualenv -t starts a throwaway cluster
# in a temporary folder (also as root), exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE for
# the command and removes the cluster afterwards. A cluster that does not start fails this script.
pg_virtualenv -t sh -c '
  export SANFANG_TEST_PG_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
  exec ctest --test-dir "$1" --output-on-failure -j"$(nproc)"' test-in-cluster "$here/build"
