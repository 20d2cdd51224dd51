//! The simulated network: latency, loss, duplication, partitions, one-way
//! cuts, and every message in flight, visible and droppable.
//!
//! Reordering is not a separate knob: it falls out of each message drawing
//! its own latency. The faults that hold messages back rather than lose
//! them (a latency tail, partitions that hold) and client duplication are
//! `fault_model`'s; the messages a partition holds are `held_links`'.

use crate::raft::vec_map::{VecMap, VecSet};
use crate::raft::{
    ClientCommand, ClientId, ClientReply, Message, NodeId, ReadPath, Rng, Time, MILLIS,
};
use crate::sim::fault_model::{FaultModel, PartitionMode};
use crate::sim::held_links::HeldLinks;
use std::collections::VecDeque;
use std::fmt;

/// Who sends or receives: a server or a client outside the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    /// A server of the cluster.
    Node(NodeId),
    /// A client: a workload client, or one of the user's one-off requests.
    Client(ClientId),
}

impl Endpoint {
    /// A number that names the endpoint uniquely, for hashing.
    pub fn code(self) -> u64 {
        match self {
            Endpoint::Node(id) => id << 1,
            Endpoint::Client(id) => (id << 1) | 1,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Node(id) => write!(f, "n{id}"),
            Endpoint::Client(id) => write!(f, "c{id}"),
        }
    }
}

/// What a message carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Packet {
    /// A message between servers (RequestVote, AppendEntries, and their replies).
    Raft(Message),
    /// A client's request to a server, and for a read the path the client
    /// asked for, if not the cluster's (`Action::ClientRead`).
    ClientRequest(ClientCommand, Option<ReadPath>),
    /// A server's answer to a client.
    ClientReply(ClientReply),
}

impl Packet {
    /// The message type's name, as the trace's `type` writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            Packet::Raft(m) => m.kind(),
            Packet::ClientRequest(..) => "ClientRequest",
            Packet::ClientReply(_) => "ClientReply",
        }
    }
}

/// A unique, increasing message id.
pub type MessageId = u64;

/// A message just sent: when its delivery event is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    /// Its id.
    pub id: MessageId,
    /// When it is due to arrive.
    pub deliver_at: Time,
}

/// A message on the wire, with what the UI needs to animate it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    /// Unique in the run, increasing in send order.
    pub id: MessageId,
    /// The sender.
    pub from: Endpoint,
    /// The receiver.
    pub to: Endpoint,
    /// When it was put on the wire.
    pub sent_at: Time,
    /// When it is due to arrive: `sent_at` plus a latency drawn for it alone.
    pub deliver_at: Time,
    /// What it carries.
    pub packet: Packet,
    /// Decided at send time: the network will lose this one.
    pub lost: bool,
}

/// Tunable network behaviour. The serde names are those of scenario files.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(expecting = "an object with latency_min_us, latency_max_us, loss and duplication")]
pub struct NetworkConfig {
    /// Least latency of a message, in simulated microseconds.
    #[serde(rename = "latency_min_us")]
    pub latency_min: Time,
    /// Greatest latency of a message, in simulated microseconds (inclusive).
    #[serde(rename = "latency_max_us")]
    pub latency_max: Time,
    /// Probability that a message is lost, 0..=1.
    pub loss: f64,
    /// Probability that a message between servers is delivered twice, 0..=1.
    pub duplication: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_min: 10 * MILLIS,
            latency_max: 20 * MILLIS,
            loss: 0.0,
            duplication: 0.0,
        }
    }
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Random loss, decided when it was sent.
    #[serde(rename = "lost")]
    Lost,
    /// Sender and receiver were in different partition groups when it arrived.
    #[serde(rename = "partition")]
    Partitioned,
    /// The one-way link was cut when it arrived.
    #[serde(rename = "cut")]
    LinkCut,
    /// The receiving server was stopped when it arrived.
    ReceiverDown,
    /// Removed by a user, a scenario or the nemesis.
    ByHand,
}

impl DropReason {
    /// The name the trace uses for the reason.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Lost => "lost",
            DropReason::Partitioned => "partition",
            DropReason::LinkCut => "cut",
            DropReason::ReceiverDown => "receiver_down",
            DropReason::ByHand => "by_hand",
        }
    }
}

/// The network's state.
#[derive(Clone, Debug)]
pub struct Network {
    /// Latency, loss and duplication; changed in place by a `network` action.
    pub config: NetworkConfig,
    /// Partition group of each server; servers talk only within a group.
    /// Empty means no partition.
    groups: VecMap<NodeId, u32>,
    /// One-way cuts: (from, to) pairs that cannot carry messages.
    cuts: VecSet<(NodeId, NodeId)>,
    /// Messages by id: slot `i` holds id `first_id + i`, `None` once
    /// delivered or dropped. Ids only grow and most messages arrive in about
    /// the order they were sent, so this stays short and every operation is
    /// O(1). Not boxed: a box per message cost an allocation and a free
    /// per send (3% of `raft-sim bench`'s instructions). A slot is 160
    /// bytes, delivered or not, so one late message makes every slot after
    /// it cost that until it goes (in each time-travel snapshot too).
    in_flight: VecDeque<Option<InFlight>>,
    first_id: MessageId,
    in_flight_count: usize,
    next_id: MessageId,
    rng: Rng,
    /// The latency tail, the partition mode and client duplication.
    faults: FaultModel,
    /// The latency tail's own stream, so that turning the tail on moves no
    /// other draw.
    tail_rng: Rng,
    /// Messages a partition holds (`PartitionMode::Hold`).
    held: HeldLinks,
}

impl Network {
    /// An empty network, drawing latency, loss and duplication from `rng`.
    pub fn new(config: NetworkConfig, rng: Rng) -> Self {
        Network {
            config,
            groups: VecMap::new(),
            cuts: VecSet::new(),
            in_flight: VecDeque::new(),
            first_id: 1,
            in_flight_count: 0,
            next_id: 1,
            rng,
            faults: FaultModel::default(),
            tail_rng: Rng::new(0),
            held: HeldLinks::default(),
        }
    }

    /// The same network with these faults, the latency tail drawing from
    /// `tail_rng`.
    pub fn with_faults(mut self, faults: FaultModel, tail_rng: Rng) -> Self {
        self.faults = faults;
        self.tail_rng = tail_rng;
        self
    }

    /// The faults beyond latency, loss and duplication.
    pub fn faults(&self) -> &FaultModel {
        &self.faults
    }

    /// Turns the latency tail off (healing for the liveness phase).
    pub fn end_latency_tail(&mut self) {
        self.faults.latency_tail = Default::default();
    }

    /// Puts a message on the wire and returns its id and delivery time, and
    /// those of a second copy when the network duplicates it.
    pub fn send(
        &mut self,
        now: Time,
        from: Endpoint,
        to: Endpoint,
        packet: Packet,
    ) -> (Sent, Option<Sent>) {
        // By default clients talk to servers over a connection that may lose
        // or delay a message but never duplicates it (as TCP would). That
        // keeps each client attempt in at most one log, which is what lets
        // a server whose entry was overwritten tell its client "this
        // definitely failed". With `client_duplication` they may, and the
        // client no longer takes "overwritten" as proof (`workload`). The
        // draw for a client message is made only then, so that nothing else
        // moves when it is off.
        let between_servers = matches!((from, to), (Endpoint::Node(_), Endpoint::Node(_)));
        let duplicable = between_servers || self.faults.client_duplication;
        let duplicate = duplicable && self.rng.chance(self.config.duplication);
        let copy = duplicate.then(|| packet.clone());
        let first = self.put(now, from, to, packet);
        let second = copy.map(|packet| self.put(now, from, to, packet));
        (first, second)
    }

    fn put(&mut self, now: Time, from: Endpoint, to: Endpoint, packet: Packet) -> Sent {
        let latency = self
            .rng
            .range_inclusive(self.config.latency_min, self.config.latency_max)
            + self.faults.latency_tail.extra(&mut self.tail_rng);
        let id = self.next_id;
        self.next_id += 1;
        let message = InFlight {
            id,
            from,
            to,
            sent_at: now,
            deliver_at: now + latency,
            packet,
            lost: self.rng.chance(self.config.loss),
        };
        self.in_flight.push_back(Some(message));
        self.in_flight_count += 1;
        Sent {
            id,
            deliver_at: now + latency,
        }
    }

    /// Takes a message off the wire at its delivery time, with the reason it
    /// dies if it does. Partitions and cuts are judged now, on arrival, so a
    /// message sent before a partition dies at the cut, or, when partitions
    /// hold messages, waits there: then, as for a message dropped by hand,
    /// nothing arrives (`None`).
    pub fn arrive(&mut self, id: MessageId) -> Option<(InFlight, Option<DropReason>)> {
        let message = self.take(id).or_else(|| self.held.take_released(id))?;
        let fate = if message.lost {
            Some(DropReason::Lost)
        } else {
            self.blocked(message.from, message.to)
        };
        if fate.is_some_and(|r| r != DropReason::Lost)
            && self.faults.partitions == PartitionMode::Hold
        {
            self.held.hold(message);
            return None;
        }
        Some((message, fate))
    }

    /// Releases the messages held on every link that is open now, due now,
    /// in a burst (`held_links`); the caller schedules their delivery in the
    /// returned order.
    pub fn release_held(&mut self, now: Time) -> Vec<Sent> {
        let (groups, cuts) = (&self.groups, &self.cuts);
        self.held
            .release(now, |a, b| link_blocked(groups, cuts, a, b).is_none())
    }

    /// Messages a partition holds, and those released and due again.
    pub fn held(&self) -> &HeldLinks {
        &self.held
    }

    /// Puts a copy of message `id` on the wire as a new message, due now
    /// and not lost: the network duplicated it. Returns the copy (its new
    /// id), or `None` if `id` is not in flight.
    pub fn copy(&mut self, now: Time, id: MessageId) -> Option<InFlight> {
        let mut copy = self.get(id)?.clone();
        copy.id = self.next_id;
        self.next_id += 1;
        copy.sent_at = now;
        copy.deliver_at = now;
        copy.lost = false;
        self.in_flight.push_back(Some(copy.clone()));
        self.in_flight_count += 1;
        Some(copy)
    }

    /// Removes a message by hand; returns it if it was in flight.
    pub fn drop_message(&mut self, id: MessageId) -> Option<InFlight> {
        self.take(id)
    }

    fn slot(&self, id: MessageId) -> Option<usize> {
        let slot = id.checked_sub(self.first_id)? as usize;
        (slot < self.in_flight.len()).then_some(slot)
    }

    fn take(&mut self, id: MessageId) -> Option<InFlight> {
        let slot = self.slot(id)?;
        let message = self.in_flight[slot].take()?;
        self.in_flight_count -= 1;
        while let Some(None) = self.in_flight.front() {
            self.in_flight.pop_front();
            self.first_id += 1;
        }
        Some(message)
    }

    /// Why a message from `from` to `to` cannot pass right now, if it cannot.
    /// Clients sit outside the cluster: partitions and cuts split servers only.
    pub fn blocked(&self, from: Endpoint, to: Endpoint) -> Option<DropReason> {
        let (Endpoint::Node(a), Endpoint::Node(b)) = (from, to) else {
            return None;
        };
        link_blocked(&self.groups, &self.cuts, a, b)
    }

    /// Splits servers into groups that cannot talk to each other; servers
    /// listed in no group form one more group together ("isolate node 3" is
    /// `[[3]]`).
    pub fn partition(&mut self, groups: &[Vec<NodeId>], all: &[NodeId]) {
        self.groups.clear();
        for (g, members) in groups.iter().enumerate() {
            for &n in members {
                self.groups.insert(n, g as u32);
            }
        }
        let rest = groups.len() as u32;
        for &n in all {
            self.groups.get_or_insert_with(n, || rest);
        }
    }

    /// Puts servers `new` on `beside`'s side of the partition in place, if
    /// any: a server started during a partition used to be in no group,
    /// cut off from every other, so the leader adding it could never catch
    /// it up (thesis §4.2.1).
    pub fn place_beside(&mut self, new: &[NodeId], beside: NodeId) {
        if let Some(&group) = self.groups.get(&beside) {
            for &n in new {
                self.groups.insert(n, group);
            }
        }
    }

    /// Cuts the one-way link from `from` to `to`.
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cuts.insert((from, to));
    }

    /// Restores the one-way link from `from` to `to`.
    pub fn restore(&mut self, from: NodeId, to: NodeId) {
        self.cuts.remove(&(from, to));
    }

    /// Removes every partition and cut.
    pub fn heal(&mut self) {
        self.groups.clear();
        self.cuts.clear();
    }

    /// Whether a partition is in place.
    pub fn is_partitioned(&self) -> bool {
        !self.groups.is_empty()
    }

    /// The partition group of each server; empty when there is no partition.
    pub fn groups(&self) -> &VecMap<NodeId, u32> {
        &self.groups
    }

    /// The cut links, as (from, to) pairs.
    pub fn cuts(&self) -> &VecSet<(NodeId, NodeId)> {
        &self.cuts
    }

    /// Every message in flight, oldest id first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.iter().flatten()
    }
    /// Was message `id` sent yet? Ids are given in order of sending.
    pub fn was_sent(&self, id: MessageId) -> bool {
        id < self.next_id
    }

    /// The message with this id, if it is still in flight.
    pub fn get(&self, id: MessageId) -> Option<&InFlight> {
        self.in_flight.get(self.slot(id)?)?.as_ref()
    }

    /// How many messages are in flight.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight_count
    }
}

/// Why the link from server `a` to server `b` cannot carry a message, if it
/// cannot.
fn link_blocked(
    groups: &VecMap<NodeId, u32>,
    cuts: &VecSet<(NodeId, NodeId)>,
    a: NodeId,
    b: NodeId,
) -> Option<DropReason> {
    if groups.get(&a) != groups.get(&b) {
        return Some(DropReason::Partitioned);
    }
    cuts.contains(&(a, b)).then_some(DropReason::LinkCut)
}
