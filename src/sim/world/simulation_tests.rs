//! Actions taken live: what `act_now` answers.

use super::*;
use crate::sim::config::SimConfig;

/// Three servers, no clients, a message or more in flight, and the run
/// stopped by single steps at the microsecond the first of them is due,
/// before its delivery.
fn stopped_before_a_delivery() -> (Simulation, MessageId) {
    let mut config = SimConfig {
        nodes: 3,
        ..SimConfig::default()
    };
    config.workload.clients = 0;
    let mut sim = Simulation::new(config).unwrap();
    while sim.network().in_flight_count() == 0 {
        assert!(sim.step(), "an election sends messages");
    }
    let first = sim
        .network()
        .in_flight()
        .min_by_key(|m| (m.deliver_at, m.id));
    let (id, due) = first.map(|m| (m.id, m.deliver_at)).unwrap();
    sim.run_before(due);
    assert!(sim.network().get(id).is_some(), "not delivered yet");
    (sim, id)
}

#[test]
fn a_drop_the_moment_refuses_is_an_error_and_not_a_scheduled_refusal() {
    let (mut sim, id) = stopped_before_a_delivery();
    let mut untouched = sim.clone();
    untouched.run_until(untouched.now());
    // The delivery due at this microsecond runs first; the drop comes late.
    let why = sim.act_now(Action::DropMessage(id)).unwrap_err();
    assert_eq!(why, format!("message {id} is not in flight"));
    assert!(
        sim.refused_actions().is_empty(),
        "{:?}",
        sim.refused_actions()
    );
    assert_eq!(sim.trace().hash(), untouched.trace().hash(), "nothing done");
    assert_eq!(sim.events(), untouched.events(), "nor counted");
}

#[test]
fn an_action_the_moment_allows_is_done() {
    let (mut sim, id) = stopped_before_a_delivery();
    let other = sim.network().in_flight().map(|m| m.id).find(|&m| m != id);
    let Some(other) = other else {
        panic!("an election sends two RequestVotes");
    };
    sim.act_now(Action::DropMessage(other)).unwrap();
    assert!(sim.network().get(other).is_none(), "dropped");
}
