//! Tests of the host-page protocol's browser-free half (`host_api.rs`).

use super::*;
use crate::raft::{MILLIS, SECONDS};
use crate::sim::scenario::MAX_TEXT;
use crate::sim::Outcome;

fn cmd(json: &str) -> HostCommand {
    crate::json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// A 5-node run with a leader, paused.
fn running() -> Playground {
    let mut p = Playground::new(3, 5).unwrap();
    p.skip(2_000);
    p.paused = true;
    assert!(p.sim.leader().is_some());
    p
}

/// Everything about a run that a refused command must leave alone.
fn fingerprint(p: &Playground) -> (Time, u64, u64, usize, bool, u64, Time, Time) {
    (
        p.sim.now(),
        p.sim.events(),
        p.sim.trace_hash(),
        p.scenario.actions.len(),
        p.paused,
        p.speed.to_bits(),
        p.horizon,
        p.timeline_end(),
    )
}

/// As the page does after every update: collect, then clear the batch.
fn collect(host: &mut HostApi, p: &mut Playground, wall_ms: f64) -> Vec<HostEvent> {
    let events = host.events(p, wall_ms);
    p.new_events.clear();
    events
}

/// `frames` animation frames of 16 ms, collecting events after each.
fn play(host: &mut HostApi, p: &mut Playground, wall: &mut f64, frames: usize) -> Vec<HostEvent> {
    let mut all = Vec::new();
    for _ in 0..frames {
        p.frame(16.0);
        *wall += 16.0;
        all.extend(collect(host, p, *wall));
    }
    all
}

fn apply(host: &mut HostApi, p: &mut Playground, json: &str) -> Result<Applied, String> {
    host.apply(cmd(json), p)
}

fn done(result: Result<Applied, String>) {
    match result {
        Ok(Applied::Done) => {}
        other => panic!("expected Done, got {other:?}"),
    }
}

#[test]
fn play_pause_speed_and_seek_do_what_they_say() {
    let mut host = HostApi::default();
    let mut p = running();
    done(apply(&mut host, &mut p, r#"{"type":"play"}"#));
    assert!(!p.paused);
    done(apply(&mut host, &mut p, r#"{"type":"pause"}"#));
    assert!(p.paused);
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"set_speed","speed":2}"#,
    ));
    assert_eq!(p.speed, 2.0);
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"set_speed","speed":0.001}"#,
    ));
    assert_eq!(p.speed, 0.001);
    let end = p.sim.now();
    let hash_at_1s = {
        let mut q = p.clone();
        q.seek(SECONDS);
        q.sim.trace_hash()
    };
    p.paused = false;
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"seek","t_us":1000000}"#,
    ));
    assert_eq!(
        (p.sim.now(), p.sim.trace_hash(), p.paused),
        (SECONDS, hash_at_1s, true)
    );
    let seek_end = format!(r#"{{"type":"seek","t_us":{end}}}"#);
    done(apply(&mut host, &mut p, &seek_end));
    assert_eq!(p.sim.now(), end);
    done(apply(&mut host, &mut p, r#"{"type":"seek","t_us":0}"#));
    assert_eq!(p.sim.now(), 0);
}

#[test]
fn load_replaces_the_run_with_the_scenario() {
    let text = include_str!("../../docs/examples/minority-leader.json");
    let mut host = HostApi::default();
    let mut p = running();
    let json = format!(r#"{{"type":"load","scenario":{text}}}"#);
    let Ok(Applied::NewRun(fresh, None)) = apply(&mut host, &mut p, &json) else {
        panic!("a load gives a new run");
    };
    let expected = Playground::open_shared(Scenario::from_json(text).unwrap(), false).unwrap();
    assert_eq!(fresh.scenario, expected.scenario);
    assert_eq!(fresh.sim.now(), expected.sim.now());
    assert_eq!(fresh.sim.trace_hash(), expected.sim.trace_hash());
    assert!(fresh.new_events.is_empty(), "its history is not news");
    // Version 1 loads too.
    let v1 = r#"{"type":"load","scenario":{"version":1,"seed":4,"nodes":3,"duration_us":0,"actions":[{"t":5,"action":"heal"}]}}"#;
    let Ok(Applied::NewRun(fresh, None)) = apply(&mut host, &mut p, v1) else {
        panic!("version 1 loads");
    };
    assert_eq!((fresh.scenario.seed, fresh.scenario.nodes), (4, 3));
}

#[test]
fn start_tour_opens_the_tour_at_a_step() {
    let mut host = HostApi::default();
    let mut p = running();
    let Ok(Applied::NewRun(fresh, Some(player))) = apply(
        &mut host,
        &mut p,
        r#"{"type":"start_tour","tour":"split-vote","step":2}"#,
    ) else {
        panic!("a tour gives a new run and its player");
    };
    let (expected_player, expected) = TourPlayer::start("split-vote", 1).unwrap();
    assert_eq!(
        (player.tour.id, player.step),
        ("split-vote", expected_player.step)
    );
    assert_eq!(fresh.sim.trace_hash(), expected.sim.trace_hash());
    assert!(fresh.new_events.is_empty());
    let Ok(Applied::NewRun(_, Some(player))) = apply(
        &mut host,
        &mut p,
        r#"{"type":"start_tour","tour":"leader-crash"}"#,
    ) else {
        panic!("the step defaults to the first");
    };
    assert_eq!(player.step, 0);
}

#[test]
fn act_stops_resumes_restarts_partitions_heals_cuts_and_sends() {
    let mut host = HostApi::default();
    let mut p = running();
    let up = |p: &Playground, n| p.sim.server(n).unwrap().up;
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"stop","node":2}}"#,
    ));
    assert!(!up(&p, 2));
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"resume","node":2}}"#,
    ));
    assert!(up(&p, 2));
    let incarnation = p.sim.server(4).unwrap().incarnation;
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"restart","node":4}}"#,
    ));
    assert_eq!(p.sim.server(4).unwrap().incarnation, incarnation + 1);
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"partition","groups":[[1,2],[3,4,5]]}}"#,
    ));
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"heal"}}"#,
    ));
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"cut","from":1,"to":3}}"#,
    ));
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"restore","from":1,"to":3}}"#,
    ));
    let recorded: Vec<String> = p
        .scenario
        .actions
        .iter()
        .map(|(_, a)| a.to_string())
        .collect();
    assert_eq!(
        recorded.len(),
        7,
        "each action is recorded like a click: {recorded:?}"
    );

    // A write without a node goes to the leader and finishes.
    p.skip(1_000);
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"subscribe","events":["request_finished","committed","applied"]}"#,
    ));
    collect(&mut host, &mut p, 0.0);
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"client","op":"write","key":"msg","value":"hello"}}"#,
    ));
    let leader = p.sim.leader().unwrap();
    assert!(matches!(
        p.scenario.actions.last(),
        Some((_, Action::ClientRequest { to: Some(to), .. })) if *to == leader
    ));
    let mut events = collect(&mut host, &mut p, 0.0);
    p.skip(1_000);
    events.extend(collect(&mut host, &mut p, 0.0));
    let last = p.sim.history().last().unwrap().clone();
    assert_eq!(last.outcome, Outcome::Ok);
    assert!(last.client >= crate::sim::workload::USER_CLIENT_BASE);
    let finished: Vec<&HostEvent> = events
        .iter()
        .filter(|e| matches!(e, HostEvent::RequestFinished { .. }))
        .collect();
    assert_eq!(
        finished,
        vec![&HostEvent::RequestFinished {
            t_us: last.return_t.unwrap(),
            client: last.client,
            request: last.request,
            op: Some("write msg=hello".into()),
            outcome: Outcome::Ok,
            result: None,
        }]
    );
    let index = last.index.unwrap();
    assert!(events.iter().any(|e| matches!(e,
        HostEvent::Committed { node, index: i, .. } if *node == leader && *i >= index)));
    let applied_everywhere = events
        .iter()
        .filter(|e| {
            matches!(e, HostEvent::Applied { index: i, command, .. }
            if *i == index && command.ends_with("write msg=hello"))
        })
        .count();
    assert_eq!(applied_everywhere, 5);
}

#[test]
fn impossible_commands_are_refused_and_change_nothing() {
    let long = "x".repeat(MAX_TEXT + 1);
    let node_99 = r#"{"type":"load","scenario":{"version":2,"seed":1,"nodes":5,"duration_us":1000,"actions":[{"t":0,"action":"stop","node":99}]}}"#;
    let refused = [
        (r#"{"type":"act","action":{"action":"stop","node":9}}"#.to_string(), "there is no node 9"),
        (r#"{"type":"act","action":{"action":"stop","node":0}}"#.into(), "there is no node 0"),
        (r#"{"type":"act","action":{"action":"cut","from":2,"to":2}}"#.into(), "two different nodes"),
        (r#"{"type":"act","action":{"action":"drop","message":123456789}}"#.into(), "no longer in flight"),
        (r#"{"type":"act","action":{"action":"client","node":7,"op":"read","key":"k"}}"#.into(), "no node 7"),
        (format!(r#"{{"type":"act","action":{{"action":"client","op":"read","key":"{long}"}}}}"#), "at most 200"),
        (r#"{"type":"act","action":{"action":"client","op":"write","key":"","value":"v"}}"#.into(), "\"key\" must not be empty"),
        (r#"{"type":"act","action":{"action":"network","latency_min_us":5,"latency_max_us":1,"loss":0,"duplication":0}}"#.into(), "latency"),
        (r#"{"type":"act","action":{"action":"clock","node":2,"ppm":600000}}"#.into(), "at most 500000 ppm"),
        (r#"{"type":"act","action":{"action":"clock","node":9,"ppm":0}}"#.into(), "there is no node 9"),
        (r#"{"type":"seek","t_us":-5}"#.into(), "0 or later"),
        (r#"{"type":"seek","t_us":9000000000000}"#.into(), "the run so far ends at"),
        (r#"{"type":"set_speed","speed":10}"#.into(), "from 0.001 to 4"),
        (r#"{"type":"set_speed","speed":0}"#.into(), "from 0.001 to 4"),
        // Nine decimals would print 0, not what was sent.
        (r#"{"type":"set_speed","speed":1e-10}"#.into(), "to 4 (simulated time per wall time), not one that small"),
        (r#"{"type":"set_speed","speed":0}"#.into(), "wall time), not 0"),
        (r#"{"type":"set_speed","speed":-1e-10}"#.into(), "wall time), not one below 0"),
        (r#"{"type":"set_speed","speed":-1}"#.into(), "from 0.001 to 4"),
        (node_99.into(), "action 1 (actions[0].node): there is no node 99"),
        (r#"{"type":"load","scenario":{"version":2,"seed":1,"nodes":12,"duration_us":0,"actions":[]}}"#.into(), "3 to 9 nodes"),
        // As the page says it: 1 to 25 was the simulator's range, and 1
        // was then refused (a page tester).
        (
            r#"{"type":"load","scenario":{"version":2,"seed":1,"nodes":0,"duration_us":0,"actions":[]}}"#.into(),
            "nodes must be 1 to 25, got 0; the playground shows 3 to 9 (your current run is unchanged)",
        ),
        (
            r#"{"type":"load","scenario":{"version":2,"seed":1,"nodes":5,"duration_us":0,"timing":{"election_timeout_min_us":300000,"election_timeout_max_us":150000,"heartbeat_us":50000},"actions":[]}}"#.into(),
            "unchanged",
        ),
        (r#"{"type":"start_tour","tour":"no-such-tour"}"#.into(), "there is no tour 'no-such-tour'; the tours are"),
        (r#"{"type":"start_tour","tour":"no-such-tour","step":2}"#.into(), "there is no tour 'no-such-tour'; the tours are"),
        (r#"{"type":"start_tour","tour":"split-vote","step":0}"#.into(), "not 0"),
        (r#"{"type":"start_tour","tour":"split-vote","step":99}"#.into(), "not 99"),
    ];
    let mut host = HostApi::default();
    let mut p = running();
    // In the past, too: a refused action must not fork the run.
    let mut past = running();
    past.seek(SECONDS);
    for mut p in [p.clone(), past] {
        for (json, expected) in &refused {
            let before = fingerprint(&p);
            let message = match host.apply(cmd(json), &mut p) {
                Err(message) => message,
                Ok(outcome) => panic!("{json}: accepted: {outcome:?}"),
            };
            assert!(message.contains(expected), "{json}: {message}");
            assert_eq!(fingerprint(&p), before, "{json} changed the run");
        }
    }
    // An unknown tour's message is the page's own, naming the tours.
    let e = apply(
        &mut host,
        &mut p,
        r#"{"type":"start_tour","tour":"nope","step":1}"#,
    )
    .unwrap_err();
    assert!(e.contains("there is no tour 'nope'; the tours are"), "{e}");
    // A hostile name is quoted cut short, not echoed whole.
    let long = format!(
        r#"{{"type":"start_tour","tour":"{}"}}"#,
        "x".repeat(900_000)
    );
    let e = apply(&mut host, &mut p, &long).unwrap_err();
    let start: String = e.chars().take(80).collect();
    assert!(
        e.contains(&format!("there is no tour '{}…'", "x".repeat(24))),
        "{start}"
    );
    assert!(e.len() < 1000, "{} characters", e.len());
}

#[test]
fn subscriptions_filter_events() {
    let mut host = HostApi::default();
    let mut p = Playground::new(1, 5).unwrap();
    p.speed = 4.0;
    let mut wall = 0.0;
    assert!(!host.listening());
    assert!(
        play(&mut host, &mut p, &mut wall, 1).is_empty(),
        "nothing unasked"
    );
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"subscribe","events":["leader_elected"]}"#,
    ));
    let events = play(&mut host, &mut p, &mut wall, 100);
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| matches!(e, HostEvent::LeaderElected { .. })),
        "{events:?}"
    );
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"subscribe","events":["clock","applied"]}"#,
    ));
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"client","op":"read","key":"k"}}"#,
    ));
    let events = play(&mut host, &mut p, &mut wall, 30);
    assert!(events.iter().any(|e| matches!(e, HostEvent::Clock { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, HostEvent::Applied { .. })));
    assert!(events.iter().all(|e| matches!(
        e,
        HostEvent::Clock { .. } | HostEvent::Applied { .. } | HostEvent::LeaderElected { .. }
    )));
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"unsubscribe","events":["clock","applied","leader_elected","violation"]}"#,
    ));
    assert!(!host.listening());
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"act","action":{"action":"restart","node":1}}"#,
    ));
    assert!(play(&mut host, &mut p, &mut wall, 100).is_empty());

    // Violations come through when asked for.
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"subscribe","events":["violation"]}"#,
    ));
    p.new_events = vec![(
        7,
        TraceEvent::Violation {
            invariant: "election_safety",
            nodes: vec![1, 2],
            detail: "two leaders in term 3".into(),
        },
    )];
    assert_eq!(
        collect(&mut host, &mut p, wall),
        vec![HostEvent::Violation {
            t_us: 7,
            invariant: "election_safety".into(),
            nodes: vec![1, 2],
            detail: "two leaders in term 3".into(),
        }]
    );
}

#[test]
fn nobody_listening_costs_no_allocation() {
    let mut host = HostApi::default();
    let mut p = running();
    p.skip(500);
    assert!(!p.new_events.is_empty());
    let events = host.events(&p, 0.0);
    assert_eq!(events.capacity(), 0);
}

#[test]
fn the_clock_is_throttled_to_four_a_second() {
    let mut host = HostApi::default();
    let mut p = Playground::new(2, 5).unwrap();
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"subscribe","events":["clock"]}"#,
    ));
    let mut wall = 1_000.0;
    // 60 frames a second for 3 s: the clock changes every frame.
    let mut sent = Vec::new();
    for _ in 0..180 {
        p.frame(1000.0 / 60.0);
        wall += 1000.0 / 60.0;
        for e in collect(&mut host, &mut p, wall) {
            sent.push((wall, e));
        }
    }
    assert!(
        (11..=12).contains(&sent.len()),
        "{} clock events in 3 s",
        sent.len()
    );
    for pair in sent.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= CLOCK_INTERVAL_MS - 1e-9);
    }
    let mut per_second = [0; 4];
    for (at, _) in &sent {
        per_second[((at - 1_000.0) / 1_000.0) as usize] += 1;
    }
    assert!(per_second.iter().all(|&n| n <= 4), "{per_second:?}");

    // A change held back by the throttle is due later, and goes out then.
    let last_sent = sent.last().unwrap().0;
    done(apply(&mut host, &mut p, r#"{"type":"pause"}"#));
    assert!(collect(&mut host, &mut p, last_sent + 10.0).is_empty());
    assert_eq!(
        host.clock_due_in(last_sent + 10.0),
        Some(CLOCK_INTERVAL_MS - 10.0)
    );
    let late = collect(&mut host, &mut p, last_sent + CLOCK_INTERVAL_MS);
    assert_eq!(
        late,
        vec![HostEvent::Clock {
            t_us: p.sim.now(),
            paused: true,
            speed: p.speed,
            leader: p.sim.leader(),
        }]
    );
    assert_eq!(host.clock_due_in(last_sent + 1_000.0), None);
    // Nothing changed: nothing to send, however long it has been.
    assert!(collect(&mut host, &mut p, last_sent + 5_000.0).is_empty());
}

/// Exactly one `leader_elected` per elected term, through crashes, time
/// travel (stretches replayed are not news) and a fork.
#[test]
fn one_leader_elected_per_elected_term() {
    let mut host = HostApi::default();
    let mut p = Playground::new(1, 5).unwrap();
    p.speed = 4.0;
    let mut wall = 0.0;
    done(apply(
        &mut host,
        &mut p,
        r#"{"type":"subscribe","events":["leader_elected"]}"#,
    ));
    let mut events = play(&mut host, &mut p, &mut wall, 40);
    for _ in 0..3 {
        let leader = p.sim.leader().expect("a leader");
        let restart =
            format!(r#"{{"type":"act","action":{{"action":"restart","node":{leader}}}}}"#);
        done(apply(&mut host, &mut p, &restart));
        events.extend(collect(&mut host, &mut p, wall));
        events.extend(play(&mut host, &mut p, &mut wall, 25));
    }
    // Back, and forward over the same stretch: no repeats.
    done(apply(&mut host, &mut p, r#"{"type":"seek","t_us":500000}"#));
    events.extend(collect(&mut host, &mut p, wall));
    done(apply(&mut host, &mut p, r#"{"type":"play"}"#));
    events.extend(play(&mut host, &mut p, &mut wall, 200));
    assert!(!p.in_the_past());

    let terms: Vec<Term> = events
        .iter()
        .map(|e| match e {
            HostEvent::LeaderElected { term, .. } => *term,
            other => panic!("unsubscribed {other:?}"),
        })
        .collect();
    let elected: Vec<Term> = p.events.elections().iter().map(|e| e.term).collect();
    assert!(elected.len() >= 4, "a leader per restart: {elected:?}");
    assert_eq!(terms, elected);
    for e in &events {
        let HostEvent::LeaderElected { t_us, node, term } = e else {
            unreachable!()
        };
        let election = p
            .events
            .elections()
            .iter()
            .find(|x| x.term == *term)
            .unwrap();
        assert_eq!((election.at, election.leader), (*t_us, *node));
    }
}

#[test]
fn hostile_json_is_refused_without_panic() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let huge = format!(r#"{{"type":"{}"}}"#, "x".repeat(500_000));
    let hostile: Vec<String> = [
        "", "null", "42", "\"play\"", "[]", "{}", "true", "[{\"type\":\"play\"}]",
        r#"{"type":"explode"}"#,
        r#"{"type":5}"#,
        r#"{"type":null}"#,
        r#"{"type":"PLAY"}"#,
        r#"{"type":"seek"}"#,
        r#"{"type":"seek","t_us":"5"}"#,
        r#"{"type":"seek","t_us":1.5}"#,
        r#"{"type":"seek","t_us":1e300}"#,
        r#"{"type":"seek","t_us":18446744073709551616}"#,
        r#"{"type":"seek","t_us":-9223372036854775809}"#,
        r#"{"type":"set_speed"}"#,
        r#"{"type":"set_speed","speed":"fast"}"#,
        r#"{"type":"set_speed","speed":null}"#,
        r#"{"type":"load"}"#,
        r#"{"type":"load","scenario":null}"#,
        r#"{"type":"load","scenario":{"version":3,"seed":1,"nodes":5,"duration_us":0,"actions":[]}}"#,
        r#"{"type":"load","scenario":{"version":1,"seed":1,"nodes":5,"duration_us":0,"cursor_us":5,"actions":[]}}"#,
        r#"{"type":"load","scenario":{"version":2,"seed":1e30,"nodes":5,"duration_us":0,"actions":[]}}"#,
        r#"{"type":"start_tour"}"#,
        r#"{"type":"start_tour","tour":7}"#,
        r#"{"type":"start_tour","tour":"split-vote","step":-1}"#,
        r#"{"type":"start_tour","tour":"split-vote","step":99999999999999999999}"#,
        r#"{"type":"act"}"#,
        r#"{"type":"act","action":"stop"}"#,
        r#"{"type":"act","action":{"action":"explode"}}"#,
        r#"{"type":"act","action":{"action":"stop"}}"#,
        r#"{"type":"act","action":{"action":"stop","node":-1}}"#,
        r#"{"type":"act","action":{"action":"stop","node":1e30}}"#,
        r#"{"type":"act","action":{"action":"stop","node":"2"}}"#,
        r#"{"type":"act","action":{"action":"partition","groups":[[1,[2]]]}}"#,
        r#"{"type":"act","action":{"action":"client","op":"delete","key":"k"}}"#,
        r#"{"type":"act","action":{"action":"client","op":"write","key":"k"}}"#,
        r#"{"type":"act","action":{"action":"cut","from":"a","to":2}}"#,
        r#"{"type":"act","action":{"action":"partition"}}"#,
        r#"{"type":"act","action":{"action":"reads","path":"quorum"}}"#,
        r#"{"type":"act","action":{"action":"reads"}}"#,
        r#"{"type":"act","action":{"action":"clock","node":2,"ppm":"fast"}}"#,
        r#"{"type":"subscribe"}"#,
        r#"{"type":"subscribe","events":"clock"}"#,
        r#"{"type":"subscribe","events":["everything"]}"#,
        r#"{"type":"unsubscribe","events":[null]}"#,
        r#"{"type":"play"} trailing"#,
        r#"{"type":"play""#,
    ]
    .into_iter()
    .map(String::from)
    .chain([deep, huge, "x".repeat(crate::json::MAX_INPUT + 1)])
    .collect();
    let unknown_path = crate::json::from_str::<HostCommand>(
        r#"{"type":"act","action":{"action":"reads","path":"quorum"}}"#,
    )
    .unwrap_err();
    assert!(
        unknown_path.contains("quorum") && unknown_path.contains("read_index"),
        "names the bad path and the good ones: {unknown_path}"
    );
    for text in &hostile {
        let result = crate::json::from_str::<HostCommand>(text);
        let shown: String = text.chars().take(80).collect();
        assert!(result.is_err(), "{shown}: accepted as {result:?}");
        assert!(!result.unwrap_err().is_empty());
    }
}

/// Every valid command, cut short or with a byte changed, is either
/// refused by the reader or carried out or refused without a panic.
#[test]
fn mangled_commands_never_panic() {
    let valid = [
        r#"{"type":"seek","t_us":1000}"#,
        r#"{"type":"set_speed","speed":0.5}"#,
        r#"{"type":"act","action":{"action":"partition","groups":[[1,2],[3]]}}"#,
        r#"{"type":"act","action":{"action":"client","node":2,"op":"cas","key":"k","from":"1","to":"2"}}"#,
        r#"{"type":"start_tour","tour":"split-vote","step":2}"#,
        r#"{"type":"subscribe","events":["clock","committed"]}"#,
    ];
    let replacements = [b'0', b'9', b'-', b'"', b'{', b']', b' ', b'e'];
    let mut host = HostApi::default();
    let base = running();
    for text in valid {
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let mut variants = vec![bytes[..i].to_vec()];
            for &r in &replacements {
                let mut v = bytes.to_vec();
                v[i] = r;
                variants.push(v);
            }
            for v in variants {
                let Ok(s) = String::from_utf8(v) else {
                    continue;
                };
                if let Ok(command) = crate::json::from_str::<HostCommand>(&s) {
                    let mut p = base.clone();
                    let _ = host.apply(command, &mut p);
                }
            }
        }
    }
}

#[test]
fn events_are_marked_with_their_source_and_type() {
    let events = [
        HostApi::default().ready(&running()),
        HostEvent::LeaderElected {
            t_us: 5,
            node: 2,
            term: 3,
        },
        HostEvent::Error {
            command: "act".into(),
            message: "there is no node 9: nodes are 1 to 5".into(),
        },
    ];
    let texts: Vec<String> = events
        .iter()
        .map(|e| crate::json::to_string(&e.envelope()))
        .collect();
    for text in &texts {
        assert!(text.contains(r#""source": "raft-playground""#), "{text}");
    }
    assert!(texts[0].contains(r#""type": "ready""#) && texts[0].contains(r#""protocol": 1"#));
    let compact: String = texts[1].split_whitespace().collect();
    assert_eq!(
        compact,
        r#"{"source":"raft-playground","type":"leader_elected","t_us":5,"node":2,"term":3}"#
    );
    assert!(texts[2].contains(r#""command": "act""#));
    assert_eq!(MILLIS, 1_000, "t_us is in microseconds");
}

/// A command missing a field it needs names the command and the field
/// (it read "a act needs \"action\"").
#[test]
fn a_command_missing_a_field_says_which() {
    for (json, expected) in [
        (r#"{"type":"act"}"#, "the act command needs \"action\""),
        (r#"{"type":"seek"}"#, "the seek command needs \"t_us\""),
        (
            r#"{"type":"set_speed"}"#,
            "the set_speed command needs \"speed\"",
        ),
    ] {
        let err = crate::json::from_str::<HostCommand>(json).unwrap_err();
        assert!(err.contains(expected), "{json}: {err}");
    }
}
