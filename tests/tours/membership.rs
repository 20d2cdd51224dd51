//! Tours twelve to fourteen, membership changes: a server joins, the leader leaves, and the single-server change bug.

use super::*;

// ---- 12. a server joins -----------------------------------------------------------

/// Server `id`'s voters and learners.
fn members(sim: &Simulation, id: NodeId) -> (Vec<NodeId>, Vec<NodeId>) {
    let m = node(sim, id).membership();
    (m.voters.clone(), m.learners.clone())
}

#[test]
fn tour_growing_the_cluster() {
    let mut r = Replay::new("growing-the-cluster");
    let tour = r.tour;
    let sim = r.step(0);
    assert_eq!(sim.server_count(), 3);
    assert!(scenario_does(tour, 400, Action::AddServer));

    let sim = r.step(1);
    assert_leader(sim, 2, 1);
    for id in [1, 2, 3] {
        assert_eq!(commit(sim, id), 1);
    }

    let sim = r.step(2);
    assert_eq!(sim.server_count(), 4);
    assert_eq!(log(sim, 2), ["noop/1", "config voters 1,2,3 learners 4/1"]);
    assert_eq!(members(sim, 2), (vec![1, 2, 3], vec![4]));
    assert!(node(sim, 4).log().entries().is_empty(), "n4 starts empty");
    assert_eq!(node(sim, 4).role(), raft_playground::raft::Role::Follower);

    let sim = r.step(3);
    assert_eq!(node(sim, 2).membership_index(), 3);
    for id in [1, 2, 3, 4] {
        assert_eq!(members(sim, id), (vec![1, 2, 3, 4], vec![]), "n{id}");
    }
    assert_eq!(node(sim, 2).membership().voters.len() / 2 + 1, 3);

    let sim = r.step(4);
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(4)));
    assert_eq!(commit(sim, 2), 4);

    let sim = r.step(5);
    assert!(scenario_does(tour, 900, Action::Stop(2)));
    assert_leader(sim, 4, 2);
    for id in [1, 3] {
        assert_eq!(node(sim, id).voted_for(), Some(4), "n{id} voted for n4");
    }
    assert_eq!(commit(sim, 4), 5);
    assert_eq!(log(sim, 4)[4], "noop/2");
    r.done();
}

// ---- 13. the leader leaves ----------------------------------------------------------

#[test]
fn tour_removing_the_leader() {
    let mut r = Replay::new("removing-the-leader");
    let tour = r.tour;
    r.step(0);
    assert!(scenario_does(tour, 500, Action::RemoveServer(5)));

    let sim = r.step(1);
    assert_leader(sim, 5, 1);
    for id in 1..=5 {
        assert_eq!(commit(sim, id), 2, "n{id}");
    }
    assert_eq!(outcome(sim, "1"), (Outcome::Ok, true, Some(2)));

    let sim = r.step(2);
    assert_leader(sim, 5, 1);
    assert_eq!(log(sim, 5)[2], "config voters 1,2,3,4/1");
    assert_eq!(members(sim, 5), (vec![1, 2, 3, 4], vec![]));
    assert_eq!(commit(sim, 5), 2, "not committed yet");

    let sim = r.step(3);
    assert_eq!(node(sim, 5).role(), raft_playground::raft::Role::Follower);
    assert_eq!(commit(sim, 5), 3);
    assert_eq!(sim.leader(), None);
    for id in 1..=4 {
        assert_eq!(commit(sim, id), 2, "n{id} does not know yet");
        assert_eq!(members(sim, id), (vec![1, 2, 3, 4], vec![]), "n{id}");
    }

    let sim = r.step(4);
    assert_leader(sim, 3, 2);
    let elected = first_time(tour, 540 * MILLIS, |s| s.leader().is_some());
    assert!(elected <= 800 * MILLIS);
    for id in 1..=4 {
        assert_eq!(commit(sim, id), 4, "n{id}");
    }

    let sim = r.step(5);
    assert_eq!(term(sim, 5), 1);
    assert_eq!(node(sim, 5).role(), raft_playground::raft::Role::Follower);
    assert_leader(sim, 3, 2);
    r.done();
}

// ---- 14. the single-server change bug ------------------------------------------------

/// What the first run of the single-server change bug breaks, in the order
/// the checker reports it.
pub(crate) const SINGLE_SERVER_CHANGE_BREAKS: [Invariant; 3] = [
    Invariant::LeaderCompleteness,
    Invariant::CommittedEntriesStable,
    Invariant::StateMachineSafety,
];

#[test]
fn tour_single_server_change_bug() {
    let mut r = Replay::new("single-server-change-bug");
    let tour = r.tour;
    let with_the_rule = tour.sequel.expect("a second run").from_step;
    assert_eq!(with_the_rule, 6);
    let unsafe_on = UnsafeSwitches::none().with(UnsafeSwitch::ConfigChangeWithoutNoop);

    // 0: four servers, the rule off on purpose; the page says so.
    let sim = r.step(0);
    assert_eq!(sim.server_count(), 4);
    assert_eq!(sim.config().unsafe_switches, unsafe_on);
    assert_eq!(
        r.playground.unsafe_warning().as_deref(),
        Some("Unsafe: config-change-without-noop \u{2014} this run breaks Raft on purpose")
    );
    // The same actions in both runs, the switch the only difference.
    let (first, second) = (tour.scenario_of(0), tour.scenario_of(1));
    assert_eq!(first.actions, second.actions);
    assert_eq!(
        raft_playground::sim::Scenario {
            unsafe_switches: UnsafeSwitches::none(),
            ..first.clone()
        },
        second
    );
    let removals = first
        .actions
        .iter()
        .filter(|(_, a)| matches!(a, Action::RemoveServer(_)))
        .count();
    assert_eq!(removals, 2, "two leaders each remove one server");

    // 1: n1 leads term 1, alone since 200 ms; it removed n4 at 210 ms.
    let sim = r.step(1);
    assert!(scenario_does(
        tour,
        200,
        Action::Partition(vec![vec![1], vec![2, 3, 4]])
    ));
    assert!(scenario_does(tour, 210, Action::RemoveServer(4)));
    assert_leader(sim, 1, 1);
    assert_eq!(log(sim, 1), ["noop/1", "config voters 1,2,3/1"]);
    assert_eq!(members(sim, 1), (vec![1, 2, 3], vec![]));
    for id in [2, 3, 4] {
        assert_eq!(log(sim, id), ["noop/1"], "n{id}: index 2 is on n1 only");
        assert_eq!(members(sim, id), (vec![1, 2, 3, 4], vec![]), "n{id}");
    }

    // 2: n2 won term 2 with n3 and n4; n2->n3 cut; n2 removed n1 at once.
    let sim = r.step(2);
    assert!(scenario_does(tour, 220, Action::ForceTimeout(2)));
    assert!(scenario_does(tour, 235, Action::CutLink { from: 2, to: 3 }));
    assert!(scenario_does(tour, 241, Action::RemoveServer(1)));
    assert_eq!(role(sim, 2), "leader");
    assert_eq!(term(sim, 2), 2);
    for id in [3, 4] {
        assert_eq!(node(sim, id).voted_for(), Some(2), "n{id} voted for n2");
    }
    assert_eq!(log(sim, 2), ["noop/1", "noop/2", "config voters 2,3,4/2"]);
    assert_eq!(members(sim, 2), (vec![2, 3, 4], vec![]));
    assert_eq!(commit(sim, 2), 1, "the no-op of term 2 is not committed");
    assert_eq!(role(sim, 1), "leader", "n1 still leads term 1");

    // 3: n2 and n4 committed indexes 2 and 3; n1 still leads over n1-n3.
    let sim = r.step(3);
    assert_eq!(commit(sim, 2), 3);
    assert_eq!(log(sim, 4), log(sim, 2));
    assert_eq!(log(sim, 3), ["noop/1"], "n3 has none of it");
    assert_eq!(log(sim, 1), ["noop/1", "config voters 1,2,3/1"]);
    assert_eq!(role(sim, 1), "leader");
    assert_eq!(term(sim, 1), 1);
    assert_eq!(members(sim, 1), (vec![1, 2, 3], vec![]));
    assert_no_violations(sim);

    // 4: n1 and n3 together from 300 ms; n1 won term 7 with n3's vote,
    // after elections nobody won; the checker reported it at once.
    r.breaks(&SINGLE_SERVER_CHANGE_BREAKS[..1]);
    let sim = r.step(4);
    assert!(scenario_does(
        tour,
        300,
        Action::Partition(vec![vec![1, 3], vec![2, 4]])
    ));
    assert_leader(sim, 1, 7);
    assert_eq!(node(sim, 3).voted_for(), Some(1));
    assert_eq!(role(sim, 2), "leader", "n2 still leads term 2 with n4");
    assert_eq!(members(sim, 1), (vec![1, 2, 3], vec![]));
    let elected = first_time(tour, 300 * MILLIS, |s| s.leader() == Some(1));
    assert!(elected > 300 * MILLIS && elected <= 810 * MILLIS);
    let at_300 = {
        let mut s = tour.scenario().start(false).unwrap();
        s.run_until(300 * MILLIS);
        s
    };
    assert!(
        node(&at_300, 3).log().last_index() < node(&at_300, 1).log().last_index(),
        "n3's log is shorter than n1's"
    );
    for t in 3..7 {
        // Terms 3 to 6 began before n1 won: elections nobody won.
        let won = first_time(tour, 300 * MILLIS, |s| {
            s.servers().iter().any(|x| x.node.current_term() > t)
        });
        assert!(won < elected);
    }
    let s3_leads = first_time(tour, 300 * MILLIS, |s| {
        role(s, 3) == "leader" || s.now() >= 900 * MILLIS
    });
    assert_eq!(s3_leads, 900 * MILLIS, "n3 cannot win");
    let v = sim.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].invariant, Invariant::LeaderCompleteness);
    assert!(v[0]
        .detail
        .contains("lacks index 3 (term 2) committed in term 2"));

    // 5: the safety panel: Leader Completeness violated, then State
    // Machine Safety and committed-entry stability once n1 commits.
    r.breaks(&SINGLE_SERVER_CHANGE_BREAKS);
    let sim = r.step(5);
    let mut broken: Vec<Invariant> = sim.violations().iter().map(|v| v.invariant).collect();
    assert_eq!(broken[0], Invariant::LeaderCompleteness);
    broken.sort_by_key(|i| i.name());
    broken.dedup();
    let mut expected = SINGLE_SERVER_CHANGE_BREAKS.to_vec();
    expected.sort_by_key(|i| i.name());
    assert_eq!(broken, expected);
    assert_eq!(commit(sim, 1), 3, "n1 committed its own entries at 2 and 3");
    assert_eq!(log(sim, 1)[2], "noop/7");
    // The same actions without the switch break nothing: the switch is
    // what broke it.
    let mut safe = start_with(tour, UnsafeSwitches::none());
    safe.run_until(900 * MILLIS);
    assert_no_violations(&safe);

    // 6: the sequel, with the rule on: no warning.
    let sim = r.step(with_the_rule);
    assert!(sim.config().unsafe_switches.is_empty());
    assert_eq!(sim.now(), 0);
    assert_eq!(sim.server_count(), 4);
    assert_eq!(r.playground.unsafe_warning(), None);

    // 7: n2 won term 2 as before; its removal of n1 was refused, and
    // cannot succeed: its no-op needs three of n1-n4, and n3 is cut off.
    let sim = r.step(7);
    assert_eq!(role(sim, 2), "leader");
    assert_eq!(term(sim, 2), 2);
    assert_eq!(log(sim, 2), ["noop/1", "noop/2"]);
    assert_eq!(members(sim, 2), (vec![1, 2, 3, 4], vec![]));
    assert_eq!(commit(sim, 2), 1);
    let mut at_241 = tour.scenario_of(1).start(false).unwrap();
    at_241.run_until(241 * MILLIS);
    assert_eq!(log(&at_241, 2), ["noop/1", "noop/2"], "the removal refused");
    assert_eq!(
        at_241.act(Action::RemoveServer(1)),
        Err("the new leader has not committed an entry of its term yet".to_string())
    );
    let cut = sim.network().blocked(Endpoint::Node(2), Endpoint::Node(3));
    assert!(cut.is_some(), "n3 no longer hears from n2");

    // 8: n1 won term 7 with n3 and committed index 3; nothing of term 2
    // was committed; every invariant holds.
    let sim = r.step(8);
    assert_leader(sim, 1, 7);
    assert_eq!(node(sim, 3).voted_for(), Some(1));
    assert_eq!(commit(sim, 1), 3);
    for s in sim.servers() {
        let id = s.node.id();
        let committed = &log(sim, id)[..commit(sim, id) as usize];
        assert!(
            committed.iter().all(|e| !e.ends_with("/2")),
            "n{id} committed nothing of term 2: {committed:?}"
        );
    }
    assert_no_violations(sim);
    r.done();
}
