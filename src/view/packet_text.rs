//! A message in flight in words, for its details panel: the fields of the
//! RPC as Figure 2 names them, and what a client reply says.

use crate::raft::{ClientId, Message, OpResult, ReplyOutcome, RequestId};
use crate::sim::Packet;
use crate::view::words::client;

/// What `packet` carries, in Figure 2's words.
pub fn describe(packet: &Packet) -> String {
    match packet {
        Packet::Raft(message) => raft(message),
        Packet::ClientRequest(c, None) => format!("request {} from {}", c.op, client(c.client)),
        Packet::ClientRequest(c, Some(path)) => format!(
            "request {} by {} from {}",
            c.op,
            path.name(),
            client(c.client)
        ),
        Packet::ClientReply(r) => format!("reply to {}: {}", client(r.client), outcome(&r.outcome)),
    }
}

/// "your read" (each of the person's requests is a client of its own, with
/// one request) or "client 3's read #7".
fn whose_read(id: ClientId, request: RequestId) -> String {
    match crate::sim::workload::is_user_client(id) {
        true => "your read".into(),
        false => format!("client {id}'s read #{request}"),
    }
}

fn raft(message: &Message) -> String {
    match message {
        Message::RequestVote {
            term,
            last_log_index,
            last_log_term,
            leadership_transfer,
        } => format!(
            "term {term}, lastLogIndex {last_log_index}, lastLogTerm {last_log_term}{}",
            if *leadership_transfer {
                ", asked for by the leader (transfer)"
            } else {
                ""
            }
        ),
        Message::ReadHeartbeat { term, round } => {
            format!("term {term}, ReadIndex round {round}: do you still follow me?")
        }
        Message::ReadHeartbeatReply { term, round } => {
            format!("term {term}, acknowledges ReadIndex round {round}")
        }
        Message::ReadIndex {
            term,
            client,
            request,
        } => format!(
            "term {term}: read index for {}?",
            whose_read(*client, *request)
        ),
        Message::ReadIndexReply {
            term,
            client,
            request,
            index,
        } => match index {
            Some(index) => format!(
                "term {term}: {} may answer once index {index} is applied",
                whose_read(*client, *request)
            ),
            None => format!(
                "term {term}: not the leader, {} refused",
                whose_read(*client, *request)
            ),
        },
        Message::InstallSnapshot {
            term,
            meta,
            offset,
            records,
        } => format!(
            "term {term}, snapshot through index {} (term {}), records {}-{} of {}",
            meta.last_index,
            meta.last_term,
            offset + 1,
            offset + records.len() as u64,
            meta.records
        ),
        Message::InstallSnapshotReply {
            term,
            last_index,
            received,
            done,
        } => match done {
            true => format!("term {term}, snapshot through index {last_index} installed"),
            false => format!(
                "term {term}, holds {received} records of the snapshot through index {last_index}"
            ),
        },
        Message::TimeoutNow { term } => {
            format!("term {term}: start an election now (leadership transfer)")
        }
        Message::RequestVoteReply { term, vote_granted } => {
            let vote = if *vote_granted { "granted" } else { "refused" };
            format!("term {term}, vote {vote}")
        }
        Message::PreVote {
            term,
            last_log_index,
            last_log_term,
        } => format!(
            "would stand in term {term}, lastLogIndex {last_log_index}, lastLogTerm {last_log_term}"
        ),
        Message::PreVoteReply { term, vote_granted } => match vote_granted {
            true => format!("pre-vote granted for term {term}"),
            false => format!("pre-vote refused, term {term}"),
        },
        Message::AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } => {
            let carried = match entries.len() {
                0 => "no entries (a heartbeat)".to_string(),
                1 => "1 entry".to_string(),
                n => format!("{n} entries"),
            };
            format!(
                "term {term}, prevLogIndex {prev_log_index}, prevLogTerm {prev_log_term}, {carried}, leaderCommit {leader_commit}"
            )
        }
        Message::AppendEntriesReply {
            term,
            success,
            match_index,
            rejected_index,
            hint,
        } => {
            if *success {
                format!("term {term}, success, matchIndex {match_index}")
            } else {
                let at = hint
                    .term
                    .map_or(String::new(), |t| format!(" (term {t} there)"));
                format!(
                    "term {term}, rejected at prevLogIndex {rejected_index}; retry from {}{at}",
                    hint.index
                )
            }
        }
    }
}

fn outcome(outcome: &ReplyOutcome) -> String {
    match outcome {
        ReplyOutcome::Applied { index, result } => {
            format!("applied at index {index}, {}", result_text(result))
        }
        ReplyOutcome::Read {
            index,
            result,
            served_by,
        } => format!(
            "{} (by {}, reflects index {index})",
            result_text(result),
            served_by.name()
        ),
        ReplyOutcome::NotLeader {
            leader_hint: Some(l),
        } => format!("not the leader; try n{l}"),
        ReplyOutcome::NotLeader { leader_hint: None } => "not the leader; leader unknown".into(),
        ReplyOutcome::Overwritten { index } => {
            format!("failed: another entry was committed at index {index}")
        }
    }
}

fn result_text(result: &OpResult) -> String {
    match result {
        OpResult::Written => "written".to_string(),
        OpResult::ReadValue(Some(v)) => format!("read {v}"),
        OpResult::ReadValue(None) => "read: no value".to_string(),
        OpResult::CasOk => "cas succeeded".to_string(),
        OpResult::CasFailed { current: Some(v) } => format!("cas failed, the value is {v}"),
        OpResult::CasFailed { current: None } => "cas failed, no value".to_string(),
        OpResult::Stale => "not executed: the client had moved on".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ClientReply, ConflictHint};

    #[test]
    fn raft_messages_read_with_figure_2_names() {
        let heartbeat = Message::AppendEntries {
            term: 3,
            prev_log_index: 4,
            prev_log_term: 2,
            entries: Vec::new(),
            leader_commit: 4,
        };
        assert_eq!(
            describe(&Packet::Raft(heartbeat)),
            "term 3, prevLogIndex 4, prevLogTerm 2, no entries (a heartbeat), leaderCommit 4"
        );
        let rejected = Message::AppendEntriesReply {
            term: 3,
            success: false,
            match_index: 0,
            rejected_index: 4,
            hint: ConflictHint {
                index: 2,
                term: Some(1),
            },
        };
        assert_eq!(
            describe(&Packet::Raft(rejected)),
            "term 3, rejected at prevLogIndex 4; retry from 2 (term 1 there)"
        );
        let vote = Message::RequestVoteReply {
            term: 5,
            vote_granted: false,
        };
        assert_eq!(describe(&Packet::Raft(vote)), "term 5, vote refused");
    }

    #[test]
    fn client_replies_say_what_became_of_the_request() {
        let reply = |outcome| {
            describe(&Packet::ClientReply(ClientReply {
                client: 7,
                request: 1,
                outcome,
            }))
        };
        assert_eq!(
            reply(ReplyOutcome::Applied {
                index: 9,
                result: OpResult::ReadValue(Some("x".into())),
            }),
            "reply to client 7: applied at index 9, read x"
        );
        assert_eq!(
            reply(ReplyOutcome::NotLeader {
                leader_hint: Some(2)
            }),
            "reply to client 7: not the leader; try n2"
        );
    }

    #[test]
    fn the_persons_requests_are_yours_not_a_client_id() {
        let mine = crate::sim::workload::USER_CLIENT_BASE + 1;
        let reply = Packet::ClientReply(ClientReply {
            client: mine,
            request: 1,
            outcome: ReplyOutcome::NotLeader { leader_hint: None },
        });
        assert!(
            describe(&reply).starts_with("reply to you: "),
            "{}",
            describe(&reply)
        );
        let read_index = |client| Message::ReadIndex {
            term: 4,
            client,
            request: 2,
        };
        assert_eq!(
            describe(&Packet::Raft(read_index(mine))),
            "term 4: read index for your read?"
        );
        assert_eq!(
            describe(&Packet::Raft(read_index(3))),
            "term 4: read index for client 3's read #2?"
        );
    }
}
