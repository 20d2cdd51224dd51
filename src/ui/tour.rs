//! The guided tours: the menu that opens one, and the panel that narrates
//! it with Back and Next (← and → too).

use super::app::{App, Msg};
use crate::view::tour_player::TourPlayer;
use crate::view::tours::TOURS;
use web_sys::HtmlSelectElement;
use yew::html::Scope;
use yew::prelude::*;

/// The menu of tours, in the top bar.
pub fn menu(app: &App, link: &Scope<App>) -> Html {
    let current = app.tour.as_ref().map(|t| t.tour.id);
    let on_change = link.callback(|e: Event| {
        Msg::TourChoose(e.target_unchecked_into::<HtmlSelectElement>().value())
    });
    html! {
        <select class="tour-menu" aria-label="Guided tour" onchange={on_change}>
            <option value="" selected={current.is_none()}>{ "Guided tours…" }</option>
            { for TOURS.iter().map(|t| html! {
                <option value={t.id} selected={current == Some(t.id)} title={t.summary}>{ t.title }</option>
            }) }
        </select>
    }
}

/// The narration of the current step, if a tour is open.
pub fn panel(app: &App, link: &Scope<App>) -> Html {
    let Some(player) = &app.tour else {
        return html! {};
    };
    let p = &app.playground;
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
                    <button class="link" onclick={link.callback(|_| Msg::TourRestartStep)}>{ "Put the tour's run back" }</button>
                </p>
            }
            <div class="tour-buttons">
                <button aria-keyshortcuts="ArrowLeft" disabled={player.step == 0 && !playing}
                    onclick={link.callback(|_| Msg::TourBack)}>{ "← Back" }</button>
                <button class="primary" aria-keyshortcuts="ArrowRight" disabled={player.is_last() && !playing}
                    onclick={link.callback(|_| Msg::TourNext)}>
                    { if playing { "Skip ahead →" } else { "Next →" } }
                </button>
                if !app.embed {
                    <button class="link" onclick={link.callback(|_| Msg::TourEnd)}>{ "End the tour" }</button>
                }
            </div>
        </section>
    }
}

/// The query string that links to `player`'s current step (steps count
/// from 1 in links).
pub fn query(player: &TourPlayer) -> String {
    format!("tour={}&step={}", player.tour.id, player.step + 1)
}
