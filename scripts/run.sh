#!/usr/bin/env bash
# Build the telehealth platform and run it locally on https://localhost:8443.
#
# Installs the dependencies, builds the server and the web app, starts a private
# PostgreSQL cluster and coturn under .run/, applies the migrations and runs
# `telehealth serve` in the foreground. Ctrl-C stops the server; the EXIT trap
# then stops coturn and PostgreSQL. Run as root (or through sudo) on Debian 12.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/..

checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$checkout"

source scripts/lib/common.sh
source scripts/lib/tls.sh
source scripts/lib/postgres.sh
source scripts/lib/coturn.sh
source scripts/lib/server.sh

run_dir=$checkout/.run
tls_dir=$run_dir/tls
pg_dir=$run_dir/pg
coturn_dir=$run_dir/coturn
config_file=$run_dir/telehealth.json

# Defaults; --port, --pg-port and --turn-port change the first three.
server_port=8443
pg_port=54330
turn_port=3478
turn_min_port=49160
turn_max_port=49200
seed_demo=false

usage() {
  cat <<EOF
Usage: scripts/run.sh [--demo] [--port N] [--pg-port N] [--turn-port N]

Builds the platform and serves it on https://localhost:N (default 8443).

  --demo        load demo users and appointments, and print how to sign in
  --port N      HTTPS port of the server (default $server_port)
  --pg-port N   TCP port of the private PostgreSQL cluster (default $pg_port)
  --turn-port N UDP and TCP port of the private coturn (default $turn_port)
  -h, --help    show this help

State lives in $run_dir. Press Ctrl-C to stop everything.
EOF
}

# Exit with a message unless VALUE is a TCP/UDP port number.
require_port_number() {
  local option=$1
  local value=$2
  if [[ ! $value =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$option expects a port number from 1 to 65535, got '$value'"
  fi
}

parse_arguments() {
  while (($#)); do
    case $1 in
      --demo)
        seed_demo=true
        shift
        ;;
      --port | --pg-port | --turn-port)
        (($# >= 2)) || die "$1 expects a port number"
        require_port_number "$1" "$2"
        case $1 in
          --port) server_port=$2 ;;
          --pg-port) pg_port=$2 ;;
          --turn-port) turn_port=$2 ;;
        esac
        shift 2
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        usage >&2
        die "unknown argument '$1'"
        ;;
    esac
  done
}

# Stop the services this script started. Runs on every exit, including Ctrl-C.
stop_services() {
  local status=$?
  trap - EXIT
  echo
  coturn_stop "$coturn_dir" || true
  pg_stop_cluster "$pg_dir" || true
  exit "$status"
}

main() {
  parse_arguments "$@"
  [[ $(id -u) -eq 0 ]] || die "run this script as root (for example: sudo scripts/run.sh), because it installs packages and runs PostgreSQL as the postgres user"

  announce "Installing dependencies"
  bash scripts/deps.sh

  announce "Building the server"
  server_build "$checkout"

  announce "Building the web app"
  [[ -f web/package.json ]] || die "web/package.json is missing; the web app cannot be built"
  (cd web && npm run build)

  mkdir -p "$run_dir"
  # From here on, the trap stops whatever has been started. Ctrl-C and SIGTERM
  # end the script with the usual status, which runs the EXIT trap.
  trap stop_services EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  announce "Starting PostgreSQL on 127.0.0.1:$pg_port"
  tls_ensure_certificate "$tls_dir"
  pg_start_cluster "$pg_dir" "$pg_port" "$tls_dir"

  announce "Applying database migrations"
  server_migrate "$checkout" "$pg_dir/secrets/owner.dsn"
  pg_apply_audit_schema_log "$pg_dir" "$checkout"

  announce "Starting coturn on 127.0.0.1:$turn_port"
  coturn_start "$coturn_dir" "$turn_port" "$turn_min_port" "$turn_max_port"

  server_write_config "$config_file" "$server_port" "$pg_dir/secrets/app.dsn" \
    "$run_dir/keyring.json" "$turn_port" "$coturn_dir/secret" "$tls_dir" "$checkout/web/dist"

  local binary
  binary=$(server_binary_path "$checkout")
  if [[ $seed_demo == true ]]; then
    announce "Loading demo data"
    "$binary" --config "$config_file" demo seed
  fi

  announce "Serving https://localhost:$server_port"
  echo "Open https://localhost:$server_port in a browser."
  echo "The certificate in $tls_dir is self-signed for local use, so the browser"
  echo "shows a warning the first time. Press Ctrl-C to stop."
  echo

  # Not exec: the shell must stay to run the EXIT trap that stops coturn and
  # PostgreSQL after the server exits.
  "$binary" --config "$config_file" serve
}

main "$@"
