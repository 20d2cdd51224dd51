//! The guided tours: the menu that opens one, and the panel that narrates
//! it with Back and Next (← and → too).

use super::app::Msg;
use super::part::{on_click, PartProps};
use super::settled_select::settled_select;
use crate::view::session::{Input, Session};
use crate::view::tours::TOURS;
use yew::prelude::*;

pub(super) fn menu(s: &Session, part: &PartProps) -> Html {
    let current = s.tour.as_ref().map(|t| t.tour.id);
    let apply = part.send.reform(|id| Msg::Do(Input::TourChoose(id)));
    let options = html! {
        <>
            <option value="" selected={current.is_none()}>{ "Guided tours…" }</option>
            { for TOURS.iter().map(|t| html! {
                <option value={t.id} selected={current == Some(t.id)} title={t.summary}>{ t.title }</option>
            }) }
        </>
    };
    let applied = current.unwrap_or_default().to_string();
    settled_select("Guided tour", "tour-menu", applied, apply, options)
}

pub(super) fn panel(s: &Session, part: &PartProps) -> Html {
    let Some(player) = &s.tour else {
        return html! {};
    };
    let p = &s.playground;
    let on = |input: Input| on_click(&part.send, input);
    let steps = player.tour.steps.len();
    let playing = p.pause_at.is_some();
    html! {
        <section class="tour" aria-label="Guided tour">
            <h2>
                { player.tour.title }
                <span class="tour-step">
                    { if playing {
                        format!("playing on to step {} of {steps}…", player.step + 1)
                    } else {
                        format!("step {} of {steps}", player.step + 1)
                    } }
                </span>
            </h2>
            <p class="tour-text" aria-live="polite">{ player.text(p) }</p>
            if player.diverged(p) {
                <p class="tour-note">
                    { "You changed the run, so the words may no longer match the picture. " }
                    <button class="link" onclick={on(Input::TourRestartStep)}>{ "Put the tour's run back" }</button>
                </p>
            }
            <div class="tour-buttons">
                <button aria-keyshortcuts="ArrowLeft" disabled={player.step == 0 && !playing}
                    onclick={on(Input::TourBack)}>{ "← Back" }</button>
                <button class="primary" aria-keyshortcuts="ArrowRight" disabled={player.is_last() && !playing}
                    onclick={on(Input::TourNext)}>
                    { if playing { "Skip ahead →" } else { "Next →" } }
                </button>
                if !s.embed {
                    <button class="link" onclick={on(Input::TourEnd)}>{ "End the tour" }</button>
                }
            </div>
        </section>
    }
}
