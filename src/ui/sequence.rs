//! The message diagram: lifelines, recent messages as arrows, and the
//! stretches where a node led, ran for election or was stopped.
//!
//! What is drawn ([`Diagram`]) changes only a few times per wall second;
//! in between, the browser slides it up on the compositor (a Web Animation
//! of one transform per layer, `view::sequence::Slide`) and moves the dots
//! of messages in flight along the line of `now` (`Arrow::dot`), so a frame
//! that records nothing draws nothing here. The parts that depend on the
//! content alone are components compared by `Rc` identity. Arrows are
//! keyed by message id: a new diagram touches the page only for arrows that
//! came, went or changed. The sliding layers are HTML boxes in the
//! picture's units (a `foreignObject` of the plot's size, whose box is the
//! clip), since the compositor does not move SVG groups. Only presentation
//! attributes and classes, no `style` attribute, so the page's
//! Content-Security-Policy holds.

use super::cluster::fmt;
use super::motion::Moving;
use super::part::PartProps;
use crate::sim::NodeStatus;
use crate::view::motion::Flight;
use crate::view::motion::Motion;
use crate::view::palette;
use crate::view::sequence::{
    self, Arrow, Band, Diagram, Slide, Tip, HEIGHT, LEFT, NOW_Y, RIGHT, TOP, WIDTH,
};
use crate::view::session::Session;
use crate::view::versions;
use std::rc::Rc;
use yew::prelude::*;

/// The message diagram of `session`, as it slides from now (the page's
/// `Diagram` part).
pub(super) fn page(session: &Session, _: &PartProps) -> Html {
    let p = &session.playground;
    let content = p.sequence.content();
    let (now, speed, paused) = (p.sim.now(), p.speed, p.paused);
    let slide = Slide::new(content.base, now, speed, paused);
    let dots = sequence::dots(&content, now, speed, paused);
    view(&content, slide, versions::slide(session), dots)
}

/// The message diagram section: `content` slid as `slide` says, restarted
/// when `version` (`versions::slide`) moves, at simulated time `now`.
fn view(content: &Rc<Diagram>, slide: Slide, version: u64, dots: Vec<(Rc<Arrow>, Flight)>) -> Html {
    let viewbox = format!("0 0 {} {}", fmt(WIDTH), fmt(HEIGHT));
    let layer = |kind| html! { <Layer content={Rc::clone(content)} {kind} /> };
    let window = |kind| {
        html! {
            <foreignObject x="0" y={fmt(TOP)} width={fmt(WIDTH)} height={fmt(NOW_Y - TOP)}>
                <div xmlns="http://www.w3.org/1999/xhtml" class="seq-window">
                    <Moving class="seq-slide" motion={slid(slide)} {version}>
                        <svg width={fmt(WIDTH)} height={fmt(NOW_Y - TOP)}>{ layer(kind) }</svg>
                    </Moving>
                </div>
            </foreignObject>
        }
    };
    html! {
        <section class="sequence" aria-label="Message diagram">
            <h2>{ "Messages over time" }</h2>
            <svg class="sequence-diagram" viewBox={viewbox} role="img" aria-label={content.summary.clone()}>
                { layer(LayerKind::Defs) }
                { window(LayerKind::Ticks) }
                { layer(LayerKind::Lanes) }
                { window(LayerKind::Moving) }
                { layer(LayerKind::Pinned) }
                <foreignObject x="0" y="0" width={fmt(WIDTH)} height={fmt(HEIGHT)}>
                    <div xmlns="http://www.w3.org/1999/xhtml" class="seq-dots">
                        { for dots.into_iter().map(|(a, flight)| html! {
                            <Moving key={a.id} class={classes!("seq-dot", "msg", a.class, a.reply.then_some("reply"))}
                                motion={Motion::flight(&flight)} version={dot_version(&a, version)}>
                                <svg viewBox="-4 -4 8 8" width="8" height="8">
                                    <circle r="2.5" stroke={a.color} />
                                </svg>
                            </Moving>
                        }) }
                    </div>
                </foreignObject>
            </svg>
            if let Some(note) = &content.note {
                <p class="window-note">{ note }</p>
            }
        </section>
    }
}

/// The layers that depend on the content alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LayerKind {
    Defs,
    Ticks,
    Lanes,
    /// The role stretches, the names of those that started in the window,
    /// and the messages: what slides over the lanes.
    Moving,
    /// The names of the role stretches that started above the window, at
    /// its top.
    Pinned,
}

#[derive(Clone, Debug, Properties)]
struct LayerProps {
    content: Rc<Diagram>,
    kind: LayerKind,
}

/// The same content is the same `Rc`: no need to compare arrows.
impl PartialEq for LayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.content, &other.content) && self.kind == other.kind
    }
}

/// One layer: a single component type for them all keeps Yew's generic
/// code in the bundle once.
struct Layer;

impl Component for Layer {
    type Message = ();
    type Properties = LayerProps;

    fn create(_: &Context<Self>) -> Self {
        Layer
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let d = &ctx.props().content;
        match ctx.props().kind {
            LayerKind::Defs => defs(),
            LayerKind::Ticks => ticks(d),
            LayerKind::Lanes => lanes(d),
            LayerKind::Moving => html! {
                <>
                    { bands(d) }
                    { messages(d) }
                    // Over the arrows, on their white halo, so that a
                    // stretch's name is read, not crossed out.
                    { band_labels(d, false) }
                </>
            },
            LayerKind::Pinned => band_labels(d, true),
        }
    }
}

/// Arrowheads, one per message colour (markers cannot take the line's).
fn defs() -> Html {
    const HEADS: [(&str, &str); 6] = [
        ("seq-head-rv", "RequestVote"),
        ("seq-head-pv", "PreVote"),
        ("seq-head-ae", "AppendEntries"),
        ("seq-head-ri", "ReadHeartbeat"),
        ("seq-head-snap", "InstallSnapshot"),
        ("seq-head-client", "ClientRequest"),
    ];
    html! {
        <defs>
            { for HEADS.iter().map(|(id, kind)| html! {
                <marker id={*id} viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="7" markerHeight="7" orient="auto">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill={palette::message_color(kind)} />
                </marker>
            }) }
        </defs>
    }
}

/// Time labels with faint rules across, in content coordinates; while
/// the window reaches back before time 0 (a run's first 0.6 s, 18 s of
/// the page at its default speed), that stretch is shaded and named,
/// not left blank as if the diagram were broken.
fn ticks(d: &Diagram) -> Html {
    let (left, right) = (fmt(LEFT), fmt(WIDTH - RIGHT));
    let before_start = (d.base == 0).then(|| {
        let height = NOW_Y - TOP;
        html! {
            <g class="before-start">
                <rect x={left.clone()} y={fmt(-height)} width={fmt(WIDTH - RIGHT - LEFT)} height={fmt(height)} />
                <text x={fmt((LEFT + WIDTH - RIGHT) / 2.0)} y="-8">{ "before the run started" }</text>
            </g>
        }
    });
    html! {
        <g class="axes">
            { for before_start }
            { for d.ticks.iter().map(|t| {
                let y = fmt(t.y);
                html! {
                    <g key={t.t}>
                        <line class="rule" x1={left.clone()} y1={y.clone()} x2={right.clone()} y2={y.clone()} />
                        <text class="tick" x={fmt(LEFT - 6.0)} y={y}>{ &t.label }</text>
                    </g>
                }
            }) }
        </g>
    }
}

/// Lifelines with their names, and the line of `now` at the bottom: they
/// stay put while the content slides.
fn lanes(d: &Diagram) -> Html {
    let (top, now) = (fmt(TOP), fmt(NOW_Y));
    html! {
        <g class="axes" aria-hidden="true">
            { for d.lanes.iter().map(|l| {
                let x = fmt(l.x);
                html! {
                    <>
                        <line class="lane" x1={x.clone()} y1={top.clone()} x2={x.clone()} y2={now.clone()} />
                        <text class="lane-name" x={x} y={fmt(TOP - 10.0)}>{ &l.name }</text>
                    </>
                }
            }) }
            <text class="tick" x={fmt(LEFT - 6.0)} y={fmt(TOP - 10.0)}>{ "t (s)" }</text>
            <line class="now" x1={fmt(LEFT)} y1={now.clone()} x2={fmt(WIDTH - RIGHT)} y2={now} />
        </g>
    }
}

/// The role stretches' lines (leader, candidate) or blocks (stopped).
fn bands(d: &Diagram) -> Html {
    html! {
        <g class="bands">
            { for d.bands.iter().map(|b| html! {
                <g key={format!("{} {}", b.x.to_bits(), b.start)} class={classes!("band", b.role.as_str())}>
                    { band_mark(b) }
                </g>
            }) }
        </g>
    }
}

fn band_mark(b: &Band) -> Html {
    if b.role == NodeStatus::Stopped {
        let height = fmt(b.y2 - b.y1);
        html! { <rect x={fmt(b.x - 5.0)} y={fmt(b.y1)} width="10" height={height} /> }
    } else {
        let x = fmt(b.x);
        html! { <line x1={x.clone()} y1={fmt(b.y1)} x2={x} y2={fmt(b.y2)} /> }
    }
}

/// The role stretches' names: at the start of each that started in the
/// window, sliding with it; or, `pinned`, at the window's top for those
/// that began above it (so they stay named), still.
fn band_labels(d: &Diagram, pinned: bool) -> Html {
    html! {
        <g class="bands" aria-hidden="true">
            { for d.bands.iter().filter(|b| b.pinned == pinned).map(|b| {
                let y = if pinned { TOP } else { b.y1 };
                html! {
                    <text key={format!("{} {}", b.x.to_bits(), b.start)} class="band-label" x={fmt(b.x + 5.0)} y={fmt(y + 9.0)}>
                        { &b.label }
                    </text>
                }
            }) }
        </g>
    }
}

/// Every message, keyed by id.
fn messages(d: &Diagram) -> Html {
    html! {
        <g class="messages">
            { for d.arrows.iter().map(|a| html! {
                <ArrowView key={a.id} arrow={Rc::clone(a)} />
            }) }
        </g>
    }
}

#[derive(Clone, Debug, Properties)]
struct ArrowProps {
    arrow: Rc<Arrow>,
}

/// A recompute hands on the same `Rc` for an unchanged message
/// (`view::sequence`), so most comparisons stop at the pointer.
impl PartialEq for ArrowProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.arrow, &other.arrow) || self.arrow == other.arrow
    }
}

/// One message: a line from its send to its end, with its tooltip. An
/// unchanged arrow (equal props) is not redrawn.
struct ArrowView;

impl Component for ArrowView {
    type Message = ();
    type Properties = ArrowProps;

    fn create(_: &Context<Self>) -> Self {
        ArrowView
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        arrow(&ctx.props().arrow)
    }
}

fn arrow(a: &Arrow) -> Html {
    let head = (a.tip == Tip::Head).then(|| format!("url(#seq-head-{})", a.class));
    let cross = (a.tip == Tip::Cross).then(|| {
        let d = format!(
            "M {} {} l 7 7 m 0 -7 l -7 7",
            fmt(a.x2 - 3.5),
            fmt(a.y2 - 3.5)
        );
        html! { <path class="cross" stroke={a.color} d={d} /> }
    });
    html! {
        <g class={classes!("msg", a.class, a.reply.then_some("reply"))}>
            <title>{ &a.label }</title>
            <line class="path" x1={fmt(a.x1)} y1={fmt(a.y1)} x2={fmt(a.x2)} y2={fmt(a.y2)} stroke={a.color} marker-end={head} />
            { for cross }
        </g>
    }
}

/// The slide as the browser plays it: the layer sits at the window's top,
/// so content at y shows at y + shift in the picture when moved by
/// shift - TOP.
fn slid(s: Slide) -> Motion {
    Motion::Through {
        points: vec![(0.0, 0.0, s.from - TOP), (1.0, 0.0, s.to - TOP)],
        duration_ms: s.duration_ms,
        elapsed_ms: 0.0,
        running: s.running,
    }
}

/// A dot's key: the slide's, and where its message's arrow runs, so the
/// dot starts again with either.
fn dot_version(a: &Arrow, slide: u64) -> u64 {
    let mut h = crate::sim::stable_hash::StableHasher::new();
    h.u64(slide);
    for x in [a.x1, a.y1, a.x2, a.y2] {
        h.u64(x.to_bits());
    }
    h.finish()
}
