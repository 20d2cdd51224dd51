//! Tour "snapshot-catch-up" (paper §7, Figure 13; thesis chapter 5): every
//! server snapshots once 6 more entries are applied. Seed 4 elects n1 for
//! term 1; n4 stops at 500 ms while five writes take the log to index 7,
//! and every running server compacts through index 6. n4 restarts at
//! 1000 ms with entries 1 and 2: the next entry it needs is in no log any
//! more, so n1 sends the snapshot, 10 records in 3 chunks of up to 4, one
//! at a time, and n4 installs it and goes on from index 7.
//!
//! n4 restarts rather than resumes: a paused server's election timer has
//! run out when it resumes, so it would stand for election at once and
//! depose n1 first, another story.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers, each set to snapshot its state once 6 more entries are applied \
               (Snapshots: every 6 entries). n1 will win the first election; we will stop n4 \
               and let the others move on without it.",
    },
    Step {
        at_ms: 510,
        text: "n1 leads term 1, and x=1 is committed on all five servers at index 2. n4 was \
               stopped at 500 ms (grey): its log ends at index 2.",
    },
    Step {
        at_ms: 880,
        text: "Five more writes took the log to index 7. Having applied 6 entries, n1, n2, n3 \
               and n5 each snapshotted its key-value state and client sessions and dropped \
               entries 1 to 6: their rows start with one block, snapshot ≤ 6 · t1.",
    },
    Step {
        at_ms: 1005,
        text: "n4 restarted at 1000 ms with the 2 entries on its disk. The entries it lacks, 3 \
               to 6, are in no server's log any more, only in their snapshots.",
    },
    Step {
        at_ms: 1050,
        text: "n4 refused n1's heartbeat: its log ends at index 2. n1 no longer has entry 3 to \
               send, so it sends its snapshot instead: InstallSnapshot chunk 1 of 3, records 1 \
               to 4 of 10 (the orange parcel).",
    },
    Step {
        at_ms: 1090,
        text: "n4 stored chunk 1 and acknowledged it, and n1 sent chunk 2 of 3: one chunk at a \
               time, the next when the last is acknowledged; a heartbeat may resend the one in \
               flight (this simulator's pacing; Figure 13 asks only that chunks go in order). \
               n4's log has not changed yet.",
    },
    Step {
        at_ms: 1110,
        text: "Chunk 3 of 3 carries the last 2 records. Until the snapshot is whole, n4 keeps \
               its old log and state.",
    },
    Step {
        at_ms: 1125,
        text: "With the last chunk n4 installed the snapshot: its state machine is n1's as of \
               index 6, its log starts after index 6 and its commit index is 6. Its reply says \
               so; the copy of chunk 3 a heartbeat sent again is still on its way, and will \
               change nothing.",
    },
    Step {
        at_ms: 1170,
        text: "n1 went on from index 7 with AppendEntries: n4 appended e=6 and applied it, and \
               n1's matchIndex for n4 is 7. All five servers hold the same state.",
    },
];
