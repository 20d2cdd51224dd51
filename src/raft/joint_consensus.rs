//! Joint consensus (thesis §4.3, paper §6): any change of the voters at
//! once, such as replacing two servers, in two steps that never let two
//! disjoint majorities decide.
//!
//! 1. The new servers join as learners and catch up (§4.2.1), so the
//!    cluster does not wait on them once they count.
//! 2. The leader appends C_old,new: the new voters, with the old ones kept
//!    as `outgoing`. From then on every election and every commitment
//!    needs a majority of each.
//! 3. Once C_old,new is committed, the leader appends C_new. Servers left
//!    out are told when it commits (`membership_change.rs`), and a leader
//!    left out steps down then (§4.2.2).
//!
//! The plan (the target voters, the learners still catching up) is the
//! leader's alone: a new leader finishes a joint configuration it finds in
//! its log, but learners whose plan was lost are promoted one by one.

use super::config::MAX_MEMBERS;
use super::membership::Membership;
use super::membership_change::{insert, ChangeRefused};
use super::node::{RaftNode, Role};
use super::output::Output;
use super::types::{NodeId, Time};

/// Leader only: where a joint change is going, and which of its new
/// servers have not caught up yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointPlan {
    voters: Vec<NodeId>,
    waiting: Vec<NodeId>,
}

impl RaftNode {
    /// The first entry of a joint change that removes `remove` and adds
    /// `add`: the new servers as learners, or C_old,new at once when no
    /// server is new.
    pub(super) fn first_joint_step(
        &self,
        remove: &[NodeId],
        add: &[NodeId],
    ) -> Result<Membership, ChangeRefused> {
        let current = &self.membership;
        if let Some(&id) = remove.iter().find(|id| !current.voters.contains(id)) {
            return Err(ChangeRefused::NotMember(id));
        }
        if let Some(&id) = add.iter().find(|&&id| current.contains(id)) {
            return Err(ChangeRefused::AlreadyMember(id));
        }
        if current.servers().len() + add.len() > MAX_MEMBERS {
            return Err(ChangeRefused::Full);
        }
        let target = target_voters(current, remove, add);
        if target.is_empty() {
            return Err(ChangeRefused::LastVoter(remove[0]));
        }
        if add.is_empty() {
            return Ok(joint(current, target));
        }
        let mut next = current.clone();
        for &id in add {
            insert(&mut next.learners, id);
        }
        Ok(next)
    }

    /// After the first entry: remember where the change goes, until its
    /// new servers have caught up.
    pub(super) fn plan_joint(&mut self, remove: &[NodeId], add: &[NodeId]) {
        if !add.is_empty() {
            let voters = target_voters(&self.membership, remove, add);
            let waiting = add.to_vec();
            self.joint_plan = Some(JointPlan { voters, waiting });
        }
    }

    /// Does the planned joint change still wait for `learner`?
    pub(super) fn joint_waits_for(&self, learner: NodeId) -> bool {
        self.joint_plan
            .as_ref()
            .is_some_and(|plan| plan.waiting.contains(&learner))
    }

    /// `learner` has caught up: enter C_old,new if it was the last.
    pub(super) fn learner_ready_for_joint(&mut self, now: Time, learner: NodeId, out: &mut Output) {
        if let Some(plan) = &mut self.joint_plan {
            plan.waiting.retain(|&id| id != learner);
        }
        self.advance_joint(now, out);
    }

    /// Leader, with no change uncommitted: C_new once C_old,new is
    /// committed, or C_old,new once the plan's servers have caught up.
    pub(super) fn advance_joint(&mut self, now: Time, out: &mut Output) {
        if self.role != Role::Leader || self.membership_index > self.commit_index {
            return;
        }
        if self.membership.is_joint() {
            let new = Membership {
                outgoing: Vec::new(),
                ..self.membership.clone()
            };
            self.append_membership(now, new, out);
            return;
        }
        if self
            .joint_plan
            .as_ref()
            .is_some_and(|p| p.waiting.is_empty())
        {
            let plan = self.joint_plan.take().expect("checked above");
            let next = joint(&self.membership, plan.voters);
            self.append_membership(now, next, out);
        }
    }
}

/// The voters after the change.
fn target_voters(current: &Membership, remove: &[NodeId], add: &[NodeId]) -> Vec<NodeId> {
    let mut voters: Vec<NodeId> = current.voters.clone();
    voters.retain(|id| !remove.contains(id));
    for &id in add {
        insert(&mut voters, id);
    }
    voters
}

/// C_old,new: the new voters, the old as outgoing, learners not promoted
/// kept.
fn joint(current: &Membership, voters: Vec<NodeId>) -> Membership {
    let mut learners = current.learners.clone();
    learners.retain(|id| !voters.contains(id));
    Membership {
        outgoing: current.voters.clone(),
        voters,
        learners,
    }
}
