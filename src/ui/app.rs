//! The root component: owns the [`Playground`], runs the frame loop and the
//! keyboard, and lays out the picture and the panels.

use super::frame_loop::FrameLoop;
use super::host_api::HostSide;
use super::{cluster, controls, log_table, panels, perf, sequence, share, tour};
use crate::raft::NodeId;
use crate::sim::{Action, NetworkConfig};
use crate::view::host_api::HostCommand;
use crate::view::keys::{self, KeyCommand};
use crate::view::op_text::parse_op;
use crate::view::playground::{Playground, Selection};
use crate::view::tour_player::TourPlayer;
use crate::view::{embed, permalink};
use std::collections::BTreeSet;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the page asks of the playground, read from its address (see
/// [`UrlParams`](crate::view::url_params::UrlParams)).
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AppProps {
    /// The seed of a fresh cluster (when no tour or shared run opens instead).
    #[prop_or(1)]
    pub seed: u64,
    /// How many servers a fresh cluster has, 3 to 9.
    #[prop_or(5)]
    pub nodes: u64,
    /// Start playing at once (tests start paused and step by hand).
    #[prop_or(true)]
    pub autoplay: bool,
    /// Background client operations per simulated second (0: none).
    #[prop_or(0.0)]
    pub load: f64,
    /// The compact layout for an iframe.
    #[prop_or(false)]
    pub embed: bool,
    /// A guided tour to open, at this step (from 0).
    #[prop_or_default]
    pub tour: Option<String>,
    /// The step of `tour` to open, from 0.
    #[prop_or(0)]
    pub step: usize,
    /// What was wrong with the page's address, if anything.
    #[prop_or_default]
    pub url_problems: Vec<String>,
    /// A shared run plays from its start instead of opening paused at the
    /// moment it was shared (`?autoplay=1`).
    #[prop_or(false)]
    pub from_start: bool,
    /// The origin a host page must have for its commands to be obeyed.
    #[prop_or_default]
    pub host_origin: Option<String>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            seed: 1,
            nodes: 5,
            autoplay: true,
            load: 0.0,
            embed: false,
            tour: None,
            step: 0,
            url_problems: Vec::new(),
            from_start: false,
            host_origin: None,
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
    /// Back to time 0 of this run, playing.
    ReplayFromStart,
    /// ← or →: a tour's Back or Next, else a step back or forward.
    Arrow {
        forward: bool,
    },
    TourChoose(String),
    TourNext,
    TourBack,
    TourEnd,
    /// Reload the tour at its current step, undoing the person's changes.
    TourRestartStep,
    /// Make the iframe snippet for this run.
    Embed,
    FileChosen(web_sys::File),
    FileRead(Result<String, String>),
    /// A command from the host page that frames this one (src/ui/host_api.rs).
    Host(HostCommand),
    /// The host's held-back clock event is due.
    HostFlush,
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
    /// The last iframe snippet made.
    pub embed_snippet: Option<String>,
    pub import: String,
}

/// The root component: the playground page.
pub struct App {
    /// The run on screen.
    pub playground: Playground,
    /// The guided tour being played, if any.
    pub tour: Option<TourPlayer>,
    /// The compact layout for an iframe.
    pub embed: bool,
    /// What the panels' fields hold before it becomes an action.
    pub drafts: Drafts,
    frames: FrameLoop,
    last_frame: Option<f64>,
    frame_started: Option<f64>,
    _keys: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
    _hash: Closure<dyn FnMut()>,
    /// The host page's commands and subscriptions (docs/embedding.md).
    pub(super) host: HostSide,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        let (mut playground, tour, error) = initial_playground(props);
        if tour.is_none() {
            // A shared run opened at its moment stays paused there.
            playground.paused |= !props.autoplay || prefers_reduced_motion();
        }
        let link = ctx.link().clone();
        let frames = FrameLoop::new(move |t| link.send_message(Msg::Frame(t)));
        let link = ctx.link().clone();
        let keys =
            Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                if typing_in_a_field(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                if let key @ ("ArrowLeft" | "ArrowRight") = e.key().as_str() {
                    e.prevent_default();
                    link.send_message(Msg::Arrow {
                        forward: key == "ArrowRight",
                    });
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
        let host = HostSide::listen(props.host_origin.clone(), ctx.link().clone(), &playground);
        let mut app = App {
            drafts: Drafts {
                seed: playground.scenario.seed.to_string(),
                nodes: playground.scenario.nodes.to_string(),
                error,
                ..Drafts::default()
            },
            playground,
            tour,
            embed: props.embed,
            frames,
            last_frame: None,
            frame_started: None,
            _keys: keys,
            _hash: hash,
            host,
        };
        app.keep_animating();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        // Frames never change the tour step or the run's identity, so only
        // other messages can move the address bar.
        let may_move_address = !matches!(msg, Msg::Frame(_));
        match msg {
            Msg::Frame(t) => {
                self.frames.arrived();
                self.frame_started = Some(perf::now_ms());
                let dt = self.last_frame.map_or(0.0, |last| t - last);
                self.last_frame = Some(t);
                self.playground.frame(dt);
                if let Some(tour) = &mut self.tour {
                    tour.on_frame(&mut self.playground);
                }
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
                self.playground.pause_at = None;
                self.playground.go_to(t.min(self.playground.timeline_end()));
            }
            Msg::ReplayFromStart => self.playground.replay_from_start(),
            Msg::Arrow { forward } => match (&mut self.tour, forward) {
                (Some(tour), true) => tour.next(&mut self.playground),
                (Some(tour), false) => tour.back(&mut self.playground),
                (None, true) => self.playground.command(KeyCommand::Step),
                (None, false) => self.playground.command(KeyCommand::StepBack),
            },
            Msg::TourChoose(id) if id.is_empty() => self.end_tour(),
            Msg::TourChoose(id) => self.start_tour(&id, 0),
            Msg::TourNext => {
                if let Some(tour) = &mut self.tour {
                    tour.next(&mut self.playground);
                }
            }
            Msg::TourBack => {
                if let Some(tour) = &mut self.tour {
                    tour.back(&mut self.playground);
                }
            }
            Msg::TourEnd => self.end_tour(),
            Msg::TourRestartStep => {
                if let Some((id, step)) = self.tour.as_ref().map(|t| (t.tour.id, t.step)) {
                    self.start_tour(id, step);
                }
            }
            Msg::Embed => self.drafts.embed_snippet = Some(self.embed_snippet()),
            Msg::FileChosen(file) => share::read_file(file, ctx.link().clone()),
            Msg::FileRead(text) => {
                let loaded = text.and_then(|text| share::parse_pasted(&text));
                self.load(loaded);
            }
            Msg::HashChanged => {
                let loaded = permalink::decode(&current_fragment())
                    .and_then(|s| s.ok_or_else(|| "the link has no scenario in it".to_string()));
                self.load(loaded);
            }
            Msg::Host(command) => self.host_command(command),
            Msg::HostFlush => self.host.flushed(),
        }
        if may_move_address {
            self.sync_address();
        }
        self.keep_animating();
        self.host_events(ctx.link());
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
        if self.embed {
            return self.embedded_view(link);
        }
        html! {
            <div class="playground">
                <header class="bar">
                    <h1>{ "Raft Playground" }</h1>
                    { controls::view(self, link) }
                    { tour::menu(self, link) }
                </header>
                <main class="layout">
                    <section class="picture" aria-label="Cluster">
                        { tour::panel(self, link) }
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
                    <sequence::SequenceDiagram content={p.sequence.content()} shift={p.sequence.shift(p.sim.now())} />
                    { panels::event_log(p) }
                </section>
                { panels::help(p, link) }
            </div>
        }
    }
}

impl App {
    /// The compact layout for an iframe: the cluster, play/pause, the
    /// timeline and a tour's narration; the logs fold away.
    fn embedded_view(&self, link: &yew::html::Scope<App>) -> Html {
        let p = &self.playground;
        html! {
            <div class="playground embed">
                { tour::panel(self, link) }
                <section class="picture" aria-label="Cluster">
                    { cluster::view(p, link) }
                </section>
                { controls::embed_bar(self, link) }
                { controls::timeline(p, link) }
                { panels::notice(self) }
                <details class="embed-more">
                    <summary>{ "Logs and events" }</summary>
                    { log_table::view(p, link) }
                    { panels::event_log(p) }
                </details>
                { panels::help(p, link) }
            </div>
        }
    }

    fn start_tour(&mut self, id: &str, step: usize) {
        match TourPlayer::start(id, step) {
            Ok((player, fresh)) => self.replace_run(fresh, Some(player)),
            Err(e) => self.drafts.error = Some(e),
        }
    }

    /// Swaps in a new run (a reset, a loaded scenario, a tour), keeping the
    /// person's speed, and their pause state unless a tour sets its own.
    pub(super) fn replace_run(&mut self, mut fresh: Playground, tour: Option<TourPlayer>) {
        fresh.speed = self.playground.speed;
        // Its history up to the moment it opens at is not news to a host.
        fresh.new_events.clear();
        if tour.is_none() {
            // Paused if the person was, or if the run opens at a moment.
            fresh.paused |= self.playground.paused;
        }
        self.drafts.seed = fresh.scenario.seed.to_string();
        self.drafts.nodes = fresh.scenario.nodes.to_string();
        self.drafts.error = None;
        self.playground = fresh;
        self.tour = tour;
    }

    fn end_tour(&mut self) {
        self.tour = None;
        self.playground.pause_at = None;
    }

    /// Keeps the address bar pointing at what is shown when a tour is open
    /// (`?tour=...&step=...`), so copying it links to this step.
    fn sync_address(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let current = location.search().unwrap_or_default();
        let mut wanted = Vec::new();
        if self.embed {
            wanted.push("embed=1".to_string());
        }
        if let Some(origin) = self.host.origin() {
            wanted.push(format!("origin={origin}")); // kept: it guards a reload too
        }
        if let Some(player) = &self.tour {
            wanted.push(tour::query(player));
        } else if !current.contains("tour=") {
            return; // not ours to rewrite
        }
        let wanted = if wanted.is_empty() {
            String::new()
        } else {
            format!("?{}", wanted.join("&"))
        };
        if wanted != current {
            let path = location.pathname().unwrap_or_default();
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&format!("{path}{wanted}")),
                );
            }
        }
    }

    /// The iframe HTML for this run: the tour step if a tour is open, else
    /// the run as a scenario link.
    fn embed_snippet(&self) -> String {
        let page = share::page_address();
        match &self.tour {
            Some(player) if !player.diverged(&self.playground) => {
                embed::snippet(&page, &tour::query(player), "", player.tour.title)
            }
            _ => {
                let fragment = permalink::encode(&self.playground.export());
                embed::snippet(&page, "", &fragment, "Raft Playground")
            }
        }
    }

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
            Ok(fresh) => {
                self.replace_run(fresh, None);
                self.drafts.side.clear();
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }

    /// Replaces the session with a loaded scenario, or keeps it and says why
    /// the scenario could not be loaded.
    fn load(&mut self, loaded: Result<crate::sim::Scenario, String>) {
        match loaded.and_then(|s| Playground::open_shared(s, false)) {
            Ok(fresh) => {
                self.replace_run(fresh, None);
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

/// What the page opens with: the tour its address names, else the
/// scenario in its fragment, else a fresh cluster; with the message to
/// show if the address asked for something that cannot be had.
fn initial_playground(props: &AppProps) -> (Playground, Option<TourPlayer>, Option<String>) {
    let mut problems = props.url_problems.clone();
    if let Some(id) = &props.tour {
        match TourPlayer::start(id, props.step) {
            Ok((player, p)) => return (p, Some(player), none_if_empty(problems)),
            Err(e) => problems.push(e),
        }
    }
    let from_fragment = permalink::decode(&current_fragment()).and_then(|scenario| {
        scenario
            .map(|s| {
                Playground::open_shared(s, props.from_start)
                    .map_err(|e| format!("the link's scenario cannot be used: {e}"))
            })
            .transpose()
    });
    let playground = match from_fragment {
        Ok(Some(p)) => p,
        Ok(None) => fresh_playground(props),
        Err(e) => {
            problems.push(e);
            fresh_playground(props)
        }
    };
    (playground, None, none_if_empty(problems))
}

fn fresh_playground(props: &AppProps) -> Playground {
    Playground::with_load(props.seed, props.nodes, props.load)
        .unwrap_or_else(|_| Playground::new(1, 5).expect("the default cluster is valid"))
}

fn none_if_empty(problems: Vec<String>) -> Option<String> {
    (!problems.is_empty()).then(|| problems.join("; "))
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
