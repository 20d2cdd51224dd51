//! Tests of `event_log.rs`.

use crate::sim::Action;
use crate::view::membership;
use crate::view::playground::Playground;

#[test]
fn a_violation_reads_as_a_sentence() {
    use crate::sim::{Invariant, Violation};
    let mut v = Violation {
        invariant: Invariant::LeaderCompleteness,
        t: 4_462_159,
        nodes: vec![5, 2],
        detail: "n5 lacks index 2".into(),
        term: None,
        index: None,
    };
    assert_eq!(
        super::violation_sentence(&v),
        "leader completeness broken at 4.462 s, on n5 and n2: n5 lacks index 2"
    );
    v.nodes = vec![3];
    assert!(super::violation_sentence(&v).contains("s, on n3: "));
    v.nodes = vec![1, 2, 3];
    assert!(super::violation_sentence(&v).contains("on n1, n2 and n3"));
}

#[test]
fn a_stopped_leader_resumed_is_back_not_elected_again() {
    let mut p = Playground::new(3, 5).unwrap();
    p.skip(1000);
    let old = p.sim.leader().unwrap();
    p.act(Action::Stop(old));
    p.skip(1000);
    assert!(p.sim.leader().is_some_and(|l| l != old));
    p.act(Action::Resume(old));
    p.skip(1);
    let text: Vec<&String> = p.events.lines().collect();
    assert!(
        text.iter()
            .any(|l| l.contains(&format!("n{old} is back as leader"))),
        "{text:?}"
    );
    let terms: Vec<u64> = p.events.elections().iter().map(|e| e.term).collect();
    assert_eq!(terms.len(), 2, "{terms:?}");
    assert!(terms[0] < terms[1], "{terms:?}");
}

#[test]
fn elections_actions_and_requests_read_as_sentences() {
    let mut p = Playground::new(1, 5).unwrap();
    p.skip(1000);
    let leader = p.sim.leader().unwrap();
    p.act(Action::Stop(leader));
    p.skip(1000);
    let lines: Vec<&String> = p.events.lines().collect();
    let text = lines
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("became leader for term"), "{text}");
    assert!(text.contains(&format!("action: stop n{leader}")), "{text}");
    assert!(text.contains(&format!("n{leader} stopped")), "{text}");
    assert!(lines.iter().all(|l| l.starts_with("t=")));
}

/// The playground's log starts empty, with no State event seen for any
/// server: the very first election must still be told.
#[test]
fn the_first_election_of_a_run_is_told() {
    let mut p = Playground::new(3, 5).unwrap();
    while p.sim.leader().is_none() {
        p.frame(16.0);
    }
    let first = p.events.lines().next().unwrap();
    assert!(first.ends_with("started an election for term 1"), "{first}");
}

/// A line keeps its number while older ones scroll away, so the page
/// adds only new lines to the list it shows.
#[test]
fn lines_keep_their_numbers_as_old_ones_scroll_away() {
    let mut log = super::EventLog::default();
    let event = crate::sim::TraceEvent::Action {
        description: "heal".into(),
    };
    for t in 0..(super::KEEP as u64 + 5) {
        log.record(t * crate::raft::MILLIS, &event);
    }
    assert_eq!(log.len(), super::KEEP);
    let numbered: Vec<(u64, String)> = log
        .numbered_at(u64::MAX, u64::MAX)
        .map(|(n, l)| (n, l.clone()))
        .collect();
    assert_eq!(numbered[0].0, 5, "five scrolled away");
    assert!(numbered[0].1.starts_with("t=0.005s"), "{}", numbered[0].1);
    assert_eq!(numbered.last().unwrap().0, super::KEEP as u64 + 4);
    assert_eq!(
        log.numbered_at(9 * crate::raft::MILLIS, u64::MAX).count(),
        5,
        "t=5..=9 ms"
    );
}

/// A line's key is its event's place in the trace, which counts no notes
/// of unsafe steps: part-way through a microsecond, the cursor shows the
/// lines of the events it has done, and no later one.
#[test]
fn a_line_is_keyed_by_its_place_in_the_trace() {
    use crate::raft::UnsafeSwitch;
    use crate::sim::TraceEvent;
    let mut log = super::EventLog::default();
    let t = 7 * crate::raft::MILLIS;
    log.records_from(0);
    let note = TraceEvent::UnsafeStep {
        node: 1,
        switch: UnsafeSwitch::ConfigChangeWithoutNoop,
        peer: None,
        index: None,
    };
    assert!(!note.is_counted());
    log.record(t, &note);
    log.record(
        t,
        &TraceEvent::Action {
            description: "heal".into(),
        },
    );
    log.record(
        t,
        &TraceEvent::Action {
            description: "heal".into(),
        },
    );
    let shown = |traced| log.numbered_at(t, traced).count();
    assert_eq!((shown(0), shown(1), shown(2)), (0, 1, 2));
    assert_eq!(
        log.numbered_at(t - 1, 2).count(),
        0,
        "none before their time"
    );
}

/// Snapshots taken and installed read as sentences naming the index,
/// and an install names the server whose snapshot it was.
#[test]
fn snapshots_taken_and_installed_read_as_sentences() {
    let mut p = Playground::new(3, 3).unwrap();
    p.skip(1000);
    let leader = p.sim.leader().unwrap();
    let behind = leader % 3 + 1;
    p.act(Action::SetSnapshots(Some(4)));
    p.act(Action::Stop(behind));
    for i in 0..5 {
        p.act(Action::ClientRequest {
            to: Some(leader),
            op: crate::raft::Op::Write {
                key: format!("k{i}"),
                value: i.to_string(),
            },
        });
    }
    p.skip(500);
    p.act(Action::Resume(behind));
    p.skip(500);
    let through = p.sim.server(leader).unwrap().node.log().snapshot_index();
    assert!(through >= 4, "{through}");
    let text: Vec<&str> = p.events.lines().map(|l| l.as_str()).collect();
    let text = text.join("\n");
    let taken = format!("n{leader} snapshotted its state through index {through}");
    assert!(text.contains(&taken), "{text}");
    // The resumed server's timer has run out: it may depose the leader
    // before it hears from it, so the snapshot comes from whoever leads.
    let sender = p.sim.leader().unwrap();
    let installed = format!("n{behind} installed n{sender}'s snapshot through {through}");
    assert!(text.contains(&installed), "{text}");
}

/// Without the chunk seen (a log that starts mid-transfer), the install
/// still reads well.
#[test]
fn an_install_whose_chunks_were_not_seen_names_the_leader() {
    let mut log = super::EventLog::default();
    let event = crate::sim::TraceEvent::Snapshot {
        node: 2,
        index: 9,
        term: 1,
        installed: true,
    };
    log.record(0, &event);
    let line = log.lines().next().unwrap();
    assert_eq!(
        line,
        "t=0.000s n2 installed the leader's snapshot through 9"
    );
}

fn text(p: &Playground) -> String {
    p.events
        .lines()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Turns PreVote and CheckQuorum on or off in `p`'s run (an action).
fn set_raft(p: &mut Playground, pre_vote: bool, check_quorum: bool) {
    p.act(Action::SetRaft(crate::sim::config::RaftOptions {
        pre_vote,
        check_quorum,
    }));
}

/// Seed 3, five servers: n4 leads term 2 from 0.261 s.
fn led_by_n4() -> Playground {
    let mut p = Playground::new(3, 5).unwrap();
    p.skip(1000);
    assert_eq!(p.sim.leader(), Some(4));
    p
}

/// The tester's case: leadership handed to a server cut off. Its log
/// was caught up, so TimeoutNow goes out at once (and is lost); an
/// election timeout later the leader gives up, and the log says so.
#[test]
fn a_transfer_to_a_server_cut_off_is_given_up_and_told() {
    let mut p = led_by_n4();
    p.act(Action::Partition(vec![vec![5]]));
    p.act(Action::TransferLeadership(5));
    p.skip(1000);
    let text = text(&p);
    let sent = "t=1.000s n4 sent TimeoutNow to n5, whose log is caught up: stand now";
    assert!(text.contains(sent), "{text}");
    let abort = crate::raft::SECONDS + p.sim.config().timing.election_timeout_max;
    let given_up = format!(
        "t={}s n4 aborted handing leadership to n5 after an election timeout",
        crate::sim::decimal::seconds(abort, 3)
    );
    assert!(text.contains(&given_up), "{text}");
    assert_eq!(text.matches("TimeoutNow").count(), 1, "told once: {text}");
}

/// A transfer that works: TimeoutNow, then the target leads.
#[test]
fn a_transfer_that_works_tells_its_timeout_now() {
    let mut p = led_by_n4();
    p.act(Action::TransferLeadership(2));
    p.skip(500);
    assert_eq!(p.sim.leader(), Some(2));
    let text = text(&p);
    assert!(
        text.contains("n4 sent TimeoutNow to n2, whose log is caught up: stand now"),
        "{text}"
    );
    assert!(!text.contains("aborted"), "{text}");
}

/// Joint consensus (thesis §4.3) step by step: the new servers join as
/// learners, C_old,new is entered and committed, then C_new. Back in
/// time and forked before C_old,new commits, its commit is told once.
#[test]
fn a_joint_replacement_is_told_step_by_step() {
    let mut p = led_by_n4();
    p.act(Action::ReplaceServers {
        remove: vec![1, 2],
        add: 2,
    });
    p.skip(1000);
    let lines = [
        "t=1.000s n4 changed the configuration at index 2: n6 and n7 join as learners",
        "the configuration at index 2 is committed: voters n1, n2, n3, n4 and n5, \
         learners n6 and n7",
        "n4 entered joint consensus at index 3: C_old,new needs a majority of old \
         n1, n2, n3, n4 and n5 and of new n3, n4, n5, n6 and n7",
        "C_old,new at index 3 is committed",
        "n4 appended C_new at index 4: voters n3, n4, n5, n6 and n7",
        "C_new at index 4 is committed: voters n3, n4, n5, n6 and n7",
    ];
    let text = text(&p);
    let mut at = 0;
    for line in lines {
        let found = text[at..].find(line);
        assert!(found.is_some(), "{line:?} in order in:\n{text}");
        at += found.unwrap();
    }
    p.seek(1_080 * crate::raft::MILLIS);
    p.act(Action::SpreadTimers);
    p.skip(1000);
    let text = super::tests::text(&p);
    assert_eq!(
        text.matches("C_old,new at index 3 is committed").count(),
        1,
        "{text}"
    );
    // Forked between C_old,new's commit and C_new's, C_new is still told
    // as such (a review saw "the configuration at index 4 is committed").
    let c_new = text.find("C_new at index 4 is committed").expect(&text);
    let at = text[..c_new].rfind("t=").unwrap();
    let t: f64 = text[at + 2..].split('s').next().unwrap().parse().unwrap();
    p.seek((t * 1e6) as u64 - crate::raft::MILLIS);
    p.act(Action::SpreadTimers);
    p.skip(1000);
    let text = super::tests::text(&p);
    assert_eq!(
        text.matches("C_new at index 4 is committed").count(),
        1,
        "{text}"
    );
    assert!(!text.contains("the configuration at index 4"), "{text}");
}

/// A removed leader steps down once its removal commits (§4.2.2), and
/// only then: restarted before, it is no leader, but its removal is not
/// committed yet (a review saw "stepped down: its removal is committed"
/// 175 ms early).
#[test]
fn a_removed_leader_restarted_before_its_removal_commits_is_not_told_stepping_down() {
    let mut p = led_by_n4();
    p.act(Action::RemoveServer(4));
    p.act(Action::Restart(4));
    p.skip(1000);
    let text = text(&p);
    assert!(!text.contains("n4 stepped down"), "{text}");
}

/// A second hand-over in the same term tells its TimeoutNow too.
#[test]
fn a_second_transfer_in_a_term_tells_its_timeout_now() {
    let mut p = led_by_n4();
    p.act(Action::Partition(vec![vec![5]]));
    p.act(Action::TransferLeadership(5));
    p.skip(500);
    p.act(Action::Heal);
    p.act(Action::TransferLeadership(2));
    p.skip(500);
    let text = text(&p);
    assert!(text.contains("n4 sent TimeoutNow to n5"), "{text}");
    assert!(text.contains("n4 sent TimeoutNow to n2"), "{text}");
}

/// A server added joins as a learner and is promoted once caught up
/// (§4.2.1); a leader that removes itself steps down once its removal
/// commits (§4.2.2).
#[test]
fn a_learner_promoted_and_a_removed_leader_stepping_down_are_told() {
    let mut p = led_by_n4();
    p.act(Action::AddServer);
    p.skip(1000);
    let text = text(&p);
    let added = "t=1.000s n4 changed the configuration at index 2: n6 joins as a learner";
    assert!(text.contains(added), "{text}");
    let promoted = "n4 changed the configuration at index 3: n6 caught up, now voting";
    assert!(text.contains(promoted), "{text}");
    let committed = "the configuration at index 3 is committed: voters n1, n2, n3, n4, n5 and n6";
    assert!(text.contains(committed), "{text}");
    p.act(Action::RemoveServer(4));
    p.skip(1000);
    let text = super::tests::text(&p);
    let removing = "t=2.000s n4 changed the configuration at index 4: n4 leaves";
    assert!(text.contains(removing), "{text}");
    assert!(
        text.contains("n4 stepped down: its removal is committed"),
        "{text}"
    );
}

/// Replacing one server at a time (§4.1): each promotion and removal
/// is a change of its own.
#[test]
fn a_replacement_one_by_one_tells_each_change() {
    let mut p = led_by_n4();
    p.act(Action::SetReplacement(
        crate::sim::membership::Replacement::OneByOne,
    ));
    p.act(Action::ReplaceServers {
        remove: vec![1, 2],
        add: 2,
    });
    p.skip(1000);
    let text = text(&p);
    for change in [
        "at index 3: n6 caught up, now voting",
        "at index 4: n1 leaves",
        "at index 5: n7 caught up, now voting",
        "at index 6: n2 leaves",
    ] {
        let line = format!("n4 changed the configuration {change}");
        assert!(text.contains(&line), "{line:?} in:\n{text}");
    }
    assert!(!text.contains("joint"), "{text}");
}

/// An action is said from the action itself, not by reading its trace
/// text back: a message "go to 3" sent to no server in particular named
/// n3 as its target (a review's find).
#[test]
fn an_action_is_worded_from_itself_not_its_text() {
    let mut p = led_by_n4();
    p.act(Action::ClientRequest {
        to: None,
        op: crate::raft::Op::Write {
            key: "msg".into(),
            value: "go to 3".into(),
        },
    });
    p.act(Action::Partition(vec![vec![3]]));
    let text = text(&p);
    assert!(
        text.contains("action: client write msg=go to 3\n"),
        "{text}"
    );
    assert!(text.contains("action: n3 cut off from the rest"), "{text}");
}

/// A page tester's run: the leader, cut off with a minority, adds a
/// server; the majority elects another leader, and once healed the old
/// leader's entry adding the server is overwritten. The log says so, once,
/// rather than leave the new server shown "removed" unexplained.
#[test]
fn a_configuration_entry_overwritten_is_told() {
    let mut p = led_by_n4();
    p.act(Action::Partition(vec![vec![4, 5], vec![1, 2, 3]]));
    p.act(Action::AddServer);
    p.skip(1000);
    let new = p.sim.leader().unwrap();
    assert!([1, 2, 3].contains(&new), "the majority elects: n{new}");
    p.act(Action::Heal);
    p.skip(1000);
    let text = text(&p);
    let lost = "the configuration entry at index 2, adding n6, was overwritten by a \
                later leader's log (§5.3), whose configuration is voters n1, n2, n3, \
                n4 and n5";
    assert!(text.contains(lost), "{text}");
    assert_eq!(
        text.matches("overwritten").count(),
        1,
        "n4 and n5 lost it: {text}"
    );
    assert_eq!(
        membership::standing(&p.sim, 6),
        membership::Standing::Removed,
        "what the sentence explains"
    );
}

/// n4 leading with PreVote, CheckQuorum and lease reads, 500 ms on.
fn leasing_n4() -> Playground {
    use crate::raft::ReadPath;
    let mut p = led_by_n4();
    set_raft(&mut p, true, true);
    p.act(Action::SetReads(ReadPath::Lease));
    p.skip(500);
    p
}

/// A leader cut off under CheckQuorum steps down in its own term, and the
/// log says why (thesis §6.2); it said only "n4 is a follower in term 2".
#[test]
fn a_check_quorum_step_down_says_why() {
    let mut p = leasing_n4();
    p.act(Action::Partition(vec![vec![4]]));
    p.skip(1000);
    let text = super::tests::text(&p);
    assert_eq!(
        text.matches("n4 stepped down: it heard from no majority within an election timeout")
            .count(),
        1,
        "{text}"
    );
    assert!(!text.contains("n4 stepped down: its removal"), "{text}");
    // A leader crashed and restarted at once is no step-down.
    let mut p = leasing_n4();
    p.act(Action::Restart(4));
    p.skip(300);
    let text = super::tests::text(&p);
    assert!(!text.contains("stepped down"), "{text}");
}

/// Lease reads (thesis §6.4.1): the leader's lease is told when it is
/// earned, not at each renewal; cut off from the others, the leader's lease
/// runs out before anyone else can be elected, and the log says so in that
/// order, the guarantee the lease rests on.
#[test]
fn a_read_lease_earned_and_run_out_is_told_before_the_next_leader() {
    let mut p = leasing_n4();
    let text = super::tests::text(&p);
    assert_eq!(text.matches("holds a read lease").count(), 1, "{text}");
    let earned = "t=1.038s n4 holds a read lease (thesis §6.4.1): it answers reads without a \
                  round while its heartbeats renew the lease";
    assert!(text.contains(earned), "{text}");
    p.act(Action::Partition(vec![vec![4]]));
    p.skip(1000);
    let text = super::tests::text(&p);
    let ran_out = text
        .find("n4's read lease ran out: its reads wait for a round of heartbeats (thesis §6.4)")
        .expect(&text);
    let elected = text.rfind("became leader for term 3").expect(&text);
    assert!(ran_out < elected, "{text}");
    assert_eq!(text.matches("read lease ran out").count(), 1, "{text}");
}

/// A new drift bound ends the lease earned under the old one (`raft::lease`
/// `set_drift_bound`): the log says why it went before its time (it went
/// unsaid), and the lease earned anew at the next heartbeats.
#[test]
fn a_lease_ended_by_a_new_drift_bound_is_told() {
    let mut p = leasing_n4();
    p.act(Action::SetDriftBound(10_000));
    p.skip(1);
    let text = super::tests::text(&p);
    let gave_up = text
        .find(
            "n4 gave up its read lease: earned for a smaller drift bound, it could outlast \
             what the new one allows; its next round of heartbeats earns a shorter one (thesis §6.4.1)",
        )
        .expect(&text);
    p.skip(200);
    let text = super::tests::text(&p);
    let again = text.rfind("n4 holds a read lease").expect(&text);
    assert!(gave_up < again, "{text}");
    assert_eq!(text.matches("holds a read lease").count(), 2, "{text}");
    assert_eq!(text.matches("gave up its read lease").count(), 1, "{text}");
    // At ±50% no lease is safe: the line promises none.
    p.act(Action::SetDriftBound(500_000));
    p.skip(1);
    let text = super::tests::text(&p);
    assert!(
        text.contains("n4 gave up its read lease: at this drift bound no lease is safe"),
        "{text}"
    );
    p.act(Action::SetDriftBound(10_000));
    p.skip(200);
    // Lowered, the bound lengthens leases: the line says so.
    p.act(Action::SetDriftBound(0));
    p.skip(1);
    let text = super::tests::text(&p);
    assert!(
        text.contains(
            "n4 gave up its read lease, earned for a larger drift bound: its next round of \
             heartbeats earns a longer one (thesis §6.4.1)"
        ),
        "{text}"
    );
}

/// A review's case: a hand-over given up, then asked again of the same
/// server in the same term. The second TimeoutNow is news too (it went
/// untold: the repeat check took it for the first one sent again).
#[test]
fn a_second_transfer_to_the_same_server_tells_its_timeout_now() {
    let mut p = led_by_n4();
    // PreVote and CheckQuorum: the cut-off n5 raises no term, so n4 leads
    // term 2 throughout.
    set_raft(&mut p, true, true);
    p.act(Action::Partition(vec![vec![5]]));
    p.act(Action::TransferLeadership(5));
    p.skip(500);
    p.act(Action::Heal);
    p.skip(200);
    assert_eq!(p.sim.leader(), Some(4));
    p.act(Action::TransferLeadership(5));
    p.skip(500);
    assert_eq!(p.sim.leader(), Some(5), "the second hand-over worked");
    let text = text(&p);
    assert_eq!(
        text.matches("n4 sent TimeoutNow to n5").count(),
        2,
        "{text}"
    );
}

/// A review's case: with slow disks, a leader restarted before its
/// configuration entry is durable loses it in the crash. No later leader
/// overwrote it, and the log does not say one did.
#[test]
fn a_config_entry_lost_in_a_crash_is_not_said_overwritten() {
    let mut p = Playground::with_disk(3, 5, 0.0, crate::sim::DiskConfig::slow()).unwrap();
    p.skip(1000);
    let leader = p.sim.leader().unwrap();
    p.act(Action::AddServer);
    p.act(Action::Restart(leader));
    p.skip(1000);
    let text = text(&p);
    assert!(!text.contains("overwritten"), "{text}");
}

/// A review's case: as the tester's, but the majority's leader makes a
/// change of its own meanwhile, so the entry adding n6 is overwritten by a
/// log whose configuration sits at a later index. Told, with the change it
/// made and what the servers use now.
#[test]
fn a_configuration_overwritten_by_a_later_index_is_told() {
    let mut p = led_by_n4();
    p.act(Action::Partition(vec![vec![4, 5], vec![1, 2, 3]]));
    p.act(Action::AddServer);
    p.skip(1000);
    let new = p.sim.leader().unwrap();
    assert!([1, 2, 3].contains(&new), "the majority elects: n{new}");
    p.act(Action::AddServer);
    assert_eq!(p.notice, None);
    p.skip(500);
    p.act(Action::Heal);
    p.skip(1000);
    assert_eq!(
        membership::standing(&p.sim, 6),
        membership::Standing::Removed
    );
    let text = text(&p);
    let lost = "the configuration entry at index 2, adding n6, was overwritten by a later \
                leader's log (§5.3), whose configuration is voters n1, n2, n3, \
                n4, n5 and n7";
    assert!(text.contains(lost), "{text}");
    assert_eq!(text.matches("overwritten").count(), 1, "{text}");
}

/// A review's case: with a fixed latency every vote reply arrives in the
/// same microsecond, so a Step in the past can stop part-way through the
/// one that elects a leader. An action there forks the run: the lines of
/// that microsecond's later events go with the discarded future (they were
/// told again when those events ran again), and the election is told
/// once. The message diagram draws no message twice (it knows an id sent
/// again), and the forked run's link replays what the page shows.
#[test]
fn a_fork_part_way_through_a_microsecond_tells_nothing_twice() {
    let mut p = Playground::new(3, 5).unwrap();
    let mut net = p.sim.network().config;
    net.latency_min = 10 * crate::raft::MILLIS;
    net.latency_max = 10 * crate::raft::MILLIS;
    p.act(Action::SetNetwork(net));
    p.skip(1000);
    let e = *p.events.elections().first().expect("an election");
    p.seek(e.at - 1);
    p.step();
    assert_eq!(p.sim.now(), e.at, "a step to the election's microsecond");
    assert!(p.in_the_past());
    p.act(Action::SpreadTimers);
    p.skip(5);
    let spans = p.messages.window(0, p.sim.now());
    let mut ids: Vec<u64> = spans.iter().map(|s| s.id).collect();
    let drawn = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), drawn, "a message drawn twice: {spans:#?}");
    p.skip(1000);
    let text = text(&p);
    let line = format!("n{} became leader for term {}", e.leader, e.term);
    assert_eq!(text.matches(&line).count(), 1, "{text}");
    let replayed = p.export().run().unwrap();
    assert_eq!(replayed.trace_hash(), p.sim.trace_hash());
}

/// A review's case: a leader compacting its log past its configuration entry
/// changes nothing in its configuration; the log must not say it did.
#[test]
fn compaction_past_the_config_entry_tells_no_change() {
    let mut p = led_by_n4();
    p.act(Action::AddServer);
    p.skip(2000);
    let before = text(&p);
    let index = p.sim.server(4).unwrap().node.membership_index();
    assert!(index > 0, "n4 holds a configuration entry: {before}");
    p.act(Action::SetSnapshots(Some(2)));
    for i in 0..6 {
        p.act(Action::ClientRequest {
            to: Some(4),
            op: crate::raft::Op::Write {
                key: format!("k{i}"),
                value: i.to_string(),
            },
        });
        p.skip(100);
    }
    assert_eq!(p.sim.leader(), Some(4));
    let through = p.sim.server(4).unwrap().node.log().snapshot_index();
    assert!(through > index, "compacted past {index}: {through}");
    let after = text(&p);
    let new: Vec<&str> = after.lines().skip(before.lines().count()).collect();
    let said: Vec<&&str> = new.iter().filter(|l| l.contains("configuration")).collect();
    assert!(said.is_empty(), "{said:#?}");
}

/// A review's case: time travel back over a configuration entry and forward
/// again; the entry is then overwritten. The line must still say what
/// the entry changed ("adding n6"), as without the time travel.
#[test]
fn time_travel_keeps_what_an_overwritten_entry_changed() {
    let mut p = led_by_n4();
    let t0 = p.sim.now();
    p.act(Action::Partition(vec![vec![4, 5], vec![1, 2, 3]]));
    p.act(Action::AddServer);
    p.skip(1000);
    // A look back at the moment before the change, and forward again.
    p.seek(t0 - 1);
    p.go_to(p.timeline_end());
    assert!(!p.in_the_past());
    p.act(Action::Heal);
    p.skip(1000);
    let text = text(&p);
    let lost = "the configuration entry at index 2, adding n6, was overwritten";
    assert!(text.contains(lost), "{text}");
}

/// A review's case: a hand-over started under lease reads. The lease is given up
/// at once (no lease while a transfer is under way), not run out.
#[test]
fn a_transfer_is_not_a_lease_run_out() {
    use crate::raft::ReadPath;
    let mut p = led_by_n4();
    set_raft(&mut p, true, true);
    p.act(Action::SetReads(ReadPath::Lease));
    p.skip(500);
    assert!(text(&p).contains("n4 holds a read lease"));
    let before = text(&p).lines().count();
    p.act(Action::TransferLeadership(5));
    p.skip(500);
    let text = text(&p);
    let new: Vec<&str> = text.lines().skip(before).collect();
    assert!(
        !new.iter().any(|l| l.contains("read lease ran out")),
        "{new:#?}"
    );
}

/// A page tester's case: a fork after the entry adding n6 was appended,
/// before it is overwritten. What the entry changed is known from before
/// the fork, and still said (it read "the configuration entry at index 2
/// was overwritten", the change gone).
#[test]
fn a_fork_after_a_configuration_entry_keeps_what_it_changed() {
    let mut p = led_by_n4();
    p.act(Action::Partition(vec![vec![4, 5], vec![1, 2, 3]]));
    p.act(Action::AddServer);
    p.skip(1000);
    p.act(Action::Heal);
    p.skip(1000);
    p.seek(2_030 * crate::raft::MILLIS);
    p.act(Action::SetNetwork(p.sim.network().config));
    assert!(p.forked.is_some(), "a fork");
    p.skip(1000);
    let text = text(&p);
    assert!(
        text.contains("at index 2, adding n6, was overwritten"),
        "{text}"
    );
}

/// A wide drift bound leaves a lease little longer than a heartbeat
/// interval (60 ms of 150 at ±30%, against 50 ms heartbeats), so it lapses
/// and is renewed again and again: the first lapse is told, and the rest
/// of the term goes unsaid (59 lapses and 61 leases were told in 3 s).
#[test]
fn a_lease_that_lapses_between_heartbeats_is_told_once_a_term() {
    let mut p = leasing_n4();
    p.act(Action::SetDriftBound(300_000));
    p.skip(3000);
    let text = super::tests::text(&p);
    assert_eq!(text.matches("read lease ran out").count(), 1, "{text}");
    assert!(
        text.contains("another lease or lapse in term 2 goes unsaid"),
        "{text}"
    );
    assert!(text.matches("holds a read lease").count() <= 2, "{text}");
}

/// Told once a term however the run gets there: a second at a time (each
/// "+1 s" told the lapse again, a page tester saw), and on past a rewind
/// through the stretch already seen.
#[test]
fn a_lapse_told_once_stays_told_across_skips_and_rewinds() {
    let mut p = leasing_n4();
    p.act(Action::SetDriftBound(300_000));
    for _ in 0..3 {
        p.skip(1000);
    }
    p.seek(500 * crate::raft::MILLIS);
    p.seek(p.horizon);
    p.skip(1000);
    let text = super::tests::text(&p);
    assert_eq!(text.matches("read lease ran out").count(), 1, "{text}");
}

/// A server cut off under PreVote (thesis §9.6) asks for pre-votes every
/// election timeout without raising its term: its first round is told as
/// its change of role, its second as "asks again", and no more (it was
/// told once, so it looked as if it had given up).
#[test]
fn a_pre_candidate_asking_again_is_told_once() {
    let mut p = led_by_n4();
    set_raft(&mut p, true, false);
    p.act(Action::Partition(vec![vec![5]]));
    p.skip(3000);
    let text = text(&p);
    assert_eq!(
        text.matches("n5 asks for pre-votes for term 3").count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("n5 asks again for pre-votes for term 3: its own term stays 2")
            .count(),
        1,
        "{text}"
    );
    // Back between the two rounds (1.120 and 1.309 s) and on again: told
    // once still.
    p.seek(1200 * crate::raft::MILLIS);
    p.seek(p.horizon);
    p.skip(1000);
    let text = super::tests::text(&p);
    assert_eq!(text.matches("asks again").count(), 1, "{text}");
    // Forked between the two rounds: the second round after the fork is
    // told, the discarded one gone.
    p.seek(1200 * crate::raft::MILLIS);
    p.act(Action::Partition(vec![vec![5]]));
    p.skip(1000);
    let text = super::tests::text(&p);
    assert_eq!(text.matches("asks again").count(), 1, "{text}");
    // Healed, it hears the leader and stops asking.
    p.act(Action::Heal);
    p.skip(2000);
    let text = super::tests::text(&p);
    assert_eq!(text.matches("asks again").count(), 1, "{text}");
}

/// With `prevote-raises-term` a pre-candidate raises its term each round:
/// each round is told with its term, and none is said to keep its term
/// (the log said "its own term stays 6" while it rose to 23, a review).
#[test]
fn a_pre_candidate_that_raises_its_term_is_told_each_round() {
    use crate::raft::{UnsafeSwitch, UnsafeSwitches};
    let mut scenario = Playground::new(3, 5).unwrap().export();
    scenario.unsafe_switches = UnsafeSwitches::none().with(UnsafeSwitch::PreVoteRaisesTerm);
    let mut p = Playground::from_scenario(scenario).unwrap();
    p.skip(1000);
    set_raft(&mut p, true, false);
    p.act(Action::Partition(vec![vec![5]]));
    p.skip(3000);
    let text = text(&p);
    assert!(!text.contains("asks again"), "{text}");
    let rounds = text.matches("n5 asks for pre-votes for term").count();
    assert!(rounds >= 5, "{rounds} rounds told: {text}");
}
