//! Tour "leader-crash" (§5.2, §5.3): seed 6 elects n5 for term 1; n5 stops
//! at 500 ms, n3 times out first and leads term 2 from 655 ms; n5 restarts
//! at 1100 ms and catches up.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n5 will win the first election, in term 1. Then we crash the \
               leader and see how the others carry on.",
    },
    Step {
        at_ms: 400,
        text: "n5 leads term 1, and the client's write x=1 is committed on all five servers at \
               index 2 (index 1 is n5's no-op).",
    },
    Step {
        at_ms: 510,
        text: "n5 crashed at 500 ms (grey): it sends nothing, and whatever is sent to it is \
               lost. Without heartbeats, the followers' election timers run down.",
    },
    Step {
        at_ms: 630,
        text: "n3's timer ran out first: it is a candidate for term 2 and asks for votes. It \
               needs 3 of the 5 servers, so the 4 still running are enough.",
    },
    Step {
        at_ms: 660,
        text: "n1, n2 and n4 voted for n3, which now leads term 2 and has appended a no-op of \
               term 2 at index 3. The cluster was without a leader for about 150 ms.",
    },
    Step {
        at_ms: 1000,
        text: "A client's write y=2, sent to n3, is committed at index 4 on n1 to n4: four of \
               five servers are a majority. n5 is still down, with 2 entries.",
    },
    Step {
        at_ms: 1110,
        text: "n5 restarted at 1100 ms as a follower, with what it had saved on disk: term 1, \
               its vote and its 2 entries. Its commit index starts at 0, because that state is \
               volatile (Figure 2).",
    },
    Step {
        at_ms: 1200,
        text: "n3's AppendEntries carried term 2, so n5 adopted it and stays a follower \
               (§5.1). n3 sent it entries 3 and 4: all five logs are identical and committed \
               up to index 4.",
    },
];
