#!/usr/bin/env bash
# Builds the playground's release bundle into dist/ with Trunk, optimised for
# size (opt-level z, wasm-opt -Oz from the npm binaryen package; Debian's
# binaryen is too old for what wasm-bindgen emits).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo fetch --quiet
CARGO_PROFILE_RELEASE_OPT_LEVEL=z trunk build --release "$@"
