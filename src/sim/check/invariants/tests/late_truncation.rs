//! Committed-entry stability when messages arrive late: a server that has
//! not heard of the term in which an entry was committed may still delete
//! its own copy of it, at the word of a deposed leader; a server of the
//! committing term or later never may.
//!
//! Node 3 becomes leader of term 3 and commits index 2 (an entry of term 1)
//! with node 1's acknowledgement. Node 2, holding the same entry, then reads
//! an AppendEntries from a leader whose log has another entry at index 2:
//! Figure 2's rule 3 makes it delete its copy. If node 2 is still in term 2
//! that is safe, since nodes 1 and 3, the majority that committed the entry,
//! keep it. The nemesis found it with partitions that hold messages (seed 42
//! of a 60 s sweep: node 5, in term 113, deleted an entry the leader of term
//! 114 had committed, at the word of the held AppendEntries of term 113).

use super::*;

/// Node 2, in `term` with [1/1, 2/1], is told by a leader of `term` that
/// index 2 holds an entry of term 2, after node 3 committed [1/1, 2/1, 3/3]
/// in term 3.
fn deposed_leader_overwrites_a_committed_entry(term: Term) -> Harness {
    let mut h = Harness::new();
    let members = [1, 2, 3];
    let held = [noop(1), noop(1)];
    let mut leader = server(3, &members, 2, None, &held);
    let mut follower = server(2, &members, term, None, &held);
    h.join(&leader);
    h.join(&follower);
    h.input(&mut leader, |n, now, out| n.force_timeout(now, out));
    h.input(&mut leader, |n, now, out| n.step(now, 1, vote(3), out));
    let ack = Message::append_success(3, 3);
    h.input(&mut leader, |n, now, out| n.step(now, 1, ack, out));
    assert_eq!(leader.commit_index(), 3, "index 2 is committed in term 3");
    h.assert_none();
    let overwrite = Message::AppendEntries {
        term,
        prev_log_index: 1,
        prev_log_term: 1,
        entries: vec![noop(2)],
        leader_commit: 0,
    };
    h.input(&mut follower, |n, now, out| n.step(now, 1, overwrite, out));
    assert_eq!(follower.log().term_at(2), Some(2), "the copy was deleted");
    h
}

#[test]
fn a_server_behind_the_committing_term_may_lose_its_copy() {
    let h = deposed_leader_overwrites_a_committed_entry(2);
    h.assert_none();
}

#[test]
fn a_server_of_the_committing_term_may_not() {
    let h = deposed_leader_overwrites_a_committed_entry(3);
    h.assert_only(Invariant::CommittedEntriesStable);
    let v = &h.checker.violations()[0];
    assert_eq!(v.nodes, vec![2, 3]);
    assert!(
        v.detail.contains("deleted index 2 (term 1)"),
        "{}",
        v.detail
    );
}
