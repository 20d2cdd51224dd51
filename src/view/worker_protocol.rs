//! What the page and its Web Worker say to each other: a [`WorkerJob`] goes
//! in, [`WorkerReply`]s come out (progress, results in pieces as they are
//! ready, then one final reply). Both are
//! serde types; in the browser they cross `postMessage` as JS values made
//! by serde-wasm-bindgen, natively they are tested through serde_json. No
//! web dependency: the job runner (`view::worker_jobs`) and its tests use
//! them natively.

use crate::sim::experiment::switch_availability::{AvailabilityConfig, SwitchResult};
use crate::sim::experiment::{ExperimentConfig, LineResult};
use crate::sim::explore::{Bounds, ExploreProgress};
use crate::sim::find::FailureReport;
use crate::sim::scenario::Scenario;
use crate::sim::Action;
use serde::{Deserialize, Serialize};

/// The first message a worker posts, once its wasm is loaded and it
/// listens: the page sends the job only then (a message posted before
/// would reach no listener). A plain string, not a [`WorkerReply`].
pub const READY: &str = "ready";

/// One job for a worker.
// Plain fields, as agreed with the Experiments view; a message is made and
// moved once per job or reply, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerJob {
    /// Search seeds for a failure of one unsafe switch, then shrink it.
    FindFailure {
        /// The page's settings (nodes, network, raft options, reads...),
        /// with a snapshot threshold as an action at time 0 (its other
        /// actions are ignored: `worker_jobs::search_config`);
        /// `sim::find::settings_for` adds what the switch needs.
        settings: Scenario,
        /// The switch's name (`UnsafeSwitch::name`).
        switch: String,
        /// Seeds to try before giving up.
        max_seeds: u64,
    },
    /// Exhaustive exploration (sim::explore).
    Explore {
        /// How far to explore.
        bounds: Bounds,
        /// The unsafe switches' names (none: the safe core).
        unsafe_switches: Vec<String>,
        /// The steps taken before the search starts (`Explorer::after`;
        /// `sim::explore::plan`'s prefix); empty: from a fresh cluster.
        #[serde(default)]
        prefix: Vec<Action>,
    },
    /// A shared run with an unsafe switch on (a link, a file, a host
    /// page's load), told as a found failure is
    /// (`FailureReport::of_shared`), for the page to narrate.
    Tell {
        /// The run, as it is on screen.
        run: Scenario,
        /// The page's number for the ask, said back with the answer.
        ask: u64,
    },
    /// The paper's Figure 16 (sim::experiment).
    ElectionDowntime {
        /// The lines and trials to run.
        config: ExperimentConfig,
    },
    /// PreVote and CheckQuorum, each off and on, under partial partitions
    /// (sim::experiment::switch_availability).
    Availability {
        /// The seeds to run under each combination.
        config: AvailabilityConfig,
    },
}

/// What a worker says back.
#[allow(clippy::large_enum_variant)] // as `WorkerJob`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerReply {
    /// `done` of `total` units (seeds, states, trials), and what they are, in words.
    Progress {
        /// Units done.
        done: u64,
        /// Units in all (0: not known).
        total: u64,
        /// The unit, in words ("seeds tried").
        what: String,
    },
    /// A failure found and shrunk, told for the page.
    Found {
        /// The shrunk run, ending at the violation.
        scenario: Scenario,
        /// What the page narrates.
        report: FailureReport,
    },
    /// The answer to [`WorkerJob::Tell`]: `None` if the run has not
    /// exactly one unsafe switch on, or does not fail.
    Told {
        /// The ask answered.
        ask: u64,
        /// What the page narrates.
        report: Option<FailureReport>,
    },
    /// Every seed allowed passed.
    NotFound {
        /// Seeds run.
        seeds_tried: u64,
    },
    /// The exploration ended (a counterexample, the depth bound, or no new
    /// state).
    Explored {
        /// The explorer's figures at the end.
        progress: ExploreProgress,
        /// The shortest violation, as a scenario the player replays.
        counterexample: Option<Scenario>,
        /// What the page narrates of it, when one switch was explored.
        report: Option<FailureReport>,
    },
    /// Every trial of one line of Figure 16 ran: its figures. The lines
    /// come one a message as each is done, so that no message is large
    /// (the page reads each in a task of its own).
    ExperimentLine {
        /// The line's figures.
        line: LineResult,
    },
    /// Every trial of the experiment ran (every line was sent).
    ExperimentDone {
        /// Trials that could not be set up or measured (none expected).
        errors: Vec<String>,
    },
    /// Every seed of one combination of PreVote and CheckQuorum ran: its
    /// figures, as each combination is done.
    AvailabilityPart {
        /// The combination's figures, and its median seed's run.
        result: SwitchResult,
    },
    /// Every combination ran (each was sent).
    AvailabilityDone {
        /// Runs in all.
        runs: u64,
    },
    /// The job could not run (bad settings, an unknown switch, a bug).
    Failed {
        /// Why, in words for the page.
        message: String,
    },
}

impl WorkerReply {
    /// Whether this reply ends its job (every reply but progress and
    /// pieces of results).
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            WorkerReply::Progress { .. }
                | WorkerReply::ExperimentLine { .. }
                | WorkerReply::AvailabilityPart { .. }
        )
    }
}

#[cfg(test)]
#[path = "worker_protocol_tests.rs"]
mod tests;
