//! The side panels: details of what is selected, safety invariants, the
//! client, the network, applied messages, help and notices.

use super::app::Msg;
use super::part::{on_click, PartProps};
use super::settled_select::settled_select;
use crate::raft::{NodeId, Payload, ReadPath, MILLIS};
use crate::sim::config::RaftOptions;
use crate::sim::decimal::fixed;
use crate::sim::membership::Replacement;
use crate::sim::Action;
use crate::view::details::{self, MessageDetails, NodeDetails, Offer, Row};
use crate::view::drift_bound;
use crate::view::event_log;
use crate::view::keys::{self, KeyCommand, BINDINGS};
use crate::view::leadership;
use crate::view::lease_breaks;
use crate::view::membership;
use crate::view::network_edits::NetworkEdit;
use crate::view::palette;
use crate::view::playground::Selection;
use crate::view::requests;
use crate::view::session::{Input, Session};
use crate::view::snapshot_threshold;
use crate::view::timeline_marks::MarkKind;
use crate::view::what_if;
use crate::view::words;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub(super) fn selection(s: &Session, part: &PartProps) -> Html {
    let (p, link) = (&s.playground, &part.send);
    match p.selection {
        Selection::Node(id) => {
            details::node(p, id).map_or(html! {}, |d| node_details(id, d, s, link))
        }
        Selection::Message(id) => match details::message(p, id) {
            Some(d) => message_details(id, d, s, link),
            None => {
                html! { <div class="panel details"><p>{ details::message_not_in_flight(p, id) }</p></div> }
            }
        },
        Selection::None => html! {
            <div class="panel details"><h2>{ "Details" }</h2>
                <p class="hint">{ "Click a node or a message (or Tab to it and press Enter) to see it and act on it." }</p>
            </div>
        },
    }
}

fn node_details(id: NodeId, d: NodeDetails, s: &Session, link: &Callback<Msg>) -> Html {
    html! {
        <div class="panel details" aria-label={format!("Node {id} details")}>
            <h2>{ format!("Node {id}") }</h2>
            { rows(d.rows) }
            if let Some(progress) = d.progress {
                <table class="progress" aria-label="nextIndex and matchIndex per follower">
                    <tr><th>{ "peer" }</th><th>{ "nextIndex" }</th><th>{ "matchIndex" }</th></tr>
                    { for progress.into_iter().map(|(peer, next, matched)| html! {
                        <tr><td>{ format!("n{peer}") }</td><td>{ next }</td><td>{ matched }</td></tr>
                    }) }
                </table>
            }
            { offers("actions", d.offers, s.single_keys, link) }
        </div>
    }
}

fn message_details(id: u64, d: MessageDetails, s: &Session, link: &Callback<Msg>) -> Html {
    html! {
        <div class="panel details" aria-label={format!("Message {id} details")}>
            <h2>{ d.heading }</h2>
            { rows(d.rows) }
            <p class="packet">{ d.packet }</p>
            { offers("actions", d.offers, s.single_keys, link) }
        </div>
    }
}

/// A details list, every row drawn by the same code.
fn rows(rows: Vec<Row>) -> Html {
    html! {
        <dl>{ for rows.into_iter().map(|r| html! {
            <><dt>{ r.term }</dt><dd class={r.class}>{ r.value }</dd></>
        }) }</dl>
    }
}

/// The attribute a network slider holds while keys move it.
const KEYED: &str = "data-keyed";

/// Marks the slider as moved by keys (`on`) or by a pointer.
fn keyed<E: TargetCast + 'static>(on: bool) -> Callback<E> {
    Callback::from(move |e: E| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        let _ = match on {
            true => input.set_attribute(KEYED, ""),
            false => input.remove_attribute(KEYED),
        };
    })
}

/// A row of buttons in a `div` of `class`.
fn offers(
    class: &'static str,
    offers: Vec<Offer>,
    single_keys: bool,
    link: &Callback<Msg>,
) -> Html {
    html! { <div class={class}>{ for offers.into_iter().map(|o| offer(o, single_keys, link)) }</div> }
}

/// One button: every button a panel offers is drawn by this code.
fn offer(o: Offer, single_keys: bool, link: &Callback<Msg>) -> Html {
    let shortcut = o.key.and_then(|k| keys::announced(single_keys, k));
    html! {
        <button key={o.slot} title={o.title} aria-keyshortcuts={shortcut} onclick={on_click(link, o.input)}>{ o.label }</button>
    }
}

/// The live safety panel: every invariant green unless violated, and who
/// leads which term.
pub(super) fn invariants(s: &Session, _: &PartProps) -> Html {
    let p = &s.playground;
    let violations = p.sim.violations();
    let summary = leadership::of(&p.sim).summary();
    html! {
        <div class="panel invariants">
            <h2>{ "Safety" }</h2>
            <p class="leader-summary" aria-live="polite">{ summary }</p>
            <ul>
                { for p.sim.checker().violations_by_invariant().into_iter().map(|(inv, broken)| {
                    let (class, text) = if broken == 0 { ("ok", "holds".to_string()) } else { ("violated", format!("VIOLATED ({broken})")) };
                    html! { <li class={class} title={inv.rule()}><span class="dot" aria-hidden="true"></span>{ format!("{}: {text}", words::in_words(inv.name())) }</li> }
                }) }
                { for what_if::history_violation(p).map(|line| html! {
                    <li class="violated"><span class="dot" aria-hidden="true"></span>{ line }</li>
                }) }
            </ul>
            // Live: a rule broken while the run plays is heard, not only
            // seen turning red (a page tester heard nothing).
            <div class="violations" aria-live="polite">
                { for violations.iter().take(3).map(|v| html! { <p class="violation">{ event_log::violation_sentence(v) }</p> }) }
            </div>
            { for lease_breaks::note(&p.scenario, violations).map(|note| html! {
                <p class="violation-cause">{ note }</p>
            }) }
        </div>
    }
}

pub(super) fn client(s: &Session, part: &PartProps) -> Html {
    let (p, link) = (&s.playground, &part.send);
    let on_text = link.reform(|e: InputEvent| {
        Msg::Do(Input::ClientText(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let on_target = link.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        Msg::Do(Input::ClientTarget(value.parse().ok()))
    });
    let on_read_path = link.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        Msg::Do(Input::ClientReadPath(ReadPath::from_name(&value)))
    });
    let read_path = s.drafts.client_read_path;
    let check_quorum = p.sim.config().raft.check_quorum;
    let on_submit = link.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::Do(Input::Send)
    });
    html! {
        <div class="panel client">
            <h2>{ "Client" }</h2>
            <form onsubmit={on_submit}>
                <input type="text" aria-label="Message" placeholder="hello, or write x 1"
                    title="A message, or read K / write K V / cas K FROM TO"
                    value={s.drafts.client_text.clone()} oninput={on_text} />
                <select aria-label="Send to" onchange={on_target}>
                    <option value="leader" selected={s.drafts.client_target.is_none()}>{ "the leader" }</option>
                    { for (1..=p.sim.server_count()).map(|n| html! {
                        <option value={n.to_string()} selected={s.drafts.client_target == Some(n)}>{ format!("n{n}") }</option>
                    }) }
                </select>
                <select aria-label="Read by" title="How a read is answered: as the cluster is set, or this way (thesis §6.4)" onchange={on_read_path}>
                    <option value="cluster" selected={read_path.is_none()}>{ "reads as set" }</option>
                    { for ReadPath::ALL.into_iter().map(|p| html! {
                        <option value={p.name()} selected={read_path == Some(p)}>{ format!("read: {}", words::read_path_option(p, check_quorum)) }</option>
                    }) }
                </select>
                <button type="submit">{ "Send" }</button>
                <button type="button" aria-keyshortcuts={keys::announced(s.single_keys, "C")} onclick={on_click(link, Input::Key(KeyCommand::ClientRequestToLeader))}>{ "Request to leader" }</button>
            </form>
            <ol class="requests" aria-label="Your requests" reversed=true>
                { for requests::latest(&p.sim, requests::SHOWN).into_iter().map(|r| html! {
                    <li class={r.outcome.as_str()}>{ format!("{} — {}", r.op, r.status) }</li>
                }) }
            </ol>
        </div>
    }
}

pub(super) fn network(s: &Session, part: &PartProps) -> Html {
    let (p, link) = (&s.playground, &part.send);
    let n = p.sim.server_count();
    let cluster = membership::cluster(&p.sim);
    let membership::Offers {
        add_refusal,
        replacement,
        replace_refusal,
    } = membership::offers(&p.sim);
    let (by, replacement_title) = membership::replacement_way(&p.sim);
    let other = match by {
        Replacement::Joint => Replacement::OneByOne,
        Replacement::OneByOne => Replacement::Joint,
    };
    let toggle_replacement =
        link.reform(move |_: Event| Msg::Do(Input::Act(Action::SetReplacement(other))));
    // "Leader reaches one peer": the leader keeps the voter after it (one
    // that can commit: the keys that act on the leader refuse the other).
    let leader_and_peer = crate::view::leadership::of(&p.sim)
        .leader()
        .and_then(|l| Some((l, membership::next_voter(cluster, l)?)))
        .filter(|&(l, peer)| l != peer && n >= 3);
    let config = s.network_shown();
    let slider = |label: &'static str,
                  value: f64,
                  max: &'static str,
                  step: &'static str,
                  places: usize,
                  shown: String,
                  edit: fn(f64) -> NetworkEdit| {
        // Dragging shows the value; letting go sets it, as one action for
        // the run. Keys show theirs, and set it once they rest: the input
        // remembers whether a key or a pointer moved it last, as its
        // events do not say.
        let moved = move |e: &Event, done: bool| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let edit = edit(input.value_as_number());
            Msg::Do(match (input.has_attribute(KEYED), done) {
                (true, _) => Input::NetworkKeyed(edit),
                (false, false) => Input::NetworkDrag(edit),
                (false, true) => Input::Network(edit),
            })
        };
        let on_input = link.reform(move |e: InputEvent| moved(&e, false));
        let on_change = link.reform(move |e: Event| moved(&e, true));
        let value = fixed(value, places);
        html! {
            <label class="slider">{ label }
                <input type="range" min="0" {max} {step} {value} aria-label={label} aria-valuetext={shown.clone()}
                    oninput={on_input} onchange={on_change} onkeydown={keyed(true)} onpointerdown={keyed(false)} />
                <output>{ shown }</output>
            </label>
        }
    };
    let on_cut = link.reform(|e: InputEvent| {
        Msg::Do(Input::CutText(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let ms = |t: u64| (t / MILLIS) as f64;
    // As the event log says a network change: "3% lost".
    let percent = |p: f64| format!("{}%", crate::sim::decimal::plain(p * 100.0));
    html! {
        <div class="panel network">
            <h2>{ "Network" }</h2>
            <div class="presets">
                <button aria-keyshortcuts={keys::announced(s.single_keys, "P")} onclick={on_click(link, Input::Key(KeyCommand::IsolateLeader))}>{ "Isolate leader" }</button>
                <button aria-keyshortcuts={keys::announced(s.single_keys, "D")} title="Cut every link into the leader: it still sends, but hears nothing"
                    onclick={on_click(link, Input::Key(KeyCommand::DeafenLeader))}>{ "Deafen leader" }</button>
                <button onclick={on_click(link, Input::MajorityMinority)}>{ "Majority / minority" }</button>
                if let Some((leader, peer)) = leader_and_peer {
                    <button title="A partial partition: the leader keeps one peer and loses the rest, who still reach each other"
                        onclick={on_click(link, Input::Act(Action::ReachOnly { node: leader, peers: vec![peer] }))}>
                        { "Leader reaches one peer" }</button>
                }
                <button aria-keyshortcuts={keys::announced(s.single_keys, "H")} onclick={on_click(link, Input::Act(Action::Heal))}>{ "Heal" }</button>
            </div>
            <fieldset class="sides">
                <legend>{ "Split: nodes on one side" }</legend>
                { for (1..=n).map(|id| html! {
                    <label><input type="checkbox" checked={s.drafts.side.contains(&id)}
                        onchange={link.reform(move |_| Msg::Do(Input::ToggleSide(id)))} />{ format!("n{id}") }</label>
                }) }
                <button onclick={on_click(link, Input::SplitSides)}>{ "Split" }</button>
            </fieldset>
            <div class="cut">
                <input type="text" aria-label="Link to cut" placeholder="1->2" value={s.drafts.cut.clone()} oninput={on_cut} />
                <button onclick={on_click(link, Input::Cut)}>{ "Cut one way" }</button>
            </div>
            <fieldset class="membership">
                <legend>{ "Membership" }</legend>
                <p class="configuration" aria-label="Configuration">{ cluster.to_string() }</p>
                <button title={add_refusal.clone().unwrap_or_else(|| "Thesis §4.2.1: a new server joins as a learner and the leader makes it a voter once it has caught up".into())}
                    disabled={add_refusal.is_some()}
                    onclick={on_click(link, Input::Act(Action::AddServer))}>{ "Add server" }</button>
                { for replacement.map(|(action, label)| html! {
                    <button title={replace_refusal.clone().unwrap_or_else(|| replacement_title.to_string())}
                        disabled={replace_refusal.is_some()}
                        onclick={on_click(link, Input::Act(action))}>{ label }</button>
                }) }
                if let Some(why) = add_refusal.as_ref().or(replace_refusal.as_ref()) {
                    <p class="hint why-not">{ format!("Not now: {}.", why.trim_end_matches('.')) }</p>
                }
                <label title="Replace servers by single-server changes (thesis §4.1) instead of joint consensus (§4.3)">
                    <input type="checkbox" checked={by == Replacement::OneByOne} onchange={toggle_replacement} />
                    { "one server at a time" }</label>
            </fieldset>
            { mechanisms(p.sim.config().raft, link) }
            { reads(p.sim.config().reads.path, p.sim.config().raft.check_quorum, link) }
            { drift(p.sim.config().reads.clock_drift_ppm, link) }
            { snapshots(p.sim.config().snapshot_threshold, link) }
            { slider("Latency min (ms)", ms(config.latency_min), "200", "1", 0, fixed(ms(config.latency_min), 0), NetworkEdit::LatencyMinMs) }
            { slider("Latency max (ms)", ms(config.latency_max), "200", "1", 0, fixed(ms(config.latency_max), 0), NetworkEdit::LatencyMaxMs) }
            { slider("Loss", config.loss, "1", "0.01", 2, percent(config.loss), NetworkEdit::Loss) }
            { slider("Duplication", config.duplication, "1", "0.01", 2, percent(config.duplication), NetworkEdit::Duplication) }
        </div>
    }
}

/// PreVote and CheckQuorum, each a checkbox that records a `raft` action.
fn mechanisms(raft: RaftOptions, link: &Callback<Msg>) -> Html {
    let set = |options: RaftOptions| {
        link.reform(move |_: Event| Msg::Do(Input::Act(Action::SetRaft(options))))
    };
    let pre_vote = set(RaftOptions {
        pre_vote: !raft.pre_vote,
        ..raft
    });
    let check_quorum = set(RaftOptions {
        check_quorum: !raft.check_quorum,
        ..raft
    });
    html! {
        <fieldset class="mechanisms">
            <legend>{ "Beyond Figure 2" }</legend>
            <label title="Thesis §9.6: ask whether you could win before raising your term">
                <input type="checkbox" checked={raft.pre_vote} onchange={pre_vote} />{ "PreVote" }</label>
            <label title="Thesis §6.2: a leader that hears no majority for an election timeout steps down; with it, a server that heard a leader within the minimum election timeout ignores RequestVote (thesis §4.2.3). A server that comes back with a higher term still deposes the leader through its replies: PreVote keeps that term from rising (§9.6)">
                <input type="checkbox" checked={raft.check_quorum} onchange={check_quorum} />{ "CheckQuorum" }</label>
        </fieldset>
    }
}

/// How reads are answered (thesis §6.4): a select that records a `reads`
/// action.
fn reads(path: ReadPath, check_quorum: bool, link: &Callback<Msg>) -> Html {
    let apply = link.reform(move |value: String| {
        // The options are the only values; anything else keeps the path.
        let chosen = ReadPath::from_name(&value).unwrap_or(path);
        Msg::Do(Input::Act(Action::SetReads(chosen)))
    });
    let options: Html = ReadPath::ALL.into_iter().map(|p| html! {
        <option value={p.name()} selected={p == path}>{ words::read_path_option(p, check_quorum) }</option>
    })
    .collect();
    html! {
        <label class="setting" title="Thesis §6.4: how a read is answered, and whether it writes the log">
            { "Reads " }
            { settled_select("Reads", "", path.name().to_string(), apply, options) }
        </label>
    }
}

/// The clock drift bound a lease allows for (thesis §6.4.1): a select
/// that records a `drift` action.
fn drift(bound: u64, link: &Callback<Msg>) -> Html {
    let apply = link.reform(move |value: String| {
        // The options are the only values; anything else keeps the bound.
        let chosen = value.parse().unwrap_or(bound);
        Msg::Do(Input::Act(Action::SetDriftBound(chosen)))
    });
    let options: Html = drift_bound::entries(bound).into_iter().map(|ppm| html! {
        <option value={ppm.to_string()} selected={ppm == bound}>{ drift_bound::label(ppm) }</option>
    })
    .collect();
    html! {
        <label class="setting" title="Thesis §6.4.1: how far clocks may run off real time; a lease gives up twice this share of the election timeout">
            { "Drift bound " }
            { settled_select("Drift bound", "", bound.to_string(), apply, options) }
        </label>
    }
}

/// Log compaction (thesis chapter 5): a select that records a `snapshots`
/// action, off or every N applied entries.
fn snapshots(every: Option<u64>, link: &Callback<Msg>) -> Html {
    let apply = link.reform(move |value: String| {
        // The options are the only values; anything else keeps the setting.
        let chosen = snapshot_threshold::parse(&value).unwrap_or(every);
        Msg::Do(Input::Act(Action::SetSnapshots(chosen)))
    });
    let options: Html = snapshot_threshold::entries(every).into_iter().map(|n| html! {
        <option value={snapshot_threshold::value(n)} selected={n == every}>{ snapshot_threshold::label(n) }</option>
    })
    .collect();
    let applied = snapshot_threshold::value(every);
    html! {
        <label class="setting" title="Thesis chapter 5: each server snapshots its state and discards its log once this many entries were applied; a follower too far behind gets the snapshot by InstallSnapshot">
            { "Snapshots " }
            { settled_select("Snapshots", "", applied, apply, options) }
        </label>
    }
}

/// What each node delivered, in order, and its key-value state: the same
/// messages in the same order everywhere.
pub(super) fn applied(s: &Session, _: &PartProps) -> Html {
    let p = &s.playground;
    html! {
        <div class="applied">
            <h2>{ "Delivered, in order" }</h2>
            <table aria-label="Applied commands per node">
                { for p.sim.servers().iter().map(|s| {
                    let applied = s.node.state_machine().applied();
                    let shown: Vec<String> = applied.iter().enumerate()
                        .filter(|(_, e)| matches!(e.payload, Payload::Command(_)))
                        .rev().take(6)
                        .map(|(i, e)| format!("{}:{}", i + 1, e.payload))
                        .collect();
                    let kv: Vec<String> = s.node.state_machine().data().iter().map(|(k, v)| format!("{k}={v}")).collect();
                    html! {
                        <tr>
                            <th scope="row">{ format!("n{}", s.node.id()) }</th>
                            <td class="delivered">{ shown.into_iter().rev().collect::<Vec<_>>().join("  ·  ") }</td>
                            <td class="kv">{ kv.join(", ") }</td>
                        </tr>
                    }
                }) }
            </table>
        </div>
    }
}

/// The event log in words, newest first; each line keyed by its number,
/// so a new line is one new list item.
pub(super) fn event_log(s: &Session, _: &PartProps) -> Html {
    let p = &s.playground;
    html! {
        <div class="event-log">
            <h2>{ "Events" }</h2>
            <ol aria-label="Event log" aria-live="off">
                { for p.events.numbered_until(&p.sim).rev().take(60).map(|(n, line)| html! { <li key={n}>{ line }</li> }) }
            </ol>
        </div>
    }
}

pub(super) fn help(s: &Session, part: &PartProps) -> Html {
    if !s.playground.help_open {
        return html! {};
    }
    // Modal: Tab and Shift+Tab go between its two controls, Close and
    // the shortcuts' switch (they went on to the page behind it, a page
    // tester saw).
    let keep_tab = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Tab" {
            e.prevent_default();
            let on_close = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .is_some_and(|t| t.tag_name() == "BUTTON");
            super::focus(match on_close {
                true => ".overlay .dialog input",
                false => ".overlay .dialog button",
            });
        }
    });
    let single_keys = part.send.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Msg::SingleKeys(input.checked())
    });
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onkeydown={keep_tab}>
            // Takes the focus itself when it opens, so it opens at its top
            // (focusing Close scrolled it to the end).
            <div class="dialog" tabindex="-1">
                // Close stays at the top as the dialog scrolls: on a phone
                // it was 1,300 px down, at the dialog's end (a page tester).
                <div class="dialog-head">
                    <h2>{ "Keyboard" }</h2>
                    <button onclick={on_click(&part.send, Input::Key(KeyCommand::ToggleHelp))}>{ "Close" }</button>
                </div>
                <table>{ for BINDINGS.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }</table>
                <label class="single-keys">
                    <input type="checkbox" checked={s.single_keys} onchange={single_keys} />
                    { "Single-key shortcuts (letters, Space, + - . ?). Turn them off if you speak to the page or a key press slips: the buttons do the same, and this browser remembers." }
                </label>
                <h2>{ "What you see" }</h2>
                <p>{ format!("Each server shows its name, its term (the big number) and its commit index (c4: entries up to 4 are committed). Its fill colour is the term too; the outline is the role (leader: double ring, candidate: dashed, pre-candidate with PreVote: dotted lilac, follower: thin); grey is stopped. A dashed teal outline is a learner, which gets the log but has no vote yet; a pale grey one was removed from the configuration (thesis ch. 4). The arc drains as the election timeout nears. Messages: filled dots are requests, hollow ones replies, dashed with × a rejection; bigger dots carry entries; squares are reads. A link draws at most {} messages each way, the oldest; the picture's corner says how many more are in flight.", crate::view::scene::DRAWN_PER_LINK) }</p>
                <ul class="colour-key" aria-label="Message colours">
                    { for palette::MESSAGE_LEGEND.iter().map(|(words, kind)| html! {
                        <li><svg viewBox="-6 -6 12 12" aria-hidden="true"><circle r="5" fill={palette::message_color(kind)} /></svg>{ *words }</li>
                    }) }
                </ul>
                <h2>{ "The timeline's marks" }</h2>
                <ul class="colour-key" aria-label="Timeline marks">
                    { for MarkKind::ALL.iter().map(|k| html! {
                        <li><svg viewBox="0 -6 4 16" aria-hidden="true"><line class={k.class()} x1="2" x2="2" y1={k.top().to_string()} y2="10" /></svg>{ k.words() }</li>
                    }) }
                </ul>
                <p>{ "A bare § is a section of the Raft paper (Ongaro and Ousterhout, 2014); thesis § is one of Ongaro's PhD thesis." }</p>
            </div>
        </div>
    }
}

pub(super) fn notice(s: &Session, part: &PartProps) -> Html {
    let text = s.notice_text();
    // "answer": it answers a command (a phone's width pins an error to
    // the window's top, whichever panel raised it). The text is a span of
    // its own so that, pinned, it leaves the line's place in the page.
    let class = classes!(
        "notice",
        s.notice_is_news().then_some("news"),
        s.notice_answers_a_command().then_some("answer")
    );
    html! {
        <p {class} role="status" aria-live="polite">
            <span class="notice-text">
                { text.unwrap_or_default() }
                if s.can_undo() {
                    <button class="undo" onclick={on_click(&part.send, Input::Undo)}>{ "Undo" }</button>
                }
            </span>
        </p>
    }
}

/// The line that says the run breaks Raft on purpose, naming its unsafe
/// switches (what each breaks in its tooltip); nothing for a safe run.
pub(super) fn unsafe_warning(s: &Session, _: &PartProps) -> Html {
    let Some(text) = s.playground.unsafe_warning() else {
        return html! {};
    };
    let switches = s.playground.scenario.unsafe_switches.enabled();
    let title: Vec<String> = switches.map(|u| u.rule_and_source()).collect();
    html! {
        <p class="unsafe-warning" role="note" title={title.join("; ")}>{ text }</p>
    }
}
