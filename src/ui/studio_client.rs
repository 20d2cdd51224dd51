//! The page's side of the studio, its second wasm module
//! (`src/bin/studio.rs`, `src/ui/studio/`): the parts a person opens
//! rather than sees at once (the Experiments view) live there, so the
//! page's first download does not carry them. The studio is fetched the
//! first time one of them is opened, by adding `www/studio-start.js` to
//! the page.
//!
//! The two modules share no memory, so they talk through two small objects
//! on `window`, with strings only:
//! - `window.__raftMain` (this side): `studioReady()`, `studioFailed(why)`,
//!   `showPlayer()`, and `open(fragment, error)`, which opens a run given
//!   as a link's fragment (`r=...`, `view::permalink`), or shows `error`;
//! - `window.__raftStudio` (the studio's): `experiments()`, which shows the
//!   Experiments view in `#studio`; `startJob(job, onReply)`, which runs a
//!   "What if…" job (`view::studio_wire`) in a Web Worker and calls
//!   `onReply(reply)` with each reply, and returns the job's number; and
//!   `stopJob(number)`; `scenarioFromJson(text)` and `scenarioToJson(fragment)`,
//!   the page's JSON reader and writer (`view::scenario_json`), which answer
//!   a link fragment or JSON, or [`JSON_ERROR`] and what is wrong;
//!   `hostCommand(data)` and `hostEnvelope(event)`, which read a host
//!   page's message and write an event for it (`view::host_wire`).

use super::app::{App, Msg};
use crate::sim::Scenario;
use crate::view::permalink;
use crate::view::scenario_json::JsonCodec;
use crate::view::studio_wire::{decode, ReplyWire};
use crate::view::worker_protocol::WorkerReply;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::html::Scope;

/// The object the page puts on `window` for the studio.
pub const MAIN_API: &str = "__raftMain";
/// The object the studio puts on `window` for the page.
pub const STUDIO_API: &str = "__raftStudio";
/// The element the studio draws its views in (index.html).
pub const STUDIO_ROOT: &str = "studio";
/// How the studio's JSON functions begin an error instead of an answer (a
/// fragment never starts with it, JSON text neither).
pub const JSON_ERROR: &str = "!";
/// The script that fetches and starts the studio, beside the page.
const START_SCRIPT: &str = "./studio-start.js";

/// Where the studio is.
#[derive(Clone, Debug, PartialEq)]
pub enum Studio {
    /// Not asked for yet.
    Absent,
    /// Being fetched and compiled.
    Loading,
    /// Started: its functions can be called.
    Ready,
    /// It could not load (the message says why); a later open tries again.
    Failed(String),
}

/// What the studio says to the page.
#[derive(Clone, Debug)]
pub enum StudioMsg {
    /// It started.
    Ready,
    /// It could not load or start.
    Failed(String),
    /// "Back to the player".
    ShowPlayer,
    /// Open this link fragment in the player, or say this error.
    Open {
        /// A link's fragment (`r=...`); empty with an error.
        fragment: String,
        /// Why there is no run to open; empty if there is one.
        error: String,
        /// Which run it is, for the notice line.
        caption: String,
    },
}

/// Puts `window.__raftMain` in place; its functions send `link` messages.
/// The closures live as long as the page.
pub fn install(link: Scope<App>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = js_sys::Object::new();
    let send = |msg: fn([String; 3]) -> StudioMsg| {
        let link = link.clone();
        Closure::<dyn Fn(JsValue, JsValue, JsValue)>::new(
            move |a: JsValue, b: JsValue, c: JsValue| {
                let text = |v: JsValue| v.as_string().unwrap_or_default();
                link.send_message(Msg::Studio(msg([text(a), text(b), text(c)])));
            },
        )
        .into_js_value()
    };
    let members = [
        ("studioReady", send(|_| StudioMsg::Ready)),
        ("studioFailed", send(|[why, ..]| StudioMsg::Failed(why))),
        ("showPlayer", send(|_| StudioMsg::ShowPlayer)),
        (
            "open",
            send(|[fragment, error, caption]| StudioMsg::Open {
                fragment,
                error,
                caption,
            }),
        ),
    ];
    for (name, function) in members {
        let _ = js_sys::Reflect::set(&api, &name.into(), &function);
    }
    let _ = js_sys::Reflect::set(&window, &MAIN_API.into(), &api);
}

/// Starts fetching the studio; it answers through `studioReady` or
/// `studioFailed`.
pub fn load() -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let script = document
        .create_element("script")
        .map_err(|_| "cannot make a script element")?;
    script
        .set_attribute("src", START_SCRIPT)
        .map_err(|_| "cannot set the script's address")?;
    let on_error = Closure::once_into_js(|| {
        let why = format!("{START_SCRIPT} could not be fetched");
        call(MAIN_API, "studioFailed", &[why.into()]);
    });
    if let Some(element) = script.dyn_ref::<web_sys::HtmlElement>() {
        element.set_onerror(Some(on_error.unchecked_ref()));
    }
    let head = document.head().ok_or("the page has no head")?;
    head.append_child(&script)
        .map_err(|_| "cannot add the studio's script")?;
    Ok(())
}

/// Calls the studio's function `name` (it must be `Ready`).
pub fn studio_call(name: &str) {
    if call(STUDIO_API, name, &[]).is_none() {
        web_sys::console::error_1(&"the studio is not loaded".into());
    }
}

/// The page's JSON reader and writer: the studio's, asked at once (the page
/// holds an input that needs it back until the studio is there).
pub struct StudioJson;

impl JsonCodec for StudioJson {
    fn read(&self, text: &str) -> Result<Scenario, String> {
        let fragment = ask("scenarioFromJson", &text.into())?;
        permalink::decode(&fragment)?.ok_or_else(|| "the studio sent no scenario".into())
    }

    fn write(&self, scenario: &Scenario) -> Result<String, String> {
        ask("scenarioToJson", &permalink::encode(scenario).into())
    }
}

/// A "What if…" job the studio runs. Dropping it stops the job.
pub struct StudioJob {
    id: Option<u32>,
    _on_reply: Closure<dyn Fn(String)>,
}

impl StudioJob {
    /// Hands the job `text` (`view::studio_wire::encode` of a `JobWire`)
    /// to the studio, which must be `Ready`; replies go to `on_reply`, and
    /// one that cannot be read is a `Failed` reply.
    pub fn start(text: &str, on_reply: yew::Callback<WorkerReply>) -> StudioJob {
        let reply_to = on_reply.clone();
        let on_reply_text = Closure::<dyn Fn(String)>::new(move |text: String| {
            let reply = decode::<ReplyWire>(&text)
                .map(ReplyWire::into_reply)
                .unwrap_or_else(|e| WorkerReply::Failed {
                    message: format!("the page cannot read the studio's reply: {e}"),
                });
            reply_to.emit(reply);
        });
        let args = [text.into(), on_reply_text.as_ref().clone()];
        let id = call(STUDIO_API, "startJob", &args)
            .and_then(|id| id.as_f64())
            .map(|id| id as u32);
        if id.is_none() {
            on_reply.emit(WorkerReply::Failed {
                message: "the studio did not take the job".into(),
            });
        }
        StudioJob {
            id,
            _on_reply: on_reply_text,
        }
    }
}

impl Drop for StudioJob {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            call(STUDIO_API, "stopJob", &[id.into()]);
        }
    }
}

/// Calls `window[object][name](...args)`, if there is such a function;
/// its result, or `None` if there is none or it threw.
pub(super) fn call(object: &str, name: &str, args: &[JsValue]) -> Option<JsValue> {
    let window = web_sys::window()?;
    let api = js_sys::Reflect::get(&window, &object.into())
        .ok()
        .filter(|v| v.is_object())?;
    let function: js_sys::Function = js_sys::Reflect::get(&api, &name.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args: js_sys::Array = args.iter().collect();
    function.apply(&api, &args).ok()
}

/// Asks the studio's function `name`, which answers a string, or
/// [`JSON_ERROR`] and what is wrong.
pub(super) fn ask(name: &str, argument: &JsValue) -> Result<String, String> {
    let answer = call(STUDIO_API, name, std::slice::from_ref(argument))
        .ok_or("the page's studio is not loaded")?
        .as_string()
        .ok_or("the page's studio did not answer")?;
    match answer.strip_prefix(JSON_ERROR) {
        Some(error) => Err(error.to_string()),
        None => Ok(answer),
    }
}

/// What the studio answers for `result`: the value, or [`JSON_ERROR`] and
/// what is wrong (read back by [`ask`]).
pub(super) fn answer(result: Result<String, String>) -> String {
    result.unwrap_or_else(|e| format!("{JSON_ERROR}{e}"))
}
