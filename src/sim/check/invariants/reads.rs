//! Read indexes given only by a leader nobody had superseded when the read
//! arrived (thesis §6.4, step 3).
//!
//! A leader answering a read without the log must know that no newer
//! leader existed when the read arrived: a newer one may already have
//! committed a write the read must see. ReadIndex proves it with a
//! heartbeat round sent after the arrival: a majority acknowledged it in
//! the leader's term, and any later election needed a vote from one of
//! them, cast after it acknowledged. So a read index is never given for a
//! read that arrived after a later term had a leader. The linearizability
//! checker sees a stale read only when a conflicting write made it stale;
//! this check sees the superseded leader answer whatever the data.
//!
//! The simulator reports each arrival (a client's read reaching a server,
//! or a follower's ReadIndex reaching the leader); the checker notes which
//! term had the latest leader then, and holds the answer to it: a reply
//! served by a ReadIndex round, or a ReadIndexReply carrying an index.
//! Lease reads are answered at arrival, so `check_lease_reads` holds them.

use super::server_view::ServerView;
use super::{Invariant, InvariantChecker};
use crate::raft::{
    ClientId, Message, NodeId, Output, RaftNode, ReplyOutcome, RequestId, ServedBy, Term, Time,
};

/// The latest term with a leader when a read reached its leader, and that
/// leader; `None` before any election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ReadArrival {
    latest: Option<(Term, NodeId)>,
}

/// How many of one client's latest reads a leader's arrivals are kept for,
/// as many as a follower keeps forwarded reads (`MAX_FORWARDED` in the
/// core). A client asks one thing at a time, but copies of its older reads
/// (retries forwarded again, messages a partition or a pause held) reach
/// the leader many requests late: with 8 kept, 136 read indexes in 1,000
/// seeds of `--faults all --reads read-index --partial-partitions
/// --pre-vote --transfers --membership --nodes 3` went unchecked; with 64,
/// none (a review, 2026-12-05).
pub(super) const KEPT_PER_CLIENT: usize = 64;

/// The first arrivals at a leader of one client's latest reads, in its
/// current term of office.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ClientReads {
    /// Requests at or below this were let go: a late copy of one must not
    /// pass for its first arrival, so it is not recorded again.
    let_go: RequestId,
    /// The first arrival of each request kept, oldest first.
    kept: Vec<(RequestId, ReadArrival)>,
}

impl ClientReads {
    /// Records the first arrival of `request`; a copy of one kept changes
    /// nothing (the answer may rest on the first).
    fn arrive(&mut self, request: RequestId, arrival: ReadArrival) {
        if request <= self.let_go || self.kept.iter().any(|&(r, _)| r == request) {
            return;
        }
        let at = self.kept.iter().position(|&(r, _)| r > request);
        self.kept
            .insert(at.unwrap_or(self.kept.len()), (request, arrival));
        if self.kept.len() > KEPT_PER_CLIENT {
            self.let_go = self.kept.remove(0).0;
        }
    }

    fn first_arrival(&self, request: RequestId) -> Option<ReadArrival> {
        self.kept
            .iter()
            .find(|&&(r, _)| r == request)
            .map(|&(_, a)| a)
    }
}

impl InvariantChecker {
    /// A read of `client`'s `request` reached server `node`: a client's
    /// own read, or a follower's ReadIndex for it. Only a leader can give
    /// it a read index, and only in the term of office it arrived in (a
    /// leader that steps down refuses what waits), so arrivals are kept
    /// for a leader until it stops leading. A copy of a read (a retry, a
    /// duplicate, another follower's) keeps the first arrival: the leader
    /// may answer the copy on the round it sent for the first.
    pub fn observe_read_arrival(&mut self, node: NodeId, client: ClientId, request: RequestId) {
        let latest = self.leaders.iter().next_back().map(|(&t, &n)| (t, n));
        let Some(view) = self.servers.get_mut(&node) else {
            return;
        };
        // Not the leader at its last input: whatever it recorded now, its
        // next observation would clear (`InvariantChecker::observe`).
        if view.leader_of.is_some() {
            let reads = view
                .read_arrivals
                .get_or_insert_with(client, Default::default);
            reads.arrive(request, ReadArrival { latest });
        }
    }

    /// Every read index `node` gave in this output, to its own client's
    /// read or to a follower's, against when that read arrived.
    pub(super) fn check_read_indexes(
        &mut self,
        now: Time,
        node: &RaftNode,
        view: &ServerView,
        out: &Output,
    ) {
        let by_round = out.replies.iter().filter_map(|r| match r.outcome {
            ReplyOutcome::Read {
                served_by: ServedBy::ReadIndex,
                ..
            } => Some((r.client, r.request)),
            _ => None,
        });
        let to_followers = out.messages.iter().filter_map(|e| match e.message {
            Message::ReadIndexReply {
                client,
                request,
                index: Some(_),
                ..
            } => Some((client, request)),
            _ => None,
        });
        // One violation per read, however many copies of it were answered.
        let mut given: Vec<(ClientId, RequestId)> = Vec::new();
        for read in by_round.chain(to_followers) {
            if !given.contains(&read) {
                given.push(read);
            }
        }
        for (client, request) in given {
            let reads = view.read_arrivals.get(&client);
            if let Some(arrival) = reads.and_then(|r| r.first_arrival(request)) {
                self.check_read_index(now, node, (client, request), arrival);
            }
        }
    }

    fn check_read_index(
        &mut self,
        now: Time,
        node: &RaftNode,
        (client, request): (ClientId, RequestId),
        arrival: ReadArrival,
    ) {
        let (id, term) = (node.id(), node.current_term());
        let Some((later, leader)) = arrival.latest.filter(|&(t, _)| t > term) else {
            return;
        };
        let detail = format!(
            "node {id} gave client {client}'s read (request {request}) a read index in term {term}, but the read reached node {id} after node {leader} was elected in term {later}"
        );
        let at = (Some(later), None);
        self.report_at(
            Invariant::ReadIndexNotSuperseded,
            now,
            vec![id, leader],
            at,
            detail,
        );
    }
}
