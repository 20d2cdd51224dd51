//! The simulated world: time and the event queue (`simulation`), the
//! network, each server's disk (`disk`, and `persist` for what waits on
//! it), the clients (`workload`), the nemesis, the actions a person or
//! a scenario takes, the configuration, and whole runs with their phases
//! (`run`). One seed decides everything in it.

pub mod action;
mod apply_action;
pub mod availability;
mod clients;
pub mod clocks;
pub mod config;
pub mod disk;
pub mod fault_model;
mod faults;
pub mod held_links;
pub mod membership;
pub mod nemesis;
pub mod network;
pub mod node_status;
mod paused_inbox;
mod persist;
pub mod reads_served;
mod recording;
pub mod run;
pub mod simulation;
pub mod stale_deliveries;
pub mod workload;
