//! Tour "figure-8" (§5.4.2): Figure 8 of the paper, built with partitions,
//! crashes and forced timeouts (seed 4). Terms are one lower than in the
//! figure: n1 leads term 1, n5 term 2, n1 term 3.
//!
//! The figure's exact state (c), where the leader itself counts three
//! replicas of the old entry, cannot happen here: a new leader appends a
//! no-op of its term (§8) and the no-op travels in the same AppendEntries as
//! the old entry, so a follower acknowledges both at once. The nearest
//! faithful state is shown instead: the old entry stored on a majority (one
//! copy from its own term, on n2, whose link from n1 is cut), the no-op on a
//! minority, nothing committed, and n5 still able to win and overwrite it.
//! tests/tours/safety.rs replays the same actions with the unsafe switch
//! commit-old-terms, where n1 commits the old entry by counting replicas and
//! n5 then overwrites it: Figure 8 (d).

use super::Step;

pub(super) const STEPS: &[Step] = &[
    Step {
        at_ms: 0,
        text: "Figure 8 of the paper (§5.4.2), built with partitions, crashes and forced \
               timeouts; terms here are one lower than in the figure. n1 will win term 1: \
               watch index 2.",
    },
    Step {
        at_ms: 328,
        text: "(a) The network split into {n1, n2} and {n3, n4, n5} just as n1, leader of term \
               1, appended a client's write x=A at index 2. Only n2 got a copy: 2 of 5, not \
               committed.",
    },
    Step {
        at_ms: 390,
        text: "(b) We made n5 time out: n3 and n4 elected it for term 2, then it was cut off \
               alone while the others were reconnected, so its no-op and a write x=B (indexes 2 and 3) reached nobody. n1 \
               learned of term 2 and stepped down.",
    },
    Step {
        at_ms: 440,
        text: "n4 and n5 crashed; x=B's client waits on, as n5 lost its request. We made n1 \
               time out: n2 and n3 elected it for term 3, it appended a no-op at index 3, and \
               the link from n1 to n2 was cut.",
    },
    Step {
        at_ms: 505,
        text: "(c) n3 got x=A and the no-op, so x=A is on a majority (n1, n2, n3) yet not \
               committed: a leader counts replicas only for entries of its own term, and the \
               no-op is on 2 servers. Rightly so: if n1 crashed now, n5 could come back, win \
               with the votes of n2 and n4 and overwrite index 2 (Figure 8 (d)).",
    },
    Step {
        at_ms: 605,
        text: "(e) The link came back and n2 stored the no-op, which is now on a majority. n1 \
               committed index 3 and with it index 2 (§5.4.2): x=A is committed and its client \
               got ok.",
    },
    Step {
        at_ms: 690,
        text: "n1 crashed; n4 and n5 restarted and we made n5 time out, for term 3. Only n4 \
               voted for it: n2 and n3 had already voted for n1 in term 3.",
    },
    Step {
        at_ms: 740,
        text: "n5 tried again, for term 4. n2 and n3 refused again: their logs end with an \
               entry of term 3, newer than n5's last entry of term 2 (§5.4.1), so n5 cannot \
               win and x=A is safe.",
    },
    Step {
        at_ms: 960,
        text: "n3 won term 5 and replaced n5's entries: every running server has x=A at index \
               2, committed. With the unsafe switch commit-old-terms, which also drops a new \
               leader's no-op, n1 would commit x=A by counting replicas with no entry of term \
               3 anywhere, and n5 could then win and erase it (Figure 8 (d)).",
    },
];
