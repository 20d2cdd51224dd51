//! What the trace records of the servers beyond messages: a state line
//! whenever a traced field changes, a new leader's log, the snapshots taken
//! and installed, and the audit of every log against the checker's mirror.

use crate::raft::{LogChange, Message, NodeId, Output};
use crate::sim::node_status::NodeStatus;
use crate::sim::simulation::{Simulation, StateKey};
use crate::sim::trace::TraceEvent;

impl Simulation {
    /// Compares the checker's mirror of every server's log with the log
    /// itself (what [`crate::sim::run()`] does at the end of a run), and
    /// traces any difference as a violation.
    pub fn audit_logs(&mut self) {
        let now = self.now;
        for server in &self.servers {
            for v in self.checker.audit(now, &server.node).iter().cloned() {
                let event = TraceEvent::Violation {
                    invariant: v.invariant.name(),
                    nodes: v.nodes,
                    detail: v.detail,
                };
                self.trace.record(now, event);
            }
        }
    }

    /// Writes a `state` event when any traced field changed, and the leader's
    /// log when a server takes office.
    pub(super) fn record_state(&mut self, id: NodeId) {
        let now = self.now;
        let server = &mut self.servers[id as usize - 1];
        let node = &server.node;
        let role = NodeStatus::of(server);
        let key: StateKey = (
            node.current_term(),
            role,
            node.voted_for(),
            node.commit_index(),
            node.log().last_index(),
            node.log().last_term(),
        );
        let previous = server.last_state.replace(key);
        if previous == Some(key) {
            return;
        }
        let newly_leader = role == NodeStatus::Leader && server.leader_logged != Some(key.0);
        if newly_leader {
            server.leader_logged = Some(key.0);
        }
        let leader_log = newly_leader.then(|| {
            let log = node.log();
            let compacted =
                (log.snapshot_index() > 0).then_some((log.snapshot_index(), log.snapshot_term()));
            let entries = log.entries();
            let held = (log.first_index()..).zip(entries.iter().map(|e| e.term));
            compacted.into_iter().chain(held).collect::<Vec<_>>()
        });
        let (term, role, voted_for, commit, last_index, last_term) = key;
        let event = TraceEvent::State {
            node: id,
            term,
            role,
            voted_for,
            commit,
            last_index,
            last_term,
        };
        self.trace.record(now, event);
        if let Some(log) = leader_log {
            self.trace.record(
                now,
                TraceEvent::LeaderLog {
                    node: id,
                    term,
                    log,
                },
            );
        }
    }

    /// Traces and counts the snapshots server `id` took or installed.
    pub(super) fn record_snapshots(&mut self, id: NodeId, out: &Output) {
        // Nothing to look for in a run that never snapshots (most runs,
        // and the bench): no scan of every input's output.
        if self.config.snapshot_threshold.is_none() && self.snapshot_counts.is_zero() {
            return;
        }
        for change in &out.log_changes {
            let (index, installed) = match *change {
                LogChange::Compacted { through } => (through, false),
                LogChange::Installed { through, .. } => (through, true),
                LogChange::Truncated { .. } | LogChange::Appended { .. } => continue,
            };
            match installed {
                true => self.snapshot_counts.installed += 1,
                false => self.snapshot_counts.taken += 1,
            }
            let term = out.snapshot.as_ref().map_or(0, |s| s.last_term());
            let event = TraceEvent::Snapshot {
                node: id,
                index,
                term,
                installed,
            };
            self.trace.record(self.now, event);
        }
        let chunks = out.messages.iter();
        let chunks = chunks.filter(|e| matches!(e.message, Message::InstallSnapshot { .. }));
        self.snapshot_counts.chunks_sent += chunks.count() as u64;
    }
}
