//! Tour "figure-8" (§5.4.2): Figure 8 of the paper, built with partitions,
//! crashes and forced timeouts (seed 4). Terms are one lower than in the
//! figure: S1 leads term 1, S5 term 2, S1 term 3.
//!
//! The figure's exact state (c), where the leader itself counts three
//! replicas of the old entry, cannot happen here: a new leader appends a
//! no-op of its term (§8) and the no-op travels in the same AppendEntries as
//! the old entry, so a follower acknowledges both at once. The nearest
//! faithful state is shown instead: the old entry stored on a majority (one
//! copy from its own term, on S2, whose link from S1 is cut), the no-op on a
//! minority, nothing committed, and S5 still able to win and overwrite it.
//! tests/tours/safety.rs replays the same actions with the unsafe switch
//! commit-old-terms, where S1 commits the old entry by counting replicas and
//! S5 then overwrites it: Figure 8 (d).

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Figure 8 of the paper (§5.4.2), built with partitions, crashes and forced \
               timeouts; terms here are one lower than in the figure. S1 will win term 1: \
               watch index 2.",
    },
    Step {
        at_ms: 328,
        text: "(a) The network split into {S1, S2} and {S3, S4, S5} just as S1, leader of term \
               1, appended a client's write x=A at index 2. Only S2 got a copy: 2 of 5, not \
               committed.",
    },
    Step {
        at_ms: 390,
        text: "(b) We made S5 time out: S3 and S4 elected it for term 2, then it was cut off \
               alone while the others were reconnected, so its no-op and a write x=B (indexes 2 and 3) reached nobody. S1 \
               learned of term 2 and stepped down.",
    },
    Step {
        at_ms: 440,
        text: "S4 and S5 crashed. We made S1 time out: S2 and S3 elected it for term 3, it \
               appended a no-op at index 3, and the link from S1 to S2 was cut.",
    },
    Step {
        at_ms: 505,
        text: "(c) S3 got x=A and the no-op, so x=A is on a majority (S1, S2, S3) yet not \
               committed: a leader counts replicas only for entries of its own term, and the \
               no-op is on 2 servers. Rightly so: if S1 crashed now, S5 could come back, win \
               with the votes of S2 and S4 and overwrite index 2 (Figure 8 (d)).",
    },
    Step {
        at_ms: 605,
        text: "(e) The link came back and S2 stored the no-op, which is now on a majority. S1 \
               committed index 3 and with it index 2 (§5.4.2): x=A is committed and its client \
               got ok.",
    },
    Step {
        at_ms: 690,
        text: "S1 crashed; S4 and S5 restarted and we made S5 time out, for term 3. Only S4 \
               voted for it: S2 and S3 had already voted for S1 in term 3.",
    },
    Step {
        at_ms: 740,
        text: "S5 tried again, for term 4. S2 and S3 refused again: their logs end with an \
               entry of term 3, newer than S5's last entry of term 2 (§5.4.1), so S5 cannot \
               win and x=A is safe.",
    },
    Step {
        at_ms: 960,
        text: "S3 won term 5 and replaced S5's entries: every running server has x=A at index \
               2, committed. With the unsafe switch commit-old-terms, which also drops a new \
               leader's no-op, S1 would commit x=A by counting replicas with no entry of term \
               3 anywhere, and S5 could then win and erase it (Figure 8 (d)).",
    },
];
