//! The message diagram's geometry, as in the space-time diagrams of
//! distributed-systems papers: one lifeline per node left to right (and one
//! for all clients), time flowing down to `now` at the bottom, each message
//! an arrow from (sender, send time) to (receiver, arrival time).

use super::message_history::{MessageHistory, Span, SpanEnd};
use super::palette;
use crate::raft::{Time, MILLIS};
use crate::sim::decimal;
use crate::sim::{Endpoint, NodeStatus};

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
const TICK_EVERY: Time = 100 * MILLIS;

/// Simulated time and lifelines to SVG units.
#[derive(Clone, Copy, Debug)]
pub struct Axes {
    nodes: u64,
    lanes: u64,
    now: Time,
    window: Time,
}

impl Axes {
    /// Axes for `nodes` lifelines, plus one for all clients if `clients`, showing
    /// the `window` of simulated time up to `now` (a zero window counts as 1).
    pub fn new(nodes: u64, clients: bool, now: Time, window: Time) -> Self {
        let lanes = nodes + clients as u64;
        let window = window.max(1);
        Axes {
            nodes,
            lanes,
            now,
            window,
        }
    }

    /// `now` sits at the bottom; the scale stays fixed even while the run is
    /// younger than the window.
    pub fn y(&self, t: Time) -> f64 {
        let per_unit = (HEIGHT - TOP - BOTTOM) / self.window as f64;
        HEIGHT - BOTTOM - (self.now as f64 - t as f64) * per_unit
    }

    /// Lifeline `i` (0-based) of the lanes, evenly across.
    fn lane_x(&self, i: u64) -> f64 {
        let lane = (WIDTH - LEFT - RIGHT) / self.lanes.max(1) as f64;
        LEFT + (i as f64 + 0.5) * lane
    }

    /// Where an endpoint's lifeline is, if it has one.
    pub fn x(&self, e: Endpoint) -> Option<f64> {
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

/// A time label on the left axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Where the label sits down the axis.
    pub y: f64,
    /// The time: "t=1.2s".
    pub label: String,
}

/// How an arrow ends: arrived, died, or still on its way at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tip {
    /// Arrived: an arrowhead at the receiver.
    Head,
    /// Dropped: a cross where it died.
    Cross,
    /// Still in flight at `now`: a dot where it is.
    Dot,
}

/// One message as an arrow from (sender, send time) to where it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// The network's id for the message.
    pub id: u64,
    /// The start across: the sender, or where the message was at the window's start.
    pub x1: f64,
    /// The start down: when it was sent (or the window's start).
    pub y1: f64,
    /// The end across: where it was when it ended (or at `now`).
    pub x2: f64,
    /// The end down: when it arrived, was dropped, or `now`.
    pub y2: f64,
    /// The colour for its RPC type, as in the cluster picture.
    pub color: &'static str,
    /// "rv", "ae" or "client": the line's weight (heartbeats faint).
    pub class: &'static str,
    /// Replies are dashed, as return messages in sequence diagrams.
    pub reply: bool,
    /// How it ends.
    pub tip: Tip,
    /// What it was, for the tooltip.
    pub label: String,
}

/// A stretch of a lifeline in a role worth seeing.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// The lifeline's position across.
    pub x: f64,
    /// Where the stretch starts down.
    pub y1: f64,
    /// Where it ends down.
    pub y2: f64,
    /// "leader", "candidate" or "stopped".
    pub role: NodeStatus,
    /// "L t3", "C t4" or "stopped".
    pub label: String,
}

/// The whole message diagram for one window of simulated time.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    /// The lifelines, nodes then clients, left to right.
    pub lanes: Vec<Lane>,
    /// The time labels on the left axis.
    pub ticks: Vec<Tick>,
    /// The stretches of lifelines spent as leader, candidate or stopped.
    pub bands: Vec<Band>,
    /// The messages seen in the window.
    pub arrows: Vec<Arrow>,
    /// The y of `now` (the bottom line).
    pub now_y: f64,
    /// Said when the window reaches back past what is remembered.
    pub note: Option<String>,
    /// The accessible name: what the picture shows, in words.
    pub summary: String,
}

/// The last `window` of simulated time up to `now`, as it was at `now`.
pub fn diagram(history: &MessageHistory, nodes: u64, now: Time, window: Time) -> Diagram {
    let axes = Axes::new(nodes, history.has_clients(), now, window);
    let from = now.saturating_sub(window);
    let spans = history.window(from, now);
    let arrows: Vec<Arrow> = spans
        .iter()
        .filter_map(|s| arrow(&axes, s, from, now))
        .collect();
    let dropped = arrows.iter().filter(|a| a.tip == Tip::Cross).count();
    let summary = format!(
        "{} messages in the {} s up to t={}s, {dropped} dropped",
        arrows.len(),
        decimal::seconds(window, 1),
        decimal::seconds(now, 3)
    );
    let kept = history.kept_from();
    Diagram {
        lanes: lanes(&axes, nodes),
        ticks: ticks(&axes, from, now),
        bands: bands(history, &axes, from, now),
        arrows,
        now_y: axes.y(now),
        note: (from < kept)
            .then(|| format!("messages before {} are no longer kept", seconds(kept))),
        summary,
    }
}

fn lanes(axes: &Axes, nodes: u64) -> Vec<Lane> {
    let named = |e, name| axes.x(e).map(|x| Lane { x, name });
    (1..=nodes)
        .filter_map(|id| named(Endpoint::Node(id), format!("n{id}")))
        .chain(named(Endpoint::Client(0), "clients".into()))
        .collect()
}

fn ticks(axes: &Axes, from: Time, now: Time) -> Vec<Tick> {
    let first = from.div_ceil(TICK_EVERY) * TICK_EVERY;
    (first..=now)
        .step_by(TICK_EVERY as usize)
        .map(|t| Tick {
            y: axes.y(t),
            label: format!("t={}s", decimal::seconds(t, 2)),
        })
        .collect()
}

/// The arrow of `span` drawn from where it was at the window's start (or
/// its send) to where it was when it ended (or at `now`).
fn arrow(axes: &Axes, span: &Span, from: Time, now: Time) -> Option<Arrow> {
    let (x_from, x_to) = (axes.x(span.from)?, axes.x(span.to)?);
    let flight = span.due.saturating_sub(span.sent_at);
    // Where the message was at `t` on the straight path sender -> receiver.
    let x_at = |t: Time| {
        let done = t.saturating_sub(span.sent_at) as f64 / flight.max(1) as f64;
        let done = if flight == 0 { 1.0 } else { done.min(1.0) };
        x_from + (x_to - x_from) * done
    };
    let start = span.sent_at.max(from);
    let (end, tip) = match span.end {
        SpanEnd::Delivered { at } => (at, Tip::Head),
        SpanEnd::Dropped { at, .. } => (at, Tip::Cross),
        SpanEnd::InFlight { .. } => (now, Tip::Dot),
    };
    let (class, color) = style(span.kind);
    Some(Arrow {
        id: span.id,
        x1: x_at(start),
        y1: axes.y(start),
        x2: x_at(end),
        y2: axes.y(end),
        color,
        class,
        reply: span.kind.ends_with("Reply"),
        tip,
        label: describe(span),
    })
}

/// Colours as in the cluster picture; weight by what matters: votes and
/// client traffic bold, AppendEntries (mostly heartbeats: the trace does
/// not say which carry entries) faint.
fn style(kind: &str) -> (&'static str, &'static str) {
    let class = match kind {
        "RequestVote" | "RequestVoteReply" => "rv",
        "AppendEntries" | "AppendEntriesReply" => "ae",
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

fn bands(history: &MessageHistory, axes: &Axes, from: Time, now: Time) -> Vec<Band> {
    let segments = history.segments(from, now);
    segments
        .iter()
        .filter_map(|s| {
            let label = match s.role {
                NodeStatus::Leader => format!("L t{}", s.term),
                NodeStatus::Candidate => format!("C t{}", s.term),
                _ => "stopped".into(),
            };
            Some(Band {
                x: axes.x(Endpoint::Node(s.node))?,
                y1: axes.y(s.start.max(from)),
                y2: axes.y(s.end),
                role: s.role,
                label,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::TraceEvent;

    fn history() -> MessageHistory {
        let mut h = MessageHistory::default();
        let send = |id, from, to, kind| TraceEvent::Send {
            id,
            from: Endpoint::Node(from),
            to: Endpoint::Node(to),
            kind,
            term: Some(2),
            deliver_t: 1_020 * MILLIS,
        };
        h.record(1_000 * MILLIS, &send(1, 1, 3, "RequestVote"));
        h.record(1_000 * MILLIS, &send(2, 1, 2, "RequestVote"));
        h.record(1_020 * MILLIS, &TraceEvent::Deliver { id: 1 });
        let drop = TraceEvent::Drop {
            id: 2,
            reason: crate::sim::DropReason::Partitioned,
        };
        h.record(1_010 * MILLIS, &drop);
        h
    }

    #[test]
    fn arrows_run_from_sender_at_send_time_to_receiver_at_arrival() {
        let d = diagram(&history(), 3, 1_100 * MILLIS, WINDOW);
        let axes = Axes::new(3, false, 1_100 * MILLIS, WINDOW);
        let a = &d.arrows[0];
        assert_eq!(
            (a.x1, a.y1),
            (axes.x(Endpoint::Node(1)).unwrap(), axes.y(1_000 * MILLIS))
        );
        assert_eq!(
            (a.x2, a.y2),
            (axes.x(Endpoint::Node(3)).unwrap(), axes.y(1_020 * MILLIS))
        );
        assert_eq!(a.tip, Tip::Head);
        assert!(a.y2 > a.y1, "time flows down");
        let dropped = &d.arrows[1];
        assert_eq!(dropped.tip, Tip::Cross);
        let halfway =
            (axes.x(Endpoint::Node(1)).unwrap() + axes.x(Endpoint::Node(2)).unwrap()) / 2.0;
        assert!((dropped.x2 - halfway).abs() < 1e-9, "died halfway");
        assert!(dropped.label.contains("dropped t=1.010s (partition)"));
    }

    #[test]
    fn at_an_earlier_now_messages_stop_partway_at_the_bottom() {
        let d = diagram(&history(), 3, 1_005 * MILLIS, WINDOW);
        assert!(d.arrows.iter().all(|a| a.tip == Tip::Dot));
        assert!(d.arrows.iter().all(|a| (a.y2 - d.now_y).abs() < 1e-9));
        assert_eq!(d.lanes.len(), 3, "no clients lane without client messages");
        assert_eq!(d.ticks.last().unwrap().label, "t=1.00s");
        assert!(d.ticks.iter().all(|t| t.y >= TOP && t.y <= HEIGHT));
    }
}
