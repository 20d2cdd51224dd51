//! `raft-sim`: drives the deterministic simulator from the command line.
//! See `raft-sim --help` and the README.

mod args;
mod experiment;
mod explore;
mod find;
mod summary;

use args::{Job, Options};
use raft_playground::json::MAX_INPUT;
use raft_playground::sim::trace::to_json_line;
use raft_playground::sim::{self, history, RunReport, Simulation};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use summary::Outcome;

fn main() -> ExitCode {
    quiet_when_the_reader_leaves();
    let result = match args::parse() {
        Job::Run(options) => run(options),
        Job::Sweep(options, seeds) => sweep(options, seeds),
        Job::Bench(options) => bench(options).map(passed),
        Job::Explore(args) => explore::explore(args),
        Job::ElectionDowntime(options) => experiment::election_downtime(options).map(passed),
        // Exit 0 when it found (and wrote) a failure: what it was asked for.
        Job::FindFailure(options, find) => find::find_failure(options, find).map(passed),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.status()),
        Err(message) => {
            eprintln!("raft-sim: {message}");
            ExitCode::from(2)
        }
    }
}

/// A command that only passes or fails: 0 or 1.
fn passed(ok: bool) -> Outcome {
    if ok {
        Outcome::Pass
    } else {
        Outcome::Unsafe
    }
}

/// Opens `path` for writing, with a message naming the file on failure.
fn create(path: &str) -> Result<BufWriter<File>, String> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| format!("cannot write '{path}': {e}"))
}

/// Refuses, before any work, a file that the work's result could not be
/// written to (say, in a folder that does not exist): a long sweep or
/// search must not end by losing what it found. The file is opened
/// without truncating it, and removed again if the check made it. A
/// pipe or a device (`/dev/stdout`, a FIFO) is left alone: opening it
/// twice would end a FIFO's reader at the first close, and the one open
/// that writes says if it cannot be written. (A folder is opened, and
/// refused.)
fn check_writable(path: &str) -> Result<(), String> {
    let existing = std::fs::metadata(path).ok();
    if existing
        .as_ref()
        .is_some_and(|m| !m.is_file() && !m.is_dir())
    {
        return Ok(());
    }
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot write '{path}': {e}"))?;
    if existing.is_none() {
        // What the open made, through a symlink if the path is one to
        // nothing yet: removing the path itself removed the user's link
        // and left the file it made.
        let made = std::fs::canonicalize(path).unwrap_or_else(|_| path.into());
        let _ = std::fs::remove_file(made);
    }
    Ok(())
}

/// The trace file being written: its first write error is kept, and
/// nothing more is written after it (the lines after a failed one would
/// make a trace with a hole), then told when the run ends.
struct TraceFile {
    out: BufWriter<File>,
    error: Option<std::io::Error>,
}

impl TraceFile {
    fn create(path: &str) -> Result<TraceFile, String> {
        Ok(TraceFile {
            out: create(path)?,
            error: None,
        })
    }

    /// Writes the events recorded since the last call.
    fn drain(&mut self, sim: &mut Simulation) {
        for (t, event) in sim.trace_mut().take_recorded() {
            if self.error.is_none() {
                if let Err(e) = writeln!(self.out, "{}", to_json_line(t, &event)) {
                    self.error = Some(e);
                }
            }
        }
    }

    /// Flushes the file; the first error of the run, if any. After an
    /// error what is still buffered is dropped unwritten (dropping the
    /// writer would flush it: a line cut short, then the rest).
    fn finish(mut self) -> Result<(), String> {
        match self.error.take() {
            Some(e) => {
                let _ = self.out.into_parts();
                Err(e)
            }
            None => self.out.flush(),
        }
        .map_err(|e| format!("cannot write trace: {e}"))
    }
}

/// Writes recorded trace events, if any, to `out`.
fn drain_trace(sim: &mut Simulation, out: &mut Option<TraceFile>) {
    if let Some(out) = out {
        out.drain(sim);
    }
}

fn run(mut options: Options) -> Result<Outcome, String> {
    let record_trace = options.trace.is_some();
    options.config.record_trace = record_trace;
    let sim = match &options.scenario {
        Some(path) => {
            let scenario = load_scenario(path)?;
            options.config = scenario.config();
            if options.duration_given {
                // The scenario's own duration was checked with it.
                sim::config::check_requests(&options.config.workload, options.duration)
                    .map_err(|e| format!("scenario '{path}' with --duration: {e}"))?;
            } else {
                options.duration = scenario.duration;
            }
            note_late_actions(&scenario, options.duration);
            (scenario.start(record_trace)).map_err(|e| format!("scenario '{path}': {e}"))?
        }
        None => {
            note_unconsulted(&options);
            Simulation::new(options.config.clone())?
        }
    };
    // Every input was read and checked: only now is an output touched, so
    // that a mistake in the input loses none of the user's files (a bad
    // scenario emptied the file --trace named). Both are checked before
    // the trace is opened; the history, written at the end, is opened
    // (and an old one emptied) only then.
    for path in [&options.trace, &options.history].into_iter().flatten() {
        check_writable(path)?;
    }
    let mut trace_out = options
        .trace
        .as_deref()
        .map(TraceFile::create)
        .transpose()?;
    if !options.json {
        summary::print_header(&options, &sim.derived_parameters());
    }
    let (sim, report) =
        sim::run::run_simulation_with_budget(sim, options.duration, options.lin_budget, |s| {
            drain_trace(s, &mut trace_out)
        });
    note_refused_actions(&sim);
    if let Some(out) = trace_out {
        out.finish()?;
    }
    if let Some(path) = &options.history {
        let mut out = create(path)?;
        out.write_all(history::to_json(&sim.history().to_vec()).as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write the history: {e}"))?;
    }
    if options.json {
        /// The report with its outcome first, as the exit status says it.
        #[derive(serde::Serialize)]
        struct Judged<'a> {
            outcome: &'static str,
            #[serde(flatten)]
            report: &'a RunReport,
        }
        let outcome = Outcome::of(&report).name();
        let json = serde_json::to_string(&Judged {
            outcome,
            report: &report,
        })
        .map_err(|e| format!("cannot write the summary as JSON: {e}"))?;
        println!("{json}");
    } else {
        summary::print_report(&report);
    }
    Ok(Outcome::of(&report))
}

/// Reads a scenario file, at most [`MAX_INPUT`] bytes of it: a device or
/// a pipe (`/dev/zero`) reports no size, so the limit is on what is read.
/// A leading byte-order mark, as some editors write, is skipped.
fn load_scenario(path: &str) -> Result<sim::Scenario, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read scenario '{path}': {e}");
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_INPUT as u64 + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() > MAX_INPUT {
        return Err(format!(
            "scenario '{path}' is over {MAX_INPUT} bytes; at most {MAX_INPUT} are accepted"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("scenario '{path}' is not UTF-8 text: byte {at} is not valid UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    sim::Scenario::from_json(text).map_err(|e| format!("scenario '{path}': {e}"))
}

/// Says, on stderr, which of the scenario's actions come after its faults
/// end: they run only if the liveness check that follows the heal is
/// still waiting then (for a stable leader, then for acknowledged writes
/// to reach every server; up to 20 s), and a partition there can keep the
/// cluster from recovering. A file may mean that; it is said, not refused.
fn note_late_actions(scenario: &sim::Scenario, duration: u64) {
    let mut late = (scenario.actions.iter().enumerate()).filter(|(_, (t, _))| *t > duration);
    let Some((first, (t, _))) = late.next() else {
        return;
    };
    eprintln!(
        "raft-sim: note: {} of the scenario's actions come after its faults end at {} s (the first: action {}, at {} s); they run only if the liveness check after the heal is still waiting then",
        1 + late.count(),
        sim::decimal::seconds(duration, 3),
        first + 1,
        sim::decimal::seconds(*t, 3),
    );
}

/// Says, on stderr, which of the scenario's actions the cluster refused
/// when their moment came (a transfer with no leader, a message no longer
/// in flight): they changed nothing, and a file's author would otherwise
/// never know. The first few are named; a flood is counted.
fn note_refused_actions(sim: &Simulation) {
    const NAMED: usize = 5;
    let refused = sim.refused_actions();
    for r in refused.iter().take(NAMED) {
        // To the microsecond, as the file has it (rounded to the
        // millisecond, two actions of one millisecond read alike).
        eprintln!(
            "raft-sim: note: the scenario's action at {} s ({}) was refused, and changed nothing: {}",
            sim::decimal::seconds(r.at, 6),
            r.action,
            r.why
        );
    }
    match refused.len().saturating_sub(NAMED) {
        0 => {}
        1 => eprintln!("raft-sim: note: 1 more of the scenario's actions was refused"),
        more => eprintln!("raft-sim: note: {more} more of the scenario's actions were refused"),
    }
}

/// Says, on stderr, what the arguments' reading noted (a flag that
/// changes nothing beside another): every command that runs the
/// simulator (`find-failure` and `bench` said nothing, a review).
pub fn say_notes(options: &Options) {
    for note in &options.notes {
        eprintln!("raft-sim: note: {note}");
    }
}

/// Says, on stderr, which `--unsafe` switches cannot matter with the flags
/// given: a clean run of such a switch shows nothing about its rule; and
/// which other flags change nothing.
fn note_unconsulted(options: &Options) {
    let config = &options.config;
    say_notes(options);
    for note in idle_flags(config) {
        eprintln!("raft-sim: note: {note}");
    }
    for switch in config.unsafe_switches.enabled() {
        if let Some(flags) = sim::find::unconsulted(switch, config) {
            eprintln!(
                "raft-sim: note: --unsafe {} changes nothing without {flags}",
                switch.name()
            );
        }
    }
}

/// Flags that change nothing with the others given: the nemesis's kinds
/// of strike without a nemesis, and a lease without CheckQuorum, which the
/// core answers by ReadIndex instead (a lease is safe only while a leader
/// that lost its majority steps down, thesis §6.4.1).
fn idle_flags(config: &sim::SimConfig) -> Vec<String> {
    let nemesis = &config.nemesis;
    // Partial partitions are what `--faults partial` strikes with already:
    // the flag adds them to `--faults all` only.
    let mut notes: Vec<String> = [
        ("--partial-partitions", nemesis.partial_partitions, "all"),
        ("--transfers", nemesis.transfers, "all or partial"),
        ("--membership", nemesis.membership_changes, "all or partial"),
    ]
    .into_iter()
    .filter(|&(_, share, _)| share > 0.0 && !nemesis.enabled)
    .map(|(flag, _, faults)| {
        format!("{flag} changes nothing without --faults {faults}, whose nemesis strikes")
    })
    .collect();
    if config.reads.path == raft_playground::raft::ReadPath::Lease && !config.raft.check_quorum {
        notes.push(
            "--reads lease is answered by ReadIndex without --check-quorum (thesis §6.4.1)".into(),
        );
    }
    notes
}

fn sweep(options: Options, seeds: std::ops::RangeInclusive<u64>) -> Result<Outcome, String> {
    let started = Instant::now();
    note_unconsulted(&options);
    if let Some(path) = &options.trace {
        check_writable(path)?;
    }
    // Counted from the first seed, so the last can be any seed there is.
    let (first, count) = (*seeds.start(), seeds.end() - seeds.start() + 1);
    let next = AtomicU64::new(0);
    let reports: Mutex<Vec<RunReport>> = Mutex::new(Vec::new());
    let jobs = options.jobs.min(count as usize);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return;
                }
                let mut config = options.config.clone();
                config.seed = first + i;
                // A seed whose run could not start was skipped without a
                // word, and the tally was short; but the arguments' reading
                // checked the configuration, and nothing there depends on
                // the seed.
                let sim = Simulation::new(config).expect("checked with the arguments");
                let budget = options.lin_budget;
                let (_, report) =
                    sim::run::run_simulation_with_budget(sim, options.duration, budget, |_| {});
                reports.lock().expect("no worker panicked").push(report);
            });
        }
    });
    let mut reports = reports.into_inner().expect("no worker panicked");
    reports.sort_by_key(|r| r.seed);
    let failing: Vec<&RunReport> = reports.iter().filter(|r| !r.passed()).collect();
    for report in &failing {
        println!(
            "FAIL seed {}: {}",
            report.seed,
            summary::failure_reason(report)
        );
    }
    if let (Some(path), Some(report)) = (&options.trace, failing.first()) {
        let mut config = options.config.clone();
        config.seed = report.seed;
        config.record_trace = true;
        let mut out = Some(TraceFile::create(path)?);
        sim::run(config, options.duration, |s| drain_trace(s, &mut out))?;
        if let Some(out) = out {
            out.finish()?;
        }
        println!("trace of seed {} written to {path}", report.seed);
    }
    summary::print_sweep(&reports, started.elapsed());
    // The worst seed's outcome.
    Ok(reports
        .iter()
        .map(Outcome::of)
        .max()
        .unwrap_or(Outcome::Pass))
}

fn bench(options: Options) -> Result<bool, String> {
    say_notes(&options);
    summary::print_header(&options, &[]);
    let started = Instant::now();
    let mut sim = Simulation::new(options.config.clone())?;
    sim.run_until(options.duration);
    sim.audit_logs();
    let wall = started.elapsed().as_secs_f64();
    let simulated = options.duration as f64 / 1e6;
    println!("events: {}", sim.events());
    println!("wall time: {wall:.3} s");
    println!("events per wall second: {:.0}", sim.events() as f64 / wall);
    println!("simulated seconds per wall second: {:.0}", simulated / wall);
    println!(
        "wall time per simulated hour: {:.3} s",
        wall * 3600.0 / simulated
    );
    println!("entries committed: {}", sim.checker().committed_len());
    println!("invariant violations: {}", sim.checker().violation_count());
    let started = Instant::now();
    let verdict = sim::linearizability::check(&sim.history().to_vec(), options.lin_budget);
    println!(
        "linearizability of {} ops: {} ({:.3} s)",
        sim.history().len(),
        verdict.verdict,
        started.elapsed().as_secs_f64()
    );
    Ok(sim.checker().violation_count() == 0)
}

/// `raft-sim run | head -1` closes the pipe early: end as Unix tools do,
/// quietly with status 141 (killed by SIGPIPE), not with a panic. Rust
/// ignores SIGPIPE, so the write fails and `println!` panics; stable Rust
/// has no switch for that, so the panic hook recognises it.
fn quiet_when_the_reader_leaves() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map_or("", String::as_str);
        if let Some(why) = message.strip_prefix("failed printing to stdout: ") {
            // A reader that left (`| head`) ends the output quietly, as
            // `cat` does; any other failure (a full disk) is said.
            if why.contains("Broken pipe") {
                std::process::exit(141);
            }
            eprintln!("raft-sim: cannot write the output: {why}");
            std::process::exit(2);
        }
        default(info);
    }));
}
