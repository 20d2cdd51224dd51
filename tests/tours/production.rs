//! Tours eight to eleven, the Raft of production systems: a deaf leader and CheckQuorum, a node back from a partition and PreVote, leadership transfer, and reads without the log.

use super::*;

// ---- 8. a leader that can talk but not listen -----------------------------------------

#[test]
fn tour_deaf_leader() {
    let mut r = Replay::new("deaf-leader");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let followers = [1, 2, 3, 4];
    let sim = r.step(0);
    assert!(!sim.config().raft.check_quorum, "CheckQuorum is off");

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1"]);
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 500, Action::Deafen(5)));
    for from in followers {
        let into_s5 = sim
            .network()
            .blocked(Endpoint::Node(from), Endpoint::Node(5));
        let from_s5 = sim
            .network()
            .blocked(Endpoint::Node(5), Endpoint::Node(from));
        assert!(
            into_s5.is_some() && from_s5.is_none(),
            "n5 sends, hears nothing"
        );
    }
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 1, "x=1 is not committed");
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Unknown, false, None));

    let sim = r.step(3);
    assert_leader(sim, 5, 1);
    for id in followers {
        assert_eq!(
            (role(sim, id), term(sim, id)),
            ("follower", 1),
            "no election"
        );
    }
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 5)]);
    assert!(
        all.iter().all(|&id| commit(sim, id) == 1),
        "nothing committed"
    );

    let sim = r.step(4);
    let on = RaftOptions {
        pre_vote: false,
        check_quorum: true,
    };
    assert!(scenario_does(tour, 1100, Action::SetRaft(on)));
    assert_eq!((role(sim, 5), term(sim, 5)), ("follower", 1));
    let stepped_down = first_time(tour, 1100 * MILLIS, |s| s.leader().is_none());
    assert_eq!(ms(stepped_down), 1300);

    let sim = r.step(5);
    assert_leader(sim, 4, 2);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1", "noop/2"]);
    assert_eq!(commit(sim, 4), 3, "the no-op, and x=1 with it");

    let sim = r.step(6);
    assert_eq!(role(sim, 5), "candidate");
    assert!(term(sim, 5) >= 3, "n5 stood again and again");
    assert_leader(sim, 4, 2);
    for id in followers {
        assert_eq!(term(sim, id), 2, "n5's higher terms were ignored");
    }
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));
    for id in followers {
        assert_eq!(commit(sim, id), 4);
    }
    r.done();
}

// ---- 9. a node comes back from a partition ------------------------------------------

#[test]
fn tour_node_returns() {
    let mut r = Replay::new("node-returns");
    let tour = r.tour;
    let others = [1, 3, 4, 5];
    let sim = r.step(0);
    assert!(!sim.config().raft.pre_vote, "PreVote is off");

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in [1, 2, 3, 4, 5] {
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    let alone = Action::ReachOnly {
        node: 2,
        peers: vec![],
    };
    assert!(scenario_does(tour, 300, alone));
    assert_eq!((role(sim, 2), term(sim, 2)), ("candidate", 5));
    for id in others {
        assert_eq!(term(sim, id), 1);
    }
    assert_leader(sim, 5, 1);

    let sim = r.step(3);
    assert!(scenario_does(tour, 900, Action::Heal));
    assert_eq!(
        sim.checker().leaders().collect::<Vec<_>>(),
        [(1, 5), (6, 2)],
        "n5 deposed, n2 elected"
    );
    assert_leader(sim, 2, 6);
    for id in others {
        assert_follower_of(sim, id, 2, 6);
    }

    let sim = r.step(4);
    let on = RaftOptions {
        pre_vote: true,
        check_quorum: false,
    };
    assert!(scenario_does(tour, 1300, Action::SetRaft(on)));
    let alone = Action::ReachOnly {
        node: 3,
        peers: vec![],
    };
    assert!(scenario_does(tour, 1400, alone));
    assert_eq!((role(sim, 3), term(sim, 3)), ("pre-candidate", 6));
    assert_leader(sim, 2, 6);

    let sim = r.step(5);
    assert!(scenario_does(tour, 2000, Action::Heal));
    assert_follower_of(sim, 3, 2, 6);
    let (refusals, first_append) = after_the_heal(tour);
    assert_eq!(
        refusals,
        [1, 2, 4, 5],
        "every other server refused n3's pre-vote"
    );
    assert!(
        first_append.is_some(),
        "n2's heartbeat reached n3 after the refusals"
    );
    assert_eq!(
        sim.checker().leaders().collect::<Vec<_>>(),
        [(1, 5), (6, 2)],
        "no election"
    );
    r.done();
}

/// In node-returns after the heal at 2000 ms, up to 2100 ms: the servers
/// whose pre-vote refusals reached n3 (a refusal carries the voter's own
/// term, 6; a grant echoes the 7 asked about), and when the first
/// AppendEntries from n2 reached n3, if it came after them all.
fn after_the_heal(tour: &Tour) -> (Vec<NodeId>, Option<Time>) {
    let mut sim = tour.scenario().start(true).expect("tour loads");
    sim.run_until(2100 * MILLIS);
    let mut sends = std::collections::BTreeMap::new();
    let (mut refusals, mut first_append) = (Vec::new(), None);
    for (t, event) in sim.trace_mut().take_recorded() {
        match event {
            TraceEvent::Send {
                id,
                from,
                to,
                kind,
                term,
                ..
            } if t >= 2000 * MILLIS && to == Endpoint::Node(3) => {
                sends.insert(id, (from, kind, term));
            }
            TraceEvent::Deliver { id } => match sends.get(&id) {
                Some(&(Endpoint::Node(n), "PreVoteReply", Some(6))) => refusals.push(n),
                Some(&(Endpoint::Node(2), "AppendEntries", _)) if first_append.is_none() => {
                    first_append = Some(t).filter(|_| refusals.len() == 4);
                }
                _ => {}
            },
            _ => {}
        }
    }
    refusals.sort();
    (refusals, first_append)
}

// ---- 10. handing over leadership ----------------------------------------------------

#[test]
fn tour_leadership_transfer() {
    let mut r = Replay::new("leadership-transfer");
    let tour = r.tour;
    r.step(0);

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in [1, 2, 3, 4, 5] {
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 340, Action::CutLink { from: 5, to: 3 }));
    assert!(scenario_does(
        tour,
        400,
        Action::RestoreLink { from: 5, to: 3 }
    ));
    for id in [1, 2, 4, 5] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
    }
    assert_eq!(commit(sim, 5), 2, "a majority holds it: committed");
    assert_eq!(log(sim, 3), ["noop/1"]);

    let sim = r.step(3);
    assert!(scenario_does(tour, 410, Action::TransferLeadership(3)));
    assert_eq!(node(sim, 5).transfer_target(), Some(3));
    assert_eq!(log(sim, 5).len(), 2, "y=2 was not appended");
    assert!(!outcome(sim, "2").1, "y=2 is still on its way");
    let redirected = sim.network().in_flight().any(|m| {
        matches!(m.from, Endpoint::Client(_))
            && m.to == Endpoint::Node(3)
            && matches!(&m.packet, Packet::ClientRequest(c, _) if c.op.to_string().contains("y=2"))
    });
    assert!(redirected, "the client was sent on to n3");

    let sim = r.step(4);
    assert_eq!(log(sim, 3), ["noop/1", "x=1/1"]);
    assert_eq!(in_flight(sim, 5, 3, "TimeoutNow").len(), 1);
    assert_eq!(term(sim, 3), 1, "not yet");

    let sim = r.step(5);
    assert_leader(sim, 3, 2);
    assert_follower_of(sim, 5, 3, 2);
    let deposed = first_time(tour, 410 * MILLIS, |s| s.leader().is_none());
    let elected = first_time(tour, deposed, |s| s.leader().is_some());
    assert!(elected - deposed < 20 * MILLIS, "{deposed}..{elected}");

    let sim = r.step(6);
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));
    assert_eq!(log(sim, 3), ["noop/1", "x=1/1", "noop/2", "y=2/2"]);
    r.done();
}

/// The client operation invoked at `at_ms`: how it ended, what it read, and
/// what answered it.
fn op_at(sim: &Simulation, at_ms: u64) -> raft_playground::sim::Operation {
    sim.history()
        .iter()
        .find(|o| o.invoke_t == at_ms * MILLIS)
        .unwrap_or_else(|| panic!("no request at {at_ms} ms"))
        .clone()
}

#[test]
fn tour_reads_without_the_log() {
    use raft_playground::raft::{ReadPath, ServedBy};
    let mut r = Replay::new("reads-without-the-log");
    let tour = r.tour;
    let sim = r.step(0);
    assert!(sim.config().raft.check_quorum, "CheckQuorum on");
    assert_eq!(sim.config().reads.path, ReadPath::ReadIndex);
    assert_eq!(sim.config().reads.clock_drift_ppm, 0, "a drift bound of 0");

    let sim = r.step(1);
    assert_leader(sim, 3, 1);
    for id in 1..=3 {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(op_at(sim, 400).outcome, Outcome::Ok);

    let sim = r.step(2);
    let read = op_at(sim, 600);
    assert!(scenario_does(
        tour,
        600,
        Action::ClientRequest {
            to: Some(3),
            op: Op::Read { key: "x".into() }
        }
    ));
    assert_eq!(
        (
            read.outcome,
            read.read_result.as_deref(),
            read.served_by,
            read.index
        ),
        (Outcome::Ok, Some("1"), Some(ServedBy::ReadIndex), Some(2))
    );
    assert_eq!(node(sim, 3).log().last_index(), 2, "no log entry");

    let sim = r.step(3);
    let read = op_at(sim, 800);
    assert!(scenario_does(
        tour,
        800,
        Action::ClientRequest {
            to: Some(1),
            op: Op::Read { key: "x".into() }
        }
    ));
    assert_eq!(
        (
            read.read_result.as_deref(),
            read.served_by,
            read.index,
            read.redirects
        ),
        (Some("1"), Some(ServedBy::Follower), Some(2), 0)
    );

    let sim = r.step(4);
    assert!(scenario_does(tour, 1000, Action::SetReads(ReadPath::Lease)));
    assert_eq!(
        node(sim, 3).lease_duration(),
        100 * MILLIS,
        "the minimum election timeout"
    );
    let read = op_at(sim, 1100);
    assert_eq!(
        (read.read_result.as_deref(), read.served_by),
        (Some("1"), Some(ServedBy::Lease))
    );
    assert!(
        read.return_t.unwrap() - read.invoke_t <= 20 * MILLIS,
        "one round trip from the client: at most twice the 10 ms latency"
    );

    r.breaks(&[Invariant::LeaseExclusive]);
    let sim = r.step(5);
    assert!(scenario_does(
        tour,
        1300,
        Action::SetClockRate {
            node: 3,
            ppm: -500_000
        }
    ));
    for id in [1, 2] {
        assert!(scenario_does(
            tour,
            1500,
            Action::SetClockRate {
                node: id,
                ppm: 500_000
            }
        ));
    }
    assert!(scenario_does(tour, 1500, Action::Partition(vec![vec![3]])));
    assert_leader(sim, 1, 2);
    assert_eq!(
        (role(sim, 3), term(sim, 3)),
        ("leader", 1),
        "n3 still thinks it leads"
    );
    let elected = first_time(tour, 1500 * MILLIS, |s| s.leader() == Some(1));
    assert_eq!(ms(elected), 1529);
    assert_eq!(
        sim.checker().leaders().collect::<Vec<_>>(),
        [(1, 3), (2, 1)]
    );
    // The lease's promise, broken the moment n1 took office.
    let v = sim.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(
        (v[0].invariant, v[0].t, v[0].nodes.as_slice()),
        (Invariant::LeaseExclusive, elected, &[3, 1][..])
    );
    // The safety panel says why: the tour broke the lease on purpose, and
    // with n3's clock first.
    let note = raft_playground::view::lease_breaks::note(&tour.scenario(), v).unwrap();
    assert!(
        note.starts_with(
            "Broken on purpose: n3's clock was set to run -50% at 1.300 s, with no drift allowed for."
        ),
        "{note}"
    );

    let sim = r.step(6);
    let write = op_at(sim, 1554);
    assert!(matches!(&write.op, Op::Write { value, .. } if value == "2"));
    assert_eq!((write.outcome, write.index), (Outcome::Ok, Some(4)));
    assert_eq!(ms(write.return_t.unwrap()), 1585);
    let stale = op_at(sim, 1589);
    assert_eq!(
        (stale.outcome, stale.read_result.as_deref(), stale.served_by),
        (Outcome::Ok, Some("1"), Some(ServedBy::Lease))
    );
    assert!(
        stale.invoke_t > write.return_t.unwrap(),
        "invoked after x=2 was acknowledged"
    );
    // The lease invariant sees the read too: answered from a lease after
    // a later term had a leader.
    let v = sim.violations();
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(
        (v[1].invariant, v[1].nodes.as_slice()),
        (Invariant::LeaseExclusive, &[3, 1][..])
    );
    assert!(stale.invoke_t <= v[1].t && v[1].t <= stale.return_t.unwrap());
    let history = sim.history().to_vec();
    assert!(matches!(
        raft_playground::sim::linearizability::check(&history, 100_000).verdict,
        raft_playground::sim::linearizability::Verdict::NotLinearizable { .. }
    ));
    assert_eq!(
        2 * node(sim, 3).lease_duration(),
        200 * MILLIS,
        "half speed doubles it"
    );

    let sim = r.step(7);
    let stepped_down = first_time(tour, 1600 * MILLIS, |s| role(s, 3) != "leader");
    assert_eq!(ms(stepped_down), 1790);
    assert!(scenario_does(tour, 2000, Action::Heal));
    assert_follower_of(sim, 3, 1, 2);
    assert_eq!(value(sim, 3, "x").as_deref(), Some("2"));
    r.done();
}
