//! Who leads, as the page names it. A leader cut off from the rest goes on
//! believing it leads until it hears a higher term (§5.1), so after the
//! others elect a new one there are two servers in the leader role. The
//! one whose term a majority of its configuration has passed can never
//! commit again (those servers refuse its AppendEntries, §5.1, §5.3): the
//! page does not call it "the leader", nor send requests to it by default
//! (a page tester's request waited on such a leader for good).

use crate::raft::{NodeId, Term};
use crate::sim::{Action, Server, Simulation};

/// The cluster's leadership as the page tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leadership {
    /// A running leader that a majority has not left behind.
    Leader {
        /// The leader.
        id: NodeId,
        /// Its term.
        term: Term,
    },
    /// Only a leader that a majority has left behind: it cannot commit.
    Stale {
        /// The server that still thinks it leads.
        id: NodeId,
        /// Its term.
        term: Term,
    },
    /// No running server is in the leader role.
    None,
}

impl Leadership {
    /// The leader the page acts on ("to the leader", the leader keys): one
    /// that can still commit.
    pub fn leader(self) -> Option<NodeId> {
        match self {
            Leadership::Leader { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The safety panel's line.
    pub fn summary(self) -> String {
        match self {
            Leadership::Leader { id, term } => format!("Leader: n{id}, term {term}"),
            Leadership::Stale { id, term } => format!(
                "No leader that can commit: n{id} still thinks it leads term {term}, \
                 but a majority has moved to a later term"
            ),
            Leadership::None => "No leader right now".into(),
        }
    }
}

/// The leadership of `sim`: of its running leaders, highest term first,
/// the first that a majority has not left behind.
pub fn of(sim: &Simulation) -> Leadership {
    let leaders = || sim.servers().iter().filter(|s| s.leads());
    let term = |s: &&Server| s.node.current_term();
    let leading = leaders().filter(|s| can_commit(sim, s)).max_by_key(term);
    match (leading, leaders().max_by_key(term)) {
        (Some(s), _) => Leadership::Leader {
            id: s.node.id(),
            term: s.node.current_term(),
        },
        (None, Some(s)) => Leadership::Stale {
            id: s.node.id(),
            term: s.node.current_term(),
        },
        (None, None) => Leadership::None,
    }
}

/// Whether a majority of `leader`'s configuration is still at its term or
/// below, so that its AppendEntries can be accepted.
fn can_commit(sim: &Simulation, leader: &Server) -> bool {
    let term = leader.node.current_term();
    leader.node.membership().has_quorum(|id| {
        sim.server(id)
            .is_some_and(|s| s.node.current_term() <= term)
    })
}

/// Why the page does not ask for `action` now, if it does not: a change
/// of membership or a hand-over goes to the leader, and a leader that a
/// majority has left behind only thinks it leads; it would take the change
/// and lose it (a page tester's added server then showed as "removed"
/// for good).
pub fn refusal(sim: &Simulation, action: &Action) -> Option<String> {
    let to_the_leader = matches!(
        action,
        Action::AddServer
            | Action::RemoveServer(_)
            | Action::ReplaceServers { .. }
            | Action::TransferLeadership(_)
    );
    match of(sim) {
        Leadership::Stale { id, .. } if to_the_leader => Some(no_leader_that_can_commit(id)),
        _ => None,
    }
}

/// The refusal when only `stale`, cut off behind a majority, is leader.
pub fn no_leader_that_can_commit(stale: NodeId) -> String {
    format!("there is no leader that can commit right now: n{stale} only thinks it leads")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::SECONDS;
    use crate::sim::{Action, SimConfig};

    fn elected(seed: u64) -> (Simulation, NodeId) {
        let config = SimConfig {
            nodes: 5,
            seed,
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).unwrap();
        sim.run_until(SECONDS);
        let leader = of(&sim).leader().expect("a leader within a second");
        (sim, leader)
    }

    /// A page tester's run: the leader isolated, the rest elect another,
    /// and that one stops. The old leader still thinks it leads, but a
    /// majority has passed its term: the page names no leader, and says
    /// why.
    #[test]
    fn a_leader_a_majority_has_left_behind_is_not_the_leader() {
        let (mut sim, old) = elected(5);
        sim.act_now(Action::Partition(vec![vec![old]])).unwrap();
        sim.run_until(sim.now() + SECONDS);
        let Leadership::Leader { id: new, term } = of(&sim) else {
            panic!("the majority elects a leader: {:?}", of(&sim));
        };
        assert_ne!(new, old);
        assert_eq!(sim.leader(), Some(new), "the highest term leads");
        sim.act_now(Action::Stop(new)).unwrap();
        let old_term = sim.server(old).unwrap().node.current_term();
        assert!(old_term < term);
        assert_eq!(sim.leader(), Some(old), "the simulator's pick: the old one");
        assert_eq!(
            of(&sim),
            Leadership::Stale {
                id: old,
                term: old_term
            }
        );
        assert_eq!(of(&sim).leader(), None);
        assert!(of(&sim).summary().contains("still thinks it leads"));
        // Healed, it hears the higher term and steps down (§5.1).
        sim.act_now(Action::Heal).unwrap();
        sim.run_until(sim.now() + SECONDS);
        assert!(matches!(of(&sim), Leadership::Leader { id, .. } if id != old));
    }

    /// Cut off but not yet left behind (the others have not timed out),
    /// the leader is still the leader.
    #[test]
    fn an_isolated_leader_leads_until_the_others_move_on() {
        let (mut sim, leader) = elected(5);
        sim.act_now(Action::Partition(vec![vec![leader]])).unwrap();
        assert_eq!(of(&sim).leader(), Some(leader));
        assert_eq!(of(&sim).summary(), format!("Leader: n{leader}, term 1"));
    }
}
