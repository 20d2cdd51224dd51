//! Sharing: this session as a link, as a JSON file, and loading either back.
//! A broken link or file gets a message and leaves the session as it was.

use super::app::{App, Msg};
use super::part::PartProps;
use crate::view::session::{Input, Session};
use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

pub(super) fn view(s: &Session, part: &PartProps) -> Html {
    let link = &part.send;
    let on_import_text = link.reform(|e: InputEvent| {
        Msg::Do(Input::ImportText(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let send = link.clone();
    let on_file = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let file = input.files().and_then(|files| files.get(0));
        input.set_value(""); // choosing the same file again still loads it
        if let Some(file) = file {
            send.emit(Msg::FileChosen(file));
        }
    });
    html! {
        <div class="panel share">
            <h2>{ "Share" }</h2>
            <div class="actions">
                <button onclick={link.reform(|_| Msg::Share)}>{ "Share this run" }</button>
                <button onclick={link.reform(|_| Msg::Embed)}>{ "Embed" }</button>
            </div>
            if let Some(shared) = &s.drafts.shared {
                <label class="shared">{ "Link" }
                    <input type="text" readonly=true aria-label="Link to this run" value={shared.url.clone()} />
                </label>
                if let Some(json) = shared.json.as_ref().filter(|json| !json.is_empty()) {
                    <a class="download" download="raft-scenario.json"
                        href={format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(json))}>
                        { "Download scenario (JSON)" }
                    </a>
                }
            }
            if let Some(snippet) = &s.drafts.embed_snippet {
                <label class="shared">{ format!("Paste this into a page to embed {}", snippet.embeds) }
                    <textarea readonly=true rows="3" aria-label="Embed code" value={snippet.html.clone()} />
                </label>
            }
            <label class="import">{ "Load a link or scenario JSON" }
                <textarea aria-label="Scenario to load" rows="2" value={s.drafts.import.clone()} oninput={on_import_text} />
            </label>
            <div class="actions">
                <button onclick={link.reform(|_| Msg::Do(Input::Import))}>{ "Load" }</button>
                <label class="file">{ "or a file: " }
                    <input type="file" accept=".json,application/json" aria-label="Scenario file" onchange={on_file} />
                </label>
            </div>
            if let Some(why) = s.import_error() {
                <p key={s.failed_loads()} class="form-error" role="alert">{ why }</p>
            }
        </div>
    }
}

/// The page's address with its query, without its fragment.
pub fn page_with_query() -> String {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    format!("{}{search}", page_address())
}

/// The page's address without query or fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

/// Reads a chosen scenario file and hands its text to the app; a file too
/// big to be a scenario is refused before it is read.
pub fn read_file(file: web_sys::File, link: Scope<App>) {
    let limit = crate::json::MAX_INPUT;
    if file.size() > limit as f64 {
        let name = file.name();
        link.send_message(Msg::Do(Input::FileRead(Err(format!(
            "{name} is {} KB; a scenario file is at most {} KB",
            crate::sim::decimal::fixed(file.size() / 1024.0, 0),
            limit / 1024
        )))));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else {
        return;
    };
    let done = reader.clone();
    let on_load = wasm_bindgen::closure::Closure::once_into_js(move || {
        let text = done.result().ok().and_then(|v| v.as_string());
        link.send_message(Msg::Do(Input::FileRead(
            text.ok_or_else(|| "the file could not be read as text".to_string()),
        )));
    });
    reader.set_onloadend(Some(wasm_bindgen::JsCast::unchecked_ref(&on_load)));
    if reader.read_as_text(&file).is_err() {
        reader.set_onloadend(None);
    }
}
