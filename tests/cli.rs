//! The `raft-sim` command line: its contract as documented in the README.

use std::process::{Command, Output};

fn raft_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raft-sim"))
        .args(args)
        .output()
        .expect("raft-sim runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_prints_the_summary_and_exits_zero() {
    let o = raft_sim(&[
        "run",
        "--seed",
        "4",
        "--nodes",
        "5",
        "--duration",
        "20s",
        "--faults",
        "all",
    ]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    for needle in [
        "derived from the seed:",
        "node 3 first election timeout",
        "leaders by term: 1:n",
        "entries committed: ",
        "client ops: ",
        "election_safety            ok",
        "state_machine_safety       ok",
        "linearizability: linearizable",
        "liveness: stable leader",
        "trace hash: ",
        "verdict: PASS",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
}

#[test]
fn the_same_seed_prints_the_same_trace_hash() {
    let hash = |o: Output| {
        let out = stdout(&o);
        out.lines()
            .find(|l| l.starts_with("trace hash:"))
            .unwrap()
            .to_string()
    };
    let args = ["run", "--seed", "9", "--duration", "10s", "--faults", "all"];
    assert_eq!(hash(raft_sim(&args)), hash(raft_sim(&args)));
}

#[test]
fn sweep_ends_with_the_summary_line() {
    let o = raft_sim(&[
        "sweep",
        "--seeds",
        "1..20",
        "--duration",
        "10s",
        "--faults",
        "all",
    ]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("seeds: 20, events: "), "{last}");
    assert!(last.ends_with(", violations: 0"), "{last}");
}

#[test]
fn a_sweep_with_an_unsafe_switch_reports_violations_and_fails() {
    let o = raft_sim(&[
        "sweep",
        "--seeds",
        "1..100",
        "--faults",
        "all",
        "--unsafe",
        "vote-without-log-check",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL seed "), "{out}");
    let last = out.lines().last().unwrap();
    assert!(!last.ends_with("violations: 0"), "{last}");
}

#[test]
fn help_lists_every_unsafe_switch() {
    let o = raft_sim(&["--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for s in raft_playground::raft::UnsafeSwitch::ALL {
        assert!(out.contains(s.name()), "{} missing from --help", s.name());
    }
}

#[test]
fn bad_arguments_get_a_clear_message_and_exit_2() {
    let cases: [(&[&str], &str); 10] = [
        (&[], "no command given"),
        (&["fly"], "unknown command 'fly'"),
        (&["run", "--seed"], "--seed needs a value"),
        (
            &["run", "--seed", "abc"],
            "--seed takes a non-negative whole number",
        ),
        (&["run", "--nodes", "1000000"], "nodes must be 1..=25"),
        (&["run", "--duration", "-5s"], "is not a duration"),
        (&["run", "--faults", "some"], "--faults takes none or all"),
        (&["run", "--unsafe", "yolo"], "unknown unsafe switch 'yolo'"),
        (&["sweep", "--seeds", "9..2"], "--seeds takes A..B"),
        (&["run", "--rate", "-3"], "rate must be > 0"),
    ];
    for (args, expected) in cases {
        let o = raft_sim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains(expected),
            "{args:?}: '{err}' lacks '{expected}'"
        );
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
}

#[test]
fn unwritable_output_files_are_reported_not_panicked() {
    let o = raft_sim(&[
        "run",
        "--duration",
        "1s",
        "--trace",
        "/nonexistent/dir/t.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write '/nonexistent/dir/t.jsonl'"));
}

#[test]
fn trace_and_history_files_have_the_documented_shape() {
    let dir = std::env::temp_dir().join(format!("raft-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (trace, history) = (dir.join("t.jsonl"), dir.join("h.json"));
    let o = raft_sim(&[
        "run",
        "--seed",
        "3",
        "--duration",
        "5s",
        "--clients",
        "2",
        "--trace",
        trace.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let trace = std::fs::read_to_string(trace).unwrap();
    assert!(trace
        .lines()
        .all(|l| l.starts_with("{\"t\":") && l.contains("\"kind\":")));
    for kind in [
        "state",
        "apply",
        "leader_log",
        "send",
        "deliver",
        "invoke",
        "return",
    ] {
        assert!(
            trace.contains(&format!("\"kind\":\"{kind}\"")),
            "no {kind} event"
        );
    }
    assert!(trace.contains("\"role\":\"leader\""));
    assert!(trace.contains("\"command\":\"noop\""));
    let history = std::fs::read_to_string(history).unwrap();
    assert!(history.trim_start().starts_with('[') && history.trim_end().ends_with(']'));
    assert!(history.contains("\"outcome\":\"ok\"") && history.contains("\"invoke_t\":"));
    std::fs::remove_dir_all(dir).unwrap();
}
