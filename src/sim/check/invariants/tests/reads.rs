//! Read indexes given for reads that arrived after a later term had a
//! leader (thesis §6.4, step 3), broken alone. The answers are crafted:
//! the core sends a round after each read arrives and never gives such an
//! index, which is what the check is for.

use super::*;
use crate::raft::{ClientReply, OpResult, ReplyOutcome, Role, ServedBy};

pub(super) const TESTED: &[Invariant] = &[Invariant::ReadIndexNotSuperseded];

/// Read `request` of client 7 answered by a leader, `served_by`.
fn answered(request: u64, served_by: ServedBy) -> Output {
    let mut out = Output::default();
    out.replies.push(ClientReply {
        client: 7,
        request,
        outcome: ReplyOutcome::Read {
            index: 1,
            result: OpResult::ReadValue(None),
            served_by,
        },
    });
    out
}

/// The index for read `request` of client 7 sent to follower 3.
fn forwarded(request: u64, index: Option<LogIndex>) -> Output {
    let mut out = Output::default();
    out.messages.push(crate::raft::Envelope {
        from: 1,
        to: 3,
        message: Message::ReadIndexReply {
            term: 2,
            client: 7,
            request,
            index,
        },
    });
    out
}

/// Server 1 leads term 2; then server 2 (a one-member cluster) is elected
/// in term 3, which server 1 has not heard of.
fn superseded(h: &mut Harness) -> RaftNode {
    let n1 = elected(h, 1, &[]);
    assert_eq!((n1.role(), n1.current_term()), (Role::Leader, 2));
    h.checker.observe_read_arrival(1, 7, 1);
    let mut n2 = server(2, &[2], 2, None, &[]);
    h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
    assert_eq!((n2.role(), n2.current_term()), (Role::Leader, 3));
    n1
}

#[test]
fn fires_for_a_read_answered_by_a_round_after_it_was_superseded() {
    let mut h = Harness::new();
    let n1 = superseded(&mut h);
    // Read 1 arrived before term 3 had a leader: its round may confirm it.
    h.observe(&n1, &answered(1, ServedBy::ReadIndex));
    h.assert_none();
    // Read 2 arrived after: no round sent after it can be acknowledged by
    // a majority still in term 2.
    h.checker.observe_read_arrival(1, 7, 2);
    h.observe(&n1, &answered(2, ServedBy::ReadIndex));
    h.assert_only(Invariant::ReadIndexNotSuperseded);
    let v = &h.checker.violations()[0];
    assert_eq!((v.nodes.as_slice(), v.term), ([1, 2].as_slice(), Some(3)));
    assert!(
        v.detail.contains("client 7's read (request 2)") && v.detail.contains("term 3"),
        "{}",
        v.detail
    );
}

#[test]
fn fires_for_a_read_index_given_to_a_follower_after_it_was_superseded() {
    let mut h = Harness::new();
    let n1 = superseded(&mut h);
    h.checker.observe_read_arrival(1, 7, 2);
    // Saying it does not lead gives no index.
    h.observe(&n1, &forwarded(2, None));
    h.assert_none();
    let mut twice = forwarded(2, Some(1));
    twice.messages.push(twice.messages[0].clone());
    h.observe(&n1, &twice);
    h.assert_only(Invariant::ReadIndexNotSuperseded);
    assert_eq!(h.checker.violations().len(), 1, "one per read");
}

/// A retry or a second follower's copy of a read arriving late keeps the
/// first arrival: the leader may answer the copy on the round it sent for
/// the first (seed 365 of `--faults all --reads read-index` did, after a
/// partition held the copies; an early version of this check took the
/// copy's arrival and fired).
#[test]
fn a_late_copy_keeps_the_first_arrival() {
    let mut h = Harness::new();
    let n1 = superseded(&mut h);
    h.checker.observe_read_arrival(1, 7, 1);
    h.observe(&n1, &forwarded(1, Some(1)));
    h.observe(&n1, &forwarded(1, Some(1)));
    h.assert_none();
}

/// Arrivals are kept for a client's latest reads; an older one is let go
/// for good, so a late copy of it is not taken for a first arrival.
#[test]
fn a_read_let_go_is_not_recorded_again() {
    use crate::sim::check::invariants::reads::KEPT_PER_CLIENT;
    let mut h = Harness::new();
    let n1 = elected(&mut h, 1, &[]);
    let last = KEPT_PER_CLIENT as u64 + 1;
    for request in 1..=last {
        h.checker.observe_read_arrival(1, 7, request);
    }
    let mut n2 = server(2, &[2], 2, None, &[]);
    h.input(&mut n2, |n, now, out| n.force_timeout(now, out));
    // Request 1 was let go: its copy is not recorded, and its answer
    // unchecked. The next request is new: recorded after term 3's
    // election. (Request 2, still kept, keeps its first arrival.)
    h.checker.observe_read_arrival(1, 7, 1);
    h.checker.observe_read_arrival(1, 7, 2);
    h.checker.observe_read_arrival(1, 7, last + 1);
    h.observe(&n1, &answered(1, ServedBy::ReadIndex));
    h.observe(&n1, &answered(2, ServedBy::ReadIndex));
    h.assert_none();
    h.observe(&n1, &answered(last + 1, ServedBy::ReadIndex));
    h.assert_only(Invariant::ReadIndexNotSuperseded);
}

/// A leader that steps down forgets the reads that reached it: elected
/// again later, a copy of one arriving then is a first arrival, checked
/// against the leaders elected by then (kept, the old arrival let a
/// superseded leader's answer pass).
#[test]
fn a_new_term_of_office_starts_with_no_reads() {
    let mut h = Harness::new();
    let mut n1 = elected(&mut h, 1, &[]);
    h.checker.observe_read_arrival(1, 7, 1);
    // n1 hears of term 3 and steps down, then is elected in term 4.
    h.input(&mut n1, |n, now, out| n.step(now, 2, vote_request(3), out));
    assert_eq!((n1.role(), n1.current_term()), (Role::Follower, 3));
    h.input(&mut n1, |n, now, out| n.force_timeout(now, out));
    h.input(&mut n1, |n, now, out| n.step(now, 2, vote(4), out));
    assert_eq!((n1.role(), n1.current_term()), (Role::Leader, 4));
    // n3 leads term 5 (a one-member cluster); a copy of the read reaches
    // n1, which answers it in term 4.
    let mut n3 = server(3, &[3], 4, None, &[]);
    h.input(&mut n3, |n, now, out| n.force_timeout(now, out));
    assert_eq!((n3.role(), n3.current_term()), (Role::Leader, 5));
    h.checker.observe_read_arrival(1, 7, 1);
    h.observe(&n1, &answered(1, ServedBy::ReadIndex));
    h.assert_only(Invariant::ReadIndexNotSuperseded);
    assert_eq!(h.checker.violations()[0].term, Some(5));
}

/// A lease read is answered as it arrives: the lease's own check holds it,
/// and this one does not report it a second time.
#[test]
fn a_lease_read_is_left_to_the_lease_check() {
    let mut h = Harness::new();
    let n1 = superseded(&mut h);
    h.checker.observe_read_arrival(1, 7, 2);
    h.observe(&n1, &answered(2, ServedBy::Lease));
    h.assert_only(Invariant::LeaseExclusive);
}
