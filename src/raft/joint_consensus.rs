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
//!
//! The same plan, one by one (`ConfigChange::ReplaceOneByOne`), replaces
//! step 2 and 3 with single-server changes (§4.1): promote one new server,
//! remove one old one, and so on, each once the last is committed, the
//! leader's own removal last. A new leader that takes over midway does not
//! go on with it.

use super::config::MAX_MEMBERS;
use super::membership::Membership;
use super::membership_change::{insert, ChangeRefused, ConfigChange};
use super::node::{RaftNode, Role};
use super::output::Output;
use super::types::{NodeId, Time};

/// Leader only: where a joint change is going, and which of its new
/// servers have not caught up yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointPlan {
    voters: Vec<NodeId>,
    waiting: Vec<NodeId>,
    /// By single-server changes instead of C_old,new: the servers to
    /// promote and to remove, in order.
    one_by_one: Option<(Vec<NodeId>, Vec<NodeId>)>,
}

impl RaftNode {
    /// The first entry of a joint change that removes `remove` and adds
    /// `add`: the new servers as learners, or C_old,new at once when no
    /// server is new.
    pub(super) fn first_joint_step(
        &self,
        remove: &[NodeId],
        add: &[NodeId],
        one_by_one: bool,
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
        if add.is_empty() && one_by_one {
            let removals = self.removal_order(remove);
            let step = single_step(current, &[], &removals).expect("a removal");
            return self.check_change(&step);
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
    pub(super) fn plan_joint(&mut self, remove: &[NodeId], add: &[NodeId], one_by_one: bool) {
        if add.is_empty() && !one_by_one {
            return; // C_old,new is in the log already
        }
        let voters = target_voters(&self.membership, remove, add);
        let waiting = add.to_vec();
        let one_by_one = one_by_one.then(|| (add.to_vec(), self.removal_order(remove)));
        self.joint_plan = Some(JointPlan {
            voters,
            waiting,
            one_by_one,
        });
    }

    /// The servers to remove, this leader last: once its own removal
    /// commits it steps down (§4.2.2), and the plan is its alone.
    fn removal_order(&self, remove: &[NodeId]) -> Vec<NodeId> {
        let mut order: Vec<NodeId> = remove.iter().copied().filter(|&id| id != self.id).collect();
        order.extend(remove.iter().copied().filter(|&id| id == self.id));
        order
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
        let Some(plan) = self.joint_plan.take_if(|p| p.waiting.is_empty()) else {
            return;
        };
        let Some((promote, remove)) = &plan.one_by_one else {
            let next = joint(&self.membership, plan.voters);
            self.append_membership(now, next, out);
            return;
        };
        let Some(step) = single_step(&self.membership, promote, remove) else {
            return; // done
        };
        match self.check_change(&step) {
            Ok(next) => drop(self.append_membership(now, next, out)),
            Err(_) => return, // the step cannot be made: the plan ends
        }
        self.joint_plan = Some(plan);
    }
}

/// The next single-server change of a one-by-one replacement: promote a
/// new server while no more have been promoted than removed, else remove
/// the next old one, else promote what is left; `None` when done.
fn single_step(
    current: &Membership,
    promote: &[NodeId],
    remove: &[NodeId],
) -> Option<ConfigChange> {
    let promoted = promote
        .iter()
        .filter(|&&id| current.voters.contains(&id))
        .count();
    let removed = remove.iter().filter(|&&id| !current.contains(id)).count();
    let next_promotion = promote.iter().find(|&&id| current.is_learner(id));
    let next_removal = remove.iter().find(|&&id| current.contains(id));
    match (next_promotion, next_removal) {
        (Some(&id), _) if promoted <= removed => Some(ConfigChange::Promote(id)),
        (_, Some(&id)) => Some(ConfigChange::Remove(id)),
        (Some(&id), None) => Some(ConfigChange::Promote(id)),
        (None, None) => None,
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
