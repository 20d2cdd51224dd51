//! The Raft consensus core: a sans-IO, deterministic state machine per server.
//!
//! Inputs: messages ([`RaftNode::step`]), the passing of time
//! ([`RaftNode::tick`]), client requests ([`RaftNode::propose`]), restart
//! from persisted state ([`RaftNode::restart`]) and the news that writes are
//! durable ([`RaftNode::persisted`]). Outputs, collected in an [`Output`]:
//! the term, vote and log changes to make durable, messages to send at once
//! and messages to send only once those are durable, client replies, applied
//! entries (the contract is in `output.rs`). No clock, no I/O, no ambient
//! randomness, no web or UI types.

mod check_quorum;
mod client;
mod command;
mod config;
mod durability;
mod election;
mod explored_times;
mod install_snapshot;
mod joint_consensus;
mod leadership_transfer;
mod lease;
mod log;
mod membership;
mod membership_change;
mod message;
mod node;
mod output;
mod pre_vote;
mod progress;
mod read_index;
mod replication;
mod rng;
pub mod shared_vec;
mod snapshot;
mod state_machine;
#[cfg(test)]
mod test_support;
mod types;
mod unsafe_switches;
pub mod vec_map;

pub use client::{ClientReply, PendingProposal, ReplyOutcome};
pub use command::{ClientCommand, Key, Op, OpResult, Payload, Value};
pub use config::{Config, Timing, MAX_MEMBERS};
pub use install_snapshot::SnapshotTransfer;
pub use lease::PPM;
pub use log::{Entry, RaftLog};
pub use membership::Membership;
pub use membership_change::{ChangeRefused, ConfigChange};
pub use message::{ConflictHint, Envelope, Message};
pub use node::{PersistentState, RaftNode, Role};
pub use output::{Applied, HardState, LogChange, Output, UnsafeStep};
pub use progress::Progress;
pub use read_index::{ReadPath, ServedBy};
pub use rng::Rng;
pub use snapshot::{Snapshot, SnapshotMeta, SnapshotRecord};
pub use state_machine::KvStore;
pub use types::{ClientId, LogIndex, NodeId, RequestId, Term, Time, MILLIS, SECONDS};
pub use unsafe_switches::{UnsafeSwitch, UnsafeSwitches};
