//! Each deliberately unsafe switch is caught by the checkers within a
//! bounded number of seeds, and the same seeds pass with the switch off:
//! proof that the checkers can fail, and fail for the right reason.

use raft_playground::raft::{NodeId, UnsafeSwitch, UnsafeSwitches, MILLIS, SECONDS};
use raft_playground::sim::{
    self, Action, Invariant, NetworkConfig, RunReport, SimConfig, Simulation, Verdict,
};
use std::collections::BTreeSet;

/// Seeds tried per switch before giving up.
const SEED_BOUND: u64 = 400;

/// Every fault of `--faults all`, and with `disk` those of `--disk-faults`.
#[derive(Clone, Copy)]
enum Faults {
    All,
    AllWithDisk,
}

fn config(seed: u64, switches: UnsafeSwitches, faults: Faults) -> SimConfig {
    let mut config = SimConfig {
        seed,
        nodes: 5,
        unsafe_switches: switches,
        ..SimConfig::default()
    }
    .with_all_faults();
    if let Faults::AllWithDisk = faults {
        config = config.with_disk_faults();
    }
    config.workload.clients = 3;
    config
}

fn run_with(seed: u64, switches: UnsafeSwitches, faults: Faults) -> RunReport {
    sim::run(config(seed, switches, faults), 60 * SECONDS, |_| {})
        .unwrap()
        .1
}

fn run(seed: u64, switches: UnsafeSwitches) -> RunReport {
    run_with(seed, switches, Faults::All)
}

/// The first seed at which the switch makes the checkers fail.
fn first_failure(switch: UnsafeSwitch, faults: Faults) -> RunReport {
    let on = UnsafeSwitches::none().with(switch);
    (1..=SEED_BOUND)
        .map(|seed| run_with(seed, on, faults))
        .find(|r| !r.passed())
        .unwrap_or_else(|| panic!("{} not caught within {SEED_BOUND} seeds", switch.name()))
}

fn assert_caught(switch: UnsafeSwitch, expected: &[Invariant]) {
    assert_caught_with(switch, Faults::All, expected);
}

fn assert_caught_with(switch: UnsafeSwitch, faults: Faults, expected: &[Invariant]) {
    let failing = first_failure(switch, faults);
    let seen: Vec<Invariant> = failing.violations.iter().map(|v| v.invariant).collect();
    assert!(
        seen.iter().any(|i| expected.contains(i)),
        "{} at seed {} broke {seen:?}, expected one of {expected:?}",
        switch.name(),
        failing.seed
    );
    println!(
        "{} caught at seed {} by {:?}",
        switch.name(),
        failing.seed,
        failing.violations.first().map(|v| v.invariant)
    );
    let v = &failing.violations[0];
    assert!(
        !v.nodes.is_empty() && !v.detail.is_empty(),
        "a violation names nodes and entries"
    );
    assert!(
        run_with(failing.seed, UnsafeSwitches::none(), faults).passed(),
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
        &[
            Invariant::TermAndVoteMonotonic,
            Invariant::OneVotePerTerm,
            Invariant::ElectionSafety,
        ],
    );
}

/// The targeted scenario for `forget-vote-on-restart`, one round of it:
/// once every server follows one leader, both followers time out at once,
/// so two candidates of one term ask for votes, and a fault restarts each
/// server right after it grants a vote in that term (a crash just after the
/// reply left). A voter that persisted its vote refuses the second
/// candidate; one that forgot it may grant both, and both can win (§5.2):
/// if the second request reaches it before the first winner's AppendEntries
/// makes its log more up to date than the second candidate's (§5.4.1).
fn elect_two_candidates_restarting_each_voter(sim: &mut Simulation) {
    let start = sim.now();
    while sim.stable_leader().is_none() {
        assert!(
            sim.now() < start + 10 * SECONDS,
            "a stable leader within 10 s"
        );
        sim.run_until(sim.now() + 10 * MILLIS);
    }
    let leader = sim.stable_leader().unwrap();
    let election = sim.server(leader).unwrap().node.current_term() + 1;
    for candidate in (1..=3).filter(|&n| n != leader) {
        sim.act(Action::ForceTimeout(candidate)).unwrap();
    }
    let mut restarted = BTreeSet::new();
    let until = sim.now() + SECONDS;
    while sim.next_event_at().is_some_and(|t| t <= until) {
        sim.step();
        let voters: Vec<NodeId> = sim
            .servers()
            .iter()
            .map(|s| &s.node)
            .filter(|n| n.current_term() == election)
            .filter(|n| n.voted_for().is_some_and(|c| c != n.id()))
            .map(|n| n.id())
            .filter(|&id| restarted.insert(id))
            .collect();
        for voter in voters {
            sim.act(Action::Restart(voter)).unwrap();
        }
    }
}

/// Three servers, no clients, and the reordering network of `--faults all`
/// (5-40 ms) without loss.
fn three_servers(seed: u64, switches: UnsafeSwitches) -> Simulation {
    let mut config = SimConfig {
        seed,
        nodes: 3,
        unsafe_switches: switches,
        ..SimConfig::default()
    };
    config.network = NetworkConfig {
        latency_min: 5 * MILLIS,
        latency_max: 40 * MILLIS,
        ..NetworkConfig::default()
    };
    config.workload.clients = 0;
    Simulation::new(config).unwrap()
}

/// Rounds of the targeted scenario tried per seed, and seeds tried.
const ROUNDS: u64 = 12;
const TARGETED_SEEDS: u64 = 20;

/// `forget-vote-on-restart` elects two leaders in one term, and Election
/// Safety (by name) says so: not only a vote that went backwards. Every
/// seed finds it within a few rounds of the targeted scenario, the checker's
/// own record of granted votes naming the double vote that caused it. With
/// the vote persisted, the same seeds and faults never elect two leaders.
#[test]
fn forget_vote_on_restart_elects_two_leaders_in_one_term() {
    let forget = UnsafeSwitches::none().with(UnsafeSwitch::ForgetVoteOnRestart);
    let mut rounds_needed = Vec::new();
    for seed in 1..=TARGETED_SEEDS {
        let mut sim = three_servers(seed, forget);
        let two_leaders = |sim: &Simulation| {
            sim.violations()
                .iter()
                .any(|v| v.invariant.name() == "election_safety")
        };
        let rounds = (1..=ROUNDS).find(|_| {
            elect_two_candidates_restarting_each_voter(&mut sim);
            two_leaders(&sim)
        });
        let rounds =
            rounds.unwrap_or_else(|| panic!("seed {seed}: no two leaders in {ROUNDS} rounds"));
        let names: BTreeSet<&str> = sim
            .violations()
            .iter()
            .map(|v| v.invariant.name())
            .collect();
        assert!(
            names.contains("one_vote_per_term"),
            "seed {seed}: {names:?}"
        );
        let v = sim
            .violations()
            .iter()
            .find(|v| v.invariant == Invariant::ElectionSafety)
            .unwrap();
        assert!(v.detail.starts_with("two leaders in term"), "{v}");
        rounds_needed.push(rounds);

        let mut safe = three_servers(seed, UnsafeSwitches::none());
        for _ in 0..rounds {
            elect_two_candidates_restarting_each_voter(&mut safe);
        }
        assert!(
            safe.violations().is_empty(),
            "seed {seed}: {:?}",
            safe.violations()
        );
    }
    let first_round = rounds_needed.iter().filter(|&&r| r == 1).count() as u64;
    assert!(
        first_round * 2 >= TARGETED_SEEDS,
        "two leaders in the first round of only {first_round} seeds: {rounds_needed:?}"
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
    let failing = first_failure(UnsafeSwitch::LocalReads, Faults::All);
    assert_eq!(failing.violation_count, 0);
    assert!(matches!(
        failing.linearizability.verdict,
        Verdict::NotLinearizable { .. }
    ));
    assert!(run(failing.seed, UnsafeSwitches::none()).passed());
}

/// Responses sent before what they vouch for is durable: a crash during the
/// write makes the server forget a vote it granted (two leaders of one
/// term) or entries it acknowledged (a committed entry missing from a later
/// leader). Only a disk that can lose writes shows it.
#[test]
fn reply_before_persist_is_caught_with_disk_faults() {
    assert_caught_with(
        UnsafeSwitch::ReplyBeforePersist,
        Faults::AllWithDisk,
        &[
            // The root cause, seen in what the server sent: a vote granted,
            // lost in a crash, and granted again to another candidate.
            Invariant::OneVotePerTerm,
            Invariant::ElectionSafety,
            Invariant::LeaderCompleteness,
            Invariant::StateMachineSafety,
            Invariant::CommittedEntriesStable,
        ],
    );
}

/// The same sweep with the switch off: the safe core loses unsynced
/// writes in hundreds of crashes and never breaks an invariant.
#[test]
fn the_safe_core_passes_the_sweep_with_disk_faults() {
    let on = UnsafeSwitches::none();
    let mut crashes = 0;
    for seed in 1..=SAFE_SEEDS {
        let report = run_with(seed, on, Faults::AllWithDisk);
        assert!(report.passed(), "seed {seed}: {:?}", report.violations);
        crashes += report.disk_faults.crashes_losing_writes;
    }
    assert!(
        crashes > 20 * SAFE_SEEDS,
        "only {crashes} crashes lost writes"
    );
}

/// Seed 8957 of the 10,000-seed sweep with disk faults: node 3 appended
/// entries through index 4 in term 2, and its acknowledgement waited for
/// the disk; meanwhile it moved to term 3 and a new leader truncated index
/// 4. The acknowledgement, true when its entries became durable, left
/// after that. It is no violation, as for any acknowledgement still in
/// flight when a follower moves on; the checker once reported it.
#[test]
fn an_acknowledgement_released_after_the_follower_moved_on_is_no_violation() {
    let report = run_with(8957, UnsafeSwitches::none(), Faults::AllWithDisk);
    assert!(report.passed(), "{:?}", report.violations);
}

/// Seeds of the safe sweep with disk faults (the CLI sweeps thousands).
const SAFE_SEEDS: u64 = 50;

/// Every switch has a unique command-line name that maps back to it.
#[test]
fn switch_names_round_trip() {
    for s in UnsafeSwitch::ALL {
        assert_eq!(UnsafeSwitch::from_name(s.name()), Some(s));
        assert!(!s.description().is_empty());
    }
    assert_eq!(UnsafeSwitch::from_name("no-such-switch"), None);
}

/// `prevote-raises-term` with PreVote on: the first pre-vote of the run
/// raises a term, and the pre-vote check names it; the same seed passes
/// with the switch off. (Without PreVote the switch does nothing.)
#[test]
fn prevote_raises_term_is_caught_by_the_pre_vote_check() {
    let with_pre_vote = |switches: UnsafeSwitches| {
        let mut c = config(1, switches, Faults::All);
        c.raft.pre_vote = true;
        sim::run(c, 60 * SECONDS, |_| {}).unwrap().1
    };
    let on = with_pre_vote(UnsafeSwitches::none().with(UnsafeSwitch::PreVoteRaisesTerm));
    assert!(!on.passed());
    let first = &on.violations[0];
    assert_eq!(first.invariant, Invariant::PreVoteKeepsTerm, "{first:?}");
    assert!(
        first.detail.contains("asked for pre-votes for term"),
        "{first:?}"
    );
    let off = with_pre_vote(UnsafeSwitches::none());
    assert!(off.passed(), "{:?}", off.violations);
}

/// ReadIndex before the new leader's no-op commits: its commit index may
/// lag what the previous leader committed and acknowledged, so a read
/// misses a finished write. No log invariant sees it; the linearizability
/// checker does, and the same seed with the rule kept (or with reads
/// through the log) passes.
#[test]
fn read_index_without_noop_is_caught_by_the_linearizability_checker() {
    use raft_playground::raft::ReadPath;
    let on = UnsafeSwitches::none().with(UnsafeSwitch::ReadIndexWithoutNoop);
    let with_read_index = |seed: u64, switches: UnsafeSwitches| {
        let mut config = config(seed, switches, Faults::All);
        config.reads.path = ReadPath::ReadIndex;
        sim::run(config, 60 * SECONDS, |_| {}).unwrap().1
    };
    let failing = (1..=SEED_BOUND)
        .map(|seed| with_read_index(seed, on))
        .find(|r| !r.passed())
        .expect("read-index-without-noop caught");
    println!("read-index-without-noop caught at seed {}", failing.seed);
    assert_eq!(failing.violation_count, 0);
    assert!(matches!(
        failing.linearizability.verdict,
        Verdict::NotLinearizable { .. }
    ));
    assert!(failing.reads_served.read_index > 0);
    assert!(with_read_index(failing.seed, UnsafeSwitches::none()).passed());
    assert!(
        run(failing.seed, on).passed(),
        "the switch needs ReadIndex reads"
    );
}

/// A ReadIndex read answered on a round sent before it arrived (thesis
/// §6.4, step 3): with CheckQuorum, every fault and ReadIndex reads, a
/// leader cut off from the cluster answers a read that reached it after
/// another server was elected, and `read_index_not_superseded` sees it
/// whether or not a write made the answer stale. The same seed with the
/// rule kept passes, and so does the switch with reads through the log.
#[test]
fn read_index_reuses_round_is_caught_by_the_read_index_invariant() {
    use raft_playground::raft::ReadPath;
    let on = UnsafeSwitches::none().with(UnsafeSwitch::ReadIndexReusesRound);
    let with_read_index = |seed: u64, switches: UnsafeSwitches| {
        let mut config = config(seed, switches, Faults::All);
        config.raft.check_quorum = true;
        config.reads.path = ReadPath::ReadIndex;
        sim::run(config, 60 * SECONDS, |_| {}).unwrap().1
    };
    let failing = (1..=SEED_BOUND)
        .map(|seed| with_read_index(seed, on))
        .find(|r| !r.passed())
        .expect("read-index-reuses-round caught");
    println!("read-index-reuses-round caught at seed {}", failing.seed);
    let first = &failing.violations[0];
    assert_eq!(
        first.invariant,
        Invariant::ReadIndexNotSuperseded,
        "{first:?}"
    );
    assert!(first.detail.contains("after node"), "{first:?}");
    assert!(failing.reads_served.read_index > 0);
    assert!(
        with_read_index(failing.seed, UnsafeSwitches::none()).passed(),
        "the switch is the cause"
    );
    assert!(
        run(failing.seed, on).passed(),
        "the switch needs ReadIndex reads"
    );
}

/// A follower's read is held to when it reached the leader, which the
/// simulator reports as the follower's ReadIndex arrives: with the switch,
/// a superseded leader gives a follower the index of a read its client
/// never sent to that leader, one that reached it (forwarded) after the
/// next election, and the invariant names that read. With the forwarded
/// read's arrival unreported, no such read is caught (a review).
#[test]
fn read_index_reuses_round_is_caught_for_a_follower_s_read() {
    use raft_playground::raft::ReadPath;
    use raft_playground::sim::{Endpoint, TraceEvent};
    let on = UnsafeSwitches::none().with(UnsafeSwitch::ReadIndexReusesRound);
    let fails_forwarding = |seed: u64| {
        let mut config = config(seed, on, Faults::All);
        config.raft.check_quorum = true;
        config.reads.path = ReadPath::ReadIndex;
        config.record_trace = true;
        let (mut sim, _) = sim::run(config, 60 * SECONDS, |_| {}).unwrap();
        let trace = sim.trace_mut().take_recorded();
        let never_sent_to_the_leader = |at: usize, leader: u64, detail: &str| {
            // "node 4 gave client 3's read (request 12) a read index ..."
            let number = |after: &str, to: &str| -> u64 {
                let rest = &detail[detail.find(after).unwrap() + after.len()..];
                rest[..rest.find(to).unwrap()].parse().unwrap()
            };
            let (client, request) = (number("gave client ", "'s"), number("(request ", ")"));
            let invoked = trace[..at].iter().rposition(|(_, e)| {
                matches!(e, TraceEvent::Invoke { client: c, request: r, .. } if (*c, *r) == (client, request))
            });
            let sent = |e: &TraceEvent| {
                matches!(e, TraceEvent::Send { from, to, kind, .. }
                    if *from == Endpoint::Client(client) && *to == Endpoint::Node(leader) && *kind == "ClientRequest")
            };
            invoked.is_some_and(|i| !trace[i..at].iter().any(|(_, e)| sent(e)))
        };
        trace.iter().enumerate().any(|(i, (_, event))| {
            matches!(event, TraceEvent::Violation { invariant, nodes, detail }
                if *invariant == "read_index_not_superseded" && never_sent_to_the_leader(i, nodes[0], detail))
        })
    };
    let seed = (1..=SEED_BOUND)
        .find(|&seed| fails_forwarding(seed))
        .expect("a follower's read caught");
    println!("a follower's read caught at seed {seed}");
}

/// `lease-ignores-drift` in a sweep: 3 servers, every fault, lease reads
/// with CheckQuorum, clocks within a 30% bound that the nemesis moves to
/// its edges. A lease without its drift margin outlasts a follower's
/// election timeout, and the lease invariant sees the new leader elected
/// inside it; with the margin, the same seeds pass.
#[test]
fn lease_ignores_drift_is_caught_by_the_lease_invariant() {
    use raft_playground::raft::ReadPath;
    let on = UnsafeSwitches::none().with(UnsafeSwitch::LeaseIgnoresDrift);
    let with_lease = |seed: u64, switches: UnsafeSwitches| {
        let mut config = config(seed, switches, Faults::All);
        config.nodes = 3;
        config.raft.check_quorum = true;
        config.reads.path = ReadPath::Lease;
        config.reads.clock_drift_ppm = 300_000;
        config.nemesis.clock_changes = 0.1;
        sim::run(config, 60 * SECONDS, |_| {}).unwrap().1
    };
    let failing = (1..=SEED_BOUND)
        .map(|seed| with_lease(seed, on))
        .find(|r| !r.passed())
        .expect("lease-ignores-drift caught");
    println!("lease-ignores-drift caught at seed {}", failing.seed);
    let first = &failing.violations[0];
    assert_eq!(first.invariant, Invariant::LeaseExclusive, "{first:?}");
    assert!(first.detail.contains("held its read lease"), "{first:?}");
    assert!(failing.reads_served.lease > 0);
    assert!(
        with_lease(failing.seed, UnsafeSwitches::none()).passed(),
        "the switch is the cause"
    );
}

/// A leader that counts its own copy of an entry before it is durable
/// (thesis §10.2.1) commits it on the acknowledgements of too few
/// followers; a crash then loses its copy, and a server elected with the
/// crashed leader's vote lacks the committed entry. Caught under the
/// settings the page's What if search gives the switch (fsyncs that vary
/// by up to 100 ms), with the unsafe step traced before the violation; the
/// same seed with the switch off passes.
#[test]
fn count_self_before_persist_is_caught_by_leader_completeness() {
    use raft_playground::sim::TraceEvent;
    let switch = UnsafeSwitch::CountSelfBeforePersist;
    let with_slow_fsyncs = |seed: u64, switches: UnsafeSwitches, record: bool| {
        let mut config = sim::find::settings_for(switch, config(seed, switches, Faults::All));
        config.unsafe_switches = switches;
        config.record_trace = record;
        sim::run(config, 60 * SECONDS, |_| {}).unwrap()
    };
    let on = UnsafeSwitches::none().with(switch);
    let failing = (1..=SEED_BOUND)
        .map(|seed| with_slow_fsyncs(seed, on, false).1)
        .find(|r| !r.passed())
        .expect("count-self-before-persist caught");
    println!("count-self-before-persist caught at seed {}", failing.seed);
    let first = &failing.violations[0];
    assert_eq!(first.invariant, Invariant::LeaderCompleteness, "{first:?}");
    assert!(first.detail.contains("lacks index"), "{first:?}");
    let (mut sim, _) = with_slow_fsyncs(failing.seed, on, true);
    let counted_early = (sim.trace_mut().take_recorded().into_iter())
        .filter(|(at, e)| {
            matches!(e, TraceEvent::UnsafeStep { switch: s, .. } if *s == switch) && *at <= first.t
        })
        .count();
    assert!(counted_early > 0, "the core reported the step before");
    assert!(
        with_slow_fsyncs(failing.seed, UnsafeSwitches::none(), false)
            .1
            .passed(),
        "the switch is the cause"
    );
}

/// A switch whose rule the settings never consult (`sim::find::unconsulted`:
/// a synchronous disk, no PreVote, reads through the log, no membership
/// changes, no snapshots, no transfers) leaves every run as it was: the
/// same trace hash as with every switch off, which is why `raft-sim` says
/// so rather than report its clean run. (With what each needs, each is
/// caught: the tests above and `raft-sim find-failure`.)
#[test]
fn a_switch_its_settings_never_consult_changes_nothing() {
    let needy: Vec<UnsafeSwitch> = UnsafeSwitch::ALL
        .into_iter()
        .filter(|&s| {
            sim::find::unconsulted(s, &config(1, UnsafeSwitches::none(), Faults::All)).is_some()
        })
        .collect();
    assert_eq!(needy.len(), 10, "{needy:?}");
    let hash = |config: SimConfig| sim::run(config, 20 * SECONDS, |_| {}).unwrap().1.trace_hash;
    for &switch in &needy {
        let on = UnsafeSwitches::none().with(switch);
        for seed in 1..=3 {
            assert_eq!(
                hash(config(seed, on, Faults::All)),
                hash(config(seed, UnsafeSwitches::none(), Faults::All)),
                "{} changed seed {seed}",
                switch.name()
            );
        }
    }
    // The comparison can fail: a switch these settings do consult does.
    let consulted = UnsafeSwitches::none().with(UnsafeSwitch::VoteWithoutLogCheck);
    assert_ne!(
        hash(config(1, consulted, Faults::All)),
        hash(config(1, UnsafeSwitches::none(), Faults::All))
    );
}
