//! What the network panel's controls mean: the minority cut off by
//! "Majority / minority", the latency sliders that keep min ≤ max, and the
//! one-way cut field.

use crate::raft::{NodeId, MILLIS};
use crate::sim::NetworkConfig;

/// A network slider moved to a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NetworkEdit {
    /// Latency min, in milliseconds.
    LatencyMinMs(f64),
    /// Latency max, in milliseconds.
    LatencyMaxMs(f64),
    /// Probability of losing a message, 0..=1.
    Loss(f64),
    /// Probability of delivering a message twice, 0..=1.
    Duplication(f64),
}

impl NetworkEdit {
    /// `config` with this edit made. Moving one latency bound past the other
    /// drags the other along, so the range is never empty.
    pub fn apply(self, mut config: NetworkConfig) -> NetworkConfig {
        let us = |ms: f64| ms.max(0.0) as u64 * MILLIS;
        match self {
            NetworkEdit::LatencyMinMs(ms) => {
                config.latency_min = us(ms);
                config.latency_max = config.latency_max.max(config.latency_min);
            }
            NetworkEdit::LatencyMaxMs(ms) => {
                config.latency_max = us(ms);
                config.latency_min = config.latency_min.min(config.latency_max);
            }
            NetworkEdit::Loss(p) => config.loss = p.clamp(0.0, 1.0),
            NetworkEdit::Duplication(p) => config.duplication = p.clamp(0.0, 1.0),
        }
        config
    }
}

/// The side cut off by "Majority / minority": the largest minority of the
/// `voters`, `(n - 1) / 2` servers, with the leader among them if there is
/// one, so the majority must elect a new leader while the old one cannot
/// commit (paper §5.4.1, Figure 8's story). Learners and removed servers
/// stay with the majority: they do not count (thesis chapter 4).
pub fn minority(voters: &[NodeId], leader: Option<NodeId>) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = leader.into_iter().collect();
    ids.extend(voters.iter().filter(|&&i| Some(i) != leader));
    ids.truncate(voters.len().saturating_sub(1) / 2);
    ids
}

/// The one-way cut field: `FROM->TO`, like `1->2`.
pub fn parse_cut(text: &str) -> Result<(NodeId, NodeId), String> {
    text.split_once("->")
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
        .ok_or_else(|| format!("a link is FROM->TO, like 1->2, not '{text}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minority_holds_the_leader_and_is_the_largest_that_cannot_elect() {
        let ids = |n: NodeId| (1..=n).collect::<Vec<_>>();
        assert_eq!(minority(&ids(5), Some(4)), vec![4, 1]);
        assert_eq!(minority(&ids(5), None), vec![1, 2]);
        assert_eq!(minority(&ids(3), Some(2)), vec![2]);
        assert_eq!(minority(&ids(9), Some(9)), vec![9, 1, 2, 3]);
        assert_eq!(minority(&ids(4), Some(1)), vec![1]);
    }

    #[test]
    fn the_minority_is_of_the_voters_only() {
        // Voters 1, 3, 4, 6 (2 removed, 5 a learner): one of four.
        assert_eq!(minority(&[1, 3, 4, 6], Some(3)), vec![3]);
        assert_eq!(minority(&[1, 3, 4, 6, 7], Some(7)), vec![7, 1]);
        assert_eq!(minority(&[], None), Vec::<NodeId>::new());
    }

    #[test]
    fn latency_bounds_drag_each_other_so_min_never_passes_max() {
        let config = NetworkConfig {
            latency_min: 10 * MILLIS,
            latency_max: 20 * MILLIS,
            ..NetworkConfig::default()
        };
        let raised = NetworkEdit::LatencyMinMs(50.0).apply(config);
        assert_eq!(
            (raised.latency_min, raised.latency_max),
            (50 * MILLIS, 50 * MILLIS)
        );
        let lowered = NetworkEdit::LatencyMaxMs(5.0).apply(config);
        assert_eq!(
            (lowered.latency_min, lowered.latency_max),
            (5 * MILLIS, 5 * MILLIS)
        );
        let inside = NetworkEdit::LatencyMaxMs(30.0).apply(config);
        assert_eq!(
            (inside.latency_min, inside.latency_max),
            (10 * MILLIS, 30 * MILLIS)
        );
        assert_eq!(NetworkEdit::Loss(0.25).apply(config).loss, 0.25);
        assert_eq!(NetworkEdit::Duplication(3.0).apply(config).duplication, 1.0);
        assert_eq!(NetworkEdit::LatencyMinMs(-4.0).apply(config).latency_min, 0);
    }

    #[test]
    fn a_cut_is_from_arrow_to() {
        assert_eq!(parse_cut("1->2"), Ok((1, 2)));
        assert_eq!(parse_cut(" 3 -> 5 "), Ok((3, 5)));
        for bad in ["", "1-2", "a->2", "1->", "->2", "1->2->3"] {
            let e = parse_cut(bad).unwrap_err();
            assert!(e.contains("FROM->TO") && e.contains(bad), "{bad}: {e}");
        }
    }
}
