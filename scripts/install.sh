#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing; skips what
# is already there, so a second run takes seconds. Versions are the ones
# verified on this kind of machine (see ../shared/TOOLCHAIN.md when present).
#
#   scripts/install.sh          native toolchain only (core, simulator, CLI)
#   scripts/install.sh --web    also the browser side: wasm target, Trunk,
#                               wasm-bindgen-cli, wasm-opt, node packages
#                               (playwright-core, selenium-webdriver), Chromium
#                               and chromedriver, Firefox ESR and geckodriver
#   scripts/install.sh --measure  --web and twiggy, for the size report of
#                               scripts/measure-playground.mjs (not needed by
#                               the tests, so CI does not build it)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
GECKODRIVER_VERSION=0.37.1
TWIGGY_VERSION=0.8.0

say() { printf '[install] %s\n' "$*"; }

need_native() {
  command -v cargo >/dev/null || { say "cargo is missing: this machine kind ships Rust via rustup"; exit 1; }
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      say "adding rust component $component"
      rustup component add "$component"
    fi
  done
  command -v python3 >/dev/null || { say "installing python3 (for the outside trace checker)"; apt_install python3; }
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

need_web() {
  if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (several minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the wasm-bindgen crate)"
    # Without --locked: the locked set wants a webpki-roots the registry lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  if ! geckodriver --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION"; then
    say "installing geckodriver $GECKODRIVER_VERSION (drives Firefox; about 2 min, once)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION"
  fi
  # The lock file pins every package; reinstall when it changed since the
  # last install (npm records what it installed in node_modules/.package-lock.json).
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
    || [ ! -d node_modules/selenium-webdriver ] || [ ! -d node_modules/terser ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing node packages (binaryen for wasm-opt, terser, playwright-core, selenium-webdriver)"
    # selenium-webdriver declares node >= 22 but works on Debian's node 20.
    npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
  fi
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
  if ! command -v firefox-esr >/dev/null; then
    say "installing Debian's firefox-esr"
    apt_install --no-install-recommends firefox-esr
  fi
}

need_measure() {
  if ! twiggy --version 2>/dev/null | grep -q "$TWIGGY_VERSION"; then
    say "installing twiggy $TWIGGY_VERSION (the wasm's size report; about 2 min, once)"
    cargo install --locked twiggy --version "$TWIGGY_VERSION"
  fi
}

need_native
case "${1:-}" in
  "") ;;
  --web) need_web ;;
  --measure) need_web; need_measure ;;
  *) say "unknown option ${1}: use --web or --measure, or nothing"; exit 2 ;;
esac
say "ready"
