//! The top bar (play, pause, step, skip, speed, seed, node count, reset),
//! the clock, the embedded page's small bar, and the timeline. The clock and
//! the timeline move every running frame; the bars only when the person
//! acts or the run pauses.

use super::app::Msg;
use super::motion::Moving;
use super::part::{on_activate, on_click, on_enter, Part, PartKind, PartProps};
use super::share;
use crate::raft::MILLIS;
use crate::sim::decimal::{fixed, seconds};
use crate::view::keys::{self, KeyCommand};
use crate::view::motion::Motion;
use crate::view::playground::PLAYGROUND_NODES;
use crate::view::session::{Input, Session};
use crate::view::speed;
use crate::view::timeline_marks::{self, Mark};
use crate::view::versions;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

fn key(send: &Callback<Msg>, command: KeyCommand) -> Callback<MouseEvent> {
    on_click(send, Input::Key(command))
}

/// The timeline slider's class: the page's key handler gives its arrows
/// the meaning they have elsewhere, one event.
pub(super) const TIMELINE_SLIDER: &str = "timeline-slider";

pub(super) fn bar(s: &Session, part: &PartProps) -> Html {
    let send = &part.send;
    let p = &s.playground;
    let on_speed = send.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Msg::Do(Input::SetSpeed(speed::speed_at(input.value_as_number())))
    });
    let on_seed = send.reform(|e: InputEvent| {
        Msg::Do(Input::SeedText(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let on_nodes = send.reform(|e: Event| {
        Msg::Do(Input::NodesText(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    html! {
        <>
            <button class="primary" aria-keyshortcuts={keys::announced(s.single_keys, "Space")} onclick={key(send, KeyCommand::TogglePause)}>
                { if p.paused { "Play" } else { "Pause" } }
            </button>
            <button aria-keyshortcuts={keys::announced(s.single_keys, "S")} onclick={key(send, KeyCommand::Step)}>{ "Step" }</button>
            <button aria-label="Skip 1 simulated second" onclick={on_click(send, Input::Skip(1000))}>{ "+1 s" }</button>
            <label class="speed">
                { "Speed " }
                <input type="range" min="0" max="100" step="1" aria-label="Speed"
                    aria-valuetext={speed::label(p.speed)}
                    value={fixed(speed::position_of(p.speed), 0)} oninput={on_speed} />
                <output aria-live="off">{ speed::label(p.speed) }</output>
            </label>
            <label>{ "Seed " }
                <input class="seed" type="text" inputmode="numeric" aria-label="Seed" value={s.drafts.seed.clone()} oninput={on_seed}
                    onkeydown={on_enter(send, || Msg::Do(Input::Reset))} />
            </label>
            <label>{ "Nodes " }
                <select aria-label="Nodes" onchange={on_nodes}>
                    { for PLAYGROUND_NODES.map(|n| html! {
                        <option value={n.to_string()} selected={s.drafts.nodes == n.to_string()}>{ n }</option>
                    }) }
                </select>
            </label>
            <button onclick={on_click(send, Input::Reset)}>{ "Reset" }</button>
            if s.reset_pending() {
                <span class="reset-pending" role="status">{ "Reset to apply" }</span>
            }
        </>
    }
}

pub(super) fn clock(s: &Session, _: &PartProps) -> Html {
    let sim = &s.playground.sim;
    let clock = versions::clock(&s.playground);
    html! {
        <>
            // Roles that may carry a name: on a bare span or code element
            // screen readers drop the aria-label (a page tester saw).
            <span class="clock" role="timer" aria-label="Simulated time">{ format!("t = {} s", seconds(clock.shown, clock.places)) }</span>
            <code class="hash" role="group" aria-label="Trace hash" title="Trace hash: the same run anywhere gives the same number">
                { format!("{:016x}", sim.trace_hash()) }
            </code>
        </>
    }
}

pub(super) fn embed_play(s: &Session, part: &PartProps) -> Html {
    html! {
        <button class="primary" aria-keyshortcuts={keys::announced(s.single_keys, "Space")} onclick={key(&part.send, KeyCommand::TogglePause)}>
            { if s.playground.paused { "Play" } else { "Pause" } }
        </button>
    }
}

/// A way out to the full playground with the same run; the link is made
/// again when clicked, so it opens at the moment on screen.
pub(super) fn embed_link(s: &Session, part: &PartProps) -> Html {
    let session = part.session.clone();
    // The anchor itself: Yew delegates events to its root, so the event's
    // `current_target` is the app's root element, not this link.
    let anchor = NodeRef::default();
    let refresh = {
        let anchor = anchor.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = anchor.cast::<Element>() {
                let link = session.read().full_playground_link(&share::page_address());
                let _ = a.set_attribute("href", &link);
            }
        })
    };
    html! {
        <a ref={anchor} class="open-full" href={s.full_playground_link(&share::page_address())} target="_blank" rel="noopener"
            onclick={refresh}>
            <span class="wide-only">{ "Open in the full playground ↗" }</span>
            <span class="narrow-only">{ "Full playground ↗" }</span>
        </a>
    }
}

/// The timeline. Marks above the slider show elections, crashes,
/// partitions and requests (click one to jump there); acting after
/// scrubbing back forks the run there.
pub(super) fn timeline(s: &Session, part: &PartProps) -> Html {
    let send = &part.send;
    let p = &s.playground;
    let session = part.session.clone();
    let on_seek = send.reform(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if input.value() == input.max() {
            return Msg::Do(Input::Seek(u64::MAX)); // the very end, not its millisecond
        }
        // The browser reads the number: Rust's float parser would bring
        // its tables into the page (14 KB of gzip, measured).
        let max = js_sys::Number::parse_float(&input.max());
        let (value, max) = (
            input.value_as_number(),
            if max.is_finite() { max } else { 0.0 },
        );
        let at = versions::seek_to(&session.read().playground, value as u64, max as u64);
        Msg::Do(Input::Seek(at))
    });
    let shown = versions::timeline(p);
    html! {
        <div class="timeline">
            <button aria-label="Replay from the start" title="Replay from the start"
                onclick={on_click(send, Input::ReplayFromStart)}>{ "|◀" }</button>
            <button aria-label="Step back one event" aria-keyshortcuts={keys::announced(s.single_keys, "Z")} title="Step back one event (Z or ←)"
                onclick={key(send, KeyCommand::StepBack)}>{ "◀" }</button>
            <div class="track">
                // Squeezed towards the left by the browser as the run grows
                // past the time they are drawn scaled to (versions::stretch).
                <Moving class="tmarks" version={part.version} motion={squeeze(p)}>
                    <svg viewBox={format!("0 0 {} 10", shown.scale)} preserveAspectRatio="none" aria-label="Timeline marks">
                        <Part ..part.nested(PartKind::TimelineMarks, versions::marks(s)) />
                    </svg>
                </Moving>
                <input type="range" class={TIMELINE_SLIDER} min="0" max={shown.max.to_string()} step="1" value={shown.value.to_string()}
                    aria-label="Timeline" aria-valuetext={versions::timeline_words(shown)} oninput={on_seek} />
            </div>
            <button aria-label="Step forward one event" aria-keyshortcuts={keys::announced(s.single_keys, "S")} title="Step to the next event (S or →)"
                onclick={key(send, KeyCommand::Step)}>{ "▶" }</button>
            <span class={classes!("timeline-note", p.acting_forks().then_some("past"))}>
                { if p.acting_forks() {
                    format!("at {} s of {} s: acting here discards what came after", seconds(p.sim.now(), 3), seconds(p.timeline_end(), 3))
                } else {
                    format!("{} recorded", crate::view::words::counted(p.scenario.actions.len(), "action"))
                } }
            </span>
        </div>
    }
}

/// How the browser squeezes the timeline's marks, if it does.
fn squeeze(p: &crate::view::playground::Playground) -> Motion {
    match versions::stretch(p) {
        Some(st) => Motion::ScaleX {
            factors: st.frames,
            duration_ms: st.duration_ms,
        },
        None => Motion::Still,
    }
}

pub(super) fn timeline_marks(s: &Session, part: &PartProps) -> Html {
    html! {
        <g>{ for timeline_marks::marks(&s.playground).into_iter().map(|m| mark(m, &part.send)) }</g>
    }
}

/// One mark: a bar at its millisecond, 4 px wide whatever the timeline's
/// scale (an SVG line, not a styled div: the CSP forbids inline styles).
fn mark(m: Mark, send: &Callback<Msg>) -> Html {
    let at = m.at;
    let title = format!("t={}s {}", seconds(m.at, 3), m.label);
    let x = (m.at / MILLIS).to_string();
    let top = m.kind.top().to_string();
    let onkeydown = on_activate(send, move || Msg::Do(Input::Seek(at)));
    html! {
        <line class={classes!("tmark", m.kind.class())} x1={x.clone()} x2={x} y1={top} y2="10"
            vector-effect="non-scaling-stroke" role="button" tabindex="0" aria-label={title.clone()}
            onclick={on_click(send, Input::Seek(at))} {onkeydown}>
            <title>{ title }</title>
        </line>
    }
}
