#!/usr/bin/env bash
# Builds and runs the simulator. Until the browser playground lands this runs
# the command-line demo: a 5-node cluster under every fault for 60 simulated
# seconds, then a sweep of 200 seeds. Extra arguments go to `raft-sim run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
cargo build --release --quiet
./target/release/raft-sim run --seed 1 --nodes 5 --duration 60s --faults all --clients 3 "$@"
./target/release/raft-sim sweep --seeds 1..200 --faults all
