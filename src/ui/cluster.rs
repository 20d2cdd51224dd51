//! The cluster picture in SVG: links, messages in flight, servers.

use super::app::Msg;
use super::motion::{self as moving, Moving};
use super::part::{on_activate, Part, PartKind, PartProps};
use crate::view::geometry;
use crate::view::membership::Standing;
use crate::view::motion;
use crate::view::motion::Motion;
use crate::view::playground::Selection;
use crate::view::scene::{LinkView, MessageShape, MessageView};
use crate::view::session::Session;
use crate::view::versions;
use yew::prelude::*;

pub(super) fn links(s: &Session, _: &PartProps) -> Html {
    let scene = &s.playground.scene;
    let radius = scene.nodes.first().map_or(0.0, |n| n.radius);
    html! { <g class="links">{ for scene.links.iter().map(|l| link_line(l, radius)) }</g> }
}

pub(super) fn view(s: &Session, part: &PartProps) -> Html {
    let p = &s.playground;
    let scene = &p.scene;
    let viewbox = format!("0 0 {} {}", fmt(geometry::WIDTH), fmt(geometry::HEIGHT));
    let hub = geometry::clients_position(scene.nodes.len() as u64);
    // Two layers of one size: the still one (links, servers) is laid out
    // and painted again only when a server's part changes; the moving one
    // (timers, messages) every frame, and it holds only a few shapes.
    html! {
        <div class="cluster-stack">
            <svg class="cluster" viewBox={viewbox.clone()} role="group" aria-label="Servers and messages">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" fill="#333" />
                    </marker>
                </defs>
                <Part ..part.nested(PartKind::Links, versions::links(s)) />
                <g class="clients-hub" aria-hidden="true">
                    <circle cx={fmt(hub.x)} cy={fmt(hub.y)} r="10" class="hub" />
                    <text x={fmt(hub.x)} y={fmt(hub.y + 24.0)} class="hub-label">{ "clients" }</text>
                </g>
                <g class="nodes">{ for scene.nodes.iter().map(|n| html! {
                    <Part ..part.item(PartKind::Node, n.id, versions::node(s, n)) />
                }) }</g>
            </svg>
            <svg class="cluster moving" viewBox={viewbox} role="group" aria-label="Messages in flight">
                // Timers and messages are HTML boxes in the picture's units,
                // which the browser animates (ui::motion); what a message
                // holds is drawn at the origin and only again when it
                // changes.
                <foreignObject x="0" y="0" width={fmt(geometry::WIDTH)} height={fmt(geometry::HEIGHT)}>
                    <div xmlns="http://www.w3.org/1999/xhtml" class="in-motion">
                        <div class="timers" aria-hidden="true">{ for scene.nodes.iter().map(|n| html! {
                            <Part key={n.id} ..part.item(PartKind::Timer, n.id, versions::sweep(s, n)) />
                        }) }</div>
                        // Keyed, in a list of their own: Yew matches a
                        // list's children by key only when all have one.
                        <div class="messages">{ for scene.messages.iter().map(|m| html! {
                            // The drawing's box is centred on the origin and
                            // lets what overflows it show (a snapshot's tag
                            // is long).
                            <Moving key={m.id} class="flight" version={versions::flight(s, m)}
                                motion={Motion::flight(&motion::flight(m, p.sim.now(), p.speed, p.paused))}>
                                <svg viewBox="-60 -60 120 120" width="120" height="120">
                                    <Part ..part.item(PartKind::Message, m.id, versions::message(s, m)) />
                                </svg>
                            </Moving>
                        }) }</div>
                    </div>
                </foreignObject>
                if let Some(note) = scene.undrawn_note() {
                    <text class="undrawn-note" x="6" y={fmt(geometry::HEIGHT - 6.0)}>{ note }</text>
                }
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
        </div>
    }
}

/// Open links are thin grey lines; a partition's cut links are dashed red;
/// a one-way cut is dashed orange with an arrow showing the open direction.
fn link_line(l: &LinkView, radius: f64) -> Html {
    let (class, one_way) = match (l.a_to_b, l.b_to_a) {
        (true, true) => ("link open", false),
        (false, false) => ("link cut", false),
        _ => ("link one-way", true),
    };
    let (from, to) = l.line(radius);
    let title = match (l.a_to_b, l.b_to_a) {
        (true, true) => format!("link {}–{} open", l.a, l.b),
        (false, false) => format!("link {}–{} cut", l.a, l.b),
        (true, false) => format!("only {} → {} passes", l.a, l.b),
        (false, true) => format!("only {} → {} passes", l.b, l.a),
    };
    html! {
        <line class={class} x1={fmt(from.x)} y1={fmt(from.y)} x2={fmt(to.x)} y2={fmt(to.y)}
            marker-end={one_way.then_some("url(#arrow)")}>
            <title>{ title }</title>
        </line>
    }
}

/// A server's election timer running down, if it runs, animated by the
/// browser outside the server's own part: the part numbered by its id,
/// drawn when its sweep starts again (`versions::sweep`), so a redraw of
/// the picture does not build its rings again.
pub(super) fn timer(s: &Session, part: &PartProps) -> Html {
    let p = &s.playground;
    let sweep = (p.scene.nodes.iter().find(|n| n.id == part.item))
        .and_then(|n| motion::sweep(n, p.sim.now(), p.speed, p.paused));
    match sweep {
        Some(sweep) => html! { <div>{ moving::sweeping(&sweep, part.version) }</div> },
        None => html! {},
    }
}

/// One server: the part numbered by its id.
pub(super) fn node(s: &Session, part: &PartProps) -> Html {
    let p = &s.playground;
    let Some(n) = p.scene.nodes.iter().find(|n| n.id == part.item) else {
        return html! {};
    };
    let id = n.id;
    let link = &part.send;
    let selected = p.selection == Selection::Node(id);
    // A server a failure found names (view::what_if).
    let involved = p
        .failure
        .as_ref()
        .is_some_and(|f| f.highlight.nodes.contains(&id));
    let class = classes!(
        "node",
        format!("role-{}", n.role),
        format!("standing-{}", n.standing.as_str()),
        selected.then_some("selected"),
        involved.then_some("involved"),
        geometry::small_labels(n.radius).then_some("small-labels")
    );
    let onclick = link.reform(move |_| Msg::Picked(Selection::Node(id)));
    let onkeydown = on_activate(link, move || Msg::Picked(Selection::Node(id)));
    let (cx, cy, r) = (n.center.x, n.center.y, n.radius);
    html! {
        <g class={class} role="button" tabindex="0" aria-label={n.label.clone()} aria-pressed={selected.to_string()}
            data-node={id.to_string()} data-role={n.role} data-term={n.term.to_string()}
            data-standing={n.standing.as_str()} {onclick} {onkeydown}>
            <title>{ &n.label }</title>
            // A halo of its own, outside the leader's ring, so the outline
            // still tells the role (a dashed red body read as a candidate).
            if involved {
                <circle class="involved-ring" cx={fmt(cx)} cy={fmt(cy)} r={fmt(r + 15.0)} />
            }
            if n.role == "leader" {
                <circle class="leader-ring" cx={fmt(cx)} cy={fmt(cy)} r={fmt(r + 9.0)} />
            }
            <circle class="body" cx={fmt(cx)} cy={fmt(cy)} r={fmt(r)} fill={n.fill} />
            <text class="term" x={fmt(cx)} y={fmt(cy + 2.0)}
                textLength={geometry::term_fit(n.term, r).map(fmt)} lengthAdjust="spacingAndGlyphs">{ n.term }</text>
            if geometry::labels_inside(r) {
                <text class="node-id" x={fmt(cx)} y={fmt(cy - r * 0.48)}>{ format!("n{id}") }</text>
                <text class="commit" x={fmt(cx)} y={fmt(cy + r * 0.62)}>{ format!("c{}", n.commit) }</text>
            } else {
                // Above the leader's double ring, which a small circle has too.
                <text class="node-id" x={fmt(cx)} y={fmt(cy - r - 12.0)}>{ format!("n{id}") }</text>
            }
            { for n.vote_dots.iter().map(|d| html! {
                <circle class="vote" cx={fmt(d.x)} cy={fmt(d.y)} r="3" />
            }) }
            // Small circles say "removed" by their pale dashed outline
            // alone: the word reached the neighbours' names.
            if n.standing != Standing::Voter
                && (geometry::labels_inside(r) || n.standing != Standing::Removed)
            {
                <text class="standing" x={fmt(cx)} y={fmt(cy + r + 16.0)}>{ n.standing.as_str() }</text>
            }
        </g>
    }
}

/// One message in flight, drawn around the origin: the picture's group
/// around it moves it along its flight.
pub(super) fn message(s: &Session, part: &PartProps) -> Html {
    let p = &s.playground;
    let Some(m) = p.scene.message(part.item) else {
        return html! {};
    };
    let id = m.id;
    let link = &part.send;
    let selected = p.selection == Selection::Message(id);
    let onclick = link.reform(move |_| Msg::Picked(Selection::Message(id)));
    let onkeydown = on_activate(link, move || Msg::Picked(Selection::Message(id)));
    let (fill, stroke_dash) = match (m.reply, m.ok) {
        (false, _) => (m.color, None),
        (true, Some(false)) => ("white", Some("2 2")),
        (true, _) => ("white", None),
    };
    let tag = m.tag.as_ref().map(|t| format!(", {t}"));
    let label = format!(
        "{} from {} to {}{}{}",
        m.kind,
        m.from_name,
        m.to_name,
        outcome_text(m),
        tag.as_deref().unwrap_or_default()
    );
    let class = classes!(
        "message",
        m.reply.then_some("reply"),
        selected.then_some("selected")
    );
    let (tail, head) = m.direction;
    html! {
        <g class={class} role="button" tabindex="0" aria-label={label.clone()} data-message={id.to_string()} {onclick} {onkeydown}>
            <title>{ label }</title>
            if p.paused {
                <line class="direction" x1={fmt(tail.x - m.at.x)} y1={fmt(tail.y - m.at.y)}
                    x2={fmt(head.x - m.at.x)} y2={fmt(head.y - m.at.y)} marker-end="url(#arrow)" />
            }
            { shape(m, fill, stroke_dash) }
            if let Some(tag) = &m.tag {
                <text class="tag" x={fmt(m.tag_at.x)} y={fmt(m.tag_at.y)} text-anchor={m.tag_anchor} fill={m.color}>{ tag }</text>
            }
            if m.reply && m.ok == Some(false) {
                <text class="nack" y="3">{ "×" }</text>
            }
        </g>
    }
}

/// A message's shape around the origin: a read's are squares, told apart
/// from the round heartbeats of AppendEntries by shape as well as colour;
/// a snapshot's chunks and their replies wide parcels with a band.
fn shape(m: &MessageView, fill: &'static str, dash: Option<&'static str>) -> Html {
    let r = m.radius;
    match m.shape {
        MessageShape::Dot => html! {
            <circle r={fmt(r)} fill={fill} stroke={m.color} stroke-width="2" stroke-dasharray={dash} />
        },
        MessageShape::Square => html! {
            <rect x={fmt(-r)} y={fmt(-r)} width={fmt(2.0 * r)} height={fmt(2.0 * r)}
                fill={fill} stroke={m.color} stroke-width="2" stroke-dasharray={dash} />
        },
        MessageShape::Parcel => html! {
            <>
                <rect x={fmt(-1.6 * r)} y={fmt(-r)} width={fmt(3.2 * r)} height={fmt(2.0 * r)} rx="1.5"
                    fill={fill} stroke={m.color} stroke-width="2" stroke-dasharray={dash} />
                <line x1="0" y1={fmt(-r)} x2="0" y2={fmt(r)} stroke={if m.reply { m.color } else { "white" }} stroke-width="1.5" />
            </>
        },
    }
}

fn outcome_text(m: &MessageView) -> &'static str {
    match (m.kind, m.ok) {
        ("RequestVoteReply", Some(true)) => ", vote granted",
        ("RequestVoteReply", Some(false)) => ", vote refused",
        ("PreVoteReply", Some(true)) => ", pre-vote granted",
        ("PreVoteReply", Some(false)) => ", pre-vote refused",
        ("AppendEntriesReply", Some(true)) => ", success",
        ("AppendEntriesReply", Some(false)) => ", rejected",
        ("AppendEntries", _) if m.carries_entries => ", with entries",
        ("AppendEntries", _) => ", heartbeat",
        ("ReadHeartbeat", _) => ", ReadIndex round",
        ("ReadHeartbeatReply", _) => ", ReadIndex round acknowledged",
        ("ReadIndex", _) => ", asks the leader for a read index",
        ("ReadIndexReply", _) => ", the read index",
        _ => "",
    }
}

/// An SVG coordinate to a tenth of a unit (the picture and the diagram).
pub fn fmt(x: f64) -> String {
    crate::sim::decimal::fixed(x, 1)
}
