//! The page's session: the run on screen, the guided tour, what the panels'
//! fields hold, and the host page's subscriptions. It takes every message a
//! person (or a host page) sends as an [`Input`] and decides what happens,
//! so all of the page's decisions are tested natively; the Yew `App` only
//! wires the browser to it (frames, keys, the address bar, files, timers).
//!
//! Here: the session's state and its dispatch of every input. Beside it:
//! `input` (what can be asked), `runs` (a Reset and its Undo, a Load, a
//! tour's start and end), `address` (the address bar and the browser's
//! history) and `notice` (the line under the picture).

use super::host_api::{Applied, EventKind, HostApi, HostCommand, HostEvent, CLOCK_INTERVAL_MS};
use super::keys::KeyCommand;
use super::network_edits;
use super::on_screen::{OnScreen, Section};
use super::op_text::parse_op;
use super::playground::{parse_seed, Playground, StoryAsk, OPEN_PER_FRAME};
use super::speed::{MAX_SPEED, MIN_SPEED};
use super::tour_player::TourPlayer;
use super::url_params::{HostOrigin, UrlParams};
use super::what_if::{WhatIf, WhatIfInput};
use super::{permalink, scenario_json, versions};
use crate::raft::vec_map::VecSet;
use crate::raft::{NodeId, Op, ReadPath};
use crate::sim::{Action, NetworkConfig, Scenario};
use crate::view::network_edits::NetworkEdit;

mod address;
mod input;
mod notice;
mod runs;

use address::starting_run;
pub use input::Input;
use input::{acts_while_opening, is_command, may_fork};
pub use runs::parse_pasted;
use runs::{FreshRun, UndoTo};

/// What the panels' fields hold before it becomes an action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drafts {
    /// The seed field.
    pub seed: String,
    /// The node-count menu.
    pub nodes: String,
    /// The client's message field.
    pub client_text: String,
    /// Where the client sends (None: the leader).
    pub client_target: Option<NodeId>,
    /// How the client's reads are answered (None: as the cluster is set).
    pub client_read_path: Option<ReadPath>,
    /// The nodes ticked for "Split".
    pub side: VecSet<NodeId>,
    /// The one-way cut field ("1->2").
    pub cut: String,
    /// What went wrong with the last thing asked, shown until the next.
    pub error: Option<String>,
    /// The last run shared: its link, and its JSON once written.
    pub shared: Option<Shared>,
    /// The last iframe snippet made.
    pub embed_snippet: Option<crate::view::embed::EmbedCode>,
    /// The "Load a link or scenario JSON" field.
    pub import: String,
    /// A network slider being dragged: the run's settings when the drag
    /// began, and the settings shown (see [`Session::network_shown`]).
    pub network: Option<(NetworkConfig, NetworkConfig)>,
    /// The network sliders' values keys set, one per slider, waiting for
    /// the keys to rest: made on the run's settings as they are then (a
    /// scenario's own change meanwhile is kept, and so are they).
    pub network_keyed: Vec<NetworkEdit>,
}

/// A run shared by "Share this run". The link is written at once; the
/// JSON download needs the studio's JSON writer, which the page may still
/// have to fetch, so it follows ([`Input::ShareJson`]) and the link does
/// not wait for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The link to the run at the moment it was shared.
    pub url: String,
    /// The run as scenario JSON, once written (empty if it could not be).
    pub json: Option<String>,
    /// The run as it was shared, for the JSON that follows.
    scenario: Scenario,
}

/// The page's session (see the module's words).
#[derive(Clone, Debug)]
pub struct Session {
    /// The run on screen.
    pub playground: Playground,
    /// The guided tour being played, if any.
    pub tour: Option<TourPlayer>,
    /// The compact layout for an iframe.
    pub embed: bool,
    /// What the panels' fields hold.
    pub drafts: Drafts,
    /// The host page's subscriptions.
    pub host: HostApi,
    /// Errors to report to the host page, oldest first.
    host_errors: Vec<HostEvent>,
    /// The host's events of a burst's inputs, collected after each as the
    /// page does after each update, for [`Session::host_events`].
    burst_events: Vec<HostEvent>,
    /// Bumped by every input but a frame (or scrolling): see [`versions`].
    pub edits: u64,
    /// Whether the single-key shortcuts are on (the help's switch).
    pub single_keys: bool,
    /// The sections below the picture in view: those out of it are not
    /// drawn again until they are back ([`versions::drawn`]).
    pub on_screen: OnScreen,
    /// The "What if…" panel and its search.
    pub what_if: WhatIf,
    /// The address asked for shared runs from their start (`?autoplay=1`):
    /// a link opened later (a `#s=` link held for the studio, a new
    /// fragment) honours it as the page's own link does.
    from_start: bool,
    /// The load and disk the address gave fresh runs (`load=`,
    /// `disk=slow`), while the run on screen is one they made: a Reset
    /// keeps them (it dropped them unsaid, a page tester saw).
    fresh: FreshRun,
    /// The last input was a catch-up that reached the end of a tour's
    /// playing stretch: the person, who saw it playing, meant the → that
    /// follows as "skip to its end", which it now is.
    stretch_ended_in_catch_up: bool,
    /// The page is at rest ([`Input::Rest`]) and nothing came since, but
    /// scrolling: every section is drawn as it is, in view or not
    /// ([`versions::drawn`]).
    pub at_rest: bool,
    /// The run on screen was started by Reset: the address bar names its
    /// seed and size ([`Session::address_query`]).
    after_reset: bool,
    /// The run on screen was opened from a scenario (pasted, a file, a
    /// trial of the Experiments view, a found failure): its link, which
    /// the address bar then carries ([`Session::address_query`]).
    opened: Option<String>,
    /// What the page says of a run it opened for the person (a trial of
    /// the Experiments view): news in the notice line, until the next
    /// command, as a refusal would be.
    told: Option<String>,
    /// The run a Reset replaced, or an action in the past forked, with its
    /// tour and address, until the next command: a Reset (Enter in the
    /// seed field) is one keystroke, and it and a fork discarded the run
    /// and its history for good.
    undo_to: Option<Box<UndoTo>>,
    /// The last command was a Load (pasted or a file) that failed: its
    /// error is said under the Load button, not in the notice line, which
    /// sits under the picture, away from it.
    import_failed: bool,
    /// See [`Session::failed_loads`].
    failed_loads: u64,
    /// The person has given a command since the page opened: the notice
    /// line answers one (before, it can only hold what the address asked
    /// that could not be done).
    commanded: bool,
    /// The last input moved the tour on screen a step forward, or opened
    /// a failure a search found: the page adds an entry to the browser's
    /// history rather than replacing the address, so that Back (a phone's
    /// back gesture) returns to the step or the run before instead of
    /// leaving the page (a found failure replaced the run's entry, with no
    /// way back to it).
    pub new_history_entry: bool,
    /// How many found failures were opened (`load_failure`): the input
    /// that opens one adds a history entry, and the page moves the focus
    /// to each one's story, a second found while the first is shown too.
    pub failures_opened: u64,
    /// How many shared runs' stories were asked of the worker
    /// (`ask_for_a_story`), to match each answer to its run.
    stories_asked: u64,
    /// The tour's steps forward that are entries in the browser's history,
    /// back to where this tour began (or the page opened), less the Backs
    /// asked for.
    steps_in_history: usize,
    /// The tour step a tour was ended at and its `steps_in_history` then:
    /// Back to that step's entry brings the tour back with the steps
    /// before it still entries (its own Back rewrote the step's entry, so
    /// the browser's Back then showed the same step again, a review saw).
    ended_at: Option<((&'static str, usize), usize)>,
    /// Backs asked of the browser whose address has not come yet: a second
    /// tour Back meanwhile (a double click, a held ←) would go past the
    /// tour's first entry, so it waits.
    backs_pending: usize,
    /// The last input asked to go a tour step back where that step is the
    /// history's entry before: the page goes Back, and the session follows
    /// the address there ([`Input::AddressMoved`]), so the browser's Back
    /// and the tour's stay one (the tour's Back used to rewrite the entry,
    /// and the browser's Back then showed the same step again). The page
    /// takes it once.
    pub back_in_history: bool,
    /// The run a found failure or a tour chosen from the menu just
    /// replaced, as a link, when its entry's address would not bring it
    /// back (the person acted, or time moved): the page writes it into
    /// that entry before adding the new one
    /// ([`Session::take_address_left`]). Back then returned to a fresh
    /// run of the entry's seed, and the person's run was gone (a tester).
    address_left: Option<String>,
    /// The address the page last had after its path
    /// ([`Session::saw_address`]): what an Undo takes back.
    address_seen: Option<String>,
    /// An Undo's address to put back, until it is back or another run
    /// replaces this one (the run came back, but the address named the
    /// Reset's seed, or lost a shared run's link, a page tester saw).
    address_back: Option<String>,
    /// The address's `tour=` named no tour: its run opened from the rest
    /// of the address, which stays as written to be corrected (it was
    /// rewritten to the bare page, a page tester saw).
    address_tour_refused: bool,
    /// The page opened with an old JSON link (`#s=`), which opens once the
    /// JSON reader is there (the first `LinkOpened`), and the run settings
    /// the address gave beside it, to be said ignored if it opens.
    held_json_link: Option<Option<String>>,
    /// The embed's `origin=` names no origin (or two): no host page is
    /// obeyed for as long as the page is open, so the notice line keeps
    /// saying so once the address's report has gone.
    obeys_no_host: bool,
    /// The link a Back or Forward opened ([`Session::follow_address`]),
    /// until its hashchange comes, if one does (Chromium's does not when
    /// the query moved too): not opened twice.
    link_followed: Option<String>,
    /// A JSON link Back or Forward moved to, for the page to open through
    /// the studio's reader, as a hashchange (`Input::LinkOpened`).
    pub link_to_open: Option<String>,
}

impl Session {
    /// The session a page opens with: the tour its address names, else the
    /// scenario in its `fragment`, else a fresh cluster. What the address
    /// asked for and cannot be had is said in the notice. A fresh cluster
    /// plays unless `autoplay` is off or the person prefers reduced motion;
    /// a shared run opens paused at the moment it was shared.
    pub fn open(
        params: &UrlParams,
        problems: &[String],
        fragment: &str,
        reduced_motion: bool,
    ) -> Self {
        let mut problems = problems.to_vec();
        let (mut playground, tour, made) = starting_run(params, fragment, &mut problems);
        let tour_refused = tour.is_none();
        // What a tour or a link replaced was said to be ignored: a Reset
        // does not bring it back (a review).
        let fresh = FreshRun::named_by(params, made);
        if tour.is_none() {
            playground.paused |= !params.autoplay || reduced_motion;
        }
        let mut session = Session {
            drafts: Drafts {
                seed: playground.scenario.seed.to_string(),
                nodes: playground.scenario.nodes.to_string(),
                error: (!problems.is_empty()).then(|| problems.join("; ")),
                ..Drafts::default()
            },
            playground,
            tour,
            embed: params.embed,
            host: HostApi::default(),
            host_errors: Vec::new(),
            burst_events: Vec::new(),
            edits: 0,
            single_keys: true,
            on_screen: OnScreen::default(),
            what_if: WhatIf::default(),
            from_start: params.from_start,
            fresh,
            stretch_ended_in_catch_up: false,
            at_rest: false,
            after_reset: false,
            opened: None,
            told: None,
            undo_to: None,
            import_failed: false,
            failed_loads: 0,
            commanded: false,
            new_history_entry: false,
            failures_opened: 0,
            stories_asked: 0,
            steps_in_history: 0,
            ended_at: None,
            backs_pending: 0,
            back_in_history: false,
            address_left: None,
            address_seen: None,
            address_back: None,
            address_tour_refused: params.tour.is_some() && tour_refused,
            link_followed: None,
            link_to_open: None,
            held_json_link: (tour_refused && scenario_json::is_json(fragment))
                .then(|| address::run_settings_named(params)),
            // An embed's: a page opened on its own obeys no host anyway.
            obeys_no_host: params.embed && params.host_origin == HostOrigin::Nobody,
        };
        session.ask_for_a_story();
        session
    }

    /// Carries out `input`.
    pub fn update(&mut self, input: Input) {
        if self.settles_keys_first(&input) {
            self.update(Input::NetworkSettled);
        }
        self.back_in_history = false;
        self.address_left = None;
        self.forget_stale_drag(&input);
        let before = self.tour_step();
        let follows_the_address = matches!(input, Input::AddressMoved { .. });
        let chooses_a_tour = matches!(&input, Input::TourChoose(id) if !id.is_empty());
        let ends_a_tour = matches!(&input, Input::TourEnd)
            || matches!(&input, Input::TourChoose(id) if id.is_empty());
        let failures_before = self.failures_opened;
        let steps_before = self.steps_in_history;
        self.carry_out(input);
        self.ask_for_a_story();
        if self.playground.failure.is_none() {
            // "Found a failure ... its story above the picture" no more.
            self.what_if.forget_found();
        }
        let after = self.tour_step();
        let opened_a_failure = self.failures_opened != failures_before;
        let tour_forward =
            matches!((before, after), (Some((a, from)), Some((b, to))) if a == b && to > from);
        // A tour chosen from the menu is an entry of its own, as a found
        // failure is: Back from its first step returns to the run before
        // (it replaced that run's entry, and Back left the page).
        let chose_a_tour = chooses_a_tour && after.is_some() && after != before;
        // The ended tour's run is an entry of its own too: Back brings the
        // tour back at its step (it replaced the step's entry, so Back went
        // to the step before, or left the site when a link opened the
        // tour, a page tester saw).
        let ended_a_tour = ends_a_tour && before.is_some() && after.is_none();
        // An embed's steps are not the host page's history: its Back
        // leaves the page the reader is on.
        self.new_history_entry = !self.embed
            && !follows_the_address
            && (tour_forward || opened_a_failure || chose_a_tour || ended_a_tour);
        match (before, after) {
            (Some((a, from)), Some((b, to))) if a == b && !self.embed => {
                // A Back asked for arrived: counted when it was asked.
                let asked = match follows_the_address {
                    true => from.saturating_sub(to).min(self.backs_pending),
                    false => 0,
                };
                self.backs_pending -= asked;
                self.steps_in_history = if self.new_history_entry || follows_the_address {
                    (self.steps_in_history + to + asked).saturating_sub(from)
                } else {
                    self.steps_in_history.min(to)
                };
            }
            (before, after) => {
                let ended_here = self.ended_at.filter(|(at, _)| Some(*at) == after);
                match ended_here {
                    Some((_, steps)) if follows_the_address => {
                        self.history_pushed();
                        self.steps_in_history = steps;
                    }
                    _ => self.history_pushed(),
                }
                if ended_a_tour {
                    self.ended_at = before.map(|at| (at, steps_before));
                } else if after.is_some() {
                    self.ended_at = None;
                }
            }
        }
        // A run brought back by Undo may be a copy taken mid-burst.
        self.playground.redraw_if_owed();
    }

    /// Inputs that came together (a host page's messages posted in one
    /// go, `ui::host_api`), taken in order; the picture is drawn once for
    /// each run of host actions in them, not after every action.
    /// What the host is sent is what one update each would send: its
    /// events are collected after each input, at `wall_ms`.
    pub fn update_burst(&mut self, inputs: impl IntoIterator<Item = Input>, wall_ms: f64) {
        for input in inputs {
            // Only actions are held: a load or a tour replaces the run,
            // which must not go held (to Undo) or stale.
            match matches!(input, Input::Host(HostCommand::Act { .. })) {
                true => self.playground.hold_redraw(),
                false => self.playground.release_redraw(),
            }
            self.update(input);
            // It takes the burst's events so far and adds this input's.
            self.burst_events = self.host_events(wall_ms);
        }
        self.playground.release_redraw();
    }

    /// The tour on screen and its step, if one is.
    fn tour_step(&self) -> Option<(&'static str, usize)> {
        self.tour.as_ref().map(|t| (t.tour.id, t.step))
    }

    fn carry_out(&mut self, input: Input) {
        let redraws = !matches!(
            input,
            Input::Frame { .. } | Input::CatchUp { .. } | Input::OnScreen { .. } | Input::Rest
        );
        if redraws {
            self.edits += 1;
        }
        match input {
            Input::Rest => self.at_rest = true,
            Input::OnScreen { .. } => {}
            _ => self.at_rest = false,
        }
        // The help is a modal dialog: behind it, keys change nothing but
        // the dialog (they used to act on the run it hides).
        let behind_help = matches!(
            input,
            Input::Key(c) if !matches!(c, KeyCommand::ToggleHelp | KeyCommand::Close)
        ) || matches!(input, Input::Arrow { .. });
        if behind_help && self.playground.help_open {
            return;
        }
        if let Some(progress) = self.playground.opening() {
            if !acts_while_opening(&input) {
                self.still_opening(input, progress);
                return;
            }
        }
        let untouched = !self.commanded;
        // The hashchange of a Back or Forward already followed is the
        // browser's echo, no command: it cleared the Undo just offered.
        let echo = matches!(&input, Input::LinkOpened { fragment }
            if self.link_followed.as_ref() == Some(fragment));
        if is_command(&input) && !echo {
            // The notice line tells how the person's last command went: an
            // older refusal, or a form's error, goes with the next one
            // (a form's error used to hide every later refusal).
            self.drafts.error = None;
            self.playground.notice = None;
            self.told = None;
            self.import_failed = false;
            self.commanded = true;
            // A tour chosen straight after another keeps the first's offer.
            let keeps = match &input {
                Input::Undo => true,
                Input::TourChoose(id) => {
                    !id.is_empty() && self.undo_to.as_ref().is_some_and(|u| u.by_tour_choice)
                }
                _ => false,
            };
            if !keeps {
                self.undo_to = None;
            }
        }
        // Acting in the past discards the run after that moment: it is
        // kept, so that the notice can offer it back.
        let before_fork =
            (may_fork(&input) && self.playground.acting_forks()).then(|| self.undo_point());
        let stretch_ended = std::mem::take(&mut self.stretch_ended_in_catch_up);
        match input {
            Input::Frame { wall_ms } => self.frame(wall_ms),
            Input::CatchUp { wall_ms } => {
                let playing = self.tour.is_some() && self.playground.pause_at.is_some();
                self.frame(wall_ms);
                self.stretch_ended_in_catch_up = playing && self.playground.pause_at.is_none();
            }
            Input::Arrow { forward: true } | Input::TourNext if stretch_ended => {}
            Input::Key(command) => self.playground.command(command),
            Input::SingleKeys(on) => self.single_keys = on,
            Input::Skip(ms) => self.playground.skip(ms),
            Input::SetSpeed(s) => self.set_speed(s),
            Input::Reset => self.reset(),
            Input::Undo => self.undo(),
            Input::SeedText(s) => {
                self.edit_draft(|d| &mut d.seed, |t| parse_seed(t).err(), s);
            }
            Input::NodesText(s) => self.drafts.nodes = s,
            Input::Select(s) => self.playground.selection = s,
            Input::Act(action) => self.playground.act(action),
            Input::ClientText(s) => {
                self.edit_draft(|d| &mut d.client_text, |t| parse_op(t).err(), s);
            }
            Input::ClientTarget(t) => self.drafts.client_target = t,
            Input::ClientReadPath(p) => self.drafts.client_read_path = p,
            Input::Send => self.send(),
            Input::ToggleSide(id) => {
                if !self.drafts.side.remove(&id) {
                    self.drafts.side.insert(id);
                }
            }
            Input::SplitSides => {
                let side: Vec<NodeId> = self.drafts.side.iter().copied().collect();
                if side.is_empty() {
                    // A split with nobody on a side cuts nothing; it used
                    // to be recorded (and moved the trace hash) anyway.
                    self.drafts.error = Some("tick the servers of one side first".into());
                } else {
                    self.playground.act(Action::Partition(vec![side]));
                }
            }
            Input::MajorityMinority => {
                let p = &self.playground;
                let voters = &super::membership::cluster(&p.sim).voters;
                let minority = network_edits::minority(voters, p.sim.leader());
                self.playground.act(Action::Partition(vec![minority]));
            }
            Input::Network(edit) => {
                let config = edit.apply(self.playground.sim.network().config);
                self.playground.act(Action::SetNetwork(config));
            }
            Input::NetworkDrag(edit) => {
                let now = self.playground.sim.network().config;
                self.drafts.network = Some((now, edit.apply(now)));
            }
            Input::NetworkKeyed(edit) => {
                let keyed = &mut self.drafts.network_keyed;
                keyed.retain(|e| std::mem::discriminant(e) != std::mem::discriminant(&edit));
                keyed.push(edit);
            }
            Input::NetworkSettled => self.settle_network(),
            Input::CutText(s) => {
                let check = |t: &str| network_edits::parse_cut(t).err();
                self.edit_draft(|d| &mut d.cut, check, s);
            }
            Input::Cut => match network_edits::parse_cut(&self.drafts.cut) {
                Ok((from, to)) => self.playground.act(Action::CutLink { from, to }),
                Err(e) => self.drafts.error = Some(e),
            },
            // The link, its JSON and the embed shown name one moment: each
            // button writes what the other showed too (the link kept the
            // moment of Share while Embed's code had a later one, a page
            // tester saw).
            Input::Share { page } => {
                self.share_link(&page);
                if self.drafts.embed_snippet.is_some() {
                    self.share_embed(&page);
                }
            }
            Input::ShareJson => self.write_shared_json(),
            Input::Embed { page } => {
                self.share_embed(&page);
                if self.drafts.shared.is_some() {
                    self.share_link(&page);
                }
            }
            Input::ImportText(s) => self.drafts.import = s,
            Input::Import => {
                let loaded = parse_pasted(&self.drafts.import);
                self.import(loaded);
            }
            Input::FileRead(text) => self.import(text.and_then(|text| parse_pasted(&text))),
            Input::OpenScenario { scenario, caption } => {
                if self.load(scenario.map(|s| *s), false, false) {
                    self.told = Some(caption);
                }
            }
            // A move to a fragment that names no link (Back from a link
            // typed in; `#top`): its popstate, `AddressMoved`, followed it
            // (it was told as "the link has no scenario in it", a page
            // tester saw). A key without a link's (`#foo=bar`) is said.
            ref input @ Input::LinkOpened { .. } if input::names_no_link(input) => {}
            // The hashchange of a Back or Forward the session followed
            // already (`echo`, above): the link is open.
            Input::LinkOpened { .. } if echo => self.link_followed = None,
            Input::LinkOpened { fragment } => {
                self.open_link(&fragment, untouched);
            }
            Input::Seek(t) => {
                let p = &mut self.playground;
                p.paused = true;
                p.pause_at = None;
                p.go_to(t.min(p.timeline_end()));
            }
            Input::ReplayFromStart => self.playground.replay_from_start(),
            Input::Arrow { forward: false } | Input::TourBack if self.tour.is_some() => {
                self.tour_back()
            }
            Input::Arrow { forward: true } | Input::TourNext => match &mut self.tour {
                Some(tour) => tour.next(&mut self.playground),
                None if matches!(input, Input::Arrow { .. }) => {
                    self.playground.command(KeyCommand::Step)
                }
                None => {}
            },
            Input::Arrow { forward: false } => self.playground.command(KeyCommand::StepBack),
            Input::TourChoose(id) if id.is_empty() => self.end_tour(),
            Input::TourChoose(id) => self.choose_tour(&id, 0),
            Input::TourBack => {}
            Input::TourEnd => self.end_tour(),
            Input::AddressMoved { search, hash } => self.follow_address(&search, &hash),
            Input::TourRestartStep => {
                if let Some((id, step)) = self.tour_step() {
                    self.start_tour(id, step);
                }
            }
            Input::Host(command) => self.host_command(command),
            Input::WhatIf(input) => self.what_if_input(input),
            Input::OnScreen { section, in_view } => self.on_screen.set(section, in_view),
            Input::Rest => {}
        }
        if let (Some(fork), Some(before)) = (self.playground.forked.take(), before_fork) {
            self.told_of_fork(fork, before);
        }
        // Drawn only in view or at rest (`view::versions::drawn`), so
        // computed only then; a new run (reset, a link) starts wanting it.
        // An embed has no diagram: it was computed for every message all
        // the same (its section never said it was out of view), the most
        // of an embed's work after a host's burst of writes (a profile).
        let shown = !self.embed && (self.on_screen.shows(Section::Diagram) || self.at_rest);
        self.playground.want_diagram(shown);
    }

    /// `wall_ms` of real time passed: the run moves on, and a tour whose
    /// stretch has played gives the person's speed back.
    fn frame(&mut self, wall_ms: f64) {
        if self.playground.opening().is_some() {
            self.playground.open_more(OPEN_PER_FRAME);
            return;
        }
        self.playground.frame(wall_ms);
        if let Some(tour) = &mut self.tour {
            tour.on_frame(&mut self.playground);
        }
    }

    /// A drag ends with its change, but one cut short (no change event)
    /// must not come back when the run's settings return to where it
    /// began (a review's seek back did that): any command, or a change of
    /// the run's settings, forgets it.
    fn forget_stale_drag(&mut self, input: &Input) {
        let now = self.playground.sim.network().config;
        let stale = |(base, _): (NetworkConfig, _)| base != now || is_command(input);
        if !matches!(input, Input::NetworkDrag(_)) && self.drafts.network.is_some_and(stale) {
            self.drafts.network = None;
        }
    }

    /// Whether the keys' values on the sliders are made before `input`: a
    /// command of the person's (it may be another run, which they must
    /// not reach: a review saw a Reset's run take them), or a drag, which
    /// starts from the run's settings.
    fn settles_keys_first(&self, input: &Input) -> bool {
        self.network_keys_pending()
            && !matches!(input, Input::NetworkKeyed(_) | Input::NetworkSettled)
            && (is_command(input) || matches!(input, Input::NetworkDrag(_)))
    }

    /// The keys on the sliders rested: the values they showed are one
    /// action, unless they came back to the run's settings.
    fn settle_network(&mut self) {
        let now = self.playground.sim.network().config;
        let to = self.with_keyed_values(now);
        self.drafts.network_keyed.clear();
        if to != now {
            self.playground.act(Action::SetNetwork(to));
        }
    }

    /// Whether a slider's keys wait to rest ([`Input::NetworkSettled`]).
    pub fn network_keys_pending(&self) -> bool {
        !self.drafts.network_keyed.is_empty()
    }

    /// The network settings the panel shows: the run's, or a dragged
    /// slider's value while the drag lasts. A drag the run's settings have
    /// moved under since (an Undo, another run) shows no more.
    pub fn network_shown(&self) -> NetworkConfig {
        let now = self.playground.sim.network().config;
        let shown = match self.drafts.network {
            Some((base, shown)) if base == now => shown,
            _ => now,
        };
        self.with_keyed_values(shown)
    }

    /// `config` with the values keys set on the sliders, not yet made.
    fn with_keyed_values(&self, config: NetworkConfig) -> NetworkConfig {
        (self.drafts.network_keyed.iter()).fold(config, |config, edit| edit.apply(config))
    }

    /// Wall milliseconds the page may sleep before its next frame: until
    /// the next change it draws ([`Playground::idle_ms`]), or, for a host
    /// page that follows the clock, until its next `clock` event may go
    /// (so it still gets about four a second).
    pub fn idle_ms(&self) -> f64 {
        let idle = self.playground.idle_ms();
        if self.host.subscribed(EventKind::Clock) {
            return idle.min(CLOCK_INTERVAL_MS);
        }
        idle
    }

    /// Whether the seed or node count typed differs from the run's and
    /// would be taken: they take effect on Reset (or Enter in the seed
    /// field), which the bar then says, rather than looking applied. A
    /// seed Reset would refuse ("3.5") is not pending: Reset says why.
    pub fn reset_pending(&self) -> bool {
        let scenario = &self.playground.scenario;
        let differs = self.drafts.seed.trim() != scenario.seed.to_string()
            || self.drafts.nodes.trim() != scenario.nodes.to_string();
        differs && parse_seed(&self.drafts.seed).is_ok()
    }

    /// Opens the link in the address's `fragment` (`#r=...`), in place of
    /// the run on screen.
    ///
    /// Whether it opened (else the notice says why).
    pub(super) fn open_link(&mut self, fragment: &str, untouched: bool) -> bool {
        let loaded = permalink::decode(fragment)
            .and_then(|s| s.ok_or_else(|| "the link has no scenario in it".to_string()));
        // The link held at open, with nothing done since: if it fails, the
        // run kept is the one the address named, not the person's; if it
        // opens, what it replaced is ignored.
        let held = self.held_json_link.take().filter(|_| untouched);
        let opened = self.load(loaded, self.from_start, held.is_some());
        if let (true, Some(Some(named))) = (opened, held) {
            self.drafts.error = Some(address::link_ignores(&named));
        }
        // The address holds the link already, as it was written.
        self.opened = None;
        opened
    }

    /// Whether `input` reads or writes scenario JSON: the page has the
    /// studio, which holds the JSON reader (`view::scenario_json`), loaded
    /// before it hands such an input over.
    pub fn needs_json(&self, input: &Input) -> bool {
        match input {
            Input::ShareJson => true,
            Input::Import => scenario_json::is_json(&self.drafts.import),
            Input::FileRead(Ok(text)) => scenario_json::is_json(text),
            Input::LinkOpened { fragment } => scenario_json::is_json(fragment),
            _ => false,
        }
    }

    /// The run as a link, from `page` (the page's address and query); its
    /// JSON is written by [`Input::ShareJson`].
    fn share_link(&mut self, page: &str) {
        let scenario = self.playground.export();
        let page = address::without_run_settings(page);
        let url = format!("{page}#{}", permalink::encode(&scenario));
        self.drafts.shared = Some(Shared {
            url,
            json: None,
            scenario,
        });
    }

    /// The iframe HTML for the run, loading `page` without its query.
    fn share_embed(&mut self, page: &str) {
        let bare = page.split(['?', '#']).next().unwrap_or_default();
        self.drafts.embed_snippet = Some(self.embed_snippet(bare));
    }

    /// Writes the JSON of the run last shared, if it is not written yet.
    fn write_shared_json(&mut self) {
        let Some(shared) = self.drafts.shared.as_mut().filter(|s| s.json.is_none()) else {
            return;
        };
        let json = scenario_json::write(&shared.scenario).unwrap_or_else(|e| {
            self.drafts.error = Some(format!("the run cannot be written as JSON: {e}"));
            String::new()
        });
        shared.json = Some(json);
    }

    fn what_if_input(&mut self, input: WhatIfInput) {
        match input {
            WhatIfInput::Toggle => self.what_if.open = !self.what_if.open,
            WhatIfInput::Choose(name) => self.what_if.choose(&name),
            WhatIfInput::Find { now_ms } => {
                let settings = self.search_settings();
                self.what_if.find(settings, now_ms);
            }
            WhatIfInput::Explore { now_ms } => self.what_if.explore(now_ms),
            WhatIfInput::Cancel { now_ms } => self.what_if.cancel(now_ms),
            // The worker runs one job at a time: while it tells a story,
            // its replies are the story's (a search started replaces it).
            // The panel's chosen switch stays the person's (a late story
            // reset it under a search they had started, a page tester saw).
            WhatIfInput::Reply { reply, .. } if self.what_if.telling().is_some() => {
                if let Some((ask, told)) = self.what_if.heard(*reply) {
                    self.playground.take_story(ask, told);
                }
            }
            WhatIfInput::Reply { reply, now_ms } => {
                if let Some((scenario, report)) = self.what_if.reply(*reply, now_ms) {
                    self.load_failure(scenario, report);
                }
            }
        }
    }

    /// A shared run with one unsafe switch on may be a failure someone
    /// found and shared, whose story the link does not carry: asked of the
    /// worker once, as it opens, unless a search runs (what it finds will
    /// replace the run). Not in an embed, which has no room for a story:
    /// the studio and the worker are 450 KB of gzip more for each embed
    /// of a page, for marks alone; "Open in the full playground" tells it.
    fn ask_for_a_story(&mut self) {
        if self.embed {
            return;
        }
        let changed_at = match self.playground.story {
            StoryAsk::ToAsk => None,
            // The worker stopped before it answered (a Reset, Undone; a
            // search, Cancelled): this run is on screen again, with the
            // changes made since it was first asked.
            StoryAsk::Asked { ask, changed_at } if self.what_if.telling() != Some(ask) => {
                changed_at
            }
            _ => return,
        };
        if self.what_if.running() {
            return;
        }
        self.stories_asked += 1;
        self.playground.story = StoryAsk::Asked {
            ask: self.stories_asked,
            changed_at,
        };
        // The run as it is: the person's actions among the file's, in time.
        let run = self.playground.export();
        self.what_if.tell(run, self.stories_asked);
    }

    /// What the story's place says while the worker replays a shared run
    /// to tell it, or once the worker could not. Nothing while the run has
    /// changed since the ask: a story would rarely be taken then (the line
    /// promised one for seconds, a page tester saw).
    pub fn story_pending(&self) -> Option<String> {
        let p = &self.playground;
        let switch = p.scenario.unsafe_switches.enabled().next()?;
        let telling = self.what_if.telling();
        match p.story {
            StoryAsk::Asked {
                ask,
                changed_at: None,
            } if telling == Some(ask) => Some(format!(
                "This run has the unsafe switch {} on: replaying it to tell what breaks\u{2026}",
                switch.name()
            )),
            StoryAsk::Untold => Some(format!(
                "This run has the unsafe switch {} on; the page's worker, which tells what \
                 breaks, did not run.",
                switch.name()
            )),
            _ => None,
        }
    }

    /// What a search starts from: the run's settings as they are now (the
    /// network, raft options and reads the panels may have changed), none
    /// of its actions but the snapshot threshold, which a scenario holds
    /// only as an action at time 0 (`worker_jobs::search_config`).
    fn search_settings(&self) -> Scenario {
        let sim = &self.playground.sim;
        let mut settings = self.playground.scenario.clone();
        settings.network = sim.network().config;
        settings.raft = sim.config().raft;
        settings.reads = sim.config().reads;
        settings.actions.clear();
        if let Some(every) = sim.config().snapshot_threshold {
            settings
                .actions
                .push((0, Action::SetSnapshots(Some(every))));
        }
        settings.cursor = None;
        settings.cursor_events = None;
        settings
    }

    /// The events for the host page since the last call: errors from its
    /// commands, then what the last updates traced and the clock
    /// (`wall_ms`: any wall clock in milliseconds). Each is reported once.
    pub fn host_events(&mut self, wall_ms: f64) -> Vec<HostEvent> {
        let mut out = std::mem::take(&mut self.burst_events);
        out.append(&mut self.host_errors);
        out.extend(self.host.events(&self.playground, wall_ms));
        self.playground.new_events.clear();
        out
    }

    /// The change keys of the page's parts (see [`versions`]).
    pub fn versions(&self) -> versions::Versions {
        versions::of(self)
    }

    fn host_command(&mut self, command: HostCommand) {
        let name = command.name();
        match self.host.apply(command, &mut self.playground) {
            Ok(Applied::Done) => {}
            Ok(Applied::NewRun(fresh, tour)) => {
                match tour.is_some() {
                    true => self.what_if.stop_for_tour(),
                    false => self.what_if.stop_for_new_run(),
                }
                self.replace_run(*fresh, tour);
            }
            Err(message) => self.host_errors.push(HostEvent::Error {
                command: name.to_string(),
                message,
            }),
        }
    }

    /// Typing into a form's field: the field's error stays while it is
    /// being corrected, and goes once its text passes the field's `check`
    /// (a seed of 21 digits, retyped as 42, kept its error up).
    fn edit_draft(
        &mut self,
        field: fn(&mut Drafts) -> &mut String,
        check: impl Fn(&str) -> Option<String>,
        text: String,
    ) {
        let was = check(field(&mut self.drafts));
        *field(&mut self.drafts) = text;
        let now = check(field(&mut self.drafts));
        if was.is_some() && self.drafts.error == was && now.is_none() {
            self.drafts.error = None;
        }
    }

    /// The speed slider's value, kept within the slider's range: the page
    /// sends only such values, but a frame at an absurd speed would run the
    /// simulation for ages, so the session does not take one on trust.
    fn set_speed(&mut self, speed: f64) {
        if !speed.is_nan() {
            self.playground.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    fn send(&mut self) {
        match parse_op(&self.drafts.client_text) {
            Ok(op) => {
                let to = self.drafts.client_target;
                match (op, self.drafts.client_read_path) {
                    (Op::Read { key }, Some(path)) => self.playground.read_by(key, path, to),
                    (op, _) => self.playground.send(op, to),
                }
                self.drafts.client_text.clear();
                self.drafts.error = None;
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "burst_tests.rs"]
mod burst_tests;
