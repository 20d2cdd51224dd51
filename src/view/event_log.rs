//! The event log in words: the moments worth reading ("t=1.204s n3
//! became leader for term 4"), taken from the simulator's trace. It holds
//! the whole timeline seen so far, so it can follow the time-travel cursor
//! (`until(now)`) and lose the discarded future when the run forks.
//! What the trace does not carry (a leadership transfer given up, a
//! configuration a leader appended, a removed leader stepping down) it
//! finds by looking at the servers after each event the page runs
//! ([`EventLog::observe`]); the trace and its hash stay as they are.

use super::words::{self, servers};
use crate::raft::vec_map::{VecMap, VecSet};
use crate::raft::{LogIndex, Membership, NodeId, Payload, Time};
use crate::sim::workload::is_user_client;
use crate::sim::{Action, Endpoint, NodeStatus, TraceEvent, Violation};
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
    /// Its event's place in the trace (from 1), as a line's key.
    pub key: u64,
}

/// The log's lines, oldest first, with the elections seen.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    /// Each line with its moment and the trace's length once its cause
    /// was traced, which orders it within its microsecond.
    lines: VecDeque<(Time, u64, String)>,
    /// The trace's length before the next event [`EventLog::record`]s (a
    /// trace event's index): the page says where a batch starts
    /// ([`EventLog::records_from`]).
    records: u64,
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
    /// What the trace does not tell, as each server last looked
    /// ([`EventLog::observe`]).
    watched: VecMap<NodeId, Watched>,
    /// Lines from `observe`, each put in once the trace's events of its
    /// moment are in.
    pending: Vec<(Time, u64, String, Ends)>,
    /// The configurations told committed, in time order: their moment,
    /// index, and whether each was joint (the first server to apply an
    /// entry tells its commit; after a fork, the discarded ones go).
    configs_told: Vec<(Time, u64, LogIndex, bool)>,
    /// The read leases told run out: the leader, its term, and the
    /// moment. A lease that lapses once may lapse between every two
    /// heartbeats (a wide drift bound leaves a lease little longer than a
    /// heartbeat interval), so later lapses and renewals in that term go
    /// unsaid. Kept by the log, not by the servers' last looks, which each
    /// replay takes afresh: one lapse was told again after every "+1 s"
    /// (a page tester).
    lapses_told: Vec<(NodeId, u64, Time)>,
    /// Each pre-candidate's rounds of PreVote (thesis §9.6): when it sent
    /// its first, and when its second, which is told once ("asks again"):
    /// a server cut off asks every election timeout, and a line a round
    /// would bury the log.
    pre_votes: VecMap<NodeId, (Time, Option<Time>)>,
    /// The last TimeoutNow told: its sender, target and term.
    timeout_now: Option<(NodeId, NodeId, u64)>,
    /// The last configuration entry told overwritten: its index and
    /// configuration, so the servers that held it are told of once.
    lost_told: Option<(LogIndex, Membership)>,
    /// The configuration each configuration entry, by index and term,
    /// changed (one entry per index and term, §5.3's Log Matching), and
    /// when it was first seen, for the words if it is overwritten; kept
    /// across jumps in time, and at a fork up to it (its future may hold
    /// other entries).
    befores: VecMap<(LogIndex, u64), (Time, Membership)>,
}

/// A server as [`EventLog::observe`] last saw it.
#[derive(Clone, Debug)]
struct Watched {
    /// The term it leads, while it runs as leader.
    leader_term: Option<u64>,
    /// The server it hands leadership over to.
    transfer: Option<NodeId>,
    /// Its configuration, and that entry's index.
    config: (LogIndex, Membership),
    /// The term of that entry (0 for the starting configuration, or one
    /// unknown, compacted into a snapshot): an entry overwritten at the
    /// same index has another.
    config_term: u64,
    /// Its restarts: a restart may lose entries not yet on disk, which is
    /// no overwriting.
    incarnation: u64,
    /// Until when it held a read lease, by its clock (thesis §6.4.1).
    lease: Option<Time>,
    /// The clock drift its lease allows for, in parts per million.
    drift_ppm: u64,
}

/// The term `s` leads, while it runs as leader.
fn leader_term(s: &crate::sim::Server) -> Option<u64> {
    s.leads().then(|| s.node.current_term())
}

impl Watched {
    fn of(s: &crate::sim::Server, sim: &crate::sim::Simulation) -> Self {
        let n = &s.node;
        Watched {
            leader_term: leader_term(s),
            transfer: n.transfer_target(),
            config: (n.membership_index(), n.membership().clone()),
            config_term: n.log().term_at(n.membership_index()).unwrap_or(0),
            incarnation: s.incarnation,
            lease: lease_until(s, sim),
            drift_ppm: n.config().max_clock_drift_ppm,
        }
    }
}

/// Why a leader gave up its lease at a new drift bound (`raft::lease`
/// `set_drift_bound`): a larger bound shortens leases, so the old one
/// could outlast it; a smaller one lengthens them (a review: the line said
/// "could outlast" of both).
fn lease_given_up(id: NodeId, raised: bool, any: bool) -> String {
    match raised {
        // At ±50% the margin takes the whole lease: none is safe.
        true if !any => format!(
            "n{id} gave up its read lease: at this drift bound no lease is safe, so each read \
             waits for a round of heartbeats (thesis §6.4.1)"
        ),
        true => format!(
            "n{id} gave up its read lease: earned for a smaller drift bound, it could outlast \
             what the new one allows; its next round of heartbeats earns a shorter one (thesis §6.4.1)"
        ),
        false => format!(
            "n{id} gave up its read lease, earned for a larger drift bound: its next round of \
             heartbeats earns a longer one (thesis §6.4.1)"
        ),
    }
}

/// What a pending line ends, once it is in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ends {
    /// Nothing.
    Nothing,
    /// A hand-over: a later one to the same server in the same term sends
    /// its own TimeoutNow, which is news again.
    HandOver,
}

/// Until when `s` holds a read lease, by its own clock, if it does.
fn lease_until(s: &crate::sim::Server, sim: &crate::sim::Simulation) -> Option<Time> {
    s.node.lease_until(sim.node_time(s.node.id()))
}

impl EventLog {
    /// Every line kept, oldest first.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &String> {
        self.lines.iter().map(|(_, _, line)| line)
    }

    /// The lines up to the moment `sim` is at: what the cursor has seen.
    /// Within its microsecond, only the lines of the events it has traced:
    /// a step back can stop part-way through one.
    pub fn until<'a>(
        &'a self,
        sim: &crate::sim::Simulation,
    ) -> impl DoubleEndedIterator<Item = &'a String> {
        self.numbered_until(sim).map(|(_, line)| line)
    }

    /// The lines [`EventLog::until`] gives, each with its number in the
    /// run (from 0), which stays the same as lines scroll away: a key for
    /// redrawing only the lines that are new.
    pub fn numbered_until<'a>(
        &'a self,
        sim: &crate::sim::Simulation,
    ) -> impl DoubleEndedIterator<Item = (u64, &'a String)> {
        self.numbered_at(sim.now(), sim.trace().len())
    }

    /// The lines up to time `now` with `traced` events done, numbered.
    fn numbered_at(
        &self,
        now: Time,
        traced: u64,
    ) -> impl DoubleEndedIterator<Item = (u64, &String)> {
        let first = self.scrolled_away;
        let end = self.lines.partition_point(|(t, ..)| *t <= now);
        // Lines of one microsecond are not in key order: what `observe`
        // found goes after that microsecond's events (`flush_before`).
        let seen =
            move |(_, (t, key, _)): &(usize, &(Time, u64, String))| *t < now || *key <= traced;
        (self.lines.range(..end).enumerate().filter(seen))
            .map(move |(i, (_, _, line))| (first + i as u64, line))
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
        // What `sim` traced is what happened: a fork part-way through a
        // microsecond keeps that microsecond's lines up to it, not after
        // (a review saw an election told twice, before the action).
        let traced = sim.trace().len();
        let later = |t: Time, key: u64| t > now || key > traced;
        self.lines.retain(|(t, key, _)| !later(*t, *key));
        self.records = traced;
        self.elections.retain(|e| !later(e.at, e.key));
        self.roles = sim
            .servers()
            .iter()
            .map(|s| (s.node.id(), (NodeStatus::of(s), s.node.current_term())))
            .collect();
        self.asked = (sim.workload().outstanding())
            .filter(|w| is_user_client(w.command.client))
            .map(|w| (w.command.client, w.command.op.clone()))
            .collect();
        self.pending.clear();
        self.rebase(sim);
        // Entries applied before the fork were told; later ones come again.
        self.configs_told.retain(|(at, key, ..)| !later(*at, *key));
        self.lapses_told.retain(|&(_, _, at)| at <= now);
        self.pre_votes = (self.pre_votes.iter())
            .filter(|(node, (first, _))| {
                *first <= now && self.roles.get(node).map(|r| r.0) == Some(NodeStatus::PreCandidate)
            })
            .map(|(node, (first, again))| (*node, (*first, again.filter(|at| *at <= now))))
            .collect();
        self.timeout_now = None;
        self.lost_told = None;
        let kept = self.befores.iter().filter(|(_, (at, _))| *at <= now);
        self.befores = kept.map(|(k, v)| (*k, v.clone())).collect();
    }

    /// Takes each server as it is now, telling nothing: after a replay of
    /// what was seen before, or a jump in time.
    pub fn rebase(&mut self, sim: &crate::sim::Simulation) {
        self.watched = sim
            .servers()
            .iter()
            .map(|s| (s.node.id(), Watched::of(s, sim)))
            .collect();
    }

    /// Compares each server with how it last looked, after an event of
    /// `sim` (or an action), for what the trace does not say: a leadership
    /// transfer given up, a configuration a leader appended, a removed
    /// leader stepping down, a configuration entry overwritten. The lines
    /// go in after the trace's events of
    /// the same moment ([`EventLog::record`], [`EventLog::flush`]).
    pub fn observe(&mut self, sim: &crate::sim::Simulation) {
        let t = sim.now();
        for s in sim.servers() {
            let (id, n) = (s.node.id(), &s.node);
            let Some(was) = self.watched.get_mut(&id) else {
                self.watched.insert(id, Watched::of(s, sim));
                continue;
            };
            let leader_term = leader_term(s);
            let traced = sim.trace().len();
            let mut say = |text: String, ends: Ends| self.pending.push((t, traced, text, ends));
            if let (Some(to), None, true) = (
                was.transfer,
                n.transfer_target(),
                leader_term == was.leader_term,
            ) {
                let text =
                    format!("n{id} aborted handing leadership to n{to} after an election timeout");
                say(text, Ends::HandOver);
            }
            // Removed, and the removal committed (§4.2.2): not a restart
            // or a CheckQuorum step-down while it is still on its way.
            let removed = !n.membership().is_voter(id) && n.commit_index() >= n.membership_index();
            // Not a restart: a leader crashed and restarted in one action
            // comes back a follower of the same term too.
            let stepped_down = was.leader_term == Some(n.current_term())
                && leader_term.is_none()
                && s.up
                && s.incarnation == was.incarnation;
            if stepped_down && removed {
                say(
                    format!("n{id} stepped down: its removal is committed"),
                    Ends::Nothing,
                );
            } else if stepped_down && n.config().check_quorum {
                // In its own term, up and not removed: only CheckQuorum's
                // check lets a leader go (a tester missed the cause).
                say(
                    format!(
                        "n{id} stepped down: it heard from no majority within an election \
                         timeout (CheckQuorum, thesis §6.2)"
                    ),
                    Ends::Nothing,
                );
            }
            let index = n.membership_index();
            // An entry compacted into a snapshot has no term in the log: the
            // one seen before stands (a leader compacting past its
            // configuration was told changing it, to the same).
            let known = (index == was.config.0).then_some(was.config_term);
            let term = (n.log().term_at(index)).unwrap_or(known.unwrap_or(0));
            if (index, term) != (was.config.0, was.config_term) {
                let (old, old_term) = (&was.config, was.config_term);
                let changed = old.1 != *n.membership();
                if changed && leader_term.is_some() && leader_term == was.leader_term {
                    say(
                        config_change(id, &old.1, n.membership(), index),
                        Ends::Nothing,
                    );
                }
                // The old configuration's entry is gone from the log, or
                // another is at its index: overwritten by a later leader's
                // (§5.3), and its change with it (§4.1). Not a restart's
                // loss of what was not yet on disk.
                let gone = index < old.0 || n.log().term_at(old.0).is_some_and(|t| t != old_term);
                let restarted = s.incarnation != was.incarnation;
                if old.0 > 0 && gone && !restarted && self.lost_told.as_ref() != Some(old) {
                    let before = self.befores.get(&(old.0, old_term)).map(|b| &b.1);
                    say(config_lost(old, before, n.membership()), Ends::Nothing);
                    self.lost_told = Some(old.clone());
                } else if !gone && !self.befores.contains_key(&(index, term)) {
                    self.befores.insert((index, term), (t, old.1.clone()));
                }
                was.config = (index, n.membership().clone());
                was.config_term = term;
            }
            was.incarnation = s.incarnation;
            // A lease earned or lost by a leader that goes on leading
            // (thesis §6.4.1); renewals go unsaid, and a step-down says itself.
            // A lease given up before its time did not run out: a
            // hand-over or new read settings say themselves, a new drift
            // bound is told here (its action line says only the bound).
            let lease = lease_until(s, sim);
            let leading = leader_term.is_some() && leader_term == was.leader_term;
            let ran_out = was.lease.is_some_and(|until| sim.node_time(id) >= until);
            let drift_ppm = n.config().max_clock_drift_ppm;
            // At ±30% drift it said 59 lapses and 61 leases in 3 s.
            let lapses_told = &mut self.lapses_told;
            let lapsed_before = leading
                && (lapses_told.iter()).any(|&(n, term, _)| n == id && Some(term) == leader_term);
            match (was.lease.is_some(), lease.is_some()) {
                (false, true) if !lapsed_before => say(
                    format!(
                        "n{id} holds a read lease (thesis §6.4.1): it answers reads without a round \
                     while its heartbeats renew the lease"
                    ),
                    Ends::Nothing,
                ),
                (true, false) if leading && ran_out && !lapsed_before => {
                    let term = leader_term.unwrap_or_default();
                    say(
                        format!(
                            "n{id}'s read lease ran out: its reads wait for a round of heartbeats \
                             (thesis §6.4); another lease or lapse in term {term} goes unsaid"
                        ),
                        Ends::Nothing,
                    );
                    lapses_told.push((id, term, t));
                }
                (true, false) if leading && drift_ppm != was.drift_ppm => say(
                    lease_given_up(id, drift_ppm > was.drift_ppm, n.lease_duration() > 0),
                    Ends::Nothing,
                ),
                _ => {}
            }
            was.lease = lease;
            was.drift_ppm = drift_ppm;
            was.leader_term = leader_term;
            was.transfer = n.transfer_target();
        }
    }

    /// Puts in the lines `observe` found.
    pub fn flush(&mut self) {
        self.flush_before(Time::MAX);
    }

    fn flush_before(&mut self, t: Time) {
        while self.pending.first().is_some_and(|p| p.0 < t) {
            let (at, key, text, ends) = self.pending.remove(0);
            if ends == Ends::HandOver {
                self.timeout_now = None;
            }
            self.push(at, key, text);
        }
    }

    fn push(&mut self, t: Time, key: u64, text: String) {
        if self.lines.len() == KEEP {
            self.lines.pop_front();
            self.scrolled_away += 1;
        }
        self.lines.push_back((
            t,
            key,
            format!("t={}s {text}", crate::sim::decimal::seconds(t, 3)),
        ));
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
        if !event.is_counted() {
            return;
        }
        self.records += 1;
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
                    key: self.records,
                });
            }
        }
        self.flush_before(t);
        if let Some(text) = self.describe(t, event) {
            self.push(t, self.records, text);
        }
    }

    /// The next event [`EventLog::record`] takes is the trace's event
    /// `index` (from 0): the page says so before each batch it records.
    pub fn records_from(&mut self, index: u64) {
        self.records = index;
    }

    /// As [`EventLog::record`], with the run's `actions`: an action is said
    /// in words ("n3 cut off from the rest"), not as the trace wrote it
    /// (`partition [[3]]`, which its hash keeps).
    pub fn record_in_run(&mut self, t: Time, event: &TraceEvent, actions: &[(Time, Action)]) {
        if let TraceEvent::Action { description } = event {
            let taken = actions
                .iter()
                .rev()
                .find(|(at, a)| *at == t && a.to_string() == *description);
            if let Some((_, action)) = taken {
                let description = super::action_words::action_words(action);
                return self.record(t, &TraceEvent::Action { description });
            }
        }
        self.record(t, event);
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

    /// A server's new role or term, if it is news.
    fn role_change(&mut self, node: NodeId, term: u64, role: NodeStatus) -> Option<String> {
        // Every server starts as a follower in term 0 (Figure 2), so
        // its first election is news too.
        let (was, was_term) = self
            .roles
            .insert(node, (role, term))
            .unwrap_or((NodeStatus::Follower, 0));
        // A new term ends a pre-candidacy's rounds too: only an unsafe
        // pre-candidate raises its term (`prevote-raises-term`), and its
        // rounds did not keep the term the log would say they kept (a
        // review).
        if role != NodeStatus::PreCandidate || was != role || term != was_term {
            self.pre_votes.remove(&node);
        }
        // A candidate that times out again starts a new election
        // without changing role: that is news too, as is a pre-candidate
        // that raised its term.
        let new_election =
            matches!(role, NodeStatus::Candidate | NodeStatus::PreCandidate) && term != was_term;
        if was == role && !new_election {
            return None;
        }
        Some(match role {
            // A resumed node keeps its role, a restarted one is a
            // follower: say so, rather than announce an election
            // that did not happen. ("Back", not "resumed": a
            // restart is not a resume.)
            _ if was == NodeStatus::Stopped => {
                format!("n{node} is back as {} in term {term}", role.as_str())
            }
            NodeStatus::Leader => format!("n{node} became leader for term {term}"),
            NodeStatus::Candidate => format!("n{node} started an election for term {term}"),
            NodeStatus::PreCandidate => {
                format!("n{node} asks for pre-votes for term {}", term + 1)
            }
            NodeStatus::Stopped => format!("n{node} stopped"),
            NodeStatus::Follower => format!("n{node} is a follower in term {term}"),
        })
    }

    /// A pre-candidate's PreVote sent at `t` for `term`: its first round
    /// was told as its change of role, its second is told here, and the
    /// rest go unsaid.
    fn pre_vote_sent(&mut self, t: Time, node: NodeId, term: u64) -> Option<String> {
        match self.pre_votes.get_mut(&node) {
            None => {
                self.pre_votes.insert(node, (t, None));
                None
            }
            Some((first, again @ None)) if *first != t => {
                *again = Some(t);
                Some(format!(
                    "n{node} asks again for pre-votes for term {term}: its own term stays {} \
                     (it asks each election timeout until a majority would vote; \
                     later rounds go unsaid)",
                    term.saturating_sub(1)
                ))
            }
            Some(_) => None,
        }
    }

    /// A leader's TimeoutNow (§3.10), once per hand-over: a lost one is
    /// sent again, but a second transfer in the same term is another.
    fn timeout_now_sent(&mut self, from: NodeId, to: NodeId, term: u64) -> Option<String> {
        let told = self.timeout_now.replace((from, to, term));
        (told != Some((from, to, term)))
            .then(|| format!("n{from} sent TimeoutNow to n{to}, whose log is caught up: stand now"))
    }

    /// A configuration entry applied at `index`: its commit, told by the
    /// first server to apply it (§4.3 for the joint ones).
    fn configuration_committed(
        &mut self,
        t: Time,
        index: LogIndex,
        m: &Membership,
    ) -> Option<String> {
        if index <= self.configs_told.last().map_or(0, |c| c.2) {
            return None;
        }
        let was_joint = self.configs_told.last().is_some_and(|c| c.3);
        self.configs_told
            .push((t, self.records, index, m.is_joint()));
        Some(match (m.is_joint(), was_joint) {
            (true, _) => format!("C_old,new at index {index} is committed"),
            (false, true) => format!("C_new at index {index} is committed: {}", members(m)),
            _ => format!(
                "the configuration at index {index} is committed: {}",
                members(m)
            ),
        })
    }

    fn describe(&mut self, t: Time, event: &TraceEvent) -> Option<String> {
        match event {
            TraceEvent::State {
                node, term, role, ..
            } => self.role_change(*node, *term, *role),
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
            TraceEvent::Send {
                from: Endpoint::Node(from),
                to: Endpoint::Node(to),
                kind: "TimeoutNow",
                term: Some(term),
                ..
            } => self.timeout_now_sent(*from, *to, *term),
            TraceEvent::Send {
                from: Endpoint::Node(from),
                kind: "PreVote",
                term: Some(term),
                ..
            } => self.pre_vote_sent(t, *from, *term),
            TraceEvent::Apply {
                index,
                payload: Payload::Config(m),
                ..
            } => self.configuration_committed(t, *index, m),
            TraceEvent::Action { description } => Some(format!("action: {description}")),
            TraceEvent::Invoke { client, op, .. } if is_user_client(*client) => {
                self.asked.insert(*client, op.clone());
                Some(format!("you sent {op}"))
            }
            TraceEvent::Return {
                client,
                outcome,
                result,
                ..
            } if is_user_client(*client) => {
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

/// What a leader's new configuration changed, as it appends it: joint
/// consensus entered or left (thesis §4.3), or servers added as learners,
/// promoted or removed one at a time (§4.1-4.2).
fn config_change(leader: NodeId, old: &Membership, new: &Membership, index: LogIndex) -> String {
    let at = format!("at index {index}");
    if new.is_joint() && !old.is_joint() {
        return format!(
            "n{leader} entered joint consensus {at}: C_old,new needs a majority of old {} and of new {}",
            servers(&new.outgoing),
            servers(&new.voters)
        );
    }
    if old.is_joint() && !new.is_joint() {
        return format!("n{leader} appended C_new {at}: {}", members(new));
    }
    let which = |keep: &dyn Fn(NodeId) -> bool| -> Vec<NodeId> {
        let all = old.servers().into_iter().chain(new.servers());
        // A VecSet: the standard sort costs the page's wasm its code.
        let ids: VecSet<NodeId> = all.filter(|&id| keep(id)).collect();
        ids.iter().copied().collect::<Vec<_>>()
    };
    let promoted = which(&|id| old.is_learner(id) && new.is_voter(id));
    let added = which(&|id| !old.contains(id) && new.contains(id));
    let removed = which(&|id| old.contains(id) && !new.contains(id));
    // "n6 joins as a learner", "n6 and n7 join as learners".
    let some = |ids: &[NodeId], one: &str, more: &str| {
        (!ids.is_empty())
            .then(|| format!("{} {}", servers(ids), [one, more][(ids.len() > 1) as usize]))
    };
    let said: Vec<String> = [
        some(&promoted, "caught up, now voting", "caught up, now voting"),
        some(&added, "joins as a learner", "join as learners"),
        some(&removed, "leaves", "leave"),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!(
        "n{leader} changed the configuration {at}: {}",
        said.join(", ")
    )
}

/// A configuration entry at `lost.0`, overwritten by a later leader's log:
/// what its change was (from `before`, where known), and what the servers
/// that held it use now. An added server that nobody else heard of is left in no
/// configuration the leader knows (a page tester saw one shown "removed",
/// unexplained).
fn config_lost(
    lost: &(LogIndex, Membership),
    before: Option<&Membership>,
    now: &Membership,
) -> String {
    let (index, m) = lost;
    let change = match before.map(|back| change_words(back, m)) {
        Some(change) if !change.is_empty() => format!(", {change},"),
        _ => String::new(),
    };
    format!(
        "the configuration entry at index {index}{change} was overwritten by a \
         later leader's log (§5.3), whose configuration is {}",
        members(now)
    )
}

/// What the configuration `m` changed from `back`, in words: "adding n6",
/// "entering joint consensus".
fn change_words(back: &Membership, m: &Membership) -> String {
    match (m.is_joint(), back.is_joint()) {
        (true, false) => "entering joint consensus".into(),
        (false, true) => "leaving joint consensus".into(),
        _ => {
            let ids = |keep: &dyn Fn(NodeId) -> bool| -> Vec<NodeId> {
                let all = m.servers().into_iter().chain(back.servers());
                let ids: VecSet<NodeId> = all.filter(|&id| keep(id)).collect();
                ids.iter().copied().collect()
            };
            let said: Vec<String> = [
                ("adding", ids(&|s| m.contains(s) && !back.contains(s))),
                ("promoting", ids(&|s| m.is_voter(s) && back.is_learner(s))),
                ("removing", ids(&|s| back.contains(s) && !m.contains(s))),
            ]
            .into_iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(verb, ids)| format!("{verb} {}", servers(&ids)))
            .collect();
            said.join(" and ")
        }
    }
}

/// "voters n1, n2 and n3", with the learners if any.
fn members(m: &Membership) -> String {
    let learners = match m.learners.as_slice() {
        [] => String::new(),
        l => format!(", learners {}", servers(l)),
    };
    format!("voters {}{learners}", servers(&m.voters))
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
#[path = "event_log_tests.rs"]
mod tests;
