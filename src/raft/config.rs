//! Configuration of one Raft server.

use super::read_index::ReadPath;
use super::types::{LogIndex, NodeId, Time, MILLIS};
use super::unsafe_switches::UnsafeSwitches;
use serde::{Deserialize, Serialize};

/// The largest cluster a server supports (quorum arithmetic uses a fixed
/// array of this size, to stay allocation-free on the hot path).
pub const MAX_MEMBERS: usize = 32;

/// Timing of elections and heartbeats, in simulated microseconds. The serde
/// names are those of scenario files (docs/scenario-format.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    expecting = "an object with election_timeout_min_us, election_timeout_max_us and heartbeat_us"
)]
pub struct Timing {
    /// Election timeouts are drawn uniformly from this range (paper §5.2 uses
    /// 150-300 ms) so that split votes are rare and resolve quickly.
    #[serde(rename = "election_timeout_min_us")]
    pub election_timeout_min: Time,
    /// Upper end (inclusive) of the election timeout range; see
    /// `election_timeout_min`.
    #[serde(rename = "election_timeout_max_us")]
    pub election_timeout_max: Time,
    /// How often an idle leader sends empty AppendEntries (§5.2). Must be well
    /// below the election timeout (§5.6: broadcastTime << electionTimeout).
    #[serde(rename = "heartbeat_us")]
    pub heartbeat_interval: Time,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            election_timeout_min: 150 * MILLIS,
            election_timeout_max: 300 * MILLIS,
            heartbeat_interval: 50 * MILLIS,
        }
    }
}

/// Everything a server needs to know besides its own state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// All voting members of the cluster, this server included, sorted.
    pub members: Vec<NodeId>,
    /// Election timeouts and heartbeat interval.
    pub timing: Timing,
    /// Cap on entries carried by one AppendEntries, so that a follower far
    /// behind catches up in steps instead of one huge message.
    pub max_entries_per_append: usize,
    /// PreVote (thesis §9.6): before raising its term, a server asks whether
    /// it could win. Off by default (Figure 2's Raft).
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2 and §4.2.3, etcd's `CheckQuorum`): a leader
    /// that has not heard from a majority for an election timeout steps
    /// down, and a server that heard from a leader within the minimum
    /// election timeout ignores RequestVote. Off by default.
    pub check_quorum: bool,
    /// How reads are answered: through the log (the default), ReadIndex,
    /// a lease, or locally (thesis §6.4).
    pub reads: ReadPath,
    /// How far any server's clock may run from real time, in parts per
    /// million: the margin a lease gives up (thesis §6.4.1). 0 by default.
    pub max_clock_drift_ppm: u64,
    /// Log compaction (thesis chapter 5): a server snapshots its state
    /// machine once this many applied entries follow its last snapshot.
    /// `None` (the default): never.
    pub snapshot_threshold: Option<LogIndex>,
    /// How many records (a key and its value, or a client's session) one
    /// InstallSnapshot chunk carries (Figure 13's `data[]`).
    pub snapshot_chunk_records: usize,
    /// Deliberate bugs for demonstrations; all off by default.
    pub unsafe_switches: UnsafeSwitches,
}

impl Config {
    /// A cluster of servers 1..=n with default timing.
    pub fn cluster(n: u64) -> Self {
        Config {
            members: (1..=n).collect(),
            timing: Timing::default(),
            max_entries_per_append: 64,
            pre_vote: false,
            check_quorum: false,
            reads: ReadPath::Log,
            max_clock_drift_ppm: 0,
            snapshot_threshold: None,
            snapshot_chunk_records: 4,
            unsafe_switches: UnsafeSwitches::none(),
        }
    }

    /// Votes or replicas needed for a decision: a strict majority.
    pub fn quorum(&self) -> usize {
        self.members.len() / 2 + 1
    }
}
