//! The built-in guided tours (src/view/tours.rs, docs/tours/*.json).
//!
//! Each tour is replayed the way the playground plays it: load the scenario
//! with `Playground::from_scenario`, then play to each step's time and pause.
//! At every step the test asserts the facts that step's text tells the
//! student (who leads which term, roles, who is stopped, logs, commit
//! indexes, client outcomes), so the narration cannot drift from what is on
//! screen. No tour may break a safety invariant.

use raft_playground::raft::{
    LogIndex, Message, NodeId, Op, Payload, RaftNode, Term, Time, UnsafeSwitch, UnsafeSwitches,
    MILLIS,
};
use raft_playground::sim::config::RaftOptions;
use raft_playground::sim::{
    link, Action, Endpoint, Invariant, Outcome, Packet, Scenario, Simulation,
};
use raft_playground::view::playground::{playground_config, Playground};
use raft_playground::view::tours::{self, Tour, TOURS};
use std::collections::BTreeSet;
use std::process::Command;

// ---- replaying a tour -----------------------------------------------------

/// A tour as the playground shows it: paused at step `next - 1`.
struct Replay {
    tour: &'static Tour,
    playground: Playground,
    next: usize,
    /// The run on screen: 0, or 1 for the tour's sequel.
    run: usize,
    /// The invariants the story breaks on purpose, once it has.
    broken: Vec<Invariant>,
}

impl Replay {
    fn new(id: &str) -> Self {
        let tour = tours::find(id).unwrap_or_else(|| panic!("no tour {id}"));
        let playground = Playground::from_scenario(tour.scenario()).expect("tour loads");
        Replay {
            tour,
            playground,
            next: 0,
            run: 0,
            broken: Vec::new(),
        }
    }

    /// From the next step on, the story has broken `invariants` on
    /// purpose: violations of them, and of nothing else, are expected
    /// (until the tour turns to its other run).
    fn breaks(&mut self, invariants: &[Invariant]) {
        self.broken = invariants.to_vec();
    }

    /// Plays on to step `i` ("Next"), checks that no invariant broke on the
    /// way, and returns the simulation as the person sees it there.
    fn step(&mut self, i: usize) -> &Simulation {
        assert_eq!(i, self.next, "{}: steps are visited in order", self.tour.id);
        let run = self.tour.run_of(i);
        if run != self.run {
            // The page loads the tour's other run, and shows the step's
            // moment of it.
            let scenario = self.tour.scenario_of(run);
            self.playground = Playground::from_scenario(scenario).expect("sequel loads");
            self.run = run;
            self.broken.clear();
        }
        let at_ms = self.tour.steps[i].at_ms;
        let now_ms = self.playground.sim.now() / MILLIS;
        self.playground.skip(at_ms - now_ms);
        assert_eq!(self.playground.sim.now(), at_ms * MILLIS);
        let v = self.playground.sim.violations();
        assert!(
            v.iter().all(|v| self.broken.contains(&v.invariant)),
            "{}: unexpected violations at step {i}: {v:?}",
            self.tour.id
        );
        self.next += 1;
        &self.playground.sim
    }

    /// Checks that every step was asserted.
    fn done(&self) {
        assert_eq!(
            self.next,
            self.tour.steps.len(),
            "{}: every step is checked",
            self.tour.id
        );
    }
}

/// The scenario's simulation with some unsafe switches on, every action of
/// the tour scheduled (in place of the scenario's own `unsafe`).
fn start_with(tour: &Tour, switches: UnsafeSwitches) -> Simulation {
    let scenario = tour.scenario();
    let mut config = scenario.config();
    config.unsafe_switches = switches;
    let mut sim = Simulation::new(config).expect("valid config");
    for (at, action) in &scenario.actions {
        sim.schedule(*at, action.clone()).expect("valid action");
    }
    sim
}

/// The first moment at or after `from` when `holds` is true, replaying the
/// tour event by event (for the times a text gives, like "at 625 ms").
fn first_time(tour: &Tour, from: Time, holds: impl Fn(&Simulation) -> bool) -> Time {
    let scenario = tour.scenario();
    let mut sim = scenario.start(false).expect("tour starts");
    sim.run_until(from);
    while !holds(&sim) {
        assert!(
            sim.step() && sim.now() <= scenario.duration,
            "never happens"
        );
    }
    sim.now()
}

/// `t` in whole milliseconds, rounded.
fn ms(t: Time) -> u64 {
    (t + MILLIS / 2) / MILLIS
}

/// Does the tour's scenario do `action` at `at_ms`?
fn scenario_does(tour: &Tour, at_ms: u64, action: Action) -> bool {
    tour.scenario().actions.contains(&(at_ms * MILLIS, action))
}

// ---- reading the cluster ----------------------------------------------------

fn node(sim: &Simulation, id: NodeId) -> &RaftNode {
    &sim.server(id).expect("node exists").node
}

/// The role drawn for a server: a stopped one is grey whatever it was.
fn role(sim: &Simulation, id: NodeId) -> &'static str {
    if sim.server(id).expect("node exists").up {
        node(sim, id).role().as_str()
    } else {
        "stopped"
    }
}

fn term(sim: &Simulation, id: NodeId) -> Term {
    node(sim, id).current_term()
}

fn commit(sim: &Simulation, id: NodeId) -> LogIndex {
    node(sim, id).commit_index()
}

/// A log as the log table shows it: `noop/<term>` or `<key>=<value>/<term>`.
fn log(sim: &Simulation, id: NodeId) -> Vec<String> {
    node(sim, id)
        .log()
        .entries()
        .iter()
        .map(|e| match &e.payload {
            Payload::Noop => format!("noop/{}", e.term),
            Payload::Config(m) => format!("config {m}/{}", e.term),
            Payload::Command(c) => match &c.op {
                Op::Write { key, value } => {
                    format!("{key}={value}/{}", e.term)
                }
                op => format!("{op}/{}", e.term),
            },
        })
        .collect()
}

/// The value of `key` in a server's key-value store.
fn value(sim: &Simulation, id: NodeId, key: &str) -> Option<String> {
    node(sim, id).state_machine().get(key).cloned()
}

fn assert_leader(sim: &Simulation, id: NodeId, t: Term) {
    assert_eq!(sim.leader(), Some(id), "leader");
    assert_eq!(role(sim, id), "leader");
    assert_eq!(term(sim, id), t, "S{id}'s term");
}

fn assert_follower_of(sim: &Simulation, id: NodeId, leader: NodeId, t: Term) {
    assert_eq!(role(sim, id), "follower", "S{id}'s role");
    assert_eq!(term(sim, id), t, "S{id}'s term");
    assert_eq!(node(sim, id).leader_hint(), Some(leader), "S{id}'s leader");
}

fn assert_no_violations(sim: &Simulation) {
    let v = sim.violations();
    assert!(v.is_empty(), "violations: {:?}", v);
}

/// Raft messages in flight from one server to another, of one kind.
fn in_flight(sim: &Simulation, from: NodeId, to: NodeId, kind: &str) -> Vec<Message> {
    sim.network()
        .in_flight()
        .filter(|m| m.from == Endpoint::Node(from) && m.to == Endpoint::Node(to))
        .filter_map(|m| match &m.packet {
            Packet::Raft(message) if message.kind() == kind => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// How the client operation that wrote `value` ended so far, and at which
/// log index.
fn outcome(sim: &Simulation, written: &str) -> (Outcome, bool, Option<LogIndex>) {
    let op = sim
        .history()
        .iter()
        .find(|o| matches!(&o.op, Op::Write { value, .. } if value == written))
        .unwrap_or_else(|| panic!("no client wrote {written}"));
    (op.outcome, op.return_t.is_some(), op.index)
}

fn ids(list: &[NodeId]) -> BTreeSet<NodeId> {
    list.iter().copied().collect()
}

// ---- the tours as a list ------------------------------------------------------

#[test]
fn fifteen_tours_in_the_documented_order() {
    let ids: Vec<&str> = TOURS.iter().map(|t| t.id).collect();
    assert_eq!(
        ids,
        [
            "leader-election",
            "log-replication",
            "leader-crash",
            "split-vote",
            "minority-leader",
            "restart-catch-up",
            "figure-8",
            "node-returns",
            "deaf-leader",
            "leadership-transfer",
            "reads-without-the-log",
            "growing-the-cluster",
            "removing-the-leader",
            "single-server-change-bug",
            "snapshot-catch-up",
        ]
    );
    for tour in &TOURS {
        assert_eq!(tours::find(tour.id), Some(tour));
    }
    assert_eq!(tours::find("no-such-tour"), None);
}

/// `REWRITE=1` in the environment: rewrite the generated files instead of
/// failing on them (as in tests/transcripts.rs).
fn rewriting() -> bool {
    std::env::var_os("REWRITE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The page embeds every run's scenario as link bytes
/// (`docs/tours/<file>.link`, `sim::link`), so that it parses no JSON for
/// a tour; the `.json` beside it is the readable source. Each `.link` must
/// be what the link format writes for its `.json`, read back to exactly
/// the same scenario (the link carries everything the tour uses), and be
/// the bytes the build embeds; docs/tours/ holds the files of the tours'
/// runs and no others. `REWRITE=1 cargo test --test tours tour_links`
/// rewrites the `.link` files from the `.json` ones.
#[test]
fn tour_links_are_their_json_files() {
    let dir = format!("{}/docs/tours", env!("CARGO_MANIFEST_DIR"));
    let mut expected = BTreeSet::new();
    let mut stale = Vec::new();
    for tour in &TOURS {
        for run in 0..tour.runs() {
            let file = tour.scenario_file(run);
            let json = std::fs::read_to_string(format!("{dir}/{file}.json"))
                .unwrap_or_else(|e| panic!("docs/tours/{file}.json: {e}"));
            let scenario = Scenario::from_json(&json)
                .unwrap_or_else(|e| panic!("docs/tours/{file}.json: {e}"));
            let bytes = link::to_bytes(&scenario);
            assert_eq!(
                link::from_bytes(&bytes).as_ref(),
                Ok(&scenario),
                "docs/tours/{file}.json: its link does not carry all of it"
            );
            let path = format!("{dir}/{file}.link");
            let on_disk = std::fs::read(&path).unwrap_or_default();
            if rewriting() {
                if on_disk != bytes {
                    std::fs::write(&path, &bytes).expect("the .link file written");
                    eprintln!("rewrote docs/tours/{file}.link ({} bytes)", bytes.len());
                }
            } else if on_disk != bytes || tour.scenario_link_of(run) != bytes {
                stale.push(format!("docs/tours/{file}.link"));
            } else {
                assert_eq!(tour.scenario_of(run), scenario, "{file}");
            }
            expected.insert(format!("{file}.json"));
            expected.insert(format!("{file}.link"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale (not the link bytes of the .json beside them): {}; \
         run `REWRITE=1 cargo test --test tours tour_links` and commit the .link files",
        stale.join(", ")
    );
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("docs/tours/")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let strays: Vec<&String> = present.difference(&expected).collect();
    assert!(
        strays.is_empty(),
        "docs/tours/ holds files of no tour's run (see Tour::scenario_file): {strays:?}"
    );
}

/// Sentences in a text: a '.', '!' or '?' at the end or before a space
/// ("§5.4.2" is not a sentence end).
fn sentences(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .filter(|&i| ".!?".contains(chars[i]) && chars.get(i + 1).is_none_or(|c| *c == ' '))
        .count()
}

#[test]
fn every_tour_is_well_formed() {
    for tour in &TOURS {
        let id = tour.id;
        assert!(!tour.title.is_empty() && !tour.summary.is_empty(), "{id}");
        assert!(
            !tour.summary.contains("  "),
            "{id}: a line break lost in the summary"
        );
        assert!((4..=9).contains(&tour.steps.len()), "{id}: 4 to 9 steps");
        if let Some(sequel) = tour.sequel {
            assert!(
                (1..tour.steps.len()).contains(&sequel.from_step),
                "{id}: the sequel has steps and comes after one"
            );
        }
        for run in 0..tour.runs() {
            let scenario = tour.scenario_of(run);
            assert!((3..=9).contains(&scenario.nodes), "{id}: 3 to 9 nodes");
            assert_eq!(
                scenario.timing,
                playground_config(scenario.seed, scenario.nodes).timing,
                "{id}: the playground's timing"
            );
            let steps: Vec<_> = (0..tour.steps.len())
                .filter(|&i| tour.run_of(i) == run)
                .map(|i| tour.steps[i])
                .collect();
            assert_eq!(steps[0].at_ms, 0, "{id}: each run's first step at time 0");
            for pair in steps.windows(2) {
                assert!(pair[0].at_ms < pair[1].at_ms, "{id}: times increase");
            }
            let last = steps.last().unwrap().at_ms;
            assert!(last * MILLIS <= scenario.duration, "{id}: within the run");
            // Servers are named S1..=Sn, as the simulator numbers them, the
            // ones the scenario adds included.
            let added: u64 = scenario
                .actions
                .iter()
                .map(|(_, a)| match a {
                    Action::AddServer => 1,
                    Action::ReplaceServers { add, .. } => *add,
                    _ => 0,
                })
                .sum();
            for step in steps {
                let text = step.text;
                assert!(!text.trim().is_empty(), "{id}: empty text");
                assert!(
                    (1..=3).contains(&sentences(text)),
                    "{id} at {} ms: 1 to 3 sentences: {text}",
                    step.at_ms
                );
                assert!(text.len() <= 300, "{id} at {} ms: too long", step.at_ms);
                for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                    if let Some(n) = word.strip_prefix('S').and_then(|n| n.parse::<u64>().ok()) {
                        let known = 1..=scenario.nodes + added;
                        assert!(known.contains(&n), "{id}: no server S{n}");
                    }
                }
            }
        }
    }
}

/// Every run of every tour keeps every invariant, and the CLI agrees on
/// its file, but for the two that break a rule on purpose: the reads tour
/// (a lease outlived, a stale read) and the first run of the single-server
/// change bug (an unsafe switch), whose files the CLI fails.
#[test]
fn every_tour_runs_without_violations_and_the_cli_agrees() {
    for tour in &TOURS {
        for run in 0..tour.runs() {
            let file = format!("{}.json", tour.scenario_file(run));
            let path = format!("{}/docs/tours/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("the tour's file");
            let scenario = Scenario::from_json(&text).unwrap();
            assert_eq!(scenario, tour.scenario_of(run), "{file} is the tour's run");
            let sim = scenario.run().expect("tour runs");
            let broken_on_purpose = matches!(
                (tour.id, run),
                ("reads-without-the-log", _) | ("single-server-change-bug", 0)
            );
            if !broken_on_purpose {
                assert_no_violations(&sim);
            }
            let out = Command::new(env!("CARGO_BIN_EXE_raft-sim"))
                .args(["run", "--scenario", &path])
                .output()
                .expect("raft-sim runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            match (tour.id, run) {
                ("reads-without-the-log", _) => {
                    // Its story is a lease outlived and a stale read: the
                    // checks it must fail.
                    assert!(
                        stdout.contains("linearizability: NOT linearizable"),
                        "{stdout}"
                    );
                    assert!(stdout.contains("lease_exclusive"), "{stdout}");
                    assert!(stdout.contains("verdict: FAIL"), "{stdout}");
                }
                ("single-server-change-bug", 0) => {
                    assert!(
                        stdout.contains("unsafe switches: config-change-without-noop"),
                        "{stdout}"
                    );
                    assert!(stdout.contains("leader_completeness"), "{stdout}");
                    assert!(stdout.contains("verdict: FAIL"), "{stdout}");
                    assert!(!out.status.success());
                }
                _ => {
                    assert!(out.status.success(), "{file}: {stdout}");
                    assert!(stdout.contains("verdict: PASS"), "{file}: {stdout}");
                }
            }
        }
    }
}

/// "Back" jumps to the previous step's time and "Next" plays on from there:
/// both must show exactly what playing straight through showed.
#[test]
fn back_and_next_show_the_same_pictures() {
    fn picture(sim: &Simulation) -> String {
        let servers: Vec<_> = sim
            .servers()
            .iter()
            .map(|s| {
                let id = s.node.id();
                (
                    role(sim, id),
                    term(sim, id),
                    s.node.voted_for(),
                    commit(sim, id),
                    log(sim, id),
                )
            })
            .collect();
        let messages: Vec<u64> = sim.network().in_flight().map(|m| m.id).collect();
        format!("{} {servers:?} {messages:?} {:?}", sim.now(), sim.history())
    }
    for tour in &TOURS {
        let mut replay = Replay::new(tour.id);
        match tour.id {
            "reads-without-the-log" => replay.breaks(&[Invariant::LeaseExclusive]),
            "single-server-change-bug" => replay.breaks(&SINGLE_SERVER_CHANGE_BREAKS),
            _ => {}
        }
        let forward: Vec<String> = (0..tour.steps.len())
            .map(|i| picture(replay.step(i)))
            .collect();
        let mut run = replay.run;
        let p = &mut replay.playground;
        for i in (0..tour.steps.len() - 1).rev() {
            if tour.run_of(i) != run {
                // Back across runs: the page loads the other run.
                run = tour.run_of(i);
                *p = Playground::from_scenario(tour.scenario_of(run)).unwrap();
                p.skip(tour.steps[i].at_ms);
            }
            if tour.run_of(i + 1) != run {
                // Next from here loads the other run: no stretch to play.
                p.seek(tour.steps[i].at_ms * MILLIS);
                assert_eq!(picture(&p.sim), forward[i], "{} back to step {i}", tour.id);
                continue;
            }
            p.seek(tour.steps[i].at_ms * MILLIS);
            assert_eq!(picture(&p.sim), forward[i], "{} back to step {i}", tour.id);
            let mut next = p.clone();
            next.skip(tour.steps[i + 1].at_ms - tour.steps[i].at_ms);
            let again = picture(&next.sim);
            assert_eq!(again, forward[i + 1], "{} next to step {}", tour.id, i + 1);
        }
    }
}

// ---- 1. leader election -------------------------------------------------------

#[test]
fn tour_leader_election() {
    let mut r = Replay::new("leader-election");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];

    let sim = r.step(0);
    assert_eq!(sim.leader(), None);
    for id in all {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 0));
        let deadline = node(sim, id).election_deadline();
        assert!((100 * MILLIS..=200 * MILLIS).contains(&deadline));
    }
    let shortest = (1..=5).min_by_key(|&id| node(sim, id).election_deadline());
    assert_eq!(shortest, Some(3));

    let sim = r.step(1);
    assert_eq!((role(sim, 3), term(sim, 3)), ("candidate", 1));
    assert_eq!(node(sim, 3).voted_for(), Some(3));
    for id in [1, 2, 4, 5] {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 0));
        assert_eq!(in_flight(sim, 3, id, "RequestVote").len(), 1);
    }
    let timed_out = first_time(tour, 0, |s| role(s, 3) == "candidate");
    assert_eq!(ms(timed_out), 118, "about 118 ms");

    let sim = r.step(2);
    assert_eq!(node(sim, 3).votes(), &ids(&[3]), "replies not back yet");
    for id in [1, 2, 4, 5] {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 1));
        assert_eq!(node(sim, id).voted_for(), Some(3));
        let reply = in_flight(sim, id, 3, "RequestVoteReply");
        assert!(matches!(
            reply[..],
            [Message::RequestVoteReply {
                vote_granted: true,
                ..
            }]
        ));
    }

    let sim = r.step(3);
    assert_leader(sim, 3, 1);
    // S2's and S5's votes arrived; S1's and S4's are still on the way.
    for id in [2, 5] {
        assert!(in_flight(sim, id, 3, "RequestVoteReply").is_empty());
    }
    for id in [1, 4] {
        assert_eq!(in_flight(sim, id, 3, "RequestVoteReply").len(), 1);
    }
    assert_eq!(log(sim, 3), ["noop/1"]);
    for id in [1, 2, 4, 5] {
        let append = in_flight(sim, 3, id, "AppendEntries");
        assert!(
            matches!(&append[..], [Message::AppendEntries { entries, .. }] if entries.len() == 1)
        );
    }

    for i in [4, 5] {
        let sim = r.step(i);
        assert_leader(sim, 3, 1);
        assert!(node(sim, 3).next_deadline() <= sim.now() + 50 * MILLIS);
        for id in [1, 2, 4, 5] {
            assert_follower_of(sim, id, 3, 1);
            assert!(node(sim, id).election_deadline() > sim.now());
        }
        let leaders: Vec<_> = sim.checker().leaders().collect();
        assert_eq!(leaders, [(1, 3)], "one leader, of term 1, ever");
    }
    // "If S3 stopped, a new election would start term 2."
    let mut what_if = r.playground.sim.clone();
    what_if.act_now(Action::Stop(3)).unwrap();
    what_if.run_until(what_if.now() + 500 * MILLIS);
    let new_leader = what_if.leader().expect("a new leader");
    assert_eq!(term(&what_if, new_leader), 2);
    r.done();
}

// ---- 2. log replication ---------------------------------------------------------

#[test]
fn tour_log_replication() {
    let mut r = Replay::new("log-replication");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let followers = [1, 2, 3, 5];

    let sim = r.step(0);
    assert!(all.iter().all(|&id| log(sim, id).is_empty()));

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 4)]);
    assert_leader(sim, 4, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1"]);
        assert_eq!(commit(sim, id), 1);
    }
    assert!(sim.history().is_empty());
    let x1 = Action::ClientRequest {
        to: Some(4),
        op: Op::Write {
            key: "x".into(),
            value: "1".into(),
        },
    };
    assert!(
        scenario_does(tour, 400, x1),
        "a client is about to write x=1"
    );

    let sim = r.step(2);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    assert_eq!(commit(sim, 4), 1);
    for id in followers {
        assert_eq!(log(sim, id), ["noop/1"]);
        let append = in_flight(sim, 4, id, "AppendEntries");
        assert!(
            matches!(&append[..], [Message::AppendEntries { entries, .. }] if entries.len() == 1)
        );
    }

    let sim = r.step(3);
    for id in followers {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 1, "followers do not know yet");
    }
    assert_eq!(commit(sim, 4), 2);
    assert_eq!(node(sim, 4).last_applied(), 2);
    assert_eq!(value(sim, 4, "x").as_deref(), Some("1"));
    let answering = sim
        .network()
        .in_flight()
        .any(|m| m.from == Endpoint::Node(4) && matches!(m.packet, Packet::ClientReply(_)));
    assert!(answering, "the answer is on its way to the client");

    let sim = r.step(4);
    for id in all {
        assert_eq!((commit(sim, id), node(sim, id).last_applied()), (2, 2));
        assert_eq!(value(sim, id, "x").as_deref(), Some("1"));
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(2)));

    let sim = r.step(5);
    let y = sim.history().iter().find(|o| o.op.key() == "y").unwrap();
    let x3 = sim
        .history()
        .iter()
        .rev()
        .find(|o| o.op.key() == "x")
        .unwrap();
    assert_eq!(
        x3.invoke_t - y.invoke_t,
        5 * MILLIS,
        "y=2 sent 5 ms before x=3"
    );
    assert_ne!(x3.client, y.client, "two clients");
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1", "x=3/1", "y=2/1"]);
    assert_eq!(commit(sim, 4), 2);
    for id in followers {
        assert_eq!(log(sim, id).len(), 2);
    }

    let sim = r.step(6);
    assert_eq!(commit(sim, 4), 4);
    for id in followers {
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(outcome(sim, "3"), (Outcome::Ok, true, Some(3)));
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));

    let sim = r.step(7);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "x=3/1", "y=2/1"]);
        assert_eq!((commit(sim, id), node(sim, id).last_applied()), (4, 4));
        assert_eq!(value(sim, id, "x").as_deref(), Some("3"));
        assert_eq!(value(sim, id, "y").as_deref(), Some("2"));
        assert_eq!(
            node(sim, id).state_machine().applied(),
            node(sim, 4).state_machine().applied()
        );
    }
    r.done();
}

// ---- 3. leader crash ---------------------------------------------------------------

#[test]
fn tour_leader_crash() {
    let mut r = Replay::new("leader-crash");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 5)]);
    assert_leader(sim, 5, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(2)));

    let sim = r.step(2);
    assert!(scenario_does(tour, 500, Action::Stop(5)));
    assert_eq!(role(sim, 5), "stopped");
    assert_eq!(sim.leader(), None);
    for id in [1, 2, 3, 4] {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 1));
    }

    let sim = r.step(3);
    assert_eq!((role(sim, 3), term(sim, 3)), ("candidate", 2));
    for id in [1, 2, 4] {
        assert_eq!(
            (role(sim, id), term(sim, id)),
            ("follower", 1),
            "S3 was first"
        );
    }
    assert_eq!(node(sim, 3).config().quorum(), 3);

    let sim = r.step(4);
    assert_leader(sim, 3, 2);
    for id in [1, 2, 4] {
        assert_eq!(term(sim, id), 2);
        assert_eq!(node(sim, id).voted_for(), Some(3));
    }
    assert_eq!(log(sim, 3), ["noop/1", "x=1/1", "noop/2"]);
    let elected = first_time(tour, 500 * MILLIS, |s| s.leader().is_some());
    assert!((140..=160).contains(&(ms(elected) - 500)), "about 150 ms");

    let sim = r.step(5);
    for id in [1, 2, 3, 4] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "noop/2", "y=2/2"]);
        assert_eq!(commit(sim, id), 4);
    }
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));
    assert_eq!((role(sim, 5), log(sim, 5).len()), ("stopped", 2));

    let sim = r.step(6);
    assert!(scenario_does(tour, 1100, Action::Restart(5)));
    assert_eq!((role(sim, 5), term(sim, 5)), ("follower", 1));
    assert_eq!(node(sim, 5).voted_for(), Some(5));
    assert_eq!(log(sim, 5), ["noop/1", "x=1/1"]);
    assert_eq!((commit(sim, 5), node(sim, 5).last_applied()), (0, 0));

    let sim = r.step(7);
    assert_follower_of(sim, 5, 3, 2);
    for id in all {
        assert_eq!(log(sim, id), log(sim, 3));
        assert_eq!(commit(sim, id), 4);
    }
    r.done();
}

// ---- 4. split vote -------------------------------------------------------------------

#[test]
fn tour_split_vote() {
    let mut r = Replay::new("split-vote");
    let tour = r.tour;
    let rest = [1, 3, 4, 5];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 2)]);
    assert_leader(sim, 2, 1);
    for id in rest {
        assert_follower_of(sim, id, 2, 1);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 400, Action::Stop(2)));
    assert!(scenario_does(tour, 400, Action::AlignTimers));
    assert_eq!(role(sim, 2), "stopped");
    for id in rest {
        assert_eq!(node(sim, id).election_deadline(), 500 * MILLIS);
    }

    for i in [3, 4] {
        let sim = r.step(i);
        for id in rest {
            assert_eq!((role(sim, id), term(sim, id)), ("candidate", 2));
            assert_eq!(node(sim, id).voted_for(), Some(id));
        }
        if i == 3 {
            for (from, to) in rest.iter().flat_map(|&a| rest.map(|b| (a, b))) {
                let asks = in_flight(sim, from, to, "RequestVote").len();
                assert_eq!(asks, usize::from(from != to), "S{from} asks S{to}");
            }
        }
    }
    // Step 4: every answer is in, and each candidate has only its own vote.
    let sim = &r.playground.sim;
    for id in rest {
        assert_eq!(node(sim, id).votes(), &ids(&[id]), "S{id}: 1 vote");
        for other in 1..=5 {
            assert!(in_flight(sim, other, id, "RequestVoteReply").is_empty());
        }
    }
    assert_eq!(sim.checker().leader_of(2), None);

    let sim = r.step(5);
    assert_eq!((role(sim, 3), term(sim, 3)), ("candidate", 3));
    for id in [1, 4, 5] {
        assert_eq!((role(sim, id), term(sim, id)), ("candidate", 2));
    }
    let started = first_time(tour, 505 * MILLIS, |s| term(s, 3) == 3);
    assert_eq!(ms(started), 625);

    let sim = r.step(6);
    assert_leader(sim, 3, 3);
    for id in [1, 4, 5] {
        assert_eq!(node(sim, id).voted_for(), Some(3));
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 3));
    }
    assert_eq!(sim.checker().leader_of(2), None, "nobody won term 2");

    let sim = r.step(7);
    assert!(scenario_does(tour, 800, Action::Restart(2)));
    assert_leader(sim, 3, 3);
    for id in [1, 2, 4, 5] {
        assert_follower_of(sim, id, 3, 3);
    }
    r.done();
}

// ---- 5. leader on the minority side ------------------------------------------------

#[test]
fn tour_minority_leader() {
    let mut r = Replay::new("minority-leader");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 3)]);
    assert_leader(sim, 3, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }

    let sim = r.step(2);
    let group = |id: NodeId| sim.network().groups()[&id];
    assert_eq!(group(3), group(4));
    assert!(group(1) == group(2) && group(2) == group(5) && group(1) != group(3));
    assert_leader(sim, 3, 1);

    let sim = r.step(3);
    for id in [3, 4] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "x=lost/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(role(sim, 3), "leader");
    assert_eq!(outcome(sim, "lost"), (Outcome::Unknown, false, None));

    let sim = r.step(4);
    assert_leader(sim, 2, 2);
    for id in [1, 5] {
        assert_eq!(node(sim, id).voted_for(), Some(2));
    }
    assert_eq!((role(sim, 3), term(sim, 3)), ("leader", 1), "two leaders");

    let sim = r.step(5);
    for id in [1, 2, 5] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "noop/2", "x=2/2"]);
        assert_eq!(commit(sim, id), 4);
    }
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));

    let sim = r.step(6);
    assert!(scenario_does(tour, 1300, Action::Heal));
    assert!(!sim.network().is_partitioned());
    assert_follower_of(sim, 3, 2, 2);
    for id in [3, 4] {
        assert_eq!(log(sim, id)[2], "x=lost/1");
    }
    assert!(!outcome(sim, "lost").1, "no answer yet");

    let sim = r.step(7);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "noop/2", "x=2/2"]);
        assert_eq!(commit(sim, id), 4);
        assert_eq!(value(sim, id, "x").as_deref(), Some("2"));
    }
    assert_eq!(outcome(sim, "lost"), (Outcome::Fail, true, Some(3)));
    r.done();
}

// ---- 6. restart and catch up ---------------------------------------------------------

#[test]
fn tour_restart_catch_up() {
    let mut r = Replay::new("restart-catch-up");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let full = ["noop/1", "x=1/1", "x=2/1", "y=3/1", "x=4/1"];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 1)]);
    assert_leader(sim, 1, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 500, Action::Stop(4)));
    assert_eq!(role(sim, 4), "stopped");
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);

    let sim = r.step(3);
    for id in [1, 2, 3, 5] {
        assert_eq!(log(sim, id), full);
        assert_eq!(commit(sim, id), 5);
    }
    assert_eq!(log(sim, 4).len(), 2);
    assert_eq!(node(sim, 1).progress()[&4].match_index, 2);
    for written in ["2", "3", "4"] {
        assert_eq!(outcome(sim, written).0, Outcome::Ok);
    }

    let sim = r.step(4);
    assert!(scenario_does(tour, 1000, Action::Restart(4)));
    assert_eq!((role(sim, 4), term(sim, 4)), ("follower", 1));
    assert_eq!(node(sim, 4).voted_for(), Some(1));
    assert_eq!(log(sim, 4).len(), 2);
    assert_eq!(commit(sim, 4), 0);

    let sim = r.step(5);
    assert_eq!(log(sim, 4).len(), 2);
    let refusal = in_flight(sim, 4, 1, "AppendEntriesReply");
    assert!(
        matches!(
            &refusal[..],
            [Message::AppendEntriesReply {
                success: false,
                rejected_index: 5,
                hint,
                ..
            }] if hint.index == 3
        ),
        "{refusal:?}"
    );

    let sim = r.step(6);
    let append = in_flight(sim, 1, 4, "AppendEntries");
    assert!(
        matches!(
            &append[..],
            [Message::AppendEntries {
                prev_log_index: 2,
                entries,
                ..
            }] if entries.len() == 3
        ),
        "{append:?}"
    );

    let sim = r.step(7);
    assert_eq!(log(sim, 4), full);
    assert_eq!((commit(sim, 4), node(sim, 4).last_applied()), (5, 5));
    assert_eq!(node(sim, 1).progress()[&4].match_index, 5);
    for id in all {
        assert_eq!(log(sim, id), full);
    }
    r.done();
}

// ---- 7. Figure 8 ------------------------------------------------------------------------

/// Which servers hold `entry` at `index` (1-based).
fn holders(sim: &Simulation, index: usize, entry: &str) -> BTreeSet<NodeId> {
    (1..=5)
        .filter(|&id| log(sim, id).get(index - 1).map(String::as_str) == Some(entry))
        .collect()
}

#[test]
fn tour_figure_8() {
    let mut r = Replay::new("figure-8");
    let tour = r.tour;
    r.step(0);

    // (a) x=A is on S1 and S2 only.
    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 1)]);
    assert_leader(sim, 1, 1);
    assert_eq!(holders(sim, 2, "x=A/1"), ids(&[1, 2]));
    for id in [3, 4, 5] {
        assert_eq!(log(sim, id), ["noop/1"]);
    }
    assert_eq!(commit(sim, 1), 1);
    let group = |id: NodeId| sim.network().groups()[&id];
    assert!(group(1) == group(2) && group(3) == group(4) && group(4) == group(5));
    assert_ne!(group(1), group(3));
    let appended = first_time(tour, 300 * MILLIS, |s| log(s, 1).len() == 2);
    let split = Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]);
    assert!(
        tour.scenario().actions.contains(&(appended, split)),
        "just as"
    );

    // (b) S5 leads term 2 alone, with a different index 2.
    let sim = r.step(2);
    assert!(scenario_does(tour, 330, Action::ForceTimeout(5)));
    assert_leader(sim, 5, 2);
    assert_eq!(log(sim, 5), ["noop/1", "noop/2", "x=B/2"]);
    for id in [3, 4] {
        assert_eq!(node(sim, id).voted_for(), Some(5));
        assert_eq!(log(sim, id), ["noop/1"]);
    }
    let group = |id: NodeId| sim.network().groups()[&id];
    assert!((1..=4).all(|id| group(id) != group(5)), "S5 is alone");
    assert_eq!((role(sim, 1), term(sim, 1)), ("follower", 2));

    // (c) S1 leads term 3; the link S1 -> S2 is cut.
    let sim = r.step(3);
    assert_eq!((role(sim, 4), role(sim, 5)), ("stopped", "stopped"));
    assert!(scenario_does(tour, 400, Action::ForceTimeout(1)));
    assert_leader(sim, 1, 3);
    assert_eq!(log(sim, 1), ["noop/1", "x=A/1", "noop/3"]);
    for id in [2, 3] {
        assert_eq!(node(sim, id).voted_for(), Some(1));
    }
    assert!(sim.network().cuts().contains(&(1, 2)));

    // The key moment: an old entry on a majority, not committed.
    let sim = r.step(4);
    assert_eq!(holders(sim, 2, "x=A/1"), ids(&[1, 2, 3]), "a majority");
    assert_eq!(holders(sim, 3, "noop/3"), ids(&[1, 3]), "a minority");
    for id in [1, 2, 3] {
        assert_eq!(commit(sim, id), 1, "S{id}: index 2 not committed");
    }
    assert_eq!(node(sim, 1).progress()[&3].match_index, 3);
    // S5's log (last entry: index 3, term 2) is at least as up to date as
    // S2's and S4's, not S3's: S2 and S4 would vote for it (§5.4.1).
    let would_vote = |id: NodeId| node(sim, id).log().is_up_to_date(3, 2);
    assert_eq!(
        (would_vote(2), would_vote(3), would_vote(4)),
        (true, false, true)
    );
    // And it really would: crash S1 now, bring S5 back, and S5 wins and
    // overwrites index 2, legally, since it was not committed.
    let mut what_if = sim.clone();
    what_if.cancel_scheduled();
    for action in [
        Action::Stop(1),
        Action::Heal,
        Action::Restart(4),
        Action::Restart(5),
        Action::ForceTimeout(5), // term 3: S2 and S3 already voted for S1
        Action::ForceTimeout(5), // term 4
    ] {
        what_if.act_now(action).unwrap();
    }
    what_if.run_until(what_if.now() + 300 * MILLIS);
    assert_leader(&what_if, 5, 4);
    assert_eq!(holders(&what_if, 2, "noop/2"), ids(&[2, 3, 4, 5]));
    assert_no_violations(&what_if);

    // (e) The no-op reaches S2: index 3 committed, and index 2 with it.
    let sim = r.step(5);
    assert!(scenario_does(
        tour,
        510,
        Action::RestoreLink { from: 1, to: 2 }
    ));
    assert!(sim.network().cuts().is_empty());
    assert_eq!(holders(sim, 3, "noop/3"), ids(&[1, 2, 3]));
    assert_eq!(commit(sim, 1), 3);
    assert_eq!(outcome(sim, "A"), (Outcome::Ok, true, Some(2)));

    // S5 runs for term 3: only S4 votes for it.
    let sim = r.step(6);
    for action in [
        Action::Stop(1),
        Action::Restart(4),
        Action::Restart(5),
        Action::ForceTimeout(5),
    ] {
        assert!(scenario_does(tour, 650, action));
    }
    assert_eq!(role(sim, 1), "stopped");
    assert_eq!((role(sim, 5), term(sim, 5)), ("candidate", 3));
    assert_eq!(node(sim, 5).votes(), &ids(&[4, 5]));
    for id in [2, 3] {
        assert_eq!((term(sim, id), node(sim, id).voted_for()), (3, Some(1)));
    }

    // Term 4: refused again, by the log check this time.
    let sim = r.step(7);
    assert!(scenario_does(tour, 700, Action::ForceTimeout(5)));
    assert_eq!((role(sim, 5), term(sim, 5)), ("candidate", 4));
    assert_eq!(node(sim, 5).votes(), &ids(&[4, 5]));
    for id in [2, 3] {
        assert_eq!((term(sim, id), node(sim, id).voted_for()), (4, None));
        assert_eq!(node(sim, id).log().last_term(), 3);
    }
    assert_eq!(node(sim, 5).log().last_term(), 2);

    let sim = r.step(8);
    assert_leader(sim, 3, 5);
    for id in [2, 3, 4, 5] {
        assert_eq!(log(sim, id), ["noop/1", "x=A/1", "noop/3", "noop/5"]);
        assert!(commit(sim, id) >= 2);
    }
    assert_eq!(holders(sim, 3, "x=B/2"), ids(&[]));
    r.done();
}

/// The same actions with the unsafe switch commit-old-terms (§5.4.2 broken,
/// no election no-op): the step 5 and step 8 claims of the figure-8 tour
/// become false. S1 commits x=A by counting replicas, with no entry of its
/// own term, and S5 then wins and overwrites it: Figure 8 (d). The checker
/// sees it.
#[test]
fn figure_8_with_the_unsafe_commit_rule_loses_a_committed_entry() {
    let tour = tours::find("figure-8").unwrap();
    let switch = UnsafeSwitch::from_name("commit-old-terms").unwrap();
    let mut sim = start_with(tour, UnsafeSwitches::none().with(switch));
    let at = |i: usize| tour.steps[i].at_ms * MILLIS;

    sim.run_until(at(4));
    assert_eq!(commit(&sim, 1), 0, "not committed at step 4 either");

    sim.run_until(at(5));
    assert_eq!(term(&sim, 1), 3);
    assert_eq!(log(&sim, 1), ["x=A/1"], "no entry of term 3");
    assert_eq!(commit(&sim, 1), 1, "committed by counting replicas");
    assert_no_violations(&sim);

    sim.run_until(at(8));
    assert_leader(&sim, 5, 4);
    for id in [2, 3, 4, 5] {
        assert_eq!(log(&sim, id), ["x=B/2"], "x=A was erased");
    }
    let broken: BTreeSet<&str> = sim
        .violations()
        .iter()
        .map(|v| v.invariant.name())
        .collect();
    assert!(broken.contains("leader_completeness"), "{broken:?}");
    assert!(broken.contains("state_machine_safety"), "{broken:?}");
}

// ---- 8. a leader that can talk but not listen -----------------------------------------

#[test]
fn tour_deaf_leader() {
    let mut r = Replay::new("deaf-leader");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let followers = [1, 2, 3, 4];
    let sim = r.step(0);
    assert!(!sim.config().raft.check_quorum, "CheckQuorum is off");

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1"]);
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 500, Action::Deafen(5)));
    for from in followers {
        let into_s5 = sim
            .network()
            .blocked(Endpoint::Node(from), Endpoint::Node(5));
        let from_s5 = sim
            .network()
            .blocked(Endpoint::Node(5), Endpoint::Node(from));
        assert!(
            into_s5.is_some() && from_s5.is_none(),
            "S5 sends, hears nothing"
        );
    }
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 1, "x=1 is not committed");
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Unknown, false, None));

    let sim = r.step(3);
    assert_leader(sim, 5, 1);
    for id in followers {
        assert_eq!(
            (role(sim, id), term(sim, id)),
            ("follower", 1),
            "no election"
        );
    }
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 5)]);
    assert!(
        all.iter().all(|&id| commit(sim, id) == 1),
        "nothing committed"
    );

    let sim = r.step(4);
    let on = RaftOptions {
        pre_vote: false,
        check_quorum: true,
    };
    assert!(scenario_does(tour, 1100, Action::SetRaft(on)));
    assert_eq!((role(sim, 5), term(sim, 5)), ("follower", 1));
    let stepped_down = first_time(tour, 1100 * MILLIS, |s| s.leader().is_none());
    assert_eq!(ms(stepped_down), 1300);

    let sim = r.step(5);
    assert_leader(sim, 4, 2);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1", "noop/2"]);
    assert_eq!(commit(sim, 4), 3, "the no-op, and x=1 with it");

    let sim = r.step(6);
    assert_eq!(role(sim, 5), "candidate");
    assert!(term(sim, 5) >= 3, "S5 stood again and again");
    assert_leader(sim, 4, 2);
    for id in followers {
        assert_eq!(term(sim, id), 2, "S5's higher terms were ignored");
    }
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));
    for id in followers {
        assert_eq!(commit(sim, id), 4);
    }
    r.done();
}

// ---- 9. a node comes back from a partition ------------------------------------------

#[test]
fn tour_node_returns() {
    let mut r = Replay::new("node-returns");
    let tour = r.tour;
    let others = [1, 3, 4, 5];
    let sim = r.step(0);
    assert!(!sim.config().raft.pre_vote, "PreVote is off");

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in [1, 2, 3, 4, 5] {
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    let alone = Action::ReachOnly {
        node: 2,
        peers: vec![],
    };
    assert!(scenario_does(tour, 300, alone));
    assert_eq!((role(sim, 2), term(sim, 2)), ("candidate", 5));
    for id in others {
        assert_eq!(term(sim, id), 1);
    }
    assert_leader(sim, 5, 1);

    let sim = r.step(3);
    assert!(scenario_does(tour, 900, Action::Heal));
    assert_eq!(
        sim.checker().leaders().collect::<Vec<_>>(),
        [(1, 5), (6, 2)],
        "S5 deposed, S2 elected"
    );
    assert_leader(sim, 2, 6);
    for id in others {
        assert_follower_of(sim, id, 2, 6);
    }

    let sim = r.step(4);
    let on = RaftOptions {
        pre_vote: true,
        check_quorum: false,
    };
    assert!(scenario_does(tour, 1300, Action::SetRaft(on)));
    let alone = Action::ReachOnly {
        node: 3,
        peers: vec![],
    };
    assert!(scenario_does(tour, 1400, alone));
    assert_eq!((role(sim, 3), term(sim, 3)), ("pre-candidate", 6));
    assert_leader(sim, 2, 6);

    let sim = r.step(5);
    assert!(scenario_does(tour, 2000, Action::Heal));
    assert_follower_of(sim, 3, 2, 6);
    assert_eq!(
        sim.checker().leaders().collect::<Vec<_>>(),
        [(1, 5), (6, 2)],
        "no election"
    );
    r.done();
}

// ---- 10. handing over leadership ----------------------------------------------------

#[test]
fn tour_leadership_transfer() {
    let mut r = Replay::new("leadership-transfer");
    let tour = r.tour;
    r.step(0);

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in [1, 2, 3, 4, 5] {
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 340, Action::CutLink { from: 5, to: 3 }));
    assert!(scenario_does(
        tour,
        400,
        Action::RestoreLink { from: 5, to: 3 }
    ));
    for id in [1, 2, 4, 5] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
    }
    assert_eq!(commit(sim, 5), 2, "a majority holds it: committed");
    assert_eq!(log(sim, 3), ["noop/1"]);

    let sim = r.step(3);
    assert!(scenario_does(tour, 410, Action::TransferLeadership(3)));
    assert_eq!(node(sim, 5).transfer_target(), Some(3));
    assert_eq!(log(sim, 5).len(), 2, "y=2 was not appended");
    assert!(!outcome(sim, "2").1, "y=2 is still on its way");
    let redirected = sim.network().in_flight().any(|m| {
        matches!(m.from, Endpoint::Client(_))
            && m.to == Endpoint::Node(3)
            && matches!(&m.packet, Packet::ClientRequest(c, _) if c.op.to_string().contains("y=2"))
    });
    assert!(redirected, "the client was sent on to S3");

    let sim = r.step(4);
    assert_eq!(log(sim, 3), ["noop/1", "x=1/1"]);
    assert_eq!(in_flight(sim, 5, 3, "TimeoutNow").len(), 1);
    assert_eq!(term(sim, 3), 1, "not yet");

    let sim = r.step(5);
    assert_leader(sim, 3, 2);
    assert_follower_of(sim, 5, 3, 2);
    let deposed = first_time(tour, 410 * MILLIS, |s| s.leader().is_none());
    let elected = first_time(tour, deposed, |s| s.leader().is_some());
    assert!(elected - deposed < 20 * MILLIS, "{deposed}..{elected}");

    let sim = r.step(6);
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));
    assert_eq!(log(sim, 3), ["noop/1", "x=1/1", "noop/2", "y=2/2"]);
    r.done();
}

/// The client operation invoked at `at_ms`: how it ended, what it read, and
/// what answered it.
fn op_at(sim: &Simulation, at_ms: u64) -> raft_playground::sim::Operation {
    sim.history()
        .iter()
        .find(|o| o.invoke_t == at_ms * MILLIS)
        .unwrap_or_else(|| panic!("no request at {at_ms} ms"))
        .clone()
}

#[test]
fn tour_reads_without_the_log() {
    use raft_playground::raft::{ReadPath, ServedBy};
    let mut r = Replay::new("reads-without-the-log");
    let tour = r.tour;
    let sim = r.step(0);
    assert!(sim.config().raft.check_quorum, "CheckQuorum on");
    assert_eq!(sim.config().reads.path, ReadPath::ReadIndex);
    assert_eq!(sim.config().reads.clock_drift_ppm, 0, "a drift bound of 0");

    let sim = r.step(1);
    assert_leader(sim, 3, 1);
    for id in 1..=3 {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(op_at(sim, 400).outcome, Outcome::Ok);

    let sim = r.step(2);
    let read = op_at(sim, 600);
    assert!(scenario_does(
        tour,
        600,
        Action::ClientRequest {
            to: Some(3),
            op: Op::Read { key: "x".into() }
        }
    ));
    assert_eq!(
        (
            read.outcome,
            read.read_result.as_deref(),
            read.served_by,
            read.index
        ),
        (Outcome::Ok, Some("1"), Some(ServedBy::ReadIndex), Some(2))
    );
    assert_eq!(node(sim, 3).log().last_index(), 2, "no log entry");

    let sim = r.step(3);
    let read = op_at(sim, 800);
    assert!(scenario_does(
        tour,
        800,
        Action::ClientRequest {
            to: Some(1),
            op: Op::Read { key: "x".into() }
        }
    ));
    assert_eq!(
        (
            read.read_result.as_deref(),
            read.served_by,
            read.index,
            read.redirects
        ),
        (Some("1"), Some(ServedBy::Follower), Some(2), 0)
    );

    let sim = r.step(4);
    assert!(scenario_does(tour, 1000, Action::SetReads(ReadPath::Lease)));
    assert_eq!(
        node(sim, 3).lease_duration(),
        100 * MILLIS,
        "the minimum election timeout"
    );
    let read = op_at(sim, 1100);
    assert_eq!(
        (read.read_result.as_deref(), read.served_by),
        (Some("1"), Some(ServedBy::Lease))
    );
    assert!(
        read.return_t.unwrap() - read.invoke_t <= 20 * MILLIS,
        "one round trip from the client: at most twice the 10 ms latency"
    );

    r.breaks(&[Invariant::LeaseExclusive]);
    let sim = r.step(5);
    assert!(scenario_does(
        tour,
        1300,
        Action::SetClockRate {
            node: 3,
            ppm: -500_000
        }
    ));
    for id in [1, 2] {
        assert!(scenario_does(
            tour,
            1500,
            Action::SetClockRate {
                node: id,
                ppm: 500_000
            }
        ));
    }
    assert!(scenario_does(tour, 1500, Action::Partition(vec![vec![3]])));
    assert_leader(sim, 1, 2);
    assert_eq!(
        (role(sim, 3), term(sim, 3)),
        ("leader", 1),
        "S3 still thinks it leads"
    );
    let elected = first_time(tour, 1500 * MILLIS, |s| s.leader() == Some(1));
    assert_eq!(ms(elected), 1529);
    assert_eq!(
        sim.checker().leaders().collect::<Vec<_>>(),
        [(1, 3), (2, 1)]
    );
    // The lease's promise, broken the moment S1 took office.
    let v = sim.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(
        (v[0].invariant, v[0].t, v[0].nodes.as_slice()),
        (Invariant::LeaseExclusive, elected, &[3, 1][..])
    );

    let sim = r.step(6);
    let write = op_at(sim, 1554);
    assert!(matches!(&write.op, Op::Write { value, .. } if value == "2"));
    assert_eq!((write.outcome, write.index), (Outcome::Ok, Some(4)));
    assert_eq!(ms(write.return_t.unwrap()), 1585);
    let stale = op_at(sim, 1589);
    assert_eq!(
        (stale.outcome, stale.read_result.as_deref(), stale.served_by),
        (Outcome::Ok, Some("1"), Some(ServedBy::Lease))
    );
    assert!(
        stale.invoke_t > write.return_t.unwrap(),
        "invoked after x=2 was acknowledged"
    );
    // The lease invariant sees the read too: answered from a lease after
    // a later term had a leader.
    let v = sim.violations();
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(
        (v[1].invariant, v[1].nodes.as_slice()),
        (Invariant::LeaseExclusive, &[3, 1][..])
    );
    assert!(stale.invoke_t <= v[1].t && v[1].t <= stale.return_t.unwrap());
    let history = sim.history().to_vec();
    assert!(matches!(
        raft_playground::sim::linearizability::check(&history, 100_000).verdict,
        raft_playground::sim::linearizability::Verdict::NotLinearizable { .. }
    ));
    assert_eq!(
        2 * node(sim, 3).lease_duration(),
        200 * MILLIS,
        "half speed doubles it"
    );

    let sim = r.step(7);
    let stepped_down = first_time(tour, 1600 * MILLIS, |s| role(s, 3) != "leader");
    assert_eq!(ms(stepped_down), 1790);
    assert!(scenario_does(tour, 2000, Action::Heal));
    assert_follower_of(sim, 3, 1, 2);
    assert_eq!(value(sim, 3, "x").as_deref(), Some("2"));
    r.done();
}

// ---- 12. a server joins -----------------------------------------------------------

/// Server `id`'s voters and learners.
fn members(sim: &Simulation, id: NodeId) -> (Vec<NodeId>, Vec<NodeId>) {
    let m = node(sim, id).membership();
    (m.voters.clone(), m.learners.clone())
}

#[test]
fn tour_growing_the_cluster() {
    let mut r = Replay::new("growing-the-cluster");
    let tour = r.tour;
    let sim = r.step(0);
    assert_eq!(sim.server_count(), 3);
    assert!(scenario_does(tour, 400, Action::AddServer));

    let sim = r.step(1);
    assert_leader(sim, 2, 1);
    for id in [1, 2, 3] {
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    assert_eq!(sim.server_count(), 4);
    assert_eq!(log(sim, 2), ["noop/1", "config voters 1,2,3 learners 4/1"]);
    assert_eq!(members(sim, 2), (vec![1, 2, 3], vec![4]));
    assert!(node(sim, 4).log().entries().is_empty(), "S4 starts empty");
    assert_eq!(node(sim, 4).role(), raft_playground::raft::Role::Follower);

    let sim = r.step(3);
    assert_eq!(node(sim, 2).membership_index(), 3);
    for id in [1, 2, 3, 4] {
        assert_eq!(members(sim, id), (vec![1, 2, 3, 4], vec![]), "n{id}");
    }
    assert_eq!(node(sim, 2).membership().voters.len() / 2 + 1, 3);

    let sim = r.step(4);
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(4)));
    assert_eq!(commit(sim, 2), 4);

    let sim = r.step(5);
    assert!(scenario_does(tour, 900, Action::Stop(2)));
    assert_leader(sim, 4, 2);
    for id in [1, 3] {
        assert_eq!(node(sim, id).voted_for(), Some(4), "n{id} voted for S4");
    }
    assert_eq!(commit(sim, 4), 5);
    assert_eq!(log(sim, 4)[4], "noop/2");
    r.done();
}

// ---- 13. the leader leaves ----------------------------------------------------------

#[test]
fn tour_removing_the_leader() {
    let mut r = Replay::new("removing-the-leader");
    let tour = r.tour;
    r.step(0);
    assert!(scenario_does(tour, 500, Action::RemoveServer(5)));

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in 1..=5 {
        assert_eq!(commit(sim, id), 2, "n{id}");
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(2)));

    let sim = r.step(2);
    assert_leader(sim, 5, 1);
    assert_eq!(log(sim, 5)[2], "config voters 1,2,3,4/1");
    assert_eq!(members(sim, 5), (vec![1, 2, 3, 4], vec![]));
    assert_eq!(commit(sim, 5), 2, "not committed yet");

    let sim = r.step(3);
    assert_eq!(node(sim, 5).role(), raft_playground::raft::Role::Follower);
    assert_eq!(commit(sim, 5), 3);
    assert_eq!(sim.leader(), None);
    for id in 1..=4 {
        assert_eq!(commit(sim, id), 2, "n{id} does not know yet");
        assert_eq!(members(sim, id), (vec![1, 2, 3, 4], vec![]), "n{id}");
    }

    let sim = r.step(4);
    assert_leader(sim, 3, 2);
    let elected = first_time(tour, 540 * MILLIS, |s| s.leader().is_some());
    assert!(elected <= 800 * MILLIS);
    for id in 1..=4 {
        assert_eq!(commit(sim, id), 4, "n{id}");
    }

    let sim = r.step(5);
    assert_eq!(term(sim, 5), 1);
    assert_eq!(node(sim, 5).role(), raft_playground::raft::Role::Follower);
    assert_leader(sim, 3, 2);
    r.done();
}

// ---- 14. the single-server change bug ------------------------------------------------

/// What the first run of the single-server change bug breaks, in the order
/// the checker reports it.
const SINGLE_SERVER_CHANGE_BREAKS: [Invariant; 3] = [
    Invariant::LeaderCompleteness,
    Invariant::CommittedEntriesStable,
    Invariant::StateMachineSafety,
];

#[test]
fn tour_single_server_change_bug() {
    let mut r = Replay::new("single-server-change-bug");
    let tour = r.tour;
    let with_the_rule = tour.sequel.expect("a second run").from_step;
    assert_eq!(with_the_rule, 6);
    let unsafe_on = UnsafeSwitches::none().with(UnsafeSwitch::ConfigChangeWithoutNoop);

    // 0: four servers, the rule off on purpose; the page says so.
    let sim = r.step(0);
    assert_eq!(sim.server_count(), 4);
    assert_eq!(sim.config().unsafe_switches, unsafe_on);
    assert_eq!(
        r.playground.unsafe_warning().as_deref(),
        Some("Unsafe: config-change-without-noop \u{2014} this run breaks Raft on purpose")
    );
    // The same actions in both runs, the switch the only difference.
    let (first, second) = (tour.scenario_of(0), tour.scenario_of(1));
    assert_eq!(first.actions, second.actions);
    assert_eq!(
        raft_playground::sim::Scenario {
            unsafe_switches: UnsafeSwitches::none(),
            ..first.clone()
        },
        second
    );
    let removals = first
        .actions
        .iter()
        .filter(|(_, a)| matches!(a, Action::RemoveServer(_)))
        .count();
    assert_eq!(removals, 2, "two leaders each remove one server");

    // 1: S1 leads term 1, alone since 200 ms; it removed S4 at 210 ms.
    let sim = r.step(1);
    assert!(scenario_does(
        tour,
        200,
        Action::Partition(vec![vec![1], vec![2, 3, 4]])
    ));
    assert!(scenario_does(tour, 210, Action::RemoveServer(4)));
    assert_leader(sim, 1, 1);
    assert_eq!(log(sim, 1), ["noop/1", "config voters 1,2,3/1"]);
    assert_eq!(members(sim, 1), (vec![1, 2, 3], vec![]));
    for id in [2, 3, 4] {
        assert_eq!(log(sim, id), ["noop/1"], "n{id}: index 2 is on S1 only");
        assert_eq!(members(sim, id), (vec![1, 2, 3, 4], vec![]), "n{id}");
    }

    // 2: S2 won term 2 with S3 and S4; S2->S3 cut; S2 removed S1 at once.
    let sim = r.step(2);
    assert!(scenario_does(tour, 220, Action::ForceTimeout(2)));
    assert!(scenario_does(tour, 235, Action::CutLink { from: 2, to: 3 }));
    assert!(scenario_does(tour, 241, Action::RemoveServer(1)));
    assert_eq!(role(sim, 2), "leader");
    assert_eq!(term(sim, 2), 2);
    for id in [3, 4] {
        assert_eq!(node(sim, id).voted_for(), Some(2), "n{id} voted for S2");
    }
    assert_eq!(log(sim, 2), ["noop/1", "noop/2", "config voters 2,3,4/2"]);
    assert_eq!(members(sim, 2), (vec![2, 3, 4], vec![]));
    assert_eq!(commit(sim, 2), 1, "the no-op of term 2 is not committed");
    assert_eq!(role(sim, 1), "leader", "S1 still leads term 1");

    // 3: S2 and S4 committed indexes 2 and 3; S1 still leads over S1-S3.
    let sim = r.step(3);
    assert_eq!(commit(sim, 2), 3);
    assert_eq!(log(sim, 4), log(sim, 2));
    assert_eq!(log(sim, 3), ["noop/1"], "S3 has none of it");
    assert_eq!(log(sim, 1), ["noop/1", "config voters 1,2,3/1"]);
    assert_eq!(role(sim, 1), "leader");
    assert_eq!(term(sim, 1), 1);
    assert_eq!(members(sim, 1), (vec![1, 2, 3], vec![]));
    assert_no_violations(sim);

    // 4: S1 and S3 together from 300 ms; S1 won term 7 with S3's vote,
    // after elections nobody won; the checker reported it at once.
    r.breaks(&SINGLE_SERVER_CHANGE_BREAKS[..1]);
    let sim = r.step(4);
    assert!(scenario_does(
        tour,
        300,
        Action::Partition(vec![vec![1, 3], vec![2, 4]])
    ));
    assert_leader(sim, 1, 7);
    assert_eq!(node(sim, 3).voted_for(), Some(1));
    assert_eq!(role(sim, 2), "leader", "S2 still leads term 2 with S4");
    assert_eq!(members(sim, 1), (vec![1, 2, 3], vec![]));
    let elected = first_time(tour, 300 * MILLIS, |s| s.leader() == Some(1));
    assert!(elected > 300 * MILLIS && elected <= 810 * MILLIS);
    let at_300 = {
        let mut s = tour.scenario().start(false).unwrap();
        s.run_until(300 * MILLIS);
        s
    };
    assert!(
        node(&at_300, 3).log().last_index() < node(&at_300, 1).log().last_index(),
        "S3's log is shorter than S1's"
    );
    for t in 3..7 {
        // Terms 3 to 6 began before S1 won: elections nobody won.
        let won = first_time(tour, 300 * MILLIS, |s| {
            s.servers().iter().any(|x| x.node.current_term() > t)
        });
        assert!(won < elected);
    }
    let s3_leads = first_time(tour, 300 * MILLIS, |s| {
        role(s, 3) == "leader" || s.now() >= 900 * MILLIS
    });
    assert_eq!(s3_leads, 900 * MILLIS, "S3 cannot win");
    let v = sim.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].invariant, Invariant::LeaderCompleteness);
    assert!(v[0]
        .detail
        .contains("lacks index 3 (term 2) committed in term 2"));

    // 5: the safety panel: Leader Completeness violated, then State
    // Machine Safety and committed-entry stability once S1 commits.
    r.breaks(&SINGLE_SERVER_CHANGE_BREAKS);
    let sim = r.step(5);
    let mut broken: Vec<Invariant> = sim.violations().iter().map(|v| v.invariant).collect();
    assert_eq!(broken[0], Invariant::LeaderCompleteness);
    broken.sort_by_key(|i| i.name());
    broken.dedup();
    let mut expected = SINGLE_SERVER_CHANGE_BREAKS.to_vec();
    expected.sort_by_key(|i| i.name());
    assert_eq!(broken, expected);
    assert_eq!(commit(sim, 1), 3, "S1 committed its own entries at 2 and 3");
    assert_eq!(log(sim, 1)[2], "noop/7");
    // The same actions without the switch break nothing: the switch is
    // what broke it.
    let mut safe = start_with(tour, UnsafeSwitches::none());
    safe.run_until(900 * MILLIS);
    assert_no_violations(&safe);

    // 6: the sequel, with the rule on: no warning.
    let sim = r.step(with_the_rule);
    assert!(sim.config().unsafe_switches.is_empty());
    assert_eq!(sim.now(), 0);
    assert_eq!(sim.server_count(), 4);
    assert_eq!(r.playground.unsafe_warning(), None);

    // 7: S2 won term 2 as before; its removal of S1 was refused, and
    // cannot succeed: its no-op needs three of S1-S4, and S3 is cut off.
    let sim = r.step(7);
    assert_eq!(role(sim, 2), "leader");
    assert_eq!(term(sim, 2), 2);
    assert_eq!(log(sim, 2), ["noop/1", "noop/2"]);
    assert_eq!(members(sim, 2), (vec![1, 2, 3, 4], vec![]));
    assert_eq!(commit(sim, 2), 1);
    let mut at_241 = tour.scenario_of(1).start(false).unwrap();
    at_241.run_until(241 * MILLIS);
    assert_eq!(log(&at_241, 2), ["noop/1", "noop/2"], "the removal refused");
    assert_eq!(
        at_241.act(Action::RemoveServer(1)),
        Err("the new leader has not committed an entry of its term yet".to_string())
    );
    let cut = sim.network().blocked(Endpoint::Node(2), Endpoint::Node(3));
    assert!(cut.is_some(), "S3 no longer hears from S2");

    // 8: S1 won term 7 with S3 and committed index 3; nothing of term 2
    // was committed; every invariant holds.
    let sim = r.step(8);
    assert_leader(sim, 1, 7);
    assert_eq!(node(sim, 3).voted_for(), Some(1));
    assert_eq!(commit(sim, 1), 3);
    for s in sim.servers() {
        let id = s.node.id();
        let committed = &log(sim, id)[..commit(sim, id) as usize];
        assert!(
            committed.iter().all(|e| !e.ends_with("/2")),
            "n{id} committed nothing of term 2: {committed:?}"
        );
    }
    assert_no_violations(sim);
    r.done();
}

// ---- 15. a follower too far behind gets a snapshot ----------------------------------

/// The InstallSnapshot chunks in flight from S1 to S4: (offset, records
/// carried, the snapshot's last index and record count).
fn chunks(sim: &Simulation) -> Vec<(u64, usize, LogIndex, u64)> {
    in_flight(sim, 1, 4, "InstallSnapshot")
        .into_iter()
        .map(|m| match m {
            Message::InstallSnapshot {
                offset,
                records,
                meta,
                ..
            } => (offset, records.len(), meta.last_index, meta.records),
            _ => unreachable!(),
        })
        .collect()
}

/// The tags the picture draws beside the messages in flight.
fn tags(p: &Playground) -> Vec<String> {
    p.scene
        .messages
        .iter()
        .filter_map(|m| m.tag.clone())
        .collect()
}

#[test]
fn tour_snapshot_catch_up() {
    let mut r = Replay::new("snapshot-catch-up");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let others = [1, 2, 3, 5];

    // 0: snapshots every 6 entries from time 0, as the page's menu shows.
    let sim = r.step(0);
    assert!(scenario_does(tour, 0, Action::SetSnapshots(Some(6))));
    assert_eq!(sim.config().snapshot_threshold, Some(6));
    let menu = raft_playground::view::snapshot_threshold::label(Some(6));
    assert_eq!(menu, "every 6 entries");

    // 1: S1 leads term 1, the first leader; x=1 committed everywhere at
    // index 2; S4 stopped.
    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 1)]);
    assert_leader(sim, 1, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert!(scenario_does(tour, 500, Action::Stop(4)));
    assert_eq!(role(sim, 4), "stopped");

    // 2: five more writes, to index 7; S1, S2, S3, S5 compacted through 6.
    r.step(2);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let scenario = tour.scenario();
    let writes = scenario
        .actions
        .iter()
        .filter(|(at, a)| *at > 500 * MILLIS && matches!(a, Action::ClientRequest { .. }));
    assert_eq!(writes.count(), 5);
    for id in others {
        let n = node(sim, id);
        assert_eq!(n.log().last_index(), 7, "S{id}");
        assert_eq!(
            (n.log().snapshot_index(), n.log().snapshot_term()),
            (6, 1),
            "S{id}"
        );
        assert_eq!(log(sim, id), ["e=6/1"], "S{id}: entries 1 to 6 dropped");
        let snapshot = n.snapshot().expect("a snapshot");
        // The keys x, a, b, c, d and the five clients' sessions.
        assert_eq!(snapshot.meta.records, 10);
        assert_eq!(snapshot.store.data().len(), 5);
    }
    assert_eq!(commit(sim, 1), 7);
    let table = raft_playground::view::log_table::log_table(sim, 24);
    for id in others {
        let block = table.rows[id as usize - 1].snapshot.as_ref().unwrap();
        assert_eq!(block.label(), "snapshot ≤ 6 · t1", "S{id}");
    }
    assert_eq!(table.rows[3].snapshot, None, "S4 has no snapshot");
    let lines: Vec<&String> = p.events.lines().collect();
    let taken = lines
        .iter()
        .filter(|l| l.ends_with("snapshotted its state through index 6"))
        .count();
    assert_eq!(taken, 4, "{lines:?}");

    // 3: S4 back at 1000 ms with 2 entries; entries 3 to 6 in no log.
    let sim = r.step(3);
    assert!(scenario_does(tour, 1000, Action::Restart(4)));
    assert_eq!((role(sim, 4), term(sim, 4)), ("follower", 1));
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    for index in 3..=6 {
        assert!(sim
            .servers()
            .iter()
            .all(|s| s.node.log().entry(index).is_none()));
    }

    // 4: S4 refused the heartbeat; chunk 1 of 3 (records 1-4 of 10) flies.
    r.step(4);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let refused = first_time(tour, 1000 * MILLIS, |s| {
        !in_flight(s, 4, 1, "AppendEntriesReply").is_empty()
    });
    let mut at_refusal = tour.scenario().start(false).unwrap();
    at_refusal.run_until(refused);
    assert!(matches!(
        &in_flight(&at_refusal, 4, 1, "AppendEntriesReply")[..],
        [Message::AppendEntriesReply { success: false, hint, .. }] if hint.index == 3
    ));
    assert_eq!(node(sim, 1).progress()[&4].next_index, 3);
    assert!(node(sim, 1).log().entry(3).is_none());
    assert_eq!(chunks(sim), [(0, 4, 6, 10)]);
    assert_eq!(tags(p), ["snapshot 1/3"]);

    // 5: S4 acknowledged chunk 1; chunk 2 of 3 in flight, alone; S4's log
    // unchanged.
    r.step(5);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let chunk_2 = chunks(sim);
    assert_eq!(chunk_2, [(4, 4, 6, 10)]);
    assert_eq!(node(sim, 1).progress()[&4].snapshot.unwrap().offset, 4);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    assert_eq!(node(sim, 4).log().snapshot_index(), 0);
    assert!(tags(p).contains(&"snapshot 2/3".to_string()));

    // 6: chunk 3 of 3, the last 2 records; S4 keeps its old log and state.
    r.step(6);
    let (sim, p) = (&r.playground.sim, &r.playground);
    assert_eq!(chunks(sim), [(8, 2, 6, 10)]);
    assert_eq!(tags(p), ["snapshot 3/3"]);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    assert_eq!(node(sim, 4).log().snapshot_index(), 0);
    assert_eq!(value(sim, 4, "a"), None);

    // 7: S4 installed S1's snapshot: S1's state as of 6, log after 6,
    // commit 6; its reply says installed.
    r.step(7);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let n4 = node(sim, 4);
    assert_eq!((n4.log().snapshot_index(), n4.log().last_index()), (6, 6));
    assert_eq!(log(sim, 4), Vec::<String>::new());
    assert_eq!(commit(sim, 4), 6);
    let s1 = node(sim, 1).snapshot().unwrap();
    assert_eq!(n4.snapshot().unwrap().store, s1.store);
    for (key, v) in [("x", "1"), ("a", "2"), ("b", "3"), ("c", "4"), ("d", "5")] {
        assert_eq!(value(sim, 4, key).as_deref(), Some(v), "{key}");
    }
    assert!(matches!(
        &in_flight(sim, 4, 1, "InstallSnapshotReply")[..],
        [
            Message::InstallSnapshotReply {
                done: true,
                last_index: 6,
                ..
            },
            ..
        ]
    ));
    assert!(tags(p).contains(&"installed".to_string()));
    // A heartbeat sent the current chunk again before its ack came back.
    assert_eq!(chunks(sim), [(8, 2, 6, 10)]);
    let resent = p.sim.network().in_flight().find(|m| {
        matches!(
            &m.packet,
            Packet::Raft(Message::InstallSnapshot { offset: 8, .. })
        )
    });
    let resent = resent.unwrap().sent_at;
    let mut then = tour.scenario().start(false).unwrap();
    then.run_until(resent);
    let heartbeats = then.network().in_flight().filter(|m| {
        m.sent_at == resent && m.from == Endpoint::Node(1) && m.packet.kind() == "AppendEntries"
    });
    assert_eq!(
        heartbeats.count(),
        3,
        "sent with the heartbeats to S2, S3, S5"
    );
    let last = p.events.lines().last().unwrap();
    assert!(
        p.events
            .lines()
            .any(|l| l.ends_with("node 4 installed node 1's snapshot through 6")),
        "{last}"
    );
    let table = raft_playground::view::log_table::log_table(sim, 24);
    assert_eq!(
        table.rows[3].snapshot.as_ref().unwrap().label(),
        "snapshot ≤ 6 · t1"
    );

    // 8: AppendEntries from index 7: S4 appended and applied e=6, matchIndex
    // 7; the same state everywhere.
    let sim = r.step(8);
    assert_eq!(log(sim, 4), ["e=6/1"]);
    assert_eq!((commit(sim, 4), node(sim, 4).last_applied()), (7, 7));
    assert_eq!(node(sim, 1).progress()[&4].match_index, 7);
    for id in all {
        assert_eq!(value(sim, id, "e").as_deref(), Some("6"), "S{id}");
        assert_eq!(
            node(sim, id).state_machine().data(),
            node(sim, 1).state_machine().data()
        );
    }
    assert_no_violations(sim);
    r.done();
}

/// The host-page protocol's `start_tour` names every tour a host may
/// start (docs/embedding.md), and no other.
#[test]
fn the_embedding_guide_lists_every_tour() {
    let guide = std::fs::read_to_string("docs/embedding.md").unwrap();
    let row = guide
        .lines()
        .find(|l| l.starts_with("| `start_tour`"))
        .expect("the start_tour row");
    let listed = row.split("The tours: ").nth(1).expect("the tours' list");
    let listed: Vec<&str> = listed
        .split(['`', ',', ' ', '|'])
        .filter(|w| !w.is_empty())
        .collect();
    let ids: Vec<&str> = TOURS.iter().map(|t| t.id).collect();
    assert_eq!(listed, ids);
}
