//! Commands of the replicated key-value store, with the semantics of
//! Maelstrom's lin-kv workload: read, write and compare-and-set.

use super::types::{ClientId, RequestId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

/// Keys and values are short strings; a user's plain text message is a write
/// of that text.
pub type Key = String;
pub type Value = String;

/// An operation on the key-value store. Its serde form is the compact one
/// links use; files spell it out (`sim::action_record`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Op {
    Read { key: Key },
    Write { key: Key, value: Value },
    Cas { key: Key, from: Value, to: Value },
}

impl Op {
    pub fn key(&self) -> &str {
        match self {
            Op::Read { key } | Op::Write { key, .. } | Op::Cas { key, .. } => key,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Op::Read { .. } => "read",
            Op::Write { .. } => "write",
            Op::Cas { .. } => "cas",
        }
    }
}

/// A client's request as it travels in the log: who asked, which request, what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientCommand {
    pub client: ClientId,
    pub request: RequestId,
    pub op: Op,
}

/// What a log entry carries. A new leader appends a `Noop` of its own term
/// (paper §8) so that it can commit entries of earlier terms (§5.4.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Payload {
    Noop,
    Command(Rc<ClientCommand>),
}

/// The result of applying an operation to the state machine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OpResult {
    /// A write took effect.
    Written,
    /// A read saw this value (`None`: the key does not exist).
    ReadValue(Option<Value>),
    /// A compare-and-set matched and took effect.
    CasOk,
    /// A compare-and-set found another value (or none) and did nothing.
    CasFailed { current: Option<Value> },
    /// Not executed: the same client already had a later request applied
    /// (clients issue requests in order, so this one was abandoned).
    Stale,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Read { key } => write!(f, "read {key}"),
            Op::Write { key, value } => write!(f, "write {key}={value}"),
            Op::Cas { key, from, to } => write!(f, "cas {key} {from}->{to}"),
        }
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Noop => write!(f, "noop"),
            Payload::Command(c) => write!(f, "c{}#{} {}", c.client, c.request, c.op),
        }
    }
}
