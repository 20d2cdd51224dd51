//! `raft-sim experiment election-downtime`: the Raft paper's Figure 16,
//! "The time to detect and replace a crashed leader" (extended paper §9.3),
//! reproduced in the simulator.
//!
//! Each line is a range of election timeouts; each trial crashes the
//! leader of a five-server cluster and measures the time without a leader
//! ([`super::trial`]). The top graph of the figure varies the randomness
//! (150–150 to 150–300 ms), the bottom one scales the timeout (12–24 to
//! 150–300 ms); the heartbeat interval is half the minimum timeout
//! throughout. "Each line represents 1000 trials (except for 100 trials for
//! '150–150ms')" (Figure 16's caption).
//!
//! The work is cut into trials, so a caller can run it in slices (a Web
//! Worker reporting progress, and stopping when asked): [`Experiment::step`]
//! runs the next few, [`Experiment::results`] summarizes what ran. Every
//! trial is a function of its line and seed alone, so the order and the
//! slicing change nothing.

use super::stats::{self, CdfPoint, Summary};
use super::trial::{self, TrialOutcome};
use crate::raft::{Time, Timing, MILLIS, SECONDS};
use crate::sim::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One line of the figure: election timeouts drawn uniformly from
/// `min..=max`, heartbeats every `min / 2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Line {
    /// The least election timeout, in simulated microseconds.
    pub min: Time,
    /// The greatest election timeout (inclusive).
    pub max: Time,
}

impl Line {
    /// The line of timeouts from `min` to `max` milliseconds.
    pub const fn ms(min: u64, max: u64) -> Line {
        Line {
            min: min * MILLIS,
            max: max * MILLIS,
        }
    }

    /// Its timing: "The leader was crashed uniformly randomly within its
    /// heartbeat interval, which was half of the minimum election timeout
    /// for all tests" (§9.3).
    pub fn timing(self) -> Timing {
        Timing {
            election_timeout_min: self.min,
            election_timeout_max: self.max,
            heartbeat_interval: self.min / 2,
        }
    }

    /// What the paper says of this line, if it quotes a figure.
    pub fn paper(self) -> &'static [PaperFigure] {
        paper_figures(self)
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{} ms", self.min / MILLIS, self.max / MILLIS)
    }
}

/// The top graph: "varies the amount of randomness in election timeouts".
pub const TOP: [Line; 6] = [
    Line::ms(150, 150),
    Line::ms(150, 151),
    Line::ms(150, 155),
    Line::ms(150, 175),
    Line::ms(150, 200),
    Line::ms(150, 300),
];

/// The bottom graph: "scales the minimum election timeout".
pub const BOTTOM: [Line; 5] = [
    Line::ms(12, 24),
    Line::ms(25, 50),
    Line::ms(50, 100),
    Line::ms(100, 200),
    Line::ms(150, 300),
];

/// Both graphs, 150–300 ms (on both) once.
pub fn all_lines() -> Vec<Line> {
    let mut lines = TOP.to_vec();
    lines.extend(BOTTOM.iter().filter(|l| !TOP.contains(l)));
    lines
}

/// A figure the paper gives for a line, in simulated microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaperFigure {
    /// The median downtime.
    Median(Time),
    /// The average downtime.
    Mean(Time),
    /// The longest trial.
    Max(Time),
    /// Every trial took longer than this.
    LongerThan(Time),
}

/// The figures §9.3 of the extended paper quotes (the thesis, §9.4, says
/// the same):
/// - 150–150 ms: "In the absence of randomness, leader election
///   consistently took longer than 10 seconds in our tests due to many
///   split votes."
/// - 150–155 ms: "Adding just 5ms of randomness helps significantly,
///   resulting in a median downtime of 287ms."
/// - 150–200 ms: "with 50ms of randomness the worst-case completion time
///   (over 1000 trials) was 513ms."
/// - 12–24 ms: "it takes only 35ms on average to elect a leader (the
///   longest trial took 152ms)."
///
/// No other line has a number in the text; the rest are curves only.
pub fn paper_figures(line: Line) -> &'static [PaperFigure] {
    use PaperFigure::*;
    match (line.min / MILLIS, line.max / MILLIS) {
        (150, 150) => &[LongerThan(10 * SECONDS)],
        (150, 155) => &[Median(287 * MILLIS)],
        (150, 200) => &[Max(513 * MILLIS)],
        (12, 24) => &[Mean(35 * MILLIS), Max(152 * MILLIS)],
        _ => &[],
    }
}

/// What to run: the lines, trials per line, and the first trial's seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperimentConfig {
    /// Trial `k` of every line has seed `seed + k`.
    pub seed: u64,
    /// Trials per line; the 150–150 ms line gets a tenth of them (at least
    /// one), as in the paper (1,000 and 100).
    pub trials: u64,
    /// The lines, in the order they are run and reported.
    pub lines: Vec<Line>,
}

impl Default for ExperimentConfig {
    fn default() -> Self {
        ExperimentConfig {
            seed: 1,
            trials: 1000,
            lines: all_lines(),
        }
    }
}

impl ExperimentConfig {
    /// Trials of `line`.
    pub fn trials_of(&self, line: Line) -> u64 {
        match line.min == line.max {
            true => (self.trials / 10).max(1),
            false => self.trials,
        }
    }
}

/// One trial: the index of its line in the configuration, and its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialId {
    /// Index into [`ExperimentConfig::lines`].
    pub line: usize,
    /// 0-based; the seed is the configuration's plus this.
    pub trial: u64,
}

/// How far a run has come, in trials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Trials run.
    pub done: u64,
    /// Trials in all.
    pub total: u64,
}

/// One line's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineResult {
    /// The timeout range.
    pub line: Line,
    /// The downtime: crash to every running server following a new leader.
    pub downtime: Summary,
    /// Crash to a server becoming leader of a later term.
    pub elected: Summary,
    /// Trials that took more than one term to end (a split vote, or an
    /// ineligible candidate that timed out first).
    pub more_than_one_term: u64,
    /// Trials that could not be set up or measured (see
    /// [`ExperimentResults::errors`]); not in the figures.
    pub failed: u64,
    /// The downtime's cumulative distribution, a point per trial.
    pub cdf: Vec<CdfPoint>,
    /// What the paper says of this line.
    pub paper: Vec<PaperFigure>,
}

/// Everything run so far, line by line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentResults {
    /// What was asked for.
    pub config: ExperimentConfig,
    /// One per line, in the configuration's order.
    pub lines: Vec<LineResult>,
    /// Trials that could not be set up or measured (none expected), each
    /// with its line, seed and reason.
    pub errors: Vec<String>,
}

/// The experiment, run a slice at a time.
#[derive(Clone, Debug)]
pub struct Experiment {
    config: ExperimentConfig,
    /// Per line, per trial: what it showed, once run.
    outcomes: Vec<Vec<Option<Result<TrialOutcome, String>>>>,
    /// Trials handed out so far, in line-then-trial order.
    handed_out: u64,
}

impl Experiment {
    /// Nothing run yet.
    pub fn new(config: ExperimentConfig) -> Self {
        let outcomes = config
            .lines
            .iter()
            .map(|&l| vec![None; config.trials_of(l) as usize])
            .collect();
        Experiment {
            config,
            outcomes,
            handed_out: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    /// Trials run, of all.
    pub fn progress(&self) -> Progress {
        let all = self.outcomes.iter().flatten();
        Progress {
            done: all.clone().filter(|o| o.is_some()).count() as u64,
            total: all.count() as u64,
        }
    }

    /// Runs up to `max_trials` more trials, in order; returns the progress.
    pub fn step(&mut self, max_trials: u64) -> Progress {
        for id in self.take(max_trials) {
            let outcome = self.run(id);
            self.record(id, outcome);
        }
        self.progress()
    }

    /// The next `max` trials not yet handed out, marked as handed out: for
    /// a caller that runs them itself (on several threads) and gives each
    /// back with [`Experiment::record`].
    pub fn take(&mut self, max: u64) -> Vec<TrialId> {
        let mut ids = Vec::new();
        let mut skip = self.handed_out;
        for (line, trials) in self.outcomes.iter().enumerate() {
            let n = trials.len() as u64;
            let first = skip.min(n);
            skip -= first;
            let wanted = max - ids.len() as u64;
            ids.extend((first..n.min(first + wanted)).map(|trial| TrialId { line, trial }));
        }
        self.handed_out += ids.len() as u64;
        ids
    }

    /// Runs trial `id` (a pure function of its line and seed).
    pub fn run(&self, id: TrialId) -> Result<TrialOutcome, String> {
        trial::measure(&self.trial_scenario(id)?)
    }

    /// Keeps what trial `id` showed.
    pub fn record(&mut self, id: TrialId, outcome: Result<TrialOutcome, String>) {
        if let Some(slot) = self
            .outcomes
            .get_mut(id.line)
            .and_then(|l| l.get_mut(id.trial as usize))
        {
            *slot = Some(outcome);
        }
    }

    /// The scenario of trial `id`, to replay or open in the player.
    pub fn trial_scenario(&self, id: TrialId) -> Result<Scenario, String> {
        let line = *self.config.lines.get(id.line).ok_or("no such line")?;
        trial::trial_scenario(line, self.config.seed + id.trial)
    }

    /// The results of the trials run so far.
    pub fn results(&self) -> ExperimentResults {
        ExperimentResults {
            config: self.config.clone(),
            lines: (0..self.config.lines.len())
                .filter_map(|i| self.line(i))
                .collect(),
            errors: self.errors(),
        }
    }

    /// Whether every trial of line `i` (an index into the configuration's
    /// lines) has run.
    pub fn line_done(&self, i: usize) -> bool {
        self.outcomes
            .get(i)
            .is_some_and(|o| o.iter().all(Option::is_some))
    }

    /// Line `i`'s results, of the trials run so far: what
    /// [`Experiment::results`] has for it, to hand out one line at a time.
    pub fn line(&self, i: usize) -> Option<LineResult> {
        let (&line, outcomes) = self.config.lines.get(i).zip(self.outcomes.get(i))?;
        let ran: Vec<&TrialOutcome> = outcomes.iter().flatten().flatten().collect();
        let failed = outcomes
            .iter()
            .filter(|o| matches!(o, Some(Err(_))))
            .count();
        Some(LineResult {
            failed: failed as u64,
            ..line_result(line, &ran)
        })
    }

    /// The trials that could not be set up or measured, each with its
    /// line, seed and reason.
    pub fn errors(&self) -> Vec<String> {
        let lines = self.config.lines.iter().zip(&self.outcomes);
        lines
            .flat_map(|(&line, outcomes)| {
                outcomes.iter().enumerate().filter_map(move |(trial, o)| {
                    let Some(Err(e)) = o else { return None };
                    let seed = self.config.seed + trial as u64;
                    Some(format!("{line}, seed {seed}: {e}"))
                })
            })
            .collect()
    }
}

fn line_result(line: Line, ran: &[&TrialOutcome]) -> LineResult {
    let downtimes: Vec<Option<Time>> = ran.iter().map(|o| o.downtime).collect();
    let elected: Vec<Option<Time>> = ran.iter().map(|o| o.elected_after).collect();
    let seeded: Vec<(Option<Time>, u64)> = ran.iter().map(|o| (o.downtime, o.seed)).collect();
    LineResult {
        line,
        downtime: stats::summarize(&downtimes),
        elected: stats::summarize(&elected),
        more_than_one_term: ran.iter().filter(|o| o.elections() != Some(1)).count() as u64,
        failed: 0,
        cdf: stats::cdf(&seeded),
        paper: line.paper().to_vec(),
    }
}
