//! PreVote and CheckQuorum under partial partitions: how much of a run a
//! leader could serve, and how many client operations succeeded, with each
//! switch off and on (README, "PreVote and CheckQuorum"). The figures are
//! `raft-sim sweep --faults partial [--pre-vote] [--check-quorum]`'s:
//! the same configuration ([`sweep_config`]) run by the same checked run
//! (`sim::run`), seed by seed, a slice at a time so that the page's Web
//! Worker can run it. Seed `k` is the same seed, so the same nemesis
//! stream, under every combination.
//!
//! Each run is made replayable (`NemesisConfig::replayable`: a fault runs
//! after the other events of its microsecond, as a scenario's action does,
//! and the nemesis logs what it did), so any seed's run is also a scenario
//! the player opens exactly; the combination's median seed travels with
//! its figures as one.

use crate::raft::{Time, SECONDS};
use crate::sim::action::Action;
use crate::sim::config::{RaftOptions, SimConfig, MAX_NODES};
use crate::sim::find::scenario_of;
use crate::sim::run::{CheckedRun, LINEARIZABILITY_STEPS};
use crate::sim::scenario::Scenario;
use crate::sim::simulation::Simulation;
use serde::{Deserialize, Serialize};

/// Which of PreVote and CheckQuorum are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Switches {
    /// Both off: Figure 2's Raft.
    Neither,
    /// PreVote only (thesis §9.6).
    PreVote,
    /// CheckQuorum only (thesis §6.2).
    CheckQuorum,
    /// Both on.
    Both,
}

impl Switches {
    /// Every combination, in the order they run and are reported.
    pub const ALL: [Switches; 4] = [
        Switches::Neither,
        Switches::PreVote,
        Switches::CheckQuorum,
        Switches::Both,
    ];

    /// The raft options it turns on.
    pub fn options(self) -> RaftOptions {
        RaftOptions {
            pre_vote: matches!(self, Switches::PreVote | Switches::Both),
            check_quorum: matches!(self, Switches::CheckQuorum | Switches::Both),
        }
    }

    /// As the README's table names it.
    pub fn label(self) -> &'static str {
        match self {
            Switches::Neither => "neither",
            Switches::PreVote => "PreVote",
            Switches::CheckQuorum => "CheckQuorum",
            Switches::Both => "both",
        }
    }

    /// The `raft-sim sweep` flags that give it.
    pub fn flags(self) -> &'static str {
        match self {
            Switches::Neither => "",
            Switches::PreVote => " --pre-vote",
            Switches::CheckQuorum => " --check-quorum",
            Switches::Both => " --pre-vote --check-quorum",
        }
    }
}

/// What `raft-sim sweep --faults partial --nodes N [--pre-vote]
/// [--check-quorum]` runs for `seed` (three clients, ten operations a
/// second, the CLI's defaults): kept equal to the CLI's by
/// `tests/cli.rs`.
pub fn sweep_config(nodes: u64, switches: Switches, seed: u64) -> SimConfig {
    let mut config = SimConfig {
        seed,
        nodes,
        ..SimConfig::default()
    };
    config.workload.clients = 3;
    config.workload.rate = 10.0;
    config.raft = switches.options();
    config.with_partial_partitions()
}

/// What to run: seeds `seed..seed + seeds` under each combination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityConfig {
    /// The first seed.
    pub seed: u64,
    /// Seeds per combination.
    pub seeds: u64,
    /// Cluster size.
    pub nodes: u64,
    /// The fault phase of each run (the liveness phase follows).
    pub duration: Time,
}

impl Default for AvailabilityConfig {
    /// The README's table's runs, 1,000 seeds of 60 s at 5 nodes.
    fn default() -> Self {
        AvailabilityConfig {
            seed: 1,
            seeds: 1000,
            nodes: 5,
            duration: 60 * SECONDS,
        }
    }
}

impl AvailabilityConfig {
    /// Runs in all: every seed under every combination.
    pub fn runs(&self) -> u64 {
        self.seeds * Switches::ALL.len() as u64
    }

    /// The run of seed `seed` under `switches`: the sweep's, replayable.
    pub fn sim_config(&self, switches: Switches, seed: u64) -> SimConfig {
        let mut config = sweep_config(self.nodes, switches, seed);
        config.nemesis.replayable = true;
        config
    }

    /// Refuses what the page should never ask for.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=10_000).contains(&self.seeds) {
            return Err(format!("seeds must be 1 to 10000, got {}", self.seeds));
        }
        if !(3..=MAX_NODES).contains(&self.nodes) {
            return Err(format!(
                "partial partitions need 3 to {MAX_NODES} servers, got {}",
                self.nodes
            ));
        }
        if !(SECONDS..=600 * SECONDS).contains(&self.duration) {
            return Err("a run's fault phase must be 1 s to 10 min".into());
        }
        // A seed is written in its scenario, whose JSON numbers are whole
        // only below 2^53.
        if self.seed > 9_000_000_000_000_000 {
            return Err("the first seed must be at most 9000000000000000".into());
        }
        Ok(())
    }
}

/// One run's figures. The counts are 32-bit (a fault phase of at most
/// 10 min has at most 60,000 samples, and the clients a few thousand
/// operations): they cross to the page as plain numbers, which it reads
/// faster than the BigInts a 64-bit number crosses as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedFigures {
    /// Its seed.
    pub seed: u64,
    /// Samples of the fault phase (one per 10 ms).
    pub samples: u32,
    /// Those with a serving leader.
    pub with_leader: u32,
    /// Client operations acknowledged.
    pub ops_ok: u32,
    /// Client operations in all (ok, failed, unknown).
    pub ops: u32,
}

impl SeedFigures {
    /// Its share of samples with a serving leader, 0 to 1.
    pub fn serving(&self) -> f64 {
        self.with_leader as f64 / self.samples.max(1) as f64
    }
}

/// One combination's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwitchResult {
    /// The combination.
    pub switches: Switches,
    /// Every seed's figures, in seed order.
    pub seeds: Vec<SeedFigures>,
    /// Seeds whose run failed a check (a safety violation, a history not
    /// linearizable, no leader or catch-up after healing): none expected.
    pub failing: Vec<u64>,
    /// The median seed's run (`median_seed`) as a scenario: its
    /// configuration without the nemesis, the nemesis's strikes as
    /// actions, the fault phase as its duration.
    pub median: Scenario,
}

impl SwitchResult {
    /// Samples with a serving leader, of all samples, over every seed.
    pub fn serving(&self) -> (u64, u64) {
        let sum = |f: fn(&SeedFigures) -> u32| self.seeds.iter().map(|s| u64::from(f(s))).sum();
        (sum(|s| s.with_leader), sum(|s| s.samples))
    }

    /// Client operations acknowledged, of all, over every seed.
    pub fn ops(&self) -> (u64, u64) {
        let sum = |f: fn(&SeedFigures) -> u32| self.seeds.iter().map(|s| u64::from(f(s))).sum();
        (sum(|s| s.ops_ok), sum(|s| s.ops))
    }
}

/// The seed with the median share of time with a serving leader (the lower
/// middle for an even count, ties by seed), or none of none.
pub fn median_seed(seeds: &[SeedFigures]) -> Option<SeedFigures> {
    let mut sorted = seeds.to_vec();
    // Cross-multiplied, not divided: exact.
    sorted.sort_by(|a, b| {
        let (x, y) = (
            u128::from(a.with_leader) * u128::from(b.samples.max(1)),
            u128::from(b.with_leader) * u128::from(a.samples.max(1)),
        );
        x.cmp(&y).then(a.seed.cmp(&b.seed))
    });
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}

/// How far a run has come, in runs (a seed under one combination).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Runs finished.
    pub done: u64,
    /// Runs in all.
    pub total: u64,
}

/// The comparison, run a few thousand simulator events at a time.
pub struct AvailabilityRun {
    config: AvailabilityConfig,
    /// Index into [`Switches::ALL`] of the combination running.
    switch: usize,
    /// The run going on, and its seed.
    current: Option<(u64, Box<CheckedRun>)>,
    /// The combination's seeds so far, and what each one's nemesis did.
    seeds: Vec<SeedFigures>,
    strikes: Vec<Vec<(Time, Action)>>,
    failing: Vec<u64>,
    /// Combinations finished and not yet taken.
    finished: Vec<SwitchResult>,
    done: u64,
    /// Simulator events run so far, over every run.
    events: u64,
}

impl AvailabilityRun {
    /// Nothing run yet; a configuration the page should never send is
    /// refused.
    pub fn new(config: AvailabilityConfig) -> Result<AvailabilityRun, String> {
        config.validate()?;
        // Every configuration starts: the first one's errors are all.
        Simulation::new(config.sim_config(Switches::Neither, config.seed))?;
        Ok(AvailabilityRun {
            config,
            switch: 0,
            current: None,
            seeds: Vec::new(),
            strikes: Vec::new(),
            failing: Vec::new(),
            finished: Vec::new(),
            done: 0,
            events: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AvailabilityConfig {
        &self.config
    }

    /// Runs done, of all.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.done,
            total: self.config.runs(),
        }
    }

    /// Simulator events run so far, over every run.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Whether every run is done.
    pub fn is_done(&self) -> bool {
        self.switch >= Switches::ALL.len()
    }

    /// Runs about `max_events` simulator events (at least one 10 ms
    /// sample; a run's end also checks its history, which is no event);
    /// returns the progress.
    pub fn step(&mut self, max_events: u64) -> Result<Progress, String> {
        let mut spent = 0;
        while spent < max_events && !self.is_done() {
            let switches = Switches::ALL[self.switch];
            let (seed, mut run) = match self.current.take() {
                Some(going) => going,
                None => {
                    let seed = self.config.seed + self.seeds.len() as u64;
                    let sim = Simulation::new(self.config.sim_config(switches, seed))?;
                    let run = CheckedRun::new(sim, self.config.duration, LINEARIZABILITY_STEPS);
                    (seed, Box::new(run))
                }
            };
            let before = run.sim().events();
            let ended = run.step(max_events - spent);
            let ran = run.sim().events() - before;
            self.events += ran;
            spent += ran.max(1);
            if !ended {
                self.current = Some((seed, run));
                continue;
            }
            let (sim, report) = run.finish(|_| {});
            let ops = report.ops_ok + report.ops_fail + report.ops_unknown;
            let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            self.seeds.push(SeedFigures {
                seed,
                samples: narrow(report.availability.samples),
                with_leader: narrow(report.availability.with_leader),
                ops_ok: narrow(report.ops_ok as u64),
                ops: narrow(ops as u64),
            });
            self.strikes.push(sim.nemesis().taken().to_vec());
            if !report.passed() {
                self.failing.push(seed);
            }
            self.done += 1;
            if self.seeds.len() as u64 == self.config.seeds {
                self.close(switches);
            }
        }
        Ok(self.progress())
    }

    /// The combination's seeds are all run: its results, with its median
    /// seed's run as a scenario.
    fn close(&mut self, switches: Switches) {
        let seeds = std::mem::take(&mut self.seeds);
        let strikes = std::mem::take(&mut self.strikes);
        let median = median_seed(&seeds).expect("at least one seed");
        let k = (median.seed - self.config.seed) as usize;
        let mut config = self.config.sim_config(switches, median.seed);
        config.nemesis = Default::default();
        let scenario = scenario_of(&config, self.config.duration, &strikes[k]);
        self.finished.push(SwitchResult {
            switches,
            seeds,
            failing: std::mem::take(&mut self.failing),
            median: scenario,
        });
        self.switch += 1;
    }

    /// The combinations finished since the last call, in order.
    pub fn take_finished(&mut self) -> Vec<SwitchResult> {
        std::mem::take(&mut self.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::run::run_simulation;

    fn figures(seed: u64, with_leader: u32) -> SeedFigures {
        SeedFigures {
            seed,
            samples: 100,
            with_leader,
            ops_ok: 0,
            ops: 0,
        }
    }

    #[test]
    fn the_median_is_the_lower_middle_share_ties_by_seed() {
        let seeds = [
            figures(1, 80),
            figures(2, 20),
            figures(3, 50),
            figures(4, 60),
        ];
        assert_eq!(median_seed(&seeds).map(|s| s.seed), Some(3));
        let seeds = [figures(1, 50), figures(2, 50), figures(3, 10)];
        assert_eq!(median_seed(&seeds).map(|s| s.seed), Some(1));
        assert_eq!(median_seed(&[]), None);
    }

    #[test]
    fn the_switches_turn_on_what_they_say() {
        let on: Vec<(bool, bool)> = Switches::ALL
            .iter()
            .map(|s| (s.options().pre_vote, s.options().check_quorum))
            .collect();
        assert_eq!(
            on,
            [(false, false), (true, false), (false, true), (true, true)]
        );
    }

    /// Two seeds of 3 s: each combination's figures are those of
    /// `sim::run` for the same configuration, seed by seed, whatever the
    /// slices; and the median's scenario replays its run exactly.
    #[test]
    fn a_small_comparison_is_the_checked_runs_of_its_seeds() {
        let config = AvailabilityConfig {
            seed: 11,
            seeds: 2,
            nodes: 5,
            duration: 3 * SECONDS,
        };
        let mut run = AvailabilityRun::new(config.clone()).unwrap();
        let mut results = Vec::new();
        while !run.is_done() {
            run.step(700).unwrap();
            results.extend(run.take_finished());
        }
        assert_eq!(run.progress(), Progress { done: 8, total: 8 });
        assert_eq!(results.len(), 4);
        for (result, switches) in results.iter().zip(Switches::ALL) {
            assert_eq!(result.switches, switches);
            for (k, figures) in result.seeds.iter().enumerate() {
                let seed = 11 + k as u64;
                let sim = Simulation::new(config.sim_config(switches, seed)).unwrap();
                let (_, report) = run_simulation(sim, 3 * SECONDS, |_| {});
                assert_eq!(figures.seed, seed);
                assert_eq!(u64::from(figures.samples), report.availability.samples);
                assert_eq!(
                    u64::from(figures.with_leader),
                    report.availability.with_leader
                );
                assert_eq!(figures.ops_ok as usize, report.ops_ok);
            }
            let median = median_seed(&result.seeds).unwrap();
            assert_eq!(result.median.seed, median.seed);
            assert_eq!(result.median.raft, switches.options());
            let replayed = result.median.start(false).unwrap();
            let (_, report) = run_simulation(replayed, 3 * SECONDS, |_| {});
            assert_eq!(
                report.availability.with_leader,
                u64::from(median.with_leader)
            );
            assert_eq!(report.ops_ok, median.ops_ok as usize);
        }
    }

    #[test]
    fn a_configuration_the_page_never_sends_is_refused() {
        for bad in [
            AvailabilityConfig {
                seeds: 0,
                ..AvailabilityConfig::default()
            },
            AvailabilityConfig {
                nodes: 2,
                ..AvailabilityConfig::default()
            },
            AvailabilityConfig {
                duration: 0,
                ..AvailabilityConfig::default()
            },
        ] {
            assert!(AvailabilityRun::new(bad).is_err());
        }
    }
}
