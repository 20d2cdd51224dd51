//! Tour fifteen: a follower too far behind gets a snapshot.

use super::*;

// ---- 15. a follower too far behind gets a snapshot ----------------------------------

/// The InstallSnapshot chunks in flight from n1 to n4: (offset, records
/// carried, the snapshot's last index and record count).
fn chunks(sim: &Simulation) -> Vec<(u64, usize, LogIndex, u64)> {
    in_flight(sim, 1, 4, "InstallSnapshot")
        .into_iter()
        .map(|m| match m {
            Message::InstallSnapshot {
                offset,
                records,
                meta,
                ..
            } => (offset, records.len(), meta.last_index, meta.records),
            _ => unreachable!(),
        })
        .collect()
}

/// The tags the picture draws beside the messages in flight.
fn tags(p: &Playground) -> Vec<String> {
    p.scene
        .messages
        .iter()
        .filter_map(|m| m.tag.clone())
        .collect()
}

#[test]
fn tour_snapshot_catch_up() {
    let mut r = Replay::new("snapshot-catch-up");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let others = [1, 2, 3, 5];

    // 0: snapshots every 6 entries from time 0, as the page's menu shows.
    let sim = r.step(0);
    assert!(scenario_does(tour, 0, Action::SetSnapshots(Some(6))));
    assert_eq!(sim.config().snapshot_threshold, Some(6));
    let menu = raft_playground::view::snapshot_threshold::label(Some(6));
    assert_eq!(menu, "every 6 entries");

    // 1: n1 leads term 1, the first leader; x=1 committed everywhere at
    // index 2; n4 stopped.
    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 1)]);
    assert_leader(sim, 1, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert!(scenario_does(tour, 500, Action::Stop(4)));
    assert_eq!(role(sim, 4), "stopped");

    // 2: five more writes, to index 7; n1, n2, n3, n5 compacted through 6.
    r.step(2);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let scenario = tour.scenario();
    let writes = scenario
        .actions
        .iter()
        .filter(|(at, a)| *at > 500 * MILLIS && matches!(a, Action::ClientRequest { .. }));
    assert_eq!(writes.count(), 5);
    for id in others {
        let n = node(sim, id);
        assert_eq!(n.log().last_index(), 7, "S{id}");
        assert_eq!(
            (n.log().snapshot_index(), n.log().snapshot_term()),
            (6, 1),
            "S{id}"
        );
        assert_eq!(log(sim, id), ["e=6/1"], "S{id}: entries 1 to 6 dropped");
        let snapshot = n.snapshot().expect("a snapshot");
        // The keys x, a, b, c, d and the five clients' sessions.
        assert_eq!(snapshot.meta.records, 10);
        assert_eq!(snapshot.store.data().len(), 5);
    }
    assert_eq!(commit(sim, 1), 7);
    let table = raft_playground::view::log_table::log_table(sim, 24);
    for id in others {
        let block = table.rows[id as usize - 1].snapshot.as_ref().unwrap();
        assert_eq!(block.label(), "snapshot ≤ 6 · t1", "S{id}");
    }
    assert_eq!(table.rows[3].snapshot, None, "n4 has no snapshot");
    let lines: Vec<&String> = p.events.lines().collect();
    let taken = lines
        .iter()
        .filter(|l| l.ends_with("snapshotted its state through index 6"))
        .count();
    assert_eq!(taken, 4, "{lines:?}");

    // 3: n4 back at 1000 ms with 2 entries; entries 3 to 6 in no log.
    let sim = r.step(3);
    assert!(scenario_does(tour, 1000, Action::Restart(4)));
    assert_eq!((role(sim, 4), term(sim, 4)), ("follower", 1));
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    for index in 3..=6 {
        assert!(sim
            .servers()
            .iter()
            .all(|s| s.node.log().entry(index).is_none()));
    }

    // 4: n4 refused the heartbeat; chunk 1 of 3 (records 1-4 of 10) flies.
    r.step(4);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let refused = first_time(tour, 1000 * MILLIS, |s| {
        !in_flight(s, 4, 1, "AppendEntriesReply").is_empty()
    });
    let mut at_refusal = tour.scenario().start(false).unwrap();
    at_refusal.run_until(refused);
    assert!(matches!(
        &in_flight(&at_refusal, 4, 1, "AppendEntriesReply")[..],
        [Message::AppendEntriesReply { success: false, hint, .. }] if hint.index == 3
    ));
    assert_eq!(node(sim, 1).progress()[&4].next_index, 3);
    assert!(node(sim, 1).log().entry(3).is_none());
    assert_eq!(chunks(sim), [(0, 4, 6, 10)]);
    assert_eq!(tags(p), ["snapshot 1/3"]);

    // 5: n4 acknowledged chunk 1; chunk 2 of 3 in flight, alone; n4's log
    // unchanged.
    r.step(5);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let chunk_2 = chunks(sim);
    assert_eq!(chunk_2, [(4, 4, 6, 10)]);
    assert_eq!(node(sim, 1).progress()[&4].snapshot.unwrap().offset, 4);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    assert_eq!(node(sim, 4).log().snapshot_index(), 0);
    assert!(tags(p).contains(&"snapshot 2/3".to_string()));

    // 6: chunk 3 of 3, the last 2 records; n4 keeps its old log and state.
    r.step(6);
    let (sim, p) = (&r.playground.sim, &r.playground);
    assert_eq!(chunks(sim), [(8, 2, 6, 10)]);
    assert_eq!(tags(p), ["snapshot 3/3"]);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    assert_eq!(node(sim, 4).log().snapshot_index(), 0);
    assert_eq!(value(sim, 4, "a"), None);

    // 7: n4 installed n1's snapshot: n1's state as of 6, log after 6,
    // commit 6; its reply says installed.
    r.step(7);
    let (sim, p) = (&r.playground.sim, &r.playground);
    let n4 = node(sim, 4);
    assert_eq!((n4.log().snapshot_index(), n4.log().last_index()), (6, 6));
    assert_eq!(log(sim, 4), Vec::<String>::new());
    assert_eq!(commit(sim, 4), 6);
    let s1 = node(sim, 1).snapshot().unwrap();
    assert_eq!(n4.snapshot().unwrap().store, s1.store);
    for (key, v) in [("x", "1"), ("a", "2"), ("b", "3"), ("c", "4"), ("d", "5")] {
        assert_eq!(value(sim, 4, key).as_deref(), Some(v), "{key}");
    }
    assert!(matches!(
        &in_flight(sim, 4, 1, "InstallSnapshotReply")[..],
        [
            Message::InstallSnapshotReply {
                done: true,
                last_index: 6,
                ..
            },
            ..
        ]
    ));
    assert!(tags(p).contains(&"installed".to_string()));
    // A heartbeat sent the current chunk again before its ack came back.
    assert_eq!(chunks(sim), [(8, 2, 6, 10)]);
    let resent = p.sim.network().in_flight().find(|m| {
        matches!(
            &m.packet,
            Packet::Raft(Message::InstallSnapshot { offset: 8, .. })
        )
    });
    let resent = resent.unwrap().sent_at;
    let mut then = tour.scenario().start(false).unwrap();
    then.run_until(resent);
    let heartbeats = then.network().in_flight().filter(|m| {
        m.sent_at == resent && m.from == Endpoint::Node(1) && m.packet.kind() == "AppendEntries"
    });
    assert_eq!(
        heartbeats.count(),
        3,
        "sent with the heartbeats to n2, n3, n5"
    );
    let last = p.events.lines().last().unwrap();
    assert!(
        p.events
            .lines()
            .any(|l| l.ends_with("n4 installed n1's snapshot through 6")),
        "{last}"
    );
    let table = raft_playground::view::log_table::log_table(sim, 24);
    assert_eq!(
        table.rows[3].snapshot.as_ref().unwrap().label(),
        "snapshot ≤ 6 · t1"
    );

    // 8: AppendEntries from index 7: n4 appended and applied e=6, matchIndex
    // 7; the same state everywhere.
    let sim = r.step(8);
    assert_eq!(log(sim, 4), ["e=6/1"]);
    assert_eq!((commit(sim, 4), node(sim, 4).last_applied()), (7, 7));
    assert_eq!(node(sim, 1).progress()[&4].match_index, 7);
    for id in all {
        assert_eq!(value(sim, id, "e").as_deref(), Some("6"), "S{id}");
        assert_eq!(
            node(sim, id).state_machine().data(),
            node(sim, 1).state_machine().data()
        );
    }
    assert_no_violations(sim);
    r.done();
}
