#!/usr/bin/env bash
# Several instances on one PostgreSQL database behind nginx, on this machine, until Ctrl-C
# (issue "Several instances on PostgreSQL"; on a built tree: scripts/build.sh):
#   - a throwaway PostgreSQL server (CLUSTER_PG_PORT, default 55432) in a temporary folder;
#   - the demo data (`sanfang demo --no-serve --db`) loaded into it, which also makes the secrets
#     (verification.key, wechat.secret) in the one data folder every instance shares;
#   - three `sanfang serve --db` instances on 127.0.0.1:8081-8083 (CLUSTER_PORTS);
#   - nginx on 127.0.0.1:8080 (CLUSTER_PROXY_PORT) with deploy/nginx/sanfang.conf, addresses
#     substituted (scripts/lib/proxy-config.sh).
# It prints the addresses and the demo accounts; Ctrl-C stops everything and removes the folder.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib/cluster.sh"
cluster_need nginx curl jq
proxy_port=${CLUSTER_PROXY_PORT:-8080}
read -r -a ports <<<"${CLUSTER_PORTS:-8081 8082 8083}"
pg_port=${CLUSTER_PG_PORT:-55432}
public_base="http://127.0.0.1:$proxy_port"

work=$(mktemp -d /tmp/sanfang-cluster.XXXXXX)
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "cluster: stopping"
  cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "cluster: PostgreSQL on 127.0.0.1:$pg_port"
cluster_start_postgres "$work/postgresql" "$pg_port"
secrets="$work/data"
echo "cluster: loading the demo data"
"$sanfang" demo --no-serve --db "$cluster_db_url" --data "$secrets" --public-base "$public_base" >"$work/demo.log"

# The instances trust the proxy's X-Forwarded-For (the verification log and rate limits see the
# real client) and print QR codes that lead to the proxy.
cat >"$work/config.json" <<JSON
{"trusted_proxies": ["127.0.0.1"], "public_base": "$public_base"}
JSON
for port in "${ports[@]}"; do
  cluster_start_instance "$work/instance-$port.log" --db "$cluster_db_url" --data "$secrets" \
    --config "$work/config.json" --listen "127.0.0.1:$port"
  cluster_wait_for "http://127.0.0.1:$port/readyz" "$cluster_last_pid"
done
cluster_start_proxy "$work/nginx" "$proxy_port" "${ports[@]}"
cluster_wait_for "$public_base/healthz" "$cluster_last_pid"

echo
echo "sanfang cluster: $public_base (nginx) -> ${ports[*]/#/127.0.0.1:}"
echo "  database:  $cluster_db_url"
echo "  secrets:   $secrets (verification.key, wechat.secret; shared by every instance)"
echo "  logs:      $work/instance-*.log, $work/nginx/error.log"
grep -E '^  (QR page|signed PDF)' "$work/demo.log" || true
echo "  accounts ($secrets/demo-accounts.json):"
jq -r '.accounts[] | "    \(.role)\t\(.username)\t\(.password // ("API key " + .api_key))\t\(.situation // "")"' \
  "$secrets/demo-accounts.json"
echo "  try:       curl -s $public_base/api/v1/auth/login -H 'Content-Type: application/json' \\"
echo "               -d '{\"username\":\"2022010102\",\"password\":\"demo-2022010102\"}'"
echo "Ctrl-C stops the cluster."
# Until Ctrl-C, or until one of the processes exits on its own.
wait -n "${cluster_pids[@]}" || true
echo "cluster: a process exited on its own; the end of its log:" >&2
tail -n 5 "$work"/instance-*.log "$work/nginx/error.log" >&2
exit 1
