//! What the checker holds the cluster to: the [`Invariant`]s, and what a
//! broken one looks like ([`Violation`]).

use crate::raft::{LogIndex, NodeId, Term, Time};
use std::fmt;

/// A property the checker holds the cluster to. The first five are the
/// properties of the Raft paper's Figure 3; the rest are the rules of
/// Figure 2 they rest on, checked from what the servers do and send rather
/// than from what they report about themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    /// At most one leader per term (§5.2).
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log during its term.
    LeaderAppendOnly,
    /// Two logs with an entry of the same index and term agree up to it (§5.3).
    LogMatching,
    /// An entry committed in term T is in the log of every leader of a later
    /// term (§5.4).
    LeaderCompleteness,
    /// No two servers apply different entries at the same index (§5.4.3).
    StateMachineSafety,
    /// currentTerm and votedFor never go backwards, across restarts too.
    TermAndVoteMonotonic,
    /// A committed index never changes: no server deletes it or commits
    /// another entry there.
    CommittedEntriesStable,
    /// lastApplied <= commitIndex <= last log index, and applies are in order.
    IndexOrder,
    /// Every change to a server's log is reported in its output as it
    /// happened: the checker's mirror of the log, built from those reports
    /// alone, has the log's length after every input and its entries
    /// whenever it is audited. Every log check above reads the mirror, so
    /// without this one they would take the server's word.
    LogChangesReported,
    /// A server grants at most one candidate its vote in a term, across
    /// restarts too: "each server will vote for at most one candidate in a
    /// given term" (§5.2), the rule Election Safety rests on. Read from the
    /// votes it sends, against the checker's own record of them.
    OneVotePerTerm,
    /// A follower that answers AppendEntries with success and a matchIndex
    /// holds entries through that index, and they are its leader's (Figure
    /// 2): the leader counts the answer towards a commit (§5.3).
    AcknowledgedEntriesHeld,
    /// AppendEntries is sent only by the leader of its term, and what it
    /// carries (prevLogIndex and prevLogTerm, and the entries) is what that
    /// leader's own log holds there (§5.3).
    AppendEntriesMatchLeaderLog,
    /// Asking for pre-votes changes no term: a server sends PreVote for the
    /// term after its own, in the term it was in before (thesis §9.6).
    PreVoteKeepsTerm,
    /// A read lease is exclusive (thesis §6.4.1): while a server holds one
    /// by its own clock, no server is elected in a later term, and no read
    /// is answered from a lease after such an election. The lease is a
    /// promise that no election ends before it does; checked when a server
    /// is elected, against the leases every server holds then, and at every
    /// lease read, against the checker's record of leaders.
    LeaseExclusive,
    /// A server uses the latest configuration in its log, committed or not
    /// (thesis §4.1): the one every quorum it counts is counted on. Read
    /// from its log (or, below it, its snapshot), not from its word.
    ConfigurationInUse,
    /// A leader gives a read index (answers a read by a ReadIndex round, or
    /// gives a follower the index for its client's read) only for a read
    /// that reached it before any later term had a leader (thesis §6.4,
    /// step 3): a newer leader may have committed a write the read must
    /// see. Checked against the term of the latest leader when the read
    /// arrived, as the simulator reports arrivals.
    ReadIndexNotSuperseded,
}

impl Invariant {
    /// Every invariant, in declaration order.
    pub const ALL: [Invariant; 16] = [
        Invariant::ElectionSafety,
        Invariant::LeaderAppendOnly,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::TermAndVoteMonotonic,
        Invariant::CommittedEntriesStable,
        Invariant::IndexOrder,
        Invariant::LogChangesReported,
        Invariant::OneVotePerTerm,
        Invariant::AcknowledgedEntriesHeld,
        Invariant::AppendEntriesMatchLeaderLog,
        Invariant::PreVoteKeepsTerm,
        Invariant::LeaseExclusive,
        Invariant::ConfigurationInUse,
        Invariant::ReadIndexNotSuperseded,
    ];

    /// The name the trace, the run report and the summary use (snake_case).
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "election_safety",
            Invariant::LeaderAppendOnly => "leader_append_only",
            Invariant::LogMatching => "log_matching",
            Invariant::LeaderCompleteness => "leader_completeness",
            Invariant::StateMachineSafety => "state_machine_safety",
            Invariant::TermAndVoteMonotonic => "term_and_vote_monotonic",
            Invariant::CommittedEntriesStable => "committed_entries_stable",
            Invariant::IndexOrder => "index_order",
            Invariant::LogChangesReported => "log_changes_reported",
            Invariant::OneVotePerTerm => "one_vote_per_term",
            Invariant::AcknowledgedEntriesHeld => "acknowledged_entries_held",
            Invariant::AppendEntriesMatchLeaderLog => "append_entries_match_leader_log",
            Invariant::PreVoteKeepsTerm => "pre_vote_keeps_term",
            Invariant::LeaseExclusive => "lease_exclusive",
            Invariant::ConfigurationInUse => "configuration_in_use",
            Invariant::ReadIndexNotSuperseded => "read_index_not_superseded",
        }
    }

    /// The rule in one sentence, with where it is stated: the page's safety
    /// panel shows it beside the name.
    pub fn rule(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "At most one leader per term (§5.2, Figure 3).",
            Invariant::LeaderAppendOnly => {
                "A leader never overwrites or deletes entries in its log (Figure 3)."
            }
            Invariant::LogMatching => {
                "Two logs with an entry of the same index and term agree up to it (§5.3, Figure 3)."
            }
            Invariant::LeaderCompleteness => {
                "A committed entry is in the log of every later leader (§5.4, Figure 3)."
            }
            Invariant::StateMachineSafety => {
                "No two servers apply different entries at one index (§5.4.3, Figure 3)."
            }
            Invariant::TermAndVoteMonotonic => {
                "currentTerm and votedFor never go back, across restarts too (Figure 2)."
            }
            Invariant::CommittedEntriesStable => {
                "A committed index never changes: never deleted, never another entry (§5.4)."
            }
            Invariant::IndexOrder => {
                "lastApplied <= commitIndex <= the last log index, and entries apply in order (Figure 2)."
            }
            Invariant::LogChangesReported => {
                "Every change to a log is reported as it happens, so the checker need not take a server's word."
            }
            Invariant::OneVotePerTerm => "A server votes for at most one candidate per term (§5.2).",
            Invariant::AcknowledgedEntriesHeld => {
                "A follower that acknowledges entries holds them, as its leader has them (Figure 2, §5.3)."
            }
            Invariant::AppendEntriesMatchLeaderLog => {
                "Only the term's leader sends AppendEntries, carrying what its own log holds (§5.3)."
            }
            Invariant::PreVoteKeepsTerm => "Asking for pre-votes changes no term (thesis §9.6).",
            Invariant::LeaseExclusive => {
                "While a server holds a read lease, no server is elected in a later term (thesis §6.4.1)."
            }
            Invariant::ConfigurationInUse => {
                "A server uses the latest configuration in its log, committed or not (thesis §4.1)."
            }
            Invariant::ReadIndexNotSuperseded => {
                "A read index is given only for a read that came before any later leader (thesis §6.4)."
            }
        }
    }
}

/// One broken invariant: which, when, who, and what exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which invariant broke.
    pub invariant: Invariant,
    /// When it was seen broken (simulated microseconds).
    pub t: Time,
    /// The servers involved: the one observed, and the one it disagrees with
    /// where there is one.
    pub nodes: Vec<NodeId>,
    /// What exactly, in words, for people.
    pub detail: String,
    /// The term the violation is about, where the checker knows one: the
    /// term with two leaders, the term of a double vote, the term of the
    /// leader lacking a committed entry, the lease's term.
    pub term: Option<Term>,
    /// The log index it is about, where there is one: the committed entry
    /// lost, missing or applied differently.
    pub index: Option<LogIndex>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} violated at t={}us, nodes {:?}: {}",
            self.invariant.name(),
            self.t,
            self.nodes,
            self.detail
        )
    }
}

/// How many of `violations` each invariant has, in the order of
/// [`Invariant::ALL`]: what the page's safety panel and the CLI's summary
/// both show.
pub fn tally(violations: &[Violation]) -> Vec<(Invariant, usize)> {
    Invariant::ALL
        .iter()
        .map(|&inv| {
            (
                inv,
                violations.iter().filter(|v| v.invariant == inv).count(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The safety panel's sentence for each invariant cites where the rule
    /// is stated; only the checker's own rule (log changes reported) has
    /// no section.
    #[test]
    fn every_rule_says_where_it_is_stated() {
        for inv in Invariant::ALL {
            let cited = inv.rule().contains('§') || inv.rule().contains("Figure");
            assert_eq!(cited, inv != Invariant::LogChangesReported, "{inv:?}");
            assert!(
                inv.rule().ends_with('.') && inv.rule().len() < 110,
                "{inv:?}"
            );
        }
    }

    #[test]
    fn the_tally_counts_each_invariant_in_order() {
        let v = |invariant| Violation {
            invariant,
            t: 0,
            nodes: vec![1],
            detail: String::new(),
            term: None,
            index: None,
        };
        let found = [
            v(Invariant::ALL[2]),
            v(Invariant::ALL[0]),
            v(Invariant::ALL[2]),
        ];
        let tally = tally(&found);
        assert_eq!(tally.len(), Invariant::ALL.len());
        assert_eq!(tally[0], (Invariant::ALL[0], 1));
        assert_eq!(tally[1], (Invariant::ALL[1], 0));
        assert_eq!(tally[2], (Invariant::ALL[2], 2));
    }

    #[test]
    fn names_are_distinct_and_in_snake_case() {
        let names: std::collections::BTreeSet<&str> =
            Invariant::ALL.iter().map(|i| i.name()).collect();
        assert_eq!(names.len(), Invariant::ALL.len());
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }
}
