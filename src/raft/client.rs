//! Client requests (paper §8): a leader appends them to its log and answers
//! only once they are committed and applied; other servers redirect.

use super::command::{ClientCommand, Op, OpResult, Payload};
use super::log::Entry;
use super::node::{RaftNode, Role};
use super::output::{Output, UnsafeStep};
use super::read_index::{ReadPath, ServedBy};
use super::types::{ClientId, LogIndex, NodeId, RequestId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;
use std::rc::Rc;

/// The answer a server gives a client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientReply {
    /// The client that sent the request.
    pub client: ClientId,
    /// The client's sequence number of the request being answered.
    pub request: RequestId,
    /// What became of the request.
    pub outcome: ReplyOutcome,
}

/// What became of a client request (§8): done, or definitely not done. No
/// reply is sent while a request's fate is still unknown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReplyOutcome {
    /// Committed at `index` and applied, with this result.
    Applied {
        /// The log index at which the request's entry was applied. (With the
        /// unsafe `LocalReads` switch, a read answered locally reports the
        /// server's lastApplied instead.)
        index: LogIndex,
        /// What the operation returned when the state machine applied it.
        result: OpResult,
    },
    /// A read answered without the log (thesis §6.4): by ReadIndex, a
    /// lease, a follower or locally, as `served_by` says.
    Read {
        /// The index the read reflects: every entry up to it was applied
        /// before the answer.
        index: LogIndex,
        /// The value read.
        result: OpResult,
        /// Which mechanism answered.
        served_by: ServedBy,
    },
    /// This server is not the leader; try `leader_hint` if known. The request
    /// was not appended anywhere, so it definitely did not happen.
    NotLeader {
        /// The leader of this server's current term, if it knows one.
        leader_hint: Option<NodeId>,
    },
    /// Another entry was committed at the index where the request's entry
    /// stood, so the attempt this server appended can never be committed.
    /// Whether the request definitely did not happen is for the client to
    /// judge: it did not if that was its only attempt; a resent or
    /// duplicated request may have another copy in some log, still able to
    /// commit (and then to take effect once, by the client's session).
    Overwritten {
        /// The log index where the request's entry had been appended.
        index: LogIndex,
    },
}

/// A request this server appended as leader, waiting to be applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PendingProposal {
    /// The leader's term when it appended the entry. The entry later applied
    /// at the same index is this request's only if its term matches (Log
    /// Matching, §5.3).
    pub term: Term,
    /// The client waiting for the reply.
    pub client: ClientId,
    /// The client's sequence number of the request.
    pub request: RequestId,
}

impl RaftNode {
    /// A client asks this server to run `op`. A leader appends it and starts
    /// replicating at once; any other server answers "not the leader" with
    /// its best hint (§8).
    pub fn propose(&mut self, now: Time, command: ClientCommand, out: &mut Output) {
        let reads = self.config.reads;
        self.propose_reading_by(now, command, reads, out)
    }

    /// As [`RaftNode::propose`], with a read answered by `reads` instead of
    /// the cluster's setting: a client may ask for a log read, ReadIndex,
    /// a lease or a local read per request (etcd's linearizable and
    /// serializable reads). A lease answers only where the cluster keeps
    /// leases; elsewhere a lease read runs a ReadIndex round.
    pub fn propose_reading_by(
        &mut self,
        now: Time,
        command: ClientCommand,
        reads: ReadPath,
        out: &mut Output,
    ) {
        if self.config.unsafe_switches.is_on(UnsafeSwitch::LocalReads) {
            if let Op::Read { key } = &command.op {
                let result = self.state_machine.read(key);
                let index = self.last_applied();
                if reads != ReadPath::Local {
                    // Only `LocalReads` answers this read without the log
                    // or a round (§8).
                    out.unsafe_steps.push(UnsafeStep {
                        switch: UnsafeSwitch::LocalReads,
                        peer: None,
                        index: Some(index),
                    });
                }
                return reply(out, &command, ReplyOutcome::Applied { index, result });
            }
        }
        if let Op::Read { key } = &command.op {
            match reads {
                ReadPath::Log => {}
                ReadPath::Local => {
                    return self.read_locally(command.client, command.request, key, out)
                }
                ReadPath::ReadIndex | ReadPath::Lease => {
                    let key = key.clone();
                    return self.read(now, command.client, command.request, key, out);
                }
            }
        }
        if !self.takes_requests() {
            return reply(out, &command, self.not_leader());
        }
        let pending = PendingProposal {
            term: self.current_term(),
            client: command.client,
            request: command.request,
        };
        let entry = Entry {
            term: self.current_term(),
            payload: Payload::Command(Rc::new(command)),
        };
        // The entry counts towards commitment once durable here, when its
        // acknowledgement to this leader comes back (`persisted`).
        let index = self.append_to_log(entry, out);
        self.pending.insert(index, pending);
        self.send_append_to_all(out);
        // Entries just went out to everyone: that counts as a heartbeat.
        self.heartbeat_deadline = now + self.config.timing.heartbeat_interval;
    }

    /// Whether this server takes client requests now: it leads, and is not
    /// handing over. During a leadership transfer the leader takes no new
    /// requests (thesis §3.10).
    pub(super) fn takes_requests(&self) -> bool {
        self.role == Role::Leader && self.transfer.is_none()
    }

    /// "Not the leader", with the best hint: the successor during a
    /// transfer, else the leader this server knows of (§8).
    pub(super) fn not_leader(&self) -> ReplyOutcome {
        let leader_hint = self.transfer_target().or(self.leader_hint);
        ReplyOutcome::NotLeader { leader_hint }
    }

    /// The entry at `index` was applied: if a client is waiting on it, the
    /// request succeeded if it is the entry we appended (same index and term
    /// identify the same entry, by Log Matching), and failed otherwise.
    pub(super) fn answer_pending(
        &mut self,
        index: LogIndex,
        entry: &Entry,
        result: Option<&OpResult>,
        out: &mut Output,
    ) {
        let Some(pending) = self.pending.remove(&index) else {
            return;
        };
        let outcome = match result {
            Some(result) if pending.term == entry.term => ReplyOutcome::Applied {
                index,
                result: result.clone(),
            },
            _ => ReplyOutcome::Overwritten { index },
        };
        out.replies.push(ClientReply {
            client: pending.client,
            request: pending.request,
            outcome,
        });
    }
}

fn reply(out: &mut Output, command: &ClientCommand, outcome: ReplyOutcome) {
    out.replies.push(ClientReply {
        client: command.client,
        request: command.request,
        outcome,
    });
}
