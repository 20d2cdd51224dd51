//! The drift bound menu: how far the servers assume clocks may run off
//! real time (thesis §6.4.1). A lease gives up twice the bound's share of
//! the election timeout, so a wider bound means a shorter lease, and a
//! clock past the bound can outlive a lease it should not.

use crate::sim::decimal::fixed;

/// The bounds the menu offers, in parts per million: exact clocks, then
/// 1%, 10%, 30% and the simulator's limit, 50% (at which a lease is 0).
pub const CHOICES: [u64; 5] = [0, 10_000, 100_000, 300_000, 500_000];

/// The menu's entries: every choice, and the run's own bound if a scenario
/// set one that is not among them.
pub fn entries(current: u64) -> Vec<u64> {
    let mut all = CHOICES.to_vec();
    if !all.contains(&current) {
        all.push(current);
        crate::raft::vec_map::sort_by_key(&mut all, |ppm| *ppm);
    }
    all
}

/// A bound as the menu names it: "±1%", "±0.50%", "none (exact clocks)".
pub fn label(ppm: u64) -> String {
    match ppm {
        0 => "none (exact clocks)".into(),
        ppm if ppm % 10_000 == 0 => format!("±{}%", ppm / 10_000),
        ppm => format!("±{}%", fixed(ppm as f64 / 10_000.0, 2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_names_each_bound_as_a_share_of_real_time() {
        let names: Vec<String> = CHOICES.iter().map(|&p| label(p)).collect();
        assert_eq!(
            names,
            ["none (exact clocks)", "±1%", "±10%", "±30%", "±50%"]
        );
        assert_eq!(label(5_000), "±0.50%");
    }

    #[test]
    fn a_scenarios_own_bound_joins_the_menu_in_order() {
        assert_eq!(entries(100_000), CHOICES.to_vec());
        assert_eq!(
            entries(5_000),
            [0, 5_000, 10_000, 100_000, 300_000, 500_000]
        );
    }
}
