//! The message diagram written out as SVG markup. One string instead of a
//! tree of Yew nodes: the diagram is redrawn whole every frame anyway, the
//! browser parses markup faster than a virtual DOM diffs it, and the wasm
//! bundle is far smaller. Only presentation attributes and classes, no
//! `style`, so the page's Content-Security-Policy holds.

use super::markup::escape;
use super::palette;
use super::sequence::{Arrow, Band, Diagram, Tip, HEIGHT, LEFT, RIGHT, TOP, WIDTH};
use crate::sim::NodeStatus;
use std::fmt::Write;

/// Arrowheads, one per message colour (markers cannot take the line's).
const HEADS: [(&str, &str); 3] = [
    ("seq-head-rv", "RequestVote"),
    ("seq-head-ae", "AppendEntries"),
    ("seq-head-client", "ClientRequest"),
];

/// The whole `<svg>` element for `d`.
pub fn svg(d: &Diagram) -> String {
    let mut out = String::with_capacity(256 + 200 * d.arrows.len());
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="sequence-diagram" viewBox="0 0 {} {}" role="img" aria-label="{}"><defs>"#,
        n(WIDTH),
        n(HEIGHT),
        escape(&d.summary)
    );
    for (id, kind) in HEADS {
        let _ = write!(
            out,
            r#"<marker id="{id}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="7" markerHeight="7" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="{}"/></marker>"#,
            palette::message_color(kind)
        );
    }
    out.push_str("</defs>");
    axes(&mut out, d);
    out.push_str(r#"<g class="bands">"#);
    d.bands.iter().for_each(|b| band(&mut out, b));
    out.push_str(r#"</g><g class="messages">"#);
    d.arrows.iter().for_each(|a| arrow(&mut out, a));
    out.push_str("</g></svg>");
    out
}

/// Time labels with faint rules, lifelines with their names, and the line
/// of `now` at the bottom.
fn axes(out: &mut String, d: &Diagram) {
    let (left, right) = (n(LEFT), n(WIDTH - RIGHT));
    out.push_str(r#"<g class="axes" aria-hidden="true">"#);
    for t in &d.ticks {
        let y = n(t.y);
        let _ = write!(
            out,
            r#"<line class="rule" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/><text class="tick" x="{}" y="{y}">{}</text>"#,
            n(LEFT - 6.0),
            escape(&t.label),
        );
    }
    for l in &d.lanes {
        let x = n(l.x);
        let _ = write!(
            out,
            r#"<line class="lane" x1="{x}" y1="{}" x2="{x}" y2="{}"/><text class="lane-name" x="{x}" y="{}">{}</text>"#,
            n(TOP),
            n(d.now_y),
            n(TOP - 10.0),
            escape(&l.name),
        );
    }
    let y = n(d.now_y);
    let _ = write!(
        out,
        r#"<line class="now" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/></g>"#
    );
}

fn band(out: &mut String, b: &Band) {
    let _ = write!(out, r#"<g class="band {}">"#, b.role.as_str());
    if b.role == NodeStatus::Stopped {
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="10" height="{}"/>"#,
            n(b.x - 5.0),
            n(b.y1),
            n(b.y2 - b.y1)
        );
    } else {
        let x = n(b.x);
        let _ = write!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            n(b.y1),
            n(b.y2)
        );
    }
    let _ = write!(
        out,
        r#"<text class="band-label" x="{}" y="{}">{}</text></g>"#,
        n(b.x + 5.0),
        n(b.y1 + 9.0),
        escape(&b.label)
    );
}

fn arrow(out: &mut String, a: &Arrow) {
    let reply = if a.reply { " reply" } else { "" };
    let _ = write!(
        out,
        r#"<g class="msg {}{reply}"><title>{}</title><line class="path" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}""#,
        a.class,
        escape(&a.label),
        n(a.x1),
        n(a.y1),
        n(a.x2),
        n(a.y2),
        a.color
    );
    if a.tip == Tip::Head {
        let _ = write!(out, r#" marker-end="url(#seq-head-{})""#, a.class);
    }
    out.push_str("/>");
    match a.tip {
        Tip::Head => {}
        Tip::Dot => {
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{}" r="2.5" stroke="{}"/>"#,
                n(a.x2),
                n(a.y2),
                a.color
            );
        }
        Tip::Cross => {
            let _ = write!(
                out,
                r#"<path class="cross" stroke="{}" d="M {} {} l 7 7 m 0 -7 l -7 7"/>"#,
                a.color,
                n(a.x2 - 3.5),
                n(a.y2 - 3.5)
            );
        }
    }
    out.push_str("</g>");
}

/// A coordinate to a tenth of a unit.
fn n(x: f64) -> String {
    crate::sim::decimal::fixed(x, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MILLIS;
    use crate::sim::Simulation;
    use crate::view::message_history::MessageHistory;
    use crate::view::playground::playground_config;
    use crate::view::sequence::{diagram, WINDOW};

    /// A real run's diagram: one `<g class="msg ...">` per arrow, balanced
    /// tags, no inline style, and text escaped.
    #[test]
    fn a_run_becomes_balanced_markup_with_one_group_per_arrow() {
        let mut sim = Simulation::new(playground_config(3, 5)).unwrap();
        let mut history = MessageHistory::default();
        while sim.now() < 700 * MILLIS && sim.step() {
            for (t, event) in sim.trace_mut().take_recorded() {
                history.record(t, &event);
            }
        }
        let d = diagram(&history, 5, sim.now(), WINDOW);
        assert!(!d.arrows.is_empty());
        let svg = svg(&d);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches(r#"<g class="msg "#).count(), d.arrows.len());
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
    }
}
