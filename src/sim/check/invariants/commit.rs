//! Commit indexes and applies: a committed index never changes (no server
//! commits another entry there), every leader of a later term holds it
//! (Leader Completeness, §5.4), every server applies exactly it (State
//! Machine Safety, §5.4.3), and lastApplied <= commitIndex <= last index.

use super::server_view::{held_entry, Committed, ServerView};
use super::{Invariant, InvariantChecker};
use crate::raft::{Applied, LogIndex, NodeId, Payload, RaftNode, Time};
use crate::sim::stable_hash::chain;

impl InvariantChecker {
    /// A commit index moves forward only (until a restart), stays within the
    /// log, and commits the same entries everywhere.
    pub(super) fn check_commit(&mut self, now: Time, node: &RaftNode, view: &mut ServerView) {
        let id = node.id();
        let commit = node.commit_index();
        if commit > node.log().last_index() {
            let detail = format!(
                "commitIndex {commit} > last log index {}",
                node.log().last_index()
            );
            self.report(Invariant::IndexOrder, now, vec![id], detail);
            view.commit = commit;
            return;
        }
        if commit < view.commit {
            let detail = format!("commitIndex went back from {} to {commit}", view.commit);
            self.report(Invariant::IndexOrder, now, vec![id], detail);
        }
        if commit <= view.commit {
            view.commit = commit;
            return;
        }
        // Agreement with what is already committed, through its last index.
        let known = commit.min(self.committed_len());
        if known > 0 {
            let c = self.committed[known as usize - 1];
            if view.prefix_at(known) != Some(c.prefix) {
                let detail = format!(
                    "committed index {known} differs from what node {} committed",
                    c.by
                );
                self.report_at(
                    Invariant::CommittedEntriesStable,
                    now,
                    vec![id, c.by],
                    (None, Some(known)),
                    detail,
                );
            }
        }
        for index in self.committed_len() + 1..=commit {
            self.extend_committed(now, node, view, index);
        }
        view.commit = commit;
    }

    /// `node` is the first to commit `index`: record it, and every current
    /// leader of a later term must already hold it (Leader Completeness).
    fn extend_committed(&mut self, now: Time, node: &RaftNode, view: &ServerView, index: LogIndex) {
        let c = Committed {
            term: held_entry(node, index).map_or(0, |e| e.term),
            prefix: view.prefix_at(index).unwrap_or(0),
            in_term: node.current_term(),
            by: node.id(),
        };
        self.committed.push(c);
        if let Some(Payload::Config(m)) = held_entry(node, index).map(|e| &e.payload) {
            self.committed_configs.insert(index, m.clone());
        }
        let lacking: Vec<NodeId> = self
            .servers
            .iter()
            .filter(|(_, s)| s.leader_of.is_some_and(|t| t > c.in_term))
            .filter(|(_, s)| s.prefix_at(index) != Some(c.prefix))
            .map(|(&n, _)| n)
            .collect();
        for leader in lacking {
            let detail = format!(
                "leader lacks index {index} (term {}) committed in term {}",
                c.term, c.in_term
            );
            let term = self.servers.get(&leader).and_then(|s| s.leader_of);
            self.report_at(
                Invariant::LeaderCompleteness,
                now,
                vec![leader, c.by],
                (term, Some(index)),
                detail,
            );
        }
    }

    /// State Machine Safety: every server applies, at each index, the entry
    /// committed there, in index order.
    pub(super) fn check_applies(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        applied: &[Applied],
    ) {
        let id = node.id();
        for a in applied {
            if a.index != view.applied + 1 {
                let detail = format!("applied index {} after {}", a.index, view.applied);
                self.report(Invariant::IndexOrder, now, vec![id], detail);
            }
            view.applied = a.index;
            view.applied_chain = chain(view.applied_chain, &a.entry);
            match self
                .committed
                .get((a.index as usize).wrapping_sub(1))
                .copied()
            {
                Some(c) if c.prefix == view.applied_chain => {}
                Some(c) => {
                    let detail = format!(
                        "applied {} (term {}) at index {}, where node {} committed term {}",
                        a.entry.payload, a.entry.term, a.index, c.by, c.term
                    );
                    let at = (None, Some(a.index));
                    let nodes = vec![id, c.by];
                    self.report_at(Invariant::StateMachineSafety, now, nodes, at, detail);
                }
                None => {
                    let detail = format!("applied index {} that no server has committed", a.index);
                    self.report(Invariant::IndexOrder, now, vec![id], detail);
                }
            }
        }
        if view.applied > view.commit {
            let detail = format!("lastApplied {} > commitIndex {}", view.applied, view.commit);
            self.report(Invariant::IndexOrder, now, vec![id], detail);
        }
    }
}
