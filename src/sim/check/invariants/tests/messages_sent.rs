//! One vote per term, acknowledged entries held, and AppendEntries that
//! match the leader's log: each broken alone by what a server sends.

use super::*;
use crate::raft::{Envelope, UnsafeSwitch, UnsafeSwitches};

pub(super) const TESTED: &[Invariant] = &[
    Invariant::OneVotePerTerm,
    Invariant::AcknowledgedEntriesHeld,
    Invariant::AppendEntriesMatchLeaderLog,
    Invariant::PreVoteKeepsTerm,
];

fn sent(from: NodeId, to: NodeId, message: Message) -> Output {
    let mut out = Output::default();
    out.messages.push(Envelope { from, to, message });
    out
}

fn ack(term: Term, match_index: LogIndex) -> Message {
    Message::append_success(term, match_index)
}

fn append(term: Term, prev: (LogIndex, Term), entries: Vec<Entry>) -> Message {
    Message::AppendEntries {
        term,
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries,
        leader_commit: 0,
    }
}

/// Server 3 grants its term-2 vote to 1, then to 2, while its votedFor
/// (never written) shows nothing: only the record of the grants sees it.
#[test]
fn one_vote_per_term_fires_for_a_second_grant_in_a_term() {
    let mut h = Harness::new();
    let n3 = server(3, &[1, 2, 3], 2, None, &[]);
    h.observe(&n3, &sent(3, 1, vote(2)));
    h.observe(&n3, &sent(3, 1, vote(2)));
    h.observe(&n3, &sent(3, 2, vote(3)));
    h.assert_none();
    h.observe(&n3, &sent(3, 2, vote(2)));
    h.assert_only(Invariant::OneVotePerTerm);
    assert_eq!(h.checker.vote_of(3, 2), Some(1));
}

/// A candidate's own vote counts too: server 2 stood in term 1, forgot its
/// vote in a restart, and grants it to server 1.
#[test]
fn a_restarted_candidate_that_votes_again_is_caught() {
    let mut h = Harness::new();
    let forget = UnsafeSwitches::none().with(UnsafeSwitch::ForgetVoteOnRestart);
    let mut n2 = server(2, &[1, 2, 3], 0, None, &[]);
    h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
    assert_eq!(h.checker.vote_of(2, 1), Some(2));
    let stored = n2.persistent().clone();
    let config = Config {
        unsafe_switches: forget,
        ..n2.config().clone()
    };
    let mut n2 = RaftNode::restart(2, config, stored, Rng::new(5), h.now);
    h.checker.observe_restart(&n2);
    h.input(&mut n2, |n, now, out| n.step(now, 1, vote_request(1), out));
    let fired = h.fired();
    assert!(fired.contains(&Invariant::OneVotePerTerm), "{fired:?}");
    assert!(
        fired.contains(&Invariant::TermAndVoteMonotonic),
        "{fired:?}"
    );
}

/// Server 2 holds one entry and acknowledges three.
#[test]
fn acknowledged_entries_held_fires_for_an_ack_past_the_log() {
    let mut h = Harness::new();
    let n2 = server(2, &[1, 2, 3], 1, None, &[noop(1)]);
    h.join(&n2);
    h.observe(&n2, &sent(2, 1, ack(1, 1)));
    h.assert_none();
    h.observe(&n2, &sent(2, 1, ack(1, 3)));
    h.assert_only(Invariant::AcknowledgedEntriesHeld);
}

/// Server 2 holds two entries, as many as it acknowledges, but its second is
/// not its leader's.
#[test]
fn acknowledged_entries_held_fires_for_an_ack_of_other_entries() {
    let mut h = Harness::new();
    let n1 = elected(&mut h, 1, &[noop(1)]);
    assert_eq!(n1.log().entries(), [noop(1), noop(2)]);
    let n2 = server(2, &[1, 2, 3], 2, None, &[noop(1), write(1, "x")]);
    h.join(&n2);
    h.observe(&n2, &sent(2, 1, ack(2, 1)));
    h.assert_none();
    h.observe(&n2, &sent(2, 1, ack(2, 2)));
    h.assert_only(Invariant::AcknowledgedEntriesHeld);
}

/// The leader of term 1 sends an entry its log does not hold, a
/// prevLogTerm its log does not hold, and a follower sends AppendEntries.
#[test]
fn append_entries_match_leader_log_fires_for_misstated_appends() {
    let bad: [(NodeId, Message); 4] = [
        (1, append(1, (0, 0), vec![write(1, "x")])),
        (1, append(1, (1, 5), vec![])),
        (1, append(1, (2, 1), vec![])),
        (2, append(1, (0, 0), vec![])),
    ];
    for (from, message) in bad {
        let mut h = Harness::new();
        let n1 = elected(&mut h, 0, &[]);
        let n2 = server(2, &[1, 2, 3], 1, Some(1), &[]);
        h.join(&n2);
        h.observe(&n1, &sent(1, 2, append(1, (0, 0), vec![noop(1)])));
        h.observe(&n1, &sent(1, 2, append(1, (1, 1), vec![])));
        h.assert_none();
        let sender = if from == 1 { &n1 } else { &n2 };
        h.observe(sender, &sent(from, 3, message));
        h.assert_only(Invariant::AppendEntriesMatchLeaderLog);
    }
}

/// A server with PreVote times out and asks for pre-votes: no violation.
/// With `prevote-raises-term` it raises its term first, and only the
/// pre-vote check sees it (the term goes forward, so nothing else does).
#[test]
fn pre_vote_keeps_term_fires_for_a_pre_vote_that_raised_the_term() {
    for (switches, expected) in [
        (UnsafeSwitches::none(), None),
        (
            UnsafeSwitches::none().with(UnsafeSwitch::PreVoteRaisesTerm),
            Some(Invariant::PreVoteKeepsTerm),
        ),
    ] {
        let mut h = Harness::new();
        let n2 = server(2, &[1, 2, 3], 4, None, &[noop(1)]);
        let config = Config {
            pre_vote: true,
            unsafe_switches: switches,
            ..n2.config().clone()
        };
        let mut n2 = RaftNode::restart(2, config, n2.persistent().clone(), Rng::new(2), 0);
        h.join(&n2);
        h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
        assert_eq!(n2.role(), crate::raft::Role::PreCandidate);
        match expected {
            None => h.assert_none(),
            Some(invariant) => h.assert_only(invariant),
        }
    }
}
