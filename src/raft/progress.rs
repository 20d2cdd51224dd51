//! A leader's view of one follower's log (Figure 2, "Volatile state on
//! leaders"): nextIndex and matchIndex.

use super::install_snapshot::SnapshotTransfer;
use super::types::LogIndex;

/// What a leader knows about one follower's log, and where to send from next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Progress {
    /// Index of the next entry to send to that server; starts just past the
    /// leader's last entry and backs off on rejection.
    pub next_index: LogIndex,
    /// Highest index known to be replicated on that server; starts at 0 and
    /// only ever grows during a term.
    pub match_index: LogIndex,
    /// CheckQuorum only: the server answered since the leader last checked
    /// that a majority did (etcd raft's `RecentActive`).
    pub recent_active: bool,
    /// The latest ReadIndex heartbeat round the server acknowledged in this
    /// term of office (thesis §6.4).
    pub read_round: u64,
    /// A snapshot being sent to that server, because its next entry is
    /// compacted away (paper §7).
    pub snapshot: Option<SnapshotTransfer>,
}

impl Progress {
    /// Progress as a new leader initializes it (Figure 2, "reinitialized after
    /// election"): nextIndex just past the leader's last entry, matchIndex 0.
    pub fn new(leader_last_index: LogIndex) -> Self {
        Progress {
            next_index: leader_last_index + 1,
            match_index: 0,
            // A new leader just heard from a majority: its voters.
            recent_active: true,
            read_round: 0,
            snapshot: None,
        }
    }

    /// A success reply covering entries up to `index`. Replies may arrive late,
    /// twice or out of order, so this only ever moves forward.
    pub fn record_match(&mut self, index: LogIndex) {
        self.match_index = self.match_index.max(index);
        self.next_index = self.next_index.max(self.match_index + 1);
    }

    /// Entries up to `last` were just sent: assume they will arrive and send
    /// the next ones after them (pipelining). A loss shows up as a rejection
    /// of a later message, which backs off.
    pub fn record_sent(&mut self, last: LogIndex) {
        self.next_index = self.next_index.max(last + 1);
    }

    /// A rejection of the request whose prevLogIndex was `rejected_index`,
    /// with the follower's suggestion `next`. Returns false (and changes
    /// nothing) if the rejection is stale: the follower has since matched
    /// past it, or we already backed off below it.
    pub fn back_off(&mut self, rejected_index: LogIndex, next: LogIndex) -> bool {
        if rejected_index <= self.match_index || rejected_index >= self.next_index {
            return false;
        }
        // Never below what is known to match; never past what was rejected.
        self.next_index = next.clamp(self.match_index + 1, rejected_index);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_success_never_moves_match_backwards() {
        let mut p = Progress::new(10);
        p.record_match(8);
        p.record_match(5);
        assert_eq!(p.match_index, 8);
        assert_eq!(p.next_index, 11);
    }

    /// Found by cargo-mutants: `match_index * 1` for `+ 1` survived, as
    /// every test's nextIndex was already past the match. A follower that
    /// matched beyond what was sent (a new leader's first reply) gets the
    /// entry after its match next (Figure 2: nextIndex = matchIndex + 1).
    #[test]
    fn a_match_past_next_index_moves_next_index_after_it() {
        let mut p = Progress::new(0);
        p.record_match(5);
        assert_eq!((p.match_index, p.next_index), (5, 6));
    }

    #[test]
    fn stale_rejection_is_ignored_and_back_off_is_bounded() {
        let mut p = Progress::new(10);
        p.record_sent(14);
        assert_eq!(p.next_index, 15, "pipelined");
        assert!(p.back_off(12, 3));
        assert_eq!(p.next_index, 3);
        assert!(
            !p.back_off(13, 1),
            "13 >= nextIndex: already backed off below it"
        );
        p.record_match(2);
        assert!(!p.back_off(2, 1), "index 2 is known to match: stale");
        p.record_sent(8);
        assert!(p.back_off(5, 1));
        assert_eq!(p.next_index, 3, "never below matchIndex + 1");
    }
}
