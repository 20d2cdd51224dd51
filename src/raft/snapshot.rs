//! Snapshots and log compaction (thesis chapter 5, paper §7): what a
//! snapshot holds, and how a server takes one.
//!
//! "Each server takes snapshots independently, covering just the committed
//! entries in its log" (§7). Here a server does so once
//! [`Config::snapshot_threshold`](super::Config) entries have been applied
//! since its last snapshot: the snapshot holds the state machine (the
//! key-value store and the client sessions, §8's duplicate detection), the
//! last included index and term, and the configuration at that index
//! (thesis §5.1: "the latest configuration as of the last included
//! index"). Sending it to a follower whose next entry is gone is in
//! `install_snapshot.rs`.

use super::command::{OpResult, Payload};
use super::log::Entry;
use super::membership::Membership;
use super::node::RaftNode;
use super::output::{LogChange, Output, UnsafeStep};
use super::shared_vec::SharedVec;
use super::state_machine::KvStore;
use super::types::{ClientId, LogIndex, RequestId, Term};
use super::unsafe_switches::UnsafeSwitch;
use std::rc::Rc;

/// What every chunk of a snapshot carries besides its records: Figure 13's
/// lastIncludedIndex and lastIncludedTerm, and the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotMeta {
    /// The snapshot replaces the log through this index.
    pub last_index: LogIndex,
    /// The term of the entry at `last_index`.
    pub last_term: Term,
    /// The configuration as of `last_index`, and the index of the entry
    /// that held it (0: the starting one).
    pub membership: Membership,
    /// Where `membership` came from.
    pub membership_index: LogIndex,
    /// How many records the state holds: the receiver knows it has them
    /// all when this many arrived.
    pub records: u64,
    /// For observers only (the checker and the page's "delivered, in
    /// order"): the entries the state machine applied through `last_index`.
    /// A real server would neither keep nor send it; no rule reads it, and
    /// it is not counted in the chunks.
    pub history: SharedVec<Entry>,
}

/// Hashes what a server acts on: not `history`, which is for observers
/// only (equal metas hash equal, as `Hash` requires: equal metas have equal
/// fields).
impl std::hash::Hash for SnapshotMeta {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.last_index.hash(state);
        self.last_term.hash(state);
        self.membership.hash(state);
        self.membership_index.hash(state);
        self.records.hash(state);
    }
}

/// One record of a snapshot's state (Figure 13's `data[]`, record by
/// record): a key and its value, or a client's session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SnapshotRecord {
    /// A key of the store and its value.
    Pair {
        /// The key.
        key: String,
        /// Its value.
        value: String,
    },
    /// A client's latest request and its result (§8).
    Session {
        /// The client.
        client: ClientId,
        /// Its latest request applied.
        request: RequestId,
        /// What that request returned.
        result: OpResult,
    },
}

/// A snapshot: what it replaces, and the state machine it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The last included index and term, the configuration.
    pub meta: Rc<SnapshotMeta>,
    /// The state machine as of `meta.last_index`.
    pub store: Rc<KvStore>,
}

impl Snapshot {
    /// The snapshot's last included index.
    pub fn last_index(&self) -> LogIndex {
        self.meta.last_index
    }

    /// The snapshot's last included term.
    pub fn last_term(&self) -> Term {
        self.meta.last_term
    }
}

impl RaftNode {
    /// The snapshot this server holds, if it has taken or received one.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.persistent.snapshot.as_ref()
    }

    /// Change how many applied entries make a snapshot (`None`: never).
    /// The next apply takes one if the log has grown past the new threshold.
    pub fn set_snapshot_threshold(&mut self, every: Option<LogIndex>) {
        self.config.snapshot_threshold = every;
    }

    /// After applying: take a snapshot once enough entries were applied
    /// since the last one (thesis §5.1). With the unsafe
    /// `SnapshotUncommitted` switch, the snapshot takes in the whole log,
    /// applying entries that are not committed and calling them committed.
    pub(super) fn maybe_snapshot(&mut self, out: &mut Output) {
        let Some(threshold) = self.config.snapshot_threshold else {
            return;
        };
        let unsafe_all = self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::SnapshotUncommitted);
        let through = match unsafe_all {
            true => self.log().last_index(),
            false => self.last_applied(),
        };
        if through < self.log().snapshot_index() + threshold.max(1) {
            return;
        }
        if unsafe_all && through > self.commit_index {
            out.unsafe_steps.push(UnsafeStep {
                switch: UnsafeSwitch::SnapshotUncommitted,
                peer: None,
                index: Some(through),
            });
            self.commit_index = through;
            self.apply_entries(out);
        }
        self.take_snapshot(through, out);
    }

    /// Snapshots the state machine, applied through `through`, and
    /// discards the log up to it: durable snapshot first, then the
    /// truncated log (thesis §5.1), which `out` asks storage for in that
    /// order.
    fn take_snapshot(&mut self, through: LogIndex, out: &mut Output) {
        // The configuration in use is the latest in the log; only if it
        // comes after `through` is there anything to look up.
        let (membership_index, membership) = match self.membership_index <= through {
            true => (self.membership_index, self.membership.clone()),
            false => self.membership_at(through),
        };
        let meta = SnapshotMeta {
            last_index: through,
            last_term: self.log().term_at(through).expect("applied, so held"),
            membership,
            membership_index,
            records: self.state_machine.records().len() as u64,
            history: self.state_machine.applied().clone(),
        };
        let snapshot = Snapshot {
            meta: Rc::new(meta),
            store: Rc::new(self.state_machine.clone()),
        };
        self.persistent.log.compact(through);
        self.persistent.snapshot = Some(snapshot.clone());
        out.snapshot = Some(snapshot);
        out.log_changes.push(LogChange::Compacted { through });
    }

    /// The configuration in use at `index`: the latest configuration entry
    /// at or before it, else the snapshot's, else the starting one.
    pub(super) fn membership_at(&self, index: LogIndex) -> (LogIndex, Membership) {
        let log = self.log();
        let in_log = (log.first_index()..=index.min(log.last_index()))
            .rev()
            .find_map(|i| match &log.entry(i)?.payload {
                Payload::Config(m) => Some((i, (**m).clone())),
                _ => None,
            });
        in_log.unwrap_or_else(|| self.base_membership())
    }

    /// The configuration before the first entry the log holds: the
    /// snapshot's, else the one the server started with.
    pub(super) fn base_membership(&self) -> (LogIndex, Membership) {
        match &self.persistent.snapshot {
            Some(s) => (s.meta.membership_index, s.meta.membership.clone()),
            None => (
                0,
                Membership::of_voters(self.config.members.iter().copied()),
            ),
        }
    }
}
