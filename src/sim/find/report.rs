//! What the page needs to narrate a found failure: the switch and the rule
//! it breaks, the first time it changed a server's decision, the last time
//! before the violation that it did so on a server the violation names,
//! and the violation with the servers, messages and log indexes to
//! highlight.
//! Read from a recorded replay of the shrunk scenario.

use super::trial::{Failure, FailureKind, Trial, TrialEnd};
use crate::raft::{LogIndex, NodeId, Term, Time, UnsafeSwitch};
use crate::sim::history::Operation;
use crate::sim::linearizability::Verdict;
use crate::sim::network::Endpoint;
use crate::sim::scenario::Scenario;
use crate::sim::trace::TraceEvent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A failure, told for the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureReport {
    /// The switch's name (`--unsafe NAME`).
    pub switch: String,
    /// The rule it breaks, in one sentence (`UnsafeSwitch::rule`).
    pub rule: String,
    /// Where that rule is stated (`UnsafeSwitch::rule_source`).
    pub source: String,
    /// The seed of the run.
    pub seed: u64,
    /// The first time the switch changed a decision, for a timeline mark.
    pub first_unsafe_step: Option<StepMark>,
    /// The step told beside the violation: the last one at or before it
    /// by or about a server the violation names, if one is. A run can
    /// skip the rule harmlessly long before, elsewhere, so the first step
    /// is often not the one that led to the violation.
    pub nearest_unsafe_step: Option<StepMark>,
    /// How many times it did, up to the violation.
    pub unsafe_steps: usize,
    /// What broke.
    pub violation: ViolationMark,
    /// Everything involved, for highlighting.
    pub highlight: Highlight,
}

/// One decision an unsafe switch changed (`TraceEvent::UnsafeStep`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepMark {
    /// When (simulated microseconds).
    pub t: Time,
    /// The server that decided.
    pub node: NodeId,
    /// The other server involved, if any.
    pub peer: Option<NodeId>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
    /// The message whose delivery it answered, if it answered one.
    pub message: Option<u64>,
}

/// The violation found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViolationMark {
    /// Which invariant, or `linearizability`.
    pub kind: FailureKind,
    /// When it was seen.
    pub t: Time,
    /// The servers involved.
    pub nodes: Vec<NodeId>,
    /// The checker's message.
    pub detail: String,
    /// The term it is about (two leaders in it, a double vote in it, ...).
    pub term: Option<Term>,
    /// The log index it is about (an entry lost or missing there).
    pub index: Option<LogIndex>,
    /// The message whose delivery it followed, if any.
    pub message: Option<u64>,
    /// For a history that is not linearizable: the read (or write) no
    /// linearization can place.
    pub stale_read: Option<StaleRead>,
}

/// The client operation a linearizability violation is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleRead {
    /// The client and its request number.
    pub client: u64,
    /// Its request number.
    pub request: u64,
    /// The operation, as text (`read k1`).
    pub op: String,
    /// The value it read, for a read (`None`: absent).
    pub result: Option<String>,
    /// When it was invoked and returned.
    pub invoke_t: Time,
    /// When it returned.
    pub return_t: Option<Time>,
    /// The server that answered it, and the answer's message.
    pub answered_by: Option<NodeId>,
    /// The reply's message id.
    pub reply_message: Option<u64>,
}

/// What the page highlights.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// Servers: the violation's, the first and the nearest unsafe
    /// steps' and their peers.
    pub nodes: Vec<NodeId>,
    /// Messages: the ones the steps and the violation answered, the reply
    /// of a stale read.
    pub messages: Vec<u64>,
    /// Log indexes: the violation's and the unsafe steps'.
    pub indexes: Vec<LogIndex>,
}

impl FailureReport {
    /// Replays `scenario` with its trace recorded up to its failure of
    /// `kind`, and tells it; `None` if it no longer fails that way.
    pub fn of(scenario: &Scenario, kind: FailureKind, switch: UnsafeSwitch) -> Option<Self> {
        replay(scenario, Some(kind), switch)
    }

    /// Tells a shared run (a link, a file, a host page's load) as a found
    /// failure is told, from its first failure of any kind: `None` unless
    /// exactly one unsafe switch is on and the run fails. A link does not
    /// say which kind was found, so a shrunk run that broke another rule
    /// first (shrinking keeps only the kind it was given) is told by that.
    pub fn of_shared(scenario: &Scenario) -> Option<Self> {
        let mut on = scenario.unsafe_switches.enabled();
        let (Some(switch), None) = (on.next(), on.next()) else {
            return None;
        };
        replay(scenario, None, switch)
    }

    /// The nearest unsafe step when it is another step than the first:
    /// what the CLI, the story and the timeline tell beside the first.
    pub fn nearest_other_step(&self) -> Option<&StepMark> {
        let first = self.first_unsafe_step.as_ref();
        self.nearest_unsafe_step
            .as_ref()
            .filter(|&s| Some(s) != first)
    }
}

/// Replays `scenario` with its trace recorded up to its first failure
/// of `kind` (any, if `None`), and tells it.
fn replay(
    scenario: &Scenario,
    kind: Option<FailureKind>,
    switch: UnsafeSwitch,
) -> Option<FailureReport> {
    let mut trial = Trial::start(scenario, None, kind, true).ok()?;
    let TrialEnd::Failed(failure) = trial.run() else {
        return None;
    };
    let trace = trial.sim_mut().trace_mut().take_recorded();
    let history = trial.sim().history().to_vec();
    Some(tell(switch, scenario.seed, &failure, &trace, &history))
}

fn tell(
    switch: UnsafeSwitch,
    seed: u64,
    failure: &Failure,
    trace: &[(Time, TraceEvent)],
    history: &[Operation],
) -> FailureReport {
    let deliveries = Deliveries::of(trace);
    let steps: Vec<StepMark> = trace
        .iter()
        .enumerate()
        .filter(|(_, (t, _))| *t <= failure.t)
        .filter_map(|(at, (t, event))| match *event {
            TraceEvent::UnsafeStep {
                node, peer, index, ..
            } => Some(StepMark {
                t: *t,
                node,
                peer,
                index,
                message: deliveries.last_to(at, *t, node),
            }),
            _ => None,
        })
        .collect();
    let violation = violation_mark(failure, trace, history, &deliveries);
    let nearest = nearest_step(&steps, &violation);
    let highlight = highlight(&violation, steps.first(), nearest.as_ref());
    FailureReport {
        switch: switch.name().to_string(),
        rule: switch.rule().to_string(),
        source: switch.rule_source().to_string(),
        seed,
        first_unsafe_step: steps.first().cloned(),
        nearest_unsafe_step: nearest,
        unsafe_steps: steps.len(),
        violation,
        highlight,
    }
}

fn violation_mark(
    failure: &Failure,
    trace: &[(Time, TraceEvent)],
    history: &[Operation],
    deliveries: &Deliveries,
) -> ViolationMark {
    if let Some(v) = &failure.violation {
        let at = trace
            .iter()
            .rposition(|(t, e)| *t == v.t && matches!(e, TraceEvent::Violation { .. }));
        let message = at.and_then(|at| deliveries.last_to(at, v.t, v.nodes[0]));
        return ViolationMark {
            kind: failure.kind,
            t: v.t,
            nodes: v.nodes.clone(),
            detail: v.detail.clone(),
            term: v.term,
            index: v.index,
            message,
            stale_read: None,
        };
    }
    let (detail, blocked) = match &failure.verdict {
        Some(Verdict::NotLinearizable {
            explanation, ops, ..
        }) => (explanation.clone(), ops.last().map(|&i| &history[i])),
        _ => (String::new(), None),
    };
    let stale_read = blocked.map(|op| stale_read(op, trace));
    ViolationMark {
        kind: failure.kind,
        t: failure.t,
        nodes: stale_read.iter().filter_map(|r| r.answered_by).collect(),
        detail,
        term: None,
        index: blocked.and_then(|op| op.index),
        message: stale_read.as_ref().and_then(|r| r.reply_message),
        stale_read,
    }
}

/// The operation, and the server whose reply ended it: the last reply sent
/// to its client at or before it returned.
fn stale_read(op: &Operation, trace: &[(Time, TraceEvent)]) -> StaleRead {
    let returned = op.return_t.unwrap_or(Time::MAX);
    let reply = trace.iter().rev().find_map(|(t, e)| match *e {
        TraceEvent::Send {
            id,
            from: Endpoint::Node(node),
            to: Endpoint::Client(client),
            ..
        } if client == op.client && *t <= returned => Some((node, id)),
        _ => None,
    });
    StaleRead {
        client: op.client,
        request: op.request,
        op: op.op.to_string(),
        result: op.read_result.clone(),
        invoke_t: op.invoke_t,
        return_t: op.return_t,
        answered_by: reply.map(|(node, _)| node),
        reply_message: reply.map(|(_, id)| id),
    }
}

/// The last step at or before the violation by or about one of its
/// servers, if one is.
fn nearest_step(steps: &[StepMark], violation: &ViolationMark) -> Option<StepMark> {
    let names = |node: NodeId| violation.nodes.contains(&node);
    let involved = |s: &&StepMark| names(s.node) || s.peer.is_some_and(names);
    steps.iter().rev().find(involved).cloned()
}

fn highlight(
    violation: &ViolationMark,
    first: Option<&StepMark>,
    nearest: Option<&StepMark>,
) -> Highlight {
    let mut nodes: BTreeSet<NodeId> = violation.nodes.iter().copied().collect();
    let mut messages: BTreeSet<u64> = violation.message.into_iter().collect();
    let mut indexes: BTreeSet<LogIndex> = violation.index.into_iter().collect();
    for step in first.into_iter().chain(nearest) {
        nodes.extend(std::iter::once(step.node).chain(step.peer));
        messages.extend(step.message);
        indexes.extend(step.index);
    }
    Highlight {
        nodes: nodes.into_iter().collect(),
        messages: messages.into_iter().collect(),
        indexes: indexes.into_iter().collect(),
    }
}

/// Which server each message went to, to find the delivery an event
/// answered.
struct Deliveries<'a> {
    trace: &'a [(Time, TraceEvent)],
    to: std::collections::BTreeMap<u64, Endpoint>,
}

impl<'a> Deliveries<'a> {
    fn of(trace: &'a [(Time, TraceEvent)]) -> Self {
        let to = trace.iter().filter_map(|(_, e)| match *e {
            TraceEvent::Send { id, to, .. } => Some((id, to)),
            _ => None,
        });
        Deliveries {
            trace,
            to: to.collect(),
        }
    }

    /// The message delivered to `node` at `t` last before trace position
    /// `at`: the input whose handling the event at `at` belongs to.
    fn last_to(&self, at: usize, t: Time, node: NodeId) -> Option<u64> {
        let before = self.trace[..at].iter().rev();
        let same_moment = before.take_while(|(when, _)| *when == t);
        same_moment
            .filter_map(|(_, e)| match *e {
                TraceEvent::Deliver { id } => Some(id),
                _ => None,
            })
            .find(|id| self.to.get(id) == Some(&Endpoint::Node(node)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::invariants::Invariant;

    fn step(t: Time, node: NodeId, peer: Option<NodeId>) -> StepMark {
        StepMark {
            t,
            node,
            peer,
            index: None,
            message: None,
        }
    }

    fn violation(nodes: Vec<NodeId>) -> ViolationMark {
        ViolationMark {
            kind: FailureKind::Invariant(Invariant::ElectionSafety),
            t: 100,
            nodes,
            detail: String::new(),
            term: None,
            index: None,
            message: None,
            stale_read: None,
        }
    }

    #[test]
    fn the_nearest_step_is_the_last_by_or_about_a_server_of_the_violation() {
        let steps = [
            step(10, 4, None),
            step(20, 1, Some(5)),
            step(30, 2, Some(3)),
        ];
        // Node 5 was the peer of the step at 20; the one at 30 is elsewhere.
        assert_eq!(
            nearest_step(&steps, &violation(vec![4, 5])),
            Some(steps[1].clone())
        );
        assert_eq!(
            nearest_step(&steps, &violation(vec![4])),
            Some(steps[0].clone())
        );
        assert_eq!(
            nearest_step(&steps, &violation(vec![3])),
            Some(steps[2].clone())
        );
        // None involved: nothing is told beside the violation.
        assert_eq!(nearest_step(&steps, &violation(vec![6])), None);
        // Both steps are highlighted.
        let h = highlight(&violation(vec![6]), steps.first(), steps.get(2));
        assert_eq!(h.nodes, vec![2, 3, 4, 6]);
    }
}
