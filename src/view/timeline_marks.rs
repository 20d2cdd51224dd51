//! The marks along the timeline: where leaders were elected, nodes crashed
//! or came back, the network split or healed, and requests were sent, so a
//! person can see at a glance where to scrub to.

use super::playground::Playground;
use crate::raft::Time;
use crate::sim::find::StepMark;
use crate::sim::Action;

/// What a timeline mark stands for; it decides the mark's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A leader was elected.
    Election,
    /// A server was stopped or restarted.
    Crash,
    /// A stopped server (or every one) was resumed.
    Recovery,
    /// The network was partitioned, or a link cut.
    Partition,
    /// The network was healed, or a link restored.
    Heal,
    /// A client request was sent.
    Request,
    /// Any other action (timers, timeouts, network settings...).
    Other,
    /// An unsafe switch changed a decision (the first time, of a failure
    /// found by "What if…").
    Unsafe,
    /// An invariant broke, or a read was stale (a failure found).
    Violation,
}

impl MarkKind {
    /// Every kind, in the order the help's key lists them.
    pub const ALL: [MarkKind; 9] = [
        MarkKind::Election,
        MarkKind::Crash,
        MarkKind::Recovery,
        MarkKind::Partition,
        MarkKind::Heal,
        MarkKind::Request,
        MarkKind::Other,
        MarkKind::Unsafe,
        MarkKind::Violation,
    ];

    /// What the kind stands for, in the help's key.
    pub fn words(self) -> &'static str {
        match self {
            MarkKind::Election => "a leader elected",
            MarkKind::Crash => "a server stopped or restarted",
            MarkKind::Recovery => "a server resumed",
            MarkKind::Partition => "the network split, or a link cut",
            MarkKind::Heal => "the network healed",
            MarkKind::Request => "a client request",
            MarkKind::Other => "any other action",
            MarkKind::Unsafe => "an unsafe switch changed a decision (tall)",
            MarkKind::Violation => "a rule broke (tallest)",
        }
    }

    /// Where the mark's top is, in the marks' band of 10 (0: its top).
    /// A failure's marks rise above the others (their colours are near a
    /// partition's and a crash's, a page tester saw), the violation's
    /// highest: an unsafe step at its moment, drawn over it, leaves its
    /// red top showing.
    pub fn top(self) -> i32 {
        match self {
            MarkKind::Violation => -6,
            MarkKind::Unsafe => -3,
            _ => 0,
        }
    }

    /// The CSS class naming the mark's colour.
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Election => "mark-election",
            MarkKind::Crash => "mark-crash",
            MarkKind::Recovery => "mark-recovery",
            MarkKind::Partition => "mark-partition",
            MarkKind::Heal => "mark-heal",
            MarkKind::Request => "mark-request",
            MarkKind::Other => "mark-other",
            MarkKind::Unsafe => "mark-unsafe",
            MarkKind::Violation => "mark-violation",
        }
    }
}

/// One mark on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// When, in simulated time.
    pub at: Time,
    /// What happened, for the colour.
    pub kind: MarkKind,
    /// What happened, in words: "n2 elected leader for term 3", "stop 1".
    pub label: String,
}

/// At most this many marks of the run are drawn (the latest), besides a
/// failure's three: a mark per pixel or more says nothing.
pub const MAX_MARKS: usize = 200;

/// Every mark of the run so far, in time order.
pub fn marks(p: &Playground) -> Vec<Mark> {
    let elections = p.events.elections().iter().map(|e| Mark {
        at: e.at,
        kind: MarkKind::Election,
        label: format!("n{} elected leader for term {}", e.leader, e.term),
    });
    let actions = p.scenario.actions.iter().map(|(at, action)| Mark {
        at: *at,
        kind: kind_of(action),
        label: super::action_words::action_words(action),
    });
    let mut all: Vec<Mark> = elections.chain(actions).collect();
    crate::raft::vec_map::sort_by_key(&mut all, |m| m.at);
    let skip = all.len().saturating_sub(MAX_MARKS);
    all.drain(..skip);
    // A failure's marks are always drawn: its story names them (the first
    // unsafe step of a long run went with the oldest marks, a page tester
    // saw).
    all.extend(failure_marks(p));
    // At one moment the violation first, so the unsafe step is drawn over
    // it.
    crate::raft::vec_map::sort_by_key(&mut all, |m| (m.at, m.kind != MarkKind::Violation));
    all
}

/// The first unsafe step, the last one before the violation that
/// involves its servers (if another), and the violation of a failure found.
fn failure_marks(p: &Playground) -> Vec<Mark> {
    let Some(report) = &p.failure else {
        return Vec::new();
    };
    let step = |s: &StepMark, which: &str| Mark {
        at: s.t,
        kind: MarkKind::Unsafe,
        label: format!("{}: {which} unsafe step, n{}", report.switch, s.node),
    };
    let steps = report.first_unsafe_step.iter().map(|s| step(s, "first"));
    let steps = steps.chain(report.nearest_other_step().map(|s| step(s, "last")));
    let v = &report.violation;
    let violation = Mark {
        at: v.t,
        kind: MarkKind::Violation,
        label: format!("violation: {}", super::words::in_words(v.kind.name())),
    };
    steps.chain([violation]).collect()
}

fn kind_of(action: &Action) -> MarkKind {
    match action {
        Action::Stop(_) | Action::Restart(_) => MarkKind::Crash,
        Action::Resume(_) | Action::ResumeAll => MarkKind::Recovery,
        Action::Partition(_)
        | Action::CutLink { .. }
        | Action::Deafen(_)
        | Action::ReachOnly { .. } => MarkKind::Partition,
        Action::Heal | Action::RestoreLink { .. } => MarkKind::Heal,
        Action::ClientRequest { .. } => MarkKind::Request,
        _ => MarkKind::Other,
    }
}

/// Where a mark sits along a timeline that ends at `horizon`, in percent.
pub fn position_percent(at: Time, horizon: Time) -> f64 {
    if horizon == 0 {
        return 0.0;
    }
    (at.min(horizon) as f64 / horizon as f64 * 100.0).clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MILLIS;

    /// The help's key names every kind once, each with a colour of its
    /// own, and a failure's marks are the tall ones the story names.
    #[test]
    fn the_key_lists_every_kind_and_a_failures_marks_stand_tall() {
        let classes: std::collections::BTreeSet<&str> =
            MarkKind::ALL.iter().map(|k| k.class()).collect();
        assert_eq!(classes.len(), MarkKind::ALL.len());
        let tall: Vec<MarkKind> = MarkKind::ALL.into_iter().filter(|k| k.top() < 0).collect();
        assert_eq!(tall, [MarkKind::Unsafe, MarkKind::Violation]);
        assert!(MarkKind::Violation.top() < MarkKind::Unsafe.top());
        assert!(MarkKind::ALL.iter().all(|k| !k.words().is_empty()));
    }

    #[test]
    fn elections_crashes_partitions_and_requests_are_marked_in_order() {
        let mut p = Playground::new(5, 5).unwrap();
        p.skip(1_000);
        let leader = p.sim.leader().unwrap();
        p.act(Action::Stop(leader));
        p.skip(1_000);
        p.act(Action::Partition(vec![vec![1]]));
        p.command(crate::view::keys::KeyCommand::ClientRequestToLeader);
        p.act(Action::Heal);
        p.skip(1_000);
        let marks = marks(&p);
        let kinds: Vec<MarkKind> = marks.iter().map(|m| m.kind).collect();
        let elections = kinds.iter().filter(|k| **k == MarkKind::Election).count();
        assert!(elections >= 2, "first leader and its successor: {marks:?}");
        for kind in [
            MarkKind::Crash,
            MarkKind::Partition,
            MarkKind::Request,
            MarkKind::Heal,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} missing: {marks:?}");
        }
        assert!(marks.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(marks[0].label.contains("elected leader for term"));
        // Actions in words, as the event log says them, not Rust's debug
        // text ("partition [[1]]").
        let labels: Vec<&str> = marks.iter().map(|m| m.label.as_str()).collect();
        assert!(labels.contains(&"n1 cut off from the rest"), "{labels:?}");
        assert_eq!(position_percent(500 * MILLIS, 2_000 * MILLIS), 25.0);
        assert_eq!(position_percent(1, 0), 0.0);
    }
}
