//! Tests of `scene.rs`.

use super::*;
use crate::raft::MILLIS;
use crate::sim::{Action, SimConfig};

fn sim() -> Simulation {
    Simulation::new(SimConfig {
        nodes: 5,
        seed: 3,
        ..SimConfig::default()
    })
    .unwrap()
}

#[test]
fn nodes_are_labelled_with_role_and_term_and_stopped_ones_are_grey() {
    let mut sim = sim();
    sim.run_until(1000 * MILLIS);
    let leader = sim.leader().unwrap();
    let s = scene(&sim);
    let view = &s.nodes[leader as usize - 1];
    assert!(view
        .label
        .starts_with(&format!("Node {leader}, leader, term ")));
    sim.act(Action::Stop(leader)).unwrap();
    let view = scene(&sim).nodes[leader as usize - 1].clone();
    assert_eq!(view.role, "stopped");
    assert_eq!(view.fill, palette::STOPPED);
}

#[test]
fn messages_move_from_sender_to_receiver_over_their_flight() {
    let mut sim = sim();
    sim.run_until(1000 * MILLIS);
    let m = sim.network().in_flight().next().unwrap().clone();
    let start = scene(&sim)
        .messages
        .into_iter()
        .find(|v| v.id == m.id)
        .unwrap();
    sim.run_until((sim.now() + m.deliver_at) / 2);
    let later = scene(&sim).messages.into_iter().find(|v| v.id == m.id);
    let later = later.expect("still in flight before its delivery time");
    let d0 = (start.at.x - start.to.x).hypot(start.at.y - start.to.y);
    let d1 = (later.at.x - later.to.x).hypot(later.at.y - later.to.y);
    assert!(d1 < d0, "closer to the receiver as time passes");
}

/// A running cluster with `writes` more client writes sent now.
fn with_writes(writes: usize) -> Simulation {
    let mut sim = sim();
    sim.run_until(1000 * MILLIS);
    for i in 0..writes {
        let op = crate::raft::Op::Write {
            key: "k".into(),
            value: i.to_string(),
        };
        sim.act_now(Action::ClientRequest { to: None, op }).unwrap();
    }
    sim
}

#[test]
fn each_drawn_message_is_found_by_its_id_and_no_other() {
    let sim = with_writes(30);
    let s = scene(&sim);
    assert!(s.messages.len() >= 8, "{}", s.messages.len());
    for m in &s.messages {
        assert_eq!(s.message(m.id).map(|v| v.id), Some(m.id));
    }
    let last = s.messages.last().unwrap().id;
    assert!(s.message(last + 1).is_none());
    let gaps = (0..last).filter(|id| sim.network().get(*id).is_none());
    assert!(gaps.clone().count() > 0, "some delivered or dropped");
    assert!(gaps.into_iter().all(|id| s.message(id).is_none()));
}

/// A burst of writes puts thousands in flight: each link and direction
/// draws its oldest few, the rest are counted and said, and a drawn
/// message stays drawn until it arrives.
#[test]
fn a_crowded_link_draws_its_oldest_messages_and_counts_the_rest() {
    let mut sim = with_writes(1000);
    let mut was_drawn = Vec::new();
    for _ in 0..40 {
        let s = scene(&sim);
        let in_flight: Vec<_> = sim.network().in_flight().cloned().collect();
        assert_eq!(s.messages.len() + s.undrawn, in_flight.len());
        // Per link and direction (the clients one place): at most the
        // limit, and the oldest ones.
        let place = |e: Endpoint| match e {
            Endpoint::Node(id) => id,
            Endpoint::Client(_) => 0,
        };
        let mut seen = std::collections::BTreeMap::<(u64, u64), usize>::new();
        for m in &in_flight {
            let count = seen.entry((place(m.from), place(m.to))).or_default();
            *count += 1;
            let drawn = s.message(m.id).is_some();
            assert_eq!(drawn, *count <= DRAWN_PER_LINK, "message {}", m.id);
        }
        for id in &was_drawn {
            if sim.network().get(*id).is_some() {
                assert!(s.message(*id).is_some(), "message {id} stays drawn");
            }
        }
        was_drawn = s.messages.iter().map(|m| m.id).collect();
        sim.run_until(sim.now() + MILLIS);
    }
    let s = scene(&with_writes(1000));
    assert!(s.undrawn > 900, "{}", s.undrawn);
    assert!(s.messages.len() <= 6 * 6 * DRAWN_PER_LINK);
    let note = s.undrawn_note().unwrap();
    assert_eq!(
        note,
        format!("{} more messages in flight, not drawn", s.undrawn)
    );
    assert_eq!(scene(&with_writes(0)).undrawn_note(), None);
}

#[test]
fn partitions_show_as_closed_links() {
    let mut sim = sim();
    sim.act(Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]))
        .unwrap();
    let s = scene(&sim);
    let link = |a, b| s.links.iter().find(|l| l.a == a && l.b == b).unwrap();
    assert!(link(1, 2).a_to_b && link(1, 2).b_to_a);
    assert!(!link(1, 3).a_to_b && !link(1, 3).b_to_a);
    let (moved, ring) = (s.nodes[0].center, geometry::node_position(1, 5));
    assert!(moved != ring, "groups are drawn apart");
    sim.act(Action::Heal).unwrap();
    sim.act(Action::CutLink { from: 4, to: 5 }).unwrap();
    let s = scene(&sim);
    let l = s.links.iter().find(|l| l.a == 4 && l.b == 5).unwrap();
    assert!(!l.a_to_b && l.b_to_a, "one way only");
    // Drawn from n5, which still reaches n4, to the edge of n4's
    // circle, where the arrowhead shows.
    let r = s.nodes[0].radius;
    let (from, head) = l.line(r);
    assert_eq!(from, s.nodes[4].center);
    let short = geometry::distance(head, s.nodes[3].center);
    assert!((short - (r + 2.0)).abs() < 1e-9, "{short}");
    let open = link(1, 2);
    assert_eq!(
        open.line(r),
        (open.from, open.to),
        "open links join centres"
    );
}

#[test]
fn a_candidate_shows_one_dot_per_vote_inside_its_circle() {
    let mut sim = sim();
    while !sim
        .servers()
        .iter()
        .any(|s| s.node.role() == Role::Candidate && s.node.votes().len() >= 2)
    {
        sim.step();
    }
    let s = scene(&sim);
    let candidate = s.nodes.iter().find(|n| n.role == "candidate").unwrap();
    let node = sim.server(candidate.id).unwrap();
    assert_eq!(candidate.vote_dots.len(), node.node.votes().len());
    let first = candidate.vote_dots[0];
    assert!(
        (first.x - candidate.center.x).abs() < 1e-9,
        "the first at twelve o'clock"
    );
    assert!(first.y < candidate.center.y);
    for dot in &candidate.vote_dots {
        let d = (dot.x - candidate.center.x).hypot(dot.y - candidate.center.y);
        assert!(
            (d - (candidate.radius - 7.0)).abs() < 1e-9,
            "inside the rim"
        );
    }
    assert!(s
        .nodes
        .iter()
        .filter(|n| n.role != "candidate")
        .all(|n| n.vote_dots.is_empty()));
}

#[test]
fn a_message_arrow_points_from_its_edge_towards_the_receiver() {
    let mut sim = sim();
    sim.run_until(1000 * MILLIS);
    let m = scene(&sim).messages[0].clone();
    let (tail, head) = m.direction;
    let dist = |p: Point| (p.x - m.at.x).hypot(p.y - m.at.y);
    assert!((dist(tail) - m.radius).abs() < 1e-9);
    assert!((dist(head) - (m.radius + 9.0)).abs() < 1e-9);
    let to_receiver = |p: Point| (p.x - m.to.x).hypot(p.y - m.to.y);
    assert!(
        to_receiver(head) < to_receiver(tail),
        "it points at the receiver"
    );
}

#[test]
fn an_added_server_joins_the_ring_as_a_learner_and_the_ring_reflows() {
    let mut sim = Simulation::new(SimConfig {
        nodes: 3,
        seed: 3,
        ..SimConfig::default()
    })
    .unwrap();
    sim.run_until(1000 * MILLIS);
    sim.act(Action::AddServer).unwrap();
    let s = scene(&sim);
    assert_eq!(s.nodes.len(), 4);
    assert_eq!(s.links.len(), 6, "a link per pair of the four");
    let new = &s.nodes[3];
    assert_eq!(new.standing, Standing::Learner);
    assert!(new.label.ends_with(", learner"), "{}", new.label);
    // The moment it is added, everyone is where they were, and the new
    // server at the centre; halfway, between; then on the larger ring.
    assert_eq!(new.center, geometry::ring_center());
    assert_eq!(s.nodes[1].center, geometry::node_position(2, 3));
    sim.run_until(sim.now() + REFLOW / 2);
    let half = scene(&sim);
    let (from, to) = (geometry::node_position(2, 3), geometry::node_position(2, 4));
    let p = half.nodes[1].center;
    assert!(
        geometry::distance(from, p) > 0.5 && geometry::distance(p, to) > 0.5,
        "{p:?}"
    );
    assert!(
        geometry::distance(p, to) < geometry::distance(from, to),
        "closer to the end"
    );
    sim.run_until(sim.now() + REFLOW / 2);
    let s = scene(&sim);
    assert_eq!(s.nodes[3].center, geometry::node_position(4, 4));
    assert_eq!(s.nodes[1].center, geometry::node_position(2, 4), "reflowed");
    sim.run_until(sim.now() + 1000 * MILLIS);
    let promoted = &scene(&sim).nodes[3];
    assert_eq!(promoted.standing, Standing::Voter);
    assert!(!promoted.label.contains("learner"));
}

#[test]
fn a_removed_server_is_still_drawn_and_labelled_removed() {
    let mut sim = sim();
    sim.run_until(1000 * MILLIS);
    let leader = sim.leader().unwrap();
    let gone = leader % 5 + 1;
    sim.act(Action::RemoveServer(gone)).unwrap();
    sim.run_until(sim.now() + 500 * MILLIS);
    let s = scene(&sim);
    assert_eq!(s.nodes.len(), 5);
    let view = &s.nodes[gone as usize - 1];
    assert_eq!(view.standing, Standing::Removed);
    assert!(view.label.ends_with(", removed"), "{}", view.label);
    let others = s.nodes.iter().filter(|n| n.id != gone);
    assert!(others.into_iter().all(|n| n.standing == Standing::Voter));
}

/// A snapshot travels as parcels, each tagged with its chunk, and the
/// follower's replies say how far it got, then that it installed.
#[test]
fn snapshot_chunks_are_tagged_parcels_and_their_replies_say_how_far() {
    let mut sim = sim();
    sim.run_until(1000 * MILLIS);
    let leader = sim.leader().unwrap();
    let behind = leader % 5 + 1;
    sim.act(Action::SetSnapshots(Some(5))).unwrap();
    sim.act(Action::Stop(behind)).unwrap();
    // Ten keys and ten client sessions: 20 records, 5 chunks of 4.
    for i in 0..10 {
        let op = crate::raft::Op::Write {
            key: format!("k{i}"),
            value: i.to_string(),
        };
        sim.act(Action::ClientRequest {
            to: Some(leader),
            op,
        })
        .unwrap();
    }
    sim.run_until(sim.now() + 300 * MILLIS);
    sim.act(Action::Resume(behind)).unwrap();
    let mut tags = Vec::new();
    while sim.server(behind).unwrap().node.log().snapshot_index() == 0 {
        assert!(sim.step() && sim.now() < 5000 * MILLIS, "never installed");
        for m in scene(&sim).messages {
            if m.shape == MessageShape::Parcel && !tags.contains(m.tag.as_ref().unwrap()) {
                assert_eq!(m.color, palette::message_color("InstallSnapshot"));
                assert_eq!(m.reply, m.kind == "InstallSnapshotReply");
                tags.push(m.tag.unwrap());
            }
        }
    }
    let records = sim
        .server(leader)
        .unwrap()
        .node
        .snapshot()
        .unwrap()
        .meta
        .records;
    assert_eq!(records, 20);
    assert_eq!(
        tags,
        [
            "snapshot 1/5",
            "got 1/5",
            "snapshot 2/5",
            "got 2/5",
            "snapshot 3/5",
            "got 3/5",
            "snapshot 4/5",
            "got 4/5",
            "snapshot 5/5",
            "installed"
        ],
        "the last chunk's reply leaves as it installs"
    );
    // A chunk and a reply on the same link put their tags on opposite
    // sides of it.
    let place = |from, to| tag_place(from, to, 5.0).0;
    let (a, b) = (geometry::node_position(1, 5), geometry::node_position(4, 5));
    let (there, back) = (place(a, b), place(b, a));
    assert!((there.x + back.x).abs() < 1e-9 && (there.y + back.y).abs() < 1e-9);
    assert!((there.x.hypot(there.y) - 14.0).abs() < 1e-9);
    let heartbeat = scene(&sim)
        .messages
        .into_iter()
        .find(|m| m.kind == "AppendEntries");
    assert!(heartbeat.is_none_or(|m| m.shape == MessageShape::Dot && m.tag.is_none()));
}
