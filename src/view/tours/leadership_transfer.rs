//! Tour "leadership-transfer" (thesis §3.10): seed 6 elects S5 for term 1;
//! S3 misses x=1 while the link from S5 is cut (340-400 ms); S5 starts a
//! transfer to S3 at 410 ms, refuses y=2 at 415 ms, catches S3 up and sends
//! TimeoutNow at 462 ms; S3 leads term 2 from 503 ms and commits y=2.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; S5 will lead term 1. Then S5 hands leadership over to S3, as an \
               operator does before taking a server down for maintenance (thesis §3.10).",
    },
    Step {
        at_ms: 300,
        text: "S5 leads term 1, and its no-op is committed at index 1 on all five servers.",
    },
    Step {
        at_ms: 405,
        text: "The link from S5 to S3 was cut from 340 to 400 ms, so S3 missed the write x=1. \
               The other four hold it at index 2, a majority, so S5 committed it; S3's log still \
               ends at index 1.",
    },
    Step {
        at_ms: 450,
        text: "At 410 ms S5 began the transfer. It takes no new requests, so the write y=2 it got \
               at 415 ms was answered \"not leader, try S3\", and it is catching S3 up first.",
    },
    Step {
        at_ms: 470,
        text: "S3 now holds x=1 too, so S5 sent it TimeoutNow: S3 will stand for election at \
               once, without waiting for its timer.",
    },
    Step {
        at_ms: 520,
        text: "S3 won term 2 with its up-to-date log, and S5 follows it. The cluster was without \
               a leader for less than 20 ms.",
    },
    Step {
        at_ms: 600,
        text: "The client, sent on to S3, got y=2 committed at index 4, after S3's no-op at \
               index 3: the transfer lost no write.",
    },
];
