//! The root component: wires the browser to the session (`view::session`):
//! animation frames, keys, the address bar, files and the host page; and
//! lays out the page's parts, each drawn again only when its key moves.

use super::controls::TIMELINE_SLIDER;
use super::focus;
use super::frame_loop::FrameLoop;
use super::host_api::HostSide;
use super::lost_focus::LostFocus;
use super::part::{Part, PartKind, PartProps, Shared};
use super::perf;
use super::studio_client::{self, Studio, StudioJob, StudioMsg};
use super::{into_view, on_screen, settled_select, share};
use crate::view::experiments::PageView;
use crate::view::keys;
use crate::view::on_screen::Section;
use crate::view::playground::{Selection, StoryAsk};
use crate::view::session::{Input, Session};
use crate::view::studio_wire::{self, JobWire};
use crate::view::url_params::{HostOrigin, UrlParams};
use crate::view::versions::{self, Versions};
use crate::view::what_if::{WhatIfInput, WorkerCommand};
use crate::view::worker_protocol::WorkerReply;
use crate::view::{permalink, scenario_json};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::html::Scope;
use yew::prelude::*;

/// A frame at 60 frames a second, in milliseconds: a frame comes up to
/// this long after it is asked for.
const FRAME_MS: f64 = 1000.0 / 60.0;

/// How much sooner than the next change the page wakes (timers are late
/// by a millisecond or so).
const WAKE_EARLY_MS: f64 = 2.0;

/// How long the page stays still (nothing moving, no input) before it
/// comes to rest and draws the sections out of view (`Input::Rest`): past
/// a drag of the timeline, so scrubbing draws only what is in view.
const REST_MS: u32 = 400;

/// How long the keys on a network slider rest before their value is one
/// action for the run (`Input::NetworkSettled`): longer than a key's
/// repeat, short enough that the run soon takes it.
const SETTLE_MS: u32 = 600;

/// What the page asks of the playground, read from its address (see
/// [`UrlParams`]).
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
    pub host_origin: HostOrigin,
    /// Every server's disk (`?disk=slow`).
    #[prop_or_default]
    pub disk: crate::sim::DiskConfig,
    /// The view it opens on (`?view=experiments`).
    #[prop_or_default]
    pub view: PageView,
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
            host_origin: HostOrigin::Any,
            disk: Default::default(),
            view: PageView::Player,
        }
    }
}

impl AppProps {
    /// The properties as the session reads an address.
    fn params(&self) -> UrlParams {
        UrlParams {
            seed: self.seed,
            nodes: self.nodes,
            load: self.load,
            autoplay: self.autoplay,
            embed: self.embed,
            tour: self.tour.clone(),
            step: self.step,
            from_start: self.from_start,
            host_origin: self.host_origin.clone(),
            disk: self.disk,
            view: self.view,
        }
    }
}

/// What the page's parts send the root.
pub enum Msg {
    /// An animation frame, at this timestamp (ms).
    Frame(f64),
    /// The page slept until something it draws changes: ask for a frame.
    Wake,
    /// Something the session decides.
    Do(Input),
    /// "Share this run": the session needs the page's address.
    Share,
    /// "Embed": the session needs the page's address.
    Embed,
    /// A scenario file was chosen; it is read, then loaded.
    FileChosen(web_sys::File),
    /// The address's fragment changed.
    HashChanged,
    /// Back or Forward: the view the address names shows.
    HistoryMoved,
    /// Messages from the host page came, for the studio to read.
    HostMessages,
    /// The host's held-back clock event is due.
    HostFlush,
    /// The Web Worker said something.
    Worker(Box<WorkerReply>),
    /// Show the Experiments view (in the studio).
    ShowExperiments,
    /// The studio said something.
    Studio(StudioMsg),
    /// A server or message picked in the picture: selected, and its
    /// details brought into view.
    Picked(Selection),
    /// The help's switch for the single-key shortcuts.
    SingleKeys(bool),
}

/// The root component: the playground page.
pub struct App {
    /// The session on screen, read by every part.
    session: Shared,
    /// Where the parts send what the person does.
    send: Callback<Msg>,
    frames: FrameLoop,
    last_frame: Option<f64>,
    frame_started: Option<f64>,
    /// The keys the page last drew with (`view::versions::drawn`).
    drawn: Option<Versions>,
    /// The boxes of the sections below the picture, in the order of
    /// `Section::ALL`, and what tells the session which are in view.
    boxes: [NodeRef; 4],
    on_screen: Option<on_screen::Watcher>,
    /// The timer that ends the page's sleep between frames, while it sleeps.
    wake: Option<Timeout>,
    /// The timer that brings a still page to rest (`REST_MS`).
    rest: Option<Timeout>,
    /// The timer that sets a network slider's value once its keys rest
    /// (`SETTLE_MS`); each key starts it again.
    settle: Option<Timeout>,
    _keys: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
    _hash: Closure<dyn FnMut()>,
    _history: Closure<dyn FnMut()>,
    /// Brings the page to rest before it is printed.
    _print: Closure<dyn FnMut()>,
    /// The host page's window, if the playground is framed (docs/embedding.md).
    host: HostSide,
    /// The "What if…" search's job in the studio, while one runs.
    worker: Option<StudioJob>,
    /// A job waiting for the studio to load.
    pending_job: Option<String>,
    /// Inputs that read or write JSON, waiting for the studio to load.
    held: Vec<Input>,
    /// Which view shows: the player, or the studio's Experiments view.
    page: PageView,
    /// The page's second module, where the Experiments view lives.
    studio: Studio,
    /// While the keyboard help is open, what had the focus before it: the
    /// dialog takes the focus, and gives it back when it closes.
    focus_before_help: Option<Option<web_sys::Element>>,
    /// The session's `failures_opened` while a found failure's story was
    /// on the page at the last render; `None` while none was.
    story_of: Option<u64>,
    /// Back from the Experiments view: the next render gives its button
    /// the focus (it fell to the page's body, a page tester saw).
    focus_experiments_button: bool,
    /// A pick in the picture since the last drawing: its details come
    /// into view once drawn.
    details_into_view: bool,
    /// "Back to the player" went back in the history, which has not
    /// arrived yet.
    going_back: bool,
    /// What had the focus before the input being carried out, for when it
    /// goes away under it.
    lost_focus: LostFocus,
    /// Whether the menus' values may have moved since they were last shown
    /// (`settled_select::show_values_in_force`): after any message but a
    /// frame, and after a frame that drew their parts again. Running
    /// frames mostly leave them, and looked them up in the page for
    /// nothing.
    menus_may_move: bool,
}

/// The browser's Back or Forward, as the session follows it: the
/// address's query and fragment now.
fn address_moved() -> Input {
    let location = web_sys::window().map(|w| w.location());
    let search = location.as_ref().and_then(|l| l.search().ok());
    let hash = location.as_ref().and_then(|l| l.hash().ok());
    Input::AddressMoved {
        search: search.unwrap_or_default(),
        hash: hash.unwrap_or_default(),
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        // The page's JSON reader is the studio's (view::scenario_json); an
        // old `#s=` link (JSON) opens once the studio is there.
        scenario_json::install(&studio_client::StudioJson);
        let fragment = current_fragment();
        let json_link = scenario_json::is_json(&fragment);
        let mut session = Session::open(
            &props.params(),
            &props.url_problems,
            &fragment,
            prefers_reduced_motion(),
        );
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            let search = location.search().unwrap_or_default();
            session.saw_address(&search, &location.hash().unwrap_or_default());
        }
        let link = ctx.link().clone();
        let frames = FrameLoop::new(move |t| link.send_message(Msg::Frame(t)));
        session.single_keys = single_keys_stored();
        let session = Shared(Rc::new(RefCell::new(session)));
        let keys = listen_to_keys(ctx.link().clone(), session.clone());
        let link = ctx.link().clone();
        let hash = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::HashChanged));
        let link = ctx.link().clone();
        let history = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::HistoryMoved));
        let link = ctx.link().clone();
        let print = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::Do(Input::Rest)));
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("hashchange", hash.as_ref().unchecked_ref());
            let _ = window
                .add_event_listener_with_callback("popstate", history.as_ref().unchecked_ref());
            let _ = window
                .add_event_listener_with_callback("beforeprint", print.as_ref().unchecked_ref());
        }
        let mut host = HostSide::listen(props.host_origin.clone(), ctx.link().clone());
        host.post(&session.read().host.ready(&session.read().playground));
        let mut app = App {
            session,
            send: ctx.link().callback(|msg| msg),
            frames,
            last_frame: None,
            frame_started: None,
            drawn: None,
            boxes: Default::default(),
            on_screen: on_screen::Watcher::new(ctx.link().callback(|msg| msg)),
            wake: None,
            settle: None,
            rest: None,
            _keys: keys,
            _hash: hash,
            _history: history,
            _print: print,
            host,
            worker: None,
            pending_job: None,
            held: Vec::new(),
            focus_before_help: None,
            story_of: None,
            focus_experiments_button: false,
            details_into_view: false,
            going_back: false,
            lost_focus: LostFocus::default(),
            menus_may_move: true,
            page: PageView::Player,
            studio: Studio::Absent,
        };
        studio_client::install(ctx.link().clone());
        // Unless a tour opened instead (the session says so).
        if json_link && app.session.read().tour.is_none() {
            app.hold_for_studio(Input::LinkOpened { fragment });
        }
        // A framed page talks to its host through the studio: fetch it now.
        if app.host.framed() && app.studio == Studio::Absent {
            app.load_studio();
        }
        if props.view == PageView::Experiments && !app.session.read().embed {
            app.show_experiments(Address::Keep);
        }
        // A shared run's story, asked as it opened.
        app.drive_worker(ctx);
        app.keep_animating();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        if !matches!(msg, Msg::Frame(_)) {
            self.menus_may_move = true;
        }
        // Frames too: a message delivered while it had the focus went,
        // and the focus fell to the page's body (an accessibility tester).
        self.lost_focus.note();
        let drawn = self.carry_out(ctx, msg);
        if !drawn {
            // No drawing follows to restore it after.
            self.lost_focus.forget();
        }
        drawn
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        if let Some(watcher) = &mut self.on_screen {
            watcher.watch(&self.boxes);
        }
        self.move_focus_with_help();
        self.move_focus_to_a_story();
        if std::mem::take(&mut self.focus_experiments_button) {
            focus(".to-experiments");
        }
        // In one column (a phone, a tablet) the details are below the
        // picture: on a tablet they opened 250 px below the window, and a
        // tap on a server seemed to do nothing (a page tester). Scrolled
        // only as far as they need, so the picture stays in view where it
        // can.
        if std::mem::take(&mut self.details_into_view) && details_below_the_picture() {
            into_view(".panel.details", !prefers_reduced_motion());
        }
        if std::mem::take(&mut self.menus_may_move) {
            settled_select::show_values_in_force();
        }
        self.lost_focus.restore();
        self.frame_done();
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        self.frames.cancel();
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "hashchange",
                self._hash.as_ref().unchecked_ref(),
            );
            let _ = window.remove_event_listener_with_callback(
                "popstate",
                self._history.as_ref().unchecked_ref(),
            );
        }
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback(
                "keydown",
                self._keys.as_ref().unchecked_ref(),
            );
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        if self.page == PageView::Experiments && !self.session.read().embed {
            // The address's report: the view has no notice line of its own.
            let report = self.session.read().address_report();
            return html! {
                <>
                    if let Some(text) = report {
                        <p class="notice address-report" role="alert">{ text }</p>
                    }
                    { self.studio_status() }
                </>
            };
        }
        let session = self.session.read();
        // The keys `update` just computed to decide whether to draw (only
        // `update` changes the session); before the first, the session's.
        let v = self.drawn.unwrap_or_else(|| session.versions());
        let part = |kind: PartKind, version: u64| PartProps {
            kind,
            session: self.session.clone(),
            version,
            send: self.send.clone(),
            item: 0,
        };
        if session.embed {
            return html! {
                <div class="playground embed">
                    <div class="embed-stage">
                        <Part ..part(PartKind::TourPanel, v.tour) />
                        <Part ..part(PartKind::Unsafe, v.edits) />
                        <section class="picture" aria-label="Cluster">
                            <Part ..part(PartKind::Cluster, v.picture) />
                        </section>
                    </div>
                    <div class="controls embed-bar" role="toolbar" aria-label="Simulation controls">
                        <Part ..part(PartKind::EmbedPlay, v.bar) />
                        <Part ..part(PartKind::Clock, v.clock) />
                        <Part ..part(PartKind::EmbedLink, v.bar) />
                    </div>
                    <Part ..part(PartKind::Timeline, v.timeline) />
                    <Part ..part(PartKind::Notice, v.notice) />
                    <details class="embed-more">
                        <summary>{ "Logs and events" }</summary>
                        { self.watched(Section::LogTable, part(PartKind::LogTable, v.logs)) }
                        { self.watched(Section::EventLog, part(PartKind::EventLog, v.events)) }
                    </details>
                    <Part ..part(PartKind::Help, v.edits) />
                </div>
            };
        }
        html! {
            <div class="playground">
                <header class="bar">
                    <h1>{ "Raft Playground" }</h1>
                    <div class="controls" role="toolbar" aria-label="Simulation controls">
                        <Part ..part(PartKind::Bar, v.bar) />
                        <Part ..part(PartKind::Clock, v.clock) />
                        <button class="help-button" aria-label="Help" aria-keyshortcuts={keys::announced(session.single_keys, "?")}
                            onclick={self.send.reform(|_| Msg::Do(Input::Key(keys::KeyCommand::ToggleHelp)))}>{ "?" }</button>
                    </div>
                    <Part ..part(PartKind::TourMenu, v.tour) />
                    <button class="to-experiments" onclick={self.send.reform(|_| Msg::ShowExperiments)}>{ "Experiments" }</button>
                </header>
                <main class="layout">
                    <section class="picture" aria-label="Cluster">
                        <Part ..part(PartKind::TourPanel, v.tour) />
                        <Part ..part(PartKind::Unsafe, v.edits) />
                        <Part ..part(PartKind::FailureStory, v.edits) />
                        <Part ..part(PartKind::Cluster, v.picture) />
                        <Part ..part(PartKind::Timeline, v.timeline) />
                        <Part ..part(PartKind::Notice, v.notice) />
                    </section>
                    <aside class="side">
                        <Part ..part(PartKind::Details, v.details) />
                        <Part ..part(PartKind::Safety, v.safety) />
                        <Part ..part(PartKind::WhatIf, v.edits) />
                        <Part ..part(PartKind::Client, v.client) />
                        <Part ..part(PartKind::Network, v.network) />
                        <Part ..part(PartKind::Share, v.edits) />
                    </aside>
                </main>
                <section class="logs" aria-label="Logs">
                    { self.watched(Section::LogTable, part(PartKind::LogTable, v.logs)) }
                    { self.watched(Section::Applied, part(PartKind::Applied, v.applied)) }
                    { self.watched(Section::Diagram, part(PartKind::Diagram, v.diagram)) }
                    { self.watched(Section::EventLog, part(PartKind::EventLog, v.events)) }
                </section>
                <Part ..part(PartKind::Help, v.edits) />
            </div>
        }
    }
}

impl App {
    /// Carries out `msg`; whether the page is drawn after it.
    fn carry_out(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let experiments_showing = self.page == PageView::Experiments;
        if matches!(msg, Msg::HistoryMoved) {
            self.going_back = false;
        }
        let msg = match msg {
            Msg::ShowExperiments => {
                self.show_experiments(Address::Push);
                self.keep_animating();
                return true;
            }
            // Back or Forward within the player: a tour's step, which the
            // session follows.
            Msg::HistoryMoved
                if (view_in_address(), self.page) == (PageView::Player, PageView::Player) =>
            {
                Msg::Do(address_moved())
            }
            Msg::HistoryMoved => {
                let embed = self.session.read().embed;
                match (view_in_address(), self.page) {
                    (PageView::Experiments, PageView::Player) if !embed => {
                        self.show_experiments(Address::Keep)
                    }
                    (PageView::Player, PageView::Experiments) => {
                        self.show_player(Address::Keep);
                        // Back to the player's entry: the session follows it
                        // as any Back (the page showed the run it had left
                        // and wrote it over another run's entry, a tester).
                        self.session.0.borrow_mut().update(address_moved());
                        self.open_followed_link();
                    }
                    _ => return false,
                }
                self.keep_animating();
                return true;
            }
            // The player's keys do nothing while the experiments show.
            Msg::Do(Input::Key(_) | Input::Arrow { .. }) if experiments_showing => return false,
            Msg::Wake => {
                self.wake = None;
                self.frames.request();
                return false;
            }
            msg => msg,
        };
        // Frames never change the tour step or the run's identity, so only
        // other messages can move the address bar.
        let frame = matches!(msg, Msg::Frame(_));
        let may_move_address = !frame;
        if !frame {
            // Any other message finds the simulation caught up with the
            // wall clock, and ends the page's sleep, as what it slept for
            // may come sooner now (a faster speed, a new message): the
            // sleep is planned again from here (below).
            self.wake = None;
            self.catch_up();
        }
        let input = match msg {
            Msg::Frame(t) => {
                self.frames.arrived();
                self.frame_started = Some(perf::now_ms());
                let wall_ms = self.last_frame.map_or(0.0, |last| t - last);
                self.last_frame = Some(t);
                Some(Input::Frame { wall_ms })
            }
            Msg::Do(input) => Some(input),
            Msg::Picked(selection) => {
                self.details_into_view = true;
                Some(Input::Select(selection))
            }
            Msg::SingleKeys(on) => {
                store_single_keys(on);
                Some(Input::SingleKeys(on))
            }
            Msg::Share => {
                // The link at once, of the moment on screen; its JSON once
                // the studio, which writes JSON, is there (held below).
                let page = share::page_with_query();
                self.session.0.borrow_mut().update(Input::Share { page });
                Some(Input::ShareJson)
            }
            Msg::Embed => {
                // A link shown is written anew, of the same moment, and
                // its JSON with it.
                let page = share::page_with_query();
                self.session.0.borrow_mut().update(Input::Embed { page });
                let shared = self.session.read().drafts.shared.is_some();
                shared.then_some(Input::ShareJson)
            }
            Msg::FileChosen(file) => {
                share::read_file(file, ctx.link().clone());
                None
            }
            Msg::HashChanged => Some(Input::LinkOpened {
                fragment: current_fragment(),
            }),
            Msg::HostMessages => {
                let commands = self.host.commands().into_iter().map(Input::Host);
                let mut session = self.session.0.borrow_mut();
                session.update_burst(commands, perf::now_ms());
                drop(session);
                if self.host.needs_studio_again() && matches!(self.studio, Studio::Failed(_)) {
                    self.load_studio();
                }
                None
            }
            Msg::HostFlush => {
                self.host.flushed();
                None
            }
            Msg::Worker(reply) => Some(Input::WhatIf(WhatIfInput::Reply {
                reply,
                now_ms: perf::now_ms(),
            })),
            Msg::Studio(msg) => {
                self.studio_said(msg, ctx.link());
                None
            }
            Msg::ShowExperiments | Msg::HistoryMoved | Msg::Wake => None, // handled above
        };
        if let Some(input) = input {
            let needs_studio =
                self.session.read().needs_json(&input) && self.studio != Studio::Ready;
            if matches!(input, Input::NetworkKeyed(_)) {
                let send = self.send.clone();
                let settled = move || send.emit(Msg::Do(Input::NetworkSettled));
                self.settle = Some(Timeout::new(SETTLE_MS, settled));
            }
            if needs_studio {
                self.hold_for_studio(input);
            } else {
                self.session.0.borrow_mut().update(input);
            }
        }
        self.open_followed_link();
        self.drive_worker(ctx);
        if may_move_address {
            self.sync_address();
        }
        self.keep_animating();
        self.host
            .deliver(&mut self.session.0.borrow_mut(), ctx.link());
        // A frame that changes nothing on the page is not drawn: most
        // running frames, as messages fly by themselves (view::motion).
        let drawn = versions::drawn(&self.session.read(), self.drawn.as_ref());
        let unchanged = self.drawn == Some(drawn);
        // The menus are drawn in the network panel and the tour menu.
        let menus_drawn = |v: &Versions| (v.network, v.tour);
        if self.drawn.as_ref().map(menus_drawn) != Some(menus_drawn(&drawn)) {
            self.menus_may_move = true;
        }
        self.drawn = Some(drawn);
        if unchanged && frame {
            self.frame_done();
            return false;
        }
        true
    }

    /// A section below the picture, in the box whose coming into view and
    /// leaving it the page watches (`ui::on_screen`).
    fn watched(&self, section: Section, props: PartProps) -> Html {
        html! {
            <div class="watched" data-section={on_screen::Watcher::name(section)}
                ref={self.boxes[section as usize].clone()}>
                <Part ..props />
            </div>
        }
    }

    /// Before any input (the person's, the host page's...), while running:
    /// the simulation moves on to the wall clock's now, where the browser
    /// has moved the messages meanwhile (view::motion), so pausing (say)
    /// holds them where they are seen rather than where the last frame
    /// left them.
    fn catch_up(&mut self) {
        let Some(last) = self.last_frame else {
            return;
        };
        let now = perf::now_ms();
        self.session.0.borrow_mut().update(Input::CatchUp {
            wall_ms: now - last,
        });
        self.last_frame = Some(now);
    }

    /// A frame's work is done: drawn, or found to change nothing.
    fn frame_done(&mut self) {
        if let Some(started) = self.frame_started.take() {
            perf::record(perf::now_ms() - started);
        }
    }

    /// The keyboard help takes the focus when it opens (the dialog, at its top),
    /// so Tab and Enter act in it, and gives it back when it closes. Runs
    /// after every render, so it does nothing unless the help opened or
    /// closed since the last.
    fn move_focus_with_help(&mut self) {
        let open = self.session.read().playground.help_open;
        if open == self.focus_before_help.is_some() {
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if open {
            let before = document.active_element();
            self.focus_before_help = Some(before);
            focus(".overlay .dialog");
        } else if let Some(Some(before)) = self.focus_before_help.take() {
            // A server or a message is an SVG element: it took no focus
            // back as an HTML one would (an accessibility tester).
            if before.is_connected() {
                if let Some(html) = before.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = html.focus();
                } else if let Some(svg) = before.dyn_ref::<web_sys::SvgElement>() {
                    let _ = svg.focus();
                }
            }
        }
    }

    /// A failure just found: its story, above the picture, takes the focus
    /// (and so comes into view). On a phone the page stayed at the What-if
    /// panel, the story 900 px above, the focus on the page's body (a page
    /// tester). A second failure found while the first's story is shown
    /// takes it too (an exploration after a search left it on its button).
    fn move_focus_to_a_story(&mut self) {
        let session = self.session.read();
        let story_of = (session.playground.failure.is_some()).then_some(session.failures_opened);
        // A shared run's story, told as it opened, leaves the focus where
        // the reader is (an embed's would scroll the host page to it).
        let told = session.playground.story == StoryAsk::Told;
        drop(session);
        if story_of.is_some() && story_of != self.story_of && !told {
            focus(".failure-story");
        }
        self.story_of = story_of;
    }

    /// Shows the Experiments view: the studio draws it, once loaded.
    fn show_experiments(&mut self, address: Address) {
        self.page = PageView::Experiments;
        self.views_pushed(address);
        if address == Address::Push {
            self.keep_the_run_in_its_entry();
        }
        set_view_address(PageView::Experiments, address);
        match self.studio {
            Studio::Ready => studio_client::studio_call("experiments"),
            Studio::Loading => {}
            Studio::Absent | Studio::Failed(_) => self.load_studio(),
        }
    }

    /// The player's entry, about to be left for a new one, holds the run on
    /// screen as a link when its address would not bring it back: Back
    /// from the Experiments view opened a fresh run of the entry's seed in
    /// place of the person's (a page tester).
    fn keep_the_run_in_its_entry(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let search = location.search().unwrap_or_default();
        let Some(address) = self.session.read().address_of_moved_run(&search) else {
            return;
        };
        let url = format!("{}{address}", location.pathname().unwrap_or_default());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
        self.session.0.borrow_mut().saw_address(&address, "");
    }

    /// An entry of the page's own pushed on the history: the tour's steps
    /// before it are no longer the entries just behind.
    fn views_pushed(&self, address: Address) {
        if address == Address::Push {
            self.session.0.borrow_mut().history_pushed();
        }
    }

    /// Back to the player: the studio's view hides, and the player starts
    /// at the page's top, not where the view was scrolled to.
    fn show_player(&mut self, address: Address) {
        self.page = PageView::Player;
        self.views_pushed(address);
        set_view_address(PageView::Player, address);
        self.focus_experiments_button = true;
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(root) = window
            .document()
            .and_then(|d| d.get_element_by_id(studio_client::STUDIO_ROOT))
        {
            let _ = root.set_attribute("hidden", "");
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }

    fn studio_said(&mut self, msg: StudioMsg, link: &Scope<App>) {
        match msg {
            StudioMsg::Ready => {
                self.studio = Studio::Ready;
                if self.page == PageView::Experiments {
                    studio_client::studio_call("experiments");
                }
                self.start_pending_job(link);
                self.release_held();
                let commands = self.host.studio_ready().into_iter().map(Input::Host);
                let mut session = self.session.0.borrow_mut();
                session.update_burst(commands, perf::now_ms());
            }
            StudioMsg::Failed(why) => {
                self.studio = Studio::Failed(why.clone());
                self.studio_failed(why);
            }
            // Asked again before the Back arrived (a double click): one
            // Back, not two, which could leave the site.
            StudioMsg::ShowPlayer if self.going_back => {}
            StudioMsg::ShowPlayer if back_to_the_players_entry() => self.going_back = true,
            StudioMsg::ShowPlayer => self.show_player(Address::Push),
            StudioMsg::Open {
                fragment,
                error,
                caption,
            } => {
                // Back from the trial returns to the results.
                self.show_player(Address::Push);
                let trial = if error.is_empty() {
                    permalink::decode(&fragment)
                        .and_then(|s| s.ok_or_else(|| "the trial has no scenario".to_string()))
                } else {
                    Err(error)
                };
                let input = Input::OpenScenario {
                    scenario: trial.map(Box::new),
                    caption,
                };
                self.session.0.borrow_mut().update(input);
            }
        }
    }

    /// What the page shows while the studio draws the Experiments view:
    /// nothing once it is there, else how loading it goes.
    fn studio_status(&self) -> Html {
        let back = self.send.reform(|_| Msg::Studio(StudioMsg::ShowPlayer));
        match &self.studio {
            Studio::Ready => html! {},
            Studio::Absent | Studio::Loading => html! {
                <p class="studio-status" role="status">{ "Loading the Experiments view\u{2026}" }</p>
            },
            Studio::Failed(why) => html! {
                <div class="studio-status" role="alert">
                    <p>{ format!("The Experiments view could not load: {why}.") }</p>
                    <button class="back" onclick={back}>{ "\u{2190} Back to the player" }</button>
                </div>
            },
        }
    }

    /// Starts or stops the search's job as the session asks. The job runs
    /// in the studio, which is fetched for the first one.
    fn drive_worker(&mut self, ctx: &Context<Self>) {
        let command = self.session.0.borrow_mut().what_if.take_command();
        match command {
            Some(WorkerCommand::Start(job)) => {
                self.worker = None; // stops any other
                match JobWire::of(&job) {
                    Some(wire) => {
                        self.pending_job = Some(studio_wire::encode(&wire));
                        self.start_pending_job(ctx.link());
                    }
                    None => self.job_failed("the panel cannot start this job".into()),
                }
            }
            Some(WorkerCommand::Stop) => {
                self.worker = None;
                self.pending_job = None;
            }
            None => {}
        }
    }

    /// Hands the waiting job to the studio once it is there.
    fn start_pending_job(&mut self, link: &Scope<App>) {
        match self.studio {
            Studio::Ready => {
                if let Some(text) = self.pending_job.take() {
                    let link = link.clone();
                    let on_reply = Callback::from(move |reply| {
                        link.send_message(Msg::Worker(Box::new(reply)))
                    });
                    self.worker = Some(StudioJob::start(&text, on_reply));
                }
            }
            Studio::Loading => {}
            Studio::Absent | Studio::Failed(_) => self.load_studio(),
        }
    }

    fn load_studio(&mut self) {
        let session = &self.session;
        self.host.studio_loading(|| {
            let session = session.read();
            session.host.ready(&session.playground)
        });
        self.studio = match studio_client::load() {
            Ok(()) => Studio::Loading,
            Err(why) => Studio::Failed(why),
        };
        if let Studio::Failed(why) = &self.studio {
            let why = why.clone();
            self.studio_failed(why);
        }
    }

    /// The studio could not load: a waiting job says so, and held inputs
    /// go on to say so too (`view::scenario_json` answers that it is not
    /// loaded).
    fn studio_failed(&mut self, why: String) {
        self.host.studio_failed(&why);
        if self.pending_job.take().is_some() {
            self.job_failed(format!("the page's studio could not load: {why}"));
        }
        self.release_held();
    }

    /// A JSON link Back or Forward moved to, which the session leaves to
    /// the studio's reader: opened as a hashchange would open it, which
    /// Chromium does not send when the query moved too.
    fn open_followed_link(&mut self) {
        let fragment = self.session.0.borrow_mut().link_to_open.take();
        if let Some(fragment) = fragment {
            let input = Input::LinkOpened { fragment };
            match self.studio == Studio::Ready {
                true => self.session.0.borrow_mut().update(input),
                false => self.hold_for_studio(input),
            }
        }
    }

    /// Keeps `input` until the studio, which reads JSON, is there.
    fn hold_for_studio(&mut self, input: Input) {
        self.held.push(input);
        if matches!(self.studio, Studio::Absent | Studio::Failed(_)) {
            self.load_studio();
        }
    }

    /// Hands the held inputs to the session, in order.
    fn release_held(&mut self) {
        for input in std::mem::take(&mut self.held) {
            self.session.0.borrow_mut().update(input);
        }
    }

    /// The job could not start: told to the session as the worker's
    /// failure, so that what it changes is drawn (called straight, it
    /// left "starting the worker…" on screen).
    fn job_failed(&mut self, message: String) {
        let input = Input::WhatIf(WhatIfInput::Reply {
            reply: Box::new(WorkerReply::Failed { message }),
            now_ms: perf::now_ms(),
        });
        self.session.0.borrow_mut().update(input);
    }

    /// Keeps the address bar pointing at what is shown: a tour's step
    /// (`?tour=...&step=...`), or the seed and size of a Reset; or goes
    /// Back, for a tour's step back to the history's entry before.
    fn sync_address(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        // The Experiments view's entry is the view's: the player's run was
        // written over it as the page went on working there (a page
        // tester; a reload then opened the player). The player's entry
        // is written again when the player shows.
        if self.page == PageView::Experiments {
            return;
        }
        let back = std::mem::take(&mut self.session.0.borrow_mut().back_in_history);
        if back {
            // The step before is the entry before: the session follows the
            // address there when the browser says it moved (popstate).
            if let Ok(history) = window.history() {
                let _ = history.back();
            }
            return;
        }
        let location = window.location();
        let search = location.search().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        let session = self.session.read();
        let Some(wanted) = session.address_query(&search, &hash) else {
            drop(session);
            self.session.0.borrow_mut().saw_address(&search, &hash);
            return;
        };
        let new_history_entry = session.new_history_entry;
        drop(session);
        let left = self.session.0.borrow_mut().take_address_left(&search);
        let path = location.pathname().unwrap_or_default();
        if let Ok(history) = window.history() {
            if let (true, Some(left)) = (new_history_entry, left) {
                // The entry left keeps the person's run, not just its seed.
                let left = format!("{path}{left}");
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&left));
            }
            let url = format!("{path}{wanted}");
            // A tour's step forward and a found failure are new entries, so
            // Back returns to the step or the run before; anything else
            // rewrites the one there is.
            let _ = match new_history_entry {
                true => history.push_state_with_url(&JsValue::NULL, "", Some(&url)),
                false => history.replace_state_with_url(&JsValue::NULL, "", Some(&url)),
            };
        }
        self.session.0.borrow_mut().saw_address(&wanted, "");
    }

    /// Asks for another frame while anything moves; otherwise lets the loop
    /// stop, so a paused page costs nothing.
    fn keep_animating(&mut self) {
        let showing = self.page == PageView::Player || self.session.read().embed;
        if !(showing && self.session.read().playground.animating()) {
            self.frames.cancel();
            self.wake = None;
            self.last_frame = None;
            // Still: at rest once nothing else comes for a moment.
            self.rest = (!self.session.read().at_rest).then(|| {
                let send = self.send.clone();
                Timeout::new(REST_MS, move || send.emit(Msg::Do(Input::Rest)))
            });
            return;
        }
        self.rest = None;
        if self.wake.is_some() {
            return;
        }
        // Sleep, rather than take frames that would draw nothing, when the
        // next change is more than a frame away (view::session): the
        // frame asked for on waking is the first after the change, or
        // just before it.
        let idle_ms = self.session.read().idle_ms();
        if idle_ms > FRAME_MS {
            let send = self.send.clone();
            let sleep_ms = (idle_ms - WAKE_EARLY_MS) as u32;
            self.wake = Some(Timeout::new(sleep_ms, move || send.emit(Msg::Wake)));
        } else {
            self.frames.request();
        }
    }
}

/// Sends the keyboard's shortcuts to the app, except while typing in a field
/// or with a modifier held (the browser's own shortcuts).
fn listen_to_keys(link: Scope<App>, session: Shared) -> Closure<dyn FnMut(web_sys::KeyboardEvent)> {
    let keys =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if typing_in_a_field(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            // Turned off in the help: the key does what it would without
            // the page (WCAG 2.1.4). (Keys come between updates, when the
            // session is free to read.)
            let single_keys = session.0.try_borrow().map_or(true, |s| s.single_keys);
            if !single_keys && keys::is_single_key(&e.key()) {
                return;
            }
            // Space presses the focused button, and scrolls the help
            // dialog (the shortcuts are off behind it, and Space did
            // nothing there, a page tester saw); it is pause only elsewhere.
            if e.key() == " " && (on_a_control(&e) || in_a_dialog(&e)) {
                return;
            }
            let input = match e.key().as_str() {
                key @ ("ArrowLeft" | "ArrowRight") => Input::Arrow {
                    forward: key == "ArrowRight",
                },
                // A slider's up and down are its forward and back.
                key @ ("ArrowUp" | "ArrowDown") if on_the_timeline(&e) => Input::Arrow {
                    forward: key == "ArrowUp",
                },
                key => match keys::command_for(key) {
                    Some(command) => Input::Key(command),
                    None => return,
                },
            };
            e.prevent_default();
            link.send_message(Msg::Do(input));
        });
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = document.add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
    }
    keys
}

/// How a change of view meets the browser's history.
#[derive(Clone, Copy, PartialEq)]
enum Address {
    /// A person's click: a new entry, so Back returns to the view before.
    Push,
    /// Back, Forward or the address itself chose the view: as it is.
    Keep,
}

/// The view the address names now (after Back or Forward).
fn view_in_address() -> PageView {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    UrlParams::parse(&search).0.view
}

/// The history state of an Experiments entry the player pushed: the
/// entry before it is the player's, so "Back to the player" goes back to
/// it rather than pushing another (each round trip added two entries, and
/// Back bounced between the views: a page tester).
const PUSHED_FROM_PLAYER: &str = "raft-playground: experiments over the player";

/// Back to the player: the browser's Back when the entry before is the
/// player's (its address then shows it, through `Msg::HistoryMoved`);
/// false, doing nothing, when there is none to go back to.
fn back_to_the_players_entry() -> bool {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return false;
    };
    let state = history.state().ok().and_then(|s| s.as_string());
    state.as_deref() == Some(PUSHED_FROM_PLAYER) && history.back().is_ok()
}

/// Puts `view=experiments` in the address bar, or takes it out: as a new
/// history entry for a person's click ([`Address::Push`]).
fn set_view_address(page: PageView, address: Address) {
    if address == Address::Keep {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let current = location.search().unwrap_or_default();
    if let Some(query) = crate::view::experiments::query_for(&current, page) {
        let path = location.pathname().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        if let Ok(history) = window.history() {
            let url = format!("{path}{query}{hash}");
            let state = match page {
                PageView::Experiments => JsValue::from_str(PUSHED_FROM_PLAYER),
                PageView::Player => JsValue::NULL,
            };
            let _ = history.push_state_with_url(&state, "", Some(&url));
        }
    }
}

fn current_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Where the help's switch for the single-key shortcuts is kept: the
/// browser's storage, so that it holds across visits. A frame whose
/// storage is blocked (a third-party embed) keeps it for the visit.
const SINGLE_KEYS_STORED: &str = "raft-playground:single-keys";

fn single_keys_stored() -> bool {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    let stored = storage.and_then(|s| s.get_item(SINGLE_KEYS_STORED).ok().flatten());
    stored.as_deref() != Some("off")
}

fn store_single_keys(on: bool) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match on {
            true => storage.remove_item(SINGLE_KEYS_STORED),
            false => storage.set_item(SINGLE_KEYS_STORED, "off"),
        };
    }
}

/// The element a key went to, if it went to one.
fn key_target(e: &web_sys::KeyboardEvent) -> Option<web_sys::Element> {
    e.target().and_then(|t| t.dyn_into().ok())
}

/// Whether the key belongs to the field it went to. A slider takes only
/// the keys that move it: after scrubbing the timeline from the keyboard,
/// Space and the shortcuts did nothing until Tab left it (a page tester).
/// The timeline keeps Home, End and the page keys, and gives its arrows to
/// the page, which steps one event: the slider's own step is a
/// millisecond, too fine to see anything move in a run of seconds.
fn typing_in_a_field(e: &web_sys::KeyboardEvent) -> bool {
    key_target(e).is_some_and(|target| match target.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" if target.get_attribute("type").as_deref() == Some("range") => {
            match e.key().as_str() {
                "Home" | "End" | "PageUp" | "PageDown" => true,
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" => !on_the_timeline(e),
                _ => false,
            }
        }
        // A checkbox takes no typing: Escape closes the help from its
        // switch, and the shortcuts act (Space presses it, as a button).
        // A radio button keeps its arrows, which choose in its group.
        "INPUT" => match target.get_attribute("type").as_deref() {
            Some("checkbox") => false,
            Some("radio") => e.key().starts_with("Arrow"),
            _ => true,
        },
        _ => false,
    })
}

/// Whether the details panel is under the picture (one column), not
/// beside it: beside it, a pick scrolled a page read further down back up
/// to the panel (a review).
fn details_below_the_picture() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let rect = |css: &str| {
        let element = document.query_selector(css).ok().flatten()?;
        Some(element.get_bounding_client_rect())
    };
    match (rect(".panel.details"), rect(".layout > .picture")) {
        (Some(details), Some(picture)) => details.top() >= picture.bottom(),
        _ => false,
    }
}

/// A checkbox or radio button: Space presses it, as a button.
fn is_a_checkbox(target: &web_sys::Element) -> bool {
    target.tag_name() == "INPUT"
        && matches!(
            target.get_attribute("type").as_deref(),
            Some("checkbox" | "radio")
        )
}

/// Whether the key went to the timeline's slider.
fn on_the_timeline(e: &web_sys::KeyboardEvent) -> bool {
    key_target(e).is_some_and(|target| {
        target
            .class_name()
            .split_whitespace()
            .any(|c| c == TIMELINE_SLIDER)
    })
}

/// Whether the key went to something inside a dialog (the help).
fn in_a_dialog(e: &web_sys::KeyboardEvent) -> bool {
    key_target(e).is_some_and(|target| target.closest("[role=dialog]").ok().flatten().is_some())
}

/// Whether the key went to something Space presses: a button, a link, a
/// summary, or a shape acting as a button.
fn on_a_control(e: &web_sys::KeyboardEvent) -> bool {
    key_target(e).is_some_and(|target| {
        matches!(target.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY")
            || target.get_attribute("role").as_deref() == Some("button")
            || is_a_checkbox(&target)
    })
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
