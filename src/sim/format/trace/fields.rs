//! The one walk over a trace event's fields. The trace hash and the JSON
//! writer both read events through it, so a new kind of event, or a new
//! field, is written down once and the two cannot disagree about it.

use super::TraceEvent;
use crate::raft::{LogIndex, NodeId, Term};
use crate::sim::stable_hash::{op_hash, payload_hash};
use std::fmt::Display;

/// One field of an event, typed: `hash.rs` folds each type into the hash,
/// `json.rs` writes it.
pub(super) enum Field<'e> {
    /// The kind of event: a number in the hash, a name in JSON.
    Kind(u64, &'static str),
    /// A number.
    Int(u64),
    /// A number or nothing.
    OptInt(Option<u64>),
    /// A string.
    Text(&'e str),
    /// A string or nothing.
    OptText(Option<&'e str>),
    /// A value JSON writes as its `Display` text and the hash takes as the
    /// number beside it, made without formatting: hashing runs on every
    /// simulated event.
    Shown(&'e dyn Display, u64),
    /// (index, term) pairs.
    Pairs(&'e [(LogIndex, Term)]),
    /// A list of servers.
    Nodes(&'e [NodeId]),
}

/// A reader of an event's fields: the hash or the JSON writer.
pub(super) trait Visitor<'e> {
    /// Takes one field, with its JSON name.
    fn field(&mut self, name: &'static str, field: Field<'e>);
}

impl TraceEvent {
    /// Gives this event's fields to `v`, in the order of its JSON line, its
    /// kind first.
    pub(super) fn walk<'e>(&'e self, v: &mut impl Visitor<'e>) {
        use Field::*;
        match self {
            TraceEvent::State {
                node,
                term,
                role,
                voted_for,
                commit,
                last_index,
                last_term,
            } => {
                v.field("kind", Kind(1, "state"));
                v.field("node", Int(*node));
                v.field("term", Int(*term));
                v.field("role", Text(role.as_str()));
                v.field("voted_for", OptInt(*voted_for));
                v.field("commit", Int(*commit));
                v.field("last_index", Int(*last_index));
                v.field("last_term", Int(*last_term));
            }
            TraceEvent::Apply {
                node,
                index,
                term,
                payload,
            } => {
                v.field("kind", Kind(2, "apply"));
                v.field("node", Int(*node));
                v.field("index", Int(*index));
                v.field("term", Int(*term));
                v.field("command", Shown(payload, payload_hash(payload)));
            }
            TraceEvent::LeaderLog { node, term, log } => {
                v.field("kind", Kind(3, "leader_log"));
                v.field("node", Int(*node));
                v.field("term", Int(*term));
                v.field("log", Pairs(log));
            }
            TraceEvent::Send {
                id,
                from,
                to,
                kind,
                term,
                deliver_t,
            } => {
                v.field("kind", Kind(4, "send"));
                v.field("id", Int(*id));
                v.field("from", Shown(from, from.code()));
                v.field("to", Shown(to, to.code()));
                v.field("type", Text(kind));
                v.field("term", OptInt(*term));
                v.field("deliver_t", Int(*deliver_t));
            }
            TraceEvent::Deliver { id } => {
                v.field("kind", Kind(5, "deliver"));
                v.field("id", Int(*id));
            }
            TraceEvent::Drop { id, reason } => {
                v.field("kind", Kind(6, "drop"));
                v.field("id", Int(*id));
                v.field("reason", Text(reason.as_str()));
            }
            TraceEvent::Action { description } => {
                v.field("kind", Kind(7, "action"));
                v.field("action", Text(description));
            }
            TraceEvent::Invoke {
                client,
                request,
                op,
            } => {
                v.field("kind", Kind(8, "invoke"));
                v.field("client", Int(*client));
                v.field("request", Int(*request));
                v.field("op", Shown(op, op_hash(op)));
            }
            TraceEvent::Return {
                client,
                request,
                outcome,
                result,
            } => {
                v.field("kind", Kind(9, "return"));
                v.field("client", Int(*client));
                v.field("request", Int(*request));
                v.field("outcome", Text(outcome.as_str()));
                v.field("result", OptText(result.as_deref()));
            }
            TraceEvent::Snapshot {
                node,
                index,
                term,
                installed,
            } => {
                v.field("kind", Kind(11, "snapshot"));
                v.field("node", Int(*node));
                v.field("index", Int(*index));
                v.field("term", Int(*term));
                let how = if *installed { "installed" } else { "taken" };
                v.field("how", Text(how));
            }
            TraceEvent::UnsafeStep {
                node,
                switch,
                peer,
                index,
            } => {
                v.field("kind", Kind(12, "unsafe_step"));
                v.field("node", Int(*node));
                v.field("switch", Text(switch.name()));
                v.field("peer", OptInt(*peer));
                v.field("index", OptInt(*index));
            }
            TraceEvent::Violation {
                invariant,
                nodes,
                detail,
            } => {
                v.field("kind", Kind(10, "violation"));
                v.field("invariant", Text(invariant));
                v.field("nodes", Nodes(nodes));
                v.field("detail", Text(detail));
            }
        }
    }
}
