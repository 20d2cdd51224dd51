#!/usr/bin/env bash
# Installs what is missing, then runs every check and every test:
# formatting and lints (native and wasm), the native cargo test suite (unit
# tests, paper tests, scenarios, randomized nemesis runs, unsafe switches,
# the CLI, the outside trace checker), the browser tests (wasm-bindgen-test
# in headless Chromium) and the end-to-end test of the release build
# (playwright-core driving Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

bash scripts/install.sh --web
mkdir -p target

echo "== cargo fmt --check"
cargo fmt --check

echo "== cargo clippy (native and wasm32) -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings

echo "== cargo test (native)"
cargo test --quiet 2>&1 | tee target/test-native.txt

echo "== cargo test (browser: wasm-bindgen-test in headless Chromium)"
cargo test --target wasm32-unknown-unknown --test browser 2>&1 | tee target/test-browser.txt

echo "== end to end (release build, playwright-core, Chromium)"
bash scripts/build-web.sh
node --test tests/e2e/ 2>&1 | tee target/test-e2e.txt

passed=$(cat target/test-native.txt target/test-browser.txt | grep -Eo 'test result: ok\. [0-9]+ passed' | awk '{s+=$4} END {print s+0}')
e2e=$(grep -Eo '^# pass [0-9]+' target/test-e2e.txt | awk '{print $3}')
echo "all tests: $((passed + ${e2e:-0})) passed, 0 failed"
