//! JSON in and out of the crate's serde types, with the parser each
//! platform already has: `serde_json` natively (the CLI, the tests), and in
//! the browser its own `JSON.parse` / `JSON.stringify` with
//! `serde-wasm-bindgen` in between, so the wasm carries no JSON or float
//! parser of its own. Errors name the field that is wrong
//! (`actions[2].node: invalid type: ...`), through `serde_path_to_error`.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The most JSON accepted from a file, a paste or a link, in bytes: a
/// hostile input cannot exhaust memory.
pub const MAX_INPUT: usize = 1 << 20;

/// Reads `T` from JSON text; the message says what is wrong and where.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.len() > MAX_INPUT {
        return Err(format!(
            "input is {} bytes; at most {MAX_INPUT} are accepted",
            text.len()
        ));
    }
    platform::from_str(text)
}

/// `value` as indented JSON text.
pub fn to_string<T: Serialize>(value: &T) -> String {
    platform::to_string(value)
}

/// "actions[2].node: missing field" for an error inside the document, the
/// bare message for one at its root.
fn located<E: std::fmt::Display>(error: serde_path_to_error::Error<E>) -> String {
    let path = error.path().to_string();
    if path == "." || path.is_empty() {
        error.inner().to_string()
    } else {
        format!("{path}: {}", error.inner())
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod platform {
    use super::*;

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            if e.inner().is_syntax() || e.inner().is_eof() {
                format!("not valid JSON: {}", e.inner())
            } else {
                located(e)
            }
        })?;
        deserializer
            .end()
            .map_err(|e| format!("not valid JSON: {e}"))?;
        Ok(value)
    }

    pub fn to_string<T: Serialize>(value: &T) -> String {
        // Serializing plain data to a String cannot fail.
        serde_json::to_string_pretty(value).expect("plain data serializes") + "\n"
    }
}

#[cfg(target_arch = "wasm32")]
mod platform {
    use super::*;
    use wasm_bindgen::JsValue;

    pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let value = js_sys::JSON::parse(text).map_err(|e| {
            let reason = js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            format!("not valid JSON: {reason}")
        })?;
        from_value(value)
    }

    /// Reads `T` from a JavaScript value (a host page's message, say).
    pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
        let deserializer = serde_wasm_bindgen::Deserializer::from(value);
        serde_path_to_error::deserialize(deserializer).map_err(located)
    }

    /// `value` as a plain JavaScript value: objects, arrays, numbers.
    pub fn to_value<T: Serialize>(value: &T) -> JsValue {
        value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap_or(JsValue::NULL)
    }

    pub fn to_string<T: Serialize>(value: &T) -> String {
        let text = js_sys::JSON::stringify_with_replacer_and_space(
            &to_value(value),
            &JsValue::NULL,
            &JsValue::from(2),
        );
        text.ok().and_then(|t| t.as_string()).unwrap_or_default() + "\n"
    }
}

#[cfg(target_arch = "wasm32")]
pub use platform::{from_value, to_value};
