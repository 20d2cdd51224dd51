//! A linearizability checker for the simulator's client histories
//! (`super::history`) of the key-value store.
//!
//! A history is linearizable (Herlihy & Wing 1990) if every operation can be
//! given a single instant, between its invocation and its return, at which it
//! takes effect, such that the effects in that order are a legal run of the
//! sequential specification.
//!
//! * `model`: that specification, Maelstrom's `lin-kv` register, and one
//!   key's history in its terms (which operations enter the check, and how).
//! * `search`: the search for such an order on one key (Wing & Gong, with
//!   Lowe's memoization), within a step budget; its cost is discussed there.
//! * `report`: `check`, which searches key by key, and the verdict with its
//!   explanation of a violation.

mod model;
mod report;
mod search;
#[cfg(test)]
mod test_support;

pub use report::{check, LinearizabilityReport, Verdict};
