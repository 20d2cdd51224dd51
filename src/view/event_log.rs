//! The event log in words: the moments worth reading ("t=1.204s node 3
//! became leader for term 4"), taken from the simulator's trace.

use crate::raft::{NodeId, Time};
use crate::sim::workload::USER_CLIENT_BASE;
use crate::sim::TraceEvent;
use std::collections::{BTreeMap, VecDeque};

/// Lines kept; older ones scroll away.
pub const KEEP: usize = 300;

#[derive(Clone, Debug, Default)]
pub struct EventLog {
    lines: VecDeque<String>,
    /// Each node's last (role, term), to tell a change from a repeat.
    roles: BTreeMap<NodeId, (&'static str, u64)>,
}

impl EventLog {
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &String> {
        self.lines.iter()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds the words for `event`, if it is worth a line.
    pub fn record(&mut self, t: Time, event: &TraceEvent) {
        if let Some(text) = self.describe(event) {
            if self.lines.len() == KEEP {
                self.lines.pop_front();
            }
            self.lines
                .push_back(format!("t={:.3}s {text}", t as f64 / 1e6));
        }
    }

    fn describe(&mut self, event: &TraceEvent) -> Option<String> {
        match event {
            TraceEvent::State {
                node, term, role, ..
            } => {
                let before = self.roles.insert(*node, (role, *term));
                let changed = before.is_none_or(|(r, _)| r != *role);
                match *role {
                    _ if !changed || before.is_none() => None,
                    "leader" => Some(format!("node {node} became leader for term {term}")),
                    "candidate" => Some(format!("node {node} started an election for term {term}")),
                    "stopped" => Some(format!("node {node} stopped")),
                    _ => Some(format!("node {node} is a follower in term {term}")),
                }
            }
            TraceEvent::Action { description } => Some(format!("action: {description}")),
            TraceEvent::Invoke { client, op, .. } if *client >= USER_CLIENT_BASE => {
                Some(format!("you sent {op}"))
            }
            TraceEvent::Return {
                client,
                outcome,
                result,
                ..
            } if *client >= USER_CLIENT_BASE => {
                let read = result
                    .as_ref()
                    .map_or(String::new(), |v| format!(", read {v}"));
                Some(format!("your request ended: {outcome}{read}"))
            }
            TraceEvent::Violation {
                invariant, detail, ..
            } => Some(format!("VIOLATION of {invariant}: {detail}")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::Action;
    use crate::view::playground::Playground;

    #[test]
    fn elections_actions_and_requests_read_as_sentences() {
        let mut p = Playground::new(1, 5).unwrap();
        p.skip(1000);
        let leader = p.sim.leader().unwrap();
        p.act(Action::Stop(leader));
        p.skip(1000);
        let lines: Vec<&String> = p.events.lines().collect();
        let text = lines
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("became leader for term"), "{text}");
        assert!(text.contains(&format!("action: stop {leader}")), "{text}");
        assert!(text.contains(&format!("node {leader} stopped")), "{text}");
        assert!(lines.iter().all(|l| l.starts_with("t=")));
    }
}
