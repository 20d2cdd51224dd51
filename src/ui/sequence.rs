//! The message diagram: lifelines, recent messages as arrows, and the
//! stretches where a node led, ran for election or was stopped. The SVG
//! is written by `view::sequence_svg`; this only places it in the page.

use super::part::PartProps;
use crate::view::sequence::{self, WINDOW};
use crate::view::sequence_svg;
use crate::view::session::Session;
use yew::prelude::*;

/// The last [`WINDOW`] of simulated time up to `now`, as it was at `now`.
pub(super) fn view(s: &Session, _: &PartProps) -> Html {
    let p = &s.playground;
    let d = sequence::diagram(&p.messages, p.scenario.nodes, p.sim.now(), WINDOW);
    html! {
        <section class="sequence" aria-label="Message diagram">
            <h2>{ "Messages over time" }</h2>
            { Html::from_html_unchecked(sequence_svg::svg(&d).into()) }
            if let Some(note) = &d.note {
                <p class="window-note">{ note }</p>
            }
        </section>
    }
}
