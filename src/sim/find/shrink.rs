//! Shrinking a failing scenario (delta debugging, after Zeller's ddmin):
//! fewer servers, fewer clients, fewer actions, an earlier end. Each
//! candidate is run again and kept only if it fails the same way (the
//! same invariant, or again not linearizable); the end moves to where it
//! then fails. Sliced by simulator events, and bounded in total.

use super::search::Found;
use super::trial::{Failure, FailureKind, Trial, TrialEnd};
use crate::raft::{NodeId, Time};
use crate::sim::action::Action;
use crate::sim::scenario::{ClientLoad, Scenario};
use serde::Serialize;

/// The size of a scenario, as shrinking sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ShrinkSizes {
    /// Timed actions.
    pub actions: usize,
    /// When it ends (simulated microseconds): at the failure.
    pub end: Time,
    /// Servers at the start.
    pub nodes: u64,
    /// Background clients.
    pub clients: u32,
}

impl ShrinkSizes {
    /// The sizes of `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        ShrinkSizes {
            actions: scenario.actions.len(),
            end: scenario.duration,
            nodes: scenario.nodes,
            clients: scenario.workload.map_or(0, |w| w.clients),
        }
    }
}

/// How far shrinking has come, after a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ShrinkProgress {
    /// Candidates run so far (the first run, of the scenario as found,
    /// included).
    pub candidates: u64,
    /// Candidates kept: each failed the same way and was smaller.
    pub kept: u64,
    /// Simulator events run so far.
    pub events: u64,
    /// The scenario as found replayed to the same failure (known once the
    /// first run ends).
    pub reproduced: bool,
    /// Nothing more to try, or the budget is spent.
    pub done: bool,
}

/// What to try next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Run the scenario as found: does it replay to the failure?
    Replay,
    /// Try this many servers (from 3 up to one fewer than now).
    Nodes(u64),
    /// Try the n-th client count of `client_counts`.
    Clients(usize),
    /// Remove `size` actions from `at` on.
    Chunks {
        size: usize,
        at: usize,
    },
    /// Remove actions `i` and `j` together.
    Pairs {
        i: usize,
        j: usize,
    },
    Done,
}

/// Pairs are tried only among this many actions (n²/2 candidates).
const PAIRS_UP_TO: usize = 16;

/// The shrinking of one found failure: [`Shrinker::step`] until `done`.
pub struct Shrinker {
    best: Scenario,
    failure: Failure,
    before: ShrinkSizes,
    phase: Phase,
    running: Option<(Scenario, Trial)>,
    progress: ShrinkProgress,
    max_events: u64,
}

impl Shrinker {
    /// Shrinks `found` with at most `max_events` simulator events in all.
    pub fn new(found: &Found, max_events: u64) -> Self {
        Shrinker {
            best: found.scenario.clone(),
            failure: found.failure.clone(),
            before: ShrinkSizes::of(&found.scenario),
            phase: Phase::Replay,
            running: None,
            progress: ShrinkProgress {
                candidates: 0,
                kept: 0,
                events: 0,
                reproduced: false,
                done: false,
            },
            max_events,
        }
    }

    /// The smallest failing scenario so far.
    pub fn scenario(&self) -> &Scenario {
        &self.best
    }

    /// How it fails.
    pub fn failure(&self) -> &Failure {
        &self.failure
    }

    /// The sizes of the scenario as found, and now.
    pub fn sizes(&self) -> (ShrinkSizes, ShrinkSizes) {
        (self.before, ShrinkSizes::of(&self.best))
    }

    /// Runs at most about `max_events` simulator events of candidates.
    pub fn step(&mut self, max_events: u64) -> ShrinkProgress {
        let mut budget = max_events;
        while budget > 0 && !self.progress.done {
            if self.progress.events >= self.max_events {
                self.progress.done = true;
                break;
            }
            let Some((_, trial)) = self.running.as_mut() else {
                self.start_next();
                continue;
            };
            let before = trial.sim().events();
            let end = trial.step(budget.min(self.max_events - self.progress.events));
            let ran = trial.sim().events() - before;
            self.progress.events += ran;
            budget = budget.saturating_sub(ran.max(1));
            if let Some(end) = end {
                self.judge(end);
            }
        }
        self.progress
    }

    /// Starts the next candidate, moving through the phases.
    fn start_next(&mut self) {
        while self.running.is_none() && self.phase != Phase::Done {
            let Some(candidate) = self.candidate() else {
                self.phase = self.next_phase(false);
                continue;
            };
            let target = Some(self.failure.kind);
            match Trial::start(&candidate, None, target, false) {
                Ok(trial) => {
                    self.progress.candidates += 1;
                    self.running = Some((candidate, trial));
                }
                Err(_) => self.phase = self.next_phase(false),
            }
        }
        if self.phase == Phase::Done && self.running.is_none() {
            self.progress.done = true;
        }
    }

    /// A candidate ended: keep it if it failed the same way.
    fn judge(&mut self, end: TrialEnd) {
        let (candidate, _) = self.running.take().expect("a candidate ran");
        let kept = match end {
            TrialEnd::Failed(failure) if failure.kind == self.failure.kind => {
                self.best = cut_at(candidate, failure.t);
                self.failure = failure;
                true
            }
            _ => false,
        };
        if self.phase == Phase::Replay {
            self.progress.reproduced = kept;
            if !kept {
                self.phase = Phase::Done;
                self.progress.done = true;
                return;
            }
        } else if kept {
            self.progress.kept += 1;
        }
        self.phase = self.next_phase(kept);
    }

    /// The candidate of the current phase, if it has one.
    fn candidate(&self) -> Option<Scenario> {
        let best = &self.best;
        match self.phase {
            Phase::Replay => Some(best.clone()),
            Phase::Nodes(n) => (n < best.nodes).then(|| with_nodes(best, n)),
            Phase::Clients(k) => {
                let count = *self.client_counts().get(k)?;
                Some(with_clients(best, count))
            }
            Phase::Chunks { size, at } => {
                (at < best.actions.len()).then(|| without(best, |i| (at..at + size).contains(&i)))
            }
            Phase::Pairs { i, j } => {
                (j < best.actions.len()).then(|| without(best, |k| k == i || k == j))
            }
            Phase::Done => None,
        }
    }

    /// Smaller client counts to try, smallest first (none at all only for
    /// an invariant: a history needs clients).
    fn client_counts(&self) -> Vec<u32> {
        let now = self.best.workload.map_or(0, |w| w.clients);
        let least = match self.failure.kind {
            FailureKind::NotLinearizable => 1,
            FailureKind::Invariant(_) => 0,
        };
        let mut counts: Vec<u32> = [least, 1, now / 2]
            .into_iter()
            .filter(|&c| c < now)
            .collect();
        counts.dedup();
        counts
    }

    /// Where to go after the current candidate, kept or not (or after a
    /// phase with no candidate left: `kept` false).
    fn next_phase(&self, kept: bool) -> Phase {
        let actions = self.best.actions.len();
        let chunks = Phase::Chunks {
            size: (actions / 2).max(1),
            at: 0,
        };
        match self.phase {
            Phase::Replay => Phase::Nodes(3),
            Phase::Nodes(_) if kept => Phase::Clients(0),
            Phase::Nodes(n) if n + 1 < self.best.nodes => Phase::Nodes(n + 1),
            Phase::Nodes(_) => Phase::Clients(0),
            Phase::Clients(_) if kept => chunks,
            Phase::Clients(k) if k + 1 < self.client_counts().len() => Phase::Clients(k + 1),
            Phase::Clients(_) => chunks,
            Phase::Chunks { size, at } if kept && at < actions => Phase::Chunks { size, at },
            Phase::Chunks { size, at } if at + size < actions => Phase::Chunks {
                size,
                at: at + size,
            },
            Phase::Chunks { size, .. } if size > 1 => Phase::Chunks {
                size: size / 2,
                at: 0,
            },
            Phase::Chunks { .. } if (2..=PAIRS_UP_TO).contains(&actions) => {
                Phase::Pairs { i: 0, j: 1 }
            }
            Phase::Pairs { i, .. } if kept => Phase::Pairs { i, j: i + 1 },
            Phase::Pairs { i, j } if j + 1 < actions => Phase::Pairs { i, j: j + 1 },
            Phase::Pairs { i, .. } if i + 2 < actions => Phase::Pairs { i: i + 1, j: i + 2 },
            Phase::Chunks { .. } | Phase::Pairs { .. } | Phase::Done => Phase::Done,
        }
    }
}

/// `scenario` ending at `t`, without the actions after it.
fn cut_at(mut scenario: Scenario, t: Time) -> Scenario {
    scenario.duration = t;
    scenario.actions.retain(|(at, _)| *at <= t);
    scenario
}

/// `scenario` without the actions whose positions `drop` picks.
fn without(scenario: &Scenario, drop: impl Fn(usize) -> bool) -> Scenario {
    let mut smaller = scenario.clone();
    let actions = std::mem::take(&mut smaller.actions).into_iter().enumerate();
    smaller.actions = actions.filter(|(i, _)| !drop(*i)).map(|(_, a)| a).collect();
    smaller
}

/// `scenario` with `nodes` servers: actions that name a server beyond them
/// (one of the removed, or one a membership change would add) are dropped,
/// and so are membership changes, whose new servers' ids would change.
fn with_nodes(scenario: &Scenario, nodes: NodeId) -> Scenario {
    let mut smaller = scenario.clone();
    smaller.nodes = nodes;
    smaller.actions.retain(|(_, action)| {
        let adds = matches!(action, Action::AddServer | Action::ReplaceServers { .. });
        !adds && action.nodes().iter().all(|&n| n <= nodes)
    });
    smaller
}

/// `scenario` with `clients` background clients (none: no workload).
fn with_clients(scenario: &Scenario, clients: u32) -> Scenario {
    let mut lighter = scenario.clone();
    lighter.workload = match (clients, scenario.workload) {
        (0, _) | (_, None) => None,
        (clients, Some(load)) => Some(ClientLoad { clients, ..load }),
    };
    lighter
}
