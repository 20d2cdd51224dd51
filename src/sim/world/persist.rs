//! The simulator's half of the core's durability contract
//! (`raft/output.rs`): each server's writes go to its disk, the messages
//! that wait for them leave when they are durable, and a crash recovers
//! from what is durable only.

use crate::raft::{HardState, LogIndex, NodeId, Output, PersistentState};
use crate::sim::simulation::{EventKind, Simulation};

impl Simulation {
    /// After an input to server `id`: issue the writes `out` asks for, and
    /// release the messages that wait for durability if nothing is left to
    /// wait for (always, with the default synchronous disk). What the server
    /// addressed to itself (its vote for itself, its acknowledgement of its
    /// own entries) is stepped back into it then, and whatever that writes
    /// in turn (a new leader's no-op, a snapshot) is issued the same way.
    pub(super) fn persist(&mut self, id: NodeId, out: &mut Output) {
        let mut issue = out.must_persist();
        loop {
            if issue {
                self.issue_writes(id, out);
            }
            if out.after_persist.is_empty() {
                return;
            }
            let server = &mut self.servers[id as usize - 1];
            if server.disk.unsynced_writes() > 0 {
                return server.disk.hold(&mut out.after_persist);
            }
            // Nothing left to wait for (always so with the default disk).
            if out.after_persist.iter().all(|e| e.to != id) {
                return out.messages.append(&mut out.after_persist);
            }
            // The scratch list keeps its allocation.
            let before = writes(out);
            let mut released = std::mem::take(&mut self.released);
            std::mem::swap(&mut released, &mut out.after_persist);
            let node_now = self.node_time(id);
            let server = &mut self.servers[id as usize - 1];
            server.node.persisted(node_now, released.drain(..), out);
            self.released = released;
            issue = writes(out) != before;
        }
    }

    /// Issues the writes `out` asks for to server `id`'s disk (all of them
    /// again after a step back in: the disk writes the log from the first
    /// entry `out` changed, so a second issue only adds what is new).
    fn issue_writes(&mut self, id: NodeId, out: &Output) {
        let now = self.now;
        let disk_config = self.config.disk;
        // Drawn only for a disk that varies, so that every other run's
        // disk stream (its torn records) is what it was.
        let jitter = match disk_config.fsync_jitter {
            0 => 0,
            most => self.disk_rng.range_inclusive(0, most),
        };
        let server = &mut self.servers[id as usize - 1];
        let log = server.node.log();
        if let Some(durable_at) = server.disk.issue(now, &disk_config, jitter, out, log) {
            self.push(durable_at, EventKind::DiskSync(id));
            if let Some(at) = self.nemesis.crash_during_write(now, durable_at) {
                self.push(at, EventKind::CrashDuringWrite(id));
            }
        }
    }

    /// Server `id`'s disk completes the writes durable by now; what waited
    /// for them is released (kept for later if the server is stopped).
    pub(super) fn disk_sync(&mut self, id: NodeId) {
        let now = self.now;
        let released = self.server_mut(id).disk.sync(now);
        self.released_by_sync(id, released);
    }

    /// What waited for writes now durable on server `id`'s disk: sent, or
    /// kept for its resume if it is stopped.
    fn released_by_sync(&mut self, id: NodeId, released: Vec<crate::raft::Envelope>) {
        let server = self.server_mut(id);
        if released.is_empty() {
            return;
        }
        if !server.up {
            return server.disk.keep_for_resume(released);
        }
        self.release(id, released);
    }

    /// Server `id`'s disk finishes every write in flight now, sooner than
    /// its latency ([`crate::sim::Action::SyncDisk`]); the sync events
    /// already due later find nothing left.
    pub(super) fn sync_disk_early(&mut self, id: NodeId) {
        let released = self.server_mut(id).disk.sync_all();
        self.released_by_sync(id, released);
    }

    /// A resumed server sends what became durable while it was stopped.
    pub(super) fn release_on_resume(&mut self, id: NodeId) {
        let released = self.server_mut(id).disk.take_released();
        if !released.is_empty() {
            self.release(id, released);
        }
    }

    fn release(&mut self, id: NodeId, released: Vec<crate::raft::Envelope>) {
        self.input(id, |node, now, out| node.persisted(now, released, out));
    }

    /// The nemesis's crash of a server while one of its writes is on its
    /// way: only if one still is (the write may have been lost already to
    /// another crash) and the fault phase is not over.
    pub(super) fn crash_during_write(&mut self, id: NodeId) {
        if self.nemesis.config.enabled && self.server_mut(id).disk.unsynced_writes() > 0 {
            self.act_for_nemesis(crate::sim::action::Action::Restart(id));
        }
    }

    /// Server `id` crashes: its disk loses what was not durable (perhaps
    /// tearing a record, drawn from the disk's own stream), and the state it
    /// restarts from is read back from the disk, checksums checked. Tells
    /// the checker when the node's memory had run ahead of its disk.
    pub(super) fn crash_and_recover(&mut self, id: NodeId) -> PersistentState {
        let now = self.now;
        let torn_write = self.config.disk.torn_write;
        let server = &mut self.servers[id as usize - 1];
        let could_tear = torn_write > 0.0 && server.disk.could_tear(now);
        let tear = could_tear && self.disk_rng.chance(torn_write);
        let synced = server.disk.synced_index();
        let lost_writes = server.disk.unsynced_writes() > 0;
        server.disk.crash(now, tear);
        let recovery = server.disk.recover();
        if lost_writes {
            self.checker.observe_recovery(id, &recovery.state, synced);
            self.disk_faults.crashes_losing_writes += 1;
        }
        if recovery.dropped_torn.is_some() {
            self.disk_faults.torn_records_dropped += 1;
        }
        recovery.state
    }
}

/// What `out` asks storage to write, in short: a step back in that changes
/// it wrote something more.
fn writes(out: &Output) -> (usize, Option<HardState>, Option<LogIndex>) {
    let snapshot = out.snapshot.as_ref().map(|s| s.last_index());
    (out.log_changes.len(), out.hard_state, snapshot)
}
