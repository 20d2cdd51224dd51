//! The trace: every meaningful thing that happened in a run, in order.
//!
//! Every event is folded into a running hash (so determinism is one number to
//! compare) and, when recording is on, kept for `--trace` as JSON Lines. The
//! format is documented in docs/trace-format.md.

use super::json::{push_opt_str, push_opt_u64, push_str};
use super::network::Endpoint;
use super::stable_hash::{op_hash, payload_hash, StableHasher};
use crate::raft::{LogIndex, NodeId, Op, Payload, Term, Time};
use std::fmt::Write;

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A node's term, role, vote, commit index or last entry changed.
    State {
        node: NodeId,
        term: Term,
        role: &'static str,
        voted_for: Option<NodeId>,
        commit: LogIndex,
        last_index: LogIndex,
        last_term: Term,
    },
    /// A node applied a committed entry to its state machine.
    Apply {
        node: NodeId,
        index: LogIndex,
        term: Term,
        payload: Payload,
    },
    /// A node became leader; its whole log as (index, term) pairs.
    LeaderLog {
        node: NodeId,
        term: Term,
        log: Vec<(LogIndex, Term)>,
    },
    /// A message was put on the network.
    Send {
        id: u64,
        from: Endpoint,
        to: Endpoint,
        kind: &'static str,
        term: Option<Term>,
        deliver_t: Time,
    },
    /// A message arrived.
    Deliver { id: u64 },
    /// A message died: lost, blocked by a partition or cut, receiver down,
    /// or dropped by hand.
    Drop { id: u64, reason: &'static str },
    /// A fault or user action took effect.
    Action { description: String },
    /// A client invoked an operation.
    Invoke { client: u64, request: u64, op: Op },
    /// A client saw the end of an operation.
    Return {
        client: u64,
        request: u64,
        outcome: &'static str,
        result: Option<String>,
    },
    /// An invariant was violated.
    Violation {
        invariant: &'static str,
        nodes: Vec<NodeId>,
        detail: String,
    },
}

/// The running hash and, optionally, the recorded events.
#[derive(Clone, Debug)]
pub struct Trace {
    hash: StableHasher,
    events: u64,
    recorded: Option<Vec<(Time, TraceEvent)>>,
}

impl Trace {
    pub fn new(record: bool) -> Self {
        Trace {
            hash: StableHasher::new(),
            events: 0,
            recorded: record.then(Vec::new),
        }
    }

    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// How many events were traced.
    pub fn len(&self) -> u64 {
        self.events
    }

    pub fn is_empty(&self) -> bool {
        self.events == 0
    }

    /// Events recorded since the last call (empty when not recording).
    pub fn take_recorded(&mut self) -> Vec<(Time, TraceEvent)> {
        self.recorded
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn record(&mut self, t: Time, event: TraceEvent) {
        self.events += 1;
        self.hash.u64(t);
        hash_event(&mut self.hash, &event);
        if let Some(recorded) = &mut self.recorded {
            recorded.push((t, event));
        }
    }
}

fn hash_event(h: &mut StableHasher, event: &TraceEvent) {
    match event {
        TraceEvent::State {
            node,
            term,
            role,
            voted_for,
            commit,
            last_index,
            last_term,
        } => {
            h.u64(1).u64(*node).u64(*term).str(role);
            h.u64(voted_for.unwrap_or(0))
                .u64(*commit)
                .u64(*last_index)
                .u64(*last_term);
        }
        TraceEvent::Apply {
            node,
            index,
            term,
            payload,
        } => {
            h.u64(2).u64(*node).u64(*index).u64(*term);
            h.u64(payload_hash(payload));
        }
        TraceEvent::LeaderLog { node, term, log } => {
            h.u64(3).u64(*node).u64(*term).u64(log.len() as u64);
            for (index, term) in log {
                h.u64(*index).u64(*term);
            }
        }
        TraceEvent::Send {
            id,
            from,
            to,
            kind,
            term,
            deliver_t,
        } => {
            h.u64(4).u64(*id).u64(from.code()).u64(to.code()).str(kind);
            h.u64(term.unwrap_or(0)).u64(*deliver_t);
        }
        TraceEvent::Deliver { id } => {
            h.u64(5).u64(*id);
        }
        TraceEvent::Drop { id, reason } => {
            h.u64(6).u64(*id).str(reason);
        }
        TraceEvent::Action { description } => {
            h.u64(7).str(description);
        }
        TraceEvent::Invoke {
            client,
            request,
            op,
        } => {
            h.u64(8).u64(*client).u64(*request).u64(op_hash(op));
        }
        TraceEvent::Return {
            client,
            request,
            outcome,
            result,
        } => {
            h.u64(9).u64(*client).u64(*request).str(outcome);
            h.str(result.as_deref().unwrap_or("\u{0}none"));
        }
        TraceEvent::Violation {
            invariant,
            nodes,
            detail,
        } => {
            h.u64(10).str(invariant).str(detail);
            for n in nodes {
                h.u64(*n);
            }
        }
    }
}

/// One JSON object, without the trailing newline.
pub fn to_json_line(t: Time, event: &TraceEvent) -> String {
    let mut s = String::with_capacity(96);
    let _ = write!(s, "{{\"t\":{t},\"kind\":");
    match event {
        TraceEvent::State {
            node,
            term,
            role,
            voted_for,
            commit,
            last_index,
            last_term,
        } => {
            let _ = write!(
                s,
                "\"state\",\"node\":{node},\"term\":{term},\"role\":\"{role}\",\"voted_for\":"
            );
            push_opt_u64(&mut s, *voted_for);
            let _ = write!(
                s,
                ",\"commit\":{commit},\"last_index\":{last_index},\"last_term\":{last_term}"
            );
        }
        TraceEvent::Apply {
            node,
            index,
            term,
            payload,
        } => {
            let _ = write!(
                s,
                "\"apply\",\"node\":{node},\"index\":{index},\"term\":{term},\"command\":"
            );
            push_str(&mut s, &payload.to_string());
        }
        TraceEvent::LeaderLog { node, term, log } => {
            let _ = write!(
                s,
                "\"leader_log\",\"node\":{node},\"term\":{term},\"log\":["
            );
            for (i, (index, term)) in log.iter().enumerate() {
                let comma = if i == 0 { "" } else { "," };
                let _ = write!(s, "{comma}[{index},{term}]");
            }
            s.push(']');
        }
        TraceEvent::Send {
            id,
            from,
            to,
            kind,
            term,
            deliver_t,
        } => {
            let _ = write!(s, "\"send\",\"id\":{id},\"from\":\"{from}\",\"to\":\"{to}\",\"type\":\"{kind}\",\"term\":");
            push_opt_u64(&mut s, *term);
            let _ = write!(s, ",\"deliver_t\":{deliver_t}");
        }
        TraceEvent::Deliver { id } => {
            let _ = write!(s, "\"deliver\",\"id\":{id}");
        }
        TraceEvent::Drop { id, reason } => {
            let _ = write!(s, "\"drop\",\"id\":{id},\"reason\":\"{reason}\"");
        }
        TraceEvent::Action { description } => {
            s.push_str("\"action\",\"action\":");
            push_str(&mut s, description);
        }
        TraceEvent::Invoke {
            client,
            request,
            op,
        } => {
            let _ = write!(
                s,
                "\"invoke\",\"client\":{client},\"request\":{request},\"op\":"
            );
            push_str(&mut s, &op.to_string());
        }
        TraceEvent::Return {
            client,
            request,
            outcome,
            result,
        } => {
            let _ = write!(s, "\"return\",\"client\":{client},\"request\":{request},\"outcome\":\"{outcome}\",\"result\":");
            push_opt_str(&mut s, result.as_deref());
        }
        TraceEvent::Violation {
            invariant,
            nodes,
            detail,
        } => {
            let _ = write!(
                s,
                "\"violation\",\"invariant\":\"{invariant}\",\"nodes\":{nodes:?},\"detail\":"
            );
            push_str(&mut s, detail);
        }
    }
    s.push('}');
    s
}
