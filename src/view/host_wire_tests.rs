//! A host's commands reach the page as the studio read them, and the
//! page's events reach the host as the documented objects: every variant
//! crosses the page-studio wire unchanged.

use super::*;
use crate::view::studio_wire::{decode, encode};

fn command(json: &str) -> HostCommand {
    crate::json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

#[test]
fn every_kind_of_host_command_crosses_unchanged() {
    let example = include_str!("../../docs/examples/minority-leader.json");
    let commands = [
        r#"{"type":"play"}"#.to_string(),
        r#"{"type":"pause"}"#.into(),
        r#"{"type":"set_speed","speed":0.25}"#.into(),
        r#"{"type":"seek","t_us":1000000}"#.into(),
        format!(r#"{{"type":"load","scenario":{example}}}"#),
        r#"{"type":"start_tour","tour":"split-vote","step":2}"#.into(),
        // Reads, but does not validate: the session refuses it, as before.
        r#"{"type":"load","scenario":{"version":2,"seed":1,"nodes":5,"duration_us":1000,"actions":[{"t":0,"action":"stop","node":99}]}}"#.into(),
        r#"{"type":"act","action":{"action":"partition","groups":[[1,2],[3,4,5]]}}"#.into(),
        r#"{"type":"act","action":{"action":"client","op":"write","key":"msg","value":"hello"}}"#
            .into(),
        r#"{"type":"act","action":{"action":"clock","node":2,"ppm":600}}"#.into(),
        r#"{"type":"subscribe","events":["request_finished","committed","applied"]}"#.into(),
        r#"{"type":"unsubscribe","events":["clock","violation","leader_elected"]}"#.into(),
    ];
    for json in commands {
        let original = command(&json);
        let text = encode(&HostCommandWire::of(original.clone()));
        let back = decode::<HostCommandWire>(&text).unwrap().into_command();
        assert_eq!(back, Ok(original), "{json}");
    }
}

#[test]
fn a_load_whose_scenario_does_not_read_is_an_error() {
    for damaged in ["r=AAAA", "r=%%", "z=AAAA", ""] {
        let broken = HostCommandWire::Load {
            scenario: damaged.into(),
        };
        let error = broken.into_command().unwrap_err();
        assert!(error.contains("damaged"), "{damaged}: {error}");
    }
}

#[test]
fn every_kind_of_event_crosses_unchanged_and_posts_the_same_object() {
    let events = vec![
        HostEvent::Ready {
            protocol: 1,
            nodes: 5,
            t_us: 12,
            paused: true,
            leader: None,
        },
        HostEvent::LeaderElected {
            t_us: 150_000,
            node: 3,
            term: 2,
        },
        HostEvent::Committed {
            t_us: 1,
            node: 3,
            term: 2,
            index: 7,
        },
        HostEvent::Applied {
            t_us: 2,
            node: 4,
            index: 7,
            term: 2,
            command: "c1000000#1 write msg=hi".into(),
        },
        HostEvent::RequestFinished {
            t_us: 3,
            client: 1_000_000,
            request: 1,
            op: Some("write msg=hi".into()),
            outcome: Outcome::Ok,
            result: None,
        },
        HostEvent::Violation {
            t_us: 4,
            invariant: "election_safety".into(),
            nodes: vec![1, 2],
            detail: "two leaders in term 3".into(),
        },
        HostEvent::Clock {
            t_us: 5,
            paused: false,
            speed: 0.5,
            leader: Some(2),
        },
        HostEvent::Error {
            command: "act".into(),
            message: "there is no node 9".into(),
        },
    ];
    for event in events {
        let text = encode(&HostEventWire::from(event.clone()));
        let back = HostEvent::from(decode::<HostEventWire>(&text).unwrap());
        assert_eq!(back, event);
        let posted = |e: &HostEvent| serde_json::to_value(e.envelope()).unwrap();
        assert_eq!(posted(&back), posted(&event));
    }
}
