# Helpers shared by the service libraries and by scripts/run.sh and scripts/test.sh.
# Source this file; it defines functions only.

# Print an error to stderr and exit the script.
die() {
  echo "error: $*" >&2
  exit 1
}

# Print a one-line step header so a long log can be scanned by step.
announce() {
  echo
  echo "==> $*"
}

# Print a random 24-byte secret as 48 hex digits. Hex keeps it safe to embed
# in SQL literals, libpq keyword strings and coturn's configuration file.
random_hex() {
  local bytes=${1:-24}
  openssl rand -hex "$bytes"
}

# Write standard input to FILE with mode 0600, replacing it atomically so a
# reader never sees a half-written secret or a world-readable moment.
write_private_file() {
  local file=$1
  local temporary
  temporary=$(mktemp "$file.XXXXXX")
  chmod 0600 "$temporary"
  cat >"$temporary"
  mv -f "$temporary" "$file"
}

# Print the last lines of a log file, framed, to help diagnose a failed start.
print_log_tail() {
  local file=$1
  local lines=${2:-40}
  echo "---- last $lines lines of $file ----" >&2
  if [[ -r $file ]]; then
    tail -n "$lines" "$file" >&2
  else
    echo "(log file not found)" >&2
  fi
  echo "---- end of $file ----" >&2
}

# Succeed when something listens on the TCP port on 127.0.0.1 (or on any address).
tcp_port_in_use() {
  local port=$1
  [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
}

# Succeed when something listens on the UDP port.
udp_port_in_use() {
  local port=$1
  [[ -n $(ss -Hlun "sport = :$port" 2>/dev/null) ]]
}

# Send SIGTERM to PID, wait up to TIMEOUT seconds for it to exit, then SIGKILL it.
# Only a process whose command name equals EXPECTED_NAME is signalled, so a pid
# file left over after a reboot never kills an unrelated process that reused the pid.
terminate_process() {
  local pid=$1
  local expected_name=$2
  local timeout=${3:-10}

  [[ $pid =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  local name
  name=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  if [[ $name != "$expected_name" ]]; then
    echo "warning: pid $pid is '$name', not '$expected_name'; not stopping it" >&2
    return 0
  fi

  kill -TERM "$pid" 2>/dev/null || return 0
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < timeout * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "warning: $expected_name (pid $pid) did not exit within ${timeout}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
