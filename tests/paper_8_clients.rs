//! Paper tests for §8, "Client interaction".

mod common;

use common::*;
use raft_playground::raft::{
    ClientCommand, ClientReply, Entry, LogChange, Op, OpResult, Payload, ReplyOutcome, Role, MILLIS,
};
use std::rc::Rc;

fn reply(command: &ClientCommand, outcome: ReplyOutcome) -> ClientReply {
    ClientReply {
        client: command.client,
        request: command.request,
        outcome,
    }
}

fn applied(index: u64, result: OpResult) -> ReplyOutcome {
    ReplyOutcome::Applied { index, result }
}

fn entry_of(term: u64, command: &ClientCommand) -> Entry {
    Entry {
        term,
        payload: Payload::Command(Rc::new(command.clone())),
    }
}

/// §8: "If the client contacts a follower, the follower will reject the
/// client's request and supply information about the most recent leader it has
/// heard from (AppendEntries requests include the network address of the
/// leader)." The request is not appended anywhere.
#[test]
fn sec_8_non_leader_answers_not_leader_with_leader_hint() {
    let mut node = new_node(1, 3);
    let cmd = command(7, 1, write("k", "v"));
    let out = propose(&mut node, MILLIS, cmd.clone());
    let unknown = ReplyOutcome::NotLeader { leader_hint: None };
    assert_eq!(out.replies, vec![reply(&cmd, unknown.clone())]);
    assert!(out.messages.is_empty());
    assert_eq!(node.log().last_index(), 0);

    // A heartbeat from server 2 names the leader.
    step(&mut node, 2 * MILLIS, 2, append(1, 0, 0, vec![], 0));
    let out = propose(&mut node, 3 * MILLIS, cmd.clone());
    let known = ReplyOutcome::NotLeader {
        leader_hint: Some(2),
    };
    assert_eq!(out.replies, vec![reply(&cmd, known)]);
    assert_eq!(node.log().last_index(), 0);

    // A new term begins: the old leader is no longer a good hint.
    step(&mut node, 4 * MILLIS, 3, request_vote(2, 0, 0));
    let out = propose(&mut node, 5 * MILLIS, cmd.clone());
    assert_eq!(out.replies, vec![reply(&cmd, unknown.clone())]);

    // A candidate knows no leader either.
    force_timeout(&mut node, 6 * MILLIS);
    assert_eq!(node.role(), Role::Candidate);
    let out = propose(&mut node, 7 * MILLIS, cmd.clone());
    assert_eq!(out.replies, vec![reply(&cmd, unknown)]);
    assert_eq!(node.log().last_index(), 0);
}

/// §8: "Clients of Raft send all of their requests to the leader"; §5.3: "When
/// the entry has been safely replicated ..., the leader applies the entry to
/// its state machine and returns the result of that execution to the client."
/// Reads too go through the log, so a read sees every write committed before
/// it ("a leader must not return stale data").
#[test]
fn sec_8_leader_replies_applied_only_after_commit() {
    let mut leader = settled_leader(3);
    let put = command(7, 1, write("k", "v"));
    let get = command(7, 2, Op::Read { key: "k".into() });
    let out = propose(&mut leader, MILLIS, put.clone());
    assert!(out.replies.is_empty(), "not committed yet");
    let out = propose(&mut leader, MILLIS, get.clone());
    assert!(out.replies.is_empty(), "reads wait for the log as well");
    assert_eq!(leader.pending_proposals(), 2);

    let out = step(&mut leader, 2 * MILLIS, 3, append_ok(1, 2));
    assert_eq!(
        out.replies,
        vec![reply(&put, applied(2, OpResult::Written))]
    );
    let out = step(&mut leader, 3 * MILLIS, 3, append_ok(1, 3));
    let value = OpResult::ReadValue(Some("v".into()));
    assert_eq!(out.replies, vec![reply(&get, applied(3, value))]);
    assert_eq!(leader.pending_proposals(), 0);
}

/// A request whose entry is replaced by another committed entry has failed;
/// the client learns it (`Overwritten`) when the replacement is *applied*, not
/// when the entry is truncated. Truncation proves nothing: the truncated entry
/// may still sit in another server's log, and that server may become leader
/// and commit it (see the next test). Only a different entry committed at the
/// same index proves it can never commit (Log Matching, §5.3).
///
/// Scenario (5 servers): S1, leader of term 1, appends the request at index 2
/// but cannot replicate it; S2 becomes leader of term 2, its no-op replaces
/// index 2 on S1, and is later committed.
#[test]
fn sec_8_overwritten_reply_when_replacement_is_applied_not_when_truncated() {
    let mut node = settled_leader(5);
    let cmd = command(7, 1, write("k", "v"));
    propose(&mut node, MILLIS, cmd.clone());

    let out = step(&mut node, 2 * MILLIS, 2, append(2, 1, 1, vec![noop(2)], 1));
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.log().entries(), &[noop(1), noop(2)]);
    assert_eq!(
        out.log_changes,
        vec![
            LogChange::Truncated { from: 2 },
            LogChange::Appended { from: 2, to: 2 }
        ]
    );
    assert!(
        out.replies.is_empty(),
        "truncated: the outcome is not known yet"
    );
    assert_eq!(node.pending_proposals(), 1);

    let out = step(&mut node, 3 * MILLIS, 2, append(2, 2, 2, vec![], 2));
    assert_eq!(node.commit_index(), 2);
    let overwritten = ReplyOutcome::Overwritten { index: 2 };
    assert_eq!(out.replies, vec![reply(&cmd, overwritten)]);
    assert_eq!(node.pending_proposals(), 0);
    assert_eq!(node.state_machine().get("k"), None, "never executed");
}

/// Why truncation must not fail the request: in the same scenario, S1 also
/// managed to give the entry to S3. After S2's no-op replaces it on S1, S3
/// (log [1, 1]) wins term 3 with S4 and S5 (logs [1]), and its AppendEntries
/// puts the very same entry (index 2, term 1) back on S1 and commits it. The
/// request did happen, and S1 answers `Applied`.
#[test]
fn sec_8_truncated_request_can_still_commit_from_another_servers_log() {
    let mut node = settled_leader(5);
    let cmd = command(7, 1, write("k", "v"));
    propose(&mut node, MILLIS, cmd.clone());

    step(&mut node, 2 * MILLIS, 2, append(2, 1, 1, vec![noop(2)], 1));
    assert_eq!(node.log().entries(), &[noop(1), noop(2)]);

    let from_s3 = append(3, 1, 1, vec![entry_of(1, &cmd), noop(3)], 3);
    let out = step(&mut node, 4 * MILLIS, 3, from_s3);
    assert_eq!(node.log().entries(), &[noop(1), entry_of(1, &cmd), noop(3)]);
    assert_eq!(node.commit_index(), 3);
    assert_eq!(
        out.replies,
        vec![reply(&cmd, applied(2, OpResult::Written))]
    );
    assert_eq!(node.state_machine().get("k"), Some(&"v".to_string()));
}

/// §8: "if the leader crashes after committing the log entry but before
/// responding to the client, the client will retry the command with a new
/// leader, causing it to be executed a second time. The solution is for
/// clients to assign unique serial numbers to every command. Then, the state
/// machine tracks the latest serial number processed for each client, along
/// with the associated response. If it receives a command whose serial number
/// has already been executed, it responds immediately without re-executing
/// the request."
#[test]
fn sec_8_duplicate_command_in_the_log_is_executed_once() {
    let mut leader = settled_leader(3);
    let a = command(7, 1, write("x", "a"));
    let b = command(8, 1, write("x", "b"));
    propose(&mut leader, MILLIS, a.clone());
    propose(&mut leader, MILLIS, b.clone());
    propose(&mut leader, MILLIS, a.clone()); // the retry of client 7's request 1
    assert_eq!(leader.log().last_index(), 4);

    let out = step(&mut leader, 2 * MILLIS, 2, append_ok(1, 4));
    assert_eq!(leader.commit_index(), 4);
    assert_eq!(
        out.replies,
        vec![
            reply(&a, applied(2, OpResult::Written)),
            reply(&b, applied(3, OpResult::Written)),
            reply(&a, applied(4, OpResult::Written)),
        ]
    );
    assert_eq!(
        leader.state_machine().get("x"),
        Some(&"b".to_string()),
        "the retried write of \"a\" did not run again after \"b\""
    );
}

/// The same session table answers a request overtaken by a later one from the
/// same client (clients issue requests in order) with `Stale`, without
/// executing it.
#[test]
fn sec_8_request_older_than_clients_latest_is_not_executed() {
    let mut leader = settled_leader(3);
    let newer = command(7, 2, write("x", "new"));
    let older = command(7, 1, write("x", "old"));
    propose(&mut leader, MILLIS, newer.clone());
    propose(&mut leader, MILLIS, older.clone());
    let out = step(&mut leader, 2 * MILLIS, 2, append_ok(1, 3));
    assert_eq!(
        out.replies,
        vec![
            reply(&newer, applied(2, OpResult::Written)),
            reply(&older, applied(3, OpResult::Stale)),
        ]
    );
    assert_eq!(leader.state_machine().get("x"), Some(&"new".to_string()));
}
