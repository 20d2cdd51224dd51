//! Commands of the replicated key-value store, with the semantics of
//! Maelstrom's lin-kv workload: read, write and compare-and-set.

use super::membership::Membership;
use super::types::{ClientId, RequestId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

/// Keys and values are short strings; a user's plain text message is a write
/// of that text.
pub type Key = String;
/// The value stored under a [`Key`].
pub type Value = String;

/// An operation on the key-value store. Its serde form is the compact one
/// links use; files spell it out (`sim::action_record`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Op {
    /// Read the value of `key`. Goes through the log like any other command,
    /// so the answer is linearizable (§8), unless the unsafe `LocalReads`
    /// switch is on.
    Read {
        /// The key to read.
        key: Key,
    },
    /// Set `key` to `value`, creating the key if needed.
    Write {
        /// The key to write.
        key: Key,
        /// The new value.
        value: Value,
    },
    /// Compare-and-set: if `key` holds `from`, set it to `to`; otherwise
    /// change nothing and report the current value.
    Cas {
        /// The key to compare and set.
        key: Key,
        /// The value the key must hold for the set to happen.
        from: Value,
        /// The value written when the comparison succeeds.
        to: Value,
    },
}

impl Op {
    /// The key the operation reads or writes.
    pub fn key(&self) -> &str {
        match self {
            Op::Read { key } | Op::Write { key, .. } | Op::Cas { key, .. } => key,
        }
    }
}

/// A client's request as it travels in the log: who asked, which request, what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientCommand {
    /// The client that issued the request.
    pub client: ClientId,
    /// The client's sequence number for the request; with `client`, it lets
    /// the state machine run a command that reached the log twice only once
    /// (§8).
    pub request: RequestId,
    /// The operation to run on the key-value store.
    pub op: Op,
}

/// What a log entry carries. A new leader appends a `Noop` of its own term
/// (paper §8) so that it can commit entries of earlier terms (§5.4.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Payload {
    /// An entry with no command, appended by a new leader at the start of its
    /// term. Applying it changes nothing.
    Noop,
    /// A client's command. Behind an `Rc` so that the many copies of an
    /// entry (in messages, logs and snapshots) share one command.
    Command(Rc<ClientCommand>),
    /// A new configuration of the cluster (thesis §4.1): every server uses
    /// the latest one in its log from the moment it is appended.
    Config(Rc<Membership>),
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
    CasFailed {
        /// The value the key held instead (`None`: the key does not exist).
        current: Option<Value>,
    },
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
            Payload::Config(m) => write!(f, "config {m}"),
        }
    }
}
