//! The first four tours: an election, log replication, a crashed leader and a split vote.

use super::*;

// ---- 1. leader election -------------------------------------------------------

#[test]
fn tour_leader_election() {
    let mut r = Replay::new("leader-election");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];

    let sim = r.step(0);
    assert_eq!(sim.leader(), None);
    for id in all {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 0));
        let deadline = node(sim, id).election_deadline();
        assert!((100 * MILLIS..=200 * MILLIS).contains(&deadline));
    }
    let shortest = (1..=5).min_by_key(|&id| node(sim, id).election_deadline());
    assert_eq!(shortest, Some(3));

    let sim = r.step(1);
    assert_eq!((role(sim, 3), term(sim, 3)), ("candidate", 1));
    assert_eq!(node(sim, 3).voted_for(), Some(3));
    for id in [1, 2, 4, 5] {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 0));
        assert_eq!(in_flight(sim, 3, id, "RequestVote").len(), 1);
    }
    let timed_out = first_time(tour, 0, |s| role(s, 3) == "candidate");
    assert_eq!(ms(timed_out), 118, "about 118 ms");

    let sim = r.step(2);
    assert_eq!(node(sim, 3).votes(), &ids(&[3]), "replies not back yet");
    for id in [1, 2, 4, 5] {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 1));
        assert_eq!(node(sim, id).voted_for(), Some(3));
        let reply = in_flight(sim, id, 3, "RequestVoteReply");
        assert!(matches!(
            reply[..],
            [Message::RequestVoteReply {
                vote_granted: true,
                ..
            }]
        ));
    }

    let sim = r.step(3);
    assert_leader(sim, 3, 1);
    // n2's and n5's votes arrived; n1's and n4's are still on the way.
    for id in [2, 5] {
        assert!(in_flight(sim, id, 3, "RequestVoteReply").is_empty());
    }
    for id in [1, 4] {
        assert_eq!(in_flight(sim, id, 3, "RequestVoteReply").len(), 1);
    }
    assert_eq!(log(sim, 3), ["noop/1"]);
    for id in [1, 2, 4, 5] {
        let append = in_flight(sim, 3, id, "AppendEntries");
        assert!(
            matches!(&append[..], [Message::AppendEntries { entries, .. }] if entries.len() == 1)
        );
    }

    for i in [4, 5] {
        let sim = r.step(i);
        assert_leader(sim, 3, 1);
        assert!(node(sim, 3).next_deadline() <= sim.now() + 50 * MILLIS);
        for id in [1, 2, 4, 5] {
            assert_follower_of(sim, id, 3, 1);
            assert!(node(sim, id).election_deadline() > sim.now());
        }
        let leaders: Vec<_> = sim.checker().leaders().collect();
        assert_eq!(leaders, [(1, 3)], "one leader, of term 1, ever");
    }
    // "If n3 stopped, a new election would start term 2."
    let mut what_if = r.playground.sim.clone();
    what_if.act_now(Action::Stop(3)).unwrap();
    what_if.run_until(what_if.now() + 500 * MILLIS);
    let new_leader = what_if.leader().expect("a new leader");
    assert_eq!(term(&what_if, new_leader), 2);
    r.done();
}

// ---- 2. log replication ---------------------------------------------------------

#[test]
fn tour_log_replication() {
    let mut r = Replay::new("log-replication");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let followers = [1, 2, 3, 5];

    let sim = r.step(0);
    assert!(all.iter().all(|&id| log(sim, id).is_empty()));

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 4)]);
    assert_leader(sim, 4, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1"]);
        assert_eq!(commit(sim, id), 1);
    }
    assert!(sim.history().is_empty());
    let x1 = Action::ClientRequest {
        to: Some(4),
        op: Op::Write {
            key: "x".into(),
            value: "1".into(),
        },
    };
    assert!(
        scenario_does(tour, 400, x1),
        "a client is about to write x=1"
    );

    let sim = r.step(2);
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);
    assert_eq!(commit(sim, 4), 1);
    for id in followers {
        assert_eq!(log(sim, id), ["noop/1"]);
        let append = in_flight(sim, 4, id, "AppendEntries");
        assert!(
            matches!(&append[..], [Message::AppendEntries { entries, .. }] if entries.len() == 1)
        );
    }

    let sim = r.step(3);
    for id in followers {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 1, "followers do not know yet");
    }
    assert_eq!(commit(sim, 4), 2);
    assert_eq!(node(sim, 4).last_applied(), 2);
    assert_eq!(value(sim, 4, "x").as_deref(), Some("1"));
    let answering = sim
        .network()
        .in_flight()
        .any(|m| m.from == Endpoint::Node(4) && matches!(m.packet, Packet::ClientReply(_)));
    assert!(answering, "the answer is on its way to the client");

    let sim = r.step(4);
    for id in all {
        assert_eq!((commit(sim, id), node(sim, id).last_applied()), (2, 2));
        assert_eq!(value(sim, id, "x").as_deref(), Some("1"));
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(2)));

    let sim = r.step(5);
    let y = sim.history().iter().find(|o| o.op.key() == "y").unwrap();
    let x3 = sim
        .history()
        .iter()
        .rev()
        .find(|o| o.op.key() == "x")
        .unwrap();
    assert_eq!(
        x3.invoke_t - y.invoke_t,
        5 * MILLIS,
        "y=2 sent 5 ms before x=3"
    );
    assert_ne!(x3.client, y.client, "two clients");
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1", "x=3/1", "y=2/1"]);
    assert_eq!(commit(sim, 4), 2);
    for id in followers {
        assert_eq!(log(sim, id).len(), 2);
    }

    let sim = r.step(6);
    assert_eq!(commit(sim, 4), 4);
    for id in followers {
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(outcome(sim, "3"), (Outcome::Ok, true, Some(3)));
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));

    let sim = r.step(7);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "x=3/1", "y=2/1"]);
        assert_eq!((commit(sim, id), node(sim, id).last_applied()), (4, 4));
        assert_eq!(value(sim, id, "x").as_deref(), Some("3"));
        assert_eq!(value(sim, id, "y").as_deref(), Some("2"));
        assert_eq!(
            node(sim, id).state_machine().applied(),
            node(sim, 4).state_machine().applied()
        );
    }
    r.done();
}

// ---- 3. leader crash ---------------------------------------------------------------

#[test]
fn tour_leader_crash() {
    let mut r = Replay::new("leader-crash");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 5)]);
    assert_leader(sim, 5, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(2)));

    let sim = r.step(2);
    assert!(scenario_does(tour, 500, Action::Stop(5)));
    assert_eq!(role(sim, 5), "stopped");
    assert_eq!(sim.leader(), None);
    for id in [1, 2, 3, 4] {
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 1));
    }

    let sim = r.step(3);
    assert_eq!((role(sim, 3), term(sim, 3)), ("candidate", 2));
    for id in [1, 2, 4] {
        assert_eq!(
            (role(sim, id), term(sim, id)),
            ("follower", 1),
            "n3 was first"
        );
    }
    assert_eq!(node(sim, 3).config().quorum(), 3);

    let sim = r.step(4);
    assert_leader(sim, 3, 2);
    for id in [1, 2, 4] {
        assert_eq!(term(sim, id), 2);
        assert_eq!(node(sim, id).voted_for(), Some(3));
    }
    assert_eq!(log(sim, 3), ["noop/1", "x=1/1", "noop/2"]);
    let elected = first_time(tour, 500 * MILLIS, |s| s.leader().is_some());
    assert!((140..=160).contains(&(ms(elected) - 500)), "about 150 ms");

    let sim = r.step(5);
    for id in [1, 2, 3, 4] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "noop/2", "y=2/2"]);
        assert_eq!(commit(sim, id), 4);
    }
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));
    assert_eq!((role(sim, 5), log(sim, 5).len()), ("stopped", 2));

    let sim = r.step(6);
    assert!(scenario_does(tour, 1100, Action::Restart(5)));
    assert_eq!((role(sim, 5), term(sim, 5)), ("follower", 1));
    assert_eq!(node(sim, 5).voted_for(), Some(5));
    assert_eq!(log(sim, 5), ["noop/1", "x=1/1"]);
    assert_eq!((commit(sim, 5), node(sim, 5).last_applied()), (0, 0));

    let sim = r.step(7);
    assert_follower_of(sim, 5, 3, 2);
    for id in all {
        assert_eq!(log(sim, id), log(sim, 3));
        assert_eq!(commit(sim, id), 4);
    }
    r.done();
}

// ---- 4. split vote -------------------------------------------------------------------

#[test]
fn tour_split_vote() {
    let mut r = Replay::new("split-vote");
    let tour = r.tour;
    let rest = [1, 3, 4, 5];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 2)]);
    assert_leader(sim, 2, 1);
    for id in rest {
        assert_follower_of(sim, id, 2, 1);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 400, Action::Stop(2)));
    assert!(scenario_does(tour, 400, Action::AlignTimers));
    assert_eq!(role(sim, 2), "stopped");
    for id in rest {
        assert_eq!(node(sim, id).election_deadline(), 500 * MILLIS);
    }

    for i in [3, 4] {
        let sim = r.step(i);
        for id in rest {
            assert_eq!((role(sim, id), term(sim, id)), ("candidate", 2));
            assert_eq!(node(sim, id).voted_for(), Some(id));
        }
        if i == 3 {
            for (from, to) in rest.iter().flat_map(|&a| rest.map(|b| (a, b))) {
                let asks = in_flight(sim, from, to, "RequestVote").len();
                assert_eq!(asks, usize::from(from != to), "S{from} asks S{to}");
            }
        }
    }
    // Step 4: every answer is in, and each candidate has only its own vote.
    let sim = &r.playground.sim;
    for id in rest {
        assert_eq!(node(sim, id).votes(), &ids(&[id]), "S{id}: 1 vote");
        for other in 1..=5 {
            assert!(in_flight(sim, other, id, "RequestVoteReply").is_empty());
        }
    }
    assert_eq!(sim.checker().leader_of(2), None);

    let sim = r.step(5);
    assert_eq!((role(sim, 3), term(sim, 3)), ("candidate", 3));
    for id in [1, 4, 5] {
        assert_eq!((role(sim, id), term(sim, id)), ("candidate", 2));
    }
    let started = first_time(tour, 505 * MILLIS, |s| term(s, 3) == 3);
    assert_eq!(ms(started), 625);

    let sim = r.step(6);
    assert_leader(sim, 3, 3);
    for id in [1, 4, 5] {
        assert_eq!(node(sim, id).voted_for(), Some(3));
        assert_eq!((role(sim, id), term(sim, id)), ("follower", 3));
    }
    assert_eq!(sim.checker().leader_of(2), None, "nobody won term 2");

    let sim = r.step(7);
    assert!(scenario_does(tour, 800, Action::Restart(2)));
    assert_leader(sim, 3, 3);
    for id in [1, 2, 4, 5] {
        assert_follower_of(sim, id, 3, 3);
    }
    r.done();
}
