//! Tour "log-replication" (§5.3): seed 2 elects n4 for term 1 at 138 ms; a
//! client writes x=1 at 400 ms, then y=2 and x=3 5 ms apart at 800 ms (x=3
//! reaches the leader first).

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n4 will win the first election, in term 1. Watch the logs under \
               the picture: an entry is dashed until that server knows it is committed, and \
               solid after.",
    },
    Step {
        at_ms: 390,
        text: "n4 leads term 1 and every log holds one entry, n4's no-op at index 1, \
               committed. A client is about to send the write x=1 to n4.",
    },
    Step {
        at_ms: 420,
        text: "n4 appended x=1 at index 2 of its log, in term 1, and sent it to every follower \
               in AppendEntries (§5.3). Only n4 has it so far: it is not committed.",
    },
    Step {
        at_ms: 445,
        text: "All four followers stored index 2 and replied. With a majority holding it, n4 \
               committed index 2, applied x=1 and sent the client its answer, still on its way; \
               the followers do not know yet that it is committed.",
    },
    Step {
        at_ms: 490,
        text: "n4's next heartbeat carried its commit index, 2, so every follower committed \
               and applied x=1 too. The client got its answer: ok.",
    },
    Step {
        at_ms: 822,
        text: "Two clients sent y=2 and then x=3 to n4, 5 ms apart, but x=3 arrived first: it \
               went to index 3 and y=2 to index 4. The leader's log decides the order for \
               everyone.",
    },
    Step {
        at_ms: 860,
        text: "Once a majority stored them, n4 committed indexes 3 and 4 and both clients got \
               ok. The followers still show commit index 2 until the next AppendEntries tells \
               them.",
    },
    Step {
        at_ms: 950,
        text: "All five logs are identical (no-op, x=1, x=3, y=2), committed and applied in \
               that order, so every server's store holds x=3 and y=2 (§5.3, State Machine \
               Safety §5.4.3).",
    },
];
