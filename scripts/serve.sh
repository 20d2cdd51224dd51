#!/usr/bin/env bash
# Builds the playground and serves it on http://127.0.0.1:8080 (any static
# host works too: dist/ is the whole site). PORT=9000 picks another port.
#
#   scripts/serve.sh         the release bundle (scripts/build-web.sh), served
#                            by python3 -m http.server
#   scripts/serve.sh --dev   `trunk serve` for development: a debug build
#                            (Cargo's dev profile, no wasm-opt) that Trunk
#                            rebuilds on every change of src/, www/,
#                            index.html (settings in Trunk.toml; reload the
#                            page by hand: the CSP refuses Trunk's inline
#                            live-reload script)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8080}"
bash scripts/install.sh --web
if [ "${1:-}" = "--dev" ]; then
  shift
  export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
  cargo fetch --quiet
  # Into target/dev-dist, so that dist/ keeps the release site.
  exec trunk serve --port "$port" --dist target/dev-dist "$@"
fi
bash scripts/build-web.sh
echo "Raft Playground: http://127.0.0.1:$port/"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
