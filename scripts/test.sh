#!/usr/bin/env bash
# Installs what is missing, then runs every check and every test:
# formatting, lints (native and wasm) and doc links, the native cargo test
# suite (unit tests, paper tests, scenarios, randomized nemesis runs, unsafe
# switches, the CLI, the outside trace checker), the browser tests
# (wasm-bindgen-test in headless Chromium, then in headless Firefox) and the
# end-to-end tests of the release build in both browsers (playwright-core
# driving Debian's Chromium, selenium-webdriver driving Debian's Firefox
# ESR; see tests/e2e/browsers.mjs). Any failing step stops the script with a
# non-zero exit status; the last line counts every test that passed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash scripts/install.sh --web
mkdir -p target
CHROMEDRIVER_BIN="${CHROMEDRIVER:-/usr/bin/chromedriver}"
GECKODRIVER_BIN="${GECKODRIVER:-$(command -v geckodriver)}"
# wasm-bindgen-test-runner takes the first of GECKODRIVER, SAFARIDRIVER,
# CHROMEDRIVER, MSEDGEDRIVER that is set (and, with none set, the first of
# those drivers on PATH): each browser run sets exactly one.
unset CHROMEDRIVER GECKODRIVER SAFARIDRIVER MSEDGEDRIVER \
  CHROMEDRIVER_REMOTE GECKODRIVER_REMOTE SAFARIDRIVER_REMOTE MSEDGEDRIVER_REMOTE

echo "== cargo fmt --check"
cargo fmt --check

echo "== cargo clippy (native and wasm32) -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings

echo "== cargo doc -D warnings (every intra-doc link resolves, private items and the browser's ui too)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items --quiet \
  --target wasm32-unknown-unknown

echo "== cargo test (native)"
cargo test --quiet 2>&1 | tee target/test-native.txt

echo "== cargo test (browser: wasm-bindgen-test in headless Chromium)"
CHROMEDRIVER="$CHROMEDRIVER_BIN" cargo test --target wasm32-unknown-unknown --test browser 2>&1 \
  | tee target/test-browser-chromium.txt

echo "== cargo test (browser: wasm-bindgen-test in headless Firefox)"
GECKODRIVER="$GECKODRIVER_BIN" cargo test --target wasm32-unknown-unknown --test browser 2>&1 \
  | tee target/test-browser-firefox.txt

echo "== end to end (release build; Chromium via playwright-core, Firefox via selenium-webdriver)"
bash scripts/build-web.sh
GECKODRIVER="$GECKODRIVER_BIN" node --test tests/e2e/ 2>&1 | tee target/test-e2e.txt

# cargo's and wasm-bindgen-test-runner's "test result: ok. N passed" lines,
# node's "# pass N"; each part must have run something.
cargo_passed() { grep -Eo 'test result: ok\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}'; }
native=$(cargo_passed target/test-native.txt)
chromium=$(cargo_passed target/test-browser-chromium.txt)
firefox=$(cargo_passed target/test-browser-firefox.txt)
e2e=$(grep -Eo '^# pass [0-9]+' target/test-e2e.txt | awk '{s+=$3} END {print s+0}')
e2e_failed=$(grep -Eo '^# fail [0-9]+' target/test-e2e.txt | awk '{s+=$3} END {print s+0}')
echo "native: $native, browser (Chromium): $chromium, browser (Firefox): $firefox, end to end (both browsers): $e2e"
for part in native chromium firefox e2e; do
  if [ "${!part}" -eq 0 ]; then echo "no $part tests ran" >&2; exit 1; fi
done
if [ "$e2e_failed" -ne 0 ]; then echo "end to end: $e2e_failed failed" >&2; exit 1; fi
echo "all tests: $((native + chromium + firefox + e2e)) passed, 0 failed"
