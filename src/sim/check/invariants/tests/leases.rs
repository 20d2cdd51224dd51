//! The lease invariant (thesis §6.4.1), broken alone: a new leader elected
//! while an earlier term's lease runs, and a lease read answered after a
//! later term has a leader.

use super::*;
use crate::raft::{ClientReply, ReplyOutcome, Role, ServedBy};

pub(super) const TESTED: &[Invariant] = &[Invariant::LeaseExclusive];

/// Server 2 is elected in term 3 while server 1 still holds its lease of
/// term 2: the lease promised no election could end before it.
#[test]
fn lease_exclusive_fires_for_an_election_inside_a_lease() {
    let mut h = Harness::new();
    h.checker.observe_election(h.now, 2, 3, &[(1, 2)]);
    h.assert_only(Invariant::LeaseExclusive);
    assert_eq!(h.checker.violations()[0].nodes, [1, 2]);
    // The new leader's own lease, or one of its own term, breaks nothing.
    let mut h = Harness::new();
    h.checker.observe_election(h.now, 2, 3, &[(2, 3)]);
    h.assert_none();
}

/// Server 2 leads term 2 (a one-member cluster elects itself); server 1,
/// still in term 1, answers a read "from its lease". The reply is crafted:
/// the core refuses to send it, which is what the check is for.
#[test]
fn lease_exclusive_fires_for_a_lease_read_after_a_later_election() {
    let mut h = Harness::new();
    let mut n2 = server(2, &[2], 1, None, &[]);
    h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
    assert_eq!((n2.role(), n2.current_term()), (Role::Leader, 2));
    let n1 = server(1, &[1, 2, 3], 1, None, &[]);
    let read = |served_by| ClientReply {
        client: 7,
        request: 1,
        outcome: ReplyOutcome::Read {
            index: 0,
            result: crate::raft::OpResult::ReadValue(None),
            served_by,
        },
    };
    // The same read answered by a ReadIndex round is no lease read.
    let mut out = Output::default();
    out.replies.push(read(ServedBy::ReadIndex));
    h.observe(&n1, &out);
    h.assert_none();
    out.replies[0] = read(ServedBy::Lease);
    h.observe(&n1, &out);
    h.assert_only(Invariant::LeaseExclusive);
    let v = &h.checker.violations()[0];
    assert_eq!(v.nodes, [1, 2]);
    assert!(v.detail.contains("7#1"), "{}", v.detail);
}
