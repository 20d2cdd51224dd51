//! Raft Playground: a sans-IO Raft core (`raft`), a deterministic cluster
//! simulator over it (`sim`), what the playground draws (`view`, plain Rust)
//! and the browser UI in Yew (`ui`, wasm32 only).
//!
//! Layers point one way: `ui` -> `view` -> `sim` -> `raft`.
//!
//! # Example: an election by hand
//!
//! The core does no I/O: the caller delivers every message itself. Here,
//! server 1 of three times out, collects the votes and becomes leader (§5.2).
//!
//! ```
//! use raft_playground::raft::{Config, Output, RaftNode, Rng, Role};
//!
//! // Three servers, each with its own seeded random stream, at time 0.
//! let mut nodes: Vec<RaftNode> = (1..=3)
//!     .map(|id| RaftNode::new(id, Config::cluster(3), Rng::new(id), 0))
//!     .collect();
//!
//! // Server 1's election timer fires: it becomes a candidate of term 1,
//! // votes for itself and sends RequestVote to servers 2 and 3.
//! let mut requests = Output::default();
//! nodes[0].force_timeout(0, &mut requests);
//! assert_eq!(requests.messages.len(), 2);
//!
//! // Deliver each RequestVote; the replies collect in `replies`.
//! let mut replies = Output::default();
//! for m in requests.messages {
//!     nodes[m.to as usize - 1].step(0, m.from, m.message, &mut replies);
//! }
//!
//! // Deliver the votes back: a majority (2 of 3) makes server 1 leader.
//! let mut out = Output::default();
//! for m in replies.messages {
//!     nodes[0].step(0, m.from, m.message, &mut out);
//! }
//! assert_eq!(nodes[0].role(), Role::Leader);
//! assert_eq!(nodes[0].current_term(), 1);
//! ```

#![warn(missing_docs)]

pub mod json;
pub mod raft;
pub mod sim;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod ui;
