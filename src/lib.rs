//! Raft Playground: a sans-IO Raft core (`raft`), a deterministic cluster
//! simulator over it (`sim`), what the playground draws (`view`, plain Rust)
//! and the browser UI in Yew (`ui`, wasm32 only).
//!
//! Layers point one way: `ui` -> `view` -> `sim` -> `raft`.
//!
//! # Example: an election by hand
//!
//! The core does no I/O: the caller persists what it is asked to and
//! delivers every message itself. Here, server 1 of three times out,
//! collects the votes and becomes leader (§5.2). A vote may leave only once
//! it is on stable storage (Figure 2), so replies wait in `after_persist`
//! until the caller says the writes are durable.
//!
//! ```
//! use raft_playground::raft::{Config, HardState, Output, RaftNode, Rng, Role};
//!
//! // Three servers, each with its own seeded random stream, at time 0.
//! let mut nodes: Vec<RaftNode> = (1..=3)
//!     .map(|id| RaftNode::new(id, Config::cluster(3), Rng::new(id), 0))
//!     .collect();
//!
//! // Server 1's election timer fires: it becomes a candidate of term 1 and
//! // votes for itself. That vote counts, and its RequestVotes leave, only
//! // once it is durable: all three wait.
//! let mut requests = Output::default();
//! nodes[0].force_timeout(0, &mut requests);
//! assert_eq!(requests.hard_state, Some(HardState { term: 1, voted_for: Some(1) }));
//! assert_eq!(requests.after_persist.len(), 3);
//!
//! // ...written to disk here; then its own vote is counted and the
//! // requests may leave.
//! let ready = std::mem::take(&mut requests.after_persist);
//! nodes[0].persisted(0, ready, &mut requests);
//! assert_eq!(requests.messages.len(), 2);
//!
//! // Deliver each RequestVote; each voter persists its vote, then replies.
//! let mut replies = Output::default();
//! for m in requests.messages {
//!     let voter = &mut nodes[m.to as usize - 1];
//!     voter.step(0, m.from, m.message, &mut replies);
//!     voter.persisted_now(0, &mut replies); // a synchronous disk
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

/// The browser builds' allocator: talc instead of the standard library's
/// dlmalloc, 2.8 KB less gzip for the page (3.0 for the studio, 3.3 for
/// the worker) with the same frame times, explorer speed and heap
/// (measured 2026-12-03, docs/measurements.md).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
