//! How the acknowledged reads of a run were answered: through the log, or
//! by one of the paths of thesis §6.4. A sweep over lease reads that never
//! answered one by lease would prove nothing about leases.

use crate::raft::{Op, ServedBy};
use crate::sim::history::{Operation, Outcome};
use serde::Serialize;

/// Acknowledged reads, by what answered them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReadsServed {
    /// Through the log, as a command.
    pub log: u64,
    /// By the leader after a ReadIndex round.
    pub read_index: u64,
    /// By the leader inside its lease.
    pub lease: u64,
    /// By a follower, with a read index from the leader.
    pub follower: u64,
    /// By any server from its own state.
    pub local: u64,
}

impl ReadsServed {
    /// Counts the acknowledged reads of `history`.
    pub fn of<'a>(history: impl IntoIterator<Item = &'a Operation>) -> Self {
        let mut counts = ReadsServed::default();
        let reads = history
            .into_iter()
            .filter(|op| op.outcome == Outcome::Ok && matches!(op.op, Op::Read { .. }));
        for op in reads {
            let counter = match op.served_by {
                None => &mut counts.log,
                Some(ServedBy::ReadIndex) => &mut counts.read_index,
                Some(ServedBy::Lease) => &mut counts.lease,
                Some(ServedBy::Follower) => &mut counts.follower,
                Some(ServedBy::Local) => &mut counts.local,
            };
            *counter += 1;
        }
        counts
    }

    /// Only reads through the log (every run before the other paths).
    pub fn only_log(&self) -> bool {
        self.read_index + self.lease + self.follower + self.local == 0
    }

    /// The counts of several runs together.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a ReadsServed>) -> ReadsServed {
        all.into_iter()
            .fold(ReadsServed::default(), |a, b| ReadsServed {
                log: a.log + b.log,
                read_index: a.read_index + b.read_index,
                lease: a.lease + b.lease,
                follower: a.follower + b.follower,
                local: a.local + b.local,
            })
    }
}
