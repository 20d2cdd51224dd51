//! A part of the page as a Yew component that is drawn again only when its
//! change key moves (see `view::versions`): every part reads the one
//! session, and its properties compare equal while its key stays the same,
//! so Yew skips it on frames that did not touch what it shows.

use super::app::Msg;
use crate::view::session::Session;
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The session, shared by the page's root (which changes it) and its parts
/// (which read it while they are drawn, after the root's update).
#[derive(Clone)]
pub struct Shared(pub Rc<RefCell<Session>>);

impl Shared {
    /// Reads the session.
    pub fn read(&self) -> Ref<'_, Session> {
        self.0.borrow()
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What every part gets: the session, its change key, and where to send
/// what the person does.
#[derive(Clone, PartialEq, Properties)]
pub struct PartProps {
    /// The session to draw.
    pub session: Shared,
    /// The part's change key: equal keys mean nothing it shows changed.
    pub version: u64,
    /// The root's messages.
    pub send: Callback<Msg>,
}

/// Declares a part: a function component named `$name` drawn by
/// `$view(&Session, &PartProps) -> Html`.
macro_rules! part {
    ($(#[$doc:meta])* $name:ident, $view:path) => {
        $(#[$doc])*
        #[yew::function_component]
        pub fn $name(props: &$crate::ui::part::PartProps) -> yew::Html {
            let session = props.session.read();
            $view(&session, props)
        }
    };
}
pub(crate) use part;

/// A key handler that sends `msg` when Enter is pressed (for SVG shapes
/// that act as buttons).
pub fn on_enter(send: &Callback<Msg>, msg: impl Fn() -> Msg + 'static) -> Callback<KeyboardEvent> {
    let send = send.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            send.emit(msg());
        }
    })
}
