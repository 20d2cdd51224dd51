//! How an action is spelt in a scenario file and in a host page's
//! messages: one flat object named by `"action"`, as in
//! `{"t":1500000,"action":"partition","groups":[[1,2],[3,4,5]]}`
//! (docs/scenario-format.md). `Action` itself keeps Rust's shape (and the
//! compact serde form links use); this is its written form.

use super::action::Action;
use super::network::{MessageId, NetworkConfig};
use crate::raft::{NodeId, Op, Time};
use serde::{Deserialize, Serialize};

/// An action as written: `{"action":"stop","node":3}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionRecord {
    Stop {
        node: NodeId,
    },
    Resume {
        node: NodeId,
    },
    ResumeAll,
    Restart {
        node: NodeId,
    },
    Timeout {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Heal,
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Restore {
        from: NodeId,
        to: NodeId,
    },
    Drop {
        message: MessageId,
    },
    Client {
        /// The server to ask; absent: the client's guess of the leader.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
        op: OpKind,
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    Network(NetworkConfig),
    AlignTimers,
    SpreadTimers,
}

/// Which key-value operation a client action performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    Read,
    Write,
    Cas,
}

/// An action and when it happens: `{"t":1500000,"action":"heal"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    /// Simulated microseconds from the start of the run.
    pub t: Time,
    #[serde(flatten)]
    pub action: ActionRecord,
}

impl From<&Action> for ActionRecord {
    fn from(action: &Action) -> Self {
        match action.clone() {
            Action::Stop(node) => ActionRecord::Stop { node },
            Action::Resume(node) => ActionRecord::Resume { node },
            Action::ResumeAll => ActionRecord::ResumeAll,
            Action::Restart(node) => ActionRecord::Restart { node },
            Action::ForceTimeout(node) => ActionRecord::Timeout { node },
            Action::Partition(groups) => ActionRecord::Partition { groups },
            Action::Heal => ActionRecord::Heal,
            Action::CutLink { from, to } => ActionRecord::Cut { from, to },
            Action::RestoreLink { from, to } => ActionRecord::Restore { from, to },
            Action::DropMessage(message) => ActionRecord::Drop { message },
            Action::ClientRequest { to, op } => client_record(to, op),
            Action::SetNetwork(network) => ActionRecord::Network(network),
            Action::AlignTimers => ActionRecord::AlignTimers,
            Action::SpreadTimers => ActionRecord::SpreadTimers,
        }
    }
}

fn client_record(node: Option<NodeId>, op: Op) -> ActionRecord {
    let (op, key, value, from, to) = match op {
        Op::Read { key } => (OpKind::Read, key, None, None, None),
        Op::Write { key, value } => (OpKind::Write, key, Some(value), None, None),
        Op::Cas { key, from, to } => (OpKind::Cas, key, None, Some(from), Some(to)),
    };
    ActionRecord::Client {
        node,
        op,
        key,
        value,
        from,
        to,
    }
}

impl TryFrom<ActionRecord> for Action {
    type Error = String;

    /// Fails only when a client operation lacks one of its fields.
    fn try_from(record: ActionRecord) -> Result<Action, String> {
        Ok(match record {
            ActionRecord::Stop { node } => Action::Stop(node),
            ActionRecord::Resume { node } => Action::Resume(node),
            ActionRecord::ResumeAll => Action::ResumeAll,
            ActionRecord::Restart { node } => Action::Restart(node),
            ActionRecord::Timeout { node } => Action::ForceTimeout(node),
            ActionRecord::Partition { groups } => Action::Partition(groups),
            ActionRecord::Heal => Action::Heal,
            ActionRecord::Cut { from, to } => Action::CutLink { from, to },
            ActionRecord::Restore { from, to } => Action::RestoreLink { from, to },
            ActionRecord::Drop { message } => Action::DropMessage(message),
            ActionRecord::Network(network) => Action::SetNetwork(network),
            ActionRecord::AlignTimers => Action::AlignTimers,
            ActionRecord::SpreadTimers => Action::SpreadTimers,
            ActionRecord::Client {
                node,
                op,
                key,
                value,
                from,
                to,
            } => {
                let needs = |field: Option<String>, name: &str| {
                    field.ok_or_else(|| format!("a {op:?} needs \"{name}\"").to_lowercase())
                };
                let op = match op {
                    OpKind::Read => Op::Read { key },
                    OpKind::Write => Op::Write {
                        key,
                        value: needs(value, "value")?,
                    },
                    OpKind::Cas => Op::Cas {
                        key,
                        from: needs(from, "from")?,
                        to: needs(to, "to")?,
                    },
                };
                Action::ClientRequest { to: node, op }
            }
        })
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
    fn every_action_round_trips_through_its_record() {
        for action in every_action() {
            let record = ActionRecord::from(&action);
            assert_eq!(Action::try_from(record), Ok(action));
        }
    }

    #[test]
    fn a_client_record_without_its_value_is_refused() {
        let record = ActionRecord::Client {
            node: None,
            op: OpKind::Cas,
            key: "k".into(),
            value: None,
            from: Some("a".into()),
            to: None,
        };
        assert_eq!(
            Action::try_from(record),
            Err("a cas needs \"to\"".to_string())
        );
    }
}
