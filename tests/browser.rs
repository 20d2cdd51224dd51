//! The playground in a real browser (headless Chromium via
//! wasm-bindgen-test): it mounts, and clicking through it does what a person
//! expects. Run with `cargo test --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::sleep;
use raft_playground::ui::{App, AppProps};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a paused playground in a fresh element and waits for it to draw.
async fn mount(seed: u64) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps {
        seed,
        nodes: 5,
        autoplay: false,
        ..AppProps::default()
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

async fn settle() {
    sleep(Duration::from_millis(20)).await;
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

/// The message diagram's accessible summary ("N messages in the 0.6 s up
/// to t=...s, ..."): what it was last drawn as, in view or not.
fn diagram_summary(root: &Element) -> String {
    let diagram = find(root, "svg.sequence-diagram").unwrap();
    diagram.get_attribute("aria-label").unwrap()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn button(root: &Element, text: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button '{text}'"))
        .dyn_into()
        .unwrap()
}

async fn click(element: &Element) {
    let event_init = web_sys::EventInit::new();
    event_init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("click", &event_init).unwrap();
    element.dispatch_event(&event).unwrap();
    settle().await;
}

async fn press(root: &Element, text: &str) {
    button(root, text).click();
    settle().await;
}

/// Skips simulated time one second at a time.
async fn skip(root: &Element, seconds: u32) {
    for _ in 0..seconds {
        press(root, "+1 s").await;
    }
}

/// Scrolls `selector` into view, as a person does to read it, and waits
/// for the page to learn it (its `IntersectionObserver` reports on the next
/// frame) and draw it: a section below the picture is drawn only in view.
async fn look_at(root: &Element, selector: &str) {
    find(root, selector).unwrap().scroll_into_view();
    sleep(Duration::from_millis(150)).await;
}

fn leader(root: &Element) -> Option<String> {
    find(root, "g.node[data-role=leader]").map(|g| g.get_attribute("data-node").unwrap())
}

fn label_of(root: &Element, id: &str) -> String {
    find(root, &format!("g.node[data-node='{id}']"))
        .unwrap()
        .get_attribute("aria-label")
        .unwrap()
}

#[wasm_bindgen_test]
async fn the_playground_mounts_with_every_part() {
    let root = mount(1).await;
    assert_eq!(all(&root, "g.node").len(), 5);
    assert_eq!(label_of(&root, "3"), "Node 3, follower, term 0");
    for part in [
        "svg.cluster",
        ".log-table table",
        ".invariants",
        ".client form",
        ".network",
    ] {
        assert!(find(&root, part).is_some(), "{part} missing");
    }
    for text in ["Play", "Step", "Reset", "Send", "Heal"] {
        button(&root, text);
    }
}

#[wasm_bindgen_test]
async fn stopping_a_node_greys_it() {
    let root = mount(2).await;
    click(&find(&root, "g.node[data-node='2']").unwrap()).await;
    press(&root, "Stop").await;
    let node = find(&root, "g.node[data-node='2']").unwrap();
    assert_eq!(node.get_attribute("data-role").as_deref(), Some("stopped"));
    assert!(label_of(&root, "2").starts_with("Node 2, stopped"));
    let body = find(&node, "circle.body").unwrap();
    assert_eq!(
        body.get_attribute("fill").as_deref(),
        Some(raft_playground::view::palette::STOPPED)
    );
}

#[wasm_bindgen_test]
async fn isolating_the_leader_yields_a_new_leader_on_the_majority_side() {
    let root = mount(3).await;
    skip(&root, 2).await;
    let old = leader(&root).expect("a first leader");
    press(&root, "Isolate leader").await;
    skip(&root, 2).await;
    let leaders: Vec<String> = all(&root, "g.node[data-role=leader]")
        .iter()
        .map(|g| g.get_attribute("data-node").unwrap())
        .collect();
    let new = leaders.iter().find(|l| **l != old).expect("a new leader");
    let term = |id: &str| {
        find(&root, &format!("g.node[data-node='{id}']"))
            .unwrap()
            .get_attribute("data-term")
            .unwrap()
    };
    assert!(term(new).parse::<u64>().unwrap() > term(&old).parse::<u64>().unwrap());
    assert!(
        find(&root, "line.link.cut").is_some(),
        "the partition is drawn"
    );
}

#[wasm_bindgen_test]
async fn a_client_message_is_applied_on_every_live_node_in_the_same_order() {
    let root = mount(4).await;
    skip(&root, 2).await;
    let input: HtmlInputElement = find(&root, "input[aria-label=Message]")
        .unwrap()
        .dyn_into()
        .unwrap();
    for text in ["first message", "second message"] {
        input.set_value(text);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        input
            .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
        settle().await;
        press(&root, "Send").await;
    }
    skip(&root, 2).await;
    look_at(&root, ".applied").await;
    let rows: Vec<String> = all(&root, ".applied td.delivered")
        .iter()
        .map(|td| td.text_content().unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    assert!(
        rows[0].contains("first message") && rows[0].contains("second message"),
        "{rows:?}"
    );
    assert!(rows[0].find("first").unwrap() < rows[0].find("second").unwrap());
    assert!(rows.iter().all(|r| *r == rows[0]), "{rows:?}");
    assert!(all(&root, ".requests li.ok").len() == 2);
}

/// A panic must never leave a blank page: the hook's panel says what
/// happened and offers a way to start again.
#[wasm_bindgen_test]
async fn a_fatal_error_shows_a_panel_with_a_reset_button() {
    let _root = mount(5).await;
    raft_playground::ui::show_fatal_error("index out of bounds (test)");
    let document = web_sys::window().unwrap().document().unwrap();
    let panel = document
        .get_element_by_id("fatal-error")
        .expect("an error panel");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    assert!(panel
        .text_content()
        .unwrap()
        .contains("index out of bounds (test)"));
    assert!(
        panel
            .query_selector("button")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
            == "Reset"
    );
}

/// The same scenario file gives the same trace hash in the browser as
/// natively (tests/scenario_replay.rs pins the value there too).
#[wasm_bindgen_test]
fn a_scenario_replays_to_the_native_trace_hash_in_wasm() {
    let text = include_str!("../docs/examples/minority-leader.json");
    let scenario = raft_playground::sim::Scenario::from_json(text).unwrap();
    assert_eq!(scenario.run().unwrap().trace_hash(), 0x11d3_eb0e_6a12_6b7c);
}

/// Every old link (tests/compat/links.tsv) opens in the browser too, and
/// replays to the hash it was pinned with natively. (`#s=` links are JSON:
/// the page reads them with the studio's reader, this test with the same
/// code in this module.)
#[wasm_bindgen_test]
fn old_links_open_in_the_browser_with_their_pinned_hashes() {
    use raft_playground::view::scenario_json;
    scenario_json::install(&scenario_json::OwnJson);
    let corpus = include_str!("compat/links.tsv");
    let mut opened = 0;
    for line in corpus.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let scenario = raft_playground::view::permalink::decode(fields[1])
            .unwrap()
            .unwrap();
        let hash: u64 = fields[2].parse().unwrap();
        assert_eq!(scenario.run().unwrap().trace_hash(), hash, "{}", fields[0]);
        opened += 1;
    }
    assert!(opened >= 18);
}

/// The browser's JSON goes through serde-wasm-bindgen: a scenario becomes a
/// plain JavaScript object with the file's field names and comes back
/// equal, and a wrong field is named in the error.
#[wasm_bindgen_test]
fn scenarios_cross_to_javascript_values_and_back() {
    use raft_playground::sim::Scenario;
    let text = include_str!("../docs/examples/minority-leader.json");
    let scenario = Scenario::from_json(text).unwrap();
    let value = raft_playground::json::to_value(&scenario);
    let nodes = js_sys::Reflect::get(&value, &"nodes".into()).unwrap();
    assert_eq!(nodes.as_f64(), Some(5.0));
    let back: Scenario = raft_playground::json::from_value(value).unwrap();
    assert_eq!(back, scenario);
    let bad = text.replace("\"latency_min_us\":10000", "\"latency_min_us\":\"ten\"");
    let err = Scenario::from_json(&bad).unwrap_err();
    assert!(err.contains("network.latency_min_us"), "{err}");
    let err = Scenario::from_json("{not json").unwrap_err();
    assert!(err.starts_with("not valid JSON"), "{err}");
}

/// Running, the page draws only what the simulation's events change, and
/// the clock a few times a second: the timers, the message diagram's
/// slide and the timeline's marks move by themselves (`ui::motion`). Over
/// a second and a half of frames (about 50 simulated milliseconds, a
/// heartbeat round or so) the picture and the clock are drawn on far fewer
/// frames than there were simulated milliseconds, and the log table, the
/// network panel and the event log on fewer still; meanwhile the diagram
/// slid and a timer turned without being drawn. And the page took far
/// fewer frames than 20 a second: it sleeps until its next change.
#[wasm_bindgen_test]
async fn running_frames_redraw_only_the_moving_parts() {
    use raft_playground::ui::{frame_count, part_renders};
    let root = mount(5).await;
    skip(&root, 1).await;
    let clock_ms = |root: &Element| {
        let text = find(root, ".clock").unwrap().text_content().unwrap();
        let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
        digits.parse::<u64>().unwrap() // "t = 1.234 s": milliseconds
    };
    let top = |root: &Element, selector: &str| {
        let e = find(root, selector).unwrap();
        let r = e.get_bounding_client_rect();
        (r.y(), r.height())
    };
    let parts = [
        "Cluster", "Clock", "LogTable", "Network", "EventLog", "Share", "Node", "Timeline", "Timer",
    ];
    // The diagram slides only where it can be seen.
    look_at(&root, ".sequence").await;
    let before: Vec<f64> = parts.iter().map(|p| part_renders(p)).collect();
    let started = clock_ms(&root);
    let (frames_before, wall_before) = (frame_count(), wall_ms());
    press(&root, "Play").await;
    sleep(Duration::from_millis(300)).await;
    // Moved by the browser alone: the slide's layer and a timer's half ring.
    // (A timer's half ring that shows its first half turn holds still
    // until the arc is down to it: compare them all.)
    let turns = |root: &Element| {
        let rects = all(root, ".timer-turn").into_iter();
        rects
            .map(|e| {
                let r = e.get_bounding_client_rect();
                (r.x(), r.y(), r.width())
            })
            .collect::<Vec<_>>()
    };
    let (slide, turn) = (top(&root, ".seq-slide"), turns(&root));
    let drawn_then = part_renders("Cluster");
    sleep(Duration::from_millis(1_200)).await;
    let (slid, turned) = (top(&root, ".seq-slide"), turns(&root));
    let still = part_renders("Cluster") == drawn_then;
    press(&root, "Pause").await;
    let (frames, wall) = (frame_count() - frames_before, wall_ms() - wall_before);
    let ms = (clock_ms(&root) - started) as f64;
    let drawn: Vec<f64> = parts
        .iter()
        .zip(&before)
        .map(|(p, b)| part_renders(p) - b)
        .collect();
    let (cluster, clock) = (drawn[0], drawn[1]);
    assert!(ms >= 20.0, "the run went on {ms} ms");
    assert!(cluster >= 1.0, "the picture changed in {cluster} frames");
    assert!(
        cluster * 2.0 <= ms,
        "the picture drawn {cluster} times in {ms} ms"
    );
    assert!(
        clock * 2.0 <= ms,
        "the clock drawn {clock} times in {ms} ms"
    );
    assert!(
        drawn[7] * 2.0 <= ms,
        "the timeline drawn {} times in {ms} ms",
        drawn[7]
    );
    assert_ne!(slide.0, slid.0, "the diagram slid");
    assert_ne!(turn, turned, "a timer turned (drawn again: {})", !still);
    // Five servers: drawn on every frame, they would be 5 per frame; so
    // would their timers, drawn only when one starts again.
    let (servers, timers) = (drawn[6], drawn[8]);
    assert!(
        servers <= cluster,
        "servers drawn {servers} times in {cluster} frames"
    );
    assert!(
        timers <= 2.0 * cluster,
        "timers drawn {timers} times in {cluster} frames"
    );
    for (part, n) in parts.iter().zip(&drawn).skip(2).take(4) {
        assert!(
            n * 3.0 <= cluster.max(ms / 2.0),
            "{part} drawn {n} times in {cluster} frames"
        );
    }
    // The page sleeps until the next change it draws, however far (here
    // about 14 frames a second): not at most 50 ms, which, with the frames
    // around each change, took 20 to 25.
    assert!(frames >= 1.0, "{frames} frames");
    assert!(
        frames * 50.0 < wall,
        "{frames} frames in {wall} ms of wall time"
    );
    assert_eq!(part_renders("NoSuchPart"), -1.0);
}

fn wall_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// Messages fly by themselves: running, a message's box moves on between
/// frames the page draws (the browser animates it, `ui::motion`); paused,
/// every message stays where the simulation stopped it, and moves again
/// when the run plays on.
#[wasm_bindgen_test]
async fn messages_fly_by_themselves_and_stop_where_the_run_pauses() {
    let root = mount(5).await;
    skip(&root, 1).await;
    press(&root, "Play").await;
    let place = |e: &Element| {
        let r = e.get_bounding_client_rect();
        (r.x(), r.y())
    };
    let mut moved = 0;
    for _ in 0..100 {
        let Some(flight) = find(&root, ".flight") else {
            sleep(Duration::from_millis(20)).await;
            continue;
        };
        let before = place(&flight);
        sleep(Duration::from_millis(60)).await;
        if flight.is_connected() && place(&flight) != before {
            moved += 1;
            if moved == 3 {
                break;
            }
        }
    }
    assert_eq!(moved, 3, "messages in flight move while the run plays");
    press(&root, "Pause").await;
    // Paused with a message in flight (play on a little until one is).
    for _ in 0..50 {
        if find(&root, ".flight").is_some() {
            break;
        }
        press(&root, "Play").await;
        sleep(Duration::from_millis(50)).await;
        press(&root, "Pause").await;
    }
    let flights = all(&root, ".flight");
    assert!(!flights.is_empty(), "a message in flight when paused");
    let held: Vec<_> = flights.iter().map(place).collect();
    sleep(Duration::from_millis(300)).await;
    assert_eq!(
        flights.iter().map(place).collect::<Vec<_>>(),
        held,
        "paused, they stay"
    );
}

/// Printing while the run plays draws the sections out of view as they
/// are: the browser's `beforeprint` brings the page to rest.
#[wasm_bindgen_test]
async fn printing_draws_the_sections_out_of_view() {
    let root = mount(6).await;
    skip(&root, 1).await;
    look_at(&root, ".bar").await;
    let before = diagram_summary(&root);
    press(&root, "Play").await;
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        diagram_summary(&root),
        before,
        "out of view, not drawn while playing"
    );
    let print = web_sys::Event::new("beforeprint").unwrap();
    web_sys::window().unwrap().dispatch_event(&print).unwrap();
    settle().await;
    assert_ne!(diagram_summary(&root), before, "drawn for the printout");
    press(&root, "Pause").await;
}

/// Every worker message crosses postMessage's JS values and back unchanged
/// (serde-wasm-bindgen both ways, as the page and the worker do), a seed
/// past 2^53 included; a hostile value is refused, not misread.
#[wasm_bindgen_test]
fn worker_messages_cross_as_js_values_unchanged() {
    use raft_playground::sim::experiment::switch_availability::{
        AvailabilityConfig, AvailabilityRun,
    };
    use raft_playground::sim::experiment::{Experiment, ExperimentConfig};
    use raft_playground::sim::explore::{Bounds, ExploreProgress};
    use raft_playground::sim::find::scenario_of;
    use raft_playground::sim::{Action, SimConfig};
    use raft_playground::ui::worker::to_js;
    use raft_playground::view::worker_protocol::{WorkerJob, WorkerReply};

    let config = SimConfig {
        seed: (1 << 60) + 7,
        ..SimConfig::default()
    };
    let scenario = scenario_of(&config, 3_000_000, &[]);
    let mut experiment = Experiment::new(ExperimentConfig {
        trials: 2,
        lines: ExperimentConfig::default().lines[1..2].to_vec(),
        ..ExperimentConfig::default()
    });
    experiment.step(2);
    let mut comparison = AvailabilityRun::new(AvailabilityConfig {
        seeds: 1,
        duration: 1_000_000,
        ..AvailabilityConfig::default()
    })
    .unwrap();
    comparison.step(u64::MAX).unwrap();
    let jobs = [
        WorkerJob::FindFailure {
            settings: scenario.clone(),
            switch: "vote-without-log-check".into(),
            max_seeds: 200,
        },
        WorkerJob::Explore {
            bounds: Bounds::default(),
            unsafe_switches: vec!["commit-old-terms".into()],
            prefix: vec![Action::ForceTimeout(1), Action::DeliverMessage(1)],
        },
        WorkerJob::ElectionDowntime {
            config: ExperimentConfig::default(),
        },
        WorkerJob::Availability {
            config: AvailabilityConfig::default(),
        },
    ];
    for job in jobs {
        let back: WorkerJob = serde_wasm_bindgen::from_value(to_js(&job).unwrap()).unwrap();
        assert_eq!(back, job);
    }
    let replies = [
        WorkerReply::Progress {
            done: 1,
            total: 2,
            what: "seeds tried".into(),
        },
        WorkerReply::NotFound { seeds_tried: 200 },
        WorkerReply::Explored {
            progress: ExploreProgress::default(),
            counterexample: Some(scenario),
            report: None,
        },
        WorkerReply::ExperimentLine {
            line: experiment.line(0).unwrap(),
        },
        WorkerReply::ExperimentDone { errors: vec![] },
        WorkerReply::AvailabilityPart {
            result: comparison.take_finished().remove(0),
        },
        WorkerReply::AvailabilityDone { runs: 4 },
        WorkerReply::Failed {
            message: "no".into(),
        },
    ];
    for reply in replies {
        let back: WorkerReply = serde_wasm_bindgen::from_value(to_js(&reply).unwrap()).unwrap();
        assert_eq!(back, reply);
    }
    let hostile = wasm_bindgen::JsValue::from_str("ready");
    assert!(serde_wasm_bindgen::from_value::<WorkerReply>(hostile).is_err());
}

/// Without its studio (here nothing serves `studio-start.js`), the page
/// still works: "Share this run" shows the link at once, then says why
/// there is no JSON to download once the studio fails, and the run stays
/// as it was.
#[wasm_bindgen_test]
async fn a_page_whose_studio_cannot_load_still_shares_a_link_and_says_why() {
    let root = mount(3).await;
    let hash = find(&root, "[aria-label='Trace hash']")
        .unwrap()
        .text_content();
    press(&root, "Share this run").await;
    let link: HtmlInputElement = find(&root, "input[aria-label='Link to this run']")
        .expect("the link does not wait for the studio")
        .dyn_into()
        .unwrap();
    assert!(link.value().contains("#r="), "{}", link.value());
    let mut waited = 0;
    while !find(&root, ".notice")
        .and_then(|n| n.text_content())
        .is_some_and(|t| t.contains("JSON"))
    {
        assert!(waited < 200, "the studio's failure was never told");
        sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    assert!(find(&root, "a.download").is_none());
    let notice = find(&root, ".notice").unwrap().text_content().unwrap();
    assert!(
        notice.contains("cannot be written as JSON") && notice.contains("studio"),
        "{notice}"
    );
    assert_eq!(
        find(&root, "[aria-label='Trace hash']")
            .unwrap()
            .text_content(),
        hash
    );
}

/// The message diagram, out of view below the picture, is not drawn while
/// the run goes on; a moment after the run pauses (at rest), it is, so
/// find in page and a printout see the run; scrolled into view, it is
/// drawn at once, as of its last recomputation (at most one tick before
/// now).
#[wasm_bindgen_test]
async fn the_diagram_out_of_view_waits_to_be_seen() {
    let root = mount(6).await;
    skip(&root, 1).await;
    look_at(&root, ".bar").await;
    let (before, clock) = (
        diagram_summary(&root),
        find(&root, ".clock").unwrap().text_content(),
    );
    press(&root, "Play").await;
    sleep(Duration::from_millis(1_500)).await;
    assert_ne!(
        find(&root, ".clock").unwrap().text_content(),
        clock,
        "the run went on"
    );
    assert_eq!(
        diagram_summary(&root),
        before,
        "out of view, the diagram is not drawn while the run goes on"
    );
    press(&root, "Pause").await;
    // The page comes to rest 400 ms after its last input (ui::app).
    sleep(Duration::from_millis(1_000)).await;
    assert_ne!(
        diagram_summary(&root),
        before,
        "at rest, drawn though out of view"
    );
    look_at(&root, ".sequence").await;
    let after = diagram_summary(&root);
    assert_ne!(after, before, "in view, it is drawn");
    let clock = find(&root, ".clock").unwrap().text_content().unwrap();
    let at = |text: &str, mark: &str, end: char| -> f64 {
        let number = text.split(mark).nth(1).unwrap().split(end).next().unwrap();
        number.parse().unwrap()
    };
    // "... up to t=1.234s, ..." and the clock's "t = 1.234 s" (paused). The
    // diagram is recomputed when a message comes or goes, and at least
    // every TICK_EVERY (0.1 s): drawn now, it is at most that old.
    let (drawn_at, now) = (at(&after, "t=", 's'), at(&clock, "t = ", ' '));
    let tick = raft_playground::view::sequence::TICK_EVERY as f64 / 1e6;
    assert!(
        drawn_at <= now && now - drawn_at < tick && drawn_at > at(&before, "t=", 's'),
        "{after} / {clock}"
    );
}

/// Bytes that are not text are refused by `JSON.parse` with a message
/// that prints them escaped, not raw. (Chromium's message quotes the
/// text, "\u0000" and all; Firefox's names only the line and column.)
#[wasm_bindgen_test]
fn binary_text_is_refused_with_a_printable_message() {
    let error = raft_playground::sim::Scenario::from_json("\u{0}\u{0}\u{0}").unwrap_err();
    assert!(error.starts_with("not valid JSON: "), "{error}");
    assert!(!error.chars().any(char::is_control), "{error:?}");
    assert!(
        error.contains("\\u0000") || error.contains("line 1 column 1"),
        "{error}"
    );
}

/// The walk in the browser (`json::Locate`) names the faults the native
/// test of `Scenario::from_json` names, and serde-wasm-bindgen's words
/// come out in JSON's: an array or a number where a name belongs is said
/// to be one. (`{"heal": null}` reads as `"heal"`, natively too: serde's
/// externally tagged form of a unit variant.)
#[wasm_bindgen_test]
fn faults_are_named_in_the_browser_as_natively() {
    use raft_playground::sim::Scenario;
    let good = include_str!("../docs/examples/minority-leader.json");
    let good = Scenario::from_json(good).unwrap().to_json();
    let heal = "\"action\": \"heal\"";
    let cases = [
        (
            good.replacen("\"latency_min_us\": 10000", "\"latency_min_us\": -5", 1),
            "network.latency_min_us: invalid value: integer `-5`",
        ),
        (
            good.replacen(
                "\"latency_min_us\": 10000",
                "\"latency_min_us\": \"ten\"",
                1,
            ),
            "network.latency_min_us: invalid type: string \"ten\"",
        ),
        (
            good.replacen(heal, "\"action\": \"explode\"", 1),
            "action 6 (actions[5].action): unknown variant `explode`, expected one of `stop`",
        ),
        (
            good.replacen(heal, "\"action\": [\"heal\"]", 1),
            "action 6 (actions[5].action): invalid type: an array, expected one of `stop`",
        ),
        (
            good.replacen(heal, "\"action\": 7", 1),
            "action 6 (actions[5].action): invalid type: a number, expected a string",
        ),
        (
            good.replacen("\"duration_us\": ", "\"duration_us\": 1.5, \"x\": ", 1),
            "duration_us: invalid type: floating point `1.5`",
        ),
        (
            good.replacen("\"seed\"", "\"sowed\"", 1),
            "missing field `seed`",
        ),
    ];
    for (text, said) in cases {
        let err = Scenario::from_json(&text).unwrap_err();
        assert!(err.starts_with(said), "'{err}' is not '{said}...'");
    }
}

/// A host page's command whose `type` is not a name is told what it is.
#[wasm_bindgen_test]
fn a_host_command_type_that_is_not_a_name_is_said_so() {
    use raft_playground::view::host_api::HostCommand;
    let read = |js: &str| {
        let value = js_sys::eval(&format!("({js})")).unwrap();
        raft_playground::json::from_value::<HostCommand>(value).unwrap_err()
    };
    for (js, said) in [
        (
            "{type: 'paws'}",
            "type: unknown variant `paws`, expected one of `play`",
        ),
        (
            "{type: ['pause']}",
            "type: invalid type: an array, expected one of `play`",
        ),
        (
            "{type: 3}",
            "type: invalid type: a number, expected a string",
        ),
        (
            "{type: []}",
            "type: invalid type: an array, expected a string",
        ),
        (
            "{type: ['play', 'pause']}",
            "type: invalid type: an array, expected a string",
        ),
        (
            "{type: {}}",
            "type: invalid type: an object, expected a string",
        ),
    ] {
        let err = read(js);
        assert!(err.starts_with(said), "{js}: '{err}' is not '{said}...'");
    }
}
