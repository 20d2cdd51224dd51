//! Adding and removing servers while the cluster runs (thesis chapter 4).
//!
//! A new server gets the next unused id: ids are never reused, so a
//! server's id names one disk and one history for the whole run. It starts
//! with no configuration, hears of the cluster from the leader's log, and
//! stays quiet until that log makes it a voter. A removed server keeps
//! running, as one an operator has not shut down yet: Raft must keep it
//! from disrupting the others (thesis §4.2.3).

use crate::raft::{ConfigChange, Membership, NodeId};
use crate::sim::action::Action;
use crate::sim::config::MAX_NODES;
use crate::sim::simulation::Simulation;

/// How many membership changes the leader took on in a run: what shows
/// that a sweep with `--membership` tested what it claims to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct MembershipChanges {
    /// Servers added (each as a learner, promoted by the leader later).
    pub added: u64,
    /// Servers removed, the leader included.
    pub removed: u64,
}

impl MembershipChanges {
    /// True when no change was made.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// How `replace_servers` changes the voters: the setting the page's
/// Membership box and the `replacement` action choose.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Replacement {
    /// Joint consensus (thesis §4.3): C_old,new, then C_new.
    #[default]
    Joint,
    /// Single-server changes (thesis §4.1): promote one, remove one, each
    /// once the last is committed.
    OneByOne,
}

impl Replacement {
    /// The name in scenario files: `joint` or `one_by_one`.
    pub fn name(self) -> &'static str {
        match self {
            Replacement::Joint => "joint",
            Replacement::OneByOne => "one_by_one",
        }
    }

    /// The core's change that replaces `remove` with `add` this way.
    pub fn change(self, remove: Vec<NodeId>, add: Vec<NodeId>) -> ConfigChange {
        match self {
            Replacement::Joint => ConfigChange::Replace { remove, add },
            Replacement::OneByOne => ConfigChange::ReplaceOneByOne { remove, add },
        }
    }
}

/// The most servers one configuration holds in the simulator (the
/// playground draws up to nine).
pub const MAX_CLUSTER: usize = 9;

impl Simulation {
    /// How many servers the run has created, removed ones included: ids
    /// are 1..=this.
    pub fn server_count(&self) -> u64 {
        self.servers.len() as u64
    }

    /// How many servers were added and removed so far.
    pub fn membership_changes(&self) -> MembershipChanges {
        self.membership_changes
    }

    /// The change an `AddServer` or `RemoveServer` asks the leader for, if
    /// it may make it now; a message saying why not otherwise.
    pub(super) fn validate_change(&self, action: &Action) -> Result<(), String> {
        let Some(leader) = self.leader() else {
            return Err("there is no leader to change the membership".into());
        };
        let node = &self.servers[leader as usize - 1].node;
        let first = self.server_count() + 1;
        let change = match *action {
            Action::AddServer => {
                self.check_room(node.membership(), 1)?;
                ConfigChange::AddLearner(first)
            }
            Action::RemoveServer(id) => ConfigChange::Remove(id),
            Action::ReplaceServers { ref remove, add } => {
                self.check_room(node.membership(), add)?;
                let added = (first..first + add).collect();
                self.config.replacement.change(remove.clone(), added)
            }
            _ => return Ok(()),
        };
        node.check_proposal(&change)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Whether `add` more servers fit: in the run's ids, and in a
    /// configuration of at most nine.
    pub fn check_room(&self, membership: &Membership, add: u64) -> Result<(), String> {
        // Written so that an absurd `add` cannot overflow.
        if add > MAX_NODES - self.server_count() {
            return Err(format!(
                "a run creates at most {MAX_NODES} servers: ids are never reused"
            ));
        }
        if membership.servers().len() as u64 + add > MAX_CLUSTER as u64 {
            return Err(format!("a cluster has at most {MAX_CLUSTER} servers"));
        }
        Ok(())
    }

    /// `count` brand new servers, with no configuration of their own: they
    /// learn the cluster's from the leader's log.
    fn start_joining_servers(&mut self, count: u64) -> Vec<NodeId> {
        let mut config = self.core_config();
        config.members.clear();
        let ids = (0..count)
            .map(|_| self.start_server(config.clone()))
            .collect();
        self.workload.set_nodes(self.server_count());
        self.membership_changes.added += count;
        ids
    }

    /// A new server, then the leader's change that adds it as a learner.
    pub(super) fn add_server(&mut self) {
        let Some(leader) = self.leader() else {
            return;
        };
        let id = self.start_joining_servers(1)[0];
        self.network.place_beside(&[id], leader);
        self.propose_change(leader, ConfigChange::AddLearner(id));
    }

    /// New servers, then the leader's change that swaps them for
    /// `remove`: joint (thesis §4.3) or one by one (§4.1), as set.
    pub(super) fn replace_servers(&mut self, remove: Vec<NodeId>, add: u64) {
        let Some(leader) = self.leader() else {
            return;
        };
        let added = self.start_joining_servers(add);
        self.network.place_beside(&added, leader);
        self.membership_changes.removed += remove.len() as u64;
        let change = self.config.replacement.change(remove, added);
        self.propose_change(leader, change);
    }

    /// The leader's change that removes `id`.
    pub(super) fn remove_server(&mut self, id: NodeId) {
        if let Some(leader) = self.leader() {
            self.propose_change(leader, ConfigChange::Remove(id));
            self.membership_changes.removed += 1;
        }
    }

    fn propose_change(&mut self, leader: NodeId, change: ConfigChange) {
        self.input(leader, |node, now, out| {
            // Checked just before by `validate_change`.
            let _ = node.propose_change(now, change, out);
        });
    }
}
