//! The nemesis's turns in the world (its choices are in `nemesis`), and the
//! end of the fault phase before liveness is checked.

use crate::raft::NodeId;
use crate::sim::action::Action;
use crate::sim::nemesis::{ClusterView, Nemesis};
use crate::sim::simulation::{EventKind, Simulation};

impl Simulation {
    pub(super) fn nemesis_strikes(&mut self) {
        if !self.nemesis.config.enabled {
            return;
        }
        let action = self.with_cluster_view(|nemesis, view| nemesis.next_action(view));
        if !self.fires_a_timer_early(&action) {
            self.act_for_nemesis(action);
        }
        let next = self.nemesis.next_interval();
        self.push(self.now + next, EventKind::Nemesis);
    }

    /// The nemesis's change asked of a leader just elected (refused, as
    /// any change, if it may not make it yet).
    pub(super) fn change_after_election(&mut self) {
        if !self.nemesis.config.enabled {
            return;
        }
        let action = self.with_cluster_view(|nemesis, view| nemesis.election_change(view));
        self.act_for_nemesis(action);
    }

    /// Whether `action` fires the election timer of a server that, under
    /// lease reads, cannot time out yet: it heard from a leader within the
    /// minimum election timeout (§5.2), and the leader's lease counts on
    /// that (thesis §6.4.1). Firing it anyway is a clock fault beyond the
    /// drift bound, and the nemesis keeps clocks within the bound; a person
    /// may still do it ("Time out" in the page says what it risks).
    fn fires_a_timer_early(&self, action: &Action) -> bool {
        let Action::ForceTimeout(id) = *action else {
            return false;
        };
        let Some(server) = self.server(id) else {
            return false;
        };
        server.node.leases_on() && !server.node.may_time_out(self.node_time(id))
    }

    /// Does the nemesis's `action`, and logs it if it took effect (a
    /// refused action changes nothing, and is refused again in a replay).
    pub(super) fn act_for_nemesis(&mut self, action: Action) {
        if !self.nemesis.config.replayable {
            let _ = self.act(action);
        } else if self.act(action.clone()).is_ok() {
            self.nemesis.log(self.now, &action);
        }
    }

    /// The nemesis, and what it did when its run is replayable.
    pub fn nemesis(&self) -> &Nemesis {
        &self.nemesis
    }

    /// What the nemesis sees of the cluster, handed to `pick` with the
    /// nemesis itself.
    pub(super) fn with_cluster_view<T>(
        &mut self,
        pick: impl FnOnce(&mut Nemesis, &ClusterView) -> T,
    ) -> T {
        let nodes: Vec<NodeId> = (1..=self.server_count()).collect();
        let stopped: Vec<NodeId> = self
            .servers
            .iter()
            .filter(|s| !s.up)
            .map(|s| s.node.id())
            .collect();
        let leader = self.leader();
        let members = leader.map_or(Vec::new(), |l| {
            self.servers[l as usize - 1].node.membership().servers()
        });
        let may_add = self.server_count() < crate::sim::config::MAX_NODES
            && members.len() < crate::sim::membership::MAX_CLUSTER;
        let view = ClusterView {
            nodes: &nodes,
            members: &members,
            may_add,
            stopped: &stopped,
            leader,
            partitioned: self.network.is_partitioned(),
            cuts: self.network.cuts().len(),
            oldest_in_flight: self.network.in_flight().next().map(|m| m.id),
            clock_drift_ppm: self.config.reads.clock_drift_ppm,
        };
        pick(&mut self.nemesis, &view)
    }

    /// Ends the fault phase: no more faults or new client operations, every
    /// server resumed, the network healed and reliable (no loss, no
    /// duplication, no latency tail). Used before checking liveness.
    pub fn heal_everything(&mut self) {
        self.nemesis.config.enabled = false;
        self.workload.stopped = true;
        self.network.end_latency_tail();
        let mut network = self.network.config;
        network.loss = 0.0;
        network.duplication = 0.0;
        for action in [Action::ResumeAll, Action::Heal, Action::SetNetwork(network)] {
            let _ = self.act(action);
        }
    }
}
