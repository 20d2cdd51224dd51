//! What a user, a scenario or the nemesis can do to a running cluster. The UI
//! changes the simulation only through these, so anything a person did can
//! be recorded and replayed.

use crate::raft::{Key, NodeId, Op, ReadPath};
use crate::sim::config::RaftOptions;
use crate::sim::membership::Replacement;
use crate::sim::network::{MessageId, NetworkConfig};
use std::fmt;

/// Its serde form is the compact one links use; files and the host page
/// spell each action out as an `ActionRecord`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// Freeze a server: it keeps its state but receives nothing and its timers
    /// stop, like a long pause. Messages to it are lost.
    Stop(NodeId),
    /// Unfreeze a stopped server.
    Resume(NodeId),
    /// Resume every stopped server.
    ResumeAll,
    /// Crash and reboot: volatile state is lost; the server comes back as a
    /// follower with its persisted term, vote and log.
    Restart(NodeId),
    /// Make a server's election timer fire now.
    ForceTimeout(NodeId),
    /// Split servers into groups that cannot talk to each other; servers in
    /// no group form one more group together.
    Partition(Vec<Vec<NodeId>>),
    /// Remove every partition and cut.
    Heal,
    /// Cut the link from one server to another, one way only.
    CutLink {
        /// The sending server.
        from: NodeId,
        /// The receiving server.
        to: NodeId,
    },
    /// Restore the link from one server to another, one way only.
    RestoreLink {
        /// The sending server.
        from: NodeId,
        /// The receiving server.
        to: NodeId,
    },
    /// Remove one message from the network.
    DropMessage(MessageId),
    /// The user sends a request to a server (or to the believed leader).
    ClientRequest {
        /// The server to ask; `None`: the server the client believes leads.
        to: Option<NodeId>,
        /// The operation on the key-value store.
        op: Op,
    },
    /// Change latency, loss or duplication.
    SetNetwork(NetworkConfig),
    /// Give every running follower and candidate the same election deadline,
    /// to provoke a split vote.
    AlignTimers,
    /// Spread election deadlines evenly across the timeout range.
    SpreadTimers,
    /// Cut every link into a server, one way: it still sends but hears
    /// nothing. A leader in this state keeps its followers from timing out
    /// while it can commit nothing; without CheckQuorum the cluster stalls
    /// (thesis §6.2). `Heal` undoes it.
    Deafen(NodeId),
    /// A partial partition: cut a server off, both ways, from every peer
    /// but `peers`, so it reaches only part of the cluster while they reach
    /// each other. `Heal` undoes it.
    ReachOnly {
        /// The server cut off.
        node: NodeId,
        /// The peers it still reaches.
        peers: Vec<NodeId>,
    },
    /// Turn PreVote and CheckQuorum on or off in every server.
    SetRaft(RaftOptions),
    /// The leader hands leadership over to this server (thesis §3.10).
    TransferLeadership(NodeId),
    /// Change how every server answers reads (thesis §6.4).
    SetReads(ReadPath),
    /// From now on, a server's clock runs `ppm` parts per million off real
    /// time (negative: slow), within ±50%. Past the run's drift bound it
    /// breaks what a lease assumes (thesis §6.4.1).
    SetClockRate {
        /// The server whose clock changes.
        node: NodeId,
        /// Parts per million faster than real time.
        ppm: i64,
    },
    /// The user reads `key` by `path`, whatever the cluster's setting
    /// (thesis §6.4; etcd's per-request linearizable or serializable read).
    ClientRead {
        /// The server to ask; `None`: the server the client believes leads.
        to: Option<NodeId>,
        /// The key to read.
        key: Key,
        /// How the read is to be answered.
        path: ReadPath,
    },
    /// The bound every server assumes clocks drift within, in parts per
    /// million (0..=500000): a lease gives up twice this share of the
    /// election timeout (thesis §6.4.1). The clocks themselves do not
    /// change; a clock already past the new bound breaks the lease.
    SetDriftBound(u64),
    /// A new server joins: it gets the next unused id, and the leader adds
    /// it as a learner, to promote it once it has caught up (thesis
    /// §4.2.1).
    AddServer,
    /// The leader removes this server from the cluster (thesis §4.2).
    RemoveServer(NodeId),
    /// Replace voters with new servers at once, through joint consensus
    /// (thesis §4.3): `add` new servers join as learners, then the cluster
    /// moves to C_old,new and on to C_new.
    ReplaceServers {
        /// The voters that leave.
        remove: Vec<NodeId>,
        /// How many new servers take their place (or join besides them).
        add: u64,
    },
    /// How later `ReplaceServers` change the voters: joint consensus, or
    /// single-server changes one by one.
    SetReplacement(Replacement),
    /// From now on every server snapshots once this many entries were
    /// applied since its last snapshot (thesis chapter 5); `None`: never.
    SetSnapshots(Option<u64>),
    /// Deliver one message in flight now, whatever its latency: the
    /// explorer's "this message arrives next" (`explore`).
    DeliverMessage(MessageId),
    /// Deliver a copy of one message in flight now, and leave the original
    /// in flight: the network duplicated it.
    DuplicateMessage(MessageId),
    /// The leader's heartbeat timer fires now: it sends AppendEntries to
    /// every follower (Figure 2, "repeat during idle periods"). Nothing
    /// happens on a server that does not lead.
    Heartbeat(NodeId),
    /// A server's disk finishes every write it has issued now, sooner than
    /// its fsync latency: the explorer's "this fsync completes next"
    /// (`explore`, `Bounds::early_syncs`). Writes that take varying time
    /// let a follower's copy be durable before the leader's own (thesis
    /// §10.2.1). Nothing happens on a disk with no write in flight.
    SyncDisk(NodeId),
}

impl Action {
    /// How many new servers this action asks for (they are created only
    /// if the leader may make the change then): what later actions may
    /// name, and what a replay may have to run.
    pub fn servers_added(&self) -> u64 {
        match self {
            Action::AddServer => 1,
            Action::ReplaceServers { add, .. } => *add,
            _ => 0,
        }
    }

    /// Servers this action names, to validate against the cluster size.
    pub fn nodes(&self) -> Vec<NodeId> {
        self.node_fields().into_iter().map(|(_, id)| id).collect()
    }

    /// The first node id it names outside `1..=n`, with its field: what
    /// the simulation refuses, and what a scenario's message points at.
    pub fn unknown_node(&self, n: u64) -> Option<(&'static str, NodeId)> {
        (self.node_fields().into_iter()).find(|&(_, id)| !(1..=n).contains(&id))
    }

    /// The node ids it names, each with its field in the scenario format
    /// (`docs/scenario-format.md`), so a message can say which is wrong.
    pub fn node_fields(&self) -> Vec<(&'static str, NodeId)> {
        let each = |field: &'static str, ids: &[NodeId]| -> Vec<(&'static str, NodeId)> {
            ids.iter().map(|&id| (field, id)).collect()
        };
        match self {
            Action::Stop(n)
            | Action::Resume(n)
            | Action::Restart(n)
            | Action::ForceTimeout(n)
            | Action::Heartbeat(n)
            | Action::SyncDisk(n)
            | Action::Deafen(n)
            | Action::TransferLeadership(n)
            | Action::RemoveServer(n)
            | Action::SetClockRate { node: n, .. } => vec![("node", *n)],
            Action::Partition(groups) => groups.iter().flat_map(|g| each("groups", g)).collect(),
            Action::CutLink { from, to } | Action::RestoreLink { from, to } => {
                vec![("from", *from), ("to", *to)]
            }
            Action::ClientRequest { to, .. } | Action::ClientRead { to, .. } => {
                to.iter().map(|&id| ("node", id)).collect()
            }
            Action::ReplaceServers { remove, .. } => each("remove", remove),
            Action::ReachOnly { node, peers } => {
                [vec![("node", *node)], each("peers", peers)].concat()
            }
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Stop(n) => write!(f, "stop {n}"),
            Action::Resume(n) => write!(f, "resume {n}"),
            Action::ResumeAll => write!(f, "resume all"),
            Action::Restart(n) => write!(f, "restart {n}"),
            Action::ForceTimeout(n) => write!(f, "timeout {n}"),
            Action::Partition(groups) => write!(f, "partition {groups:?}"),
            Action::Heal => write!(f, "heal"),
            Action::CutLink { from, to } => write!(f, "cut {from}->{to}"),
            Action::RestoreLink { from, to } => write!(f, "restore {from}->{to}"),
            Action::DropMessage(id) => write!(f, "drop message {id}"),
            Action::DeliverMessage(id) => write!(f, "deliver message {id}"),
            Action::DuplicateMessage(id) => write!(f, "duplicate message {id}"),
            Action::Heartbeat(n) => write!(f, "heartbeat {n}"),
            Action::SyncDisk(n) => write!(f, "sync disk {n}"),
            Action::ClientRequest { to: Some(n), op } => write!(f, "client {op} to {n}"),
            Action::ClientRequest { to: None, op } => write!(f, "client {op}"),
            Action::SetNetwork(c) => write!(
                f,
                "network latency {}..{}us loss {} duplication {}",
                c.latency_min,
                c.latency_max,
                crate::sim::decimal::plain(c.loss),
                crate::sim::decimal::plain(c.duplication)
            ),
            Action::AlignTimers => write!(f, "align timers"),
            Action::SpreadTimers => write!(f, "spread timers"),
            Action::Deafen(n) => write!(f, "deafen {n}"),
            Action::TransferLeadership(n) => write!(f, "transfer leadership to {n}"),
            Action::ReachOnly { node, peers } => write!(f, "{node} reaches only {peers:?}"),
            Action::SetReads(path) => write!(f, "reads by {}", path.name()),
            Action::SetDriftBound(ppm) => write!(f, "drift bound {ppm} ppm"),
            Action::AddServer => write!(f, "add a server"),
            Action::RemoveServer(n) => write!(f, "remove server {n}"),
            Action::ReplaceServers { remove, add } => {
                write!(f, "replace servers {remove:?} with {add} new")
            }
            Action::ClientRead {
                to: Some(n),
                key,
                path,
            } => {
                write!(f, "client read {key} by {} to {n}", path.name())
            }
            Action::ClientRead {
                to: None,
                key,
                path,
            } => {
                write!(f, "client read {key} by {}", path.name())
            }
            Action::SetClockRate { node, ppm } => {
                let sign = if *ppm >= 0 { "+" } else { "" };
                let percent = crate::sim::decimal::plain(*ppm as f64 / 10_000.0);
                write!(f, "clock of {node} runs {sign}{percent}%")
            }
            Action::SetReplacement(Replacement::Joint) => {
                write!(f, "replace servers by joint consensus")
            }
            Action::SetReplacement(Replacement::OneByOne) => {
                write!(f, "replace servers one at a time")
            }
            Action::SetSnapshots(Some(every)) => write!(f, "snapshot every {every} entries"),
            Action::SetSnapshots(None) => write!(f, "no snapshots"),
            Action::SetRaft(o) => {
                let on = |b: bool| if b { "on" } else { "off" };
                write!(
                    f,
                    "PreVote {}, CheckQuorum {}",
                    on(o.pre_vote),
                    on(o.check_quorum)
                )
            }
        }
    }
}
