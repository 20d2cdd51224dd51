//! Every message of the run so far (bounded) and every role change, taken
//! from the simulator's trace, so the message diagram can show any window of
//! simulated time as it was at any moment of the timeline.
//!
//! Time travel replays the run, so the same trace events can arrive twice:
//! recording is idempotent (sends by id, role changes by time and value).
//! A fork discards the future with [`MessageHistory::forget_after`].
//!
//! A version number counts the changes, so the diagram is recomputed only
//! when something it draws changed (see `view::sequence::SequenceView`).

use crate::raft::{NodeId, Term, Time};
use crate::sim::{DropReason, Endpoint, NodeStatus, TraceEvent};
use std::collections::VecDeque;

/// Messages kept; older ones are forgotten (about a minute of a 5-node
/// cluster's heartbeats, some 100 bytes each).
pub const KEEP: usize = 10_000;
/// Role changes kept.
pub const KEEP_MARKS: usize = 2_000;

/// How a message's life ended, as of the `now` it is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanEnd {
    /// It arrived.
    Delivered {
        /// When.
        at: Time,
    },
    /// The network dropped it.
    Dropped {
        /// When.
        at: Time,
        /// Why.
        reason: DropReason,
    },
    /// Not arrived yet; due at its delivery time.
    InFlight {
        /// When it is due to arrive.
        due: Time,
    },
}

/// One message as the diagram draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The message id: unique in the run, increasing in send order.
    pub id: u64,
    /// The sender.
    pub from: Endpoint,
    /// The receiver.
    pub to: Endpoint,
    /// The RPC type: "RequestVote", "AppendEntries", "ClientRequest"...
    pub kind: &'static str,
    /// The term a Raft message carries; `None` for client traffic.
    pub term: Option<Term>,
    /// When it was sent.
    pub sent_at: Time,
    /// When the network meant to deliver it (drops are drawn along the way).
    pub due: Time,
    /// How its life ended, as of the `now` it is looked at.
    pub end: SpanEnd,
}

/// A stretch of a lifeline in one role and term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The node whose lifeline it is.
    pub node: NodeId,
    /// What the node was during the stretch.
    pub role: NodeStatus,
    /// The node's term during the stretch.
    pub term: Term,
    /// When the stretch started (not clipped to the window: it names the
    /// stretch whatever window it is seen through).
    pub start: Time,
    /// When it ends (`now` if it has not).
    pub end: Time,
}

/// A message as recorded: its end as of the newest event seen.
#[derive(Clone, Copy, Debug)]
struct Record {
    span: Span,
    ended: Option<SpanEnd>,
}

/// A node taking a new role or term at time `t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    t: Time,
    node: NodeId,
    role: NodeStatus,
    term: Term,
}

/// The messages and role changes the diagram can show, recorded from the
/// trace as the run goes.
#[derive(Clone, Debug, Default)]
pub struct MessageHistory {
    /// Oldest first. Ids grow with send time, so this is sorted by both.
    records: VecDeque<Record>,
    /// Oldest first, sorted by time.
    marks: VecDeque<Mark>,
    /// Messages sent before this may have been forgotten.
    kept_from: Time,
    /// The longest flight (send to due) of any message recorded: a message
    /// sent longer than this before a window cannot reach into it, so a
    /// window's lookup starts there instead of at the oldest message.
    longest_flight: Time,
    /// Whether clients ever talked: their lifeline stays once it appears,
    /// so the nodes' columns do not jump.
    clients: bool,
    /// Bumped by every change to what is recorded.
    version: u64,
}

impl MessageHistory {
    /// Takes in one trace event; ignores what the diagram does not show.
    pub fn record(&mut self, t: Time, event: &TraceEvent) {
        match *event {
            TraceEvent::Send {
                id,
                from,
                to,
                kind,
                term,
                deliver_t,
            } => self.send(Span {
                id,
                from,
                to,
                kind,
                term,
                sent_at: t,
                due: deliver_t,
                end: SpanEnd::InFlight { due: deliver_t },
            }),
            TraceEvent::Deliver { id } => self.end(id, SpanEnd::Delivered { at: t }),
            TraceEvent::Drop { id, reason } => self.end(id, SpanEnd::Dropped { at: t, reason }),
            TraceEvent::State {
                node, role, term, ..
            } => self.mark(Mark {
                t,
                node,
                role,
                term,
            }),
            _ => {}
        }
    }

    fn send(&mut self, span: Span) {
        let Err(at) = self.records.binary_search_by_key(&span.id, |r| r.span.id) else {
            return; // a replay: already known
        };
        self.version += 1;
        self.longest_flight = self
            .longest_flight
            .max(span.due.saturating_sub(span.sent_at));
        self.clients |= is_client(span.from) || is_client(span.to);
        self.records.insert(at, Record { span, ended: None });
        while self.records.len() > KEEP {
            self.records.pop_front();
            self.kept_from = self.records.front().map_or(0, |r| r.span.sent_at);
        }
    }

    fn end(&mut self, id: u64, end: SpanEnd) {
        if let Ok(i) = self.records.binary_search_by_key(&id, |r| r.span.id) {
            if self.records[i].ended != Some(end) {
                self.records[i].ended = Some(end);
                self.version += 1;
            }
        }
    }

    /// Keeps a mark only when the node's role or term changed; a replayed
    /// state (same value in effect, or the very mark already there) is not
    /// a change.
    fn mark(&mut self, mark: Mark) {
        let at = self.marks.partition_point(|m| m.t <= mark.t);
        let earlier = self.marks.range(..at);
        let same = |m: &Mark| m.role == mark.role && m.term == mark.term;
        let in_effect = earlier.clone().rev().find(|m| m.node == mark.node);
        let unchanged = in_effect.map_or(mark.role == NodeStatus::Follower && mark.term == 0, same);
        let already = earlier
            .rev()
            .take_while(|m| m.t == mark.t)
            .any(|m| *m == mark);
        if unchanged || already {
            return;
        }
        self.marks.insert(at, mark);
        self.version += 1;
        if self.marks.len() > KEEP_MARKS {
            self.marks.pop_front();
        }
    }

    /// A fork at `t`: what happened after `t` never did. Messages sent later
    /// go; those that arrived or died later are in flight again.
    pub fn forget_after(&mut self, t: Time) {
        let mut changed = false;
        while self.records.back().is_some_and(|r| r.span.sent_at > t) {
            self.records.pop_back();
            changed = true;
        }
        for r in &mut self.records {
            if r.ended.is_some_and(|e| end_time(e) > t) {
                r.ended = None;
                changed = true;
            }
        }
        while self.marks.back().is_some_and(|m| m.t > t) {
            self.marks.pop_back();
            changed = true;
        }
        self.version += changed as u64;
        self.clients = self
            .records
            .iter()
            .any(|r| is_client(r.span.from) || is_client(r.span.to));
    }

    /// The messages alive at some moment in `from..=now`, as seen at `now`:
    /// sent by then, and arrived or died only if that happened by then.
    pub fn window(&self, from: Time, now: Time) -> Vec<Span> {
        let sent = self.records.partition_point(|r| r.span.sent_at <= now);
        // Ended (or due) before `from`, whatever their fate: not drawn.
        let gone = self
            .records
            .partition_point(|r| r.span.sent_at.saturating_add(self.longest_flight) < from);
        self.records
            .range(gone.min(sent)..sent)
            .filter_map(|r| {
                let end = r.ended.filter(|e| end_time(*e) <= now);
                let end = end.unwrap_or(SpanEnd::InFlight { due: r.span.due });
                (end_time(end).min(now) >= from).then_some(Span { end, ..r.span })
            })
            .collect()
    }

    /// Each node's leader, candidate and stopped stretches overlapping
    /// `from..=now` (followers are the plain lifeline), as seen at `now`:
    /// one not over by then ends at `now`.
    pub fn segments(&self, from: Time, now: Time) -> Vec<Segment> {
        let mut open: Vec<Segment> = Vec::new();
        let mut done = Vec::new();
        for m in self.marks.iter().take_while(|m| m.t <= now) {
            if let Some(i) = open.iter().position(|s| s.node == m.node) {
                let mut s = open.swap_remove(i);
                s.end = m.t;
                done.push(s);
            }
            open.push(Segment {
                node: m.node,
                role: m.role,
                term: m.term,
                start: m.t,
                end: now,
            });
        }
        done.extend(open);
        done.retain(|s| s.role != NodeStatus::Follower && s.end >= from);
        crate::raft::vec_map::sort_by_key(&mut done, |s| (s.node, s.start));
        done
    }

    /// Messages sent before this time may have been forgotten (0: none were).
    pub fn kept_from(&self) -> Time {
        self.kept_from
    }

    /// Whether any client message is remembered.
    pub fn has_clients(&self) -> bool {
        self.clients
    }

    /// Changes with every change to what is recorded (and only then): a
    /// replayed event that was already known leaves it as it was.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The first moment after `t` at which what is recorded makes a
    /// difference: a send, an arrival, a drop or a role change. Only after
    /// a jump back in time are such moments recorded ahead of `t`; what
    /// [`window`](Self::window) and [`segments`](Self::segments) say at `t`
    /// holds until then.
    pub fn next_change_after(&self, t: Time) -> Option<Time> {
        let sent = self.records.partition_point(|r| r.span.sent_at <= t);
        let send = self.records.get(sent).map(|r| r.span.sent_at);
        let end = (self.records.range(..sent))
            .filter_map(|r| r.ended.map(end_time).filter(|&at| at > t))
            .min();
        let at = self.marks.partition_point(|m| m.t <= t);
        let mark = self.marks.get(at).map(|m| m.t);
        [send, end, mark].into_iter().flatten().min()
    }
}

fn is_client(e: Endpoint) -> bool {
    matches!(e, Endpoint::Client(_))
}

/// When a message arrived or died; for one in flight, when it is due.
pub fn end_time(end: SpanEnd) -> Time {
    match end {
        SpanEnd::Delivered { at } | SpanEnd::Dropped { at, .. } => at,
        SpanEnd::InFlight { due } => due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MILLIS;

    fn send(h: &mut MessageHistory, id: u64, at_ms: u64, due_ms: u64) {
        let event = TraceEvent::Send {
            id,
            from: Endpoint::Node(1),
            to: Endpoint::Node(2),
            kind: "AppendEntries",
            term: Some(1),
            deliver_t: due_ms * MILLIS,
        };
        h.record(at_ms * MILLIS, &event);
    }

    fn deliver(h: &mut MessageHistory, id: u64, at_ms: u64) {
        h.record(at_ms * MILLIS, &TraceEvent::Deliver { id });
    }

    /// The window starts its lookup past the messages that cannot reach
    /// into it; it must find exactly what a scan of every message finds,
    /// slow messages included.
    #[test]
    fn a_window_finds_what_a_full_scan_finds() {
        let mut h = MessageHistory::default();
        for id in 0..400 {
            let at = id * 7;
            let flight = if id % 50 == 3 { 900 } else { 5 + id % 20 };
            send(&mut h, id, at, at + flight);
            if id % 3 != 0 {
                deliver(&mut h, id, at + flight);
            }
        }
        let scan = |from: Time, now: Time| -> Vec<u64> {
            h.records
                .iter()
                .filter(|r| r.span.sent_at <= now)
                .filter(|r| {
                    let end = r.ended.filter(|e| end_time(*e) <= now);
                    let end = end.unwrap_or(SpanEnd::InFlight { due: r.span.due });
                    end_time(end).min(now) >= from
                })
                .map(|r| r.span.id)
                .collect()
        };
        for now_ms in [0u64, 100, 1_000, 2_000, 2_790, 3_500] {
            let (from, now) = (now_ms.saturating_sub(600) * MILLIS, now_ms * MILLIS);
            let found: Vec<u64> = h.window(from, now).iter().map(|s| s.id).collect();
            assert_eq!(found, scan(from, now), "window up to {now_ms} ms");
        }
        assert!(
            h.window(1_400 * MILLIS, 2_000 * MILLIS)
                .iter()
                .any(|s| s.id == 153),
            "a slow one"
        );
    }

    fn state(h: &mut MessageHistory, at_ms: u64, node: NodeId, role: NodeStatus, term: Term) {
        let event = TraceEvent::State {
            node,
            term,
            role,
            voted_for: None,
            commit: 0,
            last_index: 0,
            last_term: 0,
        };
        h.record(at_ms * MILLIS, &event);
    }

    fn ends(h: &MessageHistory, from_ms: u64, now_ms: u64) -> Vec<(u64, SpanEnd)> {
        let w = h.window(from_ms * MILLIS, now_ms * MILLIS);
        w.iter().map(|s| (s.id, s.end)).collect()
    }

    #[test]
    fn a_send_and_its_delivery_make_a_delivered_span() {
        let mut h = MessageHistory::default();
        send(&mut h, 1, 100, 115);
        deliver(&mut h, 1, 115);
        let w = h.window(0, 200 * MILLIS);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].from, Endpoint::Node(1));
        assert_eq!(w[0].sent_at, 100 * MILLIS);
        assert_eq!(w[0].end, SpanEnd::Delivered { at: 115 * MILLIS });
    }

    #[test]
    fn an_earlier_now_sees_the_message_in_flight_or_not_yet_sent() {
        let mut h = MessageHistory::default();
        send(&mut h, 1, 100, 115);
        deliver(&mut h, 1, 115);
        let in_flight = SpanEnd::InFlight { due: 115 * MILLIS };
        assert_eq!(ends(&h, 0, 110), vec![(1, in_flight)]);
        assert!(ends(&h, 0, 99).is_empty(), "not sent yet");
        assert!(ends(&h, 116, 300).is_empty(), "over before the window");
        assert_eq!(ends(&h, 115, 300).len(), 1, "ends on the window's edge");
    }

    #[test]
    fn drops_end_spans_with_their_time_and_reason() {
        let mut h = MessageHistory::default();
        send(&mut h, 1, 100, 120);
        let drop = TraceEvent::Drop {
            id: 1,
            reason: DropReason::ByHand,
        };
        h.record(105 * MILLIS, &drop);
        let dropped = SpanEnd::Dropped {
            at: 105 * MILLIS,
            reason: DropReason::ByHand,
        };
        assert_eq!(ends(&h, 0, 200), vec![(1, dropped)]);
    }

    #[test]
    fn forgetting_after_a_fork_removes_later_sends_and_reopens_later_ends() {
        let mut h = MessageHistory::default();
        send(&mut h, 1, 100, 110);
        deliver(&mut h, 1, 110);
        send(&mut h, 2, 100, 130);
        deliver(&mut h, 2, 130);
        send(&mut h, 3, 150, 160);
        h.forget_after(120 * MILLIS);
        let reopened = SpanEnd::InFlight { due: 130 * MILLIS };
        let delivered = SpanEnd::Delivered { at: 110 * MILLIS };
        assert_eq!(ends(&h, 0, 500), vec![(1, delivered), (2, reopened)]);
        // The new future reuses the forgotten id.
        send(&mut h, 3, 125, 140);
        assert_eq!(h.window(0, 500 * MILLIS)[2].sent_at, 125 * MILLIS);
    }

    #[test]
    fn replayed_events_are_recorded_once() {
        let mut h = MessageHistory::default();
        for _ in 0..2 {
            send(&mut h, 1, 100, 110);
            deliver(&mut h, 1, 110);
            state(&mut h, 100, 1, NodeStatus::Candidate, 1);
            state(&mut h, 100, 1, NodeStatus::Candidate, 1);
            state(&mut h, 120, 1, NodeStatus::Leader, 1);
        }
        assert_eq!(h.window(0, 500 * MILLIS).len(), 1);
        let roles: Vec<_> = h.segments(0, 500 * MILLIS);
        let roles: Vec<_> = roles.iter().map(|s| (s.role, s.start, s.end)).collect();
        assert_eq!(
            roles,
            vec![
                (NodeStatus::Candidate, 100 * MILLIS, 120 * MILLIS),
                (NodeStatus::Leader, 120 * MILLIS, 500 * MILLIS)
            ]
        );
    }

    #[test]
    fn memory_is_bounded_and_says_what_was_forgotten() {
        let mut h = MessageHistory::default();
        let n = KEEP as u64 + 10;
        for id in 1..=n {
            send(&mut h, id, id, id + 5);
        }
        let w = h.window(0, Time::MAX);
        assert_eq!(w.len(), KEEP);
        assert_eq!(w[0].id, 11);
        assert_eq!(h.kept_from(), 11 * MILLIS);
    }

    #[test]
    fn segments_cover_roles_overlapping_the_window() {
        let mut h = MessageHistory::default();
        state(&mut h, 100, 2, NodeStatus::Candidate, 3);
        state(&mut h, 150, 2, NodeStatus::Leader, 3);
        state(&mut h, 400, 2, NodeStatus::Stopped, 3);
        state(&mut h, 500, 2, NodeStatus::Follower, 3);
        let s = h.segments(200 * MILLIS, 450 * MILLIS);
        let s: Vec<_> = s.iter().map(|s| (s.role, s.start, s.end)).collect();
        assert_eq!(
            s,
            vec![
                (NodeStatus::Leader, 150 * MILLIS, 400 * MILLIS),
                (NodeStatus::Stopped, 400 * MILLIS, 450 * MILLIS)
            ]
        );
        h.forget_after(300 * MILLIS);
        assert_eq!(
            h.segments(0, 600 * MILLIS).last().unwrap().end,
            600 * MILLIS
        );
    }

    /// Runs a fresh 5-node playground simulation to `until_ms`, feeding
    /// `h` only what happens after `from_ms` (a seek replays silently).
    fn run(h: &mut MessageHistory, from_ms: u64, until_ms: u64) {
        let mut sim = crate::view::playground::Playground::new(1, 5).unwrap().sim;
        sim.run_until(from_ms * MILLIS);
        sim.trace_mut().take_recorded();
        sim.run_until(until_ms * MILLIS);
        for (t, event) in sim.trace_mut().take_recorded() {
            h.record(t, &event);
        }
    }

    #[test]
    fn a_real_run_gives_delivered_spans_and_a_leader() {
        let mut h = MessageHistory::default();
        run(&mut h, 0, 2000);
        let (from, now) = (1400 * MILLIS, 2000 * MILLIS);
        let w = h.window(from, now);
        assert!(w.iter().any(|s| matches!(s.end, SpanEnd::Delivered { .. })));
        assert!(w.iter().all(|s| s.sent_at <= now));
        let leaders = h.segments(from, now);
        assert!(
            leaders.iter().any(|s| s.role == NodeStatus::Leader),
            "{leaders:?}"
        );
    }

    #[test]
    fn seeking_back_and_playing_on_changes_nothing() {
        let mut h = MessageHistory::default();
        run(&mut h, 0, 3000);
        let before = (h.window(0, 3000 * MILLIS), h.segments(0, 3000 * MILLIS));
        run(&mut h, 1000, 3000);
        let after = (h.window(0, 3000 * MILLIS), h.segments(0, 3000 * MILLIS));
        assert_eq!(before, after);
    }

    #[test]
    fn the_version_counts_changes_and_not_replays() {
        let mut h = MessageHistory::default();
        let mut versions = vec![h.version()];
        send(&mut h, 1, 100, 110);
        versions.push(h.version());
        deliver(&mut h, 1, 110);
        versions.push(h.version());
        state(&mut h, 105, 2, NodeStatus::Candidate, 1);
        versions.push(h.version());
        assert!(versions.windows(2).all(|v| v[0] < v[1]), "{versions:?}");
        // Replayed, and forgetting nothing: no change.
        send(&mut h, 1, 100, 110);
        deliver(&mut h, 1, 110);
        state(&mut h, 105, 2, NodeStatus::Candidate, 1);
        h.forget_after(200 * MILLIS);
        assert_eq!(h.version(), versions[3]);
        h.forget_after(108 * MILLIS);
        assert!(h.version() > versions[3], "a fork reopened message 1");
    }

    #[test]
    fn the_next_change_after_a_jump_back_is_the_first_event_ahead() {
        let mut h = MessageHistory::default();
        send(&mut h, 1, 100, 130);
        send(&mut h, 2, 120, 125);
        deliver(&mut h, 2, 125);
        deliver(&mut h, 1, 130);
        state(&mut h, 140, 2, NodeStatus::Candidate, 1);
        let next = |ms: u64| h.next_change_after(ms * MILLIS).map(|t| t / MILLIS);
        assert_eq!(next(50), Some(100), "a send");
        assert_eq!(next(100), Some(120), "the next send");
        assert_eq!(next(120), Some(125), "an arrival");
        assert_eq!(next(130), Some(140), "a role change");
        assert_eq!(next(140), None, "nothing ahead: the live edge");
    }
}
