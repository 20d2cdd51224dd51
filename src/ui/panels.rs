//! The side panels: details of what is selected, safety invariants, the
//! client, the network, applied messages, help and notices.

use super::app::Msg;
use super::part::{on_click, PartProps};
use crate::raft::{NodeId, Payload, ReadPath, Role, MILLIS};
use crate::sim::config::RaftOptions;
use crate::sim::decimal::{fixed, seconds};
use crate::sim::invariants::tally;
use crate::sim::membership::Replacement;
use crate::sim::Action;
use crate::view::disk_state::DiskState;
use crate::view::drift_bound;
use crate::view::keys::{KeyCommand, BINDINGS};
use crate::view::membership::{self, Standing};
use crate::view::network_edits::NetworkEdit;
use crate::view::playground::{Playground, Selection};
use crate::view::requests;
use crate::view::session::{Input, Session};
use crate::view::snapshot_threshold;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub(super) fn selection(s: &Session, part: &PartProps) -> Html {
    let (p, link) = (&s.playground, &part.send);
    match p.selection {
        Selection::Node(id) => node_details(p, id, link),
        Selection::Message(id) => message_details(p, id, link),
        Selection::None => html! {
            <div class="panel details"><h2>{ "Details" }</h2>
                <p class="hint">{ "Click a node or a message (or Tab to it and press Enter) to see it and act on it." }</p>
            </div>
        },
    }
}

fn node_details(p: &Playground, id: NodeId, link: &Callback<Msg>) -> Html {
    let Some(server) = p.sim.server(id) else {
        return html! {};
    };
    let node = &server.node;
    let role = crate::sim::NodeStatus::of(server).as_str();
    let standing = membership::standing(&p.sim, id);
    let act = |action: Action| on_click(link, Input::Act(action));
    let request = crate::raft::Op::Write {
        key: "msg".into(),
        value: format!("to n{id}"),
    };
    html! {
        <div class="panel details" aria-label={format!("Node {id} details")}>
            <h2>{ format!("Node {id}") }</h2>
            <dl>
                <dt>{ "role" }</dt><dd>{ role }</dd>
                <dt>{ "member" }</dt><dd class={format!("standing-{}", standing.as_str())}>{ standing.as_str() }</dd>
                <dt>{ "its configuration" }</dt><dd>{ configuration_text(node) }</dd>
                <dt>{ "term" }</dt><dd>{ node.current_term() }</dd>
                <dt>{ "votedFor" }</dt><dd>{ node.voted_for().map_or("none".into(), |v| format!("n{v}")) }</dd>
                <dt>{ "commitIndex" }</dt><dd>{ node.commit_index() }</dd>
                <dt>{ "lastApplied" }</dt><dd>{ node.last_applied() }</dd>
                <dt>{ "last log index" }</dt><dd>{ node.log().last_index() }</dd>
                <dt>{ "leader hint" }</dt><dd>{ node.leader_hint().map_or("unknown".into(), |l| format!("n{l}")) }</dd>
                if let Some(target) = node.transfer_target() {
                    <><dt>{ "transferring to" }</dt><dd>{ format!("n{target}") }</dd></>
                }
                <dt>{ "restarts" }</dt><dd>{ server.incarnation }</dd>
                <dt>{ "clock" }</dt><dd>{ clock_text(p.sim.clocks().of(id).ppm()) }</dd>
                if let Some(until) = node.lease_until(p.sim.node_time(id)) {
                    <><dt>{ "lease" }</dt><dd>{ format!("for {} ms more", (until - p.sim.node_time(id)) / MILLIS) }</dd></>
                }
                { for DiskState::of(server).rows().into_iter().map(|(term, text)| html! {
                    <><dt>{ term }</dt><dd>{ text }</dd></>
                }) }
            </dl>
            if node.role() == Role::Leader {
                <table class="progress" aria-label="nextIndex and matchIndex per follower">
                    <tr><th>{ "peer" }</th><th>{ "nextIndex" }</th><th>{ "matchIndex" }</th></tr>
                    { for node.progress().iter().map(|(peer, pr)| html! {
                        <tr><td>{ format!("n{peer}") }</td><td>{ pr.next_index }</td><td>{ pr.match_index }</td></tr>
                    }) }
                </table>
            }
            <div class="actions">
                if server.up {
                    <button onclick={act(Action::Stop(id))}>{ "Stop" }</button>
                } else {
                    <button onclick={act(Action::Resume(id))}>{ "Resume" }</button>
                }
                <button onclick={act(Action::Restart(id))}>{ "Restart" }</button>
                <button onclick={act(Action::ForceTimeout(id))}>{ "Time out" }</button>
                <button onclick={act(Action::ClientRequest { to: Some(id), op: request })}>{ "Send request here" }</button>
                <button onclick={act(Action::Partition(vec![vec![id]]))}>{ "Isolate" }</button>
                if p.sim.clocks().of(id).ppm() == 0 {
                    <button title="Thesis §6.4.1: a lease is safe only while clocks drift within the bound"
                        onclick={act(Action::SetClockRate { node: id, ppm: 300_000 })}>{ "Clock 30% fast" }</button>
                    <button onclick={act(Action::SetClockRate { node: id, ppm: -300_000 })}>{ "Clock 30% slow" }</button>
                } else {
                    <button onclick={act(Action::SetClockRate { node: id, ppm: 0 })}>{ "Exact clock" }</button>
                }
                if node.role() != Role::Leader {
                    <button aria-keyshortcuts="L" title="Thesis §3.10: the leader catches this node up and tells it to time out now"
                        onclick={act(Action::TransferLeadership(id))}>{ "Transfer leadership here" }</button>
                }
                if standing != Standing::Removed {
                    <button title="Thesis §4.2.2: the leader appends a configuration without this server; a leader removing itself steps down once it commits"
                        onclick={act(Action::RemoveServer(id))}>{ "Remove" }</button>
                }
            </div>
        </div>
    }
}

/// The configuration a server uses (thesis §4.1: the latest in its log,
/// committed or not), and the index of its entry.
fn configuration_text(node: &crate::raft::RaftNode) -> String {
    match node.membership_index() {
        0 if node.membership().voters.is_empty() => "none yet".into(),
        0 => format!("{} (from the start)", node.membership()),
        index => format!("{} (entry {index})", node.membership()),
    }
}

/// A clock's rate as the node panel shows it.
fn clock_text(ppm: i64) -> String {
    match ppm {
        0 => "exact".into(),
        ppm => format!(
            "{}{}% off real time",
            if ppm > 0 { "+" } else { "−" },
            fixed(ppm.unsigned_abs() as f64 / 10_000.0, 1)
        ),
    }
}

fn message_details(p: &Playground, id: u64, link: &Callback<Msg>) -> Html {
    let Some(m) = p.sim.network().get(id) else {
        return html! { <div class="panel details"><p>{ "That message has arrived or died." }</p></div> };
    };
    let summary = crate::view::packet_text::describe(&m.packet);
    // A snapshot chunk's tag, as drawn beside it: "snapshot 2/3".
    let tag = p.scene.messages.iter().find(|v| v.id == id);
    let tag = tag
        .and_then(|v| v.tag.as_deref())
        .map(|t| format!(" · {t}"));
    html! {
        <div class="panel details" aria-label={format!("Message {id} details")}>
            <h2>{ format!("{} #{id}{}", m.packet.kind(), tag.unwrap_or_default()) }</h2>
            <dl>
                <dt>{ "from" }</dt><dd>{ m.from.to_string() }</dd>
                <dt>{ "to" }</dt><dd>{ m.to.to_string() }</dd>
                <dt>{ "sent" }</dt><dd>{ format!("{} s", seconds(m.sent_at, 3)) }</dd>
                <dt>{ "arrives" }</dt><dd>{ format!("{} s", seconds(m.deliver_at, 3)) }</dd>
            </dl>
            <p class="packet">{ summary }</p>
            <div class="actions">
                <button onclick={on_click(link, Input::Act(Action::DropMessage(id)))}>{ "Drop" }</button>
            </div>
        </div>
    }
}

/// The live safety panel: every invariant green unless violated, and who
/// leads which term.
pub(super) fn invariants(s: &Session, _: &PartProps) -> Html {
    let p = &s.playground;
    let violations = p.sim.violations();
    let leader = p.sim.leader();
    let summary = match leader {
        Some(l) => format!(
            "Leader: n{l}, term {}",
            p.sim.server(l).map_or(0, |s| s.node.current_term())
        ),
        None => "No leader right now".to_string(),
    };
    html! {
        <div class="panel invariants">
            <h2>{ "Safety" }</h2>
            <p class="leader-summary" aria-live="polite">{ summary }</p>
            <ul>
                { for tally(violations).into_iter().map(|(inv, broken)| {
                    let (class, text) = if broken == 0 { ("ok", "holds".to_string()) } else { ("violated", format!("VIOLATED ({broken})")) };
                    html! { <li class={class}><span class="dot" aria-hidden="true"></span>{ format!("{}: {text}", inv.name().replace('_', " ")) }</li> }
                }) }
            </ul>
            { for violations.iter().take(3).map(|v| html! { <p class="violation">{ v.to_string() }</p> }) }
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
    let on_submit = link.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::Do(Input::Send)
    });
    html! {
        <div class="panel client">
            <h2>{ "Client" }</h2>
            <form onsubmit={on_submit}>
                <input type="text" aria-label="Message" placeholder="hello, or read x / write x 1 / cas x 1 2"
                    value={s.drafts.client_text.clone()} oninput={on_text} />
                <select aria-label="Send to" onchange={on_target}>
                    <option value="leader" selected={s.drafts.client_target.is_none()}>{ "the leader" }</option>
                    { for (1..=p.sim.server_count()).map(|n| html! {
                        <option value={n.to_string()} selected={s.drafts.client_target == Some(n)}>{ format!("node {n}") }</option>
                    }) }
                </select>
                <select aria-label="Read by" title="How a read is answered: as the cluster is set, or this way (thesis §6.4)" onchange={on_read_path}>
                    <option value="cluster" selected={read_path.is_none()}>{ "reads as set" }</option>
                    { for ReadPath::ALL.into_iter().map(|p| html! {
                        <option value={p.name()} selected={read_path == Some(p)}>{ format!("read: {}", read_path_label(p)) }</option>
                    }) }
                </select>
                <button type="submit">{ "Send" }</button>
                <button type="button" aria-keyshortcuts="C" onclick={on_click(link, Input::Key(KeyCommand::ClientRequestToLeader))}>{ "Request to leader" }</button>
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
    let (by, replacement_title) = membership::replacement_way(&p.sim);
    let other = match by {
        Replacement::Joint => Replacement::OneByOne,
        Replacement::OneByOne => Replacement::Joint,
    };
    let toggle_replacement =
        link.reform(move |_: Event| Msg::Do(Input::Act(Action::SetReplacement(other))));
    // "Leader reaches one peer": the leader keeps the voter after it.
    let leader_and_peer = p
        .sim
        .leader()
        .and_then(|l| Some((l, membership::next_voter(cluster, l)?)))
        .filter(|&(l, peer)| l != peer && n >= 3);
    let config = p.sim.network().config;
    let slider = |label: &'static str,
                  value: f64,
                  max: &'static str,
                  step: &'static str,
                  places: usize,
                  edit: fn(f64) -> NetworkEdit| {
        let on_input = link.reform(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            Msg::Do(Input::Network(edit(v)))
        });
        let value = fixed(value, places);
        html! {
            <label class="slider">{ label }
                <input type="range" min="0" {max} {step} value={value.clone()} aria-label={label} oninput={on_input} />
                <output>{ value }</output>
            </label>
        }
    };
    let on_cut = link.reform(|e: InputEvent| {
        Msg::Do(Input::CutText(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ))
    });
    let ms = |t: u64| (t / MILLIS) as f64;
    html! {
        <div class="panel network">
            <h2>{ "Network" }</h2>
            <div class="presets">
                <button aria-keyshortcuts="P" onclick={on_click(link, Input::Key(KeyCommand::IsolateLeader))}>{ "Isolate leader" }</button>
                <button aria-keyshortcuts="D" title="Cut every link into the leader: it still sends, but hears nothing"
                    onclick={on_click(link, Input::Key(KeyCommand::DeafenLeader))}>{ "Deafen leader" }</button>
                <button onclick={on_click(link, Input::MajorityMinority)}>{ "Majority / minority" }</button>
                if let Some((leader, peer)) = leader_and_peer {
                    <button title="A partial partition: the leader keeps one peer and loses the rest, who still reach each other"
                        onclick={on_click(link, Input::Act(Action::ReachOnly { node: leader, peers: vec![peer] }))}>
                        { "Leader reaches one peer" }</button>
                }
                <button aria-keyshortcuts="H" onclick={on_click(link, Input::Act(Action::Heal))}>{ "Heal" }</button>
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
                <button title="Thesis §4.2.1: a new server joins as a learner and the leader makes it a voter once it has caught up"
                    onclick={on_click(link, Input::Act(Action::AddServer))}>{ "Add server" }</button>
                { for membership::replacement(&p.sim).map(|(action, label)| html! {
                    <button title={replacement_title}
                        onclick={on_click(link, Input::Act(action))}>{ label }</button>
                }) }
                <label title="Replace servers by single-server changes (thesis §4.1) instead of joint consensus (§4.3)">
                    <input type="checkbox" checked={by == Replacement::OneByOne} onchange={toggle_replacement} />
                    { "one server at a time" }</label>
            </fieldset>
            { mechanisms(p.sim.config().raft, link) }
            { reads(p.sim.config().reads.path, link) }
            { drift(p.sim.config().reads.clock_drift_ppm, link) }
            { snapshots(p.sim.config().snapshot_threshold, link) }
            { slider("Latency min (ms)", ms(config.latency_min), "200", "1", 0, NetworkEdit::LatencyMinMs) }
            { slider("Latency max (ms)", ms(config.latency_max), "200", "1", 0, NetworkEdit::LatencyMaxMs) }
            { slider("Loss", config.loss, "1", "0.01", 2, NetworkEdit::Loss) }
            { slider("Duplication", config.duplication, "1", "0.01", 2, NetworkEdit::Duplication) }
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
            <label title="Thesis §6.2: a leader that hears no majority steps down; followers that hear a leader ignore RequestVote">
                <input type="checkbox" checked={raft.check_quorum} onchange={check_quorum} />{ "CheckQuorum" }</label>
        </fieldset>
    }
}

/// How reads are answered (thesis §6.4): a select that records a `reads`
/// action.
fn reads(path: ReadPath, link: &Callback<Msg>) -> Html {
    let on_change = link.reform(move |e: Event| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        // The options are the only values; anything else keeps the path.
        let chosen = ReadPath::from_name(&value).unwrap_or(path);
        Msg::Do(Input::Act(Action::SetReads(chosen)))
    });
    html! {
        <label class="setting" title="Thesis §6.4: how a read is answered, and whether it writes the log">
            { "Reads " }
            <select aria-label="Reads" onchange={on_change}>
                { for ReadPath::ALL.into_iter().map(|p| html! {
                    <option value={p.name()} selected={p == path}>{ read_path_label(p) }</option>
                }) }
            </select>
        </label>
    }
}

/// The clock drift bound a lease allows for (thesis §6.4.1): a select
/// that records a `drift` action.
fn drift(bound: u64, link: &Callback<Msg>) -> Html {
    let on_change = link.reform(move |e: Event| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        // The options are the only values; anything else keeps the bound.
        let chosen = value.parse().unwrap_or(bound);
        Msg::Do(Input::Act(Action::SetDriftBound(chosen)))
    });
    html! {
        <label class="setting" title="Thesis §6.4.1: how far clocks may run off real time; a lease gives up twice this share of the election timeout">
            { "Drift bound " }
            <select aria-label="Drift bound" onchange={on_change}>
                { for drift_bound::entries(bound).into_iter().map(|ppm| html! {
                    <option value={ppm.to_string()} selected={ppm == bound}>{ drift_bound::label(ppm) }</option>
                }) }
            </select>
        </label>
    }
}

/// Log compaction (thesis chapter 5): a select that records a `snapshots`
/// action, off or every N applied entries.
fn snapshots(every: Option<u64>, link: &Callback<Msg>) -> Html {
    let on_change = link.reform(move |e: Event| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        // The options are the only values; anything else keeps the setting.
        let chosen = snapshot_threshold::parse(&value).unwrap_or(every);
        Msg::Do(Input::Act(Action::SetSnapshots(chosen)))
    });
    html! {
        <label class="setting" title="Thesis chapter 5: each server snapshots its state and discards its log once this many entries were applied; a follower too far behind gets the snapshot by InstallSnapshot">
            { "Snapshots " }
            <select aria-label="Snapshots" onchange={on_change}>
                { for snapshot_threshold::entries(every).into_iter().map(|n| html! {
                    <option value={snapshot_threshold::value(n)} selected={n == every}>{ snapshot_threshold::label(n) }</option>
                }) }
            </select>
        </label>
    }
}

/// A read path as the menus name it.
fn read_path_label(path: ReadPath) -> &'static str {
    match path {
        ReadPath::Log => "through the log",
        ReadPath::ReadIndex => "ReadIndex",
        ReadPath::Lease => "lease (needs CheckQuorum)",
        ReadPath::Local => "local (not linearizable)",
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
                { for p.events.numbered_until(p.sim.now()).rev().take(60).map(|(n, line)| html! { <li key={n}>{ line }</li> }) }
            </ol>
        </div>
    }
}

pub(super) fn help(s: &Session, part: &PartProps) -> Html {
    if !s.playground.help_open {
        return html! {};
    }
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
            <div class="dialog">
                <h2>{ "Keyboard" }</h2>
                <table>{ for BINDINGS.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }</table>
                <p>{ "Nodes: fill colour is the term; the outline is the role (leader: double ring, candidate: dashed, follower: thin); grey is stopped. A dashed teal outline is a learner, which gets the log but has no vote yet; a pale grey one was removed from the configuration (thesis ch. 4). The arc drains as the election timeout nears. Messages: filled dots are requests, hollow ones replies, dashed with × a rejection; bigger dots carry entries." }</p>
                <button onclick={on_click(&part.send, Input::Key(KeyCommand::ToggleHelp))}>{ "Close" }</button>
            </div>
        </div>
    }
}

pub(super) fn notice(s: &Session, _: &PartProps) -> Html {
    let text = s
        .drafts
        .error
        .clone()
        .or_else(|| s.playground.notice.clone());
    html! {
        <p class="notice" role="status" aria-live="polite">{ text.unwrap_or_default() }</p>
    }
}

/// The line that says the run breaks Raft on purpose, naming its unsafe
/// switches (what each breaks in its tooltip); nothing for a safe run.
pub(super) fn unsafe_warning(s: &Session, _: &PartProps) -> Html {
    let Some(text) = s.playground.unsafe_warning() else {
        return html! {};
    };
    let switches = s.playground.scenario.unsafe_switches.enabled();
    let title: Vec<&str> = switches.map(|u| u.description()).collect();
    html! {
        <p class="unsafe-warning" role="note" title={title.join("; ")}>{ text }</p>
    }
}
