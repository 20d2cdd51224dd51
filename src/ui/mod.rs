//! The browser playground: Yew components over the view model of `src/view`.
//! Compiled for wasm32 only.

mod app;
mod cluster;
mod controls;
mod experiments;
mod frame_loop;
mod host_api;
mod log_table;
mod lost_focus;
mod motion;
mod on_screen;
mod panels;
mod part;
mod perf;
mod sequence;
mod settled_select;
mod share;
pub mod studio;
mod studio_client;
mod tour;
mod what_if;
pub mod worker;

pub use app::{App, AppProps};
pub use perf::{frame_count, frame_times, part_renders};

use crate::view::url_params::UrlParams;
use wasm_bindgen::JsCast;

/// Gives the focus to the first element `selector` finds, if any (the
/// page's and the studio's rules for where the focus goes next).
fn focus(selector: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Scrolls the first element `selector` finds as little as it takes to
/// show it (`block: nearest`: not at all if it is in view).
fn into_view(selector: &str, smooth: bool) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten());
    if let Some(element) = element {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        if smooth {
            options.set_behavior(web_sys::ScrollBehavior::Smooth);
        }
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Runs `then` in a task of its own, after the tasks already queued, with
/// a closure that frees itself once called (gloo's forgotten `Timeout`
/// leaked one per call). A message to itself on a `MessageChannel`, not
/// `setTimeout`: timers are slowed to one a second in a hidden page or an
/// off-screen cross-origin frame (an embed below the fold), and a port's
/// messages come in the posted-message task source, after the host's
/// messages already posted, so those are taken together.
fn in_a_task(then: impl FnOnce() + 'static) {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return then();
    };
    // Held by the closure until it runs: the channel lives that long.
    let kept = channel.clone();
    let run = wasm_bindgen::closure::Closure::once_into_js(move || {
        drop(kept);
        then();
    });
    channel.port1().set_onmessage(Some(run.unchecked_ref()));
    let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
}

/// Mounts the playground into the page's `#app` element (or the body) and
/// installs a panic hook that replaces a dead page with an error panel.
pub fn start() {
    std::panic::set_hook(Box::new(|info| show_fatal_error(&info.to_string())));
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let root = document
        .get_element_by_id("app")
        .or_else(|| document.body().map(|b| b.into()))
        .expect("a place to mount");
    yew::Renderer::<App>::with_root_and_props(root, props_from_url()).render();
}

/// The page's query string as properties; ignored values are reported in
/// the page's notice.
fn props_from_url() -> AppProps {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let (params, problems) = UrlParams::parse(&search);
    AppProps {
        seed: params.seed,
        nodes: params.nodes,
        autoplay: params.autoplay,
        load: params.load,
        embed: params.embed,
        tour: params.tour,
        step: params.step,
        url_problems: problems,
        from_start: params.from_start,
        host_origin: params.host_origin,
        disk: params.disk,
        view: params.view,
    }
}

/// The page never goes blank: a Rust panic shows what happened and a way to
/// start again.
pub fn show_fatal_error(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_id("fatal-error");
    panel.set_attribute("role", "alert").ok();
    let text = format!(
        "The playground hit a bug and stopped: {message}. Reload to start again; \
         please report what you were doing."
    );
    panel.set_text_content(Some(&text));
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reset"));
        let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        if let Ok(b) = button.clone().dyn_into::<web_sys::HtmlElement>() {
            b.set_onclick(Some(reload.as_ref().unchecked_ref()));
        }
        reload.forget();
        panel.append_child(&button).ok();
    }
    if let Some(body) = document.body() {
        body.append_child(&panel).ok();
    }
    web_sys::console::error_1(&message.into());
}
