//! The message diagram: lifelines, recent messages as arrows, and the
//! stretches where a node led, ran for election or was stopped. The SVG
//! is written by `view::sequence_svg`; this only places it in the page.

use crate::raft::Time;
use crate::view::message_history::MessageHistory;
use crate::view::sequence::{self, WINDOW};
use crate::view::sequence_svg;
use yew::prelude::*;

/// The last [`WINDOW`] of simulated time up to `now`, as it was at `now`.
pub fn view(history: &MessageHistory, nodes: u64, now: Time) -> Html {
    let d = sequence::diagram(history, nodes, now, WINDOW);
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
