//! The log table: one row per server, one cell per index, coloured by term;
//! committed entries solid, uncommitted dashed; the leader's nextIndex and
//! matchIndex for each follower marked above its row.

use super::app::{App, Msg};
use crate::view::palette::term_class;
use crate::view::playground::{Playground, Selection};
use crate::view::scene::log_rows;
use yew::html::Scope;
use yew::prelude::*;

/// Indices shown at once; longer logs show their most recent part.
const WINDOW: u64 = 24;

pub fn view(p: &Playground, link: &Scope<App>) -> Html {
    let (first, last, rows) = log_rows(&p.sim, WINDOW);
    let indices: Vec<u64> = (first..=last.max(first)).collect();
    html! {
        <div class="log-table">
            <h2>{ "Logs" }</h2>
            if first > 1 {
                <p class="window-note">{ format!("showing indices {first}–{last} of {last}") }</p>
            }
            <table aria-label="Replicated logs">
                <thead>
                    <tr><th scope="col">{ "node" }</th>
                    { for indices.iter().map(|i| html! { <th scope="col">{ i }</th> }) }</tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|row| {
                        let id = row.id;
                        let onclick = link.callback(move |_| Msg::Select(Selection::Node(id)));
                        html! {
                            <tr class={classes!(row.stopped.then_some("stopped"))}>
                                <th scope="row"><button class="link" {onclick}>{ format!("n{id}") }</button></th>
                                { for indices.iter().map(|&i| {
                                    let cell = row.cells.iter().find(|c| c.0 == i);
                                    let mut marks = Vec::new();
                                    if row.next_index == Some(i) { marks.push("next"); }
                                    if row.match_index == Some(i) { marks.push("match"); }
                                    match cell {
                                        Some(&(_, term, committed)) => html! {
                                            <td class={classes!("entry", term_class(term), if committed { "committed" } else { "uncommitted" })}
                                                title={format!("index {i}, term {term}, {}", if committed { "committed" } else { "not committed" })}>
                                                { term }
                                                { for marks.iter().map(|m| html! { <span class={classes!("mark", *m)}>{ *m }</span> }) }
                                            </td>
                                        },
                                        None => html! {
                                            <td class="empty">
                                                { for marks.iter().map(|m| html! { <span class={classes!("mark", *m)}>{ *m }</span> }) }
                                            </td>
                                        },
                                    }
                                }) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}
