//! Tests of `scenario.rs`.

use super::*;
use crate::raft::{Rng, MILLIS, SECONDS};

fn sample() -> Scenario {
    Scenario {
        seed: 42,
        nodes: 5,
        timing: Timing::default(),
        network: NetworkConfig::default(),
        disk: DiskConfig::default(),
        raft: RaftOptions::default(),
        reads: Default::default(),
        unsafe_switches: UnsafeSwitches::none(),
        faults: FaultModel::default(),
        duration: 10 * SECONDS,
        client_timeout: 5 * SECONDS,
        client_retry: None,
        workload: None,
        cursor: None,
        cursor_events: None,
        actions: vec![
            (
                500 * MILLIS,
                Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]),
            ),
            (
                600 * MILLIS,
                Action::ClientRequest {
                    to: Some(1),
                    op: Op::Write {
                        key: "msg".into(),
                        value: "say \"hi\"".into(),
                    },
                },
            ),
            (
                700 * MILLIS,
                Action::ClientRequest {
                    to: None,
                    op: Op::Cas {
                        key: "x".into(),
                        from: "1".into(),
                        to: "2".into(),
                    },
                },
            ),
            (900 * MILLIS, Action::CutLink { from: 2, to: 3 }),
            (SECONDS, Action::Heal),
            (SECONDS, Action::Restart(3)),
            (
                2 * SECONDS,
                Action::SetNetwork(NetworkConfig {
                    loss: 0.25,
                    ..NetworkConfig::default()
                }),
            ),
            (3 * SECONDS, Action::AlignTimers),
        ],
    }
}

#[test]
fn scenario_json_round_trips() {
    let s = sample();
    assert_eq!(Scenario::from_json(&s.to_json()), Ok(s));
}

#[test]
fn a_scenario_replays_to_the_same_trace_hash() {
    let s = sample();
    let (a, b) = (s.run().unwrap(), s.run().unwrap());
    assert_eq!(a.trace_hash(), b.trace_hash());
    let reread = Scenario::from_json(&s.to_json()).unwrap().run().unwrap();
    assert_eq!(reread.trace_hash(), a.trace_hash());
    assert_eq!(
        a.trace_hash(),
        SAMPLE_HASH,
        "the pinned hash the browser test also expects"
    );
}

/// The trace hash of `sample()`, also asserted by the wasm test in
/// tests/browser.rs: native and browser runs of one scenario agree.
pub const SAMPLE_HASH: u64 = 1787152094570809161;

#[test]
fn the_disk_is_optional_and_written_only_when_not_the_default() {
    assert!(!sample().to_json().contains("\"disk\""));
    let slow = Scenario {
        disk: DiskConfig::faulty(),
        ..sample()
    };
    let json = slow.to_json();
    assert!(json.contains("\"fsync_latency_us\": 4000"), "{json}");
    assert_eq!(Scenario::from_json(&json), Ok(slow.clone()));
    let hash = slow.run().unwrap().trace_hash();
    assert_ne!(hash, SAMPLE_HASH, "a slow disk changes the run");
    let bad = json.replace("\"torn_write\": 0.25", "\"torn_write\": 2");
    let err = Scenario::from_json(&bad).unwrap_err();
    assert!(err.contains("torn_write must be 0 to 1"), "{err}");
}

#[test]
fn pre_vote_and_check_quorum_are_optional_and_change_the_run() {
    assert!(!sample().to_json().contains("\"raft\""));
    let with = Scenario {
        raft: RaftOptions {
            pre_vote: true,
            check_quorum: true,
        },
        ..sample()
    };
    let json = with.to_json();
    assert!(json.contains("\"pre_vote\": true"), "{json}");
    assert_eq!(Scenario::from_json(&json), Ok(with.clone()));
    let hash = with.run().unwrap().trace_hash();
    assert_ne!(hash, SAMPLE_HASH, "pre-votes are messages of their own");
    let bad = json.replace("\"pre_vote\": true", "\"pre_vote\": 1");
    let err = Scenario::from_json(&bad).unwrap_err();
    assert!(err.contains("raft.pre_vote"), "{err}");
    let v1 = json.replace("\"version\": 2", "\"version\": 1");
    let err = Scenario::from_json(&v1).unwrap_err();
    assert!(err.contains("\"reads\" need version 2"), "{err}");
}

#[test]
fn unsafe_switches_are_optional_named_and_checked() {
    assert!(!sample().to_json().contains("\"unsafe\""));
    let broken = Scenario {
        unsafe_switches: UnsafeSwitches::none()
            .with(UnsafeSwitch::ConfigChangeWithoutNoop)
            .with(UnsafeSwitch::CommitOldTerms),
        ..sample()
    };
    let json = broken.to_json();
    assert!(
        json.contains(
            "\"unsafe\": [\n    \"commit-old-terms\",\n    \"config-change-without-noop\"\n  ]"
        ),
        "{json}"
    );
    assert_eq!(Scenario::from_json(&json), Ok(broken.clone()));
    assert_eq!(broken.config().unsafe_switches, broken.unsafe_switches);
    let hash = broken.run().unwrap().trace_hash();
    assert_ne!(hash, SAMPLE_HASH, "no election no-op: another run");
    let bad = json.replace("\"commit-old-terms\"", "\"commit-everything\"");
    let err = Scenario::from_json(&bad).unwrap_err();
    assert!(
        err.starts_with("\"unsafe\": there is no unsafe switch `commit-everything`; the switches are commit-old-terms, "),
        "{err}"
    );
    let wrong_type = json.replace("\"commit-old-terms\"", "3");
    let err = Scenario::from_json(&wrong_type).unwrap_err();
    assert!(err.starts_with("unsafe[0]: invalid type"), "{err}");
    let v1 = json.replace("\"version\": 2", "\"version\": 1");
    let err = Scenario::from_json(&v1).unwrap_err();
    assert_eq!(err, "\"unsafe\" needs version 2");
    let empty = sample()
        .to_json()
        .replace("\"seed\"", "\"unsafe\": [],\n  \"seed\"");
    assert_eq!(Scenario::from_json(&empty), Ok(sample()), "[] is none");
}

#[test]
fn reads_and_clock_drift_are_optional_and_checked() {
    assert!(!sample().to_json().contains("\"reads\""));
    let with = Scenario {
        reads: ReadSettings {
            path: ReadPath::ReadIndex,
            clock_drift_ppm: 10_000,
        },
        ..sample()
    };
    let json = with.to_json();
    assert!(json.contains("\"path\": \"read_index\""), "{json}");
    assert_eq!(Scenario::from_json(&json), Ok(with.clone()));
    let bad = json.replace("\"read_index\"", "\"quorum\"");
    let err = Scenario::from_json(&bad).unwrap_err();
    assert!(err.contains("reads.path"), "{err}");
    assert!(err.contains("unknown variant `quorum`"), "{err}");
    let wild = json.replace("\"clock_drift_ppm\": 10000", "\"clock_drift_ppm\": 600000");
    let err = Scenario::from_json(&wild).unwrap_err();
    assert!(err.contains("clock_drift_ppm must be 0 to 500000"), "{err}");
}

#[test]
fn a_later_version_is_named_before_any_field_it_may_lack() {
    let err = Scenario::from_json(r#"{"version": 9, "spread": 3}"#).unwrap_err();
    let said = "version: scenario version 9 is not supported: this build reads versions 1 to 2";
    assert!(err.starts_with(said), "{err}");
    let err = Scenario::from_json(r#"{"version": 0, "seed": 1}"#).unwrap_err();
    assert!(
        err.starts_with("version: scenario version 0 is not"),
        "{err}"
    );
    // A supported version missing a field is told that field.
    let err = Scenario::from_json(r#"{"version": 2}"#).unwrap_err();
    assert!(err.contains("missing field `seed`"), "{err}");
}

#[test]
fn bad_scenarios_say_what_is_wrong() {
    let good = sample().to_json();
    let cases = [
        (
            good.replace("\"version\": 2", "\"version\": 7"),
            "version 7 is not supported",
        ),
        (
            good.replace("\"nodes\": 5", "\"nodes\": 1000000"),
            "nodes must be 1 to 25, got 1000000",
        ),
        (
            good.replacen("\"latency_min_us\": 10000", "\"latency_min_us\": -5", 1),
            "network.latency_min_us: invalid value: integer `-5`",
        ),
        (
            good.replace("\"action\": \"heal\"", "\"action\": \"explode\""),
            "action 5 (actions[4].action): unknown variant `explode`",
        ),
        // Valid JSON of the wrong shape is not "not valid JSON" (serde_json
        // said "expected value at line 1 column ..." for an enum's name).
        (
            good.replace("\"action\": \"heal\"", "\"action\": 7"),
            "action 5 (actions[4].action): invalid type: integer `7`, expected a string",
        ),
        (
            good.replace("\"action\": \"heal\"", "\"action\": [\"heal\"]"),
            "action 5 (actions[4].action): invalid type: an array, expected a string",
        ),
        (good.replace("\"to\": 3", "\"to\": 9"), "there is no node 9"),
        (good.replace("\"seed\": 42,", ""), "missing field `seed`"),
        ("  \n".to_string(), "the scenario is empty"),
        ("{not json".to_string(), "not valid JSON"),
    ];
    for (text, expected) in cases {
        let err = Scenario::from_json(&text).unwrap_err();
        assert!(err.contains(expected), "'{err}' lacks '{expected}'");
    }
}

/// A server is on one side of a partition: naming it in two groups (or
/// twice in one) is refused, where before the last group named won.
#[test]
fn a_server_named_twice_in_a_partition_is_refused() {
    let json = |groups: &str| {
        format!(
            r#"{{"version":1,"seed":7,"nodes":5,"duration_us":1000000,
            "actions":[{{"t":1,"action":"heal"}},
            {{"t":2,"action":"partition","groups":{groups}}}]}}"#
        )
    };
    assert!(Scenario::from_json(&json("[[4,1],[2,3,5]]")).is_ok());
    for (groups, twice) in [("[[4,1],[2,3,4]]", 4), ("[[1,1,1],[2]]", 1)] {
        let err = Scenario::from_json(&json(groups)).unwrap_err();
        assert!(
            err.contains(&format!(
                "action 2 (actions[1]): node {twice} is named twice in the partition"
            )),
            "{groups}: {err}"
        );
    }
}

/// A key is checked wherever an action names one: an empty key, a key
/// over the limit on a read with a path (which went unchecked), and a key
/// with whitespace or a control character.
#[test]
fn every_key_is_checked_the_same_way() {
    let json = |client: &str| {
        format!(
            r#"{{"version":1,"seed":7,"nodes":3,"duration_us":1000000,
            "actions":[{{"t":1,"action":"client",{client}}}]}}"#
        )
    };
    let long = "k".repeat(MAX_TEXT + 1);
    assert!(Scenario::from_json(&json(r#""op":"write","key":"k","value":"""#)).is_ok());
    // A value may hold anything: the playground writes a message's text.
    let spaced = r#""op":"write","key":"k=1","value":"a b\nc""#;
    assert!(Scenario::from_json(&json(spaced)).is_ok());
    for (client, expected) in [
        (
            r#""op":"write","key":"","value":"v""#.to_string(),
            "action 1: \"key\" must not be empty",
        ),
        (
            r#""op":"read","key":"","path":"lease""#.into(),
            "action 1: \"key\" must not be empty",
        ),
        (
            format!(r#""op":"read","key":"{long}","path":"lease""#),
            "action 1: a key or value is at most 200 bytes, got 201",
        ),
        (
            format!(r#""op":"cas","key":"k","from":"","to":"{long}""#),
            "at most 200 bytes, got 201",
        ),
        // The trace's request text could not be split back (a tester).
        (
            r#""op":"write","key":"a\nb","value":"v""#.into(),
            r#"action 1: "key" must hold no whitespace or control characters, got "a\nb""#,
        ),
        (r#""op":"read","key":"a b""#.into(), r#"got "a b""#),
        (
            r#""op":"cas","key":"k\t","from":"1","to":"2""#.into(),
            r#"got "k\t""#,
        ),
        (
            r#""op":"read","key":"k\u0000","path":"lease""#.into(),
            r#"got "k\0""#,
        ),
    ] {
        let err = Scenario::from_json(&json(&client)).unwrap_err();
        assert!(
            err.contains(expected),
            "{client}: '{err}' lacks '{expected}'"
        );
    }
}

/// Property: any mutation of a valid scenario either decodes to a
/// scenario that validates and re-encodes to itself, or is refused with
/// a message; it never panics.
#[test]
fn mutated_scenarios_decode_or_are_refused() {
    let base = sample().to_json();
    let mut rng = Rng::new(7);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..5_000 {
        let mut bytes = base.clone().into_bytes();
        for _ in 0..rng.range_inclusive(1, 3) {
            let at = rng.index(bytes.len());
            let alphabet = b"0123456789-.,:[]{}\"aeltx ";
            bytes[at] = alphabet[rng.index(alphabet.len())];
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        match Scenario::from_json(&text) {
            Ok(s) => {
                accepted += 1;
                assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(&s));
            }
            Err(e) => {
                refused += 1;
                assert!(!e.is_empty());
            }
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}
