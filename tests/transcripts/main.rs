//! Transcript tests in the style of etcd-io/raft's datadriven tests
//! (`interaction_test.go` and `testdata/*.txt`): every file under
//! `tests/testdata/` (subfolders `core/`, `sim/`, `linearizability/`)
//! interleaves commands with the output they must produce.
//!
//! # File syntax
//!
//! ```text
//! # A comment. Comments and blank lines between cases are kept as they are.
//! command arg key=value ...
//! optional input line(s)
//! ----
//! expected output line(s)
//! <blank line or end of file>
//! ```
//!
//! A case is a command line, any input lines, a `----` line, and the
//! expected output up to the next blank line. Output never has blank lines;
//! a command with nothing to say prints `ok`. Arguments are split on
//! spaces, except inside `{...}`, `[...]` and `(...)`. The runner compares
//! each output with the expected block and fails naming the file, the line of
//! the command, and a line diff. With `REWRITE=1` in the environment it
//! writes the produced output into the files instead.
//!
//! Times are `300ms`, `1s`, `250us` (a plain number is microseconds) and
//! print as `300ms` or `1500us`. Nodes are `1` or `n1`. Log entries are
//! `index/term` (a no-op) or `index/term:cC#R:op` with op `write(k,v)`,
//! `read(k)` or `cas(k,from,to)`: a client command of client C, request R.
//!
//! ## core (`tests/testdata/core/`): one or more `RaftNode`s by hand
//!
//! Every file has one clock (`now`, starting at 0); `at=T` on any command
//! sets it first. Messages a node sends are printed and queued in one FIFO
//! network; they reach a node only through `deliver` or `stabilize`.
//!
//! * `node ID members=1,2,3|1..5 [term=T] [vote=N] [log=[1/1 2/1 ...]]
//!   [timeout=300ms|150ms..300ms] [heartbeat=50ms] [seed=N] [max-append=N]
//!   [with=pre-vote,check-quorum] [unsafe=NAME,...] [snapshot-every=N]
//!   [chunk=N]`: a server restarted at
//!   `now` from that persistent
//!   state. The election timeout defaults to exactly 300 ms (min = max) so
//!   that times in transcripts are predictable; heartbeats to 50 ms. Prints
//!   its state.
//! * `tick ID`: `RaftNode::tick` at `now`.
//! * `timeout ID`: `RaftNode::force_timeout`.
//! * `transfer ID to=N`: `RaftNode::transfer_leadership` to server N.
//! * `step nFROM -> nTO MESSAGE`: `RaftNode::step` with the message written as
//!   `describe` prints it:
//!   `RequestVote{term:2 last:3/2}` (candidate's last log index/term; with
//!   ` transfer` when a leadership transfer started it),
//!   `TimeoutNow{term:2}`,
//!   `RequestVoteReply{term:2 granted|rejected}`,
//!   `PreVote{term:3 last:3/2}` (the term it would stand in),
//!   `PreVoteReply{term:3 granted|rejected}`,
//!   `AppendEntries{term:2 prev:3/2 commit:1 entries:[4/2 5/2:c1#1:write(x,1)]}`
//!   (`entries` left out when empty),
//!   `AppendEntriesReply{term:2 ok match:5}`,
//!   `AppendEntriesReply{term:2 reject prev:3 hint:2/1}` (the rejected
//!   request's prevLogIndex; the hint as index/term, or index alone).
//!   InstallSnapshot and its reply are printed
//!   (`InstallSnapshot{term:2 last:6/2 offset:0 of:3 data:[x=1]}`, the
//!   records as `key=value` or `cC#R` for a client's session) but cannot be
//!   written: a transcript cannot forge a snapshot.
//! * `propose ID cC#R OP`: `RaftNode::propose`.
//! * `restart ID`: crash and restart from `into_persistent()` (same config).
//! * `state ID...`: role, term, vote, commit, applied, leader hint, the next
//!   deadline (`timer` for an election, `heartbeat` for a leader), the log,
//!   the key-value store, and a leader's nextIndex/matchIndex per follower.
//! * `deliver [from=N] [to=N]`: delivers, in order, the queued messages that
//!   match (one round: what they cause is queued, not delivered). Each is
//!   printed, then what the receiver did, indented.
//! * `stabilize`: `deliver` until the network is empty.
//! * `drop [from=N] [to=N]`: discards the matching queued messages.
//! * `msgs`: prints the queue.
//!
//! What an input produced is printed in this order: the changes of role,
//! term, vote, commit index and leader hint; log changes; entries applied;
//! replies to clients; messages sent (`n1 -> n2 MESSAGE`).
//!
//! ## sim (`tests/testdata/sim/`): a whole simulated cluster
//!
//! * `cluster seed=S nodes=N`: a `Simulation` with the playground's timing
//!   (`raft_playground::view::playground::playground_config`: election
//!   timeouts 100-200 ms, heartbeats 50 ms, the default network), no
//!   background clients, trace recording on. Prints each node's first
//!   election deadline.
//! * `schedule` with input lines, each one action in the scenario-file shape
//!   (`{"t":500000,"action":"stop","node":3}`, `t` in microseconds from the
//!   start, docs/scenario-format.md).
//! * `run DURATION`: runs the simulation for that long. Prints the new
//!   event-log sentences (`raft_playground::view::event_log::EventLog`), then
//!   each node: role (or `stopped`), term, commit and log (index/term).
//!
//! ## linearizability (`tests/testdata/linearizability/`)
//!
//! * `check [budget=N]` with input lines, each one record of the history
//!   format (docs/history-format.md; `[`, `]` lines and trailing commas are
//!   allowed). Runs `sim::linearizability::check` (budget 100000 steps per
//!   key by default) and prints what was checked and the verdict.
#![cfg(not(target_arch = "wasm32"))]

use raft_playground::raft::{
    ClientCommand, ClientReply, Config, ConfigChange, ConflictHint, Entry, Envelope, LogChange,
    LogIndex, Membership, Message, NodeId, Op, OpResult, Output, Payload, PersistentState, RaftLog,
    RaftNode, ReadPath, ReplyOutcome, Rng, Role, SnapshotRecord, Term, Time, Timing, UnsafeSwitch,
    UnsafeSwitches, MILLIS,
};
use raft_playground::sim::action_record::{ActionRecord, OpKind};
use raft_playground::sim::history::{HistoryRecord, Operation};
use raft_playground::sim::linearizability::{check, Verdict};
use raft_playground::sim::{Action, Simulation};
use raft_playground::view::event_log::{EventLog, KEEP};
use raft_playground::view::playground::playground_config;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;

// ---------------------------------------------------------------------------
// The file format.
// ---------------------------------------------------------------------------

/// One command with its expected output.
#[derive(Clone, Debug)]
struct Case {
    /// Comment and blank lines before the command, kept verbatim.
    preamble: Vec<String>,
    /// 1-based line number of the command.
    line: usize,
    command: String,
    input: Vec<String>,
    expected: Vec<String>,
}

#[derive(Clone, Debug)]
struct Transcript {
    cases: Vec<Case>,
    /// Comment lines after the last case.
    trailer: Vec<String>,
}

fn is_filler(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with('#')
}

fn parse_transcript(name: &str, text: &str) -> Result<Transcript, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut preamble = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if is_filler(lines[i]) {
            preamble.push(lines[i].to_string());
            i += 1;
            continue;
        }
        let line = i + 1;
        let command = lines[i].trim_end().to_string();
        i += 1;
        let mut input = Vec::new();
        while i < lines.len() && lines[i] != "----" {
            if lines[i].trim().is_empty() {
                return Err(format!(
                    "{name}:{line}: `{command}` has no `----` line before a blank line"
                ));
            }
            input.push(lines[i].to_string());
            i += 1;
        }
        if i == lines.len() {
            return Err(format!("{name}:{line}: `{command}` has no `----` line"));
        }
        i += 1; // the `----`
        let mut expected = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            expected.push(lines[i].to_string());
            i += 1;
        }
        i += 1; // the blank line that ends the output, if any
        cases.push(Case {
            preamble: std::mem::take(&mut preamble),
            line,
            command,
            input,
            expected,
        });
    }
    while preamble.last().is_some_and(|l| l.trim().is_empty()) {
        preamble.pop();
    }
    Ok(Transcript {
        cases,
        trailer: preamble,
    })
}

fn render_transcript(t: &Transcript) -> String {
    let mut out = String::new();
    for (i, case) in t.cases.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for line in &case.preamble {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&case.command);
        out.push('\n');
        for line in &case.input {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("----\n");
        for line in &case.expected {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !t.trailer.is_empty() {
        out.push('\n');
        for line in &t.trailer {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A line diff of `expected` against `actual` (longest common subsequence).
fn diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::from("--- expected\n+++ actual\n");
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "  {}", expected[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "+ {}", actual[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "- {}", expected[i]);
            i += 1;
        }
    }
    out
}

/// Which interpreter a file's commands go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Core,
    Sim,
    Linearizability,
}

fn kind_of(path: &Path) -> Result<Kind, String> {
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|f| f.to_str())
        .unwrap_or("");
    match folder {
        "core" => Ok(Kind::Core),
        "sim" => Ok(Kind::Sim),
        "linearizability" => Ok(Kind::Linearizability),
        other => Err(format!(
            "{}: transcripts live in core/, sim/ or linearizability/, not {other:?}",
            path.display()
        )),
    }
}

/// Runs every case of `text`. Returns the transcript with the produced
/// outputs (for REWRITE), or a message naming the file and line of each
/// mismatch.
fn run_transcript(name: &str, kind: Kind, text: &str) -> Result<String, String> {
    let mut transcript = parse_transcript(name, text)?;
    let mut interpreter: Box<dyn Interpreter> = match kind {
        Kind::Core => Box::new(Core::default()),
        Kind::Sim => Box::new(Sim::default()),
        Kind::Linearizability => Box::new(Lin),
    };
    let mut failures = Vec::new();
    for case in &mut transcript.cases {
        let mut output = interpreter
            .run(&case.command, &case.input)
            .map_err(|e| format!("{name}:{}: `{}`: {e}", case.line, case.command))?;
        if output.is_empty() {
            output.push("ok".into());
        }
        if let Some(blank) = output.iter().position(|l| l.trim().is_empty()) {
            return Err(format!(
                "{name}:{}: `{}` produced a blank output line {}",
                case.line,
                case.command,
                blank + 1
            ));
        }
        if output != case.expected {
            failures.push(format!(
                "{name}:{}: `{}` produced a different output\n{}",
                case.line,
                case.command,
                diff(&case.expected, &output)
            ));
        }
        case.expected = output;
    }
    if failures.is_empty() || rewriting() {
        Ok(render_transcript(&transcript))
    } else {
        Err(failures.join("\n"))
    }
}

fn rewriting() -> bool {
    std::env::var_os("REWRITE").is_some_and(|v| !v.is_empty() && v != "0")
}

trait Interpreter {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String>;
}

// The parts, each in its file.
mod args;
mod cluster;
mod history;
mod messages;
mod nodes;
mod values;
use args::*;
use cluster::Sim;
use history::Lin;
use messages::*;
use nodes::Core;
use values::*;

// ---------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata")
}

fn transcript_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in ["core", "sim", "linearizability"] {
        let dir = testdata().join(folder);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn display_name(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn transcripts() {
    let files = transcript_files();
    let mut failures = Vec::new();
    for path in &files {
        let name = display_name(path);
        let text = std::fs::read_to_string(path).expect("a readable transcript");
        let kind = kind_of(path).unwrap();
        match run_transcript(&name, kind, &text) {
            Ok(rewritten) => {
                if rewriting() && rewritten != text {
                    std::fs::write(path, rewritten).expect("a writable transcript");
                    eprintln!("rewrote {name}");
                }
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts failed (REWRITE=1 rewrites them with the output produced):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
    assert!(files.len() >= 30, "only {} transcripts", files.len());
}

/// The runner catches a difference: one transcript with a deliberately
/// altered expectation (in memory only) fails, naming the file and the line
/// of the command whose output differs.
#[test]
fn a_wrong_expectation_fails_with_file_and_line() {
    if rewriting() {
        return; // REWRITE accepts every output by design.
    }
    let path = testdata().join("core/5.2-follower-times-out-and-starts-election.txt");
    let name = display_name(&path);
    let text = std::fs::read_to_string(&path).expect("the transcript exists");
    let transcript = parse_transcript(&name, &text).unwrap();
    // Alter the output of the `tick` that starts the election.
    let case = transcript
        .cases
        .iter()
        .find(|c| c.command.starts_with("tick") && c.expected[0].contains("candidate"))
        .expect("the tick that starts the election");
    let altered_line = case.expected[0].clone();
    let altered = text.replacen(
        &format!("----\n{altered_line}\n"),
        &format!("----\n{}\n", altered_line.replace("candidate", "leader")),
        1,
    );
    assert_ne!(altered, text, "the expectation was altered");
    let error = run_transcript(&name, Kind::Core, &altered).expect_err("the runner must fail");
    let location = format!("{name}:{}:", case.line);
    assert!(error.contains(&location), "names {location}: {error}");
    assert!(error.contains("--- expected"), "shows a diff: {error}");
    assert!(error.contains(&format!("+ {altered_line}")), "{error}");
    // And the unaltered transcript passes.
    run_transcript(&name, Kind::Core, &text).expect("the real transcript passes");
}

#[test]
fn messages_read_back_as_described() {
    let samples = [
        "RequestVote{term:2 last:3/2}",
        "RequestVoteReply{term:2 granted}",
        "RequestVoteReply{term:3 rejected}",
        "AppendEntries{term:2 prev:1/1 commit:1 entries:[2/2 3/2:c1#4:write(x,1) 4/2:c2#1:cas(x,1,2)]}",
        "AppendEntries{term:2 prev:0/0 commit:0}",
        "AppendEntriesReply{term:2 ok match:5}",
        "AppendEntriesReply{term:2 reject prev:3 hint:2/1}",
        "AppendEntriesReply{term:2 reject prev:9 hint:4}",
        "ReadHeartbeat{term:2 round:3}",
        "ReadHeartbeatReply{term:2 round:3}",
        "ReadIndex{term:2 read:c1#4}",
        "ReadIndexReply{term:2 read:c1#4 index:7}",
        "ReadIndexReply{term:3 read:c1#4 refused}",
        "InstallSnapshotReply{term:2 last:6 received:3}",
        "InstallSnapshotReply{term:2 last:6 received:4 done}",
    ];
    for text in samples {
        let message = parse_message(text).unwrap();
        assert_eq!(describe_message(&message), text);
    }
}
