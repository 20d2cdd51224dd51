//! Scenarios in links: the scenario's JSON, base64url-encoded, in the URL
//! fragment (`#s=...`), so a link needs no server and reproduces the run.

use crate::sim::Scenario;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The fragment for `scenario`, without the leading `#`.
pub fn encode(scenario: &Scenario) -> String {
    format!("s={}", base64url(scenario.to_json().as_bytes()))
}

/// Reads a fragment (with or without `#`). `Ok(None)`: there is no scenario
/// in it; `Err`: there is one, and it is broken (the message says how).
pub fn decode(fragment: &str) -> Result<Option<Scenario>, String> {
    let fragment = fragment.trim_start_matches('#');
    let Some(data) = fragment.split('&').find_map(|part| part.strip_prefix("s=")) else {
        return Ok(None);
    };
    let bytes = unbase64url(data)
        .ok_or("the link's scenario is damaged (not base64url): was it cut short?")?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the link's scenario is not text".to_string())?;
    Scenario::from_json(&text)
        .map(Some)
        .map_err(|e| format!("the link's scenario cannot be used: {e}"))
}

pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

pub fn unbase64url(text: &str) -> Option<Vec<u8>> {
    if text.len() > 2 * crate::sim::json_read::MAX_INPUT {
        return None;
    }
    let digits: Vec<u32> = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().fold(0u32, |acc, &d| acc << 6 | d) << (6 * (4 - chunk.len()));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rng;

    #[test]
    fn base64url_round_trips_every_length() {
        let mut rng = Rng::new(5);
        for len in 0..64 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            assert_eq!(unbase64url(&base64url(&bytes)), Some(bytes));
        }
        assert_eq!(base64url(b"Man"), "TWFu");
        assert_eq!(unbase64url("a"), None);
        assert_eq!(unbase64url("ab=c"), None);
    }

    #[test]
    fn a_scenario_survives_the_link() {
        let text = include_str!("../../docs/examples/minority-leader.json");
        let scenario = Scenario::from_json(text).unwrap();
        let link = encode(&scenario);
        assert_eq!(decode(&format!("#{link}")), Ok(Some(scenario)));
        assert_eq!(decode("#nothing-here"), Ok(None));
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        assert!(decode("#s=%%%").unwrap_err().contains("damaged"));
        let bad_version =
            base64url(br#"{"version":9,"seed":1,"nodes":3,"duration_us":1,"actions":[]}"#);
        assert!(decode(&format!("#s={bad_version}"))
            .unwrap_err()
            .contains("version 9 is not supported"));
        let huge =
            base64url(br#"{"version":1,"seed":1,"nodes":1000000,"duration_us":1,"actions":[]}"#);
        assert!(decode(&format!("#s={huge}"))
            .unwrap_err()
            .contains("\"nodes\""));
    }
}
