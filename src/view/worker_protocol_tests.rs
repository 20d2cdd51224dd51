//! The messages survive serde both ways, every variant, and a hostile
//! message is refused with a reason rather than misread.

use super::*;
use crate::raft::{UnsafeSwitch, SECONDS};
use crate::sim::experiment::switch_availability::{
    AvailabilityConfig, AvailabilityRun, SwitchResult,
};
use crate::sim::experiment::{Experiment, ExperimentConfig};
use crate::sim::find::{scenario_of, FailureKind, Highlight, StaleRead, StepMark, ViolationMark};
use crate::sim::invariants::Invariant;
use crate::sim::SimConfig;

fn scenario() -> Scenario {
    let mut config = SimConfig::default();
    config.nodes = 3;
    config.unsafe_switches = config
        .unsafe_switches
        .with(UnsafeSwitch::VoteWithoutLogCheck);
    scenario_of(&config, 2 * SECONDS, &[])
}

fn report() -> FailureReport {
    let switch = UnsafeSwitch::VoteWithoutLogCheck;
    FailureReport {
        switch: switch.name().into(),
        rule: switch.description().into(),
        source: switch.rule_source().into(),
        seed: 7,
        first_unsafe_step: Some(StepMark {
            t: 1_200,
            node: 2,
            peer: Some(3),
            index: None,
            message: Some(41),
        }),
        nearest_unsafe_step: Some(StepMark {
            t: 3_000,
            node: 3,
            peer: None,
            index: Some(4),
            message: None,
        }),
        unsafe_steps: 2,
        violation: ViolationMark {
            kind: FailureKind::Invariant(Invariant::LeaderCompleteness),
            t: 3_400,
            nodes: vec![2, 3],
            detail: "entry 4 of term 2 is not in leader 3's log".into(),
            term: Some(3),
            index: Some(4),
            message: None,
            stale_read: Some(StaleRead {
                client: 1,
                request: 2,
                op: "read k1".into(),
                result: None,
                invoke_t: 10,
                return_t: Some(20),
                answered_by: Some(2),
                reply_message: Some(9),
            }),
        },
        highlight: Highlight {
            nodes: vec![2, 3],
            messages: vec![41],
            indexes: vec![4],
        },
    }
}

fn every_job() -> Vec<WorkerJob> {
    vec![
        WorkerJob::FindFailure {
            settings: scenario(),
            switch: "vote-without-log-check".into(),
            max_seeds: 100,
        },
        WorkerJob::Explore {
            bounds: Bounds::default(),
            unsafe_switches: vec!["commit-old-terms".into()],
            prefix: vec![Action::ForceTimeout(1), Action::DeliverMessage(1)],
        },
        WorkerJob::ElectionDowntime {
            config: ExperimentConfig::default(),
        },
        WorkerJob::Availability {
            config: AvailabilityConfig::default(),
        },
    ]
}

/// One combination of a tiny comparison: one seed of 2 s.
fn switch_result() -> SwitchResult {
    let mut run = AvailabilityRun::new(AvailabilityConfig {
        seeds: 1,
        duration: 2 * SECONDS,
        ..AvailabilityConfig::default()
    })
    .unwrap();
    run.step(u64::MAX).unwrap();
    run.take_finished().remove(0)
}

fn every_reply() -> Vec<WorkerReply> {
    let mut experiment = Experiment::new(ExperimentConfig {
        trials: 2,
        lines: ExperimentConfig::default().lines[..1].to_vec(),
        ..ExperimentConfig::default()
    });
    experiment.step(10);
    vec![
        WorkerReply::Progress {
            done: 3,
            total: 100,
            what: "seeds tried".into(),
        },
        WorkerReply::Found {
            scenario: scenario(),
            report: report(),
        },
        WorkerReply::NotFound { seeds_tried: 100 },
        WorkerReply::Explored {
            progress: ExploreProgress {
                explored: 10,
                unique: 5,
                depth_done: 2,
                finished: true,
                ..ExploreProgress::default()
            },
            counterexample: Some(scenario()),
            report: Some(report()),
        },
        WorkerReply::ExperimentLine {
            line: experiment.line(0).unwrap(),
        },
        WorkerReply::ExperimentDone {
            errors: vec!["150–150 ms, seed 3: no leader".into()],
        },
        WorkerReply::AvailabilityPart {
            result: switch_result(),
        },
        WorkerReply::AvailabilityDone { runs: 4 },
        WorkerReply::Failed {
            message: "no".into(),
        },
    ]
}

#[test]
fn every_job_and_reply_round_trips() {
    for job in every_job() {
        let json = serde_json::to_string(&job).unwrap();
        assert_eq!(
            serde_json::from_str::<WorkerJob>(&json).unwrap(),
            job,
            "{json}"
        );
    }
    for reply in every_reply() {
        let json = serde_json::to_string(&reply).unwrap();
        assert_eq!(
            serde_json::from_str::<WorkerReply>(&json).unwrap(),
            reply,
            "{json}"
        );
    }
}

#[test]
fn a_failure_kind_crosses_by_name_and_an_unknown_one_is_refused() {
    let json = serde_json::to_string(&report()).unwrap();
    assert!(json.contains("\"kind\":\"leader_completeness\""), "{json}");
    let hostile = json.replace("leader_completeness", "no_such_invariant");
    let error = serde_json::from_str::<FailureReport>(&hostile).unwrap_err();
    assert!(error.to_string().contains("no_such_invariant"), "{error}");
    let lin = FailureKind::NotLinearizable;
    let back: FailureKind = serde_json::from_str(&serde_json::to_string(&lin).unwrap()).unwrap();
    assert_eq!(back, lin);
}

#[test]
fn a_hostile_reply_is_an_error_not_a_misreading() {
    for text in [
        r#"{"Progress":{"done":"many","total":1,"what":"x"}}"#,
        r#"{"Launch":{}}"#,
        r#"{"Found":{"scenario":{"version":99},"report":null}}"#,
        r#""ready""#,
    ] {
        assert!(serde_json::from_str::<WorkerReply>(text).is_err(), "{text}");
    }
}

#[test]
fn only_progress_and_pieces_of_results_are_not_final() {
    let finals: Vec<bool> = every_reply().iter().map(WorkerReply::is_final).collect();
    assert_eq!(
        finals,
        [false, true, true, true, false, true, false, true, true]
    );
}
