//! Tour "removing-the-leader" (thesis §4.2.2): seed 6 elects n5 for term 1
//! among five; x=1 commits at index 2; at 500 ms n5 appends the
//! configuration n1-n4 (index 3), commits it with three of those four at
//! about 540 ms and steps down; n3 wins term 2 at about 700 ms, and its
//! no-op (index 4) tells the others the change is committed.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n5 will lead term 1. At 500 ms n5 is asked to remove itself from \
               the cluster, as when an operator retires the leader's machine (thesis §4.2.2).",
    },
    Step {
        at_ms: 450,
        text: "n5 leads term 1, and the write x=1 is committed at index 2 on all five.",
    },
    Step {
        at_ms: 530,
        text: "At 500 ms n5 appended the configuration n1 to n4 at index 3 and uses it at once: \
               it leads a cluster it is no longer part of, counting only the copies of n1 to n4 \
               (thesis §4.2.2).",
    },
    Step {
        at_ms: 600,
        text: "Three of n1 to n4 acknowledged index 3, so n5 committed it and stepped down; out \
               of the configuration, it will not stand again. Its former followers do not know \
               yet that the change is committed.",
    },
    Step {
        at_ms: 800,
        text: "With no heartbeats, the four held an election, and n3 won term 2. Once its no-op \
               at index 4 commits, all four know everything before it is committed, the change \
               included.",
    },
    Step {
        at_ms: 1200,
        text: "n5 still runs but stays in term 1: nobody sends it anything, and knowing its \
               removal is committed, it never stands for election.",
    },
];
