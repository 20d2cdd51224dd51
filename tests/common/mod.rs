//! Helpers shared by the integration tests. Here: for the paper tests
//! (`tests/paper_*.rs`), which drive one `RaftNode` (or a few, wired by
//! hand) with crafted messages and check the exact outputs, in the style of
//! etcd-io/raft's `raft_paper_test.go`. `cluster`: for tests of whole
//! simulated clusters. Not every test file uses every helper.
#![allow(dead_code)]

pub mod cluster;
pub mod temp_dir;

use raft_playground::raft::{
    ClientCommand, Config, ConflictHint, Entry, Envelope, LogIndex, Message, NodeId, Op, Output,
    Payload, PersistentState, RaftLog, RaftNode, Rng, Term, Time, MILLIS,
};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// Default timing of `Config::cluster`: election timeouts in [150, 300] ms.
pub const ELECTION_MIN: Time = 150 * MILLIS;
pub const ELECTION_MAX: Time = 300 * MILLIS;
pub const HEARTBEAT: Time = 50 * MILLIS;

/// A fresh server `id` of an `n`-server cluster, created at time 0.
pub fn new_node(id: NodeId, n: u64) -> RaftNode {
    RaftNode::new(id, Config::cluster(n), Rng::new(id), 0)
}

/// A server restarted at time 0 from the given persistent state.
pub fn restarted(
    id: NodeId,
    config: Config,
    current_term: Term,
    voted_for: Option<NodeId>,
    log: RaftLog,
) -> RaftNode {
    let persistent = PersistentState {
        current_term,
        voted_for,
        log,
        snapshot: None,
    };
    RaftNode::restart(id, config, persistent, Rng::new(id), 0)
}

/// A write of `value` to `key`.
pub fn write(key: &str, value: &str) -> Op {
    Op::Write {
        key: key.into(),
        value: value.into(),
    }
}

pub fn command(client: u64, request: u64, op: Op) -> ClientCommand {
    ClientCommand {
        client,
        request,
        op,
    }
}

/// A command entry of `term`. The payload names the entry's place in the
/// figure (`"<index>@<term>"`), so two logs compare equal only if they hold
/// the same entries, not merely the same terms.
pub fn entry_at(index: LogIndex, term: Term) -> Entry {
    let op = write("x", &format!("{index}@{term}"));
    Entry {
        term,
        payload: Payload::Command(Rc::new(command(1000 + index, 1, op))),
    }
}

pub fn noop(term: Term) -> Entry {
    Entry {
        term,
        payload: Payload::Noop,
    }
}

/// A log whose entry `i` (1-based) has term `terms[i - 1]`.
pub fn log_of(terms: &[Term]) -> RaftLog {
    let mut log = RaftLog::new();
    for (i, &term) in terms.iter().enumerate() {
        log.append(entry_at(i as LogIndex + 1, term));
    }
    log
}

/// The terms of a log, in index order.
pub fn terms(node: &RaftNode) -> Vec<Term> {
    node.log().entries().iter().map(|e| e.term).collect()
}

pub fn request_vote(term: Term, last_log_index: LogIndex, last_log_term: Term) -> Message {
    Message::RequestVote {
        term,
        last_log_index,
        last_log_term,
        leadership_transfer: false,
    }
}

pub fn vote(term: Term, vote_granted: bool) -> Message {
    Message::RequestVoteReply { term, vote_granted }
}

pub fn append(
    term: Term,
    prev_log_index: LogIndex,
    prev_log_term: Term,
    entries: Vec<Entry>,
    leader_commit: LogIndex,
) -> Message {
    Message::AppendEntries {
        term,
        prev_log_index,
        prev_log_term,
        entries,
        leader_commit,
    }
}

pub fn append_ok(term: Term, match_index: LogIndex) -> Message {
    Message::append_success(term, match_index)
}

pub fn append_reject(term: Term, rejected_index: LogIndex, hint: ConflictHint) -> Message {
    Message::AppendEntriesReply {
        term,
        success: false,
        match_index: 0,
        rejected_index,
        hint,
    }
}

pub fn envelope(from: NodeId, to: NodeId, message: Message) -> Envelope {
    Envelope { from, to, message }
}

/// Feeds one message to `node` and returns what it produced. These helpers
/// stand for a synchronous disk: what the input asked to persist is durable
/// before they return, so the messages that waited for it are in
/// `messages` too, after those that did not wait (`RaftNode::persisted_now`).
pub fn step(node: &mut RaftNode, now: Time, from: NodeId, message: Message) -> Output {
    let mut out = Output::default();
    node.step(now, from, message, &mut out);
    node.persisted_now(now, &mut out);
    out
}

pub fn tick(node: &mut RaftNode, now: Time) -> Output {
    let mut out = Output::default();
    node.tick(now, &mut out);
    node.persisted_now(now, &mut out);
    out
}

pub fn propose(node: &mut RaftNode, now: Time, command: ClientCommand) -> Output {
    let mut out = Output::default();
    node.propose(now, command, &mut out);
    node.persisted_now(now, &mut out);
    out
}

pub fn force_timeout(node: &mut RaftNode, now: Time) -> Output {
    let mut out = Output::default();
    node.force_timeout(now, &mut out);
    node.persisted_now(now, &mut out);
    out
}

/// Makes `node` leader of its next term at time `now` with granted votes from
/// its lowest-numbered peers, and returns the output of the winning vote (the
/// first AppendEntries of the new term).
pub fn elect(node: &mut RaftNode, now: Time) -> Output {
    let out = force_timeout(node, now);
    let term = node.current_term();
    if node.role() == raft_playground::raft::Role::Leader {
        return out;
    }
    let peers: Vec<NodeId> = node
        .config()
        .members
        .iter()
        .copied()
        .filter(|&p| p != node.id())
        .collect();
    for peer in peers {
        let out = step(node, now, peer, vote(term, true));
        if node.role() == raft_playground::raft::Role::Leader {
            return out;
        }
    }
    panic!("node {} could not win an election", node.id());
}

/// Delivers messages between `nodes` in FIFO order until none are left (a
/// message to a server not in `nodes` is dropped). Returns every envelope
/// delivered, in order.
pub fn deliver_all(
    nodes: &mut BTreeMap<NodeId, RaftNode>,
    now: Time,
    initial: Vec<Envelope>,
) -> Vec<Envelope> {
    let mut queue: VecDeque<Envelope> = initial.into();
    let mut delivered = Vec::new();
    while let Some(envelope) = queue.pop_front() {
        let Some(node) = nodes.get_mut(&envelope.to) else {
            continue;
        };
        let out = step(node, now, envelope.from, envelope.message.clone());
        queue.extend(out.messages);
        delivered.push(envelope);
    }
    delivered
}

/// Server 1 of `n`, elected leader of term 1 at time 0, with its no-op
/// acknowledged by every follower (so commitIndex is 1).
pub fn settled_leader(n: u64) -> RaftNode {
    let mut leader = new_node(1, n);
    elect(&mut leader, 0);
    for peer in 2..=n {
        step(&mut leader, 0, peer, append_ok(1, 1));
    }
    assert_eq!(leader.commit_index(), 1);
    leader
}

/// The reply to client 7's first request, a write committed at `index`.
pub fn written_reply(index: LogIndex) -> raft_playground::raft::ClientReply {
    raft_playground::raft::ClientReply {
        client: 7,
        request: 1,
        outcome: raft_playground::raft::ReplyOutcome::Applied {
            index,
            result: raft_playground::raft::OpResult::Written,
        },
    }
}
