# Sourced by scripts/cluster.sh and scripts/bench-cluster.sh (which set $here): a throwaway
# PostgreSQL server, `sanfang serve` instances and nginx (scripts/lib/proxy-config.sh), all on
# loopback under one work folder, and stopping them again. Every started process is remembered
# in cluster_pids; cluster_stop ends them (instances with SIGTERM, as systemd does) and the server.
sanfang="$here/build/src/cli/sanfang"
cluster_pids=()
cluster_pg_data=

cluster_need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
  done
  [ -x "$sanfang" ] || { echo "$0: build first (scripts/build.sh): no $sanfang" >&2; exit 1; }
}

# Polls URL until it answers 2xx; fails after 60 s or when process $2 has exited.
cluster_wait_for() {
  local url=$1 pid=$2
  for _ in $(seq 600); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$0: the process for $url exited" >&2; return 1; }
    sleep 0.1
  done
  echo "$0: $url did not answer" >&2
  return 1
}

# cluster_start_postgres DIR PORT: a new server in DIR on 127.0.0.1:PORT (trust authentication, for
# loopback only), with database and superuser `sanfang`; sets cluster_db_url. initdb refuses to
# run as root, so root runs the server as the postgres user.
cluster_start_postgres() {
  local dir=$1 port=$2 bin as_owner=()
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$(dirname "$dir")"
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
  fi
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U sanfang --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c max_connections=200" start >/dev/null
  cluster_pg_data="$dir/data"
  cluster_pg_stop=("${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop)
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U sanfang sanfang
  cluster_db_url="postgresql://sanfang@127.0.0.1:$port/sanfang"
}

# cluster_start_instance LOG ARG...: `sanfang serve ARG...` in the background, stderr to LOG.
cluster_start_instance() {
  local log=$1
  shift
  "$sanfang" serve "$@" >/dev/null 2>"$log" &
  cluster_pids+=($!)
  cluster_last_pid=$!
}

# cluster_start_proxy DIR LISTEN_PORT UPSTREAM_PORT...: nginx with the deploy configuration.
cluster_start_proxy() {
  local dir=$1
  mkdir -p "$dir"
  "$here/scripts/lib/proxy-config.sh" "$@"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  cluster_pids+=($!)
  cluster_last_pid=$!
}

# Stops one process started above (SIGTERM, then waits for it).
cluster_stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

cluster_stop() {
  local pid
  for pid in "${cluster_pids[@]}"; do cluster_stop_pid "$pid"; done
  cluster_pids=()
  if [ -n "$cluster_pg_data" ]; then "${cluster_pg_stop[@]}" >/dev/null 2>&1 || true; fi
  cluster_pg_data=
}
