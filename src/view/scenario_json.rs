//! Where the page reads and writes scenario JSON (a pasted or loaded file,
//! an old `#s=` link, "Download scenario (JSON)").
//!
//! Natively that is `Scenario::from_json` and `to_json`. In the browser the
//! page's own wasm carries no JSON reader: serde-wasm-bindgen and every
//! type's reader live in the studio, the page's second module, and the
//! page installs a [`JsonCodec`] that asks it (`ui::studio_client`). Before
//! an input that needs JSON reaches the session, the page makes sure the
//! studio is there ([`Session::needs_json`](super::session::Session::needs_json)). Without a codec, the browser build
//! says so rather than link a reader in.

use crate::sim::Scenario;
use std::cell::Cell;

/// Reads and writes scenario JSON for the page.
pub trait JsonCodec {
    /// The scenario `text` holds, validated; or what is wrong with it,
    /// naming the field, as `Scenario::from_json` says it.
    fn read(&self, text: &str) -> Result<Scenario, String>;
    /// `scenario` as the JSON of docs/scenario-format.md.
    fn write(&self, scenario: &Scenario) -> Result<String, String>;
}

/// The crate's own reader and writer (`Scenario::from_json`, `to_json`:
/// serde_json natively, `JSON.parse` and serde-wasm-bindgen in the
/// browser). The studio reads with it; browser tests install it.
pub struct OwnJson;

impl JsonCodec for OwnJson {
    fn read(&self, text: &str) -> Result<Scenario, String> {
        Scenario::from_json(text)
    }

    fn write(&self, scenario: &Scenario) -> Result<String, String> {
        Ok(scenario.to_json())
    }
}

thread_local! {
    static CODEC: Cell<Option<&'static dyn JsonCodec>> = const { Cell::new(None) };
}

/// Makes `codec` the page's reader and writer of scenario JSON.
pub fn install(codec: &'static dyn JsonCodec) {
    CODEC.with(|c| c.set(Some(codec)));
}

/// The scenario in `text`.
pub fn read(text: &str) -> Result<Scenario, String> {
    match CODEC.with(Cell::get) {
        Some(codec) => codec.read(text),
        None => fallback_read(text),
    }
}

/// `scenario` as JSON text.
pub fn write(scenario: &Scenario) -> Result<String, String> {
    match CODEC.with(Cell::get) {
        Some(codec) => codec.write(scenario),
        None => fallback_write(scenario),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn fallback_read(text: &str) -> Result<Scenario, String> {
    Scenario::from_json(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn fallback_write(scenario: &Scenario) -> Result<String, String> {
    Ok(scenario.to_json())
}

#[cfg(target_arch = "wasm32")]
const NO_CODEC: &str = "this page cannot read or write JSON (no reader installed)";

#[cfg(target_arch = "wasm32")]
fn fallback_read(_: &str) -> Result<Scenario, String> {
    Err(NO_CODEC.into())
}

#[cfg(target_arch = "wasm32")]
fn fallback_write(_: &Scenario) -> Result<String, String> {
    Err(NO_CODEC.into())
}

/// Whether `text` (pasted, loaded from a file, or a link) is read as JSON:
/// JSON itself, or an `#s=` link, the oldest form, which is base64url JSON
/// (`view::permalink::is_json_link`).
pub fn is_json(text: &str) -> bool {
    let text = text.trim();
    let fragment = text.split_once('#').map_or(text, |(_, f)| f);
    text.starts_with('{') || super::permalink::is_json_link(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_only_the_oldest_links_need_a_json_reader() {
        assert!(is_json("  {\"version\":2}"));
        assert!(is_json("s=eyJ2"));
        assert!(is_json("https://x.org/?seed=2#s=eyJ2"));
        assert!(!is_json("https://x.org/#r=AQID"));
        assert!(!is_json("#z=AQID&s=eyJ2"));
        assert!(!is_json("r=AQID&s=eyJ2"));
        assert!(!is_json("nothing at all"));
        assert!(!is_json(""));
    }

    /// A codec that says who answered, to see the seam is used.
    struct Refuses;
    impl JsonCodec for Refuses {
        fn read(&self, _: &str) -> Result<Scenario, String> {
            Err("refused by the codec".into())
        }
        fn write(&self, _: &Scenario) -> Result<String, String> {
            Err("refused by the codec".into())
        }
    }

    #[test]
    fn an_installed_codec_reads_and_writes_instead_of_the_default() {
        let text = include_str!("../../docs/examples/minority-leader.json");
        let scenario = read(text).expect("the default reads the example");
        assert!(write(&scenario).unwrap().contains("\"seed\""));
        // Each test runs on its own thread: the codec stays on this one.
        std::thread::spawn(move || {
            static REFUSES: Refuses = Refuses;
            install(&REFUSES);
            assert_eq!(read(text), Err("refused by the codec".into()));
            assert_eq!(write(&scenario), Err("refused by the codec".into()));
        })
        .join()
        .unwrap();
    }
}
