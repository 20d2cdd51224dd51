//! Simulated times written as seconds, exactly: `1_204_400` µs with three
//! places is `1.204`. Integer arithmetic, so the text never depends on how
//! a float happens to round.
//!
//! (This file used to read and write floats without the standard library,
//! to keep its float parser and formatter out of the wasm. Serde's error
//! messages now link the formatter anyway, and the browser parses numbers,
//! so floats are written with `format!` and nothing here reads them.)

/// Microseconds `t` as seconds with `places` decimals (at most 6), exactly.
pub fn seconds(t: u64, places: usize) -> String {
    let places = places.min(6);
    let unit = 10u64.pow(6 - places as u32);
    let scaled = (t + unit / 2) / unit;
    if places == 0 {
        return scaled.to_string();
    }
    let unit = 10u64.pow(places as u32);
    format!("{}.{:0places$}", scaled / unit, scaled % unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_half_up_exactly() {
        assert_eq!(seconds(1_204_400, 3), "1.204");
        assert_eq!(seconds(1_204_500, 3), "1.205");
        assert_eq!(seconds(59, 0), "0");
        assert_eq!(seconds(7_000_000, 2), "7.00");
        assert_eq!(seconds(123, 6), "0.000123");
    }
}
