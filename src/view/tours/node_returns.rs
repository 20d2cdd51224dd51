//! Tour "node-returns" (thesis §9.6): seed 6 elects n5 for term 1; n2 is
//! cut off from 300 to 900 ms without PreVote, raises its term alone and
//! deposes n5 on its return (n2 leads term 6 from 1063 ms); PreVote is
//! turned on at 1300 ms, n3 is cut off from 1400 to 2000 ms, stays in term
//! 6 as a pre-candidate, and n2 leads on.

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Five servers; n5 will lead term 1. Twice a server is cut off from all the others \
               for 600 ms and comes back: first without PreVote, then with it.",
    },
    Step {
        at_ms: 200,
        text: "n5 leads term 1, and its no-op is committed at index 1 everywhere. PreVote is off: \
               a server whose election timer runs out raises its term and stands for election.",
    },
    Step {
        at_ms: 880,
        text: "n2 was cut off at 300 ms. Hearing no leader, it stood for election again and \
               again, alone, and is now in term 5, while the others are still in term 1.",
    },
    Step {
        at_ms: 1100,
        text: "The network healed at 900 ms. n2's higher term reached n5, the leader all the \
               others still followed, and n5 stepped down (§5.1); n2 won term 6: an election \
               nobody needed.",
    },
    Step {
        at_ms: 1900,
        text: "PreVote was turned on at 1300 ms and n3 cut off at 1400 ms. Its timer made it a \
               pre-candidate, which asks whether it could win without raising its term; alone, \
               it hears no answer and is still in term 6 (thesis §9.6).",
    },
    Step {
        at_ms: 2100,
        text: "The network healed at 2000 ms: n3's pre-vote reached the others, and each \
               refused, as they hear from n2, their leader (thesis §9.6). Then n2's heartbeat \
               reached n3, which follows it in term 6, and n2 leads on, undisturbed.",
    },
];
