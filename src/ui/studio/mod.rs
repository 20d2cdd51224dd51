//! The studio: the page's second wasm module (`src/bin/studio.rs`), started
//! on the page's thread the first time a person opens one of its parts
//! (`ui::studio_client` is the page's side, and says how the two talk). It
//! draws in `#studio`, an element of its own beside the page's `#app`, with
//! a Yew renderer of its own, and it runs the "What if…" panel's jobs in
//! Web Workers for the page (`jobs`).

mod host;
mod jobs;

use super::experiments::ExperimentsRoot;
use super::studio_client::{answer, call, MAIN_API, STUDIO_API, STUDIO_ROOT};
use std::cell::Cell;
use wasm_bindgen::closure::Closure;

thread_local! {
    /// Whether the Experiments view is mounted in `#studio` yet.
    static MOUNTED: Cell<bool> = const { Cell::new(false) };
}

/// Puts `window.__raftStudio` in place and tells the page the studio is
/// ready. A panic shows the page's error panel, as in the page's module.
pub fn start() {
    std::panic::set_hook(Box::new(|info| super::show_fatal_error(&info.to_string())));
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = js_sys::Object::new();
    let experiments = Closure::<dyn Fn()>::new(show_experiments).into_js_value();
    let _ = js_sys::Reflect::set(&api, &"experiments".into(), &experiments);
    let start_job = Closure::<dyn Fn(String, js_sys::Function) -> u32>::new(jobs::start);
    let _ = js_sys::Reflect::set(&api, &"startJob".into(), &start_job.into_js_value());
    let stop_job = Closure::<dyn Fn(u32)>::new(jobs::stop);
    let _ = js_sys::Reflect::set(&api, &"stopJob".into(), &stop_job.into_js_value());
    let host_command = Closure::<dyn Fn(wasm_bindgen::JsValue) -> String>::new(host::command);
    let _ = js_sys::Reflect::set(&api, &"hostCommand".into(), &host_command.into_js_value());
    let host_envelope = Closure::<dyn Fn(String) -> wasm_bindgen::JsValue>::new(host::envelope);
    let _ = js_sys::Reflect::set(&api, &"hostEnvelope".into(), &host_envelope.into_js_value());
    let from_json = Closure::<dyn Fn(String) -> String>::new(scenario_from_json);
    let _ = js_sys::Reflect::set(&api, &"scenarioFromJson".into(), &from_json.into_js_value());
    let to_json = Closure::<dyn Fn(String) -> String>::new(scenario_to_json);
    let _ = js_sys::Reflect::set(&api, &"scenarioToJson".into(), &to_json.into_js_value());
    let _ = js_sys::Reflect::set(&window, &STUDIO_API.into(), &api);
    if call(MAIN_API, "studioReady", &[]).is_none() {
        web_sys::console::error_1(&"the studio found no page to serve".into());
    }
}

/// The page's JSON reader (`view::scenario_json`): the scenario in `text`
/// as a link's fragment (`r=...`), or `!` and what is wrong with it.
fn scenario_from_json(text: String) -> String {
    answer(crate::sim::Scenario::from_json(&text).map(|s| crate::view::permalink::encode(&s)))
}

/// The page's JSON writer: the scenario of the link `fragment` as JSON, or
/// `!` and why there is none.
fn scenario_to_json(fragment: String) -> String {
    answer(
        crate::view::permalink::decode(&fragment).and_then(|scenario| {
            scenario
                .map(|s| s.to_json())
                .ok_or_else(|| "no scenario in the link".to_string())
        }),
    )
}

/// Shows the Experiments view in `#studio`, mounting it the first time;
/// its state (a run, its results) stays while the player shows.
fn show_experiments() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(STUDIO_ROOT))
    else {
        return;
    };
    root.remove_attribute("hidden").ok();
    match MOUNTED.with(|m| m.replace(true)) {
        // Its first drawing focuses it.
        false => drop(yew::Renderer::<ExperimentsRoot>::with_root(root).render()),
        true => super::experiments::focus_the_view(),
    }
}
