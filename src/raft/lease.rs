//! Lease reads (thesis §6.4.1): a leader whose heartbeat round a majority
//! acknowledged answers reads at once for a while after, with no round of
//! its own.
//!
//! Why it is safe: with CheckQuorum, a server that heard from the leader
//! ignores RequestVote for the minimum election timeout after (leader
//! stickiness, §4.2.3). Every server that acknowledged a round heard the
//! leader after the round was sent, and any new leader needs the vote of at
//! least one of them. So no other leader can exist until the minimum
//! election timeout after the round was sent, as measured by the
//! followers' clocks. The leader measures on its own clock, so it must
//! shorten the lease by how far clocks can disagree: "the leader would use
//! the normal heartbeat mechanism to maintain a lease [...] it would extend
//! its lease to start + election timeout / clock drift bound".

use super::command::Key;
use super::node::RaftNode;
use super::output::{Output, UnsafeStep};
use super::read_index::{ReadPath, ServedBy};
use super::types::{ClientId, RequestId, Time};
use super::unsafe_switches::UnsafeSwitch;

/// Parts per million: the unit of clock drift.
pub const PPM: u64 = 1_000_000;

impl RaftNode {
    /// How long a lease lasts after the round that earned it was sent. If
    /// every clock runs within `d` of real time, a follower's timeout `m`
    /// lasts at least `m / (1 + d)` of real time and the leader counts it
    /// out in no more than `m (1 - d) / (1 + d)` of its own, which
    /// `m (1 - 2d)` never exceeds. The unsafe `LeaseIgnoresDrift` switch
    /// drops the margin.
    pub fn lease_duration(&self) -> Time {
        let min = self.config.timing.election_timeout_min;
        if self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::LeaseIgnoresDrift)
        {
            return min;
        }
        min - self.drift_margin()
    }

    /// What a lease gives up for clock drift: twice the drift bound's share
    /// of the election timeout (thesis §6.4.1).
    fn drift_margin(&self) -> Time {
        let min = self.config.timing.election_timeout_min;
        let drift = (2 * self.config.max_clock_drift_ppm).min(PPM);
        min * drift / PPM
    }

    /// With lease reads, every heartbeat also sends a round, so that the
    /// lease stays fresh without waiting for a read to renew it ("the
    /// leader would use the normal heartbeat mechanism to maintain a
    /// lease"). The rounds travel as their own messages, one more pair
    /// per follower and heartbeat.
    pub(super) fn renew_lease(&mut self, now: Time, out: &mut Output) {
        if self.leases_on() {
            self.send_read_round(now, out);
            self.confirm_rounds(out);
        }
    }

    /// Change the drift bound the lease allows for (the playground's
    /// setting). A lease earned under the old bound may be too long for
    /// the new one, so it ends: the next read runs a round, which earns a
    /// lease of the new length.
    pub fn set_drift_bound(&mut self, ppm: u64) {
        self.config.max_clock_drift_ppm = ppm;
        self.end_lease();
    }

    /// Gives up the lease held, if any: the next read runs a round.
    pub(super) fn end_lease(&mut self) {
        self.reads.lease_until = 0;
    }

    /// Lease reads with CheckQuorum: the leader answers reads from a lease
    /// that every server acknowledging it keeps (thesis §6.4.1).
    pub fn leases_on(&self) -> bool {
        self.config.reads == ReadPath::Lease && self.config.check_quorum
    }

    /// A round sent at `sent` was acknowledged by a majority.
    pub(super) fn extend_lease(&mut self, sent: Time, out: &mut Output) {
        let until = sent + self.lease_duration();
        let drift = UnsafeSwitch::LeaseIgnoresDrift;
        if until > self.reads.lease_until
            && self.leases_on()
            && self.config.unsafe_switches.is_on(drift)
            && self.drift_margin() > 0
        {
            // The lease runs past where the margin would have ended it:
            // a decision of the switch even if no read uses it, as a
            // server elected inside it shows (a page tester's story of
            // such a failure said no decision was recorded).
            out.unsafe_steps.push(UnsafeStep::of(drift));
        }
        self.reads.lease_until = self.reads.lease_until.max(until);
        if self.reads.handed_over && self.takes_requests() && self.lease_after_timeout_now() {
            // The rule holds no lease once TimeoutNow has gone out.
            let switch = UnsafeSwitch::LeaseAfterTimeoutNow;
            out.unsafe_steps.push(UnsafeStep::of(switch));
        }
    }

    /// Whether this server may answer a read now without a round: lease
    /// reads configured, CheckQuorum on (without stickiness nothing stops
    /// an election), no transfer under way and no TimeoutNow sent in this
    /// term (its election ignores stickiness), and the lease not run out.
    pub(super) fn lease_valid(&self, now: Time) -> bool {
        self.config.reads == ReadPath::Lease
            && self.config.check_quorum
            && self.takes_requests()
            && (!self.reads.handed_over || self.lease_after_timeout_now())
            && now < self.reads.lease_until
    }

    /// The unsafe switch that forgets a TimeoutNow sent in this term.
    fn lease_after_timeout_now(&self) -> bool {
        let switch = UnsafeSwitch::LeaseAfterTimeoutNow;
        self.leases_on() && self.config.unsafe_switches.is_on(switch)
    }

    /// Until when the lease runs, while this server leads and holds one.
    pub fn lease_until(&self, now: Time) -> Option<Time> {
        self.lease_valid(now).then_some(self.reads.lease_until)
    }

    /// Answers a client's read inside the lease; false if there is none,
    /// or the no-op of this term has not committed (the commit index may
    /// still lag what earlier leaders committed).
    pub(super) fn serve_by_lease(
        &mut self,
        now: Time,
        client: ClientId,
        request: RequestId,
        key: &Key,
        out: &mut Output,
    ) -> bool {
        if !self.lease_valid(now) {
            return false;
        }
        if !self.own_term_committed() || self.last_applied() < self.commit_index {
            return false;
        }
        let index = self.commit_index;
        let switch = UnsafeSwitch::LeaseIgnoresDrift;
        if self.config.unsafe_switches.is_on(switch)
            && now >= self.reads.lease_until.saturating_sub(self.drift_margin())
        {
            // A lease that gave up the margin would have run out by now.
            out.unsafe_steps.push(UnsafeStep {
                switch,
                peer: None,
                index: Some(index),
            });
        }
        self.answer_read(client, request, key, index, ServedBy::Lease, out);
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::raft::test_support::leased_leader_of_three;
    use crate::raft::{Message, Output, ReadPath, MILLIS};

    /// What the page's node panel and the simulator's lease check read:
    /// the end of the lease while it runs, and nothing once it has run out.
    /// (cargo-mutants: `lease_until` returning `None` passed every test.)
    #[test]
    fn lease_until_is_the_end_of_a_running_lease() {
        let mut node = leased_leader_of_three();
        let mut out = Output::default();
        node.tick(50 * MILLIS, &mut out);
        assert_eq!(
            node.lease_until(60 * MILLIS),
            None,
            "no round acknowledged yet"
        );
        let ack = Message::ReadHeartbeatReply { term: 1, round: 1 };
        node.step(60 * MILLIS, 2, ack, &mut out);
        let until = 50 * MILLIS + node.lease_duration();
        assert_eq!(node.lease_until(60 * MILLIS), Some(until));
        assert_eq!(node.lease_until(until - 1), Some(until));
        assert_eq!(node.lease_until(until), None, "run out");
    }

    /// A lease earned under other settings promises nothing: changing the
    /// read path or CheckQuorum, even there and back, ends it.
    #[test]
    fn changing_the_settings_ends_the_lease() {
        let leased = || {
            let mut node = leased_leader_of_three();
            let mut out = Output::default();
            node.tick(50 * MILLIS, &mut out);
            let ack = Message::ReadHeartbeatReply { term: 1, round: 1 };
            node.step(60 * MILLIS, 2, ack, &mut out);
            assert!(node.lease_until(70 * MILLIS).is_some());
            node
        };
        let mut node = leased();
        node.set_reads(ReadPath::ReadIndex);
        node.set_reads(ReadPath::Lease);
        assert_eq!(node.lease_until(70 * MILLIS), None);
        let mut node = leased();
        node.set_mechanisms(70 * MILLIS, false, false);
        node.set_mechanisms(70 * MILLIS, false, true);
        assert_eq!(node.lease_until(70 * MILLIS), None);
        let mut node = leased();
        node.set_reads(ReadPath::Lease);
        node.set_mechanisms(70 * MILLIS, true, true);
        assert!(node.lease_until(70 * MILLIS).is_some(), "no change, no end");
    }
}
