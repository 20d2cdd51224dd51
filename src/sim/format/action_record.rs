//! How an action is spelt in a scenario file and in a host page's
//! messages: one flat object named by `"action"`, as in
//! `{"t":1500000,"action":"partition","groups":[[1,2],[3,4,5]]}`
//! (docs/scenario-format.md). `Action` itself keeps Rust's shape (and the
//! compact serde form links use); this is its written form.
//!
//! The record is one flat struct of optional fields rather than a serde
//! enum tagged by `"action"`: an internally tagged enum buffers every object
//! before reading it, and that code cost the browser bundle 34 KB of wasm
//! (measured with twiggy). Which fields an action needs is checked when the
//! record becomes an `Action`, with a message naming the missing field.

use crate::json::{first_bad_member, Locate, Tree};
use crate::raft::{NodeId, Op, ReadPath, Time};
use crate::sim::action::Action;
use crate::sim::membership::Replacement;
use crate::sim::network::{MessageId, NetworkConfig};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// An action as written: `{"action":"stop","node":3}`, with `t` when it
/// is part of a scenario.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// Simulated microseconds from the start of the run (in a scenario).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Time>,
    /// Which action; says which of the other fields it needs.
    pub action: ActionName,
    /// The server a `stop`, `resume`, `restart` or `timeout` acts on; for a
    /// `client`, the server to ask (absent: the believed leader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// A `partition`'s groups; servers in no group form one more group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Vec<NodeId>>>,
    /// A node for `cut` and `restore`, a value for a `cas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NodeOrText>,
    /// A node for `cut` and `restore`, a value for a `cas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NodeOrText>,
    /// The id of the message a `drop` removes, a `deliver` delivers now or
    /// a `duplicate` delivers a copy of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageId>,
    /// A `client` action's operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<OpKind>,
    /// A `client` action's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A `write`'s value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A `network` action's least latency, in simulated microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_min_us: Option<Time>,
    /// A `network` action's greatest latency, in simulated microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_max_us: Option<Time>,
    /// A `network` action's loss probability, 0..=1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// A `network` action's duplication probability, 0..=1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplication: Option<f64>,
    /// The peers a `reach_only` node still reaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<Vec<NodeId>>,
    /// A `raft` action's PreVote setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_vote: Option<bool>,
    /// A `raft` action's CheckQuorum setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_quorum: Option<bool>,
    /// A `reads` action's path, or how a `client` read is answered:
    /// `log`, `read_index`, `lease` or `local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<ReadPath>,
    /// A `clock` action's rate, parts per million off real time; a `drift`
    /// action's bound, in parts per million.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppm: Option<i64>,
    /// The voters a `replace_servers` removes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<Vec<NodeId>>,
    /// How many new servers a `replace_servers` adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<u64>,
    /// A `snapshots` action's threshold, in entries; absent: no snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u64>,
    /// A `replacement` action's way: `joint` or `one_by_one`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Replacement>,
}

/// The `"action"` names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    /// `stop`: [`Action::Stop`].
    Stop,
    /// `resume`: [`Action::Resume`].
    Resume,
    /// `resume_all`: [`Action::ResumeAll`].
    ResumeAll,
    /// `restart`: [`Action::Restart`].
    Restart,
    /// `timeout`: [`Action::ForceTimeout`].
    Timeout,
    /// `partition`: [`Action::Partition`].
    Partition,
    /// `heal`: [`Action::Heal`]. The default only because `ActionRecord`
    /// derives `Default`.
    #[default]
    Heal,
    /// `cut`: [`Action::CutLink`].
    Cut,
    /// `restore`: [`Action::RestoreLink`].
    Restore,
    /// `drop`: [`Action::DropMessage`].
    Drop,
    /// `client`: [`Action::ClientRequest`].
    Client,
    /// `network`: [`Action::SetNetwork`].
    Network,
    /// `align_timers`: [`Action::AlignTimers`].
    AlignTimers,
    /// `spread_timers`: [`Action::SpreadTimers`].
    SpreadTimers,
    /// `deafen`: [`Action::Deafen`].
    Deafen,
    /// `reach_only`: [`Action::ReachOnly`].
    ReachOnly,
    /// `raft`: [`Action::SetRaft`].
    Raft,
    /// `transfer`: [`Action::TransferLeadership`].
    Transfer,
    /// `reads`: [`Action::SetReads`].
    Reads,
    /// `clock`: [`Action::SetClockRate`].
    Clock,
    /// `drift`: [`Action::SetDriftBound`].
    Drift,
    /// `add_server`: [`Action::AddServer`].
    AddServer,
    /// `remove_server`: [`Action::RemoveServer`].
    RemoveServer,
    /// `replace_servers`: [`Action::ReplaceServers`].
    ReplaceServers,
    /// `snapshots`: [`Action::SetSnapshots`].
    Snapshots,
    /// `replacement`: [`Action::SetReplacement`].
    Replacement,
    /// `deliver`: [`Action::DeliverMessage`].
    Deliver,
    /// `duplicate`: [`Action::DuplicateMessage`].
    Duplicate,
    /// `heartbeat`: [`Action::Heartbeat`].
    Heartbeat,
    /// `sync_disk`: [`Action::SyncDisk`].
    SyncDisk,
}

/// Which key-value operation a client action performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    /// Read a key.
    Read,
    /// Set a key to `value`.
    Write,
    /// Compare-and-set a key from `from` to `to`.
    Cas,
}

/// `from` and `to` name nodes in a `cut` and values in a `cas`.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeOrText {
    /// A node id, written as a JSON number.
    Node(NodeId),
    /// A value, written as a JSON string.
    Text(String),
}

impl Locate for ActionRecord {
    fn locate<V: Tree>(v: &V) -> String {
        first_bad_member!(v;
            Option<Time>, "t"; ActionName, "action"; Option<NodeId>, "node";
            Option<Vec<Vec<NodeId>>>, "groups"; Option<NodeOrText>, "from";
            Option<NodeOrText>, "to"; Option<MessageId>, "message"; Option<OpKind>, "op";
            Option<String>, "key"; Option<String>, "value"; Option<Time>, "latency_min_us";
            Option<Time>, "latency_max_us"; Option<f64>, "loss"; Option<f64>, "duplication";
            Option<Vec<NodeId>>, "peers"; Option<bool>, "pre_vote"; Option<bool>, "check_quorum";
            Option<ReadPath>, "path"; Option<i64>, "ppm"; Option<Vec<NodeId>>, "remove";
            Option<u64>, "add"; Option<u64>, "every"; Option<Replacement>, "by";
        )
    }
}

impl Locate for ActionName {}
impl Locate for Replacement {}
impl Locate for OpKind {}
impl Locate for NodeOrText {}

impl ActionRecord {
    fn named(action: ActionName) -> Self {
        ActionRecord {
            action,
            ..ActionRecord::default()
        }
    }

    fn on(action: ActionName, node: NodeId) -> Self {
        ActionRecord {
            node: Some(node),
            ..Self::named(action)
        }
    }

    fn message(action: ActionName, message: MessageId) -> Self {
        ActionRecord {
            message: Some(message),
            ..Self::named(action)
        }
    }

    fn link(action: ActionName, from: NodeId, to: NodeId) -> Self {
        ActionRecord {
            from: Some(NodeOrText::Node(from)),
            to: Some(NodeOrText::Node(to)),
            ..Self::named(action)
        }
    }
}

impl From<&Action> for ActionRecord {
    fn from(action: &Action) -> Self {
        use ActionName as N;
        match action.clone() {
            Action::Stop(node) => Self::on(N::Stop, node),
            Action::Resume(node) => Self::on(N::Resume, node),
            Action::ResumeAll => Self::named(N::ResumeAll),
            Action::Restart(node) => Self::on(N::Restart, node),
            Action::ForceTimeout(node) => Self::on(N::Timeout, node),
            Action::Partition(groups) => ActionRecord {
                groups: Some(groups),
                ..Self::named(N::Partition)
            },
            Action::Heal => Self::named(N::Heal),
            Action::CutLink { from, to } => Self::link(N::Cut, from, to),
            Action::RestoreLink { from, to } => Self::link(N::Restore, from, to),
            Action::DropMessage(message) => Self::message(N::Drop, message),
            Action::DeliverMessage(message) => Self::message(N::Deliver, message),
            Action::DuplicateMessage(message) => Self::message(N::Duplicate, message),
            Action::Heartbeat(node) => Self::on(N::Heartbeat, node),
            Action::SyncDisk(node) => Self::on(N::SyncDisk, node),
            Action::ClientRequest { to, op } => client_record(to, op),
            Action::ClientRead { to, key, path } => ActionRecord {
                path: Some(path),
                ..client_record(to, Op::Read { key })
            },
            Action::SetNetwork(n) => ActionRecord {
                latency_min_us: Some(n.latency_min),
                latency_max_us: Some(n.latency_max),
                loss: Some(n.loss),
                duplication: Some(n.duplication),
                ..Self::named(N::Network)
            },
            Action::AlignTimers => Self::named(N::AlignTimers),
            Action::SpreadTimers => Self::named(N::SpreadTimers),
            Action::Deafen(node) => Self::on(N::Deafen, node),
            Action::ReachOnly { node, peers } => ActionRecord {
                peers: Some(peers),
                ..Self::on(N::ReachOnly, node)
            },
            Action::TransferLeadership(node) => Self::on(N::Transfer, node),
            Action::SetReads(path) => ActionRecord {
                path: Some(path),
                ..Self::named(N::Reads)
            },
            Action::SetClockRate { node, ppm } => ActionRecord {
                ppm: Some(ppm),
                ..Self::on(N::Clock, node)
            },
            Action::SetDriftBound(ppm) => ActionRecord {
                ppm: Some(ppm as i64),
                ..Self::named(N::Drift)
            },
            Action::AddServer => Self::named(N::AddServer),
            Action::RemoveServer(node) => Self::on(N::RemoveServer, node),
            Action::ReplaceServers { remove, add } => ActionRecord {
                remove: Some(remove),
                add: Some(add),
                ..Self::named(N::ReplaceServers)
            },
            Action::SetReplacement(by) => ActionRecord {
                by: Some(by),
                ..Self::named(N::Replacement)
            },
            Action::SetSnapshots(every) => ActionRecord {
                every,
                ..Self::named(N::Snapshots)
            },
            Action::SetRaft(o) => ActionRecord {
                pre_vote: Some(o.pre_vote),
                check_quorum: Some(o.check_quorum),
                ..Self::named(N::Raft)
            },
        }
    }
}

fn client_record(node: Option<NodeId>, op: Op) -> ActionRecord {
    let text = |s: String| Some(NodeOrText::Text(s));
    let (op, key, value, from, to) = match op {
        Op::Read { key } => (OpKind::Read, key, None, None, None),
        Op::Write { key, value } => (OpKind::Write, key, Some(value), None, None),
        Op::Cas { key, from, to } => (OpKind::Cas, key, None, text(from), text(to)),
    };
    ActionRecord {
        node,
        op: Some(op),
        key: Some(key),
        value,
        from,
        to,
        ..ActionRecord::named(ActionName::Client)
    }
}

impl TryFrom<ActionRecord> for Action {
    type Error = String;

    /// Fails when the record lacks a field its action needs, or has a node
    /// where a value belongs (or the reverse); `t` is not looked at.
    fn try_from(r: ActionRecord) -> Result<Action, String> {
        use ActionName as N;
        let name = r.action;
        let missing = |field: &str| format!("a {} needs \"{field}\"", name.as_str());
        let node = |n: Option<NodeId>| n.ok_or_else(|| missing("node"));
        let link_end = |end: Option<NodeOrText>, field: &str| match end {
            Some(NodeOrText::Node(n)) => Ok(n),
            Some(NodeOrText::Text(_)) => {
                Err(format!("\"{field}\" of a {} is a node id", name.as_str()))
            }
            None => Err(missing(field)),
        };
        Ok(match name {
            N::Stop => Action::Stop(node(r.node)?),
            N::Resume => Action::Resume(node(r.node)?),
            N::ResumeAll => Action::ResumeAll,
            N::Restart => Action::Restart(node(r.node)?),
            N::Timeout => Action::ForceTimeout(node(r.node)?),
            N::Partition => Action::Partition(r.groups.ok_or_else(|| missing("groups"))?),
            N::Heal => Action::Heal,
            N::Cut => Action::CutLink {
                from: link_end(r.from, "from")?,
                to: link_end(r.to, "to")?,
            },
            N::Restore => Action::RestoreLink {
                from: link_end(r.from, "from")?,
                to: link_end(r.to, "to")?,
            },
            N::Drop => Action::DropMessage(r.message.ok_or_else(|| missing("message"))?),
            N::Deliver => Action::DeliverMessage(r.message.ok_or_else(|| missing("message"))?),
            N::Duplicate => Action::DuplicateMessage(r.message.ok_or_else(|| missing("message"))?),
            N::Heartbeat => Action::Heartbeat(node(r.node)?),
            N::SyncDisk => Action::SyncDisk(node(r.node)?),
            N::Client => match (client_op(r.op, r.key, r.value, r.from, r.to)?, r.path) {
                (op, None) => Action::ClientRequest { to: r.node, op },
                (Op::Read { key }, Some(path)) => Action::ClientRead {
                    to: r.node,
                    key,
                    path,
                },
                (_, Some(_)) => return Err("\"path\" is for a read only".into()),
            },
            N::Network => {
                let need = |x: Option<Time>, f: &str| x.ok_or_else(|| missing(f));
                let fraction = |x: Option<f64>, f: &str| x.ok_or_else(|| missing(f));
                Action::SetNetwork(NetworkConfig {
                    latency_min: need(r.latency_min_us, "latency_min_us")?,
                    latency_max: need(r.latency_max_us, "latency_max_us")?,
                    loss: fraction(r.loss, "loss")?,
                    duplication: fraction(r.duplication, "duplication")?,
                })
            }
            N::AlignTimers => Action::AlignTimers,
            N::SpreadTimers => Action::SpreadTimers,
            N::Deafen => Action::Deafen(node(r.node)?),
            N::ReachOnly => Action::ReachOnly {
                node: node(r.node)?,
                peers: r.peers.ok_or_else(|| missing("peers"))?,
            },
            N::Transfer => Action::TransferLeadership(node(r.node)?),
            N::Raft => Action::SetRaft(crate::sim::config::RaftOptions {
                pre_vote: r.pre_vote.ok_or_else(|| missing("pre_vote"))?,
                check_quorum: r.check_quorum.ok_or_else(|| missing("check_quorum"))?,
            }),
            N::Reads => Action::SetReads(r.path.ok_or_else(|| missing("path"))?),
            N::Clock => Action::SetClockRate {
                node: node(r.node)?,
                ppm: r.ppm.ok_or_else(|| missing("ppm"))?,
            },
            N::Drift => match r.ppm.ok_or_else(|| missing("ppm"))? {
                ppm if ppm < 0 => {
                    return Err(format!("a drift bound is at least 0 ppm, got {ppm}"))
                }
                ppm => Action::SetDriftBound(ppm as u64),
            },
            N::AddServer => Action::AddServer,
            N::RemoveServer => Action::RemoveServer(node(r.node)?),
            N::ReplaceServers => Action::ReplaceServers {
                remove: r.remove.ok_or_else(|| missing("remove"))?,
                add: r.add.ok_or_else(|| missing("add"))?,
            },
            N::Snapshots => Action::SetSnapshots(r.every),
            N::Replacement => Action::SetReplacement(r.by.ok_or_else(|| missing("by"))?),
        })
    }
}

/// A client action's operation from its `op`, `key`, `value`, `from`, `to`.
fn client_op(
    op: Option<OpKind>,
    key: Option<String>,
    value: Option<String>,
    from: Option<NodeOrText>,
    to: Option<NodeOrText>,
) -> Result<Op, String> {
    let op = op.ok_or("a client needs \"op\": read, write or cas")?;
    let key = key.ok_or("a client needs \"key\"")?;
    // A field another op takes is refused, as "path" on a write is: a
    // read with a "value" was silently a plain read (a tester).
    let given = [
        ("value", value.is_some(), "a write"),
        ("from", from.is_some(), "a cas"),
        ("to", to.is_some(), "a cas"),
    ];
    let takes = |field: &str| match op {
        OpKind::Read => false,
        OpKind::Write => field == "value",
        OpKind::Cas => field != "value",
    };
    if let Some((field, _, owner)) = given.iter().find(|(f, is, _)| *is && !takes(f)) {
        return Err(format!("\"{field}\" is for {owner} only"));
    }
    let text = |x: Option<NodeOrText>, field: &str| match x {
        Some(NodeOrText::Text(s)) => Ok(s),
        Some(NodeOrText::Node(_)) => Err(format!("\"{field}\" of a cas is a string")),
        None => Err(format!("a cas needs \"{field}\"")),
    };
    Ok(match op {
        OpKind::Read => Op::Read { key },
        OpKind::Write => Op::Write {
            key,
            value: value.ok_or("a write needs \"value\"")?,
        },
        OpKind::Cas => Op::Cas {
            key,
            from: text(from, "from")?,
            to: text(to, "to")?,
        },
    })
}

impl ActionName {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        use ActionName as N;
        match self {
            N::Stop => "stop",
            N::Resume => "resume",
            N::ResumeAll => "resume_all",
            N::Restart => "restart",
            N::Timeout => "timeout",
            N::Partition => "partition",
            N::Heal => "heal",
            N::Cut => "cut",
            N::Restore => "restore",
            N::Drop => "drop",
            N::Client => "client",
            N::Network => "network",
            N::AlignTimers => "align_timers",
            N::SpreadTimers => "spread_timers",
            N::Deafen => "deafen",
            N::ReachOnly => "reach_only",
            N::Raft => "raft",
            N::Transfer => "transfer",
            N::Reads => "reads",
            N::Clock => "clock",
            N::Drift => "drift",
            N::AddServer => "add_server",
            N::RemoveServer => "remove_server",
            N::ReplaceServers => "replace_servers",
            N::Snapshots => "snapshots",
            N::Replacement => "replacement",
            N::Deliver => "deliver",
            N::Duplicate => "duplicate",
            N::Heartbeat => "heartbeat",
            N::SyncDisk => "sync_disk",
        }
    }
}

impl Serialize for NodeOrText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            NodeOrText::Node(n) => s.serialize_u64(*n),
            NodeOrText::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for NodeOrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeOrTextVisitor)
    }
}

struct NodeOrTextVisitor;

impl Visitor<'_> for NodeOrTextVisitor {
    type Value = NodeOrText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a node id or a string")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<NodeOrText, E> {
        Ok(NodeOrText::Node(n))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<NodeOrText, E> {
        u64::try_from(n)
            .map(NodeOrText::Node)
            .map_err(|_| E::custom("a node id is not negative"))
    }

    /// Browsers hand every number over as a double.
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<NodeOrText, E> {
        if x >= 0.0 && x.fract() == 0.0 && x < 9.007e15 {
            Ok(NodeOrText::Node(x as u64))
        } else {
            Err(E::custom("a node id is a whole number"))
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<NodeOrText, E> {
        Ok(NodeOrText::Text(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_action() -> Vec<Action> {
        vec![
            Action::Stop(1),
            Action::Resume(2),
            Action::ResumeAll,
            Action::Restart(3),
            Action::ForceTimeout(4),
            Action::Partition(vec![vec![1, 2], vec![3]]),
            Action::Heal,
            Action::CutLink { from: 1, to: 2 },
            Action::RestoreLink { from: 2, to: 1 },
            Action::DropMessage(77),
            Action::DeliverMessage(78),
            Action::DuplicateMessage(79),
            Action::Heartbeat(2),
            Action::SyncDisk(3),
            Action::ClientRequest {
                to: None,
                op: Op::Read { key: "k".into() },
            },
            Action::ClientRequest {
                to: Some(2),
                op: Op::Write {
                    key: "k".into(),
                    value: "v".into(),
                },
            },
            Action::ClientRequest {
                to: None,
                op: Op::Cas {
                    key: "k".into(),
                    from: "a".into(),
                    to: "b".into(),
                },
            },
            Action::SetNetwork(NetworkConfig::default()),
            Action::AlignTimers,
            Action::SpreadTimers,
        ]
    }

    #[test]
    fn every_action_round_trips_through_its_record_and_json() {
        for action in every_action() {
            let record = ActionRecord::from(&action);
            let json = crate::json::to_string(&record);
            let back: ActionRecord = crate::json::from_str(&json).unwrap();
            assert_eq!(back, record, "{json}");
            assert_eq!(Action::try_from(back), Ok(action));
        }
    }

    #[test]
    fn records_read_as_documented() {
        let read =
            |text: &str| crate::json::from_str::<ActionRecord>(text).and_then(Action::try_from);
        assert_eq!(
            read(r#"{"action":"cut","from":2,"to":3}"#),
            Ok(Action::CutLink { from: 2, to: 3 })
        );
        assert_eq!(
            read(r#"{"action":"client","op":"cas","key":"k","from":"1","to":"2"}"#),
            Ok(Action::ClientRequest {
                to: None,
                op: Op::Cas {
                    key: "k".into(),
                    from: "1".into(),
                    to: "2".into()
                }
            })
        );
        let refused = [
            (r#"{"action":"cas"}"#, "unknown variant `cas`"),
            (r#"{"action":"stop"}"#, "a stop needs \"node\""),
            (
                r#"{"action":"cut","from":"a","to":3}"#,
                "\"from\" of a cut is a node id",
            ),
            (
                r#"{"action":"client","op":"cas","key":"k","from":1,"to":"2"}"#,
                "\"from\" of a cas is a string",
            ),
            (
                r#"{"action":"client","op":"write","key":"k"}"#,
                "a write needs \"value\"",
            ),
            (
                r#"{"action":"network","loss":0}"#,
                "a network needs \"latency_min_us\"",
            ),
            (r#"{"action":"stop","node":-1}"#, "node: invalid value"),
        ];
        for (text, expected) in refused {
            let err = read(text).unwrap_err();
            assert!(err.contains(expected), "{text}: '{err}' lacks '{expected}'");
        }
    }
}
