//! Raft Playground: a sans-IO Raft core (`raft`), a deterministic cluster
//! simulator over it (`sim`), and (later) a browser UI over the simulator.
//!
//! Layers point one way: `sim` drives `raft`; `raft` knows nothing of `sim`.

pub mod raft;
pub mod sim;
