//! The event log in words: the moments worth reading ("t=1.204s n3
//! became leader for term 4"), taken from the simulator's trace. It holds
//! the whole timeline seen so far, so it can follow the time-travel cursor
//! (`until(now)`) and lose the discarded future when the run forks.

use super::words;
use crate::raft::vec_map::VecMap;
use crate::raft::{NodeId, Time};
use crate::sim::workload::USER_CLIENT_BASE;
use crate::sim::{Endpoint, NodeStatus, TraceEvent, Violation};
use std::collections::VecDeque;

/// Lines kept; older ones scroll away.
pub const KEEP: usize = 300;

/// A moment worth a mark on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Election {
    /// When the leader took office.
    pub at: Time,
    /// The new leader.
    pub leader: NodeId,
    /// The term it leads.
    pub term: u64,
}

/// The log's lines, oldest first, with the elections seen.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    lines: VecDeque<(Time, String)>,
    /// How many lines scrolled away before the first kept one, so each
    /// line keeps one number for as long as it is shown.
    scrolled_away: u64,
    /// Each node's last (role, term), to tell a change from a repeat.
    roles: VecMap<NodeId, (NodeStatus, u64)>,
    /// Every leader elected, for the timeline's marks (one per term, so
    /// a long run keeps few).
    elections: Vec<Election>,
    /// InstallSnapshot chunks in flight: (message id, sender, receiver).
    /// The trace's snapshot event does not name the sender; the chunk
    /// delivered just before it does.
    chunks: Vec<(u64, NodeId, NodeId)>,
    /// Each server's sender of the last snapshot chunk it received.
    snapshot_from: VecMap<NodeId, NodeId>,
    /// The person's requests still waiting, by client (each request has
    /// a client of its own), so the end of one can name it.
    asked: VecMap<u64, crate::raft::Op>,
}

impl EventLog {
    /// Every line kept, oldest first.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &String> {
        self.lines.iter().map(|(_, line)| line)
    }

    /// The lines up to simulated time `now`: what the cursor has seen.
    pub fn until(&self, now: Time) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        let end = self.lines.partition_point(|(t, _)| *t <= now);
        self.lines.range(..end).map(|(_, line)| line)
    }

    /// The lines up to `now`, each with its number in the run (from 0),
    /// which stays the same as lines scroll away: a key for redrawing only
    /// the lines that are new.
    pub fn numbered_until(
        &self,
        now: Time,
    ) -> impl DoubleEndedIterator<Item = (u64, &String)> + ExactSizeIterator {
        let first = self.scrolled_away;
        self.until(now)
            .enumerate()
            .map(move |(i, line)| (first + i as u64, line))
    }

    /// Every leader elected so far, in time order (one per term).
    pub fn elections(&self) -> &[Election] {
        &self.elections
    }

    /// A fork at `now`: forgets what came after, and takes each node's
    /// role, and the person's requests waiting for an answer, from `sim`
    /// as they are at the fork (an answer in the discarded future comes
    /// again, and must still name its request).
    pub fn forget_after(&mut self, now: Time, sim: &crate::sim::Simulation) {
        while self.lines.back().is_some_and(|(t, _)| *t > now) {
            self.lines.pop_back();
        }
        self.elections.retain(|e| e.at <= now);
        self.roles = sim
            .servers()
            .iter()
            .map(|s| (s.node.id(), (NodeStatus::of(s), s.node.current_term())))
            .collect();
        self.asked = (sim.workload().outstanding())
            .filter(|w| w.command.client >= USER_CLIENT_BASE)
            .map(|w| (w.command.client, w.command.op.clone()))
            .collect();
    }

    /// How many lines are kept.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Are there no lines yet?
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds the words for `event`, if it is worth a line.
    pub fn record(&mut self, t: Time, event: &TraceEvent) {
        self.follow_chunks(event);
        if let TraceEvent::State {
            node,
            term,
            role: NodeStatus::Leader,
            ..
        } = event
        {
            // Once per term: a leader stopped and resumed while another was
            // elected in a later term is back, not elected again.
            if !self.elections.iter().any(|e| e.term == *term) {
                self.elections.push(Election {
                    at: t,
                    leader: *node,
                    term: *term,
                });
            }
        }
        if let Some(text) = self.describe(event) {
            if self.lines.len() == KEEP {
                self.lines.pop_front();
                self.scrolled_away += 1;
            }
            self.lines.push_back((
                t,
                format!("t={}s {text}", crate::sim::decimal::seconds(t, 3)),
            ));
        }
    }

    /// Keeps track of who sent each server its snapshot chunks, for
    /// "n3 installed n1's snapshot".
    fn follow_chunks(&mut self, event: &TraceEvent) {
        match *event {
            TraceEvent::Send {
                id,
                from: Endpoint::Node(from),
                to: Endpoint::Node(to),
                kind: "InstallSnapshot",
                ..
            } => self.chunks.push((id, from, to)),
            // After a fork, ids of the discarded future come again.
            TraceEvent::Send { id, .. } | TraceEvent::Drop { id, .. } => {
                self.chunks.retain(|c| c.0 != id)
            }
            TraceEvent::Deliver { id } => {
                if let Some(i) = self.chunks.iter().position(|c| c.0 == id) {
                    let (_, from, to) = self.chunks.swap_remove(i);
                    self.snapshot_from.insert(to, from);
                }
            }
            _ => {}
        }
    }

    fn describe(&mut self, event: &TraceEvent) -> Option<String> {
        match event {
            TraceEvent::State {
                node, term, role, ..
            } => {
                // Every server starts as a follower in term 0 (Figure 2), so
                // its first election is news too.
                let (was, was_term) = self
                    .roles
                    .insert(*node, (*role, *term))
                    .unwrap_or((NodeStatus::Follower, 0));
                // A candidate that times out again starts a new election
                // without changing role: that is news too.
                let new_election = *role == NodeStatus::Candidate && *term != was_term;
                if was == *role && !new_election {
                    return None;
                }
                Some(match *role {
                    // A resumed node keeps its role, a restarted one is a
                    // follower: say so, rather than announce an election
                    // that did not happen. ("Back", not "resumed": a
                    // restart is not a resume.)
                    _ if was == NodeStatus::Stopped => {
                        format!("n{node} is back as {} in term {term}", role.as_str())
                    }
                    NodeStatus::Leader => format!("n{node} became leader for term {term}"),
                    NodeStatus::Candidate => {
                        format!("n{node} started an election for term {term}")
                    }
                    NodeStatus::PreCandidate => {
                        format!("n{node} asks for pre-votes for term {}", term + 1)
                    }
                    NodeStatus::Stopped => format!("n{node} stopped"),
                    NodeStatus::Follower => format!("n{node} is a follower in term {term}"),
                })
            }
            TraceEvent::Snapshot {
                node,
                index,
                installed: false,
                ..
            } => Some(format!(
                "n{node} snapshotted its state through index {index}"
            )),
            TraceEvent::Snapshot { node, index, .. } => {
                let whose = match self.snapshot_from.get(node) {
                    Some(from) => format!("n{from}'s"),
                    None => "the leader's".into(),
                };
                Some(format!(
                    "n{node} installed {whose} snapshot through {index}"
                ))
            }
            TraceEvent::Action { description } => Some(format!(
                "action: {}",
                super::action_words::action_words(description)
            )),
            TraceEvent::Invoke { client, op, .. } if *client >= USER_CLIENT_BASE => {
                self.asked.insert(*client, op.clone());
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
                let what = match self.asked.remove(client) {
                    Some(op) => op.to_string(),
                    None => "request".into(),
                };
                Some(format!("your {what} ended: {}{read}", outcome.as_str()))
            }
            TraceEvent::Violation {
                invariant, detail, ..
            } => Some(format!(
                "VIOLATION of {}: {detail}",
                words::in_words(invariant)
            )),
            _ => None,
        }
    }
}

/// A broken invariant as the Safety panel says it: "leader completeness
/// broken at 4.462 s, on n5 and n2: ..." (it showed the CLI's
/// "leader_completeness violated at t=4462159us, nodes [5, 2]: ...").
pub fn violation_sentence(v: &Violation) -> String {
    let on = match words::on_servers(&v.nodes) {
        on if on.is_empty() => on,
        on => format!(", {on}"),
    };
    format!(
        "{} broken at {} s{on}: {}",
        words::in_words(v.invariant.name()),
        crate::sim::decimal::seconds(v.t, 3),
        v.detail
    )
}

#[cfg(test)]
mod tests {
    use crate::sim::Action;
    use crate::view::playground::Playground;

    #[test]
    fn a_violation_reads_as_a_sentence() {
        use crate::sim::{Invariant, Violation};
        let mut v = Violation {
            invariant: Invariant::LeaderCompleteness,
            t: 4_462_159,
            nodes: vec![5, 2],
            detail: "n5 lacks index 2".into(),
            term: None,
            index: None,
        };
        assert_eq!(
            super::violation_sentence(&v),
            "leader completeness broken at 4.462 s, on n5 and n2: n5 lacks index 2"
        );
        v.nodes = vec![3];
        assert!(super::violation_sentence(&v).contains("s, on n3: "));
        v.nodes = vec![1, 2, 3];
        assert!(super::violation_sentence(&v).contains("on n1, n2 and n3"));
    }

    #[test]
    fn a_stopped_leader_resumed_is_back_not_elected_again() {
        let mut p = Playground::new(3, 5).unwrap();
        p.skip(1000);
        let old = p.sim.leader().unwrap();
        p.act(Action::Stop(old));
        p.skip(1000);
        assert!(p.sim.leader().is_some_and(|l| l != old));
        p.act(Action::Resume(old));
        p.skip(1);
        let text: Vec<&String> = p.events.lines().collect();
        assert!(
            text.iter()
                .any(|l| l.contains(&format!("n{old} is back as leader"))),
            "{text:?}"
        );
        let terms: Vec<u64> = p.events.elections().iter().map(|e| e.term).collect();
        assert_eq!(terms.len(), 2, "{terms:?}");
        assert!(terms[0] < terms[1], "{terms:?}");
    }

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
        assert!(text.contains(&format!("action: stop n{leader}")), "{text}");
        assert!(text.contains(&format!("n{leader} stopped")), "{text}");
        assert!(lines.iter().all(|l| l.starts_with("t=")));
    }

    /// The playground's log starts empty, with no State event seen for any
    /// server: the very first election must still be told.
    #[test]
    fn the_first_election_of_a_run_is_told() {
        let mut p = Playground::new(3, 5).unwrap();
        while p.sim.leader().is_none() {
            p.frame(16.0);
        }
        let first = p.events.lines().next().unwrap();
        assert!(first.ends_with("started an election for term 1"), "{first}");
    }

    /// A line keeps its number while older ones scroll away, so the page
    /// adds only new lines to the list it shows.
    #[test]
    fn lines_keep_their_numbers_as_old_ones_scroll_away() {
        let mut log = super::EventLog::default();
        let event = crate::sim::TraceEvent::Action {
            description: "heal".into(),
        };
        for t in 0..(super::KEEP as u64 + 5) {
            log.record(t * crate::raft::MILLIS, &event);
        }
        assert_eq!(log.len(), super::KEEP);
        let numbered: Vec<(u64, String)> = log
            .numbered_until(u64::MAX)
            .map(|(n, l)| (n, l.clone()))
            .collect();
        assert_eq!(numbered[0].0, 5, "five scrolled away");
        assert!(numbered[0].1.starts_with("t=0.005s"), "{}", numbered[0].1);
        assert_eq!(numbered.last().unwrap().0, super::KEEP as u64 + 4);
        assert_eq!(
            log.numbered_until(9 * crate::raft::MILLIS).count(),
            5,
            "t=5..=9 ms"
        );
    }

    /// Snapshots taken and installed read as sentences naming the index,
    /// and an install names the server whose snapshot it was.
    #[test]
    fn snapshots_taken_and_installed_read_as_sentences() {
        let mut p = Playground::new(3, 3).unwrap();
        p.skip(1000);
        let leader = p.sim.leader().unwrap();
        let behind = leader % 3 + 1;
        p.act(Action::SetSnapshots(Some(4)));
        p.act(Action::Stop(behind));
        for i in 0..5 {
            p.act(Action::ClientRequest {
                to: Some(leader),
                op: crate::raft::Op::Write {
                    key: format!("k{i}"),
                    value: i.to_string(),
                },
            });
        }
        p.skip(500);
        p.act(Action::Resume(behind));
        p.skip(500);
        let through = p.sim.server(leader).unwrap().node.log().snapshot_index();
        assert!(through >= 4, "{through}");
        let text: Vec<&str> = p.events.lines().map(|l| l.as_str()).collect();
        let text = text.join("\n");
        let taken = format!("n{leader} snapshotted its state through index {through}");
        assert!(text.contains(&taken), "{text}");
        // The resumed server's timer has run out: it may depose the leader
        // before it hears from it, so the snapshot comes from whoever leads.
        let sender = p.sim.leader().unwrap();
        let installed = format!("n{behind} installed n{sender}'s snapshot through {through}");
        assert!(text.contains(&installed), "{text}");
    }

    /// Without the chunk seen (a log that starts mid-transfer), the install
    /// still reads well.
    #[test]
    fn an_install_whose_chunks_were_not_seen_names_the_leader() {
        let mut log = super::EventLog::default();
        let event = crate::sim::TraceEvent::Snapshot {
            node: 2,
            index: 9,
            term: 1,
            installed: true,
        };
        log.record(0, &event);
        let line = log.lines().next().unwrap();
        assert_eq!(
            line,
            "t=0.000s n2 installed the leader's snapshot through 9"
        );
    }
}
