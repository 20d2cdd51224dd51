//! A hasher whose output is the same on every platform and every Rust
//! release (FNV-1a over explicit little-endian bytes), so a trace hash
//! computed natively equals the one computed in the browser.

use crate::raft::{ClientCommand, Entry, Op, Payload};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StableHasher {
    state: u64,
}

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher {
            state: 0xcbf2_9ce4_8422_2325,
        }
    }
}

impl StableHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn u64(&mut self, x: u64) -> &mut Self {
        // Eight FNV-1a rounds, one per byte, little-endian.
        for byte in x.to_le_bytes() {
            self.state ^= byte as u64;
            self.state = self.state.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        for &byte in s.as_bytes() {
            self.state ^= byte as u64;
            self.state = self.state.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn finish(&self) -> u64 {
        self.state
    }
}

/// A hash of what a log entry carries, used to compare entries cheaply.
pub fn payload_hash(payload: &Payload) -> u64 {
    let mut h = StableHasher::new();
    match payload {
        Payload::Noop => {
            h.u64(0);
        }
        Payload::Command(command) => hash_command(h.u64(1), command),
    }
    h.finish()
}

fn hash_command(h: &mut StableHasher, command: &ClientCommand) {
    h.u64(command.client).u64(command.request);
    hash_op_into(h, &command.op);
}

/// A hash of an operation on the key-value store.
pub fn op_hash(op: &Op) -> u64 {
    let mut h = StableHasher::new();
    hash_op_into(&mut h, op);
    h.finish()
}

fn hash_op_into(h: &mut StableHasher, op: &Op) {
    match op {
        Op::Read { key } => h.u64(0).str(key),
        Op::Write { key, value } => h.u64(1).str(key).str(value),
        Op::Cas { key, from, to } => h.u64(2).str(key).str(from).str(to),
    };
}

/// The hash of a log prefix ending with `entry`, chained on the hash of the
/// prefix before it. Two logs agree up to index i exactly when their chained
/// hashes at i agree (up to a 2^-64 collision), which turns Log Matching and
/// its friends into O(1) comparisons.
pub fn chain(previous: u64, entry: &Entry) -> u64 {
    StableHasher::new()
        .u64(previous)
        .u64(entry.term)
        .u64(payload_hash(&entry.payload))
        .finish()
}
