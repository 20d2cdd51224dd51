//! Tour "reads-without-the-log" (thesis §6.4, §6.4.1): seed 2 elects n3 for
//! term 1; a ReadIndex read at 600 ms and a follower read at n1 at 800 ms
//! write no log entry; reads go by lease from 1000 ms; n3's clock runs at
//! half speed from 1300 ms, n1's and n2's 50% fast from 1500 ms, when n3 is
//! cut off; n1 leads term 2 from 1529 ms, x=2 is acknowledged at 1585 ms,
//! and n3 answers a read at 1589 ms from its lease with the stale x=1. The
//! lease invariant fires at 1529 ms, the one violation of the tour.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Three servers with CheckQuorum on, reading by ReadIndex: a read writes no log \
               entry. n3 will lead term 1.",
    },
    Step {
        at_ms: 550,
        text: "n3 leads term 1. A write x=1 reached it at 400 ms and is committed at index 2 on \
               all three servers.",
    },
    Step {
        at_ms: 640,
        text: "A read reached n3 at 600 ms. n3 noted its commit index, 2, sent a ReadIndex round \
               (square messages, seen while it plays) and answered x=1 once a majority acknowledged it; its log \
               did not grow (thesis §6.4).",
    },
    Step {
        at_ms: 870,
        text: "A read sent to n1 at 800 ms: n1 asked n3 for a read index, got 2, and answered \
               x=1 itself once it had applied index 2.",
    },
    Step {
        at_ms: 1150,
        text: "Reads go by lease since 1000 ms: each heartbeat carries a round, and once a \
               majority acknowledges one, n3 answers alone until 100 ms (the minimum election \
               timeout) after it sent it. The read at 1100 ms was answered at once.",
    },
    Step {
        at_ms: 1540,
        text: "From 1300 ms n3's clock ran at half speed, and from 1500 ms n1's and n2's ran 50% \
               fast, far past the drift bound of 0 this cluster assumes. n3 was cut off at \
               1500 ms, and n1 leads term 2 since 1529 ms, while n3's lease still runs: the \
               safety panel flags lease exclusive, the lease's promise broken.",
    },
    Step {
        at_ms: 1620,
        text: "x=2 was written through n1 and acknowledged at 1585 ms. A read at n3 at 1589 ms \
               was answered from its lease, which its slow clock stretched to 200 ms: x=1, \
               older than an acknowledged write (thesis §6.4.1).",
    },
    Step {
        at_ms: 2100,
        text: "n3 stepped down at 1790 ms (CheckQuorum) and, healed at 2000 ms, learned term 2 \
               and x=2. A lease is only as safe as its clock drift bound; ReadIndex needs no \
               clock.",
    },
];
