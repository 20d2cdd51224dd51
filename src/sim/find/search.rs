//! The search: seed after seed of the nemesis with one unsafe switch on,
//! until a run fails, in slices a caller bounds by simulator events.

use super::needs::settings_for;
use super::trial::{scenario_of, Failure, Trial, TrialEnd};
use crate::raft::{Time, UnsafeSwitch, SECONDS};
use crate::sim::config::SimConfig;
use crate::sim::scenario::{Scenario, MAX_SEED};
use serde::Serialize;

/// Simulated time per seed: a sweep's (`raft-sim sweep --duration 60s`).
pub const SEED_DURATION: Time = 60 * SECONDS;

/// How far the search has come, after a slice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SearchProgress {
    /// Seeds started so far (the one running included).
    pub seeds_tried: u64,
    /// Simulator events run so far, over all seeds.
    pub events: u64,
    /// A failing run was found: [`FailureSearch::found`] has it.
    pub found: bool,
    /// Every seed allowed was tried, and none failed.
    pub exhausted: bool,
}

/// A failing run, as an explicit scenario: the nemesis's actions scheduled
/// at their times, the nemesis off, ending at the failure.
#[derive(Clone, Debug)]
pub struct Found {
    /// The seed that failed.
    pub seed: u64,
    /// The run as a scenario that replays to the failure.
    pub scenario: Scenario,
    /// What failed, and when.
    pub failure: Failure,
    /// Simulator events the failing seed ran.
    pub events: u64,
}

/// The search for a failing seed: make one with [`FailureSearch::new`],
/// call [`FailureSearch::step`] until it says `found` or `exhausted`.
pub struct FailureSearch {
    config: SimConfig,
    duration: Time,
    /// The next seed to try; `None` past the largest seed there is.
    next_seed: Option<u64>,
    last_seed: u64,
    running: Option<Trial>,
    progress: SearchProgress,
    found: Option<Found>,
}

impl FailureSearch {
    /// Searches seeds `config.seed`, `config.seed + 1`, ... (at most
    /// `max_seeds` of them, and none past [`MAX_SEED`], so the failure is
    /// a scenario) of `config` with what `switch` needs ([`settings_for`]),
    /// each for `SEED_DURATION`.
    pub fn new(config: SimConfig, switch: UnsafeSwitch, max_seeds: u64) -> Result<Self, String> {
        let config = settings_for(switch, config);
        config.validate()?;
        Ok(Self::with_settings(config, max_seeds))
    }

    /// As [`FailureSearch::new`], with `config` taken as it is (no switch
    /// turned on): the safe core, for one, should never be found failing.
    pub fn with_settings(config: SimConfig, max_seeds: u64) -> Self {
        FailureSearch {
            next_seed: Some(config.seed),
            last_seed: (config.seed.saturating_add(max_seeds.saturating_sub(1))).min(MAX_SEED),
            duration: SEED_DURATION,
            running: None,
            progress: SearchProgress {
                exhausted: max_seeds == 0,
                ..SearchProgress::default()
            },
            found: None,
            config,
        }
    }

    /// Each seed runs this long instead of `SEED_DURATION`.
    pub fn with_duration(mut self, duration: Time) -> Self {
        self.duration = duration;
        self
    }

    /// The configuration searched (with what the switch needs).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The failing run, once found.
    pub fn found(&self) -> Option<&Found> {
        self.found.as_ref()
    }

    /// Runs at most about `max_events` simulator events (plus, when a seed
    /// ends in them, its linearizability check), then says how far it is.
    pub fn step(&mut self, max_events: u64) -> SearchProgress {
        let mut budget = max_events;
        while budget > 0 && !self.progress.found && !self.progress.exhausted {
            let Some(trial) = self.running.as_mut() else {
                self.start_next_seed();
                continue;
            };
            let before = trial.sim().events();
            let end = trial.step(budget);
            let ran = trial.sim().events() - before;
            self.progress.events += ran;
            budget = budget.saturating_sub(ran.max(1));
            match end {
                None => {}
                Some(TrialEnd::Passed) => self.running = None,
                Some(TrialEnd::Failed(failure)) => self.record_found(failure),
            }
        }
        self.progress
    }

    fn start_next_seed(&mut self) {
        let Some(seed) = self.next_seed.filter(|&s| s <= self.last_seed) else {
            self.progress.exhausted = true;
            return;
        };
        self.next_seed = seed.checked_add(1);
        self.progress.seeds_tried += 1;
        let config = SimConfig {
            seed,
            ..self.config.clone()
        };
        let scenario = scenario_of(&config, self.duration, &[]);
        match Trial::start(&scenario, Some(config.nemesis), None, false) {
            Ok(trial) => self.running = Some(trial),
            // A configuration that validated starts; nothing else can fail.
            Err(_) => self.progress.exhausted = true,
        }
    }

    /// The failing seed as a scenario: the nemesis's actions up to the
    /// failure, at their times, ending there.
    fn record_found(&mut self, failure: Failure) {
        let trial = self.running.take().expect("a trial was running");
        let sim = trial.sim();
        let taken = sim.nemesis().taken();
        let until = taken.partition_point(|(t, _)| *t <= failure.t);
        let config = SimConfig {
            seed: sim.config().seed,
            ..self.config.clone()
        };
        self.found = Some(Found {
            seed: config.seed,
            scenario: scenario_of(&config, failure.t, &taken[..until]),
            failure,
            events: sim.events(),
        });
        self.progress.found = true;
    }
}
