//! A burst of host commands (`Session::update_burst`): the same run, the
//! same picture and the same events for the host as one update each, with
//! the picture drawn once.

use super::*;
use crate::view::host_api::HostEvent;
use crate::view::scene::Scene;

fn open() -> Session {
    let (params, _) = UrlParams::parse("?embed=1&seed=3");
    let mut s = Session::open(&params, &[], "", false);
    s.update(Input::Host(HostCommand::Subscribe {
        events: vec![EventKind::Committed, EventKind::RequestFinished],
    }));
    s.update(Input::Skip(2_000));
    assert!(s.playground.sim.leader().is_some());
    s.host_events(0.0); // as the page does after every update
    s
}

fn act(json: &str) -> Input {
    let action = crate::json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
    Input::Host(HostCommand::Act { action })
}

/// Writes, a stop and a resume, a refused action, a pause between them
/// (not an act: it ends the hold) and more writes.
fn burst() -> Vec<Input> {
    let write = |i| {
        act(&format!(
            r#"{{"action":"client","op":"write","key":"k","value":"{i}"}}"#
        ))
    };
    let mut inputs: Vec<Input> = (0..30).map(write).collect();
    inputs.push(act(r#"{"action":"stop","node":2}"#));
    inputs.push(act(r#"{"action":"stop","node":9}"#));
    inputs.push(Input::Host(HostCommand::Pause));
    inputs.push(act(r#"{"action":"resume","node":2}"#));
    inputs.extend((30..40).map(write));
    inputs
}

/// What a host and the page see of a session, with the events it was
/// sent (`events`, so far) after 300 ms more.
fn seen(s: &mut Session, mut events: Vec<HostEvent>) -> (u64, usize, Scene, Vec<HostEvent>) {
    s.update(Input::Skip(300));
    events.extend(s.host_events(0.0));
    let p = &s.playground;
    (
        p.sim.trace_hash(),
        p.scenario.actions.len(),
        p.scene.clone(),
        events,
    )
}

#[test]
fn a_burst_is_the_same_run_picture_and_events_as_one_update_each() {
    let mut one_by_one = open();
    let mut events = Vec::new();
    for input in burst() {
        one_by_one.update(input);
        events.extend(one_by_one.host_events(0.0));
    }
    let mut together = open();
    together.update_burst(burst(), 0.0);
    let (drawn, burst_drawn) = (&one_by_one.playground.scene, &together.playground.scene);
    assert_eq!(drawn, burst_drawn, "the picture at the burst's end");
    let in_flight = drawn.messages.len() + drawn.undrawn;
    assert!(in_flight >= 10, "the last writes in flight");
    let a = seen(&mut one_by_one, events);
    let events = together.host_events(0.0);
    let b = seen(&mut together, events);
    assert_eq!(a.0, b.0, "trace hash");
    assert_eq!(a.1, b.1, "actions recorded");
    assert_eq!(a.1, 40 + 2, "the refused one is not recorded");
    assert_eq!(a.2, b.2, "the picture 300 ms later");
    assert_eq!(a.3, b.3, "the host's events");
    let errors = a.3.iter().filter(|e| matches!(e, HostEvent::Error { .. }));
    assert_eq!(errors.count(), 1, "stop node 9");
    let finished =
        a.3.iter()
            .filter(|e| matches!(e, HostEvent::RequestFinished { .. }));
    assert_eq!(finished.count(), 40, "{:?}", a.3);
}

#[test]
fn the_picture_waits_for_the_end_of_a_run_of_actions() {
    let mut s = open();
    let in_flight = |s: &Session| s.playground.scene.messages.len();
    let before = in_flight(&s);
    s.playground.hold_redraw();
    s.update(act(
        r#"{"action":"client","op":"write","key":"k","value":"1"}"#,
    ));
    assert_eq!(in_flight(&s), before, "held: not drawn yet");
    s.playground.release_redraw();
    assert_eq!(
        in_flight(&s),
        before + 1,
        "the request, drawn at the release"
    );
    // A copy taken while held (Undo's) is drawn when it is next updated.
    s.playground.hold_redraw();
    s.update(act(
        r#"{"action":"client","op":"write","key":"k","value":"2"}"#,
    ));
    let mut copy = s.clone();
    assert_eq!(in_flight(&copy), before + 1);
    copy.update(Input::Rest);
    assert_eq!(in_flight(&copy), before + 2);
}
