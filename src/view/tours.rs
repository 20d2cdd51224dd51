//! The built-in guided tours: each is a scenario (`docs/tours/<id>.json`, the
//! versioned scenario format) and a few narrated steps. The playground loads
//! the scenario, shows step 0 at time 0, paused, and on "Next" plays to the
//! next step's time and pauses there; each step's text tells what is on
//! screen at that moment and what happened since the previous step.
//!
//! The page embeds each scenario as link bytes (`docs/tours/<id>.link`,
//! `sim::link`, the format of `#r=` links) rather than the JSON text: they
//! are a fraction of its size, and a tour needs no JSON parsing in the page.
//! The JSON file stays the readable source; the `.link` beside it is
//! generated from it, and tests/tours/ fails when it is stale
//! (`REWRITE=1 cargo test --test tours tour_links` rewrites it).
//!
//! A tour may turn to a second run part-way (its `sequel`): the same
//! actions replayed with one thing changed, as "The single-server change
//! bug" plays a run with a rule switched off and then the same actions
//! with it on. Its steps' times count from the start of the run they are
//! told over.
//!
//! Every factual claim of a step is checked against the simulation in
//! tests/tours/, so a change to the core or the simulator that changes a
//! story fails a test instead of leaving a wrong narration.

mod deaf_leader;
mod figure_8;
mod growing_the_cluster;
mod leader_crash;
mod leader_election;
mod leadership_transfer;
mod log_replication;
mod minority_leader;
mod node_returns;
mod reads_without_the_log;
mod removing_the_leader;
mod restart_catch_up;
mod single_server_change_bug;
mod snapshot_catch_up;
mod split_vote;

use crate::sim::{link, Scenario};

/// The bytes of `docs/tours/<$file>.link`, generated from
/// `docs/tours/<$file>.json` (see [`Tour::scenario_file`]).
macro_rules! link {
    ($file:literal) => {
        include_bytes!(concat!("../../docs/tours/", $file, ".link"))
    };
}

/// One stop of a tour: the simulated time to pause at, and what to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Simulated milliseconds since the start of the scenario.
    pub at_ms: u64,
    /// What to say: what is on screen at that moment and what happened since
    /// the previous step.
    pub text: &'static str,
}

/// A guided tour: a scenario and its narrated steps, in time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tour {
    /// The tour's name, as in `?tour=` (and ``docs/tours/<id>.json``).
    pub id: &'static str,
    /// Its title, for the tour menu and the tour panel.
    pub title: &'static str,
    /// One line on what it shows, for the menu's tooltip.
    pub summary: &'static str,
    /// The scenario as link bytes (`sim::link`): `docs/tours/<id>.link`,
    /// generated from `docs/tours/<id>.json` (docs/scenario-format.md).
    pub scenario_link: &'static [u8],
    /// The narrated steps: in time order within each run.
    pub steps: &'static [Step],
    /// The second run the tour turns to, if it has one.
    pub sequel: Option<Sequel>,
}

/// The second run of a tour: from step `from_step` on, the steps are told
/// over this scenario, from its own time 0 (the page loads it when the
/// person reaches that step, and the first run again on the way back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequel {
    /// The first step told over this run; it is at time 0.
    pub from_step: usize,
    /// Its name: its scenario is ``docs/tours/<id>-<name>.json`` (see
    /// [`Tour::scenario_file`]).
    pub name: &'static str,
    /// Its scenario, as link bytes (`sim::link`) generated from that file.
    pub scenario_link: &'static [u8],
}

impl Tour {
    /// The tour's (first) scenario. Every built-in scenario is decoded by a
    /// test, so this cannot fail.
    pub fn scenario(&self) -> Scenario {
        self.scenario_of(0)
    }

    /// How many runs the tour is told over: 1, or 2 with a sequel.
    pub fn runs(&self) -> usize {
        1 + self.sequel.is_some() as usize
    }

    /// The run step `step` is told over: 0 for the tour's scenario, 1 for
    /// its sequel's.
    pub fn run_of(&self, step: usize) -> usize {
        match self.sequel {
            Some(sequel) if step >= sequel.from_step => 1,
            _ => 0,
        }
    }

    /// The scenario of run `run` (see [`Tour::run_of`]).
    pub fn scenario_of(&self, run: usize) -> Scenario {
        link::from_bytes(self.scenario_link_of(run))
            .unwrap_or_else(|e| panic!("built-in tour {} does not decode: {e}", self.id))
    }

    /// The link bytes of run `run`'s scenario, as the build embeds them.
    pub fn scenario_link_of(&self, run: usize) -> &'static [u8] {
        match (run, self.sequel) {
            (0, _) | (_, None) => self.scenario_link,
            (_, Some(sequel)) => sequel.scenario_link,
        }
    }

    /// The name, without extension, of run `run`'s scenario files in
    /// docs/tours/: `<id>` for the tour's own, `<id>-<name>` for its
    /// sequel's. The `.json` is the source, the `.link` the bytes
    /// `link!` embeds; tests/tours/ checks that they agree, that these
    /// are the files embedded, and that docs/tours/ holds no others.
    pub fn scenario_file(&self, run: usize) -> String {
        match (run, self.sequel) {
            (0, _) | (_, None) => self.id.to_string(),
            (_, Some(sequel)) => format!("{}-{}", self.id, sequel.name),
        }
    }
}

/// The tours, from the basics (§5.2 elections, §5.3 replication) to the
/// subtle commit rule of §5.4.2, membership changes (thesis chapter 4) and
/// log compaction (chapter 5).
pub static TOURS: [Tour; 15] = [
    Tour {
        id: "leader-election",
        title: "Leader election",
        summary: "Followers time out, one becomes a candidate, wins a majority of votes and \
                  leads with heartbeats; terms number the elections (§5.2).",
        scenario_link: link!("leader-election"),
        steps: leader_election::STEPS,
        sequel: None,
    },
    Tour {
        id: "log-replication",
        title: "Log replication",
        summary: "Client writes become log entries on the leader, are copied by AppendEntries, \
                  committed on a majority and applied everywhere in the same order (§5.3).",
        scenario_link: link!("log-replication"),
        steps: log_replication::STEPS,
        sequel: None,
    },
    Tour {
        id: "leader-crash",
        title: "Leader crash",
        summary: "The leader crashes; the others elect a new leader in a higher term, and the \
                  old leader restarts as a follower and catches up (§5.2, §5.3).",
        scenario_link: link!("leader-crash"),
        steps: leader_crash::STEPS,
        sequel: None,
    },
    Tour {
        id: "split-vote",
        title: "Split vote",
        summary: "Election timers fire together, the candidates split the votes and nobody wins \
                  the term; randomized timeouts settle it in the next term (§5.2).",
        scenario_link: link!("split-vote"),
        steps: split_vote::STEPS,
        sequel: None,
    },
    Tour {
        id: "minority-leader",
        title: "Leader on the minority side",
        summary: "A partition strands the leader with a minority: its new entry cannot commit, \
                  the majority elects a new leader, and after healing the old entry is \
                  replaced (§5.3, §5.4).",
        scenario_link: link!("minority-leader"),
        steps: minority_leader::STEPS,
        sequel: None,
    },
    Tour {
        id: "restart-catch-up",
        title: "Restart and catch up",
        summary: "A follower stops while the others commit entries; it restarts with its saved \
                  log and the leader backs up nextIndex to bring it up to date (§5.3).",
        scenario_link: link!("restart-catch-up"),
        steps: restart_catch_up::STEPS,
        sequel: None,
    },
    Tour {
        id: "figure-8",
        title: "Figure 8: old entries",
        summary: "Why a leader commits only entries of its own term by counting replicas: an \
                  older entry stored on a majority can still be overwritten (§5.4.2).",
        scenario_link: link!("figure-8"),
        steps: figure_8::STEPS,
        sequel: None,
    },
    Tour {
        id: "node-returns",
        title: "A node comes back from a partition",
        summary: "A server cut off raises its term alone and, back, deposes a healthy leader; \
                  with PreVote it asks first, keeps its term and rejoins quietly (thesis §9.6).",
        scenario_link: link!("node-returns"),
        steps: node_returns::STEPS,
        sequel: None,
    },
    Tour {
        id: "deaf-leader",
        title: "A leader that can talk but not listen",
        summary: "A leader that hears nothing still sends heartbeats and stalls the cluster; \
                  with CheckQuorum it steps down, and leader stickiness keeps the deaf server \
                  from deposing its successor (thesis §6.2, §4.2.3).",
        scenario_link: link!("deaf-leader"),
        steps: deaf_leader::STEPS,
        sequel: None,
    },
    Tour {
        id: "leadership-transfer",
        title: "Handing over leadership",
        summary: "The leader stops taking requests, brings the chosen successor up to date and \
                  tells it to stand at once with TimeoutNow; it wins, and no write is lost \
                  (thesis §3.10).",
        scenario_link: link!("leadership-transfer"),
        steps: leadership_transfer::STEPS,
        sequel: None,
    },
    Tour {
        id: "reads-without-the-log",
        title: "Reads without the log",
        summary: "ReadIndex confirms leadership with a heartbeat round instead of a log entry; a \
                  lease skips even that, and a clock that drifts past its bound makes it \
                  answer a stale read (thesis §6.4).",
        scenario_link: link!("reads-without-the-log"),
        steps: reads_without_the_log::STEPS,
        sequel: None,
    },
    Tour {
        id: "growing-the-cluster",
        title: "Growing the cluster",
        summary: "A new server joins as a learner, catches up without a vote, is promoted once \
                  it keeps up, and then counts: it even wins the next election (thesis §4.2).",
        scenario_link: link!("growing-the-cluster"),
        steps: growing_the_cluster::STEPS,
        sequel: None,
    },
    Tour {
        id: "removing-the-leader",
        title: "Removing the leader",
        summary: "The leader removes itself: it leads a cluster it is not in until the change \
                  commits, then steps down, and the rest elect a leader among themselves \
                  (thesis §4.2.2).",
        scenario_link: link!("removing-the-leader"),
        steps: removing_the_leader::STEPS,
        sequel: None,
    },
    Tour {
        id: "single-server-change-bug",
        title: "The single-server change bug",
        summary: "Without the rule that a new leader commits an entry of its term before it \
                  changes the membership, two leaders' one-server changes form majorities that do \
                  not overlap, and a committed entry is lost; with the rule, the same actions stay \
                  safe (thesis §4.1; the rule is Ongaro's 2015 fix, posted to raft-dev).",
        scenario_link: link!("single-server-change-bug"),
        steps: single_server_change_bug::STEPS,
        sequel: Some(Sequel {
            from_step: single_server_change_bug::WITH_THE_RULE,
            name: "with-the-rule",
            scenario_link: link!("single-server-change-bug-with-the-rule"),
        }),
    },
    Tour {
        id: "snapshot-catch-up",
        title: "A follower too far behind gets a snapshot",
        summary: "Servers snapshot their state and discard their logs; a follower that missed \
                  the discarded entries gets the leader's snapshot instead, in chunks, one at a \
                  time, installs it and goes on from there (§7, thesis chapter 5).",
        scenario_link: link!("snapshot-catch-up"),
        steps: snapshot_catch_up::STEPS,
        sequel: None,
    },
];

/// The tour with this id, if there is one.
pub fn find(id: &str) -> Option<&'static Tour> {
    TOURS.iter().find(|t| t.id == id)
}
