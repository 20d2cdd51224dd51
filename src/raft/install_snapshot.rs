//! InstallSnapshot (paper §7, Figure 13): a leader whose log no longer
//! holds the next entry a follower needs sends its snapshot instead, in
//! chunks, one at a time; the follower assembles them and, with the last,
//! replaces its state machine and the log the snapshot covers.
//!
//! One chunk is in flight at a time, as in Figure 13: the next goes when
//! the follower acknowledges the last, and a heartbeat sends the current
//! one again, so a lost chunk or reply only delays the transfer. Each
//! reply says how many records the follower holds, so a duplicated or late
//! chunk or reply changes nothing.

use super::message::Message;
use super::node::{RaftNode, Role};
use super::output::{LogChange, Output};
use super::snapshot::{Snapshot, SnapshotMeta, SnapshotRecord};
use super::state_machine::KvStore;
use super::types::{LogIndex, NodeId, Term, Time};
use std::rc::Rc;

/// A leader's transfer of a snapshot to one follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SnapshotTransfer {
    /// The last included index of the snapshot being sent.
    pub last_index: LogIndex,
    /// How many of its records the follower acknowledged: the offset of
    /// the chunk to send next.
    pub offset: u64,
}

/// A follower's snapshot being received, chunk by chunk.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Incoming {
    /// The term of the leader sending it.
    term: Term,
    meta: Rc<SnapshotMeta>,
    records: Vec<SnapshotRecord>,
}

/// The fields of an InstallSnapshot request, as the receiver handles them.
pub(super) struct SnapshotChunk {
    pub term: Term,
    pub meta: Rc<SnapshotMeta>,
    pub offset: u64,
    pub records: Vec<SnapshotRecord>,
}

impl RaftNode {
    /// Leader: send `peer` the chunk of its snapshot it needs next,
    /// starting the transfer (or starting over, if the leader has taken a
    /// newer snapshot since) when needed.
    pub(super) fn send_snapshot_chunk(&mut self, peer: NodeId, out: &mut Output) {
        let Some(snapshot) = self.persistent.snapshot.clone() else {
            return;
        };
        let Some(progress) = self.progress.get_mut(&peer) else {
            return;
        };
        let transfer = match progress.snapshot {
            Some(t) if t.last_index == snapshot.last_index() => t,
            _ => SnapshotTransfer {
                last_index: snapshot.last_index(),
                offset: 0,
            },
        };
        progress.snapshot = Some(transfer);
        let records = snapshot.store.records();
        let start = (transfer.offset as usize).min(records.len());
        let end = (start + self.config.snapshot_chunk_records.max(1)).min(records.len());
        let message = Message::InstallSnapshot {
            term: self.current_term(),
            meta: snapshot.meta.clone(),
            offset: transfer.offset,
            records: records[start..end].to_vec(),
        };
        self.send(peer, message, out);
    }

    /// InstallSnapshot receiver (Figure 13). A higher term was already
    /// adopted in `step`.
    pub(super) fn handle_install_snapshot(
        &mut self,
        now: Time,
        leader: NodeId,
        chunk: SnapshotChunk,
        out: &mut Output,
    ) {
        let last_index = chunk.meta.last_index;
        // Rule 1: "Reply immediately if term < currentTerm".
        if chunk.term < self.current_term() {
            return self.reply_snapshot(leader, last_index, 0, false, out);
        }
        self.become_follower(now, chunk.term, Some(leader));
        // Already holds everything the snapshot covers, committed: nothing
        // to install (raft-rs and etcd answer so too).
        if last_index <= self.commit_index {
            self.incoming = None;
            return self.reply_snapshot(leader, last_index, chunk.meta.records, true, out);
        }
        let received = self.receive_chunk(chunk);
        let meta = self.incoming.as_ref().map(|i| i.meta.clone());
        match meta {
            Some(meta) if received == meta.records => {
                self.install(meta, out);
                self.reply_snapshot(leader, last_index, received, true, out)
            }
            _ => self.reply_snapshot(leader, last_index, received, false, out),
        }
    }

    /// Rules 2 to 5: a chunk at offset 0 starts the snapshot anew (a
    /// duplicate of it too: the same first chunk gives the same records, and
    /// the leader resends from what the reply says); one that continues the
    /// snapshot being received is added; any other is a duplicate or out of
    /// order and changes nothing. Returns how many records of the chunk's
    /// snapshot this server holds.
    fn receive_chunk(&mut self, chunk: SnapshotChunk) -> u64 {
        if chunk.offset == 0 {
            self.incoming = Some(Incoming {
                term: chunk.term,
                meta: chunk.meta.clone(),
                records: Vec::new(),
            });
        }
        match &mut self.incoming {
            Some(i) if i.term == chunk.term && same_snapshot(&i.meta, &chunk.meta) => {
                if i.records.len() as u64 == chunk.offset {
                    i.records.extend(chunk.records);
                }
                i.records.len() as u64
            }
            _ => 0,
        }
    }

    /// Rules 6 to 8: save the snapshot, keep the log after it if the entry
    /// at its last index matches (else discard the whole log), and reset
    /// the state machine from it.
    fn install(&mut self, meta: Rc<SnapshotMeta>, out: &mut Output) {
        let Some(incoming) = self.incoming.take() else {
            return;
        };
        let through = meta.last_index;
        let store = KvStore::from_records(incoming.records, meta.history.clone());
        let kept = self.persistent.log.install(through, meta.last_term);
        let snapshot = Snapshot {
            meta,
            store: Rc::new(store.clone()),
        };
        self.persistent.snapshot = Some(snapshot.clone());
        self.state_machine = store;
        self.commit_index = self.commit_index.max(through);
        // Requests this server appended as an earlier leader, at indexes
        // the snapshot now covers, are never answered here: their clients
        // time out and retry.
        let covered: Vec<LogIndex> = self
            .pending
            .keys()
            .copied()
            .filter(|&i| i <= through)
            .collect();
        for index in covered {
            self.pending.remove(&index);
        }
        out.snapshot = Some(snapshot);
        out.log_changes.push(LogChange::Installed {
            through,
            kept_suffix: kept,
        });
        self.refresh_membership();
        // Reads waiting for this server to apply an index may be answered
        // now (thesis §6.4).
        self.serve_reads(out);
    }

    fn reply_snapshot(
        &self,
        leader: NodeId,
        last_index: LogIndex,
        received: u64,
        done: bool,
        out: &mut Output,
    ) {
        let reply = Message::InstallSnapshotReply {
            term: self.current_term(),
            last_index,
            received,
            done,
        };
        // A done reply vouches for the snapshot, which must be durable.
        self.respond(leader, reply, out);
    }

    /// Leader: a follower acknowledged `received` records of the snapshot
    /// through `last_index`, or all of it (`done`): send the next chunk, or
    /// go on from the snapshot with AppendEntries.
    pub(super) fn handle_install_snapshot_reply(
        &mut self,
        now: Time,
        follower: NodeId,
        reply: (Term, LogIndex, u64, bool),
        out: &mut Output,
    ) {
        let (term, last_index, received, done) = reply;
        if self.role != Role::Leader || term != self.current_term() {
            return;
        }
        self.record_active(follower);
        let Some(progress) = self.progress.get_mut(&follower) else {
            return;
        };
        if done {
            progress.snapshot = None;
            return self.handle_append_success(now, follower, term, last_index, out);
        }
        let Some(transfer) = progress.snapshot.as_mut() else {
            return;
        };
        if transfer.last_index != last_index || received == transfer.offset {
            return; // about another snapshot, or a duplicate
        }
        // Fewer records than sent: the follower lost what it had (a
        // restart) or the reply is late; either way, send from what it
        // says it holds, and a late reply costs one chunk sent again.
        transfer.offset = received;
        self.send_snapshot_chunk(follower, out);
    }
}

/// Whether two chunks' headers name the same snapshot: a leader has one
/// snapshot per last included index and term.
fn same_snapshot(a: &SnapshotMeta, b: &SnapshotMeta) -> bool {
    (a.last_index, a.last_term) == (b.last_index, b.last_term)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::membership::Membership;
    use crate::raft::node::PersistentState;
    use crate::raft::shared_vec::SharedVec;
    use crate::raft::{Config, Envelope, Rng};

    /// Server 2 of three, a follower in `term` with an empty log.
    fn follower_in(term: Term) -> RaftNode {
        let stored = PersistentState {
            current_term: term,
            ..PersistentState::default()
        };
        RaftNode::restart(2, Config::cluster(3), stored, Rng::new(2), 0)
    }

    /// A whole snapshot through index 5 of term 1 in one chunk.
    fn chunk_of_term(term: Term) -> Message {
        let meta = SnapshotMeta {
            last_index: 5,
            last_term: 1,
            membership: Membership::of_voters([1, 2, 3]),
            membership_index: 0,
            records: 1,
            history: SharedVec::new(),
        };
        let record = SnapshotRecord::Pair {
            key: "x".into(),
            value: "1".into(),
        };
        Message::InstallSnapshot {
            term,
            meta: Rc::new(meta),
            offset: 0,
            records: vec![record],
        }
    }

    fn replies(out: &Output) -> Vec<&Envelope> {
        out.messages.iter().chain(&out.after_persist).collect()
    }

    /// Figure 13, receiver rule 1: "Reply immediately if term <
    /// currentTerm". A chunk from a deposed leader changes nothing and is
    /// answered with the current term, so that leader steps down. (Found
    /// by cargo-mutants: with `<` turned into `>`, the stale snapshot was
    /// installed and its sender taken for the leader.)
    #[test]
    fn a_chunk_of_an_earlier_term_is_refused_with_the_current_term() {
        let mut node = follower_in(3);
        let mut out = Output::default();
        node.step(0, 1, chunk_of_term(2), &mut out);
        assert_eq!(node.log().snapshot_index(), 0, "nothing installed");
        assert_eq!((node.leader_hint(), node.commit_index()), (None, 0));
        let reply = Message::InstallSnapshotReply {
            term: 3,
            last_index: 5,
            received: 0,
            done: false,
        };
        assert_eq!(
            replies(&out).iter().map(|e| &e.message).collect::<Vec<_>>(),
            [&reply]
        );
    }

    /// The same chunk in the follower's own term is installed whole: its
    /// log starts after index 5, its store holds the record, and its reply
    /// says done.
    #[test]
    fn a_whole_snapshot_of_the_current_term_is_installed() {
        let mut node = follower_in(2);
        let mut out = Output::default();
        node.step(0, 1, chunk_of_term(2), &mut out);
        assert_eq!((node.log().snapshot_index(), node.commit_index()), (5, 5));
        assert_eq!(node.leader_hint(), Some(1));
        assert_eq!(node.state_machine().get("x"), Some(&"1".to_string()));
        let done = replies(&out).iter().any(|e| {
            matches!(
                e.message,
                Message::InstallSnapshotReply {
                    done: true,
                    last_index: 5,
                    ..
                }
            )
        });
        assert!(done, "{out:?}");
    }
}
