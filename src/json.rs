//! JSON in and out of the crate's serde types, with the parser each
//! platform already has: `serde_json` natively (the CLI, the tests), and in
//! the browser its own `JSON.parse` / `JSON.stringify` with
//! `serde-wasm-bindgen` in between, so the wasm carries no JSON or float
//! parser of its own. Errors name the field that is wrong
//! (`actions[2].node: invalid type: ...`): natively through
//! `serde_path_to_error`; in the browser through [`Locate`], which walks the
//! parsed value only once reading it has failed, so the wasm carries no
//! second, path-tracking copy of every reader (4.4 KB of gzip).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// What [`from_str`] reads: natively anything serde reads; in the browser
/// also [`Locate`], which names the field at fault there.
#[cfg(not(target_arch = "wasm32"))]
pub trait Readable: DeserializeOwned {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: DeserializeOwned> Readable for T {}
/// What [`from_str`] reads: natively anything serde reads; in the browser
/// also [`Locate`], which names the field at fault there.
#[cfg(target_arch = "wasm32")]
pub trait Readable: Locate {}
#[cfg(target_arch = "wasm32")]
impl<T: Locate> Readable for T {}

/// A parsed JSON document [`Locate`] can walk: the browser's `JsValue`
/// (and `serde_json::Value` in the tests, which hold the walk to
/// `serde_path_to_error`'s answers).
pub trait Tree: Sized {
    /// The member `name` of an object; `None` for anything else.
    fn member(&self, name: &str) -> Option<Self>;
    /// The elements of an array; empty for anything else.
    fn elements(&self) -> Vec<Self>;
    /// Is this `null`?
    fn is_null(&self) -> bool;
    /// Does a `T` read from this value?
    fn reads_as<T: DeserializeOwned>(&self) -> bool;
}

/// Where the first fault is inside a value that does not read as `Self`:
/// the path below it (`.network.latency_min_us`, `[4].action`), empty when
/// the value itself is at fault (a wrong type, a missing field, a check of
/// the whole). Structs look at their members in declaration order, the
/// order serde-wasm-bindgen reads them in, so the path is that of the error
/// reading stopped at.
pub trait Locate: DeserializeOwned {
    /// The path below `value`; the default is for values with no parts.
    fn locate<V: Tree>(_value: &V) -> String {
        String::new()
    }
}

/// One member of a struct, for `first_bad_member`: its name, whether a
/// value reads as its type, and where inside a value that does not the
/// fault is.
pub type Member<V> = (&'static str, fn(&V) -> bool, fn(&V) -> String);

/// For a struct's [`Locate::locate`]: the path of the first of `members`
/// (in declaration order) that is present and does not read, empty if none.
/// One loop over a table, rather than code per member, for the bundle.
pub fn first_bad<V: Tree>(value: &V, members: &[Member<V>]) -> String {
    for (name, reads, locate) in members {
        if let Some(child) = value.member(name) {
            if !reads(&child) {
                return format!(".{name}{}", locate(&child));
            }
        }
    }
    String::new()
}

/// `actions[2].node: missing field` from the path `Locate` found and the
/// error, the bare message for a fault at the root.
pub fn at_path(path: &str, error: impl std::fmt::Display) -> String {
    match path.strip_prefix('.').unwrap_or(path) {
        "" => error.to_string(),
        path => format!("{path}: {error}"),
    }
}

/// The value at `path` (as [`Locate::locate`] writes it: `.name`, `[i]`)
/// below `root`, if it is there.
pub fn value_at<V: Tree>(root: &V, path: &str) -> Option<V> {
    let mut value = None::<V>;
    let mut rest = path;
    while !rest.is_empty() {
        let here = value.as_ref().unwrap_or(root);
        let next = if let Some(after) = rest.strip_prefix('[') {
            let (index, after) = after.split_once(']')?;
            rest = after;
            here.elements().into_iter().nth(index.parse().ok()?)?
        } else {
            let after = rest.strip_prefix('.')?;
            let end = after.find(['.', '[']).unwrap_or(after.len());
            rest = &after[end..];
            here.member(&after[..end])?
        };
        value = Some(next);
    }
    value
}

/// serde-wasm-bindgen's words for a value of the wrong shape, in JSON's
/// (`found`: "an array", "a string"...). It reads a struct's fields off
/// any value, so an array where an object belongs gives "invalid type:
/// JsValue(Function(every))" (an array's `every` is a function), and a
/// string where a list or an object belongs "TypeError: Reflect.get called
/// on non-object"; other messages lose a leading "Error: ".
pub fn plain_error(message: &str, found: &str) -> String {
    if message.contains("Reflect.get called on non-object") {
        return format!("invalid type: {found}, expected a list or an object");
    }
    if message.contains("JsValue(") {
        let expected = if found == "an array" {
            ", expected an object"
        } else {
            ""
        };
        return format!("invalid type: {found}{expected}");
    }
    let message = message.strip_prefix("Error: ").unwrap_or(message);
    // It reads an enum's name off the entries of an array or an object
    // (`["pause"]` is "unknown variant `0`"; `[]` and `["a", "b"]` are
    // "invalid length"), and names the enum's Rust type for a number.
    if found != "a string" {
        if let Some(rest) = message.strip_prefix("unknown variant `") {
            let after = rest.find('`').map_or("", |end| &rest[end + 1..]);
            return format!("invalid type: {found}{after}");
        }
        if message.contains(", expected enum ") || message.starts_with("invalid length ") {
            return format!("invalid type: {found}, expected a string");
        }
    }
    // serde's names for what was found and wanted are Rust's: `null` is
    // a "unit value", an object a "struct CommandRecord".
    let message = message.replace(
        "invalid type: unit value",
        &format!("invalid type: {found}"),
    );
    let message = match message.find("expected struct ") {
        Some(at) => format!("{}expected an object", &message[..at]),
        None => message,
    };
    plain_number(&message)
}

/// A number as JSON wrote it: the browser hands every number over as a
/// float, so serde's "floating point `-5.0`" is JSON's `-5`, an integer,
/// and a float of hundreds of digits (`1e308` written out) is said by its
/// size, not printed; either is an invalid value, not type.
fn plain_number(message: &str) -> String {
    const FLOAT: &str = "floating point `";
    let Some(start) = message.find(FLOAT) else {
        return message.to_string();
    };
    let rest = &message[start + FLOAT.len()..];
    let Some(end) = rest.find('`') else {
        return message.to_string();
    };
    let number = &rest[..end];
    let digits = number.trim_start_matches('-');
    let integral = digits
        .strip_suffix(".0")
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    // Past 2^53 - 1 a JavaScript number is not exact, so the browser does
    // not hand it over as an integer at all, though it would fit the field.
    let inexact = integral
        .and_then(|whole| whole.parse::<u64>().ok())
        .is_some_and(|n| n > (1 << 53) - 1);
    let said = match integral {
        Some(whole) if whole.len() <= 16 => format!("integer `{}`", &number[..number.len() - 2]),
        _ if number.len() > 24 => format!(
            "a number of {} digits",
            digits.split('.').next().unwrap_or(digits).len()
        ),
        _ => return message.to_string(),
    };
    // A whole number, or one too large, is of the right type for an
    // integer field: its value is what is wrong, as serde_json says.
    let before = &message[..start];
    let before = match before.strip_suffix("invalid type: ") {
        Some(lead) => format!("{lead}invalid value: "),
        None => before.to_string(),
    };
    let exact = match inexact {
        true => ": a JavaScript number is exact only from -9007199254740991 to 9007199254740991",
        false => "",
    };
    format!("{before}{said}{}{exact}", &rest[end + 1..])
}

/// The first of a struct's members (`Type, "name";`, in declaration order)
/// that does not read, as a path; empty if they all do.
macro_rules! first_bad_member {
    ($value:expr; $($ty:ty, $name:literal;)+) => {
        $crate::json::first_bad($value, &[$((
            $name,
            |v| $crate::json::Tree::reads_as::<$ty>(v),
            |v| <$ty as $crate::json::Locate>::locate(v),
        )),+])
    };
}
pub(crate) use first_bad_member;

impl Locate for u64 {}
impl Locate for i64 {}
impl Locate for u32 {}
impl Locate for f64 {}
impl Locate for String {}
impl Locate for bool {}

impl<T: Locate> Locate for Option<T> {
    fn locate<V: Tree>(value: &V) -> String {
        if value.is_null() {
            String::new()
        } else {
            T::locate(value)
        }
    }
}

impl<T: Locate> Locate for Box<T> {
    fn locate<V: Tree>(value: &V) -> String {
        T::locate(value)
    }
}

impl<T: Locate> Locate for Vec<T> {
    fn locate<V: Tree>(value: &V) -> String {
        value
            .elements()
            .iter()
            .enumerate()
            .find(|(_, element)| !element.reads_as::<T>())
            .map(|(i, element)| format!("[{i}]{}", T::locate(element)))
            .unwrap_or_default()
    }
}

/// The most JSON accepted from a file, a paste or a link, in bytes: a
/// hostile input cannot exhaust memory.
pub const MAX_INPUT: usize = 1 << 20;

/// Reads `T` from JSON text; the message says what is wrong and where.
pub fn from_str<T: Readable>(text: &str) -> Result<T, String> {
    if text.len() > MAX_INPUT {
        return Err(format!(
            "input is {} bytes; at most {MAX_INPUT} are accepted",
            text.len()
        ));
    }
    platform::from_str(text)
}

/// `reason` with its control characters written as `\u0000` escapes: the
/// browser's message quotes the text it refused, which may be binary (a
/// damaged link), and those characters would show as empty boxes.
pub fn printable(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    for c in reason.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `value` as indented JSON text.
pub fn to_string<T: Serialize>(value: &T) -> String {
    platform::to_string(value)
}

/// `actions[2].node: missing field` for an error inside the document, the
/// bare message for one at its root.
#[cfg(any(test, not(target_arch = "wasm32")))]
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
            if !(e.inner().is_syntax() || e.inner().is_eof()) {
                return located(e);
            }
            // serde_json says "expected value", a syntax error, for an
            // enum's name written as a number or an array: valid JSON of
            // the wrong shape. Read through a `Value`, that is a type error.
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(parsed) => match serde_path_to_error::deserialize::<_, T>(&parsed) {
                    // A `Value` offers an enum as "string or map" (serde's
                    // form for a variant with data): a name is a string.
                    Err(shape) => located(shape)
                        .replace("invalid type: sequence,", "invalid type: an array,")
                        .replace("expected string or map", "expected a string"),
                    Ok(_) => format!("not valid JSON: {}", e.inner()),
                },
                Err(_) => format!("not valid JSON: {}", e.inner()),
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

    pub fn from_str<T: Locate>(text: &str) -> Result<T, String> {
        let value = js_sys::JSON::parse(text).map_err(|e| {
            let reason = js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            format!("not valid JSON: {}", printable(&reason))
        })?;
        from_value(value)
    }

    /// Reads `T` from a JavaScript value (a host page's message, say); a
    /// failure is then located by walking the value.
    pub fn from_value<T: Locate>(value: JsValue) -> Result<T, String> {
        T::deserialize(serde_wasm_bindgen::Deserializer::from(value.clone())).map_err(|e| {
            let path = T::locate(&value);
            let found = value_at(&value, &path).unwrap_or(value);
            at_path(&path, plain_error(&e.to_string(), kind(&found)))
        })
    }

    /// What kind of JSON value `v` is, in words.
    fn kind(v: &JsValue) -> &'static str {
        if js_sys::Array::is_array(v) {
            "an array"
        } else if v.is_object() {
            "an object"
        } else if v.is_string() {
            "a string"
        } else if v.as_f64().is_some() {
            "a number"
        } else if v.as_bool().is_some() {
            "a boolean"
        } else {
            "null"
        }
    }

    impl Tree for JsValue {
        fn member(&self, name: &str) -> Option<JsValue> {
            if !self.is_object() || js_sys::Array::is_array(self) {
                return None;
            }
            let key = JsValue::from_str(name);
            // As serde-wasm-bindgen: `undefined` counts only if it is there.
            js_sys::Reflect::has(self, &key)
                .unwrap_or(false)
                .then(|| js_sys::Reflect::get(self, &key).unwrap_or(JsValue::UNDEFINED))
        }

        fn elements(&self) -> Vec<JsValue> {
            if js_sys::Array::is_array(self) {
                js_sys::Array::from(self).to_vec()
            } else {
                Vec::new()
            }
        }

        fn is_null(&self) -> bool {
            JsValue::is_null(self) || self.is_undefined()
        }

        fn reads_as<T: DeserializeOwned>(&self) -> bool {
            T::deserialize(serde_wasm_bindgen::Deserializer::from(self.clone())).is_ok()
        }
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

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
