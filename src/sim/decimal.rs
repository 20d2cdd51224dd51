//! Writing decimal numbers without the standard library's float
//! formatter, for what the page shows (times, rates, fractions).
//!
//! `{}`/`{:.N}` on floats carry tables and code worth about 8 KB of gzip in
//! the browser bundle (measured in a minimal wasm). Reading numbers is the
//! browser's job (`JSON.parse`, see `crate::json`), so there is no reader
//! here any more. `shortest` writes the fewest decimals that read back
//! exactly: with the digits a whole number below 2^53 and the power of ten
//! within ±22, one IEEE division gives the correctly rounded value
//! (Clinger's fast path), which is how it checks itself.

/// Whole numbers below this are exact doubles.
const EXACT_LIMIT: u64 = 1 << 53;
/// Powers of ten up to this are exact doubles.
const MAX_EXACT_POWER: i32 = 22;

/// `x * 10^power`, exactly rounded, when 10^|power| is an exact double.
fn scale(x: f64, power: i32) -> Option<f64> {
    if x == 0.0 {
        return Some(0.0);
    }
    if power.abs() > MAX_EXACT_POWER {
        return None;
    }
    let ten_to = (0..power.abs()).fold(1.0f64, |p, _| p * 10.0);
    Some(if power < 0 { x / ten_to } else { x * ten_to })
}

/// `x` with `places` decimals (at most 9), like `format!("{x:.places$}")`
/// for the sizes shown on screen (up to about 10^6).
pub fn fixed(x: f64, places: usize) -> String {
    let places = places.min(9);
    let unit = 10u64.pow(places as u32);
    let scaled = (x.abs() * unit as f64).round();
    if !scaled.is_finite() || scaled >= EXACT_LIMIT as f64 {
        return if x.is_nan() {
            "NaN".into()
        } else {
            "∞".into()
        };
    }
    let scaled = scaled as u64;
    let sign = if x < 0.0 && scaled != 0 { "-" } else { "" };
    digits(sign, scaled, places)
}

/// The shortest decimal that reads back as exactly `x`, for
/// files and links. A value with no such form (more than 15 or 16
/// significant digits, which no control or file of ours produces) is
/// written rounded to 9 decimals.
pub fn shortest(x: f64) -> String {
    for places in 0..=MAX_EXACT_POWER as usize {
        let scaled = (x.abs() * 10f64.powi(places as i32)).round();
        if scaled >= EXACT_LIMIT as f64 {
            break;
        }
        if scale(scaled, -(places as i32)) == Some(x.abs()) {
            let sign = if x.is_sign_negative() && x != 0.0 {
                "-"
            } else {
                ""
            };
            return digits(sign, scaled as u64, places);
        }
    }
    fixed(x, 9)
}

/// Microseconds `t` as seconds with `places` decimals (at most 6), exactly.
pub fn seconds(t: u64, places: usize) -> String {
    let places = places.min(6);
    let unit = 10u64.pow(6 - places as u32);
    digits("", (t + unit / 2) / unit, places)
}

/// `sign`, then `scaled` with a decimal point `places` digits from the end.
fn digits(sign: &str, scaled: u64, places: usize) -> String {
    if places == 0 {
        return format!("{sign}{scaled}");
    }
    let unit = 10u64.pow(places as u32);
    format!("{sign}{}.{:0places$}", scaled / unit, scaled % unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rng;

    #[test]
    fn fixed_and_seconds_match_the_standard_formatting() {
        for x in [
            0.0,
            0.05,
            1.0 / 3.0,
            2.5,
            -7.25,
            123.456,
            1e6 + 0.5,
            -0.0001,
        ] {
            for places in 0..=3 {
                let ours = fixed(x, places);
                let std = format!("{x:.places$}");
                // Ties may round differently (we round the scaled double);
                // the shown digits differ by at most one last unit.
                if ours != std {
                    let (a, b): (f64, f64) = (ours.parse().unwrap(), std.parse().unwrap());
                    assert!(
                        (a - b).abs() <= 1.01 / 10f64.powi(places as i32),
                        "{x} {places}: {ours} vs {std}"
                    );
                }
            }
        }
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(seconds(1_204_400, 3), "1.204");
        assert_eq!(seconds(1_204_500, 3), "1.205");
        assert_eq!(seconds(59, 0), "0");
        assert_eq!(seconds(7_000_000, 2), "7.00");
    }

    /// Whatever `shortest` writes reads back bit for bit; for
    /// short decimals it is the same text as the standard library's.
    #[test]
    fn shortest_reads_back_exactly() {
        let mut rng = Rng::new(9);
        for _ in 0..100_000 {
            let places = (rng.next_u64() % 8) as i32;
            let x = (rng.next_u64() % 10_000_000) as f64 / 10f64.powi(places);
            let text = shortest(x);
            assert_eq!(
                text.parse::<f64>().map(f64::to_bits),
                Ok(x.to_bits()),
                "{x}: {text}"
            );
            assert_eq!(text, format!("{x}"));
        }
        assert_eq!(shortest(0.1), "0.1");
        assert_eq!(shortest(-2500.0), "-2500");
        assert_eq!(shortest(0.0), "0");
    }
}
