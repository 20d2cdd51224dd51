//! A server's disk: what its Raft node asked to persist, on its way from
//! "write issued" to "durable", and what a crash leaves behind.
//!
//! The model, per server:
//! - Each input's writes (the term and vote, then the log changes; the
//!   core's `Output::hard_state` and `Output::log_changes`) form one write.
//!   It reaches the device `write_latency` after it was issued and is
//!   durable once the fsync that follows completes, `fsync_latency` later,
//!   plus up to `fsync_jitter` more, drawn for each write: fsyncs vary, and
//!   only a disk whose writes take unequal times can make a leader's own
//!   write durable after a follower has acknowledged the same entry, the
//!   case in which the leader must not count itself yet (thesis §10.2.1).
//!   Writes become durable in the order they were issued.
//! - Messages the node may send only once its writes are durable
//!   (`Output::after_persist`) wait here for every write issued before them.
//! - A crash loses every write that is not durable. If the first of them
//!   had reached the device and appends right after the durable log, its
//!   first record may be left torn, half written (with probability
//!   `torn_write`). Every record carries a checksum of its index and entry;
//!   recovery checks them all and drops the log from the first bad one on.
//! - A snapshot (taken, or installed from the leader) is part of its
//!   input's write, before the log: it is durable first, then the log it
//!   covers is discarded (thesis §5.1), both when the write is.
//! - A restart recovers the term, vote, snapshot and log from what is
//!   durable only.
//!
//! With the defaults (no latency, no tearing) every write is durable the
//! moment it is issued, and a restart recovers exactly what the node had:
//! runs are what they were before the disk existed, trace hash included.

use crate::raft::shared_vec::SharedVec;
use crate::raft::{
    Entry, Envelope, HardState, LogIndex, NodeId, Output, Payload, PersistentState, RaftLog,
    Snapshot, Time,
};
use crate::sim::stable_hash::{payload_hash, StableHasher};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// The most a faulty disk's fsync takes beyond its 4 ms: 50 ms, chosen by
/// how often sweeps catch a leader counting its own write before it is
/// durable (README, "The storage model": 43 of 2,000 seeds at 50 ms, 1 at
/// 20 ms).
pub const FAULTY_FSYNC_JITTER: Time = 50 * crate::raft::MILLIS;

/// How the disks of a run behave. The defaults make every write durable at
/// once. The serde names are those of scenario files.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DiskConfig {
    /// From a write being issued to its reaching the device, in simulated
    /// microseconds. A crash before then leaves nothing of it.
    #[serde(rename = "write_latency_us", default)]
    pub write_latency: Time,
    /// From a write reaching the device to its fsync completing: only then
    /// does it survive a crash.
    #[serde(rename = "fsync_latency_us", default)]
    pub fsync_latency: Time,
    /// Up to this much more for each write's fsync, drawn uniformly from
    /// the disk's random stream (0: every fsync takes `fsync_latency`).
    #[serde(rename = "fsync_jitter_us", default, skip_serializing_if = "is_zero")]
    pub fsync_jitter: Time,
    /// Probability, 0..=1, that a crash leaves the record being written
    /// torn (half on the device).
    #[serde(default)]
    pub torn_write: f64,
}

fn is_zero(t: &Time) -> bool {
    *t == 0
}

impl DiskConfig {
    /// The disk of `raft-sim --disk-faults`: 1 ms to the device and 4 ms
    /// more to durable, so a write stays exposed for about a tenth of a
    /// heartbeat interval, and a torn record in one crash of four. Each
    /// fsync takes up to FAULTY_FSYNC_JITTER more, so that some
    /// write lags behind a message's round trip (at least 10 ms).
    pub fn faulty() -> Self {
        DiskConfig {
            write_latency: crate::raft::MILLIS,
            fsync_latency: 4 * crate::raft::MILLIS,
            fsync_jitter: FAULTY_FSYNC_JITTER,
            torn_write: 0.25,
        }
    }

    /// The playground's `?disk=slow`: a write takes 50 ms to become
    /// durable (a third of the playground's shortest election timeout), so
    /// entries not yet on disk stay on screen long enough to see, and to
    /// crash a server under.
    pub fn slow() -> Self {
        DiskConfig {
            write_latency: 5 * crate::raft::MILLIS,
            fsync_latency: 45 * crate::raft::MILLIS,
            fsync_jitter: 0,
            torn_write: 0.25,
        }
    }

    /// True for the default disk: every write durable the moment it is
    /// issued, nothing torn.
    pub fn is_synchronous(&self) -> bool {
        *self == DiskConfig::default()
    }
}

/// The log part of one write: keep entries `1..=keep`, then append
/// `entries` after them. Every index above `keep` changed in that input
/// (truncated, appended or both), so this is the log's new tail whatever
/// the order of the changes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LogWrite {
    keep: LogIndex,
    entries: Vec<Entry>,
}

/// One input's writes, issued and not yet durable.
#[derive(Clone, Debug)]
struct Write {
    /// On the device from then on: a crash after it may tear its first record.
    written_at: Time,
    /// Durable from then on.
    durable_at: Time,
    hard_state: Option<HardState>,
    snapshot: Option<Snapshot>,
    log: Option<LogWrite>,
    /// Messages released once this write is durable.
    waiting: Vec<Envelope>,
}

/// A log record left half written by a crash: what is on the device at
/// `index`, and the checksum that was written for the whole record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornRecord {
    /// The index the record was being written at.
    pub index: LogIndex,
    /// What reads back: zeros where the entry should be (term 0, a no-op).
    pub entry: Entry,
    /// The checksum of the record as it was meant to be.
    pub checksum: u64,
}

/// How often the disks' faults bit in a run: what shows that a sweep with
/// `--disk-faults` tested what it claims to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DiskFaultCounts {
    /// Crashes that lost writes not yet durable.
    pub crashes_losing_writes: u64,
    /// Torn records found by their checksum at recovery, and dropped.
    pub torn_records_dropped: u64,
}

impl DiskFaultCounts {
    /// True when no disk fault bit.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// What a restart reads back from the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// The durable term, vote and log: all a restarted server starts from.
    pub state: PersistentState,
    /// The index of a torn record whose checksum failed and that was
    /// dropped, if there was one.
    pub dropped_torn: Option<LogIndex>,
}

/// One server's disk.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    /// The durable term and vote.
    hard_state: HardState,
    /// The durable snapshot, which holds what the log no longer does.
    snapshot: Option<Snapshot>,
    /// The durable log records...
    log: RaftLog,
    /// ...and the checksum written with each (`checksum(index, entry)`),
    /// from the log's first index on.
    checksums: SharedVec<u64>,
    /// A record a crash left half written after the durable log.
    torn: Option<TornRecord>,
    /// Writes issued and not yet durable, oldest first.
    pending: VecDeque<Write>,
    /// Messages whose writes became durable while the server was stopped:
    /// a frozen process sends nothing until it resumes.
    released: Vec<Envelope>,
    /// The torn record the last recovery dropped, if it dropped one.
    last_dropped_torn: Option<LogIndex>,
}

/// The last index `out`'s log changes left as it was, if they changed the
/// log at all: every index after it may differ.
fn unchanged_prefix(out: &Output) -> Option<LogIndex> {
    out.log_changes
        .iter()
        .filter_map(|c| c.first_index())
        .map(|first| first - 1)
        .min()
}

/// The checksum written with a log record (a stable hash, so the same on
/// every platform).
pub fn checksum(index: LogIndex, entry: &Entry) -> u64 {
    StableHasher::new()
        .u64(index)
        .u64(entry.term)
        .u64(payload_hash(&entry.payload))
        .finish()
}

impl Disk {
    /// An empty disk: term 0, no vote, no log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The durable term and vote.
    pub fn durable_hard_state(&self) -> HardState {
        self.hard_state
    }

    /// The durable log.
    pub fn durable_log(&self) -> &RaftLog {
        &self.log
    }

    /// How many writes are issued and not yet durable.
    pub fn unsynced_writes(&self) -> usize {
        self.pending.len()
    }

    /// When the oldest write not yet durable will be, if there is one.
    pub fn next_durable_at(&self) -> Option<Time> {
        self.pending.front().map(|w| w.durable_at)
    }

    /// The last index up to which the server's log is durable as it is in
    /// memory: entries after it are not yet on stable storage (or differ
    /// from what is).
    pub fn synced_index(&self) -> LogIndex {
        // A snapshot not yet durable may have replaced entries after the
        // durable snapshot's last index with others.
        let snapshot_pending = self.pending.iter().any(|w| w.snapshot.is_some());
        let through = match snapshot_pending {
            true => self.log.snapshot_index(),
            false => self.log.last_index(),
        };
        self.pending
            .iter()
            .filter_map(|w| w.log.as_ref().map(|l| l.keep))
            .fold(through, LogIndex::min)
    }

    /// The index of the torn record the last recovery found by its
    /// checksum and dropped, if it found one.
    pub fn last_dropped_torn(&self) -> Option<LogIndex> {
        self.last_dropped_torn
    }

    /// A torn record left by the last crash and not yet recovered.
    pub fn torn(&self) -> Option<&TornRecord> {
        self.torn.as_ref()
    }

    /// Issues the writes `out` asks for (`log` is the server's log after the
    /// input); their fsync takes `jitter` more than the disk's
    /// `fsync_latency` (at most its `fsync_jitter`). Returns when they will
    /// be durable, or `None` if they already are (a synchronous disk with
    /// nothing before them).
    pub fn issue(
        &mut self,
        now: Time,
        config: &DiskConfig,
        jitter: Time,
        out: &Output,
        log: &RaftLog,
    ) -> Option<Time> {
        // Entries the new snapshot covers are written as part of it.
        let keep = unchanged_prefix(out).map(|keep| keep.max(log.snapshot_index()));
        let written_at = now + config.write_latency;
        // Durable in the order issued: a quick fsync after a slow one
        // waits for it.
        let durable_at = (written_at + config.fsync_latency + jitter)
            .max(self.pending.back().map_or(0, |w| w.durable_at));
        if durable_at <= now && self.pending.is_empty() {
            // Durable at once: straight from the log, with no copy on the way.
            self.set_hard_state(out.hard_state);
            self.set_snapshot(out.snapshot.as_ref());
            if let Some(keep) = keep {
                let tail = (keep + 1..=log.last_index()).map(|i| log.entry(i).expect("in the log"));
                self.write_log(keep, tail, Some(log));
            }
            return None;
        }
        let log_write = keep.map(|keep| LogWrite {
            keep,
            entries: log.entries_from(keep + 1, log.last_index() as usize),
        });
        let write = Write {
            written_at,
            durable_at,
            hard_state: out.hard_state,
            snapshot: out.snapshot.clone(),
            log: log_write,
            waiting: Vec::new(),
        };
        self.pending.push_back(write);
        Some(durable_at)
    }

    /// Keeps messages that may leave only once every write issued so far
    /// is durable, with the last write issued (there must be one: see
    /// [`Disk::unsynced_writes`]).
    pub fn hold(&mut self, messages: &mut Vec<Envelope>) {
        let last = self.pending.back_mut().expect("a write to wait for");
        last.waiting.append(messages);
    }

    /// Completes every write durable by `now`; returns the messages that
    /// waited for them, in order.
    pub fn sync(&mut self, now: Time) -> Vec<Envelope> {
        let mut released = Vec::new();
        while self.pending.front().is_some_and(|w| w.durable_at <= now) {
            let mut write = self.pending.pop_front().expect("checked above");
            released.append(&mut write.waiting);
            self.make_durable(write);
        }
        released
    }

    /// Completes every write in flight now, in the order issued, sooner
    /// than the disk's latency (`sync_disk`); returns the messages that
    /// waited for them, in order.
    pub fn sync_all(&mut self) -> Vec<Envelope> {
        self.sync(Time::MAX)
    }

    /// Keeps messages released while the server was stopped, for its resume.
    pub fn keep_for_resume(&mut self, messages: Vec<Envelope>) {
        self.released.extend(messages);
    }

    /// The messages released while the server was stopped.
    pub fn take_released(&mut self) -> Vec<Envelope> {
        std::mem::take(&mut self.released)
    }

    fn make_durable(&mut self, write: Write) {
        self.set_hard_state(write.hard_state);
        self.set_snapshot(write.snapshot.as_ref());
        if let Some(LogWrite { keep, entries }) = &write.log {
            self.write_log(*keep, entries.iter(), None);
        }
    }

    fn set_hard_state(&mut self, hard_state: Option<HardState>) {
        if let Some(hard_state) = hard_state {
            self.hard_state = hard_state;
        }
    }

    /// Writes the snapshot, then discards the records it covers, keeping
    /// (with their checksums) those after it if they follow it, as the
    /// server's log did (Figure 13, rule 6).
    fn set_snapshot(&mut self, snapshot: Option<&Snapshot>) {
        let Some(snapshot) = snapshot else {
            return;
        };
        self.snapshot = Some(snapshot.clone());
        let first = self.log.first_index();
        self.log
            .install(snapshot.last_index(), snapshot.last_term());
        let mut kept = SharedVec::new();
        for i in self.log.first_index()..=self.log.last_index() {
            kept.push(self.checksums[(i - first) as usize]);
        }
        self.checksums = kept;
    }

    /// The durable snapshot, if there is one.
    pub fn durable_snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// Keeps records through `keep` and writes `entries` after them, each
    /// with its checksum; written straight from the server's `log`, they
    /// share its storage (`RaftLog::append_like`).
    fn write_log<'a>(
        &mut self,
        keep: LogIndex,
        entries: impl Iterator<Item = &'a Entry>,
        log: Option<&RaftLog>,
    ) {
        self.log.truncate_from(keep + 1);
        let held = self.log.last_index() - self.log.snapshot_index();
        self.checksums.truncate(held as usize);
        for entry in entries {
            let index = match log {
                Some(log) => self.log.append_like(entry.clone(), log),
                None => self.log.append(entry.clone()),
            };
            self.checksums.push(checksum(index, entry));
        }
    }

    /// Could a crash now leave a torn record? Only if the oldest write not
    /// yet durable reached the device and appends right after the durable
    /// log (a tear inside the log would overwrite a durable record, which
    /// an append-only log never does).
    pub fn could_tear(&self, now: Time) -> bool {
        self.pending.front().is_some_and(|w| {
            w.written_at <= now
                && w.log
                    .as_ref()
                    .is_some_and(|l| l.keep == self.log.last_index() && !l.entries.is_empty())
        })
    }

    /// The server crashed: every write not yet durable is lost, and with
    /// `tear` the first record of the oldest is left half written (see
    /// [`Disk::could_tear`]). Messages waiting for those writes are lost
    /// with the process.
    pub fn crash(&mut self, now: Time, tear: bool) {
        if tear && self.could_tear(now) {
            let write = self.pending.front().expect("could_tear");
            let log = write.log.as_ref().expect("could_tear");
            let (index, meant) = (log.keep + 1, &log.entries[0]);
            self.torn = Some(TornRecord {
                index,
                // The checksum, at the record's head, made it; the rest of
                // the record reads back as zeros (term 0, a no-op), which
                // is not what the checksum covers.
                entry: Entry {
                    term: 0,
                    payload: Payload::Noop,
                },
                checksum: checksum(index, meant),
            });
        }
        self.pending.clear();
        self.released.clear();
    }

    /// Hashes what of the disk can decide a run's future, for the
    /// explorer's fingerprint (`sim::explore::fingerprint`): the durable
    /// term, vote, snapshot and log, and each write not yet durable — how
    /// long until it reaches the device and until it is durable, what it
    /// holds, and the messages waiting for it — with every server it names
    /// renamed by `rename`. Two servers with the same memory and different
    /// disks differ after a crash, and in when their held replies leave.
    pub fn hash_explored_state<H: Hasher>(
        &self,
        h: &mut H,
        now: Time,
        rename: &dyn Fn(NodeId) -> NodeId,
    ) {
        hash_hard_state(h, Some(self.hard_state), rename);
        hash_snapshot(h, self.snapshot.as_ref());
        (self.log.snapshot_index(), self.log.snapshot_term()).hash(h);
        for index in self.log.first_index()..=self.log.last_index() {
            self.log.entry(index).hash(h);
        }
        (self.pending.len(), self.released.len(), self.torn.is_some()).hash(h);
        for write in &self.pending {
            let after = |t: Time| t.saturating_sub(now);
            (after(write.written_at), after(write.durable_at)).hash(h);
            hash_hard_state(h, write.hard_state, rename);
            hash_snapshot(h, write.snapshot.as_ref());
            write.log.as_ref().map(|l| (l.keep, &l.entries)).hash(h);
            // The order they wait in decides nothing the explorer keeps:
            // released together, each waits on the wire for its own move.
            let mut waiting: Vec<_> = write
                .waiting
                .iter()
                .map(|e| (rename(e.from), rename(e.to), &e.message))
                .collect();
            waiting.sort_unstable_by_key(|&(from, to, _)| (from, to));
            waiting.hash(h);
        }
    }

    /// Reads the durable state back after a crash, checking every record's
    /// checksum: the log ends before the first record that fails, and a
    /// torn record is dropped (and forgotten, as recovery truncates it).
    pub fn recover(&mut self) -> Recovery {
        let first = self.log.first_index();
        let valid = (first..=self.log.last_index())
            .find(|&i| {
                let entry = self.log.entry(i).expect("within the log");
                self.checksums.get((i - first) as usize) != Some(&checksum(i, entry))
            })
            .map_or(self.log.last_index(), |bad| bad - 1);
        self.log.truncate_from(valid + 1);
        self.checksums.truncate((valid + 1 - first) as usize);
        let dropped_torn = self.torn.take().and_then(|t| {
            let intact = t.index == valid + 1 && checksum(t.index, &t.entry) == t.checksum;
            if intact {
                self.log.append(t.entry);
                self.checksums.push(t.checksum);
                None
            } else {
                Some(t.index)
            }
        });
        self.last_dropped_torn = dropped_torn;
        Recovery {
            state: PersistentState {
                current_term: self.hard_state.term,
                voted_for: self.hard_state.voted_for,
                log: self.log.clone(),
                snapshot: self.snapshot.clone(),
            },
            dropped_torn,
        }
    }
}

/// A term and a vote (if any) with the vote renamed, for a fingerprint.
fn hash_hard_state<H: Hasher>(
    h: &mut H,
    hard: Option<HardState>,
    rename: &dyn Fn(NodeId) -> NodeId,
) {
    hard.map(|s| (s.term, s.voted_for.map(rename))).hash(h);
}

/// Where a snapshot ends, for a fingerprint: what it holds follows from
/// the entries it replaced, as for the server's own snapshot.
fn hash_snapshot<H: Hasher>(h: &mut H, snapshot: Option<&Snapshot>) {
    snapshot.map(|s| (s.last_index(), s.last_term())).hash(h);
}

#[cfg(test)]
#[path = "disk_tests.rs"]
mod tests;
