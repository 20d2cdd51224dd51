//! What the core's unit tests share.

use super::{Config, Message, Output, RaftNode, ReadPath, Rng, Role};

/// Server 1 of three, elected leader of term 1 at time 0 by server 2's
/// vote, with the default configuration (PreVote and CheckQuorum off).
pub(super) fn leader_of_three() -> RaftNode {
    let mut node = RaftNode::new(1, Config::cluster(3), Rng::new(1), 0);
    let mut out = Output::default();
    node.force_timeout(0, &mut out);
    node.persisted_now(0, &mut out);
    let vote = Message::RequestVoteReply {
        term: 1,
        vote_granted: true,
    };
    node.step(0, 2, vote, &mut out);
    assert_eq!(node.role(), Role::Leader);
    node
}

/// [`leader_of_three`] with reads by lease and CheckQuorum on (thesis
/// §6.4.1): no round acknowledged yet, so no lease.
pub(super) fn leased_leader_of_three() -> RaftNode {
    let mut node = leader_of_three();
    node.config.reads = ReadPath::Lease;
    node.config.check_quorum = true;
    node
}
