//! What a person or a host page can ask of the session, and which of
//! those a shared run still opening can take.

use crate::raft::{NodeId, ReadPath};
use crate::sim::{Action, Scenario};
use crate::view::host_api::HostCommand;
use crate::view::keys::KeyCommand;
use crate::view::network_edits::NetworkEdit;
use crate::view::on_screen::Section;
use crate::view::permalink;
use crate::view::playground::Selection;
use crate::view::what_if::WhatIfInput;

/// Everything a person or a host page can ask of the page.
#[derive(Clone, Debug)]
pub enum Input {
    /// An animation frame: `wall_ms` of real time passed since the last.
    Frame {
        /// Wall milliseconds since the previous frame (0 for the first).
        wall_ms: f64,
    },
    /// Before another input, while running: the simulation moves on by the
    /// `wall_ms` the page slept through since its last frame, so the input
    /// acts on the moment the person sees (the browser moved the messages
    /// meanwhile, `view::motion`).
    CatchUp {
        /// Wall milliseconds since the previous frame.
        wall_ms: f64,
    },
    /// A keyboard shortcut, or the button that does the same.
    Key(KeyCommand),
    /// Run this many simulated milliseconds at once.
    Skip(u64),
    /// The speed slider.
    SetSpeed(f64),
    /// A fresh cluster from the seed and node-count fields.
    Reset,
    /// Back to the run a Reset just replaced, or an action in the past
    /// just forked (offered until the next command).
    Undo,
    /// The browser's Back or Forward moved the address to `search` and
    /// `hash`: within the tour on screen, the page follows it to that
    /// step; to or from a tour, it opens what the entry names.
    AddressMoved {
        /// The address's query, with its `?`.
        search: String,
        /// The address's fragment, with its `#` (a run's link, if any).
        hash: String,
    },
    /// The seed field changed.
    SeedText(String),
    /// The node-count menu changed.
    NodesText(String),
    /// A node or message clicked.
    Select(Selection),
    /// The single-key shortcuts (a letter, a digit, punctuation, Space)
    /// turned on or off: off, a person who speaks to the page, or whose
    /// hand slips, does not restart a server by a letter (WCAG 2.1.4).
    SingleKeys(bool),
    /// A button that acts on the cluster.
    Act(Action),
    /// The client's message field changed.
    ClientText(String),
    /// The client's "send to" menu changed.
    ClientTarget(Option<NodeId>),
    /// The client's "read by" menu changed (None: the cluster's setting).
    ClientReadPath(Option<ReadPath>),
    /// Send the client's message.
    Send,
    /// A "Split" checkbox.
    ToggleSide(NodeId),
    /// Split off the ticked nodes.
    SplitSides,
    /// Cut a minority (the leader among it) off from the majority.
    MajorityMinority,
    /// A network slider set, at the end of a drag or by a key: the change
    /// the run takes (one action, not one per step of the drag).
    Network(NetworkEdit),
    /// A network slider dragged: its value shows, and nothing is done.
    NetworkDrag(NetworkEdit),
    /// A network slider moved by a key: its value shows, and the run takes
    /// it once the keys rest ([`Input::NetworkSettled`]). Each key was an
    /// action: ten presses of an arrow, ten actions and ten lines in the
    /// event log (a page tester).
    NetworkKeyed(NetworkEdit),
    /// The keys on a network slider rested: the value they showed is the
    /// change the run takes, one action.
    NetworkSettled,
    /// The one-way cut field changed.
    CutText(String),
    /// Cut the link the field names.
    Cut,
    /// "Share this run": `page` is the page's address with its query.
    Share {
        /// The address the link starts with.
        page: String,
    },
    /// Write the JSON of the run last shared, for its download.
    ShareJson,
    /// "Embed": `page` is the page's address with its query, as for
    /// [`Input::Share`]; the iframe loads it without the query.
    Embed {
        /// The page's address.
        page: String,
    },
    /// The load field changed.
    ImportText(String),
    /// Load what the load field holds.
    Import,
    /// A chosen file was read (or could not be).
    FileRead(Result<String, String>),
    /// A scenario the page made (a trial picked in the Experiments view),
    /// loaded as a link is: at its moment, paused.
    OpenScenario {
        /// The run (`Err`: it could not be made, and the run on screen
        /// stays).
        scenario: Result<Box<Scenario>, String>,
        /// Which run it is, for the notice line once it is open.
        caption: String,
    },
    /// The address's fragment changed (a link pasted into the address bar).
    LinkOpened {
        /// The new fragment, with or without its `#`.
        fragment: String,
    },
    /// Time travel to this simulated time (µs; `u64::MAX`: the very end).
    Seek(u64),
    /// Back to time 0 of this run, playing.
    ReplayFromStart,
    /// ← or →: a tour's Back or Next, else a step back or forward.
    Arrow {
        /// → rather than ←.
        forward: bool,
    },
    /// The tour menu (an empty id ends the tour).
    TourChoose(String),
    /// The tour's Next.
    TourNext,
    /// The tour's Back.
    TourBack,
    /// "End the tour".
    TourEnd,
    /// Reload the tour at its current step, undoing the person's changes.
    TourRestartStep,
    /// A command from the host page that frames this one.
    Host(HostCommand),
    /// The "What if…" panel, or its worker's reply.
    WhatIf(WhatIfInput),
    /// A section below the picture came into view or left it (scrolling):
    /// changes nothing but what the next frames draw.
    OnScreen {
        /// Which section.
        section: Section,
        /// In view now.
        in_view: bool,
    },
    /// The page has been still for a moment (nothing moving, no input) or
    /// is about to be printed: the sections out of view are drawn as they
    /// are, so the browser's find in page and a printout see the run on
    /// screen ([`Session::at_rest`](super::Session::at_rest)).
    Rest,
}

/// Whether `input` can be taken while a shared run is still opening: the
/// frames that replay it, the page's own bookkeeping, typing, what
/// replaces the run (a reset, another link or file, a tour) and what
/// changes no run (the help, the speed, a what-if search). The rest would
/// act on a moment the sender never saw.
pub(super) fn acts_while_opening(input: &Input) -> bool {
    match input {
        Input::Host(command) => matches!(
            command,
            HostCommand::Load { .. }
                | HostCommand::StartTour { .. }
                | HostCommand::Subscribe { .. }
        ),
        Input::Key(command) => matches!(command, KeyCommand::ToggleHelp | KeyCommand::Close),
        Input::Reset
        | Input::Import
        | Input::FileRead(_)
        | Input::OpenScenario { .. }
        | Input::LinkOpened { .. }
        | Input::TourChoose(_)
        | Input::SetSpeed(_)
        | Input::WhatIf(_) => true,
        other => !is_command(other),
    }
}

/// Whether `input` is a command of the person's, whose outcome the notice
/// line tells: not the passing of time, the page's own bookkeeping,
/// typing into a form (its error stays while it is being corrected), a
/// host page's command (answered to the host) or the Worker's replies.
pub(super) fn is_command(input: &Input) -> bool {
    !names_no_link(input)
        && !matches!(
            input,
            Input::Frame { .. }
                | Input::CatchUp { .. }
                | Input::OnScreen { .. }
                | Input::Rest
                | Input::SeedText(_)
                | Input::NodesText(_)
                | Input::ClientText(_)
                | Input::ClientTarget(_)
                | Input::ClientReadPath(_)
                | Input::ToggleSide(_)
                | Input::CutText(_)
                | Input::NetworkDrag(_)
                | Input::NetworkKeyed(_)
                | Input::NetworkSettled
                | Input::ImportText(_)
                | Input::Host(_)
                | Input::WhatIf(_)
                // A preference of the page's, not of the run: never
                // dropped while a shared run opens (a review).
                | Input::SingleKeys(_)
        )
}

/// A move of the address's fragment to one that names no link (Back from
/// a link to an entry without one; `#top`): the browser's hashchange after
/// the popstate (`Input::AddressMoved`) that followed the move. Neither a
/// command nor a link: taken for a command, it cleared the notice and the
/// Undo that Back had just offered. A key without a link's (`#foo=bar`)
/// is a link, and is said to be wrong.
pub(super) fn names_no_link(input: &Input) -> bool {
    matches!(input, Input::LinkOpened { fragment }
        if !permalink::names_a_link(fragment) && !fragment.contains('='))
}

/// Whether `input` may act on the run, which in the past forks it (the
/// session then keeps the run as it was, for Undo): not the inputs that
/// only move through it, or change how it is shown.
pub(super) fn may_fork(input: &Input) -> bool {
    match input {
        Input::Key(command) => !matches!(
            command,
            KeyCommand::TogglePause
                | KeyCommand::Step
                | KeyCommand::StepBack
                | KeyCommand::Faster
                | KeyCommand::Slower
                | KeyCommand::ToggleHelp
                | KeyCommand::Close
        ),
        Input::Act(_)
        | Input::Send
        | Input::SplitSides
        | Input::MajorityMinority
        | Input::Network(_)
        | Input::NetworkSettled
        | Input::Cut => true,
        _ => false,
    }
}
