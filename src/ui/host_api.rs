//! The browser half of the host-page protocol (docs/embedding.md): when the
//! playground is framed, it listens to its window's `message` event, obeys
//! commands from its parent window only (and, with `?origin=`, only from
//! that origin), and posts the events the host subscribed to back to the
//! parent. What a command does and which events go out is decided by
//! [`HostApi`] in `src/view/host_api.rs`, tested natively.

use super::app::{App, Msg};
use super::perf;
use crate::view::host_api::{HostCommand, HostEvent};
use crate::view::session::{Input, Session};
use gloo_timers::callback::Timeout;
use js_sys::{Array, JsString, Object};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::html::Scope;

/// A message nested deeper than this is refused before it is read.
const MAX_DEPTH: u32 = 32;
/// At most this many values (objects, arrays, strings, numbers...) in one.
const MAX_VALUES: u32 = 100_000;
/// A warning quotes at most this many characters of what was wrong.
const MAX_WARNING: usize = 300;

/// The browser's side of the host-page protocol: when the page is framed,
/// the listener and the parent to post to (the subscriptions are the
/// session's, `view::host_api`).
pub struct HostSide {
    listener: Option<Listener>,
    /// The only origin obeyed (`?origin=`), if one was given.
    origin: Option<String>,
    /// The timer that sends a clock change the throttle held back.
    flush: Option<Timeout>,
}

struct Listener {
    window: web_sys::Window,
    parent: web_sys::Window,
    /// `postMessage`'s target origin: the configured one, or "*".
    target: String,
    closure: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl HostSide {
    /// Starts listening if the page is framed (the caller then posts
    /// `ready`); a top-level page listens to nobody.
    pub fn listen(origin: Option<String>, app: Scope<App>) -> HostSide {
        let listener = framed_parent().map(|(window, parent)| {
            let target = origin.clone().unwrap_or_else(|| "*".into());
            let origin = origin.clone();
            let closure = {
                let parent = parent.clone();
                Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                    move |event: web_sys::MessageEvent| {
                        if let Some(command) = receive(&event, &parent, origin.as_deref()) {
                            app.send_message(Msg::Do(Input::Host(command)));
                        }
                    },
                )
            };
            let _ = window
                .add_event_listener_with_callback("message", closure.as_ref().unchecked_ref());
            Listener {
                window,
                parent,
                target,
                closure,
            }
        });
        HostSide {
            listener,
            origin,
            flush: None,
        }
    }

    /// Posts `event` to the parent window, marked with its source.
    pub fn post(&self, event: &HostEvent) {
        if let Some(l) = &self.listener {
            let _ = l
                .parent
                .post_message(&crate::json::to_value(&event.envelope()), &l.target);
        }
    }

    /// The origin from `?origin=`, if any.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The throttle's timer went off.
    pub fn flushed(&mut self) {
        self.flush = None;
    }

    /// Posts what the host subscribed to since the last update, and sets a
    /// timer for a clock event held back by the throttle.
    pub fn deliver(&mut self, session: &mut Session, app: &Scope<App>) {
        let now = perf::now_ms();
        for event in session.host_events(now) {
            self.post(&event);
        }
        if let Some(ms) = session.host.clock_due_in(now) {
            if self.flush.is_none() {
                let app = app.clone();
                let timer =
                    Timeout::new(ms.ceil() as u32, move || app.send_message(Msg::HostFlush));
                self.flush = Some(timer);
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("message", self.closure.as_ref().unchecked_ref());
    }
}

fn framed_parent() -> Option<(web_sys::Window, web_sys::Window)> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (!Object::is(parent.as_ref(), window.as_ref())).then_some((window, parent))
}

/// The command in `event`, if it is one to obey. Messages from any window
/// but the parent are not for us and pass silently; a message from the
/// parent that cannot be obeyed gets one console warning saying why.
fn receive(
    event: &web_sys::MessageEvent,
    parent: &web_sys::Window,
    origin: Option<&str>,
) -> Option<HostCommand> {
    let from_parent = event
        .source()
        .is_some_and(|source| Object::is(source.as_ref(), parent.as_ref()));
    if !from_parent {
        return None;
    }
    if let Some(origin) = origin {
        let from = event.origin();
        if from != origin {
            warn(&format!(
                "a message from {from}: this embed obeys only {origin} (its origin= parameter)"
            ));
            return None;
        }
    }
    let data = event.data();
    let checked = plain_data(&data, 0, &mut Budget::default())
        .and_then(|()| crate::json::from_value::<HostCommand>(data));
    match checked {
        Ok(command) => Some(command),
        Err(reason) => {
            warn(&reason);
            None
        }
    }
}

fn warn(reason: &str) {
    let mut shown: String = reason.chars().take(MAX_WARNING).collect();
    if shown.len() < reason.len() {
        shown.push('…');
    }
    web_sys::console::warn_1(
        &format!("raft-playground: ignored a message from the host page: {shown}").into(),
    );
}

/// What is left of a message's allowance while it is checked.
struct Budget {
    values: u32,
    chars: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            values: MAX_VALUES,
            chars: crate::json::MAX_INPUT as u64,
        }
    }
}

impl Budget {
    fn take(&mut self, values: u32) -> Result<(), String> {
        self.values = self
            .values
            .checked_sub(values)
            .ok_or_else(|| format!("the message has more than {MAX_VALUES} values"))?;
        Ok(())
    }

    fn text(&mut self, chars: u32) -> Result<(), String> {
        self.chars = self.chars.checked_sub(chars as u64).ok_or_else(|| {
            format!(
                "the message has more than {} characters of text",
                crate::json::MAX_INPUT
            )
        })?;
        Ok(())
    }
}

/// Checks that `value` is JSON-like data of a reasonable size before it is
/// read: plain objects, arrays, strings, numbers, booleans and null, at
/// most [`MAX_DEPTH`] deep (a structured clone may be cyclic), at most
/// [`MAX_VALUES`] values and 1 MiB of text in all.
fn plain_data(value: &JsValue, depth: u32, budget: &mut Budget) -> Result<(), String> {
    budget.take(1)?;
    if value.is_null()
        || value.is_undefined()
        || value.as_bool().is_some()
        || value.as_f64().is_some()
    {
        return Ok(());
    }
    if let Some(text) = value.dyn_ref::<JsString>() {
        return budget.text(text.length());
    }
    if depth >= MAX_DEPTH {
        return Err(format!("the message is nested more than {MAX_DEPTH} deep"));
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        if array.length() > budget.values {
            return Err(format!("the message has more than {MAX_VALUES} values"));
        }
        for item in array.iter() {
            plain_data(&item, depth + 1, budget)?;
        }
        return Ok(());
    }
    if is_plain_object(value) {
        let entries = Object::entries(value.unchecked_ref());
        if entries.length() > budget.values {
            return Err(format!("the message has more than {MAX_VALUES} values"));
        }
        for entry in entries.iter() {
            let pair: Array = entry.unchecked_into();
            if let Some(key) = pair.get(0).dyn_ref::<JsString>() {
                budget.text(key.length())?;
            }
            plain_data(&pair.get(1), depth + 1, budget)?;
        }
        return Ok(());
    }
    Err("the message holds something other than JSON data (objects, arrays, strings, numbers, booleans, null)".into())
}

/// An object made by `{...}` (or with no prototype): not a Map, Date,
/// typed array or the like.
fn is_plain_object(value: &JsValue) -> bool {
    if !value.is_object() {
        return false;
    }
    let proto = Object::get_prototype_of(value);
    proto.is_null()
        || Object::is(
            proto.as_ref(),
            Object::get_prototype_of(Object::new().as_ref()).as_ref(),
        )
}
