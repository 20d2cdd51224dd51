//! The liveness check after healing: every acknowledged write must reach
//! every server, matched by request id (client, request number).

use raft_playground::raft::{ClientId, Op, Payload, RequestId, SECONDS};
use raft_playground::sim::{Action, Operation, Outcome, Simulation};
use raft_playground::view::playground::playground_config;

/// The liveness check asks whether every acknowledged write reached every
/// server by request id: one client writing the same value twice does not
/// count the second write as delivered because the first was.
#[test]
fn liveness_matches_acknowledged_writes_by_request_id() {
    let mut config = playground_config(9, 3);
    config.workload.clients = 1;
    config.workload.rate = 50.0;
    config.workload.keys = 1;
    config.workload.read_fraction = 0.0;
    config.workload.cas_fraction = 0.0;
    let mut sim = Simulation::new(config).unwrap();
    sim.run_until(5 * SECONDS);
    let leader = sim.stable_leader().unwrap();
    let lagging = leader % 3 + 1;
    sim.act(Action::Stop(lagging)).unwrap();
    sim.run_until(10 * SECONDS);
    let node = &sim.server(lagging).unwrap().node;
    let applied: Vec<(ClientId, RequestId, Op)> = node
        .state_machine()
        .applied()
        .iter()
        .filter_map(|e| match &e.payload {
            Payload::Command(c) => Some((c.client, c.request, c.op.clone())),
            Payload::Noop | Payload::Config(_) => None,
        })
        .collect();
    let acked: Vec<Operation> = sim
        .history()
        .iter()
        .filter(|o| o.outcome == Outcome::Ok)
        .cloned()
        .collect();
    let missing: Vec<&Operation> = acked
        .iter()
        .filter(|o| {
            !applied
                .iter()
                .any(|(c, r, _)| (*c, *r) == (o.client, o.request))
        })
        .collect();
    let same_op_applied = missing
        .iter()
        .filter(|o| {
            applied
                .iter()
                .any(|(c, _, op)| (*c, op) == (o.client, &o.op))
        })
        .count();
    assert!(
        same_op_applied > 0,
        "the case that tells the two apart: a missing write whose twin was applied"
    );
    let reported = sim
        .acknowledged_writes_missing()
        .into_iter()
        .filter(|&(_, n)| n == lagging)
        .count();
    assert_eq!(reported, missing.len());
}
