//! Paper tests for §5.3, "Log replication", and Figure 2's AppendEntries
//! rules.

mod common;

use common::*;
use raft_playground::raft::{
    Config, ConflictHint, Entry, Envelope, LogChange, NodeId, Payload, RaftNode, Role, Term, Time,
    MILLIS,
};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A follower (server 2 of 3) of `term` holding `log_terms`.
fn follower(term: Term, log_terms: &[Term]) -> RaftNode {
    restarted(2, Config::cluster(3), term, None, log_of(log_terms))
}

/// Entries `from..=to` as the figure-style helper builds them.
fn entries(from: u64, terms: &[Term]) -> Vec<Entry> {
    terms
        .iter()
        .enumerate()
        .map(|(i, &t)| entry_at(from + i as u64, t))
        .collect()
}

/// §5.3: "The leader appends the command to its log as a new entry, then
/// issues AppendEntries RPCs in parallel to each of the other servers to
/// replicate the entry." The client gets no answer yet.
#[test]
fn sec_5_3_leader_appends_client_command_and_sends_append_entries_to_all() {
    let mut leader = settled_leader(3);
    let cmd = command(7, 1, write("k", "v"));
    let out = propose(&mut leader, MILLIS, cmd.clone());

    let entry = Entry {
        term: 1,
        payload: Payload::Command(Rc::new(cmd)),
    };
    assert_eq!(leader.log().entries(), &[noop(1), entry.clone()]);
    assert_eq!(
        out.log_changes,
        vec![LogChange::Appended { from: 2, to: 2 }]
    );
    let expected: Vec<Envelope> = [2, 3]
        .into_iter()
        .map(|p| envelope(1, p, append(1, 1, 1, vec![entry.clone()], 1)))
        .collect();
    assert_eq!(out.messages, expected);
    assert!(out.replies.is_empty());
    assert_eq!(leader.commit_index(), 1);
    assert_eq!(leader.pending_proposals(), 1);
}

/// Figure 2, AppendEntries receiver: "Reply false if log doesn't contain an
/// entry at prevLogIndex whose term matches prevLogTerm." When the log is too
/// short, the hint points just past its end.
#[test]
fn sec_5_3_follower_rejects_when_log_is_too_short() {
    let mut node = follower(1, &[1, 1]);
    let out = step(&mut node, MILLIS, 1, append(2, 4, 2, entries(5, &[2]), 0));
    let hint = ConflictHint {
        index: 3,
        term: None,
    };
    assert_eq!(
        out.messages,
        vec![envelope(2, 1, append_reject(2, 4, hint))]
    );
    assert_eq!(terms(&node), vec![1, 1]);
    assert!(out.log_changes.is_empty());
    assert_eq!(node.leader_hint(), Some(1), "still a valid leader");
}

/// Figure 2: "Reply false if log doesn't contain an entry at prevLogIndex
/// whose term matches prevLogTerm." §5.3: "when rejecting an AppendEntries
/// request, the follower can include the term of the conflicting entry and the
/// first index it stores for that term."
#[test]
fn sec_5_3_follower_rejects_term_mismatch_with_first_index_of_that_term() {
    let mut node = follower(2, &[1, 2, 2, 2]);
    let out = step(&mut node, MILLIS, 1, append(3, 4, 3, vec![], 0));
    let hint = ConflictHint {
        index: 2,
        term: Some(2),
    };
    assert_eq!(
        out.messages,
        vec![envelope(2, 1, append_reject(3, 4, hint))]
    );
    assert_eq!(
        terms(&node),
        vec![1, 2, 2, 2],
        "nothing deleted on rejection"
    );
}

/// Figure 2: "If an existing entry conflicts with a new one (same index but
/// different terms), delete the existing entry and all that follow it (§5.3).
/// Append any new entries not already in the log."
#[test]
fn sec_5_3_follower_deletes_conflicting_entries_and_appends_new_ones() {
    let mut node = follower(2, &[1, 2, 2]);
    let new = entries(2, &[3, 3, 3]);
    let out = step(&mut node, MILLIS, 1, append(3, 1, 1, new.clone(), 0));
    assert_eq!(out.messages, vec![envelope(2, 1, append_ok(3, 4))]);
    let mut expected = entries(1, &[1]);
    expected.extend(new);
    assert_eq!(node.log().entries(), expected.as_slice());
    assert_eq!(
        out.log_changes,
        vec![
            LogChange::Truncated { from: 2 },
            LogChange::Appended { from: 2, to: 4 }
        ]
    );
}

/// Figure 2: "Append any new entries not already in the log": entries that
/// are already there (same index and term) are kept, and only the rest added.
#[test]
fn sec_5_3_follower_keeps_matching_entries_and_appends_the_rest() {
    let mut node = follower(2, &[1, 2, 2]);
    let out = step(
        &mut node,
        MILLIS,
        1,
        append(3, 1, 1, entries(2, &[2, 2, 3]), 0),
    );
    assert_eq!(out.messages, vec![envelope(2, 1, append_ok(3, 4))]);
    assert_eq!(terms(&node), vec![1, 2, 2, 3]);
    assert_eq!(
        out.log_changes,
        vec![LogChange::Appended { from: 4, to: 4 }]
    );
}

/// Figure 2 deletes entries only "If an existing entry conflicts with a new
/// one". A shorter AppendEntries that arrives after a longer one (delayed or
/// duplicated by the network) conflicts with nothing, so it must not truncate:
/// the entries it does not mention may already be counted toward a commit.
#[test]
fn sec_5_3_follower_does_not_truncate_on_stale_append_entries() {
    let mut node = follower(1, &[]);
    let long = append(1, 0, 0, entries(1, &[1, 1, 1]), 0);
    let short = append(1, 0, 0, entries(1, &[1]), 0);
    let out = step(&mut node, MILLIS, 1, long.clone());
    assert_eq!(out.messages, vec![envelope(2, 1, append_ok(1, 3))]);

    let out = step(&mut node, 2 * MILLIS, 1, short);
    assert_eq!(
        terms(&node),
        vec![1, 1, 1],
        "the late short message kept 2..3"
    );
    assert!(out.log_changes.is_empty());
    assert_eq!(out.messages, vec![envelope(2, 1, append_ok(1, 1))]);

    let out = step(&mut node, 3 * MILLIS, 1, long);
    assert_eq!(terms(&node), vec![1, 1, 1], "a duplicate changes nothing");
    assert!(out.log_changes.is_empty());
    assert_eq!(out.messages, vec![envelope(2, 1, append_ok(1, 3))]);
}

/// Figure 2: "If leaderCommit > commitIndex, set commitIndex =
/// min(leaderCommit, index of last new entry)". Entries the request did not
/// vouch for are not committed even if the follower holds them, and the commit
/// index never moves backwards.
#[test]
fn sec_5_3_follower_commit_index_is_min_of_leader_commit_and_last_new_entry() {
    // The follower holds three entries, but the leader vouches only for index 1:
    // entries 2 and 3 may well be replaced later.
    let mut node = follower(1, &[1, 1, 1]);
    let out = step(&mut node, MILLIS, 1, append(2, 1, 1, vec![], 3));
    assert_eq!(node.commit_index(), 1);
    assert_eq!(out.applied.len(), 1);
    assert_eq!(out.messages, vec![envelope(2, 1, append_ok(2, 1))]);

    let out = step(
        &mut node,
        2 * MILLIS,
        1,
        append(2, 1, 1, entries(2, &[2, 2]), 9),
    );
    assert_eq!(terms(&node), vec![1, 2, 2]);
    assert_eq!(node.commit_index(), 3, "min(9, 3)");
    let applied: Vec<u64> = out.applied.iter().map(|a| a.index).collect();
    assert_eq!(applied, vec![2, 3]);
    assert_eq!(node.last_applied(), 3);

    // A stale message with a smaller leaderCommit, and a probe that vouches
    // only for index 1: commitIndex stays at 3.
    let out = step(
        &mut node,
        3 * MILLIS,
        1,
        append(2, 0, 0, entries(1, &[1]), 1),
    );
    assert_eq!(node.commit_index(), 3);
    assert!(out.applied.is_empty());
    let out = step(&mut node, 4 * MILLIS, 1, append(2, 1, 1, vec![], 3));
    assert_eq!(node.commit_index(), 3);
    assert!(out.applied.is_empty());
}

/// Figure 2, Leaders: "If AppendEntries fails because of log inconsistency:
/// decrement nextIndex and retry". With the §5.3 optimization the leader jumps
/// straight to the follower's hint when it has no entry of the conflicting
/// term.
#[test]
fn sec_5_3_leader_backs_off_next_index_using_the_hint_and_retries() {
    let mut leader = restarted(1, Config::cluster(3), 3, None, log_of(&[1, 1, 3, 3]));
    elect(&mut leader, 0);
    assert_eq!(terms(&leader), vec![1, 1, 3, 3, 4]);

    // Follower 2 holds [1, 1, 2, 2]: its entry 4 has term 2, whose run starts
    // at 3. The leader has no term 2, so it skips the whole run.
    let hint = ConflictHint {
        index: 3,
        term: Some(2),
    };
    let out = step(&mut leader, MILLIS, 2, append_reject(4, 4, hint));
    let mut retry = log_of(&[1, 1, 3, 3]).entries()[2..].to_vec();
    retry.push(noop(4));
    assert_eq!(
        out.messages,
        vec![envelope(1, 2, append(4, 2, 1, retry, 0))]
    );

    // Follower 3's log is too short: [1]. Resume just past its end.
    let hint = ConflictHint {
        index: 2,
        term: None,
    };
    let out = step(&mut leader, MILLIS, 3, append_reject(4, 4, hint));
    let expected = append(4, 1, 1, leader.log().entries()[1..].to_vec(), 0);
    assert_eq!(out.messages, vec![envelope(1, 3, expected)]);
}

/// §5.3: "the follower can include the term of the conflicting entry ...
/// With this information, the leader can decrement nextIndex to bypass all of
/// the conflicting entries in that term". When the leader itself holds that
/// term, it resumes just after its own last entry of the term.
#[test]
fn sec_5_3_leader_uses_its_own_last_entry_of_the_conflicting_term() {
    let mut leader = restarted(1, Config::cluster(3), 4, None, log_of(&[1, 1, 2, 2, 4]));
    elect(&mut leader, 0);
    assert_eq!(terms(&leader), vec![1, 1, 2, 2, 4, 5]);
    // Follower 2 holds [1, 1, 2, 2, 2, 2, 2]; the probe at 5 (term 4) fails on
    // its entry of term 2, whose run starts at 3.
    let hint = ConflictHint {
        index: 3,
        term: Some(2),
    };
    let out = step(&mut leader, MILLIS, 2, append_reject(5, 5, hint));
    // Resume after the leader's last entry of term 2 (index 4), not at 3.
    let expected = append(5, 4, 2, leader.log().entries()[4..].to_vec(), 0);
    assert_eq!(out.messages, vec![envelope(1, 2, expected)]);

    // The real follower accepts that retry and drops its extra term-2 entries.
    let mut node = restarted(
        2,
        Config::cluster(3),
        4,
        None,
        log_of(&[1, 1, 2, 2, 2, 2, 2]),
    );
    let reply = step(&mut node, MILLIS, 1, out.messages[0].message.clone());
    assert_eq!(reply.messages, vec![envelope(2, 1, append_ok(5, 6))]);
    assert_eq!(node.log(), leader.log());
}

/// Replies can arrive late, twice or out of order. A rejection of a probe
/// below what the follower has since acknowledged is stale and must not move
/// nextIndex back; a late success must not move matchIndex back; and a reply
/// from an earlier term is ignored altogether.
#[test]
fn sec_5_3_stale_replies_do_not_move_the_leader_back() {
    let mut leader = restarted(1, Config::cluster(3), 1, None, log_of(&[1, 1, 1]));
    elect(&mut leader, 0);
    assert_eq!(terms(&leader), vec![1, 1, 1, 2]);
    let out = step(&mut leader, MILLIS, 2, append_ok(2, 4));
    assert!(out.messages.is_empty(), "follower 2 is up to date");
    let caught_up = leader.progress()[&2];
    assert_eq!(caught_up.match_index, 4);

    // A rejection of a probe at 3, sent before the one that succeeded.
    let hint = ConflictHint {
        index: 1,
        term: None,
    };
    let out = step(&mut leader, MILLIS, 2, append_reject(2, 3, hint));
    assert!(out.messages.is_empty(), "no retry for a stale rejection");
    assert_eq!(leader.progress()[&2], caught_up);

    // A late success covering less, and a reply of term 1.
    let out = step(&mut leader, MILLIS, 2, append_ok(2, 2));
    assert!(out.messages.is_empty());
    let out = step(&mut leader, MILLIS, 2, append_reject(1, 3, hint));
    assert!(out.messages.is_empty());
    assert_eq!(leader.progress()[&2], caught_up);
    assert_eq!(leader.commit_index(), 4);
}

/// §5.3: "A log entry is committed once the leader that created the entry has
/// replicated it on a majority of the servers ... The leader keeps track of
/// the highest index it knows to be committed ... Once a follower learns that
/// a log entry is committed, it applies the entry to its local state machine".
/// And: "When the entry has been safely replicated ..., the leader applies the
/// entry to its state machine and returns the result of that execution to the
/// client."
#[test]
fn sec_5_3_leader_commits_on_majority_and_only_then_replies() {
    let mut leader = new_node(1, 5);
    elect(&mut leader, 0);
    step(&mut leader, 0, 2, append_ok(1, 1));
    assert_eq!(leader.commit_index(), 0, "2 of 5");
    let out = step(&mut leader, 0, 3, append_ok(1, 1));
    assert_eq!(leader.commit_index(), 1, "3 of 5");
    assert_eq!(out.applied.len(), 1);

    let out = propose(&mut leader, MILLIS, command(7, 1, write("k", "v")));
    assert!(out.replies.is_empty());
    let out = step(&mut leader, MILLIS, 2, append_ok(1, 2));
    assert!(out.replies.is_empty());
    assert!(out.applied.is_empty());
    assert_eq!(leader.commit_index(), 1);
    assert_eq!(leader.state_machine().get("k"), None);

    let out = step(&mut leader, MILLIS, 5, append_ok(1, 2));
    assert_eq!(leader.commit_index(), 2);
    assert_eq!(out.applied.len(), 1);
    assert_eq!(out.applied[0].index, 2);
    assert_eq!(out.replies, vec![written_reply(2)]);
    assert_eq!(leader.state_machine().get("k"), Some(&"v".to_string()));
    assert_eq!(leader.pending_proposals(), 0);
}

/// §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no
/// log entries) to all followers in order to maintain their authority."
/// Heartbeats carry the leader's commit index, so followers learn of commits.
#[test]
fn sec_5_3_leader_sends_heartbeats_every_heartbeat_interval() {
    let mut leader = settled_leader(3);
    assert_eq!(leader.next_deadline(), HEARTBEAT);
    assert!(tick(&mut leader, HEARTBEAT - 1).messages.is_empty());

    let heartbeat = |to| envelope(1, to, append(1, 1, 1, vec![], 1));
    let out = tick(&mut leader, HEARTBEAT);
    assert_eq!(out.messages, vec![heartbeat(2), heartbeat(3)]);
    assert_eq!(leader.next_deadline(), 2 * HEARTBEAT);
    assert!(tick(&mut leader, 2 * HEARTBEAT - 1).messages.is_empty());
    let out = tick(&mut leader, 2 * HEARTBEAT);
    assert_eq!(out.messages, vec![heartbeat(2), heartbeat(3)]);

    // Sending new entries counts as a heartbeat: the timer restarts.
    let now = 2 * HEARTBEAT + 10 * MILLIS;
    propose(&mut leader, now, command(7, 1, write("k", "v")));
    assert_eq!(leader.next_deadline(), now + HEARTBEAT);
}

/// §5.3: "If followers crash or run slowly, or if network packets are lost,
/// the leader retries AppendEntries RPCs indefinitely (even after it has
/// responded to the client) until all followers eventually store all log
/// entries." Here the AppendEntries carrying a new entry are lost; the next
/// heartbeat gets it replicated and committed.
#[test]
fn sec_5_3_leader_retries_lost_append_entries_on_the_next_heartbeat() {
    let mut nodes: BTreeMap<NodeId, RaftNode> = (1..=3).map(|id| (id, new_node(id, 3))).collect();
    let start = force_timeout(nodes.get_mut(&1).unwrap(), 0).messages;
    deliver_all(&mut nodes, 0, start);
    assert_eq!(nodes[&1].role(), Role::Leader);
    assert_eq!(nodes[&1].commit_index(), 1);

    let out = propose(
        nodes.get_mut(&1).unwrap(),
        MILLIS,
        command(7, 1, write("k", "v")),
    );
    assert_eq!(out.messages.len(), 2, "both lost");
    let leader = nodes.get_mut(&1).unwrap();
    let at = leader.next_deadline();
    assert_eq!(at, MILLIS + HEARTBEAT);
    let heartbeats = tick(leader, at).messages;
    deliver_all(&mut nodes, at, heartbeats);
    for id in [2, 3] {
        assert_eq!(nodes[&id].log(), nodes[&1].log(), "server {id}");
    }
    assert_eq!(nodes[&1].commit_index(), 2);
    assert_eq!(nodes[&1].pending_proposals(), 0, "the client was answered");
    assert_eq!(nodes[&1].state_machine().get("k"), Some(&"v".to_string()));
}

/// Figure 2, Leaders: "If last log index ≥ nextIndex for a follower: send
/// AppendEntries RPC with log entries starting at nextIndex". A follower far
/// behind is fed batch after batch, each sent on the previous success.
#[test]
fn sec_5_3_leader_keeps_sending_until_follower_catches_up() {
    let mut config = Config::cluster(3);
    config.max_entries_per_append = 2;
    let mut leader = restarted(1, config, 1, None, log_of(&[1, 1, 1, 1]));
    let out = elect(&mut leader, 0);
    // Probe at 4 goes first; follower 2 is empty and says so.
    assert_eq!(
        out.messages[0],
        envelope(1, 2, append(2, 4, 1, vec![noop(2)], 0))
    );
    let hint = ConflictHint {
        index: 1,
        term: None,
    };
    let out = step(&mut leader, MILLIS, 2, append_reject(2, 4, hint));
    let log = leader.log().entries().to_vec();
    let batch = |prev: usize| {
        let prev_term = if prev == 0 { 0 } else { log[prev - 1].term };
        append(2, prev as u64, prev_term, log[prev..prev + 2].to_vec(), 0)
    };
    assert_eq!(out.messages, vec![envelope(1, 2, batch(0))]);
    let out = step(&mut leader, MILLIS, 2, append_ok(2, 2));
    assert_eq!(out.messages, vec![envelope(1, 2, batch(2))]);
    let out = step(&mut leader, MILLIS, 2, append_ok(2, 4));
    let last = append(2, 4, 1, vec![noop(2)], 0);
    assert_eq!(out.messages, vec![envelope(1, 2, last)]);
    let out = step(&mut leader, MILLIS, 2, append_ok(2, 5));
    assert!(out.messages.is_empty(), "caught up: nothing more to send");
    assert_eq!(leader.commit_index(), 5);
}

// ---- Figure 7 -------------------------------------------------------------

/// The leader's log in Figure 7 (before it appends its own no-op).
const FIGURE_7_LEADER: [Term; 10] = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];

/// The six follower logs (a)-(f) of Figure 7, with a current term each could
/// have had (the largest term in its log, or what it must have seen).
fn figure_7_followers() -> Vec<(&'static str, Term, Vec<Term>)> {
    vec![
        ("a", 6, vec![1, 1, 1, 4, 4, 5, 5, 6, 6]),
        ("b", 4, vec![1, 1, 1, 4]),
        ("c", 6, vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
        ("d", 7, vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
        ("e", 4, vec![1, 1, 1, 4, 4, 4, 4]),
        ("f", 3, vec![1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
    ]
}

/// Figure 7: "When the leader at the top comes to power, it is possible that
/// any of scenarios (a–f) could occur in follower logs. ... a follower may be
/// missing entries (a–b), may have extra uncommitted entries (c–d), or both
/// (e–f)." §5.3: "the leader must find the latest log entry where the two logs
/// agree, delete any entries in the follower's log after that point, and send
/// the follower all of the leader's entries after that point." Here the seven
/// servers of the figure are wired by hand: the leader (server 1) wins the
/// term-8 election and messages are delivered until none are left.
///
/// With the conflict hint, each follower needs at most three AppendEntries
/// round trips (decrementing nextIndex one by one would take eight for (f):
/// probes at 10, 9, ..., 3).
#[test]
fn sec_5_3_figure_7_every_follower_converges_to_the_leader_log() {
    let config = Config::cluster(7);
    let mut nodes: BTreeMap<NodeId, RaftNode> = BTreeMap::new();
    nodes.insert(
        1,
        restarted(1, config.clone(), 7, None, log_of(&FIGURE_7_LEADER)),
    );
    let followers = figure_7_followers();
    for (i, (_, term, log)) in followers.iter().enumerate() {
        let id = i as NodeId + 2;
        nodes.insert(id, restarted(id, config.clone(), *term, None, log_of(log)));
    }

    let start = force_timeout(nodes.get_mut(&1).unwrap(), 0).messages;
    let delivered = deliver_all(&mut nodes, 0, start);
    let leader = &nodes[&1];
    assert_eq!((leader.role(), leader.current_term()), (Role::Leader, 8));
    let mut expected: Vec<Term> = FIGURE_7_LEADER.to_vec();
    expected.push(8);
    assert_eq!(terms(leader), expected);

    // Votes: (c) and (d) have more up-to-date logs and refuse (§5.4.1).
    let granted: Vec<NodeId> = delivered
        .iter()
        .filter(|e| e.message == vote(8, true))
        .map(|e| e.from)
        .collect();
    assert_eq!(granted, vec![2, 3, 6, 7]);

    let round_trips = |id: NodeId| {
        delivered
            .iter()
            .filter(|e| e.from == 1 && e.to == id && e.message.kind() == "AppendEntries")
            .count()
    };
    let expected_round_trips = [("a", 2), ("b", 2), ("c", 1), ("d", 1), ("e", 3), ("f", 3)];
    for (i, (name, rts)) in expected_round_trips.into_iter().enumerate() {
        let id = i as NodeId + 2;
        assert_eq!(followers[i].0, name);
        assert_eq!(nodes[&id].log(), nodes[&1].log(), "follower ({name})");
        assert_eq!(round_trips(id), rts, "round trips for ({name})");
        assert_eq!(nodes[&1].progress()[&id].match_index, 11, "({name})");
    }
    assert_eq!(nodes[&1].commit_index(), 11);

    // The next heartbeat tells every follower that all 11 entries committed.
    let heartbeats = tick(nodes.get_mut(&1).unwrap(), HEARTBEAT).messages;
    assert_eq!(heartbeats.len(), 6);
    deliver_all(&mut nodes, HEARTBEAT as Time, heartbeats);
    for (id, node) in &nodes {
        assert_eq!(node.commit_index(), 11, "server {id}");
        assert_eq!(node.last_applied(), 11, "server {id}");
        assert_eq!(node.state_machine().applied(), nodes[&1].log().entries());
    }
}
