//! PreVote (thesis §9.6): a server whose election timer fires first asks
//! whether it could win, without raising its term. Only with a majority of
//! pre-votes does it start a real election (§5.2).
//!
//! Without it, a server cut off from the cluster keeps timing out and
//! raising its term; when it comes back, its higher term makes the leader
//! step down (§5.1), an election the cluster did not need. With it, the
//! isolated server never gets a majority of pre-votes, so its term stays
//! where it was, and a server that is heard from a live leader refuses
//! pre-votes anyway: "a server would only grant a pre-vote if ... it had
//! not received an AppendEntries from a current leader for at least a
//! baseline election timeout" (thesis §9.6).

use super::message::Message;
use super::node::{RaftNode, Role};
use super::output::{Output, UnsafeStep};
use super::types::{LogIndex, NodeId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;

impl RaftNode {
    /// Become a pre-candidate: count its own pre-vote and ask every other
    /// server whether it would vote in the next term. Nothing is persisted,
    /// so the requests leave at once.
    pub(super) fn start_pre_vote(&mut self, now: Time, out: &mut Output) {
        if self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::PreVoteRaisesTerm)
        {
            // The mistake: a term raised like a candidate's, so that a
            // server alone keeps raising it, and its return deposes the
            // leader (§5.1) exactly as without PreVote.
            self.persistent.current_term += 1;
            self.persistent.voted_for = None;
            out.unsafe_steps
                .push(UnsafeStep::of(UnsafeSwitch::PreVoteRaisesTerm));
        }
        self.stand(now, Role::PreCandidate);
        if self.is_quorum(&self.votes) {
            return self.start_election(now, out);
        }
        let request = Message::PreVote {
            term: self.current_term() + 1,
            last_log_index: self.log().last_index(),
            last_log_term: self.log().last_term(),
        };
        for peer in self.peers() {
            self.send(peer, request.clone(), out);
        }
    }

    /// PreVote receiver: grant if the election could happen now and this
    /// server would vote in it. Changes nothing here: not the term, not the
    /// vote, not the election timer.
    pub(super) fn handle_pre_vote(
        &mut self,
        now: Time,
        candidate: NodeId,
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
        out: &mut Output,
    ) {
        let vote_granted = term > self.current_term()
            && !self.hears_from_leader(now)
            && self.log().is_up_to_date(last_log_index, last_log_term);
        // A refusal carries this server's term, which a pre-candidate behind
        // it adopts (§5.1); a grant echoes the term asked about.
        let reply = Message::PreVoteReply {
            term: if vote_granted {
                term
            } else {
                self.current_term()
            },
            vote_granted,
        };
        self.send(candidate, reply, out);
    }

    /// A pre-candidate counts grants for the term it asked about; a majority
    /// starts the real election (§5.2).
    pub(super) fn handle_pre_vote_reply(
        &mut self,
        now: Time,
        voter: NodeId,
        term: Term,
        vote_granted: bool,
        out: &mut Output,
    ) {
        let asked_about = self.current_term() + 1;
        if self.role != Role::PreCandidate || !vote_granted || term != asked_about {
            return;
        }
        self.votes.insert(voter);
        if self.is_quorum(&self.votes) {
            self.start_election(now, out);
        }
    }
}
