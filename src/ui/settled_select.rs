//! A select that acts when a choice is made, not on every arrow key.
//!
//! Chromium and Firefox fire `change` for each arrow key (or typed letter)
//! on a closed select, so walking the tour menu with the keyboard opened
//! every tour on the way, and the Reads menu recorded an action per key
//! (WCAG 3.2.2, "On Input": choosing must not change the context by
//! itself). Here a change made by a key waits for Enter or Tab (as the
//! WAI-ARIA select-only combobox takes Tab); Escape, or the focus leaving
//! the menu within the page, puts back the value in force (a click on the
//! notice's Undo applied the waiting choice first, which took the Undo away
//! under the click). A choice picked from the open list (a pointer, or
//! Enter in it) acts at once: the keys that open the list (Space, Enter,
//! F4, Alt with an arrow) are not counted as choosing. A choice of the
//! value in force does nothing: it forked a rewound run for no change.
//!
//! The menu shows the value in force after every render
//! ([`show_values_in_force`]): its options' `selected` attributes stop
//! counting once a person has chosen from it (the HTML rule for a select's
//! "dirty" options), and after a rewind or an Undo it named a setting the
//! run no longer had (a page tester).

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Marks a key held down on the select: a change before its keyup came
/// from the keyboard.
const KEYED: &str = "data-keyed";
/// Marks a change made by a key and not yet applied.
const PENDING: &str = "data-pending";
/// The value in force, as the session has it.
const APPLIED: &str = "data-applied";

/// The select named `label`, showing `options`, whose value in force is
/// `applied`; `apply` gets each value chosen.
pub(super) fn settled_select(
    label: &'static str,
    class: &'static str,
    applied: String,
    apply: Callback<String>,
    options: Html,
) -> Html {
    let onchange = on_change(apply.clone());
    let onkeydown = on_keydown(apply);
    let onkeyup = Callback::from(|e: KeyboardEvent| {
        if let Some(select) = target(&e) {
            let _ = select.remove_attribute(KEYED);
        }
    });
    html! {
        <select aria-label={label} class={(!class.is_empty()).then_some(class)} data-applied={applied}
            {onchange} {onkeydown} {onkeyup} onblur={on_blur()}>
            { options }
        </select>
    }
}

/// A change made by a key waits; any other is applied.
fn on_change(apply: Callback<String>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let Some(select) = target(&e) else { return };
        if select.has_attribute(KEYED) {
            let _ = select.set_attribute(PENDING, "");
        } else {
            let _ = select.remove_attribute(PENDING);
            apply_if_new(&select, &apply);
        }
    })
}

/// Enter or Tab applies a waiting choice, Escape drops it; a key that
/// may choose is marked until its keyup.
fn on_keydown(apply: Callback<String>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let Some(select) = target(&e) else { return };
        match e.key().as_str() {
            "Enter" | "Tab" if select.has_attribute(PENDING) => {
                if e.key() == "Enter" {
                    // Chromium's Enter would open the list as well.
                    e.prevent_default();
                }
                let _ = select.remove_attribute(PENDING);
                apply_if_new(&select, &apply);
            }
            "Escape" => put_back(&select),
            // Keys that open the list: its keys go to the list, so no
            // keyup would come back, and a pick there is made at once.
            "Enter" | " " | "F4" => {}
            _ if e.alt_key() => {}
            _ => {
                let _ = select.set_attribute(KEYED, "");
            }
        }
    })
}

/// The focus leaving the menu within the page drops a waiting choice.
fn on_blur() -> Callback<FocusEvent> {
    Callback::from(|e: FocusEvent| {
        let Some(select) = target(&e) else { return };
        let _ = select.remove_attribute(KEYED);
        // The window itself lost the focus (another window, another tab):
        // the choice waits for the person's return.
        let window_left = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.has_focus().unwrap_or(true));
        if !window_left {
            put_back(&select);
        }
    })
}

/// Every such menu on the page shows its value in force, unless a key's
/// choice waits on it; called after each render.
pub(super) fn show_values_in_force() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(menus) = document.query_selector_all("select[data-applied]:not([data-pending])") else {
        return;
    };
    for i in 0..menus.length() {
        if let Some(select) = menus.item(i).and_then(|n| n.dyn_into().ok()) {
            show_applied(&select);
        }
    }
}

/// The select an event happened on.
fn target(e: &Event) -> Option<HtmlSelectElement> {
    e.target()?.dyn_into().ok()
}

/// The value in force.
fn applied(select: &HtmlSelectElement) -> String {
    select.get_attribute(APPLIED).unwrap_or_default()
}

/// Applies the value shown, unless it is the one in force.
fn apply_if_new(select: &HtmlSelectElement, apply: &Callback<String>) {
    let value = select.value();
    if value != applied(select) {
        apply.emit(value);
    }
}

/// Drops a key's waiting choice: the value in force is shown again.
fn put_back(select: &HtmlSelectElement) {
    if select.has_attribute(PENDING) {
        let _ = select.remove_attribute(PENDING);
        show_applied(select);
    }
}

fn show_applied(select: &HtmlSelectElement) {
    let applied = applied(select);
    if select.value() != applied {
        select.set_value(&applied);
    }
}
