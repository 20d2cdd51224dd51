//! The replicated log (paper §5.3): entries indexed from 1, each with the term
//! of the leader that created it.

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaftLog {
    /// `entries[i - 1]` holds index `i`. Shared storage, so that copies of
    /// the log (time travel's snapshots) share the entries they have in
    /// common instead of each holding the whole log.
    entries: SharedVec<Entry>,
}

impl RaftLog {
    /// An empty log (only the virtual entry 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of the last entry; 0 for an empty log.
    pub fn last_index(&self) -> LogIndex {
        self.entries.len() as LogIndex
    }

    /// The term of the last entry; 0 for an empty log. With
    /// [`RaftLog::last_index`], what RequestVote compares (§5.4.1).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The term at `index`; `Some(0)` for index 0, `None` past the end.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        self.entry(index).map(|e| e.term)
    }

    /// The entry at `index`; `None` for index 0 (the virtual entry) and past
    /// the end.
    pub fn entry(&self, index: LogIndex) -> Option<&Entry> {
        if index == 0 {
            return None;
        }
        self.entries.get(index as usize - 1)
    }

    /// A copy of all entries, in index order (the first has index 1). The
    /// log is stored in shared chunks, so there is no slice to lend.
    pub fn entries(&self) -> Vec<Entry> {
        self.entries.to_vec()
    }

    /// Up to `max` entries starting at `from` (empty past the end).
    pub fn entries_from(&self, from: LogIndex, max: usize) -> Vec<Entry> {
        let start = (from.max(1) - 1) as usize;
        if start >= self.entries.len() {
            return Vec::new();
        }
        let end = (start + max).min(self.entries.len());
        (start..end).map(|i| self.entries[i].clone()).collect()
    }

    /// Appends one entry at the end and returns its index.
    pub fn append(&mut self, entry: Entry) -> LogIndex {
        self.entries.push(entry);
        self.last_index()
    }

    /// Deletes the entry at `from` and all that follow it (Figure 2,
    /// AppendEntries receiver rule 3).
    pub fn truncate_from(&mut self, from: LogIndex) {
        self.entries.truncate(from.max(1) as usize - 1);
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
        while first > 1 && self.term_at(first - 1) == term {
            first -= 1;
        }
        first
    }

    /// The last index holding `term`, if the log has any entry of that term.
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        // Terms never decrease along a log, so scan from the end and stop early.
        let pos = self.entries.iter().rposition(|e| e.term <= term)?;
        (self.entries[pos].term == term).then_some(pos as LogIndex + 1)
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
}
