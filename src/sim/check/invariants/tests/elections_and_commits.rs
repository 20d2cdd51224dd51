//! Election Safety, Leader Completeness, State Machine Safety, term and vote
//! monotonicity, and index order, each broken alone.

use super::*;
use crate::raft::{Applied, Role};

pub(super) const TESTED: &[Invariant] = &[
    Invariant::ElectionSafety,
    Invariant::LeaderCompleteness,
    Invariant::StateMachineSafety,
    Invariant::TermAndVoteMonotonic,
    Invariant::IndexOrder,
];

/// Two one-member clusters each elect their server in term 1: two leaders
/// of one term, with identical logs, so nothing else disagrees.
#[test]
fn election_safety_fires_for_a_second_leader_of_a_term() {
    let mut h = Harness::new();
    let mut n1 = server(1, &[1], 0, None, &[]);
    let mut n2 = server(2, &[2], 0, None, &[]);
    h.input(&mut n1, |n, now, out| n.force_timeout(now, out));
    h.assert_none();
    h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
    assert_eq!((n2.role(), n2.current_term()), (Role::Leader, 1));
    h.assert_only(Invariant::ElectionSafety);
    assert_eq!(h.checker.violations()[0].nodes, [1, 2]);
}

/// Index 1 is committed in term 1; server 2 wins term 2 with an empty log
/// (a vote given without the log check of §5.4.1).
#[test]
fn leader_completeness_fires_for_a_leader_lacking_a_committed_entry() {
    let mut h = Harness::new();
    lone_leader(&mut h, &[]);
    let mut n2 = server(2, &[2, 3, 4], 1, None, &[]);
    h.join(&n2);
    h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
    h.assert_none();
    h.input(&mut n2, |n, now, out| n.step(now, 3, vote(2), out));
    assert_eq!((n2.role(), n2.current_term()), (Role::Leader, 2));
    h.assert_only(Invariant::LeaderCompleteness);
}

/// Server 2 commits index 1 as it should, but applies another entry there.
#[test]
fn state_machine_safety_fires_for_applying_another_entry() {
    let mut h = Harness::new();
    lone_leader(&mut h, &[]);
    let mut n2 = server(2, &[1, 2], 1, None, &[]);
    let mut out = Output::default();
    let append = Message::AppendEntries {
        term: 1,
        prev_log_index: 0,
        prev_log_term: 0,
        entries: vec![noop(1)],
        leader_commit: 1,
    };
    n2.step(h.now, 1, append, &mut out);
    let [Applied { entry, .. }] = &mut out.applied[..] else {
        panic!("applies index 1: {out:?}");
    };
    *entry = write(1, "x");
    h.observe(&n2, &out);
    h.assert_only(Invariant::StateMachineSafety);
}

/// Server 1 seen in term 3 having voted for 2, then back in term 2.
#[test]
fn term_and_vote_monotonic_fires_for_a_term_that_went_back() {
    let mut h = Harness::new();
    h.join(&server(1, &[1, 2, 3], 3, Some(2), &[]));
    h.checker
        .observe_restart(&server(1, &[1, 2, 3], 0, None, &[]));
    h.join(&server(1, &[1, 2, 3], 3, Some(2), &[]));
    h.assert_none();
    h.join(&server(1, &[1, 2, 3], 2, None, &[]));
    h.assert_only(Invariant::TermAndVoteMonotonic);
    // In words, as the page's Safety panel shows it: no `Some(2)`.
    assert_eq!(
        h.checker.violations()[0].detail,
        "its term and vote went from term 3 (voted for node 2) to term 2 (no vote)"
    );
}

/// Server 1 committed two entries (its applies left out of what the
/// checker is shown, so that only the commit index is judged), then shows
/// commitIndex 0 without having restarted.
#[test]
fn index_order_fires_for_a_commit_index_that_went_back() {
    let commits_two = |h: &mut Harness| {
        let mut n1 = server(1, &[1], 0, None, &[]);
        let mut out = Output::default();
        n1.force_timeout(h.now, &mut out);
        n1.persisted_now(h.now, &mut out);
        n1.propose(h.now, command("x"), &mut out);
        n1.persisted_now(h.now, &mut out);
        out.applied.clear();
        h.observe(&n1, &out);
        assert_eq!(n1.commit_index(), 2);
        RaftNode::restart(1, n1.config().clone(), n1.into_persistent(), Rng::new(9), 0)
    };
    let mut h = Harness::new();
    let forgetful = commits_two(&mut h);
    h.assert_none();
    h.observe(&forgetful, &Output::default());
    h.assert_only(Invariant::IndexOrder);
    let found = h.checker.violations();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].detail, "commitIndex went back from 2 to 0");
    // The same server after a restart the checker was told of is fine.
    let mut h = Harness::new();
    let restarted = commits_two(&mut h);
    h.checker
        .observe_restart(&server(1, &[1, 2, 3], 0, None, &[]));
    h.observe(&restarted, &Output::default());
    h.assert_none();
}

/// Server 2 applies index 1, the entry committed there, before its own
/// commitIndex reaches it.
#[test]
fn index_order_fires_for_an_apply_beyond_the_commit_index() {
    let mut h = Harness::new();
    lone_leader(&mut h, &[]);
    let n2 = server(2, &[1, 2, 3], 1, None, &[noop(1)]);
    h.join(&n2);
    h.assert_none();
    let mut out = Output::default();
    out.applied.push(Applied {
        index: 1,
        entry: noop(1),
        result: None,
    });
    h.observe(&n2, &out);
    h.assert_only(Invariant::IndexOrder);
    let found = h.checker.violations();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].detail, "lastApplied 1 > commitIndex 0");
}

/// Server 1 alone commits its no-op, then applies another entry there: it
/// breaks the rule against its own commit, and is named once, not twice.
#[test]
fn a_server_at_odds_with_its_own_commit_is_named_once() {
    let mut h = Harness::new();
    let mut n1 = server(1, &[1], 0, None, &[]);
    let mut out = Output::default();
    n1.force_timeout(h.now, &mut out);
    n1.persisted_now(h.now, &mut out);
    n1.persisted_now(h.now, &mut out);
    let [Applied { entry, .. }] = &mut out.applied[..] else {
        panic!("applies index 1: {out:?}");
    };
    *entry = write(1, "x");
    h.observe(&n1, &out);
    h.assert_only(Invariant::StateMachineSafety);
    assert_eq!(h.checker.violations()[0].nodes, vec![1]);
}
