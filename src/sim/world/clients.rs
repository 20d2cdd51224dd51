//! The simulated clients' side of the world: a request invoked and traced,
//! sent (again, on a retry) to a server, and answered, redirected or given
//! up on at its deadline; then the client's next operation is scheduled.

use crate::raft::{ClientCommand, ClientId, ClientReply, NodeId, RequestId};
use crate::sim::fault_model::Delivery;
use crate::sim::history::Outcome;
use crate::sim::network::{Endpoint, Packet};
use crate::sim::simulation::{EventKind, Simulation};
use crate::sim::trace::TraceEvent;
use crate::sim::workload::{is_user_client, AfterReply, REDIRECT_PAUSE};

impl Simulation {
    pub(super) fn issue_workload_op(&mut self, client: ClientId) {
        if self.workload.stopped {
            return;
        }
        let (command, target) = self.workload.issue_random(self.now, client);
        self.start_request(command, target);
    }

    pub(super) fn start_request(&mut self, command: ClientCommand, target: NodeId) {
        // The operation goes into the event and back: not cloned, unless
        // the trace is recorded.
        let event = TraceEvent::Invoke {
            client: command.client,
            request: command.request,
            op: command.op,
        };
        self.trace.record_borrowed(self.now, &event);
        let TraceEvent::Invoke { op, .. } = event else {
            unreachable!("an invocation, made above")
        };
        let command = ClientCommand { op, ..command };
        let deadline = self.now + self.config.workload.timeout;
        self.push(
            deadline,
            EventKind::ClientTimeout(command.client, command.request),
        );
        if let Some(retry) = self.config.workload.retry {
            let kind = EventKind::ClientRetry(command.client, command.request);
            self.push(self.now + retry, kind);
        }
        self.send_request(command, target);
    }

    /// Sends (or sends again) a client's request, with the read path the
    /// client asked for, if any.
    pub(super) fn send_request(&mut self, command: ClientCommand, target: NodeId) {
        self.workload
            .note_sent(command.client, command.request, self.now);
        let from = Endpoint::Client(command.client);
        let path = self.read_paths.get(&command.client).copied();
        let packet = Packet::ClientRequest(command, path);
        self.send(from, Endpoint::Node(target), packet);
    }

    pub(super) fn client_reply(&mut self, reply: ClientReply) {
        match self
            .workload
            .on_reply(self.now, reply.client, reply.request, &reply.outcome)
        {
            AfterReply::Ignore => {}
            AfterReply::Redirect(command, target) => {
                let sent_at = self.workload.sent_at(command.client, command.request);
                let by_network = self.config.faults.delivery == Delivery::Network;
                if by_network && sent_at == Some(self.now) {
                    // Sent and turned away within one microsecond (a network
                    // of zero latency): without a pause the request would
                    // bounce between servers forever while no time passes,
                    // and no election could end the bouncing.
                    let kind = EventKind::ClientRedirect(command.client, command.request);
                    self.push(self.now + REDIRECT_PAUSE, kind);
                } else {
                    self.send_request(command, target);
                }
            }
            AfterReply::Done {
                client,
                request,
                history_index,
            } => {
                let op = &self.workload.history()[history_index];
                let event = TraceEvent::Return {
                    client,
                    request,
                    outcome: op.outcome,
                    result: op.read_result.clone(),
                };
                self.trace.record(self.now, event);
                self.next_workload_op(client);
            }
        }
    }

    /// A redirect held back by [`REDIRECT_PAUSE`] goes out, if the client
    /// still waits.
    pub(super) fn client_redirect(&mut self, client: ClientId, request: RequestId) {
        if let Some((command, target)) = self.workload.waiting(client, request) {
            self.send_request(command, target);
        }
    }

    pub(super) fn client_timeout(&mut self, client: ClientId, request: RequestId) {
        if !self.workload.on_timeout(client, request) {
            return;
        }
        let event = TraceEvent::Return {
            client,
            request,
            outcome: Outcome::Unknown,
            result: None,
        };
        self.trace.record(self.now, event);
        self.next_workload_op(client);
    }

    /// A client has waited a retry interval for `request`: if it still
    /// waits, it sends the same request again (`workload::attempts`).
    pub(super) fn client_retry(&mut self, client: ClientId, request: RequestId) {
        let Some((command, target)) = self.workload.on_retry(client, request) else {
            return;
        };
        self.send_request(command, target);
        if let Some(retry) = self.config.workload.retry {
            self.push(self.now + retry, EventKind::ClientRetry(client, request));
        }
    }

    pub(super) fn next_workload_op(&mut self, client: ClientId) {
        if !is_user_client(client) && !self.workload.stopped {
            let at = self.workload.next_issue_time(self.now, client);
            self.push(at, EventKind::ClientIssue(client));
        }
    }
}
