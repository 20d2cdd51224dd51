//! Tour "deaf-leader" (thesis §6.2, §4.2.3): seed 6 elects n5 for term 1;
//! at 500 ms every link into n5 is cut, and a write sent to it at 600 ms
//! cannot commit; CheckQuorum is turned on at 1100 ms, n5 steps down at
//! 1300 ms, n4 leads term 2 from 1412 ms, and the others ignore the deaf
//! n5's elections.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n5 will lead term 1. Then every link into n5 is cut: it can still \
               send, but it hears nothing. CheckQuorum is off.",
    },
    Step {
        at_ms: 200,
        text: "n5 leads term 1, and its no-op is committed at index 1 on all five servers.",
    },
    Step {
        at_ms: 700,
        text: "n5 was deafened at 500 ms. A client's write x=1 reached it at 600 ms and all four \
               followers stored it at index 2 and replied, but n5 hears no reply: x=1 is not \
               committed.",
    },
    Step {
        at_ms: 1050,
        text: "A stall: n5's heartbeats keep every follower's timer from running out, so no one \
               stands for election, and n5 commits nothing. Without CheckQuorum this lasts until \
               n5 hears again.",
    },
    Step {
        at_ms: 1310,
        text: "CheckQuorum was turned on at 1100 ms. By 1300 ms n5 had heard from no follower \
               for a whole check period (the minimum election timeout), so it stepped down \
               (thesis §6.2).",
    },
    Step {
        at_ms: 1450,
        text: "Without heartbeats the followers' timers ran out: n4 won term 2. Its no-op at \
               index 3 is committed, and with it x=1 at index 2, the entry n5 left behind \
               (§5.4.2). x=1's client still waits: it asked n5, which cannot hear that x=1 \
               committed, so no answer will come from there.",
    },
    Step {
        at_ms: 1900,
        text: "Deaf n5 hears no leader, so it stands in term after term, and its RequestVotes do \
               reach the others. With CheckQuorum on, they ignore them while they hear n4 \
               (leader stickiness, thesis §4.2.3): n4 stays leader and commits y=2 at index 4.",
    },
];
