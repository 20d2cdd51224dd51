//! The page's "Experiments" view: the Raft paper's Figure 16 (the time to
//! elect a new leader after a crash) run in a Web Worker, drawn, and set
//! beside the paper's figures. This is its state and every decision it
//! makes: which trial counts are offered, what a run's progress reads, the
//! graphs and table once the results arrive, what the pointer is over, and
//! the scenario a clicked trial opens in the player. `src/ui` draws it and
//! carries messages to and from the worker.

use super::chart::Frame;
use super::comparison::Comparison;
use super::experiment_figure::{count, hover_text, line_label, ms_text, Graph, Nearest};
use super::experiment_table::{rows, Row};
use crate::raft::MILLIS;
use crate::sim::action::Action;
use crate::sim::experiment::election_downtime::{
    ExperimentConfig, ExperimentResults, Line, LineResult, BOTTOM, TOP,
};
use crate::sim::experiment::trial;
use crate::sim::Scenario;

/// Which view of the page is showing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PageView {
    /// The playground.
    #[default]
    Player,
    /// The experiments (`?view=experiments`).
    Experiments,
}

impl PageView {
    /// From the `view=` parameter's value.
    pub fn parse(value: &str) -> Option<PageView> {
        match value {
            "experiments" => Some(PageView::Experiments),
            "player" | "" => Some(PageView::Player),
            _ => None,
        }
    }
}

/// The query string to show for `view`, if it differs from `current`:
/// `view=experiments` added or taken away, every other parameter kept.
pub fn query_for(current: &str, view: PageView) -> Option<String> {
    let mut pairs: Vec<&str> = current
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("view="))
        .collect();
    if view == PageView::Experiments {
        pairs.push("view=experiments");
    }
    let wanted = match pairs.is_empty() {
        true => String::new(),
        false => format!("?{}", pairs.join("&")),
    };
    (wanted != current).then_some(wanted)
}

/// How many trials a run has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// 100 trials per line (10 for 150–150 ms): a first look.
    Quick,
    /// The paper's: 1,000 per line (100 for 150–150 ms).
    Paper,
}

impl Setting {
    /// Both, as offered.
    pub const ALL: [Setting; 2] = [Setting::Quick, Setting::Paper];

    /// Trials per line.
    pub fn trials(self) -> u64 {
        match self {
            Setting::Quick => 100,
            Setting::Paper => 1000,
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Quick => "Quick run: 100 trials per line",
            Setting::Paper => "The paper's counts: 1,000 per line",
        }
    }

    /// What it costs, measured in the release page (README, "Figure 16").
    pub fn cost(self) -> &'static str {
        match self {
            Setting::Quick => {
                "910 trials (10 for 150–150 ms, a tenth as in the paper: with no randomness its trials split votes for seconds): 2 to 3 s in Chromium and in Firefox on a busy 2-core machine"
            }
            Setting::Paper => {
                "9,100 trials (100 for 150–150 ms, a tenth as in the paper): 15 to 24 s in Chromium, 17 to 33 s in Firefox on a busy 2-core machine"
            }
        }
    }

    /// The experiment it runs.
    pub fn config(self) -> ExperimentConfig {
        ExperimentConfig {
            trials: self.trials(),
            ..ExperimentConfig::default()
        }
    }
}

/// Where a run stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Nothing run yet.
    Idle,
    /// Running in the worker.
    Running {
        /// Trials done.
        done: u64,
        /// Trials in all.
        total: u64,
        /// What the worker says it is doing.
        what: String,
    },
    /// Finished: the graphs and table are drawn.
    Done,
    /// Stopped by the person.
    Cancelled,
    /// The worker could not run it.
    Failed(String),
}

impl Status {
    /// The progress bar's share, 0 to 1, while running.
    pub fn share_done(&self) -> Option<f64> {
        match self {
            Status::Running { done, total, .. } => Some(if *total == 0 {
                0.0
            } else {
                *done as f64 / *total as f64
            }),
            _ => None,
        }
    }

    /// The count beside the progress bar, in `unit`s, while running.
    pub fn progress_text(&self, unit: &str) -> Option<String> {
        match self {
            Status::Running { done, total, what } => Some(running_text(*done, *total, what, unit)),
            _ => None,
        }
    }
}

/// A running job's count beside its progress bar, counting `unit`s
/// ("trials", "runs"): the worker starting until the first is done, then
/// how many are. Not the status line: it changes ten times a second, and a
/// screen reader read out each change (an accessibility tester).
fn running_text(done: u64, total: u64, what: &str, unit: &str) -> String {
    match done {
        0 => format!("Starting the worker ({} {unit})…", count(total)),
        _ => format!("{} of {} {what}", count(done), count(total)),
    }
}

/// A running job's status line, the same from start to end: it is said
/// once.
pub fn running_headline(total: u64, unit: &str) -> String {
    format!("Running {} {unit} in the worker…", count(total))
}

/// What the pointer is over in a graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    /// Which graph (0: top, 1: bottom).
    pub graph: usize,
    /// The pointer, in the graph's drawing units.
    pub x: f64,
    /// (y)
    pub y: f64,
    /// The time and percent under the pointer.
    pub at: String,
    /// The nearest trial, in words.
    pub trial: Option<String>,
    /// The nearest trial, to mark it.
    pub nearest: Option<Nearest>,
}

/// The view's state (see the module's words).
#[derive(Clone, Debug, PartialEq)]
pub struct Experiments {
    /// The trial count of the last run started.
    pub setting: Setting,
    /// Where the run stands.
    pub status: Status,
    /// The graphs' size.
    pub frame: Frame,
    /// The last run's results.
    pub results: Option<ExperimentResults>,
    /// What the run going on was asked to do.
    config: ExperimentConfig,
    /// Its lines so far, as the worker sends each.
    lines: Vec<LineResult>,
    /// Figure 16's two graphs of them.
    pub graphs: Vec<Graph>,
    /// The table of them.
    pub rows: Vec<Row>,
    /// Whether pieces of the figure are left to draw
    /// ([`Experiments::draw_step`]).
    drawing: bool,
    /// The PreVote/CheckQuorum comparison, the view's second part.
    pub comparison: Comparison,
    /// What the pointer is over.
    pub hover: Option<Hover>,
    /// Which run replies belong to: bumped by every start and cancel, so a
    /// late reply of an earlier run changes nothing.
    pub run: u64,
    started_ms: f64,
    /// Wall milliseconds the last finished run took.
    pub took_ms: Option<f64>,
    /// Bumped by every change, for the page to redraw only then.
    pub version: u64,
}

impl Experiments {
    /// Nothing run yet; narrow graphs for a phone-sized window.
    pub fn new(narrow: bool) -> Experiments {
        Experiments {
            setting: Setting::Quick,
            status: Status::Idle,
            frame: if narrow { Frame::NARROW } else { Frame::WIDE },
            results: None,
            config: ExperimentConfig::default(),
            lines: Vec::new(),
            graphs: Vec::new(),
            rows: Vec::new(),
            drawing: false,
            comparison: Comparison::new(narrow),
            hover: None,
            run: 0,
            started_ms: 0.0,
            took_ms: None,
            version: 0,
        }
    }

    /// Starts a run at wall time `now_ms`: returns its number and what the
    /// worker is to run.
    pub fn start(&mut self, setting: Setting, now_ms: f64) -> (u64, ExperimentConfig) {
        let config = setting.config();
        let total = config.lines.iter().map(|&l| config.trials_of(l)).sum();
        self.setting = setting;
        self.config = config.clone();
        self.lines.clear();
        self.run += 1;
        self.started_ms = now_ms;
        self.status = Status::Running {
            done: 0,
            total,
            what: "trials run".to_string(),
        };
        self.version += 1;
        (self.run, config)
    }

    /// The worker's progress on run `run`.
    pub fn progress(&mut self, run: u64, done: u64, total: u64, what: String) {
        if run == self.run && matches!(self.status, Status::Running { .. }) {
            self.status = Status::Running { done, total, what };
            self.version += 1;
        }
    }

    /// The worker's figures of one line of run `run`.
    pub fn line(&mut self, run: u64, line: LineResult) {
        if run == self.run && matches!(self.status, Status::Running { .. }) {
            self.lines.push(line);
        }
    }

    /// Run `run` finished at wall time `now_ms` (every line was sent; its
    /// trials that could not run are `errors`). The figure is drawn a piece
    /// at a time from now on: [`Experiments::draw_step`].
    pub fn finished(&mut self, run: u64, errors: Vec<String>, now_ms: f64) {
        if run != self.run || !matches!(self.status, Status::Running { .. }) {
            return;
        }
        self.took_ms = Some(now_ms - self.started_ms);
        self.status = Status::Done;
        self.results = Some(ExperimentResults {
            config: self.config.clone(),
            lines: std::mem::take(&mut self.lines),
            errors,
        });
        self.redraw();
    }

    /// Run `run` could not go on.
    pub fn failed(&mut self, run: u64, message: String) {
        if run == self.run && matches!(self.status, Status::Running { .. }) {
            self.status = Status::Failed(message);
            self.version += 1;
        }
    }

    /// The person stopped the run.
    pub fn cancel(&mut self) {
        if matches!(self.status, Status::Running { .. }) {
            self.status = Status::Cancelled;
            self.run += 1;
            self.version += 1;
        }
    }

    /// Whether a figure is there to show: the last finished run's stays
    /// while another runs, and after it is cancelled or fails (starting a
    /// run used to hide it for good).
    pub fn has_results(&self) -> bool {
        self.results.is_some()
    }

    /// Whether a run is going.
    pub fn running(&self) -> bool {
        matches!(self.status, Status::Running { .. })
    }

    /// The window turned narrow or wide (a phone turned, a window
    /// resized): the graphs and the comparison's bars are drawn again at
    /// their size for it. Whether they change.
    pub fn set_narrow(&mut self, narrow: bool) -> bool {
        let frame = if narrow { Frame::NARROW } else { Frame::WIDE };
        self.comparison.set_narrow(narrow);
        let changed = frame != self.frame;
        if changed {
            self.frame = frame;
            self.redraw();
        }
        changed
    }

    /// Draws the figure again, from its first piece.
    fn redraw(&mut self) {
        self.hover = None;
        self.version += 1;
        self.graphs.clear();
        self.rows.clear();
        self.drawing = self.results.is_some();
    }

    /// Whether pieces of the figure, or combinations of the comparison,
    /// are left to draw.
    pub fn drawing(&self) -> bool {
        self.drawing || self.comparison.drawing()
    }

    /// Draws the next piece: of the figure, the top graph's axes, then its
    /// lines one by one, the bottom graph's likewise, then the table; else
    /// the comparison's next combination. The page draws one a task, so
    /// that no task, nor the frame after it, takes long (README, "In the
    /// page: the Experiments view").
    pub fn draw_step(&mut self) {
        let Some(results) = self.results.as_ref().filter(|_| self.drawing) else {
            return self.comparison.draw_step();
        };
        self.version += 1;
        if let Some(graph) = self.graphs.last_mut().filter(|g| !g.complete()) {
            graph.add_curve(results);
            return;
        }
        match self.graphs.len() {
            0 => self.graphs.push(Graph::axes(
                "Varying the randomness",
                &TOP,
                results,
                self.frame,
            )),
            1 => self.graphs.push(Graph::axes(
                "Scaling the timeout",
                &BOTTOM,
                results,
                self.frame,
            )),
            _ => {
                self.rows = rows(results);
                self.drawing = false;
            }
        }
    }

    /// The pointer moved to (`x`, `y`) of graph `graph` (drawing units).
    pub fn hover(&mut self, graph: usize, x: f64, y: f64) {
        let Some(g) = self.graphs.get(graph) else {
            return;
        };
        let (at, trial) = hover_text(g, x, y);
        let nearest = g.nearest(x, y);
        self.hover = Some(Hover {
            graph,
            x,
            y,
            at,
            trial,
            nearest,
        });
        self.version += 1;
    }

    /// The pointer left the graphs.
    pub fn leave(&mut self) {
        if self.hover.take().is_some() {
            self.version += 1;
        }
    }

    /// A tap of a finger at (`x`, `y`) of graph `graph`: a touch screen has
    /// no hover, so the first tap reads the graph there, as a pointer's
    /// hover does, and a second tap on the same trial opens it.
    pub fn tap(&mut self, graph: usize, x: f64, y: f64) -> Option<Result<ForPlayer, String>> {
        let near = self.graphs.get(graph)?.nearest(x, y);
        let read = (self.hover.as_ref()).is_some_and(|h| h.graph == graph && h.nearest == near);
        if near.is_some() && read {
            return self.pick(graph, x, y);
        }
        self.hover(graph, x, y);
        None
    }

    /// The trial a click at (`x`, `y`) of graph `graph` picks, as the
    /// run to open in the player: `None` when no trial is near.
    pub fn pick(&self, graph: usize, x: f64, y: f64) -> Option<Result<ForPlayer, String>> {
        let near = self.graphs.get(graph)?.nearest(x, y)?;
        self.trial(graph, near.curve, near.mark)
    }

    /// A drawn trial (graph, curve, mark) as the run to open in the
    /// player, with the words that say which it is.
    pub fn trial(
        &self,
        graph: usize,
        curve: usize,
        mark: usize,
    ) -> Option<Result<ForPlayer, String>> {
        let g = self.graphs.get(graph)?;
        let (curve, mark) = g.mark(&Nearest { curve, mark })?;
        let caption = format!(
            "Figure 16, the {} line, trial {} of {} (seed {}): paused just before the leader crashes. Press Play to watch the cluster go {} ms without a leader until it elects another.",
            line_label(curve.line),
            mark.seed - g.first_seed + 1,
            count(curve.trials),
            mark.seed,
            ms_text(mark.value),
        );
        Some(
            trial_for_player(curve.line, mark.seed).map(|scenario| ForPlayer { scenario, caption }),
        )
    }

    /// The progress bar's share, 0 to 1, while running.
    pub fn share_done(&self) -> Option<f64> {
        self.status.share_done()
    }

    /// How far a run has got, while it runs (beside its progress bar).
    pub fn progress_text(&self) -> Option<String> {
        self.status.progress_text("trials")
    }

    /// The status line, said by a screen reader as it changes.
    pub fn status_text(&self) -> String {
        match &self.status {
            Status::Idle => "Not run yet: choose how many trials.".to_string(),
            // The last figure stays drawn while the next run goes: said,
            // as after a cancel (it read as the new run's, a page tester).
            Status::Running { total, .. } => {
                let text = running_headline(*total, "trials");
                match self.results.is_some() {
                    true => format!("{text}; the figure below is from the run before."),
                    false => text,
                }
            }
            Status::Done => match self.took_ms {
                Some(ms) => format!(
                    "Done: {} trials in {} s in this browser. Point at a line to read it; click a trial to open it in the player.",
                    count(self.results.as_ref().map_or(0, trials_run)),
                    crate::sim::decimal::fixed(ms / 1000.0, 1)
                ),
                None => "Done.".to_string(),
            },
            Status::Cancelled if self.results.is_some() => {
                "Cancelled: the figure below is from the run before.".to_string()
            }
            Status::Cancelled => "Cancelled.".to_string(),
            Status::Failed(e) => format!("The experiment failed: {e}"),
        }
    }
}

fn trials_run(results: &ExperimentResults) -> u64 {
    results.lines.iter().map(|l| l.downtime.trials).sum()
}

/// A run the Experiments view hands to the player, and what the notice
/// line says of it there (which run it is, and what to watch for).
#[derive(Clone, Debug, PartialEq)]
pub struct ForPlayer {
    /// The run, with the moment it opens at.
    pub scenario: Scenario,
    /// Which run it is, in words.
    pub caption: String,
}

/// Opened this long before its crash, a trial shows the leader still up.
pub const BEFORE_THE_CRASH: u64 = MILLIS;

/// Trial `seed` of `line` as the player opens it: the trial's own scenario
/// (the same run the experiment measured), paused just before the leader
/// is stopped, as a shared link opens at its moment.
pub fn trial_for_player(line: Line, seed: u64) -> Result<Scenario, String> {
    let mut scenario = trial::trial_scenario(line, seed)?;
    let crash = scenario
        .actions
        .iter()
        .rev()
        .find_map(|(at, a)| matches!(a, Action::Stop(_)).then_some(*at))
        .ok_or("the trial crashes no server")?;
    scenario.cursor = Some(crash.saturating_sub(BEFORE_THE_CRASH));
    Ok(scenario)
}

#[cfg(test)]
#[path = "experiments_tests.rs"]
mod tests;
