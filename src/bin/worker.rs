//! The Web Worker (index.html: `data-type="worker"`): receives one
//! [`WorkerJob`](raft_playground::view::worker_protocol::WorkerJob), runs
//! it with [`JobRunner`](raft_playground::view::worker_jobs::JobRunner) in
//! slices of about 10 ms, posts progress at most every 100 ms, pieces of
//! results as soon as they are ready and the final reply, and yields (`setTimeout(0)`) between slices so that its messages
//! arrive. The page cancels by terminating it. Natively there is nothing
//! to run: the runner's tests run the same code.

fn main() {
    #[cfg(target_arch = "wasm32")]
    web::listen();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the worker runs in a browser; `raft-sim find-failure` runs the same search");
}

#[cfg(target_arch = "wasm32")]
mod web {
    use raft_playground::view::worker_jobs::{Budget, JobRunner};
    use raft_playground::view::worker_protocol::{WorkerJob, WorkerReply, READY};
    use serde::Serialize;
    use std::cell::Cell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::DedicatedWorkerGlobalScope;

    /// Wall time one slice may run before the worker yields.
    const SLICE_MS: f64 = 10.0;
    /// Progress is posted at most this often.
    const PROGRESS_MS: f64 = 100.0;

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn post(reply: &WorkerReply) {
        let serializer =
            serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
        let value = reply.serialize(&serializer).unwrap_or_else(|e| {
            JsValue::from_str(&format!("the worker cannot encode its reply: {e}"))
        });
        let _ = scope().post_message(&value);
    }

    /// Listens for the job, then says it is ready.
    pub fn listen() {
        std::panic::set_hook(Box::new(|info| {
            let message = format!("the worker hit a bug: {info}");
            post(&WorkerReply::Failed { message });
        }));
        let started = Cell::new(false);
        let on_message = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
            if started.replace(true) {
                return; // one job per worker
            }
            match serde_wasm_bindgen::from_value::<WorkerJob>(e.data()) {
                Ok(job) => run_slice(JobRunner::new(job), 0.0),
                Err(e) => post(&WorkerReply::Failed {
                    message: format!("the worker cannot read its job: {e}"),
                }),
            }
        });
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let _ = scope().post_message(&JsValue::from_str(READY));
    }

    /// Runs steps for about [`SLICE_MS`], posts what is due, and schedules
    /// the next slice after a yield.
    fn run_slice(mut runner: JobRunner, last_posted: f64) {
        let started = js_sys::Date::now();
        let mut progress = None;
        while js_sys::Date::now() - started < SLICE_MS {
            for reply in runner.step(Budget::default()) {
                match reply {
                    WorkerReply::Progress { .. } => progress = Some(reply),
                    last if last.is_final() => {
                        progress.iter().for_each(post);
                        post(&last);
                        return;
                    }
                    piece => post(&piece),
                }
            }
        }
        let now = js_sys::Date::now();
        let mut posted = last_posted;
        if let Some(p) = progress.filter(|_| now - last_posted >= PROGRESS_MS) {
            post(&p);
            posted = now;
        }
        gloo_timers::callback::Timeout::new(0, move || run_slice(runner, posted)).forget();
    }
}
