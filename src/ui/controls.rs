//! The top bar: play, pause, step, skip, speed, seed, node count, reset, help.

use super::app::{App, Msg};
use crate::view::keys::KeyCommand;
use crate::view::speed;
use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

pub fn view(app: &App, link: &Scope<App>) -> Html {
    let p = &app.playground;
    let play_label = if p.paused { "Play" } else { "Pause" };
    let on_speed = link.callback(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Msg::SetSpeed(speed::speed_at(input.value_as_number()))
    });
    let on_seed = link.callback(|e: InputEvent| {
        Msg::SeedText(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_nodes = link
        .callback(|e: Event| Msg::NodesText(e.target_unchecked_into::<HtmlInputElement>().value()));
    let nodes_now = app.drafts.nodes.clone();
    html! {
        <div class="controls" role="toolbar" aria-label="Simulation controls">
            <button class="primary" aria-keyshortcuts="Space" onclick={link.callback(|_| Msg::Key(KeyCommand::TogglePause))}>
                { play_label }
            </button>
            <button aria-keyshortcuts="S" onclick={link.callback(|_| Msg::Key(KeyCommand::Step))}>{ "Step" }</button>
            <button aria-label="Skip 1 simulated second" onclick={link.callback(|_| Msg::Skip(1000))}>{ "+1 s" }</button>
            <label class="speed">
                { "Speed " }
                <input type="range" min="0" max="100" step="1" aria-label="Speed"
                    value={format!("{:.0}", speed::position_of(p.speed))} oninput={on_speed} />
                <output aria-live="off">{ speed::label(p.speed) }</output>
            </label>
            <label>{ "Seed " }
                <input class="seed" type="text" inputmode="numeric" aria-label="Seed" value={app.drafts.seed.clone()} oninput={on_seed} />
            </label>
            <label>{ "Nodes " }
                <select aria-label="Nodes" onchange={on_nodes}>
                    { for (3..=9).map(|n| html! {
                        <option value={n.to_string()} selected={nodes_now == n.to_string()}>{ n }</option>
                    }) }
                </select>
            </label>
            <button onclick={link.callback(|_| Msg::Reset)}>{ "Reset" }</button>
            <span class="clock" aria-label="Simulated time">{ format!("t = {:.3} s", p.sim.now() as f64 / 1e6) }</span>
            <code class="hash" aria-label="Trace hash" title="Trace hash: the same run anywhere gives the same number">
                { format!("{:016x}", p.sim.trace_hash()) }
            </code>
            <button class="help-button" aria-label="Help" aria-keyshortcuts="?" onclick={link.callback(|_| Msg::Key(KeyCommand::ToggleHelp))}>{ "?" }</button>
        </div>
    }
}

/// The timeline: scrub to any moment of the run so far. Ticks mark the
/// actions taken; acting after scrubbing back forks the run there.
pub fn timeline(p: &crate::view::playground::Playground, link: &Scope<App>) -> Html {
    let ms = |t: u64| t / crate::raft::MILLIS;
    let on_seek = link.callback(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Msg::Seek(input.value_as_number().max(0.0) as u64)
    });
    let in_past = p.sim.now() < p.horizon;
    html! {
        <div class="timeline">
            <input type="range" min="0" max={ms(p.horizon).to_string()} step="1" value={ms(p.sim.now()).to_string()}
                aria-label="Timeline" list="action-marks" oninput={on_seek} />
            <datalist id="action-marks">
                { for p.scenario.actions.iter().map(|(at, _)| html! { <option value={ms(*at).to_string()} /> }) }
            </datalist>
            <span class="timeline-note">
                { if in_past {
                    format!("at {:.3} s of {:.3} s: acting here discards what came after", p.sim.now() as f64 / 1e6, p.horizon as f64 / 1e6)
                } else {
                    format!("{} action(s) recorded", p.scenario.actions.len())
                } }
            </span>
        </div>
    }
}
