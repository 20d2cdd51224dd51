//! How much of a run a leader could serve: the figure that shows what
//! PreVote and CheckQuorum are for. Safety holds with or without them;
//! what they buy is time with a leader that can commit.
//!
//! Sampled every 10 ms of the fault phase: a sample counts when the
//! highest-term running leader is followed, in its term, by a majority
//! (itself included) over links that are open both ways, so that it could
//! commit an entry now. A deafened leader, or one a partial partition
//! leaves with a minority, does not count, though its followers may still
//! believe in it.

use crate::raft::{NodeId, MILLIS};
use crate::sim::network::Endpoint;
use crate::sim::simulation::Simulation;
use serde::Serialize;

/// How often the fault phase is sampled.
pub const SAMPLE_EVERY: crate::raft::Time = 10 * MILLIS;

/// Samples of the fault phase, and how many had a serving leader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Availability {
    /// Samples taken, one per 10 ms of the fault phase.
    pub samples: u64,
    /// Samples with a serving leader.
    pub with_leader: u64,
}

impl Availability {
    /// Records one sample of `sim`.
    pub fn sample(&mut self, sim: &Simulation) {
        self.samples += 1;
        self.with_leader += u64::from(sim.serving_leader().is_some());
    }

    /// The samples of several runs together.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Availability>) -> Availability {
        all.into_iter()
            .fold(Availability::default(), |a, b| Availability {
                samples: a.samples + b.samples,
                with_leader: a.with_leader + b.with_leader,
            })
    }

    /// The share of samples with a serving leader, 0 to 1.
    pub fn share(&self) -> f64 {
        self.with_leader as f64 / self.samples.max(1) as f64
    }
}

impl Simulation {
    /// The running leader of the highest term, if a majority of the cluster
    /// (itself included) is running, in its term, following it, and joined
    /// to it by links open both ways.
    pub fn serving_leader(&self) -> Option<NodeId> {
        let leader = self.leader()?;
        let node = &self.server(leader)?.node;
        let (term, quorum) = (node.current_term(), node.config().quorum());
        let open = |a: NodeId, b: NodeId| {
            self.network
                .blocked(Endpoint::Node(a), Endpoint::Node(b))
                .is_none()
        };
        let following = self
            .servers
            .iter()
            .filter(|s| s.up && s.node.current_term() == term)
            .filter(|s| {
                let id = s.node.id();
                id == leader
                    || (s.node.leader_hint() == Some(leader)
                        && open(leader, id)
                        && open(id, leader))
            })
            .count();
        (following >= quorum).then_some(leader)
    }
}
