//! What the browser moves by itself, as Web Animations that `view` decides:
//! messages in flight (`view::motion::Flight`), election timers
//! (`view::motion::Sweep`), the message diagram's slide and dots
//! (`view::sequence`) and the timeline's marks (`view::versions::stretch`).
//! The compositor plays them, so the page draws each only when it starts
//! again. One component type moves them all ([`Moving`]): each type costs
//! the bundle Yew's generic code again. `element.animate()` is not in
//! web-sys's stable API, hence the binding.

use super::cluster::fmt;
use crate::view::motion::{Motion, Side, Sweep};
use crate::view::versions;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A running Web Animation.
    type Animation;

    /// An element, as far as animating it goes.
    type Animatable;

    #[wasm_bindgen(method)]
    fn animate(this: &Animatable, keyframes: &Array, options: &Object) -> Animation;

    #[wasm_bindgen(method, setter = currentTime)]
    fn set_current_time(this: &Animation, ms: f64);

    #[wasm_bindgen(method)]
    fn pause(this: &Animation);

    #[wasm_bindgen(method)]
    fn cancel(this: &Animation);
}

/// A box the browser moves: what it holds, placed, and how it moves.
#[derive(Clone, Properties)]
pub struct MovingProps {
    /// Its classes.
    pub class: Classes,
    /// How it moves, as of the last change of `version`.
    pub motion: Motion,
    /// CSS pixel properties set on it when it starts ("left", "top"...):
    /// through the CSS object model, which the page's
    /// Content-Security-Policy allows (a style attribute it does not).
    #[prop_or_default]
    pub place: Vec<(&'static str, f64)>,
    /// Its key: the motion starts again only when this moves.
    pub version: u64,
    /// What it holds.
    #[prop_or_default]
    pub children: Html,
}

/// The motion moves on every frame, its key does not: compare the key
/// and what the box holds.
impl PartialEq for MovingProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.class == other.class
            && self.children == other.children
    }
}

/// One moving box.
pub struct Moving {
    node: NodeRef,
    animation: Option<Animation>,
    started: Option<u64>,
}

impl Component for Moving {
    type Message = ();
    type Properties = MovingProps;

    fn create(_: &Context<Self>) -> Self {
        Moving {
            node: NodeRef::default(),
            animation: None,
            started: None,
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        html! {
            <div class={props.class.clone()} ref={self.node.clone()}>{ props.children.clone() }</div>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first: bool) {
        let props = ctx.props();
        if self.started == Some(props.version) {
            return;
        }
        self.started = Some(props.version);
        if let Some(old) = self.animation.take() {
            old.cancel();
        }
        let Some(element) = self.node.cast::<HtmlElement>() else {
            return;
        };
        let style = element.style();
        for (name, px) in &props.place {
            let _ = style.set_property(name, &format!("{}px", fmt(*px)));
        }
        self.animation = play(&element, &props.motion);
    }

    fn destroy(&mut self, _: &Context<Self>) {
        if let Some(old) = self.animation.take() {
            old.cancel();
        }
    }
}

/// Starts `motion` on `element`.
fn play(element: &Element, motion: &Motion) -> Option<Animation> {
    let k = motion.keyframes()?;
    Some(start(
        element,
        &k.frames,
        k.duration_ms,
        k.elapsed_ms,
        k.running,
    ))
}

/// Animates `element`'s transform through `frames` (offset 0..=1, CSS
/// transform) over `duration_ms`, from `elapsed_ms` into it; held still
/// unless `running`. Held at both ends: at its start until its first
/// frame, at its end until the simulation moves on.
fn start(
    element: &Element,
    frames: &[(f64, String)],
    duration_ms: f64,
    elapsed_ms: f64,
    running: bool,
) -> Animation {
    let keyframes = Array::new();
    for (offset, transform) in frames {
        let frame = object(&[
            ("offset", (*offset).into()),
            ("transform", transform.into()),
        ]);
        keyframes.push(&frame);
    }
    let options = object(&[("duration", duration_ms.into()), ("fill", "both".into())]);
    let animation = element
        .unchecked_ref::<Animatable>()
        .animate(&keyframes, &options);
    animation.set_current_time(elapsed_ms);
    if !running {
        animation.pause();
    }
    animation
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(name), value);
    }
    o
}

/// A server's election timer, if it runs: two half rings, each turned
/// inside a clip to its side of the server; started again when `version`
/// (`versions::sweep`) moves.
pub fn sweeping(sweep: &Sweep, version: u64) -> Html {
    html! {
        <>
            { half(sweep, Side::Right, version) }
            if sweep.left.is_some() {
                { half(sweep, Side::Left, version) }
            }
        </>
    }
}

/// One side of a timer: a clip to its side of the server, holding the
/// half ring that turns (and, on the right, its rounded end).
fn half(sweep: &Sweep, side: Side, version: u64) -> Html {
    let (x, y, size) = sweep.ring_box();
    let viewbox = format!("{} {} {} {}", fmt(x), fmt(y), fmt(size), fmt(size));
    let (c, r) = (sweep.center, sweep.radius);
    let ([left, top, width, height], ring_left) = sweep.side_box(side);
    let degrees = match side {
        Side::Right => sweep.right.clone(),
        Side::Left => sweep.left.clone().unwrap_or_default(),
    };
    let turn = Motion::Turn {
        degrees,
        duration_ms: sweep.duration_ms,
        running: sweep.running,
    };
    let clip = vec![
        ("left", left),
        ("top", top),
        ("width", width),
        ("height", height),
    ];
    // Placed again only when the box moves, not at each restart: four
    // style writes per half saved on every heartbeat a follower receives.
    let placed = versions::clip(side, [left, top, width, height]);
    html! {
        <Moving class="timer-side" motion={Motion::Still} place={clip} version={placed}>
            <Moving class="timer-turn" motion={turn} place={vec![("left", ring_left)]} {version}>
                <svg viewBox={viewbox} width={fmt(size)} height={fmt(size)}>
                    <path class="timer-half" d={sweep.half_ring(side)} />
                    if side == Side::Right {
                        <circle class="timer-end" cx={fmt(c.x)} cy={fmt(c.y - r)} r="1.5" />
                    }
                </svg>
            </Moving>
        </Moving>
    }
}
