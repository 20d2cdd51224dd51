//! The checker's mirror of each server's log, as chained prefix hashes, and
//! the checks on each log change: Leader Append-Only, Log Matching (§5.3),
//! and no committed entry deleted.
//!
//! The mirror is built from the changes the server reports, which is what
//! makes the checks cheap, and also what would make them blind if a server
//! misreported. So a report is never taken on faith: an append over entries
//! the mirror holds is judged as the truncation it is, the mirror's length
//! must equal the log's after every input, and the whole mirror is audited
//! against the log every so often and at the end of a run.

use super::server_view::{held_entry, prefixes_of, ServerView};
use super::{Invariant, InvariantChecker};
use crate::raft::{LogChange, LogIndex, NodeId, RaftNode, Role, Term, Time};
use crate::sim::stable_hash::chain;

/// A server's mirror is audited once it has been observed this many times
/// since the last audit...
pub(super) const AUDIT_MIN_OBSERVATIONS: u64 = 1024;
/// ...and at least this many times per entry of its log. An audit hashes the
/// whole log, so this bounds its cost to a quarter of a chained hash per
/// observation, amortized, however long the logs grow (a one-hour bench
/// holds 360,000 entries), while a 60 s sweep run still audits each server
/// about once before the audit at its end. (At two observations per entry
/// the audits took 2% of a sweep's instructions.) A misreport that keeps
/// the log's length is thus found within a few times the log's length of
/// observations, and by the end of the run at the latest; one that changes
/// the length is found at once.
const AUDIT_OBSERVATIONS_PER_ENTRY: u64 = 4;

impl InvariantChecker {
    /// Mirrors the reported truncations and appends, and checks Leader
    /// Append-Only, committed-entry stability, Log Matching, and that the
    /// reports account for the log's length.
    pub(super) fn check_log_changes(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        changes: &[LogChange],
    ) {
        let still_leader = view.leader_of.is_some()
            && view.leader_of == Some(node.current_term())
            && node.role() == Role::Leader;
        let leader_of = still_leader.then_some(node.current_term());
        let mut faithful = true;
        for change in changes {
            faithful = match *change {
                LogChange::Truncated { from } => {
                    self.mirror_truncate(now, node, leader_of, view, from);
                    true
                }
                LogChange::Appended { from, to } => {
                    self.mirror_appended(now, node, leader_of, view, from, to)
                }
                // The log reads the same: the snapshot holds the entries.
                LogChange::Compacted { .. } => true,
                LogChange::Installed {
                    through,
                    kept_suffix,
                } => {
                    self.mirror_install(now, node, view, through, kept_suffix);
                    true
                }
            };
            if !faithful {
                break;
            }
        }
        let last = node.log().last_index();
        if faithful && view.mirrored_len() != last {
            let detail = format!(
                "its reported log changes leave {} entries, but its log holds {last}",
                view.mirrored_len()
            );
            self.report(Invariant::LogChangesReported, now, vec![node.id()], detail);
            faithful = false;
        }
        if !faithful {
            resync(view, node);
        }
    }

    /// `Appended { from, to }`: false if the report cannot be mirrored (a gap
    /// before `from`, or entries the log does not hold), after reporting it.
    fn mirror_appended(
        &mut self,
        now: Time,
        node: &RaftNode,
        leader_of: Option<Term>,
        view: &mut ServerView,
        from: LogIndex,
        to: LogIndex,
    ) -> bool {
        let held = view.mirrored_len();
        if from == 0 || from > held + 1 {
            let detail =
                format!("it reported entries appended from index {from} to a log of {held}");
            self.report(Invariant::LogChangesReported, now, vec![node.id()], detail);
            return false;
        }
        // Appending over entries the mirror holds overwrites them: judge it
        // as the truncation it is, so that the committed-entry and Leader
        // Append-Only checks see it however it was reported.
        if from <= held {
            self.mirror_truncate(now, node, leader_of, view, from);
        }
        (from..=to).all(|index| self.mirror_append(now, node, view, index))
    }

    /// Deletes the mirror's entries from `from` on, after checking that the
    /// server may delete them: not as leader of its term (Leader
    /// Append-Only), and not a committed entry.
    fn mirror_truncate(
        &mut self,
        now: Time,
        node: &RaftNode,
        leader_of: Option<Term>,
        view: &mut ServerView,
        from: LogIndex,
    ) {
        let id = node.id();
        let from = from.max(1);
        if from > view.mirrored_len() {
            return; // nothing held there: nothing deleted
        }
        if let Some(term) = leader_of {
            let detail = format!("leader of term {term} deleted its entries from index {from}");
            self.report(Invariant::LeaderAppendOnly, now, vec![id], detail);
        }
        self.check_truncation_spares_committed(now, id, node.current_term(), view, from);
        view.prefix.truncate(from as usize - 1);
    }

    /// A server in `term` deleted its entries from `from` on: none of them
    /// may be committed, unless it was committed in a later term than the
    /// server's. Leader Completeness (§5.4) says that every leader of the
    /// committing term or later holds the entry, so only a leader of an
    /// earlier term can send an AppendEntries that conflicts with it, and
    /// only a server that has not yet heard of the committing term accepts
    /// that (a message from a deposed leader, late by election timeouts).
    /// That server's copy was not part of the majority that committed the
    /// entry, which keeps it.
    pub(super) fn check_truncation_spares_committed(
        &mut self,
        now: Time,
        id: NodeId,
        term: Term,
        view: &ServerView,
        from: LogIndex,
    ) {
        // The server's entries agree with the committed ones up to the first
        // that differs (the prefix hashes chain): those are what it deleted.
        let end = self.committed_len().min(view.mirrored_len());
        let deleted = (from..=end)
            .take_while(|&i| view.prefix_at(i) == Some(self.committed[i as usize - 1].prefix))
            .find(|&i| self.committed[i as usize - 1].in_term <= term);
        if let Some(index) = deleted {
            let committed = self.committed[index as usize - 1];
            let detail = format!(
                "deleted index {index} (term {}), committed by node {}",
                committed.term, committed.by
            );
            self.report_at(
                Invariant::CommittedEntriesStable,
                now,
                vec![id, committed.by],
                (None, Some(index)),
                detail,
            );
        }
    }

    /// Mirrors the entry the log holds at `index`, the next index of the
    /// mirror, and checks Log Matching against every log seen so far. False
    /// if the log holds no entry there, after reporting it.
    fn mirror_append(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &mut ServerView,
        index: LogIndex,
    ) -> bool {
        let id = node.id();
        let Some(entry) = held_entry(node, index) else {
            let detail = format!(
                "it reported index {index} appended, but its log ends at {}",
                node.log().last_index()
            );
            self.report(Invariant::LogChangesReported, now, vec![id], detail);
            return false;
        };
        let prefix = chain(view.prefix_at(index - 1).unwrap_or(0), entry);
        view.prefix.push(prefix);
        let slot = index as usize - 1;
        if slot == self.first_seen.len() {
            self.first_seen.push((entry.term, prefix, id));
            return true;
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
        true
    }

    /// Audits the mirror against the log once enough observations have
    /// passed since the last audit (see [`AUDIT_OBSERVATIONS_PER_ENTRY`]).
    pub(super) fn audit_when_due(&mut self, now: Time, node: &RaftNode, view: &mut ServerView) {
        view.since_audit += 1;
        let due = AUDIT_MIN_OBSERVATIONS.max(AUDIT_OBSERVATIONS_PER_ENTRY * view.mirrored_len());
        if view.since_audit >= due {
            self.audit_mirror(now, node, view);
        }
    }

    /// Compares the mirror with the log, entry by entry; a difference is a
    /// misreported change, reported, after which the mirror is rebuilt from
    /// the log so that later checks judge the log itself.
    pub(super) fn audit_mirror(&mut self, now: Time, node: &RaftNode, view: &mut ServerView) {
        view.since_audit = 0;
        if mirror_agrees(view, node) {
            return;
        }
        let first = node.log().first_index();
        let differs = prefixes_of(node.log(), view.prefix_at(first - 1).unwrap_or(0))
            .zip(view.prefix.iter().skip(first as usize - 1))
            .position(|(log, mirror)| log != *mirror)
            .map_or(node.log().last_index().min(view.mirrored_len()) + 1, |i| {
                first + i as LogIndex
            });
        let detail = format!(
            "its log differs from what its reported log changes made of it, from index {differs}"
        );
        self.report(Invariant::LogChangesReported, now, vec![node.id()], detail);
        resync(view, node);
    }

    /// Recomputes one server's mirror from its log and compares: proves the
    /// incremental bookkeeping saw every change. A server never observed
    /// agrees if its log is empty.
    pub fn mirror_matches(&self, node: &RaftNode) -> bool {
        match self.servers.get(&node.id()) {
            Some(view) => mirror_agrees(view, node),
            None => node.log().last_index() == 0,
        }
    }
}

/// Whether the mirror holds the log's length and, where the log still holds
/// entries, its entries (the compacted prefix is checked as committed when
/// it is compacted: `snapshots.rs`).
fn mirror_agrees(view: &ServerView, node: &RaftNode) -> bool {
    let first = node.log().first_index();
    let Some(base) = view.prefix_at(first - 1) else {
        return false;
    };
    view.mirrored_len() == node.log().last_index()
        && prefixes_of(node.log(), base).eq(view.prefix.iter().skip(first as usize - 1).copied())
}

/// Rebuilds the mirror from the log, once a misreport has been reported;
/// the compacted prefix stays as the mirror had it.
fn resync(view: &mut ServerView, node: &RaftNode) {
    let first = node.log().first_index();
    while view.mirrored_len() < first - 1 {
        view.prefix.push(0);
    }
    view.prefix.truncate(first as usize - 1);
    let base = view.prefix_at(first - 1).unwrap_or(0);
    for p in prefixes_of(node.log(), base).collect::<Vec<_>>() {
        view.prefix.push(p);
    }
}
