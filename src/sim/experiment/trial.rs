//! One trial of the leader-election experiment of the Raft paper's Figure
//! 16 (extended paper §9.3; thesis §9.4, "How fast will the complete Raft
//! algorithm elect a leader in real networks?"), as a [`Scenario`] and the
//! measurement of its run.
//!
//! The paper: "we repeatedly crashed the leader of a cluster of five
//! servers and timed how long it took to detect the crash and elect a new
//! leader. To generate a worst-case scenario, the servers in each trial had
//! different log lengths, so some candidates were not eligible to become
//! leader. Furthermore, to encourage split votes, our test script triggered
//! a synchronized broadcast of heartbeat RPCs from the leader before
//! terminating its process (this approximates the behavior of the leader
//! replicating a new log entry prior to crashing). The leader was crashed
//! uniformly randomly within its heartbeat interval, which was half of the
//! minimum election timeout for all tests."
//!
//! A trial here, every step a recorded action so the scenario replays it:
//! 1. server 1 is made to time out at once, so that a leader is elected
//!    even when every timeout is the same (150–150 ms); it usually wins,
//!    but with timeouts shorter than a vote's round trip another may;
//! 2. once a leader is stable, the replies of the two highest-numbered
//!    followers to it are cut (one way), so it never learns what they lack
//!    and never backs off;
//! 3. three writes go to the leader, each appended and broadcast at once;
//!    the first one's AppendEntries to the first of those two followers is
//!    dropped, and the second one's to the other. Both keep hearing the
//!    leader (each later AppendEntries resets their election timer, and
//!    they reject it), but their logs stay behind: the leader and the two
//!    others end with the three writes, one of the two with the first, the
//!    other with neither. As in the thesis, "two of the four servers were
//!    not eligible to become leader";
//! 4. the third write's broadcast is the synchronized heartbeat; the leader
//!    is stopped at a moment drawn uniformly within the heartbeat interval
//!    after it, from the trial's seed.
//!
//! The crash is [`Action::Stop`]: the leader's process ends and stays
//! down for the whole measurement, as "terminating its process" did. A
//! `Restart` would bring it straight back as a follower holding the
//! longest log, a fifth voter the paper's clusters did not have.

use super::election_downtime::Line;
use crate::raft::{Message, NodeId, Op, Rng, Role, Term, Time, MILLIS, SECONDS};
use crate::sim::action::Action;
use crate::sim::config::SimConfig;
use crate::sim::disk::DiskConfig;
use crate::sim::network::{Endpoint, NetworkConfig, Packet};
use crate::sim::scenario::Scenario;
use crate::sim::simulation::Simulation;
use serde::{Deserialize, Serialize};

/// The server made to stand first.
const FIRST: NodeId = 1;
/// A trial that has not elected a leader this long after the crash is
/// given up (counted as longer than any that ended).
pub const GIVE_UP_AFTER: Time = 60 * SECONDS;

/// The network of every trial: a LAN, 0.2 to 0.3 ms one way, nothing lost.
///
/// The paper's clusters had "a broadcast time (network round trip plus
/// disk write) of roughly 15ms" (the thesis's caption of the paper's
/// Figure 16, in its §9.4): on gigabit Ethernet the round trip is well under a
/// millisecond, so nearly all of it is the disk. We model it the same way:
/// a fast network and [`disk`]'s slow writes. Heartbeats then arrive at
/// once, as on the paper's LAN (a 7.5 ms one-way latency instead would
/// have added 15 ms to every downtime: the synchronized heartbeat's flight
/// and the new leader's).
pub fn network() -> NetworkConfig {
    NetworkConfig {
        latency_min: 200,
        latency_max: 300,
        loss: 0.0,
        duplication: 0.0,
    }
}

/// Every server's disk: a write is durable 7.25 ms after it is issued, and
/// nothing is torn (no server crashes in a way that could tear it).
///
/// The broadcast that decides an election is RequestVote's: the candidate
/// writes its term and vote, sends, each voter writes its vote and replies
/// (Figure 2: persisted "before responding to RPCs"). That is two writes
/// and a round trip, 2 × 7.25 + 2 × 0.25 = 15 ms, the paper's broadcast
/// time. (An AppendEntries round carrying an entry, one write and a round
/// trip, then takes about 7.75 ms; the thesis's model of an election, its
/// §9.1, counts one write, "2L + W", of the same 15 ms in all.)
pub fn disk() -> DiskConfig {
    DiskConfig {
        write_latency: 250,
        fsync_latency: 7 * MILLIS,
        fsync_jitter: 0,
        torn_write: 0.0,
    }
}

/// What one trial's run showed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialOutcome {
    /// The trial's seed: with its line, it gives back the whole scenario.
    pub seed: u64,
    /// When the leader crashed, in simulated microseconds.
    pub crash_at: Time,
    /// The term it led.
    pub crashed_term: Term,
    /// The paper's measure, "the time from when the old leader crashed
    /// until the other servers received the new leader's first heartbeat"
    /// (thesis §9.4): until every running server follows one leader of a
    /// later term. `None`: not within [`GIVE_UP_AFTER`].
    pub downtime: Option<Time>,
    /// From the crash until a server first became leader of a later term.
    pub elected_after: Option<Time>,
    /// The new leader and its term.
    pub new_leader: Option<(NodeId, Term)>,
}

impl TrialOutcome {
    /// Elections it took: terms started after the crashed one until one
    /// elected the leader everyone follows (1: no split vote, and no
    /// ineligible candidate went first).
    pub fn elections(&self) -> Option<u64> {
        self.new_leader.map(|(_, term)| term - self.crashed_term)
    }
}

/// The scenario of trial `seed` of `line`: the configuration and every
/// action, found by running the trial's start live (the leader's broadcasts
/// fix the moments of the drops and of the crash). Replaying it gives the
/// same run, bit for bit.
pub fn trial_scenario(line: Line, seed: u64) -> Result<Scenario, String> {
    let base = Scenario {
        seed,
        nodes: 5,
        timing: line.timing(),
        network: network(),
        disk: disk(),
        faults: Default::default(),
        raft: Default::default(),
        reads: Default::default(),
        unsafe_switches: Default::default(),
        duration: 0,
        client_timeout: SimConfig::default().workload.timeout,
        client_retry: None,
        workload: None,
        cursor: None,
        cursor_events: None,
        actions: Vec::new(),
    };
    let mut live = Recorder {
        sim: Simulation::new(base.config())?,
        actions: Vec::new(),
        leader: FIRST,
    };
    let heartbeat = line.timing().heartbeat_interval;
    let sync_at = live.set_up(line)?;
    let crash_at = sync_at + Rng::derive(seed, CRASH_STREAM).range_inclusive(0, heartbeat - 1);
    live.actions.push((crash_at, Action::Stop(live.leader)));
    Ok(Scenario {
        duration: crash_at + GIVE_UP_AFTER,
        actions: live.actions,
        ..base
    })
}

/// The trial's own random stream (the crash moment), apart from every
/// stream of the simulator.
const CRASH_STREAM: u64 = 0x6669_6731_3620_6372; // "fig16 cr"

/// A simulation driven live, its actions recorded with their times.
struct Recorder {
    sim: Simulation,
    actions: Vec<(Time, Action)>,
    /// The leader the trial crashes.
    leader: NodeId,
}

impl Recorder {
    fn act(&mut self, action: Action) -> Result<(), String> {
        let at = self.sim.now();
        self.sim.act_now(action.clone())?;
        self.actions.push((at, action));
        Ok(())
    }

    /// Steps 1 to 3 of the trial; returns when the synchronized broadcast
    /// left.
    fn set_up(&mut self, line: Line) -> Result<Time, String> {
        self.act(Action::ForceTimeout(FIRST))?;
        self.sim.run_until(2 * line.max);
        let bound = self.sim.now() + 10 * SECONDS;
        self.leader = loop {
            match self.sim.stable_leader() {
                Some(leader) => break leader,
                None if self.sim.now() > bound => return Err("no stable leader".into()),
                None => self.sim.run_until(self.sim.now() + MILLIS),
            }
        };
        let leader = self.leader;
        let followers: Vec<NodeId> = (1..=5).filter(|&n| n != leader).collect();
        let behind = [followers[2], followers[3]];
        for from in behind {
            self.act(Action::CutLink { from, to: leader })?;
        }
        let mut sent = 0;
        for (value, missed_by) in ["1", "2", "3"].into_iter().zip([Some(0), Some(1), None]) {
            if sent > 0 {
                self.sim.run_until(sent + MILLIS);
            }
            sent = self.write(value)?;
            if let Some(i) = missed_by {
                self.drop_append(behind[i])?;
            }
        }
        Ok(sent)
    }

    /// A client writes `value` through the leader; returns when the leader
    /// appended it and sent it to everyone (`propose` does both at once).
    fn write(&mut self, value: &str) -> Result<Time, String> {
        let op = Op::Write {
            key: "fig16".into(),
            value: value.into(),
        };
        let leader = self.leader;
        let last = |sim: &Simulation| sim.server(leader).map(|s| s.node.log().last_index());
        let before = last(&self.sim);
        self.act(Action::ClientRequest {
            to: Some(leader),
            op,
        })?;
        let bound = self.sim.now() + 10 * MILLIS;
        while last(&self.sim) == before {
            if self.sim.now() > bound || !self.sim.step() {
                return Err(format!("the leader never appended write {value}"));
            }
        }
        Ok(self.sim.now())
    }

    /// Drops the AppendEntries carrying entries that the leader just sent
    /// to `follower`.
    fn drop_append(&mut self, follower: NodeId) -> Result<(), String> {
        let carries_entries = |p: &Packet| matches!(p, Packet::Raft(Message::AppendEntries { entries, .. }) if !entries.is_empty());
        let leader = self.leader;
        let id = self
            .sim
            .network()
            .in_flight()
            .find(|m| {
                m.from == Endpoint::Node(leader)
                    && m.to == Endpoint::Node(follower)
                    && carries_entries(&m.packet)
            })
            .map(|m| m.id)
            .ok_or_else(|| format!("no AppendEntries to node {follower} in flight"))?;
        self.act(Action::DropMessage(id))
    }
}

/// Runs `scenario` (a trial's) and measures the time without a leader after
/// its crash: the last `Stop` among its actions.
pub fn measure(scenario: &Scenario) -> Result<TrialOutcome, String> {
    let (crash_at, crashed) = scenario
        .actions
        .iter()
        .rev()
        .find_map(|(at, a)| match a {
            Action::Stop(n) => Some((*at, *n)),
            _ => None,
        })
        .ok_or("the scenario crashes no server")?;
    let mut sim = scenario.start(false)?;
    sim.run_until(crash_at);
    let node = &sim.server(crashed).ok_or("no such server")?.node;
    if node.role() != Role::Leader {
        return Err(format!("node {crashed} was not leading when it crashed"));
    }
    let crashed_term = node.current_term();
    let mut outcome = TrialOutcome {
        seed: scenario.seed,
        crash_at,
        crashed_term,
        downtime: None,
        elected_after: None,
        new_leader: None,
    };
    let give_up = crash_at + GIVE_UP_AFTER;
    while sim.next_event_at().is_some_and(|at| at <= give_up) {
        sim.step();
        if outcome.elected_after.is_none() && new_leader(&sim, crashed_term).is_some() {
            outcome.elected_after = Some(sim.now() - crash_at);
        }
        if let Some(leader) = followed_leader(&sim, crashed_term) {
            outcome.downtime = Some(sim.now() - crash_at);
            outcome.new_leader = Some(leader);
            break;
        }
    }
    Ok(outcome)
}

/// A running leader of a term after `old`, if there is one.
fn new_leader(sim: &Simulation, old: Term) -> Option<NodeId> {
    let leader = sim.leader()?;
    (sim.server(leader)?.node.current_term() > old).then_some(leader)
}

/// A leader of a term after `old` that every running server follows in its
/// term (it heard that leader's AppendEntries), with that term.
fn followed_leader(sim: &Simulation, old: Term) -> Option<(NodeId, Term)> {
    let leader = new_leader(sim, old)?;
    let term = sim.server(leader)?.node.current_term();
    let follows = |s: &crate::sim::Server| {
        !s.up
            || (s.node.current_term() == term
                && (s.node.id() == leader || s.node.leader_hint() == Some(leader)))
    };
    sim.servers().iter().all(follows).then_some((leader, term))
}
