//! What each unsafe switch needs before it can show: the settings under
//! which its broken rule is ever consulted, on top of the user's own.

use crate::raft::{ReadPath, Time, UnsafeSwitch, UnsafeSwitches, MILLIS};
use crate::sim::config::SimConfig;
use crate::sim::{FaultModel, NetworkConfig};

/// A clock drift bound wide enough for `lease-ignores-drift` to show in a
/// few hundred seeds (30%, as `tests/unsafe_switches.rs` uses).
const LEASE_DRIFT_PPM: u64 = 300_000;
/// The nemesis's share of strikes that change a clock or the membership,
/// or ask for a transfer, as `raft-sim --clock-drift`, `--membership` and
/// `--transfers` set them.
const CHANGE_SHARE: f64 = 0.1;
/// For `config-change-without-noop`: strikes every 100 ms on average (the
/// nemesis's 400 ms, four times as often), three in ten of them changes.
/// The bug needs two leaders in quick succession, each changing the
/// membership before its no-op commits. Once servers ignored vote
/// requests from servers their committed configuration removed (thesis
/// §4.2.3), elections came half as often and no seed of 8,000 failed at
/// four or five servers at the nemesis's pace; at this one, 2 of 600 at
/// each (2026-12-03).
const CHURN_INTERVAL: Time = 100 * MILLIS;
const CHURN_CHANGE_SHARE: f64 = 0.3;
/// The snapshot threshold of `raft-sim --snapshots 8` sweeps.
const SNAPSHOT_EVERY: u64 = 8;
/// The share of messages late by one to five election timeouts for
/// `lease-after-timeout-now`, whose failure needs a TimeoutNow to arrive
/// after the leader gave its transfer up. At the nemesis's 2% no seed of
/// 4,000 failed at 5 servers; at 30%, 7 of 1,000 at 5 servers and 5 of
/// 1,000 at 3, and the safe core none of 2,000 at each (2026-12-03).
pub const LATE_TIMEOUT_NOW_TAIL: f64 = 0.3;

/// For `count-self-before-persist`: fsyncs up to 100 ms slower than the
/// disk's latency, and a nemesis that crashes a server during three writes
/// in ten. The leader must crash after a majority of followers acknowledged
/// an entry it still holds only in memory. Seeds searched before the
/// first failure at 5 servers, from seeds 1, 10001, 20001 and 30001: at
/// `--disk-faults`' 50 ms and 5%, 2,676 from seed 1; at 100 ms and 5%, 274,
/// 703, 1,579 and 397; at 100 ms and 30%, 86, 226, 38 and 326 (2026-12-05).
const SLOW_FSYNC_JITTER: Time = 100 * MILLIS;
const CRASH_DURING_WRITE: f64 = 0.3;

/// `config` with what `switch` needs to show turned on, and `switch` as
/// the only unsafe switch. Everything else the user set is kept:
/// * every switch: the nemesis of `--faults all` (unless a nemesis is on
///   already), with its network (5-40 ms, 3% loss and duplication) unless
///   the user set a network of their own, at least one client, and the
///   clients of a scenario (bound clients cannot be written in one, so
///   they are unbound);
/// * `reply-before-persist`: disks that lose unsynced writes
///   (`--disk-faults`, Figure 2's "stable storage" made fallible);
/// * `count-self-before-persist`: the same disks, with fsyncs that take
///   up to 100 ms more, so a follower's copy can be durable before the
///   leader's own, and crashes during three writes in ten (thesis
///   §10.2.1);
/// * `prevote-raises-term`: PreVote (thesis §9.6);
/// * `read-index-without-noop` and `read-index-reuses-round`: ReadIndex
///   reads, unless already by lease (thesis §6.4);
/// * `lease-ignores-drift`: lease reads, CheckQuorum, clocks that drift
///   within 30% and a nemesis that moves them (thesis §6.4.1);
/// * `two-changes-at-once`: a nemesis that changes the membership (thesis
///   §4.1);
/// * `config-change-without-noop`: the same, striking four times as often
///   with three strikes in ten changes (thesis §4.1);
/// * `snapshot-uncommitted`: a snapshot every 8 entries (thesis §5.1);
/// * `lease-after-timeout-now`: lease reads, CheckQuorum, a nemesis that
///   asks for leadership transfers, and 30% of messages late by one to
///   five election timeouts, so a TimeoutNow can outlive its transfer
///   (thesis §3.10, §4.2.3 and §6.4.1).
pub fn settings_for(switch: UnsafeSwitch, mut config: SimConfig) -> SimConfig {
    if !config.nemesis.enabled {
        // A network other than the default is the user's: the page's
        // panels set it, and a search on a lossier one must run on it (a
        // page tester's loss of 1.0 found the default's failure at seed 1).
        let chosen = config.network;
        config = config.with_all_faults();
        if chosen != NetworkConfig::default() {
            config.network = chosen;
        }
    }
    config.unsafe_switches = UnsafeSwitches::none().with(switch);
    config.workload.clients = config.workload.clients.max(1);
    config.workload.bound = false;
    config.record_trace = false;
    match switch {
        UnsafeSwitch::ReplyBeforePersist if config.disk.is_synchronous() => {
            config = config.with_disk_faults();
        }
        UnsafeSwitch::CountSelfBeforePersist => {
            if config.disk.is_synchronous() {
                config = config.with_disk_faults();
            }
            let jitter = &mut config.disk.fsync_jitter;
            *jitter = (*jitter).max(SLOW_FSYNC_JITTER);
            let crash = &mut config.nemesis.crash_during_write;
            *crash = crash.max(CRASH_DURING_WRITE);
        }
        UnsafeSwitch::PreVoteRaisesTerm => config.raft.pre_vote = true,
        UnsafeSwitch::ReadIndexWithoutNoop | UnsafeSwitch::ReadIndexReusesRound
            if config.reads.path != ReadPath::Lease =>
        {
            config.reads.path = ReadPath::ReadIndex;
        }
        UnsafeSwitch::LeaseIgnoresDrift => {
            config.reads.path = ReadPath::Lease;
            config.raft.check_quorum = true;
            config.reads.clock_drift_ppm = config.reads.clock_drift_ppm.max(LEASE_DRIFT_PPM);
            config.nemesis.clock_changes = config.nemesis.clock_changes.max(CHANGE_SHARE);
        }
        UnsafeSwitch::ConfigChangeWithoutNoop => {
            let share = &mut config.nemesis.membership_changes;
            *share = share.max(CHURN_CHANGE_SHARE);
            let interval = &mut config.nemesis.mean_interval;
            *interval = (*interval).min(CHURN_INTERVAL);
        }
        UnsafeSwitch::TwoChangesAtOnce => {
            let share = &mut config.nemesis.membership_changes;
            *share = share.max(CHANGE_SHARE);
        }
        UnsafeSwitch::SnapshotUncommitted => {
            config.snapshot_threshold = config.snapshot_threshold.or(Some(SNAPSHOT_EVERY));
        }
        UnsafeSwitch::LeaseAfterTimeoutNow => {
            config.reads.path = ReadPath::Lease;
            config.raft.check_quorum = true;
            let share = &mut config.nemesis.transfers;
            *share = share.max(CHANGE_SHARE);
            let nemesis_tail = FaultModel::nemesis(&config.timing).latency_tail;
            let tail = &mut config.faults.latency_tail;
            if tail.is_off() {
                *tail = nemesis_tail;
            }
            tail.probability = tail.probability.max(LATE_TIMEOUT_NOW_TAIL);
        }
        _ => {}
    }
    config
}

/// The flags `switch` needs under `config` before its broken rule can
/// ever decide anything, if it needs some: `raft-sim run` and `sweep` say
/// so rather than report a clean run of a switch that did nothing. Only
/// what `config` alone settles: a scenario's actions may add more.
pub fn unconsulted(switch: UnsafeSwitch, config: &SimConfig) -> Option<&'static str> {
    // Without CheckQuorum the core answers a lease read by ReadIndex
    // (thesis §6.4.1): no lease is ever held.
    let lease = config.reads.path == ReadPath::Lease && config.raft.check_quorum;
    match switch {
        // A synchronous disk makes every write durable in the step that
        // asks for it: no reply can leave before it.
        UnsafeSwitch::ReplyBeforePersist if config.disk.is_synchronous() => Some("--disk-faults"),
        // A synchronous disk makes the leader's own write durable in the
        // step that appends it. (Fixed fsyncs hardly ever let a follower's
        // acknowledgement come first, but they may: a stopped follower's
        // kept inbox is read before its held replies are released.)
        UnsafeSwitch::CountSelfBeforePersist if config.disk.is_synchronous() => {
            Some("--disk-faults")
        }
        UnsafeSwitch::PreVoteRaisesTerm if !config.raft.pre_vote => Some("--pre-vote"),
        // Local reads never ask the leader; lease reads fall back to
        // ReadIndex when no lease is held.
        UnsafeSwitch::ReadIndexWithoutNoop | UnsafeSwitch::ReadIndexReusesRound
            if matches!(config.reads.path, ReadPath::Log | ReadPath::Local) =>
        {
            Some("--reads read-index")
        }
        // With exact clocks the lease gives up no margin, so ignoring it
        // changes nothing (a tester found no note said so).
        UnsafeSwitch::LeaseIgnoresDrift if !lease || config.reads.clock_drift_ppm == 0 => {
            Some("--reads lease --check-quorum --clock-drift PPM")
        }
        UnsafeSwitch::LeaseAfterTimeoutNow if !lease || config.nemesis.transfers == 0.0 => {
            Some("--reads lease --check-quorum --transfers")
        }
        UnsafeSwitch::ConfigChangeWithoutNoop | UnsafeSwitch::TwoChangesAtOnce
            if config.nemesis.membership_changes == 0.0 =>
        {
            Some("--membership")
        }
        UnsafeSwitch::SnapshotUncommitted if config.snapshot_threshold.is_none() => {
            Some("--snapshots N")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every switch is consulted under the settings `settings_for` gives
    /// it, and the plain defaults leave exactly the switches that need a
    /// mechanism unconsulted.
    #[test]
    fn what_a_switch_needs_is_what_settings_for_turns_on() {
        let plain = SimConfig::default();
        let mut needy = Vec::new();
        for switch in UnsafeSwitch::ALL {
            let given = settings_for(switch, plain.clone());
            assert_eq!(unconsulted(switch, &given), None, "{}", switch.name());
            if unconsulted(switch, &plain).is_some() {
                needy.push(switch.name());
            }
        }
        assert_eq!(
            needy,
            [
                "reply-before-persist",
                "prevote-raises-term",
                "read-index-without-noop",
                "lease-ignores-drift",
                "config-change-without-noop",
                "two-changes-at-once",
                "snapshot-uncommitted",
                "lease-after-timeout-now",
                "count-self-before-persist",
                "read-index-reuses-round"
            ]
        );
    }

    /// The ReadIndex switches are asked under ReadIndex and lease reads
    /// (which fall back to it), never under local ones.
    #[test]
    fn read_index_switches_are_unconsulted_by_local_reads() {
        let with = |path| {
            let mut c = SimConfig::default();
            c.reads.path = path;
            c
        };
        for switch in [
            UnsafeSwitch::ReadIndexWithoutNoop,
            UnsafeSwitch::ReadIndexReusesRound,
        ] {
            let unasked = |path| unconsulted(switch, &with(path));
            assert_eq!(unasked(ReadPath::Local), Some("--reads read-index"));
            assert_eq!(unasked(ReadPath::ReadIndex), None);
            assert_eq!(unasked(ReadPath::Lease), None);
        }
    }

    /// A lease is held only with CheckQuorum, and gives up a margin only
    /// for clocks that drift: without either, lease-ignores-drift does
    /// nothing.
    #[test]
    fn lease_ignores_drift_needs_a_lease_and_drifting_clocks() {
        let with = |check_quorum, ppm| {
            let mut c = SimConfig::default();
            c.reads.path = ReadPath::Lease;
            c.raft.check_quorum = check_quorum;
            c.reads.clock_drift_ppm = ppm;
            unconsulted(UnsafeSwitch::LeaseIgnoresDrift, &c)
        };
        let needs = Some("--reads lease --check-quorum --clock-drift PPM");
        assert_eq!(with(true, 0), needs);
        assert_eq!(with(false, 10_000), needs);
        assert_eq!(with(true, 10_000), None);
    }

    #[test]
    fn each_switch_gets_what_it_needs_and_keeps_the_rest() {
        let mut mine = SimConfig {
            nodes: 7,
            ..SimConfig::default()
        };
        mine.workload.rate = 25.0;
        for switch in UnsafeSwitch::ALL {
            let c = settings_for(switch, mine.clone());
            assert_eq!(c.nodes, 7, "{}", switch.name());
            assert_eq!(c.workload.rate, 25.0);
            assert!(c.nemesis.enabled);
            assert!(c.unsafe_switches.enabled().eq([switch]));
            assert_eq!(c.validate(), Ok(()));
        }
        let c = |s| settings_for(s, mine.clone());
        assert!(!c(UnsafeSwitch::ReplyBeforePersist).disk.is_synchronous());
        let count_self = c(UnsafeSwitch::CountSelfBeforePersist);
        assert_eq!(count_self.disk.fsync_jitter, SLOW_FSYNC_JITTER);
        assert_eq!(count_self.nemesis.crash_during_write, CRASH_DURING_WRITE);
        assert!(c(UnsafeSwitch::PreVoteRaisesTerm).raft.pre_vote);
        let read_index = c(UnsafeSwitch::ReadIndexWithoutNoop).reads.path;
        assert_eq!(read_index, ReadPath::ReadIndex);
        let reuses_round = c(UnsafeSwitch::ReadIndexReusesRound).reads.path;
        assert_eq!(reuses_round, ReadPath::ReadIndex);
        let lease = c(UnsafeSwitch::LeaseIgnoresDrift);
        assert_eq!(lease.reads.path, ReadPath::Lease);
        assert!(lease.raft.check_quorum && lease.reads.clock_drift_ppm > 0);
        let change = c(UnsafeSwitch::TwoChangesAtOnce).nemesis.membership_changes;
        assert!(change > 0.0);
        let churn = c(UnsafeSwitch::ConfigChangeWithoutNoop).nemesis;
        assert_eq!(
            (churn.membership_changes, churn.mean_interval),
            (0.3, 100 * MILLIS)
        );
        assert_eq!(
            c(UnsafeSwitch::SnapshotUncommitted).snapshot_threshold,
            Some(8)
        );
        assert!(c(UnsafeSwitch::CommitOldTerms).disk.is_synchronous());
        let transfer = c(UnsafeSwitch::LeaseAfterTimeoutNow);
        assert_eq!(transfer.reads.path, ReadPath::Lease);
        assert!(transfer.raft.check_quorum && transfer.nemesis.transfers > 0.0);
        assert_eq!(transfer.faults.latency_tail.probability, 0.3);
        let nemesis = c(UnsafeSwitch::CommitOldTerms).faults.latency_tail;
        assert_eq!(
            nemesis.probability, 0.02,
            "the others keep the nemesis's tail"
        );
        assert_eq!(
            (
                transfer.faults.latency_tail.min,
                transfer.faults.latency_tail.max
            ),
            (nemesis.min, nemesis.max)
        );
    }

    /// A nemesis without a latency tail (`--faults partial`) gets the
    /// nemesis's delays for lease-after-timeout-now, not a share of none.
    #[test]
    fn lease_after_timeout_now_gets_late_messages_under_any_nemesis() {
        let c = settings_for(
            UnsafeSwitch::LeaseAfterTimeoutNow,
            SimConfig::default().with_partial_partitions(),
        );
        let tail = c.faults.latency_tail;
        assert_eq!(tail.probability, 0.3);
        assert!(tail.min > 0 && tail.max >= tail.min);
        assert_eq!(c.validate(), Ok(()));
    }
}
