//! Tour "single-server-change-bug" (thesis §4.1 and the rule added to it
//! after the dissertation; raft-dev, 2015): the script of
//! `tests/membership.rs`, `single_server_change_bug`, in the playground's
//! timing. Four servers; S1 leads term 1, is cut off alone at 200 ms and
//! removes S4 (index 2, on S1 only); S2 wins term 2 with S3 and S4 at
//! 240 ms, the link S2->S3 having been cut at 235 ms. The first run has the
//! unsafe switch `config-change-without-noop` on: S2 removes S1 at 241 ms
//! and commits that with S4 alone (index 3, at 261 ms). At 300 ms S1 and S3
//! are put together, and S1 wins term 7 at about 809 ms with S3's vote: the
//! checker reports Leader Completeness, then committed-entry stability and
//! State Machine Safety once S1 commits index 3. The sequel replays the
//! same actions with the rule on: S2's removal is refused, and nothing is
//! lost.

use super::Step;

/// The first step told over the run with the rule on (the sequel).
pub(super) const WITH_THE_RULE: usize = 6;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Four servers, with one rule switched off on purpose: a new leader may change \
               the membership before an entry of its own term commits (a rule added on \
               raft-dev in 2015, after thesis §4.1). Partitions and a cut link will let two \
               leaders each remove one server.",
    },
    Step {
        at_ms: 215,
        text: "S1 leads term 1 and was cut off alone at 200 ms. At 210 ms it removed S4: the \
               configuration S1 to S3, at index 2, is in S1's log only, and S1 already uses it.",
    },
    Step {
        at_ms: 241,
        text: "We made S2 time out at 220 ms, and S3 and S4 voted for it. The link from S2 to \
               S3 was cut one way at 235 ms; the votes, travelling the other way, still arrived \
               and S2 won term 2. Without \
               the rule, S2 removed S1 at once: the configuration S2 to S4 at index 3, before \
               its no-op of term 2 was committed.",
    },
    Step {
        at_ms: 270,
        text: "S2 and S4 are two of S2 to S4, a majority of the configuration S2 uses: S2 \
               committed indexes 2 and 3 without S1 or S3. S1 still leads term 1 over S1 to S3. \
               The picture draws the configuration of the newest leader, S2: it greys S1 out \
               as removed, though S1 still counts itself.",
    },
    Step {
        at_ms: 810,
        text: "At 300 ms S1 and S3 were put together. S3's log is shorter than S1's, so S3 \
               cannot win, and after several elections that nobody won, S1 won term 7 with S3's vote: two of \
               S1 to S3, a majority of its configuration, sharing no server with S2 and S4.",
    },
    Step {
        at_ms: 900,
        text: "The safety panel shows it: Leader Completeness is violated, since S1 leads without \
               index 3, committed in term 2. S1 has since committed its own entries over it, and \
               State Machine Safety and committed-entry stability break too.",
    },
    Step {
        at_ms: 0,
        text: "The same actions again, with the rule on, as every server here normally keeps \
               it: a leader changes the membership only once an entry of its own term is \
               committed.",
    },
    Step {
        at_ms: 245,
        text: "S2 won term 2 as before, but its removal of S1 at 241 ms was refused: its no-op \
               is not committed, and cannot be, since S2 uses S1 to S4, where a majority is \
               three, and S3 no longer hears from it.",
    },
    Step {
        at_ms: 900,
        text: "S1 won term 7 with S3's vote as before and committed index 3, but nothing of \
               term 2 was ever committed, so nothing is lost: every invariant holds.",
    },
];
