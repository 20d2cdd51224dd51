//! Messages in flight and election timers as Web Animations (`view::motion`
//! decides them): the browser's compositor moves each message from its
//! sender to its receiver and turns each timer down, so the page draws a
//! message only when it is sent, changes or arrives, and a timer only when
//! it is reset.
//! `element.animate()` is not in web-sys's stable API, hence the binding.

use super::cluster::fmt;
use super::part::{Part, PartProps};
use crate::view::motion::{Flight, Side, Sweep};
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

/// What a flying message needs: its flight, the flight's key (the
/// animation starts again only when it moves) and the message's part.
#[derive(Clone, Properties)]
pub struct FlyingProps {
    /// Where and how fast it flies, as of the last change of `version`.
    pub flight: Flight,
    /// `view::versions::flight`.
    pub version: u64,
    /// The message's own part, drawn around the origin.
    pub part: PartProps,
}

/// The flight moves on every frame, its key does not: compare the key.
impl PartialEq for FlyingProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.part == other.part
    }
}

/// One message in flight: an HTML box the browser animates, holding the
/// message's drawing.
pub struct Flying {
    node: NodeRef,
    animation: Option<Animation>,
    started: Option<u64>,
}

impl Component for Flying {
    type Message = ();
    type Properties = FlyingProps;

    fn create(_: &Context<Self>) -> Self {
        Flying {
            node: NodeRef::default(),
            animation: None,
            started: None,
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        // The drawing's box is centred on the origin and lets what
        // overflows it show (a snapshot's tag is long).
        html! {
            <div class="flight" ref={self.node.clone()}>
                <svg viewBox="-60 -60 120 120" width="120" height="120">
                    <Part ..ctx.props().part.clone() />
                </svg>
            </div>
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
        if let Some(element) = self.node.cast::<Element>() {
            self.animation = Some(play(&element, &props.flight));
        }
    }

    fn destroy(&mut self, _: &Context<Self>) {
        if let Some(old) = self.animation.take() {
            old.cancel();
        }
    }
}

/// Starts `flight` on `element`, at the point the simulation has reached.
fn play(element: &Element, flight: &Flight) -> Animation {
    let [from, to] = flight.keyframes();
    let frames = [(0.0, from), (1.0, to)];
    start(
        element,
        &frames,
        flight.duration_ms,
        flight.elapsed_ms,
        flight.running,
    )
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

/// A server's election timer: its sweep and the sweep's key.
#[derive(Clone, Properties)]
pub struct SweepingProps {
    /// The sweep as of the last change of `version`.
    pub sweep: Sweep,
    /// `view::versions::sweep`.
    pub version: u64,
}

/// The sweep moves on every frame, its key does not: compare the key.
impl PartialEq for SweepingProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// One election timer: two half rings, each turned inside a clip to its
/// side of the server.
pub struct Sweeping {
    right: (NodeRef, NodeRef),
    left: (NodeRef, NodeRef),
    animations: Vec<Animation>,
    started: Option<u64>,
}

impl Component for Sweeping {
    type Message = ();
    type Properties = SweepingProps;

    fn create(_: &Context<Self>) -> Self {
        Sweeping {
            right: Default::default(),
            left: Default::default(),
            animations: Vec::new(),
            started: None,
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let sweep = &ctx.props().sweep;
        html! {
            <>
                { half(sweep, Side::Right, &self.right) }
                if sweep.left.is_some() {
                    { half(sweep, Side::Left, &self.left) }
                }
            </>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first: bool) {
        let props = ctx.props();
        if self.started == Some(props.version) {
            return;
        }
        self.started = Some(props.version);
        self.stop();
        let sweep = &props.sweep;
        for (side, (clip, ring)) in [(Side::Right, &self.right), (Side::Left, &self.left)] {
            let frames = match side {
                Side::Right => Some(&sweep.right),
                Side::Left => sweep.left.as_ref(),
            };
            let (Some(frames), Some(clip), Some(ring)) = (
                frames,
                clip.cast::<HtmlElement>(),
                ring.cast::<HtmlElement>(),
            ) else {
                continue;
            };
            place(&clip, &ring, sweep, side);
            let frames: Vec<_> = frames
                .iter()
                .map(|(o, d)| (*o, sweep.transform(*d)))
                .collect();
            let animation = start(&ring, &frames, sweep.duration_ms, 0.0, sweep.running);
            self.animations.push(animation);
        }
    }

    fn destroy(&mut self, _: &Context<Self>) {
        self.stop();
    }
}

impl Sweeping {
    fn stop(&mut self) {
        for animation in self.animations.drain(..) {
            animation.cancel();
        }
    }
}

/// One side of a timer: a clip to its side of the server, holding the
/// half ring that turns (and, on the right, its rounded end).
fn half(sweep: &Sweep, side: Side, refs: &(NodeRef, NodeRef)) -> Html {
    let (x, y, size) = sweep.ring_box();
    let viewbox = format!("{} {} {} {}", fmt(x), fmt(y), fmt(size), fmt(size));
    let (c, r) = (sweep.center, sweep.radius);
    html! {
        <div class="timer-side" ref={refs.0.clone()}>
            <svg class="timer-turn" ref={refs.1.clone()} viewBox={viewbox} width={fmt(size)} height={fmt(size)}>
                <path class="timer-half" d={sweep.half_ring(side)} />
                if side == Side::Right {
                    <circle class="timer-end" cx={fmt(c.x)} cy={fmt(c.y - r)} r="1.5" />
                }
            </svg>
        </div>
    }
}

/// Puts one side's clip and ring where `sweep` says, through the CSS
/// object model, which the page's Content-Security-Policy allows (a style
/// attribute it does not).
fn place(clip: &HtmlElement, ring: &HtmlElement, sweep: &Sweep, side: Side) {
    let ([left, top, width, height], ring_left) = sweep.side_box(side);
    let px = |x: f64| format!("{}px", fmt(x));
    let style = clip.style();
    for (name, value) in [
        ("left", left),
        ("top", top),
        ("width", width),
        ("height", height),
    ] {
        let _ = style.set_property(name, &px(value));
    }
    let _ = ring.style().set_property("left", &px(ring_left));
}
