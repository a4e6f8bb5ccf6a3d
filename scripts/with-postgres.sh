#!/usr/bin/env bash
# Runs COMMAND with a throwaway PostgreSQL cluster: Debian's pg_virtualenv -t starts one in a
# temporary folder (also as root), exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE, and removes
# it afterwards; SANFANG_TEST_PG_URL is the same as a libpq URI for the PostgreSQL store tests.
# A cluster that does not start fails the command.
#
#   scripts/with-postgres.sh COMMAND [ARG ...]
set -euo pipefail
exec pg_virtualenv -t sh -c '
  export SANFANG_TEST_PG_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
  exec "$@"' with-postgres "$@"
