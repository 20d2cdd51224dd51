//! Tests of `message_history.rs`.

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
    h.forget(120 * MILLIS, |_| true, |_| false);
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
    h.forget(300 * MILLIS, |_| true, |_| false);
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
    h.forget(200 * MILLIS, |_| true, |_| false);
    assert_eq!(h.version(), versions[3]);
    h.forget(108 * MILLIS, |_| true, |_| false);
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
