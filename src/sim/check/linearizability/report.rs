//! `check`, which runs the search key by key, and the report it makes of the
//! outcomes: the verdict, and for a violation an explanation in words.

use super::model::{partition_by_key, KeyHistory};
use super::search::{KeyOutcome, Search, Stuck};
use crate::raft::Op;
use crate::sim::history::{Operation, Outcome};
use serde::Serialize;
use std::fmt;

/// The result of checking a whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinearizabilityReport {
    /// Keys that had at least one operation to check.
    pub keys_checked: usize,
    /// Operations that entered the search (all but `Fail`s and `Unknown` reads).
    pub ops_checked: usize,
    /// Linearizable, not, or undecided within the search budget.
    pub verdict: Verdict,
}

/// The verdict on a history. Each key is checked; the first key in sorted
/// order that is not linearizable is reported, else the first key whose
/// search ran out of budget, else the history is linearizable. Its serde
/// form is an object whose `result` is `linearizable`, `not_linearizable` or
/// `inconclusive`, with the variant's fields beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verdict {
    /// Every key's operations have a linearization: the history is consistent
    /// with one atomic register per key.
    Linearizable,
    /// No order of `key`'s operations respects both real time and a register's
    /// semantics.
    NotLinearizable {
        /// The first such key in sorted order.
        key: String,
        /// What went wrong, in words: the operation that could not be placed
        /// and what the longest linearizable prefix left in the register.
        explanation: String,
        /// Indices into the input history: the longest linearizable prefix
        /// found, in linearization order, then the operation that could not
        /// be placed after it.
        ops: Vec<usize>,
    },
    /// The search for `key` exceeded its step budget; nothing is claimed.
    Inconclusive {
        /// The key whose search ran out of budget.
        key: String,
        /// Why nothing is claimed, in words (the budget that was exhausted).
        reason: String,
    },
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Linearizable => write!(f, "linearizable"),
            Verdict::NotLinearizable {
                key, explanation, ..
            } => {
                write!(f, "NOT linearizable on key {key:?}: {explanation}")
            }
            Verdict::Inconclusive { key, reason } => {
                write!(f, "inconclusive on key {key:?}: {reason}")
            }
        }
    }
}

/// Checks `history` key by key. `max_steps_per_key` bounds the work for each
/// key: a step is one attempt to let an operation take effect. A key whose
/// search needs more is reported `Inconclusive`, never `Linearizable`.
pub fn check(history: &[Operation], max_steps_per_key: u64) -> LinearizabilityReport {
    let by_key = partition_by_key(history);
    let mut violation = None;
    let mut inconclusive = None;
    for (key, indices) in &by_key {
        let register = KeyHistory::new(history, indices);
        match Search::new(&register, max_steps_per_key).run() {
            KeyOutcome::Linearizable => {}
            KeyOutcome::NotLinearizable(stuck) => {
                violation.get_or_insert_with(|| {
                    let (explanation, ops) = explain(history, key, &register, stuck.as_ref());
                    Verdict::NotLinearizable {
                        key: key.to_string(),
                        explanation,
                        ops,
                    }
                });
            }
            KeyOutcome::Inconclusive => {
                inconclusive.get_or_insert_with(|| Verdict::Inconclusive {
                    key: key.to_string(),
                    reason: format!("search budget of {max_steps_per_key} steps exhausted"),
                });
            }
        }
    }
    LinearizabilityReport {
        keys_checked: by_key.len(),
        ops_checked: by_key.values().map(Vec::len).sum(),
        verdict: violation.or(inconclusive).unwrap_or(Verdict::Linearizable),
    }
}

// ---------------------------------------------------------------------------
// Explaining a violation.
// ---------------------------------------------------------------------------

/// How many prefix operations the explanation names (the `ops` list has all).
const PREFIX_SHOWN: usize = 5;

fn explain(
    history: &[Operation],
    key: &str,
    register: &KeyHistory,
    stuck: Option<&Stuck>,
) -> (String, Vec<usize>) {
    let Some(stuck) = stuck else {
        return (
            "no order of the operations is legal".to_string(),
            Vec::new(),
        );
    };
    let index = |op: usize| register.ops[op].index;
    let blocked = index(stuck.blocked);
    let prefix: Vec<usize> = stuck.prefix.iter().map(|&op| index(op)).collect();
    let explanation = format!(
        "{} cannot take effect before it returned: the longest linearizable prefix found \
         has {} op(s){}, after which {}",
        describe(blocked, &history[blocked]),
        prefix.len(),
        show_prefix(&prefix),
        register.show_state(key, stuck.state),
    );
    let mut ops = prefix;
    ops.push(blocked);
    (explanation, ops)
}

fn show_prefix(prefix: &[usize]) -> String {
    if prefix.is_empty() {
        return String::new();
    }
    let shown = &prefix[prefix.len().saturating_sub(PREFIX_SHOWN)..];
    let list: Vec<String> = shown.iter().map(|i| format!("#{i}")).collect();
    let ellipsis = if shown.len() < prefix.len() {
        "..., "
    } else {
        ""
    };
    format!(" ({ellipsis}{})", list.join(", "))
}

/// One operation, for a human: `#7 (client 2: read x -> "1", ok, t=20..30)`.
fn describe(index: usize, operation: &Operation) -> String {
    let result = match (&operation.op, operation.outcome) {
        (Op::Read { .. }, Outcome::Ok) => match &operation.read_result {
            Some(value) => format!(" -> {value:?}"),
            None => " -> absent".to_string(),
        },
        _ => String::new(),
    };
    let returned = operation
        .return_t
        .map_or("?".to_string(), |t| t.to_string());
    format!(
        "#{index} (client {}: {}{result}, {}, t={}..{returned})",
        operation.client,
        operation.op,
        operation.outcome.as_str(),
        operation.invoke_t,
    )
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
