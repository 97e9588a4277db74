#!/usr/bin/env bash
# Installs the Debian and npm packages that building, running and testing need.
# Safe to run again: it installs only what is missing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

debian_packages=(
  # build
  cmake ninja-build ccache g++ pkg-config
  # libraries
  libboost-dev libpq-dev libssl-dev libsodium-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libcli11-dev libgtest-dev libgmock-dev
  # WebAuthn attestation and assertion parsing (CBOR)
  libcbor-dev
  # services the product and its tests start under .run/
  postgresql-15 coturn
  # tools that scripts/run.sh and scripts/test.sh call: certificates and
  # secrets (openssl), port checks (ss), the health check (curl)
  openssl iproute2 curl
  # independent checkers used by the tests
  chromium oathtool python3-icalendar
  # the offline audit proof verifier (tests/audit_proof), Ed25519 only
  python3-cryptography
)
# Node.js 20 or newer ships on these machines (with npm); Debian's own nodejs 18
# package is added only where no node exists at all.
command -v node >/dev/null 2>&1 || debian_packages+=(nodejs npm)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's coturn package starts a system-wide service; this project runs its own
# instance under .run/, so the packaged one is stopped where systemd exists.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet coturn 2>/dev/null; then
  systemctl stop coturn || true
fi

for dir in web tests/api tests/browser; do
  if [[ -f "$top/$dir/package-lock.json" ]]; then
    stamp="$top/$dir/node_modules/.package-lock.json"
    if [[ ! -f "$stamp" || "$top/$dir/package-lock.json" -nt "$stamp" ]]; then
      (cd "$top/$dir" && npm ci --no-audit --no-fund)
    fi
  fi
done
