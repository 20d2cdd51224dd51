//! One whole checked run: the fault phase, then a liveness phase with every
//! fault healed, then the linearizability check of the client history.

use crate::raft::{LogIndex, NodeId, Term, Time, SECONDS};
use crate::sim::availability::{Availability, SAMPLE_EVERY};
use crate::sim::config::SimConfig;
use crate::sim::disk::DiskFaultCounts;
use crate::sim::fault_model::Delivery;
use crate::sim::history::Outcome;
use crate::sim::invariants::{Invariant, Violation};
use crate::sim::linearizability::{self, LinearizabilityReport, Verdict};
use crate::sim::membership::MembershipChanges;
use crate::sim::reads_served::ReadsServed;
use crate::sim::simulation::{Simulation, SnapshotCounts};
use crate::sim::stale_deliveries::StaleDeliveries;
use serde::{Serialize, Serializer};

/// After healing, a stable leader must appear within this much simulated time.
pub const LEADER_BOUND: Time = 10 * SECONDS;
/// ...and every acknowledged write must then reach every server within this.
pub const CATCH_UP_BOUND: Time = 10 * SECONDS;
/// Search budget of the linearizability checker, per key.
pub const LINEARIZABILITY_STEPS: u64 = 5_000_000;

/// What the liveness phase saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Liveness {
    /// Simulated time from healing to a stable leader (None: not within bound).
    pub leader_after: Option<Time>,
    /// Simulated time from healing until every acknowledged write was on
    /// every server (None: not within bound).
    pub caught_up_after: Option<Time>,
    /// (client, node) pairs still missing an acknowledged write at the end.
    pub missing: Vec<(u64, NodeId)>,
    /// Not checked: messages and timers move only by the scenario's
    /// actions (`Delivery::ByAction`, an explorer's counterexample), so
    /// after healing nothing moves and no leader can come.
    pub by_action: bool,
}

impl Liveness {
    /// True when a stable leader appeared and every acknowledged write reached
    /// every server, each within its bound; or when there is nothing to
    /// check (see [`Liveness::by_action`]).
    pub fn ok(&self) -> bool {
        self.by_action || (self.leader_after.is_some() && self.caught_up_after.is_some())
    }
}

/// Everything a run reports. Its serde form (`raft-sim run --json`) has
/// these fields; the hashes are 16 hex digits, as the text summary prints
/// them (a 64-bit number does not survive JavaScript or `jq`).
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// The seed of the run.
    pub seed: u64,
    /// Events processed, liveness phase included.
    pub events: u64,
    /// Simulated time at the end of the liveness phase.
    pub end_time: Time,
    /// The trace hash at the end of the run, liveness phase included.
    #[serde(serialize_with = "hex")]
    pub trace_hash: u64,
    /// The trace hash at `duration`, before healing: what the playground
    /// shows after running a scenario to that time.
    #[serde(serialize_with = "hex")]
    pub hash_at_duration: u64,
    /// Every (term, leader) the checker saw, in term order.
    pub leaders_by_term: Vec<(Term, NodeId)>,
    /// The highest index known to be committed.
    pub committed: LogIndex,
    /// Client operations that ended acknowledged.
    pub ops_ok: usize,
    /// Client operations that definitely did not take effect.
    pub ops_fail: usize,
    /// Client operations whose outcome is unknown: the client gave up, or it was
    /// still pending at the end.
    pub ops_unknown: usize,
    /// The violations kept (the first 100), each as
    /// `{"invariant", "t", "nodes", "detail"}`.
    #[serde(serialize_with = "violations")]
    pub violations: Vec<Violation>,
    /// Every violation found, including those not kept.
    pub violation_count: u64,
    /// Every invariant broken, with how often, those not kept included:
    /// `{"leader_completeness": 12, ...}`.
    #[serde(serialize_with = "by_invariant")]
    pub violations_by_invariant: Vec<(Invariant, u64)>,
    /// The linearizability check of the whole client history.
    pub linearizability: LinearizabilityReport,
    /// What the liveness phase saw.
    pub liveness: Liveness,
    /// How often the disks' faults bit (absent from JSON when never).
    #[serde(skip_serializing_if = "DiskFaultCounts::is_zero")]
    pub disk_faults: DiskFaultCounts,
    /// Messages from an earlier term delivered to a server, by kind,
    /// liveness phase included.
    pub stale_deliveries: StaleDeliveries,
    /// Servers the nemesis or the actions added and removed (absent from
    /// JSON when none).
    #[serde(skip_serializing_if = "MembershipChanges::is_zero")]
    pub membership_changes: MembershipChanges,
    /// Snapshots taken and installed, and InstallSnapshot chunks sent
    /// (absent from JSON when none).
    #[serde(skip_serializing_if = "SnapshotCounts::is_zero")]
    pub snapshots: SnapshotCounts,
    /// How much of the fault phase a leader could commit.
    pub availability: Availability,
    /// Acknowledged reads by what answered them (absent from JSON when
    /// every read went through the log).
    #[serde(skip_serializing_if = "ReadsServed::only_log")]
    pub reads_served: ReadsServed,
}

impl RunReport {
    /// No safety violation, a history proven linearizable, and liveness
    /// after healing. An inconclusive linearizability search is not a pass:
    /// it proves nothing.
    pub fn passed(&self) -> bool {
        self.violation_count == 0
            && self.linearizability.verdict == Verdict::Linearizable
            && self.liveness.ok()
    }

    /// False only for a history found not linearizable: an inconclusive
    /// search found no violation (but proves nothing, see [`Self::passed`]).
    pub fn linearizable(&self) -> bool {
        !matches!(
            self.linearizability.verdict,
            Verdict::NotLinearizable { .. }
        )
    }

    /// True when the linearizability search ran out of budget: neither a
    /// pass nor a violation.
    pub fn inconclusive(&self) -> bool {
        matches!(self.linearizability.verdict, Verdict::Inconclusive { .. })
    }
}

fn by_invariant<S: Serializer>(
    counts: &[(Invariant, u64)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let broken = counts.iter().filter(|(_, n)| *n > 0);
    serializer.collect_map(broken.map(|(inv, n)| (inv.name(), n)))
}

fn hex<S: Serializer>(hash: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{hash:016x}"))
}

/// `Violation` itself has no serde form; this is its JSON shape, with the
/// invariant named as in the trace.
fn violations<S: Serializer>(violations: &[Violation], serializer: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Record<'a> {
        invariant: &'static str,
        t: Time,
        nodes: &'a [NodeId],
        detail: &'a str,
    }
    serializer.collect_seq(violations.iter().map(|v| Record {
        invariant: v.invariant.name(),
        t: v.t,
        nodes: &v.nodes,
        detail: &v.detail,
    }))
}

/// Runs `config` for `duration` of simulated time (faults and clients on),
/// then heals everything and checks liveness. `on_progress` is called after
/// each simulated second with the simulation, so a caller can drain the trace.
pub fn run(
    config: SimConfig,
    duration: Time,
    on_progress: impl FnMut(&mut Simulation),
) -> Result<(Simulation, RunReport), String> {
    let sim = Simulation::new(config)?;
    Ok(run_simulation(sim, duration, on_progress))
}

/// Like [`run`], from a prepared simulation (a scenario with its actions
/// scheduled).
pub fn run_simulation(
    sim: Simulation,
    duration: Time,
    on_progress: impl FnMut(&mut Simulation),
) -> (Simulation, RunReport) {
    run_simulation_with_budget(sim, duration, LINEARIZABILITY_STEPS, on_progress)
}

/// Like [`run_simulation`], with `linearizability_steps` as the search
/// budget per key instead of [`LINEARIZABILITY_STEPS`].
pub fn run_simulation_with_budget(
    sim: Simulation,
    duration: Time,
    linearizability_steps: u64,
    mut on_progress: impl FnMut(&mut Simulation),
) -> (Simulation, RunReport) {
    let mut run = CheckedRun::new(sim, duration, linearizability_steps);
    loop {
        match run.tick() {
            Tick::Sampled => {}
            Tick::Second => on_progress(&mut run.sim),
            Tick::Ended => break,
        }
    }
    run.finish(on_progress)
}

/// One whole checked run, a few simulated milliseconds at a time: what
/// [`run_simulation_with_budget`] does in one call, for a caller that must
/// stop often (the page's Web Worker, `view::worker_jobs`). The same steps
/// in the same order: its report is the same, to the trace hash.
pub struct CheckedRun {
    sim: Simulation,
    duration: Time,
    linearizability_steps: u64,
    availability: Availability,
    phase: Phase,
}

/// Where a [`CheckedRun`] is.
enum Phase {
    /// The fault phase, sampled up to `t`, the current second ending at
    /// `second`.
    Faults { t: Time, second: Time },
    /// Healed at `healed_at`: waiting for a stable leader, since `start`.
    Leader {
        hash_at_duration: u64,
        healed_at: Time,
        start: Time,
    },
    /// A stable leader came `leader_after` after healing: waiting, since
    /// `start`, for every acknowledged write to reach every server.
    CatchUp {
        hash_at_duration: u64,
        healed_at: Time,
        leader_after: Time,
        start: Time,
    },
    /// The liveness phase is over.
    Ended {
        hash_at_duration: u64,
        liveness: Liveness,
    },
}

/// What one [`CheckedRun::tick`] did.
enum Tick {
    /// A sample of the fault phase, the heal, or 10 ms of the liveness
    /// phase.
    Sampled,
    /// The sample that ends a simulated second of the fault phase.
    Second,
    /// Nothing: the liveness phase is over.
    Ended,
}

impl CheckedRun {
    /// `sim` (a configuration's, or a scenario's with its actions
    /// scheduled), to run for `duration` with faults, then to heal.
    pub fn new(sim: Simulation, duration: Time, linearizability_steps: u64) -> CheckedRun {
        let t = sim.now();
        CheckedRun {
            phase: Phase::Faults {
                t,
                second: (t + SECONDS).min(duration),
            },
            sim,
            duration,
            linearizability_steps,
            availability: Availability::default(),
        }
    }

    /// The simulation so far.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// Whether the liveness phase is over: [`CheckedRun::finish`] is next.
    pub fn ended(&self) -> bool {
        matches!(self.phase, Phase::Ended { .. })
    }

    /// Runs until at least `max_events` more events ran or the liveness
    /// phase is over; whether it is.
    pub fn step(&mut self, max_events: u64) -> bool {
        let start = self.sim.events();
        while self.sim.events() - start < max_events {
            if let Tick::Ended = self.tick() {
                return true;
            }
        }
        self.ended()
    }

    /// One sample of the fault phase (running to each sample time changes
    /// nothing: events run at their own times whatever the steps, and the
    /// trace hash is the same), or 10 ms of the liveness phase.
    fn tick(&mut self) -> Tick {
        let sim = &mut self.sim;
        let step = 10 * crate::raft::MILLIS;
        self.phase = match std::mem::replace(&mut self.phase, Phase::Faults { t: 0, second: 0 }) {
            Phase::Faults { t, second } if t < self.duration => {
                let t = (t + SAMPLE_EVERY).min(second);
                sim.run_until(t);
                self.availability.sample(sim);
                if t < second {
                    self.phase = Phase::Faults { t, second };
                    return Tick::Sampled;
                }
                let second = (t + SECONDS).min(self.duration);
                self.phase = Phase::Faults { t, second };
                return Tick::Second;
            }
            Phase::Faults { .. } => {
                let hash_at_duration = sim.trace_hash();
                sim.heal_everything();
                let now = sim.now();
                Phase::Leader {
                    hash_at_duration,
                    healed_at: now,
                    start: now,
                }
            }
            Phase::Leader {
                hash_at_duration,
                healed_at,
                start,
            } => {
                if sim.stable_leader().is_some() {
                    Phase::CatchUp {
                        hash_at_duration,
                        healed_at,
                        leader_after: sim.now() - start,
                        start: sim.now(),
                    }
                } else if sim.now() >= start + LEADER_BOUND {
                    Phase::Ended {
                        hash_at_duration,
                        liveness: Liveness {
                            leader_after: None,
                            caught_up_after: None,
                            missing: sim.acknowledged_writes_missing(),
                            by_action: false,
                        },
                    }
                } else {
                    sim.run_until(sim.now() + step);
                    Phase::Leader {
                        hash_at_duration,
                        healed_at,
                        start,
                    }
                }
            }
            Phase::CatchUp {
                hash_at_duration,
                healed_at,
                leader_after,
                start,
            } => {
                let missing = sim.acknowledged_writes_missing();
                let caught_up = missing.is_empty();
                if caught_up || sim.now() >= start + CATCH_UP_BOUND {
                    Phase::Ended {
                        hash_at_duration,
                        liveness: Liveness {
                            leader_after: Some(leader_after),
                            caught_up_after: caught_up.then(|| sim.now() - healed_at),
                            missing,
                            by_action: false,
                        },
                    }
                } else {
                    sim.run_until(sim.now() + step);
                    Phase::CatchUp {
                        hash_at_duration,
                        healed_at,
                        leader_after,
                        start,
                    }
                }
            }
            ended @ Phase::Ended { .. } => {
                self.phase = ended;
                return Tick::Ended;
            }
        };
        Tick::Sampled
    }

    /// Runs what is left, then audits the logs once more and checks the
    /// client history: the finished simulation and its report.
    /// `on_progress` is called once, before the report.
    pub fn finish(
        mut self,
        mut on_progress: impl FnMut(&mut Simulation),
    ) -> (Simulation, RunReport) {
        while !self.step(u64::MAX) {}
        let Phase::Ended {
            hash_at_duration,
            mut liveness,
        } = self.phase
        else {
            unreachable!("step ran to the end");
        };
        let mut sim = self.sim;
        liveness.by_action = sim.config().faults.delivery == Delivery::ByAction;
        // The mirrors are audited every so often during the run; once more at
        // its end, so that no misreported log change goes unseen.
        sim.audit_logs();
        on_progress(&mut sim);
        let report = report(
            &sim,
            hash_at_duration,
            liveness,
            self.availability,
            self.linearizability_steps,
        );
        (sim, report)
    }
}

fn report(
    sim: &Simulation,
    hash_at_duration: u64,
    liveness: Liveness,
    availability: Availability,
    linearizability_steps: u64,
) -> RunReport {
    let history = sim.history();
    let count = |o: Outcome| history.iter().filter(|op| op.outcome == o).count();
    RunReport {
        seed: sim.config().seed,
        events: sim.events(),
        end_time: sim.now(),
        trace_hash: sim.trace_hash(),
        hash_at_duration,
        leaders_by_term: sim.checker().leaders().collect(),
        committed: sim.checker().committed_len(),
        ops_ok: count(Outcome::Ok),
        ops_fail: count(Outcome::Fail),
        ops_unknown: count(Outcome::Unknown),
        violations: sim.violations().to_vec(),
        violation_count: sim.checker().violation_count(),
        violations_by_invariant: sim.checker().violations_by_invariant(),
        linearizability: linearizability::check(&history.to_vec(), linearizability_steps),
        liveness,
        disk_faults: sim.disk_faults(),
        stale_deliveries: *sim.stale_deliveries(),
        membership_changes: sim.membership_changes(),
        snapshots: sim.snapshot_counts(),
        availability,
        reads_served: ReadsServed::of(history.iter()),
    }
}
