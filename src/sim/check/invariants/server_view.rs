//! What the checker remembers of each server between events, and of each
//! committed index.

use super::reads::ClientReads;
use crate::raft::shared_vec::SharedVec;
use crate::raft::vec_map::VecMap;
use crate::raft::{ClientId, Entry, LogIndex, NodeId, RaftLog, RaftNode, Term};
use crate::sim::stable_hash::chain;

/// What the checker remembers of one server between events.
#[derive(Clone, Debug, Default)]
pub(super) struct ServerView {
    pub(super) term: Term,
    pub(super) voted_for: Option<NodeId>,
    /// The term in which it was leader at the last observation.
    pub(super) leader_of: Option<Term>,
    /// The mirror of its log: `prefix[i - 1]` is the chained hash of its log
    /// up to index i, built from the log changes it reported. This and the
    /// checker's other per-index records are `SharedVec`s, so time travel's
    /// snapshots share them as they share the logs.
    pub(super) prefix: SharedVec<u64>,
    pub(super) commit: LogIndex,
    pub(super) applied: LogIndex,
    pub(super) applied_chain: u64,
    /// Observations since the mirror was last audited against the log.
    pub(super) since_audit: u64,
    /// The index of the configuration it used at the last observation
    /// (`None` before the first)...
    pub(super) config_index: Option<LogIndex>,
    /// ...and how far its log was then known to hold no later one.
    pub(super) config_clean_through: LogIndex,
    /// Leader: the reads that reached it in this term of office and wait
    /// for their read index (`reads`).
    pub(super) read_arrivals: VecMap<ClientId, ClientReads>,
}

impl ServerView {
    /// The chained hash of the mirrored log through `index`; `Some(0)` for
    /// index 0, `None` past the end.
    pub(super) fn prefix_at(&self, index: LogIndex) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.prefix.get(index as usize - 1).copied()
    }

    /// The length of the mirrored log.
    pub(super) fn mirrored_len(&self) -> LogIndex {
        self.prefix.len() as LogIndex
    }
}

/// The chained prefix hashes of the entries `log` holds, its first index
/// first, chained on `base` (the hash through its snapshot's last index; 0
/// for a log that starts at 1): what a faithful mirror holds there.
pub(super) fn prefixes_of(log: &RaftLog, base: u64) -> impl Iterator<Item = u64> + '_ {
    let mut prefix = base;
    (log.first_index()..=log.last_index()).map(move |i| {
        prefix = chain(prefix, log.entry(i).expect("within the log"));
        prefix
    })
}

/// The entry `node` holds at `index`: from its log, or, once compacted
/// (perhaps in the very input that appended or committed it), from the
/// list of entries its state machine applied, which a snapshot's entries
/// are all in.
pub(super) fn held_entry(node: &RaftNode, index: LogIndex) -> Option<&Entry> {
    let compacted = index <= node.log().snapshot_index();
    let applied = || node.state_machine().applied().get(index as usize - 1);
    node.log()
        .entry(index)
        .or_else(|| applied().filter(|_| compacted))
}

/// An index known to be committed, with the first server seen to commit it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Committed {
    pub(super) term: Term,
    pub(super) prefix: u64,
    /// The committing server's term when it committed: leaders of later terms
    /// must hold this entry.
    pub(super) in_term: Term,
    pub(super) by: NodeId,
}
