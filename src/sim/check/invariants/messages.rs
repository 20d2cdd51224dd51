//! Checks over what servers send, taken where the simulator collects a
//! server's output: a vote is a promise (one per term, §5.2), an
//! acknowledgement is a claim about the follower's log (Figure 2's
//! AppendEntries receiver), and an AppendEntries is a claim about the
//! leader's (§5.3). A server whose state looks right but whose messages lie
//! would break safety all the same, so the messages are checked against the
//! checker's own records and the sender's log, not against what the sender
//! remembers.

use super::server_view::ServerView;
use super::{Invariant, InvariantChecker};
use crate::raft::{
    Entry, Envelope, LogIndex, Message, NodeId, RaftLog, RaftNode, Role, Term, Time,
};

impl InvariantChecker {
    /// Checks every message `node` sent during one input. `view` is its
    /// mirror after that input's log changes.
    pub(super) fn check_messages(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &ServerView,
        messages: &[Envelope],
    ) {
        let id = node.id();
        // A candidate asks every peer at once: its own vote is recorded once.
        let mut asked_in = None;
        for envelope in messages {
            match &envelope.message {
                // A candidate votes for itself before it asks (§5.2).
                Message::RequestVote { term, .. } if asked_in != Some(*term) => {
                    asked_in = Some(*term);
                    self.record_vote(now, id, *term, id)
                }
                Message::RequestVoteReply {
                    term,
                    vote_granted: true,
                } => self.record_vote(now, id, *term, envelope.to),
                Message::AppendEntriesReply {
                    term,
                    success: true,
                    match_index,
                    ..
                } => self.check_acknowledgement(now, node, view, envelope.to, *term, *match_index),
                // A snapshot installed vouches for the log through its last
                // index, as an acknowledgement of entries does.
                Message::InstallSnapshotReply {
                    term,
                    last_index,
                    done: true,
                    ..
                } => self.check_acknowledgement(now, node, view, envelope.to, *term, *last_index),
                Message::AppendEntries {
                    term,
                    prev_log_index,
                    prev_log_term,
                    entries,
                    ..
                } => self.check_leader_append(
                    now,
                    node,
                    view.leader_of,
                    *term,
                    (*prev_log_index, *prev_log_term),
                    entries,
                ),
                Message::PreVote { term, .. } => self.check_pre_vote(now, node, view, *term),
                // A pre-vote promises nothing (thesis §9.6): no vote is cast.
                Message::RequestVote { .. }
                | Message::RequestVoteReply { .. }
                | Message::TimeoutNow { .. }
                | Message::PreVoteReply { .. }
                | Message::AppendEntriesReply { .. }
                | Message::InstallSnapshot { .. }
                | Message::InstallSnapshotReply { .. }
                | Message::ReadHeartbeat { .. }
                | Message::ReadHeartbeatReply { .. }
                | Message::ReadIndex { .. }
                | Message::ReadIndexReply { .. } => {}
            }
        }
    }

    /// A PreVote asks about the term after the sender's, and the sender was
    /// in that same term before the input that sent it: a pre-vote raises
    /// no term (thesis §9.6), or a server cut off would depose the leader on
    /// its return as surely as without PreVote.
    fn check_pre_vote(&mut self, now: Time, node: &RaftNode, view: &ServerView, asked: Term) {
        let term = node.current_term();
        if term != view.term || asked != term + 1 {
            let detail = format!(
                "asked for pre-votes for term {asked} while its term went from {} to {term}",
                view.term
            );
            self.report(Invariant::PreVoteKeepsTerm, now, vec![node.id()], detail);
        }
    }

    /// A success with matchIndex `match_index` says the follower's log now
    /// holds the leader's entries through it (Figure 2): the leader counts it
    /// towards a commit. So the follower must hold that many entries, and if
    /// `leader` is still leader of `term` (its log has only grown since it
    /// sent them: Leader Append-Only), its log must agree with the leader's
    /// through that index.
    fn check_acknowledgement(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &ServerView,
        leader: NodeId,
        term: Term,
        match_index: LogIndex,
    ) {
        let id = node.id();
        // An acknowledgement vouches for the log as it was in its own term.
        // One held until its entries were durable (the disk model) may
        // leave after the follower moved to a later term and a new leader
        // rewrote its log: it was true when its entries became durable, as
        // for any acknowledgement still in flight when a follower moves on.
        if node.current_term() != term {
            return;
        }
        let last = node.log().last_index();
        if match_index > last {
            let detail = format!(
                "acknowledged entries through index {match_index} to node {leader} in term {term}, \
                 but its log ends at {last}"
            );
            self.report(
                Invariant::AcknowledgedEntriesHeld,
                now,
                vec![id, leader],
                detail,
            );
            return;
        }
        let Some(leader_view) = self.servers.get(&leader) else {
            return;
        };
        if leader == id || leader_view.leader_of != Some(term) {
            return; // the leader moved on: its log is no longer the reference
        }
        if leader_view.prefix_at(match_index) != view.prefix_at(match_index) {
            let detail = format!(
                "acknowledged entries through index {match_index} to node {leader}, leader of \
                 term {term}, but its log differs from the leader's at or before that index"
            );
            self.report(
                Invariant::AcknowledgedEntriesHeld,
                now,
                vec![id, leader],
                detail,
            );
        }
    }

    /// An AppendEntries of `term` comes from the leader of that term, and
    /// its (prevLogIndex, prevLogTerm) and entries are what the leader's log
    /// holds there: the consistency check of §5.3 compares a follower with
    /// the message, so a message that misstates the leader's log would make
    /// the follower agree with a log nobody has.
    fn check_leader_append(
        &mut self,
        now: Time,
        node: &RaftNode,
        was_leader_of: Option<Term>,
        term: Term,
        (prev_log_index, prev_log_term): (LogIndex, Term),
        entries: &[Entry],
    ) {
        let id = node.id();
        let (role, current) = (node.role(), node.current_term());
        let log = node.log();
        // A leader that steps down within its term, removed by the change
        // it just committed (thesis §4.2.2), sends its last AppendEntries
        // in the same step: judged as the leader it was when the step
        // began, and only then.
        let led = role == Role::Leader || was_leader_of == Some(term);
        let detail = if !led || current != term {
            format!(
                "sent AppendEntries of term {term} as {} of term {current}",
                role.as_str()
            )
        } else if self.leader_term_at(log, prev_log_index) != Some(prev_log_term) {
            format!(
                "sent prevLogIndex {prev_log_index} with prevLogTerm {prev_log_term}, but its \
                 log holds {} there",
                describe_term(self.leader_term_at(log, prev_log_index))
            )
        } else if let Some(index) =
            (prev_log_index + 1..)
                .zip(entries)
                .find_map(|(index, entry)| {
                    let held = match log.entry(index) {
                        Some(held) => held == entry,
                        None => self.leader_term_at(log, index) == Some(entry.term),
                    };
                    (!held).then_some(index)
                })
        {
            format!("sent an entry for index {index} that differs from its log's entry there")
        } else {
            return;
        };
        self.report(
            Invariant::AppendEntriesMatchLeaderLog,
            now,
            vec![id],
            detail,
        );
    }

    /// The term of the leader's entry at `index`, as it was when the step
    /// began. A leader can commit, apply and snapshot past an index in the
    /// same step as it sends an AppendEntries naming it (a leader alone
    /// among voters commits its no-op at once): the log then holds it only
    /// inside the snapshot, where every entry is committed, so the
    /// committed record says its term.
    fn leader_term_at(&self, log: &RaftLog, index: LogIndex) -> Option<Term> {
        log.term_at(index).or_else(|| {
            let compacted = index >= 1 && index < log.snapshot_index();
            let committed = compacted.then(|| self.committed.get(index as usize - 1));
            committed.flatten().map(|c| c.term)
        })
    }
}

fn describe_term(term: Option<Term>) -> String {
    match term {
        Some(term) => format!("an entry of term {term}"),
        None => "no entry".to_string(),
    }
}
