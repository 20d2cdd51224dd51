//! Writing a trace event as one JSON line (docs/trace-format.md): the
//! time, then the fields in the order the walk gives them.

use super::fields::{Field, Visitor};
use super::TraceEvent;
use crate::raft::Time;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// One JSON object, without the trailing newline.
pub fn to_json_line(t: Time, event: &TraceEvent) -> String {
    serde_json::to_string(&Line { t, event }).expect("a trace event always serializes")
}

/// One line of the `--trace` file.
struct Line<'a> {
    t: Time,
    event: &'a TraceEvent,
}

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("t", &self.t)?;
        let mut entries = Entries {
            map,
            result: Ok(()),
        };
        self.event.walk(&mut entries);
        entries.result?;
        entries.map.end()
    }
}

/// Writes each field as an entry of `map`. The walk cannot stop early, so
/// the first error is kept and the entries after it are skipped.
struct Entries<M: SerializeMap> {
    map: M,
    result: Result<(), M::Error>,
}

impl<M: SerializeMap> Visitor<'_> for Entries<M> {
    fn field(&mut self, name: &'static str, field: Field<'_>) {
        if self.result.is_ok() {
            self.result = self.map.serialize_entry(name, &field);
        }
    }
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Field::Kind(_, name) => serializer.serialize_str(name),
            Field::Int(value) => serializer.serialize_u64(value),
            Field::OptInt(value) => value.serialize(serializer),
            Field::Text(value) => serializer.serialize_str(value),
            Field::OptText(value) => value.serialize(serializer),
            Field::Shown(value, _) => serializer.collect_str(value),
            Field::Pairs(pairs) => pairs.serialize(serializer),
            Field::Nodes(nodes) => nodes.serialize(serializer),
        }
    }
}
