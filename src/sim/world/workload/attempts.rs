//! Attempts: a client resends a request it has no answer to, with the same
//! client id and request number, and must then be careful what a reply
//! proves.
//!
//! Resending is safe because the state machine keeps a session per client
//! (§8; thesis §6.3): "the state machine tracks the latest serial number
//! processed for each client, along with the associated response. If it
//! receives a command whose serial number has already been executed, it
//! responds immediately without re-executing the request." So however many
//! copies of a request reach the log, it takes effect once, and every copy
//! applied answers with the result of the first.
//!
//! What a reply proves. "Applied" settles the outcome: it carries the
//! result of the one execution. "Not the leader" proves that the attempt it
//! answers was never appended. "Overwritten" proves that the attempt it
//! answers can never commit (another entry was committed at its index); it
//! says nothing of the other attempts. So the request definitely failed only
//! when every attempt sent has been proved dead, which the client counts:
//! each attempt gets at most one reply, so sends minus proofs is how many
//! may still commit. When links may duplicate, a send may be two copies and
//! a reply may come twice, so the count proves nothing and an "overwritten"
//! never settles the outcome: it stays unknown ("info", in Jepsen's terms)
//! until an "applied" arrives or the client gives up.

use super::Workload;
use crate::raft::{ClientCommand, ClientId, NodeId, RequestId};

impl Workload {
    /// The retry interval passed for `(client, request)`: if it is still
    /// waiting, the command to send again and the server to send it to (the
    /// next in turn: the last one may be down or cut off).
    pub fn on_retry(
        &mut self,
        client: ClientId,
        request: RequestId,
    ) -> Option<(ClientCommand, NodeId)> {
        let nodes = self.nodes;
        let waiting = self.outstanding.get_mut(&(client, request))?;
        waiting.target = waiting.target % nodes + 1;
        waiting.live_attempts += 1;
        Some((waiting.command.clone(), waiting.target))
    }

    /// An "overwritten" reply came for `key`, still waiting: one attempt
    /// is dead. True when that proves the request failed: no attempt is left
    /// that could commit.
    pub(super) fn overwritten_settles(&mut self, key: &(ClientId, RequestId)) -> bool {
        let links_duplicate = self.links_duplicate;
        let Some(waiting) = self.outstanding.get_mut(key) else {
            return false;
        };
        waiting.live_attempts = waiting.live_attempts.saturating_sub(1);
        waiting.live_attempts == 0 && !links_duplicate
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AfterReply, Workload, WorkloadConfig};
    use crate::raft::{LogIndex, Op, ReplyOutcome, Rng};
    use crate::sim::history::Outcome;

    fn workload(duplicate: bool) -> Workload {
        Workload::new(WorkloadConfig::default(), 3, Rng::new(1)).with_duplicating_links(duplicate)
    }

    fn write() -> Op {
        Op::Write {
            key: "x".into(),
            value: "1".into(),
        }
    }

    fn overwritten(w: &mut Workload, index: LogIndex) -> AfterReply {
        w.on_reply(10, 1_000_000, 1, &ReplyOutcome::Overwritten { index })
    }

    fn outcome(w: &Workload) -> Outcome {
        w.history()[0].outcome
    }

    #[test]
    fn one_attempt_overwritten_failed() {
        let mut w = workload(false);
        w.issue_user(0, write(), Some(1));
        assert!(matches!(overwritten(&mut w, 4), AfterReply::Done { .. }));
        assert_eq!(outcome(&w), Outcome::Fail);
    }

    #[test]
    fn a_retried_request_fails_only_once_every_attempt_is_dead() {
        let mut w = workload(false);
        let (command, _) = w.issue_user(0, write(), Some(1));
        let (again, target) = w.on_retry(command.client, command.request).unwrap();
        assert_eq!(again, command, "same client id and request number");
        assert_eq!(target, 2, "the next server in turn");
        assert_eq!(overwritten(&mut w, 4), AfterReply::Ignore);
        assert_eq!(outcome(&w), Outcome::Unknown, "the retry may still commit");
        assert!(matches!(overwritten(&mut w, 5), AfterReply::Done { .. }));
        assert_eq!(outcome(&w), Outcome::Fail);
    }

    #[test]
    fn a_redirect_replaces_the_attempt_it_answers() {
        let mut w = workload(false);
        let (command, _) = w.issue_user(0, write(), Some(1));
        w.on_retry(command.client, command.request).unwrap();
        let not_leader = ReplyOutcome::NotLeader {
            leader_hint: Some(3),
        };
        let redirect = w.on_reply(5, command.client, command.request, &not_leader);
        assert!(matches!(redirect, AfterReply::Redirect(_, 3)));
        assert_eq!(overwritten(&mut w, 4), AfterReply::Ignore);
        assert!(matches!(overwritten(&mut w, 5), AfterReply::Done { .. }));
    }

    #[test]
    fn over_duplicating_links_overwritten_never_proves_failure() {
        let mut w = workload(true);
        w.issue_user(0, write(), Some(1));
        assert_eq!(overwritten(&mut w, 4), AfterReply::Ignore);
        assert_eq!(outcome(&w), Outcome::Unknown);
        let applied = ReplyOutcome::Applied {
            index: 9,
            result: crate::raft::OpResult::Written,
        };
        assert!(matches!(
            w.on_reply(20, 1_000_000, 1, &applied),
            AfterReply::Done { .. }
        ));
        assert_eq!(
            outcome(&w),
            Outcome::Ok,
            "a later attempt's answer settles it"
        );
    }

    #[test]
    fn a_finished_request_is_not_retried() {
        let mut w = workload(false);
        let (command, _) = w.issue_user(0, write(), Some(1));
        assert!(w.on_timeout(command.client, command.request));
        assert_eq!(w.on_retry(command.client, command.request), None);
    }
}
