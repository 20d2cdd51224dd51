//! A worker's job, run a slice at a time: `JobRunner::new(job)`, then
//! `step(budget)` until a final reply. The worker binary (`src/bin/worker.rs`)
//! is only a loop around it; the same code runs natively in tests. To
//! cancel, stop calling `step` and drop the runner (the page terminates
//! the whole worker).

use super::worker_protocol::{WorkerJob, WorkerReply};
use crate::raft::UnsafeSwitch;
use crate::sim::experiment::switch_availability::{AvailabilityConfig, AvailabilityRun};
use crate::sim::experiment::{Experiment, ExperimentConfig};
use crate::sim::explore::{explorer_config, plan, Bounds, ExplorePlan, Explorer};
use crate::sim::find::{FailureKind, FailureReport, FailureSearch, Shrinker};
use crate::sim::scenario::{unsafe_switches_named, Scenario};
use crate::sim::{Action, SimConfig};

/// How much one step may do, in each job's own unit. The defaults keep a
/// step to a few milliseconds natively (README, "Finding a failure"), so
/// a worker posts progress and reads its messages often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Simulator events (search, shrinking, and the runs of the
    /// PreVote/CheckQuorum comparison).
    pub events: u64,
    /// Explorer states expanded.
    pub states: u64,
    /// Figure 16 trials.
    pub trials: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            events: 5_000,
            states: 200,
            trials: 1,
        }
    }
}

/// Simulator events the shrinking of a found failure may spend in all: a
/// tenth of `raft-sim find-failure`'s default, so that a page's search
/// ends in seconds.
pub const SHRINK_EVENTS: u64 = 5_000_000;

/// What a progress reply counts, in words.
pub const SEEDS_TRIED: &str = "seeds tried";
/// Progress while shrinking: events spent of [`SHRINK_EVENTS`].
pub const SHRINKING: &str = "simulator events spent shrinking";
/// Progress of an exploration: states checked, of a total projected from
/// the level being expanded (`Explorer::estimated_total`); the depths
/// completed would run far ahead, each level being a few times the last.
pub const CHECKED_OF_ABOUT: &str = "states checked (the total is an estimate)";
/// Progress of an experiment.
pub const TRIALS: &str = "trials run";
/// Progress of the PreVote/CheckQuorum comparison: runs (a seed under one
/// combination) done.
pub const RUNS: &str = "runs of 60 s done";

/// A job in progress.
pub struct JobRunner {
    state: State,
    /// Work done so far, in the current phase's unit: simulator events
    /// (search and shrinking together, or the comparison's runs), states
    /// explored, trials run.
    work: u64,
}

enum State {
    Searching {
        search: Box<FailureSearch>,
        max_seeds: u64,
    },
    Shrinking {
        shrinker: Box<Shrinker>,
        kind: FailureKind,
        /// Events the search ran before.
        base: u64,
    },
    Exploring(Box<Explorer>),
    Experimenting {
        experiment: Box<Experiment>,
        /// Lines already sent.
        sent: usize,
    },
    Comparing(Box<AvailabilityRun>),
    /// One replay, in one step: a shared run is seconds of simulated
    /// time (a long busy one a second or so of the worker's, unsliced).
    Telling(Box<Scenario>, u64),
    /// Could not start: the message is the first step's reply.
    Refused(String),
    Done,
}

impl JobRunner {
    /// A runner for `job`; a job that cannot start says why at its first
    /// step, as a `Failed` reply.
    pub fn new(job: WorkerJob) -> JobRunner {
        let state = start(job).unwrap_or_else(State::Refused);
        JobRunner { state, work: 0 }
    }

    /// Work done so far: simulator events (search and shrinking, or the
    /// comparison's runs), states explored, or trials run; what bounds a
    /// step, for tests.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Whether the final reply was given.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Runs at most `budget` of work; returns progress, and after the last
    /// step the final reply too. Once done, returns nothing.
    pub fn step(&mut self, budget: Budget) -> Vec<WorkerReply> {
        let (replies, next) = match std::mem::replace(&mut self.state, State::Done) {
            State::Searching { search, max_seeds } => {
                search_step(search, max_seeds, budget, &mut self.work)
            }
            State::Shrinking {
                shrinker,
                kind,
                base,
            } => shrink_step(shrinker, kind, base, budget, &mut self.work),
            State::Exploring(explorer) => explore_step(explorer, budget, &mut self.work),
            State::Experimenting { experiment, sent } => {
                experiment_step(experiment, sent, budget, &mut self.work)
            }
            State::Comparing(run) => compare_step(run, budget, &mut self.work),
            State::Telling(run, ask) => {
                let report = FailureReport::of_shared(&run);
                (vec![WorkerReply::Told { ask, report }], State::Done)
            }
            State::Refused(message) => (vec![WorkerReply::Failed { message }], State::Done),
            State::Done => (Vec::new(), State::Done),
        };
        self.state = next;
        replies
    }
}

fn start(job: WorkerJob) -> Result<State, String> {
    match job {
        WorkerJob::FindFailure {
            settings,
            switch,
            max_seeds,
        } => {
            let switch = UnsafeSwitch::from_name(&switch)
                .ok_or_else(|| format!("no unsafe switch is named '{switch}'"))?;
            let config = search_config(&settings);
            let search = Box::new(FailureSearch::new(config, switch, max_seeds)?);
            Ok(State::Searching { search, max_seeds })
        }
        WorkerJob::Explore {
            bounds,
            unsafe_switches,
            prefix,
        } => explorer(bounds, &unsafe_switches, &prefix),
        WorkerJob::Tell { run, ask } => Ok(State::Telling(Box::new(run), ask)),
        WorkerJob::ElectionDowntime { config } => experiment(config),
        WorkerJob::Availability { config } => comparison(config),
    }
}

/// The configuration a search of `settings` runs: the scenario's own,
/// with the settings its actions at time 0 make (snapshots, raft options,
/// reads, drift bound, network); its other actions are not the search's.
pub fn search_config(settings: &Scenario) -> SimConfig {
    let mut config = settings.config();
    let at_start = settings.actions.iter().take_while(|(t, _)| *t == 0);
    for (_, action) in at_start {
        match action {
            Action::SetSnapshots(every) => config.snapshot_threshold = *every,
            Action::SetRaft(options) => config.raft = *options,
            Action::SetReads(path) => config.reads.path = *path,
            Action::SetDriftBound(ppm) => config.reads.clock_drift_ppm = *ppm,
            Action::SetNetwork(network) => config.network = *network,
            _ => {}
        }
    }
    config
}

fn explorer(
    bounds: Bounds,
    unsafe_switches: &[String],
    prefix: &[Action],
) -> Result<State, String> {
    let switches = unsafe_switches_named(unsafe_switches)?;
    let mut config = explorer_config(&bounds, switches);
    let mut enabled = switches.enabled();
    let switch = match (enabled.next(), enabled.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    };
    // One switch: the settings it needs to show (PreVote for
    // prevote-raises-term), as `sim::explore::plan` measured them.
    if let Some(ExplorePlan::Shows {
        config: planned, ..
    }) = switch.map(plan)
    {
        config = *planned;
    }
    // From the state `prefix` leads to (a plan's, for a search too deep
    // to run from the start).
    let explorer = Explorer::after(bounds, config, prefix)?;
    Ok(State::Exploring(Box::new(explorer)))
}

fn experiment(config: ExperimentConfig) -> Result<State, String> {
    if config.lines.is_empty() {
        return Err("the experiment has no lines to run".into());
    }
    Ok(State::Experimenting {
        experiment: Box::new(Experiment::new(config)),
        sent: 0,
    })
}

fn comparison(config: AvailabilityConfig) -> Result<State, String> {
    Ok(State::Comparing(Box::new(AvailabilityRun::new(config)?)))
}

type Stepped = (Vec<WorkerReply>, State);

/// `n` to its two leading figures, as an estimate is said: 139,423 is
/// 140,000.
fn two_figures(n: u64) -> u64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

/// The least total an unfinished search shows: its bar stops at 99%
/// (`Explorer::estimated_total`).
fn unfinished_floor(explored: u64) -> u64 {
    explored + explored / 99 + 1
}

fn progress(done: u64, total: u64, what: &str) -> WorkerReply {
    WorkerReply::Progress {
        done,
        total,
        what: what.to_string(),
    }
}

fn search_step(
    mut search: Box<FailureSearch>,
    max_seeds: u64,
    budget: Budget,
    work: &mut u64,
) -> Stepped {
    let p = search.step(budget.events);
    *work = p.events;
    let mut replies = vec![progress(p.seeds_tried, max_seeds, SEEDS_TRIED)];
    if let Some(found) = search.found() {
        let shrinker = Box::new(Shrinker::new(found, SHRINK_EVENTS));
        let kind = found.failure.kind;
        let next = State::Shrinking {
            shrinker,
            kind,
            base: p.events,
        };
        return (replies, next);
    }
    if p.exhausted {
        replies.push(WorkerReply::NotFound {
            seeds_tried: p.seeds_tried,
        });
        return (replies, State::Done);
    }
    let next = State::Searching { search, max_seeds };
    (replies, next)
}

fn shrink_step(
    mut shrinker: Box<Shrinker>,
    kind: FailureKind,
    base: u64,
    budget: Budget,
    work: &mut u64,
) -> Stepped {
    let p = shrinker.step(budget.events);
    *work = base + p.events;
    let mut replies = vec![progress(
        p.events.min(SHRINK_EVENTS),
        SHRINK_EVENTS,
        SHRINKING,
    )];
    if !p.done {
        let next = State::Shrinking {
            shrinker,
            kind,
            base,
        };
        return (replies, next);
    }
    replies.push(found(shrinker.scenario().clone(), kind));
    (replies, State::Done)
}

/// The final reply for a shrunk failure: told from a recorded replay as a
/// link to it is (`FailureReport::of_shared`), so that the story a person
/// sees is the one they share. That is the run's first failure: the
/// shrinking keeps the kind found failing, and can bring another to the
/// same event or before it (`snapshot-uncommitted`'s leader completeness
/// came with committed-entry stability at the same event).
fn found(scenario: Scenario, kind: FailureKind) -> WorkerReply {
    match FailureReport::of_shared(&scenario) {
        Some(report) => WorkerReply::Found { scenario, report },
        None => WorkerReply::Failed {
            message: format!(
                "the shrunk scenario no longer fails ({}): a bug in the shrinking",
                kind.name()
            ),
        },
    }
}

fn explore_step(mut explorer: Box<Explorer>, budget: Budget, work: &mut u64) -> Stepped {
    let p = explorer.step(budget.states);
    *work = p.explored;
    // Rounded, the estimate can fall back to the states checked, a full
    // bar with the search still going (a review); the explorer's own
    // floor, 1% above them, is kept after rounding.
    let total = match p.finished {
        true => p.explored,
        false => two_figures(explorer.estimated_total()).max(unfinished_floor(p.explored)),
    };
    let mut replies = vec![progress(p.explored, total, CHECKED_OF_ABOUT)];
    if !p.finished {
        return (replies, State::Exploring(explorer));
    }
    // The shortest failure, narrated as a found one is (and as a link to
    // it is): `of_shared` tells it when one switch was explored, which the
    // counterexample carries.
    let counterexample = explorer.scenario();
    let report = counterexample.as_ref().and_then(FailureReport::of_shared);
    replies.push(WorkerReply::Explored {
        progress: p,
        counterexample,
        report,
    });
    (replies, State::Done)
}

/// A trial a step (a trial is a few milliseconds); each line's figures
/// as soon as its last trial ran, then the end.
fn experiment_step(
    mut experiment: Box<Experiment>,
    mut sent: usize,
    budget: Budget,
    work: &mut u64,
) -> Stepped {
    let p = experiment.step(budget.trials);
    *work = p.done;
    let mut replies = vec![progress(p.done, p.total, TRIALS)];
    while experiment.line_done(sent) {
        if let Some(line) = experiment.line(sent) {
            replies.push(WorkerReply::ExperimentLine { line });
        }
        sent += 1;
    }
    if p.done < p.total {
        return (replies, State::Experimenting { experiment, sent });
    }
    replies.push(WorkerReply::ExperimentDone {
        errors: experiment.errors(),
    });
    (replies, State::Done)
}

/// The budget's simulator events a step; each combination's figures as
/// soon as its last seed ran, then the end.
fn compare_step(mut run: Box<AvailabilityRun>, budget: Budget, work: &mut u64) -> Stepped {
    let p = match run.step(budget.events) {
        Ok(p) => p,
        Err(message) => return (vec![WorkerReply::Failed { message }], State::Done),
    };
    *work = run.events();
    let mut replies = vec![progress(p.done, p.total, RUNS)];
    let parts = run.take_finished().into_iter();
    replies.extend(parts.map(|result| WorkerReply::AvailabilityPart { result }));
    if !run.is_done() {
        return (replies, State::Comparing(run));
    }
    replies.push(WorkerReply::AvailabilityDone { runs: p.total });
    (replies, State::Done)
}

#[cfg(test)]
#[path = "worker_jobs_tests.rs"]
mod tests;
