//! Tour "leader-election" (§5.2): seed 5, no actions. n3 has the shortest
//! first election timeout (117.6 ms), asks for votes, gets all four and leads
//! term 1 from 143 ms on.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers start as followers in term 0, with no leader. Each waits a random \
               election timeout, here 100 to 200 ms, for a message from a leader (§5.2).",
    },
    Step {
        at_ms: 120,
        text: "n3's timeout was the shortest (about 118 ms) and no leader spoke, so n3 became \
               a candidate: it moved to term 1, voted for itself and sent RequestVote to the \
               four others.",
    },
    Step {
        at_ms: 136,
        text: "n1, n2, n4 and n5 each granted their vote: none had voted in term 1 yet (a \
               server votes at most once per term, first come, first served, §5.2), and n3's \
               log, empty like theirs, is at least as up to date (§5.4.1). The replies are on \
               their way to n3.",
    },
    Step {
        at_ms: 145,
        text: "The votes of n2 and n5 arrived; with its own that is 3 of 5, a majority, so n3 \
               is leader of term 1. It sends AppendEntries to everyone at once, carrying a \
               no-op entry (§8).",
    },
    Step {
        at_ms: 400,
        text: "Every 50 ms n3 sends a heartbeat, an AppendEntries with no new entries. Each \
               one resets the followers' election timers, so nobody starts another election \
               (§5.2).",
    },
    Step {
        at_ms: 1000,
        text: "One second in, n3 is still the only leader and every server is in term 1. Terms \
               number the elections, with at most one leader per term (§5.1); if n3 stopped, a \
               new election would start term 2.",
    },
];
