//! Tests of the playground, beside it: playing (frames, keys, export),
//! replays, time travel, shared links, and scenarios loaded then scrubbed.

mod playing {
    use crate::view::playground::*;

    #[test]
    fn frames_advance_simulated_time_by_speed_and_pause_stops_it() {
        let mut p = Playground::new(1, 5).unwrap();
        p.speed = 0.5;
        p.frame(16.0);
        assert_eq!(p.sim.now(), 8 * MILLIS);
        p.command(KeyCommand::TogglePause);
        p.frame(16.0);
        assert_eq!(p.sim.now(), 8 * MILLIS);
        assert!(!p.animating());
    }

    #[test]
    fn a_leader_appears_within_a_few_wall_seconds_at_default_speed() {
        let mut p = Playground::new(1, 5).unwrap();
        let mut wall = 0.0;
        while p.sim.leader().is_none() {
            p.frame(16.0);
            wall += 16.0;
            assert!(wall < 10_000.0, "no leader after 10 s of wall time");
        }
        assert!(wall < 8_000.0, "first leader after {wall} ms");
    }

    #[test]
    fn dropped_messages_die_visibly() {
        let mut p = Playground::new(2, 3).unwrap();
        p.skip(1000);
        while p.scene.messages.is_empty() {
            p.step();
        }
        let id = p.scene.messages[0].id;
        p.act(Action::DropMessage(id));
        assert_eq!(p.dying.len(), 1);
        for _ in 0..7 {
            p.frame(100.0);
        }
        assert!(p.dying.is_empty(), "gone after {DYING_MS} ms");
    }

    #[test]
    fn keys_drive_actions_and_bad_ones_leave_a_notice() {
        let mut p = Playground::new(3, 5).unwrap();
        p.command(KeyCommand::RestartLeader);
        assert_eq!(p.notice.as_deref(), Some("there is no leader right now"));
        p.skip(2000);
        let leader = p.sim.leader().unwrap();
        p.command(KeyCommand::IsolateLeader);
        p.skip(2000);
        assert_ne!(
            p.sim.leader(),
            Some(leader),
            "a new leader on the majority side"
        );
        p.command(KeyCommand::Heal);
        p.command(KeyCommand::ClientRequestToLeader);
        p.skip(2000);
        assert_eq!(
            p.sim.history().last().unwrap().outcome,
            crate::sim::Outcome::Ok
        );
        assert!(Playground::new(1, 12).is_err());
    }

    /// "Transfer leadership" (key L): refused with a notice when there is
    /// no leader, the target leads already or is stopped, and the run stays
    /// as it was; otherwise the target takes over and the action is
    /// recorded.
    #[test]
    fn leadership_transfer_takes_over_or_says_why_not() {
        let mut p = Playground::new(3, 5).unwrap();
        p.command(KeyCommand::TransferLeadership);
        assert_eq!(p.notice.as_deref(), Some("there is no leader right now"));
        p.skip(2000);
        let leader = p.sim.leader().unwrap();
        let recorded = p.scenario.actions.len();
        p.act(Action::TransferLeadership(leader));
        let notice = p.notice.clone().unwrap();
        assert!(notice.contains("is already the leader"), "{notice}");
        let target = leader % 5 + 1;
        p.act(Action::Stop(target));
        p.act(Action::TransferLeadership(target));
        assert!(p.notice.clone().unwrap().contains("is stopped"));
        assert_eq!(p.scenario.actions.len(), recorded + 1, "only the stop");
        p.act(Action::Resume(target));
        p.skip(500);
        p.selection = Selection::Node(target);
        p.command(KeyCommand::TransferLeadership);
        assert_eq!(p.notice, None);
        p.skip(1000);
        assert_eq!(p.sim.leader(), Some(target));
        let last = p.scenario.actions.last().unwrap();
        assert_eq!(last.1, Action::TransferLeadership(target));
    }

    /// Running, the page sleeps until the next simulated event or the next
    /// change of what it draws itself (the clock's digit, the diagram's
    /// content, the timeline's step), not the next simulated millisecond,
    /// however far away that is; paused, it does not sleep (it asks for no
    /// frames at all).
    #[test]
    fn the_page_sleeps_until_the_next_thing_it_would_draw() {
        use crate::view::versions::{clock, timeline};
        let mut p = Playground::new(1, 5).unwrap();
        p.paused = false;
        p.skip(300);
        let (mut longer_than_a_tick, mut longer_than_50_ms) = (0, 0);
        for _ in 0..200 {
            let (now, idle) = (p.sim.now(), p.idle_ms());
            let next = [
                p.sim.next_event_at().unwrap(),
                clock(&p).next_change(),
                p.sequence.next_change().unwrap(),
                timeline(&p).next.unwrap() * MILLIS,
            ]
            .into_iter()
            .min()
            .unwrap();
            let wall = (next - now) as f64 / MILLIS as f64 / p.speed;
            assert!((idle - wall).abs() < 1e-9, "{idle} {wall}");
            assert!(idle <= MAX_IDLE_MS, "{idle}");
            longer_than_a_tick += (next - now > 2 * MILLIS) as u32;
            longer_than_50_ms += (idle > 50.0) as u32;
            // Sleeping (nearly) that long changes nothing the page draws
            // itself.
            if next - now >= 10 {
                let drawn = |p: &Playground| (p.sim.events(), clock(p), timeline(p));
                let (before, content) = (drawn(&p), p.sequence.content());
                p.frame(idle * 0.9);
                assert_eq!(drawn(&p), before);
                assert!(std::rc::Rc::ptr_eq(&content, &p.sequence.content()));
            }
            p.frame(16.0);
        }
        assert!(longer_than_a_tick > 20, "{longer_than_a_tick}");
        assert!(longer_than_50_ms > 20, "{longer_than_50_ms}");
        // At any speed the clock's last place changes within a second.
        for speed in [4.0, 1.0, 0.3, 0.0105, 0.01, 0.0099, 0.003, 0.0011] {
            p.speed = speed;
            assert!(p.idle_ms() <= MAX_IDLE_MS, "{speed}: {}", p.idle_ms());
        }
        p.speed = crate::view::speed::MIN_SPEED;
        let idle = p.idle_ms();
        assert!(
            idle > 100.0 && idle <= MAX_IDLE_MS,
            "slow: a tick is up to a second away: {idle}"
        );
        p.paused = true;
        assert_eq!(p.idle_ms(), 0.0);
    }

    /// The frame after a sleep moves the simulation by all the wall time
    /// that passed, the sleep and a long frame more, without counting as
    /// falling behind; a longer gap (a hidden tab) is cut short and counts.
    #[test]
    fn a_frame_after_a_sleep_covers_it() {
        let mut p = Playground::new(1, 5).unwrap();
        p.skip(300);
        let speed = p.speed;
        let at = |p: &Playground, wall_ms: f64| {
            p.sim.now() + (wall_ms * speed * MILLIS as f64).round() as u64
        };
        let slept = p.idle_ms();
        assert!(slept > 50.0, "{slept}");
        let late = slept + 90.0;
        let expected = at(&p, late);
        p.frame(late);
        assert_eq!((p.sim.now(), p.lagged), (expected, 0));
        let (longest, expected) = (MAX_IDLE_MS + 90.0, at(&p, MAX_IDLE_MS + 90.0));
        p.frame(longest);
        assert_eq!((p.sim.now(), p.lagged), (expected, 0));
        let expected = at(&p, MAX_IDLE_MS + 100.0);
        p.frame(60_000.0);
        assert_eq!((p.sim.now(), p.lagged), (expected, 1));
    }

    /// A tour's stop is a change too: the page wakes for it, not later.
    #[test]
    fn the_page_wakes_for_a_tours_stop() {
        let mut p = Playground::new(1, 5).unwrap();
        p.skip(300);
        let stop = p.sim.now() + 1;
        p.pause_at = Some(stop);
        assert!(p.idle_ms() <= 1.0 / MILLIS as f64 / p.speed + 1e-9);
    }
}

mod replay_tests {
    use crate::view::playground::*;

    /// A session with clicks at arbitrary moments, steps included, exports
    /// to a scenario that replays to the very same trace.
    #[test]
    fn an_exported_session_replays_exactly() {
        let mut p = Playground::new(11, 5).unwrap();
        p.frame(100.0);
        p.skip(700);
        let leader = p.sim.leader().unwrap();
        p.act(Action::Partition(vec![vec![leader]]));
        for _ in 0..7 {
            p.step();
        }
        p.send(
            Op::Write {
                key: "msg".into(),
                value: "hi".into(),
            },
            None,
        );
        p.frame(33.0);
        p.command(KeyCommand::RestartLeader);
        p.skip(900);
        p.act(Action::Heal);
        p.skip(1500);
        let exported = p.export();
        assert_eq!(exported.actions.len(), 4);
        let json = exported.to_json();
        let replayed = Scenario::from_json(&json).unwrap().run().unwrap();
        assert_eq!(replayed.trace_hash(), p.sim.trace_hash());
        let again = Playground::from_scenario(exported).unwrap();
        assert_eq!(again.sim.now(), 0);
    }

    /// Issue 11: each mechanism's setting changed from the page (PreVote
    /// and CheckQuorum, the read path, the drift bound, a clock) is an
    /// action in the export, and the export replays to the same trace.
    #[test]
    fn a_session_changing_the_mechanisms_replays_exactly() {
        use crate::raft::ReadPath;
        use crate::sim::config::RaftOptions;
        let mut p = Playground::new(5, 3).unwrap();
        p.skip(600);
        let raft = RaftOptions {
            pre_vote: true,
            check_quorum: true,
        };
        let changes = [
            Action::SetRaft(raft),
            Action::SetReads(ReadPath::Lease),
            Action::SetDriftBound(100_000),
            Action::SetClockRate {
                node: 2,
                ppm: -50_000,
            },
        ];
        for change in changes.clone() {
            p.act(change);
            p.skip(150);
        }
        let read = Op::Read { key: "x".into() };
        p.send(read, None);
        p.skip(300);
        let exported = p.export();
        let recorded: Vec<Action> = exported.actions.iter().map(|(_, a)| a.clone()).collect();
        assert_eq!(recorded[..4], changes);
        assert_eq!(p.sim.config().reads.clock_drift_ppm, 100_000);
        let json = exported.to_json();
        assert!(json.contains(r#""action": "drift""#), "{json}");
        let loaded = Scenario::from_json(&json).unwrap();
        assert_eq!(loaded.actions, exported.actions);
        let replayed = loaded.run().unwrap();
        assert_eq!(replayed.trace_hash(), p.sim.trace_hash());
    }

    /// Issue 12: the page's snapshot menu acts through the `snapshots`
    /// action: the servers compact, the menu reads the run's setting, and
    /// the export says so and replays to the same trace; turning it off
    /// is an action too.
    #[test]
    fn the_snapshot_setting_is_a_recorded_action_that_replays() {
        let mut p = Playground::new(5, 3).unwrap();
        p.skip(600);
        p.act(Action::SetSnapshots(Some(5)));
        assert_eq!(p.sim.config().snapshot_threshold, Some(5));
        for i in 0..6 {
            let op = Op::Write {
                key: "x".into(),
                value: i.to_string(),
            };
            p.send(op, None);
            p.skip(60);
        }
        p.skip(300);
        assert!(p.sim.snapshot_counts().taken >= 3, "every server compacted");
        p.act(Action::SetSnapshots(None));
        assert_eq!(p.sim.config().snapshot_threshold, None);
        let exported = p.export();
        let json = exported.to_json();
        assert!(json.contains(r#""action": "snapshots""#), "{json}");
        let loaded = Scenario::from_json(&json).unwrap();
        assert_eq!(loaded.actions, exported.actions);
        let replayed = loaded.run().unwrap();
        assert_eq!(replayed.trace_hash(), p.sim.trace_hash());
    }
}

mod time_travel_tests {
    use crate::raft::SECONDS;
    use crate::view::playground::*;

    fn busy() -> Playground {
        let mut p = Playground::new(13, 5).unwrap();
        p.skip(2_000);
        let leader = p.sim.leader().unwrap();
        p.act(Action::Partition(vec![vec![leader]]));
        p.skip(3_000);
        p.act(Action::Heal);
        p.send(
            Op::Write {
                key: "msg".into(),
                value: "x".into(),
            },
            None,
        );
        p.skip(5_000);
        p
    }

    /// Rewinding and playing forward again reproduces the same run.
    #[test]
    fn seeking_back_then_forward_reproduces_the_run() {
        let mut p = busy();
        let end = p.sim.now();
        let hash = p.sim.trace_hash();
        p.seek(1_500 * MILLIS);
        assert_eq!(p.sim.now(), 1_500 * MILLIS);
        p.seek(end);
        assert_eq!(p.sim.trace_hash(), hash);
        p.seek(4 * SECONDS);
        p.skip(6_000);
        assert_eq!(
            p.sim.trace_hash(),
            hash,
            "playing on replays the same future"
        );
    }

    /// A loaded scenario's actions at time 0 (a server stopped from the
    /// start) happen again when time travel goes back to the start: the
    /// run's first copy is taken before them (found by tests/session_monkey.rs).
    #[test]
    fn seeking_back_to_the_start_keeps_a_loaded_runs_first_actions() {
        let mut scenario = Playground::new(13, 5).unwrap().export();
        scenario.actions = vec![(0, Action::Stop(2)), (0, Action::Stop(3))];
        scenario.cursor = None;
        let mut p = Playground::from_scenario(scenario.clone()).unwrap();
        p.skip(1_000);
        let at_one_second = p.sim.trace_hash();
        let stopped = |p: &Playground| p.sim.servers().iter().filter(|s| !s.up).count();
        let seen: Vec<usize> = [400 * MILLIS, 1, 0]
            .into_iter()
            .map(|t| {
                p.seek(t);
                stopped(&p)
            })
            .collect();
        assert_eq!(
            seen,
            [2, 2, 2],
            "n2 and n3 are stopped at 400 ms, 1 µs and 0"
        );
        p.seek(SECONDS);
        assert_eq!(p.sim.trace_hash(), at_one_second);
        scenario.duration = 300 * MILLIS;
        scenario.cursor = Some(300 * MILLIS);
        let mut q = Playground::open_shared(scenario, false).unwrap();
        q.step_back();
        q.replay_from_start();
        q.skip(1_000);
        assert_eq!(q.sim.trace_hash(), at_one_second);
    }

    /// Jumping to the very end of a run loaded from a scenario (whose
    /// future actions sit in the snapshots' queues) lands exactly there.
    #[test]
    fn seeking_to_the_end_of_a_loaded_run_lands_there() {
        let text = include_str!("../../docs/examples/minority-leader.json");
        for stop_ms in (900..5_000).step_by(370) {
            let mut p = Playground::from_scenario(Scenario::from_json(text).unwrap()).unwrap();
            for _ in 0..stop_ms / 10 {
                p.skip(10); // frames, so snapshots are taken along the way
            }
            let end = (p.sim.now(), p.sim.events(), p.sim.trace_hash());
            p.seek(0);
            p.seek(end.0);
            let now = (p.sim.now(), p.sim.events(), p.sim.trace_hash());
            assert_eq!(now, end, "stopped at {stop_ms} ms");
            assert!(!p.in_the_past());
        }
    }

    /// Acting in the past discards the future after that moment.
    #[test]
    fn acting_in_the_past_forks() {
        let mut p = busy();
        assert_eq!(p.scenario.actions.len(), 3);
        p.seek(2_500 * MILLIS);
        p.act(Action::Restart(1));
        assert_eq!(
            p.scenario.actions.len(),
            2,
            "heal and the write were in the discarded future"
        );
        assert_eq!(p.horizon, 2_500 * MILLIS);
        let replayed = p.export().run().unwrap();
        assert_eq!(replayed.trace_hash(), p.sim.trace_hash());
    }

    /// Stepping back undoes exactly one event at a time, however many
    /// steps, and stepping forward again redoes the same events.
    #[test]
    fn stepping_back_undoes_one_event_at_a_time() {
        let mut p = busy();
        let mut seen = vec![(p.sim.events(), p.sim.trace_hash())];
        for _ in 0..5 {
            p.step();
            seen.push((p.sim.events(), p.sim.trace_hash()));
        }
        for expected in seen.iter().rev().skip(1) {
            p.step_back();
            assert_eq!((p.sim.events(), p.sim.trace_hash()), *expected);
        }
        assert!(p.in_the_past());
        p.step();
        assert_eq!((p.sim.events(), p.sim.trace_hash()), seen[1]);
    }

    /// Stepping back event by event shows the event log as it was when
    /// each event was first reached, even part-way through a microsecond
    /// (a review saw a step back keep that microsecond's later lines).
    #[test]
    fn stepping_back_shows_the_event_log_as_it_was() {
        let mut p = Playground::new(13, 5).unwrap();
        let shown = |p: &Playground| -> Vec<String> { p.events.until(&p.sim).cloned().collect() };
        let mut seen = vec![(p.sim.events(), p.sim.now(), shown(&p))];
        while p.sim.events() < 400 {
            if p.sim.events() == 200 {
                // A restart: its action line and the state lines it causes are
                // one microsecond's.
                p.act(Action::Restart(p.sim.leader().unwrap()));
                seen.push((p.sim.events(), p.sim.now(), shown(&p)));
            }
            p.step();
            seen.push((p.sim.events(), p.sim.now(), shown(&p)));
        }
        // The walk has a microsecond with lines from two of its events.
        let split = seen
            .windows(2)
            .any(|w| w[0].1 == w[1].1 && w[0].2 != w[1].2 && !w[0].2.is_empty());
        assert!(split, "no microsecond with lines from two events");
        for (events, _, lines) in seen.iter().rev().skip(1) {
            p.step_back();
            assert_eq!(p.sim.events(), *events);
            assert_eq!(shown(&p), *lines, "after stepping back to event {events}");
        }
    }

    /// Acting after a step back part-way through a microsecond discards
    /// the actions of that microsecond still to come, with the rest of the
    /// future (a page tester's restart came back after its step back, and
    /// the Stop that forked was done after it).
    #[test]
    fn acting_part_way_through_a_microsecond_discards_its_later_actions() {
        let mut p = Playground::new(5, 5).unwrap();
        p.skip(1_000);
        let leader = p.sim.leader().unwrap();
        let actions = p.scenario.actions.len();
        p.act(Action::Restart(leader));
        let restarted_at = p.sim.now();
        p.step_back();
        assert_eq!(p.sim.now(), restarted_at, "the same microsecond");
        assert!(p.in_the_past());
        assert_eq!(p.sim.leader(), Some(leader), "before the restart");
        p.act(Action::Stop(leader));
        assert_eq!(p.forked.as_ref().map(|f| f.actions), Some(1), "the restart");
        let stopped = (p.scenario.actions[actions..].iter()).map(|(_, a)| a.clone());
        assert_eq!(stopped.collect::<Vec<_>>(), vec![Action::Stop(leader)]);
        let server = &p.sim.servers()[leader as usize - 1];
        assert_eq!(
            (server.incarnation, server.up),
            (0, false),
            "stopped, never restarted"
        );
        let said: Vec<&String> = p.events.until(&p.sim).collect();
        assert!(said.iter().all(|l| !l.contains("restart")), "{said:?}");
        // The run replays from its scenario to the same moment.
        let mut again = Playground::open_shared(p.export(), false).unwrap();
        while again.opening().is_some() {
            again.open_more(OPEN_AT_ONCE);
        }
        assert_eq!(again.sim.trace_hash(), p.sim.trace_hash());
    }

    /// A scenario file's two actions at time 0; a fork between them
    /// discards the second, and the run's first copy, taken before them,
    /// does not bring it back when the cursor goes back there (the session
    /// monkey found the copy still owing it).
    #[test]
    fn a_fork_between_two_actions_of_a_file_discards_the_second_for_good() {
        let mut scenario = Playground::new(5, 5).unwrap().export();
        scenario.actions = vec![(0, Action::ForceTimeout(1)), (0, Action::ForceTimeout(2))];
        scenario.duration = 3_000 * MILLIS;
        let mut p = Playground::from_scenario(scenario).unwrap();
        p.skip(1_000);
        p.seek(0);
        while p.sim.events() > 1 {
            p.step_back();
        }
        assert_eq!(p.sim.now(), 0, "between the two timeouts");
        p.act(Action::Stop(3));
        assert_eq!(p.forked.as_ref().map(|f| f.actions), Some(1));
        assert_eq!(
            p.scenario.actions,
            vec![(0, Action::ForceTimeout(1)), (0, Action::Stop(3))]
        );
        let at_fork = (p.sim.trace_hash(), p.sim.events());
        p.skip(1_000);
        let (hash, events) = (p.sim.trace_hash(), p.sim.events());
        // Back to the start and on again: the same run.
        p.seek(0);
        assert_eq!((p.sim.trace_hash(), p.sim.events()), at_fork);
        p.seek(1_000 * MILLIS);
        assert_eq!((p.sim.trace_hash(), p.sim.events()), (hash, events));
        let mut again = Playground::open_shared(p.export(), false).unwrap();
        while again.opening().is_some() {
            again.open_more(OPEN_AT_ONCE);
        }
        assert_eq!((again.sim.trace_hash(), again.sim.events()), (hash, events));
    }

    /// The event log follows the cursor, and replaying a stretch already
    /// seen does not log it twice; a fork forgets the discarded future.
    #[test]
    fn the_event_log_follows_the_cursor_without_repeats() {
        let mut p = busy();
        let all: Vec<String> = p.events.lines().cloned().collect();
        p.seek(2_500 * MILLIS);
        let before: Vec<&String> = p.events.until(&p.sim).collect();
        assert!(before.len() < all.len());
        assert!(before.iter().all(|l| !l.contains("action: heal")));
        p.skip(20_000);
        let after: Vec<&String> = p.events.until(&p.sim).collect();
        assert!(after.len() >= all.len());
        assert_eq!(
            after[..all.len()],
            all.iter().collect::<Vec<_>>()[..],
            "the replayed stretch is logged once"
        );
        p.seek(2_500 * MILLIS);
        p.act(Action::Heal);
        assert!(p.events.lines().all(|l| !l.contains("you sent")));
        assert!(p.events.elections().iter().all(|e| e.at <= 2_500 * MILLIS));
    }

    /// A fork between a request and its answer: the answer, which comes
    /// again after the fork, still names the request (the log had let it
    /// go in the discarded future, and said "your request ended").
    #[test]
    fn a_request_answered_again_after_a_fork_is_named() {
        let mut p = Playground::new(13, 5).unwrap();
        p.skip(2_000);
        let sent_at = p.sim.now();
        let write = Op::Write {
            key: "msg".into(),
            value: "x".into(),
        };
        p.send(write, None);
        p.skip(2_000);
        let ended = |p: &Playground| -> Vec<String> {
            let lines = p.events.until(&p.sim);
            lines.filter(|l| l.contains(" ended: ")).cloned().collect()
        };
        let first = ended(&p);
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(first[0].contains("your write msg=x ended: ok"), "{first:?}");
        p.seek(sent_at + MILLIS);
        assert!(ended(&p).is_empty(), "the cursor is before the answer");
        // A follower cut off: the write still commits, on four servers.
        p.act(Action::Partition(vec![vec![1]]));
        p.skip(2_000);
        let again = ended(&p);
        assert_eq!(again.len(), 1, "{again:?}");
        assert!(again[0].contains("your write msg=x ended: ok"), "{again:?}");
    }

    #[test]
    fn snapshots_stay_bounded_on_long_runs() {
        let mut p = Playground::new(2, 3).unwrap();
        for _ in 0..200 {
            p.skip(1_000);
        }
        assert!(p.snapshots.len() <= crate::view::snapshots::MAX_SNAPSHOTS);
        assert_eq!(p.snapshots.times().next(), Some(0));
        p.seek(17 * SECONDS);
        assert_eq!(p.sim.now(), 17 * SECONDS);
    }
}

mod shared_link_tests {
    use crate::view::permalink;
    use crate::view::playground::*;

    /// A run with background load, a partition and a request, paused.
    fn sender() -> Playground {
        let mut p = Playground::with_load(21, 5, 10.0).unwrap();
        p.skip(1_500);
        let leader = p.sim.leader().unwrap();
        p.act(Action::Partition(vec![vec![leader]]));
        p.skip(700);
        p.send(Op::Read { key: "k".into() }, None);
        p.skip(1_300);
        p.paused = true;
        p
    }

    /// A found failure opens a frame's events at a time, the rest frame by
    /// frame, to the same run a link opened at once comes to.
    #[test]
    fn a_found_failure_opens_a_frame_at_a_time_to_the_same_run() {
        let mut p = sender();
        p.skip(40_000);
        let shared = p.export();
        let at_once = Playground::open_shared(shared.clone(), false).unwrap();
        assert!(
            at_once.opening().is_none(),
            "a link's {} events at once",
            p.sim.events()
        );
        let mut found = Playground::open_found(shared).unwrap();
        assert!(found.opening().is_some(), "more than a frame's events");
        assert!(found.sim.events() <= OPEN_PER_FRAME + 2_000);
        let mut frames = 1;
        while !found.open_more(OPEN_PER_FRAME) {
            frames += 1;
        }
        assert!(frames >= 2, "{frames} frames");
        assert_eq!(found.sim.trace_hash(), at_once.sim.trace_hash());
        assert_eq!(found.sim.now(), p.sim.now());
    }

    #[test]
    fn a_shared_link_opens_paused_at_its_moment_with_the_senders_hash() {
        let p = sender();
        let fragment = permalink::encode(&p.export());
        let shared = permalink::decode(&fragment).unwrap().unwrap();
        assert_eq!(shared.cursor, Some(p.sim.now()));
        assert!(shared.workload.is_some(), "the background load travels too");
        let q = Playground::open_shared(shared.clone(), false).unwrap();
        assert!(q.paused);
        assert_eq!(q.sim.now(), p.sim.now());
        assert_eq!(q.sim.trace_hash(), p.sim.trace_hash());
        // Everything before the moment is on the timeline, and logged.
        assert_eq!(q.horizon, p.sim.now());
        assert_eq!(q.events.len(), p.events.len());
        // `autoplay=1`: from the start instead, playing.
        let r = Playground::open_shared(shared, true).unwrap();
        assert_eq!((r.sim.now(), r.paused), (0, false));
    }

    /// Shared at time 0 after acting there (a page opened paused): the
    /// receiver does the action too (found by tests/session_monkey.rs).
    #[test]
    fn a_link_shared_at_time_zero_keeps_what_was_done_there() {
        let mut p = Playground::new(3, 5).unwrap();
        p.paused = true;
        p.act(Action::Stop(2));
        assert_eq!(p.sim.now(), 0);
        let q = Playground::open_shared(p.export(), false).unwrap();
        assert_eq!(
            (q.sim.now(), q.sim.events(), q.sim.trace_hash()),
            (0, p.sim.events(), p.sim.trace_hash())
        );
        assert!(!q.sim.server(2).unwrap().up);
    }

    /// A step back to the first event of a microsecond leaves the clock
    /// there with the event still to come: the link opens at that clock.
    #[test]
    fn a_link_shared_after_stepping_back_over_an_action_opens_at_its_clock() {
        let mut p = Playground::new(4, 5).unwrap();
        p.skip(400);
        p.act(Action::CutLink { from: 1, to: 2 });
        p.step_back();
        assert_eq!(p.sim.next_event_at(), Some(p.sim.now()));
        let q = Playground::open_shared(p.export(), false).unwrap();
        assert_eq!(
            (q.sim.now(), q.sim.events(), q.sim.trace_hash()),
            (p.sim.now(), p.sim.events(), p.sim.trace_hash())
        );
    }

    /// Shared part-way through a microsecond (by single steps): the link
    /// stops after the same event, not at the end of that microsecond.
    #[test]
    fn a_link_shared_between_two_events_of_one_microsecond_opens_there() {
        for seed in 1..=3 {
            let mut p = Playground::new(seed, 5).unwrap();
            p.skip(300);
            // Step until the next event is due in this same microsecond.
            while p.sim.next_event_at() != Some(p.sim.now()) {
                p.step();
            }
            p.step_back();
            p.step();
            let shared = p.export();
            assert!(shared.cursor_events.is_some(), "seed {seed}");
            let q = Playground::open_shared(shared, false).unwrap();
            assert_eq!(q.sim.events(), p.sim.events(), "seed {seed}");
            assert_eq!(q.sim.trace_hash(), p.sim.trace_hash(), "seed {seed}");
        }
    }

    /// An action taken before a loaded scenario's later actions keeps its
    /// time in the link (the list is put in time order on export).
    #[test]
    fn acting_before_a_loaded_scenarios_later_actions_survives_the_link() {
        let text = include_str!("../../docs/examples/minority-leader.json");
        let mut p = Playground::from_scenario(Scenario::from_json(text).unwrap()).unwrap();
        p.skip(1_000);
        p.act(Action::Stop(2));
        p.skip(6_000);
        let shared = p.export();
        assert_eq!(shared.validate(), Ok(()));
        let opened = crate::view::permalink::decode(&crate::view::permalink::encode(&shared))
            .unwrap()
            .unwrap();
        assert_eq!(opened, shared);
        let q = Playground::open_shared(opened, false).unwrap();
        assert_eq!(q.sim.trace_hash(), p.sim.trace_hash());
    }

    /// Opening at a late moment leaves snapshots all along the way, so
    /// jumping back is as quick as in a run played live.
    #[test]
    fn a_run_opened_late_keeps_snapshots_along_the_way() {
        let mut p = Playground::with_load(3, 5, 10.0).unwrap();
        p.skip(120_000);
        let q = Playground::open_shared(p.export(), false).unwrap();
        assert!(q.snapshots.len() >= 30, "{} snapshots", q.snapshots.len());
    }

    /// A heavy shared run opens a slice at a time, each frame a bounded
    /// amount of work, and arrives at the same moment, with the same
    /// trace and snapshots all along, as if replayed in one go.
    #[test]
    fn a_heavy_shared_run_opens_in_slices_to_the_same_moment() {
        let mut p = Playground::with_load(3, 5, 20.0).unwrap();
        p.skip(600_000);
        let (moment, hash, events) = (p.sim.now(), p.sim.trace_hash(), p.sim.events());
        assert!(events > 2 * OPEN_AT_ONCE, "{events} events");
        let mut q = Playground::open_shared(p.export(), false).unwrap();
        let (first, cursor) = q.opening().expect("too heavy for one go");
        assert_eq!(cursor, moment);
        assert!(first > 0 && q.sim.events() < 2 * OPEN_AT_ONCE);
        assert!(q.animating() && q.idle_ms() == 0.0, "frames keep coming");
        let mut slices = 0;
        loop {
            let before = q.sim.events();
            let done = q.open_more(OPEN_PER_FRAME);
            slices += 1;
            // A slice stops at the first whole second past its budget.
            assert!(q.sim.events() - before < 2 * OPEN_PER_FRAME + 2_000);
            if done {
                break;
            }
            assert!(q.paused && q.new_events.is_empty() && q.dying.is_empty());
        }
        assert!(slices > 10, "{slices} slices");
        assert_eq!(q.opening(), None);
        assert_eq!((q.sim.now(), q.sim.trace_hash()), (moment, hash));
        assert!(q.snapshots.len() >= 30, "{} snapshots", q.snapshots.len());
        assert!(!q.animating(), "at the moment, paused");
    }

    /// A hostile link cannot make the page replay hours of heavy load.
    #[test]
    fn scenarios_too_long_or_too_busy_to_replay_are_refused() {
        let mut s = Playground::new(1, 5).unwrap().export();
        s.duration = MAX_LOADED_DURATION + 1;
        let err = Playground::open_shared(s.clone(), false).unwrap_err();
        assert!(err.contains("replays at most 3600"), "{err}");
        s.duration = 600 * crate::raft::SECONDS;
        s.cursor = Some(s.duration);
        s.workload = Some(ClientLoad {
            rate: 1_000.0,
            ..ClientLoad::default()
        });
        let err = Playground::open_shared(s.clone(), false).unwrap_err();
        assert!(err.contains("about 600000 requests"), "{err}");
        // Timers firing every millisecond make ten minutes cost more than
        // an hour of the playground's own timing on nine servers; a
        // minute of them is fine.
        s.workload = None;
        s.timing = Timing {
            election_timeout_min: 2 * MILLIS,
            election_timeout_max: 4 * MILLIS,
            heartbeat_interval: MILLIS,
        };
        let err = Playground::open_shared(s.clone(), false).unwrap_err();
        assert!(
            err.contains("timers would fire about 4500000 times")
                && err.contains("heartbeats every 1 ms, election timeouts from 2 ms, 5 servers")
                && err.contains("replays at most 972000"),
            "{err}"
        );
        s.duration = 60 * crate::raft::SECONDS;
        s.cursor = Some(s.duration);
        assert!(Playground::open_shared(s.clone(), false).is_ok());
        // Beyond its own end, a cursor is refused by validation itself.
        s.cursor = Some(s.duration + 1);
        assert!(s
            .validate()
            .unwrap_err()
            .contains("\"cursor_us\" must be at most"));
    }

    #[test]
    fn a_moment_scrubbed_back_to_keeps_the_rest_of_the_run() {
        let mut p = sender();
        let end = p.sim.now();
        p.seek(2 * crate::raft::SECONDS);
        let (moment, hash) = (p.sim.now(), p.sim.trace_hash());
        let shared = p.export();
        assert_eq!((shared.cursor, shared.duration), (Some(moment), end));
        let mut q = Playground::open_shared(shared, false).unwrap();
        assert_eq!((q.sim.now(), q.sim.trace_hash()), (moment, hash));
        assert_eq!(q.timeline_end(), end);
        // "Replay from the start" goes back to 0 and plays on.
        q.replay_from_start();
        assert_eq!((q.sim.now(), q.paused), (0, false));
        q.go_to(end);
        p.go_to(end);
        assert_eq!(q.sim.trace_hash(), p.sim.trace_hash());
    }
}

mod time_travel_scenario_tests {
    use crate::raft::SECONDS;
    use crate::view::playground::*;

    /// A session loaded from a scenario, with an action taken at the very
    /// moment a snapshot is due, then rewound: nothing runs twice, and a fork
    /// also drops the scenario's own future actions.
    #[test]
    fn seeking_in_a_loaded_scenario_is_exact() {
        let text = include_str!("../../docs/examples/minority-leader.json");
        let mut p = Playground::from_scenario(Scenario::from_json(text).unwrap()).unwrap();
        p.skip(1_000);
        p.act(Action::ForceTimeout(2));
        p.skip(5_000);
        let (end, hash) = (p.sim.now(), p.sim.trace_hash());
        p.seek(500 * MILLIS);
        p.seek(end);
        assert_eq!(p.sim.trace_hash(), hash);
        assert_eq!(p.export().run().unwrap().trace_hash(), hash);
        p.seek(2 * SECONDS);
        p.act(Action::Heal);
        assert!(p.scenario.actions.iter().all(|(at, _)| *at <= 2 * SECONDS));
        p.skip(3_000);
        assert_eq!(p.export().run().unwrap().trace_hash(), p.sim.trace_hash());
    }
}

mod unsafe_switches {
    use crate::raft::{UnsafeSwitch, UnsafeSwitches};
    use crate::view::permalink;
    use crate::view::playground::*;

    /// A run with an unsafe switch says so, naming it; its shared link and
    /// file keep the switch, so the receiver sees the same broken run and
    /// the same warning. A safe run says nothing.
    #[test]
    fn a_run_with_an_unsafe_switch_says_so_and_its_link_keeps_it() {
        let safe = Playground::new(3, 5).unwrap();
        assert_eq!(safe.unsafe_warning(), None);
        let mut scenario = safe.export();
        scenario.unsafe_switches =
            UnsafeSwitches::none().with(UnsafeSwitch::ConfigChangeWithoutNoop);
        let mut p = Playground::from_scenario(scenario).unwrap();
        assert_eq!(
            p.sim.config().unsafe_switches,
            p.scenario.unsafe_switches,
            "the run has the switch on"
        );
        assert_eq!(
            p.unsafe_warning().as_deref(),
            Some("Unsafe: config-change-without-noop \u{2014} this run breaks Raft on purpose")
        );
        p.skip(500);
        let shared = p.export();
        let fragment = permalink::encode(&shared);
        let opened = permalink::decode(&fragment).unwrap().unwrap();
        assert_eq!(opened, shared);
        let q = Playground::open_shared(opened, false).unwrap();
        assert_eq!(q.unsafe_warning(), p.unsafe_warning());
        assert_eq!(q.sim.trace_hash(), p.sim.trace_hash());
    }
}

mod a_stale_leader {
    use crate::sim::Action;
    use crate::view::playground::*;

    /// With only a leader a majority has left behind, the page asks it for no
    /// change of membership and no hand-over: it would take them and lose
    /// them (a page tester's added server showed as "removed" for good).
    #[test]
    fn a_stale_leader_is_asked_for_no_membership_change() {
        let mut p = Playground::new(5, 5).unwrap();
        p.skip(1_000);
        let old = p.sim.leader().unwrap();
        p.act(Action::Partition(vec![vec![old]]));
        p.skip(1_000);
        let new = p.sim.leader().unwrap();
        assert_ne!(new, old);
        p.act(Action::Stop(new));
        let servers = p.sim.server_count();
        let refusal =
            format!("there is no leader that can commit right now: n{old} only thinks it leads");
        for action in [
            Action::AddServer,
            Action::TransferLeadership(new),
            Action::RemoveServer(new),
        ] {
            p.notice = None;
            p.act(action.clone());
            assert_eq!(p.notice.as_deref(), Some(refusal.as_str()), "{action:?}");
        }
        assert_eq!(p.sim.server_count(), servers, "no server added");
        p.command(crate::view::keys::KeyCommand::IsolateLeader);
        assert_eq!(p.notice.as_deref(), Some(refusal.as_str()));
    }
}

/// Forks part-way through a microsecond: the run, its link, time travel
/// and the message diagram agree (cases from a review).
mod fork_part_way {
    use crate::view::message_history::Span;
    use crate::view::playground::*;

    /// An action naming a server that an action of the fork's moment,
    /// still to come, would add is refused before the run is cut: the
    /// fork discards that action (a review's case).
    #[test]
    fn a_refusal_part_way_through_a_microsecond_cuts_nothing() {
        let mut scenario = Playground::new(5, 5).unwrap().export();
        let at = 1_000 * MILLIS;
        scenario.actions = vec![(at, Action::ForceTimeout(1)), (at, Action::AddServer)];
        scenario.duration = 2_000 * MILLIS;
        let mut p = Playground::from_scenario(scenario.clone()).unwrap();
        p.skip(1_500);
        assert_eq!(p.sim.server_count(), 6, "n6 was added");
        p.seek(at);
        while p.sim.server_count() == 6 {
            p.step_back();
        }
        assert_eq!(p.sim.now(), at, "before the addition, at its moment");
        p.act(Action::Stop(6));
        assert!(p.notice.is_some(), "refused");
        assert!(p.forked.is_none(), "nothing cut");
        assert_eq!(p.scenario.actions, scenario.actions);
    }

    /// An election in the fork's microsecond, after its event, is
    /// forgotten with the rest: with messages that take no time, a server
    /// that times out leads in the same microsecond, and a Stop between
    /// the two actions of time 0 discards it.
    #[test]
    fn a_fork_part_way_forgets_an_election_after_it() {
        let mut scenario = Playground::new(3, 3).unwrap().export();
        scenario.network.latency_min = 0;
        scenario.network.latency_max = 0;
        scenario.actions = vec![(0, Action::AlignTimers), (0, Action::ForceTimeout(1))];
        scenario.duration = 1_000 * MILLIS;
        let mut p = Playground::from_scenario(scenario).unwrap();
        p.skip(1);
        let elected = p
            .events
            .elections()
            .first()
            .map(|e| (e.at, e.leader, e.term));
        assert_eq!(elected, Some((0, 1, 1)), "n1 leads term 1 at once");
        p.seek(0);
        while p.sim.events() > 1 {
            p.step_back();
        }
        assert_eq!(
            (p.sim.now(), p.sim.leader()),
            (0, None),
            "before the timeout"
        );
        p.act(Action::Stop(1));
        assert_eq!(p.forked.as_ref().map(|f| f.actions), Some(1), "the timeout");
        assert!(
            p.events.elections().is_empty(),
            "{:?}",
            p.events.elections()
        );
    }

    fn opened(p: &Playground) -> Playground {
        let mut q = Playground::open_shared(p.export(), false).unwrap();
        while q.opening().is_some() {
            q.open_more(OPEN_AT_ONCE);
        }
        q
    }

    fn write(v: &str) -> Op {
        Op::Write {
            key: "a".into(),
            value: v.into(),
        }
    }

    /// A fork part-way through a microsecond discards the messages the
    /// discarded actions of that microsecond sent; the diagram must not
    /// keep them (ids are reused by the new run's messages).
    #[test]
    fn a_fork_part_way_forgets_the_messages_its_discarded_actions_sent() {
        let mut p = Playground::new(5, 5).unwrap();
        p.skip(1_000);
        let leader = p.sim.leader().unwrap();
        let other = (1..=5).find(|&i| i != leader).unwrap();
        p.act(Action::ClientRequest {
            to: Some(leader),
            op: write("1"),
        });
        let t = p.sim.now();
        p.step_back();
        assert_eq!(p.sim.now(), t);
        assert!(p.in_the_past());
        p.act(Action::ClientRequest {
            to: Some(other),
            op: write("2"),
        });
        assert!(p.forked.is_some());
        let again = opened(&p);
        assert_eq!(
            (again.sim.now(), again.sim.events(), again.sim.trace_hash()),
            (p.sim.now(), p.sim.events(), p.sim.trace_hash())
        );
        let mine = p.messages.window(0, t);
        let theirs = again.messages.window(0, t);
        let at_t = |w: &[Span]| {
            w.iter()
                .filter(|s| s.sent_at == t)
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            at_t(&mine),
            at_t(&theirs),
            "the messages sent at the fork's moment"
        );
    }

    /// A message dropped by hand at the fork's moment, after its event:
    /// the drop is discarded, the message is in flight again in the run,
    /// and the diagram must say so.
    #[test]
    fn a_fork_part_way_brings_back_a_message_dropped_after_it() {
        let mut p = Playground::new(5, 5).unwrap();
        p.skip(1_000);
        while p.scene.messages.is_empty() {
            p.step();
        }
        let id = p.scene.messages[0].id;
        p.act(Action::DropMessage(id));
        let t = p.sim.now();
        p.step_back();
        assert_eq!(p.sim.now(), t);
        assert!(
            p.sim.network().get(id).is_some(),
            "in flight before the drop"
        );
        p.act(Action::Stop(p.sim.leader().unwrap()));
        assert!(p.forked.is_some());
        assert!(p.sim.network().get(id).is_some(), "still in flight");
        let again = opened(&p);
        assert_eq!(again.sim.trace_hash(), p.sim.trace_hash());
        let find = |q: &Playground| q.messages.window(0, t).into_iter().find(|s| s.id == id);
        assert_eq!(find(&p), find(&again), "message {id}");
    }

    /// The page tester's case: a restart discarded by a Stop part-way
    /// through its microsecond; the diagram's lifelines must not keep the
    /// restart's role change.
    #[test]
    fn a_fork_part_way_forgets_the_role_changes_of_its_discarded_actions() {
        let mut p = Playground::new(5, 5).unwrap();
        p.skip(1_000);
        let leader = p.sim.leader().unwrap();
        p.act(Action::Restart(leader));
        let t = p.sim.now();
        p.step_back();
        p.act(Action::Stop(leader));
        assert!(p.forked.is_some());
        p.skip(300);
        let again = opened(&p);
        assert_eq!(again.sim.trace_hash(), p.sim.trace_hash());
        let now = p.sim.now();
        assert_eq!(
            p.messages.segments(t - 1, now),
            again.messages.segments(t - 1, now),
            "lifelines from the fork on"
        );
    }

    fn moment(p: &Playground) -> (Time, u64, u64) {
        (p.sim.now(), p.sim.events(), p.sim.trace_hash())
    }

    /// Forks at the very start, several in a row within one
    /// microsecond, with file actions and the person's at that moment.
    #[test]
    fn forks_in_a_row_part_way_through_one_microsecond_replay() {
        let mut scenario = Playground::new(7, 5).unwrap().export();
        scenario.actions = vec![
            (0, Action::ForceTimeout(1)),
            (0, Action::ForceTimeout(2)),
            (0, Action::ForceTimeout(3)),
        ];
        scenario.duration = 2_000 * MILLIS;
        let mut p = Playground::from_scenario(scenario).unwrap();
        p.skip(500);
        p.act(Action::Stop(4));
        p.skip(500);
        p.seek(0);
        while p.sim.events() > 2 {
            p.step_back();
        }
        p.act(Action::Stop(5));
        assert_eq!(moment(&opened(&p)), moment(&p), "first fork");
        p.step_back();
        p.step_back();
        p.act(Action::Stop(4));
        assert_eq!(moment(&opened(&p)), moment(&p), "second fork");
        p.skip(300);
        let end = moment(&p);
        p.seek(0);
        p.seek(300 * MILLIS);
        assert_eq!(moment(&p), end, "time travel shows the run played");
        assert_eq!(moment(&opened(&p)), end, "the link");
        // To the very start, then act.
        while p.sim.events() > 0 {
            p.step_back();
        }
        p.act(Action::Stop(3));
        p.skip(300);
        let end = moment(&p);
        p.seek(0);
        p.seek(300 * MILLIS);
        assert_eq!(moment(&p), end, "time travel after a fork at the start");
        assert_eq!(
            moment(&opened(&p)),
            end,
            "the link after a fork at the start"
        );
    }
}
