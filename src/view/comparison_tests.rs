//! The comparison's view model natively: where each bar is and what it
//! says, the README's figures beside, the sentence on the difference, a
//! run's states, and the very run a bar opens in the player.

use super::*;
use crate::sim::experiment::switch_availability::{median_seed, AvailabilityRun, SeedFigures};
use crate::sim::find::scenario_of;
use crate::sim::run::run_simulation;
use crate::view::availability_chart::{frame, readme_percent, Measure, BAR, HEADINGS};
use crate::view::session::{Input, Session};
use crate::view::url_params::UrlParams;

/// A combination whose seeds had these (serving samples of 1,000, ops ok
/// of 100); its "median" scenario is a bare one of the median seed.
fn part(switches: Switches, seeds: &[(u64, u32, u32)]) -> SwitchResult {
    let seeds: Vec<SeedFigures> = seeds
        .iter()
        .map(|&(seed, with_leader, ops_ok)| SeedFigures {
            seed,
            samples: 1000,
            with_leader,
            ops_ok,
            ops: 100,
        })
        .collect();
    let median = median_seed(&seeds).unwrap().seed;
    let config = SeedCount::Quick.config().sim_config(switches, median);
    SwitchResult {
        switches,
        seeds,
        failing: Vec::new(),
        median: scenario_of(&config, 60 * SECONDS, &[]),
    }
}

/// The README's figures, give or take: neither 54.5%, PreVote 55.5%,
/// CheckQuorum 66.5%, both 73.5% serving; ops ok 68%, 69%, 73%, 74%.
fn four() -> Vec<SwitchResult> {
    vec![
        part(Switches::Neither, &[(1, 500, 68), (2, 590, 68)]),
        part(Switches::PreVote, &[(1, 520, 69), (2, 590, 69)]),
        part(Switches::CheckQuorum, &[(1, 600, 73), (2, 730, 73)]),
        part(Switches::Both, &[(1, 700, 74), (2, 770, 74)]),
    ]
}

#[test]
fn a_group_of_two_bars_per_combination_in_the_readmes_order() {
    let chart = BarChart::new(&four(), false);
    let f = chart.frame;
    assert_eq!(f, frame(false));
    let labels: Vec<&str> = chart.groups.iter().map(|g| g.label).collect();
    assert_eq!(labels, ["neither", "PreVote", "CheckQuorum", "both"]);
    let plot = f.x1() - f.x0();
    for g in &chart.groups {
        let measures: Vec<Measure> = g.bars.iter().map(|b| b.measure).collect();
        assert_eq!(measures, Measure::ALL);
        for b in &g.bars {
            assert_eq!(b.x, f.x0(), "every bar starts at 0%");
            assert_eq!(b.height, BAR);
            assert!(b.y >= g.y && b.y + b.height <= g.y + g.height);
            let r = readme_percent(g.switches, b.measure);
            assert!((b.reference_x - (f.x0() + r / 100.0 * plot)).abs() < 1e-9);
            let end = (b.x + b.width).max(b.reference_x);
            assert_eq!(b.text_x, end + 4.0, "its figure past its end and the mark");
        }
    }
    // Both: 1,470 of 2,000 samples, 148 of 200 operations.
    let both = &chart.groups[3];
    assert_eq!(both.bars[0].text, "73.5%");
    assert!((both.bars[0].width - 0.735 * plot).abs() < 1e-9);
    assert_eq!(both.bars[1].text, "74.0%");
    assert_eq!(both.bars[0].reference, "73.2%");
    assert_eq!(both.bars[1].reference, "73.9%");
    // Groups go down the drawing without overlapping, inside the plot.
    for pair in chart.groups.windows(2) {
        assert!(pair[0].y + pair[0].height < pair[1].y);
    }
    assert!(chart.groups[3].y + chart.groups[3].height <= f.y1());
    let ticks: Vec<(f64, String)> = chart
        .ticks
        .iter()
        .map(|t| (t.at, t.label.clone().unwrap()))
        .collect();
    assert_eq!(ticks[0], (f.x0(), "0%".into()));
    assert_eq!(ticks[2], (f.x0() + plot / 2.0, "50%".into()));
    assert_eq!(ticks[4], (f.x1(), "100%".into()));
}

#[test]
fn a_combination_has_its_place_before_the_others_arrive() {
    let all = BarChart::new(&four(), true);
    let only = BarChart::new(&four()[2..3], true);
    assert_eq!(only.groups.len(), 1);
    assert_eq!(
        only.groups[0], all.groups[2],
        "CheckQuorum, where it will stay"
    );
    assert!(all.frame.width < frame(false).width, "narrow");
}

#[test]
fn each_group_says_its_figures_beside_the_readmes_and_what_it_opens() {
    let chart = BarChart::new(&four(), false);
    assert_eq!(
        chart.groups[2].aria,
        "CheckQuorum: serving leader 66.5% (README: 66.6%), client operations ok 73.0% (README: 73.3%); open its median seed, 1, in the player"
    );
    let rows = rows(&four());
    assert_eq!(HEADINGS.len(), 7);
    assert_eq!(
        rows[0],
        Row {
            switches: "neither",
            serving: "54.5% (1,090 of 2,000 samples)".into(),
            readme_serving: "54.4%".into(),
            ops: "68.0% (136 of 200)".into(),
            readme_ops: "69.3%".into(),
            failing: "0".into(),
            median_seed: "1".into(),
        }
    );
}

#[test]
fn one_sentence_on_the_difference_from_the_readme() {
    assert_eq!(difference(&four()[..3]), None, "not before all four");
    assert_eq!(
        difference(&four()).unwrap(),
        "Every figure is within 1.3 points of the README's 1,000 seeds (the furthest, the client operations ok with neither switch: 68.0% against 69.3%), and the combinations rank as there, CheckQuorum above neither and PreVote, both highest."
    );
    let mut far = four();
    far[1] = part(Switches::PreVote, &[(1, 420, 69), (2, 960, 69)]);
    assert_eq!(
        difference(&far).unwrap(),
        "The serving leader with PreVote alone is 13.5 points from the README's 1,000 seeds (69.0% against 55.5%), as 2 seeds can be when one seed's serving leader ranges from 42% to 96%; the combinations do not rank as there (CheckQuorum above neither and PreVote, both highest)."
    );
}

#[test]
fn a_run_goes_from_idle_to_bars_as_each_combination_arrives() {
    let mut c = Comparison::new(false);
    assert_eq!(c.status_text(), "Not run yet: choose how many seeds.");
    let (run, config) = c.start(SeedCount::Page, 1000.0);
    assert_eq!((config.seeds, config.nodes, config.runs()), (250, 5, 1000));
    assert_eq!(c.status_text(), "Running 1,000 runs in the worker…");
    assert_eq!(
        c.progress_text().unwrap(),
        "Starting the worker (1,000 runs)…"
    );
    c.progress(run, 250, 1000, "runs of 60 s done".into());
    assert_eq!(c.status_text(), "Running 1,000 runs in the worker…");
    assert_eq!(c.progress_text().unwrap(), "250 of 1,000 runs of 60 s done");
    assert_eq!(c.share_done(), Some(0.25));
    for (i, p) in four().into_iter().enumerate() {
        c.part(run, p);
        assert!(c.drawing());
        assert_eq!(c.chart.groups.len(), i, "drawn a task later");
        c.draw_step();
        assert_eq!(c.chart.groups.len(), i + 1, "drawn as it arrives");
        assert!(!c.drawing());
    }
    c.part(run - 1, four().remove(0));
    assert_eq!(c.parts.len(), 4, "a late part of an earlier run is dropped");
    c.finished(run, 9200.0);
    assert_eq!(c.status, Status::Done);
    assert!(c
        .status_text()
        .starts_with("Done: 1,000 runs in 8.2 s in this browser."));
    assert!(c.difference.is_some());
    c.set_narrow(true);
    assert_eq!(c.chart.frame, frame(true));

    // Another run clears the bars; cancelled, what came stays.
    let (again, _) = c.start(SeedCount::Quick, 0.0);
    assert!(c.chart.groups.is_empty() && c.difference.is_none());
    c.part(again, four().remove(0));
    c.draw_step();
    c.cancel();
    c.finished(again, 1.0);
    assert_eq!((c.status.clone(), c.parts.len()), (Status::Cancelled, 1));
    // A run whose worker ends without every combination failed.
    let (third, _) = c.start(SeedCount::Quick, 0.0);
    c.part(third, four().remove(0));
    c.finished(third, 1.0);
    assert!(matches!(c.status, Status::Failed(_)), "{:?}", c.status);
}

/// A real comparison, small (three seeds of 60 s): clicking a combination's
/// bars opens its median seed's run, paused just before its first partial
/// partition, and that run is the one measured.
#[test]
fn a_bar_opens_its_combinations_median_seed_paused_before_the_first_cut() {
    let config = AvailabilityConfig {
        seeds: 3,
        ..SeedCount::Quick.config()
    };
    let mut run = AvailabilityRun::new(config.clone()).unwrap();
    run.step(u64::MAX).unwrap();
    let mut c = Comparison::new(false);
    let (n, _) = c.start(SeedCount::Quick, 0.0);
    for part in run.take_finished() {
        c.part(n, part);
        c.draw_step();
    }
    let both = &c.chart.groups[3];
    assert_eq!(both.switches, Switches::Both);
    let median = median_seed(&c.parts[3].seeds).unwrap();
    assert_eq!(both.median_seed, median.seed);
    let opened = c.trial(3).unwrap().unwrap();
    let scenario = opened.scenario;
    assert_eq!(scenario.seed, median.seed);
    assert_eq!(
        opened.caption,
        format!("PreVote and CheckQuorum on: the median run of {} (seed {}), paused just before the first partial partition. Press Play to watch whether a leader keeps serving.", config.seeds, median.seed)
    );
    assert_eq!(scenario.raft, Switches::Both.options());
    let first_cut = scenario
        .actions
        .iter()
        .find(|(_, a)| matches!(a, Action::Deafen(_) | Action::ReachOnly { .. }))
        .map(|(t, _)| *t)
        .unwrap();
    assert_eq!(scenario.cursor, Some(first_cut - BEFORE_THE_FIRST_CUT));
    assert_eq!(c.trial(9), None);

    // Replayed from the scenario, the run has the median's figures.
    let (_, report) = run_simulation(scenario.start(false).unwrap(), config.duration, |_| {});
    assert_eq!(
        report.availability.with_leader,
        u64::from(median.with_leader)
    );
    assert_eq!(report.availability.samples, u64::from(median.samples));
    assert_eq!(report.ops_ok, median.ops_ok as usize);

    // The player opens it as a link opens: paused at the cursor.
    let mut session = Session::open(&UrlParams::default(), &[], "", false);
    session.update(Input::OpenScenario {
        scenario: Ok(Box::new(scenario.clone())),
        caption: opened.caption.clone(),
    });
    assert_eq!(session.notice_text(), Some(opened.caption));
    assert!(session.notice_is_news());
    let p = &session.playground;
    assert_eq!(p.scenario.seed, median.seed);
    assert!(p.paused, "opened paused");
    assert_eq!(p.sim.now(), first_cut - BEFORE_THE_FIRST_CUT);
    assert_eq!(session.drafts.error, None);
}
