//! Reads without the log (thesis §6.4), on whole clusters: ReadIndex and
//! lease reads stay linearizable through faults, and each unsafe shortcut
//! is caught by the linearizability checker for the reason it exists.

mod common;

use common::cluster::*;
use raft_playground::raft::{
    NodeId, Op, ReadPath, Role, ServedBy, Time, UnsafeSwitch, UnsafeSwitches, MILLIS, SECONDS,
};
use raft_playground::sim::config::{RaftOptions, ReadSettings};
use raft_playground::sim::history::Outcome;
use raft_playground::sim::invariants::Invariant;
use raft_playground::sim::linearizability::{check, Verdict};
use raft_playground::sim::network::NetworkConfig;
use raft_playground::sim::reads_served::ReadsServed;
use raft_playground::sim::{Action, SimConfig, Simulation};

fn read(key: &str) -> Op {
    Op::Read { key: key.into() }
}

fn lease_cluster(seed: u64, bound_ppm: u64, switches: UnsafeSwitches) -> Simulation {
    Simulation::new(lease_config(seed, bound_ppm, switches)).expect("valid config")
}

fn lease_config(seed: u64, bound_ppm: u64, switches: UnsafeSwitches) -> SimConfig {
    SimConfig {
        seed,
        nodes: 3,
        network: NetworkConfig {
            latency_min: MILLIS,
            latency_max: 2 * MILLIS,
            loss: 0.0,
            duplication: 0.0,
        },
        raft: RaftOptions {
            pre_vote: false,
            check_quorum: true,
        },
        reads: ReadSettings {
            path: ReadPath::Lease,
            clock_drift_ppm: bound_ppm,
        },
        unsafe_switches: switches,
        ..SimConfig::default()
    }
}

/// The leader's clock runs slow and the others' fast, by `ppm` each; the
/// leader is then cut off while clients read from it every 5 ms and write
/// through the others every 20 ms. Returns whether the history is
/// linearizable, how its reads were answered, and whether the lease
/// invariant fired (the only invariant that may).
fn leader_cut_off_with_skewed_clocks(
    seed: u64,
    bound_ppm: u64,
    ppm: i64,
    switches: UnsafeSwitches,
) -> (bool, ReadsServed, bool) {
    let mut sim = lease_cluster(seed, bound_ppm, switches);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    for id in 1..=3 {
        let rate = if id == leader { -ppm } else { ppm };
        sim.act(Action::SetClockRate {
            node: id,
            ppm: rate,
        })
        .unwrap();
    }
    send(&mut sim, Some(leader), write("x", "before"));
    run_for(&mut sim, 300 * MILLIS);
    let others: Vec<NodeId> = (1..=3).filter(|&n| n != leader).collect();
    sim.act(Action::Partition(vec![vec![leader]])).unwrap();
    let start = sim.now();
    for step in 0..80u64 {
        let t: Time = start + step * 5 * MILLIS;
        sim.run_until(t);
        send(&mut sim, Some(leader), read("x"));
        if step % 4 == 0 {
            for &n in &others {
                send(&mut sim, Some(n), write("x", &format!("w{step}")));
            }
        }
    }
    run_for(&mut sim, 2 * SECONDS);
    let violations = sim.violations();
    assert!(
        violations
            .iter()
            .all(|v| v.invariant == Invariant::LeaseExclusive),
        "{violations:#?}"
    );
    let history = sim.history().to_vec();
    let verdict = check(&history, 1_000_000).verdict;
    (
        verdict == Verdict::Linearizable,
        ReadsServed::of(history.iter()),
        !violations.is_empty(),
    )
}

fn write(key: &str, value: &str) -> Op {
    Op::Write {
        key: key.into(),
        value: value.into(),
    }
}

/// Over 40 seeds (latencies, election timeouts): without the drift
/// margin the lease serves a stale read in most; with it, in none. Random
/// sweeps rarely see the stale read itself (see the README): closed-loop
/// clients stuck on the cut-off leader leave no one to write through the
/// new one while the old lease runs, so this story gives them a client on
/// each side. Every stale read comes with the lease invariant broken: a
/// new leader elected inside the old one's lease.
#[test]
fn a_lease_that_ignores_the_drift_bound_serves_stale_reads_and_the_margin_prevents_them() {
    let unsafe_lease = UnsafeSwitches::none().with(UnsafeSwitch::LeaseIgnoresDrift);
    let (mut caught, mut safe_ok, mut lease_reads) = (0, 0, 0);
    for seed in 1..=40 {
        let (linearizable, served, lease_broken) =
            leader_cut_off_with_skewed_clocks(seed, 300_000, 300_000, unsafe_lease);
        caught += u32::from(!linearizable);
        assert!(
            linearizable || lease_broken,
            "seed {seed}: a stale read without the lease invariant firing"
        );
        let (linearizable, served_safe, lease_broken) =
            leader_cut_off_with_skewed_clocks(seed, 300_000, 300_000, UnsafeSwitches::none());
        safe_ok += u32::from(linearizable && !lease_broken);
        lease_reads += served.lease.min(served_safe.lease);
    }
    eprintln!("lease-ignores-drift caught in {caught} of 40 seeds; margin kept {safe_ok} of 40 linearizable");
    assert!(lease_reads > 0, "both leases answered reads");
    assert_eq!(
        safe_ok, 40,
        "the lease with its margin never serves a stale read"
    );
    assert!(caught >= 20, "caught in only {caught} of 40 seeds");
}

/// A wilder clock than the bound allows breaks even the correct lease:
/// its safety rests on the bound (thesis §6.4.1).
#[test]
fn a_clock_beyond_the_bound_breaks_even_the_correct_lease() {
    let (linearizable, served, lease_broken) =
        leader_cut_off_with_skewed_clocks(1, 10_000, 300_000, UnsafeSwitches::none());
    assert!(served.lease > 0, "{served:?}");
    assert!(!linearizable);
    assert!(lease_broken, "a new leader was elected inside the lease");
}

fn cluster_reading_by(path: ReadPath, check_quorum: bool) -> Simulation {
    let config = SimConfig {
        seed: 3,
        nodes: 5,
        raft: RaftOptions {
            pre_vote: false,
            check_quorum,
        },
        reads: ReadSettings {
            path,
            clock_drift_ppm: 0,
        },
        ..SimConfig::default()
    };
    Simulation::new(config).expect("valid config")
}

/// Reads sent to the leader and to a follower, and what answered them.
fn read_at_leader_and_follower(sim: &mut Simulation) -> ReadsServed {
    let leader = await_leader(sim, 2 * SECONDS);
    send(sim, Some(leader), write("x", "1"));
    run_for(sim, 200 * MILLIS);
    send(sim, Some(leader), read("x"));
    send(sim, Some(leader % 5 + 1), read("x"));
    run_for(sim, 200 * MILLIS);
    assert_no_violations(sim);
    let history = sim.history().to_vec();
    assert!(
        history.iter().all(|op| op.outcome == Outcome::Ok),
        "{history:?}"
    );
    let reads: Vec<_> = history
        .iter()
        .filter_map(|op| op.read_result.clone())
        .collect();
    assert_eq!(reads, ["1", "1"], "both reads see the write");
    ReadsServed::of(history.iter())
}

#[test]
fn each_read_path_answers_where_it_should() {
    let mut sim = cluster_reading_by(ReadPath::Log, false);
    let served = read_at_leader_and_follower(&mut sim);
    assert_eq!(
        served.log, 2,
        "the follower redirects, the leader logs: {served:?}"
    );
    let mut sim = cluster_reading_by(ReadPath::ReadIndex, false);
    let served = read_at_leader_and_follower(&mut sim);
    assert_eq!((served.read_index, served.follower), (1, 1), "{served:?}");
    let mut sim = cluster_reading_by(ReadPath::Lease, true);
    let served = read_at_leader_and_follower(&mut sim);
    assert_eq!((served.lease, served.follower), (1, 1), "{served:?}");
    let mut sim = cluster_reading_by(ReadPath::Lease, false);
    let served = read_at_leader_and_follower(&mut sim);
    assert_eq!(
        (served.read_index, served.lease),
        (1, 0),
        "no lease without CheckQuorum: {served:?}"
    );
}

#[test]
fn the_read_path_can_change_while_running() {
    let mut sim = cluster_reading_by(ReadPath::Log, false);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    sim.act(Action::SetReads(ReadPath::ReadIndex)).unwrap();
    send(&mut sim, Some(leader), read("x"));
    run_for(&mut sim, 200 * MILLIS);
    let served = ReadsServed::of(sim.history().iter());
    assert_eq!(served.read_index, 1, "{served:?}");
}

#[test]
fn absurd_clock_rates_are_refused_and_change_nothing() {
    let mut sim = cluster_reading_by(ReadPath::Lease, true);
    run_for(&mut sim, 500 * MILLIS);
    let hash = sim.trace_hash();
    let err = sim
        .act(Action::SetClockRate {
            node: 2,
            ppm: 600_000,
        })
        .unwrap_err();
    assert!(err.contains("at most 500000 ppm"), "{err}");
    let err = sim
        .act(Action::SetClockRate { node: 9, ppm: 0 })
        .unwrap_err();
    assert!(err.contains("there is no node 9"), "{err}");
    assert_eq!(sim.trace_hash(), hash);
    assert_eq!(sim.clocks().of(2).ppm(), 0);
}

#[test]
fn a_fast_clock_times_out_sooner() {
    let mut sim = cluster_reading_by(ReadPath::Log, false);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    let fast = leader % 5 + 1;
    sim.act(Action::SetClockRate {
        node: fast,
        ppm: 500_000,
    })
    .unwrap();
    run_for(&mut sim, SECONDS);
    assert_eq!(
        sim.node_time(fast) - sim.now(),
        500 * MILLIS,
        "a clock 50% fast gains half a second in a second"
    );
    assert_eq!(sim.node_time(leader), sim.now());
}

/// Safe combinations over a few seeds with every fault: no violation, and
/// each path answered reads (the full sweeps are in the README).
#[test]
fn reads_without_the_log_stay_linearizable_under_faults() {
    for (path, check_quorum) in [(ReadPath::ReadIndex, false), (ReadPath::Lease, true)] {
        let mut served = ReadsServed::default();
        for seed in 1..=8 {
            let mut config = nemesis_config(seed);
            config.raft.check_quorum = check_quorum;
            config.reads = ReadSettings {
                path,
                clock_drift_ppm: 10_000,
            };
            config.nemesis.clock_changes = 0.1;
            let report = raft_playground::sim::run(config, 30 * SECONDS, |_| {})
                .unwrap()
                .1;
            assert!(report.passed(), "{path:?} seed {seed}: {report:?}");
            served = ReadsServed::sum([&served, &report.reads_served]);
        }
        assert!(served.log == 0 && served.follower > 0, "{served:?}");
        match path {
            ReadPath::Lease => assert!(served.lease > 0, "{served:?}"),
            _ => assert!(served.read_index > 0, "{served:?}"),
        }
    }
}

/// Found by the 1,000-seed sweep: at seed 688 a server paused in term 28
/// answered one of that term's ReadIndex rounds after adopting term 32,
/// echoing round 4; the leader of term 32, cut off with one follower,
/// counted it as its own round 4 and served a stale read. A round from an
/// earlier term is now acknowledged as round 0 (transcript
/// 6.4-a-round-from-an-earlier-term-is-not-acknowledged).
#[test]
fn an_old_terms_round_confirms_nothing_seed_688() {
    let mut config = nemesis_config(688);
    config.reads = ReadSettings {
        path: ReadPath::ReadIndex,
        clock_drift_ppm: 10_000,
    };
    config.nemesis.clock_changes = 0.1;
    let report = raft_playground::sim::run(config, 60 * SECONDS, |_| {})
        .unwrap()
        .1;
    assert!(report.passed(), "{:?}", report.linearizability);
    assert!(report.reads_served.read_index > 0);
}

/// An action as a scenario file writes it, read back.
fn action_from_record(text: &str) -> Result<Action, String> {
    let record: raft_playground::sim::action_record::ActionRecord =
        serde_json::from_str(text).unwrap();
    Action::try_from(record)
}

/// A read can ask for its own path whatever the cluster's setting: the
/// client panel's "read by" menu, a `client` action with a `path`.
#[test]
fn a_read_can_ask_for_its_own_path() {
    let mut sim = cluster_reading_by(ReadPath::Log, true);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    send(&mut sim, Some(leader), write("x", "1"));
    run_for(&mut sim, 200 * MILLIS);
    for path in [
        ReadPath::ReadIndex,
        ReadPath::Local,
        ReadPath::Log,
        ReadPath::Lease,
    ] {
        let read = Action::ClientRead {
            to: Some(leader),
            key: "x".into(),
            path,
        };
        sim.act(read).unwrap();
        run_for(&mut sim, 200 * MILLIS);
    }
    let answers: Vec<_> = sim
        .history()
        .iter()
        .filter(|op| matches!(op.op, Op::Read { .. }))
        .map(|op| (op.read_result.clone(), op.served_by))
        .collect();
    let one = Some("1".to_string());
    assert_eq!(
        answers,
        [
            (one.clone(), Some(ServedBy::ReadIndex)),
            (one.clone(), Some(ServedBy::Local)),
            (one.clone(), None),
            // The cluster keeps no leases (reads through the log), so a
            // lease read runs a ReadIndex round.
            (one, Some(ServedBy::ReadIndex)),
        ]
    );
    assert_no_violations(&sim);
    // As a scenario file writes it, and read back.
    let record = r#"{"t":0,"action":"client","node":2,"op":"read","key":"x","path":"lease"}"#;
    assert_eq!(
        action_from_record(record),
        Ok(Action::ClientRead {
            to: Some(2),
            key: "x".into(),
            path: ReadPath::Lease
        })
    );
    let write_with_path =
        r#"{"t":0,"action":"client","op":"write","key":"x","value":"1","path":"lease"}"#;
    assert_eq!(
        action_from_record(write_with_path),
        Err("\"path\" is for a read only".into())
    );
    // Every field of another op is refused the same way: a read with a
    // "value" was silently a plain read (a tester).
    for (fields, expected) in [
        (
            r#""op":"read","key":"x","value":"1""#,
            "\"value\" is for a write only",
        ),
        (
            r#""op":"read","key":"x","from":"1","path":"lease""#,
            "\"from\" is for a cas only",
        ),
        (
            r#""op":"write","key":"x","value":"1","to":"2""#,
            "\"to\" is for a cas only",
        ),
        (
            r#""op":"cas","key":"x","from":"1","to":"2","value":"3""#,
            "\"value\" is for a write only",
        ),
    ] {
        let record = format!(r#"{{"t":0,"action":"client",{fields}}}"#);
        assert_eq!(
            action_from_record(&record),
            Err(expected.into()),
            "{fields}"
        );
    }
}

/// The drift bound is a setting like the read path: changing it records a
/// `drift` action, and a wider bound shortens the lease (thesis §6.4.1):
/// at ±50% it is gone, and the leader runs a round for every read.
#[test]
fn the_drift_bound_can_change_while_running_and_shortens_the_lease() {
    let mut sim = cluster_reading_by(ReadPath::Lease, true);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    send(&mut sim, Some(leader), write("x", "1"));
    run_for(&mut sim, 200 * MILLIS);
    send(&mut sim, Some(leader), read("x"));
    run_for(&mut sim, 200 * MILLIS);
    let served = ReadsServed::of(sim.history().iter());
    assert_eq!((served.lease, served.read_index), (1, 0), "{served:?}");

    sim.act(Action::SetDriftBound(500_000)).unwrap();
    assert_eq!(sim.config().reads.clock_drift_ppm, 500_000);
    for _ in 0..3 {
        send(&mut sim, Some(leader), read("x"));
        run_for(&mut sim, 200 * MILLIS);
    }
    let served = ReadsServed::of(sim.history().iter());
    assert_eq!((served.lease, served.read_index), (1, 3), "{served:?}");

    // A change ends the lease earned under the old bound; the next
    // heartbeat's round earns one of the new length.
    sim.act(Action::SetDriftBound(10_000)).unwrap();
    run_for(&mut sim, 100 * MILLIS);
    send(&mut sim, Some(leader), read("x"));
    run_for(&mut sim, 200 * MILLIS);
    let served = ReadsServed::of(sim.history().iter());
    assert_eq!((served.lease, served.read_index), (2, 3), "{served:?}");
    assert_no_violations(&sim);
}

#[test]
fn an_absurd_drift_bound_is_refused_and_changes_nothing() {
    let mut sim = cluster_reading_by(ReadPath::Lease, true);
    run_for(&mut sim, 500 * MILLIS);
    let hash = sim.trace_hash();
    let err = sim.act(Action::SetDriftBound(600_000)).unwrap_err();
    assert_eq!(err, "the drift bound is 0 to 500000 ppm (±50%), got 600000");
    assert_eq!(sim.trace_hash(), hash);
    assert_eq!(sim.config().reads.clock_drift_ppm, 0);
    // As a scenario file writes it, and read back.
    let drift = r#"{"t":0,"action":"drift","ppm":10000}"#;
    assert_eq!(action_from_record(drift), Ok(Action::SetDriftBound(10_000)));
    let negative = r#"{"t":0,"action":"drift","ppm":-1}"#;
    assert_eq!(
        action_from_record(negative),
        Err("a drift bound is at least 0 ppm, got -1".into())
    );
    let missing = r#"{"t":0,"action":"drift"}"#;
    assert_eq!(
        action_from_record(missing),
        Err("a drift needs \"ppm\"".into())
    );
}

/// Two followers cut off from the leader for a second, then the leader cut
/// off from everyone: with `force` a follower that acknowledged the
/// leader's lease is made to time out at that moment ("Time out" in the
/// page). The other four elect a leader within the next second; returns
/// the lease violations of that second.
fn lease_after_the_leader_is_cut_off(force: bool) -> Vec<String> {
    let config = SimConfig {
        nodes: 5,
        raft: RaftOptions {
            pre_vote: true,
            check_quorum: true,
        },
        ..lease_config(7, 0, UnsafeSwitches::none())
    };
    let mut sim = Simulation::new(config).unwrap();
    let leader = await_leader(&mut sim, 2 * SECONDS);
    let others: Vec<NodeId> = (1..=5).filter(|&n| n != leader).collect();
    let (acked, cut_off) = (others[0], vec![others[2], others[3]]);
    sim.act(Action::Partition(vec![cut_off])).unwrap();
    run_for(&mut sim, SECONDS);
    let leader_node = &sim.server(leader).unwrap().node;
    assert!(
        leader_node.lease_until(sim.now()).is_some(),
        "the leader holds a lease"
    );
    sim.act(Action::Partition(vec![vec![leader]])).unwrap();
    if force {
        sim.act(Action::ForceTimeout(acked)).unwrap();
    }
    run_for(&mut sim, SECONDS);
    let elected = sim
        .servers()
        .iter()
        .any(|s| s.node.id() != leader && s.node.role() == Role::Leader);
    assert!(elected, "the others elect a leader of their own");
    (sim.violations().iter())
        .filter(|v| v.invariant == Invariant::LeaseExclusive)
        .map(|v| v.detail.clone())
        .collect()
}

/// A lease rests on every election timer running its course (thesis
/// §6.4.1: the leader assumes "no other server will become leader for
/// about an election timeout"). A follower's timer fired by hand, early,
/// is outside that assumption: a server that acknowledged the lease stands
/// at once, and with the two servers that have not heard the leader for a
/// second it is elected inside the lease. Without the forced timeout the
/// same cut waits the lease out. (The session monkey found this at seed
/// 12685; the page's "Time out" says so.)
#[test]
fn a_timer_fired_by_hand_can_elect_a_leader_inside_a_lease() {
    assert_eq!(
        lease_after_the_leader_is_cut_off(false),
        Vec::<String>::new()
    );
    let broken = lease_after_the_leader_is_cut_off(true);
    assert!(
        broken.iter().any(|d| d.contains("held its read lease")),
        "{broken:?}"
    );
}
