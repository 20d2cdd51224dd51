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

// ---------------------------------------------------------------------------
// Arguments.
// ---------------------------------------------------------------------------

/// Splits on spaces outside `{}`, `[]` and `()`.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Positional arguments and `key=value` options of one command line.
struct Args {
    positional: Vec<String>,
    options: BTreeMap<String, String>,
}

impl Args {
    fn parse(words: &[String]) -> Args {
        let mut positional = Vec::new();
        let mut options = BTreeMap::new();
        for w in words {
            match w.split_once('=') {
                Some((k, v)) if !w.starts_with(['{', '[', '(']) && !k.contains(['{', '(']) => {
                    options.insert(k.to_string(), v.to_string());
                }
                _ => positional.push(w.clone()),
            }
        }
        Args {
            positional,
            options,
        }
    }

    fn take(&mut self, key: &str) -> Option<String> {
        self.options.remove(key)
    }

    fn done(&self) -> Result<(), String> {
        match self.options.keys().next() {
            Some(k) => Err(format!("unknown option {k}=")),
            None => Ok(()),
        }
    }
}

fn number(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a number"))
}

fn node_id(text: &str) -> Result<NodeId, String> {
    number(text.strip_prefix('n').unwrap_or(text))
}

fn time(text: &str) -> Result<Time, String> {
    if text.chars().all(|c| c.is_ascii_digit()) {
        return number(text);
    }
    raft_playground::sim::parse_duration(text)
}

fn show_time(t: Time) -> String {
    if t.is_multiple_of(MILLIS) {
        format!("{}ms", t / MILLIS)
    } else {
        format!("{t}us")
    }
}

fn members(text: &str) -> Result<Vec<NodeId>, String> {
    if text == "none" {
        return Ok(vec![]);
    }
    if let Some((a, b)) = text.split_once("..") {
        return Ok((number(a)?..=number(b)?).collect());
    }
    text.split(',').map(number).collect()
}

// ---------------------------------------------------------------------------
// Describing and parsing the core's values.
// ---------------------------------------------------------------------------

fn describe_op(op: &Op) -> String {
    match op {
        Op::Read { key } => format!("read({key})"),
        Op::Write { key, value } => format!("write({key},{value})"),
        Op::Cas { key, from, to } => format!("cas({key},{from},{to})"),
    }
}

fn parse_op(text: &str) -> Result<Op, String> {
    let (name, rest) = text
        .split_once('(')
        .ok_or_else(|| format!("{text:?} is not an op like write(k,v)"))?;
    let args: Vec<String> = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("{text:?} lacks its `)`"))?
        .split(',')
        .map(str::to_string)
        .collect();
    match (name, args.as_slice()) {
        ("read", [key]) => Ok(Op::Read { key: key.clone() }),
        ("write", [key, value]) => Ok(Op::Write {
            key: key.clone(),
            value: value.clone(),
        }),
        ("cas", [key, from, to]) => Ok(Op::Cas {
            key: key.clone(),
            from: from.clone(),
            to: to.clone(),
        }),
        _ => Err(format!(
            "{text:?} is not read(k), write(k,v) or cas(k,from,to)"
        )),
    }
}

fn describe_command(c: &ClientCommand) -> String {
    format!("c{}#{}:{}", c.client, c.request, describe_op(&c.op))
}

/// `c1#2` and an op.
fn parse_command(who: &str, op: &str) -> Result<ClientCommand, String> {
    let (client, request) = who
        .strip_prefix('c')
        .and_then(|s| s.split_once('#'))
        .ok_or_else(|| format!("{who:?} is not a client request like c1#2"))?;
    Ok(ClientCommand {
        client: number(client)?,
        request: number(request)?,
        op: parse_op(op)?,
    })
}

fn describe_entry(index: LogIndex, e: &Entry) -> String {
    match &e.payload {
        Payload::Noop => format!("{index}/{}", e.term),
        Payload::Command(c) => format!("{index}/{}:{}", e.term, describe_command(c)),
        Payload::Config(m) => format!("{index}/{}:config:{}", e.term, describe_membership(m)),
    }
}

/// `voters=1,2,3;learners=4;old=1,2` (empty parts left out).
fn describe_membership(m: &Membership) -> String {
    let parts = [
        ("voters", &m.voters),
        ("learners", &m.learners),
        ("old", &m.outgoing),
    ];
    let present = parts
        .iter()
        .filter(|(name, ids)| *name == "voters" || !ids.is_empty());
    let text: Vec<String> = present
        .map(|(name, ids)| {
            let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
            format!("{name}={}", ids.join(","))
        })
        .collect();
    text.join(";")
}

fn parse_membership(text: &str) -> Result<Membership, String> {
    let mut m = Membership::default();
    for part in text.split(';') {
        let (name, ids) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not like voters=1,2,3"))?;
        let ids = if ids.is_empty() {
            vec![]
        } else {
            members(ids)?
        };
        match name {
            "voters" => m.voters = ids,
            "learners" => m.learners = ids,
            "old" => m.outgoing = ids,
            _ => return Err(format!("{name:?} is not voters, learners or old")),
        }
    }
    Ok(m)
}

fn describe_entries(first: LogIndex, entries: &[Entry]) -> String {
    let items: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| describe_entry(first + i as LogIndex, e))
        .collect();
    format!("[{}]", items.join(" "))
}

/// `index/term` or `index/term:cC#R:op`.
fn parse_entry(text: &str) -> Result<(LogIndex, Entry), String> {
    let mut parts = text.splitn(3, ':');
    let position = parts.next().unwrap_or_default();
    let (index, term) = position
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not an entry like 3/2"))?;
    let payload = match (parts.next(), parts.next()) {
        (None, _) => Payload::Noop,
        (Some("config"), Some(m)) => Payload::Config(Rc::new(parse_membership(m)?)),
        (Some(who), Some(op)) => Payload::Command(Rc::new(parse_command(who, op)?)),
        (Some(_), None) => return Err(format!("{text:?}: a command entry is I/T:cC#R:op")),
    };
    Ok((
        number(index)?,
        Entry {
            term: number(term)?,
            payload,
        },
    ))
}

/// `[1/1 2/1 ...]`, checking that indices follow `first`, `first + 1`, ...
fn parse_entries(text: &str, first: LogIndex) -> Result<Vec<Entry>, String> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| format!("{text:?} is not a list of entries like [1/1 2/1]"))?;
    let mut out = Vec::new();
    for (i, word) in tokens(inner).iter().enumerate() {
        let (index, entry) = parse_entry(word)?;
        if index != first + i as LogIndex {
            return Err(format!(
                "entry {word:?} should have index {}",
                first + i as LogIndex
            ));
        }
        out.push(entry);
    }
    Ok(out)
}

/// The one text form of a message, read back by `parse_message`.
fn describe_message(m: &Message) -> String {
    match m {
        Message::RequestVote {
            term,
            last_log_index,
            last_log_term,
            leadership_transfer,
        } => format!(
            "RequestVote{{term:{term} last:{last_log_index}/{last_log_term}{}}}",
            if *leadership_transfer {
                " transfer"
            } else {
                ""
            }
        ),
        Message::TimeoutNow { term } => format!("TimeoutNow{{term:{term}}}"),
        Message::ReadHeartbeat { term, round } => {
            format!("ReadHeartbeat{{term:{term} round:{round}}}")
        }
        Message::ReadHeartbeatReply { term, round } => {
            format!("ReadHeartbeatReply{{term:{term} round:{round}}}")
        }
        Message::ReadIndex {
            term,
            client,
            request,
        } => format!("ReadIndex{{term:{term} read:c{client}#{request}}}"),
        Message::ReadIndexReply {
            term,
            client,
            request,
            index,
        } => match index {
            Some(i) => format!("ReadIndexReply{{term:{term} read:c{client}#{request} index:{i}}}"),
            None => format!("ReadIndexReply{{term:{term} read:c{client}#{request} refused}}"),
        },
        Message::RequestVoteReply { term, vote_granted } => format!(
            "RequestVoteReply{{term:{term} {}}}",
            if *vote_granted { "granted" } else { "rejected" }
        ),
        Message::PreVote {
            term,
            last_log_index,
            last_log_term,
        } => format!("PreVote{{term:{term} last:{last_log_index}/{last_log_term}}}"),
        Message::PreVoteReply { term, vote_granted } => format!(
            "PreVoteReply{{term:{term} {}}}",
            if *vote_granted { "granted" } else { "rejected" }
        ),
        Message::AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } => {
            let mut s = format!(
                "AppendEntries{{term:{term} prev:{prev_log_index}/{prev_log_term} commit:{leader_commit}"
            );
            if !entries.is_empty() {
                s.push_str(" entries:");
                s.push_str(&describe_entries(prev_log_index + 1, entries));
            }
            s.push('}');
            s
        }
        Message::AppendEntriesReply {
            term,
            success: true,
            match_index,
            ..
        } => format!("AppendEntriesReply{{term:{term} ok match:{match_index}}}"),
        Message::AppendEntriesReply {
            term,
            success: false,
            rejected_index,
            hint,
            ..
        } => {
            let hint = match hint.term {
                Some(t) => format!("{}/{t}", hint.index),
                None => hint.index.to_string(),
            };
            format!("AppendEntriesReply{{term:{term} reject prev:{rejected_index} hint:{hint}}}")
        }
        // Written, never read back: a transcript cannot forge a snapshot.
        Message::InstallSnapshot {
            term,
            meta,
            offset,
            records,
        } => {
            let data: Vec<String> = records.iter().map(describe_record).collect();
            format!(
                "InstallSnapshot{{term:{term} last:{}/{} offset:{offset} of:{} data:[{}]}}",
                meta.last_index,
                meta.last_term,
                meta.records,
                data.join(" ")
            )
        }
        Message::InstallSnapshotReply {
            term,
            last_index,
            received,
            done,
        } => format!(
            "InstallSnapshotReply{{term:{term} last:{last_index} received:{received}{}}}",
            if *done { " done" } else { "" }
        ),
    }
}

fn describe_record(record: &SnapshotRecord) -> String {
    match record {
        SnapshotRecord::Pair { key, value } => format!("{key}={value}"),
        SnapshotRecord::Session {
            client, request, ..
        } => format!("c{client}#{request}"),
    }
}

fn pair(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not index/term"))?;
    Ok((number(a)?, number(b)?))
}

fn parse_message(text: &str) -> Result<Message, String> {
    let (kind, rest) = text
        .split_once('{')
        .ok_or_else(|| format!("{text:?} is not a message like RequestVote{{term:2 last:0/0}}"))?;
    let body = rest
        .strip_suffix('}')
        .ok_or_else(|| format!("{text:?} lacks its `}}`"))?;
    let mut fields = BTreeMap::new();
    let mut flags = Vec::new();
    for word in tokens(body) {
        match word.split_once(':') {
            Some((k, v)) => {
                fields.insert(k.to_string(), v.to_string());
            }
            None => flags.push(word),
        }
    }
    let field = |k: &str| {
        fields
            .get(k)
            .cloned()
            .ok_or_else(|| format!("{kind} needs {k}:"))
    };
    let term = number(&field("term")?)?;
    let flag = |f: &str| flags.iter().any(|x| x == f);
    Ok(match kind {
        "RequestVote" => {
            let (last_log_index, last_log_term) = pair(&field("last")?)?;
            Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
                leadership_transfer: flag("transfer"),
            }
        }
        "TimeoutNow" => Message::TimeoutNow { term },
        "ReadHeartbeat" => Message::ReadHeartbeat {
            term,
            round: number(&field("round")?)?,
        },
        "ReadHeartbeatReply" => Message::ReadHeartbeatReply {
            term,
            round: number(&field("round")?)?,
        },
        "ReadIndex" => {
            let read = parse_command(&field("read")?, "read(x)")?;
            Message::ReadIndex {
                term,
                client: read.client,
                request: read.request,
            }
        }
        "ReadIndexReply" => {
            let read = parse_command(&field("read")?, "read(x)")?;
            let index = match flag("refused") {
                true => None,
                false => Some(number(&field("index")?)?),
            };
            Message::ReadIndexReply {
                term,
                client: read.client,
                request: read.request,
                index,
            }
        }
        "RequestVoteReply" if flag("granted") || flag("rejected") => Message::RequestVoteReply {
            term,
            vote_granted: flag("granted"),
        },
        "PreVote" => {
            let (last_log_index, last_log_term) = pair(&field("last")?)?;
            Message::PreVote {
                term,
                last_log_index,
                last_log_term,
            }
        }
        "InstallSnapshotReply" => Message::InstallSnapshotReply {
            term,
            last_index: number(&field("last")?)?,
            received: number(&field("received")?)?,
            done: flag("done"),
        },
        "PreVoteReply" if flag("granted") || flag("rejected") => Message::PreVoteReply {
            term,
            vote_granted: flag("granted"),
        },
        "AppendEntries" => {
            let (prev_log_index, prev_log_term) = pair(&field("prev")?)?;
            let entries = match fields.get("entries") {
                Some(e) => parse_entries(e, prev_log_index + 1)?,
                None => Vec::new(),
            };
            Message::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit: number(&field("commit")?)?,
            }
        }
        "AppendEntriesReply" if flag("ok") => Message::AppendEntriesReply {
            term,
            success: true,
            match_index: number(&field("match")?)?,
            rejected_index: 0,
            hint: ConflictHint::default(),
        },
        "AppendEntriesReply" if flag("reject") => {
            let hint_text = field("hint")?;
            let hint = match hint_text.split_once('/') {
                Some(_) => {
                    let (index, term) = pair(&hint_text)?;
                    ConflictHint {
                        index,
                        term: Some(term),
                    }
                }
                None => ConflictHint {
                    index: number(&hint_text)?,
                    term: None,
                },
            };
            Message::AppendEntriesReply {
                term,
                success: false,
                match_index: 0,
                rejected_index: number(&field("prev")?)?,
                hint,
            }
        }
        _ => return Err(format!("{text:?} is not a message this runner knows")),
    })
}

fn describe_envelope(e: &Envelope) -> String {
    format!("n{} -> n{} {}", e.from, e.to, describe_message(&e.message))
}

fn describe_result(r: &OpResult) -> String {
    match r {
        OpResult::Written => "written".into(),
        OpResult::ReadValue(Some(v)) => format!("read {v}"),
        OpResult::ReadValue(None) => "read absent".into(),
        OpResult::CasOk => "cas ok".into(),
        OpResult::CasFailed { current: Some(v) } => format!("cas failed, current {v}"),
        OpResult::CasFailed { current: None } => "cas failed, current absent".into(),
        OpResult::Stale => "stale (not executed)".into(),
    }
}

fn describe_reply(node: NodeId, r: &ClientReply) -> String {
    let outcome = match &r.outcome {
        ReplyOutcome::Applied { index, result } => {
            format!("applied at {index}: {}", describe_result(result))
        }
        ReplyOutcome::NotLeader {
            leader_hint: Some(l),
        } => format!("not leader, try n{l}"),
        ReplyOutcome::NotLeader { leader_hint: None } => "not leader, no hint".into(),
        ReplyOutcome::Overwritten { index } => format!("overwritten at {index}"),
        ReplyOutcome::Read {
            index,
            result,
            served_by,
        } => format!(
            "{} by {} at {index}",
            describe_result(result),
            served_by.name()
        ),
    };
    format!("n{node} replies to c{}#{}: {outcome}", r.client, r.request)
}

fn vote_text(v: Option<NodeId>) -> String {
    v.map_or("none".into(), |n| format!("n{n}"))
}

/// What a test can see of a node between inputs, to print what changed.
#[derive(Clone, PartialEq, Eq)]
struct Summary {
    role: Role,
    term: Term,
    vote: Option<NodeId>,
    commit: LogIndex,
    leader: Option<NodeId>,
    membership: Membership,
}

impl Summary {
    fn of(n: &RaftNode) -> Summary {
        Summary {
            role: n.role(),
            term: n.current_term(),
            vote: n.voted_for(),
            commit: n.commit_index(),
            leader: n.leader_hint(),
            membership: n.membership().clone(),
        }
    }

    /// `n1: role follower->candidate, term 1->2, vote none->n1`.
    fn changes(&self, after: &Summary, id: NodeId) -> Option<String> {
        let mut parts = Vec::new();
        if self.role != after.role {
            parts.push(format!(
                "role {}->{}",
                self.role.as_str(),
                after.role.as_str()
            ));
        }
        if self.term != after.term {
            parts.push(format!("term {}->{}", self.term, after.term));
        }
        if self.vote != after.vote {
            parts.push(format!(
                "vote {}->{}",
                vote_text(self.vote),
                vote_text(after.vote)
            ));
        }
        if self.membership != after.membership {
            let (old, new) = (&self.membership, &after.membership);
            let (old, new) = (describe_membership(old), describe_membership(new));
            parts.push(format!("membership {old} -> {new}"));
        }
        if self.commit != after.commit {
            parts.push(format!("commit {}->{}", self.commit, after.commit));
        }
        if self.leader != after.leader {
            parts.push(format!(
                "leader {}->{}",
                vote_text(self.leader),
                vote_text(after.leader)
            ));
        }
        (!parts.is_empty()).then(|| format!("n{id}: {}", parts.join(", ")))
    }
}

fn describe_output(node: &RaftNode, before: &Summary, out: &Output) -> Vec<String> {
    let id = node.id();
    let mut lines = Vec::new();
    lines.extend(before.changes(&Summary::of(node), id));
    for change in &out.log_changes {
        lines.push(match *change {
            LogChange::Truncated { from } => format!("n{id} log: deleted from {from} on"),
            LogChange::Compacted { through } => format!(
                "n{id} log: compacted through {through}/{} into a snapshot",
                node.log().snapshot_term()
            ),
            LogChange::Installed {
                through,
                kept_suffix,
            } => format!(
                "n{id} log: installed the snapshot through {through}/{}, {}",
                node.log().snapshot_term(),
                if kept_suffix {
                    "kept the entries after it"
                } else {
                    "discarded the rest of its log"
                }
            ),
            LogChange::Appended { from, to } => {
                let entries: Option<Vec<Entry>> =
                    (from..=to).map(|i| node.log().entry(i).cloned()).collect();
                match entries {
                    Some(e) => format!("n{id} log: appended {}", describe_entries(from, &e)),
                    None => format!("n{id} log: appended {from}..{to}"),
                }
            }
        });
    }
    for a in &out.applied {
        let result = a
            .result
            .as_ref()
            .map_or(String::new(), |r| format!(" -> {}", describe_result(r)));
        lines.push(format!(
            "n{id} applied {}{result}",
            describe_entry(a.index, &a.entry)
        ));
    }
    for r in &out.replies {
        lines.push(describe_reply(id, r));
    }
    for m in &out.messages {
        lines.push(describe_envelope(m));
    }
    lines
}

fn describe_state(n: &RaftNode) -> Vec<String> {
    let id = n.id();
    let deadline = match n.role() {
        Role::Leader => format!("heartbeat={}", show_time(n.next_deadline())),
        _ => format!("timer={}", show_time(n.election_deadline())),
    };
    let mut lines = vec![format!(
        "n{id} {} term={} vote={} commit={} applied={} leader={} {deadline}",
        n.role().as_str(),
        n.current_term(),
        vote_text(n.voted_for()),
        n.commit_index(),
        n.last_applied(),
        vote_text(n.leader_hint()),
    )];
    let log = n.log();
    let snapshot = match log.snapshot_index() {
        0 => String::new(),
        index => format!("snapshot={index}/{} ", log.snapshot_term()),
    };
    lines.push(format!(
        "n{id} {snapshot}log={}",
        describe_entries(log.first_index(), &log.entries())
    ));
    let data = n.state_machine().data();
    if !data.is_empty() {
        let pairs: Vec<String> = data.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(format!("n{id} kv={{{}}}", pairs.join(" ")));
    }
    if n.role() == Role::Candidate {
        let votes: Vec<String> = n.votes().iter().map(|v| format!("n{v}")).collect();
        lines.push(format!("n{id} votes={}", votes.join(",")));
    }
    if n.role() == Role::Leader && !n.progress().is_empty() {
        let progress: Vec<String> = n
            .progress()
            .iter()
            .map(|(p, pr)| format!("n{p}:next={},match={}", pr.next_index, pr.match_index))
            .collect();
        lines.push(format!("n{id} progress {}", progress.join(" ")));
    }
    lines
}

// ---------------------------------------------------------------------------
// core: RaftNodes by hand.
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Core {
    now: Time,
    nodes: BTreeMap<NodeId, RaftNode>,
    /// Seeds of each node, bumped at every restart.
    seeds: BTreeMap<NodeId, u64>,
    network: VecDeque<Envelope>,
}

impl Core {
    fn node(&mut self, id: NodeId) -> Result<&mut RaftNode, String> {
        self.nodes
            .get_mut(&id)
            .ok_or_else(|| format!("there is no node n{id}"))
    }

    /// Runs `input` on node `id` and describes what it produced.
    fn input(
        &mut self,
        id: NodeId,
        input: impl FnOnce(&mut RaftNode, Time, &mut Output),
    ) -> Result<Vec<String>, String> {
        let now = self.now;
        let node = self.node(id)?;
        let before = Summary::of(node);
        let mut out = Output::default();
        input(node, now, &mut out);
        // The transcripts' disk is synchronous: what waited for the writes
        // leaves with the rest.
        node.persisted_now(now, &mut out);
        let lines = describe_output(node, &before, &out);
        self.network.extend(out.messages);
        Ok(lines)
    }

    fn create(&mut self, args: &mut Args) -> Result<Vec<String>, String> {
        let id = node_id(args.positional.get(1).ok_or("node needs an id")?)?;
        let members = members(&args.take("members").ok_or("node needs members=")?)?;
        let mut timing = Timing {
            election_timeout_min: 300 * MILLIS,
            election_timeout_max: 300 * MILLIS,
            heartbeat_interval: 50 * MILLIS,
        };
        if let Some(t) = args.take("timeout") {
            let (lo, hi) = t.split_once("..").unwrap_or((&t, &t));
            timing.election_timeout_min = time(lo)?;
            timing.election_timeout_max = time(hi)?;
        }
        if let Some(h) = args.take("heartbeat") {
            timing.heartbeat_interval = time(&h)?;
        }
        let mut switches = UnsafeSwitches::none();
        if let Some(names) = args.take("unsafe") {
            for name in names.split(',') {
                let switch = UnsafeSwitch::from_name(name)
                    .ok_or_else(|| format!("unknown unsafe switch {name:?}"))?;
                switches = switches.with(switch);
            }
        }
        let (mut pre_vote, mut check_quorum) = (false, false);
        if let Some(names) = args.take("with") {
            for name in names.split(',') {
                match name {
                    "pre-vote" => pre_vote = true,
                    "check-quorum" => check_quorum = true,
                    _ => return Err(format!("unknown mechanism {name:?}")),
                }
            }
        }
        let config = Config {
            members,
            timing,
            max_entries_per_append: args
                .take("max-append")
                .map_or(Ok(64), |m| number(&m).map(|m| m as usize))?,
            pre_vote,
            check_quorum,
            reads: match args.take("reads") {
                Some(name) => ReadPath::from_name(&name)
                    .ok_or_else(|| format!("unknown read path {name:?}"))?,
                None => ReadPath::Log,
            },
            max_clock_drift_ppm: args.take("drift").map_or(Ok(0), |d| number(&d))?,
            snapshot_threshold: args
                .take("snapshot-every")
                .map(|n| number(&n))
                .transpose()?,
            snapshot_chunk_records: args
                .take("chunk")
                .map_or(Ok(4), |n| number(&n).map(|n| n as usize))?,
            unsafe_switches: switches,
        };
        let mut log = RaftLog::new();
        if let Some(text) = args.take("log") {
            for entry in parse_entries(&text, 1)? {
                log.append(entry);
            }
        }
        let persistent = PersistentState {
            current_term: args.take("term").map_or(Ok(0), |t| number(&t))?,
            voted_for: args.take("vote").map(|v| node_id(&v)).transpose()?,
            log,
            snapshot: None,
        };
        let seed = args.take("seed").map_or(Ok(id), |s| number(&s))?;
        args.done()?;
        self.seeds.insert(id, seed);
        let node = RaftNode::restart(id, config, persistent, Rng::new(seed), self.now);
        let lines = describe_state(&node);
        self.nodes.insert(id, node);
        Ok(lines)
    }

    fn matches(e: &Envelope, from: Option<NodeId>, to: Option<NodeId>) -> bool {
        from.is_none_or(|f| f == e.from) && to.is_none_or(|t| t == e.to)
    }

    fn filter(args: &mut Args) -> Result<(Option<NodeId>, Option<NodeId>), String> {
        let from = args.take("from").map(|v| node_id(&v)).transpose()?;
        let to = args.take("to").map(|v| node_id(&v)).transpose()?;
        args.done()?;
        Ok((from, to))
    }

    /// One round of delivery of the matching queued messages.
    fn deliver(&mut self, from: Option<NodeId>, to: Option<NodeId>) -> Vec<String> {
        let (now_due, rest): (Vec<Envelope>, Vec<Envelope>) = std::mem::take(&mut self.network)
            .into_iter()
            .partition(|e| Self::matches(e, from, to));
        self.network = rest.into();
        let mut lines = Vec::new();
        for envelope in now_due {
            lines.push(describe_envelope(&envelope));
            let Envelope { from, to, message } = envelope;
            match self.input(to, |n, now, out| n.step(now, from, message, out)) {
                Ok(effects) => lines.extend(effects.into_iter().map(|l| format!("  {l}"))),
                Err(_) => lines.push(format!("  lost: there is no node n{to}")),
            }
        }
        lines
    }
}

impl Interpreter for Core {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String> {
        if !input.is_empty() {
            return Err("core commands take no input lines".into());
        }
        let words = tokens(command);
        let mut args = Args::parse(&words);
        if let Some(at) = args.take("at") {
            self.now = time(&at)?;
        }
        let name = args.positional.first().cloned().unwrap_or_default();
        let id_arg = |args: &Args, i: usize| -> Result<NodeId, String> {
            node_id(
                args.positional
                    .get(i)
                    .ok_or_else(|| format!("{name} needs a node"))?,
            )
        };
        match name.as_str() {
            "node" => self.create(&mut args),
            "tick" => {
                let id = id_arg(&args, 1)?;
                args.done()?;
                self.input(id, |n, now, out| n.tick(now, out))
            }
            "timeout" => {
                let id = id_arg(&args, 1)?;
                args.done()?;
                self.input(id, |n, now, out| n.force_timeout(now, out))
            }
            "change" => {
                let id = id_arg(&args, 1)?;
                let replace = (args.take("replace"), args.take("with"));
                let single = (args.take("add"), args.take("promote"), args.take("remove"));
                let change = match (single, replace) {
                    ((Some(n), None, None), (None, None)) => ConfigChange::AddLearner(node_id(&n)?),
                    ((None, Some(n), None), (None, None)) => ConfigChange::Promote(node_id(&n)?),
                    ((None, None, Some(n)), (None, None)) => ConfigChange::Remove(node_id(&n)?),
                    ((None, None, None), (Some(old), Some(new))) => ConfigChange::Replace {
                        remove: members(&old)?,
                        add: members(&new)?,
                    },
                    _ => {
                        let forms = "add=N, promote=N, remove=N or replace=A,B with=C,D";
                        return Err(format!("change needs one of {forms}"));
                    }
                };
                args.done()?;
                let mut refused = None;
                let mut lines = self.input(id, |n, now, out| {
                    refused = n.propose_change(now, change, out).err();
                })?;
                lines.extend(refused.map(|why| format!("n{id} refuses the change: {why}")));
                Ok(lines)
            }
            "transfer" => {
                let id = id_arg(&args, 1)?;
                let to = node_id(&args.take("to").ok_or("transfer needs to=")?)?;
                args.done()?;
                self.input(id, |n, now, out| n.transfer_leadership(now, to, out))
            }
            "step" => {
                args.done()?;
                let p = &args.positional;
                if p.len() != 5 || p[2] != "->" {
                    return Err("step is `step nFROM -> nTO MESSAGE`".into());
                }
                let (from, to) = (node_id(&p[1])?, node_id(&p[3])?);
                let message = parse_message(&p[4])?;
                self.input(to, |n, now, out| n.step(now, from, message, out))
            }
            "propose" => {
                args.done()?;
                let p = &args.positional;
                if p.len() != 4 {
                    return Err("propose is `propose ID cC#R OP`".into());
                }
                let id = node_id(&p[1])?;
                let command = parse_command(&p[2], &p[3])?;
                self.input(id, |n, now, out| n.propose(now, command, out))
            }
            "restart" => {
                let id = id_arg(&args, 1)?;
                args.done()?;
                let old = self
                    .nodes
                    .remove(&id)
                    .ok_or_else(|| format!("there is no node n{id}"))?;
                let config = old.config().clone();
                let seed = self.seeds.get(&id).copied().unwrap_or(id) + 1;
                self.seeds.insert(id, seed);
                let node =
                    RaftNode::restart(id, config, old.into_persistent(), Rng::new(seed), self.now);
                let lines = describe_state(&node);
                self.nodes.insert(id, node);
                Ok(lines)
            }
            "state" => {
                args.done()?;
                let mut lines = Vec::new();
                for word in &args.positional[1..] {
                    let id = node_id(word)?;
                    lines.extend(describe_state(self.node(id)?));
                }
                Ok(lines)
            }
            "deliver" => {
                let (from, to) = Self::filter(&mut args)?;
                Ok(self.deliver(from, to))
            }
            "stabilize" => {
                args.done()?;
                let mut lines = Vec::new();
                let mut rounds = 0;
                while !self.network.is_empty() {
                    rounds += 1;
                    if rounds > 100 {
                        return Err("the network did not empty in 100 rounds".into());
                    }
                    lines.extend(self.deliver(None, None));
                }
                Ok(lines)
            }
            "drop" => {
                let (from, to) = Self::filter(&mut args)?;
                let (dropped, rest): (Vec<Envelope>, Vec<Envelope>) =
                    std::mem::take(&mut self.network)
                        .into_iter()
                        .partition(|e| Self::matches(e, from, to));
                self.network = rest.into();
                Ok(dropped
                    .iter()
                    .map(|e| format!("dropped {}", describe_envelope(e)))
                    .collect())
            }
            "msgs" => {
                args.done()?;
                Ok(self.network.iter().map(describe_envelope).collect())
            }
            other => Err(format!("unknown core command {other:?}")),
        }
    }
}

// ---------------------------------------------------------------------------
// sim: a simulated cluster.
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Sim {
    sim: Option<Simulation>,
    events: EventLog,
}

impl Sim {
    /// Feeds the newly recorded trace events to the event log; returns the
    /// sentences they added.
    fn new_sentences(&mut self) -> Vec<String> {
        let Some(sim) = &mut self.sim else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for (t, event) in sim.trace_mut().take_recorded() {
            let before = self.events.len();
            let last = self.events.lines().next_back().cloned();
            self.events.record(t, &event);
            let grew = self.events.len() > before;
            let scrolled = before == KEEP && self.events.lines().next_back() != last.as_ref();
            if grew || scrolled {
                lines.extend(self.events.lines().next_back().cloned());
            }
        }
        lines
    }

    fn status(sim: &Simulation) -> Vec<String> {
        sim.servers()
            .iter()
            .map(|s| {
                let n = &s.node;
                let role = if s.up { n.role().as_str() } else { "stopped" };
                let log: Vec<String> = n
                    .log()
                    .entries()
                    .iter()
                    .enumerate()
                    .map(|(i, e)| format!("{}/{}", i + 1, e.term))
                    .collect();
                format!(
                    "n{} {role} term={} commit={} log=[{}]",
                    n.id(),
                    n.current_term(),
                    n.commit_index(),
                    log.join(" ")
                )
            })
            .collect()
    }
}

impl Interpreter for Sim {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String> {
        let words = tokens(command);
        let mut args = Args::parse(&words);
        let name = args.positional.first().cloned().unwrap_or_default();
        match name.as_str() {
            "cluster" => {
                let seed = number(&args.take("seed").ok_or("cluster needs seed=")?)?;
                let nodes = number(&args.take("nodes").ok_or("cluster needs nodes=")?)?;
                args.done()?;
                let sim = Simulation::new(playground_config(seed, nodes))?;
                let lines = sim
                    .servers()
                    .iter()
                    .map(|s| {
                        format!(
                            "n{} first election timeout at {}",
                            s.node.id(),
                            show_time(s.node.election_deadline())
                        )
                    })
                    .collect();
                self.sim = Some(sim);
                self.events = EventLog::default();
                self.new_sentences();
                Ok(lines)
            }
            "schedule" => {
                args.done()?;
                let sim = self.sim.as_mut().ok_or("no cluster yet")?;
                let mut lines = Vec::new();
                for line in input {
                    let record: ActionRecord = raft_playground::json::from_str(line)?;
                    let at = record.t.ok_or("an action needs \"t\"")?;
                    let action = Action::try_from(record)?;
                    lines.push(format!("at {}: {action}", show_time(at)));
                    sim.schedule(at, action)?;
                }
                Ok(lines)
            }
            "run" => {
                let duration = time(args.positional.get(1).ok_or("run needs a duration")?)?;
                args.done()?;
                let sim = self.sim.as_mut().ok_or("no cluster yet")?;
                let until = sim.now() + duration;
                sim.run_until(until);
                let mut lines = vec![format!("now {}", show_time(until))];
                lines.extend(self.new_sentences());
                let sim = self.sim.as_ref().ok_or("no cluster yet")?;
                lines.extend(Self::status(sim));
                Ok(lines)
            }
            other => Err(format!("unknown sim command {other:?}")),
        }
    }
}

// ---------------------------------------------------------------------------
// linearizability: the checker on a written history.
// ---------------------------------------------------------------------------

struct Lin;

fn operation(r: HistoryRecord) -> Result<Operation, String> {
    let need = |v: Option<String>, f: &str| v.ok_or_else(|| format!("a {:?} needs {f}", r.op));
    let op = match r.op {
        OpKind::Read => Op::Read { key: r.key.clone() },
        OpKind::Write => Op::Write {
            key: r.key.clone(),
            value: need(r.value.clone(), "value")?,
        },
        OpKind::Cas => Op::Cas {
            key: r.key.clone(),
            from: need(r.from.clone(), "from")?,
            to: need(r.to.clone(), "to")?,
        },
    };
    Ok(Operation {
        client: r.client,
        request: r.request,
        op,
        invoke_t: r.invoke_t,
        return_t: r.return_t,
        outcome: r.outcome,
        read_result: r.result,
        index: r.index,
        served_by: None,
        redirects: r.redirects,
    })
}

impl Interpreter for Lin {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String> {
        let words = tokens(command);
        let mut args = Args::parse(&words);
        if args.positional.first().map(String::as_str) != Some("check") {
            return Err("the only linearizability command is `check`".into());
        }
        let budget = args.take("budget").map_or(Ok(100_000), |b| number(&b))?;
        args.done()?;
        let mut history = Vec::new();
        for line in input {
            let line = line.trim().trim_end_matches(',');
            if line == "[" || line == "]" || line.is_empty() {
                continue;
            }
            history.push(operation(raft_playground::json::from_str(line)?)?);
        }
        let report = check(&history, budget);
        let mut lines = vec![format!(
            "{} operations, {} keys checked, {} operations checked",
            history.len(),
            report.keys_checked,
            report.ops_checked
        )];
        lines.push(report.verdict.to_string());
        if let Verdict::NotLinearizable { ops, .. } = &report.verdict {
            let ops: Vec<String> = ops.iter().map(|i| format!("#{i}")).collect();
            lines.push(format!(
                "longest linearizable prefix, then the stuck operation: {}",
                ops.join(" ")
            ));
        }
        Ok(lines)
    }
}

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
