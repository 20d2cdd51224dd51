//! Summary statistics of one line of an experiment: how many trials, the
//! median, mean, 99th percentile and maximum, and the points of the
//! cumulative distribution (the curves of the Raft paper's Figure 16).
//!
//! A trial may end without a result within its time bound (a censored
//! trial, `None`): it counts as longer than every trial that ended, so a
//! percentile that falls among the censored trials has no value, and
//! neither has the mean.
//!
//! Percentiles are by the nearest-rank method: the p-th percentile of n
//! sorted values is the value at rank ⌈p·n/100⌉ (1-based), the smallest
//! value with at least p% of the trials at or below it. The median is the
//! 50th percentile in that sense (for an even count, the lower of the two
//! middle values, never an average of two trials).

use crate::raft::Time;
use serde::{Deserialize, Serialize};

/// A line's figures, in simulated microseconds; `None` where the value
/// falls among trials that never ended (or, for the mean, when any did
/// not).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Trials run.
    pub trials: u64,
    /// Trials that ended within their bound.
    pub ended: u64,
    /// The 50th percentile (nearest rank).
    pub median: Option<Time>,
    /// The arithmetic mean, rounded down to the microsecond.
    pub mean: Option<Time>,
    /// The 99th percentile (nearest rank).
    pub p99: Option<Time>,
    /// The longest trial.
    pub max: Option<Time>,
}

/// One point of the cumulative distribution: `fraction` of the trials took
/// at most `value`. `seed` names the trial at that point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CdfPoint {
    /// The trial's value, in simulated microseconds.
    pub value: Time,
    /// The share of all trials (censored ones included) at or below it.
    pub fraction: f64,
    /// The seed of the trial this point is.
    pub seed: u64,
}

/// The nearest-rank `p`-th percentile (0 < p <= 100) of `sorted`, in which
/// `None` (never ended) sorts after every value.
pub fn percentile(sorted: &[Option<Time>], p: u64) -> Option<Time> {
    if sorted.is_empty() || p == 0 || p > 100 {
        return None;
    }
    let rank = (p as usize * sorted.len()).div_ceil(100);
    sorted[rank - 1]
}

/// The summary of `values` (in any order).
pub fn summarize(values: &[Option<Time>]) -> Summary {
    let mut sorted = values.to_vec();
    sorted.sort_by_key(|v| (v.is_none(), *v));
    let ended: Vec<Time> = sorted.iter().flatten().copied().collect();
    let all_ended = !sorted.is_empty() && ended.len() == sorted.len();
    let total: u128 = ended.iter().map(|&v| v as u128).sum();
    Summary {
        trials: sorted.len() as u64,
        ended: ended.len() as u64,
        median: percentile(&sorted, 50),
        mean: all_ended.then(|| (total / sorted.len() as u128) as Time),
        p99: percentile(&sorted, 99),
        max: sorted.last().copied().flatten(),
    }
}

/// The cumulative distribution of `(value, seed)` trials: one point per
/// trial that ended, in increasing order of value (ties by seed), its
/// fraction counting every trial up to it out of all trials.
pub fn cdf(trials: &[(Option<Time>, u64)]) -> Vec<CdfPoint> {
    let mut ended: Vec<(Time, u64)> = trials
        .iter()
        .filter_map(|&(v, seed)| Some((v?, seed)))
        .collect();
    ended.sort_unstable();
    let n = trials.len() as f64;
    ended
        .into_iter()
        .enumerate()
        .map(|(i, (value, seed))| CdfPoint {
            value,
            fraction: (i + 1) as f64 / n,
            seed,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(values: impl IntoIterator<Item = Time>) -> Vec<Option<Time>> {
        values.into_iter().map(Some).collect()
    }

    #[test]
    fn one_to_a_hundred() {
        // Shuffled, so the summary has to sort.
        let values = some((1..=100).map(|i| (i * 37) % 100 + 1));
        let s = summarize(&values);
        let expected = Summary {
            trials: 100,
            ended: 100,
            median: Some(50),
            mean: Some(50), // 50.5 rounded down
            p99: Some(99),
            max: Some(100),
        };
        assert_eq!(s, expected);
        assert_eq!(percentile(&some(1..=100), 1), Some(1));
        assert_eq!(percentile(&some(1..=100), 100), Some(100));
    }

    #[test]
    fn nearest_rank_on_small_counts() {
        // n = 10: the 99th percentile is rank ceil(9.9) = 10, the median
        // rank 5 (the lower middle value).
        let s = summarize(&some([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]));
        assert_eq!(s.median, Some(50));
        assert_eq!(s.p99, Some(1000));
        assert_eq!(s.mean, Some(145));
        // n = 3: the median is the middle one.
        assert_eq!(summarize(&some([7, 3, 5])).median, Some(5));
        assert_eq!(summarize(&[]), Summary::default());
    }

    #[test]
    fn censored_trials_sort_last_and_hide_what_they_cover() {
        let mut values = some(1..=98);
        values.extend([None, None]);
        let s = summarize(&values);
        assert_eq!((s.trials, s.ended), (100, 98));
        assert_eq!(s.median, Some(50));
        assert_eq!(s.p99, None, "rank 99 is a trial that never ended");
        assert_eq!(s.max, None);
        assert_eq!(s.mean, None);
        let all_censored = summarize(&[None, None]);
        assert_eq!((all_censored.median, all_censored.ended), (None, 0));
    }

    #[test]
    fn the_cdf_counts_every_trial_and_keeps_the_seeds() {
        let trials = [(Some(30), 7), (None, 8), (Some(10), 9), (Some(30), 5)];
        let points = cdf(&trials);
        let seen: Vec<(Time, u64)> = points.iter().map(|p| (p.value, p.seed)).collect();
        assert_eq!(seen, [(10, 9), (30, 5), (30, 7)]);
        let fractions: Vec<f64> = points.iter().map(|p| p.fraction).collect();
        assert_eq!(
            fractions,
            [0.25, 0.5, 0.75],
            "the censored trial keeps it below 1"
        );
    }
}
