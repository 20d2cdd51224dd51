//! STOPGAP: runs the Figure 16 experiment on the main thread, a slice at a
//! time, until the Web Worker (`ui::worker`, on branch `worker-find`) is
//! merged; then this file only adapts the worker's replies. Each slice runs
//! trials until 8 ms have passed, then yields to the browser with a
//! zero-delay timer, so frames keep being drawn while it runs. It links the
//! experiment engine into the page's wasm, which the worker will not.

use super::perf;
use crate::sim::experiment::election_downtime::{Experiment, ExperimentConfig, ExperimentResults};
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use yew::Callback;

/// What a run reports.
#[derive(Clone, Debug)]
pub enum RunReply {
    /// Trials done of all, and what it is doing.
    Progress {
        /// Trials done.
        done: u64,
        /// Trials in all.
        total: u64,
        /// In words.
        what: String,
    },
    /// Every trial ran.
    Done(Box<ExperimentResults>),
    /// It could not run.
    Failed(String),
}

/// A run going on; dropping it stops it.
pub struct Run {
    cancelled: Rc<Cell<bool>>,
}

/// How long one slice may run before yielding to the browser.
const SLICE_MS: f64 = 8.0;

impl Run {
    /// Starts running `config`, reporting to `on_reply`.
    pub fn start(config: ExperimentConfig, on_reply: Callback<RunReply>) -> Result<Run, String> {
        let cancelled = Rc::new(Cell::new(false));
        slice_later(Experiment::new(config), on_reply, cancelled.clone());
        Ok(Run { cancelled })
    }

    /// Stops the run: nothing more is reported.
    pub fn cancel(&self) {
        self.cancelled.set(true);
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.cancel();
    }
}

fn slice_later(
    mut experiment: Experiment,
    on_reply: Callback<RunReply>,
    cancelled: Rc<Cell<bool>>,
) {
    Timeout::new(0, move || {
        if cancelled.get() {
            return;
        }
        let started = perf::now_ms();
        let mut p = experiment.progress();
        while p.done < p.total && perf::now_ms() - started < SLICE_MS {
            p = experiment.step(1);
        }
        if p.done == p.total {
            on_reply.emit(RunReply::Done(Box::new(experiment.results())));
            return;
        }
        let what = format!(
            "{} trials run (on the main thread: the worker is not in yet)",
            p.done
        );
        on_reply.emit(RunReply::Progress {
            done: p.done,
            total: p.total,
            what,
        });
        slice_later(experiment, on_reply, cancelled);
    })
    .forget();
}
