//! The sequential specification, and one key's history in its terms.
//!
//! The specification is Maelstrom's `lin-kv`: one register per key, initially
//! absent; `write` sets it, `read` returns it, and `cas from to` sets it to
//! `to` only if it holds `from`.
//!
//! What the client saw decides how an operation enters the search:
//!
//! * `Fail` operations definitely did not happen and are left out.
//! * `Ok` operations must take effect between invocation and return.
//! * `Unknown` operations may take effect at any time after their invocation,
//!   or never: they get no return event, and the search succeeds once every
//!   `Ok` operation has taken effect, whatever `Unknown` ones are left over.
//!   (Merely giving them a return at infinity would force an unknown `cas`
//!   to take effect at the end, where it may not be legal.) An `Unknown` read
//!   constrains nothing and is dropped up front.

use crate::raft::{Op, Time, Value};
use crate::sim::history::{Operation, Outcome};
use std::collections::{BTreeMap, HashMap};

/// Groups the indices of the operations worth checking by key, keys sorted so
/// that the report is deterministic.
///
/// P-compositionality (Herlihy & Wing): a history is linearizable iff its
/// restriction to each key is, so each key is checked on its own, which
/// keeps the searches small.
pub(super) fn partition_by_key(history: &[Operation]) -> BTreeMap<&str, Vec<usize>> {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, operation) in history.iter().enumerate() {
        if is_checked(operation) {
            by_key.entry(operation.op.key()).or_default().push(index);
        }
    }
    by_key
}

/// `Fail`s did not happen; an `Unknown` read may or may not have happened
/// and returned nothing we know of, so it constrains nothing either.
fn is_checked(operation: &Operation) -> bool {
    match operation.outcome {
        Outcome::Ok => true,
        Outcome::Fail => false,
        Outcome::Unknown => !matches!(operation.op, Op::Read { .. }),
    }
}

// ---------------------------------------------------------------------------
// One key's history, in a compact form for the search.
// ---------------------------------------------------------------------------

/// A value of the register, interned to a small number so that configurations
/// are cheap to hash. `None`: the key is absent.
pub(super) type State = Option<u32>;

/// Stands for every value no remaining op requires (see `Search::memo_state`).
pub(super) const UNOBSERVED: u32 = u32::MAX;

/// What an operation does to the register, values interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Effect {
    Read(State),
    Write(u32),
    Cas { from: u32, to: u32 },
}

impl Effect {
    /// The sequential specification: the state after the operation, or
    /// `None` if the operation cannot happen in `state`.
    pub(super) fn apply(self, state: State) -> Option<State> {
        match self {
            Effect::Read(seen) => (seen == state).then_some(state),
            Effect::Write(value) => Some(Some(value)),
            Effect::Cas { from, to } => (state == Some(from)).then_some(Some(to)),
        }
    }

    /// The value the op requires the register to hold, if any.
    pub(super) fn observes(self) -> Option<u32> {
        match self {
            Effect::Read(seen) => seen,
            Effect::Write(_) => None,
            Effect::Cas { from, .. } => Some(from),
        }
    }

    /// The value the op leaves in the register, if it changes it.
    pub(super) fn produces(self) -> Option<u32> {
        match self {
            Effect::Read(_) => None,
            Effect::Write(value) | Effect::Cas { to: value, .. } => Some(value),
        }
    }
}

/// One operation of the key's history.
#[derive(Clone, Debug)]
pub(super) struct KeyOp {
    /// Index into the input history.
    pub(super) index: usize,
    pub(super) invoke: Time,
    /// `Some`: the operation must take effect by then. `None`: its outcome is
    /// unknown, so it may take effect at any time after `invoke`, or never.
    pub(super) deadline: Option<Time>,
    /// Its number among the key's acknowledged ops, or among its unknown ones.
    pub(super) slot: usize,
    pub(super) effect: Effect,
}

/// The operations on one key, with their values interned.
pub(super) struct KeyHistory {
    pub(super) ops: Vec<KeyOp>,
    /// How many ops are acknowledged (must take effect) and unknown.
    pub(super) required: usize,
    pub(super) unknown: usize,
    /// Interned values, by number.
    values: Vec<Value>,
}

impl KeyHistory {
    pub(super) fn new(history: &[Operation], indices: &[usize]) -> Self {
        let mut interner = Interner::default();
        let (mut required, mut unknown) = (0, 0);
        let mut ops: Vec<KeyOp> = indices
            .iter()
            .map(|&index| KeyOp::new(index, &history[index], &mut interner))
            .collect();
        // Number the ops in invocation order: the set of ops done is then
        // mostly a run of ones and a short window (see `Bitset::window`).
        let mut by_invocation: Vec<&mut KeyOp> = ops.iter_mut().collect();
        by_invocation.sort_by_key(|op| (op.invoke, op.index));
        for op in by_invocation {
            let counter = if op.is_required() {
                &mut required
            } else {
                &mut unknown
            };
            op.slot = *counter;
            *counter += 1;
        }
        KeyHistory {
            ops,
            required,
            unknown,
            values: interner.values,
        }
    }

    /// For each interned value, how many ops require the register to hold it.
    pub(super) fn observers(&self) -> Vec<usize> {
        let mut observers = vec![0; self.values.len()];
        for value in self.ops.iter().filter_map(|op| op.effect.observes()) {
            observers[value as usize] += 1;
        }
        observers
    }

    /// `x = "1"`, or `x is absent`.
    pub(super) fn show_state(&self, key: &str, state: State) -> String {
        match state {
            Some(value) => format!("{key} = {:?}", self.values[value as usize]),
            None => format!("{key} is absent"),
        }
    }
}

impl KeyOp {
    fn new(index: usize, operation: &Operation, interner: &mut Interner) -> Self {
        let effect = match &operation.op {
            Op::Read { .. } => {
                Effect::Read(operation.read_result.as_deref().map(|v| interner.id(v)))
            }
            Op::Write { value, .. } => Effect::Write(interner.id(value)),
            Op::Cas { from, to, .. } => Effect::Cas {
                from: interner.id(from),
                to: interner.id(to),
            },
        };
        // An acknowledged operation without a return time took effect at
        // some unknown time: it must happen, but no later than "infinity".
        // A return before the invocation (a recorder bug) is read as the
        // invocation time, so the list stays well formed.
        let deadline = match operation.outcome {
            Outcome::Unknown => None,
            _ => Some(
                operation
                    .return_t
                    .unwrap_or(Time::MAX)
                    .max(operation.invoke_t),
            ),
        };
        KeyOp {
            index,
            invoke: operation.invoke_t,
            deadline,
            slot: 0,
            effect,
        }
    }

    pub(super) fn is_required(&self) -> bool {
        self.deadline.is_some()
    }
}

#[derive(Default)]
struct Interner {
    ids: HashMap<Value, u32>,
    values: Vec<Value>,
}

impl Interner {
    fn id(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = u32::try_from(self.values.len())
            .ok()
            .filter(|&id| id != UNOBSERVED)
            .expect("fewer than 2^32 - 1 distinct values");
        self.ids.insert(value.to_string(), id);
        self.values.push(value.to_string());
        id
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
