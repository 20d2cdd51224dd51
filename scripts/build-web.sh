#!/usr/bin/env bash
# Builds the playground's release bundle into dist/ with Trunk: plain
# `trunk build --release`, the same command a user would run. Everything
# about size lives where Trunk and Cargo read it: index.html's rust link asks
# for Cargo's `web` profile in release builds (data-cargo-profile-release,
# Cargo.toml: release with opt-level "z") and wasm-opt -Oz --converge (data-wasm-opt, data-wasm-opt-params),
# from the npm binaryen package (Debian's binaryen is too old for what
# wasm-bindgen emits). Extra arguments go to trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo fetch --quiet   # Trunk.toml has offline = true: cargo build --offline
trunk build --release "$@"
