#!/usr/bin/env bash
# Several instances against one (issue "Several instances on PostgreSQL"), on a built tree
# (scripts/build.sh; needs wrk, nginx, jq). Five set-ups, each measured BENCH_RUNS times (default
# 3), medians printed as a table:
#   SQLite, 1 instance, direct and through nginx;
#   PostgreSQL (a throwaway server), 1 instance, direct and through nginx; 3 instances through nginx.
# Per set-up: signed-PDF downloads/s (GET /api/v1/serials/{serial}/pdf, portal key) and
# verification pages/s (GET /V/{token}) with wrk (BENCH_SECONDS, default 10, 16 keep-alive
# connections), and approvals/s: `cluster_bench approve` gives the school's final approval
# (which signs and renders the PDF) to BENCH_APPROVALS (default 60) distinct agreements over 6
# connections, timed end to end. The stores are seeded by `cluster_bench seed` through the use
# cases: one signed agreement and enough agreements waiting for the school for every run.
# Last, a print job of BENCH_PRINT (default 10000; 0 skips it) signed agreements made by
# `sanfang bench-seed`, printed by `sanfang batch` on SQLite and on PostgreSQL (elapsed, peak RSS).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib/cluster.sh"
bench="$here/build/tests/cluster/cluster_bench"
cluster_need wrk nginx jq curl
[ -x "$bench" ] || { echo "$0: build first: no $bench" >&2; exit 1; }
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-10}
approvals=${BENCH_APPROVALS:-60}
print_count=${BENCH_PRINT:-10000}
proxy_port=18090
ports=(18091 18092 18093)
proxy="http://127.0.0.1:$proxy_port"

work=$(mktemp -d /tmp/sanfang-bench-cluster.XXXXXX)
cleanup() {
  trap - EXIT INT TERM
  cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# wrk_rate URL [HEADER]: requests per second; non-2xx answers or socket errors stop the benchmark.
wrk_rate() {
  local out
  out=$(wrk -t2 -c16 -d"${seconds}s" ${2:+-H "$2"} "$1")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "$0: failed requests to $1:" >&2
    echo "$out" >&2
    # What one request answers now, and what the proxy and the instances logged.
    curl -s -o /dev/null -w 'one request now: HTTP %{http_code}\n' ${2:+-H "$2"} "$1" >&2 || true
    tail -n 5 "$work"/nginx/error.log "$work"/instance-*.log >&2 2>/dev/null || true
    exit 1
  fi
  awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

# measure LABEL BASE SEED_JSON: one table row; takes the next unused waiting agreements of the seed.
declare -A next_waiting
rows=()
measure() {
  local label=$1 base=$2 seed=$3 pdf=() verify=() approve=() run serial key path token from ids
  serial=$(jq -r '.signed[0].serial' "$seed")
  key=$(jq -r '.portal_key' "$seed")
  path=$(jq -r '.signed[0].verify_path' "$seed")
  token=$(jq -r '.school_token' "$seed")
  curl -fsS -o /dev/null -H "Authorization: Bearer $key" "$base/api/v1/serials/$serial/pdf"  # warm the blob cache
  for run in $(seq "$runs"); do
    pdf+=("$(wrk_rate "$base/api/v1/serials/$serial/pdf" "Authorization: Bearer $key")")
    verify+=("$(wrk_rate "$base$path")")
    from=${next_waiting[$seed]:-0}
    ids=$(jq -r --argjson from "$from" --argjson n "$approvals" '.awaiting[$from:$from + $n] | join(",")' "$seed")
    next_waiting[$seed]=$((from + approvals))
    approve+=("$("$bench" approve --base "$base" --token "$token" --ids "$ids" --connections 6 | awk '{ print $NF }')")
  done
  rows+=("$(printf '%-34s %10s %10s %10s' "$label" "$(printf '%s\n' "${pdf[@]}" | median)" \
    "$(printf '%s\n' "${verify[@]}" | median)" "$(printf '%s\n' "${approve[@]}" | median)")")
  echo "  done: $label" >&2
}

serve() {  # serve PORT ARG...: one instance, healthy on return
  local port=$1
  shift
  cluster_start_instance "$work/instance-$port.log" "$@" --listen "127.0.0.1:$port"
  cluster_wait_for "http://127.0.0.1:$port/readyz" "$cluster_last_pid"
}

proxy_over() {  # nginx on $proxy_port over the given ports, healthy on return
  rm -rf "$work/nginx"
  cluster_start_proxy "$work/nginx" "$proxy_port" "$@"
  cluster_wait_for "$proxy/healthz" "$cluster_last_pid"
}

echo "$(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
waiting_sqlite=$((2 * runs * approvals))
waiting_pg=$((3 * runs * approvals))
echo "seeding SQLite ($waiting_sqlite waiting) and PostgreSQL ($waiting_pg waiting)" >&2
pg_port=55433
cluster_start_postgres "$work/postgresql" "$pg_port"
"$bench" seed --data "$work/sqlite" --signed 1 --awaiting "$waiting_sqlite" --public-base "$proxy" -o "$work/sqlite.json"
"$bench" seed --data "$work/secrets" --db "$cluster_db_url" --signed 1 --awaiting "$waiting_pg" --public-base "$proxy" \
  -o "$work/pg.json"
echo '{"trusted_proxies": ["127.0.0.1"]}' >"$work/config.json"

serve "${ports[0]}" --data "$work/sqlite" --config "$work/config.json"
proxy_over "${ports[0]}"
measure "SQLite, 1 instance, direct" "http://127.0.0.1:${ports[0]}" "$work/sqlite.json"
measure "SQLite, 1 instance, nginx" "$proxy" "$work/sqlite.json"
for pid in "${cluster_pids[@]}"; do cluster_stop_pid "$pid"; done
cluster_pids=()

serve "${ports[0]}" --db "$cluster_db_url" --data "$work/secrets" --config "$work/config.json"
proxy_over "${ports[0]}"
measure "PostgreSQL, 1 instance, direct" "http://127.0.0.1:${ports[0]}" "$work/pg.json"
measure "PostgreSQL, 1 instance, nginx" "$proxy" "$work/pg.json"
cluster_stop_pid "${cluster_pids[-1]}"
unset 'cluster_pids[-1]'
for port in "${ports[@]:1}"; do serve "$port" --db "$cluster_db_url" --data "$work/secrets" --config "$work/config.json"; done
proxy_over "${ports[@]}"
measure "PostgreSQL, 3 instances, nginx" "$proxy" "$work/pg.json"

for pid in "${cluster_pids[@]}"; do cluster_stop_pid "$pid"; done
cluster_pids=()
printf '%-34s %10s %10s %10s\n' "medians of $runs runs" "PDF/s" "verify/s" "approve/s"
printf '%s\n' "${rows[@]}"

# print_job LABEL DATA [--db URL]: a table row for `sanfang batch` of the whole seeded store.
print_rows=()
print_job() {
  local label=$1 data=$2 timing
  shift 2
  "$sanfang" bench-seed --data "$data" "$@" --agreements "$print_count" >/dev/null
  /usr/bin/time -o "$work/print.time" -f '%e %M' "$sanfang" batch --data "$data" "$@" -o "$work/print.pdf" \
    >/dev/null 2>&1
  timing=$(tail -1 "$work/print.time")
  print_rows+=("$(printf '%-34s %10s %10s' "$label" "${timing% *}" "$(( ${timing#* } / 1024 ))")")
  rm -f "$work/print.pdf"
  echo "  done: $label" >&2
}
if [ "$print_count" -gt 0 ]; then
  "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/createdb" -h 127.0.0.1 -p "$pg_port" -U sanfang print_job
  print_job "SQLite, $print_count agreements" "$work/print-sqlite"
  print_job "PostgreSQL, $print_count agreements" "$work/print-pg" --db "${cluster_db_url%/*}/print_job"
fi

echo "$(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "$print_count" -gt 0 ]; then
  printf '%-34s %10s %10s\n' "print job (sanfang batch)" "seconds" "peak MB"
  printf '%s\n' "${print_rows[@]}"
fi
