//! The Raft paper's Figure 16 in the simulator (`sim::experiment`): a trial
//! is a scenario that replays to the same downtime, its logs differ as the
//! paper's did, and a small run has the figure's shape.

use raft_playground::raft::{Role, MILLIS};
use raft_playground::sim::experiment::election_downtime::{self, BOTTOM, TOP};
use raft_playground::sim::experiment::trial::{self, GIVE_UP_AFTER};
use raft_playground::sim::experiment::{Experiment, ExperimentConfig, Line, LineResult, TrialId};
use raft_playground::sim::{Action, Scenario};

fn line_of(results: &[LineResult], line: Line) -> &LineResult {
    results
        .iter()
        .find(|r| r.line == line)
        .expect("the line ran")
}

#[test]
fn a_trial_replays_from_its_scenario_and_its_json_to_the_same_downtime() {
    for (line, seed) in [(Line::ms(150, 300), 7), (Line::ms(12, 24), 3)] {
        let scenario = trial::trial_scenario(line, seed).unwrap();
        let outcome = trial::measure(&scenario).unwrap();
        assert_eq!(trial::measure(&scenario), Ok(outcome.clone()));
        let read_back = Scenario::from_json(&scenario.to_json()).unwrap();
        assert_eq!(read_back, scenario);
        assert_eq!(trial::measure(&read_back), Ok(outcome.clone()));
        // The same trial built again is the same scenario.
        assert_eq!(trial::trial_scenario(line, seed), Ok(scenario.clone()));
        assert_eq!(outcome.seed, seed);
        assert!(outcome.downtime.is_some(), "{line}: {outcome:?}");
        // Another seed is another trial.
        let other = trial::measure(&trial::trial_scenario(line, seed + 1).unwrap()).unwrap();
        assert_ne!(other.downtime, outcome.downtime, "{line}");
    }
}

#[test]
fn the_crash_comes_within_a_heartbeat_of_the_broadcast_and_logs_differ() {
    let line = Line::ms(150, 155);
    for (line, seed) in (1..=4).map(|s| (line, s)).chain([(Line::ms(12, 24), 69)]) {
        let heartbeat = line.timing().heartbeat_interval;
        let scenario = trial::trial_scenario(line, seed).unwrap();
        let (crash_at, crash) = scenario.actions.last().unwrap().clone();
        let Action::Stop(crashed) = crash else {
            panic!("the last action is the crash, not {crash}");
        };
        // The synchronized broadcast is the last write's; the crash follows
        // it within one heartbeat interval.
        let writes: Vec<u64> = scenario
            .actions
            .iter()
            .filter(|(_, a)| matches!(a, Action::ClientRequest { .. }))
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(writes.len(), 3);
        let drops = scenario.actions.iter();
        let mut drops = drops.filter(|(_, a)| matches!(a, Action::DropMessage(_)));
        let sync = drops.next_back().unwrap().0 + MILLIS;
        assert!(writes[2] == sync && crash_at >= sync && crash_at < sync + heartbeat + MILLIS);
        // At the crash: the leader leads, servers 2 and 3 hold its log, 5
        // misses two writes and 4 all three, yet every follower heard the
        // broadcast (its election deadline is at least a minimum timeout
        // after it).
        let mut sim = scenario.start(false).unwrap();
        sim.run_until(crash_at);
        let leader = sim.server(crashed).unwrap();
        assert_eq!(leader.node.role(), Role::Leader);
        let last = leader.node.log().last_index();
        let mut behind: Vec<u64> = sim
            .servers()
            .iter()
            .filter(|s| s.node.id() != crashed)
            .map(|s| last - s.node.log().last_index())
            .collect();
        behind.sort_unstable();
        assert!(behind[0] <= 1 && behind[1] <= 1, "seed {seed}: {behind:?}");
        assert_eq!(behind[2..], [2, 3], "seed {seed}");
        for s in sim.servers().iter().filter(|s| s.node.id() != crashed) {
            assert_eq!(s.node.role(), Role::Follower, "seed {seed}");
            assert!(s.node.election_deadline() >= writes[2] + line.min);
        }
    }
}

#[test]
fn a_small_run_has_the_shape_of_figure_16() {
    let mut experiment = Experiment::new(ExperimentConfig {
        seed: 1,
        trials: 10,
        lines: election_downtime::all_lines(),
    });
    experiment.step(u64::MAX);
    let results = experiment.results();
    assert_eq!(results.errors, Vec::<String>::new());
    for r in &results.lines {
        let hb = r.line.timing().heartbeat_interval;
        // A follower's timer started at the broadcast, at most a heartbeat
        // interval before the crash: no one can stand sooner.
        let floor = r.line.min - hb;
        assert!(r.cdf.iter().all(|p| p.value >= floor), "{}", r.line);
        assert!(r.elected.median <= r.downtime.median || r.downtime.median.is_none());
        if r.line.max - r.line.min >= 25 * MILLIS {
            let s = &r.downtime;
            assert_eq!(s.ended, s.trials, "{}: every trial elects a leader", r.line);
        }
    }
    // The bottom graph: shorter timeouts, shorter downtime.
    let median = |l| line_of(&results.lines, l).downtime.median.unwrap();
    assert!(median(BOTTOM[0]) < median(Line::ms(150, 300)));
    assert!(median(Line::ms(50, 100)) < median(Line::ms(100, 200)));
    // The top graph: without randomness the followers time out in lockstep
    // after the synchronized broadcast, and every election splits.
    let none = line_of(&results.lines, TOP[0]);
    assert_eq!((none.downtime.trials, none.downtime.ended), (1, 0));
    let five = line_of(&results.lines, Line::ms(150, 155));
    let worst_five = five.downtime.max.unwrap();
    assert!(worst_five < GIVE_UP_AFTER);
    assert!(
        five.more_than_one_term > line_of(&results.lines, Line::ms(150, 300)).more_than_one_term
    );
}

#[test]
fn slices_and_threads_change_nothing() {
    let config = ExperimentConfig {
        seed: 40,
        trials: 4,
        lines: vec![Line::ms(25, 50), Line::ms(150, 175)],
    };
    let mut whole = Experiment::new(config.clone());
    assert_eq!(whole.step(u64::MAX).done, 8);
    let mut sliced = Experiment::new(config);
    let first = sliced.take(3);
    assert_eq!(first[2], TrialId { line: 0, trial: 2 });
    // Given back out of order, as threads finish.
    for &id in first.iter().rev() {
        let outcome = sliced.run(id);
        sliced.record(id, outcome);
    }
    assert_eq!(sliced.progress().done, 3);
    assert_eq!(sliced.step(2).done, 5);
    assert_eq!(sliced.step(100).done, 8);
    assert_eq!(sliced.results(), whole.results());
    let json = serde_json::to_string(&whole.results()).unwrap();
    let back: raft_playground::sim::experiment::ExperimentResults =
        serde_json::from_str(&json).unwrap();
    assert_eq!(back, whole.results());
    // A point of the distribution names its trial.
    let point = whole.results().lines[1].cdf[0];
    let id = TrialId {
        line: 1,
        trial: point.seed - 40,
    };
    let again = trial::measure(&whole.trial_scenario(id).unwrap()).unwrap();
    assert_eq!(again.downtime, Some(point.value));
}
