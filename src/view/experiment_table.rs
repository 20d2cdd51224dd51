//! The table beside Figure 16's graphs: per timeout range our median, mean,
//! 99th percentile and maximum, the figure the paper quotes (§9.3), and a
//! sentence on each difference, with the reason the README's "Figure 16"
//! section gives for it.

use super::experiment_figure::{count, line_colour, line_label, ms_text};
use crate::raft::{Time, MILLIS, SECONDS};
use crate::sim::experiment::election_downtime::{ExperimentResults, Line, LineResult, PaperFigure};
use crate::sim::experiment::trial::GIVE_UP_AFTER;

/// One row of the table, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The timeout range.
    pub timeouts: String,
    /// Its colour in the graphs.
    pub colour: &'static str,
    /// Trials run.
    pub trials: String,
    /// Trials that ended within the give-up time.
    pub ended: String,
    /// Median, mean, 99th percentile, maximum, in ms.
    pub median: String,
    /// (mean)
    pub mean: String,
    /// (p99)
    pub p99: String,
    /// (max)
    pub max: String,
    /// What the paper quotes for this range, if anything.
    pub paper: String,
    /// How ours compares, and why it differs.
    pub note: String,
}

/// The column headings.
pub const HEADINGS: [&str; 9] = [
    "timeouts",
    "trials",
    "ended",
    "median (ms)",
    "mean",
    "p99",
    "max",
    "the paper (§9.3)",
    "how ours compares",
];

/// The rows, one per line of the results in their order.
pub fn rows(results: &ExperimentResults) -> Vec<Row> {
    results.lines.iter().map(row).collect()
}

fn row(r: &LineResult) -> Row {
    let d = &r.downtime;
    let percentile = |v: Option<Time>| match v {
        Some(v) => ms_text(v),
        None if d.trials == 0 => "-".to_string(),
        None => format!(">{}", GIVE_UP_AFTER / MILLIS),
    };
    Row {
        timeouts: line_label(r.line),
        colour: line_colour(r.line),
        trials: count(d.trials),
        ended: count(d.ended),
        median: percentile(d.median),
        mean: d.mean.map_or("-".to_string(), ms_text),
        p99: percentile(d.p99),
        max: percentile(d.max),
        paper: paper_text(&r.paper),
        note: note(r),
    }
}

/// The paper's figures in words: `median 287`, `mean 35, longest 152`.
pub fn paper_text(figures: &[PaperFigure]) -> String {
    let ms = |t: Time| count(t / MILLIS);
    let words: Vec<String> = figures
        .iter()
        .map(|f| match *f {
            PaperFigure::Median(t) => format!("median {}", ms(t)),
            PaperFigure::Mean(t) => format!("mean {}", ms(t)),
            PaperFigure::Max(t) => format!("longest {}", ms(t)),
            PaperFigure::LongerThan(t) => format!("every trial over {} s", t / SECONDS),
        })
        .collect();
    words.join(", ")
}

/// Within this share of the paper's figure, ours is "close".
const CLOSE: f64 = 0.15;

/// A sentence comparing each quoted figure with ours, then the reason for
/// a difference (from the README), or that the paper quotes none.
pub fn note(r: &LineResult) -> String {
    if r.paper.is_empty() {
        return "The paper draws this line but quotes no figure for it.".to_string();
    }
    if r.downtime.trials == 0 {
        return String::new();
    }
    let mut differs = false;
    let mut parts = Vec::new();
    for figure in &r.paper {
        let (text, close) = compare(figure, r);
        differs |= !close;
        parts.push(text);
    }
    let mut out = sentence(&parts.join("; ")) + ".";
    if let Some(why) = reason(r.line).filter(|_| differs || r.downtime.ended == 0) {
        out.push(' ');
        out.push_str(why);
    }
    out
}

/// `text` with a capital first letter.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// One figure against ours (a clause, in lower case), and whether they
/// agree.
fn compare(figure: &PaperFigure, r: &LineResult) -> (String, bool) {
    let d = &r.downtime;
    let (what, paper, ours) = match *figure {
        PaperFigure::Median(t) => ("median", t, d.median),
        PaperFigure::Mean(t) => ("mean", t, d.mean),
        PaperFigure::Max(t) => ("longest", t, d.max),
        PaperFigure::LongerThan(t) => {
            let all_longer = r.cdf.first().is_none_or(|p| p.value > t);
            let text = match (all_longer, d.ended) {
                (true, 0) => format!(
                    "As in the paper, no trial ended within {} s: here none ended within {} s",
                    t / SECONDS,
                    GIVE_UP_AFTER / SECONDS
                ),
                (true, _) => format!("as in the paper, every trial took over {} s", t / SECONDS),
                (false, _) => format!(
                    "Some trials here ended within {} s, which none did in the paper",
                    t / SECONDS
                ),
            };
            return (text, all_longer);
        }
    };
    let Some(ours) = ours else {
        return (
            format!(
                "Our {what} is beyond {} s, the paper's {} ms",
                GIVE_UP_AFTER / SECONDS,
                ms_text(paper)
            ),
            false,
        );
    };
    let ratio = ours as f64 / paper as f64;
    let (ours, paper) = (ms_text(ours), count(paper / MILLIS));
    if (ratio - 1.0).abs() <= CLOSE {
        (
            format!("our {what}, {ours} ms, is close to the paper's {paper} ms"),
            true,
        )
    } else {
        let times = crate::sim::decimal::fixed(ratio, 1);
        (
            format!("our {what} is {ours} ms, {times}× the paper's {paper} ms"),
            false,
        )
    }
}

/// Why a line differs from the paper (the README's "Figure 16" section,
/// briefly).
pub fn reason(line: Line) -> Option<&'static str> {
    Some(match (line.min / MILLIS, line.max / MILLIS) {
        (150, 150) => "Nothing in the simulator breaks the tie (no scheduling jitter, exact clocks): the four survivors stand at once, split, and time out again exactly 150 ms later; the paper's trials ended through real-world jitter.",
        (150, 155) => "A RequestVote leaves only once the candidate's own vote is durable, about 7.5 ms after it timed out (thesis §9.3 lets the two overlap); with 5 ms of randomness every survivor times out within that window and stands too, so votes split round after round.",
        (150, 200) => "The same 7.5 ms window (a vote request leaves once the candidate's vote is durable) makes split votes a little more common here, which lengthens the tail.",
        (12, 24) => "A candidate whose timeout is under our 15 ms vote round stands again before its votes return, so only 15–24 ms timeouts can win: the failure the paper describes just beyond 12–24 ms starts here at 12–24.",
        _ => return None,
    })
}
