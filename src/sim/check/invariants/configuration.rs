//! The configuration in use: "a server always uses the latest configuration
//! in its log, regardless of whether the entry is committed" (thesis §4.1).
//! Every quorum a server counts (votes, commits, reads) is counted on that
//! configuration, so one that lags its log counts on the wrong servers.
//!
//! Checked against the server's log, not its word: the entry at
//! `membership_index` must hold the configuration it uses (or, below its
//! snapshot, the snapshot must), and no later entry may hold another. The
//! second part is kept cheap by remembering how far the log is known to be
//! free of configurations, so each entry is read once unless a reported
//! truncation or install rewrites it. That memory trusts the reported log
//! changes, as the mirror does; `log_changes_reported` holds those to the
//! log itself.

use super::server_view::ServerView;
use super::{Invariant, InvariantChecker};
use crate::raft::{LogChange, LogIndex, Membership, Payload, RaftNode, Time};

impl InvariantChecker {
    /// Checks that `node` uses the latest configuration in its log, after
    /// an input whose log changes were `changes`.
    pub(super) fn check_configuration(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        changes: &[LogChange],
    ) {
        let index = node.membership_index();
        let rewritten = changes.iter().filter_map(|change| match *change {
            LogChange::Truncated { from } | LogChange::Appended { from, .. } => Some(from - 1),
            LogChange::Installed { .. } => Some(0),
            LogChange::Compacted { .. } => None,
        });
        let mut clean = match view.config_index == Some(index) {
            true => rewritten.fold(view.config_clean_through, LogIndex::min),
            false => 0,
        };
        if let Some(detail) = held_config_differs(node) {
            self.report(Invariant::ConfigurationInUse, now, vec![node.id()], detail);
        }
        let log = node.log();
        clean = clean.max(index).max(log.snapshot_index());
        let later = (clean + 1..=log.last_index())
            .rev()
            .find(|&i| matches!(log.entry(i).map(|e| &e.payload), Some(Payload::Config(_))));
        if let Some(later) = later {
            let detail = format!(
                "it uses the configuration of index {index}, but its log holds one at index {later}"
            );
            self.report(Invariant::ConfigurationInUse, now, vec![node.id()], detail);
        }
        view.config_index = Some(index);
        view.config_clean_through = log.last_index();
    }
}

/// Whether the configuration `node` uses is the one its log (or snapshot,
/// or starting set of members) holds at `membership_index`; if not, why.
fn held_config_differs(node: &RaftNode) -> Option<String> {
    let index = node.membership_index();
    let uses = node.membership();
    let log = node.log();
    if index > log.snapshot_index() {
        return match log.entry(index).map(|e| &e.payload) {
            Some(Payload::Config(held)) if **held == *uses => None,
            Some(Payload::Config(held)) => Some(format!(
                "it uses {uses} as the configuration of index {index}, which holds {held}"
            )),
            Some(_) => Some(format!(
                "it uses {uses} as the configuration of index {index}, which holds no configuration"
            )),
            None => Some(format!(
                "it uses the configuration of index {index}, past its log's end at {}",
                log.last_index()
            )),
        };
    }
    match node.snapshot() {
        Some(s) if (s.meta.membership_index, &s.meta.membership) == (index, uses) => None,
        Some(s) => Some(format!(
            "it uses {uses} (index {index}), but its snapshot holds {} (index {})",
            s.meta.membership, s.meta.membership_index
        )),
        // Compared in place: this runs after every input.
        None if index == 0
            && uses.voters == node.config().members
            && !uses.is_joint()
            && uses.learners.is_empty() =>
        {
            None
        }
        None => Some(format!(
            "it uses {uses} (index {index}), but its log holds no configuration and it started with {}",
            Membership::of_voters(node.config().members.iter().copied())
        )),
    }
}
