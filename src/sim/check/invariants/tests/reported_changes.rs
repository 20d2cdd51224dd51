//! The mirror is held to the log: an unreported change is caught by the
//! length check at once, a same-length one by the audits (periodic and at
//! the end of a run), and a report the log cannot back is a violation, not
//! a panic. Each reports `LogChangesReported` alone, once.

use super::*;
use crate::sim::invariants::log_mirror::AUDIT_MIN_OBSERVATIONS;

pub(super) const TESTED: &[Invariant] = &[Invariant::LogChangesReported];

/// The log grew by an entry that the output does not mention.
#[test]
fn an_unreported_append_fails_the_length_check() {
    let mut h = Harness::new();
    h.join(&server(1, &[1, 2, 3], 1, None, &[noop(1)]));
    h.assert_none();
    let grown = server(1, &[1, 2, 3], 1, None, &[noop(1), write(1, "x")]);
    h.observe(&grown, &Output::default());
    h.assert_only(Invariant::LogChangesReported);
    // The mirror was rebuilt from the log: the next input is judged afresh
    // and the misreport is counted once.
    h.observe(&grown, &Output::default());
    assert_eq!(h.checker.violation_count(), 1);
    assert!(h.checker.mirror_matches(&grown));
}

/// The entry at index 1 was replaced by another, unreported: the length is
/// right, so only an audit sees it, here the one at the end of a run.
#[test]
fn an_unreported_overwrite_is_found_by_the_final_audit() {
    let mut h = Harness::new();
    h.join(&server(1, &[1, 2, 3], 1, None, &[noop(1)]));
    let replaced = server(1, &[1, 2, 3], 1, None, &[write(1, "x")]);
    h.observe(&replaced, &Output::default());
    h.assert_none();
    assert!(!h.checker.mirror_matches(&replaced));
    let found = h.checker.audit(h.now, &replaced).to_vec();
    assert_eq!(found.len(), 1);
    assert!(found[0].detail.ends_with("from index 1"), "{}", found[0]);
    h.assert_only(Invariant::LogChangesReported);
    assert!(h.checker.mirror_matches(&replaced));
    assert!(h.checker.audit(h.now, &replaced).is_empty(), "found once");
}

/// The same overwrite, never audited by hand: the periodic audit finds it
/// within its cadence.
#[test]
fn an_unreported_overwrite_is_found_by_the_periodic_audit() {
    let mut h = Harness::new();
    h.join(&server(1, &[1, 2, 3], 1, None, &[noop(1)]));
    let replaced = server(1, &[1, 2, 3], 1, None, &[write(1, "x")]);
    for _ in 1..AUDIT_MIN_OBSERVATIONS - 1 {
        h.observe(&replaced, &Output::default());
    }
    h.assert_none();
    h.observe(&replaced, &Output::default());
    h.assert_only(Invariant::LogChangesReported);
}

/// Reports of entries the log does not hold, or appended past a gap, are
/// violations; the checker does not panic on them.
#[test]
fn appends_the_log_cannot_back_are_violations() {
    for change in [
        LogChange::Appended { from: 1, to: 3 },
        LogChange::Appended { from: 3, to: 3 },
        LogChange::Appended { from: 0, to: 1 },
    ] {
        let mut h = Harness::new();
        let mut out = Output::default();
        out.log_changes.push(change);
        h.observe(&server(1, &[1, 2, 3], 1, None, &[noop(1)]), &out);
        h.assert_only(Invariant::LogChangesReported);
    }
}

/// A faithful server is never flagged: a leader's real history, audited.
#[test]
fn a_faithful_history_passes_every_audit() {
    let mut h = Harness::new();
    let mut n1 = lone_leader(&mut h, &["a", "b"]);
    for key in ["c", "d", "e"] {
        h.input(&mut n1, |n, now, out| n.propose(now, command(key), out));
    }
    for _ in 0..2 * AUDIT_MIN_OBSERVATIONS {
        h.input(&mut n1, |n, now, out| n.tick(now, out));
    }
    assert!(h.checker.audit(h.now, &n1).is_empty());
    h.assert_none();
}
