//! The deterministic cluster simulator: simulated time, an event queue with a
//! total order, a network, storage that survives crashes (each server's
//! persistent state), clients, a nemesis, the invariant checker, the history
//! and the trace. One seed decides everything.

pub mod action;
pub mod action_record;
mod apply_action;
pub mod config;
pub mod decimal;
pub mod history;
pub mod invariants;
pub mod legacy_link;
pub mod linearizability;
pub mod link;
pub mod nemesis;
pub mod network;
pub mod node_status;
pub mod run;
pub mod scenario;
pub mod simulation;
pub mod stable_hash;
pub mod trace;
pub mod workload;

pub use action::Action;
pub use config::{parse_duration, SimConfig, MAX_NODES};
pub use history::{Operation, Outcome};
pub use invariants::{Invariant, InvariantChecker, Violation};
pub use linearizability::{LinearizabilityReport, Verdict};
pub use network::{DropReason, Endpoint, InFlight, NetworkConfig, Packet};
pub use node_status::NodeStatus;
pub use run::{run, Liveness, RunReport};
pub use scenario::{ClientLoad, Scenario};
pub use simulation::{Server, Simulation};
pub use trace::to_json_line;
pub use trace::{Trace, TraceEvent};
pub use workload::WorkloadConfig;
