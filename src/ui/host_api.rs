//! The browser half of the host-page protocol (docs/embedding.md): when the
//! playground is framed, it listens to its window's `message` event, obeys
//! commands from its parent window only (and, with `?origin=`, only from
//! that origin), and posts the events the host subscribed to back to the
//! parent. What a command does and which events go out is decided by
//! [`HostApi`](crate::view::host_api::HostApi) in `src/view/host_api.rs`, tested natively.
//!
//! Reading a message and writing an event (serde-wasm-bindgen) is the
//! studio's, the page's second module (`ui::studio::host`), which a framed
//! page loads at once; until it is there, commands and events wait here,
//! in order (`view::host_wire`).

use super::app::{App, Msg};
use super::perf;
use super::studio_client::{ask, call, STUDIO_API};
use crate::view::host_api::{HostCommand, HostEvent};
use crate::view::host_wire::{HostCommandWire, HostEventWire};
use crate::view::session::Session;
use crate::view::studio_wire::{decode, encode};
use crate::view::url_params::HostOrigin;
use crate::view::words::counted;
use gloo_timers::callback::Timeout;
use js_sys::Object;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::html::Scope;

/// A warning quotes at most this many characters of what was wrong.
const MAX_WARNING: usize = 300;
/// At most this many host messages wait for the studio (ten times the
/// largest burst the tests post); the rest are dropped, said once.
const MAX_UNREAD: usize = 100_000;

/// Where the studio, which reads and writes the host's messages, is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StudioLink {
    /// Loading: commands and events wait, in order.
    Waiting,
    /// There: commands are read and events posted at once.
    Ready,
    /// It could not load: events are dropped until the next host message
    /// loads it again (they waited without end before, a review found).
    Failed,
}

/// The browser's side of the host-page protocol: when the page is framed,
/// the listener and the parent to post to (the subscriptions are the
/// session's, `view::host_api`).
pub struct HostSide {
    listener: Option<Listener>,
    /// The host's messages not yet taken by the page.
    inbox: Inbox,
    /// The timer that sends a clock change the throttle held back.
    flush: Option<Timeout>,
    /// Whether the studio, which reads and writes messages, is there.
    studio: StudioLink,
    /// Events to post once it is (`HostEventWire`s, encoded): only
    /// `ready`, as nothing is subscribed before the studio reads a command.
    unposted: Vec<String>,
    /// Messages from the host to read once it is.
    unread: Vec<JsValue>,
}

/// Messages the host posted, kept until a task of the page's own
/// (`ui::in_a_task`) hands them over together: a host that posts 10,000
/// commands at once had the page update and draw 10,000 times (the
/// figures: docs/measurements.md); together they are one update
/// (`Session::update_burst`).
type Inbox = Rc<RefCell<Vec<JsValue>>>;

fn take_in(inbox: &Inbox, data: JsValue, app: &Scope<App>) {
    let first = {
        let mut waiting = inbox.borrow_mut();
        waiting.push(data);
        waiting.len() == 1
    };
    if first {
        let app = app.clone();
        super::in_a_task(move || app.send_message(Msg::HostMessages));
    }
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
    pub fn listen(origin: HostOrigin, app: Scope<App>) -> HostSide {
        let framed = framed_parent();
        if framed.is_some() && origin == HostOrigin::Nobody {
            web_sys::console::warn_1(
                &"raft-playground: this embed obeys no host page: its origin= parameter names no \
                  origin, or two different ones (the notice line says which)"
                    .into(),
            );
        }
        let framed = framed.filter(|_| origin != HostOrigin::Nobody);
        let inbox = Inbox::default();
        let listener = framed.map(|(window, parent)| {
            let target = origin.only().unwrap_or("*").to_string();
            let origin = origin.only().map(str::to_string);
            let closure = {
                let parent = parent.clone();
                let inbox = inbox.clone();
                Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                    move |event: web_sys::MessageEvent| {
                        if let Some(data) = receive(&event, &parent, origin.as_deref()) {
                            take_in(&inbox, data, &app);
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
            inbox,
            flush: None,
            studio: StudioLink::Waiting,
            unposted: Vec::new(),
            unread: Vec::new(),
        }
    }

    /// Whether the page is framed, and so talks to a host (and needs the
    /// studio for it).
    pub fn framed(&self) -> bool {
        self.listener.is_some()
    }

    /// Posts `event` to the parent window, marked with its source, once
    /// the studio can write it.
    pub fn post(&mut self, event: &HostEvent) {
        if self.listener.is_none() || self.studio == StudioLink::Failed {
            return;
        }
        self.unposted
            .push(encode(&HostEventWire::from(event.clone())));
        self.post_waiting();
    }

    fn post_waiting(&mut self) {
        let (Some(l), StudioLink::Ready) = (&self.listener, self.studio) else {
            return;
        };
        for text in std::mem::take(&mut self.unposted) {
            match call(STUDIO_API, "hostEnvelope", &[text.into()]) {
                Some(value) if value.is_object() => {
                    let _ = l.parent.post_message(&value, &l.target);
                }
                _ => warn("the studio could not write an event for the host"),
            }
        }
    }

    /// The host's messages that came since the last call: their
    /// commands, in order, once the studio has read them (a message it
    /// cannot read gets a console warning).
    pub fn commands(&mut self) -> Vec<HostCommand> {
        let messages = std::mem::take(&mut *self.inbox.borrow_mut());
        if self.studio == StudioLink::Ready {
            return messages.into_iter().filter_map(read).collect();
        }
        let room = MAX_UNREAD - self.unread.len();
        if room > 0 && messages.len() > room {
            tell(&format!(
                "the page keeps at most {MAX_UNREAD} of the host's messages while its studio \
                 loads: the later ones are dropped"
            ));
        }
        self.unread.extend(messages.into_iter().take(room));
        Vec::new()
    }

    /// Whether the studio could not load, so that the host's messages
    /// waiting now need it loaded again.
    pub fn needs_studio_again(&self) -> bool {
        self.framed() && self.studio == StudioLink::Failed && !self.unread.is_empty()
    }

    /// The studio is loading, by whatever asked for it: after a failure,
    /// the host hears `ready` first once it is there (the `ready` that
    /// waited was dropped with the failed one), and its messages wait.
    pub fn studio_loading(&mut self, ready: impl FnOnce() -> HostEvent) {
        if self.studio == StudioLink::Failed {
            self.studio = StudioLink::Waiting;
            self.post(&ready());
        }
    }

    /// The studio is there: posts the waiting events and returns the
    /// waiting commands, in order.
    pub fn studio_ready(&mut self) -> Vec<HostCommand> {
        self.studio = StudioLink::Ready;
        self.post_waiting();
        std::mem::take(&mut self.unread)
            .into_iter()
            .filter_map(read)
            .collect()
    }

    /// The studio could not load: what waited is dropped, said once; the
    /// host's next message loads it again.
    pub fn studio_failed(&mut self, why: &str) {
        if self.framed() {
            let dropped = match self.unread.len() {
                0 => String::new(),
                n => format!("; {} from the host dropped", counted(n, "message")),
            };
            tell(&format!(
                "the page's studio, which reads the host's messages, could not load: \
                 {why}{dropped}; the host's next message loads it again"
            ));
        }
        self.studio = StudioLink::Failed;
        self.unposted.clear();
        self.unread.clear();
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

/// The data of `event`, if it is a message to obey. Messages from any
/// window but the parent are not for us and pass silently; one from the
/// wrong origin gets one console warning saying why.
fn receive(
    event: &web_sys::MessageEvent,
    parent: &web_sys::Window,
    origin: Option<&str>,
) -> Option<JsValue> {
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
    Some(event.data())
}

/// The command the studio reads in `data` (checked there: plain data of a
/// reasonable size, every field named in an error); `None`, with a console
/// warning saying why, if it cannot be obeyed.
fn read(data: JsValue) -> Option<HostCommand> {
    ask("hostCommand", &data)
        .and_then(|text| decode::<HostCommandWire>(&text))
        .and_then(HostCommandWire::into_command)
        .map_err(|reason| warn(&reason))
        .ok()
}

/// A warning about the page's side of the protocol, not a message's.
fn tell(what: &str) {
    web_sys::console::warn_1(&format!("raft-playground: {what}").into());
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
