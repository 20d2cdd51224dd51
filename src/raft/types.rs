//! The small vocabulary every other file of the core speaks.

/// A server's id. Servers are numbered 1..=N.
pub type NodeId = u64;
/// A Raft term (paper §5.1): a logical clock that only moves forward.
pub type Term = u64;
/// A position in the replicated log; the first entry has index 1.
pub type LogIndex = u64;
/// Simulated time in microseconds. The core never reads a clock: the caller
/// passes the current time in with every input.
pub type Time = u64;
/// A client of the replicated key-value store.
pub type ClientId = u64;
/// A client's sequence number for its requests.
pub type RequestId = u64;

/// One millisecond of simulated time.
pub const MILLIS: Time = 1_000;
/// One second of simulated time.
pub const SECONDS: Time = 1_000_000;
