//! Exhaustive exploration of small clusters: every interleaving of message
//! deliveries, drops and duplicates, timeouts, heartbeats, crashes and
//! client requests, within bounds (`bounds`), breadth-first (`search`),
//! each state seen once up to renaming the servers (`fingerprint`), the
//! moves from each state in a fixed order (`moves`).
//!
//! It drives the real core through the simulator, with every message and
//! timer waiting for an action (`Delivery::ByAction`), and checks the
//! simulator's invariants after every step, and linearizability once a
//! client heard back. A violation comes out as a scenario that the player
//! and `raft-sim run --scenario` replay to it. `raft-sim explore` is its
//! command line.

pub mod bounds;
pub mod estimate;
pub mod fingerprint;
pub mod moves;
pub mod plan;
pub mod search;
pub mod timing;

pub use bounds::Bounds;
pub use plan::{plan, ExplorePlan};
pub use search::{explorer_config, lagging_disk, Counterexample, ExploreProgress, Explorer, STEP};
