//! Clients that retry, and exactly-once outcomes (issue 10 §4).
//!
//! A client resends an unanswered request with the same client id and
//! request number; the state machine's sessions make each request take
//! effect once and answer every copy with the first result (§8, thesis
//! §6.3). A request attempted more than once is reported failed only when
//! no attempt can ever commit; otherwise its outcome stays unknown, and the
//! linearizability checker lets an unknown write take effect at any time
//! after its invocation, or never.

mod common;

use raft_playground::raft::{ClientId, NodeId, Op, Payload, RequestId, Time, MILLIS, SECONDS};
use raft_playground::sim::linearizability::{self, Verdict};
use raft_playground::sim::workload::USER_CLIENT_BASE;
use raft_playground::sim::{
    self, Action, Endpoint, Operation, Outcome, Packet, PausedInbox, Scenario, Simulation,
    TraceEvent,
};
use raft_playground::view::playground::playground_config;

/// Three servers with the playground's timing and clients that resend
/// every 300 ms and give up after `timeout`; a leader elected.
fn cluster(timeout: Time) -> (Simulation, NodeId) {
    let mut config = playground_config(5, 3);
    config.workload.retry = Some(300 * MILLIS);
    config.workload.timeout = timeout;
    config.faults.paused_inbox = PausedInbox::Keep;
    let mut sim = Simulation::new(config).unwrap();
    sim.run_until(2 * SECONDS);
    let leader = sim.stable_leader().expect("a leader after 2 s");
    (sim, leader)
}

fn write(value: &str) -> Op {
    Op::Write {
        key: "x".into(),
        value: value.into(),
    }
}

/// The user sends `op` to `to`; returns its client id (one per request).
fn request(sim: &mut Simulation, to: NodeId, op: Op) -> ClientId {
    let client = USER_CLIENT_BASE + sim.history().len() as ClientId;
    sim.act(Action::ClientRequest { to: Some(to), op }).unwrap();
    assert_eq!(sim.history().iter().last().unwrap().client, client);
    client
}

fn operation(sim: &Simulation, client: ClientId) -> Operation {
    sim.history()
        .iter()
        .find(|o| o.client == client)
        .unwrap()
        .clone()
}

/// Runs until the reply to `client` is on the wire, and drops it: the
/// request took effect, and the client does not know.
fn lose_the_reply(sim: &mut Simulation, client: ClientId) {
    let reply = loop {
        let found = sim.network().in_flight().find(|m| {
            m.to == Endpoint::Client(client) && matches!(m.packet, Packet::ClientReply(_))
        });
        if let Some(m) = found {
            break m.id;
        }
        assert!(sim.step(), "the run ended before the reply");
    };
    sim.act(Action::DropMessage(reply)).unwrap();
}

/// How many entries of `(client, request)` each server applied.
fn copies_applied(sim: &Simulation, client: ClientId, request: RequestId) -> Vec<usize> {
    sim.servers()
        .iter()
        .map(|s| {
            s.node
                .state_machine()
                .applied()
                .iter()
                .filter(|e| matches!(&e.payload, Payload::Command(c) if c.client == client && c.request == request))
                .count()
        })
        .collect()
}

fn value_everywhere(sim: &Simulation) -> Vec<Option<String>> {
    sim.servers()
        .iter()
        .map(|s| s.node.state_machine().get("x").cloned())
        .collect()
}

/// Client A writes x=1 and its answer is lost; client B then writes x=2.
/// A resends its write, which reaches the log a second time, after B's:
/// applied twice, it must take effect once, or x would go back to 1.
#[test]
fn a_retried_write_reaches_the_log_twice_and_takes_effect_once() {
    let (mut sim, leader) = cluster(5 * SECONDS);
    let a = request(&mut sim, leader, write("1"));
    lose_the_reply(&mut sim, a);
    let b = request(&mut sim, leader, write("2"));
    sim.run_until(sim.now() + 2 * SECONDS);
    assert_eq!(operation(&sim, b).outcome, Outcome::Ok);
    let a_op = operation(&sim, a);
    assert_eq!(a_op.outcome, Outcome::Ok, "the retry was answered");
    assert!(
        a_op.index > operation(&sim, b).index,
        "answered from the copy after B's write"
    );
    assert_eq!(
        copies_applied(&sim, a, 1),
        vec![2, 2, 2],
        "in the log twice"
    );
    assert_eq!(value_everywhere(&sim), vec![Some("2".to_string()); 3]);
    assert_eq!(sim.violations(), &[]);
    let history = sim.history().to_vec();
    assert_eq!(
        linearizability::check(&history, 100_000).verdict,
        Verdict::Linearizable
    );
}

/// A compare-and-set that matched, answered only through its retry: the
/// retry is answered with the first execution's result (it matched), not
/// with what running it again would say (x no longer holds 1).
#[test]
fn a_retried_compare_and_set_gets_the_first_outcome() {
    let (mut sim, leader) = cluster(5 * SECONDS);
    request(&mut sim, leader, write("1"));
    sim.run_until(sim.now() + 500 * MILLIS);
    let cas = Op::Cas {
        key: "x".into(),
        from: "1".into(),
        to: "2".into(),
    };
    let a = request(&mut sim, leader, cas);
    lose_the_reply(&mut sim, a);
    sim.run_until(sim.now() + 2 * SECONDS);
    assert_eq!(copies_applied(&sim, a, 1), vec![2, 2, 2]);
    assert_eq!(
        operation(&sim, a).outcome,
        Outcome::Ok,
        "CasOk, as the first time"
    );
    assert_eq!(value_everywhere(&sim), vec![Some("2".to_string()); 3]);
}

/// The leader appends a write while both followers are paused, so it cannot
/// commit. The client resends it (one copy reaches the leader's log again,
/// others wait in the paused followers' inboxes) and gives up: unknown. When
/// the followers resume they read their inboxes, and the first attempt
/// commits after all. A read then sees it: the history is linearizable only
/// because an unknown write may take effect after its client gave up.
#[test]
fn a_retried_writes_first_attempt_commits_after_the_client_gave_up() {
    let (mut sim, leader) = cluster(SECONDS);
    let followers: Vec<NodeId> = (1..=3).filter(|&n| n != leader).collect();
    for &f in &followers {
        sim.act(Action::Stop(f)).unwrap();
    }
    let first_index = sim.server(leader).unwrap().node.log().last_index() + 1;
    let a = request(&mut sim, leader, write("1"));
    sim.run_until(sim.now() + 1500 * MILLIS);
    let gave_up = operation(&sim, a);
    assert_eq!(gave_up.outcome, Outcome::Unknown, "{gave_up:?}");
    assert_eq!(value_everywhere(&sim), vec![None; 3], "not committed yet");
    let log = sim.server(leader).unwrap().node.log();
    let copies: Vec<u64> = (first_index..=log.last_index())
        .filter(|&i| matches!(&log.entry(i).unwrap().payload, Payload::Command(c) if c.client == a))
        .collect();
    assert_eq!(copies[0], first_index, "the first attempt is in the log");
    assert!(copies.len() >= 2, "and a retry too: {copies:?}");
    let invoked = gave_up.invoke_t;
    let resumed_at = sim.now();
    sim.act(Action::ResumeAll).unwrap();
    sim.run_until(sim.now() + SECONDS);
    assert_eq!(value_everywhere(&sim), vec![Some("1".to_string()); 3]);
    assert!(sim.violations().is_empty());
    let node = &sim.server(leader).unwrap().node;
    let first = &node.state_machine().applied()[first_index as usize - 1];
    assert!(
        matches!(&first.payload, Payload::Command(c) if c.client == a),
        "the first attempt took effect"
    );
    let reader = request(&mut sim, leader, Op::Read { key: "x".into() });
    sim.run_until(sim.now() + SECONDS);
    let read = operation(&sim, reader);
    assert_eq!(
        (read.outcome, read.read_result.as_deref()),
        (Outcome::Ok, Some("1"))
    );
    assert!(resumed_at > invoked + SECONDS, "the client gave up before");

    let history = sim.history().to_vec();
    assert_eq!(
        linearizability::check(&history, 100_000).verdict,
        Verdict::Linearizable,
        "{history:?}"
    );
    // Had the client called its write failed, the read of 1 would be
    // explained by nothing: the checker must refuse that history.
    let mut wrong = history.clone();
    let write_at = wrong.iter().position(|o| o.client == a).unwrap();
    wrong[write_at].outcome = Outcome::Fail;
    assert!(matches!(
        linearizability::check(&wrong, 100_000).verdict,
        Verdict::NotLinearizable { .. }
    ));
}

/// With client duplication on, every client request and every reply is
/// sent twice when the network's duplication is 1; off, never.
#[test]
fn client_links_duplicate_only_when_enabled() {
    for on in [false, true] {
        let mut config = playground_config(8, 3);
        config.network.duplication = 1.0;
        config.faults.client_duplication = on;
        config.record_trace = true;
        let mut sim = Simulation::new(config).unwrap();
        sim.run_until(2 * SECONDS);
        let leader = sim.stable_leader().unwrap();
        let a = request(&mut sim, leader, write("1"));
        sim.run_until(3 * SECONDS);
        let events = sim.trace_mut().take_recorded();
        let count = |kind: &str| {
            events
                .iter()
                .filter(|(_, e)| matches!(e, TraceEvent::Send { kind: k, .. } if *k == kind))
                .count()
        };
        let copies = if on { 2 } else { 1 };
        assert_eq!(count("ClientRequest"), copies, "on: {on}");
        assert!(count("ClientReply") >= copies, "on: {on}");
        assert_eq!(operation(&sim, a).outcome, Outcome::Ok);
        // Both copies were appended; the write took effect once either way.
        assert_eq!(copies_applied(&sim, a, 1), vec![copies; 3]);
    }
}

/// A nemesis run exercises the whole of it: retries, duplicated client
/// traffic, sessions, and a history the checker accepts.
#[test]
fn under_the_nemesis_retries_resolve_outcomes_and_stay_linearizable() {
    let mut resent = 0;
    for seed in 1..=20 {
        let mut config = common::cluster::nemesis_config(seed);
        config.record_trace = true;
        let mut sim = Simulation::new(config.clone()).unwrap();
        sim.run_until(30 * SECONDS);
        let events = sim.trace_mut().take_recorded();
        let invokes = events
            .iter()
            .filter(|(_, e)| matches!(e, TraceEvent::Invoke { .. }))
            .count();
        let requests = events
            .iter()
            .filter(|(_, e)| {
                matches!(
                    e,
                    TraceEvent::Send {
                        kind: "ClientRequest",
                        ..
                    }
                )
            })
            .count();
        resent += requests - invokes;
        let (_, report) = sim::run(config, 30 * SECONDS, |_| {}).unwrap();
        assert!(
            report.passed(),
            "seed {seed}: {:?}",
            report.violations.first()
        );
        assert_eq!(report.linearizability.verdict, Verdict::Linearizable);
    }
    assert!(resent > 100, "requests were resent: {resent}");
}

#[test]
fn a_scenario_carries_its_retry_interval() {
    let mut scenario =
        Scenario::from_json(include_str!("../docs/examples/minority-leader.json")).unwrap();
    let before = scenario.run().unwrap().trace_hash();
    scenario.client_retry = Some(200 * MILLIS);
    let json = scenario.to_json();
    assert!(json.contains("\"client_retry_us\": 200000"), "{json}");
    assert_eq!(Scenario::from_json(&json).as_ref(), Ok(&scenario));
    let link = raft_playground::view::permalink::encode(&scenario);
    let back = raft_playground::view::permalink::decode(&link)
        .unwrap()
        .unwrap();
    assert_eq!(back, scenario);
    assert_ne!(scenario.run().unwrap().trace_hash(), before);
    let zero = json.replace("\"client_retry_us\": 200000", "\"client_retry_us\": 0");
    let err = Scenario::from_json(&zero).unwrap_err();
    assert!(
        err.contains("\"client_retry_us\" must be at least 1000 (1 ms), got 0"),
        "{err}"
    );
    // Below a millisecond too: a 1 us retry made a 6 s run of five writes
    // 6.5 M events and 294 MB (a tester), where the format says every
    // timing under 1 ms is refused.
    let tiny = json.replace("\"client_retry_us\": 200000", "\"client_retry_us\": 999");
    let err = Scenario::from_json(&tiny).unwrap_err();
    assert!(
        err.contains("\"client_retry_us\" must be at least 1000 (1 ms), got 999"),
        "{err}"
    );
    // The client timeout had the same hole.
    let short = json.replace(
        "\"client_timeout_us\": 5000000",
        "\"client_timeout_us\": 500",
    );
    let err = Scenario::from_json(&short).unwrap_err();
    assert!(
        err.contains("\"client_timeout_us\" must be at least 1000 (1 ms), got 500"),
        "{err}"
    );
}

/// On a network of zero latency, a "not the leader" comes back in the very
/// microsecond the request went out. Before any leader exists, the request
/// would bounce between the servers forever while no time passed (found by
/// tests/session_monkey.rs: the page ran out of memory). The client waits
/// `REDIRECT_PAUSE` before following such an answer, so time goes on, a
/// leader is elected and the write is applied.
#[test]
fn a_redirect_on_a_network_of_zero_latency_waits_for_time_to_pass() {
    let mut config = playground_config(4, 5);
    config.network.latency_min = 0;
    config.network.latency_max = 0;
    let mut sim = Simulation::new(config).unwrap();
    let request = Action::ClientRequest {
        to: Some(1),
        op: write("1"),
    };
    sim.schedule(MILLIS, request).unwrap();
    sim.run_before(MILLIS);
    assert_eq!(sim.leader(), None);
    // Step by step: without the pause, these would all be at 1 ms.
    let steps = (0..200)
        .take_while(|_| sim.now() <= MILLIS && sim.step())
        .count();
    assert!(steps < 20, "{steps} events in the request's microsecond");
    sim.run_until(2 * SECONDS);
    let op = sim.history().iter().last().cloned().unwrap();
    assert_eq!(op.outcome, Outcome::Ok, "{op:?}");
    assert!(op.redirects >= 1);
    let pause = raft_playground::sim::workload::REDIRECT_PAUSE;
    assert!(op.return_t.unwrap() >= MILLIS + pause * u64::from(op.redirects));
}
