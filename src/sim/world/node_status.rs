//! A server as the world sees it: its Raft role while it runs, or stopped.
//! The trace, the event log, the picture and the message diagram all name
//! servers this way.

use crate::raft::Role;
use crate::sim::simulation::Server;
use serde::Serialize;

/// What a server is now: its Raft role while it runs, or stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeStatus {
    /// Running, as a follower.
    Follower,
    /// Running, as a candidate.
    Candidate,
    /// Running, as a leader.
    Leader,
    /// Frozen or crashed: it takes part in nothing until resumed.
    Stopped,
    /// Running, asking for pre-votes (PreVote on, thesis §9.6). Last, so
    /// the other statuses keep their places.
    PreCandidate,
}

impl NodeStatus {
    /// What `server` is now.
    pub fn of(server: &Server) -> Self {
        if !server.up {
            return NodeStatus::Stopped;
        }
        match server.node.role() {
            Role::Follower => NodeStatus::Follower,
            Role::PreCandidate => NodeStatus::PreCandidate,
            Role::Candidate => NodeStatus::Candidate,
            Role::Leader => NodeStatus::Leader,
        }
    }

    /// The name the trace and the page use.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Follower => "follower",
            NodeStatus::PreCandidate => "pre-candidate",
            NodeStatus::Candidate => "candidate",
            NodeStatus::Leader => "leader",
            NodeStatus::Stopped => "stopped",
        }
    }
}
