//! The message diagram: lifelines, recent messages as arrows, and the
//! stretches where a node led, ran for election or was stopped.
//!
//! What is drawn ([`Diagram`]) changes only a few times per wall second,
//! while the picture slides every frame. So the parts that depend on the
//! content alone are components compared by `Rc` identity and skipped on
//! frames that only move it; each frame sets one `transform` on the two
//! moving groups, and redraws only the band labels that stick to the top
//! and the dots of messages in flight. Arrows are keyed by message id: a
//! new diagram touches the page only for arrows that came, went or changed.
//! Only presentation attributes and classes, no `style`, so the page's
//! Content-Security-Policy holds.

use super::cluster::fmt;
use crate::sim::decimal;
use crate::sim::NodeStatus;
use crate::view::palette;
use crate::view::sequence::{Arrow, Band, Diagram, Tip, HEIGHT, LEFT, NOW_Y, RIGHT, TOP, WIDTH};
use std::rc::Rc;
use yew::prelude::*;

/// The message diagram section: `content` moved down by `shift`
/// (`SequenceView::shift`). Drawn every frame; the layers that depend on
/// the content alone are skipped while it is the same `Rc`.
pub fn view(content: &Rc<Diagram>, shift: f64) -> Html {
    // Whole units: at the default speed the content slides a third of a
    // unit per frame, so the page repaints the diagram every third frame
    // instead of every frame (the transform string does not change in
    // between, and Yew leaves the DOM alone).
    let shift = shift.round();
    let viewbox = format!("0 0 {} {}", fmt(WIDTH), fmt(HEIGHT));
    let moved = format!("translate(0 {})", decimal::fixed(shift, 0));
    let layer = |kind| html! { <Layer content={Rc::clone(content)} {kind} /> };
    html! {
        <section class="sequence" aria-label="Message diagram">
            <h2>{ "Messages over time" }</h2>
            <svg class="sequence-diagram" viewBox={viewbox} role="img" aria-label={content.summary.clone()}>
                { layer(LayerKind::Defs) }
                <g clip-path="url(#seq-clip)" aria-hidden="true">
                    <g transform={moved.clone()}>{ layer(LayerKind::Ticks) }</g>
                </g>
                { layer(LayerKind::Lanes) }
                <g clip-path="url(#seq-clip)">
                    <g transform={moved}>
                        { layer(LayerKind::Bands) }
                        { band_labels(content, shift) }
                        { layer(LayerKind::Messages) }
                    </g>
                </g>
                { dots(content, shift) }
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
    Bands,
    Messages,
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
            LayerKind::Bands => bands(d),
            LayerKind::Messages => messages(d),
        }
    }
}

/// Arrowheads, one per message colour (markers cannot take the line's),
/// and the clip to the plot, from its top to `now`: what slides is hidden
/// beyond them (time labels too, which are revealed as they pass `now`).
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
            <clipPath id="seq-clip">
                <rect x="0" y={fmt(TOP)} width={fmt(WIDTH)} height={fmt(NOW_Y - TOP)} />
            </clipPath>
        </defs>
    }
}

/// Time labels with faint rules across, in content coordinates.
fn ticks(d: &Diagram) -> Html {
    let (left, right) = (fmt(LEFT), fmt(WIDTH - RIGHT));
    html! {
        <g class="axes">
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
            <line class="now" x1={fmt(LEFT)} y1={now.clone()} x2={fmt(WIDTH - RIGHT)} y2={now} />
        </g>
    }
}

/// The role stretches' lines (leader, candidate) or blocks (stopped).
fn bands(d: &Diagram) -> Html {
    html! {
        <g class="bands">
            { for d.bands.iter().map(|b| html! {
                <g key={format!("{} {}", b.x, b.start)} class={classes!("band", b.role.as_str())}>
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

/// The role stretches' names, at the start of each, or at the window's top
/// for one that began above it (so it stays named): they move each frame.
fn band_labels(d: &Diagram, shift: f64) -> Html {
    let top = TOP - shift;
    html! {
        <g class="bands" aria-hidden="true">
            { for d.bands.iter().filter(|b| b.y2 >= top).map(|b| html! {
                <text key={format!("{} {}", b.x, b.start)} class="band-label" x={fmt(b.x + 5.0)} y={fmt(b.y1.max(top) + 9.0)}>
                    { &b.label }
                </text>
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

/// Messages in flight, each a dot where it is at `now`, on the line of
/// `now` (outside the clip, which would cut the dot in half).
fn dots(d: &Diagram, shift: f64) -> Html {
    let now = NOW_Y - shift;
    html! {
        <g class="messages" aria-hidden="true">
            { for d.arrows.iter().filter_map(|a| Some((a, a.x_at(now)?))).map(|(a, x)| html! {
                <g key={a.id} class={classes!("msg", a.class, a.reply.then_some("reply"))}>
                    <circle cx={fmt(x)} cy={fmt(NOW_Y)} r="2.5" stroke={a.color} />
                </g>
            }) }
        </g>
    }
}
