//! Tells the session which sections below the picture are in view
//! (`view::on_screen`): an `IntersectionObserver` watches the box the page
//! wraps each of them in, and reports a section coming into view or
//! leaving it as an input. The browser calls it only then, not per frame.

use super::app::Msg;
use crate::view::on_screen::Section;
use crate::view::session::Input;
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::{Callback, NodeRef};

/// How far outside the window a section counts as in view: it is drawn
/// before it scrolls in, so a person never sees it catch up.
const MARGIN: &str = "200px 0px";

/// The attribute that names a box's section (its place in
/// `Section::ALL`).
const SECTION: &str = "data-section";

/// The observer and the boxes it watches.
pub struct Watcher {
    observer: IntersectionObserver,
    _report: Closure<dyn FnMut(Array)>,
    watched: [Option<Element>; 4],
}

impl Watcher {
    /// A watcher that sends what it sees to `send`; `None` where the
    /// browser has no `IntersectionObserver` (then every section counts as
    /// in view, and is drawn as before).
    pub fn new(send: Callback<Msg>) -> Option<Watcher> {
        let report = Closure::<dyn FnMut(Array)>::new(move |entries: Array| {
            for entry in entries.iter() {
                let entry: IntersectionObserverEntry = entry.unchecked_into();
                let section = (entry.target().get_attribute(SECTION))
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| Section::ALL.get(i).copied());
                if let Some(section) = section {
                    let in_view = entry.is_intersecting();
                    send.emit(Msg::Do(Input::OnScreen { section, in_view }));
                }
            }
        });
        let init = IntersectionObserverInit::new();
        init.set_root_margin(MARGIN);
        let observer =
            IntersectionObserver::new_with_options(report.as_ref().unchecked_ref(), &init).ok()?;
        Some(Watcher {
            observer,
            _report: report,
            watched: Default::default(),
        })
    }

    /// Watches the boxes as the page drew them (`boxes` in the order of
    /// `Section::ALL`): a box drawn anew (after the Experiments view, say)
    /// is watched instead of the old one. The observer reports a newly
    /// watched box at once.
    pub fn watch(&mut self, boxes: &[NodeRef; 4]) {
        for (watched, node) in self.watched.iter_mut().zip(boxes) {
            let now = node.cast::<Element>();
            if *watched == now {
                continue;
            }
            if let Some(old) = watched.take() {
                self.observer.unobserve(&old);
            }
            if let Some(new) = &now {
                self.observer.observe(new);
            }
            *watched = now;
        }
    }

    /// The attribute value that names `section` on its box.
    pub fn name(section: Section) -> String {
        (section as usize).to_string()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
