//! The Experiments view's second part: PreVote and CheckQuorum, each off
//! and on, under partial partitions (`sim::experiment::switch_availability`),
//! run in a Web Worker and drawn as bars beside the README's figures. Its
//! state and decisions: the seed counts offered, what a run's progress
//! reads, the bars as each combination arrives, and the run a bar opens in
//! the player. `src/ui/experiments.rs` draws it.

use super::availability_chart::{difference, rows, BarChart, Row};
use super::experiment_figure::count;
use super::experiments::{running_headline, ForPlayer, Status};
use crate::raft::{MILLIS, SECONDS};
use crate::sim::action::Action;
use crate::sim::experiment::switch_availability::{AvailabilityConfig, SwitchResult, Switches};
use crate::sim::Scenario;

/// How many seeds a run has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedCount {
    /// A first look.
    Quick,
    /// The page's default: enough for the order of the README's table.
    Page,
}

impl SeedCount {
    /// Both, as offered.
    pub const ALL: [SeedCount; 2] = [SeedCount::Quick, SeedCount::Page];

    /// Seeds per combination.
    pub fn seeds(self) -> u64 {
        match self {
            SeedCount::Quick => 40,
            SeedCount::Page => 250,
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            SeedCount::Quick => "Quick run: 40 seeds per combination",
            SeedCount::Page => "250 seeds per combination",
        }
    }

    /// What it costs, measured in the release page (README, "In the page:
    /// the Experiments view").
    pub fn cost(self) -> &'static str {
        match self {
            SeedCount::Quick => {
                "160 runs of 60 s: 3 s in Chromium, 4 s in Firefox on a busy 2-core machine"
            }
            SeedCount::Page => {
                "1,000 runs of 60 s: 14 to 18 s in Chromium, 20 s in Firefox on a busy 2-core machine"
            }
        }
    }

    /// What the worker runs: seeds 1 onwards at 5 nodes, 60 s each, the
    /// README's table's first seeds.
    pub fn config(self) -> AvailabilityConfig {
        AvailabilityConfig {
            seed: 1,
            seeds: self.seeds(),
            nodes: 5,
            duration: 60 * SECONDS,
        }
    }
}

/// The comparison's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The seed count of the last run started.
    pub seeds: SeedCount,
    /// Where the run stands.
    pub status: Status,
    /// The combinations received, in order.
    pub parts: Vec<SwitchResult>,
    /// How many of them are drawn ([`Comparison::draw_step`]).
    shown: usize,
    /// The bars of them.
    pub chart: BarChart,
    /// The table of them.
    pub rows: Vec<Row>,
    /// How ours differ from the README's, once all four are in.
    pub difference: Option<String>,
    /// Which run replies belong to (as `Experiments::run`).
    pub run: u64,
    narrow: bool,
    started_ms: f64,
    /// Wall milliseconds the last finished run took.
    pub took_ms: Option<f64>,
}

impl Comparison {
    /// Nothing run yet.
    pub fn new(narrow: bool) -> Comparison {
        Comparison {
            seeds: SeedCount::Quick,
            status: Status::Idle,
            parts: Vec::new(),
            shown: 0,
            chart: BarChart::new(&[], narrow),
            rows: Vec::new(),
            difference: None,
            run: 0,
            narrow,
            started_ms: 0.0,
            took_ms: None,
        }
    }

    /// Starts a run at wall time `now_ms`: its number and what the worker
    /// is to run. The last run's bars go.
    pub fn start(&mut self, seeds: SeedCount, now_ms: f64) -> (u64, AvailabilityConfig) {
        let config = seeds.config();
        self.seeds = seeds;
        self.run += 1;
        self.started_ms = now_ms;
        self.took_ms = None;
        self.status = Status::Running {
            done: 0,
            total: config.runs(),
            what: crate::view::worker_jobs::RUNS.to_string(),
        };
        self.parts.clear();
        self.shown = 0;
        self.redraw();
        (self.run, config)
    }

    /// The worker's progress on run `run`.
    pub fn progress(&mut self, run: u64, done: u64, total: u64, what: String) {
        if run == self.run && self.running() {
            self.status = Status::Running { done, total, what };
        }
    }

    /// One combination of run `run`, to draw in a task of its own
    /// ([`Comparison::draw_step`]): reading the worker's message is one.
    pub fn part(&mut self, run: u64, result: SwitchResult) {
        if run == self.run && self.running() {
            self.parts.push(result);
        }
    }

    /// Whether a combination received is not drawn yet.
    pub fn drawing(&self) -> bool {
        self.shown < self.parts.len()
    }

    /// Draws the next combination received.
    pub fn draw_step(&mut self) {
        if self.drawing() {
            self.shown += 1;
            self.redraw();
        }
    }

    /// Run `run` ended at wall time `now_ms`; a run missing a combination
    /// failed.
    pub fn finished(&mut self, run: u64, now_ms: f64) {
        if run != self.run || !self.running() {
            return;
        }
        if self.parts.len() < Switches::ALL.len() {
            self.status = Status::Failed("the worker sent only some combinations".into());
            return;
        }
        self.took_ms = Some(now_ms - self.started_ms);
        self.status = Status::Done;
    }

    /// Run `run` could not go on.
    pub fn failed(&mut self, run: u64, message: String) {
        if run == self.run && self.running() {
            self.status = Status::Failed(message);
        }
    }

    /// The person stopped the run: the combinations in stay drawn.
    pub fn cancel(&mut self) {
        if self.running() {
            self.status = Status::Cancelled;
            self.run += 1;
        }
    }

    /// Whether a run is going.
    pub fn running(&self) -> bool {
        matches!(self.status, Status::Running { .. })
    }

    /// The drawing's width changed.
    pub fn set_narrow(&mut self, narrow: bool) {
        if narrow != self.narrow {
            self.narrow = narrow;
            self.redraw();
        }
    }

    fn redraw(&mut self) {
        let shown = &self.parts[..self.shown];
        self.chart = BarChart::new(shown, self.narrow);
        self.rows = rows(shown);
        self.difference = difference(shown);
    }

    /// The progress bar's share, 0 to 1, while running.
    pub fn share_done(&self) -> Option<f64> {
        self.status.share_done()
    }

    /// How far a run has got, while it runs (beside its progress bar).
    pub fn progress_text(&self) -> Option<String> {
        self.status.progress_text("runs")
    }

    /// The status line, said by a screen reader as it changes.
    pub fn status_text(&self) -> String {
        match &self.status {
            Status::Idle => "Not run yet: choose how many seeds.".to_string(),
            Status::Running { total, .. } => running_headline(*total, "runs"),
            Status::Done => match self.took_ms {
                Some(ms) => format!(
                    "Done: {} runs in {} s in this browser. Click a group of bars (or Tab to it and press Enter) to open its median seed in the player.",
                    count(self.seeds.config().runs()),
                    crate::sim::decimal::fixed(ms / 1000.0, 1)
                ),
                None => "Done.".to_string(),
            },
            Status::Cancelled => "Cancelled.".to_string(),
            Status::Failed(e) => format!("The comparison failed: {e}"),
        }
    }

    /// The run the bars of group `group` (an index into `chart.groups`)
    /// open: the combination's median seed, for the player.
    pub fn trial(&self, group: usize) -> Option<Result<ForPlayer, String>> {
        let switches = self.chart.groups.get(group)?.switches;
        let part = self.parts.iter().find(|p| p.switches == switches)?;
        let which = match switches {
            Switches::Neither => "PreVote and CheckQuorum off",
            Switches::PreVote => "PreVote on, CheckQuorum off",
            Switches::CheckQuorum => "CheckQuorum on, PreVote off",
            Switches::Both => "PreVote and CheckQuorum on",
        };
        let caption = format!(
            "{which}: the median run of {} (seed {}), paused just before the first partial partition. Press Play to watch whether a leader keeps serving.",
            count(part.seeds.len() as u64),
            part.median.seed,
        );
        Some(median_for_player(part).map(|scenario| ForPlayer { scenario, caption }))
    }
}

/// Opened this long before the first partial partition, the player shows
/// the cluster whole, about to be cut.
pub const BEFORE_THE_FIRST_CUT: u64 = MILLIS;

/// A combination's median seed as the player opens it: its run, paused
/// just before the nemesis first deafens a server or leaves one reaching
/// only some peers.
pub fn median_for_player(part: &SwitchResult) -> Result<Scenario, String> {
    let mut scenario = part.median.clone();
    let first = scenario
        .actions
        .iter()
        .find_map(|(at, a)| {
            matches!(a, Action::Deafen(_) | Action::ReachOnly { .. }).then_some(*at)
        })
        .ok_or_else(|| format!("seed {} has no partial partition", scenario.seed))?;
    scenario.cursor = Some(first.saturating_sub(BEFORE_THE_FIRST_CUT));
    Ok(scenario)
}

#[cfg(test)]
#[path = "comparison_tests.rs"]
mod tests;
