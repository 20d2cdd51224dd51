//! Committed-entry stability when messages arrive late: a server that has
//! not heard of the term in which an entry was committed may still delete
//! its own copy of it, at the word of a deposed leader; a server of the
//! committing term or later never may.
//!
//! Node 3 becomes leader of term 3 and commits index 2 (an entry of term 1)
//! with node 1's acknowledgement. Node 2, still in term 2 and holding the
//! same entry, then reads an AppendEntries of the leader of term 2, whose
//! log has another entry at index 2: Figure 2's rule 3 makes it delete its
//! copy. Safe, since nodes 1 and 3, the majority that committed the entry,
//! keep it; found by the nemesis with partitions that hold messages.

use super::*;
use crate::raft::{Config, RaftNode};
use crate::raft::{ConflictHint, Entry, Message, Payload, PersistentState, RaftLog, Rng};

fn log(terms: &[Term]) -> RaftLog {
    let mut log = RaftLog::new();
    for &term in terms {
        log.append(Entry {
            term,
            payload: Payload::Noop,
        });
    }
    log
}

/// Server `id` in `term` with entries of these terms, shown to the checker.
fn node(checker: &mut InvariantChecker, id: NodeId, term: Term, terms: &[Term]) -> RaftNode {
    let stored = PersistentState {
        current_term: term,
        voted_for: None,
        log: log(terms),
    };
    let node = RaftNode::restart(id, Config::cluster(3), stored, Rng::new(id), 0);
    let mut out = Output::default();
    out.log_changes.push(LogChange::Appended {
        from: 1,
        to: terms.len() as LogIndex,
    });
    checker.observe(0, &node, &out);
    node
}

/// Feeds one input to `node` and shows the checker what it did.
fn step(checker: &mut InvariantChecker, node: &mut RaftNode, from: NodeId, message: Message) {
    let mut out = Output::default();
    node.step(0, from, message, &mut out);
    checker.observe(0, node, &out);
}

/// Node 3 leads term 3 and commits [1/1, 2/1, 3/3]; node 2, in `term`
/// with [1/1, 2/1], is then told by a leader of `term` that index 2 holds
/// an entry of term 2. Returns the checker's violations.
fn deposed_leader_overwrites_a_committed_entry(term: Term) -> Vec<Violation> {
    let mut checker = InvariantChecker::new();
    let mut leader = node(&mut checker, 3, 2, &[1, 1]);
    let mut follower = node(&mut checker, 2, term, &[1, 1]);
    let mut out = Output::default();
    leader.force_timeout(0, &mut out);
    checker.observe(0, &leader, &out);
    let vote = Message::RequestVoteReply {
        term: 3,
        vote_granted: true,
    };
    step(&mut checker, &mut leader, 1, vote);
    assert_eq!(leader.role(), Role::Leader);
    let ack = Message::AppendEntriesReply {
        term: 3,
        success: true,
        match_index: 3,
        rejected_index: 0,
        hint: ConflictHint::default(),
    };
    step(&mut checker, &mut leader, 1, ack);
    assert_eq!(leader.commit_index(), 3, "index 2 is committed in term 3");
    let overwrite = Message::AppendEntries {
        term,
        prev_log_index: 1,
        prev_log_term: 1,
        entries: log(&[2]).entries(),
        leader_commit: 0,
    };
    step(&mut checker, &mut follower, 1, overwrite);
    assert_eq!(follower.log().term_at(2), Some(2), "the copy was deleted");
    checker.violations().to_vec()
}

#[test]
fn a_server_behind_the_committing_term_may_lose_its_copy() {
    let violations = deposed_leader_overwrites_a_committed_entry(2);
    assert_eq!(violations, vec![], "legal: node 2 never heard of term 3");
}

#[test]
fn a_server_of_the_committing_term_may_not() {
    let violations = deposed_leader_overwrites_a_committed_entry(3);
    let invariants: Vec<Invariant> = violations.iter().map(|v| v.invariant).collect();
    assert!(
        invariants.contains(&Invariant::CommittedEntriesStable),
        "{violations:?}"
    );
    let v = violations
        .iter()
        .find(|v| v.invariant == Invariant::CommittedEntriesStable)
        .unwrap();
    assert_eq!(v.nodes, vec![2, 3]);
    assert!(
        v.detail.contains("deleted index 2 (term 1)"),
        "{}",
        v.detail
    );
}
