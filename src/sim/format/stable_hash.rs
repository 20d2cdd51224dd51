//! A hasher whose output is the same on every platform and every Rust
//! release, so a trace hash computed natively equals the one computed in the
//! browser. It mixes one 64-bit word at a time (multiply and rotate, in the
//! manner of FxHash) and finishes with SplitMix64's avalanche; it is fast and
//! spreads well, and it is not for adversaries.

use crate::raft::{ClientCommand, Entry, Op, Payload};

/// The platform-independent hasher: fold words in with [`StableHasher::u64`]
/// and [`StableHasher::str`], read the result with [`StableHasher::finish`].
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

const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

impl StableHasher {
    /// A hasher in its fixed initial state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Folds one 64-bit word into the state.
    #[inline]
    pub fn u64(&mut self, x: u64) -> &mut Self {
        self.state = (self.state.rotate_left(23) ^ x).wrapping_mul(MULTIPLIER);
        self
    }

    /// The length, then the bytes in little-endian words of eight, the last
    /// one padded with zeros.
    #[inline]
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes())
    }

    /// The bytes in little-endian words of eight, the last one padded with
    /// zeros.
    #[inline]
    fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.u64(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        }
        // The short last word is assembled byte by byte: copying it into a
        // padded array called `memcpy`, 6% of `raft-sim bench`'s
        // instructions (keys, values and message kinds are short).
        let rest = words.remainder();
        if !rest.is_empty() {
            self.u64(rest.iter().rev().fold(0, |w, &b| (w << 8) | u64::from(b)));
        }
        self
    }

    /// The hash of everything folded in so far, avalanched; the state is left
    /// as it is, so more can be folded in after.
    pub fn finish(&self) -> u64 {
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// For hash maps whose order nothing reads (the linearizability search's
/// memo): fixed, so no map in the simulator depends on ambient randomness,
/// and a word at a time: with std's SipHash the search ran a quarter
/// more instructions.
impl std::hash::Hasher for StableHasher {
    fn finish(&self) -> u64 {
        StableHasher::finish(self)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }

    fn write_u64(&mut self, x: u64) {
        self.u64(x);
    }

    fn write_usize(&mut self, x: usize) {
        self.u64(x as u64);
    }
}

/// A hash of what a log entry carries, used to compare entries cheaply.
#[inline]
pub fn payload_hash(payload: &Payload) -> u64 {
    let mut h = StableHasher::new();
    match payload {
        Payload::Noop => {
            h.u64(0);
        }
        Payload::Command(command) => hash_command(h.u64(1), command),
        Payload::Config(membership) => {
            h.u64(2);
            for list in [
                &membership.voters,
                &membership.outgoing,
                &membership.learners,
            ] {
                h.u64(list.len() as u64);
                for &id in list {
                    h.u64(id);
                }
            }
        }
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

#[inline]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned values: if these change, trace hashes printed by earlier
    /// versions (and shared scenario links) no longer match.
    #[test]
    fn hash_values_are_pinned() {
        assert_eq!(StableHasher::new().finish(), StableHasher::new().finish());
        let h = StableHasher::new().u64(1).str("abc").finish();
        assert_eq!(h, PINNED);
        assert_ne!(
            StableHasher::new().str("ab").str("c").finish(),
            StableHasher::new().str("a").str("bc").finish()
        );
    }

    const PINNED: u64 = 12232086380996919854;

    /// Strings of every length around a word or two fold exactly as
    /// zero-padded little-endian words, as they always have.
    #[test]
    fn strings_fold_as_padded_words() {
        let text = "0123456789abcdefghi";
        for len in 0..=text.len() {
            let s = &text[..len];
            let mut expected = StableHasher::new();
            expected.u64(len as u64);
            for chunk in s.as_bytes().chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                expected.u64(u64::from_le_bytes(word));
            }
            assert_eq!(StableHasher::new().str(s).finish(), expected.finish());
        }
    }
}
