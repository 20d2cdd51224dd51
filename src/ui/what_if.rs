//! The "What if…" panel (every unsafe switch, "Find a failure", progress
//! and Cancel) and the story of a failure found, drawn above the picture.
//! The session decides (`view::what_if`); the root runs the worker.

use super::app::Msg;
use super::part::{on_click, PartProps};
use super::perf;
use crate::raft::UnsafeSwitch;
use crate::view::playground::StoryAsk;
use crate::view::session::{Input, Session};
use crate::view::what_if::{self, Search, WhatIfInput};
use web_sys::HtmlInputElement;
use yew::prelude::*;

fn input(i: WhatIfInput) -> Input {
    Input::WhatIf(i)
}

/// The panel: closed, a button; open, the switches and the search.
pub(super) fn panel(s: &Session, part: &PartProps) -> Html {
    let w = &s.what_if;
    let send = &part.send;
    let toggle = on_click(send, input(WhatIfInput::Toggle));
    html! {
        <div class="panel what-if">
            <h2>
                <button class="link" aria-expanded={w.open.to_string()} onclick={toggle}>
                    { if w.open { "What if\u{2026} \u{25be}" } else { "What if\u{2026} \u{25b8}" } }
                </button>
            </h2>
            if w.open {
                <p class="hint">{ "Turn off one of Raft's rules and let a search find a run it breaks." }</p>
                <fieldset class="switches" disabled={w.running()}>
                    <legend>{ "Unsafe switches" }</legend>
                    { for UnsafeSwitch::ALL.into_iter().map(|u| switch(u, u == w.chosen, send)) }
                </fieldset>
                { search(s, send) }
            }
        </div>
    }
}

fn switch(u: UnsafeSwitch, chosen: bool, send: &Callback<Msg>) -> Html {
    let onchange = send.reform(|e: Event| {
        let name = e.target_unchecked_into::<HtmlInputElement>().value();
        Msg::Do(input(WhatIfInput::Choose(name)))
    });
    html! {
        <label class={classes!("switch", chosen.then_some("chosen"))}>
            <input type="radio" name="what-if-switch" value={u.name()} checked={chosen} {onchange} />
            <span class="switch-name">{ u.name() }</span>
            <span class="switch-rule">{ u.rule_and_source() }</span>
        </label>
    }
}

fn search(s: &Session, send: &Callback<Msg>) -> Html {
    let w = &s.what_if;
    let find = send.reform(|_| {
        Msg::Do(input(WhatIfInput::Find {
            now_ms: perf::now_ms(),
        }))
    });
    let explore = send.reform(|_| {
        Msg::Do(input(WhatIfInput::Explore {
            now_ms: perf::now_ms(),
        }))
    });
    let cancel = send.reform(|_| {
        Msg::Do(input(WhatIfInput::Cancel {
            now_ms: perf::now_ms(),
        }))
    });
    let (plan, explorable) = w.explore_plan();
    let status = w.status_text();
    let failed = matches!(w.search, Search::Failed(_));
    // The same two buttons whether a search runs or not, so the focus
    // stays where Enter was pressed (a page tester saw it fall to the
    // page's body, and after Cancel land on "Explore"): the first is Find
    // or Cancel, the second greys while a search runs (its clicks then
    // ignored, `WhatIf::explore`).
    let running = w.running();
    let (first, label) = match running {
        true => (cancel, "Cancel"),
        false => (find, "Find a failure"),
    };
    html! {
        <div class="what-if-search">
            <button class={classes!((!running).then_some("primary"))} onclick={first}>{ label }</button>
            <button onclick={explore} disabled={!explorable} aria-disabled={running.then_some("true")}>{ "Explore every interleaving" }</button>
            if running {
                <progress aria-label="Search progress" max={progress_max(w)} value={progress_value(w)} />
            } else {
                <p class="what-if-plan hint">{ plan }</p>
            }
            if let Some(text) = status {
                <p class={classes!("what-if-status", failed.then_some("bad"))} role="status">{ text }</p>
            }
            if let Some(text) = w.explored_text() {
                <p class="what-if-explored">{ text }</p>
            }
        </div>
    }
}

fn progress_of(w: &what_if::WhatIf) -> Option<(u64, u64)> {
    match &w.search {
        Search::Running {
            progress: Some((done, total, _)),
            ..
        } if *total > 0 => Some((*done, *total)),
        _ => None,
    }
}

fn progress_max(w: &what_if::WhatIf) -> Option<String> {
    progress_of(w).map(|(_, total)| total.to_string())
}

fn progress_value(w: &what_if::WhatIf) -> Option<String> {
    progress_of(w).map(|(done, _)| done.to_string())
}

/// The story of the failure on screen, above the picture: a failure
/// found, or a shared run's, told by the worker (a line while it replays
/// the run, so the picture moves less when the story comes); nothing else.
/// In the tab order: it scrolls when the window is short.
///
/// Its place is always drawn, so a screen reader hears a shared run's
/// story arrive: a live region must be there before what it announces (a
/// page tester's note: the pending line's `role=status` was replaced,
/// and the story itself said nothing). A failure found here takes the
/// focus instead, which reads it, so its place is not live.
pub(super) fn story(s: &Session, _: &PartProps) -> Html {
    let shared = s.playground.story != StoryAsk::NotNeeded;
    let live = shared.then_some(AttrValue::Static("polite"));
    let inner = match (&s.playground.failure, s.story_pending()) {
        (Some(report), _) => html! {
            <section class="failure-story" aria-label="What broke" tabindex="0">
                <h2>{ format!("What if: {}", report.switch) }</h2>
                { for what_if::narration(report).into_iter().map(|line| html! { <p>{ line }</p> }) }
                <p class="hint">{ what_if::highlight_hint(report) }</p>
            </section>
        },
        // While the worker replays, the line holds about a story's room:
        // the picture moved 128 px at 1280x800 when the story came.
        (None, Some(line)) => {
            let class = match s.playground.story {
                StoryAsk::Untold => "failure-story pending",
                _ => "failure-story pending replaying",
            };
            html! { <p {class}>{ line }</p> }
        }
        (None, None) => html! {},
    };
    html! { <div class="story-place" aria-live={live}>{ inner }</div> }
}
