#!/usr/bin/env bash
# Build everything and run every test suite: the web app's type check and unit
# tests, the C++ tests (CTest) against a private PostgreSQL cluster, and the API
# and browser tests against a running server with its own coturn.
#
# CI runs this through .ci/run. Run as root on Debian 12. Exits non-zero if any
# step fails. The build steps stop the run at once; the test suites all run and
# the failures are listed at the end.
#
# Ports (override through the environment to run two checkouts side by side):
#   TEST_PG_PORT=54340  TEST_TURN_PORT=3479  TEST_SERVER_PORT=8444
#   TEST_TURN_MIN_PORT=49201  TEST_TURN_MAX_PORT=49240
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/..

checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$checkout"

source scripts/lib/common.sh
source scripts/lib/tls.sh
source scripts/lib/postgres.sh
source scripts/lib/coturn.sh
source scripts/lib/server.sh

pg_port=${TEST_PG_PORT:-54340}
turn_port=${TEST_TURN_PORT:-3479}
turn_min_port=${TEST_TURN_MIN_PORT:-49201}
turn_max_port=${TEST_TURN_MAX_PORT:-49240}
server_port=${TEST_SERVER_PORT:-8444}

run_dir=$checkout/.run
tls_dir=$run_dir/tls
pg_dir=$run_dir/test-pg
coturn_dir=$run_dir/test-coturn
test_dir=$run_dir/test
config_file=$test_dir/telehealth.json
server_log=$test_dir/server.log
server_url=https://localhost:$server_port
binary=$(server_binary_path "$checkout")

# The suites sign in hundreds of invented users from 127.0.0.1 within a minute,
# so the shared test server's per-IP limits are raised. tests/api/rate_limit
# checks the defaults on a server of its own.
test_rate_limits='{"requests_per_minute": 100000, "requests_burst": 100000,
  "sign_in_per_minute": 100000, "sign_in_burst": 100000}'

SERVER_PID=
failed_suites=()
passed_suites=()

# Stop the server, coturn and the test cluster, whatever state the run is in.
stop_services() {
  local status=$?
  trap - EXIT
  echo
  server_stop "$SERVER_PID" || true
  coturn_stop "$coturn_dir" || true
  pg_stop_cluster "$pg_dir" || true
  exit "$status"
}

# Run one test suite: a failure is recorded and the run goes on, so one broken
# suite does not hide the results of the others.
run_suite() {
  local name=$1
  shift
  announce "Test suite: $name"
  local started=$SECONDS
  if "$@"; then
    passed_suites+=("$name")
    echo "test.sh: suite '$name' passed in $((SECONDS - started))s"
  else
    failed_suites+=("$name")
    echo "test.sh: suite '$name' FAILED after $((SECONDS - started))s" >&2
  fi
}

# Succeed when FOLDER contains files that `node --test FOLDER` runs: Node.js 20
# picks *.test.js, *-test.js, *_test.js, test-*.js and test.js (also .mjs and
# .cjs) and skips node_modules.
has_node_tests() {
  local folder=$1
  [[ -d $folder ]] || return 1
  [[ -n $(find "$folder" -path '*/node_modules' -prune -o -type f \
    \( -name '*.test.*js' -o -name '*-test.*js' -o -name '*_test.*js' \
    -o -name 'test-*.*js' -o -name 'test.*js' \) -print -quit) ]]
}

run_web_unit_tests() {
  (cd web && npm test)
}

run_ctest() {
  TELEHEALTH_TEST_ADMIN_DSN=$(cat "$pg_dir/secrets/superuser.dsn") \
    TELEHEALTH_TEST_OWNER_DSN=$(cat "$pg_dir/secrets/owner.dsn") \
    TELEHEALTH_TEST_APP_DSN=$(cat "$pg_dir/secrets/app.dsn") \
    TELEHEALTH_BINARY=$binary \
    TELEHEALTH_MIGRATIONS=$checkout/migrations \
    ctest --test-dir build --output-on-failure -j2 --timeout 300 --no-tests=error
}

# Run `node --test FOLDER` with the environment the API and browser tests read.
# A hung browser or test is killed after 15 minutes, so the whole run stays
# within the CI time limit.
run_node_tests() {
  local folder=$1
  TELEHEALTH_URL=$server_url \
    TELEHEALTH_CONFIG=$config_file \
    TELEHEALTH_BINARY=$binary \
    TELEHEALTH_TEST_ADMIN_DSN=$(cat "$pg_dir/secrets/superuser.dsn") \
    TURN_PORT=$turn_port \
    NODE_EXTRA_CA_CERTS=$tls_dir/server.crt \
    TELEHEALTH_SERVER_LOG=$server_log \
    timeout --kill-after=10s 15m node --test "$folder/"
}

print_summary() {
  echo
  echo "==> Summary after $((SECONDS / 60))m $((SECONDS % 60))s"
  local name
  for name in "${passed_suites[@]}"; do echo "  passed: $name"; done
  for name in "${failed_suites[@]}"; do echo "  FAILED: $name"; done
}

main() {
  [[ $(id -u) -eq 0 ]] || die "run this script as root (for example: sudo scripts/test.sh), because it installs packages and runs PostgreSQL as the postgres user"

  announce "Installing dependencies"
  bash scripts/deps.sh

  run_suite "house rules (scripts/lint.sh)" bash scripts/lint.sh

  announce "Building the server"
  server_build "$checkout"

  [[ -f web/package.json ]] || die "web/package.json is missing; the web app cannot be checked"
  announce "Web app: type check"
  (cd web && npm run typecheck)
  run_suite "web unit tests (npm test)" run_web_unit_tests
  announce "Web app: production build"
  (cd web && npm run build)

  # Every service started from here on is stopped by the trap.
  trap stop_services EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  announce "Starting the test PostgreSQL cluster on 127.0.0.1:$pg_port"
  tls_ensure_certificate "$tls_dir"
  pg_start_cluster "$pg_dir" "$pg_port" "$tls_dir"
  # Each run starts from an empty database, and throwaway databases that an
  # interrupted run left behind are dropped too.
  pg_reset_databases "$pg_dir"

  announce "Applying database migrations to the test cluster"
  server_migrate "$checkout" "$pg_dir/secrets/owner.dsn"
  pg_apply_audit_schema_log "$pg_dir" "$checkout"

  run_suite "C++ tests (ctest)" run_ctest

  announce "Starting coturn for the tests on 127.0.0.1:$turn_port"
  coturn_start "$coturn_dir" "$turn_port" "$turn_min_port" "$turn_max_port"

  announce "Starting the test server on $server_url"
  # The keyring, configuration and log of the previous run are discarded
  # together with the database they belonged to.
  rm -rf "$test_dir"
  mkdir -p "$test_dir"
  server_write_config "$config_file" "$server_port" "$pg_dir/secrets/app.dsn" \
    "$test_dir/keyring.json" "$turn_port" "$coturn_dir/secret" "$tls_dir" "$checkout/web/dist" \
    "$test_rate_limits"
  "$binary" --config "$config_file" demo seed
  server_start_background "$checkout" "$config_file" "$server_log"
  # scripts/stop.sh reads this if the run is killed before its trap runs.
  echo "$SERVER_PID" >"$test_dir/server.pid"
  server_wait_until_healthy "$server_url/api/health" "$SERVER_PID" "$server_log" 60
  echo "server: healthy (pid $SERVER_PID, log: $server_log)"

  if has_node_tests tests/api; then
    run_suite "API tests (node --test tests/api)" run_node_tests tests/api
  else
    echo "test.sh: tests/api has no test files; skipping the API tests"
  fi
  if has_node_tests tests/browser; then
    run_suite "browser tests (node --test tests/browser)" run_node_tests tests/browser
  else
    echo "test.sh: tests/browser has no test files; skipping the browser tests"
  fi

  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    print_log_tail "$server_log"
    failed_suites+=("server stayed up during the tests")
  fi

  print_summary
  ((${#failed_suites[@]} == 0))
}

main "$@"
