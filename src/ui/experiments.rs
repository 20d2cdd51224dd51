//! The Experiments view: draws `view::experiments` (Figure 16's two graphs,
//! the table beside the paper, the progress of a run) and
//! `view::comparison` (PreVote and CheckQuorum as bars beside the README's
//! figures), and forwards what the person does. Every number, position and
//! sentence comes from the view.
//! It runs in the studio, the page's second module (`ui::studio`), in the
//! `#studio` element: a trial chosen is handed to the player as a link.

use super::studio_client::{call, MAIN_API};
use super::worker::WorkerHandle;
use crate::sim::decimal::fixed;
use crate::view::availability_chart::{self, BarChart, Group, Measure};
use crate::view::chart::{Frame, Tick};
use crate::view::comparison::{Comparison, SeedCount};
use crate::view::experiment_figure::{Curve, Graph};
use crate::view::experiment_table::{Row, HEADINGS};
use crate::view::experiments::{Experiments, Setting, Status};
use crate::view::worker_protocol::{WorkerJob, WorkerReply};
use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the Experiments view sends the root.
#[derive(Clone, Debug)]
pub enum ExpMsg {
    /// "Back to the player".
    Back,
    /// Run the experiment with this many trials.
    Start(Setting),
    /// Start the worker for run n (a task after the click's, so that the
    /// click's answer on the page and the worker's start are two short
    /// tasks, not one long one).
    Launch(u64, Box<WorkerJob>),
    /// Stop the run.
    Cancel,
    /// The worker's reply about a run (the run's number, the reply).
    Reply(u64, Box<WorkerReply>),
    /// The pointer is at (x, y) of graph n, in drawing units.
    Hover(usize, f64, f64),
    /// The pointer left a graph.
    Leave,
    /// A click at (x, y) of graph n: the nearest trial, if any is near.
    ClickAt(usize, f64, f64),
    /// A pointer went down on a graph: whether it is a finger (a touch
    /// screen has no hover, so its taps read before they open).
    PointerDown(bool),
    /// A drawn trial chosen: graph, curve, mark.
    Open(usize, usize, usize),
    /// Draw the figure's next piece (a task of its own after a frame, so
    /// that reading the worker's messages, each piece, and the layout of
    /// each take a task apiece).
    DrawStep,
    /// Run the PreVote/CheckQuorum comparison with this many seeds.
    StartComparison(SeedCount),
    /// Start its worker for run n (as `Launch`).
    LaunchComparison(u64, Box<WorkerJob>),
    /// Stop it.
    CancelComparison,
    /// The worker's reply about a comparison (its number, the reply).
    ComparisonReply(u64, Box<WorkerReply>),
    /// A group of bars chosen (a click anywhere on its row, or Enter): its
    /// index.
    OpenBars(usize),
    /// The window was resized.
    Resized,
    /// No resize for a moment since the last.
    ResizeSettled,
}

fn n(x: f64) -> String {
    fixed(x, 1)
}

/// The whole view.
pub fn view(e: &Experiments, send: &Callback<ExpMsg>) -> Html {
    let back = send.reform(|_| ExpMsg::Back);
    html! {
        <div class="experiments-page">
            <header class="bar">
                <h1>{ "Raft Playground" }</h1>
                <button class="back" onclick={back}>{ "← Back to the player" }</button>
            </header>
            <main class="experiments">
                <h2 class="view-start" tabindex="-1">{ "Figure 16: the time to elect a new leader" }</h2>
                <p class="intro">{ "Five servers; the leader crashes at a random moment of its heartbeat interval, just after a synchronized heartbeat, and two of the four survivors hold shorter logs. Each trial is one seeded scenario, run in the simulator; the graphs show, per range of election timeouts, the share of trials with a new leader within a given time (the paper's §9.3)." }</p>
                { controls(e, send) }
                { status(e) }
                if e.has_results() {
                    <div class="exp-graphs">
                        { for e.graphs.iter().enumerate().map(|(i, g)| graph(e, i, g, send)) }
                    </div>
                    if !e.rows.is_empty() {
                        { table(&e.rows) }
                    }
                }
                { comparison(&e.comparison, send) }
            </main>
        </div>
    }
}

fn controls(e: &Experiments, send: &Callback<ExpMsg>) -> Html {
    let choices = Setting::ALL.map(|s| (s.label(), s.cost(), ExpMsg::Start(s)));
    let cancel = ("Cancel Figure 16", ExpMsg::Cancel);
    choice_buttons(choices, e.running(), cancel, send)
}

/// How big a run to start, each choice a button with its cost beside it
/// (greyed while a run goes), and Cancel while one does: the same row
/// for Figure 16 and for the comparison. Greyed with `aria-disabled`, not
/// `disabled`: a button disabled under the focus (Enter on it) dropped the
/// focus to the page's body (a page tester); its clicks are ignored while
/// the run goes (`update`). Cancel is named for what it stops: two
/// "Cancel" buttons, both runs going, were one name to a screen reader.
fn choice_buttons(
    choices: impl IntoIterator<Item = (&'static str, &'static str, ExpMsg)>,
    running: bool,
    (cancel_name, cancel): (&'static str, ExpMsg),
    send: &Callback<ExpMsg>,
) -> Html {
    html! {
        <div class="exp-controls">
            { for choices.into_iter().map(|(label, cost, start)| html! {
                <div class="exp-setting">
                    <button aria-disabled={running.then_some("true")} onclick={send.reform(move |_| start.clone())}>{ label }</button>
                    <span class="cost">{ cost }</span>
                </div>
            }) }
            if running {
                <button class="cancel" aria-label={cancel_name} onclick={send.reform(move |_| cancel.clone())}>{ "Cancel" }</button>
            }
        </div>
    }
}

fn status(e: &Experiments) -> Html {
    let bar = match &e.status {
        Status::Running { done, total, .. } => html! {
            <>
                <progress aria-label="Experiment progress" max={total.max(&1).to_string()} value={done.to_string()}></progress>
                <span class="exp-count" aria-hidden="true">{ e.progress_text() }</span>
            </>
        },
        _ => html! {},
    };
    let failed = matches!(e.status, Status::Failed(_));
    html! {
        <div class="exp-status">
            { bar }
            <p role="status" aria-label="Experiment status" class={classes!(failed.then_some("error"))}>{ e.status_text() }</p>
        </div>
    }
}

/// The pointer's position in the SVG's own units, from a mouse event on it
/// or on something drawn in it. Not the event's `current_target`: Yew
/// listens on its root and hands the handlers the event there, so that is
/// the root, not the graph.
fn pointer(e: &MouseEvent, frame: Frame) -> Option<(f64, f64)> {
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let svg = target.closest("svg.cdf").ok()??;
    let rect = svg.get_bounding_client_rect();
    let (px, py) = (
        e.client_x() as f64 - rect.left(),
        e.client_y() as f64 - rect.top(),
    );
    Some(frame.to_view(px, py, rect.width(), rect.height()))
}

fn graph(e: &Experiments, i: usize, g: &Graph, send: &Callback<ExpMsg>) -> Html {
    let f = g.frame;
    let hover = send.reform(move |ev: MouseEvent| match pointer(&ev, f) {
        Some((x, y)) => ExpMsg::Hover(i, x, y),
        None => ExpMsg::Leave,
    });
    let click = send.reform(move |ev: MouseEvent| match pointer(&ev, f) {
        Some((x, y)) => ExpMsg::ClickAt(i, x, y),
        None => ExpMsg::Leave,
    });
    let leave = send.reform(|_| ExpMsg::Leave);
    let down = send.reform(|ev: PointerEvent| ExpMsg::PointerDown(ev.pointer_type() == "touch"));
    let hovered = e.hover.as_ref().filter(|h| h.graph == i);
    let label = format!(
        "{}: cumulative percent of trials against time without a leader, log scale",
        g.title
    );
    html! {
        <figure class="exp-graph">
            <figcaption>{ g.title }</figcaption>
            <svg class="cdf" viewBox={format!("0 0 {} {}", f.width, f.height)} role="img" aria-label={label}
                onmousemove={hover} onmouseleave={leave} onclick={click} onpointerdown={down}>
                <rect class="plot-bg" x={n(f.x0())} y={n(f.y0())} width={n(f.x1() - f.x0())} height={n(f.y1() - f.y0())} />
                { for g.x_ticks.iter().map(|t| x_tick(g, t)) }
                { for g.y_ticks.iter().map(|t| y_tick(g, t)) }
                <text class="axis-title" x={n((f.x0() + f.x1()) / 2.0)} y={n(f.height - 4.0)} text-anchor="middle">{ "time without leader (ms, log scale)" }</text>
                if let Some(x) = g.give_up_x {
                    <line class="give-up" x1={n(x)} x2={n(x)} y1={n(f.y0())} y2={n(f.y1())} />
                }
                if let Some((x, y)) = g.give_up_label() {
                    <text class="give-up-label" x={n(x)} y={n(y)} text-anchor="end"
                        transform={format!("rotate(-90 {} {})", n(x), n(y))}>{ "given up at 60 s" }</text>
                }
                { for g.curves.iter().map(|c| curve(g, c)) }
                { for g.curves.iter().enumerate().map(|(ci, c)| highlights(i, ci, c, send)) }
                if let Some(h) = hovered {
                    <line class="crosshair" x1={n(h.x.clamp(f.x0(), f.x1()))} x2={n(h.x.clamp(f.x0(), f.x1()))} y1={n(f.y0())} y2={n(f.y1())} />
                    if let Some((_, m)) = h.nearest.as_ref().and_then(|near| g.mark(near)) {
                        <circle class="hover-mark" cx={n(m.x)} cy={n(m.y)} r="5" />
                    }
                }
            </svg>
            <p class="readout" aria-live="polite">{ readout(e, i) }</p>
            <ul class="legend">
                { for g.curves.iter().map(|c| html! {
                    <li>
                        <svg class="swatch" viewBox="0 0 20 8" aria-hidden="true"><line x1="0" y1="4" x2="20" y2="4" stroke={c.colour} /></svg>
                        { c.legend.clone() }
                    </li>
                }) }
            </ul>
        </figure>
    }
}

fn readout(e: &Experiments, i: usize) -> String {
    match e.hover.as_ref().filter(|h| h.graph == i) {
        Some(h) => match &h.trial {
            Some(t) => format!("{}; {}", h.at, t),
            None => format!("{}; no trial near it.", h.at),
        },
        None => "Point at the graph to read it; click a trial (or Tab to a dot and press Enter) to open it in the player. On a touch screen, tap to read and tap the same trial again to open it.".to_string(),
    }
}

fn x_tick(g: &Graph, t: &Tick) -> Html {
    let f = g.frame;
    let major = t.label.is_some();
    html! {
        <>
            <line class={if major { "grid major" } else { "grid" }} x1={n(t.at)} x2={n(t.at)} y1={n(f.y0())} y2={n(f.y1())} />
            if let Some(label) = &t.label {
                <text class="tick" x={n(t.at)} y={n(f.x_label_y())} text-anchor="middle">{ label.clone() }</text>
            }
        </>
    }
}

fn y_tick(g: &Graph, t: &Tick) -> Html {
    let f = g.frame;
    html! {
        <>
            <line class="grid" x1={n(f.x0())} x2={n(f.x1())} y1={n(t.at)} y2={n(t.at)} />
            <text class="tick" x={n(f.y_label_x())} y={n(f.y_label_baseline(t.at))} text-anchor="end">{ t.label.clone().unwrap_or_default() }</text>
        </>
    }
}

fn curve(g: &Graph, c: &Curve) -> Html {
    let tail = c.unfinished.zip(g.give_up_x).map(|((x, y), to)| {
        html! {
            <line class="unfinished" x1={n(x)} y1={n(y)} x2={n(to)} y2={n(y)} stroke={c.colour} />
        }
    });
    html! {
        <g class="curve" data-line={c.legend.clone()}>
            if !c.points.is_empty() {
                <polyline points={c.points.clone()} stroke={c.colour} />
            }
            { for tail }
        </g>
    }
}

fn highlights(graph: usize, ci: usize, c: &Curve, send: &Callback<ExpMsg>) -> Html {
    html! {
        <>
        { for c.highlights.iter().map(|&(mi, what)| {
            let m = &c.marks[mi];
            let label = format!("{} {what}: {} ms, seed {}; open it in the player", crate::view::experiment_figure::line_label(c.line), crate::view::experiment_figure::ms_text(m.value), m.seed);
            let open = move || ExpMsg::Open(graph, ci, mi);
            let click = send.reform(move |ev: MouseEvent| { ev.stop_propagation(); open() });
            let send_key = send.clone();
            let key = Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    send_key.emit(open());
                }
            });
            html! {
                <circle class="trial" cx={n(m.x)} cy={n(m.y)} r="4" fill={c.colour} tabindex="0" role="button"
                    aria-label={label} data-seed={m.seed.to_string()} onclick={click} onkeydown={key} />
            }
        }) }
        </>
    }
}

/// Figure 16's table. On a phone each row stacks as a card (www/style.css,
/// `.fig16-table`), its headings hidden: every cell carries its column's
/// heading to show above it there.
fn table(rows: &[Row]) -> Html {
    let cell = |column: usize, class: &'static str, text: &String| {
        html! { <td class={class} data-label={HEADINGS[column]}>{ text.clone() }</td> }
    };
    html! {
        <div class="exp-table-wrap">
            <table class="exp-table fig16-table" aria-label="Our figures beside the paper's">
                <thead><tr>{ for HEADINGS.iter().map(|h| html! { <th>{ *h }</th> }) }</tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr>
                            <td class="range"><span class="timeouts">
                                <svg class="swatch" viewBox="0 0 20 8" aria-hidden="true"><line x1="0" y1="4" x2="20" y2="4" stroke={r.colour} /></svg>
                                { r.timeouts.clone() }
                            </span></td>
                            { cell(1, "num", &r.trials) }
                            { cell(2, "num", &r.ended) }
                            { cell(3, "num", &r.median) }
                            { cell(4, "num", &r.mean) }
                            { cell(5, "num", &r.p99) }
                            { cell(6, "num", &r.max) }
                            { cell(7, "paper", &r.paper) }
                            { cell(8, "note", &r.note) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

fn comparison(c: &Comparison, send: &Callback<ExpMsg>) -> Html {
    let running = c.running();
    let choices = SeedCount::ALL.map(|s| (s.label(), s.cost(), ExpMsg::StartComparison(s)));
    let bar = match &c.status {
        Status::Running { done, total, .. } => html! {
            <>
                <progress aria-label="Comparison progress" max={total.max(&1).to_string()} value={done.to_string()}></progress>
                <span class="exp-count" aria-hidden="true">{ c.progress_text() }</span>
            </>
        },
        _ => html! {},
    };
    let failed = matches!(c.status, Status::Failed(_));
    html! {
        <section class="exp-comparison">
            <h2>{ "PreVote and CheckQuorum: a leader that can serve, under partial partitions" }</h2>
            <p class="intro">
                { "Five servers and three clients for 60 s. About once a second the simulator breaks the network on purpose: it deafens the leader (it sends but hears nothing), leaves one server able to reach only some of the others, or heals everything. Each seed runs four times, with neither switch, with PreVote, with CheckQuorum and with both, and meets the same faults each time. The bars show how much of the faulty stretch had a leader that a majority follows over working links (checked every 10 ms), and how many client operations succeeded; the black marks are the same figures for 1,000 seeds, measured for the project's README with " }
                <code>{ "raft-sim sweep --faults partial" }</code>
                { "." }
            </p>
            { choice_buttons(choices, running, ("Cancel the comparison", ExpMsg::CancelComparison), send) }
            <div class="exp-status">
                { bar }
                <p role="status" aria-label="Comparison status" class={classes!(failed.then_some("error"))}>{ c.status_text() }</p>
            </div>
            if !c.chart.groups.is_empty() {
                { bars(&c.chart, send) }
                { comparison_table(c) }
            }
            if let Some(sentence) = &c.difference {
                <p class="exp-difference">{ sentence.clone() }</p>
            }
        </section>
    }
}

fn bars(chart: &BarChart, send: &Callback<ExpMsg>) -> Html {
    let f = chart.frame;
    html! {
        <figure class="exp-graph exp-bars">
            <figcaption>{ "Availability with each switch off and on" }</figcaption>
            <svg class="bars" viewBox={format!("0 0 {} {}", f.width, f.height)} role="group"
                aria-label="Bars: the share with a serving leader and of client operations ok, per combination of PreVote and CheckQuorum, beside the README's figures">
                { for chart.ticks.iter().map(|t| html! {
                    <>
                        <line class="grid" x1={n(t.at)} x2={n(t.at)} y1={n(f.y0())} y2={n(f.y1())} />
                        <text class="tick" x={n(t.at)} y={n(f.y1() + 14.0)} text-anchor="middle">{ t.label.clone().unwrap_or_default() }</text>
                    </>
                }) }
                <text class="axis-title" x={n((f.x0() + f.x1()) / 2.0)} y={n(f.height - 4.0)} text-anchor="middle">{ "percent (of the fault phase; of client operations)" }</text>
                { for chart.groups.iter().enumerate().map(|(i, g)| bar_group(i, g, f.width, send)) }
            </svg>
            <ul class="legend">
                { for Measure::ALL.into_iter().map(|m| html! {
                    <li>
                        <svg class="swatch" viewBox="0 0 20 8" aria-hidden="true"><rect x="0" y="0" width="20" height="8" fill={m.colour()} /></svg>
                        { m.label() }
                    </li>
                }) }
                <li>
                    <svg class="swatch" viewBox="0 0 20 8" aria-hidden="true"><line class="reference" x1="10" x2="10" y1="0" y2="8" /></svg>
                    { "the README, 1,000 seeds" }
                </li>
            </ul>
        </figure>
    }
}

fn bar_group(i: usize, g: &Group, width: f64, send: &Callback<ExpMsg>) -> Html {
    let send_key = send.clone();
    let key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            send_key.emit(ExpMsg::OpenBars(i));
        }
    });
    html! {
        <g class="bar-group" tabindex="0" role="button" aria-label={g.aria.clone()}
            data-switches={g.label} data-seed={g.median_seed.to_string()}
            onclick={send.reform(move |_| ExpMsg::OpenBars(i))} onkeydown={key}>
            <rect class="hit" x="0" y={n(g.y - 4.0)} width={n(width)} height={n(g.height + 8.0)} />
            <text class="group-label" x={n(g.label_x)} y={n(g.label_y)} text-anchor="end">{ g.label }</text>
            { for g.bars.iter().map(|b| html! {
                <>
                    <rect class="bar" x={n(b.x)} y={n(b.y)} width={n(b.width.max(0.5))} height={n(b.height)} fill={b.measure.colour()} />
                    <line class="reference" x1={n(b.reference_x)} x2={n(b.reference_x)} y1={n(b.y - 2.0)} y2={n(b.y + b.height + 2.0)}>
                        <title>{ format!("the README, 1,000 seeds: {}", b.reference) }</title>
                    </line>
                    <text class="bar-value" x={n(b.text_x)} y={n(b.y + b.height - 4.0)}>{ b.text.clone() }</text>
                </>
            }) }
        </g>
    }
}

fn comparison_table(c: &Comparison) -> Html {
    html! {
        <div class="exp-table-wrap">
            <table class="exp-table" aria-label="Our availability beside the README's">
                <thead><tr>{ for availability_chart::HEADINGS.iter().map(|h| html! { <th>{ *h }</th> }) }</tr></thead>
                <tbody>
                    { for c.rows.iter().map(|r| html! {
                        <tr>
                            <td>{ r.switches }</td>
                            <td class="num">{ r.serving.clone() }</td>
                            <td class="num">{ r.readme_serving.clone() }</td>
                            <td class="num">{ r.ops.clone() }</td>
                            <td class="num">{ r.readme_ops.clone() }</td>
                            <td class="num">{ r.failing.clone() }</td>
                            <td class="num">{ r.median_seed.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// The Experiments view's root in the studio: the view's state and the
/// run going on.
pub struct ExperimentsRoot {
    model: Experiments,
    /// The worker running the experiment (dropping it terminates it).
    worker: Option<WorkerHandle>,
    /// The worker running the comparison.
    comparison_worker: Option<WorkerHandle>,
    /// Whether a piece of the figure is due to be drawn.
    draw_due: bool,
    /// Whether the last pointer down on a graph was a finger.
    touch: bool,
    /// After a Cancel, which vanishes under the focus: the selector of the
    /// row's first choice, which takes the focus once drawn.
    refocus: Option<&'static str>,
    /// The window's resize listener. The drawings' size was chosen once,
    /// when the view was first shown: a phone turned to its 375 px
    /// portrait kept the wide graphs, their labels 5.5 px tall. Kept for
    /// the view's life (it stays mounted, shown or hidden).
    resize: Closure<dyn FnMut()>,
    /// Set again by every resize: the width is read once it settles.
    settle: Option<Timeout>,
}

/// The resize listener goes with the view: a resize after it would call a
/// freed closure (the view stays mounted for the page's life today).
impl Drop for ExperimentsRoot {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let listener = self.resize.as_ref().unchecked_ref();
            let _ = window.remove_event_listener_with_callback("resize", listener);
        }
    }
}

impl Component for ExperimentsRoot {
    type Message = ExpMsg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let resize = Closure::<dyn FnMut()>::new(move || link.send_message(ExpMsg::Resized));
        if let Some(window) = web_sys::window() {
            let _ =
                window.add_event_listener_with_callback("resize", resize.as_ref().unchecked_ref());
        }
        ExperimentsRoot {
            model: Experiments::new(narrow_window()),
            worker: None,
            comparison_worker: None,
            draw_due: false,
            touch: false,
            refocus: None,
            resize,
            settle: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: ExpMsg) -> bool {
        let m = &mut self.model;
        match msg {
            ExpMsg::Back => {
                call(MAIN_API, "showPlayer", &[]);
            }
            // A greyed choice pressed while its run goes.
            ExpMsg::Start(_) if m.running() => return false,
            ExpMsg::StartComparison(_) if m.comparison.running() => return false,
            ExpMsg::Start(setting) => {
                let (run, config) = m.start(setting, super::perf::now_ms());
                let job = Box::new(WorkerJob::ElectionDowntime { config });
                let link = ctx.link().clone();
                super::in_a_task(move || link.send_message(ExpMsg::Launch(run, job)));
            }
            ExpMsg::Launch(run, job) if run == m.run && m.running() => {
                let on_reply = ctx
                    .link()
                    .callback(move |r| ExpMsg::Reply(run, Box::new(r)));
                match WorkerHandle::start(*job, on_reply) {
                    Ok(handle) => self.worker = Some(handle),
                    Err(e) => m.failed(run, e),
                }
            }
            ExpMsg::Launch(..) => {} // cancelled before it started
            ExpMsg::Cancel => {
                m.cancel();
                self.worker = None; // dropping it terminates the worker
                self.refocus = Some("main.experiments > .exp-controls button");
            }
            ExpMsg::Reply(run, reply) => {
                match *reply {
                    WorkerReply::Progress { done, total, what } => {
                        m.progress(run, done, total, what)
                    }
                    WorkerReply::ExperimentLine { line } => m.line(run, line),
                    WorkerReply::ExperimentDone { errors } => {
                        m.finished(run, errors, super::perf::now_ms())
                    }
                    WorkerReply::Failed { message } => m.failed(run, message),
                    _ => m.failed(run, "the worker answered another job".to_string()),
                }
                if !m.running() {
                    self.worker = None; // its job is done
                }
            }
            ExpMsg::DrawStep => {
                self.draw_due = false;
                m.draw_step();
            }
            ExpMsg::StartComparison(seeds) => {
                let (run, config) = m.comparison.start(seeds, super::perf::now_ms());
                let job = Box::new(WorkerJob::Availability { config });
                let link = ctx.link().clone();
                let launch = move || link.send_message(ExpMsg::LaunchComparison(run, job));
                super::in_a_task(launch);
            }
            ExpMsg::LaunchComparison(run, job)
                if run == m.comparison.run && m.comparison.running() =>
            {
                let on_reply = ctx
                    .link()
                    .callback(move |r| ExpMsg::ComparisonReply(run, Box::new(r)));
                match WorkerHandle::start(*job, on_reply) {
                    Ok(handle) => self.comparison_worker = Some(handle),
                    Err(e) => m.comparison.failed(run, e),
                }
            }
            ExpMsg::LaunchComparison(..) => {}
            ExpMsg::CancelComparison => {
                m.comparison.cancel();
                self.comparison_worker = None;
                self.refocus = Some(".exp-comparison .exp-controls button");
            }
            ExpMsg::ComparisonReply(run, reply) => {
                let c = &mut m.comparison;
                match *reply {
                    WorkerReply::Progress { done, total, what } => {
                        c.progress(run, done, total, what)
                    }
                    WorkerReply::AvailabilityPart { result } => c.part(run, result),
                    WorkerReply::AvailabilityDone { .. } => c.finished(run, super::perf::now_ms()),
                    WorkerReply::Failed { message } => c.failed(run, message),
                    _ => c.failed(run, "the worker answered another job".to_string()),
                }
                if !c.running() {
                    self.comparison_worker = None;
                }
            }
            ExpMsg::OpenBars(i) => {
                if let Some(trial) = m.comparison.trial(i) {
                    open(trial);
                }
            }
            // The width is read 200 ms after the last resize, not at each
            // width a window passes through as it is dragged: crossing
            // 700 px redraws the figure a piece a frame, and a headless
            // Chromium's full-page screenshot passes through a 1 px window
            // (it caught the figure half redrawn).
            ExpMsg::Resized => {
                let link = ctx.link().clone();
                let settled = move || link.send_message(ExpMsg::ResizeSettled);
                self.settle = Some(Timeout::new(200, settled)); // the last one dropped: cancelled
                return false;
            }
            // Most resizes stay on one side of the width: nothing to draw.
            ExpMsg::ResizeSettled if !m.set_narrow(narrow_window()) => return false,
            ExpMsg::ResizeSettled => {}
            ExpMsg::Hover(g, x, y) => m.hover(g, x, y),
            ExpMsg::Leave => m.leave(),
            ExpMsg::PointerDown(touch) => {
                self.touch = touch;
                return false;
            }
            ExpMsg::ClickAt(g, x, y) => {
                let picked = match self.touch {
                    true => m.tap(g, x, y),
                    false => m.pick(g, x, y),
                };
                if let Some(trial) = picked {
                    open(trial);
                }
            }
            ExpMsg::Open(g, c, k) => {
                if let Some(trial) = m.trial(g, c, k) {
                    open(trial);
                }
            }
        }
        if self.model.drawing() && !self.draw_due {
            self.draw_due = true;
            let link = ctx.link().clone();
            after_a_frame(move || link.send_message(ExpMsg::DrawStep));
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        view(&self.model, &ctx.link().callback(|msg| msg))
    }

    fn rendered(&mut self, _: &Context<Self>, first: bool) {
        if first {
            focus_the_view();
        }
        if let Some(selector) = self.refocus.take() {
            super::focus(selector);
        }
    }
}

/// The view just shown takes the focus at its first heading: the
/// "Experiments" button pressed is gone with the player, and the focus
/// fell to the page's body (a page tester).
pub fn focus_the_view() {
    super::focus("main.experiments > h2.view-start");
}

/// Runs `then` in a task of its own after the next frame is drawn, so that
/// the frame (its style and layout of what was just drawn) and `then` do
/// not share a task with what came before.
fn after_a_frame(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return then();
    };
    let frame = Closure::once_into_js(move || super::in_a_task(then));
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// Hands a trial to the player, as a link's fragment (the page hides this
/// view and shows the player).
fn open(trial: Result<crate::view::experiments::ForPlayer, String>) {
    let (fragment, error, caption) = match trial {
        Ok(run) => (
            crate::view::permalink::encode(&run.scenario),
            String::new(),
            run.caption,
        ),
        Err(e) => (String::new(), e, String::new()),
    };
    call(
        MAIN_API,
        "open",
        &[fragment.into(), error.into(), caption.into()],
    );
}

/// Phone-sized: the graphs use the narrow frame.
fn narrow_window() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 700.0)
}
