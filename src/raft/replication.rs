//! Log replication (paper §5.3) and the commit rule (§5.4.2).

use super::log::Entry;
use super::message::{ConflictHint, Message};
use super::node::{RaftNode, Role};
use super::output::{Applied, LogChange, Output, UnsafeStep};
use super::progress::Progress;
use super::types::{LogIndex, NodeId, Term, Time};
use super::unsafe_switches::UnsafeSwitch;

/// The fields of an AppendEntries request, as the receiver handles them.
pub(super) struct AppendRequest {
    pub term: Term,
    pub prev_log_index: LogIndex,
    pub prev_log_term: Term,
    pub entries: Vec<Entry>,
    pub leader_commit: LogIndex,
}

impl RaftNode {
    /// Send AppendEntries to every follower (a heartbeat when it has nothing
    /// new) and schedule the next heartbeat (§5.2).
    pub(super) fn broadcast_append(&mut self, now: Time, out: &mut Output) {
        self.send_append_to_all(out);
        self.heartbeat_deadline = now + self.config.timing.heartbeat_interval;
    }

    pub(super) fn send_append_to_all(&mut self, out: &mut Output) {
        let mut i = 0;
        while let Some(peer) = self.peer_at(i) {
            self.send_append(peer, out);
            i += 1;
        }
    }

    /// AppendEntries for `peer`, starting at its nextIndex, which then moves
    /// past what was sent; a chunk of the snapshot instead if that entry
    /// is compacted away (paper §7).
    pub(super) fn send_append(&mut self, peer: NodeId, out: &mut Output) {
        let snapshot_index = self.log().snapshot_index();
        let Some(progress) = self.progress.get_mut(&peer) else {
            return;
        };
        if progress.next_index <= snapshot_index {
            return self.send_snapshot_chunk(peer, out);
        }
        progress.snapshot = None;
        // nextIndex never passes the leader's last index + 1, unless a
        // follower acknowledged entries the leader never had (only with
        // the unsafe `SnapshotUncommitted`; the checker reports that).
        let next_index = progress.next_index.min(self.log().last_index() + 1);
        let prev_log_index = next_index - 1;
        let prev_log_term = self.log().term_at(prev_log_index).unwrap_or(0);
        let entries = self
            .log()
            .entries_from(next_index, self.config.max_entries_per_append);
        let last_sent = prev_log_index + entries.len() as LogIndex;
        if let Some(progress) = self.progress.get_mut(&peer) {
            progress.record_sent(last_sent);
        }
        let message = Message::AppendEntries {
            term: self.current_term(),
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
        };
        self.send(peer, message, out);
    }

    /// AppendEntries receiver (Figure 2). A higher term was already adopted in
    /// `step`.
    pub(super) fn handle_append_entries(
        &mut self,
        now: Time,
        leader: NodeId,
        request: AppendRequest,
        out: &mut Output,
    ) {
        let AppendRequest {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } = self.skip_compacted(request);
        // Rule 1: "Reply false if term < currentTerm".
        if term < self.current_term() {
            let hint = ConflictHint::default();
            return self.reply_append(leader, false, 0, prev_log_index, hint, out);
        }
        // A current leader exists: candidates give up (§5.2), everyone resets
        // the election timer and learns whom to redirect clients to.
        self.become_follower(now, term, Some(leader));
        // Rule 2: "Reply false if log doesn't contain an entry at prevLogIndex
        // whose term matches prevLogTerm".
        if !self.log().matches(prev_log_index, prev_log_term) {
            let hint = self.conflict_hint(prev_log_index);
            return self.reply_append(leader, false, 0, prev_log_index, hint, out);
        }
        let last_new = prev_log_index + entries.len() as LogIndex;
        self.merge_entries(prev_log_index, entries, out);
        // Rule 5: "If leaderCommit > commitIndex, set commitIndex =
        // min(leaderCommit, index of last new entry)". Never backwards.
        let new_commit = leader_commit.min(last_new);
        if new_commit > self.commit_index {
            self.commit_index = new_commit;
            self.apply_committed(out);
        }
        self.reply_append(
            leader,
            true,
            last_new,
            prev_log_index,
            ConflictHint::default(),
            out,
        );
    }

    /// Entries this server compacted are committed, so by Log Matching the
    /// same as the leader's (§5.4): the request is read from the last
    /// compacted index on, and is consistent there (raft-rs and etcd skip
    /// what is committed in the same way).
    fn skip_compacted(&self, mut request: AppendRequest) -> AppendRequest {
        let (snapshot_index, snapshot_term) =
            (self.log().snapshot_index(), self.log().snapshot_term());
        let Some(behind) = snapshot_index.checked_sub(request.prev_log_index) else {
            return request;
        };
        // If it carries nothing past the snapshot, it is a success through
        // the snapshot's index, which this server holds as committed.
        let skip = (behind as usize).min(request.entries.len());
        request.entries.drain(..skip);
        request.prev_log_index = snapshot_index;
        request.prev_log_term = snapshot_term;
        request
    }

    /// Rules 3 and 4: "If an existing entry conflicts with a new one (same index
    /// but different terms), delete the existing entry and all that follow it.
    /// Append any new entries not already in the log." An entry that is already
    /// there is kept: truncating on a stale or duplicated message would delete
    /// entries that a later message already added, perhaps committed ones.
    fn merge_entries(&mut self, prev_log_index: LogIndex, entries: Vec<Entry>, out: &mut Output) {
        if self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::TruncateOnAnyAppend)
            && self.log().last_index() > prev_log_index
        {
            if !self.conflicts_right_after(prev_log_index, &entries) {
                // Rules 3 and 4 would have kept the entry after
                // `prev_log_index`, which this deletes: for good, or to
                // write the same entry back (a deletion all the same, of
                // an entry perhaps committed, which the checker sees; a
                // page tester's story said no decision was recorded).
                out.unsafe_steps.push(UnsafeStep {
                    switch: UnsafeSwitch::TruncateOnAnyAppend,
                    peer: self.leader_hint,
                    index: Some(prev_log_index + 1),
                });
            }
            self.truncate_log(prev_log_index + 1, out);
        }
        for (offset, entry) in entries.into_iter().enumerate() {
            let index = prev_log_index + 1 + offset as LogIndex;
            match self.log().term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => self.truncate_log(index, out),
                None => {}
            }
            self.append_to_log(entry, out);
        }
    }

    /// Whether rule 3 deletes from `prev_log_index + 1` on anyway: the
    /// first new entry conflicts with the entry there. Otherwise rules 3
    /// and 4 keep that entry, which the unsafe `TruncateOnAnyAppend`
    /// deletes.
    fn conflicts_right_after(&self, prev_log_index: LogIndex, entries: &[Entry]) -> bool {
        let first = entries.first().map(|e| e.term);
        first.is_some_and(|term| self.log().term_at(prev_log_index + 1) != Some(term))
    }

    /// Delete entries from `from` on. Client requests waiting on them stay
    /// pending: the deleted entry may still live in another server's log and
    /// be committed from there. Only when this server applies a different
    /// entry at that index is the request known to have failed.
    fn truncate_log(&mut self, from: LogIndex, out: &mut Output) {
        self.persistent.log.truncate_from(from);
        out.log_changes.push(LogChange::Truncated { from });
        self.membership_truncated(from);
    }

    /// Where the leader should probe next (§5.3's optimization): past our
    /// last entry if our log is too short, else the first index of the term
    /// that conflicts, so one round trip skips a whole term.
    fn conflict_hint(&self, prev_log_index: LogIndex) -> ConflictHint {
        match self.log().term_at(prev_log_index) {
            None => ConflictHint {
                index: self.log().last_index() + 1,
                term: None,
            },
            Some(term) => ConflictHint {
                index: self.log().first_index_of_term_run(prev_log_index),
                term: Some(term),
            },
        }
    }

    fn reply_append(
        &self,
        leader: NodeId,
        success: bool,
        match_index: LogIndex,
        rejected_index: LogIndex,
        hint: ConflictHint,
        out: &mut Output,
    ) {
        let reply = Message::AppendEntriesReply {
            term: self.current_term(),
            success,
            match_index,
            rejected_index: if success { 0 } else { rejected_index },
            hint,
        };
        // An acknowledgement counts towards commitment, so the entries it
        // covers must be durable first (thesis §3.8).
        self.respond(leader, reply, out);
    }

    /// "If successful: update nextIndex and matchIndex for follower" (Figure 2),
    /// then commit what a majority holds and keep a lagging follower moving.
    pub(super) fn handle_append_success(
        &mut self,
        now: Time,
        follower: NodeId,
        term: Term,
        match_index: LogIndex,
        out: &mut Output,
    ) {
        if self.role != Role::Leader || term != self.current_term() {
            return;
        }
        self.record_active(follower);
        if follower == self.id {
            // The leader's own entries are durable up to `match_index`.
            self.own_match = self.own_match.max(match_index);
            return self.maybe_commit(now, out);
        }
        let Some(progress) = self.progress.get_mut(&follower) else {
            return;
        };
        progress.record_match(match_index);
        let behind = progress.next_index <= self.log().last_index();
        self.maybe_commit(now, out);
        if self.role != Role::Leader {
            return;
        }
        if self.membership.is_learner(follower) {
            self.advance_catch_up(now, follower, out);
        }
        if self.transfer_target() == Some(follower) {
            return self.advance_transfer(out);
        }
        if behind {
            self.send_append(follower, out);
        }
    }

    /// "If AppendEntries fails because of log inconsistency: decrement
    /// nextIndex and retry" (Figure 2), jumping by the follower's hint.
    pub(super) fn handle_append_rejection(
        &mut self,
        _now: Time,
        follower: NodeId,
        term: Term,
        rejected_index: LogIndex,
        hint: ConflictHint,
        out: &mut Output,
    ) {
        if self.role != Role::Leader || term != self.current_term() {
            return;
        }
        self.record_active(follower);
        // If we hold the follower's conflicting term, resume just after our
        // last entry of that term; otherwise skip the follower's whole run.
        let next = hint
            .term
            .and_then(|t| self.log().last_index_of_term(t))
            .map_or(hint.index, |last| last + 1);
        let Some(progress) = self.progress.get_mut(&follower) else {
            return;
        };
        if progress.back_off(rejected_index, next) {
            self.send_append(follower, out);
        }
    }

    /// §5.4.2: "Raft never commits log entries from previous terms by counting
    /// replicas. Only log entries from the leader's current term are committed
    /// by counting replicas" (the Figure 8 situation).
    pub(super) fn maybe_commit(&mut self, now: Time, out: &mut Output) {
        let majority_index = self.quorum_match_index();
        if majority_index <= self.commit_index {
            return;
        }
        let own_term = self.log().term_at(majority_index) == Some(self.current_term());
        if own_term
            || self
                .config
                .unsafe_switches
                .is_on(UnsafeSwitch::CommitOldTerms)
        {
            if !own_term {
                // Only `CommitOldTerms` commits this by counting (§5.4.2).
                out.unsafe_steps.push(UnsafeStep {
                    switch: UnsafeSwitch::CommitOldTerms,
                    peer: None,
                    index: Some(majority_index),
                });
            }
            let count_self = UnsafeSwitch::CountSelfBeforePersist;
            // Only this switch counts a copy that is not yet durable
            // (thesis §10.2.1); the durable count is taken again only
            // with it on, not at every commit of every run.
            if self.config.unsafe_switches.is_on(count_self)
                && self.quorum_value(self.own_match, |p| p.match_index) < majority_index
            {
                out.unsafe_steps.push(UnsafeStep {
                    switch: count_self,
                    peer: None,
                    index: Some(majority_index),
                });
            }
            self.commit_index = majority_index;
            self.apply_committed(out);
            self.change_committed(now, out);
        }
    }

    /// The highest index durable on a majority: the leader's own durable
    /// index and the followers' matchIndex values, sorted, read at the quorum
    /// position. The leader's entries count once its own acknowledgement
    /// says they are durable (thesis §10.2.1); with the unsafe
    /// `CountSelfBeforePersist` switch, as soon as they are in its log.
    fn quorum_match_index(&self) -> LogIndex {
        let own = match self
            .config
            .unsafe_switches
            .is_on(UnsafeSwitch::CountSelfBeforePersist)
        {
            true => self.log().last_index(),
            false => self.own_match,
        };
        self.quorum_value(own, |p| p.match_index)
    }

    /// The highest value a majority has reached: the leader's `own` and
    /// each follower's `of` its progress, sorted, read at the quorum
    /// position (commitment here, a ReadIndex round in `read_index.rs`).
    /// A leader that is not a voter (being removed, thesis §4.2.2) does
    /// not count itself.
    pub(super) fn quorum_value(&self, own: u64, of: impl Fn(&Progress) -> u64) -> u64 {
        self.membership.quorum_value(|id| match id == self.id {
            true => own,
            false => self.progress.get(&id).map_or(0, &of),
        })
    }

    /// Whether an entry of this leader's own term is committed: until then
    /// its commit index may lag what earlier leaders committed (§5.4.2,
    /// thesis §6.4).
    pub(super) fn own_term_committed(&self) -> bool {
        self.log().term_at(self.commit_index) == Some(self.current_term())
    }

    /// "If commitIndex > lastApplied: increment lastApplied, apply
    /// `log[lastApplied]` to state machine" (Figure 2), then snapshot if the
    /// log has grown enough.
    pub(super) fn apply_committed(&mut self, out: &mut Output) {
        self.apply_entries(out);
        self.maybe_snapshot(out);
    }

    /// Applies every committed entry not yet applied, and serves the reads
    /// that waited for them.
    pub(super) fn apply_entries(&mut self, out: &mut Output) {
        while self.last_applied() < self.commit_index {
            let index = self.last_applied() + 1;
            // commitIndex never passes the last index in a correct server; with
            // an unsafe switch it can, and the simulator's checker reports it.
            let Some(entry) = self.log().entry(index).cloned() else {
                break;
            };
            let result = self.state_machine.apply(&entry, &self.persistent.log);
            self.answer_pending(index, &entry, result.as_ref(), out);
            out.applied.push(Applied {
                index,
                entry,
                result,
            });
        }
        self.serve_reads(out);
    }
}
