//! Change keys for the parts of the page, so a frame redraws only what
//! moved. Each part's key is a hash of what that part shows; the page hands
//! it to the part's component, which is drawn again only when its key
//! differs from the last one (Yew's `Properties` + `PartialEq`).
//!
//! Every input but a frame (a click, a key, a host command) bumps
//! [`Session::edits`], which every key includes: those are rare, and then
//! everything may be redrawn. A frame moves the simulation on; a part's key
//! then covers only what the simulation can change under it, so a frame in
//! which a message flies on but nothing arrives redraws the picture, the
//! clock and the timeline, and not the logs, panels or event log.

use super::playground::{Playground, Selection};
use super::requests;
use super::scene::{MessageView, NodeView};
use super::session::Session;
use crate::raft::MILLIS;
use crate::sim::stable_hash::StableHasher;
use crate::sim::workload::USER_CLIENT_BASE;
use crate::sim::{NodeStatus, Outcome, Server};

/// One change key per part of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    /// The cluster picture: moves every running frame.
    pub picture: u64,
    /// The links between servers in the picture: open, cut or one-way.
    pub links: u64,
    /// The clock and the trace hash.
    pub clock: u64,
    /// The timeline's slider and note.
    pub timeline: u64,
    /// The timeline's marks (elections and actions).
    pub marks: u64,
    /// The top bar: play/pause, speed, seed, nodes.
    pub bar: u64,
    /// The guided tour's panel.
    pub tour: u64,
    /// The selected node's or message's details.
    pub details: u64,
    /// The safety panel.
    pub safety: u64,
    /// The client panel and the person's requests.
    pub client: u64,
    /// The network panel.
    pub network: u64,
    /// The log table.
    pub logs: u64,
    /// The delivered commands and key-value state per node.
    pub applied: u64,
    /// The event log.
    pub events: u64,
    /// What only a person's input changes: sharing, help, notices.
    pub edits: u64,
}

/// The keys of `session` as it is now.
pub fn of(session: &Session) -> Versions {
    let p = &session.playground;
    let sim = &p.sim;
    let keyed = |part: u64, more: &dyn Fn(&mut StableHasher)| key(session, part, more);
    Versions {
        picture: keyed(1, &|h| {
            h.u64(sim.now()).u64(sim.events()).u64(p.paused as u64);
            for d in &p.dying {
                h.u64(d.left_ms.to_bits());
            }
        }),
        links: links(session),
        // The clock shows milliseconds: at the default speed it changes
        // every other frame.
        clock: keyed(2, &|h| {
            h.u64(sim.now() / MILLIS).u64(sim.trace_hash());
        }),
        timeline: keyed(3, &|h| {
            h.u64(sim.now() / MILLIS)
                .u64(p.timeline_end() / MILLIS)
                .u64(p.in_the_past() as u64)
                .u64(p.scenario.actions.len() as u64);
        }),
        marks: marks(session),
        bar: keyed(5, &|h| {
            h.u64(p.paused as u64).u64(p.speed.to_bits());
        }),
        tour: keyed(6, &|h| {
            let step = session.tour.as_ref().map_or(0, |t| t.step as u64 + 1);
            h.u64(step)
                .u64(p.pause_at.is_some() as u64)
                .u64(p.paused as u64);
        }),
        details: keyed(7, &|h| details(p, h)),
        safety: keyed(8, &|h| {
            let leader = sim.leader();
            let term = leader
                .and_then(|l| sim.server(l))
                .map(|s| s.node.current_term());
            h.u64(sim.violations().len() as u64)
                .u64(leader.unwrap_or(0))
                .u64(term.unwrap_or(0));
        }),
        client: keyed(9, &|h| {
            // The "send to" menu lists every server.
            h.u64(sim.server_count());
            requests(p, h);
        }),
        network: keyed(10, &|h| {
            let c = sim.network().config;
            let raft = sim.config().raft;
            h.u64(raft.pre_vote as u64).u64(raft.check_quorum as u64);
            h.u64(sim.config().reads.path as u64)
                .u64(sim.leader().unwrap_or(0));
            // A scenario's own `snapshots` action changes the menu too.
            let snapshots = sim.config().snapshot_threshold;
            h.u64(snapshots.map_or(0, |n| n + 1));
            h.u64(sim.config().replacement as u64);
            // And its `drift` action the Drift bound menu.
            h.u64(sim.config().reads.clock_drift_ppm);
            h.u64(c.latency_min)
                .u64(c.latency_max)
                .u64(c.loss.to_bits())
                .u64(c.duplication.to_bits());
            membership(sim, h);
        }),
        logs: keyed(11, &|h| logs(p, h)),
        applied: keyed(12, &|h| {
            for s in sim.servers() {
                h.u64(s.node.last_applied()).u64(s.incarnation);
            }
        }),
        events: keyed(13, &|h| {
            let mut shown = p.events.until(sim.now());
            h.u64(shown.len() as u64);
            if let Some(last) = shown.next_back() {
                h.str(last);
            }
        }),
        edits: keyed(14, &|_| {}),
    }
}

/// The key of part number `part`: every input's count, then what `more`
/// adds of what the part shows.
fn key(session: &Session, part: u64, more: &dyn Fn(&mut StableHasher)) -> u64 {
    let mut h = StableHasher::new();
    h.u64(part).u64(session.edits);
    more(&mut h);
    h.finish()
}

/// The links' key alone, for the picture that draws them (a part inside
/// a part, so it needs no other key).
pub fn links(session: &Session) -> u64 {
    key(session, 15, &|h| {
        for l in &session.playground.scene.links {
            h.u64(l.a_to_b as u64 | (l.b_to_a as u64) << 1)
                .u64(l.from.x.to_bits())
                .u64(l.from.y.to_bits())
                .u64(l.to.x.to_bits())
                .u64(l.to.y.to_bits());
        }
    })
}

/// One server's key in the picture: everything its part shows but the
/// election timer, which the picture draws every frame.
pub fn node(session: &Session, n: &NodeView) -> u64 {
    let selected = session.playground.selection == Selection::Node(n.id);
    key(session, 16, &|h| {
        h.u64(n.id)
            .str(n.role)
            .u64(n.term)
            .str(n.fill)
            .u64(n.commit)
            .str(&n.label)
            .str(n.standing.as_str())
            .u64(selected as u64)
            .u64(n.center.x.to_bits())
            .u64(n.center.y.to_bits())
            .u64(n.radius.to_bits());
        for d in &n.vote_dots {
            h.u64(d.x.to_bits()).u64(d.y.to_bits());
        }
    })
}

/// One message's key in the picture: what it looks like, not where it is
/// (the picture moves it).
pub fn message(session: &Session, m: &MessageView) -> u64 {
    let p = &session.playground;
    let selected = p.selection == Selection::Message(m.id);
    key(session, 17, &|h| {
        h.u64(m.id)
            .str(m.kind)
            .u64(m.ok.map_or(2, u64::from))
            .u64(m.carries_entries as u64)
            .u64(m.radius.to_bits())
            .u64(m.shape as u64)
            .str(m.tag.as_deref().unwrap_or_default())
            .u64(m.tag_at.x.to_bits())
            .u64(m.tag_at.y.to_bits())
            .u64(selected as u64)
            .u64(p.paused as u64)
            .u64(m.from.x.to_bits())
            .u64(m.from.y.to_bits())
            .u64(m.to.x.to_bits())
            .u64(m.to.y.to_bits());
    })
}

/// The timeline marks' key alone, for the timeline that draws them.
pub fn marks(session: &Session) -> u64 {
    let p = &session.playground;
    key(session, 4, &|h| {
        h.u64(p.events.elections().len() as u64)
            .u64(p.scenario.actions.len() as u64)
            .u64(p.failure.as_ref().map_or(0, |f| f.violation.t + 1));
    })
}

/// What a server's row in the log table and its details show.
fn server_state(s: &Server, h: &mut StableHasher) {
    let node = &s.node;
    let status = NodeStatus::of(s) as u64;
    h.u64(node.id())
        .u64(status)
        .u64(node.current_term())
        .u64(node.voted_for().unwrap_or(0))
        .u64(node.log().last_index())
        .u64(node.log().last_term())
        .u64(node.log().snapshot_index())
        .u64(node.commit_index())
        .u64(node.last_applied())
        .u64(node.leader_hint().unwrap_or(0))
        .u64(node.membership_index())
        .u64(s.incarnation);
    // The disk: unsynced cells and the details' "on disk" rows follow it.
    let durable = s.disk.durable_hard_state();
    h.u64(s.disk.synced_index())
        .u64(s.disk.unsynced_writes() as u64);
    h.u64(durable.term).u64(durable.voted_for.unwrap_or(0));
    for (peer, pr) in node.progress() {
        h.u64(*peer).u64(pr.next_index).u64(pr.match_index);
    }
}

fn details(p: &Playground, h: &mut StableHasher) {
    match p.selection {
        Selection::None => {}
        Selection::Node(id) => {
            if let Some(s) = p.sim.server(id) {
                server_state(s, h);
                let now = p.sim.node_time(id);
                let lease = s
                    .node
                    .lease_until(now)
                    .map_or(0, |t| (t - now) / MILLIS + 1);
                h.u64(p.sim.clocks().of(id).ppm() as u64).u64(lease);
            }
        }
        Selection::Message(id) => {
            h.u64(id).u64(p.sim.network().get(id).is_some() as u64);
        }
    }
}

fn logs(p: &Playground, h: &mut StableHasher) {
    for s in p.sim.servers() {
        server_state(s, h);
    }
}

/// The servers and the cluster's configuration: the network panel's
/// checkboxes and its membership line.
fn membership(sim: &crate::sim::Simulation, h: &mut StableHasher) {
    let cluster = super::membership::cluster(sim);
    h.u64(sim.server_count());
    for list in [&cluster.voters, &cluster.outgoing, &cluster.learners] {
        h.u64(list.len() as u64);
        for &id in list {
            h.u64(id);
        }
    }
}

/// The person's last requests and where the waiting ones are.
fn requests(p: &Playground, h: &mut StableHasher) {
    for o in requests::own(&p.sim).take(requests::SHOWN) {
        let outcome = match o.outcome {
            Outcome::Ok => 1,
            Outcome::Fail => 2,
            Outcome::Unknown => 3,
        };
        h.u64(o.client)
            .u64(outcome)
            .u64(o.index.unwrap_or(0))
            .u64(o.redirects as u64);
    }
    for w in p.sim.workload().outstanding() {
        if w.command.client >= USER_CLIENT_BASE {
            h.u64(w.command.client)
                .u64(w.target)
                .u64(w.redirects as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::keys::KeyCommand;
    use crate::view::session::Input;
    use crate::view::url_params::UrlParams;

    /// A 5-node cluster with a leader, playing.
    fn playing() -> Session {
        let mut s = Session::open(&UrlParams::default(), &[], "", true);
        assert!(s.playground.paused, "reduced motion opens paused");
        s.update(Input::Skip(1_000));
        s.update(Input::Key(KeyCommand::TogglePause));
        s
    }

    /// Short frames until one passes with no simulator event in it: the
    /// keys before and after that frame.
    fn quiet_frame(s: &mut Session) -> (Versions, Versions) {
        loop {
            let before = s.versions();
            let events = s.playground.sim.events();
            s.update(Input::Frame { wall_ms: 1.0 });
            if s.playground.sim.events() == events {
                return (before, s.versions());
            }
        }
    }

    #[test]
    fn a_frame_in_which_nothing_arrives_redraws_only_the_moving_parts() {
        let mut s = playing();
        let (before, after) = quiet_frame(&mut s);
        assert_ne!(before.picture, after.picture, "messages fly on");
        for (part, a, b) in [
            ("logs", before.logs, after.logs),
            ("applied", before.applied, after.applied),
            ("events", before.events, after.events),
            ("safety", before.safety, after.safety),
            ("client", before.client, after.client),
            ("network", before.network, after.network),
            ("bar", before.bar, after.bar),
            ("tour", before.tour, after.tour),
            ("details", before.details, after.details),
            ("marks", before.marks, after.marks),
            ("links", before.links, after.links),
            ("edits", before.edits, after.edits),
        ] {
            assert_eq!(a, b, "{part} must not be redrawn by a quiet frame");
        }
    }

    /// Frames alone (no input) that carry a request to commit change the
    /// keys of every part that shows it.
    #[test]
    fn frames_that_commit_a_request_redraw_the_parts_that_show_it() {
        let mut s = playing();
        let leader = s.playground.sim.leader().unwrap();
        s.update(Input::Select(Selection::Node(leader)));
        s.update(Input::ClientText("hello".into()));
        s.update(Input::Send);
        let start = s.versions();
        let committed = |s: &Session| {
            crate::view::requests::latest(&s.playground.sim, 1)[0].outcome == Outcome::Ok
        };
        let mut frames = 0;
        while !committed(&s) {
            s.update(Input::Frame { wall_ms: 16.0 });
            frames += 1;
            assert!(frames < 5_000, "the request never committed");
        }
        let end = s.versions();
        assert_eq!(start.edits, end.edits, "frames are not edits");
        assert_ne!(start.clock, end.clock, "time went on");
        assert_eq!(start.network, end.network, "the network did not change");
        assert_ne!(start.logs, end.logs, "the entry was appended and committed");
        assert_ne!(start.applied, end.applied, "and applied");
        assert_ne!(start.client, end.client, "the request's status moved");
        assert_ne!(start.details, end.details, "the leader's commitIndex moved");
        assert_ne!(start.events, end.events, "the event log says so");
    }

    #[test]
    fn every_input_but_a_frame_redraws_everything() {
        let mut s = playing();
        let a = s.versions();
        s.update(Input::SeedText("7".into()));
        let b = s.versions();
        assert_ne!(a.edits, b.edits);
        assert_ne!(a.logs, b.logs);
        assert_ne!(a.network, b.network);
    }

    #[test]
    fn a_partition_redraws_the_links_when_it_happens() {
        let mut s = playing();
        let before = s.versions();
        s.playground
            .act(crate::sim::Action::Partition(vec![vec![1, 2]]));
        assert_ne!(
            before.links,
            s.versions().links,
            "cut links are drawn dashed"
        );
    }

    /// A scenario's own settings actions (no input of the person's) move
    /// the network panel's key: its menus show them.
    #[test]
    fn settings_a_scenario_changes_redraw_the_network_panel() {
        use crate::sim::membership::Replacement;
        use crate::sim::Action;
        let mut s = playing();
        for action in [
            Action::SetDriftBound(20_000),
            Action::SetSnapshots(Some(6)),
            Action::SetReplacement(Replacement::OneByOne),
        ] {
            let before = s.versions().network;
            s.playground.act(action.clone());
            assert_ne!(before, s.versions().network, "{action}");
        }
    }

    /// The leader promotes a caught-up learner during frames, with no
    /// input: the network panel's membership line and the node move.
    #[test]
    fn a_promotion_during_frames_redraws_the_network_panel_and_the_node() {
        use crate::view::membership::{standing, Standing};
        let mut s = playing();
        s.update(Input::Act(crate::sim::Action::AddServer));
        let new = s.playground.sim.server_count();
        assert_eq!(standing(&s.playground.sim, new), Standing::Learner);
        let node_key = |s: &Session| {
            let view = &s.playground.scene.nodes[new as usize - 1];
            node(s, view)
        };
        loop {
            let (before, node_before) = (s.versions(), node_key(&s));
            s.update(Input::Frame { wall_ms: 5.0 });
            if standing(&s.playground.sim, new) == Standing::Voter {
                assert_ne!(before.network, s.versions().network);
                assert_ne!(node_before, node_key(&s));
                break;
            }
        }
    }
}
