//! `raft-sim experiment election-downtime`: runs the Raft paper's Figure 16
//! (`sim::experiment`) on several threads, prints a row per line as its
//! trials finish, and writes the cumulative distributions as CSV.

use crate::args::ExperimentOptions;
use crate::{check_writable, create};
use raft_playground::raft::{Time, MILLIS};
use raft_playground::sim::experiment::trial::GIVE_UP_AFTER;
use raft_playground::sim::experiment::{
    Experiment, LineResult, PaperFigure, TrialId, TrialOutcome,
};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Trials handed to the threads at once: enough to keep them busy, few
/// enough that rows appear as lines finish.
const SLICE: u64 = 64;

pub fn election_downtime(options: ExperimentOptions) -> Result<bool, String> {
    let started = Instant::now();
    // Checked now, written (and an old file emptied) when the trials are
    // done: an experiment stopped part-way leaves the file as it was.
    if let Some(path) = &options.csv {
        check_writable(path)?;
    }
    let mut experiment = Experiment::new(options.config);
    let config = experiment.config().clone();
    println!("Figure 16 of the Raft paper: the time from a leader's crash until every other");
    println!("server follows a new leader (5 servers, broadcast time about 15 ms).");
    println!(
        "seed {}, {} trials per line ({} for 150-150 ms); times in ms; a trial with no",
        config.seed,
        config.trials,
        (config.trials / 10).max(1)
    );
    println!(
        "leader {} s after the crash is given up (\">{}\").",
        GIVE_UP_AFTER / 1_000_000,
        GIVE_UP_AFTER / MILLIS
    );
    println!();
    println!(
        "{:<12} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}  paper (§9.3)",
        "timeouts", "trials", "ended", "median", "mean", "p99", "max", ">1 term"
    );
    let mut printed = 0;
    loop {
        let ids = experiment.take(SLICE * options.jobs as u64);
        if ids.is_empty() {
            break;
        }
        for (id, outcome) in run_parallel(&experiment, &ids, options.jobs) {
            experiment.record(id, outcome);
        }
        // Rows in order, each once all of its line's trials ran.
        let results = experiment.results();
        while let Some(r) = results.lines.get(printed) {
            if r.downtime.trials + r.failed < config.trials_of(r.line) {
                break;
            }
            println!("{}", row(r));
            printed += 1;
        }
    }
    let results = experiment.results();
    for e in &results.errors {
        println!("ERROR {e}");
    }
    if let Some(path) = &options.csv {
        let mut out = create(path)?;
        write_csv(&mut out, &results.lines)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write the CSV: {e}"))?;
    }
    println!();
    if let Some(path) = &options.csv {
        println!("cumulative distributions written to {path}");
    }
    println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
    Ok(results.errors.is_empty())
}

/// Runs `ids` on `jobs` threads; every trial depends on its line and seed
/// alone, so the threads' order changes nothing.
fn run_parallel(
    experiment: &Experiment,
    ids: &[TrialId],
    jobs: usize,
) -> Vec<(TrialId, Result<TrialOutcome, String>)> {
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(ids.len()));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(ids.len()) {
            scope.spawn(|| {
                while let Some(&id) = ids.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = experiment.run(id);
                    done.lock().expect("no worker panicked").push((id, outcome));
                }
            });
        }
    });
    done.into_inner().expect("no worker panicked")
}

/// A line's row: its figures in ms, and the paper's beside them.
fn row(r: &LineResult) -> String {
    let s = &r.downtime;
    let censored = s.ended < s.trials;
    let ms = |v: Option<Time>| match v {
        Some(t) => format!("{:.1}", t as f64 / MILLIS as f64),
        None if censored => format!(">{}", GIVE_UP_AFTER / MILLIS),
        None => "-".into(),
    };
    let mean = match s.mean {
        Some(t) => format!("{:.1}", t as f64 / MILLIS as f64),
        None => "-".into(),
    };
    format!(
        "{:<12} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}  {}",
        r.line.to_string(),
        s.trials,
        s.ended,
        ms(s.median),
        mean,
        ms(s.p99),
        ms(s.max),
        r.more_than_one_term,
        paper(&r.paper)
    )
}

/// The paper's figures for a line, as the row shows them.
fn paper(figures: &[PaperFigure]) -> String {
    let ms = |t: &Time| t / MILLIS;
    let text: Vec<String> = figures
        .iter()
        .map(|f| match f {
            PaperFigure::Median(t) => format!("median {}", ms(t)),
            PaperFigure::Mean(t) => format!("mean {}", ms(t)),
            PaperFigure::Max(t) => format!("max {}", ms(t)),
            PaperFigure::LongerThan(t) => format!("all >{}", ms(t)),
        })
        .collect();
    text.join(", ")
}

/// `line,downtime_ms,cumulative_fraction,seed`, a row per trial that ended.
fn write_csv(out: &mut impl Write, lines: &[LineResult]) -> std::io::Result<()> {
    writeln!(out, "line,downtime_ms,cumulative_fraction,seed")?;
    for r in lines {
        let name = format!("{}-{}", r.line.min / MILLIS, r.line.max / MILLIS);
        for p in &r.cdf {
            let ms = p.value as f64 / MILLIS as f64;
            writeln!(out, "{name},{ms:.3},{:.4},{}", p.fraction, p.seed)?;
        }
    }
    Ok(())
}
