//! Each server's clock, running at its own rate (thesis §6.4.1: a lease is
//! safe only if clocks drift within a known bound).
//!
//! The simulator keeps one real time; a server sees its own local time,
//! which runs `ppm` parts per million faster (or, negative, slower) than
//! real time. Rates can change mid-run (the nemesis, the page's "wilder
//! clock"), so a clock is kept as the point where its rate last changed
//! and the rate since: local time never jumps, and never runs backwards.
//! With every rate 0, local time is real time and a run is exactly what
//! it was before clocks drifted.

use crate::raft::{NodeId, Time, PPM};

/// The largest drift the simulator accepts, either way: half as fast or
/// half again.
pub const MAX_DRIFT_PPM: i64 = 500_000;

/// One server's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Real time of the last rate change.
    since_real: Time,
    /// Local time then.
    since_local: Time,
    /// Parts per million faster than real time (negative: slower).
    ppm: i64,
}

impl Clock {
    /// The local time at real time `now` (not before the last change).
    pub fn local(&self, now: Time) -> Time {
        // An exact clock (every clock, unless clocks drift) adds: the
        // 128-bit division below is a tenth of the simulator's hot path.
        if self.ppm == 0 {
            return self.since_local + now.saturating_sub(self.since_real);
        }
        let elapsed = now.saturating_sub(self.since_real) as i128;
        let scaled = elapsed * (PPM as i128 + self.ppm as i128) / PPM as i128;
        self.since_local + scaled as Time
    }

    /// The first real time at or after `now` when the local time reaches
    /// `deadline`.
    pub fn real(&self, now: Time, deadline: Time) -> Time {
        if deadline <= self.local(now) {
            return now;
        }
        if self.ppm == 0 {
            return self.since_real + (deadline - self.since_local);
        }
        let rate = (PPM as i128 + self.ppm as i128).max(1);
        let ahead = (deadline - self.since_local) as i128;
        let elapsed = (ahead * PPM as i128 + rate - 1) / rate;
        (self.since_real + elapsed as Time).max(now)
    }

    /// The rate, in parts per million off real time.
    pub fn ppm(&self) -> i64 {
        self.ppm
    }

    /// From real time `now` on, run `ppm` off real time.
    pub fn set_rate(&mut self, now: Time, ppm: i64) {
        self.since_local = self.local(now);
        self.since_real = now;
        self.ppm = ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
    }
}

/// Every server's clock, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clocks {
    clocks: Vec<Clock>,
}

impl Clocks {
    /// `nodes` clocks, all on real time.
    pub fn new(nodes: u64) -> Self {
        Clocks {
            clocks: vec![Clock::default(); nodes as usize],
        }
    }

    /// Clocks up to server `id`'s, the new ones on real time: for a server
    /// that joins while the cluster runs.
    pub fn cover(&mut self, id: NodeId) {
        if self.clocks.len() < id as usize {
            self.clocks.resize(id as usize, Clock::default());
        }
    }

    /// Server `id`'s clock.
    pub fn of(&self, id: NodeId) -> &Clock {
        &self.clocks[id as usize - 1]
    }

    /// Server `id`'s clock, to change its rate.
    pub fn of_mut(&mut self, id: NodeId) -> &mut Clock {
        &mut self.clocks[id as usize - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_clock_reaches_a_deadline_early_and_never_jumps() {
        let mut c = Clock::default();
        assert_eq!(c.local(1_000), 1_000, "rate 0 is real time");
        c.set_rate(1_000, 100_000); // 10% fast from t = 1 ms
        assert_eq!(c.local(1_000), 1_000, "no jump at the change");
        assert_eq!(c.local(11_000), 12_000);
        let at = c.real(1_000, 12_000);
        assert_eq!(at, 11_000);
        assert!(c.local(at) >= 12_000 && c.local(at - 1) < 12_000);
        c.set_rate(11_000, -100_000); // then 10% slow
        assert_eq!(c.local(11_000), 12_000, "continuous");
        assert_eq!(c.local(21_000), 21_000);
        assert_eq!(c.real(11_000, 5_000), 11_000, "a past deadline is now");
    }

    #[test]
    fn the_real_time_of_a_deadline_is_the_first_that_reaches_it() {
        for ppm in [-500_000, -12_345, -1, 0, 1, 7_777, 500_000] {
            let mut c = Clock::default();
            c.set_rate(3, ppm);
            for deadline in [4, 17, 1_001, 999_999] {
                let at = c.real(3, deadline);
                assert!(c.local(at) >= deadline, "ppm {ppm} deadline {deadline}");
                assert!(at == 3 || c.local(at - 1) < deadline, "ppm {ppm}");
            }
        }
    }
}
