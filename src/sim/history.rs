//! The client history: one record per client operation, from invocation to
//! return, as the linearizability checker and `--history` consume it.

use crate::raft::{ClientId, LogIndex, Op, RequestId, Time, Value};

/// How an operation ended, as the client saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub client: ClientId,
    /// The client's sequence number: with `client`, names the command in
    /// the trace (`c<client>#<request>`).
    pub request: RequestId,
    pub op: Op,
    pub invoke_t: Time,
    /// When the client saw the answer; `None` while pending or when unknown.
    pub return_t: Option<Time>,
    pub outcome: Outcome,
    /// For an acknowledged read: the value it returned (`None`: key absent).
    pub read_result: Option<Value>,
    /// Where the request was committed, when the client heard.
    pub index: Option<LogIndex>,
    /// How often a server answered "not the leader" and the client tried
    /// another.
    pub redirects: u32,
}

/// The history as a JSON array, one operation per line (the `--history`
/// format of docs/history-format.md).
pub fn to_json(history: &[Operation]) -> String {
    use super::json::{push_opt_str, push_opt_u64, push_str};
    use crate::raft::Op;
    let mut s = String::from("[\n");
    for (i, o) in history.iter().enumerate() {
        s.push_str(if i == 0 { "" } else { ",\n" });
        s.push_str(&format!(
            "{{\"client\":{},\"request\":{},\"op\":\"{}\",\"key\":",
            o.client,
            o.request,
            o.op.kind()
        ));
        push_str(&mut s, o.op.key());
        let (value, from, to) = match &o.op {
            Op::Read { .. } => (None, None, None),
            Op::Write { value, .. } => (Some(value.as_str()), None, None),
            Op::Cas { from, to, .. } => (None, Some(from.as_str()), Some(to.as_str())),
        };
        for (name, v) in [("value", value), ("from", from), ("to", to)] {
            s.push_str(&format!(",\"{name}\":"));
            push_opt_str(&mut s, v);
        }
        s.push_str(&format!(",\"invoke_t\":{},\"return_t\":", o.invoke_t));
        push_opt_u64(&mut s, o.return_t);
        s.push_str(&format!(
            ",\"outcome\":\"{}\",\"result\":",
            o.outcome.as_str()
        ));
        push_opt_str(&mut s, o.read_result.as_deref());
        s.push_str(",\"index\":");
        push_opt_u64(&mut s, o.index);
        s.push_str(&format!(",\"redirects\":{}}}", o.redirects));
    }
    s.push_str("\n]\n");
    s
}
