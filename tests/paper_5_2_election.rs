//! Paper tests for §5.2, "Leader election".

mod common;

use common::*;
use raft_playground::raft::{
    Config, Envelope, LogChange, NodeId, RaftNode, Rng, Role, Time, MILLIS,
};
use std::collections::BTreeSet;

/// RequestVote from server 1 to each of `peers`.
fn request_votes_to(peers: &[NodeId], term: u64, index: u64, last_term: u64) -> Vec<Envelope> {
    peers
        .iter()
        .map(|&p| envelope(1, p, request_vote(term, index, last_term)))
        .collect()
}

/// Server 1 of five, a candidate of term 1 since `election_deadline`.
fn candidate_of_term_1() -> (RaftNode, Time) {
    let mut node = new_node(1, 5);
    let now = node.election_deadline();
    tick(&mut node, now);
    assert_eq!((node.role(), node.current_term()), (Role::Candidate, 1));
    (node, now)
}

/// §5.2: "If a follower receives no communication over a period of time
/// called the election timeout, then it assumes there is no viable leader and
/// begins an election to choose a new leader. To begin an election, a follower
/// increments its current term and transitions to candidate state. It then
/// votes for itself and issues RequestVote RPCs in parallel to each of the
/// other servers in the cluster." The RequestVote carries "index of
/// candidate's last log entry" and "term of candidate's last log entry".
#[test]
fn sec_5_2_follower_starts_election_after_timeout() {
    let mut node = restarted(1, Config::cluster(3), 2, None, log_of(&[1, 1, 2]));
    let deadline = node.election_deadline();
    assert!((ELECTION_MIN..=ELECTION_MAX).contains(&deadline));

    let out = tick(&mut node, deadline - 1);
    assert!(out.messages.is_empty(), "not yet timed out");
    assert_eq!((node.role(), node.current_term()), (Role::Follower, 2));

    let out = tick(&mut node, deadline);
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.current_term(), 3);
    assert_eq!(node.voted_for(), Some(1));
    assert_eq!(node.votes(), &BTreeSet::from([1]));
    assert_eq!(out.messages, request_votes_to(&[2, 3], 3, 3, 2));
    assert!(out.log_changes.is_empty());
}

/// §5.2: "A candidate wins an election if it receives votes from a majority of
/// the servers in the full cluster for the same term. ... Once a candidate
/// wins an election, it becomes leader. It then sends heartbeat messages to all
/// of the other servers to establish its authority." §8: "each leader commit
/// a blank no-op entry into the log at the start of its term", so the first
/// AppendEntries already carries that no-op.
#[test]
fn sec_5_2_candidate_wins_with_majority_and_sends_append_entries_at_once() {
    let (mut node, now) = candidate_of_term_1();

    let out = step(&mut node, now, 2, vote(1, true));
    assert!(out.messages.is_empty());
    let out = step(&mut node, now, 2, vote(1, true));
    assert!(out.messages.is_empty(), "a duplicated vote counts once");
    let out = step(&mut node, now, 3, vote(1, false));
    assert!(out.messages.is_empty(), "a refusal is not a vote");
    assert_eq!(node.role(), Role::Candidate, "2 of 5 votes");

    let out = step(&mut node, now, 4, vote(1, true));
    assert_eq!(node.role(), Role::Leader, "3 of 5 votes");
    assert_eq!(node.current_term(), 1);
    assert_eq!(node.leader_hint(), Some(1));
    assert_eq!(node.log().entries(), &[noop(1)]);
    assert_eq!(
        out.log_changes,
        vec![LogChange::Appended { from: 1, to: 1 }]
    );
    let expected: Vec<Envelope> = (2..=5)
        .map(|p| envelope(1, p, append(1, 0, 0, vec![noop(1)], 0)))
        .collect();
    assert_eq!(out.messages, expected);
    assert_eq!(node.next_deadline(), now + HEARTBEAT, "next heartbeat");
    assert_eq!(
        node.progress().keys().copied().collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert!(node.progress().values().all(|p| p.match_index == 0));
}

/// §5.2: "While waiting for votes, a candidate may receive an AppendEntries RPC
/// from another server claiming to be leader. If the leader's term (included
/// in its RPC) is at least as large as the candidate's current term, then the
/// candidate recognizes the leader as legitimate and returns to follower
/// state."
#[test]
fn sec_5_2_candidate_steps_down_on_append_entries_of_same_term() {
    let (mut node, now) = candidate_of_term_1();
    let later = now + 10 * MILLIS;
    let out = step(&mut node, later, 3, append(1, 0, 0, vec![noop(1)], 0));
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.current_term(), 1);
    assert_eq!(node.voted_for(), Some(1), "its vote of term 1 stands");
    assert_eq!(node.leader_hint(), Some(3));
    assert_eq!(node.log().entries(), &[noop(1)]);
    assert_eq!(out.messages, vec![envelope(1, 3, append_ok(1, 1))]);
    assert!(node.election_deadline() >= later + ELECTION_MIN);
}

/// §5.2: "The third possible outcome is that a candidate neither wins nor
/// loses the election ... When this happens, each candidate will time out and
/// start a new election by incrementing its term and initiating another round
/// of RequestVote RPCs."
#[test]
fn sec_5_2_candidate_restarts_election_after_timeout() {
    let (mut node, first) = candidate_of_term_1();
    step(&mut node, first, 2, vote(1, true));
    let deadline = node.election_deadline();
    assert!((first + ELECTION_MIN..=first + ELECTION_MAX).contains(&deadline));

    assert!(tick(&mut node, deadline - 1).messages.is_empty());
    assert_eq!(node.current_term(), 1);

    let out = tick(&mut node, deadline);
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.current_term(), 2);
    assert_eq!(node.voted_for(), Some(1));
    assert_eq!(node.votes(), &BTreeSet::from([1]), "term 1 votes are void");
    assert_eq!(out.messages, request_votes_to(&[2, 3, 4, 5], 2, 0, 0));
    assert!(node.election_deadline() >= deadline + ELECTION_MIN);
}

/// §5.2: "Each server will vote for at most one candidate in a given term, on
/// a first-come-first-served basis." Figure 2: "If votedFor is null or
/// candidateId ... grant vote", so the same candidate asking again (its first
/// reply was lost) gets the vote again.
#[test]
fn sec_5_2_one_vote_per_term_first_come_first_served() {
    let mut node = new_node(1, 3);
    let out = step(&mut node, MILLIS, 2, request_vote(1, 0, 0));
    assert_eq!(out.messages, vec![envelope(1, 2, vote(1, true))]);
    assert_eq!(node.voted_for(), Some(2));

    let out = step(&mut node, 2 * MILLIS, 3, request_vote(1, 0, 0));
    assert_eq!(out.messages, vec![envelope(1, 3, vote(1, false))]);
    assert_eq!(node.voted_for(), Some(2));

    let out = step(&mut node, 3 * MILLIS, 2, request_vote(1, 0, 0));
    assert_eq!(out.messages, vec![envelope(1, 2, vote(1, true))]);
    assert_eq!(node.voted_for(), Some(2));

    // A candidate has voted for itself: a rival of the same term is refused.
    let (mut candidate, now) = candidate_of_term_1();
    let out = step(&mut candidate, now, 2, request_vote(1, 0, 0));
    assert_eq!(out.messages, vec![envelope(1, 2, vote(1, false))]);
    assert_eq!(candidate.voted_for(), Some(1));

    // A new term frees the vote.
    let out = step(&mut node, 4 * MILLIS, 3, request_vote(2, 0, 0));
    assert_eq!(out.messages, vec![envelope(1, 3, vote(2, true))]);
    assert_eq!(node.voted_for(), Some(3));
}

/// Figure 2, Followers: "If election timeout elapses without receiving
/// AppendEntries RPC from current leader or granting vote to candidate:
/// convert to candidate." Granting a vote resets the timer; refusing one does
/// not.
#[test]
fn sec_5_2_granting_a_vote_resets_election_timer() {
    let mut node = new_node(1, 3);
    let d0 = node.election_deadline();
    let t = d0 - 1;
    step(&mut node, t, 2, request_vote(1, 0, 0));
    let d1 = node.election_deadline();
    assert!((t + ELECTION_MIN..=t + ELECTION_MAX).contains(&d1));
    assert!(
        tick(&mut node, d0).messages.is_empty(),
        "old deadline passed"
    );
    assert_eq!(node.role(), Role::Follower);

    // A refused vote (already voted in term 1) leaves the timer alone.
    step(&mut node, d0 + MILLIS, 3, request_vote(1, 0, 0));
    assert_eq!(node.election_deadline(), d1);
    // So does a refused higher-term vote (the candidate's log is behind).
    let mut node = restarted(1, Config::cluster(3), 1, None, log_of(&[1]));
    let d0 = node.election_deadline();
    let out = step(&mut node, MILLIS, 3, request_vote(2, 0, 0));
    assert_eq!(out.messages, vec![envelope(1, 3, vote(2, false))]);
    assert_eq!(node.election_deadline(), d0);
}

/// §5.2: "A server remains in follower state as long as it receives valid RPCs
/// from a leader or candidate. Leaders send periodic heartbeats ... in order
/// to maintain their authority."
#[test]
fn sec_5_2_append_entries_from_leader_resets_election_timer() {
    let mut node = new_node(1, 3);
    let d0 = node.election_deadline();
    let t = d0 - 1;
    let out = step(&mut node, t, 2, append(1, 0, 0, vec![], 0));
    assert_eq!(out.messages, vec![envelope(1, 2, append_ok(1, 0))]);
    assert!((t + ELECTION_MIN..=t + ELECTION_MAX).contains(&node.election_deadline()));
    assert!(tick(&mut node, d0).messages.is_empty());
    assert_eq!(node.role(), Role::Follower);
}

/// §5.2: "Raft uses randomized election timeouts to ensure that split votes
/// are rare and that they are resolved quickly. To prevent split votes in the
/// first place, election timeouts are chosen randomly from a fixed interval
/// (e.g., 150–300ms)."
#[test]
fn sec_5_2_election_timeouts_are_randomized_within_the_interval() {
    // Different servers (different seeds) draw different timeouts.
    let deadlines: Vec<Time> = (1..=50)
        .map(|seed| RaftNode::new(1, Config::cluster(3), Rng::new(seed), 0).election_deadline())
        .collect();
    assert!(deadlines
        .iter()
        .all(|d| (ELECTION_MIN..=ELECTION_MAX).contains(d)));
    let distinct: BTreeSet<Time> = deadlines.iter().copied().collect();
    assert!(distinct.len() >= 45, "only {} distinct", distinct.len());
    let spread = distinct.last().unwrap() - distinct.first().unwrap();
    assert!(
        spread >= 100 * MILLIS,
        "spread {spread}us of a 150ms interval"
    );

    // One server draws a fresh timeout for each election.
    let mut node = new_node(1, 3);
    let mut timeouts = BTreeSet::new();
    let mut now = 0;
    for _ in 0..10 {
        let deadline = node.election_deadline();
        timeouts.insert(deadline - now);
        now = deadline;
        tick(&mut node, now);
    }
    assert_eq!(node.current_term(), 10);
    assert!(timeouts
        .iter()
        .all(|t| (ELECTION_MIN..=ELECTION_MAX).contains(t)));
    assert!(
        timeouts.len() >= 9,
        "successive timeouts repeat: {timeouts:?}"
    );
}

/// §5.2: "A candidate wins an election if it receives votes from a majority of
/// the servers in the full cluster": in a cluster of one, its own vote is a
/// majority, and an entry on its own log is on a majority.
#[test]
fn sec_5_2_single_node_cluster_elects_itself() {
    let mut node = RaftNode::new(1, Config::cluster(1), Rng::new(1), 0);
    let deadline = node.election_deadline();
    let out = tick(&mut node, deadline);
    assert_eq!((node.role(), node.current_term()), (Role::Leader, 1));
    assert!(out.messages.is_empty(), "no peers to ask");
    assert_eq!(node.log().entries(), &[noop(1)]);
    assert_eq!(node.commit_index(), 1);
    assert_eq!(out.applied.len(), 1);

    let out = propose(&mut node, deadline, command(7, 1, write("k", "v")));
    assert!(out.messages.is_empty());
    assert_eq!(node.commit_index(), 2);
    assert_eq!(out.replies, vec![written_reply(2)]);
    assert_eq!(node.state_machine().get("k"), Some(&"v".to_string()));
}

/// Figure 2, Leaders: a leader sends heartbeats "during idle periods to prevent
/// election timeouts"; it never starts an election of its own.
#[test]
fn sec_5_2_leader_does_not_time_out() {
    let mut leader = new_node(1, 3);
    elect(&mut leader, 0);
    let out = force_timeout(&mut leader, ELECTION_MAX * 10);
    assert!(out.messages.is_empty());
    let out = tick(&mut leader, ELECTION_MAX * 10);
    assert_eq!(out.messages.len(), 2);
    assert!(out
        .messages
        .iter()
        .all(|e| e.message.kind() == "AppendEntries"));
    assert_eq!((leader.role(), leader.current_term()), (Role::Leader, 1));
}
