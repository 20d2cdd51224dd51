//! `raft-sim find-failure`: search, shrink, report, write the scenario.
//! The engine is `sim::find`; this prints its progress and times it.

use crate::args::{FindOptions, Options};
use raft_playground::raft::{ReadPath, Time, UnsafeSwitch};
use raft_playground::sim::find::settings_for;
use raft_playground::sim::find::{
    FailureReport, FailureSearch, Found, ShrinkSizes, Shrinker, StepMark, ViolationMark,
};
use raft_playground::sim::scenario::MAX_SEED;
use raft_playground::sim::SimConfig;
use std::time::{Duration, Instant};

/// Events per slice: what a Worker would run between messages.
const SLICE: u64 = 5_000;
/// How often progress is printed.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Says, on stderr, which of the user's flags the search overrides
/// (`sim::find::settings_for`): it needs a client's requests, writes its
/// failure as a scenario, which cannot bind clients to servers, and some
/// switches need a read path of their own.
fn note_overridden(config: &SimConfig, switch: UnsafeSwitch) {
    let needed = settings_for(switch, config.clone());
    if needed.workload.clients != config.workload.clients {
        eprintln!(
            "raft-sim: note: --clients 0 is raised to 1: the search needs a client's requests"
        );
    }
    if needed.workload.bound != config.workload.bound {
        eprintln!(
            "raft-sim: note: --bound-clients is dropped: the failure is written as a scenario, which cannot bind clients"
        );
    }
    let (given, needed) = (config.reads.path, needed.reads.path);
    if given != ReadPath::Log && needed != given {
        let flag = |p: ReadPath| p.name().replace('_', "-");
        eprintln!(
            "raft-sim: note: --reads {} is replaced by --reads {}: --unsafe {} needs it",
            flag(given),
            flag(needed),
            switch.name()
        );
    }
}

pub fn find_failure(options: Options, find: FindOptions) -> Result<bool, String> {
    let started = Instant::now();
    let switch = find.switch;
    super::say_notes(&options);
    note_overridden(&options.config, switch);
    // The search checks the configuration it runs with: all the input is
    // judged before the outputs are.
    let search = FailureSearch::new(options.config.clone(), switch, find.max_seeds)?;
    for path in [&find.out, &find.report].into_iter().flatten() {
        crate::check_writable(path)?;
    }
    let mut search = search.with_duration(options.duration);
    println!(
        "unsafe switch: {} ({})",
        switch.name(),
        switch.description()
    );
    describe_settings(&search);
    let (mut printed, mut slowest) = (Instant::now(), Duration::ZERO);
    let progress = loop {
        let slice = Instant::now();
        let p = search.step(SLICE);
        slowest = slowest.max(slice.elapsed());
        if p.found || p.exhausted {
            break p;
        }
        if printed.elapsed() >= PROGRESS_EVERY {
            printed = Instant::now();
            let wall = started.elapsed().as_secs_f64();
            println!(
                "  seeds tried: {}, events: {}, wall time: {wall:.1} s",
                p.seeds_tried, p.events
            );
        }
    };
    let search_wall = started.elapsed();
    println!(
        "searched: {} seeds, {} events, wall time {:.2} s (slowest slice of {SLICE} events: {:.1} ms)",
        progress.seeds_tried,
        progress.events,
        search_wall.as_secs_f64(),
        slowest.as_secs_f64() * 1e3
    );
    let Some(found) = search.found().cloned() else {
        let tried = progress.seeds_tried;
        let seeds = if tried == 1 { "seed" } else { "seeds" };
        // Fewer than asked: the search ended at the last seed there is
        // (a tester was told only "1 seeds").
        if tried < find.max_seeds {
            println!(
                "no failure found in {tried} {seeds}: the search stopped at seed {MAX_SEED}, \
                 the largest a scenario holds, before --max-seeds {}",
                find.max_seeds
            );
        } else {
            println!("no failure found in {tried} {seeds}");
        }
        return Ok(false);
    };
    println!(
        "found at seed {}: {} at {} ({} nemesis actions)",
        found.seed,
        found.failure.kind.name(),
        seconds(found.failure.t),
        found.scenario.actions.len()
    );
    let shrunk = shrink(&found, find.shrink_events);
    let report = FailureReport::of(&shrunk, found.failure.kind, switch)
        .ok_or("the shrunk scenario no longer fails: a bug in the shrinking")?;
    print_report(&report);
    if let Some(path) = &find.out {
        std::fs::write(path, shrunk.to_json())
            .map_err(|e| format!("cannot write '{path}': {e}"))?;
        println!("scenario written to {path}: `raft-sim run --scenario {path}` replays it");
    }
    if let Some(path) = &find.report {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("cannot write '{path}': {e}"))?;
        println!("report written to {path}");
    }
    println!("total wall time: {:.2} s", started.elapsed().as_secs_f64());
    Ok(true)
}

fn describe_settings(search: &FailureSearch) {
    let c = search.config();
    println!(
        "settings: {} nodes, {} clients at {} ops/s, nemesis every {} ms on average, disk {}, PreVote {}, CheckQuorum {}, reads {}, clock drift {} ppm, snapshots {}, membership changes {}",
        c.nodes,
        c.workload.clients,
        c.workload.rate,
        c.nemesis.mean_interval / 1000,
        if c.disk.is_synchronous() { "synchronous" } else { "faulty" },
        c.raft.pre_vote,
        c.raft.check_quorum,
        c.reads.path.name(),
        c.reads.clock_drift_ppm,
        c.snapshot_threshold.map_or("off".to_string(), |n| format!("every {n} entries")),
        c.nemesis.membership_changes,
    );
}

/// Shrinks `found`, printing what it took.
fn shrink(found: &Found, max_events: u64) -> raft_playground::sim::Scenario {
    let started = Instant::now();
    let mut shrinker = Shrinker::new(found, max_events);
    let mut slowest = Duration::ZERO;
    let progress = loop {
        let slice = Instant::now();
        let p = shrinker.step(SLICE);
        slowest = slowest.max(slice.elapsed());
        if p.done {
            break p;
        }
    };
    let (before, after) = shrinker.sizes();
    println!(
        "shrinking: {} candidates, {} kept, {} events, wall time {:.2} s (slowest slice: {:.1} ms){}",
        progress.candidates,
        progress.kept,
        progress.events,
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1e3,
        if progress.reproduced { "" } else { "; the run as found did NOT replay" }
    );
    print_sizes(before, after);
    shrinker.scenario().clone()
}

fn print_sizes(before: ShrinkSizes, after: ShrinkSizes) {
    println!("  actions: {} -> {}", before.actions, after.actions);
    println!("  end: {} -> {}", seconds(before.end), seconds(after.end));
    println!("  nodes: {} -> {}", before.nodes, after.nodes);
    println!("  clients: {} -> {}", before.clients, after.clients);
}

fn print_report(report: &FailureReport) {
    println!("rule broken: {} ({})", report.rule, report.source);
    match &report.first_unsafe_step {
        Some(step) => println!(
            "first unsafe step: {} ({} before the violation)",
            step_text(step),
            report.unsafe_steps
        ),
        None => println!("first unsafe step: none recorded"),
    }
    if let Some(step) = report.nearest_other_step() {
        println!(
            "last unsafe step by or about the violation's servers: {}",
            step_text(step)
        );
    }
    print_violation(&report.violation);
}

fn step_text(step: &StepMark) -> String {
    format!(
        "{} at node {}{}{}{}",
        seconds(step.t),
        step.node,
        step.peer.map_or(String::new(), |p| format!(", peer {p}")),
        step.index.map_or(String::new(), |i| format!(", index {i}")),
        step.message
            .map_or(String::new(), |m| format!(", answering message {m}")),
    )
}

fn print_violation(v: &ViolationMark) {
    println!(
        "violation: {} at {}, nodes {:?}: {}",
        v.kind.name(),
        seconds(v.t),
        v.nodes,
        v.detail
    );
    if let Some(read) = &v.stale_read {
        let result = read.result.as_deref().unwrap_or("nothing (the key absent)");
        let by = read
            .answered_by
            .map_or("an unknown server".to_string(), |n| format!("node {n}"));
        println!(
            "  the operation: client {} request {}: {} returned {result}, answered by {by}",
            read.client, read.request, read.op
        );
    }
}

fn seconds(t: Time) -> String {
    format!("{:.6} s", t as f64 / 1e6)
}
