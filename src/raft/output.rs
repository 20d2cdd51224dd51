//! What one input to a server produced, and the durability contract that
//! says in which order the caller must act on it.
//!
//! Figure 2 of the Raft paper heads the persistent state "Updated on stable
//! storage before responding to RPCs", and the thesis (§3.8) explains why:
//! "each server persists its current term and vote; this is necessary to
//! prevent the server from voting twice in the same term [...]. Each server
//! also persists new log entries before they are counted towards the
//! entries' commitment". The core does no I/O, so it states what to persist
//! and which messages wait for it, in the manner of etcd raft's `Ready`
//! (`HardState`, `Entries`, and `msgsAfterAppend`, the responses sent only
//! once the state they answer from is durable) and raft-rs's
//! `Ready::persisted_messages`.
//!
//! The caller, for each [`Output`]:
//! 1. writes [`Output::hard_state`] and then [`Output::log_changes`] (the
//!    entries read from the node's log) to stable storage, in that order,
//!    after everything the node asked it to write before;
//! 2. may send [`Output::messages`] at once;
//! 3. sends [`Output::after_persist`] only once those writes, and every
//!    write before them, are durable, by handing them back to
//!    [`RaftNode::persisted`](super::RaftNode::persisted).
//!
//! Which messages wait: every response (RequestVoteReply and
//! AppendEntriesReply), because it vouches for a vote or for entries; and
//! a candidate's RequestVote, because the candidate counts its own vote at
//! once, so its term and vote must be durable before anyone can answer. A
//! leader's AppendEntries go at once: the thesis (§10.2.1) lets the leader
//! write to its disk in parallel with replicating, provided it counts
//! itself towards a majority only once its own write is durable. That count
//! arrives as the leader's acknowledgement of its own entries, an
//! AppendEntriesReply addressed to itself in `after_persist` (as etcd's
//! leader answers its own append), which `persisted` steps back in.

use super::client::ClientReply;
use super::command::OpResult;
use super::log::Entry;
use super::message::Envelope;
use super::snapshot::Snapshot;
use super::types::{LogIndex, NodeId, Term};
use super::unsafe_switches::UnsafeSwitch;

/// The part of the persistent state that is not the log: the current term
/// and the vote in it (etcd's `HardState`, Figure 2's currentTerm and
/// votedFor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HardState {
    /// The latest term the server has seen.
    pub term: Term,
    /// The candidate it voted for in `term`, if any.
    pub voted_for: Option<NodeId>,
}

/// How the log changed during one input: what to make durable, and what
/// observers such as the simulator's invariant checker follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogChange {
    /// Entries from this index on were deleted.
    Truncated {
        /// The first index deleted.
        from: LogIndex,
    },
    /// Entries `from..=to` were appended.
    Appended {
        /// The index of the first entry appended.
        from: LogIndex,
        /// The index of the last entry appended.
        to: LogIndex,
    },
    /// The server snapshotted its state machine and discarded its entries
    /// through this index ([`Output::snapshot`]): the log reads the same,
    /// it only holds less.
    Compacted {
        /// The snapshot's last included index.
        through: LogIndex,
    },
    /// The server installed a snapshot from the leader
    /// ([`Output::snapshot`]): its log now starts after `through`, holding
    /// the entries it had after it only if `kept_suffix` (Figure 13, rule 6).
    Installed {
        /// The snapshot's last included index.
        through: LogIndex,
        /// Whether the entries after `through` were kept.
        kept_suffix: bool,
    },
}

impl LogChange {
    /// The first index this change touched: the log is unchanged below it.
    /// The first index whose entry this change touched, if any: the log
    /// reads the same below it. A compaction touches none (the snapshot
    /// holds the same entries); an installed snapshot only the entries
    /// after it that it discarded (those before it are committed, so the
    /// same as the snapshot's).
    pub fn first_index(self) -> Option<LogIndex> {
        match self {
            LogChange::Truncated { from } | LogChange::Appended { from, .. } => Some(from),
            LogChange::Compacted { .. } => None,
            LogChange::Installed {
                through,
                kept_suffix,
            } => (!kept_suffix).then_some(through + 1),
        }
    }
}

/// An entry the state machine applied, with its result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The entry's log index (the new lastApplied).
    pub index: LogIndex,
    /// The entry applied.
    pub entry: Entry,
    /// What the command returned; `None` for a no-op.
    pub result: Option<OpResult>,
}

/// A decision a server made only because an unsafe switch is on: the rule
/// the switch breaks would have decided otherwise here. The server acts as
/// it always did with the switch; this only says so, for observers (the
/// simulator traces it as `unsafe_step`, and the page marks the moment a
/// broken rule first mattered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnsafeStep {
    /// The switch that made the difference.
    pub switch: UnsafeSwitch,
    /// The other server involved, where there is one: the candidate voted
    /// for, the leader whose stale AppendEntries truncated the log.
    pub peer: Option<NodeId>,
    /// The log index involved, where there is one: the entry committed by
    /// counting, the first entry deleted, the read index served, the last
    /// index snapshotted.
    pub index: Option<LogIndex>,
}

impl UnsafeStep {
    /// A step of `switch` with neither a peer nor an index.
    pub fn of(switch: UnsafeSwitch) -> Self {
        UnsafeStep {
            switch,
            peer: None,
            index: None,
        }
    }
}

/// Everything one input produced. The caller clears it between inputs (or
/// reuses it to avoid allocation). The order in which to act on it is the
/// module's contract above.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// Messages that may be sent at once (a leader's AppendEntries), in the
    /// order they were sent.
    pub messages: Vec<Envelope>,
    /// Messages that may be sent only once every write asked for so far is
    /// durable: responses, a candidate's RequestVote, and a leader's
    /// acknowledgement of its own entries (addressed to itself).
    pub after_persist: Vec<Envelope>,
    /// The term and vote to make durable, if either changed.
    pub hard_state: Option<HardState>,
    /// How the log changed, in order: to make durable after `hard_state`
    /// and `snapshot`.
    pub log_changes: Vec<LogChange>,
    /// A snapshot taken or installed, to make durable before the log
    /// changes, which discard what it covers (thesis §5.1).
    pub snapshot: Option<Snapshot>,
    /// Answers to client requests. They never wait: a leader answers only
    /// once the entry is committed, which needs it durable on a majority.
    pub replies: Vec<ClientReply>,
    /// Committed entries the state machine applied, in log order.
    pub applied: Vec<Applied>,
    /// Decisions taken only because an unsafe switch is on, in order
    /// (always empty with every switch off).
    pub unsafe_steps: Vec<UnsafeStep>,
}

impl Output {
    /// Empties every list, keeping their allocations for the next input.
    pub fn clear(&mut self) {
        self.messages.clear();
        self.after_persist.clear();
        self.hard_state = None;
        self.log_changes.clear();
        self.snapshot = None;
        self.replies.clear();
        self.applied.clear();
        self.unsafe_steps.clear();
    }

    /// Whether anything must be written to stable storage (etcd's
    /// `MustSync`).
    pub fn must_persist(&self) -> bool {
        self.hard_state.is_some() || !self.log_changes.is_empty() || self.snapshot.is_some()
    }
}
