#!/usr/bin/env bash
# House rules that a compiler cannot check, run by scripts/test.sh:
#  - no std::cout/printf in src/ outside src/app (logs go through core::log);
#  - no non-cryptographic randomness (rand, std::mt19937, random_device) in src/;
#  - no SQL built by concatenating request data: statements passed to exec()
#    are literals with $n parameters (concatenation of constant column lists
#    is allowed where a line carries the marker "sql-constant").
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
report() {
  echo "lint: $1"
  echo "$2" | sed 's/^/  /'
  status=1
}

if hits=$(grep -rnE 'std::cout|[^n]printf\(' src --include='*.cpp' --include='*.hpp' \
    | grep -v '^src/app/' | grep -v 'snprintf'); then
  report "console output outside src/app; log through core::log instead" "$hits"
fi

if hits=$(grep -rnE '\brand\(|srand\(|std::mt19937|random_device|minstd_rand' src); then
  report "non-cryptographic randomness in src/; use crypto::random_bytes" "$hits"
fi

if hits=$(grep -rnE 'exec\([^"]*"[^"]*"\s*\+' src --include='*.cpp' | grep -v 'sql-constant'); then
  report "SQL text built by concatenation; pass values as \$n parameters" "$hits"
fi

if ((status == 0)); then echo "lint: house rules hold"; fi
exit "$status"
