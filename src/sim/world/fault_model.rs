//! Faults that hold messages back instead of losing them, and duplication
//! on client links: the settings beyond `NetworkConfig`'s latency, loss and
//! duplication.
//!
//! Raft must ignore or correctly handle a message from an earlier term
//! whenever it arrives (§5.1: "If a server receives a request with a stale
//! term number, it rejects the request"; replies "can be ignored"). A
//! message that is merely 5 to 40 ms late almost never crosses a term
//! change, so these settings make lateness that does: a heavy latency tail,
//! partitions that hold messages and deliver them when the link heals (as
//! TCP's retransmission does), and paused servers that find their inbox
//! waiting when they resume.
//!
//! Every default is the simulator's behaviour before these settings
//! existed, so an old scenario replays to the same trace hash. The serde
//! names are those of scenario files (docs/scenario-format.md, `faults`).

use crate::raft::{Rng, Time, Timing};
use serde::{Deserialize, Serialize};

/// The settings, all off by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultModel {
    /// Some messages are late by whole election timeouts.
    #[serde(default, skip_serializing_if = "LatencyTail::is_default")]
    pub latency_tail: LatencyTail,
    /// What a partition or a cut link does to a message that reaches it.
    #[serde(default, skip_serializing_if = "PartitionMode::is_drop")]
    pub partitions: PartitionMode,
    /// What becomes of a message that reaches a stopped (paused) server.
    #[serde(default, skip_serializing_if = "PausedInbox::is_drop")]
    pub paused_inbox: PausedInbox,
    /// Whether the network's `duplication` applies to client requests and
    /// replies too, not only to messages between servers: a client must then
    /// assume any attempt may be in a log twice (`workload::attempts`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub client_duplication: bool,
    /// Whether messages between servers arrive and timers fire by
    /// themselves, or only when an action says so (the explorer's runs).
    #[serde(default, skip_serializing_if = "Delivery::is_network")]
    pub delivery: Delivery,
}

impl FaultModel {
    /// True when every setting is the old behaviour.
    pub fn is_off(&self) -> bool {
        *self == FaultModel::default()
    }

    /// Whether messages can be held back rather than lost: a latency tail,
    /// partitions that hold, or paused servers that keep their inbox.
    pub fn holds_messages(&self) -> bool {
        self.latency_tail.probability > 0.0
            || self.partitions == PartitionMode::Hold
            || self.paused_inbox == PausedInbox::Keep
    }

    /// What the nemesis uses (`--faults all`): 2% of messages late by one to
    /// five election timeouts, partitions that hold messages, paused servers
    /// that keep their inbox, and duplicated client traffic.
    pub fn nemesis(timing: &Timing) -> Self {
        FaultModel {
            latency_tail: LatencyTail {
                probability: 0.02,
                min: timing.election_timeout_min,
                max: 5 * timing.election_timeout_max,
            },
            partitions: PartitionMode::Hold,
            paused_inbox: PausedInbox::Keep,
            client_duplication: true,
            delivery: Delivery::Network,
        }
    }

    /// Why these settings make no sense, if they do not.
    pub fn validate(&self) -> Result<(), String> {
        let tail = &self.latency_tail;
        if !(0.0..=1.0).contains(&tail.probability) {
            return Err(format!(
                "latency tail probability must be 0 to 1, got {}",
                crate::sim::decimal::plain(tail.probability)
            ));
        }
        if tail.min > tail.max || tail.max > MAX_TAIL {
            return Err(format!(
                "latency tail range must be min <= max <= {MAX_TAIL}us"
            ));
        }
        Ok(())
    }
}

/// The longest extra delay the tail may add: an hour.
pub const MAX_TAIL: Time = 3_600_000_000;

/// A heavy tail on top of the ordinary latency: with `probability`, a
/// message is late by an extra delay drawn uniformly from `min..=max`.
/// Election timeouts are 150-300 ms (§5.2); an extra second or so makes a
/// message outlive the term it was sent in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyTail {
    /// Probability that a message is late, 0..=1; 0 turns the tail off.
    pub probability: f64,
    /// Least extra delay, in simulated microseconds.
    #[serde(rename = "min_us")]
    pub min: Time,
    /// Greatest extra delay, in simulated microseconds (inclusive).
    #[serde(rename = "max_us")]
    pub max: Time,
}

impl LatencyTail {
    /// True when no message is ever late by the tail.
    pub fn is_off(&self) -> bool {
        self.probability <= 0.0
    }

    /// True when every field is the default (a file leaves it out).
    pub fn is_default(&self) -> bool {
        *self == LatencyTail::default()
    }

    /// The extra delay of one message, drawn from `rng`, the tail's own
    /// stream: nothing is drawn while the tail is off, so turning it on
    /// moves no other random choice of the run.
    pub fn extra(&self, rng: &mut Rng) -> Time {
        if self.is_off() || !rng.chance(self.probability) {
            return 0;
        }
        rng.range_inclusive(self.min, self.max)
    }
}

/// What a partition or a cut link does to a message that reaches it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMode {
    /// The message dies at the cut (a `drop` with reason `partition` or
    /// `cut`), like a datagram.
    #[default]
    Drop,
    /// The message waits on its link and arrives when the link heals, in
    /// order with the others held on that link, as a TCP connection
    /// retransmits once the path is back.
    Hold,
}

impl PartitionMode {
    /// True for the default.
    pub fn is_drop(&self) -> bool {
        *self == PartitionMode::Drop
    }
}

/// What becomes of a message that reaches a stopped (paused) server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PausedInbox {
    /// It is lost (a `drop` with reason `receiver_down`).
    #[default]
    Drop,
    /// It waits, and the server reads its inbox in arrival order when it
    /// resumes, as a paused process (a long GC pause, SIGSTOP) finds its
    /// socket buffers full. A crash (restart) still loses it.
    Keep,
}

impl PausedInbox {
    /// True for the default.
    pub fn is_drop(&self) -> bool {
        *self == PausedInbox::Drop
    }
}

/// Who decides when things happen: the network and the clocks, or the
/// actions alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// A message arrives when its latency has passed; timers fire when due.
    #[default]
    Network,
    /// A message to a server waits in flight until a `deliver`,
    /// `duplicate` or `drop` action, and no server's timer fires until a
    /// `timeout` or `heartbeat` action: every interleaving is a list of
    /// actions, which is how the explorer (`explore`) enumerates them and
    /// how its counterexamples replay. A reply to a client arrives at once.
    ByAction,
}

impl Delivery {
    /// True for the default.
    pub fn is_network(&self) -> bool {
        *self == Delivery::Network
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MILLIS;

    #[test]
    fn an_off_tail_draws_nothing() {
        let mut rng = Rng::new(3);
        let before = rng.clone();
        assert_eq!(LatencyTail::default().extra(&mut rng), 0);
        assert_eq!(rng, before);
    }

    #[test]
    fn a_tail_is_late_by_its_range_with_its_probability() {
        let tail = LatencyTail {
            probability: 0.1,
            min: 300 * MILLIS,
            max: 1500 * MILLIS,
        };
        let mut rng = Rng::new(5);
        let late: Vec<Time> = (0..10_000)
            .map(|_| tail.extra(&mut rng))
            .filter(|&d| d > 0)
            .collect();
        assert!((800..1200).contains(&late.len()), "{}", late.len());
        assert!(late
            .iter()
            .all(|d| (300 * MILLIS..=1500 * MILLIS).contains(d)));
    }

    #[test]
    fn the_default_is_off_and_the_nemesis_turns_everything_on() {
        assert!(FaultModel::default().is_off());
        let on = FaultModel::nemesis(&Timing::default());
        assert!(!on.latency_tail.is_off());
        assert_eq!(on.partitions, PartitionMode::Hold);
        assert!(on.client_duplication);
        assert_eq!(on.latency_tail.min, 150 * MILLIS);
        assert_eq!(on.latency_tail.max, 1500 * MILLIS);
        assert_eq!(on.validate(), Ok(()));
        let mut bad = on;
        bad.latency_tail.probability = 2.0;
        assert!(bad.validate().unwrap_err().contains("probability"));
    }
}
