//! One Raft server as a deterministic state machine (sans-IO).
//!
//! The caller feeds it inputs (a message, the current time, a client request,
//! a restart from storage, the news that its writes are durable) and collects
//! its outputs in an [`Output`]: what to persist, messages to send at once or
//! only after persisting, replies to clients, entries applied (`output.rs`
//! states the contract). It never reads a clock, does I/O or draws ambient
//! randomness. The rules live in `election.rs`, `replication.rs` and
//! `client.rs`; this file holds the state and the transitions between roles.

use super::client::PendingProposal;
use super::command::Payload;
use super::config::Config;
use super::install_snapshot::{Incoming, SnapshotChunk};
use super::joint_consensus::JointPlan;
use super::log::{Entry, RaftLog};
use super::membership::Membership;
use super::membership_change::CatchUp;
use super::message::{Envelope, Message};
use super::output::{LogChange, Output, UnsafeStep};
use super::progress::Progress;
use super::read_index::Reads;
use super::replication::AppendRequest;
use super::rng::Rng;
use super::snapshot::Snapshot;
use super::state_machine::KvStore;
use super::types::{LogIndex, NodeId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;
use super::vec_map::{VecMap, VecSet};

/// Follower, candidate or leader (§5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Passive: answers leaders and candidates, and starts an election when
    /// it hears from neither for an election timeout (§5.2).
    Follower,
    /// With PreVote on: asking whether it could win an election before
    /// starting one, still in its old term (thesis §9.6). A follower in all
    /// but name: it answers leaders and candidates as one.
    PreCandidate,
    /// Asking the other servers for votes to become leader of its term (§5.2).
    Candidate,
    /// Handles client requests and replicates its log to the others (§5.3).
    /// At most one per term.
    Leader,
}

impl Role {
    /// The lowercase name: `"follower"`, `"candidate"` or `"leader"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// State that must survive a crash (Figure 2, "Persistent state on all
/// servers"). The node changes it in memory and asks the caller to make each
/// change durable ([`Output::hard_state`], [`Output::log_changes`]); the
/// messages that depend on a change wait until it is
/// ([`Output::after_persist`]). A restart starts from what storage kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersistentState {
    /// The latest term this server has seen: 0 at first, never decreasing.
    pub current_term: Term,
    /// The candidate this server voted for in `current_term`, if any. Kept
    /// across a crash so that a server never votes twice in one term (§5.2).
    pub voted_for: Option<NodeId>,
    /// This server's log.
    pub log: RaftLog,
    /// The latest snapshot, which holds what the log compacted away
    /// (thesis §5.1): the log starts right after its last included index.
    pub snapshot: Option<Snapshot>,
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct RaftNode {
    pub(super) id: NodeId,
    pub(super) config: Config,
    pub(super) persistent: PersistentState,
    // Volatile state on all servers (Figure 2).
    pub(super) role: Role,
    pub(super) commit_index: LogIndex,
    pub(super) state_machine: KvStore,
    /// The leader of the current term, once known: the hint for clients.
    pub(super) leader_hint: Option<NodeId>,
    /// When a follower or candidate starts an election if nothing resets it.
    pub(super) election_deadline: Time,
    /// Candidate only: who granted a vote in the current term. Pre-candidate
    /// only: who granted a pre-vote for the next term.
    pub(super) votes: VecSet<NodeId>,
    /// When this server last heard from a leader of its current term (or,
    /// as leader, since when it leads): what "a current leader exists"
    /// means for PreVote and CheckQuorum. `None` after a restart. Under
    /// lease reads it outlives a step into a later term (`become_follower`).
    pub(super) leader_contact: Option<Time>,
    /// The term of that leader: the current term, except after such a step.
    pub(super) leader_contact_term: Term,
    /// Leader with CheckQuorum only: when it next checks that a majority
    /// answered since the last check (thesis §6.2).
    pub(super) quorum_check_at: Time,
    /// Leader only, during a leadership transfer (thesis §3.10): the
    /// server it hands over to, and when it gives up.
    pub(super) transfer: Option<(NodeId, Time)>,
    // Volatile state on leaders (Figure 2), reinitialized after election.
    pub(super) progress: VecMap<NodeId, Progress>,
    /// Leader only: the last index of its own log known to be durable, its
    /// own "matchIndex" in the commit count (thesis §10.2.1: a leader counts
    /// itself only once its write is durable).
    pub(super) own_match: LogIndex,
    pub(super) heartbeat_deadline: Time,
    /// Client requests this server appended as leader, by log index, waiting
    /// for their entry to be applied (or overwritten).
    pub(super) pending: VecMap<LogIndex, PendingProposal>,
    /// Reads answered without the log: waiting at the leader, or forwarded
    /// to it (thesis §6.4).
    pub(super) reads: Reads,
    /// The configuration in use: the latest in the log, committed or not,
    /// else the one the server started with (thesis §4.1).
    pub(super) membership: Membership,
    /// The index of the entry that holds `membership`; 0 for the one the
    /// server started with.
    pub(super) membership_index: LogIndex,
    /// Every other server of `membership`, in id order: whom a leader
    /// replicates to and a candidate asks for votes.
    pub(super) peers: Vec<NodeId>,
    /// Leader only: servers its latest change removed, still sent the log
    /// until that change commits, so that they learn they are out and stay
    /// quiet (thesis §4.2.3).
    pub(super) leaving: Vec<NodeId>,
    /// Leader only: the learners catching up, each in its current round
    /// of replication (thesis §4.2.1).
    pub(super) catch_up: VecMap<NodeId, CatchUp>,
    /// Leader only: a joint change under way (thesis §4.3).
    pub(super) joint_plan: Option<JointPlan>,
    /// Follower only: the chunks of a snapshot received so far (Figure 13).
    pub(super) incoming: Option<Incoming>,
    pub(super) rng: Rng,
    /// The vote its storage held that a restart forgot, only with the
    /// unsafe `ForgetVoteOnRestart` switch, until
    /// [`RaftNode::report_restart`] reports it.
    forgotten_vote: Option<NodeId>,
}

impl RaftNode {
    /// A brand new server with an empty log, as a follower of term 0.
    pub fn new(id: NodeId, config: Config, rng: Rng, now: Time) -> Self {
        Self::restart(id, config, PersistentState::default(), rng, now)
    }

    /// A server coming back from a crash with what it had persisted. "When
    /// servers start up, they begin as followers" (§5.2); everything volatile
    /// starts from zero.
    pub fn restart(
        id: NodeId,
        config: Config,
        mut persistent: PersistentState,
        rng: Rng,
        now: Time,
    ) -> Self {
        let mut forgotten_vote = None;
        if config
            .unsafe_switches
            .is_on(UnsafeSwitch::ForgetVoteOnRestart)
        {
            forgotten_vote = persistent.voted_for.take();
        }
        // A snapshot's entries are committed, and its state machine has
        // applied them (thesis §5.1).
        let (commit_index, state_machine) = match &persistent.snapshot {
            Some(s) => (s.last_index(), (*s.store).clone()),
            None => (0, KvStore::default()),
        };
        let mut node = RaftNode {
            id,
            config,
            persistent,
            role: Role::Follower,
            commit_index,
            state_machine,
            leader_hint: None,
            election_deadline: 0,
            votes: VecSet::new(),
            leader_contact: None,
            leader_contact_term: 0,
            quorum_check_at: 0,
            transfer: None,
            progress: VecMap::new(),
            own_match: 0,
            heartbeat_deadline: 0,
            pending: VecMap::new(),
            reads: Reads::default(),
            membership: Membership::default(),
            membership_index: 0,
            peers: Vec::new(),
            leaving: Vec::new(),
            catch_up: VecMap::new(),
            joint_plan: None,
            incoming: None,
            rng,
            forgotten_vote,
        };
        node.refresh_membership();
        node.reset_election_deadline(now);
        // A lease counts on every server that acknowledged it refusing
        // votes for an election timeout. One that crashed and came back
        // must not vote sooner: it treats itself as having just heard from
        // a leader (the etcd lease's known gap, closed here).
        if node.leases_on() {
            node.heard_leader_before_restart(now);
        }
        node
    }

    /// What the restart that made this node did only because of an unsafe
    /// switch: a vote its storage held and it forgot (Figure 2's votedFor
    /// is persistent state). Reported once, into the first output after
    /// the restart; a caller that wants to know calls it then.
    pub fn report_restart(&mut self, out: &mut Output) {
        if let Some(candidate) = self.forgotten_vote.take() {
            out.unsafe_steps.push(UnsafeStep {
                switch: UnsafeSwitch::ForgetVoteOnRestart,
                peer: Some(candidate),
                index: None,
            });
        }
    }

    /// Crash: keep only what was persisted.
    pub fn into_persistent(self) -> PersistentState {
        self.persistent
    }

    // ---- read-only views -------------------------------------------------

    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The configuration this server was created with.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The configuration of the cluster this server uses: the latest in its
    /// log, committed or not (thesis §4.1), else the one it started with.
    pub fn membership(&self) -> &Membership {
        &self.membership
    }
    /// The index of the entry holding [`RaftNode::membership`]; 0 when it
    /// is the one the server started with.
    pub fn membership_index(&self) -> LogIndex {
        self.membership_index
    }
    /// Follower, candidate or leader.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The latest term this server has seen (currentTerm, §5.1).
    pub fn current_term(&self) -> Term {
        self.persistent.current_term
    }
    /// Whom this server voted for in the current term (votedFor), if anyone.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.persistent.voted_for
    }
    /// This server's log.
    pub fn log(&self) -> &RaftLog {
        &self.persistent.log
    }
    /// The state that survives a crash: current term, vote and log.
    pub fn persistent(&self) -> &PersistentState {
        &self.persistent
    }
    /// The highest log index this server knows to be committed (commitIndex,
    /// Figure 2). Volatile: 0 after a restart, until the server learns it
    /// again.
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    /// The index of the last entry applied to the state machine
    /// (lastApplied, Figure 2).
    pub fn last_applied(&self) -> LogIndex {
        self.state_machine.last_applied()
    }
    /// The key-value store built from the entries applied so far.
    pub fn state_machine(&self) -> &KvStore {
        &self.state_machine
    }
    /// The leader of the current term, if this server knows it: itself when
    /// leader, else the sender of an accepted AppendEntries. Where clients
    /// are redirected (§8).
    pub fn leader_hint(&self) -> Option<NodeId> {
        self.leader_hint
    }
    /// Candidate only: the servers (itself included) that granted it a vote
    /// in the current term; pre-candidate only: those that granted it a
    /// pre-vote. Empty in other roles.
    pub fn votes(&self) -> &VecSet<NodeId> {
        &self.votes
    }
    /// Leader only: nextIndex and matchIndex for each follower.
    pub fn progress(&self) -> &VecMap<NodeId, Progress> {
        &self.progress
    }
    /// When this server, as follower or candidate, starts an election unless
    /// something resets its timer first (§5.2). Not used while leader.
    pub fn election_deadline(&self) -> Time {
        self.election_deadline
    }
    /// How many client requests this server appended as leader are still
    /// waiting for their entry to be applied (or overwritten).
    pub fn pending_proposals(&self) -> usize {
        self.pending.len()
    }

    /// For the explorer's fingerprint (`sim::explore::fingerprint`): hashes
    /// the volatile state its accessors do not show and the rules act on —
    /// the leader's own match, its waiting proposals, its read rounds and
    /// waiting reads, a follower's forwarded reads, a snapshot being
    /// received, whether a leader was heard from (CheckQuorum), a forgotten
    /// vote — with every server it names renamed by `rename`. Not times,
    /// deadlines or the random stream: the explorer fires timers by action.
    pub fn hash_explored_state<H: std::hash::Hasher>(
        &self,
        h: &mut H,
        rename: &dyn Fn(NodeId) -> NodeId,
    ) {
        use std::hash::Hash;
        self.own_match.hash(h);
        self.pending.len().hash(h);
        for (index, proposal) in self.pending.iter() {
            (index, proposal).hash(h);
        }
        self.reads.hash_state(h, rename);
        if self.leases_on() && self.reads.handed_over {
            // No lease again in this term: it decides how reads are answered.
            "handed over".hash(h);
        }
        self.incoming.hash(h);
        self.leader_contact.is_some().hash(h);
        if self.leases_on() && self.leader_contact_term != self.current_term() {
            // A lease's promise carried into a later term: which term it
            // keeps votes from decides votes.
            self.leader_contact_term.hash(h);
        }
        self.forgotten_vote.map(rename).hash(h);
        self.catch_up.len().hash(h);
        self.transfer.map(|(id, _)| rename(id)).hash(h);
        // Servers a leader's change removed, still sent the log until it
        // commits (thesis §4.2.3); a set, so sorted after renaming.
        let mut leaving: Vec<NodeId> = self.leaving.iter().map(|&id| rename(id)).collect();
        leaving.sort_unstable();
        leaving.hash(h);
        self.joint_plan.is_some().hash(h);
    }

    /// The next time at which [`RaftNode::tick`] has work to do.
    pub fn next_deadline(&self) -> Time {
        match self.role {
            Role::Leader => {
                let mut next = self.heartbeat_deadline;
                if self.config.check_quorum {
                    next = next.min(self.quorum_check_at);
                }
                if let Some((_, abort_at)) = self.transfer {
                    next = next.min(abort_at);
                }
                next
            }
            Role::Follower | Role::PreCandidate | Role::Candidate => self.election_deadline,
        }
    }

    // ---- inputs ----------------------------------------------------------

    /// Time has passed: start an election (or a pre-vote), check the
    /// quorum or send heartbeats if due.
    pub fn tick(&mut self, now: Time, out: &mut Output) {
        self.input(out, |node, out| match node.role {
            Role::Leader => {
                node.abort_late_transfer(now, out);
                if node.config.check_quorum && now >= node.quorum_check_at {
                    node.check_quorum(now);
                }
                if node.role == Role::Leader && now >= node.heartbeat_deadline {
                    node.broadcast_append(now, out);
                    node.renew_lease(now, out);
                }
            }
            _ if now >= node.election_deadline => node.election_timeout(now, out),
            _ => {}
        })
    }

    /// A message from another server arrived.
    pub fn step(&mut self, now: Time, from: NodeId, message: Message, out: &mut Output) {
        self.input(out, |node, out| node.step_message(now, from, message, out))
    }

    fn step_message(&mut self, now: Time, from: NodeId, message: Message, out: &mut Output) {
        // Leader stickiness (thesis §4.2.3): while a leader is known to be
        // alive, a RequestVote is ignored, its term included: any, with
        // CheckQuorum on; one from a removed server, always.
        if self.ignores_vote_request(now, &message) || self.ignores_outsider(now, from, &message) {
            return;
        }
        // §5.1: any higher term makes this server a follower of that term.
        if message.adopts_term() && message.term() > self.current_term() {
            self.become_follower(now, message.term(), None);
        }
        match message {
            Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
                ..
            } => self.handle_request_vote(now, from, term, last_log_index, last_log_term, out),
            Message::TimeoutNow { term } => self.handle_timeout_now(now, term, out),
            Message::ReadHeartbeat { term, round } => {
                self.handle_read_heartbeat(now, from, term, round, out)
            }
            Message::ReadHeartbeatReply { term, round } => {
                self.handle_read_heartbeat_reply(from, term, round, out)
            }
            Message::ReadIndex {
                client, request, ..
            } => self.handle_read_index(now, from, client, request, out),
            Message::ReadIndexReply {
                client,
                request,
                index,
                ..
            } => self.handle_read_index_reply(client, request, index, out),
            Message::RequestVoteReply { term, vote_granted } => {
                self.handle_vote_reply(now, from, term, vote_granted, out)
            }
            Message::PreVote {
                term,
                last_log_index,
                last_log_term,
            } => self.handle_pre_vote(now, from, term, last_log_index, last_log_term, out),
            Message::PreVoteReply { term, vote_granted } => {
                self.handle_pre_vote_reply(now, from, term, vote_granted, out)
            }
            Message::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                let request = AppendRequest {
                    term,
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                };
                self.handle_append_entries(now, from, request, out)
            }
            Message::InstallSnapshot {
                term,
                meta,
                offset,
                records,
            } => {
                let chunk = SnapshotChunk {
                    term,
                    meta,
                    offset,
                    records,
                };
                self.handle_install_snapshot(now, from, chunk, out)
            }
            Message::InstallSnapshotReply {
                term,
                last_index,
                received,
                done,
            } => {
                let reply = (term, last_index, received, done);
                self.handle_install_snapshot_reply(now, from, reply, out)
            }
            Message::AppendEntriesReply {
                term,
                success,
                match_index,
                rejected_index,
                hint,
            } => {
                if success {
                    self.handle_append_success(now, from, term, match_index, out)
                } else {
                    self.handle_append_rejection(now, from, term, rejected_index, hint, out)
                }
            }
        }
    }

    /// Start an election now (a pre-vote first, with PreVote on), as if the
    /// election timer had fired.
    pub fn force_timeout(&mut self, now: Time, out: &mut Output) {
        if self.role != Role::Leader {
            self.input(out, |node, out| node.election_timeout(now, out));
        }
    }

    /// The heartbeat timer fires now, as if it were due: a leader sends
    /// AppendEntries to every follower (Figure 2, "repeat during idle
    /// periods to prevent election timeouts") and renews its lease. What
    /// an explorer uses to choose when heartbeats happen; nothing on a
    /// server that does not lead.
    pub fn force_heartbeat(&mut self, now: Time, out: &mut Output) {
        if self.role == Role::Leader {
            self.input(out, |node, out| {
                // As `tick` does before a heartbeat: the explorer, which
                // fires timers by action only, gives a transfer up here.
                node.abort_late_transfer(now, out);
                node.broadcast_append(now, out);
                node.renew_lease(now, out);
            });
        }
    }

    /// The election timer fired (§5.2): an election, or with PreVote on, a
    /// pre-vote that may lead to one (thesis §9.6).
    fn election_timeout(&mut self, now: Time, out: &mut Output) {
        if !self.may_stand() {
            return self.reset_election_deadline(now);
        }
        if self.config.pre_vote {
            self.start_pre_vote(now, out)
        } else {
            self.start_election(now, out)
        }
    }

    /// Move the election deadline (the playground's "spread" and "align
    /// timers" actions). Ignored on a leader.
    pub fn set_election_deadline(&mut self, at: Time) {
        self.election_deadline = at;
    }

    // ---- role transitions -------------------------------------------------

    /// Become a follower of `term` (§5.1). Volatile leader state is dropped;
    /// pending proposals stay, to be resolved when their index is applied or
    /// overwritten.
    pub(super) fn become_follower(&mut self, now: Time, term: Term, leader: Option<NodeId>) {
        let new_term = term > self.persistent.current_term;
        if new_term {
            self.persistent.current_term = term;
            self.persistent.voted_for = None;
        }
        let was_leader = self.role == Role::Leader;
        self.role = Role::Follower;
        self.leader_hint = leader;
        // The leader this server knows of is the one that just spoke, or
        // none: a new term's leader is not known yet, and a leader stepping
        // down knows no other. Under lease reads, though, a server that
        // acknowledged a leader's rounds promised to refuse votes for an
        // election timeout (thesis §6.4.1), and a later term it hears of
        // meanwhile (a rejected pre-vote's reply, say) does not end that
        // promise: it keeps the contact. etcd raft forgets it here
        // (`becomeFollower(term, None)`), which frees the vote inside the
        // lease; the session monkey and a lease sweep (seed 3574) found it.
        if leader.is_some() {
            self.heard_leader(now);
        } else if was_leader || (new_term && !self.leases_on()) {
            self.leader_contact = None;
        }
        self.votes.clear();
        self.progress.clear();
        self.leaving.clear();
        self.catch_up.clear();
        self.joint_plan = None;
        self.transfer = None;
        if was_leader || leader.is_some() {
            self.reset_election_deadline(now);
        }
    }

    /// A fresh randomized election timeout (§5.2), drawn from this server's
    /// own seeded stream.
    pub(super) fn reset_election_deadline(&mut self, now: Time) {
        let t = self.config.timing;
        self.election_deadline = now
            + self
                .rng
                .range_inclusive(t.election_timeout_min, t.election_timeout_max);
    }

    /// Do the servers in `set` make a quorum of the configuration in use
    /// (both majorities during joint consensus)?
    pub(super) fn is_quorum(&self, set: &VecSet<NodeId>) -> bool {
        self.membership.has_quorum(|id| set.contains(&id))
    }

    pub(super) fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.peers.iter().copied()
    }

    /// The `i`th server other than this one that a leader replicates to
    /// (the servers leaving last), for loops that send while mutating
    /// `self`.
    pub(super) fn peer_at(&self, i: usize) -> Option<NodeId> {
        let leaving = i.checked_sub(self.peers.len()).map(|j| self.leaving.get(j));
        leaving.unwrap_or(self.peers.get(i)).copied()
    }

    pub(super) fn send(&self, to: NodeId, message: Message, out: &mut Output) {
        out.messages.push(Envelope {
            from: self.id,
            to,
            message,
        });
    }

    pub(super) fn append_to_log(&mut self, entry: Entry, out: &mut Output) -> LogIndex {
        let membership = match &entry.payload {
            Payload::Config(m) => Some(m.clone()),
            _ => None,
        };
        let index = self.persistent.log.append(entry);
        push_appended(out, index);
        if let Some(membership) = membership {
            self.adopt_membership(index, &membership);
        }
        if self.role == Role::Leader {
            self.ack_own_append(index, out);
        }
        index
    }
}

/// Records that `index` was appended, merging with a preceding append.
fn push_appended(out: &mut Output, index: LogIndex) {
    if let Some(LogChange::Appended { to, .. }) = out.log_changes.last_mut() {
        if *to + 1 == index {
            *to = index;
            return;
        }
    }
    out.log_changes.push(LogChange::Appended {
        from: index,
        to: index,
    });
}
