//! One whole checked run: the fault phase, then a liveness phase with every
//! fault healed, then the linearizability check of the client history.

use crate::raft::{LogIndex, NodeId, Term, Time, SECONDS};
use crate::sim::availability::{Availability, SAMPLE_EVERY};
use crate::sim::config::SimConfig;
use crate::sim::disk::DiskFaultCounts;
use crate::sim::history::Outcome;
use crate::sim::invariants::Violation;
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
}

impl Liveness {
    /// True when a stable leader appeared and every acknowledged write reached
    /// every server, each within its bound.
    pub fn ok(&self) -> bool {
        self.leader_after.is_some() && self.caught_up_after.is_some()
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
    mut sim: Simulation,
    duration: Time,
    linearizability_steps: u64,
    mut on_progress: impl FnMut(&mut Simulation),
) -> (Simulation, RunReport) {
    let mut t = sim.now();
    let mut availability = Availability::default();
    while t < duration {
        let second = (t + SECONDS).min(duration);
        // Running to each sample time changes nothing: events run at their
        // own times whatever the steps (the trace hash is the same).
        while t < second {
            t = (t + SAMPLE_EVERY).min(second);
            sim.run_until(t);
            availability.sample(&sim);
        }
        on_progress(&mut sim);
    }
    let hash_at_duration = sim.trace_hash();
    let liveness = liveness_phase(&mut sim);
    // The mirrors are audited every so often during the run; once more at
    // its end, so that no misreported log change goes unseen.
    sim.audit_logs();
    on_progress(&mut sim);
    let report = report(
        &sim,
        hash_at_duration,
        liveness,
        availability,
        linearizability_steps,
    );
    (sim, report)
}

fn liveness_phase(sim: &mut Simulation) -> Liveness {
    sim.heal_everything();
    let healed_at = sim.now();
    let leader_after = run_until_true(sim, LEADER_BOUND, |s| s.stable_leader().is_some());
    let caught_up_after = leader_after.and_then(|_| {
        run_until_true(sim, CATCH_UP_BOUND, |s| {
            s.acknowledged_writes_missing().is_empty()
        })
        .map(|_| sim.now() - healed_at)
    });
    Liveness {
        leader_after,
        caught_up_after,
        missing: sim.acknowledged_writes_missing(),
    }
}

/// Steps until `done` holds (checked every simulated 10 ms) or `bound`
/// passes; returns how long it took.
fn run_until_true(
    sim: &mut Simulation,
    bound: Time,
    done: impl Fn(&Simulation) -> bool,
) -> Option<Time> {
    let start = sim.now();
    let step = 10 * crate::raft::MILLIS;
    loop {
        if done(sim) {
            return Some(sim.now() - start);
        }
        if sim.now() >= start + bound {
            return None;
        }
        sim.run_until(sim.now() + step);
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
