//! The breadth-first search: every state one step away before any two
//! steps away, so the first violation found is one of the shortest.
//!
//! A state is a whole [`Simulation`] whose messages and timers wait for
//! actions (`Delivery::ByAction`): the real core, the real network and the
//! real checkers, driven by the same actions a scenario replays. So every
//! step is checked by the same invariants as any simulated run, and a
//! counterexample is a scenario file the player opens at the violation.

use super::bounds::Bounds;
use super::fingerprint::Fingerprinter;
use super::moves::{moves, Used};
use crate::raft::{Time, UnsafeSwitches, MILLIS};
use crate::sim::fault_model::Delivery;
use crate::sim::find::scenario_of;
use crate::sim::linearizability::{self, Verdict};
use crate::sim::scenario::Scenario;
use crate::sim::{Action, SimConfig, Simulation};
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Simulated time between two steps of a path, so that a counterexample
/// replays as one action per millisecond.
pub const STEP: Time = MILLIS;
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
    /// The steps, in order; step `i` (from 0) happens at `(i + 1) * STEP`.
    pub actions: Vec<Action>,
    /// The invariant broken (`linearizability` for a history that is not).
    pub invariant: String,
    /// What exactly, in words.
    pub detail: String,
}

/// One step of a path, linked to the one before (paths share prefixes).
struct Step {
    action: Action,
    before: Option<Rc<Step>>,
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
    progress: ExploreProgress,
    found: Option<Counterexample>,
    /// The last state replayed up to its parent, and that parent's path:
    /// siblings sit side by side in a level, so most replays start here
    /// and take one step instead of the whole path.
    parent: Option<(Option<Rc<Step>>, Simulation)>,
}

impl Explorer {
    /// A search from a fresh cluster of `config` (its raft options, read
    /// path and unsafe switches count; its cluster size, clients, nemesis
    /// and delivery are the explorer's own: see [`explorer_config`]).
    pub fn new(bounds: Bounds, config: SimConfig) -> Result<Explorer, String> {
        bounds.validate()?;
        let mut config = explorable(config, &bounds);
        config.record_trace = false;
        let sim = Simulation::new(config.clone())?;
        let mut fingerprinter = Fingerprinter::new(bounds.nodes);
        let mut seen = HashSet::default();
        seen.insert(fingerprinter.fingerprint(&sim, Used::default().counts()));
        let first = Frontier {
            path: None,
            used: Used::default(),
        };
        Ok(Explorer {
            bounds,
            config,
            start: sim,
            seen,
            fingerprinter,
            level: VecDeque::from([first]),
            next: Vec::new(),
            depth: 0,
            progress: ExploreProgress {
                unique: 1,
                frontier: 1,
                ..ExploreProgress::default()
            },
            found: None,
            parent: None,
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

    /// The shortest violation found, once the search found one.
    pub fn counterexample(&self) -> Option<&Counterexample> {
        self.found.as_ref()
    }

    /// The counterexample as a scenario: one action per millisecond, the
    /// player paused at the last one, where the violation is.
    pub fn scenario(&self) -> Option<Scenario> {
        let found = self.found.as_ref()?;
        let end = found.actions.len() as Time * STEP;
        let steps: Vec<(Time, Action)> = (1..)
            .map(|i: Time| i * STEP)
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
    }

    /// Every move from `state`: each successor is checked, and kept for
    /// the next level if it is new.
    fn expand(&mut self, state: Frontier) {
        let from = self.replay(&state.path);
        let at = (self.depth + 1) as Time * STEP;
        for action in moves(&from, &self.bounds, state.used) {
            let mut sim = from.clone();
            sim.run_until(at);
            if sim.act_now(action.clone()).is_err() {
                continue;
            }
            self.progress.explored += 1;
            let used = state.used.after(&action);
            let path = Some(Rc::new(Step {
                action,
                before: state.path.clone(),
            }));
            if let Some((invariant, detail)) = violation(&sim) {
                self.found = Some(Counterexample {
                    actions: actions_of(&path),
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
            if sim.network().in_flight_count() > self.bounds.max_in_flight {
                self.progress.pruned += 1;
                continue;
            }
            self.next.push(Frontier { path, used });
        }
    }
}

impl Explorer {
    /// The state at the end of `path`, replayed from the start (step `i`
    /// at `(i + 1) * STEP`, as it was first taken), or from its parent
    /// when the state replayed last was a sibling.
    fn replay(&mut self, path: &Option<Rc<Step>>) -> Simulation {
        let Some(last) = path else {
            return self.start.clone();
        };
        let before = &last.before;
        let parent = match self.parent.take() {
            Some((at, sim)) if same_path(&at, before) => sim,
            _ => {
                let mut sim = self.start.clone();
                for (i, action) in actions_of(before).into_iter().enumerate() {
                    sim.run_until((i as Time + 1) * STEP);
                    sim.act_now(action).expect("it was taken once already");
                }
                sim
            }
        };
        let mut sim = parent.clone();
        self.parent = Some((before.clone(), parent));
        sim.run_until(path_len(path) as Time * STEP);
        sim.act_now(last.action.clone())
            .expect("it was taken once already");
        sim
    }
}

/// The first thing the checkers caught in `sim`: an invariant, else a
/// history that is not linearizable.
fn violation(sim: &Simulation) -> Option<(String, String)> {
    if let Some(v) = sim.violations().first() {
        return Some((v.invariant.name().to_string(), v.to_string()));
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

/// Whether two paths are the same one (not merely equal steps).
fn same_path(a: &Option<Rc<Step>>, b: &Option<Rc<Step>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        _ => false,
    }
}

/// How many steps a path has.
fn path_len(path: &Option<Rc<Step>>) -> usize {
    std::iter::successors(path.as_deref(), |step| step.before.as_deref()).count()
}

/// The actions of a path, first to last.
fn actions_of(path: &Option<Rc<Step>>) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut at = path.as_deref();
    while let Some(step) = at {
        actions.push(step.action.clone());
        at = step.before.as_deref();
    }
    actions.reverse();
    actions
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
