//! Tests of `versions.rs`.

use super::*;
use crate::view::keys::KeyCommand;
use crate::view::session::Input;
use crate::view::url_params::UrlParams;
use std::rc::Rc;

/// A 5-node cluster with a leader, playing.
fn playing() -> Session {
    let mut s = Session::open(&UrlParams::default(), &[], "", true);
    assert!(s.playground.paused, "reduced motion opens paused");
    s.update(Input::Skip(1_000));
    s.update(Input::Key(KeyCommand::TogglePause));
    s
}

/// The simulated millisecond `p` is in.
fn tick(p: &Playground) -> u64 {
    p.sim.now() / MILLIS
}

/// Frames of `wall_ms` until one passes with no simulator event in it
/// and, if `new_tick`, into the next simulated millisecond (else within
/// the same one): the keys before and after that frame.
fn quiet_frame(s: &mut Session, wall_ms: f64, new_tick: bool) -> (Versions, Versions) {
    loop {
        let before = s.versions();
        let (events, ticked) = (s.playground.sim.events(), tick(&s.playground));
        s.update(Input::Frame { wall_ms });
        let quiet = s.playground.sim.events() == events;
        if quiet && (tick(&s.playground) != ticked) == new_tick {
            return (before, s.versions());
        }
    }
}

/// A section below the picture out of view keeps the key it was last
/// drawn with however the run moves, so it is not drawn again; back in
/// view, it takes the run's key at once. Scrolling itself redraws
/// nothing, and the sections in view move as they would.
#[test]
fn a_section_out_of_view_is_not_drawn_again_until_it_is_back() {
    let mut s = playing();
    let first = drawn(&s, None);
    assert_eq!(first, s.versions(), "the first drawing is the run's");
    for section in Section::ALL {
        s.update(Input::OnScreen {
            section,
            in_view: false,
        });
    }
    assert_eq!(drawn(&s, Some(&first)), first, "scrolling redraws nothing");
    let mut shown = first;
    for _ in 0..300 {
        s.update(Input::Frame { wall_ms: 16.0 });
        shown = drawn(&s, Some(&shown));
    }
    // And a person's input elsewhere (which redraws what is in view).
    s.update(Input::Skip(2_000));
    shown = drawn(&s, Some(&shown));
    let held = |v: &Versions| (v.logs, v.applied, v.diagram, v.events);
    assert_eq!(held(&shown), held(&first));
    let now = s.versions();
    assert_ne!(now.logs, first.logs, "heartbeats and the skip moved them");
    assert_ne!(shown.picture, first.picture, "the picture moved on");
    assert_eq!(shown.picture, now.picture);
    s.update(Input::OnScreen {
        section: Section::Diagram,
        in_view: true,
    });
    let back = drawn(&s, Some(&shown));
    assert_ne!(back.diagram, first.diagram, "messages went by");
    assert_eq!(
        back.diagram,
        s.versions().diagram,
        "back in view, drawn as it is"
    );
    assert_eq!(
        back.events, first.events,
        "the event log is still out of view"
    );
}

/// The Membership box's "Not now" reason and buttons follow the commits
/// that change them: the box is drawn again when the new leader's first
/// entry commits, with nothing else in it changed (the reason stayed up
/// while the run played, a page tester saw).
#[test]
fn the_membership_box_is_drawn_again_when_its_offers_change() {
    let mut s = playing();
    let refused = |s: &Session| crate::view::membership::offers(&s.playground.sim).add_refusal;
    // A fresh election: the new leader has committed nothing of its term.
    let leader = s.playground.sim.leader().expect("a leader after 1 s");
    s.update(Input::Act(crate::sim::Action::Stop(leader)));
    let mut waited = 0;
    while !refused(&s).is_some_and(|r| r.contains("not committed an entry of its term")) {
        s.update(Input::Frame { wall_ms: 16.0 });
        waited += 1;
        assert!(waited < 2_000, "no new leader without a commit");
    }
    let before = s.versions().network;
    while refused(&s).is_some() {
        s.update(Input::Frame { wall_ms: 16.0 });
    }
    assert_ne!(s.versions().network, before, "the box is drawn again");
}

/// An embed draws no diagram, so it never computes one, however many
/// messages go by, nor wakes for it.
#[test]
fn an_embed_computes_no_diagram() {
    let (params, _) = crate::view::url_params::UrlParams::parse("?embed=1&seed=3");
    let mut embed = Session::open(&params, &[], "", false);
    assert!(embed.embed && !embed.playground.paused);
    let first = embed.playground.sequence.content();
    for _ in 0..300 {
        embed.update(Input::Frame { wall_ms: 16.0 });
    }
    assert!(embed.playground.messages.version() > 20, "messages went by");
    assert!(Rc::ptr_eq(&first, &embed.playground.sequence.content()));
    embed.update(Input::Key(KeyCommand::TogglePause));
    embed.update(Input::Rest);
    assert!(
        Rc::ptr_eq(&first, &embed.playground.sequence.content()),
        "nor at rest"
    );
}

/// The diagram out of view is not computed either: it stays the one
/// last drawn however many messages go by, and the page never wakes
/// sooner for it; back in view, it is the diagram of a twin session
/// that kept it in view all along.
#[test]
fn a_diagram_out_of_view_is_not_computed_until_it_is_back() {
    let (mut hidden, mut twin) = (playing(), playing());
    hidden.update(Input::OnScreen {
        section: Section::Diagram,
        in_view: false,
    });
    let held = hidden.playground.sequence.content();
    let mut recomputed = 0;
    for _ in 0..300 {
        let before = twin.playground.sequence.content();
        hidden.update(Input::Frame { wall_ms: 16.0 });
        twin.update(Input::Frame { wall_ms: 16.0 });
        recomputed += !Rc::ptr_eq(&before, &twin.playground.sequence.content()) as u32;
        assert!(Rc::ptr_eq(&held, &hidden.playground.sequence.content()));
        assert!(hidden.idle_ms() >= twin.idle_ms());
    }
    assert!(
        recomputed > 10,
        "the twin's diagram moved {recomputed} times"
    );
    assert_eq!(hidden.playground.sim.now(), twin.playground.sim.now());
    hidden.update(Input::OnScreen {
        section: Section::Diagram,
        in_view: true,
    });
    assert_eq!(
        *hidden.playground.sequence.content(),
        *twin.playground.sequence.content()
    );
    assert_eq!(hidden.versions().diagram, twin.versions().diagram);
    // At rest, it is computed as if in view (find in page, printing).
    hidden.update(Input::OnScreen {
        section: Section::Diagram,
        in_view: false,
    });
    for s in [&mut hidden, &mut twin] {
        s.update(Input::Frame { wall_ms: 400.0 });
        s.update(Input::Key(KeyCommand::TogglePause));
        s.update(Input::Rest);
    }
    assert_eq!(hidden.versions().diagram, twin.versions().diagram);
}

/// At rest (paused a moment, or printing), every section is drawn as
/// it is, in view or not, so find in page and a printout see the run
/// on screen; the next input but scrolling holds them again.
#[test]
fn at_rest_the_sections_out_of_view_are_drawn_as_they_are() {
    let mut s = playing();
    let first = drawn(&s, None);
    for section in Section::ALL {
        s.update(Input::OnScreen {
            section,
            in_view: false,
        });
    }
    let mut shown = first;
    for _ in 0..300 {
        s.update(Input::Frame { wall_ms: 16.0 });
        shown = drawn(&s, Some(&shown));
    }
    s.update(Input::Key(KeyCommand::TogglePause));
    shown = drawn(&s, Some(&shown));
    let held = |v: &Versions| (v.logs, v.applied, v.diagram, v.events);
    assert_eq!(held(&shown), held(&first), "paused, not yet at rest");
    let edits = s.edits;
    s.update(Input::Rest);
    assert_eq!(s.edits, edits, "coming to rest redraws nothing else");
    shown = drawn(&s, Some(&shown));
    assert_eq!(shown, s.versions(), "at rest, everything as it is");
    assert_ne!(held(&shown), held(&first));
    s.update(Input::OnScreen {
        section: Section::Diagram,
        in_view: true,
    });
    assert!(s.at_rest, "scrolling leaves the page at rest");
    s.update(Input::Key(KeyCommand::TogglePause));
    let rested = shown;
    for _ in 0..300 {
        s.update(Input::Frame { wall_ms: 16.0 });
        shown = drawn(&s, Some(&shown));
    }
    assert!(!s.at_rest);
    assert_eq!(shown.logs, rested.logs, "running again, held again");
    assert_ne!(shown.diagram, rested.diagram, "but not what is in view");
}

/// The diagram's key moves when its content is computed again (a
/// message sent or delivered, the next tick), and only then (while its
/// slide plays on).
#[test]
fn the_diagrams_key_moves_with_its_content() {
    let mut s = playing();
    let (mut moved, mut still) = (0, 0);
    for _ in 0..300 {
        let (content, key) = (s.playground.sequence.content(), s.versions().diagram);
        s.update(Input::Frame { wall_ms: 16.0 });
        let same = Rc::ptr_eq(&content, &s.playground.sequence.content());
        assert_eq!(same, key == s.versions().diagram);
        (moved, still) = if same {
            (moved, still + 1)
        } else {
            (moved + 1, still)
        };
    }
    assert!(moved > 5 && still > 5, "{moved} changes, {still} still");
}

/// Between two of the clock's milliseconds, with nothing arriving, a
/// frame changes nothing on the page (the messages fly by themselves).
#[test]
fn a_frame_within_a_tick_changes_no_key() {
    let mut s = playing();
    let (before, after) = quiet_frame(&mut s, 5.0, false);
    assert_eq!(before, after);
}

/// Into the next simulated millisecond with nothing arriving, the
/// picture is not drawn again either: its timers run down by themselves.
#[test]
fn a_frame_in_which_nothing_arrives_redraws_only_the_moving_parts() {
    let mut s = playing();
    let (before, after) = quiet_frame(&mut s, 16.0, true);
    for (part, a, b) in [
        ("picture", before.picture, after.picture),
        ("logs", before.logs, after.logs),
        ("applied", before.applied, after.applied),
        ("events", before.events, after.events),
        ("safety", before.safety, after.safety),
        ("client", before.client, after.client),
        ("network", before.network, after.network),
        ("bar", before.bar, after.bar),
        ("tour", before.tour, after.tour),
        ("details", before.details, after.details),
        ("marks", before.marks, after.marks),
        ("links", before.links, after.links),
        ("edits", before.edits, after.edits),
    ] {
        assert_eq!(a, b, "{part} must not be redrawn by a quiet frame");
    }
}

/// A follower's timer restarts with every heartbeat: its sweep starts
/// again, but its clip boxes, which only move with the server, keep
/// their keys (so they are not placed again).
#[test]
fn a_timer_restart_keeps_its_clip_boxes_keys() {
    let mut s = playing();
    let keys = |s: &Session, id: u64| {
        let p = &s.playground;
        let n = &p.scene.nodes[id as usize - 1];
        let turning = super::super::motion::sweep(n, p.sim.now(), p.speed, p.paused)
            .expect("a follower's timer runs");
        let clips = [Side::Right, Side::Left].map(|side| clip(side, turning.side_box(side).0));
        (n.timer_ends, sweep(s, n), clips)
    };
    let follower = (1..=5)
        .find(|&id| {
            s.playground.scene.nodes[id as usize - 1]
                .timer_ends
                .is_some()
        })
        .expect("a follower");
    let (ends, sweep_before, clips_before) = keys(&s, follower);
    while s.playground.scene.nodes[follower as usize - 1].timer_ends == ends {
        s.update(Input::Frame { wall_ms: 16.0 });
    }
    let (_, sweep_after, clips_after) = keys(&s, follower);
    assert_ne!(sweep_before, sweep_after, "the timer restarted");
    assert_eq!(clips_before, clips_after);
    assert_ne!(
        clips_before[0], clips_before[1],
        "each side has its own key"
    );
    // A box that moves has a new key.
    assert_ne!(
        clip(Side::Right, [1.0, 2.0, 3.0, 4.0]),
        clip(Side::Right, [1.0, 2.0, 3.0, 4.5])
    );
}

/// Frames alone (no input) that carry a request to commit change the
/// keys of every part that shows it.
#[test]
fn frames_that_commit_a_request_redraw_the_parts_that_show_it() {
    let mut s = playing();
    let leader = s.playground.sim.leader().unwrap();
    s.update(Input::Select(Selection::Node(leader)));
    s.update(Input::ClientText("hello".into()));
    s.update(Input::Send);
    let start = s.versions();
    let committed =
        |s: &Session| crate::view::requests::latest(&s.playground.sim, 1)[0].outcome == Outcome::Ok;
    let mut frames = 0;
    while !committed(&s) {
        s.update(Input::Frame { wall_ms: 16.0 });
        frames += 1;
        assert!(frames < 5_000, "the request never committed");
    }
    let end = s.versions();
    assert_eq!(start.edits, end.edits, "frames are not edits");
    assert_ne!(start.clock, end.clock, "time went on");
    assert_eq!(start.network, end.network, "the network did not change");
    assert_ne!(start.logs, end.logs, "the entry was appended and committed");
    assert_ne!(start.applied, end.applied, "and applied");
    assert_ne!(start.client, end.client, "the request's status moved");
    assert_ne!(start.details, end.details, "the leader's commitIndex moved");
    assert_ne!(start.events, end.events, "the event log says so");
}

#[test]
fn every_input_but_a_frame_redraws_everything() {
    let mut s = playing();
    let a = s.versions();
    s.update(Input::SeedText("7".into()));
    let b = s.versions();
    assert_ne!(a.edits, b.edits);
    assert_ne!(a.logs, b.logs);
    assert_ne!(a.network, b.network);
}

#[test]
fn a_partition_redraws_the_links_when_it_happens() {
    let mut s = playing();
    let before = s.versions();
    s.playground
        .act(crate::sim::Action::Partition(vec![vec![1, 2]]));
    assert_ne!(
        before.links,
        s.versions().links,
        "cut links are drawn dashed"
    );
}

/// A scenario's own settings actions (no input of the person's) move
/// the network panel's key: its menus show them.
#[test]
fn settings_a_scenario_changes_redraw_the_network_panel() {
    use crate::sim::membership::Replacement;
    use crate::sim::Action;
    let mut s = playing();
    for action in [
        Action::SetDriftBound(20_000),
        Action::SetSnapshots(Some(6)),
        Action::SetReplacement(Replacement::OneByOne),
    ] {
        let before = s.versions().network;
        s.playground.act(action.clone());
        assert_ne!(before, s.versions().network, "{action}");
    }
}

/// The leader promotes a caught-up learner during frames, with no
/// input: the network panel's membership line and the node move.
#[test]
fn a_promotion_during_frames_redraws_the_network_panel_and_the_node() {
    use crate::view::membership::{standing, Standing};
    let mut s = playing();
    s.update(Input::Act(crate::sim::Action::AddServer));
    let new = s.playground.sim.server_count();
    assert_eq!(standing(&s.playground.sim, new), Standing::Learner);
    let node_key = |s: &Session| {
        let view = &s.playground.scene.nodes[new as usize - 1];
        node(s, view)
    };
    loop {
        let (before, node_before) = (s.versions(), node_key(&s));
        s.update(Input::Frame { wall_ms: 5.0 });
        if standing(&s.playground.sim, new) == Standing::Voter {
            assert_ne!(before.network, s.versions().network);
            assert_ne!(node_before, node_key(&s));
            break;
        }
    }
}

/// A message's animation is left to run as it flies, and started again
/// from the simulation when the run pauses, the speed changes or the
/// simulation falls behind the wall clock.
#[test]
fn a_flight_is_restarted_only_when_the_animation_could_be_wrong() {
    let mut s = playing();
    let first = |s: &Session| s.playground.scene.messages.first().cloned();
    while first(&s).is_none() {
        s.update(Input::Frame { wall_ms: 16.0 });
    }
    let m = first(&s).unwrap();
    let key = flight(&s, &m);
    let later = |s: &Session| {
        s.playground
            .scene
            .messages
            .iter()
            .find(|x| x.id == m.id)
            .cloned()
    };
    s.update(Input::Frame { wall_ms: 16.0 });
    let flying = later(&s).expect("still flying one frame on");
    assert_ne!(flying.at, m.at, "it moved");
    assert_eq!(flight(&s, &flying), key, "and its animation runs on");
    for restart in [
        Input::Frame { wall_ms: 2_000.0 },
        Input::Key(KeyCommand::Faster),
        Input::Key(KeyCommand::TogglePause),
    ] {
        let before = flight(&s, &flying);
        s.update(restart.clone());
        let Some(now) = later(&s) else { return };
        assert_ne!(flight(&s, &now), before, "{restart:?}");
    }
}

/// The running clock shows a place that changes a few times a wall
/// second, rounded down; paused, the millisecond.
#[test]
fn the_clock_changes_a_few_times_a_second() {
    let mut s = playing();
    s.update(Input::Skip(1_234));
    let p = &mut s.playground;
    let now = p.sim.now();
    for (speed, places) in [
        (1.0 / 1000.0, 3),
        (1.0 / 100.0, 3),
        (1.0 / 30.0, 2),
        (1.0, 1),
        (4.0, 0),
    ] {
        p.speed = speed;
        let c = clock(p);
        assert_eq!(c.places, places, "at {speed}");
        let unit = MILLIS * 10u64.pow(3 - places as u32);
        assert!(c.shown <= now && now < c.shown + unit && c.shown.is_multiple_of(unit));
        assert_eq!(c.next_change(), c.shown + unit);
        // A unit of the last place lasts at least 100 wall ms.
        assert!(
            unit as f64 / MILLIS as f64 / speed >= 100.0 - 1e-9,
            "at {speed}"
        );
    }
    p.speed = crate::view::speed::DEFAULT_SPEED;
    p.paused = true;
    assert_eq!(
        clock(p),
        Clock {
            shown: now,
            places: 3
        }
    );
    // Running again, its key moves with what it shows, and only then.
    s.update(Input::Key(KeyCommand::TogglePause));
    let (mut same, mut moved) = (0, 0);
    for _ in 0..200 {
        let p = &s.playground;
        let (c, hash, key) = (clock(p), p.sim.trace_hash(), s.versions().clock);
        s.update(Input::Frame { wall_ms: 5.0 });
        let p = &s.playground;
        let shown = clock(p) != c || p.sim.trace_hash() != hash;
        assert_eq!(shown, key != s.versions().clock);
        same += !shown as u32;
        moved += shown as u32;
    }
    assert!(same > 100 && moved > 0, "{same} {moved}");
    // Paused between two milliseconds, it names the nearest, as the
    // failure story does.
    while s.playground.sim.now() % MILLIS < MILLIS / 2 {
        s.update(Input::Frame { wall_ms: 5.0 });
    }
    s.update(Input::Key(KeyCommand::TogglePause));
    let now = s.playground.sim.now();
    assert_eq!(
        clock(&s.playground),
        Clock {
            shown: now,
            places: 3
        }
    );
    let shown = |t| crate::sim::decimal::seconds(t, 3);
    assert_eq!(shown(now), shown(now / MILLIS * MILLIS + MILLIS));
}

/// Running at the end of the run, the timeline's marks are drawn again
/// only when the run has grown by a sixteenth or more, squeezed by the
/// browser in between to where they belong, and its slider moves by a
/// tenth; paused or behind the end, to the millisecond.
#[test]
fn the_timeline_moves_when_a_pixel_of_it_would() {
    let mut s = playing();
    let (mut scaled, mut slid) = (0, 0);
    let mut last = timeline(&s.playground);
    // From 1 s to 1.6 s of the run, 16 ms frames at 1/30x.
    for _ in 0..1_200 {
        s.update(Input::Frame { wall_ms: 16.0 });
        let t = timeline(&s.playground);
        assert_eq!(t.value, t.max, "the thumb at the end");
        let end = s.playground.timeline_end() / MILLIS;
        assert!(end - t.scale <= end / RESCALE_PART, "within an eighth");
        assert!(end - t.max <= end / 10, "within a tenth");
        let next = t.next.expect("running at the end");
        assert!(next > end && next - end <= end / RESCALE_PART + 1);
        // Squeezed by the browser, a mark at the run's end sits at the
        // track's end, and one anywhere within a thousandth of the
        // track of where it belongs until the next rescale.
        let st = stretch(&s.playground).unwrap();
        assert!((st.frames[0].1 * end as f64 / t.scale as f64 - 1.0).abs() < 1e-3);
        for i in 0..=40 {
            let offset = f64::from(i) / 40.0;
            let at = end as f64 + (next - end) as f64 * offset;
            let k = st.frames.partition_point(|(o, _)| *o < offset).max(1);
            let ((o0, f0), (o1, f1)) = (st.frames[k - 1], st.frames[k]);
            let shown = f0 + (f1 - f0) * (offset - o0) / (o1 - o0);
            assert!((shown - t.scale as f64 / at).abs() < 1e-3, "{offset}");
        }
        scaled += (t.scale != last.scale) as u32;
        slid += (t.max != last.max) as u32;
        last = t;
    }
    // 640 ms of the run: both every 64 ms, then every 128.
    assert!((4..=12).contains(&scaled), "scaled {scaled} times");
    assert!((4..=12).contains(&slid), "slid {slid} times");
    // Grabbed at half its length, the slider goes to half the run.
    let end = s.playground.timeline_end();
    let half = seek_to(&s.playground, last.max / 2, last.max);
    assert!(half.abs_diff(end / 2) <= MILLIS, "{half} of {end}");
    s.update(Input::Key(KeyCommand::TogglePause));
    let paused = timeline(&s.playground);
    let now = s.playground.sim.now();
    let ms = (now + MILLIS / 2) / MILLIS;
    assert_eq!((paused.value, paused.max), (ms, ms), "paused: exact");
    // To the millisecond the clock shows (here 1.640 s, where the slider
    // said 1639).
    let shown = |t| crate::sim::decimal::seconds(t, 3);
    assert_eq!(shown(ms * MILLIS), shown(now));
    assert_eq!(seek_to(&s.playground, 1_234, ms), 1_234 * MILLIS);
    s.update(Input::Seek(500 * MILLIS));
    s.update(Input::Key(KeyCommand::TogglePause));
    for _ in 0..4 {
        s.update(Input::Frame { wall_ms: 16.0 });
    }
    let behind = timeline(&s.playground);
    assert_eq!(
        behind.value,
        s.playground.sim.now() / MILLIS,
        "behind the end: exact"
    );
    assert!(behind.value > 500 && behind.max > behind.value);
    assert_eq!((behind.next, stretch(&s.playground)), (None, None));
}

/// The safety panel's leader line follows `leadership::of`: a leader a
/// majority leaves behind while the run plays (the others split so none
/// is elected, their terms rising past its own) goes stale with no change
/// of the simulator's pick, and the panel is drawn again (a reviewer saw
/// "Leader: n3, term 1" stay).
#[test]
fn the_safety_panel_is_drawn_again_when_its_leader_goes_stale() {
    let mut s = playing();
    let leader = s.playground.sim.leader().unwrap();
    let others: Vec<u64> = (1..=5).filter(|&n| n != leader).collect();
    let groups = vec![vec![leader], others[..2].to_vec(), others[2..].to_vec()];
    s.update(Input::Act(crate::sim::Action::Partition(groups)));
    let mut last = s.versions();
    for _ in 0..2_000 {
        s.update(Input::Frame { wall_ms: 16.0 });
        let stale = matches!(
            super::super::leadership::of(&s.playground.sim),
            Leadership::Stale { .. }
        );
        let now = s.versions();
        if stale {
            assert_eq!(
                s.playground.sim.leader(),
                Some(leader),
                "the pick is the same"
            );
            assert_ne!(now.safety, last.safety, "drawn again once stale");
            return;
        }
        last = now;
    }
    panic!("the leader never went stale");
}

/// A screen reader says the timeline in seconds, not the slider's
/// milliseconds (a page tester heard "1020").
#[test]
fn the_timeline_reads_in_seconds() {
    let shown = TimelineView {
        value: 1020,
        max: 3000,
        scale: 3000,
        next: None,
    };
    assert_eq!(timeline_words(shown), "1.020 s of 3.000 s");
}
