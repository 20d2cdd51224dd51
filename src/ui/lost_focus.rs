//! Where the focus goes when what had it goes away. A button pressed from
//! the keyboard may vanish (Undo in the notice, "End the tour") or grey
//! (a tour's Back at its first step) under the focus, and the browser then
//! drops the focus to the page's body: the next Tab starts again from the
//! top, and a screen reader loses its place (a page tester). The nearest
//! region that still holds the spot takes the focus instead: a region, not
//! a button near it, so that a second Enter presses nothing.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The regions a lost focus falls back to, the nearest first.
const REGIONS: &str = ".panel, .tour, .picture, .controls, header, main, .experiments-page";

/// What had the focus before an input, and the regions around it then.
#[derive(Default)]
pub struct LostFocus {
    had: Option<(Element, Vec<Element>)>,
}

impl LostFocus {
    /// Notes what has the focus, before an input is carried out.
    pub fn note(&mut self) {
        self.had = focused().map(|element| {
            let regions = regions_around(&element);
            (element, regions)
        });
    }

    /// The input drew nothing: what was noted is no longer before it.
    pub fn forget(&mut self) {
        self.had = None;
    }

    /// After the page is drawn: if the element noted is gone or disabled,
    /// and the focus is on nothing else, the nearest region still on the
    /// page takes it.
    pub fn restore(&mut self) {
        let Some((had, regions)) = self.had.take() else {
            return;
        };
        let lost = !had.is_connected() || had.has_attribute("disabled");
        // A disabled button may hold the focus until the browser's next
        // rendering drops it (Chromium's focus fixup): lost all the same.
        let elsewhere = focused().is_some_and(|f| f != had);
        if !lost || elsewhere {
            return;
        }
        let Some(region) = regions.into_iter().find(|r| r.is_connected()) else {
            return;
        };
        let Ok(region) = region.dyn_into::<HtmlElement>() else {
            return;
        };
        if !region.has_attribute("tabindex") {
            let _ = region.set_attribute("tabindex", "-1");
        }
        // Not scrolled to: it holds the spot that went, already in view
        // where it was, and this runs on every frame.
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = region.focus_with_options(&options);
    }
}

/// The element with the focus, unless it is the page's body: an SVG one
/// too (a server, a message, a timeline mark).
fn focused() -> Option<Element> {
    let document = web_sys::window()?.document()?;
    let active = document.active_element()?;
    let body = document.body().map(Element::from);
    (Some(&active) != body.as_ref()).then_some(active)
}

/// The regions that hold `element`, the nearest first: noted while it is
/// on the page, since a removed subtree's top has no parent any more.
fn regions_around(element: &Element) -> Vec<Element> {
    let mut regions = Vec::new();
    let mut at = element.closest(REGIONS).ok().flatten();
    while let Some(region) = at {
        at = region
            .parent_element()
            .and_then(|p| p.closest(REGIONS).ok().flatten());
        regions.push(region);
    }
    regions
}
