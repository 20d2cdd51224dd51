#!/usr/bin/env bash
# Installs what is missing, then runs every check and every test:
# formatting, lints, and the whole cargo test suite (unit tests, paper tests,
# scenarios, randomized nemesis runs, unsafe-switch detection, the CLI, and
# the outside checker in Python reading the simulator's trace files).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh

echo "== cargo fmt --check"
cargo fmt --check

echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo test --quiet 2>&1 | tee target/test-output.txt
passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' target/test-output.txt | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
echo "all tests: $passed passed, $failed failed"
