//! The breadth-first search: every state one step away before any two
//! steps away, so the first violation found is one of the shortest.
//!
//! A state is a whole [`Simulation`] whose messages and timers wait for
//! actions (`Delivery::ByAction`): the real core, the real network and the
//! real checkers, driven by the same actions a scenario replays. So every
//! step is checked by the same invariants as any simulated run, and a
//! counterexample is a scenario file the player opens at the violation.

use super::bounds::Bounds;
use super::estimate::{estimated_total, LevelCounts};
use super::fingerprint::Fingerprinter;
use super::moves::{live_in_flight, moves, new_client_request, Used};
use super::timing;
use crate::raft::{Time, UnsafeSwitches, MILLIS};
use crate::sim::disk::DiskConfig;
use crate::sim::fault_model::Delivery;
use crate::sim::find::scenario_of;
use crate::sim::linearizability::{self, Verdict};
use crate::sim::scenario::Scenario;
use crate::sim::{Action, SimConfig, Simulation};
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Simulated time between two steps of a path, so that a counterexample
/// replays as one action per millisecond (a wait, `timing`, is longer).
pub const STEP: Time = MILLIS;

/// When the prefix's step `i` (from 0) is taken: one [`STEP`] after the
/// one before, the first at `STEP`. [`Explorer::after`] plays the prefix
/// at these times, and a counterexample's scenario names them.
fn prefix_time(i: usize) -> Time {
    (i as Time + 1) * STEP
}

/// The linearizability search's budget per key; the explorer's histories
/// hold a handful of operations, far below it.
const LINEARIZABILITY_BUDGET: u64 = 100_000;

/// The configuration the explorer runs: `bounds.nodes` servers, no
/// background clients, no nemesis, and every message and timer waiting
/// for an action.
pub fn explorer_config(bounds: &Bounds, unsafe_switches: UnsafeSwitches) -> SimConfig {
    let config = SimConfig {
        unsafe_switches,
        ..SimConfig::default()
    };
    explorable(config, bounds)
}

/// A disk on which each write becomes durable `steps` steps after it is
/// issued, so a crash in between loses it (0: durable at once, the
/// default). What `reply-before-persist` needs to show. Nothing is torn,
/// so no random draw enters the search; the fingerprint then counts each
/// server's disk (`Fingerprinter::with_disks`).
pub fn lagging_disk(steps: u32) -> DiskConfig {
    DiskConfig {
        fsync_latency: Time::from(steps) * STEP,
        ..DiskConfig::default()
    }
}

/// `config` as the explorer runs it: its cluster size, no background
/// clients, no nemesis, every message and timer waiting for an action.
fn explorable(mut config: SimConfig, bounds: &Bounds) -> SimConfig {
    config.nodes = bounds.nodes;
    config.faults.delivery = Delivery::ByAction;
    config.workload.clients = 0;
    config.nemesis.enabled = false;
    config
}

/// How far the search has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExploreProgress {
    /// States reached by a step, each checked, repeats included.
    pub explored: u64,
    /// Distinct states after symmetry reduction, the start included.
    pub unique: u64,
    /// States not expanded because too many messages were in flight.
    pub pruned: u64,
    /// Every state this many steps from the start, or fewer, was checked.
    pub depth_done: u32,
    /// States waiting to be expanded.
    pub frontier: u64,
    /// The search is over: a violation was found, the depth bound was
    /// reached, or no new state was left.
    pub finished: bool,
}

/// The shortest path to a violation the search found.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// The actions, in order.
    pub actions: Vec<Action>,
    /// The step (from 1) each action belongs to: one action per step,
    /// except that with `Bounds::instant_requests` a client request and
    /// its delivery are one step, and a wait (`timing`) is a step with no
    /// action.
    pub step_of: Vec<u32>,
    /// The real time of each action: `step * STEP` without waits, and
    /// each wait's length later after it.
    pub at: Vec<Time>,
    /// The invariant broken (`linearizability` for a history that is not).
    pub invariant: String,
    /// What exactly, in words.
    pub detail: String,
}

/// One step of a path, linked to the one before (paths share prefixes).
struct Step {
    /// What the step does; `None` for a wait.
    action: Option<Action>,
    /// When it is taken, in real time.
    at: Time,
    /// The client request `action` sent, delivered in the same step
    /// (`Bounds::instant_requests`).
    deliver: Option<u64>,
    before: Option<Rc<Step>>,
}

impl Counterexample {
    /// How many steps it takes.
    pub fn steps(&self) -> u32 {
        self.step_of.last().copied().unwrap_or(0)
    }
}

/// A state waiting to be expanded: only the path to it, which is
/// replayed from the start when its turn comes. A whole simulation is
/// about 5 KB; a path shares all but its last step with its parent's, so
/// the frontier of millions of states fits in memory (the replay costs a
/// step per level, spread over the state's ten or so successors).
struct Frontier {
    path: Option<Rc<Step>>,
    used: Used,
}

/// The search. Call [`Explorer::step`] until it reports `finished`; a
/// caller that must stay responsive (a Web Worker posting progress) calls
/// it with a small budget and may simply stop calling to cancel.
pub struct Explorer {
    /// The steps taken before the search starts (see [`Explorer::after`]).
    prefix: Vec<Action>,
    bounds: Bounds,
    config: SimConfig,
    /// The state every path starts from.
    start: Simulation,
    seen: HashSet<u64, BuildHasherDefault<Identity>>,
    fingerprinter: Fingerprinter,
    level: VecDeque<Frontier>,
    next: Vec<Frontier>,
    /// Steps from the start of the states in `level`.
    depth: u32,
    /// States in `level` when it began, and successors checked before.
    level_size: u64,
    explored_before: u64,
    /// The lowest projection of the whole search's work so far.
    lowest_estimate: u64,
    progress: ExploreProgress,
    found: Option<Counterexample>,
    /// The states along the last path replayed, one per step (entry `i`
    /// is the state after step `i + 1`, with that step): a level lists
    /// states in the order of their parents, and those in the order of
    /// theirs, so consecutive states share most of their paths, and a
    /// replay starts from the deepest state the two share instead of from
    /// the start (or, as before, only from a shared parent: at depth 20
    /// most states have one or two new children, so that replayed nearly
    /// whole paths).
    along: Vec<(Rc<Step>, Simulation)>,
}

impl Explorer {
    /// A search from a fresh cluster of `config` (its raft options, read
    /// path and unsafe switches count; its cluster size, clients, nemesis
    /// and delivery are the explorer's own: see [`explorer_config`]).
    pub fn new(bounds: Bounds, config: SimConfig) -> Result<Explorer, String> {
        Explorer::after(bounds, config, &[])
    }

    /// A search from the state `prefix` leads to, one action per step from
    /// a fresh cluster of `config`: every state at most `bounds.depth`
    /// steps further is checked (a test reaches a deep counterexample this
    /// way in a fraction of the time). Its counterexample starts with
    /// `prefix`; what the prefix used counts against the budgets.
    pub fn after(bounds: Bounds, config: SimConfig, prefix: &[Action]) -> Result<Explorer, String> {
        bounds.validate()?;
        let mut config = explorable(config, &bounds);
        timing::check_clients(&bounds, &config)?;
        timing::check_leases(&bounds, &config)?;
        config.record_trace = false;
        let mut sim = Simulation::new(config.clone())?;
        let mut used = Used::default();
        for (i, action) in prefix.iter().enumerate() {
            sim.run_until(prefix_time(i));
            sim.act_now(action.clone())?;
            used = used.after(action);
        }
        let mut fingerprinter = Fingerprinter::new(bounds.nodes)
            .losing_stale_requests(bounds.stale_requests_lost)
            .with_disks(!config.disk.is_synchronous());
        if timing::is_timed(&bounds) {
            fingerprinter = fingerprinter.timed(timing::local_horizon(&bounds));
        }
        let mut seen = HashSet::default();
        seen.insert(fingerprinter.fingerprint(&sim, used.counts()));
        let first = Frontier { path: None, used };
        Ok(Explorer {
            prefix: prefix.to_vec(),
            bounds,
            config,
            start: sim,
            seen,
            fingerprinter,
            level: VecDeque::from([first]),
            next: Vec::new(),
            depth: 0,
            level_size: 1,
            explored_before: 0,
            lowest_estimate: u64::MAX,
            progress: ExploreProgress {
                unique: 1,
                frontier: 1,
                ..ExploreProgress::default()
            },
            found: None,
            along: Vec::new(),
        })
    }

    /// Expands up to `budget` states (at least one), then reports.
    pub fn step(&mut self, budget: u64) -> ExploreProgress {
        for _ in 0..budget.max(1) {
            if self.progress.finished {
                break;
            }
            match self.level.pop_front() {
                Some(state) => self.expand(state),
                None => self.next_level(),
            }
        }
        self.progress.frontier = (self.level.len() + self.next.len()) as u64;
        self.progress
    }

    /// Runs to the end.
    pub fn run(&mut self) -> ExploreProgress {
        while !self.step(10_000).finished {}
        self.progress
    }

    /// The successors the whole search will have checked, projected from
    /// the level being expanded (see [`estimated_total`]), and never more
    /// than an earlier projection (early ones count too much, and a bar
    /// whose total grows would go back) unless the work has come within
    /// 1% of it: then 1% more than what was checked. What was checked
    /// once the search is over.
    pub fn estimated_total(&mut self) -> u64 {
        if self.progress.finished {
            return self.progress.explored;
        }
        let projected = estimated_total(&LevelCounts {
            depth: self.depth,
            bound: self.bounds.depth,
            level_size: self.level_size,
            level_left: self.level.len() as u64,
            explored_before: self.explored_before,
            explored: self.progress.explored,
            next_found: self.next.len() as u64,
        });
        self.lowest_estimate = self.lowest_estimate.min(projected);
        // Until the search is over the bar stops at 99%: an estimate the
        // work has reached is too low, and a full bar while the search
        // went on for seconds more read as done (a page tester). The share
        // then stays near 99% (it dips by under 1% where explored / 99
        // steps up).
        let explored = self.progress.explored;
        self.lowest_estimate.max(explored + explored / 99 + 1)
    }

    /// The shortest violation found, once the search found one.
    pub fn counterexample(&self) -> Option<&Counterexample> {
        self.found.as_ref()
    }

    /// The counterexample as a scenario: each action at its real time
    /// (one per millisecond, waits apart), the player paused at the last
    /// one, where the violation is.
    pub fn scenario(&self) -> Option<Scenario> {
        let found = self.found.as_ref()?;
        let end = found.at.last().copied().unwrap_or(0);
        let steps: Vec<(Time, Action)> = found
            .at
            .iter()
            .copied()
            .zip(found.actions.iter().cloned())
            .collect();
        Some(Scenario {
            cursor: Some(end),
            ..scenario_of(&self.config, end + STEP, &steps)
        })
    }

    /// The level is done: every state one step further has been checked.
    fn next_level(&mut self) {
        self.depth += 1;
        self.progress.depth_done = self.depth;
        if self.next.is_empty() || self.depth >= self.bounds.depth {
            self.progress.finished = true;
            self.next.clear();
            return;
        }
        self.level = std::mem::take(&mut self.next).into();
        self.level_size = self.level.len() as u64;
        self.explored_before = self.progress.explored;
    }

    /// Every move from `state`: each successor is checked, and kept for
    /// the next level if it is new.
    fn expand(&mut self, state: Frontier) {
        self.replay(&state.path);
        // Borrowed, not cloned: a clone of a whole simulation (and its
        // allocations) is most of a step's cost.
        let from = self.along.last().map_or(&self.start, |(_, sim)| sim);
        let bounds = &self.bounds;
        let mut all: Vec<Option<Action>> = moves(from, bounds, state.used)
            .into_iter()
            .filter(|a| timing::allows(from, bounds, a))
            .map(Some)
            .collect();
        if state.used.waits < bounds.waits {
            all.push(None);
        }
        for action in all {
            let mut sim = from.clone();
            let at = from.now()
                + if action.is_some() {
                    STEP
                } else {
                    timing::wait(bounds)
                };
            sim.run_until(at);
            let mut deliver = None;
            let mut used = Used {
                waits: state.used.waits + u32::from(action.is_none()),
                ..state.used
            };
            if let Some(action) = &action {
                if sim.act_now(action.clone()).is_err() {
                    continue;
                }
                if self.bounds.instant_requests && matches!(action, Action::ClientRequest { .. }) {
                    deliver = new_client_request(&sim);
                    if let Some(id) = deliver {
                        if sim.act_now(Action::DeliverMessage(id)).is_err() {
                            continue;
                        }
                    }
                }
                used = used.after(action);
            }
            self.progress.explored += 1;
            let path = Some(Rc::new(Step {
                action,
                at,
                deliver,
                before: state.path.clone(),
            }));
            // Linearizability reads the history alone: a step that left it
            // as it was cannot change the verdict its parent had.
            let history_changed = sim.history() != from.history();
            if let Some((invariant, detail)) = violation(&sim, history_changed) {
                let (actions, step_of, at) = self.with_prefix(actions_of(&path));
                self.found = Some(Counterexample {
                    actions,
                    step_of,
                    at,
                    invariant,
                    detail,
                });
                self.progress.depth_done = self.depth;
                self.progress.finished = true;
                return;
            }
            if !self
                .seen
                .insert(self.fingerprinter.fingerprint(&sim, used.counts()))
            {
                continue;
            }
            self.progress.unique += 1;
            if live_in_flight(&sim, &self.bounds) > self.bounds.max_in_flight {
                self.progress.pruned += 1;
                continue;
            }
            self.next.push(Frontier { path, used });
        }
    }
}

impl Explorer {
    /// The actions, steps and times of a path from where the search
    /// started, with the prefix before them (one step a millisecond).
    fn with_prefix(&self, (actions, step_of, at): Taken) -> Taken {
        let skip = self.prefix.len() as u32;
        let all = self.prefix.iter().cloned().chain(actions);
        let steps = (1..=skip).chain(step_of.into_iter().map(|s| s + skip));
        let times = (0..self.prefix.len()).map(prefix_time).chain(at);
        (all.collect(), steps.collect(), times.collect())
    }

    /// Makes the last of `along` the state at the end of `path` (the start
    /// when `along` is empty), replayed (each step at its time, as it was
    /// first taken) from the deepest state it shares with the path
    /// replayed last.
    fn replay(&mut self, path: &Option<Rc<Step>>) {
        let mut chain: Vec<&Rc<Step>> = Vec::new();
        let mut at = path.as_ref();
        while let Some(step) = at {
            chain.push(step);
            at = step.before.as_ref();
        }
        chain.reverse();
        // Paths are a tree of shared steps: sharing the step at `k` means
        // sharing every step before it.
        let mut shared = chain.len().min(self.along.len());
        while shared > 0 && !Rc::ptr_eq(&self.along[shared - 1].0, chain[shared - 1]) {
            shared -= 1;
        }
        self.along.truncate(shared);
        for &step in chain.iter().skip(shared) {
            let mut sim = match self.along.last() {
                Some((_, sim)) => sim.clone(),
                None => self.start.clone(),
            };
            sim.run_until(step.at);
            if let Some(action) = &step.action {
                sim.act_now(action.clone())
                    .expect("it was taken once already");
            }
            if let Some(id) = step.deliver {
                sim.act_now(Action::DeliverMessage(id))
                    .expect("it was taken once already");
            }
            self.along.push((Rc::clone(step), sim));
        }
    }
}

/// The first thing the checkers caught in `sim`: an invariant, else (if
/// the step changed the history) a history that is not linearizable.
fn violation(sim: &Simulation, history_changed: bool) -> Option<(String, String)> {
    if let Some(v) = sim.violations().first() {
        return Some((v.invariant.name().to_string(), v.to_string()));
    }
    if !history_changed {
        return None; // checked as it is when it last changed
    }
    let history = sim.history();
    if !history.iter().any(|op| op.return_t.is_some()) {
        return None; // nothing returned: nothing to contradict
    }
    match linearizability::check(&history.to_vec(), LINEARIZABILITY_BUDGET).verdict {
        Verdict::NotLinearizable {
            key, explanation, ..
        } => Some((
            "linearizability".into(),
            format!("NOT linearizable on key {key:?}: {explanation}"),
        )),
        _ => None,
    }
}

/// How many steps a path has.
fn path_len(path: &Option<Rc<Step>>) -> usize {
    std::iter::successors(path.as_deref(), |step| step.before.as_deref()).count()
}

/// A path's actions, the step (from 1) of each, and the time of each.
type Taken = (Vec<Action>, Vec<u32>, Vec<Time>);

/// The actions of a path, first to last, with the step (from 1) and the
/// time of each; a wait is a step with no action.
fn actions_of(path: &Option<Rc<Step>>) -> Taken {
    let mut actions = Vec::new();
    let mut at = path.as_deref();
    let mut step = path_len(path) as u32;
    while let Some(s) = at {
        if let Some(id) = s.deliver {
            actions.push((Action::DeliverMessage(id), step, s.at));
        }
        if let Some(action) = &s.action {
            actions.push((action.clone(), step, s.at));
        }
        at = s.before.as_deref();
        step -= 1;
    }
    actions.reverse();
    let mut taken: Taken = Default::default();
    for (action, step, time) in actions {
        taken.0.push(action);
        taken.1.push(step);
        taken.2.push(time);
    }
    taken
}

/// The hasher of the seen set: its keys are fingerprints, hashes already.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}
