//! The simulated disk under a whole cluster: a crash between "write issued"
//! and "write durable" loses the write, and the response that waited for
//! it never leaves; a torn record is caught by its checksum; a restart
//! starts from what is durable only. (The disk alone is tested in
//! src/sim/world/disk_tests.rs, the core's side in
//! src/raft/durability_tests.rs.)

mod common;

use common::cluster::*;
use common::write;
use raft_playground::raft::{NodeId, Role, Time, UnsafeSwitch, UnsafeSwitches, MILLIS, SECONDS};
use raft_playground::sim::{
    Action, DiskConfig, Endpoint, Invariant, SimConfig, Simulation, TraceEvent,
};

/// Writes take 50 ms to become durable: 1 ms to the device, 49 ms of fsync.
const SLOW: DiskConfig = DiskConfig {
    write_latency: MILLIS,
    fsync_latency: 49 * MILLIS,
    fsync_jitter: 0,
    torn_write: 0.0,
};

fn slow_cluster(nodes: u64, seed: u64, disk: DiskConfig) -> Simulation {
    let config = SimConfig {
        seed,
        nodes,
        disk,
        record_trace: true,
        ..SimConfig::default()
    };
    Simulation::new(config).expect("valid config")
}

/// Steps event by event until `pred` holds; panics after `bound`.
fn step_until(sim: &mut Simulation, bound: Time, what: &str, pred: impl Fn(&Simulation) -> bool) {
    let deadline = sim.now() + bound;
    while !pred(sim) {
        assert!(
            sim.now() < deadline && sim.step(),
            "no {what} within {bound}us"
        );
    }
}

/// Messages of `kind` that `from` put on the network, in the trace so far.
fn sent(sim: &mut Simulation, from: NodeId, kind: &str) -> usize {
    sim.trace_mut()
        .take_recorded()
        .iter()
        .filter(|(_, e)| {
            matches!(e, TraceEvent::Send { from: f, kind: k, .. }
                if *f == Endpoint::Node(from) && *k == kind)
        })
        .count()
}

fn other_than(sim: &Simulation, ids: &[NodeId]) -> NodeId {
    (1..=sim.config().nodes)
        .find(|n| !ids.contains(n))
        .expect("a third node")
}

#[test]
fn a_crash_before_fsync_loses_the_unsynced_vote_and_its_reply() {
    let mut sim = slow_cluster(3, 1, SLOW);
    let leader = await_leader(&mut sim, 5 * SECONDS);
    let candidate = other_than(&sim, &[leader]);
    let voter = other_than(&sim, &[leader, candidate]);
    // Cut the leader off, so that the voter will grant the candidate a vote.
    sim.act(Action::Partition(vec![vec![leader]])).unwrap();
    sent(&mut sim, voter, "RequestVoteReply");
    sim.act(Action::ForceTimeout(candidate)).unwrap();
    let term = term(&sim, candidate);
    step_until(&mut sim, SECONDS, "vote granted in memory", |s| {
        s.server(voter).unwrap().node.voted_for() == Some(candidate)
    });
    let disk = &sim.server(voter).unwrap().disk;
    assert_ne!(disk.durable_hard_state().voted_for, Some(candidate));
    assert!(disk.unsynced_writes() > 0);
    assert_eq!(
        sent(&mut sim, voter, "RequestVoteReply"),
        0,
        "the reply waits"
    );
    sim.act(Action::Restart(voter)).unwrap();
    let node = &sim.server(voter).unwrap().node;
    assert!(
        node.current_term() < term || node.voted_for() != Some(candidate),
        "the vote was lost with the crash"
    );
    run_for(&mut sim, 100 * MILLIS);
    assert_eq!(
        sent(&mut sim, voter, "RequestVoteReply"),
        0,
        "and never sent"
    );
    assert_eq!(sim.disk_faults().crashes_losing_writes, 1);
    assert_no_violations(&sim);
}

#[test]
fn a_crash_before_fsync_loses_unsynced_entries_and_restart_recovers_the_disk() {
    let mut sim = slow_cluster(3, 2, SLOW);
    let leader = await_leader(&mut sim, 5 * SECONDS);
    run_for(&mut sim, 200 * MILLIS);
    let follower = other_than(&sim, &[leader]);
    let before = sim.server(follower).unwrap().node.log().last_index();
    send(&mut sim, Some(leader), write("x", "1"));
    step_until(&mut sim, SECONDS, "entry appended in memory", |s| {
        s.server(follower).unwrap().node.log().last_index() > before
    });
    let server = sim.server(follower).unwrap();
    assert_eq!(
        server.disk.synced_index(),
        before,
        "the entry is not durable"
    );
    let durable_log = server.disk.durable_log().clone();
    let durable = server.disk.durable_hard_state();
    sent(&mut sim, follower, "AppendEntriesReply");
    sim.act(Action::Restart(follower)).unwrap();
    let node = &sim.server(follower).unwrap().node;
    assert_eq!(node.log(), &durable_log, "the log is what the disk kept");
    assert_eq!(node.log().last_index(), before, "the entry was lost");
    assert_eq!(node.hard_state(), durable, "term and vote too");
    assert_eq!(sent(&mut sim, follower, "AppendEntriesReply"), 0);
    // The leader still has it, and sends it again.
    await_until(&mut sim, 2 * SECONDS, "catch-up", |s| {
        s.server(follower).unwrap().node.log().last_index() > before
    });
    assert_no_violations(&sim);
}

#[test]
fn a_torn_record_is_caught_by_its_checksum_and_dropped() {
    let disk = DiskConfig {
        torn_write: 1.0,
        ..SLOW
    };
    let mut sim = slow_cluster(3, 3, disk);
    let leader = await_leader(&mut sim, 5 * SECONDS);
    run_for(&mut sim, 200 * MILLIS);
    let follower = other_than(&sim, &[leader]);
    let before = sim.server(follower).unwrap().node.log().last_index();
    send(&mut sim, Some(leader), write("x", "1"));
    step_until(&mut sim, SECONDS, "entry appended in memory", |s| {
        s.server(follower).unwrap().node.log().last_index() > before
    });
    // Past the write latency, before the fsync: on the device, not durable.
    run_for(&mut sim, 2 * MILLIS);
    assert!(sim.server(follower).unwrap().disk.could_tear(sim.now()));
    sim.act(Action::Restart(follower)).unwrap();
    let server = sim.server(follower).unwrap();
    assert_eq!(server.disk.last_dropped_torn(), Some(before + 1));
    assert_eq!(server.node.log().last_index(), before);
    assert!(server.node.log().entries().iter().all(|e| e.term > 0));
    assert_eq!(sim.disk_faults().torn_records_dropped, 1);
    assert_no_violations(&sim);
}

#[test]
fn a_stopped_server_sends_what_became_durable_on_resume() {
    let mut sim = slow_cluster(3, 4, SLOW);
    let leader = await_leader(&mut sim, 5 * SECONDS);
    run_for(&mut sim, 200 * MILLIS);
    let follower = other_than(&sim, &[leader]);
    let before = sim.server(follower).unwrap().node.log().last_index();
    send(&mut sim, Some(leader), write("x", "1"));
    step_until(&mut sim, SECONDS, "entry appended in memory", |s| {
        s.server(follower).unwrap().node.log().last_index() > before
    });
    sent(&mut sim, follower, "AppendEntriesReply");
    sim.act(Action::Stop(follower)).unwrap();
    run_for(&mut sim, 100 * MILLIS);
    assert_eq!(
        sim.server(follower).unwrap().disk.synced_index(),
        before + 1
    );
    assert_eq!(sent(&mut sim, follower, "AppendEntriesReply"), 0, "frozen");
    sim.act(Action::Resume(follower)).unwrap();
    assert!(sent(&mut sim, follower, "AppendEntriesReply") > 0);
    assert_no_violations(&sim);
}

#[test]
fn a_leader_commits_only_what_a_majority_holds_durably() {
    let mut sim = slow_cluster(3, 5, SLOW);
    let leader = await_leader(&mut sim, 5 * SECONDS);
    run_for(&mut sim, 200 * MILLIS);
    let commit = sim.server(leader).unwrap().node.commit_index();
    send(&mut sim, Some(leader), write("x", "1"));
    // Replication takes a network hop each way (10-20 ms) plus a 50 ms
    // write on the followers: nothing can commit within 50 ms.
    run_for(&mut sim, 50 * MILLIS);
    assert_eq!(sim.server(leader).unwrap().node.commit_index(), commit);
    await_until(&mut sim, SECONDS, "commit", |s| {
        s.server(leader).unwrap().node.commit_index() > commit
    });
    assert_eq!(role(&sim, leader), Role::Leader);
    assert_no_violations(&sim);
}

/// A vote granted, sent, then lost in a crash before it was durable: the
/// voter votes again in the same term, and two leaders of one term follow.
/// Run with the unsafe switch this is what the checker must see; run safe,
/// the reply waits for the disk and dies with the crash.
fn lost_vote_script(switches: UnsafeSwitches) -> Simulation {
    let config = SimConfig {
        seed: 6,
        nodes: 3,
        disk: SLOW,
        unsafe_switches: switches,
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    // Servers 1 and 3 never hear each other: each can win only with 2.
    sim.act(Action::CutLink { from: 1, to: 3 }).unwrap();
    sim.act(Action::CutLink { from: 3, to: 1 }).unwrap();
    sim.act(Action::ForceTimeout(1)).unwrap();
    step_until(&mut sim, SECONDS, "2 votes for 1", |s| {
        s.server(2).unwrap().node.voted_for() == Some(1)
    });
    sim.act(Action::Restart(2)).unwrap();
    // Whatever 1 sends from now on never reaches 2.
    sim.act(Action::CutLink { from: 1, to: 2 }).unwrap();
    run_for(&mut sim, 40 * MILLIS);
    if role(&sim, 3) != Role::Candidate {
        sim.act(Action::ForceTimeout(3)).unwrap();
    }
    run_for(&mut sim, 200 * MILLIS);
    sim
}

#[test]
fn reply_before_persist_loses_a_sent_vote_and_elects_two_leaders_in_a_term() {
    let on = UnsafeSwitches::none().with(UnsafeSwitch::ReplyBeforePersist);
    let sim = lost_vote_script(on);
    assert_eq!(sim.checker().leader_of(1), Some(1));
    let caught: Vec<Invariant> = sim.violations().iter().map(|v| v.invariant).collect();
    assert!(
        caught.contains(&Invariant::ElectionSafety),
        "two leaders in term 1 expected, got {caught:?}"
    );
}

#[test]
fn the_safe_core_loses_the_vote_and_its_reply_together() {
    let sim = lost_vote_script(UnsafeSwitches::none());
    assert_ne!(sim.checker().leader_of(1), Some(1), "1 never got 2's vote");
    assert_no_violations(&sim);
}

/// A lone voter on the default disk (durable at once) takes office when its
/// own vote is stepped back in, and its no-op, written in that step back,
/// reaches the disk too: a restart keeps it. (The simulator once issued
/// only the writes of the input itself, so the no-op lived in memory only;
/// the membership sweep's `two-changes-at-once` test found it as a log
/// shorter after a restart than its reported changes.)
#[test]
fn a_lone_voter_s_no_op_is_written_in_the_step_its_vote_counts() {
    let config = SimConfig {
        seed: 1,
        nodes: 1,
        record_trace: true,
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config).expect("valid config");
    await_leader(&mut sim, SECONDS);
    let server = sim.server(1).unwrap();
    assert_eq!(server.node.log().last_index(), 1, "its no-op");
    assert_eq!(server.disk.durable_log(), server.node.log(), "written");
    sim.act(Action::Restart(1)).unwrap();
    assert_eq!(sim.server(1).unwrap().node.log().last_index(), 1);
    await_leader(&mut sim, SECONDS);
    assert_no_violations(&sim);
}

/// On a slow disk, a lone voter is a candidate until its new term and vote
/// are durable; a crash before then leaves it in the old term, having led
/// nothing (thesis §3.8: a server must not forget that it voted).
#[test]
fn a_lone_voter_leads_only_once_its_vote_is_durable() {
    let mut sim = slow_cluster(1, 1, SLOW);
    step_until(&mut sim, SECONDS, "a candidate", |s| {
        s.server(1).unwrap().node.role() == Role::Candidate
    });
    let term = sim.server(1).unwrap().node.current_term();
    assert_eq!(
        sim.server(1).unwrap().disk.durable_hard_state().term,
        term - 1
    );
    sim.act(Action::Restart(1)).unwrap();
    let node = &sim.server(1).unwrap().node;
    assert_eq!(
        (node.current_term(), node.role()),
        (term - 1, Role::Follower)
    );
    step_until(&mut sim, SECONDS, "a candidate again", |s| {
        s.server(1).unwrap().node.role() == Role::Candidate
    });
    let term = sim.server(1).unwrap().node.current_term();
    step_until(&mut sim, SECONDS, "a leader", |s| {
        s.server(1).unwrap().node.role() == Role::Leader
    });
    assert_eq!(sim.server(1).unwrap().disk.durable_hard_state().term, term);
    assert_no_violations(&sim);
}
