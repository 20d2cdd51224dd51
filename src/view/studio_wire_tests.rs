//! The page and the studio hand jobs and replies over as strings: every
//! job the panel starts, and every reply a real search and a real
//! exploration give, arrive as they left.

use super::*;
use crate::view::session::{Input, Session};
use crate::view::url_params::UrlParams;
use crate::view::what_if::{WhatIfInput, WorkerCommand};
use crate::view::worker_jobs::{Budget, JobRunner};

/// The job the panel starts for `switch`, finding (or exploring).
fn job_of(switch: &str, explore: bool) -> WorkerJob {
    let params = UrlParams {
        autoplay: false,
        ..UrlParams::default()
    };
    let mut s = Session::open(&params, &[], "", false);
    s.update(Input::WhatIf(WhatIfInput::Choose(switch.into())));
    let input = if explore {
        WhatIfInput::Explore { now_ms: 0.0 }
    } else {
        WhatIfInput::Find { now_ms: 0.0 }
    };
    s.update(Input::WhatIf(input));
    match s.what_if.take_command() {
        Some(WorkerCommand::Start(job)) => *job,
        other => panic!("no job started: {other:?}"),
    }
}

/// The job through the wire, as the studio reads it.
fn across(job: &WorkerJob) -> WorkerJob {
    let wire = JobWire::of(job).expect("a panel job");
    let back: JobWire = decode(&encode(&wire)).expect("reads back");
    assert_eq!(back, wire);
    back.into_job().expect("its scenario reads back")
}

/// Runs `job` as the worker would, natively, and checks that each reply
/// crosses back unchanged; returns the replies.
fn replies_cross(job: WorkerJob) -> Vec<WorkerReply> {
    let mut runner = JobRunner::new(job);
    let mut replies = Vec::new();
    while !runner.is_done() {
        replies.extend(runner.step(Budget::default()));
    }
    for reply in &replies {
        let text = encode(&ReplyWire::of(reply.clone()));
        let back: ReplyWire = decode(&text).expect("reads back");
        assert_eq!(&back.into_reply(), reply);
    }
    replies
}

#[test]
fn a_search_job_and_its_found_failure_cross_unchanged() {
    let job = job_of("vote-without-log-check", false);
    assert_eq!(across(&job), job);
    let replies = replies_cross(job);
    assert!(
        matches!(replies.last(), Some(WorkerReply::Found { .. })),
        "{:?}",
        replies.last()
    );
}

#[test]
fn an_exploration_from_a_plans_prefix_crosses_with_it() {
    let job = job_of("config-change-without-noop", true);
    let WorkerJob::Explore { prefix, .. } = &job else {
        panic!("{job:?}");
    };
    assert_eq!(prefix.len(), 6);
    assert_eq!(across(&job), job);
}

#[test]
fn an_exploration_and_its_counterexample_cross_unchanged() {
    let job = job_of("vote-without-log-check", true);
    assert_eq!(across(&job), job);
    let replies = replies_cross(job);
    let Some(WorkerReply::Explored {
        counterexample: Some(_),
        report: Some(_),
        ..
    }) = replies.last()
    else {
        panic!("no counterexample: {:?}", replies.last())
    };
}

#[test]
fn the_experiments_jobs_are_not_the_panels() {
    let job = WorkerJob::ElectionDowntime {
        config: crate::sim::experiment::ExperimentConfig::default(),
    };
    assert_eq!(JobWire::of(&job), None);
    let job = WorkerJob::Availability {
        config: Default::default(),
    };
    assert_eq!(JobWire::of(&job), None);
}

#[test]
fn the_experiments_replies_reach_the_panel_as_failures() {
    let other = ReplyWire::Failed {
        message: "the worker answered another kind of job".into(),
    };
    for reply in [
        WorkerReply::ExperimentDone { errors: vec![] },
        WorkerReply::AvailabilityDone { runs: 4 },
    ] {
        assert_eq!(ReplyWire::of(reply), other);
    }
}

#[test]
fn damaged_text_and_broken_runs_are_said_not_lost() {
    assert_eq!(decode::<ReplyWire>("%%"), Err("not base64url".into()));
    let cut = &encode(&ReplyWire::NotFound { seeds_tried: 7 })[..1];
    assert!(decode::<ReplyWire>(cut).is_err());
    let broken = ReplyWire::Found {
        scenario: "r=AAAA".into(),
        report: match replies_cross(job_of("vote-without-log-check", false)).pop() {
            Some(WorkerReply::Found { report, .. }) => report,
            other => panic!("{other:?}"),
        },
    };
    match broken.into_reply() {
        WorkerReply::Failed { message } => {
            assert!(
                message.starts_with("the page cannot read the run found"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}
