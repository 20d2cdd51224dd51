//! Tour "growing-the-cluster" (thesis §4.1-4.2.1): seed 6 elects S2 for
//! term 1 among three servers; S4 joins at 400 ms as a learner (index 2),
//! catches up and is promoted at about 470 ms (index 3); x=1 commits at
//! index 4 on three of four; S2 stops at 900 ms and S4 wins term 2 with the
//! votes of S1 and S3.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Three servers; S2 will lead term 1. At 400 ms a fourth server, S4, joins the \
               running cluster, as an operator adds a replica (thesis §4.2).",
    },
    Step {
        at_ms: 300,
        text: "S2 leads term 1, and its no-op is committed at index 1 on all three.",
    },
    Step {
        at_ms: 410,
        text: "S2 appended a new configuration at index 2: voters S1 to S3, and S4 as a \
               learner. A server uses a configuration as soon as it is in its log, committed or \
               not (thesis §4.1). S4 starts with an empty log and neither votes nor stands for \
               election, so a majority is still two of three.",
    },
    Step {
        at_ms: 480,
        text: "S4 caught up within one round of replication, far shorter than an election \
               timeout, so S2 promoted it: the configuration at index 3 makes S4 a voter \
               (thesis §4.2.1). A majority is now three of four.",
    },
    Step {
        at_ms: 800,
        text: "A client wrote x=1 at 700 ms; S2 committed it at index 4 once three of the four \
               servers held it.",
    },
    Step {
        at_ms: 1100,
        text: "S2 stopped at 900 ms. S1, S3 and S4 are three of four, just a majority: S4, the \
               newcomer, won term 2 with the votes of S1 and S3, and its no-op is committed at \
               index 5.",
    },
];
