//! What the page's first module says to the studio, its second
//! (`ui::studio_client`), about the "What if…" panel's worker jobs: the
//! page's session decides the job, the studio runs the Web Worker (whose
//! messages are serde-wasm-bindgen values) and hands the replies back.
//!
//! Between the two modules a job or a reply is one string: postcard bytes
//! in base64url, the page's only serde backend (its links use it), so the
//! page's wasm carries no serde-wasm-bindgen copy of every type. The
//! scenarios inside travel as link fragments (`view::permalink`), the form
//! every run already has.

use super::permalink;
use super::worker_protocol::{WorkerJob, WorkerReply};
use crate::sim::explore::{Bounds, ExploreProgress};
use crate::sim::find::FailureReport;
use crate::sim::link::{base64url, unbase64url};
use crate::sim::{Action, Scenario};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A "What if…" job, as the page hands it to the studio.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum JobWire {
    /// [`WorkerJob::FindFailure`], its settings as a link fragment.
    FindFailure {
        /// The settings, as `view::permalink::encode` writes them.
        settings: String,
        /// The switch's name.
        switch: String,
        /// Seeds to try.
        max_seeds: u64,
    },
    /// [`WorkerJob::Explore`].
    Explore {
        /// How far to explore.
        bounds: Bounds,
        /// The unsafe switches' names.
        unsafe_switches: Vec<String>,
        /// The steps before the search starts.
        prefix: Vec<Action>,
    },
    /// [`WorkerJob::Tell`], the run as a link fragment.
    Tell {
        /// The shared run.
        run: String,
        /// The page's number for the ask.
        ask: u64,
    },
}

/// A worker's reply, as the studio hands it back to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ReplyWire {
    /// [`WorkerReply::Progress`].
    Progress {
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
        /// The unit, in words.
        what: String,
    },
    /// [`WorkerReply::Found`], the run as a link fragment.
    Found {
        /// The shrunk run.
        scenario: String,
        /// What the page narrates.
        report: FailureReport,
    },
    /// [`WorkerReply::Told`].
    Told {
        /// The ask answered.
        ask: u64,
        /// What the page narrates.
        report: Option<FailureReport>,
    },
    /// [`WorkerReply::NotFound`].
    NotFound {
        /// Seeds run.
        seeds_tried: u64,
    },
    /// [`WorkerReply::Explored`], the counterexample as a link fragment.
    Explored {
        /// The explorer's figures.
        progress: ExploreProgress,
        /// The shortest violation.
        counterexample: Option<String>,
        /// What the page narrates of it.
        report: Option<FailureReport>,
    },
    /// [`WorkerReply::Failed`], and any reply the panel never asks for.
    Failed {
        /// Why.
        message: String,
    },
}

impl JobWire {
    /// `job` for the studio; `None` for a job the panel never starts (the
    /// Experiments view runs its own, in the studio).
    pub fn of(job: &WorkerJob) -> Option<JobWire> {
        match job {
            WorkerJob::FindFailure {
                settings,
                switch,
                max_seeds,
            } => Some(JobWire::FindFailure {
                settings: permalink::encode(settings),
                switch: switch.clone(),
                max_seeds: *max_seeds,
            }),
            WorkerJob::Explore {
                bounds,
                unsafe_switches,
                prefix,
            } => Some(JobWire::Explore {
                bounds: *bounds,
                unsafe_switches: unsafe_switches.clone(),
                prefix: prefix.clone(),
            }),
            WorkerJob::Tell { run, ask } => Some(JobWire::Tell {
                run: permalink::encode(run),
                ask: *ask,
            }),
            WorkerJob::ElectionDowntime { .. } | WorkerJob::Availability { .. } => None,
        }
    }

    /// The job again, in the studio.
    pub fn into_job(self) -> Result<WorkerJob, String> {
        Ok(match self {
            JobWire::FindFailure {
                settings,
                switch,
                max_seeds,
            } => WorkerJob::FindFailure {
                settings: scenario(&settings)?,
                switch,
                max_seeds,
            },
            JobWire::Explore {
                bounds,
                unsafe_switches,
                prefix,
            } => WorkerJob::Explore {
                bounds,
                unsafe_switches,
                prefix,
            },
            JobWire::Tell { run, ask } => WorkerJob::Tell {
                run: scenario(&run)?,
                ask,
            },
        })
    }
}

impl ReplyWire {
    /// `reply` for the page.
    pub fn of(reply: WorkerReply) -> ReplyWire {
        match reply {
            WorkerReply::Progress { done, total, what } => {
                ReplyWire::Progress { done, total, what }
            }
            WorkerReply::Found { scenario, report } => ReplyWire::Found {
                scenario: permalink::encode(&scenario),
                report,
            },
            WorkerReply::Told { ask, report } => ReplyWire::Told { ask, report },
            WorkerReply::NotFound { seeds_tried } => ReplyWire::NotFound { seeds_tried },
            WorkerReply::Explored {
                progress,
                counterexample,
                report,
            } => ReplyWire::Explored {
                progress,
                counterexample: counterexample.as_ref().map(permalink::encode),
                report,
            },
            WorkerReply::ExperimentLine { .. }
            | WorkerReply::ExperimentDone { .. }
            | WorkerReply::AvailabilityPart { .. }
            | WorkerReply::AvailabilityDone { .. } => ReplyWire::Failed {
                message: "the worker answered another kind of job".into(),
            },
            WorkerReply::Failed { message } => ReplyWire::Failed { message },
        }
    }

    /// The reply again, in the page; a run that cannot be read is a
    /// `Failed` reply that says so.
    pub fn into_reply(self) -> WorkerReply {
        let read = |result: Result<WorkerReply, String>| {
            result.unwrap_or_else(|e| WorkerReply::Failed {
                message: format!("the page cannot read the run found: {e}"),
            })
        };
        match self {
            ReplyWire::Progress { done, total, what } => {
                WorkerReply::Progress { done, total, what }
            }
            ReplyWire::Found {
                scenario: s,
                report,
            } => read(scenario(&s).map(|scenario| WorkerReply::Found { scenario, report })),
            ReplyWire::Told { ask, report } => WorkerReply::Told { ask, report },
            ReplyWire::NotFound { seeds_tried } => WorkerReply::NotFound { seeds_tried },
            ReplyWire::Explored {
                progress,
                counterexample,
                report,
            } => read(
                counterexample
                    .as_deref()
                    .map(scenario)
                    .transpose()
                    .map(|counterexample| WorkerReply::Explored {
                        progress,
                        counterexample,
                        report,
                    }),
            ),
            ReplyWire::Failed { message } => WorkerReply::Failed { message },
        }
    }
}

fn scenario(fragment: &str) -> Result<Scenario, String> {
    permalink::decode(fragment)?.ok_or_else(|| "no scenario in the link".to_string())
}

/// `value` as one string: postcard bytes in base64url.
pub fn encode<T: Serialize>(value: &T) -> String {
    // Plain data into a Vec cannot fail.
    base64url(&postcard::to_allocvec(value).expect("plain data serializes"))
}

/// The value [`encode`] wrote; damaged text is an error that says so.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let bytes = unbase64url(text).ok_or("not base64url")?;
    postcard::from_bytes(&bytes).map_err(|e| format!("cannot be read: {e}"))
}

#[cfg(test)]
#[path = "studio_wire_tests.rs"]
mod tests;
