//! The top bar: play, pause, step, skip, speed, seed, node count, reset, help.

use super::app::{App, Msg};
use super::{share, tour};
use crate::sim::decimal::seconds;
use crate::view::keys::KeyCommand;
use crate::view::permalink;
use crate::view::playground::Playground;
use crate::view::speed;
use crate::view::timeline_marks::{self, Mark};
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
                    { for crate::view::playground::PLAYGROUND_NODES.map(|n| html! {
                        <option value={n.to_string()} selected={nodes_now == n.to_string()}>{ n }</option>
                    }) }
                </select>
            </label>
            <button onclick={link.callback(|_| Msg::Reset)}>{ "Reset" }</button>
            <span class="clock" aria-label="Simulated time">{ format!("t = {} s", seconds(p.sim.now(), 3)) }</span>
            <code class="hash" aria-label="Trace hash" title="Trace hash: the same run anywhere gives the same number">
                { format!("{:016x}", p.sim.trace_hash()) }
            </code>
            <button class="help-button" aria-label="Help" aria-keyshortcuts="?" onclick={link.callback(|_| Msg::Key(KeyCommand::ToggleHelp))}>{ "?" }</button>
        </div>
    }
}

/// The embedded page's small bar: play/pause, the clock, and a way out to
/// the full playground with the same run.
pub fn embed_bar(app: &App, link: &Scope<App>) -> Html {
    let p = &app.playground;
    let full = match &app.tour {
        Some(player) => format!("{}?{}", share::page_address(), tour::query(player)),
        None => share::page_address() + "#" + &permalink::encode(&p.export()),
    };
    html! {
        <div class="controls embed-bar" role="toolbar" aria-label="Simulation controls">
            <button class="primary" aria-keyshortcuts="Space" onclick={link.callback(|_| Msg::Key(KeyCommand::TogglePause))}>
                { if p.paused { "Play" } else { "Pause" } }
            </button>
            <span class="clock" aria-label="Simulated time">{ format!("t = {} s", seconds(p.sim.now(), 3)) }</span>
            <code class="hash" aria-label="Trace hash" title="Trace hash: the same run anywhere gives the same number">
                { format!("{:016x}", p.sim.trace_hash()) }
            </code>
            <a class="open-full" href={full} target="_blank" rel="noopener">{ "Open in the full playground ↗" }</a>
        </div>
    }
}

/// The timeline: scrub to any moment of the run so far. Marks above the
/// slider show elections, crashes, partitions and requests (click one to
/// jump there); acting after scrubbing back forks the run there.
pub fn timeline(p: &Playground, link: &Scope<App>) -> Html {
    let ms = |t: u64| t / crate::raft::MILLIS;
    let on_seek = link.callback(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if input.value() == input.max() {
            return Msg::Seek(u64::MAX); // the very end, not its millisecond
        }
        Msg::Seek(input.value_as_number().max(0.0) as u64 * crate::raft::MILLIS)
    });
    html! {
        <div class="timeline">
            <button aria-label="Replay from the start" title="Replay from the start"
                onclick={link.callback(|_| Msg::ReplayFromStart)}>{ "|◀" }</button>
            <button aria-label="Step back one event" aria-keyshortcuts="Z" title="Step back one event (Z or ←)"
                onclick={link.callback(|_| Msg::Key(KeyCommand::StepBack))}>{ "◀" }</button>
            <div class="track">
                <svg class="tmarks" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-label="Timeline marks">
                    { for timeline_marks::marks(p).into_iter().map(|m| mark(m, p.timeline_end(), link)) }
                </svg>
                <input type="range" min="0" max={ms(p.timeline_end()).to_string()} step="1" value={ms(p.sim.now()).to_string()}
                    aria-label="Timeline" oninput={on_seek} />
            </div>
            <button aria-label="Step forward one event" aria-keyshortcuts="S" title="Step to the next event (S or →)"
                onclick={link.callback(|_| Msg::Key(KeyCommand::Step))}>{ "▶" }</button>
            <span class="timeline-note">
                { if p.in_the_past() {
                    format!("at {} s of {} s: acting here discards what came after", seconds(p.sim.now(), 3), seconds(p.horizon, 3))
                } else {
                    format!("{} action(s) recorded", p.scenario.actions.len())
                } }
            </span>
        </div>
    }
}

/// One mark, an SVG bar (not a styled div: the CSP forbids inline styles).
fn mark(m: Mark, horizon: u64, link: &Scope<App>) -> Html {
    let at = m.at;
    let title = format!("t={}s {}", seconds(m.at, 3), m.label);
    let x = timeline_marks::position_percent(m.at, horizon) * 10.0;
    let onkeydown =
        link.batch_callback(move |e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::Seek(at)));
    html! {
        <rect class={classes!("tmark", m.kind.class())} x={crate::sim::decimal::fixed(x - 2.0, 1)} y="0" width="4" height="10"
            role="button" tabindex="0" aria-label={title.clone()}
            onclick={link.callback(move |_| Msg::Seek(at))} {onkeydown}>
            <title>{ title }</title>
        </rect>
    }
}
