//! Raft Playground: a sans-IO Raft core (`raft`), a deterministic cluster
//! simulator over it (`sim`), what the playground draws (`view`, plain Rust)
//! and the browser UI in Yew (`ui`, wasm32 only).
//!
//! Layers point one way: `ui` -> `view` -> `sim` -> `raft`.

pub mod json;
pub mod raft;
pub mod sim;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod ui;
