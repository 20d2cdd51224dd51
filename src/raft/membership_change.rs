//! Changing the membership one server at a time (thesis §4.1-4.2).
//!
//! A change is a log entry holding the whole new configuration, and every
//! server uses it as soon as it is in its log (§4.1). Adding or removing one
//! voter at a time keeps every majority of the old configuration
//! overlapping every majority of the new, so no two leaders can be elected
//! in one term by the two. That holds only with two rules:
//! * one change at a time: the next waits until the last is committed;
//! * a new leader changes nothing until an entry of its own term is
//!   committed. Without this rule (added after the dissertation), a leader
//!   whose log lacks an uncommitted change of an earlier leader can commit
//!   a change of its own, and the two changes, each one server from the
//!   configuration they started from, can differ by two.
//!
//! A new server joins as a learner and is promoted once it has caught up
//! (§4.2.1); a leader removed from the configuration steps down once the
//! change is committed (§4.2.2).

use super::command::Payload;
use super::config::MAX_MEMBERS;
use super::log::Entry;
use super::membership::Membership;
use super::message::Message;
use super::node::{RaftNode, Role};
use super::output::{Output, UnsafeStep};
use super::progress::Progress;
use super::types::{LogIndex, NodeId, Time};
use super::unsafe_switches::UnsafeSwitch;
use std::fmt;
use std::rc::Rc;

/// One change of the membership.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigChange {
    /// A new server receives the log without a vote (§4.2.1). The leader
    /// promotes it on its own once it has caught up.
    AddLearner(NodeId),
    /// A learner becomes a voter.
    Promote(NodeId),
    /// A voter or learner leaves the cluster.
    Remove(NodeId),
    /// Any change of the voters at once, through joint consensus (thesis
    /// §4.3, `joint_consensus.rs`): the new servers join as learners, and
    /// once they have caught up the cluster moves to C_old,new, then C_new.
    Replace {
        /// Voters that leave.
        remove: Vec<NodeId>,
        /// New servers that become voters.
        add: Vec<NodeId>,
    },
    /// The same change as `Replace`, made of single-server changes (thesis
    /// §4.1): the new servers join as learners, then, once they have
    /// caught up, the leader promotes one and removes one in turn, each
    /// change once the last is committed, itself last. Every step is safe
    /// alone; the intermediate configurations are what joint consensus
    /// avoids (an even-sized cluster on the way, more changes to commit).
    ReplaceOneByOne {
        /// Voters that leave.
        remove: Vec<NodeId>,
        /// New servers that become voters.
        add: Vec<NodeId>,
    },
}

/// Why a leader refused a change; nothing was appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeRefused {
    /// Only a leader changes the membership.
    NotLeader,
    /// The change at this index is not committed yet (one at a time).
    ChangePending(LogIndex),
    /// No entry of the leader's own term is committed yet.
    OwnTermNotCommitted,
    /// The server is in the configuration already.
    AlreadyMember(NodeId),
    /// The server is not in the configuration.
    NotMember(NodeId),
    /// Only a learner can be promoted.
    NotALearner(NodeId),
    /// The cluster would have no voter left.
    LastVoter(NodeId),
    /// The configuration holds as many servers as a server can track.
    Full,
    /// The leader is handing leadership over to this server (§3.10).
    HandingOver(NodeId),
}

impl fmt::Display for ChangeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeRefused::NotLeader => write!(f, "only the leader changes the membership"),
            ChangeRefused::ChangePending(index) => {
                write!(f, "the change at index {index} is not committed yet")
            }
            ChangeRefused::OwnTermNotCommitted => {
                write!(
                    f,
                    "the new leader has not committed an entry of its term yet"
                )
            }
            ChangeRefused::AlreadyMember(id) => write!(f, "n{id} is in the cluster already"),
            ChangeRefused::NotMember(id) => write!(f, "n{id} is not in the cluster"),
            ChangeRefused::NotALearner(id) => write!(f, "n{id} is not a learner"),
            ChangeRefused::LastVoter(id) => write!(f, "n{id} is the last voter"),
            ChangeRefused::Full => write!(f, "the cluster has {MAX_MEMBERS} servers"),
            ChangeRefused::HandingOver(to) => write!(
                f,
                "the leader is handing leadership over to n{to}: it takes no change until that ends"
            ),
        }
    }
}

/// A learner's current round of replication (§4.2.1): the leader's last
/// index when the round began, and when it began. A round that ends within
/// an election timeout shows the learner keeps up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchUp {
    round_end: LogIndex,
    started: Time,
}

impl RaftNode {
    /// As leader, append the configuration that `change` makes of the one in
    /// use, and start replicating it. Returns the entry's index.
    pub fn propose_change(
        &mut self,
        now: Time,
        change: ConfigChange,
        out: &mut Output,
    ) -> Result<LogIndex, ChangeRefused> {
        let next = self.check_proposal(&change)?;
        let mut index = 0;
        self.input(out, |node, out| {
            index = node.append_membership(now, next, out);
            match change {
                ConfigChange::Replace { remove, add } => node.plan_joint(&remove, &add, false),
                ConfigChange::ReplaceOneByOne { remove, add } => {
                    node.plan_joint(&remove, &add, true)
                }
                _ => {}
            }
        });
        Ok(index)
    }

    /// The configuration after `change`, if this server, as leader, takes
    /// it as a new request now; changes nothing. A leader handing over
    /// takes no new request (thesis §3.10): the target would lack the
    /// entry. A change already under way goes on ([`RaftNode::check_change`]):
    /// its next step may still be appended during a hand-over, which can
    /// only delay the target's election (it may lack the step), never make
    /// it unsafe.
    pub fn check_proposal(&self, change: &ConfigChange) -> Result<Membership, ChangeRefused> {
        if let (Role::Leader, Some(to)) = (self.role, self.transfer_target()) {
            return Err(ChangeRefused::HandingOver(to));
        }
        self.check_change(change)
    }

    /// The configuration after `change`, if this server, as leader, may
    /// make it now; changes nothing.
    pub fn check_change(&self, change: &ConfigChange) -> Result<Membership, ChangeRefused> {
        let switches = self.config.unsafe_switches;
        if self.role != Role::Leader {
            return Err(ChangeRefused::NotLeader);
        }
        if self.membership_index > self.commit_index
            && !switches.is_on(UnsafeSwitch::TwoChangesAtOnce)
        {
            return Err(ChangeRefused::ChangePending(self.membership_index));
        }
        if !self.own_term_committed() && !switches.is_on(UnsafeSwitch::ConfigChangeWithoutNoop) {
            return Err(ChangeRefused::OwnTermNotCommitted);
        }
        if self.membership.is_joint() {
            return Err(ChangeRefused::ChangePending(self.membership_index));
        }
        let mut next = self.membership.clone();
        match *change {
            ConfigChange::AddLearner(id) if next.contains(id) => {
                return Err(ChangeRefused::AlreadyMember(id))
            }
            ConfigChange::AddLearner(_) if next.servers().len() >= MAX_MEMBERS => {
                return Err(ChangeRefused::Full)
            }
            ConfigChange::AddLearner(id) => insert(&mut next.learners, id),
            ConfigChange::Promote(id) if !next.is_learner(id) => {
                return Err(ChangeRefused::NotALearner(id))
            }
            ConfigChange::Promote(id) => {
                next.learners.retain(|&l| l != id);
                insert(&mut next.voters, id);
            }
            ConfigChange::Remove(id) if !next.contains(id) => {
                return Err(ChangeRefused::NotMember(id))
            }
            ConfigChange::Remove(id) if next.voters == [id] => {
                return Err(ChangeRefused::LastVoter(id))
            }
            ConfigChange::Remove(id) => {
                next.voters.retain(|&v| v != id);
                next.learners.retain(|&l| l != id);
            }
            ConfigChange::Replace {
                ref remove,
                ref add,
            } => return self.first_joint_step(remove, add, false),
            ConfigChange::ReplaceOneByOne {
                ref remove,
                ref add,
            } => return self.first_joint_step(remove, add, true),
        }
        Ok(next)
    }

    pub(super) fn append_membership(
        &mut self,
        now: Time,
        next: Membership,
        out: &mut Output,
    ) -> LogIndex {
        let steps = [
            (
                UnsafeSwitch::TwoChangesAtOnce,
                self.membership_index > self.commit_index,
            ),
            (
                UnsafeSwitch::ConfigChangeWithoutNoop,
                !self.own_term_committed(),
            ),
        ];
        let entry = Entry {
            term: self.current_term(),
            payload: Payload::Config(Rc::new(next)),
        };
        let index = self.append_to_log(entry, out);
        // Only these switches let a change through here (thesis §4.1).
        let switches = self.config.unsafe_switches;
        let steps = steps
            .into_iter()
            .filter(|&(s, broken)| broken && switches.is_on(s));
        for (switch, _) in steps {
            out.unsafe_steps.push(UnsafeStep {
                switch,
                peer: None,
                index: Some(index),
            });
        }
        self.start_catch_up(now);
        self.send_append_to_all(out);
        index
    }

    /// Use the latest configuration in the log, else the starting one: at
    /// start, after a restart and when a truncation removed the entry in use.
    pub(super) fn refresh_membership(&mut self) {
        let (index, membership) = self.membership_at(self.log().last_index());
        self.adopt_membership(index, &membership);
    }

    /// Use `membership`, held at `index` (0: the starting one). A leader
    /// starts replicating to new servers and stops for removed ones.
    pub(super) fn adopt_membership(&mut self, index: LogIndex, membership: &Membership) {
        self.membership = membership.clone();
        self.membership_index = index;
        self.peers = membership.servers();
        self.peers.retain(|&p| p != self.id);
        if self.role != Role::Leader {
            return;
        }
        let last = self.log().last_index();
        for &peer in &self.peers {
            if !self.progress.contains_key(&peer) {
                self.progress.insert(peer, Progress::new(last));
            }
        }
        let gone = self.progress.keys().copied();
        self.leaving = gone.filter(|p| !membership.contains(*p)).collect();
        for peer in &self.leaving {
            self.catch_up.remove(peer);
        }
    }

    /// Leader, once its latest change is committed: a last AppendEntries
    /// tells each removed server so (its commit index passes its removal),
    /// and the leader stops replicating to it.
    fn release_leaving(&mut self, out: &mut Output) {
        for peer in std::mem::take(&mut self.leaving) {
            self.send_append(peer, out);
            self.progress.remove(&peer);
        }
    }

    /// After a truncation: if it removed the configuration in use, fall
    /// back to the latest one left (§4.1: the configuration is the latest
    /// in the log, committed or not).
    pub(super) fn membership_truncated(&mut self, from: LogIndex) {
        if self.membership_index >= from {
            self.refresh_membership();
        }
    }

    /// Whether this server starts elections. A voter does. A learner, or a
    /// server not yet told it joined, stays quiet, and so does one whose
    /// removal it knows is committed: it would only disrupt (thesis
    /// §4.2.3). A server removed by a change it cannot know committed
    /// still stands, counting only the new configuration's votes: it may
    /// be the leader that appended its own removal and crashed, whose
    /// longer log the remaining servers need. Found by a sweep (seed 561,
    /// 5 servers): with it quiet, the others waited forever for its vote.
    pub fn may_stand(&self) -> bool {
        let removal_uncommitted = self.commit_index < self.membership_index;
        self.membership.is_voter(self.id)
            || removal_uncommitted && !self.membership.is_learner(self.id)
    }

    /// A vote or pre-vote request from a server that does not vote in this
    /// server's configuration, once that configuration is committed, is
    /// ignored, its term included, while this server knows of a live
    /// leader: thesis §4.2.3's rule ("if a server
    /// receives a RequestVote request within the minimum election timeout
    /// of hearing from a current leader, it does not update its term or
    /// grant its vote"), kept for outsiders even with CheckQuorum off, as
    /// hashicorp/raft ignores them ("rejecting vote request since node is
    /// not in configuration"). A server removed while cut off never hears
    /// of its removal (the leader stops sending to it), so it times out
    /// again and again with ever higher terms; without this each of its
    /// requests deposed the leader of the servers that removed it. With no
    /// live leader, or before the change commits, it is heard: it may be
    /// the removed leader whose log the others need (`may_stand`), or the
    /// change may yet be undone. (Without those two conditions, 13 of 3,000
    /// membership seeds never elected a leader again.) Ignoring a message
    /// is always safe: it might have been lost.
    pub(super) fn ignores_outsider(&self, now: Time, from: NodeId, message: &Message) -> bool {
        matches!(
            message,
            Message::RequestVote { .. } | Message::PreVote { .. }
        ) && !self.membership.is_voter(from)
            && self.commit_index >= self.membership_index
            && self.hears_from_leader(now)
    }

    /// Leader, as its commit index moves: once its latest change is
    /// committed, removed servers are told and let go, and a leader not in
    /// the configuration steps down (§4.2.2).
    pub(super) fn change_committed(&mut self, now: Time, out: &mut Output) {
        if self.role != Role::Leader || self.commit_index < self.membership_index {
            return;
        }
        self.release_leaving(out);
        if !self.membership.is_voter(self.id) {
            let term = self.current_term();
            return self.become_follower(now, term, None);
        }
        self.advance_joint(now, out);
    }

    /// Leader: a round of replication starts for every learner not yet in
    /// one (on taking office, and when a learner is added).
    pub(super) fn start_catch_up(&mut self, now: Time) {
        let round_end = self.log().last_index();
        for &id in &self.membership.learners {
            if !self.catch_up.contains_key(&id) {
                let round = CatchUp {
                    round_end,
                    started: now,
                };
                self.catch_up.insert(id, round);
            }
        }
    }

    /// Leader: `learner` acknowledged up to `match_index`. A round that ended
    /// within an election timeout means the learner keeps up, and it is
    /// promoted as soon as a change may start; a slower one starts another
    /// round (§4.2.1).
    pub(super) fn advance_catch_up(&mut self, now: Time, learner: NodeId, out: &mut Output) {
        let Some(round) = self.catch_up.get(&learner).copied() else {
            return;
        };
        if self.progress.get(&learner).map_or(0, |p| p.match_index) < round.round_end {
            return;
        }
        let quick = now - round.started <= self.config.timing.election_timeout_min;
        if !quick {
            let round_end = self.log().last_index();
            self.catch_up.insert(
                learner,
                CatchUp {
                    round_end,
                    started: now,
                },
            );
            return;
        }
        self.catch_up.remove(&learner);
        if self.joint_waits_for(learner) {
            return self.learner_ready_for_joint(now, learner, out);
        }
        match self.check_change(&ConfigChange::Promote(learner)) {
            Ok(next) => drop(self.append_membership(now, next, out)),
            // Tried again at its next acknowledgement.
            Err(_) => drop(self.catch_up.insert(learner, round)),
        }
    }
}

pub(super) fn insert(ids: &mut Vec<NodeId>, id: NodeId) {
    if let Err(at) = ids.binary_search(&id) {
        ids.insert(at, id);
    }
}

#[cfg(test)]
impl RaftNode {
    /// For the checker's negative tests only: a server that uses
    /// `membership` as the configuration of `index`, whatever its log says.
    pub(crate) fn use_membership_regardless(&mut self, index: LogIndex, membership: Membership) {
        self.membership = membership;
        self.membership_index = index;
    }
}
