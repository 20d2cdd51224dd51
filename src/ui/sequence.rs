//! The message diagram in SVG: lifelines, recent messages as arrows, and
//! the stretches where a node led, ran for election or was stopped.

use super::cluster::fmt;
use crate::raft::Time;
use crate::view::message_history::MessageHistory;
use crate::view::palette;
use crate::view::sequence::{self, Arrow, Band, Diagram, Tip};
use crate::view::sequence::{HEIGHT, LEFT, RIGHT, TOP, WIDTH, WINDOW};
use yew::prelude::*;

/// Arrowheads, one per message colour (markers cannot take the line's).
const HEADS: [(&str, &str); 3] = [
    ("seq-head-rv", "RequestVote"),
    ("seq-head-ae", "AppendEntries"),
    ("seq-head-client", "ClientRequest"),
];

/// The last [`WINDOW`] of simulated time up to `now`, as it was at `now`.
pub fn view(history: &MessageHistory, nodes: u64, now: Time) -> Html {
    let d = sequence::diagram(history, nodes, now, WINDOW);
    let viewbox = format!("0 0 {WIDTH} {HEIGHT}");
    html! {
        <section class="sequence" aria-label="Message diagram">
            <h2>{ "Messages over time" }</h2>
            <svg class="sequence-diagram" viewBox={viewbox} role="img" aria-label={d.summary.clone()}>
                <defs>{ for HEADS.iter().map(|(id, kind)| html! {
                    <marker id={*id} viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse"
                        markerWidth="7" markerHeight="7" orient="auto">
                        <path d="M 0 0 L 10 5 L 0 10 z" fill={palette::message_color(kind)} />
                    </marker>
                }) }</defs>
                { axes(&d) }
                <g class="bands">{ for d.bands.iter().map(band) }</g>
                <g class="messages">{ for d.arrows.iter().map(arrow) }</g>
            </svg>
            if let Some(note) = &d.note {
                <p class="window-note">{ note }</p>
            }
        </section>
    }
}

/// Time labels with faint rules, lifelines with their names, and the line
/// of `now` at the bottom.
fn axes(d: &Diagram) -> Html {
    let right = fmt(WIDTH - RIGHT);
    html! {
        <g class="axes" aria-hidden="true">
            { for d.ticks.iter().map(|t| html! {
                <>
                    <line class="rule" x1={fmt(LEFT)} y1={fmt(t.y)} x2={right.clone()} y2={fmt(t.y)} />
                    <text class="tick" x={fmt(LEFT - 6.0)} y={fmt(t.y)}>{ &t.label }</text>
                </>
            }) }
            { for d.lanes.iter().map(|l| html! {
                <>
                    <line class="lane" x1={fmt(l.x)} y1={fmt(TOP)} x2={fmt(l.x)} y2={fmt(d.now_y)} />
                    <text class="lane-name" x={fmt(l.x)} y={fmt(TOP - 10.0)}>{ &l.name }</text>
                </>
            }) }
            <line class="now" x1={fmt(LEFT)} y1={fmt(d.now_y)} x2={right} y2={fmt(d.now_y)} />
        </g>
    }
}

fn band(b: &Band) -> Html {
    let shape = if b.role == "stopped" {
        html! { <rect x={fmt(b.x - 5.0)} y={fmt(b.y1)} width="10" height={fmt(b.y2 - b.y1)} /> }
    } else {
        html! { <line x1={fmt(b.x)} y1={fmt(b.y1)} x2={fmt(b.x)} y2={fmt(b.y2)} /> }
    };
    html! {
        <g class={classes!("band", b.role)}>
            { shape }
            <text class="band-label" x={fmt(b.x + 5.0)} y={fmt(b.y1 + 9.0)}>{ &b.label }</text>
        </g>
    }
}

fn arrow(a: &Arrow) -> Html {
    let head = (a.tip == Tip::Head).then(|| format!("url(#seq-head-{})", a.class));
    let (x, y) = (a.x2, a.y2);
    let tip = match a.tip {
        Tip::Head => html! {},
        Tip::Dot => html! { <circle cx={fmt(x)} cy={fmt(y)} r="2.5" stroke={a.color} /> },
        Tip::Cross => html! {
            <path class="cross" stroke={a.color}
                d={format!("M {} {} l 7 7 m 0 -7 l -7 7", fmt(x - 3.5), fmt(y - 3.5))} />
        },
    };
    html! {
        <g key={a.id} class={classes!("msg", a.class, a.reply.then_some("reply"))}>
            <title>{ &a.label }</title>
            <line class="path" x1={fmt(a.x1)} y1={fmt(a.y1)} x2={fmt(x)} y2={fmt(y)}
                stroke={a.color} marker-end={head} />
            { tip }
        </g>
    }
}
