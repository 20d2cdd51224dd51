//! Time passing in the explorer: the wait move, the rules that time
//! imposes on timeouts, and what of the time enters a fingerprint.
//!
//! Without waits every step comes 1 ms after the one before, so no
//! deadline of the core (an election timeout of 150 ms or more) is ever
//! reached, and time decides nothing. Leases need more: a lease is safe
//! only because followers that acknowledged it neither vote for another
//! server nor stand themselves for an election timeout by their own
//! clocks, and the leader shortens it by the clock drift bound (thesis
//! §6.4.1). Showing that the margin matters (`LeaseIgnoresDrift`) takes
//! real time to pass between steps, clocks that run at different rates
//! (the simulator's own, drawn within `ReadSettings::clock_drift_ppm`),
//! and timeouts that respect the time:
//!
//! - a wait is a step that lets `Bounds::wait_millis` pass and does
//!   nothing else (timers and messages wait for actions, so no event is
//!   due: only the servers' clocks move);
//! - with waits on, a follower may time out only once it has not heard
//!   from a leader for the minimum election timeout by its clock
//!   (`RaftNode::may_time_out`): each contact reset its timer at least
//!   that far ahead, so a real run never times out sooner;
//! - with waits on, a fingerprint holds each server's clock rate and its
//!   deadlines relative to its own clock (`RaftNode::hash_explored_times`):
//!   the same state reached at other absolute times is one state, and
//!   states with different time left are not.

use super::bounds::Bounds;
use super::fingerprint::Mix;
use super::search::STEP;
use crate::raft::{ReadPath, Time, MILLIS, PPM};
use crate::sim::clocks::MAX_DRIFT_PPM;
use crate::sim::{Action, SimConfig, Simulation};
use std::hash::{Hash, Hasher};

/// Whether the search lets time pass: otherwise nothing here applies, and
/// the explorer is exactly what it was before waits.
pub fn is_timed(bounds: &Bounds) -> bool {
    bounds.waits > 0
}

/// How much real time one wait lets pass.
pub fn wait(bounds: &Bounds) -> Time {
    bounds.wait_millis * MILLIS
}

/// The most real time a path can take: every step, and every wait.
pub fn horizon(bounds: &Bounds) -> Time {
    Time::from(bounds.depth) * STEP + Time::from(bounds.waits) * wait(bounds)
}

/// The most time any server's clock can count in a path: the real
/// horizon on the fastest clock the simulator allows. A deadline further
/// ahead than this acts the same as any other that far.
pub fn local_horizon(bounds: &Bounds) -> Time {
    let fastest = PPM + MAX_DRIFT_PPM as u64;
    horizon(bounds).saturating_mul(fastest) / PPM + 1
}

/// Why `config` cannot be explored with `bounds`' waits, if it cannot:
/// a client gives up on a request after its timeout, an event the
/// explorer leaves out, so no path may last that long.
pub fn check_clients(bounds: &Bounds, config: &SimConfig) -> Result<(), String> {
    let (longest, timeout) = (horizon(bounds), config.workload.timeout);
    if is_timed(bounds) && longest >= timeout {
        return Err(format!(
            "a path of {} steps and {} waits of {} ms lasts up to {} ms, past the clients' timeout of {} ms",
            bounds.depth,
            bounds.waits,
            bounds.wait_millis,
            longest / MILLIS,
            timeout / MILLIS
        ));
    }
    Ok(())
}

/// Why lease reads cannot be explored with `bounds`, if they cannot:
/// without waits no time passes, so timeouts are not held to the time a
/// follower last heard its leader, and a server could stand, and win,
/// inside a lease that a real run would keep it out of. The lease
/// invariant would then report a failure no run can have.
pub fn check_leases(bounds: &Bounds, config: &SimConfig) -> Result<(), String> {
    if config.reads.path == ReadPath::Lease && !is_timed(bounds) {
        return Err(
            "lease reads need time to pass between steps: give waits (--waits K --wait-ms MS), or the explorer could elect a server inside a lease that no real run would"
                .into(),
        );
    }
    Ok(())
}

/// Whether time allows `action` in `sim`: with waits on, a timeout only
/// at a server that may time out by its own clock (see the module).
pub fn allows(sim: &Simulation, bounds: &Bounds, action: &Action) -> bool {
    match *action {
        Action::ForceTimeout(id) if is_timed(bounds) => sim
            .server(id)
            .is_some_and(|s| s.node.may_time_out(sim.node_time(id))),
        _ => true,
    }
}

/// The time-relative part of server `index`'s fingerprint (`index` from
/// 0): its clock's rate, and its deadlines as time left on that clock,
/// capped at `local_horizon`.
pub fn times_part(sim: &Simulation, index: usize, local_horizon: Time) -> u64 {
    let server = &sim.servers()[index];
    let id = server.node.id();
    let mut h = Mix::default();
    sim.clocks().of(id).ppm().hash(&mut h);
    server
        .node
        .hash_explored_times(&mut h, sim.node_time(id), local_horizon);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::UnsafeSwitches;
    use crate::sim::explore::fingerprint::Fingerprinter;
    use crate::sim::explore::{explorer_config, Explorer};
    use crate::sim::network::{Endpoint, Packet};

    /// Lease reads with CheckQuorum, exact clocks.
    fn leased_config(bounds: &Bounds) -> SimConfig {
        let mut config = explorer_config(bounds, UnsafeSwitches::none());
        config.reads.path = ReadPath::Lease;
        config.raft.check_quorum = true;
        config
    }

    fn timed() -> Bounds {
        Bounds {
            depth: 4,
            waits: 1,
            wait_millis: 200,
            restarts: 0,
            requests: 0,
            ..Bounds::default()
        }
    }

    /// Delivers the first message in flight that `pick` names, at `at`.
    fn deliver(sim: &mut Simulation, at: Time, pick: impl Fn(&Packet, Endpoint) -> bool) {
        sim.run_until(at);
        let m = sim.network().in_flight().find(|m| pick(&m.packet, m.to));
        let id = m.expect("such a message is in flight").id;
        sim.act_now(Action::DeliverMessage(id)).unwrap();
    }

    /// n1 elected by n2 from `start` on, one step a millisecond, then its
    /// heartbeat round acknowledged by n2: it holds a lease.
    fn leader_with_lease(start: Time) -> Simulation {
        let mut sim = Simulation::new(leased_config(&timed())).unwrap();
        let ms = |k: Time| start + k * MILLIS;
        sim.run_until(ms(0));
        sim.act_now(Action::ForceTimeout(1)).unwrap();
        let to_2 = |p: &Packet, to: Endpoint| to == Endpoint::Node(2) && p.kind() == "RequestVote";
        deliver(&mut sim, ms(1), to_2);
        deliver(&mut sim, ms(2), |p, to| {
            to == Endpoint::Node(1) && p.kind() == "RequestVoteReply"
        });
        sim.run_until(ms(3));
        sim.act_now(Action::Heartbeat(1)).unwrap();
        let round =
            |p: &Packet, to: Endpoint| to == Endpoint::Node(2) && p.kind() == "ReadHeartbeat";
        deliver(&mut sim, ms(4), round);
        let ack =
            |p: &Packet, to: Endpoint| to == Endpoint::Node(1) && p.kind() == "ReadHeartbeatReply";
        deliver(&mut sim, ms(5), ack);
        assert!(sim
            .server(1)
            .unwrap()
            .node
            .lease_until(sim.node_time(1))
            .is_some());
        sim
    }

    #[test]
    fn a_follower_that_heard_a_leader_times_out_only_after_an_election_timeout() {
        let bounds = timed();
        let mut sim = Simulation::new(leased_config(&bounds)).unwrap();
        // A fresh server with leases treats itself as having just heard
        // from a leader (`RaftNode::restart`): no timeout for 150 ms.
        let timeout = Action::ForceTimeout(1);
        assert!(!allows(&sim, &bounds, &timeout));
        let untimed = Bounds { waits: 0, ..bounds };
        assert!(allows(&sim, &untimed, &timeout), "without waits, as before");
        sim.run_until(149 * MILLIS);
        assert!(!allows(&sim, &bounds, &timeout));
        sim.run_until(150 * MILLIS);
        assert!(allows(&sim, &bounds, &timeout));
    }

    #[test]
    fn a_wait_is_a_step_that_lets_its_time_pass_and_counts_against_its_budget() {
        // At the start every server is sticky: the only move is the wait.
        let bounds = Bounds {
            depth: 1,
            ..timed()
        };
        let mut explorer = Explorer::new(bounds, leased_config(&bounds)).unwrap();
        let progress = explorer.run();
        assert_eq!((progress.explored, progress.unique), (1, 2), "{progress:?}");
        // After it, each server may stand (3), and no second wait.
        let bounds = Bounds {
            depth: 2,
            ..timed()
        };
        let mut explorer = Explorer::new(bounds, leased_config(&bounds)).unwrap();
        let progress = explorer.run();
        assert_eq!(progress.explored, 1 + 3, "{progress:?}");
        // Without waits, lease reads are refused: timeouts would come at
        // once, and elect servers inside leases no real run would break.
        let bounds = Bounds {
            depth: 1,
            waits: 0,
            ..timed()
        };
        let err = Explorer::new(bounds, leased_config(&bounds)).err().unwrap();
        assert!(err.contains("lease reads need time to pass"), "{err}");
        // Other reads without waits: timeouts at once, as before waits.
        let mut config = leased_config(&bounds);
        config.reads.path = crate::raft::ReadPath::ReadIndex;
        let mut explorer = Explorer::new(bounds, config).unwrap();
        assert_eq!(explorer.run().explored, 3);
    }

    #[test]
    fn the_same_state_at_another_time_is_one_and_less_lease_left_is_another() {
        let bounds = timed();
        let horizon = local_horizon(&bounds);
        let print = |sim: &Simulation| {
            let mut f = Fingerprinter::new(3).timed(horizon);
            f.fingerprint(sim, [0u32; 5])
        };
        // The same steps, 200 ms or 300 ms after the start: one state.
        let early = leader_with_lease(200 * MILLIS);
        let late = leader_with_lease(300 * MILLIS);
        assert_eq!(print(&early), print(&late));
        // The same servers and messages 10 ms later: less of the lease
        // (and of the stickiness) left, so another state; without time in
        // the fingerprint, the same.
        let mut later = leader_with_lease(200 * MILLIS);
        later.run_until(later.now() + 10 * MILLIS);
        assert_ne!(print(&early), print(&later));
        let untimed = |sim: &Simulation| Fingerprinter::new(3).fingerprint(sim, [0u32; 5]);
        assert_eq!(untimed(&early), untimed(&later));
    }

    #[test]
    fn a_path_longer_than_the_clients_timeout_is_refused() {
        let bounds = Bounds {
            waits: 5,
            wait_millis: 300,
            ..timed()
        };
        let err = Explorer::new(bounds, leased_config(&bounds)).err().unwrap();
        assert!(err.contains("past the clients' timeout"), "{err}");
    }
}
