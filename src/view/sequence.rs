//! The message diagram's geometry, as in the space-time diagrams of
//! distributed-systems papers: one lifeline per node left to right (and one
//! for all clients), time flowing down to `now` at the bottom, each message
//! an arrow from (sender, send time) to (receiver, arrival time).
//!
//! The picture slides up as time passes. So that the page need not draw it
//! as it does, what is drawn (the [`Diagram`]) is placed in time
//! coordinates relative to a fixed `base` (y = 0), not to `now`: the
//! browser moves it all with one `translate` by [`shift`]`(base, now)`,
//! animated on the compositor ([`Slide`]), and hides what lies above the
//! window or below `now` with a fixed clip. Messages still in flight are
//! drawn along their whole planned path, so the clip at `now` makes them
//! grow, and their dots on the line of `now` are animated too
//! ([`Arrow::dot`]). The diagram itself is recomputed only when what it
//! shows changes ([`SequenceView`]), which includes a role stretch's name
//! reaching the window's top, where it then stays.

use super::geometry::Point;
use super::message_history::{MessageHistory, Span, SpanEnd};
use super::motion::Flight;
use super::palette;
use super::speed::MIN_SPEED;
use crate::raft::{Time, MILLIS, SECONDS};
use crate::sim::decimal;
use crate::sim::{Endpoint, NodeStatus};
use std::rc::Rc;

/// Simulated time shown: a few election timeouts and a dozen heartbeats at
/// the playground's timing (100-200 ms timeouts, 50 ms heartbeats).
pub const WINDOW: Time = 600 * MILLIS;
/// The picture's size in SVG units; it scales to its container.
pub const WIDTH: f64 = 640.0;
/// The picture's height in SVG units.
pub const HEIGHT: f64 = 400.0;
/// Room for the time labels on the left and lifeline names on top: the
/// plot spans `LEFT..WIDTH - RIGHT` across and `TOP..HEIGHT - BOTTOM` down.
pub const LEFT: f64 = 58.0;
/// Room on the right of the plot.
pub const RIGHT: f64 = 12.0;
/// Room on top, for the lifeline names.
pub const TOP: f64 = 26.0;
/// Room below `now`.
pub const BOTTOM: f64 = 8.0;
/// Where `now` is drawn down the picture: always at the bottom of the plot.
pub const NOW_Y: f64 = HEIGHT - BOTTOM;
/// A time label and rule every this much simulated time.
pub const TICK_EVERY: Time = 100 * MILLIS;
/// The base moves to the last multiple of this before `now`, so that the
/// coordinates stay small (SVG computes in 32-bit floats) while it changes
/// rarely (each change redraws everything).
pub const REBASE_EVERY: Time = 10 * SECONDS;

/// SVG units per unit of simulated time: the window fills the plot.
const PER_UNIT: f64 = (NOW_Y - TOP) / WINDOW as f64;

/// Down the content: simulated time `t` relative to `base`.
pub fn y(base: Time, t: Time) -> f64 {
    (t as f64 - base as f64) * PER_UNIT
}

/// How far down the page moves content drawn relative to `base` so that
/// `now` sits at [`NOW_Y`] and the window above it fills the plot.
pub fn shift(base: Time, now: Time) -> f64 {
    NOW_Y - y(base, now)
}

/// The base for content shown at `now`.
pub fn base_at(now: Time) -> Time {
    now / REBASE_EVERY * REBASE_EVERY
}

/// Lifelines across, evenly over the plot.
#[derive(Clone, Copy, Debug)]
struct Lanes {
    nodes: u64,
    lanes: u64,
}

impl Lanes {
    /// `nodes` lifelines, plus one for all clients if `clients`.
    fn new(nodes: u64, clients: bool) -> Self {
        Lanes {
            nodes,
            lanes: nodes + clients as u64,
        }
    }

    /// Lifeline `i` (0-based) of the lanes, evenly across.
    fn lane_x(&self, i: u64) -> f64 {
        let lane = (WIDTH - LEFT - RIGHT) / self.lanes.max(1) as f64;
        LEFT + (i as f64 + 0.5) * lane
    }

    /// Where an endpoint's lifeline is, if it has one.
    fn x(&self, e: Endpoint) -> Option<f64> {
        match e {
            Endpoint::Node(id) if (1..=self.nodes).contains(&id) => Some(self.lane_x(id - 1)),
            Endpoint::Client(_) if self.lanes > self.nodes => Some(self.lane_x(self.nodes)),
            _ => None,
        }
    }
}

/// A lifeline: its name on top.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// Where the lifeline runs across.
    pub x: f64,
    /// "n1", "n2"... or "clients".
    pub name: String,
}

/// A time label on the left axis, with its rule across.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// The time it labels (a stable key).
    pub t: Time,
    /// Where the label sits down the content.
    pub y: f64,
    /// The time in seconds: "1.2".
    pub label: String,
}

/// How an arrow ends: arrived, died, or still on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tip {
    /// Arrived: an arrowhead at the receiver.
    Head,
    /// Dropped: a cross where it died.
    Cross,
    /// Still in flight: drawn to the receiver at its due time, cut at `now`
    /// by the clip, with a dot where it is at `now`.
    Dot,
}

/// One message as an arrow from (sender, send time) to where it ended, in
/// content coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// The network's id for the message.
    pub id: u64,
    /// The start across: the sender.
    pub x1: f64,
    /// The start down: when it was sent.
    pub y1: f64,
    /// The end across: where it was when it ended (the receiver if it has not).
    pub x2: f64,
    /// The end down: when it arrived, was dropped, or is due.
    pub y2: f64,
    /// The colour for its RPC type, as in the cluster picture.
    pub color: &'static str,
    /// "rv", "pv", "ae", "ri", "snap" or "client": the line's weight
    /// (heartbeats faint, snapshot chunks heavy).
    pub class: &'static str,
    /// Replies are dashed, as return messages in sequence diagrams.
    pub reply: bool,
    /// How it ends.
    pub tip: Tip,
    /// What it was, for the tooltip.
    pub label: String,
    /// The message as it was drawn, to tell whether it can be drawn again
    /// as it is.
    pub span: Span,
}

impl Arrow {
    /// Where a message in flight is across when the content is at `y`
    /// down, if it is on its way then.
    pub fn x_at(&self, y: f64) -> Option<f64> {
        let on_the_way = self.tip == Tip::Dot && self.y1 <= y && y <= self.y2;
        let done = (y - self.y1) / (self.y2 - self.y1);
        on_the_way.then(|| match done.is_finite() {
            true => self.x1 + (self.x2 - self.x1) * done,
            false => self.x2, // no time in flight
        })
    }
}

impl Arrow {
    /// The flight of a message's dot along the line of `now`, for the
    /// browser to animate, if it is on its way at `now`: from where the
    /// arrow crosses that line when sent to where it does when it ends,
    /// evenly in time, as the arrow slides up under the line.
    pub fn dot(&self, base: Time, now: Time, speed: f64, paused: bool) -> Option<Flight> {
        self.x_at(y(base, now))?;
        let wall = |units: f64| units / PER_UNIT / MILLIS as f64 / speed.max(MIN_SPEED);
        Some(Flight {
            start: Point {
                x: self.x1,
                y: NOW_Y,
            },
            end: Point {
                x: self.x2,
                y: NOW_Y,
            },
            duration_ms: wall(self.y2 - self.y1),
            elapsed_ms: wall(y(base, now) - self.y1),
            running: !paused,
        })
    }
}

/// The dots of `d`'s messages in flight at `now`, with their flights.
pub fn dots(d: &Diagram, now: Time, speed: f64, paused: bool) -> Vec<(Rc<Arrow>, Flight)> {
    (d.arrows.iter())
        .filter_map(|a| Some((Rc::clone(a), a.dot(d.base, now, speed, paused)?)))
        .collect()
}

/// How the browser slides the diagram's content up: from the shift at
/// one moment to the shift at the next rebase, evenly in wall time at the
/// speed (which is evenly in simulated time), restarted only when the
/// speed changes, the run pauses or plays, the person acts, the
/// simulation lags, or the content is rebased ([`crate::view::versions::slide`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slide {
    /// The shift when the animation starts, in units of the picture.
    pub from: f64,
    /// The shift when it ends.
    pub to: f64,
    /// Wall milliseconds from the one to the other.
    pub duration_ms: f64,
    /// Whether it moves on (false: held at `from`).
    pub running: bool,
}

impl Slide {
    /// The content of base `base` slid from `now`, at `speed`.
    pub fn new(base: Time, now: Time, speed: f64, paused: bool) -> Self {
        let end = base + 2 * REBASE_EVERY;
        Slide {
            from: shift(base, now),
            to: shift(base, end),
            duration_ms: end.saturating_sub(now) as f64 / MILLIS as f64 / speed.max(MIN_SPEED),
            running: !paused,
        }
    }

    /// The shift shown `elapsed_ms` after the start.
    pub fn at(&self, elapsed_ms: f64) -> f64 {
        let f = (elapsed_ms / self.duration_ms.max(1e-9)).clamp(0.0, 1.0);
        self.from + (self.to - self.from) * f
    }
}

/// A stretch of a lifeline in a role worth seeing.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// When the stretch started: with `x`, a stable key.
    pub start: Time,
    /// When it ended (drawn on to the content's end if it goes on).
    pub end: Time,
    /// Whether it started above the window: then its name stays at the
    /// window's top (where the page draws it, still), else it sits at its
    /// start and slides with the content.
    pub pinned: bool,
    /// The lifeline's position across.
    pub x: f64,
    /// Where the stretch starts down (no higher than the content's top).
    pub y1: f64,
    /// Where it ends down.
    pub y2: f64,
    /// Leader, candidate or stopped.
    pub role: NodeStatus,
    /// "L t3", "C t4" or "stopped".
    pub label: String,
}

/// What the message diagram draws, in coordinates relative to `base`;
/// lanes and their names are across only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// The time at y = 0.
    pub base: Time,
    /// The lifelines, nodes then clients, left to right.
    pub lanes: Vec<Lane>,
    /// The time labels on the left axis.
    pub ticks: Vec<Tick>,
    /// The stretches of lifelines spent as leader, candidate or stopped.
    pub bands: Vec<Band>,
    /// The messages, oldest first; shared so that a page can tell an
    /// unchanged arrow cheaply.
    pub arrows: Vec<Rc<Arrow>>,
    /// Said when the window reaches back past what is remembered.
    pub note: Option<String>,
    /// The accessible name: what the picture shows, in words.
    pub summary: String,
}

/// The message diagram as it was at `now`, relative to `base`: every
/// message alive in the [`WINDOW`] up to `now` (sent, and arrived or died
/// only if that happened by `now`), drawn whole from its send to its end
/// (to its planned arrival if still in flight); the role stretches
/// overlapping the window, those still going drawn on to `until`; the ticks
/// up to `until`. Moved by [`shift`]`(base, now)` and cut to the plot, it
/// is the window up to `now` as it was at `now`, and stays so for any later
/// moment before `until`, provided nothing is recorded in between.
pub fn diagram(
    history: &MessageHistory,
    nodes: u64,
    now: Time,
    until: Time,
    base: Time,
) -> Diagram {
    diagram_after(history, nodes, now, until, base, None)
}

/// [`diagram`], reusing the arrows of `previous` that are drawn the same:
/// same message in the same state, same base, same lanes. Most messages
/// in the window are unchanged when one more is sent or arrives, and an
/// arrow's words are the costly part.
fn diagram_after(
    history: &MessageHistory,
    nodes: u64,
    now: Time,
    until: Time,
    base: Time,
    previous: Option<&Diagram>,
) -> Diagram {
    let lanes = Lanes::new(nodes, history.has_clients());
    let lane_list = lane_names(&lanes, nodes);
    let from = now.saturating_sub(WINDOW);
    let spans = history.window(from, now);
    let reusable = previous.filter(|d| d.base == base && d.lanes == lane_list);
    let same = |span: &Span| {
        let old = &reusable?.arrows;
        let i = old.binary_search_by_key(&span.id, |a| a.id).ok()?;
        (old[i].span == *span).then(|| Rc::clone(&old[i]))
    };
    let arrows: Vec<Rc<Arrow>> = spans
        .iter()
        .filter_map(|s| same(s).or_else(|| arrow(&lanes, base, s).map(Rc::new)))
        .collect();
    let kept = history.kept_from();
    Diagram {
        base,
        lanes: lane_list,
        ticks: ticks(base, from, until),
        bands: bands(history, &lanes, base, from, until),
        summary: summary(&arrows, now),
        arrows,
        note: (from < kept)
            .then(|| format!("messages before {} are no longer kept", seconds(kept))),
    }
}

/// The accessible name, in words. Said as of `now`: the diagram is
/// recomputed whenever a message comes or goes.
fn summary(arrows: &[Rc<Arrow>], now: Time) -> String {
    let dropped = arrows.iter().filter(|a| a.tip == Tip::Cross).count();
    format!(
        "{} messages in the {} s up to t={}s, {dropped} dropped",
        arrows.len(),
        decimal::seconds(WINDOW, 1),
        decimal::seconds(now, 3)
    )
}

fn lane_names(lanes: &Lanes, nodes: u64) -> Vec<Lane> {
    let named = |e, name| lanes.x(e).map(|x| Lane { x, name });
    (1..=nodes)
        .filter_map(|id| named(Endpoint::Node(id), format!("n{id}")))
        .chain(named(Endpoint::Client(0), "clients".into()))
        .collect()
}

fn ticks(base: Time, from: Time, until: Time) -> Vec<Tick> {
    let first = from.div_ceil(TICK_EVERY) * TICK_EVERY;
    (first..=until)
        .step_by(TICK_EVERY as usize)
        .map(|t| Tick {
            t,
            y: y(base, t),
            // Tenths (the ticks are a tenth apart) and no unit (the axis
            // names it once): at a phone's width the labels are drawn
            // larger (www/style.css) and "101.8" must still fit left of
            // the lanes ("101.80s" lost its first digit).
            label: decimal::seconds(t, 1),
        })
        .collect()
}

/// The arrow of `span` from its send to where it ended, or for one in
/// flight, to the receiver at its due time.
fn arrow(lanes: &Lanes, base: Time, span: &Span) -> Option<Arrow> {
    let (x_from, x_to) = (lanes.x(span.from)?, lanes.x(span.to)?);
    let flight = span.due.saturating_sub(span.sent_at);
    // Where the message was at `t` on the straight path sender -> receiver.
    let x_at = |t: Time| {
        let done = t.saturating_sub(span.sent_at) as f64 / flight.max(1) as f64;
        let done = if flight == 0 { 1.0 } else { done.min(1.0) };
        x_from + (x_to - x_from) * done
    };
    let (end, tip) = match span.end {
        SpanEnd::Delivered { at } => (at, Tip::Head),
        SpanEnd::Dropped { at, .. } => (at, Tip::Cross),
        SpanEnd::InFlight { due } => (due, Tip::Dot),
    };
    let (class, color) = style(span.kind);
    Some(Arrow {
        id: span.id,
        x1: x_from,
        y1: y(base, span.sent_at),
        x2: x_at(end),
        y2: y(base, end),
        color,
        class,
        reply: span.kind.ends_with("Reply"),
        tip,
        span: *span,
        label: describe(span),
    })
}

/// Colours as in the cluster picture; weight by what matters: votes and
/// client traffic bold, AppendEntries (mostly heartbeats: the trace does
/// not say which carry entries) faint, a snapshot's chunks heaviest.
fn style(kind: &str) -> (&'static str, &'static str) {
    let class = match kind {
        "RequestVote" | "RequestVoteReply" | "TimeoutNow" => "rv",
        "PreVote" | "PreVoteReply" => "pv",
        "AppendEntries" | "AppendEntriesReply" => "ae",
        "ReadHeartbeat" | "ReadHeartbeatReply" | "ReadIndex" | "ReadIndexReply" => "ri",
        "InstallSnapshot" | "InstallSnapshotReply" => "snap",
        _ => "client",
    };
    (class, palette::message_color(kind))
}

fn describe(span: &Span) -> String {
    let term = span.term.map_or(String::new(), |t| format!(", term {t}"));
    let fate = match span.end {
        SpanEnd::Delivered { at } => format!("arrived {}", seconds(at)),
        SpanEnd::Dropped { at, reason } => {
            format!(
                "dropped {} ({})",
                seconds(at),
                reason.as_str().replace('_', " ")
            )
        }
        SpanEnd::InFlight { due } => format!("in flight, due {}", seconds(due)),
    };
    format!(
        "{} {} → {}{term}: sent {}, {fate}",
        span.kind,
        span.from,
        span.to,
        seconds(span.sent_at)
    )
}

fn seconds(t: Time) -> String {
    format!("t={}s", decimal::seconds(t, 3))
}

/// Role stretches overlapping `from..until`, as of just before `until`
/// (nothing changes in between): one still going ends there.
fn bands(
    history: &MessageHistory,
    lanes: &Lanes,
    base: Time,
    from: Time,
    until: Time,
) -> Vec<Band> {
    let segments = history.segments(from, until.saturating_sub(1).max(from));
    segments
        .iter()
        .filter_map(|s| {
            let label = match s.role {
                NodeStatus::Leader => format!("L t{}", s.term),
                NodeStatus::Candidate => format!("C t{}", s.term),
                NodeStatus::PreCandidate => format!("P t{}", s.term + 1),
                _ => "stopped".into(),
            };
            Some(Band {
                start: s.start,
                end: s.end,
                pinned: s.start < from,
                x: lanes.x(Endpoint::Node(s.node))?,
                y1: y(base, s.start.max(from)),
                y2: y(base, s.end),
                role: s.role,
                label,
            })
        })
        .collect()
}

/// The message diagram kept from frame to frame: recomputed only when what
/// it shows changed, so that most frames only move it (by [`Self::shift`]).
#[derive(Clone, Debug, Default)]
pub struct SequenceView {
    content: Rc<Diagram>,
    made: Option<Made>,
}

/// What the content was computed from, and until when it holds.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Made {
    version: u64,
    nodes: u64,
    now: Time,
    until: Time,
}

impl SequenceView {
    /// The diagram of `history` at `now`.
    pub fn new(history: &MessageHistory, nodes: u64, now: Time) -> Self {
        let mut view = Self::default();
        view.update(history, nodes, now);
        view
    }

    /// Brings the diagram to `now`; says whether its content changed.
    /// It is recomputed when the history changed, when `now` moved back
    /// (what has ended is "as of now"), or when `now` reached the end of
    /// what it holds for: the next tick (the window's top crosses a tick,
    /// and the base changes only on one), or the next recorded change
    /// (replaying a stretch already seen records nothing new).
    pub fn update(&mut self, history: &MessageHistory, nodes: u64, now: Time) -> bool {
        let holds = |m: &Made| {
            m.version == history.version() && m.nodes == nodes && m.now <= now && now < m.until
        };
        if self.made.as_ref().is_some_and(holds) {
            return false;
        }
        let next_tick = (now / TICK_EVERY + 1) * TICK_EVERY;
        let until = history
            .next_change_after(now)
            .map_or(next_tick, |t| t.min(next_tick));
        let previous = Some(self.content.as_ref());
        let content = diagram_after(history, nodes, now, until, base_at(now), previous);
        // A stretch's name moves to the window's top when its start passes
        // it, and goes when its end does.
        let crossing = (content.bands.iter())
            .flat_map(|b| [b.start + WINDOW, b.end + WINDOW])
            .filter(|&t| t > now)
            .min();
        let until = crossing.map_or(until, |t| t.min(until));
        self.content = Rc::new(content);
        self.made = Some(Made {
            version: history.version(),
            nodes,
            now,
            until,
        });
        true
    }

    /// The content's change key: what it was computed from, which
    /// decides it (the page's key for the diagram, `view::versions`).
    pub fn key(&self) -> u64 {
        let mut h = crate::sim::stable_hash::StableHasher::new();
        if let Some(m) = self.made {
            h.u64(m.version).u64(m.nodes).u64(m.now).u64(m.until);
        }
        h.finish()
    }

    /// What is drawn; the same `Rc` until it changes.
    pub fn content(&self) -> Rc<Diagram> {
        Rc::clone(&self.content)
    }

    /// How far down the content moves at `now`.
    pub fn shift(&self, now: Time) -> f64 {
        shift(self.content.base, now)
    }

    /// When the content is next recomputed, with nothing recorded before:
    /// the page need not wake for it before then.
    pub fn next_change(&self) -> Option<Time> {
        self.made.map(|m| m.until)
    }
}

#[cfg(test)]
#[path = "sequence_tests.rs"]
mod tests;
