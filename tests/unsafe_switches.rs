//! Each deliberately unsafe switch is caught by the checkers within a
//! bounded number of seeds, and the same seeds pass with the switch off:
//! proof that the checkers can fail, and fail for the right reason.

use raft_playground::raft::{UnsafeSwitch, UnsafeSwitches, SECONDS};
use raft_playground::sim::{self, Invariant, RunReport, SimConfig, Verdict};

/// Seeds tried per switch before giving up.
const SEED_BOUND: u64 = 400;

fn config(seed: u64, switches: UnsafeSwitches) -> SimConfig {
    let mut config = SimConfig {
        seed,
        nodes: 5,
        unsafe_switches: switches,
        ..SimConfig::default()
    }
    .with_all_faults();
    config.workload.clients = 3;
    config
}

fn run(seed: u64, switches: UnsafeSwitches) -> RunReport {
    sim::run(config(seed, switches), 60 * SECONDS, |_| {})
        .unwrap()
        .1
}

/// The first seed at which the switch makes the checkers fail.
fn first_failure(switch: UnsafeSwitch) -> RunReport {
    let on = UnsafeSwitches::none().with(switch);
    (1..=SEED_BOUND)
        .map(|seed| run(seed, on))
        .find(|r| !r.passed())
        .unwrap_or_else(|| panic!("{} not caught within {SEED_BOUND} seeds", switch.name()))
}

fn assert_caught(switch: UnsafeSwitch, expected: &[Invariant]) {
    let failing = first_failure(switch);
    let seen: Vec<Invariant> = failing.violations.iter().map(|v| v.invariant).collect();
    assert!(
        seen.iter().any(|i| expected.contains(i)),
        "{} at seed {} broke {seen:?}, expected one of {expected:?}",
        switch.name(),
        failing.seed
    );
    let v = &failing.violations[0];
    assert!(
        !v.nodes.is_empty() && !v.detail.is_empty(),
        "a violation names nodes and entries"
    );
    assert!(
        run(failing.seed, UnsafeSwitches::none()).passed(),
        "the switch is the cause"
    );
}

#[test]
fn commit_old_terms_is_caught() {
    assert_caught(
        UnsafeSwitch::CommitOldTerms,
        &[
            Invariant::LeaderCompleteness,
            Invariant::StateMachineSafety,
            Invariant::CommittedEntriesStable,
        ],
    );
}

#[test]
fn vote_without_log_check_is_caught() {
    assert_caught(
        UnsafeSwitch::VoteWithoutLogCheck,
        &[
            Invariant::LeaderCompleteness,
            Invariant::StateMachineSafety,
            Invariant::CommittedEntriesStable,
        ],
    );
}

#[test]
fn forget_vote_on_restart_is_caught() {
    assert_caught(
        UnsafeSwitch::ForgetVoteOnRestart,
        &[Invariant::TermAndVoteMonotonic, Invariant::ElectionSafety],
    );
}

#[test]
fn truncate_on_any_append_is_caught() {
    assert_caught(
        UnsafeSwitch::TruncateOnAnyAppend,
        &[
            Invariant::CommittedEntriesStable,
            Invariant::StateMachineSafety,
            Invariant::IndexOrder,
            Invariant::LogMatching,
        ],
    );
}

/// Local reads break no log invariant; only the linearizability checker,
/// reading the client history, can see them.
#[test]
fn local_reads_are_caught_by_the_linearizability_checker() {
    let failing = first_failure(UnsafeSwitch::LocalReads);
    assert_eq!(failing.violation_count, 0);
    assert!(matches!(
        failing.linearizability.verdict,
        Verdict::NotLinearizable { .. }
    ));
    assert!(run(failing.seed, UnsafeSwitches::none()).passed());
}

/// Every switch has a unique command-line name that maps back to it.
#[test]
fn switch_names_round_trip() {
    for s in UnsafeSwitch::ALL {
        assert_eq!(UnsafeSwitch::from_name(s.name()), Some(s));
        assert!(!s.description().is_empty());
    }
    assert_eq!(UnsafeSwitch::from_name("no-such-switch"), None);
}
