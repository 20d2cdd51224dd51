//! A part of the page as a Yew component that is drawn again only when its
//! change key moves (see `view::versions`): every part reads the one
//! session, and its properties compare equal while its key stays the same,
//! so Yew skips it on frames that did not touch what it shows.

use super::app::Msg;
use super::{cluster, controls, log_table, panels, sequence, share, tour, what_if};
use crate::view::session::{Input, Session};
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
    /// Which part.
    pub kind: PartKind,
    /// The session to draw.
    pub session: Shared,
    /// The part's change key: equal keys mean nothing it shows changed.
    pub version: u64,
    /// The root's messages.
    pub send: Callback<Msg>,
    /// Which one, for a part drawn once per server or message.
    #[prop_or_default]
    pub item: u64,
}

impl PartProps {
    /// The properties of another part of the same session.
    pub fn nested(&self, kind: PartKind, version: u64) -> PartProps {
        PartProps {
            kind,
            version,
            ..self.clone()
        }
    }

    /// The properties of the part for one server or message.
    pub fn item(&self, kind: PartKind, item: u64, version: u64) -> PartProps {
        PartProps {
            kind,
            item,
            version,
            ..self.clone()
        }
    }
}

/// The parts of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// The cluster picture: drawn again every running frame.
    Cluster,
    /// The links between servers: drawn again only when one is cut or
    /// restored, or the servers move apart.
    Links,
    /// One server in the picture: drawn again when its role, term, commit
    /// index or votes change, not as its election timer runs down.
    Node,
    /// One server's election timer running down: drawn again only when it
    /// starts again (the browser turns it), not as the picture is redrawn.
    Timer,
    /// One message in flight: drawn again when it is selected or the run
    /// pauses, not as it flies (the picture moves it).
    Message,
    /// The top bar's controls, up to the clock.
    Bar,
    /// The simulated time and the trace hash.
    Clock,
    /// The embedded page's play button.
    EmbedPlay,
    /// The embedded page's way out to the full playground.
    EmbedLink,
    /// The timeline: scrub to any moment of the run so far.
    Timeline,
    /// The timeline's marks, in milliseconds of simulated time; the
    /// timeline scales them to its length.
    TimelineMarks,
    /// The log table: drawn again when a log, a commit index or the
    /// leader's progress changes.
    LogTable,
    /// The selected node's or message's details and actions.
    Details,
    /// The live safety panel.
    Safety,
    /// The client: send a message, and the person's requests.
    Client,
    /// The network: partitions, cuts, latency, loss, duplication.
    Network,
    /// What each node delivered, in order.
    Applied,
    /// The event log in words.
    EventLog,
    /// The message diagram.
    Diagram,
    /// The keyboard help overlay.
    Help,
    /// The line that says what went wrong.
    Notice,
    /// The warning that the run has unsafe switches on.
    Unsafe,
    /// Share this run as a link, a file or an iframe; load one back.
    Share,
    /// The menu of tours, in the top bar.
    TourMenu,
    /// The narration of the current step, if a tour is open.
    TourPanel,
    /// The "What if…" panel: unsafe switches and "Find a failure".
    WhatIf,
    /// The story of a failure found, above the picture.
    FailureStory,
}

impl PartKind {
    /// Every part, in order.
    const ALL: [PartKind; 27] = [
        PartKind::Cluster,
        PartKind::Links,
        PartKind::Node,
        PartKind::Timer,
        PartKind::Message,
        PartKind::Bar,
        PartKind::Clock,
        PartKind::EmbedPlay,
        PartKind::EmbedLink,
        PartKind::Timeline,
        PartKind::TimelineMarks,
        PartKind::LogTable,
        PartKind::Details,
        PartKind::Safety,
        PartKind::Client,
        PartKind::Network,
        PartKind::Applied,
        PartKind::EventLog,
        PartKind::Diagram,
        PartKind::Help,
        PartKind::Notice,
        PartKind::Unsafe,
        PartKind::Share,
        PartKind::TourMenu,
        PartKind::TourPanel,
        PartKind::WhatIf,
        PartKind::FailureStory,
    ];
    /// The part called `name` ("Cluster", "LogTable"...).
    pub fn named(name: &str) -> Option<PartKind> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The part's name, as in the enum.
    fn name(self) -> &'static str {
        match self {
            PartKind::Cluster => "Cluster",
            PartKind::Links => "Links",
            PartKind::Node => "Node",
            PartKind::Timer => "Timer",
            PartKind::Message => "Message",
            PartKind::Bar => "Bar",
            PartKind::Clock => "Clock",
            PartKind::EmbedPlay => "EmbedPlay",
            PartKind::EmbedLink => "EmbedLink",
            PartKind::Timeline => "Timeline",
            PartKind::TimelineMarks => "TimelineMarks",
            PartKind::LogTable => "LogTable",
            PartKind::Details => "Details",
            PartKind::Safety => "Safety",
            PartKind::Client => "Client",
            PartKind::Network => "Network",
            PartKind::Applied => "Applied",
            PartKind::EventLog => "EventLog",
            PartKind::Diagram => "Diagram",
            PartKind::Help => "Help",
            PartKind::Notice => "Notice",
            PartKind::Unsafe => "Unsafe",
            PartKind::Share => "Share",
            PartKind::TourMenu => "TourMenu",
            PartKind::TourPanel => "TourPanel",
            PartKind::WhatIf => "WhatIf",
            PartKind::FailureStory => "FailureStory",
        }
    }

    /// How the part is drawn.
    fn draw(self) -> fn(&Session, &PartProps) -> Html {
        match self {
            PartKind::Cluster => cluster::view,
            PartKind::Links => cluster::links,
            PartKind::Node => cluster::node,
            PartKind::Timer => cluster::timer,
            PartKind::Message => cluster::message,
            PartKind::Bar => controls::bar,
            PartKind::Clock => controls::clock,
            PartKind::EmbedPlay => controls::embed_play,
            PartKind::EmbedLink => controls::embed_link,
            PartKind::Timeline => controls::timeline,
            PartKind::TimelineMarks => controls::timeline_marks,
            PartKind::LogTable => log_table::view,
            PartKind::Details => panels::selection,
            PartKind::Safety => panels::invariants,
            PartKind::Client => panels::client,
            PartKind::Network => panels::network,
            PartKind::Applied => panels::applied,
            PartKind::EventLog => panels::event_log,
            PartKind::Diagram => sequence::page,
            PartKind::Help => panels::help,
            PartKind::Notice => panels::notice,
            PartKind::Unsafe => panels::unsafe_warning,
            PartKind::Share => share::view,
            PartKind::TourMenu => tour::menu,
            PartKind::TourPanel => tour::panel,
            PartKind::WhatIf => what_if::panel,
            PartKind::FailureStory => what_if::story,
        }
    }
}

/// One part of the page. A single component type for every part keeps
/// Yew's generic machinery in the bundle once (one function component per
/// part cost 8.7 KB more of gzip: 247.5 against 238.8).
pub struct Part;

impl Component for Part {
    type Message = ();
    type Properties = PartProps;

    fn create(_: &Context<Self>) -> Self {
        Part
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        super::perf::rendered(props.kind as usize);
        let session = props.session.read();
        (props.kind.draw())(&session, props)
    }
}

/// A click handler that sends `input` to the session.
pub fn on_click(send: &Callback<Msg>, input: Input) -> Callback<MouseEvent> {
    send.reform(move |_| Msg::Do(input.clone()))
}

/// A key handler for an SVG shape that acts as a button (`role="button"`):
/// Enter or Space sends `msg`, as either presses a button.
pub fn on_activate(
    send: &Callback<Msg>,
    msg: impl Fn() -> Msg + 'static,
) -> Callback<KeyboardEvent> {
    let send = send.clone();
    Callback::from(move |e: KeyboardEvent| {
        if matches!(e.key().as_str(), "Enter" | " ") {
            e.prevent_default();
            send.emit(msg());
        }
    })
}

/// A key handler that sends `msg` when Enter is pressed (a field's
/// Enter).
pub fn on_enter(send: &Callback<Msg>, msg: impl Fn() -> Msg + 'static) -> Callback<KeyboardEvent> {
    let send = send.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            send.emit(msg());
        }
    })
}
