//! The moves the explorer may make from a state: every event that could
//! come next in some real run, within the bounds.

use super::bounds::Bounds;
use crate::raft::{Message, NodeId, Op, Role};
use crate::sim::network::{Endpoint, InFlight, Packet};
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
    /// Servers removed from the configuration.
    pub removals: u32,
    /// Waits (`timing`): the search counts them, as no action is one.
    pub waits: u32,
    /// Leadership transfers started.
    pub transfers: u32,
}

impl Used {
    /// The counts, for the fingerprint.
    pub fn counts(&self) -> [u32; 7] {
        [
            self.restarts,
            self.requests,
            self.duplicates,
            self.drops,
            self.removals,
            self.waits,
            self.transfers,
        ]
    }

    /// What is used after `action`.
    pub fn after(mut self, action: &Action) -> Used {
        match action {
            Action::Restart(_) => self.restarts += 1,
            Action::ClientRequest { .. } => self.requests += 1,
            Action::DuplicateMessage(_) => self.duplicates += 1,
            Action::DropMessage(_) => self.drops += 1,
            Action::RemoveServer(_) => self.removals += 1,
            Action::TransferLeadership(_) => self.transfers += 1,
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
/// crash and reboot, finish its disk's writes early; then a client's
/// write or read sent to each server.
///
/// Dead messages (see [`is_dead`]) are not moved: delivering, dropping or
/// duplicating one changes nothing the protocol can ever tell.
pub fn moves(sim: &Simulation, bounds: &Bounds, used: Used) -> Vec<Action> {
    let mut all = Vec::new();
    for m in sim.network().in_flight() {
        if !matches!(m.to, Endpoint::Node(_)) || is_ignored(sim, bounds.stale_requests_lost, m) {
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
            if bounds.heartbeats {
                all.push(Action::Heartbeat(id));
            }
        } else if node.current_term() < bounds.max_term {
            all.push(Action::ForceTimeout(id));
        }
        if used.restarts < bounds.restarts {
            all.push(Action::Restart(id));
        }
        if bounds.early_syncs && server.disk.unsynced_writes() > 0 {
            all.push(Action::SyncDisk(id));
        }
    }
    let longest = sim.servers().iter().map(|s| s.node.log().last_index());
    if used.requests < bounds.requests && longest.max().unwrap_or(0) < bounds.max_log {
        for s in sim.servers() {
            if bounds.instant_requests && s.node.role() != Role::Leader {
                continue;
            }
            let requests = requests_to(s.node.id(), used.requests);
            let kinds = if bounds.reads { 2 } else { 1 };
            all.extend(requests.into_iter().take(kinds));
        }
    }
    if used.removals < bounds.removals {
        all.extend(removals(sim));
    }
    if used.transfers < bounds.transfers {
        all.extend(transfers(sim));
    }
    all
}

/// The leader's hand-over to each other voter of its configuration
/// (thesis §3.10); the simulator refuses one to a stopped server, and the
/// search skips it.
fn transfers(sim: &Simulation) -> Vec<Action> {
    let Some(leader) = sim.leader().and_then(|id| sim.server(id)) else {
        return Vec::new();
    };
    let voters = leader.node.membership().voters.iter();
    let others = voters.filter(|&&id| id != leader.node.id());
    others.map(|&id| Action::TransferLeadership(id)).collect()
}

/// The leader's removal of each of its configuration's servers, itself
/// included (thesis §4.2.2); the simulator refuses one the core would
/// (`RaftNode::check_change`), and the search skips it. Removals only, so
/// the servers stay the same set and renaming them stays sound.
fn removals(sim: &Simulation) -> Vec<Action> {
    let Some(leader) = sim.leader().and_then(|id| sim.server(id)) else {
        return Vec::new();
    };
    let voters = leader.node.membership().voters.iter();
    voters.map(|&id| Action::RemoveServer(id)).collect()
}

/// Whether `m` is dead: a reply that its receiver ignores now and in every
/// state that can follow.
///
/// - A vote (`RequestVoteReply`) of term `t`, to a server whose term is
///   past `t`, or is `t` and which is not a candidate: `handle_vote_reply`
///   returns at once unless the server is a candidate and the reply's term
///   is its current term.
/// - A reply to an AppendEntries, a snapshot chunk or a read round, of
///   term `t`, to a server whose term is past `t`, or is `t` and which is
///   neither a candidate nor a leader: `handle_append_success`,
///   `handle_append_rejection`, `handle_install_snapshot_reply` and
///   `handle_read_heartbeat_reply` return at once unless the server leads
///   in the reply's term.
///
/// A reply of a term later than its receiver's is never dead: the receiver
/// adopts that term and steps down (§5.1) before any of those handlers.
/// With a disk that lags (`search::lagging_disk`), "its receiver's term"
/// is the durable one: a term past the durable term is lost in a crash.
///
/// And none of these is ever live again: a lower term is not adopted
/// (§5.1), and a server's term never falls below its durable term (a crash
/// goes back to that, and writes are durable in order); within a term a
/// server becomes a candidate only by `start_election_for`, which first
/// raises its term, and a leader only from a candidate of the same term
/// (`become_leader`). So a follower or pre-candidate of term `t` is never
/// a candidate or leader of `t`, and a leader of `t` never a candidate of
/// `t`. So delivering a dead message changes nothing, now or in any future
/// state: it is a drop. The explorer leaves dead messages in the
/// simulation (a counterexample replays with them in flight, undelivered)
/// but neither moves them nor counts them: not in a state's fingerprint,
/// nor under `max_in_flight`. A state with a dead message and the same
/// state without it have the same futures, step for step, so nothing is
/// missed and no counterexample gets longer (one that delivered a dead
/// message is a step longer than the same path without that step).
pub fn is_dead(sim: &Simulation, m: &InFlight) -> bool {
    let (Endpoint::Node(to), Packet::Raft(message)) = (m.to, &m.packet) else {
        return false;
    };
    let Some(server) = sim.servers().get(to as usize - 1) else {
        return false;
    };
    let (term, role) = (server.node.current_term(), server.node.role());
    // A crash takes a server back to its durable term, which is behind
    // `term` while a write of it is on its way (never with the default
    // synchronous disk, where the two are one).
    // A reply of a term the server has passed but not made durable is
    // never dead: a crash takes it back below that term, and the reply's
    // later term is adopted then (§5.1), whatever the reply answers. One of
    // its durable term stays dead: back at that term after a crash, the
    // server is a follower, never a candidate or leader of it.
    let durable = server.disk.durable_hard_state().term;
    let dead_unless = |roles: &[Role]| {
        message.term() < durable
            || (message.term() == durable && (durable < term || !roles.contains(&role)))
    };
    match message {
        Message::RequestVoteReply { .. } => dead_unless(&[Role::Candidate]),
        Message::AppendEntriesReply { .. }
        | Message::InstallSnapshotReply { .. }
        | Message::ReadHeartbeatReply { .. } => dead_unless(&[Role::Candidate, Role::Leader]),
        _ => false,
    }
}

/// Whether the explorer leaves `m` out: dead ([`is_dead`]), or, when
/// `stale_requests_lost` (`Bounds::stale_requests_lost`), a stale request
/// ([`is_stale_request`]). Left-out messages are not moved, nor in a
/// state's fingerprint, nor counted under `max_in_flight`.
pub fn is_ignored(sim: &Simulation, stale_requests_lost: bool, m: &InFlight) -> bool {
    is_dead(sim, m) || (stale_requests_lost && is_stale_request(sim, m))
}

/// Messages in flight that are not left out: what `max_in_flight` bounds.
pub fn live_in_flight(sim: &Simulation, bounds: &Bounds) -> usize {
    sim.network()
        .in_flight()
        .filter(|m| !is_ignored(sim, bounds.stale_requests_lost, m))
        .count()
}

/// A request between servers (a RequestVote, AppendEntries, snapshot chunk
/// or read round) of a term older than its receiver's. Its receiver
/// refuses it and answers with its own term, which can teach the sender a
/// newer term: unlike a dead message it may matter, so leaving it out
/// (`Bounds::stale_requests_lost`) is a bound — the network loses every
/// request its receiver has outgrown — not a reduction.
pub fn is_stale_request(sim: &Simulation, m: &InFlight) -> bool {
    let (Endpoint::Node(to), Packet::Raft(message)) = (m.to, &m.packet) else {
        return false;
    };
    let request = matches!(
        message,
        Message::RequestVote { .. }
            | Message::AppendEntries { .. }
            | Message::InstallSnapshot { .. }
            | Message::ReadHeartbeat { .. }
    );
    let term = sim
        .servers()
        .get(to as usize - 1)
        .map(|s| s.node.current_term());
    request && term.is_some_and(|term| message.term() < term)
}

/// With `Bounds::instant_requests`, the message a client request just put
/// on the wire, which the same step delivers.
///
/// Why delivering a client request at once, and only to a leader, loses no
/// violation on a path that duplicates no message: a request that waits on
/// the wire and is delivered later reaches the server exactly as the same
/// request sent later and delivered at once would; only its invocation is
/// earlier, and an earlier invocation gives linearizability more freedom,
/// never less (every linearization of the later-invoked history is one of
/// the earlier). A request never delivered stays pending forever, which a
/// history may linearize as never taking effect: as if it had not been sent.
/// A write or a log read delivered to a server that does not lead is
/// answered at once with NotLeader (`RaftNode::propose`: nothing is
/// appended or sent), and a request that definitely failed is no operation
/// to linearizability. So for writes and log reads every violation has a
/// path of this shape no longer than itself. (Not so for reads a follower
/// serves or forwards — `LocalReads`, ReadIndex and lease reads at a
/// follower —, which this bound leaves out: a plan that needs them keeps
/// it off.)
pub fn new_client_request(sim: &Simulation) -> Option<u64> {
    sim.network()
        .in_flight()
        .filter(|m| matches!(m.from, Endpoint::Client(_)))
        .map(|m| m.id)
        .max()
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
    use crate::raft::Term;
    use crate::raft::UnsafeSwitches;
    use crate::sim::explore::search::{explorer_config, STEP};

    /// The vote replies in flight to `to`, with whether each is dead.
    fn votes_to(sim: &Simulation, to: NodeId) -> Vec<(Term, bool)> {
        let votes = sim.network().in_flight().filter(|m| {
            m.to == Endpoint::Node(to)
                && matches!(m.packet, Packet::Raft(Message::RequestVoteReply { .. }))
        });
        votes
            .map(|m| match &m.packet {
                Packet::Raft(message) => (message.term(), is_dead(sim, m)),
                _ => unreachable!("filtered to Raft messages"),
            })
            .collect()
    }

    /// Delivers the message in flight from `from` to `to` of term `term`
    /// that is a vote reply (`reply`) or a request.
    fn deliver(sim: &mut Simulation, (from, to): (NodeId, NodeId), term: Term, reply: bool) {
        let id = sim.network().in_flight().find(|m| {
            let Packet::Raft(message) = &m.packet else {
                return false;
            };
            let is_reply = matches!(message, Message::RequestVoteReply { .. });
            m.from == Endpoint::Node(from)
                && m.to == Endpoint::Node(to)
                && message.term() == term
                && is_reply == reply
        });
        let id = id.expect("such a message is in flight").id;
        sim.act_now(Action::DeliverMessage(id)).unwrap();
    }

    fn term_of(sim: &Simulation, id: NodeId) -> Term {
        sim.server(id).unwrap().node.current_term()
    }

    #[test]
    fn a_reply_of_a_later_term_is_live_and_one_of_a_passed_term_is_dead() {
        let bounds = Bounds::default();
        let mut sim = Simulation::new(explorer_config(&bounds, UnsafeSwitches::none())).unwrap();
        // n1 stands in term 1; n2 stands twice, to term 2, and refuses
        // n1's RequestVote with its term 2, which n1 must adopt (§5.1).
        sim.act_now(Action::ForceTimeout(1)).unwrap();
        sim.act_now(Action::ForceTimeout(2)).unwrap();
        sim.act_now(Action::ForceTimeout(2)).unwrap();
        assert_eq!((term_of(&sim, 1), term_of(&sim, 2)), (1, 2));
        deliver(&mut sim, (1, 2), 1, false);
        assert_eq!(votes_to(&sim, 1), [(2, false)], "a later term is live");
        // n3 grants n2's term-2 vote: live while n2 stands in term 2.
        deliver(&mut sim, (2, 3), 2, false);
        assert_eq!(votes_to(&sim, 2), [(2, false)]);
        // n2 stands again, in term 3: that term-2 vote is dead now.
        sim.act_now(Action::ForceTimeout(2)).unwrap();
        assert_eq!(votes_to(&sim, 2), [(2, true)], "a passed term is dead");
        // Delivered, the term-2 reply does move n1 to term 2.
        deliver(&mut sim, (2, 1), 2, true);
        assert_eq!(term_of(&sim, 1), 2);
    }

    #[test]
    fn a_reply_of_a_term_its_receiver_has_not_made_durable_is_live() {
        use crate::sim::explore::lagging_disk;
        let bounds = Bounds::default();
        let mut config = explorer_config(&bounds, UnsafeSwitches::none());
        config.disk = lagging_disk(3);
        let mut sim = Simulation::new(config).unwrap();
        let mut t = 0;
        let mut act = |sim: &mut Simulation, action: Action| {
            t += STEP;
            sim.run_until(t);
            sim.act_now(action).unwrap();
        };
        // n2 stands three times, to term 3, all durable by 6 ms; n1 stands
        // in term 1, its RequestVote held until that is durable, at 7 ms.
        for _ in 0..3 {
            act(&mut sim, Action::ForceTimeout(2));
        }
        for _ in 0..3 {
            act(&mut sim, Action::ForceTimeout(1));
        }
        act(&mut sim, Action::ForceTimeout(1));
        assert_eq!(term_of(&sim, 1), 4);
        assert_eq!(sim.server(1).unwrap().disk.durable_hard_state().term, 1);
        // n2 refuses n1's term-1 RequestVote with its term 3 (§5.1).
        deliver(&mut sim, (1, 2), 1, false);
        let refusal = votes_to(&sim, 1);
        assert_eq!(
            refusal,
            [(3, false)],
            "live: n1's terms 2 to 4 are not durable"
        );
        // n1 crashes at 8 ms, when term 2 has just become durable and
        // terms 3 and 4 have not: back in term 2, it adopts term 3.
        act(&mut sim, Action::Restart(1));
        assert_eq!(term_of(&sim, 1), 2);
        deliver(&mut sim, (2, 1), 3, true);
        assert_eq!(term_of(&sim, 1), 3);
    }

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
