//! Reading and writing decimal numbers without the standard library's float
//! parser and formatter.
//!
//! `str::parse::<f64>` and `{}`/`{:.N}` on floats carry tables and code
//! worth about 23 KB of gzip in the browser bundle (measured: 15 KB parsing,
//! 8 KB formatting), more than a tenth of it. Scenarios only need numbers
//! whose digits form a whole number below 2^53 with a power of ten within
//! ±22: for those, both the digits and the power of ten are exact doubles,
//! so one IEEE division or multiplication gives the correctly rounded value
//! (Clinger's fast path), bit for bit what `str::parse` gives. Anything else
//! is refused. Writing picks the fewest decimals that read back exactly.

/// Whole numbers below this are exact doubles.
const EXACT_LIMIT: u64 = 1 << 53;
/// Powers of ten up to this are exact doubles.
const MAX_EXACT_POWER: i32 = 22;

/// The value of a JSON-style number (`-12.5e-3`), if it is within the exact
/// range described above.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], parse_exponent(&rest[at + 1..])?),
        None => (rest, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() || (mantissa.contains('.') && fraction.is_empty()) {
        return None;
    }
    // Trailing zeros of the fraction change nothing; dropping them keeps
    // `0.50000000000000000000` within reach.
    let fraction = fraction.trim_end_matches('0');
    let digits = whole.bytes().chain(fraction.bytes());
    let mut n: u64 = 0;
    for d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        if n >= EXACT_LIMIT {
            return None;
        }
    }
    let power = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?;
    let magnitude = scale(n as f64, power)?;
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_exponent(text: &str) -> Option<i32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(d) => (-1, d),
        None => (1, digits),
    };
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|d| d.is_ascii_digit()) {
        return None;
    }
    Some(sign * digits.bytes().fold(0, |e, d| e * 10 + i32::from(d - b'0')))
}

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

/// The shortest decimal that [`parse`] reads back as exactly `x`, for
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

    /// Within its range it agrees with `str::parse` bit for bit.
    #[test]
    fn agrees_with_the_standard_parser_bit_for_bit() {
        let mut rng = Rng::new(42);
        for _ in 0..200_000 {
            let digits = (rng.next_u64() % EXACT_LIMIT) >> (rng.next_u64() % 53);
            let text = digits.to_string();
            let point = (rng.next_u64() % (text.len() as u64 + 1)) as usize;
            let mut number = format!("{}.{}", &text[..point.max(1)], &text[point.max(1)..]);
            if number.ends_with('.') {
                number.pop();
            }
            let fraction_digits = text.len() - point.max(1);
            if rng.next_u64().is_multiple_of(3) {
                // Keep the power of ten (exponent less fraction digits)
                // within ±22, the documented range.
                let e = (rng.next_u64() % 20) as i64 - 10;
                if (e - fraction_digits as i64).abs() <= 22 {
                    number = format!("{number}e{e}");
                }
            }
            if rng.next_u64().is_multiple_of(2) {
                number.insert(0, '-');
            }
            let expected: f64 = number.parse().unwrap();
            match parse(&number) {
                Some(x) => assert_eq!(x.to_bits(), expected.to_bits(), "{number}"),
                None => panic!("{number} is in range but was refused"),
            }
        }
    }

    #[test]
    fn what_scenarios_write_reads_back() {
        for (text, value) in [
            ("0", 0.0),
            ("0.05", 0.05),
            ("0.1", 0.1),
            ("1", 1.0),
            ("-2.5e3", -2500.0),
            ("1.5E-3", 0.0015),
            ("9007199254740991", 9007199254740991.0),
            ("0.50000000000000000000000", 0.5),
            ("6000000", 6e6),
            ("1e16", 1e16),
        ] {
            assert_eq!(parse(text), Some(value), "{text}");
        }
    }

    #[test]
    fn out_of_range_or_malformed_is_refused() {
        for text in [
            "",
            "-",
            ".5",
            "5.",
            "1e",
            "1e+",
            "0x10",
            "1.2.3",
            "1e999",
            "nan",
            "inf",
            "--1",
            "9007199254740993",
            "0.30000000000000004",
            "1e23",
            "12345678901234567890",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

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

    /// Whatever `shortest` writes, `parse` reads back bit for bit; for
    /// short decimals it is the same text as the standard library's.
    #[test]
    fn shortest_reads_back_exactly() {
        let mut rng = Rng::new(9);
        for _ in 0..100_000 {
            let places = (rng.next_u64() % 8) as i32;
            let x = (rng.next_u64() % 10_000_000) as f64 / 10f64.powi(places);
            let text = shortest(x);
            assert_eq!(
                parse(&text).map(f64::to_bits),
                Some(x.to_bits()),
                "{x}: {text}"
            );
            assert_eq!(text, format!("{x}"));
        }
        assert_eq!(shortest(0.1), "0.1");
        assert_eq!(shortest(-2500.0), "-2500");
        assert_eq!(shortest(0.0), "0");
    }
}
