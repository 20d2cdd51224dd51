//! The playground's state apart from pixels: the simulation, whether it
//! plays and how fast, what is selected, and messages that just died (so the
//! picture can show them dying). Every change to the simulation goes through
//! an [`Action`], so what a person did could be recorded and replayed.

use super::event_log::EventLog;
use super::geometry::Point;
use super::keys::KeyCommand;
use super::leadership::{self, Leadership};
use super::message_history::MessageHistory;
use super::op_text::MESSAGE_KEY;
use super::scene::{self, Scene};
use super::sequence::SequenceView;
use super::snapshots::Snapshots;
use super::speed;
use crate::raft::vec_map::{self, VecMap};
use crate::raft::{NodeId, Op, Time, Timing, MILLIS, SECONDS};
use crate::sim::find::FailureReport;
use crate::sim::link::PLAYGROUND_TIMING;
use crate::sim::membership::MAX_CLUSTER;
use crate::sim::scenario::MAX_SEED;
use crate::sim::DiskConfig;
use crate::sim::{Action, ClientLoad, Scenario, SimConfig, Simulation, TraceEvent};

/// A fork: an action taken in the past discarded the run after it
/// (RaftScope's `F`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    /// Where the run was forked.
    pub at: Time,
    /// How far it had gone.
    pub until: Time,
    /// The recorded actions discarded with it.
    pub actions: usize,
}

/// What the person is looking at in detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Nothing.
    None,
    /// A server, by id.
    Node(NodeId),
    /// A message in flight, by id.
    Message(u64),
}

/// A message that was dropped or lost, shown fading where it died.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dying {
    /// Where it died (where it was last drawn).
    pub at: Point,
    /// Its colour when it was alive.
    pub color: &'static str,
    /// Wall-clock milliseconds of animation left.
    pub left_ms: f64,
}

/// How long a dying message stays visible, in wall milliseconds.
pub const DYING_MS: f64 = 600.0;
/// How many servers the playground draws.
pub const PLAYGROUND_NODES: std::ops::RangeInclusive<u64> = 3..=9;

/// A seed typed into the page or its address; the error is the sentence
/// to show.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let digits = text.trim();
    match digits.parse::<u64>() {
        Ok(seed) => shareable_seed(seed),
        // Past u64: too large rather than not a number.
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            shareable_seed(u64::MAX)
        }
        Err(_) => Err(format!(
            "the seed must be a whole number, not '{}'",
            super::url_params::shown(text)
        )),
    }
}

/// None past [`MAX_SEED`]: every run the page shows can be shared, and a
/// scenario's JSON holds whole numbers only below 2^53.
fn shareable_seed(seed: u64) -> Result<u64, String> {
    match seed <= MAX_SEED {
        true => Ok(seed),
        false => Err(format!(
            "the seed must be at most {MAX_SEED}, so that the run can be shared as a link or a file"
        )),
    }
}
/// Longest wall-clock gap one frame may cover (a hidden tab resumes
/// calmly): the longest sleep before it and a long frame more.
const MAX_FRAME_MS: f64 = MAX_IDLE_MS + 100.0;

/// The longest the page sleeps between frames while running: the running
/// clock's last place changes at least this often at any speed
/// (`view::versions::clock`).
pub const MAX_IDLE_MS: f64 = 1000.0;

/// Where a shared run's story stands: a run someone shared with one
/// unsafe switch on may be a failure found by "What if…", whose story
/// (a [`FailureReport`]) the link does not carry; the worker replays the
/// run to tell it (`WorkerJob::Tell`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoryAsk {
    /// Not a shared run with one switch on, or its story came with it.
    #[default]
    NotNeeded,
    /// To be asked once the page can.
    ToAsk,
    /// Asked as the session's number `ask`: only the answer to it can be
    /// this run's story. Asked again if the worker stopped before it
    /// answered (a Reset and its Undo, a search and its Cancel).
    Asked {
        /// The session's number for the ask.
        ask: u64,
        /// The earliest moment the run changed at since it was asked (an
        /// action, or a fork): a violation after it was told of the run
        /// before, which may not reach it now.
        changed_at: Option<Time>,
    },
    /// Answered: `failure` holds the story, or the run has none (not
    /// asked again).
    Told,
    /// The worker could not run (its wasm did not load): not asked again
    /// (it would fail again), and said where the story would be.
    Untold,
}

/// A scenario's refusal as the page says it. The simulator's node limit
/// (1 to 25, `SimConfig::validate`) is not the page's: a file of 50
/// servers was sent to a range that would not open either, and a host
/// page's `load` of 0 servers was told "1 to 25" where 1 was then refused.
pub fn with_page_limits(e: String) -> String {
    match e.contains("nodes must be 1 to") {
        true => format!("{e}; the playground shows 3 to 9"),
        false => e,
    }
}

/// The playground: a simulation and everything the page shows of it.
#[derive(Clone, Debug)]
pub struct Playground {
    /// The simulation being shown.
    pub sim: Simulation,
    /// Whether simulated time stands still between frames.
    pub paused: bool,
    /// Simulated time per wall time.
    pub speed: f64,
    /// Play up to this simulated time, then pause (a guided tour's step).
    pub pause_at: Option<Time>,
    /// What the person is looking at in detail.
    pub selection: Selection,
    /// Whether the help overlay is shown.
    pub help_open: bool,
    /// Messages that just died, still fading.
    pub dying: Vec<Dying>,
    /// The last message from an action that could not be done.
    pub notice: Option<String>,
    /// Where each message was last drawn, to place it when it dies.
    last_positions: VecMap<u64, (Point, &'static str)>,
    /// The cluster picture at the simulation's current time.
    pub scene: Scene,
    /// What this session is, as a replayable scenario: where it started and
    /// every action taken since (for export and links).
    pub scenario: Scenario,
    /// What happened, in words.
    pub events: EventLog,
    /// Every message of the run so far, for the space-time diagram.
    pub messages: MessageHistory,
    /// The space-time diagram of `messages`, recomputed only when it
    /// changes, and only while it is wanted ([`Playground::want_diagram`]).
    pub sequence: SequenceView,
    /// Whether `sequence` follows the run: the page stops computing it
    /// while the diagram is out of view, and catches up when it is back.
    diagram_wanted: bool,
    /// Time travel: copies of the simulation to replay from.
    snapshots: Snapshots,
    /// The furthest simulated time this run has reached: the timeline's end.
    pub horizon: Time,
    /// Events processed at the furthest point reached. Behind it (after a
    /// jump back) the run replays what was already logged, quietly.
    frontier_events: u64,
    /// Actions before this index came with the scenario (they sit in the
    /// simulation's queue); later ones were taken by the person.
    first_user_action: usize,
    /// What was traced for the first time (not replays) since whoever
    /// listens last took it: a host page's subscriptions.
    pub new_events: Vec<(Time, TraceEvent)>,
    /// The failure this run was found for ("What if…"), told for the page:
    /// its marks, narration and highlight. Goes with the run.
    pub failure: Option<FailureReport>,
    /// Whether `failure` is still to be asked of the worker: a shared run
    /// with an unsafe switch on may be a found failure someone shared.
    pub story: StoryAsk,
    /// The last action taken in the past forked the run here, for the
    /// session to tell and offer to undo; it takes it.
    pub forked: Option<Fork>,
    /// Running frames longer than the longest step the simulation takes:
    /// it fell behind the wall clock, so the animations of messages in
    /// flight, which follow the wall clock, start again from it.
    pub lagged: u64,
    /// A shared run still being replayed to the moment it was shared.
    opening: Option<Opening>,
    /// Whether the picture waits for the end of a burst of actions.
    redraw: RedrawHold,
    /// Opened at a moment before the end of the run shared: until that
    /// end, acting forks it ([`Playground::acting_forks`]). Played from
    /// its start instead, the run is a script acted on at its frontier
    /// (`what_if_story_tests`).
    shared_ahead: bool,
}

/// A host page's burst of commands (10,000 client requests posted at
/// once) redrew the picture, which is O(messages in flight), after each:
/// quadratic (the figures: docs/measurements.md). Held, the picture is
/// drawn once at the burst's end ([`Playground::hold_redraw`]); the rest
/// of the bookkeeping (the timeline's end, the logs) is done as always.
#[derive(Debug, Default)]
struct RedrawHold {
    held: bool,
    /// Something changed while held: the picture is stale.
    owed: bool,
}

/// A copy (Undo's) is not held: whoever takes it next redraws it
/// ([`Playground::redraw_if_owed`]).
impl Clone for RedrawHold {
    fn clone(&self) -> Self {
        RedrawHold {
            held: false,
            owed: self.owed,
        }
    }
}

/// Where a shared run's replay stands on its way to the shared moment:
/// it goes on a slice per frame ([`Playground::open_more`]), so a heavy
/// link (an hour of nine servers under load took 11 s in one go) does not
/// freeze the tab.
#[derive(Clone, Copy, Debug)]
struct Opening {
    /// The moment the run was shared at.
    cursor: Time,
    /// Replayed a second at a time up to here...
    end: Time,
    /// ...then to this many events at `cursor`, if the sender was
    /// part-way through its microsecond.
    events: Option<u64>,
    /// Replayed so far.
    t: Time,
}

/// Simulator events a shared run replays at once when it opens: most
/// links (a few minutes of a run) open in one go. In Chromium on this
/// project's machines, 100,000 took a task of 0.9 s, 10,000 a frame of
/// about 80 ms (README, "opening a heavy link").
pub const OPEN_AT_ONCE: u64 = 40_000;
/// Events replayed per frame after that: a frame of about 40 ms.
pub const OPEN_PER_FRAME: u64 = 5_000;

/// The timing the playground uses: RaftScope's, so elections are quick to
/// watch (100-200 ms timeouts, 50 ms heartbeats).
pub fn playground_config(seed: u64, nodes: u64) -> SimConfig {
    let mut config = SimConfig {
        seed,
        nodes,
        timing: PLAYGROUND_TIMING,
        record_trace: true,
        ..SimConfig::default()
    };
    config.workload.timeout = 5 * crate::raft::SECONDS;
    config
}

impl Playground {
    /// A playground of `nodes` servers (3 to 9) with `seed`, and no background
    /// client.
    pub fn new(seed: u64, nodes: u64) -> Result<Self, String> {
        Self::with_load(seed, nodes, 0.0)
    }

    /// A playground with a background client issuing `rate` random
    /// operations per simulated second (0: none).
    pub fn with_load(seed: u64, nodes: u64, rate: f64) -> Result<Self, String> {
        Self::with_disk(seed, nodes, rate, Default::default())
    }

    /// Like [`Playground::with_load`], with every server's disk set to
    /// `disk` (the page's `?disk=slow`).
    pub fn with_disk(seed: u64, nodes: u64, rate: f64, disk: DiskConfig) -> Result<Self, String> {
        if !PLAYGROUND_NODES.contains(&nodes) {
            return Err(format!("the playground shows 3 to 9 nodes, not {nodes}"));
        }
        shareable_seed(seed)?;
        let config = playground_config(seed, nodes);
        let scenario = Scenario {
            seed,
            nodes,
            timing: config.timing,
            network: config.network,
            disk,
            faults: config.faults,
            raft: config.raft,
            reads: config.reads,
            unsafe_switches: config.unsafe_switches,
            duration: 0,
            client_timeout: config.workload.timeout,
            client_retry: config.workload.retry,
            workload: (rate > 0.0).then(|| ClientLoad {
                rate,
                ..ClientLoad::default()
            }),
            cursor: None,
            cursor_events: None,
            actions: Vec::new(),
        };
        Self::from_scenario(scenario)
    }

    /// A playground replaying `scenario` from time 0; the person can act on
    /// top of it, and the actions are added to the scenario.
    pub fn from_scenario(scenario: Scenario) -> Result<Self, String> {
        if !PLAYGROUND_NODES.contains(&scenario.nodes) {
            return Err(format!(
                "the playground shows 3 to 9 nodes, not {}",
                scenario.nodes
            ));
        }
        replay_cost(&scenario)?;
        let sim = scenario.start(true)?;
        Ok(Self::around(sim, scenario))
    }

    fn around(sim: Simulation, scenario: Scenario) -> Self {
        Playground {
            snapshots: Snapshots::new(&sim),
            frontier_events: 0,
            scene: scene::scene(&sim),
            sequence: SequenceView::new(&MessageHistory::default(), sim.server_count(), sim.now()),
            diagram_wanted: true,
            sim,
            paused: false,
            speed: speed::DEFAULT_SPEED,
            pause_at: None,
            selection: Selection::None,
            help_open: false,
            dying: Vec::new(),
            notice: None,
            last_positions: VecMap::new(),
            first_user_action: scenario.actions.len(),
            horizon: 0,
            scenario,
            events: EventLog::default(),
            messages: MessageHistory::default(),
            new_events: Vec::new(),
            failure: None,
            story: StoryAsk::NotNeeded,
            forked: None,
            lagged: 0,
            opening: None,
            redraw: RedrawHold::default(),
            shared_ahead: false,
        }
    }

    /// A shared run as its sender saw it: replayed up to the moment it was
    /// shared (its `cursor`), paused there, with everything before it on
    /// the timeline. Without a cursor, or `from_start`, it starts at time 0.
    /// [`OPEN_AT_ONCE`] events are replayed at once, the rest frame by
    /// frame ([`Playground::open_more`]).
    pub fn open_shared(scenario: Scenario, from_start: bool) -> Result<Self, String> {
        Self::open_shared_within(scenario, from_start, OPEN_AT_ONCE)
    }

    /// A failure a search found, opened at its violation: no more than a
    /// frame's events at once, the rest frame by frame. Opened at once, a
    /// minute's run held the page for a task of about 190 ms as its story
    /// came (a page tester).
    pub fn open_found(scenario: Scenario) -> Result<Self, String> {
        Self::open_shared_within(scenario, false, OPEN_PER_FRAME)
    }

    fn open_shared_within(
        scenario: Scenario,
        from_start: bool,
        at_once: u64,
    ) -> Result<Self, String> {
        let moment = scenario.cursor.filter(|_| !from_start);
        let events = scenario.cursor_events;
        let mut p = Self::from_scenario(scenario)?;
        if let Some(cursor) = moment {
            // A second at a time, so that time travel finds snapshots all
            // along the way, as in a run played live.
            let end = if events.is_some() {
                cursor.saturating_sub(1)
            } else {
                cursor
            };
            if cursor > 0 || events.is_none() {
                // Time 0's actions too (the replay starts past them).
                p.run_until(0);
                p.refresh();
            }
            p.paused = true;
            p.shared_ahead = cursor < p.scenario.duration;
            p.opening = Some(Opening {
                cursor,
                end,
                events,
                t: 0,
            });
            p.open_more(at_once);
        }
        // Its history up to the moment it opens at is not news to a host.
        p.new_events.clear();
        if p.scenario.unsafe_switches.enabled().count() == 1 {
            p.story = StoryAsk::ToAsk;
        }
        Ok(p)
    }

    /// Replays more of a shared run towards its moment, a simulated second
    /// at a time, until about `budget` events have run; true once it is
    /// there (or was not opening).
    pub fn open_more(&mut self, budget: u64) -> bool {
        let Some(mut o) = self.opening.take() else {
            return true;
        };
        let start = self.sim.events();
        while o.t < o.end && self.sim.events() - start < budget {
            o.t = (o.t + crate::raft::SECONDS).min(o.end);
            self.go_to(o.t);
        }
        // Drops replayed were never seen live: nothing fades for them (a
        // heavy run's thousands of crosses slowed every frame).
        self.dying.clear();
        if o.t < o.end {
            self.opening = Some(o);
            self.new_events.clear();
            return false;
        }
        if let Some(events) = o.events {
            // Shared part-way through a microsecond: its first events.
            while self.sim.events() < events
                && self.sim.next_event_at().is_some_and(|at| at <= o.cursor)
            {
                self.sim.step();
            }
            // The sender's clock may stand at the cursor with none of its
            // events done yet (a step back to the microsecond's start).
            self.sim.run_before(o.cursor);
            self.refresh();
        }
        self.new_events.clear();
        true
    }

    /// How far a shared run's replay has come, and the moment it goes to,
    /// while it is still opening.
    pub fn opening(&self) -> Option<(Time, Time)> {
        self.opening.map(|o| (o.t, o.cursor))
    }

    /// "Replay from the start": back to time 0, playing; the run so far
    /// stays on the timeline.
    pub fn replay_from_start(&mut self) {
        self.go_to(0);
        self.pause_at = None;
        self.paused = false;
    }

    /// Jumps to simulated time `t` (clamped to the run so far): restores the
    /// nearest snapshot at or before `t` and replays to `t`, the person's
    /// later actions included, so playing on reproduces the same future.
    pub fn seek(&mut self, t: Time) {
        let t = t.min(self.horizon);
        let mut sim = self.restore(t, self.frontier_events);
        // Never past the furthest event seen: a run that ended mid-way
        // through a microsecond (by single steps) is reproduced exactly.
        replay_seen(&mut sim, self.frontier_events, t);
        if sim.next_event_at().is_none_or(|at| at > t) {
            sim.run_until(t);
        }
        self.settle(sim);
    }

    /// Goes to simulated time `t`, whether already reached (a jump back or
    /// forward) or not yet (the run goes on to it).
    pub fn go_to(&mut self, t: Time) {
        if t <= self.horizon {
            self.seek(t);
        } else {
            if self.in_the_past() {
                self.seek(self.horizon);
            }
            self.run_until(t);
            self.refresh();
        }
    }

    /// Undoes the last event: replays the run up to the one before it.
    pub fn step_back(&mut self) {
        let Some(target) = self.sim.events().checked_sub(1) else {
            return;
        };
        let mut sim = self.restore(self.sim.now(), target);
        while sim.events() < target && sim.step() {}
        self.settle(sim);
    }

    /// A copy of the simulation from the latest snapshot at or before `t`
    /// with at most `events` done, with exactly what had not happened yet
    /// at the snapshot re-armed: the scenario's actions due later, and the
    /// person's actions after the ones the snapshot already contains.
    fn restore(&self, t: Time, events: u64) -> Simulation {
        let snapshot = self.snapshots.nearest(t, events);
        let mut sim = snapshot.sim.clone();
        // What the copy still owes its own moment (the run's first copy is
        // taken before the actions at time 0) stays; the later actions are
        // armed again from the list, which a fork may have cut short.
        sim.cancel_scheduled_after(snapshot.sim.now());
        let (from_file, by_person) = self.scenario.actions.split_at(self.first_user_action);
        let pending = from_file
            .iter()
            .filter(|(at, _)| *at > snapshot.sim.now())
            .chain(&by_person[snapshot.user_actions_done..]);
        for (at, action) in pending {
            let _ = sim.schedule(*at, action.clone());
        }
        sim
    }

    /// Makes a replayed copy the current simulation; what its replay
    /// traced was logged when it first happened.
    fn settle(&mut self, mut sim: Simulation) {
        sim.trace_mut().take_recorded();
        self.events.rebase(&sim);
        self.sim = sim;
        self.dying.clear();
        self.refresh();
    }

    /// Where the timeline ends: the furthest point reached, or the end of
    /// the loaded scenario if that is later (scrubbing there plays on).
    pub fn timeline_end(&self) -> Time {
        self.horizon.max(self.scenario.duration)
    }

    /// Is the cursor behind the furthest point reached?
    pub fn in_the_past(&self) -> bool {
        self.sim.now() < self.horizon || self.sim.events() < self.frontier_events
    }

    /// Would acting now fork the run? In the past, or before the end of
    /// a shared run opened at an earlier moment: the sender's run after
    /// that moment is on the timeline, not yet reached here, and the
    /// sender acting there forked (a page tester saw the same key on the
    /// same screen keep the sender's later actions here).
    pub fn acting_forks(&self) -> bool {
        self.in_the_past() || (self.shared_ahead && self.sim.now() < self.scenario.duration)
    }

    /// Acting in the past forks: the future after now is discarded, from
    /// the timeline, the logs and the scenario (RaftScope's `F`).
    fn fork_if_in_the_past(&mut self) {
        if !self.acting_forks() {
            return;
        }
        let now = self.sim.now();
        let (until, actions) = (self.timeline_end(), self.scenario.actions.len());
        // Part-way through a microsecond (a step back), the last actions
        // of `now` may still be to come: they go with the rest of the
        // future (a page tester's restart came back after its step back).
        let to_come_now = self.sim.cancel_scheduled_not_done();
        let kept = kept_at_fork(&self.scenario.actions, now, to_come_now);
        let from_file = kept[..self.first_user_action]
            .iter()
            .zip(&self.scenario.actions);
        let kept_from_file = from_file.clone().filter(|(k, _)| **k).count();
        // The run's copies owe the scenario file's actions of their own
        // moment; the person's are armed again from the list.
        let dropped_from_file = from_file.filter(|(k, (at, _))| !**k && *at == now).count();
        let mut keep = kept.into_iter();
        self.scenario
            .actions
            .retain(|_| keep.next().unwrap_or(false));
        self.forked = Some(Fork {
            at: now,
            until,
            actions: actions - self.scenario.actions.len(),
        });
        self.scenario.duration = now;
        self.first_user_action = kept_from_file;
        let user_done = self.scenario.actions.len() - kept_from_file;
        self.snapshots
            .forget_after(&self.sim, user_done, dropped_from_file);
        self.events.forget_after(now, &self.sim);
        self.messages.forget_after(&self.sim);
        self.horizon = now;
        self.frontier_events = self.sim.events();
    }

    /// Runs the simulation to `t`. Any stretch already seen (the cursor is
    /// behind the frontier) replays without being logged a second time.
    fn run_until(&mut self, t: Time) {
        replay_seen(&mut self.sim, self.frontier_events, t);
        self.sim.trace_mut().take_recorded();
        self.events.rebase(&self.sim);
        // Event by event, as `Simulation::run_until` runs them, so that the
        // event log sees each server after each event.
        while self.sim.next_event_at().is_some_and(|at| at <= t) {
            self.sim.step();
            self.events.observe(&self.sim);
        }
        self.sim.run_until(t);
    }

    /// The warning the page shows when this run has unsafe switches on
    /// (it breaks Raft on purpose), naming them; `None` for a safe run.
    pub fn unsafe_warning(&self) -> Option<String> {
        let switches = self.scenario.unsafe_switches;
        let names: Vec<&str> = switches.enabled().map(|u| u.name()).collect();
        (!names.is_empty()).then(|| {
            format!(
                "Unsafe: {} \u{2014} this run breaks Raft on purpose",
                names.join(", ")
            )
        })
    }

    /// This session as a scenario: it replays the whole run reached so
    /// far, and opens at the moment on screen (its `cursor`).
    pub fn export(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        let now = self.sim.now();
        scenario.duration = scenario.duration.max(self.horizon).max(now);
        scenario.cursor = Some(now);
        // Stopped by single steps with events of this microsecond still to
        // come: the receiver must stop after the same number.
        scenario.cursor_events = (self.sim.next_event_at() == Some(now)).then(|| self.sim.events());
        // The person's actions follow the loaded scenario's in the list, but
        // may come before its later ones in time; a file is in time order
        // (a stable sort keeps same-time actions in the order they ran).
        vec_map::sort_by_key(&mut scenario.actions, |(at, _)| *at);
        scenario
    }

    /// One animation frame: `wall_ms` of real time passed, up to
    /// `MAX_FRAME_MS`; a longer gap (a hidden tab) is cut to that, and
    /// the simulation falls behind the wall clock.
    pub fn frame(&mut self, wall_ms: f64) {
        if wall_ms > MAX_FRAME_MS && !self.paused {
            self.lagged += 1;
        }
        let wall_ms = wall_ms.clamp(0.0, MAX_FRAME_MS);
        self.age_dying(wall_ms);
        if !self.paused {
            let simulated = (wall_ms * self.speed * MILLIS as f64).round() as u64;
            let mut target = self.sim.now() + simulated;
            if let Some(stop) = self.pause_at.filter(|stop| target >= *stop) {
                target = stop;
                self.paused = true;
                self.pause_at = None;
            }
            self.run_until(target);
        }
        self.refresh();
    }

    /// Runs exactly the next event, whatever its time.
    pub fn step(&mut self) {
        let seen_before = self.sim.events() < self.frontier_events;
        self.sim.step();
        if seen_before {
            self.sim.trace_mut().take_recorded();
            self.events.rebase(&self.sim);
        }
        self.refresh();
    }

    /// Runs `simulated_ms` of simulated time at once.
    pub fn skip(&mut self, simulated_ms: u64) {
        self.run_until(self.sim.now() + simulated_ms * MILLIS);
        self.refresh();
    }

    /// Does `action` and records it; a refusal becomes the notice shown to
    /// the person and records nothing.
    pub fn act(&mut self, action: Action) {
        if let Action::DropMessage(id) | Action::DeliverMessage(id) | Action::DuplicateMessage(id) =
            action
        {
            if self.sim.network().get(id).is_none() {
                self.notice = Some(format!("message {id} is no longer in flight"));
                return;
            }
        }
        if let Some(why) = self.changes_nothing(&action) {
            self.notice = Some(why);
            return;
        }
        if let Some(why) = leadership::refusal(&self.sim, &action) {
            self.notice = Some(why);
            return;
        }
        // A refusal in the past forks nothing: tried on a copy first (a
        // review saw a refused transfer cut the run short, unsaid).
        if self.acting_forks() {
            // As the fork leaves it: without the moment's actions to come.
            let mut trial = self.sim.clone();
            trial.cancel_scheduled_not_done();
            if let Err(why) = trial.act_now(action.clone()) {
                self.notice = Some(why);
                return;
            }
        }
        let forks = self.acting_forks();
        self.fork_if_in_the_past();
        let now = self.sim.now();
        self.notice = self.sim.act_now(action.clone()).err();
        if self.notice.is_none() {
            self.scenario.actions.push((now, action));
        }
        if forks || self.notice.is_none() {
            self.story_changed_at(now);
        }
        if let Selection::Message(id) = self.selection {
            if self.sim.network().get(id).is_none() {
                self.selection = Selection::None;
            }
        }
        self.refresh();
    }

    /// The run changed at `now` (an action, in the past or at the
    /// frontier): a story of a violation after it is no longer this run's,
    /// which may not break that way now (a shared run opened before its
    /// violation, or acted on in the past); the answer to one being told
    /// is of the run before (a review saw a fork's discarded violation
    /// attached), so only a story whose violation is at `now` or before
    /// it will be taken.
    fn story_changed_at(&mut self, now: Time) {
        if self.failure.as_ref().is_some_and(|f| f.violation.t > now) {
            self.failure = None;
        }
        if let StoryAsk::Asked { changed_at, .. } = &mut self.story {
            *changed_at = Some(changed_at.map_or(now, |t| t.min(now)));
        }
    }

    /// Takes the worker's answer to ask `ask`, if it is this run's: asked
    /// as `ask`, and a story only with no change since before its
    /// violation. `Err`: the worker could not run.
    pub fn take_story(&mut self, ask: u64, told: Result<Option<FailureReport>, ()>) {
        let StoryAsk::Asked {
            ask: asked,
            changed_at,
        } = self.story
        else {
            return;
        };
        if asked != ask {
            return;
        }
        let Ok(report) = told else {
            self.story = StoryAsk::Untold;
            return;
        };
        self.story = StoryAsk::Told;
        let still = |r: &FailureReport| changed_at.is_none_or(|t| t >= r.violation.t);
        self.failure = report.filter(still);
    }

    /// Why a network action would change nothing, if it would: the page
    /// records no such action, which would only lengthen the run's link
    /// and put a mark on its timeline.
    fn changes_nothing(&self, action: &Action) -> Option<String> {
        let network = self.sim.network();
        match *action {
            Action::Heal if !network.is_partitioned() && network.cuts().is_empty() => {
                Some("nothing to heal: every link is up".into())
            }
            Action::ResumeAll if self.sim.servers().iter().all(|s| s.up) => {
                Some("nothing to resume: every server is running".into())
            }
            Action::CutLink { from, to } if network.cuts().contains(&(from, to)) => {
                Some(format!("the link {from}->{to} is cut already"))
            }
            Action::RestoreLink { from, to } if !network.cuts().contains(&(from, to)) => {
                Some(format!("the link {from}->{to} is not cut"))
            }
            // Every server on one side ([], [[]], or all in one group):
            // with no partition in place, it splits nothing.
            Action::Partition(ref groups) if !network.is_partitioned() => {
                let named = groups.iter().filter(|g| !g.is_empty()).count();
                let listed: usize = groups.iter().map(Vec::len).sum();
                let everyone = listed as u64 == self.sim.server_count();
                (named == 0 || (named == 1 && everyone))
                    .then(|| "nothing to split: every server would be on one side".into())
            }
            _ => None,
        }
    }

    /// Sends a plain message or command to `to` (None: the leader, if any).
    pub fn send(&mut self, op: Op, to: Option<NodeId>) {
        let to = to.or_else(|| leadership::of(&self.sim).leader());
        self.act(Action::ClientRequest { to, op });
    }

    /// The user reads `key` by `path`, whatever the cluster's setting.
    pub fn read_by(&mut self, key: String, path: crate::raft::ReadPath, to: Option<NodeId>) {
        let to = to.or_else(|| leadership::of(&self.sim).leader());
        self.act(Action::ClientRead { to, key, path });
    }

    /// A keyboard shortcut.
    pub fn command(&mut self, command: KeyCommand) {
        let leadership = leadership::of(&self.sim);
        let leader = leadership.leader();
        match command {
            KeyCommand::TogglePause => self.paused = !self.paused,
            KeyCommand::Step => {
                self.paused = true;
                self.step();
            }
            KeyCommand::StepBack => {
                self.paused = true;
                self.step_back();
            }
            KeyCommand::Faster => self.speed = speed::faster(self.speed),
            KeyCommand::Slower => self.speed = speed::slower(self.speed),
            KeyCommand::ClientRequestToLeader => {
                let n = self.sim.history().len() + 1;
                let op = Op::Write {
                    key: MESSAGE_KEY.into(),
                    value: format!("m{n}"),
                };
                self.send(op, leader);
            }
            KeyCommand::RestartLeader => self.with_leader(leadership, Action::Restart),
            KeyCommand::SpreadTimers => self.act(Action::SpreadTimers),
            KeyCommand::AlignTimers => self.act(Action::AlignTimers),
            KeyCommand::ResumeAll => self.act(Action::ResumeAll),
            KeyCommand::IsolateLeader => {
                self.with_leader(leadership, |l| Action::Partition(vec![vec![l]]))
            }
            KeyCommand::DeafenLeader => self.with_leader(leadership, Action::Deafen),
            KeyCommand::TransferLeadership => {
                let cluster = super::membership::cluster(&self.sim);
                let target = match self.selection {
                    Selection::Node(id) => Some(id),
                    _ => leader.and_then(|l| super::membership::next_voter(cluster, l)),
                };
                self.with_leader(leadership, |_| {
                    Action::TransferLeadership(target.unwrap_or(1))
                })
            }
            KeyCommand::Heal => self.act(Action::Heal),
            KeyCommand::ToggleHelp => self.help_open = !self.help_open,
            KeyCommand::Close => {
                self.help_open = false;
                self.selection = Selection::None;
            }
        }
    }

    fn with_leader(&mut self, leadership: Leadership, action: impl FnOnce(NodeId) -> Action) {
        match leadership {
            Leadership::Leader { id, .. } => self.act(action(id)),
            Leadership::Stale { id, .. } => {
                self.notice = Some(leadership::no_leader_that_can_commit(id))
            }
            Leadership::None => self.notice = Some("there is no leader right now".into()),
        }
    }

    /// Recomputes the picture and turns new drops into dying messages.
    fn refresh(&mut self) {
        if !self.in_the_past() {
            self.horizon = self.sim.now();
            self.frontier_events = self.sim.events();
            let user_done = self.scenario.actions.len() - self.first_user_action;
            self.snapshots.maybe_take(&self.sim, user_done);
        }
        let fresh = self.sim.trace_mut().take_recorded();
        let counted = fresh.iter().filter(|(_, e)| e.is_counted());
        let first = self.sim.trace().len() - counted.count() as u64;
        self.events.records_from(first);
        for (t, event) in &fresh {
            self.events.record_in_run(*t, event, &self.scenario.actions);
            self.messages.record(*t, event);
            if let TraceEvent::Drop { id, .. } = event {
                if let Some(&(at, color)) = self.last_positions.get(id) {
                    self.dying.push(Dying {
                        at,
                        color,
                        left_ms: DYING_MS,
                    });
                }
            }
        }
        // They add up until whoever listens takes them (the page, after
        // every update: `Session::host_events`): two refreshes in one
        // update (a catch-up, then the person's input) lost the first's.
        self.new_events.extend(fresh);
        // After an action, or events run one by one elsewhere.
        self.events.observe(&self.sim);
        self.events.flush();
        self.redraw.owed = true;
        self.redraw_if_owed();
    }

    /// Holds the picture until [`Playground::release_redraw`]: a burst of
    /// actions is drawn once, at its end.
    pub fn hold_redraw(&mut self) {
        self.redraw.held = true;
    }

    /// Ends a hold, drawing the picture if the burst changed it.
    pub fn release_redraw(&mut self) {
        self.redraw.held = false;
        self.redraw_if_owed();
    }

    /// Draws the picture if it is stale and not held (a copy of a held
    /// run, taken for Undo, is stale until it is drawn).
    pub fn redraw_if_owed(&mut self) {
        if self.redraw.held || !self.redraw.owed {
            return;
        }
        self.redraw.owed = false;
        self.scene = scene::scene(&self.sim);
        if self.diagram_wanted {
            self.update_diagram();
        }
        self.last_positions = self
            .scene
            .messages
            .iter()
            .map(|m| (m.id, (m.at, m.color)))
            .collect();
    }

    /// Keeps the message diagram up to date (`wanted`), or stops computing
    /// it until it is wanted again: a diagram out of view is not drawn
    /// (`view::on_screen`), so following every message for it is work
    /// nobody sees, and the page need not wake for its next tick. Wanted
    /// again, it is computed at once for the moment on screen, the same
    /// diagram as if it had followed all along (it depends only on the
    /// messages and the time).
    pub fn want_diagram(&mut self, wanted: bool) {
        let was = std::mem::replace(&mut self.diagram_wanted, wanted);
        if wanted && !was {
            self.update_diagram();
        }
    }

    /// A lifeline per server the run has: added ones join on the right.
    fn update_diagram(&mut self) {
        self.sequence
            .update(&self.messages, self.sim.server_count(), self.sim.now());
    }

    fn age_dying(&mut self, wall_ms: f64) {
        for d in &mut self.dying {
            d.left_ms -= wall_ms;
        }
        self.dying.retain(|d| d.left_ms > 0.0);
    }

    /// Wall milliseconds the page may sleep before its next frame, as
    /// nothing it draws itself would change before then: not the next
    /// simulated event, the clock's next digit, the message diagram's next
    /// content, the timeline's next step (`view::versions`) or a tour's
    /// stop; the timers, the messages, the diagram's slide and the
    /// timeline's marks move by themselves meanwhile. At most
    /// [`MAX_IDLE_MS`] (the clock), so the frame after it moves the
    /// simulation by all the wall time that passed ([`Playground::frame`]).
    /// 0 while paused or while a message fades.
    pub fn idle_ms(&self) -> f64 {
        if self.paused || !self.dying.is_empty() || self.opening.is_some() {
            return 0.0;
        }
        let now = self.sim.now();
        let timeline = super::versions::timeline(self);
        // Behind the end of the run, the timeline moves every millisecond.
        let timeline = timeline
            .next
            .map_or((now / MILLIS + 1) * MILLIS, |ms| ms * MILLIS);
        let next = [
            self.sim.next_event_at(),
            Some(super::versions::clock(self).next_change()),
            self.diagram_wanted
                .then(|| self.sequence.next_change())
                .flatten(),
            Some(timeline),
            self.pause_at,
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now);
        next.saturating_sub(now) as f64 / MILLIS as f64 / self.speed
    }

    /// Is there anything to animate? False when paused with nothing fading:
    /// then the page does no per-frame work at all.
    pub fn animating(&self) -> bool {
        !self.paused || !self.dying.is_empty() || self.opening.is_some()
    }
}

/// The most simulated time a loaded scenario may span, and the most
/// background requests it may make: the page replays it in one go when it
/// opens at its moment or is scrubbed to its end, and a hostile link must
/// not freeze the tab (a 56-character link asked for 24 h of load).
pub const MAX_LOADED_DURATION: Time = 3600 * crate::raft::SECONDS;
const MAX_LOADED_REQUESTS: f64 = 100_000.0;

/// Timer firings a server's heartbeat and election timers make per
/// simulated second at most: what a replay's events grow with.
fn firings_per_second(t: &Timing) -> f64 {
    let per_second = |interval: Time| SECONDS as f64 / interval.max(1) as f64;
    per_second(t.heartbeat_interval) + per_second(t.election_timeout_min)
}

/// The most timer firings a loaded scenario may make: an hour of the
/// playground's timing on nine servers (the longest replay it allows).
fn max_loaded_firings() -> f64 {
    let hour = MAX_LOADED_DURATION as f64 / SECONDS as f64;
    hour * MAX_CLUSTER as f64 * firings_per_second(&PLAYGROUND_TIMING)
}

fn replay_cost(scenario: &Scenario) -> Result<(), String> {
    let seconds = scenario.duration as f64 / crate::raft::SECONDS as f64;
    if scenario.duration > MAX_LOADED_DURATION {
        return Err(format!(
            "the scenario lasts {} simulated seconds; the playground replays at most {}",
            crate::sim::decimal::fixed(seconds, 0),
            MAX_LOADED_DURATION / crate::raft::SECONDS
        ));
    }
    let requests = scenario.workload.map_or(0.0, |w| w.rate * seconds);
    if requests > MAX_LOADED_REQUESTS {
        return Err(format!(
            "the scenario's clients make about {} requests; the playground replays at most {}",
            crate::sim::decimal::fixed(requests, 0),
            crate::sim::decimal::fixed(MAX_LOADED_REQUESTS, 0)
        ));
    }
    // Faster timers make more events per simulated second: a short run
    // with heartbeats every millisecond costs as much as an hour.
    let added = (scenario.actions.iter())
        .map(|(_, a)| a.servers_added())
        .fold(0, u64::saturating_add);
    let servers =
        (scenario.nodes.saturating_add(added)).min(scenario.nodes.max(MAX_CLUSTER as u64));
    let firings = seconds * servers as f64 * firings_per_second(&scenario.timing);
    if firings > max_loaded_firings() {
        return Err(format!(
            "the scenario's timers would fire about {} times (heartbeats every {} ms, \
             election timeouts from {} ms, {} servers, {} simulated seconds); the \
             playground replays at most {}: an hour of its own timing on nine servers",
            crate::sim::decimal::fixed(firings, 0),
            crate::sim::decimal::plain(scenario.timing.heartbeat_interval as f64 / MILLIS as f64),
            crate::sim::decimal::plain(scenario.timing.election_timeout_min as f64 / MILLIS as f64),
            servers,
            crate::sim::decimal::fixed(seconds, 0),
            crate::sim::decimal::fixed(max_loaded_firings(), 0)
        ));
    }
    Ok(())
}

/// Which of `actions` a fork at `now` keeps: those due by then, but for
/// the last `to_come_now` of `now`'s own, which had not run yet.
fn kept_at_fork(actions: &[(Time, Action)], now: Time, to_come_now: usize) -> Vec<bool> {
    let mut kept: Vec<bool> = actions.iter().map(|(at, _)| *at <= now).collect();
    let at_now = (0..actions.len()).rev().filter(|&i| actions[i].0 == now);
    for i in at_now.take(to_come_now) {
        kept[i] = false;
    }
    kept
}

/// Runs `sim`'s events due by `t`, but none past event number `frontier`
/// (the furthest point the run has reached before).
fn replay_seen(sim: &mut Simulation, frontier: u64, t: Time) {
    while sim.events() < frontier && sim.next_event_at().is_some_and(|at| at <= t) {
        sim.step();
    }
}

#[cfg(test)]
#[path = "playground_tests.rs"]
mod tests;
