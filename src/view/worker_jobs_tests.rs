//! The runner natively, as the worker runs it: progress only moves
//! forward, a step stays within its budget, a vote-without-log-check
//! search ends with a shrunk scenario that replays to its violation, and
//! a job that cannot run says why.

use super::*;
use crate::raft::SECONDS;
use crate::sim::experiment::switch_availability::AvailabilityConfig;
use crate::sim::explore::{Bounds, STEP};
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
        // An explorer's bar is full only at its last report.
        let last_report = !replies[i + 1..]
            .iter()
            .any(|r| matches!(r, WorkerReply::Progress { .. }));
        if what == CHECKED_OF_ABOUT && !last_report {
            assert!(done < total, "a full bar before the end: {reply:?}");
        }
        match &last {
            Some((unit, d, t)) if unit == what => {
                let total_kept = total == t || what == CHECKED_OF_ABOUT;
                assert!(done >= d && total_kept, "progress went back: {reply:?}")
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
    // The rule once, its source apart, and no command-line flags.
    assert_eq!(
        report.rule,
        "votes are granted without the up-to-date log check"
    );
    assert_eq!(report.source, "paper §5.4.1");
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
        prefix: vec![],
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
        prefix: vec![],
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
    let counted: Vec<(u64, u64)> = (replies.iter())
        .filter_map(|r| match r {
            WorkerReply::Progress { done, total, what } if what == CHECKED_OF_ABOUT => {
                Some((*done, *total))
            }
            _ => None,
        })
        .collect();
    let (done, total) = *counted.last().expect("progress in states checked");
    assert_eq!(done, total, "the last progress is the whole search");
}

/// The estimate said to two figures could fall back to the states
/// checked, a full bar while the search went on (a page tester, and a
/// review that found where): `assert_monotonic` refuses one before the
/// last report, for a search whose estimate falls short.
#[test]
fn an_exploration_shows_no_full_bar_before_its_end() {
    let job = WorkerJob::Explore {
        bounds: Bounds {
            depth: 9,
            ..Bounds::default()
        },
        unsafe_switches: vec![],
        prefix: vec![],
    };
    let budget = Budget {
        states: 20,
        ..Budget::default()
    };
    let (replies, _) = run(job, budget);
    assert_monotonic(&replies);
}

#[test]
fn an_estimate_is_said_to_two_figures() {
    let said: Vec<u64> = [0, 7, 99, 139_423, 150, 995].map(two_figures).to_vec();
    assert_eq!(said, [0, 7, 99, 140_000, 150, 1_000]);
}

#[test]
fn an_exploration_starts_from_the_state_its_prefix_leads_to() {
    // vote-without-log-check's 8 steps, from n3's timeout (any server's
    // will do: renaming the servers maps one onto another).
    let job = WorkerJob::Explore {
        bounds: Bounds {
            depth: 7,
            max_in_flight: 4,
            restarts: 0,
            requests: 0,
            duplicates: 0,
            drops: 0,
            ..Bounds::default()
        },
        unsafe_switches: vec!["vote-without-log-check".into()],
        prefix: vec![Action::ForceTimeout(3)],
    };
    let (replies, _) = run(job, Budget::default());
    assert_monotonic(&replies);
    let Some(WorkerReply::Explored {
        progress,
        counterexample: Some(scenario),
        report: Some(report),
    }) = replies.last()
    else {
        panic!("{:?}", replies.last());
    };
    // Found 7 steps past the prefix, every state 6 steps past it checked.
    assert_eq!(progress.depth_done, 6);
    let first = scenario.actions.iter().find(|(t, _)| *t > 0);
    assert_eq!(first, Some(&(STEP, Action::ForceTimeout(3))));
    assert_eq!(report.violation.t, 8 * STEP);
}

#[test]
fn an_experiment_runs_a_trial_a_step_and_sends_each_line_when_done() {
    let config = ExperimentConfig {
        trials: 3,
        lines: ExperimentConfig::default().lines[1..3].to_vec(),
        ..ExperimentConfig::default()
    };
    let (replies, largest) = run(
        WorkerJob::ElectionDowntime {
            config: config.clone(),
        },
        Budget::default(),
    );
    assert_monotonic(&replies);
    assert_eq!(largest, 1);
    // The first line right after its third trial, the second after the
    // sixth, then the end: each line as the whole run's results have it.
    let told: Vec<String> = replies
        .iter()
        .map(|r| match r {
            WorkerReply::Progress { done, .. } => format!("{done}"),
            WorkerReply::ExperimentLine { line } => format!("line {}", line.line),
            WorkerReply::ExperimentDone { errors } => format!("done {}", errors.len()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        told,
        [
            "1",
            "2",
            "3",
            "line 150-151 ms",
            "4",
            "5",
            "6",
            "line 150-155 ms",
            "done 0"
        ]
    );
    let mut whole = Experiment::new(config);
    whole.step(u64::MAX);
    let lines: Vec<_> = replies
        .iter()
        .filter_map(|r| match r {
            WorkerReply::ExperimentLine { line } => Some(line.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(lines, whole.results().lines);
}

/// The comparison on a tiny configuration (two seeds of 4 s): every
/// combination's figures are those of `sim::run::run_simulation`, the
/// checked run `raft-sim sweep` runs, for the same seeds; the same seed is
/// the same nemesis under every combination; no step runs much more than
/// its budget of events.
#[test]
fn the_availability_comparison_sends_each_combination_as_the_sweep_runs_it() {
    use crate::sim::experiment::switch_availability::{median_seed, Switches};
    use crate::sim::run::run_simulation;
    use crate::sim::Simulation;
    let config = AvailabilityConfig {
        seed: 5,
        seeds: 2,
        nodes: 5,
        duration: 4 * SECONDS,
    };
    let budget = Budget::default();
    let job = WorkerJob::Availability {
        config: config.clone(),
    };
    let (replies, largest) = run(job, budget);
    assert_monotonic(&replies);
    // One 10 ms sample of a busy cluster is a few dozen events.
    assert!(
        largest <= budget.events + 500,
        "a step ran {largest} events"
    );
    assert_eq!(
        replies.last(),
        Some(&WorkerReply::AvailabilityDone { runs: 8 })
    );
    let parts: Vec<_> = replies
        .iter()
        .filter_map(|r| match r {
            WorkerReply::AvailabilityPart { result } => Some(result),
            _ => None,
        })
        .collect();
    let order: Vec<Switches> = parts.iter().map(|p| p.switches).collect();
    assert_eq!(order, Switches::ALL);
    let mut nemesis_of_seed = std::collections::BTreeMap::new();
    for part in parts {
        assert!(part.failing.is_empty(), "{:?}", part.failing);
        let mut summed = (0, 0, 0, 0);
        for (k, figures) in part.seeds.iter().enumerate() {
            let seed = 5 + k as u64;
            assert_eq!(figures.seed, seed);
            let sim = Simulation::new(config.sim_config(part.switches, seed)).unwrap();
            let (sim, report) = run_simulation(sim, config.duration, |_| {});
            assert_eq!(u64::from(figures.samples), report.availability.samples);
            assert_eq!(
                u64::from(figures.with_leader),
                report.availability.with_leader
            );
            assert_eq!(figures.ops_ok as usize, report.ops_ok);
            let ops = report.ops_ok + report.ops_fail + report.ops_unknown;
            assert_eq!(figures.ops as usize, ops);
            summed.0 += report.availability.with_leader;
            summed.1 += report.availability.samples;
            summed.2 += report.ops_ok as u64;
            summed.3 += ops as u64;
            // The first strike of seed k is the same under every switch.
            let first = sim.nemesis().taken().first().map(|(t, _)| *t);
            assert_eq!(*nemesis_of_seed.entry(seed).or_insert(first), first);
        }
        assert_eq!(part.serving(), (summed.0, summed.1));
        assert_eq!(part.ops(), (summed.2, summed.3));
        let median = median_seed(&part.seeds).unwrap();
        assert_eq!(part.median.seed, median.seed);
    }
}

#[test]
fn a_comparison_the_page_never_asks_for_fails_with_a_reason() {
    let config = AvailabilityConfig {
        nodes: 2,
        ..AvailabilityConfig::default()
    };
    let (replies, _) = run(WorkerJob::Availability { config }, Budget::default());
    match &replies[..] {
        [WorkerReply::Failed { message }] => assert!(message.contains("need 3 to "), "{message}"),
        other => panic!("{other:?}"),
    }
}
