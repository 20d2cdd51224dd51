//! Randomized runs with the nemesis over many seeds: crashes, stops,
//! partitions, one-way cuts, loss, duplication, reordering, forced timeouts.
//! Every run must keep every safety invariant, produce a linearizable client
//! history, and, once all faults heal, elect a leader within a bounded
//! simulated time and deliver every acknowledged write to every node.

use raft_playground::raft::SECONDS;
use raft_playground::sim::{self, run::LEADER_BOUND, RunReport, SimConfig, Verdict};

fn faulty(seed: u64, nodes: u64) -> SimConfig {
    let mut config = SimConfig {
        seed,
        nodes,
        ..SimConfig::default()
    }
    .with_all_faults();
    config.workload.clients = 3;
    config.workload.rate = 15.0;
    config
}

fn sweep(nodes: u64, seeds: std::ops::RangeInclusive<u64>) -> Vec<RunReport> {
    seeds
        .map(|seed| {
            sim::run(faulty(seed, nodes), 60 * SECONDS, |_| {})
                .unwrap()
                .1
        })
        .collect()
}

fn assert_all_pass(reports: &[RunReport]) {
    let mut acknowledged = 0;
    for r in reports {
        assert_eq!(
            r.violation_count,
            0,
            "seed {}: {:?}",
            r.seed,
            r.violations.first()
        );
        assert_eq!(
            r.linearizability.verdict,
            Verdict::Linearizable,
            "seed {}",
            r.seed
        );
        let leader_after = r
            .liveness
            .leader_after
            .unwrap_or_else(|| panic!("seed {}: no leader after healing", r.seed));
        assert!(leader_after <= LEADER_BOUND);
        assert!(
            r.liveness.missing.is_empty(),
            "seed {}: {:?}",
            r.seed,
            r.liveness.missing
        );
        acknowledged += r.ops_ok;
    }
    // The runs did real work: faults did not simply stop all progress.
    assert!(
        acknowledged > reports.len() * 20,
        "{acknowledged} acknowledged ops"
    );
}

#[test]
fn three_nodes_1000_seeds() {
    assert_all_pass(&sweep(3, 1..=1000));
}

#[test]
fn five_nodes_1000_seeds() {
    assert_all_pass(&sweep(5, 1001..=2000));
}

#[test]
fn seven_nodes_500_seeds() {
    assert_all_pass(&sweep(7, 3001..=3500));
}

/// The faults really happen: a run sees several leaders, failed and unknown
/// client outcomes, and dropped messages.
#[test]
fn the_nemesis_is_not_idle() {
    let (sim, report) = sim::run(faulty(77, 5), 30 * SECONDS, |_| {}).unwrap();
    assert!(
        report.leaders_by_term.len() >= 5,
        "{:?}",
        report.leaders_by_term
    );
    assert!(report.ops_unknown > 0 && report.ops_ok > 0);
    assert!(
        sim.servers().iter().any(|s| s.incarnation > 0),
        "some node restarted"
    );
}
