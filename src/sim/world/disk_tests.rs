//! The disk on its own: writes on their way to durable, crashes that lose
//! them, torn records caught by their checksums.

use super::*;
use crate::raft::{LogChange, Message, MILLIS};

const SLOW: DiskConfig = DiskConfig {
    write_latency: MILLIS,
    fsync_latency: 4 * MILLIS,
    fsync_jitter: 0,
    torn_write: 0.0,
};

fn entry(term: u64) -> Entry {
    Entry {
        term,
        payload: Payload::Noop,
    }
}

fn log_of(terms: &[u64]) -> RaftLog {
    let mut log = RaftLog::new();
    for &t in terms {
        log.append(entry(t));
    }
    log
}

/// The output of an input that set term and vote and changed the log.
fn output(term: u64, vote: Option<u64>, changes: &[LogChange]) -> Output {
    Output {
        hard_state: Some(HardState {
            term,
            voted_for: vote,
        }),
        log_changes: changes.to_vec(),
        ..Output::default()
    }
}

fn reply(to: u64) -> Envelope {
    let message = Message::RequestVoteReply {
        term: 1,
        vote_granted: true,
    };
    Envelope {
        from: 2,
        to,
        message,
    }
}

fn appended(from: LogIndex, to: LogIndex) -> LogChange {
    LogChange::Appended { from, to }
}

#[test]
fn a_synchronous_disk_makes_every_write_durable_at_once() {
    let mut disk = Disk::new();
    let out = output(1, Some(1), &[appended(1, 2)]);
    assert_eq!(
        disk.issue(0, &DiskConfig::default(), 0, &out, &log_of(&[1, 1])),
        None
    );
    assert_eq!(disk.durable_log().last_index(), 2);
    assert_eq!(disk.unsynced_writes(), 0, "nothing for replies to wait for");
}

/// A write whose fsync drew a long jitter holds back the quicker one
/// issued after it: durable in the order issued, as a log must be.
#[test]
fn a_slow_fsync_holds_back_the_writes_after_it() {
    let mut disk = Disk::new();
    let slow = disk.issue(
        0,
        &SLOW,
        30 * MILLIS,
        &output(1, Some(1), &[]),
        &RaftLog::new(),
    );
    assert_eq!(slow, Some(35 * MILLIS));
    let quick = disk.issue(
        MILLIS,
        &SLOW,
        0,
        &output(1, Some(1), &[appended(1, 1)]),
        &log_of(&[1]),
    );
    assert_eq!(quick, Some(35 * MILLIS), "not at 6 ms, before the first");
    disk.sync(34 * MILLIS);
    assert_eq!(disk.unsynced_writes(), 2);
}

/// A run whose disks' fsyncs vary draws each write's from the disk's own
/// stream: the same seed gives the same run, and the run differs from
/// one with fixed fsyncs (a leader's own write may now be durable after a
/// follower's acknowledgement of it, thesis §10.2.1).
#[test]
fn fsync_jitter_is_drawn_per_write_and_replays() {
    use crate::sim::config::SimConfig;
    let run = |jitter| {
        let mut config = SimConfig {
            seed: 3,
            ..SimConfig::default()
        }
        .with_all_faults()
        .with_disk_faults();
        config.disk.fsync_jitter = jitter;
        let (sim, report) =
            crate::sim::run::run(config, 10 * crate::raft::SECONDS, |_| {}).unwrap();
        assert!(report.passed(), "{:?}", report.violations);
        sim.trace_hash()
    };
    let varied = run(50 * MILLIS);
    assert_eq!(varied, run(50 * MILLIS));
    assert_ne!(varied, run(0));
}

#[test]
fn writes_become_durable_after_write_and_fsync_in_order() {
    let mut disk = Disk::new();
    let first = disk.issue(0, &SLOW, 0, &output(1, Some(1), &[]), &RaftLog::new());
    assert_eq!(first, Some(5 * MILLIS));
    disk.hold(&mut vec![reply(1)]);
    let second = disk.issue(
        MILLIS,
        &SLOW,
        0,
        &output(1, Some(1), &[appended(1, 1)]),
        &log_of(&[1]),
    );
    assert_eq!(second, Some(6 * MILLIS));
    assert!(disk.sync(5 * MILLIS - 1).is_empty());
    assert_eq!(disk.durable_hard_state(), HardState::default());
    assert_eq!(disk.sync(5 * MILLIS), vec![reply(1)]);
    assert_eq!(disk.durable_hard_state().voted_for, Some(1));
    assert_eq!(
        (disk.durable_log().last_index(), disk.unsynced_writes()),
        (0, 1)
    );
    disk.sync(6 * MILLIS);
    assert_eq!(
        (disk.durable_log().last_index(), disk.unsynced_writes()),
        (1, 0)
    );
}

/// A write finished early (`sync_disk`, the explorer's move) is durable
/// at once with those before it, releases what waited, and survives a
/// crash; the disk stays in order, and one with nothing in flight is left
/// as it was.
#[test]
fn writes_finished_early_are_durable_now_and_survive_a_crash() {
    let mut disk = Disk::new();
    disk.issue(0, &SLOW, 0, &output(1, Some(1), &[]), &RaftLog::new());
    disk.hold(&mut vec![reply(1)]);
    let log = log_of(&[1]);
    disk.issue(
        MILLIS,
        &SLOW,
        0,
        &output(1, Some(1), &[appended(1, 1)]),
        &log,
    );
    assert_eq!(disk.sync_all(), vec![reply(1)]);
    assert_eq!(disk.unsynced_writes(), 0);
    disk.crash(3 * MILLIS, false);
    let recovery = disk.recover();
    assert_eq!(
        (recovery.state.current_term, recovery.state.voted_for),
        (1, Some(1))
    );
    assert_eq!(recovery.state.log, log);
    assert!(disk.sync_all().is_empty());
}

/// The action in a run: a follower's vote waits on its slow disk, and
/// `sync_disk` sends it at once, without waiting out the fsync.
#[test]
fn sync_disk_sends_what_waited_for_the_write_now() {
    use crate::sim::config::SimConfig;
    use crate::sim::fault_model::Delivery;
    use crate::sim::{Action, Simulation};
    let mut config = SimConfig {
        nodes: 3,
        ..SimConfig::default()
    };
    config.faults.delivery = Delivery::ByAction;
    config.workload.clients = 0;
    config.disk = DiskConfig {
        fsync_latency: 100 * MILLIS,
        ..DiskConfig::default()
    };
    let mut sim = Simulation::new(config).unwrap();
    sim.run_until(MILLIS);
    sim.act_now(Action::ForceTimeout(1)).unwrap();
    assert_eq!(sim.network().in_flight().count(), 0, "RequestVotes wait");
    sim.run_until(2 * MILLIS);
    sim.act_now(Action::SyncDisk(1)).unwrap();
    assert_eq!(sim.network().in_flight().count(), 2, "and leave now");
    assert_eq!(sim.server(1).unwrap().disk.unsynced_writes(), 0);
    sim.act_now(Action::SyncDisk(2)).unwrap();
    assert_eq!(sim.network().in_flight().count(), 2, "nothing to sync");
}

#[test]
fn a_crash_before_fsync_loses_the_unsynced_vote_and_entries() {
    let mut disk = Disk::new();
    disk.issue(
        0,
        &DiskConfig::default(),
        0,
        &output(1, None, &[appended(1, 1)]),
        &log_of(&[1]),
    );
    disk.issue(
        0,
        &SLOW,
        0,
        &output(2, Some(3), &[appended(2, 3)]),
        &log_of(&[1, 2, 2]),
    );
    disk.hold(&mut vec![reply(3)]);
    assert_eq!(disk.synced_index(), 1);
    disk.crash(4 * MILLIS, false);
    let recovery = disk.recover();
    assert_eq!(recovery.state.current_term, 1, "the term 2 write was lost");
    assert_eq!(recovery.state.voted_for, None, "and with it the vote");
    assert_eq!(recovery.state.log, log_of(&[1]));
    assert_eq!(recovery.dropped_torn, None);
    assert!(disk.sync(9 * MILLIS).is_empty(), "the vote reply died too");
}

#[test]
fn a_truncation_not_yet_durable_leaves_the_old_entries_on_disk() {
    let mut disk = Disk::new();
    let sync = DiskConfig::default();
    disk.issue(
        0,
        &sync,
        0,
        &output(1, None, &[appended(1, 3)]),
        &log_of(&[1, 1, 1]),
    );
    let changes = [LogChange::Truncated { from: 2 }, appended(2, 2)];
    disk.issue(0, &SLOW, 0, &output(2, None, &changes), &log_of(&[1, 2]));
    assert_eq!(disk.synced_index(), 1, "memory and disk agree up to 1");
    disk.crash(MILLIS, false);
    assert_eq!(disk.recover().state.log, log_of(&[1, 1, 1]));
}

#[test]
fn a_torn_record_fails_its_checksum_and_is_dropped() {
    let mut disk = Disk::new();
    disk.issue(
        0,
        &DiskConfig::default(),
        0,
        &output(1, None, &[appended(1, 1)]),
        &log_of(&[1]),
    );
    disk.issue(
        0,
        &SLOW,
        0,
        &output(1, None, &[appended(2, 3)]),
        &log_of(&[1, 1, 1]),
    );
    assert!(!disk.could_tear(MILLIS - 1), "not yet on the device");
    assert!(disk.could_tear(MILLIS));
    disk.crash(2 * MILLIS, true);
    let torn = disk.torn().cloned().expect("a torn record");
    assert_eq!(torn.index, 2);
    assert_ne!(
        checksum(torn.index, &torn.entry),
        torn.checksum,
        "what reads back is not what was written"
    );
    assert_eq!(torn.entry.term, 0, "without the checksum: a term-0 entry");
    let recovery = disk.recover();
    assert_eq!(recovery.dropped_torn, Some(2));
    assert_eq!(recovery.state.log, log_of(&[1]));
    assert!(disk.torn().is_none(), "recovery truncated it");
}

#[test]
fn recovery_ends_the_log_at_the_first_bad_checksum() {
    let mut disk = Disk::new();
    let out = output(1, None, &[appended(1, 3)]);
    disk.issue(0, &DiskConfig::default(), 0, &out, &log_of(&[1, 1, 1]));
    *disk.checksums.make_mut(1) ^= 1;
    assert_eq!(disk.recover().state.log, log_of(&[1]));
}

#[test]
fn only_an_append_after_the_durable_log_can_tear() {
    let mut disk = Disk::new();
    disk.issue(
        0,
        &DiskConfig::default(),
        0,
        &output(1, None, &[appended(1, 2)]),
        &log_of(&[1, 1]),
    );
    let out = output(2, None, &[LogChange::Truncated { from: 2 }]);
    disk.issue(0, &SLOW, 0, &out, &log_of(&[1]));
    assert!(
        !disk.could_tear(3 * MILLIS),
        "a truncation writes no record"
    );
    disk.crash(3 * MILLIS, true);
    assert!(disk.torn().is_none());
}

/// A snapshot of index `through` for a log `log`: only its index and term
/// matter to the disk.
fn snapshot_of(log: &RaftLog, through: LogIndex) -> crate::raft::Snapshot {
    let meta = crate::raft::SnapshotMeta {
        last_index: through,
        last_term: log.term_at(through).unwrap(),
        membership: crate::raft::Membership::of_voters([1, 2, 3]),
        membership_index: 0,
        records: 0,
        history: SharedVec::new(),
    };
    crate::raft::Snapshot {
        meta: std::rc::Rc::new(meta),
        store: std::rc::Rc::new(crate::raft::KvStore::default()),
    }
}

/// Thesis §5.1: the snapshot is written, then the log it covers discarded,
/// both with the write that carries them. A crash before that write is
/// durable keeps the old log and no snapshot; after it, recovery reads the
/// snapshot and the log after it, every kept record's checksum intact.
#[test]
fn a_snapshot_is_durable_with_its_write_and_recovery_starts_after_it() {
    let mut disk = Disk::new();
    let mut log = log_of(&[1, 1, 2, 2]);
    disk.issue(
        0,
        &DiskConfig::default(),
        0,
        &output(2, None, &[appended(1, 4)]),
        &log,
    );
    let snapshot = snapshot_of(&log, 3);
    log.compact(3);
    let out = Output {
        snapshot: Some(snapshot.clone()),
        log_changes: vec![LogChange::Compacted { through: 3 }],
        ..Output::default()
    };
    assert_eq!(disk.issue(10, &SLOW, 0, &out, &log), Some(10 + 5 * MILLIS));
    assert_eq!(
        disk.synced_index(),
        0,
        "the snapshot may replace anything after none"
    );
    let mut lost = disk.clone();
    lost.crash(11, false);
    let before = lost.recover().state;
    assert_eq!((before.snapshot, before.log.snapshot_index()), (None, 0));
    assert_eq!(before.log.last_index(), 4);
    disk.sync(10 + 5 * MILLIS);
    disk.crash(20 * MILLIS, false);
    let after = disk.recover().state;
    assert_eq!(after.snapshot, Some(snapshot));
    assert_eq!((after.log.first_index(), after.log.last_index()), (4, 4));
    assert_eq!(
        after.log.entry(4),
        Some(&entry(2)),
        "the suffix, checksum intact"
    );
}

/// The explorer's view of a disk, hashed with `rename` at `now`.
fn explored(disk: &Disk, now: Time, rename: &dyn Fn(NodeId) -> NodeId) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    disk.hash_explored_state(&mut h, now, rename);
    h.finish()
}

#[test]
fn the_explorer_tells_a_write_on_its_way_from_the_same_write_durable() {
    let same = |id: NodeId| id;
    let log = log_of(&[1]);
    let out = output(1, Some(2), &[appended(1, 1)]);
    let mut synced = Disk::new();
    synced.issue(0, &DiskConfig::default(), 0, &out, &log);
    let mut lagging = Disk::new();
    lagging.issue(0, &SLOW, 0, &out, &log);
    assert_ne!(explored(&lagging, 0, &same), explored(&synced, 0, &same));
    // Its time left counts, from now: issued a millisecond later and seen
    // a millisecond later, it is the same write on its way.
    let mut later = Disk::new();
    later.issue(MILLIS, &SLOW, 0, &out, &log);
    assert_eq!(
        explored(&later, MILLIS, &same),
        explored(&lagging, 0, &same)
    );
    assert_ne!(explored(&later, 0, &same), explored(&lagging, 0, &same));
    // Durable, it is the synchronous disk's state again.
    lagging.sync(SLOW.write_latency + SLOW.fsync_latency);
    assert_eq!(
        explored(&lagging, 9 * MILLIS, &same),
        explored(&synced, 0, &same)
    );
}

#[test]
fn the_explorer_renames_the_vote_and_the_held_replies_of_a_disk() {
    let swap = |id: NodeId| 3 - id; // 1 <-> 2
    let log = log_of(&[]);
    let mut for_1 = Disk::new();
    for_1.issue(0, &SLOW, 0, &output(1, Some(1), &[]), &log);
    for_1.hold(&mut vec![reply(1)]);
    let mut for_2 = Disk::new();
    for_2.issue(0, &SLOW, 0, &output(1, Some(2), &[]), &log);
    for_2.hold(&mut vec![reply(2)]);
    let same = |id: NodeId| id;
    assert_ne!(explored(&for_1, 0, &same), explored(&for_2, 0, &same));
    // Each reply's sender (2) is renamed too, so compare with it swapped:
    // a vote for 1 held for 1 from 2, renamed, is a vote for 2 held for 2
    // from 1.
    let mut from_1 = Disk::new();
    from_1.issue(0, &SLOW, 0, &output(1, Some(2), &[]), &log);
    let mut held = vec![Envelope {
        from: 1,
        ..reply(2)
    }];
    from_1.hold(&mut held);
    assert_eq!(explored(&for_1, 0, &swap), explored(&from_1, 0, &same));
}
