//! A state's fingerprint: one number that two states share when the
//! protocol cannot tell them apart, so the explorer visits each only once.
//!
//! What counts: each server's term, vote, role, log, commit index, applied
//! index, leader hint, votes received, the leader's next and match indexes
//! and its waiting proposals, whether it runs; every message in flight (its
//! ends and content, not its id or timing); the clients' operations and
//! what they returned; and what the path used of its budgets (crashes,
//! requests, duplicates), since that limits what may follow. What does not:
//! time and timers (the explorer fires timers by action, so a deadline
//! decides nothing), the random streams, message ids, and the checkers'
//! memory of the past — as in TLC or Stateright without history variables,
//! two paths to the same servers and messages are one state.
//!
//! Symmetry reduction: servers are interchangeable (every one runs the
//! same code from the same start), so a state and the same state with the
//! servers renamed are one. The fingerprint is the least hash over every
//! renaming (n! of them: 6 for 3 servers), which maps all renamings of a
//! state to the same number (Ip and Dill's scalarset reduction, as in
//! Murphi and Stateright's `representative`).

use crate::raft::{NodeId, RaftNode};
use crate::sim::network::{Endpoint, InFlight};
use crate::sim::Simulation;
use std::collections::hash_map::DefaultHasher;
use std::fmt::{self, Write as _};
use std::hash::Hasher;

/// The fingerprint of `sim`'s state with `budget` (what the path used of
/// its bounds), the same for every renaming of the servers.
pub fn fingerprint(sim: &Simulation, budget: [u32; 3]) -> u64 {
    let servers = sim.servers();
    let n = servers.len();
    let own: Vec<u64> = servers.iter().map(|s| own_part(&s.node, s.up)).collect();
    let messages: Vec<(Endpoint, Endpoint, u64)> = sim
        .network()
        .in_flight()
        .map(|m| (m.from, m.to, content(m)))
        .collect();
    let mut shared = DefaultHasher::new();
    shared.write(&budget.map(u64::from).map(u64::to_le_bytes).concat());
    for op in sim.history().iter() {
        let _ = write!(
            HashWriter(&mut shared),
            "{}#{} {:?} {:?} {:?}",
            op.client,
            op.request,
            op.op,
            op.outcome,
            op.read_result
        );
    }
    let shared = shared.finish();
    permutations(n)
        .into_iter()
        .map(|rename| renamed(sim, &rename, &own, &messages, shared))
        .min()
        .expect("at least one renaming")
}

/// The hash of the state with server `i + 1` called `rename[i]`.
fn renamed(
    sim: &Simulation,
    rename: &[NodeId],
    own: &[u64],
    messages: &[(Endpoint, Endpoint, u64)],
    shared: u64,
) -> u64 {
    let to = |id: NodeId| rename[id as usize - 1];
    // Servers in the order of their new names.
    let mut servers: Vec<(NodeId, u64)> = sim
        .servers()
        .iter()
        .enumerate()
        .map(|(i, s)| (rename[i], named_part(&s.node, own[i], &to)))
        .collect();
    servers.sort_unstable();
    let end = |e: Endpoint| match e {
        Endpoint::Node(id) => Endpoint::Node(to(id)),
        client => client,
    };
    let mut wire: Vec<(u64, u64, u64)> = messages
        .iter()
        .map(|&(from, dest, content)| (end(from).code(), end(dest).code(), content))
        .collect();
    wire.sort_unstable();
    let mut h = DefaultHasher::new();
    h.write_u64(shared);
    for (_, part) in servers {
        h.write_u64(part);
    }
    for (from, dest, content) in wire {
        h.write_u64(from);
        h.write_u64(dest);
        h.write_u64(content);
    }
    h.finish()
}

/// What of a server names no other server: the same under any renaming.
fn own_part(node: &RaftNode, up: bool) -> u64 {
    let mut h = DefaultHasher::new();
    h.write_u8(up as u8);
    h.write_u8(node.role() as u8);
    h.write_u64(node.current_term());
    h.write_u64(node.commit_index());
    h.write_u64(node.last_applied());
    h.write_usize(node.pending_proposals());
    let log = node.log();
    h.write_u64(log.snapshot_index());
    h.write_u64(log.snapshot_term());
    for index in log.first_index()..=log.last_index() {
        if let Some(entry) = log.entry(index) {
            h.write_u64(entry.term);
            let _ = write!(HashWriter(&mut h), "{:?}", entry.payload);
        }
    }
    h.finish()
}

/// The rest of a server, with every server it names renamed by `to`.
fn named_part(node: &RaftNode, own: u64, to: &impl Fn(NodeId) -> NodeId) -> u64 {
    let mut h = DefaultHasher::new();
    h.write_u64(own);
    h.write_u64(node.voted_for().map_or(0, to));
    h.write_u64(node.leader_hint().map_or(0, to));
    let mut votes: Vec<NodeId> = node.votes().iter().map(|&v| to(v)).collect();
    votes.sort_unstable();
    h.write_usize(votes.len());
    for v in votes {
        h.write_u64(v);
    }
    let mut progress: Vec<(NodeId, u64, u64)> = node
        .progress()
        .iter()
        .map(|(&peer, p)| (to(peer), p.next_index, p.match_index))
        .collect();
    progress.sort_unstable();
    for (peer, next, matched) in progress {
        h.write_u64(peer);
        h.write_u64(next);
        h.write_u64(matched);
    }
    h.finish()
}

/// A message's content: its type and fields, but not its id, ends or
/// timing. No message between servers names a server inside it (the
/// sender is the envelope's), so the content needs no renaming.
fn content(m: &InFlight) -> u64 {
    let mut h = DefaultHasher::new();
    let _ = write!(HashWriter(&mut h), "{:?}", m.packet);
    h.finish()
}

/// Every renaming of servers 1..=n, as the list of new names.
fn permutations(n: usize) -> Vec<Vec<NodeId>> {
    let mut all = vec![Vec::new()];
    for _ in 0..n {
        let mut longer = Vec::new();
        for p in &all {
            for id in 1..=n as NodeId {
                if !p.contains(&id) {
                    let mut q = p.clone();
                    q.push(id);
                    longer.push(q);
                }
            }
        }
        all = longer;
    }
    all
}

/// Feeds formatted text to a hasher without building a string.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::UnsafeSwitches;
    use crate::sim::explore::{explorer_config, Bounds};
    use crate::sim::Action;

    fn after(actions: &[Action]) -> Simulation {
        let config = explorer_config(&Bounds::default(), UnsafeSwitches::none());
        let mut sim = Simulation::new(config).unwrap();
        for (i, action) in actions.iter().enumerate() {
            sim.run_until(i as u64 + 1);
            sim.act_now(action.clone()).unwrap();
        }
        sim
    }

    #[test]
    fn a_state_and_the_same_state_with_servers_renamed_are_one() {
        let none = [0; 3];
        let one = fingerprint(&after(&[Action::ForceTimeout(1)]), none);
        let two = fingerprint(&after(&[Action::ForceTimeout(2)]), none);
        assert_eq!(one, two, "n1 or n2 standing for election: one state");
        // n1 votes for n2 (message 1 of n2's election goes to n1), or n3
        // votes for n1: the same state renamed.
        let a = after(&[Action::ForceTimeout(2), Action::DeliverMessage(1)]);
        let b = after(&[Action::ForceTimeout(1), Action::DeliverMessage(2)]);
        assert_eq!(a.network().get(3).unwrap().to, Endpoint::Node(2));
        assert_eq!(fingerprint(&a, none), fingerprint(&b, none));
    }

    #[test]
    fn states_that_differ_have_different_fingerprints() {
        let none = [0; 3];
        let fresh = fingerprint(&after(&[]), none);
        let candidate = fingerprint(&after(&[Action::ForceTimeout(1)]), none);
        assert_ne!(fresh, candidate);
        // The same servers with a request message dropped: not the same.
        let sent = after(&[Action::ForceTimeout(1)]);
        let dropped = after(&[Action::ForceTimeout(1), Action::DropMessage(1)]);
        assert_ne!(fingerprint(&sent, none), fingerprint(&dropped, none));
        // Nor with a budget spent.
        assert_ne!(fingerprint(&sent, none), fingerprint(&sent, [1, 0, 0]));
        // Two servers standing, or one twice over: different.
        let both = after(&[Action::ForceTimeout(1), Action::ForceTimeout(2)]);
        let twice = after(&[Action::ForceTimeout(1), Action::ForceTimeout(1)]);
        assert_ne!(fingerprint(&both, none), fingerprint(&twice, none));
    }

    #[test]
    fn there_are_n_factorial_renamings_each_a_permutation() {
        assert_eq!(permutations(1), vec![vec![1]]);
        let three = permutations(3);
        assert_eq!(three.len(), 6);
        for p in &three {
            let mut sorted = p.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, vec![1, 2, 3]);
        }
        assert_eq!(permutations(5).len(), 120);
    }
}
