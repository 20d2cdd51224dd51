//! The safety invariants of the Raft paper (Figure 3), checked after every
//! event, incrementally.
//!
//! The checker keeps, for each server, the chained hash of every prefix of its
//! log (see `stable_hash::chain`): two logs agree up to index i exactly when
//! their chained hashes at i agree. That turns each check into a comparison of
//! two numbers, so checking every event costs O(entries changed), not
//! O(log length). The checker trusts nothing the server says about itself
//! beyond what it can read: its role, term, vote, log and commit index.

use crate::raft::shared_vec::SharedVec;
use crate::raft::vec_map::VecMap;
use crate::raft::{Applied, LogChange, LogIndex, NodeId, Output, RaftNode, Role, Term, Time};
use crate::sim::stable_hash::chain;
use std::fmt;

/// A property the checker holds the cluster to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    /// At most one leader per term (§5.2).
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log during its term.
    LeaderAppendOnly,
    /// Two logs with an entry of the same index and term agree up to it (§5.3).
    LogMatching,
    /// An entry committed in term T is in the log of every leader of a later
    /// term (§5.4).
    LeaderCompleteness,
    /// No two servers apply different entries at the same index (§5.4.3).
    StateMachineSafety,
    /// currentTerm and votedFor never go backwards, across restarts too.
    TermAndVoteMonotonic,
    /// A committed index never changes: no server deletes it or commits
    /// another entry there.
    CommittedEntriesStable,
    /// lastApplied <= commitIndex <= last log index, and applies are in order.
    IndexOrder,
}

impl Invariant {
    /// Every invariant, in declaration order.
    pub const ALL: [Invariant; 8] = [
        Invariant::ElectionSafety,
        Invariant::LeaderAppendOnly,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::TermAndVoteMonotonic,
        Invariant::CommittedEntriesStable,
        Invariant::IndexOrder,
    ];

    /// The name the trace, the run report and the summary use (snake_case).
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "election_safety",
            Invariant::LeaderAppendOnly => "leader_append_only",
            Invariant::LogMatching => "log_matching",
            Invariant::LeaderCompleteness => "leader_completeness",
            Invariant::StateMachineSafety => "state_machine_safety",
            Invariant::TermAndVoteMonotonic => "term_and_vote_monotonic",
            Invariant::CommittedEntriesStable => "committed_entries_stable",
            Invariant::IndexOrder => "index_order",
        }
    }
}

/// One broken invariant: which, when, who, and what exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which invariant broke.
    pub invariant: Invariant,
    /// When it was seen broken (simulated microseconds).
    pub t: Time,
    /// The servers involved: the one observed, and the one it disagrees with
    /// where there is one.
    pub nodes: Vec<NodeId>,
    /// What exactly, in words, for people.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} violated at t={}us, nodes {:?}: {}",
            self.invariant.name(),
            self.t,
            self.nodes,
            self.detail
        )
    }
}

/// What the checker remembers of one server between events.
#[derive(Clone, Debug, Default)]
struct ServerView {
    term: Term,
    voted_for: Option<NodeId>,
    /// The term in which it was leader at the last observation.
    leader_of: Option<Term>,
    /// `prefix[i - 1]`: chained hash of its log up to index i. This and the
    /// checker's other per-index records are `SharedVec`s, so time travel's
    /// snapshots share them as they share the logs.
    prefix: SharedVec<u64>,
    commit: LogIndex,
    applied: LogIndex,
    applied_chain: u64,
}

impl ServerView {
    fn prefix_at(&self, index: LogIndex) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.prefix.get(index as usize - 1).copied()
    }
}

/// An index known to be committed, with the first server seen to commit it.
#[derive(Clone, Copy, Debug)]
struct Committed {
    term: Term,
    prefix: u64,
    /// The committing server's term when it committed: leaders of later terms
    /// must hold this entry.
    in_term: Term,
    by: NodeId,
}

/// The incremental checker of every safety invariant.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    servers: VecMap<NodeId, ServerView>,
    leaders: VecMap<Term, NodeId>,
    /// First (term, prefix hash) seen at each index, by index - 1.
    first_seen: SharedVec<(Term, u64, NodeId)>,
    /// Further terms seen at an index (rare: only after conflicts).
    more_seen: VecMap<(LogIndex, Term), (u64, NodeId)>,
    /// The committed prefix of the log, by index - 1.
    committed: SharedVec<Committed>,
    violations: Vec<Violation>,
    /// Violations beyond this many are counted, not kept.
    dropped: u64,
}

const MAX_KEPT_VIOLATIONS: usize = 100;

impl InvariantChecker {
    /// A checker that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The violations kept: the first 100 of the run.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Every violation found, including those beyond the first 100 that were
    /// counted but not kept.
    pub fn violation_count(&self) -> u64 {
        self.violations.len() as u64 + self.dropped
    }

    /// The highest index known to be committed: the largest commitIndex any
    /// server has reached so far.
    pub fn committed_len(&self) -> LogIndex {
        self.committed.len() as LogIndex
    }

    /// Every (term, leader) seen so far, in term order.
    pub fn leaders(&self) -> impl Iterator<Item = (Term, NodeId)> + '_ {
        self.leaders.iter().map(|(&t, &n)| (t, n))
    }

    /// Has any server ever been leader of `term`?
    pub fn leader_of(&self, term: Term) -> Option<NodeId> {
        self.leaders.get(&term).copied()
    }

    /// A server crashed and came back: its volatile state starts from zero.
    /// Its term, vote and log must not (that is checked on the next observe).
    pub fn observe_restart(&mut self, id: NodeId) {
        if let Some(view) = self.servers.get_mut(&id) {
            view.commit = 0;
            view.applied = 0;
            view.applied_chain = 0;
            view.leader_of = None;
        }
    }

    /// Checks everything after `node` handled one input that produced `out`.
    /// Returns the violations found by this call.
    pub fn observe(&mut self, now: Time, node: &RaftNode, out: &Output) -> &[Violation] {
        let before = self.violations.len();
        let id = node.id();
        let mut view = std::mem::take(self.servers.get_or_insert_with(id, ServerView::default));
        self.check_log_changes(now, node, &mut view, &out.log_changes);
        self.check_term_and_vote(now, node, &view);
        self.check_leadership(now, node, &view);
        self.check_commit(now, node, &mut view);
        self.check_applies(now, node, &mut view, &out.applied);
        view.term = node.current_term();
        view.voted_for = node.voted_for();
        view.leader_of = (node.role() == Role::Leader).then_some(node.current_term());
        *self.servers.get_mut(&id).expect("taken above") = view;
        &self.violations[before.min(self.violations.len())..]
    }

    fn report(&mut self, invariant: Invariant, t: Time, nodes: Vec<NodeId>, detail: String) {
        if self.violations.len() < MAX_KEPT_VIOLATIONS {
            self.violations.push(Violation {
                invariant,
                t,
                nodes,
                detail,
            });
        } else {
            self.dropped += 1;
        }
    }

    /// Mirrors truncations and appends into the server's prefix hashes, and
    /// checks Leader Append-Only, committed-entry stability and Log Matching.
    fn check_log_changes(
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
                    let term = node.current_term();
                    self.check_truncation_spares_committed(now, id, term, view, from);
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

    /// A server in `term` deleted its entries from `from` on: none of them
    /// may be committed, unless it was committed in a later term than the
    /// server's. Leader Completeness (§5.4) says that every leader of the
    /// committing term or later holds the entry, so only a leader of an
    /// earlier term can send an AppendEntries that conflicts with it, and
    /// only a server that has not yet heard of the committing term accepts
    /// that (a delayed message from a deposed leader, say). That server's
    /// copy was not part of the majority that committed the entry, which
    /// keeps it.
    fn check_truncation_spares_committed(
        &mut self,
        now: Time,
        id: NodeId,
        term: Term,
        view: &ServerView,
        from: LogIndex,
    ) {
        // The server's entries agree with the committed ones up to the first
        // that differs (the prefix hashes chain): those are what it deleted.
        let end = self.committed_len().min(view.prefix.len() as LogIndex);
        let deleted = (from..=end)
            .take_while(|&i| view.prefix_at(i) == Some(self.committed[i as usize - 1].prefix))
            .find(|&i| self.committed[i as usize - 1].in_term <= term);
        if let Some(index) = deleted {
            let committed = self.committed[index as usize - 1];
            let detail = format!(
                "deleted index {index} (term {}), committed by node {}",
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

    fn check_term_and_vote(&mut self, now: Time, node: &RaftNode, view: &ServerView) {
        let (term, vote) = (node.current_term(), node.voted_for());
        let went_back = term < view.term
            || (term == view.term && view.voted_for.is_some() && vote != view.voted_for);
        if went_back {
            let detail = format!(
                "term/votedFor went from {}/{:?} to {term}/{vote:?}",
                view.term, view.voted_for
            );
            self.report(
                Invariant::TermAndVoteMonotonic,
                now,
                vec![node.id()],
                detail,
            );
        }
    }

    /// Election Safety, and Leader Completeness for a newly elected leader.
    fn check_leadership(&mut self, now: Time, node: &RaftNode, view: &ServerView) {
        if node.role() != Role::Leader {
            return;
        }
        let (id, term) = (node.id(), node.current_term());
        let first = *self.leaders.get_or_insert_with(term, || id);
        if first != id {
            let detail = format!("two leaders in term {term}");
            self.report(Invariant::ElectionSafety, now, vec![first, id], detail);
        }
        if view.leader_of == Some(term) {
            return;
        }
        // Newly elected: it must hold every entry committed in an earlier term.
        // Holding the last such entry (by chained hash) implies all before it.
        let last_earlier = self.committed.iter().rposition(|c| c.in_term < term);
        if let Some(slot) = last_earlier {
            let c = self.committed[slot];
            let index = slot as LogIndex + 1;
            if view.prefix_at(index) != Some(c.prefix) {
                let detail = format!(
                    "leader of term {term} lacks index {index} (term {}) committed in term {}",
                    c.term, c.in_term
                );
                self.report(Invariant::LeaderCompleteness, now, vec![id, c.by], detail);
            }
        }
    }

    /// A commit index moves forward only (until a restart), stays within the
    /// log, and commits the same entries everywhere.
    fn check_commit(&mut self, now: Time, node: &RaftNode, view: &mut ServerView) {
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
                self.report(
                    Invariant::CommittedEntriesStable,
                    now,
                    vec![id, c.by],
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
            term: node.log().term_at(index).unwrap_or(0),
            prefix: view.prefix_at(index).unwrap_or(0),
            in_term: node.current_term(),
            by: node.id(),
        };
        self.committed.push(c);
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
            self.report(
                Invariant::LeaderCompleteness,
                now,
                vec![leader, c.by],
                detail,
            );
        }
    }

    /// State Machine Safety: every server applies, at each index, the entry
    /// committed there, in index order.
    fn check_applies(
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
            match self.committed.get(a.index as usize - 1).copied() {
                Some(c) if c.prefix == view.applied_chain => {}
                Some(c) => {
                    let detail = format!(
                        "applied {} (term {}) at index {}, where node {} committed term {}",
                        a.entry.payload, a.entry.term, a.index, c.by, c.term
                    );
                    self.report(Invariant::StateMachineSafety, now, vec![id, c.by], detail);
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

/// How many of `violations` each invariant has, in the order of
/// [`Invariant::ALL`]: what the page's safety panel and the CLI's summary
/// both show.
pub fn tally(violations: &[Violation]) -> Vec<(Invariant, usize)> {
    Invariant::ALL
        .iter()
        .map(|&inv| {
            (
                inv,
                violations.iter().filter(|v| v.invariant == inv).count(),
            )
        })
        .collect()
}

#[cfg(test)]
#[path = "invariants_truncation_tests.rs"]
mod truncation_tests;

#[cfg(test)]
mod tally_tests {
    use super::*;

    #[test]
    fn the_tally_counts_each_invariant_in_order() {
        let v = |invariant| Violation {
            invariant,
            t: 0,
            nodes: vec![1],
            detail: String::new(),
        };
        let found = [
            v(Invariant::ALL[2]),
            v(Invariant::ALL[0]),
            v(Invariant::ALL[2]),
        ];
        let tally = tally(&found);
        assert_eq!(tally.len(), Invariant::ALL.len());
        assert_eq!(tally[0], (Invariant::ALL[0], 1));
        assert_eq!(tally[1], (Invariant::ALL[1], 0));
        assert_eq!(tally[2], (Invariant::ALL[2], 2));
    }
}
