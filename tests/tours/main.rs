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
    link, Action, Endpoint, Invariant, Outcome, Packet, Scenario, Simulation, TraceEvent,
};
use raft_playground::view::playground::{playground_config, Playground};
use raft_playground::view::tours::{self, Tour, TOURS};
use std::collections::BTreeSet;
use std::process::Command;

// The tours themselves, a few to a file, in the menu's order.
mod first_steps;
mod membership;
mod production;
mod safety;
mod snapshots;

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
/// failing on them (as in tests/transcripts/).
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
            // Servers are named n1..=nN, as the picture labels them, the
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
                    if let Some(n) = word.strip_prefix('n').and_then(|n| n.parse::<u64>().ok()) {
                        let known = 1..=scenario.nodes + added;
                        assert!(known.contains(&n), "{id}: no server n{n}");
                    }
                }
            }
        }
    }
}

/// Every run of every tour takes its actions (but the one its story says
/// is refused) and keeps every invariant, and the CLI agrees on its file,
/// but for the two that break a rule on purpose: the reads tour (a lease
/// outlived, a stale read) and the first run of the single-server change
/// bug (an unsafe switch), whose files the CLI fails.
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
            // A step may say "the leader hands over to node 3": an action
            // refused at its moment would leave that untold. One refusal
            // is a story's point: with the rule on, n2 may not remove n1
            // before its no-op commits ("was refused", its step says).
            let refused: Vec<(Time, Action, &str)> = (sim.refused_actions().iter())
                .map(|r| (r.at, r.action.clone(), r.why.as_str()))
                .collect();
            let expected = match (tour.id, run) {
                ("single-server-change-bug", 1) => vec![(
                    241 * MILLIS,
                    Action::RemoveServer(1),
                    "the new leader has not committed an entry of its term yet",
                )],
                _ => vec![],
            };
            assert_eq!(refused, expected, "{file}: the actions refused");
            let out = Command::new(env!("CARGO_BIN_EXE_raft-sim"))
                .args(["run", "--scenario", &path])
                .output()
                .expect("raft-sim runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                stderr.matches("was refused").count(),
                expected.len(),
                "{file}: {stderr}"
            );
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
            "single-server-change-bug" => replay.breaks(&membership::SINGLE_SERVER_CHANGE_BREAKS),
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
