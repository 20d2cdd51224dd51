//! Stale messages that really arrive (issue 10 §3): a latency tail of whole
//! election timeouts, partitions that hold messages and deliver them when
//! the link heals, paused servers that keep their inbox; and the counts of
//! messages from an earlier term delivered to a server, which the nemesis
//! must make far from zero.
//!
//! §5.1: "If a server receives a request with a stale term number, it
//! rejects the request." These runs are where that rule, and its cousins
//! for stale replies, meet real traffic.

mod common;

use raft_playground::raft::{NodeId, Term, Time, MILLIS, SECONDS};
use raft_playground::sim::{
    self, Action, DropReason, Endpoint, FaultModel, LatencyTail, PartitionMode, PausedInbox,
    Scenario, SimConfig, Simulation, StaleDeliveries, TraceEvent,
};
use std::collections::BTreeMap;

fn nemesis(seed: u64) -> SimConfig {
    common::cluster::nemesis_config(seed)
}

/// The stale deliveries of a recorded run, recounted from its trace alone:
/// the receiver's term is the one of its last `state` line, the message's
/// the one its `send` line carries.
fn recount(events: &[(Time, TraceEvent)]) -> StaleDeliveries {
    let mut terms: BTreeMap<NodeId, Term> = BTreeMap::new();
    let mut sends: BTreeMap<u64, (&'static str, Option<Term>, Endpoint)> = BTreeMap::new();
    let mut stale = StaleDeliveries::default();
    for (_, event) in events {
        match event {
            TraceEvent::State { node, term, .. } => {
                terms.insert(*node, *term);
            }
            TraceEvent::Send {
                id, kind, term, to, ..
            } => {
                sends.insert(*id, (kind, *term, *to));
            }
            TraceEvent::Deliver { id } => {
                let (kind, Some(term), Endpoint::Node(to)) = sends[id] else {
                    continue;
                };
                if term >= terms[&to] {
                    continue;
                }
                match kind {
                    "AppendEntries" => stale.append_entries += 1,
                    "AppendEntriesReply" => stale.append_entries_replies += 1,
                    "RequestVote" => stale.request_votes += 1,
                    "RequestVoteReply" => stale.votes += 1,
                    other => panic!("a {other} carries no term"),
                }
            }
            _ => {}
        }
    }
    stale
}

#[test]
fn a_nemesis_minute_delivers_stale_messages_of_every_kind() {
    let (_, report) = sim::run(nemesis(1), 60 * SECONDS, |_| {}).unwrap();
    assert!(report.passed(), "{:?}", report.violations.first());
    let s = report.stale_deliveries;
    assert!(
        s.append_entries > 0 && s.append_entries_replies > 0 && s.request_votes > 0 && s.votes > 0,
        "{s:?}"
    );
    assert!(s.total() > 100, "far from zero: {s:?}");
}

#[test]
fn the_stale_counts_agree_with_a_recount_from_the_trace() {
    let mut config = nemesis(2);
    config.record_trace = true;
    let mut sim = Simulation::new(config).unwrap();
    sim.run_until(30 * SECONDS);
    let events = sim.trace_mut().take_recorded();
    assert_eq!(recount(&events), *sim.stale_deliveries());
    assert!(sim.stale_deliveries().total() > 0);
}

/// Three servers with the playground's timing, trace recorded, partitions
/// holding messages or not.
fn cluster(partitions: PartitionMode, paused_inbox: PausedInbox) -> Simulation {
    let mut config = raft_playground::view::playground::playground_config(3, 3);
    config.faults.partitions = partitions;
    config.faults.paused_inbox = paused_inbox;
    Simulation::new(config).unwrap()
}

/// The running leader of the highest term.
fn leader(sim: &Simulation) -> (NodeId, Term) {
    let id = sim.leader().expect("a leader");
    (id, sim.server(id).unwrap().node.current_term())
}

/// What became of a node's AppendEntries: (time, id) of those delivered,
/// (id, reason) of those dropped.
type Fates = (Vec<(Time, u64)>, Vec<(u64, DropReason)>);

/// The ids of `from`'s AppendEntries of `term`, by what became of them.
fn appends_of(events: &[(Time, TraceEvent)], from: NodeId, term: Term) -> Fates {
    let mut ours = std::collections::BTreeSet::new();
    let (mut delivered, mut dropped) = (Vec::new(), Vec::new());
    for (t, event) in events {
        match *event {
            TraceEvent::Send {
                id,
                from: Endpoint::Node(f),
                kind: "AppendEntries",
                term: Some(m),
                ..
            } if f == from && m == term => {
                ours.insert(id);
            }
            TraceEvent::Deliver { id } if ours.contains(&id) => delivered.push((*t, id)),
            TraceEvent::Drop { id, reason } if ours.contains(&id) => dropped.push((id, reason)),
            _ => {}
        }
    }
    (delivered, dropped)
}

/// A leader cut off by a partition keeps sending AppendEntries; the others
/// elect a new leader. When the partition heals, the held messages arrive
/// in a burst, all from the deposed leader's term, each one stale.
fn deposed_leader(partitions: PartitionMode) -> (Simulation, Vec<(Time, TraceEvent)>, Term) {
    let mut sim = cluster(partitions, PausedInbox::Drop);
    sim.run_until(2 * SECONDS);
    let (old, term) = leader(&sim);
    sim.act(Action::Partition(vec![vec![old]])).unwrap();
    sim.run_until(4 * SECONDS);
    let (new, new_term) = leader(&sim);
    assert!(new != old && new_term > term, "{new} leads term {new_term}");
    let healed_at = sim.now();
    sim.act(Action::Heal).unwrap();
    sim.run_until(5 * SECONDS);
    let events = sim.trace_mut().take_recorded();
    let (delivered, _) = appends_of(&events, old, term);
    assert!(
        delivered.iter().all(|&(t, _)| t < healed_at + 2 * SECONDS),
        "the burst arrives at once"
    );
    (sim, events, term)
}

#[test]
fn a_deposed_leaders_held_append_entries_arrive_stale_when_the_partition_heals() {
    let (sim, events, term) = deposed_leader(PartitionMode::Hold);
    let old = leader_of(&events, term);
    let (delivered, dropped) = appends_of(&events, old, term);
    assert!(dropped.is_empty(), "held, not dropped: {dropped:?}");
    let healed_at = events
        .iter()
        .find(|(_, e)| matches!(e, TraceEvent::Action { description } if description == "heal"))
        .map(|(t, _)| *t)
        .unwrap();
    let late: Vec<u64> = delivered
        .iter()
        .filter(|&&(t, _)| t >= healed_at)
        .map(|&(_, id)| id)
        .collect();
    assert!(
        late.len() >= 20,
        "2 s of heartbeats to 2 followers: {}",
        late.len()
    );
    // Each link delivers in the order it was written to.
    for to in (1..=3).filter(|&n| n != old) {
        let on_link: Vec<u64> = late
            .iter()
            .copied()
            .filter(|id| {
                events.iter().any(|(_, e)| {
                    matches!(e, TraceEvent::Send { id: i, to: Endpoint::Node(t), .. }
                        if i == id && *t == to)
                })
            })
            .collect();
        assert!(on_link.windows(2).all(|w| w[0] < w[1]), "{on_link:?}");
    }
    let stale = sim.stale_deliveries();
    assert_eq!(
        stale.append_entries,
        late.len() as u64,
        "every one is stale"
    );
    assert_eq!(*stale, recount(&events));
    assert_eq!(
        sim.violations(),
        &[],
        "and the followers reject them (§5.1)"
    );
}

#[test]
fn partitions_that_drop_deliver_nothing_stale() {
    let (sim, events, term) = deposed_leader(PartitionMode::Drop);
    let old = leader_of(&events, term);
    let (_, dropped) = appends_of(&events, old, term);
    assert!(dropped.len() >= 20, "{}", dropped.len());
    assert!(dropped.iter().all(|(_, r)| *r == DropReason::Partitioned));
    // Only what was on the wire at the heal arrives: at most one heartbeat
    // per follower (latency 10-20 ms, heartbeats every 50 ms).
    assert!(sim.stale_deliveries().append_entries <= 2);
}

fn leader_of(events: &[(Time, TraceEvent)], term: Term) -> NodeId {
    events
        .iter()
        .find_map(|(_, e)| match e {
            TraceEvent::LeaderLog { node, term: t, .. } if *t == term => Some(*node),
            _ => None,
        })
        .unwrap()
}

/// Messages that reached `node` while it was stopped, in arrival order.
fn arrivals_while_stopped(
    events: &[(Time, TraceEvent)],
    node: NodeId,
    from: Time,
    to: Time,
) -> Vec<u64> {
    let mut due: Vec<(Time, u64)> = events
        .iter()
        .filter_map(|(_, e)| match *e {
            TraceEvent::Send {
                id,
                to: Endpoint::Node(n),
                deliver_t,
                ..
            } if n == node && deliver_t > from && deliver_t <= to => Some((deliver_t, id)),
            _ => None,
        })
        .collect();
    due.sort();
    due.into_iter().map(|(_, id)| id).collect()
}

/// A 3-server cluster with `inbox`, running for 2 s, then a follower
/// stopped for a second. Returns the run, the follower and when it stopped.
fn follower_stopped_for_a_second(inbox: PausedInbox) -> (Simulation, NodeId, Time) {
    let mut sim = cluster(PartitionMode::Drop, inbox);
    sim.run_until(2 * SECONDS);
    let (leader, _) = leader(&sim);
    let follower = leader % 3 + 1;
    let stopped_at = sim.now();
    sim.act(Action::Stop(follower)).unwrap();
    sim.run_until(3 * SECONDS);
    (sim, follower, stopped_at)
}

#[test]
fn a_paused_server_reads_its_inbox_in_arrival_order_when_it_resumes() {
    let (mut sim, follower, stopped_at) = follower_stopped_for_a_second(PausedInbox::Keep);
    let resumed_at = sim.now();
    sim.act(Action::Resume(follower)).unwrap();
    sim.run_until(3 * SECONDS + 100 * MILLIS);
    let events = sim.trace_mut().take_recorded();
    let kept = arrivals_while_stopped(&events, follower, stopped_at, resumed_at);
    assert!(kept.len() >= 15, "a second of heartbeats: {}", kept.len());
    let read: Vec<u64> = events
        .iter()
        .filter(|(t, _)| *t == resumed_at)
        .filter_map(|(_, e)| match e {
            TraceEvent::Deliver { id } if kept.contains(id) => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(read, kept, "all of it, at the resume, in arrival order");
    assert_eq!(sim.violations(), &[]);
}

#[test]
fn a_paused_server_that_keeps_nothing_loses_its_messages_and_a_crash_loses_the_inbox() {
    for (inbox, restart) in [(PausedInbox::Drop, false), (PausedInbox::Keep, true)] {
        let (mut sim, follower, stopped_at) = follower_stopped_for_a_second(inbox);
        let end = sim.now();
        let back = if restart {
            Action::Restart(follower)
        } else {
            Action::Resume(follower)
        };
        sim.act(back).unwrap();
        let events = sim.trace_mut().take_recorded();
        let kept = arrivals_while_stopped(&events, follower, stopped_at, end);
        let lost: Vec<u64> = events
            .iter()
            .filter_map(|(_, e)| match e {
                TraceEvent::Drop {
                    id,
                    reason: DropReason::ReceiverDown,
                } if kept.contains(id) => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(lost.len(), kept.len(), "{inbox:?}, restart {restart}");
        assert!(!lost.is_empty());
    }
}

#[test]
fn the_latency_tail_makes_a_few_messages_outlive_an_election_timeout() {
    let mut config = raft_playground::view::playground::playground_config(4, 5);
    config.faults.latency_tail = LatencyTail {
        probability: 0.05,
        min: 200 * MILLIS,
        max: 1000 * MILLIS,
    };
    let mut sim = Simulation::new(config).unwrap();
    sim.run_until(20 * SECONDS);
    let flights: Vec<Time> = sim
        .trace_mut()
        .take_recorded()
        .into_iter()
        .filter_map(|(t, e)| match e {
            TraceEvent::Send { deliver_t, .. } => Some(deliver_t - t),
            _ => None,
        })
        .collect();
    let late = flights.iter().filter(|&&f| f >= 200 * MILLIS).count();
    let share = late as f64 / flights.len() as f64;
    assert!((0.03..0.07).contains(&share), "{late} of {}", flights.len());
    assert!(flights.iter().all(|&f| f <= 1020 * MILLIS));
    assert!(
        sim.stale_deliveries().total() > 0,
        "late enough to be stale"
    );
}

#[test]
fn an_unused_fault_setting_changes_nothing() {
    let base = raft_playground::view::playground::playground_config(6, 5);
    let run = |faults: FaultModel| {
        let mut config = base.clone();
        config.faults = faults;
        let mut sim = Simulation::new(config).unwrap();
        sim.act(Action::Partition(vec![vec![1, 2]])).unwrap();
        sim.run_until(3 * SECONDS);
        sim.act(Action::Heal).unwrap();
        sim.run_until(5 * SECONDS);
        sim.trace_hash()
    };
    let off = run(FaultModel::default());
    // A tail of probability zero draws nothing, whatever its range.
    let zero_tail = FaultModel {
        latency_tail: LatencyTail {
            probability: 0.0,
            min: SECONDS,
            max: 2 * SECONDS,
        },
        ..FaultModel::default()
    };
    assert_eq!(run(zero_tail), off);
    // A kept inbox changes nothing when nobody is stopped.
    let keep = FaultModel {
        paused_inbox: PausedInbox::Keep,
        ..FaultModel::default()
    };
    assert_eq!(run(keep), off);
    let hold = FaultModel {
        partitions: PartitionMode::Hold,
        ..FaultModel::default()
    };
    assert_ne!(run(hold), off, "a partition now holds what it dropped");
}

#[test]
fn a_scenario_carries_its_faults_through_json_and_links() {
    let mut scenario =
        Scenario::from_json(include_str!("../docs/examples/minority-leader.json")).unwrap();
    let plain_json = scenario.to_json();
    assert!(!plain_json.contains("faults"), "absent when off");
    let plain_link = raft_playground::view::permalink::encode(&scenario);
    scenario.faults = FaultModel::nemesis(&scenario.timing);
    let json = scenario.to_json();
    assert!(json.contains("\"partitions\": \"hold\""), "{json}");
    assert_eq!(Scenario::from_json(&json).as_ref(), Ok(&scenario));
    let link = raft_playground::view::permalink::encode(&scenario);
    assert_ne!(link, plain_link);
    let from_link = raft_playground::view::permalink::decode(&link)
        .unwrap()
        .unwrap();
    assert_eq!(from_link, scenario);
    let hash = scenario.run().unwrap().trace_hash();
    assert_eq!(from_link.run().unwrap().trace_hash(), hash);
    let without = Scenario::from_json(&plain_json).unwrap();
    assert_ne!(without.run().unwrap().trace_hash(), hash);
    // A partial object: the rest is off.
    let partial = plain_json.replacen(
        "\"actions\"",
        "\"faults\": {\"paused_inbox\": \"keep\"}, \"actions\"",
        1,
    );
    let read = Scenario::from_json(&partial).unwrap();
    assert_eq!(read.faults.paused_inbox, PausedInbox::Keep);
    assert!(read.faults.latency_tail.is_off());
    let wrong = plain_json.replacen(
        "\"actions\"",
        "\"faults\": {\"partitions\": \"queue\"}, \"actions\"",
        1,
    );
    let err = Scenario::from_json(&wrong).unwrap_err();
    assert!(
        err.contains("faults.partitions: unknown variant `queue`"),
        "{err}"
    );
}
