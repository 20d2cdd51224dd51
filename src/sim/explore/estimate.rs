//! How much of a breadth-first search is left, for a progress bar.
//!
//! The depth completed is a poor measure: each level is a few times the
//! one before (2.5 times for 3 servers), so at depth 9 of 12 a search has
//! done about a sixteenth of its work. The estimate projects the levels
//! left from the one being expanded: its states so far give the successors
//! checked per state expanded, and the new states found per state, the
//! growth from one level to the next. It is a projection, not a bound:
//! deduplication slows the growth at depth, so it tends to count too much
//! work ahead, and the bar lags rather than runs ahead.

/// Where a search stands in its current level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LevelCounts {
    /// Steps from the start of the states being expanded.
    pub depth: u32,
    /// The depth bound: states at `bound - 1` are the last expanded.
    pub bound: u32,
    /// States in the level when it began.
    pub level_size: u64,
    /// Its states not yet expanded.
    pub level_left: u64,
    /// Successors checked before this level began.
    pub explored_before: u64,
    /// Successors checked in all.
    pub explored: u64,
    /// New states kept for the next level so far.
    pub next_found: u64,
}

/// Never more than this: the bar's total stays a sane number.
const MOST: f64 = 1e15;

/// The successors the whole search will have checked, projected: at least
/// those checked so far.
pub fn estimated_total(c: &LevelCounts) -> u64 {
    let expanded = c.level_size.saturating_sub(c.level_left);
    if expanded == 0 || c.depth >= c.bound {
        return c.explored;
    }
    let expanded = expanded as f64;
    let per_state = (c.explored - c.explored_before) as f64 / expanded;
    let growth = c.next_found as f64 / expanded;
    let left = c.level_left as f64;
    let mut total = c.explored as f64 + left * per_state;
    let mut level = c.next_found as f64 + left * growth;
    for _ in c.depth + 1..c.bound {
        total += level * per_state;
        level *= growth;
        if total > MOST {
            return MOST as u64;
        }
    }
    total as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_growing_threefold_projects_the_levels_left() {
        // Half of a level of 10 expanded: 40 successors checked (8 per
        // state), 15 new states (3 per state); two levels to go after it.
        let c = LevelCounts {
            depth: 5,
            bound: 8,
            level_size: 10,
            level_left: 5,
            explored_before: 100,
            explored: 140,
            next_found: 15,
        };
        // 140 + 5 * 8 now; the next level of 30 states: 240; then 90: 720.
        assert_eq!(estimated_total(&c), 140 + 40 + 240 + 720);
    }

    #[test]
    fn nothing_expanded_or_the_last_level_counts_what_is_done() {
        let start = LevelCounts {
            depth: 3,
            bound: 8,
            level_size: 10,
            level_left: 10,
            explored: 50,
            ..LevelCounts::default()
        };
        assert_eq!(estimated_total(&start), 50);
        let end = LevelCounts { depth: 8, ..start };
        assert_eq!(estimated_total(&end), 50);
    }

    #[test]
    fn an_explosive_growth_stays_a_sane_number() {
        let c = LevelCounts {
            depth: 0,
            bound: 1_000,
            level_size: 1,
            level_left: 0,
            explored: 1_000,
            next_found: 1_000,
            ..LevelCounts::default()
        };
        assert_eq!(estimated_total(&c), MOST as u64);
    }
}
