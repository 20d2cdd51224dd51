//! A stopped server's inbox (`PausedInbox::Keep`): what reaches a paused
//! server waits for it, and it reads everything, in arrival order, when it
//! resumes.
//!
//! A process paused by a long garbage collection or SIGSTOP does not lose
//! the messages its peers sent meanwhile: the kernel buffers them. When it
//! wakes up it reads heartbeats and votes from terms that may be long over,
//! and the stale-term rules (§5.1) decide what it does with them. A crash,
//! unlike a pause, loses the buffers: a restart drops the inbox.

use crate::raft::NodeId;
use crate::sim::fault_model::PausedInbox;
use crate::sim::network::{DropReason, InFlight};
use crate::sim::simulation::Simulation;
use crate::sim::trace::TraceEvent;

impl Simulation {
    /// `message` reached server `to` while it was stopped: kept for it, or
    /// lost, as the fault model says.
    pub(super) fn reach_stopped(&mut self, to: NodeId, message: InFlight) {
        if self.config.faults.paused_inbox == PausedInbox::Keep {
            return self.server_mut(to).inbox.push_back(message);
        }
        self.drop_receiver_down(message);
    }

    /// Server `id` just resumed: it reads its inbox, oldest first.
    pub(super) fn read_inbox(&mut self, id: NodeId) {
        while let Some(message) = self.server_mut(id).inbox.pop_front() {
            self.deliver_to_node(id, message);
        }
    }

    /// Server `id` crashed: what waited in its inbox is lost.
    pub(super) fn lose_inbox(&mut self, id: NodeId) {
        for message in std::mem::take(&mut self.server_mut(id).inbox) {
            self.drop_receiver_down(message);
        }
    }

    fn drop_receiver_down(&mut self, message: InFlight) {
        let event = TraceEvent::Drop {
            id: message.id,
            reason: DropReason::ReceiverDown,
        };
        self.trace.record(self.now, event);
    }
}
