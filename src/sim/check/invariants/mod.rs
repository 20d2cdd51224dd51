//! The safety invariants of the Raft paper (Figure 3), checked after every
//! event, incrementally, together with the rules of Figure 2 they rest on.
//!
//! The checker keeps, for each server, the chained hash of every prefix of its
//! log (see `stable_hash::chain`): two logs agree up to index i exactly when
//! their chained hashes at i agree. That turns each check into a comparison of
//! two numbers, so checking every event costs O(entries changed), not
//! O(log length).
//!
//! It trusts nothing a server says about itself beyond what it can read: its
//! role, term, vote, log and commit index, and the messages it sends. The
//! mirror is built from the log changes the server reports, so it is held to
//! the log itself: its length after every input, every entry periodically
//! and at the end of a run. Votes are recorded from the replies that grant
//! them, so a server that forgets a vote cannot make the checker forget it.
//!
//! By concern:
//! * `invariant`: the [`Invariant`]s and the [`Violation`] of one;
//! * `server_view`: what the checker remembers of each server;
//! * `log_mirror`: the mirror, its audits, and the checks on each log
//!   change (Leader Append-Only, Log Matching, no committed entry deleted);
//! * `leadership`: term and vote monotonicity, Election Safety, Leader
//!   Completeness of a newly elected leader, and lease reads only by the
//!   latest leader;
//! * `commit`: commit indexes and applies (committed entries stable, Leader
//!   Completeness as entries commit, State Machine Safety, index order);
//! * `messages`: what servers send (one vote per term, acknowledged entries
//!   held, AppendEntries that match the leader's log);
//! * `configuration`: the configuration each server uses is the latest
//!   in its log (thesis §4.1);
//! * `reads`: read indexes given only for reads that arrived before any
//!   later term had a leader (thesis §6.4);
//! * `recovery`: a crash that lost writes, and the server's view rewound to
//!   what its disk kept.

mod commit;
mod configuration;
mod invariant;
mod leadership;
mod log_mirror;
mod messages;
mod reads;
mod recovery;
mod server_view;
mod snapshots;
#[cfg(test)]
mod tests;

pub use invariant::{tally, Invariant, Violation};
pub use snapshots::state_hash;

use crate::raft::shared_vec::SharedVec;
use crate::raft::vec_map::VecMap;
use crate::raft::{LogIndex, Membership, NodeId, Output, RaftNode, Role, Term, Time};
use server_view::{Committed, ServerView};
use std::rc::Rc;

/// The incremental checker of every safety invariant.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    /// Boxed, so that taking one out to check it and putting it back
    /// (`take_view`, `put_view`) moves a pointer, not the whole view:
    /// copying it in and out took 2% of the simulator's instructions.
    servers: VecMap<NodeId, Box<ServerView>>,
    /// An empty view, left in the place of the one being checked (the
    /// other checks find it there as a server that has seen nothing).
    spare: Option<Box<ServerView>>,
    leaders: VecMap<Term, NodeId>,
    /// Every vote granted, by (term, voter): the candidate. Keyed by term
    /// first, so new terms go at the end.
    votes: VecMap<(Term, NodeId), NodeId>,
    /// First (term, prefix hash) seen at each index, by index - 1.
    first_seen: SharedVec<(Term, u64, NodeId)>,
    /// Further terms seen at an index (rare: only after conflicts).
    more_seen: VecMap<(LogIndex, Term), (u64, NodeId)>,
    /// The committed prefix of the log, by index - 1.
    committed: SharedVec<Committed>,
    /// The state of the first snapshot seen through each index, and whose.
    snapshot_states: VecMap<LogIndex, (u64, NodeId)>,
    /// Every configuration entry committed, by index: what a snapshot
    /// must hold as its configuration.
    committed_configs: VecMap<LogIndex, Rc<Membership>>,
    violations: Vec<Violation>,
    /// Violations beyond the first [`MAX_KEPT_VIOLATIONS`], counted by
    /// invariant, not kept.
    dropped: VecMap<Invariant, u64>,
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
        self.violations.len() as u64 + self.dropped.values().sum::<u64>()
    }

    /// Every invariant, in [`Invariant::ALL`]'s order, with how often it
    /// was broken, those not kept included.
    pub fn violations_by_invariant(&self) -> Vec<(Invariant, u64)> {
        tally(&self.violations)
            .into_iter()
            .map(|(inv, kept)| {
                (
                    inv,
                    kept as u64 + self.dropped.get(&inv).copied().unwrap_or(0),
                )
            })
            .collect()
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

    /// The candidate `voter` gave its vote to in `term`, as the checker saw
    /// it granted (the first, if it was granted twice).
    pub fn vote_of(&self, voter: NodeId, term: Term) -> Option<NodeId> {
        self.votes.get(&(term, voter)).copied()
    }

    /// A server crashed and came back: its volatile state starts from zero,
    /// or from its snapshot, whose entries are committed and applied. Its
    /// term, vote and log must not (that is checked on the next observe).
    pub fn observe_restart(&mut self, node: &RaftNode) {
        if let Some(view) = self.servers.get_mut(&node.id()) {
            let from = node.log().snapshot_index();
            view.commit = from;
            view.applied = from;
            view.applied_chain = view.prefix_at(from).unwrap_or(0);
            view.leader_of = None;
        }
    }

    /// Checks everything after `node` handled one input that produced `out`.
    /// Returns the violations found by this call.
    pub fn observe(&mut self, now: Time, node: &RaftNode, out: &Output) -> &[Violation] {
        let before = self.violations.len();
        let id = node.id();
        let mut view = self.take_view(id);
        self.check_log_changes(now, node, &mut view, &out.log_changes);
        self.check_configuration(now, node, &mut view, &out.log_changes);
        self.check_term_and_vote(now, node, &view);
        self.check_leadership(now, node, &view);
        self.check_commit(now, node, &mut view);
        self.check_applies(now, node, &mut view, &out.applied);
        self.check_snapshots(now, node, &out.log_changes);
        self.check_messages(now, node, &view, &out.messages);
        self.check_lease_reads(now, node, &out.replies);
        self.check_read_indexes(now, node, &view, out);
        self.audit_when_due(now, node, &mut view);
        view.term = node.current_term();
        view.voted_for = node.voted_for();
        view.leader_of = (node.role() == Role::Leader).then_some(node.current_term());
        if view.leader_of.is_none() {
            // It refused the reads still waiting when it stepped down, and
            // a term of office it may start later begins with none: a copy
            // arriving then is a first arrival (`reads`).
            view.read_arrivals.clear();
        }
        self.put_view(id, view);
        &self.violations[before.min(self.violations.len())..]
    }

    /// `leader` was just elected in `term`, while the servers in `leases`
    /// held read leases of the terms given: a lease of an earlier term
    /// promised that no election could end before it did (thesis §6.4.1).
    /// Returns the violations found by this call.
    pub fn observe_election(
        &mut self,
        now: Time,
        leader: NodeId,
        term: Term,
        leases: &[(NodeId, Term)],
    ) -> &[Violation] {
        let before = self.violations.len();
        for &(holder, held_in) in leases.iter().filter(|&&(_, t)| t < term) {
            let detail = format!(
                "node {leader} was elected in term {term} while node {holder} held its read lease of term {held_in}"
            );
            let nodes = vec![holder, leader];
            self.report(Invariant::LeaseExclusive, now, nodes, detail);
        }
        &self.violations[before.min(self.violations.len())..]
    }

    /// Compares the checker's mirror of `node`'s log with the log itself,
    /// entry by entry: what a run does at its end, for every server, so a
    /// misreported log change cannot outlive the run unseen. Returns the
    /// violations found by this call.
    pub fn audit(&mut self, now: Time, node: &RaftNode) -> &[Violation] {
        let before = self.violations.len();
        let id = node.id();
        let mut view = self.take_view(id);
        self.audit_mirror(now, node, &mut view);
        self.put_view(id, view);
        &self.violations[before.min(self.violations.len())..]
    }

    /// Server `id`'s view, taken out to be checked, an empty one left in
    /// its place; give it back with [`Self::put_view`].
    fn take_view(&mut self, id: NodeId) -> Box<ServerView> {
        let empty = self.spare.take().unwrap_or_default();
        std::mem::replace(self.servers.get_or_insert_with(id, Box::default), empty)
    }

    fn put_view(&mut self, id: NodeId, view: Box<ServerView>) {
        let slot = self.servers.get_mut(&id).expect("taken by take_view");
        self.spare = Some(std::mem::replace(slot, view));
    }

    fn report(&mut self, invariant: Invariant, t: Time, nodes: Vec<NodeId>, detail: String) {
        self.report_at(invariant, t, nodes, (None, None), detail);
    }

    /// As `report`, with the (term, index) the violation is about.
    fn report_at(
        &mut self,
        invariant: Invariant,
        t: Time,
        nodes: Vec<NodeId>,
        (term, index): (Option<Term>, Option<LogIndex>),
        detail: String,
    ) {
        // A server can break a rule against its own earlier state (a
        // state machine that lost what it applied): name it once.
        let mut named = Vec::with_capacity(nodes.len());
        for n in nodes {
            if !named.contains(&n) {
                named.push(n);
            }
        }
        if self.violations.len() < MAX_KEPT_VIOLATIONS {
            self.violations.push(Violation {
                invariant,
                t,
                nodes: named,
                detail,
                term,
                index,
            });
        } else {
            *self.dropped.get_or_insert_with(invariant, || 0) += 1;
        }
    }
}
