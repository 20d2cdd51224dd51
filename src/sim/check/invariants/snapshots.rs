//! Snapshots (thesis chapter 5): the compacted prefix of a log is committed,
//! so the mirror holds the committed entries' hashes there; and State
//! Machine Safety compares states at snapshot boundaries too, since a
//! server that installs a snapshot applies no entries up to it.
//!
//! Each snapshot, taken or installed, must cover only committed entries,
//! end with the term committed at its last index, and hold the same state
//! as every other snapshot through that index.

use super::server_view::ServerView;
use super::{Invariant, InvariantChecker};
use crate::raft::shared_vec::SharedVec;
use crate::raft::{KvStore, LogChange, LogIndex, NodeId, RaftNode, SnapshotMeta, Time};
use crate::sim::stable_hash::{chain, StableHasher};

/// A hash of a state machine's state: its keys and values and its client
/// sessions, as a snapshot's records list them.
pub fn state_hash(store: &KvStore) -> u64 {
    let mut h = StableHasher::new();
    for record in store.records() {
        h.str(&format!("{record:?}"));
    }
    h.finish()
}

impl InvariantChecker {
    /// An installed snapshot through `through`: the mirror's entries up to
    /// it become the committed ones, the entries after it stay (rehashed
    /// on the new prefix) or are deleted (and may not be committed ones),
    /// and the server has applied through it.
    pub(super) fn mirror_install(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        through: LogIndex,
        kept_suffix: bool,
    ) {
        if !kept_suffix {
            let term = node.current_term();
            self.check_truncation_spares_committed(now, node.id(), term, view, through + 1);
        }
        let old = std::mem::take(&mut view.prefix);
        let mut prefix = SharedVec::new();
        for i in 1..=through {
            let committed = self.committed.get(i as usize - 1).map(|c| c.prefix);
            prefix.push(committed.or(old.get(i as usize - 1).copied()).unwrap_or(0));
        }
        view.prefix = prefix;
        let log = node.log();
        if kept_suffix {
            for i in through + 1..=log.last_index() {
                let entry = log.entry(i).expect("within the log");
                let next = chain(view.prefix_at(i - 1).unwrap_or(0), entry);
                view.prefix.push(next);
            }
        }
        view.applied = through;
        view.applied_chain = view.prefix_at(through).unwrap_or(0);
    }

    /// After the commit checks: every snapshot `changes` took or installed
    /// covers committed entries only, and agrees with the committed term
    /// and with any other snapshot at its last index.
    ///
    /// A step may take more than one snapshot (a leader that commits twice
    /// in one step, past the threshold each time): the server then holds
    /// only the last, and each earlier one must lie before the next.
    pub(super) fn check_snapshots(&mut self, now: Time, node: &RaftNode, changes: &[LogChange]) {
        let id = node.id();
        let snapshots: Vec<LogIndex> = changes
            .iter()
            .filter_map(|change| match *change {
                LogChange::Compacted { through } | LogChange::Installed { through, .. } => {
                    Some(through)
                }
                _ => None,
            })
            .collect();
        for (k, &through) in snapshots.iter().enumerate() {
            if let Some(&next) = snapshots.get(k + 1) {
                if next <= through {
                    let detail =
                        format!("reported a snapshot through {through}, then one through {next}");
                    self.report(Invariant::LogChangesReported, now, vec![id], detail);
                }
                continue;
            }
            let Some(snapshot) = node.snapshot().filter(|s| s.last_index() == through) else {
                let detail = format!("reported a snapshot through {through} that it does not hold");
                self.report(Invariant::LogChangesReported, now, vec![id], detail);
                continue;
            };
            let committed = self.committed.get(through as usize - 1).copied();
            let Some(c) = committed.filter(|_| through <= node.commit_index()) else {
                let detail = format!(
                    "snapshot through index {through}, past what is committed ({})",
                    self.committed_len().min(node.commit_index())
                );
                self.report(Invariant::IndexOrder, now, vec![id], detail);
                continue;
            };
            if c.term != snapshot.last_term() {
                let detail = format!(
                    "snapshot through index {through} ends with term {}, where node {} committed term {}",
                    snapshot.last_term(),
                    c.by,
                    c.term
                );
                self.report(Invariant::StateMachineSafety, now, vec![id, c.by], detail);
            }
            self.check_snapshot_configuration(now, id, &snapshot.meta);
            let hash = state_hash(&snapshot.store);
            let (seen, by) = *self
                .snapshot_states
                .get_or_insert_with(through, || (hash, id));
            if seen != hash {
                let detail = format!(
                    "its snapshot through index {through} holds another state than node {by}'s"
                );
                self.report(Invariant::StateMachineSafety, now, vec![id, by], detail);
            }
        }
    }

    /// A snapshot holds the configuration as of its last index (thesis
    /// §5.1): the latest one committed by then. One that holds another
    /// makes its holder count quorums on the wrong servers, which the
    /// configuration check cannot see (it trusts the snapshot below its
    /// index). The starting configuration (index 0) is each server's own.
    fn check_snapshot_configuration(&mut self, now: Time, id: NodeId, meta: &SnapshotMeta) {
        let through = meta.last_index;
        let committed = self
            .committed_configs
            .iter()
            .rev()
            .find(|(i, _)| **i <= through);
        let expected = committed.map_or(0, |(i, _)| *i);
        let agrees = match committed {
            Some((_, m)) => meta.membership_index == expected && **m == meta.membership,
            None => meta.membership_index == 0,
        };
        if !agrees {
            let detail = format!(
                "its snapshot through index {through} holds the configuration of index {} ({}), \
                 where index {expected}'s is the last committed by then",
                meta.membership_index, meta.membership
            );
            self.report(Invariant::ConfigurationInUse, now, vec![id], detail);
        }
    }
}
