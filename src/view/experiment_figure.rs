//! Figure 16 as the page draws it: the two graphs of an election-downtime
//! experiment's results (varying the randomness, scaling the timeout), each
//! a cumulative step line per timeout range on a log time axis, with the
//! trial under every point, its legend, and the nearest trial to a pointer.

use super::chart::{self, Frame, LogAxis, Tick};
use crate::raft::{Time, MILLIS};
use crate::sim::decimal::fixed;
use crate::sim::experiment::election_downtime::{self, ExperimentResults, Line, LineResult};
use crate::sim::experiment::trial::GIVE_UP_AFTER;

/// A colour per timeout range, the same in both graphs (150–300 ms is in
/// each): Tableau 10, told apart with common colour-vision deficiencies.
pub fn line_colour(line: Line) -> &'static str {
    const COLOURS: [&str; 10] = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
        "#9c755f", "#79706e",
    ];
    let i = election_downtime::all_lines()
        .iter()
        .position(|&l| l == line);
    COLOURS[i.unwrap_or(9) % COLOURS.len()]
}

/// A timeout range as the page writes it: `150–200 ms`.
pub fn line_label(line: Line) -> String {
    format!("{}–{} ms", line.min / MILLIS, line.max / MILLIS)
}

/// Milliseconds of a simulated time, to a tenth.
pub fn ms_text(t: Time) -> String {
    fixed(t as f64 / MILLIS as f64, 1)
}

/// One trial as drawn: where, and which it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Its x and y in the drawing.
    pub x: f64,
    /// (y)
    pub y: f64,
    /// Its downtime.
    pub value: Time,
    /// Its cumulative share of the line's trials.
    pub fraction: f64,
    /// Its seed.
    pub seed: u64,
}

/// One timeout range's line.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// The range.
    pub line: Line,
    /// Its index among the experiment's lines (for a `TrialId`).
    pub index: usize,
    /// Trials run, ended or not.
    pub trials: u64,
    /// Its colour.
    pub colour: &'static str,
    /// The step line's SVG points (empty when no trial ended).
    pub points: String,
    /// Where the line stops short of 100% (trials given up): from this x
    /// and y, a dashed run to the give-up line.
    pub unfinished: Option<(f64, f64)>,
    /// Every ended trial, in increasing time.
    pub marks: Vec<Mark>,
    /// The legend's words: the range, and how its trials ended if not all.
    pub legend: String,
    /// Trials drawn as points to click or tab to: the median trial and the
    /// slowest that ended, as (index into `marks`, what it is).
    pub highlights: Vec<(usize, &'static str)>,
}

/// One graph of the figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// Its heading.
    pub title: &'static str,
    /// Its size.
    pub frame: Frame,
    /// The time axis.
    pub axis: LogAxis,
    /// The time axis's ticks.
    pub x_ticks: Vec<Tick>,
    /// The percent axis's ticks.
    pub y_ticks: Vec<Tick>,
    /// The x where trials were given up, if any were and it is on the axis.
    pub give_up_x: Option<f64>,
    /// A line per timeout range, in the paper's order.
    pub curves: Vec<Curve>,
    /// The seed of every line's first trial (trial `k` has this plus `k`).
    pub first_seed: u64,
    /// The lines not drawn yet (indexes into the results' lines), the
    /// next one last.
    pending: Vec<usize>,
}

/// The trial nearest the pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    /// Which curve of the graph.
    pub curve: usize,
    /// Which of its marks.
    pub mark: usize,
}

/// How far (in drawing units) the pointer may be from a trial to pick it.
pub const PICK_RADIUS: f64 = 20.0;

impl Graph {
    /// The graph of `lines` (those of them the results have).
    pub fn new(
        title: &'static str,
        lines: &[Line],
        results: &ExperimentResults,
        frame: Frame,
    ) -> Graph {
        let mut graph = Graph::axes(title, lines, results, frame);
        while graph.add_curve(results) {}
        graph
    }

    /// The graph of `lines` with its axes and no line yet: the page adds
    /// them one a task ([`Graph::add_curve`]), so that no task draws a
    /// whole graph of thousands of trials.
    pub fn axes(
        title: &'static str,
        lines: &[Line],
        results: &ExperimentResults,
        frame: Frame,
    ) -> Graph {
        let shown: Vec<(usize, &LineResult)> = lines
            .iter()
            .filter_map(|l| results.lines.iter().enumerate().find(|(_, r)| r.line == *l))
            .collect();
        let axis = fitting_axis(&shown, frame);
        let censored = shown
            .iter()
            .any(|(_, r)| r.downtime.ended < r.downtime.trials);
        let give_up_x = censored.then(|| axis.x(ms(GIVE_UP_AFTER)));
        Graph {
            title,
            frame,
            axis,
            x_ticks: axis.ticks(),
            y_ticks: frame.percent_ticks(),
            give_up_x,
            curves: Vec::new(),
            first_seed: results.config.seed,
            pending: shown.iter().rev().map(|&(i, _)| i).collect(),
        }
    }

    /// Adds the line of the next timeout range, in the paper's order;
    /// whether there was one to add.
    pub fn add_curve(&mut self, results: &ExperimentResults) -> bool {
        let Some(index) = self.pending.pop() else {
            return false;
        };
        if let Some(r) = results.lines.get(index) {
            let c = curve(index, r, &self.axis, self.frame, self.give_up_x);
            self.curves.push(c);
        }
        true
    }

    /// Where the give-up line's label ends, turned a quarter anticlockwise
    /// to read upward along the line, just right of it, from the plot's
    /// top down: (its baseline's x, its end's y). No trial ends past the
    /// give-up time, so nothing else is drawn there; level above the plot
    /// it sat on the 100% dot of a slow line (a review at 375 px). The
    /// label's glyphs stand left of the baseline, toward the line, the
    /// font's ascent (under 10 units at its 10 px): 15 units keeps them
    /// clear of a dot (radius 4) of a trial that ended just before the
    /// give-up time.
    pub fn give_up_label(&self) -> Option<(f64, f64)> {
        let x = self.give_up_x?;
        Some((x + 15.0, self.frame.y0() + 2.0))
    }

    /// Whether every line is drawn.
    pub fn complete(&self) -> bool {
        self.pending.is_empty()
    }

    /// The trial drawn nearest to (`x`, `y`), within [`PICK_RADIUS`].
    pub fn nearest(&self, x: f64, y: f64) -> Option<Nearest> {
        let mut best: Option<(f64, Nearest)> = None;
        for (c, curve) in self.curves.iter().enumerate() {
            for (m, mark) in curve.marks.iter().enumerate() {
                let d = (mark.x - x).powi(2) + (mark.y - y).powi(2);
                if d <= PICK_RADIUS.powi(2) && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best = Some((d, Nearest { curve: c, mark: m }));
                }
            }
        }
        best.map(|(_, n)| n)
    }

    /// The mark `n` names.
    pub fn mark(&self, n: &Nearest) -> Option<(&Curve, &Mark)> {
        let curve = self.curves.get(n.curve)?;
        Some((curve, curve.marks.get(n.mark)?))
    }
}

fn ms(t: Time) -> f64 {
    t as f64 / MILLIS as f64
}

/// Whole decades from the quickest trial to the slowest, or to the
/// give-up time when some never ended.
fn fitting_axis(shown: &[(usize, &LineResult)], frame: Frame) -> LogAxis {
    let ended = shown
        .iter()
        .flat_map(|(_, r)| r.cdf.iter().map(|p| p.value));
    let (mut lo, mut hi) = (Time::MAX, 0);
    for v in ended {
        (lo, hi) = (lo.min(v), hi.max(v));
    }
    if shown
        .iter()
        .any(|(_, r)| r.downtime.ended < r.downtime.trials)
    {
        hi = GIVE_UP_AFTER;
        lo = lo.min(GIVE_UP_AFTER);
    }
    if hi == 0 {
        return LogAxis::fitting(0.0, 0.0, frame.x0(), frame.x1());
    }
    LogAxis::fitting(ms(lo.max(1)), ms(hi), frame.x0(), frame.x1())
}

fn curve(
    index: usize,
    r: &LineResult,
    axis: &LogAxis,
    frame: Frame,
    give_up_x: Option<f64>,
) -> Curve {
    let marks: Vec<Mark> = r
        .cdf
        .iter()
        .map(|p| Mark {
            x: chart::tenth(axis.x(ms(p.value))),
            y: chart::tenth(frame.y(p.fraction)),
            value: p.value,
            fraction: p.fraction,
            seed: p.seed,
        })
        .collect();
    let xy: Vec<(f64, f64)> = marks.iter().map(|m| (m.x, m.y)).collect();
    let points = chart::svg_points(&chart::step_line(&xy, frame.y1()));
    let given_up = r.downtime.trials - r.downtime.ended;
    // A line with no trial ended has nothing to draw: its legend says so.
    let unfinished = (given_up > 0 && give_up_x.is_some())
        .then(|| xy.last().copied())
        .flatten();
    Curve {
        line: r.line,
        index,
        trials: r.downtime.trials,
        colour: line_colour(r.line),
        points,
        unfinished,
        legend: legend(r),
        highlights: highlights(&marks),
        marks,
    }
}

/// The median trial (nearest rank, among all trials: none if it never
/// ended) and the slowest that ended.
fn highlights(marks: &[Mark]) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    if let Some(i) = marks.iter().position(|m| m.fraction >= 0.5) {
        out.push((i, "median trial"));
    }
    if let Some(last) = marks
        .len()
        .checked_sub(1)
        .filter(|&l| out.first().is_none_or(|f| f.0 != l))
    {
        out.push((last, "slowest trial"));
    }
    out
}

/// `150–200 ms`, or with trials given up, how many ended:
/// `150–151 ms: 852 of 1,000 ended within 60 s`, `150–150 ms: none of 100
/// ended within 60 s`.
pub fn legend(r: &LineResult) -> String {
    let (ended, trials) = (r.downtime.ended, r.downtime.trials);
    let label = line_label(r.line);
    let within = GIVE_UP_AFTER / crate::raft::SECONDS;
    match ended {
        _ if ended == trials => label,
        0 => format!("{label}: none of {} ended within {within} s", count(trials)),
        _ => format!(
            "{label}: {} of {} ended within {within} s",
            count(ended),
            count(trials)
        ),
    }
}

/// A count with thousands separated: `1,000`.
pub fn count(n: u64) -> String {
    match n {
        0 => "0".to_string(),
        n => chart::ms_label(n as f64),
    }
}

/// What the pointer is over: the time and percent under it, and the
/// nearest trial (its line, number, seed and downtime), in words.
pub fn hover_text(graph: &Graph, x: f64, y: f64) -> (String, Option<String>) {
    let at = format!(
        "Pointer: {} ms, {}%",
        fixed(graph.axis.ms_at(x), 1),
        fixed(graph.frame.fraction_at(y) * 100.0, 1)
    );
    let trial = graph.nearest(x, y).and_then(|n| graph.mark(&n)).map(|(c, m)| {
        format!(
            "nearest trial: {}, trial {} of {} (seed {}), {} ms, {}% of trials at or below it. Click to open it in the player.",
            line_label(c.line),
            m.seed - graph.first_seed + 1,
            count(c.trials),
            m.seed,
            ms_text(m.value),
            fixed(m.fraction * 100.0, 1),
        )
    });
    (at, trial)
}
