//! The deterministic discrete-event simulator: a whole cluster, its network,
//! its clients and a nemesis on one thread, driven by one seed.
//!
//! Events are ordered by (time, sequence number), a total order, so the same
//! seed and the same actions always give the same run, bit for bit. All
//! state is plain data and `Clone`, so the UI can snapshot it for time travel.

use crate::raft::shared_vec::SharedVec;
use crate::raft::vec_map::VecMap;
use crate::raft::{
    ClientId, Config, LogIndex, Message, NodeId, Op, Output, Payload, RaftNode, ReadPath,
    RequestId, Rng, Role, Term, Time,
};
use crate::sim::action::Action;
use crate::sim::clocks::Clocks;
use crate::sim::config::{SimConfig, MAX_NODES};
use crate::sim::disk::{Disk, DiskFaultCounts};
use crate::sim::fault_model::Delivery;
use crate::sim::history::{Operation, Outcome};
use crate::sim::invariants::{InvariantChecker, Violation};
use crate::sim::nemesis::Nemesis;
use crate::sim::network::{Endpoint, InFlight, MessageId, Network, Packet};
use crate::sim::node_status::NodeStatus;
use crate::sim::stable_hash::StableHasher;
use crate::sim::stale_deliveries::StaleDeliveries;
use crate::sim::trace::{Trace, TraceEvent};
use crate::sim::workload::Workload;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};

/// One server slot: the Raft node and what the simulator knows about it.
#[derive(Clone, Debug)]
pub struct Server {
    /// The Raft node itself, fed and drained by the simulator.
    pub node: RaftNode,
    /// False while stopped (frozen).
    pub up: bool,
    /// How many times it was restarted; names its random stream.
    pub incarnation: u64,
    /// When the run created it: 0 for the starting servers, later for one
    /// added by a membership change.
    pub started_at: Time,
    /// Its stable storage: what survives a crash, and what is on its way.
    pub disk: Disk,
    /// The time of the one timer event that counts for this server.
    pub(super) timer_at: Option<Time>,
    /// The state last written to the trace.
    pub(super) last_state: Option<StateKey>,
    /// The term whose `leader_log` was written for this server, so a leader
    /// stopped and resumed in the same term is not announced twice.
    pub(super) leader_logged: Option<Term>,
    /// What reached it while stopped, when paused servers keep their inbox
    /// (`PausedInbox::Keep`), in arrival order.
    pub(super) inbox: VecDeque<InFlight>,
}

impl Server {
    /// Whether it runs as leader: up, in the leader role. A stopped leader
    /// keeps the role in memory but leads nothing while frozen.
    pub fn leads(&self) -> bool {
        self.up && self.node.role() == Role::Leader
    }
}

pub(super) type StateKey = (Term, NodeStatus, Option<NodeId>, LogIndex, LogIndex, Term);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EventKind {
    Deliver(MessageId),
    Timer(NodeId),
    ClientIssue(ClientId),
    ClientTimeout(ClientId, RequestId),
    Nemesis,
    Scheduled(u64),
    /// A server's disk completes the writes durable by now.
    DiskSync(NodeId),
    /// The nemesis crashes a server while a write is on its way to durable.
    CrashDuringWrite(NodeId),
    ChangeAfterElection,
    ClientRetry(ClientId, RequestId),
    /// A redirect held back: see `workload::REDIRECT_PAUSE`.
    ClientRedirect(ClientId, RequestId),
}

/// A queued event, ordered by time, then class, then sequence number: a
/// total order. Scheduled actions (class 1) run after every other event of
/// their microsecond, so an action taken live at time t (after the
/// simulation ran up to t) and the same action replayed from a scenario
/// happen at the same point of the run.
///
/// The class and the sequence number are one word, `order` (see
/// [`Queued::new`]): the heap compares two words, not three fields, and
/// moves 40 bytes, not 48 (the queue took 1.5% more of the bench's
/// instructions with them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Queued {
    at: Time,
    order: u64,
    kind: EventKind,
}

impl Queued {
    /// Event `kind` at `at`, of `class` 0 or 1, pushed `seq`-th (below
    /// 2^63: a run pushes far fewer).
    fn new(at: Time, class: u8, seq: u64, kind: EventKind) -> Queued {
        debug_assert!(class <= 1 && seq < 1 << 63);
        let order = (u64::from(class) << 63) | seq;
        Queued { at, order, kind }
    }
}

/// The whole simulated world: servers, network, clients, nemesis, the event
/// queue, the invariant checker and the trace.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub(super) config: SimConfig,
    pub(super) now: Time,
    pub(super) seq: u64,
    pub(super) events: u64,
    pub(super) queue: BinaryHeap<Reverse<Queued>>,
    pub(super) servers: Vec<Server>,
    pub(super) network: Network,
    pub(super) workload: Workload,
    pub(super) nemesis: Nemesis,
    pub(super) checker: InvariantChecker,
    pub(super) trace: Trace,
    /// Actions waiting for their time, by key (the `seq` they were
    /// scheduled at, so in ascending order); `None` once done. Not a
    /// `BTreeMap`, for the bundle's size (see `raft::vec_map`).
    pub(super) scheduled: Vec<(u64, Option<Action>)>,
    /// The output of the input being handled, reused from input to input.
    /// Boxed, so that taking it out and putting it back moves a pointer,
    /// not the whole `Output` (measured: 4% of the simulator's
    /// instructions went to copying it once it grew past 128 bytes).
    out: Option<Box<Output>>,
    /// Torn writes at a crash. Drawn from only when tearing is on, so runs
    /// with the default disk draw exactly what they drew before it existed.
    pub(super) disk_rng: Rng,
    pub(super) disk_faults: DiskFaultCounts,
    /// Scratch list for messages released by a durable write (kept so its
    /// allocation is reused).
    pub(super) released: Vec<crate::raft::Envelope>,
    /// Messages from an earlier term delivered so far.
    pub(super) stale: StaleDeliveries,
    /// Each server's clock (`clocks`): real time unless clocks drift.
    pub(super) clocks: Clocks,
    /// The read path each of the user's reads asked for, by client (each
    /// user request is its own client), when not the cluster's.
    pub(super) read_paths: VecMap<ClientId, ReadPath>,
    /// Servers added and removed so far.
    pub(super) membership_changes: crate::sim::membership::MembershipChanges,
    /// Snapshots taken and installed, and InstallSnapshot chunks sent.
    pub(super) snapshot_counts: SnapshotCounts,
    /// Scheduled actions (a scenario's, a replay's) refused when their
    /// moment came: said to whoever scheduled them, never in the trace.
    refused: Vec<RefusedAction>,
}

/// A scheduled action the cluster refused at its moment, and why: a
/// transfer with no leader, a message no longer in flight. It changed
/// nothing (`Simulation::act`).
#[derive(Clone, Debug, PartialEq)]
pub struct RefusedAction {
    /// When it came due.
    pub at: Time,
    /// The action, as scheduled.
    pub action: Action,
    /// Why the cluster refused it, as `Simulation::act` says.
    pub why: String,
    /// Its key among the scheduled actions (`Simulation::act_now` finds
    /// its own by it).
    key: u64,
}

/// How often servers compacted their logs and sent snapshots in a run:
/// what shows that a sweep with `--snapshots` tested what it claims to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SnapshotCounts {
    /// Snapshots servers took of their own state machine.
    pub taken: u64,
    /// Snapshots followers installed from a leader's InstallSnapshot.
    pub installed: u64,
    /// InstallSnapshot chunks sent.
    pub chunks_sent: u64,
}

impl SnapshotCounts {
    /// True when no snapshot was taken or sent.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// Names of the random streams derived from the seed.
const NETWORK_STREAM: u64 = 1;
const WORKLOAD_STREAM: u64 = 2;
const NEMESIS_STREAM: u64 = 3;
const DISK_STREAM: u64 = 4;
/// The nemesis's crashes during writes: a stream of their own, so turning
/// them on shifts none of the nemesis's other draws.
const NEMESIS_WRITE_STREAM: u64 = 5;
/// The latency tail's draws: a stream of their own, so turning the tail
/// on shifts no other draw.
const LATENCY_TAIL_STREAM: u64 = 6;
/// The nemesis's partial partitions: a stream of their own.
const NEMESIS_PARTIAL_STREAM: u64 = 7;
/// Each clock's starting rate, when clocks drift: a stream of their own.
const CLOCK_STREAM: u64 = 8;
/// The nemesis's clock rate changes: a stream of their own.
const NEMESIS_CLOCK_STREAM: u64 = 9;
/// The nemesis's membership changes: a stream of their own.
const NEMESIS_MEMBERSHIP_STREAM: u64 = 10;
/// The nemesis's changes asked of a leader just elected.
const NEMESIS_ELECTION_STREAM: u64 = 11;

/// The random stream of server `id` in its `incarnation`.
pub(super) fn node_stream(seed: u64, id: NodeId, incarnation: u64) -> Rng {
    let label = StableHasher::new()
        .u64(0x6e6f6465)
        .u64(id)
        .u64(incarnation)
        .finish();
    Rng::derive(seed, label)
}

impl Simulation {
    /// A fresh cluster at time 0, all servers followers of term 0.
    pub fn new(config: SimConfig) -> Result<Self, String> {
        config.validate()?;
        let seed = config.seed;
        let mut sim = Simulation {
            now: 0,
            seq: 0,
            events: 0,
            queue: BinaryHeap::new(),
            servers: Vec::new(),
            network: Network::new(config.network, Rng::derive(seed, NETWORK_STREAM))
                .with_faults(config.faults, Rng::derive(seed, LATENCY_TAIL_STREAM)),
            workload: Workload::new(
                config.workload,
                config.nodes,
                Rng::derive(seed, WORKLOAD_STREAM),
            )
            .with_duplicating_links(config.faults.client_duplication),
            nemesis: Nemesis::new(
                config.nemesis,
                [
                    NEMESIS_STREAM,
                    NEMESIS_WRITE_STREAM,
                    NEMESIS_PARTIAL_STREAM,
                    NEMESIS_CLOCK_STREAM,
                    NEMESIS_MEMBERSHIP_STREAM,
                    NEMESIS_ELECTION_STREAM,
                ]
                .map(|stream| Rng::derive(seed, stream)),
            ),
            checker: InvariantChecker::new(),
            trace: Trace::new(config.record_trace),
            scheduled: Vec::new(),
            out: Some(Box::default()),
            disk_rng: Rng::derive(seed, DISK_STREAM),
            disk_faults: DiskFaultCounts::default(),
            released: Vec::new(),
            stale: StaleDeliveries::default(),
            clocks: Clocks::new(config.nodes),
            read_paths: VecMap::new(),
            membership_changes: Default::default(),
            snapshot_counts: SnapshotCounts::default(),
            refused: Vec::new(),
            config,
        };
        sim.draw_clock_rates(Rng::derive(seed, CLOCK_STREAM));
        for id in 1..=sim.config.nodes {
            sim.start_server(sim.core_config());
            debug_assert_eq!(sim.servers.len() as NodeId, id);
        }
        for client in 1..=sim.config.workload.clients as ClientId {
            let at = sim.workload.next_issue_time(0, client);
            sim.push(at, EventKind::ClientIssue(client));
        }
        if sim.config.nemesis.enabled {
            let first = sim.nemesis.next_interval();
            sim.push(first, EventKind::Nemesis);
        }
        Ok(sim)
    }

    /// With clocks that drift, each starts at a rate drawn within the
    /// bound; with none (the default), nothing is drawn.
    fn draw_clock_rates(&mut self, mut rng: Rng) {
        let bound = self.config.reads.clock_drift_ppm;
        if bound == 0 {
            return;
        }
        for id in 1..=self.config.nodes {
            let ppm = rng.range_inclusive(0, 2 * bound) as i64 - bound as i64;
            self.clocks.of_mut(id).set_rate(0, ppm);
        }
    }

    /// A brand new server with the next id, up, with an empty disk.
    pub(super) fn start_server(&mut self, config: Config) -> NodeId {
        let id = self.servers.len() as NodeId + 1;
        self.clocks.cover(id);
        let now = self.node_time(id);
        let node = RaftNode::new(id, config, node_stream(self.config.seed, id, 0), now);
        self.servers.push(Server {
            node,
            up: true,
            incarnation: 0,
            started_at: self.now,
            disk: Disk::new(),
            timer_at: None,
            last_state: None,
            leader_logged: None,
            inbox: VecDeque::new(),
        });
        self.after_input(id);
        id
    }

    pub(super) fn core_config(&self) -> Config {
        Config {
            members: (1..=self.config.nodes).collect(),
            timing: self.config.timing,
            max_entries_per_append: self.config.max_entries_per_append,
            pre_vote: self.config.raft.pre_vote,
            check_quorum: self.config.raft.check_quorum,
            reads: self.config.reads.path,
            max_clock_drift_ppm: self.config.reads.clock_drift_ppm,
            snapshot_threshold: self.config.snapshot_threshold,
            snapshot_chunk_records: 4,
            unsafe_switches: self.config.unsafe_switches,
        }
    }

    /// Snapshots taken and installed so far, and chunks sent.
    pub fn snapshot_counts(&self) -> SnapshotCounts {
        self.snapshot_counts
    }

    /// The scheduled actions refused so far, in the order they came due.
    pub fn refused_actions(&self) -> &[RefusedAction] {
        &self.refused
    }

    /// Every parameter derived from the seed, for printing: the random
    /// streams and each server's first election deadline.
    pub fn derived_parameters(&self) -> Vec<(String, String)> {
        let seed = self.config.seed;
        let mut out = vec![
            (
                "network stream".into(),
                format!("{:#018x}", Rng::derive(seed, NETWORK_STREAM).next_u64()),
            ),
            (
                "workload stream".into(),
                format!("{:#018x}", Rng::derive(seed, WORKLOAD_STREAM).next_u64()),
            ),
            (
                "nemesis stream".into(),
                format!("{:#018x}", Rng::derive(seed, NEMESIS_STREAM).next_u64()),
            ),
        ];
        if !self.config.faults.latency_tail.is_off() {
            let first = Rng::derive(seed, LATENCY_TAIL_STREAM).next_u64();
            out.push(("latency tail stream".into(), format!("{first:#018x}")));
        }
        for id in 1..=self.config.nodes {
            let first = node_stream(seed, id, 0).next_u64();
            out.push((format!("node {id} stream"), format!("{first:#018x}")));
        }
        for s in &self.servers {
            if s.incarnation == 0 {
                let at = s.node.election_deadline();
                out.push((
                    format!("node {} first election timeout", s.node.id()),
                    format!("{}us", at),
                ));
            }
        }
        out
    }

    // ---- reading --------------------------------------------------------

    /// The configuration the run was started with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// The current simulated time, in microseconds.
    pub fn now(&self) -> Time {
        self.now
    }
    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Every server, node 1 first.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }
    /// Server `id`, if the cluster has it.
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get((id as usize).wrapping_sub(1))
    }
    /// The network and every message in flight.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The clients and their outstanding requests.
    pub fn workload(&self) -> &Workload {
        &self.workload
    }
    /// Every client operation so far, in invocation order.
    pub fn history(&self) -> &SharedVec<Operation> {
        self.workload.history()
    }
    /// The invariant checker, which has seen every event.
    pub fn checker(&self) -> &InvariantChecker {
        &self.checker
    }
    /// The invariant violations kept so far (the first 100).
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }
    /// The trace of the run.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// The trace, to take its recorded events.
    pub fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }
    /// How often the disks' faults bit so far.
    pub fn disk_faults(&self) -> DiskFaultCounts {
        self.disk_faults
    }
    /// The trace hash so far.
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }
    /// Messages from an earlier term delivered to a server so far.
    pub fn stale_deliveries(&self) -> &StaleDeliveries {
        &self.stale
    }
    /// When the next event is due, if any.
    pub fn next_event_at(&self) -> Option<Time> {
        self.queue.peek().map(|Reverse(q)| q.at)
    }

    /// The running leader of the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.servers
            .iter()
            .filter(|s| s.leads())
            .max_by_key(|s| s.node.current_term())
            .map(|s| s.node.id())
    }

    // ---- running ----------------------------------------------------------

    /// Processes the next event; false when nothing is left to do.
    pub fn step(&mut self) -> bool {
        let Some(Reverse(event)) = self.queue.pop() else {
            return false;
        };
        self.now = event.at;
        self.events += 1;
        match event.kind {
            EventKind::Deliver(id) => self.deliver(id),
            EventKind::Timer(id) => self.fire_timer(id, event.at),
            EventKind::ClientIssue(client) => self.issue_workload_op(client),
            EventKind::ClientTimeout(client, request) => self.client_timeout(client, request),
            EventKind::ClientRetry(client, request) => self.client_retry(client, request),
            EventKind::ClientRedirect(client, request) => self.client_redirect(client, request),
            EventKind::Nemesis => self.nemesis_strikes(),
            EventKind::DiskSync(id) => self.disk_sync(id),
            EventKind::CrashDuringWrite(id) => self.crash_during_write(id),
            EventKind::ChangeAfterElection => self.change_after_election(),
            EventKind::Scheduled(key) => {
                if let Some(action) = self.take_scheduled(key) {
                    // Validated against the cluster when it was scheduled,
                    // it may still be wrong for the moment (a transfer
                    // with no leader), which only now can tell.
                    if let Err(why) = self.act(action.clone()) {
                        let at = self.now;
                        self.refused.push(RefusedAction {
                            at,
                            action,
                            why,
                            key,
                        });
                    }
                }
            }
        }
        true
    }

    /// Runs every event due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.next_event_at().is_some_and(|at| at <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Runs every event due before `t`, then sets the clock to `t`: the
    /// moment a run was stopped at by single steps, with events of that
    /// microsecond still to come.
    pub fn run_before(&mut self, t: Time) {
        while self.next_event_at().is_some_and(|at| at < t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Does `action` at the current time the way a scenario replays it:
    /// after every event already due at this microsecond. What the UI calls,
    /// so that a recorded session replays exactly.
    ///
    /// An action the moment refuses is an error here too, not one of the
    /// scheduled refusals: events still due at this microsecond (a run
    /// stopped part-way through it by single steps) run first and may
    /// leave it wrong, a message delivered before it is dropped.
    pub fn act_now(&mut self, action: Action) -> Result<(), String> {
        self.validate_moment(&action)?;
        let key = self.seq; // the key `schedule` gives it
        self.schedule(self.now, action)?;
        self.run_until(self.now);
        let Some(i) = self.refused.iter().rposition(|r| r.key == key) else {
            return Ok(());
        };
        // Refused, it never happened: a replay of the run, which holds no
        // such action, counts no event for it.
        self.events -= 1;
        Err(self.refused.remove(i).why)
    }

    /// Forgets every scheduled action not yet done that is due after `t`
    /// (time travel discards the future when a person acts in the past).
    /// Those due by `t` stay as they were: a run stopped part-way through
    /// a microsecond (by single steps) still owes them to that moment.
    pub fn cancel_scheduled_after(&mut self, t: Time) {
        self.cancel_scheduled(|at| at <= t);
    }

    /// Forgets every scheduled action not yet done, those due now
    /// included: a person acting part-way through a microsecond (after a
    /// step back) discards the actions of that microsecond still to come,
    /// with the rest of the future. Returns how many of them were due now.
    pub fn cancel_scheduled_not_done(&mut self) -> usize {
        let due_now = self.scheduled_due_by(self.now).count();
        self.cancel_scheduled(|_| false);
        due_now
    }

    /// Forgets the last `n` scheduled actions still due at this moment, in
    /// the order they would run: a fork at this moment discarded them, and
    /// this copy, taken before they ran, still owed them.
    pub fn cancel_last_due_now(&mut self, n: usize) {
        // Due at one moment, scheduled actions run in the order of their keys.
        let mut due: Vec<u64> = self.scheduled_due_by(self.now).collect();
        crate::raft::vec_map::sort_by_key(&mut due, |key| *key);
        let gone = &due[due.len().saturating_sub(n)..];
        self.queue.retain(|Reverse(q)| match q.kind {
            EventKind::Scheduled(key) => !gone.contains(&key),
            _ => true,
        });
        self.scheduled.retain(|(key, _)| !gone.contains(key));
    }

    /// Forgets the scheduled actions not yet done that are not due at a
    /// time `keep` accepts.
    fn cancel_scheduled(&mut self, keep: impl Fn(Time) -> bool) {
        // Their queue events go too: left in, they would still be counted
        // as events, and a replay would no longer count like the original.
        self.queue
            .retain(|Reverse(q)| !matches!(q.kind, EventKind::Scheduled(_)) || keep(q.at));
        let kept: Vec<u64> = self.scheduled_due_by(Time::MAX).collect();
        self.scheduled
            .retain(|(key, action)| action.is_some() && kept.contains(key));
    }

    /// The keys of the scheduled actions still queued for `t` or earlier.
    fn scheduled_due_by(&self, t: Time) -> impl Iterator<Item = u64> + '_ {
        self.queue
            .iter()
            .filter_map(move |Reverse(q)| match q.kind {
                EventKind::Scheduled(key) if q.at <= t => Some(key),
                _ => None,
            })
    }

    /// The scheduled action with `key`, taken out; the done ones at the
    /// front are dropped once they are half the list (amortized O(1)).
    fn take_scheduled(&mut self, key: u64) -> Option<Action> {
        let i = self
            .scheduled
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()?;
        let action = self.scheduled[i].1.take();
        let done = self
            .scheduled
            .iter()
            .take_while(|(_, a)| a.is_none())
            .count();
        if done * 2 >= self.scheduled.len() {
            self.scheduled.drain(..done);
        }
        action
    }

    /// Schedules `action` at time `at` (not before now).
    pub fn schedule(&mut self, at: Time, action: Action) -> Result<(), String> {
        let at = at.max(self.now);
        if let Err(e) = self.validate_action(&action) {
            // It may name a server that an action scheduled before it adds
            // (or a replacement adds), not one added later: a scenario file
            // is checked the same way (`Scenario::validate`).
            let adds: u64 = (self.scheduled_due_by(at))
                .filter_map(|key| self.scheduled.binary_search_by_key(&key, |(k, _)| *k).ok())
                .filter_map(|i| self.scheduled[i].1.as_ref())
                .map(Action::servers_added)
                .fold(0, u64::saturating_add);
            let servers = self.server_count().saturating_add(adds).min(MAX_NODES);
            self.validate_action_among(&action, servers)
                .map_err(|_| e)?;
        }
        let key = self.seq;
        debug_assert!(self.scheduled.last().is_none_or(|(k, _)| *k < key));
        self.scheduled.push((key, Some(action)));
        self.push(at, EventKind::Scheduled(key));
        Ok(())
    }

    pub(super) fn push(&mut self, at: Time, kind: EventKind) {
        self.seq += 1;
        let fault = matches!(
            kind,
            EventKind::Nemesis | EventKind::CrashDuringWrite(_) | EventKind::ChangeAfterElection
        );
        let replayable = fault && self.nemesis.config.replayable;
        let class = (matches!(kind, EventKind::Scheduled(_)) || replayable) as u8;
        self.queue
            .push(Reverse(Queued::new(at, class, self.seq, kind)));
    }

    /// The reusable output, taken for one input; give it back with
    /// [`Simulation::put_out`]. Inputs never nest.
    pub(super) fn take_out(&mut self) -> Box<Output> {
        self.out.take().expect("inputs never nest")
    }

    pub(super) fn put_out(&mut self, out: Box<Output>) {
        // Not `self.out = Some(out)`: that calls the drop of the `None` it
        // replaces, out of line, at every input.
        if self.out.replace(out).is_some() {
            unreachable!("inputs never nest");
        }
    }

    pub(super) fn server_mut(&mut self, id: NodeId) -> &mut Server {
        &mut self.servers[id as usize - 1]
    }

    // ---- event handlers ---------------------------------------------------

    pub(super) fn deliver(&mut self, id: MessageId) {
        let Some((message, fate)) = self.network.arrive(id) else {
            return; // dropped by hand while in flight, or held by a partition
        };
        if let Some(reason) = fate {
            return self.trace.record(self.now, TraceEvent::Drop { id, reason });
        }
        match message.to {
            Endpoint::Node(to) if !self.server_mut(to).up => self.reach_stopped(to, message),
            Endpoint::Node(to) => self.deliver_to_node(to, message),
            Endpoint::Client(_) => {
                self.trace.record(self.now, TraceEvent::Deliver { id });
                if let Packet::ClientReply(reply) = message.packet {
                    self.client_reply(reply);
                }
            }
        }
    }

    /// Server `to`, running, reads `message`. A message from an earlier
    /// term is counted as stale before the server sees it (§5.1).
    pub(super) fn deliver_to_node(&mut self, to: NodeId, message: InFlight) {
        self.trace
            .record(self.now, TraceEvent::Deliver { id: message.id });
        if let Packet::Raft(m) = &message.packet {
            let term = self.servers[to as usize - 1].node.current_term();
            self.stale.observe(m, term);
        }
        // The checker holds every read index to when its read arrived.
        match &message.packet {
            Packet::Raft(Message::ReadIndex {
                client, request, ..
            }) => self.checker.observe_read_arrival(to, *client, *request),
            Packet::ClientRequest(c, _) if matches!(c.op, Op::Read { .. }) => {
                self.checker.observe_read_arrival(to, c.client, c.request)
            }
            _ => {}
        }
        self.input(to, |node, now, out| match (message.from, message.packet) {
            (Endpoint::Node(from), Packet::Raft(m)) => node.step(now, from, m, out),
            (_, Packet::ClientRequest(command, None)) => node.propose(now, command, out),
            (_, Packet::ClientRequest(command, Some(path))) => {
                node.propose_reading_by(now, command, path, out)
            }
            _ => {}
        });
    }

    /// Server `id` takes one input (`f`, given the node, the time and the
    /// output to fill), then everything that follows it (`after_input`).
    pub(super) fn input(&mut self, id: NodeId, f: impl FnOnce(&mut RaftNode, Time, &mut Output)) {
        let now = self.node_time(id);
        let mut out = self.take_out();
        f(&mut self.servers[id as usize - 1].node, now, &mut out);
        self.put_out(out);
        self.after_input(id);
    }

    fn fire_timer(&mut self, id: NodeId, at: Time) {
        let server = self.server_mut(id);
        if !server.up || server.timer_at != Some(at) {
            return; // superseded by an earlier deadline, or stopped
        }
        server.timer_at = None;
        self.input(id, |node, now, out| node.tick(now, out));
    }

    /// Everything that follows one input to server `id`: issue its writes
    /// and release what no longer waits for them, check invariants, trace
    /// state changes and applies, send messages and replies, and re-arm its
    /// timer.
    pub(super) fn after_input(&mut self, id: NodeId) {
        let mut out = self.take_out();
        self.persist(id, &mut out);
        let now = self.now;
        let node = &self.servers[id as usize - 1].node;
        let term = node.current_term();
        let elected = node.role() == Role::Leader && self.checker.leader_of(term) != Some(id);
        let mut violations = self.checker.observe(now, node, &out).to_vec();
        if elected {
            let leases = self.leases_held();
            let found = self.checker.observe_election(now, id, term, &leases);
            violations.extend_from_slice(found);
            if let Some(at) = self.nemesis.change_after_election(now) {
                self.push(at, EventKind::ChangeAfterElection);
            }
        }
        for step in out.unsafe_steps.drain(..) {
            let event = TraceEvent::UnsafeStep {
                node: id,
                switch: step.switch,
                peer: step.peer,
                index: step.index,
            };
            self.trace.record(now, event);
        }
        for v in violations {
            let event = TraceEvent::Violation {
                invariant: v.invariant.name(),
                nodes: v.nodes,
                detail: v.detail,
            };
            self.trace.record(now, event);
        }
        self.record_state(id);
        for a in out.applied.drain(..) {
            let event = TraceEvent::Apply {
                node: id,
                index: a.index,
                term: a.entry.term,
                payload: a.entry.payload,
            };
            self.trace.record(now, event);
        }
        // After the applies: a server snapshots what it has applied.
        self.record_snapshots(id, &out);
        for envelope in out.messages.drain(..) {
            let packet = Packet::Raft(envelope.message);
            self.send(
                Endpoint::Node(envelope.from),
                Endpoint::Node(envelope.to),
                packet,
            );
        }
        for reply in out.replies.drain(..) {
            let to = Endpoint::Client(reply.client);
            self.send(Endpoint::Node(id), to, Packet::ClientReply(reply));
        }
        out.clear();
        self.put_out(out);
        self.rearm_timer(id);
    }

    /// Keeps exactly one live timer event per running server, at or before its
    /// next deadline. A later deadline is picked up when the early event fires.
    pub(super) fn rearm_timer(&mut self, id: NodeId) {
        let now = self.now;
        let clock = *self.clocks.of(id);
        let by_action = self.config.faults.delivery == Delivery::ByAction;
        let server = self.server_mut(id);
        if !server.up || by_action {
            return; // with `Delivery::ByAction`, timers fire only by action
        }
        let due = clock.real(now, server.node.next_deadline());
        if server.timer_at.is_none_or(|at| due < at) {
            server.timer_at = Some(due);
            self.push(due, EventKind::Timer(id));
        }
    }

    /// Server `id`'s own time: real time as its clock, which may drift,
    /// shows it (`clocks`). What the server is given with every input.
    pub fn node_time(&self, id: NodeId) -> Time {
        self.clocks.of(id).local(self.now)
    }

    /// Every server that holds a read lease now, by its own clock, with the
    /// term it leads: running or paused (a paused leader keeps its lease
    /// and may answer from it when it resumes).
    fn leases_held(&self) -> Vec<(NodeId, Term)> {
        self.servers
            .iter()
            .filter(|s| s.node.lease_until(self.node_time(s.node.id())).is_some())
            .map(|s| (s.node.id(), s.node.current_term()))
            .collect()
    }

    /// Every server's clock.
    pub fn clocks(&self) -> &Clocks {
        &self.clocks
    }

    pub(super) fn send(&mut self, from: Endpoint, to: Endpoint, packet: Packet) {
        let kind = packet.kind();
        let term = match &packet {
            Packet::Raft(m) => Some(m.term()),
            _ => None,
        };
        let (first, second) = self.network.send(self.now, from, to, packet);
        for sent in std::iter::once(first).chain(second) {
            let event = TraceEvent::Send {
                id: sent.id,
                from,
                to,
                kind,
                term,
                deliver_t: sent.deliver_at,
            };
            self.trace.record(self.now, event);
            match self.config.faults.delivery {
                Delivery::Network => self.push(sent.deliver_at, EventKind::Deliver(sent.id)),
                // A reply to a client arrives at once; a message to a
                // server waits in flight for an action.
                Delivery::ByAction if matches!(to, Endpoint::Client(_)) => {
                    self.push(self.now, EventKind::Deliver(sent.id))
                }
                Delivery::ByAction => {}
            }
        }
    }

    /// A copy of message `id`, still in flight, put on the wire as a new
    /// message and delivered at once (`Action::DuplicateMessage`).
    pub(super) fn deliver_copy(&mut self, id: MessageId) {
        let Some(copy) = self.network.copy(self.now, id) else {
            return;
        };
        let term = match &copy.packet {
            Packet::Raft(m) => Some(m.term()),
            _ => None,
        };
        let event = TraceEvent::Send {
            id: copy.id,
            from: copy.from,
            to: copy.to,
            kind: copy.packet.kind(),
            term,
            deliver_t: self.now,
        };
        self.trace.record(self.now, event);
        self.deliver(copy.id);
    }

    // ---- the cluster as the liveness checks read it -----------------------

    /// The servers of the leader's configuration (thesis §4.1), or every
    /// server when there is no leader: removed servers are no longer
    /// expected to follow or to apply.
    pub fn members(&self) -> impl Iterator<Item = &Server> {
        let membership = self
            .leader()
            .map(|l| self.servers[l as usize - 1].node.membership());
        self.servers
            .iter()
            .filter(move |s| membership.is_none_or(|m| m.contains(s.node.id())))
    }

    /// A leader that every running server of its configuration follows in
    /// its term, if there is one.
    pub fn stable_leader(&self) -> Option<NodeId> {
        let leader = self.leader()?;
        let term = self.server(leader)?.node.current_term();
        let all_follow = self.members().all(|s| {
            s.up && s.node.current_term() == term
                && (s.node.id() == leader || s.node.leader_hint() == Some(leader))
        });
        all_follow.then_some(leader)
    }

    /// Acknowledged writes and compare-and-sets not yet applied on some
    /// server, as (client, node) pairs. A request is matched by its id
    /// (client, request number), not by what it does: a client may write
    /// the same value twice, and only the id tells the second write from
    /// the first.
    pub fn acknowledged_writes_missing(&self) -> Vec<(ClientId, NodeId)> {
        let mut missing = Vec::new();
        let acked: Vec<(ClientId, RequestId)> = self
            .history()
            .iter()
            .filter(|o| o.outcome == Outcome::Ok && !matches!(o.op, crate::raft::Op::Read { .. }))
            .map(|o| (o.client, o.request))
            .collect();
        for server in self.members() {
            let applied: BTreeSet<(ClientId, RequestId)> = server
                .node
                .state_machine()
                .applied()
                .iter()
                .filter_map(|e| match &e.payload {
                    Payload::Command(c) => Some((c.client, c.request)),
                    Payload::Noop | Payload::Config(_) => None,
                })
                .collect();
            for &(client, request) in &acked {
                if !applied.contains(&(client, request)) {
                    missing.push((client, server.node.id()));
                }
            }
        }
        missing
    }
}

#[cfg(test)]
#[path = "simulation_tests.rs"]
mod tests;
