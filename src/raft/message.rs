//! The RPCs of Figure 2, as messages. Every message carries the sender's
//! current term: "If RPC request or response contains term T > currentTerm:
//! set currentTerm = T, convert to follower" (§5.1).

use super::log::Entry;
use super::snapshot::{SnapshotMeta, SnapshotRecord};
use super::types::{ClientId, LogIndex, NodeId, RequestId, Term};
use std::rc::Rc;

/// A message from one server to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The sending server.
    pub from: NodeId,
    /// The receiving server.
    pub to: NodeId,
    /// What is sent.
    pub message: Message,
}

/// A request or reply of one of Figure 2's two RPCs. Replies carry no request
/// id: each holds what its receiver needs to handle it correctly even when it
/// arrives late, twice or out of order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// Invoked by candidates to gather votes (§5.2).
    RequestVote {
        /// The candidate's term.
        term: Term,
        /// Index of the candidate's last log entry (§5.4.1).
        last_log_index: LogIndex,
        /// Term of the candidate's last log entry (§5.4.1).
        last_log_term: Term,
        /// The election was started by the leader's TimeoutNow (thesis
        /// §3.10): servers that hear that leader do not ignore it.
        leadership_transfer: bool,
    },
    /// The answer to a RequestVote.
    RequestVoteReply {
        /// The voter's current term, for the candidate to update itself.
        term: Term,
        /// True means the candidate received this server's vote for `term`.
        vote_granted: bool,
    },
    /// Leadership transfer (thesis §3.10): the leader tells a follower whose
    /// log matches its own to start an election at once.
    TimeoutNow {
        /// The leader's term.
        term: Term,
    },
    /// A pre-candidate asks whether it could win an election (thesis §9.6).
    /// Nothing changes on either side: no term, no vote.
    PreVote {
        /// The term the sender would stand in: its current term + 1. A
        /// receiver does not adopt it (§5.1's rule does not apply).
        term: Term,
        /// Index of the sender's last log entry (§5.4.1).
        last_log_index: LogIndex,
        /// Term of the sender's last log entry (§5.4.1).
        last_log_term: Term,
    },
    /// The answer to a PreVote.
    PreVoteReply {
        /// Granted: the PreVote's term, which the receiver does not adopt.
        /// Refused: the voter's current term, adopted if higher (§5.1).
        term: Term,
        /// True means the voter would grant a vote in that election.
        vote_granted: bool,
    },
    /// ReadIndex (thesis §6.4): the leader checks it still leads with a
    /// heartbeat round; this is one round's heartbeat. Like AppendEntries,
    /// it tells the receiver a leader of its term is alive.
    ReadHeartbeat {
        /// The leader's term.
        term: Term,
        /// The round, numbered from 1 in each term of office.
        round: u64,
    },
    /// The answer to a ReadHeartbeat.
    ReadHeartbeatReply {
        /// The follower's current term: a higher one deposes the leader.
        term: Term,
        /// The round acknowledged.
        round: u64,
    },
    /// A follower asks the leader for a read index for its client's read
    /// (thesis §6.4, reads served by followers).
    ReadIndex {
        /// The follower's term.
        term: Term,
        /// The client whose read it is.
        client: ClientId,
        /// The client's request.
        request: RequestId,
    },
    /// The leader's answer: the read index once confirmed, or `None` if it
    /// does not lead.
    ReadIndexReply {
        /// The sender's term.
        term: Term,
        /// The client whose read it is.
        client: ClientId,
        /// The client's request.
        request: RequestId,
        /// The index the follower must apply before it answers.
        index: Option<LogIndex>,
    },
    /// Invoked by the leader to replicate entries (§5.3); also the heartbeat.
    AppendEntries {
        /// The leader's term.
        term: Term,
        /// Index of the log entry immediately preceding the new ones.
        prev_log_index: LogIndex,
        /// Term of the entry at `prev_log_index`: the follower accepts the
        /// entries only if its own entry there has this term (the
        /// consistency check of §5.3).
        prev_log_term: Term,
        /// Entries to store, starting at `prev_log_index + 1`; empty for a
        /// heartbeat.
        entries: Vec<Entry>,
        /// The leader's commitIndex.
        leader_commit: LogIndex,
    },
    /// Invoked by the leader to send a follower chunks of a snapshot
    /// (paper §7, Figure 13), when the entries it needs are compacted away.
    InstallSnapshot {
        /// The leader's term.
        term: Term,
        /// lastIncludedIndex, lastIncludedTerm and the configuration.
        meta: Rc<SnapshotMeta>,
        /// The position of this chunk's first record in the snapshot.
        offset: u64,
        /// The chunk's records; the last chunk ends at `meta.records`
        /// (Figure 13's `done`).
        records: Vec<SnapshotRecord>,
    },
    /// The answer to an InstallSnapshot.
    InstallSnapshotReply {
        /// The follower's current term, for the leader to update itself.
        term: Term,
        /// The last included index of the snapshot it answers.
        last_index: LogIndex,
        /// How many records of it the follower holds, in order: where the
        /// next chunk starts.
        received: u64,
        /// True once the follower holds the whole snapshot, durably: it
        /// then matches the leader through `last_index`.
        done: bool,
    },
    /// The answer to an AppendEntries.
    AppendEntriesReply {
        /// The follower's current term, for the leader to update itself.
        term: Term,
        /// True if the follower's log contained an entry matching
        /// prevLogIndex and prevLogTerm, and now holds the sent entries.
        success: bool,
        /// On success: the index of the last entry the request covered, so a
        /// late or duplicated reply can never move matchIndex backwards.
        match_index: LogIndex,
        /// On failure: the request's prevLogIndex, so the leader can ignore a
        /// rejection that no longer answers its current nextIndex.
        rejected_index: LogIndex,
        /// On failure: where the leader should probe next (the fast back-off
        /// of §5.3, "the follower can include the term of the conflicting
        /// entry and the first index it stores for that term").
        hint: ConflictHint,
    },
}

/// Why a follower rejected AppendEntries, and where to try next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConflictHint {
    /// The follower's log is shorter than prevLogIndex, or the first index of
    /// the conflicting term's run in the follower's log.
    pub index: LogIndex,
    /// The term of the follower's conflicting entry, if it had one.
    pub term: Option<Term>,
}

impl Message {
    /// A successful AppendEntries reply: the sender holds the leader's
    /// entries through `match_index` (Figure 2).
    pub fn append_success(term: Term, match_index: LogIndex) -> Message {
        Message::AppendEntriesReply {
            term,
            success: true,
            match_index,
            rejected_index: 0,
            hint: ConflictHint::default(),
        }
    }

    /// The sender's current term when it sent the message; any server that
    /// sees a higher term than its own adopts it (§5.1). PreVote and a
    /// granted PreVoteReply carry a term no one is in yet, which is not
    /// adopted (`adopts_term`).
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote { term, .. }
            | Message::RequestVoteReply { term, .. }
            | Message::PreVote { term, .. }
            | Message::PreVoteReply { term, .. }
            | Message::TimeoutNow { term }
            | Message::ReadHeartbeat { term, .. }
            | Message::ReadHeartbeatReply { term, .. }
            | Message::ReadIndex { term, .. }
            | Message::ReadIndexReply { term, .. }
            | Message::AppendEntries { term, .. }
            | Message::InstallSnapshot { term, .. }
            | Message::InstallSnapshotReply { term, .. }
            | Message::AppendEntriesReply { term, .. } => *term,
        }
    }

    /// Whether a receiver applies §5.1's rule to this message's term. A
    /// PreVote's term, and a granted PreVoteReply's, is the election the
    /// pre-candidate would start: adopting it would disrupt exactly what
    /// PreVote protects (thesis §9.6).
    pub fn adopts_term(&self) -> bool {
        !matches!(
            self,
            Message::PreVote { .. }
                | Message::PreVoteReply {
                    vote_granted: true,
                    ..
                }
        )
    }

    /// A short name for traces and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::RequestVote { .. } => "RequestVote",
            Message::RequestVoteReply { .. } => "RequestVoteReply",
            Message::PreVote { .. } => "PreVote",
            Message::PreVoteReply { .. } => "PreVoteReply",
            Message::TimeoutNow { .. } => "TimeoutNow",
            Message::ReadHeartbeat { .. } => "ReadHeartbeat",
            Message::ReadHeartbeatReply { .. } => "ReadHeartbeatReply",
            Message::ReadIndex { .. } => "ReadIndex",
            Message::ReadIndexReply { .. } => "ReadIndexReply",
            Message::AppendEntries { .. } => "AppendEntries",
            Message::AppendEntriesReply { .. } => "AppendEntriesReply",
            Message::InstallSnapshot { .. } => "InstallSnapshot",
            Message::InstallSnapshotReply { .. } => "InstallSnapshotReply",
        }
    }
}
