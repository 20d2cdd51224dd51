//! Leader election (paper §5.2) with the election restriction (§5.4.1).

use super::command::Payload;
use super::log::Entry;
use super::message::Message;
use super::node::{RaftNode, Role};
use super::output::{Output, UnsafeStep};
use super::progress::Progress;
use super::types::{LogIndex, NodeId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;

impl RaftNode {
    /// §5.2: "To begin an election, a follower increments its current term and
    /// transitions to candidate state. It then votes for itself and issues
    /// RequestVote RPCs in parallel to each of the other servers."
    pub(super) fn start_election(&mut self, now: Time, out: &mut Output) {
        self.start_election_for(now, false, out)
    }

    /// An election; `leadership_transfer` when the leader asked for it with
    /// TimeoutNow (thesis §3.10).
    pub(super) fn start_election_for(
        &mut self,
        now: Time,
        leadership_transfer: bool,
        out: &mut Output,
    ) {
        self.persistent.current_term += 1;
        self.persistent.voted_for = Some(self.id);
        self.stand(now, Role::Candidate);
        // Its own vote counts once its new term and vote are durable, as its
        // own entries do (`durability.rs`): stepped back in as a reply to
        // itself. A lone voter that took office at once could lead a term
        // that a crash then makes it forget, and vote in it again for
        // another (the sweep `--faults all --disk-faults --reads read-index
        // --membership --snapshots 10 --transfers --nodes 3 --clients 10
        // --rate 50`, seed 391: two leaders in term 90). The requests wait
        // too: no vote for it can exist before then.
        self.votes.remove(&self.id);
        let term = self.current_term();
        let own_vote = Message::RequestVoteReply {
            term,
            vote_granted: true,
        };
        self.send_after_persist(self.id, own_vote, out);
        let (last_log_index, last_log_term) = (self.log().last_index(), self.log().last_term());
        for peer in self.peers() {
            let request = Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
                leadership_transfer,
            };
            self.send_after_persist(peer, request, out);
        }
    }

    /// Become a candidate or a pre-candidate: no leader known, its own vote
    /// counted (a candidate takes it back until it is durable), and a fresh
    /// random timeout (§5.2), so that a split vote, or a pre-vote without a
    /// majority, is tried again.
    pub(super) fn stand(&mut self, now: Time, role: Role) {
        self.role = role;
        self.leader_hint = None;
        self.votes.clear();
        self.votes.insert(self.id);
        self.reset_election_deadline(now);
    }

    /// RequestVote receiver (Figure 2). The term check already happened in
    /// `step`: a higher term made this server a follower of that term.
    pub(super) fn handle_request_vote(
        &mut self,
        now: Time,
        candidate: NodeId,
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
        out: &mut Output,
    ) {
        let vote_granted = term == self.current_term()
            && self.may_vote_for(candidate, last_log_index, last_log_term);
        if vote_granted && !self.log().is_up_to_date(last_log_index, last_log_term) {
            // Only `VoteWithoutLogCheck` grants this vote (§5.4.1).
            out.unsafe_steps.push(UnsafeStep {
                switch: UnsafeSwitch::VoteWithoutLogCheck,
                peer: Some(candidate),
                index: Some(last_log_index),
            });
        }
        if vote_granted {
            // Made durable before the reply leaves (`respond`): a server that
            // forgot a vote it granted could grant another in the same term,
            // and two leaders could be elected (§5.2).
            self.persistent.voted_for = Some(candidate);
            // Figure 2: "granting vote to candidate" resets the election timer.
            self.reset_election_deadline(now);
        }
        let reply = Message::RequestVoteReply {
            term: self.current_term(),
            vote_granted,
        };
        self.respond(candidate, reply, out);
    }

    /// "If votedFor is null or candidateId, and candidate's log is at least as
    /// up-to-date as receiver's log, grant vote" (Figure 2, §5.4.1).
    fn may_vote_for(
        &self,
        candidate: NodeId,
        last_log_index: LogIndex,
        last_log_term: Term,
    ) -> bool {
        let free = self.voted_for().is_none() || self.voted_for() == Some(candidate);
        let log_ok = self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::VoteWithoutLogCheck)
            || self.log().is_up_to_date(last_log_index, last_log_term);
        free && log_ok
    }

    /// A candidate counts votes of its current term; a majority wins (§5.2).
    pub(super) fn handle_vote_reply(
        &mut self,
        now: Time,
        voter: NodeId,
        term: Term,
        vote_granted: bool,
        out: &mut Output,
    ) {
        if self.role != Role::Candidate || term != self.current_term() || !vote_granted {
            return;
        }
        self.votes.insert(voter);
        if self.is_quorum(&self.votes) {
            self.become_leader(now, out);
        }
    }

    /// Take office: reset every follower's progress (Figure 2, "reinitialized
    /// after election"), append a no-op of the new term so entries of earlier
    /// terms can be committed (§5.4.2, §8), and assert leadership at once.
    fn become_leader(&mut self, now: Time, out: &mut Output) {
        self.role = Role::Leader;
        self.leader_hint = Some(self.id);
        self.heard_leader(now);
        self.quorum_check_at = now + self.config.timing.election_timeout_min;
        self.transfer = None;
        self.votes.clear();
        let last = self.log().last_index();
        // Everything up to `last` is durable: its own vote counted only once
        // its earlier writes were, and the others answered RequestVotes sent
        // only then. The no-op's own acknowledgement moves this on.
        self.own_match = last;
        self.reset_leader_reads();
        // Inserted one by one: `collect` would sort the pairs first, and that
        // sort is one more copy of the standard sort in the wasm.
        self.progress.clear();
        for &peer in &self.peers {
            self.progress.insert(peer, Progress::new(last));
        }
        self.catch_up.clear();
        self.start_catch_up(now);
        // With the unsafe Figure 8 switch the no-op is left out too: it would
        // otherwise ride along with the old entries and mask the bug.
        if !self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::CommitOldTerms)
        {
            let noop = Entry {
                term: self.current_term(),
                payload: Payload::Noop,
            };
            self.append_to_log(noop, out);
        }
        self.maybe_commit(now, out);
        self.broadcast_append(now, out);
    }
}
