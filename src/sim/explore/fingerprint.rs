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
//! two paths to the same servers and messages are one state. (With waits,
//! `Bounds::waits`, time can reach deadlines: then each server's clock
//! rate and deadlines, relative to its own clock, count too — `timing`.)
//!
//! Symmetry reduction: servers are interchangeable (every one runs the
//! same code from the same start), so a state and the same state with the
//! servers renamed are one. The fingerprint is the least hash over every
//! renaming (n! of them: 6 for 3 servers), which maps all renamings of a
//! state to the same number (Ip and Dill's scalarset reduction, as in
//! Murphi and Stateright's `representative`).

use super::moves::is_ignored;
use super::timing::times_part;
use crate::raft::{NodeId, RaftNode, Time};
use crate::sim::network::Endpoint;
use crate::sim::Simulation;
use std::hash::{Hash, Hasher};

/// Computes fingerprints, keeping what one fingerprint needs and the next
/// can reuse: the renamings, and buffers (the search computes millions).
pub struct Fingerprinter {
    renamings: Vec<Vec<NodeId>>,
    own: Vec<u64>,
    messages: Vec<(Endpoint, Endpoint, u64)>,
    servers: Vec<(NodeId, u64)>,
    wire: Vec<(u64, u64, u64)>,
    times: Vec<u64>,
    stale_requests_lost: bool,
    disks: bool,
    /// With waits (`timing`): the local horizon time left is capped at.
    horizon: Option<Time>,
}

impl Fingerprinter {
    /// For clusters of `nodes` servers.
    pub fn new(nodes: u64) -> Fingerprinter {
        Fingerprinter {
            renamings: permutations(nodes as usize),
            own: Vec::new(),
            messages: Vec::new(),
            servers: Vec::new(),
            wire: Vec::new(),
            times: Vec::new(),
            stale_requests_lost: false,
            disks: false,
            horizon: None,
        }
    }

    /// Leaving out stale requests too, as the search does with
    /// `Bounds::stale_requests_lost` (they are never delivered).
    pub fn losing_stale_requests(mut self, lost: bool) -> Fingerprinter {
        self.stale_requests_lost = lost;
        self
    }

    /// Counting each server's disk too, as a search must when disks lose
    /// unsynced writes (a `DiskConfig` that is not synchronous): with a
    /// synchronous disk what is durable is what the server holds, so the
    /// disk tells nothing more.
    pub fn with_disks(mut self, disks: bool) -> Fingerprinter {
        self.disks = disks;
        self
    }

    /// With each server's deadlines, relative to its clock and capped at
    /// `local_horizon`, and its clock rate (`timing::times_part`), as the
    /// search does when it lets time pass.
    pub fn timed(mut self, local_horizon: Time) -> Fingerprinter {
        self.horizon = Some(local_horizon);
        self
    }

    /// The fingerprint of `sim`'s state with `budget` (what the path used
    /// of its bounds), the same for every renaming of the servers.
    pub fn fingerprint(&mut self, sim: &Simulation, budget: impl Hash) -> u64 {
        self.own.clear();
        for (i, s) in sim.servers().iter().enumerate() {
            let mut part = own_part(&s.node, s.up);
            if let Some(horizon) = self.horizon {
                part = mix(part, times_part(sim, i, horizon));
            }
            self.own.push(part);
        }
        self.messages.clear();
        for m in sim.network().in_flight() {
            if is_ignored(sim, self.stale_requests_lost, m) {
                continue; // the same state without it (`moves::is_dead`)
            }
            let mut h = Mix::default();
            m.packet.hash(&mut h);
            self.messages.push((m.from, m.to, h.finish()));
        }
        let shared = self.shared_part(sim, budget);
        let mut least = u64::MAX;
        for i in 0..self.renamings.len() {
            least = least.min(self.renamed(sim, i, shared));
        }
        least
    }

    /// What no renaming changes: the budgets and the clients' operations,
    /// with the order of their invocations and returns (which
    /// linearizability reads), not their times.
    fn shared_part(&mut self, sim: &Simulation, budget: impl Hash) -> u64 {
        let mut h = Mix::default();
        budget.hash(&mut h);
        let history = sim.history();
        self.times.clear();
        for op in history.iter() {
            self.times.push(op.invoke_t);
            self.times.extend(op.return_t);
        }
        self.times.sort_unstable();
        self.times.dedup();
        let rank = |t: u64| self.times.binary_search(&t).unwrap_or(usize::MAX);
        for op in history.iter() {
            (op.client, op.request, &op.op, &op.read_result).hash(&mut h);
            (op.outcome as u8).hash(&mut h);
            (rank(op.invoke_t), op.return_t.map(rank)).hash(&mut h);
        }
        h.finish()
    }

    /// The hash of the state under renaming `r`: server `i + 1` is called
    /// `self.renamings[r][i]`.
    fn renamed(&mut self, sim: &Simulation, r: usize, shared: u64) -> u64 {
        let rename = &self.renamings[r];
        let to = |id: NodeId| rename[id as usize - 1];
        // Servers in the order of their new names.
        self.servers.clear();
        for (i, s) in sim.servers().iter().enumerate() {
            let mut part = named_part(&s.node, self.own[i], &to);
            if self.disks {
                let mut h = Mix(part);
                s.disk.hash_explored_state(&mut h, sim.now(), &to);
                part = h.finish();
            }
            self.servers.push((rename[i], part));
        }
        self.servers.sort_unstable();
        let end = |e: Endpoint| match e {
            Endpoint::Node(id) => Endpoint::Node(to(id)),
            client => client,
        };
        self.wire.clear();
        for &(from, dest, content) in &self.messages {
            self.wire
                .push((end(from).code(), end(dest).code(), content));
        }
        self.wire.sort_unstable();
        let mut h = shared;
        for &(_, part) in &self.servers {
            h = mix(h, part);
        }
        for &(from, dest, content) in &self.wire {
            h = mix(mix(mix(h, from), dest), content);
        }
        h
    }
}

/// The fingerprint of `sim`'s state with `budget`, computed afresh (see
/// [`Fingerprinter`], which a search keeps).
pub fn fingerprint(sim: &Simulation, budget: impl Hash) -> u64 {
    Fingerprinter::new(sim.servers().len() as u64)
        .with_disks(!sim.config().disk.is_synchronous())
        .fingerprint(sim, budget)
}

/// What of a server names no other server: the same under any renaming.
fn own_part(node: &RaftNode, up: bool) -> u64 {
    let log = node.log();
    let mut h = Mix::default();
    for index in log.first_index()..=log.last_index() {
        if let Some(entry) = log.entry(index) {
            entry.hash(&mut h);
        }
    }
    let words = [
        up as u64,
        node.role() as u64,
        node.current_term(),
        node.commit_index(),
        node.last_applied(),
        log.snapshot_index(),
        log.snapshot_term(),
    ];
    words.into_iter().fold(h.finish(), mix)
}

/// The rest of a server, with every server it names renamed by `to`.
fn named_part(node: &RaftNode, own: u64, to: &impl Fn(NodeId) -> NodeId) -> u64 {
    let mut h = mix(own, node.voted_for().map_or(0, to));
    h = mix(h, node.leader_hint().map_or(0, to));
    // A renamed set as bits, which is order-free (at most 5 servers).
    let votes: u64 = node.votes().iter().map(|&v| 1 << to(v)).sum();
    h = mix(h, votes);
    let mut progress = [None; 8];
    for (&peer, p) in node.progress().iter() {
        progress[to(peer) as usize] = Some(p);
    }
    let mut rest = Mix(h);
    progress.hash(&mut rest);
    node.hash_explored_state(&mut rest, to);
    rest.finish()
}

/// A [`Hasher`] that folds each word in with [`mix`]: the content of
/// messages, log entries and histories is hashed through their derived
/// `Hash`, a word at a time, instead of through their `Debug` text (which
/// was a quarter of the search's time).
#[derive(Default)]
pub(super) struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.0 = mix(
                self.0,
                u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
            );
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.0 = mix(
            self.0,
            u64::from_le_bytes(tail) ^ ((bytes.len() as u64) << 56),
        );
    }

    fn write_u8(&mut self, x: u8) {
        self.0 = mix(self.0, u64::from(x));
    }

    fn write_u32(&mut self, x: u32) {
        self.0 = mix(self.0, u64::from(x));
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = mix(self.0, x);
    }

    fn write_usize(&mut self, x: usize) {
        self.0 = mix(self.0, x as u64);
    }
}

/// Folds `x` into `h`: a 128-bit product folded to 64 bits (as wyhash
/// and foldhash mix), much cheaper than SipHash per word, and every input
/// bit reaches every output bit. The search hashes some 100 words per
/// renaming of every state it reaches; SipHash there was a third of its
/// time.
fn mix(h: u64, x: u64) -> u64 {
    let product = u128::from(h ^ x) * 0x9E37_79B9_7F4A_7C15;
    (product as u64) ^ ((product >> 64) as u64)
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
        let none = [0; 5];
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
        let none = [0; 5];
        let fresh = fingerprint(&after(&[]), none);
        let candidate = fingerprint(&after(&[Action::ForceTimeout(1)]), none);
        assert_ne!(fresh, candidate);
        // The same servers with a request message dropped: not the same.
        let sent = after(&[Action::ForceTimeout(1)]);
        let dropped = after(&[Action::ForceTimeout(1), Action::DropMessage(1)]);
        assert_ne!(fingerprint(&sent, none), fingerprint(&dropped, none));
        // Nor with a budget spent.
        assert_ne!(
            fingerprint(&sent, none),
            fingerprint(&sent, [1, 0, 0, 0, 0])
        );
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
