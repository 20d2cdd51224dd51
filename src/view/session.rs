//! The page's session: the run on screen, the guided tour, what the panels'
//! fields hold, and the host page's subscriptions. It takes every message a
//! person (or a host page) sends as an [`Input`] and decides what happens,
//! so all of the page's decisions are tested natively; the Yew `App` only
//! wires the browser to it (frames, keys, the address bar, files, timers).

use super::host_api::{Applied, EventKind, HostApi, HostCommand, HostEvent, CLOCK_INTERVAL_MS};
use super::keys::KeyCommand;
use super::network_edits::{self, NetworkEdit};
use super::on_screen::{OnScreen, Section};
use super::op_text::parse_op;
use super::playground::{parse_seed, Playground, Selection, OPEN_PER_FRAME};
use super::speed::{MAX_SPEED, MIN_SPEED};
use super::tour_player::TourPlayer;
use super::url_params::UrlParams;
use super::what_if::{WhatIf, WhatIfInput};
use super::{embed, permalink, scenario_json, versions};
use crate::raft::vec_map::VecSet;
use crate::raft::{NodeId, Op, ReadPath, Time};
use crate::sim::decimal::seconds;
use crate::sim::find::FailureReport;
use crate::sim::{Action, Scenario};

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
    pub embed_snippet: Option<String>,
    /// The "Load a link or scenario JSON" field.
    pub import: String,
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
    /// Back to the run a Reset just replaced (offered until the next
    /// command).
    UndoReset,
    /// The browser's Back or Forward moved the address to `search`: within
    /// the tour on screen, the page follows it to that step.
    AddressMoved {
        /// The address's query, with its `?`.
        search: String,
    },
    /// The seed field changed.
    SeedText(String),
    /// The node-count menu changed.
    NodesText(String),
    /// A node or message clicked.
    Select(Selection),
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
    /// A network slider moved.
    Network(NetworkEdit),
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
    /// "Embed": `page` is the page's address without query or fragment.
    Embed {
        /// The address the iframe loads.
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
    /// screen ([`Session::at_rest`]).
    Rest,
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
    /// Bumped by every input but a frame (or scrolling): see [`versions`].
    pub edits: u64,
    /// The sections below the picture in view: those out of it are not
    /// drawn again until they are back ([`versions::drawn`]).
    pub on_screen: OnScreen,
    /// The "What if…" panel and its search.
    pub what_if: WhatIf,
    /// The address asked for shared runs from their start (`?autoplay=1`):
    /// a link opened later (a `#s=` link held for the studio, a new
    /// fragment) honours it as the page's own link does.
    from_start: bool,
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
    /// The run a Reset replaced, with its tour and address, until the
    /// next command: a Reset (Enter in the seed field) is one keystroke,
    /// and it discarded the run and its history for good.
    before_reset: Option<Box<BeforeReset>>,
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
    /// The last input moved the tour on screen a step forward: the page
    /// adds that step to the browser's history rather than replacing the
    /// address, so that Back (a phone's back gesture) returns to the step
    /// before instead of leaving the page.
    pub step_forward: bool,
    /// The tour's steps forward that are entries in the browser's history,
    /// back to where this tour began (or the page opened).
    steps_in_history: usize,
    /// The last input asked to go a tour step back where that step is the
    /// history's entry before: the page goes Back, and the session follows
    /// the address there ([`Input::AddressMoved`]), so the browser's Back
    /// and the tour's stay one (the tour's Back used to rewrite the entry,
    /// and the browser's Back then showed the same step again). The page
    /// takes it once.
    pub back_in_history: bool,
}

/// What [`Input::UndoReset`] brings back.
#[derive(Clone, Debug)]
struct BeforeReset {
    run: Playground,
    tour: Option<TourPlayer>,
    after_reset: bool,
    opened: Option<String>,
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
        let (mut playground, tour) = starting_run(params, fragment, &mut problems);
        if tour.is_none() {
            playground.paused |= !params.autoplay || reduced_motion;
        }
        Session {
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
            edits: 0,
            on_screen: OnScreen::default(),
            what_if: WhatIf::default(),
            from_start: params.from_start,
            stretch_ended_in_catch_up: false,
            at_rest: false,
            after_reset: false,
            opened: None,
            told: None,
            before_reset: None,
            import_failed: false,
            failed_loads: 0,
            commanded: false,
            step_forward: false,
            steps_in_history: 0,
            back_in_history: false,
        }
    }

    /// Carries out `input`.
    pub fn update(&mut self, input: Input) {
        self.back_in_history = false;
        let before = self.tour_step();
        let follows_the_address = matches!(input, Input::AddressMoved { .. });
        self.carry_out(input);
        let after = self.tour_step();
        // An embed's steps are not the host page's history: its Back
        // leaves the page the reader is on.
        self.step_forward = !self.embed
            && !follows_the_address
            && matches!((before, after), (Some((a, from)), Some((b, to))) if a == b && to > from);
        self.steps_in_history = match (before, after) {
            (Some((a, from)), Some((b, to))) if a == b && !self.embed => {
                if self.step_forward || follows_the_address {
                    (self.steps_in_history + to).saturating_sub(from)
                } else {
                    self.steps_in_history.min(to)
                }
            }
            _ => 0,
        };
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
        if is_command(&input) {
            // The notice line tells how the person's last command went: an
            // older refusal, or a form's error, goes with the next one
            // (a form's error used to hide every later refusal).
            self.drafts.error = None;
            self.playground.notice = None;
            self.told = None;
            self.import_failed = false;
            self.commanded = true;
            if !matches!(input, Input::UndoReset) {
                self.before_reset = None;
            }
        }
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
            Input::Skip(ms) => self.playground.skip(ms),
            Input::SetSpeed(s) => self.set_speed(s),
            Input::Reset => self.reset(),
            Input::UndoReset => self.undo_reset(),
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
            Input::CutText(s) => {
                let check = |t: &str| network_edits::parse_cut(t).err();
                self.edit_draft(|d| &mut d.cut, check, s);
            }
            Input::Cut => match network_edits::parse_cut(&self.drafts.cut) {
                Ok((from, to)) => self.playground.act(Action::CutLink { from, to }),
                Err(e) => self.drafts.error = Some(e),
            },
            Input::Share { page } => {
                let scenario = self.playground.export();
                let url = format!("{page}#{}", permalink::encode(&scenario));
                let json = None;
                self.drafts.shared = Some(Shared {
                    url,
                    json,
                    scenario,
                });
            }
            Input::ShareJson => self.write_shared_json(),
            Input::Embed { page } => self.drafts.embed_snippet = Some(self.embed_snippet(&page)),
            Input::ImportText(s) => self.drafts.import = s,
            Input::Import => {
                let loaded = parse_pasted(&self.drafts.import);
                self.import(loaded);
            }
            Input::FileRead(text) => self.import(text.and_then(|text| parse_pasted(&text))),
            Input::OpenScenario { scenario, caption } => {
                if self.load(scenario.map(|s| *s), false) {
                    self.told = Some(caption);
                }
            }
            Input::LinkOpened { fragment } => {
                let loaded = permalink::decode(&fragment)
                    .and_then(|s| s.ok_or_else(|| "the link has no scenario in it".to_string()));
                self.load(loaded, self.from_start);
                // The address holds the link already, as it was written.
                self.opened = None;
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
            Input::TourChoose(id) => self.start_tour(&id, 0),
            Input::TourBack => {}
            Input::TourEnd => self.end_tour(),
            Input::AddressMoved { search } => self.follow_address(&search),
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
        // Drawn only in view or at rest (`view::versions::drawn`), so
        // computed only then; a new run (reset, a link) starts wanting it.
        let shown = self.on_screen.shows(Section::Diagram) || self.at_rest;
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

    /// Whether the seed or node count typed differs from the run's: they
    /// take effect on Reset (or Enter in the seed field), which the bar
    /// then says, rather than looking applied.
    pub fn reset_pending(&self) -> bool {
        let scenario = &self.playground.scenario;
        self.drafts.seed.trim() != scenario.seed.to_string()
            || self.drafts.nodes.trim() != scenario.nodes.to_string()
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
            WhatIfInput::Cancel => self.what_if.cancel(),
            WhatIfInput::Reply { reply, now_ms } => {
                if let Some((scenario, report)) = self.what_if.reply(*reply, now_ms) {
                    self.load_failure(scenario, report);
                }
            }
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

    /// Opens a found failure paused at its violation, told by `report`; or
    /// keeps the run on screen and says why it cannot.
    fn load_failure(&mut self, mut scenario: Scenario, report: FailureReport) {
        scenario.cursor = Some(report.violation.t);
        scenario.cursor_events = None;
        match Playground::open_shared(scenario, false) {
            Ok(mut fresh) => {
                fresh.failure = Some(report);
                self.replace_run(fresh, None);
                self.opened = Some(permalink::encode(&self.playground.export()));
            }
            Err(e) => self
                .what_if
                .failed(format!("the failure found cannot be shown: {e}")),
        }
    }

    /// The events for the host page since the last call: errors from its
    /// commands, then what the last updates traced and the clock
    /// (`wall_ms`: any wall clock in milliseconds). Each is reported once.
    pub fn host_events(&mut self, wall_ms: f64) -> Vec<HostEvent> {
        let mut out = std::mem::take(&mut self.host_errors);
        out.extend(self.host.events(&self.playground, wall_ms));
        self.playground.new_events.clear();
        out
    }

    /// The address the bar should show after the path, if it should
    /// change, so that copying or reloading it opens what is shown: the
    /// tour step while a tour is open; after a Reset, the run's `seed=`
    /// and `nodes=`; after opening a scenario, its link (`#r=`). Either
    /// way the page's own settings stay as written (`embed=`, `origin=`,
    /// `view=`, `paused=`), and what named the run before goes (its seed
    /// and size, load, disk, tour, a link's fragment). An address
    /// otherwise is not ours to rewrite unless a tour just ended.
    pub fn address_query(&self, search: &str, hash: &str) -> Option<String> {
        let ours = self.tour.is_some()
            || self.after_reset
            || self.opened.is_some()
            || search.contains("tour=");
        if !ours {
            return None;
        }
        // The page's own settings stay as written: embed=, origin= (a
        // wrong one must go on refusing hosts after a reload), view=,
        // paused=, autoplay=.
        let mut wanted: Vec<String> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty() && !names_the_run(pair))
            .map(str::to_string)
            .collect();
        match &self.tour {
            Some(player) => wanted.push(player.query()),
            None if self.after_reset => {
                let scenario = &self.playground.scenario;
                wanted.push(format!("seed={}&nodes={}", scenario.seed, scenario.nodes));
            }
            None => {} // a tour just ended
        }
        let mut wanted = if wanted.is_empty() {
            String::new()
        } else {
            format!("?{}", wanted.join("&"))
        };
        if let (None, Some(link)) = (&self.tour, &self.opened) {
            wanted = format!("{wanted}#{link}");
        }
        (wanted != format!("{search}{hash}")).then_some(wanted)
    }

    /// Where "Open in the full playground" goes: the tour step, or this run
    /// as a link.
    pub fn full_playground_link(&self, page: &str) -> String {
        match &self.tour {
            Some(player) => format!("{page}?{}", player.query()),
            None => format!("{page}#{}", permalink::encode(&self.playground.export())),
        }
    }

    /// The iframe HTML for this run: the tour step if a tour is open and
    /// unchanged, else the run as a scenario link.
    pub fn embed_snippet(&self, page: &str) -> String {
        match &self.tour {
            Some(player) if !player.diverged(&self.playground) => {
                embed::snippet(page, &player.query(), "", player.tour.title)
            }
            _ => {
                let fragment = permalink::encode(&self.playground.export());
                embed::snippet(page, "", &fragment, "Raft Playground")
            }
        }
    }

    /// The change keys of the page's parts (see [`versions`]).
    pub fn versions(&self) -> versions::Versions {
        versions::of(self)
    }

    /// An input a shared run still opening cannot take yet: a host page
    /// is told by an error event; the person sees the notice line say the
    /// run is opening ([`Session::notice_text`]).
    fn still_opening(&mut self, input: Input, (t, cursor): (Time, Time)) {
        if let Input::Host(command) = input {
            self.host_errors.push(HostEvent::Error {
                command: command.name().to_string(),
                message: format!("the shared run is still opening: {}", replayed(t, cursor)),
            });
        }
    }

    /// The notice line: how a shared run's opening is coming on, or how
    /// the person's last command went (a form's error, or a refusal), or
    /// which run the page opened for them.
    pub fn notice_text(&self) -> Option<String> {
        self.notice().map(|(text, _)| text)
    }

    /// Whether the notice line answers a command the person gave (rather
    /// than telling what the address asked that could not be done): a
    /// phone's width keeps such an answer in view.
    pub fn notice_answers_a_command(&self) -> bool {
        self.commanded && self.notice().is_some()
    }

    /// Whether the notice line tells news (how an opening comes on, which
    /// run was opened) rather than what went wrong.
    pub fn notice_is_news(&self) -> bool {
        self.notice().is_some_and(|(_, news)| news)
    }

    /// The notice line's text, and whether it is news: one order of
    /// precedence for both.
    fn notice(&self) -> Option<(String, bool)> {
        if let Some((t, cursor)) = self.playground.opening() {
            let text = format!(
                "Opening the shared run: {}; the controls wait until it is there.",
                replayed(t, cursor)
            );
            return Some((text, true));
        }
        let error = self.drafts.error.clone().filter(|_| !self.import_failed);
        let refusal = error.or_else(|| self.playground.notice.clone());
        refusal
            .map(|text| (text, false))
            .or_else(|| self.told.clone().map(|text| (text, true)))
    }

    fn host_command(&mut self, command: HostCommand) {
        let name = command.name();
        match self.host.apply(command, &mut self.playground) {
            Ok(Applied::Done) => {}
            Ok(Applied::NewRun(fresh, tour)) => {
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

    fn start_tour(&mut self, id: &str, step: usize) {
        match TourPlayer::start(id, step) {
            Ok((player, fresh)) => {
                self.what_if.stop_for_tour();
                self.replace_run(fresh, Some(player));
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }

    /// The tour's step before: through the browser's history where that
    /// step is its entry before, else at once.
    fn tour_back(&mut self) {
        if self.steps_in_history > 0 {
            self.back_in_history = true;
        } else if let Some(tour) = &mut self.tour {
            tour.back(&mut self.playground);
        }
    }

    /// Goes to the step of the tour on screen that the address names, as
    /// Back and Next would; an address of another tour, or of none, is
    /// left to the page (the tour goes on, and its step is written back).
    fn follow_address(&mut self, search: &str) {
        let (params, _) = UrlParams::parse(search);
        let Some(tour) = &mut self.tour else {
            return;
        };
        if params.tour.as_deref() != Some(tour.tour.id) || params.step == tour.step {
            return;
        }
        if params.step + 1 == tour.step {
            tour.back(&mut self.playground);
        } else if params.step == tour.step + 1 {
            tour.next(&mut self.playground);
        } else {
            let id = tour.tour.id;
            self.start_tour(id, params.step);
        }
    }

    /// The tour's run stays on screen, and the address carries it as a
    /// link: a reload opens what the person was looking at, not the
    /// default seed (the address used to fall back to the bare page).
    fn end_tour(&mut self) {
        if self.tour.take().is_some() {
            self.opened = Some(permalink::encode(&self.playground.export()));
        }
        self.playground.pause_at = None;
    }

    /// Swaps in a new run (a reset, a loaded scenario, a tour), keeping the
    /// person's speed, and their pause state unless a tour sets its own.
    fn replace_run(&mut self, mut fresh: Playground, tour: Option<TourPlayer>) -> Playground {
        fresh.speed = self.playground.speed;
        if tour.is_none() {
            // Paused if the person was, or if the run opens at a moment.
            fresh.paused |= self.playground.paused;
        }
        self.drafts.seed = fresh.scenario.seed.to_string();
        self.drafts.nodes = fresh.scenario.nodes.to_string();
        self.drafts.error = None;
        self.tour = tour;
        self.after_reset = false;
        self.opened = None;
        // A Reset's news and its Undo belong to the run it started: any
        // run that replaces it (a found failure, a host page's load) ends
        // them; `reset` sets them again after this.
        self.told = None;
        self.before_reset = None;
        std::mem::replace(&mut self.playground, fresh)
    }

    /// The speed slider's value, kept within the slider's range: the page
    /// sends only such values, but a frame at an absurd speed would run the
    /// simulation for ages, so the session does not take one on trust.
    fn set_speed(&mut self, speed: f64) {
        if !speed.is_nan() {
            self.playground.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    fn reset(&mut self) {
        let seed = parse_seed(&self.drafts.seed);
        let nodes = self.drafts.nodes.trim().parse::<u64>();
        let result = match (seed, nodes) {
            (Ok(seed), Ok(nodes)) => Playground::new(seed, nodes),
            (Err(why), _) => Err(why),
            (_, Err(_)) => Err(format!(
                "the node count must be 3 to 9, not '{}'",
                self.drafts.nodes
            )),
        };
        match result {
            Ok(fresh) => {
                let (tour, after_reset, opened) =
                    (self.tour.take(), self.after_reset, self.opened.take());
                let run = self.replace_run(fresh, None);
                self.what_if.stop_for_new_run();
                self.drafts.side.clear();
                self.after_reset = true;
                let scenario = &self.playground.scenario;
                self.told = Some(format!(
                    "A new run: seed {}, {} servers.",
                    scenario.seed, scenario.nodes
                ));
                self.before_reset = Some(Box::new(BeforeReset {
                    run,
                    tour,
                    after_reset,
                    opened,
                }));
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }

    /// A Load of pasted text or a file.
    fn import(&mut self, loaded: Result<Scenario, String>) {
        self.import_failed = !self.load(loaded, false);
        self.failed_loads += u64::from(self.import_failed);
    }

    /// Why the last Load (pasted or a file) failed, for the Share panel to
    /// say under its button.
    pub fn import_error(&self) -> Option<&str> {
        self.drafts.error.as_deref().filter(|_| self.import_failed)
    }

    /// How many Loads have failed: the Share panel draws each failure's
    /// words anew, so a screen reader announces a second failure with
    /// the same words too (an alert whose text does not change is not
    /// read again).
    pub fn failed_loads(&self) -> u64 {
        self.failed_loads
    }

    /// Whether the notice line offers to undo a Reset.
    pub fn can_undo_reset(&self) -> bool {
        self.before_reset.is_some()
    }

    /// The run the last Reset replaced, back as it was: its moment, its
    /// history, its tour and its address.
    fn undo_reset(&mut self) {
        if let Some(before) = self.before_reset.take() {
            let BeforeReset {
                run,
                tour,
                after_reset,
                opened,
            } = *before;
            self.drafts.seed = run.scenario.seed.to_string();
            self.drafts.nodes = run.scenario.nodes.to_string();
            self.what_if.stop_for_new_run();
            self.playground = run;
            self.tour = tour;
            self.after_reset = after_reset;
            self.opened = opened;
        }
    }

    /// Opens `loaded` in place of the run on screen, at its shared moment
    /// or from its start; or keeps the run and says why not. Whether it
    /// opened.
    fn load(&mut self, loaded: Result<Scenario, String>, from_start: bool) -> bool {
        match loaded.and_then(|s| Playground::open_shared(s, from_start)) {
            Ok(fresh) => {
                self.replace_run(fresh, None);
                self.drafts.import.clear();
                self.opened = Some(permalink::encode(&self.playground.export()));
                true
            }
            Err(e) => {
                // The simulator's limit (config.rs: 1 to 25) is not the
                // page's; a file of 50 servers was sent to a range that
                // would not open either.
                let e = match e.contains("nodes must be 1 to") {
                    true => format!("{e}; the playground shows 3 to 9"),
                    false => e,
                };
                self.drafts.error = Some(format!("{e} (your current run is unchanged)"));
                false
            }
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

/// How far a shared run's replay has come: "120 of 3600 simulated
/// seconds replayed".
fn replayed(t: Time, cursor: Time) -> String {
    format!(
        "{} of {} simulated seconds replayed",
        seconds(t, 0),
        seconds(cursor, 0)
    )
}

/// Whether `input` can be taken while a shared run is still opening: the
/// frames that replay it, the page's own bookkeeping, typing, what
/// replaces the run (a reset, another link or file, a tour) and what
/// changes no run (the help, the speed, a what-if search). The rest would
/// act on a moment the sender never saw.
fn acts_while_opening(input: &Input) -> bool {
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
fn is_command(input: &Input) -> bool {
    !matches!(
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
            | Input::ImportText(_)
            | Input::Host(_)
            | Input::WhatIf(_)
    )
}

/// The run a page opens with, and its tour if it opens one; what cannot be
/// had goes into `problems`.
fn starting_run(
    params: &UrlParams,
    fragment: &str,
    problems: &mut Vec<String>,
) -> (Playground, Option<TourPlayer>) {
    if let Some(id) = &params.tour {
        match TourPlayer::start(id, params.step) {
            Ok((player, p)) => {
                let steps = player.tour.steps.len();
                if params.step >= steps {
                    problems.push(format!(
                        "step={} is past the end: the tour '{id}' has {steps} steps, so it opens at its last",
                        params.step + 1
                    ));
                }
                return (p, Some(player));
            }
            Err(e) => problems.push(e),
        }
    }
    let shared = permalink::decode(fragment).and_then(|scenario| {
        scenario
            .map(|s| {
                Playground::open_shared(s, params.from_start)
                    .map_err(|e| format!("the link's scenario cannot be used: {e}"))
            })
            .transpose()
    });
    let fresh = || {
        Playground::with_disk(params.seed, params.nodes, params.load, params.disk)
            .unwrap_or_else(|_| Playground::new(1, 5).expect("the default cluster is valid"))
    };
    match shared {
        Ok(Some(p)) => (p, None),
        Ok(None) => (fresh(), None),
        Err(e) => {
            problems.push(e);
            (fresh(), None)
        }
    }
}

/// A scenario from what a person pasted: a link, a `#r=...` fragment (or an
/// older `#z=` or `#s=` one), or the JSON itself.
pub fn parse_pasted(text: &str) -> Result<Scenario, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("there is nothing to load: it is empty".into());
    }
    if text.starts_with('{') {
        return scenario_json::read(text);
    }
    let fragment = text.split_once('#').map_or(text, |(_, f)| f);
    permalink::decode(fragment)?
        .ok_or_else(|| "that is neither a playground link nor scenario JSON".to_string())
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;

/// Whether a query's `pair` names the run on screen, which a tour or a
/// Reset sets anew: its seed and size, a tour and step, and the background
/// load and disk neither keeps.
fn names_the_run(pair: &str) -> bool {
    let key = pair.split_once('=').map_or(pair, |(key, _)| key);
    matches!(key, "seed" | "nodes" | "load" | "disk" | "tour" | "step")
        // A key the page said it ignored goes too, or every reload would
        // say so again ("ignored Seed=7" beside the seed= of a Reset).
        || !super::url_params::kept_in_address(key)
}
