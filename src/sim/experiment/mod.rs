//! Experiments: many deterministic runs of the simulator, each a scenario
//! that replays on its own, summarized the way a paper's figure is.
//!
//! - [`election_downtime`]: the Raft paper's Figure 16, the time to detect
//!   and replace a crashed leader, per range of election timeouts.
//! - [`switch_availability`]: PreVote and CheckQuorum under partial
//!   partitions, each off and on: the share of time with a serving leader
//!   and of client operations that succeeded.

pub mod election_downtime;
pub mod stats;
pub mod switch_availability;
pub mod trial;

pub use election_downtime::{
    Experiment, ExperimentConfig, ExperimentResults, Line, LineResult, PaperFigure, Progress,
    TrialId,
};
pub use trial::{measure, trial_scenario, TrialOutcome};
