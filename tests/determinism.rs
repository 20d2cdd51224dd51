//! One seed decides everything: the same seed and the same actions give the
//! same run, bit for bit, and a clone taken mid-run continues identically.

mod common;

use raft_playground::raft::SECONDS;
use raft_playground::sim::{self, Action, SimConfig, Simulation};

fn busy_config(seed: u64) -> SimConfig {
    let mut config = common::cluster::nemesis_config(seed);
    config.workload.rate = 20.0;
    config
}

#[test]
fn same_seed_twice_gives_the_same_trace_hash() {
    let (_, a) = sim::run(busy_config(42), 20 * SECONDS, |_| {}).unwrap();
    let (_, b) = sim::run(busy_config(42), 20 * SECONDS, |_| {}).unwrap();
    assert!(
        a.events > 3_000,
        "a busy run, not an empty one: {} events",
        a.events
    );
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.events, b.events);
    assert_eq!(a.leaders_by_term, b.leaders_by_term);
}

#[test]
fn different_seeds_give_different_runs() {
    let hashes: std::collections::BTreeSet<u64> = (1..=5)
        .map(|seed| {
            sim::run(busy_config(seed), 5 * SECONDS, |_| {})
                .unwrap()
                .1
                .trace_hash
        })
        .collect();
    assert_eq!(hashes.len(), 5);
}

#[test]
fn a_clone_taken_mid_run_continues_exactly_like_the_original() {
    let mut original = Simulation::new(busy_config(7)).unwrap();
    original.run_until(10 * SECONDS);
    let mut copy = original.clone();
    original.run_until(30 * SECONDS);
    copy.run_until(30 * SECONDS);
    assert_eq!(original.trace_hash(), copy.trace_hash());
    assert_eq!(original.events(), copy.events());
}

#[test]
fn user_actions_are_part_of_the_replay() {
    let run = |with_action: bool| {
        let mut sim = Simulation::new(busy_config(9)).unwrap();
        sim.run_until(2 * SECONDS);
        if with_action {
            sim.act(Action::Restart(1)).unwrap();
        }
        sim.run_until(10 * SECONDS);
        sim.trace_hash()
    };
    assert_eq!(run(true), run(true));
    assert_ne!(run(true), run(false));
}

#[test]
fn recording_the_trace_does_not_change_the_run() {
    let mut recorded = busy_config(11);
    recorded.record_trace = true;
    let (mut sim, a) = sim::run(recorded, 5 * SECONDS, |_| {}).unwrap();
    let (_, b) = sim::run(busy_config(11), 5 * SECONDS, |_| {}).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(
        sim.trace_mut().take_recorded().len() as u64,
        sim.trace().len()
    );
}
