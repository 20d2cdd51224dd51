//! A select that acts when a choice is made, not on every arrow key.
//!
//! Chromium and Firefox fire `change` for each arrow key (or typed letter)
//! on a closed select, so walking the tour menu with the keyboard opened
//! every tour on the way, and the Reads menu recorded an action per key
//! (WCAG 3.2.2, "On Input": choosing must not change the context by
//! itself). Here a change made by a key waits until Enter, or until the
//! focus leaves the select, as a closed select used to in Firefox; Escape
//! puts back the value in force. A choice picked from the open list (a
//! pointer, or Enter in it) has no key of the select's own around it and
//! acts at once.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlSelectElement};
use yew::prelude::*;

/// Marks a key held down on the select: a change before its keyup came
/// from the keyboard.
const KEYED: &str = "data-keyed";
/// Marks a change made by a key and not yet applied.
const PENDING: &str = "data-pending";

/// The select named `label`, showing `options`, whose value in force is
/// `applied`; `apply` gets each value chosen.
pub(super) fn settled_select(
    label: &'static str,
    class: &'static str,
    applied: String,
    apply: Callback<String>,
    options: Html,
) -> Html {
    let onchange = {
        let apply = apply.clone();
        Callback::from(move |e: Event| match target(&e) {
            Some(select) if select.has_attribute(KEYED) => {
                let _ = select.set_attribute(PENDING, "");
            }
            Some(select) => apply.emit(select.value()),
            None => {}
        })
    };
    let onkeydown = {
        let apply = apply.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(select) = target(&e) else { return };
            match e.key().as_str() {
                "Enter" => take_pending(&select, &apply),
                "Escape" if select.has_attribute(PENDING) => {
                    let _ = select.remove_attribute(PENDING);
                    let applied = select.get_attribute("data-applied").unwrap_or_default();
                    select.set_value(&applied);
                }
                _ => {
                    let _ = select.set_attribute(KEYED, "");
                }
            }
        })
    };
    let onkeyup = Callback::from(|e: KeyboardEvent| {
        if let Some(select) = target(&e) {
            let _ = select.remove_attribute(KEYED);
        }
    });
    let onblur = Callback::from(move |e: FocusEvent| {
        if let Some(select) = target(&e) {
            let _ = select.remove_attribute(KEYED);
            take_pending(&select, &apply);
        }
    });
    html! {
        <select aria-label={label} class={(!class.is_empty()).then_some(class)} data-applied={applied}
            {onchange} {onkeydown} {onkeyup} {onblur}>
            { options }
        </select>
    }
}

/// The select an event happened on.
fn target(e: &Event) -> Option<HtmlSelectElement> {
    e.target()?.dyn_into().ok()
}

/// Applies a change a key made, if one waits.
fn take_pending(select: &HtmlSelectElement, apply: &Callback<String>) {
    let element: &Element = select;
    if element.has_attribute(PENDING) {
        let _ = element.remove_attribute(PENDING);
        apply.emit(select.value());
    }
}
