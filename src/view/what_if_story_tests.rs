//! A found failure shared: the link carries the run, not its story, so the
//! page asks the worker to tell it as it opens (`WorkerJob::Tell`). The
//! receiver sees the sender's story; an answer for a run no longer on
//! screen, a run with no switch or a tour asks nothing or is dropped.

use super::*;
use crate::raft::UnsafeSwitch;
use crate::sim::Action;
use crate::view::playground::StoryAsk;

/// The link the person who found the failure shares.
fn shared_failure() -> (String, FailureReport) {
    let mut s = found_vote_without_log_check();
    let report = s.playground.failure.clone().unwrap();
    s.update(Input::Share {
        page: "https://x/".into(),
    });
    let url = s.drafts.shared.clone().unwrap().url;
    let fragment = url.split_once('#').unwrap().1.to_string();
    (format!("#{fragment}"), report)
}

fn opened(fragment: &str) -> Session {
    let params = UrlParams {
        autoplay: false,
        ..UrlParams::default()
    };
    Session::open(&params, &[], fragment, false)
}

/// The job the page started, which must be a story's.
fn told_job(s: &mut Session) -> WorkerJob {
    match s.what_if.take_command() {
        Some(WorkerCommand::Start(job)) if matches!(*job, WorkerJob::Tell { .. }) => *job,
        other => panic!("no story asked: {other:?}"),
    }
}

#[test]
fn a_shared_failure_opens_with_the_story_its_sender_saw() {
    let (fragment, report) = shared_failure();
    let mut s = opened(&fragment);
    assert!(s.playground.failure.is_none(), "the link has no story");
    let job = told_job(&mut s);
    assert!(!s.what_if.running(), "the panel shows no search");
    let pending = s.story_pending().expect("a line holds the story's place");
    assert!(pending.contains("vote-without-log-check"), "{pending}");
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure.as_ref(), Some(&report));
    assert_eq!(s.story_pending(), None);
    assert!(highlight_hint(&report).contains("log entries"));
    let mut no_entries = report.clone();
    no_entries.highlight.indexes.clear();
    assert!(!highlight_hint(&no_entries).contains("log entries"));
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    assert_eq!(s.what_if.status_text(), None, "the panel says nothing");
    // Where the sender was, with the marks the sender saw.
    let p = &s.playground;
    assert!(p.paused);
    assert_eq!(p.sim.now(), report.violation.t);
    let marks = timeline_marks::marks(p);
    assert!(marks.iter().any(|m| m.kind == MarkKind::Violation));
    assert!(marks.iter().any(|m| m.kind == MarkKind::Unsafe));
    // Not a failure found here: no history entry, and (the page's rule)
    // the focus stays where the reader is.
    assert!(!s.new_history_entry);
    assert_eq!(s.failures_opened, 0);
    assert_eq!(s.playground.story, StoryAsk::Told);
    // The panel keeps the person's choice (a late story reset it under a
    // search they had started, a page tester saw).
    assert_eq!(s.what_if.chosen, UnsafeSwitch::ALL[0]);
    s.update(Input::Key(KeyCommand::Step));
    assert_eq!(s.what_if.take_command(), None, "told once");
}

/// Pasted into the Share panel, it is told too; found here, it is not
/// asked again.
#[test]
fn a_pasted_failure_is_told_and_a_found_one_asks_nothing() {
    let (fragment, report) = shared_failure();
    let mut s = session();
    // What a search said of the run before goes with it (it stood beside
    // the pasted failure's story, a page tester saw).
    start(&mut s, 0.0);
    answer(
        &mut s,
        vec![WorkerReply::NotFound { seeds_tried: 200 }],
        9.0,
    );
    assert!(s.what_if.status_text().is_some());
    s.update(Input::ImportText(fragment));
    s.update(Input::Import);
    assert_eq!(s.what_if.status_text(), None);
    let job = told_job(&mut s);
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure.as_ref(), Some(&report));

    let mut s = found_vote_without_log_check();
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    assert_eq!(s.playground.story, StoryAsk::NotNeeded);
    s.update(Input::Key(KeyCommand::Step));
    assert_eq!(s.what_if.take_command(), None);
}

/// An embed has no room for a story, and would fetch the studio and the
/// worker for its marks alone.
#[test]
fn an_embed_asks_nothing() {
    let (fragment, _) = shared_failure();
    let params = UrlParams {
        embed: true,
        ..UrlParams::default()
    };
    let mut s = Session::open(&params, &[], &fragment, false);
    assert_eq!(s.what_if.take_command(), None);
    s.update(Input::Key(KeyCommand::Step));
    assert_eq!(s.what_if.take_command(), None);
    assert_eq!(s.story_pending(), None);
}

#[test]
fn runs_without_one_switch_and_tours_ask_nothing() {
    let s = &mut opened(&permalink::encode(&scenario_of_seed(3)));
    assert_eq!(s.what_if.take_command(), None);
    assert_eq!(s.playground.story, StoryAsk::NotNeeded);
    // A tour with an unsafe switch tells its own story, and goes on
    // telling none once it ends.
    let tour = crate::view::tours::TOURS
        .iter()
        .find(|t| t.sequel.is_some())
        .unwrap();
    let mut s = session();
    s.update(Input::TourChoose(tour.id.into()));
    assert!(!s.playground.scenario.unsafe_switches.is_empty());
    s.update(Input::TourEnd);
    assert_eq!(s.what_if.take_command(), None);
}

/// The person moved on before the worker answered: the answer is not the
/// story of the run on screen, and is dropped.
#[test]
fn an_answer_for_a_run_no_longer_on_screen_is_dropped() {
    let (fragment, _) = shared_failure();
    let mut s = opened(&fragment);
    let job = told_job(&mut s);
    s.update(Input::Reset);
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    answer(&mut s, run(job.clone()), 5.0);
    assert!(s.playground.failure.is_none());
    assert_eq!(s.what_if.status_text(), None, "nor said as a search's");

    // Or started a search, which takes the worker.
    let mut s = opened(&fragment);
    told_job(&mut s);
    what_if(&mut s, WhatIfInput::Choose("commit-old-terms".into()));
    let search = start(&mut s, 0.0);
    assert!(matches!(search, WorkerJob::FindFailure { .. }));
    assert_eq!(s.what_if.telling(), None);
}

/// The worker stopped before it answered, and the run came back (Undo of
/// a Reset) or stayed (a search Cancelled): its story is asked again (it
/// was lost for good, a page tester saw).
#[test]
fn a_story_interrupted_is_asked_again_when_its_run_is_back() {
    let (fragment, report) = shared_failure();
    let mut s = opened(&fragment);
    let first = told_job(&mut s);
    s.update(Input::Reset);
    s.update(Input::Undo);
    let job = told_job(&mut s);
    // A late answer to the first ask is not taken for the second.
    answer(&mut s, run(first), 4.0);
    assert!(s.playground.failure.is_none() && s.what_if.telling().is_some());
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure.as_ref(), Some(&report));

    let mut s = opened(&fragment);
    told_job(&mut s);
    start(&mut s, 1000.0);
    what_if(&mut s, WhatIfInput::Cancel { now_ms: 9000.0 });
    assert!(!s.what_if.running());
    let job = told_job(&mut s);
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure.as_ref(), Some(&report));
}

/// A worker that cannot run (the studio did not load, as from `file://`)
/// ends the telling quietly, for good: the person asked for no search.
#[test]
fn a_story_that_cannot_be_told_leaves_the_panel_quiet() {
    let (fragment, _) = shared_failure();
    let mut s = opened(&fragment);
    told_job(&mut s);
    // As the page tells it (`App::job_failed`).
    let message = "the page's studio could not load: offline".into();
    answer(&mut s, vec![WorkerReply::Failed { message }], 5.0);
    assert_eq!(s.what_if.status_text(), None);
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    assert_eq!(s.playground.story, StoryAsk::Untold);
    let said = s.story_pending().expect("the story's place says so");
    assert!(said.contains("did not run"), "{said}");
    s.update(Input::Key(KeyCommand::Step));
    assert_eq!(s.what_if.take_command(), None, "not asked again");
    answer(
        &mut s,
        vec![WorkerReply::Failed {
            message: "late".into(),
        }],
        5.0,
    );
    assert_eq!(s.what_if.status_text(), None);
    assert!(s.playground.failure.is_none());
}

/// The run changed while its story was being told (an action in the past,
/// which forks it, or at the frontier of a run opened from its start,
/// before the violation): the answer is of the run before, and is not
/// taken (a review saw a fork's discarded violation attached). An action
/// at the violation's moment changes nothing before it.
#[test]
fn a_story_of_the_run_before_a_change_is_not_taken() {
    let (fragment, report) = shared_failure();
    let mut s = opened(&fragment);
    let job = told_job(&mut s);
    s.update(Input::Seek(report.violation.t / 2));
    s.update(Input::Act(Action::SpreadTimers));
    assert!(s.can_undo(), "forked");
    assert_eq!(s.story_pending(), None, "no story promised any more");
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure, None);
    assert_eq!(s.playground.story, StoryAsk::Told);
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));

    let params = UrlParams {
        autoplay: false,
        from_start: true,
        ..UrlParams::default()
    };
    let mut s = Session::open(&params, &[], &fragment, false);
    let job = told_job(&mut s);
    s.update(Input::Act(Action::SpreadTimers));
    assert!(!s.can_undo(), "no fork: at the frontier");
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure, None);

    let mut s = opened(&fragment);
    let job = told_job(&mut s);
    assert_eq!(s.playground.sim.now(), report.violation.t);
    s.update(Input::Act(Action::SpreadTimers));
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure.as_ref(), Some(&report));
}

/// Told before its violation (a file with no moment opens at its start),
/// the story goes when the person acts before the violation: the run may
/// not break that way now.
#[test]
fn acting_before_a_told_violation_drops_its_story() {
    let (fragment, report) = shared_failure();
    let mut scenario = permalink::decode(&fragment).unwrap().unwrap();
    scenario.cursor = None;
    let mut s = session();
    s.update(Input::ImportText(permalink::encode(&scenario)));
    s.update(Input::Import);
    let job = told_job(&mut s);
    answer(&mut s, run(job), 5.0);
    assert_eq!(s.playground.failure.as_ref(), Some(&report));
    assert_eq!(s.what_if.take_command(), Some(WorkerCommand::Stop));
    assert!(s.playground.sim.now() < report.violation.t);
    s.update(Input::Act(Action::SpreadTimers));
    assert_eq!(s.playground.failure, None);
    assert_eq!(s.what_if.take_command(), None, "not asked again");
}
