//! Tour "leadership-transfer" (thesis §3.10): seed 6 elects n5 for term 1;
//! n3 misses x=1 while the link from n5 is cut (340-400 ms); n5 starts a
//! transfer to n3 at 410 ms, refuses y=2 at 415 ms, catches n3 up and sends
//! TimeoutNow at 462 ms; n3 leads term 2 from 503 ms and commits y=2.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n5 will lead term 1. Then n5 hands leadership over to n3, as an \
               operator does before taking a server down for maintenance (thesis §3.10).",
    },
    Step {
        at_ms: 300,
        text: "n5 leads term 1, and its no-op is committed at index 1 on all five servers.",
    },
    Step {
        at_ms: 405,
        text: "The link from n5 to n3 was cut from 340 to 400 ms, so n3 missed the write x=1. \
               The other four hold it at index 2, a majority, so n5 committed it (its answer is \
               on its way to the client); n3's log still ends at index 1.",
    },
    Step {
        at_ms: 450,
        text: "At 410 ms n5 began the transfer. It takes no new requests, so the write y=2 it got \
               at 415 ms was answered \"not leader, try n3\", and it is catching n3 up first.",
    },
    Step {
        at_ms: 470,
        text: "n3 now holds x=1 too, so n5 sent it TimeoutNow: n3 will stand for election at \
               once, without waiting for its timer.",
    },
    Step {
        at_ms: 520,
        text: "n3 won term 2 with its up-to-date log, and n5 follows it. The cluster was without \
               a leader for less than 20 ms.",
    },
    Step {
        at_ms: 600,
        text: "The client, sent on to n3, got y=2 committed at index 4, after n3's no-op at \
               index 3: the transfer lost no write.",
    },
];
