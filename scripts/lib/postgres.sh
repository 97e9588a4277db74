# A private PostgreSQL 15 cluster on 127.0.0.1, one per folder. Source this
# file after common.sh.
#
# Layout of a cluster folder CLUSTER (for example .run/pg):
#   CLUSTER/port              the TCP port the cluster was last started on
#   CLUSTER/secrets/          root only, 0700
#     {superuser,owner,app}.password   generated once, reused on every start
#     {superuser,owner,app}.dsn        libpq keyword strings, 0600
#   CLUSTER/server/           owned by the postgres OS user, 0700
#     data/                   PGDATA
#     socket/                 Unix socket folder (only the postgres user may use it)
#     postgres.log            server log
#
# CLUSTER/server is a symlink into /tmp when the postgres user cannot reach the
# checkout (see pg_prepare_server_dir).
#
# Roles: postgres (superuser), telehealth_owner (owns the database and runs the
# migrations), telehealth_app (the server's role: NOINHERIT, owns nothing,
# and gets its privileges from GRANTs in the migrations) and
# telehealth_maintenance (NOLOGIN; drops expired audit partitions).

PG_BIN=/usr/lib/postgresql/15/bin
PG_DATABASE=telehealth
PG_OWNER_ROLE=telehealth_owner
PG_APP_ROLE=telehealth_app

# Run a PostgreSQL server tool as the postgres OS user, because initdb and the
# server refuse to run as root. The working folder is / because the caller's
# folder may not be readable by that user.
pg_run_as_postgres() {
  (cd / && runuser -u postgres -- "$@")
}

# Print the absolute, symlink-free path of the folder that contains data/,
# socket/ and postgres.log, creating the folder if needed. Paths handed to the server
# must be free of CLUSTER/server because the symlink may sit in a folder that
# the postgres user cannot traverse.
#
# The postgres OS user must be able to traverse every folder above its data
# folder. A checkout under /root (mode 0700) or any other private folder does
# not allow that, so in that case the folder lives in
# /tmp/telehealth-pg-<hash of the checkout's .run path>-<name> instead and
# CLUSTER/server is a symlink to it. The same happens when the checkout's path
# is so long that the Unix socket path would exceed the 107 bytes that
# sockaddr_un allows. Such a /tmp folder is lost when /tmp is cleared; the next
# start then creates an empty cluster with the same passwords.
pg_prepare_server_dir() {
  local cluster_dir=$1
  local link=$cluster_dir/server

  # A folder or a live symlink from an earlier start is reused as it is.
  if [[ -d $link ]]; then
    readlink -f "$link"
    return 0
  fi
  # A dangling symlink means /tmp was cleared; it is recreated below.
  [[ -L $link ]] && rm -f "$link"

  mkdir -p "$cluster_dir"
  local longest_socket_path="$link/socket/.s.PGSQL.65535.lock"
  local reason
  if ! runuser -u postgres -- test -x "$cluster_dir"; then
    reason="the postgres user cannot reach $cluster_dir"
  elif ((${#longest_socket_path} > 107)); then
    reason="the Unix socket path under $cluster_dir would exceed 107 bytes"
  else
    mkdir -m 0700 "$link"
    chown postgres:postgres "$link"
    readlink -f "$link"
    return 0
  fi

  local run_dir_hash
  run_dir_hash=$(printf '%s' "$(cd "$cluster_dir/.." && pwd -P)" | sha256sum | cut -c1-12)
  local outside
  outside="/tmp/telehealth-pg-$run_dir_hash-$(basename "$cluster_dir")"
  if [[ -e $outside || -L $outside ]]; then
    # /tmp is world-writable: reuse the folder only if it is a real folder that
    # the postgres user owns, never a symlink someone else planted.
    if [[ -L $outside || ! -d $outside || $(stat -c %U "$outside") != postgres ]]; then
      die "$outside exists but is not a folder owned by the postgres user; remove it and retry"
    fi
  else
    mkdir -m 0700 "$outside"
    chown postgres:postgres "$outside"
  fi
  ln -s "$outside" "$link"
  echo "postgres: $reason, so the cluster's data lives in $outside" >&2
  echo "$outside"
}

# Create FILE with a new random password unless it exists.
pg_ensure_password() {
  local file=$1
  [[ -s $file ]] || random_hex 24 | write_private_file "$file"
}

# Run psql as the superuser over TCP with TLS. The password travels in the
# environment, not on the command line, where any user could read it with ps.
# Extra arguments go to psql; SQL may come on standard input.
pg_superuser_psql() {
  local cluster_dir=$1
  local database=$2
  shift 2
  local port
  port=$(cat "$cluster_dir/port")
  PGPASSWORD=$(cat "$cluster_dir/secrets/superuser.password") \
    PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=$database \
    PGSSLMODE=require PGCONNECT_TIMEOUT=10 PGAPPNAME=telehealth-scripts \
    "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 "$@"
}

# Run initdb for a new cluster with the superuser password from the secrets folder.
pg_initialize_data_dir() {
  local cluster_dir=$1
  local server_dir=$2

  echo "postgres: initializing a new cluster in $server_dir/data"
  # initdb runs as postgres and cannot read the root-only secrets folder, so it
  # gets a copy of the password that exists only while initdb runs.
  local password_copy=$server_dir/initdb-password
  install -o postgres -g postgres -m 0600 "$cluster_dir/secrets/superuser.password" "$password_copy"
  local status=0
  pg_run_as_postgres "$PG_BIN/initdb" --pgdata="$server_dir/data" --username=postgres \
    --auth=scram-sha-256 --pwfile="$password_copy" \
    --encoding=UTF8 --locale=C.UTF-8 >"$server_dir/initdb.log" 2>&1 || status=$?
  rm -f "$password_copy"
  if ((status != 0)); then
    print_log_tail "$server_dir/initdb.log"
    die "initdb failed for $server_dir/data"
  fi

  # The settings below live in telehealth.conf, which pg_write_settings rewrites
  # on every start so that a changed port or certificate takes effect.
  echo "include 'telehealth.conf'" >>"$server_dir/data/postgresql.conf"
}

# Write telehealth.conf, pg_hba.conf and the TLS files into the data folder.
pg_write_settings() {
  local server_dir=$1
  local port=$2
  local tls_dir=$3
  local data=$server_dir/data

  install -d -o postgres -g postgres -m 0700 "$server_dir/socket"
  # PostgreSQL refuses a key that other users can read; the copy belongs to
  # the postgres user because it cannot read the root-owned original.
  install -o postgres -g postgres -m 0600 "$tls_dir/server.key" "$data/server.key"
  install -o postgres -g postgres -m 0644 "$tls_dir/server.crt" "$data/server.crt"

  local settings=$data/telehealth.conf
  cat >"$settings" <<EOF
# Written by scripts/lib/postgres.sh on every start; edits here are overwritten.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$server_dir/socket'
unix_socket_permissions = 0700
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
EOF
  chown postgres:postgres "$settings"
  chmod 0600 "$settings"

  # Nothing uses trust or peer authentication: every connection needs a password,
  # and TCP connections must also use TLS. The superuser may also use the socket.
  local hba=$data/pg_hba.conf
  cat >"$hba" <<'EOF'
# Written by scripts/lib/postgres.sh on every start; edits here are overwritten.
# TYPE   DATABASE  USER      ADDRESS        METHOD
local    all       postgres                 scram-sha-256
hostssl  all       all       127.0.0.1/32   scram-sha-256
EOF
  chown postgres:postgres "$hba"
  chmod 0600 "$hba"
}

# Print the port a running cluster listens on, read from postmaster.pid (line 4).
pg_running_port() {
  local server_dir=$1
  sed -n 4p "$server_dir/data/postmaster.pid" 2>/dev/null || true
}

# Succeed when the cluster's postmaster is running.
pg_is_running() {
  local server_dir=$1
  pg_run_as_postgres "$PG_BIN/pg_ctl" status --pgdata="$server_dir/data" >/dev/null 2>&1
}

# Start the server, or restart it if it runs on another port than requested.
pg_start_server() {
  local server_dir=$1
  local port=$2
  local log=$server_dir/postgres.log

  if pg_is_running "$server_dir"; then
    if [[ $(pg_running_port "$server_dir") == "$port" ]]; then
      # Picks up a renewed certificate or a rewritten pg_hba.conf.
      pg_run_as_postgres "$PG_BIN/pg_ctl" reload --pgdata="$server_dir/data" >/dev/null
      echo "postgres: already running on port $port"
      return 0
    fi
    echo "postgres: restarting on port $port"
    pg_run_as_postgres "$PG_BIN/pg_ctl" stop --pgdata="$server_dir/data" --mode=fast --wait >/dev/null
  fi

  if tcp_port_in_use "$port"; then
    ss -ltnp "sport = :$port" >&2 || true
    die "TCP port $port is already in use by another process; stop it or choose another port"
  fi

  echo "postgres: starting on 127.0.0.1:$port (log: $log)"
  if ! pg_run_as_postgres "$PG_BIN/pg_ctl" start --pgdata="$server_dir/data" \
    --log="$log" --wait --timeout=60 >/dev/null; then
    print_log_tail "$log"
    die "PostgreSQL did not start in $server_dir/data"
  fi
}

# Create the roles if they are missing and set their attributes and passwords.
pg_apply_roles() {
  local cluster_dir=$1
  local secrets=$cluster_dir/secrets

  # Passwords are passed as psql variables on standard input, never in argv.
  {
    printf '\\set owner_password %s\n' "$(cat "$secrets/owner.password")"
    printf '\\set app_password %s\n' "$(cat "$secrets/app.password")"
    cat <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'telehealth_owner') THEN
    CREATE ROLE telehealth_owner;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'telehealth_app') THEN
    CREATE ROLE telehealth_app;
  END IF;
  -- Drops expired audit partitions (migrations/011_audit_partitions.sql).
  -- NOLOGIN: an operator logs in as a role of their own that is granted
  -- this one (see README.md, "Audit retention").
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'telehealth_maintenance') THEN
    CREATE ROLE telehealth_maintenance NOLOGIN NOINHERIT;
  END IF;
END
$$;
ALTER ROLE telehealth_owner WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE
  NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
-- NOINHERIT: the server's role gets no privileges through role membership
-- unless it runs SET ROLE explicitly.
ALTER ROLE telehealth_app WITH LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE
  NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
SQL
  } | pg_superuser_psql "$cluster_dir" postgres
}

# Create the telehealth database if it is missing and restrict who may use it.
pg_apply_database() {
  local cluster_dir=$1

  pg_superuser_psql "$cluster_dir" postgres <<'SQL'
SELECT 'CREATE DATABASE telehealth OWNER telehealth_owner'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'telehealth') \gexec
ALTER DATABASE telehealth OWNER TO telehealth_owner;
REVOKE ALL ON DATABASE telehealth FROM PUBLIC;
GRANT CONNECT ON DATABASE telehealth TO telehealth_app;
\connect telehealth
-- PostgreSQL 15 already denies CREATE on schema public to PUBLIC; this states
-- it for clusters that were upgraded from older defaults.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO telehealth_owner;
SQL
}

# Install the event triggers that log schema changes to the audit tables
# (deploy/postgres/audit_schema_log.sql) in the telehealth database. Only a
# superuser may create event triggers, so this runs after the migrations,
# which run as the owner. Safe to run on every start.
pg_apply_audit_schema_log() {
  local cluster_dir=$1
  local checkout=$2
  pg_superuser_psql "$cluster_dir" telehealth -f "$checkout/deploy/postgres/audit_schema_log.sql"
}

# Write the libpq connection strings into CLUSTER/secrets/*.dsn (0600).
pg_write_dsn_files() {
  local cluster_dir=$1
  local port=$2
  local secrets=$cluster_dir/secrets
  local kind user
  for kind in superuser owner app; do
    case $kind in
      superuser) user=postgres ;;
      owner) user=$PG_OWNER_ROLE ;;
      app) user=$PG_APP_ROLE ;;
    esac
    printf 'host=127.0.0.1 port=%s dbname=%s user=%s password=%s sslmode=require\n' \
      "$port" "$PG_DATABASE" "$user" "$(cat "$secrets/$kind.password")" \
      | write_private_file "$secrets/$kind.dsn"
  done
}

# Create (on first use) and start the cluster in CLUSTER_DIR on 127.0.0.1:PORT,
# using the certificate in TLS_DIR (see tls.sh). Safe to call again: an existing
# cluster is started, or left running, with its existing passwords. Ensures the
# roles and the telehealth database exist and writes the DSN files.
pg_start_cluster() {
  local cluster_dir=$1
  local port=$2
  local tls_dir=$3

  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 is not installed ($PG_BIN/initdb is missing); run scripts/deps.sh"
  [[ -f $tls_dir/server.crt && -f $tls_dir/server.key ]] \
    || die "no certificate in $tls_dir; call tls_ensure_certificate first"

  mkdir -p "$cluster_dir"
  cluster_dir=$(cd "$cluster_dir" && pwd)
  install -d -m 0700 "$cluster_dir/secrets"
  # A new superuser password would not match the one the cluster was created with.
  if [[ -f $cluster_dir/server/data/PG_VERSION && ! -s $cluster_dir/secrets/superuser.password ]]; then
    die "the cluster in $cluster_dir exists but secrets/superuser.password is missing; run scripts/stop.sh --delete-state (this deletes all of .run/) to start over"
  fi
  local kind
  for kind in superuser owner app; do
    pg_ensure_password "$cluster_dir/secrets/$kind.password"
  done
  echo "$port" >"$cluster_dir/port"

  local server_dir
  server_dir=$(pg_prepare_server_dir "$cluster_dir")
  [[ -f $server_dir/data/PG_VERSION ]] || pg_initialize_data_dir "$cluster_dir" "$server_dir"
  pg_write_settings "$server_dir" "$port" "$tls_dir"
  pg_start_server "$server_dir" "$port"

  pg_apply_roles "$cluster_dir"
  pg_apply_database "$cluster_dir"
  pg_write_dsn_files "$cluster_dir" "$port"
}

# Drop every database of the cluster except the maintenance database and the
# templates, then create an empty telehealth database. Tests call this so that
# each run starts from nothing, including throwaway databases a crashed test
# run left behind. Never call it on a cluster whose data matters.
pg_reset_databases() {
  local cluster_dir=$1

  pg_superuser_psql "$cluster_dir" postgres <<'SQL'
SELECT format('DROP DATABASE %I WITH (FORCE)', datname)
FROM pg_database
WHERE datname NOT IN ('postgres', 'template0', 'template1') \gexec
SQL
  pg_apply_database "$cluster_dir"
}

# Stop the cluster in CLUSTER_DIR if it is running (fast shutdown: open
# transactions are rolled back and clients are disconnected).
pg_stop_cluster() {
  local cluster_dir=$1
  local server_dir
  server_dir=$(readlink -f "$cluster_dir/server") || return 0

  [[ -f $server_dir/data/PG_VERSION ]] || return 0
  pg_is_running "$server_dir" || return 0
  echo "postgres: stopping the cluster in $cluster_dir"
  pg_run_as_postgres "$PG_BIN/pg_ctl" stop --pgdata="$server_dir/data" --mode=fast --wait --timeout=60 >/dev/null \
    || echo "warning: pg_ctl could not stop the cluster in $cluster_dir" >&2
}
