//! The speed control: a logarithmic scale from 1/1000 of real time to 4x,
//! as a slider position 0..=100.

use crate::sim::decimal::{fixed, plain};

/// Slowest and fastest speeds, as simulated time per wall time.
pub const MIN_SPEED: f64 = 0.001;
/// The fastest: four times real time.
pub const MAX_SPEED: f64 = 4.0;
/// The default: a first leader within a few seconds, messages easy to follow.
pub const DEFAULT_SPEED: f64 = 1.0 / 30.0;

/// Speed for a slider position (0 = slowest, 100 = fastest). The position
/// the default speed is shown at (42, rounded) gives the default back: it
/// gave 1/31x, so the slider could not return to 1/30x (a page tester saw).
pub fn speed_at(position: f64) -> f64 {
    if (position - position_of(DEFAULT_SPEED)).abs() <= 0.5 {
        return DEFAULT_SPEED;
    }
    let t = position.clamp(0.0, 100.0) / 100.0;
    (MIN_SPEED.ln() + t * (MAX_SPEED.ln() - MIN_SPEED.ln())).exp()
}

/// Slider position for a speed.
pub fn position_of(speed: f64) -> f64 {
    let s = speed.clamp(MIN_SPEED, MAX_SPEED);
    100.0 * (s.ln() - MIN_SPEED.ln()) / (MAX_SPEED.ln() - MIN_SPEED.ln())
}

/// One step faster or slower (a keyboard press): a factor of two.
pub fn faster(speed: f64) -> f64 {
    (speed * 2.0).min(MAX_SPEED)
}

/// One step slower: half the speed, down to [`MIN_SPEED`].
pub fn slower(speed: f64) -> f64 {
    (speed / 2.0).max(MIN_SPEED)
}

/// "1/30x", "1x", "4x": how a person reads a speed.
pub fn label(speed: f64) -> String {
    if speed >= 1.0 {
        format!("{}x", plain((speed * 10.0).round() / 10.0))
    } else {
        format!("1/{}x", fixed(1.0 / speed, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_logarithmic_and_invertible() {
        assert!((speed_at(0.0) - MIN_SPEED).abs() < 1e-12);
        assert!((speed_at(100.0) - MAX_SPEED).abs() < 1e-9);
        for p in [0.0, 13.0, 50.0, 99.0] {
            assert!((position_of(speed_at(p)) - p).abs() < 1e-9);
        }
        let mid = speed_at(50.0);
        assert!(
            (mid * mid - MIN_SPEED * MAX_SPEED).abs() < 1e-9,
            "geometric midpoint"
        );
    }

    #[test]
    fn the_default_speeds_position_gives_it_back() {
        let shown = position_of(DEFAULT_SPEED).round();
        assert_eq!(shown, 42.0);
        assert_eq!(label(speed_at(shown)), "1/30x");
        assert_eq!(label(speed_at(43.0)), "1/28x");
    }

    #[test]
    fn labels_read_naturally() {
        assert_eq!(label(1.0 / 30.0), "1/30x");
        assert_eq!(label(2.0), "2x");
        assert_eq!(faster(MAX_SPEED), MAX_SPEED);
    }
}
