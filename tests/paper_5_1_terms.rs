//! Paper tests for §5.1, "Raft basics": terms as a logical clock.
//!
//! "Current terms are exchanged whenever servers communicate; if one server's
//! current term is smaller than the other's, then it updates its current term
//! to the larger value. If a candidate or leader discovers that its term is
//! out of date, it immediately reverts to follower state. If a server receives
//! a request with a stale term number, it rejects the request."

mod common;

use common::*;
use raft_playground::raft::{Config, ConflictHint, Message, NodeId, RaftNode, Role, Term, MILLIS};

/// One message of each RPC kind, all carrying `term`. The RequestVote comes
/// from a candidate with an empty log, so a server with a non-empty log
/// refuses it (§5.4.1) and its votedFor stays cleared.
fn every_kind_of_message(term: Term) -> Vec<Message> {
    vec![
        request_vote(term, 0, 0),
        vote(term, false),
        append(term, 0, 0, vec![], 0),
        append_reject(term, 0, ConflictHint::default()),
    ]
}

/// A follower of term 2 that voted for server 3, with one entry of term 1.
fn follower_of_term_2() -> RaftNode {
    restarted(1, Config::cluster(5), 2, Some(3), log_of(&[1]))
}

/// A candidate of term 3 (it voted for itself), with one entry of term 1.
fn candidate_of_term_3() -> RaftNode {
    let mut node = follower_of_term_2();
    force_timeout(&mut node, 0);
    assert_eq!((node.role(), node.current_term()), (Role::Candidate, 3));
    node
}

/// A leader of term 3 whose log is [1, no-op of term 3].
fn leader_of_term_3() -> RaftNode {
    let mut node = follower_of_term_2();
    elect(&mut node, 0);
    assert_eq!((node.role(), node.current_term()), (Role::Leader, 3));
    node
}

/// Checks that `message` from server 2 with term 7 turns `node` into a
/// follower of term 7 with no vote cast in that term.
fn assert_adopts_term_7(mut node: RaftNode, message: Message) {
    let kind = message.kind();
    step(&mut node, 10 * MILLIS, 2, message);
    assert_eq!(node.current_term(), 7, "{kind}: currentTerm = T");
    assert_eq!(node.role(), Role::Follower, "{kind}: convert to follower");
    assert_eq!(node.voted_for(), None, "{kind}: no vote yet in term 7");
}

/// Figure 2, "Rules for Servers", all servers: "If RPC request or response
/// contains term T > currentTerm: set currentTerm = T, convert to follower."
/// A follower's vote of the old term does not carry over to the new one.
#[test]
fn sec_5_1_follower_adopts_higher_term_from_any_rpc() {
    for message in every_kind_of_message(7) {
        assert_adopts_term_7(follower_of_term_2(), message);
    }
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it
/// immediately reverts to follower state." (Candidate, every RPC kind.)
#[test]
fn sec_5_1_candidate_with_stale_term_reverts_to_follower() {
    for message in every_kind_of_message(7) {
        assert_adopts_term_7(candidate_of_term_3(), message);
    }
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it
/// immediately reverts to follower state." (Leader, every RPC kind; it also
/// forgets its per-follower progress.)
#[test]
fn sec_5_1_leader_with_stale_term_reverts_to_follower() {
    for message in every_kind_of_message(7) {
        let kind = message.kind();
        let mut leader = leader_of_term_3();
        assert_eq!(leader.progress().len(), 4);
        step(&mut leader, 10 * MILLIS, 2, message);
        assert_eq!(leader.current_term(), 7, "{kind}");
        assert_eq!(leader.role(), Role::Follower, "{kind}");
        assert_eq!(leader.voted_for(), None, "{kind}");
        assert!(leader.progress().is_empty(), "{kind}: leader state dropped");
    }
}

/// The higher-term RequestVote is still judged after adopting the term: a
/// candidate whose log is up to date gets the (now free) vote of the new term.
#[test]
fn sec_5_1_higher_term_request_vote_is_then_granted_if_log_ok() {
    let mut node = leader_of_term_3();
    let out = step(&mut node, 0, 4, request_vote(7, 2, 3));
    assert_eq!(node.current_term(), 7);
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.voted_for(), Some(4));
    assert_eq!(out.messages, vec![envelope(1, 4, vote(7, true))]);
}

/// §5.1: "If a server receives a request with a stale term number, it rejects
/// the request." Figure 2, RequestVote receiver: "Reply false if term <
/// currentTerm"; the reply carries currentTerm "for candidate to update
/// itself". The stale request changes nothing, not even the election timer.
#[test]
fn sec_5_1_stale_request_vote_is_rejected_with_current_term() {
    let mut node = restarted(1, Config::cluster(3), 5, None, log_of(&[1]));
    let deadline = node.election_deadline();
    // The candidate's log is more up to date: only its term is wrong.
    let out = step(&mut node, MILLIS, 2, request_vote(4, 9, 4));
    assert_eq!(out.messages, vec![envelope(1, 2, vote(5, false))]);
    assert_eq!(node.current_term(), 5);
    assert_eq!(node.voted_for(), None);
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.election_deadline(), deadline);
}

/// §5.1: "If a server receives a request with a stale term number, it rejects
/// the request." Figure 2, AppendEntries receiver: "Reply false if term <
/// currentTerm". The log, commit index, leader hint and timer are untouched.
#[test]
fn sec_5_1_stale_append_entries_is_rejected_with_current_term() {
    let mut node = restarted(1, Config::cluster(3), 5, None, log_of(&[1]));
    let deadline = node.election_deadline();
    let stale = append(4, 1, 1, vec![entry_at(2, 4)], 2);
    let out = step(&mut node, MILLIS, 2, stale);
    let reply = append_reject(5, 1, ConflictHint::default());
    assert_eq!(out.messages, vec![envelope(1, 2, reply)]);
    assert_eq!(terms(&node), vec![1]);
    assert!(out.log_changes.is_empty());
    assert_eq!(node.commit_index(), 0);
    assert_eq!(node.leader_hint(), None);
    assert_eq!(node.election_deadline(), deadline);
    assert_eq!((node.role(), node.current_term()), (Role::Follower, 5));
}

/// §5.2: a candidate steps down only "if the leader's term ... is at least as
/// large as the candidate's current term"; "If the term in the RPC is smaller
/// than the candidate's current term, then the candidate rejects the RPC and
/// continues in candidate state."
#[test]
fn sec_5_1_candidate_rejects_stale_append_entries_and_stays_candidate() {
    let mut node = candidate_of_term_3();
    let out = step(&mut node, MILLIS, 2, append(2, 0, 0, vec![], 0));
    let reply = append_reject(3, 0, ConflictHint::default());
    assert_eq!(out.messages, vec![envelope(1, 2, reply)]);
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.current_term(), 3);
    assert_eq!(node.voted_for(), Some(1));
}

/// Replies are judged by term too: a vote granted in an earlier term does not
/// count toward an election of the current term.
#[test]
fn sec_5_1_stale_vote_replies_are_ignored() {
    let mut node = candidate_of_term_3();
    for voter in [2, 3, 4] {
        let out = step(&mut node, MILLIS, voter, vote(2, true));
        assert!(out.messages.is_empty());
    }
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.votes().iter().copied().collect::<Vec<NodeId>>(), [1]);
}

/// A success reply from an earlier term says nothing about the current
/// term's log: the leader ignores it (no matchIndex change, no commit).
#[test]
fn sec_5_1_stale_append_entries_replies_are_ignored() {
    let mut leader = leader_of_term_3();
    let before = leader.progress().clone();
    for follower in [2, 3, 4] {
        let out = step(&mut leader, MILLIS, follower, append_ok(2, 2));
        assert!(out.messages.is_empty());
        assert!(out.applied.is_empty());
    }
    assert_eq!(leader.progress(), &before);
    assert_eq!(leader.commit_index(), 0);
    assert_eq!(leader.role(), Role::Leader);
}

/// The term only changes when a larger one is seen: a message of the same term
/// keeps currentTerm and votedFor ("each server will vote for at most one
/// candidate in a given term", §5.2).
#[test]
fn sec_5_1_same_term_message_keeps_term_and_vote() {
    let mut node = follower_of_term_2();
    let out = step(&mut node, MILLIS, 3, append(2, 1, 1, vec![], 0));
    assert_eq!(node.current_term(), 2);
    assert_eq!(node.voted_for(), Some(3));
    assert_eq!(node.leader_hint(), Some(3));
    assert_eq!(out.messages, vec![envelope(1, 3, append_ok(2, 1))]);
}
