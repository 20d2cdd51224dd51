//! What PreVote and CheckQuorum are for, shown on whole clusters: the two
//! stories the issue's tours tell, each run with the mechanism off and on.
//! Safety holds either way; the difference is whether the cluster keeps a
//! leader that can commit.

mod common;

use common::cluster::*;
use raft_playground::raft::{NodeId, Role, UnsafeSwitch, UnsafeSwitches, SECONDS};
use raft_playground::sim::config::RaftOptions;
use raft_playground::sim::scenario::Scenario;
use raft_playground::sim::{Action, SimConfig, Simulation};

fn cluster_with(seed: u64, pre_vote: bool, check_quorum: bool) -> Simulation {
    cluster_with_switches(seed, pre_vote, check_quorum, UnsafeSwitches::none())
}

fn cluster_with_switches(
    seed: u64,
    pre_vote: bool,
    check_quorum: bool,
    unsafe_switches: UnsafeSwitches,
) -> Simulation {
    let config = SimConfig {
        unsafe_switches,
        seed,
        nodes: 5,
        raft: RaftOptions {
            pre_vote,
            check_quorum,
        },
        ..SimConfig::default()
    };
    Simulation::new(config).expect("valid config")
}

fn other_than(leader: NodeId) -> NodeId {
    leader % 5 + 1
}

/// A node cut off from everyone for 3 s, then healed. Returns the leader
/// before, the leader after, and the term before and after.
fn node_comes_back(pre_vote: bool, seed: u64) -> (NodeId, Option<NodeId>, u64, u64) {
    node_comes_back_with(pre_vote, seed, UnsafeSwitches::none())
}

fn node_comes_back_with(
    pre_vote: bool,
    seed: u64,
    switches: UnsafeSwitches,
) -> (NodeId, Option<NodeId>, u64, u64) {
    let mut sim = cluster_with_switches(seed, pre_vote, false, switches);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    run_for(&mut sim, SECONDS);
    let before = term(&sim, leader);
    let away = other_than(leader);
    sim.act(Action::ReachOnly {
        node: away,
        peers: vec![],
    })
    .unwrap();
    run_for(&mut sim, 3 * SECONDS);
    sim.act(Action::Heal).unwrap();
    run_for(&mut sim, SECONDS);
    if switches.is_empty() {
        assert_no_violations(&sim);
    }
    (leader, sim.leader(), before, term(&sim, leader))
}

/// `prevote-raises-term` makes PreVote useless, not only wrong on paper:
/// with it, the node back from its partition deposes the leader again,
/// as if PreVote were off.
#[test]
fn with_prevote_raises_term_the_returning_node_disrupts_again() {
    let raises = UnsafeSwitches::none().with(UnsafeSwitch::PreVoteRaisesTerm);
    for seed in 1..=5 {
        let (leader, _, before, after) = node_comes_back_with(true, seed, raises);
        assert!(
            after > before,
            "seed {seed}: leader {leader} kept term {before}"
        );
    }
}

/// Without PreVote the node that was away raised its term with every
/// timeout; back, its higher term deposes the leader (§5.1), an election
/// the cluster did not need. With PreVote its term never moved (thesis
/// §9.6): the leader and the term stay.
#[test]
fn a_node_back_from_a_partition_disrupts_the_leader_only_without_pre_vote() {
    for seed in 1..=5 {
        let (leader, _, before, after) = node_comes_back(false, seed);
        assert!(
            after > before,
            "seed {seed}: leader {leader} kept term {before}"
        );
        let (leader, now, before, after) = node_comes_back(true, seed);
        assert_eq!(now, Some(leader), "seed {seed}: the leader stays");
        assert_eq!(after, before, "seed {seed}: so does the term");
    }
}

/// The leader hears nothing (every link into it cut) but still sends. Its
/// heartbeats keep every follower from timing out. Returns whether, 3 s
/// later, a serving leader exists, and whether the deaf one still leads.
fn deaf_leader(check_quorum: bool, seed: u64) -> (bool, bool) {
    let mut sim = cluster_with(seed, false, check_quorum);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    run_for(&mut sim, SECONDS);
    sim.act(Action::Deafen(leader)).unwrap();
    run_for(&mut sim, 3 * SECONDS);
    assert_no_violations(&sim);
    let serving = sim.serving_leader().is_some_and(|l| l != leader);
    (serving, role(&sim, leader) == Role::Leader)
}

/// Without CheckQuorum the cluster stalls: the deaf leader stays leader and
/// no one else is elected. With it, the leader steps down after an election
/// timeout without hearing from a majority (thesis §6.2), its heartbeats
/// stop, and the others elect a leader that can commit.
#[test]
fn a_leader_that_cannot_hear_stalls_the_cluster_only_without_check_quorum() {
    for seed in 1..=5 {
        assert_eq!(deaf_leader(false, seed), (false, true), "seed {seed}");
        assert_eq!(deaf_leader(true, seed), (true, false), "seed {seed}");
    }
}

/// `Deafen` cuts only the links into the server; `ReachOnly` cuts both
/// ways to every server but its peers.
#[test]
fn partial_partitions_cut_the_links_they_say() {
    let mut sim = cluster_with(1, false, false);
    sim.act(Action::Deafen(2)).unwrap();
    let cuts: Vec<(NodeId, NodeId)> = sim.network().cuts().iter().copied().collect();
    assert_eq!(cuts, vec![(1, 2), (3, 2), (4, 2), (5, 2)]);
    sim.act(Action::Heal).unwrap();
    sim.act(Action::ReachOnly {
        node: 3,
        peers: vec![1, 5],
    })
    .unwrap();
    let cuts: Vec<(NodeId, NodeId)> = sim.network().cuts().iter().copied().collect();
    assert_eq!(cuts, vec![(2, 3), (3, 2), (3, 4), (4, 3)]);
    let err = sim
        .act(Action::ReachOnly {
            node: 3,
            peers: vec![3],
        })
        .unwrap_err();
    assert!(err.contains("its own peers"), "{err}");
}

/// The playground's checkboxes: CheckQuorum turned on while a deaf leader
/// stalls the cluster ends the stall, and the `raft` action, in a scenario
/// file, replays the run to the same trace hash.
#[test]
fn check_quorum_turned_on_mid_run_ends_a_stall_and_replays() {
    let base = r#"{"version": 2, "seed": 2, "nodes": 5, "duration_us": 1, "actions": []}"#;
    let mut sim = Scenario::from_json(base).unwrap().start(false).unwrap();
    let leader = await_leader(&mut sim, 2 * SECONDS);
    let deafened_at = sim.now();
    sim.act(Action::Deafen(leader)).unwrap();
    run_for(&mut sim, 2 * SECONDS);
    assert_eq!(sim.serving_leader(), None, "stalled");
    let on = RaftOptions {
        pre_vote: false,
        check_quorum: true,
    };
    let switched_at = sim.now();
    sim.act(Action::SetRaft(on)).unwrap();
    run_for(&mut sim, 2 * SECONDS);
    assert!(sim.serving_leader().is_some_and(|l| l != leader));
    assert_eq!(sim.config().raft, on);
    assert_no_violations(&sim);

    let json = format!(
        r#"{{"version": 2, "seed": 2, "nodes": 5, "duration_us": {},
            "actions": [{{"t": {deafened_at}, "action": "deafen", "node": {leader}}},
                        {{"t": {switched_at}, "action": "raft", "pre_vote": false, "check_quorum": true}}]}}"#,
        sim.now()
    );
    let replayed = Scenario::from_json(&json).unwrap().run().unwrap();
    assert_eq!(replayed.trace_hash(), sim.trace_hash());
}
