//! What the core's unit tests share.

use super::{Config, Message, Output, RaftNode, ReadPath, Rng, Role};

/// Server 1 of three, elected leader of term 1 at time 0 by server 2's
/// vote, with the default configuration (PreVote and CheckQuorum off).
/// Its no-op is not yet durable on its own disk.
pub(super) fn leader_of_three() -> RaftNode {
    let mut node = RaftNode::new(1, Config::cluster(3), Rng::new(1), 0);
    elect(&mut node, &mut Output::default());
    node
}

/// Server 1 of three under `config`, elected as [`leader_of_three`] is,
/// with its no-op durable (a synchronous disk): one follower's
/// acknowledgement commits it.
pub(super) fn durable_leader_of_three(config: Config) -> RaftNode {
    let mut node = RaftNode::new(1, config, Rng::new(1), 0);
    let mut out = Output::default();
    elect(&mut node, &mut out);
    node.persisted_now(0, &mut out);
    node
}

/// `node` times out for term 1 and server 2's vote elects it.
fn elect(node: &mut RaftNode, out: &mut Output) {
    node.force_timeout(0, out);
    node.persisted_now(0, out);
    let vote = Message::RequestVoteReply {
        term: 1,
        vote_granted: true,
    };
    node.step(0, 2, vote, out);
    assert_eq!(node.role(), Role::Leader);
}

/// [`leader_of_three`] with reads by lease and CheckQuorum on (thesis
/// §6.4.1): no round acknowledged yet, so no lease.
pub(super) fn leased_leader_of_three() -> RaftNode {
    let mut node = leader_of_three();
    node.config.reads = ReadPath::Lease;
    node.config.check_quorum = true;
    node
}
