//! Tests of `sequence.rs`.

use super::*;
use crate::sim::{DropReason, Simulation, TraceEvent};
use crate::view::playground::playground_config;

const MS: Time = MILLIS;

fn send(id: u64, from: u64, to: u64, kind: &'static str, due: Time) -> TraceEvent {
    TraceEvent::Send {
        id,
        from: Endpoint::Node(from),
        to: Endpoint::Node(to),
        kind,
        term: Some(2),
        deliver_t: due,
    }
}

/// Two votes asked at 1.000 s: one arrives at 1.020 s, one is dropped
/// halfway at 1.010 s.
fn history() -> MessageHistory {
    let mut h = MessageHistory::default();
    h.record(1_000 * MS, &send(1, 1, 3, "RequestVote", 1_020 * MS));
    h.record(1_000 * MS, &send(2, 1, 2, "RequestVote", 1_020 * MS));
    let drop = TraceEvent::Drop {
        id: 2,
        reason: DropReason::Partitioned,
    };
    h.record(1_010 * MS, &drop);
    h.record(1_020 * MS, &TraceEvent::Deliver { id: 1 });
    h
}

/// Where the page shows time `t` at `now`, worked out from scratch:
/// `now` at the plot's bottom, the window filling the plot.
fn screen_y(now: Time, t: Time) -> f64 {
    HEIGHT - BOTTOM - (now as f64 - t as f64) * (HEIGHT - TOP - BOTTOM) / WINDOW as f64
}

/// Lifeline `node` (1-based) of `lanes`, worked out from scratch.
fn lane(node: u64, lanes: u64) -> f64 {
    LEFT + (node as f64 - 0.5) * (WIDTH - LEFT - RIGHT) / lanes as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// Time labels are tenths without a unit: at a phone's width, where
/// they are drawn larger, five characters fit left of the lanes, and
/// "101.80s" lost its first digit there.
#[test]
fn time_labels_stay_short_past_a_hundred_seconds() {
    let labels: Vec<String> = ticks(0, 101_600 * MS, 101_800 * MS)
        .into_iter()
        .map(|t| t.label)
        .collect();
    assert_eq!(labels, ["101.6", "101.7", "101.8"]);
    assert!(ticks(0, 0, 999_900 * MS).iter().all(|t| t.label.len() <= 5));
}

#[test]
fn arrows_run_from_sender_at_send_time_to_receiver_at_arrival() {
    let now = 1_100 * MS;
    let view = SequenceView::new(&history(), 3, now);
    let (d, shift) = (view.content(), view.shift(now));
    let a = &d.arrows[0];
    assert_eq!((a.x1, a.x2), (lane(1, 3), lane(3, 3)));
    assert!(close(a.y1 + shift, screen_y(now, 1_000 * MS)));
    assert!(close(a.y2 + shift, screen_y(now, 1_020 * MS)));
    assert_eq!(a.tip, Tip::Head);
    assert!(a.y2 > a.y1, "time flows down");
    let dropped = &d.arrows[1];
    assert_eq!(dropped.tip, Tip::Cross);
    assert!(
        close(dropped.x2, (lane(1, 3) + lane(2, 3)) / 2.0),
        "died halfway"
    );
    assert!(close(dropped.y2 + shift, screen_y(now, 1_010 * MS)));
    assert!(dropped.label.contains("dropped t=1.010s (partition)"));
    assert_eq!(
        d.summary,
        "2 messages in the 0.6 s up to t=1.100s, 1 dropped"
    );
}

#[test]
fn at_an_earlier_now_messages_are_in_flight_with_a_dot_at_now() {
    let now = 1_005 * MS;
    let view = SequenceView::new(&history(), 3, now);
    let (d, shift) = (view.content(), view.shift(now));
    assert!(d.arrows.iter().all(|a| a.tip == Tip::Dot));
    // Drawn to the receiver at the due time, cut by the clip at `now`;
    // the dot is a quarter of the way at 5 ms of 20.
    let a = &d.arrows[0];
    assert!(close(a.y2 + shift, screen_y(now, 1_020 * MS)));
    let dot = a.x_at(NOW_Y - shift).unwrap();
    assert!(close(dot, lane(1, 3) + (lane(3, 3) - lane(1, 3)) / 4.0));
    assert_eq!(
        a.x_at(NOW_Y - shift + 50.0),
        None,
        "not beyond its due time"
    );
    assert_eq!(d.lanes.len(), 3, "no clients lane without client messages");
    let shown: Vec<_> = d.ticks.iter().filter(|t| t.t <= now).collect();
    assert_eq!(shown.last().unwrap().label, "1.0");
    assert!(shown
        .iter()
        .all(|t| t.y + shift >= TOP && t.y + shift <= NOW_Y));
}

#[test]
fn frames_within_a_tick_with_nothing_new_keep_the_same_content() {
    let h = history();
    let mut view = SequenceView::default();
    assert!(view.update(&h, 3, 1_030 * MS));
    let first = view.content();
    for now in [1_030, 1_031, 1_050, 1_099] {
        assert!(!view.update(&h, 3, now * MS), "recomputed at {now} ms");
    }
    assert!(Rc::ptr_eq(&first, &view.content()));
    assert!(
        view.shift(1_099 * MS) < view.shift(1_030 * MS),
        "it slides up"
    );
}

#[test]
fn content_is_recomputed_on_news_a_tick_and_going_back() {
    let mut h = history();
    let mut view = SequenceView::new(&h, 3, 1_030 * MS);
    assert!(view.update(&h, 3, 1_100 * MS), "the window crossed a tick");
    h.record(1_100 * MS, &send(3, 2, 1, "AppendEntries", 1_110 * MS));
    assert!(view.update(&h, 3, 1_100 * MS), "a send");
    assert_eq!(view.content().arrows.len(), 3);
    h.record(1_110 * MS, &TraceEvent::Deliver { id: 3 });
    assert!(view.update(&h, 3, 1_110 * MS), "an arrival");
    assert!(view.update(&h, 3, 1_015 * MS), "back in time");
    let d = view.content();
    assert_eq!(d.arrows.len(), 2, "message 3 not sent yet");
    assert_eq!((d.arrows[0].tip, d.arrows[1].tip), (Tip::Dot, Tip::Cross));
}

/// A recompute keeps the arrows of messages that did not change (the
/// same `Rc`, so the page does not touch them) and draws what did; the
/// result equals a diagram drawn from scratch.
#[test]
fn a_recompute_reuses_the_arrows_that_did_not_change() {
    let mut h = history();
    let mut view = SequenceView::new(&h, 3, 1_100 * MS);
    let before = view.content();
    h.record(1_100 * MS, &send(3, 2, 1, "AppendEntries", 1_110 * MS));
    assert!(view.update(&h, 3, 1_100 * MS));
    let after = view.content();
    for a in &before.arrows {
        let kept = after.arrows.iter().find(|b| b.id == a.id).unwrap();
        assert!(Rc::ptr_eq(a, kept), "message {} was drawn again", a.id);
    }
    h.record(1_110 * MS, &TraceEvent::Deliver { id: 3 });
    assert!(view.update(&h, 3, 1_110 * MS));
    let arrived = view.content();
    let (old, new) = (&after.arrows[2], &arrived.arrows[2]);
    assert!(!Rc::ptr_eq(old, new), "its arrival changes its arrow");
    assert_eq!((old.tip, new.tip), (Tip::Dot, Tip::Head));
    let fresh = diagram(&h, 3, 1_110 * MS, arrived_until(&view), arrived.base);
    assert_eq!(*arrived, fresh);
}

fn arrived_until(view: &SequenceView) -> Time {
    view.made.unwrap().until
}

#[test]
fn replaying_after_a_jump_back_recomputes_at_each_recorded_change() {
    let h = history(); // everything up to 1.020 s is already recorded
    let mut view = SequenceView::new(&h, 3, 1_005 * MS);
    assert!(!view.update(&h, 3, 1_009 * MS));
    assert!(view.update(&h, 3, 1_010 * MS), "the drop, recorded ahead");
    assert_eq!(view.content().arrows[1].tip, Tip::Cross);
    assert!(!view.update(&h, 3, 1_019 * MS));
    assert!(view.update(&h, 3, 1_020 * MS), "the arrival");
    assert_eq!(view.content().arrows[0].tip, Tip::Head);
}

/// What the page showed before the content was drawn in absolute time:
/// each arrow cut to the window, from where it was at the window's top
/// (or its send) to where it was when it ended (or at `now`), in screen
/// coordinates.
fn screen_arrow(s: &Span, lanes: u64, now: Time) -> (f64, f64, f64, f64) {
    let x = |e: Endpoint| match e {
        Endpoint::Node(id) => lane(id, lanes),
        Endpoint::Client(_) => lane(lanes, lanes),
    };
    let flight = s.due.saturating_sub(s.sent_at).max(1) as f64;
    let x_at = |t: Time| {
        let done = (t.saturating_sub(s.sent_at) as f64 / flight).min(1.0);
        x(s.from) + (x(s.to) - x(s.from)) * done
    };
    let start = s.sent_at.max(now.saturating_sub(WINDOW));
    let end = match s.end {
        SpanEnd::Delivered { at } | SpanEnd::Dropped { at, .. } => at,
        SpanEnd::InFlight { .. } => now,
    };
    (
        x_at(start),
        screen_y(now, start),
        x_at(end),
        screen_y(now, end),
    )
}

/// Over a real run, past a change of base: every arrow, moved by the
/// shift and cut to the plot, is where the page drew it before.
#[test]
fn shifted_content_matches_the_window_drawn_in_screen_coordinates() {
    let mut sim = Simulation::new(playground_config(3, 5)).unwrap();
    let mut h = MessageHistory::default();
    let mut view = SequenceView::default();
    let mut checked = 0;
    for now in (9_500..10_700).step_by(7).map(|ms| ms * MS) {
        sim.run_until(now);
        for (t, event) in sim.trace_mut().take_recorded() {
            h.record(t, &event);
        }
        view.update(&h, 5, now);
        let (d, shift) = (view.content(), view.shift(now));
        let spans = h.window(now - WINDOW, now);
        // Arrows the window no longer shows may stay till the next tick,
        // above the plot's top, where the clip hides them.
        let shown = |a: &&Rc<Arrow>| spans.iter().any(|s| s.id == a.id);
        let (shown, hidden): (Vec<_>, Vec<_>) = d.arrows.iter().partition(shown);
        assert!(hidden.iter().all(|a| a.y2 + shift < TOP), "{hidden:?}");
        assert_eq!(shown.len(), spans.len());
        for (a, s) in shown.iter().zip(&spans) {
            let (x1, y1, x2, y2) = screen_arrow(s, 5, now);
            let (ay1, ay2) = (a.y1 + shift, a.y2 + shift);
            // The old start lies on the new line (the clip cuts there).
            let along = (y1 - ay1) / (ay2 - ay1);
            assert!(close(x1, a.x1 + (a.x2 - a.x1) * along.min(1.0)) || ay1 == ay2);
            match a.tip {
                Tip::Dot => {
                    assert!(close(y2, NOW_Y));
                    assert!(close(x2, a.x_at(NOW_Y - shift).unwrap()));
                }
                _ => assert!(close(x2, a.x2) && close(y2, ay2), "{a:?}"),
            }
            checked += 1;
        }
        assert!(
            d.arrows.iter().all(|a| a.y1.abs() < 10_000.0),
            "small numbers"
        );
    }
    assert!(checked > 1_000, "{checked}");
}
