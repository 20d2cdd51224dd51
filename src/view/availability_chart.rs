//! The PreVote/CheckQuorum comparison as the page draws it: a group of two
//! horizontal bars per combination of the switches (the share of the fault
//! phase with a serving leader, the share of client operations that
//! succeeded), the README's figures for 1,000 seeds marked on each bar,
//! a table of the same with the counts, and a sentence on how far ours
//! are from the README's. Everything in the SVG's own units.

use super::chart::{Frame, Tick};
use super::experiment_figure::count;
use crate::sim::decimal::fixed;
use crate::sim::experiment::switch_availability::{SwitchResult, Switches};

/// The two measures, each a bar of every group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// The share of 10 ms samples of the fault phase with a serving leader.
    ServingLeader,
    /// The share of client operations acknowledged.
    OpsOk,
}

impl Measure {
    /// Both, in the order drawn.
    pub const ALL: [Measure; 2] = [Measure::ServingLeader, Measure::OpsOk];

    /// In words, as the README's table heads its columns.
    pub fn label(self) -> &'static str {
        match self {
            Measure::ServingLeader => "serving leader",
            Measure::OpsOk => "client operations ok",
        }
    }

    /// Its bars' colour (Tableau 10's first two, as Figure 16's lines).
    pub fn colour(self) -> &'static str {
        match self {
            Measure::ServingLeader => "#4e79a7",
            Measure::OpsOk => "#f28e2b",
        }
    }

    /// (done, of all) of `result`.
    pub fn counts(self, result: &SwitchResult) -> (u64, u64) {
        match self {
            Measure::ServingLeader => result.serving(),
            Measure::OpsOk => result.ops(),
        }
    }
}

/// The README's figures at 5 nodes, 1,000 seeds of 60 s each ("PreVote
/// and CheckQuorum", the table under partial partitions alone): percent
/// with a serving leader, percent of client operations ok.
pub fn readme_percent(switches: Switches, measure: Measure) -> f64 {
    let (leader, ops) = match switches {
        Switches::Neither => (54.4, 69.3),
        Switches::PreVote => (55.5, 69.0),
        Switches::CheckQuorum => (66.6, 73.3),
        Switches::Both => (73.2, 73.9),
    };
    match measure {
        Measure::ServingLeader => leader,
        Measure::OpsOk => ops,
    }
}

/// How many seeds the README's figures have.
pub const README_SEEDS: u64 = 1000;

/// A share as the page writes it, to a tenth of a percent.
pub fn percent(done: u64, all: u64) -> f64 {
    done as f64 * 100.0 / all.max(1) as f64
}

/// Bar height, the room between a group's two bars, and between groups.
pub const BAR: f64 = 16.0;
/// (room between a group's bars)
pub const BAR_GAP: f64 = 4.0;
/// (room between groups)
pub const GROUP_GAP: f64 = 18.0;

/// The drawing's frame: room for the combinations' names at the left and
/// each bar's figure past its end at the right; its height holds four
/// groups.
pub fn frame(narrow: bool) -> Frame {
    let group = 2.0 * BAR + BAR_GAP;
    let (top, bottom) = (10.0, 38.0);
    let plot = 4.0 * group + 3.0 * GROUP_GAP;
    Frame {
        width: if narrow { 360.0 } else { 640.0 },
        height: top + plot + bottom,
        left: 112.0,
        right: 46.0,
        top,
        bottom,
    }
}

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// What it measures.
    pub measure: Measure,
    /// Its rectangle.
    pub x: f64,
    /// (y)
    pub y: f64,
    /// (width)
    pub width: f64,
    /// (height)
    pub height: f64,
    /// Its figure ("73.9%"), written at `text_x`, past its end and the
    /// README's mark.
    pub text: String,
    /// (where)
    pub text_x: f64,
    /// The README's figure's x, marked across the bar.
    pub reference_x: f64,
    /// The README's figure ("73.2%").
    pub reference: String,
}

/// One combination's group of bars.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The combination.
    pub switches: Switches,
    /// Its name, written left of the bars, at (`label_x`, `label_y`).
    pub label: &'static str,
    /// (x)
    pub label_x: f64,
    /// (y)
    pub label_y: f64,
    /// The group's top and height (its row, whose whole width opens it).
    pub y: f64,
    /// (height)
    pub height: f64,
    /// Serving leader, then client operations ok.
    pub bars: Vec<Bar>,
    /// The seed its bars open in the player (the median by serving leader).
    pub median_seed: u64,
    /// The group as a screen reader says it, and what Enter does.
    pub aria: String,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// Its size.
    pub frame: Frame,
    /// The percent axis's ticks (0 to 100% by 25), along the bottom.
    pub ticks: Vec<Tick>,
    /// A group per combination received so far, at its own place.
    pub groups: Vec<Group>,
}

impl BarChart {
    /// The bars of `parts` (the combinations the worker has sent so far):
    /// each combination has its place whether or not the others are in.
    pub fn new(parts: &[SwitchResult], narrow: bool) -> BarChart {
        let frame = frame(narrow);
        let x = |share_percent: f64| {
            frame.x0() + share_percent.clamp(0.0, 100.0) / 100.0 * (frame.x1() - frame.x0())
        };
        let ticks = (0..=4)
            .map(|i| Tick {
                at: x(i as f64 * 25.0),
                label: Some(format!("{}%", i * 25)),
            })
            .collect();
        let group_h = 2.0 * BAR + BAR_GAP;
        let groups = parts
            .iter()
            .map(|part| {
                let place = Switches::ALL.iter().position(|&s| s == part.switches);
                let top = frame.y0() + place.unwrap_or(0) as f64 * (group_h + GROUP_GAP);
                let bars: Vec<Bar> = Measure::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, &measure)| {
                        let (done, all) = measure.counts(part);
                        let p = percent(done, all);
                        let r = readme_percent(part.switches, measure);
                        Bar {
                            measure,
                            x: frame.x0(),
                            y: top + i as f64 * (BAR + BAR_GAP),
                            width: x(p) - frame.x0(),
                            height: BAR,
                            text: format!("{}%", fixed(p, 1)),
                            text_x: x(p).max(x(r)) + 4.0,
                            reference_x: x(r),
                            reference: format!("{}%", fixed(r, 1)),
                        }
                    })
                    .collect();
                let median_seed = part.median.seed;
                Group {
                    switches: part.switches,
                    label: part.switches.label(),
                    label_x: frame.x0() - 8.0,
                    label_y: top + group_h / 2.0 + 4.0,
                    y: top,
                    height: group_h,
                    aria: group_words(part, &bars),
                    bars,
                    median_seed,
                }
            })
            .collect();
        BarChart {
            frame,
            ticks,
            groups,
        }
    }
}

/// A group, said: its figures beside the README's, and what opens.
fn group_words(part: &SwitchResult, bars: &[Bar]) -> String {
    let said: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {} (README: {})", b.measure.label(), b.text, b.reference))
        .collect();
    format!(
        "{}: {}; open its median seed, {}, in the player",
        part.switches.label(),
        said.join(", "),
        part.median.seed
    )
}

/// One row of the table under the bars.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The combination.
    pub switches: &'static str,
    /// Ours, with the counts: "73.9% (17,734 of 24,000 samples)".
    pub serving: String,
    /// The README's.
    pub readme_serving: String,
    /// Ours, with the counts: "74.4% (1,405 of 1,889)".
    pub ops: String,
    /// The README's.
    pub readme_ops: String,
    /// Seeds whose run failed a check ("0", or the count and the first).
    pub failing: String,
    /// The median seed, which the bars open.
    pub median_seed: String,
}

/// The table's headings.
pub const HEADINGS: [&str; 7] = [
    "switches",
    "serving leader",
    "README (1,000 seeds)",
    "client operations ok",
    "README (1,000 seeds)",
    "runs failing a check",
    "median seed",
];

/// A row per combination received.
pub fn rows(parts: &[SwitchResult]) -> Vec<Row> {
    parts
        .iter()
        .map(|p| {
            let (leader, samples) = p.serving();
            let (ok, ops) = p.ops();
            let readme = |m| format!("{}%", fixed(readme_percent(p.switches, m), 1));
            Row {
                switches: p.switches.label(),
                serving: format!(
                    "{}% ({} of {} samples)",
                    fixed(percent(leader, samples), 1),
                    count(leader),
                    count(samples)
                ),
                readme_serving: readme(Measure::ServingLeader),
                ops: format!(
                    "{}% ({} of {})",
                    fixed(percent(ok, ops), 1),
                    count(ok),
                    count(ops)
                ),
                readme_ops: readme(Measure::OpsOk),
                failing: match p.failing.first() {
                    None => "0".to_string(),
                    Some(first) => format!("{} (seed {first} first)", p.failing.len()),
                },
                median_seed: p.median.seed.to_string(),
            }
        })
        .collect()
}

/// Points (of percent) within which a figure reads as the README's: about
/// what the seeds a page runs move it by.
pub const CLOSE: f64 = 2.0;

/// Whether the serving-leader shares come in the README's order: both
/// above CheckQuorum, CheckQuorum above neither and PreVote alone.
pub fn readme_order(parts: &[SwitchResult]) -> bool {
    let share = |s: Switches| {
        let part = parts.iter().find(|p| p.switches == s);
        part.map(|p| {
            let (done, all) = p.serving();
            percent(done, all)
        })
    };
    let (Some(n), Some(pv), Some(cq), Some(both)) = (
        share(Switches::Neither),
        share(Switches::PreVote),
        share(Switches::CheckQuorum),
        share(Switches::Both),
    ) else {
        return false;
    };
    both > cq && cq > n && cq > pv
}

/// One sentence on how ours differ from the README's, once all four
/// combinations are in: the largest gap, whether it is within [`CLOSE`]
/// points or how one seed's share spreads, and whether the combinations
/// come in the README's order.
pub fn difference(parts: &[SwitchResult]) -> Option<String> {
    if parts.len() < Switches::ALL.len() {
        return None;
    }
    let seeds = parts.first().map_or(0, |p| p.seeds.len() as u64);
    let mut gaps: Vec<(f64, &SwitchResult, Measure, f64, f64)> = Vec::new();
    for part in parts {
        for m in Measure::ALL {
            let (done, all) = m.counts(part);
            let (ours, theirs) = (percent(done, all), readme_percent(part.switches, m));
            gaps.push(((ours - theirs).abs(), part, m, ours, theirs));
        }
    }
    let (gap, part, measure, ours, theirs) = gaps
        .into_iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("four parts");
    let with = match part.switches {
        Switches::Neither => "neither switch",
        Switches::PreVote => "PreVote alone",
        Switches::CheckQuorum => "CheckQuorum alone",
        Switches::Both => "both",
    };
    let which = format!("the {} with {with}", measure.label());
    let (ours, theirs, gap) = (fixed(ours, 1), fixed(theirs, 1), fixed(gap, 1));
    let order = match readme_order(parts) {
        true => "the combinations rank as there, CheckQuorum above neither and PreVote, both highest",
        false => "the combinations do not rank as there (CheckQuorum above neither and PreVote, both highest)",
    };
    let readme = count(README_SEEDS);
    if gap.parse::<f64>().unwrap_or(f64::MAX) <= CLOSE {
        return Some(format!(
            "Every figure is within {gap} points of the README's {readme} seeds (the furthest, {which}: {ours}% against {theirs}%), and {order}."
        ));
    }
    // One seed's share spreads widely: a few seeds do not average it out.
    let shares = part.seeds.iter().map(|s| s.serving() * 100.0);
    let lo = shares.clone().fold(f64::INFINITY, f64::min);
    let hi = shares.fold(f64::NEG_INFINITY, f64::max);
    Some(format!(
        "{} is {gap} points from the README's {readme} seeds ({ours}% against {theirs}%), as {} seeds can be when one seed's serving leader ranges from {}% to {}%; {order}.",
        capitalized(&which),
        count(seeds),
        fixed(lo, 0),
        fixed(hi, 0)
    ))
}

fn capitalized(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
