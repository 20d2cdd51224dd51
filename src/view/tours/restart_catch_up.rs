//! Tour "restart-catch-up" (§5.3): seed 4 elects n1 for term 1; n4 stops at
//! 500 ms and misses three writes; it restarts at 1000 ms, refuses n1's first
//! AppendEntries with a hint, and n1 sends it entries 3 to 5 at once.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n1 will win the first election, in term 1. We will stop a \
               follower and watch the leader bring it back up to date.",
    },
    Step {
        at_ms: 490,
        text: "n1 leads term 1, and the client's write x=1 is committed on all five servers at \
               index 2.",
    },
    Step {
        at_ms: 510,
        text: "n4 was stopped at 500 ms (grey). It keeps its log on disk, but it misses every \
               message sent to it.",
    },
    Step {
        at_ms: 950,
        text: "Meanwhile n1 committed three more writes (x=2, y=3, x=4 at indexes 3 to 5), \
               stored on n1, n2, n3 and n5: four of five servers, a majority. For n4, n1's matchIndex is still 2.",
    },
    Step {
        at_ms: 1005,
        text: "n4 restarted at 1000 ms: a follower again, with the term, vote and 2 entries it \
               had saved on disk. Its commit index starts at 0, since that is not saved \
               (Figure 2).",
    },
    Step {
        at_ms: 1030,
        text: "n1 had moved its nextIndex for n4 to 6 as it sent entries (pipelining; in \
               Figure 2 nextIndex rises only on success), so its heartbeat asked n4 to check \
               index 5 (prevLogIndex 5). n4 has no entry there, so it refused, with a hint \
               that its log ends at index 2 (§5.3).",
    },
    Step {
        at_ms: 1045,
        text: "With the hint, n1 went straight back to index 3 and sent entries 3 to 5 in one \
               AppendEntries (prevLogIndex 2), instead of backing off one index per try.",
    },
    Step {
        at_ms: 1075,
        text: "n4 appended entries 3 to 5, learned the commit index and applied all five \
               entries. Its log is identical to the others (§5.3), and n1's matchIndex for n4 \
               is 5.",
    },
];
