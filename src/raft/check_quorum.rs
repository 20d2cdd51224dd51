//! CheckQuorum, as etcd raft and raft-rs name it: a leader steps down when it
//! has not heard from a majority for an election timeout (thesis §6.2), and
//! a server that heard from a leader within the minimum election timeout
//! ignores RequestVote, term included ("leader stickiness", thesis §4.2.3).
//!
//! The first ends the reign of a leader that can send but not receive: its
//! heartbeats keep every follower from timing out, so without CheckQuorum
//! no one else is ever elected and the cluster stalls. The second keeps a
//! server that was cut off, and so raised its term, from deposing a leader
//! the rest of the cluster still hears.

use super::message::Message;
use super::node::{RaftNode, Role};
use super::types::{NodeId, Term, Time};

impl RaftNode {
    /// Whether this server knows of a live leader at `now`: it leads, or it
    /// heard from the leader of its term within the minimum election
    /// timeout.
    pub(super) fn hears_from_leader(&self, now: Time) -> bool {
        self.role == Role::Leader
            || self
                .leader_contact
                .is_some_and(|at| now < at + self.config.timing.election_timeout_min)
    }

    /// This server heard from the leader of its current term (or leads).
    pub(super) fn heard_leader(&mut self, now: Time) {
        self.leader_contact = Some(now);
        self.leader_contact_term = self.current_term();
    }

    /// Restarted under lease reads: it may have promised a leader a lease
    /// before it crashed, of its current term or of an earlier one (a term
    /// it heard of later, with no leader, moved it on), and it does not
    /// know which. So a vote of its own term is refused too, for an
    /// election timeout, as a later one is (thesis §6.4.1; a review found
    /// a restart granting a vote of its own term inside a lease).
    pub(super) fn heard_leader_before_restart(&mut self, now: Time) {
        self.leader_contact = Some(now);
        self.leader_contact_term = self.current_term().saturating_sub(1);
    }

    /// With CheckQuorum on, a RequestVote for a term after the leader's is
    /// ignored while that leader is known to be alive (thesis §4.2.3: "if
    /// a server receives a RequestVote request within the minimum election
    /// timeout of hearing from a current leader, it does not update its
    /// term or grant its vote"). The leader's term is the server's own,
    /// except under lease reads after a step into a later term.
    pub(super) fn ignores_vote_request(&self, now: Time, message: &Message) -> bool {
        self.config.check_quorum
            && matches!(
                message,
                Message::RequestVote {
                    leadership_transfer: false,
                    ..
                }
            )
            && message.term() > self.stickiness_term()
            && self.hears_from_leader(now)
    }

    /// The term of the leader whose contact makes this server sticky.
    fn stickiness_term(&self) -> Term {
        match self.leases_on() {
            true => self.leader_contact_term,
            false => self.current_term(),
        }
    }

    /// A follower of this leader's term answered: it is alive.
    pub(super) fn record_active(&mut self, follower: NodeId) {
        if let Some(progress) = self.progress.get_mut(&follower) {
            progress.recent_active = true;
        }
    }

    /// The leader's periodic check (every minimum election timeout): step
    /// down unless a majority, itself included, answered since the last one.
    pub(super) fn check_quorum(&mut self, now: Time) {
        let active = |id| id == self.id || self.progress.get(&id).is_some_and(|p| p.recent_active);
        if !self.membership.has_quorum(active) {
            let term = self.current_term();
            return self.become_follower(now, term, None);
        }
        self.start_quorum_period(now, false);
    }

    /// A new check period from `now`, with every follower counted as heard
    /// from (`heard`) or not yet.
    fn start_quorum_period(&mut self, now: Time, heard: bool) {
        for progress in self.progress.values_mut() {
            progress.recent_active = heard;
        }
        self.quorum_check_at = now + self.config.timing.election_timeout_min;
    }

    /// Turn PreVote and CheckQuorum on or off while running (the
    /// playground's settings). A leader that starts checking its quorum
    /// counts every follower as heard from now, and checks an election
    /// timeout later.
    pub fn set_mechanisms(&mut self, now: Time, pre_vote: bool, check_quorum: bool) {
        if check_quorum && !self.config.check_quorum && self.role == Role::Leader {
            self.start_quorum_period(now, true);
        }
        // A lease rests on the followers' stickiness (thesis §6.4.1): one
        // earned while it was off promises nothing, so a change ends it.
        if check_quorum != self.config.check_quorum {
            self.end_lease();
        }
        self.config.pre_vote = pre_vote;
        self.config.check_quorum = check_quorum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::test_support::leader_of_three as leader;
    use crate::raft::{Config, Output, ReadPath, Rng, MILLIS};

    /// Found by cargo-mutants: nothing pinned what turning CheckQuorum on
    /// does to a running leader. Its first check comes a minimum election
    /// timeout later, with every follower counted as heard from.
    #[test]
    fn turning_check_quorum_on_starts_a_full_period_with_everyone_heard() {
        let mut node = leader();
        for p in node.progress.values_mut() {
            p.recent_active = false;
        }
        node.set_mechanisms(1_000 * MILLIS, false, true);
        let min = node.config.timing.election_timeout_min;
        assert_eq!(node.quorum_check_at, 1_000 * MILLIS + min);
        assert!(node.progress.values().all(|p| p.recent_active));
        assert!(node.config.check_quorum && !node.config.pre_vote);
        // The first check passes on that credit; the next, unanswered, fails.
        let mut out = Output::default();
        node.tick(1_000 * MILLIS + min, &mut out);
        assert_eq!(node.role(), Role::Leader);
        node.tick(1_000 * MILLIS + 2 * min, &mut out);
        assert_eq!(node.role(), Role::Follower);
    }

    /// Only a leader that did not check before starts a period: a leader
    /// already checking keeps its schedule, a follower has none, and
    /// turning CheckQuorum off or PreVote on starts nothing.
    #[test]
    fn only_turning_it_on_in_a_leader_starts_a_period() {
        let mut node = leader();
        node.set_mechanisms(5 * MILLIS, false, true);
        let scheduled = node.quorum_check_at;
        node.set_mechanisms(9 * MILLIS, false, true);
        assert_eq!(node.quorum_check_at, scheduled, "already checking");
        node.set_mechanisms(9 * MILLIS, true, false);
        assert_eq!(node.quorum_check_at, scheduled, "turned off");
        assert!(node.config.pre_vote && !node.config.check_quorum);
        node.set_mechanisms(9 * MILLIS, true, false);
        assert_eq!(node.quorum_check_at, scheduled, "PreVote alone");
        let mut follower = RaftNode::new(2, Config::cluster(3), Rng::new(2), 0);
        follower.set_mechanisms(7 * MILLIS, false, true);
        assert_eq!(follower.quorum_check_at, 0, "a follower has no period");
        assert!(follower.config.check_quorum);
    }

    /// Server 2 of three hears leader 1 of term 1 (a lease round), then a
    /// refused pre-vote's reply of term 2 moves it to term 2 with no
    /// leader and no vote.
    fn to_term_2_without_a_leader(node: &mut RaftNode) {
        let mut out = Output::default();
        let round = Message::ReadHeartbeat { term: 1, round: 1 };
        node.step(10 * MILLIS, 1, round, &mut out);
        let refused = Message::PreVoteReply {
            term: 2,
            vote_granted: false,
        };
        node.step(20 * MILLIS, 3, refused, &mut out);
        let state = (node.current_term(), node.leader_hint(), node.voted_for());
        assert_eq!(state, (2, None, None));
    }

    /// Whether `node` grants candidate 3's RequestVote of term 2 at 30 ms.
    fn grants_a_term_2_vote(node: &mut RaftNode) -> bool {
        let ask = Message::RequestVote {
            term: 2,
            last_log_index: 0,
            last_log_term: 0,
            leadership_transfer: false,
        };
        let mut out = Output::default();
        node.step(30 * MILLIS, 3, ask, &mut out);
        let replies = out.messages.iter().chain(&out.after_persist);
        replies.into_iter().any(|e| {
            matches!(
                e.message,
                Message::RequestVoteReply {
                    vote_granted: true,
                    ..
                }
            )
        })
    }

    /// Server 2 in term 2 without a leader (`to_term_2_without_a_leader`):
    /// does it grant a vote of term 2?
    fn votes_after_a_later_term_without_a_leader(reads: ReadPath) -> bool {
        let mut node = RaftNode::new(2, Config::cluster(3), Rng::new(2), 0);
        node.set_mechanisms(0, false, true);
        node.set_reads(reads);
        to_term_2_without_a_leader(&mut node);
        grants_a_term_2_vote(&mut node)
    }

    #[test]
    fn a_lease_s_promise_outlives_a_later_term_heard_of_meanwhile() {
        assert!(!votes_after_a_later_term_without_a_leader(ReadPath::Lease));
        assert!(votes_after_a_later_term_without_a_leader(ReadPath::Log));
    }

    /// The restart variant of the test above (found by a review): server
    /// 2, in term 2 without a leader, crashes and restarts inside leader
    /// 1's lease. `restart` treats it as having just heard from a leader,
    /// of a term it does not know: it must refuse a vote of its own term
    /// too, or, with candidate 3's own vote, a second leader exists inside
    /// leader 1's lease (thesis §6.4.1).
    #[test]
    fn a_restart_inside_a_lease_keeps_refusing_votes_of_its_own_term() {
        let mut config = Config::cluster(3);
        config.check_quorum = true;
        config.reads = ReadPath::Lease;
        let mut node = RaftNode::new(2, config.clone(), Rng::new(2), 0);
        to_term_2_without_a_leader(&mut node);
        // Without a crash the promise holds.
        assert!(
            !grants_a_term_2_vote(&mut node.clone()),
            "refused without a crash"
        );
        // Crash and restart at 25 ms, well inside leader 1's lease (which
        // runs until 10 ms + 150 ms).
        let stored = node.into_persistent();
        let mut node = RaftNode::restart(2, config, stored, Rng::new(2), 25 * MILLIS);
        assert!(
            !grants_a_term_2_vote(&mut node),
            "a restarted server granted a vote inside a lease it acknowledged"
        );
    }

    /// Found by cargo-mutants: the count must include the leader itself,
    /// and exactly a majority is enough. In three servers, the leader and
    /// one follower that answered keep it leading; none does not.
    #[test]
    fn the_leader_and_one_answering_follower_of_three_are_a_quorum() {
        let mut node = leader();
        let min = node.config.timing.election_timeout_min;
        node.set_mechanisms(0, false, true);
        let mut out = Output::default();
        node.tick(min, &mut out); // the first period's credit
        assert_eq!(node.role(), Role::Leader);
        let ack = Message::append_success(1, 0);
        node.step(min + 1, 2, ack, &mut out);
        node.tick(2 * min, &mut out);
        assert_eq!(node.role(), Role::Leader, "itself and S2: two of three");
        node.tick(3 * min, &mut out);
        assert_eq!(node.role(), Role::Follower, "only itself");
    }
}
