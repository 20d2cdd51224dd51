//! Leadership transfer (thesis §3.10): the leader hands over to a chosen
//! server, for maintenance or to move leadership nearer its clients.
//!
//! "The prior leader stops accepting new client requests", brings the
//! target's log up to date with its own, then sends it TimeoutNow; the
//! target starts an election at once, which its up-to-date log wins unless
//! something intervenes. "If the transfer does not complete within an
//! election timeout, the prior leader aborts the transfer and resumes
//! accepting client requests."

use super::message::Message;
use super::node::{RaftNode, Role};
use super::output::{Output, UnsafeStep};
use super::types::{NodeId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;

impl RaftNode {
    /// The leader starts handing over to `target`. Ignored unless this
    /// server leads and `target` is another member.
    pub fn transfer_leadership(&mut self, now: Time, target: NodeId, out: &mut Output) {
        let member = target != self.id && self.membership.is_voter(target);
        if self.role != Role::Leader || !member {
            return;
        }
        self.input(out, |node, out| {
            let abort_at = now + node.config.timing.election_timeout_max;
            node.transfer = Some((target, abort_at));
            // The target's election ignores leader stickiness, so no
            // lease may outlive the start of the hand-over.
            node.end_lease();
            node.advance_transfer(out);
        });
    }

    /// The server a leadership transfer hands over to, while one runs.
    pub fn transfer_target(&self) -> Option<NodeId> {
        self.transfer.map(|(target, _)| target)
    }

    /// TimeoutNow once the target holds every entry of the leader's log;
    /// until then, entries to catch it up.
    pub(super) fn advance_transfer(&mut self, out: &mut Output) {
        let Some((target, _)) = self.transfer else {
            return;
        };
        let caught_up = self
            .progress
            .get(&target)
            .is_some_and(|p| p.match_index == self.log().last_index());
        if caught_up {
            let term = self.current_term();
            // An aborted transfer does not end the target's election: a
            // late TimeoutNow, or its RequestVotes, may still win it, with
            // votes that stickiness does not hold back (`lease.rs`).
            self.reads.handed_over = true;
            self.send(target, Message::TimeoutNow { term }, out);
        } else {
            self.send_append(target, out);
        }
    }

    /// An election timeout after it began, a transfer that has not ended
    /// (by the leader stepping down) is given up.
    pub(super) fn abort_late_transfer(&mut self, now: Time, out: &mut Output) {
        if self.transfer.is_some_and(|(_, abort_at)| now >= abort_at) {
            self.transfer = None;
            if self.reads.handed_over && self.lease_valid(now) {
                // The rule holds no lease once TimeoutNow has gone out; the
                // switch lets the one running count again, from here: only
                // the switch makes a lease valid after a hand-over
                // (`lease.rs`).
                let switch = UnsafeSwitch::LeaseAfterTimeoutNow;
                out.unsafe_steps.push(UnsafeStep::of(switch));
            }
        }
    }

    /// TimeoutNow from the leader of this term: an election now, without a
    /// pre-vote (the leader itself asked for it).
    pub(super) fn handle_timeout_now(&mut self, now: Time, term: Term, out: &mut Output) {
        let voter = self.membership.is_voter(self.id);
        if term == self.current_term() && self.role != Role::Leader && voter {
            self.start_election_for(now, true, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::raft::test_support::{leader_of_three, leased_leader_of_three};
    use crate::raft::{Config, Message, Output, RaftNode, Rng, Time, MILLIS};

    /// A TimeoutNow of an earlier term starts no election: its election
    /// would ignore stickiness inside another leader's lease (thesis
    /// §3.10 and §6.4.1; etcd drops lower-term messages for this). A
    /// mutation that honoured it passed every sweep (a mutation tester,
    /// 2026-12-05).
    #[test]
    fn a_timeout_now_of_an_earlier_term_is_ignored() {
        let mut node = RaftNode::new(2, Config::cluster(3), Rng::new(2), 0);
        let mut out = Output::default();
        node.step(0, 3, Message::ReadHeartbeat { term: 3, round: 1 }, &mut out);
        node.persisted_now(0, &mut out);
        let mut out = Output::default();
        node.step(0, 1, Message::TimeoutNow { term: 2 }, &mut out);
        assert_eq!(
            (node.role(), node.current_term()),
            (crate::raft::Role::Follower, 3)
        );
        assert!(out.messages.is_empty() && out.after_persist.is_empty());
    }

    /// A transfer that sent TimeoutNow and was then given up leaves no
    /// lease for the rest of the term: the target's election ignores
    /// stickiness and may still win with votes of servers that acknowledge
    /// the leader's later rounds. The sweep `--faults all --disk-faults
    /// --reads lease --check-quorum --pre-vote --membership --snapshots 5
    /// --transfers` failed seed 470 on this: node 5 elected in term 50 from
    /// a TimeoutNow while node 6, its transfer aborted, held a lease of
    /// term 49 that node 9 had acknowledged just before voting for node 5.
    #[test]
    fn no_lease_after_a_timeout_now_in_the_same_term() {
        let mut node = leased_leader_of_three();
        let mut out = Output::default();
        let caught_up = Message::append_success(1, node.log().last_index());
        node.step(MILLIS, 3, caught_up, &mut out);
        node.transfer_leadership(2 * MILLIS, 3, &mut out);
        let timeout_now = |out: &Output| {
            out.messages
                .iter()
                .any(|e| e.to == 3 && matches!(e.message, Message::TimeoutNow { term: 1 }))
        };
        assert!(timeout_now(&out), "the target holds the whole log");
        // Past the abort: the leader takes requests again, and a round
        // goes out with its heartbeat.
        let later = 2 * MILLIS + node.config.timing.election_timeout_max;
        node.tick(later, &mut out);
        assert_eq!(node.transfer_target(), None, "given up");
        let round = out
            .messages
            .iter()
            .rev()
            .find_map(|e| match e.message {
                Message::ReadHeartbeat { round, .. } => Some(round),
                _ => None,
            })
            .expect("a round with the heartbeat");
        let ack = Message::ReadHeartbeatReply { term: 1, round };
        node.step(later + MILLIS, 2, ack, &mut out);
        assert_eq!(node.lease_until(later + 2 * MILLIS), None);
    }

    /// With `lease-after-timeout-now` on, a lease acknowledged during the
    /// transfer (after TimeoutNow went out) counts again once the transfer
    /// is given up: that moment is the switch's step, as the rule would
    /// hold no lease. Without the switch, or with the lease run out by
    /// then, giving up is no step.
    #[test]
    fn giving_a_transfer_up_with_a_lease_running_is_the_switchs_step() {
        use crate::raft::{UnsafeSwitch, UnsafeSwitches};
        let switch = UnsafeSwitch::LeaseAfterTimeoutNow;
        let run = |on: bool, ack_lead: Time| {
            let mut node = leased_leader_of_three();
            if on {
                node.config.unsafe_switches = UnsafeSwitches::none().with(switch);
            }
            let mut out = Output::default();
            let caught_up = Message::append_success(1, node.log().last_index());
            node.step(MILLIS, 3, caught_up, &mut out);
            node.transfer_leadership(2 * MILLIS, 3, &mut out);
            let abort = 2 * MILLIS + node.config.timing.election_timeout_max;
            // A heartbeat's round, acknowledged `ack_lead` before the abort.
            let round_at = abort - ack_lead - MILLIS;
            node.force_heartbeat(round_at, &mut out);
            let round = (out.messages.iter().rev())
                .find_map(|e| match e.message {
                    Message::ReadHeartbeat { round, .. } => Some(round),
                    _ => None,
                })
                .expect("a round with the heartbeat");
            let ack = Message::ReadHeartbeatReply { term: 1, round };
            node.step(abort - ack_lead, 2, ack, &mut out);
            out.unsafe_steps.clear();
            node.tick(abort, &mut out);
            assert_eq!(node.transfer_target(), None, "given up");
            let steps: Vec<UnsafeSwitch> = out.unsafe_steps.iter().map(|s| s.switch).collect();
            (steps, node.lease_until(abort).is_some())
        };
        assert_eq!(run(true, 10 * MILLIS), (vec![switch], true));
        assert_eq!(run(false, 10 * MILLIS), (vec![], false));
        let long_ago = run(true, 280 * MILLIS);
        assert_eq!(long_ago, (vec![], false), "the lease had run out");
    }

    /// Found by cargo-mutants: nothing pinned that only a leader hands over,
    /// and only to another member.
    #[test]
    fn only_a_leader_hands_over_and_only_to_another_member() {
        let mut follower = RaftNode::new(1, Config::cluster(3), Rng::new(1), 0);
        let mut out = Output::default();
        follower.transfer_leadership(0, 2, &mut out);
        assert_eq!(
            follower.transfer_target(),
            None,
            "a follower has nothing to hand over"
        );
        let mut leader = leader_of_three();
        for not_another_member in [1, 4, 0] {
            leader.transfer_leadership(0, not_another_member, &mut out);
            assert_eq!(leader.transfer_target(), None, "to {not_another_member}");
        }
        leader.transfer_leadership(0, 3, &mut out);
        assert_eq!(leader.transfer_target(), Some(3));
    }

    /// During a hand-over the leader takes no change of membership, as it
    /// takes no client request (§3.10): once TimeoutNow has gone out, the
    /// target would lack the entry (found by a review).
    #[test]
    fn no_membership_change_while_handing_over() {
        use crate::raft::{ChangeRefused, ConfigChange};
        let mut node = leader_of_three();
        let mut out = Output::default();
        node.persisted_now(0, &mut out);
        let last = node.log().last_index();
        node.step(MILLIS, 2, Message::append_success(1, last), &mut out);
        node.step(MILLIS, 3, Message::append_success(1, last), &mut out);
        assert_eq!(node.commit_index(), last, "the no-op is committed");
        let add = ConfigChange::AddLearner(4);
        assert!(
            node.check_proposal(&add).is_ok(),
            "taken before the hand-over"
        );
        node.transfer_leadership(2 * MILLIS, 3, &mut out);
        assert!(
            out.messages
                .iter()
                .any(|e| e.to == 3 && matches!(e.message, Message::TimeoutNow { .. })),
            "TimeoutNow went out"
        );
        let change = node.propose_change(3 * MILLIS, add, &mut out);
        assert_eq!(change, Err(ChangeRefused::HandingOver(3)));
        assert_eq!(node.log().last_index(), last, "nothing appended");
    }
}
