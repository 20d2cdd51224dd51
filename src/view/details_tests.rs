use super::*;
use crate::sim::InFlight;

fn labels(offers: &[Offer]) -> Vec<&'static str> {
    offers.iter().map(|o| o.label).collect()
}

fn value<'a>(rows: &'a [Row], term: &str) -> Option<&'a str> {
    rows.iter()
        .find(|r| r.term == term)
        .map(|r| r.value.as_str())
}

/// A five-server cluster with a leader.
fn led() -> (Playground, NodeId) {
    let mut p = Playground::new(1, 5).unwrap();
    p.skip(2_000);
    let leader = p.sim.leader().expect("a leader after 2 s");
    (p, leader)
}

/// [`led`], stepped until a message is in flight: it, its id and the run.
fn led_with_a_message_in_flight() -> (Playground, u64, InFlight) {
    let (mut p, _) = led();
    while p.scene.messages.is_empty() {
        p.step();
    }
    let id = p.scene.messages[0].id;
    let m = p.sim.network().get(id).unwrap().clone();
    (p, id, m)
}

#[test]
fn a_leader_shows_figure_2_state_and_each_followers_progress() {
    let (p, leader) = led();
    let d = node(&p, leader).unwrap();
    let term = p.sim.server(leader).unwrap().node.current_term();
    assert_eq!(value(&d.rows, "role"), Some("leader"));
    assert_eq!(value(&d.rows, "term"), Some(term.to_string().as_str()));
    assert_eq!(
        value(&d.rows, "votedFor"),
        Some(format!("n{leader}").as_str())
    );
    assert_eq!(value(&d.rows, "clock"), Some("exact"));
    let member = d.rows.iter().find(|r| r.term == "member").unwrap();
    assert_eq!(member.class.as_deref(), Some("standing-voter"));
    let progress = d.progress.expect("a leader shows nextIndex and matchIndex");
    let peers: Vec<NodeId> = progress.iter().map(|&(peer, ..)| peer).collect();
    assert_eq!(peers.len(), 4, "every follower: {peers:?}");
    assert!(!peers.contains(&leader));
    assert!(
        value(&d.rows, "on disk").is_some(),
        "the disk's rows follow"
    );
}

#[test]
fn a_leader_offers_no_transfer_to_itself_and_a_follower_does() {
    let (p, leader) = led();
    let d = node(&p, leader).unwrap();
    assert_eq!(
        labels(&d.offers),
        [
            "Stop",
            "Restart",
            "Send request here",
            "Isolate",
            "Clock 30% fast",
            "Clock 30% slow",
            "Remove"
        ]
    );
    let follower = (1..=5).find(|&n| n != leader).unwrap();
    let d = node(&p, follower).unwrap();
    assert!(d.progress.is_none(), "only a leader tracks its followers");
    let transfer = d
        .offers
        .iter()
        .find(|o| o.label == "Transfer leadership here")
        .unwrap();
    assert_eq!(transfer.key, Some("L"));
    let time_out = d.offers.iter().find(|o| o.label == "Time out").unwrap();
    assert!(
        time_out
            .title
            .is_some_and(|t| t.contains("lease") && t.contains("§6.4.1")),
        "a timer fired early can break a lease, and the button says so: {:?}",
        time_out.title
    );
    assert!(matches!(transfer.input, Input::Act(Action::TransferLeadership(n)) if n == follower));
    let request = d
        .offers
        .iter()
        .find(|o| o.label == "Send request here")
        .unwrap();
    assert!(
        matches!(&request.input, Input::Act(Action::ClientRequest { to: Some(n), .. }) if *n == follower),
        "{:?}",
        request.input
    );
}

#[test]
fn a_stopped_server_offers_resume_and_a_fast_clock_offers_exact() {
    let (mut p, leader) = led();
    let follower = (1..=5).find(|&n| n != leader).unwrap();
    p.act(Action::Stop(follower));
    p.act(Action::SetClockRate {
        node: follower,
        ppm: 300_000,
    });
    let d = node(&p, follower).unwrap();
    assert_eq!(value(&d.rows, "role"), Some("stopped"));
    assert_eq!(value(&d.rows, "clock"), Some("+30.0% off real time"));
    assert_eq!(labels(&d.offers)[0], "Resume");
    assert!(matches!(d.offers[0].input, Input::Act(Action::Resume(n)) if n == follower));
    assert!(
        !labels(&d.offers).contains(&"Time out"),
        "a stopped server's timer is not running: {:?}",
        labels(&d.offers)
    );
    assert!(
        !labels(&d.offers).contains(&"Transfer leadership here"),
        "a stopped server cannot take over: {:?}",
        labels(&d.offers)
    );
    assert!(labels(&d.offers).contains(&"Exact clock"));
    assert!(!labels(&d.offers).contains(&"Clock 30% fast"));
}

/// Each button keeps its element as what it offers turns over, so the
/// focus stays on it: Stop and Resume are one button, and "Exact clock"
/// stands where the clock button pressed stood (unkeyed, the focus fell to
/// the page, or moved to Restart, which a second Enter pressed: a page
/// tester). Within a panel no two buttons share a slot.
#[test]
fn a_button_that_turns_into_another_keeps_its_slot() {
    let slots = |p: &Playground, n| -> Vec<(&'static str, &'static str)> {
        let d = node(p, n).unwrap();
        let slots: Vec<_> = d.offers.iter().map(|o| (o.label, o.slot)).collect();
        let mut unique: Vec<_> = slots.iter().map(|(_, slot)| *slot).collect();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), slots.len(), "{slots:?}");
        slots
    };
    let slot_of = |slots: &[(&str, &'static str)], label| {
        slots
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, slot)| *slot)
    };
    let (mut p, leader) = led();
    let n = (1..=5).find(|&n| n != leader).unwrap();
    let up = slots(&p, n);
    p.act(Action::Stop(n));
    let stopped = slots(&p, n);
    assert_eq!(slot_of(&up, "Stop"), slot_of(&stopped, "Resume"));
    for (ppm, pressed) in [(300_000, "Clock 30% fast"), (-300_000, "Clock 30% slow")] {
        p.act(Action::SetClockRate { node: n, ppm });
        let off = slots(&p, n);
        assert_eq!(
            slot_of(&off, "Exact clock"),
            slot_of(&up, pressed),
            "{pressed}"
        );
        p.act(Action::SetClockRate { node: n, ppm: 0 });
    }
}

/// A page tester's run: the leader cut off, the rest elect another, and
/// that one stops. The old leader only thinks it leads and would refuse a
/// transfer, so no follower offers one; nor with no leader at all.
#[test]
fn no_transfer_is_offered_without_a_leader_that_can_commit() {
    let (mut p, old) = led();
    let transfers = |p: &Playground| {
        (1..=5)
            .filter(|&n| labels(&node(p, n).unwrap().offers).contains(&"Transfer leadership here"))
            .count()
    };
    assert_eq!(transfers(&p), 4, "every follower, with a leader");
    p.act(Action::Partition(vec![vec![old]]));
    p.skip(1_000);
    let new = p.sim.leader().unwrap();
    assert_ne!(new, old);
    p.act(Action::Stop(new));
    assert!(
        matches!(crate::view::leadership::of(&p.sim), crate::view::leadership::Leadership::Stale { id, .. } if id == old)
    );
    assert_eq!(transfers(&p), 0, "the stale leader would refuse it");
    let removals = (1..=5)
        .filter(|&n| labels(&node(&p, n).unwrap().offers).contains(&"Remove"))
        .count();
    assert_eq!(removals, 0, "refused too, so not offered");
    p.act(Action::Stop(old));
    assert_eq!(
        crate::view::leadership::of(&p.sim),
        crate::view::leadership::Leadership::None
    );
    assert_eq!(transfers(&p), 0, "no leader to hand over");
}

#[test]
fn a_removed_server_offers_no_removal() {
    let (mut p, leader) = led();
    let follower = (1..=5).find(|&n| n != leader).unwrap();
    p.act(Action::RemoveServer(follower));
    p.skip(2_000);
    let d = node(&p, follower).unwrap();
    assert_eq!(value(&d.rows, "member"), Some("removed"));
    // Its timer firing starts nothing (thesis §4.2.3): the panel says so,
    // and offers no button that would do nothing.
    assert!(
        value(&d.rows, "elections").is_some_and(|v| v.contains("§4.2.3")),
        "{:?}",
        d.rows
    );
    for gone in ["Remove", "Transfer leadership here", "Time out"] {
        assert!(
            !labels(&d.offers).contains(&gone),
            "{gone}: {:?}",
            labels(&d.offers)
        );
    }
}

/// A learner cannot be elected, so it is offered no transfer (§3.10,
/// §4.2.1); once promoted it is.
#[test]
fn a_learner_is_offered_no_transfer_until_it_votes() {
    let (mut p, _) = led();
    p.act(Action::AddServer);
    let new = p.sim.server_count();
    let d = node(&p, new).unwrap();
    assert_eq!(value(&d.rows, "member"), Some("learner"));
    assert!(!labels(&d.offers).contains(&"Transfer leadership here"));
    assert!(!labels(&d.offers).contains(&"Time out"));
    assert!(value(&d.rows, "elections").is_some());
    p.skip(2_000);
    let d = node(&p, new).unwrap();
    assert_eq!(value(&d.rows, "member"), Some("voter"));
    assert!(labels(&d.offers).contains(&"Transfer leadership here"));
    assert!(labels(&d.offers).contains(&"Time out"));
    assert_eq!(value(&d.rows, "elections"), None, "a voter stands");
}

#[test]
fn no_server_no_panel() {
    let (p, _) = led();
    assert!(node(&p, 9).is_none());
    assert!(message(&p, u64::MAX).is_none(), "a message long gone");
}

#[test]
fn a_message_in_flight_says_where_it_goes_and_offers_its_drop() {
    let (p, id, m) = led_with_a_message_in_flight();
    let d = message(&p, id).unwrap();
    assert!(
        d.heading.starts_with(&format!("{} #{id}", m.packet.kind())),
        "{}",
        d.heading
    );
    assert_eq!(value(&d.rows, "from"), Some(m.from.to_string().as_str()));
    assert_eq!(value(&d.rows, "to"), Some(m.to.to_string().as_str()));
    assert!(value(&d.rows, "arrives").unwrap().ends_with(" s"));
    assert_eq!(labels(&d.offers), ["Drop"]);
    assert!(matches!(d.offers[0].input, Input::Act(Action::DropMessage(n)) if n == id));
    assert!(!d.packet.is_empty());
}

/// A message in flight but not drawn (a crowded link) says so, and can
/// still be dropped from its panel.
#[test]
fn a_message_not_drawn_says_so() {
    let (mut p, _) = led();
    for i in 0..20 {
        p.act(Action::ClientRequest {
            to: None,
            op: crate::raft::Op::Write {
                key: "k".into(),
                value: i.to_string(),
            },
        });
    }
    while p.scene.undrawn == 0 && p.sim.now() < 3_000 * crate::raft::MILLIS {
        p.step();
    }
    let hidden = p
        .sim
        .network()
        .in_flight()
        .map(|m| m.id)
        .find(|id| p.scene.message(*id).is_none());
    let hidden = hidden.expect("more than 8 requests on the clients' link");
    let d = message(&p, hidden).unwrap();
    assert_eq!(
        value(&d.rows, "drawn"),
        Some("no: 8 older ones on its link are")
    );
    assert_eq!(labels(&d.offers), ["Drop"]);
    let (p, id, _) = led_with_a_message_in_flight();
    assert_eq!(value(&message(&p, id).unwrap().rows, "drawn"), None);
}

/// A run that delivers (or drops) a message by an action, as the
/// explorer's do, says when the action does it, not the latency's time.
#[test]
fn a_message_an_action_moves_says_when_the_action_does() {
    let (p, id, m) = led_with_a_message_in_flight();
    let (now, soon) = (p.sim.now(), m.deliver_at - 2);
    for (action, term) in [
        (Action::DeliverMessage(id), "arrives"),
        (Action::DropMessage(id), "dropped"),
    ] {
        let mut scenario = p.export();
        scenario.cursor = None;
        // Listed first but later in time (a file's, before the person's).
        scenario
            .actions
            .push((soon + 1, Action::DeliverMessage(id)));
        scenario.actions.push((soon, action));
        let mut q = Playground::from_scenario(scenario).unwrap();
        q.go_to(now);
        assert!(q.sim.network().get(id).is_some(), "in flight again");
        let d = message(&q, id).unwrap();
        let said = format!("{} s, by an action of the run", seconds(soon, 3));
        assert_eq!(value(&d.rows, term), Some(said.as_str()), "{:?}", d.rows);
    }
}

/// A selected message the cursor moved back before is not sent yet, not
/// "arrived or died" (a page tester read that at a time before its sending).
#[test]
fn a_message_not_in_flight_is_gone_or_not_sent_yet() {
    let (mut p, _) = led();
    while p.sim.network().in_flight_count() == 0 {
        p.step();
    }
    let m = p.sim.network().in_flight().next().unwrap().clone();
    let id = m.id;
    assert!(message(&p, id).is_some());
    p.seek(m.sent_at - 1);
    assert!(message(&p, id).is_none());
    assert_eq!(
        message_not_in_flight(&p, id),
        "That message is not sent yet: the cursor is before it."
    );
    p.go_to(m.deliver_at + 1);
    assert!(message(&p, id).is_none());
    assert_eq!(
        message_not_in_flight(&p, id),
        "That message has arrived or died."
    );
}

/// A run that delivers by actions alone (the explorer's): a message no
/// action delivers never arrives, whatever its latency says; one an
/// action delivers after the latency's time says when.
#[test]
fn an_explored_runs_message_arrives_only_by_an_action() {
    use crate::sim::fault_model::Delivery;
    let (p, _) = led();
    let mut scenario = p.export();
    scenario.cursor = None;
    scenario.actions.clear();
    scenario.workload = None;
    scenario.faults.delivery = Delivery::ByAction;
    scenario.actions.push((1_000, Action::ForceTimeout(1)));
    let mut q = Playground::from_scenario(scenario.clone()).unwrap();
    q.go_to(2_000);
    let id = q.scene.messages.first().expect("a vote asked").id;
    let late = q.sim.network().get(id).unwrap().deliver_at + 5_000;
    let d = message(&q, id).unwrap();
    assert_eq!(
        value(&d.rows, "arrives"),
        Some("when an action delivers it; none of the run does")
    );
    scenario.actions.push((late, Action::DeliverMessage(id)));
    let mut q = Playground::from_scenario(scenario).unwrap();
    q.go_to(2_000);
    let d = message(&q, id).unwrap();
    let said = format!("{} s, by an action of the run", seconds(late, 3));
    assert_eq!(value(&d.rows, "arrives"), Some(said.as_str()));
}
