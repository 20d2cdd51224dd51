//! A tiny deterministic random number generator (SplitMix64).
//!
//! The core never touches ambient randomness: whoever creates a node hands it
//! its own stream, derived from one seed, so that a run can be replayed bit for
//! bit. SplitMix64 is small, fast and passes BigCrush; it is not for secrets.

/// A seeded stream of pseudo-random numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A stream starting from `seed`: the same seed always gives the same
    /// numbers.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// A sub-stream named by `label`: the same (seed, label) always gives the
    /// same stream, and different labels give independent-looking streams.
    pub fn derive(seed: u64, label: u64) -> Self {
        let mut mixer = Rng::new(seed ^ label.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        Rng::new(mixer.next_u64() ^ label)
    }

    /// The next 64 pseudo-random bits of the stream.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (`lo` when the range is empty or inverted).
    pub fn range_inclusive(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        if span == 0 {
            return self.next_u64();
        }
        // Multiply-shift maps 64 random bits onto the span with negligible bias.
        lo + ((self.next_u64() as u128 * span as u128) >> 64) as u64
    }

    /// True with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        // 53 random bits give a uniform f64 in [0, 1).
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// An index in `0..len` (`len` must be > 0).
    pub fn index(&mut self, len: usize) -> usize {
        self.range_inclusive(0, len as u64 - 1) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_labels_differ() {
        let a: Vec<u64> = (0..5).map(|_| Rng::derive(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::derive(7, 1).next_u64(), Rng::derive(7, 2).next_u64());
    }

    #[test]
    fn range_stays_inside_bounds() {
        let mut rng = Rng::new(1);
        for _ in 0..10_000 {
            let x = rng.range_inclusive(150, 300);
            assert!((150..=300).contains(&x));
        }
        assert_eq!(rng.range_inclusive(5, 5), 5);
        assert_eq!(rng.range_inclusive(9, 3), 9);
    }

    /// `chance(p)` is a draw in [0, 1) below `p`, so it is true with
    /// probability exactly `p`: a draw equal to `p` is false.
    #[test]
    fn chance_is_true_only_below_p() {
        let draw = (Rng::new(3).next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        assert!(!Rng::new(3).chance(draw));
        assert!(Rng::new(3).chance(draw + f64::EPSILON));
        let mut rng = Rng::new(4);
        let hits = (0..10_000).filter(|_| rng.chance(0.25)).count();
        assert!(
            (2_300..2_700).contains(&hits),
            "{hits} of 10000 at p = 0.25"
        );
    }
}
