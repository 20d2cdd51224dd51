//! Change keys for the parts of the page, so a frame redraws only what
//! moved. Each part's key is a hash of what that part shows; the page hands
//! it to the part's component, which is drawn again only when its key
//! differs from the last one (Yew's `Properties` + `PartialEq`).
//!
//! Every input but a frame (a click, a key, a host command) bumps
//! [`Session::edits`], which every key includes: those are rare, and then
//! everything may be redrawn. A frame moves the simulation on; a part's key
//! then covers only what the simulation can change under it. What moves
//! between events (messages, election timers, the message diagram's slide,
//! the timeline's marks) the browser moves by itself, so a frame in which
//! nothing happens redraws nothing but, a few times a second, the clock's
//! digit or the timeline's step.

use super::leadership::Leadership;
use super::motion::Side;
use super::on_screen::Section;
use super::playground::{Playground, Selection};
use super::requests;
use super::scene::{MessageView, NodeView};
use super::session::Session;
use crate::raft::{Time, MILLIS};
use crate::sim::stable_hash::StableHasher;
use crate::sim::workload::is_user_client;
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
    /// The message diagram: its content and its slide ([`slide`]).
    pub diagram: u64,
    /// What only a person's input changes: sharing, help, notices.
    pub edits: u64,
    /// The notice line: a person's input, or a shared run's opening
    /// progress.
    pub notice: u64,
}

/// The keys of `session` as it is now.
pub fn of(session: &Session) -> Versions {
    let p = &session.playground;
    let sim = &p.sim;
    let keyed = |part: u64, more: &dyn Fn(&mut StableHasher)| key(session, part, more);
    Versions {
        // The picture's election timers and messages move by themselves
        // (`view::motion`): it changes only with the simulation's events.
        picture: keyed(1, &|h| {
            h.u64(sim.events()).u64(p.paused as u64);
            h.u64(p.lagged);
            for d in &p.dying {
                h.u64(d.left_ms.to_bits());
            }
        }),
        links: links(session),
        // The clock changes a few times a wall second ([`clock`]), the
        // trace hash with the simulation's events.
        clock: keyed(2, &|h| {
            let c = clock(p);
            h.u64(c.shown).u64(c.places as u64).u64(sim.trace_hash());
        }),
        // The marks' stretch starts again with these too, as a message's
        // flight does ([`flight`]).
        timeline: keyed(3, &|h| {
            let t = timeline(p);
            h.u64(t.value)
                .u64(t.max)
                .u64(t.scale)
                .u64(p.speed.to_bits())
                .u64(p.lagged)
                .u64(p.acting_forks() as u64)
                .u64(p.paused as u64)
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
            // What its leader line says (`leadership::of`): a leader gone
            // stale changes it with no other change of the simulator's pick.
            let (kind, leader, term) = match super::leadership::of(sim) {
                Leadership::Leader { id, term } => (1, id, term),
                Leadership::Stale { id, term } => (2, id, term),
                Leadership::None => (0, 0, 0),
            };
            h.u64(sim.violations().len() as u64)
                .u64(kind)
                .u64(leader)
                .u64(term)
                .u64(super::what_if::history_violation(p).is_some() as u64);
        }),
        client: keyed(9, &|h| {
            // The "send to" menu lists every server; "read by" names what
            // a lease needs.
            h.u64(sim.server_count())
                .u64(sim.config().raft.check_quorum as u64);
            requests(p, h);
        }),
        network: keyed(10, &|h| {
            let c = session.network_shown();
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
            let (count, last) = (p.events.until(sim)).fold((0, None), |(n, _), l| (n + 1, Some(l)));
            h.u64(count);
            if let Some(last) = last {
                h.str(last);
            }
        }),
        diagram: keyed(21, &|h| {
            h.u64(p.sequence.key()).u64(slide(session));
        }),
        edits: keyed(14, &|_| {}),
        notice: keyed(16, &|h| {
            if let Some((t, _)) = p.opening() {
                h.u64(t);
            }
        }),
    }
}

/// What the clock shows: a time, rounded down, to some decimal places of
/// a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// The simulated time shown: running, a whole number of its last
    /// place; paused, the exact time, which is shown rounded.
    pub shown: Time,
    /// Decimal places of a second, 0 to 3.
    pub places: usize,
}

/// The clock of `p`. Paused, the exact time (shown rounded to the
/// millisecond). Running, to the last
/// place that changes at most about ten times a wall second at the speed
/// (hundredths at the default 1/30x, milliseconds at 1/100x and slower,
/// tenths at 1x, whole seconds faster), so that the page redraws it a
/// few times a second rather than on every simulated millisecond, and a
/// person can read it; rounded down, so it never shows a time not yet
/// reached.
pub fn clock(p: &Playground) -> Clock {
    let now = p.sim.now();
    if p.paused {
        // To the nearest millisecond, as the failure story and the
        // timeline name moments.
        return Clock {
            shown: now,
            places: 3,
        };
    }
    // One unit of the last place lasts unit / speed of wall time: at least
    // CLOCK_WALL_MS, or the place is dropped.
    let (mut places, mut unit) = (3, MILLIS);
    while places > 0 && (unit as f64 / MILLIS as f64) < CLOCK_WALL_MS * p.speed {
        places -= 1;
        unit *= 10;
    }
    Clock {
        shown: now / unit * unit,
        places,
    }
}

/// The least wall time between two changes of the running clock's text.
const CLOCK_WALL_MS: f64 = 100.0;

impl Clock {
    /// When the running clock next changes: the next unit of its last
    /// place.
    pub fn next_change(&self) -> Time {
        self.shown + MILLIS * 10u64.pow(3 - self.places as u32)
    }
}

/// The message diagram's slide: its animation starts again when this
/// moves (`view::sequence::Slide`), which it does on every input, on
/// pausing and playing, when the simulation fell behind the wall clock,
/// and when the content is rebased; never as the content merely slides.
/// So do its dots' (with their message's arrow).
pub fn slide(session: &Session) -> u64 {
    let p = &session.playground;
    key(session, 20, &|h| {
        h.u64(p.sequence.content().base);
        restarts(p, h);
    })
}

/// What starts every animation the browser plays again (a flight, a
/// sweep, the slide): the speed, pausing and playing, the simulation
/// falling behind the wall clock, and, paused, the moment shown (a seek
/// or a step).
fn restarts(p: &Playground, h: &mut StableHasher) {
    h.u64(p.speed.to_bits()).u64(p.paused as u64).u64(p.lagged);
    if p.paused {
        h.u64(p.sim.now());
    }
}

/// The keys the page draws with: `session`'s, but a section below the
/// picture that is out of view (`view::on_screen`) keeps the key it was
/// last drawn with (`previous`), so it is not drawn again until it is back
/// in view, or the page comes to rest (`Session::at_rest`: a paused page,
/// a moment after its last input, or a printout). A frame that leaves them
/// equal changes nothing, and the page skips drawing it.
pub fn drawn(session: &Session, previous: Option<&Versions>) -> Versions {
    let mut v = of(session);
    let Some(previous) = previous.filter(|_| !session.at_rest) else {
        return v;
    };
    // While a shared run opens, its frames replay thousands of events
    // each: only the progress in the notice line is drawn again, unless a
    // person's input asks for more.
    if session.playground.opening().is_some() && v.edits == previous.edits {
        return Versions {
            notice: v.notice,
            ..*previous
        };
    }
    for section in Section::ALL {
        if !session.on_screen.shows(section) {
            let (now, then) = match section {
                Section::LogTable => (&mut v.logs, previous.logs),
                Section::Applied => (&mut v.applied, previous.applied),
                Section::Diagram => (&mut v.diagram, previous.diagram),
                Section::EventLog => (&mut v.events, previous.events),
            };
            *now = then;
        }
    }
    v
}

/// The timeline's marks are scaled again when the run has grown by about
/// a sixteenth to an eighth (a power of two at or below this part of it);
/// in between, the browser stretches them ([`stretch`]).
const RESCALE_PART: u64 = 8;

/// What the timeline shows, in simulated milliseconds: its slider's value
/// and end, and the time its marks are drawn scaled to (the track's right
/// end as drawn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineView {
    /// The slider's value.
    pub value: u64,
    /// The slider's end.
    pub max: u64,
    /// The time at the track's right end, for the marks (at least 1), as
    /// they are drawn.
    pub scale: u64,
    /// When any of these next changes while running; `None` when they
    /// change only with the simulation's events and inputs (paused), or
    /// every millisecond (behind the end of the run).
    pub next: Option<u64>,
}

/// The timeline slider's value as a screen reader says it: "1.020 s of
/// 3.000 s", not the milliseconds "1020".
pub fn timeline_words(shown: TimelineView) -> String {
    use crate::sim::decimal::seconds;
    format!(
        "{} s of {} s",
        seconds(shown.value * MILLIS, 3),
        seconds(shown.max * MILLIS, 3)
    )
}

/// The timeline of `p`. Paused or behind the end of the run, to the
/// millisecond. Running at the end, the slider's thumb sits at its right
/// end whatever the time, so its value and end move only in steps of about
/// a tenth of the run (for screen readers; a person grabbing it lands
/// where they aimed: [`seek_to`]); and the marks are drawn scaled to the
/// run's end only in steps of a sixteenth to an eighth of it, the browser
/// squeezing them in between ([`stretch`]), so they stay where they belong
/// to a fraction of a pixel. So the page does not lay the timeline out
/// again on every tick.
pub fn timeline(p: &Playground) -> TimelineView {
    let (now, end) = (p.sim.now(), p.timeline_end());
    if p.paused || now < end {
        return TimelineView {
            value: to_ms(now),
            max: to_ms(end),
            scale: to_ms(end).max(1),
            next: None,
        };
    }
    let end = end / MILLIS;
    let (coarse, slid) = round_down(end, end / 10);
    let (scale, rescaled) = round_down(end, end / RESCALE_PART);
    TimelineView {
        value: coarse,
        max: coarse,
        scale: scale.max(1),
        next: Some(slid.min(rescaled).max(end + 1)),
    }
}

/// How the browser squeezes the timeline's marks, drawn scaled to
/// [`TimelineView::scale`], as the run's end moves on past it: a horizontal
/// scale about the track's left end, scale / end, through `frames` (offset
/// 0..=1 of `duration_ms`, factor), evenly in wall time. Running at the end
/// only.
#[derive(Clone, Debug, PartialEq)]
pub struct Stretch {
    /// The factor at offsets of the animation.
    pub frames: Vec<(f64, f64)>,
    /// Wall milliseconds until the marks are drawn scaled again.
    pub duration_ms: f64,
}

/// The stretch of `p`'s timeline marks from now until they are scaled
/// again; none while paused or behind the end.
pub fn stretch(p: &Playground) -> Option<Stretch> {
    let t = timeline(p);
    let next = t.next?;
    let now = p.sim.now() as f64 / MILLIS as f64;
    let span = (next as f64 - now).max(0.0);
    // scale / end is not linear in time: a few frames keep it within a
    // fraction of a pixel.
    const FRAMES: u32 = 4;
    let frames = (0..=FRAMES)
        .map(|i| {
            let offset = f64::from(i) / f64::from(FRAMES);
            (offset, t.scale as f64 / (now + span * offset).max(1.0))
        })
        .collect();
    Some(Stretch {
        frames,
        duration_ms: span / p.speed.max(super::speed::MIN_SPEED),
    })
}

/// Where moving the slider to `value` of `max`, as the page last drew
/// them, goes: that millisecond if the slider was drawn to the
/// millisecond; else the same fraction of the run as it is now (drawn a
/// little earlier, the slider's end was the run's end then).
pub fn seek_to(p: &Playground, value: u64, max: u64) -> Time {
    let end = p.timeline_end();
    if max == to_ms(end) {
        return value * MILLIS;
    }
    (u128::from(value) * u128::from(end) / u128::from(max.max(1))) as Time
}

/// `t` to the nearest millisecond, as the clock rounds it (a fork at
/// 2.4997 s had the slider at 2499 beside a clock reading 2.500 s).
fn to_ms(t: Time) -> u64 {
    (t + MILLIS / 2) / MILLIS
}

/// `x` down to a multiple of the power of two at or below `step`, and the
/// next multiple after it (where it next changes as `x` grows).
fn round_down(x: u64, step: u64) -> (u64, u64) {
    let step = 1 << step.max(1).ilog2();
    let down = x / step * step;
    (down, down + step)
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

/// One message's flight: the browser's animation of it starts again when
/// this moves (`view::motion`), which it does on every input (a seek, a
/// step, a speed change), on pausing and playing, and when the simulation
/// fell behind the wall clock; never as the message merely flies on.
pub fn flight(session: &Session, m: &MessageView) -> u64 {
    let p = &session.playground;
    key(session, 18, &|h| {
        h.u64(m.id)
            .u64(m.sent_at)
            .u64(m.deliver_at)
            .u64(m.path.0.x.to_bits())
            .u64(m.path.0.y.to_bits())
            .u64(m.path.1.x.to_bits())
            .u64(m.path.1.y.to_bits());
        restarts(p, h);
    })
}

/// One election timer's sweep: its animation starts again when this
/// moves, as a message's flight does ([`flight`]), and when the timer is
/// reset (a new deadline).
pub fn sweep(session: &Session, n: &NodeView) -> u64 {
    let p = &session.playground;
    key(session, 19, &|h| {
        h.u64(n.id)
            .u64(n.timer_ends.map_or(0, |t| t + 1))
            .u64(n.center.x.to_bits())
            .u64(n.center.y.to_bits())
            .u64(n.radius.to_bits());
        restarts(p, h);
    })
}

/// The key of one half of a timer's clip box, placed at `place` (left,
/// top, width, height): the box is placed again only when it moves (its
/// server moved), not each time the timer restarts inside it ([`sweep`]).
pub fn clip(side: Side, place: [f64; 4]) -> u64 {
    let mut h = StableHasher::new();
    h.u64(side as u64);
    for v in place {
        h.u64(v.to_bits());
    }
    h.finish()
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
/// checkboxes, its membership line and its buttons' offers.
fn membership(sim: &crate::sim::Simulation, h: &mut StableHasher) {
    let cluster = super::membership::cluster(sim);
    h.u64(sim.server_count());
    for list in [&cluster.voters, &cluster.outgoing, &cluster.learners] {
        h.u64(list.len() as u64);
        for &id in list {
            h.u64(id);
        }
    }
    let offers = super::membership::offers(sim);
    let label = offers.replacement.as_ref().map(|(_, label)| label.as_str());
    for text in [
        offers.add_refusal.as_deref(),
        label,
        offers.replace_refusal.as_deref(),
    ] {
        h.str(text.unwrap_or("-"));
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
        if is_user_client(w.command.client) {
            h.u64(w.command.client)
                .u64(w.target)
                .u64(w.redirects as u64);
        }
    }
}

#[cfg(test)]
#[path = "versions_tests.rs"]
mod tests;
