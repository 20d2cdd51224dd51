//! How each [`Action`] changes the simulation. Faults from the nemesis,
//! scenario steps and clicks in the UI all arrive here.

use crate::raft::vec_map::VecSet;
use crate::raft::{NodeId, RaftNode, Role};
use crate::sim::action::Action;
use crate::sim::clocks::MAX_DRIFT_PPM;
use crate::sim::config::MAX_SNAPSHOT_THRESHOLD;
use crate::sim::network::DropReason;
use crate::sim::simulation::{node_stream, EventKind, Simulation};
use crate::sim::trace::TraceEvent;

impl Simulation {
    /// Checks an action against this cluster without doing it.
    pub fn validate_action(&self, action: &Action) -> Result<(), String> {
        self.validate_action_among(action, self.server_count())
    }

    /// As [`Simulation::validate_action`], in a cluster that will have
    /// created `n` servers by the time the action runs (a scenario's
    /// actions after an `AddServer` may name the server it adds).
    pub fn validate_action_among(&self, action: &Action, n: u64) -> Result<(), String> {
        if let Some((_, bad)) = action.unknown_node(n) {
            return Err(format!("there is no node {bad}: nodes are 1 to {n}"));
        }
        match action {
            Action::CutLink { from, to } | Action::RestoreLink { from, to } if from == to => Err(
                format!("a link joins two different nodes, got {from}->{to}"),
            ),
            Action::Partition(groups) => match twice_in(groups.iter().flatten()) {
                Some(id) => Err(format!(
                    "node {id} is named twice in the partition: a server is on one side"
                )),
                None => Ok(()),
            },
            Action::ReachOnly { node, peers } if peers.contains(node) => Err(format!(
                "node {node} cannot be one of its own peers in reach_only"
            )),
            Action::SetNetwork(network) => {
                let mut config = self.config.clone();
                config.network = *network;
                config.validate()
            }
            Action::SetClockRate { ppm, .. } if ppm.abs() > MAX_DRIFT_PPM => Err(format!(
                "a clock runs at most {MAX_DRIFT_PPM} ppm (±50%) off real time, got {ppm}"
            )),
            Action::SetSnapshots(Some(every)) if !(1..=MAX_SNAPSHOT_THRESHOLD).contains(every) => {
                Err(format!(
                    "a snapshot threshold must be 1 to {MAX_SNAPSHOT_THRESHOLD} entries, got {every}"
                ))
            }
            Action::SetDriftBound(ppm) if *ppm > MAX_DRIFT_PPM as u64 => Err(format!(
                "the drift bound is 0 to {MAX_DRIFT_PPM} ppm (±50%), got {ppm}"
            )),
            _ => Ok(()),
        }
    }

    /// Whether [`Simulation::act`] would take `action` now, and if not why,
    /// short of a message no longer in flight.
    pub fn check_now(&self, action: &Action) -> Result<(), String> {
        self.validate_action(action)?;
        self.validate_moment(action)
    }

    /// Does `action` now. Errors (an unknown node, a message no longer in
    /// flight) change nothing.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        self.check_now(&action)?;
        if let Action::DropMessage(id) = action {
            if self.network.drop_message(id).is_none() {
                return Err(format!("message {id} is not in flight"));
            }
            self.trace.record(
                self.now,
                TraceEvent::Drop {
                    id,
                    reason: DropReason::ByHand,
                },
            );
            return Ok(());
        }
        if let Action::DeliverMessage(id) | Action::DuplicateMessage(id) = action {
            if self.network.get(id).is_none() {
                return Err(format!("message {id} is not in flight"));
            }
        }
        let description = action.to_string();
        self.trace
            .record(self.now, TraceEvent::Action { description });
        match action {
            Action::Stop(id) => self.stop(id),
            Action::Resume(id) => self.resume(id),
            Action::ResumeAll => {
                for id in 1..=self.server_count() {
                    self.resume(id);
                }
            }
            Action::Restart(id) => self.restart(id),
            Action::ForceTimeout(id) => self.force_timeout(id),
            Action::Partition(groups) => {
                let all: Vec<NodeId> = (1..=self.server_count()).collect();
                self.network.partition(&groups, &all);
                self.release_held();
            }
            Action::Heal => {
                self.network.heal();
                self.release_held();
            }
            Action::CutLink { from, to } => self.network.cut(from, to),
            Action::RestoreLink { from, to } => {
                self.network.restore(from, to);
                self.release_held();
            }
            Action::DropMessage(_) => unreachable!("handled above"),
            Action::ClientRequest { to, op } => {
                let (command, target) = self.workload.issue_user(self.now, op, to);
                self.start_request(command, target);
            }
            Action::ClientRead { to, key, path } => {
                let op = crate::raft::Op::Read { key };
                let (command, target) = self.workload.issue_user(self.now, op, to);
                self.read_paths.insert(command.client, path);
                self.start_request(command, target);
            }
            Action::SetNetwork(network) => self.network.config = network,
            Action::AlignTimers => self.align_timers(),
            Action::SpreadTimers => self.spread_timers(),
            Action::Deafen(id) => {
                for from in (1..=self.server_count()).filter(|&n| n != id) {
                    self.network.cut(from, id);
                }
            }
            Action::SetRaft(options) => self.set_raft(options),
            Action::SetReads(path) => {
                self.config.reads.path = path;
                for id in 1..=self.server_count() {
                    self.server_mut(id).node.set_reads(path);
                }
            }
            Action::SetDriftBound(ppm) => {
                self.config.reads.clock_drift_ppm = ppm;
                for id in 1..=self.server_count() {
                    self.server_mut(id).node.set_drift_bound(ppm);
                }
            }
            Action::SetClockRate { node, ppm } => {
                let now = self.now;
                self.clocks.of_mut(node).set_rate(now, ppm);
                self.rearm_timer(node);
            }
            Action::TransferLeadership(target) => self.transfer_leadership(target),
            Action::AddServer => self.add_server(),
            Action::RemoveServer(id) => self.remove_server(id),
            Action::ReplaceServers { remove, add } => self.replace_servers(remove, add),
            Action::SetReplacement(by) => self.config.replacement = by,
            Action::SetSnapshots(every) => {
                self.config.snapshot_threshold = every;
                for id in 1..=self.server_count() {
                    self.server_mut(id).node.set_snapshot_threshold(every);
                }
            }
            Action::DeliverMessage(id) => self.deliver(id),
            Action::DuplicateMessage(id) => self.deliver_copy(id),
            Action::Heartbeat(id) => {
                if self.server_mut(id).up {
                    self.input(id, |node, now, out| node.force_heartbeat(now, out));
                }
            }
            Action::SyncDisk(id) => self.sync_disk_early(id),
            Action::ReachOnly { node, peers } => {
                let others = (1..=self.server_count()).filter(|n| *n != node && !peers.contains(n));
                for other in others.collect::<Vec<_>>() {
                    self.network.cut(node, other);
                    self.network.cut(other, node);
                }
            }
        }
        Ok(())
    }

    fn stop(&mut self, id: NodeId) {
        let server = self.server_mut(id);
        server.up = false;
        server.timer_at = None;
        self.record_state(id);
    }

    fn resume(&mut self, id: NodeId) {
        if self.server_mut(id).up {
            return;
        }
        self.server_mut(id).up = true;
        self.record_state(id);
        self.read_inbox(id);
        self.rearm_timer(id);
        self.release_on_resume(id);
    }

    /// Checks what depends on the moment, not only on the cluster: done
    /// when the action is taken live (`act_now`, so the person hears why)
    /// and again when it runs (`act`, so a scenario replays the same
    /// refusal at the same moment).
    pub(super) fn validate_moment(&self, action: &Action) -> Result<(), String> {
        match *action {
            Action::TransferLeadership(target) => self.validate_transfer(target),
            Action::AddServer | Action::RemoveServer(_) | Action::ReplaceServers { .. } => {
                self.validate_change(action)
            }
            _ => Ok(()),
        }
    }

    /// A transfer needs a leader, and a running target other than it.
    fn validate_transfer(&self, target: NodeId) -> Result<(), String> {
        let Some(leader) = self.leader() else {
            return Err("there is no leader to transfer leadership from".into());
        };
        if target == leader {
            return Err(format!("node {target} is already the leader"));
        }
        if self.server(target).is_some_and(|s| !s.up) {
            return Err(format!("node {target} is stopped: it cannot take over"));
        }
        let membership = self.servers[leader as usize - 1].node.membership();
        if !membership.is_voter(target) {
            return Err(format!("node {target} is not a voter: it cannot take over"));
        }
        Ok(())
    }

    /// The leader starts handing over to `target` (thesis §3.10).
    fn transfer_leadership(&mut self, target: NodeId) {
        let Some(leader) = self.leader() else {
            return;
        };
        self.input(leader, |node, now, out| {
            node.transfer_leadership(now, target, out)
        });
    }

    /// PreVote and CheckQuorum on or off in every server, and in every
    /// server restarted later.
    fn set_raft(&mut self, options: crate::sim::config::RaftOptions) {
        self.config.raft = options;
        for id in 1..=self.server_count() {
            let now = self.node_time(id);
            let node = &mut self.server_mut(id).node;
            node.set_mechanisms(now, options.pre_vote, options.check_quorum);
            self.rearm_timer(id);
        }
    }

    /// Links that heal deliver what a partition held on them, in a burst
    /// (`held_links`). Nothing is held unless partitions hold messages.
    fn release_held(&mut self) {
        for sent in self.network.release_held(self.now) {
            self.push(sent.deliver_at, EventKind::Deliver(sent.id));
        }
    }

    /// Crash and reboot from what the disk kept, with a fresh random stream.
    fn restart(&mut self, id: NodeId) {
        self.lose_inbox(id);
        let seed = self.config.seed;
        let stored = self.crash_and_recover(id);
        let now = self.node_time(id);
        let server = self.server_mut(id);
        server.incarnation += 1;
        let rng = node_stream(seed, id, server.incarnation);
        let config = server.node.config().clone();
        server.node = RaftNode::restart(id, config, stored, rng, now);
        server.up = true;
        server.timer_at = None;
        self.checker
            .observe_restart(&self.servers[id as usize - 1].node);
        let mut out = self.take_out();
        self.server_mut(id).node.report_restart(&mut out);
        self.put_out(out);
        self.after_input(id);
    }

    fn force_timeout(&mut self, id: NodeId) {
        if !self.server_mut(id).up {
            return;
        }
        self.input(id, |node, now, out| node.force_timeout(now, out));
    }

    /// Every running follower and candidate times out at the same moment,
    /// the shortest timeout from now: the recipe for a split vote.
    fn align_timers(&mut self) {
        let at = self.now + self.config.timing.election_timeout_min;
        for id in self.waiting_for_election() {
            let at = self.clocks.of(id).local(at);
            self.server_mut(id).node.set_election_deadline(at);
            self.rearm_timer(id);
        }
    }

    /// Election deadlines evenly spread over the timeout range, so the first
    /// to time out usually wins alone.
    fn spread_timers(&mut self) {
        let t = self.config.timing;
        let ids = self.waiting_for_election();
        let step = (t.election_timeout_max - t.election_timeout_min) / ids.len().max(2) as u64;
        for (i, id) in ids.into_iter().enumerate() {
            let at = self.now + t.election_timeout_min + step * i as u64;
            let at = self.clocks.of(id).local(at);
            self.server_mut(id).node.set_election_deadline(at);
            self.rearm_timer(id);
        }
    }

    fn waiting_for_election(&self) -> Vec<NodeId> {
        self.servers
            .iter()
            .filter(|s| s.up && s.node.role() != Role::Leader)
            .map(|s| s.node.id())
            .collect()
    }
}

/// The first id named a second time, if any.
fn twice_in<'a>(ids: impl Iterator<Item = &'a NodeId>) -> Option<NodeId> {
    let mut seen = VecSet::new();
    ids.copied().find(|&id| !seen.insert(id))
}
