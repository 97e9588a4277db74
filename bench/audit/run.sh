#!/usr/bin/env bash
# Benchmark of audited PHI reads: group commit through the API against
# pgbench running the same SQL with one durable commit per read.
#
# In one run, on one private PostgreSQL cluster with durable settings
# (fsync and synchronous_commit on, the defaults):
#   1. wrk sends GET /api/patients/{id}/records as the treating clinician over
#      CONNECTIONS keep-alive HTTPS connections; every response waits for its
#      audit event to be committed (group commit, src/audit/writer.cpp).
#   2. pgbench runs bench/audit/read_with_audit.sql, the same statements with
#      the audit event appended in the read's own transaction, from the same
#      number of clients.
#   3. VERIFY_EVENTS more events are appended to a chain of their own, hashed
#      by SQL exactly as the server hashes them, and `telehealth audit verify`
#      checks every chain, the pgbench one included.
# It prints requests per second and latency percentiles side by side, and the
# verification speed in events per second.
#
# Usage: bash bench/audit/run.sh   (as root, after scripts/deps.sh has run once)
# Settings: BENCH_SECONDS=20 BENCH_CONNECTIONS=64 BENCH_VERIFY_EVENTS=1000000
#           BENCH_PG_PORT=54390 BENCH_SERVER_PORT=8490
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../..

checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$checkout"

source scripts/lib/common.sh
source scripts/lib/tls.sh
source scripts/lib/postgres.sh
source scripts/lib/server.sh

seconds=${BENCH_SECONDS:-20}
connections=${BENCH_CONNECTIONS:-64}
verify_events=${BENCH_VERIFY_EVENTS:-1000000}
pg_port=${BENCH_PG_PORT:-54390}
server_port=${BENCH_SERVER_PORT:-8490}

run_dir=$checkout/.run
tls_dir=$run_dir/tls
pg_dir=$run_dir/bench-pg
bench_dir=$run_dir/bench
config_file=$bench_dir/telehealth.json
server_log=$bench_dir/server.log
server_url=https://localhost:$server_port
binary=$(server_binary_path "$checkout")
SERVER_PID=

stop_services() {
  local status=$?
  trap - EXIT
  server_stop "$SERVER_PID" || true
  pg_stop_cluster "$pg_dir" || true
  exit "$status"
}

command -v wrk >/dev/null || apt-get install -y --no-install-recommends wrk >/dev/null
[[ -d tests/api/node_modules ]] || (cd tests/api && npm ci --no-audit --no-fund >/dev/null)

announce "Building"
server_build "$checkout" >/dev/null

announce "Starting PostgreSQL and the server"
trap stop_services EXIT
tls_ensure_certificate "$tls_dir"
pg_start_cluster "$pg_dir" "$pg_port" "$tls_dir"
pg_reset_databases "$pg_dir"
server_migrate "$checkout" "$pg_dir/secrets/owner.dsn" >/dev/null
rm -rf "$bench_dir"
mkdir -p "$bench_dir"
# No coturn: the benchmark reads records and never requests TURN credentials.
random_hex 32 | write_private_file "$bench_dir/turn-secret"
server_write_config "$config_file" "$server_port" "$pg_dir/secrets/app.dsn" \
  "$bench_dir/keyring.json" 3478 "$bench_dir/turn-secret" "$tls_dir" "$checkout/web/dist" \
  '{"requests_per_minute": 0, "sign_in_per_minute": 0}'
server_start_background "$checkout" "$config_file" "$server_log"
server_wait_until_healthy "$server_url/api/health" "$SERVER_PID" "$server_log"

announce "Seeding a clinician, a patient, an appointment and a note"
superuser_dsn=$(cat "$pg_dir/secrets/superuser.dsn")
seed=$(TELEHEALTH_URL=$server_url TELEHEALTH_CONFIG=$config_file TELEHEALTH_BINARY=$binary \
  TELEHEALTH_TEST_ADMIN_DSN=$superuser_dsn NODE_EXTRA_CA_CERTS=$tls_dir/server.crt \
  node bench/audit/seed.mjs)
field() { node -e 'process.stdout.write(JSON.parse(process.argv[1])[process.argv[2]])' "$seed" "$1"; }
patient=$(field patient_id)
clinician=$(field clinician_id)

# The chain encoding of src/audit/chain.cpp, for the pgbench script's chain.
pg_superuser_psql "$pg_dir" telehealth <<'SQL' >/dev/null
CREATE FUNCTION bench_audit_field(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '-;'
              ELSE octet_length(convert_to(value, 'UTF8')) || ':' || value || ';' END
$$;
GRANT EXECUTE ON FUNCTION bench_audit_field(text) TO telehealth_app;
SQL

url=$server_url/api/patients/$patient/records
cookie="Cookie: __Host-session=$(field session_token)"
status=$(curl -ks -o /dev/null -w '%{http_code}' -H "$cookie" "$url")
[[ $status == 200 ]] || die "the seeded clinician cannot read the record (HTTP $status)"

announce "API: $connections connections for ${seconds}s (wrk, after a 3 s warm-up)"
wrk -t2 -c"$connections" -d3s -H "$cookie" "$url" >/dev/null
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "$cookie" "$url" | tee "$bench_dir/wrk.txt"
non_2xx=$(awk '/Non-2xx/ {print $5}' "$bench_dir/wrk.txt")
[[ -z $non_2xx ]] || die "the API returned an error for $non_2xx requests; see $server_log"

announce "pgbench: the same SQL, one durable commit per read, $connections clients"
app_env=$(node -e '
  const dsn = process.argv[1];
  const map = {host: "PGHOST", port: "PGPORT", dbname: "PGDATABASE", user: "PGUSER",
               password: "PGPASSWORD", sslmode: "PGSSLMODE"};
  for (const m of dsn.matchAll(/([a-z_]+)=(?:\x27((?:[^\x27\\]|\\.)*)\x27|(\S*))/g)) {
    if (map[m[1]]) console.log(`${map[m[1]]}=${(m[2] ?? m[3]).replace(/\\(.)/g, "$1")}`);
  }' "$(cat "$pg_dir/secrets/app.dsn")")
rm -f "$bench_dir"/pgbench_log.*
(
  cd "$bench_dir"
  # shellcheck disable=SC2046 # one PG* assignment per line, no spaces inside
  env $(echo "$app_env" | tr '\n' ' ') "$PG_BIN/pgbench" -n -M prepared -c "$connections" -j 2 \
    -T "$seconds" -f "$checkout/bench/audit/read_with_audit.sql" \
    -D token_hash="$(field token_hash)" -D clinician="$clinician" -D patient="$patient" \
    -l --log-prefix=pgbench_log
) | tee "$bench_dir/pgbench.txt"

announce "Generating $verify_events events for the verify benchmark"
pg_superuser_psql "$pg_dir" telehealth -v events="$verify_events" \
  -f "$checkout/bench/audit/generate_chain.sql" >/dev/null

announce "telehealth audit verify"
"$binary" --config "$config_file" audit verify | tee "$bench_dir/verify.txt"
events=$(pg_superuser_psql "$pg_dir" telehealth -At -c 'SELECT count(*) FROM audit_events')
api_rps=$(awk '/Requests\/sec/ {print $2}' "$bench_dir/wrk.txt")
api_p50=$(awk '$1 == "50%" {print $2}' "$bench_dir/wrk.txt")
api_p99=$(awk '$1 == "99%" {print $2}' "$bench_dir/wrk.txt")
pg_tps=$(awk '/^tps = / {print $3}' "$bench_dir/pgbench.txt")
# pgbench logs one line per transaction; the third field is its latency in us.
read -r pg_p50 pg_p99 < <(cat "$bench_dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk '
  {v[NR] = $1} END {printf "%.2fms %.2fms\n", v[int(NR * 0.50)] / 1000, v[int(NR * 0.99)] / 1000}')

announce "Results ($connections connections, ${seconds}s each, $(nproc) cores)"
printf '%-44s %12s %10s %10s\n' "" "per second" "p50" "p99"
printf '%-44s %12s %10s %10s\n' "API reads, durable audit (group commit)" "$api_rps" "$api_p50" "$api_p99"
printf '%-44s %12s %10s %10s\n' "pgbench, same SQL, commit per read" "$pg_tps" "$pg_p50" "$pg_p99"
awk -v api="$api_rps" -v pg="$pg_tps" \
  'BEGIN {printf "API / pgbench: %.2fx (target: at least 1.5x)\n", api / pg}'
# verify prints "speed: T s in total, R events/s; hashing H s, S events/s on one core".
grep '^speed:' "$bench_dir/verify.txt" | sed "s/^speed:/audit verify, $events events:/"
