//! The replicated log (paper §5.3): entries indexed from 1, each with the term
//! of the leader that created it. Once compacted (thesis chapter 5), the log
//! starts after a snapshot: entries up to the snapshot's last included index
//! are gone, and only that index and its term remain.

use super::command::Payload;
use super::shared_vec::SharedVec;
use super::types::{LogIndex, Term};

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The term of the leader that created the entry (§5.3). With the
    /// index, it identifies the entry across logs (Log Matching).
    pub term: Term,
    /// What the entry carries: a client command or a leader's no-op.
    pub payload: Payload,
}

/// A server's log. Index 0 is a virtual entry of term 0 that every log shares,
/// so the consistency check of the first AppendEntries needs no special case.
/// After compaction, the snapshot's last included entry plays that part
/// (Figure 13: "lastIncludedIndex", "lastIncludedTerm").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaftLog {
    /// The last index the snapshot replaced; 0 when nothing is compacted.
    snapshot_index: LogIndex,
    /// The term of the entry at `snapshot_index`.
    snapshot_term: Term,
    /// `entries[i]` holds index `snapshot_index + 1 + i`. Shared storage,
    /// so that copies of the log (time travel's snapshots) share the
    /// entries they have in common instead of each holding the whole log.
    entries: SharedVec<Entry>,
}

impl RaftLog {
    /// An empty log (only the virtual entry 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of the last entry; 0 for an empty log, the snapshot's last
    /// included index for a log compacted to nothing.
    pub fn last_index(&self) -> LogIndex {
        self.snapshot_index + self.entries.len() as LogIndex
    }

    /// The term of the last entry; 0 for an empty log. With
    /// [`RaftLog::last_index`], what RequestVote compares (§5.4.1).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// The last index a snapshot replaced (0: none). Entries up to it are
    /// committed and gone from the log.
    pub fn snapshot_index(&self) -> LogIndex {
        self.snapshot_index
    }

    /// The term of the entry at [`RaftLog::snapshot_index`].
    pub fn snapshot_term(&self) -> Term {
        self.snapshot_term
    }

    /// The first index the log still holds an entry for.
    pub fn first_index(&self) -> LogIndex {
        self.snapshot_index + 1
    }

    /// The term at `index`: `Some(0)` for index 0, the snapshot's term at
    /// its last included index, `None` before it (compacted away) and past
    /// the end.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        self.entry(index).map(|e| e.term)
    }

    /// The entry at `index`; `None` for index 0 (the virtual entry), for a
    /// compacted index and past the end.
    pub fn entry(&self, index: LogIndex) -> Option<&Entry> {
        let offset = index.checked_sub(self.first_index())?;
        self.entries.get(offset as usize)
    }

    /// A copy of the entries the log holds, in index order (the first has
    /// index [`RaftLog::first_index`]). The log is stored in shared chunks,
    /// so there is no slice to lend.
    pub fn entries(&self) -> Vec<Entry> {
        self.entries.to_vec()
    }

    /// Up to `max` entries starting at `from` (empty past the end; never
    /// before the first index held).
    pub fn entries_from(&self, from: LogIndex, max: usize) -> Vec<Entry> {
        let start = (from.max(self.first_index()) - self.first_index()) as usize;
        if start >= self.entries.len() {
            return Vec::new();
        }
        let end = start.saturating_add(max).min(self.entries.len());
        (start..end).map(|i| self.entries[i].clone()).collect()
    }

    /// Appends one entry at the end and returns its index.
    pub fn append(&mut self, entry: Entry) -> LogIndex {
        self.entries.push(entry);
        self.last_index()
    }

    /// Appends `entry` as [`RaftLog::append`] does, sharing the storage of
    /// `like`, a log holding the same entries (`SharedVec::push_like`).
    pub fn append_like(&mut self, entry: Entry, like: &RaftLog) -> LogIndex {
        match self.snapshot_index == like.snapshot_index {
            true => self.entries.push_like(entry, &like.entries),
            false => self.entries.push(entry),
        }
        self.last_index()
    }

    /// Pushes `entry`, the entry at index `list.len() + 1` of this log, on
    /// `list`, sharing this log's storage (`SharedVec::push_like`): for a
    /// state machine's list of the entries it applied.
    pub fn push_applied(&self, list: &mut SharedVec<Entry>, entry: Entry) {
        match self.snapshot_index {
            0 => list.push_like(entry, &self.entries),
            _ => list.push(entry),
        }
    }

    /// Deletes the entry at `from` and all that follow it (Figure 2,
    /// AppendEntries receiver rule 3). Compacted entries are committed and
    /// never deleted: `from` stops at the first index held.
    pub fn truncate_from(&mut self, from: LogIndex) {
        let from = from.max(self.first_index());
        self.entries.truncate((from - self.first_index()) as usize);
    }

    /// Discards the entries through `through`, which a snapshot now holds
    /// (thesis §5.1). Does nothing unless `through` is held.
    pub fn compact(&mut self, through: LogIndex) {
        let Some(term) = self.entry(through).map(|e| e.term) else {
            return;
        };
        let mut kept = SharedVec::new();
        for entry in self.entries_from(through + 1, usize::MAX) {
            kept.push(entry);
        }
        self.entries = kept;
        self.snapshot_index = through;
        self.snapshot_term = term;
    }

    /// Starts the log after a snapshot received from the leader, through
    /// `index` of `term` (Figure 13, receiver rules 6 and 7): "If existing
    /// log entry has same index and term as snapshot's last included entry,
    /// retain log entries following it", else discard the entire log.
    /// Returns whether entries after `index` were kept.
    pub fn install(&mut self, index: LogIndex, term: Term) -> bool {
        if index > self.snapshot_index && self.term_at(index) == Some(term) {
            self.compact(index);
            return self.last_index() > index;
        }
        self.entries = SharedVec::new();
        self.snapshot_index = index;
        self.snapshot_term = term;
        false
    }

    /// Does this log hold an entry at `index` with `term`? (The consistency
    /// check of §5.3; index 0 always matches.)
    pub fn matches(&self, index: LogIndex, term: Term) -> bool {
        self.term_at(index) == Some(term)
    }

    /// Is a log ending at (`last_index`, `last_term`) at least as up to date as
    /// this one? §5.4.1: "If the logs have last entries with different terms,
    /// then the log with the later term is more up-to-date. If the logs end
    /// with the same term, then whichever log is longer is more up-to-date."
    pub fn is_up_to_date(&self, last_index: LogIndex, last_term: Term) -> bool {
        last_term > self.last_term()
            || (last_term == self.last_term() && last_index >= self.last_index())
    }

    /// The first index holding `term`, searching back from `index` while the
    /// term stays the same. Used for the conflict hint a follower sends back.
    pub fn first_index_of_term_run(&self, index: LogIndex) -> LogIndex {
        let term = self.term_at(index);
        let mut first = index;
        while first > self.first_index() && self.term_at(first - 1) == term {
            first -= 1;
        }
        first
    }

    /// The last index holding `term`, if the log has any entry of that term.
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        // Terms never decrease along a log, so scan from the end and stop early.
        let Some(pos) = self.entries.iter().rposition(|e| e.term <= term) else {
            let at_snapshot = term == self.snapshot_term && self.snapshot_index > 0;
            return at_snapshot.then_some(self.snapshot_index);
        };
        (self.entries[pos].term == term).then_some(self.snapshot_index + pos as LogIndex + 1)
    }

    /// The shared storage, for tests of what copies share.
    #[cfg(test)]
    pub(crate) fn shared_entries(&self) -> &SharedVec<Entry> {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_of(terms: &[Term]) -> RaftLog {
        let mut log = RaftLog::new();
        for &term in terms {
            log.append(Entry {
                term,
                payload: Payload::Noop,
            });
        }
        log
    }

    #[test]
    fn index_zero_is_a_shared_virtual_entry() {
        let log = log_of(&[]);
        assert!(log.matches(0, 0));
        assert_eq!(log.term_at(1), None);
    }

    #[test]
    fn term_runs_and_last_index_of_term() {
        let log = log_of(&[1, 1, 2, 2, 2, 4]);
        assert_eq!(log.first_index_of_term_run(5), 3);
        assert_eq!(log.first_index_of_term_run(2), 1);
        assert_eq!(log.last_index_of_term(2), Some(5));
        assert_eq!(log.last_index_of_term(3), None);
        assert_eq!(log.last_index_of_term(4), Some(6));
    }

    #[test]
    fn truncate_and_entries_from() {
        let mut log = log_of(&[1, 1, 2, 3]);
        assert_eq!(log.entries_from(2, 2).len(), 2);
        assert_eq!(log.entries_from(9, 2).len(), 0);
        log.truncate_from(3);
        assert_eq!(log.last_index(), 2);
        assert_eq!(log.last_term(), 1);
    }

    #[test]
    fn a_compacted_log_keeps_its_indexes_and_the_last_included_term() {
        let mut log = log_of(&[1, 1, 2, 2, 3]);
        log.compact(3);
        assert_eq!((log.snapshot_index(), log.snapshot_term()), (3, 2));
        assert_eq!(
            (log.first_index(), log.last_index(), log.last_term()),
            (4, 5, 3)
        );
        assert_eq!(log.term_at(3), Some(2), "the last included term remains");
        assert_eq!(log.term_at(2), None, "compacted away");
        assert_eq!(log.entry(3), None);
        assert_eq!(log.entry(4).map(|e| e.term), Some(2));
        assert_eq!(log.entries_from(1, 9).len(), 2, "only what is held");
        assert_eq!(log.first_index_of_term_run(4), 4, "stops at the snapshot");
        assert_eq!(log.last_index_of_term(2), Some(4));
        log.truncate_from(2);
        assert_eq!(log.last_index(), 3, "compacted entries are never deleted");
        assert_eq!(log.last_index_of_term(2), Some(3), "the snapshot's term");
        log.compact(9);
        assert_eq!(log.snapshot_index(), 3, "nothing held at 9: unchanged");
    }

    #[test]
    fn installing_a_snapshot_keeps_a_matching_suffix_only() {
        let mut log = log_of(&[1, 1, 2, 2]);
        assert!(log.install(2, 1), "index 2 holds term 1: 3 and 4 stay");
        assert_eq!((log.first_index(), log.last_index()), (3, 4));
        let mut other = log_of(&[1, 1, 2, 2]);
        assert!(!other.install(3, 3), "index 3 holds term 2, not 3");
        assert_eq!((other.last_index(), other.last_term()), (3, 3));
        assert!(other.entries().is_empty());
        let mut short = log_of(&[1]);
        assert!(!short.install(5, 2), "past the end: the log starts after 5");
        assert_eq!((short.first_index(), short.last_index()), (6, 5));
    }
}
