//! The deterministic cluster simulator, by concern: the simulated world
//! (`world`: time, an event queue with a total order, a network, storage
//! that survives crashes, clients, a nemesis), the checkers (`check`:
//! invariants, the client history, linearizability) and the formats
//! (`format`: trace, scenarios, links), and experiments that run many
//! checked runs and summarize them (`experiment`: the paper's Figure 16).
//! One seed decides everything.

pub mod check;
pub mod experiment;
pub mod explore;
pub mod find;
pub mod format;
pub mod world;

// The modules by their short names, so `crate::sim::scenario` and the like
// keep working wherever they are used.
pub use check::{history, invariants, linearizability};
pub use format::{action_record, decimal, legacy_link, link, scenario, stable_hash, trace};
pub use world::{
    action, availability, clocks, config, disk, fault_model, held_links, membership, nemesis,
    network, node_status, reads_served, run, simulation, stale_deliveries, workload,
};

pub use action::Action;
pub use config::{parse_duration, SimConfig, MAX_NODES, MAX_SNAPSHOT_THRESHOLD, MIN_TIMER};
pub use disk::DiskConfig;
pub use fault_model::{FaultModel, LatencyTail, PartitionMode, PausedInbox};
pub use history::{Failure, Operation, Outcome};
pub use invariants::{Invariant, InvariantChecker, Violation};
pub use linearizability::{LinearizabilityReport, Verdict};
pub use network::{DropReason, Endpoint, InFlight, NetworkConfig, Packet};
pub use node_status::NodeStatus;
pub use run::{run, Liveness, RunReport};
pub use scenario::{ClientLoad, Scenario};
pub use simulation::{RefusedAction, Server, Simulation};
pub use stale_deliveries::StaleDeliveries;
pub use trace::to_json_line;
pub use trace::{Trace, TraceEvent};
pub use workload::WorkloadConfig;
