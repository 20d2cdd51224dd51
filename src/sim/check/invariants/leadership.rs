//! Terms, votes and leaders: currentTerm and votedFor never go back (Figure
//! 2's persistent state), at most one leader per term (Election Safety,
//! §5.2), and a new leader holds every entry committed before its term
//! (Leader Completeness, §5.4).

use super::server_view::ServerView;
use super::{Invariant, InvariantChecker};
use crate::raft::{
    ClientReply, LogIndex, NodeId, RaftNode, ReplyOutcome, Role, ServedBy, Term, Time,
};

impl InvariantChecker {
    pub(super) fn check_term_and_vote(&mut self, now: Time, node: &RaftNode, view: &ServerView) {
        let (term, vote) = (node.current_term(), node.voted_for());
        let went_back = term < view.term
            || (term == view.term && view.voted_for.is_some() && vote != view.voted_for);
        if went_back {
            let detail = format!(
                "its term and vote went from term {} ({}) to term {term} ({})",
                view.term,
                vote_words(view.voted_for),
                vote_words(vote)
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
    pub(super) fn check_leadership(&mut self, now: Time, node: &RaftNode, view: &ServerView) {
        if node.role() != Role::Leader {
            return;
        }
        let (id, term) = (node.id(), node.current_term());
        let first = *self.leaders.get_or_insert_with(term, || id);
        if first != id {
            let detail = format!("two leaders in term {term}");
            let nodes = vec![first, id];
            self.report_at(
                Invariant::ElectionSafety,
                now,
                nodes,
                (Some(term), None),
                detail,
            );
        }
        if view.leader_of == Some(term) {
            return;
        }
        // A leader voted for itself in its term (§5.2), even one that needed
        // no other vote and so sent no RequestVote.
        self.record_vote(now, id, term, id);
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
                let at = (Some(term), Some(index));
                let nodes = vec![id, c.by];
                self.report_at(Invariant::LeaderCompleteness, now, nodes, at, detail);
            }
        }
    }

    /// A lease read (thesis §6.4.1) answered while a later term already has
    /// a leader: the lease did not keep the election out.
    pub(super) fn check_lease_reads(
        &mut self,
        now: Time,
        node: &RaftNode,
        replies: &[ClientReply],
    ) {
        let by_lease = |r: &ClientReply| {
            matches!(
                r.outcome,
                ReplyOutcome::Read {
                    served_by: ServedBy::Lease,
                    ..
                }
            )
        };
        let Some(read) = replies.iter().find(|r| by_lease(r)) else {
            return;
        };
        let term = node.current_term();
        let Some((&later, &leader)) = self.leaders.iter().next_back() else {
            return;
        };
        if later > term {
            let detail = format!(
                "node {} answered read {}#{} from its lease of term {term} after node {leader} was elected in term {later}",
                node.id(),
                read.client,
                read.request
            );
            let nodes = vec![node.id(), leader];
            self.report_at(
                Invariant::LeaseExclusive,
                now,
                nodes,
                (Some(later), None),
                detail,
            );
        }
    }

    /// Records that `voter` gave its vote in `term` to `candidate`; another
    /// candidate already on record is a second vote in one term (§5.2),
    /// whatever the voter now remembers.
    pub(super) fn record_vote(&mut self, now: Time, voter: NodeId, term: Term, candidate: NodeId) {
        let first = *self.votes.get_or_insert_with((term, voter), || candidate);
        if first != candidate {
            let detail = format!(
                "node {voter} voted for node {first} and then for node {candidate} in term {term}"
            );
            self.report_at(
                Invariant::OneVotePerTerm,
                now,
                vec![voter, first, candidate],
                (Some(term), None),
                detail,
            );
        }
    }
}

/// votedFor in words, for a violation's detail: "voted for node 2".
fn vote_words(vote: Option<NodeId>) -> String {
    match vote {
        Some(id) => format!("voted for node {id}"),
        None => "no vote".to_string(),
    }
}
