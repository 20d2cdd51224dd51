//! Who is in the cluster, as the page shows it (thesis chapter 4). A server
//! uses the latest configuration in its log, committed or not (§4.1), so
//! servers may disagree for a while; the page judges by the leader's, the
//! one that decides what happens next, and with no leader by each server's
//! own. A leader a majority has left behind (`leadership`) decides nothing
//! any more: the page judges as if there were none.

use super::leadership;
use crate::raft::{Membership, NodeId};
use crate::sim::membership::Replacement;
use crate::sim::{Action, Simulation};

/// A server's place in the configuration the page judges by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Standing {
    /// It votes, and its match index counts for commitment.
    Voter,
    /// It receives the log without a vote while it catches up (§4.2.1).
    Learner,
    /// In no configuration: removed (§4.2.2), or added by a leader whose
    /// change was lost. It may still run, but the others ignore it.
    Removed,
}

impl Standing {
    /// The word the page uses, also its CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Voter => "voter",
            Standing::Learner => "learner",
            Standing::Removed => "removed",
        }
    }
}

/// Where server `id` stands: in the leader's configuration if there is a
/// leader that can commit, else in its own.
pub fn standing(sim: &Simulation, id: NodeId) -> Standing {
    Standings::of(sim).of_server(id)
}

/// Every server's standing, with the leader judging them found once: the
/// picture and the log table ask for each server at every redraw.
pub struct Standings<'a> {
    sim: &'a Simulation,
    /// The leader that can commit, if there is one
    /// ([`leadership::of`]).
    pub leader: Option<NodeId>,
}

impl<'a> Standings<'a> {
    /// The standings in `sim`.
    pub fn of(sim: &'a Simulation) -> Self {
        let leader = leadership::of(sim).leader();
        Standings { sim, leader }
    }

    /// Where server `id` stands ([`standing`]).
    pub fn of_server(&self, id: NodeId) -> Standing {
        let judge = self.leader.unwrap_or(id);
        server_standing(self.sim, judge, id)
    }
}

/// Where `id` stands in the configuration of server `judge`.
fn server_standing(sim: &Simulation, judge: NodeId, id: NodeId) -> Standing {
    let Some(server) = sim.server(judge) else {
        return Standing::Removed;
    };
    let membership = server.node.membership();
    if membership.is_voter(id) {
        Standing::Voter
    } else if membership.is_learner(id) {
        Standing::Learner
    } else if membership.voters.is_empty() {
        // A new server that has heard of no configuration yet: the leader
        // that added it did so as a learner (§4.2.1).
        Standing::Learner
    } else {
        Standing::Removed
    }
}

/// The configuration of the cluster as the page shows it: the leader's, or
/// with no leader that can commit the most recent one any server holds
/// (the first server's among equals).
pub fn cluster(sim: &Simulation) -> &Membership {
    if let Some(leader) = leadership::of(sim).leader().and_then(|l| sim.server(l)) {
        return leader.node.membership();
    }
    let mut latest = &sim.servers()[0].node;
    for s in sim.servers() {
        if s.node.membership_index() > latest.membership_index() {
            latest = &s.node;
        }
    }
    latest.membership()
}

/// The voter after `id` in `membership`, going round: where "transfer
/// leadership" sends it by default.
pub fn next_voter(membership: &Membership, id: NodeId) -> Option<NodeId> {
    let voters = &membership.voters;
    voters
        .iter()
        .find(|&&v| v > id)
        .or_else(|| voters.first())
        .copied()
}

/// The page's replacement: the first two voters other than the leader,
/// replaced by two new servers, by joint consensus (thesis §4.3) or one by
/// one (§4.1) as the `replacement` setting says. With its label, such as
/// "Replace n2 and n3 with n6 and n7". `None` without a leader, with
/// fewer than three voters, or with no room for two more servers.
pub fn replacement(sim: &Simulation) -> Option<(Action, String)> {
    let leader = leadership::of(sim).leader()?;
    let voters = &cluster(sim).voters;
    if voters.len() < 3 || no_room(sim, 2).is_some() {
        return None;
    }
    let remove: Vec<NodeId> = voters
        .iter()
        .copied()
        .filter(|&v| v != leader)
        .take(2)
        .collect();
    let first = sim.server_count() + 1;
    let label = format!(
        "Replace n{} and n{} with n{} and n{}",
        remove[0],
        remove[1],
        first,
        first + 1
    );
    Some((Action::ReplaceServers { remove, add: 2 }, label))
}

/// The Membership box's buttons as they stand: why Add server is refused
/// (if it is), the replacement offered with its label, and why it is
/// refused. The page's change key for the box hashes these, as they move
/// with commits the box shows nothing else of (a "Not now" reason stayed
/// up while the run played, a page tester saw).
#[derive(Clone, Debug, PartialEq)]
pub struct Offers {
    /// Why Add server is refused now, if it is.
    pub add_refusal: Option<String>,
    /// The replacement offered, and its label.
    pub replacement: Option<(Action, String)>,
    /// Why that replacement is refused now, if it is.
    pub replace_refusal: Option<String>,
}

/// [`Offers`] now.
pub fn offers(sim: &Simulation) -> Offers {
    let replacement = replacement(sim);
    Offers {
        add_refusal: refusal(sim, &Action::AddServer),
        replace_refusal: (replacement.as_ref()).and_then(|(a, _)| refusal(sim, a)),
        replacement,
    }
}

/// Why the simulator would refuse `action` now, if it would: the page
/// offers a membership button disabled, with this as its reason, rather
/// than one that is refused when clicked (a replacement offered while
/// another was under way).
pub fn refusal(sim: &Simulation, action: &Action) -> Option<String> {
    // The page refuses what the simulator would take from a leader that
    // only thinks it leads: a button enabled, then refused (a review).
    leadership::refusal(sim, action).or_else(|| sim.check_now(action).err())
}

/// Why `add` more servers cannot join, if they cannot: the configuration
/// the page shows holds at most nine, and a run creates at most 25 (ids
/// are never reused). The simulator refuses the same changes; the page
/// uses this to offer only what it would accept.
pub fn no_room(sim: &Simulation, add: u64) -> Option<String> {
    sim.check_room(cluster(sim), add).err()
}

/// The way the replacement button goes, and the words that explain it.
pub fn replacement_way(sim: &Simulation) -> (Replacement, &'static str) {
    match sim.config().replacement {
        Replacement::Joint => (
            Replacement::Joint,
            "Thesis §4.3: joint consensus, where every decision needs a majority of the old voters and of the new",
        ),
        Replacement::OneByOne => (
            Replacement::OneByOne,
            "Thesis §4.1: single-server changes, one at a time: promote a new server, remove an old one, and again, each once the last is committed",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MILLIS;
    use crate::sim::SimConfig;

    fn sim(nodes: u64) -> Simulation {
        let mut sim = Simulation::new(SimConfig {
            nodes,
            seed: 3,
            ..SimConfig::default()
        })
        .unwrap();
        sim.run_until(1000 * MILLIS);
        sim
    }

    fn standings(sim: &Simulation) -> Vec<Standing> {
        (1..=sim.server_count())
            .map(|id| standing(sim, id))
            .collect()
    }

    #[test]
    fn a_new_server_is_a_learner_until_the_leader_promotes_it() {
        use Standing::*;
        let mut sim = sim(3);
        assert_eq!(standings(&sim), [Voter, Voter, Voter]);
        sim.act(Action::AddServer).unwrap();
        assert_eq!(sim.server_count(), 4);
        assert_eq!(standings(&sim), [Voter, Voter, Voter, Learner]);
        sim.run_until(sim.now() + 1000 * MILLIS);
        assert_eq!(standings(&sim), [Voter; 4], "caught up and promoted");
        assert_eq!(cluster(&sim).voters, [1, 2, 3, 4]);
    }

    /// While a replacement is under way the page offers the next one
    /// disabled, with the reason the simulator would refuse it.
    #[test]
    fn a_replacement_under_way_makes_the_next_a_refusal_with_its_reason() {
        let mut sim = sim(5);
        let (action, _) = replacement(&sim).unwrap();
        assert_eq!(refusal(&sim, &action), None);
        sim.act(action).unwrap();
        let (next, label) = replacement(&sim).unwrap();
        let why = refusal(&sim, &next).expect("one change at a time");
        assert_eq!(sim.act(next).unwrap_err(), why, "{label}");
        sim.run_until(sim.now() + 2000 * MILLIS);
        let (later, _) = replacement(&sim).unwrap();
        assert_eq!(refusal(&sim, &later), None, "once it is done");
    }

    #[test]
    fn a_removed_server_stands_removed_and_still_runs() {
        let mut sim = sim(3);
        let leader = sim.leader().unwrap();
        let gone = next_voter(cluster(&sim), leader).unwrap();
        sim.act(Action::RemoveServer(gone)).unwrap();
        assert_eq!(standing(&sim, gone), Standing::Removed, "at once (§4.1)");
        sim.run_until(sim.now() + 1000 * MILLIS);
        assert_eq!(standing(&sim, gone), Standing::Removed);
        assert_eq!(cluster(&sim).voters.len(), 2);
        assert_eq!(sim.servers().len(), 3, "the removed server is still there");
    }

    #[test]
    fn with_no_leader_each_server_judges_by_its_own_configuration() {
        let mut sim = sim(3);
        sim.act(Action::AddServer).unwrap();
        let leader = sim.leader().unwrap();
        sim.act(Action::Stop(leader)).unwrap();
        assert_eq!(sim.leader(), None);
        // The new server heard of no configuration yet: it joined as a
        // learner. The followers' logs may not hold the change either.
        assert_eq!(standing(&sim, 4), Standing::Learner);
        assert!(cluster(&sim).voters.len() == 3);
        for id in 1..=3 {
            assert_eq!(standing(&sim, id), Standing::Voter);
        }
    }

    /// A page tester's kind of run: the leader is cut off alone, the
    /// majority elects another, which removes a server and then stops. The
    /// old leader still holds the old configuration, but it decides
    /// nothing: the page shows the configuration the majority moved to.
    #[test]
    fn a_leader_left_behind_is_not_the_judge() {
        let mut sim = sim(5);
        let old = sim.leader().unwrap();
        sim.act(Action::Partition(vec![vec![old]])).unwrap();
        sim.run_until(sim.now() + 1000 * MILLIS);
        let new = sim.leader().unwrap();
        assert_ne!(new, old);
        let gone = (1..=5).find(|&n| n != old && n != new).unwrap();
        sim.act(Action::RemoveServer(gone)).unwrap();
        sim.run_until(sim.now() + 1000 * MILLIS);
        sim.act(Action::Stop(new)).unwrap();
        assert_eq!(sim.leader(), Some(old), "the simulator's pick");
        assert!(sim.server(old).unwrap().node.membership().is_voter(gone));
        assert_eq!(standing(&sim, gone), Standing::Removed);
        assert_eq!(cluster(&sim).voters.len(), 4);
        assert!(!cluster(&sim).is_voter(gone));
        // The buttons a click would be refused by are off, with the
        // reason (a review saw "Add server" enabled, then refused).
        let why = refusal(&sim, &Action::AddServer).expect("no leader that can commit");
        assert!(
            why.contains(&format!("n{old} only thinks it leads")),
            "{why}"
        );
    }

    /// At eight servers two more do not fit, and at nine not one: the page
    /// offers no replacement and says why "Add server" is off, in the
    /// simulator's own words, which refuses the same changes.
    #[test]
    fn only_changes_that_fit_are_offered() {
        let mut sim = sim(7);
        assert!(replacement(&sim).is_some());
        assert_eq!(no_room(&sim, 1), None);
        sim.act(Action::AddServer).unwrap();
        sim.run_until(sim.now() + 1000 * MILLIS);
        assert_eq!(cluster(&sim).voters.len(), 8);
        assert!(replacement(&sim).is_none(), "8 + 2 > 9");
        let refused = sim.act(Action::ReplaceServers {
            remove: vec![1, 2],
            add: 2,
        });
        assert!(refused.is_err(), "{refused:?}");
        assert_eq!(no_room(&sim, 1), None, "a ninth still fits");
        sim.act(Action::AddServer).unwrap();
        let why = no_room(&sim, 1).expect("nine is the most");
        assert_eq!(why, "a cluster has at most 9 servers");
        assert_eq!(sim.act(Action::AddServer).unwrap_err(), why);
    }

    /// The setting says which way the replacement button goes, and its
    /// explanation cites the section of that way.
    #[test]
    fn the_replacement_way_follows_the_setting() {
        let mut sim = sim(3);
        let (by, title) = replacement_way(&sim);
        assert!(
            by == Replacement::Joint && title.contains("§4.3"),
            "{title}"
        );
        sim.act(Action::SetReplacement(Replacement::OneByOne))
            .unwrap();
        let (by, title) = replacement_way(&sim);
        assert!(
            by == Replacement::OneByOne && title.contains("§4.1"),
            "{title}"
        );
        let (action, _) = replacement(&sim).unwrap();
        sim.act(action).unwrap();
        sim.run_until(sim.now() + 2 * crate::raft::SECONDS);
        let voters = &cluster(&sim).voters;
        assert_eq!(voters.len(), 3, "{voters:?}");
        assert!(sim.violations().is_empty());
    }

    /// The joint change the page offers replaces two followers with two
    /// new servers, and leaves the cluster on the new voters.
    #[test]
    fn the_replacement_swaps_two_followers_for_two_new_servers() {
        let mut sim = sim(3);
        let leader = sim.leader().unwrap();
        let (action, label) = replacement(&sim).unwrap();
        let Action::ReplaceServers { remove, add } = &action else {
            panic!("{action:?}");
        };
        assert!(!remove.contains(&leader) && remove.len() == 2 && *add == 2);
        assert_eq!(
            label,
            format!("Replace n{} and n{} with n4 and n5", remove[0], remove[1])
        );
        sim.act(action.clone()).unwrap();
        sim.run_until(sim.now() + 1000 * MILLIS);
        assert_eq!(cluster(&sim).voters, [leader, 4, 5]);
        for &gone in remove {
            assert_eq!(standing(&sim, gone), Standing::Removed);
        }
        assert!(replacement(&sim).is_some());
        sim.act(Action::RemoveServer(4)).unwrap();
        sim.run_until(sim.now() + 1000 * MILLIS);
        assert_eq!(replacement(&sim), None, "two voters left");
    }

    #[test]
    fn the_next_voter_goes_round() {
        let m = Membership::of_voters([1, 3, 5]);
        assert_eq!(next_voter(&m, 1), Some(3));
        assert_eq!(next_voter(&m, 5), Some(1));
        assert_eq!(next_voter(&m, 4), Some(5), "a non-voter's next");
        assert_eq!(next_voter(&Membership::default(), 1), None);
    }
}
