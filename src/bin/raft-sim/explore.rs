//! `raft-sim explore`: the exhaustive explorer (`sim::explore`) on the
//! command line. It prints how the search went level by level, the
//! figures (states explored, unique states, states per second, deepest
//! depth completed), and the shortest counterexample found, which it can
//! write as a scenario file the player replays.

use super::args::{number_in, Reads, Switch};
use super::summary::Outcome;
use clap::Args;
use raft_playground::raft::UnsafeSwitches;
use raft_playground::sim::config::ReadSettings;
use raft_playground::sim::explore::bounds::{MAX_DEPTH, MAX_EXPLORE_NODES, MAX_WAIT_MILLIS};
use raft_playground::sim::explore::{
    explorer_config, lagging_disk, Bounds, ExploreProgress, Explorer,
};
use std::time::Instant;

/// `raft-sim explore`'s options.
#[derive(Args)]
pub struct ExploreArgs {
    /// Cluster size, 1..=5
    #[arg(long, value_name = "N", default_value = "3",
          value_parser = explore_nodes, allow_negative_numbers = true)]
    pub nodes: u64,
    /// Steps from the start, 1..=64: every state at most this many steps
    /// away is checked (each step multiplies the states, about 2.5 times
    /// for 3 servers; the default takes about 25 s)
    #[arg(long, value_name = "D", default_value = "12",
          value_parser = explore_depth, allow_negative_numbers = true)]
    pub depth: u32,
    /// No server times out once its term has reached T
    #[arg(long, value_name = "T", default_value = "3",
          value_parser = super::args::whole_number::<u64>, allow_negative_numbers = true)]
    pub max_term: u64,
    /// No client request once some log holds L entries
    #[arg(long, value_name = "L", default_value = "3",
          value_parser = super::args::whole_number::<u64>, allow_negative_numbers = true)]
    pub max_log: u64,
    /// A state with more messages than M in flight is not expanded
    #[arg(long, value_name = "M", default_value = "4",
          value_parser = super::args::whole_number::<usize>, allow_negative_numbers = true)]
    pub max_in_flight: usize,
    /// Crashes (each with its reboot) along one path
    #[arg(long, value_name = "K", default_value = "1",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub restarts: u32,
    /// Client requests (a write or a read of one key) along one path
    #[arg(long, value_name = "K", default_value = "1",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub requests: u32,
    /// Messages the network may duplicate along one path
    #[arg(long, value_name = "K", default_value = "1",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub duplicates: u32,
    /// Messages the network may lose along one path
    #[arg(long, value_name = "K", default_value = "1",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub drops: u32,
    /// No heartbeat moves (a new leader, and a leader given a request,
    /// still send AppendEntries)
    #[arg(long)]
    pub no_heartbeats: bool,
    /// Client requests are writes only
    #[arg(long)]
    pub writes_only: bool,
    /// A client request goes only to a leader and is delivered in the step
    /// that sends it
    #[arg(long)]
    pub instant_requests: bool,
    /// The network loses every request between servers once its receiver's
    /// term has passed the request's
    #[arg(long)]
    pub stale_requests_lost: bool,
    /// Waits along one path: each lets --wait-ms of real time pass, so that
    /// leases and leader stickiness can run out (0: every step is 1 ms
    /// after the one before, and no deadline is ever reached)
    #[arg(long, value_name = "K", default_value = "0",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub waits: u32,
    /// How long one wait lasts, in milliseconds (1..=1000)
    #[arg(long, value_name = "MS", default_value = "50", requires = "waits",
          value_parser = wait_ms, allow_negative_numbers = true)]
    pub wait_ms: u64,
    /// Each server's clock runs at a rate the seed draws within this many
    /// parts per million of real time (10000 = 1%), 0..=500000, and a lease
    /// gives up that margin (thesis 6.4.1); with --waits, leases and
    /// stickiness run out by these clocks
    #[arg(long, value_name = "PPM", default_value = "0", value_parser = super::args::clock_drift,
          allow_negative_numbers = true)]
    pub clock_drift: u64,
    /// Every server snapshots once N entries were applied since its last
    /// snapshot (thesis 5)
    #[arg(long, value_name = "N",
          value_parser = super::args::whole_number::<u64>, allow_negative_numbers = true)]
    pub snapshots: Option<u64>,
    /// Servers the leader may remove from the configuration along one path
    /// (single-server changes, thesis 4.1)
    #[arg(long, value_name = "K", default_value = "0",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub removals: u32,
    /// Leadership transfers the leader may start along one path, to any
    /// other voter (thesis 3.10)
    #[arg(long, value_name = "K", default_value = "0",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub transfers: u32,
    /// Each disk write becomes durable K steps after it is issued, and a
    /// crash before then loses it (0: durable at once)
    #[arg(long, value_name = "K", default_value = "0",
          value_parser = super::args::whole_number::<u32>, allow_negative_numbers = true)]
    pub disk_steps: u32,
    /// A server's disk may finish its writes sooner than --disk-steps, as
    /// a move: which server's writes are durable first is the search's to
    /// choose (thesis 10.2.1)
    #[arg(long, requires = "disk_steps")]
    pub early_syncs: bool,
    /// Turn on a deliberately unsafe switch (repeatable)
    #[arg(long = "unsafe", value_name = "NAME")]
    pub unsafe_switches: Vec<Switch>,
    /// PreVote in every server (thesis 9.6)
    #[arg(long)]
    pub pre_vote: bool,
    /// CheckQuorum in every server (thesis 6.2)
    #[arg(long)]
    pub check_quorum: bool,
    /// How reads are answered (thesis 6.4)
    #[arg(long, value_enum, default_value_t = Reads::Log)]
    pub reads: Reads,
    /// Stop once this many states were explored, with exit status 3
    /// (inconclusive: no violation in those, nothing proven of the rest)
    /// and the deepest depth completed; unlimited when not given
    #[arg(long, value_name = "S", value_parser = super::args::positive_number,
          allow_negative_numbers = true)]
    pub max_states: Option<u64>,
    /// Write the shortest counterexample as a scenario file
    /// (docs/scenario-format.md) that `raft-sim run --scenario` and the
    /// player replay to the violation
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
}

impl ExploreArgs {
    fn bounds(&self) -> Bounds {
        Bounds {
            nodes: self.nodes,
            depth: self.depth,
            max_term: self.max_term,
            max_log: self.max_log,
            max_in_flight: self.max_in_flight,
            restarts: self.restarts,
            requests: self.requests,
            duplicates: self.duplicates,
            drops: self.drops,
            heartbeats: !self.no_heartbeats,
            reads: !self.writes_only,
            instant_requests: self.instant_requests,
            stale_requests_lost: self.stale_requests_lost,
            removals: self.removals,
            waits: self.waits,
            wait_millis: self.wait_ms,
            transfers: self.transfers,
            early_syncs: self.early_syncs,
        }
    }
}

/// Runs the search: a pass when no violation was found within the
/// bounds, inconclusive when `--max-states` stopped it first.
pub fn explore(args: ExploreArgs) -> Result<Outcome, String> {
    let bounds = args.bounds();
    bounds.validate()?;
    if args.early_syncs && args.disk_steps == 0 {
        return Err("--early-syncs needs --disk-steps of 1 or more: with writes durable at once there is nothing to sync early".into());
    }
    let switches = args
        .unsafe_switches
        .iter()
        .fold(UnsafeSwitches::none(), |s, Switch(u)| s.with(*u));
    let mut config = explorer_config(&bounds, switches);
    config.raft.pre_vote = args.pre_vote;
    config.raft.check_quorum = args.check_quorum;
    config.reads = ReadSettings {
        path: args.reads.path(),
        clock_drift_ppm: args.clock_drift,
    };
    config.snapshot_threshold = args.snapshots;
    config.disk = lagging_disk(args.disk_steps);
    config.validate()?;
    // The explorer checks the bounds against the configuration (leases
    // need waits): all the input is judged before the output is.
    let mut explorer = Explorer::new(bounds, config)?;
    if let Some(path) = &args.out {
        crate::check_writable(path)?;
    }
    print_bounds(&bounds, switches, args.disk_steps);
    let started = Instant::now();
    let mut shown = 0;
    let mut progress = ExploreProgress::default();
    let progress = loop {
        // A state expanded yields ten or so explored: nearing --max-states,
        // expand fewer at a time so the search stops close to it.
        let left = args
            .max_states
            .map_or(u64::MAX, |m| m.saturating_sub(progress.explored));
        progress = explorer.step((left / 16).clamp(1, 1_000));
        // Each depth once: a search that ends part-way through a level (a
        // violation) printed the last completed one again, with that
        // level's partial figures (a tester); the figures below say those.
        if progress.depth_done > shown {
            shown = progress.depth_done;
            print_level(&progress, started.elapsed().as_secs_f64());
        }
        let stopped = args.max_states.is_some_and(|max| progress.explored >= max);
        if progress.finished || stopped {
            break progress;
        }
    };
    print_figures(&progress, started.elapsed().as_secs_f64());
    let Some(found) = explorer.counterexample() else {
        let outcome = match progress.finished {
            true => {
                println!("no violation within these bounds");
                Outcome::Pass
            }
            false => {
                println!(
                    "stopped at --max-states {}: no violation in the {} states explored, depth {} of {} completed; nothing is proven beyond them",
                    args.max_states.unwrap_or_default(),
                    progress.explored,
                    progress.depth_done,
                    bounds.depth
                );
                Outcome::Inconclusive
            }
        };
        if let Some(path) = &args.out {
            println!("no counterexample, so nothing written to {path}");
        }
        return Ok(outcome);
    };
    let steps = found.steps();
    let plural = if steps == 1 { "" } else { "s" };
    println!("violation after {steps} step{plural}: {}", found.detail);
    println!("shortest counterexample:");
    let mut last = 0;
    for (action, &step) in found.actions.iter().zip(&found.step_of) {
        // A step with no action is a wait.
        for wait in last + 1..step {
            println!("  {wait:>2}. wait {} ms", bounds.wait_millis);
        }
        if step == last {
            println!("      and {action}");
        } else {
            println!("  {step:>2}. {action}");
        }
        last = step;
    }
    if let Some(path) = &args.out {
        let scenario = explorer
            .scenario()
            .expect("a counterexample has a scenario");
        std::fs::write(path, scenario.to_json())
            .map_err(|e| format!("cannot write '{path}': {e}"))?;
        println!("scenario written to {path} (raft-sim run --scenario {path})");
    }
    Ok(Outcome::Unsafe)
}

fn print_bounds(b: &Bounds, switches: UnsafeSwitches, disk_steps: u32) {
    let names: Vec<&str> = switches.enabled().map(|s| s.name()).collect();
    println!(
        "explore: {} nodes, depth {}, terms up to {}, logs up to {} entries, at most {} live messages in flight, {} crash(es), {} client request(s){}{}, {} duplicate(s), {} drop(s){}{}{}{}{}; unsafe: {}",
        b.nodes,
        b.depth,
        b.max_term,
        b.max_log,
        b.max_in_flight,
        b.restarts,
        b.requests,
        if b.reads { "" } else { " (writes only)" },
        if b.instant_requests { " (to a leader, delivered at once)" } else { "" },
        b.duplicates,
        b.drops,
        match (b.heartbeats, b.stale_requests_lost) {
            (true, false) => "",
            (false, false) => ", no heartbeats",
            (true, true) => ", stale requests lost",
            (false, true) => ", no heartbeats, stale requests lost",
        },
        match b.removals {
            0 => String::new(),
            k => format!(", {k} removal(s) of a server"),
        },
        match b.transfers {
            0 => String::new(),
            k => format!(", {k} leadership transfer(s)"),
        },
        match (disk_steps, b.early_syncs) {
            (0, _) => String::new(),
            (k, false) => format!(", disk writes durable {k} step(s) after they are issued"),
            (k, true) => format!(", disk writes durable at most {k} step(s) after they are issued"),
        },
        match b.waits {
            0 => String::new(),
            k => format!(", {k} wait(s) of {} ms", b.wait_millis),
        },
        if names.is_empty() { "none".to_string() } else { names.join(", ") }
    );
}

fn print_level(p: &ExploreProgress, seconds: f64) {
    println!(
        "  depth {:>2} done: {} states explored, {} unique, {} waiting, {:.1} s",
        p.depth_done, p.explored, p.unique, p.frontier, seconds
    );
}

fn print_figures(p: &ExploreProgress, seconds: f64) {
    println!(
        "states explored: {}, unique states: {} (after symmetry reduction), states per second: {:.0}, deepest depth completed: {}, pruned for messages in flight: {}, wall time: {:.1} s",
        p.explored,
        p.unique,
        p.explored as f64 / seconds.max(1e-9),
        p.depth_done,
        p.pruned,
        seconds
    );
}

// The explorer's own ranges (`Bounds::validate`), said of any integer
// outside them: `--depth -1` was told "expected a non-negative whole
// number", and 0 next "the depth must be 1 to 64 steps".

fn explore_nodes(value: &str) -> Result<u64, String> {
    let message = format!("the explorer takes 1 to {MAX_EXPLORE_NODES} nodes");
    number_in(value, 1..=MAX_EXPLORE_NODES, &message)
}

fn explore_depth(value: &str) -> Result<u32, String> {
    let message = format!("the depth must be 1 to {MAX_DEPTH} steps");
    number_in(value, 1..=u64::from(MAX_DEPTH), &message).map(|d| d as u32)
}

fn wait_ms(value: &str) -> Result<u64, String> {
    let message = format!("a wait must last 1 to {MAX_WAIT_MILLIS} ms");
    number_in(value, 1..=MAX_WAIT_MILLIS, &message)
}
