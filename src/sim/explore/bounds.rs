//! What the explorer may do, and how far: the bounds that keep the state
//! space of a small cluster finite.

use crate::raft::{LogIndex, Term};
use crate::sim::MAX_NODES;

/// The largest cluster the explorer takes: its symmetry reduction tries
/// every renaming of the servers (5! = 120), and the state space grows
/// much faster than that.
pub const MAX_EXPLORE_NODES: u64 = 5;
/// The deepest search accepted: past it, no bound on memory holds.
pub const MAX_DEPTH: u32 = 64;
/// The longest wait accepted: a client gives up on a request after a
/// second (`WorkloadConfig::timeout`), which the explorer does not model,
/// so the time a search lets pass must stay under it (`timing::horizon`).
pub const MAX_WAIT_MILLIS: u64 = 1_000;

/// Bounds on the interleavings the explorer enumerates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bounds {
    /// Servers in the cluster, 1..=[`MAX_EXPLORE_NODES`].
    pub nodes: u64,
    /// Steps (actions) from the start: the search is breadth-first, so
    /// every state at most this many steps away is visited.
    pub depth: u32,
    /// No server times out once its term has reached this (each election
    /// raises a term, so this bounds the elections).
    pub max_term: Term,
    /// No client request is sent once some log holds this many entries.
    pub max_log: LogIndex,
    /// A state with more messages than this in flight is not expanded.
    pub max_in_flight: usize,
    /// Crashes (each followed at once by a reboot) over a whole path.
    pub restarts: u32,
    /// Client requests (a write, or a read of the same key) over a path.
    pub requests: u32,
    /// Messages the network may duplicate over a path.
    pub duplicates: u32,
    /// Messages the network may lose over a path. For safety a lost
    /// message is one never delivered, which every path already allows;
    /// a loss matters only by making room under `max_in_flight`, so a
    /// small budget loses nothing the bound would not.
    pub drops: u32,
    /// Whether a leader may send its heartbeats by action. A new leader
    /// and a leader given a request send AppendEntries anyway; a heartbeat
    /// only repeats them.
    #[serde(default = "yes")]
    pub heartbeats: bool,
    /// Whether a client request may be a read (else only writes).
    #[serde(default = "yes")]
    pub reads: bool,
    /// A client request is delivered in the step that sends it (two
    /// actions, `client` then `deliver`, at the same millisecond), and only
    /// to a server that leads: see `moves` for why this loses no violation
    /// when the path duplicates no message.
    #[serde(default)]
    pub instant_requests: bool,
    /// The network loses every request between servers whose receiver's
    /// term has passed the request's (`moves::is_stale_request`): such a
    /// request is never delivered, and not counted or fingerprinted.
    #[serde(default)]
    pub stale_requests_lost: bool,
    /// Servers the leader may remove from the configuration over a path
    /// (thesis §4.1), one single-server change each.
    #[serde(default)]
    pub removals: u32,
    /// Waits along a path: each lets `wait_millis` of real time pass with
    /// nothing else happening (`timing`), so that leases and leader
    /// stickiness can run out. 0, the default, keeps every step 1 ms
    /// after the one before, where no deadline is ever reached.
    #[serde(default)]
    pub waits: u32,
    /// How long one wait lasts, in milliseconds of real time.
    #[serde(default)]
    pub wait_millis: u64,
    /// Leadership transfers the leader may start over a path (thesis
    /// §3.10), one to each other voter as a move.
    #[serde(default)]
    pub transfers: u32,
    /// Whether a server's disk may finish its writes sooner than its fsync
    /// latency, as a move (`sync_disk`): with a disk that lags
    /// (`search::lagging_disk`), which server's writes become durable
    /// first is then the search's to choose, as varying fsync times make
    /// it in a simulated run (thesis §10.2.1: a follower's copy can be
    /// durable before the leader's own).
    #[serde(default)]
    pub early_syncs: bool,
}

fn yes() -> bool {
    true
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            nodes: 3,
            depth: 12,
            max_term: 3,
            max_log: 3,
            max_in_flight: 4,
            restarts: 1,
            requests: 1,
            duplicates: 1,
            drops: 1,
            heartbeats: true,
            reads: true,
            instant_requests: false,
            stale_requests_lost: false,
            removals: 0,
            waits: 0,
            wait_millis: 0,
            transfers: 0,
            early_syncs: false,
        }
    }
}

impl Bounds {
    /// Why these bounds cannot be explored, if they cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_EXPLORE_NODES.min(MAX_NODES)).contains(&self.nodes) {
            return Err(format!(
                "the explorer takes 1 to {MAX_EXPLORE_NODES} nodes, got {}",
                self.nodes
            ));
        }
        if !(1..=MAX_DEPTH).contains(&self.depth) {
            return Err(format!(
                "the depth must be 1 to {MAX_DEPTH} steps, got {}",
                self.depth
            ));
        }
        if self.max_term == 0 {
            return Err("the term bound must be at least 1, or no election can start".into());
        }
        if self.max_in_flight == 0 {
            return Err("at least 1 message must be allowed in flight".into());
        }
        if self.waits > 0 && !(1..=MAX_WAIT_MILLIS).contains(&self.wait_millis) {
            return Err(format!(
                "with waits, a wait must last 1 to {MAX_WAIT_MILLIS} ms, got {}",
                self.wait_millis
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_three_servers_to_depth_twelve_and_valid() {
        let b = Bounds::default();
        assert_eq!((b.nodes, b.depth), (3, 12));
        assert_eq!(b.validate(), Ok(()));
    }

    #[test]
    fn absurd_bounds_are_refused_with_the_reason() {
        let too_many = Bounds {
            nodes: 6,
            ..Bounds::default()
        };
        assert!(too_many.validate().unwrap_err().contains("1 to 5 nodes"));
        let too_deep = Bounds {
            depth: 1000,
            ..Bounds::default()
        };
        assert!(too_deep.validate().unwrap_err().contains("depth"));
        let no_terms = Bounds {
            max_term: 0,
            ..Bounds::default()
        };
        assert!(no_terms.validate().unwrap_err().contains("term"));
        let instant_wait = Bounds {
            waits: 1,
            wait_millis: 0,
            ..Bounds::default()
        };
        assert!(instant_wait
            .validate()
            .unwrap_err()
            .contains("a wait must last"));
    }
}
