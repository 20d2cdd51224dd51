//! Numbers as the page draws them, with integer arithmetic: simulated
//! times as seconds, exactly (`1_204_400` µs with three places is `1.204`),
//! and coordinates with a fixed number of decimals.
//!
//! `fixed` exists for speed: every animation frame writes thousands of SVG
//! coordinates, and with `format!("{x:.1}")` in their place the work per
//! frame rose from p95 2.9 ms to 5.0 ms (5 nodes) and 4.1 ms to 7.0 ms (9
//! nodes), measured by scripts/measure-playground.mjs. (This file also used
//! to read floats, to keep the standard parser out of the wasm: the browser
//! parses numbers now.)
//!
//! Nothing here uses the standard float formatting (`{}` or `{:.N}` of an
//! `f64`): linked anywhere in the page, its tables cost the bundle 13 KB
//! of wasm (twiggy's dominator tree). Every number the page writes comes
//! through `fixed`, `plain` or `seconds`.

/// `x` with `places` decimals (at most 9), like `format!("{x:.places$}")`
/// for the sizes drawn (up to about 10^9); ties may round the other way.
pub fn fixed(x: f64, places: usize) -> String {
    let places = places.min(9);
    let unit = 10u64.pow(places as u32);
    let scaled = (x.abs() * unit as f64).round();
    if !scaled.is_finite() || scaled >= 9.0e15 {
        return huge(x); // never drawn; in messages about absurd input
    }
    let scaled = scaled as u64;
    let sign = if x < 0.0 && scaled != 0 { "-" } else { "" };
    digits(sign, scaled, places)
}

/// `x` as a person writes it, without trailing zeros ("2.5", "1000",
/// "0.001"): like `format!("{x}")` to as many of 9 decimals as 16 digits
/// leave, but for the huge (see `huge`); Display's shortest digits
/// would bring the standard formatting back.
pub fn plain(x: f64) -> String {
    let mut places = 9;
    while places > 0 && x.abs() * 10f64.powi(places as i32) >= 9.0e15 {
        places -= 1;
    }
    let mut s = fixed(x, places);
    if s.contains('.') {
        let kept = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(kept);
    }
    s
}

/// A number too big for [`fixed`], infinite or not a number; the big in
/// scientific notation ("1.5e20"), which only a message about absurd
/// input shows.
fn huge(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    // Powers of ten by division, not `log10` (libm in the wasm); at most
    // 308 of them.
    let (mut mantissa, mut exponent) = (x.abs(), 0);
    while mantissa >= 10.0 {
        mantissa /= 10.0;
        exponent += 1;
    }
    format!("{sign}{}e{exponent}", plain(mantissa))
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

    #[test]
    fn fixed_matches_the_standard_formatting_but_for_ties() {
        for x in [
            0.0,
            0.05,
            1.0 / 3.0,
            2.5,
            -7.25,
            123.456,
            1e6 + 0.5,
            -0.0001,
            1e20,
        ] {
            for places in 0..=3 {
                let (ours, std) = (fixed(x, places), format!("{x:.places$}"));
                if ours != std {
                    let (a, b): (f64, f64) = (ours.parse().unwrap(), std.parse().unwrap());
                    assert!(
                        (a - b).abs() <= 1.01 / 10f64.powi(places as i32),
                        "{x}: {ours} vs {std}"
                    );
                }
            }
        }
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(1e20, 1), "1e20");
        assert_eq!(fixed(-1.5e300, 1), "-1.5e300");
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::NEG_INFINITY, 1), "-inf");
        assert_eq!(fixed(12.345, 1), "12.3");
    }

    #[test]
    fn plain_writes_what_display_writes_to_nine_decimals() {
        for x in [
            0.0,
            2.5,
            10.0,
            0.1,
            0.001,
            -7.25,
            1234.5678,
            123_456_789.25,
            1e9,
            1e15,
            100_000.0,
        ] {
            assert_eq!(plain(x), format!("{x}"), "{x}");
        }
        assert_eq!(plain(0.123456789), "0.123456789");
        assert_eq!(plain(1e-10), "0");
        assert_eq!(plain(f64::INFINITY), "inf");
    }

    #[test]
    fn seconds_round_half_up_exactly() {
        assert_eq!(seconds(1_204_400, 3), "1.204");
        assert_eq!(seconds(1_204_500, 3), "1.205");
        assert_eq!(seconds(59, 0), "0");
        assert_eq!(seconds(7_000_000, 2), "7.00");
        assert_eq!(seconds(123, 6), "0.000123");
    }
}
