//! Tour "growing-the-cluster" (thesis §4.1-4.2.1): seed 6 elects n2 for
//! term 1 among three servers; n4 joins at 400 ms as a learner (index 2),
//! catches up and is promoted at about 470 ms (index 3); x=1 commits at
//! index 4 on three of four; n2 stops at 900 ms and n4 wins term 2 with the
//! votes of n1 and n3.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Three servers; n2 will lead term 1. At 400 ms a fourth server, n4, joins the \
               running cluster, as an operator adds a replica (thesis §4.2).",
    },
    Step {
        at_ms: 300,
        text: "n2 leads term 1, and its no-op is committed at index 1 on all three.",
    },
    Step {
        at_ms: 410,
        text: "n2 appended a new configuration at index 2: voters n1 to n3, and n4 as a \
               learner. A server uses a configuration as soon as it is in its log, committed or \
               not (thesis §4.1). n4 starts with an empty log and neither votes nor stands for \
               election, so a majority is still two of three.",
    },
    Step {
        at_ms: 480,
        text: "n4's first round of replication took far less than an election timeout, so n2 \
               promoted it at once (thesis §4.2.1 waits a fixed number of rounds, such as ten; \
               this page promotes after the first quick one): the configuration at index 3 \
               makes n4 a voter. A majority is now three of four.",
    },
    Step {
        at_ms: 800,
        text: "A client wrote x=1 at 700 ms; n2 committed it at index 4 once three of the four \
               servers held it.",
    },
    Step {
        at_ms: 1100,
        text: "n2 stopped at 900 ms. n1, n3 and n4 are three of four, just a majority: n4, the \
               newcomer, won term 2 with the votes of n1 and n3, and its no-op is committed at \
               index 5.",
    },
];
