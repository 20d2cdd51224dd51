//! How the explorer shows each unsafe switch breaking Raft: with which
//! bounds, and from which state (a prefix of fixed steps, where the whole
//! search would be too slow). What the page's "Explore every interleaving"
//! runs. Every switch has one today; a switch the explorer cannot model
//! would say why (`NotModeled`).
//!
//! Each bound here was measured (README, "Exhaustive exploration"): the
//! counterexample is found in seconds, and the safe core explores the same
//! bounds from the same state with no violation.

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

impl ExplorePlan {
    /// The same plan, searched from the state `prefix` (told as `story`)
    /// leads to.
    fn after(self, prefix: Vec<Action>, story: &'static str) -> ExplorePlan {
        match self {
            ExplorePlan::Shows {
                bounds,
                config,
                steps,
                ..
            } => ExplorePlan::Shows {
                bounds,
                config,
                prefix,
                prefix_story: story,
                steps,
            },
            not_modeled => not_modeled,
        }
    }
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
        // n1 leads term 1 and commits its no-op with n2; n2 stands for
        // term 2; a read reaches n1, which sends round 1 for it, and n3
        // acknowledges the round; n3 votes for n2, which leads term 2; a
        // second read reaches n1, which gives it round 1 (the switch),
        // long acknowledged, and answers at once though n2 was elected
        // before the read arrived. No write makes the answer stale, so only
        // `read_index_not_superseded` sees it. The safe core explores the
        // same bounds 14 deep with none (294,494 states, 2 s), weaker
        // evidence than for the other invariants: the fingerprint leaves
        // out what the checkers remember (`fingerprint.rs`), and this one
        // remembers which term had a leader when each read arrived, so two
        // paths that differ only there are merged. The sweeps carry the
        // weight (0 in 10,000 seeds of each read configuration).
        UnsafeSwitch::ReadIndexReusesRound => shows(
            Bounds {
                max_term: 2,
                max_in_flight: 5,
                heartbeats: false,
                stale_requests_lost: true,
                ..shaped(12, 2)
            },
            12,
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
        // The prefix: n1 leads term 1, n2 holds its whole log, lease reads
        // are switched on, and n1 hands over to n2 (TimeoutNow leaves at
        // once). Then, in 7 steps: TimeoutNow reaches n2, which stands for
        // term 2; a wait; n1's heartbeat gives the transfer up and sends a
        // lease round; n3 takes the round, then n2's RequestVote, which
        // ignores stickiness (it comes from a hand-over), and votes; n3's
        // acknowledgement of the round reaches n1, whose lease the switch
        // lets run, and n3's vote elects n2 inside it. 14 steps in all.
        // Why leases only after the election: a server that starts with
        // leases on acts as if it had just heard from a leader, and the
        // wait that outlasts that would cost the search a level it cannot
        // afford (none within 14 steps from a fresh cluster with three
        // waits of 130 ms: 38.8 M states, 651 s).
        UnsafeSwitch::LeaseAfterTimeoutNow => {
            shows(transfer_bounds(), 14, lease_after_transfer).after(
                elect_n1_and_hand_over_to_n2(),
                "n1's election in term 1 with n2's vote, n2 caught up, lease reads on, and n1's hand-over to n2",
            )
        }
        // Writes durable at most 6 steps after they are issued, sooner by
        // a `sync_disk` move. n1 stands for term 1, n2 votes for it and
        // stands for term 2 itself: the prefix. n2's vote elects n1, whose
        // no-op reaches n3; n3's write is synced and its acknowledgement
        // commits the no-op with n1's own copy counted though it is still
        // on its way to n1's disk (the switch); n3 takes n2's RequestVote
        // and votes; n1 crashes and loses the no-op, comes back empty,
        // and its vote elects n2 in term 2 without the committed entry.
        // With writes that all take the same time n1's own copy would be
        // durable first (`early_syncs` off finds nothing).
        UnsafeSwitch::CountSelfBeforePersist => {
            let bounds = Bounds {
                max_term: 2,
                max_log: 2,
                heartbeats: false,
                stale_requests_lost: true,
                early_syncs: true,
                restarts: 1,
                ..shaped(8, 0)
            };
            shows(bounds, 14, |c| c.disk = lagging_disk(6)).after(
                elect_n1_as_n2_stands(),
                "n1 stands for term 1; n2 votes for it, then stands for term 2 itself",
            )
        }
        // Four servers, C0 = {n1..n4} (thesis §4.1; the bug Ongaro posted
        // to raft-dev in 2015, with a removal where his adds a server).
        // n1 leads term 1 with the votes of n2 and n3, and n2 times out for
        // term 2: the prefix, 6 steps. n3 and n4 vote for n2, whose log is
        // as empty as theirs; n1, not yet deposed, removes n2 before its
        // no-op commits (the switch, a first time): C1 = {n1, n3, n4}, an
        // entry only n1 holds. n2's RequestVote brings n1 to term 2
        // (refused: n1's log is ahead); n4's vote elects n2, and n3 takes
        // its no-op. n1 times out for term 3 and n4, its log empty, grants
        // it. n2 removes n1 before its no-op commits (the switch again):
        // under C2 = {n2, n3, n4}, used at once, n2 and n3 are a majority
        // and the no-op commits. n4's vote reaches n1, which under C1
        // needs only that one: a leader of term 3 without the committed
        // entry, in 18 steps. C1 and C2 are each one server from C0 but
        // two apart, and their majorities {n1, n4} and {n2, n3} do not
        // overlap. (In Ongaro's telling the first change keeps the rule;
        // here both skip it.)
        // Why a prefix: speed. From a fresh cluster the same bounds find an
        // 18-step counterexample too (none shorter; n2 times out before
        // n3's vote reaches n1, so 5 messages in flight are enough), in
        // 13 s natively, and the page's Worker is 3 to 4 times slower;
        // from the state after these 6 steps, in 3 s. (With 6 in flight,
        // the whole search's counterexample is this one, prefix and all.)
        UnsafeSwitch::ConfigChangeWithoutNoop => {
            let bounds = Bounds {
                nodes: 4,
                max_term: 3,
                max_in_flight: 5,
                heartbeats: false,
                stale_requests_lost: true,
                removals: 2,
                ..shaped(12, 0)
            };
            shows(bounds, 18, |_| {}).after(
                elect_n1_then_time_out_n2(),
                "n1's election in term 1 and n2's timeout for term 2",
            )
        }
    }
}

/// The first 6 steps of a 3-server cluster whose disks lag: n1 times out
/// for term 1 and its disk syncs, so its RequestVotes leave (1 to n2, 2 to
/// n3); n2 takes its own and votes; n2 times out for term 2 and its disk
/// syncs, so its vote (3) and its RequestVotes (4 to n1, 5 to n3) leave;
/// the vote reaches n1, which leads term 1 and sends its no-op (6 to n2,
/// 7 to n3).
fn elect_n1_as_n2_stands() -> Vec<Action> {
    vec![
        Action::ForceTimeout(1),
        Action::SyncDisk(1),
        Action::DeliverMessage(1), // n1's RequestVote to n2
        Action::ForceTimeout(2),
        Action::SyncDisk(2),
        Action::DeliverMessage(3), // n2's vote: n1 leads term 1
    ]
}

/// The first 6 steps of a 4-server cluster in the explorer: n1 times out
/// for term 1, its RequestVotes reach n2 and n3, their votes elect it, and
/// n2 times out for term 2. The message ids are the simulator's, in the
/// order the messages were sent (1 to 3: n1's RequestVotes to n2, n3 and
/// n4; 4 and 5: the votes of n2 and n3).
fn elect_n1_then_time_out_n2() -> Vec<Action> {
    vec![
        Action::ForceTimeout(1),
        Action::DeliverMessage(1), // n1's RequestVote to n2
        Action::DeliverMessage(2), // n1's RequestVote to n3
        Action::DeliverMessage(4), // n2's vote
        Action::DeliverMessage(5), // n3's vote: n1 leads term 1
        Action::ForceTimeout(2),
    ]
}

/// The first 7 steps of a 3-server cluster with ReadIndex reads: n1 times
/// out for term 1 and n2's vote elects it; n1's no-op reaches n2 and n2's
/// acknowledgement catches it up; reads switch to leases (the page's
/// Reads control); n1 hands over to n2, which holds its whole log, so
/// TimeoutNow leaves at once. The message ids are the simulator's, in the
/// order the messages were sent.
fn elect_n1_and_hand_over_to_n2() -> Vec<Action> {
    vec![
        Action::ForceTimeout(1),
        Action::DeliverMessage(1), // n1's RequestVote to n2
        Action::DeliverMessage(3), // n2's vote: n1 leads term 1
        Action::DeliverMessage(4), // n1's no-op to n2
        Action::DeliverMessage(6), // n2's acknowledgement
        Action::SetReads(ReadPath::Lease),
        Action::TransferLeadership(2),
    ]
}

/// The bounds that show `LeaseAfterTimeoutNow` after the hand-over: those
/// of `LeaseIgnoresDrift` (room for a heartbeat's messages beside
/// TimeoutNow and an election's), 7 steps deep, with one wait of 300 ms
/// (an election timeout at most, so the transfer is given up at n1's next
/// heartbeat).
pub fn transfer_bounds() -> Bounds {
    Bounds {
        depth: 7,
        waits: 1,
        wait_millis: 300,
        ..lease_bounds()
    }
}

/// CheckQuorum and ReadIndex reads until the prefix turns leases on, on
/// clocks that keep time: the switch needs no drift to show.
fn lease_after_transfer(config: &mut SimConfig) {
    config.reads.path = ReadPath::ReadIndex;
    config.raft.check_quorum = true;
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
    use crate::raft::Role;
    use crate::sim::explore::{Explorer, STEP};
    use crate::sim::Simulation;

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
    fn the_explorer_shows_every_switch_and_tells_each_prefix() {
        for switch in UnsafeSwitch::ALL {
            let plan = plan(switch);
            let ExplorePlan::Shows {
                prefix,
                prefix_story,
                ..
            } = &plan
            else {
                panic!("{switch:?}: {plan:?}");
            };
            assert_eq!(prefix.is_empty(), prefix_story.is_empty(), "{switch:?}");
            let own = matches!(
                switch,
                UnsafeSwitch::ConfigChangeWithoutNoop
                    | UnsafeSwitch::LeaseAfterTimeoutNow
                    | UnsafeSwitch::CountSelfBeforePersist
            );
            assert_eq!(!prefix.is_empty(), own, "{switch:?}");
        }
    }

    /// The state `switch`'s plan starts its search from: its prefix
    /// played one action per step, as `Explorer::after` plays it. A
    /// delivery of a message id no longer in flight does nothing, and says
    /// nothing: the prefix's ids must name the messages its comment says,
    /// or the search would start from another state, which the tests of
    /// each prefix below check.
    fn after_prefix(switch: UnsafeSwitch) -> Simulation {
        let ExplorePlan::Shows { config, prefix, .. } = plan(switch) else {
            panic!("a plan");
        };
        let mut sim = Simulation::new(*config).unwrap();
        for (i, action) in prefix.into_iter().enumerate() {
            sim.run_until((i as u64 + 1) * STEP);
            sim.act_now(action).unwrap();
        }
        sim
    }

    fn role_and_term(sim: &Simulation, id: u64) -> (Role, u64) {
        let node = &sim.server(id).unwrap().node;
        (node.role(), node.current_term())
    }

    #[test]
    fn the_config_change_prefix_elects_n1_and_times_n2_out() {
        let sim = after_prefix(UnsafeSwitch::ConfigChangeWithoutNoop);
        let role_and_term = |id| role_and_term(&sim, id);
        assert_eq!(role_and_term(1), (Role::Leader, 1));
        assert_eq!(role_and_term(2), (Role::Candidate, 2));
        assert_eq!(role_and_term(3), (Role::Follower, 1));
        assert_eq!(role_and_term(4), (Role::Follower, 0));
        let n1 = &sim.server(1).unwrap().node;
        assert_eq!(n1.membership().voters, [1, 2, 3, 4]);
    }

    /// The prefix's message ids name what its comment says: n1 leads term
    /// 1, n2 stands for term 2, and n1's no-op to n3 (7) is in flight.
    #[test]
    fn the_count_self_prefix_elects_n1_as_n2_stands() {
        let sim = after_prefix(UnsafeSwitch::CountSelfBeforePersist);
        let role_and_term = |id| role_and_term(&sim, id);
        assert_eq!(role_and_term(1), (Role::Leader, 1));
        assert_eq!(role_and_term(2), (Role::Candidate, 2));
        assert_eq!(role_and_term(3), (Role::Follower, 0));
        let to_n3 = sim.network().in_flight().find(|m| m.id == 7).unwrap();
        assert_eq!(to_n3.to, crate::sim::network::Endpoint::Node(3));
        assert_eq!(
            sim.server(1).unwrap().disk.unsynced_writes(),
            1,
            "the no-op"
        );
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
        let sim = Simulation::new(*config).unwrap();
        let rates: Vec<i64> = (1..=3).map(|id| sim.clocks().of(id).ppm()).collect();
        assert_eq!(rates, [-88_796, -57_627, 223_615]);
    }
}
