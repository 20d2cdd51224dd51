//! Negative tests: for every invariant, a crafted state or trace that breaks
//! it and only it, and the assertion that exactly that invariant fires (a
//! checker that never fires proves nothing).
//!
//! Servers are real `RaftNode`s, built from a chosen persistent state with
//! `RaftNode::restart` and driven through the core's own inputs; what the
//! checker is shown of them (the log changes, applies and messages of an
//! input) is their real output unless a test says it tampers with it. A
//! one-member cluster elects itself and commits alone, which gives committed
//! entries without a network.

mod configuration;
mod crafted_logs;
mod elections_and_commits;
mod late_truncation;
mod leases;
mod messages_sent;
mod reads;
mod reported_changes;
mod snapshots;

use super::{Invariant, InvariantChecker};
use crate::raft::{
    ClientCommand, Config, Entry, LogChange, LogIndex, Message, NodeId, Op, Output, Payload,
    PersistentState, RaftLog, RaftNode, Rng, Term, Time,
};
use std::collections::BTreeSet;
use std::rc::Rc;

/// A checker and the clock its observations are stamped with.
struct Harness {
    checker: InvariantChecker,
    now: Time,
}

impl Harness {
    fn new() -> Self {
        Harness {
            checker: InvariantChecker::new(),
            now: 1_000,
        }
    }

    /// Shows the checker one input's output of `node`.
    fn observe(&mut self, node: &RaftNode, out: &Output) {
        self.now += 1_000;
        self.checker.observe(self.now, node, out);
    }

    /// Shows the checker a server it has not seen yet, reporting its whole
    /// log as appended (what a faithful server's history adds up to).
    fn join(&mut self, node: &RaftNode) {
        let last = node.log().last_index();
        let mut out = Output::default();
        if last > 0 {
            out.log_changes
                .push(LogChange::Appended { from: 1, to: last });
        }
        self.observe(node, &out);
    }

    /// Feeds `node` one input and shows the checker its real output.
    fn input(&mut self, node: &mut RaftNode, input: impl FnOnce(&mut RaftNode, Time, &mut Output)) {
        let mut out = Output::default();
        input(node, self.now, &mut out);
        // A synchronous disk: what waited for durability leaves now.
        node.persisted_now(self.now, &mut out);
        self.observe(node, &out);
    }

    /// Which invariants have fired so far.
    fn fired(&self) -> BTreeSet<Invariant> {
        self.checker
            .violations()
            .iter()
            .map(|v| v.invariant)
            .collect()
    }

    /// Exactly `invariant` fired, and nothing else.
    fn assert_only(&self, invariant: Invariant) {
        assert_eq!(
            self.fired(),
            BTreeSet::from([invariant]),
            "{:#?}",
            self.checker.violations()
        );
    }

    fn assert_none(&self) {
        assert!(
            self.checker.violations().is_empty(),
            "{:#?}",
            self.checker.violations()
        );
    }
}

fn config(members: &[NodeId]) -> Config {
    Config {
        members: members.to_vec(),
        ..Config::cluster(1)
    }
}

/// Server `id` of `members`, restarted from the given persistent state.
fn server(
    id: NodeId,
    members: &[NodeId],
    term: Term,
    voted_for: Option<NodeId>,
    entries: &[Entry],
) -> RaftNode {
    let mut log = RaftLog::new();
    for e in entries {
        log.append(e.clone());
    }
    let stored = PersistentState {
        current_term: term,
        voted_for,
        log,
        snapshot: None,
    };
    RaftNode::restart(id, config(members), stored, Rng::new(id), 0)
}

fn noop(term: Term) -> Entry {
    Entry {
        term,
        payload: Payload::Noop,
    }
}

fn write(term: Term, key: &str) -> Entry {
    Entry {
        term,
        payload: Payload::Command(Rc::new(command(key))),
    }
}

fn command(key: &str) -> ClientCommand {
    ClientCommand {
        client: 1,
        request: 1,
        op: Op::Write {
            key: key.into(),
            value: "v".into(),
        },
    }
}

/// The granted vote of `term` that makes a candidate win in a cluster of
/// three.
/// A candidate's RequestVote of `term`, from an empty log.
fn vote_request(term: Term) -> Message {
    Message::RequestVote {
        term,
        last_log_index: 0,
        last_log_term: 0,
        leadership_transfer: false,
    }
}

fn vote(term: Term) -> Message {
    Message::RequestVoteReply {
        term,
        vote_granted: true,
    }
}

/// Server 1 of a one-member cluster, elected in term 1 (it votes for itself
/// and needs no one else), with `writes` committed after its no-op.
fn lone_leader(h: &mut Harness, writes: &[&str]) -> RaftNode {
    let mut n1 = server(1, &[1], 0, None, &[]);
    h.input(&mut n1, |n, now, out| n.force_timeout(now, out));
    for key in writes {
        h.input(&mut n1, |n, now, out| n.propose(now, command(key), out));
    }
    assert_eq!(n1.commit_index(), 1 + writes.len() as LogIndex);
    n1
}

/// Server 1 of {1, 2, 3} elected in term `from_term + 1` with server 2's
/// vote, driven through its inputs but not shown to any checker.
fn elected_unobserved(from_term: Term, entries: &[Entry]) -> RaftNode {
    let mut n1 = server(1, &[1, 2, 3], from_term, None, entries);
    let mut out = Output::default();
    n1.force_timeout(0, &mut out);
    n1.persisted_now(0, &mut out);
    n1.step(0, 2, vote(from_term + 1), &mut out);
    n1.persisted_now(0, &mut out);
    n1
}

/// Server 1 of {1, 2, 3} elected in term `from_term + 1`, every input
/// shown to the checker.
fn elected(h: &mut Harness, from_term: Term, entries: &[Entry]) -> RaftNode {
    let mut n1 = server(1, &[1, 2, 3], from_term, None, entries);
    h.join(&n1);
    h.input(&mut n1, |n, now, out| n.force_timeout(now, out));
    h.input(&mut n1, |n, now, out| {
        n.step(now, 2, vote(from_term + 1), out)
    });
    n1
}

/// Every invariant has a negative test in this folder: the list below must
/// name each one, and each test module asserts its own.
#[test]
fn every_invariant_has_a_negative_test() {
    let tested: BTreeSet<Invariant> = [
        elections_and_commits::TESTED,
        crafted_logs::TESTED,
        reported_changes::TESTED,
        messages_sent::TESTED,
        leases::TESTED,
        configuration::TESTED,
        reads::TESTED,
    ]
    .concat()
    .into_iter()
    .collect();
    assert_eq!(tested, Invariant::ALL.into_iter().collect());
}

/// Past the 100 violations kept, every one is still counted, by invariant:
/// what the CLI's summary and the page's Safety panel show (both used to
/// count the kept ones only).
#[test]
fn violations_past_those_kept_are_counted_by_invariant() {
    let mut checker = InvariantChecker::new();
    for t in 0..150 {
        let invariant = match t % 3 {
            0 => Invariant::ElectionSafety,
            _ => Invariant::LogMatching,
        };
        checker.report(invariant, t, vec![1], String::new());
    }
    assert_eq!(checker.violations().len(), 100);
    assert_eq!(checker.violation_count(), 150);
    let counted = checker.violations_by_invariant();
    let of = |inv| counted.iter().find(|(i, _)| *i == inv).unwrap().1;
    assert_eq!(of(Invariant::ElectionSafety), 50);
    assert_eq!(of(Invariant::LogMatching), 100);
    assert_eq!(counted.len(), Invariant::ALL.len());
}

/// A violation names each server once, in the order first named, however
/// the check listed them.
#[test]
fn a_violation_names_each_server_once() {
    let mut checker = InvariantChecker::new();
    let detail = String::from("crafted");
    checker.report(Invariant::ElectionSafety, 1, vec![3, 1, 3, 1], detail);
    assert_eq!(checker.violations()[0].nodes, vec![3, 1]);
}
