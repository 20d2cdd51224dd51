//! Scenarios: a seed, a cluster size, timing and network settings, a
//! background workload, and a list of timed actions. A scenario replays to
//! the same trace hash every time, natively (`raft-sim run --scenario FILE`)
//! and in the browser. The JSON format is versioned and documented in
//! docs/scenario-format.md; `ScenarioFile` is its serde shape.

use crate::json::{first_bad_member, Locate, Tree};
use crate::raft::{Op, ReadPath, Time, Timing, UnsafeSwitch, UnsafeSwitches};
use crate::sim::action::Action;
use crate::sim::action_record::ActionRecord;
use crate::sim::config::{RaftOptions, ReadSettings, SimConfig, MAX_NODES};
use crate::sim::disk::DiskConfig;
use crate::sim::fault_model::{Delivery, FaultModel, LatencyTail, PartitionMode, PausedInbox};
use crate::sim::membership::MAX_CLUSTER;
use crate::sim::network::NetworkConfig;
use crate::sim::simulation::Simulation;
use serde::{Deserialize, Serialize};

/// The format version this build writes. It reads this one and every
/// earlier one (version 1 has no `workload` and no `cursor_us`). `faults`
/// and `client_retry_us` came later within version 2, as optional fields:
/// absent, they are the behaviour before they existed.
pub const VERSION: u64 = 2;
/// More actions than this are refused (a hostile file cannot exhaust memory).
pub const MAX_ACTIONS: usize = 10_000;

/// A replayable run: its configuration and its timed actions. Its serde form
/// is the versioned JSON file, through `ScenarioFile`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "ScenarioFile", try_from = "ScenarioFile")]
pub struct Scenario {
    /// Decides every random choice of the run.
    pub seed: u64,
    /// How many servers, numbered 1..=nodes.
    pub nodes: u64,
    /// Election timeouts and heartbeat interval.
    pub timing: Timing,
    /// Latency, loss and duplication at the start.
    pub network: NetworkConfig,
    /// Every server's disk; the default makes every write durable at once.
    pub disk: DiskConfig,
    /// Faults that hold messages back instead of losing them; off by
    /// default.
    pub faults: FaultModel,
    /// PreVote and CheckQuorum; both off by default.
    pub raft: RaftOptions,
    /// How reads are answered and how far clocks drift; the log and exact
    /// clocks by default.
    pub reads: ReadSettings,
    /// Deliberately broken rules in every server (a run that breaks Raft
    /// on purpose, to show what a rule is for); none by default.
    pub unsafe_switches: UnsafeSwitches,
    /// How long to run, in simulated microseconds.
    pub duration: Time,
    /// How long a client waits for an answer before the outcome is unknown.
    pub client_timeout: Time,
    /// How long a client waits before sending an unanswered request again,
    /// with the same id; `None`: never (only when redirected).
    pub client_retry: Option<Time>,
    /// Background clients issuing random operations; `None`: none.
    pub workload: Option<ClientLoad>,
    /// The moment the run was shared: a player opens it there, paused.
    pub cursor: Option<Time>,
    /// When the run was shared part-way through the events of that
    /// microsecond (by single steps): how many events had run.
    pub cursor_events: Option<u64>,
    /// Actions and when they happen, in time order.
    pub actions: Vec<(Time, Action)>,
}

/// The background workload: closed-loop clients and their mix of
/// operations (the rest of the mix are writes).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientLoad {
    /// How many closed-loop clients.
    pub clients: u32,
    /// Operations per simulated second, over all clients.
    pub rate: f64,
    /// Operations spread over this many keys.
    pub keys: u32,
    /// Fraction of operations that are reads, 0..=1.
    pub read_fraction: f64,
    /// Fraction of operations that are compare-and-sets, 0..=1.
    pub cas_fraction: f64,
}

impl Default for ClientLoad {
    fn default() -> Self {
        let w = crate::sim::workload::WorkloadConfig::default();
        ClientLoad {
            clients: 1,
            rate: w.rate,
            keys: w.keys,
            read_fraction: w.read_fraction,
            cas_fraction: w.cas_fraction,
        }
    }
}

/// What a scenario file holds, as its reader's messages say it (the same
/// words as `expecting` below, which takes a literal only).
const SCENARIO_SHAPE: &str =
    "a scenario: an object with version, seed, nodes, duration_us and actions";

/// A scenario as written in JSON (docs/scenario-format.md).
#[derive(Serialize, Deserialize)]
#[serde(expecting = "a scenario: an object with version, seed, nodes, duration_us and actions")]
struct ScenarioFile {
    version: Version,
    seed: u64,
    nodes: u64,
    duration_us: Time,
    #[serde(default = "default_client_timeout")]
    client_timeout_us: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_retry_us: Option<Time>,
    #[serde(default)]
    timing: Timing,
    #[serde(default)]
    network: NetworkConfig,
    #[serde(default, skip_serializing_if = "DiskConfig::is_synchronous")]
    disk: DiskConfig,
    #[serde(default, skip_serializing_if = "FaultModel::is_off")]
    faults: FaultModel,
    #[serde(default, skip_serializing_if = "RaftOptions::is_default")]
    raft: RaftOptions,
    #[serde(default, skip_serializing_if = "ReadSettings::is_default")]
    reads: ReadSettings,
    /// The unsafe switches' names (`UnsafeSwitch::name`); absent: none.
    #[serde(default, rename = "unsafe", skip_serializing_if = "Vec::is_empty")]
    unsafe_switches: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    workload: Option<ClientLoad>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cursor_us: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cursor_events: Option<u64>,
    actions: Vec<ActionRecord>,
}

/// A format version this build reads. Refused as it is read, before any
/// missing field is told (serde tells those last): a file of a later
/// version without a field this build needs was told that field was
/// missing, not that its version was too new.
#[derive(Clone, Copy, Serialize)]
#[serde(transparent)]
struct Version(u64);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let version = u64::deserialize(d)?;
        if !(1..=VERSION).contains(&version) {
            return Err(serde::de::Error::custom(format!(
                "scenario version {version} is not supported: this build reads versions 1 to {VERSION}"
            )));
        }
        Ok(Version(version))
    }
}

impl Locate for Version {}

/// `ScenarioFile`'s members, and those of its parts.
impl Locate for Scenario {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            Version, "version"; u64, "seed"; u64, "nodes"; Time, "duration_us";
            Time, "client_timeout_us"; Timing, "timing"; NetworkConfig, "network";
            DiskConfig, "disk"; FaultModel, "faults"; RaftOptions, "raft";
            ReadSettings, "reads"; Vec<String>, "unsafe";
            Option<ClientLoad>, "workload";
            Option<Time>, "cursor_us";
            Option<u64>, "cursor_events"; Vec<ActionRecord>, "actions";
        )
    }
}

impl Locate for Timing {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            Time, "election_timeout_min_us"; Time, "election_timeout_max_us"; Time, "heartbeat_us";
        )
    }
}

impl Locate for NetworkConfig {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v; Time, "latency_min_us"; Time, "latency_max_us"; f64, "loss"; f64, "duplication";)
    }
}

impl Locate for DiskConfig {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            Time, "write_latency_us"; Time, "fsync_latency_us"; Time, "fsync_jitter_us";
            f64, "torn_write";
        )
    }
}

impl Locate for FaultModel {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            LatencyTail, "latency_tail"; PartitionMode, "partitions"; PausedInbox, "paused_inbox";
            bool, "client_duplication"; Delivery, "delivery";
        )
    }
}

impl Locate for LatencyTail {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v; f64, "probability"; Time, "min_us"; Time, "max_us";)
    }
}

impl Locate for PartitionMode {}
impl Locate for Delivery {}
impl Locate for PausedInbox {}

impl Locate for RaftOptions {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v; bool, "pre_vote"; bool, "check_quorum";)
    }
}

impl Locate for ReadSettings {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v; ReadPath, "path"; u64, "clock_drift_ppm";)
    }
}

impl Locate for ReadPath {}

impl Locate for ClientLoad {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            u32, "clients"; f64, "rate"; u32, "keys"; f64, "read_fraction"; f64, "cas_fraction";
        )
    }
}

fn default_client_timeout() -> Time {
    SimConfig::default().workload.timeout
}

impl From<Scenario> for ScenarioFile {
    fn from(s: Scenario) -> Self {
        ScenarioFile {
            version: Version(VERSION),
            seed: s.seed,
            nodes: s.nodes,
            duration_us: s.duration,
            client_timeout_us: s.client_timeout,
            client_retry_us: s.client_retry,
            timing: s.timing,
            network: s.network,
            disk: s.disk,
            faults: s.faults,
            raft: s.raft,
            reads: s.reads,
            unsafe_switches: s
                .unsafe_switches
                .enabled()
                .map(|u| u.name().to_string())
                .collect(),
            workload: s.workload,
            cursor_us: s.cursor,
            cursor_events: s.cursor_events,
            actions: s
                .actions
                .iter()
                .map(|(t, action)| ActionRecord {
                    t: Some(*t),
                    ..action.into()
                })
                .collect(),
        }
    }
}

impl TryFrom<ScenarioFile> for Scenario {
    type Error = String;

    fn try_from(file: ScenarioFile) -> Result<Scenario, String> {
        let Version(version) = file.version;
        let v2_only = file.workload.is_some() || file.cursor_us.is_some();
        if version == 1 && (v2_only || file.cursor_events.is_some()) {
            return Err("\"workload\", \"cursor_us\" and \"cursor_events\" need version 2".into());
        }
        let v2_settings = !file.faults.is_off()
            || file.client_retry_us.is_some()
            || !file.raft.is_default()
            || !file.reads.is_default();
        if version == 1 && v2_settings {
            return Err(
                "\"faults\", \"client_retry_us\", \"raft\" and \"reads\" need version 2".into(),
            );
        }
        if version == 1 && !file.unsafe_switches.is_empty() {
            return Err("\"unsafe\" needs version 2".into());
        }
        let unsafe_switches = unsafe_switches_named(&file.unsafe_switches)?;
        if file.actions.len() > MAX_ACTIONS {
            return Err(format!(
                "{} actions; at most {MAX_ACTIONS} are accepted",
                file.actions.len()
            ));
        }
        let mut read = Vec::with_capacity(file.actions.len());
        // (time, position in `read`) in time order, same-time actions in
        // file order: a binary insertion, which costs the bundle less than
        // a copy of the standard stable sort (files are mostly in order,
        // so nearly every insertion is at the end).
        let mut order: Vec<(Time, usize)> = Vec::with_capacity(file.actions.len());
        for (i, record) in file.actions.into_iter().enumerate() {
            let at = record.t;
            let action = Action::try_from(record).map_err(|e| format!("action {}: {e}", i + 1))?;
            let at = at.ok_or_else(|| format!("action {}: missing field `t`", i + 1))?;
            order.insert(order.partition_point(|&(t, _)| t <= at), (at, i));
            read.push(Some(action));
        }
        let actions = order
            .into_iter()
            .filter_map(|(at, i)| Some((at, read[i].take()?)))
            .collect();
        Ok(Scenario {
            seed: file.seed,
            nodes: file.nodes,
            timing: file.timing,
            network: file.network,
            disk: file.disk,
            faults: file.faults,
            raft: file.raft,
            reads: file.reads,
            unsafe_switches,
            duration: file.duration_us,
            client_timeout: file.client_timeout_us,
            client_retry: file.client_retry_us,
            workload: file.workload,
            cursor: file.cursor_us,
            cursor_events: file.cursor_events,
            actions,
        })
    }
}

impl Scenario {
    /// The simulator configuration this scenario runs with.
    pub fn config(&self) -> SimConfig {
        let mut config = SimConfig {
            seed: self.seed,
            nodes: self.nodes,
            timing: self.timing,
            network: self.network,
            disk: self.disk,
            faults: self.faults,
            raft: self.raft,
            reads: self.reads,
            unsafe_switches: self.unsafe_switches,
            ..SimConfig::default()
        };
        config.workload.timeout = self.client_timeout;
        config.workload.retry = self.client_retry;
        if let Some(load) = self.workload {
            config.workload.clients = load.clients;
            config.workload.rate = load.rate;
            config.workload.keys = load.keys;
            config.workload.read_fraction = load.read_fraction;
            config.workload.cas_fraction = load.cas_fraction;
        }
        config
    }

    /// A simulation at time 0 with every action scheduled.
    pub fn start(&self, record_trace: bool) -> Result<Simulation, String> {
        let mut config = self.config();
        config.record_trace = record_trace;
        let mut sim = Simulation::new(config)?;
        for (i, (at, action)) in self.actions.iter().enumerate() {
            sim.schedule(*at, action.clone())
                .map_err(|e| format!("action {} ({action}): {e}", i + 1))?;
        }
        Ok(sim)
    }

    /// Runs the whole scenario; returns the finished simulation.
    pub fn run(&self) -> Result<Simulation, String> {
        let mut sim = self.start(false)?;
        sim.run_until(self.duration);
        Ok(sim)
    }

    /// The scenario as JSON, in the current version of the format.
    pub fn to_json(&self) -> String {
        crate::json::to_string(self)
    }

    /// Reads a scenario of any supported version and validates it; the
    /// error says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        if text.trim().is_empty() {
            return Err("the scenario is empty".into());
        }
        // serde's derive reads a struct from an array too, its fields in
        // order, and then names a fault by its position (`[6]`) instead
        // of its field (a tester). A scenario is an object.
        if text.trim_start().starts_with('[') {
            return Err(format!("expected {SCENARIO_SHAPE}, got an array"));
        }
        let scenario: Scenario = crate::json::from_str(text).map_err(numbered)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Everything a scenario must satisfy, whatever it was read from (JSON,
    /// a link): the limits the JSON reader checks field by field (they never
    /// fail after `from_json`, whose own messages come first), then the
    /// configuration and every action against the cluster.
    pub fn validate(&self) -> Result<(), String> {
        self.check_limits()?;
        let config = self.config();
        config.validate()?;
        crate::sim::config::check_requests(&config.workload, self.duration)
            .map_err(|e| format!("\"workload\": \"rate\" over \"duration_us\": {e}"))?;
        let sim = Simulation::new(config)?;
        let mut servers = sim.server_count();
        for (i, (_, action)) in self.actions.iter().enumerate() {
            // Checked among the servers that earlier actions may have
            // added, not the ones it adds itself (as `Simulation::schedule`
            // does); a run creates at most MAX_NODES.
            // The field at fault, when it is a node id, as the reader names one.
            let path = match action.unknown_node(servers) {
                Some((field, _)) => format!("actions[{i}].{field}"),
                None => format!("actions[{i}]"),
            };
            sim.validate_action_among(action, servers)
                .map_err(|e| numbered(format!("{path}: {e}")))?;
            servers = servers
                .saturating_add(action.servers_added())
                .min(MAX_NODES);
        }
        Ok(())
    }

    /// The ranges `from_json` enforces while reading, for scenarios that
    /// were not read from JSON, so every format accepts the same scenarios.
    fn check_limits(&self) -> Result<(), String> {
        // min <= max and heartbeat < min are checked with the configuration.
        let maxima = [
            ("\"seed\"", self.seed, MAX_WHOLE - 1),
            ("\"duration_us\"", self.duration, MAX_DURATION),
            (
                "\"client_timeout_us\"",
                self.client_timeout,
                MAX_CLIENT_TIMEOUT,
            ),
            (
                "\"client_retry_us\"",
                self.client_retry.unwrap_or(0),
                MAX_CLIENT_TIMEOUT,
            ),
            (
                "\"election_timeout_max_us\"",
                self.timing.election_timeout_max,
                MAX_SETTING,
            ),
            (
                "\"disk\": \"write_latency_us\"",
                self.disk.write_latency,
                MAX_SETTING,
            ),
            (
                "\"disk\": \"fsync_latency_us\"",
                self.disk.fsync_latency,
                MAX_SETTING,
            ),
            (
                "\"disk\": \"fsync_jitter_us\"",
                self.disk.fsync_jitter,
                MAX_SETTING,
            ),
        ];
        if let Some((name, value, max)) = maxima.iter().find(|(_, value, max)| value > max) {
            return Err(format!("{name} must be at most {max}, got {value}"));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(format!(
                "{} actions; at most {MAX_ACTIONS} are accepted",
                self.actions.len()
            ));
        }
        if let Some(cursor) = self.cursor.filter(|&c| c > self.duration) {
            return Err(format!(
                "\"cursor_us\" must be at most \"duration_us\" ({}), got {cursor}",
                self.duration
            ));
        }
        if self.cursor_events.is_some() && self.cursor.is_none() {
            return Err("\"cursor_events\" needs \"cursor_us\"".into());
        }
        if let Some(load) = &self.workload {
            load_limits(load)?;
        }
        let mut previous = 0;
        for (i, (at, action)) in self.actions.iter().enumerate() {
            let problem = if *at > MAX_DURATION {
                Some(format!("\"t\" must be at most {MAX_DURATION}, got {at}"))
            } else if *at < previous {
                Some("actions must be in time order".to_string())
            } else {
                action_limits(action)
            };
            if let Some(problem) = problem {
                return Err(format!("action {}: {problem}", i + 1));
            }
            previous = *at;
        }
        Ok(())
    }
}

/// `actions[4].node: ...` as `action 5 (actions[4].node): ...`: the
/// checks after reading count actions from 1, as a person does ("action
/// 5: there is no node 9"), and a reader of either message must find the
/// same action. (A review fixed the wrong one, off by one.)
fn numbered(message: String) -> String {
    let Some((path, reason)) = message.split_once(": ") else {
        return message;
    };
    let index = path
        .strip_prefix("actions[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(index, _)| index.parse::<usize>().ok());
    match index {
        Some(i) => format!("action {} ({path}): {reason}", i + 1),
        None => message,
    }
}

/// The set of switches with these names (`UnsafeSwitch::name`), or a
/// message naming the first that is not one, and the names there are.
pub fn unsafe_switches_named(names: &[String]) -> Result<UnsafeSwitches, String> {
    let mut switches = UnsafeSwitches::none();
    for name in names {
        let Some(switch) = UnsafeSwitch::from_name(name) else {
            let known: Vec<&str> = UnsafeSwitch::ALL.iter().map(|s| s.name()).collect();
            return Err(format!(
                "\"unsafe\": there is no unsafe switch `{name}`; the switches are {}",
                known.join(", ")
            ));
        };
        switches = switches.with(switch);
    }
    Ok(switches)
}

/// Seeds and message ids must be below this: JSON numbers are f64, whole
/// only below 2^53, and the reader takes no more.
const MAX_WHOLE: u64 = 9_007_000_000_000_000;
/// The largest seed a scenario holds: the command line takes no larger,
/// so every run it makes can be written as a scenario and a link.
pub const MAX_SEED: u64 = MAX_WHOLE - 1;
const MAX_DURATION: Time = crate::sim::world::config::MAX_RUN;
const MAX_CLIENT_TIMEOUT: Time = 3600 * 1_000_000;
/// The most any timing or latency setting may be.
const MAX_SETTING: Time = 60_000_000;
/// The longest key or value, in bytes.
pub const MAX_TEXT: usize = 200;

/// The mix must be fractions that leave room for writes; the counts and
/// the rate are checked with the simulator's configuration.
fn load_limits(load: &ClientLoad) -> Result<(), String> {
    let fraction = |x: f64| (0.0..=1.0).contains(&x);
    if fraction(load.read_fraction)
        && fraction(load.cas_fraction)
        && load.read_fraction + load.cas_fraction <= 1.0
    {
        Ok(())
    } else {
        Err("\"workload\": \"read_fraction\" and \"cas_fraction\" must be from 0 to 1, and add up to at most 1".into())
    }
}

/// What is wrong with a client request's key, if anything: a key with a
/// space cannot be. The trace writes a request as text (`write K=V`,
/// docs/trace-format.md), which a key holding whitespace or a control
/// character (a newline, a tab, NUL: a tester) would make impossible to
/// split back. The page's request box asks this too.
pub fn key_problem(key: &str) -> Option<String> {
    key.chars()
        .any(|c| c.is_whitespace() || c.is_control())
        .then(|| format!("\"key\" must hold no whitespace or control characters, got {key:?}"))
}

/// What is out of range in an action's own fields, if anything (node ids
/// and network settings are checked against the cluster later). Every
/// entry point asks this: files, links and the host page's `act`.
pub fn action_limits(action: &Action) -> Option<String> {
    let texts: &[&String] = match action {
        Action::DropMessage(id) | Action::DeliverMessage(id) | Action::DuplicateMessage(id)
            if *id >= MAX_WHOLE =>
        {
            return Some(format!("\"message\" must be at most {}", MAX_WHOLE - 1))
        }
        // One configuration holds at most MAX_CLUSTER servers: more new
        // ones in one change could never join.
        Action::ReplaceServers { add, .. } if *add > MAX_CLUSTER as u64 => {
            return Some(format!("\"add\" must be at most {MAX_CLUSTER}, got {add}"))
        }
        Action::ClientRequest { op, .. } => match op {
            Op::Read { key } => &[key],
            Op::Write { key, value } => &[key, value],
            Op::Cas { key, from, to } => &[key, from, to],
        },
        Action::ClientRead { key, .. } => &[key],
        _ => &[],
    };
    // The page's request box cannot make an empty key either (it splits
    // on spaces); a value may be empty.
    if texts.first().is_some_and(|key| key.is_empty()) {
        return Some("\"key\" must not be empty".into());
    }
    if let Some(problem) = texts.first().and_then(|key| key_problem(key)) {
        return Some(problem);
    }
    texts.iter().find(|s| s.len() > MAX_TEXT).map(|s| {
        format!(
            "a key or value is at most {MAX_TEXT} bytes, got {}",
            s.len()
        )
    })
}

#[cfg(test)]
#[path = "scenario_tests.rs"]
mod tests;
