//! Command-line arguments of `raft-sim`, parsed by clap. Every value is
//! checked by its parser, so a mistake is reported by clap naming the flag
//! (exit status 2), with a suggestion for a misspelt flag or value.

use clap::builder::PossibleValue;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use raft_playground::raft::{ReadPath, Time, UnsafeSwitch, MILLIS, SECONDS};
use raft_playground::sim::config::check_requests;
use raft_playground::sim::config::ReadSettings;
use raft_playground::sim::experiment::election_downtime::{self, ExperimentConfig, Line};
use raft_playground::sim::find::settings_for;
use raft_playground::sim::run::LINEARIZABILITY_STEPS;
use raft_playground::sim::scenario::MAX_SEED;
use raft_playground::sim::{parse_duration, SimConfig, MAX_NODES, MAX_SNAPSHOT_THRESHOLD};
use std::ops::RangeInclusive;

const AFTER_HELP: &str = "\
Exit status: 0 when every invariant held, the history is proven linearizable
and the cluster recovered after healing; 1 when an invariant broke or the
history is not linearizable; 3 when the linearizability search ran out of
budget (nothing is proven); 4 when the cluster did not recover after healing;
2 on bad arguments or files. A sweep exits with its worst seed's status.";

/// `raft-sim --help`: the commands, then the unsafe switches and exit status.
fn after_help() -> String {
    let mut text =
        String::from("Unsafe switches (--unsafe NAME; for demonstrating the checkers, all off):\n");
    // The names' column as wide as the longest name and a space.
    let width = UnsafeSwitch::ALL.map(|s| s.name().len()).into_iter().max();
    let width = width.unwrap_or(0) + 1;
    for s in UnsafeSwitch::ALL {
        text.push_str(&format!("  {:<width$}{}\n", s.name(), s.description()));
    }
    text.push('\n');
    text.push_str(AFTER_HELP);
    text
}

/// Runs a simulated Raft cluster from one seed and checks it.
#[derive(Parser)]
#[command(
    name = "raft-sim",
    version,
    subcommand_required = true,
    after_help = after_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What each command's help says about `--duration`.
const DURATION: &str = "Simulated time with faults and clients, e.g. 60s, 500ms, 2m, 1h";

// Every command shares the options of `Common`; the ones a command has no
// use for are hidden from its help, and refused if given
// (`refuse_ignored`).
#[derive(Subcommand)]
pub enum Command {
    /// Run one seed (or replay a scenario) and print a summary
    #[command(
        after_help = AFTER_HELP,
        mut_arg("duration", |a| a.help(format!(
            "{DURATION} [default: 60s; with --scenario, the scenario's own]"
        ))),
        mut_arg("jobs", |a| a.hide(true)),
    )]
    Run(RunArgs),
    /// Run many seeds on all cores and print the failing ones
    #[command(
        after_help = AFTER_HELP,
        mut_arg("duration", |a| a.default_value("60s")),
        mut_arg("trace", |a| a.help(
            "Write the trace of the first failing seed as JSON Lines (docs/trace-format.md)"
        )),
        mut_arg("seed", |a| a.hide(true)),
        mut_arg("history", |a| a.hide(true)),
    )]
    Sweep(SweepArgs),
    /// Measure simulator speed (writes only, 10 clients at 100 ops/s, 1 h)
    #[command(
        mut_arg("duration", |a| a.default_value("1h")),
        mut_arg("clients", |a| a.default_value("10")),
        mut_arg("rate", |a| a.default_value("100")),
        mut_arg("trace", |a| a.hide(true)),
        mut_arg("history", |a| a.hide(true)),
        mut_arg("jobs", |a| a.hide(true)),
    )]
    Bench(Common),
    /// Explore every interleaving of a small cluster, breadth-first, and
    /// print the shortest counterexample
    #[command(
        after_help = "Exit status: 0 when no state within the bounds breaks an invariant; 1 when \
one does (the shortest path to it is printed, and written to --out); 2 on bad arguments."
    )]
    Explore(crate::explore::ExploreArgs),
    /// Reproduce an experiment of the Raft paper
    #[command(subcommand)]
    Experiment(ExperimentCommand),
    /// Search seeds for a failure of one unsafe switch, shrink it, and
    /// write it as a scenario
    #[command(
        after_help = FIND_AFTER_HELP,
        mut_arg("duration", |a| a.default_value("60s").help(
            "Simulated time per seed, e.g. 60s, 500ms, 2m"
        )),
        mut_arg("unsafe_switches", |a| a.required(true).help(
            "The unsafe switch to find a failure of (exactly one)"
        )),
        mut_arg("trace", |a| a.hide(true)),
        mut_arg("history", |a| a.hide(true)),
        mut_arg("jobs", |a| a.hide(true)),
        mut_arg("lin_budget", |a| a.hide(true)),
    )]
    FindFailure(FindArgs),
}

/// The experiments `raft-sim experiment` runs.
#[derive(Subcommand)]
pub enum ExperimentCommand {
    /// Figure 16 of the Raft paper: the time to detect and replace a crashed
    /// leader, per range of election timeouts (5 servers, broadcast time
    /// about 15 ms, heartbeats every half minimum timeout)
    ElectionDowntime(ElectionDowntimeArgs),
}

/// `raft-sim experiment election-downtime`.
#[derive(Args)]
pub struct ElectionDowntimeArgs {
    /// Trials per line, 1..=100000; the 150-150 ms line runs a tenth of them
    /// (at least 1), as in the paper
    #[arg(long, value_name = "N", default_value = "1000", value_parser = trial_count,
          allow_negative_numbers = true)]
    pub trials: u64,
    /// Which graph of the figure: the timeout's randomness (top), its scale
    /// (bottom), or both
    #[arg(long, value_enum, default_value_t = FigureLines::All)]
    pub lines: FigureLines,
    /// Write the cumulative distributions as CSV (line, downtime_ms,
    /// cumulative_fraction, seed)
    #[arg(long, value_name = "PATH")]
    pub csv: Option<String>,
    /// Seed of the first trial of each line; trial k has seed S + k, at
    /// most 9006999999999999 as every seed
    #[arg(long, value_name = "S", default_value = "1", value_parser = seed,
          allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads [default: all cores]
    #[arg(long, value_name = "J", value_parser = positive_number,
          allow_negative_numbers = true)]
    pub jobs: Option<u64>,
}

/// `--lines`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FigureLines {
    /// 150-150, 150-151, 150-155, 150-175, 150-200 and 150-300 ms
    Top,
    /// 12-24, 25-50, 50-100, 100-200 and 150-300 ms
    Bottom,
    /// Both graphs (150-300 ms once)
    All,
}

impl FigureLines {
    /// The lines of that graph.
    pub fn lines(self) -> Vec<Line> {
        match self {
            FigureLines::Top => election_downtime::TOP.to_vec(),
            FigureLines::Bottom => election_downtime::BOTTOM.to_vec(),
            FigureLines::All => election_downtime::all_lines(),
        }
    }
}

const FIND_AFTER_HELP: &str = "\
Turns on what the switch needs to show (the nemesis of --faults all unless
--faults partial, and e.g. --disk-faults for reply-before-persist; see the
README's \"Finding a failure\"), sweeps seeds from --seed on, turns the first
failing run into a scenario with the nemesis's faults as explicit actions,
shrinks it, and writes it to --out; `raft-sim run --scenario FILE` replays it
to the same violation.
Exit status: 0 when a failure was found; 1 when none was within --max-seeds;
2 on bad arguments.";

#[derive(Args)]
pub struct FindArgs {
    #[command(flatten)]
    pub common: Common,
    /// Seeds to try before giving up
    #[arg(long, value_name = "N", default_value = "1000", value_parser = positive_number,
          allow_negative_numbers = true)]
    pub max_seeds: u64,
    /// Simulator events the shrinking may spend, in all
    #[arg(long, value_name = "EVENTS", default_value = "50000000", value_parser = whole_number::<u64>,
          allow_negative_numbers = true)]
    pub shrink_events: u64,
    /// Write the shrunk scenario here, as JSON (docs/scenario-format.md)
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// Write the failure report here, as JSON (what the page narrates)
    #[arg(long, value_name = "FILE")]
    pub report: Option<String>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// Replay this scenario (docs/scenario-format.md): its seed, size, timing,
    /// network and timed actions; --duration overrides its own
    // The scenario decides the run: options it would silently override are
    // refused rather than ignored.
    #[arg(long, value_name = "FILE",
          conflicts_with_all = ["seed", "nodes", "faults", "disk_faults", "pre_vote", "check_quorum", "partial_partitions", "transfers", "membership", "snapshots", "reads", "clock_drift", "bound_clients",
                                "clients", "rate", "unsafe_switches"])]
    pub scenario: Option<String>,
    /// Print the summary as one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct SweepArgs {
    /// Inclusive range of seeds, like 1..1000 (or a single seed)
    #[arg(long, value_name = "A..B", value_parser = seed_range, allow_hyphen_values = true)]
    pub seeds: RangeInclusive<u64>,
    #[command(flatten)]
    pub common: Common,
}

/// Options shared by `run`, `sweep` and `bench`.
#[derive(Args)]
pub struct Common {
    /// Seed of the run
    #[arg(long, value_name = "S", default_value = "1", value_parser = seed,
          allow_negative_numbers = true)]
    pub seed: u64,
    /// Cluster size
    #[arg(long, value_name = "N", default_value = "5", value_parser = node_count,
          allow_negative_numbers = true)]
    pub nodes: u64,
    #[arg(long, help = DURATION, value_name = "D", value_parser = duration, allow_hyphen_values = true)]
    pub duration: Option<Time>,
    /// Nemesis off or on
    #[arg(long, value_enum, default_value_t = Faults::None)]
    pub faults: Faults,
    /// Disks that lose what is not yet durable: writes take 1 ms to the
    /// device and 4 to 54 ms more to durable, a crash may tear the record being
    /// written (1 in 4), and with --faults all the nemesis also crashes a
    /// server during one write in 20
    #[arg(long)]
    pub disk_faults: bool,
    /// PreVote (thesis 9.6): a server asks whether it could win before it
    /// raises its term
    #[arg(long)]
    pub pre_vote: bool,
    /// CheckQuorum (thesis 6.2, 4.2.3): a leader that has not heard from a
    /// majority for an election timeout steps down, and servers that hear a
    /// leader ignore RequestVote
    #[arg(long)]
    pub check_quorum: bool,
    /// With --faults all, partial partitions too: in about one strike of
    /// three the nemesis deafens the leader (it sends but hears nothing),
    /// leaves a server reaching only some of its peers, or heals. With
    /// --faults partial every strike is one already: it changes nothing
    #[arg(long)]
    pub partial_partitions: bool,
    /// With --faults all or partial, leadership transfers too: in one
    /// strike of ten the nemesis asks the leader to hand over to a random
    /// other server (thesis 3.10)
    #[arg(long)]
    pub transfers: bool,
    /// With --faults all or partial, membership changes too: in one strike
    /// of ten the nemesis adds a server (as a learner, promoted once caught
    /// up) or removes a random one, the leader included (thesis 4.2)
    #[arg(long)]
    pub membership: bool,
    /// Log compaction (thesis 5): every server snapshots its state machine
    /// once N entries were applied since its last snapshot, and a leader
    /// sends InstallSnapshot to a follower whose next entry it compacted
    #[arg(long, value_name = "N", value_parser = snapshot_threshold,
          allow_negative_numbers = true)]
    pub snapshots: Option<u64>,
    /// How reads are answered (thesis 6.4): through the log, by ReadIndex,
    /// from a lease (safe only with --check-quorum and clocks within
    /// --clock-drift), or locally (not linearizable)
    #[arg(long, value_enum, default_value_t = Reads::Log)]
    pub reads: Reads,
    /// Each server's clock runs at a rate up to this many parts per million
    /// off real time (10000 = 1%), 0..=500000; a lease gives up that margin.
    /// With --faults, the nemesis also changes clock rates within it
    #[arg(long, value_name = "PPM", default_value = "0", value_parser = clock_drift,
          allow_negative_numbers = true)]
    pub clock_drift: u64,
    /// Bind each client to one server, as Jepsen does: client k sends every
    /// new request to server (k - 1) mod n + 1 and follows redirects from
    /// there, instead of to the server it last found leading
    #[arg(long)]
    pub bound_clients: bool,
    /// Concurrent clients, 0..=1000
    #[arg(long, value_name = "K", default_value = "3", value_parser = client_count,
          allow_negative_numbers = true)]
    pub clients: u32,
    /// Client operations per simulated second, all clients together
    #[arg(long, value_name = "R", default_value = "10", value_parser = rate,
          allow_hyphen_values = true)]
    pub rate: f64,
    /// Write the trace as JSON Lines (docs/trace-format.md)
    #[arg(long, value_name = "FILE")]
    pub trace: Option<String>,
    /// Write the client history as JSON (docs/history-format.md)
    #[arg(long, value_name = "FILE")]
    pub history: Option<String>,
    /// Turn on a deliberately unsafe switch (repeatable)
    #[arg(long = "unsafe", value_name = "NAME")]
    pub unsafe_switches: Vec<Switch>,
    /// Worker threads [default: all cores]
    #[arg(long, value_name = "J", value_parser = positive_number,
          allow_negative_numbers = true)]
    pub jobs: Option<u64>,
    /// Linearizability search budget per key, in steps; a search that runs
    /// out is inconclusive, which fails the run
    #[arg(long, value_name = "STEPS", default_value_t = LINEARIZABILITY_STEPS,
          value_parser = positive_number, allow_negative_numbers = true)]
    pub lin_budget: u64,
}

/// `--reads`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Reads {
    /// Through the log, like a write (paper 8): the default
    Log,
    /// ReadIndex (thesis 6.4): the leader confirms it leads with a heartbeat
    /// round; followers ask the leader for a read index
    ReadIndex,
    /// Lease (thesis 6.4.1): a leader answers at once while a majority's
    /// acknowledgement is fresh; needs --check-quorum
    Lease,
    /// Any server answers from its own state: not linearizable
    Local,
}

impl Reads {
    pub fn path(self) -> ReadPath {
        match self {
            Reads::Log => ReadPath::Log,
            Reads::ReadIndex => ReadPath::ReadIndex,
            Reads::Lease => ReadPath::Lease,
            Reads::Local => ReadPath::Local,
        }
    }
}

/// `--faults`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Faults {
    /// No faults: a perfect network, no crashes
    None,
    /// Crashes, stops, partitions, one-way cuts, drops, forced timeouts; 3%
    /// loss and duplication (client traffic too), 5-40 ms latency; 2% of
    /// messages late by 1-5 election timeouts, partitions that hold messages
    /// until they heal, paused nodes that keep their inbox; clients resend
    /// unanswered requests after 500 ms
    All,
    /// Partial partitions only, every 1 s on average: the leader deafened
    /// (it sends but hears nothing), a server reaching only some peers, or a
    /// heal; 5-40 ms latency, no loss
    Partial,
}

impl Faults {
    /// The name as given on the command line (clap's own, from `ValueEnum`).
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// One `--unsafe` switch; its possible values are `UnsafeSwitch::ALL` with
/// their descriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switch(pub UnsafeSwitch);

const SWITCHES: [Switch; UnsafeSwitch::ALL.len()] = {
    let mut out = [Switch(UnsafeSwitch::ALL[0]); UnsafeSwitch::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = Switch(UnsafeSwitch::ALL[i]);
        i += 1;
    }
    out
};

impl ValueEnum for Switch {
    fn value_variants<'a>() -> &'a [Self] {
        &SWITCHES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.description()))
    }
}

/// What `main` runs.
pub enum Job {
    Run(Options),
    Sweep(Options, RangeInclusive<u64>),
    Bench(Options),
    Explore(crate::explore::ExploreArgs),
    ElectionDowntime(ExperimentOptions),
    FindFailure(Options, FindOptions),
}

/// The parsed options of `experiment election-downtime`.
pub struct ExperimentOptions {
    pub config: ExperimentConfig,
    pub csv: Option<String>,
    pub jobs: usize,
}

/// What `find-failure` adds to the options of a run.
pub struct FindOptions {
    pub switch: UnsafeSwitch,
    pub max_seeds: u64,
    pub shrink_events: u64,
    pub out: Option<String>,
    pub report: Option<String>,
}

/// The parsed options of a command, with the configuration they give.
pub struct Options {
    pub config: SimConfig,
    pub duration: u64,
    pub faults: Faults,
    pub trace: Option<String>,
    pub history: Option<String>,
    pub jobs: usize,
    /// A scenario file to replay (run only).
    pub scenario: Option<String>,
    /// Whether --duration was given (a scenario otherwise uses its own).
    pub duration_given: bool,
    /// Print the run summary as JSON (run only).
    pub json: bool,
    /// The linearizability search budget per key, in steps.
    pub lin_budget: u64,
    /// Flags that change nothing, as only the flags themselves can tell
    /// (the configuration cannot): every command that runs the simulator
    /// prints them (`say_notes`).
    pub notes: Vec<String>,
}

/// Parses the command line; on a mistake, prints clap's message and exits
/// with status 2 (`--help` and `--version` exit 0).
pub fn parse() -> Job {
    let mut command = Cli::command();
    let matches = command.get_matches_mut();
    refuse_ignored(&command, &matches);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let job = match cli.command {
        Command::Run(args) => {
            let mut options = options(args.common, false);
            options.scenario = args.scenario;
            options.json = args.json;
            Job::Run(options)
        }
        Command::Sweep(args) => Job::Sweep(options(args.common, false), args.seeds),
        Command::Bench(common) => Job::Bench(options(common, true)),
        Command::FindFailure(args) => find_failure(args),
        Command::Explore(args) => return Job::Explore(args),
        Command::Experiment(ExperimentCommand::ElectionDowntime(args)) => {
            return Job::ElectionDowntime(experiment_options(args));
        }
    };
    let (name, o) = match &job {
        Job::Run(o) => ("run", o),
        Job::Sweep(o, _) => ("sweep", o),
        Job::Bench(o) => ("bench", o),
        Job::FindFailure(o, _) => ("find-failure", o),
        _ => unreachable!("returned above"),
    };
    if let Err(message) = o.config.validate() {
        refuse(name, clap::error::ErrorKind::ValueValidation, message);
    }
    // The clients the run will have: find-failure gives a search one at least.
    let workload = match &job {
        Job::FindFailure(o, find) => settings_for(find.switch, o.config.clone()).workload,
        _ => o.config.workload,
    };
    if o.scenario.is_none() {
        if let Err(message) = check_requests(&workload, o.duration) {
            let message = format!("--rate and --duration: {message}");
            refuse(name, clap::error::ErrorKind::ValueValidation, message);
        }
    }
    let files = match &job {
        Job::Run(o) => vec![
            ("--scenario", &o.scenario),
            ("--trace", &o.trace),
            ("--history", &o.history),
        ],
        Job::FindFailure(_, find) => vec![("--out", &find.out), ("--report", &find.report)],
        _ => Vec::new(),
    };
    refuse_shared_files(name, &files);
    job
}

/// Refuses two flags naming one file: both outputs were written to it, one
/// over the other, and the file was neither (`run --trace F --history F`,
/// `find-failure --out F --report F`; a tester). A trace over the
/// scenario it replays would destroy the scenario before it is read.
fn refuse_shared_files(name: &str, files: &[(&str, &Option<String>)]) {
    let given: Vec<(&str, &String)> = files
        .iter()
        .filter_map(|(flag, path)| path.as_ref().map(|p| (*flag, p)))
        .collect();
    for (i, (a, path_a)) in given.iter().enumerate() {
        for (b, path_b) in &given[i + 1..] {
            if same_file(path_a, path_b) {
                refuse(
                    name,
                    clap::error::ErrorKind::ArgumentConflict,
                    format!("{a} and {b} name the same file '{path_b}': each needs its own"),
                );
            }
        }
    }
}

/// Whether two paths name one file: `out.json` and `./out.json` do. A
/// file that does not exist yet is compared by its folder, resolved, and
/// its name.
fn same_file(a: &str, b: &str) -> bool {
    fn resolved(path: &str) -> std::path::PathBuf {
        let path = std::path::Path::new(path);
        if let Ok(full) = path.canonicalize() {
            return full;
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => std::path::Path::new("."),
        };
        match (folder.canonicalize(), path.file_name()) {
            (Ok(folder), Some(name)) => folder.join(name),
            _ => path.to_path_buf(),
        }
    }
    a == b || resolved(a) == resolved(b)
}

/// Refuses an option the command has no use for (hidden from its help):
/// `sweep --seed 5` ran seeds 1.. all the same, and `bench --trace F`
/// wrote nothing, without a word.
fn refuse_ignored(cli: &clap::Command, matches: &ArgMatches) {
    let Some((name, given)) = matches.subcommand() else {
        return;
    };
    let Some(command) = cli.find_subcommand(name) else {
        return;
    };
    for arg in command.get_arguments().filter(|a| a.is_hide_set()) {
        let id = arg.get_id().as_str();
        if given.value_source(id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let flag = arg.get_long().unwrap_or(id);
        let instead = match (name, flag) {
            ("sweep", "seed") => "it runs each seed of --seeds".into(),
            ("sweep", "history") => {
                "to keep one seed's history, run it: raft-sim run --seed S --history FILE".into()
            }
            ("run" | "bench", "jobs") => "one run takes one thread".into(),
            _ => format!("raft-sim {name} --help lists what it takes"),
        };
        refuse(
            name,
            clap::error::ErrorKind::ArgumentConflict,
            format!("--{flag} has no effect on {name}: {instead}"),
        );
    }
}

/// Exits as clap does on a bad argument, with `message` and the usage of
/// subcommand `name` (not the top level's, which names no option).
fn refuse(name: &str, kind: clap::error::ErrorKind, message: String) -> ! {
    refuse_in(&[name], kind, message)
}

/// [`refuse`] for the subcommand at `path` (`["experiment",
/// "election-downtime"]`), or the command itself where there is none.
fn refuse_in(path: &[&str], kind: clap::error::ErrorKind, message: String) -> ! {
    let mut cli = Cli::command();
    cli.build(); // gives each subcommand its full name: "raft-sim run"
    let mut at = &mut cli;
    for name in path {
        if at.find_subcommand(name).is_none() {
            break;
        }
        at = at.find_subcommand_mut(name).expect("found just above");
    }
    at.error(kind, message).exit()
}

/// `find-failure`: exactly one switch, taken out of the configuration
/// (the search turns it on, with what it needs).
fn find_failure(args: FindArgs) -> Job {
    let switches: Vec<UnsafeSwitch> = args.common.unsafe_switches.iter().map(|s| s.0).collect();
    let [switch] = switches[..] else {
        let names: Vec<&str> = switches.iter().map(|s| s.name()).collect();
        refuse(
            "find-failure",
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "find-failure looks for a failure of one unsafe switch at a time, got {}: {}",
                switches.len(),
                names.join(", ")
            ),
        );
    };
    let find = FindOptions {
        switch,
        max_seeds: args.max_seeds,
        shrink_events: args.shrink_events,
        out: args.out,
        report: args.report,
    };
    let mut options = options(args.common, false);
    options.config.unsafe_switches = Default::default();
    Job::FindFailure(options, find)
}

fn options(c: Common, bench: bool) -> Options {
    let mut config = SimConfig {
        seed: c.seed,
        nodes: c.nodes,
        ..SimConfig::default()
    };
    config.workload.clients = c.clients;
    config.workload.rate = c.rate;
    config.workload.bound = c.bound_clients;
    config.raft.pre_vote = c.pre_vote;
    config.raft.check_quorum = c.check_quorum;
    config.reads = ReadSettings {
        path: c.reads.path(),
        clock_drift_ppm: c.clock_drift,
    };
    if bench {
        config.workload.read_fraction = 0.0;
        config.workload.cas_fraction = 0.0;
        config.timing.heartbeat_interval = 50 * MILLIS;
    }
    for Switch(s) in c.unsafe_switches {
        config.unsafe_switches = config.unsafe_switches.with(s);
    }
    match c.faults {
        Faults::None => {}
        Faults::All => config = config.with_all_faults(),
        Faults::Partial => config = config.with_partial_partitions(),
    }
    // `--faults partial` strikes with partial partitions only (a share of
    // 1): lowering it to a third turned it into the full nemesis, while
    // the summary still said "faults partial" (a tester).
    let mut notes = Vec::new();
    if c.partial_partitions && c.faults == Faults::Partial {
        notes.push(
            "--partial-partitions changes nothing with --faults partial, whose every strike is a partial partition already".to_string(),
        );
    } else if c.partial_partitions {
        config.nemesis.partial_partitions = 0.3;
    }
    if c.transfers {
        config.nemesis.transfers = 0.1;
    }
    if c.membership {
        config.nemesis.membership_changes = 0.1;
    }
    if c.disk_faults {
        config = config.with_disk_faults();
    }
    config.snapshot_threshold = c.snapshots;
    if c.clock_drift > 0 {
        config.nemesis.clock_changes = 0.1;
    }
    Options {
        config,
        duration: c.duration.unwrap_or(60 * SECONDS),
        duration_given: c.duration.is_some(),
        faults: c.faults,
        trace: c.trace,
        history: c.history,
        jobs: c.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j.min(256) as usize,
        ),
        scenario: None,
        json: false,
        lin_budget: c.lin_budget,
        notes,
    }
}

fn experiment_options(args: ElectionDowntimeArgs) -> ExperimentOptions {
    // Trial k of a line has seed S + k: the last must be a seed a scenario
    // holds, as every command's are. (The first was held to a rounder
    // 9000000000000000, which the README's limit did not say; a tester.)
    let last = args.seed.saturating_add(args.trials - 1);
    if last > MAX_SEED {
        refuse_in(
            &["experiment", "election-downtime"],
            clap::error::ErrorKind::ValueValidation,
            format!(
                "--seed {} with --trials {} reaches seed {last}; the seed must be at most \
                 {MAX_SEED}, which a scenario file can hold",
                args.seed, args.trials
            ),
        );
    }
    ExperimentOptions {
        config: ExperimentConfig {
            seed: args.seed,
            trials: args.trials,
            lines: args.lines.lines(),
        },
        csv: args.csv,
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j.min(256) as usize,
        ),
    }
}

fn trial_count(value: &str) -> Result<u64, String> {
    number_in(value, 1..=100_000, "trials must be 1 to 100000 per line")
}

/// A seed a scenario can hold (so a run, or a failure found from it,
/// can be written as a scenario and replayed).
fn seed(value: &str) -> Result<u64, String> {
    within_seed_limit(whole_number(value)?)
}

fn within_seed_limit(seed: u64) -> Result<u64, String> {
    if seed <= MAX_SEED {
        Ok(seed)
    } else {
        Err(format!(
            "the seed must be at most {MAX_SEED}, which a scenario file can hold"
        ))
    }
}

pub(crate) fn whole_number<T: std::str::FromStr>(value: &str) -> Result<T, String> {
    value.parse().map_err(|_| {
        if all_digits(value) {
            "the number is too large".to_string()
        } else {
            "expected a non-negative whole number".to_string()
        }
    })
}

/// A whole number from 1: `-1` or `abc` is told so too, not "expected a
/// non-negative whole number", which 0 is and is refused all the same.
pub(crate) fn positive_number(value: &str) -> Result<u64, String> {
    match whole_number(value) {
        Ok(0) => Err("expected a positive whole number".to_string()),
        Ok(n) => Ok(n),
        Err(too_large) if all_digits(value) => Err(too_large),
        Err(_) => Err("expected a positive whole number".to_string()),
    }
}

/// A whole number within `range`; any integer outside it, negative or
/// too large, gets `message` (`--nodes -1` was told "expected a
/// non-negative whole number", which 0 is and is refused all the same).
pub(crate) fn number_in(
    value: &str,
    range: std::ops::RangeInclusive<u64>,
    message: &str,
) -> Result<u64, String> {
    match whole_number::<u64>(value) {
        Ok(n) if range.contains(&n) => Ok(n),
        Ok(_) => Err(message.to_string()),
        Err(_) if is_integer(value) => Err(message.to_string()),
        Err(_) => Err(format!("expected a whole number: {message}")),
    }
}

/// An optional minus sign, then digits: an integer, however long.
fn is_integer(value: &str) -> bool {
    all_digits(value.strip_prefix('-').unwrap_or(value))
}

/// Digits only, at least one.
fn all_digits(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

fn node_count(value: &str) -> Result<u64, String> {
    number_in(
        value,
        1..=MAX_NODES,
        &format!("nodes must be 1 to {MAX_NODES}"),
    )
}

fn snapshot_threshold(value: &str) -> Result<u64, String> {
    let range = 1..=MAX_SNAPSHOT_THRESHOLD;
    let message = format!("a snapshot threshold must be 1 to {MAX_SNAPSHOT_THRESHOLD} entries");
    number_in(value, range, &message)
}

fn client_count(value: &str) -> Result<u32, String> {
    number_in(value, 0..=1000, "clients must be 0 to 1000").map(|n| n as u32)
}

pub(crate) fn clock_drift(value: &str) -> Result<u64, String> {
    number_in(
        value,
        0..=500_000,
        "clock drift must be 0 to 500000 ppm (at most ±50%)",
    )
}

fn rate(value: &str) -> Result<f64, String> {
    let rate: f64 = value
        .parse()
        .map_err(|_| "expected a number of operations per second".to_string())?;
    if rate.is_finite() && rate > 0.0 && rate <= 100_000.0 {
        Ok(rate)
    } else {
        Err("rate must be > 0 and <= 100000 ops/s".into())
    }
}

fn duration(value: &str) -> Result<Time, String> {
    parse_duration(value)
}

/// `A..B` (inclusive; `A..=B` too) or a single seed `A`. Each mistake is
/// told its own: `-5..3` was told "expected A..B with A <= B", though -5
/// is below 3; the trouble is the negative seed.
fn seed_range(value: &str) -> Result<RangeInclusive<u64>, String> {
    let (a, b) = match value.split_once("..") {
        // One `=` (`1..=3`); `1..==3` is a slip, told as a bad seed.
        Some((a, b)) => (a, b.strip_prefix('=').unwrap_or(b)),
        None => (value, value),
    };
    let (a, b) = (range_end(a)?, range_end(b)?);
    if a > b {
        return Err(format!(
            "the first seed, {a}, is after the last, {b}: expected A..B with A <= B, like {b}..{a}"
        ));
    }
    if b - a >= 10_000_000 {
        return Err("at most 10000000 seeds at once".into());
    }
    Ok(a..=b)
}

/// One end of a `--seeds` range: a seed, as `--seed` takes.
fn range_end(end: &str) -> Result<u64, String> {
    use std::num::IntErrorKind;
    let parsed = |s: &str| s.parse::<u64>().map_err(|e| *e.kind());
    // `-0` is no seed, but not below zero either.
    let negative = (end.strip_prefix('-'))
        .is_some_and(|n| matches!(parsed(n), Ok(1..) | Err(IntErrorKind::PosOverflow)));
    match parsed(end) {
        Ok(seed) => within_seed_limit(seed),
        Err(IntErrorKind::PosOverflow) => within_seed_limit(u64::MAX),
        Err(IntErrorKind::Empty) => {
            Err("a range needs both its seeds, like 1..1000 (or give one seed)".into())
        }
        Err(_) if negative => Err(format!(
            "'{end}' is negative: seeds are whole numbers from 0 to {MAX_SEED}"
        )),
        Err(_) => Err(format!(
            "'{end}' is not a seed: expected A..B or a single seed, each a whole number \
             from 0 to {MAX_SEED}, like 1..1000"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_unsafe_switch_is_a_value() {
        let names: Vec<String> = Switch::value_variants()
            .iter()
            .map(|s| s.to_possible_value().unwrap().get_name().to_string())
            .collect();
        let expected: Vec<&str> = UnsafeSwitch::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names, expected);
    }
}
