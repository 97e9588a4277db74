#!/usr/bin/env bash
# Stop the test server, PostgreSQL clusters and coturn instances that
# scripts/run.sh and scripts/test.sh started under .run/. Those scripts stop
# them on exit; this is for the case where a script was killed before its trap
# could run. A server that scripts/run.sh ran in the foreground is not tracked:
# stop it with Ctrl-C or kill.
#
# With --delete-state it then deletes .run/ (databases, keyrings, secrets,
# certificate) and the /tmp folders that clusters use when the postgres user
# cannot reach the checkout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/..

checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$checkout"
source scripts/lib/common.sh
source scripts/lib/postgres.sh
source scripts/lib/coturn.sh

delete_state=false
case ${1:-} in
  "") ;;
  --delete-state) delete_state=true ;;
  -h | --help)
    echo "Usage: scripts/stop.sh [--delete-state]"
    exit 0
    ;;
  *) die "unknown argument '$1'; usage: scripts/stop.sh [--delete-state]" ;;
esac

[[ $(id -u) -eq 0 ]] || die "run this script as root, because PostgreSQL runs as the postgres user"

if [[ -f .run/test/server.pid ]]; then
  server_pid=$(cat .run/test/server.pid)
  echo "server: stopping the test server (pid $server_pid) if it still runs"
  terminate_process "$server_pid" telehealth 15
  rm -f .run/test/server.pid
fi
for service_dir in .run/coturn .run/test-coturn; do
  coturn_stop "$service_dir"
done
for cluster_dir in .run/pg .run/test-pg; do
  pg_stop_cluster "$cluster_dir"
done

if [[ $delete_state == true ]]; then
  for cluster_dir in .run/pg .run/test-pg; do
    # Only a symlink's target is outside the checkout; a plain folder goes with .run.
    [[ -L $cluster_dir/server ]] || continue
    target=$(readlink "$cluster_dir/server")
    if [[ $target == /tmp/telehealth-pg-* ]]; then
      rm -rf -- "$target"
    fi
  done
  rm -rf -- .run
  echo "stop: deleted .run/"
fi
