//! The configuration in use (thesis §4.1): a server whose configuration
//! is not the latest its log holds, and servers that follow their log
//! through an append and a truncation of a configuration entry.

use super::*;
use crate::raft::Membership;

pub(super) const TESTED: &[Invariant] = &[Invariant::ConfigurationInUse];

fn config_entry(term: Term, voters: &[NodeId]) -> Entry {
    Entry {
        term,
        payload: Payload::Config(Rc::new(Membership::of_voters(voters.iter().copied()))),
    }
}

/// Server 2 holds C = {1,2,3,4} at index 2 and, as it should, uses it.
fn holding_a_change(h: &mut Harness) -> RaftNode {
    let n2 = server(
        2,
        &[1, 2, 3],
        1,
        None,
        &[noop(1), config_entry(1, &[1, 2, 3, 4])],
    );
    assert_eq!(n2.membership_index(), 2);
    h.join(&n2);
    h.assert_none();
    n2
}

/// [`holding_a_change`]'s server, made to use `voters` as the
/// configuration of `index`: only this check fires, and says `why`.
fn fires_when_using(index: LogIndex, voters: &[NodeId], why: &str) {
    let mut h = Harness::new();
    let mut n2 = holding_a_change(&mut h);
    n2.use_membership_regardless(index, Membership::of_voters(voters.iter().copied()));
    h.observe(&n2, &Output::default());
    h.assert_only(Invariant::ConfigurationInUse);
    let detail = &h.checker.violations()[0].detail;
    assert!(detail.contains(why), "{detail}");
}

/// It goes back to its starting members though its log still holds the
/// change: it would count votes and commits on the old servers.
#[test]
fn configuration_in_use_fires_for_a_server_behind_its_log() {
    fires_when_using(0, &[1, 2, 3], "its log holds one at index 2");
}

/// It claims the change came from index 1, which holds a no-op.
#[test]
fn configuration_in_use_fires_for_a_configuration_its_log_does_not_hold() {
    fires_when_using(1, &[1, 2, 3, 4], "which holds no configuration");
}

/// A server whose log holds no configuration claims one its starting
/// members are not; the detail names both in the same words.
#[test]
fn configuration_in_use_fires_for_members_it_did_not_start_with() {
    let mut h = Harness::new();
    let mut n2 = server(2, &[1, 2, 3], 1, None, &[noop(1)]);
    h.join(&n2);
    n2.use_membership_regardless(0, Membership::of_voters([1, 2, 3, 4]));
    h.observe(&n2, &Output::default());
    h.assert_only(Invariant::ConfigurationInUse);
    assert_eq!(
        h.checker.violations()[0].detail,
        "it uses voters 1,2,3,4 (index 0), but its log holds no configuration and it started with voters 1,2,3"
    );
}

/// A follower appends a change from its leader and uses it at once,
/// uncommitted; a leader of a later term then overwrites it, and the
/// follower falls back to its starting members. No violation either way:
/// the check follows the log through the truncation.
#[test]
fn a_follower_follows_its_log_through_an_append_and_a_truncation() {
    let mut h = Harness::new();
    let mut n2 = server(2, &[1, 2, 3], 1, None, &[noop(1)]);
    h.join(&n2);
    let append = |term, entries| Message::AppendEntries {
        term,
        prev_log_index: 1,
        prev_log_term: 1,
        entries,
        leader_commit: 1,
    };
    let change = append(1, vec![config_entry(1, &[1, 2, 3, 4])]);
    h.input(&mut n2, |n, now, out| n.step(now, 1, change, out));
    assert_eq!(n2.membership_index(), 2);
    let overwrite = append(2, vec![noop(2)]);
    h.input(&mut n2, |n, now, out| n.step(now, 3, overwrite, out));
    assert_eq!((n2.log().last_index(), n2.membership_index()), (2, 0));
    h.assert_none();
    // And had it kept the overwritten change, the check would have seen.
    n2.use_membership_regardless(2, Membership::of_voters([1, 2, 3, 4]));
    h.observe(&n2, &Output::default());
    h.assert_only(Invariant::ConfigurationInUse);
}
