//! Tests of the link codec; the random scenarios are shared with the
//! JSON round trips.

use super::*;
use crate::raft::{NodeId, Op, Rng, SECONDS};
use crate::sim::config::MIN_TIMER;
use crate::sim::fault_model::Delivery;

/// A time: whole milliseconds half the time, since those are encoded
/// differently.
fn time(rng: &mut Rng, max: Time) -> Time {
    match rng.index(2) {
        0 => rng.range_inclusive(0, max / MILLIS) * MILLIS,
        _ => rng.range_inclusive(0, max),
    }
}

fn fraction(rng: &mut Rng) -> f64 {
    match rng.index(4) {
        0 => 0.0,
        1 => rng.range_inclusive(0, 10_000) as f64 / 10_000.0,
        2 => rng.range_inclusive(0, 100) as f64 / 100.0,
        _ => (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64,
    }
}

fn network(rng: &mut Rng) -> NetworkConfig {
    if rng.index(3) == 0 {
        return NetworkConfig::default();
    }
    let latency_max = time(rng, 60 * SECONDS);
    NetworkConfig {
        latency_min: rng.range_inclusive(0, latency_max),
        latency_max,
        loss: fraction(rng),
        duplication: fraction(rng),
    }
}

/// The default disk two times in three (format 2), else a random one
/// (format 3).
fn disk(rng: &mut Rng) -> DiskConfig {
    if rng.index(3) != 0 {
        return DiskConfig::default();
    }
    DiskConfig {
        write_latency: time(rng, SECONDS),
        fsync_latency: time(rng, 60 * SECONDS),
        // Format 8 half the time.
        fsync_jitter: match rng.index(2) {
            0 => 0,
            _ => time(rng, 60 * SECONDS),
        },
        torn_write: fraction(rng),
    }
}

/// Off half the time; otherwise each setting on or off at random.
fn faults(rng: &mut Rng) -> FaultModel {
    if rng.index(2) == 0 {
        return FaultModel::default();
    }
    let max = time(rng, 60 * SECONDS);
    let tail = LatencyTail {
        probability: fraction(rng),
        min: rng.range_inclusive(0, max),
        max,
    };
    FaultModel {
        latency_tail: [LatencyTail::default(), tail][rng.index(2)],
        partitions: [PartitionMode::Drop, PartitionMode::Hold][rng.index(2)],
        paused_inbox: [PausedInbox::Drop, PausedInbox::Keep][rng.index(2)],
        client_duplication: rng.index(2) == 0,
        delivery: [Delivery::Network, Delivery::ByAction][rng.index(2)],
    }
}

fn text(rng: &mut Rng) -> String {
    let chars = [
        'a',
        'z',
        '0',
        ' ',
        '"',
        '\\',
        '\u{e9}',
        '\u{65e5}',
        '\u{1f980}',
        '\n',
    ];
    let len = rng.range_inclusive(0, 12);
    (0..len).map(|_| chars[rng.index(chars.len())]).collect()
}

/// A key: `text`, drawn the same, with an empty one made "k" and spaces
/// and newlines made "_" (such keys are refused, as the page's request box
/// cannot make them).
fn key(rng: &mut Rng) -> String {
    Some(text(rng).replace(char::is_whitespace, "_"))
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "k".into())
}

pub fn action(rng: &mut Rng, nodes: u64) -> Action {
    let mut node = || rng.range_inclusive(1, nodes);
    let (a, b) = (node(), node());
    let b = if a == b { a % nodes + 1 } else { b };
    match rng.index(31) {
        0 => Action::Stop(a),
        1 => Action::Resume(a),
        2 => Action::ResumeAll,
        3 => Action::Restart(a),
        4 => Action::ForceTimeout(a),
        5 => {
            let groups = rng.range_inclusive(0, 4);
            let mut group = || {
                (0..rng.range_inclusive(0, 4))
                    .map(|_| rng.range_inclusive(1, nodes))
                    .collect()
            };
            let groups: Vec<Vec<NodeId>> = (0..groups).map(|_| group()).collect();
            // A server is on one side: each id kept where it comes first
            // (drawn as before, so every scenario's other draws stay).
            let mut seen = std::collections::BTreeSet::new();
            let groups = groups
                .into_iter()
                .map(|g| g.into_iter().filter(|&id| seen.insert(id)).collect())
                .collect();
            Action::Partition(groups)
        }
        6 => Action::Heal,
        7 => Action::CutLink { from: a, to: b },
        8 => Action::RestoreLink { from: a, to: b },
        9 => Action::DropMessage(rng.next_u64() >> 20),
        27 => Action::DeliverMessage(rng.next_u64() >> 20),
        28 => Action::DuplicateMessage(rng.next_u64() >> 20),
        29 => Action::Heartbeat(a),
        30 => Action::SyncDisk(a),
        10 => Action::SetNetwork(network(rng)),
        11 => Action::AlignTimers,
        12 => Action::SpreadTimers,
        16 => Action::Deafen(a),
        20 => Action::SetReads(crate::raft::ReadPath::ALL[rng.index(4)]),
        21 => Action::SetClockRate {
            node: a,
            ppm: rng.range_inclusive(0, 1_000_000) as i64 - 500_000,
        },
        22 => Action::ClientRead {
            to: (rng.index(2) == 0).then_some(a),
            key: key(rng),
            path: crate::raft::ReadPath::ALL[rng.index(4)],
        },
        19 => Action::TransferLeadership(a),
        23 => Action::SetDriftBound(rng.range_inclusive(0, 500_000)),
        24 => Action::AddServer,
        25 => Action::RemoveServer(a),
        26 => Action::ReplaceServers {
            remove: vec![a, b],
            add: rng.range_inclusive(0, 3),
        },
        18 => Action::SetRaft(crate::sim::config::RaftOptions {
            pre_vote: rng.index(2) == 0,
            check_quorum: rng.index(2) == 0,
        }),
        17 => Action::ReachOnly {
            node: a,
            peers: (1..=nodes)
                .filter(|&p| p != a && rng.index(2) == 0)
                .collect(),
        },
        kind => {
            let to = (rng.index(2) == 0).then_some(a);
            let key = key(rng);
            let op = match kind {
                13 => Op::Read { key },
                14 => Op::Write {
                    key,
                    value: text(rng),
                },
                _ => Op::Cas {
                    key,
                    from: text(rng),
                    to: text(rng),
                },
            };
            Action::ClientRequest { to, op }
        }
    }
}

/// A valid scenario whose actions are at most `step` apart.
pub fn random_scenario(rng: &mut Rng, step: Time) -> Scenario {
    let nodes = rng.range_inclusive(2, 9);
    let timing = match rng.index(3) {
        0 => Timing::default(),
        1 => PLAYGROUND_TIMING,
        _ => {
            let max = time(rng, 60 * SECONDS).max(MIN_TIMER + 1);
            let min = rng.range_inclusive(MIN_TIMER + 1, max);
            let heartbeat_interval = rng.range_inclusive(MIN_TIMER, min - 1);
            Timing {
                election_timeout_min: min,
                election_timeout_max: max,
                heartbeat_interval,
            }
        }
    };
    let mut at = 0;
    let actions = (0..rng.range_inclusive(0, 30))
        .map(|_| {
            at += time(rng, step);
            (at, action(rng, nodes))
        })
        .collect();
    let mut s = Scenario {
        seed: rng.next_u64() >> rng.range_inclusive(12, 63),
        nodes,
        timing,
        network: network(rng),
        disk: disk(rng),
        duration: at + time(rng, step),
        client_timeout: time(rng, 3600 * SECONDS).max(1),
        workload: match rng.index(3) {
            0 => None,
            _ => Some(ClientLoad {
                clients: rng.range_inclusive(0, 20) as u32,
                rate: fraction(rng) * 1000.0 + 0.5,
                keys: rng.range_inclusive(1, 9) as u32,
                read_fraction: fraction(rng) / 2.0,
                cas_fraction: fraction(rng) / 2.0,
            }),
        },
        cursor: (rng.index(2) == 0).then(|| time(rng, at)),
        cursor_events: None,
        actions,
        // Drawn last, so the other fields are those drawn before they existed.
        faults: faults(rng),
        client_retry: (rng.index(2) == 0).then(|| time(rng, 3600 * SECONDS).max(1)),
        raft: crate::sim::config::RaftOptions {
            pre_vote: rng.index(2) == 0,
            check_quorum: rng.index(2) == 0,
        },
        reads: crate::sim::config::ReadSettings {
            path: crate::raft::ReadPath::ALL[rng.index(4)],
            clock_drift_ppm: rng.range_inclusive(0, 500_000),
        },
        // Not drawn, so every scenario drawn is the one drawn before unsafe
        // switches existed (`a_scenario_with_unsafe_switches_writes_format_6`).
        unsafe_switches: Default::default(),
    };
    // Within the requests a run may be expected to make (not drawn, so the
    // rest is drawn as before the limit).
    let seconds = s.duration as f64 / SECONDS as f64;
    if let Some(load) = &mut s.workload {
        let most = (crate::sim::config::MAX_REQUESTS / seconds).floor();
        load.rate = load.rate.min(most);
    }
    assert_eq!(s.validate(), Ok(()), "{s:?}");
    s
}

fn round_trip(s: &Scenario) {
    let bytes = to_bytes(s);
    let back = from_bytes(&bytes).unwrap();
    assert_eq!(&back, s);
    // Equal bytes again: every f64 bit survived.
    assert_eq!(to_bytes(&back), bytes);
}

#[test]
fn random_scenarios_round_trip_and_replay_to_the_same_hash() {
    let mut rng = Rng::new(11);
    for _ in 0..500 {
        round_trip(&random_scenario(&mut rng, 40 * 60 * SECONDS));
    }
    for _ in 0..6 {
        let s = random_scenario(&mut rng, 100 * MILLIS);
        let back = from_bytes(&to_bytes(&s)).unwrap();
        let (a, b) = (s.run().unwrap(), back.run().unwrap());
        assert_eq!(a.trace_hash(), b.trace_hash());
    }
}

#[test]
fn only_a_scenario_with_a_disk_writes_format_3() {
    let mut s =
        Scenario::from_json(include_str!("../../../docs/examples/minority-leader.json")).unwrap();
    let plain = to_bytes(&s);
    assert_eq!(plain[0], FORMAT);
    s.disk = DiskConfig::slow();
    let bytes = to_bytes(&s);
    assert_eq!(bytes[0], FORMAT_WITH_DISK);
    assert_eq!(
        &bytes[1..plain.len()],
        &plain[1..],
        "format 2, then the disk"
    );
    assert_eq!(from_bytes(&bytes), Ok(s.clone()));
    // A disk whose fsyncs vary writes format 8: format 3's bytes, the
    // default extras, reads, switches and delivery, then the jitter.
    s.disk = DiskConfig::faulty();
    let jittery = to_bytes(&s);
    assert_eq!(jittery[0], FORMAT_WITH_FSYNC_JITTER);
    let jitter = postcard::to_allocvec(&s.disk.fsync_jitter).unwrap();
    assert!(jittery.ends_with(&jitter));
    assert_eq!(from_bytes(&jittery), Ok(s.clone()));
    s.disk.fsync_jitter = 0;
    let fixed = to_bytes(&s);
    assert_eq!(fixed[0], FORMAT_WITH_DISK, "a fixed fsync stays format 3");
}

/// Format 4 is format 3 (with the disk, default or not) and the extras:
/// format 2 and format 3 links keep their bytes.
#[test]
fn only_a_scenario_with_reads_or_drift_writes_format_5() {
    let mut s =
        Scenario::from_json(include_str!("../../../docs/examples/minority-leader.json")).unwrap();
    let plain = to_bytes(&s);
    assert_eq!(plain[0], FORMAT);
    s.reads.path = crate::raft::ReadPath::Lease;
    let bytes = to_bytes(&s);
    assert_eq!(bytes[0], FORMAT_WITH_READS);
    assert_eq!(&bytes[1..plain.len()], &plain[1..], "format 2 first");
    assert_eq!(from_bytes(&bytes).as_ref(), Ok(&s));
    s.reads = Default::default();
    s.reads.clock_drift_ppm = 10_000;
    s.raft.pre_vote = true;
    let bytes = to_bytes(&s);
    assert_eq!(bytes[0], FORMAT_WITH_READS, "drift alone needs format 5");
    assert_eq!(from_bytes(&bytes), Ok(s.clone()));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(
        from_bytes(&trailing),
        Err("1 unexpected byte at the end".into())
    );
}

/// Format 6 is format 5 (with the disk, extras and reads, default or not)
/// and the switches' names: links without switches keep their bytes, and
/// a name this build does not know is refused, naming it.
#[test]
fn only_a_scenario_with_unsafe_switches_writes_format_6() {
    use crate::raft::{UnsafeSwitch, UnsafeSwitches};
    let mut s =
        Scenario::from_json(include_str!("../../../docs/examples/minority-leader.json")).unwrap();
    let plain = to_bytes(&s);
    s.unsafe_switches = UnsafeSwitches::none().with(UnsafeSwitch::ConfigChangeWithoutNoop);
    let bytes = to_bytes(&s);
    assert_eq!(bytes[0], FORMAT_WITH_UNSAFE);
    assert_eq!(&bytes[1..plain.len()], &plain[1..], "format 2 first");
    let name = b"config-change-without-noop";
    let tail = [&[1, name.len() as u8][..], name].concat();
    assert!(bytes.ends_with(&tail), "then one name: {bytes:?}");
    assert_eq!(from_bytes(&bytes).as_ref(), Ok(&s));
    s.unsafe_switches = s.unsafe_switches.with(UnsafeSwitch::LocalReads);
    s.reads.path = crate::raft::ReadPath::ReadIndex;
    s.disk = DiskConfig::faulty();
    assert_eq!(from_bytes(&to_bytes(&s)), Ok(s.clone()));
    let mut unknown = bytes.clone();
    let at = unknown.len() - name.len();
    unknown[at..].copy_from_slice(b"config-change-without-nope");
    let err = from_bytes(&unknown).unwrap_err();
    assert!(
        err.contains("there is no unsafe switch `config-change-without-nope`"),
        "{err}"
    );
    s.unsafe_switches = UnsafeSwitches::none();
    s.reads = Default::default();
    s.disk = DiskConfig::default();
    assert_eq!(to_bytes(&s), plain, "no switch: format 2 again");
}

#[test]
fn only_a_scenario_with_faults_or_retries_writes_format_4() {
    let mut s =
        Scenario::from_json(include_str!("../../../docs/examples/minority-leader.json")).unwrap();
    let plain = to_bytes(&s);
    s.faults.partitions = PartitionMode::Hold;
    let bytes = to_bytes(&s);
    assert_eq!(bytes[0], FORMAT_WITH_EXTRAS);
    assert_eq!(&bytes[1..plain.len()], &plain[1..], "format 2 first");
    let default_disk = postcard::to_allocvec(&DiskConfig::default()).unwrap();
    assert_eq!(
        &bytes[plain.len()..plain.len() + default_disk.len()],
        &default_disk[..],
        "then the disk, even the default one"
    );
    assert_eq!(from_bytes(&bytes).as_ref(), Ok(&s));
    s.faults = FaultModel::default();
    s.raft.check_quorum = true;
    let bytes = to_bytes(&s);
    assert_eq!(
        bytes[0], FORMAT_WITH_EXTRAS,
        "CheckQuorum alone needs format 4"
    );
    assert_eq!(from_bytes(&bytes).as_ref(), Ok(&s));
    s.client_retry = Some(SECONDS);
    s.disk = DiskConfig::slow();
    let bytes = to_bytes(&s);
    assert_eq!(bytes[0], FORMAT_WITH_EXTRAS);
    assert_eq!(from_bytes(&bytes), Ok(s));
}

#[test]
fn whole_milliseconds_cost_less_and_odd_times_survive() {
    for t in [0, 1, 999, 1_000, 1_001, 86_400 * SECONDS, u64::MAX / 4] {
        assert_eq!(LinkTime::from(u64::from(LinkTime(t))).0, t);
    }
    let one_second = postcard::to_allocvec(&LinkTime(SECONDS)).unwrap();
    assert_eq!(one_second.len(), 2);
}

#[test]
fn defaults_and_the_playground_settings_cost_a_byte_each() {
    let playground = crate::view::playground::playground_config(1, 5);
    assert_eq!(playground.timing, PLAYGROUND_TIMING);
    let mut s = Scenario::from_json(include_str!("../../../docs/tours/split-vote.json")).unwrap();
    s.actions.clear();
    let paper = to_bytes(&s).len();
    s.timing = playground.timing;
    s.network = playground.network;
    assert_eq!(to_bytes(&s).len(), paper);
    // format, seed, nodes, 1 s (2), 5 s (2), timing, network, workload,
    // cursor, cursor events, no actions
    assert_eq!(paper, 13);
}

#[test]
fn damaged_bytes_are_refused_with_a_message() {
    let s =
        Scenario::from_json(include_str!("../../../docs/examples/minority-leader.json")).unwrap();
    let bytes = to_bytes(&s);
    let cases = [
        (vec![], "it is empty"),
        (vec![9, 1], "format 9 is not supported"),
        (bytes[..bytes.len() - 1].to_vec(), "it ends too soon"),
        (
            [bytes.as_slice(), &[0]].concat(),
            "1 unexpected byte at the end",
        ),
        (
            [bytes.as_slice(), &[0, 0]].concat(),
            "2 unexpected bytes at the end",
        ),
        (vec![0; MAX_INPUT + 1], "at most 1048576 are accepted"),
    ];
    for (bytes, expected) in cases {
        let err = from_bytes(&bytes).unwrap_err();
        assert!(err.contains(expected), "'{err}' lacks '{expected}'");
    }
    // 2^62 actions declared: refused without allocating for them.
    let mut huge = to_bytes(&Scenario {
        actions: vec![],
        ..s.clone()
    });
    huge.pop();
    huge.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    assert!(from_bytes(&huge).is_err());
    // A link that decodes but names a node the cluster lacks: validation.
    let mut wrong = s;
    wrong.actions.push((5 * SECONDS, Action::Stop(9)));
    let err = from_bytes(&to_bytes(&wrong)).unwrap_err();
    assert!(err.contains("there is no node 9"), "{err}");
}

/// `bytes` with one to three random edits: a byte changed, removed or
/// inserted, or the rest cut off.
pub fn mutated(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for _ in 0..rng.range_inclusive(1, 3) {
        let at = rng.index(bytes.len() + 1);
        let byte = rng.next_u64() as u8;
        match rng.index(4) {
            0 if at < bytes.len() => bytes[at] = byte,
            1 if at < bytes.len() => drop(bytes.remove(at)),
            2 => bytes.insert(at, byte),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Property: any mutation of a valid encoding (bytes changed, removed,
/// inserted, cut short) either decodes to a scenario that validates and
/// round-trips, or is refused with a message; it never panics.
#[test]
fn mutated_encodings_decode_or_are_refused() {
    let mut rng = Rng::new(5);
    let bases: Vec<Vec<u8>> = (0..5)
        .map(|_| to_bytes(&random_scenario(&mut rng, SECONDS)))
        .collect();
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..20_000 {
        let base = &bases[rng.index(bases.len())];
        let bytes = mutated(&mut rng, base);
        match from_bytes(&bytes) {
            Ok(s) => {
                accepted += 1;
                round_trip(&s);
            }
            Err(e) => {
                refused += 1;
                assert!(!e.is_empty());
            }
        }
    }
    assert!(
        accepted > 100 && refused > 100,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn base64url_round_trips_every_length() {
    let mut rng = Rng::new(5);
    for len in 0..64 {
        let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        assert_eq!(unbase64url(&base64url(&bytes)), Some(bytes));
    }
    assert_eq!(base64url(b"Man"), "TWFu");
    assert_eq!(unbase64url("a"), None);
    assert_eq!(unbase64url("ab=c"), None);
    // As `btoa` writes it: padded, with + and /.
    assert_eq!(unbase64url("aGk="), Some(b"hi".to_vec()));
    assert_eq!(unbase64url("aGk"), Some(b"hi".to_vec()));
    assert_eq!(unbase64url("+/8="), Some(vec![0xfb, 0xff]));
    assert_eq!(unbase64url("-_8"), Some(vec![0xfb, 0xff]));
    assert_eq!(unbase64url("aGk==="), None);
}
