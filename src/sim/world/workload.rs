//! Clients of the replicated key-value store: K closed-loop clients issuing
//! read, write and compare-and-set at a target rate, each with a timeout, plus
//! one-off requests from the user. Every operation goes into the history.
//! Resending a request, and what a reply proves when a request may be in
//! the log more than once, are `attempts`'.

mod attempts;

use crate::raft::shared_vec::SharedVec;
use crate::raft::vec_map::VecMap;
use crate::raft::{
    ClientCommand, ClientId, NodeId, Op, OpResult, RequestId, Rng, Time, MILLIS, SECONDS,
};
use crate::sim::history::{Failure, Operation, Outcome};

/// Client ids at and above this are the user's one-off requests, one id each,
/// so the user may have many requests in flight at once.
pub const USER_CLIENT_BASE: ClientId = 1_000_000;

/// Whether `client` is one of the user's one-off requests, not a
/// background client.
pub fn is_user_client(client: ClientId) -> bool {
    client >= USER_CLIENT_BASE
}

/// The workload's shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkloadConfig {
    /// Number of concurrent clients.
    pub clients: u32,
    /// Target operations per simulated second, over all clients.
    pub rate: f64,
    /// A client gives up on an operation after this long: outcome unknown.
    pub timeout: Time,
    /// Operations spread over this many keys.
    pub keys: u32,
    /// Fractions of reads and of compare-and-sets; the rest are writes.
    pub read_fraction: f64,
    /// Fraction of compare-and-sets; see `read_fraction`.
    pub cas_fraction: f64,
    /// Resend a request still unanswered after this long, and again after
    /// each such interval, with the same client id and request number, to
    /// the next server in turn, until the `timeout` gives up on it. `None`:
    /// a request is resent only when a server redirects it.
    pub retry: Option<Time>,
    /// Each client sends every new request to its own server (client k to
    /// server (k - 1) mod n + 1), as Jepsen binds a client to a node, and
    /// follows redirects from there. Off by default: a client sends to the
    /// server it last found leading. Bound clients keep asking a leader cut
    /// off from the rest, which is what catches a stale lease read.
    pub bound: bool,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            clients: 0,
            rate: 10.0,
            timeout: SECONDS,
            keys: 3,
            read_fraction: 0.4,
            cas_fraction: 0.2,
            retry: None,
            bound: false,
        }
    }
}

/// How long a client waits before following a "not the leader" that came
/// back in the very microsecond it sent the request. Only a network of
/// zero latency answers that fast, and then, before any leader exists, the
/// request would bounce between the servers while no time passed; any
/// other network's round trip is the client's pause, and its runs are as
/// they were.
pub const REDIRECT_PAUSE: Time = MILLIS;

/// A request a client is waiting on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outstanding {
    /// The request as sent, resent unchanged on a redirect.
    pub command: ClientCommand,
    /// Where it was last sent.
    pub target: NodeId,
    /// Its record in the history.
    pub history_index: usize,
    /// How often a server answered "not the leader" so far.
    pub redirects: u32,
    /// Attempts that may still be in some log, and so may yet commit: every
    /// send, less each one a reply proved dead (see `attempts`).
    pub live_attempts: u32,
    /// When it was last sent (`Simulation::send_request`).
    pub sent_at: Time,
}

/// What the simulator should do after a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterReply {
    /// Nothing: a stale or duplicated reply, or one that leaves the outcome
    /// unknown (another attempt may still commit).
    Ignore,
    /// Send the same request again, to this server.
    Redirect(ClientCommand, NodeId),
    /// The operation ended with this outcome; the client may go on.
    Done {
        /// The client.
        client: ClientId,
        /// Its request number.
        request: RequestId,
        /// Where the outcome was written in the history.
        history_index: usize,
    },
}

/// All clients and their outstanding requests.
#[derive(Clone, Debug)]
pub struct Workload {
    /// How many clients, how fast, over which keys, in which mix.
    pub config: WorkloadConfig,
    nodes: u64,
    outstanding: VecMap<(ClientId, RequestId), Outstanding>,
    next_request: VecMap<ClientId, RequestId>,
    /// Each client's belief about who leads, learnt from redirects.
    leader_guess: VecMap<ClientId, NodeId>,
    next_user_client: ClientId,
    last_invoke: VecMap<ClientId, Time>,
    /// Shared storage: time travel's snapshots share the operations they
    /// have in common.
    history: SharedVec<Operation>,
    /// Set when faults heal for the liveness phase: no new operations.
    pub stopped: bool,
    /// Whether the network may deliver a client's request or a server's
    /// reply twice: then no reply proves that no copy of a request is left.
    links_duplicate: bool,
    rng: Rng,
}

impl Workload {
    /// Servers were added: clients may now pick any of 1..=`nodes`.
    pub fn set_nodes(&mut self, nodes: u64) {
        self.nodes = nodes;
    }

    /// A workload with nothing issued yet, for a cluster of `nodes` servers,
    /// drawing from `rng`.
    pub fn new(config: WorkloadConfig, nodes: u64, rng: Rng) -> Self {
        Workload {
            config,
            nodes,
            outstanding: VecMap::new(),
            next_request: VecMap::new(),
            leader_guess: VecMap::new(),
            next_user_client: USER_CLIENT_BASE,
            last_invoke: VecMap::new(),
            history: SharedVec::new(),
            stopped: false,
            links_duplicate: false,
            rng,
        }
    }

    /// The same workload, over client links that may duplicate messages
    /// (`FaultModel::client_duplication`).
    pub fn with_duplicating_links(mut self, duplicate: bool) -> Self {
        self.links_duplicate = duplicate;
        self
    }

    /// Every operation invoked so far, in invocation order.
    pub fn history(&self) -> &SharedVec<Operation> {
        &self.history
    }

    /// The requests still waiting for an answer.
    pub fn outstanding(&self) -> impl Iterator<Item = &Outstanding> {
        self.outstanding.values()
    }

    /// When `(client, request)`, if still waiting, was last sent.
    pub fn sent_at(&self, client: ClientId, request: RequestId) -> Option<Time> {
        self.outstanding.get(&(client, request)).map(|w| w.sent_at)
    }

    /// `(client, request)` was sent (again) at `now`.
    pub fn note_sent(&mut self, client: ClientId, request: RequestId, now: Time) {
        if let Some(waiting) = self.outstanding.get_mut(&(client, request)) {
            waiting.sent_at = now;
        }
    }

    /// The request `(client, request)` as it waits, and where it goes next.
    pub fn waiting(&self, client: ClientId, request: RequestId) -> Option<(ClientCommand, NodeId)> {
        let waiting = self.outstanding.get(&(client, request))?;
        Some((waiting.command.clone(), waiting.target))
    }

    /// When workload client `client` starts its next operation: a random
    /// gap (mean clients / rate) after it started the previous one, or now if
    /// that has passed, so the total rate is `rate` while operations are
    /// faster than the gap.
    pub fn next_issue_time(&mut self, now: Time, client: ClientId) -> Time {
        let mean = self.config.clients as f64 / self.config.rate.max(1e-9) * SECONDS as f64;
        let mean = mean.min(3600.0 * SECONDS as f64) as u64;
        let gap = self.rng.range_inclusive(mean / 2, mean + mean / 2);
        let last = self.last_invoke.get(&client).copied();
        last.map_or(now + gap, |last| (last + gap).max(now))
    }

    /// A workload client starts its next random operation. Returns the
    /// command and the server to send it to.
    pub fn issue_random(&mut self, now: Time, client: ClientId) -> (ClientCommand, NodeId) {
        let op = self.random_op();
        let target = match self.leader_guess.get(&client) {
            _ if self.config.bound => (client - 1) % self.nodes + 1,
            Some(&n) => n,
            None => self.random_node(),
        };
        self.issue(now, client, op, target)
    }

    /// The user sends `op` to `target` (or to whoever the user's last request
    /// found leading). Each user request is its own client.
    pub fn issue_user(
        &mut self,
        now: Time,
        op: Op,
        target: Option<NodeId>,
    ) -> (ClientCommand, NodeId) {
        let client = self.next_user_client;
        self.next_user_client += 1;
        let target = target
            .or_else(|| self.leader_guess.get(&USER_CLIENT_BASE).copied())
            .unwrap_or_else(|| self.random_node());
        self.issue(now, client, op, target)
    }

    fn issue(
        &mut self,
        now: Time,
        client: ClientId,
        op: Op,
        target: NodeId,
    ) -> (ClientCommand, NodeId) {
        self.last_invoke.insert(client, now);
        let request = self.next_request.get_or_insert_with(client, || 0);
        *request += 1;
        let command = ClientCommand {
            client,
            request: *request,
            op: op.clone(),
        };
        self.history.push(Operation {
            client,
            request: command.request,
            op,
            invoke_t: now,
            return_t: None,
            outcome: Outcome::Unknown,
            read_result: None,
            index: None,
            served_by: None,
            redirects: 0,
            failure: None,
        });
        let outstanding = Outstanding {
            command: command.clone(),
            target,
            history_index: self.history.len() - 1,
            redirects: 0,
            live_attempts: 1,
            sent_at: now,
        };
        self.outstanding
            .insert((client, command.request), outstanding);
        (command, target)
    }

    /// A server answered `(client, request)`.
    pub fn on_reply(
        &mut self,
        now: Time,
        client: ClientId,
        request: RequestId,
        outcome: &crate::raft::ReplyOutcome,
    ) -> AfterReply {
        use crate::raft::ReplyOutcome;
        let key = (client, request);
        let Some(waiting) = self.outstanding.get_mut(&key) else {
            return AfterReply::Ignore;
        };
        let index = match outcome {
            ReplyOutcome::Applied { index, .. }
            | ReplyOutcome::Overwritten { index }
            | ReplyOutcome::Read { index, .. } => Some(*index),
            ReplyOutcome::NotLeader { .. } => None,
        };
        let served_by = match outcome {
            ReplyOutcome::Read { served_by, .. } => Some(*served_by),
            _ => None,
        };
        let (outcome, read, failure) = match outcome {
            // A "not the leader" proves this attempt was never appended; the
            // resend replaces it, so the live attempts stay as they were.
            ReplyOutcome::NotLeader { leader_hint } => {
                let next = leader_hint
                    .filter(|&n| n != waiting.target)
                    .unwrap_or_else(|| other_node(&mut self.rng, self.nodes, waiting.target));
                waiting.target = next;
                waiting.redirects += 1;
                let command = waiting.command.clone();
                self.remember_leader(client, next);
                return AfterReply::Redirect(command, next);
            }
            ReplyOutcome::Overwritten { .. } if !self.overwritten_settles(&key) => {
                return AfterReply::Ignore;
            }
            ReplyOutcome::Overwritten { .. } => (Outcome::Fail, None, Some(Failure::Overwritten)),
            ReplyOutcome::Applied { result, .. } | ReplyOutcome::Read { result, .. } => {
                classify(result)
            }
        };
        let waiting = self.outstanding.remove(&key).expect("present above");
        self.remember_leader(client, waiting.target);
        let record = self.history.make_mut(waiting.history_index);
        record.return_t = Some(now);
        record.outcome = outcome;
        record.read_result = read;
        record.failure = failure;
        record.index = index;
        record.served_by = served_by;
        record.redirects = waiting.redirects;
        AfterReply::Done {
            client,
            request,
            history_index: waiting.history_index,
        }
    }

    /// The client's timeout fired: if still waiting, the outcome is unknown.
    pub fn on_timeout(&mut self, client: ClientId, request: RequestId) -> bool {
        let Some(waiting) = self.outstanding.remove(&(client, request)) else {
            return false;
        };
        self.history.make_mut(waiting.history_index).redirects = waiting.redirects;
        // The answer may still be in the log somewhere: forget who leads.
        self.leader_guess.remove(&client.min(USER_CLIENT_BASE));
        true
    }

    /// All user requests share one belief, kept under `USER_CLIENT_BASE`.
    fn remember_leader(&mut self, client: ClientId, node: NodeId) {
        self.leader_guess.insert(client.min(USER_CLIENT_BASE), node);
    }

    fn random_node(&mut self) -> NodeId {
        self.rng.range_inclusive(1, self.nodes)
    }

    fn random_op(&mut self) -> Op {
        let key = prefixed_decimal(
            "k",
            self.rng.index(self.config.keys.max(1) as usize) as u64 + 1,
        );
        // Few distinct values, as in Maelstrom's lin-kv, so that
        // compare-and-set sometimes matches. Both are drawn for every
        // operation, and written out only where the operation holds them.
        let a = self.rng.range_inclusive(0, 9);
        let b = self.rng.range_inclusive(0, 9);
        let roll = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        if roll < self.config.read_fraction {
            Op::Read { key }
        } else if roll < self.config.read_fraction + self.config.cas_fraction {
            Op::Cas {
                key,
                from: prefixed_decimal("", a),
                to: prefixed_decimal("", b),
            }
        } else {
            Op::Write {
                key,
                value: prefixed_decimal("", a),
            }
        }
    }
}

/// `prefix` then `n` in decimal, as `format!("{prefix}{n}")` writes it, in
/// one allocation and without the formatting machinery: the workload names
/// a key and a value or two for every operation, and `format!` and
/// `to_string` took 1.5% of the bench's instructions.
fn prefixed_decimal(prefix: &str, n: u64) -> String {
    let digits = n.checked_ilog10().unwrap_or(0) + 1;
    let mut s = String::with_capacity(prefix.len() + digits as usize);
    s.push_str(prefix);
    for place in (0..digits).rev() {
        s.push(char::from(b'0' + (n / 10u64.pow(place) % 10) as u8));
    }
    s
}

/// The client-visible outcome of an applied command: a compare-and-set that
/// did not match, or a stale request, had no effect.
fn classify(result: &OpResult) -> (Outcome, Option<crate::raft::Value>, Option<Failure>) {
    match result {
        OpResult::Written | OpResult::CasOk => (Outcome::Ok, None, None),
        OpResult::ReadValue(v) => (Outcome::Ok, v.clone(), None),
        OpResult::CasFailed { current } => (
            Outcome::Fail,
            None,
            Some(Failure::CasFound(current.clone())),
        ),
        OpResult::Stale => (Outcome::Fail, None, Some(Failure::Stale)),
    }
}

/// Any server but `not`, when there is another.
fn other_node(rng: &mut Rng, nodes: u64, not: NodeId) -> NodeId {
    if nodes <= 1 {
        return 1;
    }
    let pick = rng.range_inclusive(1, nodes - 1);
    if pick >= not {
        pick + 1
    } else {
        pick
    }
}

#[cfg(test)]
mod tests {
    use super::prefixed_decimal;

    /// Exactly what `format!` wrote, so keys and values, and the trace
    /// hashes they are folded into, are as they were.
    #[test]
    fn decimal_writes_what_format_wrote() {
        let around_powers = (0..20).flat_map(|p| {
            let power = 10u64.pow(p);
            [power - 1, power, power + 1]
        });
        for n in around_powers.chain([0, 7, 42, u64::MAX]) {
            assert_eq!(prefixed_decimal("k", n), format!("k{n}"));
            assert_eq!(prefixed_decimal("", n), n.to_string());
        }
    }
}
