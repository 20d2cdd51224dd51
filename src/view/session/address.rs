//! The address bar: the run a page opens with, what the bar should say
//! so that a reload opens what is shown, and a tour's steps as entries in
//! the browser's history.

use super::runs::{opened_instead, FreshRun, UndoTo};
use super::Session;
use crate::sim::decimal::plain;
use crate::view::embed::EmbedCode;
use crate::view::playground::Playground;
use crate::view::tour_player::TourPlayer;
use crate::view::url_params::{self, UrlParams};
use crate::view::{embed, permalink, scenario_json};

/// The run a page opens with, its tour if it opens one, and whether the
/// address's own run settings (seed, nodes, load, disk) made it, rather
/// than a tour or a link; what cannot be had goes into `problems`.
pub(super) fn starting_run(
    params: &UrlParams,
    fragment: &str,
    problems: &mut Vec<String>,
) -> (Playground, Option<TourPlayer>, bool) {
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
                if !matches!(permalink::decode(fragment), Ok(None)) {
                    problems.push(format!(
                        "the link after # is not opened: the tour '{id}' opens instead (remove tour= to open the link)"
                    ));
                }
                if let Some(named) = run_settings_named(params) {
                    problems.push(format!(
                        "ignored {named}: the tour '{id}' runs its own cluster (remove tour= to open it)"
                    ));
                }
                return (p, Some(player), false);
            }
            Err(e) => problems.push(e),
        }
    }
    let fresh = || {
        Playground::with_disk(params.seed, params.nodes, params.load, params.disk)
            .unwrap_or_else(|_| Playground::new(1, 5).expect("the default cluster is valid"))
    };
    // A JSON link (`#s=`) opens once the page's JSON reader is there.
    if scenario_json::is_json(fragment) {
        return (fresh(), None, true);
    }
    let shared = permalink::decode(fragment).and_then(|scenario| {
        scenario
            .map(|s| {
                Playground::open_shared(s, params.from_start)
                    .map_err(|e| format!("the link's scenario cannot be used: {e}"))
            })
            .transpose()
    });
    match shared {
        Ok(Some(p)) => {
            if let Some(named) = run_settings_named(params) {
                problems.push(link_ignores(&named));
            }
            (p, None, false)
        }
        Ok(None) => {
            // A fragment with a key, but none of a link's (`#foo=bar`,
            // `#R=...`): said, as a query's unknown key is (it passed
            // unsaid).
            let fragment = fragment.trim_start_matches('#');
            if fragment.contains('=') {
                problems.push(format!(
                    "ignored #{}: a link's run follows #r= (or the older #z= and #s=)",
                    url_params::shown(fragment)
                ));
            }
            (fresh(), None, true)
        }
        Err(e) => {
            // Said as a broken `#s=` link is (`Session::load`): what
            // opened instead (a page tester saw the two differ).
            let instead = fresh();
            problems.push(format!("{e} ({})", opened_instead(&instead.scenario)));
            (instead, None, true)
        }
    }
}

/// `page` (an address with its query) without what names the run on
/// screen: a shared link carries its run after `#`, and a `seed=` or
/// `tour=` beside it was said to be ignored, or opened the tour instead (a
/// page tester).
pub(super) fn without_run_settings(page: &str) -> String {
    let Some((path, query)) = page.split_once('?') else {
        return page.to_string();
    };
    let kept: Vec<&str> = page_settings(query).collect();
    match kept.is_empty() {
        true => path.to_string(),
        false => format!("{path}?{}", kept.join("&")),
    }
}

/// An entry's address holding `link`, with the page's own settings of
/// `search` (a run's `seed=` and the like go: the link holds its run).
fn entry_holding(search: &str, link: &str) -> String {
    format!("{}#{link}", without_run_settings(search))
}

/// What an address's run settings beside a link are told.
pub(super) fn link_ignores(named: &str) -> String {
    format!("ignored {named}: the link after # holds its own run (remove the link to open it)")
}

/// The run an address names beside a tour or a link (`seed=`, `nodes=`,
/// `load=`, `disk=`), which the tour or link replaces: said, as
/// `seed=7, nodes=9`, since it used to be dropped unsaid. A setting
/// written at its default is not told from one left out, and changes
/// nothing the person would miss.
pub(super) fn run_settings_named(params: &UrlParams) -> Option<String> {
    let default = UrlParams::default();
    let mut named = Vec::new();
    if params.seed != default.seed {
        named.push(format!("seed={}", params.seed));
    }
    if params.nodes != default.nodes {
        named.push(format!("nodes={}", params.nodes));
    }
    if params.load != default.load {
        named.push(format!("load={}", plain(params.load)));
    }
    if params.disk != default.disk {
        named.push("disk=slow".to_string());
    }
    (!named.is_empty()).then(|| named.join(", "))
}

impl Session {
    /// The address the bar should show after the path, if it should
    /// change, so that copying or reloading it opens what is shown: the
    /// tour step while a tour is open; after a Reset, the run's `seed=`
    /// and `nodes=`; after opening a scenario, its link (`#r=`). Either
    /// way the page's own settings stay as written (`embed=`, `origin=`,
    /// `view=`, `paused=`), and what named the run before goes (its seed
    /// and size, load, disk, tour, a link's fragment). An address
    /// otherwise is not ours to rewrite unless a tour just ended.
    pub fn address_query(&self, search: &str, hash: &str) -> Option<String> {
        // An Undo puts back the address its run had, exactly.
        if let Some(back) = &self.address_back {
            return (*back != format!("{search}{hash}")).then(|| back.clone());
        }
        // A `tour=` key, not the letters anywhere (`?ref=tour=abc`, or
        // `?detour=1`, lost the seed beside them, a page tester saw).
        let names_a_tour = search
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair.starts_with("tour="));
        let ours = self.tour.is_some()
            || self.after_reset
            || self.opened.is_some()
            || (names_a_tour && !self.address_tour_refused);
        if !ours {
            return None;
        }
        // The page's own settings stay as written: embed=, origin= (a
        // wrong one must go on refusing hosts after a reload), view=,
        // paused=, autoplay=.
        let mut wanted: Vec<String> = page_settings(search).map(str::to_string).collect();
        match &self.tour {
            Some(player) => wanted.push(player.query()),
            None if self.after_reset => {
                let scenario = &self.playground.scenario;
                wanted.push(format!("seed={}&nodes={}", scenario.seed, scenario.nodes));
                if self.fresh.load > 0.0 {
                    wanted.push(format!("load={}", plain(self.fresh.load)));
                }
                if !self.fresh.disk.is_synchronous() {
                    wanted.push("disk=slow".into());
                }
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

    /// The address to write into the history entry being left, before a
    /// new one is added: the page's settings in `search` (the entry's
    /// query now) and the left run's link. Taken once.
    pub fn take_address_left(&mut self, search: &str) -> Option<String> {
        let link = self.address_left.take()?;
        Some(entry_holding(search, &link))
    }

    /// The address that brings back the run on screen, when the one in
    /// `search` would not: for the entry the page leaves when it adds one
    /// of its own view.
    pub fn address_of_moved_run(&self, search: &str) -> Option<String> {
        let link = self.moved_run_link()?;
        Some(entry_holding(search, &link))
    }

    /// The link of the run on screen, when the address that made it would
    /// not bring it back (time moved, or the person acted) and no tour
    /// holds it (a step's address brings its run back).
    pub(super) fn moved_run_link(&self) -> Option<String> {
        let run = &self.playground;
        let moved = run.sim.now() > 0 || !run.scenario.actions.is_empty();
        (moved && self.tour.is_none()).then(|| permalink::encode(&run.export()))
    }

    /// The page's address after its path (`?seed=5#r=...`), as it is
    /// now: an Undo takes the run back to it.
    pub fn saw_address(&mut self, search: &str, hash: &str) {
        let seen = format!("{search}{hash}");
        // An Undo's address, once back, is put back no more: the tour's
        // steps and the views write theirs again (a review saw a tour's
        // Next leave the address on the step before).
        if self.address_back.as_deref() == Some(seen.as_str()) {
            self.address_back = None;
        }
        // Once the address holds another fragment, a hashchange to the
        // followed link is a link typed in again: opened.
        if self.link_followed.as_deref() != Some(hash) {
            self.link_followed = None;
        }
        self.address_seen = Some(seen);
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
    pub fn embed_snippet(&self, page: &str) -> EmbedCode {
        match &self.tour {
            Some(player) if !player.diverged(&self.playground) => EmbedCode {
                html: embed::snippet(page, &player.query(), "", player.tour.title),
                embeds: format!(
                    "step {} of the tour \u{201c}{}\u{201d}",
                    player.step + 1,
                    player.tour.title
                ),
            },
            _ => {
                let fragment = permalink::encode(&self.playground.export());
                EmbedCode {
                    html: embed::snippet(page, "", &fragment, "Raft Playground"),
                    embeds: "the run".into(),
                }
            }
        }
    }

    /// The tour's step before: through the browser's history where that
    /// step is its entry before, else at once.
    pub(super) fn tour_back(&mut self) {
        if self.steps_in_history > 0 {
            self.steps_in_history -= 1;
            self.backs_pending += 1;
            self.back_in_history = true;
        } else if self.backs_pending > 0 {
            // The Back asked for is on its way: this one waits for it.
        } else if let Some(tour) = &mut self.tour {
            tour.back(&mut self.playground);
        }
    }

    /// The page pushed an entry of its own (the Experiments view, or back
    /// to the player): the tour's steps are no longer just behind it.
    pub fn history_pushed(&mut self) {
        self.steps_in_history = 0;
        self.backs_pending = 0;
    }

    /// Follows the browser's Back or Forward (and the player's return from
    /// the Experiments view): to the step of the tour on screen that the
    /// address names, as Back and Next would; to another tour's step, that
    /// tour; from a tour to an entry of none, the run a reload of it would
    /// open. With no tour on screen and none named, the address is left as
    /// the browser has it (a link typed in opens by its hashchange).
    pub(super) fn follow_address(&mut self, search: &str, hash: &str) {
        // What the address named before the move, and the address now
        // (`saw_address` came only after some moves: Back from the
        // Experiments view compared a second Back with a stale one, a
        // review saw).
        let before = self.address_seen.clone().unwrap_or_default();
        self.saw_address(search, hash);
        let (params, _) = UrlParams::parse(search);
        let same_tour =
            matches!((&self.tour, &params.tour), (Some(t), Some(id)) if t.tour.id == id);
        let Some(tour) = self
            .tour
            .as_mut()
            .filter(|_| same_tour || params.tour.is_none())
        else {
            // Back to a step of a tour not on screen (one ended, or left
            // for another from the menu): that tour at that step (Back did
            // nothing, or wrote this tour's step over the entry).
            if let Some(id) = params.tour {
                self.start_tour(&id, params.step);
            } else {
                // An entry of no tour, with none on screen: the address is
                // the browser's now (a link typed in, which its hashchange
                // opens); writing the run's own over it put the old link
                // back, a page tester saw.
                self.opened = None;
                self.after_reset = false;
                let moved_to = format!("{search}{hash}");
                let another_run = !names_the_same_run(&before, &moved_to);
                if another_run && !permalink::names_a_link(hash) {
                    // Back from a link to an entry that names another run
                    // and no link (the linked run stayed, under an address
                    // that named another, a page tester saw).
                    self.open_entry_run(&params, hash, before);
                } else if another_run && !scenario_json::is_json(hash) {
                    // To an entry of another link. Its hashchange opened
                    // it, but Chromium fires none when the query moved
                    // too: Forward from `?seed=1` to a found failure's
                    // `#r=` named the failure and showed seed 1 (a page
                    // tester). Opened here; the hashchange, if one comes,
                    // finds it open. With Undo for the run it replaces,
                    // as an entry of no link gives (Back from a found
                    // failure to the person's run, kept as a link, left
                    // none: a page tester).
                    let mut undo = self.undo_point();
                    undo.address = Some(before);
                    if self.open_link(hash, false) {
                        self.say_entry_run_opened(undo);
                    }
                    self.link_followed = Some(hash.to_string());
                } else if another_run {
                    // A JSON link needs the studio's reader: the page
                    // opens it as a hashchange would (a review). Opened
                    // twice where a hashchange comes too, the same run.
                    self.link_to_open = Some(hash.to_string());
                }
            }
            return;
        };
        if params.tour.is_none() {
            // An entry of no tour (the tour ended there, or a Reset
            // replaced it). Writing the tour's step over it instead lost
            // that entry (a review).
            return self.open_entry_run(&params, hash, before);
        }
        if params.step == tour.step {
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

    /// Back or Forward to an entry that names another run: the run a
    /// reload of it would open, with Undo for the one it replaces (a
    /// found failure, or an hour's run, went with no way back, a review
    /// saw).
    fn open_entry_run(&mut self, params: &UrlParams, hash: &str, address_before: String) {
        let mut before = self.undo_point();
        // Undo puts back the address the run had before the move.
        before.address = Some(address_before);
        let mut problems = Vec::new();
        let (run, _, made) = starting_run(params, hash, &mut problems);
        self.what_if.stop_for_new_run();
        self.replace_run(run, None);
        self.fresh = FreshRun::named_by(params, made);
        self.say_entry_run_opened(before);
    }

    /// Says that a history entry's run opened, with Undo to `before`.
    fn say_entry_run_opened(&mut self, before: Box<UndoTo>) {
        let scenario = &self.playground.scenario;
        self.told = Some(format!(
            "This page of the browser's history names another run, which opened: seed {}, {} servers.",
            scenario.seed, scenario.nodes
        ));
        self.undo_to = Some(before);
    }
}

/// Whether two addresses (`?seed=3&view=experiments#r=...`) name the same
/// run: the same run settings as the page reads them (`?seed=3` is
/// `?seed=3&nodes=5`, the default size; a review saw the two taken for
/// two runs), the same tour step, and the same link after `#`, if any.
/// The page's own settings (`view=`, `paused=`) do not count.
fn names_the_same_run(a: &str, b: &str) -> bool {
    let named = |address: &str| {
        let (query, fragment) = address.split_once('#').unwrap_or((address, ""));
        let (p, _) = UrlParams::parse(query);
        let link = permalink::names_a_link(fragment).then(|| fragment.to_string());
        (
            p.seed,
            p.nodes,
            p.load.to_bits(),
            p.disk,
            p.tour,
            p.step,
            link,
        )
    };
    named(a) == named(b)
}

/// The pairs of a query (with or without its `?`) that are the page's own
/// settings (`embed=`, `origin=`, `view=`, `paused=`, ...), not what names
/// the run on screen: what an address rewritten for a new run, or a shared
/// link, keeps.
fn page_settings(query: &str) -> impl Iterator<Item = &str> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !names_the_run(pair))
}

/// Whether a query's `pair` names the run on screen, which a tour or a
/// Reset sets anew: its seed and size, a tour and step, and the background
/// load and disk neither keeps.
pub(super) fn names_the_run(pair: &str) -> bool {
    let key = pair.split_once('=').map_or(pair, |(key, _)| key);
    matches!(key, "seed" | "nodes" | "load" | "disk" | "tour" | "step")
        // A key the page said it ignored goes too, or every reload would
        // say so again ("ignored Seed=7" beside the seed= of a Reset).
        || !url_params::kept_in_address(key)
}
