//! Deliberately unsafe switches: each one breaks one rule of the Raft paper.
//!
//! They exist to prove that the simulator's invariant checker and
//! linearizability checker can fail (a checker that never fails proves
//! nothing), and later to power a teaching mode. All are off by default.

/// One unsafe behaviour, named for what it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnsafeSwitch {
    /// Commit entries of earlier terms by counting replicas (breaks §5.4.2,
    /// the Figure 8 situation). A new leader also skips its no-op, which would
    /// otherwise travel with the old entries and hide the mistake.
    CommitOldTerms,
    /// Grant votes without the "at least as up to date" log check (breaks §5.4.1).
    VoteWithoutLogCheck,
    /// Forget `votedFor` when restarting (breaks Figure 2's persistent state).
    ForgetVoteOnRestart,
    /// Truncate the log after `prevLogIndex` on every AppendEntries, even a
    /// stale or duplicated one (breaks Figure 2, AppendEntries rule 3).
    TruncateOnAnyAppend,
    /// Answer reads from the local state machine at once, on any node,
    /// without going through the log (breaks linearizability, §8).
    LocalReads,
    /// Send votes and AppendEntries acknowledgements before the vote or the
    /// entries are durable (breaks Figure 2: persistent state is "updated on
    /// stable storage before responding to RPCs"). Shows only with a disk
    /// that can lose unsynced writes (`raft-sim --disk-faults`).
    ReplyBeforePersist,
    /// A pre-candidate raises its term before it asks, as a candidate does
    /// (breaks thesis §9.6: a server cut off from the cluster raises its
    /// term anyway and deposes the leader when it comes back). Shows only
    /// with PreVote on.
    PreVoteRaisesTerm,
    /// A new leader answers ReadIndex reads before an entry of its own term
    /// is committed (breaks thesis §6.4, step 1: its commit index may lag
    /// what the previous leader committed and acknowledged). Shows only
    /// with `--reads read-index` (or `lease`).
    ReadIndexWithoutNoop,
    /// The lease does not give up the clock drift bound (breaks thesis
    /// §6.4.1): a follower whose clock runs fast may elect a new leader
    /// while the old one still answers from its lease. Shows only with
    /// `--reads lease`, CheckQuorum and clocks that drift.
    LeaseIgnoresDrift,
    /// A new leader changes the membership before an entry of its own term
    /// is committed (breaks the rule added to thesis §4.1 after the
    /// dissertation: without it, single-server changes from two leaders
    /// can form disjoint majorities, and a committed entry can be lost).
    ConfigChangeWithoutNoop,
    /// A leader starts a second single-server change before the first one
    /// is committed (breaks thesis §4.1: two changes at once may differ by
    /// two servers, and the old and new majorities need not overlap).
    TwoChangesAtOnce,
    /// A server snapshots its whole log, uncommitted entries included, and
    /// treats them as committed (breaks thesis §5.1: "each server takes
    /// snapshots independently, covering just the committed entries").
    SnapshotUncommitted,
    /// A leader that sent TimeoutNow earns read leases again once it gives
    /// the transfer up (breaks thesis §3.10 with §6.4.1: the target's
    /// election ignores leader stickiness, so a late TimeoutNow may still
    /// elect it inside the lease; etcd-io/etcd#12704). Shows only with
    /// `--reads lease`, CheckQuorum and leadership transfers.
    LeaseAfterTimeoutNow,
    /// A leader counts its own new entries toward a majority as soon as it
    /// appends them, before they are durable on its own disk (breaks thesis
    /// §10.2.1: the leader may write in parallel with its followers, but
    /// counts itself only once its write is durable). A leader that
    /// crashes then loses an entry it committed. Shows only with a disk
    /// whose writes take varying time (`raft-sim --disk-faults`).
    CountSelfBeforePersist,
    /// A leader answers a ReadIndex read on the latest heartbeat round it
    /// sent, even one sent before the read arrived (breaks thesis §6.4,
    /// step 3: only a round sent after the read arrives proves no newer
    /// leader existed then). A leader already replaced answers from data
    /// the new one may have overwritten. Shows only with `--reads
    /// read-index` (or `lease`).
    ReadIndexReusesRound,
}

impl UnsafeSwitch {
    /// Every switch, in declaration order.
    pub const ALL: [UnsafeSwitch; 15] = [
        UnsafeSwitch::CommitOldTerms,
        UnsafeSwitch::VoteWithoutLogCheck,
        UnsafeSwitch::ForgetVoteOnRestart,
        UnsafeSwitch::TruncateOnAnyAppend,
        UnsafeSwitch::LocalReads,
        UnsafeSwitch::ReplyBeforePersist,
        UnsafeSwitch::PreVoteRaisesTerm,
        UnsafeSwitch::ReadIndexWithoutNoop,
        UnsafeSwitch::LeaseIgnoresDrift,
        UnsafeSwitch::ConfigChangeWithoutNoop,
        UnsafeSwitch::TwoChangesAtOnce,
        UnsafeSwitch::SnapshotUncommitted,
        UnsafeSwitch::LeaseAfterTimeoutNow,
        UnsafeSwitch::CountSelfBeforePersist,
        UnsafeSwitch::ReadIndexReusesRound,
    ];

    /// The name used on the command line and in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            UnsafeSwitch::CommitOldTerms => "commit-old-terms",
            UnsafeSwitch::VoteWithoutLogCheck => "vote-without-log-check",
            UnsafeSwitch::ForgetVoteOnRestart => "forget-vote-on-restart",
            UnsafeSwitch::TruncateOnAnyAppend => "truncate-on-any-append",
            UnsafeSwitch::LocalReads => "local-reads",
            UnsafeSwitch::ReplyBeforePersist => "reply-before-persist",
            UnsafeSwitch::PreVoteRaisesTerm => "prevote-raises-term",
            UnsafeSwitch::ReadIndexWithoutNoop => "read-index-without-noop",
            UnsafeSwitch::LeaseIgnoresDrift => "lease-ignores-drift",
            UnsafeSwitch::ConfigChangeWithoutNoop => "config-change-without-noop",
            UnsafeSwitch::TwoChangesAtOnce => "two-changes-at-once",
            UnsafeSwitch::SnapshotUncommitted => "snapshot-uncommitted",
            UnsafeSwitch::LeaseAfterTimeoutNow => "lease-after-timeout-now",
            UnsafeSwitch::CountSelfBeforePersist => "count-self-before-persist",
            UnsafeSwitch::ReadIndexReusesRound => "read-index-reuses-round",
        }
    }

    /// One line on what the switch breaks, for `--help` and the UI.
    pub fn description(self) -> &'static str {
        match self {
            UnsafeSwitch::CommitOldTerms => {
                "leader commits earlier-term entries by counting replicas, no election no-op (breaks 5.4.2, Figure 8)"
            }
            UnsafeSwitch::VoteWithoutLogCheck => {
                "votes are granted without the up-to-date log check (breaks 5.4.1)"
            }
            UnsafeSwitch::ForgetVoteOnRestart => {
                "votedFor is not persisted: a restarted node may vote twice in one term (breaks 5.2)"
            }
            UnsafeSwitch::TruncateOnAnyAppend => {
                "followers truncate after prevLogIndex on every AppendEntries, even stale ones (breaks Figure 2)"
            }
            UnsafeSwitch::LocalReads => {
                "any node answers reads from its own state machine without the log (breaks linearizability)"
            }
            UnsafeSwitch::ReplyBeforePersist => {
                "votes and append acknowledgements leave before they are durable (breaks Figure 2; needs --disk-faults)"
            }
            UnsafeSwitch::PreVoteRaisesTerm => {
                "a pre-candidate raises its term before asking, so a node cut off still deposes the leader on return (breaks thesis 9.6; needs --pre-vote)"
            }
            UnsafeSwitch::ReadIndexWithoutNoop => {
                "a new leader answers ReadIndex reads before its no-op commits, from a commit index that may lag (breaks thesis 6.4; needs --reads read-index)"
            }
            UnsafeSwitch::LeaseIgnoresDrift => {
                "the read lease is not shortened by the clock drift bound, so a fast follower clock elects a new leader inside it (breaks thesis 6.4.1; needs --reads lease --check-quorum --clock-drift)"
            }
            UnsafeSwitch::ConfigChangeWithoutNoop => {
                "a new leader changes the membership before its own term's no-op commits, so two leaders' changes can form disjoint majorities (breaks thesis 4.1 with Ongaro's 2015 fix; needs --membership)"
            }
            UnsafeSwitch::TwoChangesAtOnce => {
                "a second single-server change starts before the first commits, so old and new majorities need not overlap (breaks thesis 4.1; needs --membership)"
            }
            UnsafeSwitch::SnapshotUncommitted => {
                "a snapshot takes in the whole log, uncommitted entries too, and calls them committed (breaks thesis 5.1; needs --snapshots)"
            }
            UnsafeSwitch::LeaseAfterTimeoutNow => {
                "a leader that sent TimeoutNow earns read leases again after giving the transfer up, though the target's election ignores stickiness (breaks thesis 3.10, 4.2.3 and 6.4.1, etcd #12704; needs --reads lease --check-quorum --transfers)"
            }
            UnsafeSwitch::CountSelfBeforePersist => {
                "a leader counts its own new entries toward a majority before they are durable on its disk, so a crash can lose an entry it committed (breaks thesis 10.2.1; needs --disk-faults)"
            }
            UnsafeSwitch::ReadIndexReusesRound => {
                "a leader answers a ReadIndex read on a heartbeat round sent before the read arrived, so a leader already replaced still answers (breaks thesis 6.4; needs --reads read-index)"
            }
        }
    }

    /// The description without what it breaks and what the command line
    /// needs for it: the page's What-if list, which names the source
    /// itself ([`UnsafeSwitch::rule_source`]) and turns on what the switch
    /// needs by itself.
    pub fn rule(self) -> &'static str {
        let description = self.description();
        description
            .split_once(" (breaks ")
            .map_or(description, |(rule, _)| rule)
    }

    /// The rule and where it is stated, as the page says them everywhere
    /// (the What if list, the unsafe line's tooltip, the lease verdict):
    /// "... (thesis §6.4.1)", without the CLI's flags.
    pub fn rule_and_source(self) -> String {
        format!("{} ({})", self.rule(), self.rule_source())
    }

    /// Where the rule it breaks is stated: the paper's section or figure,
    /// or the thesis's section.
    pub fn rule_source(self) -> &'static str {
        match self {
            UnsafeSwitch::CommitOldTerms => "paper §5.4.2, Figure 8",
            UnsafeSwitch::VoteWithoutLogCheck => "paper §5.4.1",
            UnsafeSwitch::ForgetVoteOnRestart => "paper §5.2, Figure 2",
            UnsafeSwitch::TruncateOnAnyAppend => "paper Figure 2, AppendEntries rule 3",
            UnsafeSwitch::LocalReads => "paper §8",
            UnsafeSwitch::ReplyBeforePersist => "paper Figure 2, persistent state",
            UnsafeSwitch::PreVoteRaisesTerm => "thesis §9.6",
            UnsafeSwitch::ReadIndexWithoutNoop => "thesis §6.4",
            UnsafeSwitch::LeaseIgnoresDrift => "thesis §6.4.1",
            UnsafeSwitch::ConfigChangeWithoutNoop => "thesis §4.1; Ongaro's 2015 fix on raft-dev",
            UnsafeSwitch::TwoChangesAtOnce => "thesis §4.1",
            UnsafeSwitch::SnapshotUncommitted => "thesis §5.1",
            UnsafeSwitch::LeaseAfterTimeoutNow => "thesis §3.10, §4.2.3, §6.4.1; etcd #12704",
            UnsafeSwitch::CountSelfBeforePersist => "thesis §10.2.1",
            UnsafeSwitch::ReadIndexReusesRound => "thesis §6.4, step 3",
        }
    }

    /// The switch with this [`UnsafeSwitch::name`], if there is one.
    pub fn from_name(name: &str) -> Option<UnsafeSwitch> {
        UnsafeSwitch::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The set of unsafe switches turned on; empty by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UnsafeSwitches {
    bits: u16,
}

impl UnsafeSwitches {
    /// No switch on: the correct Raft of the paper.
    pub fn none() -> Self {
        Self::default()
    }

    /// This set with `switch` turned on as well.
    pub fn with(mut self, switch: UnsafeSwitch) -> Self {
        self.bits |= 1 << switch as u16;
        self
    }

    /// Is `switch` turned on?
    pub fn is_on(self, switch: UnsafeSwitch) -> bool {
        self.bits & (1 << switch as u16) != 0
    }

    /// True if no switch is on.
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The switches turned on, in the order of [`UnsafeSwitch::ALL`].
    pub fn enabled(self) -> impl Iterator<Item = UnsafeSwitch> {
        UnsafeSwitch::ALL
            .into_iter()
            .filter(move |s| self.is_on(*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's list says the rule once, without the command line's
    /// flags (it used to read "(breaks 5.4.2, Figure 8) (paper §5.4.2,
    /// Figure 8)" and "needs --disk-faults").
    #[test]
    fn the_rule_is_the_description_without_its_sources_and_flags() {
        for u in UnsafeSwitch::ALL {
            let rule = u.rule();
            assert!(
                u.description().starts_with(rule) && rule.len() > 20,
                "{rule}"
            );
            assert!(!rule.contains("breaks") && !rule.contains("--"), "{rule}");
        }
        assert_eq!(
            UnsafeSwitch::ReplyBeforePersist.rule(),
            "votes and append acknowledgements leave before they are durable"
        );
    }

    /// Found by cargo-mutants: nothing pinned the set's queries, nor that
    /// each switch has its own description (`--help` prints them).
    #[test]
    fn a_set_reports_exactly_the_switches_turned_on() {
        assert!(UnsafeSwitches::none().is_empty());
        assert_eq!(UnsafeSwitches::none().enabled().count(), 0);
        let on = UnsafeSwitches::none()
            .with(UnsafeSwitch::LocalReads)
            .with(UnsafeSwitch::LeaseIgnoresDrift);
        assert!(!on.is_empty());
        assert_eq!(
            on.enabled().collect::<Vec<_>>(),
            [UnsafeSwitch::LocalReads, UnsafeSwitch::LeaseIgnoresDrift]
        );
        for s in UnsafeSwitch::ALL {
            let alone = UnsafeSwitches::none().with(s);
            assert!(alone.is_on(s) && alone.enabled().eq([s]), "{}", s.name());
        }
    }

    #[test]
    fn every_switch_says_what_it_breaks_in_its_own_words() {
        let mut seen = Vec::new();
        for s in UnsafeSwitch::ALL {
            let text = s.description();
            assert!(text.contains("breaks"), "{}: {text}", s.name());
            assert!(!seen.contains(&text), "{} repeats a description", s.name());
            seen.push(text);
        }
    }
}
