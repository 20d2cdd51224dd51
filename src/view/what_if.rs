//! The "What if…" panel: every unsafe switch with the rule it removes, and
//! "Find a failure", which asks the page's Web Worker to search the page's
//! own settings for a run the switch breaks. The session decides; the page
//! only carries out [`WorkerCommand`]s (start a worker, terminate it) and
//! brings back the worker's replies. A failure found loads into the player,
//! paused at the violation, with its [`FailureReport`] beside it.

use super::worker_protocol::{WorkerJob, WorkerReply};
use crate::raft::UnsafeSwitch;
use crate::sim::decimal::fixed;
use crate::sim::explore::{plan, ExplorePlan, ExploreProgress};
use crate::sim::find::{FailureKind, FailureReport, StepMark, LATE_TIMEOUT_NOW_TAIL};
use crate::sim::Scenario;
use crate::view::playground::Playground;
use crate::view::words;

/// Seeds a page's search tries before it gives up.
pub const MAX_SEEDS: u64 = 200;

/// What the panel's controls send.
#[derive(Clone, Debug, PartialEq)]
pub enum WhatIfInput {
    /// Open or close the panel.
    Toggle,
    /// The switch menu changed (a switch's name).
    Choose(String),
    /// "Find a failure", at this wall time (ms).
    Find {
        /// Any wall clock, in milliseconds.
        now_ms: f64,
    },
    /// "Explore every interleaving", at this wall time (ms).
    Explore {
        /// Any wall clock, in milliseconds.
        now_ms: f64,
    },
    /// "Cancel", at this wall time (ms).
    Cancel {
        /// The same wall clock as `Find`'s.
        now_ms: f64,
    },
    /// The worker said something, at this wall time (ms).
    Reply {
        /// What it said.
        reply: Box<WorkerReply>,
        /// The same wall clock as `Find`'s.
        now_ms: f64,
    },
}

/// How soon after a search starts a Cancel is taken for the second click
/// of a double click (Windows' default double-click time is 500 ms).
pub const DOUBLE_CLICK_MS: f64 = 500.0;

/// What the page must do with its worker.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerCommand {
    /// Start a worker with this job (terminating any other).
    Start(Box<WorkerJob>),
    /// Terminate the worker.
    Stop,
}

/// Where the search is.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    /// Nothing running.
    Idle,
    /// The worker is on it.
    Running {
        /// When it started and when it was last heard from (wall ms).
        started_ms: f64,
        /// The last time the worker was heard from (wall ms).
        now_ms: f64,
        /// Its last progress: done, total, what.
        progress: Option<(u64, u64, String)>,
    },
    /// The person cancelled it.
    Cancelled,
    /// It ended without a failure.
    NotFound {
        /// Seeds run.
        seeds_tried: u64,
    },
    /// It could not run, or the worker failed.
    Failed(String),
    /// The exploration ended without a violation within its bounds.
    NothingWithinBounds,
    /// A tour started while it ran: a failure found would have replaced
    /// the tour, so it stopped.
    StoppedForTour,
    /// The person reset the run, or undid a reset, while it ran: a failure
    /// found would have replaced the run they chose, so it stopped.
    StoppedForNewRun,
    /// It found a failure, now in the player.
    Found {
        /// By the explorer (a shortest counterexample), not a seed search.
        explored: Option<Shortest>,
        /// The failing run's seed.
        seed: u64,
        /// Wall time the search took (ms).
        took_ms: f64,
    },
}

/// The length of the explorer's shortest counterexample, in its steps
/// and in the actions the player records, which differ: a setting the
/// switch needs is an action at the start, a client's request and its
/// arrival are one step (`Bounds::instant_requests`), and a wait is a
/// step with no action. A person who read "12 steps" above and "14
/// actions recorded" below asked which (a page tester).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortest {
    /// The explorer's steps.
    pub steps: u32,
    /// The actions the run it loads records.
    pub actions: usize,
    /// Those at time 0: the settings the switch needs.
    pub settings: usize,
    /// The moments after 0 that have an action: the steps that act.
    pub acting: usize,
}

impl Shortest {
    /// The figures of `run`, a counterexample of `steps` steps.
    fn of(steps: u32, run: &Scenario) -> Shortest {
        let times = || run.actions.iter().map(|(t, _)| *t);
        let mut moments: Vec<u64> = times().filter(|&t| t > 0).collect();
        moments.dedup(); // in time order, as every scenario's actions are
        Shortest {
            steps,
            actions: run.actions.len(),
            settings: times().filter(|&t| t == 0).count(),
            acting: moments.len(),
        }
    }

    /// "12 steps, recorded as 14 actions (…),", or "8 steps" where the
    /// two agree.
    pub(super) fn words(self) -> String {
        let counted = words::counted;
        let steps = counted(self.steps as usize, "step");
        let paired = self.actions.saturating_sub(self.settings + self.acting);
        let waits = (self.steps as usize).saturating_sub(self.acting);
        let mut why = Vec::new();
        match self.settings {
            0 => {}
            1 => why.push("a setting at the start".into()),
            n => why.push(format!("{n} settings at the start")),
        }
        match paired {
            0 => {}
            1 => why.push("a client's request and its arrival in one step".into()),
            n => why.push(format!(
                "{n} client requests, each sent and arriving in one step"
            )),
        }
        match waits {
            0 => {}
            1 => why.push("a step that only lets time pass".into()),
            n => why.push(format!("{n} steps that only let time pass")),
        }
        match why.is_empty() {
            true => steps,
            false => format!(
                "{steps}, recorded as {} ({}),",
                counted(self.actions, "action"),
                why.join("; ")
            ),
        }
    }
}

/// The panel's state.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIf {
    /// Whether the panel is open.
    pub open: bool,
    /// The switch chosen.
    pub chosen: UnsafeSwitch,
    /// The search.
    pub search: Search,
    /// The last exploration's figures, and its wall time in ms.
    pub explored: Option<(ExploreProgress, f64)>,
    /// The steps the last exploration started after (its plan's prefix):
    /// its depths count from there.
    explored_after: u32,
    /// The steps of the shortest counterexample the last exploration's
    /// plan measured.
    explore_steps: u32,
    /// What the page must do with its worker, taken by the page.
    command: Option<WorkerCommand>,
    /// The worker is telling a shared run's story (`WorkerJob::Tell`),
    /// asked as this number; no panel shows it.
    telling: Option<u64>,
}

impl Default for WhatIf {
    fn default() -> Self {
        WhatIf {
            open: false,
            chosen: UnsafeSwitch::ALL[0],
            search: Search::Idle,
            explored: None,
            explored_after: 0,
            explore_steps: 0,
            command: None,
            telling: None,
        }
    }
}

impl WhatIf {
    /// The command for the page's worker, once.
    pub fn take_command(&mut self) -> Option<WorkerCommand> {
        self.command.take()
    }

    /// Whether a search is running.
    pub fn running(&self) -> bool {
        matches!(self.search, Search::Running { .. })
    }

    /// Starts a search of `settings` with the chosen switch.
    pub fn find(&mut self, settings: Scenario, now_ms: f64) {
        let job = WorkerJob::FindFailure {
            settings,
            switch: self.chosen.name().to_string(),
            max_seeds: MAX_SEEDS,
        };
        self.start(job, now_ms);
    }

    /// Explores every interleaving with the chosen switch, with the bounds
    /// `sim::explore::plan` measured for it, from its prefix; nothing for a
    /// switch the explorer cannot show (the panel says why).
    pub fn explore(&mut self, now_ms: f64) {
        // Its button greys, but stays, while a search runs: ignored then.
        if self.running() {
            return;
        }
        let ExplorePlan::Shows {
            bounds,
            prefix,
            steps,
            ..
        } = plan(self.chosen)
        else {
            return;
        };
        let job = WorkerJob::Explore {
            bounds,
            unsafe_switches: vec![self.chosen.name().to_string()],
            prefix,
        };
        self.start(job, now_ms);
        self.explore_steps = steps;
    }

    /// Asks the worker for the story of `run`, a shared run, as ask
    /// number `ask`: the panel says nothing of it, and a search started
    /// after replaces it.
    pub fn tell(&mut self, run: Scenario, ask: u64) {
        self.telling = Some(ask);
        self.command = Some(WorkerCommand::Start(Box::new(WorkerJob::Tell { run, ask })));
    }

    /// The ask the worker is telling a story for, if it is.
    pub fn telling(&self) -> Option<u64> {
        self.telling
    }

    /// Takes the worker's reply while it tells a story: the ask it
    /// answers and the story, if the run has one; nothing for an answer
    /// to an earlier ask. Any other end is the worker's failure (`Err`):
    /// the story's place says so, and the panel nothing (the person asked
    /// for no search).
    pub fn heard(
        &mut self,
        reply: WorkerReply,
    ) -> Option<(u64, Result<Option<FailureReport>, ()>)> {
        let told = match reply {
            WorkerReply::Progress { .. } => return None,
            WorkerReply::Told { ask, .. } if Some(ask) != self.telling => return None,
            WorkerReply::Told { report, .. } => Ok(report),
            _ => Err(()),
        };
        self.command = Some(WorkerCommand::Stop);
        Some((self.telling.take()?, told))
    }

    /// Runs `job` from `now_ms`: the last figures go, the page starts a
    /// worker (in place of one telling a story).
    fn start(&mut self, job: WorkerJob, now_ms: f64) {
        self.telling = None;
        self.explored = None;
        self.explored_after = match &job {
            WorkerJob::Explore { prefix, .. } => prefix.len() as u32,
            _ => 0,
        };
        self.search = Search::Running {
            started_ms: now_ms,
            now_ms,
            progress: None,
        };
        self.command = Some(WorkerCommand::Start(Box::new(job)));
    }

    /// What the explorer can do for the chosen switch, in a sentence, and
    /// whether "Explore every interleaving" may be pressed.
    pub fn explore_plan(&self) -> (String, bool) {
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        match plan(self.chosen) {
            ExplorePlan::Shows {
                bounds,
                steps,
                prefix,
                prefix_story,
                ..
            } if !prefix.is_empty() => (
                format!(
                    "Every interleaving of {} servers after {prefix_story} (the first {} steps, fixed), breadth-first {} steps further: the shortest failure takes {steps} step{}.",
                    bounds.nodes,
                    prefix.len(),
                    bounds.depth,
                    plural(steps)
                ),
                true,
            ),
            ExplorePlan::Shows { bounds, steps, .. } => (
                format!(
                    "Every interleaving of {} servers, breadth-first to depth {}: the shortest failure takes {steps} step{}.",
                    bounds.nodes,
                    bounds.depth,
                    plural(steps)
                ),
                true,
            ),
            ExplorePlan::NotModeled(why) => (format!("The explorer cannot show it: {why}."), false),
        }
    }

    /// The last exploration's figures, in words.
    pub fn explored_text(&self) -> Option<String> {
        let (p, ms) = self.explored?;
        let per_second = p.explored as f64 / (ms / 1000.0).max(0.001);
        let after = match self.explored_after {
            0 => String::new(),
            k => format!(" past the first {k} steps"),
        };
        let count = super::experiment_figure::count;
        // A rate over less than a second says nothing ("9 states per
        // second" for 1 state in 0.1 s, a page tester read).
        let rate = match ms >= 1000.0 {
            true => format!(
                ": {} states per second in this browser's Worker",
                count(per_second.round() as u64)
            ),
            false => String::new(),
        };
        Some(format!(
            "Explored {} state{} ({} unique after symmetry reduction), every state to depth {}{after} checked, in {} s{rate}.",
            count(p.explored),
            if p.explored == 1 { "" } else { "s" },
            count(p.unique),
            p.depth_done,
            fixed(ms / 1000.0, 1),
        ))
    }

    /// Stops the search; the page is idle again. A Cancel within
    /// [`DOUBLE_CLICK_MS`] of the search's start is the second click of
    /// a double click on "Find a failure", which turns into Cancel under
    /// the pointer: ignored (a page tester's double click cancelled the
    /// search it had just started).
    pub fn cancel(&mut self, now_ms: f64) {
        if let Search::Running { started_ms, .. } = self.search {
            if now_ms - started_ms < DOUBLE_CLICK_MS {
                return;
            }
        }
        self.search = match self.running() {
            true => {
                self.command = Some(WorkerCommand::Stop);
                Search::Cancelled
            }
            false => Search::Idle,
        };
    }

    /// Chooses the switch named `name` (unknown names are ignored).
    pub fn choose(&mut self, name: &str) {
        if let Some(switch) = UnsafeSwitch::from_name(name) {
            self.chosen = switch;
        }
    }

    /// Takes a reply from the worker; returns a failure found, for the
    /// session to load. Replies after a cancel, or of another job, are
    /// ignored.
    pub fn reply(&mut self, reply: WorkerReply, now: f64) -> Option<(Scenario, FailureReport)> {
        let Search::Running {
            started_ms,
            progress,
            ..
        } = &mut self.search
        else {
            return None;
        };
        let started_ms = *started_ms;
        let took_ms = (now - started_ms).max(0.0);
        let next = match reply {
            WorkerReply::Progress { done, total, what } => {
                *progress = Some((done, total, what));
                let progress = progress.take();
                Search::Running {
                    started_ms,
                    now_ms: now,
                    progress,
                }
            }
            WorkerReply::Found { scenario, report } => {
                self.finish(Search::Found {
                    explored: None,
                    seed: scenario.seed,
                    took_ms,
                });
                return Some((scenario, report));
            }
            WorkerReply::NotFound { seeds_tried } => Search::NotFound { seeds_tried },
            WorkerReply::Explored {
                progress,
                counterexample,
                report,
            } => {
                self.explored = Some((progress, took_ms));
                if let (Some(scenario), Some(report)) = (counterexample, report) {
                    let shortest = Shortest::of(self.explore_steps, &scenario);
                    self.finish(Search::Found {
                        explored: Some(shortest),
                        seed: scenario.seed,
                        took_ms,
                    });
                    return Some((scenario, report));
                }
                Search::NothingWithinBounds
            }
            WorkerReply::Failed { message } => Search::Failed(message),
            // ExperimentDone: not what this panel asked for.
            _ => Search::Failed("the worker answered another kind of job".into()),
        };
        match next {
            Search::Running { .. } => self.search = next,
            ended => self.finish(ended),
        }
        None
    }

    /// A search that could not be loaded or told says so.
    pub fn failed(&mut self, message: String) {
        self.finish(Search::Failed(message));
    }

    /// A tour starts: a running search stops, and says so, rather than
    /// replace the tour with the failure it finds.
    pub fn stop_for_tour(&mut self) {
        self.stop_for(Search::StoppedForTour);
    }

    /// Stops the search because the person chose another run (Reset, or
    /// Undo of one).
    pub fn stop_for_new_run(&mut self) {
        self.stop_for(Search::StoppedForNewRun);
    }

    /// Another run replaced the one on screen: a running search stops and
    /// says `why`. What an ended one said was of the run before, and goes:
    /// "it opened in the player" beside the run Back had opened, "No
    /// failure in 200 seeds" beside a pasted failure's story (page
    /// testers).
    fn stop_for(&mut self, why: Search) {
        match self.running() {
            true => self.finish(why),
            false => self.search = Search::Idle,
        }
        self.stop_telling();
    }

    /// The failure found is no longer on screen (an action before its
    /// violation dropped it): "its story above the picture" would be
    /// untrue (a page tester).
    pub fn forget_found(&mut self) {
        if matches!(self.search, Search::Found { .. }) {
            self.search = Search::Idle;
        }
    }

    /// The story asked for was of a run no longer on screen.
    fn stop_telling(&mut self) {
        if self.telling.take().is_some() {
            self.command = Some(WorkerCommand::Stop);
        }
    }

    fn finish(&mut self, end: Search) {
        self.search = end;
        self.command = Some(WorkerCommand::Stop);
    }

    /// What the panel says of its search, if anything: its progress, or
    /// how it ended. A search that found nothing points to the explorer,
    /// which shows every switch; for the one random runs show most rarely
    /// (7 seeds of 1,000 at 5 servers, with the late messages
    /// `sim::find::needs` gives it), it says why.
    pub fn status_text(&self) -> Option<String> {
        match &self.search {
            Search::Idle => None,
            Search::Running { .. } => self.progress_text(),
            Search::NotFound { seeds_tried } => Some(match self.chosen {
                UnsafeSwitch::LeaseAfterTimeoutNow => format!(
                    "No failure in {seeds_tried} seeds: this one needs TimeoutNow or its \
                     RequestVotes to arrive after the leader gave the transfer up, which even \
                     with {}% of messages late comes in about one seed in 150. Explore every \
                     interleaving to see it.",
                    (LATE_TIMEOUT_NOW_TAIL * 100.0).round() as u64
                ),
                _ => format!(
                    "No failure in {seeds_tried} seeds: try other settings (another cluster \
                     size, a lossier network), or explore every interleaving."
                ),
            }),
            Search::Failed(message) => Some(format!("The search failed: {message}")),
            // It said nothing, as if it had never run (a page tester).
            Search::Cancelled => {
                Some("Cancelled: the search stopped, and the run on screen is as it was.".into())
            }
            Search::NothingWithinBounds => {
                Some("No violation within the explorer's bounds.".into())
            }
            Search::StoppedForTour => Some(
                "The search stopped when the tour started: what it found would have \
                 replaced the tour. Start it again once the tour ends."
                    .into(),
            ),
            Search::StoppedForNewRun => Some(
                "The search stopped when you chose another run: what it found would \
                 have replaced it. Start it again."
                    .into(),
            ),
            Search::Found {
                explored,
                seed,
                took_ms,
            } => {
                let took = fixed(took_ms / 1000.0, 1);
                let how = match explored {
                    Some(shortest) => format!(
                        "The explorer found a shortest counterexample of {} in {took} s",
                        shortest.words()
                    ),
                    None => format!("Found a failure at seed {seed} in {took} s"),
                };
                Some(format!(
                    "{how}: it opened in the player, paused at the violation, its story \
                     above the picture."
                ))
            }
        }
    }

    /// The progress line: "12 of 200 seeds tried, 1.4 s".
    pub fn progress_text(&self) -> Option<String> {
        let Search::Running {
            started_ms,
            now_ms,
            progress,
        } = &self.search
        else {
            return None;
        };
        let spent = format!("{} s", fixed((now_ms - started_ms).max(0.0) / 1000.0, 1));
        Some(match progress {
            None => format!("starting the worker\u{2026} {spent}"),
            Some((done, total, what)) => {
                let count = super::experiment_figure::count;
                format!("{} of {} {what}, {spent}", count(*done), count(*total))
            }
        })
    }
}

/// The narration of a found failure, as sentences for the page.
pub fn narration(report: &FailureReport) -> Vec<String> {
    let ms = |t: u64| format!("{} s", crate::sim::decimal::seconds(t, 3));
    let mut lines = vec![format!(
        "Switch {}: {} \u{2014} {}.",
        report.switch, report.rule, report.source
    )];
    let index = index_words(&report.switch);
    let step = |s: &StepMark| {
        format!(
            "at {} by n{}{}{}",
            ms(s.t),
            s.node,
            s.peer.map_or(String::new(), |p| format!(", about n{p}")),
            // Index 0 holds no entry: a vote's step names none.
            s.index
                .filter(|&i| i > 0)
                .map_or(String::new(), |i| format!(", {index} {i}"))
        )
    };
    lines.push(
        match (&report.first_unsafe_step, report.nearest_other_step()) {
            (Some(first), Some(nearest)) => format!(
                "The rule was first skipped {}, and last before the violation, on a server \
             it involves, {} ({} times in all; both tall amber marks on the timeline).",
                step(first),
                step(nearest),
                report.unsafe_steps
            ),
            (Some(first), _) => format!(
                "The rule was first skipped {} (a tall amber mark on the timeline){}.",
                step(first),
                match report.unsafe_steps {
                    1 => String::new(),
                    n => format!("; {n} times in all"),
                }
            ),
            (None, _) => "No decision of the switch was recorded before the violation.".into(),
        },
    );
    lines.push(violation_sentence(report, &ms));
    lines
}

/// What the story's last line says is outlined: log entries only when
/// the report names some (a vote's or a read's failure names none).
pub fn highlight_hint(report: &FailureReport) -> &'static str {
    match report.highlight.indexes.is_empty() {
        true => "Highlighted: the servers involved. Share it like any run.",
        false => "Highlighted: the servers and log entries involved. Share it like any run.",
    }
}

/// What a switch's steps' index is: a read's is the index it reads at
/// (thesis §6.4), not an entry of the log.
fn index_words(switch: &str) -> &'static str {
    match UnsafeSwitch::from_name(switch) {
        Some(UnsafeSwitch::LocalReads) => "reading at applied index",
        Some(
            UnsafeSwitch::ReadIndexWithoutNoop
            | UnsafeSwitch::ReadIndexReusesRound
            | UnsafeSwitch::LeaseIgnoresDrift,
        ) => "at read index",
        _ => "at log index",
    }
}

fn violation_sentence(report: &FailureReport, ms: &dyn Fn(u64) -> String) -> String {
    let v = &report.violation;
    let what = words::in_words(v.kind.name());
    let nodes = words::on_servers(&v.nodes);
    let about = match (&v.stale_read, v.term, v.index) {
        (Some(read), _, _) => format!(
            "the {} sent by {}{} returned {}, answered by {}",
            read.op,
            words::client(read.client),
            // Each of the person's requests is a client with one request.
            match crate::sim::workload::is_user_client(read.client) {
                true => String::new(),
                false => format!(" (request {})", read.request),
            },
            read.result.as_deref().unwrap_or("nothing"),
            read.answered_by
                .map_or("an unknown server".into(), |n| format!("n{n}"))
        ),
        (None, term, index) => {
            let mut parts = Vec::new();
            if let Some(t) = term {
                parts.push(format!("term {t}"));
            }
            if let Some(i) = index {
                parts.push(format!("log index {i}"));
            }
            parts.join(", ")
        }
    };
    format!(
        "It led to a violation of {what} at {} (the tallest mark, red){}{}: {}",
        ms(v.t),
        if nodes.is_empty() {
            String::new()
        } else {
            format!(", {nodes}")
        },
        if about.is_empty() {
            String::new()
        } else {
            format!(", {about}")
        },
        v.detail
    )
}

/// The Safety panel's line for a found failure no live invariant shows:
/// a client history with no linearization, which the search found by
/// checking the whole history. From the violation's moment on; `None`
/// before it, without a failure, or for an invariant's failure (the
/// panel's own line shows that). (The panel was all green beside a story
/// of a stale read.)
pub fn history_violation(p: &Playground) -> Option<String> {
    let v = &p.failure.as_ref()?.violation;
    (v.kind == FailureKind::NotLinearizable && p.sim.now() >= v.t).then(|| {
        format!(
            "linearizability: VIOLATED (the search's check of the client history, at {} s)",
            crate::sim::decimal::seconds(v.t, 3)
        )
    })
}

#[cfg(test)]
#[path = "what_if_tests.rs"]
mod tests;
