//! Messages a partition holds back (`PartitionMode::Hold`), one queue per
//! one-way link, released in a burst when the link heals.
//!
//! A TCP connection across a partition does not lose what was written to
//! it: the sender retransmits until the path is back, and the receiver then
//! reads everything at once, in order. So a leader of term 3, cut off, may
//! have its AppendEntries read by a follower that has long moved on to term
//! 5: the stale-term rules of §5.1 then decide what happens.

use crate::raft::vec_map::VecMap;
use crate::raft::{NodeId, Time};
use crate::sim::network::{Endpoint, InFlight, MessageId, Sent};
use std::collections::VecDeque;

/// The held messages, and those released and on their way again.
#[derive(Clone, Debug, Default)]
pub struct HeldLinks {
    /// Waiting for their link to heal, oldest arrival first per link.
    waiting: VecMap<(NodeId, NodeId), VecDeque<InFlight>>,
    /// Released when their link healed, due at their new `deliver_at`.
    released: VecMap<MessageId, InFlight>,
}

impl HeldLinks {
    /// Holds a message that reached a partition or a cut. Only messages
    /// between servers are ever blocked (clients sit outside the cluster).
    pub fn hold(&mut self, message: InFlight) {
        let (Endpoint::Node(from), Endpoint::Node(to)) = (message.from, message.to) else {
            unreachable!("partitions and cuts block only messages between servers");
        };
        self.waiting
            .get_or_insert_with((from, to), VecDeque::new)
            .push_back(message);
    }

    /// Releases every queue whose link `is_open` now: its messages are due
    /// now, all at once, in the order they were held. The caller schedules
    /// their delivery in the returned order, which keeps each link's order
    /// (events at one time run in the order scheduled), and nothing sent on
    /// the link later can arrive before them, as on a TCP connection.
    pub fn release(&mut self, now: Time, is_open: impl Fn(NodeId, NodeId) -> bool) -> Vec<Sent> {
        let open: Vec<(NodeId, NodeId)> = self
            .waiting
            .keys()
            .copied()
            .filter(|&(from, to)| is_open(from, to))
            .collect();
        let mut due = Vec::new();
        for link in open {
            for mut message in self.waiting.remove(&link).into_iter().flatten() {
                message.deliver_at = now;
                due.push(Sent {
                    id: message.id,
                    deliver_at: message.deliver_at,
                });
                self.released.insert(message.id, message);
            }
        }
        due
    }

    /// Takes a released message off the wire when it is due.
    pub fn take_released(&mut self, id: MessageId) -> Option<InFlight> {
        self.released.remove(&id)
    }

    /// Every message held or released, by link, oldest first.
    pub fn messages(&self) -> impl Iterator<Item = &InFlight> {
        self.waiting
            .values()
            .flatten()
            .chain(self.released.values())
    }

    /// How many messages are held or released and not yet delivered.
    pub fn len(&self) -> usize {
        self.waiting.values().map(VecDeque::len).sum::<usize>() + self.released.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty() && self.released.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::Packet;

    fn message(id: MessageId, from: NodeId, to: NodeId) -> InFlight {
        InFlight {
            id,
            from: Endpoint::Node(from),
            to: Endpoint::Node(to),
            sent_at: 0,
            deliver_at: 10,
            packet: Packet::Raft(crate::raft::Message::RequestVoteReply {
                term: 1,
                vote_granted: false,
            }),
            lost: false,
        }
    }

    #[test]
    fn an_open_link_releases_its_messages_in_order_and_a_closed_one_keeps_them() {
        let mut held = HeldLinks::default();
        for (id, from, to) in [(1, 1, 2), (2, 3, 1), (3, 1, 2), (4, 1, 3)] {
            held.hold(message(id, from, to));
        }
        let due = held.release(1000, |from, _| from == 1);
        let ids: Vec<MessageId> = due.iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![1, 3, 4], "link 1->2 in order, then 1->3");
        assert!(due.iter().all(|s| s.deliver_at == 1000));
        assert_eq!(held.len(), 4);
        assert_eq!(held.take_released(3).map(|m| m.deliver_at), Some(1000));
        assert_eq!(held.take_released(2), None, "3->1 is still held");
        assert!(held.release(2000, |_, _| false).is_empty());
        assert_eq!(held.release(2000, |_, _| true)[0].id, 2);
    }
}
