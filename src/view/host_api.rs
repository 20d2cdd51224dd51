//! The host-page protocol (docs/embedding.md): a page that embeds the
//! playground in an `<iframe>` drives it with `postMessage` commands
//! ([`HostCommand`]) and hears back about what happens ([`HostEvent`]).
//!
//! This is the browser-free half, tested natively: the message shapes, and
//! [`HostApi`], which carries out a command on the [`Playground`] with the
//! same checks the page itself makes (or refuses it, leaving the run as it
//! was), keeps the host's subscriptions, and turns what the last update
//! traced (`Playground::new_events`) into the events the host asked for,
//! with the clock throttled. `src/ui/host_api.rs` is the other half: the
//! `message` listener, its security checks, and `postMessage`.

use super::leadership;
use super::playground::{with_page_limits, Playground};
use super::speed::{MAX_SPEED, MIN_SPEED};
use super::tour_player::TourPlayer;
use super::tours;
use crate::json::{first_bad_member, Locate, Tree};
use crate::raft::{LogIndex, NodeId, Term, Time};
use crate::sim::action_record::ActionRecord;
use crate::sim::scenario::action_limits;
use crate::sim::{Action, NodeStatus, Outcome, Scenario, TraceEvent};
use serde::{Deserialize, Serialize};

/// Every message the embed sends carries `"source": "raft-playground"`, so
/// a host can tell them from other `postMessage` traffic.
pub const SOURCE: &str = "raft-playground";
/// The protocol's version, announced in `ready`.
pub const PROTOCOL: u32 = 1;
/// At most one `clock` event per this many wall milliseconds (4 a second).
pub const CLOCK_INTERVAL_MS: f64 = 250.0;

/// What a host page can ask, as `{"type": "...", ...}` (`type` in
/// snake_case: `play`, `set_speed`, `start_tour`...).
///
/// It is read through `CommandRecord`, one flat object, rather than as a
/// serde enum tagged by `type` (`#[serde(tag = "type")]`): the same
/// messages are accepted, but an internally tagged enum buffers each
/// message, a whole scenario included, before reading it, and that second
/// copy of every reader cost the wasm bundle 22 KB more gzip (measured; the
/// same reason `ActionRecord` is flat).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "CommandRecord")]
pub enum HostCommand {
    /// Run the simulation (unpause).
    Play,
    /// Pause the simulation.
    Pause,
    /// Simulated time per wall time, as the page's speed slider: 0.001 to 4.
    SetSpeed {
        /// The new speed.
        speed: f64,
    },
    /// Time travel to `t_us` (at most the end of the run so far), paused.
    /// Signed, so that a negative time is a refusal rather than a type error.
    Seek {
        /// The moment to go to, in simulated microseconds.
        t_us: i64,
    },
    /// Replace the run with a scenario, written as a scenario file is.
    Load {
        /// The scenario to run instead.
        scenario: Box<Scenario>,
    },
    /// Open a guided tour at `step` (counted from 1, as in `?step=`;
    /// absent: 1).
    StartTour {
        /// The tour's name, as in `?tour=`.
        tour: String,
        /// The step to open, from 1.
        step: u64,
    },
    /// Do an action now, written as a scenario file's action:
    /// `{"action": "stop", "node": 2}`.
    Act {
        /// The action to do.
        action: HostAction,
    },
    /// Start sending these kinds of event (the others stay as they were).
    Subscribe {
        /// The kinds to add.
        events: Vec<EventKind>,
    },
    /// Stop sending these kinds of event.
    Unsubscribe {
        /// The kinds to drop.
        events: Vec<EventKind>,
    },
}

/// A command as written: its `type` and whichever fields that type needs
/// (the others are ignored).
#[derive(Deserialize)]
struct CommandRecord {
    #[serde(rename = "type")]
    kind: CommandName,
    #[serde(default)]
    speed: Option<f64>,
    #[serde(default)]
    t_us: Option<i64>,
    #[serde(default)]
    scenario: Option<Box<Scenario>>,
    #[serde(default)]
    tour: Option<String>,
    #[serde(default)]
    step: Option<u64>,
    #[serde(default)]
    action: Option<HostAction>,
    #[serde(default)]
    events: Option<Vec<EventKind>>,
}

/// The `"type"` names.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum CommandName {
    Play,
    Pause,
    SetSpeed,
    Seek,
    Load,
    StartTour,
    Act,
    Subscribe,
    Unsubscribe,
}

impl TryFrom<CommandRecord> for HostCommand {
    type Error = String;

    /// Fails when the record lacks a field its type needs.
    fn try_from(r: CommandRecord) -> Result<HostCommand, String> {
        use CommandName as N;
        fn needs<T>(field: Option<T>, kind: CommandName, name: &str) -> Result<T, String> {
            field.ok_or_else(|| format!("the {} command needs \"{name}\"", kind.as_str()))
        }
        let k = r.kind;
        Ok(match k {
            N::Play => HostCommand::Play,
            N::Pause => HostCommand::Pause,
            N::SetSpeed => HostCommand::SetSpeed {
                speed: needs(r.speed, k, "speed")?,
            },
            N::Seek => HostCommand::Seek {
                t_us: needs(r.t_us, k, "t_us")?,
            },
            N::Load => HostCommand::Load {
                scenario: needs(r.scenario, k, "scenario")?,
            },
            N::StartTour => HostCommand::StartTour {
                tour: needs(r.tour, k, "tour")?,
                step: r.step.unwrap_or(1),
            },
            N::Act => HostCommand::Act {
                action: needs(r.action, k, "action")?,
            },
            N::Subscribe => HostCommand::Subscribe {
                events: needs(r.events, k, "events")?,
            },
            N::Unsubscribe => HostCommand::Unsubscribe {
                events: needs(r.events, k, "events")?,
            },
        })
    }
}

/// `CommandRecord`'s members.
impl Locate for HostCommand {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            CommandName, "type"; Option<f64>, "speed"; Option<i64>, "t_us";
            Option<Box<Scenario>>, "scenario"; Option<String>, "tour"; Option<u64>, "step";
            Option<HostAction>, "action"; Option<Vec<EventKind>>, "events";
        )
    }
}

impl Locate for CommandName {}
impl Locate for EventKind {}

/// `ActionRecord`'s members.
impl Locate for HostAction {
    fn locate<V: Tree>(v: &V) -> String {
        ActionRecord::locate(v)
    }
}

impl CommandName {
    fn as_str(self) -> &'static str {
        match self {
            CommandName::Play => "play",
            CommandName::Pause => "pause",
            CommandName::SetSpeed => "set_speed",
            CommandName::Seek => "seek",
            CommandName::Load => "load",
            CommandName::StartTour => "start_tour",
            CommandName::Act => "act",
            CommandName::Subscribe => "subscribe",
            CommandName::Unsubscribe => "unsubscribe",
        }
    }
}

/// An action as a host writes it (an [`ActionRecord`]), read into an
/// [`Action`] with `Action::try_from`: a record that lacks a field its
/// action needs is a malformed message, like any other missing field.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "ActionRecord")]
pub struct HostAction(pub Action);

impl TryFrom<ActionRecord> for HostAction {
    type Error = String;

    fn try_from(record: ActionRecord) -> Result<Self, String> {
        Action::try_from(record).map(HostAction)
    }
}

impl HostCommand {
    /// The command's `type`, to say which one an `error` answers.
    pub fn name(&self) -> &'static str {
        match self {
            HostCommand::Play => "play",
            HostCommand::Pause => "pause",
            HostCommand::SetSpeed { .. } => "set_speed",
            HostCommand::Seek { .. } => "seek",
            HostCommand::Load { .. } => "load",
            HostCommand::StartTour { .. } => "start_tour",
            HostCommand::Act { .. } => "act",
            HostCommand::Subscribe { .. } => "subscribe",
            HostCommand::Unsubscribe { .. } => "unsubscribe",
        }
    }
}

/// The kinds of event a host can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// [`HostEvent::LeaderElected`]: a server became leader.
    LeaderElected,
    /// [`HostEvent::Committed`]: a leader advanced its commit index.
    Committed,
    /// [`HostEvent::Applied`]: a server applied an entry.
    Applied,
    /// [`HostEvent::RequestFinished`]: a client request ended.
    RequestFinished,
    /// [`HostEvent::Violation`]: a safety invariant was violated.
    Violation,
    /// [`HostEvent::Clock`]: the simulated clock, throttled.
    Clock,
}

impl EventKind {
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// What the embed tells its host, as `{"source": "raft-playground",
/// "type": "...", ...}` (see [`HostEvent::envelope`]). Times are simulated
/// microseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostEvent {
    /// The embed listens now: commands sent from here on are obeyed.
    Ready {
        /// The protocol's version, [`PROTOCOL`].
        protocol: u32,
        /// How many servers the run has (ids 1..=nodes), added ones included.
        nodes: u64,
        /// The simulated time now.
        t_us: Time,
        /// Whether the run is paused.
        paused: bool,
        /// The current leader, if any: the running leader of the highest
        /// term that a majority has not left behind (`view::leadership`).
        leader: Option<NodeId>,
    },
    /// A node became leader of `term` (once per elected term).
    LeaderElected {
        /// When.
        t_us: Time,
        /// The new leader.
        node: NodeId,
        /// The term it leads.
        term: Term,
    },
    /// A leader advanced its commit index to `index`: every entry up to it
    /// is committed.
    Committed {
        /// When.
        t_us: Time,
        /// The leader.
        node: NodeId,
        /// Its current term.
        term: Term,
        /// Its new commit index.
        index: LogIndex,
    },
    /// A node applied the entry at `index` to its state machine.
    Applied {
        /// When.
        t_us: Time,
        /// The server that applied it.
        node: NodeId,
        /// The entry's index.
        index: LogIndex,
        /// The entry's term.
        term: Term,
        /// "noop", or "c1000000#1 write msg=hi" (client, request, operation).
        command: String,
    },
    /// A client request ended: `outcome` "ok", "fail" or "unknown" (no
    /// answer before the client's timeout).
    RequestFinished {
        /// When the client saw the end.
        t_us: Time,
        /// The client.
        client: u64,
        /// Its request number.
        request: u64,
        /// The operation, as the client history writes it (`None` if not found there).
        op: Option<String>,
        /// `ok`, `fail` or `unknown`.
        outcome: Outcome,
        /// For an `ok` read: the value read (`None`: key absent); `None` otherwise.
        result: Option<String>,
    },
    /// A safety invariant was violated.
    Violation {
        /// When it was found.
        t_us: Time,
        /// The invariant's name.
        invariant: String,
        /// The servers involved.
        nodes: Vec<NodeId>,
        /// What exactly, for people.
        detail: String,
    },
    /// The simulated clock, at most every [`CLOCK_INTERVAL_MS`], with the
    /// current leader (as in [`HostEvent::Ready`]), if any.
    Clock {
        /// The simulated time now.
        t_us: Time,
        /// Whether the run is paused.
        paused: bool,
        /// Simulated time per wall time.
        speed: f64,
        /// The current leader, if any.
        leader: Option<NodeId>,
    },
    /// A well-formed command that could not be carried out; the run is
    /// unchanged. `message` is what the playground would show.
    Error {
        /// The refused command's `type` ([`HostCommand::name`]).
        command: String,
        /// Why it was refused.
        message: String,
    },
}

/// A [`HostEvent`] as sent: with the `source` field that marks it as ours.
#[derive(Serialize)]
pub struct Envelope<'a> {
    source: &'static str,
    #[serde(flatten)]
    event: &'a HostEvent,
}

impl HostEvent {
    /// The event with its `source` field, ready to serialize and post.
    pub fn envelope(&self) -> Envelope<'_> {
        Envelope {
            source: SOURCE,
            event: self,
        }
    }
}

/// What a command that succeeded asks of the page.
#[derive(Debug)]
pub enum Applied {
    /// Done on the playground in place.
    Done,
    /// Swap in this run (a loaded scenario, a tour), as the page's own Load
    /// and tour menu do; its history up to its opening moment is not news.
    NewRun(Box<Playground>, Option<TourPlayer>),
}

/// The clock as last reported: time, pause state, speed (bits), leader.
type ClockState = (Time, bool, u64, Option<NodeId>);

/// The host's subscriptions and the clock's throttle.
#[derive(Clone, Debug, Default)]
pub struct HostApi {
    /// One bit per [`EventKind`].
    subscribed: u8,
    last_clock: Option<ClockState>,
    last_clock_wall: Option<f64>,
    /// A clock change was held back by the throttle.
    clock_pending: bool,
}

impl HostApi {
    /// Is the host subscribed to anything? If not, [`HostApi::events`]
    /// returns at once, allocating nothing.
    pub fn listening(&self) -> bool {
        self.subscribed != 0
    }

    /// Is the host subscribed to `kind`?
    pub fn subscribed(&self, kind: EventKind) -> bool {
        self.subscribed & kind.bit() != 0
    }

    /// The `ready` event for the playground as it is.
    pub fn ready(&self, p: &Playground) -> HostEvent {
        HostEvent::Ready {
            protocol: PROTOCOL,
            nodes: p.sim.server_count(),
            t_us: p.sim.now(),
            paused: p.paused,
            leader: leadership::of(&p.sim).leader(),
        }
    }

    /// Carries out `command` on `p`, with the checks the page makes when a
    /// person does the same; on `Err` (the message to show) nothing changed.
    pub fn apply(&mut self, command: HostCommand, p: &mut Playground) -> Result<Applied, String> {
        match command {
            HostCommand::Play => p.paused = false,
            HostCommand::Pause => p.paused = true,
            HostCommand::SetSpeed { speed } => {
                if !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
                    let plain = crate::sim::decimal::plain;
                    // A speed too small for nine decimals reads "0", which
                    // is not what was sent.
                    let rounds_to_zero =
                        speed != 0.0 && plain(speed).trim_start_matches('-') == "0";
                    let sent = match (rounds_to_zero, speed > 0.0) {
                        (true, true) => "one that small".into(),
                        (true, false) => "one below 0".into(),
                        (false, _) => plain(speed),
                    };
                    return Err(format!(
                        "the speed is from {} to {} (simulated time per wall time), not {sent}",
                        plain(MIN_SPEED),
                        plain(MAX_SPEED),
                    ));
                }
                p.speed = speed;
            }
            HostCommand::Seek { t_us } => {
                let end = p.timeline_end();
                let t = match Time::try_from(t_us) {
                    Err(_) => return Err(format!("a time is 0 or later, not {t_us} µs")),
                    Ok(t) if t > end => {
                        return Err(format!(
                            "the run so far ends at {end} µs; there is nothing at {t} µs yet"
                        ))
                    }
                    Ok(t) => t,
                };
                // As the page's timeline does.
                p.paused = true;
                p.pause_at = None;
                p.go_to(t);
            }
            HostCommand::Load { scenario } => {
                let fresh = scenario
                    .validate()
                    .and_then(|()| Playground::open_shared(*scenario, false))
                    .map_err(|e| {
                        format!("{} (your current run is unchanged)", with_page_limits(e))
                    })?;
                return Ok(Applied::NewRun(Box::new(fresh), None));
            }
            HostCommand::StartTour { tour, step } => {
                // An unknown tour is told so whatever the step (it was told
                // "has steps 1 to 1, not 2").
                let steps = tours::find(&tour).map(|t| t.steps.len() as u64);
                let steps = steps.unwrap_or(u64::MAX);
                if !(1..=steps).contains(&step) {
                    return Err(format!(
                        "the tour '{tour}' has steps 1 to {steps}, not {step}"
                    ));
                }
                let (player, fresh) = TourPlayer::start(&tour, step as usize - 1)?;
                return Ok(Applied::NewRun(Box::new(fresh), Some(player)));
            }
            HostCommand::Act { action } => act(p, action.0)?,
            HostCommand::Subscribe { events } => {
                for kind in events {
                    self.subscribed |= kind.bit();
                }
            }
            HostCommand::Unsubscribe { events } => {
                for kind in events {
                    self.subscribed &= !kind.bit();
                    if kind == EventKind::Clock {
                        self.last_clock = None;
                        self.clock_pending = false;
                    }
                }
            }
        }
        Ok(Applied::Done)
    }

    /// The subscribed events of the last update: what it traced for the
    /// first time (`p.new_events`, which the caller clears afterwards so no
    /// update is reported twice), and the clock if it changed and
    /// [`CLOCK_INTERVAL_MS`] have passed since the last one (`wall_ms`: any
    /// wall clock in milliseconds).
    pub fn events(&mut self, p: &Playground, wall_ms: f64) -> Vec<HostEvent> {
        if !self.listening() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.subscribed & !EventKind::Clock.bit() != 0 {
            self.traced(p, &mut out);
        }
        if self.subscribed(EventKind::Clock) {
            let state = (
                p.sim.now(),
                p.paused,
                p.speed.to_bits(),
                leadership::of(&p.sim).leader(),
            );
            if self.last_clock != Some(state) {
                let due = self
                    .last_clock_wall
                    .is_none_or(|last| wall_ms - last >= CLOCK_INTERVAL_MS);
                if due {
                    out.push(HostEvent::Clock {
                        t_us: state.0,
                        paused: state.1,
                        speed: p.speed,
                        leader: state.3,
                    });
                    self.last_clock = Some(state);
                    self.last_clock_wall = Some(wall_ms);
                }
                self.clock_pending = !due;
            }
        }
        out
    }

    /// When a clock change was held back: how many wall milliseconds until
    /// it may be sent (the page calls [`HostApi::events`] again then, so
    /// the last moment of a run that stopped moving is reported too).
    pub fn clock_due_in(&self, wall_ms: f64) -> Option<f64> {
        let last = self.last_clock_wall?;
        self.clock_pending
            .then(|| (last + CLOCK_INTERVAL_MS - wall_ms).max(0.0))
    }

    fn traced(&self, p: &Playground, out: &mut Vec<HostEvent>) {
        let wants = |kind| self.subscribed(kind);
        // The last `state` event, if it was a leader's: a leader's Apply
        // events follow the state event that advanced its commit index.
        let mut leader_state: Option<(NodeId, Term, LogIndex)> = None;
        for (t, event) in &p.new_events {
            let t_us = *t;
            match event {
                TraceEvent::State {
                    node,
                    term,
                    role,
                    commit,
                    ..
                } => {
                    leader_state = (*role == NodeStatus::Leader).then_some((*node, *term, *commit))
                }
                TraceEvent::LeaderLog { node, term, .. } if wants(EventKind::LeaderElected) => out
                    .push(HostEvent::LeaderElected {
                        t_us,
                        node: *node,
                        term: *term,
                    }),
                TraceEvent::Apply {
                    node,
                    index,
                    term,
                    payload,
                } => {
                    if let Some((leader, leader_term, commit)) = leader_state {
                        if leader == *node && wants(EventKind::Committed) {
                            out.push(HostEvent::Committed {
                                t_us,
                                node: leader,
                                term: leader_term,
                                index: commit,
                            });
                        }
                        // One `committed` per advance, not per entry.
                        leader_state = None;
                    }
                    if wants(EventKind::Applied) {
                        out.push(HostEvent::Applied {
                            t_us,
                            node: *node,
                            index: *index,
                            term: *term,
                            command: payload.to_string(),
                        });
                    }
                }
                TraceEvent::Return {
                    client,
                    request,
                    outcome,
                    result,
                } if wants(EventKind::RequestFinished) => {
                    let op = p
                        .sim
                        .history()
                        .iter()
                        .rev()
                        .find(|o| o.client == *client && o.request == *request)
                        .map(|o| o.op.to_string());
                    out.push(HostEvent::RequestFinished {
                        t_us,
                        client: *client,
                        request: *request,
                        op,
                        outcome: *outcome,
                        result: result.clone(),
                    });
                }
                TraceEvent::Violation {
                    invariant,
                    nodes,
                    detail,
                } if wants(EventKind::Violation) => out.push(HostEvent::Violation {
                    t_us,
                    invariant: invariant.to_string(),
                    nodes: nodes.clone(),
                    detail: detail.clone(),
                }),
                _ => {}
            }
        }
    }
}

/// Does `action` as the page's buttons would, after the checks that could
/// refuse it, so a refusal changes nothing (not even a fork in the past).
fn act(p: &mut Playground, action: Action) -> Result<(), String> {
    if let Some(problem) = action_limits(&action) {
        return Err(problem);
    }
    if let Action::DropMessage(id) | Action::DeliverMessage(id) | Action::DuplicateMessage(id) =
        &action
    {
        if p.sim.network().get(*id).is_none() {
            return Err(format!("message {id} is no longer in flight"));
        }
    }
    p.sim.validate_action(&action)?;
    match action {
        // No node named: to the leader, as the page's client box sends.
        Action::ClientRequest { to: None, op } => p.send(op, None),
        action => p.act(action),
    }
    match p.notice.take() {
        Some(refused) => Err(refused),
        None => Ok(()),
    }
}

#[cfg(test)]
#[path = "host_api_tests.rs"]
mod tests;
