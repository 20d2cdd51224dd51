//! Which unsafe switches the explorer can show breaking Raft, and with
//! which bounds: what the page's "Explore every interleaving" offers, and
//! why it offers nothing for the rest.
//!
//! Each bound here was measured (README, "Exhaustive exploration"): the
//! counterexample is found in seconds, and the safe core explores the same
//! bounds with no violation.

use super::bounds::Bounds;
use super::search::explorer_config;
use crate::raft::{UnsafeSwitch, UnsafeSwitches};
use crate::sim::SimConfig;

/// What the explorer can do for one switch.
#[derive(Clone, Debug, PartialEq)]
pub enum ExplorePlan {
    /// These bounds and settings find the shortest counterexample, of
    /// `steps` steps.
    Shows {
        /// The bounds of the search.
        bounds: Bounds,
        /// The cluster's settings (the switch, and what it needs on).
        config: Box<SimConfig>,
        /// The length of the shortest counterexample, as measured.
        steps: u32,
    },
    /// The explorer models what the switch needs, but its shortest failure
    /// is deeper than a search of a minute reaches.
    TooDeep(&'static str),
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
            steps,
        }
    };
    let depth = |depth: u32| Bounds {
        depth,
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
        UnsafeSwitch::CommitOldTerms => ExplorePlan::TooDeep(
            "Figure 8 takes three elections and two client writes: about 18 steps, past what a minute of search reaches",
        ),
        UnsafeSwitch::ReadIndexWithoutNoop => ExplorePlan::TooDeep(
            "a write committed, a new leader elected, then a read served by it: about 14 steps with two requests",
        ),
        UnsafeSwitch::SnapshotUncommitted => ExplorePlan::TooDeep(
            "no failure within 12 steps with a snapshot after every entry and two requests",
        ),
        UnsafeSwitch::ReplyBeforePersist => ExplorePlan::NotModeled(
            "it needs a disk that loses unsynced writes; the explorer's disks are synchronous",
        ),
        UnsafeSwitch::LeaseIgnoresDrift => ExplorePlan::NotModeled(
            "it needs clocks that drift; the explorer's steps have no time between them",
        ),
        UnsafeSwitch::ConfigChangeWithoutNoop | UnsafeSwitch::TwoChangesAtOnce => ExplorePlan::NotModeled(
            "membership changes are not among the explorer's moves (and the known failures need 4 servers)",
        ),
    }
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
                steps,
            } = plan(switch)
            else {
                continue;
            };
            if steps > 8 {
                continue; // the slow ones are tests/explore.rs's
            }
            let mut explorer = Explorer::new(bounds, *config).unwrap();
            explorer.run();
            let found = explorer.counterexample().expect("a counterexample");
            assert_eq!(found.steps(), steps, "{switch:?}");
        }
    }

    #[test]
    fn switches_the_explorer_cannot_show_say_why() {
        for switch in [
            UnsafeSwitch::ReplyBeforePersist,
            UnsafeSwitch::LeaseIgnoresDrift,
        ] {
            let ExplorePlan::NotModeled(why) = plan(switch) else {
                panic!("{switch:?}");
            };
            assert!(why.contains("needs"), "{why}");
        }
    }
}
