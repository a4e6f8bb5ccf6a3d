#!/usr/bin/env bash
# Print-room benchmarks, on an already built tree (scripts/build.sh):
#   1. `sanfang batch` of N signed agreements (default 10,000; and 1,000 to compare peak memory),
#      into parts on every core (-o DIR/) and into one file on one core (-o FILE.pdf);
#   2. wrk against a running service: a cached signed PDF by serial (portal key, keep-alive) and
#      the verification page of a QR code.
# Usage: scripts/bench-print.sh [N]   (needs wrk; the data folders go to a temporary directory)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sanfang="$here/build/src/cli/sanfang"
count=${1:-10000}
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The value of "key" in bench-accounts.json for the account of role $2 (or top level when empty).
account_field() {
  awk -v key="\"$1\":" -v role="$2" '
    $1 == key { value = $2; gsub(/[",]/, "", value) }
    role != "" && $1 == "\"role\":" && $2 ~ "\"" role "\"" { print value; exit }
    role == "" && $1 == key { print value; exit }' "$3"
}

for n in 1000 "$count"; do
  echo "== sanfang batch: $n agreements"
  "$sanfang" bench-seed --data "$work/seed-$n" --agreements "$n" | tail -1
  echo "-- in parts on every core (-o DIR/)"
  /usr/bin/time -f "   elapsed %e s, peak RSS %M KB, CPU %P" \
    "$sanfang" batch --data "$work/seed-$n" -o "$work/parts-$n/" 2>&1 | grep -v '^batch #' || true
  echo "-- one file on one core (-o FILE.pdf; every copy now a reprint)"
  /usr/bin/time -f "   elapsed %e s, peak RSS %M KB, CPU %P" \
    "$sanfang" batch --data "$work/seed-$n" -o "$work/batch-$n.pdf" 2>&1 | grep -v '^batch #' || true
done

echo "== wrk: cached signed PDF and verification page"
data="$work/seed-1000"
accounts="$data/bench-accounts.json"
port=18080
"$sanfang" serve --data "$data" --listen 127.0.0.1:$port >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
key=$(account_field api_key portal "$accounts")
serial=$(account_field first_serial "" "$accounts")
verify=$(account_field first_verification_path "" "$accounts")
pdf_url="http://127.0.0.1:$port/api/v1/serials/$serial/pdf"
curl -fsS -o /dev/null -H "Authorization: Bearer $key" "$pdf_url"  # rendered once, then stored
echo "-- GET /api/v1/serials/$serial/pdf"
wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $key" "$pdf_url" | grep -E 'Requests/sec|Transfer|50%|99%|Non-2xx|Socket errors'
echo "-- GET $verify"
wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port$verify" | grep -E 'Requests/sec|Transfer|50%|99%|Non-2xx|Socket errors'
