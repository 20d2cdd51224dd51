//! Helpers for the simulator-level tests (`tests/scenarios.rs`): whole
//! clusters in a `Simulation`, run until something holds.

use raft_playground::raft::{NodeId, Op, Role, Time, MILLIS, SECONDS};
use raft_playground::sim::{Action, SimConfig, Simulation};

/// A quiet cluster: no clients, no faults, default timing and network.
pub fn cluster(nodes: u64, seed: u64) -> Simulation {
    let config = SimConfig {
        seed,
        nodes,
        ..SimConfig::default()
    };
    Simulation::new(config).expect("valid config")
}

/// A 5-server cluster under `--faults all` with 3 background clients, as
/// the CLI's sweeps run it.
pub fn nemesis_config(seed: u64) -> SimConfig {
    let mut config = SimConfig {
        seed,
        nodes: 5,
        ..SimConfig::default()
    }
    .with_all_faults();
    config.workload.clients = 3;
    config
}

/// Runs until some running server is leader and every running server in its
/// partition follows it; panics if that takes longer than `bound`.
pub fn await_leader(sim: &mut Simulation, bound: Time) -> NodeId {
    let deadline = sim.now() + bound;
    while sim.now() < deadline {
        sim.run_until(sim.now() + 10 * MILLIS);
        if let Some(leader) = sim.leader() {
            return leader;
        }
    }
    panic!("no leader within {bound}us");
}

/// Runs until `pred` holds, checking every 10 ms; panics after `bound`.
pub fn await_until(
    sim: &mut Simulation,
    bound: Time,
    what: &str,
    pred: impl Fn(&Simulation) -> bool,
) {
    let deadline = sim.now() + bound;
    while !pred(sim) {
        assert!(sim.now() < deadline, "timed out waiting for {what}");
        sim.run_until(sim.now() + 10 * MILLIS);
    }
}

pub fn run_for(sim: &mut Simulation, d: Time) {
    sim.run_until(sim.now() + d);
}

pub fn role(sim: &Simulation, id: NodeId) -> Role {
    sim.server(id).unwrap().node.role()
}

pub fn term(sim: &Simulation, id: NodeId) -> u64 {
    sim.server(id).unwrap().node.current_term()
}

pub fn send(sim: &mut Simulation, to: Option<NodeId>, op: Op) {
    sim.act(Action::ClientRequest { to, op })
        .expect("valid request");
}

/// The commands each server applied, as text, in order.
pub fn applied_commands(sim: &Simulation, id: NodeId) -> Vec<String> {
    sim.server(id)
        .unwrap()
        .node
        .state_machine()
        .applied()
        .iter()
        .map(|e| e.payload.to_string())
        .collect()
}

pub fn assert_no_violations(sim: &Simulation) {
    assert!(
        sim.violations().is_empty(),
        "violations: {:#?}",
        sim.violations()
    );
}

pub const SECOND: Time = SECONDS;
