//! The cluster picture at the simulator's current time: servers, messages in
//! flight and links, with everything the SVG needs already worked out.

use super::geometry::{self, Point};
use super::membership::{self, Standing};
use super::palette;
use crate::raft::{Message, NodeId, Role, Time, MILLIS};
use crate::sim::{Endpoint, InFlight, Packet, Simulation};

/// One server as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// The server's id.
    pub id: NodeId,
    /// Where it is drawn: on the ring, pushed outward when partitioned.
    pub center: Point,
    /// The circle's radius, smaller in bigger clusters.
    pub radius: f64,
    /// "follower", "candidate", "leader" or "stopped".
    pub role: &'static str,
    /// Its current term.
    pub term: u64,
    /// Its term's colour, or grey when stopped.
    pub fill: &'static str,
    /// How much of the election timeout is left, 0..=1 (0 for leaders and
    /// stopped servers).
    pub timer_left: f64,
    /// When the election timeout fires, if `timer_left` runs down.
    pub timer_ends: Option<Time>,
    /// Where to draw the votes a candidate holds, itself included: dots
    /// around the inside of its circle, clockwise from the top.
    pub vote_dots: Vec<Point>,
    /// Its commit index.
    pub commit: u64,
    /// Voter, learner or removed, in the leader's configuration (thesis
    /// chapter 4; `view::membership`).
    pub standing: Standing,
    /// The accessible name: "Node 3, leader, term 4", with ", learner" or
    /// ", removed" after it for those.
    pub label: String,
}

/// The shape of a message in the picture: told apart by shape as well as
/// colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageShape {
    /// Votes, AppendEntries, client traffic.
    Dot,
    /// A read's messages (thesis §6.4), apart from the round heartbeats.
    Square,
    /// A chunk of a snapshot or its acknowledgement (§7): a wide parcel.
    Parcel,
}

impl MessageShape {
    fn of(kind: &str) -> Self {
        match kind {
            "InstallSnapshot" | "InstallSnapshotReply" => MessageShape::Parcel,
            kind if kind.starts_with("Read") => MessageShape::Square,
            _ => MessageShape::Dot,
        }
    }
}

/// One message in flight as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// The network's id for the message.
    pub id: u64,
    /// Where the sender is drawn (a server, or the clients).
    pub from: Point,
    /// Where the receiver is drawn.
    pub to: Point,
    /// Where the message is now, by how much of its flight has passed.
    pub at: Point,
    /// Where its flight starts and ends: `at` moves from the one to the
    /// other, evenly in time (`view::motion` animates it so).
    pub path: (Point, Point),
    /// The RPC type: "RequestVote", "AppendEntriesReply", "ClientRequest"...
    pub kind: &'static str,
    /// The colour for its RPC type.
    pub color: &'static str,
    /// Replies are drawn hollow.
    pub reply: bool,
    /// For replies: success / vote granted.
    pub ok: Option<bool>,
    /// AppendEntries with entries (not a heartbeat).
    pub carries_entries: bool,
    /// The dot's radius: bigger when it carries entries.
    pub radius: f64,
    /// Its shape.
    pub shape: MessageShape,
    /// A word drawn beside it: which chunk of a snapshot ("snapshot 2/3"),
    /// and what its reply says ("got 2/3", "installed").
    pub tag: Option<String>,
    /// Where the tag goes, from the message's centre: to the right of its
    /// flight, so a chunk and the reply it crosses on the same link put
    /// their words on opposite sides.
    pub tag_at: Point,
    /// The tag's SVG `text-anchor`, so it grows away from the link.
    pub tag_anchor: &'static str,
    /// A short arrow from the dot's edge towards the receiver, shown while
    /// paused: where it starts and where its head is.
    pub direction: (Point, Point),
    /// Sender and receiver, for the accessible name and details.
    pub from_name: String,
    /// The receiver: "node 2", "client 1" or "you".
    pub to_name: String,
    /// When it was sent.
    pub sent_at: Time,
    /// When it is due to arrive.
    pub deliver_at: Time,
}

/// A pair of servers and whether each direction is open.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkView {
    /// The lower id of the two.
    pub a: NodeId,
    /// The higher id.
    pub b: NodeId,
    /// Where `a` is drawn.
    pub from: Point,
    /// Where `b` is drawn.
    pub to: Point,
    /// Messages from `a` to `b` get through.
    pub a_to_b: bool,
    /// Messages from `b` to `a` get through.
    pub b_to_a: bool,
}

impl LinkView {
    /// The line as drawn, from the end messages leave: a one-way link
    /// ends at the edge of the circle (of `radius`) that receives, so its
    /// arrowhead shows; drawn to the centre, the circle hid it.
    pub fn line(&self, radius: f64) -> (Point, Point) {
        let (from, to) = match (self.a_to_b, self.b_to_a) {
            (false, true) => (self.to, self.from),
            _ => (self.from, self.to),
        };
        let length = geometry::distance(from, to);
        if self.a_to_b == self.b_to_a || length <= radius {
            return (from, to);
        }
        let keep = ((length - radius - 2.0) / length).max(0.0);
        let head = Point {
            x: from.x + (to.x - from.x) * keep,
            y: from.y + (to.y - from.y) * keep,
        };
        (from, head)
    }
}

/// Everything the cluster picture draws at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The servers, in id order.
    pub nodes: Vec<NodeView>,
    /// The messages in flight that are drawn, oldest id first: on each
    /// link and direction at most [`DRAWN_PER_LINK`], the oldest.
    pub messages: Vec<MessageView>,
    /// How many more are in flight, not drawn.
    pub undrawn: usize,
    /// One link per pair of servers.
    pub links: Vec<LinkView>,
}

impl Scene {
    /// Said in a corner of the picture when some messages in flight are
    /// not drawn: "2412 more messages in flight, not drawn".
    pub fn undrawn_note(&self) -> Option<String> {
        (self.undrawn > 0).then(|| {
            let more = super::words::counted(self.undrawn, "more message");
            format!("{more} in flight, not drawn")
        })
    }

    /// Message `id` as drawn, if it is in flight: by halving, as the page
    /// looks each drawn message up (a scan each was quadratic with the
    /// thousands a host page's burst puts in flight).
    pub fn message(&self, id: u64) -> Option<&MessageView> {
        let i = self.messages.binary_search_by_key(&id, |m| m.id).ok()?;
        self.messages.get(i)
    }
}

/// The picture of `sim` right now.
pub fn scene(sim: &Simulation) -> Scene {
    let n = sim.server_count();
    let places = positions(sim);
    let standings = membership::Standings::of(sim);
    let nodes = sim
        .servers()
        .iter()
        .map(|s| node_view(sim, s, &places, &standings))
        .collect();
    let mut drawn = DrawnPerLink::new(places.len());
    let (mut messages, mut undrawn) = (Vec::new(), 0);
    for m in sim.network().in_flight() {
        match drawn.take(m.from, m.to) {
            true => messages.push(message_view(sim, m, &places)),
            false => undrawn += 1,
        }
    }
    Scene {
        nodes,
        messages,
        undrawn,
        links: links(sim, n, &places),
    }
}

/// At most this many messages in flight are drawn between two places in
/// one direction (all clients are one place, the hub), the oldest. A host
/// page's burst of 1,000 writes put up to 4,000 in flight at once, which
/// the browser drew in 7 to 10 frames over 5 seconds (docs/measurements.md,
/// 2026-12-06), and which a person sees as one smear on each link anyway.
/// A drawn message stays drawn until it arrives: only older ones leave
/// before it.
pub const DRAWN_PER_LINK: usize = 8;

/// How many messages are drawn so far on each link and direction: a
/// square table over the places, the clients' hub first.
struct DrawnPerLink {
    places: usize,
    counts: Vec<usize>,
}

impl DrawnPerLink {
    fn new(servers: usize) -> DrawnPerLink {
        let places = servers + 1;
        DrawnPerLink {
            places,
            counts: vec![0; places * places],
        }
    }

    /// Whether the next message from `from` to `to` is drawn, counted if so.
    fn take(&mut self, from: Endpoint, to: Endpoint) -> bool {
        let place = |e: Endpoint| match e {
            Endpoint::Node(id) => id as usize,
            Endpoint::Client(_) => 0,
        };
        let count = &mut self.counts[place(from) * self.places + place(to)];
        *count += 1;
        *count <= DRAWN_PER_LINK
    }
}

/// Where each server is drawn (index id - 1): on the ring, and when the
/// network is partitioned each group pushed outward along its own direction,
/// so the groups stand visibly apart.
/// Every server the run has created is drawn, removed ones included: they
/// may still run (thesis §4.2.3).
pub fn positions(sim: &Simulation) -> Vec<Point> {
    let n = sim.server_count();
    let ring = ring_positions(sim);
    let groups = sim.network().groups();
    if groups.is_empty() {
        return ring;
    }
    let center = geometry::ring_center();
    (1..=n)
        .map(|id| {
            let group = groups.get(&id);
            let members: Vec<Point> = (1..=n)
                .filter(|m| groups.get(m) == group)
                .map(|m| ring[m as usize - 1])
                .collect();
            let k = members.len() as f64;
            let (cx, cy) = members
                .iter()
                .fold((0.0, 0.0), |(x, y), p| (x + p.x / k, y + p.y / k));
            let (dx, dy) = (cx - center.x, cy - center.y);
            let len = (dx * dx + dy * dy).sqrt();
            let p = ring[id as usize - 1];
            if len < 1e-6 {
                return p;
            }
            Point {
                x: p.x + dx / len * PARTITION_PUSH,
                y: p.y + dy / len * PARTITION_PUSH,
            }
        })
        .collect()
}

/// How far a partitioned group moves away from the others.
const PARTITION_PUSH: f64 = 24.0;

/// How long the ring takes to make room for servers just added, in
/// simulated time: 0.6 s of the page's default speed (1/30). A function of
/// simulated time, so time travel and a paused page show the same frame.
pub const REFLOW: Time = 20 * MILLIS;

/// Every server's place on the ring. For `REFLOW` after servers were
/// added, the others glide from their places on the smaller ring to those
/// on the larger one, and the new ones come out from the centre.
fn ring_positions(sim: &Simulation) -> Vec<Point> {
    let servers = sim.servers();
    let n = servers.len() as u64;
    let last_added = servers.last().map_or(0, |s| s.started_at);
    let elapsed = sim.now().saturating_sub(last_added);
    let before = servers.iter().filter(|s| s.started_at < last_added).count() as u64;
    let settled = (1..=n).map(|id| geometry::node_position(id, n));
    if last_added == 0 || elapsed >= REFLOW || before == 0 {
        return settled.collect();
    }
    // Ease out: fast at first, settling gently.
    let t = elapsed as f64 / REFLOW as f64;
    let f = 1.0 - (1.0 - t) * (1.0 - t);
    let lerp = |a: Point, b: Point| Point {
        x: a.x + (b.x - a.x) * f,
        y: a.y + (b.y - a.y) * f,
    };
    settled
        .zip(1..)
        .map(|(to, id)| match id <= before {
            true => lerp(geometry::node_position(id, before), to),
            false => lerp(geometry::ring_center(), to),
        })
        .collect()
}

fn node_view(
    sim: &Simulation,
    server: &crate::sim::Server,
    places: &[Point],
    standings: &membership::Standings,
) -> NodeView {
    let n = places.len() as u64;
    let node = &server.node;
    let role = crate::sim::NodeStatus::of(server).as_str();
    let timing = sim.config().timing;
    let timer_ends = (server.up && node.role() != Role::Leader).then(|| node.election_deadline());
    let timer_left = timer_ends.map_or(0.0, |ends| {
        let left = ends.saturating_sub(sim.now());
        left as f64 / timing.election_timeout_max.max(1) as f64
    });
    let term = node.current_term();
    let (center, radius) = (places[node.id() as usize - 1], geometry::node_radius(n));
    let standing = standings.of_server(node.id());
    NodeView {
        id: node.id(),
        center,
        radius,
        role,
        term,
        fill: if server.up {
            palette::term_color(term)
        } else {
            palette::STOPPED
        },
        timer_left: timer_left.clamp(0.0, 1.0),
        timer_ends,
        // A candidate's votes, or a pre-candidate's pre-votes.
        vote_dots: if matches!(node.role(), Role::Candidate | Role::PreCandidate) {
            vote_dots(center, radius, node.votes().len())
        } else {
            Vec::new()
        },
        commit: node.commit_index(),
        standing,
        label: label(node.id(), role, term, standing),
    }
}

/// "Node 3, leader, term 4"; a learner's or a removed server's name says so
/// at the end.
fn label(id: NodeId, role: &str, term: u64, standing: Standing) -> String {
    let mut label = format!("Node {id}, {role}, term {term}");
    if standing != Standing::Voter {
        label.push_str(", ");
        label.push_str(standing.as_str());
    }
    label
}

/// Room for the votes of the largest cluster drawn (9 servers).
const VOTE_SLOTS: f64 = 9.0;

/// `votes` dots just inside a circle at `center` of `radius`, one slot of
/// nine each, clockwise from twelve o'clock.
fn vote_dots(center: Point, radius: f64, votes: usize) -> Vec<Point> {
    (0..votes)
        .map(|i| {
            let (sin, cos) = geometry::sin_cos(std::f64::consts::TAU * i as f64 / VOTE_SLOTS);
            Point {
                x: center.x + (radius - 7.0) * sin,
                y: center.y - (radius - 7.0) * cos,
            }
        })
        .collect()
}

fn endpoint_position(e: Endpoint, places: &[Point]) -> Point {
    match e {
        Endpoint::Node(id) => places[id as usize - 1],
        Endpoint::Client(_) => geometry::clients_position(places.len() as u64),
    }
}

fn endpoint_name(e: Endpoint) -> String {
    match e {
        Endpoint::Node(id) => format!("node {id}"),
        Endpoint::Client(id) => super::words::client(id),
    }
}

fn message_view(sim: &Simulation, m: &InFlight, places: &[Point]) -> MessageView {
    let n = places.len() as u64;
    let (from, to) = (
        endpoint_position(m.from, places),
        endpoint_position(m.to, places),
    );
    let span = m.deliver_at.saturating_sub(m.sent_at).max(1);
    let progress = sim.now().saturating_sub(m.sent_at) as f64 / span as f64;
    let margin = geometry::node_radius(n);
    let (reply, ok, carries_entries) = match &m.packet {
        Packet::Raft(
            Message::RequestVoteReply { vote_granted, .. }
            | Message::PreVoteReply { vote_granted, .. },
        ) => (true, Some(*vote_granted), false),
        Packet::Raft(Message::AppendEntriesReply { success, .. }) => (true, Some(*success), false),
        Packet::Raft(Message::ReadHeartbeatReply { .. }) => (true, Some(true), false),
        Packet::Raft(Message::ReadIndexReply { index, .. }) => (true, Some(index.is_some()), false),
        Packet::Raft(Message::InstallSnapshotReply { .. }) => (true, Some(true), false),
        Packet::Raft(Message::AppendEntries { entries, .. }) => (false, None, !entries.is_empty()),
        Packet::ClientReply(_) => (true, None, false),
        _ => (false, None, false),
    };
    let at = geometry::along(from, to, progress, margin);
    let path = (
        geometry::along(from, to, 0.0, margin),
        geometry::along(from, to, 1.0, margin),
    );
    let radius = if carries_entries { 7.0 } else { 5.0 };
    let (tag_at, tag_anchor) = tag_place(from, to, radius);
    MessageView {
        id: m.id,
        from,
        to,
        at,
        path,
        radius,
        direction: direction(at, to, radius),
        shape: MessageShape::of(m.packet.kind()),
        tag: snapshot_tag(sim, m),
        tag_at,
        tag_anchor,
        kind: m.packet.kind(),
        color: palette::message_color(m.packet.kind()),
        reply,
        ok,
        carries_entries,
        from_name: endpoint_name(m.from),
        to_name: endpoint_name(m.to),
        sent_at: m.sent_at,
        deliver_at: m.deliver_at,
    }
}

/// Where a message's tag goes from its centre, and how it is anchored:
/// its radius and 9 units more to the right of its flight from `from` to
/// `to` (y grows down, so the right of (ux, uy) is (-uy, ux)).
fn tag_place(from: Point, to: Point, radius: f64) -> (Point, &'static str) {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-6);
    let (nx, ny) = (-dy / len, dx / len);
    let away = radius + 9.0;
    let anchor = match nx {
        nx if nx > 0.4 => "start",
        nx if nx < -0.4 => "end",
        _ => "middle",
    };
    (
        Point {
            x: nx * away,
            y: ny * away,
        },
        anchor,
    )
}

/// Which chunk of how many a snapshot message is ("snapshot 2/3"), or
/// what its reply acknowledges ("got 2/3", "installed"). Chunks hold the
/// sender's `snapshot_chunk_records` records each; a reply's total comes
/// from the snapshot its leader holds, if still the one being sent.
pub(super) fn snapshot_tag(sim: &Simulation, m: &InFlight) -> Option<String> {
    let chunk = |e: Endpoint| match e {
        Endpoint::Node(id) => sim
            .server(id)
            .map_or(1, |s| s.node.config().snapshot_chunk_records.max(1) as u64),
        Endpoint::Client(_) => 1,
    };
    let Packet::Raft(message) = &m.packet else {
        return None;
    };
    match message {
        Message::InstallSnapshot { meta, offset, .. } => {
            let size = chunk(m.from);
            let total = meta.records.div_ceil(size).max(1);
            Some(format!("snapshot {}/{total}", offset / size + 1))
        }
        Message::InstallSnapshotReply { done: true, .. } => Some("installed".into()),
        Message::InstallSnapshotReply {
            last_index,
            received,
            ..
        } => {
            let size = chunk(m.to);
            let leaders = match m.to {
                Endpoint::Node(id) => sim.server(id).and_then(|s| s.node.snapshot()),
                Endpoint::Client(_) => None,
            };
            let total = leaders
                .filter(|s| s.last_index() == *last_index)
                .map(|s| s.meta.records.div_ceil(size).max(1));
            Some(match total {
                Some(total) => format!("got {}/{total}", received.div_ceil(size)),
                None => format!("got {received} records"),
            })
        }
        _ => None,
    }
}

/// The paused-picture arrow of a message at `at` flying to `to`: from the
/// dot's edge, 9 px of shaft towards the receiver.
fn direction(at: Point, to: Point, radius: f64) -> (Point, Point) {
    let (dx, dy) = (to.x - at.x, to.y - at.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-6);
    let (ux, uy) = (dx / len, dy / len);
    let tail = Point {
        x: at.x + ux * radius,
        y: at.y + uy * radius,
    };
    let head = Point {
        x: at.x + ux * (radius + 9.0),
        y: at.y + uy * (radius + 9.0),
    };
    (tail, head)
}

fn links(sim: &Simulation, n: u64, places: &[Point]) -> Vec<LinkView> {
    let net = sim.network();
    let mut out = Vec::new();
    for a in 1..=n {
        for b in a + 1..=n {
            let open = |x, y| net.blocked(Endpoint::Node(x), Endpoint::Node(y)).is_none();
            out.push(LinkView {
                a,
                b,
                from: places[a as usize - 1],
                to: places[b as usize - 1],
                a_to_b: open(a, b),
                b_to_a: open(b, a),
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "scene_tests.rs"]
mod tests;
