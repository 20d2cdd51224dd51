//! Which unsafe switches the explorer can show breaking Raft, and with
//! which bounds: what the page's "Explore every interleaving" offers, and
//! why it offers nothing for the rest.
//!
//! Each bound here was measured (README, "Exhaustive exploration"): the
//! counterexample is found in seconds, and the safe core explores the same
//! bounds with no violation.

use super::bounds::Bounds;
use super::search::{explorer_config, lagging_disk};
use crate::raft::{ReadPath, UnsafeSwitch, UnsafeSwitches};
use crate::sim::{Action, SimConfig};

/// What the explorer can do for one switch.
#[derive(Clone, Debug, PartialEq)]
pub enum ExplorePlan {
    /// These bounds and settings find the shortest counterexample, of
    /// `steps` steps.
    Shows {
        /// The bounds of the search (its depth counts the steps after
        /// `prefix`).
        bounds: Bounds,
        /// The cluster's settings (the switch, and what it needs on).
        config: Box<SimConfig>,
        /// The steps taken before the search starts, one action each
        /// (`Explorer::after`); empty: the search starts from a fresh
        /// cluster.
        prefix: Vec<Action>,
        /// What `prefix` does, in words, for the page ("" without one).
        prefix_story: &'static str,
        /// The length of the shortest counterexample, as measured, the
        /// prefix's steps included.
        steps: u32,
    },
    /// The explorer does not model what the switch needs.
    NotModeled(&'static str),
}

/// The plan for `switch`.
pub fn plan(switch: UnsafeSwitch) -> ExplorePlan {
    let shows = |bounds: Bounds, steps: u32, edit: fn(&mut SimConfig)| {
        let mut config = explorer_config(&bounds, UnsafeSwitches::none().with(switch));
        edit(&mut config);
        ExplorePlan::Shows {
            bounds,
            config: Box::new(config),
            prefix: Vec::new(),
            prefix_story: "",
            steps,
        }
    };
    let depth = |depth: u32| Bounds {
        depth,
        ..Bounds::default()
    };
    // No crash, duplicate or loss, `requests` requests each to a leader
    // and delivered in the step that sends it.
    let shaped = |depth: u32, requests: u32| Bounds {
        depth,
        restarts: 0,
        duplicates: 0,
        drops: 0,
        requests,
        instant_requests: true,
        ..Bounds::default()
    };
    match switch {
        UnsafeSwitch::VoteWithoutLogCheck => shows(depth(8), 8, |_| {}),
        UnsafeSwitch::ForgetVoteOnRestart => shows(depth(2), 2, |_| {}),
        UnsafeSwitch::TruncateOnAnyAppend => shows(depth(6), 6, |_| {}),
        UnsafeSwitch::PreVoteRaisesTerm => shows(depth(1), 1, |c| c.raft.pre_vote = true),
        UnsafeSwitch::LocalReads => shows(
            Bounds {
                requests: 2,
                max_term: 1,
                ..depth(11)
            },
            11,
            |_| {},
        ),
        // Figure 8: four elections and two writes, each write sent to a
        // leader and delivered in one step (`instant_requests`), requests
        // an outgrown receiver would refuse lost (`stale_requests_lost`).
        UnsafeSwitch::CommitOldTerms => shows(
            Bounds {
                max_term: 4,
                max_log: 2,
                max_in_flight: 5,
                reads: false,
                heartbeats: false,
                stale_requests_lost: true,
                ..shaped(20, 2)
            },
            20,
            |_| {},
        ),
        // A write committed and acknowledged, a new leader elected, and a
        // read it answers by ReadIndex before its no-op commits.
        UnsafeSwitch::ReadIndexWithoutNoop => shows(
            Bounds {
                max_term: 2,
                max_in_flight: 5,
                heartbeats: false,
                stale_requests_lost: true,
                ..shaped(15, 2)
            },
            15,
            |c| c.reads.path = ReadPath::ReadIndex,
        ),
        // A follower snapshots an entry that never committed and calls it
        // committed; a leader elected without it lacks it.
        UnsafeSwitch::SnapshotUncommitted => shows(
            Bounds {
                reads: false,
                ..shaped(12, 2)
            },
            12,
            |c| c.snapshot_threshold = Some(1),
        ),
        // A server's vote leaves before it is durable; the server crashes
        // before it is, comes back without it, and votes again in the same
        // term. Disk writes are durable two steps after they are issued:
        // one step leaves no room for a crash in between.
        UnsafeSwitch::ReplyBeforePersist => shows(
            Bounds {
                requests: 0,
                duplicates: 0,
                drops: 0,
                ..depth(7)
            },
            7,
            |c| c.disk = lagging_disk(2),
        ),
        // Time passes by waits (`timing`), clocks run at the rates the
        // seed draws within 30%: n1 -8.9%, n2 -5.8%, n3 +22.4%. Two waits
        // let the start-up stickiness pass, n1 is elected and a round
        // acknowledged by n3 earns its lease; a wait later n3's clock has
        // counted out an election timeout, n1's has not, and n2 is elected
        // inside n1's lease (thesis §6.4.1).
        UnsafeSwitch::LeaseIgnoresDrift => shows(lease_bounds(), 12, lease_reads),
        // n1 leads term 1 and commits its no-op with n2; n2 stands for
        // term 2 and n3 votes for it; n1 removes n2, then n3 before that
        // commits (the switch), and with itself as the whole configuration
        // commits alone; n2 wins term 2 with n3's vote, lacking that entry.
        // The old majority {n2, n3} and the new {n1} do not overlap.
        UnsafeSwitch::TwoChangesAtOnce => shows(
            Bounds {
                max_term: 2,
                max_in_flight: 8,
                heartbeats: false,
                stale_requests_lost: true,
                removals: 2,
                ..shaped(10, 0)
            },
            10,
            |_| {},
        ),
        UnsafeSwitch::ConfigChangeWithoutNoop => ExplorePlan::NotModeled(
            "it needs servers added as well as removed, and its known failure needs 4 servers to start with; the explorer's membership moves are removals only, which keep the servers one set to rename",
        ),
    }
}

/// The bounds that show `LeaseIgnoresDrift`: three waits of 130 ms, and
/// room for a heartbeat's AppendEntries and lease round beside an
/// election's messages. 130 ms is inside the window the drawn rates leave
/// (n3's election timeout, 123 ms of real time, is over; n1's undrifted
/// lease, 165 ms, is not), and two of them outlast n1's start-up
/// stickiness.
pub fn lease_bounds() -> Bounds {
    Bounds {
        depth: 12,
        max_term: 2,
        max_in_flight: 8,
        restarts: 0,
        requests: 0,
        duplicates: 0,
        drops: 0,
        waits: 3,
        wait_millis: 130,
        ..Bounds::default()
    }
}

/// Lease reads as the sweeps run them (`find::needs`): CheckQuorum, whose
/// stickiness they rest on, and clocks drifting up to 30%.
pub fn lease_reads(config: &mut SimConfig) {
    config.reads.path = ReadPath::Lease;
    config.raft.check_quorum = true;
    config.reads.clock_drift_ppm = 300_000;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::explore::Explorer;

    #[test]
    fn every_switch_has_a_plan_and_each_shown_one_finds_its_failure() {
        for switch in UnsafeSwitch::ALL {
            let ExplorePlan::Shows {
                bounds,
                config,
                prefix,
                steps,
                ..
            } = plan(switch)
            else {
                continue;
            };
            if steps > 8 {
                continue; // the slow ones are tests/explore.rs's
            }
            let mut explorer = Explorer::after(bounds, *config, &prefix).unwrap();
            explorer.run();
            let found = explorer.counterexample().expect("a counterexample");
            assert_eq!(found.steps(), steps, "{switch:?}");
        }
    }

    #[test]
    fn switches_the_explorer_cannot_show_say_why() {
        for switch in UnsafeSwitch::ALL {
            if let ExplorePlan::NotModeled(why) = plan(switch) {
                assert!(why.contains("need"), "{switch:?}: {why}");
            }
        }
        let lease = plan(UnsafeSwitch::LeaseIgnoresDrift);
        assert!(matches!(lease, ExplorePlan::Shows { .. }), "{lease:?}");
    }

    /// The lease plan rests on the rates the seed draws within its drift
    /// bound (its comment names them): a change to the draw must show.
    #[test]
    fn the_lease_plan_lets_time_pass_on_the_clocks_it_names() {
        let ExplorePlan::Shows { bounds, config, .. } = plan(UnsafeSwitch::LeaseIgnoresDrift)
        else {
            panic!("a plan");
        };
        assert_eq!((bounds.waits, bounds.wait_millis), (3, 130));
        assert_eq!(bounds.validate(), Ok(()));
        let sim = crate::sim::Simulation::new(*config).unwrap();
        let rates: Vec<i64> = (1..=3).map(|id| sim.clocks().of(id).ppm()).collect();
        assert_eq!(rates, [-88_796, -57_627, 223_615]);
    }
}
