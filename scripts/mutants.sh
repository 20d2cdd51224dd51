#!/usr/bin/env bash
# Mutation testing of the Raft core (issue 10): cargo-mutants changes the
# code of src/raft one mutant at a time (a `>` into `>=`, a body into
# `Default::default()`, ...) and runs the native tests against each; a
# mutant the tests still pass is a rule nothing checks. Prints the share of
# viable mutants caught. Not part of CI: hours for all of src/raft.
#   bash scripts/mutants.sh                      every file of src/raft
#   bash scripts/mutants.sh src/raft/election.rs one file (or several)
# Extra cargo-mutants options go in MUTANTS_ARGS (for example
# MUTANTS_ARGS="--shard 1/4"). The outcome lists land in mutants.out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
VERSION=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$VERSION"; then
  echo "== installing cargo-mutants $VERSION (about 5 min, once)"
  cargo install --locked cargo-mutants --version "$VERSION"
fi
files=("$@")
[ ${#files[@]} -eq 0 ] && files=("src/raft/**/*.rs")
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
# The core's own unit tests and the paper's rules catch a core mutant, with
# the whole-cluster stories of PreVote, CheckQuorum, the reads and the tours (each
# well under a second); the simulator's sweeps would only take longer to
# say the same.
# shellcheck disable=SC2086
cargo mutants "${args[@]}" --no-shuffle --profile mutants --timeout 30 ${MUTANTS_ARGS:-} -- \
  --lib --test paper_5_1_terms --test paper_5_2_election --test paper_5_3_replication \
  --test paper_5_4_safety --test paper_8_clients --test unsafe_switches --test transcripts \
  --test pre_vote_check_quorum --test tours --test reads \
  || true   # cargo-mutants exits non-zero when a mutant survives
caught=$(wc -l < mutants.out/caught.txt)
missed=$(wc -l < mutants.out/missed.txt)
timeout=$(wc -l < mutants.out/timeout.txt)
unviable=$(wc -l < mutants.out/unviable.txt)
viable=$((caught + missed + timeout))
echo "mutants: $caught caught, $missed missed, $timeout timed out, $unviable unviable"
if [ "$viable" -gt 0 ]; then
  echo "mutation score: $(( (caught + timeout) * 1000 / viable / 10 )).$(( (caught + timeout) * 1000 / viable % 10 ))% of $viable viable mutants caught"
fi
[ "$missed" -eq 0 ] || { echo "missed:"; cat mutants.out/missed.txt; }
