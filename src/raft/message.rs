//! The RPCs of Figure 2, as messages. Every message carries the sender's
//! current term: "If RPC request or response contains term T > currentTerm:
//! set currentTerm = T, convert to follower" (§5.1).

use super::log::Entry;
use super::types::{LogIndex, NodeId, Term};

/// A message from one server to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub from: NodeId,
    pub to: NodeId,
    pub message: Message,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Invoked by candidates to gather votes (§5.2).
    RequestVote {
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
    },
    RequestVoteReply {
        term: Term,
        vote_granted: bool,
    },
    /// Invoked by the leader to replicate entries (§5.3); also the heartbeat.
    AppendEntries {
        term: Term,
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
    },
    AppendEntriesReply {
        term: Term,
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConflictHint {
    /// The follower's log is shorter than prevLogIndex, or the first index of
    /// the conflicting term's run in the follower's log.
    pub index: LogIndex,
    /// The term of the follower's conflicting entry, if it had one.
    pub term: Option<Term>,
}

impl Message {
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote { term, .. }
            | Message::RequestVoteReply { term, .. }
            | Message::AppendEntries { term, .. }
            | Message::AppendEntriesReply { term, .. } => *term,
        }
    }

    /// A short name for traces and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::RequestVote { .. } => "RequestVote",
            Message::RequestVoteReply { .. } => "RequestVoteReply",
            Message::AppendEntries { .. } => "AppendEntries",
            Message::AppendEntriesReply { .. } => "AppendEntriesReply",
        }
    }
}
