//! Tests of `json.rs`.

use super::*;
use serde_json::Value;

#[test]
fn control_characters_in_a_reason_are_written_as_escapes() {
    assert_eq!(
        printable("Unexpected token '\u{0}', \"\u{0}\u{1b}\" is not valid JSON"),
        "Unexpected token '\\u0000', \"\\u0000\\u001b\" is not valid JSON"
    );
    assert_eq!(printable("tab\there, é"), "tab\\u0009here, é");
}

impl Tree for Value {
    fn member(&self, name: &str) -> Option<Value> {
        self.as_object()?.get(name).cloned()
    }

    fn elements(&self) -> Vec<Value> {
        self.as_array().cloned().unwrap_or_default()
    }

    fn is_null(&self) -> bool {
        Value::is_null(self)
    }

    fn reads_as<T: DeserializeOwned>(&self) -> bool {
        T::deserialize(self.clone()).is_ok()
    }
}

/// The walk finds the value at a path `Locate` wrote, and a shape
/// serde-wasm-bindgen words oddly is told in JSON's words (the page
/// said "actions[0]: Error: invalid type: JsValue(Function(every)),
/// expected u64" for `"actions":[[1]]`).
#[test]
fn a_value_of_the_wrong_shape_is_told_in_jsons_words() {
    let doc: Value = serde_json::from_str(r#"{"a":[{"b":[1,2,{"c":"x"}]}]}"#).unwrap();
    assert_eq!(value_at(&doc, ".a[0].b[2].c"), Some(Value::from("x")));
    assert_eq!(value_at(&doc, ""), None);
    assert_eq!(value_at(&doc, ".a[1]"), None);
    assert_eq!(value_at(&doc, ".a[x]"), None);
    assert_eq!(
        plain_error(
            "invalid type: JsValue(Function(every)), expected u64",
            "an array"
        ),
        "invalid type: an array, expected an object"
    );
    assert_eq!(
        plain_error("TypeError: Reflect.get called on non-object", "a string"),
        "invalid type: a string, expected a list or an object"
    );
    assert_eq!(
        plain_error("Error: missing field `t`", "an object"),
        "missing field `t`"
    );
    assert_eq!(
        plain_error("unknown variant `x`", "a string"),
        "unknown variant `x`"
    );
    // An enum's name read off an array's first index, or a number's.
    assert_eq!(
        plain_error("unknown variant `0`, expected `a` or `b`", "an array"),
        "invalid type: an array, expected `a` or `b`"
    );
    assert_eq!(
        plain_error(
            "invalid type: floating point `7`, expected enum ActionName",
            "a number"
        ),
        "invalid type: a number, expected a string"
    );
    assert_eq!(
        plain_error("invalid length 2, expected 1", "an array"),
        "invalid type: an array, expected a string"
    );
    // Numbers come as floats: said as JSON wrote them, or by size.
    assert_eq!(
        plain_error(
            "invalid value: floating point `-5.0`, expected u64",
            "a number"
        ),
        "invalid value: integer `-5`, expected u64"
    );
    let huge = format!(
        "invalid value: floating point `1{}.0`, expected u64",
        "0".repeat(308)
    );
    assert_eq!(
        plain_error(&huge, "a number"),
        "invalid value: a number of 309 digits, expected u64"
    );
    assert_eq!(
        plain_error(
            "invalid type: floating point `-5.0`, expected u64",
            "a number"
        ),
        "invalid value: integer `-5`, expected u64"
    );
    let half = "invalid value: floating point `2.5`, expected u64";
    assert_eq!(plain_error(half, "a number"), half);
    // A page tester's: 2^53 fits a u64, but is not exact in JavaScript;
    // null and a struct's name were said in Rust's words.
    assert_eq!(
        plain_error(
            "invalid type: floating point `9007199254740992.0`, expected u64",
            "a number"
        ),
        "invalid value: integer `9007199254740992`, expected u64: a JavaScript number is \
         exact only from -9007199254740991 to 9007199254740991"
    );
    assert_eq!(
        plain_error(
            "node: invalid type: floating point `-9007199254740992.0`, expected i64",
            "a number"
        ),
        "node: invalid value: integer `-9007199254740992`, expected i64: a JavaScript \
         number is exact only from -9007199254740991 to 9007199254740991"
    );
    assert_eq!(
        plain_error(
            "invalid type: unit value, expected struct CommandRecord",
            "null"
        ),
        "invalid type: null, expected an object"
    );
}

/// What the browser says for `value`: the error of a plain read, at the
/// path `Locate` finds.
fn located_by_walk<T: Locate>(value: &Value) -> Result<T, String> {
    T::deserialize(value.clone()).map_err(|e| at_path(&T::locate(value), e))
}

/// What `serde_path_to_error` says for `value`.
fn located_by_tracking<T: Locate>(value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value.clone()).map_err(located)
}

/// Every place in `value` (members and elements, at any depth), as
/// JSON pointers.
fn places(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let place = format!("{at}/{key}");
        out.push(place.clone());
        places(child, place, out);
    }
}

/// Property: one wrong value anywhere in a valid document (every place,
/// each of several wrong values, or the member removed) is reported with
/// the same message, at the same path, by the walk the browser uses as
/// by `serde_path_to_error`.
fn walk_agrees_with_tracking<T: Locate + std::fmt::Debug + PartialEq>(document: &str) -> usize {
    let valid: Value = serde_json::from_str(document).unwrap();
    located_by_walk::<T>(&valid).unwrap();
    let mut all = Vec::new();
    places(&valid, String::new(), &mut all);
    let wrong = [
        serde_json::json!(-5),
        serde_json::json!(1.5),
        serde_json::json!(1e30),
        serde_json::json!("explode"),
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!([]),
        serde_json::json!([1, "x"]),
        serde_json::json!({}),
    ];
    let mut compared = 0;
    for place in &all {
        let (parent, key) = place.rsplit_once('/').unwrap();
        for replacement in wrong.iter().map(Some).chain([None]) {
            // serde_json reads a struct from an array too (members by
            // position); serde-wasm-bindgen, which the walk serves, does not.
            let was_object = valid.pointer(place).is_some_and(Value::is_object);
            if was_object && replacement.is_some_and(Value::is_array) {
                continue;
            }
            let mut doc = valid.clone();
            let container = doc
                .pointer_mut(if parent.is_empty() { "" } else { parent })
                .unwrap();
            match (container, replacement) {
                (Value::Object(map), None) => {
                    map.remove(key);
                }
                (Value::Array(items), None) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                (_, Some(r)) => *doc.pointer_mut(place).unwrap() = r.clone(),
                _ => unreachable!(),
            }
            let tracked = located_by_tracking::<T>(&doc);
            assert_eq!(
                located_by_walk::<T>(&doc),
                tracked,
                "{place} -> {replacement:?}"
            );
            compared += usize::from(tracked.is_err());
        }
    }
    compared
}

#[test]
fn the_walk_names_the_same_field_as_serde_path_to_error() {
    let scenario = include_str!("../docs/examples/minority-leader.json");
    let mut full: Value = serde_json::from_str(scenario).unwrap();
    full["version"] = serde_json::json!(2);
    full["workload"] = serde_json::json!({"clients":2,"rate":5.0,"keys":3,"read_fraction":0.5,"cas_fraction":0.25});
    full["cursor_us"] = serde_json::json!(1000);
    full["cursor_events"] = serde_json::json!(2);
    full["actions"].as_array_mut().unwrap().extend([
        serde_json::json!({"t":1,"action":"client","node":2,"op":"cas","key":"k","from":"1","to":"2"}),
        serde_json::json!({"t":2,"action":"network","latency_min_us":1,"latency_max_us":2,"loss":0.5,"duplication":0}),
        serde_json::json!({"t":3,"action":"drop","message":4}),
        serde_json::json!({"t":4,"action":"cut","from":1,"to":2}),
    ]);
    let scenario = full.to_string();
    let mut compared = walk_agrees_with_tracking::<crate::sim::Scenario>(&scenario);
    for command in [
        format!(r#"{{"type":"load","scenario":{scenario}}}"#),
        r#"{"type":"act","action":{"action":"partition","groups":[[1,2],[3]]}}"#.into(),
        r#"{"type":"act","action":{"action":"client","node":2,"op":"cas","key":"k","from":"1","to":"2"}}"#.into(),
        r#"{"type":"start_tour","tour":"split-vote","step":2}"#.into(),
        r#"{"type":"subscribe","events":["clock","committed"]}"#.into(),
        r#"{"type":"set_speed","speed":0.5}"#.into(),
        r#"{"type":"seek","t_us":1000}"#.into(),
    ] {
        compared += walk_agrees_with_tracking::<crate::view::host_api::HostCommand>(&command);
    }
    assert!(compared > 1000, "{compared} faults compared");
}
