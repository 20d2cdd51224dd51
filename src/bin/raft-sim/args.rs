//! Command-line arguments of `raft-sim`, parsed by hand so every mistake gets
//! a message that says what is wrong.

use raft_playground::raft::{UnsafeSwitch, MILLIS, SECONDS};
use raft_playground::sim::{parse_duration, SimConfig};
use std::ops::RangeInclusive;

pub enum Command {
    Help,
    Run(Options),
    Sweep(Options, RangeInclusive<u64>),
    Bench(Options),
}

/// Options shared by `run`, `sweep` and `bench`.
pub struct Options {
    pub config: SimConfig,
    pub duration: u64,
    pub faults: bool,
    pub trace: Option<String>,
    pub history: Option<String>,
    pub jobs: usize,
    /// A scenario file to replay (run only).
    pub scenario: Option<String>,
    /// Whether --duration was given (a scenario otherwise uses its own).
    pub duration_given: bool,
}

pub fn usage() -> String {
    let mut text = String::from(
        "raft-sim: run a simulated Raft cluster from one seed and check it.

USAGE:
  raft-sim run   --seed S [OPTIONS]        run one seed, print a summary
  raft-sim run   --scenario FILE           replay a scenario (docs/scenario-format.md)
  raft-sim sweep --seeds A..B [OPTIONS]    run many seeds, print failing ones
  raft-sim bench [OPTIONS]                 measure simulator speed
  raft-sim --help

OPTIONS:
  --seed S            seed of the run (run; default 1)
  --seeds A..B        inclusive range of seeds (sweep)
  --nodes N           cluster size, 1..=25 (default 5)
  --duration D        simulated time with faults and clients, e.g. 60s, 500ms,
                      2m, 1h (default 60s; bench: 1h)
  --faults none|all   nemesis off or on: crashes, stops, partitions, one-way
                      cuts, drops, forced timeouts, 3% loss and duplication,
                      5-40 ms latency (default none)
  --clients K         concurrent clients (default 3; bench: 10)
  --rate R            client operations per simulated second, all clients
                      together (default 10; bench: 100 writes)
  --trace FILE        write the trace as JSON Lines (sweep: of the first
                      failing seed)
  --history FILE      write the client history as JSON (run)
  --scenario FILE     replay this scenario: its seed, size, timing, network
                      and timed actions (run; --duration overrides its own)
  --unsafe NAME       turn on a deliberately unsafe switch (repeatable)
  --jobs J            worker threads for sweep (default: all cores)

Exit status: 0 when every invariant held, the history is linearizable and
the cluster recovered after healing; 1 otherwise; 2 on bad arguments.

UNSAFE SWITCHES (for demonstrating the checkers; all off by default):
",
    );
    for s in UnsafeSwitch::ALL {
        text.push_str(&format!("  {:<24}{}\n", s.name(), s.description()));
    }
    text
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some(command) = args.first() else {
        return Err("no command given: expected run, sweep or bench".into());
    };
    let rest = &args[1..];
    match command.as_str() {
        "--help" | "-h" | "help" => Ok(Command::Help),
        "run" => {
            let (options, seeds) = parse_options(rest, false)?;
            if seeds.is_some() {
                return Err("--seeds is for sweep; run takes --seed".into());
            }
            Ok(Command::Run(options))
        }
        "sweep" | "bench" if rest.iter().any(|a| a == "--scenario") => {
            Err("--scenario is for run only".into())
        }
        "sweep" => {
            let (options, seeds) = parse_options(rest, false)?;
            let seeds = seeds.ok_or("sweep needs --seeds A..B, for example --seeds 1..1000")?;
            Ok(Command::Sweep(options, seeds))
        }
        "bench" => Ok(Command::Bench(parse_options(rest, true)?.0)),
        other => Err(format!(
            "unknown command '{other}': expected run, sweep or bench"
        )),
    }
}

fn parse_options(
    args: &[String],
    bench: bool,
) -> Result<(Options, Option<RangeInclusive<u64>>), String> {
    let mut options = Options {
        config: SimConfig::default(),
        duration: if bench { 3600 * SECONDS } else { 60 * SECONDS },
        faults: false,
        trace: None,
        history: None,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        scenario: None,
        duration_given: false,
    };
    options.config.workload.clients = if bench { 10 } else { 3 };
    if bench {
        options.config.workload.rate = 100.0;
        options.config.workload.read_fraction = 0.0;
        options.config.workload.cas_fraction = 0.0;
        options.config.timing.heartbeat_interval = 50 * MILLIS;
    }
    let mut seeds = None;
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{flag} needs a value (see raft-sim --help)"))?;
        apply_flag(&mut options, &mut seeds, flag, value)?;
        i += 2;
    }
    if options.faults {
        options.config = options.config.with_all_faults();
    }
    options.config.validate()?;
    Ok((options, seeds))
}

fn apply_flag(
    options: &mut Options,
    seeds: &mut Option<RangeInclusive<u64>>,
    flag: &str,
    value: &str,
) -> Result<(), String> {
    let config = &mut options.config;
    match flag {
        "--seed" => config.seed = number(flag, value)?,
        "--seeds" => *seeds = Some(seed_range(value)?),
        "--nodes" => config.nodes = number(flag, value)?,
        "--duration" => {
            options.duration = parse_duration(value)?;
            options.duration_given = true;
        }
        "--scenario" => options.scenario = Some(value.to_string()),
        "--faults" => {
            options.faults = match value {
                "none" => false,
                "all" => true,
                _ => return Err(format!("--faults takes none or all, got '{value}'")),
            }
        }
        "--clients" => config.workload.clients = number(flag, value)?,
        "--rate" => {
            config.workload.rate = value.parse().map_err(|_| {
                format!("--rate takes a number of operations per second, got '{value}'")
            })?
        }
        "--trace" => options.trace = Some(value.to_string()),
        "--history" => options.history = Some(value.to_string()),
        "--jobs" => options.jobs = number::<usize>(flag, value)?.clamp(1, 256),
        "--unsafe" => {
            let switch = UnsafeSwitch::from_name(value).ok_or_else(|| {
                let names: Vec<&str> = UnsafeSwitch::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "unknown unsafe switch '{value}': one of {}",
                    names.join(", ")
                )
            })?;
            config.unsafe_switches = config.unsafe_switches.with(switch);
        }
        _ => return Err(format!("unknown option '{flag}' (see raft-sim --help)")),
    }
    Ok(())
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} takes a non-negative whole number, got '{value}'"))
}

/// `A..B` (inclusive) or a single seed `A`.
fn seed_range(value: &str) -> Result<RangeInclusive<u64>, String> {
    let bad = || format!("--seeds takes A..B with A <= B, like 1..1000; got '{value}'");
    let (a, b) = match value.split_once("..") {
        Some((a, b)) => (a, b.trim_start_matches('=')),
        None => (value, value),
    };
    let (a, b): (u64, u64) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a > b || b - a >= 10_000_000 {
        return Err(bad());
    }
    Ok(a..=b)
}
