//! Tests of the session, beside it: the run a page opens with, what each
//! input decides, and what the host page and the address bar are told.

use super::*;
use crate::view::host_api::HostEvent;
use crate::view::keys::KeyCommand;
use crate::view::network_edits::NetworkEdit;

fn params(query: &str) -> UrlParams {
    UrlParams::parse(query).0
}

fn open(query: &str, fragment: &str) -> Session {
    Session::open(&params(query), &[], fragment, false)
}

/// A link to a run of `nodes` servers shared at 1.5 s.
fn shared_link(nodes: u64) -> String {
    let mut p = Playground::new(4, nodes).unwrap();
    p.skip(1_500);
    format!("#{}", permalink::encode(&p.export()))
}

mod opening {
    use super::*;

    #[test]
    fn a_bare_address_opens_a_fresh_cluster_playing() {
        let s = open("", "");
        assert_eq!(
            (s.playground.scenario.seed, s.playground.scenario.nodes),
            (1, 5)
        );
        assert!(!s.playground.paused);
        assert_eq!(s.drafts.seed, "1");
        assert_eq!(s.drafts.error, None);
    }

    #[test]
    fn paused_or_reduced_motion_opens_paused() {
        assert!(open("?paused=1", "").playground.paused);
        let s = Session::open(&params(""), &[], "", true);
        assert!(s.playground.paused, "prefers-reduced-motion");
    }

    #[test]
    fn the_query_sets_seed_nodes_and_load() {
        let s = open("?seed=7&nodes=9&load=10", "");
        assert_eq!(
            (s.playground.scenario.seed, s.playground.scenario.nodes),
            (7, 9)
        );
        assert_eq!(s.playground.scenario.workload.unwrap().rate, 10.0);
        assert_eq!(s.drafts.nodes, "9");
    }

    #[test]
    fn a_shared_link_opens_paused_where_it_was_shared() {
        let s = open("", &shared_link(3));
        assert_eq!(s.playground.sim.now(), 1_500 * crate::raft::MILLIS);
        assert!(s.playground.paused);
        assert_eq!(s.playground.scenario.nodes, 3);
        let from_start = open("?autoplay=1", &shared_link(3));
        assert_eq!(from_start.playground.sim.now(), 0);
    }

    /// A link opened after the page (an old `#s=` link held until the
    /// studio can read it, or a new fragment) keeps the address's
    /// `?autoplay=1` as the page's own link does; a pasted one opens at
    /// its moment.
    #[test]
    fn a_link_opened_later_keeps_the_addresss_autoplay() {
        for (query, at) in [("", 1_500 * crate::raft::MILLIS), ("?autoplay=1", 0)] {
            let mut s = open(query, "");
            s.update(Input::LinkOpened {
                fragment: shared_link(3),
            });
            assert_eq!(s.drafts.error, None);
            assert_eq!(s.playground.sim.now(), at, "{query}");
            assert_eq!(s.playground.paused, at > 0, "{query}");
            s.update(Input::ImportText(shared_link(3)));
            s.update(Input::Import);
            let moment = 1_500 * crate::raft::MILLIS;
            assert_eq!(s.playground.sim.now(), moment, "pasted, {query}");
        }
    }

    /// And says the link is not opened (a page tester's went unsaid); a
    /// JSON link (`#s=`) is left for the JSON reader only without a tour.
    #[test]
    fn a_tour_wins_over_a_link_and_opens_at_its_step() {
        let json = "#s=eyJ2ZXJzaW9uIjoxfQ";
        for link in [shared_link(3), json.to_string()] {
            let s = open("?tour=figure-8&step=2", &link);
            let tour = s.tour.as_ref().expect("the tour opened");
            assert_eq!((tour.tour.id, tour.step), ("figure-8", 1));
            let report = s.address_report().expect("the link is named");
            assert!(
                report.contains("the link after # is not opened"),
                "{report}"
            );
        }
        // The run the address names beside it is said to be ignored.
        let s = open("?tour=figure-8&seed=7&nodes=3&load=2.5", "");
        assert_eq!(
            s.address_report().as_deref(),
            Some(
                "ignored seed=7, nodes=3, load=2.5: the tour 'figure-8' runs its own cluster \
                 (remove tour= to open it)"
            )
        );
        assert!(crate::view::scenario_json::is_json(json));
        let s = open("?seed=7", json);
        assert_eq!((s.playground.scenario.seed, s.address_report()), (7, None));
        assert!(open("?tour=figure-8", "").address_report().is_none());
    }

    /// A link beside `?seed=` opens the link's run, and says the seed is
    /// ignored (it went unsaid); the defaults are not named.
    #[test]
    fn a_link_beside_a_seed_says_the_seed_is_ignored() {
        let s = open("?seed=9&disk=slow&paused=1", &shared_link(3));
        assert_eq!(s.playground.scenario.nodes, 3);
        assert_eq!(
            s.address_report().as_deref(),
            Some(
                "ignored seed=9, disk=slow: the link after # holds its own run (remove the \
                 link to open it)"
            )
        );
        assert_eq!(
            open("?seed=1&nodes=5", &shared_link(3)).address_report(),
            None
        );
        // An old JSON link opens once the JSON reader is there: said then.
        let scenario = Playground::new(4, 3).unwrap().export();
        let json = crate::view::scenario_json::write(&scenario).unwrap();
        let link = format!("#s={}", crate::sim::link::base64url(json.as_bytes()));
        let mut s = open("?seed=9", &link);
        s.update(Input::LinkOpened { fragment: link });
        assert_eq!(s.playground.scenario.nodes, 3);
        assert_eq!(
            s.drafts.error.as_deref(),
            Some("ignored seed=9: the link after # holds its own run (remove the link to open it)")
        );
    }

    /// A fragment with a key but no link's is said to be ignored; an
    /// anchor-like one, or none, passes.
    #[test]
    fn a_fragment_that_is_no_link_is_said() {
        let s = open("?seed=3", "#foo=bar");
        assert_eq!(s.playground.scenario.seed, 3);
        assert_eq!(
            s.address_report().as_deref(),
            Some("ignored #foo=bar: a link's run follows #r= (or the older #z= and #s=)")
        );
        for quiet in ["", "#", "#top"] {
            assert_eq!(open("?seed=3", quiet).address_report(), None, "{quiet}");
        }
    }

    /// An old JSON link (`#s=`) that fails once the JSON reader is there
    /// names the run the page opened instead; once the person has done
    /// something, the run is theirs and stays.
    #[test]
    fn a_json_link_failing_at_open_names_the_run_opened_instead() {
        let broken = "#s=eyJ2ZXJzaW9uIjo5fQ";
        for (touched, kept) in [
            (false, "(the page opened seed 7 with 3 servers instead)"),
            (true, "(your current run is unchanged)"),
        ] {
            let mut s = open("?seed=7&nodes=3", broken);
            if touched {
                s.update(Input::Key(KeyCommand::TogglePause));
            }
            s.update(Input::LinkOpened {
                fragment: broken.into(),
            });
            let error = s.drafts.error.clone().expect("the link is refused");
            assert!(error.ends_with(kept), "{error}");
        }
        // A broken link put in the address while a tour shows leaves the
        // tour: no run "the page opened" (a review).
        let mut s = open("?tour=split-vote", "");
        s.update(Input::LinkOpened {
            fragment: broken.into(),
        });
        let error = s.drafts.error.clone().expect("the link is refused");
        assert!(
            error.ends_with("(your current run is unchanged)"),
            "{error}"
        );
    }

    /// A broken binary link at open says what opened instead, as a broken
    /// JSON link does (a page tester saw `#s=` say it and `#r=`, `#z=`
    /// not).
    #[test]
    fn a_broken_binary_link_at_open_names_the_run_opened_instead() {
        for broken in ["#r=AAAA", "#z=AAAA"] {
            let s = open("?seed=7&nodes=3", broken);
            assert_eq!(s.playground.scenario.seed, 7);
            let report = s.address_report().expect("the link is refused");
            assert!(
                report.ends_with("(the page opened seed 7 with 3 servers instead)"),
                "{broken}: {report}"
            );
        }
    }

    /// A tour the address names wrongly is said, and the rest of the
    /// address opens and stays as written, to be corrected (it was
    /// rewritten to the bare page, so a reload lost seed, nodes and load).
    #[test]
    fn an_unknown_tour_leaves_the_address_as_written() {
        let search = "?tour=x&seed=3&nodes=7&load=5";
        let s = open(search, "");
        assert_eq!(
            (s.playground.scenario.seed, s.playground.scenario.nodes),
            (3, 7)
        );
        assert!(s.address_report().unwrap().contains("there is no tour 'x'"));
        assert_eq!(s.address_query(search, ""), None);
        // A tour chosen then is the page's to write.
        let mut s = open(search, "");
        s.update(Input::TourChoose("split-vote".into()));
        let query = s.address_query(search, "").expect("the tour's address");
        assert!(query.contains("tour=split-vote"), "{query}");
    }

    #[test]
    fn a_step_past_a_tours_end_opens_its_last_and_says_so() {
        let s = open("?tour=figure-8&step=999", "");
        let tour = s.tour.as_ref().expect("the tour opened");
        let last = tour.tour.steps.len();
        assert_eq!(tour.step, last - 1);
        let error = s.drafts.error.expect("the step is named");
        assert!(
            error.contains(&format!(
                "step=999 is past the end: the tour 'figure-8' has {last} steps"
            )),
            "{error}"
        );
        assert!(open("?tour=figure-8&step=2", "").drafts.error.is_none());
    }

    /// The Experiments view has no notice line: the address's report is
    /// its own accessor, and a command's answer is not one.
    #[test]
    fn the_address_report_is_what_the_address_asked_and_no_answer() {
        let s = Session::open(
            &params("?view=experiments"),
            &["seed=abc is not a whole number".to_string()],
            "",
            false,
        );
        let report = s.address_report().expect("the address asked for a seed");
        assert!(report.contains("seed=abc"), "{report}");
        assert_eq!(open("?view=experiments", "").address_report(), None);
        let mut s = open("?seed=7", "");
        s.update(Input::Act(Action::TransferLeadership(9)));
        assert!(s.notice_text().is_some(), "the refusal answers the command");
        assert_eq!(s.address_report(), None, "an answer, not the address's");
    }

    /// A wrong `origin=` leaves the page obeying no host for as long as
    /// it is open: the notice line says so after the address's report
    /// has gone with the first command (it went at a tour's first Next).
    #[test]
    fn a_wrong_origin_stays_said_after_the_first_command() {
        let query = "?embed=1&tour=split-vote&step=3&origin=htps://blog.example";
        let (p, problems) = UrlParams::parse(query);
        let mut s = Session::open(&p, &problems, "", false);
        let at_load = s.notice_text().expect("the address's report");
        assert!(
            at_load.contains("ignored origin=htps://blog.example"),
            "{at_load}"
        );
        s.update(Input::TourNext);
        let after = s.notice_text().expect("still said");
        assert!(after.starts_with("No host page is obeyed"), "{after}");
        // It answers no command: a phone's width does not pin it.
        assert!(!s.notice_answers_a_command());
        // A refusal answers its command first, then the line comes back.
        s.update(Input::Act(Action::TransferLeadership(9)));
        assert!(!s.notice_text().unwrap().starts_with("No host"));
        assert!(s.notice_answers_a_command(), "the refusal does");
        s.update(Input::Act(Action::Stop(2)));
        assert!(s.notice_text().unwrap().starts_with("No host"));
        // A page on its own obeys no host whatever the address says: the
        // address's report is enough.
        let (p, problems) = UrlParams::parse("?origin=htps://blog.example");
        let mut s = Session::open(&p, &problems, "", false);
        s.update(Input::Act(Action::Stop(2)));
        assert_eq!(s.notice_text(), None);
        // A right origin, or none, says nothing of the kind.
        for query in ["?embed=1&origin=https://blog.example", "?embed=1", ""] {
            let (p, problems) = UrlParams::parse(query);
            let mut s = Session::open(&p, &problems, "", false);
            s.update(Input::Act(Action::Stop(2)));
            assert_eq!(s.notice_text(), None, "{query}");
        }
    }

    #[test]
    fn what_cannot_be_had_is_said_and_a_fresh_cluster_opens() {
        let s = Session::open(
            &params("?tour=nope"),
            &["nodes=12 is not 3 to 9".to_string()],
            "#r=!!!",
            false,
        );
        assert!(s.tour.is_none());
        let error = s.drafts.error.unwrap();
        assert!(
            error.starts_with("nodes=12 is not 3 to 9; there is no tour 'nope'"),
            "{error}"
        );
        assert!(error.contains("link"), "{error}");
        assert_eq!(s.playground.scenario.nodes, 5);
    }

    #[test]
    fn a_run_too_big_for_the_page_is_refused_at_opening() {
        let mut p = Playground::new(1, 3).unwrap();
        p.scenario.duration = 2 * crate::view::playground::MAX_LOADED_DURATION;
        let s = open("", &format!("#{}", permalink::encode(&p.scenario)));
        let error = s.drafts.error.unwrap();
        assert!(
            error.starts_with("the link's scenario cannot be used"),
            "{error}"
        );
        assert_eq!(s.playground.sim.now(), 0);
    }
}

mod inputs {
    use super::*;

    fn playing() -> Session {
        let mut s = open("?paused=1", "");
        s.update(Input::Skip(1_000));
        s
    }

    #[test]
    fn a_bad_cut_says_what_a_cut_is_and_a_good_one_cuts() {
        let mut s = playing();
        s.update(Input::CutText("1-2".into()));
        s.update(Input::Cut);
        assert!(s.drafts.error.as_deref().unwrap().contains("FROM->TO"));
        assert!(s.playground.scenario.actions.is_empty());
        s.update(Input::CutText("1->2".into()));
        s.update(Input::Cut);
        assert_eq!(
            s.playground.scenario.actions.last().unwrap().1,
            Action::CutLink { from: 1, to: 2 }
        );
    }

    #[test]
    fn majority_minority_cuts_off_the_leader_with_the_largest_minority() {
        let mut s = playing();
        let leader = s.playground.sim.leader().unwrap();
        s.update(Input::MajorityMinority);
        let (_, action) = s.playground.scenario.actions.last().unwrap();
        let Action::Partition(groups) = action else {
            panic!("{action:?}")
        };
        assert_eq!(groups[0].len(), 2);
        assert_eq!(groups[0][0], leader);
    }

    #[test]
    fn an_added_server_is_drawn_everywhere_and_comes_back_with_the_link() {
        let mut s = playing();
        s.update(Input::Act(Action::AddServer));
        assert_eq!(s.playground.notice, None);
        let p = &s.playground;
        assert_eq!(p.scenario.actions.last().unwrap().1, Action::AddServer);
        assert_eq!(p.sim.server_count(), 6);
        assert_eq!(p.scene.nodes.len(), 6);
        assert_eq!(crate::view::log_table::log_table(&p.sim, 8).rows.len(), 6);
        let lanes: Vec<String> = p
            .sequence
            .content()
            .lanes
            .iter()
            .map(|l| l.name.clone())
            .collect();
        assert_eq!(lanes[..6], ["n1", "n2", "n3", "n4", "n5", "n6"]);
        s.update(Input::Share {
            page: "https://example.org/".into(),
        });
        let url = s.drafts.shared.clone().unwrap().url;
        let mut other = open("", "");
        other.update(Input::ImportText(url));
        other.update(Input::Import);
        assert_eq!(other.playground.scene.nodes.len(), 6);
    }

    #[test]
    fn a_refused_change_says_why_and_changes_nothing() {
        let mut s = open("?paused=1", "");
        s.update(Input::Act(Action::AddServer));
        let notice = s.playground.notice.clone().unwrap_or_default();
        assert!(notice.contains("no leader"), "{notice}");
        assert!(s.playground.scenario.actions.is_empty());
        assert_eq!(s.playground.scene.nodes.len(), 5);
        s.update(Input::Skip(1_000));
        s.update(Input::Act(Action::AddServer));
        s.update(Input::Act(Action::AddServer));
        assert!(s.playground.notice.is_some(), "one change at a time");
        assert_eq!(s.playground.scenario.actions.len(), 1);
        assert_eq!(s.playground.scene.nodes.len(), 6);
    }

    #[test]
    fn majority_minority_counts_only_the_voters() {
        let mut s = playing();
        let leader = s.playground.sim.leader().unwrap();
        let gone = leader % 5 + 1;
        s.update(Input::Act(Action::RemoveServer(gone)));
        s.update(Input::Skip(500));
        assert_eq!(s.playground.sim.leader(), Some(leader));
        s.update(Input::MajorityMinority);
        let (_, action) = s.playground.scenario.actions.last().unwrap();
        assert_eq!(
            *action,
            Action::Partition(vec![vec![leader]]),
            "one of four voters"
        );
    }

    #[test]
    fn a_latency_slider_keeps_the_range_whole() {
        let mut s = playing();
        s.update(Input::Network(NetworkEdit::LatencyMinMs(150.0)));
        let config = s.playground.sim.network().config;
        assert_eq!(config.latency_min, 150 * crate::raft::MILLIS);
        assert_eq!(config.latency_max, config.latency_min);
    }

    /// A drag shows its value and acts on nothing; letting go is one
    /// action. A drag the run's settings moved under shows no more.
    #[test]
    fn a_dragged_slider_shows_its_value_and_acts_once_let_go() {
        let mut s = playing();
        let (before, actions) = (
            s.playground.sim.network().config,
            s.playground.scenario.actions.len(),
        );
        for loss in [0.1, 0.2, 0.3] {
            s.update(Input::NetworkDrag(NetworkEdit::Loss(loss)));
        }
        assert_eq!(s.network_shown().loss, 0.3);
        assert_eq!(s.playground.sim.network().config, before, "no change yet");
        assert_eq!(s.playground.scenario.actions.len(), actions);
        s.update(Input::Network(NetworkEdit::Loss(0.3)));
        assert_eq!(s.playground.sim.network().config.loss, 0.3);
        assert_eq!(
            s.playground.scenario.actions.len(),
            actions + 1,
            "one action"
        );
        assert_eq!(s.drafts.network, None);
        // A drag left without a change, then the run's settings change
        // (a scenario's action, a host page's).
        s.update(Input::NetworkDrag(NetworkEdit::Loss(0.5)));
        assert_eq!(s.network_shown().loss, 0.5);
        let other = NetworkEdit::Duplication(0.2).apply(s.playground.sim.network().config);
        s.update(Input::Act(Action::SetNetwork(other)));
        assert_eq!(s.network_shown(), other, "the run's own settings show");
    }

    /// Keys on a slider show each value and make one action once they
    /// rest: ten presses of an arrow were ten actions (a page tester).
    /// Keys that come back to where they started make none.
    #[test]
    fn keys_on_a_slider_make_one_action_once_they_rest() {
        let mut s = playing();
        let actions = s.playground.scenario.actions.len();
        for i in 1..=10 {
            s.update(Input::NetworkKeyed(NetworkEdit::Loss(f64::from(i) / 100.0)));
            assert!(s.network_keys_pending());
        }
        s.update(Input::Frame { wall_ms: 16.0 });
        assert_eq!(s.network_shown().loss, 0.1, "the keys' value shows");
        assert_eq!(s.playground.scenario.actions.len(), actions, "none yet");
        s.update(Input::NetworkSettled);
        assert!(!s.network_keys_pending());
        assert_eq!(s.playground.sim.network().config.loss, 0.1);
        assert_eq!(s.playground.scenario.actions.len(), actions + 1);
        s.update(Input::NetworkSettled);
        assert_eq!(s.playground.scenario.actions.len(), actions + 1, "once");
        // Keys that return to the run's value: no action.
        s.update(Input::NetworkKeyed(NetworkEdit::Loss(0.11)));
        s.update(Input::NetworkKeyed(NetworkEdit::Loss(0.1)));
        s.update(Input::NetworkSettled);
        assert_eq!(s.playground.scenario.actions.len(), actions + 1);
        // Two sliders keyed in turn: one action with both values.
        s.update(Input::NetworkKeyed(NetworkEdit::Loss(0.2)));
        s.update(Input::NetworkKeyed(NetworkEdit::Duplication(0.3)));
        s.update(Input::NetworkSettled);
        let config = s.playground.sim.network().config;
        assert_eq!((config.loss, config.duplication), (0.2, 0.3));
        assert_eq!(s.playground.scenario.actions.len(), actions + 2);
        // Keys, then a drag of another slider: the keys' value is made
        // first, and the drag's on top of it (a review saw it lost).
        s.update(Input::NetworkKeyed(NetworkEdit::Loss(0.4)));
        s.update(Input::NetworkDrag(NetworkEdit::Duplication(0.5)));
        s.update(Input::Network(NetworkEdit::Duplication(0.5)));
        let config = s.playground.sim.network().config;
        assert_eq!((config.loss, config.duplication), (0.4, 0.5));
        assert_eq!(s.playground.scenario.actions.len(), actions + 4);
    }

    /// Keys' values belong to the run they were keyed on: a Reset makes
    /// them there first, and the new run takes none (a review saw the
    /// Reset's run record the old run's loss when the keys' timer came).
    /// The timer's input is no command: it leaves the notice as it was.
    #[test]
    fn keys_on_a_slider_reach_no_other_run_and_leave_the_notice() {
        let mut s = playing();
        s.update(Input::NetworkKeyed(NetworkEdit::Loss(0.3)));
        s.update(Input::Reset);
        assert!(!s.network_keys_pending());
        let notice = s.notice_text();
        assert!(notice.is_some(), "the Reset's notice");
        s.update(Input::NetworkSettled);
        assert_eq!(
            s.playground.scenario.actions.len(),
            0,
            "the new run took none"
        );
        assert_eq!(s.playground.sim.network().config.loss, 0.0);
        assert_eq!(s.notice_text(), notice, "the timer said nothing");
        // Undo brings back the run the keys were made on, with them.
        s.update(Input::Undo);
        assert_eq!(s.playground.sim.network().config.loss, 0.3);
    }

    #[test]
    fn split_sides_partitions_the_ticked_nodes() {
        let mut s = playing();
        s.update(Input::ToggleSide(2));
        s.update(Input::ToggleSide(4));
        s.update(Input::ToggleSide(2));
        s.update(Input::ToggleSide(5));
        s.update(Input::SplitSides);
        let (_, action) = s.playground.scenario.actions.last().unwrap();
        assert_eq!(*action, Action::Partition(vec![vec![4, 5]]));
    }

    #[test]
    fn send_parses_the_message_and_clears_the_field() {
        let mut s = playing();
        s.update(Input::ClientText("cas x 1".into()));
        s.update(Input::Send);
        assert!(s.drafts.error.is_some(), "cas needs two values");
        assert_eq!(
            s.drafts.client_text, "cas x 1",
            "nothing the person typed is lost"
        );
        s.update(Input::ClientText("hello".into()));
        s.update(Input::Send);
        assert_eq!(s.drafts.error, None);
        assert_eq!(s.drafts.client_text, "");
        assert_eq!(s.playground.sim.history().len(), 1);
    }

    #[test]
    fn the_read_by_menu_sends_a_read_with_its_own_path_and_only_a_read() {
        let mut s = playing();
        s.update(Input::ClientReadPath(Some(ReadPath::Local)));
        s.update(Input::ClientText("read x".into()));
        s.update(Input::Send);
        let (_, action) = s.playground.scenario.actions.last().unwrap().clone();
        assert!(
            matches!(&action, Action::ClientRead { key, path: ReadPath::Local, .. } if key == "x"),
            "{action:?}"
        );
        s.update(Input::ClientText("write x 1".into()));
        s.update(Input::Send);
        let (_, action) = s.playground.scenario.actions.last().unwrap();
        assert!(matches!(action, Action::ClientRequest { .. }), "{action:?}");
        s.update(Input::ClientReadPath(None));
        s.update(Input::ClientText("read x".into()));
        s.update(Input::Send);
        let (_, action) = s.playground.scenario.actions.last().unwrap();
        assert!(
            matches!(action, Action::ClientRequest { .. }),
            "as the cluster is set"
        );
    }

    #[test]
    fn reset_keeps_speed_and_pause_and_refuses_a_bad_seed() {
        let mut s = playing();
        s.update(Input::Key(KeyCommand::Faster));
        let speed = s.playground.speed;
        s.update(Input::SeedText("x".into()));
        s.update(Input::Reset);
        assert!(s.drafts.error.as_deref().unwrap().contains("'x'"));
        assert_eq!(
            s.playground.sim.now(),
            1_000 * crate::raft::MILLIS,
            "the run is kept"
        );
        s.update(Input::SeedText("9".into()));
        s.update(Input::NodesText("7".into()));
        s.update(Input::Reset);
        assert_eq!(
            (s.playground.scenario.seed, s.playground.scenario.nodes),
            (9, 7)
        );
        assert_eq!(s.playground.speed, speed);
        assert!(s.playground.paused);
    }

    /// A seed past 2^53 would run, but its link and file could not be
    /// opened again: the page refuses it when it is typed.
    #[test]
    fn reset_refuses_a_seed_no_link_could_hold() {
        let mut s = playing();
        let hash = s.playground.sim.trace_hash();
        for (typed, said) in [
            ("9007199254740993", "at most 9006999999999999"),
            ("18446744073709551616", "at most 9006999999999999"),
            ("-3", "a whole number, not '-3'"),
        ] {
            s.update(Input::SeedText(typed.into()));
            s.update(Input::Reset);
            let error = s.drafts.error.clone().unwrap_or_default();
            assert!(error.contains(said), "{typed}: {error}");
            assert_eq!(s.playground.sim.trace_hash(), hash, "the run is kept");
        }
        s.update(Input::SeedText(" 9006999999999999 ".into()));
        s.update(Input::Reset);
        assert_eq!(s.playground.scenario.seed, 9_006_999_999_999_999);
        s.update(Input::Share {
            page: "https://example.org/raft/".into(),
        });
        let mut other = open("", "");
        other.update(Input::ImportText(s.drafts.shared.clone().unwrap().url));
        other.update(Input::Import);
        assert_eq!(other.drafts.error, None, "the largest seed's link opens");
        assert_eq!(other.playground.scenario.seed, 9_006_999_999_999_999);
    }

    #[test]
    fn a_shared_link_and_its_json_come_back_as_the_same_run() {
        let mut s = playing();
        s.update(Input::Share {
            page: "https://example.org/raft/?seed=3".into(),
        });
        let shared = s.drafts.shared.clone().unwrap();
        assert_eq!(shared.json, None, "the link does not wait for the JSON");
        let hash = s.playground.sim.trace_hash();
        // The run moves on; the JSON written after is still the shared run's.
        s.update(Input::Key(KeyCommand::Step));
        assert_ne!(s.playground.sim.trace_hash(), hash);
        s.update(Input::ShareJson);
        let shared = s.drafts.shared.clone().unwrap();
        let (url, json) = (shared.url, shared.json.unwrap());
        // The page's seed= stays behind: the run is after the `#`.
        assert!(url.starts_with("https://example.org/raft/#r="), "{url}");
        for pasted in [url, json] {
            let mut other = open("", "");
            other.update(Input::ImportText(pasted));
            other.update(Input::Import);
            assert_eq!(other.drafts.error, None);
            assert_eq!(other.playground.sim.trace_hash(), hash);
            assert_eq!(other.drafts.import, "", "the field empties once loaded");
        }
    }

    #[test]
    fn a_bad_file_or_link_leaves_the_run_as_it_was() {
        let mut s = playing();
        let hash = s.playground.sim.trace_hash();
        s.update(Input::FileRead(Ok("{\"version\": 9}".into())));
        let error = s.drafts.error.clone().unwrap();
        assert!(
            error.ends_with("(your current run is unchanged)"),
            "{error}"
        );
        s.update(Input::LinkOpened {
            fragment: "#nothing".into(),
        });
        s.update(Input::FileRead(Err(
            "the file could not be read as text".into()
        )));
        assert!(s
            .drafts
            .error
            .as_deref()
            .unwrap()
            .starts_with("the file could not"));
        // An empty file says so (it read "neither a playground link nor
        // scenario JSON").
        s.update(Input::FileRead(Ok(" \n".into())));
        assert_eq!(
            s.drafts.error.as_deref(),
            Some("there is nothing to load: it is empty (your current run is unchanged)")
        );
        assert_eq!(s.playground.sim.trace_hash(), hash);
    }

    #[test]
    fn seeking_pauses_and_past_the_end_goes_to_the_end() {
        let mut s = playing();
        s.playground.paused = false;
        s.update(Input::Seek(200 * crate::raft::MILLIS));
        assert!(s.playground.paused);
        assert_eq!(s.playground.sim.now(), 200 * crate::raft::MILLIS);
        s.update(Input::Seek(u64::MAX));
        assert_eq!(s.playground.sim.now(), 1_000 * crate::raft::MILLIS);
    }

    #[test]
    fn arrows_step_without_a_tour_and_turn_pages_with_one() {
        let mut s = playing();
        let events = s.playground.sim.events();
        s.update(Input::Arrow { forward: true });
        assert_eq!(s.playground.sim.events(), events + 1);
        s.update(Input::Arrow { forward: false });
        assert_eq!(s.playground.sim.events(), events);
        s.update(Input::TourChoose("figure-8".into()));
        s.update(Input::Arrow { forward: true });
        assert_eq!(s.tour.as_ref().unwrap().step, 1);
        s.update(Input::TourChoose(String::new()));
        assert!(s.tour.is_none());
    }

    /// → pressed while a tour's stretch is seen playing skips to its end.
    /// If the page slept through that end, the catch-up before the key
    /// reaches it first: the → is then spent, not a step further. A stop
    /// the person saw (drawn by a frame) leaves → to go on.
    #[test]
    fn a_tours_arrow_that_finds_its_stretch_over_only_stops() {
        let playing_to_step_2 = || {
            let mut s = open("?tour=figure-8", "");
            s.update(Input::Arrow { forward: true });
            let stop = s.playground.pause_at.expect("step 2 is a stretch to play");
            let wall_to_stop = |s: &Session| {
                let p = &s.playground;
                (stop - p.sim.now()) as f64 / crate::raft::MILLIS as f64 / p.speed
            };
            // Frames up to 100 ms before the stop.
            while wall_to_stop(&s) > 100.0 {
                s.update(Input::Frame { wall_ms: 50.0 });
            }
            let past_the_stop = wall_to_stop(&s) + 50.0;
            (s, past_the_stop)
        };
        let step = |s: &Session| (s.tour.as_ref().unwrap().step, s.playground.pause_at);

        let (mut s, past_the_stop) = playing_to_step_2();
        s.update(Input::CatchUp {
            wall_ms: past_the_stop,
        });
        assert_eq!(step(&s), (1, None), "the catch-up ended the stretch");
        s.update(Input::Arrow { forward: true });
        assert_eq!(step(&s), (1, None), "and the → was the skip");
        s.update(Input::Arrow { forward: true });
        assert_eq!(step(&s).0, 2, "the next → goes on");

        let (mut s, past_the_stop) = playing_to_step_2();
        s.update(Input::Frame {
            wall_ms: past_the_stop,
        });
        s.update(Input::Arrow { forward: true });
        assert_eq!(step(&s).0, 2, "a stop seen: → goes on");

        let (mut s, _) = playing_to_step_2();
        s.update(Input::CatchUp { wall_ms: 1.0 });
        s.update(Input::Arrow { forward: true });
        assert_eq!(step(&s), (1, None), "still playing: → skips to the stop");
    }
}

mod notices {
    use super::*;
    use crate::sim::Action;

    /// A failed Load is said under the Load button (its panel), not in the
    /// notice line under the picture; the next command clears it.
    #[test]
    fn a_failed_load_is_said_by_its_panel() {
        let mut s = open("?paused=1", "");
        s.update(Input::ImportText("junk".into()));
        s.update(Input::Import);
        let why = s
            .import_error()
            .expect("said by the Share panel")
            .to_string();
        assert!(why.contains("your current run is unchanged"), "{why}");
        assert_eq!(s.notice_text(), None, "said once");
        assert_eq!(s.failed_loads(), 1);
        s.update(Input::Import);
        assert_eq!(s.import_error(), Some(why.as_str()), "the same words");
        assert_eq!(s.failed_loads(), 2, "a second failure, drawn anew");
        s.update(Input::FileRead(Ok("[]".into())));
        assert!(s.import_error().is_some(), "a file, too");
        // The simulator's node limit, and the page's beside it.
        let fifty = r#"{"version":1,"seed":1,"nodes":50,"duration_us":1000000,"actions":[]}"#;
        s.update(Input::ImportText(fifty.into()));
        s.update(Input::Import);
        assert_eq!(
            s.import_error(),
            Some(
                "nodes must be 1 to 25, got 50; the playground shows 3 to 9 \
                 (your current run is unchanged)"
            )
        );
        s.update(Input::CutText("1-2".into()));
        s.update(Input::Cut);
        assert_eq!(s.import_error(), None);
        let cut = s.notice_text().expect("the cut's error is the notice's");
        assert!(cut.contains("FROM->TO"), "{cut}");
    }

    /// A Reset (one Enter in the seed field) says what it started and
    /// offers, until the next command, the run it replaced: its moment,
    /// its history, its tour and its address.
    /// A page tester's case: Undo brought the run back but left the
    /// address on the Reset's seed (a reload opened seed 9), and a shared
    /// run's link was lost from it. The address goes back too, and stays
    /// until another run replaces this one.
    /// The second page tester's cases of this session's history and
    /// address rules.
    #[test]
    fn a_tour_key_is_a_key_not_letters_in_another() {
        for search in ["?seed=3&ref=tour=abc", "?detour=1&seed=3"] {
            let s = open(search, "");
            assert_eq!(s.playground.scenario.seed, 3, "{search}");
            assert_eq!(s.address_query(search, ""), None, "{search}");
        }
    }

    /// Two tours chosen in a row (two arrow keys on the menu): Undo brings
    /// back the run before the first.
    #[test]
    fn undo_after_two_tour_choices_brings_back_the_run_before_them() {
        let mut s = open("?seed=5&paused=1", "");
        s.update(Input::Skip(2_000));
        let before = (s.playground.sim.trace_hash(), s.playground.sim.now());
        s.update(Input::TourChoose("leader-election".into()));
        s.update(Input::TourChoose("log-replication".into()));
        assert_eq!(s.tour.as_ref().unwrap().tour.id, "log-replication");
        s.update(Input::Undo);
        assert!(s.tour.is_none());
        assert_eq!(
            (s.playground.sim.trace_hash(), s.playground.sim.now()),
            before
        );
        // A command in between ends the offer, as after a Reset.
        s.update(Input::TourChoose("leader-election".into()));
        s.update(Input::TourNext);
        s.update(Input::TourChoose("log-replication".into()));
        s.update(Input::Undo);
        assert_eq!(s.tour.as_ref().unwrap().tour.id, "leader-election");
    }

    /// A tour chosen from the menu is a new entry in the browser's history,
    /// and the entry it leaves holds the run before when its address would
    /// not bring it back: Back from the tour's first step reopens the
    /// person's run (the tour replaced its entry, and Back left the page, a
    /// page tester saw). A second choice leaves the first tour's entry, which
    /// its address brings back, as it is.
    #[test]
    fn back_from_a_chosen_tour_reopens_the_run_before() {
        let mut s = open("?seed=5&paused=1", "");
        s.update(Input::Skip(2_000));
        s.update(Input::Act(Action::Stop(2)));
        let before = (s.playground.sim.trace_hash(), s.playground.sim.now());
        s.update(Input::TourChoose("leader-election".into()));
        assert!(s.new_history_entry, "the tour is an entry of its own");
        let left = s
            .take_address_left("?seed=5&paused=1")
            .expect("the run left");
        let link = left
            .strip_prefix("?paused=1#")
            .expect("the page's settings kept");
        s.update(Input::TourChoose("log-replication".into()));
        assert!(s.new_history_entry);
        assert_eq!(s.take_address_left("?tour=leader-election&step=1"), None);
        // Back twice: to the first tour, then to the run before it.
        s.update(Input::AddressMoved {
            search: "?tour=leader-election&step=1".into(),
            hash: String::new(),
        });
        assert_eq!(s.tour.as_ref().unwrap().tour.id, "leader-election");
        s.update(Input::AddressMoved {
            search: "?paused=1".into(),
            hash: format!("#{link}"),
        });
        assert!(s.tour.is_none());
        assert_eq!(
            (s.playground.sim.trace_hash(), s.playground.sim.now()),
            before
        );
        // An untouched run's entry brings it back as it is.
        let mut s = open("?seed=5&paused=1", "");
        s.update(Input::TourChoose("leader-election".into()));
        assert!(s.new_history_entry);
        assert_eq!(s.take_address_left("?seed=5&paused=1"), None);
    }

    /// A tour's step is brought back by its own address: another tour
    /// chosen after Next, or after a tour the address opened, leaves that
    /// entry as it is (a review saw it rewritten into a bare run's link).
    /// So does the Experiments view, and a found failure's entry.
    #[test]
    fn a_tour_step_s_entry_is_never_rewritten() {
        let mut s = open("?seed=5&paused=1", "");
        s.update(Input::TourChoose("leader-election".into()));
        s.update(Input::TourNext);
        s.update(Input::Skip(500));
        s.update(Input::TourChoose("log-replication".into()));
        assert!(s.new_history_entry);
        assert_eq!(s.take_address_left("?tour=leader-election&step=2"), None);
        let mut s = open("?tour=leader-election&step=3", "");
        s.update(Input::Skip(500));
        assert_eq!(s.address_of_moved_run("?tour=leader-election&step=3"), None);
        s.update(Input::TourChoose("log-replication".into()));
        assert_eq!(s.take_address_left("?tour=leader-election&step=3"), None);
    }

    /// The player's entry, left for the Experiments view, holds the run
    /// when its address would not bring it back.
    #[test]
    fn the_experiments_view_leaves_a_moved_run_in_its_entry() {
        let mut s = open("?seed=5&paused=1", "");
        assert_eq!(s.address_of_moved_run("?seed=5&paused=1"), None);
        s.update(Input::Skip(1_000));
        let address = s
            .address_of_moved_run("?seed=5&paused=1")
            .expect("a moved run");
        let link = address
            .strip_prefix("?paused=1#")
            .expect("the page's settings kept");
        let reopened = permalink::decode(link).unwrap().unwrap();
        assert_eq!(reopened.cursor, Some(s.playground.sim.now()));
    }

    /// Back to a step of the tour left for another from the menu opens that
    /// tour at that step (it wrote the new tour's step over the entry).
    #[test]
    fn back_to_another_tours_step_opens_that_tour() {
        let mut s = open("?tour=split-vote&step=3", "");
        s.update(Input::TourChoose("figure-8".into()));
        s.update(Input::AddressMoved {
            search: "?tour=split-vote&step=2".into(),
            hash: String::new(),
        });
        let tour = s.tour.as_ref().unwrap();
        assert_eq!((tour.tour.id, tour.step), ("split-vote", 1));
        assert_eq!(s.address_query("?tour=split-vote&step=2", ""), None);
    }

    /// A link typed into the address bar moves the address (popstate, then
    /// hashchange): the page leaves the address to it, and opens it, rather
    /// than writing the old link back over it.
    #[test]
    fn a_link_typed_into_the_address_opens() {
        let first = shared_link(3);
        let mut s = open("", "");
        s.update(Input::ImportText(first.clone()));
        s.update(Input::Import);
        let second = shared_link(5);
        s.update(Input::AddressMoved {
            search: String::new(),
            hash: second.clone(),
        });
        assert_eq!(s.address_query("", &second), None, "not written back");
        s.update(Input::LinkOpened { fragment: second });
        assert_eq!(s.playground.scenario.nodes, 5);
        assert_eq!(s.drafts.error, None);
    }

    /// Forward from an entry with a query to a link's entry: Chromium fires
    /// no hashchange when more than the fragment moved, so the session
    /// opens the link as it follows the address (the address named a found
    /// failure and the page kept seed 1, a page tester saw); a hashchange
    /// that does come (Firefox) finds it open, and a link typed in later
    /// opens again.
    #[test]
    fn forward_to_a_link_from_a_query_opens_it_without_a_hashchange() {
        let mut s = open("?seed=1&paused=1", "");
        s.saw_address("?seed=1&paused=1", "");
        let link = shared_link(3);
        s.update(Input::AddressMoved {
            search: "?paused=1".into(),
            hash: link.clone(),
        });
        assert_eq!(
            s.playground.scenario.nodes, 3,
            "opened without a hashchange"
        );
        s.saw_address("?paused=1", &link);
        s.update(Input::Key(KeyCommand::Step));
        let stepped = s.playground.sim.now();
        assert!(stepped > 0);
        s.update(Input::LinkOpened {
            fragment: link.clone(),
        });
        assert_eq!(s.playground.sim.now(), stepped, "not opened twice");
        // Back to seed 1, then the link typed in: opened again.
        s.update(Input::AddressMoved {
            search: "?seed=1&paused=1".into(),
            hash: String::new(),
        });
        assert_eq!(s.playground.scenario.nodes, 5);
        s.saw_address("?seed=1&paused=1", "");
        s.update(Input::LinkOpened { fragment: link });
        assert_eq!(s.playground.scenario.nodes, 3);
        // A JSON link needs the studio's reader: the page is asked to open
        // it (a review), and the run stays until it does.
        let json = "#s=eyJ2ZXJzaW9uIjoxfQ";
        s.update(Input::AddressMoved {
            search: "?paused=1".into(),
            hash: json.into(),
        });
        assert_eq!(s.link_to_open.as_deref(), Some(json));
        assert_eq!(s.playground.scenario.nodes, 3);
    }

    /// Back from a link typed into the address bar to the entry before,
    /// which names no link: the run a reload of that entry opens, and no
    /// error (the linked run stayed under `?seed=3`, and the hashchange to
    /// no fragment said "the link has no scenario in it", a page tester
    /// saw). Forward opens the link again by its hashchange.
    #[test]
    fn back_from_a_typed_link_opens_the_entry_before() {
        let mut s = open("?seed=3&nodes=3", "");
        s.saw_address("?seed=3&nodes=3", "");
        let link = shared_link(5);
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: link.clone(),
        });
        s.update(Input::LinkOpened {
            fragment: link.clone(),
        });
        assert_eq!(s.playground.scenario.nodes, 5);
        let written = s
            .address_query("?seed=3&nodes=3", &link)
            .unwrap_or_default();
        s.saw_address("", written.trim_start_matches('?'));
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: String::new(),
        });
        s.update(Input::LinkOpened {
            fragment: String::new(),
        });
        let scenario = &s.playground.scenario;
        assert_eq!((scenario.seed, scenario.nodes), (3, 3));
        assert_eq!(s.drafts.error, None);
        assert_eq!(s.address_query("?seed=3&nodes=3", ""), None);
        // A key that is no link's is still said.
        s.update(Input::LinkOpened {
            fragment: "#foo=bar".into(),
        });
        assert!(s.drafts.error.is_some());
    }

    /// Back from the Experiments view (its entry differs only by `view=`)
    /// leaves the run on screen as it is, moved on and all; Back from a
    /// trial the view opened, past the view, to the entry before it opens
    /// that entry's run (the trial stayed under `?seed=3`, a page tester
    /// saw).
    #[test]
    fn back_past_the_experiments_view_opens_the_entry_before_the_trial() {
        let mut s = open("?seed=3&nodes=3", "");
        s.update(Input::Skip(700));
        let moved_on = s.playground.sim.now();
        s.saw_address("?seed=3&nodes=3&view=experiments", "");
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: String::new(),
        });
        assert_eq!(s.playground.sim.now(), moved_on, "the run stays");
        let trial = shared_link(5);
        s.update(Input::ImportText(trial.clone()));
        s.update(Input::Import);
        assert_eq!(s.playground.scenario.nodes, 5, "the trial opened");
        s.saw_address("", &trial);
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3&view=experiments".into(),
            hash: String::new(),
        });
        s.saw_address("?seed=3&nodes=3&view=experiments", "");
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: String::new(),
        });
        let scenario = &s.playground.scenario;
        assert_eq!((scenario.seed, scenario.nodes), (3, 3));
    }

    /// Back, past the Experiments view, from a Reset of the same seed (its
    /// address `?seed=3&nodes=5`) to the entry the page opened with
    /// (`?seed=3`): both name seed 3 with 5 servers, and the run stays,
    /// moved on (a review saw it replaced by a fresh one).
    #[test]
    fn back_to_the_same_run_spelt_differently_keeps_it() {
        let mut s = open("?seed=3", "");
        s.saw_address("?seed=3", "");
        s.update(Input::Reset);
        let written = s.address_query("?seed=3", "").expect("the Reset's");
        assert_eq!(written, "?seed=3&nodes=5");
        s.saw_address(&written, "");
        s.update(Input::Skip(700));
        let moved_on = s.playground.sim.now();
        s.update(Input::AddressMoved {
            search: "?seed=3".into(),
            hash: String::new(),
        });
        assert_eq!(s.playground.sim.now(), moved_on, "the same run stays");
    }

    /// A move the page does not follow with `saw_address` (Forward into
    /// the Experiments view) leaves the session comparing with the
    /// address it moved to last: a second Back to the same entry keeps
    /// the run (a review saw it replaced again). And the run a Back
    /// replaced comes back with Undo.
    #[test]
    fn back_to_an_entry_twice_replaces_the_run_once_and_undo_brings_it_back() {
        let mut s = open("?seed=3&nodes=3", "");
        s.saw_address("?seed=3&nodes=3", "");
        let trial = shared_link(5);
        s.update(Input::ImportText(trial.clone()));
        s.update(Input::Import);
        s.update(Input::Skip(300));
        let trial_at = (s.playground.sim.trace_hash(), s.playground.sim.now());
        s.saw_address("?view=experiments", &trial);
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: String::new(),
        });
        assert_eq!(s.playground.scenario.nodes, 3);
        let told = s.notice_text().expect("the new run is said");
        assert!(told.contains("names another run"), "{told}");
        s.update(Input::Undo);
        assert_eq!(
            (s.playground.sim.trace_hash(), s.playground.sim.now()),
            trial_at,
            "the trial, where it was"
        );
        // Its address comes back too, as the page writes it.
        let back = s.address_query("?seed=3&nodes=3", "").expect("the link");
        assert_eq!(back, format!("?view=experiments{trial}"), "as it was");
        s.saw_address("?view=experiments", &trial);
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: String::new(),
        });
        assert_eq!(s.playground.scenario.nodes, 3);
        s.update(Input::Skip(700));
        let moved_on = s.playground.sim.now();
        s.update(Input::AddressMoved {
            search: "?seed=3&nodes=3".into(),
            hash: String::new(),
        });
        assert_eq!(s.playground.sim.now(), moved_on, "the run stays");
    }

    /// A shared link carries its run after `#` only: a seed or tour in the
    /// page's query went along, and was ignored or opened the tour.
    #[test]
    fn a_shared_link_leaves_the_run_settings_of_the_page_behind() {
        let mut s = open("?seed=4&load=3&paused=1&tour=split-vote&embed=1", "");
        s.update(Input::Share {
            page: "https://x.org/?seed=4&load=3&paused=1&tour=split-vote&step=2&embed=1".into(),
        });
        let url = s.drafts.shared.clone().unwrap().url;
        assert!(
            url.starts_with("https://x.org/?paused=1&embed=1#r="),
            "{url}"
        );
    }

    /// A load or disk a tour or link replaced was said to be ignored: a
    /// Reset after it does not bring it back (a review).
    #[test]
    fn a_reset_after_a_tour_or_link_leaves_what_they_replaced() {
        for (search, fragment) in [
            ("?tour=split-vote&load=2", String::new()),
            ("?disk=slow&load=2", shared_link(3)),
        ] {
            let mut s = open(search, &fragment);
            assert!(s.address_report().unwrap().contains("ignored"));
            s.update(Input::TourEnd);
            s.update(Input::Reset);
            let scenario = &s.playground.scenario;
            assert_eq!(scenario.workload, None, "{search}");
            assert!(scenario.disk.is_synchronous(), "{search}");
        }
    }

    /// A tour chosen from the menu, or a link opened later, replaces the
    /// run the address's load and disk made: a Reset after it does not
    /// bring them back, and an Undo of the choice does.
    #[test]
    fn a_reset_after_a_chosen_tour_leaves_the_load_behind() {
        let mut s = open("?seed=4&load=3&disk=slow", "");
        s.update(Input::TourChoose("split-vote".into()));
        s.update(Input::TourEnd);
        s.update(Input::Reset);
        assert_eq!(s.playground.scenario.workload, None);
        let mut s = open("?seed=4&load=3&disk=slow", "");
        s.update(Input::LinkOpened {
            fragment: shared_link(3),
        });
        s.update(Input::Reset);
        assert_eq!(s.playground.scenario.workload, None);
        let mut s = open("?seed=4&load=3&disk=slow", "");
        s.update(Input::TourChoose("split-vote".into()));
        s.update(Input::Undo);
        s.update(Input::Reset);
        assert_eq!(s.playground.scenario.workload.map(|w| w.rate), Some(3.0));
        // And a Reset after a Reset keeps them.
        s.update(Input::Reset);
        assert_eq!(s.playground.scenario.workload.map(|w| w.rate), Some(3.0));
    }

    /// A Reset keeps the load and slow disks the address gave fresh runs,
    /// says so, and writes them back into the address (it dropped both
    /// unsaid: seed 8 then ran without a client, on instant disks).
    #[test]
    fn a_reset_keeps_the_addresss_load_and_disk() {
        let search = "?seed=5&disk=slow&load=3&paused=1";
        let mut s = open(search, "");
        s.update(Input::SeedText("8".into()));
        s.update(Input::Reset);
        let scenario = &s.playground.scenario;
        assert_eq!(scenario.workload.map(|w| w.rate), Some(3.0));
        assert_eq!(scenario.disk, crate::sim::disk::DiskConfig::slow());
        assert_eq!(
            s.notice_text().as_deref(),
            Some("A new run: seed 8, 5 servers, a client at 3 requests/s, slow disks.")
        );
        let query = s.address_query(search, "").expect("the new run's");
        assert_eq!(query, "?paused=1&seed=8&nodes=5&load=3&disk=slow");
        let again = open(&query, "");
        assert_eq!(
            again.playground.sim.trace_hash(),
            s.playground.sim.trace_hash()
        );
    }

    #[test]
    fn an_undone_reset_puts_the_address_back() {
        let link = shared_link(5);
        for (search, hash) in [("?seed=5&paused=1", ""), ("?paused=1", link.as_str())] {
            let mut s = open(search, hash);
            s.saw_address(search, hash);
            s.update(Input::Skip(1_000));
            s.update(Input::SeedText("9".into()));
            s.update(Input::Reset);
            let reset = s.address_query(search, hash).expect("the new run's");
            assert_eq!(reset, "?paused=1&seed=9&nodes=5");
            s.saw_address(&reset, "");
            s.update(Input::Undo);
            let back = s.address_query(&reset, "");
            assert_eq!(back, Some(format!("{search}{hash}")));
            s.saw_address(search, hash);
            assert_eq!(s.address_query(search, hash), None, "in place");
            s.update(Input::SeedText("4".into()));
            s.update(Input::Reset);
            assert_eq!(
                s.address_query(search, hash).as_deref(),
                Some("?paused=1&seed=4&nodes=5"),
                "a later Reset names its own run"
            );
        }
    }

    /// A tour chosen from the menu says so and offers the run it replaced
    /// back, its moment, history and address (one arrow key on the menu
    /// lost a run, a page tester saw).
    #[test]
    fn a_tour_chosen_can_be_undone() {
        let search = "?seed=3&paused=1";
        let mut s = open(search, "");
        s.saw_address(search, "");
        s.update(Input::Skip(1_000));
        s.update(Input::Key(KeyCommand::RestartLeader));
        s.update(Input::Skip(1_000));
        let before = (s.playground.sim.trace_hash(), s.playground.sim.now());
        s.update(Input::TourChoose("leader-election".into()));
        assert!(s.tour.is_some());
        assert!(s.can_undo());
        let notice = s.notice_text().unwrap();
        assert!(notice.starts_with("Opened the tour"), "{notice}");
        let address = s.address_query(search, "").expect("the tour's");
        s.saw_address(&address, "");
        s.update(Input::Undo);
        assert!(s.tour.is_none());
        assert_eq!(
            (s.playground.sim.trace_hash(), s.playground.sim.now()),
            before
        );
        assert_eq!(s.address_query(&address, "").as_deref(), Some(search));
        // A tour that cannot open offers nothing.
        s.update(Input::TourChoose("no-such-tour".into()));
        assert!(!s.can_undo());
    }

    /// Back after "End the tour" goes to the tour's step, the entry
    /// before: the tour comes back there (Back did nothing). Forward then
    /// opens the ended run's entry, which stays as written (a review saw
    /// the tour's step written over it).
    #[test]
    fn back_after_a_tour_ended_brings_the_tour_back_and_forward_the_run() {
        let search = "?tour=leader-crash&step=2";
        let mut s = open(search, "");
        s.update(Input::Skip(300));
        s.update(Input::TourEnd);
        assert!(s.tour.is_none());
        let ended = s.address_query(search, "").expect("the ended run's link");
        let hash = ended.trim_start_matches('?');
        assert!(hash.starts_with("#r="), "{ended}");
        let ended_at = (s.playground.sim.trace_hash(), s.playground.sim.now());
        s.saw_address("", hash);
        s.update(Input::AddressMoved {
            search: "?tour=leader-crash&step=1".into(),
            hash: String::new(),
        });
        let tour = s.tour.as_ref().expect("the tour is back");
        assert_eq!((tour.tour.id, tour.step), ("leader-crash", 0));
        s.update(Input::AddressMoved {
            search: String::new(),
            hash: hash.into(),
        });
        assert!(s.tour.is_none());
        assert_eq!(
            (s.playground.sim.trace_hash(), s.playground.sim.now()),
            ended_at
        );
        assert_eq!(s.address_query("", hash), None, "the entry stays");
    }

    #[test]
    fn a_reset_can_be_undone_until_the_next_command() {
        let mut s = open("?seed=2&paused=1", "");
        s.update(Input::TourChoose("figure-8".into()));
        s.update(Input::Skip(700));
        let before = (s.playground.sim.trace_hash(), s.playground.sim.now());
        let address = s.address_query("?seed=2&paused=1", "");
        assert!(!s.can_undo());
        s.update(Input::SeedText("8".into()));
        s.update(Input::Reset);
        assert!(s.tour.is_none());
        assert_eq!(s.playground.scenario.seed, 8);
        assert!(s.can_undo());
        assert_eq!(
            s.notice_text().as_deref(),
            Some("A new run: seed 8, 5 servers.")
        );
        assert!(s.notice_is_news());
        s.update(Input::Undo);
        assert!(!s.can_undo());
        assert_eq!(
            (s.playground.sim.trace_hash(), s.playground.sim.now()),
            before
        );
        assert!(s.tour.is_some(), "the tour is back");
        assert_eq!(s.drafts.seed, s.playground.scenario.seed.to_string());
        assert_eq!(s.address_query("?seed=2&paused=1", ""), address);
        // Typing keeps the offer; any command ends it.
        s.update(Input::Reset);
        let seed = s.playground.scenario.seed;
        s.update(Input::SeedText("9".into()));
        assert!(s.can_undo());
        s.update(Input::Key(KeyCommand::TogglePause));
        assert!(!s.can_undo());
        assert_eq!(s.notice_text(), None);
        s.update(Input::Undo);
        assert_eq!(s.playground.scenario.seed, seed, "nothing to undo");
    }

    /// A run shared at a moment before its end: acting there forks it as
    /// it forked the sender's, the same run after the same key on the
    /// same screen (a page tester saw the sender's later actions stay and
    /// replay here, with no notice and no Undo).
    #[test]
    fn acting_where_a_shared_run_opened_forks_it_as_the_senders() {
        let ms = crate::raft::MILLIS;
        let mut sender = open("?seed=5&paused=1", "");
        sender.update(Input::Skip(1_000));
        sender.update(Input::Act(Action::Stop(1)));
        sender.update(Input::Skip(2_000));
        sender.update(Input::Seek(500 * ms));
        let link = format!("#{}", permalink::encode(&sender.playground.export()));
        let mut opened = open("", &link);
        let both = [&sender, &opened].map(|s| {
            let p = &s.playground;
            (
                p.sim.trace_hash(),
                p.sim.now(),
                p.timeline_end(),
                p.acting_forks(),
            )
        });
        assert_eq!(both[0], both[1]);
        assert_eq!(both[1].2, 3_000 * ms, "the sender's run to its end");
        assert!(both[1].3, "acting here forks");
        for s in [&mut sender, &mut opened] {
            s.update(Input::Act(Action::Stop(5)));
            assert_eq!(
                s.notice_text().as_deref(),
                Some("Acting at 0.500 s discarded the run after it, to 3.000 s, and the action in it.")
            );
            assert!(s.can_undo());
            s.update(Input::Skip(3_000));
        }
        let actions = |s: &Session| s.playground.scenario.actions.clone();
        assert_eq!(actions(&opened), actions(&sender));
        assert!(!actions(&opened).contains(&(1_000 * ms, Action::Stop(1))));
        let hash = |s: &Session| s.playground.sim.trace_hash();
        assert_eq!(hash(&opened), hash(&sender), "the same run after it");
        // Shared at its end, a run opens at the frontier: acting adds.
        let at_end = format!("#{}", permalink::encode(&sender.playground.export()));
        let mut opened = open("", &at_end);
        assert!(!opened.playground.acting_forks());
        opened.update(Input::Act(Action::Stop(4)));
        assert!(!opened.can_undo(), "nothing discarded");
        assert_eq!(actions(&opened).len(), actions(&sender).len() + 1);
    }

    /// Acting in the past forks the run: what came after goes, and the
    /// notice says so and offers it back (a page tester lost two actions
    /// to a click, with only the timeline's hint before it to warn).
    #[test]
    fn a_fork_says_what_it_discarded_and_can_be_undone() {
        let mut s = open("?seed=5&paused=1", "");
        s.update(Input::Skip(1_000));
        s.update(Input::Act(Action::Stop(1)));
        s.update(Input::Skip(2_000));
        s.update(Input::Act(Action::Resume(1)));
        s.update(Input::Skip(1_000));
        let actions = s.playground.scenario.actions.len();
        s.update(Input::Seek(2_500 * crate::raft::MILLIS));
        s.update(Input::Key(KeyCommand::Step));
        assert!(!s.can_undo(), "moving through the past forks nothing");
        s.update(Input::Seek(2_500 * crate::raft::MILLIS));
        let sim = &s.playground.sim;
        let before = (sim.trace_hash(), sim.now(), s.playground.timeline_end());
        s.update(Input::Act(Action::Stop(5)));
        assert_eq!(
            s.notice_text().as_deref(),
            Some("Acting at 2.500 s discarded the run after it, to 4.000 s, and the action in it.")
        );
        assert!(s.notice_is_news() && s.can_undo());
        assert_eq!(
            s.playground.scenario.actions.len(),
            actions,
            "one gone, one new"
        );
        s.update(Input::Undo);
        let sim = &s.playground.sim;
        assert_eq!(
            (sim.trace_hash(), sim.now(), s.playground.timeline_end()),
            before,
            "the run as it was before the fork"
        );
        assert_eq!(s.playground.scenario.actions.len(), actions);
        assert_eq!(s.notice_text(), None);
        // A refused action in the past forks nothing either.
        let end = s.playground.timeline_end();
        s.update(Input::Seek(2_500 * crate::raft::MILLIS));
        let leader = s.playground.sim.leader().unwrap();
        s.update(Input::Act(Action::TransferLeadership(leader)));
        let refused = s.notice_text().unwrap();
        assert!(refused.contains("already the leader"), "{refused}");
        assert!(!s.can_undo());
        assert_eq!(s.playground.timeline_end(), end, "the run as it was");
        // At the end of the run, acting forks nothing.
        s.update(Input::Seek(4_000 * crate::raft::MILLIS));
        s.update(Input::Act(Action::Stop(5)));
        assert_eq!(s.notice_text(), None);
        assert!(!s.can_undo());
    }

    fn shown(s: &Session) -> Option<String> {
        s.drafts
            .error
            .clone()
            .or_else(|| s.playground.notice.clone())
    }

    /// The notice line tells how the last command went: a form's error
    /// no longer hides the refusals after it, and a command that works
    /// clears what an earlier one said. Typing leaves it.
    #[test]
    fn the_notice_tells_the_last_commands_outcome() {
        let mut s = open("?seed=2&nodes=9&paused=1", "");
        s.update(Input::Skip(1_000));
        s.update(Input::Act(Action::AddServer));
        let full = shown(&s).expect("nine servers are the most");
        assert!(full.contains("at most 9 servers"), "{full}");
        s.update(Input::ImportText("junk".into()));
        s.update(Input::Import);
        let junk = shown(&s).unwrap();
        assert!(junk.contains("your current run is unchanged"), "{junk}");
        s.update(Input::ImportText("junk, still".into()));
        assert_eq!(shown(&s), Some(junk), "typing leaves it");
        s.update(Input::Act(Action::AddServer));
        assert_eq!(
            shown(&s),
            Some(full),
            "the latest refusal, not the form's error"
        );
        s.update(Input::CutText("1->1".into()));
        s.update(Input::Cut);
        let cut = shown(&s).unwrap();
        assert!(cut.contains("two different nodes"), "{cut}");
        s.update(Input::Skip(100));
        assert_eq!(shown(&s), None, "a command that worked says nothing");
    }

    /// A form's error stays while its field is being corrected and goes
    /// once the text is right; another field's typing leaves it.
    #[test]
    fn a_forms_error_goes_once_its_field_is_corrected() {
        let mut s = open("?paused=1", "");
        s.update(Input::SeedText("99999999999999999999".into()));
        s.update(Input::Reset);
        let error = shown(&s).unwrap();
        assert!(error.contains("at most"), "{error}");
        s.update(Input::SeedText("9999999999999999999".into()));
        assert_eq!(shown(&s), Some(error.clone()), "still too big");
        s.update(Input::ClientText("write x 1".into()));
        assert_eq!(shown(&s), Some(error), "another field's typing");
        s.update(Input::SeedText("42".into()));
        assert_eq!(shown(&s), None, "corrected");
        s.update(Input::CutText("1->".into()));
        s.update(Input::Cut);
        assert!(shown(&s).is_some());
        s.update(Input::CutText("1->2".into()));
        assert_eq!(shown(&s), None, "a cut corrected");
        s.update(Input::ClientText("cas x 1".into()));
        s.update(Input::Send);
        assert!(shown(&s).is_some());
        s.update(Input::ClientText("read x".into()));
        assert_eq!(shown(&s), None);
    }

    /// A split with no server ticked cuts nothing, so it records nothing
    /// and says what it needs.
    #[test]
    fn a_split_with_nobody_ticked_records_nothing() {
        let mut s = open("?paused=1", "");
        let (hash, actions) = (
            s.playground.sim.trace_hash(),
            s.playground.scenario.actions.len(),
        );
        s.update(Input::SplitSides);
        assert_eq!(
            s.notice_text().as_deref(),
            Some("tick the servers of one side first")
        );
        assert_eq!(
            (
                s.playground.sim.trace_hash(),
                s.playground.scenario.actions.len()
            ),
            (hash, actions)
        );
        s.update(Input::ToggleSide(2));
        s.update(Input::SplitSides);
        assert_eq!(s.playground.scenario.actions.len(), actions + 1);
        assert_eq!(s.notice_text(), None);
    }

    /// Heal with every link up, cutting a link cut already, or restoring
    /// one that is not cut changes nothing, so it records nothing and says
    /// why.
    #[test]
    fn a_network_action_that_changes_nothing_records_nothing() {
        let mut s = open("?paused=1", "");
        let unchanged = |s: &Session| {
            (
                s.playground.sim.trace_hash(),
                s.playground.scenario.actions.len(),
            )
        };
        let before = unchanged(&s);
        s.update(Input::Act(Action::Heal));
        assert_eq!(
            s.notice_text().as_deref(),
            Some("nothing to heal: every link is up")
        );
        // As the B key's "resume all" with every server running (a page
        // tester saw it recorded, marked on the timeline and logged).
        s.update(Input::Key(KeyCommand::ResumeAll));
        assert_eq!(
            s.notice_text().as_deref(),
            Some("nothing to resume: every server is running")
        );
        for groups in [vec![], vec![vec![]], vec![vec![1, 2, 3, 4, 5]]] {
            s.update(Input::Act(Action::Partition(groups)));
            assert_eq!(
                s.notice_text().as_deref(),
                Some("nothing to split: every server would be on one side")
            );
        }
        s.update(Input::Act(Action::RestoreLink { from: 1, to: 2 }));
        assert_eq!(s.notice_text().as_deref(), Some("the link 1->2 is not cut"));
        assert!(!s.notice_is_news(), "a refusal");
        assert_eq!(unchanged(&s), before);
        s.update(Input::CutText("1->2".into()));
        s.update(Input::Cut);
        assert_eq!(s.notice_text(), None);
        let cut = unchanged(&s);
        assert_eq!(cut.1, before.1 + 1);
        s.update(Input::Cut);
        assert_eq!(
            s.notice_text().as_deref(),
            Some("the link 1->2 is cut already")
        );
        assert_eq!(unchanged(&s), cut);
        s.update(Input::Act(Action::Heal));
        assert_eq!(s.notice_text(), None);
        assert_eq!(s.playground.scenario.actions.len(), before.1 + 2);
    }

    /// A seed or node count typed is not the run's until Reset, and the
    /// bar says so (choosing 7 nodes used to look applied).
    #[test]
    fn a_typed_seed_or_size_is_pending_until_reset() {
        let mut s = open("?paused=1", "");
        assert!(!s.reset_pending());
        s.update(Input::NodesText("7".into()));
        assert!(s.reset_pending());
        s.update(Input::SeedText(" 42 ".into()));
        s.update(Input::Reset);
        assert!(!s.reset_pending());
        assert_eq!(
            (s.playground.scenario.seed, s.playground.scenario.nodes),
            (42, 7)
        );
        // A seed Reset would refuse is not "Reset to apply" (a page tester
        // saw it beside "3.5"): Reset says why instead.
        for bad in ["x", "3.5"] {
            s.update(Input::SeedText(bad.into()));
            assert!(!s.reset_pending(), "{bad}");
            s.update(Input::Reset);
            assert!(!s.reset_pending(), "a bad seed is not applied");
            let error = s.drafts.error.clone().unwrap();
            assert!(error.contains(&format!("'{bad}'")), "{error}");
            assert_eq!(s.playground.scenario.seed, 42);
        }
    }

    /// A link too heavy to replay in one go opens frame by frame: the
    /// notice line shows how far it has come, the controls and a host
    /// page's commands wait (a host is told why), and it arrives at the
    /// sender's moment.
    #[test]
    fn a_heavy_link_opens_frame_by_frame_with_its_progress_shown() {
        let mut sender = Playground::with_load(3, 5, 20.0).unwrap();
        sender.skip(600_000);
        let (moment, hash) = (sender.sim.now(), sender.sim.trace_hash());
        let link = format!("#{}", permalink::encode(&sender.export()));
        let mut s = open("", &link);
        let progress = s.notice_text().unwrap();
        assert!(s.notice_is_news(), "progress, not a refusal");
        assert!(
            progress.starts_with("Opening the shared run: ")
                && progress.contains(" of 600 simulated seconds replayed"),
            "{progress}"
        );
        let actions = s.playground.scenario.actions.len();
        s.update(Input::Key(KeyCommand::ClientRequestToLeader));
        s.update(Input::Skip(1_000));
        assert_eq!(s.playground.scenario.actions.len(), actions);
        s.update(Input::Host(HostCommand::Play));
        let told = s.host_events(0.0);
        assert!(
            matches!(&told[..], [HostEvent::Error { command, message }]
                if command == "play" && message.contains("still opening")),
            "{told:?}"
        );
        let mut frames = 0;
        let mut drawn = versions::drawn(&s, None);
        while s.playground.opening().is_some() {
            s.update(Input::Frame { wall_ms: 16.0 });
            let now = versions::drawn(&s, Some(&drawn));
            if s.playground.opening().is_some() {
                // Only the progress line is drawn again, not the parts the
                // thousands of replayed events move (the picture, the
                // logs): drawing those each frame took a quarter of the
                // opening's time.
                assert_ne!(now.notice, drawn.notice, "the progress moves");
                assert_eq!(
                    versions::Versions {
                        notice: drawn.notice,
                        ..now
                    },
                    drawn
                );
            }
            drawn = now;
            frames += 1;
        }
        assert_ne!(
            drawn.picture,
            versions::drawn(&open("", &link), None).picture,
            "once open, the run's moment is drawn"
        );
        assert!(frames > 10, "{frames} frames");
        assert_eq!(s.notice_text(), None);
        assert_eq!(
            (s.playground.sim.now(), s.playground.sim.trace_hash()),
            (moment, hash)
        );
        s.update(Input::Key(KeyCommand::ClientRequestToLeader));
        assert_eq!(s.playground.scenario.actions.len(), actions + 1);
    }

    /// While a shared run opens, a person's input (the help, say) is still
    /// drawn at once, with everything else.
    #[test]
    fn an_input_while_a_link_opens_is_drawn() {
        let mut sender = Playground::with_load(3, 5, 20.0).unwrap();
        sender.skip(600_000);
        let link = format!("#{}", permalink::encode(&sender.export()));
        let mut s = open("", &link);
        s.update(Input::Frame { wall_ms: 16.0 });
        let drawn = versions::drawn(&s, None);
        s.update(Input::Key(KeyCommand::ToggleHelp));
        assert!(s.playground.opening().is_some());
        let now = versions::drawn(&s, Some(&drawn));
        assert_ne!(now.edits, drawn.edits);
        assert_ne!(now.picture, drawn.picture);
    }

    /// The help is a modal dialog: keys behind it change nothing but the
    /// dialog itself (a client request used to be recorded behind it).
    #[test]
    fn keys_behind_the_help_change_nothing() {
        let mut s = open("?seed=2&paused=1", "");
        s.update(Input::Skip(1_000));
        s.update(Input::Key(KeyCommand::ToggleHelp));
        assert!(s.playground.help_open);
        let before = (
            s.playground.sim.trace_hash(),
            s.playground.scenario.actions.len(),
        );
        for input in [
            Input::Key(KeyCommand::ClientRequestToLeader),
            Input::Key(KeyCommand::TogglePause),
            Input::Key(KeyCommand::StepBack),
            Input::Arrow { forward: true },
        ] {
            s.update(input);
            let now = (
                s.playground.sim.trace_hash(),
                s.playground.scenario.actions.len(),
            );
            assert_eq!(now, before);
            assert!(s.playground.paused && s.playground.help_open);
        }
        s.update(Input::Key(KeyCommand::Close));
        assert!(!s.playground.help_open);
        s.update(Input::Key(KeyCommand::ClientRequestToLeader));
        assert_eq!(s.playground.scenario.actions.len(), before.1 + 1);
    }
}

mod host_and_address {
    use super::*;

    #[test]
    fn a_refused_host_command_is_reported_once_and_changes_nothing() {
        let mut s = open("?paused=1", "");
        s.update(Input::Host(HostCommand::SetSpeed { speed: 1e9 }));
        let events = s.host_events(0.0);
        assert!(
            matches!(&events[..], [HostEvent::Error { command, message }] if command == "set_speed" && message.contains("speed")),
            "{events:?}"
        );
        assert!(s.host_events(0.0).is_empty(), "reported once");
        assert_ne!(s.playground.speed, 1e9);
    }

    /// At the slowest speed the next change is up to a second away, but a
    /// host following the clock is told it about four times a second.
    #[test]
    fn a_host_following_the_clock_wakes_the_page_for_it() {
        use crate::view::host_api::CLOCK_INTERVAL_MS;
        let mut s = open("", "");
        s.update(Input::SetSpeed(crate::view::speed::MIN_SPEED));
        assert!(s.idle_ms() > CLOCK_INTERVAL_MS, "{}", s.idle_ms());
        s.update(Input::Host(HostCommand::Subscribe {
            events: vec![EventKind::Clock],
        }));
        assert_eq!(s.idle_ms(), CLOCK_INTERVAL_MS);
        s.update(Input::Key(KeyCommand::TogglePause));
        assert_eq!(s.idle_ms(), 0.0, "paused, no sleep: no frames");
    }

    #[test]
    fn a_tour_puts_its_step_in_the_address_and_ending_it_leaves_its_run() {
        let mut s = open("?embed=1", "");
        assert_eq!(s.address_query("?embed=1", ""), None, "not ours to rewrite");
        s.update(Input::TourChoose("figure-8".into()));
        // origin= as written, even one that names no origin: a reload
        // must go on refusing hosts (url_params::HostOrigin::Nobody).
        // So does view= (a reload of ?view=experiments&tour=... opened the
        // tour's player instead).
        assert_eq!(
            s.address_query("?view=experiments&tour=split-vote&step=2", "")
                .as_deref(),
            Some("?view=experiments&tour=figure-8&step=1")
        );
        let bad = s.address_query("?embed=1&origin=htps://host.example", "");
        assert_eq!(
            bad.as_deref(),
            Some("?embed=1&origin=htps://host.example&tour=figure-8&step=1")
        );
        let wanted = s.address_query("?embed=1&origin=https://host.example", "");
        assert_eq!(
            wanted.as_deref(),
            Some("?embed=1&origin=https://host.example&tour=figure-8&step=1")
        );
        s.update(Input::Skip(300));
        s.update(Input::TourEnd);
        let ended = s
            .address_query("?embed=1&tour=figure-8&step=1", "")
            .unwrap();
        let (query, hash) = ended.split_at(ended.find('#').unwrap());
        assert_eq!(query, "?embed=1", "the tour's step goes");
        assert!(hash.starts_with("#r="), "{hash}");
        assert_eq!(
            open(query, hash).playground.sim.trace_hash(),
            s.playground.sim.trace_hash(),
            "a reload opens the tour's run where it was ended"
        );
        s.update(Input::TourEnd);
        assert_eq!(
            s.address_query(query, hash),
            None,
            "ending twice changes nothing"
        );
    }

    /// Ending a tour adds the ended run's entry: Back from it is the
    /// tour at the step it was ended on (a tour opened by a link was the
    /// first entry, and Back left the site). An embed adds none.
    #[test]
    fn ending_a_tour_is_an_entry_of_its_own() {
        for end in [Input::TourEnd, Input::TourChoose(String::new())] {
            let mut s = open("?tour=split-vote&step=3", "");
            s.update(Input::Skip(100));
            s.update(end.clone());
            assert!(s.tour.is_none());
            assert!(s.new_history_entry, "{end:?} adds an entry");
            let ended = s.address_query("?tour=split-vote&step=3", "").unwrap();
            assert!(ended.starts_with("#r="), "{ended}");
            // Back: the step's address opens the tour at its step.
            s.update(Input::AddressMoved {
                search: "?tour=split-vote&step=3".into(),
                hash: String::new(),
            });
            assert_eq!(s.tour.as_ref().map(|t| t.step), Some(2), "step 3");
            assert!(!s.new_history_entry);
            s.update(Input::TourEnd);
            s.update(Input::TourEnd);
            assert!(!s.new_history_entry, "ending no tour adds nothing");
        }
        let mut embed = open("?embed=1&tour=split-vote&step=3", "");
        embed.update(Input::TourEnd);
        assert!(!embed.new_history_entry, "an embed adds no history entry");
    }

    /// Back to the step a tour was ended at: the steps before it are still
    /// entries, so the tour's own Back goes Back in the history (it rewrote
    /// the step's entry, and the browser's Back then showed it again).
    #[test]
    fn back_to_an_ended_tour_keeps_its_steps_in_the_history() {
        let mut s = open("?tour=figure-8&step=1", "");
        for _ in 0..2 {
            s.update(Input::TourNext);
            s.update(Input::TourNext); // the stretch played out
        }
        assert_eq!(s.tour.as_ref().map(|t| t.step), Some(2));
        s.update(Input::TourEnd);
        s.update(Input::Frame { wall_ms: 16.0 });
        s.update(Input::AddressMoved {
            search: "?tour=figure-8&step=3".into(),
            hash: String::new(),
        });
        assert_eq!(s.tour.as_ref().map(|t| t.step), Some(2));
        s.update(Input::TourBack);
        assert!(s.back_in_history, "step 2 is the entry before");
        // Another tour's step is no such entry.
        let mut other = open("?tour=figure-8&step=3", "");
        other.update(Input::TourEnd);
        other.update(Input::AddressMoved {
            search: "?tour=split-vote&step=3".into(),
            hash: String::new(),
        });
        other.update(Input::TourBack);
        assert!(!other.back_in_history, "no step of it is an entry");
    }

    /// A tour's step forward is a new entry in the browser's history, so
    /// Back (a phone's back gesture) returns to the step before instead of
    /// leaving the page; the session follows the address Back and Forward
    /// give it, within the tour on screen.
    #[test]
    fn back_and_forward_move_through_a_tours_steps() {
        let mut s = open("?tour=figure-8&step=1", "");
        let step = |s: &Session| s.tour.as_ref().unwrap().step;
        for to in [1, 2] {
            s.update(Input::TourNext);
            assert!(s.new_history_entry, "Next adds an entry");
            assert_eq!(step(&s), to, "playing to step {to}");
            s.update(Input::TourNext);
            assert!(!s.new_history_entry, "finishing the stretch is no new step");
            assert!(s.playground.pause_at.is_none());
        }
        let at_three = s.playground.sim.trace_hash();
        // Back: the address names step 2.
        s.update(Input::AddressMoved {
            search: "?tour=figure-8&step=2".into(),
            hash: String::new(),
        });
        assert_eq!(step(&s), 1);
        assert!(!s.new_history_entry, "following the address adds no entry");
        // Forward: step 3 again, and the run where it was.
        s.update(Input::AddressMoved {
            search: "?tour=figure-8&step=3".into(),
            hash: String::new(),
        });
        assert!(!s.new_history_entry);
        s.update(Input::TourNext); // to the stretch's end, as a person would
        assert_eq!(step(&s), 2);
        assert_eq!(s.playground.sim.trace_hash(), at_three);
        // Two back at once (a long press on Back): straight there.
        s.update(Input::AddressMoved {
            search: "?tour=figure-8&step=1".into(),
            hash: String::new(),
        });
        assert_eq!(step(&s), 0);
        // Another tour's address opens that tour at that step.
        s.update(Input::AddressMoved {
            search: "?tour=split-vote&step=2".into(),
            hash: String::new(),
        });
        assert_eq!(
            s.tour.as_ref().map(|t| (t.tour.id, t.step)),
            Some(("split-vote", 1))
        );
        // An entry of no tour opens what a reload of it would, and its
        // address stays as written.
        s.update(Input::AddressMoved {
            search: "?seed=4".into(),
            hash: String::new(),
        });
        assert!(s.tour.is_none());
        assert_eq!(s.playground.scenario.seed, 4);
        assert_eq!(s.address_query("?seed=4", ""), None);
        // Its load is the address's, and a Reset keeps it.
        s.update(Input::TourChoose("figure-8".into()));
        s.update(Input::AddressMoved {
            search: "?seed=4&load=2".into(),
            hash: String::new(),
        });
        s.update(Input::Reset);
        assert_eq!(s.playground.scenario.workload.map(|w| w.rate), Some(2.0));
    }

    /// The tour's Back (its button, or ←) over a step that is an entry in
    /// the browser's history goes Back there, and the session moves when
    /// the address does; so the browser's Back then leaves that step,
    /// rather than showing it again. A step with no entry before it moves
    /// at once, as does every step of an embed, which adds no entries to
    /// the host page's history.
    #[test]
    fn a_tours_back_goes_back_in_the_browsers_history() {
        let mut s = open("?tour=figure-8", "");
        let step = |s: &Session| s.tour.as_ref().unwrap().step;
        let address = |step: usize| Input::AddressMoved {
            search: format!("?tour=figure-8&step={step}"),
            hash: String::new(),
        };
        for _ in 0..2 {
            s.update(Input::TourNext);
            assert!(s.new_history_entry);
            s.update(Input::TourNext); // the stretch played out
        }
        assert_eq!(step(&s), 2);
        for (back, to) in [(Input::TourBack, 1), (Input::Arrow { forward: false }, 0)] {
            s.update(back);
            assert!(s.back_in_history, "Back to step {}", to + 1);
            assert_eq!(step(&s), to + 1, "the session waits for the address");
            s.update(address(to + 1));
            assert!(!s.back_in_history, "taken once");
            assert_eq!(step(&s), to);
        }
        // Forward, then the tour's Back again: that entry is still there.
        s.update(address(2));
        s.update(Input::TourBack);
        assert!(s.back_in_history);
        s.update(address(1));
        s.update(Input::TourNext); // step 2, a new entry
                                   // A second Back while the first is on its way waits for it (a
                                   // double click went past the tour's first entry, out of the page).
        s.update(Input::TourBack);
        assert!(s.back_in_history);
        s.update(Input::TourBack);
        assert!(!s.back_in_history, "one Back asked for");
        assert_eq!(step(&s), 1);
        s.update(address(1));
        assert_eq!(step(&s), 0);
        s.update(Input::TourBack);
        assert!(!s.back_in_history, "no entry of the tour behind");
        // An entry of the page's own (the Experiments view) ends the
        // tour's entries behind it: its Back moves at once.
        s.update(Input::TourNext);
        s.update(Input::TourNext);
        s.history_pushed();
        s.update(Input::TourBack);
        assert!(!s.back_in_history);
        assert_eq!(step(&s), 0);
        // Opened at step 3, the steps before are no entries: moved at once.
        let mut s = open("?tour=figure-8&step=3", "");
        s.update(Input::TourBack);
        assert!(!s.back_in_history);
        assert_eq!(step(&s), 1);
        // An embed's steps are replaced, never added.
        let mut s = open("?embed=1&tour=figure-8", "");
        s.update(Input::TourNext);
        assert!(!s.new_history_entry, "an embed adds no history entry");
        s.update(Input::TourNext);
        s.update(Input::TourBack);
        assert!(!s.back_in_history);
        assert_eq!(step(&s), 0);
    }

    /// After Reset the address names the new run, so a reload opens it:
    /// the seed and size replace the old ones, the load and disk Reset
    /// keeps follow them, and a link goes; the page's own settings stay.
    #[test]
    fn a_reset_puts_its_seed_and_size_in_the_address() {
        let search = "?embed=1&seed=3&load=2.5&paused=1&disk=slow";
        let mut s = open(search, "");
        assert_eq!(s.address_query(search, ""), None, "as opened");
        s.update(Input::SeedText("8".into()));
        s.update(Input::NodesText("7".into()));
        s.update(Input::Reset);
        assert_eq!(
            s.address_query(search, "#r=old").as_deref(),
            Some("?embed=1&paused=1&seed=8&nodes=7&load=2.5&disk=slow")
        );
        let now = "?embed=1&paused=1&seed=8&nodes=7&load=2.5&disk=slow";
        assert_eq!(s.address_query(now, ""), None, "already there");
        assert_eq!(
            s.address_query(now, "#r=old").as_deref(),
            Some(now),
            "the old link's fragment goes"
        );
        s.update(Input::TourChoose("figure-8".into()));
        assert_eq!(
            s.address_query(now, "").as_deref(),
            Some("?embed=1&paused=1&tour=figure-8&step=1"),
            "a tour after the reset names the tour"
        );
        // A key the page said it ignored goes, or every reload would say
        // so again; what a sharing site added stays.
        let noisy = "?Seed=7&utm_source=x&colour=red";
        let mut s = open(noisy, "");
        s.update(Input::Reset);
        assert_eq!(
            s.address_query(noisy, "").as_deref(),
            Some("?utm_source=x&seed=1&nodes=5")
        );
    }

    /// A run opened from a scenario (pasted, a file, a trial of the
    /// Experiments view, a found failure) puts its link in the address,
    /// so a reload opens it rather than the seed the address named; a
    /// link opened from the address is left as it was written.
    #[test]
    fn an_opened_scenario_puts_its_link_in_the_address() {
        let search = "?seed=11&paused=1";
        let mut s = open(search, "");
        s.update(Input::SeedText("12".into()));
        s.update(Input::Reset);
        s.update(Input::Skip(700));
        s.update(Input::Share {
            page: "https://example.org/raft/".into(),
        });
        let shared = s.drafts.shared.clone().unwrap().url;
        let fragment = shared.split_once('#').unwrap().1.to_string();
        let mut other = open(search, "");
        other.update(Input::ImportText(shared.clone()));
        other.update(Input::Import);
        assert_eq!(other.drafts.error, None);
        let wanted = other.address_query(search, "").unwrap();
        assert_eq!(wanted, format!("?paused=1#{fragment}"));
        let (query, hash) = wanted.split_at(wanted.find('#').unwrap());
        assert_eq!(other.address_query(query, hash), None, "already there");
        let reloaded = open(query, hash);
        assert_eq!(
            reloaded.playground.sim.trace_hash(),
            other.playground.sim.trace_hash(),
            "a reload opens the same run at the same moment"
        );
        let mut linked = open(search, "");
        linked.update(Input::LinkOpened {
            fragment: format!("#{fragment}"),
        });
        assert_eq!(linked.address_query(search, &format!("#{fragment}")), None);
    }

    /// The link and the embed code shown name one moment: each button
    /// writes the other anew (the link kept Share's moment while Embed's
    /// code had a later one, a page tester saw). The iframe loads the page
    /// without its query.
    #[test]
    fn share_and_embed_show_the_same_moment() {
        let mut s = open("?seed=4&paused=1", "");
        let page = "https://example.org/raft/?seed=4&paused=1";
        let fragment = |text: &str| {
            let link = text.split("#r=").nth(1)?;
            let end = link.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            Some(link[..end.unwrap_or(link.len())].to_string())
        };
        s.update(Input::Share { page: page.into() });
        let first = fragment(&s.drafts.shared.as_ref().unwrap().url);
        s.update(Input::Skip(1_000));
        s.update(Input::Embed { page: page.into() });
        let snippet = s.drafts.embed_snippet.clone().unwrap().html;
        assert!(
            snippet.contains("src=\"https://example.org/raft/?embed=1"),
            "{snippet}"
        );
        let link = s.drafts.shared.as_ref().unwrap();
        assert_eq!(fragment(&link.url), fragment(&snippet));
        assert_ne!(
            fragment(&link.url),
            first,
            "the link moved on with the embed"
        );
        assert_eq!(link.json, None, "its JSON is written anew");
        s.update(Input::Skip(1_000));
        s.update(Input::Share { page: page.into() });
        let snippet = s.drafts.embed_snippet.clone().unwrap().html;
        assert_eq!(
            fragment(&s.drafts.shared.as_ref().unwrap().url),
            fragment(&snippet)
        );
    }

    #[test]
    fn the_embed_snippet_and_full_link_name_the_tour_step_or_the_run() {
        let mut s = open("", "");
        s.update(Input::TourChoose("figure-8".into()));
        s.update(Input::TourNext);
        let page = "https://example.org/raft/";
        let code = s.embed_snippet(page);
        assert!(
            code.html.contains("?embed=1&amp;tour=figure-8&amp;step=2"),
            "{}",
            code.html
        );
        let title = crate::view::tours::find("figure-8").unwrap().title;
        assert_eq!(
            code.embeds,
            format!("step 2 of the tour \u{201c}{title}\u{201d}")
        );
        assert_eq!(
            s.full_playground_link(page),
            format!("{page}?tour=figure-8&step=2")
        );
        s.update(Input::TourEnd);
        assert!(s
            .full_playground_link(page)
            .starts_with(&format!("{page}#r=")));
        let code = s.embed_snippet(page);
        assert!(code.html.contains("#r="));
        assert_eq!(code.embeds, "the run");
    }
}

mod json_inputs {
    use super::*;

    /// The inputs that read or write JSON are the ones the page holds back
    /// until the studio (the JSON reader's module) is there.
    #[test]
    fn only_inputs_that_read_or_write_json_need_the_reader() {
        let mut s = open("", "");
        let json = include_str!("../../../docs/examples/minority-leader.json").to_string();
        let old_link = format!("s={}", crate::sim::link::base64url(json.as_bytes()));
        assert!(!s.needs_json(&Input::Share { page: "p".into() }));
        assert!(s.needs_json(&Input::ShareJson));
        assert!(s.needs_json(&Input::FileRead(Ok(json.clone()))));
        assert!(!s.needs_json(&Input::FileRead(Err("unreadable".into()))));
        assert!(s.needs_json(&Input::LinkOpened {
            fragment: format!("#{old_link}")
        }));
        assert!(!s.needs_json(&Input::LinkOpened {
            fragment: shared_link(3)
        }));
        assert!(!s.needs_json(&Input::Import), "nothing pasted");
        s.update(Input::ImportText(json.clone()));
        assert!(s.needs_json(&Input::Import));
        s.update(Input::ImportText(shared_link(3)));
        assert!(!s.needs_json(&Input::Import));
        assert!(!s.needs_json(&Input::Key(KeyCommand::TogglePause)));
        // And what they decide still reads the JSON (natively, directly).
        s.update(Input::FileRead(Ok(json)));
        assert_eq!(s.playground.scenario.nodes, 5);
        assert_eq!(s.drafts.error, None);
    }
}

mod speed {
    use super::*;
    use crate::view::speed::{MAX_SPEED, MIN_SPEED};

    /// The slider sends only speeds in its range; anything else is held to
    /// it (a frame at 10^12x would run the simulation for ages), and a
    /// NaN is ignored (found by tests/session_monkey.rs).
    #[test]
    fn an_absurd_speed_is_kept_to_the_sliders_range() {
        let mut s = open("", "");
        s.update(Input::SetSpeed(1e12));
        assert_eq!(s.playground.speed, MAX_SPEED);
        s.update(Input::SetSpeed(-3.0));
        assert_eq!(s.playground.speed, MIN_SPEED);
        s.update(Input::SetSpeed(f64::NAN));
        assert_eq!(s.playground.speed, MIN_SPEED);
        s.update(Input::SetSpeed(0.5));
        assert_eq!(s.playground.speed, 0.5);
    }
}

/// A review's cases: Undo's address must not pin the address once the
/// person moves on.
mod undo_address_is_put_back_once {
    use super::*;

    /// A session opened at `search`, reset to seed 9 and undone, with the
    /// page's address following each step as `App::sync_address` does;
    /// the Undo puts `search` back.
    fn reset_and_undo(search: &str) -> Session {
        let mut s = open(search, "");
        s.saw_address(search, "");
        s.update(Input::SeedText("9".into()));
        s.update(Input::Reset);
        let reset = s.address_query(search, "").expect("the Reset's address");
        s.saw_address(&reset, "");
        s.update(Input::Undo);
        let back = s.address_query(&reset, "").expect("Undo puts it back");
        assert_eq!(back, search);
        s.saw_address(&back, "");
        s
    }

    /// A tour restored by Undo goes on to its next step: the address must
    /// name that step, as it would without the Reset and its Undo.
    #[test]
    fn a_tour_step_after_an_undone_reset_is_written() {
        let search = "?tour=figure-8&step=2";
        let mut s = reset_and_undo(search);
        assert_eq!(s.tour.as_ref().unwrap().step, 1);
        s.update(Input::TourNext);
        assert_eq!(s.tour.as_ref().unwrap().step, 2, "the tour is at step 3");
        assert!(s.new_history_entry, "a new history entry is wanted");
        assert_eq!(
            s.address_query(search, "").as_deref(),
            Some("?tour=figure-8&step=3"),
            "the address should follow the tour"
        );
    }

    /// The same after a fork's Undo, within a tour.
    #[test]
    fn a_tour_step_after_an_undone_fork_is_written() {
        let search = "?tour=figure-8&step=2";
        let mut s = open(search, "");
        s.saw_address(search, "");
        s.update(Input::TourNext);
        s.update(Input::TourNext); // the stretch played out
        let search = format!("?tour=figure-8&step={}", s.tour.as_ref().unwrap().step + 1);
        let search = search.as_str();
        s.saw_address(search, "");
        assert!(s.playground.sim.now() > 0);
        s.update(Input::Seek(s.playground.sim.now() / 2));
        assert!(s.playground.in_the_past());
        s.update(Input::Act(Action::SpreadTimers));
        assert!(s.can_undo(), "{:?}", s.notice_text());
        s.update(Input::Undo);
        assert_eq!(s.address_query(search, ""), None, "in place");
        s.saw_address(search, ""); // as App::sync_address does
        let before = s.tour.as_ref().unwrap().step;
        s.update(Input::TourNext);
        let after = s.tour.as_ref().unwrap().step;
        assert_eq!(after, before + 1);
        assert_eq!(
            s.address_query(search, "").as_deref(),
            Some(format!("?tour=figure-8&step={}", after + 1).as_str()),
            "the address should follow the tour"
        );
    }

    /// After an Undo, the Experiments view's view= (pushed by the page's
    /// own code) must stay, as address_query keeps it otherwise.
    #[test]
    fn view_experiments_survives_an_undone_reset() {
        let s = reset_and_undo("?seed=5&paused=1");
        // The person opens the Experiments view: the page pushes view=.
        let experiments = "?seed=5&paused=1&view=experiments";
        assert_eq!(
            s.address_query(experiments, ""),
            None,
            "the view's address must not be rewritten"
        );
    }
}

/// A drag cut short (found by a review).
mod stale_drag {
    use super::*;

    #[test]
    fn a_drag_left_unfinished_does_not_come_back_with_time_travel() {
        let mut s = open("?paused=1", "");
        s.update(Input::Skip(1_000));
        let base = s.playground.sim.network().config;
        s.update(Input::NetworkDrag(NetworkEdit::Loss(0.5)));
        // No change event (the drag was cut short); the run goes on and
        // its settings change.
        s.update(Input::Skip(500));
        let other = NetworkEdit::Duplication(0.2).apply(base);
        s.update(Input::Act(Action::SetNetwork(other)));
        assert_eq!(s.network_shown(), other);
        s.update(Input::Skip(500));
        // Back before that change: the run's settings are `base` again.
        s.update(Input::Seek(1_200 * crate::raft::MILLIS));
        assert_eq!(s.playground.sim.network().config, base);
        assert_eq!(
            s.network_shown().loss,
            base.loss,
            "the panel shows the run's loss, not the old drag's"
        );
    }
}
