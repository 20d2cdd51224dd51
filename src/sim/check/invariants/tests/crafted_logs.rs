//! Leader Append-Only, Log Matching and committed-entry stability, each
//! broken alone by a log change, including an overwrite misreported as an
//! append.

use super::*;

pub(super) const TESTED: &[Invariant] = &[
    Invariant::LeaderAppendOnly,
    Invariant::LogMatching,
    Invariant::CommittedEntriesStable,
];

/// The leader of term 1 holds two uncommitted entries, then deletes the
/// second while still leader of term 1.
#[test]
fn leader_append_only_fires_for_a_leader_deleting_its_entry() {
    let mut h = Harness::new();
    let mut n1 = elected(&mut h, 0, &[]);
    h.input(&mut n1, |n, now, out| n.propose(now, command("x"), out));
    assert_eq!((n1.log().last_index(), n1.commit_index()), (2, 0));
    h.assert_none();
    // The same leader, same term, holding only its no-op.
    let cut = elected_unobserved(0, &[]);
    let mut out = Output::default();
    out.log_changes.push(LogChange::Truncated { from: 2 });
    h.observe(&cut, &out);
    h.assert_only(Invariant::LeaderAppendOnly);
}

/// Two logs hold the same entry at index 2 (a no-op of term 2) but differ
/// at index 1, in an entry of the same term.
#[test]
fn log_matching_fires_for_logs_that_agree_at_an_index_but_not_before() {
    let mut h = Harness::new();
    h.join(&server(1, &[1, 2, 3], 2, None, &[noop(1), noop(2)]));
    h.join(&server(3, &[1, 2, 3], 2, None, &[noop(1)]));
    h.assert_none();
    h.join(&server(2, &[1, 2, 3], 2, None, &[write(1, "x"), noop(2)]));
    h.assert_only(Invariant::LogMatching);
}

/// Indexes 1 and 2 are committed in term 1; server 2, which holds them,
/// deletes index 2.
#[test]
fn committed_entries_stable_fires_for_a_deleted_committed_entry() {
    let mut h = Harness::new();
    let n1 = lone_leader(&mut h, &["x"]);
    let held = n1.log().entries();
    h.join(&server(2, &[1, 2, 3], 1, None, &held));
    h.assert_none();
    let cut = server(2, &[1, 2, 3], 1, None, &held[..1]);
    let mut out = Output::default();
    out.log_changes.push(LogChange::Truncated { from: 2 });
    h.observe(&cut, &out);
    h.assert_only(Invariant::CommittedEntriesStable);
}

/// The same deletion, but reported as an append over index 2: the checker
/// judges the overwrite as the truncation it is, so the committed entry's
/// loss is still seen.
#[test]
fn an_overwrite_reported_as_an_append_is_judged_as_a_truncation() {
    let mut h = Harness::new();
    let n1 = lone_leader(&mut h, &["x"]);
    let held = n1.log().entries();
    h.join(&server(2, &[1, 2, 3], 1, None, &held));
    h.assert_none();
    let overwritten = server(2, &[1, 2, 3], 2, None, &[held[0].clone(), noop(2)]);
    let mut out = Output::default();
    out.log_changes.push(LogChange::Appended { from: 2, to: 2 });
    h.observe(&overwritten, &out);
    h.assert_only(Invariant::CommittedEntriesStable);
    assert!(h.checker.mirror_matches(&overwritten));
}
