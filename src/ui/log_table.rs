//! The log table: one row per server, one cell per index, coloured by term;
//! committed entries solid, uncommitted dashed, those not yet on the node's
//! disk struck through with a red underline; the leader's nextIndex and
//! matchIndex for each follower marked in its row (`view::log_table`);
//! configuration entries marked "cfg", learners' and removed servers' rows
//! named so; a compacted prefix one hatched block, "snapshot ≤ 24 · t2".

use super::part::{on_click, PartProps};
use crate::view::log_table::{log_table, slow_disk_note, LogCell, LogMark, SnapshotBlock};
use crate::view::membership::Standing;
use crate::view::palette::term_class;
use crate::view::playground::Selection;
use crate::view::session::{Input, Session};
use yew::prelude::*;

/// Indices shown at once; longer logs show their most recent part.
const WINDOW: u64 = 24;

pub(super) fn view(s: &Session, part: &PartProps) -> Html {
    let table = log_table(&s.playground.sim, WINDOW);
    let (first, last) = (table.first, table.last);
    html! {
        <div class="log-table">
            <h2>{ "Logs" }</h2>
            if first > 1 {
                <p class="window-note">{ format!("showing indices {first}–{last} of {last}") }</p>
            }
            if let Some(note) = slow_disk_note(&s.playground.sim.config().disk) {
                <p class="window-note"><span class="legend unsynced">{ "3" }</span>{ " not yet on disk: lost if its node crashes now" }</p>
                <p class="window-note">{ note }</p>
            }
            <table aria-label="Replicated logs">
                <thead>
                    <tr><th scope="col">{ "node" }</th>
                    { for table.indices().map(|i| html! { <th scope="col">{ i }</th> }) }</tr>
                </thead>
                <tbody>
                    { for table.rows.iter().map(|row| {
                        let id = row.id;
                        let onclick = on_click(&part.send, Input::Select(Selection::Node(id)));
                        let standing = (row.standing != Standing::Voter).then(|| row.standing.as_str());
                        html! {
                            <tr class={classes!(row.stopped.then_some("stopped"), standing.map(|s| format!("standing-{s}")))}>
                                <th scope="row"><button class="link" {onclick}>{ format!("n{id}") }</button>
                                    if let Some(word) = standing { <span class="row-standing">{ word }</span> }</th>
                                { for row.snapshot.iter().map(snapshot) }
                                { for row.cells.iter().map(|c| cell(c, involved(s, id, c.index))) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// The leader's nextIndex and matchIndex marks at a cell or block.
fn marks(marks: &[LogMark]) -> Html {
    marks
        .iter()
        .map(|m| html! { <span class={classes!("mark", m.as_str())}>{ m.as_str() }</span> })
        .collect()
}

/// The compacted prefix: one block over the columns it covers, in its last
/// term's colour.
fn snapshot(b: &SnapshotBlock) -> Html {
    html! {
        <td class={classes!("snapshot", term_class(b.last_term))} colspan={b.columns.to_string()} title={b.title()}>
            { b.label() }
            { marks(&b.marks) }
        </td>
    }
}

/// Whether a failure found names this server's entry at `index`.
fn involved(s: &Session, id: u64, index: u64) -> bool {
    s.playground
        .failure
        .as_ref()
        .is_some_and(|f| f.highlight.nodes.contains(&id) && f.highlight.indexes.contains(&index))
}

fn cell(c: &LogCell, involved: bool) -> Html {
    let marks = marks(&c.marks);
    match c.entry {
        Some((term, committed)) => {
            let state = if committed {
                "committed"
            } else {
                "not committed"
            };
            let disk = if c.unsynced { ", not yet on disk" } else { "" };
            // A configuration entry (thesis §4.1) says which.
            let config = c.config.as_ref().map(|m| format!(", config {m}"));
            html! {
                <td class={classes!("entry", term_class(term), if committed { "committed" } else { "uncommitted" }, c.unsynced.then_some("unsynced"), config.is_some().then_some("config"), involved.then_some("involved"))}
                    title={format!("index {}, term {term}, {state}{disk}{}", c.index, config.as_deref().unwrap_or_default())}>
                    { term }
                    if config.is_some() { <span class="cfg">{ "cfg" }</span> }
                    { marks }
                </td>
            }
        }
        None => html! { <td class="empty">{ marks }</td> },
    }
}
