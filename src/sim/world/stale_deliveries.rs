//! How often a message from an earlier term reaches a server: the measure
//! of whether the stale-term rules are exercised at all.
//!
//! §5.1: "If a server receives a request with a stale term number, it
//! rejects the request." A reply from an earlier term must likewise change
//! nothing (a vote granted in term 3 is no vote in term 4; an
//! acknowledgement from term 3 says nothing of the log in term 4). These
//! rules are only tested by a run in which such messages arrive.

use crate::raft::{Message, Term, Time};
use serde::Serialize;

/// Messages delivered to a server whose current term was higher than the
/// term they carry, by kind. Counted at delivery, before the server reads
/// the message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StaleDeliveries {
    /// AppendEntries from a deposed leader.
    pub append_entries: u64,
    /// AppendEntries replies from an earlier term.
    pub append_entries_replies: u64,
    /// RequestVote (or PreVote) from a candidate of an earlier term.
    pub request_votes: u64,
    /// RequestVote (or PreVote) replies, granted or not, from an earlier
    /// term.
    pub votes: u64,
}

impl StaleDeliveries {
    /// Counts `message` if it is stale for a receiver in `receiver_term`.
    pub fn observe(&mut self, message: &Message, receiver_term: Term) {
        if message.term() >= receiver_term {
            return;
        }
        let counter = match message {
            // TimeoutNow is the leader's word, like its AppendEntries.
            Message::AppendEntries { .. }
            | Message::InstallSnapshot { .. }
            | Message::TimeoutNow { .. }
            | Message::ReadHeartbeat { .. }
            | Message::ReadIndexReply { .. } => &mut self.append_entries,
            // A follower's word to the leader, like its acknowledgements.
            Message::AppendEntriesReply { .. }
            | Message::InstallSnapshotReply { .. }
            | Message::ReadHeartbeatReply { .. }
            | Message::ReadIndex { .. } => &mut self.append_entries_replies,
            Message::RequestVote { .. } | Message::PreVote { .. } => &mut self.request_votes,
            Message::RequestVoteReply { .. } | Message::PreVoteReply { .. } => &mut self.votes,
        };
        *counter += 1;
    }

    /// The counts of several runs together.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a StaleDeliveries>) -> StaleDeliveries {
        all.into_iter()
            .fold(StaleDeliveries::default(), |a, b| StaleDeliveries {
                append_entries: a.append_entries + b.append_entries,
                append_entries_replies: a.append_entries_replies + b.append_entries_replies,
                request_votes: a.request_votes + b.request_votes,
                votes: a.votes + b.votes,
            })
    }

    /// Every stale delivery, whatever its kind.
    pub fn total(&self) -> u64 {
        self.append_entries + self.append_entries_replies + self.request_votes + self.votes
    }

    /// The counts as rates over `simulated` time: (kind, deliveries per
    /// simulated hour), in the order the summary prints them.
    pub fn per_hour(&self, simulated: Time) -> [(&'static str, f64); 4] {
        let hours = simulated.max(1) as f64 / 3_600_000_000.0;
        [
            ("AppendEntries", self.append_entries as f64 / hours),
            (
                "AppendEntries replies",
                self.append_entries_replies as f64 / hours,
            ),
            ("RequestVote", self.request_votes as f64 / hours),
            ("votes", self.votes as f64 / hours),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::ConflictHint;

    fn append(term: Term) -> Message {
        Message::AppendEntries {
            term,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: Vec::new(),
            leader_commit: 0,
        }
    }

    #[test]
    fn only_a_lower_term_than_the_receivers_is_stale() {
        let mut stale = StaleDeliveries::default();
        stale.observe(&append(3), 3);
        stale.observe(&append(4), 3);
        assert_eq!(stale.total(), 0, "same or higher term is not stale");
        stale.observe(&append(2), 3);
        let reply = Message::AppendEntriesReply {
            term: 1,
            success: true,
            match_index: 4,
            rejected_index: 0,
            hint: ConflictHint::default(),
        };
        stale.observe(&reply, 2);
        let ask = Message::RequestVote {
            term: 1,
            last_log_index: 0,
            last_log_term: 0,
            leadership_transfer: false,
        };
        stale.observe(&ask, 5);
        let vote = Message::RequestVoteReply {
            term: 4,
            vote_granted: true,
        };
        stale.observe(&vote, 5);
        stale.observe(&vote, 5);
        let expected = StaleDeliveries {
            append_entries: 1,
            append_entries_replies: 1,
            request_votes: 1,
            votes: 2,
        };
        assert_eq!(stale, expected);
        assert_eq!(StaleDeliveries::sum([&stale, &stale]).votes, 4);
        let rates = stale.per_hour(1_800_000_000);
        assert_eq!(rates[3], ("votes", 4.0), "2 in half an hour");
    }
}
