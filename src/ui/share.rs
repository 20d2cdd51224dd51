//! Sharing: this session as a link, as a JSON file, and loading either back.
//! A broken link or file gets a message and leaves the session as it was.

use super::app::{App, Msg};
use crate::sim::Scenario;
use crate::view::permalink;
use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

pub fn view(app: &App, link: &Scope<App>) -> Html {
    let on_import_text = link.callback(|e: InputEvent| {
        Msg::ImportText(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    html! {
        <div class="panel share">
            <h2>{ "Share" }</h2>
            <div class="actions">
                <button onclick={link.callback(|_| Msg::Share)}>{ "Share this run" }</button>
            </div>
            if let Some((url, json)) = &app.drafts.shared {
                <label class="shared">{ "Link" }
                    <input type="text" readonly=true aria-label="Link to this run" value={url.clone()} />
                </label>
                <a class="download" download="raft-scenario.json"
                    href={format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(json))}>
                    { "Download scenario (JSON)" }
                </a>
            }
            <label class="import">{ "Load a link or scenario JSON" }
                <textarea aria-label="Scenario to load" rows="2" value={app.drafts.import.clone()} oninput={on_import_text} />
            </label>
            <button onclick={link.callback(|_| Msg::Import)}>{ "Load" }</button>
        </div>
    }
}

/// A scenario from what a person pasted: a link, a `#s=...` fragment, or
/// the JSON itself.
pub fn parse_pasted(text: &str) -> Result<Scenario, String> {
    let text = text.trim();
    if text.starts_with('{') {
        return Scenario::from_json(text);
    }
    let fragment = text.split_once('#').map_or(text, |(_, f)| f);
    permalink::decode(fragment)?
        .ok_or_else(|| "that is neither a playground link nor scenario JSON".to_string())
}

/// The page's address with `fragment`.
pub fn url_with(fragment: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .and_then(|l| {
            Some(format!(
                "{}{}{}",
                l.origin().ok()?,
                l.pathname().ok()?,
                l.search().ok()?
            ))
        })
        .unwrap_or_default();
    format!("{base}#{fragment}")
}
