#!/usr/bin/env bash
# Builds the playground and serves it on http://127.0.0.1:8080 (any static
# host works too: dist/ is the whole site). PORT=9000 picks another port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --web
bash scripts/build-web.sh
port="${PORT:-8080}"
echo "Raft Playground: http://127.0.0.1:$port/"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
