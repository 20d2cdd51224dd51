//! The side panels: details of what is selected, safety invariants, the
//! client, the network, applied messages, help and notices.

use super::app::{App, Msg};
use crate::raft::{NodeId, Payload, Role, MILLIS};
use crate::sim::decimal::seconds;
use crate::sim::invariants::tally;
use crate::sim::workload::USER_CLIENT_BASE;
use crate::sim::{Action, NetworkConfig, Outcome, Packet};
use crate::view::keys::{KeyCommand, BINDINGS};
use crate::view::playground::{Playground, Selection};
use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

pub fn selection(p: &Playground, link: &Scope<App>) -> Html {
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

fn node_details(p: &Playground, id: NodeId, link: &Scope<App>) -> Html {
    let Some(server) = p.sim.server(id) else {
        return html! {};
    };
    let node = &server.node;
    let role = crate::sim::NodeStatus::of(server).as_str();
    let act = |action: Action| link.callback(move |_| Msg::Act(action.clone()));
    let request = crate::raft::Op::Write {
        key: "msg".into(),
        value: format!("to n{id}"),
    };
    html! {
        <div class="panel details" aria-label={format!("Node {id} details")}>
            <h2>{ format!("Node {id}") }</h2>
            <dl>
                <dt>{ "role" }</dt><dd>{ role }</dd>
                <dt>{ "term" }</dt><dd>{ node.current_term() }</dd>
                <dt>{ "votedFor" }</dt><dd>{ node.voted_for().map_or("none".into(), |v| format!("n{v}")) }</dd>
                <dt>{ "commitIndex" }</dt><dd>{ node.commit_index() }</dd>
                <dt>{ "lastApplied" }</dt><dd>{ node.last_applied() }</dd>
                <dt>{ "last log index" }</dt><dd>{ node.log().last_index() }</dd>
                <dt>{ "leader hint" }</dt><dd>{ node.leader_hint().map_or("unknown".into(), |l| format!("n{l}")) }</dd>
                <dt>{ "restarts" }</dt><dd>{ server.incarnation }</dd>
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
            </div>
        </div>
    }
}

fn message_details(p: &Playground, id: u64, link: &Scope<App>) -> Html {
    let Some(m) = p.sim.network().get(id) else {
        return html! { <div class="panel details"><p>{ "That message has arrived or died." }</p></div> };
    };
    let summary = match &m.packet {
        Packet::Raft(msg) => format!("{msg:?}"),
        Packet::ClientRequest(c) => format!("request {} from client {}", c.op, c.client),
        Packet::ClientReply(r) => format!("reply {:?}", r.outcome),
    };
    html! {
        <div class="panel details" aria-label={format!("Message {id} details")}>
            <h2>{ format!("{} #{id}", m.packet.kind()) }</h2>
            <dl>
                <dt>{ "from" }</dt><dd>{ m.from.to_string() }</dd>
                <dt>{ "to" }</dt><dd>{ m.to.to_string() }</dd>
                <dt>{ "sent" }</dt><dd>{ format!("{} s", seconds(m.sent_at, 3)) }</dd>
                <dt>{ "arrives" }</dt><dd>{ format!("{} s", seconds(m.deliver_at, 3)) }</dd>
            </dl>
            <p class="packet">{ summary }</p>
            <div class="actions">
                <button onclick={link.callback(move |_| Msg::Act(Action::DropMessage(id)))}>{ "Drop" }</button>
            </div>
        </div>
    }
}

/// The live safety panel: every invariant green unless violated, and who
/// leads which term.
pub fn invariants(p: &Playground) -> Html {
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

pub fn client(app: &App, link: &Scope<App>) -> Html {
    let p = &app.playground;
    let on_text = link.callback(|e: InputEvent| {
        Msg::ClientText(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_target = link.callback(|e: Event| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        Msg::ClientTarget(value.parse().ok())
    });
    let on_submit = link.callback(|e: SubmitEvent| {
        e.prevent_default();
        Msg::Send
    });
    let requests: Vec<_> = p
        .sim
        .history()
        .iter()
        .enumerate()
        .filter(|(_, o)| o.client >= USER_CLIENT_BASE)
        .collect();
    html! {
        <div class="panel client">
            <h2>{ "Client" }</h2>
            <form onsubmit={on_submit}>
                <input type="text" aria-label="Message" placeholder="hello, or read x / write x 1 / cas x 1 2"
                    value={app.drafts.client_text.clone()} oninput={on_text} />
                <select aria-label="Send to" onchange={on_target}>
                    <option value="leader" selected={app.drafts.client_target.is_none()}>{ "the leader" }</option>
                    { for (1..=p.sim.config().nodes).map(|n| html! {
                        <option value={n.to_string()} selected={app.drafts.client_target == Some(n)}>{ format!("node {n}") }</option>
                    }) }
                </select>
                <button type="submit">{ "Send" }</button>
                <button type="button" aria-keyshortcuts="C" onclick={link.callback(|_| Msg::Key(KeyCommand::ClientRequestToLeader))}>{ "Request to leader" }</button>
            </form>
            <ol class="requests" aria-label="Your requests" reversed=true>
                { for requests.iter().rev().take(8).map(|(_, o)| {
                    let waiting = p.sim.workload().outstanding().find(|w| w.command.client == o.client);
                    let at = o.index.map_or(String::new(), |i| format!(" at index {i}"));
                    let redirected = if o.redirects > 0 { format!(", redirected {}×", o.redirects) } else { String::new() };
                    let status = match (o.outcome, waiting) {
                        (Outcome::Ok, _) => {
                            let read = o.read_result.as_ref().map_or(String::new(), |v| format!(", read {v}"));
                            format!("committed{at} and applied{read}{redirected}")
                        }
                        (Outcome::Fail, _) if o.index.is_some() => format!("failed: another entry was committed{at}"),
                        (Outcome::Fail, _) => "failed (had no effect)".to_string(),
                        (Outcome::Unknown, Some(w)) if w.redirects > 0 => format!("sent to n{}, redirected {}×, waiting", w.target, w.redirects),
                        (Outcome::Unknown, Some(w)) => format!("sent to n{}, waiting", w.target),
                        (Outcome::Unknown, None) => "timed out (outcome unknown)".to_string(),
                    };
                    html! { <li class={o.outcome.as_str()}>{ format!("{} — {status}", o.op) }</li> }
                }) }
            </ol>
        </div>
    }
}

pub fn network(app: &App, link: &Scope<App>) -> Html {
    let p = &app.playground;
    let n = p.sim.config().nodes;
    let config = p.sim.network().config;
    let leader = p.sim.leader();
    let slider = |label: &'static str,
                  value: f64,
                  max: f64,
                  step: f64,
                  set: fn(NetworkConfig, f64) -> NetworkConfig| {
        let on_input = link.callback(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            Msg::SetNetwork(set(config, v))
        });
        html! {
            <label class="slider">{ label }
                <input type="range" min="0" max={max.to_string()} step={step.to_string()} value={value.to_string()} aria-label={label} oninput={on_input} />
                <output>{ value.to_string() }</output>
            </label>
        }
    };
    let minority: Vec<NodeId> = {
        let mut ids: Vec<NodeId> = leader.into_iter().collect();
        ids.extend((1..=n).filter(|&i| Some(i) != leader));
        ids.truncate(((n - 1) / 2) as usize);
        ids
    };
    let on_cut = link.callback(|e: InputEvent| {
        Msg::CutText(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    html! {
        <div class="panel network">
            <h2>{ "Network" }</h2>
            <div class="presets">
                <button aria-keyshortcuts="P" onclick={link.callback(|_| Msg::Key(KeyCommand::IsolateLeader))}>{ "Isolate leader" }</button>
                <button onclick={link.callback(move |_| Msg::Act(Action::Partition(vec![minority.clone()])))}>{ "Majority / minority" }</button>
                <button aria-keyshortcuts="H" onclick={link.callback(|_| Msg::Act(Action::Heal))}>{ "Heal" }</button>
            </div>
            <fieldset class="sides">
                <legend>{ "Split: nodes on one side" }</legend>
                { for (1..=n).map(|id| html! {
                    <label><input type="checkbox" checked={app.drafts.side.contains(&id)}
                        onchange={link.callback(move |_| Msg::ToggleSide(id))} />{ format!("n{id}") }</label>
                }) }
                <button onclick={link.callback(|_| Msg::SplitSides)}>{ "Split" }</button>
            </fieldset>
            <div class="cut">
                <input type="text" aria-label="Link to cut" placeholder="1->2" value={app.drafts.cut.clone()} oninput={on_cut} />
                <button onclick={link.callback(|_| Msg::Cut)}>{ "Cut one way" }</button>
            </div>
            { slider("Latency min (ms)", (config.latency_min / MILLIS) as f64, 200.0, 1.0, |mut c, v| { c.latency_min = v as u64 * MILLIS; c.latency_max = c.latency_max.max(c.latency_min); c }) }
            { slider("Latency max (ms)", (config.latency_max / MILLIS) as f64, 200.0, 1.0, |mut c, v| { c.latency_max = v as u64 * MILLIS; c.latency_min = c.latency_min.min(c.latency_max); c }) }
            { slider("Loss", config.loss, 1.0, 0.01, |mut c, v| { c.loss = v; c }) }
            { slider("Duplication", config.duplication, 1.0, 0.01, |mut c, v| { c.duplication = v; c }) }
        </div>
    }
}

/// What each node delivered, in order, and its key-value state: the same
/// messages in the same order everywhere.
pub fn applied(p: &Playground) -> Html {
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

/// The event log in words, newest first.
pub fn event_log(p: &Playground) -> Html {
    html! {
        <div class="event-log">
            <h2>{ "Events" }</h2>
            <ol aria-label="Event log" aria-live="off">
                { for p.events.until(p.sim.now()).rev().take(60).map(|line| html! { <li>{ line }</li> }) }
            </ol>
        </div>
    }
}

pub fn help(p: &Playground, link: &Scope<App>) -> Html {
    if !p.help_open {
        return html! {};
    }
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
            <div class="dialog">
                <h2>{ "Keyboard" }</h2>
                <table>{ for BINDINGS.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }</table>
                <p>{ "Nodes: fill colour is the term; the outline is the role (leader: double ring, candidate: dashed, follower: thin); grey is stopped. The arc drains as the election timeout nears. Messages: filled dots are requests, hollow ones replies, dashed with × a rejection; bigger dots carry entries." }</p>
                <button onclick={link.callback(|_| Msg::Key(KeyCommand::ToggleHelp))}>{ "Close" }</button>
            </div>
        </div>
    }
}

pub fn notice(app: &App) -> Html {
    let text = app
        .drafts
        .error
        .clone()
        .or_else(|| app.playground.notice.clone());
    html! {
        <p class="notice" role="status" aria-live="polite">{ text.unwrap_or_default() }</p>
    }
}
