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
use super::types::{NodeId, Time};

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

    /// With CheckQuorum on, a RequestVote is ignored while a leader is known
    /// to be alive (thesis §4.2.3: "if a server receives a RequestVote
    /// request within the minimum election timeout of hearing from a
    /// current leader, it does not update its term or grant its vote").
    pub(super) fn ignores_vote_request(&self, now: Time, message: &Message) -> bool {
        self.config.check_quorum
            && matches!(
                message,
                Message::RequestVote {
                    leadership_transfer: false,
                    ..
                }
            )
            && message.term() > self.current_term()
            && self.hears_from_leader(now)
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
        let active = 1 + self.progress.values().filter(|p| p.recent_active).count();
        if active < self.quorum() {
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
        self.config.pre_vote = pre_vote;
        self.config.check_quorum = check_quorum;
    }
}
