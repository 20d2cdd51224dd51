//! For the explorer when it lets time pass (`sim::explore::timing`): the
//! volatile state whose meaning depends on the time, given relative to
//! the server's own clock, and whether a follower may time out yet.
//!
//! Kept apart from [`RaftNode::hash_explored_state`], which hashes what
//! no passing of time changes: with waits off the explorer calls only
//! that, and its figures stay as they were.

use super::node::{RaftNode, Role};
use super::types::Time;
use std::hash::{Hash, Hasher};

impl RaftNode {
    /// Hashes every deadline a future step can compare `now` (this
    /// server's clock) against, as the time left until it, capped at
    /// `horizon` (no more than this can pass on this clock in what is left
    /// of the search, so every deadline at least that far ahead acts the
    /// same) and 0 once passed:
    ///
    /// - the end of leader stickiness, an election timeout after the last
    ///   contact with a leader (thesis §4.2.3): it decides votes;
    /// - the end of the lease, and the lease each unconfirmed round would
    ///   earn if a majority acknowledged it now (thesis §6.4.1): they
    ///   decide whether a read is answered at once;
    /// - the end of a leadership transfer (thesis §3.10): a heartbeat
    ///   after it gives the transfer up (`force_heartbeat`), and the
    ///   leader takes requests and earns leases again.
    ///
    /// Left out, as deciding nothing while timers fire only by action: the
    /// election, heartbeat and quorum-check deadlines (only `tick` reads
    /// them, and the explorer never ticks).
    pub fn hash_explored_times<H: Hasher>(&self, h: &mut H, now: Time, horizon: Time) {
        let left = |deadline: Time| deadline.saturating_sub(now).min(horizon);
        let min = self.config.timing.election_timeout_min;
        self.leader_contact.map(|at| left(at + min)).hash(h);
        left(self.reads.lease_until).hash(h);
        let lease = self.lease_duration();
        self.reads
            .hash_sent_at(h, |sent| left(sent.saturating_add(lease)));
        if let Some((_, abort_at)) = self.transfer {
            // When a hand-over is given up decides when a lease returns.
            left(abort_at).hash(h);
        }
    }

    /// Whether this server, not leading, may time out at `now` by its own
    /// clock: not while it heard from a leader within the minimum election
    /// timeout, since every such contact reset its election timer to at
    /// least that far ahead (§5.2). What keeps a server that acknowledged
    /// a lease round from standing while the lease runs (thesis §6.4.1).
    pub fn may_time_out(&self, now: Time) -> bool {
        self.role != Role::Leader && !self.hears_from_leader(now)
    }
}
