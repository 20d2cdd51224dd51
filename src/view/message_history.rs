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

    /// A fork at the moment `sim` is at: what happened after it never did.
    /// Messages sent later go; those that arrived or died later are in
    /// flight again. Within the fork's microsecond, `sim`'s network says
    /// which (the new run gives its messages the discarded ones' ids).
    pub fn forget_after(&mut self, sim: &crate::sim::Simulation) {
        let network = sim.network();
        let in_flight = |id| network.get(id).is_some();
        self.forget(sim.now(), |id| network.was_sent(id), in_flight);
    }

    /// A fork at `t`, after which the messages `was_sent` says were sent
    /// and `in_flight` says are in flight.
    fn forget(&mut self, t: Time, was_sent: impl Fn(u64) -> bool, in_flight: impl Fn(u64) -> bool) {
        let mut changed = false;
        let later = |r: &Record| r.span.sent_at > t || !was_sent(r.span.id);
        while self.records.back().is_some_and(later) {
            self.records.pop_back();
            changed = true;
        }
        for r in &mut self.records {
            let undone = |e| end_time(e) > t || in_flight(r.span.id);
            if r.ended.is_some_and(undone) {
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
#[path = "message_history_tests.rs"]
mod tests;
