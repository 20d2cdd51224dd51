//! Everything that defines a run, besides the actions taken during it.

use crate::raft::{ReadPath, Time, Timing, UnsafeSwitches, MILLIS, SECONDS};
use crate::sim::clocks::MAX_DRIFT_PPM;
use crate::sim::decimal::{fixed, plain};
use crate::sim::disk::DiskConfig;
use crate::sim::fault_model::FaultModel;
use crate::sim::nemesis::NemesisConfig;
use crate::sim::network::NetworkConfig;
use crate::sim::workload::WorkloadConfig;
use serde::{Deserialize, Serialize};

/// The largest cluster the simulator accepts.
pub const MAX_NODES: u64 = 25;

/// The shortest heartbeat interval and election timeout: a simulation's
/// events grow as their inverse, and below a millisecond a few simulated
/// seconds cost millions of them (a 1 µs heartbeat made 12,500 events per
/// simulated millisecond). The paper's fastest timeouts are 12 ms.
pub const MIN_TIMER: Time = MILLIS;
/// The largest snapshot threshold: beyond it a run of any length in the
/// playground never snapshots, which "none" says better.
pub const MAX_SNAPSHOT_THRESHOLD: u64 = 100_000;

/// How long a client of `--faults all` waits before resending a request:
/// half the default 1 s timeout, so an unanswered request is sent twice.
/// Shorter intervals made the nemesis much worse at catching the
/// `commit-old-terms` switch (§5.4.2, Figure 8), for reasons not pinned
/// down: over 1,000 seeds it failed 3 with 250 ms, 24 with 500 ms, 35
/// without retries.
pub const CLIENT_RETRY: Time = 500 * MILLIS;

/// The mechanisms beyond Figure 2 that every server of a run uses: the
/// scenario file's `raft` object. Both off by default, which is Figure 2's
/// Raft and every run before they existed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RaftOptions {
    /// PreVote (thesis §9.6): a server asks whether it could win before it
    /// raises its term.
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2, §4.2.3): a leader that has not heard from
    /// a majority for an election timeout steps down, and a server that
    /// hears a leader ignores RequestVote.
    pub check_quorum: bool,
}

impl RaftOptions {
    /// Both off: a file leaves the object out.
    pub fn is_default(&self) -> bool {
        *self == RaftOptions::default()
    }
}

/// How every server answers reads, and how far its clock may drift: the
/// scenario file's `reads` object. Reads through the log and exact clocks
/// by default, which is every run before they existed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadSettings {
    /// Through the log, ReadIndex, a lease or locally (thesis §6.4).
    pub path: ReadPath,
    /// Each server's clock runs at a rate drawn within this many parts per
    /// million of real time, and a lease gives up that margin (thesis
    /// §6.4.1). At most [`MAX_DRIFT_PPM`].
    pub clock_drift_ppm: u64,
}

impl ReadSettings {
    /// The log and exact clocks: a file leaves the object out.
    pub fn is_default(&self) -> bool {
        *self == ReadSettings::default()
    }
}

/// The configuration of a simulated run: cluster, timing, network, clients,
/// nemesis, and the seed that decides every random choice.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Decides every random choice of the run.
    pub seed: u64,
    /// Cluster size: servers 1..=nodes, at most [`MAX_NODES`].
    pub nodes: u64,
    /// Election timeouts and heartbeat interval, the same for every server.
    pub timing: Timing,
    /// Latency, loss and duplication at the start of the run.
    pub network: NetworkConfig,
    /// Faults that hold messages back instead of losing them; all off by
    /// default.
    pub faults: FaultModel,
    /// The background clients.
    pub workload: WorkloadConfig,
    /// The random faults, if enabled.
    pub nemesis: NemesisConfig,
    /// Every server's disk: synchronous by default.
    pub disk: DiskConfig,
    /// PreVote and CheckQuorum in every server; both off by default.
    pub raft: RaftOptions,
    /// How reads are answered, and how far clocks drift.
    pub reads: ReadSettings,
    /// Deliberate bugs in every server, for demonstrations; all off by default.
    pub unsafe_switches: UnsafeSwitches,
    /// Cap on entries carried by one AppendEntries, passed to every server.
    pub max_entries_per_append: usize,
    /// Log compaction (thesis chapter 5): every server snapshots once this
    /// many entries were applied since its last snapshot; `None`: never.
    pub snapshot_threshold: Option<u64>,
    /// How `replace_servers` changes the voters: joint consensus by default.
    pub replacement: crate::sim::membership::Replacement,
    /// Keep trace events (for `--trace` and the UI), not just their hash.
    pub record_trace: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            nodes: 5,
            timing: Timing::default(),
            network: NetworkConfig::default(),
            faults: FaultModel::default(),
            workload: WorkloadConfig::default(),
            nemesis: NemesisConfig::default(),
            disk: DiskConfig::default(),
            raft: RaftOptions::default(),
            reads: ReadSettings::default(),
            unsafe_switches: UnsafeSwitches::none(),
            max_entries_per_append: 64,
            snapshot_threshold: None,
            replacement: Default::default(),
            record_trace: false,
        }
    }
}

impl SimConfig {
    /// The network and nemesis used with `--faults all`: loss, duplication,
    /// wide latency (so reordering), a fault every 0.4 s on average,
    /// messages held back long enough to arrive in a later term (a latency
    /// tail, partitions that hold messages, paused servers that keep their
    /// inbox), duplicated client traffic (see `FaultModel::nemesis`), and
    /// clients that resend an unanswered request after `CLIENT_RETRY`.
    pub fn with_all_faults(mut self) -> Self {
        self.network = NetworkConfig {
            latency_min: 5 * MILLIS,
            latency_max: 40 * MILLIS,
            loss: 0.03,
            duplication: 0.03,
        };
        self.faults = FaultModel::nemesis(&self.timing);
        self.workload.retry = Some(CLIENT_RETRY);
        self.nemesis.enabled = true;
        self
    }

    /// Partial partitions only (`--faults partial`): every second on average
    /// the nemesis deafens the leader, leaves a server reaching only some
    /// of its peers, or heals, over a 5-40 ms network without loss. The
    /// faults PreVote and CheckQuorum exist for (thesis §6.2, §9.6).
    pub fn with_partial_partitions(mut self) -> Self {
        self.network = NetworkConfig {
            latency_min: 5 * MILLIS,
            latency_max: 40 * MILLIS,
            loss: 0.0,
            duplication: 0.0,
        };
        self.nemesis.enabled = true;
        self.nemesis.mean_interval = SECONDS;
        self.nemesis.partial_partitions = 1.0;
        self
    }

    /// Disks that lose what is not yet durable (`--disk-faults`): writes
    /// take [`DiskConfig::faulty`]'s time to become durable, a crash may
    /// tear the record being written, and the nemesis (when on) crashes a
    /// server during one write in twenty.
    pub fn with_disk_faults(mut self) -> Self {
        self.disk = DiskConfig::faulty();
        self.nemesis.crash_during_write = 0.05;
        self
    }

    /// Rejects numbers that make no sense, with a message that says which.
    pub fn validate(&self) -> Result<(), String> {
        let t = &self.timing;
        let n = &self.network;
        let w = &self.workload;
        let d = &self.disk;
        let checks: [(bool, String); 17] = [
            (
                (1..=MAX_NODES).contains(&self.nodes),
                format!("nodes must be 1 to {MAX_NODES}, got {}", self.nodes),
            ),
            (
                t.election_timeout_min >= MIN_TIMER
                    && t.election_timeout_min <= t.election_timeout_max,
                format!(
                    "election timeout range must be non-empty and start at 1ms or more, got {}..{} us",
                    t.election_timeout_min, t.election_timeout_max
                ),
            ),
            (
                t.heartbeat_interval >= MIN_TIMER && t.heartbeat_interval < t.election_timeout_min,
                format!(
                    "heartbeat interval must be at least 1ms and below the election timeout's minimum, got {} us against {} us",
                    t.heartbeat_interval, t.election_timeout_min
                ),
            ),
            (
                n.latency_min <= n.latency_max && n.latency_max <= 60 * SECONDS,
                format!(
                    "latency range must be min <= max <= 60s, got {}..{} us",
                    n.latency_min, n.latency_max
                ),
            ),
            (
                (0.0..=1.0).contains(&n.loss),
                format!("loss must be 0 to 1, got {}", plain(n.loss)),
            ),
            (
                (0.0..=1.0).contains(&n.duplication),
                format!("duplication must be 0 to 1, got {}", plain(n.duplication)),
            ),
            (
                w.clients <= 1000,
                format!("clients must be 0 to 1000, got {}", w.clients),
            ),
            (
                w.rate.is_finite() && w.rate > 0.0 && w.rate <= 100_000.0,
                format!(
                    "rate must be > 0 and <= 100000 ops/s, got {}",
                    plain(w.rate)
                ),
            ),
            // Below a millisecond a client retries or gives up faster than
            // any message arrives: a 6 s run of five writes made 6.5 M
            // events and 294 MB at a 1 us retry (a tester).
            (
                w.timeout >= MIN_TIMER,
                format!("\"client_timeout_us\" must be at least 1000 (1 ms), got {}", w.timeout),
            ),
            (
                w.retry.is_none_or(|r| r >= MIN_TIMER),
                format!(
                    "\"client_retry_us\" must be at least 1000 (1 ms), got {}",
                    w.retry.unwrap_or(0)
                ),
            ),
            (
                self.max_entries_per_append > 0,
                "max entries per append must be positive".into(),
            ),
            (
                (1..=1000).contains(&w.keys),
                format!("\"workload\": \"keys\" must be 1 to 1000, got {}", w.keys),
            ),
            (
                self.snapshot_threshold
                    .is_none_or(|t| (1..=MAX_SNAPSHOT_THRESHOLD).contains(&t)),
                format!(
                    "snapshot threshold must be 1 to {MAX_SNAPSHOT_THRESHOLD} entries, got {}",
                    self.snapshot_threshold.unwrap_or(0)
                ),
            ),
            (
                [d.write_latency, d.fsync_latency, d.fsync_jitter]
                    .iter()
                    .all(|t| *t <= 60 * SECONDS),
                "disk latencies must be at most 60s".into(),
            ),
            (
                (0.0..=1.0).contains(&d.torn_write),
                format!("torn_write must be 0 to 1, got {}", plain(d.torn_write)),
            ),
            (
                (0.0..=1.0).contains(&self.nemesis.partial_partitions)
                    && (0.0..=1.0).contains(&self.nemesis.transfers)
                    && (0.0..=1.0).contains(&self.nemesis.membership_changes),
                "partial partitions, transfers and membership changes must be shares 0 to 1".into(),
            ),
            (
                self.reads.clock_drift_ppm <= MAX_DRIFT_PPM as u64,
                format!(
                    "clock_drift_ppm must be 0 to {MAX_DRIFT_PPM} (±50%), got {}",
                    self.reads.clock_drift_ppm
                ),
            ),
        ];
        match checks.into_iter().find(|(ok, _)| !ok) {
            Some((_, message)) => Err(message),
            None => self.faults.validate(),
        }
    }
}

/// The most requests a run's background clients may be expected to make
/// (rate × duration). Every request stays in memory until the run ends
/// (its history record, its log entry on every server): about 1.1 KB each
/// at 5 servers and 2 KB at 25 (`/usr/bin/time -v` of `raft-sim run
/// --clients 10 --rate 100` for 1200 s and 1 h, 2026-12-05). Within the
/// other limits 1000 clients at 100,000 ops/s for 24 h grew about 20 MB a
/// simulated second until killed (a tester); a million is at most about
/// 2 GB, and keeps a day at the default 10 ops/s and the bench's hour at
/// 100 ops/s (360,000).
pub const MAX_REQUESTS: f64 = 1_000_000.0;

/// How many requests `workload`'s clients would make in `duration`, were
/// they never slowed down: none without clients.
pub fn expected_requests(workload: &WorkloadConfig, duration: Time) -> f64 {
    if workload.clients == 0 {
        return 0.0;
    }
    workload.rate * duration as f64 / SECONDS as f64
}

/// Refuses a background workload expected to make more than
/// [`MAX_REQUESTS`] requests in `duration`; the message gives the figure
/// and the limit, for the caller to say which settings made it.
pub fn check_requests(workload: &WorkloadConfig, duration: Time) -> Result<(), String> {
    let requests = expected_requests(workload, duration);
    if requests <= MAX_REQUESTS {
        return Ok(());
    }
    Err(format!(
        "{} ops/s for {} s is about {} client requests; at most {} are accepted, \
         since each is kept in memory until the run ends (about 1 to 2 KB apiece)",
        plain(workload.rate),
        plain(duration as f64 / SECONDS as f64),
        fixed(requests, 0),
        fixed(MAX_REQUESTS, 0),
    ))
}

/// Parses a duration such as `60s`, `500ms`, `2m`, `1h` or `250us`.
pub fn parse_duration(text: &str) -> Result<Time, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    // Digits beyond u64 are a duration, too long (a tester was told
    // '99999999999999999999s' is not one): saturated, they fail below.
    let number: u64 = match digits.parse() {
        Ok(n) => n,
        Err(_) if !digits.is_empty() => u64::MAX,
        Err(_) => {
            return Err(format!(
                "'{text}' is not a duration: expected a number and a unit, like 60s or 500ms"
            ))
        }
    };
    let scale = match unit {
        "us" => 1,
        "ms" => MILLIS,
        "s" | "" => SECONDS,
        "m" => 60 * SECONDS,
        "h" => 3600 * SECONDS,
        _ => {
            return Err(format!(
                "'{text}' has unknown unit '{unit}': use us, ms, s, m or h"
            ))
        }
    };
    number
        .checked_mul(scale)
        .filter(|&t| t <= MAX_RUN)
        .ok_or_else(|| format!("'{text}' is too long: at most 24h, as in a scenario file"))
}

/// The longest run: a day, the longest a scenario file holds, so every run
/// can be written as one. A run's history and trace grow with its time
/// (about 47 MB a simulated hour at the defaults): 1000h, the limit
/// before, ran out of memory.
pub const MAX_RUN: Time = 24 * 3600 * SECONDS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_reject_garbage() {
        assert_eq!(parse_duration("60s"), Ok(60 * SECONDS));
        assert_eq!(parse_duration("500ms"), Ok(500 * MILLIS));
        assert_eq!(parse_duration("2m"), Ok(120 * SECONDS));
        assert_eq!(parse_duration("7"), Ok(7 * SECONDS));
        assert!(parse_duration("-3s").is_err());
        assert!(parse_duration("3 parsecs").is_err());
        assert!(parse_duration("99999999999999h").is_err());
        for huge in [
            "99999999999999999999s",
            "99999999999999999999us",
            "99999999999999999999",
        ] {
            let err = parse_duration(huge).unwrap_err();
            assert!(err.contains("is too long: at most 24h"), "{err}");
        }
        let err = parse_duration("99999999999999999999parsecs").unwrap_err();
        assert!(err.contains("unknown unit 'parsecs'"), "{err}");
        assert_eq!(parse_duration("24h"), Ok(MAX_RUN));
        let too_long = parse_duration("1441m").unwrap_err();
        assert!(too_long.contains("at most 24h"), "{too_long}");
    }

    #[test]
    fn keys_out_of_range_are_named_with_what_was_given() {
        for keys in [0, 1001] {
            let mut config = SimConfig::default();
            config.workload.keys = keys;
            assert_eq!(
                config.validate(),
                Err(format!(
                    "\"workload\": \"keys\" must be 1 to 1000, got {keys}"
                ))
            );
        }
    }

    /// The bench's hour at 100 ops/s and a day at the default rate run; a
    /// day of 1000 clients at 100,000 ops/s grew 20 MB a simulated second
    /// until killed (a tester).
    #[test]
    fn a_workload_expected_to_make_too_many_requests_is_refused() {
        let load = |clients, rate| WorkloadConfig {
            clients,
            rate,
            ..WorkloadConfig::default()
        };
        assert_eq!(check_requests(&load(10, 100.0), 3600 * SECONDS), Ok(()));
        assert_eq!(check_requests(&load(3, 10.0), MAX_RUN), Ok(()));
        assert_eq!(check_requests(&load(1, 100.0), 10_000 * SECONDS), Ok(()));
        assert_eq!(check_requests(&load(0, 100_000.0), MAX_RUN), Ok(()));
        let err = check_requests(&load(1000, 100_000.0), MAX_RUN).unwrap_err();
        assert_eq!(
            err,
            "100000 ops/s for 86400 s is about 8640000000 client requests; at most \
             1000000 are accepted, since each is kept in memory until the run ends \
             (about 1 to 2 KB apiece)"
        );
        assert!(check_requests(&load(1, 100.0), 10_001 * SECONDS).is_err());
    }

    #[test]
    fn absurd_numbers_are_rejected_with_the_reason() {
        let bad = SimConfig {
            nodes: 1_000_000,
            ..SimConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("nodes"));
        let mut bad = SimConfig::default();
        bad.network.loss = 1.5;
        assert!(bad.validate().unwrap_err().contains("loss"));
        assert_eq!(SimConfig::default().validate(), Ok(()));
    }
}
