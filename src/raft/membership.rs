//! Who is in the cluster (thesis chapter 4): the voters, whose majority
//! elects leaders and commits entries, and the learners, who receive the
//! log without a vote while they catch up (§4.2.1). During joint consensus
//! (§4.3) the old voters stay on as `outgoing`, and every decision needs a
//! majority of each set.
//!
//! A configuration is a log entry, and a server uses the latest one in its
//! log, committed or not (§4.1): `RaftNode::refresh_membership`.

use super::types::NodeId;
use std::fmt;

/// One configuration of the cluster. Every list is sorted and free of
/// repeats; a server is in at most one of `voters` and `learners`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Membership {
    /// The voters: a majority of them elects a leader and commits.
    pub voters: Vec<NodeId>,
    /// Joint consensus only (C_old,new, §4.3): the old configuration's
    /// voters, whose majority is needed too. Empty otherwise.
    pub outgoing: Vec<NodeId>,
    /// Servers that receive the log but neither vote nor count (§4.2.1).
    pub learners: Vec<NodeId>,
}

impl Membership {
    /// Voters only, as a cluster starts.
    pub fn of_voters(voters: impl IntoIterator<Item = NodeId>) -> Self {
        Membership {
            voters: sorted(voters),
            ..Membership::default()
        }
    }

    /// Does `id` vote, in either half of a joint configuration?
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.binary_search(&id).is_ok() || self.outgoing.binary_search(&id).is_ok()
    }

    /// Is `id` a learner?
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.binary_search(&id).is_ok()
    }

    /// Is `id` in this configuration at all?
    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// Is this a joint configuration (C_old,new)?
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Every server of the configuration, voters and learners alike, in
    /// id order: those the leader replicates to.
    pub fn servers(&self) -> Vec<NodeId> {
        let all = self
            .voters
            .iter()
            .chain(&self.outgoing)
            .chain(&self.learners);
        sorted(all.copied())
    }

    /// Do the servers for which `yes` holds make a majority of the voters,
    /// and, during joint consensus, of the outgoing voters too (§4.3)?
    pub fn has_quorum(&self, yes: impl Fn(NodeId) -> bool) -> bool {
        let majority = |set: &[NodeId]| {
            set.is_empty() || set.iter().filter(|&&id| yes(id)).count() > set.len() / 2
        };
        !self.voters.is_empty() && majority(&self.voters) && majority(&self.outgoing)
    }

    /// The highest value that a majority has reached, given each voter's
    /// value: a commit index from matchIndex values, a confirmed ReadIndex
    /// round. During joint consensus, the lower of the two majorities'.
    pub fn quorum_value(&self, value_of: impl Fn(NodeId) -> u64) -> u64 {
        let of_set = |set: &[NodeId]| {
            // Ascending, each value shifted into place as it is read: a
            // handful of numbers, so a plain insertion sort (a standard
            // sort would link its own copy into the wasm; with
            // `vec_map::sort_by_key`'s binary search and rotate per value,
            // a leader's count at every acknowledgement ran the bench 0.6%
            // more instructions). The value a majority has reached is the
            // (n/2+1)-th highest.
            let mut values = [0; super::config::MAX_MEMBERS];
            let n = set.len().min(values.len());
            for (i, &id) in set[..n].iter().enumerate() {
                let value = value_of(id);
                let mut at = i;
                while at > 0 && values[at - 1] > value {
                    values[at] = values[at - 1];
                    at -= 1;
                }
                values[at] = value;
            }
            values[n - 1 - n / 2]
        };
        let value = if self.voters.is_empty() {
            0
        } else {
            of_set(&self.voters)
        };
        if self.is_joint() {
            value.min(of_set(&self.outgoing))
        } else {
            value
        }
    }
}

fn sorted(ids: impl IntoIterator<Item = NodeId>) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = ids.into_iter().collect();
    super::vec_map::sort_by_key(&mut ids, |id| *id);
    ids.dedup();
    ids
}

/// `voters 1,2,3 learners 4`, or `voters 1,2,4 old 1,2,3` when joint.
impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "none" rather than nothing: a server added to a running cluster
        // holds no configuration until the leader's log reaches it, and a
        // violation's detail read "uses voters (index 0)".
        let list = |ids: &[NodeId]| match ids.is_empty() {
            true => "none".to_string(),
            false => {
                let names: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
                names.join(",")
            }
        };
        write!(f, "voters {}", list(&self.voters))?;
        if self.is_joint() {
            write!(f, " old {}", list(&self.outgoing))?;
        }
        if !self.learners.is_empty() {
            write!(f, " learners {}", list(&self.learners))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joint(voters: &[NodeId], outgoing: &[NodeId]) -> Membership {
        Membership {
            voters: voters.to_vec(),
            outgoing: outgoing.to_vec(),
            learners: vec![],
        }
    }

    #[test]
    fn a_majority_of_the_voters_is_a_quorum_and_learners_do_not_count() {
        let mut m = Membership::of_voters([3, 1, 2]);
        m.learners = vec![4, 5];
        assert!(m.has_quorum(|id| id <= 2));
        assert!(!m.has_quorum(|id| id == 1 || id >= 4));
        assert_eq!(m.servers(), [1, 2, 3, 4, 5]);
        assert!(m.is_voter(3) && !m.is_voter(4) && m.is_learner(4) && m.contains(5));
    }

    #[test]
    fn joint_consensus_needs_both_majorities() {
        // C_old = {1,2,3}, C_new = {1,4,5}: {1,2} is a majority of the old
        // only, {4,5} of the new only; {1,2,4} is one of each.
        let m = joint(&[1, 4, 5], &[1, 2, 3]);
        assert!(!m.has_quorum(|id| id <= 2));
        assert!(!m.has_quorum(|id| id >= 4));
        assert!(m.has_quorum(|id| [1, 2, 4].contains(&id)));
        assert_eq!(m.servers(), [1, 2, 3, 4, 5]);
        assert_eq!(m.to_string(), "voters 1,4,5 old 1,2,3");
        assert_eq!(Membership::default().to_string(), "voters none");
    }

    #[test]
    fn the_quorum_value_is_what_a_majority_reached() {
        let m = Membership::of_voters(1..=5);
        assert_eq!(m.quorum_value(|id| [9, 7, 5, 3, 1][id as usize - 1]), 5);
        let m = Membership::of_voters(1..=4);
        assert_eq!(m.quorum_value(|id| [9, 7, 5, 3][id as usize - 1]), 5);
        // Joint: the new half reached 8 (servers 4, 5), the old only 2.
        let m = joint(&[1, 4, 5], &[1, 2, 3]);
        assert_eq!(m.quorum_value(|id| [2, 2, 2, 8, 8][id as usize - 1]), 2);
        assert_eq!(m.quorum_value(|id| [8, 8, 2, 8, 2][id as usize - 1]), 8);
    }

    #[test]
    fn no_voters_no_quorum() {
        let m = Membership::default();
        assert!(!m.has_quorum(|_| true));
        assert_eq!(m.quorum_value(|_| 7), 0);
        assert_eq!(m.servers().len(), 0);
    }
}
