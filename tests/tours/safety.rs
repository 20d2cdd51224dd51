//! Tours five to seven: a leader on the minority side, a restart that catches up, and Figure 8.

use super::*;

// ---- 5. leader on the minority side ------------------------------------------------

#[test]
fn tour_minority_leader() {
    let mut r = Replay::new("minority-leader");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 3)]);
    assert_leader(sim, 3, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }

    let sim = r.step(2);
    let group = |id: NodeId| sim.network().groups()[&id];
    assert_eq!(group(3), group(4));
    assert!(group(1) == group(2) && group(2) == group(5) && group(1) != group(3));
    assert_leader(sim, 3, 1);

    let sim = r.step(3);
    for id in [3, 4] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "x=lost/1"]);
        assert_eq!(commit(sim, id), 2);
    }
    assert_eq!(role(sim, 3), "leader");
    assert_eq!(outcome(sim, "lost"), (Outcome::Unknown, false, None));

    let sim = r.step(4);
    assert_leader(sim, 2, 2);
    for id in [1, 5] {
        assert_eq!(node(sim, id).voted_for(), Some(2));
    }
    assert_eq!((role(sim, 3), term(sim, 3)), ("leader", 1), "two leaders");

    let sim = r.step(5);
    for id in [1, 2, 5] {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "noop/2", "x=2/2"]);
        assert_eq!(commit(sim, id), 4);
    }
    assert_eq!(outcome(sim, "2"), (Outcome::Ok, true, Some(4)));

    let sim = r.step(6);
    assert!(scenario_does(tour, 1300, Action::Heal));
    assert!(!sim.network().is_partitioned());
    assert_follower_of(sim, 3, 2, 2);
    for id in [3, 4] {
        assert_eq!(log(sim, id)[2], "x=lost/1");
    }
    assert!(!outcome(sim, "lost").1, "no answer yet");

    let sim = r.step(7);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1", "noop/2", "x=2/2"]);
        assert_eq!(commit(sim, id), 4);
        assert_eq!(value(sim, id, "x").as_deref(), Some("2"));
    }
    assert_eq!(outcome(sim, "lost"), (Outcome::Fail, true, Some(3)));
    r.done();
}

// ---- 6. restart and catch up ---------------------------------------------------------

#[test]
fn tour_restart_catch_up() {
    let mut r = Replay::new("restart-catch-up");
    let tour = r.tour;
    let all = [1, 2, 3, 4, 5];
    let full = ["noop/1", "x=1/1", "x=2/1", "y=3/1", "x=4/1"];
    r.step(0);

    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 1)]);
    assert_leader(sim, 1, 1);
    for id in all {
        assert_eq!(log(sim, id), ["noop/1", "x=1/1"]);
        assert_eq!(commit(sim, id), 2);
    }

    let sim = r.step(2);
    assert!(scenario_does(tour, 500, Action::Stop(4)));
    assert_eq!(role(sim, 4), "stopped");
    assert_eq!(log(sim, 4), ["noop/1", "x=1/1"]);

    let sim = r.step(3);
    for id in [1, 2, 3, 5] {
        assert_eq!(log(sim, id), full);
        assert_eq!(commit(sim, id), 5);
    }
    assert_eq!(log(sim, 4).len(), 2);
    assert_eq!(node(sim, 1).progress()[&4].match_index, 2);
    for written in ["2", "3", "4"] {
        assert_eq!(outcome(sim, written).0, Outcome::Ok);
    }

    let sim = r.step(4);
    assert!(scenario_does(tour, 1000, Action::Restart(4)));
    assert_eq!((role(sim, 4), term(sim, 4)), ("follower", 1));
    assert_eq!(node(sim, 4).voted_for(), Some(1));
    assert_eq!(log(sim, 4).len(), 2);
    assert_eq!(commit(sim, 4), 0);

    let sim = r.step(5);
    assert_eq!(log(sim, 4).len(), 2);
    let refusal = in_flight(sim, 4, 1, "AppendEntriesReply");
    assert!(
        matches!(
            &refusal[..],
            [Message::AppendEntriesReply {
                success: false,
                rejected_index: 5,
                hint,
                ..
            }] if hint.index == 3
        ),
        "{refusal:?}"
    );

    let sim = r.step(6);
    let append = in_flight(sim, 1, 4, "AppendEntries");
    assert!(
        matches!(
            &append[..],
            [Message::AppendEntries {
                prev_log_index: 2,
                entries,
                ..
            }] if entries.len() == 3
        ),
        "{append:?}"
    );

    let sim = r.step(7);
    assert_eq!(log(sim, 4), full);
    assert_eq!((commit(sim, 4), node(sim, 4).last_applied()), (5, 5));
    assert_eq!(node(sim, 1).progress()[&4].match_index, 5);
    for id in all {
        assert_eq!(log(sim, id), full);
    }
    r.done();
}

// ---- 7. Figure 8 ------------------------------------------------------------------------

/// Which servers hold `entry` at `index` (1-based).
fn holders(sim: &Simulation, index: usize, entry: &str) -> BTreeSet<NodeId> {
    (1..=5)
        .filter(|&id| log(sim, id).get(index - 1).map(String::as_str) == Some(entry))
        .collect()
}

#[test]
fn tour_figure_8() {
    let mut r = Replay::new("figure-8");
    let tour = r.tour;
    r.step(0);

    // (a) x=A is on n1 and n2 only.
    let sim = r.step(1);
    assert_eq!(sim.checker().leaders().collect::<Vec<_>>(), [(1, 1)]);
    assert_leader(sim, 1, 1);
    assert_eq!(holders(sim, 2, "x=A/1"), ids(&[1, 2]));
    for id in [3, 4, 5] {
        assert_eq!(log(sim, id), ["noop/1"]);
    }
    assert_eq!(commit(sim, 1), 1);
    let group = |id: NodeId| sim.network().groups()[&id];
    assert!(group(1) == group(2) && group(3) == group(4) && group(4) == group(5));
    assert_ne!(group(1), group(3));
    let appended = first_time(tour, 300 * MILLIS, |s| log(s, 1).len() == 2);
    let split = Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]);
    assert!(
        tour.scenario().actions.contains(&(appended, split)),
        "just as"
    );

    // (b) n5 leads term 2 alone, with a different index 2.
    let sim = r.step(2);
    assert!(scenario_does(tour, 330, Action::ForceTimeout(5)));
    assert_leader(sim, 5, 2);
    assert_eq!(log(sim, 5), ["noop/1", "noop/2", "x=B/2"]);
    for id in [3, 4] {
        assert_eq!(node(sim, id).voted_for(), Some(5));
        assert_eq!(log(sim, id), ["noop/1"]);
    }
    let group = |id: NodeId| sim.network().groups()[&id];
    assert!((1..=4).all(|id| group(id) != group(5)), "n5 is alone");
    assert_eq!((role(sim, 1), term(sim, 1)), ("follower", 2));

    // (c) n1 leads term 3; the link n1 -> n2 is cut.
    let sim = r.step(3);
    assert_eq!((role(sim, 4), role(sim, 5)), ("stopped", "stopped"));
    assert!(scenario_does(tour, 400, Action::ForceTimeout(1)));
    assert_leader(sim, 1, 3);
    assert_eq!(log(sim, 1), ["noop/1", "x=A/1", "noop/3"]);
    for id in [2, 3] {
        assert_eq!(node(sim, id).voted_for(), Some(1));
    }
    assert!(sim.network().cuts().contains(&(1, 2)));

    // The key moment: an old entry on a majority, not committed.
    let sim = r.step(4);
    assert_eq!(holders(sim, 2, "x=A/1"), ids(&[1, 2, 3]), "a majority");
    assert_eq!(holders(sim, 3, "noop/3"), ids(&[1, 3]), "a minority");
    for id in [1, 2, 3] {
        assert_eq!(commit(sim, id), 1, "S{id}: index 2 not committed");
    }
    assert_eq!(node(sim, 1).progress()[&3].match_index, 3);
    // n5's log (last entry: index 3, term 2) is at least as up to date as
    // n2's and n4's, not n3's: n2 and n4 would vote for it (§5.4.1).
    let would_vote = |id: NodeId| node(sim, id).log().is_up_to_date(3, 2);
    assert_eq!(
        (would_vote(2), would_vote(3), would_vote(4)),
        (true, false, true)
    );
    // And it really would: crash n1 now, bring n5 back, and n5 wins and
    // overwrites index 2, legally, since it was not committed.
    let mut what_if = sim.clone();
    let now = what_if.now();
    what_if.cancel_scheduled_after(now);
    for action in [
        Action::Stop(1),
        Action::Heal,
        Action::Restart(4),
        Action::Restart(5),
        Action::ForceTimeout(5), // term 3: n2 and n3 already voted for n1
        Action::ForceTimeout(5), // term 4
    ] {
        what_if.act_now(action).unwrap();
    }
    what_if.run_until(what_if.now() + 300 * MILLIS);
    assert_leader(&what_if, 5, 4);
    assert_eq!(holders(&what_if, 2, "noop/2"), ids(&[2, 3, 4, 5]));
    assert_no_violations(&what_if);

    // (e) The no-op reaches n2: index 3 committed, and index 2 with it.
    let sim = r.step(5);
    assert!(scenario_does(
        tour,
        510,
        Action::RestoreLink { from: 1, to: 2 }
    ));
    assert!(sim.network().cuts().is_empty());
    assert_eq!(holders(sim, 3, "noop/3"), ids(&[1, 2, 3]));
    assert_eq!(commit(sim, 1), 3);
    assert_eq!(outcome(sim, "A"), (Outcome::Ok, true, Some(2)));

    // n5 runs for term 3: only n4 votes for it.
    let sim = r.step(6);
    for action in [
        Action::Stop(1),
        Action::Restart(4),
        Action::Restart(5),
        Action::ForceTimeout(5),
    ] {
        assert!(scenario_does(tour, 650, action));
    }
    assert_eq!(role(sim, 1), "stopped");
    assert_eq!((role(sim, 5), term(sim, 5)), ("candidate", 3));
    assert_eq!(node(sim, 5).votes(), &ids(&[4, 5]));
    for id in [2, 3] {
        assert_eq!((term(sim, id), node(sim, id).voted_for()), (3, Some(1)));
    }

    // Term 4: refused again, by the log check this time.
    let sim = r.step(7);
    assert!(scenario_does(tour, 700, Action::ForceTimeout(5)));
    assert_eq!((role(sim, 5), term(sim, 5)), ("candidate", 4));
    assert_eq!(node(sim, 5).votes(), &ids(&[4, 5]));
    for id in [2, 3] {
        assert_eq!((term(sim, id), node(sim, id).voted_for()), (4, None));
        assert_eq!(node(sim, id).log().last_term(), 3);
    }
    assert_eq!(node(sim, 5).log().last_term(), 2);

    let sim = r.step(8);
    assert_leader(sim, 3, 5);
    for id in [2, 3, 4, 5] {
        assert_eq!(log(sim, id), ["noop/1", "x=A/1", "noop/3", "noop/5"]);
        assert!(commit(sim, id) >= 2);
    }
    assert_eq!(holders(sim, 3, "x=B/2"), ids(&[]));
    r.done();
}

/// The same actions with the unsafe switch commit-old-terms (§5.4.2 broken,
/// no election no-op): the step 5 and step 8 claims of the figure-8 tour
/// become false. n1 commits x=A by counting replicas, with no entry of its
/// own term, and n5 then wins and overwrites it: Figure 8 (d). The checker
/// sees it.
#[test]
fn figure_8_with_the_unsafe_commit_rule_loses_a_committed_entry() {
    let tour = tours::find("figure-8").unwrap();
    let switch = UnsafeSwitch::from_name("commit-old-terms").unwrap();
    let mut sim = start_with(tour, UnsafeSwitches::none().with(switch));
    let at = |i: usize| tour.steps[i].at_ms * MILLIS;

    sim.run_until(at(4));
    assert_eq!(commit(&sim, 1), 0, "not committed at step 4 either");

    sim.run_until(at(5));
    assert_eq!(term(&sim, 1), 3);
    assert_eq!(log(&sim, 1), ["x=A/1"], "no entry of term 3");
    assert_eq!(commit(&sim, 1), 1, "committed by counting replicas");
    assert_no_violations(&sim);

    sim.run_until(at(8));
    assert_leader(&sim, 5, 4);
    for id in [2, 3, 4, 5] {
        assert_eq!(log(&sim, id), ["x=B/2"], "x=A was erased");
    }
    let broken: BTreeSet<&str> = sim
        .violations()
        .iter()
        .map(|v| v.invariant.name())
        .collect();
    assert!(broken.contains("leader_completeness"), "{broken:?}");
    assert!(broken.contains("state_machine_safety"), "{broken:?}");
}
