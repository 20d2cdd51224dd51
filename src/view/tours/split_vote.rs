//! Tour "split-vote" (§5.2): seed 1 elects n2 for term 1; at 400 ms n2 stops
//! and the other four timers are aligned to 500 ms, so all four run for term
//! 2 and split the votes; n3 times out first afterwards and wins term 3.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n2 will win the first election, in term 1. Then we make several \
               election timers run out at the same moment.",
    },
    Step {
        at_ms: 300,
        text: "n2 leads term 1. Its heartbeats, every 50 ms, keep resetting the other servers' \
               election timers.",
    },
    Step {
        at_ms: 405,
        text: "At 400 ms n2 was stopped and the timers of n1, n3, n4 and n5 were aligned (key \
               A): all four will run out at exactly 500 ms.",
    },
    Step {
        at_ms: 505,
        text: "All four timed out together: each is a candidate for term 2, has voted for \
               itself and sent RequestVote to the others.",
    },
    Step {
        at_ms: 545,
        text: "Every request that arrived was refused (those to the stopped n2 were lost): \
               each candidate had already voted for itself in term 2, and a server votes once \
               per term. Each has 1 vote of the 3 needed, a split \
               vote: nobody wins term 2 (§5.2).",
    },
    Step {
        at_ms: 630,
        text: "Each candidate drew a new random timeout. n3's ran out first, at 625 ms, so n3 \
               starts term 3 while the others are still waiting.",
    },
    Step {
        at_ms: 660,
        text: "n1, n4 and n5 voted for n3, which leads term 3. With timeouts spread over 100 \
               to 200 ms, another tie is unlikely (§5.2).",
    },
    Step {
        at_ms: 900,
        text: "n2 restarted at 800 ms; n3's heartbeats told it about term 3 and it follows n3. \
               All five servers agree: term 3, leader n3.",
    },
];
