use super::*;
use crate::raft::{Role, Time, SECONDS};
use crate::sim::experiment::election_downtime::{
    all_lines, Experiment, ExperimentConfig, LineResult,
};
use crate::sim::experiment::stats;
use crate::view::experiment_figure::{legend, Graph};
use crate::view::experiment_table;
use crate::view::session::{Input, Session};
use crate::view::url_params::UrlParams;

/// A line whose trials (seed, downtime in ms; `None`: given up) are given.
fn line(l: Line, trials: &[(u64, Option<u64>)]) -> LineResult {
    let values: Vec<Option<Time>> = trials.iter().map(|t| t.1.map(|ms| ms * MILLIS)).collect();
    let seeded: Vec<(Option<Time>, u64)> = trials
        .iter()
        .map(|t| (t.1.map(|ms| ms * MILLIS), t.0))
        .collect();
    LineResult {
        line: l,
        downtime: stats::summarize(&values),
        elected: stats::summarize(&values),
        more_than_one_term: 0,
        failed: 0,
        cdf: stats::cdf(&seeded),
        paper: l.paper().to_vec(),
    }
}

/// Every line of the figure: 150–150 ms never ends, 150–151 ms half the
/// time, the rest between 20 ms and 1 s; 150–200 ms has a trial at exactly
/// 100 ms (seed 2).
fn results() -> ExperimentResults {
    let lines = all_lines()
        .into_iter()
        .map(|l| match (l.min / MILLIS, l.max / MILLIS) {
            (150, 150) => line(l, &[(1, None), (2, None)]),
            (150, 151) => line(
                l,
                &[(1, Some(20_000)), (2, None), (3, Some(30_000)), (4, None)],
            ),
            (150, 200) => line(
                l,
                &[
                    (1, Some(300)),
                    (2, Some(100)),
                    (3, Some(1000)),
                    (4, Some(513)),
                ],
            ),
            (150, 155) => line(l, &[(1, Some(287)), (2, Some(290)), (3, Some(800))]),
            _ => line(l, &[(1, Some(20)), (2, Some(60)), (3, Some(200))]),
        })
        .collect();
    ExperimentResults {
        config: ExperimentConfig::default(),
        lines,
        errors: Vec::new(),
    }
}

/// Hands `results` to `e` as the worker does (a line a message, then the
/// end) at wall time `now_ms`, and draws the figure a piece at a time.
fn deliver(e: &mut Experiments, run: u64, results: ExperimentResults, now_ms: f64) {
    for line in results.lines {
        e.line(run, line);
    }
    e.finished(run, results.errors, now_ms);
    while e.drawing() {
        e.draw_step();
    }
}

/// A second run leaves the first's figure in place until it finishes, and
/// a cancel keeps it, saying whose it is.
#[test]
fn a_new_run_keeps_the_last_figure_until_it_finishes() {
    let mut e = done();
    let drawn = e.graphs.clone();
    assert!(!drawn.is_empty() && e.has_results());
    e.start(Setting::Paper, 3000.0);
    assert!(e.has_results() && e.running());
    assert_eq!(e.graphs, drawn, "still drawn while the next runs");
    let status = e.status_text();
    assert!(
        status.ends_with("; the figure below is from the run before."),
        "{status}"
    );
    // A first run has no figure to speak of.
    let mut first = Experiments::new(false);
    first.start(Setting::Quick, 0.0);
    assert!(!first.status_text().contains("run before"));
    e.cancel();
    assert!(e.has_results());
    assert_eq!(e.graphs, drawn);
    assert_eq!(
        e.status_text(),
        "Cancelled: the figure below is from the run before."
    );
    assert!(!Experiments::new(false).has_results());
}

fn done() -> Experiments {
    let mut e = Experiments::new(false);
    let (run, _) = e.start(Setting::Quick, 0.0);
    deliver(&mut e, run, results(), 2500.0);
    e
}

#[test]
fn the_figure_is_drawn_a_line_a_step_the_table_last() {
    let mut e = Experiments::new(false);
    let (run, _) = e.start(Setting::Quick, 0.0);
    for line in results().lines {
        e.line(run, line);
    }
    e.line(run - 1, results().lines[0].clone());
    e.finished(run, Vec::new(), 10.0);
    assert_eq!(e.status, Status::Done);
    assert_eq!(
        e.results.as_ref().unwrap().lines,
        results().lines,
        "every line, once, in order; a late one of another run dropped"
    );
    let drawn = |e: &Experiments| {
        let curves: Vec<usize> = e.graphs.iter().map(|g| g.curves.len()).collect();
        (curves, e.rows.len(), e.drawing())
    };
    assert_eq!(drawn(&e), (vec![], 0, true));
    let mut seen = Vec::new();
    while e.drawing() {
        e.draw_step();
        seen.push(drawn(&e));
    }
    // The top graph's axes, its six lines, the bottom's axes, its five,
    // then the table.
    let mut expected: Vec<(Vec<usize>, usize, bool)> =
        (0..=6).map(|k| (vec![k], 0, true)).collect();
    expected.extend((0..=5).map(|k| (vec![6, k], 0, true)));
    expected.push((vec![6, 5], 10, false));
    assert_eq!(seen, expected);
    assert_eq!(e.graphs[0].title, "Varying the randomness");
    assert_eq!(
        e.graphs,
        [
            Graph::new(
                "Varying the randomness",
                &TOP,
                e.results.as_ref().unwrap(),
                Frame::WIDE
            ),
            Graph::new(
                "Scaling the timeout",
                &BOTTOM,
                e.results.as_ref().unwrap(),
                Frame::WIDE
            ),
        ],
        "as drawn at once"
    );
    let version = e.version;
    e.draw_step();
    assert_eq!(e.version, version, "nothing left to draw");
    assert!(e.set_narrow(true));
    assert_eq!(
        drawn(&e),
        (vec![], 0, true),
        "drawn again, a piece at a time"
    );
    let narrow_bars = crate::view::availability_chart::frame(true);
    assert_eq!(e.comparison.chart.frame, narrow_bars, "the bars too");
    assert!(!e.set_narrow(true), "a resize that stays narrow: no change");
}

#[test]
fn one_curve_per_timeout_range_in_each_graph() {
    let e = done();
    let labels = |g: &Graph| -> Vec<Line> { g.curves.iter().map(|c| c.line).collect() };
    assert_eq!(
        labels(&e.graphs[0]),
        TOP,
        "the top graph: the randomness varied"
    );
    assert_eq!(
        labels(&e.graphs[1]),
        BOTTOM,
        "the bottom graph: the timeout scaled"
    );
    let c300: Vec<&str> = e
        .graphs
        .iter()
        .map(|g| g.curves.last().unwrap().colour)
        .collect();
    assert_eq!(c300[0], c300[1], "150–300 ms has one colour in both");
    let colours: std::collections::BTreeSet<_> =
        e.graphs[0].curves.iter().map(|c| c.colour).collect();
    assert_eq!(colours.len(), 6, "the top graph's lines are told apart");
}

#[test]
fn a_trial_at_100_ms_sits_on_the_100_tick_at_its_percent() {
    let e = done();
    let top = &e.graphs[0];
    let c = top
        .curves
        .iter()
        .find(|c| c.line == Line::ms(150, 200))
        .unwrap();
    let m = c.marks.iter().find(|m| m.seed == 2).unwrap();
    let tick = top
        .x_ticks
        .iter()
        .find(|t| t.label.as_deref() == Some("100"))
        .unwrap();
    assert!(
        (m.x - tick.at).abs() <= 0.05,
        "{} against the tick's {}",
        m.x,
        tick.at
    );
    assert_eq!(m.y, top.frame.y(0.25), "the quickest of four: 25%");
    let picked: Vec<(u64, &str)> = c
        .highlights
        .iter()
        .map(|&(i, what)| (c.marks[i].seed, what))
        .collect();
    assert_eq!(
        picked,
        [(1, "median trial"), (3, "slowest trial")],
        "300 ms is the 2nd of 4"
    );
    // The line starts at 0% at that x and rises there.
    assert!(c.points.starts_with(&format!(
        "{},{}",
        crate::sim::decimal::fixed(m.x, 1),
        crate::sim::decimal::fixed(top.frame.y1(), 1)
    )));
}

/// On a touch screen the first tap reads the graph, as a hover does, and
/// only a second tap on the same trial opens it (one tap used to open a
/// trial before its value could be read).
#[test]
fn a_tap_reads_the_graph_and_a_second_tap_on_the_trial_opens_it() {
    let mut e = done();
    let c = (e.graphs[0].curves.iter())
        .find(|c| c.line == Line::ms(150, 200))
        .unwrap();
    let (m, other) = (c.marks[0].clone(), c.marks.last().unwrap().clone());
    assert!(e.tap(0, m.x, m.y).is_none(), "the first tap only reads");
    assert!(e.hover.as_ref().unwrap().trial.is_some());
    assert!(
        e.tap(0, other.x, other.y).is_none(),
        "another trial: read it"
    );
    let opened = e.tap(0, other.x, other.y).expect("the second tap opens");
    let caption = opened.unwrap().caption;
    assert!(
        caption.contains(&format!("seed {}", other.seed)),
        "{caption}"
    );
    // Far from every line, taps only read.
    assert!(e.tap(0, 0.0, 0.0).is_none() && e.tap(0, 0.0, 0.0).is_none());
}

#[test]
fn hovering_finds_the_nearest_trial_and_its_seed() {
    let mut e = done();
    let top = &e.graphs[0];
    let c = top
        .curves
        .iter()
        .find(|c| c.line == Line::ms(150, 200))
        .unwrap();
    let m = c.marks.iter().find(|m| m.seed == 3).unwrap().clone();
    e.hover(0, m.x - 3.0, m.y + 2.0);
    let h = e.hover.clone().unwrap();
    let trial = h.trial.expect("a trial is near");
    assert!(trial.contains("seed 3"), "{trial}");
    assert_eq!(
        trial,
        "nearest trial: 150–200 ms, trial 3 of 4 (seed 3), 1000.0 ms, 100.0% of trials at or below it. Click to open it in the player."
    );
    let (ms, percent) = (
        e.graphs[0].axis.ms_at(h.x),
        e.graphs[0].frame.fraction_at(h.y),
    );
    let expected = format!(
        "Pointer: {} ms, {}%",
        crate::sim::decimal::fixed(ms, 1),
        crate::sim::decimal::fixed(percent * 100.0, 1)
    );
    assert_eq!(h.at, expected);
    assert!(
        (ms - 1000.0).abs() > 1.0 && (ms / 1000.0 - 1.0).abs() < 0.1,
        "3 units left of 1 s: {ms}"
    );
    // Far from every line: the time and percent, but no trial.
    e.hover(
        0,
        e.graphs[0].frame.x0() + 1.0,
        e.graphs[0].frame.y0() + 1.0,
    );
    assert_eq!(e.hover.as_ref().unwrap().trial, None);
    e.leave();
    assert_eq!(e.hover, None);
}

#[test]
fn lines_that_never_end_are_drawn_and_labelled_not_crashed() {
    let e = done();
    let top = &e.graphs[0];
    let never = &top.curves[0];
    assert_eq!(never.line, Line::ms(150, 150));
    assert!(never.points.is_empty() && never.marks.is_empty());
    assert_eq!(never.unfinished, None);
    assert_eq!(never.legend, "150–150 ms: none of 2 ended within 60 s");
    let give_up = top.give_up_x.expect("a line gave up");
    let last = top
        .x_ticks
        .iter()
        .filter_map(|t| t.label.clone())
        .next_back();
    assert_eq!(
        last.as_deref(),
        Some("100,000"),
        "the axis reaches past 60 s"
    );
    assert_eq!(give_up, top.axis.x((60 * SECONDS / MILLIS) as f64));
    let half = &top.curves[1];
    assert_eq!(half.legend, "150–151 ms: 2 of 4 ended within 60 s");
    let last = half.marks.last().unwrap();
    assert_eq!(
        half.unfinished,
        Some((last.x, last.y)),
        "dashed on from its last trial"
    );
    // Its median trial is the slowest that ended: one point, not two.
    assert_eq!(half.highlights, [(1, "median trial")]);
    assert!(never.highlights.is_empty());
    assert_eq!(last.y, top.frame.y(0.5));
    // The bottom graph has no line given up: no give-up mark, and its axis
    // stops at the slowest trial's decade.
    assert_eq!(e.graphs[1].give_up_x, None);
    assert_eq!((e.graphs[1].axis.lo, e.graphs[1].axis.hi), (1, 3));
    assert_eq!(legend(&e.results.as_ref().unwrap().lines[6]), "12–24 ms");
}

#[test]
fn the_give_up_label_stands_right_of_its_line_clear_of_every_trial() {
    // A line whose slowest trial ended just before the give-up time, at
    // 100%: its dot sits on the line, as high as the label's end.
    let mut slow = results();
    slow.lines[2] = line(Line::ms(150, 155), &[(1, Some(287)), (2, Some(59_000))]);
    for frame in [Frame::WIDE, Frame::NARROW] {
        let top = Graph::new("Varying the randomness", &TOP, &slow, frame);
        let line_x = top.give_up_x.expect("a line gave up");
        let (x, y) = top.give_up_label().expect("labelled");
        // "given up at 60 s" at 10 px, turned to read upward: the font's
        // ascent, 9.9 units in Firefox's box (8.9 in Chromium's), left of
        // the baseline, its descent right (2.5), its 16 characters 6 units
        // each at most down from its end.
        let (left, right, bottom) = (x - 9.9, x + 2.5, y + 16.0 * 6.0);
        let slowest = top.curves.iter().flat_map(|c| &c.marks).map(|m| m.x);
        let slowest = slowest.fold(f64::MIN, f64::max);
        assert!(slowest <= line_x, "{frame:?}: no trial past the line");
        assert!(
            left >= slowest + 4.0 + 1.0,
            "{frame:?}: the label ({left}) clears the slowest dot ({slowest}, radius 4)"
        );
        assert!(right <= frame.width, "{frame:?}: in the drawing");
        assert!(
            y >= frame.y0() && bottom <= frame.y1(),
            "{frame:?}: beside the plot"
        );
    }
    assert_eq!(done().graphs[1].give_up_label(), None, "nothing given up");
}

#[test]
fn the_table_sets_the_papers_figures_beside_ours() {
    let e = done();
    let row = |label: &str| e.rows.iter().find(|r| r.timeouts == label).unwrap().clone();
    assert_eq!(experiment_table::HEADINGS[7], "the paper (§9.3)");
    let r = row("150–155 ms");
    assert_eq!(
        (r.median.as_str(), r.paper.as_str()),
        ("290.0", "median 287")
    );
    assert!(
        r.note
            .starts_with("Our median, 290.0 ms, is close to the paper's 287 ms."),
        "{}",
        r.note
    );
    assert!(
        !r.note.contains("7.5 ms"),
        "no reason given for an agreement"
    );
    let r = row("150–200 ms");
    assert_eq!(
        (r.max.as_str(), r.paper.as_str()),
        ("1000.0", "longest 513")
    );
    assert!(
        r.note
            .starts_with("Our longest is 1000.0 ms, 1.9× the paper's 513 ms."),
        "{}",
        r.note
    );
    assert!(
        r.note.contains("7.5 ms window"),
        "the README's reason: {}",
        r.note
    );
    let r = row("150–150 ms");
    assert_eq!(
        (r.median.as_str(), r.mean.as_str(), r.max.as_str()),
        (">60000", "-", ">60000")
    );
    assert_eq!((r.trials.as_str(), r.ended.as_str()), ("2", "0"));
    assert!(
        r.note.starts_with(
            "As in the paper, no trial ended within 10 s: here none ended within 60 s."
        ),
        "{}",
        r.note
    );
    assert!(r.note.contains("breaks the tie"), "{}", r.note);
    let r = row("12–24 ms");
    assert_eq!(r.paper, "mean 35, longest 152");
    assert!(
        r.note
            .contains("Our mean is 93.3 ms, 2.7× the paper's 35 ms; our longest is 200.0 ms"),
        "{}",
        r.note
    );
    assert_eq!(
        row("25–50 ms").note,
        "The paper draws this line but quotes no figure for it."
    );
    assert_eq!(e.rows.len(), 10);
}

#[test]
fn a_run_goes_from_idle_to_progress_to_graphs() {
    let mut e = Experiments::new(true);
    assert_eq!(e.frame, Frame::NARROW);
    assert!(e.status_text().starts_with("Not run yet"));
    let (run, config) = e.start(Setting::Paper, 1000.0);
    assert_eq!(config.trials, 1000);
    assert_eq!(
        e.status,
        Status::Running {
            done: 0,
            total: 9100,
            what: "trials run".into()
        }
    );
    // The status line is said once; the count beside the bar moves.
    assert_eq!(e.status_text(), "Running 9,100 trials in the worker…");
    assert_eq!(
        e.progress_text().unwrap(),
        "Starting the worker (9,100 trials)…"
    );
    e.progress(run, 910, 9100, "trials run".into());
    assert_eq!(e.share_done(), Some(0.1));
    assert_eq!(e.status_text(), "Running 9,100 trials in the worker…");
    assert_eq!(e.progress_text().unwrap(), "910 of 9,100 trials run");
    e.progress(run - 1, 5000, 9100, "a late reply of an earlier run".into());
    assert_eq!(e.share_done(), Some(0.1));
    deliver(&mut e, run, results(), 13_500.0);
    assert_eq!(e.status, Status::Done);
    assert_eq!(e.graphs.len(), 2);
    assert!(
        e.status_text()
            .starts_with("Done: 31 trials in 12.5 s in this browser."),
        "{}",
        e.status_text()
    );
    e.set_narrow(false);
    while e.drawing() {
        e.draw_step();
    }
    assert_eq!(
        e.graphs[0].frame,
        Frame::WIDE,
        "drawn again at the new size"
    );
}

#[test]
fn a_cancelled_run_ignores_its_late_replies() {
    let mut e = Experiments::new(false);
    let (run, _) = e.start(Setting::Quick, 0.0);
    e.cancel();
    assert_eq!(e.status, Status::Cancelled);
    deliver(&mut e, run, results(), 10.0);
    e.failed(run, "terminated".into());
    assert_eq!((e.status.clone(), e.graphs.len()), (Status::Cancelled, 0));
    let (again, _) = e.start(Setting::Quick, 20.0);
    assert_ne!(again, run);
    e.failed(again, "out of memory".into());
    assert_eq!(e.status_text(), "The experiment failed: out of memory");
}

#[test]
fn the_view_parameter_comes_and_goes_in_the_address() {
    assert_eq!(PageView::parse("experiments"), Some(PageView::Experiments));
    assert_eq!(PageView::parse("player"), Some(PageView::Player));
    assert_eq!(PageView::parse("graphs"), None);
    assert_eq!(
        query_for("", PageView::Experiments).as_deref(),
        Some("?view=experiments")
    );
    assert_eq!(
        query_for("?seed=3", PageView::Experiments).as_deref(),
        Some("?seed=3&view=experiments")
    );
    assert_eq!(
        query_for("?view=experiments&seed=3", PageView::Player).as_deref(),
        Some("?seed=3")
    );
    assert_eq!(
        query_for("?view=experiments", PageView::Player).as_deref(),
        Some("")
    );
    assert_eq!(query_for("?view=experiments", PageView::Experiments), None);
    assert_eq!(query_for("", PageView::Player), None);
    let (params, problems) = UrlParams::parse("?view=experiments&seed=2");
    assert_eq!(
        (params.view, params.seed, problems.len()),
        (PageView::Experiments, 2, 0)
    );
    let (params, problems) = UrlParams::parse("?view=nope");
    assert_eq!((params.view, problems.len()), (PageView::Player, 1));
}

/// A real run, small: three trials of 12–24 ms. Clicking a point opens
/// that very trial: its scenario, replayed, measures the downtime drawn.
#[test]
fn clicking_a_trial_opens_that_trial_in_the_player_paused_before_the_crash() {
    let config = ExperimentConfig {
        seed: 5,
        trials: 3,
        lines: vec![Line::ms(12, 24)],
    };
    let mut experiment = Experiment::new(config);
    experiment.step(10);
    let mut e = Experiments::new(false);
    let (run, _) = e.start(Setting::Quick, 0.0);
    deliver(&mut e, run, experiment.results(), 1.0);
    let bottom = &e.graphs[1];
    assert_eq!(bottom.curves.len(), 1);
    let mark = bottom.curves[0].marks[1].clone();
    let opened = e
        .pick(1, mark.x + 2.0, mark.y - 2.0)
        .expect("a trial is near")
        .unwrap();
    let scenario = opened.scenario.clone();
    assert_eq!(scenario.seed, mark.seed);
    assert_eq!(
        opened.caption,
        format!(
            "Figure 16, the 12–24 ms line, trial {} of 3 (seed {}): paused just before the leader crashes. Press Play to watch the cluster go {} ms without a leader until it elects another.",
            mark.seed - bottom.first_seed + 1,
            mark.seed,
            crate::view::experiment_figure::ms_text(mark.value)
        )
    );
    let measured = trial::measure(&scenario).unwrap();
    assert_eq!(
        measured.downtime,
        Some(mark.value),
        "the same trial, the same downtime"
    );
    assert_eq!(
        e.pick(1, bottom.frame.x1(), bottom.frame.y0()),
        None,
        "nothing near"
    );

    let mut session = Session::open(&UrlParams::default(), &[], "", false);
    session.update(Input::OpenScenario {
        scenario: Ok(Box::new(scenario.clone())),
        caption: opened.caption.clone(),
    });
    assert_eq!(session.notice_text(), Some(opened.caption.clone()));
    assert!(session.notice_is_news(), "news, not a refusal");
    let p = &session.playground;
    assert_eq!(p.scenario.seed, mark.seed);
    assert!(p.paused, "opened paused");
    assert_eq!(p.sim.now(), measured.crash_at - BEFORE_THE_CRASH);
    let leader = p.sim.leader().expect("the leader is still up");
    assert_eq!(p.sim.server(leader).unwrap().node.role(), Role::Leader);
    assert_eq!(session.drafts.error, None);
    // The next command takes the notice line.
    session.update(Input::Key(crate::view::keys::KeyCommand::Step));
    assert_eq!(session.notice_text(), None);
    // The same trial by its place in the graph, as a drawn point opens it.
    let by_place = e.trial(1, 0, 1).unwrap().unwrap();
    assert_eq!(by_place, opened);
    assert_eq!(e.trial(1, 0, 99), None);
}
