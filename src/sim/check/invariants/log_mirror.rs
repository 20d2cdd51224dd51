//! The checker's mirror of each server's log, as chained prefix hashes, and
//! the checks on each log change: Leader Append-Only, Log Matching (§5.3),
//! and no committed entry deleted.

use super::server_view::ServerView;
use super::{Invariant, InvariantChecker};
use crate::raft::{LogChange, LogIndex, NodeId, RaftNode, Role, Time};
use crate::sim::stable_hash::chain;

impl InvariantChecker {
    /// Mirrors truncations and appends into the server's prefix hashes, and
    /// checks Leader Append-Only, committed-entry stability and Log Matching.
    pub(super) fn check_log_changes(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        changes: &[LogChange],
    ) {
        let id = node.id();
        let still_leader = view.leader_of.is_some()
            && view.leader_of == Some(node.current_term())
            && node.role() == Role::Leader;
        for change in changes {
            match *change {
                LogChange::Truncated { from } => {
                    if still_leader {
                        let detail = format!(
                            "leader of term {} deleted its entries from index {from}",
                            node.current_term()
                        );
                        self.report(Invariant::LeaderAppendOnly, now, vec![id], detail);
                    }
                    self.check_truncation_spares_committed(now, id, view, from);
                    view.prefix.truncate(from.saturating_sub(1) as usize);
                }
                LogChange::Appended { from, to } => {
                    view.prefix.truncate(from.saturating_sub(1) as usize);
                    for index in from..=to {
                        self.mirror_append(now, node, view, index);
                    }
                }
            }
        }
        debug_assert_eq!(
            view.prefix.len() as LogIndex,
            node.log().last_index(),
            "log change not reported"
        );
    }

    fn check_truncation_spares_committed(
        &mut self,
        now: Time,
        id: NodeId,
        view: &ServerView,
        from: LogIndex,
    ) {
        let Some(committed) = self.committed.get(from as usize - 1).copied() else {
            return;
        };
        if view.prefix_at(from) == Some(committed.prefix) {
            let detail = format!(
                "deleted index {from} (term {}), committed by node {}",
                committed.term, committed.by
            );
            self.report(
                Invariant::CommittedEntriesStable,
                now,
                vec![id, committed.by],
                detail,
            );
        }
    }

    fn mirror_append(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        index: LogIndex,
    ) {
        let entry = node
            .log()
            .entry(index)
            .expect("appended entry is in the log");
        let prefix = chain(view.prefix_at(index - 1).unwrap_or(0), entry);
        view.prefix.push(prefix);
        let id = node.id();
        let slot = index as usize - 1;
        if slot == self.first_seen.len() {
            self.first_seen.push((entry.term, prefix, id));
            return;
        }
        let (term, seen, by) = self.first_seen[slot];
        let (seen, by) = if term == entry.term {
            (seen, by)
        } else {
            *self
                .more_seen
                .get_or_insert_with((index, entry.term), || (prefix, id))
        };
        if seen != prefix {
            let detail = format!(
                "logs hold an entry of term {} at index {index} but differ at or before it",
                entry.term
            );
            self.report(Invariant::LogMatching, now, vec![by, id], detail);
        }
    }

    /// Recomputes one server's mirror from its log and compares: proves the
    /// incremental bookkeeping saw every change. For tests and end of run.
    pub fn mirror_matches(&self, node: &RaftNode) -> bool {
        let Some(view) = self.servers.get(&node.id()) else {
            return node.log().last_index() == 0;
        };
        let mut prefix = 0;
        let recomputed = (1..=node.log().last_index()).map(|i| {
            prefix = chain(prefix, node.log().entry(i).expect("within the log"));
            prefix
        });
        recomputed.eq(view.prefix.iter().copied())
    }
}
