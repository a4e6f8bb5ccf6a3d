#!/usr/bin/env bash
# Soak test of `sanfang serve` on an already built tree (scripts/build.sh), loopback only:
#   1. seeds a data folder with `sanfang bench-seed` (SOAK_AGREEMENTS signed agreements, default
#      1000) and adds a college reviewer and an employer account;
#   2. starts the service on 127.0.0.1:SOAK_PORT (default 18181) and, through the API, brings
#      SOAK_REVIEWS students (default 3 per minute of the run) to an agreement in review:
#      import, first password change, source info filled in, submitted and verified, invitation
#      sent and accepted (three Argon2id password checks each, so this takes a while on a busy
#      machine);
#   3. runs wrk for MINUTES (default 10) with one process per kind of request, all at once:
#      logins, agreement lists, signed PDFs by serial, a verification page, and paced approvals
#      (college, then school, which signs) — scripts under scripts/soak/;
#   4. reports per kind requests, errors (non-2xx/3xx and socket errors), p50/p99/max latency and
#      rate; the server's RSS and open file descriptors at the start, every minute and at the
#      end; then stops everything it started and removes its folder.
# Exit status 0 only when no request failed and the service was still healthy at the end.
# Usage: scripts/soak.sh [MINUTES]   (needs wrk, curl and jq; run it under `nice` on a shared machine)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sanfang="$here/build/src/cli/sanfang"
minutes=${1:-10}
agreements=${SOAK_AGREEMENTS:-1000}
reviews=${SOAK_REVIEWS:-$((minutes * 3))}
port=${SOAK_PORT:-18181}
base="http://127.0.0.1:$port"

case "$minutes" in ''|*[!0-9]*|0) echo "soak: MINUTES must be a whole number of minutes, at least 1" >&2; exit 2 ;; esac
[ -x "$sanfang" ] || { echo "soak: $sanfang is missing; run scripts/build.sh first" >&2; exit 2; }
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is missing; run scripts/setup.sh" >&2; exit 2; }
done
if curl -s -o /dev/null "$base/healthz"; then
  echo "soak: something already answers on $base; set SOAK_PORT" >&2
  exit 2
fi

work=$(mktemp -d)
data="$work/data"
server=
loads=()
sampler=
cleanup() {
  for pid in "${loads[@]}" $sampler; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# "RSS MB, open fds" of the server process.
server_footprint() {
  local rss fds
  if [ ! -d "/proc/$server" ]; then echo "the server is not running"; return; fi
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status")
  fds=$(ls "/proc/$server/fd" | wc -l)
  echo "RSS $rss MB, $fds open fds"
}

# GB 11643: the resident ID of 17 digits with its ISO 7064 MOD 11-2 check character.
resident_id() {
  awk -v body="$1" 'BEGIN {
    split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", weight, " ")
    for (i = 1; i <= 17; i++) sum += substr(body, i, 1) * weight[i]
    printf "%s%s\n", body, substr("10X98765432", sum % 11 + 1, 1) }'
}

# api METHOD PATH TOKEN [JSON]: the response body; fails the script on a non-2xx answer.
api() {
  local args=(-sS --fail-with-body -X "$1" -H 'Expect:' -H "Authorization: Bearer $3")
  if [ $# -ge 4 ]; then args+=(-H 'Content-Type: application/json' --data-binary "$4"); fi
  curl "${args[@]}" "$base$2"
}

login() {
  curl -sS --fail-with-body -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/auth/login" | jq -r .token
}

echo "== soak: seeding $agreements signed agreements"
"$sanfang" bench-seed --data "$data" --agreements "$agreements" | tail -1
accounts="$data/bench-accounts.json"
"$sanfang" user add --data "$data" --role college --username soak-cs --password soak-college-1 --college CS >/dev/null
"$sanfang" user add --data "$data" --role employer --username soak-hr --password soak-employer-1 --employer-id 1 >/dev/null

"$sanfang" serve --data "$data" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 300); do curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$base/readyz" || { echo "soak: the service did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

school_password=$(jq -r '.accounts[] | select(.role == "school") | .password' "$accounts")
school=$(login school "$school_password")
college=$(login soak-cs soak-college-1)
employer=$(login soak-hr soak-employer-1)
content=$(jq -n '{job: {position: "软件开发工程师", location: "兰州市", salary: "月薪 8000 元，年终奖另计",
                        probation: "3 个月", contract_term: "3 年"},
                  archive: {unit: "甘肃省人才交流中心", address: "甘肃省兰州市城关区南昌路 1688 号", postcode: "730030"},
                  hukou: {address: "甘肃省兰州市安宁区"}, remarks: "无", employer_opinion: "同意录用。"}')

echo "== soak: bringing $reviews agreements to review through the API"
csv="student_no,name,id_number,gender,college_code,college_name,major,degree,graduation_year"
students=()
for i in $(seq 1 "$reviews"); do
  student_no=$(printf '2399%06d' "$i")
  birth=$(printf '2004%02d%02d' $(( (i / 28) % 12 + 1 )) $(( i % 28 + 1 )))
  id=$(resident_id "620102${birth}$(printf '%03d' $(( i % 1000 )))")
  gender=$([ $(( ${id:16:1} % 2 )) -eq 1 ] && echo 男 || echo 女)
  csv+=$'\n'"$student_no,浸泡测试$i,$id,$gender,CS,计算机与通信学院,软件工程,本科,2026"
  students+=("$student_no:$id:$birth")
done
imported=$(curl -sS --fail-with-body -H 'Expect:' -H "Authorization: Bearer $school" -H 'Content-Type: text/csv' \
  --data-binary "$csv" "$base/api/v1/admin/students/import")
[ "$(jq '.errors | length' <<<"$imported")" = 0 ] || { echo "soak: student import failed: $imported" >&2; exit 1; }

review_ids=()
for entry in "${students[@]}"; do
  IFS=: read -r student_no id birth <<<"$entry"
  token=$(login "$student_no" "${id: -6}")
  api POST /api/v1/auth/password "$token" "{\"old_password\":\"${id: -6}\",\"new_password\":\"soak-student-1\"}" >/dev/null
  version=$(api GET "/api/v1/students/$student_no/source-info" "$token" | jq .version)
  sections=$(jq -n --arg no "$student_no" --arg birth "${birth:0:4}-${birth:4:2}-${birth:6:2}" --argjson version "$version" \
    '{basic: {ethnicity: "01", political_status: "03", birth_date: $birth},
      contact: {mobile: "13912345678", email: ($no + "@stu.example.edu.cn"), home_address: "甘肃省兰州市城关区东岗西路100号"},
      enrolment: {education_level: "21", length_of_schooling: "四年", training_mode: "1"},
      archive: {origin_region: "620100"}, version: $version}')
  api PUT "/api/v1/students/$student_no/source-info" "$token" "$sections" >/dev/null
  api POST "/api/v1/students/$student_no/source-info/submit" "$token" '{}' >/dev/null
  api POST "/api/v1/students/$student_no/source-info/review" "$college" '{"decision":"approve"}' >/dev/null
  agreement=$(api POST /api/v1/agreements "$employer" "$(jq -n --arg no "$student_no" --argjson content "$content" \
    '{student_no: $no, content: $content}')" | jq .id)
  api POST "/api/v1/agreements/$agreement/send" "$employer" '{}' >/dev/null
  version=$(api GET "/api/v1/agreements/$agreement" "$token" | jq .version)
  api POST "/api/v1/agreements/$agreement/accept" "$token" "{\"version\": $version}" >/dev/null
  review_ids+=("$agreement")
  if [ $(( ${#review_ids[@]} % 10 )) -eq 0 ]; then echo "   ${#review_ids[@]}/$reviews in review"; fi
done

serials=$(api GET '/api/v1/agreements?state=signed&limit=200' "$school" | jq -r '[.items[].serial] | join(",")')
params="$work/soak.params"
{
  echo "school_username=school"
  echo "school_password=$school_password"
  echo "school_token=$school"
  echo "college_token=$college"
  echo "portal_key=$(jq -r '.accounts[] | select(.role == "portal") | .api_key' "$accounts")"
  echo "verification_path=$(jq -r .first_verification_path "$accounts")"
  echo "agreements=$agreements"
  echo "serials=$serials"
  echo "review_ids=$(IFS=,; echo "${review_ids[*]}")"
  echo "pace_ms=$(( minutes * 60000 / (reviews + 1) ))"
} >"$params"

echo "== soak: $minutes min of mixed load on $base (server pid $server)"
start_footprint=$(server_footprint)
echo "   start: $start_footprint"
# kind, connections
run_load() {
  SOAK_KIND=$1 SOAK_PARAMS="$params" SOAK_DIR="$here/scripts/soak" \
    timeout $(( minutes * 60 + 120 )) wrk -t1 -c"$2" -d"${minutes}m" --timeout 30s -s "$3" "$base" >"$work/wrk-$1.out" 2>&1
}
run_load login 1 "$here/scripts/soak/reads.lua" & loads+=($!)
run_load list 4 "$here/scripts/soak/reads.lua" & loads+=($!)
run_load pdf 4 "$here/scripts/soak/reads.lua" & loads+=($!)
run_load verify 4 "$here/scripts/soak/reads.lua" & loads+=($!)
run_load approve 1 "$here/scripts/soak/approvals.lua" & loads+=($!)
(
  for minute in $(seq 1 $(( minutes - 1 ))); do
    sleep 60
    echo "   minute $minute: $(server_footprint)"
  done
) & sampler=$!
load_failed=0
for pid in "${loads[@]}"; do wait "$pid" || load_failed=1; done
loads=()
wait "$sampler" 2>/dev/null || true
sampler=

end_footprint=$(server_footprint)
healthy=yes
curl -fsS -o /dev/null "$base/readyz" || healthy=no

echo "== soak results ($minutes min)"
printf '   %-8s %10s %8s %9s %9s %9s %9s\n' kind requests errors "p50 ms" "p99 ms" "max ms" "req/s"
total_requests=0
total_errors=0
for kind in login list pdf verify approve; do
  result=$(grep '^RESULT ' "$work/wrk-$kind.out" || true)
  if [ -z "$result" ]; then
    echo "   $kind: wrk gave no result:"; sed 's/^/     /' "$work/wrk-$kind.out"; load_failed=1; continue
  fi
  read -r _ _ requests errors p50 p99 max rate <<<"$result"
  printf '   %-8s %10d %8d %9s %9s %9s %9s\n' "$kind" "$requests" "$errors" "$p50" "$p99" "$max" "$rate"
  total_requests=$(( total_requests + requests ))
  total_errors=$(( total_errors + errors ))
  grep '^FIRST-ERROR ' "$work/wrk-$kind.out" | sed 's/^FIRST-ERROR /     first error: /' || true
done
signed=$(grep -h '^SIGNED ' "$work/wrk-approve.out" | awk '{ print $2 }')
echo "   total: $total_requests requests, $total_errors errors; $signed of ${#review_ids[@]} agreements signed by approvals"
echo "   server at start: $start_footprint"
echo "   server at end:   $end_footprint"
echo "   service healthy at the end: $healthy"
if [ "$total_errors" -ne 0 ] || [ "$load_failed" -ne 0 ] || [ "$healthy" != yes ]; then exit 1; fi
