//! The checkers, which trust the trace and the history rather than the
//! nodes' word: the invariants after every event, the client history, and
//! its linearizability.

pub mod history;
pub mod invariants;
pub mod linearizability;
