//! The runner natively, as the worker runs it: progress only moves
//! forward, a step stays within its budget, a vote-without-log-check
//! search ends with a shrunk scenario that replays to its violation, and
//! a job that cannot run says why.

use super::*;
use crate::raft::SECONDS;
use crate::sim::explore::Bounds;
use crate::sim::find::{scenario_of, Trial, TrialEnd};
use crate::sim::SimConfig;

/// The page's defaults: 5 servers, 3 clients.
fn page_settings() -> Scenario {
    let mut config = SimConfig::default();
    config.workload.clients = 3;
    scenario_of(&config, 10 * SECONDS, &[])
}

fn find(switch: &str, max_seeds: u64) -> WorkerJob {
    WorkerJob::FindFailure {
        settings: page_settings(),
        switch: switch.into(),
        max_seeds,
    }
}

/// Runs `job` to its end with `budget`; every reply, and the most work
/// any one step did (final replay of a found failure apart).
fn run(job: WorkerJob, budget: Budget) -> (Vec<WorkerReply>, u64) {
    let mut runner = JobRunner::new(job);
    let (mut replies, mut largest) = (Vec::new(), 0);
    while !runner.is_done() {
        let before = runner.work();
        let step = runner.step(budget);
        assert!(!step.is_empty(), "every step says something");
        if !step.iter().any(WorkerReply::is_final) {
            largest = largest.max(runner.work() - before);
        }
        replies.extend(step);
    }
    assert!(runner.step(budget).is_empty(), "nothing after the end");
    (replies, largest)
}

/// Progress never goes back within a unit, units come in order, and only
/// the last reply is final.
fn assert_monotonic(replies: &[WorkerReply]) {
    let mut last: Option<(String, u64, u64)> = None;
    let mut units_seen = Vec::new();
    for (i, reply) in replies.iter().enumerate() {
        assert_eq!(reply.is_final(), i + 1 == replies.len(), "{reply:?}");
        let WorkerReply::Progress { done, total, what } = reply else {
            continue;
        };
        assert!(done <= total, "{reply:?}");
        match &last {
            Some((unit, d, t)) if unit == what => {
                assert!(done >= d && total == t, "progress went back: {reply:?}")
            }
            _ => {
                assert!(!units_seen.contains(what), "{what} came back");
                units_seen.push(what.clone());
            }
        }
        last = Some((what.clone(), *done, *total));
    }
}

#[test]
fn vote_without_log_check_is_found_shrunk_and_replays_to_its_violation() {
    let budget = Budget::default();
    let (replies, largest) = run(find("vote-without-log-check", 60), budget);
    assert_monotonic(&replies);
    let units: Vec<&str> = replies
        .iter()
        .filter_map(|r| match r {
            WorkerReply::Progress { what, .. } => Some(what.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(units.first(), Some(&SEEDS_TRIED));
    assert_eq!(units.last(), Some(&SHRINKING));
    // A step stays small: its events are the budget's, a seed's
    // linearizability check aside (which is no simulator event).
    assert!(largest <= budget.events, "a step ran {largest} events");
    let Some(WorkerReply::Found { scenario, report }) = replies.last() else {
        panic!("no failure found: {:?}", replies.last());
    };
    assert_eq!(report.switch, "vote-without-log-check");
    assert!(report.rule.contains("5.4.1"), "{}", report.rule);
    assert!(report.first_unsafe_step.is_some());
    assert!(report.highlight.nodes.len() >= 2, "{:?}", report.highlight);
    let mut trial = Trial::start(scenario, None, Some(report.violation.kind), false).unwrap();
    match trial.run() {
        TrialEnd::Failed(failure) => {
            assert_eq!(failure.kind, report.violation.kind);
            assert_eq!(failure.t, report.violation.t);
        }
        TrialEnd::Passed => panic!("the shrunk scenario does not fail"),
    }
    assert!(scenario
        .unsafe_switches
        .is_on(UnsafeSwitch::VoteWithoutLogCheck));
}

#[test]
fn a_search_that_finds_nothing_says_how_many_seeds_it_tried() {
    // Two seeds of two simulated seconds are too few for any failure.
    let settings = scenario_of(&SimConfig::default(), 2 * SECONDS, &[]);
    let job = WorkerJob::FindFailure {
        settings,
        switch: "commit-old-terms".into(),
        max_seeds: 0,
    };
    let (replies, _) = run(job, Budget::default());
    assert_eq!(
        replies.last(),
        Some(&WorkerReply::NotFound { seeds_tried: 0 })
    );
}

#[test]
fn a_job_that_cannot_run_fails_at_once_with_a_reason() {
    let (replies, _) = run(find("no-such-switch", 5), Budget::default());
    assert_eq!(
        replies,
        [WorkerReply::Failed {
            message: "no unsafe switch is named 'no-such-switch'".into()
        }]
    );
    let bad = WorkerJob::Explore {
        bounds: Bounds {
            nodes: 0,
            ..Bounds::default()
        },
        unsafe_switches: vec![],
    };
    let (replies, _) = run(bad, Budget::default());
    assert!(
        matches!(&replies[..], [WorkerReply::Failed { .. }]),
        "{replies:?}"
    );
}

#[test]
fn cancelling_is_dropping_the_runner_between_steps() {
    let mut runner = JobRunner::new(find("vote-without-log-check", 1_000));
    let first = runner.step(Budget::default());
    assert!(
        matches!(&first[..], [WorkerReply::Progress { .. }]),
        "{first:?}"
    );
    assert!(!runner.is_done());
    assert!(runner.work() <= Budget::default().events);
    drop(runner);
}

#[test]
fn a_small_exploration_of_the_safe_core_finds_no_counterexample() {
    let bounds = Bounds {
        depth: 4,
        ..Bounds::default()
    };
    let job = WorkerJob::Explore {
        bounds,
        unsafe_switches: vec![],
    };
    let (replies, _) = run(job, Budget::default());
    assert_monotonic(&replies);
    match replies.last() {
        Some(WorkerReply::Explored {
            progress,
            counterexample: None,
            report: None,
        }) => assert_eq!(progress.depth_done, 4),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_experiment_runs_a_trial_a_step_and_reports_every_trial() {
    let config = ExperimentConfig {
        trials: 3,
        lines: ExperimentConfig::default().lines[1..2].to_vec(),
        ..ExperimentConfig::default()
    };
    let (replies, largest) = run(WorkerJob::ElectionDowntime { config }, Budget::default());
    assert_monotonic(&replies);
    assert_eq!(largest, 1);
    let n = replies.len();
    let done = WorkerReply::Progress {
        done: 3,
        total: 3,
        what: TRIALS.into(),
    };
    assert_eq!(replies[n - 2], done);
    match &replies[n - 1] {
        WorkerReply::ExperimentDone { results } => {
            assert_eq!(results.lines.len(), 1);
            assert_eq!(results.config.trials, 3);
        }
        other => panic!("{other:?}"),
    }
}
