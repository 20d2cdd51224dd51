//! The studio's side of the host-page protocol (docs/embedding.md): it
//! reads a host's message into a command for the page, and writes the
//! page's events as the objects the host is posted (`view::host_wire`
//! says why the two modules split it so). Reading is checked first: plain
//! data of a reasonable size, then serde-wasm-bindgen, whose errors name
//! the field at fault.

use crate::ui::studio_client::answer;
use crate::view::host_api::{HostCommand, HostEvent};
use crate::view::host_wire::{HostCommandWire, HostEventWire};
use crate::view::studio_wire::{decode, encode};
use js_sys::{Array, JsString, Object};
use wasm_bindgen::{JsCast, JsValue};

/// A message nested deeper than this is refused before it is read.
const MAX_DEPTH: u32 = 32;
/// At most this many values (objects, arrays, strings, numbers...) in one.
const MAX_VALUES: u32 = 100_000;

/// The command in a host's message, for the page (`HostCommandWire`,
/// encoded), or [`JSON_ERROR`](crate::ui::studio_client::JSON_ERROR) and
/// why it cannot be obeyed.
pub fn command(data: JsValue) -> String {
    let checked = an_object(&data)
        .and_then(|()| plain_data(&data, 0, &mut Budget::default()))
        .and_then(|()| crate::json::from_value::<HostCommand>(data));
    answer(checked.map(|command| encode(&HostCommandWire::of(command))))
}

/// A command is an object: anything else is told what it is (undefined was
/// told "invalid type: null", and an array "missing field `type`", a
/// page tester saw).
fn an_object(data: &JsValue) -> Result<(), String> {
    let got = if data.is_undefined() {
        "undefined"
    } else if data.is_null() {
        "null"
    } else if Array::is_array(data) {
        "an array"
    } else if data.is_object() {
        return Ok(());
    } else if data.is_string() {
        "a string"
    } else {
        "a number or a boolean"
    };
    Err(format!(
        "a command is an object with a type, like {{\"type\": \"pause\"}}; got {got}"
    ))
}

/// The object to post for the page's event `text` (`HostEventWire`,
/// encoded); `null` if it cannot be read.
pub fn envelope(text: String) -> JsValue {
    match decode::<HostEventWire>(&text) {
        Ok(wire) => crate::json::to_value(&HostEvent::from(wire).envelope()),
        Err(_) => JsValue::NULL,
    }
}

/// What is left of a message's allowance while it is checked.
struct Budget {
    values: u32,
    chars: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            values: MAX_VALUES,
            chars: crate::json::MAX_INPUT as u64,
        }
    }
}

impl Budget {
    fn take(&mut self, values: u32) -> Result<(), String> {
        self.values = self
            .values
            .checked_sub(values)
            .ok_or_else(|| format!("the message has more than {MAX_VALUES} values"))?;
        Ok(())
    }

    fn text(&mut self, chars: u32) -> Result<(), String> {
        self.chars = self.chars.checked_sub(chars as u64).ok_or_else(|| {
            format!(
                "the message has more than {} characters of text",
                crate::json::MAX_INPUT
            )
        })?;
        Ok(())
    }
}

/// Checks that `value` is JSON-like data of a reasonable size before it is
/// read: plain objects, arrays, strings, numbers, booleans and null, at
/// most [`MAX_DEPTH`] deep (a structured clone may be cyclic), at most
/// [`MAX_VALUES`] values and 1 MiB of text in all.
fn plain_data(value: &JsValue, depth: u32, budget: &mut Budget) -> Result<(), String> {
    budget.take(1)?;
    if value.is_null()
        || value.is_undefined()
        || value.as_bool().is_some()
        || value.as_f64().is_some()
    {
        return Ok(());
    }
    if let Some(text) = value.dyn_ref::<JsString>() {
        return budget.text(text.length());
    }
    if depth >= MAX_DEPTH {
        return Err(format!("the message is nested more than {MAX_DEPTH} deep"));
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        if array.length() > budget.values {
            return Err(format!("the message has more than {MAX_VALUES} values"));
        }
        for item in array.iter() {
            plain_data(&item, depth + 1, budget)?;
        }
        return Ok(());
    }
    if is_plain_object(value) {
        let entries = Object::entries(value.unchecked_ref());
        if entries.length() > budget.values {
            return Err(format!("the message has more than {MAX_VALUES} values"));
        }
        for entry in entries.iter() {
            let pair: Array = entry.unchecked_into();
            if let Some(key) = pair.get(0).dyn_ref::<JsString>() {
                budget.text(key.length())?;
            }
            plain_data(&pair.get(1), depth + 1, budget)?;
        }
        return Ok(());
    }
    Err("the message holds something other than JSON data (objects, arrays, strings, numbers, booleans, null)".into())
}

/// An object made by `{...}` (or with no prototype): not a Map, Date,
/// typed array or the like.
fn is_plain_object(value: &JsValue) -> bool {
    if !value.is_object() {
        return false;
    }
    let proto = Object::get_prototype_of(value);
    proto.is_null()
        || Object::is(
            proto.as_ref(),
            Object::get_prototype_of(Object::new().as_ref()).as_ref(),
        )
}
