//! Paper tests for §5.4, "Safety": the election restriction (§5.4.1),
//! committing entries from previous terms (§5.4.2, Figure 8), and Figure 2's
//! persistent state.

mod common;

use common::*;
use raft_playground::raft::{
    Config, Envelope, Message, NodeId, PersistentState, RaftLog, RaftNode, Rng, Role, Term, Time,
    UnsafeSwitch, UnsafeSwitches, MILLIS,
};
use std::collections::{BTreeMap, VecDeque};

/// Server 1 of 5 at term 2 with a log of `log_terms`; asks it for a vote in
/// term 3 from server 2, whose log ends at (`last_index`, `last_term`), and
/// returns whether it granted the vote.
fn vote_for_candidate(log_terms: &[Term], last_index: u64, last_term: Term) -> bool {
    let mut voter = restarted(1, Config::cluster(5), 2, None, log_of(log_terms));
    let out = step(
        &mut voter,
        MILLIS,
        2,
        request_vote(3, last_index, last_term),
    );
    let Message::RequestVoteReply { term, vote_granted } = out.messages[0].message else {
        panic!("expected a vote reply, got {:?}", out.messages);
    };
    assert_eq!(out.messages.len(), 1);
    assert_eq!(term, 3);
    assert_eq!(
        voter.current_term(),
        3,
        "the higher term is adopted either way"
    );
    let expected_vote = vote_granted.then_some(2);
    assert_eq!(voter.voted_for(), expected_vote);
    vote_granted
}

/// §5.4.1: "the voter denies its vote if its own log is more up-to-date than
/// that of the candidate. ... If the logs have last entries with different
/// terms, then the log with the later term is more up-to-date." A longer log
/// does not help a candidate whose last term is lower.
#[test]
fn sec_5_4_1_vote_refused_to_candidate_with_lower_last_log_term() {
    assert!(!vote_for_candidate(&[1, 2], 5, 1));
    assert!(!vote_for_candidate(&[1, 2], 0, 0));
}

/// §5.4.1: "If the logs end with the same term, then whichever log is longer
/// is more up-to-date."
#[test]
fn sec_5_4_1_vote_refused_to_candidate_with_same_last_term_but_shorter_log() {
    assert!(!vote_for_candidate(&[1, 2, 2], 2, 2));
}

/// §5.4.1: "the RequestVote RPC ... includes information about the
/// candidate's log", and Figure 2 grants the vote "if ... candidate's log is
/// at least as up-to-date as receiver's log": equal, longer with the same
/// last term, or any length with a later last term.
#[test]
fn sec_5_4_1_vote_granted_to_candidate_at_least_as_up_to_date() {
    assert!(vote_for_candidate(&[1, 2, 2], 3, 2), "same log end");
    assert!(vote_for_candidate(&[1, 2, 2], 4, 2), "same term, longer");
    assert!(vote_for_candidate(&[1, 2, 2], 1, 3), "later term, shorter");
    assert!(vote_for_candidate(&[], 0, 0), "both empty");
}

/// The unsafe switch `VoteWithoutLogCheck` breaks exactly this rule: the voter
/// with [1, 2] grants its vote to a candidate whose log ends at term 1.
#[test]
fn sec_5_4_1_unsafe_vote_without_log_check_grants_the_stale_candidate() {
    let mut config = Config::cluster(5);
    config.unsafe_switches = UnsafeSwitches::none().with(UnsafeSwitch::VoteWithoutLogCheck);
    let mut voter = restarted(1, config, 2, None, log_of(&[1, 2]));
    let out = step(&mut voter, MILLIS, 2, request_vote(3, 5, 1));
    assert_eq!(out.messages, vec![envelope(1, 2, vote(3, true))]);
}

// ---- §5.4.2, Figure 8 -------------------------------------------------------

/// Delivers messages among `nodes` (FIFO; messages to absent servers are
/// lost) but holds back those `hold` picks; returns the held ones.
fn deliver_holding(
    nodes: &mut BTreeMap<NodeId, RaftNode>,
    now: Time,
    initial: Vec<Envelope>,
    hold: impl Fn(&Envelope, &BTreeMap<NodeId, RaftNode>) -> bool,
) -> Vec<Envelope> {
    let mut queue: VecDeque<Envelope> = initial.into();
    let mut held = Vec::new();
    while let Some(envelope) = queue.pop_front() {
        if hold(&envelope, nodes) {
            held.push(envelope);
            continue;
        }
        if let Some(node) = nodes.get_mut(&envelope.to) {
            let out = step(node, now, envelope.from, envelope.message);
            queue.extend(out.messages);
        }
    }
    held
}

/// Is this the no-op of term 4 on its way to a follower that already holds
/// index 2? (Earlier probes carrying it are let through: they are rejected
/// and make the leader send index 2 first.)
fn no_op_to_follower_with_index_2(envelope: &Envelope, nodes: &BTreeMap<NodeId, RaftNode>) -> bool {
    let Message::AppendEntries { entries, .. } = &envelope.message else {
        return false;
    };
    let has_index_2 = nodes
        .get(&envelope.to)
        .is_some_and(|n| n.log().last_index() >= 2);
    has_index_2 && entries.iter().any(|e| e.term == 4)
}

/// Would these servers vote for S5 in term 5? (Asked on copies, so the
/// scenario itself is not disturbed.)
fn votes_for_s5(s5: &RaftNode, nodes: &BTreeMap<NodeId, RaftNode>, voters: &[NodeId]) -> Vec<bool> {
    let ask = force_timeout(&mut s5.clone(), 0).messages;
    assert_eq!(ask[0].message, request_vote(5, 2, 3));
    voters
        .iter()
        .map(|id| {
            let out = step(&mut nodes[id].clone(), 0, 5, ask[0].message.clone());
            out.messages == vec![envelope(*id, 5, vote(5, true))]
        })
        .collect()
}

/// The situation of Figure 8 (c): five servers; S1 was leader of term 2 and
/// wrote index 2 only to itself; S5 was leader of term 3 and wrote a different
/// index 2 only to itself. S1 now wins term 4 with S2 and S3 (whose logs are
/// [1]); S4 and S5 are down. Entries go one per AppendEntries, so that index 2
/// reaches S2 and S3 before the no-op does.
fn figure_8_servers(switches: UnsafeSwitches) -> (BTreeMap<NodeId, RaftNode>, RaftNode) {
    let mut config = Config::cluster(5);
    config.max_entries_per_append = 1;
    config.unsafe_switches = switches;
    let mut nodes = BTreeMap::new();
    nodes.insert(1, restarted(1, config.clone(), 3, None, log_of(&[1, 2])));
    for id in [2, 3] {
        nodes.insert(id, restarted(id, config.clone(), 3, None, log_of(&[1])));
    }
    // S5 has heard of term 4 (from S4, say), so its next election is for term 5.
    let s5 = restarted(5, config, 4, None, log_of(&[1, 3]));
    (nodes, s5)
}

/// S1 times out and wins term 4; messages flow until S2 and S3 hold index 2,
/// and the no-op that would follow it is held back in the network.
fn run_figure_8(nodes: &mut BTreeMap<NodeId, RaftNode>) -> Vec<Envelope> {
    let start = force_timeout(nodes.get_mut(&1).unwrap(), 0).messages;
    let held = deliver_holding(nodes, 0, start, no_op_to_follower_with_index_2);
    assert_eq!(nodes[&1].role(), Role::Leader);
    assert_eq!(nodes[&1].current_term(), 4);
    for id in [1, 2, 3] {
        assert_eq!(nodes[&id].log().term_at(2), Some(2), "S{id} holds index 2");
    }
    assert_eq!(nodes[&1].progress()[&2].match_index, 2);
    assert_eq!(nodes[&1].progress()[&3].match_index, 2);
    held
}

/// §5.4.2: "a leader cannot immediately conclude that an entry from a previous
/// term is committed once it is stored on a majority of servers. Figure 8
/// illustrates a situation where an old log entry is stored on a majority of
/// servers, yet can still be overwritten by a future leader. ... Raft never
/// commits log entries from previous terms by counting replicas. Only log
/// entries from the leader's current term are committed by counting replicas;
/// once an entry from the current term has been committed in this way, then
/// all prior entries are committed indirectly because of the Log Matching
/// Property."
#[test]
fn sec_5_4_2_figure_8_leader_does_not_commit_old_term_entry_by_counting_replicas() {
    let (mut nodes, s5) = figure_8_servers(UnsafeSwitches::none());
    let held = run_figure_8(&mut nodes);
    assert_eq!(terms(&nodes[&1]), vec![1, 2, 4], "the no-op of term 4");
    assert_eq!(held.len(), 2, "the no-op, on its way to S2 and S3");
    assert_eq!(
        nodes[&1].commit_index(),
        0,
        "index 2 is on 3 of 5, not committed"
    );
    assert_eq!(nodes[&1].last_applied(), 0);

    // Rightly so: S5 ([1, 3]) could still win term 5 with the votes of S2, S3
    // (and S4), and overwrite index 2.
    assert_eq!(votes_for_s5(&s5, &nodes, &[2, 3]), vec![true, true]);

    // Once the no-op of term 4 is on a majority, both entries commit together.
    deliver_holding(&mut nodes, 0, held, |_, _| false);
    assert_eq!(nodes[&1].commit_index(), 3);
    let applied: Vec<Term> = nodes[&1]
        .state_machine()
        .applied()
        .iter()
        .map(|e| e.term)
        .collect();
    assert_eq!(applied, vec![1, 2, 4]);
    // And now S5 can no longer win: S2 and S3 refuse it (§5.4.1).
    assert_eq!(votes_for_s5(&s5, &nodes, &[2, 3]), vec![false, false]);
}

/// The unsafe switch `CommitOldTerms` is the Figure 8 bug: in the same setup,
/// the leader of term 4 commits (and applies) index 2, of term 2, as soon as
/// S2 and S3 store it. Then S5, whose log [1, 3] lacks that entry, can still
/// collect the votes of S2 and S3 for term 5 and would overwrite a committed
/// entry (Figure 8 (d)).
#[test]
fn sec_5_4_2_figure_8_unsafe_commit_old_terms_commits_by_counting_replicas() {
    let switches = UnsafeSwitches::none().with(UnsafeSwitch::CommitOldTerms);
    let (mut nodes, s5) = figure_8_servers(switches);
    let held = run_figure_8(&mut nodes);
    assert!(held.is_empty(), "no no-op with this switch");
    assert_eq!(terms(&nodes[&1]), vec![1, 2]);
    assert_eq!(
        nodes[&1].commit_index(),
        2,
        "committed by counting replicas"
    );
    assert_eq!(nodes[&1].last_applied(), 2);
    // The committed entry can still be lost: S2 and S3 would elect S5.
    assert_eq!(votes_for_s5(&s5, &nodes, &[2, 3]), vec![true, true]);
}

// ---- Persistent state (Figure 2) ----------------------------------------------

/// Server 1 of 3 after voting for server 2 in term 3 and accepting two
/// entries from it, both committed and applied.
fn server_that_voted_and_applied(config: Config) -> RaftNode {
    let mut node = RaftNode::new(1, config, Rng::new(1), 0);
    step(&mut node, MILLIS, 2, request_vote(3, 0, 0));
    let entries = vec![entry_at(1, 3), entry_at(2, 3)];
    step(&mut node, 2 * MILLIS, 2, append(3, 0, 0, entries, 2));
    assert_eq!((node.current_term(), node.voted_for()), (3, Some(2)));
    assert_eq!(node.commit_index(), 2);
    assert_eq!(node.state_machine().get("x"), Some(&"2@3".to_string()));
    node
}

/// Figure 2, "Persistent state on all servers (Updated on stable storage
/// before responding to RPCs)": currentTerm, votedFor, log[]. Everything else
/// is volatile: commitIndex and lastApplied are "initialized to 0", and
/// "When servers start up, they begin as followers" (§5.2).
#[test]
fn sec_5_4_persistent_state_survives_restart_and_volatile_state_does_not() {
    let config = Config::cluster(3);
    let node = server_that_voted_and_applied(config.clone());
    let log: RaftLog = node.log().clone();
    let persisted: PersistentState = node.into_persistent();
    let mut node = RaftNode::restart(1, config, persisted, Rng::new(9), 10 * MILLIS);

    assert_eq!(node.current_term(), 3);
    assert_eq!(node.voted_for(), Some(2));
    assert_eq!(node.log(), &log);
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.commit_index(), 0);
    assert_eq!(node.last_applied(), 0);
    assert!(node.state_machine().data().is_empty());
    assert_eq!(node.leader_hint(), None);

    // The vote of term 3 still stands: server 3 cannot get it.
    let out = step(&mut node, 11 * MILLIS, 3, request_vote(3, 2, 3));
    assert_eq!(out.messages, vec![envelope(1, 3, vote(3, false))]);
    // The state machine is rebuilt by re-applying once the commit is learned.
    let out = step(&mut node, 12 * MILLIS, 2, append(3, 2, 3, vec![], 2));
    assert_eq!(out.applied.len(), 2);
    assert_eq!(node.state_machine().get("x"), Some(&"2@3".to_string()));
}

/// The unsafe switch `ForgetVoteOnRestart` drops votedFor on restart, so the
/// restarted server votes a second time in term 3, for another candidate: two
/// leaders could be elected in one term (breaks Election Safety, §5.2).
#[test]
fn sec_5_4_unsafe_forget_vote_on_restart_loses_voted_for() {
    let mut config = Config::cluster(3);
    config.unsafe_switches = UnsafeSwitches::none().with(UnsafeSwitch::ForgetVoteOnRestart);
    let node = server_that_voted_and_applied(config.clone());
    let mut node = RaftNode::restart(1, config, node.into_persistent(), Rng::new(9), 0);
    assert_eq!(node.current_term(), 3);
    assert_eq!(node.voted_for(), None, "the vote was lost");
    let out = step(&mut node, MILLIS, 3, request_vote(3, 2, 3));
    assert_eq!(out.messages, vec![envelope(1, 3, vote(3, true))]);
    assert_eq!(node.voted_for(), Some(3), "a second vote in term 3");
}
