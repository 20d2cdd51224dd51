//! Whole-cluster scenarios driven by user actions, as a person would in the
//! playground: crash the leader, provoke a split vote, cut the leader off on
//! the minority side, restart a node and watch it catch up.

mod common;

use common::cluster::*;
use common::write;
use raft_playground::raft::{Role, MILLIS, SECONDS};
use raft_playground::sim::{Action, Outcome, SimConfig, Simulation};

/// Leader crash: the others notice the silence, elect a new leader of a
/// higher term, and the crashed node rejoins as a follower.
#[test]
fn leader_crash_and_re_election() {
    let mut sim = cluster(5, 1);
    let old = await_leader(&mut sim, 2 * SECONDS);
    let old_term = term(&sim, old);
    sim.act(Action::Stop(old)).unwrap();
    let new = await_leader(&mut sim, 2 * SECONDS);
    assert_ne!(new, old);
    assert!(term(&sim, new) > old_term);
    sim.act(Action::Restart(old)).unwrap();
    run_for(&mut sim, SECONDS);
    assert_eq!(role(&sim, old), Role::Follower);
    assert_eq!(term(&sim, old), term(&sim, new));
    assert_eq!(sim.leader(), Some(new));
    assert_no_violations(&sim);
}

/// Split vote: when every election timer fires at once, every server votes
/// for itself, nobody wins that term, and the randomized timeouts of §5.2
/// resolve it in a later term.
#[test]
fn split_vote_is_resolved_by_randomized_timeouts() {
    let mut sim = cluster(5, 3);
    sim.act(Action::AlignTimers).unwrap();
    run_for(&mut sim, 155 * MILLIS);
    let candidates = sim
        .servers()
        .iter()
        .filter(|s| s.node.role() == Role::Candidate)
        .count();
    assert_eq!(candidates, 5, "all five time out together");
    let leader = await_leader(&mut sim, 3 * SECONDS);
    assert_eq!(sim.checker().leader_of(1), None, "term 1 was split");
    assert!(term(&sim, leader) >= 2);
    assert_no_violations(&sim);
}

/// The old leader on the minority side of a partition keeps accepting
/// requests, but none can commit: none is acknowledged. The majority elects a
/// new leader. After healing, the old leader steps down, its uncommitted
/// entries are replaced by the new leader's, and its requests end as failed.
#[test]
fn old_leader_on_the_minority_side_cannot_commit_and_steps_down_after_healing() {
    let mut config = SimConfig {
        seed: 5,
        nodes: 5,
        ..SimConfig::default()
    };
    config.workload.timeout = 30 * SECONDS; // so the requests end by a verdict
    let mut sim = Simulation::new(config).unwrap();
    let old = await_leader(&mut sim, 2 * SECONDS);
    let buddy = if old == 1 { 2 } else { 1 };
    let majority: Vec<u64> = (1..=5).filter(|&n| n != old && n != buddy).collect();
    sim.act(Action::Partition(vec![vec![old, buddy], majority.clone()]))
        .unwrap();
    for i in 0..3 {
        send(&mut sim, Some(old), write("x", &format!("stale{i}")));
    }
    run_for(&mut sim, 2 * SECONDS);
    let new = sim.leader().filter(|&l| l != old);
    let new = new.unwrap_or_else(|| await_leader(&mut sim, 2 * SECONDS));
    assert!(majority.contains(&new), "the majority side elected {new}");
    assert_eq!(
        role(&sim, old),
        Role::Leader,
        "the old leader does not know yet"
    );
    let old_node = &sim.server(old).unwrap().node;
    assert!(
        old_node.log().last_index() > old_node.commit_index(),
        "it appended, cannot commit"
    );
    send(&mut sim, Some(new), write("x", "fresh"));
    run_for(&mut sim, SECONDS);
    assert!(sim
        .history()
        .iter()
        .all(|o| o.outcome != Outcome::Ok || o.op == write("x", "fresh")));

    sim.act(Action::Heal).unwrap();
    // A stale request is known to have failed once its index is committed
    // with another entry; until then its entry might still win from another
    // log. A few more writes push the commit index past all of them.
    for i in 0..3 {
        send(&mut sim, Some(new), write("y", &i.to_string()));
    }
    run_for(&mut sim, 2 * SECONDS);
    assert_eq!(role(&sim, old), Role::Follower);
    assert_eq!(term(&sim, old), term(&sim, new));
    let leader_log = sim.server(new).unwrap().node.log().clone();
    assert_eq!(
        sim.server(old).unwrap().node.log(),
        &leader_log,
        "uncommitted entries replaced"
    );
    let stale: Vec<Outcome> = sim
        .history()
        .iter()
        .filter(|o| o.op.key() == "x" && o.op != write("x", "fresh"))
        .map(|o| o.outcome)
        .collect();
    assert_eq!(stale, vec![Outcome::Fail; 3]);
    assert_no_violations(&sim);
}

/// A node that was down while entries were committed catches up after a
/// restart: its log and applied commands match the leader's.
#[test]
fn restarted_node_catches_up() {
    let mut sim = cluster(3, 8);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    let follower = (1..=3).find(|&n| n != leader).unwrap();
    sim.act(Action::Stop(follower)).unwrap();
    for i in 0..20 {
        send(&mut sim, Some(leader), write("k", &i.to_string()));
    }
    run_for(&mut sim, SECONDS);
    let done = sim
        .history()
        .iter()
        .filter(|o| o.outcome == Outcome::Ok)
        .count();
    assert_eq!(
        done, 20,
        "a majority of two commits without the stopped node"
    );
    sim.act(Action::Restart(follower)).unwrap();
    await_until(&mut sim, 3 * SECONDS, "catch up", |s| {
        applied_commands(s, follower).len() == applied_commands(s, leader).len()
    });
    assert_eq!(
        applied_commands(&sim, follower),
        applied_commands(&sim, leader)
    );
    assert_eq!(
        applied_commands(&sim, leader).len(),
        21,
        "20 writes and the no-op"
    );
    assert_no_violations(&sim);
}

/// Every committed message reaches every node in the same order.
#[test]
fn every_node_applies_the_same_messages_in_the_same_order() {
    let mut sim = cluster(5, 13);
    await_leader(&mut sim, 2 * SECONDS);
    for i in 0..10 {
        send(&mut sim, None, write("msg", &format!("hello {i}")));
        run_for(&mut sim, 30 * MILLIS);
    }
    run_for(&mut sim, SECONDS);
    let reference = applied_commands(&sim, 1);
    assert!(
        reference.iter().filter(|c| c.contains("hello")).count() == 10,
        "{reference:?}"
    );
    for id in 2..=5 {
        assert_eq!(applied_commands(&sim, id), reference);
    }
}

/// Messages sent across a one-way cut die; the reverse direction works.
#[test]
fn one_way_cut_blocks_one_direction_only() {
    let mut sim = cluster(3, 21);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    let follower = (1..=3).find(|&n| n != leader).unwrap();
    sim.act(Action::CutLink {
        from: leader,
        to: follower,
    })
    .unwrap();
    let term_before = term(&sim, leader);
    run_for(&mut sim, 2 * SECONDS);
    // The follower hears no heartbeats, times out and disrupts the term,
    // but its RequestVotes still reach the leader.
    assert!(term(&sim, follower) > term_before);
    assert!(
        term(&sim, leader) > term_before,
        "the leader heard the higher term"
    );
    assert_no_violations(&sim);
}

/// Dropping a specific message by hand removes exactly that message.
#[test]
fn dropping_a_message_in_flight() {
    let mut sim = cluster(3, 2);
    await_leader(&mut sim, 2 * SECONDS);
    run_for(&mut sim, 5 * MILLIS);
    let id = sim
        .network()
        .in_flight()
        .next()
        .expect("heartbeats in flight")
        .id;
    sim.act(Action::DropMessage(id)).unwrap();
    assert!(sim.network().get(id).is_none());
    assert!(
        sim.act(Action::DropMessage(id)).is_err(),
        "gone: a clear error"
    );
    assert!(sim.act(Action::Stop(9)).unwrap_err().contains("no node 9"));
}

/// Delivering a message by hand hands it over now, once: its own delivery
/// event later finds nothing. Duplicating one delivers a copy under a new
/// id and leaves the original in flight. A heartbeat by hand sends
/// AppendEntries to every follower at once.
#[test]
fn delivering_duplicating_and_heartbeating_by_hand() {
    let mut sim = cluster(3, 2);
    let leader = await_leader(&mut sim, 2 * SECONDS);
    run_for(&mut sim, 5 * MILLIS);
    let first = sim.network().in_flight().next().expect("in flight").clone();
    let events = sim.events();
    sim.act(Action::DuplicateMessage(first.id)).unwrap();
    assert!(sim.network().get(first.id).is_some(), "the original stays");
    sim.act(Action::DeliverMessage(first.id)).unwrap();
    assert!(sim.network().get(first.id).is_none(), "delivered now");
    assert!(sim.act(Action::DeliverMessage(first.id)).is_err(), "once");
    assert!(sim.act(Action::DuplicateMessage(first.id)).is_err());
    let before = sim.network().in_flight().count();
    sim.act(Action::Heartbeat(leader)).unwrap();
    let sent = sim.network().in_flight().count() - before;
    assert!(sent >= 2, "AppendEntries to both followers, {sent} sent");
    let follower = (1..=3).find(|&n| n != leader).unwrap();
    let before = sim.network().in_flight().count();
    sim.act(Action::Heartbeat(follower)).unwrap();
    assert_eq!(sim.network().in_flight().count(), before, "not a leader");
    // The delivery event of the message delivered by hand does nothing.
    run_for(&mut sim, 50 * MILLIS);
    assert!(sim.events() > events);
    assert_no_violations(&sim);
}
