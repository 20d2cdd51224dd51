//! What the details panel shows for the server or message selected: its
//! rows and the actions it offers. Decided here, so each rule (a leader
//! shows nextIndex and matchIndex, a stopped server offers Resume, a
//! leader offers no transfer to itself) is tested natively; the page
//! draws every row and every offer the same way (`ui::panels`).
//!
//! Drawn from data, the panel's buttons share one piece of Yew code: 4.5
//! KB less wasm than each written out, though gzip finds that repetition
//! too (32 bytes less compressed).

use super::disk_state::DiskState;
use super::membership::{self, Standing};
use super::packet_text;
use super::playground::Playground;
use super::session::Input;
use crate::raft::{NodeId, Op, RaftNode, Role, Time, MILLIS};
use crate::sim::decimal::{fixed, seconds};
use crate::sim::fault_model::Delivery;
use crate::sim::{Action, NodeStatus, Server};

/// One line of a details list: what it is, its value, and a class for
/// the value when it has one to show (a server's standing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The name, as Figure 2 spells it where it has one.
    pub term: &'static str,
    /// The value, in words.
    pub value: String,
    /// A CSS class for the value.
    pub class: Option<String>,
}

/// A button a panel offers: what it says, what it explains, its keyboard
/// shortcut, and the input it sends.
#[derive(Clone, Debug)]
pub struct Offer {
    /// The button's text.
    pub label: &'static str,
    /// Its tooltip: the thesis section behind it, where there is one.
    pub title: Option<&'static str>,
    /// Its shortcut key (`aria-keyshortcuts`), if it has one.
    pub key: Option<&'static str>,
    /// What pressing it sends to the session.
    pub input: Input,
    /// Which button it is from one drawing to the next (its label unless
    /// set): a button that turns into another keeps its element, and so
    /// the focus. Unkeyed, a server's Stop, once pressed, was a new
    /// Resume and the focus fell to the page; Resume gave its element to
    /// Restart, which a second Enter pressed (a page tester).
    pub slot: &'static str,
}

impl Offer {
    /// A plain button that takes `action`.
    pub fn act(label: &'static str, action: Action) -> Offer {
        Offer::new(label, Input::Act(action))
    }

    /// A plain button that sends `input`.
    pub fn new(label: &'static str, input: Input) -> Offer {
        Offer {
            label,
            title: None,
            key: None,
            input,
            slot: label,
        }
    }

    /// The same button with a tooltip.
    pub fn titled(self, title: &'static str) -> Offer {
        Offer {
            title: Some(title),
            ..self
        }
    }

    /// The same button with a shortcut key.
    pub fn keyed(self, key: &'static str) -> Offer {
        Offer {
            key: Some(key),
            ..self
        }
    }

    /// The same button, kept as `slot` when it turns into another.
    fn kept_as(self, slot: &'static str) -> Offer {
        Offer { slot, ..self }
    }
}

/// A server's panel.
#[derive(Clone, Debug)]
pub struct NodeDetails {
    /// Its rows, Figure 2's state first.
    pub rows: Vec<Row>,
    /// A leader's view of each follower: (peer, nextIndex, matchIndex).
    pub progress: Option<Vec<(NodeId, u64, u64)>>,
    /// What can be done to it.
    pub offers: Vec<Offer>,
}

/// A message's panel.
#[derive(Clone, Debug)]
pub struct MessageDetails {
    /// "AppendEntries #12 · snapshot 2/3".
    pub heading: String,
    /// From, to, sent, arrives.
    pub rows: Vec<Row>,
    /// The packet in words.
    pub packet: String,
    /// What can be done to it.
    pub offers: Vec<Offer>,
}

fn row(term: &'static str, value: impl ToString) -> Row {
    Row {
        term,
        value: value.to_string(),
        class: None,
    }
}

fn node_name(id: Option<NodeId>, none: &str) -> String {
    id.map_or(none.into(), |n| format!("n{n}"))
}

/// Server `id`'s panel, if it exists.
pub fn node(p: &Playground, id: NodeId) -> Option<NodeDetails> {
    let server = p.sim.server(id)?;
    let node = &server.node;
    let standings = membership::Standings::of(&p.sim);
    let standing = standings.of_server(id);
    let mut rows = vec![
        row("role", NodeStatus::of(server).as_str()),
        Row {
            class: Some(format!("standing-{}", standing.as_str())),
            ..row("member", standing.as_str())
        },
        row("its configuration", configuration_text(node)),
    ];
    if !node.may_stand() {
        // Why its election timer firing starts nothing (thesis §4.2.3).
        rows.push(row(
            "elections",
            "stays out: it has no vote in its configuration (thesis §4.2.1, §4.2.3)",
        ));
    }
    rows.extend([
        row("term", node.current_term()),
        row("votedFor", node_name(node.voted_for(), "none")),
        row("commitIndex", node.commit_index()),
        row("lastApplied", node.last_applied()),
        row("last log index", node.log().last_index()),
        row("leader hint", node_name(node.leader_hint(), "unknown")),
    ]);
    if let Some(target) = node.transfer_target() {
        rows.push(row("transferring to", format!("n{target}")));
    }
    rows.push(row("restarts", server.incarnation));
    let ppm = p.sim.clocks().of(id).ppm();
    rows.push(row("clock", clock_text(ppm)));
    let now = p.sim.node_time(id);
    if let Some(until) = node.lease_until(now) {
        rows.push(row(
            "lease",
            format!("for {} ms more", (until - now) / MILLIS),
        ));
    }
    rows.extend(
        DiskState::of(server)
            .rows()
            .into_iter()
            .map(|(t, v)| row(t, v)),
    );
    let progress = (node.role() == Role::Leader).then(|| {
        let peers = node.progress().iter();
        peers
            .map(|(peer, pr)| (*peer, pr.next_index, pr.match_index))
            .collect()
    });
    let offers = node_offers(id, server, ppm, standing, standings.leader);
    Some(NodeDetails {
        rows,
        progress,
        offers,
    })
}

/// What a server's panel offers: stop or resume, restart, time out (when
/// its timer firing would start something), a request, isolation, a clock
/// off real time or back, and the membership actions that make sense for
/// it.
fn node_offers(
    id: NodeId,
    server: &Server,
    ppm: i64,
    standing: Standing,
    leader: Option<NodeId>,
) -> Vec<Offer> {
    let (up, role) = (server.up, server.node.role());
    // Its timer firing does something only on a running server that may
    // stand: a leader has no election timer, and a stopped server none
    // running.
    let times_out = up && role != Role::Leader && server.node.may_stand();
    let request = Op::Write {
        key: "msg".into(),
        value: format!("to n{id}"),
    };
    let mut offers = vec![
        match up {
            true => Offer::act("Stop", Action::Stop(id)),
            false => Offer::act("Resume", Action::Resume(id)),
        }
        .kept_as("stop"),
        Offer::act("Restart", Action::Restart(id)),
    ];
    if times_out {
        offers.push(Offer::act("Time out", Action::ForceTimeout(id)).titled(
            "§5.2: its election timer fires now, early; a read lease counts on no timer firing early (thesis §6.4.1), so this can break one",
        ));
    }
    offers.extend([
        Offer::act(
            "Send request here",
            Action::ClientRequest {
                to: Some(id),
                op: request,
            },
        ),
        Offer::act("Isolate", Action::Partition(vec![vec![id]])),
    ]);
    let clock = |ppm| Action::SetClockRate { node: id, ppm };
    // "Exact clock" stands where the button pressed stood.
    if ppm == 0 {
        offers.push(
            Offer::act("Clock 30% fast", clock(300_000))
                .titled("Thesis §6.4.1: a lease is safe only while clocks drift within the bound")
                .kept_as("clock-fast"),
        );
        offers.push(Offer::act("Clock 30% slow", clock(-300_000)).kept_as("clock-slow"));
    } else {
        let slot = if ppm > 0 { "clock-fast" } else { "clock-slow" };
        offers.push(Offer::act("Exact clock", clock(0)).kept_as(slot));
    }
    // Only a running voter can be elected, so only one can take over
    // (§3.10); a stopped one's offer was refused when clicked. And only a
    // leader that can still commit hands over: with none, or one a
    // majority has left behind, the offer was refused when clicked.
    let hands_over = leader.is_some_and(|l| l != id);
    if up && role != Role::Leader && hands_over && standing == Standing::Voter {
        offers.push(
            Offer::act("Transfer leadership here", Action::TransferLeadership(id))
                .titled(
                    "Thesis §3.10: the leader catches this node up and tells it to time out now",
                )
                .keyed("L"),
        );
    }
    // A removal goes to the leader too, refused without one that commits.
    if standing != Standing::Removed && leader.is_some() {
        offers.push(Offer::act("Remove", Action::RemoveServer(id)).titled(
            "Thesis §4.2.2: the leader appends a configuration without this server; a leader removing itself steps down once it commits",
        ));
    }
    offers
}

/// The configuration a server uses (thesis §4.1: the latest in its log,
/// committed or not), and the index of its entry.
fn configuration_text(node: &RaftNode) -> String {
    match node.membership_index() {
        0 if node.membership().voters.is_empty() => "none yet".into(),
        0 => format!("{} (from the start)", node.membership()),
        index => format!("{} (entry {index})", node.membership()),
    }
}

/// A clock's rate as the node panel shows it.
fn clock_text(ppm: i64) -> String {
    match ppm {
        0 => "exact".into(),
        ppm => format!(
            "{}{}% off real time",
            if ppm > 0 { "+" } else { "−" },
            fixed(ppm.unsigned_abs() as f64 / 10_000.0, 1)
        ),
    }
}

/// Message `id`'s panel, if it is still in flight.
pub fn message(p: &Playground, id: u64) -> Option<MessageDetails> {
    let m = p.sim.network().get(id)?;
    // A snapshot chunk's tag, as drawn beside it: "snapshot 2/3".
    let tag = super::scene::snapshot_tag(&p.sim, m);
    let tag = tag.map(|t| format!(" · {t}")).unwrap_or_default();
    let mut rows = vec![
        row("from", m.from),
        row("to", m.to),
        row("sent", format!("{} s", seconds(m.sent_at, 3))),
        fate(p, id, m.deliver_at),
    ];
    // Selected, then left behind older ones on a crowded link by a rewind.
    if p.scene.message(id).is_none() {
        let drawn = super::scene::DRAWN_PER_LINK;
        rows.push(row(
            "drawn",
            format!("no: {drawn} older ones on its link are"),
        ));
    }
    Some(MessageDetails {
        heading: format!("{} #{id}{tag}", m.packet.kind()),
        rows,
        packet: packet_text::describe(&m.packet),
        offers: vec![Offer::act("Drop", Action::DropMessage(id))],
    })
}

/// When the message arrives: at its latency, unless an action of the run
/// still to come delivers or drops it first (a run the explorer made
/// moves every message so; the panel said "arrives 0.029 s" of a read an
/// action delivered at 0.012 s).
fn fate(p: &Playground, id: u64, deliver_at: Time) -> Row {
    let now = p.sim.now();
    // The explorer's runs deliver by actions alone: the latency's time
    // never comes (a tester read "arrives 0.017 s" at 1.107 s).
    let by_actions_only = p.sim.config().faults.delivery == Delivery::ByAction;
    let until = if by_actions_only {
        Time::MAX
    } else {
        deliver_at
    };
    // The earliest in time: the person's actions follow a file's in the
    // list, whenever they happen.
    let by_action = p.scenario.actions.iter().filter_map(|(t, action)| {
        let coming = (now..=until).contains(t);
        match action {
            Action::DeliverMessage(m) if *m == id && coming => Some(("arrives", *t)),
            Action::DropMessage(m) if *m == id && coming => Some(("dropped", *t)),
            _ => None,
        }
    });
    let by_action = by_action.min_by_key(|(_, t)| *t);
    match by_action {
        Some((what, t)) => row(
            what,
            format!("{} s, by an action of the run", seconds(t, 3)),
        ),
        None if by_actions_only => row(
            "arrives",
            "when an action delivers it; none of the run does",
        ),
        None => row("arrives", format!("{} s", seconds(deliver_at, 3))),
    }
}

/// What the Details panel says of a selected message no longer in flight:
/// gone, or, with the cursor moved back before its sending, not sent yet.
pub fn message_not_in_flight(p: &Playground, id: u64) -> &'static str {
    match p.sim.network().was_sent(id) {
        true => "That message has arrived or died.",
        false => "That message is not sent yet: the cursor is before it.",
    }
}

#[cfg(test)]
#[path = "details_tests.rs"]
mod tests;
