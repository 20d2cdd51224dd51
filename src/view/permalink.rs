//! Scenarios in links: the scenario in the URL fragment, so a link needs no
//! server and reproduces the run. Links are written as `#z=` and the
//! compact binary encoding (`sim::scenario_binary`), base64url; links from
//! before that carry the JSON (`#s=`), and still load.

use crate::sim::{scenario_binary, Scenario};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const NOT_BASE64: &str = "the link's scenario is damaged (not base64url): was it cut short?";

/// The fragment for `scenario`, without the leading `#`.
pub fn encode(scenario: &Scenario) -> String {
    format!("z={}", base64url(&scenario_binary::to_bytes(scenario)))
}

/// Reads a fragment (with or without `#`). `Ok(None)`: there is no scenario
/// in it; `Err`: there is one, and it is broken (the message says how).
/// With both keys, `z=` wins: it is what this build writes.
pub fn decode(fragment: &str) -> Result<Option<Scenario>, String> {
    let fragment = fragment.trim_start_matches('#');
    let value = |key: &str| fragment.split('&').find_map(|part| part.strip_prefix(key));
    if let Some(data) = value("z=") {
        return decode_binary(data).map(Some);
    }
    let Some(data) = value("s=") else {
        return Ok(None);
    };
    let bytes = unbase64url(data).ok_or(NOT_BASE64)?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the link's scenario is not text".to_string())?;
    Scenario::from_json(&text)
        .map(Some)
        .map_err(|e| format!("the link's scenario cannot be used: {e}"))
}

/// Damaged bytes and a scenario that does not validate get different
/// messages: the first means a mangled link, the second a wrong scenario.
fn decode_binary(data: &str) -> Result<Scenario, String> {
    let bytes = unbase64url(data).ok_or(NOT_BASE64)?;
    let scenario = scenario_binary::from_bytes_unvalidated(&bytes)
        .map_err(|e| format!("the link's scenario is damaged: {e}"))?;
    scenario
        .validate()
        .map_err(|e| format!("the link's scenario cannot be used: {e}"))?;
    Ok(scenario)
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

    const EXAMPLE: &str = include_str!("../../docs/examples/minority-leader.json");

    /// The fragment links carried before `z=`.
    fn old_link(scenario: &Scenario) -> String {
        format!("s={}", base64url(scenario.to_json().as_bytes()))
    }

    #[test]
    fn links_are_compact() {
        let scenario = Scenario::from_json(EXAMPLE).unwrap();
        let (old, new) = (old_link(&scenario), encode(&scenario));
        println!(
            "minority-leader.json ({} bytes): #s= fragment {} characters, #z= fragment {} characters",
            EXAMPLE.len(),
            old.len(),
            new.len()
        );
        assert!(new.starts_with("z="));
        assert!(3 * new.len() <= old.len(), "{} vs {}", new.len(), old.len());
    }

    #[test]
    fn old_links_still_load_and_z_wins_over_s() {
        let scenario = Scenario::from_json(EXAMPLE).unwrap();
        assert_eq!(
            decode(&format!("#{}", old_link(&scenario))),
            Ok(Some(scenario.clone()))
        );
        let mut other = scenario.clone();
        other.seed = 8;
        let both = format!("#{}&{}", old_link(&other), encode(&scenario));
        assert_eq!(decode(&both), Ok(Some(scenario.clone())));
        let both = format!("{}&{}", encode(&scenario), old_link(&other));
        assert_eq!(decode(&both), Ok(Some(scenario)));
    }

    #[test]
    fn broken_z_links_say_what_is_wrong() {
        let scenario = Scenario::from_json(EXAMPLE).unwrap();
        let mut bytes = scenario_binary::to_bytes(&scenario);
        let cases = [
            ("z=%%%".to_string(), "damaged (not base64url)".to_string()),
            (
                format!("z={}", base64url(&bytes[..bytes.len() - 3])),
                "the link's scenario is damaged: 6 string bytes declared at byte 165, but only 3 bytes follow".into(),
            ),
            (
                format!("z={}", base64url(&[7, 1])),
                "the link's scenario is damaged: format 7 is not supported".into(),
            ),
        ];
        for (fragment, expected) in cases {
            let err = decode(&fragment).unwrap_err();
            assert!(err.contains(&expected), "'{err}' lacks '{expected}'");
        }
        bytes[2] = 30; // nodes
        let err = decode(&format!("z={}", base64url(&bytes))).unwrap_err();
        assert_eq!(
            err,
            "the link's scenario cannot be used: nodes must be 1..=25, got 30"
        );
    }

    #[test]
    fn a_scenario_survives_the_link() {
        let scenario = Scenario::from_json(EXAMPLE).unwrap();
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

    /// The example blog page embeds the example scenario by link; the link
    /// must be the one `encode` makes today (rerun the encoder if it
    /// changes: `Scenario::from_json` of docs/examples/minority-leader.json).
    #[test]
    fn the_example_page_embeds_the_example_scenario() {
        let text = include_str!("../../docs/examples/minority-leader.json");
        let fragment = encode(&Scenario::from_json(text).unwrap());
        let page = include_str!("../../www/embed-example.html");
        assert!(
            page.contains(&format!("?embed=1#{fragment}\"")),
            "www/embed-example.html should embed #{fragment}"
        );
    }
}
