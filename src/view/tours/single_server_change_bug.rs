//! Tour "single-server-change-bug" (thesis §4.1 and the rule added to it
//! after the dissertation; raft-dev, 2015): the script of
//! `tests/membership.rs`, `single_server_change_bug`, in the playground's
//! timing. Four servers; n1 leads term 1, is cut off alone at 200 ms and
//! removes n4 (index 2, on n1 only); n2 wins term 2 with n3 and n4 at
//! 240 ms, the link n2->n3 having been cut at 235 ms. The first run has the
//! unsafe switch `config-change-without-noop` on: n2 removes n1 at 241 ms
//! and commits that with n4 alone (index 3, at 261 ms). At 300 ms n1 and n3
//! are put together, and n1 wins term 7 at about 809 ms with n3's vote: the
//! checker reports Leader Completeness, then committed-entry stability and
//! State Machine Safety once n1 commits index 3. The sequel replays the
//! same actions with the rule on: n2's removal is refused, and nothing is
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
        text: "n1 leads term 1 and was cut off alone at 200 ms. At 210 ms it removed n4: the \
               configuration n1 to n3, at index 2, is in n1's log only, and n1 already uses it.",
    },
    Step {
        at_ms: 241,
        text: "We made n2 time out at 220 ms, and n3 and n4 voted for it. The link from n2 to \
               n3 was cut one way at 235 ms; the votes, travelling the other way, still arrived \
               and n2 won term 2. Without \
               the rule, n2 removed n1 at once: the configuration n2 to n4 at index 3, before \
               its no-op of term 2 was committed.",
    },
    Step {
        at_ms: 270,
        text: "n2 and n4 are two of n2 to n4, a majority of the configuration n2 uses: n2 \
               committed indexes 2 and 3 without n1 or n3. n1 still leads term 1 over n1 to n3. \
               The picture draws the configuration of the newest leader, n2: it greys n1 out \
               as removed, though n1 still counts itself.",
    },
    Step {
        at_ms: 810,
        text: "At 300 ms n1 and n3 were put together. n3's log is shorter than n1's, so n3 \
               cannot win, and after several elections that nobody won, n1 won term 7 with n3's vote: two of \
               n1 to n3, a majority of its configuration, sharing no server with n2 and n4.",
    },
    Step {
        at_ms: 900,
        text: "The safety panel shows it: Leader Completeness is violated, since n1 leads without \
               index 3, committed in term 2. n1 has since committed its own entries over it, and \
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
        text: "n2 won term 2 as before, but its removal of n1 at 241 ms was refused: its no-op \
               is not committed, and cannot be, since n2 uses n1 to n4, where a majority is \
               three, and n3 no longer hears from it.",
    },
    Step {
        at_ms: 900,
        text: "n1 won term 7 with n3's vote as before and committed index 3, but nothing of \
               term 2 was ever committed, so nothing is lost: every invariant holds.",
    },
];
