//! The root component: owns the [`Playground`], runs the frame loop and the
//! keyboard, and lays out the picture and the panels.

use super::frame_loop::FrameLoop;
use super::{cluster, controls, log_table, panels, perf, sequence, share};
use crate::raft::NodeId;
use crate::sim::{Action, NetworkConfig};
use crate::view::keys::{self, KeyCommand};
use crate::view::op_text::parse_op;
use crate::view::permalink;
use crate::view::playground::{Playground, Selection};
use std::collections::BTreeSet;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AppProps {
    #[prop_or(1)]
    pub seed: u64,
    #[prop_or(5)]
    pub nodes: u64,
    /// Start playing at once (tests start paused and step by hand).
    #[prop_or(true)]
    pub autoplay: bool,
    /// Background client operations per simulated second (0: none).
    #[prop_or(0.0)]
    pub load: f64,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            seed: 1,
            nodes: 5,
            autoplay: true,
            load: 0.0,
        }
    }
}

pub enum Msg {
    Frame(f64),
    Key(KeyCommand),
    Skip(u64),
    SetSpeed(f64),
    Reset,
    SeedText(String),
    NodesText(String),
    Select(Selection),
    Act(Action),
    ClientText(String),
    ClientTarget(Option<NodeId>),
    Send,
    ToggleSide(NodeId),
    SplitSides,
    SetNetwork(NetworkConfig),
    CutText(String),
    Cut,
    Share,
    ImportText(String),
    Import,
    HashChanged,
    /// Time travel to this simulated time (µs).
    Seek(u64),
}

/// What the panels edit before it becomes an action.
#[derive(Default)]
pub struct Drafts {
    pub seed: String,
    pub nodes: String,
    pub client_text: String,
    pub client_target: Option<NodeId>,
    pub side: BTreeSet<NodeId>,
    pub cut: String,
    pub error: Option<String>,
    /// The last shared link and scenario JSON.
    pub shared: Option<(String, String)>,
    pub import: String,
}

pub struct App {
    pub playground: Playground,
    pub drafts: Drafts,
    frames: FrameLoop,
    last_frame: Option<f64>,
    frame_started: Option<f64>,
    _keys: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
    _hash: Closure<dyn FnMut()>,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        let fallback = || {
            Playground::with_load(props.seed, props.nodes, props.load)
                .unwrap_or_else(|_| Playground::new(1, 5).expect("the default cluster is valid"))
        };
        let mut error = None;
        let mut playground = match permalink::decode(&current_fragment()) {
            Ok(Some(scenario)) => Playground::from_scenario(scenario).unwrap_or_else(|e| {
                error = Some(format!("the link's scenario cannot be used: {e}"));
                fallback()
            }),
            Ok(None) => fallback(),
            Err(e) => {
                error = Some(e);
                fallback()
            }
        };
        playground.paused = !props.autoplay || prefers_reduced_motion();
        let link = ctx.link().clone();
        let frames = FrameLoop::new(move |t| link.send_message(Msg::Frame(t)));
        let link = ctx.link().clone();
        let keys =
            Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if typing_in_a_field(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                if let Some(command) = keys::command_for(&e.key()) {
                    e.prevent_default();
                    link.send_message(Msg::Key(command));
                }
            });
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ =
                document.add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
        }
        let link = ctx.link().clone();
        let hash = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::HashChanged));
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("hashchange", hash.as_ref().unchecked_ref());
        }
        let mut app = App {
            drafts: Drafts {
                seed: playground.scenario.seed.to_string(),
                nodes: playground.scenario.nodes.to_string(),
                error,
                ..Drafts::default()
            },
            playground,
            frames,
            last_frame: None,
            frame_started: None,
            _keys: keys,
            _hash: hash,
        };
        app.keep_animating();
        app
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(t) => {
                self.frames.arrived();
                self.frame_started = Some(perf::now_ms());
                let dt = self.last_frame.map_or(0.0, |last| t - last);
                self.last_frame = Some(t);
                self.playground.frame(dt);
            }
            Msg::Key(command) => self.playground.command(command),
            Msg::Skip(ms) => self.playground.skip(ms),
            Msg::SetSpeed(s) => self.playground.speed = s,
            Msg::Reset => self.reset(),
            Msg::SeedText(s) => self.drafts.seed = s,
            Msg::NodesText(s) => self.drafts.nodes = s,
            Msg::Select(s) => self.playground.selection = s,
            Msg::Act(action) => self.playground.act(action),
            Msg::ClientText(s) => self.drafts.client_text = s,
            Msg::ClientTarget(t) => self.drafts.client_target = t,
            Msg::Send => self.send(),
            Msg::ToggleSide(id) => {
                if !self.drafts.side.remove(&id) {
                    self.drafts.side.insert(id);
                }
            }
            Msg::SplitSides => {
                let side: Vec<NodeId> = self.drafts.side.iter().copied().collect();
                self.playground.act(Action::Partition(vec![side]));
            }
            Msg::SetNetwork(config) => self.playground.act(Action::SetNetwork(config)),
            Msg::CutText(s) => self.drafts.cut = s,
            Msg::Cut => self.cut(),
            Msg::Share => {
                let scenario = self.playground.export();
                let url = share::url_with(&permalink::encode(&scenario));
                self.drafts.shared = Some((url, scenario.to_json()));
            }
            Msg::ImportText(s) => self.drafts.import = s,
            Msg::Import => {
                let loaded = share::parse_pasted(&self.drafts.import);
                self.load(loaded);
            }
            Msg::Seek(t) => {
                self.playground.paused = true;
                self.playground.seek(t);
            }
            Msg::HashChanged => {
                let loaded = permalink::decode(&current_fragment())
                    .and_then(|s| s.ok_or_else(|| "the link has no scenario in it".to_string()));
                self.load(loaded);
            }
        }
        self.keep_animating();
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        if let Some(started) = self.frame_started.take() {
            perf::record(perf::now_ms() - started);
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.frames.cancel();
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "hashchange",
                self._hash.as_ref().unchecked_ref(),
            );
        }
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback(
                "keydown",
                self._keys.as_ref().unchecked_ref(),
            );
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let p = &self.playground;
        html! {
            <div class="playground">
                <header class="bar">
                    <h1>{ "Raft Playground" }</h1>
                    { controls::view(self, link) }
                </header>
                <main class="layout">
                    <section class="picture" aria-label="Cluster">
                        { cluster::view(p, link) }
                        { controls::timeline(p, link) }
                        { panels::notice(self) }
                    </section>
                    <aside class="side">
                        { panels::selection(p, link) }
                        { panels::invariants(p) }
                        { panels::client(self, link) }
                        { panels::network(self, link) }
                        { share::view(self, link) }
                    </aside>
                </main>
                <section class="logs" aria-label="Logs">
                    { log_table::view(p, link) }
                    { panels::applied(p) }
                    { sequence::view(&p.messages, p.scenario.nodes, p.sim.now()) }
                    { panels::event_log(p) }
                </section>
                { panels::help(p, link) }
            </div>
        }
    }
}

impl App {
    /// Asks for another frame while anything moves; otherwise lets the loop
    /// stop, so a paused page costs nothing.
    fn keep_animating(&mut self) {
        if self.playground.animating() {
            self.frames.request();
        } else {
            self.frames.cancel();
            self.last_frame = None;
        }
    }

    fn reset(&mut self) {
        let seed = self.drafts.seed.trim().parse::<u64>();
        let nodes = self.drafts.nodes.trim().parse::<u64>();
        let result = match (seed, nodes) {
            (Ok(seed), Ok(nodes)) => Playground::new(seed, nodes),
            (Err(_), _) => Err(format!(
                "the seed must be a whole number, not '{}'",
                self.drafts.seed
            )),
            (_, Err(_)) => Err(format!(
                "the node count must be 3 to 9, not '{}'",
                self.drafts.nodes
            )),
        };
        match result {
            Ok(mut fresh) => {
                fresh.speed = self.playground.speed;
                fresh.paused = self.playground.paused;
                self.playground = fresh;
                self.drafts.error = None;
                self.drafts.side.clear();
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }

    /// Replaces the session with a loaded scenario, or keeps it and says why
    /// the scenario could not be loaded.
    fn load(&mut self, loaded: Result<crate::sim::Scenario, String>) {
        match loaded.and_then(Playground::from_scenario) {
            Ok(mut fresh) => {
                fresh.speed = self.playground.speed;
                self.drafts.seed = fresh.scenario.seed.to_string();
                self.drafts.nodes = fresh.scenario.nodes.to_string();
                self.playground = fresh;
                self.drafts.error = None;
                self.drafts.import.clear();
            }
            Err(e) => self.drafts.error = Some(format!("{e} (your current run is unchanged)")),
        }
    }

    fn send(&mut self) {
        match parse_op(&self.drafts.client_text) {
            Ok(op) => {
                self.playground.send(op, self.drafts.client_target);
                self.drafts.client_text.clear();
                self.drafts.error = None;
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }

    fn cut(&mut self) {
        let parsed = self.drafts.cut.split_once("->").and_then(|(a, b)| {
            let a = a.trim().parse::<NodeId>().ok()?;
            let b = b.trim().parse::<NodeId>().ok()?;
            Some((a, b))
        });
        match parsed {
            Some((from, to)) => self.playground.act(Action::CutLink { from, to }),
            None => {
                self.drafts.error = Some(format!(
                    "a link is FROM->TO, like 1->2, not '{}'",
                    self.drafts.cut
                ))
            }
        }
    }
}

fn current_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn typing_in_a_field(e: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
