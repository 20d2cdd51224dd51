//! The panel's decisions natively: a search starts a worker with the
//! page's settings, progress and cancel move it, stale replies are
//! ignored, and a failure found (by the same runner the worker runs)
//! loads paused at its violation, marked and narrated, and shares as a
//! link that opens there too.

use super::*;
use crate::sim::invariants::Invariant;
use crate::sim::Action;
use crate::view::keys::KeyCommand;
use crate::view::session::{Input, Session};
use crate::view::timeline_marks::{self, MarkKind};
use crate::view::url_params::UrlParams;
use crate::view::worker_jobs::{Budget, JobRunner};
use crate::view::{permalink, playground::Playground};

fn session() -> Session {
    let params = UrlParams {
        autoplay: false,
        ..UrlParams::default()
    };
    Session::open(&params, &[], "", false)
}

fn what_if(s: &mut Session, input: WhatIfInput) {
    s.update(Input::WhatIf(input));
}

/// Starts a search and returns its job.
fn start(s: &mut Session, now_ms: f64) -> WorkerJob {
    what_if(s, WhatIfInput::Find { now_ms });
    match s.what_if.take_command() {
        Some(WorkerCommand::Start(job)) => *job,
        other => panic!("no worker started: {other:?}"),
    }
}

fn progress(done: u64) -> WorkerReply {
    WorkerReply::Progress {
        done,
        total: MAX_SEEDS,
        what: "seeds tried".into(),
    }
}

#[test]
fn find_starts_a_worker_with_the_pages_settings_and_the_chosen_switch() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("commit-old-terms".into()));
    what_if(&mut s, WhatIfInput::Choose("no-such-switch".into()));
    let job = start(&mut s, 1000.0);
    let WorkerJob::FindFailure {
        settings,
        switch,
        max_seeds,
    } = job
    else {
        panic!("{job:?}")
    };
    assert_eq!(switch, "commit-old-terms");
    assert_eq!(max_seeds, MAX_SEEDS);
    assert_eq!(settings.nodes, s.playground.scenario.nodes);
    assert_eq!(settings.timing, s.playground.scenario.timing);
    assert!(settings.actions.is_empty() && settings.cursor.is_none());
    assert!(s.what_if.running());
}

#[test]
fn the_search_gets_the_settings_the_panels_changed() {
    use crate::raft::ReadPath;
    use crate::sim::Action;
    use crate::view::worker_jobs::search_config;
    let mut s = session();
    let mut raft = s.playground.sim.config().raft;
    raft.pre_vote = true;
    s.update(Input::Act(Action::SetRaft(raft)));
    s.update(Input::Act(Action::SetReads(ReadPath::ReadIndex)));
    s.update(Input::Act(Action::SetSnapshots(Some(5))));
    let WorkerJob::FindFailure { settings, .. } = start(&mut s, 0.0) else {
        panic!()
    };
    let config = search_config(&settings);
    assert!(config.raft.pre_vote);
    assert_eq!(config.reads.path, ReadPath::ReadIndex);
    assert_eq!(config.snapshot_threshold, Some(5));
    assert_eq!(config.nodes, s.playground.scenario.nodes);
}

#[test]
fn progress_shows_seeds_and_time_and_cancel_says_so() {
    let mut s = session();
    start(&mut s, 1000.0);
    assert_eq!(
        s.what_if.progress_text().unwrap(),
        "starting the worker\u{2026} 0.0 s"
    );
    let reply = |s: &mut Session, reply, now_ms| {
        what_if(
            s,
            WhatIfInput::Reply {
                reply: Box::new(reply),
                now_ms,
            },
        )
    };
    reply(&mut s, progress(12), 2500.0);
    assert_eq!(
        s.what_if.progress_text().unwrap(),
        "12 of 200 seeds tried, 1.5 s"
    );
    // An explorer's counts, in the millions, are said with separators.
    let states = WorkerReply::Progress {
        done: 88_706,
        total: 3_700_000,
        what: "states checked (the total is an estimate)".into(),
    };
    reply(&mut s, states, 2700.0);
    assert_eq!(
        s.what_if.progress_text().unwrap(),
        "88,706 of 3,700,000 states checked (the total is an estimate), 1.7 s"
    );
    // "Explore", greyed while a search runs, starts nothing.
    what_if(&mut s, WhatIfInput::Explore { now_ms: 2800.0 });
    assert!(matches!(s.what_if.search, Search::Running { .. }));
    assert_eq!(s.what_if.take_command(), None, "no other job");
    // The second click of a double click on Find lands on Cancel: ignored.
    what_if(&mut s, WhatIfInput::Cancel { now_ms: 400.0 });
    assert!(matches!(s.what_if.search, Search::Running { .. }));
    assert_eq!(s.what_if.take_command(), None);
    what_if(&mut s, WhatIfInput::Cancel { now_ms: 2900.0 });
    assert_eq!(s.what_if.search, Search::Cancelled);
    assert_eq!(
        s.what_if.status_text().as_deref(),
        Some("Cancelled: the search stopped, and the run on screen is as it was.")
    );
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    // A reply that was on its way is ignored: the page stays as it was.
    reply(&mut s, progress(13), 2600.0);
    reply(&mut s, WorkerReply::NotFound { seeds_tried: 3 }, 2700.0);
    assert_eq!(s.what_if.search, Search::Cancelled);
    assert_eq!(s.what_if.take_command(), None);
}

/// A search that found nothing points to the explorer; for the switch
/// random runs almost never show, it says why.
#[test]
fn a_search_that_found_nothing_points_to_the_explorer() {
    for (switch, says) in [
        (
            "vote-without-log-check",
            "try other settings (another cluster size",
        ),
        (
            "lease-after-timeout-now",
            "with 30% of messages late comes in",
        ),
    ] {
        let mut s = session();
        what_if(&mut s, WhatIfInput::Choose(switch.to_string()));
        assert_eq!(s.what_if.status_text(), None, "idle: nothing to say");
        start(&mut s, 0.0);
        what_if(
            &mut s,
            WhatIfInput::Reply {
                reply: Box::new(WorkerReply::NotFound { seeds_tried: 200 }),
                now_ms: 1000.0,
            },
        );
        let text = s.what_if.status_text().unwrap();
        assert!(text.starts_with("No failure in 200 seeds: "), "{text}");
        assert!(text.contains(says), "{switch}: {text}");
        assert!(text.to_lowercase().contains("explore every interleaving"));
    }
}

#[test]
fn a_failed_worker_is_said_and_stopped_and_the_run_is_kept() {
    let mut s = session();
    let before = s.playground.scenario.clone();
    start(&mut s, 0.0);
    let message = "the worker failed: it failed to load or stopped".to_string();
    let reply = WorkerReply::Failed {
        message: message.clone(),
    };
    what_if(
        &mut s,
        WhatIfInput::Reply {
            reply: Box::new(reply),
            now_ms: 5.0,
        },
    );
    assert_eq!(s.what_if.search, Search::Failed(message));
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    assert_eq!(s.playground.scenario, before);
}

/// A tour started during a search stops it, and the panel says why: the
/// failure it found would have replaced the tour. Late replies change
/// nothing.
#[test]
fn a_tour_stops_a_search_and_says_so() {
    let mut s = session();
    start(&mut s, 0.0);
    s.update(Input::TourChoose("figure-8".into()));
    assert!(s.tour.is_some());
    assert_eq!(s.what_if.search, Search::StoppedForTour);
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    let text = s.what_if.status_text().unwrap();
    assert!(text.contains("stopped when the tour started"), "{text}");
    what_if(
        &mut s,
        WhatIfInput::Reply {
            reply: Box::new(progress(3)),
            now_ms: 5.0,
        },
    );
    assert_eq!(s.what_if.search, Search::StoppedForTour);
    assert!(s.tour.is_some());
    s.update(Input::TourChoose("figure-8".into()));
    assert_eq!(s.what_if.take_command(), None, "nothing left to stop");
}

/// Hands the panel every reply, as the page does, at wall time `now_ms`.
/// A Reset during a search stops it (what it found would replace the run
/// the person chose); a failure found after a Reset ends the Reset's
/// Undo and its news, which belonged to the run it replaced.
#[test]
fn a_reset_stops_a_search_and_a_found_failure_ends_the_undo() {
    let mut s = session();
    start(&mut s, 0.0);
    s.update(Input::Reset);
    assert_eq!(s.what_if.search, Search::StoppedForNewRun);
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    let text = s.what_if.status_text().unwrap();
    assert!(
        text.contains("stopped when you chose another run"),
        "{text}"
    );

    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("vote-without-log-check".into()));
    let job = start(&mut s, 0.0);
    s.update(Input::SeedText("9".into()));
    s.update(Input::Reset);
    assert!(s.can_undo());
    // The search was stopped; its replies are as if it had not been.
    answer(&mut s, run(job.clone()), 9.0);
    assert_eq!(s.playground.scenario.seed, 9);
    // A search started after the Reset finds its failure: no Undo now.
    s.update(Input::SeedText("9".into()));
    let job = start(&mut s, 10.0);
    assert!(s.can_undo(), "typing and the What if panel keep it");
    answer(&mut s, run(job), 20.0);
    assert!(s.playground.failure.is_some(), "the failure is on screen");
    assert!(!s.can_undo());
    assert_eq!(s.notice_text(), None, "no 'A new run' for the failure");
    // A Reset replaces the failure: the panel no longer says it opened in
    // the player.
    assert!(s.what_if.status_text().is_some());
    s.update(Input::Reset);
    assert_eq!(s.what_if.status_text(), None);
}

/// A run opened during a search (a pasted link, a file, a link typed
/// into the address bar, a trial of the Experiments view, a host page's
/// load) stops it as a Reset does: the failure it finds later would
/// replace the run just opened (a page tester's pasted link was replaced
/// ten seconds after it opened).
#[test]
fn a_run_opened_during_a_search_stops_it() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("vote-without-log-check".into()));
    let job = start(&mut s, 0.0);
    let link = format!("#{}", permalink::encode(&scenario_of_seed(7)));
    s.update(Input::ImportText(link));
    s.update(Input::Import);
    assert_eq!(s.playground.scenario.seed, 7, "the pasted run opened");
    assert_eq!(s.what_if.search, Search::StoppedForNewRun);
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    answer(&mut s, run(job), 9.0);
    assert_eq!(s.playground.scenario.seed, 7, "and stays");
    assert!(s.playground.failure.is_none());

    // A host page's load, and its tour.
    use crate::view::host_api::HostCommand;
    let mut s = session();
    start(&mut s, 0.0);
    let scenario = Box::new(scenario_of_seed(8));
    s.update(Input::Host(HostCommand::Load { scenario }));
    assert_eq!(s.playground.scenario.seed, 8);
    assert_eq!(s.what_if.search, Search::StoppedForNewRun);
    start(&mut s, 1.0);
    let (tour, step) = ("figure-8".into(), 1);
    s.update(Input::Host(HostCommand::StartTour { tour, step }));
    assert!(s.tour.is_some());
    assert_eq!(s.what_if.search, Search::StoppedForTour);

    // A load that fails keeps the run and the search.
    let mut s = session();
    start(&mut s, 0.0);
    s.update(Input::ImportText("#s=garbage".into()));
    s.update(Input::Import);
    assert!(s.what_if.running());
}

fn scenario_of_seed(seed: u64) -> crate::sim::scenario::Scenario {
    let playground = Playground::new(seed, 3).unwrap();
    playground.export()
}

fn answer(s: &mut Session, replies: Vec<WorkerReply>, now_ms: f64) {
    for reply in replies {
        let reply = Box::new(reply);
        what_if(s, WhatIfInput::Reply { reply, now_ms });
    }
}

/// Runs `job` as the worker would, natively.
fn run(job: WorkerJob) -> Vec<WorkerReply> {
    let mut runner = JobRunner::new(job);
    let mut replies = Vec::new();
    while !runner.is_done() {
        replies.extend(runner.step(Budget::default()));
    }
    replies
}

/// A session whose search for a vote-without-log-check failure ran to
/// its end, every reply answered.
fn found_vote_without_log_check() -> Session {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("vote-without-log-check".into()));
    let job = start(&mut s, 0.0);
    answer(&mut s, run(job), 9.0);
    s
}

#[test]
fn a_found_failure_opens_paused_at_its_violation_marked_and_narrated() {
    let mut s = found_vote_without_log_check();
    assert!(matches!(
        s.what_if.search,
        Search::Found { explored: None, .. }
    ));
    // The panel says what happened (it used to say nothing, the story
    // being above the picture, out of view).
    let status = s.what_if.status_text().unwrap();
    assert!(status.starts_with("Found a failure at seed "), "{status}");
    assert!(
        status.ends_with(
            "it opened in the player, paused at the violation, its story above the picture."
        ),
        "{status}"
    );
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    let p = &s.playground;
    let report = p.failure.clone().expect("the failure is on screen");
    assert!(p.paused);
    assert_eq!(p.sim.now(), report.violation.t);
    let kind = report.violation.kind;
    assert_eq!(kind.name(), Invariant::LeaderCompleteness.name());
    assert!(p
        .sim
        .violations()
        .iter()
        .any(|v| v.invariant.name() == kind.name()));
    let marks = timeline_marks::marks(p);
    let at = |k: MarkKind| marks.iter().find(|m| m.kind == k).map(|m| m.at);
    assert_eq!(at(MarkKind::Violation), Some(report.violation.t));
    // In words, not the checker's identifier.
    let violation = marks.iter().find(|m| m.kind == MarkKind::Violation);
    assert_eq!(
        violation.map(|m| m.label.as_str()),
        Some("violation: leader completeness")
    );
    assert_eq!(
        at(MarkKind::Unsafe),
        report.first_unsafe_step.as_ref().map(|s| s.t)
    );
    let told = narration(&report).join(" ");
    assert!(told.contains("vote-without-log-check"), "{told}");
    assert!(told.contains("leader completeness"), "{told}");
    assert!(told.contains("5.4.1"), "{told}");
    // Shared as a link, it opens paused at the violation too.
    s.update(Input::Share {
        page: "https://x/".into(),
    });
    let url = s.drafts.shared.clone().unwrap().url;
    let fragment = url.split_once('#').unwrap().1;
    let scenario = permalink::decode(fragment).unwrap().unwrap();
    let opened = Playground::open_shared(scenario, false).unwrap();
    assert!(opened.paused);
    assert_eq!(opened.sim.now(), report.violation.t);
    assert!(opened
        .sim
        .violations()
        .iter()
        .any(|v| v.invariant.name() == kind.name()));
}

/// A found failure is a new entry in the browser's history, under its own
/// link: Back returns to the entry before, whose run opens again, with
/// Undo for the failure (it replaced the run's entry, so Back left the
/// page). Nothing else the search does adds an entry.
#[test]
fn a_found_failure_is_a_new_history_entry_that_back_leaves() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("vote-without-log-check".into()));
    let job = start(&mut s, 0.0);
    assert!(!s.new_history_entry, "starting a search adds no entry");
    let replies = run(job);
    let (found, before) = replies.split_last().unwrap();
    answer(&mut s, before.to_vec(), 5.0);
    assert!(!s.new_history_entry, "progress adds no entry");
    answer(&mut s, vec![found.clone()], 9.0);
    assert!(s.new_history_entry, "the failure is a new entry");
    assert_eq!(s.failures_opened, 1, "its story takes the focus");
    let address = s.address_query("", "").expect("the failure's link");
    assert!(address.starts_with("#r="), "{address}");
    s.saw_address(&address, "");
    s.update(Input::SetSpeed(2.0));
    assert!(!s.new_history_entry, "the next input adds none");
    // Back: the entry before names no link, so its run opens again. The
    // browser's hashchange follows the popstate, and is no command: as
    // one it cleared the notice and its Undo.
    s.update(Input::AddressMoved {
        search: String::new(),
        hash: String::new(),
    });
    s.update(Input::LinkOpened {
        fragment: String::new(),
    });
    assert!(!s.new_history_entry);
    assert!(
        s.playground.failure.is_none(),
        "the run before, not the failure"
    );
    let told = s.notice_text().unwrap_or_default();
    assert!(told.contains("names another run"), "{told}");
    s.update(Input::Undo);
    assert!(
        s.playground.failure.is_some(),
        "Undo brings the failure back"
    );
    assert_eq!(s.address_query("", "").as_deref(), Some(address.as_str()));
}

/// The run a found failure replaced is written into the entry it leaves,
/// when that entry's address would not bring it back: Back then reopens
/// the person's own run, at its moment, not a fresh run of its seed (a
/// page tester lost a run of actions so), with Undo for the failure. A
/// run the address still names (nothing done, no time passed) leaves the
/// entry as it is.
#[test]
fn back_from_a_found_failure_reopens_the_person_s_own_run() {
    let found = |s: &mut Session| {
        what_if(s, WhatIfInput::Choose("vote-without-log-check".into()));
        let job = start(s, 0.0);
        answer(s, run(job), 9.0);
        assert!(s.new_history_entry);
    };
    let mut untouched = session();
    found(&mut untouched);
    assert_eq!(untouched.take_address_left("?seed=1"), None);

    let mut s = session();
    s.update(Input::Skip(1000));
    s.update(Input::Act(Action::Stop(2)));
    let (now, actions) = (
        s.playground.sim.now(),
        s.playground.scenario.actions.clone(),
    );
    assert!(now > 0 && !actions.is_empty());
    found(&mut s);
    let left = s
        .take_address_left("?seed=1&view=experiments")
        .expect("the run left");
    let link = left
        .strip_prefix("?view=experiments#")
        .expect("the page's settings kept");
    assert_eq!(s.take_address_left(""), None, "taken once");
    // Back: the browser moves to that entry, and the session follows it.
    s.update(Input::AddressMoved {
        search: "?view=experiments".into(),
        hash: format!("#{link}"),
    });
    assert!(
        s.playground.failure.is_none(),
        "the run before, not the failure"
    );
    assert_eq!(s.playground.sim.now(), now, "at its moment");
    assert_eq!(s.playground.scenario.actions, actions, "with its actions");
    // With Undo for the failure, as when the entry names no link (there
    // was none, and the failure was lost unless one knew Forward: a page
    // tester).
    let told = s.notice_text().unwrap_or_default();
    assert!(told.contains("names another run"), "{told}");
    s.update(Input::LinkOpened {
        fragment: format!("#{link}"),
    });
    assert!(s.can_undo(), "its hashchange keeps the Undo");
    s.update(Input::Undo);
    assert!(
        s.playground.failure.is_some(),
        "Undo brings the failure back"
    );
}

/// A run that skipped the rule first elsewhere tells, beside the first
/// step, the last one before the violation on its servers, and marks both.
#[test]
fn a_failure_tells_the_last_step_on_its_servers_beside_the_first() {
    let mut s = found_vote_without_log_check();
    let mut report = s.playground.failure.clone().expect("a failure");
    let first = report.first_unsafe_step.clone().expect("a first step");
    let node = report.violation.nodes[0];
    let nearest = StepMark {
        t: report.violation.t,
        node,
        peer: None,
        index: Some(7),
        message: None,
    };
    report.nearest_unsafe_step = Some(nearest.clone());
    let told = narration(&report).join(" ");
    let at = |t: u64| format!("at {} s", crate::sim::decimal::seconds(t, 3));
    let first_told = format!("first skipped {} by n{}", at(first.t), first.node);
    let nearest_told = format!(
        "last before the violation, on a server it involves, {} by n{node}, at log index 7",
        at(nearest.t)
    );
    assert!(told.contains(&first_told), "{told}");
    assert!(told.contains(&nearest_told), "{told}");
    s.playground.failure = Some(report.clone());
    let unsafe_marks: Vec<u64> = timeline_marks::marks(&s.playground)
        .iter()
        .filter(|m| m.kind == MarkKind::Unsafe)
        .map(|m| m.at)
        .collect();
    assert_eq!(unsafe_marks, vec![first.t, nearest.t]);
    // The same step twice is told, and marked, once.
    report.nearest_unsafe_step = Some(first.clone());
    let told = narration(&report).join(" ");
    assert!(
        told.contains(&first_told) && !told.contains("last before"),
        "{told}"
    );
    s.playground.failure = Some(report.clone());
    let marks = timeline_marks::marks(&s.playground);
    assert_eq!(
        marks.iter().filter(|m| m.kind == MarkKind::Unsafe).count(),
        1
    );
    // A read's step names the index it reads at, not a log entry.
    for (switch, words) in [
        ("read-index-reuses-round", ", at read index 7"),
        ("lease-ignores-drift", ", at read index 7"),
        ("local-reads", ", reading at applied index 7"),
    ] {
        report.switch = switch.into();
        report.first_unsafe_step = Some(nearest.clone());
        let told = narration(&report).join(" ");
        assert!(told.contains(words), "{switch}: {told}");
    }
}

#[test]
fn a_stale_read_names_its_sender_as_the_page_does() {
    let s = found_vote_without_log_check();
    let mut report = s.playground.failure.clone().expect("a failure");
    let read = |client| crate::sim::find::StaleRead {
        client,
        request: 2,
        op: "read k1".into(),
        result: None,
        invoke_t: 10,
        return_t: Some(20),
        answered_by: Some(2),
        reply_message: None,
    };
    // The explorer's reads are the person's requests: no client id shown.
    let mine = crate::sim::workload::USER_CLIENT_BASE + 1;
    report.violation.stale_read = Some(read(mine));
    let told = narration(&report).join(" ");
    assert!(
        told.contains("the read k1 sent by you returned nothing, answered by n2"),
        "{told}"
    );
    report.violation.stale_read = Some(read(3));
    let told = narration(&report).join(" ");
    assert!(
        told.contains("the read k1 sent by client 3 (request 2) returned nothing"),
        "{told}"
    );
}

#[test]
fn loading_another_run_drops_the_narration() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("vote-without-log-check".into()));
    let job = start(&mut s, 0.0);
    for reply in run(job) {
        what_if(
            &mut s,
            WhatIfInput::Reply {
                reply: Box::new(reply),
                now_ms: 9.0,
            },
        );
    }
    assert!(s.playground.failure.is_some());
    s.update(Input::Reset);
    assert!(s.playground.failure.is_none());
}

/// Acting before the violation discards it, and its story, marks and
/// highlights with it; acting after it keeps them (it still happened).
/// (A review found the story telling a violation the run no longer had.)
#[test]
fn forking_before_the_violation_drops_the_story_and_after_it_keeps_it() {
    let mut s = found_vote_without_log_check();
    let t = s.playground.failure.as_ref().unwrap().violation.t;
    s.update(Input::Seek(t + 1));
    s.update(Input::Key(KeyCommand::Step));
    s.update(Input::Seek(t / 2));
    assert!(s.playground.failure.is_some(), "moving alone keeps it");
    s.update(Input::Skip(1));
    assert!(s.playground.failure.is_some(), "still before the violation");
    s.update(Input::Act(Action::SpreadTimers));
    assert!(
        s.playground.failure.is_none(),
        "the violation was discarded"
    );
    assert!(s.playground.sim.violations().is_empty());

    let mut s = found_vote_without_log_check();
    s.update(Input::Act(Action::SpreadTimers));
    assert!(
        s.playground.failure.is_some(),
        "acting at the violation keeps it"
    );
    assert!(s.what_if.status_text().is_some());
    // Dropped, the story is no longer "above the picture" (a page tester
    // read that beside none).
    s.update(Input::Seek(
        s.playground.failure.as_ref().unwrap().violation.t / 2,
    ));
    s.update(Input::Act(Action::SpreadTimers));
    assert!(s.playground.failure.is_none());
    assert_eq!(s.what_if.status_text(), None);
}

/// A history with no linearization shows in the Safety panel too, from
/// its moment on; an invariant's failure needs no such line.
#[test]
fn a_history_with_no_linearization_is_said_in_the_safety_panel() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("local-reads".into()));
    let job = start(&mut s, 0.0);
    answer(&mut s, run(job), 9.0);
    let t = s
        .playground
        .failure
        .as_ref()
        .expect("a failure")
        .violation
        .t;
    let line = history_violation(&s.playground).expect("said at the violation");
    assert!(
        line.starts_with(
            "linearizability: VIOLATED (the search's check of the client history, at "
        ),
        "{line}"
    );
    assert!(
        s.playground.sim.violations().is_empty(),
        "no invariant shows it"
    );
    s.update(Input::Seek(t - 1));
    assert_eq!(history_violation(&s.playground), None, "not before");
    assert_eq!(
        history_violation(&found_vote_without_log_check().playground),
        None
    );
}

#[test]
fn exploring_a_switch_loads_its_shortest_failure_with_the_figures() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("vote-without-log-check".into()));
    let (plan, explorable) = s.what_if.explore_plan();
    assert!(explorable, "{plan}");
    assert!(plan.contains("8 steps"), "{plan}");
    what_if(&mut s, WhatIfInput::Explore { now_ms: 0.0 });
    let Some(WorkerCommand::Start(job)) = s.what_if.take_command() else {
        panic!("no worker started");
    };
    assert!(matches!(*job, WorkerJob::Explore { .. }), "{job:?}");
    answer(&mut s, run(*job), 2500.0);
    let status = s.what_if.status_text().unwrap();
    assert!(
        status.starts_with("The explorer found a shortest counterexample of 8 steps in "),
        "{status}"
    );
    let p = &s.playground;
    let report = p
        .failure
        .clone()
        .expect("the shortest failure is on screen");
    assert!(p.paused);
    assert_eq!(p.sim.now(), report.violation.t);
    // Eight steps, one a millisecond: the violation at the eighth.
    assert_eq!(report.violation.t, 8_000);
    assert_eq!(report.violation.kind.name(), "leader_completeness");
    let figures = s.what_if.explored_text().expect("the figures");
    assert!(figures.contains("states per second"), "{figures}");
    assert!(figures.contains("to depth 7"), "{figures}");
}

/// The explorer's steps and the actions the player records differ, and
/// the status says both, and why (a page tester read "12 steps" in the
/// plan and "14 actions recorded" under the picture as disagreeing).
#[test]
fn an_explored_failure_says_its_steps_and_the_actions_recorded() {
    let mut s = session();
    what_if(&mut s, WhatIfInput::Choose("snapshot-uncommitted".into()));
    assert!(s.what_if.explore_plan().0.contains("takes 12 steps"));
    what_if(&mut s, WhatIfInput::Explore { now_ms: 0.0 });
    let Some(WorkerCommand::Start(job)) = s.what_if.take_command() else {
        panic!("no worker started");
    };
    answer(&mut s, run(*job), 500.0);
    assert_eq!(s.playground.scenario.actions.len(), 14);
    let status = s.what_if.status_text().unwrap();
    assert!(
        status.starts_with(
            "The explorer found a shortest counterexample of 12 steps, recorded as 14 actions \
             (a setting at the start; a client's request and its arrival in one step), in 0.5 s: \
             it opened"
        ),
        "{status}"
    );
}

#[test]
fn a_shortest_counterexample_says_each_reason_its_figures_differ() {
    let said = |steps, actions, settings, acting| {
        Shortest {
            steps,
            actions,
            settings,
            acting,
        }
        .words()
    };
    assert_eq!(said(8, 8, 0, 8), "8 steps");
    assert_eq!(
        said(12, 9, 0, 9),
        "12 steps, recorded as 9 actions (3 steps that only let time pass),"
    );
    assert_eq!(
        said(20, 22, 0, 20),
        "20 steps, recorded as 22 actions (2 client requests, each sent and arriving in one step),"
    );
    assert_eq!(
        said(10, 12, 2, 9),
        "10 steps, recorded as 12 actions (2 settings at the start; a client's request and its arrival in one step; a step that only lets time pass),"
    );
}

/// Millions of states, with thousands separated as everywhere else on
/// the page (a page tester read "2187195 states (686240 unique...)").
#[test]
fn explored_figures_separate_thousands() {
    let mut w = WhatIf::default();
    let progress = ExploreProgress {
        explored: 2_187_195,
        unique: 686_240,
        depth_done: 9,
        ..ExploreProgress::default()
    };
    w.explored = Some((progress, 50_000.0));
    assert_eq!(
        w.explored_text().unwrap(),
        "Explored 2,187,195 states (686,240 unique after symmetry reduction), every state to depth 9 checked, in 50.0 s: 43,744 states per second in this browser's Worker."
    );
    // One state in a tenth of a second: no plural, and no rate.
    let one = ExploreProgress {
        explored: 1,
        unique: 1,
        ..ExploreProgress::default()
    };
    w.explored = Some((one, 100.0));
    assert_eq!(
        w.explored_text().unwrap(),
        "Explored 1 state (1 unique after symmetry reduction), every state to depth 0 checked, in 0.1 s."
    );
}

#[test]
fn config_change_without_noop_is_explored_after_the_steps_its_plan_fixes() {
    let mut s = session();
    what_if(
        &mut s,
        WhatIfInput::Choose("config-change-without-noop".into()),
    );
    let (plan, explorable) = s.what_if.explore_plan();
    assert!(explorable, "{plan}");
    assert_eq!(
        plan,
        "Every interleaving of 4 servers after n1's election in term 1 and n2's timeout for term 2 (the first 6 steps, fixed), breadth-first 12 steps further: the shortest failure takes 18 steps."
    );
    what_if(&mut s, WhatIfInput::Explore { now_ms: 0.0 });
    let Some(WorkerCommand::Start(job)) = s.what_if.take_command() else {
        panic!("no worker started");
    };
    let WorkerJob::Explore { bounds, prefix, .. } = *job else {
        panic!("{job:?}");
    };
    assert_eq!((bounds.nodes, bounds.depth, prefix.len()), (4, 12, 6));
    // Its figures count depths from where the search started.
    let progress = ExploreProgress {
        explored: 10,
        unique: 5,
        depth_done: 12,
        finished: true,
        ..ExploreProgress::default()
    };
    let end = WorkerReply::Explored {
        progress,
        counterexample: None,
        report: None,
    };
    what_if(
        &mut s,
        WhatIfInput::Reply {
            reply: Box::new(end),
            now_ms: 1000.0,
        },
    );
    let figures = s.what_if.explored_text().expect("the figures");
    assert!(
        figures.contains("every state to depth 12 past the first 6 steps checked"),
        "{figures}"
    );
}

#[test]
fn the_panel_offers_exploration_for_all_fifteen_switches() {
    let mut s = session();
    let explorable = [
        ("prevote-raises-term", "1 step."),
        ("forget-vote-on-restart", "2 steps"),
        ("truncate-on-any-append", "6 steps"),
        ("vote-without-log-check", "8 steps"),
        ("local-reads", "11 steps"),
        ("snapshot-uncommitted", "12 steps"),
        ("lease-ignores-drift", "12 steps"),
        ("read-index-without-noop", "15 steps"),
        ("reply-before-persist", "7 steps"),
        ("two-changes-at-once", "10 steps"),
        (
            "commit-old-terms",
            "depth 20: the shortest failure takes 20 steps",
        ),
        (
            "config-change-without-noop",
            "after n1's election in term 1",
        ),
        ("lease-after-timeout-now", "n1's hand-over to n2"),
        ("count-self-before-persist", "n2 votes for it, then stands"),
        ("read-index-reuses-round", "12 steps"),
    ];
    assert_eq!(explorable.len(), UnsafeSwitch::ALL.len());
    for (switch, words) in explorable {
        what_if(&mut s, WhatIfInput::Choose(switch.into()));
        let (plan, offered) = s.what_if.explore_plan();
        assert!(offered, "{switch}: {plan}");
        assert!(plan.contains(words), "{switch}: {plan}");
    }
}

/// Nodes in words, as a person writes them (it read "node 4 and node 7
/// and node 2").
#[test]
fn nodes_are_listed_as_a_person_writes_them() {
    use crate::view::words::on_servers;
    assert_eq!(on_servers(&[]), "");
    assert_eq!(on_servers(&[4]), "on n4");
    assert_eq!(on_servers(&[4, 7]), "on n4 and n7");
    assert_eq!(on_servers(&[4, 7, 2]), "on n4, n7 and n2");
}

#[path = "what_if_story_tests.rs"]
mod story;

/// A failure's marks are drawn however many marks come after its first
/// step: the timeline keeps only the latest of the others (a long run's
/// first unsafe step went with them, its story still naming it).
#[test]
fn a_failures_marks_outlast_the_timelines_limit() {
    let mut s = found_vote_without_log_check();
    let report = s.playground.failure.clone().unwrap();
    let first = report.first_unsafe_step.clone().unwrap().t;
    let late = report.violation.t - 1;
    assert!(first < late, "{first} {late}");
    let p = &mut s.playground;
    let many = (0..timeline_marks::MAX_MARKS).map(|_| (late, Action::SpreadTimers));
    p.scenario.actions.extend(many);
    let marks = timeline_marks::marks(p);
    let unsafe_at: Vec<u64> = marks
        .iter()
        .filter(|m| m.kind == MarkKind::Unsafe)
        .map(|m| m.at)
        .collect();
    assert_eq!(unsafe_at.first(), Some(&first), "{unsafe_at:?}");
    assert!(marks.iter().any(|m| m.kind == MarkKind::Violation));
    assert!(marks
        .iter()
        .all(|m| m.kind != MarkKind::Election || m.at >= late));
}

/// An unsafe step at the violation's very moment is drawn over the
/// violation's mark, which rises higher: both show (the red one hid the
/// other, a page tester saw).
#[test]
fn an_unsafe_step_at_the_violations_moment_is_drawn_over_it() {
    let mut s = found_vote_without_log_check();
    let mut report = s.playground.failure.clone().unwrap();
    let t = report.violation.t;
    report.first_unsafe_step.as_mut().unwrap().t = t;
    report.nearest_unsafe_step = None;
    s.playground.failure = Some(report);
    let kinds: Vec<MarkKind> = timeline_marks::marks(&s.playground)
        .iter()
        .filter(|m| m.at == t && m.kind != MarkKind::Election)
        .map(|m| m.kind)
        .collect();
    assert_eq!(kinds, [MarkKind::Violation, MarkKind::Unsafe]);
    assert!(MarkKind::Violation.top() < MarkKind::Unsafe.top());
}
