//! Tour "minority-leader" (§5.3, §5.4): seed 5 elects n3 for term 1; at
//! 500 ms the network splits into {n3, n4} and {n1, n2, n5}; n3 takes a write
//! it cannot commit; n2 leads term 2 on the majority side; at 1300 ms the
//! network heals and n3's entry is replaced.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n3 will win the first election, in term 1. Then the network \
               splits and leaves the leader on the small side.",
    },
    Step {
        at_ms: 400,
        text: "n3 leads term 1, and the client's write x=1 is committed on all five servers at \
               index 2.",
    },
    Step {
        at_ms: 505,
        text: "The network split at 500 ms: n3 and n4 on one side (2 servers, a minority), n1, \
               n2 and n5 on the other (3, a majority). n3 still believes it is the leader.",
    },
    Step {
        at_ms: 590,
        text: "A client sent x=lost to n3. n3 appended it at index 3 and n4 stored it too, but \
               2 of 5 is no majority: it stays uncommitted and the client gets no answer.",
    },
    Step {
        at_ms: 640,
        text: "Hearing no heartbeats, n2 timed out and won term 2 with the votes of n1 and n5 \
               (§5.2). There are two leaders now, but of different terms, and only n2 can \
               reach a majority.",
    },
    Step {
        at_ms: 1100,
        text: "A client's write x=2, sent to n2, is committed at index 4 on the majority side \
               and answered ok. Index 3 there holds n2's no-op of term 2, not x=lost.",
    },
    Step {
        at_ms: 1340,
        text: "The network healed at 1300 ms. n2's AppendEntries of term 2 reached n3, which \
               stepped down to follower (§5.1); n3 and n4 still hold the uncommitted x=lost at \
               index 3.",
    },
    Step {
        at_ms: 1420,
        text: "n2 replaced their conflicting entry with its own (§5.3): all five logs are \
               identical, with x=2 everywhere. The client of x=lost was told it failed: its \
               entry was never committed.",
    },
];
