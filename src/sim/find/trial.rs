//! One run of a scenario, checked after every event and advanced a bounded
//! number of events at a time: the unit of work of both the search and the
//! shrinking. It ends at the first failure of the kind it looks for, or at
//! the scenario's end, where the client history is checked.

use crate::raft::Time;
use crate::sim::action::Action;
use crate::sim::config::SimConfig;
use crate::sim::invariants::{Invariant, Violation};
use crate::sim::linearizability::{self, Verdict};
use crate::sim::nemesis::NemesisConfig;
use crate::sim::scenario::{ClientLoad, Scenario};
use crate::sim::simulation::Simulation;
use serde::Serialize;

/// How a run failed: which invariant broke, or the client history is not
/// linearizable (Wing and Gong's check, as `raft-sim run` does it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureKind {
    /// An invariant the checker holds the cluster to after every event.
    Invariant(Invariant),
    /// The client history has no linearization.
    NotLinearizable,
}

impl FailureKind {
    /// The kind [`FailureKind::name`] names.
    pub fn from_name(name: &str) -> Option<FailureKind> {
        if name == "linearizability" {
            return Some(FailureKind::NotLinearizable);
        }
        Invariant::ALL
            .into_iter()
            .find(|i| i.name() == name)
            .map(FailureKind::Invariant)
    }

    /// The invariant's name, or `linearizability`.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Invariant(i) => i.name(),
            FailureKind::NotLinearizable => "linearizability",
        }
    }
}

impl Serialize for FailureKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for FailureKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        FailureKind::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("no invariant is named '{name}'")))
    }
}

/// A failure and what the checker said of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// What failed.
    pub kind: FailureKind,
    /// When it was seen: the violating event, or the return of the
    /// operation no linearization can place.
    pub t: Time,
    /// The invariant's violation, as the checker reported it.
    pub violation: Option<Violation>,
    /// The linearizability verdict, for a history that is not.
    pub verdict: Option<Verdict>,
}

/// How a finished trial ended.
#[derive(Clone, Debug, PartialEq)]
pub enum TrialEnd {
    /// It failed as looked for.
    Failed(Failure),
    /// It reached its end without.
    Passed,
}

/// Linearizability search budget per key within a trial: smaller than a
/// sweep's (`run::LINEARIZABILITY_STEPS`), since a trial's history is short
/// and one slice must stay short; a search out of budget is no failure.
pub const TRIAL_LIN_STEPS: u64 = 200_000;

/// A run in progress.
pub struct Trial {
    sim: Simulation,
    end: Time,
    /// The failure looked for; `None`: any.
    target: Option<FailureKind>,
    /// Violations already looked at.
    seen: usize,
}

impl Trial {
    /// Starts `scenario`, with `nemesis` striking too if given (made
    /// replayable, so its actions can be read back), looking for `target`.
    pub fn start(
        scenario: &Scenario,
        nemesis: Option<NemesisConfig>,
        target: Option<FailureKind>,
        record_trace: bool,
    ) -> Result<Trial, String> {
        let mut config = scenario.config();
        config.record_trace = record_trace;
        if let Some(nemesis) = nemesis {
            config.nemesis = NemesisConfig {
                replayable: true,
                ..nemesis
            };
        }
        let mut sim = Simulation::new(config)?;
        for (at, action) in &scenario.actions {
            sim.schedule(*at, action.clone())?;
        }
        Ok(Trial {
            sim,
            end: scenario.duration,
            target,
            seen: 0,
        })
    }

    /// The simulation so far.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The simulation, to read its trace.
    pub fn sim_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }

    /// Runs at most `max_events` events; the end, once reached.
    pub fn step(&mut self, max_events: u64) -> Option<TrialEnd> {
        let start = self.sim.events();
        while self.sim.events() - start < max_events {
            if self.sim.next_event_at().is_none_or(|at| at > self.end) {
                return Some(self.finish());
            }
            self.sim.step();
            if let Some(failure) = self.new_violation() {
                return Some(TrialEnd::Failed(failure));
            }
        }
        None
    }

    /// Runs to the end, however long.
    pub fn run(&mut self) -> TrialEnd {
        loop {
            if let Some(end) = self.step(u64::MAX) {
                return end;
            }
        }
    }

    /// The first violation not looked at yet that is of the kind looked for.
    fn new_violation(&mut self) -> Option<Failure> {
        let violations = self.sim.violations();
        let fresh = &violations[self.seen.min(violations.len())..];
        self.seen = violations.len();
        let wanted = |v: &&Violation| match self.target {
            None => true,
            Some(kind) => kind == FailureKind::Invariant(v.invariant),
        };
        let v = fresh.iter().find(wanted)?;
        Some(Failure {
            kind: FailureKind::Invariant(v.invariant),
            t: v.t,
            violation: Some(v.clone()),
            verdict: None,
        })
    }

    /// At the end: the logs audited once more, then the history checked
    /// (operations still pending may or may not have taken effect).
    fn finish(&mut self) -> TrialEnd {
        self.sim.run_until(self.end);
        self.sim.audit_logs();
        if let Some(failure) = self.new_violation() {
            return TrialEnd::Failed(failure);
        }
        if !matches!(self.target, None | Some(FailureKind::NotLinearizable)) {
            return TrialEnd::Passed;
        }
        let history = self.sim.history().to_vec();
        let verdict = linearizability::check(&history, TRIAL_LIN_STEPS).verdict;
        let Verdict::NotLinearizable { ops, .. } = &verdict else {
            return TrialEnd::Passed;
        };
        let blocked = ops.last().map(|&i| &history[i]);
        let t = blocked.and_then(|op| op.return_t).unwrap_or(self.end);
        TrialEnd::Failed(Failure {
            kind: FailureKind::NotLinearizable,
            t,
            violation: None,
            verdict: Some(verdict),
        })
    }
}

/// The scenario that runs `config` to `end` with `actions`, the nemesis
/// off: its settings, its clients, and as actions at time 0 what a
/// scenario has no field for (the snapshot threshold, how replacements
/// go). What a scenario cannot say at all (bound clients, the cap on
/// entries per AppendEntries) is left at its default: `settings_for`
/// unbinds clients.
pub fn scenario_of(config: &SimConfig, end: Time, actions: &[(Time, Action)]) -> Scenario {
    let w = &config.workload;
    let mut all = Vec::new();
    if config.snapshot_threshold.is_some() {
        all.push((0, Action::SetSnapshots(config.snapshot_threshold)));
    }
    if config.replacement != Default::default() {
        all.push((0, Action::SetReplacement(config.replacement)));
    }
    all.extend(actions.iter().cloned());
    Scenario {
        seed: config.seed,
        nodes: config.nodes,
        timing: config.timing,
        network: config.network,
        disk: config.disk,
        faults: config.faults,
        raft: config.raft,
        reads: config.reads,
        unsafe_switches: config.unsafe_switches,
        duration: end,
        client_timeout: w.timeout,
        client_retry: w.retry,
        workload: (w.clients > 0).then_some(ClientLoad {
            clients: w.clients,
            rate: w.rate,
            keys: w.keys,
            read_fraction: w.read_fraction,
            cas_fraction: w.cas_fraction,
        }),
        cursor: None,
        cursor_events: None,
        actions: all,
    }
}
