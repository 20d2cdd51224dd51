//! The server's side of the durability contract (`output.rs`): noting what
//! an input changed in the persistent state, holding responses back until
//! it is durable, and taking them back once storage says it is.

use super::message::{Envelope, Message};
use super::node::RaftNode;
use super::output::{HardState, Output, UnsafeStep};
use super::types::{LogIndex, NodeId, Time};
use super::unsafe_switches::UnsafeSwitch;

impl RaftNode {
    /// The current term and vote, as storage must hold them.
    pub fn hard_state(&self) -> HardState {
        HardState {
            term: self.current_term(),
            voted_for: self.voted_for(),
        }
    }

    /// Storage made durable every write this server asked for up to the one
    /// `released` waited for (taken from earlier outputs' `after_persist`,
    /// in order): the server's acknowledgement of its own entries is stepped
    /// back in, and the other messages move to `out.messages`, to be sent
    /// now.
    pub fn persisted(
        &mut self,
        now: Time,
        released: impl IntoIterator<Item = Envelope>,
        out: &mut Output,
    ) {
        for envelope in released {
            if envelope.to == self.id {
                self.step(now, envelope.from, envelope.message, out);
            } else {
                out.messages.push(envelope);
            }
        }
    }

    /// For callers whose storage is synchronous (tests, tools): the writes
    /// `out` asks for are durable now, so release what waited for them.
    pub fn persisted_now(&mut self, now: Time, out: &mut Output) {
        while !out.after_persist.is_empty() {
            let released = std::mem::take(&mut out.after_persist);
            self.persisted(now, released, out);
        }
    }

    /// Runs one input and notes in `out` a change of term or vote, which the
    /// caller must persist before any response leaves (Figure 2).
    pub(super) fn input(&mut self, out: &mut Output, f: impl FnOnce(&mut Self, &mut Output)) {
        let before = self.hard_state();
        f(self, out);
        self.refuse_reads_if_deposed(out);
        let after = self.hard_state();
        if after != before {
            out.hard_state = Some(after);
        }
        self.note_reply_before_persist(out);
    }

    /// With the unsafe `ReplyBeforePersist` switch, a response that left
    /// with writes still to make (a vote, entries) would have waited for
    /// them: say so, once per input.
    fn note_reply_before_persist(&self, out: &mut Output) {
        let switch = UnsafeSwitch::ReplyBeforePersist;
        if !self.config.unsafe_switches.is_on(switch) || !out.must_persist() {
            return;
        }
        let reply = out.messages.iter().find(|e| {
            e.from == self.id
                && matches!(
                    e.message,
                    Message::RequestVoteReply { .. } | Message::AppendEntriesReply { .. }
                )
        });
        if let Some(reply) = reply {
            let peer = Some(reply.to);
            let index = out.log_changes.last().and_then(|c| match *c {
                super::output::LogChange::Appended { to, .. } => Some(to),
                _ => None,
            });
            out.unsafe_steps.push(UnsafeStep {
                switch,
                peer,
                index,
            });
        }
    }

    /// Sends a response: only once what it vouches for (a vote, entries, the
    /// term it carries) is durable. Figure 2: persistent state is "updated on
    /// stable storage before responding to RPCs". With the unsafe
    /// `ReplyBeforePersist` switch it leaves at once.
    pub(super) fn respond(&self, to: NodeId, message: Message, out: &mut Output) {
        let envelope = Envelope {
            from: self.id,
            to,
            message,
        };
        if self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::ReplyBeforePersist)
        {
            out.messages.push(envelope);
        } else {
            out.after_persist.push(envelope);
        }
    }

    /// Sends a request that must wait for this server's own durable state:
    /// a candidate's RequestVote, since it counted its own vote at once.
    pub(super) fn send_after_persist(&self, to: NodeId, message: Message, out: &mut Output) {
        out.after_persist.push(Envelope {
            from: self.id,
            to,
            message,
        });
    }

    /// A leader appended `index`: it counts towards a majority once durable
    /// (thesis §10.2.1), which its acknowledgement to itself reports. etcd's
    /// leader does the same with a MsgAppResp to itself.
    pub(super) fn ack_own_append(&self, index: LogIndex, out: &mut Output) {
        let ack = Message::append_success(self.current_term(), index);
        self.send_after_persist(self.id, ack, out);
    }
}

#[cfg(test)]
#[path = "durability_tests.rs"]
mod tests;
