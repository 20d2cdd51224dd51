//! The moves the explorer may make from a state: every event that could
//! come next in some real run, within the bounds.

use super::bounds::Bounds;
use crate::raft::{NodeId, Op, Role};
use crate::sim::network::Endpoint;
use crate::sim::{Action, Simulation};

/// What a path has used of its bounds so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Used {
    /// Crashes (with their reboots).
    pub restarts: u32,
    /// Client requests sent.
    pub requests: u32,
    /// Messages duplicated.
    pub duplicates: u32,
    /// Messages dropped.
    pub drops: u32,
}

impl Used {
    /// The counts, for the fingerprint.
    pub fn counts(&self) -> [u32; 4] {
        [self.restarts, self.requests, self.duplicates, self.drops]
    }

    /// What is used after `action`.
    pub fn after(mut self, action: &Action) -> Used {
        match action {
            Action::Restart(_) => self.restarts += 1,
            Action::ClientRequest { .. } => self.requests += 1,
            Action::DuplicateMessage(_) => self.duplicates += 1,
            Action::DropMessage(_) => self.drops += 1,
            _ => {}
        }
        self
    }
}

/// The key every client request names: one register is enough to show a
/// stale read or a lost write.
pub const KEY: &str = "x";

/// Every move from `sim`, in a fixed order (so the search, and the
/// counterexample it finds first, is deterministic): for each message in
/// flight to a server, in id order, deliver it, drop it, or duplicate it;
/// for each server, time out (not a leader), send heartbeats (a leader),
/// crash and reboot; then a client's write or read sent to each server.
pub fn moves(sim: &Simulation, bounds: &Bounds, used: Used) -> Vec<Action> {
    let mut all = Vec::new();
    for m in sim.network().in_flight() {
        if !matches!(m.to, Endpoint::Node(_)) {
            continue;
        }
        all.push(Action::DeliverMessage(m.id));
        if used.drops < bounds.drops {
            all.push(Action::DropMessage(m.id));
        }
        if used.duplicates < bounds.duplicates {
            all.push(Action::DuplicateMessage(m.id));
        }
    }
    for server in sim.servers() {
        let (id, node) = (server.node.id(), &server.node);
        if node.role() == Role::Leader {
            all.push(Action::Heartbeat(id));
        } else if node.current_term() < bounds.max_term {
            all.push(Action::ForceTimeout(id));
        }
        if used.restarts < bounds.restarts {
            all.push(Action::Restart(id));
        }
    }
    let longest = sim.servers().iter().map(|s| s.node.log().last_index());
    if used.requests < bounds.requests && longest.max().unwrap_or(0) < bounds.max_log {
        for id in 1..=sim.servers().len() as NodeId {
            all.extend(requests_to(id, used.requests));
        }
    }
    all
}

/// A write of a value no earlier request wrote (so a stale read shows),
/// and a read, both of [`KEY`], to server `id`.
fn requests_to(id: NodeId, sent: u32) -> [Action; 2] {
    let write = Op::Write {
        key: KEY.into(),
        value: format!("v{}", sent + 1),
    };
    let read = Op::Read { key: KEY.into() };
    [write, read].map(|op| Action::ClientRequest { to: Some(id), op })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::UnsafeSwitches;
    use crate::sim::explore::search::explorer_config;

    #[test]
    fn a_fresh_cluster_can_time_out_crash_or_take_a_request_anywhere() {
        let bounds = Bounds::default();
        let sim = Simulation::new(explorer_config(&bounds, UnsafeSwitches::none())).unwrap();
        let all = moves(&sim, &bounds, Used::default());
        // 3 timeouts, 3 restarts, a write and a read to each of 3 servers.
        assert_eq!(all.len(), 12, "{all:?}");
        assert!(all.contains(&Action::ForceTimeout(2)));
        assert!(all.contains(&Action::Restart(3)));
        let spent = Used {
            restarts: 1,
            requests: 1,
            ..Used::default()
        };
        assert_eq!(moves(&sim, &bounds, spent).len(), 3, "only timeouts left");
    }
}
