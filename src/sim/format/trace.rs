//! The trace: every meaningful thing that happened in a run, in order.
//!
//! Every event is folded into a running hash (so determinism is one number to
//! compare) and, when recording is on, kept for `--trace` as JSON Lines. The
//! format is documented in docs/trace-format.md.
//!
//! The hash and the JSON read an event through one walk over its fields
//! (`trace/fields.rs`), so a new kind of event is described once;
//! `trace/hash.rs` folds the fields and `trace/json.rs` writes them.

mod fields;
mod hash;
mod json;

pub use json::to_json_line;

use crate::raft::{LogIndex, NodeId, Op, Payload, Term, Time, UnsafeSwitch};
use crate::sim::history::Outcome;
use crate::sim::network::{DropReason, Endpoint};
use crate::sim::node_status::NodeStatus;
use crate::sim::stable_hash::StableHasher;

/// One line of the trace, without its time. Its fields, in order, with their
/// JSON names and types, are listed once: by the walk in `trace/fields.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A node's term, role, vote, commit index or last entry changed.
    State {
        /// The server.
        node: NodeId,
        /// Its currentTerm.
        term: Term,
        /// Its role, or `stopped` while frozen.
        role: NodeStatus,
        /// votedFor in the current term.
        voted_for: Option<NodeId>,
        /// Its commitIndex.
        commit: LogIndex,
        /// Index of the last entry in its log (0: empty).
        last_index: LogIndex,
        /// Term of that entry (0: empty).
        last_term: Term,
    },
    /// A node applied a committed entry to its state machine.
    Apply {
        /// The server.
        node: NodeId,
        /// The entry's log index.
        index: LogIndex,
        /// The entry's term: the term in which a leader created it.
        term: Term,
        /// What the entry carries: `noop`, or `c<client>#<request> <op>`.
        payload: Payload,
    },
    /// A node became leader; its whole log as (index, term) pairs. A log
    /// compacted by a snapshot starts with the snapshot's last included
    /// index and term.
    LeaderLog {
        /// The new leader.
        node: NodeId,
        /// The term it leads.
        term: Term,
        /// Its whole log at that moment, index 1 first.
        log: Vec<(LogIndex, Term)>,
    },
    /// A message was put on the network.
    Send {
        /// The message id: unique in the run, increasing in send order.
        id: u64,
        /// The sender, `n<node>` or `c<client>`.
        from: Endpoint,
        /// The receiver, `n<node>` or `c<client>`.
        to: Endpoint,
        /// `type` in JSON: `kind` names the event.
        kind: &'static str,
        /// The term a Raft message carries; `None` for client traffic.
        term: Option<Term>,
        /// When it is due to arrive: send time plus its latency.
        deliver_t: Time,
    },
    /// A message arrived.
    Deliver {
        /// The id of its `Send`.
        id: u64,
    },
    /// A message died: lost, blocked by a partition or cut, receiver down,
    /// or dropped by hand.
    Drop {
        /// The id of its `Send`.
        id: u64,
        /// Why it died.
        reason: DropReason,
    },
    /// A fault or user action took effect.
    Action {
        /// What was done, as text for people (`partition [[1, 2], [3]]`).
        description: String,
    },
    /// A client invoked an operation.
    Invoke {
        /// The client.
        client: u64,
        /// Its request number: 1, 2, 3, ... per client.
        request: u64,
        /// The operation, as text: `read K`, `write K=V` or `cas K FROM->TO`.
        op: Op,
    },
    /// A client saw the end of an operation.
    Return {
        /// The client.
        client: u64,
        /// Its request number.
        request: u64,
        /// `ok`, `fail` or `unknown`, as in the history.
        outcome: Outcome,
        /// For an `ok` read: the value read (`None`: key absent); `None` otherwise.
        result: Option<String>,
    },
    /// A node took a snapshot, or installed one from the leader, through
    /// `index` (thesis chapter 5): its log now starts after it.
    Snapshot {
        /// The server.
        node: NodeId,
        /// The snapshot's last included index.
        index: LogIndex,
        /// The term of the entry at `index`.
        term: Term,
        /// Installed from the leader (InstallSnapshot), or taken itself.
        installed: bool,
    },
    /// A server decided something only because an unsafe switch is on
    /// (`raft::UnsafeStep`): the rule the switch breaks would have decided
    /// otherwise. A note on why, not a thing that happened: it is kept when
    /// recording but left out of the hash, so turning the notes on changed
    /// no trace hash.
    UnsafeStep {
        /// The server.
        node: NodeId,
        /// The switch that made the difference.
        switch: UnsafeSwitch,
        /// The other server involved, if any.
        peer: Option<NodeId>,
        /// The log index involved, if any.
        index: Option<LogIndex>,
    },
    /// An invariant was violated.
    Violation {
        /// The invariant's name, as
        /// [`Invariant::name`](crate::sim::invariants::Invariant::name) gives it.
        invariant: &'static str,
        /// The servers involved.
        nodes: Vec<NodeId>,
        /// What exactly, for people.
        detail: String,
    },
}

/// The running hash and, optionally, the recorded events.
#[derive(Clone, Debug)]
pub struct Trace {
    hash: StableHasher,
    events: u64,
    recorded: Option<Vec<(Time, TraceEvent)>>,
}

impl Trace {
    /// An empty trace; with `record`, the events are kept as well as hashed.
    pub fn new(record: bool) -> Self {
        Trace {
            hash: StableHasher::new(),
            events: 0,
            recorded: record.then(Vec::new),
        }
    }

    /// The hash of every event traced so far, with its time: equal natively and
    /// in the browser for the same run.
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// How many events were traced.
    pub fn len(&self) -> u64 {
        self.events
    }

    /// True when nothing was traced yet.
    pub fn is_empty(&self) -> bool {
        self.events == 0
    }

    /// Events recorded since the last call (empty when not recording).
    pub fn take_recorded(&mut self) -> Vec<(Time, TraceEvent)> {
        self.recorded
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Traces `event` at time `t`: folds both into the hash, and keeps them when
    /// recording.
    pub fn record(&mut self, t: Time, event: TraceEvent) {
        self.fold(t, &event);
        if let Some(recorded) = &mut self.recorded {
            recorded.push((t, event));
        }
    }

    /// Traces `event` as [`Trace::record`] does, from a borrow: it is
    /// cloned only when recording, so a caller that still needs what the
    /// event holds (an invocation's operation, whose strings are
    /// allocations) copies nothing in a run that only hashes.
    pub(crate) fn record_borrowed(&mut self, t: Time, event: &TraceEvent) {
        self.fold(t, event);
        if let Some(recorded) = &mut self.recorded {
            recorded.push((t, event.clone()));
        }
    }

    /// Counts `event` and folds it, with its time, into the hash, unless
    /// it is a note (see [`TraceEvent::is_counted`]).
    fn fold(&mut self, t: Time, event: &TraceEvent) {
        if event.is_counted() {
            self.events += 1;
            self.hash.u64(t);
            hash::fold(&mut self.hash, event);
        }
    }
}

impl TraceEvent {
    /// Does the trace count and hash this event? A note of an unsafe step
    /// is kept for people, and left out of the hash and the count, so a
    /// run's hash is the same whether or not notes are kept.
    pub fn is_counted(&self) -> bool {
        !matches!(self, TraceEvent::UnsafeStep { .. })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::raft::ClientCommand;
    use std::rc::Rc;

    /// One event of each kind, with awkward text where text is free.
    fn one_of_each() -> Vec<(Time, TraceEvent)> {
        let command = ClientCommand {
            client: 3,
            request: 12,
            op: Op::Cas {
                key: "k1".into(),
                from: "4".into(),
                to: "7".into(),
            },
        };
        vec![
            (
                0,
                TraceEvent::State {
                    node: 1,
                    term: 0,
                    role: NodeStatus::Follower,
                    voted_for: None,
                    commit: 0,
                    last_index: 0,
                    last_term: 0,
                },
            ),
            (
                392633,
                TraceEvent::State {
                    node: 1,
                    term: 2,
                    role: NodeStatus::Leader,
                    voted_for: Some(1),
                    commit: 0,
                    last_index: 1,
                    last_term: 2,
                },
            ),
            (
                434405,
                TraceEvent::Apply {
                    node: 1,
                    index: 1,
                    term: 2,
                    payload: Payload::Noop,
                },
            ),
            (
                1666755,
                TraceEvent::Apply {
                    node: 2,
                    index: 9,
                    term: 7,
                    payload: Payload::Command(Rc::new(command)),
                },
            ),
            (
                1560282,
                TraceEvent::LeaderLog {
                    node: 1,
                    term: 7,
                    log: vec![(1, 2), (2, 2), (3, 7)],
                },
            ),
            (
                5,
                TraceEvent::LeaderLog {
                    node: 2,
                    term: 1,
                    log: vec![],
                },
            ),
            (
                170828,
                TraceEvent::Send {
                    id: 1,
                    from: Endpoint::Node(1),
                    to: Endpoint::Node(2),
                    kind: "RequestVote",
                    term: Some(1),
                    deliver_t: 189500,
                },
            ),
            (
                170829,
                TraceEvent::Send {
                    id: 2,
                    from: Endpoint::Client(2),
                    to: Endpoint::Node(3),
                    kind: "ClientRequest",
                    term: None,
                    deliver_t: 180000,
                },
            ),
            (189500, TraceEvent::Deliver { id: 1 }),
            (
                458439,
                TraceEvent::Drop {
                    id: 73,
                    reason: DropReason::Lost,
                },
            ),
            (
                597313,
                TraceEvent::Action {
                    description: "partition [[2, 4], [1, 3, 5]]".into(),
                },
            ),
            (
                597314,
                TraceEvent::Action {
                    description: "client write \"q\\uote\"=a\tb\nc to 2".into(),
                },
            ),
            (
                197996,
                TraceEvent::Invoke {
                    client: 2,
                    request: 1,
                    op: Op::Write {
                        key: "k3".into(),
                        value: "7".into(),
                    },
                },
            ),
            (
                502782,
                TraceEvent::Return {
                    client: 1,
                    request: 1,
                    outcome: Outcome::Ok,
                    result: None,
                },
            ),
            (
                502783,
                TraceEvent::Return {
                    client: 1,
                    request: 2,
                    outcome: Outcome::Ok,
                    result: Some("5".into()),
                },
            ),
            (
                15911235,
                TraceEvent::Violation {
                    invariant: "leader_completeness",
                    nodes: vec![4, 3],
                    detail: "leader of term 57 lacks index 34".into(),
                },
            ),
        ]
    }

    /// The exact lines of docs/trace-format.md's shapes.
    const EXPECTED: &str = r#"{"t":0,"kind":"state","node":1,"term":0,"role":"follower","voted_for":null,"commit":0,"last_index":0,"last_term":0}
{"t":392633,"kind":"state","node":1,"term":2,"role":"leader","voted_for":1,"commit":0,"last_index":1,"last_term":2}
{"t":434405,"kind":"apply","node":1,"index":1,"term":2,"command":"noop"}
{"t":1666755,"kind":"apply","node":2,"index":9,"term":7,"command":"c3#12 cas k1 4->7"}
{"t":1560282,"kind":"leader_log","node":1,"term":7,"log":[[1,2],[2,2],[3,7]]}
{"t":5,"kind":"leader_log","node":2,"term":1,"log":[]}
{"t":170828,"kind":"send","id":1,"from":"n1","to":"n2","type":"RequestVote","term":1,"deliver_t":189500}
{"t":170829,"kind":"send","id":2,"from":"c2","to":"n3","type":"ClientRequest","term":null,"deliver_t":180000}
{"t":189500,"kind":"deliver","id":1}
{"t":458439,"kind":"drop","id":73,"reason":"lost"}
{"t":597313,"kind":"action","action":"partition [[2, 4], [1, 3, 5]]"}
{"t":597314,"kind":"action","action":"client write \"q\\uote\"=a\tb\nc to 2"}
{"t":197996,"kind":"invoke","client":2,"request":1,"op":"write k3=7"}
{"t":502782,"kind":"return","client":1,"request":1,"outcome":"ok","result":null}
{"t":502783,"kind":"return","client":1,"request":2,"outcome":"ok","result":"5"}
{"t":15911235,"kind":"violation","invariant":"leader_completeness","nodes":[4,3],"detail":"leader of term 57 lacks index 34"}"#;

    /// Pinned: the hash of `one_of_each` as the trace computed it before
    /// the hash and the JSON writer shared one walk. If it changes, every
    /// trace hash printed or pinned so far changes with it.
    #[test]
    fn the_hash_of_each_kind_is_pinned() {
        let mut trace = Trace::new(false);
        for (t, event) in one_of_each() {
            trace.record(t, event);
        }
        assert_eq!(trace.hash(), 7194211988195839292);
    }

    #[test]
    fn json_lines_have_the_documented_shape_exactly() {
        let events = one_of_each();
        let expected: Vec<&str> = EXPECTED.lines().collect();
        assert_eq!(events.len(), expected.len());
        for ((t, event), want) in events.iter().zip(expected) {
            assert_eq!(to_json_line(*t, event), want);
        }
    }
}
