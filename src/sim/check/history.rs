//! The client history: one record per client operation, from invocation to
//! return, as the linearizability checker and `--history` consume it.

use crate::raft::{ClientId, Key, LogIndex, Op, RequestId, ServedBy, Time, Value};
use crate::sim::action_record::OpKind;
use serde::{Deserialize, Serialize};

/// How an operation ended, as the client saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Acknowledged: it took effect exactly once, between invoke and return.
    Ok,
    /// Definitely did not take effect.
    Fail,
    /// The client gave up (timeout, crash): it may or may not have taken effect,
    /// at any time after its invocation.
    Unknown,
}

impl Outcome {
    /// The name as the history and the trace write it: `ok`, `fail` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
        }
    }
}

/// Why an operation failed, for the person reading about it: the checker
/// needs only that it had no effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Another entry was committed at the index it was appended at (its
    /// leader lost leadership first, paper §5.3).
    Overwritten,
    /// A compare-and-set was applied and found this value (`None`: the key
    /// did not exist) rather than the one it expected.
    CasFound(Option<Value>),
    /// Applied after a later request of the same client, so skipped.
    Stale,
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The client that issued it: a workload client, or a user's one-off request
    /// (ids from `USER_CLIENT_BASE` up).
    pub client: ClientId,
    /// The client's sequence number: with `client`, names the command in
    /// the trace (`c<client>#<request>`).
    pub request: RequestId,
    /// What it asked the key-value store to do.
    pub op: Op,
    /// When the client invoked it (simulated microseconds).
    pub invoke_t: Time,
    /// When the client saw the answer; `None` while pending or when unknown.
    pub return_t: Option<Time>,
    /// How it ended; `Unknown` while it is still pending, too.
    pub outcome: Outcome,
    /// For an acknowledged read: the value it returned (`None`: key absent).
    pub read_result: Option<Value>,
    /// Where the request was committed, when the client heard.
    pub index: Option<LogIndex>,
    /// For a read answered without the log: what answered it (thesis §6.4).
    pub served_by: Option<ServedBy>,
    /// How often a server answered "not the leader" and the client tried
    /// another.
    pub redirects: u32,
    /// When it failed, why.
    pub failure: Option<Failure>,
}

/// One operation as the `--history` file spells it (docs/history-format.md):
/// every field present, in this order, `null` where absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// As in [`Operation::client`].
    pub client: ClientId,
    /// As in [`Operation::request`].
    pub request: RequestId,
    /// `read`, `write` or `cas`.
    pub op: OpKind,
    /// The key the operation reads or writes.
    pub key: Key,
    /// A write's value.
    pub value: Option<Value>,
    /// A cas's expected value.
    pub from: Option<Value>,
    /// A cas's new value.
    pub to: Option<Value>,
    /// When the client invoked it (simulated microseconds).
    pub invoke_t: Time,
    /// When the client saw the answer; `null` while pending or when unknown.
    pub return_t: Option<Time>,
    /// How it ended, as the client saw it.
    pub outcome: Outcome,
    /// For an acknowledged read: the value read (`null`: key absent).
    pub result: Option<Value>,
    /// The log index where the request was committed, when the client heard.
    pub index: Option<LogIndex>,
    /// How often the client was told "not the leader" and tried another server.
    pub redirects: u32,
}

impl From<&Operation> for HistoryRecord {
    fn from(o: &Operation) -> Self {
        let (op, value, from, to) = match &o.op {
            Op::Read { .. } => (OpKind::Read, None, None, None),
            Op::Write { value, .. } => (OpKind::Write, Some(value.clone()), None, None),
            Op::Cas { from, to, .. } => (OpKind::Cas, None, Some(from.clone()), Some(to.clone())),
        };
        HistoryRecord {
            client: o.client,
            request: o.request,
            op,
            key: o.op.key().to_string(),
            value,
            from,
            to,
            invoke_t: o.invoke_t,
            return_t: o.return_t,
            outcome: o.outcome,
            result: o.read_result.clone(),
            index: o.index,
            redirects: o.redirects,
        }
    }
}

/// The history as a JSON array, one operation per line (the `--history`
/// format of docs/history-format.md), so that diffs of history files stay
/// readable.
pub fn to_json(history: &[Operation]) -> String {
    let lines: Vec<String> = history
        .iter()
        .map(|o| {
            serde_json::to_string(&HistoryRecord::from(o))
                .expect("a history record always serializes")
        })
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn history() -> Vec<Operation> {
        vec![
            Operation {
                client: 2,
                request: 1,
                op: Op::Write {
                    key: "k3".into(),
                    value: "7".into(),
                },
                invoke_t: 197996,
                return_t: None,
                outcome: Outcome::Unknown,
                read_result: None,
                index: None,
                served_by: None,
                redirects: 4,
                failure: None,
            },
            Operation {
                client: 1,
                request: 3,
                op: Op::Read { key: "k2".into() },
                invoke_t: 273789,
                return_t: Some(570899),
                outcome: Outcome::Ok,
                read_result: Some("2".into()),
                index: Some(2),
                served_by: None,
                redirects: 0,
                failure: None,
            },
            Operation {
                client: 1000000,
                request: 1,
                op: Op::Cas {
                    key: "m\"sg".into(),
                    from: "a\\b".into(),
                    to: "c\nd".into(),
                },
                invoke_t: 674303,
                return_t: Some(1462785),
                outcome: Outcome::Fail,
                read_result: None,
                index: Some(3),
                served_by: None,
                redirects: 1,
                failure: Some(Failure::CasFound(None)),
            },
        ]
    }

    /// docs/history-format.md's shape, one operation per line.
    const EXPECTED: &str = r#"[
{"client":2,"request":1,"op":"write","key":"k3","value":"7","from":null,"to":null,"invoke_t":197996,"return_t":null,"outcome":"unknown","result":null,"index":null,"redirects":4},
{"client":1,"request":3,"op":"read","key":"k2","value":null,"from":null,"to":null,"invoke_t":273789,"return_t":570899,"outcome":"ok","result":"2","index":2,"redirects":0},
{"client":1000000,"request":1,"op":"cas","key":"m\"sg","value":null,"from":"a\\b","to":"c\nd","invoke_t":674303,"return_t":1462785,"outcome":"fail","result":null,"index":3,"redirects":1}
]
"#;

    #[test]
    fn history_json_has_the_documented_shape_exactly() {
        assert_eq!(to_json(&history()), EXPECTED);
    }

    #[test]
    fn records_read_back_from_the_file() {
        let history = history();
        let records: Vec<HistoryRecord> = serde_json::from_str(EXPECTED).unwrap();
        let expected: Vec<HistoryRecord> = history.iter().map(HistoryRecord::from).collect();
        assert_eq!(records, expected);
    }

    #[test]
    fn an_empty_history_is_an_empty_array() {
        assert_eq!(to_json(&[]), "[\n\n]\n");
    }
}
