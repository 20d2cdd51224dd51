//! Swapping the run on screen: a Reset and its Undo, a Load, a found
//! failure, a tour's start and end.

use super::Session;
use crate::sim::decimal::{plain, seconds};
use crate::sim::disk::DiskConfig;
use crate::sim::find::FailureReport;
use crate::sim::Scenario;
use crate::view::playground::{parse_seed, with_page_limits, Fork, Playground, StoryAsk};
use crate::view::tour_player::TourPlayer;
use crate::view::url_params::UrlParams;
use crate::view::{permalink, scenario_json};

/// The load and disk the address gives fresh runs (`load=`, `disk=slow`),
/// which a Reset keeps.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FreshRun {
    pub(super) load: f64,
    pub(super) disk: DiskConfig,
}

impl FreshRun {
    /// The address's, if they made the run on screen (`made`); else none.
    pub(super) fn named_by(params: &UrlParams, made: bool) -> Self {
        match made {
            true => FreshRun {
                load: params.load,
                disk: params.disk,
            },
            false => FreshRun::default(),
        }
    }
}

/// What [`Input::Undo`](super::Input::Undo) brings back.
#[derive(Clone, Debug)]
pub(super) struct UndoTo {
    run: Playground,
    tour: Option<TourPlayer>,
    after_reset: bool,
    opened: Option<String>,
    /// The address the page had (after its path), if it was told.
    pub(super) address: Option<String>,
    /// A tour chosen from the menu replaced it: a second choice straight
    /// after (a second arrow key on the menu) keeps offering this run.
    pub(super) by_tour_choice: bool,
    /// The load and disk a Reset of it would keep.
    fresh: FreshRun,
}

impl Session {
    /// Swaps in a new run (a reset, a loaded scenario, a tour), keeping the
    /// person's speed, and their pause state unless a tour sets its own.
    pub(super) fn replace_run(
        &mut self,
        mut fresh: Playground,
        tour: Option<TourPlayer>,
    ) -> Playground {
        fresh.speed = self.playground.speed;
        if tour.is_none() {
            // Paused if the person was, or if the run opens at a moment.
            fresh.paused |= self.playground.paused;
        }
        self.drafts.seed = fresh.scenario.seed.to_string();
        self.drafts.nodes = fresh.scenario.nodes.to_string();
        self.drafts.error = None;
        // Keys' values not yet made were for the run replaced (a host
        // page's load, a found failure); a command made them before.
        self.drafts.network_keyed.clear();
        self.tour = tour;
        self.after_reset = false;
        self.opened = None;
        // A Reset's news and its Undo belong to the run it started: any
        // run that replaces it (a found failure, a host page's load) ends
        // them; `reset` sets them again after this.
        self.told = None;
        self.undo_to = None;
        self.address_back = None;
        // A run not made from the address's settings (a tour, a link, a
        // file): the address no longer names them, and a Reset from it
        // does not bring them back (it did, a page tester saw); `reset`
        // keeps them.
        self.fresh = FreshRun::default();
        std::mem::replace(&mut self.playground, fresh)
    }

    pub(super) fn reset(&mut self) {
        let seed = parse_seed(&self.drafts.seed);
        let nodes = self.drafts.nodes.trim().parse::<u64>();
        let result = match (seed, nodes) {
            (Ok(seed), Ok(nodes)) => {
                Playground::with_disk(seed, nodes, self.fresh.load, self.fresh.disk)
            }
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
                let kept = self.fresh;
                let run = self.replace_run(fresh, None);
                self.fresh = kept;
                self.what_if.stop_for_new_run();
                self.drafts.side.clear();
                self.after_reset = true;
                let scenario = &self.playground.scenario;
                let load = match self.fresh.load > 0.0 {
                    true => format!(", a client at {} requests/s", plain(self.fresh.load)),
                    false => String::new(),
                };
                let disk = match self.fresh.disk.is_synchronous() {
                    true => "",
                    false => ", slow disks",
                };
                self.told = Some(format!(
                    "A new run: seed {}, {} servers{load}{disk}.",
                    scenario.seed, scenario.nodes
                ));
                self.undo_to = Some(Box::new(UndoTo {
                    run,
                    tour,
                    after_reset,
                    opened,
                    address: self.address_seen.clone(),
                    by_tour_choice: false,
                    fresh: kept,
                }));
            }
            Err(e) => self.drafts.error = Some(e),
        }
    }

    /// The run on screen as Undo would bring it back.
    pub(super) fn undo_point(&self) -> Box<UndoTo> {
        Box::new(UndoTo {
            run: self.playground.clone(),
            tour: self.tour.clone(),
            after_reset: self.after_reset,
            opened: self.opened.clone(),
            address: self.address_seen.clone(),
            by_tour_choice: false,
            fresh: self.fresh,
        })
    }

    /// An action in the past forked the run: the notice says what went,
    /// and offers it back.
    pub(super) fn told_of_fork(&mut self, fork: Fork, before: Box<UndoTo>) {
        let actions = match fork.actions {
            0 => String::new(),
            1 => ", and the action in it".into(),
            n => format!(", and the {n} actions in it"),
        };
        self.told = Some(format!(
            "Acting at {} s discarded the run after it, to {} s{actions}.",
            seconds(fork.at, 3),
            seconds(fork.until, 3)
        ));
        self.undo_to = Some(before);
    }

    /// Whether the notice line offers to undo a Reset or a fork.
    pub fn can_undo(&self) -> bool {
        self.undo_to.is_some()
    }

    /// The run the last Reset replaced, or the last fork cut short, back
    /// as it was: its moment, its history, its tour and its address.
    pub(super) fn undo(&mut self) {
        if let Some(before) = self.undo_to.take() {
            let UndoTo {
                run,
                tour,
                after_reset,
                opened,
                address,
                by_tour_choice: _,
                fresh,
            } = *before;
            self.fresh = fresh;
            self.drafts.seed = run.scenario.seed.to_string();
            self.drafts.nodes = run.scenario.nodes.to_string();
            self.what_if.stop_for_new_run();
            self.playground = run;
            self.tour = tour;
            self.after_reset = after_reset;
            self.opened = opened;
            self.address_back = address;
        }
    }

    /// A Load of pasted text or a file.
    pub(super) fn import(&mut self, loaded: Result<Scenario, String>) {
        self.import_failed = !self.load(loaded, false, false);
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

    /// Opens `loaded` in place of the run on screen, at its shared moment
    /// or from its start; or keeps the run and says why not. Whether it
    /// opened. `at_open`: the page has just opened, with nothing done yet,
    /// so the run kept is not one the person had.
    pub(super) fn load(
        &mut self,
        loaded: Result<Scenario, String>,
        from_start: bool,
        at_open: bool,
    ) -> bool {
        match loaded.and_then(|s| Playground::open_shared(s, from_start)) {
            Ok(fresh) => {
                // What a search finds would replace the run opened now
                // (it did, ten seconds after a pasted link opened, a page
                // tester saw): stopped, as Reset and Undo stop it.
                self.what_if.stop_for_new_run();
                self.replace_run(fresh, None);
                self.drafts.import.clear();
                self.opened = Some(permalink::encode(&self.playground.export()));
                true
            }
            Err(e) => {
                let e = with_page_limits(e);
                let kept = match at_open {
                    true => opened_instead(&self.playground.scenario),
                    false => "your current run is unchanged".into(),
                };
                self.drafts.error = Some(format!("{e} ({kept})"));
                false
            }
        }
    }

    /// Opens a found failure paused at its violation, told by `report`; or
    /// keeps the run on screen and says why it cannot.
    pub(super) fn load_failure(&mut self, mut scenario: Scenario, report: FailureReport) {
        scenario.cursor = Some(report.violation.t);
        scenario.cursor_events = None;
        match Playground::open_found(scenario) {
            Ok(mut fresh) => {
                fresh.failure = Some(report);
                fresh.story = StoryAsk::NotNeeded;
                let left = self.moved_run_link();
                self.replace_run(fresh, None);
                self.address_left = left;
                self.opened = Some(permalink::encode(&self.playground.export()));
                self.failures_opened += 1;
            }
            Err(e) => self
                .what_if
                .failed(format!("the failure found cannot be shown: {e}")),
        }
    }

    pub(super) fn start_tour(&mut self, id: &str, step: usize) -> bool {
        match TourPlayer::start(id, step) {
            Ok((player, fresh)) => {
                self.what_if.stop_for_tour();
                self.replace_run(fresh, Some(player));
                true
            }
            Err(e) => {
                self.drafts.error = Some(e);
                false
            }
        }
    }

    /// A tour chosen from the menu replaces the run on screen: the notice
    /// says so and offers it back, as a Reset does (a page tester lost a
    /// run to one arrow key on the menu, which Chromium takes as a choice).
    pub(super) fn choose_tour(&mut self, id: &str, step: usize) {
        // Two choices in a row (two arrow keys on the menu): Undo goes back
        // to the run before the first (it went back only to the first
        // tour, a page tester saw).
        let before = match self.undo_to.take() {
            Some(earlier) if earlier.by_tour_choice => earlier,
            _ => self.undo_point(),
        };
        // The entry the tour's own leaves names the run before (a tour
        // chosen just before is a step, whose address brings it back).
        let left = self.moved_run_link();
        if self.start_tour(id, step) {
            self.address_left = left;
            let title = self.tour.as_ref().map_or("", |t| t.tour.title);
            self.told = Some(format!("Opened the tour \u{201c}{title}\u{201d}."));
            self.undo_to = Some(Box::new(UndoTo {
                by_tour_choice: true,
                ..*before
            }));
        } else if before.by_tour_choice {
            self.undo_to = Some(before); // nothing changed: still offered
        }
    }

    /// The tour's run stays on screen, and the address carries it as a
    /// link: a reload opens what the person was looking at, not the
    /// default seed (the address used to fall back to the bare page).
    pub(super) fn end_tour(&mut self) {
        if self.tour.take().is_some() {
            self.opened = Some(permalink::encode(&self.playground.export()));
        }
        self.playground.pause_at = None;
    }
}

/// What a link that failed at open says of the run the page opened in its
/// place (`#s=` in `Session::load`, `#r=` and `#z=` in `starting_run`).
pub(super) fn opened_instead(scenario: &Scenario) -> String {
    format!(
        "the page opened seed {} with {} servers instead",
        scenario.seed, scenario.nodes
    )
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
