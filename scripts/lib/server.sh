# The telehealth server: build, configuration file, background start and stop.
# Source this file after common.sh.
#
# The binary's command line:
#   telehealth [--config FILE] serve | migrate --database-url DSN --migrations DIR
#              | demo seed | audit verify

# Print the path of the server binary inside the checkout CHECKOUT.
server_binary_path() {
  local checkout=$1
  echo "$checkout/build/src/app/telehealth"
}

# Configure and build the C++ tree of CHECKOUT into CHECKOUT/build with Ninja.
# The run and test commands share one configuration (optimised, with debug
# symbols, warnings as errors), so switching between them never rebuilds.
server_build() {
  local checkout=$1
  # ccache then keys on paths relative to the checkout and ignores the build
  # folder's absolute path (which -g records), so a fresh clone in another
  # folder, as CI makes, reuses earlier compilations.
  export CCACHE_BASEDIR="$checkout"
  export CCACHE_NOHASHDIR=1
  cmake -S "$checkout" -B "$checkout/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTELEHEALTH_WERROR=ON
  cmake --build "$checkout/build"
  [[ -x $(server_binary_path "$checkout") ]] \
    || die "the build finished but $(server_binary_path "$checkout") does not exist"
}

# Apply the SQL migrations in CHECKOUT/migrations as the database owner role.
# The owner's DSN travels in the environment, not on the command line, so
# other local users cannot read its password with `ps`.
server_migrate() {
  local checkout=$1
  local owner_dsn_file=$2
  TELEHEALTH_MIGRATE_DATABASE_URL=$(cat "$owner_dsn_file") \
    "$(server_binary_path "$checkout")" migrate --migrations "$checkout/migrations"
}

# Write the server's JSON configuration to FILE (mode 0600, because it contains
# the database password). Arguments:
#   FILE PORT APP_DSN_FILE KEYRING_FILE TURN_PORT TURN_SECRET_FILE TLS_DIR WEB_ROOT
# All paths in the file are absolute, so the server may start from any folder.
server_write_config() {
  local file=$1
  local port=$2
  local app_dsn_file=$3
  local keyring_file=$4
  local turn_port=$5
  local turn_secret_file=$6
  local tls_dir=$7
  local web_root=$8
  # A JSON object for the config's rate_limits section; {} keeps the defaults.
  local rate_limits=${9:-}
  [[ -n $rate_limits ]] || rate_limits='{}'

  mkdir -p "$(dirname "$file")"
  # Node builds the JSON so that every string is escaped correctly. The values
  # travel in the environment rather than in argv, which other users can read.
  # shellcheck disable=SC2016 # the JavaScript template literals are not shell
  CONFIG_PORT=$port \
    CONFIG_DATABASE_URL=$(cat "$app_dsn_file") \
    CONFIG_KEYRING=$(realpath -m "$keyring_file") \
    CONFIG_TURN_PORT=$turn_port \
    CONFIG_TURN_SECRET_FILE=$(realpath -m "$turn_secret_file") \
    CONFIG_TLS_DIR=$(realpath -m "$tls_dir") \
    CONFIG_WEB_ROOT=$(realpath -m "$web_root") \
    CONFIG_RATE_LIMITS=$rate_limits \
    CONFIG_CHECKPOINT_FILE="$(realpath -m "$(dirname "$file")")/audit-checkpoints.jsonl" \
    node -e '
      const env = process.env;
      const config = {
        listen: `127.0.0.1:${env.CONFIG_PORT}`,
        public_origin: `https://localhost:${env.CONFIG_PORT}`,
        tls: {
          certificate: `${env.CONFIG_TLS_DIR}/server.crt`,
          private_key: `${env.CONFIG_TLS_DIR}/server.key`,
        },
        database: { url: env.CONFIG_DATABASE_URL, pool_size: 8 },
        keyring: env.CONFIG_KEYRING,
        web_root: env.CONFIG_WEB_ROOT,
        turn: {
          urls: [
            `turn:127.0.0.1:${env.CONFIG_TURN_PORT}?transport=udp`,
            `turn:127.0.0.1:${env.CONFIG_TURN_PORT}?transport=tcp`,
          ],
          secret_file: env.CONFIG_TURN_SECRET_FILE,
        },
        session: { idle_timeout_seconds: 900, absolute_timeout_seconds: 43200 },
        rate_limits: JSON.parse(env.CONFIG_RATE_LIMITS),
        // Beside the configuration; a deployment ships a copy off the machine.
        audit: { checkpoint_file: env.CONFIG_CHECKPOINT_FILE },
        log_level: "info",
      };
      process.stdout.write(JSON.stringify(config, null, 2) + "\n");
    ' | write_private_file "$file"
}

# Start `telehealth serve` in the background with its output in LOG and store
# its pid in SERVER_PID. The caller stops it with server_stop.
server_start_background() {
  local checkout=$1
  local config=$2
  local log=$3
  "$(server_binary_path "$checkout")" --config "$config" serve </dev/null >"$log" 2>&1 &
  # shellcheck disable=SC2034 # read by the caller
  SERVER_PID=$!
}

# Wait until GET URL returns status 200, polling every half second for up to TIMEOUT
# seconds. Fails early, with the log tail, when the server process PID exits.
server_wait_until_healthy() {
  local url=$1
  local pid=$2
  local log=$3
  local timeout=${4:-60}
  local deadline=$((SECONDS + timeout))
  local status

  while ((SECONDS < deadline)); do
    # -k: the certificate is self-signed for local use.
    status=$(curl -ks -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [[ $status == 200 ]] && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      print_log_tail "$log"
      die "the server exited before $url returned status 200"
    fi
    sleep 0.5
  done

  print_log_tail "$log"
  die "timed out after ${timeout}s waiting for status 200 from $url (last HTTP status: ${status:-none})"
}

# Stop the server started by server_start_background, if it still runs.
server_stop() {
  local pid=${1:-}
  [[ -n $pid ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  echo "server: stopping (pid $pid)"
  terminate_process "$pid" telehealth 15
  wait "$pid" 2>/dev/null || true
}
