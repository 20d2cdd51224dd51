//! The outside checker, `scripts/check_trace.py`, written from
//! docs/trace-format.md and docs/history-format.md alone, agrees with the
//! simulator: it passes a safe run under every fault, and it catches the
//! deliberately unsafe switches from the files `raft-sim` writes, without
//! reading the simulator's own `violation` lines.
//!
//! The test runs the real `raft-sim` binary and `python3`. Without
//! `python3` on the PATH the test fails (it does not skip).
//!
//! Seeds: the simulator is deterministic, so each seed range below was
//! found by experiment (`raft-sim sweep --seeds 1..300 --faults all
//! --unsafe NAME`) and always gives the same result for a given version of
//! the simulator. A change to the simulator can move which seed fails
//! first, so the tests take the failing seed from the sweep's own
//! `FAIL seed N: ...` lines rather than from a constant; the comments record
//! what the sweeps reported when the test was written.

mod common;

use common::temp_dir::TempDir;
use std::path::Path;
use std::process::{Command, Output};

const RAFT_SIM: &str = env!("CARGO_BIN_EXE_raft-sim");

/// The safety properties the checker reports from the trace, one line each
/// (a fourth line, `linearizability`, comes from the history).
const SAFETY: [&str; 3] = [
    "election_safety",
    "state_machine_safety",
    "leader_completeness",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `raft-sim` with the whitespace-separated `options`, then `files`
/// (flag, path pairs kept whole, as paths may hold spaces). It must run:
/// exit 0 (passed) or 1 (a check failed), not 2.
fn raft_sim(options: &str, files: &[&str]) -> Output {
    let args: Vec<&str> = options
        .split_whitespace()
        .chain(files.iter().copied())
        .collect();
    let out = Command::new(RAFT_SIM)
        .args(&args)
        .output()
        .expect("raft-sim runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "raft-sim {args:?} failed: {:?}\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// What the outside checker said.
struct Verdict {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Verdict {
    /// The checker's line for `property`, e.g. "leader_completeness: ok".
    fn line(&self, property: &str) -> &str {
        let prefix = format!("{property}: ");
        self.stdout
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no line for {property} in:\n{self}"))
    }

    fn is_ok(&self, property: &str) -> bool {
        self.line(property) == format!("{property}: ok")
    }

    fn is_violated(&self, property: &str) -> bool {
        self.line(property)
            .starts_with(&format!("{property}: VIOLATED: "))
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `python3 scripts/check_trace.py --trace T [--history H]`.
fn outside_check(trace: &str, history: Option<&str>) -> Verdict {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check_trace.py");
    let mut command = Command::new("python3");
    command.arg(&script).args(["--trace", trace]);
    if let Some(history) = history {
        command.args(["--history", history]);
    }
    let out = command.output().unwrap_or_else(|e| {
        panic!(
            "cannot run python3 ({e}): the outside checker {} needs Python 3 on the PATH; \
             install python3 (this test fails rather than skips without it)",
            script.display()
        )
    });
    Verdict {
        code: out
            .status
            .code()
            .unwrap_or_else(|| panic!("python3 killed: {:?}", out.status)),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}

/// The seeds a sweep reported failing, with their reasons, in order.
fn failing_seeds(sweep_stdout: &str) -> Vec<(u64, String)> {
    sweep_stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("FAIL seed ")?;
            let (seed, reason) = rest.split_once(": ")?;
            Some((seed.parse().ok()?, reason.to_string()))
        })
        .collect()
}

/// Sweeps `seeds` with `--faults all --unsafe switch` and returns the trace
/// of the first failing seed whose first reported violation is one of the
/// properties a trace shows to an outside checker (Election Safety, State
/// Machine Safety, Leader Completeness), with that seed.
///
/// Some seeds of some switches only break `committed_entries_stable` (a
/// follower deletes a committed entry and the run ends before anyone
/// applies something else there): the trace has no follower logs, so no
/// outside checker can see that. Such seeds are passed over.
fn sweep_trace(dir: &TempDir, switch: &str, seeds: &str) -> (u64, String) {
    let trace = dir.file(&format!("{switch}.jsonl"));
    let options = format!("sweep --seeds {seeds} --faults all --unsafe {switch}");
    let out = raft_sim(&options, &["--trace", &trace]);
    let stdout = text(&out.stdout);
    let failing = failing_seeds(&stdout);
    let visible = failing
        .iter()
        .find(|(_, reason)| SAFETY.iter().any(|p| reason.contains(&format!("first: {p} "))))
        .unwrap_or_else(|| {
            panic!(
                "--unsafe {switch}: no seed in {seeds} breaks a property visible in the trace; \
                 pick a new range with `raft-sim sweep --seeds 1..1000 --faults all --unsafe {switch}`\n{stdout}"
            )
        });
    let written = format!("trace of seed {} written to", failing[0].0);
    assert!(stdout.contains(&written), "sweep wrote no trace:\n{stdout}");
    if visible.0 == failing[0].0 {
        return (visible.0, trace);
    }
    // The first failing seed is not visible from outside: take the trace of
    // the first that is, with a sweep of that one seed.
    let options = format!("sweep --seeds {} --faults all --unsafe {switch}", visible.0);
    raft_sim(&options, &["--trace", &trace]);
    (visible.0, trace)
}

/// The checker, on the trace of a failing seed of `switch`, exits 1 and
/// names a violated safety property.
fn assert_switch_caught(switch: &str, seeds: &str) {
    let dir = TempDir::new(switch);
    let (seed, trace) = sweep_trace(&dir, switch, seeds);
    let verdict = outside_check(&trace, None);
    assert_eq!(
        verdict.code, 1,
        "--unsafe {switch} seed {seed}: the checker should exit 1:\n{verdict}"
    );
    let violated: Vec<&str> = SAFETY
        .into_iter()
        .filter(|p| verdict.is_violated(p))
        .collect();
    assert!(
        !violated.is_empty(),
        "--unsafe {switch} seed {seed}: no property named violated:\n{verdict}"
    );
}

#[test]
fn a_safe_run_under_every_fault_passes_every_outside_check() {
    let dir = TempDir::new("safe");
    // Seed 3 for 20 s: a typical run. Seed 160 for 60 s: found by checking
    // seeds 1..300 with the script; it has 30-odd writes and cas of unknown
    // outcome on one key, the hardest case for early versions of the
    // linearizability search (which then ran out of budget). Both pass in
    // the simulator.
    for (seed, duration) in [("3", "20s"), ("160", "60s")] {
        let trace = dir.file(&format!("t{seed}.jsonl"));
        let history = dir.file(&format!("h{seed}.json"));
        let options =
            format!("run --seed {seed} --nodes 5 --duration {duration} --faults all --clients 3");
        raft_sim(&options, &["--trace", &trace, "--history", &history]);
        let verdict = outside_check(&trace, Some(&history));
        assert_eq!(verdict.code, 0, "seed {seed}:\n{verdict}");
        for property in SAFETY.into_iter().chain(["linearizability"]) {
            assert!(
                verdict.is_ok(property),
                "seed {seed}, {property}:\n{verdict}"
            );
        }
        assert!(
            verdict.stdout.contains("simulator reported 0 violations"),
            "seed {seed}:\n{verdict}"
        );
    }
}

#[test]
fn vote_without_log_check_is_caught_from_the_trace() {
    // When written, every seed of 1..300 failed; the first, seed 1, breaks
    // Leader Completeness and State Machine Safety.
    assert_switch_caught("vote-without-log-check", "1..20");
}

#[test]
fn commit_old_terms_is_caught_from_the_trace() {
    // Rarer. When written, seeds 18, 90, 146, 169, 201, 229, 243, 257, 263,
    // 274 and 298 of 1..300 failed, all but 263 first on Leader
    // Completeness; 263 breaks only committed_entries_stable, which no trace
    // shows (see sweep_trace). Earlier versions of the simulator, a few
    // commits before, failed first at seeds 36 and then 9: hence the wide
    // range.
    assert_switch_caught("commit-old-terms", "1..300");
}

#[test]
fn local_reads_are_caught_from_the_history() {
    let dir = TempDir::new("local-reads");
    // When written, every seed of 1..20 failed linearizability; the sweep's
    // first failing seed is the one checked.
    let sweep = raft_sim("sweep --seeds 1..20 --faults all --unsafe local-reads", &[]);
    let stdout = text(&sweep.stdout);
    let (seed, reason) = failing_seeds(&stdout)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no failing seed for local-reads in 1..20:\n{stdout}"));
    assert!(reason.contains("NOT linearizable"), "seed {seed}: {reason}");
    let (trace, history) = (dir.file("t.jsonl"), dir.file("h.json"));
    let options = format!("run --seed {seed} --faults all --unsafe local-reads");
    let run = raft_sim(&options, &["--trace", &trace, "--history", &history]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stdout));
    let verdict = outside_check(&trace, Some(&history));
    assert_eq!(verdict.code, 1, "seed {seed}:\n{verdict}");
    assert!(
        verdict.is_violated("linearizability"),
        "seed {seed}:\n{verdict}"
    );
    assert!(
        verdict
            .line("linearizability")
            .contains("not linearizable on key"),
        "seed {seed}:\n{verdict}"
    );
    // Local reads leave the replicated log alone: the checker tells them
    // apart from a broken log.
    for property in SAFETY {
        assert!(
            verdict.is_ok(property),
            "seed {seed}, {property}:\n{verdict}"
        );
    }
}

#[test]
fn unreadable_input_exits_2_with_a_message() {
    let dir = TempDir::new("unreadable");
    let garbage = dir.file("garbage.jsonl");
    std::fs::write(&garbage, "{\"t\":0,\"kind\":\"state\"\nnot json\n").unwrap();
    let missing = dir.file("missing.jsonl");
    for trace in [&garbage, &missing] {
        let verdict = outside_check(trace, None);
        assert_eq!(verdict.code, 2, "{verdict}");
        assert!(verdict.stderr.starts_with("check_trace: "), "{verdict}");
        assert!(!verdict.stderr.contains("Traceback"), "{verdict}");
    }
}

/// Snapshots in the trace (`snapshot` events, and leader logs that start
/// after a snapshot): a safe run that snapshots every 8 entries under every
/// fault passes every outside check, and `snapshot-uncommitted` is caught
/// from the trace alone (seed 2, the first failing seed of the sweep in
/// the README, breaks State Machine Safety there).
#[test]
fn snapshots_are_read_from_the_trace_and_snapshot_uncommitted_is_caught() {
    let dir = TempDir::new("snapshots");
    let (trace, history) = (dir.file("t.jsonl"), dir.file("h.json"));
    let safe = "run --seed 4 --nodes 5 --faults all --disk-faults --membership --snapshots 8";
    raft_sim(safe, &["--trace", &trace, "--history", &history]);
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(text.contains(r#""kind":"snapshot""#) && text.contains(r#""how":"installed""#));
    let verdict = outside_check(&trace, Some(&history));
    assert_eq!(verdict.code, 0, "{verdict}");
    for property in SAFETY.into_iter().chain(["linearizability"]) {
        assert!(verdict.is_ok(property), "{property}:\n{verdict}");
    }
    let unsafe_run =
        "run --seed 2 --nodes 3 --faults all --snapshots 8 --unsafe snapshot-uncommitted";
    raft_sim(unsafe_run, &["--trace", &trace]);
    let verdict = outside_check(&trace, None);
    assert_eq!(verdict.code, 1, "{verdict}");
    assert!(verdict.is_violated("state_machine_safety"), "{verdict}");
}

/// Forty concurrent writes and a read of a value none of them wrote: no
/// order can explain the read, which the checker says at once (its search
/// used to try the writes' orders until its budget ran out, and answered
/// "inconclusive"). A read of a value a write wrote is fine. JSON
/// nested beyond Python's recursion limit is unreadable input (exit 2),
/// not a crash (which exited 1, "violated").
#[test]
fn a_read_of_a_value_nobody_wrote_is_caught_at_once() {
    let dir = TempDir::new("unwritten");
    let trace = dir.file("t.jsonl");
    raft_sim("run --seed 1 --duration 2s", &["--trace", &trace]);
    let op = |client: u64, op: &str, value: &str, result: &str| {
        format!(
            r#"{{"client":{client},"request":1,"op":"{op}","key":"k","value":{value},"from":null,"to":null,"invoke_t":0,"return_t":100,"outcome":"ok","result":{result},"index":null,"redirects":0}}"#
        )
    };
    // Forty writes with the unwritten read; eight with a written one (the
    // search proves that, but not yet through forty).
    for (writes, read, expected_code) in [(40, "\"nope\"", 1), (8, "\"7\"", 0)] {
        let mut ops: Vec<String> = (0..writes)
            .map(|i| op(i + 1, "write", &format!("\"{i}\""), "null"))
            .collect();
        ops.push(op(999, "read", "null", read));
        let history = dir.file("h.json");
        std::fs::write(&history, format!("[{}]", ops.join(","))).unwrap();
        let verdict = outside_check(&trace, Some(&history));
        assert_eq!(verdict.code, expected_code, "{read}: {verdict}");
        if expected_code == 1 {
            assert!(verdict.is_violated("linearizability"), "{verdict}");
            assert!(
                verdict
                    .line("linearizability")
                    .contains("needs the value 'nope', which no operation on the key writes"),
                "{verdict}"
            );
        } else {
            assert!(verdict.is_ok("linearizability"), "{verdict}");
        }
    }
    let nested = dir.file("nested.json");
    std::fs::write(
        &nested,
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let verdict = outside_check(&trace, Some(&nested));
    assert_eq!(verdict.code, 2, "{verdict}");
    assert!(
        verdict.stderr.contains("JSON nested too deeply"),
        "{verdict}"
    );
    assert!(!verdict.stderr.contains("Traceback"), "{verdict}");
}
