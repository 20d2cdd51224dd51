//! The studio's side of the "What if…" panel's jobs: it reads a job the
//! page handed over (`view::studio_wire`), runs it in a Web Worker
//! (`ui::worker`, serde-wasm-bindgen messages) and hands every reply back
//! as a string. Stopping a job terminates its worker.

use crate::ui::worker::WorkerHandle;
use crate::view::studio_wire::{decode, encode, JobWire, ReplyWire};
use crate::view::worker_protocol::WorkerReply;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;
use yew::Callback;

thread_local! {
    /// The running jobs' workers, by the number the page was given.
    static JOBS: RefCell<Vec<(u32, WorkerHandle)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

/// Starts the job `text`; every reply goes to `on_reply` as a string.
/// Returns the job's number, for [`stop`].
pub fn start(text: String, on_reply: js_sys::Function) -> u32 {
    let id = NEXT.with(|n| n.replace(n.get() + 1));
    let send = Callback::from(move |reply: WorkerReply| {
        let text = encode(&ReplyWire::of(reply));
        let _ = on_reply.call1(&JsValue::NULL, &text.into());
    });
    let job = decode::<JobWire>(&text)
        .map_err(|e| format!("the studio cannot read the job: {e}"))
        .and_then(JobWire::into_job);
    match job.and_then(|job| WorkerHandle::start(job, send.clone())) {
        Ok(handle) => JOBS.with(|jobs| jobs.borrow_mut().push((id, handle))),
        Err(message) => send.emit(WorkerReply::Failed { message }),
    }
    id
}

/// Stops job `id`: its worker is terminated (a job already ended is
/// forgotten).
pub fn stop(id: u32) {
    let handle = JOBS.with(|jobs| {
        let mut jobs = jobs.borrow_mut();
        let at = jobs.iter().position(|(i, _)| *i == id)?;
        Some(jobs.remove(at).1)
    });
    drop(handle); // outside the borrow: dropping terminates the worker
}
