//! Linearizable reads without writing the log: ReadIndex (thesis §6.4),
//! the lease read that skips its heartbeat round (§6.4.1, `lease.rs`), and
//! follower reads that ask the leader for a read index (§6.4's "reads from
//! followers").
//!
//! A read through the log costs an entry, a disk write on a majority and a
//! round trip. ReadIndex keeps the round trip and drops the rest:
//! 1. the leader must have committed an entry of its own term, its no-op,
//!    so that its commit index is at least every index committed before
//!    it took office (Leader Completeness, §5.4);
//! 2. it records its commit index as the read index;
//! 3. it sends a heartbeat round and waits for a majority to acknowledge,
//!    which proves no newer leader existed when the read arrived;
//! 4. it answers once it has applied up to the read index.
//!
//! The rounds travel as their own messages (`ReadHeartbeat`, like etcd's
//! heartbeat carrying a read context), so that an acknowledgement names the
//! round it answers even when it arrives late, twice or out of order.

use super::client::{ClientReply, ReplyOutcome};
use super::command::Key;
use super::message::Message;
use super::node::{RaftNode, Role};
use super::output::{Output, UnsafeStep};
use super::types::{ClientId, LogIndex, NodeId, RequestId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;
use serde::{Deserialize, Serialize};

/// How a cluster answers reads: the setting every server of a run shares
/// (etcd's `ReadOnlyOption`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadPath {
    /// Through the log like a write (§8): always linearizable, always slow.
    #[default]
    Log,
    /// ReadIndex (thesis §6.4): a heartbeat round instead of a log entry.
    ReadIndex,
    /// A leader holding a lease answers at once (thesis §6.4.1); without
    /// one it runs a ReadIndex round, which renews the lease. Safe only with
    /// CheckQuorum (followers must refuse to elect anyone while the lease
    /// runs) and clocks that drift no more than the configured bound.
    Lease,
    /// Any server answers from its own state machine at once: fast, and not
    /// linearizable (a partitioned old leader or a lagging follower answers
    /// with old data). For demonstrations.
    Local,
}

impl ReadPath {
    /// Every path, in declaration order.
    pub const ALL: [ReadPath; 4] = [
        ReadPath::Log,
        ReadPath::ReadIndex,
        ReadPath::Lease,
        ReadPath::Local,
    ];

    /// The name used in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReadPath::Log => "log",
            ReadPath::ReadIndex => "read_index",
            ReadPath::Lease => "lease",
            ReadPath::Local => "local",
        }
    }

    /// The path with this [`ReadPath::name`], if there is one.
    pub fn from_name(name: &str) -> Option<ReadPath> {
        ReadPath::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Which mechanism answered a read that did not go through the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServedBy {
    /// The leader, after a heartbeat round confirmed it still leads.
    ReadIndex,
    /// The leader, at once, inside its lease.
    Lease,
    /// A follower, once it applied the read index the leader gave it.
    Follower,
    /// Any server, from its own state, with no check at all.
    Local,
}

impl ServedBy {
    /// A short name for traces and the client panel.
    pub fn name(self) -> &'static str {
        match self {
            ServedBy::ReadIndex => "ReadIndex",
            ServedBy::Lease => "lease",
            ServedBy::Follower => "follower read",
            ServedBy::Local => "local",
        }
    }
}

/// How many forwarded reads a follower keeps waiting for their read index.
const MAX_FORWARDED: usize = 64;

/// Who waits for a read the leader is confirming.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Asker {
    /// A client asked the leader itself: answer with the value.
    Client { key: Key },
    /// A follower forwarded the read: answer with the read index.
    Follower(NodeId),
}

/// A read waiting at the leader for its round, its read index and (for a
/// client's own read) the apply of that index.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LeaderRead {
    client: ClientId,
    request: RequestId,
    asker: Asker,
    /// The first heartbeat round sent after the read arrived: its
    /// acknowledgement by a majority proves leadership at arrival.
    round: u64,
    /// The commit index when the read arrived, or once the leader's no-op
    /// committed if it had not yet.
    index: Option<LogIndex>,
}

/// A read this server forwarded to the leader as a follower.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ForwardedRead {
    client: ClientId,
    request: RequestId,
    key: Key,
    /// The leader's answer, once it came.
    index: Option<LogIndex>,
}

/// The volatile read state of one server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Reads {
    /// Leader: the last heartbeat round sent in this term of office.
    round: u64,
    /// Leader: the latest round a majority acknowledged.
    confirmed: u64,
    /// Leader: when each unconfirmed round was sent (its lease starts then).
    sent_at: Vec<(u64, Time)>,
    /// Leader: until when it may answer without a round (`lease.rs`).
    pub(super) lease_until: Time,
    /// Leader: a TimeoutNow went out in this term of office. The election
    /// it starts ignores leader stickiness and may begin and end any time
    /// later (the message, or the votes it asks for, may be late), so no
    /// lease can be trusted again in this term (`lease.rs`).
    pub(super) handed_over: bool,
    /// Leader: reads waiting to be answered.
    waiting: Vec<LeaderRead>,
    /// Follower: reads sent on to the leader.
    forwarded: Vec<ForwardedRead>,
}

impl Reads {
    /// Hashes what the rules act on (rounds, waiting and forwarded reads),
    /// not when rounds were sent or the lease ends (times), with every
    /// server named renamed by `rename`: for the explorer's fingerprint.
    pub(super) fn hash_state<H: std::hash::Hasher>(
        &self,
        h: &mut H,
        rename: &dyn Fn(NodeId) -> NodeId,
    ) {
        use std::hash::Hash;
        (self.round, self.confirmed).hash(h);
        self.waiting.len().hash(h);
        for read in &self.waiting {
            (read.client, read.request, read.round, read.index).hash(h);
            match &read.asker {
                Asker::Client { key } => (0u8, key).hash(h),
                Asker::Follower(id) => (1u8, rename(*id)).hash(h),
            }
        }
        self.forwarded.len().hash(h);
        for read in &self.forwarded {
            (read.client, read.request, &read.key, read.index).hash(h);
        }
    }

    /// Hashes each unconfirmed round with the lease it would earn, as
    /// `lease_end` gives it (relative to now): for the explorer's
    /// time-relative fingerprint (`explored_times`).
    pub(super) fn hash_sent_at<H: std::hash::Hasher>(
        &self,
        h: &mut H,
        lease_end: impl Fn(Time) -> Time,
    ) {
        use std::hash::Hash;
        self.sent_at.len().hash(h);
        for &(round, sent) in &self.sent_at {
            (round, lease_end(sent)).hash(h);
        }
    }
}

impl RaftNode {
    /// A client's read under ReadIndex or a lease: the leader confirms it
    /// still leads (or holds a lease); another server forwards it to the
    /// leader it knows.
    pub(super) fn read(
        &mut self,
        now: Time,
        client: ClientId,
        request: RequestId,
        key: Key,
        out: &mut Output,
    ) {
        if self.takes_requests() {
            if self.serve_by_lease(now, client, request, &key, out) {
                return;
            }
            let asker = Asker::Client { key };
            return self.start_leader_read(now, client, request, asker, out);
        }
        let leader = match self.role {
            Role::Follower => self.leader_hint,
            _ => None,
        };
        let Some(leader) = leader.filter(|&l| l != self.id) else {
            return push_reply(out, client, request, self.not_leader());
        };
        let forwarded = &mut self.reads.forwarded;
        if !forwarded
            .iter()
            .any(|r| (r.client, r.request) == (client, request))
        {
            // A forwarded read whose answer was lost would wait forever; its
            // client gave up long ago (an unknown read changed nothing), so
            // only the latest few are kept.
            if forwarded.len() == MAX_FORWARDED {
                forwarded.remove(0);
            }
            forwarded.push(ForwardedRead {
                client,
                request,
                key,
                index: None,
            });
        }
        let term = self.current_term();
        let message = Message::ReadIndex {
            term,
            client,
            request,
        };
        self.send(leader, message, out);
    }

    /// Steps 1 to 3: register the read and send a round for it.
    fn start_leader_read(
        &mut self,
        now: Time,
        client: ClientId,
        request: RequestId,
        asker: Asker,
        out: &mut Output,
    ) {
        let index = self.read_index_now();
        if index.is_some() && !self.own_term_committed() {
            // Only `ReadIndexWithoutNoop` gives this read an index now.
            out.unsafe_steps.push(UnsafeStep {
                switch: UnsafeSwitch::ReadIndexWithoutNoop,
                peer: None,
                index,
            });
        }
        let round = self.round_for_a_read(now, index, out);
        self.reads.waiting.push(LeaderRead {
            client,
            request,
            asker,
            round,
            index,
        });
        // A round sent now is never confirmed yet; only a reused one
        // (`ReadIndexReusesRound`) can be, and its read is answered at once.
        let reused_and_confirmed = round <= self.reads.confirmed;
        // A cluster of one confirms its round by itself.
        self.confirm_rounds(out);
        if reused_and_confirmed {
            self.serve_reads(out);
        }
    }

    /// The round that confirms a read arriving now: a new one, sent now
    /// (step 3). With the unsafe `ReadIndexReusesRound` switch, the last
    /// one sent, if there is one, perhaps long confirmed.
    fn round_for_a_read(&mut self, now: Time, index: Option<LogIndex>, out: &mut Output) -> u64 {
        let switch = UnsafeSwitch::ReadIndexReusesRound;
        if self.config.unsafe_switches.is_on(switch) && self.reads.round > 0 {
            let step = UnsafeStep {
                switch,
                peer: None,
                index,
            };
            out.unsafe_steps.push(step);
            return self.reads.round;
        }
        self.send_read_round(now, out)
    }

    /// The read index a read arriving now gets: the commit index, once an
    /// entry of this term is committed (step 1). With the unsafe
    /// `ReadIndexWithoutNoop` switch, the commit index at once.
    fn read_index_now(&self) -> Option<LogIndex> {
        let unsafe_now = self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::ReadIndexWithoutNoop);
        (self.own_term_committed() || unsafe_now).then_some(self.commit_index)
    }

    /// Sends the next heartbeat round to every follower; returns its number.
    pub(super) fn send_read_round(&mut self, now: Time, out: &mut Output) -> u64 {
        self.reads.round += 1;
        let round = self.reads.round;
        self.reads.sent_at.push((round, now));
        let term = self.current_term();
        let mut i = 0;
        while let Some(peer) = self.peer_at(i) {
            self.send(peer, Message::ReadHeartbeat { term, round }, out);
            i += 1;
        }
        round
    }

    /// A follower heard a round from the leader of its term: the leader is
    /// alive (as with AppendEntries, §5.2), and the acknowledgement says so.
    pub(super) fn handle_read_heartbeat(
        &mut self,
        now: Time,
        leader: NodeId,
        term: Term,
        round: u64,
        out: &mut Output,
    ) {
        // A round from an earlier term is acknowledged as round 0, which
        // confirms nothing: the reply carries this server's newer term, and
        // a leader of that term must not take the old leader's round number
        // for one of its own. (Found by the linearizability checker: a
        // server paused in term 28 answered a term-28 round after adopting
        // term 32, and the leader of 32, cut off from the majority,
        // counted it and served a stale read.)
        let round = if term == self.current_term() {
            self.become_follower(now, term, Some(leader));
            round
        } else {
            0
        };
        // A stale leader learns the newer term from the reply (§5.1).
        let reply = Message::ReadHeartbeatReply {
            term: self.current_term(),
            round,
        };
        self.respond(leader, reply, out);
    }

    /// A follower acknowledged `round` (or a stale reply arrived).
    pub(super) fn handle_read_heartbeat_reply(
        &mut self,
        follower: NodeId,
        term: Term,
        round: u64,
        out: &mut Output,
    ) {
        if self.role != Role::Leader || term != self.current_term() {
            return;
        }
        self.record_active(follower);
        if let Some(progress) = self.progress.get_mut(&follower) {
            progress.read_round = progress.read_round.max(round);
        }
        self.confirm_rounds(out);
    }

    /// The latest round a majority (this leader included) acknowledged:
    /// every read waiting on it or an earlier one is confirmed, and the
    /// lease runs from when that round was sent.
    pub(super) fn confirm_rounds(&mut self, out: &mut Output) {
        let majority = self.quorum_value(self.reads.round, |p| p.read_round);
        if majority <= self.reads.confirmed {
            return;
        }
        self.reads.confirmed = majority;
        if let Some(&(_, sent)) = self.reads.sent_at.iter().find(|(r, _)| *r == majority) {
            self.extend_lease(sent, out);
        }
        self.reads.sent_at.retain(|(r, _)| *r > majority);
        self.serve_reads(out);
    }

    /// Step 4, and the answers to forwarded reads: whatever is confirmed,
    /// has its read index and (for a local client) is applied that far.
    pub(super) fn serve_reads(&mut self, out: &mut Output) {
        if self.role == Role::Leader {
            self.assign_read_indexes();
            let confirmed = self.reads.confirmed;
            let applied = self.last_applied();
            let waiting = std::mem::take(&mut self.reads.waiting);
            for read in waiting {
                match (read.index, &read.asker) {
                    (Some(index), Asker::Client { key })
                        if read.round <= confirmed && index <= applied =>
                    {
                        let served_by = ServedBy::ReadIndex;
                        self.answer_read(read.client, read.request, key, index, served_by, out);
                    }
                    (Some(index), &Asker::Follower(follower)) if read.round <= confirmed => {
                        self.answer_forwarded(follower, read.client, read.request, Some(index), out)
                    }
                    _ => self.reads.waiting.push(read),
                }
            }
        }
        self.serve_forwarded(out);
    }

    /// Reads that arrived before the no-op committed get the commit index
    /// once it has.
    fn assign_read_indexes(&mut self) {
        if self.reads.waiting.iter().all(|r| r.index.is_some()) {
            return;
        }
        if let Some(index) = self.read_index_now() {
            for read in self.reads.waiting.iter_mut().filter(|r| r.index.is_none()) {
                read.index = Some(index);
            }
        }
    }

    /// The leader tells `follower` the read index of its client's read
    /// (`None`: not the leader, ask elsewhere).
    fn answer_forwarded(
        &self,
        follower: NodeId,
        client: ClientId,
        request: RequestId,
        index: Option<LogIndex>,
        out: &mut Output,
    ) {
        let term = self.current_term();
        let reply = Message::ReadIndexReply {
            term,
            client,
            request,
            index,
        };
        self.send(follower, reply, out);
    }

    /// A follower forwarded a client's read: run it as the leader's own,
    /// or say this server does not lead.
    pub(super) fn handle_read_index(
        &mut self,
        now: Time,
        follower: NodeId,
        client: ClientId,
        request: RequestId,
        out: &mut Output,
    ) {
        if !self.takes_requests() {
            return self.answer_forwarded(follower, client, request, None, out);
        }
        if self.lease_valid(now) {
            if let Some(index) = self.read_index_now() {
                return self.answer_forwarded(follower, client, request, Some(index), out);
            }
        }
        let asker = Asker::Follower(follower);
        self.start_leader_read(now, client, request, asker, out);
    }

    /// The leader's answer to a forwarded read. The index is safe to use
    /// whenever it arrives: it was confirmed after the read reached the
    /// leader, which was after the client invoked it.
    pub(super) fn handle_read_index_reply(
        &mut self,
        client: ClientId,
        request: RequestId,
        index: Option<LogIndex>,
        out: &mut Output,
    ) {
        let forwarded = &mut self.reads.forwarded;
        let Some(at) = forwarded
            .iter()
            .position(|r| (r.client, r.request) == (client, request))
        else {
            return;
        };
        match index {
            Some(index) => {
                forwarded[at].index = Some(index);
                self.serve_forwarded(out);
            }
            None => {
                forwarded.remove(at);
                let leader_hint = self.leader_hint;
                let outcome = ReplyOutcome::NotLeader { leader_hint };
                push_reply(out, client, request, outcome);
            }
        }
    }

    /// Forwarded reads whose read index this server has applied.
    fn serve_forwarded(&mut self, out: &mut Output) {
        let applied = self.last_applied();
        let ready = |r: &ForwardedRead| r.index.is_some_and(|i| i <= applied);
        if !self.reads.forwarded.iter().any(ready) {
            return;
        }
        let forwarded = std::mem::take(&mut self.reads.forwarded);
        for read in forwarded {
            match read.index {
                Some(index) if index <= applied => {
                    let (client, request) = (read.client, read.request);
                    self.answer_read(client, request, &read.key, index, ServedBy::Follower, out);
                }
                _ => self.reads.forwarded.push(read),
            }
        }
    }

    /// After every input: a server that no longer leads refuses the reads
    /// still waiting for it, which a read may do (it changed nothing).
    pub(super) fn refuse_reads_if_deposed(&mut self, out: &mut Output) {
        if self.role == Role::Leader || self.reads.waiting.is_empty() {
            return;
        }
        let leader_hint = self.leader_hint;
        for read in std::mem::take(&mut self.reads.waiting) {
            match read.asker {
                Asker::Client { .. } => {
                    let outcome = ReplyOutcome::NotLeader { leader_hint };
                    push_reply(out, read.client, read.request, outcome);
                }
                Asker::Follower(follower) => {
                    self.answer_forwarded(follower, read.client, read.request, None, out)
                }
            }
        }
    }

    /// A new term of office: rounds count from zero again, with no lease.
    pub(super) fn reset_leader_reads(&mut self) {
        let forwarded = std::mem::take(&mut self.reads.forwarded);
        self.reads = Reads {
            forwarded,
            ..Reads::default()
        };
    }

    /// A read answered from this server's state at once (`ReadPath::Local`).
    pub(super) fn read_locally(
        &self,
        client: ClientId,
        request: RequestId,
        key: &str,
        out: &mut Output,
    ) {
        let index = self.last_applied();
        self.answer_read(client, request, key, index, ServedBy::Local, out);
    }

    /// Answers a read from this server's state machine, applied up to
    /// `index` (or further).
    pub(super) fn answer_read(
        &self,
        client: ClientId,
        request: RequestId,
        key: &str,
        index: LogIndex,
        served_by: ServedBy,
        out: &mut Output,
    ) {
        let outcome = ReplyOutcome::Read {
            index,
            result: self.state_machine.read(key),
            served_by,
        };
        push_reply(out, client, request, outcome);
    }

    /// Change how this server answers reads from now on (the playground's
    /// setting). Reads already waiting finish as they started. A lease is
    /// only as good as the settings it was earned under, so a change ends
    /// it (rounds under ReadIndex also extend it, unused).
    pub fn set_reads(&mut self, path: ReadPath) {
        if path != self.config.reads {
            self.end_lease();
        }
        self.config.reads = path;
    }

    /// Reads waiting at this server, as leader or forwarded to one.
    pub fn waiting_reads(&self) -> usize {
        self.reads.waiting.len() + self.reads.forwarded.len()
    }
}

pub(super) fn push_reply(
    out: &mut Output,
    client: ClientId,
    request: RequestId,
    outcome: ReplyOutcome,
) {
    out.replies.push(ClientReply {
        client,
        request,
        outcome,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Config, Rng};

    /// A round of an earlier term is acknowledged as round 0, which
    /// confirms nothing: a mutation that echoed its round passed every
    /// ReadIndex sweep (a mutation tester, 2026-12-05; only lease sweeps
    /// caught it).
    #[test]
    fn a_read_round_of_an_earlier_term_is_acknowledged_as_round_0() {
        let mut node = RaftNode::new(2, Config::cluster(3), Rng::new(2), 0);
        let mut out = Output::default();
        let newer = Message::ReadHeartbeat { term: 3, round: 1 };
        node.step(0, 3, newer, &mut out);
        node.persisted_now(0, &mut out);
        let mut out = Output::default();
        let stale = Message::ReadHeartbeat { term: 2, round: 5 };
        node.step(0, 1, stale, &mut out);
        node.persisted_now(0, &mut out);
        let reply = Message::ReadHeartbeatReply { term: 3, round: 0 };
        let to_n1: Vec<&Message> = (out.messages.iter())
            .filter(|e| e.to == 1)
            .map(|e| &e.message)
            .collect();
        assert_eq!(to_n1, [&reply]);
    }

    /// Step 3: every read gets a round sent after it arrived. With the
    /// unsafe `ReadIndexReusesRound` switch a second read rides on the
    /// first one's round, long acknowledged, and is answered at once, with
    /// the decision recorded.
    #[test]
    fn each_read_gets_a_round_sent_after_it_unless_the_switch_reuses_one() {
        use crate::raft::test_support::durable_leader_of_three;
        use crate::raft::{ClientCommand, Op, UnsafeSwitches};
        let read = |request| ClientCommand {
            client: 7,
            request,
            op: Op::Read { key: "x".into() },
        };
        for on in [false, true] {
            let switch = UnsafeSwitch::ReadIndexReusesRound;
            let mut config = Config::cluster(3);
            if on {
                config.unsafe_switches = UnsafeSwitches::none().with(switch);
            }
            let mut node = durable_leader_of_three(config);
            let mut out = Output::default();
            node.step(0, 2, Message::append_success(1, 1), &mut out);
            assert_eq!(node.commit_index(), 1, "the no-op");
            node.propose_reading_by(0, read(1), ReadPath::ReadIndex, &mut out);
            let ack = Message::ReadHeartbeatReply { term: 1, round: 1 };
            node.step(0, 2, ack, &mut out);
            assert_eq!(out.replies.len(), 1, "the first read, on round 1");
            let mut out = Output::default();
            node.propose_reading_by(0, read(2), ReadPath::ReadIndex, &mut out);
            let rounds = out
                .messages
                .iter()
                .filter(|e| matches!(e.message, Message::ReadHeartbeat { round: 2, .. }));
            if on {
                assert_eq!(rounds.count(), 0);
                assert_eq!(out.replies.len(), 1, "answered on round 1");
                assert_eq!(out.unsafe_steps.len(), 1);
                assert_eq!(out.unsafe_steps[0].switch, switch);
            } else {
                assert_eq!(rounds.count(), 2, "round 2, to n2 and n3");
                assert!(out.replies.is_empty() && out.unsafe_steps.is_empty());
            }
        }
    }

    /// A follower whose leader never answers keeps only the latest reads.
    #[test]
    fn a_follower_keeps_at_most_the_latest_forwarded_reads() {
        let mut config = Config::cluster(3);
        config.reads = ReadPath::ReadIndex;
        let mut node = RaftNode::new(2, config, Rng::new(1), 0);
        node.leader_hint = Some(1);
        let mut out = Output::default();
        for request in 1..=100 {
            node.read(0, 7, request, "x".into(), &mut out);
        }
        assert_eq!(out.messages.len(), 100, "each went to the leader");
        assert_eq!(node.waiting_reads(), MAX_FORWARDED);
        assert_eq!(
            node.reads.forwarded[0].request,
            100 - MAX_FORWARDED as u64 + 1
        );
    }
}
