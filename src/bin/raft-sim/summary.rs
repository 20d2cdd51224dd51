//! What `raft-sim` prints.

use crate::args::Options;
use raft_playground::sim::availability::Availability;
use raft_playground::sim::reads_served::ReadsServed;
use raft_playground::sim::{RunReport, StaleDeliveries, Verdict};
use std::time::Duration;

pub fn print_header(options: &Options, derived: &[(String, String)]) {
    let c = &options.config;
    let switches: Vec<&str> = c.unsafe_switches.enabled().map(|s| s.name()).collect();
    // A scenario's faults are its actions (and any held messages, printed
    // below), not a --faults level: "none" would misread it.
    let faults = match (&options.scenario, c.faults.holds_messages()) {
        (Some(_), false) => "as the scenario's actions say".to_string(),
        (Some(_), true) => "as the scenario's actions say, and held messages".to_string(),
        (None, _) => options.faults.name(),
    };
    println!(
        "seed {}, {} nodes, {} s simulated, faults {}, {} clients at {} ops/s, unsafe switches: {}",
        c.seed,
        c.nodes,
        options.duration as f64 / 1e6,
        faults,
        c.workload.clients,
        c.workload.rate,
        if switches.is_empty() {
            "none".to_string()
        } else {
            switches.join(",")
        }
    );
    println!(
        "timing: election timeout {}-{} us, heartbeat {} us; network: latency {}-{} us, loss {}, duplication {}",
        c.timing.election_timeout_min,
        c.timing.election_timeout_max,
        c.timing.heartbeat_interval,
        c.network.latency_min,
        c.network.latency_max,
        c.network.loss,
        c.network.duplication
    );
    if !c.raft.is_default() {
        let on = |b: bool| if b { "on" } else { "off" };
        println!(
            "mechanisms: PreVote {}, CheckQuorum {}",
            on(c.raft.pre_vote),
            on(c.raft.check_quorum)
        );
    }
    if !c.reads.is_default() {
        println!(
            "reads: {}; clocks drift up to {} ppm",
            c.reads.path.name(),
            c.reads.clock_drift_ppm
        );
    }
    if c.disk != Default::default() {
        println!(
            "disk: write {} us, fsync {} us (+0 to {} us), torn writes {}; crashes during writes {}",
            c.disk.write_latency,
            c.disk.fsync_latency,
            c.disk.fsync_jitter,
            c.disk.torn_write,
            c.nemesis.crash_during_write
        );
    }
    if !c.faults.is_off() || c.workload.retry.is_some() {
        let tail = &c.faults.latency_tail;
        println!(
            "held messages: latency tail {}% late by {}-{} us, partitions {:?}, paused inbox {:?}; \
             client duplication {}, client retry {}",
            tail.probability * 100.0,
            tail.min,
            tail.max,
            c.faults.partitions,
            c.faults.paused_inbox,
            if c.faults.client_duplication { "on" } else { "off" },
            c.workload
                .retry
                .map_or("never".to_string(), |t| format!("every {t} us")),
        );
    }
    if !derived.is_empty() {
        println!("derived from the seed:");
        for (name, value) in derived {
            println!("  {name:<32} {value}");
        }
    }
}

pub fn print_report(r: &RunReport) {
    let leaders: Vec<String> = r
        .leaders_by_term
        .iter()
        .map(|(t, n)| format!("{t}:n{n}"))
        .collect();
    println!("leaders by term: {}", leaders.join(" "));
    println!("entries committed: {}", r.committed);
    println!(
        "client ops: {} ok, {} fail, {} unknown",
        r.ops_ok, r.ops_fail, r.ops_unknown
    );
    println!("invariants:");
    for &(invariant, broken) in &r.violations_by_invariant {
        let verdict = if broken == 0 {
            "ok".to_string()
        } else {
            format!("VIOLATED ({broken})")
        };
        println!("  {:<31} {verdict}", invariant.name());
    }
    for v in r.violations.iter().take(10) {
        println!("  - {v}");
    }
    if r.violation_count > r.violations.len() as u64 {
        println!(
            "  ({} violations in all; the first {} are kept, in --json too)",
            r.violation_count,
            r.violations.len()
        );
    }
    println!(
        "linearizability: {} ({} keys, {} ops checked)",
        r.linearizability.verdict, r.linearizability.keys_checked, r.linearizability.ops_checked
    );
    match (r.liveness.leader_after, r.liveness.caught_up_after) {
        _ if r.liveness.by_action => println!(
            "liveness: not checked: messages and timers move only by the scenario's actions (\"delivery\": \"by_action\")"
        ),
        (Some(l), Some(c)) => println!(
            "liveness: stable leader {:.3} s after healing; every acknowledged write on every node after {:.3} s",
            l as f64 / 1e6,
            c as f64 / 1e6
        ),
        (Some(l), None) => println!(
            "liveness: FAILED: leader after {:.3} s but {} acknowledged writes missing on some node",
            l as f64 / 1e6,
            r.liveness.missing.len()
        ),
        _ => println!("liveness: FAILED: no stable leader within the bound after healing"),
    }
    println!("{}", availability(std::slice::from_ref(r)));
    print_reads_served(std::slice::from_ref(r));
    let s = &r.stale_deliveries;
    println!(
        "stale deliveries: AppendEntries {}, AppendEntries replies {}, RequestVote {}, votes {}",
        s.append_entries, s.append_entries_replies, s.request_votes, s.votes
    );
    println!(
        "events: {}, simulated time: {:.3} s",
        r.events,
        r.end_time as f64 / 1e6
    );
    println!(
        "trace hash at the end of the fault phase: {:016x}",
        r.hash_at_duration
    );
    println!("trace hash: {:016x}", r.trace_hash);
    print_disk_faults(std::slice::from_ref(r));
    print_membership_changes(std::slice::from_ref(r));
    print_snapshots(std::slice::from_ref(r));
    println!("verdict: {}", verdict(r));
}

/// How a run ended, worst first, and the exit status that says it: a
/// script can tell a broken rule from a run that proved nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Every invariant held, the history is proven linearizable, and the
    /// cluster recovered after healing.
    Pass,
    /// Safe as far as the search went, but it ran out of budget: nothing
    /// is proven.
    Inconclusive,
    /// No safety violation, but no stable leader, or acknowledged writes
    /// missing, after healing.
    Stuck,
    /// An invariant broke, or the history is not linearizable.
    Unsafe,
}

impl Outcome {
    pub fn of(r: &RunReport) -> Outcome {
        if r.violation_count > 0 || !r.linearizable() {
            Outcome::Unsafe
        } else if !r.liveness.ok() {
            Outcome::Stuck
        } else if r.inconclusive() {
            Outcome::Inconclusive
        } else {
            Outcome::Pass
        }
    }

    /// Its name in `--json`'s `outcome`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Stuck => "stuck",
            Outcome::Unsafe => "unsafe",
        }
    }

    /// The exit status (2 is bad arguments).
    pub fn status(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Unsafe => 1,
            Outcome::Inconclusive => 3,
            Outcome::Stuck => 4,
        }
    }
}

/// PASS only with proof: a run whose only shortfall is an inconclusive
/// linearizability search is INCONCLUSIVE, not a pass.
fn verdict(r: &RunReport) -> &'static str {
    match Outcome::of(r) {
        Outcome::Pass => "PASS",
        Outcome::Inconclusive => {
            "INCONCLUSIVE (the linearizability search ran out of budget: nothing is proven)"
        }
        Outcome::Stuck => "FAIL (liveness)",
        Outcome::Unsafe => "FAIL",
    }
}

pub fn failure_reason(r: &RunReport) -> String {
    if let Some(v) = r.violations.first() {
        return format!("{} violation(s), first: {v}", r.violation_count);
    }
    if let Verdict::NotLinearizable { .. } = r.linearizability.verdict {
        return r.linearizability.verdict.to_string();
    }
    if !r.liveness.ok() {
        return format!("liveness failed: {:?}", r.liveness);
    }
    if r.inconclusive() {
        return format!("linearizability {}", r.linearizability.verdict);
    }
    "unknown".into()
}

pub fn print_sweep(reports: &[RunReport], wall: Duration) {
    print_disk_faults(reports);
    print_membership_changes(reports);
    print_snapshots(reports);
    let events: u64 = reports.iter().map(|r| r.events).sum();
    let safety: u64 = reports.iter().map(|r| r.violation_count).sum();
    let nonlinearizable = reports.iter().filter(|r| !r.linearizable()).count() as u64;
    let inconclusive = reports
        .iter()
        .filter(|r| matches!(r.linearizability.verdict, Verdict::Inconclusive { .. }))
        .count();
    let liveness = reports.iter().filter(|r| !r.liveness.ok()).count() as u64;
    println!(
        "safety violations: {safety}, non-linearizable runs: {nonlinearizable}, liveness failures: {liveness}, \
         linearizability inconclusive: {inconclusive}, wall time: {:.1} s",
        wall.as_secs_f64()
    );
    println!("{}", stale_rates(reports));
    println!("{}", availability(reports));
    print_reads_served(reports);
    // Seeds, not violations: one broken seed may count hundreds of
    // violations, and a seed that only proved nothing counts too.
    let failing = reports.iter().filter(|r| !r.passed()).count();
    println!(
        "seeds: {}, events: {}, failing seeds: {failing}",
        reports.len(),
        events,
    );
}

/// With `--reads` other than the log: what answered the acknowledged reads.
fn print_reads_served(reports: &[RunReport]) {
    let r = ReadsServed::sum(reports.iter().map(|r| &r.reads_served));
    if !r.only_log() {
        println!(
            "reads answered: log {}, ReadIndex {}, lease {}, follower {}, local {}",
            r.log, r.read_index, r.lease, r.follower, r.local
        );
    }
}

/// With `--disk-faults`: how often they bit (nothing otherwise).
fn print_disk_faults(reports: &[RunReport]) {
    let crashes: u64 = reports
        .iter()
        .map(|r| r.disk_faults.crashes_losing_writes)
        .sum();
    let torn: u64 = reports
        .iter()
        .map(|r| r.disk_faults.torn_records_dropped)
        .sum();
    if crashes + torn > 0 {
        println!("disk faults: {crashes} crashes lost unsynced writes, {torn} torn records dropped by checksum");
    }
}

/// With `--membership`: how many servers were added and removed, in all
/// and per simulated hour (nothing when none).
fn print_membership_changes(reports: &[RunReport]) {
    let added: u64 = reports.iter().map(|r| r.membership_changes.added).sum();
    let removed: u64 = reports.iter().map(|r| r.membership_changes.removed).sum();
    let hours = reports.iter().map(|r| r.end_time).sum::<u64>() as f64 / 3.6e9;
    if added + removed > 0 {
        println!(
            "membership changes: {added} servers added, {removed} removed ({:.0} and {:.0} per simulated hour)",
            added as f64 / hours,
            removed as f64 / hours
        );
    }
}

/// With `--snapshots`: how many snapshots were taken and installed, and
/// InstallSnapshot chunks sent, in all and per simulated hour.
fn print_snapshots(reports: &[RunReport]) {
    let taken: u64 = reports.iter().map(|r| r.snapshots.taken).sum();
    let installed: u64 = reports.iter().map(|r| r.snapshots.installed).sum();
    let chunks: u64 = reports.iter().map(|r| r.snapshots.chunks_sent).sum();
    let hours = reports.iter().map(|r| r.end_time).sum::<u64>() as f64 / 3.6e9;
    if taken + installed > 0 {
        println!(
            "snapshots: {taken} taken, {installed} installed by InstallSnapshot in {chunks} chunks \
             ({:.0} installed and {:.0} chunks per simulated hour)",
            installed as f64 / hours,
            chunks as f64 / hours
        );
    }
}

/// What PreVote and CheckQuorum are for: the share of the fault phase with
/// a leader that could commit, and of client operations that succeeded.
fn availability(reports: &[RunReport]) -> String {
    let leader = Availability::sum(reports.iter().map(|r| &r.availability));
    let ok: usize = reports.iter().map(|r| r.ops_ok).sum();
    let all: usize = reports
        .iter()
        .map(|r| r.ops_ok + r.ops_fail + r.ops_unknown)
        .sum();
    format!(
        "availability: a serving leader {:.1}% of the fault phase; client operations ok {:.1}% ({ok} of {all})",
        leader.share() * 100.0,
        ok as f64 * 100.0 / all.max(1) as f64
    )
}

/// How often a message from an earlier term reached a server, over all the
/// runs' simulated time (fault and liveness phases).
fn stale_rates(reports: &[RunReport]) -> String {
    let simulated: u64 = reports.iter().map(|r| r.end_time).sum();
    let stale = StaleDeliveries::sum(reports.iter().map(|r| &r.stale_deliveries));
    let rates: Vec<String> = stale
        .per_hour(simulated)
        .iter()
        .map(|(kind, rate)| format!("{kind} {rate:.0}"))
        .collect();
    format!(
        "stale deliveries per simulated hour: {} ({} in {:.1} simulated hours)",
        rates.join(", "),
        stale.total(),
        simulated as f64 / 3.6e9
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_playground::raft::SECONDS;
    use raft_playground::sim::SimConfig;

    /// Each way a run falls short has its own exit status, and the worst
    /// wins: a script tells a broken rule from a run that proved nothing.
    #[test]
    fn each_outcome_has_its_own_exit_status() {
        let (_, pass) = raft_playground::sim::run(SimConfig::default(), SECONDS, |_| {}).unwrap();
        assert_eq!(Outcome::of(&pass), Outcome::Pass);
        let mut inconclusive = pass.clone();
        inconclusive.linearizability.verdict = Verdict::Inconclusive {
            key: "x".into(),
            reason: "out of budget".into(),
        };
        let mut stuck = inconclusive.clone();
        stuck.liveness.leader_after = None;
        let mut broken = stuck.clone();
        broken.violation_count = 1;
        let outcomes = [&pass, &inconclusive, &stuck, &broken].map(Outcome::of);
        assert_eq!(outcomes.map(Outcome::status), [0, 3, 4, 1]);
        assert_eq!(outcomes.iter().max(), Some(&Outcome::Unsafe));
        assert_eq!(verdict(&stuck), "FAIL (liveness)");
    }
}
