//! The cluster picture in SVG: links, messages in flight, servers.

use super::app::Msg;
use super::part::{on_click, on_enter, Part, PartKind, PartProps};
use crate::view::geometry::{self, arc_path};
use crate::view::playground::{Playground, Selection};
use crate::view::scene::{LinkView, MessageView, NodeView};
use crate::view::session::{Input, Session};
use crate::view::versions;
use yew::prelude::*;

pub(super) fn links(s: &Session, _: &PartProps) -> Html {
    html! { <g class="links">{ for s.playground.scene.links.iter().map(link_line) }</g> }
}

pub(super) fn view(s: &Session, part: &PartProps) -> Html {
    let p = &s.playground;
    let link = &part.send;
    let scene = &p.scene;
    let viewbox = format!("0 0 {} {}", fmt(geometry::WIDTH), fmt(geometry::HEIGHT));
    html! {
        <svg class="cluster" viewBox={viewbox} role="group" aria-label="Servers and messages">
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#333" />
                </marker>
            </defs>
            <Part ..part.nested(PartKind::Links, versions::links(s)) />
            <g class="clients-hub" aria-hidden="true">
                <circle cx="200" cy="200" r="10" class="hub" />
                <text x="200" y="224" class="hub-label">{ "clients" }</text>
            </g>
            <g class="nodes">{ for scene.nodes.iter().map(|n| node(n, p, link)) }</g>
            <g class="messages">{ for scene.messages.iter().map(|m| message(m, p, link)) }</g>
            <g class="dying" aria-hidden="true">{ for p.dying.iter().map(|d| {
                let opacity = crate::sim::decimal::fixed((d.left_ms / crate::view::playground::DYING_MS).clamp(0.0, 1.0), 2);
                let (x, y) = (d.at.x, d.at.y);
                html! {
                    <g class="dead-message" opacity={opacity}>
                        <line x1={fmt(x - 6.0)} y1={fmt(y - 6.0)} x2={fmt(x + 6.0)} y2={fmt(y + 6.0)} stroke={d.color} />
                        <line x1={fmt(x - 6.0)} y1={fmt(y + 6.0)} x2={fmt(x + 6.0)} y2={fmt(y - 6.0)} stroke={d.color} />
                    </g>
                }
            }) }</g>
        </svg>
    }
}

/// Open links are thin grey lines; a partition's cut links are dashed red;
/// a one-way cut is dashed orange with an arrow showing the open direction.
fn link_line(l: &LinkView) -> Html {
    let (class, marker) = match (l.a_to_b, l.b_to_a) {
        (true, true) => ("link open", None),
        (false, false) => ("link cut", None),
        (true, false) => ("link one-way", Some(false)),
        (false, true) => ("link one-way", Some(true)),
    };
    let (from, to) = match marker {
        Some(true) => (l.to, l.from),
        _ => (l.from, l.to),
    };
    let title = match (l.a_to_b, l.b_to_a) {
        (true, true) => format!("link {}–{} open", l.a, l.b),
        (false, false) => format!("link {}–{} cut", l.a, l.b),
        (true, false) => format!("only {} → {} passes", l.a, l.b),
        (false, true) => format!("only {} → {} passes", l.b, l.a),
    };
    html! {
        <line class={class} x1={fmt(from.x)} y1={fmt(from.y)} x2={fmt(to.x)} y2={fmt(to.y)}
            marker-end={marker.map(|_| "url(#arrow)")}>
            <title>{ title }</title>
        </line>
    }
}

fn node(n: &NodeView, p: &Playground, link: &Callback<Msg>) -> Html {
    let id = n.id;
    let selected = p.selection == Selection::Node(id);
    let class = classes!(
        "node",
        format!("role-{}", n.role),
        selected.then_some("selected")
    );
    let onclick = on_click(link, Input::Select(Selection::Node(id)));
    let onkeydown = on_enter(link, move || Msg::Do(Input::Select(Selection::Node(id))));
    let (cx, cy, r) = (n.center.x, n.center.y, n.radius);
    let timer = arc_path(n.center, r + 5.0, n.timer_left);
    html! {
        <g class={class} role="button" tabindex="0" aria-label={n.label.clone()} aria-pressed={selected.to_string()}
            data-node={id.to_string()} data-role={n.role} data-term={n.term.to_string()} {onclick} {onkeydown}>
            <title>{ &n.label }</title>
            if n.role == "leader" {
                <circle class="leader-ring" cx={fmt(cx)} cy={fmt(cy)} r={fmt(r + 9.0)} />
            }
            <circle class="body" cx={fmt(cx)} cy={fmt(cy)} r={fmt(r)} fill={n.fill} />
            if !timer.is_empty() {
                <path class="timer" d={timer} />
            }
            <text class="term" x={fmt(cx)} y={fmt(cy + 2.0)}>{ n.term }</text>
            <text class="node-id" x={fmt(cx)} y={fmt(cy - r * 0.48)}>{ format!("n{id}") }</text>
            <text class="commit" x={fmt(cx)} y={fmt(cy + r * 0.62)}>{ format!("c{}", n.commit) }</text>
            { for n.vote_dots.iter().map(|d| html! {
                <circle class="vote" cx={fmt(d.x)} cy={fmt(d.y)} r="3" />
            }) }
        </g>
    }
}

fn message(m: &MessageView, p: &Playground, link: &Callback<Msg>) -> Html {
    let id = m.id;
    let selected = p.selection == Selection::Message(id);
    let onclick = on_click(link, Input::Select(Selection::Message(id)));
    let onkeydown = on_enter(link, move || Msg::Do(Input::Select(Selection::Message(id))));
    let radius = m.radius;
    let (fill, stroke_dash) = match (m.reply, m.ok) {
        (false, _) => (m.color, None),
        (true, Some(false)) => ("white", Some("2 2")),
        (true, _) => ("white", None),
    };
    let label = format!(
        "{} from {} to {}{}",
        m.kind,
        m.from_name,
        m.to_name,
        outcome_text(m)
    );
    let class = classes!(
        "message",
        m.reply.then_some("reply"),
        selected.then_some("selected")
    );
    let (tail, head) = m.direction;
    html! {
        <g key={id} class={class} role="button" tabindex="0" aria-label={label.clone()} data-message={id.to_string()} {onclick} {onkeydown}>
            <title>{ label }</title>
            if p.paused {
                <line class="direction" x1={fmt(tail.x)} y1={fmt(tail.y)} x2={fmt(head.x)} y2={fmt(head.y)}
                    marker-end="url(#arrow)" />
            }
            <circle cx={fmt(m.at.x)} cy={fmt(m.at.y)} r={fmt(radius)} fill={fill} stroke={m.color}
                stroke-width="2" stroke-dasharray={stroke_dash} />
            if m.reply && m.ok == Some(false) {
                <text class="nack" x={fmt(m.at.x)} y={fmt(m.at.y + 3.0)}>{ "×" }</text>
            }
        </g>
    }
}

fn outcome_text(m: &MessageView) -> &'static str {
    match (m.kind, m.ok) {
        ("RequestVoteReply", Some(true)) => ", vote granted",
        ("RequestVoteReply", Some(false)) => ", vote refused",
        ("AppendEntriesReply", Some(true)) => ", success",
        ("AppendEntriesReply", Some(false)) => ", rejected",
        ("AppendEntries", _) if m.carries_entries => ", with entries",
        ("AppendEntries", _) => ", heartbeat",
        _ => "",
    }
}

/// An SVG coordinate to a tenth of a unit (the picture and the diagram).
pub fn fmt(x: f64) -> String {
    crate::sim::decimal::fixed(x, 1)
}
