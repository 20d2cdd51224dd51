//! The nemesis: random faults, drawn from its own seeded stream, injected as
//! ordinary actions (so a run with faults replays like any other).

use crate::raft::{NodeId, Rng, Time, MILLIS};
use crate::sim::action::Action;

/// What the nemesis sees of the cluster when it picks a fault.
pub struct ClusterView<'a> {
    /// Every server of the run, removed ones included.
    pub nodes: &'a [NodeId],
    /// The servers of the leader's configuration (empty without a leader).
    pub members: &'a [NodeId],
    /// Whether another server may still be added (ids left, room in the
    /// configuration).
    pub may_add: bool,
    /// The servers stopped now.
    pub stopped: &'a [NodeId],
    /// The running leader of the highest term, if any.
    pub leader: Option<NodeId>,
    /// Whether a partition is in place.
    pub partitioned: bool,
    /// How many one-way links are cut.
    pub cuts: usize,
    /// The id of the oldest message in flight, if any.
    pub oldest_in_flight: Option<u64>,
    /// How far clocks may drift, in parts per million: the nemesis changes
    /// clock rates within it.
    pub clock_drift_ppm: u64,
}

/// Whether the nemesis strikes, and how often.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NemesisConfig {
    /// Off by default; `--faults all` turns it on.
    pub enabled: bool,
    /// Mean time between faults.
    pub mean_interval: Time,
    /// Probability, 0..=1, that the nemesis crashes a server while a write
    /// it just issued is on its way to durable (0 by default;
    /// `--disk-faults` turns it on). Only a disk with latency has such a
    /// moment.
    pub crash_during_write: f64,
    /// The share of strikes, 0..=1, that are partial partitions (or heal
    /// one): a leader that can send but not receive (`Action::Deafen`), a
    /// server that reaches only some peers (`Action::ReachOnly`). 0 by
    /// default.
    pub partial_partitions: f64,
    /// The share of strikes, 0..=1, that ask the leader to hand over to a
    /// random other server (thesis §3.10). 0 by default.
    pub transfers: f64,
    /// The share of strikes, 0..=1, that change a random server's clock
    /// rate, within the run's drift bound. 0 by default; only drawn when
    /// clocks drift.
    pub clock_changes: f64,
    /// The share of strikes, 0..=1, that add a server or remove a random
    /// one, the leader included (thesis §4.2). 0 by default.
    pub membership_changes: f64,
    /// Make the run replayable from a scenario without the nemesis: each
    /// fault runs after every other event of its microsecond, as a
    /// scheduled action does, and every action the nemesis takes is logged
    /// with its time ([`Nemesis::taken`]). Off by default (and in every
    /// sweep), where faults keep their place among the events: the order
    /// every pinned trace hash was taken with.
    pub replayable: bool,
}

impl Default for NemesisConfig {
    fn default() -> Self {
        NemesisConfig {
            enabled: false,
            mean_interval: 400 * MILLIS,
            crash_during_write: 0.0,
            partial_partitions: 0.0,
            transfers: 0.0,
            clock_changes: 0.0,
            membership_changes: 0.0,
            replayable: false,
        }
    }
}

/// The fault injector: picks a random action at random intervals, from its
/// own random stream.
#[derive(Clone, Debug)]
pub struct Nemesis {
    /// Whether and how often it strikes.
    pub config: NemesisConfig,
    rng: Rng,
    /// For crashes during writes: a stream apart, so that turning them on
    /// shifts none of the draws above.
    write_rng: Rng,
    /// For partial partitions and transfers: a stream apart, for the same
    /// reason.
    partial_rng: Rng,
    /// For clock rate changes: a stream apart, for the same reason.
    clock_rng: Rng,
    /// For membership changes: a stream apart, for the same reason.
    membership_rng: Rng,
    /// For the changes asked of a leader just elected: a stream apart.
    election_rng: Rng,
    /// What it did and when, when `config.replayable`.
    taken: Vec<(Time, Action)>,
}

impl Nemesis {
    /// A nemesis drawing from `rngs`: the main stream, then those for
    /// crashes during writes, partial partitions and transfers, and clock
    /// changes, membership changes, and changes right after an election,
    /// each a stream of its own.
    pub fn new(config: NemesisConfig, rngs: [Rng; 6]) -> Self {
        let [rng, write_rng, partial_rng, clock_rng, membership_rng, election_rng] = rngs;
        Nemesis {
            config,
            rng,
            write_rng,
            partial_rng,
            clock_rng,
            membership_rng,
            election_rng,
            taken: Vec::new(),
        }
    }

    /// Every action it took so far, with its time, when
    /// [`NemesisConfig::replayable`]: scheduled at those times in a run
    /// without the nemesis, they replay the run exactly.
    pub fn taken(&self) -> &[(Time, Action)] {
        &self.taken
    }

    /// Logs `action`, taken at `now`, when the run is replayable.
    pub(super) fn log(&mut self, now: Time, action: &Action) {
        if self.config.replayable {
            self.taken.push((now, action.clone()));
        }
    }

    /// A leader was just elected at `now`: with membership changes on,
    /// half the time ask it for a change 1 to 10 ms later, before its
    /// no-op is likely committed. That is the moment the rule added to
    /// thesis §4.1 after the dissertation is about (an operator's script
    /// that retries a change as soon as leadership moves does exactly
    /// this). Returns when. Draws nothing unless membership changes are on.
    pub fn change_after_election(&mut self, now: Time) -> Option<Time> {
        if !self.config.enabled || self.config.membership_changes <= 0.0 {
            return None;
        }
        let rng = &mut self.election_rng;
        rng.chance(0.5)
            .then(|| now + rng.range_inclusive(MILLIS, 10 * MILLIS))
    }

    /// The change asked of a newly elected leader.
    pub fn election_change(&mut self, view: &ClusterView) -> Action {
        pick_change(&mut self.election_rng, view)
    }

    /// A write was issued at `issued` and will be durable at `durable`:
    /// maybe crash its server in between, when the write can be lost (or
    /// torn). Returns when. Draws nothing unless such crashes are on.
    pub fn crash_during_write(&mut self, issued: Time, durable: Time) -> Option<Time> {
        let p = self.config.crash_during_write;
        if !self.config.enabled || p <= 0.0 || durable <= issued {
            return None;
        }
        self.write_rng
            .chance(p)
            .then(|| self.write_rng.range_inclusive(issued, durable - 1))
    }

    /// Time until the next fault.
    pub fn next_interval(&mut self) -> Time {
        let mean = self.config.mean_interval.max(1);
        self.rng.range_inclusive(mean / 4, mean + mean * 3 / 4)
    }

    /// Picks the next fault: roughly half the time it undoes one, so the
    /// cluster keeps moving between healthy and broken states.
    pub fn next_action(&mut self, view: &ClusterView) -> Action {
        let bound = view.clock_drift_ppm as i64;
        let changes = self.config.clock_changes;
        if bound > 0 && changes > 0.0 && self.clock_rng.chance(changes) {
            return self.clock_change(view, bound);
        }
        let changes = self.config.membership_changes;
        if view.leader.is_some() && changes > 0.0 && self.membership_rng.chance(changes) {
            return self.membership_change(view);
        }
        if let Some(leader) = view.leader {
            let transfers = self.config.transfers;
            if transfers > 0.0 && view.nodes.len() >= 2 && self.partial_rng.chance(transfers) {
                let others: Vec<NodeId> = view
                    .nodes
                    .iter()
                    .copied()
                    .filter(|&n| n != leader)
                    .collect();
                return Action::TransferLeadership(others[self.partial_rng.index(others.len())]);
            }
        }
        let partial = self.config.partial_partitions;
        if partial > 0.0 && view.nodes.len() >= 3 && self.partial_rng.chance(partial) {
            return self.partial_partition(view);
        }
        let n = view.nodes.len();
        let pick = |rng: &mut Rng| view.nodes[rng.index(n)];
        match self.rng.range_inclusive(0, 11) {
            0 | 1 if !view.stopped.is_empty() => {
                Action::Resume(view.stopped[self.rng.index(view.stopped.len())])
            }
            2 if view.partitioned || view.cuts > 0 => Action::Heal,
            0..=2 => Action::Restart(pick(&mut self.rng)),
            3 => Action::Restart(view.leader.unwrap_or_else(|| pick(&mut self.rng))),
            4 => Action::Stop(view.leader.unwrap_or_else(|| pick(&mut self.rng))),
            5 => Action::Stop(pick(&mut self.rng)),
            6 => Action::Partition(self.random_split(view.nodes)),
            7 => match view.leader {
                Some(leader) => Action::Partition(vec![vec![leader]]),
                None => Action::Partition(self.random_split(view.nodes)),
            },
            8 => {
                let (from, to) = (pick(&mut self.rng), pick(&mut self.rng));
                if from == to {
                    Action::ForceTimeout(from)
                } else {
                    Action::CutLink { from, to }
                }
            }
            9 => match view.oldest_in_flight {
                Some(id) => Action::DropMessage(id),
                None => Action::ForceTimeout(pick(&mut self.rng)),
            },
            10 => Action::ForceTimeout(pick(&mut self.rng)),
            _ => Action::Heal,
        }
    }

    /// A membership change at a strike (`pick_change`).
    fn membership_change(&mut self, view: &ClusterView) -> Action {
        pick_change(&mut self.membership_rng, view)
    }

    /// A clock at the edge of the bound, where it does the most harm to a
    /// lease (thesis §6.4.1): half the time the leader's runs slow (its
    /// lease lasts longer in real time), half the time another server's
    /// runs fast (its election timer and its stickiness end sooner).
    fn clock_change(&mut self, view: &ClusterView, bound: i64) -> Action {
        let rng = &mut self.clock_rng;
        let random = view.nodes[rng.index(view.nodes.len())];
        match view.leader {
            Some(leader) if rng.chance(0.5) => Action::SetClockRate {
                node: leader,
                ppm: -bound,
            },
            Some(leader) if random == leader => Action::SetClockRate {
                node: random,
                ppm: 0,
            },
            _ => Action::SetClockRate {
                node: random,
                ppm: bound,
            },
        }
    }

    /// A leader (or any server) that can send but not receive, or a server
    /// that reaches only some of its peers (at least one, not all); half the
    /// time, when links are cut, a heal instead.
    fn partial_partition(&mut self, view: &ClusterView) -> Action {
        let rng = &mut self.partial_rng;
        let n = view.nodes.len();
        if view.cuts > 0 && rng.chance(0.5) {
            return Action::Heal;
        }
        if rng.chance(0.5) {
            return Action::Deafen(view.leader.unwrap_or(view.nodes[rng.index(n)]));
        }
        let node = match view.leader {
            Some(leader) if rng.chance(0.5) => leader,
            _ => view.nodes[rng.index(n)],
        };
        let others: Vec<NodeId> = view.nodes.iter().copied().filter(|&p| p != node).collect();
        let keep = rng.range_inclusive(1, others.len() as u64 - 1) as usize;
        let mut peers = others;
        while peers.len() > keep {
            peers.remove(rng.index(peers.len()));
        }
        Action::ReachOnly { node, peers }
    }

    /// Two random non-empty sides.
    fn random_split(&mut self, nodes: &[NodeId]) -> Vec<Vec<NodeId>> {
        loop {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for &node in nodes {
                if self.rng.chance(0.5) {
                    a.push(node)
                } else {
                    b.push(node)
                }
            }
            if !a.is_empty() && !b.is_empty() || nodes.len() < 2 {
                return vec![a, b];
            }
        }
    }
}

/// A membership change: in one of four, replace one or two members with
/// as many new servers at once; else add a server or remove a random
/// member (the leader among them), keeping the cluster between two and
/// nine servers as far as ids allow.
fn pick_change(rng: &mut Rng, view: &ClusterView) -> Action {
    let members = view.members;
    if view.may_add && members.len() >= 3 && rng.chance(0.25) {
        let count = rng.range_inclusive(1, 2);
        let mut remove = Vec::new();
        while (remove.len() as u64) < count {
            let pick = members[rng.index(members.len())];
            if !remove.contains(&pick) {
                remove.push(pick);
            }
        }
        return Action::ReplaceServers { remove, add: count };
    }
    let add = members.len() <= 2 || rng.chance(0.5);
    if view.may_add && add || members.is_empty() {
        return Action::AddServer;
    }
    Action::RemoveServer(members[rng.index(members.len())])
}
