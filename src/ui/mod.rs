//! The browser playground: Yew components over the view model of `src/view`.
//! Compiled for wasm32 only.

mod app;
mod cluster;
mod controls;
mod frame_loop;
mod log_table;
mod panels;
mod perf;
mod sequence;
mod share;

pub use app::{App, AppProps};
pub use perf::frame_times;

use wasm_bindgen::JsCast;

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

/// `?seed=7&nodes=9&load=10&paused=1`: numbers out of range fall back to the
/// defaults rather than breaking the page.
fn props_from_url() -> AppProps {
    let mut props = AppProps::default();
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    for pair in search.trim_start_matches('?').split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        match key {
            "seed" => props.seed = value.parse().unwrap_or(props.seed),
            "nodes" => {
                props.nodes = value
                    .parse()
                    .ok()
                    .filter(|n| (3..=9).contains(n))
                    .unwrap_or(props.nodes)
            }
            "load" => {
                props.load = value
                    .parse()
                    .ok()
                    .filter(|r: &f64| (0.0..=1000.0).contains(r))
                    .unwrap_or(0.0)
            }
            "paused" => props.autoplay = value != "1",
            _ => {}
        }
    }
    props
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
