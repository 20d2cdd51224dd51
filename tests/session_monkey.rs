//! A monkey at the page: seeded random sequences of every input a person
//! or a host page can send ([`Input`]), garbage included, fed to the
//! natively tested session the page wires to the browser. After each input
//! the test computes what the page would draw from the view model, and at
//! the end of each sequence it checks what a person relies on:
//! - nothing panics (the page would show its error panel);
//! - a run with no unsafe switch keeps every safety invariant;
//! - "Share this run" reproduces what is on screen: the link, opened as a
//!   page opens it, lands on the sender's trace hash;
//! - the same seed gives the same session (determinism).
//!
//! In the manner of FoundationDB's simulation: one seed per sequence, so a
//! failure prints the seed and the inputs that led to it.

use std::collections::VecDeque;

use raft_playground::raft::{NodeId, ReadPath, Rng, Time, MILLIS, SECONDS};
use raft_playground::sim::config::RaftOptions;
use raft_playground::sim::membership::Replacement;
use raft_playground::sim::reads_served::ReadsServed;
use raft_playground::sim::{Action, Invariant, NetworkConfig, Scenario};
use raft_playground::view::host_api::{EventKind, HostCommand};
use raft_playground::view::keys::KeyCommand;
use raft_playground::view::lease_breaks;
use raft_playground::view::network_edits::NetworkEdit;
use raft_playground::view::on_screen::Section;
use raft_playground::view::playground::{Playground, Selection};
use raft_playground::view::session::{Input, Session};
use raft_playground::view::url_params::UrlParams;
use raft_playground::view::what_if::WhatIfInput;
use raft_playground::view::{
    details, log_table, membership, motion, permalink, requests, sequence, timeline_marks, tours,
    versions,
};

/// Sequences per run of the test (`MONKEY_SEQUENCES=N` for a longer
/// hunt), and inputs per sequence.
const SEQUENCES: u64 = 400;
const INPUTS: usize = 300;

fn sequences() -> u64 {
    std::env::var("MONKEY_SEQUENCES").map_or(SEQUENCES, |n| {
        n.parse().expect("MONKEY_SEQUENCES: a number")
    })
}

/// The first seed (`MONKEY_FROM=N` hunts past the seeds CI plays).
fn first_seed() -> u64 {
    std::env::var("MONKEY_FROM").map_or(1, |n| n.parse().expect("MONKEY_FROM: a number"))
}

/// The seeds a run of the hunt plays.
fn seeds() -> std::ops::RangeInclusive<u64> {
    first_seed()..=first_seed() + sequences() - 1
}

/// One of `choices`, picked by `rng`.
fn pick<T: Clone>(rng: &mut Rng, choices: &[T]) -> T {
    choices[rng.range_inclusive(0, choices.len() as u64 - 1) as usize].clone()
}

/// The addresses a sequence's page opens with (and whether the person
/// prefers reduced motion, a coin).
const QUERIES: [&str; 8] = [
    "",
    "?load=5",
    "?paused=1",
    "?seed=9&nodes=3",
    "?nodes=9&load=10",
    "?embed=1&tour=leader-election&step=2",
    "?tour=log-replication&step=99",
    "?seed=x&nodes=40&load=-1",
];

/// Heads or tails.
fn coin(rng: &mut Rng) -> bool {
    rng.next_u64().is_multiple_of(2)
}

/// A node id the cluster may or may not have (up to 11: the page allows 9).
fn node(rng: &mut Rng) -> NodeId {
    rng.range_inclusive(1, 11)
}

/// Text a person might type into a field, sensible or not.
fn text(rng: &mut Rng) -> String {
    pick(
        rng,
        &[
            "x=1",
            "get x",
            "cas x 1 2",
            "y = 7",
            "",
            "  ",
            "3",
            "-1",
            "99999999999999999999",
            "1->2",
            "2 -> 1",
            "1->1",
            "9->12",
            "->",
            "abc",
            "\u{1F600}",
            "x=",
            "=",
            "#z=AAAA",
        ],
    )
    .to_string()
}

/// A random action, within the cluster or not.
fn action(rng: &mut Rng) -> Action {
    match rng.range_inclusive(0, 22) {
        0 => Action::Stop(node(rng)),
        1 => Action::Resume(node(rng)),
        2 => Action::ResumeAll,
        3 => Action::Restart(node(rng)),
        4 => Action::ForceTimeout(node(rng)),
        5 => Action::Partition(vec![vec![node(rng), node(rng)], vec![node(rng)]]),
        6 => Action::Heal,
        7 => Action::Deafen(node(rng)),
        8 => Action::ReachOnly {
            node: node(rng),
            peers: vec![node(rng)],
        },
        9 => Action::SetRaft(RaftOptions {
            pre_vote: coin(rng),
            check_quorum: coin(rng),
        }),
        10 => Action::TransferLeadership(node(rng)),
        11 => Action::SetReads(pick(
            rng,
            &[
                ReadPath::Log,
                ReadPath::ReadIndex,
                ReadPath::Lease,
                ReadPath::Local,
            ],
        )),
        12 => Action::SetClockRate {
            node: node(rng),
            ppm: pick(rng, &[-200_000, -500, 0, 500, 200_000]),
        },
        13 => Action::SetDriftBound(pick(rng, &[0, 1_000, 100_000, 10_000_000])),
        14 => Action::AddServer,
        15 => Action::RemoveServer(node(rng)),
        16 => Action::ReplaceServers {
            remove: vec![node(rng)],
            add: rng.range_inclusive(0, 3),
        },
        17 => Action::SetReplacement(pick(rng, &[Replacement::Joint, Replacement::OneByOne])),
        18 => Action::SetSnapshots(pick(rng, &[None, Some(1), Some(5), Some(1_000)])),
        19 => Action::AlignTimers,
        20 => Action::SpreadTimers,
        21 => Action::ClientRead {
            to: coin(rng).then(|| node(rng)),
            key: pick(rng, &["x", "y"]).into(),
            path: pick(rng, &[ReadPath::Log, ReadPath::ReadIndex, ReadPath::Lease]),
        },
        _ => Action::Heartbeat(node(rng)),
    }
}

fn network_edit(rng: &mut Rng) -> NetworkEdit {
    match rng.range_inclusive(0, 3) {
        0 => NetworkEdit::LatencyMinMs(pick(rng, &[0.0, 5.0, 80.0, 1e9, -4.0])),
        1 => NetworkEdit::LatencyMaxMs(pick(rng, &[0.0, 30.0, 500.0])),
        2 => NetworkEdit::Loss(pick(rng, &[0.0, 0.2, 1.0, 7.0])),
        _ => NetworkEdit::Duplication(pick(rng, &[0.0, 0.3, -1.0])),
    }
}

fn key_command(rng: &mut Rng) -> KeyCommand {
    use KeyCommand::*;
    pick(
        rng,
        &[
            TogglePause,
            Step,
            StepBack,
            Faster,
            Slower,
            ClientRequestToLeader,
            RestartLeader,
            SpreadTimers,
            AlignTimers,
            ResumeAll,
            IsolateLeader,
            DeafenLeader,
            TransferLeadership,
            Heal,
            ToggleHelp,
            Close,
        ],
    )
}

fn host_command(rng: &mut Rng, shared: &[Scenario]) -> HostCommand {
    match rng.range_inclusive(0, 7) {
        6 => HostCommand::Subscribe {
            events: vec![
                EventKind::LeaderElected,
                EventKind::Committed,
                EventKind::Applied,
                EventKind::RequestFinished,
                EventKind::Violation,
                EventKind::Clock,
            ],
        },
        7 => HostCommand::Unsubscribe {
            events: vec![EventKind::Clock],
        },
        0 => HostCommand::Play,
        1 => HostCommand::Pause,
        2 => HostCommand::SetSpeed {
            speed: pick(rng, &[0.001, 0.5, 4.0, 1e9, -1.0, f64::NAN]),
        },
        3 => HostCommand::Seek {
            t_us: pick(rng, &[-5, 0, 300_000, 2_000_000, i64::MAX]),
        },
        4 if !shared.is_empty() => HostCommand::Load {
            scenario: Box::new(pick(rng, shared)),
        },
        _ => HostCommand::StartTour {
            tour: pick(rng, &tour_ids()),
            step: rng.range_inclusive(0, 12),
        },
    }
}

/// A file read (its text, sensible or not, or a read that failed), or a
/// run the Experiments view opens.
fn file_or_scenario(rng: &mut Rng, shared: &[Scenario]) -> Input {
    let scenario = (!shared.is_empty()).then(|| pick(rng, shared));
    match (rng.range_inclusive(0, 4), scenario) {
        (0, Some(s)) => Input::FileRead(Ok(s.to_json())),
        (1, Some(s)) => Input::OpenScenario {
            scenario: Ok(Box::new(s)),
            caption: "a run of the Experiments view".into(),
        },
        (2, Some(s)) => Input::FileRead(Ok(s.to_json().replace("\"nodes\":", "\"nodes\":9"))),
        (3, _) => Input::FileRead(Err("the file could not be read".into())),
        _ => Input::FileRead(Ok(text(rng))),
    }
}

/// Every tour's id, and one that is no tour.
fn tour_ids() -> Vec<String> {
    let mut ids: Vec<String> = tours::TOURS.iter().map(|t| t.id.to_string()).collect();
    ids.push("no-such-tour".to_string());
    ids.push(String::new());
    ids
}

/// A random input. `shared` holds the scenarios shared so far, which
/// later inputs may load again (as a link, a host command or the field).
fn input(rng: &mut Rng, session: &Session, shared: &[Scenario]) -> Input {
    let p = &session.playground;
    match rng.range_inclusive(0, 40) {
        0..=7 => Input::Frame {
            wall_ms: pick(rng, &[0.0, 4.0, 16.7, 16.7, 33.0, 250.0, 5_000.0]),
        },
        8..=9 => Input::Skip(pick(rng, &[1, 50, 400, 3_000])),
        10 => Input::CatchUp {
            wall_ms: pick(rng, &[0.0, 16.7, 700.0]),
        },
        11..=13 => Input::Key(key_command(rng)),
        14 => Input::Skip(pick(rng, &[1, 50, 400, 3_000])),
        15 => Input::SetSpeed(pick(rng, &[0.001, 0.03, 1.0, 4.0, 0.0, -3.0, 1e12])),
        16 => Input::NodesText(pick(rng, &["1", "3", "4", "5", "9", "0", "12", "x"]).into()),
        17 => Input::SeedText(text(rng)),
        18 => pick(rng, &[Input::Reset, Input::Reset, Input::Undo]),
        19 => {
            let message = p.scene.messages.first().map(|m| m.id);
            Input::Select(match (rng.range_inclusive(0, 2), message) {
                (0, Some(id)) => Selection::Message(id),
                (1, _) => Selection::None,
                _ => Selection::Node(node(rng)),
            })
        }
        20..=23 => Input::Act(action(rng)),
        24 => match p.scene.messages.first().map(|m| m.id) {
            Some(id) => Input::Act(pick(
                rng,
                &[
                    Action::DropMessage(id),
                    Action::DeliverMessage(id),
                    Action::DuplicateMessage(id),
                ],
            )),
            None => Input::Act(action(rng)),
        },
        25 => Input::ClientText(text(rng)),
        26 => Input::Send,
        27 => Input::ToggleSide(node(rng)),
        28 => pick(rng, &[Input::SplitSides, Input::MajorityMinority]),
        29 => match coin(rng) {
            true => Input::Network(network_edit(rng)),
            false => Input::NetworkDrag(network_edit(rng)),
        },
        30 => Input::CutText(text(rng)),
        31 => Input::Cut,
        32 => Input::Share {
            page: "https://example.org/raft/".into(),
        },
        33 => {
            let link = match shared.last() {
                Some(s) if coin(rng) => format!("#{}", permalink::encode(s)),
                _ => text(rng),
            };
            if coin(rng) {
                Input::LinkOpened { fragment: link }
            } else {
                Input::ImportText(link)
            }
        }
        34 => Input::Import,
        35 => Input::Seek(pick(rng, &[0, 1, 750_000, p.sim.now() / 2, u64::MAX])),
        36 => pick(
            rng,
            &[
                Input::ReplayFromStart,
                Input::Arrow { forward: true },
                Input::Arrow { forward: false },
            ],
        ),
        37 => match rng.range_inclusive(0, 5) {
            0 => Input::TourChoose(pick(rng, &tour_ids())),
            1 | 2 => Input::TourNext,
            3 => Input::TourBack,
            4 => Input::TourEnd,
            _ => Input::TourRestartStep,
        },
        38 => Input::Host(host_command(rng, shared)),
        39 => file_or_scenario(rng, shared),
        _ => match rng.range_inclusive(0, 3) {
            0 => Input::WhatIf(WhatIfInput::Toggle),
            1 => Input::WhatIf(WhatIfInput::Choose(pick(
                rng,
                &["vote-without-log-check".to_string(), "nonsense".to_string()],
            ))),
            2 => Input::Rest,
            _ => Input::OnScreen {
                section: pick(rng, &Section::ALL),
                in_view: coin(rng),
            },
        },
    }
}

/// Are all of `numbers` numbers (no NaN, no infinity)?
fn finite(numbers: &[f64]) -> bool {
    numbers.iter().all(|x| x.is_finite())
}

/// Computes what the page draws from the session, as its parts do: a
/// panic here is a blank part (or the error panel) in the page.
fn draw(session: &Session) -> u64 {
    let p = &session.playground;
    let (now, speed, paused) = (p.sim.now(), p.speed, p.paused);
    let mut drawn = versions::drawn(session, None).diagram;
    drawn ^= versions::links(session) ^ versions::marks(session) ^ versions::slide(session);
    for n in &p.scene.nodes {
        drawn ^= versions::node(session, n) ^ versions::sweep(session, n);
        if let Some(sweep) = motion::sweep(n, now, speed, paused) {
            let numbers = [
                sweep.radius,
                sweep.duration_ms,
                sweep.center.x,
                sweep.center.y,
            ];
            assert!(finite(&numbers), "a timer's motion: {sweep:?}");
        }
        let _ = details::node(p, n.id);
    }
    for m in &p.scene.messages {
        drawn ^= versions::message(session, m) ^ versions::flight(session, m);
        let flight = motion::flight(m, now, speed, paused);
        let (start, end) = (flight.start, flight.end);
        let numbers = [
            flight.duration_ms,
            flight.elapsed_ms,
            start.x,
            start.y,
            end.x,
            end.y,
        ];
        assert!(finite(&numbers), "a flight's motion: {flight:?}");
        let _ = details::message(p, m.id);
    }
    let shown = session.network_shown();
    assert!(
        (0.0..=1.0).contains(&shown.loss) && shown.latency_min <= shown.latency_max,
        "the network panel: {shown:?}"
    );
    let _ = versions::clock(p);
    let _ = versions::timeline(p);
    let _ = versions::stretch(p);
    let _ = timeline_marks::marks(p);
    let _ = log_table::log_table(&p.sim, 12);
    let content = p.sequence.content();
    let _ = sequence::dots(&content, now, speed, paused);
    let _ = requests::latest(&p.sim, requests::SHOWN);
    let _ = membership::replacement(&p.sim);
    let _ = p.events.numbered_until(&p.sim).rev().take(60).count();
    let _ = p.unsafe_warning();
    assert!(
        session.idle_ms() >= 0.0,
        "the page cannot sleep a negative time"
    );
    drawn
}

/// Whether the run did, up to `until`, something a read lease does not
/// allow for (`view::lease_breaks`, which the safety panel explains it
/// with): CheckQuorum off, a clock rate or the drift bound changed, or a
/// server's timer fired early by hand ("Time out": the server may have
/// acknowledged the lease, and now stands at once); the reads tour does so
/// on purpose. A lease broken before the first of them is a bug, whatever
/// the run did later.
fn leases_may_break(p: &Playground, until: Time) -> bool {
    lease_breaks::first_until(&p.scenario, until).is_some()
}

/// An action after which a lease may break by design (`leases_may_break`).
fn outside_a_lease_s_timing(action: &Action) -> bool {
    match action {
        Action::SetRaft(options) => !options.check_quorum,
        Action::SetClockRate { .. } | Action::SetDriftBound(_) | Action::ForceTimeout(_) => true,
        _ => false,
    }
}

/// An input after which a lease may break by design.
fn unsafe_for_leases(input: &Input) -> bool {
    matches!(input, Input::Act(action) if outside_a_lease_s_timing(action))
}

/// Inputs half the sequences start with: CheckQuorum on and reads by lease,
/// so the lease check of `safe_run_broken` has runs to hold to account (the
/// page's default has CheckQuorum off, under which leases are unsafe).
/// Those sequences then skip the inputs of `unsafe_for_leases`.
fn inputs_turning_leases_on(rng: &mut Rng) -> Vec<Input> {
    vec![
        Input::Act(Action::SetRaft(RaftOptions {
            pre_vote: coin(rng),
            check_quorum: true,
        })),
        Input::Act(Action::SetReads(ReadPath::Lease)),
    ]
}

/// The link "Share this run" writes, opened as a page opens it.
fn opened(shared: &Scenario) -> Result<Playground, String> {
    let fragment = permalink::encode(shared);
    let decoded = permalink::decode(&fragment)?.ok_or("no scenario in the link")?;
    Playground::open_shared(decoded, false)
}

/// What a sequence reached, to show the monkey went beyond the first
/// screen (a monkey that never got anywhere would prove little).
#[derive(Debug, Default)]
struct Reached {
    /// Some frame had a leader.
    leader: bool,
    /// Some input acted on a moment in the past (time travel).
    past: bool,
    /// A guided tour was open.
    tour: bool,
    /// A shared run was opened again (a link, the load field, the host).
    reopened: bool,
    /// The cluster sizes seen.
    sizes: std::collections::BTreeSet<usize>,
    /// The furthest simulated time.
    furthest: u64,
    /// Reads answered by lease in sequences whose leases were checked.
    lease_reads_checked: u64,
    /// Forks whose shared link was checked (a review found the check dead).
    forks_checked: u64,
}

impl Reached {
    /// After `input`, sent while the cursor was `in_the_past` or not.
    fn note(&mut self, session: &Session, input: &Input, in_the_past: bool) {
        let p = &session.playground;
        self.leader |= p.sim.leader().is_some();
        self.past |= in_the_past && matches!(input, Input::Act(_)) && p.notice.is_none();
        self.tour |= session.tour.is_some();
        self.reopened |= matches!(input, Input::LinkOpened { fragment } if fragment.starts_with("#r="))
            && session.drafts.error.is_none();
        self.sizes.insert(p.sim.servers().len());
        self.furthest = self.furthest.max(p.sim.now());
    }
}

/// Plays one sequence, checking after every input what a person relies
/// on; returns the session, or what broke with the inputs that led there.
fn play(seed: u64) -> Result<Session, String> {
    play_reaching(seed, &mut Reached::default())
}

fn play_reaching(seed: u64, reached: &mut Reached) -> Result<Session, String> {
    let mut rng = Rng::derive(seed, 0x6d6f_6e6b_6579);
    let query = pick(&mut rng, &QUERIES);
    let (params, problems) = UrlParams::parse(query);
    let mut session = Session::open(&params, &problems, "", coin(&mut rng));
    let mut shared = Vec::new();
    let mut inputs = Vec::new();
    // Half the sequences keep leases safe, and so have them checked.
    let keep_leases = coin(&mut rng);
    let mut queued = VecDeque::new();
    if keep_leases {
        queued.extend(inputs_turning_leases_on(&mut rng));
    }
    for _ in 0..INPUTS {
        let mut next = (queued.pop_front()).unwrap_or_else(|| input(&mut rng, &session, &shared));
        if keep_leases && unsafe_for_leases(&next) {
            next = Input::Frame { wall_ms: 16.7 };
        }
        inputs.push(format!("{next:?}"));
        let past = session.playground.in_the_past();
        let notice_before = session.notice_text();
        session.update(next.clone());
        // A share, and a fork: acting in the past cut the run, and the
        // link must still replay it (one left an action of its moment in).
        // `update` takes the playground's fork; its notice says it.
        let notice = session.notice_text();
        let forked =
            past && notice != notice_before && notice.is_some_and(|n| n.starts_with("Acting at"));
        if forked {
            reached.forks_checked += 1;
        }
        let sharing = matches!(next, Input::Share { .. }) || forked;
        reached.note(&session, &next, past);
        draw(&session);
        let _ = session.host_events(16.7);
        if std::env::var_os("MONKEY_TRACE").is_some() {
            eprintln!("seed {seed} #{}: {}", inputs.len(), inputs.last().unwrap());
        }
        let broken = match sharing {
            true => shared_link_differs(&session.playground),
            false => safe_run_broken(&session.playground),
        };
        if let Some(what) = broken {
            return Err(format!(
                "seed {seed}: {what}; the last inputs, last first:\n  {}",
                last(&inputs)
            ));
        }
        if matches!(next, Input::Share { .. }) {
            shared.push(session.playground.export());
        }
        // A run replaced at time 0 (reset, a new size, a link) gets its
        // leases back.
        let p = &session.playground;
        if keep_leases && queued.is_empty() && p.sim.now() == 0 && leases_may_break(p, Time::MAX) {
            queued.extend(inputs_turning_leases_on(&mut rng));
        }
    }
    if !leases_may_break(&session.playground, Time::MAX) {
        let history = session.playground.sim.history();
        reached.lease_reads_checked += ReadsServed::of(history.iter()).lease;
    }
    Ok(session)
}

/// What a run with no unsafe switch broke, if anything.
fn safe_run_broken(p: &Playground) -> Option<String> {
    let broken = (p.sim.violations().iter())
        .find(|v| !(v.invariant == Invariant::LeaseExclusive && leases_may_break(p, v.t)));
    match broken {
        Some(v) if p.unsafe_warning().is_none() => Some(format!("a safe run broke {v:?}")),
        _ => None,
    }
}

/// How the link "Share this run" writes of `p` opens elsewhere, if it does.
fn shared_link_differs(p: &Playground) -> Option<String> {
    let receiver = match opened(&p.export()) {
        Ok(receiver) => receiver,
        Err(e) => return Some(format!("the page's own link does not open: {e}")),
    };
    let moment = |q: &Playground| (q.sim.now(), q.sim.events(), q.sim.trace_hash());
    (moment(&receiver) != moment(p)).then(|| {
        format!(
            "the shared link opens at (time, events, hash) {:?}, not {:?}",
            moment(&receiver),
            moment(p)
        )
    })
}

/// What the inputs were, the last few first, for a failure's message.
fn last(inputs: &[String]) -> String {
    let recent: Vec<&str> = inputs.iter().rev().take(12).map(String::as_str).collect();
    recent.join("\n  ")
}

#[test]
fn no_sequence_of_inputs_panics_breaks_a_safe_run_or_a_shared_link() {
    for seed in seeds() {
        let session = play(seed).unwrap_or_else(|e| panic!("{e}"));
        // And the run on screen at the end, shared.
        if let Some(what) = shared_link_differs(&session.playground) {
            panic!("seed {seed}, at the end: {what}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_session() {
    for seed in [3, 17] {
        let (a, b) = (play(seed).unwrap(), play(seed).unwrap());
        assert_eq!(a.playground.sim.trace_hash(), b.playground.sim.trace_hash());
        assert_eq!(a.playground.sim.now(), b.playground.sim.now());
        assert_eq!(
            draw(&a),
            draw(&b),
            "seed {seed}: the same session draws differently"
        );
    }
}

#[test]
fn the_monkey_reaches_the_page_s_corners() {
    // Over all sequences, the runs elected leaders, went far, forked the
    // past, played tours, reopened shared runs and changed size.
    let mut reached = Reached::default();
    for seed in 1..=SEQUENCES {
        play_reaching(seed, &mut reached).unwrap();
    }
    let Reached {
        leader,
        past,
        tour,
        reopened,
        ref sizes,
        furthest,
        lease_reads_checked,
        forks_checked,
    } = reached;
    assert!(leader && past && tour && reopened, "{reached:?}");
    assert!(lease_reads_checked > 0 && forks_checked > 0, "{reached:?}");
    assert!(sizes.len() >= 4, "cluster sizes seen: {sizes:?}");
    assert!(furthest > 5 * SECONDS, "{reached:?}");
}

/// Raft's promise of progress: whatever the monkey did, once every fault
/// is healed (servers resumed, links whole, no loss, the playground's
/// latency, clocks at true rate) a run with no unsafe switch has a leader
/// that every member follows within `LEADER_BOUND` (§5.2 with §9.3's
/// timing requirement).
#[test]
fn every_run_healed_elects_a_leader_everyone_follows() {
    use raft_playground::sim::run::LEADER_BOUND;
    for seed in seeds().take(sequences() as usize / 2) {
        let session = play(seed).unwrap_or_else(|e| panic!("{e}"));
        let p = &session.playground;
        if p.unsafe_warning().is_some() {
            continue;
        }
        let mut sim = p.sim.clone();
        // The moment's own events first (it may have been stepped to), not
        // the rest of a run scrubbed back in (its later actions).
        let now = sim.now();
        sim.run_until(now);
        sim.cancel_scheduled_after(now);
        sim.heal_everything();
        let ids: Vec<_> = sim.servers().iter().map(|s| s.node.id()).collect();
        for id in ids {
            let _ = sim.act_now(Action::SetClockRate { node: id, ppm: 0 });
        }
        let mut network = sim.network().config;
        network.latency_min = NetworkConfig::default().latency_min;
        network.latency_max = NetworkConfig::default().latency_max;
        sim.act_now(Action::SetNetwork(network)).unwrap();
        let healed = sim.now();
        while sim.stable_leader().is_none() && sim.now() < healed + LEADER_BOUND {
            sim.run_until(sim.now() + 10 * MILLIS);
        }
        assert!(
            sim.stable_leader().is_some(),
            "seed {seed}: no leader {} s after healing at t={healed}",
            LEADER_BOUND / SECONDS
        );
    }
}
